package codersdk

import (
	"time"

	"github.com/google/uuid"
)

// MinimalOrganization is the part of an organization that other resources
// embed to say which organization they belong to.
type MinimalOrganization struct {
	ID          uuid.UUID `json:"id" validate:"required" format:"uuid"`
	Name        string    `json:"name"`
	DisplayName string    `json:"display_name"`
	Icon        string    `json:"icon"`
}

// Organization is a tenant: it owns templates, workspaces, groups and
// custom roles, and users join it as members.
type Organization struct {
	MinimalOrganization
	Description string    `json:"description"`
	CreatedAt   time.Time `json:"created_at" validate:"required" format:"date-time"`
	UpdatedAt   time.Time `json:"updated_at" validate:"required" format:"date-time"`
	// IsDefault marks the organization every new user joins. There is
	// exactly one.
	IsDefault bool `json:"is_default" validate:"required"`
	// DefaultOrgMemberRoles are unioned into every member's effective roles at
	// request time. Changes propagate to all members on the next request.
	DefaultOrgMemberRoles []string `json:"default_org_member_roles"`
}

// CreateOrganizationRequest is the body of POST /organizations.
type CreateOrganizationRequest struct {
	Name string `json:"name" validate:"required"`
	// DisplayName will default to the same value as `Name` if not provided.
	DisplayName string `json:"display_name,omitempty"`
	Description string `json:"description,omitempty"`
	Icon        string `json:"icon,omitempty"`
}

// UpdateOrganizationRequest is the body of PATCH /organizations/{organization}.
// Fields left out keep their value.
type UpdateOrganizationRequest struct {
	Name        string `json:"name,omitempty"`
	DisplayName string `json:"display_name,omitempty"`
	// Description and Icon are pointers so that an empty string can clear
	// them while an absent field leaves them alone.
	Description *string `json:"description,omitempty"`
	Icon        *string `json:"icon,omitempty"`
	// DefaultOrgMemberRoles, when non-nil, replaces the organization's default
	// member roles; an empty list clears them.
	DefaultOrgMemberRoles *[]string `json:"default_org_member_roles,omitempty"`
}

// OrganizationMember is one user's membership of one organization.
type OrganizationMember struct {
	UserID         uuid.UUID `json:"user_id" format:"uuid"`
	OrganizationID uuid.UUID `json:"organization_id" format:"uuid"`
	CreatedAt      time.Time `json:"created_at" format:"date-time"`
	UpdatedAt      time.Time `json:"updated_at" format:"date-time"`
	// Roles are the organization roles granted to the member.
	Roles []SlimRole `json:"roles"`
}

// OrganizationMemberWithUserData is a membership together with the user it
// belongs to, as listed by the members endpoints.
type OrganizationMemberWithUserData struct {
	Username  string `json:"username"`
	Name      string `json:"name,omitempty"`
	AvatarURL string `json:"avatar_url,omitempty"`
	Email     string `json:"email"`
	// GlobalRoles are the member's site-wide roles.
	GlobalRoles []SlimRole `json:"global_roles"`
	OrganizationMember
	LastSeenAt       time.Time  `json:"last_seen_at" format:"date-time"`
	Status           UserStatus `json:"status" enums:"active,suspended"`
	IsServiceAccount bool       `json:"is_service_account"`
	LoginType        LoginType  `json:"login_type"`
	UserCreatedAt    time.Time  `json:"user_created_at" format:"date-time"`
	UserUpdatedAt    time.Time  `json:"user_updated_at" format:"date-time"`
	// HasAISeat has no omitempty so that the field is always present, even
	// when false. This server never grants AI seats, so it is always false.
	HasAISeat bool `json:"has_ai_seat"`
}
