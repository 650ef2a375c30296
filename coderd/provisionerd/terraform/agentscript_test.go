package terraform_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/terraform"
)

func TestAgentScriptEnvCoversPlatforms(t *testing.T) {
	t.Parallel()
	env := terraform.AgentScriptEnv()
	for _, name := range []string{"linux_amd64", "linux_arm64", "darwin_amd64", "darwin_arm64"} {
		found := false
		for _, kv := range env {
			if strings.HasPrefix(kv, "CODER_AGENT_SCRIPT_"+name+"=") {
				found = true
				assert.Contains(t, kv, "${ACCESS_URL}bin/coder-"+strings.ReplaceAll(name, "_", "-"))
			}
		}
		assert.True(t, found, name)
	}
}

// The bootstrap script, as the provider fills it in, downloads the binary
// (retrying while the server fails) and execs it as `agent` with the URL.
func TestAgentScriptDownloadsAndRunsAgent(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("curl"); err != nil {
		if _, err := exec.LookPath("wget"); err != nil {
			t.Skip("neither curl nor wget")
		}
	}
	out := filepath.Join(t.TempDir(), "ran")
	fake := "#!/bin/sh\necho \"$1 $CODER_AGENT_URL $CODER_AGENT_AUTH\" > " + out + "\n"
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/bin/coder-linux-amd64" {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if calls.Add(1) == 1 {
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		_, _ = w.Write([]byte(fake))
	}))
	t.Cleanup(srv.Close)

	script := strings.NewReplacer("${ACCESS_URL}", srv.URL+"/", "${AUTH_TYPE}", "token").
		Replace(terraform.AgentScript("linux", "amd64"))
	cmd := exec.Command("sh", "-c", strings.ReplaceAll(script, "sleep 5", "sleep 0"))
	b, err := cmd.CombinedOutput()
	require.NoError(t, err, string(b))
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, "agent "+srv.URL+"/ token\n", string(got))
	assert.EqualValues(t, 2, calls.Load())
}
