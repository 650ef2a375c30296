package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/coder/serpent"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/term"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// ExitError carries a remote command's exit status out of `coder ssh`:
// main exits with Code and prints nothing (the command already did).
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("exit status %d", e.Code) }

// agentPollInterval is how often `coder ssh` re-reads a starting agent.
const agentPollInterval = time.Second

func (r *RootCmd) ssh() *serpent.Command {
	var (
		stdio        bool
		wait         string
		forwardAgent bool
		hostPrefix   string
	)
	return &serpent.Command{
		Use:   "ssh <workspace>[.<agent>] [-- <command>...]",
		Short: "Start a shell in a workspace, or run a command there, over SSH through the server.",
		Long: "The connection goes through the deployment to the workspace's agent, so the workspace needs no inbound network access.\n\n" +
			formatExamples(
				example{Description: "Open a shell", Command: "coder ssh my-workspace"},
				example{Description: "Run a command; its exit status is coder's", Command: "coder ssh my-workspace -- make test"},
				example{Description: "Use from OpenSSH (see coder config-ssh)", Command: "ssh -o ProxyCommand='coder ssh --stdio my-workspace' coder.my-workspace"},
			),
		Middleware: serpent.RequireRangeArgs(1, -1),
		Options: serpent.OptionSet{
			{Flag: "stdio", Env: "CODER_SSH_STDIO", Description: "Carry the SSH connection on stdin/stdout, for OpenSSH's ProxyCommand.", Value: serpent.BoolOf(&stdio)},
			{Flag: "wait", Env: "CODER_SSH_WAIT", Default: "yes", Description: "Wait for the agent's startup scripts to finish (yes), or only for the agent to connect (no).", Value: serpent.EnumOf(&wait, "yes", "no")},
			{Flag: "ssh-host-prefix", Env: "CODER_SSH_SSH_HOST_PREFIX", Description: "Strip this prefix from the workspace name (config-ssh's ProxyCommand passes the host name).", Value: serpent.StringOf(&hostPrefix)},
			{Flag: "forward-agent", FlagShorthand: "A", Env: "CODER_SSH_FORWARD_AGENT", Description: "Forward the local SSH agent ($SSH_AUTH_SOCK) to the workspace.", Value: serpent.BoolOf(&forwardAgent)},
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			name := strings.TrimPrefix(inv.Args[0], hostPrefix)
			ws, agentRef, err := workspaceAgentByName(ctx, client, name)
			if err != nil {
				return err
			}
			logw := inv.Stderr
			if err := awaitAgent(ctx, logw, client, ws, agentRef, wait == "yes"); err != nil {
				return err
			}
			conn, err := client.DialWorkspaceAgentSSH(ctx, agentRef.ID)
			if err != nil {
				return xerrors.Errorf("connect to %s: %w", name, err)
			}
			defer conn.Close()
			if stdio {
				return pipeStdio(ctx, conn, inv.Stdin, inv.Stdout)
			}
			return runSSHSession(ctx, inv, conn, inv.Args[1:], forwardAgent)
		},
	}
}

// workspaceAgentByName finds "<workspace>[.<agent>]" (the workspace may be
// "owner/name"); without an agent name the workspace must have one agent.
func workspaceAgentByName(ctx context.Context, client *codersdk.Client, ref string) (codersdk.Workspace, codersdk.WorkspaceAgent, error) {
	wsName, agentName, _ := strings.Cut(ref, ".")
	ws, err := namedWorkspace(ctx, client, wsName)
	if err != nil {
		return ws, codersdk.WorkspaceAgent{}, err
	}
	if ws.LatestBuild.Transition != codersdk.WorkspaceTransitionStart {
		return ws, codersdk.WorkspaceAgent{}, xerrors.Errorf("workspace %q is not running; start it with: coder start %s", wsName, wsName)
	}
	var agents []codersdk.WorkspaceAgent
	for _, res := range ws.LatestBuild.Resources {
		agents = append(agents, res.Agents...)
	}
	if len(agents) == 0 {
		return ws, codersdk.WorkspaceAgent{}, xerrors.Errorf("workspace %q has no agent", wsName)
	}
	if agentName == "" {
		if len(agents) > 1 {
			names := make([]string, 0, len(agents))
			for _, a := range agents {
				names = append(names, wsName+"."+a.Name)
			}
			return ws, codersdk.WorkspaceAgent{}, xerrors.Errorf("workspace %q has several agents; name one: %s", wsName, strings.Join(names, ", "))
		}
		return ws, agents[0], nil
	}
	for _, a := range agents {
		if a.Name == agentName {
			return ws, a, nil
		}
	}
	return ws, codersdk.WorkspaceAgent{}, xerrors.Errorf("workspace %q has no agent named %q", wsName, agentName)
}

// awaitAgent waits until the agent is connected and, with ready, until
// its startup scripts ended. It says once on w what it waits for.
func awaitAgent(ctx context.Context, w io.Writer, client *codersdk.Client, ws codersdk.Workspace, a codersdk.WorkspaceAgent, ready bool) error {
	said := ""
	say := func(msg string) {
		if msg != said {
			_, _ = fmt.Fprintln(w, msg)
			said = msg
		}
	}
	for {
		switch {
		case ws.LatestBuild.Job.Status == codersdk.ProvisionerJobFailed || ws.LatestBuild.Job.Status == codersdk.ProvisionerJobCanceled:
			return xerrors.Errorf("the workspace's latest build %s; see: coder logs %s", ws.LatestBuild.Job.Status, ws.Name)
		case a.Status == codersdk.WorkspaceAgentTimeout && ready:
			say("The workspace agent has not connected in time; still waiting (Ctrl+C to stop).")
		case a.Status != codersdk.WorkspaceAgentConnected:
			say("Waiting for the workspace agent to connect...")
		case !ready:
			return nil
		case a.LifecycleState == codersdk.WorkspaceAgentLifecycleCreated || a.LifecycleState == codersdk.WorkspaceAgentLifecycleStarting:
			say("Waiting for the workspace's startup scripts to finish...")
		case a.LifecycleState == codersdk.WorkspaceAgentLifecycleStartError || a.LifecycleState == codersdk.WorkspaceAgentLifecycleStartTimeout:
			say(fmt.Sprintf("Warning: the workspace's startup scripts ended with %s; see: coder logs %s", a.LifecycleState, ws.Name))
			return nil
		default:
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(agentPollInterval):
		}
		var err error
		if a, err = client.WorkspaceAgent(ctx, a.ID); err != nil {
			return xerrors.Errorf("read the workspace agent: %w", err)
		}
		if ws, err = client.Workspace(ctx, ws.ID); err != nil {
			return xerrors.Errorf("read the workspace: %w", err)
		}
	}
}

// pipeStdio copies the connection to stdout and stdin to it until the
// connection ends (OpenSSH closes its end when done).
func pipeStdio(ctx context.Context, conn net.Conn, stdin io.Reader, stdout io.Writer) error {
	done := make(chan struct{})
	go func() {
		_, _ = agentsdk.Copy(conn, stdin)
		// stdin closed: OpenSSH is done writing.
		_ = conn.Close()
	}()
	go func() {
		defer close(done)
		_, _ = agentsdk.Copy(stdout, conn)
	}()
	select {
	case <-ctx.Done():
		_ = conn.Close()
		<-done
	case <-done:
	}
	return nil
}

// runSSHSession runs a shell (with a terminal when stdin is one) or a
// command in the workspace and returns its exit status as an *ExitError.
func runSSHSession(ctx context.Context, inv *serpent.Invocation, conn net.Conn, command []string, forwardAgent bool) error {
	sshConn, chans, reqs, err := gossh.NewClientConn(conn, "coder", &gossh.ClientConfig{
		User: "coder",
		// The server authenticated us and chose the agent; the agent's
		// host key is made fresh each run, so there is nothing to pin.
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), //nolint:gosec // see above
	})
	if err != nil {
		return xerrors.Errorf("ssh handshake with the agent: %w", err)
	}
	client := gossh.NewClient(sshConn, chans, reqs)
	defer client.Close()
	sess, err := client.NewSession()
	if err != nil {
		return xerrors.Errorf("open ssh session: %w", err)
	}
	defer sess.Close()

	if forwardAgent {
		if sock := os.Getenv("SSH_AUTH_SOCK"); sock != "" {
			if err := agent.ForwardToRemote(client, sock); err == nil {
				_ = agent.RequestAgentForwarding(sess)
			}
		}
	}

	stdinFile, _ := inv.Stdin.(*os.File)
	stdoutFile, _ := inv.Stdout.(*os.File)
	tty := stdinFile != nil && term.IsTerminal(int(stdinFile.Fd())) && len(command) == 0
	if tty {
		width, height := 80, 24
		if stdoutFile != nil {
			if w, h, err := term.GetSize(int(stdoutFile.Fd())); err == nil {
				width, height = w, h
			}
		}
		termName := os.Getenv("TERM")
		if termName == "" {
			termName = "xterm-256color"
		}
		if err := sess.RequestPty(termName, height, width, gossh.TerminalModes{}); err != nil {
			return xerrors.Errorf("request a terminal: %w", err)
		}
		state, err := term.MakeRaw(int(stdinFile.Fd()))
		if err == nil {
			defer func() { _ = term.Restore(int(stdinFile.Fd()), state) }()
		}
		stopResize := watchWindowSize(sess, stdoutFile)
		defer stopResize()
	}

	sess.Stdout = inv.Stdout
	sess.Stderr = inv.Stderr
	stdin, err := sess.StdinPipe()
	if err != nil {
		return err
	}
	go func() {
		_, _ = io.Copy(stdin, inv.Stdin)
		_ = stdin.Close()
	}()
	if len(command) == 0 {
		err = sess.Shell()
	} else {
		err = sess.Start(strings.Join(command, " "))
	}
	if err != nil {
		return xerrors.Errorf("start the remote command: %w", err)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- sess.Wait() }()
	select {
	case <-ctx.Done():
		_ = client.Close()
		return ctx.Err()
	case err = <-waitErr:
	}
	var exit *gossh.ExitError
	if errors.As(err, &exit) {
		return &ExitError{Code: exit.ExitStatus()}
	}
	var missing *gossh.ExitMissingError
	if errors.As(err, &missing) {
		return xerrors.New("the connection to the workspace ended without an exit status")
	}
	return err
}

// watchWindowSize forwards the local terminal's size changes.
func watchWindowSize(sess *gossh.Session, out *os.File) func() {
	if out == nil {
		return func() {}
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGWINCH)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-done:
				return
			case <-sigs:
				if w, h, err := term.GetSize(int(out.Fd())); err == nil {
					_ = sess.WindowChange(h, w)
				}
			}
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
		wg.Wait()
	}
}
