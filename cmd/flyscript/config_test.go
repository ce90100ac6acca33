package main

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// homeWithConfig returns a HOME whose ~/.fly/config.yml holds text.
func homeWithConfig(t *testing.T, text string) string {
	t.Helper()
	home := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(home, ".fly"), 0o700))
	require.NoError(t, os.WriteFile(filepath.Join(home, ".fly", "config.yml"), []byte(text), 0o600))
	return home
}

func TestResolve(t *testing.T) {
	t.Parallel()
	flyHome := homeWithConfig(t, "access_token: fm2_fromconfigfile\nsomething_else: 1\n")
	emptyHome := t.TempDir()
	cases := []struct {
		name  string
		args  []string
		env   []string
		check func(t *testing.T, s settings)
	}{
		{
			name: "defaults",
			env:  []string{"HOME=" + emptyHome},
			check: func(t *testing.T, s settings) {
				assert.Equal(t, settings{APIURL: "https://api.machines.dev", URLSource: "default", LogLevel: "info", RateLimits: true, MaxMemory: defaultMaxMemory}, s)
			},
		},
		{
			name: "environment",
			env:  []string{"HOME=" + flyHome, "FLY_APP_NAME=env-app", "FLY_API_TOKEN=env-token", "FLY_ACCESS_TOKEN=access-token", "FLY_FLAPS_BASE_URL=http://_api.internal:4280"},
			check: func(t *testing.T, s settings) {
				assert.Equal(t, "env-app", s.App)
				assert.Equal(t, "FLY_APP_NAME", s.AppSource)
				assert.Equal(t, "env-token", s.Token)
				assert.Equal(t, "FLY_API_TOKEN", s.TokenSource)
				assert.Equal(t, "http://_api.internal:4280", s.APIURL)
				assert.Equal(t, "FLY_FLAPS_BASE_URL", s.URLSource)
			},
		},
		{
			name: "FLY_ACCESS_TOKEN when FLY_API_TOKEN is unset",
			env:  []string{"HOME=" + flyHome, "FLY_ACCESS_TOKEN=access-token", "FLY_API_TOKEN="},
			check: func(t *testing.T, s settings) {
				assert.Equal(t, "access-token", s.Token)
				assert.Equal(t, "FLY_ACCESS_TOKEN", s.TokenSource)
			},
		},
		{
			name: "config file last",
			env:  []string{"HOME=" + flyHome},
			check: func(t *testing.T, s settings) {
				assert.Equal(t, "fm2_fromconfigfile", s.Token)
				assert.Equal(t, "~/.fly/config.yml", s.TokenSource)
			},
		},
		{
			name: "flags win",
			args: []string{"--app", "flag-app", "--token", "flag-token", "--api-url", "http://localhost:4280", "--timeout", "90s", "--trace", "--log-level", "DEBUG", "--sandbox", "--json", "--rate-limits", "off"},
			env:  []string{"HOME=" + flyHome, "FLY_APP_NAME=env-app", "FLY_API_TOKEN=env-token", "FLY_FLAPS_BASE_URL=http://other"},
			check: func(t *testing.T, s settings) {
				assert.Equal(t, settings{
					App: "flag-app", AppSource: "--app",
					Token: "flag-token", TokenSource: "--token",
					APIURL: "http://localhost:4280", URLSource: "--api-url",
					Timeout: 90 * time.Second, Trace: true, LogLevel: "debug", Sandbox: true,
					JSON: true, RateLimits: false, MaxMemory: 256 << 20,
				}, s)
			},
		},
		{
			name: "sim needs no token and ignores the environment's endpoint",
			args: []string{"--sim"},
			env:  []string{"HOME=" + emptyHome, "FLY_FLAPS_BASE_URL=http://other", "FLY_APP_NAME=demo"},
			check: func(t *testing.T, s settings) {
				assert.True(t, s.Sim)
				assert.Equal(t, "simulator", s.URLSource)
				assert.Empty(t, s.APIURL)
				assert.Equal(t, "demo", s.App)
				assert.NotEmpty(t, s.Token)
			},
		},
		{
			name: "sim-state implies sim",
			args: []string{"--sim-state", "state.json"},
			env:  []string{"HOME=" + emptyHome},
			check: func(t *testing.T, s settings) {
				assert.True(t, s.Sim)
				assert.Equal(t, "state.json", s.SimState)
			},
		},
		{
			name: "blank values count as unset",
			args: []string{"--app", "  "},
			env:  []string{"HOME=" + emptyHome, "FLY_APP_NAME=  ", "FLY_API_TOKEN= "},
			check: func(t *testing.T, s settings) {
				assert.Empty(t, s.App)
				assert.Empty(t, s.Token)
			},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			f, err := parseFlags(c.args)
			require.NoError(t, err)
			s, err := resolve(f, lookupEnv(c.env))
			require.NoError(t, err)
			c.check(t, s)
		})
	}
}

func TestResolveUsageErrors(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args []string
		want string
	}{
		"bad log level":            {[]string{"--log-level", "loud"}, `--log-level "loud": expected one of debug, info, warn, error, off`},
		"negative timeout":         {[]string{"--timeout", "-1s"}, "--timeout must not be negative"},
		"sim and api-url":          {[]string{"--sim", "--api-url", "http://x"}, "--sim and --api-url cannot be used together"},
		"api-url without a scheme": {[]string{"--api-url", "127.0.0.1:4280"}, `--api-url "127.0.0.1:4280" is not a URL: write http://127.0.0.1:4280 (or https://)`},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, err := parseFlags(c.args)
			require.NoError(t, err)
			_, err = resolve(f, lookupEnv([]string{"HOME=" + t.TempDir()}))
			var ue *usageError
			require.ErrorAs(t, err, &ue)
			assert.Equal(t, c.want, ue.Error())
		})
	}
}

func TestResolveBadConfigFileNeverQuotesIt(t *testing.T) {
	t.Parallel()
	home := homeWithConfig(t, "access_token: [fm2_SECRETSECRET\n")
	f, err := parseFlags(nil)
	require.NoError(t, err)
	_, err = resolve(f, lookupEnv([]string{"HOME=" + home}))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "is not valid YAML")
	assert.NotContains(t, err.Error(), "SECRET")
}

func TestParseFlags(t *testing.T) {
	t.Parallel()
	f, err := parseFlags([]string{"--app", "a", "-e", "x = 1", "-e", "print(x)", "-i", "script.lua", "--app", "b", "-e"})
	require.NoError(t, err)
	assert.Equal(t, "a", f.app)
	assert.Equal(t, []string{"x = 1", "print(x)"}, f.eval)
	assert.True(t, f.interactive)
	assert.Equal(t, "script.lua", f.script)
	assert.Equal(t, []string{"--app", "b", "-e"}, f.args, "everything after the script belongs to it")

	f, err = parseFlags([]string{"--sim", "-", "x"})
	require.NoError(t, err)
	assert.Equal(t, "-", f.script)
	assert.Equal(t, []string{"x"}, f.args)

	_, err = parseFlags([]string{"--timeout", "soon"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--timeout")
	assert.Contains(t, err.Error(), "30s")

	_, err = parseFlags([]string{"--nope"})
	require.EqualError(t, err, "unknown flag --nope")

	_, err = parseFlags([]string{"--simm"})
	require.EqualError(t, err, "unknown flag --simm (did you mean --sim?)")

	f, err = parseFlags([]string{"-h"})
	require.NoError(t, err)
	assert.True(t, f.help)
}

func TestRedactor(t *testing.T) {
	t.Parallel()
	r := newRedactor("FlyV1 fm2_SECRETSECRET,fm2_OTHERPART1", "", "short")
	assert.Equal(t, "a [REDACTED] b [REDACTED] c [REDACTED] short",
		r.String("a FlyV1 fm2_SECRETSECRET,fm2_OTHERPART1 b fm2_SECRETSECRET c fm2_OTHERPART1 short"))
	assert.Equal(t, "untouched", newRedactor().String("untouched"))
}

// TestResolveConfigFileErrorsSayWhere: a config file that is not YAML, or
// whose access_token is not a string, is named with the line, never the
// value; a token holding a control character is refused before it fails
// as a network error.
func TestResolveConfigFileErrorsSayWhere(t *testing.T) {
	t.Parallel()
	f, err := parseFlags(nil)
	require.NoError(t, err)
	home := homeWithConfig(t, "# flyctl\naccess_token: [fm2_SECRETSECRET, 2]\n")
	_, err = resolve(f, lookupEnv([]string{"HOME=" + home}))
	require.Error(t, err)
	assert.Equal(t, filepath.Join(home, ".fly", "config.yml")+": access_token is not a string (line 2)", err.Error())

	home = homeWithConfig(t, "a: 1\nb: [fm2_SECRETSECRET\n")
	_, err = resolve(f, lookupEnv([]string{"HOME=" + home}))
	require.Error(t, err)
	assert.Regexp(t, `config.yml is not valid YAML \(line \d\)$`, err.Error())
	assert.NotContains(t, err.Error(), "SECRET")

	for _, env := range [][]string{{"FLY_API_TOKEN=fm2_SECRET\nSECRET"}, {"HOME=" + homeWithConfig(t, "access_token: \"fm2_SECRET\\u0000\"\n")}} {
		_, err = resolve(f, lookupEnv(env))
		var ue *usageError
		require.ErrorAs(t, err, &ue, "%q", env)
		assert.Contains(t, ue.Error(), "holds a newline or another control character")
		assert.NotContains(t, ue.Error(), "SECRET")
	}
}

// A ~/.fly/config.yml that is a FIFO hung the command before it looked at
// the script (SIGTERM could not end the read), and one that is /dev/zero
// or huge was read until memory ran out: each is refused, naming the file.
func TestResolveConfigFileThatIsNoSmallFile(t *testing.T) {
	t.Parallel()
	f, err := parseFlags(nil)
	require.NoError(t, err)
	home := t.TempDir()
	cfg := filepath.Join(home, ".fly", "config.yml")
	require.NoError(t, os.MkdirAll(filepath.Dir(cfg), 0o700))
	require.NoError(t, syscall.Mkfifo(cfg, 0o600))
	done := make(chan error, 1)
	go func() {
		_, err := resolve(f, lookupEnv([]string{"HOME=" + home}))
		done <- err
	}()
	select {
	case err := <-done:
		require.Error(t, err)
		assert.Equal(t, "cannot read "+cfg+": not a regular file (a named pipe)", err.Error())
	case <-time.After(10 * time.Second):
		// Let the blocked open return before failing.
		if w, err := os.OpenFile(cfg, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
			_ = w.Close()
		}
		t.Fatal("reading a FIFO as the config file blocked")
	}

	require.NoError(t, os.Remove(cfg))
	require.NoError(t, os.Symlink(os.DevNull, cfg))
	_, err = resolve(f, lookupEnv([]string{"HOME=" + home}))
	require.Error(t, err)
	assert.Equal(t, "cannot read "+cfg+": not a regular file (a device)", err.Error())

	require.NoError(t, os.Remove(cfg))
	require.NoError(t, os.WriteFile(cfg, make([]byte, 2<<20), 0o600))
	_, err = resolve(f, lookupEnv([]string{"HOME=" + home}))
	require.Error(t, err)
	assert.Equal(t, "cannot read "+cfg+": larger than 1048576 bytes (2097152)", err.Error())
}
