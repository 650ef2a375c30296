package rbac

import (
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
)

var (
	orgA  = uuid.MustParse("aaaaaaaa-0000-4000-8000-000000000001")
	orgB  = uuid.MustParse("bbbbbbbb-0000-4000-8000-000000000002")
	orgC  = uuid.MustParse("cccccccc-0000-4000-8000-000000000003")
	me    = uuid.MustParse("11111111-0000-4000-8000-00000000000a")
	other = uuid.MustParse("22222222-0000-4000-8000-00000000000b")
)

func mustRoles(t testing.TB, ids ...RoleIdentifier) []Role {
	t.Helper()
	roles := make([]Role, 0, len(ids))
	for _, id := range ids {
		r, err := BuiltinRole(id)
		require.NoError(t, err, id.String())
		roles = append(roles, r)
	}
	return roles
}

func mustScope(t testing.TB, name string) Role {
	t.Helper()
	r, err := ScopeRole(name)
	require.NoError(t, err)
	return r
}

// user is "me" with the implicit member roles (site member, member of org
// A) plus extra, under scope all.
func user(t testing.TB, extra ...RoleIdentifier) Subject {
	t.Helper()
	ids := append([]RoleIdentifier{RoleMember(), ScopedRoleOrgMember(orgA)}, extra...)
	return Subject{ID: me, FriendlyName: "me", Email: "me@example.com", Roles: mustRoles(t, ids...), Scope: mustScope(t, ScopeAll)}
}

func can(t testing.TB, s Subject, a Action, o Object) bool {
	t.Helper()
	err := Prepare(s).Authorize(a, o)
	if err != nil {
		require.True(t, IsUnauthorized(err), "denials must be unauthorized errors: %v", err)
	}
	return err == nil
}
