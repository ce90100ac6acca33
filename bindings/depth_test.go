package bindings

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A request body nested deeper than the encoder walks fails with an error
// naming the limit, as the free-form body of fly.request may be.
func TestDeepArgumentFailsCleanly(t *testing.T) {
	api := okAPI(t)
	deep := `local t = {} local c = t for i = 1, 100000 do c.x = {} c = c.x end `
	for _, call := range []string{
		`fly.request("POST", "/v1/apps", {body = t})`,
	} {
		L, _ := newVM(t, api.srv.URL, "web")
		got := runErr(L, deep+call)
		assert.Contains(t, got, "table nested more than 200 levels deep", call)
		assert.Less(t, len(got), 2000, "the message stays readable")
	}
	assert.Empty(t, api.requests(), "nothing was sent")
}
