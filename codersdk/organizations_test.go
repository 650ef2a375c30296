package codersdk_test

import (
	"encoding/json"
	"testing"

	"github.com/devplane/devplane/codersdk"
)

func TestOrganizationWireFormat(t *testing.T) {
	t.Parallel()

	for _, tc := range []golden{
		{name: "Organization", example: `{
  "created_at": "2019-08-24T14:15:22Z",
  "default_org_member_roles": [
    "string"
  ],
  "description": "string",
  "display_name": "string",
  "icon": "string",
  "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
  "is_default": true,
  "name": "string",
  "updated_at": "2019-08-24T14:15:22Z"
}`, newT: func() any { return &codersdk.Organization{} }},
		{name: "MinimalOrganization", example: `{
  "display_name": "string",
  "icon": "string",
  "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
  "name": "string"
}`, newT: func() any { return &codersdk.MinimalOrganization{} }},
		{name: "CreateOrganizationRequest", example: `{
  "description": "string",
  "display_name": "string",
  "icon": "string",
  "name": "string"
}`, newT: func() any { return &codersdk.CreateOrganizationRequest{} }},
		{name: "UpdateOrganizationRequest", example: `{
  "default_org_member_roles": [
    "string"
  ],
  "description": "string",
  "display_name": "string",
  "icon": "string",
  "name": "string"
}`, newT: func() any { return &codersdk.UpdateOrganizationRequest{} }},
		{name: "OrganizationMember", example: `{
  "created_at": "2019-08-24T14:15:22Z",
  "organization_id": "7c60d51f-b44e-4682-87d6-449835ea4de6",
  "roles": [
    {
      "display_name": "string",
      "name": "string",
      "organization_id": "string"
    }
  ],
  "updated_at": "2019-08-24T14:15:22Z",
  "user_id": "a169451c-8525-4352-b8ca-070dd449a1a5"
}`, newT: func() any { return &codersdk.OrganizationMember{} }},
		{name: "OrganizationMemberWithUserData", example: `{
  "avatar_url": "string",
  "created_at": "2019-08-24T14:15:22Z",
  "email": "string",
  "global_roles": [
    {
      "display_name": "string",
      "name": "string",
      "organization_id": "string"
    }
  ],
  "has_ai_seat": true,
  "is_service_account": true,
  "last_seen_at": "2019-08-24T14:15:22Z",
  "login_type": "",
  "name": "string",
  "organization_id": "7c60d51f-b44e-4682-87d6-449835ea4de6",
  "roles": [
    {
      "display_name": "string",
      "name": "string",
      "organization_id": "string"
    }
  ],
  "status": "active",
  "updated_at": "2019-08-24T14:15:22Z",
  "user_created_at": "2019-08-24T14:15:22Z",
  "user_id": "a169451c-8525-4352-b8ca-070dd449a1a5",
  "user_updated_at": "2019-08-24T14:15:22Z",
  "username": "string"
}`, newT: func() any { return &codersdk.OrganizationMemberWithUserData{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkGolden(t, tc)
		})
	}
}

// An update that sends an empty role list must be told apart from one that
// leaves the roles alone.
func TestUpdateOrganizationRequestDefaultRoles(t *testing.T) {
	t.Parallel()

	var keep, cleared codersdk.UpdateOrganizationRequest
	if err := json.Unmarshal([]byte(`{"name":"x"}`), &keep); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(`{"default_org_member_roles":[]}`), &cleared); err != nil {
		t.Fatal(err)
	}
	if keep.DefaultOrgMemberRoles != nil {
		t.Errorf("absent field decoded to %v, want nil", *keep.DefaultOrgMemberRoles)
	}
	if cleared.DefaultOrgMemberRoles == nil || len(*cleared.DefaultOrgMemberRoles) != 0 {
		t.Errorf("empty list decoded to %v, want a pointer to an empty list", cleared.DefaultOrgMemberRoles)
	}
}
