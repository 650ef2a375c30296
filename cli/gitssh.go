package cli

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// gitssh is what the agent's SSH sessions set as GIT_SSH_COMMAND: ssh with
// the workspace owner's key, read from the server with the agent's token
// (CODER_AGENT_URL, CODER_AGENT_TOKEN or CODER_AGENT_TOKEN_FILE).
func gitsshCmd() *serpent.Command {
	return &serpent.Command{
		Use:    "gitssh -- <ssh arguments>",
		Short:  "Run ssh with the workspace owner's git SSH key (used as GIT_SSH_COMMAND inside workspaces).",
		Hidden: true,
		Handler: func(inv *serpent.Invocation) error {
			ctx, cancel := context.WithTimeout(inv.Context(), 30*time.Second)
			defer cancel()
			key, err := fetchGitSSHKey(ctx)
			if err != nil {
				return err
			}
			dir, err := os.MkdirTemp("", "coder-gitssh-key-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(dir)
			keyFile := filepath.Join(dir, "id")
			if err := os.WriteFile(keyFile, []byte(key.PrivateKey), 0o600); err != nil {
				return err
			}
			// Our key first; the user's own keys and config still apply.
			args := append([]string{"-i", keyFile}, inv.Args...)
			cmd := exec.CommandContext(inv.Context(), "ssh", args...)
			cmd.Stdin, cmd.Stdout, cmd.Stderr = inv.Stdin, inv.Stdout, inv.Stderr
			if err := cmd.Run(); err != nil {
				var exit *exec.ExitError
				if xerrors.As(err, &exit) {
					return &ExitError{Code: exit.ExitCode()}
				}
				return xerrors.Errorf("run ssh: %w", err)
			}
			return nil
		},
	}
}

func fetchGitSSHKey(ctx context.Context) (agentsdk.GitSSHKey, error) {
	var key agentsdk.GitSSHKey
	rawURL := os.Getenv(agentsdk.EnvAgentURL)
	token := os.Getenv(agentsdk.EnvAgentToken)
	if token == "" {
		if file := os.Getenv("CODER_AGENT_TOKEN_FILE"); file != "" {
			b, err := os.ReadFile(file)
			if err != nil {
				return key, xerrors.Errorf("read the agent token: %w", err)
			}
			token = strings.TrimSpace(string(b))
		}
	}
	if rawURL == "" || token == "" {
		return key, xerrors.New("coder gitssh runs inside a workspace: " + agentsdk.EnvAgentURL + " and the agent token are not set")
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return key, xerrors.Errorf("parse %s: %w", agentsdk.EnvAgentURL, err)
	}
	client := codersdk.New(u)
	client.SetSessionToken(token)
	res, err := client.Request(ctx, "GET", "/api/v2/workspaceagents/me/gitsshkey", nil)
	if err != nil {
		return key, xerrors.Errorf("read the git SSH key: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		return key, codersdk.ReadBodyAsError(res)
	}
	if err := json.NewDecoder(res.Body).Decode(&key); err != nil {
		return key, xerrors.Errorf("read the git SSH key: %w", err)
	}
	return key, nil
}
