package cli

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"cdr.dev/slog"
	"cdr.dev/slog/sloggers/sloghuman"
	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/agent"
	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// agentCmd is `coder agent`: the process a workspace's build starts (its
// coder_agent.init_script), which connects the workspace to the server.
func agentCmd() *serpent.Command {
	var (
		token     string
		tokenFile string
		agentURL  string
		logDir    string
		verbose   bool
	)
	return &serpent.Command{
		Use:   "agent",
		Short: "Run the workspace agent: connect this workspace to the server and run the template's scripts.",
		Long: "Started by a workspace's build (coder_agent.init_script), with the agent token and server URL in " +
			agentsdk.EnvAgentToken + " and " + agentsdk.EnvAgentURL + ". Stops on SIGTERM or SIGINT after running the stop scripts.",
		Options: serpent.OptionSet{
			{Flag: "agent-token", Env: agentsdk.EnvAgentToken, Description: "The agent's token (coder_agent.token).", Value: serpent.StringOf(&token)},
			{Flag: "agent-token-file", Env: "CODER_AGENT_TOKEN_FILE", Description: "A file holding the agent's token, read when --agent-token is not set.", Value: serpent.StringOf(&tokenFile)},
			{Flag: "agent-url", Env: agentsdk.EnvAgentURL, Description: "The server's URL (its access URL).", Value: serpent.StringOf(&agentURL)},
			{Flag: "log-dir", Env: "CODER_AGENT_LOG_DIR", Default: os.TempDir(), Description: "Where coder-agent.log and the scripts' logs are written.", Value: serpent.StringOf(&logDir)},
			{Flag: "verbose", Env: "CODER_AGENT_VERBOSE", FlagShorthand: "v", Description: "Log debug messages.", Value: serpent.BoolOf(&verbose)},
		},
		Handler: func(inv *serpent.Invocation) error {
			if token == "" && tokenFile != "" {
				b, err := os.ReadFile(tokenFile)
				if err != nil {
					return xerrors.Errorf("read --agent-token-file: %w", err)
				}
				token = strings.TrimSpace(string(b))
			}
			if token == "" {
				return xerrors.Errorf("no agent token: set %s, --agent-token or --agent-token-file", agentsdk.EnvAgentToken)
			}
			if agentURL == "" {
				return xerrors.Errorf("no server URL: set %s or --agent-url", agentsdk.EnvAgentURL)
			}
			u, err := url.Parse(agentURL)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return xerrors.Errorf("--agent-url %q is not an http(s) URL", agentURL)
			}

			if err := os.MkdirAll(logDir, 0o755); err != nil {
				return xerrors.Errorf("create --log-dir: %w", err)
			}
			logFile, err := os.OpenFile(filepath.Join(logDir, "coder-agent.log"), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
			if err != nil {
				return xerrors.Errorf("open the agent log: %w", err)
			}
			defer logFile.Close()
			logger := slog.Make(sloghuman.Sink(inv.Stderr), sloghuman.Sink(logFile)).Named("agent")
			if verbose {
				logger = logger.Leveled(slog.LevelDebug)
			}

			ctx, stop := inv.SignalNotifyContext(inv.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			logger.Info(ctx, "starting agent", slog.F("version", buildinfo.Version()), slog.F("url", u.String()), slog.F("log_dir", logDir))
			// The token stays out of the scripts' environment (the agent
			// drops it); keep it out of children started other ways too.
			_ = os.Unsetenv(agentsdk.EnvAgentToken)
			return agent.New(agent.Options{
				Client: &agentsdk.Client{URL: u, Token: token},
				Logger: logger,
				LogDir: logDir,
			}).Run(ctx)
		},
	}
}
