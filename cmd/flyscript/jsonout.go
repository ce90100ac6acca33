package main

import (
	"fmt"
	"io"

	lua "github.com/yuin/gopher-lua"

	"github.com/flyscript/flyscript/internal/lua51"
	"github.com/flyscript/flyscript/stdlib"
)

// printJSON writes each value a chunk returned as one JSON document on its
// own line (a stream jq reads as it is): records as their JSON, nil as
// null. Nothing returned prints nothing. A value JSON cannot hold (a
// function, a cycle) is an error naming its position.
func printJSON(w io.Writer, vals []lua.LValue) error {
	for i, v := range vals {
		data, err := stdlib.ToJSON(v)
		if err != nil {
			return fmt.Errorf("returned value %d: %v", i+1, err)
		}
		if _, err := fmt.Fprintf(w, "%s\n", data); err != nil {
			return err
		}
	}
	return nil
}

// asExpression turns an -e chunk that is an expression ("fly.machines.list()")
// into one that returns it, so that --json prints it; statements are kept as
// they are.
func asExpression(code string) string {
	if _, err := lua51.Compile([]byte("return "+code), "(command line)"); err == nil {
		return "return " + code
	}
	return code
}
