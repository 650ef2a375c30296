package convert

import (
	"encoding/json"
	"net/url"
	"strings"

	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
)

// AuditLog converts an audit row with its actor and organization. The diff
// column is only ever written from a codersdk.AuditDiff; one that does not
// decode is an error, not an entry that claims nothing changed.

func AuditLog(row database.GetAuditLogsOffsetRow) (codersdk.AuditLog, error) {
	out := codersdk.AuditLog{
		ID:               row.ID,
		RequestID:        row.RequestID,
		Time:             row.Time,
		UserAgent:        row.UserAgent,
		ResourceType:     codersdk.ResourceType(row.ResourceType),
		ResourceID:       row.ResourceID,
		ResourceTarget:   row.ResourceTarget,
		ResourceIcon:     row.ResourceIcon,
		Action:           codersdk.AuditAction(row.Action),
		Diff:             codersdk.AuditDiff{},
		StatusCode:       row.StatusCode,
		AdditionalFields: json.RawMessage(row.AdditionalFields),
		IsDeleted:        row.IsDeleted,
	}
	if row.Ip != nil {
		out.IP = *row.Ip
	}
	if len(row.Diff) > 0 {
		if err := json.Unmarshal(row.Diff, &out.Diff); err != nil {
			return codersdk.AuditLog{}, xerrors.Errorf("diff of audit entry %s: %w", row.ID, err)
		}
	}
	if len(out.AdditionalFields) == 0 {
		out.AdditionalFields = json.RawMessage("{}")
	}
	if row.OrganizationID.Valid {
		out.OrganizationID = row.OrganizationID.UUID
		if row.OrganizationName != nil {
			out.Organization = &codersdk.MinimalOrganization{
				ID: row.OrganizationID.UUID, Name: *row.OrganizationName,
				DisplayName: deref(row.OrganizationDisplayName), Icon: deref(row.OrganizationIcon),
			}
		}
	}
	if row.UserID.Valid && row.UserUsername != nil {
		u := database.User{
			ID: row.UserID.UUID, Username: *row.UserUsername, Name: deref(row.UserName), Email: deref(row.UserEmail),
			AvatarUrl: deref(row.UserAvatarUrl), Status: database.UserStatus(row.UserStatus),
			LoginType: database.LoginType(row.UserLoginType), ThemePreference: deref(row.UserThemePreference),
			RbacRoles: row.UserRbacRoles,
		}
		if row.UserCreatedAt != nil {
			u.CreatedAt = *row.UserCreatedAt
		}
		if row.UserUpdatedAt != nil {
			u.UpdatedAt = *row.UserUpdatedAt
		}
		if row.UserLastSeenAt != nil {
			u.LastSeenAt = *row.UserLastSeenAt
		}
		user := User(u, row.UserOrganizationIds)
		out.User = &user
	}
	out.Description = auditDescription(out)
	if !out.IsDeleted {
		out.ResourceLink = auditResourceLink(out)
	}
	return out, nil
}

// auditResourceLink is the dashboard page of the resource, where the entry
// itself says enough to build it. Additional fields are free-form (each
// kind of entry has its own); fields that are missing or not strings mean
// no link, which the dashboard shows as plain text.
func auditResourceLink(l codersdk.AuditLog) string {
	var fields struct {
		WorkspaceOwner string `json:"workspace_owner"`
		WorkspaceName  string `json:"workspace_name"`
		BuildNumber    string `json:"build_number"`
	}
	if json.Unmarshal(l.AdditionalFields, &fields) != nil {
		return ""
	}
	switch l.ResourceType {
	case codersdk.ResourceTypeTemplate:
		return "/templates/" + url.PathEscape(l.ResourceTarget)
	case codersdk.ResourceTypeUser:
		return "/users?filter=" + url.QueryEscape(l.ResourceTarget)
	case codersdk.ResourceTypeWorkspace:
		if fields.WorkspaceOwner != "" {
			return "/@" + url.PathEscape(fields.WorkspaceOwner) + "/" + url.PathEscape(l.ResourceTarget)
		}
	case codersdk.ResourceTypeWorkspaceBuild:
		if fields.WorkspaceOwner != "" && fields.WorkspaceName != "" && fields.BuildNumber != "" {
			return "/@" + url.PathEscape(fields.WorkspaceOwner) + "/" + url.PathEscape(fields.WorkspaceName) +
				"/builds/" + url.PathEscape(fields.BuildNumber)
		}
	}
	return ""
}

// deref is the pointed-to value, or the zero value for nil.
func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// auditDescription is the sentence a UI shows, with {user} and {target}
// left for it to fill in (and link), as upstream does.
func auditDescription(l codersdk.AuditLog) string {
	var b strings.Builder
	b.WriteString("{user} ")
	if l.StatusCode >= 400 {
		b.WriteString("unsuccessfully attempted to ")
		b.WriteString(string(l.Action))
	} else {
		b.WriteString(l.Action.Friendly())
	}
	switch {
	case l.ResourceType == codersdk.ResourceTypeAPIKey &&
		(l.Action == codersdk.AuditActionLogin || l.Action == codersdk.AuditActionLogout || l.Action == codersdk.AuditActionRegister):
		// "{user} logged in": the key is not worth naming.
		return b.String()
	case l.ResourceType == codersdk.ResourceTypeGitSSHKey:
		b.WriteString(" the git ssh key")
		return b.String()
	}
	b.WriteString(" ")
	b.WriteString(l.ResourceType.FriendlyString())
	b.WriteString(" {target}")
	return b.String()
}
