package codersdk_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/coder/serpent"

	"github.com/devplane/devplane/codersdk"
)

func TestGeneralWireFormat(t *testing.T) {
	t.Parallel()

	for _, tc := range []golden{
		{name: "DeploymentStats", example: `{
  "aggregated_from": "2019-08-24T14:15:22Z",
  "collected_at": "2019-08-24T14:15:22Z",
  "next_update_at": "2019-08-24T14:15:22Z",
  "session_count": {
    "apps": {
      "property1": {
        "count": 0,
        "display_name": "string",
        "family": "vscode",
        "icon": "string"
      },
      "property2": {
        "count": 0,
        "display_name": "string",
        "family": "vscode",
        "icon": "string"
      }
    },
    "jetbrains": 0,
    "reconnecting_pty": 0,
    "ssh": 0,
    "vscode": 0
  },
  "workspaces": {
    "building": 0,
    "connection_latency_ms": {
      "p50": 0,
      "p95": 0
    },
    "failed": 0,
    "pending": 0,
    "running": 0,
    "rx_bytes": 0,
    "stopped": 0,
    "tx_bytes": 0
  }
}`, newT: func() any { return &codersdk.DeploymentStats{} }},
		{name: "SSHConfigResponse", example: `{
  "hostname_prefix": "string",
  "hostname_suffix": "string",
  "ssh_config_options": {
    "property1": "string",
    "property2": "string"
  }
}`, newT: func() any { return &codersdk.SSHConfigResponse{} }},
		{name: "Experiments", example: `["example"]`, newT: func() any { return &codersdk.Experiments{} }},
		// What upstream's server sends for GET /experiments/available; its
		// reference wrongly documents a bare array.
		{name: "AvailableExperiments", example: `{"safe": ["example"]}`, newT: func() any { return &codersdk.AvailableExperiments{} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			checkGolden(t, tc)
		})
	}
}

func TestGeneralEnums(t *testing.T) {
	t.Parallel()

	t.Run("Experiment", func(t *testing.T) {
		t.Parallel()
		// The "Enumerated Values" cell of codersdk.Experiment.
		want := enumList("`agent-lifecycle-hooks`, `ai-gateway-reverse-proxy`, `ai-gateway-seat-exclusion`, " +
			"`auto-fill-parameters`, `chat-advisor`, `chat-automations`, `chat-inline-mcp-servers`, `chat-projects`, " +
			"`chat-stage-metrics`, `chat-virtual-desktop`, `enable-ai-workspace-debug`, `example`, `mcp-server-http`, " +
			"`mcp-tool-search`, `no_nats_pubsub`, `notifications`, `workspace-build-updates`, " +
			"`workspace-capable-licensing`, `workspace-usage`")
		assertStrings(t, sortedStrings(codersdk.ExperimentsKnown), want)
		for _, e := range codersdk.ExperimentsSafe {
			if !e.Known() {
				t.Errorf("safe experiment %q is not known", e)
			}
		}
		if codersdk.Experiment("nope").Known() {
			t.Error(`"nope" is known`)
		}
		if !(codersdk.Experiments{codersdk.ExperimentExample}).Enabled(codersdk.ExperimentExample) {
			t.Error("Enabled is false for a listed experiment")
		}
	})
	t.Run("AppFamilyName", func(t *testing.T) {
		t.Parallel()
		want := enumList("`jetbrains`, `port_forwarding`, `reconnecting_pty`, `sftp`, `ssh`, `unknown`, `vscode`")
		got := sortedStrings([]codersdk.AppFamilyName{
			codersdk.AppFamilyJetBrains, codersdk.AppFamilyPortForwarding, codersdk.AppFamilyReconnectingPTY,
			codersdk.AppFamilySFTP, codersdk.AppFamilySSH, codersdk.AppFamilyUnknown, codersdk.AppFamilyVSCode,
		})
		assertStrings(t, got, want)
	})
}

// The client must decode option values with their real types, into the
// same DeploymentValues that Values points at.
func TestDeploymentConfigDecode(t *testing.T) {
	t.Parallel()

	served := &codersdk.DeploymentValues{}
	served.Verbose = true
	served.HTTPAddress = "0.0.0.0:8080"
	served.SessionConfig.DefaultDuration = serpent.Duration(36 * time.Hour)
	served.Experiments = []string{"example"}
	body, err := json.Marshal(codersdk.DeploymentConfig{Values: served, Options: served.Options()})
	if err != nil {
		t.Fatal(err)
	}

	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/api/v2/deployment/config" {
			http.NotFound(rw, r)
			return
		}
		rw.Header().Set("Content-Type", "application/json")
		_, _ = rw.Write(body)
	}))
	t.Cleanup(srv.Close)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}

	client := codersdk.New(u)
	client.HTTPClient = srv.Client() // not http.DefaultTransport, which other tests' servers close
	cfg, err := client.DeploymentConfig(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Values.Verbose.Value() || cfg.Values.HTTPAddress.String() != "0.0.0.0:8080" ||
		cfg.Values.SessionConfig.DefaultDuration.Value() != 36*time.Hour ||
		len(cfg.Values.Experiments) != 1 || cfg.Values.Experiments[0] != "example" {
		t.Errorf("values not decoded: %+v", cfg.Values)
	}
	found := false
	for _, opt := range cfg.Options {
		if opt.Flag != "http-address" {
			continue
		}
		found = true
		if opt.Value == nil || opt.Value.String() != "0.0.0.0:8080" {
			t.Errorf("http-address option value = %v, want 0.0.0.0:8080", opt.Value)
		}
		if opt.Value != &cfg.Values.HTTPAddress {
			t.Error("http-address option does not point into Values")
		}
	}
	if !found {
		t.Error("http-address option missing")
	}
}
