// Names for the wire types the dashboard uses, taken from the generated
// schema (schema.ts, from coderd/apidoc/swagger.json). Add an alias here
// when a page needs another type; never write a wire type by hand.
import type { components } from "./schema";

type S = components["schemas"];

export type Response = S["codersdk.Response"];
export type ValidationError = S["codersdk.ValidationError"];
export type BuildInfo = S["codersdk.BuildInfoResponse"];
export type User = S["codersdk.User"];
export type LoginRequest = S["codersdk.LoginWithPasswordRequest"];
export type LoginResponse = S["codersdk.LoginWithPasswordResponse"];
export type CreateFirstUserRequest = S["codersdk.CreateFirstUserRequest"];
export type AuthMethods = S["codersdk.AuthMethods"];
export type Workspace = S["codersdk.Workspace"];
export type WorkspacesResponse = S["codersdk.WorkspacesResponse"];
export type WorkspaceStatus = S["codersdk.WorkspaceStatus"];
export type WorkspaceTransition = S["codersdk.WorkspaceTransition"];
export type WorkspaceBuild = S["codersdk.WorkspaceBuild"];
export type CreateWorkspaceBuildRequest = S["codersdk.CreateWorkspaceBuildRequest"];
export type WorkspaceResource = S["codersdk.WorkspaceResource"];
export type WorkspaceAgent = S["codersdk.WorkspaceAgent"];
export type WorkspaceApp = S["codersdk.WorkspaceApp"];
// The workspace agent (its logs, log sources, metadata, listening ports).
export type WorkspaceAgentStatus = S["codersdk.WorkspaceAgentStatus"];
export type WorkspaceAgentLifecycle = S["codersdk.WorkspaceAgentLifecycle"];
export type WorkspaceAgentLog = S["codersdk.WorkspaceAgentLog"];
export type WorkspaceAgentLogSource = S["codersdk.WorkspaceAgentLogSource"];
export type WorkspaceAgentMetadataDescription = S["codersdk.WorkspaceAgentMetadataDescription"];
export type WorkspaceAgentListeningPortsResponse = S["codersdk.WorkspaceAgentListeningPortsResponse"];
export type WorkspaceAppHealth = S["codersdk.WorkspaceAppHealth"];
export type WorkspaceHealth = S["codersdk.WorkspaceHealth"];
export type ProvisionerJobLog = S["codersdk.ProvisionerJobLog"];
export type ProvisionerJobStatus = S["codersdk.ProvisionerJobStatus"];
export type Group = S["codersdk.Group"];
// Administration and account (users, groups, organizations, roles, audit,
// deployment, tokens, SSH key, appearance).
export type GetUsersResponse = S["codersdk.GetUsersResponse"];
export type CreateUserRequest = S["codersdk.CreateUserRequestWithOrgs"];
export type LoginType = S["codersdk.LoginType"];
export type SlimRole = S["codersdk.SlimRole"];
export type AssignableRole = S["codersdk.AssignableRoles"];
export type Role = S["codersdk.Role"];
export type CustomRoleRequest = S["codersdk.CustomRoleRequest"];
export type Permission = S["codersdk.Permission"];
export type RBACResource = S["codersdk.RBACResource"];
export type RBACAction = S["codersdk.RBACAction"];
export type ReducedUser = S["codersdk.ReducedUser"];
export type CreateGroupRequest = S["codersdk.CreateGroupRequest"];
export type PatchGroupRequest = S["codersdk.PatchGroupRequest"];
export type Organization = S["codersdk.Organization"];
export type CreateOrganizationRequest = S["codersdk.CreateOrganizationRequest"];
export type OrganizationMember = S["codersdk.OrganizationMemberWithUserData"];
export type PaginatedMembersResponse = S["codersdk.PaginatedMembersResponse"];
export type AuditLog = S["codersdk.AuditLog"];
export type AuditLogResponse = S["codersdk.AuditLogResponse"];
export type AuditDiff = S["codersdk.AuditDiff"];
export type AuditAction = S["codersdk.AuditAction"];
export type ResourceType = S["codersdk.ResourceType"];
export type DeploymentConfig = S["codersdk.DeploymentConfig"];
export type DeploymentOption = S["serpent.Option"];
export type APIKey = S["codersdk.APIKeyWithOwner"];
export type CreateTokenRequest = S["codersdk.CreateTokenRequest"];
export type GenerateAPIKeyResponse = S["codersdk.GenerateAPIKeyResponse"];
export type TokenConfig = S["codersdk.TokenConfig"];
export type GitSSHKey = S["codersdk.GitSSHKey"];
export type UserAppearanceSettings = S["codersdk.UserAppearanceSettings"];
export type UpdateUserProfileRequest = S["codersdk.UpdateUserProfileRequest"];
export type UpdateUserPasswordRequest = S["codersdk.UpdateUserPasswordRequest"];
export type ConvertLoginRequest = S["codersdk.ConvertLoginRequest"];
export type OAuthConversionResponse = S["codersdk.OAuthConversionResponse"];
export type UpdateAppearanceRequest = S["codersdk.UpdateUserAppearanceSettingsRequest"];
// Templates, template versions and creating workspaces (templates pages).
export type Template = S["codersdk.Template"];
export type TemplateVersion = S["codersdk.TemplateVersion"];
export type TemplateExample = S["codersdk.TemplateExample"];
export type TemplateVersionParameter = S["codersdk.TemplateVersionParameter"];
export type Preset = S["codersdk.Preset"];
export type CreateTemplateRequest = S["codersdk.CreateTemplateRequest"];
export type CreateTemplateVersionRequest = S["codersdk.CreateTemplateVersionRequest"];
export type UpdateTemplateMeta = S["codersdk.UpdateTemplateMeta"];
export type UploadResponse = S["codersdk.UploadResponse"];
export type DAUsResponse = S["codersdk.DAUsResponse"];
export type TemplateACL = S["codersdk.TemplateACL"];
export type UpdateTemplateACL = S["codersdk.UpdateTemplateACL"];
export type ACLAvailable = S["codersdk.ACLAvailable"];
export type ArchiveTemplateVersionsResponse = S["codersdk.ArchiveTemplateVersionsResponse"];
export type CreateWorkspaceRequest = S["codersdk.CreateWorkspaceRequest"];
export type WorkspaceBuildParameter = S["codersdk.WorkspaceBuildParameter"];
// Health (owners).
export type HealthcheckReport = S["codersdk.HealthcheckReport"];
export type HealthSeverity = S["codersdk.HealthSeverity"];
export type HealthMessage = S["codersdk.HealthMessage"];
export type Replica = S["codersdk.Replica"];
export type TemplateVersionVariable = S["codersdk.TemplateVersionVariable"];
export type VariableValue = S["codersdk.VariableValue"];
// Insights (who used what, when).
export type TemplateInsightsResponse = S["codersdk.TemplateInsightsResponse"];
export type TemplateInsightsIntervalReport = S["codersdk.TemplateInsightsIntervalReport"];
export type TemplateAppUsage = S["codersdk.TemplateAppUsage"];
export type UserActivityInsightsResponse = S["codersdk.UserActivityInsightsResponse"];
export type UserActivity = S["codersdk.UserActivity"];
export type WorkspaceAgentPortShares = S["codersdk.WorkspaceAgentPortShares"];
export type WorkspaceAgentPortShareLevel = S["codersdk.WorkspaceAgentPortShareLevel"];
