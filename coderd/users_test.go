package coderd_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// TestSessionJourney is the README's curl journey through the client: first
// user, login, a token, and GET /users/me with that token.
func TestSessionJourney(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	client := coderdtest.New(t, nil)

	has, err := client.HasFirstUser(ctx)
	require.NoError(t, err)
	require.False(t, has)

	first := coderdtest.CreateFirstUser(t, client)
	has, err = client.HasFirstUser(ctx)
	require.NoError(t, err)
	require.True(t, has)

	token, err := client.CreateToken(ctx, codersdk.Me, codersdk.CreateTokenRequest{TokenName: "ci"})
	require.NoError(t, err)

	tokenClient := coderdtest.Anonymous(client)
	tokenClient.SetSessionToken(token.Key)
	me, err := tokenClient.User(ctx, codersdk.Me)
	require.NoError(t, err)
	assert.Equal(t, first.UserID, me.ID)
	assert.Equal(t, "owner", me.Username)
	assert.Equal(t, []uuid.UUID{first.OrganizationID}, me.OrganizationIDs)
	require.Len(t, me.Roles, 1)
	assert.Equal(t, "owner", me.Roles[0].Name)

	// A second first user is refused.
	_, err = client.CreateFirstUser(ctx, codersdk.CreateFirstUserRequest{
		Email: "x@example.com", Username: "x", Password: coderdtest.FirstUserPassword,
	})
	var apiErr *codersdk.Error
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusConflict, apiErr.StatusCode())
}
