package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"gopkg.in/yaml.v3"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/client"
	"github.com/flyscript/flyscript/internal/lazyre"
	"github.com/flyscript/flyscript/internal/smallfile"
)

// flags are the command line as parsed, before the environment is
// consulted. An empty string means "not given".
type flags struct {
	app        string
	token      string
	apiURL     string
	sim        bool
	simState   string
	timeout    time.Duration
	trace      bool
	json       bool // --json
	rateLimits bool // --rate-limits on|off
	logLevel   string
	sandbox    bool
	envNames   []string // --env NAME, repeatable
	maxMemory  sizeFlag // --max-memory SIZE
	version    bool
	help       bool

	interactive bool     // -i
	eval        []string // -e CODE, in order
	script      string   // "" for none, "-" for stdin
	args        []string // the script's arguments
}

// settings are the resolved configuration: every value the run uses, with
// where it came from (for --help-like messages and for the tests).
type settings struct {
	App         string
	AppSource   string // "--app", "FLY_APP_NAME" or ""
	Token       string
	TokenSource string // "--token", "FLY_API_TOKEN", "FLY_ACCESS_TOKEN", "~/.fly/config.yml" or ""
	APIURL      string
	URLSource   string // "--api-url", "FLY_FLAPS_BASE_URL", "default" or "simulator"
	Sim         bool
	SimState    string
	Timeout     time.Duration
	Trace       bool
	JSON        bool
	RateLimits  bool // client-side pacing, and the in-process simulator's limits
	LogLevel    string
	Sandbox     bool
	// EnvNames are the variables of --env: when given (and always under
	// --sandbox) the script sees these and no others.
	EnvNames []string
	// MaxMemory is the run's memory budget in bytes (0: none).
	MaxMemory int64
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// errNoToken is the one message given when there is no token and no --sim.
var errNoToken = &usageError{msg: `no Fly.io API token found.
  Get one with ` + "`fly auth token`" + ` and pass it with --token or FLY_API_TOKEN,
  or try the script on the built-in simulator: flyscript --sim script.lua`}

// logLevels are the values --log-level accepts.
var logLevels = []string{"debug", "info", "warn", "error", "off"}

// resolve is the one place where flags, the environment and the defaults
// meet: flags win over the environment, which wins over the defaults.
// getenv reads the environment given to run (never the process's own);
// HOME locates ~/.fly/config.yml.
func resolve(f flags, getenv func(string) string) (settings, error) {
	s := settings{
		Sim:        f.sim || f.simState != "",
		SimState:   f.simState,
		Timeout:    f.timeout,
		Trace:      f.trace,
		JSON:       f.json,
		RateLimits: f.rateLimits,
		LogLevel:   "info",
		Sandbox:    f.sandbox,
		EnvNames:   f.envNames,
		MaxMemory:  maxMemory(f),
	}
	if f.timeout < 0 {
		return s, &usageError{msg: "--timeout must not be negative"}
	}
	for _, name := range f.envNames {
		// --env names a variable of the environment; it sets nothing.
		if before, _, found := strings.Cut(name, "="); found {
			return s, &usageError{msg: fmt.Sprintf("--env %q: --env takes a variable's name, not a value (to set one: %s flyscript --env %s ...)", name, name, before)}
		}
		if name == "" {
			return s, &usageError{msg: "--env needs a variable's name"}
		}
	}
	if f.logLevel != "" {
		lvl := strings.ToLower(f.logLevel)
		ok := false
		for _, l := range logLevels {
			ok = ok || l == lvl
		}
		if !ok {
			return s, &usageError{msg: fmt.Sprintf("--log-level %q: expected one of %s", f.logLevel, strings.Join(logLevels, ", "))}
		}
		s.LogLevel = lvl
	}

	s.App, s.AppSource = pick(f.app, "--app", getenv, "FLY_APP_NAME")

	if s.Sim {
		if f.apiURL != "" {
			return s, &usageError{msg: "--sim and --api-url cannot be used together"}
		}
		s.URLSource = "simulator"
		s.Token, s.TokenSource = simToken, "simulator"
		return s, nil
	}

	s.APIURL, s.URLSource = pick(f.apiURL, "--api-url", getenv, "FLY_FLAPS_BASE_URL")
	if s.APIURL == "" {
		s.APIURL, s.URLSource = client.DefaultBaseURL, "default"
	}
	if !strings.Contains(s.APIURL, "://") {
		// host:port alone: url.Parse's own message ("first path segment
		// in URL cannot contain colon") does not say what to write.
		return s, &usageError{msg: fmt.Sprintf("%s %q is not a URL: write http://%s (or https://)", s.URLSource, s.APIURL, s.APIURL)}
	}
	s.Token, s.TokenSource = pick(f.token, "--token", getenv, "FLY_API_TOKEN", "FLY_ACCESS_TOKEN")
	if s.Token == "" {
		tok, err := configFileToken(getenv("HOME"))
		if err != nil {
			return s, err
		}
		if tok != "" {
			s.Token, s.TokenSource = tok, "~/.fly/config.yml"
		}
	}
	if strings.IndexFunc(s.Token, unicode.IsControl) >= 0 {
		// It could not be sent (an HTTP header cannot hold it), and the
		// network error it would give says nothing of the token.
		return s, &usageError{msg: fmt.Sprintf("the token from %s holds a newline or another control character: copy it again (fly auth token)", s.TokenSource)}
	}
	return s, nil
}

// pick returns the flag's value when given, else the first variable set.
func pick(flagValue, flagName string, getenv func(string) string, vars ...string) (string, string) {
	if v := strings.TrimSpace(flagValue); v != "" {
		return v, flagName
	}
	for _, name := range vars {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v, name
		}
	}
	return "", ""
}

// configFileToken reads access_token from flyctl's ~/.fly/config.yml; a
// missing file or HOME is no error. The YAML error is never wrapped: it
// could quote the file, and so the token.
func configFileToken(home string) (string, error) {
	if home == "" {
		return "", nil
	}
	path := filepath.Join(home, ".fly", "config.yml")
	// A FIFO or a device there would hang or exhaust the command before
	// it has even looked at the script.
	data, err := smallfile.Read(path, client.MaxConfigFileSize)
	if errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		if inner := errors.Unwrap(err); inner != nil && !errors.Is(err, smallfile.ErrNotRegular) {
			err = inner
		}
		return "", fmt.Errorf("cannot read %s: %w", path, err)
	}
	var cfg struct {
		AccessToken string `yaml:"access_token"`
	}
	if err := yaml.Unmarshal(data, &cfg); err != nil {
		// Only the line: the YAML error may quote the value.
		var te *yaml.TypeError
		if errors.As(err, &te) {
			return "", fmt.Errorf("%s: access_token is not a string%s", path, yamlLine(err))
		}
		return "", fmt.Errorf("%s is not valid YAML%s", path, yamlLine(err))
	}
	return strings.TrimSpace(cfg.AccessToken), nil
}

// yamlLine is " (line N)" for a YAML error that names its line, else "".
func yamlLine(err error) string {
	if m := yamlLineRE().FindStringSubmatch(err.Error()); m != nil {
		return " (line " + m[1] + ")"
	}
	return ""
}

var yamlLineRE = lazyre.New(`line (\d+)`)

// lookupEnv turns run's env list into a getenv; the last entry wins.
func lookupEnv(env []string) func(string) string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return func(name string) string { return m[name] }
}

// simToken is the token sent to the in-process simulator, which accepts any.
// It is not a secret, and distinctive so that no redaction ever touches
// ordinary text.
const simToken = "flyscript-simulator"

// maxMemory is the budget of --max-memory, else the default: the
// sandbox's own under --sandbox, defaultMaxMemory otherwise.
func maxMemory(f flags) int64 {
	switch {
	case f.maxMemory.set:
		return f.maxMemory.n
	case f.sandbox:
		return flyscript.DefaultSandboxMemoryLimit
	}
	return defaultMaxMemory
}
