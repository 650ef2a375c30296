package codersdk

import (
	"context"
	"fmt"
	"io"
	"net/http"

	"github.com/google/uuid"
)

// CreateTemplateVersionDryRunRequest is the body of POST
// /templateversions/{templateversion}/dry-run: the workspace a start build
// would be planned for.
type CreateTemplateVersionDryRunRequest struct {
	WorkspaceName string `json:"workspace_name"`
	// RichParameterValues are validated against the version's parameters;
	// parameters left out take their defaults.
	RichParameterValues []WorkspaceBuildParameter `json:"rich_parameter_values"`
	// UserVariableValues override the values the version was imported
	// with.
	UserVariableValues []VariableValue `json:"user_variable_values,omitempty"`
}

func templateVersionDryRunPath(version, job uuid.UUID, suffix string) string {
	return templateVersionPath(version, fmt.Sprintf("/dry-run/%s%s", job, suffix))
}

// CreateTemplateVersionDryRun enqueues a job that plans a workspace of the
// version without creating it.
func (c *Client) CreateTemplateVersionDryRun(ctx context.Context, version uuid.UUID, req CreateTemplateVersionDryRunRequest) (ProvisionerJob, error) {
	var job ProvisionerJob
	res, err := c.Request(ctx, http.MethodPost, templateVersionPath(version, "/dry-run"), req)
	if err != nil {
		return job, err
	}
	return job, decodeJSON(res, http.StatusCreated, &job)
}

// TemplateVersionDryRun returns a dry-run job of the version.
func (c *Client) TemplateVersionDryRun(ctx context.Context, version, job uuid.UUID) (ProvisionerJob, error) {
	var out ProvisionerJob
	return out, c.getJSON(ctx, templateVersionDryRunPath(version, job, ""), &out)
}

// TemplateVersionDryRunMatchedProvisioners counts the daemons that could
// run a dry-run job.
func (c *Client) TemplateVersionDryRunMatchedProvisioners(ctx context.Context, version, job uuid.UUID) (MatchedProvisioners, error) {
	var out MatchedProvisioners
	return out, c.getJSON(ctx, templateVersionDryRunPath(version, job, "/matched-provisioners"), &out)
}

// TemplateVersionDryRunResources returns the resources a dry run planned.
func (c *Client) TemplateVersionDryRunResources(ctx context.Context, version, job uuid.UUID) ([]WorkspaceResource, error) {
	var out []WorkspaceResource
	return out, c.getJSON(ctx, templateVersionDryRunPath(version, job, "/resources"), &out)
}

// TemplateVersionDryRunLogs returns a dry run's logs stored so far with an
// id greater than after.
func (c *Client) TemplateVersionDryRunLogs(ctx context.Context, version, job uuid.UUID, after int64) ([]ProvisionerJobLog, error) {
	return c.provisionerJobLogs(ctx, templateVersionDryRunPath(version, job, "/logs"), after)
}

// TemplateVersionDryRunLogsAfter follows a dry run's logs until the job
// completes.
func (c *Client) TemplateVersionDryRunLogsAfter(ctx context.Context, version, job uuid.UUID, after int64) (<-chan ProvisionerJobLog, io.Closer, error) {
	return c.provisionerJobLogsAfter(ctx, templateVersionDryRunPath(version, job, "/logs"), after)
}

// CancelTemplateVersionDryRun cancels a dry-run job.
func (c *Client) CancelTemplateVersionDryRun(ctx context.Context, version, job uuid.UUID) error {
	res, err := c.Request(ctx, http.MethodPatch, templateVersionDryRunPath(version, job, "/cancel"), nil)
	if err != nil {
		return err
	}
	return decodeJSON(res, http.StatusOK, nil)
}
