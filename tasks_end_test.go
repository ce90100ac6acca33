package flyscript

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUnwaitedTasksAreReported checks that a run which ends with spawned
// tasks nothing waited for says so on stderr: one still running (it is
// stopped), one that failed (its error is shown), and nothing for tasks
// that were waited for or for fly.parallel's own.
func TestUnwaitedTasksAreReported(t *testing.T) {
	t.Parallel()
	vm, out, errOut := newVM(t, WithClient(simClient(t)))
	err := vm.RunSource(t.Context(), "tasks.lua", []byte(`
fly.spawn(function() time.sleep(30) print("never") end)
fly.spawn(function() error("nobody looked") end)
local ok = fly.spawn(function() error("seen") end)
print(pcall(ok.wait, ok))
fly.parallel({1, 2}, function(i) return i end)
print("end")
`))
	require.NoError(t, err)
	assert.Equal(t, "false\ttasks.lua:4: seen\nend\n", out.String())
	assert.Equal(t, "warning: fly.spawn: the task started at tasks.lua:2 was still running when the script ended, and was stopped (wait for it with task:wait())\n"+
		"warning: fly.spawn: the task started at tasks.lua:3 failed and nothing waited for it: tasks.lua:3: nobody looked\n", errOut.String())

	// The stopped task does not come back in the next run of the VM.
	out.Reset()
	errOut.Reset()
	require.NoError(t, vm.RunSource(t.Context(), "next.lua", []byte(`time.sleep(0.05) print("next")`)))
	assert.Equal(t, "next\n", out.String())
	assert.Empty(t, errOut.String())
}

// TestUnwaitedTaskReleasesItsLease checks that a lease held by a task that
// is stopped at the end of the run is released before Run returns.
func TestUnwaitedTaskReleasesItsLease(t *testing.T) {
	t.Parallel()
	vm, out, errOut := newVM(t, WithClient(simClient(t)))
	err := vm.RunSource(t.Context(), "lease.lua", []byte(`
fly.apps.create{ name = "web" }
fly.use("web")
local m = fly.machines.create{ config = { image = "nginx" } }
fly.spawn(function()
  fly.leases.with(m.id, function() time.sleep(30) end)
end)
time.sleep(0.05)
print(fly.leases.get(m.id) ~= nil)
return m.id
`))
	require.NoError(t, err)
	assert.Equal(t, "true\n", out.String())
	assert.Contains(t, errOut.String(), "lease.lua:5 was still running")
	id := vm.Returned()[0].String()
	vals, err := vm.Eval(t.Context(), `fly.leases.get("`+id+`")`)
	require.NoError(t, err)
	assert.Equal(t, []any{nil}, vals, "the lease was released")
}
