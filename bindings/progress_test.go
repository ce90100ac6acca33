package bindings

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/stdlib"
)

// syncBuffer is a bytes.Buffer safe for the spinner's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func progressVM(t *testing.T, base string, progress bool, stderr io.Writer) *lua.LState {
	t.Helper()
	L := lua.NewState()
	t.Cleanup(L.Close)
	require.NoError(t, stdlib.Open(L, stdlib.Config{Stdout: io.Discard, Stderr: io.Discard}))
	_, err := Open(L, Config{Client: newTestClient(t, base), App: "web", Stderr: stderr, Progress: progress})
	require.NoError(t, err)
	return L
}

// slowWait answers every wait after a pause long enough for a few frames of
// the spinner.
func slowWait(t *testing.T) *fakeAPI {
	return newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		time.Sleep(350 * time.Millisecond)
		writeJSON(w, 200, map[string]any{"ok": true, "state": "started"})
	})
}

func TestWaitSpinnerOnATerminal(t *testing.T) {
	var stderr syncBuffer
	L := progressVM(t, slowWait(t).srv.URL, true, &stderr)
	require.Equal(t, "", runErr(L, `fly.machines.wait("m1", "started")`))
	out := stderr.String()
	assert.Contains(t, out, "waiting for m1 to be started")
	// Cleared when done: the last thing written erases the whole line, to
	// its end (a terminal's echo of Ctrl-C, "^C", stands after the spinner).
	assert.Regexp(t, `\r\x1b\[K$`, out)
}

func TestNoSpinnerWhenNotATerminal(t *testing.T) {
	var stderr syncBuffer
	L := progressVM(t, slowWait(t).srv.URL, false, &stderr)
	require.Equal(t, "", runErr(L, `fly.machines.wait("m1", "started")`))
	assert.Empty(t, stderr.String())
}

func TestParallelBarOnATerminal(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		writeJSON(w, 200, map[string]any{"id": "m", "state": "started"})
	})
	var stderr syncBuffer
	L := progressVM(t, api.srv.URL, true, &stderr)
	require.Equal(t, "", runErr(L, `fly.parallel({1, 2, 3}, function(i) return fly.machines.get("m" .. i) end, {progress = "restarting"})`))
	assert.Contains(t, stderr.String(), "restarting")

	var quiet syncBuffer
	L = progressVM(t, api.srv.URL, true, &quiet)
	require.Equal(t, "", runErr(L, `fly.parallel({1, 2}, function(i) return i end, {progress = false})`))
	assert.Empty(t, quiet.String())
}

// The bar is drawn before the first item finishes, and a Ctrl-C in the
// middle leaves a blank line for the error that follows.
func TestParallelBarFromTheStartAndClearedOnInterrupt(t *testing.T) {
	release := make(chan struct{})
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request, body []byte) {
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		writeJSON(w, 200, map[string]any{"id": "m", "state": "started"})
	})
	defer close(release)
	var stderr syncBuffer
	L := progressVM(t, api.srv.URL, true, &stderr)
	ctx, cancel := context.WithCancel(context.Background())
	L.SetContext(ctx)
	done := make(chan string)
	go func() {
		done <- runErr(L, `fly.parallel({1, 2, 3}, function(i) return fly.machines.get("m" .. i) end, {progress = "rolling"})`)
	}()
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "rolling") }, 5*time.Second, 10*time.Millisecond,
		"drawn while no item has finished")
	assert.Contains(t, stderr.String(), "(0/3")
	cancel()
	msg := <-done
	assert.NotEmpty(t, msg)
	assert.Regexp(t, `\r +\r\r\x1b\[K$`, stderr.String(), "the bar's line is blanked, to its end (a terminal's ^C echo included)")
}
