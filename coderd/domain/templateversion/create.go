// Package templateversion creates template versions: the version row and
// the import job that reads its files, in one transaction.
package templateversion

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/domain"
	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/examples"
	"github.com/devplane/devplane/rbac"
)

// NameConstraint is the unique key of a version's name in its template.
const NameConstraint = "template_versions_template_name_lower_idx"

// Service creates versions over a store and announces their jobs.
type Service struct {
	DB     database.Store
	Events domain.Events
	// ExampleFile stores a built-in example's archive as a file of the
	// user and returns its ID (examples.ErrNotFound for an unknown one).
	ExampleFile func(ctx context.Context, exampleID string, userID uuid.UUID) (uuid.UUID, error)
}

// CreateRequest is a version a user asks for in an organization.
type CreateRequest struct {
	Organization uuid.UUID
	Initiator    uuid.UUID
	// Actor decides the checks made before any field is judged; the
	// inserts are authorized by dbauthz as well.
	Actor   *rbac.PreparedSubject
	Version codersdk.CreateTemplateVersionRequest
}

// Create validates the request and enqueues the version's import. Refusals
// are domain errors: Forbidden when the actor may not create versions (in
// the organization, or of the template), Invalid naming the fields,
// Conflict when the template has a version of that name.
func (s *Service) Create(ctx context.Context, req CreateRequest) (database.TemplateVersion, database.ProvisionerJob, error) {
	in := req.Version
	// dbauthz enforces this too; checking first answers 403 before any
	// field-level feedback about files or templates the caller could not
	// use anyway, so their existence does not leak.
	if req.Actor.Authorize(rbac.ActionCreate, rbac.ResourceTemplate.InOrg(req.Organization)) != nil {
		return database.TemplateVersion{}, database.ProvisionerJob{}, errForbiddenInOrg
	}
	problems := validate(in)
	template, err := s.template(ctx, in.TemplateID, req.Organization, &problems)
	if err != nil {
		return database.TemplateVersion{}, database.ProvisionerJob{}, err
	}
	// Adding to a template needs the right to change it: a right on
	// another object than the version's insert checks.
	if len(problems) == 0 && template != nil && req.Actor.Authorize(rbac.ActionUpdate, template.RBACObject()) != nil {
		return database.TemplateVersion{}, database.ProvisionerJob{}, domain.Forbidden("You are not allowed to add versions to this template.", "")
	}
	if len(problems) == 0 {
		if in.FileID, err = s.source(ctx, in, req.Initiator, &problems); err != nil {
			return database.TemplateVersion{}, database.ProvisionerJob{}, err
		}
	}
	if err := problems.Err("Invalid template version."); err != nil {
		return database.TemplateVersion{}, database.ProvisionerJob{}, err
	}
	return s.insert(ctx, req, in, template)
}

var errForbiddenInOrg = domain.Forbidden("You are not allowed to create template versions in this organization.", "")

func validate(in codersdk.CreateTemplateVersionRequest) domain.Fields {
	var f domain.Fields
	switch {
	case in.ExampleID != "" && in.FileID != uuid.Nil:
		f.Check("example_id", "give either file_id or example_id, not both")
	case in.ExampleID == "" && in.FileID == uuid.Nil:
		f.Check("file_id", "is required (upload the template with POST /files first, or name a built-in example with example_id)")
	}
	if in.StorageMethod != "" && in.StorageMethod != codersdk.ProvisionerStorageMethodFile {
		f.Check("storage_method", `must be "file"`)
	}
	if in.Provisioner != codersdk.ProvisionerTypeEcho && in.Provisioner != codersdk.ProvisionerTypeTerraform {
		f.Check("provisioner", `must be "terraform" or "echo"`)
	}
	if in.Name != "" {
		f.Check("name", NameProblem(in.Name))
	}
	f.Check("message", MessageProblem(in.Message))
	for i, vv := range in.UserVariableValues {
		if vv.Name == "" {
			f.Check(fmt.Sprintf("user_variable_values[%d].name", i), "must not be empty")
		}
	}
	for k := range in.ProvisionerTags {
		if k == "" {
			f.Check("tags", "tag names must not be empty")
			break
		}
	}
	return f
}

// template is the template the version is added to, if one is named.
func (s *Service) template(ctx context.Context, id, orgID uuid.UUID, f *domain.Fields) (*database.Template, error) {
	if id == uuid.Nil {
		return nil, nil
	}
	t, err := s.DB.GetTemplateByID(ctx, id)
	switch {
	case errors.Is(err, database.ErrNoRows) || dbauthz.IsNotAuthorizedError(err) || (err == nil && (t.Deleted || t.OrganizationID != orgID)):
		f.Check("template_id", "no template with this ID exists in this organization")
		return nil, nil
	case err != nil:
		return nil, xerrors.Errorf("template: %w", err)
	}
	return &t, nil
}

// source is the file the version is imported from: the one given, which
// the caller must be able to read, or a built-in example stored for them.
func (s *Service) source(ctx context.Context, in codersdk.CreateTemplateVersionRequest, userID uuid.UUID, f *domain.Fields) (uuid.UUID, error) {
	if in.ExampleID != "" {
		fileID, err := s.ExampleFile(ctx, in.ExampleID, userID)
		switch {
		case errors.Is(err, examples.ErrNotFound):
			f.Check("example_id", fmt.Sprintf("no built-in example %q exists (see GET /templates/examples)", in.ExampleID))
		case dbauthz.IsNotAuthorizedError(err):
			return uuid.Nil, domain.Forbidden("You are not allowed to upload files.", "")
		case err != nil:
			return uuid.Nil, xerrors.Errorf("store example: %w", err)
		}
		return fileID, nil
	}
	_, err := s.DB.GetFileByID(ctx, in.FileID)
	switch {
	case errors.Is(err, database.ErrNoRows) || dbauthz.IsNotAuthorizedError(err):
		f.Check("file_id", "no file with this ID exists that you may read")
	case err != nil:
		return uuid.Nil, xerrors.Errorf("file: %w", err)
	}
	return in.FileID, nil
}

func (s *Service) insert(ctx context.Context, req CreateRequest, in codersdk.CreateTemplateVersionRequest, template *database.Template) (database.TemplateVersion, database.ProvisionerJob, error) {
	vars := make([]jobinput.VariableValue, 0, len(in.UserVariableValues))
	for _, v := range in.UserVariableValues {
		vars = append(vars, jobinput.VariableValue{Name: v.Name, Value: v.Value})
	}
	versionID := uuid.New()
	input, err := json.Marshal(jobinput.TemplateVersionImport{TemplateVersionID: versionID, UserVariableValues: vars})
	if err != nil {
		return database.TemplateVersion{}, database.ProvisionerJob{}, xerrors.Errorf("encode job input: %w", err)
	}
	tags, err := json.Marshal(JobTags(in.ProvisionerTags, req.Initiator))
	if err != nil {
		return database.TemplateVersion{}, database.ProvisionerJob{}, xerrors.Errorf("encode job tags: %w", err)
	}
	var (
		job     database.ProvisionerJob
		version database.TemplateVersion
		name    string
	)
	// A generated name has only 16,000 values: a template with a hundred
	// versions meets one of them on 0.6% of its pushes. The user did not
	// choose it, so another is drawn rather than answering 409.
	for attempt := 0; ; attempt++ {
		name = in.Name
		if name == "" {
			name = FriendlyName()
		}
		err = s.insertTx(ctx, req, in, template, versionID, name, input, tags, &job, &version)
		if in.Name != "" || attempt >= generatedNameAttempts || !database.IsUniqueViolation(err, NameConstraint) {
			break
		}
	}
	switch {
	case database.IsUniqueViolation(err, NameConstraint):
		return version, job, &domain.Error{Kind: domain.KindConflict, Message: fmt.Sprintf("The template already has a version named %q.", name),
			Fields: []domain.FieldError{{Field: "name", Detail: "This value is already in use and should be unique."}}}
	case dbauthz.IsNotAuthorizedError(err):
		return version, job, errForbiddenInOrg
	case err != nil:
		return version, job, err
	}
	s.Events.JobPosted(ctx, job)
	return version, job, nil
}

// generatedNameAttempts bounds the draws of a generated version name.
const generatedNameAttempts = 10

// insertTx inserts the import job and the version in one transaction.
func (s *Service) insertTx(ctx context.Context, req CreateRequest, in codersdk.CreateTemplateVersionRequest, template *database.Template,
	versionID uuid.UUID, name string, input, tags []byte, job *database.ProvisionerJob, version *database.TemplateVersion,
) error {
	return s.DB.InTx(ctx, func(tx database.Store) error {
		now := dbtime.Now()
		var err error
		*job, err = tx.InsertProvisionerJob(ctx, database.InsertProvisionerJobParams{
			ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: req.Organization, InitiatorID: req.Initiator,
			Provisioner: database.ProvisionerType(in.Provisioner), Type: database.ProvisionerJobTypeTemplateVersionImport,
			FileID: in.FileID, Input: input, Tags: tags,
		})
		if err != nil {
			return err
		}
		var templateID uuid.NullUUID
		if template != nil {
			templateID = uuid.NullUUID{UUID: template.ID, Valid: true}
		}
		var sourceExample *string
		if in.ExampleID != "" {
			sourceExample = &in.ExampleID
		}
		*version, err = tx.InsertTemplateVersion(ctx, database.InsertTemplateVersionParams{
			ID: versionID, TemplateID: templateID, OrganizationID: req.Organization, CreatedAt: now, UpdatedAt: now,
			Name: name, Message: in.Message, JobID: job.ID, CreatedBy: req.Initiator, SourceExampleID: sourceExample,
		})
		return err
	}, nil)
}
