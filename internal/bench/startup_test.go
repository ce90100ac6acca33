package bench

import (
	"context"
	"io"
	"os"
	"os/exec"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript"
	"github.com/flyscript/flyscript/bindings"
	"github.com/flyscript/flyscript/client"
)

// The three places where the embedded OpenAPI document is decoded, each
// behind a sync.Once, and the variable each fills: the bindings' schema index
// (bindings.schemas), the client's operation patterns (client.matchOperation)
// and the operation list they come from (openapi.Operations). None of these
// packages exports a "decoded yet?" hook, so the test reads the variables
// themselves; a rename there fails this package's build, loudly.

//go:linkname bindingsIndex github.com/flyscript/flyscript/bindings.indexVal
var bindingsIndex unsafe.Pointer

//go:linkname clientPatterns github.com/flyscript/flyscript/client.patterns
var clientPatterns []struct{}

//go:linkname openapiOps github.com/flyscript/flyscript/internal/openapi.ops
var openapiOps []struct{}

// decoded lists which of the three decodes have happened in this process.
func decoded() []string {
	var out []string
	if bindingsIndex != nil {
		out = append(out, "bindings schema index")
	}
	if len(clientPatterns) > 0 {
		out = append(out, "client operation patterns")
	}
	if len(openapiOps) > 0 {
		out = append(out, "openapi.Operations")
	}
	return out
}

// startupChildEnv marks the fresh process TestStartupDoesNotDecodeDocument
// runs its check in.
const startupChildEnv = "FLYSCRIPT_STARTUP_CHECK_CHILD"

// TestStartupDoesNotDecodeDocument runs what `flyscript -e ""` runs, in
// process (a client with a token, a VM with the command's options, the empty
// chunk), and checks that the OpenAPI document was not decoded on the way:
// not at package initialisation, not by New, not by running a chunk. It then
// makes the first call that needs the document, to show that the check sees
// a decode when one happens.
//
// The decodes are once per process, so the check runs in a fresh process:
// the test binary itself, asked to run only this test.
func TestStartupDoesNotDecodeDocument(t *testing.T) {
	if os.Getenv(startupChildEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestStartupDoesNotDecodeDocument$", "-test.count=1")
		cmd.Env = append(os.Environ(), startupChildEnv+"=1")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "the check in a fresh process failed:\n%s", out)
		return
	}
	require.Empty(t, decoded(), "decoded during package initialisation")

	c, err := client.New(client.WithToken(benchToken), client.WithUserAgent("flyscript/bench"))
	require.NoError(t, err)
	vm, err := flyscript.New(
		flyscript.WithClient(c),
		flyscript.WithStdout(io.Discard),
		flyscript.WithStderr(io.Discard),
		flyscript.WithStdin(nil),
		flyscript.WithLogLevel("info"),
		flyscript.WithEnv(nil),
		flyscript.WithProgress(false),
	)
	require.NoError(t, err)
	defer vm.Close()
	require.NoError(t, vm.RunSource(context.Background(), "(command line)", []byte("")))
	require.Empty(t, decoded(), "the start-up path decoded the OpenAPI document")

	// The first call that needs the document decodes it, and the check sees it.
	require.NotEmpty(t, bindings.SchemaNames())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = c.Do(ctx, &client.Request{Method: "GET", Pattern: "/v1/apps/web/machines"}) // a concrete path is matched against the document
	require.Error(t, err)
	require.ElementsMatch(t, []string{"bindings schema index", "client operation patterns", "openapi.Operations"}, decoded())
}
