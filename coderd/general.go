package coderd

import (
	"context"
	"errors"
	"net/http"

	"github.com/google/uuid"
	"golang.org/x/mod/semver"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

// API versions of the agent and provisioner protocols this server speaks.
// They are reported so that clients can refuse to talk to a server that is
// too old for them.
const (
	agentAPIVersion       = "2.0"
	provisionerAPIVersion = "1.0"
)

// ensureDeploymentID reads the deployment id, creating it on the very first
// start. Replicas starting together agree, because only one insert wins.
func ensureDeploymentID(ctx context.Context, db database.Store) (string, error) {
	if err := db.InsertDeploymentID(ctx, uuid.NewString()); err != nil {
		return "", xerrors.Errorf("insert deployment id: %w", err)
	}
	id, err := db.GetDeploymentID(ctx)
	if err != nil {
		return "", xerrors.Errorf("get deployment id: %w", err)
	}
	return id, nil
}

// ensureDefaultOrganization creates the default organization and its
// Everyone group on the very first start, so that daemons and the first
// user find it. Replicas racing here agree: one insert wins, the others
// read it.
func ensureDefaultOrganization(ctx context.Context, db database.Store) (database.Organization, error) {
	org, err := db.GetDefaultOrganization(ctx)
	if err == nil {
		return org, nil
	}
	if !errors.Is(err, database.ErrNoRows) {
		return database.Organization{}, xerrors.Errorf("get default organization: %w", err)
	}
	err = db.InTx(ctx, func(tx database.Store) error {
		now := dbtime.Now()
		org, err = tx.InsertOrganization(ctx, database.InsertOrganizationParams{
			ID: uuid.New(), Name: defaultOrganizationName, DisplayName: "Coder",
			Description: "Builtin default organization.", IsDefault: true, CreatedAt: now, UpdatedAt: now,
		})
		if err != nil {
			return err
		}
		_, err = tx.InsertGroup(ctx, everyoneGroup(org.ID))
		return err
	}, nil)
	if database.IsUniqueViolation(err) {
		return db.GetDefaultOrganization(ctx)
	}
	if err != nil {
		return database.Organization{}, xerrors.Errorf("create default organization: %w", err)
	}
	return org, nil
}

// healthz answers load balancers: 200 "OK" while the database answers,
// else 503 with the reason ("database unreachable: connection refused").
func (api *API) healthz(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("Content-Type", "text/plain; charset=utf-8")
	reason := ""
	if api.DatabaseHealth != nil && !api.DatabaseHealth.Status().Healthy {
		reason = api.DatabaseHealth.Status().Reason
	} else {
		ctx, cancel := context.WithTimeout(r.Context(), database.DefaultHealthPingTimeout)
		defer cancel()
		if _, err := api.Database.Ping(ctx); err != nil {
			reason = database.OutageReason(err)
			if api.DatabaseHealth != nil {
				api.DatabaseHealth.Check()
			}
		}
	}
	if reason != "" {
		rw.Header().Set("Retry-After", httpapi.DatabaseUnavailableRetryAfter)
		rw.WriteHeader(http.StatusServiceUnavailable)
		_, _ = rw.Write([]byte("database unreachable: " + reason + "\n"))
		return
	}
	_, _ = rw.Write([]byte("OK"))
}

// @Summary API root handler
// @ID api-root-handler
// @Produce json
// @Tags General
// @Success 200 {object} codersdk.Response
// @Router / [get]
func (*API) apiRoot(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, codersdk.Response{
		//nolint:gosmopolitan // the greeting is part of the wire contract
		Message: "👋",
	})
}

// @Summary Build info
// @ID build-info
// @Produce json
// @Tags General
// @Success 200 {object} codersdk.BuildInfoResponse
// @Router /buildinfo [get]
func (api *API) buildInfo(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, codersdk.BuildInfoResponse{
		ExternalURL:           buildinfo.ExternalURL(),
		Version:               buildinfo.Version(),
		DashboardURL:          api.AccessURL.String(),
		Telemetry:             false,
		WorkspaceProxy:        false,
		AgentAPIVersion:       agentAPIVersion,
		ProvisionerAPIVersion: provisionerAPIVersion,
		UpgradeMessage:        "",
		DeploymentID:          api.DeploymentID,
	})
}

// @Summary Update check
// @ID update-check
// @Produce json
// @Tags General
// @Success 200 {object} codersdk.UpdateCheckResponse
// @Router /updatecheck [get]
func (api *API) updateCheck(rw http.ResponseWriter, r *http.Request) {
	running := buildinfo.Version()
	latest := api.DeploymentValues.LatestVersion.Value()
	resp := codersdk.UpdateCheckResponse{Current: true, Version: running}
	// The server never calls out; it only knows what the operator told it.
	if latest != "" && semver.IsValid(latest) && semver.Compare(latest, semver.Canonical(running)) > 0 {
		resp = codersdk.UpdateCheckResponse{
			Current: false,
			Version: latest,
			URL:     buildinfo.ReleaseURL(latest),
		}
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, resp)
}
