// Package lua51 makes gopher-lua behave as Lua 5.1 for flyscript. It owns
// compiling Lua source to gopher-lua protos (with the rewrites of the syntax
// tree that gopher-lua's compiler gets wrong), protected calls that close
// exactly the upvalues of the frames they unwind, the Lua 5.1 replacements of
// base and library functions, and the VM plumbing: the options of every
// state, opening the libraries, the io library's standard streams and the
// sandbox's restrictions.
//
// Who may import it: the root package (the embedding API), bindings,
// internal/repl, cmd/flyscript, and stdlib where it needs to compile or
// call Lua. It imports none of them. lua51_paths_test.go (in the root
// package) checks that no other code loads or calls Lua past it.
package lua51
