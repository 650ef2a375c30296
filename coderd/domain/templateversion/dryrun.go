package templateversion

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/domain/workspacebuild"
	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

// DryRunRequest plans a start build of a version for a workspace that does
// not exist.
type DryRunRequest struct {
	Version   database.TemplateVersion
	Initiator uuid.UUID
	// Actor decides who may plan: the job is inserted by the workspace
	// builder, so this check is the only one.
	Actor  *rbac.PreparedSubject
	DryRun codersdk.CreateTemplateVersionDryRunRequest
}

// DryRun validates the request and enqueues the dry-run job, which runs
// like the version's import did: same file, daemon kind and tags.
func (s *Service) DryRun(ctx context.Context, req DryRunRequest) (database.ProvisionerJob, error) {
	version, in := req.Version, req.DryRun
	if err := s.mayDryRun(ctx, req.Actor, version); err != nil {
		return database.ProvisionerJob{}, err
	}
	versionJob, err := s.DB.GetProvisionerJobByID(ctx, version.JobID)
	if err != nil {
		return database.ProvisionerJob{}, xerrors.Errorf("version's import job: %w", err)
	}
	if state := convert.ProvisionerJobStatus(versionJob); state != codersdk.ProvisionerJobSucceeded {
		return database.ProvisionerJob{}, domain.Invalid(
			fmt.Sprintf("The template version's import is %s; only a successfully imported version can be dry-run.", state))
	}
	params, problems, err := workspacebuild.ResolveParameters(ctx, s.DB, version.ID, in.RichParameterValues, nil, uuid.Nil)
	if err != nil {
		return database.ProvisionerJob{}, err
	}
	for i, vv := range in.UserVariableValues {
		if vv.Name == "" {
			problems.Check(fmt.Sprintf("user_variable_values[%d].name", i), "must not be empty")
		}
	}
	if err := problems.Err("Invalid dry-run request."); err != nil {
		return database.ProvisionerJob{}, err
	}
	input := jobinput.TemplateVersionDryRun{
		TemplateVersionID:   version.ID,
		WorkspaceName:       in.WorkspaceName,
		RichParameterValues: make([]jobinput.ParameterValue, 0, len(params)),
		UserVariableValues:  make([]jobinput.VariableValue, 0, len(in.UserVariableValues)),
	}
	for _, p := range params {
		input.RichParameterValues = append(input.RichParameterValues, jobinput.ParameterValue{Name: p.Name, Value: p.Value})
	}
	for _, vv := range in.UserVariableValues {
		input.UserVariableValues = append(input.UserVariableValues, jobinput.VariableValue{Name: vv.Name, Value: vv.Value})
	}
	rawInput, err := json.Marshal(input)
	if err != nil {
		return database.ProvisionerJob{}, xerrors.Errorf("encode job input: %w", err)
	}
	now := dbtime.Now()
	// Members may not create jobs; their right to this one was checked
	// above, so the job is inserted as the workspace builder, as a build's
	// is.
	job, err := s.DB.InsertProvisionerJob(dbauthz.AsWorkspaceBuilder(ctx), database.InsertProvisionerJobParams{
		ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: version.OrganizationID,
		InitiatorID: req.Initiator, Provisioner: versionJob.Provisioner, Type: database.ProvisionerJobTypeTemplateVersionDryRun,
		FileID: versionJob.FileID, Input: rawInput, Tags: versionJob.Tags,
	})
	if err != nil {
		return database.ProvisionerJob{}, xerrors.Errorf("insert dry-run job: %w", err)
	}
	s.Events.JobPosted(ctx, job)
	return job, nil
}

// mayDryRun: a dry run is a workspace build in all but name, so whoever may
// build from the template may plan one. A version not yet attached has no
// users, only its template admins. dbauthz cannot decide it: the job is
// inserted by the workspace builder.
func (s *Service) mayDryRun(ctx context.Context, actor *rbac.PreparedSubject, version database.TemplateVersion) error {
	obj, action := version.RBACObject(), rbac.ActionUpdate
	if version.TemplateID.Valid {
		t, err := s.DB.GetTemplateByID(ctx, version.TemplateID.UUID)
		if err != nil {
			return xerrors.Errorf("version's template: %w", err)
		}
		obj, action = t.RBACObject(), rbac.ActionUse
	}
	if actor.Authorize(action, obj) != nil {
		return domain.Forbidden("You are not allowed to dry-run this template version.", "")
	}
	return nil
}
