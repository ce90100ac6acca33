package soak

import (
	"flag"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/sim"
)

var full = flag.Bool("soak.full", false, "run the full soak of issue 9 (2,000 calls, 200 creates, 50 ms latency; several minutes)")

// TestFaultSoak runs the soak at the CI size, or at the full size with
// -soak.full or FLYSCRIPT_SOAK=full (scripts/soak.sh):
//
//	FLYSCRIPT_SOAK=full go test ./internal/soak -run TestFaultSoak -v -timeout 20m
func TestFaultSoak(t *testing.T) {
	cfg := CI()
	if *full || os.Getenv("FLYSCRIPT_SOAK") == "full" {
		cfg = Full()
	}
	t.Logf("soak: %d idempotent calls, %d named creates, faults %s, latency %s±%s, time scale %g, retry %+v",
		cfg.Calls, cfg.Creates, cfg.Faults, cfg.Latency, cfg.Jitter, cfg.TimeScale, cfg.Retry)
	r, err := Run(t.Context(), cfg)
	require.NoError(t, err)
	t.Logf("soak report:\n%s", r.Summary())

	assert.Equal(t, cfg.Calls, r.Calls)
	assert.Empty(t, r.CallErrors, "every idempotent call succeeds")
	assert.Equal(t, cfg.Creates, len(r.Created)+len(r.Unknown)+len(r.Failed), "every create is accounted for")
	assert.Empty(t, r.Duplicates, "no name is held by two machines")
	assert.Empty(t, r.Missing, "every create that returned a machine is in the simulator")
	assert.Empty(t, r.FailedButPresent, "a create that raised an error other than outcome_unknown did not happen")
	assert.Empty(t, r.Unexplained, "no machine the script did not ask for")
	for _, u := range r.Unknown {
		assert.Contains(t, u.Message, "outcome is unknown", "an outcome_unknown error says so: %+v", u)
	}
	for n, k := range r.Machines {
		assert.Equal(t, 1, k, "machines named %s", n)
	}
	// The faults did happen: the run is not a quiet one.
	assert.Positive(t, r.Attempts["503"], "503s injected")
	assert.Positive(t, r.Attempts["429"], "429s injected")
	assert.Positive(t, r.Served["reset"], "connection resets injected")
	assert.True(t, r.OK())
}

func TestCheckFindsBrokenPromises(t *testing.T) {
	r := &Report{
		Created:  []string{"a", "b", "c"},
		Unknown:  []Failure{{Name: "d"}, {Name: "e"}},
		Failed:   []Failure{{Name: "f"}, {Name: "g"}},
		Machines: map[string]int{"a": 1, "b": 2, "d": 1, "g": 1, "zz": 1},
	}
	check(r)
	assert.Equal(t, []string{"b"}, r.Duplicates)
	assert.Equal(t, []string{"c"}, r.Missing)
	assert.Equal(t, 1, r.UnknownPresent)
	assert.Equal(t, []string{"g"}, r.FailedButPresent)
	assert.Equal(t, []string{"zz"}, r.Unexplained)
	assert.False(t, r.OK())
}

func TestScaledClock(t *testing.T) {
	c := scaledClock{scale: 1000}
	start := time.Now()
	require.NoError(t, c.Sleep(t.Context(), time.Second))
	assert.Less(t, time.Since(start), 500*time.Millisecond, "a second divided by 1000")
}

// TestCreateRecoveryUnderResets makes the create-recovery path the common
// one: 40% of requests are reset, three in four of them after the request
// was processed, so most creates lose their answer and must be looked up by
// name.
func TestCreateRecoveryUnderResets(t *testing.T) {
	cfg := CI()
	cfg.Calls, cfg.Creates = 20, 30
	cfg.Faults = sim.Faults{ResetAfter: 0.3, ResetBefore: 0.1}
	cfg.Retry = client.RetryPolicy{MaxAttempts: 12}
	r, err := Run(t.Context(), cfg)
	require.NoError(t, err)
	t.Logf("soak report:\n%s", r.Summary())
	assert.Empty(t, r.CallErrors)
	assert.Equal(t, cfg.Creates, len(r.Created)+len(r.Unknown)+len(r.Failed))
	assert.Empty(t, r.Duplicates, "no name is held by two machines")
	assert.Empty(t, r.Missing)
	assert.Empty(t, r.FailedButPresent)
	assert.Empty(t, r.Unexplained)
	assert.Positive(t, r.Served["reset"])
	assert.True(t, r.OK())
}

// TestUnnamedCreatesSayOutcomeUnknown: without a name a create whose answer
// is lost cannot be looked up, so it raises outcome_unknown, saying so, and
// is not repeated; the machine count agrees.
func TestUnnamedCreatesSayOutcomeUnknown(t *testing.T) {
	cfg := CI()
	cfg.Calls, cfg.Creates, cfg.Unnamed = 20, 30, true
	cfg.Faults = sim.Faults{ResetAfter: 0.2, ResetBefore: 0.1}
	r, err := Run(t.Context(), cfg)
	require.NoError(t, err)
	t.Logf("soak report:\n%s", r.Summary())
	assert.Empty(t, r.CallErrors)
	assert.Equal(t, cfg.Creates, len(r.Created)+len(r.Unknown)+len(r.Failed))
	assert.NotEmpty(t, r.Unknown, "some creates lost their answer")
	for _, u := range r.Unknown {
		assert.Contains(t, u.Message, "outcome is unknown")
		assert.Contains(t, u.Message, "it was not retried")
	}
	assert.Empty(t, r.Missing)
	assert.Empty(t, r.FailedButPresent, "no create was repeated")
	assert.Empty(t, r.Unexplained)
	assert.True(t, r.OK())
}
