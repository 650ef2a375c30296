package main

import (
	"bytes"
	"encoding/json"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// responseTypes maps each schema that an operation of the real API answers
// with to a fresh value of the Go type clients decode it into.
var responseTypes = map[string]func() any{
	"agentsdk.GitSSHKey":                            func() any { return &agentsdk.GitSSHKey{} },
	"agentsdk.Manifest":                             func() any { return &agentsdk.Manifest{} },
	"agentsdk.StatsResponse":                        func() any { return &agentsdk.StatsResponse{} },
	"codersdk.GroupSyncSettings":                    func() any { return &codersdk.GroupSyncSettings{} },
	"codersdk.OAuthConversionResponse":              func() any { return &codersdk.OAuthConversionResponse{} },
	"codersdk.OrganizationSyncSettings":             func() any { return &codersdk.OrganizationSyncSettings{} },
	"codersdk.RoleSyncSettings":                     func() any { return &codersdk.RoleSyncSettings{} },
	"codersdk.TemplateInsightsResponse":             func() any { return &codersdk.TemplateInsightsResponse{} },
	"codersdk.UserActivityInsightsResponse":         func() any { return &codersdk.UserActivityInsightsResponse{} },
	"codersdk.UserLatencyInsightsResponse":          func() any { return &codersdk.UserLatencyInsightsResponse{} },
	"codersdk.WorkspaceAgent":                       func() any { return &codersdk.WorkspaceAgent{} },
	"codersdk.WorkspaceAgentListeningPortsResponse": func() any { return &codersdk.WorkspaceAgentListeningPortsResponse{} },
	"codersdk.WorkspaceAgentLog":                    func() any { return &codersdk.WorkspaceAgentLog{} },
	"codersdk.APIKey":                               func() any { return &codersdk.APIKey{} },
	"codersdk.APIKeyWithOwner":                      func() any { return &codersdk.APIKeyWithOwner{} },
	"codersdk.AuditLogResponse":                     func() any { return &codersdk.AuditLogResponse{} },
	"codersdk.AuthorizationResponse":                func() any { return &codersdk.AuthorizationResponse{} },
	"codersdk.ExternalAPIKeyScopes":                 func() any { return &codersdk.ExternalAPIKeyScopes{} },
	"codersdk.MinimalUser":                          func() any { return &codersdk.MinimalUser{} },
	"codersdk.Organization":                         func() any { return &codersdk.Organization{} },
	"codersdk.OrganizationMember":                   func() any { return &codersdk.OrganizationMember{} },
	"codersdk.OrganizationMemberWithUserData":       func() any { return &codersdk.OrganizationMemberWithUserData{} },
	"codersdk.PaginatedMembersResponse":             func() any { return &codersdk.PaginatedMembersResponse{} },
	"codersdk.AssignableRoles":                      func() any { return &codersdk.AssignableRoles{} },
	"codersdk.AuthMethods":                          func() any { return &codersdk.AuthMethods{} },
	"codersdk.AvailableExperiments":                 func() any { return &codersdk.AvailableExperiments{} },
	"codersdk.BuildInfoResponse":                    func() any { return &codersdk.BuildInfoResponse{} },
	"codersdk.CreateFirstUserResponse":              func() any { return &codersdk.CreateFirstUserResponse{} },
	"codersdk.DeploymentStats":                      func() any { return &codersdk.DeploymentStats{} },
	"codersdk.Experiment":                           func() any { return new(codersdk.Experiment) },
	"codersdk.GenerateAPIKeyResponse":               func() any { return &codersdk.GenerateAPIKeyResponse{} },
	"codersdk.GetUsersResponse":                     func() any { return &codersdk.GetUsersResponse{} },
	"codersdk.GitSSHKey":                            func() any { return &codersdk.GitSSHKey{} },
	"codersdk.Group":                                func() any { return &codersdk.Group{} },
	"codersdk.HealthcheckReport":                    func() any { return &codersdk.HealthcheckReport{} },
	"codersdk.Replica":                              func() any { return &codersdk.Replica{} },
	"codersdk.Role":                                 func() any { return &codersdk.Role{} },
	"codersdk.LoginWithPasswordResponse":            func() any { return &codersdk.LoginWithPasswordResponse{} },
	"codersdk.Response":                             func() any { return &codersdk.Response{} },
	"codersdk.SSHConfigResponse":                    func() any { return &codersdk.SSHConfigResponse{} },
	"codersdk.ServerSentEvent":                      func() any { return &codersdk.ServerSentEvent{} },
	"codersdk.TokenConfig":                          func() any { return &codersdk.TokenConfig{} },
	"codersdk.UpdateCheckResponse":                  func() any { return &codersdk.UpdateCheckResponse{} },
	"codersdk.User":                                 func() any { return &codersdk.User{} },
	"codersdk.UserAppearanceSettings":               func() any { return &codersdk.UserAppearanceSettings{} },
	"codersdk.UserLoginType":                        func() any { return &codersdk.UserLoginType{} },
	"codersdk.UserRoles":                            func() any { return &codersdk.UserRoles{} },
	"codersdk.ValidateUserPasswordResponse":         func() any { return &codersdk.ValidateUserPasswordResponse{} },
	"codersdk.MatchedProvisioners":                  func() any { return &codersdk.MatchedProvisioners{} },
	"codersdk.Preset":                               func() any { return &codersdk.Preset{} },
	"codersdk.ProvisionerDaemon":                    func() any { return &codersdk.ProvisionerDaemon{} },
	"codersdk.ProvisionerJob":                       func() any { return &codersdk.ProvisionerJob{} },
	"codersdk.ProvisionerJobLog":                    func() any { return &codersdk.ProvisionerJobLog{} },
	"codersdk.TemplateVersion":                      func() any { return &codersdk.TemplateVersion{} },
	"codersdk.TemplateVersionExternalAuth":          func() any { return &codersdk.TemplateVersionExternalAuth{} },
	"codersdk.TemplateVersionParameter":             func() any { return &codersdk.TemplateVersionParameter{} },
	"codersdk.TemplateVersionVariable":              func() any { return &codersdk.TemplateVersionVariable{} },
	"codersdk.UploadResponse":                       func() any { return &codersdk.UploadResponse{} },
	"codersdk.ACLAvailable":                         func() any { return &codersdk.ACLAvailable{} },
	"codersdk.ArchiveTemplateVersionsResponse":      func() any { return &codersdk.ArchiveTemplateVersionsResponse{} },
	"codersdk.DAUsResponse":                         func() any { return &codersdk.DAUsResponse{} },
	"codersdk.Template":                             func() any { return &codersdk.Template{} },
	"codersdk.TemplateACL":                          func() any { return &codersdk.TemplateACL{} },
	"codersdk.TemplateExample":                      func() any { return &codersdk.TemplateExample{} },
	"codersdk.Workspace":                            func() any { return &codersdk.Workspace{} },
	"codersdk.WorkspaceACL":                         func() any { return &codersdk.WorkspaceACL{} },
	"codersdk.WorkspaceBuild":                       func() any { return &codersdk.WorkspaceBuild{} },
	"codersdk.WorkspaceBuildParameter":              func() any { return &codersdk.WorkspaceBuildParameter{} },
	"codersdk.ResolveAutostartResponse":             func() any { return &codersdk.ResolveAutostartResponse{} },
	"codersdk.WorkspaceAgentPortShare":              func() any { return &codersdk.WorkspaceAgentPortShare{} },
	"codersdk.WorkspaceAgentPortShares":             func() any { return &codersdk.WorkspaceAgentPortShares{} },
	"codersdk.WorkspaceBuildTimings":                func() any { return &codersdk.WorkspaceBuildTimings{} },
	"codersdk.WorkspacesResponse":                   func() any { return &codersdk.WorkspacesResponse{} },
	"codersdk.WorkspaceResource":                    func() any { return &codersdk.WorkspaceResource{} },
	"codersdk.DeploymentConfig": func() any {
		// serpent decodes option values into an option set it is given.
		vals := &codersdk.DeploymentValues{}
		return &codersdk.DeploymentConfig{Values: vals, Options: vals.Options()}
	},
}

// exampleGaps are schemas whose examples cannot decode for a reason the
// document format itself imposes.
var exampleGaps = map[string]string{
	"codersdk.UserRoles":                "organization_roles is keyed by organization UUID; Swagger 2.0 cannot type map keys, so the example keys are property1/property2",
	"codersdk.GroupSyncSettings":        "mapping's values are lists of group UUIDs; Swagger 2.0 cannot type map values beyond string, so the example values are \"string\"",
	"codersdk.OrganizationSyncSettings": "mapping's values are lists of organization UUIDs; Swagger 2.0 cannot type map values beyond string, so the example values are \"string\"",
}

// TestGeneratedExamplesDecode generates the example of every response the
// real API documents and decodes it, strictly, into the codersdk type: an
// example a client could not read is a documentation bug.
func TestGeneratedExamplesDecode(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile("../../coderd/apidoc/swagger.json")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := loadSpec(raw)
	if err != nil {
		t.Fatal(err)
	}
	gen := &exampleGen{spec: spec}

	seen := map[string]bool{}
	var missing []string
	for path, item := range spec.Paths {
		for method, op := range item.Operations {
			for status, resp := range op.Responses {
				if !strings.HasPrefix(status, "2") || resp == nil || resp.Schema == nil {
					continue
				}
				schema := resp.Schema
				isArray := schema.Type == "array" && schema.Items != nil
				ref := singleRef(schema)
				if isArray {
					ref = singleRef(schema.Items)
				}
				name := refName(ref)
				if name == "" {
					continue
				}
				newValue, ok := responseTypes[name]
				if !ok {
					missing = append(missing, name+" ("+method+" "+path+")")
					continue
				}
				seen[name] = true
				if _, ok := exampleGaps[name]; ok {
					continue
				}
				example := formatJSON(gen.example(schema))
				dec := json.NewDecoder(bytes.NewReader([]byte(example)))
				dec.DisallowUnknownFields()
				var target any = newValue()
				if isArray {
					var items []json.RawMessage
					if err := json.Unmarshal([]byte(example), &items); err != nil || len(items) == 0 {
						t.Errorf("%s %s: example is not a non-empty array: %s", method, path, example)
						continue
					}
					dec = json.NewDecoder(bytes.NewReader(items[0]))
					dec.DisallowUnknownFields()
				}
				if err := dec.Decode(target); err != nil {
					t.Errorf("%s %s %s: example does not decode into %s: %v\n%s", method, path, status, name, err, example)
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("add these response schemas to responseTypes: %v", missing)
	}
	for name := range responseTypes {
		if !seen[name] {
			t.Errorf("responseTypes lists %s, which no operation answers with any more", name)
		}
	}
}
