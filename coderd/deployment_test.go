package coderd_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/coder/serpent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/coderdtest"
	"github.com/devplane/devplane/codersdk"
)

// TestDeploymentConfig: the configuration is served with secrets blanked
// and each option's value source, and serving it leaves the live
// configuration alone.
func TestDeploymentConfig(t *testing.T) {
	t.Parallel()
	const secretURL = "postgres://devplane:hunter2-very-secret@db.internal:5432/devplane?sslmode=disable"
	vals, opts := coderdtest.DeploymentValues(t)
	require.NoError(t, vals.PostgresURL.Set(secretURL))
	require.NoError(t, vals.SSHConfig.DeploymentName.Set("acme."))
	for i := range opts {
		switch opts[i].Name {
		case "Postgres Connection URL":
			opts[i].ValueSource = serpent.ValueSourceEnv
		case "SSH Host Prefix":
			opts[i].ValueSource = serpent.ValueSourceFlag
		}
	}
	// The CLI's option set comes sorted by name, not in declaration order.
	slices.SortFunc(opts, func(a, b serpent.Option) int { return strings.Compare(a.Name, b.Name) })
	client, api := coderdtest.NewWithAPI(t, &coderdtest.Options{DeploymentValues: vals, DeploymentOptions: opts})
	_ = coderdtest.CreateFirstUser(t, client)

	res := coderdtest.RawRequest(t, client, http.MethodGet, "/api/v2/deployment/config", nil)
	require.Equal(t, http.StatusOK, res.Status, string(res.Body))
	for _, leak := range []string{"hunter2-very-secret", "db.internal", "postgres://"} {
		assert.NotContains(t, string(res.Body), leak)
	}

	// On the wire: {"config": {...}, "options": [{..., "value_source"}]}.
	var raw struct {
		Config  map[string]any   `json:"config"`
		Options []map[string]any `json:"options"`
	}
	require.NoError(t, json.Unmarshal(res.Body, &raw))
	assert.Empty(t, raw.Config["pg_connection_url"])
	sources := map[string]any{}
	values := map[string]any{}
	for _, o := range raw.Options {
		name, _ := o["name"].(string)
		sources[name] = o["value_source"]
		values[name] = o["value"]
	}
	assert.Equal(t, "env", sources["Postgres Connection URL"])
	assert.Empty(t, values["Postgres Connection URL"])
	assert.Equal(t, "flag", sources["SSH Host Prefix"])
	assert.Equal(t, "acme.", values["SSH Host Prefix"])
	assert.Equal(t, "default", sources["HTTP Address"])

	// Through the client, typed.
	cfg, err := client.DeploymentConfig(t.Context())
	require.NoError(t, err)
	assert.Empty(t, cfg.Values.PostgresURL.String())
	assert.Equal(t, "acme.", cfg.Values.SSHConfig.DeploymentName.String())
	assert.Equal(t, vals.SessionConfig.DefaultDuration.Value(), cfg.Values.SessionConfig.DefaultDuration.Value())
	assert.Equal(t, vals.SessionConfig.MaximumTokenDuration.Value(), cfg.Values.SessionConfig.MaximumTokenDuration.Value())

	// Redaction worked on a copy: the server still has its database URL.
	assert.Equal(t, secretURL, api.DeploymentValues.PostgresURL.String())
	res = coderdtest.RawRequest(t, client, http.MethodGet, "/api/v2/deployment/config", nil)
	assert.NotContains(t, string(res.Body), "hunter2-very-secret", "a second request is redacted too")
}

// TestDeploymentSSH reflects the configured host name prefix, suffix and
// options, in every spelling ssh_config accepts.
func TestDeploymentSSH(t *testing.T) {
	t.Parallel()
	t.Run("Defaults", func(t *testing.T) {
		t.Parallel()
		f := newIdentityFixture(t, nil)
		resp, err := f.clients[actorMember].SSHConfiguration(t.Context())
		require.NoError(t, err)
		assert.Equal(t, "coder.", resp.HostnamePrefix)
		assert.Equal(t, "coder", resp.HostnameSuffix)
		assert.Empty(t, resp.SSHConfigOptions)
		res := coderdtest.RawRequest(t, f.clients[actorMember], http.MethodGet, "/api/v2/deployment/ssh", nil)
		assert.JSONEq(t, `{"hostname_prefix":"coder.","hostname_suffix":"coder","ssh_config_options":{}}`, string(res.Body))
	})
	t.Run("Configured", func(t *testing.T) {
		t.Parallel()
		vals, _ := coderdtest.DeploymentValues(t)
		require.NoError(t, vals.SSHConfig.DeploymentName.Set("acme."))
		require.NoError(t, vals.HostnameSuffix.Set("acme-ws"))
		vals.SSHConfig.SSHConfigOptions = serpent.StringArray{
			"ForwardAgent=yes", "ServerAliveInterval 30", "StrictHostKeyChecking = no", "  LogLevel=ERROR  ",
		}
		client := coderdtest.New(t, &coderdtest.Options{DeploymentValues: vals})
		_ = coderdtest.CreateFirstUser(t, client)
		resp, err := client.SSHConfiguration(t.Context())
		require.NoError(t, err)
		assert.Equal(t, codersdk.SSHConfigResponse{
			HostnamePrefix: "acme.",
			HostnameSuffix: "acme-ws",
			SSHConfigOptions: map[string]string{
				"ForwardAgent": "yes", "ServerAliveInterval": "30", "StrictHostKeyChecking": "no", "LogLevel": "ERROR",
			},
		}, resp)
	})
}

// TestExperiments: GET /experiments lists what --experiments enabled, "*"
// standing for every safe one; /experiments/available lists the safe ones.
func TestExperiments(t *testing.T) {
	t.Parallel()
	safe := []string{}
	for _, e := range codersdk.ExperimentsSafe {
		safe = append(safe, string(e))
	}
	for _, tc := range []struct {
		name string
		set  []string
		want []string
	}{
		{"None", nil, []string{}},
		{"Wildcard", []string{"*"}, safe},
		{"Explicit", []string{"example", "notifications"}, []string{"example", "notifications"}},
		{"CommaSeparated", []string{"example, notifications"}, []string{"example", "notifications"}},
		{"Deduplicated", []string{"example", "*", "example"}, append([]string{"example"}, safe...)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vals, _ := coderdtest.DeploymentValues(t)
			vals.Experiments = serpent.StringArray(tc.set)
			client := coderdtest.New(t, &coderdtest.Options{DeploymentValues: vals})
			_ = coderdtest.CreateFirstUser(t, client)

			res := coderdtest.RawRequest(t, client, http.MethodGet, "/api/v2/experiments", nil)
			require.Equal(t, http.StatusOK, res.Status)
			var got []string
			require.NoError(t, json.Unmarshal(res.Body, &got))
			require.NotNil(t, got, "an empty list is [], not null: %s", res.Body)
			assert.ElementsMatch(t, tc.want, got)

			exps, err := client.Experiments(t.Context())
			require.NoError(t, err)
			for _, e := range tc.want {
				assert.True(t, exps.Enabled(codersdk.Experiment(e)), e)
			}
		})
	}
	t.Run("Available", func(t *testing.T) {
		t.Parallel()
		client := coderdtest.New(t, nil)
		_ = coderdtest.CreateFirstUser(t, client)
		res := coderdtest.RawRequest(t, client, http.MethodGet, "/api/v2/experiments/available", nil)
		require.Equal(t, http.StatusOK, res.Status)
		assert.JSONEq(t, `{"safe":[`+quoteJoin(safe)+`]}`, string(res.Body))
	})
}

func quoteJoin(items []string) string {
	quoted := make([]string, 0, len(items))
	for _, s := range items {
		quoted = append(quoted, `"`+s+`"`)
	}
	return strings.Join(quoted, ",")
}

// TestDeploymentStats: owners and auditors read the stats, shaped as
// Coder's (the counts are tested in coderd/replicatest).
func TestDeploymentStats(t *testing.T) {
	t.Parallel()
	f := newIdentityFixture(t, nil)
	for _, actor := range []string{actorOwner, actorAuditor} {
		res := coderdtest.RawRequest(t, f.clients[actor], http.MethodGet, "/api/v2/deployment/stats", nil)
		require.Equal(t, http.StatusOK, res.Status, actor)
		var raw map[string]any
		require.NoError(t, json.Unmarshal(res.Body, &raw))
		for _, field := range []string{"aggregated_from", "collected_at", "next_update_at", "workspaces", "session_count"} {
			assert.Contains(t, raw, field, actor)
		}
		stats, err := f.clients[actor].DeploymentStats(t.Context())
		require.NoError(t, err)
		assert.False(t, stats.CollectedAt.IsZero())
		assert.Zero(t, stats.Workspaces.Building)
		assert.NotNil(t, stats.SessionCount.Apps)
	}
	for _, actor := range []string{actorMember, actorUserAdmin} {
		_, err := f.clients[actor].DeploymentStats(t.Context())
		requireSDKError(t, err, http.StatusForbidden)
		_, err = f.clients[actor].DeploymentConfig(t.Context())
		requireSDKError(t, err, http.StatusForbidden)
	}
}
