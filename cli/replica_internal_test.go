package cli

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestClaimReplicaID: a process keeps its identity across restarts, and a
// second process on the same directory gets another one.
func TestClaimReplicaID(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	first, slot, release, err := claimReplicaID(dir)
	require.NoError(t, err)
	require.Equal(t, 0, slot)

	second, slot2, release2, err := claimReplicaID(dir)
	require.NoError(t, err)
	require.Equal(t, 1, slot2)
	require.NotEqual(t, first, second)

	release()
	again, slot, release, err := claimReplicaID(dir)
	require.NoError(t, err)
	require.Equal(t, 0, slot)
	require.Equal(t, first, again, "the same identity after a restart")
	release()
	release2()
}
