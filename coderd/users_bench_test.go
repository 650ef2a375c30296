package coderd_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// BenchmarkUsersList lists 1,000 users through the HTTP API. The owner's
// filter is "all rows"; the member's filter is "own row", applied inside
// PostgreSQL, so the member's cost does not grow with the table.
//
//	go test -run '^$' -bench BenchmarkUsersList -benchmem ./coderd/
func BenchmarkUsersList(b *testing.B) {
	const users = 1000
	ctx := context.Background()
	owner := coderdtest.New(b, nil)
	first := coderdtest.CreateFirstUser(b, owner)
	member, _ := coderdtest.CreateAnotherUser(b, owner, first.OrganizationID)

	// login_type "none" skips the deliberately slow password hash.
	for i := range users - 2 {
		_, err := owner.CreateUserWithOrgs(ctx, codersdk.CreateUserRequestWithOrgs{
			Email: fmt.Sprintf("bench%d@example.com", i), Username: fmt.Sprintf("bench%d", i),
			UserLoginType: codersdk.LoginTypeNone, OrganizationIDs: []uuid.UUID{first.OrganizationID},
		})
		if err != nil {
			b.Fatal(err)
		}
	}

	for _, tc := range []struct {
		name   string
		client *codersdk.Client
		want   int
	}{
		{"Owner", owner, users},
		{"Member", member, 1},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				resp, err := tc.client.Users(ctx, codersdk.UsersRequest{Pagination: codersdk.Pagination{Limit: users}})
				if err != nil {
					b.Fatal(err)
				}
				if len(resp.Users) != tc.want || resp.Count != tc.want {
					b.Fatalf("got %d users (count %d), want %d", len(resp.Users), resp.Count, tc.want)
				}
			}
			b.ReportMetric(float64(tc.want), "users/op")
		})
	}
}
