package sim

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"path"
	"sort"
	"strings"
)

// execMachine simulates `exec`: nothing ever runs on the host. See the
// package documentation for the commands it knows.
func (s *Server) execMachine(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Command   []string `json:"command"`
		Cmd       string   `json:"cmd"`
		Container string   `json:"container"`
		Machine   bool     `json:"machine"`
		Stdin     string   `json:"stdin"`
		Timeout   int      `json:"timeout"`
	}
	if !readBody(w, r, &req, true) {
		return
	}
	argv := req.Command
	if len(argv) == 0 {
		var err error
		if argv, err = shellSplit(req.Cmd); err != nil {
			writeError(w, http.StatusBadRequest, "invalid cmd: "+err.Error())
			return
		}
	}
	if len(argv) == 0 {
		writeError(w, http.StatusBadRequest, "command is required")
		return
	}
	if req.Container != "" && req.Machine {
		writeError(w, http.StatusBadRequest, "container and machine cannot both be set")
		return
	}
	if req.Timeout < 0 {
		writeError(w, http.StatusBadRequest, "invalid timeout: must not be negative")
		return
	}
	s.withLiveMachine(w, r, func(a *app, m *machine) {
		if req.Container != "" && !hasContainer(m.config(), req.Container) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("container %q not found in the machine's config", req.Container))
			return
		}
		if m.State != "started" {
			notRunning(w, m)
			return
		}
		stdout, stderr, code := s.runSimulated(a, m, argv, req.Stdin)
		writeJSON(w, http.StatusOK, map[string]any{"exit_code": code, "stdout": stdout, "stderr": stderr})
	})
}

func hasContainer(cfg map[string]any, name string) bool {
	cs, _ := cfg["containers"].([]any)
	for _, c := range cs {
		if cm, _ := c.(map[string]any); cm != nil && cm["name"] == name {
			return true
		}
	}
	return false
}

// runSimulated answers the known commands deterministically.
func (s *Server) runSimulated(a *app, m *machine, argv []string, stdin string) (string, string, int) {
	switch path.Base(argv[0]) {
	case "echo":
		args := argv[1:]
		nl := "\n"
		if len(args) > 0 && args[0] == "-n" {
			args, nl = args[1:], ""
		}
		return strings.Join(args, " ") + nl, "", 0
	case "hostname":
		return m.ID + "\n", "", 0
	case "uname":
		return uname(m, argv[1:])
	case "env", "printenv":
		env := s.machineEnv(a, m)
		if len(argv) > 1 && path.Base(argv[0]) == "printenv" {
			var b strings.Builder
			code := 0
			for _, k := range argv[1:] {
				if v, ok := env[k]; ok {
					b.WriteString(v + "\n")
				} else {
					code = 1
				}
			}
			return b.String(), "", code
		}
		keys := make([]string, 0, len(env))
		for k := range env {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		for _, k := range keys {
			b.WriteString(k + "=" + env[k] + "\n")
		}
		return b.String(), "", 0
	case "cat":
		if len(argv) == 1 {
			return stdin, "", 0
		}
		files := s.machineFiles(a, m)
		var out, errs strings.Builder
		code := 0
		for _, p := range argv[1:] {
			if p == "-" {
				out.WriteString(stdin)
				continue
			}
			if c, ok := files[p]; ok {
				out.WriteString(c)
			} else {
				errs.WriteString("cat: " + p + ": No such file or directory\n")
				code = 1
			}
		}
		return out.String(), errs.String(), code
	}
	return "", fmt.Sprintf("exec: %q: executable file not found in $PATH\n", argv[0]), 127
}

// machineEnv is what `env` prints: config.env, the app's secrets as the
// machine last booted with them (see bootSecrets) and the FLY_* variables of
// the runtime environment.
func (s *Server) machineEnv(a *app, m *machine) map[string]string {
	cfg := m.config()
	img, _ := cfg["image"].(string)
	env := map[string]string{
		"FLY_APP_NAME":        a.Name,
		"FLY_MACHINE_ID":      m.ID,
		"FLY_ALLOC_ID":        m.ID,
		"FLY_REGION":          m.Region,
		"FLY_IMAGE_REF":       img,
		"FLY_MACHINE_VERSION": m.current().ID,
		"FLY_PRIVATE_IP":      m.PrivateIP,
		"FLY_PROCESS_GROUP":   "app",
		"FLY_VM_MEMORY_MB":    fmt.Sprint(guestMemory(cfg)),
		"PRIMARY_REGION":      m.Region,
		"HOSTNAME":            m.ID,
	}
	if md, ok := cfg["metadata"].(map[string]any); ok {
		if g, ok := md["fly_process_group"].(string); ok {
			env["FLY_PROCESS_GROUP"] = g
		}
	}
	for k, v := range bootSecrets(a, m) {
		env[k] = v
	}
	if e, ok := cfg["env"].(map[string]any); ok {
		for k, v := range e {
			env[k] = fmt.Sprint(v)
		}
	}
	return env
}

// machineFiles are config.files by guest path: raw_value decoded from
// base64, secret_name resolved from the secrets the machine booted with.
func (s *Server) machineFiles(a *app, m *machine) map[string]string {
	out := map[string]string{}
	fs, _ := m.config()["files"].([]any)
	for _, f := range fs {
		fm, _ := f.(map[string]any)
		p, _ := fm["guest_path"].(string)
		if p == "" {
			continue
		}
		if raw, ok := fm["raw_value"].(string); ok {
			b, err := base64.StdEncoding.DecodeString(raw)
			if err != nil {
				b = []byte(raw)
			}
			out[p] = string(b)
		} else if name, ok := fm["secret_name"].(string); ok {
			if v, ok := bootSecrets(a, m)[name]; ok {
				out[p] = v
			}
		}
	}
	return out
}

// bootSecrets are the secrets m sees: those of its last boot, as in
// production, where a running machine sees new values only once it is
// updated or restarted.
func bootSecrets(a *app, m *machine) map[string]string {
	if m.BootSecrets != nil {
		return m.BootSecrets
	}
	out := map[string]string{}
	for k, sec := range a.Secrets {
		out[k] = sec.Value
	}
	return out
}

// shellSplit splits a command line into words, honouring single and double
// quotes and backslash escapes (the `cmd` string form of exec).
func shellSplit(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	escaped := false
	for _, c := range s {
		switch {
		case escaped:
			cur.WriteRune(c)
			escaped = false
		case c == '\\' && quote != '\'':
			escaped, inWord = true, true
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteRune(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t' || c == '\n':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unterminated %c quote", quote)
	}
	if escaped {
		return nil, fmt.Errorf("trailing backslash")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// The fixed answers of uname: a simulated machine is a Firecracker VM
// running Linux, as a real one is; the release is the simulator's own.
const (
	unameSystem  = "Linux"
	unameRelease = "6.1.0-flyscript-sim"
	unameVersion = "#1 SMP"
	unameMachine = "x86_64"
)

// uname answers uname with GNU's flags (-s -n -r -v -m in that order, -a
// for all of them and the operating system; none is -s), the machine id as
// the node name.
func uname(m *machine, flags []string) (string, string, int) {
	fields := []string{unameSystem, m.ID, unameRelease, unameVersion, unameMachine}
	var want [5]bool
	all := false // -a adds the operating system, as GNU's does
	for _, f := range flags {
		if f == "-a" || f == "--all" {
			want, all = [5]bool{true, true, true, true, true}, true
			continue
		}
		if !strings.HasPrefix(f, "-") || len(f) < 2 || strings.HasPrefix(f, "--") {
			return "", "uname: extra operand '" + f + "'\n", 1
		}
		for _, c := range f[1:] {
			i := strings.IndexRune("snrvm", c)
			if i < 0 {
				return "", fmt.Sprintf("uname: invalid option -- '%c'\n", c), 1
			}
			want[i] = true
		}
	}
	if want == [5]bool{} {
		want[0] = true
	}
	var out []string
	for i, w := range want {
		if w {
			out = append(out, fields[i])
		}
	}
	if all {
		out = append(out, "GNU/Linux")
	}
	return strings.Join(out, " ") + "\n", "", 0
}
