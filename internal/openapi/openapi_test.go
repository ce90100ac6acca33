package openapi

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOperations(t *testing.T) {
	ops, err := Operations()
	require.NoError(t, err)
	assert.Len(t, ops, 100, "the document has 100 operations")
	seen := map[string]bool{}
	for _, o := range ops {
		assert.NotEmpty(t, o.OperationID, o.Key())
		assert.False(t, seen[o.Key()], "duplicate %s", o.Key())
		seen[o.Key()] = true
	}
	assert.True(t, seen["POST /v1/apps/{app_name}/machines/{machine_id}/stop"])
}

func TestDocumentIsTheSharedCopy(t *testing.T) {
	sum := sha256.Sum256(JSON)
	// The digest recorded for the document in the spec's SOURCE.md.
	assert.Equal(t, "1ac9c72aab90f7293cfb487e73d07f8224e21cbef732263e584e7979a4359278", hex.EncodeToString(sum[:]))
	doc, err := Document()
	require.NoError(t, err)
	assert.Equal(t, "3.1.0", doc["openapi"])
}
