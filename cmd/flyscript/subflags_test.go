package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Help that was asked for goes to stdout, as `flyscript help` does, so
// that `flyscript help sim | grep listen` finds something; the flags are
// written with the two dashes the README uses.
func TestSubcommandHelpGoesToStdout(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"help", "sim"}, {"sim", "--help"}, {"help", "test"}, {"test", "-h"},
		{"help", "defs"}, {"defs", "--help"}, {"help", "plan"},
	} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), args, strings.NewReader(""), &out, &errOut, []string{"HOME=" + t.TempDir()})
		assert.Equal(t, exitOK, code, "%v", args)
		assert.Empty(t, errOut.String(), "%v", args)
		name := args[0]
		if name == "help" {
			name = args[1]
		}
		assert.Contains(t, out.String(), "flyscript "+name+" [flags]", "%v", args)
		assert.NotRegexp(t, `(?m)^  -[a-z][a-z]`, out.String(), "%v: a long flag with one dash", args)
		assert.NotContains(t, out.String(), "-1ns", "%v", args)
	}
	var out, errOut bytes.Buffer
	run(t.Context(), []string{"help", "sim"}, strings.NewReader(""), &out, &errOut, nil)
	assert.Contains(t, out.String(), "\n  --listen string\n")
	assert.Contains(t, out.String(), "\n  --rate-limits on|off\n")
	out.Reset()
	run(t.Context(), []string{"help", "test"}, strings.NewReader(""), &out, &errOut, nil)
	assert.Contains(t, out.String(), "\n  -v\t")
}

// A mistake is one line on stderr naming the flag, the nearest one, and
// where the flags are listed; nothing on stdout.
func TestSubcommandFlagMistakes(t *testing.T) {
	t.Parallel()
	for args, want := range map[string]string{
		"sim --listn x":  "flyscript sim: unknown flag --listn (did you mean --listen?)\nrun 'flyscript help sim' for the flags\n",
		"test --rnu x":   "flyscript test: unknown flag --rnu (did you mean --run?)\nrun 'flyscript help test' for the flags\n",
		"test -x":        "flyscript test: unknown flag -x\nrun 'flyscript help test' for the flags\n",
		"defs --ot x":    "flyscript defs: unknown flag --ot (did you mean --out?)\nrun 'flyscript help defs' for the flags\n",
		"test --timeout": "flyscript test: flag needs an argument: --timeout\nrun 'flyscript help test' for the flags\n",
	} {
		var out, errOut bytes.Buffer
		code := run(t.Context(), strings.Fields(args), strings.NewReader(""), &out, &errOut, []string{"HOME=" + t.TempDir()})
		assert.Equal(t, exitUsage, code, args)
		assert.Equal(t, want, errOut.String(), args)
		assert.Empty(t, out.String(), args)
	}
}
