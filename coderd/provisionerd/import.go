package provisionerd

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/jobinput"
	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbtime"
)

// runImport reads a template version: it extracts the template and asks the
// provisioner what the version declares.
func (r *jobRun) runImport() (commitFunc, error) {
	version, err := r.d.db.GetTemplateVersionByJobID(r.ctx, r.job.ID)
	if errors.Is(err, database.ErrNoRows) {
		return nil, &jobFailure{Message: "the job has no template version"}
	}
	if err != nil {
		return nil, xerrors.Errorf("get template version: %w", err)
	}
	var input jobinput.TemplateVersionImport
	if err := parseInput(r.job.Input, &input); err != nil {
		return nil, err
	}
	prov, err := r.provisioner()
	if err != nil {
		return nil, err
	}
	dir, err := r.prepare()
	if err != nil {
		return nil, err
	}
	values := make([]provisioner.VariableValue, 0, len(input.UserVariableValues))
	for _, v := range input.UserVariableValues {
		values = append(values, provisioner.VariableValue{Name: v.Name, Value: v.Value})
	}
	r.logs.daemon(provisioner.LogLevelInfo, stageSettingUp, fmt.Sprintf("Importing template version %s with the %s provisioner", version.Name, r.job.Provisioner))
	res, err := callImport(r.ctx, prov, provisioner.ImportRequest{
		Dir: dir,
		Metadata: provisioner.Metadata{
			TemplateID:      version.TemplateID.UUID,
			TemplateVersion: version.Name,
		},
		UserVariableValues: values,
	}, r.logs.provisionerLogger)
	if f, ok := provisioner.AsFailure(err); ok && len(f.Variables) > 0 {
		// Keep the variables of a version that needs values for them:
		// GET /templateversions/{id}/variables is how a client learns
		// what to ask for before importing again.
		r.failureCommit = func(ctx context.Context, tx database.Store) error {
			return storeVariables(ctx, tx, version.ID, input, f.Variables)
		}
	}
	if err != nil {
		return nil, err
	}
	return func(ctx context.Context, tx database.Store) error {
		return storeImport(ctx, tx, r.job.ID, version.ID, input, res)
	}, nil
}

// callImport runs the provisioner, turning a panic into an error: a broken
// provisioner fails its job, not the server.
func callImport(ctx context.Context, p provisioner.Provisioner, req provisioner.ImportRequest, log provisioner.Logger) (res provisioner.ImportResult, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = xerrors.Errorf("provisioner panicked: %v", v)
		}
	}()
	return p.Import(ctx, req, log)
}

// storeImport writes what an import found, in tx.
func storeImport(ctx context.Context, tx database.Store, jobID, versionID uuid.UUID, input jobinput.TemplateVersionImport, res provisioner.ImportResult) error {
	now := dbtime.Now()
	for _, p := range res.Parameters {
		options := make([]parameterOption, 0, len(p.Options))
		for _, o := range p.Options {
			options = append(options, parameterOption{Name: o.Name, Description: o.Description, Value: o.Value, Icon: o.Icon})
		}
		optionsJSON, err := json.Marshal(options)
		if err != nil {
			return err
		}
		if _, err := tx.InsertTemplateVersionParameter(ctx, database.InsertTemplateVersionParameterParams{
			TemplateVersionID:   versionID,
			Name:                p.Name,
			DisplayName:         p.DisplayName,
			Description:         p.Description,
			Type:                p.Type,
			FormType:            p.FormType,
			Mutable:             p.Mutable,
			Ephemeral:           p.Ephemeral,
			Required:            p.Required,
			DefaultValue:        p.DefaultValue,
			Icon:                p.Icon,
			Options:             optionsJSON,
			ValidationRegex:     p.ValidationRegex,
			ValidationError:     p.ValidationError,
			ValidationMin:       p.ValidationMin,
			ValidationMax:       p.ValidationMax,
			ValidationMonotonic: p.ValidationMonotonic,
			DisplayOrder:        p.Order,
		}); err != nil {
			return xerrors.Errorf("insert parameter %q: %w", p.Name, err)
		}
	}

	if err := storeVariables(ctx, tx, versionID, input, res.Variables); err != nil {
		return err
	}

	for _, p := range res.Presets {
		params := make([]presetParameter, 0, len(p.Parameters))
		for _, v := range p.Parameters {
			params = append(params, presetParameter{Name: v.Name, Value: v.Value})
		}
		paramsJSON, err := json.Marshal(params)
		if err != nil {
			return err
		}
		if _, err := tx.InsertTemplateVersionPreset(ctx, database.InsertTemplateVersionPresetParams{
			ID:                uuid.New(),
			TemplateVersionID: versionID,
			Name:              p.Name,
			IsDefault:         p.Default,
			Parameters:        paramsJSON,
			CreatedAt:         now,
		}); err != nil {
			return xerrors.Errorf("insert preset %q: %w", p.Name, err)
		}
	}

	if err := insertResources(ctx, tx, jobID, database.WorkspaceTransitionStart, res.StartResources, now); err != nil {
		return err
	}
	if err := insertResources(ctx, tx, jobID, database.WorkspaceTransitionStop, res.StopResources, now); err != nil {
		return err
	}
	if err := insertTimings(ctx, tx, jobID, res.Timings); err != nil {
		return err
	}

	auths := make([]externalAuthProvider, 0, len(res.ExternalAuthProviders))
	for _, a := range res.ExternalAuthProviders {
		auths = append(auths, externalAuthProvider{ID: a.ID, Optional: a.Optional})
	}
	authsJSON, err := json.Marshal(auths)
	if err != nil {
		return err
	}
	if err := tx.UpdateTemplateVersionImportResultByJobID(ctx, database.UpdateTemplateVersionImportResultByJobIDParams{
		JobID:                 jobID,
		Readme:                cleanText(res.Readme),
		ExternalAuthProviders: authsJSON,
		UpdatedAt:             now,
	}); err != nil {
		return xerrors.Errorf("update template version: %w", err)
	}
	return nil
}

// JSON shapes stored in jsonb columns; field names follow codersdk.

type parameterOption struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	Value       string `json:"value"`
	Icon        string `json:"icon"`
}

type presetParameter struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type externalAuthProvider struct {
	ID       string `json:"id"`
	Optional bool   `json:"optional"`
}

type resourceMetadata struct {
	Key       string `json:"key"`
	Value     string `json:"value"`
	Sensitive bool   `json:"sensitive"`
}

// insertResources stores the resources of one transition with their agents
// and apps. Agents get fresh IDs and tokens: two imports or dry runs of one
// template must not collide, and neither may two builds of one workspace,
// whose provisioner may report the same agent each time.
func insertResources(ctx context.Context, tx database.Store, jobID uuid.UUID, transition database.WorkspaceTransition, resources []provisioner.Resource, now time.Time) error {
	for _, res := range resources {
		metadata := make([]resourceMetadata, 0, len(res.Metadata))
		for _, m := range res.Metadata {
			metadata = append(metadata, resourceMetadata{Key: m.Key, Value: m.Value, Sensitive: m.Sensitive})
		}
		metadataJSON, err := json.Marshal(metadata)
		if err != nil {
			return err
		}
		row, err := tx.InsertWorkspaceResource(ctx, database.InsertWorkspaceResourceParams{
			ID:           uuid.New(),
			JobID:        jobID,
			CreatedAt:    now,
			Transition:   transition,
			Type:         res.Type,
			Name:         res.Name,
			Hide:         res.Hide,
			Icon:         res.Icon,
			InstanceType: res.InstanceType,
			DailyCost:    res.DailyCost,
			Metadata:     metadataJSON,
		})
		if err != nil {
			return xerrors.Errorf("insert %s resource %s.%s: %w", transition, res.Type, res.Name, err)
		}
		for _, agent := range res.Agents {
			if err := insertAgent(ctx, tx, row.ID, agent, now); err != nil {
				return xerrors.Errorf("%s resource %s.%s: %w", transition, res.Type, res.Name, err)
			}
		}
	}
	return nil
}

func insertAgent(ctx context.Context, tx database.Store, resourceID uuid.UUID, agent provisioner.Agent, now time.Time) error {
	env := agent.Env
	if env == nil {
		env = map[string]string{}
	}
	envJSON, err := json.Marshal(env)
	if err != nil {
		return err
	}
	var instanceID *string
	if agent.Auth == provisioner.AgentAuthInstanceID {
		instanceID = &agent.InstanceID
	}
	row, err := tx.InsertWorkspaceAgent(ctx, database.InsertWorkspaceAgentParams{
		ID:                       uuid.New(),
		ResourceID:               resourceID,
		CreatedAt:                now,
		UpdatedAt:                now,
		Name:                     agent.Name,
		OperatingSystem:          agent.OperatingSystem,
		Architecture:             agent.Architecture,
		Directory:                agent.Directory,
		EnvironmentVariables:     envJSON,
		AuthTokenHash:            agentTokenHash(agent.Token),
		AuthInstanceID:           instanceID,
		ConnectionTimeoutSeconds: agent.ConnectionTimeoutSeconds,
		TroubleshootingUrl:       agent.TroubleshootingURL,
		MotdFile:                 agent.MOTDFile,
		DisplayApps:              displayAppNames(agent.DisplayApps),
		DisplayOrder:             clampInt32(agent.Order),
	})
	if err != nil {
		return xerrors.Errorf("insert agent %q: %w", agent.Name, err)
	}
	if err := insertAgentScripts(ctx, tx, row.ID, agent.Scripts, now); err != nil {
		return xerrors.Errorf("agent %q: %w", agent.Name, err)
	}
	for _, m := range agent.Metadata {
		if err := tx.InsertWorkspaceAgentMetadata(ctx, database.InsertWorkspaceAgentMetadataParams{
			WorkspaceAgentID: row.ID, Key: m.Key, DisplayName: m.DisplayName, Script: m.Script,
			IntervalSeconds: m.Interval, TimeoutSeconds: m.Timeout, DisplayOrder: clampInt32(m.Order),
		}); err != nil {
			return xerrors.Errorf("insert metadata %q of agent %q: %w", m.Key, agent.Name, err)
		}
	}
	for _, app := range agent.Apps {
		sharing := app.SharingLevel
		if sharing == "" {
			sharing = provisioner.AppSharingLevelOwner
		}
		openIn := app.OpenIn
		if openIn == "" {
			openIn = provisioner.AppOpenInSlimWindow
		}
		params := database.InsertWorkspaceAppParams{
			ID:           uuid.New(),
			AgentID:      row.ID,
			CreatedAt:    now,
			Slug:         app.Slug,
			DisplayName:  app.DisplayName,
			Icon:         app.Icon,
			Command:      app.Command,
			Url:          app.URL,
			External:     app.External,
			Subdomain:    app.Subdomain,
			Hidden:       app.Hidden,
			SharingLevel: sharing,
			OpenIn:       openIn,
			DisplayOrder: clampInt32(app.Order),
			Health:       "disabled",
		}
		if hc := app.Healthcheck; hc != nil && hc.URL != "" {
			params.Health = "initializing"
		}
		if hc := app.Healthcheck; hc != nil {
			params.HealthcheckUrl = hc.URL
			params.HealthcheckInterval = hc.Interval
			params.HealthcheckThreshold = hc.Threshold
		}
		if _, err := tx.InsertWorkspaceApp(ctx, params); err != nil {
			return xerrors.Errorf("insert app %q of agent %q: %w", app.Slug, agent.Name, err)
		}
	}
	return nil
}

// agentTokenHash is what is stored of an agent's token. An agent without
// one (instance identity, a template import) gets the hash of a random
// token nobody knows.
func agentTokenHash(token string) []byte {
	if token == "" {
		token = uuid.NewString()
	}
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// insertAgentScripts stores the agent's scripts, each with its own log
// source so its output reads apart from the others'.
func insertAgentScripts(ctx context.Context, tx database.Store, agentID uuid.UUID, scripts []provisioner.AgentScript, now time.Time) error {
	if len(scripts) == 0 {
		return nil
	}
	sources := database.InsertWorkspaceAgentLogSourcesParams{WorkspaceAgentID: agentID, CreatedAt: now}
	for _, sc := range scripts {
		sourceID := uuid.New()
		name := sc.DisplayName
		if name == "" {
			name = "Script"
		}
		sources.Ids = append(sources.Ids, sourceID)
		sources.DisplayNames = append(sources.DisplayNames, name)
		sources.Icons = append(sources.Icons, sc.Icon)
		if err := tx.InsertWorkspaceAgentScript(ctx, database.InsertWorkspaceAgentScriptParams{
			ID: uuid.New(), WorkspaceAgentID: agentID, LogSourceID: sourceID, CreatedAt: now,
			DisplayName: name, LogPath: sc.LogPath, Script: sc.Script, Cron: sc.Cron,
			RunOnStart: sc.RunOnStart, RunOnStop: sc.RunOnStop, StartBlocksLogin: sc.StartBlocksLogin,
			TimeoutSeconds: sc.TimeoutSeconds,
		}); err != nil {
			return xerrors.Errorf("insert script %q: %w", name, err)
		}
	}
	if err := tx.InsertWorkspaceAgentLogSources(ctx, sources); err != nil {
		return xerrors.Errorf("insert log sources: %w", err)
	}
	return nil
}

// displayAppNames lists an agent's built-in apps by their codersdk.DisplayApp
// names; nil means the defaults.
func displayAppNames(d *provisioner.DisplayApps) []string {
	apps := provisioner.DefaultDisplayApps()
	if d != nil {
		apps = *d
	}
	names := []string{}
	for _, a := range []struct {
		on   bool
		name string
	}{
		{apps.VSCode, "vscode"},
		{apps.VSCodeInsiders, "vscode_insiders"},
		{apps.WebTerminal, "web_terminal"},
		{apps.SSHHelper, "ssh_helper"},
		{apps.PortForwardingHelper, "port_forwarding_helper"},
	} {
		if a.on {
			names = append(names, a.name)
		}
	}
	return names
}

func clampInt32(v int64) int32 {
	return int32(max(min(v, math.MaxInt32), math.MinInt32))
}

// insertTimings stores the provisioner's per-stage timings of a job.
func insertTimings(ctx context.Context, tx database.Store, jobID uuid.UUID, timings []provisioner.Timing) error {
	if len(timings) == 0 {
		return nil
	}
	p := database.InsertProvisionerJobTimingsParams{JobID: jobID}
	for _, t := range timings {
		p.StartedAt = append(p.StartedAt, t.Start)
		p.EndedAt = append(p.EndedAt, t.End)
		p.Stage = append(p.Stage, t.Stage)
		p.Source = append(p.Source, t.Source)
		p.Action = append(p.Action, t.Action)
		p.Resource = append(p.Resource, t.Resource)
	}
	if err := tx.InsertProvisionerJobTimings(ctx, p); err != nil {
		return xerrors.Errorf("insert timings: %w", err)
	}
	return nil
}

// storeVariables records a version's template variables with the values
// it was imported with (else their defaults).
func storeVariables(ctx context.Context, tx database.Store, versionID uuid.UUID, input jobinput.TemplateVersionImport, vars []provisioner.Variable) error {
	given := make(map[string]string, len(input.UserVariableValues))
	for _, v := range input.UserVariableValues {
		given[v.Name] = v.Value
	}
	for _, v := range vars {
		value, ok := given[v.Name]
		if !ok {
			value = v.DefaultValue
		}
		if _, err := tx.InsertTemplateVersionVariable(ctx, database.InsertTemplateVersionVariableParams{
			TemplateVersionID: versionID,
			Name:              v.Name,
			Description:       v.Description,
			Type:              v.Type,
			Value:             value,
			DefaultValue:      v.DefaultValue,
			Required:          v.Required,
			Sensitive:         v.Sensitive,
		}); err != nil {
			return xerrors.Errorf("insert variable %q: %w", v.Name, err)
		}
	}
	return nil
}
