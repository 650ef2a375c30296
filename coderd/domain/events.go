package domain

import (
	"context"
	"encoding/json"

	"cdr.dev/slog"
	"github.com/google/uuid"

	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/pubsub"
)

// Events announces the changes workflows commit, to watchers and idle
// daemons on every replica. Announcing is best effort and never fails a
// workflow: daemons also poll, and watchers catch up on the next event.
type Events struct {
	Pubsub pubsub.Pubsub
	Logger slog.Logger
}

// jobPosting is the message of pubsub.EventProvisionerJobPosted. Daemons
// take any message as "look for work".
type jobPosting struct {
	OrganizationID  uuid.UUID         `json:"organization_id"`
	ProvisionerType string            `json:"provisioner_type"`
	Tags            map[string]string `json:"tags"`
}

// JobPosted wakes idle daemons for a job just enqueued.
func (e Events) JobPosted(ctx context.Context, job database.ProvisionerJob) {
	tags := map[string]string{}
	if len(job.Tags) > 0 {
		if err := json.Unmarshal(job.Tags, &tags); err != nil {
			e.Logger.Warn(ctx, "job tags are not a JSON object of strings", slog.F("job_id", job.ID), slog.Error(err))
		}
	}
	msg, err := json.Marshal(jobPosting{OrganizationID: job.OrganizationID, ProvisionerType: string(job.Provisioner), Tags: tags})
	if err == nil {
		err = e.Pubsub.Publish(pubsub.EventProvisionerJobPosted, msg)
	}
	if err != nil {
		e.Logger.Warn(ctx, "publish provisioner job posted", slog.F("job_id", job.ID), slog.Error(err))
	}
}

// WorkspaceChanged tells watchers that a workspace changed.
func (e Events) WorkspaceChanged(ctx context.Context, id uuid.UUID) {
	if err := e.Pubsub.Publish(pubsub.EventWorkspace(id.String()), nil); err != nil {
		e.Logger.Warn(ctx, "publish workspace change", slog.F("workspace_id", id), slog.Error(err))
	}
}
