package coderdtest

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
)

// FirstUserPassword is the password of users these helpers create.
const FirstUserPassword = "correct-horse-battery-staple-7"

// CreateFirstUser creates the owner and logs client in as it.
func CreateFirstUser(t testing.TB, client *codersdk.Client) codersdk.CreateFirstUserResponse {
	t.Helper()
	ctx := context.Background()
	req := codersdk.CreateFirstUserRequest{
		Email: "owner@example.com", Username: "owner", Name: "Owner", Password: FirstUserPassword,
	}
	resp, err := client.CreateFirstUser(ctx, req)
	if err != nil {
		t.Fatalf("create first user: %v", err)
	}
	login, err := client.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{Email: req.Email, Password: req.Password})
	if err != nil {
		t.Fatalf("log in first user: %v", err)
	}
	client.SetSessionToken(login.SessionToken)
	return resp
}

var userCounter atomic.Int64

// CreateAnotherUser creates an active user with the given site roles (set by
// the owner behind client) and returns a client logged in as it.
func CreateAnotherUser(t testing.TB, client *codersdk.Client, orgID uuid.UUID, siteRoles ...string) (*codersdk.Client, codersdk.User) {
	t.Helper()
	ctx := context.Background()
	n := userCounter.Add(1)
	active := codersdk.UserStatusActive
	req := codersdk.CreateUserRequestWithOrgs{
		Email: fmt.Sprintf("user%d@example.com", n), Username: fmt.Sprintf("user%d", n),
		Password: FirstUserPassword, OrganizationIDs: []uuid.UUID{orgID}, UserStatus: &active,
	}
	user, err := client.CreateUserWithOrgs(ctx, req)
	if err != nil {
		t.Fatalf("create user: %v", err)
	}
	if len(siteRoles) > 0 {
		user, err = client.UpdateUserRoles(ctx, user.ID.String(), codersdk.UpdateRoles{Roles: siteRoles})
		if err != nil {
			t.Fatalf("assign roles %v: %v", siteRoles, err)
		}
	}
	other := codersdk.New(client.URL)
	other.HTTPClient.Transport = client.HTTPClient.Transport
	login, err := other.LoginWithPassword(ctx, codersdk.LoginWithPasswordRequest{Email: req.Email, Password: req.Password})
	if err != nil {
		t.Fatalf("log in %s: %v", req.Username, err)
	}
	other.SetSessionToken(login.SessionToken)
	return other, user
}

// Anonymous is a client of client's server without a session token. It
// shares client's transport, which, unlike http.DefaultTransport, no other
// test's server closes under it.
func Anonymous(client *codersdk.Client) *codersdk.Client {
	anon := codersdk.New(client.URL)
	anon.HTTPClient.Transport = client.HTTPClient.Transport
	return anon
}
