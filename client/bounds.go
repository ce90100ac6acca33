package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"
)

// CodeRedirect is the Code of a call answered with a redirect (3xx with a
// Location). The Machines API never redirects and the client never
// follows one: following it would send the token to wherever it points,
// in clear text for an https to http redirect.
const CodeRedirect = "redirect"

// AttemptTimeouts bound one HTTP attempt, so that a server that never
// answers, or stops in the middle of an answer, cannot hang a call (a
// context without a deadline included). RetryPolicy.MaxElapsed bounds the
// whole call, retries included, against a server that trickles its answer.
type AttemptTimeouts struct {
	// Headers is the longest wait for the response headers once the
	// request is made (default 90s: above the API's 60-second long poll of
	// a machine wait; an exec's own timeout is added to it).
	Headers time.Duration
	// BodyIdle is the longest time without a byte of the response body
	// (default 30s).
	BodyIdle time.Duration
}

// DefaultAttemptTimeouts returns the bounds clients use unless told
// otherwise.
func DefaultAttemptTimeouts() AttemptTimeouts {
	return AttemptTimeouts{Headers: 90 * time.Second, BodyIdle: 30 * time.Second}
}

// WithAttemptTimeouts sets the bounds of each HTTP attempt (see
// AttemptTimeouts); a zero field keeps its default.
func WithAttemptTimeouts(t AttemptTimeouts) Option {
	return func(c *Client) error {
		if t.Headers < 0 || t.BodyIdle < 0 {
			return errors.New("client: attempt timeouts must not be negative")
		}
		d := DefaultAttemptTimeouts()
		if t.Headers == 0 {
			t.Headers = d.Headers
		}
		if t.BodyIdle == 0 {
			t.BodyIdle = d.BodyIdle
		}
		c.timeouts = t
		return nil
	}
}

// attemptTimeout is the failure of an attempt that outlived one of its
// bounds. The retry rules treat it as a lost answer.
type attemptTimeout struct {
	what string
	d    time.Duration
}

func (e *attemptTimeout) Error() string { return fmt.Sprintf("%s within %v", e.what, e.d) }

// elapsedTimeout is the cause of a call that outlived RetryPolicy.MaxElapsed.
type elapsedTimeout struct{ d time.Duration }

func (e *elapsedTimeout) Error() string {
	return fmt.Sprintf("no complete answer within %v, the bound of a whole call (RetryPolicy.MaxElapsed)", e.d)
}

// Is makes the bound a deadline for errors.Is(err, context.DeadlineExceeded).
func (e *elapsedTimeout) Is(target error) bool { return target == context.DeadlineExceeded }

// headersTimeout is the header bound of k's attempts: an exec waits for
// its command, so its own timeout is added.
func (c *Client) headersTimeout(k *call) time.Duration {
	d := c.timeouts.Headers
	if k.method == http.MethodPost && k.pattern == machinePattern+"/exec" && k.req.Body != nil {
		var body struct {
			Timeout int `json:"timeout"`
		}
		if json.Unmarshal(k.req.Body, &body) == nil && body.Timeout > 0 {
			d += time.Duration(body.Timeout) * time.Second
		}
	}
	return d
}

// callBound is how long a whole call may take: MaxElapsed, but never less
// than one attempt's bounds.
func (c *Client) callBound(k *call) time.Duration {
	return max(c.retry.MaxElapsed, c.headersTimeout(k)+c.timeouts.BodyIdle)
}

// boundedBody reads a response body, cancelling the attempt (with cause)
// when no byte comes for idle.
type boundedBody struct {
	r     io.Reader
	timer *time.Timer
	idle  time.Duration
}

func newBoundedBody(r io.Reader, idle time.Duration, cancel context.CancelCauseFunc) *boundedBody {
	b := &boundedBody{r: r, idle: idle}
	b.timer = time.AfterFunc(idle, func() {
		cancel(&attemptTimeout{what: "no byte of the response body", d: idle})
	})
	return b
}

func (b *boundedBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 {
		b.timer.Reset(b.idle)
	}
	return n, err
}

// stop releases the timer.
func (b *boundedBody) stop() { b.timer.Stop() }

// attemptCause is the bound an attempt's context was cancelled for, or
// nil when it was not.
func attemptCause(ctx context.Context) error {
	var at *attemptTimeout
	if errors.As(context.Cause(ctx), &at) {
		return at
	}
	return nil
}

// refuseRedirects is the CheckRedirect of every client: the 3xx answer is
// returned as it is, and the call fails with CodeRedirect.
func refuseRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// redirectError fills e for a 3xx answer.
func redirectError(e *Error, status int, location string) {
	e.Code = CodeRedirect
	if location == "" {
		location = "(no Location header)"
	}
	e.Message = fmt.Sprintf("the server answered %d with a redirect to %s, which is not followed "+
		"(the Machines API does not redirect, and following would send the token elsewhere): check the API URL", status, location)
}
