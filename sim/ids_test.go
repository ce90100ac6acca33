package sim

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// How many ULIDs fall in one millisecond depends on the machine's speed;
// the identifiers made after them must not (a plan of the same script gave
// another volume id on a loaded machine).
func TestIDsAfterULIDsDoNotDependOnTiming(t *testing.T) {
	t0 := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)

	same := newIDs(7) // two ULIDs in one millisecond
	a1, a2 := same.ulid(t0), same.ulid(t0)
	apart := newIDs(7) // the same two, a millisecond apart
	apart.ulid(t0)
	apart.ulid(t0.Add(time.Millisecond))

	assert.Equal(t, apart.machineID(), same.machineID())
	assert.Equal(t, apart.alnum(20), same.alnum(20))
	assert.Less(t, a1, a2, "ULIDs of one millisecond still sort in the order they were made")
}
