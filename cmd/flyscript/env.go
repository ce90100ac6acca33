package main

import "strings"

// scriptEnv is the environment a script sees, as "KEY=value" entries: the
// whole of env, unless --env named variables or --sandbox is on, in which
// case only the variables named by --env (so that a sandboxed script never
// reads the API token, or anything else, unless the user passes it).
func scriptEnv(env []string, s settings) []string {
	if len(s.EnvNames) == 0 && !s.Sandbox {
		return env
	}
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		for _, want := range s.EnvNames {
			if name == want {
				out = append(out, kv)
				break
			}
		}
	}
	return out
}
