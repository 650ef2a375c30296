package codersdk_test

import (
	"testing"

	"github.com/devplane/devplane/codersdk"
)

// The examples below are the "Example responses" and "Body parameter" blocks
// of upstream's docs/reference/api/users.md, authorization.md and
// schemas.md.
const docsUser = `{
  "avatar_url": "http://example.com",
  "created_at": "2019-08-24T14:15:22Z",
  "email": "user@example.com",
  "has_ai_seat": true,
  "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
  "is_service_account": true,
  "last_seen_at": "2019-08-24T14:15:22Z",
  "login_type": "",
  "name": "string",
  "organization_ids": [
    "497f6eca-6276-4993-bfeb-53cbbbba6f08"
  ],
  "roles": [
    {
      "display_name": "string",
      "name": "string",
      "organization_id": "string"
    }
  ],
  "status": "active",
  "theme_preference": "string",
  "updated_at": "2019-08-24T14:15:22Z",
  "username": "string"
}`

func TestUserWireFormat(t *testing.T) {
	t.Parallel()

	for _, tc := range []golden{
		{name: "User", example: docsUser, newT: func() any { return &codersdk.User{} }},
		{name: "GetUsersResponse", example: `{"count": 0, "users": [` + docsUser + `]}`, newT: func() any { return &codersdk.GetUsersResponse{} }},
		{name: "ReducedUser", example: `{
  "avatar_url": "http://example.com",
  "created_at": "2019-08-24T14:15:22Z",
  "email": "user@example.com",
  "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
  "is_service_account": true,
  "last_seen_at": "2019-08-24T14:15:22Z",
  "login_type": "",
  "name": "string",
  "status": "active",
  "theme_preference": "string",
  "updated_at": "2019-08-24T14:15:22Z",
  "username": "string"
}`, newT: func() any { return &codersdk.ReducedUser{} }},
		{name: "MinimalUser", example: `{
  "avatar_url": "http://example.com",
  "id": "497f6eca-6276-4993-bfeb-53cbbbba6f08",
  "name": "string",
  "username": "string"
}`, newT: func() any { return &codersdk.MinimalUser{} }},
		{name: "AuthMethods", example: `{
  "github": {
    "default_provider_configured": true,
    "enabled": true
  },
  "oidc": {
    "enabled": true,
    "iconUrl": "string",
    "signInText": "string"
  },
  "password": {
    "enabled": true
  },
  "terms_of_service_url": "string"
}`, newT: func() any { return &codersdk.AuthMethods{} }},
		{name: "CreateFirstUserRequest", example: `{
  "email": "string",
  "name": "string",
  "onboarding_info": {
    "newsletter_marketing": true,
    "newsletter_releases": true
  },
  "password": "string",
  "trial": true,
  "trial_info": {
    "company_name": "string",
    "country": "string",
    "developers": "string",
    "first_name": "string",
    "job_title": "string",
    "last_name": "string",
    "phone_number": "string"
  },
  "username": "string"
}`, newT: func() any { return &codersdk.CreateFirstUserRequest{} }},
		{name: "CreateFirstUserResponse", example: `{
  "organization_id": "7c60d51f-b44e-4682-87d6-449835ea4de6",
  "user_id": "a169451c-8525-4352-b8ca-070dd449a1a5"
}`, newT: func() any { return &codersdk.CreateFirstUserResponse{} }},
		{name: "CreateUserRequest", example: `{
  "email": "user@example.com",
  "login_type": "",
  "name": "string",
  "organization_ids": [
    "497f6eca-6276-4993-bfeb-53cbbbba6f08"
  ],
  "password": "string",
  "roles": [
    "string"
  ],
  "service_account": true,
  "user_status": "active",
  "username": "string"
}`, newT: func() any { return &codersdk.CreateUserRequestWithOrgs{} }},
		{name: "UserAppearanceSettings", example: `{
  "terminal_font": "",
  "theme_dark": "string",
  "theme_light": "string",
  "theme_mode": "",
  "theme_preference": "string"
}`, newT: func() any { return &codersdk.UserAppearanceSettings{} }},
		{name: "UpdateUserAppearanceSettingsRequest", example: `{
  "terminal_font": "",
  "theme_dark": "light",
  "theme_light": "light",
  "theme_mode": "sync",
  "theme_preference": "string"
}`, newT: func() any { return &codersdk.UpdateUserAppearanceSettingsRequest{} }},
		{name: "GitSSHKey", example: `{
  "created_at": "2019-08-24T14:15:22Z",
  "public_key": "string",
  "updated_at": "2019-08-24T14:15:22Z",
  "user_id": "a169451c-8525-4352-b8ca-070dd449a1a5"
}`, newT: func() any { return &codersdk.GitSSHKey{} }},
		{name: "UserLoginType", example: `{"login_type": ""}`, newT: func() any { return &codersdk.UserLoginType{} }},
		{name: "UpdateUserProfileRequest", example: `{
  "avatar_url": "http://example.com",
  "name": "string",
  "username": "string"
}`, newT: func() any { return &codersdk.UpdateUserProfileRequest{} }},
		{name: "UpdateUserPasswordRequest", example: `{"old_password": "string", "password": "string"}`, newT: func() any { return &codersdk.UpdateUserPasswordRequest{} }},
		{name: "UpdateRoles", example: `{"roles": ["string"]}`, newT: func() any { return &codersdk.UpdateRoles{} }},
		{name: "LoginWithPasswordRequest", example: `{"email": "user@example.com", "password": "string"}`, newT: func() any { return &codersdk.LoginWithPasswordRequest{} }},
		{name: "LoginWithPasswordResponse", example: `{"session_token": "string"}`, newT: func() any { return &codersdk.LoginWithPasswordResponse{} }},
		{name: "ValidateUserPasswordRequest", example: `{"password": "string"}`, newT: func() any { return &codersdk.ValidateUserPasswordRequest{} }},
		{name: "ValidateUserPasswordResponse", example: `{"details": "string", "valid": true}`, newT: func() any { return &codersdk.ValidateUserPasswordResponse{} }},
		// Not in the reference (upstream documents GET /users/{user}/roles as
		// returning a User), but what upstream's server sends.
		{name: "UserRoles", example: `{
  "roles": ["owner"],
  "organization_roles": {"7c60d51f-b44e-4682-87d6-449835ea4de6": ["organization-admin"]}
}`, newT: func() any { return &codersdk.UserRoles{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkGolden(t, tc)
		})
	}
}

func TestUserEnums(t *testing.T) {
	t.Parallel()

	t.Run("LoginType", func(t *testing.T) {
		t.Parallel()
		want := enumList("``, `github`, `none`, `oidc`, `password`, `token`")
		got := sortedStrings([]codersdk.LoginType{
			codersdk.LoginTypeUnknown, codersdk.LoginTypeGithub, codersdk.LoginTypeNone,
			codersdk.LoginTypeOIDC, codersdk.LoginTypePassword, codersdk.LoginTypeToken,
		})
		assertStrings(t, got, want)
	})
	t.Run("UserStatus", func(t *testing.T) {
		t.Parallel()
		want := enumList("`active`, `dormant`, `suspended`")
		got := sortedStrings([]codersdk.UserStatus{
			codersdk.UserStatusActive, codersdk.UserStatusDormant, codersdk.UserStatusSuspended,
		})
		assertStrings(t, got, want)
		for _, s := range got {
			if !codersdk.UserStatus(s).Valid() {
				t.Errorf("%q not valid", s)
			}
		}
		if codersdk.UserStatus("deleted").Valid() {
			t.Error(`"deleted" is valid`)
		}
	})
	t.Run("TerminalFontName", func(t *testing.T) {
		t.Parallel()
		want := enumList("``, `fira-code`, `geist-mono`, `ibm-plex-mono`, `jetbrains-mono`, `source-code-pro`")
		assertStrings(t, sortedStrings(codersdk.TerminalFontNames), want)
	})
	t.Run("ThemeMode", func(t *testing.T) {
		t.Parallel()
		want := enumList("``, `single`, `sync`")
		got := sortedStrings([]codersdk.ThemeMode{codersdk.ThemeModeUnset, codersdk.ThemeModeSingle, codersdk.ThemeModeSync})
		assertStrings(t, got, want)
	})
}

func assertStrings(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d values, want %d\n got:  %q\n want: %q\n missing: %q\n extra: %q",
			len(got), len(want), got, want, difference(want, got), difference(got, want))
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("values differ\n got:  %q\n want: %q\n missing: %q\n extra: %q",
				got, want, difference(want, got), difference(got, want))
		}
	}
}
