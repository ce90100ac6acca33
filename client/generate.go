package client

//go:generate go run ./internal/gen -dir .
