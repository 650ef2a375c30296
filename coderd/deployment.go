package coderd

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode"

	"cdr.dev/slog"
	"github.com/coder/serpent"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/rbac"
)

// authorize checks an action that touches no database row (configuration
// held in memory). Row-level checks happen in dbauthz.
func (*API) authorize(r *http.Request, action rbac.Action, object rbac.Object) bool {
	return httpmw.APIKeyAuthorization(r).Actor.Authorize(action, object) == nil
}

// @Summary Get deployment config
// @ID get-deployment-config
// @Security CoderSessionToken
// @Produce json
// @Tags General
// @Success 200 {object} codersdk.DeploymentConfig
// @Router /deployment/config [get]
func (api *API) deploymentConfig(rw http.ResponseWriter, r *http.Request) {
	if !api.authorize(r, rbac.ActionRead, rbac.ResourceDeploymentConfig) {
		httpapi.Forbidden(rw)
		return
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, api.redactedConfig())
}

// redactedConfig copies the configuration with every secret blanked, in the
// values and in the option list alike, keeping where each value came from.
func (api *API) redactedConfig() codersdk.DeploymentConfig {
	vals := *api.DeploymentValues
	opts := vals.Options()
	// By name: the command's option set is not in declaration order
	// (serpent sorts it), so positions do not line up.
	sources := make(map[string]serpent.ValueSource, len(api.DeploymentOptions))
	for _, o := range api.DeploymentOptions {
		sources[o.Name] = o.ValueSource
	}
	for i := range opts {
		opts[i].ValueSource = sources[opts[i].Name]
		if codersdk.IsSecret(opts[i]) {
			// The option's Value points into vals, so this blanks both.
			_ = opts[i].Value.Set("")
		}
	}
	return codersdk.DeploymentConfig{Values: &vals, Options: opts}
}

// @Summary SSH Config
// @ID ssh-config
// @Security CoderSessionToken
// @Produce json
// @Tags General
// @Success 200 {object} codersdk.SSHConfigResponse
// @Router /deployment/ssh [get]
func (api *API) sshConfig(rw http.ResponseWriter, r *http.Request) {
	options := map[string]string{}
	for _, kv := range api.DeploymentValues.SSHConfig.SSHConfigOptions.Value() {
		k, v := parseSSHConfigOption(kv)
		options[k] = v
	}
	httpapi.Write(r.Context(), rw, http.StatusOK, codersdk.SSHConfigResponse{
		HostnamePrefix:   api.DeploymentValues.SSHConfig.DeploymentName.Value(),
		HostnameSuffix:   api.DeploymentValues.HostnameSuffix.Value(),
		SSHConfigOptions: options,
	})
}

// parseSSHConfigOption splits an ssh_config line the way OpenSSH does: the
// keyword ends at the first white space or '=', and an '=' between keyword
// and value may be surrounded by white space ("ForwardAgent yes",
// "ForwardAgent=yes" and "ForwardAgent = yes" are the same option).
func parseSSHConfigOption(opt string) (key, value string) {
	opt = strings.TrimSpace(opt)
	i := strings.IndexFunc(opt, func(r rune) bool { return r == '=' || unicode.IsSpace(r) })
	if i < 0 {
		return opt, ""
	}
	value = strings.TrimSpace(opt[i:])
	value = strings.TrimSpace(strings.TrimPrefix(value, "="))
	return opt[:i], value
}

// @Summary Get deployment stats
// @ID get-deployment-stats
// @Security CoderSessionToken
// @Produce json
// @Tags General
// @Success 200 {object} codersdk.DeploymentStats
// @Router /deployment/stats [get]
func (api *API) deploymentStats(rw http.ResponseWriter, r *http.Request) {
	if !api.authorize(r, rbac.ActionRead, rbac.ResourceDeploymentStats) {
		httpapi.Forbidden(rw)
		return
	}
	ctx := r.Context()
	// Counted live from the workspaces' latest builds (the rows carry
	// their status), so the window is a point in time. Nothing reports
	// session activity yet: those counts are zero.
	counts, err := api.Database.GetDeploymentWorkspaceStats(ctx)
	if err != nil {
		httpapi.InternalServerError(rw, err)
		return
	}
	now := time.Now().UTC()
	httpapi.Write(ctx, rw, http.StatusOK, codersdk.DeploymentStats{
		AggregatedFrom: now,
		CollectedAt:    now,
		NextUpdateAt:   now,
		Workspaces: codersdk.WorkspaceDeploymentStats{
			Pending:  counts.Pending,
			Building: counts.Building,
			Running:  counts.Running,
			Failed:   counts.Failed,
			Stopped:  counts.Stopped,
		},
		SessionCount: codersdk.SessionCountDeploymentStats{Apps: map[string]codersdk.SessionCountApp{}},
	})
}

// @Summary Get enabled experiments
// @ID get-enabled-experiments
// @Security CoderSessionToken
// @Produce json
// @Tags General
// @Success 200 {array} codersdk.Experiment
// @Router /experiments [get]
func (api *API) experiments(rw http.ResponseWriter, r *http.Request) {
	httpapi.Write(r.Context(), rw, http.StatusOK, api.enabledExperiments())
}

// enabledExperiments resolves --experiments: "*" means every safe one.
func (api *API) enabledExperiments() codersdk.Experiments {
	out := codersdk.Experiments{}
	for _, name := range api.DeploymentValues.Experiments.Value() {
		for _, part := range strings.Split(name, ",") {
			part = strings.TrimSpace(part)
			switch {
			case part == "":
			case part == "*":
				for _, e := range codersdk.ExperimentsSafe {
					if !slices.Contains(out, e) {
						out = append(out, e)
					}
				}
			case !slices.Contains(out, codersdk.Experiment(part)):
				out = append(out, codersdk.Experiment(part))
			}
		}
	}
	return out
}

// @Summary Get safe experiments
// @ID get-safe-experiments
// @Security CoderSessionToken
// @Produce json
// @Tags General
// @Success 200 {object} codersdk.AvailableExperiments
// @Router /experiments/available [get]
func (*API) safeExperiments(rw http.ResponseWriter, r *http.Request) {
	safe := append([]codersdk.Experiment{}, codersdk.ExperimentsSafe...)
	httpapi.Write(r.Context(), rw, http.StatusOK, codersdk.AvailableExperiments{Safe: safe})
}

// cspViolation is what browsers send to a report-uri.
type cspViolation struct {
	Report map[string]any `json:"csp-report"`
}

// @Summary Report CSP violations
// @ID report-csp-violations
// @Security CoderSessionToken
// @Accept json
// @Tags General
// @Param request body cspViolation true "Violation report"
// @Success 200
// @Router /csp/reports [post]
func (api *API) cspReport(rw http.ResponseWriter, r *http.Request) {
	var v cspViolation
	// Browsers send application/csp-report; decode leniently.
	if err := json.NewDecoder(http.MaxBytesReader(rw, r.Body, 64<<10)).Decode(&v); err != nil {
		httpapi.Write(r.Context(), rw, http.StatusBadRequest, codersdk.Response{Message: "Invalid CSP report.", Detail: err.Error()})
		return
	}
	fields := []any{slog.F("user", httpmw.APIKeyAuthorization(r).Subject.FriendlyName)}
	for k, val := range v.Report {
		fields = append(fields, slog.F(k, val))
	}
	api.Logger.Warn(r.Context(), "content security policy violation", fields...)
	rw.WriteHeader(http.StatusOK)
}
