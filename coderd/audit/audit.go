// Package audit records who changed what through the API, and the server's
// own background changes, in the audit_logs table.
//
// Every request that may change something (any method but GET, HEAD and
// OPTIONS) passes through Middleware, which puts a Record in the request
// context. The middleware fills in what it can see for itself (time, IP,
// user agent, request id, status code, and a resource type and action
// derived from the route), the API key middleware adds the actor, the URL
// parameter middleware the objects it loaded, and handlers add what only
// they know (the resource created, the diff) through Set and its helpers.
// The record is written when the response status is decided, before a byte
// of the response leaves, so a client that saw its change succeed (or fail)
// will find it in the log.
package audit

import (
	"context"
	"net/netip"
	"sync"

	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// Record is the audit entry of one request while the request runs. Handlers
// change it only through Set (or the helpers built on it), which hold its
// lock.
type Record struct {
	mu sync.Mutex

	// UserID is the actor; uuid.Nil when unknown.
	UserID         uuid.UUID
	OrganizationID uuid.UUID
	ResourceType   codersdk.ResourceType
	ResourceID     uuid.UUID
	ResourceTarget string
	ResourceIcon   string
	Action         codersdk.AuditAction
	Diff           codersdk.AuditDiff
	// AdditionalFields are extra facts shown beside the entry (the email of
	// a failed login, the build number); they must never hold secrets.
	AdditionalFields map[string]any
	BuildReason      codersdk.BuildReason
	// Skip drops the record. Only the middleware sets it, from its list of
	// routes that change nothing; handlers cannot hide from the log.
	Skip bool

	// loaded are the objects the URL named, in the order they were loaded,
	// to fill in the resource when the handler did not.
	loaded []Resource
	// What the middleware saw of the request, for Related.
	ip        netip.Addr
	userAgent string
	requestID uuid.UUID
}

// Resource identifies an audited object.
type Resource struct {
	Type           codersdk.ResourceType
	ID             uuid.UUID
	Target         string
	Icon           string
	OrganizationID uuid.UUID
}

type recordKey struct{}

// WithRecord returns ctx carrying rec.
func WithRecord(ctx context.Context, rec *Record) context.Context {
	return context.WithValue(ctx, recordKey{}, rec)
}

// FromContext returns the record of the request, if it is audited.
func FromContext(ctx context.Context) (*Record, bool) {
	rec, ok := ctx.Value(recordKey{}).(*Record)
	return rec, ok && rec != nil
}

// Set changes the request's record under its lock. Outside an audited
// request (a GET, a background job) it does nothing, so handlers call it
// unconditionally.
func Set(ctx context.Context, fn func(r *Record)) {
	rec, ok := FromContext(ctx)
	if !ok {
		return
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	fn(rec)
}

// SetUser records the actor.
func SetUser(ctx context.Context, id uuid.UUID) {
	Set(ctx, func(r *Record) { r.UserID = id })
}

// SetResource says what the request changed. An empty Type keeps the type
// derived from the route, and a nil OrganizationID the organization already
// known.
func SetResource(ctx context.Context, res Resource) {
	Set(ctx, func(r *Record) { r.setResource(res) })
}

func (r *Record) setResource(res Resource) {
	if res.Type != "" {
		r.ResourceType = res.Type
	}
	r.ResourceID, r.ResourceTarget, r.ResourceIcon = res.ID, res.Target, res.Icon
	if res.OrganizationID != uuid.Nil {
		r.OrganizationID = res.OrganizationID
	}
}

// SetAction overrides the action derived from the route.
func SetAction(ctx context.Context, action codersdk.AuditAction) {
	Set(ctx, func(r *Record) { r.Action = action })
}

// SetDiff records what changed between old and new; see Diff.
func SetDiff(ctx context.Context, old, new any, secretFields ...string) {
	if _, ok := FromContext(ctx); !ok {
		return // spare the marshaling
	}
	d := Diff(old, new, secretFields...)
	Set(ctx, func(r *Record) { r.Diff = d })
}

// SetField adds one additional field.
func SetField(ctx context.Context, key string, value any) {
	Set(ctx, func(r *Record) {
		if r.AdditionalFields == nil {
			r.AdditionalFields = map[string]any{}
		}
		r.AdditionalFields[key] = value
	})
}

// Loaded notes an object a URL parameter named. It is the default resource
// of the record when its type matches the route's, and its organization is
// the record's unless a handler says otherwise.
func Loaded(ctx context.Context, row any) {
	res, ok := ResourceOf(row)
	if !ok {
		return
	}
	Set(ctx, func(r *Record) { r.loaded = append(r.loaded, res) })
}

// Created records row as the resource the request created, with every field
// it was created with as the diff.
func Created(ctx context.Context, row any) { changed(ctx, nil, row, row) }

// Updated records new as the resource the request changed, with what changed
// since old as the diff.
func Updated(ctx context.Context, old, new any) { changed(ctx, old, new, new) }

// Deleted records row as the resource the request deleted; the diff holds
// what it was.
func Deleted(ctx context.Context, row any) { changed(ctx, row, nil, row) }

func changed(ctx context.Context, old, new, row any) {
	if _, ok := FromContext(ctx); !ok {
		return
	}
	if res, ok := ResourceOf(row); ok {
		SetResource(ctx, res)
	}
	SetDiff(ctx, old, new)
}

// SecretChanged records that secret fields changed, without their values.
func SecretChanged(ctx context.Context, fields ...string) {
	Set(ctx, func(r *Record) {
		if r.Diff == nil {
			r.Diff = codersdk.AuditDiff{}
		}
		for _, f := range fields {
			r.Diff[f] = codersdk.AuditDiffField{Secret: true}
		}
	})
}

// ResourceOf describes a database row as an audited resource.
func ResourceOf(row any) (Resource, bool) {
	switch v := row.(type) {
	case database.User:
		return Resource{Type: codersdk.ResourceTypeUser, ID: v.ID, Target: v.Username, Icon: v.AvatarUrl}, true
	case database.Organization:
		return Resource{Type: codersdk.ResourceTypeOrganization, ID: v.ID, Target: v.Name, Icon: v.Icon, OrganizationID: v.ID}, true
	case database.Group:
		return Resource{Type: codersdk.ResourceTypeGroup, ID: v.ID, Target: v.Name, Icon: v.AvatarUrl, OrganizationID: v.OrganizationID}, true
	case database.Template:
		return Resource{Type: codersdk.ResourceTypeTemplate, ID: v.ID, Target: v.Name, Icon: v.Icon, OrganizationID: v.OrganizationID}, true
	case database.TemplateVersion:
		return Resource{Type: codersdk.ResourceTypeTemplateVersion, ID: v.ID, Target: v.Name, OrganizationID: v.OrganizationID}, true
	case database.Workspace:
		return Resource{Type: codersdk.ResourceTypeWorkspace, ID: v.ID, Target: v.Name, Icon: v.TemplateIcon, OrganizationID: v.OrganizationID}, true
	case database.WorkspaceBuild:
		return Resource{Type: codersdk.ResourceTypeWorkspaceBuild, ID: v.ID}, true
	case database.OrganizationMember:
		return Resource{Type: codersdk.ResourceTypeOrganizationMember, ID: v.UserID, OrganizationID: v.OrganizationID}, true
	case database.CustomRole:
		return Resource{Type: codersdk.ResourceTypeCustomRole, ID: v.ID, Target: v.Name, OrganizationID: v.OrganizationID}, true
	case database.GitSSHKey:
		return Resource{Type: codersdk.ResourceTypeGitSSHKey, ID: v.UserID}, true
	case database.File:
		return Resource{Type: codersdk.ResourceTypeFile, ID: v.ID, Target: v.Hash}, true
	case database.APIKey:
		// A key's id is not a UUID, so, as upstream does, the resource id
		// is the owner's and the key is named in the target. The id is not
		// secret: the secret is the part of the token after the dash.
		target := v.TokenName
		if target == "" {
			target = v.ID
		}
		return Resource{Type: codersdk.ResourceTypeAPIKey, ID: v.UserID, Target: target}, true
	}
	return Resource{}, false
}

// Related writes e as a further entry of the request in ctx, by the same
// actor from the same address (a stop build the request caused, say), or,
// outside a request, as the system's: background jobs call it with the
// build reason saying why. It returns the write's error for the caller to
// log; the change it describes has already happened.
func Related(ctx context.Context, db database.Store, e Entry) error {
	if rec, ok := FromContext(ctx); ok {
		rec.mu.Lock()
		e.UserID, e.IP, e.UserAgent, e.RequestID = rec.UserID, rec.ip, rec.userAgent, rec.requestID
		rec.mu.Unlock()
	} else {
		e.UserID = uuid.Nil
	}
	return Insert(ctx, db, e)
}
