package codersdk

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"
)

// Template is a named, versioned workspace definition in an organization.
// Durations are in milliseconds.
type Template struct {
	ID                      uuid.UUID       `json:"id" format:"uuid"`
	CreatedAt               time.Time       `json:"created_at" format:"date-time"`
	UpdatedAt               time.Time       `json:"updated_at" format:"date-time"`
	OrganizationID          uuid.UUID       `json:"organization_id" format:"uuid"`
	OrganizationName        string          `json:"organization_name" format:"url"`
	OrganizationDisplayName string          `json:"organization_display_name"`
	OrganizationIcon        string          `json:"organization_icon"`
	Name                    string          `json:"name"`
	DisplayName             string          `json:"display_name"`
	Provisioner             ProvisionerType `json:"provisioner" enums:"terraform,echo"`
	ActiveVersionID         uuid.UUID       `json:"active_version_id" format:"uuid"`
	// ActiveUserCount is the number of distinct users of the template's
	// workspaces in the last 7 days.
	ActiveUserCount    int                    `json:"active_user_count"`
	BuildTimeStats     TemplateBuildTimeStats `json:"build_time_stats"`
	Description        string                 `json:"description"`
	Deprecated         bool                   `json:"deprecated"`
	DeprecationMessage string                 `json:"deprecation_message"`
	Deleted            bool                   `json:"deleted"`
	Icon               string                 `json:"icon"`
	DefaultTTLMillis   int64                  `json:"default_ttl_ms"`
	// ActivityBumpMillis is how far workspace activity pushes the
	// autostop deadline.
	ActivityBumpMillis   int64                        `json:"activity_bump_ms"`
	AutostopRequirement  TemplateAutostopRequirement  `json:"autostop_requirement"`
	AutostartRequirement TemplateAutostartRequirement `json:"autostart_requirement"`
	CreatedByID          uuid.UUID                    `json:"created_by_id" format:"uuid"`
	CreatedByName        string                       `json:"created_by_name"`

	AllowUserAutostart           bool `json:"allow_user_autostart"`
	AllowUserAutostop            bool `json:"allow_user_autostop"`
	AllowUserCancelWorkspaceJobs bool `json:"allow_user_cancel_workspace_jobs"`
	// AllowWorkspaceRenames lets users rename workspaces of the template.
	AllowWorkspaceRenames bool `json:"allow_workspace_renames"`

	FailureTTLMillis               int64 `json:"failure_ttl_ms"`
	TimeTilDormantMillis           int64 `json:"time_til_dormant_ms"`
	TimeTilDormantAutoDeleteMillis int64 `json:"time_til_dormant_autodelete_ms"`

	// RequireActiveVersion makes workspaces build with the active version.
	RequireActiveVersion    bool                         `json:"require_active_version"`
	MaxPortShareLevel       WorkspaceAgentPortShareLevel `json:"max_port_share_level" enums:"owner,authenticated,organization,public"`
	CORSBehavior            CORSBehavior                 `json:"cors_behavior" enums:"simple,passthru"`
	UseClassicParameterFlow bool                         `json:"use_classic_parameter_flow"`
}

// WorkspaceAgentPortShareLevel is who may reach a shared workspace port.
type WorkspaceAgentPortShareLevel string

const (
	WorkspaceAgentPortShareLevelOwner         WorkspaceAgentPortShareLevel = "owner"
	WorkspaceAgentPortShareLevelAuthenticated WorkspaceAgentPortShareLevel = "authenticated"
	WorkspaceAgentPortShareLevelOrganization  WorkspaceAgentPortShareLevel = "organization"
	WorkspaceAgentPortShareLevelPublic        WorkspaceAgentPortShareLevel = "public"
)

// ValidMaxLevel reports whether l is a known level.
func (l WorkspaceAgentPortShareLevel) ValidMaxLevel() bool {
	switch l {
	case WorkspaceAgentPortShareLevelOwner, WorkspaceAgentPortShareLevelAuthenticated,
		WorkspaceAgentPortShareLevelOrganization, WorkspaceAgentPortShareLevelPublic:
		return true
	}
	return false
}

// CORSBehavior says how workspace apps answer cross-origin requests.
type CORSBehavior string

const (
	CORSBehaviorSimple   CORSBehavior = "simple"
	CORSBehaviorPassthru CORSBehavior = "passthru"
)

// Weekdays in the order of the bitmaps templates store them in (bit 0 is
// Monday).
var weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// WeekdaysToBitmap turns weekday names (any case) into a bitmap, bit 0 for
// Monday through bit 6 for Sunday.
func WeekdaysToBitmap(days []string) (uint8, error) {
	var bitmap uint8
	for _, day := range days {
		i := indexOf(weekdays, strings.ToLower(day))
		if i < 0 {
			return 0, xerrors.Errorf("invalid weekday %q", day)
		}
		if bitmap&(1<<i) != 0 {
			return 0, xerrors.Errorf("weekday %q is listed twice", day)
		}
		bitmap |= 1 << i
	}
	return bitmap, nil
}

// BitmapToWeekdays is the inverse of WeekdaysToBitmap; never nil.
func BitmapToWeekdays(bitmap uint8) []string {
	days := []string{}
	for i, day := range weekdays {
		if bitmap&(1<<i) != 0 {
			days = append(days, day)
		}
	}
	return days
}

// AllDaysOfWeek lists every weekday, the default autostart requirement.
func AllDaysOfWeek() []string { return append([]string(nil), weekdays...) }

func indexOf(list []string, s string) int {
	for i, v := range list {
		if v == s {
			return i
		}
	}
	return -1
}

// TemplateAutostartRequirement lists the days autostart may happen on; no
// days means autostart never happens.
type TemplateAutostartRequirement struct {
	DaysOfWeek []string `json:"days_of_week" enums:"monday,tuesday,wednesday,thursday,friday,saturday,sunday"`
}

// TemplateAutostopRequirement makes workspaces stop on some days, every
// Weeks weeks (0 or 1: weekly).
type TemplateAutostopRequirement struct {
	DaysOfWeek []string `json:"days_of_week" enums:"monday,tuesday,wednesday,thursday,friday,saturday,sunday"`
	Weeks      int64    `json:"weeks"`
}

// TransitionStats are build durations in milliseconds; nil without builds.
type TransitionStats struct {
	P50 *int64 `json:"p50" example:"123"`
	P95 *int64 `json:"p95" example:"146"`
}

// TemplateBuildTimeStats holds build durations per transition.
type TemplateBuildTimeStats map[WorkspaceTransition]TransitionStats

// CreateTemplateRequest is the body of POST
// /organizations/{organization}/templates. Durations are in milliseconds;
// fields left out take the defaults.
type CreateTemplateRequest struct {
	Name        string `json:"name" validate:"template_name,required"`
	DisplayName string `json:"display_name,omitempty"`
	Description string `json:"description,omitempty"`
	Icon        string `json:"icon,omitempty"`
	// VersionID is a successfully imported version not yet attached to a
	// template; it becomes the active version.
	VersionID                      uuid.UUID                     `json:"template_version_id" validate:"required" format:"uuid"`
	DefaultTTLMillis               *int64                        `json:"default_ttl_ms,omitempty"`
	ActivityBumpMillis             *int64                        `json:"activity_bump_ms,omitempty"`
	AutostopRequirement            *TemplateAutostopRequirement  `json:"autostop_requirement,omitempty"`
	AutostartRequirement           *TemplateAutostartRequirement `json:"autostart_requirement,omitempty"`
	AllowUserCancelWorkspaceJobs   *bool                         `json:"allow_user_cancel_workspace_jobs"`
	AllowUserAutostart             *bool                         `json:"allow_user_autostart"`
	AllowUserAutostop              *bool                         `json:"allow_user_autostop"`
	FailureTTLMillis               *int64                        `json:"failure_ttl_ms,omitempty"`
	TimeTilDormantMillis           *int64                        `json:"dormant_ttl_ms,omitempty"`
	TimeTilDormantAutoDeleteMillis *int64                        `json:"delete_ttl_ms,omitempty"`
	// DisableEveryoneGroupAccess leaves the Everyone group out of the new
	// template's ACL, so only template admins and explicit entries see it.
	DisableEveryoneGroupAccess bool                          `json:"disable_everyone_group_access"`
	RequireActiveVersion       bool                          `json:"require_active_version"`
	MaxPortShareLevel          *WorkspaceAgentPortShareLevel `json:"max_port_share_level" enums:"owner,authenticated,organization,public"`
	UseClassicParameterFlow    *bool                         `json:"template_use_classic_parameter_flow,omitempty"`
	CORSBehavior               *CORSBehavior                 `json:"cors_behavior,omitempty" enums:"simple,passthru"`
}

// UpdateTemplateMeta is the body of PATCH /templates/{template}: the
// template's settings. Booleans and durations are set to the body's value
// (absent means false or 0); the pointer fields and an empty name keep
// the current value.
type UpdateTemplateMeta struct {
	Name                           string                        `json:"name,omitempty" validate:"omitempty,template_name"`
	DisplayName                    *string                       `json:"display_name,omitempty"`
	Description                    *string                       `json:"description,omitempty"`
	Icon                           *string                       `json:"icon,omitempty"`
	DefaultTTLMillis               int64                         `json:"default_ttl_ms,omitempty"`
	ActivityBumpMillis             int64                         `json:"activity_bump_ms,omitempty"`
	AutostopRequirement            *TemplateAutostopRequirement  `json:"autostop_requirement,omitempty"`
	AutostartRequirement           *TemplateAutostartRequirement `json:"autostart_requirement,omitempty"`
	AllowUserAutostart             bool                          `json:"allow_user_autostart,omitempty"`
	AllowUserAutostop              bool                          `json:"allow_user_autostop,omitempty"`
	AllowUserCancelWorkspaceJobs   bool                          `json:"allow_user_cancel_workspace_jobs,omitempty"`
	FailureTTLMillis               int64                         `json:"failure_ttl_ms,omitempty"`
	TimeTilDormantMillis           int64                         `json:"time_til_dormant_ms,omitempty"`
	TimeTilDormantAutoDeleteMillis int64                         `json:"time_til_dormant_autodelete_ms,omitempty"`
	// UpdateWorkspaceLastUsedAt and UpdateWorkspaceDormantAt reset the
	// clocks of existing workspaces so a shorter dormancy setting does not
	// act on them at once.
	UpdateWorkspaceLastUsedAt bool `json:"update_workspace_last_used_at"`
	UpdateWorkspaceDormantAt  bool `json:"update_workspace_dormant_at"`
	RequireActiveVersion      bool `json:"require_active_version"`
	// DeprecationMessage marks the template deprecated (new workspaces are
	// refused); an empty string lifts the deprecation.
	DeprecationMessage         *string                       `json:"deprecation_message"`
	DisableEveryoneGroupAccess bool                          `json:"disable_everyone_group_access"`
	MaxPortShareLevel          *WorkspaceAgentPortShareLevel `json:"max_port_share_level,omitempty" enums:"owner,authenticated,organization,public"`
	UseClassicParameterFlow    *bool                         `json:"use_classic_parameter_flow,omitempty"`
	CORSBehavior               *CORSBehavior                 `json:"cors_behavior,omitempty" enums:"simple,passthru"`
}

// UpdateActiveTemplateVersion is the body of PATCH
// /templates/{template}/versions.
type UpdateActiveTemplateVersion struct {
	ID uuid.UUID `json:"id" validate:"required" format:"uuid"`
}

// ArchiveTemplateVersionsRequest is the body of POST
// /templates/{template}/versions/archive.
type ArchiveTemplateVersionsRequest struct {
	// All archives every unused version; by default only those whose
	// import failed or was canceled.
	All bool `json:"all"`
}

// ArchiveTemplateVersionsResponse lists the versions archived.
type ArchiveTemplateVersionsResponse struct {
	TemplateID  uuid.UUID   `json:"template_id" format:"uuid"`
	ArchivedIDs []uuid.UUID `json:"archived_ids" format:"uuid"`
}

// TemplateRole is what a template ACL entry grants.
type TemplateRole string

const (
	TemplateRoleAdmin TemplateRole = "admin"
	TemplateRoleUse   TemplateRole = "use"
	// TemplateRoleDeleted removes an entry in UpdateTemplateACL.
	TemplateRoleDeleted TemplateRole = ""
)

// TemplateACL lists a template's user and group entries.
type TemplateACL struct {
	Users  []TemplateUser  `json:"users"`
	Groups []TemplateGroup `json:"group"`
}

// TemplateGroup is a group entry of a template ACL.
type TemplateGroup struct {
	Group
	Role TemplateRole `json:"role" enums:"admin,use"`
}

// TemplateUser is a user entry of a template ACL.
type TemplateUser struct {
	User
	Role TemplateRole `json:"role" enums:"admin,use"`
}

// UpdateTemplateACL changes ACL entries: keys are user or group IDs, an
// empty role removes the entry, entries not named are kept.
type UpdateTemplateACL struct {
	UserPerms  map[string]TemplateRole `json:"user_perms,omitempty" example:"4df59e74-c027-470b-ab4d-cbba8963a5e9:use"`
	GroupPerms map[string]TemplateRole `json:"group_perms,omitempty" example:"8bd26b20-f3e8-48be-a903-46bb920cf671:use"`
}

// ACLAvailable lists who may be added to a template ACL.
type ACLAvailable struct {
	Users  []ReducedUser `json:"users"`
	Groups []Group       `json:"groups"`
}

// TemplateExample is a starter template built into the server.
type TemplateExample struct {
	ID          string   `json:"id"`
	URL         string   `json:"url"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Icon        string   `json:"icon"`
	Tags        []string `json:"tags"`
	Markdown    string   `json:"markdown"`
}

// DAUEntry is the number of distinct users on one day.
type DAUEntry struct {
	// Date is a day (YYYY-MM-DD) in the requested time zone.
	Date   string `json:"date" format:"date"`
	Amount int    `json:"amount"`
}

// DAUsResponse lists daily active users, oldest day first.
type DAUsResponse struct {
	Entries      []DAUEntry `json:"entries"`
	TZHourOffset int        `json:"tz_hour_offset"`
}

// TemplateFilter narrows GET /templates.
type TemplateFilter struct {
	OrganizationID uuid.UUID
	// SearchQuery is the q= parameter: name:, organization:, deprecated:,
	// author: and free text matching names.
	SearchQuery string
}

func templatePath(id uuid.UUID, suffix string) string {
	return fmt.Sprintf("/api/v2/templates/%s%s", id, suffix)
}

// CreateTemplate makes a template from an imported version.
func (c *Client) CreateTemplate(ctx context.Context, orgID uuid.UUID, req CreateTemplateRequest) (Template, error) {
	var t Template
	res, err := c.Request(ctx, http.MethodPost, fmt.Sprintf("/api/v2/organizations/%s/templates", orgID), req)
	if err != nil {
		return t, err
	}
	return t, decodeJSON(res, http.StatusCreated, &t)
}

// TemplatesByOrganization lists an organization's templates the caller may
// see.
func (c *Client) TemplatesByOrganization(ctx context.Context, orgID uuid.UUID) ([]Template, error) {
	var out []Template
	return out, c.getJSON(ctx, fmt.Sprintf("/api/v2/organizations/%s/templates", orgID), &out)
}

// Templates lists the templates the caller may see, across organizations.
func (c *Client) Templates(ctx context.Context, filter TemplateFilter) ([]Template, error) {
	q := filter.SearchQuery
	if filter.OrganizationID != uuid.Nil {
		q = strings.TrimSpace(q + " organization:" + filter.OrganizationID.String())
	}
	var out []Template
	return out, c.getJSON(ctx, "/api/v2/templates", &out, WithQueryParam("q", q))
}

// TemplateByName returns an organization's template by name.
func (c *Client) TemplateByName(ctx context.Context, orgID uuid.UUID, name string) (Template, error) {
	var t Template
	return t, c.getJSON(ctx, fmt.Sprintf("/api/v2/organizations/%s/templates/%s", orgID, url.PathEscape(name)), &t)
}

// Template returns a template by ID.
func (c *Client) Template(ctx context.Context, id uuid.UUID) (Template, error) {
	var t Template
	return t, c.getJSON(ctx, templatePath(id, ""), &t)
}

// UpdateTemplateMeta changes a template's settings. It returns an error
// saying so when nothing changed (304).
func (c *Client) UpdateTemplateMeta(ctx context.Context, id uuid.UUID, req UpdateTemplateMeta) (Template, error) {
	var t Template
	res, err := c.Request(ctx, http.MethodPatch, templatePath(id, ""), req)
	if err != nil {
		return t, err
	}
	if res.StatusCode == http.StatusNotModified {
		_ = res.Body.Close()
		return t, xerrors.New("template metadata not modified")
	}
	return t, decodeJSON(res, http.StatusOK, &t)
}

// DeleteTemplate deletes a template no workspace uses.
func (c *Client) DeleteTemplate(ctx context.Context, id uuid.UUID) error {
	res, err := c.Request(ctx, http.MethodDelete, templatePath(id, ""), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}

// UpdateActiveTemplateVersion promotes one of the template's versions.
func (c *Client) UpdateActiveTemplateVersion(ctx context.Context, id uuid.UUID, req UpdateActiveTemplateVersion) error {
	res, err := c.Request(ctx, http.MethodPatch, templatePath(id, "/versions"), req)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}

// TemplateVersionsByTemplateRequest selects a page of a template's versions.
type TemplateVersionsByTemplateRequest struct {
	TemplateID      uuid.UUID `json:"template_id" validate:"required" format:"uuid"`
	IncludeArchived bool      `json:"include_archived"`
	Pagination
}

// TemplateVersionsByTemplate lists a template's versions, oldest first.
func (c *Client) TemplateVersionsByTemplate(ctx context.Context, req TemplateVersionsByTemplateRequest) ([]TemplateVersion, error) {
	opts := []RequestOption{req.Pagination.AsRequestOption()}
	if req.IncludeArchived {
		opts = append(opts, WithQueryParam("include_archived", "true"))
	}
	var out []TemplateVersion
	return out, c.getJSON(ctx, templatePath(req.TemplateID, "/versions"), &out, opts...)
}

// TemplateVersionByName returns a template's version by name.
func (c *Client) TemplateVersionByName(ctx context.Context, id uuid.UUID, name string) (TemplateVersion, error) {
	var v TemplateVersion
	return v, c.getJSON(ctx, templatePath(id, "/versions/"+url.PathEscape(name)), &v)
}

// TemplateVersionByOrganizationAndName returns a version by template and
// version name.
func (c *Client) TemplateVersionByOrganizationAndName(ctx context.Context, orgID uuid.UUID, template, version string) (TemplateVersion, error) {
	var v TemplateVersion
	return v, c.getJSON(ctx, fmt.Sprintf("/api/v2/organizations/%s/templates/%s/versions/%s",
		orgID, url.PathEscape(template), url.PathEscape(version)), &v)
}

// PreviousTemplateVersion returns the version created before the named one.
func (c *Client) PreviousTemplateVersion(ctx context.Context, orgID uuid.UUID, template, version string) (TemplateVersion, error) {
	var v TemplateVersion
	return v, c.getJSON(ctx, fmt.Sprintf("/api/v2/organizations/%s/templates/%s/versions/%s/previous",
		orgID, url.PathEscape(template), url.PathEscape(version)), &v)
}

// ArchiveTemplateVersions archives a template's unused versions.
func (c *Client) ArchiveTemplateVersions(ctx context.Context, id uuid.UUID, all bool) (ArchiveTemplateVersionsResponse, error) {
	var out ArchiveTemplateVersionsResponse
	res, err := c.Request(ctx, http.MethodPost, templatePath(id, "/versions/archive"), ArchiveTemplateVersionsRequest{All: all})
	if err != nil {
		return out, err
	}
	return out, decodeJSON(res, http.StatusOK, &out)
}

// TemplateACL returns a template's ACL entries.
func (c *Client) TemplateACL(ctx context.Context, id uuid.UUID) (TemplateACL, error) {
	var acl TemplateACL
	return acl, c.getJSON(ctx, templatePath(id, "/acl"), &acl)
}

// UpdateTemplateACL changes a template's ACL entries.
func (c *Client) UpdateTemplateACL(ctx context.Context, id uuid.UUID, req UpdateTemplateACL) error {
	res, err := c.Request(ctx, http.MethodPatch, templatePath(id, "/acl"), req)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}

// TemplateACLAvailable lists the users and groups that may be added to a
// template's ACL.
func (c *Client) TemplateACLAvailable(ctx context.Context, id uuid.UUID) (ACLAvailable, error) {
	var out ACLAvailable
	return out, c.getJSON(ctx, templatePath(id, "/acl/available"), &out)
}

// TemplateExamples lists the built-in starter templates.
func (c *Client) TemplateExamples(ctx context.Context, orgID uuid.UUID) ([]TemplateExample, error) {
	var out []TemplateExample
	return out, c.getJSON(ctx, fmt.Sprintf("/api/v2/organizations/%s/templates/examples", orgID), &out)
}

// TemplateDAUs returns a template's daily active users, days counted in the
// time zone tzHourOffset hours from UTC.
func (c *Client) TemplateDAUs(ctx context.Context, id uuid.UUID, tzHourOffset int) (*DAUsResponse, error) {
	var out DAUsResponse
	return &out, c.getJSON(ctx, templatePath(id, "/daus"), &out, WithQueryParam("tz_offset", fmt.Sprint(tzHourOffset)))
}
