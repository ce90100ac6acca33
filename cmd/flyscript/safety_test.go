package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A sandboxed script reads no environment variable unless --env names it:
// the token, above all, stays with the host.
func TestSandboxSeesOnlyNamedEnv(t *testing.T) {
	t.Parallel()
	env := []string{"HOME=" + t.TempDir(), "FLY_API_TOKEN=" + fakeToken, "REGION=ord", "OTHER=x"}
	show := `print(os.getenv("FLY_API_TOKEN") and os.getenv("FLY_API_TOKEN"):reverse(), env.get("REGION"), os.getenv("OTHER"))`

	r := cmd(t, invocation{env: env}, "--sim", "--sandbox", "-e", show)
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "nil\tnil\tnil\n", r.stdout)

	r = cmd(t, invocation{env: env}, "--sim", "--sandbox", "--env", "REGION", "-e", show)
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "nil\tord\tnil\n", r.stdout)

	r = cmd(t, invocation{env: env}, "--sim", "--env", "REGION", "--env", "OTHER", "-e", show)
	assert.Equal(t, 0, r.code, r)
	assert.Equal(t, "nil\tord\tx\n", r.stdout, "--env restricts outside the sandbox too")

	r = cmd(t, invocation{env: env}, "--sim", "-e", `print(os.getenv("OTHER"))`)
	assert.Equal(t, "x\n", r.stdout, "without --sandbox or --env the whole environment is seen")
}
