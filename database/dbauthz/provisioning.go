package dbauthz

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/rbac"
)

// Files belong to their uploader; template admins read everyone's.

func (q *querier) InsertFile(ctx context.Context, arg database.InsertFileParams) (database.File, error) {
	return act(ctx, q, rbac.ActionCreate, rbac.ResourceFile.WithOwner(arg.CreatedBy), func() (database.File, error) {
		return q.db.InsertFile(ctx, arg)
	})
}

func (q *querier) GetFileByID(ctx context.Context, id uuid.UUID) (database.File, error) {
	return fetch(ctx, q, func() (database.File, error) { return q.db.GetFileByID(ctx, id) })
}

func (q *querier) GetFileByHashAndCreator(ctx context.Context, arg database.GetFileByHashAndCreatorParams) (database.File, error) {
	return fetch(ctx, q, func() (database.File, error) { return q.db.GetFileByHashAndCreator(ctx, arg) })
}

// A job is authorized through the thing it works on: an import job through
// its template version, a dry run through the version it plans (named in
// its input), a build through its workspace. Daemons act on jobs as such.
func (q *querier) jobObject(ctx context.Context, job database.ProvisionerJob) (rbac.Object, error) {
	switch job.Type {
	case database.ProvisionerJobTypeTemplateVersionImport:
		v, err := q.db.GetTemplateVersionByJobID(ctx, job.ID)
		if err != nil {
			return rbac.Object{}, err
		}
		return q.versionObject(ctx, v)
	case database.ProvisionerJobTypeTemplateVersionDryRun:
		var input struct {
			TemplateVersionID uuid.UUID `json:"template_version_id"`
		}
		if err := json.Unmarshal(job.Input, &input); err != nil {
			return rbac.Object{}, xerrors.Errorf("dry-run job %s input: %w", job.ID, err)
		}
		v, err := q.db.GetTemplateVersionByID(ctx, input.TemplateVersionID)
		if err != nil {
			return rbac.Object{}, err
		}
		return q.versionObject(ctx, v)
	case database.ProvisionerJobTypeWorkspaceBuild:
		b, err := q.db.GetWorkspaceBuildByJobID(ctx, job.ID)
		if err != nil {
			return rbac.Object{}, err
		}
		w, err := q.db.GetWorkspaceByID(ctx, b.WorkspaceID)
		if err != nil {
			return rbac.Object{}, err
		}
		return w.RBACObject(), nil
	default:
		return rbac.ResourceProvisionerJobs.WithID(job.ID).InOrg(job.OrganizationID), nil
	}
}

// versionObject is the RBAC object of a template version: its template's,
// ACL included, once attached.
func (q *querier) versionObject(ctx context.Context, v database.TemplateVersion) (rbac.Object, error) {
	if !v.TemplateID.Valid {
		return v.RBACObject(), nil
	}
	t, err := q.db.GetTemplateByID(ctx, v.TemplateID.UUID)
	if err != nil {
		return rbac.Object{}, xerrors.Errorf("template of version %s: %w", v.ID, err)
	}
	return t.RBACObject(), nil
}

// fetchVersion loads a version and checks that the actor may read it.
func (q *querier) fetchVersion(ctx context.Context, load func() (database.TemplateVersion, error)) (database.TemplateVersion, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return database.TemplateVersion{}, errNoActor
	}
	v, err := load()
	if err != nil {
		return database.TemplateVersion{}, err
	}
	obj, err := q.versionObject(ctx, v)
	if err != nil {
		return database.TemplateVersion{}, err
	}
	if err := q.authorize(ctx, rbac.ActionRead, obj); err != nil {
		return database.TemplateVersion{}, err
	}
	return v, nil
}

func (q *querier) authorizeJob(ctx context.Context, action rbac.Action, job database.ProvisionerJob) error {
	if _, ok := ActorFromContext(ctx); !ok {
		return errNoActor
	}
	obj, err := q.jobObject(ctx, job)
	if err != nil {
		return err
	}
	return q.authorize(ctx, action, obj)
}

func (q *querier) GetProvisionerJobByID(ctx context.Context, id uuid.UUID) (database.ProvisionerJob, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return database.ProvisionerJob{}, errNoActor
	}
	job, err := q.db.GetProvisionerJobByID(ctx, id)
	if err != nil {
		return database.ProvisionerJob{}, err
	}
	if err := q.authorizeJob(ctx, rbac.ActionRead, job); err != nil {
		return database.ProvisionerJob{}, err
	}
	return job, nil
}

// GetProvisionerJobsByIDsWithQueuePosition keeps the jobs the actor may read.
func (q *querier) GetProvisionerJobsByIDsWithQueuePosition(ctx context.Context, ids []uuid.UUID) ([]database.GetProvisionerJobsByIDsWithQueuePositionRow, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return nil, errNoActor
	}
	rows, err := q.db.GetProvisionerJobsByIDsWithQueuePosition(ctx, ids)
	if err != nil {
		return nil, err
	}
	visible := rows[:0]
	for _, row := range rows {
		if q.authorizeJob(ctx, rbac.ActionRead, row.ProvisionerJob) == nil {
			visible = append(visible, row)
		}
	}
	return visible, nil
}

// InsertProvisionerJob: whoever enqueues must hold create on jobs in the
// organization; what the job is for is authorized by the caller's own
// insert of that object (the template version) in the same transaction.
func (q *querier) InsertProvisionerJob(ctx context.Context, arg database.InsertProvisionerJobParams) (database.ProvisionerJob, error) {
	return act(ctx, q, rbac.ActionCreate, rbac.ResourceProvisionerJobs.InOrg(arg.OrganizationID), func() (database.ProvisionerJob, error) {
		return q.db.InsertProvisionerJob(ctx, arg)
	})
}

// AcquireProvisionerJob with a nil organization takes jobs of any
// organization, which needs update on jobs site-wide.
func (q *querier) AcquireProvisionerJob(ctx context.Context, arg database.AcquireProvisionerJobParams) (database.ProvisionerJob, error) {
	obj := rbac.ResourceProvisionerJobs
	if arg.OrganizationID != uuid.Nil {
		obj = obj.InOrg(arg.OrganizationID)
	}
	return act(ctx, q, rbac.ActionUpdate, obj, func() (database.ProvisionerJob, error) {
		return q.db.AcquireProvisionerJob(ctx, arg)
	})
}

// jobWrite checks update on jobs of the job's organization: the daemon's
// heartbeat, logs and completion.
func jobWrite(ctx context.Context, q *querier, jobID uuid.UUID, run func() error) error {
	job, err := q.db.GetProvisionerJobByID(ctx, jobID)
	if err != nil {
		return err
	}
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceProvisionerJobs.WithID(job.ID).InOrg(job.OrganizationID), run)
}

func (q *querier) UpdateProvisionerJobByID(ctx context.Context, arg database.UpdateProvisionerJobByIDParams) error {
	return jobWrite(ctx, q, arg.ID, func() error { return q.db.UpdateProvisionerJobByID(ctx, arg) })
}

func (q *querier) UpdateProvisionerJobWithCompleteByID(ctx context.Context, arg database.UpdateProvisionerJobWithCompleteByIDParams) error {
	return jobWrite(ctx, q, arg.ID, func() error { return q.db.UpdateProvisionerJobWithCompleteByID(ctx, arg) })
}

func (q *querier) InsertProvisionerJobLogs(ctx context.Context, arg database.InsertProvisionerJobLogsParams) ([]database.ProvisionerJobLog, error) {
	var out []database.ProvisionerJobLog
	err := jobWrite(ctx, q, arg.JobID, func() error {
		var err error
		out, err = q.db.InsertProvisionerJobLogs(ctx, arg)
		return err
	})
	return out, err
}

// Canceling is updating what the job works on (the template version).
func (q *querier) UpdateProvisionerJobWithCancelByID(ctx context.Context, arg database.UpdateProvisionerJobWithCancelByIDParams) error {
	job, err := q.GetProvisionerJobByID(ctx, arg.ID)
	if err != nil {
		return err
	}
	if err := q.authorizeJob(ctx, rbac.ActionUpdate, job); err != nil {
		return err
	}
	return q.db.UpdateProvisionerJobWithCancelByID(ctx, arg)
}

func (q *querier) GetHungProvisionerJobs(ctx context.Context, updatedBefore time.Time) ([]database.ProvisionerJob, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceProvisionerJobs, func() ([]database.ProvisionerJob, error) {
		return q.db.GetHungProvisionerJobs(ctx, updatedBefore)
	})
}

func (q *querier) GetUnfinishedProvisionerJobsByReplica(ctx context.Context, replicaID uuid.UUID) ([]database.GetUnfinishedProvisionerJobsByReplicaRow, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceProvisionerJobs, func() ([]database.GetUnfinishedProvisionerJobsByReplicaRow, error) {
		return q.db.GetUnfinishedProvisionerJobsByReplica(ctx, replicaID)
	})
}

func (q *querier) RequeueProvisionerJobByID(ctx context.Context, arg database.RequeueProvisionerJobByIDParams) (int64, error) {
	var n int64
	err := jobWrite(ctx, q, arg.ID, func() error {
		var err error
		n, err = q.db.RequeueProvisionerJobByID(ctx, arg)
		return err
	})
	return n, err
}

func (q *querier) GetProvisionerJobsByOrganization(ctx context.Context, arg database.GetProvisionerJobsByOrganizationParams) ([]database.ProvisionerJob, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceProvisionerJobs.InOrg(arg.OrganizationID), func() ([]database.ProvisionerJob, error) {
		return q.db.GetProvisionerJobsByOrganization(ctx, arg)
	})
}

func (q *querier) GetProvisionerLogsAfterID(ctx context.Context, arg database.GetProvisionerLogsAfterIDParams) ([]database.ProvisionerJobLog, error) {
	if _, err := q.GetProvisionerJobByID(ctx, arg.JobID); err != nil {
		return nil, err
	}
	return q.db.GetProvisionerLogsAfterID(ctx, arg)
}

func (q *querier) UpsertProvisionerDaemon(ctx context.Context, arg database.UpsertProvisionerDaemonParams) (database.ProvisionerDaemon, error) {
	return act(ctx, q, rbac.ActionCreate, rbac.ResourceProvisionerDaemon.InOrg(arg.OrganizationID), func() (database.ProvisionerDaemon, error) {
		return q.db.UpsertProvisionerDaemon(ctx, arg)
	})
}

func (q *querier) UpdateProvisionerDaemonLastSeenAt(ctx context.Context, arg database.UpdateProvisionerDaemonLastSeenAtParams) error {
	return actExec(ctx, q, rbac.ActionUpdate, rbac.ResourceProvisionerDaemon.WithID(arg.ID), func() error {
		return q.db.UpdateProvisionerDaemonLastSeenAt(ctx, arg)
	})
}

func (q *querier) GetProvisionerDaemonsByOrganization(ctx context.Context, orgID uuid.UUID) ([]database.GetProvisionerDaemonsByOrganizationRow, error) {
	return act(ctx, q, rbac.ActionRead, rbac.ResourceProvisionerDaemon.InOrg(orgID), func() ([]database.GetProvisionerDaemonsByOrganizationRow, error) {
		return q.db.GetProvisionerDaemonsByOrganization(ctx, orgID)
	})
}

// Template versions: creating one without a template needs create on
// templates in the organization; with a template, update on it.

func (q *querier) InsertTemplateVersion(ctx context.Context, arg database.InsertTemplateVersionParams) (database.TemplateVersion, error) {
	if _, ok := ActorFromContext(ctx); !ok {
		return database.TemplateVersion{}, errNoActor
	}
	action := rbac.ActionCreate
	if arg.TemplateID.Valid {
		action = rbac.ActionUpdate
	}
	obj, err := q.versionObject(ctx, database.TemplateVersion{TemplateID: arg.TemplateID, OrganizationID: arg.OrganizationID})
	if err != nil {
		return database.TemplateVersion{}, err
	}
	return act(ctx, q, action, obj, func() (database.TemplateVersion, error) { return q.db.InsertTemplateVersion(ctx, arg) })
}

func (q *querier) GetTemplateVersionByID(ctx context.Context, id uuid.UUID) (database.TemplateVersion, error) {
	return q.fetchVersion(ctx, func() (database.TemplateVersion, error) { return q.db.GetTemplateVersionByID(ctx, id) })
}

func (q *querier) GetTemplateVersionByJobID(ctx context.Context, jobID uuid.UUID) (database.TemplateVersion, error) {
	return q.fetchVersion(ctx, func() (database.TemplateVersion, error) { return q.db.GetTemplateVersionByJobID(ctx, jobID) })
}

// versionAct loads the version (which must be readable) and checks action.
func versionAct[T any](ctx context.Context, q *querier, load func() (database.TemplateVersion, error), action rbac.Action, run func() (T, error)) (T, error) {
	var zero T
	v, err := load()
	if err != nil {
		return zero, err
	}
	obj, err := q.versionObject(ctx, v)
	if err != nil {
		return zero, err
	}
	return act(ctx, q, action, obj, run)
}

func (q *querier) UpdateTemplateVersionByID(ctx context.Context, arg database.UpdateTemplateVersionByIDParams) (database.TemplateVersion, error) {
	load := func() (database.TemplateVersion, error) { return q.GetTemplateVersionByID(ctx, arg.ID) }
	return versionAct(ctx, q, load, rbac.ActionUpdate, func() (database.TemplateVersion, error) {
		return q.db.UpdateTemplateVersionByID(ctx, arg)
	})
}

func (q *querier) UpdateTemplateVersionArchived(ctx context.Context, arg database.UpdateTemplateVersionArchivedParams) (database.TemplateVersion, error) {
	load := func() (database.TemplateVersion, error) { return q.GetTemplateVersionByID(ctx, arg.ID) }
	return versionAct(ctx, q, load, rbac.ActionUpdate, func() (database.TemplateVersion, error) {
		return q.db.UpdateTemplateVersionArchived(ctx, arg)
	})
}

func (q *querier) UpdateTemplateVersionImportResultByJobID(ctx context.Context, arg database.UpdateTemplateVersionImportResultByJobIDParams) error {
	load := func() (database.TemplateVersion, error) { return q.GetTemplateVersionByJobID(ctx, arg.JobID) }
	_, err := versionAct(ctx, q, load, rbac.ActionUpdate, func() (struct{}, error) {
		return struct{}{}, q.db.UpdateTemplateVersionImportResultByJobID(ctx, arg)
	})
	return err
}

func (q *querier) InsertTemplateVersionParameter(ctx context.Context, arg database.InsertTemplateVersionParameterParams) (database.TemplateVersionParameter, error) {
	load := func() (database.TemplateVersion, error) { return q.GetTemplateVersionByID(ctx, arg.TemplateVersionID) }
	return versionAct(ctx, q, load, rbac.ActionUpdate, func() (database.TemplateVersionParameter, error) {
		return q.db.InsertTemplateVersionParameter(ctx, arg)
	})
}

func (q *querier) InsertTemplateVersionVariable(ctx context.Context, arg database.InsertTemplateVersionVariableParams) (database.TemplateVersionVariable, error) {
	load := func() (database.TemplateVersion, error) { return q.GetTemplateVersionByID(ctx, arg.TemplateVersionID) }
	return versionAct(ctx, q, load, rbac.ActionUpdate, func() (database.TemplateVersionVariable, error) {
		return q.db.InsertTemplateVersionVariable(ctx, arg)
	})
}

func (q *querier) InsertTemplateVersionPreset(ctx context.Context, arg database.InsertTemplateVersionPresetParams) (database.TemplateVersionPreset, error) {
	load := func() (database.TemplateVersion, error) { return q.GetTemplateVersionByID(ctx, arg.TemplateVersionID) }
	return versionAct(ctx, q, load, rbac.ActionUpdate, func() (database.TemplateVersionPreset, error) {
		return q.db.InsertTemplateVersionPreset(ctx, arg)
	})
}

func (q *querier) GetTemplateVersionParameters(ctx context.Context, versionID uuid.UUID) ([]database.TemplateVersionParameter, error) {
	if _, err := q.GetTemplateVersionByID(ctx, versionID); err != nil {
		return nil, err
	}
	return q.db.GetTemplateVersionParameters(ctx, versionID)
}

func (q *querier) GetTemplateVersionVariables(ctx context.Context, versionID uuid.UUID) ([]database.TemplateVersionVariable, error) {
	if _, err := q.GetTemplateVersionByID(ctx, versionID); err != nil {
		return nil, err
	}
	return q.db.GetTemplateVersionVariables(ctx, versionID)
}

func (q *querier) GetPresetsByTemplateVersionID(ctx context.Context, versionID uuid.UUID) ([]database.TemplateVersionPreset, error) {
	if _, err := q.GetTemplateVersionByID(ctx, versionID); err != nil {
		return nil, err
	}
	return q.db.GetPresetsByTemplateVersionID(ctx, versionID)
}

// Resources, agents and apps are written by daemons as part of a job and
// read by whoever may read the job.

func (q *querier) InsertWorkspaceResource(ctx context.Context, arg database.InsertWorkspaceResourceParams) (database.WorkspaceResource, error) {
	var out database.WorkspaceResource
	err := jobWrite(ctx, q, arg.JobID, func() error {
		var err error
		out, err = q.db.InsertWorkspaceResource(ctx, arg)
		return err
	})
	return out, err
}

func (q *querier) InsertWorkspaceAgent(ctx context.Context, arg database.InsertWorkspaceAgentParams) (database.WorkspaceAgent, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceProvisionerJobs, func() (database.WorkspaceAgent, error) {
		return q.db.InsertWorkspaceAgent(ctx, arg)
	})
}

func (q *querier) InsertWorkspaceApp(ctx context.Context, arg database.InsertWorkspaceAppParams) (database.WorkspaceApp, error) {
	return act(ctx, q, rbac.ActionUpdate, rbac.ResourceProvisionerJobs, func() (database.WorkspaceApp, error) {
		return q.db.InsertWorkspaceApp(ctx, arg)
	})
}

func (q *querier) GetWorkspaceResourcesByJobID(ctx context.Context, jobID uuid.UUID) ([]database.WorkspaceResource, error) {
	if _, err := q.GetProvisionerJobByID(ctx, jobID); err != nil {
		return nil, err
	}
	return q.db.GetWorkspaceResourcesByJobID(ctx, jobID)
}

func (q *querier) GetWorkspaceAgentsByJobID(ctx context.Context, jobID uuid.UUID) ([]database.WorkspaceAgent, error) {
	if _, err := q.GetProvisionerJobByID(ctx, jobID); err != nil {
		return nil, err
	}
	return q.db.GetWorkspaceAgentsByJobID(ctx, jobID)
}

func (q *querier) GetWorkspaceAppsByJobID(ctx context.Context, jobID uuid.UUID) ([]database.WorkspaceApp, error) {
	if _, err := q.GetProvisionerJobByID(ctx, jobID); err != nil {
		return nil, err
	}
	return q.db.GetWorkspaceAppsByJobID(ctx, jobID)
}

// Timings are written by the daemon with the job's results and read by
// whoever may read the job.

func (q *querier) InsertProvisionerJobTimings(ctx context.Context, arg database.InsertProvisionerJobTimingsParams) error {
	return jobWrite(ctx, q, arg.JobID, func() error { return q.db.InsertProvisionerJobTimings(ctx, arg) })
}

func (q *querier) GetProvisionerJobTimings(ctx context.Context, jobID uuid.UUID) ([]database.ProvisionerJobTiming, error) {
	if _, err := q.GetProvisionerJobByID(ctx, jobID); err != nil {
		return nil, err
	}
	return q.db.GetProvisionerJobTimings(ctx, jobID)
}
