package bindings

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	lua "github.com/yuin/gopher-lua"
)

// runTaskScript runs src as chunk "tasks.lua" and returns the error value
// it raises and the traceback kept for it.
func runTaskScript(t *testing.T, src string) (lua.LValue, string) {
	t.Helper()
	L, f, _ := taskVM(t, 1, nil)
	fn, err := L.Load(bytes.NewReader([]byte(src)), "tasks.lua")
	require.NoError(t, err)
	err = L.CallByParam(lua.P{Fn: fn, Protect: true})
	require.Error(t, err)
	v := err.(*lua.ApiError).Object
	_, tb := f.TaskFailure(v)
	return v, tb
}

// An error in a fly.spawn task names what failed, at the task's own line,
// and the task's traceback is kept for the host.
func TestSpawnErrorNamesTheTaskLine(t *testing.T) {
	v, tb := runTaskScript(t, `local t = fly.spawn(function(x)
  return x + undefinedvalue
end, 1)
return t:wait()`)
	assert.Equal(t, "tasks.lua:2: attempt to perform arithmetic on global 'undefinedvalue' (a nil value)", v.String())
	assert.Equal(t, "stack traceback:\n\ttasks.lua:2: in function <tasks.lua:1>", tb)
}

// fly.parallel's error says fly.parallel once, describes the first failed
// items in full with their index, lists the indexes of the rest, and keeps
// the first failed task's traceback.
func TestParallelErrorListsFailedItems(t *testing.T) {
	v, tb := runTaskScript(t, `local items = {}
for i = 1, 30 do items[i] = i end
local function check(i)
  if i % 3 == 0 then
    local cfg = nil
    return cfg.role
  end
  return i
end
return fly.parallel(items, check)`)
	L := lua.NewState()
	defer L.Close()
	msg := L.ToStringMeta(v).String()
	want := `fly.parallel: 10 of 30 items failed
  item 3: tasks.lua:6: attempt to index local 'cfg' (a nil value)
  item 6: tasks.lua:6: attempt to index local 'cfg' (a nil value)
  item 9: tasks.lua:6: attempt to index local 'cfg' (a nil value)
  items 12, 15, 18, 21, 24, 27, 30 failed too (the error's errors field has them all)`
	assert.Equal(t, want, msg)
	assert.Equal(t, 1, strings.Count(msg, "fly.parallel"))
	assert.Equal(t, "stack traceback:\n\ttasks.lua:6: in function <tasks.lua:3>", tb)
	errs := v.(*lua.LTable).RawGetString("errors").(*lua.LTable)
	n := 0
	errs.ForEach(func(lua.LValue, lua.LValue) { n++ })
	assert.Equal(t, 10, n, "every failed item's error is kept")
}

// More than maxItemsListed further failures end in a count.
func TestParallelErrorCountsTheRest(t *testing.T) {
	v, _ := runTaskScript(t, `local items = {}
for i = 1, 40 do items[i] = i end
return fly.parallel(items, function(i) error("no " .. i, 0) end)`)
	msg := v.(*lua.LTable).RawGetString("message").String()
	assert.True(t, strings.HasPrefix(msg, "40 of 40 items failed\n  item 1: no 1\n  item 2: no 2\n  item 3: no 3\n  items 4, 5,"), msg)
	assert.True(t, strings.HasSuffix(msg, ", 23 and 17 more failed too (the error's errors field has them all)"), msg)
}

// A fly error raised in a task (a table, without a location of its own) is
// listed by fly.parallel with the task's line, and re-raised by task:wait
// with the task's line as the host's Where (TaskFailure).
func TestTaskFlyErrorNamesTheTaskLine(t *testing.T) {
	L, f, _ := taskVM(t, 1, nil)
	fn, err := L.Load(bytes.NewReader([]byte(`local ok, err = pcall(fly.parallel, {"a"}, function(id)
  local m = fly.machines.get("missing-" .. id)
  return m
end)
local t = fly.spawn(function()
  fly.machines.get("missing-b")
end)
local tail = fly.spawn(function()
  return fly.machines.get("missing-c")
end)
return err, select(2, pcall(t.wait, t)), select(2, pcall(tail.wait, tail))`)), "tasks.lua")
	require.NoError(t, err)
	require.NoError(t, L.CallByParam(lua.P{Fn: fn, NRet: 3, Protect: true}))
	summary, spawned, tailed := L.Get(-3), L.Get(-2), L.Get(-1)
	msg := summary.(*lua.LTable).RawGetString("message").String()
	assert.True(t, strings.HasPrefix(msg, "1 of 1 items failed\n  item 1: tasks.lua:2: fly.machines.get: 404 "), msg)
	where, tb := f.TaskFailure(spawned)
	assert.Equal(t, "tasks.lua:6", where)
	assert.Equal(t, "stack traceback:\n\ttasks.lua:6: in function <tasks.lua:5>", tb)
	// A task whose function ended in a tail call has no frame left: the
	// traceback names the function.
	where, tb = f.TaskFailure(tailed)
	assert.Equal(t, "", where)
	assert.Equal(t, "stack traceback:\n\t(tail call) from function <tasks.lua:8>", tb)
}

// TestNestedParallelFailureIsIndented checks that the items of a nested
// fly.parallel's failure are listed under the outer item, not beside it.
func TestNestedParallelFailureIsIndented(t *testing.T) {
	L, _, _ := taskVM(t, -1, nil)
	require.NoError(t, L.DoString(`_, err = pcall(fly.parallel, {1, 2}, function(i) fly.parallel({1}, function() error("inner " .. i, 0) end) end)`))
	msg := L.GetGlobal("err").(*lua.LTable).RawGetString("message").String()
	assert.Contains(t, msg, "2 of 2 items failed\n  item 1: ")
	assert.Contains(t, msg, "1 of 1 items failed\n      item 1: inner 1\n  item 2: ")
	assert.Contains(t, msg, "1 of 1 items failed\n      item 1: inner 2")
}
