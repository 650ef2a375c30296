package rbac

import (
	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// Built-in API key scopes, as in Coder.
const (
	ScopeAll                = "all"
	ScopeApplicationConnect = "application_connect"
)

var scopeRoles = map[string]Role{
	// all: the scope does not restrict; the roles decide.
	ScopeAll: {
		Identifier:  RoleIdentifier{Name: "Scope_" + ScopeAll},
		DisplayName: "All operations",
		Site:        []Permission{{ResourceType: WildcardSymbol, Action: WildcardSymbol}},
	},
	// application_connect: the key may only open workspace applications,
	// whatever the roles of its user allow.
	ScopeApplicationConnect: {
		Identifier:  RoleIdentifier{Name: "Scope_" + ScopeApplicationConnect},
		DisplayName: "Ability to connect to applications",
		Site:        []Permission{{ResourceType: ResourceWorkspace.Type, Action: ActionApplicationConnect}},
	},
}

// ScopeRole returns the role a scope is evaluated as. Unknown names are an
// error.
func ScopeRole(name string) (Role, error) {
	r, ok := scopeRoles[name]
	if !ok {
		return Role{}, xerrors.Errorf("unknown scope %q", name)
	}
	return r, nil
}

// Subject is an actor: a user with its expanded roles, or a system actor.
type Subject struct {
	ID           uuid.UUID
	FriendlyName string
	Email        string
	// Roles are already expanded (built-in and custom).
	Roles []Role
	// Groups the subject belongs to, for group ACLs. Include each
	// organization's "Everyone" group (its ID is the organization ID) for
	// the organizations the subject is a member of.
	Groups []uuid.UUID
	// Scope restricts the roles: both must allow. A zero Scope allows
	// nothing.
	Scope Role
}

// SystemSubject is a narrow actor for a background loop: its only role is a
// site role made of perms, its scope is all, its ID is uuid.Nil (it owns
// nothing and is in no organization) and its friendly name is
// "system:<name>".
func SystemSubject(name string, perms ...Permission) Subject {
	full := "system:" + name
	return Subject{
		ID:           uuid.Nil,
		FriendlyName: full,
		Roles: []Role{{
			Identifier:  RoleIdentifier{Name: full},
			DisplayName: full,
			Site:        append([]Permission(nil), perms...),
		}},
		Scope: scopeRoles[ScopeAll],
	}
}
