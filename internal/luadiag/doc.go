// Package luadiag turns gopher-lua's parse and runtime errors into messages
// as good as C Lua 5.1's, or better: "file:line: 'end' expected (to close
// 'if' at line 2) near '<eof>'" for a chunk that does not compile, and
// "attempt to call global 'undefinedfn' (a nil value)" for a call on nil,
// worked out from the failing instruction of the frame that raised it.
//
// It owns the syntax checker that runs when gopher-lua's parser refuses a
// chunk (Syntax), the rewriting of runtime error messages while the Lua
// stack of the error is still there (Runtime, called by the message handler
// of protected calls), the Lua 5.1 `error` function with its levels (Error)
// and the hints added where the mistake is certain (Hint).
//
// Who may import it: the layer that compiles chunks and handles errors of
// protected calls (internal/lua51), the root package (the embedding API),
// bindings (task errors) and internal/repl. It imports only gopher-lua,
// internal/editdist and internal/lazy (to name the members of a table not
// built yet without building them).
package luadiag
