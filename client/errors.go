package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/flyscript/flyscript/internal/secret"
)

// Sentinel errors for errors.Is. A *Error matches them by HTTP status.
var (
	// ErrNotFound matches 404 responses.
	ErrNotFound = errors.New("not found")
	// ErrConflict matches 409 responses (a held lease, a stale current_version).
	ErrConflict = errors.New("conflict")
	// ErrPreconditionFailed matches 412 responses (a stale machine_version,
	// a machine being replaced).
	ErrPreconditionFailed = errors.New("precondition failed")
	// ErrUnauthorized matches 401 and 403 responses.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrRateLimited matches 429 responses.
	ErrRateLimited = errors.New("rate limited")
)

// Error codes derived when the API gives no `status` of its own.
const (
	CodeNotFound           = "not_found"
	CodeConflict           = "conflict"
	CodeRateLimited        = "rate_limited"
	CodeUnauthorized       = "unauthorized"
	CodeForbidden          = "permission_denied"
	CodeFailedPrecondition = "failed_precondition"
	CodeInvalidArgument    = "invalid_argument"
	CodeTimeout            = "timeout"
	CodeCanceled           = "canceled"
	CodeNetwork            = "network"
	CodeOutcomeUnknown     = "outcome_unknown"
	CodeUnavailable        = "unavailable"
	CodeInternal           = "internal"
	CodeTooLarge           = "response_too_large"
	// CodeTerminalState is a wait that found the machine failed or
	// destroyed, states it does not leave by itself.
	CodeTerminalState = "terminal_state"
)

// Error is the one error type of the client: every failed call returns a
// *Error. It never contains the API token.
type Error struct {
	// Op is the operation in pattern form: "POST /v1/apps/{app_name}/machines".
	Op string
	// Method and Path are the concrete request: "POST", "/v1/apps/web/machines"
	// (no query string).
	Method, Path string
	// StatusCode is the HTTP status, 0 when no response came.
	StatusCode int
	// Code is the API's `status` field (insufficient_capacity, name_taken,
	// ...) when it gives one, else a code derived from the status or the
	// failure: not_found, conflict, rate_limited, unauthorized,
	// failed_precondition, invalid_argument, timeout, canceled, network,
	// outcome_unknown, unavailable, internal.
	Code string
	// Message is the API's error message, or ours.
	Message string
	// RequestID is the fly-request-id response header, when there was one.
	RequestID string
	// Body is the response body (bounded by the size limit), when there was one.
	Body []byte
	// Err is the cause when the failure was not an HTTP error status
	// (a transport error, context cancellation).
	Err error

	retryAfter string // the Retry-After header of the response
}

// Error reads "POST /v1/apps/a/machines: 422 insufficient_capacity: <message>".
func (e *Error) Error() string {
	var b strings.Builder
	if e.Method != "" || e.Path != "" {
		b.WriteString(strings.TrimSpace(e.Method + " " + e.Path))
		b.WriteString(": ")
	} else if e.Op != "" {
		b.WriteString(e.Op)
		b.WriteString(": ")
	}
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, "%d ", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(e.Code)
	} else {
		b.WriteString("error")
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// Unwrap returns the cause (nil for HTTP error statuses).
func (e *Error) Unwrap() error { return e.Err }

// Is matches ErrNotFound, ErrConflict, ErrPreconditionFailed,
// ErrUnauthorized and ErrRateLimited by HTTP status.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrConflict:
		return e.StatusCode == http.StatusConflict
	case ErrPreconditionFailed:
		return e.StatusCode == http.StatusPreconditionFailed
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// Retryable reports whether making the same call again may succeed:
// network failures whose request provably did not take effect or that are
// safe to repeat, 408, 429, 502, 503 and 504. An unknown outcome, a
// cancellation and every other status are not retryable.
func (e *Error) Retryable() bool {
	switch e.Code {
	case CodeCanceled, CodeOutcomeUnknown, CodeTooLarge:
		return false
	case CodeTimeout:
		if e.StatusCode == 0 {
			return false // the caller's deadline passed
		}
	case CodeNetwork:
		return true
	}
	return retryableStatus(e.StatusCode)
}

// Hint says what to do about the error, when there is something to say.
func (e *Error) Hint() string {
	msg := strings.ToLower(e.Message)
	switch {
	case e.Code == "insufficient_capacity":
		return "try another region, or a smaller machine size"
	case e.Code == "volume_placement_capacity":
		return "try another region, or a smaller volume"
	case e.Code == "name_taken" || strings.Contains(msg, "name has already been taken"):
		return "choose another name (app names are global across Fly.io)"
	case strings.Contains(msg, "lease currently held"):
		return "another holder leases this machine: wait for its lease to end, or pass its nonce"
	case strings.Contains(msg, "lease not found") && e.Method == http.MethodGet:
		return "the machine holds no lease"
	case strings.Contains(msg, "lease not found"):
		return "the lease has expired or was released: acquire a new one (fly.leases.acquire, or fly.leases.with)"
	case strings.Contains(msg, "nonce"):
		return "acquire a lease first, and pass its nonce"
	case strings.Contains(msg, "getting replaced"):
		return "the machine is being updated: wait for it to settle, then try again"
	case strings.Contains(msg, "from current state"):
		return "the machine is not in a state that allows this: wait for the state you need (fly.machines.wait), then try again"
	case e.StatusCode == http.StatusUnauthorized:
		return "check the token (FLY_API_TOKEN, or `fly auth login`)"
	case e.StatusCode == http.StatusForbidden && strings.Contains(msg, "is not allowed: the simulator"):
		return "use the URL the simulator printed (a loopback address), or start it with --allow-host HOST"
	case e.StatusCode == http.StatusForbidden:
		return "the token has no access to this resource: check the app's organization and the token's scope"
	case e.StatusCode == http.StatusNotFound && strings.Contains(msg, "app"):
		return "check the app name (fly apps list)"
	case e.StatusCode == http.StatusConflict && strings.Contains(msg, "version"):
		return "the machine changed since it was read: get it again and retry"
	case e.StatusCode == http.StatusPreconditionFailed && strings.Contains(msg, "force"):
		return "stop the machines first (fly.machines.stop, then wait for \"stopped\"), or pass force = true"
	case e.StatusCode == http.StatusPreconditionFailed && strings.Contains(msg, "version"):
		return "the resource changed since it was read: get it again and retry"
	case e.Code == CodeRateLimited:
		return "too many requests for this action: slow down (client-side rate limits are on by default)"
	case e.Code == CodeOutcomeUnknown:
		return "check whether the request took effect (e.g. list the machines) before trying again"
	case e.Code == CodeNetwork:
		return "check the network connection and the API endpoint (FLY_FLAPS_BASE_URL)"
	case e.Code == CodeTerminalState && strings.Contains(msg, "is failed"):
		return "see why in fly.machines.events(id); start or update it again, or destroy it"
	case e.Code == CodeTerminalState:
		return "the machine is gone: create a new one"
	case e.Code == CodeTooLarge:
		return "the response exceeded the client's size limit (WithMaxResponseBytes)"
	}
	return ""
}

// grpcCodes are the upstream codes the API puts in front of some messages
// ("failed_precondition: machine getting replaced").
var grpcCodes = map[string]string{
	"canceled": CodeCanceled, "invalid_argument": CodeInvalidArgument,
	"deadline_exceeded": CodeTimeout, "not_found": CodeNotFound,
	"already_exists": "already_exists", "permission_denied": CodeForbidden,
	"resource_exhausted": "resource_exhausted", "failed_precondition": CodeFailedPrecondition,
	"aborted": "aborted", "out_of_range": "out_of_range", "unimplemented": "unimplemented",
	"internal": CodeInternal, "unavailable": CodeUnavailable, "data_loss": "data_loss",
	"unauthenticated": CodeUnauthorized,
}

// statusCode derives a code from an HTTP status.
func statusCode(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return CodeInvalidArgument
	case http.StatusUnauthorized:
		return CodeUnauthorized
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusRequestTimeout, http.StatusGatewayTimeout:
		return CodeTimeout
	case http.StatusConflict:
		return CodeConflict
	case http.StatusPreconditionFailed:
		return CodeFailedPrecondition
	case http.StatusTooManyRequests:
		return CodeRateLimited
	case http.StatusBadGateway, http.StatusServiceUnavailable:
		return CodeUnavailable
	}
	if status >= 500 {
		return CodeInternal
	}
	return "http_" + fmt.Sprint(status)
}

// decodeErrorBody fills Code and Message from an error response body:
// {"error": "...", "message": "...", "status": "..."}.
func (e *Error) decodeErrorBody(body []byte) {
	var eb struct {
		Error   any    `json:"error"`
		Message string `json:"message"`
		Status  any    `json:"status"`
	}
	msg, code := "", ""
	if json.Unmarshal(body, &eb) == nil {
		if s, ok := eb.Error.(string); ok {
			msg = s
		}
		if eb.Message != "" {
			msg = eb.Message
		}
		if s, ok := eb.Status.(string); ok && s != "unknown" && s != "error" && s != "success" {
			code = s
		}
	} else if text := strings.TrimSpace(string(body)); text != "" && !strings.HasPrefix(text, "<") {
		msg = text
	}
	if len(msg) > 1000 {
		msg = msg[:1000] + "..."
	}
	// "failed_precondition: machine getting replaced": the prefix is a code.
	if i := strings.Index(msg, ": "); i > 0 {
		if derived, ok := grpcCodes[msg[:i]]; ok {
			if code == "" {
				code = derived
			}
			msg = msg[i+2:]
		}
	}
	if code == "" {
		code = statusCode(e.StatusCode)
	}
	if msg == "" {
		msg = strings.ToLower(http.StatusText(e.StatusCode))
	}
	e.Code, e.Message = code, msg
}

// scrubError returns err with every secret removed from its text. When
// nothing needs removing err is returned as it is.
func scrubError(err error, secrets *secret.Scrubber) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := scrub(msg, secrets)
	if clean == msg {
		return err
	}
	return &redactedError{msg: clean, cause: err}
}

// scrub hides the token in s: whole, its parts, and any run of 16 or more
// of its characters (see package internal/secret).
func scrub(s string, secrets *secret.Scrubber) string { return secrets.Scrub(s) }

// redactedError keeps the identity of a cause (for errors.Is on the usual
// sentinels) while never showing its text.
type redactedError struct {
	msg   string
	cause error
}

func (r *redactedError) Error() string { return r.msg }

// Is matches the sentinels callers test transport errors against, without
// exposing the cause's text through Unwrap.
func (r *redactedError) Is(target error) bool {
	switch target {
	case context.Canceled, context.DeadlineExceeded:
		return errors.Is(r.cause, target)
	}
	return false
}
