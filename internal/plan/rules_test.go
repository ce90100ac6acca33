package plan

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/flyscript/flyscript/internal/openapi"
)

// TestRulesCoverTheDocument holds the rule table to the OpenAPI document:
// every operation has a rule, every rule an operation, a refusal says why and
// only GETs ever go upstream.
func TestRulesCoverTheDocument(t *testing.T) {
	ops, err := openapi.Operations()
	require.NoError(t, err)
	inDoc := map[string]bool{}
	for _, op := range ops {
		inDoc[op.Key()] = true
		_, ok := rules[op.Key()]
		assert.True(t, ok, "no rule for %s", op.Key())
	}
	for key, r := range rules {
		assert.True(t, inDoc[key], "rule for %s, which the document does not have", key)
		switch r.mode {
		case refused:
			assert.NotEmpty(t, r.why, key)
		case upstreamRead:
			assert.Regexp(t, `^GET `, key)
		case shadowChange:
			assert.NotEmpty(t, r.kind, key)
		}
	}
}

func TestParams(t *testing.T) {
	assert.Equal(t, map[string]string{"app_name": "web", "machine_id": "148e"},
		params("/v1/apps/{app_name}/machines/{machine_id}/stop", "/v1/apps/web/machines/148e/stop"))
	assert.Empty(t, params("/v1/apps/{app_name}", "/v1/apps/web/machines"))
}
