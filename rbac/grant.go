package rbac

import (
	"bytes"
	"errors"
	"fmt"
	"sort"

	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// CanGrant is the escalation check for creating or editing a custom role:
// the subject may hand out role's permissions only if it holds each of them
// itself, at the same level or a broader one (a site permission is checked
// on an object in no organization and owned by no one, an organization
// permission on an object in that organization, a user permission on an
// object the subject owns, a member permission on an object the subject
// owns in that organization). Scopes apply: a restricted API key cannot
// grant what it could not do.
//
// As upstream, negated and wildcard permissions are refused: a wildcard
// would silently grow with every resource type added later. The error joins
// one error per refused permission; those the subject does not hold wrap
// ErrUnauthorized (IsUnauthorized: answer 403), malformed ones do not
// (answer 400).
func (p *PreparedSubject) CanGrant(role Role) error {
	var errs []error
	check := func(level string, perms []Permission, at Object) {
		for _, perm := range perms {
			if err := perm.Valid(); err != nil {
				errs = append(errs, xerrors.Errorf("%s permission: %w", level, err))
				continue
			}
			if perm.Negate {
				errs = append(errs, xerrors.Errorf("%s permission %s: negative permissions cannot be granted", level, perm))
				continue
			}
			if perm.ResourceType == WildcardSymbol || perm.Action == WildcardSymbol {
				errs = append(errs, xerrors.Errorf("%s permission %s: wildcards cannot be granted", level, perm))
				continue
			}
			o := at
			o.Type = perm.ResourceType
			if p.Authorize(perm.Action, o) != nil {
				errs = append(errs, fmt.Errorf("%s permission %s is not held by %q: %w", level, perm, p.subject.FriendlyName, ErrUnauthorized))
			}
		}
	}
	check("site", role.Site, Object{})
	check("user", role.User, Object{Owner: p.subject.ID})
	orgs := make([]uuid.UUID, 0, len(role.ByOrgID))
	for org := range role.ByOrgID {
		orgs = append(orgs, org)
	}
	sort.Slice(orgs, func(i, j int) bool { return bytes.Compare(orgs[i][:], orgs[j][:]) < 0 })
	for _, org := range orgs {
		if org == uuid.Nil {
			errs = append(errs, xerrors.New("organization permissions need an organization ID"))
			continue
		}
		op := role.ByOrgID[org]
		check("organization "+org.String(), op.Org, Object{OrgID: org})
		check("organization "+org.String()+" member", op.Member, Object{OrgID: org, Owner: p.subject.ID})
	}
	return errors.Join(errs...)
}
