package clitest_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coder/serpent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli"
	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// TestAdminCommands: users, tokens, organizations and groups with Coder's
// names, flags and JSON shapes (the codersdk types).
func TestAdminCommands(t *testing.T) {
	t.Parallel()
	client := coderdtest.New(t, nil)
	first := coderdtest.CreateFirstUser(t, client)
	u := newCLIUser(t, client)
	ctx := context.Background()

	// users
	out := u.ok("users", "create", "--username", "alice", "--email", "alice@example.com", "--full-name", "Alice A")
	assert.Contains(t, out, "User alice created")
	assert.Contains(t, out, "Your password is: ", "a generated password is shown once")
	var users []codersdk.User
	u.okJSON(&users, "users", "list", "-o", "json")
	names := map[string]codersdk.User{}
	for _, usr := range users {
		names[usr.Username] = usr
	}
	require.Contains(t, names, "alice")
	assert.Equal(t, "Alice A", names["alice"].Name)
	assert.Contains(t, names["alice"].OrganizationIDs, first.OrganizationID)
	table := u.ok("users", "ls")
	assert.Contains(t, table, "USERNAME")
	assert.Contains(t, table, "alice@example.com")

	var shown codersdk.User
	u.okJSON(&shown, "users", "show", "alice", "-o", "json")
	assert.Equal(t, names["alice"].ID, shown.ID)
	assert.Contains(t, u.ok("users", "show", "me"), "owner@example.com")

	assert.Contains(t, u.ok("users", "suspend", "alice"), "User alice is now suspended!")
	got, err := client.User(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, codersdk.UserStatusSuspended, got.Status)
	assert.Contains(t, u.ok("users", "activate", "alice"), "User alice is now active!")
	got, err = client.User(ctx, "alice")
	require.NoError(t, err)
	assert.Equal(t, codersdk.UserStatusActive, got.Status)

	u.ok("users", "create", "-u", "robot", "-e", "robot@example.com", "--login-type", "none")
	assert.Contains(t, u.fails("users", "create", "-u", "bob"), "missing --email")
	assert.Contains(t, u.ok("users", "delete", "robot"), "Successfully deleted robot.")
	_, err = client.User(ctx, "robot")
	require.Error(t, err)

	// tokens: create prints only the token, which then works.
	token := strings.TrimSpace(u.ok("tokens", "create", "--name", "ci", "--lifetime", "7d"))
	require.NotEmpty(t, token)
	scripted := coderdtest.Anonymous(client)
	scripted.SetSessionToken(token)
	_, err = scripted.User(ctx, codersdk.Me)
	require.NoError(t, err, "the printed token authenticates")
	var keys []codersdk.APIKey
	u.okJSON(&keys, "tokens", "list", "-o", "json")
	require.Len(t, keys, 1)
	assert.Equal(t, "ci", keys[0].TokenName)
	assert.Equal(t, int64(7*24*60*60), keys[0].LifetimeSeconds)
	assert.Contains(t, u.ok("tokens", "ls"), "ci")
	assert.Contains(t, u.ok("tokens", "rm", "ci"), "Token has been deleted.")
	_, err = scripted.User(ctx, codersdk.Me)
	require.Error(t, err, "the removed token no longer works")
	assert.Contains(t, u.fails("tokens", "remove", "ci"), `no token named "ci"`)
	assert.Contains(t, u.fails("tokens", "create", "--lifetime", "soon"), "invalid duration")

	// organizations
	var orgs []codersdk.Organization
	u.okJSON(&orgs, "organizations", "show", "me", "-o", "json")
	require.Len(t, orgs, 1)
	assert.Equal(t, first.OrganizationID, orgs[0].ID)
	assert.Equal(t, first.OrganizationID.String()+"\n", u.ok("org", "show", "--only-id"))
	assert.Contains(t, u.ok("organizations", "show", orgs[0].Name), "Organization: "+orgs[0].Name)
	var members []codersdk.OrganizationMemberWithUserData
	u.okJSON(&members, "organizations", "members", "list", "-o", "json")
	memberNames := []string{}
	for _, m := range members {
		memberNames = append(memberNames, m.Username)
	}
	assert.ElementsMatch(t, []string{names["alice"].Username, "owner"}, memberNames)
	assert.Contains(t, u.ok("organizations", "members", "list"), "ORGANIZATION ROLES")

	// groups
	assert.Contains(t, u.ok("groups", "create", "developers", "--display-name", "Developers"), "Successfully created group developers!")
	var groups []codersdk.Group
	u.okJSON(&groups, "groups", "list", "-o", "json")
	var found bool
	for _, g := range groups {
		if g.Name == "developers" {
			found = true
			assert.Equal(t, "Developers", g.DisplayName)
			assert.Equal(t, first.OrganizationID, g.OrganizationID)
		}
	}
	assert.True(t, found, "groups list shows the new group")
	assert.Contains(t, u.ok("groups", "list", "-c", "name,display name"), "Developers")
	assert.Contains(t, u.fails("groups", "create", "developers"), "create group")
}

// TestHelpHasExamples: every workspace and admin command explains itself
// with at least one example in --help.
func TestHelpHasExamples(t *testing.T) {
	t.Parallel()
	mine := map[string]bool{
		"create": true, "list": true, "show": true, "start": true, "stop": true, "restart": true,
		"update": true, "delete": true, "rename": true, "favorite": true, "unfavorite": true,
		"schedule": true, "open": true, "logs": true, "users": true, "tokens": true,
		"organizations": true, "groups": true,
	}
	root := cli.Root()
	seen := 0
	for _, top := range root.Children {
		if !mine[top.Name()] {
			continue
		}
		top.Walk(func(c *serpent.Command) {
			seen++
			assert.Containsf(t, c.Long, "$ coder", "%s --help has no example", c.FullName())
		})
	}
	assert.Greater(t, seen, len(mine), "subcommands are walked too")
}
