package coderd_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// requireED25519 asserts the key is one ssh-ed25519 authorized_keys line.
func requireED25519(t *testing.T, key codersdk.GitSSHKey) {
	t.Helper()
	require.True(t, strings.HasPrefix(key.PublicKey, "ssh-ed25519 "), key.PublicKey)
	require.True(t, strings.HasSuffix(key.PublicKey, "\n"), "authorized_keys format ends with a newline")
	pub, _, _, rest, err := ssh.ParseAuthorizedKey([]byte(key.PublicKey))
	require.NoError(t, err)
	assert.Equal(t, ssh.KeyAlgoED25519, pub.Type())
	assert.Empty(t, rest)
}

// TestGitSSHKey: every user gets an ed25519 key at creation; PUT replaces
// it; only the public half is ever served, and only to those who may read
// the user's personal data.
func TestGitSSHKey(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	member := f.clients[actorMember]
	memberID := f.users[actorMember].ID

	key, err := member.GitSSHKey(t.Context(), codersdk.Me)
	require.NoError(t, err)
	requireED25519(t, key)
	assert.Equal(t, memberID, key.UserID)
	assert.False(t, key.CreatedAt.IsZero())

	ownerKey, err := f.owner().GitSSHKey(t.Context(), codersdk.Me)
	require.NoError(t, err)
	requireED25519(t, ownerKey)
	assert.NotEqual(t, key.PublicKey, ownerKey.PublicKey, "each user has its own key")

	res := coderdtest.RawRequest(t, member, http.MethodGet, "/api/v2/users/me/gitsshkey", nil)
	require.Equal(t, http.StatusOK, res.Status)
	assert.NotContains(t, string(res.Body), "PRIVATE KEY")
	assert.NotContains(t, string(res.Body), "private")

	regenerated, err := member.RegenerateGitSSHKey(t.Context(), codersdk.Me)
	require.NoError(t, err)
	requireED25519(t, regenerated)
	assert.NotEqual(t, key.PublicKey, regenerated.PublicKey)
	assert.Equal(t, key.CreatedAt, regenerated.CreatedAt)
	assert.False(t, regenerated.UpdatedAt.Before(key.UpdatedAt))
	res = coderdtest.RawRequest(t, member, http.MethodPut, "/api/v2/users/me/gitsshkey", nil)
	require.Equal(t, http.StatusOK, res.Status)
	assert.NotContains(t, string(res.Body), "PRIVATE KEY")
	latest, err := member.GitSSHKey(t.Context(), codersdk.Me)
	require.NoError(t, err)
	assert.NotEqual(t, regenerated.PublicKey, latest.PublicKey, "each PUT makes a new key")

	// The owner reads the member's current key through its ID.
	viaOwner, err := f.owner().GitSSHKey(t.Context(), memberID.String())
	require.NoError(t, err)
	assert.Equal(t, latest, viaOwner)

	// A member neither reads nor replaces the owner's key, and neither does
	// an auditor, who may see the user but not its personal data.
	for _, actor := range []string{actorMember, actorAuditor} {
		c := f.clients[actor]
		_, err = c.GitSSHKey(t.Context(), f.users[actorOwner].ID.String())
		requireSDKError(t, err, http.StatusNotFound)
		_, err = c.RegenerateGitSSHKey(t.Context(), f.users[actorOwner].ID.String())
		requireSDKError(t, err, http.StatusNotFound)
	}
	stillOwners, err := f.owner().GitSSHKey(t.Context(), codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, ownerKey, stillOwners)
}
