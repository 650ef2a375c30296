// Package workspacebuild enqueues workspace builds: the build row, its
// parameter values and the provisioner job that carries it out. Requests
// (create a workspace, start/stop/delete it) and the server itself
// (autostart, autostop, dormancy) enqueue through here, so both follow the
// same rules.
package workspacebuild

import (
	"context"
	"encoding/json"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

// BuildNumberConstraint makes builds of a workspace exactly-once: every
// build is numbered one past the build it was decided on, so of two builds
// decided on the same build only the first insert succeeds.
const BuildNumberConstraint = "workspace_builds_workspace_id_build_number_key"

// Enqueue inserts a build, its parameters and its provisioner job in tx;
// input says how the job runs (its build ID is filled in). The job is
// inserted by the workspace-builder actor; the caller's right to the build
// (start, stop or delete on the workspace) is checked by its own insert of
// the build. b.BuildNumber must be one past the build the caller decided on
// (see BuildNumberConstraint).
func Enqueue(ctx context.Context, tx database.Store, b database.InsertWorkspaceBuildParams,
	versionJob database.ProvisionerJob, params []codersdk.WorkspaceBuildParameter, input jobinput.WorkspaceBuild,
) (database.ProvisionerJob, error) {
	input.WorkspaceBuildID = b.ID
	rawInput, err := json.Marshal(input)
	if err != nil {
		return database.ProvisionerJob{}, xerrors.Errorf("encode job input: %w", err)
	}
	now := dbtime.Now()
	job, err := tx.InsertProvisionerJob(dbauthz.AsWorkspaceBuilder(ctx), database.InsertProvisionerJobParams{
		ID: uuid.New(), CreatedAt: now, UpdatedAt: now, OrganizationID: versionJob.OrganizationID,
		InitiatorID: b.InitiatorID, Provisioner: versionJob.Provisioner, Type: database.ProvisionerJobTypeWorkspaceBuild,
		FileID: versionJob.FileID, Input: rawInput, Tags: versionJob.Tags,
	})
	if err != nil {
		return database.ProvisionerJob{}, xerrors.Errorf("insert build job: %w", err)
	}
	b.JobID, b.CreatedAt, b.UpdatedAt = job.ID, now, now
	if b.ProvisionerState == nil {
		b.ProvisionerState = []byte{}
	}
	if err := tx.InsertWorkspaceBuild(ctx, b); err != nil {
		return database.ProvisionerJob{}, xerrors.Errorf("insert build: %w", err)
	}
	if len(params) > 0 {
		p := database.InsertWorkspaceBuildParametersParams{WorkspaceBuildID: b.ID}
		for _, param := range params {
			p.Names = append(p.Names, param.Name)
			p.Values = append(p.Values, param.Value)
		}
		if err := tx.InsertWorkspaceBuildParameters(ctx, p); err != nil {
			return database.ProvisionerJob{}, xerrors.Errorf("insert build parameters: %w", err)
		}
	}
	return job, nil
}

// jobActive reports whether a job has not finished: pending, running or
// canceling.
func jobActive(job database.ProvisionerJob) bool {
	return job.CompletedAt == nil
}
