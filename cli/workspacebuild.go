package cli

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

// namedWorkspace finds a workspace by "name" (the caller's) or
// "owner/name", as every Coder workspace command takes it.
func namedWorkspace(ctx context.Context, client *codersdk.Client, identifier string) (codersdk.Workspace, error) {
	owner, name := splitWorkspaceName(identifier)
	if name == "" {
		return codersdk.Workspace{}, xerrors.Errorf("invalid workspace name %q: use <name> or <owner>/<name>", identifier)
	}
	ws, err := client.WorkspaceByOwnerAndName(ctx, owner, name, false)
	if err != nil {
		var apiErr *codersdk.Error
		if xerrors.As(err, &apiErr) && apiErr.StatusCode() == http.StatusNotFound {
			return ws, xerrors.Errorf("workspace %q not found", identifier)
		}
		return ws, xerrors.Errorf("get workspace %q: %w", identifier, err)
	}
	return ws, nil
}

// clientAndWorkspace is the client and the workspace that the command's
// first argument names, which most workspace commands start from.
func (r *RootCmd) clientAndWorkspace(inv *serpent.Invocation) (*codersdk.Client, codersdk.Workspace, error) {
	client, err := r.Client(inv)
	if err != nil {
		return nil, codersdk.Workspace{}, err
	}
	ws, err := namedWorkspace(inv.Context(), client, inv.Args[0])
	if err != nil {
		return nil, codersdk.Workspace{}, err
	}
	return client, ws, nil
}

// splitWorkspaceName splits "owner/name"; a bare name is the caller's.
func splitWorkspaceName(identifier string) (owner, name string) {
	if o, n, ok := strings.Cut(identifier, "/"); ok {
		return o, n
	}
	return codersdk.Me, identifier
}

// isNotFound reports whether err is an API 404.
func isNotFound(err error) bool {
	var apiErr *codersdk.Error
	return xerrors.As(err, &apiErr) && apiErr.StatusCode() == http.StatusNotFound
}

// awaitBuild streams a build's log to w until its job ends and returns
// the finished build, or an error when the job failed or was canceled, so
// that the command exits non-zero. A dropped log stream is resumed after
// the last line seen.
func awaitBuild(ctx context.Context, w io.Writer, client *codersdk.Client, build codersdk.WorkspaceBuild) (codersdk.WorkspaceBuild, error) {
	printer := &jobLogPrinter{w: w, ctx: ctx}
	var after int64
	for {
		logs, closer, err := client.WorkspaceBuildLogsAfter(ctx, build.ID, after)
		if err != nil {
			return build, xerrors.Errorf("follow build logs: %w", err)
		}
		for l := range logs {
			after = max(after, l.ID)
			printer.print(l)
		}
		_ = closer.Close()

		build, err = client.WorkspaceBuild(ctx, build.ID)
		if err != nil {
			return build, xerrors.Errorf("get build: %w", err)
		}
		if jobDone(build.Job.Status) {
			// The tail may have been written after the stream ended.
			if rest, err := client.WorkspaceBuildLogs(ctx, build.ID, after); err == nil {
				for _, l := range rest {
					printer.print(l)
				}
			}
			return build, buildError(build)
		}
		select {
		case <-ctx.Done():
			return build, ctx.Err()
		case <-time.After(time.Second):
		}
	}
}

func jobDone(s codersdk.ProvisionerJobStatus) bool {
	switch s {
	case codersdk.ProvisionerJobSucceeded, codersdk.ProvisionerJobFailed, codersdk.ProvisionerJobCanceled:
		return true
	}
	return false
}

// buildError is nil for a successful build and says why otherwise.
func buildError(b codersdk.WorkspaceBuild) error {
	switch b.Job.Status {
	case codersdk.ProvisionerJobSucceeded:
		return nil
	case codersdk.ProvisionerJobCanceled:
		return xerrors.Errorf("the %s build of workspace %q was canceled", b.Transition, b.WorkspaceName)
	default:
		msg := b.Job.Error
		if msg == "" {
			msg = string(b.Job.Status)
		}
		return xerrors.Errorf("the %s build of workspace %q failed: %s", b.Transition, b.WorkspaceName, msg)
	}
}

// jobLogPrinter prints a provisioner job's log: a heading per stage and
// the lines under it.
type jobLogPrinter struct {
	w     io.Writer
	ctx   context.Context
	stage string
}

func (p *jobLogPrinter) print(l codersdk.ProvisionerJobLog) {
	if l.Stage != "" && l.Stage != p.stage {
		p.stage = l.Stage
		_, _ = fmt.Fprintf(p.w, "==> %s\n", cliui.Bold(p.ctx, l.Stage))
	}
	if l.Output == "" {
		return
	}
	out := l.Output
	switch l.Level {
	case codersdk.LogLevelError:
		out = cliui.Error(p.ctx, out)
	case codersdk.LogLevelWarn:
		out = cliui.Warn(p.ctx, out)
	}
	_, _ = fmt.Fprintf(p.w, "    %s\n", out)
}

// buildAndWait queues a build of ws and, unless noWait, streams it to the
// end; the returned error makes the command fail when the build does.
func buildAndWait(inv *serpent.Invocation, client *codersdk.Client, ws codersdk.Workspace, req codersdk.CreateWorkspaceBuildRequest, noWait bool) (codersdk.WorkspaceBuild, error) {
	ctx := inv.Context()
	if req.Reason == "" {
		req.Reason = codersdk.CreateWorkspaceBuildReason(codersdk.BuildReasonCLI)
	}
	build, err := client.CreateWorkspaceBuild(ctx, ws.ID, req)
	if err != nil {
		return build, xerrors.Errorf("%s workspace %q: %w", req.Transition, ws.Name, err)
	}
	if noWait {
		return build, nil
	}
	return awaitOwnBuild(inv, client, build)
}

// awaitOwnBuild is awaitBuild for a build this command started: an
// interrupt (Ctrl-C) cancels the build, as Coder's CLI does, instead of
// leaving it running unwatched; the command then fails.
func awaitOwnBuild(inv *serpent.Invocation, client *codersdk.Client, build codersdk.WorkspaceBuild) (codersdk.WorkspaceBuild, error) {
	ctx, stop := inv.SignalNotifyContext(inv.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	finished, err := awaitBuild(ctx, inv.Stdout, client, build)
	if err == nil || ctx.Err() == nil || inv.Context().Err() != nil {
		return finished, err
	}
	_, _ = fmt.Fprintln(inv.Stderr, "Interrupted: canceling the build...")
	cancelCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := client.CancelWorkspaceBuild(cancelCtx, build.ID); err != nil {
		return finished, xerrors.Errorf("cancel the build: %w", err)
	}
	finished, err = awaitBuild(cancelCtx, io.Discard, client, build)
	if err == nil {
		// It finished before the cancel reached it.
		return finished, xerrors.New("interrupted")
	}
	return finished, err
}

// timestamp is how the end-of-command messages show the time.
func timestamp(t time.Time) string {
	return t.Local().Format(time.Stamp)
}
