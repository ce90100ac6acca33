package sim

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code, b = http.StatusInternalServerError, []byte(`{"error":"internal: encode response"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write(append(b, '\n'))
}

// apiError is the API's error body: {"error": ..., "status": ...}. status is
// set only where the real API sets a code of its own (name_taken,
// insufficient_capacity, ...).
type apiError struct {
	Error  string `json:"error"`
	Status string `json:"status,omitempty"`
}

func writeError(w http.ResponseWriter, code int, msg string) {
	writeJSON(w, code, apiError{Error: msg})
}

func writeErrorStatus(w http.ResponseWriter, code int, msg, status string) {
	writeJSON(w, code, apiError{Error: msg, Status: status})
}

// writeEmpty answers with a status and no body.
func writeEmpty(w http.ResponseWriter, code int) { w.WriteHeader(code) }

// decodeJSON decodes JSON keeping numbers as json.Number, so that machine
// configurations survive a round trip unchanged.
func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// readBody decodes the request body into v. An empty body leaves v alone
// unless required. It answers 400 itself and returns false on error.
func readBody(w http.ResponseWriter, r *http.Request, v any, required bool) bool {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "could not read request body: "+err.Error())
		return false
	}
	if len(bytes.TrimSpace(b)) == 0 {
		if required {
			writeError(w, http.StatusBadRequest, "request body is required")
			return false
		}
		return true
	}
	if err := decodeJSON(b, v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// boolQuery reads a boolean query parameter ("true", "1", ...); absent is false.
func boolQuery(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, fmt.Errorf("invalid %s %q: want true or false", name, v)
	}
	return b, nil
}

// boolParam is boolQuery for handlers: it answers 400 itself and returns
// ok false when the parameter is not a boolean.
func boolParam(w http.ResponseWriter, r *http.Request, name string) (v, ok bool) {
	v, err := boolQuery(r, name)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return false, false
	}
	return v, true
}

// bufferedWriter holds an answer until the change it reports is written.
// Headers go to the real writer at once (nothing is sent before flush).
type bufferedWriter struct {
	w    http.ResponseWriter
	code int
	body bytes.Buffer
}

func (b *bufferedWriter) Header() http.Header         { return b.w.Header() }
func (b *bufferedWriter) Write(p []byte) (int, error) { return b.body.Write(p) }
func (b *bufferedWriter) WriteHeader(code int)        { b.code = code }

func (b *bufferedWriter) flush() {
	b.w.WriteHeader(b.code)
	_, _ = b.w.Write(b.body.Bytes())
}

// discardWriter runs a handler whose answer will never be sent: the
// connection is reset after processing.
type discardWriter struct {
	h    http.Header
	code int
}

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(code int)        { d.code = code }

// resetConn drops the client's connection with a TCP reset (SO_LINGER 0),
// the way a crashed proxy does. Without a hijackable connection it aborts the
// handler, which makes net/http close the connection without an answer.
func resetConn(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// splitList reads a parameter that may be repeated or comma-separated.
func splitList(vals []string) []string {
	var out []string
	for _, v := range vals {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}
