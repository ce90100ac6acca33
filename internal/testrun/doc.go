// Package testrun owns `flyscript test`: discovering *_test.lua files,
// running their tests against a fresh simulator each, in virtual time, and
// reporting the results as text, JSON lines or JUnit XML.
//
// A test file is a Lua script with everything a script has, plus the
// globals `test(name, fn)`, `sim` (advance, fail, requests, load, save,
// options, now) and `run(path, ...)`. The file's top level runs once and
// registers tests; each test then runs against a new simulator (instant
// transitions, no rate limits, no apps) whose fake clock is the VM's
// clock: time.sleep, machine waits, retries and lease refreshes move it
// instead of sleeping.
//
// Only cmd/flyscript (the `test` subcommand) and the examples' tests import
// this package; it imports the root package (the VM), client and sim, never
// the CLI.
package testrun
