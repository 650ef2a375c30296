// Package rbac decides who may do what: roles, permissions, scopes, the
// Authorize decision and the SQL filter that list queries push into
// PostgreSQL. The resource, action and role names are those of Coder v2; the
// evaluation is native Go over tables precomputed per subject (no Rego).
//
// # The decision
//
// A Subject holds expanded Roles and one Scope (the API key's scope, itself a
// Role). Authorize(action A, object O) evaluates the roles and the scope
// separately, each with the levels below, and allows only when BOTH allow.
// A permission matches when its ResourceType is O.Type or "*" and its Action
// is A or "*". Within one level, across all the roles being evaluated: any
// matching negated permission denies, otherwise any matching positive
// permission allows, otherwise the level abstains. Allow and deny are final;
// abstaining passes to the next level.
//
//  1. Site: every role's Site permissions.
//  2. Organization, only when O.OrgID is set. S is a member of org X iff some
//     role of S.Roles has a ByOrgID[X] entry (the organization-member role
//     gives that to every member; membership always comes from S.Roles, also
//     when the scope is evaluated). Not a member of O.OrgID: deny. Otherwise
//     ByOrgID[O.OrgID].Org permissions.
//  3. User, only when O.Owner is set and equals S.ID: every role's User
//     permissions, plus ByOrgID[O.OrgID].Member when O.OrgID is set.
//  4. ACL (roles only; the scope has no ACL step): when steps 1-3 all
//     abstained, O.ACLUserList[S.ID] or O.ACLGroupList[g] for any g in
//     S.Groups containing A or "*" allows. An explicit deny at any level,
//     including "not a member of the object's organization", is not
//     overridden by an ACL. Each organization's "Everyone" group (whose ID
//     is the organization ID) counts only if the subject builder lists it
//     in S.Groups.
//  5. Otherwise deny.
//
// The scope must allow through steps 1-3 on its own, so ACL-granted access
// is also limited by the scope: an application_connect token cannot read a
// workspace shared with its user. A zero Scope allows nothing; use
// ScopeRole(ScopeAll) for an unrestricted key.
//
// Objects built with AnyOrganization ("may I do this in some
// organization?", e.g. create a template) are allowed iff the same object
// would be allowed in some organization the subject belongs to, or the site
// level alone allows it (for both roles and scope).
//
// # Performance
//
// Prepare expands wildcards once and folds the four levels, the scope and
// the ACL precondition into one cell per (context, resource type), where a
// context is "no organization", "an organization the subject is not in",
// "any organization" or one of the subject's organizations. A cell holds
// four action bitmasks: allowed for objects owned by someone else, allowed
// for objects the subject owns, and the same two for "allowed if an ACL
// grants it". Authorize is then two map lookups, an org lookup and a bit
// test, and does not allocate on the allowed or the denied path: a denial
// returns a *UnauthorizedError from a table each PreparedSubject builds
// lazily on its first denial (see UnauthorizedError).
//
// # SQL filters
//
// Because the decision for a row depends only on which context its
// organization falls in and on whether the subject owns it, a list query can
// be filtered exactly by a few ID lists: see Filter.
package rbac
