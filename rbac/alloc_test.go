//go:build !race

package rbac

import (
	"testing"

	"github.com/google/uuid"

	"github.com/stretchr/testify/require"
)

// TestAuthorizeDoesNotAllocate counts allocations (not time): the allowed
// and the denied path of Authorize must not allocate once the subject's
// denial table exists.
func TestAuthorizeDoesNotAllocate(t *testing.T) {
	s := user(t, ScopedRoleOrgTemplateAdmin(orgB))
	p := Prepare(s)
	acl := ResourceWorkspace.InOrg(orgA).WithOwner(other).WithACLUserList(map[uuid.UUID][]Action{me: {ActionRead}})
	checks := []struct {
		a     Action
		o     Object
		allow bool
	}{
		{ActionRead, ResourceWorkspace.InOrg(orgA).WithOwner(me), true},
		{ActionCreate, ResourceTemplate.InOrg(orgB), true},
		{ActionCreate, ResourceTemplate.AnyOrganization(), true},
		{ActionRead, ResourceUser.WithOwner(me), true},
		{ActionRead, acl, true},
		{ActionUpdate, acl, false},
		{ActionRead, ResourceWorkspace.InOrg(orgC).WithOwner(me), false},
		{ActionRead, ResourceAuditLog, false},
	}
	for _, c := range checks {
		require.Equal(t, c.allow, p.Authorize(c.a, c.o) == nil, "%s %s", c.a, describe(c.o))
		n := testing.AllocsPerRun(100, func() { _ = p.Authorize(c.a, c.o) })
		require.Zero(t, n, "%s %s allocates", c.a, describe(c.o))
	}
}
