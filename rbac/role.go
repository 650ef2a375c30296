package rbac

import (
	"errors"
	"sort"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// Permission allows (or, negated, denies) one action on one resource type.
// Either may be WildcardSymbol.
type Permission struct {
	Negate       bool   `json:"negate"`
	ResourceType string `json:"resource_type"`
	Action       Action `json:"action"`
}

// Valid reports whether the permission names a known resource type and an
// action defined for it. The wildcard type and the wildcard action are valid.
func (p Permission) Valid() error {
	if p.ResourceType == WildcardSymbol {
		if p.Action == WildcardSymbol {
			return nil
		}
		if _, ok := actionIndex[p.Action]; !ok {
			return xerrors.Errorf("invalid action %q", p.Action)
		}
		return nil
	}
	i, ok := typeIndex[p.ResourceType]
	if !ok {
		return xerrors.Errorf("invalid resource type %q", p.ResourceType)
	}
	if p.Action == WildcardSymbol {
		return nil
	}
	if _, ok := resourceTable[i].Actions[p.Action]; !ok {
		return xerrors.Errorf("invalid action %q for resource type %q", p.Action, p.ResourceType)
	}
	return nil
}

func (p Permission) String() string {
	s := p.ResourceType + ":" + string(p.Action)
	if p.Negate {
		return "!" + s
	}
	return s
}

// Permissions builds a list of positive permissions from type → actions, in
// a deterministic order.
func Permissions(perms map[string][]Action) []Permission {
	out := make([]Permission, 0, len(perms))
	for typ, acts := range perms {
		for _, a := range acts {
			out = append(out, Permission{ResourceType: typ, Action: a})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].ResourceType != out[j].ResourceType {
			return out[i].ResourceType < out[j].ResourceType
		}
		return out[i].Action < out[j].Action
	})
	return out
}

// RoleIdentifier names a role: a site role has no organization, an
// organization role has one.
type RoleIdentifier struct {
	Name           string
	OrganizationID uuid.UUID
}

// IsOrgRole reports whether the role is scoped to an organization.
func (r RoleIdentifier) IsOrgRole() bool { return r.OrganizationID != uuid.Nil }

// String is "name" for site roles and "name:<org id>" for organization roles.
func (r RoleIdentifier) String() string {
	if r.OrganizationID != uuid.Nil {
		return r.Name + ":" + r.OrganizationID.String()
	}
	return r.Name
}

// ParseRoleIdentifier parses the String form.
func ParseRoleIdentifier(s string) (RoleIdentifier, error) {
	name, org, scoped := strings.Cut(s, ":")
	if name == "" {
		return RoleIdentifier{}, xerrors.Errorf("role name is empty in %q", s)
	}
	if !scoped {
		return RoleIdentifier{Name: name}, nil
	}
	orgID, err := uuid.Parse(org)
	if err != nil {
		return RoleIdentifier{}, xerrors.Errorf("role %q: organization ID: %w", s, err)
	}
	if orgID == uuid.Nil {
		return RoleIdentifier{}, xerrors.Errorf("role %q: organization ID is the nil UUID", s)
	}
	return RoleIdentifier{Name: name, OrganizationID: orgID}, nil
}

// OrgPermissions are a role's permissions inside one organization: Org
// applies to every object in it, Member to the objects in it that the
// subject owns.
type OrgPermissions struct {
	Org    []Permission `json:"org"`
	Member []Permission `json:"member"`
}

// Role is a set of permissions at several levels (see the package doc for
// how they are evaluated). Having an entry in ByOrgID, even an empty one, is
// what makes a subject a member of that organization.
type Role struct {
	Identifier  RoleIdentifier
	DisplayName string
	// Site applies to every object.
	Site []Permission
	// User applies to objects the subject owns.
	User []Permission
	// ByOrgID: Org applies to objects in that organization, Member to
	// objects in it that the subject owns.
	ByOrgID map[uuid.UUID]OrgPermissions
}

// Valid checks every permission against the known resources and actions.
func (r Role) Valid() error {
	var errs []error
	check := func(level string, perms []Permission) {
		for _, p := range perms {
			if err := p.Valid(); err != nil {
				errs = append(errs, xerrors.Errorf("%s: %w", level, err))
			}
		}
	}
	check("site", r.Site)
	check("user", r.User)
	for orgID, op := range r.ByOrgID {
		if orgID == uuid.Nil {
			errs = append(errs, xerrors.New("organization permissions need an organization ID"))
			continue
		}
		check("org "+orgID.String(), op.Org)
		check("org "+orgID.String()+" member", op.Member)
	}
	return errors.Join(errs...)
}
