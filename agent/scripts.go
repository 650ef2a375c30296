package agent

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/robfig/cron/v3"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// scriptOutcome is how a script run ended.
type scriptOutcome int

const (
	scriptOK scriptOutcome = iota
	scriptFailed
	scriptTimedOut
	scriptCanceled
)

// outputDrain is how long a finished script's output is awaited before
// the script counts as done: processes it left in the background may keep
// the pipe open (their output is still streamed).
const outputDrain = 500 * time.Millisecond

// scriptEnv is the environment of scripts: the agent's own (without its
// token), the template's env, and the variables Coder sets.
func (a *Agent) scriptEnv(m *agentsdk.Manifest) []string {
	env := make([]string, 0, len(a.opts.Environ)+len(m.EnvironmentVariables)+8)
	for _, kv := range a.opts.Environ {
		if strings.HasPrefix(kv, agentsdk.EnvAgentToken+"=") {
			continue
		}
		env = append(env, kv)
	}
	for k, v := range m.EnvironmentVariables {
		env = append(env, k+"="+v)
	}
	env = append(env,
		"CODER=true",
		"CODER_WORKSPACE_NAME="+m.WorkspaceName,
		"CODER_WORKSPACE_OWNER_NAME="+m.OwnerName,
		"CODER_WORKSPACE_AGENT_NAME="+m.AgentName,
	)
	if a.opts.Client != nil && a.opts.Client.URL != nil {
		env = append(env, agentsdk.EnvAgentURL+"="+a.opts.Client.URL.String())
	}
	return env
}

// workDir is where scripts run: the expanded directory when it exists.
func (a *Agent) workDir() string {
	a.mu.Lock()
	dir := a.directory
	a.mu.Unlock()
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return dir
	}
	return ""
}

// runScript runs one script with its output streamed to its log source.
func (a *Agent) runScript(ctx context.Context, m *agentsdk.Manifest, s codersdk.WorkspaceAgentScript) scriptOutcome {
	logger := a.logger.With(slog.F("script", s.DisplayName), slog.F("log_source_id", s.LogSourceID))
	runCtx := ctx
	cancel := context.CancelFunc(func() {})
	if s.Timeout > 0 {
		runCtx, cancel = context.WithTimeout(ctx, s.Timeout)
	}
	defer cancel()

	src := a.logs.source(s.LogSourceID)
	defer src.flush()
	var file io.WriteCloser
	if a.opts.LogDir != "" {
		f, err := os.OpenFile(filepath.Join(a.opts.LogDir, "coder-script-"+s.LogSourceID.String()+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err == nil {
			file = f
			defer f.Close()
		}
	}

	pr, pw, err := os.Pipe()
	if err != nil {
		src.add(fmt.Sprintf("could not run the script: %v", err), codersdk.LogLevelError)
		return scriptFailed
	}
	cmd := exec.CommandContext(runCtx, "sh", "-c", s.Script)
	cmd.Dir = a.workDir()
	cmd.Env = a.scriptEnv(m)
	cmd.Stdout, cmd.Stderr = pw, pw
	setProcessGroup(cmd)

	start := time.Now()
	logger.Info(ctx, "running script")
	err = cmd.Start()
	_ = pw.Close()
	if err != nil {
		_ = pr.Close()
		src.add(fmt.Sprintf("could not run the script: %v", err), codersdk.LogLevelError)
		return scriptFailed
	}
	read := make(chan struct{})
	go func() {
		defer close(read)
		defer pr.Close()
		readLines(pr, func(line string) {
			if file != nil {
				_, _ = io.WriteString(file, line+"\n")
			}
			src.add(line, codersdk.LogLevelInfo)
		})
	}()
	err = cmd.Wait()
	select {
	case <-read:
	case <-time.After(outputDrain):
	}

	switch {
	case ctx.Err() != nil:
		logger.Info(ctx, "script canceled")
		return scriptCanceled
	case runCtx.Err() != nil:
		src.add(fmt.Sprintf("script timed out after %s", s.Timeout), codersdk.LogLevelError)
		logger.Warn(ctx, "script timed out", slog.F("timeout", s.Timeout))
		return scriptTimedOut
	case err != nil:
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			src.add(fmt.Sprintf("script exited with code %d", exitErr.ExitCode()), codersdk.LogLevelError)
		}
		logger.Warn(ctx, "script failed", slog.Error(err), slog.F("took", time.Since(start)))
		return scriptFailed
	}
	logger.Info(ctx, "script finished", slog.F("took", time.Since(start)))
	return scriptOK
}

// runScripts runs scripts concurrently and returns the worst outcome.
func (a *Agent) runScripts(ctx context.Context, m *agentsdk.Manifest, scripts []codersdk.WorkspaceAgentScript) scriptOutcome {
	var (
		mu    sync.Mutex
		worst = scriptOK
		wg    sync.WaitGroup
	)
	for _, s := range scripts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := a.runScript(ctx, m, s)
			mu.Lock()
			if o > worst {
				worst = o
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	return worst
}

// cronParser reads coder_script cron expressions, which have a seconds
// field (as Coder's do), and the @every/@hourly descriptors.
var cronParser = cron.NewParser(cron.Second | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// runCronScripts runs scheduled scripts until ctx ends; a run still going
// when the next is due is not started twice.
func (a *Agent) runCronScripts(ctx context.Context, m *agentsdk.Manifest) {
	c := cron.New(cron.WithParser(cronParser), cron.WithChain(cron.SkipIfStillRunning(cron.DiscardLogger)))
	n := 0
	for _, s := range m.Scripts {
		if s.Cron == "" {
			continue
		}
		_, err := c.AddFunc(s.Cron, func() { a.runScript(ctx, m, s) })
		if err != nil {
			a.logs.source(s.LogSourceID).add(fmt.Sprintf("invalid cron schedule %q: %v", s.Cron, err), codersdk.LogLevelError)
			continue
		}
		n++
	}
	if n == 0 {
		return
	}
	c.Start()
	<-ctx.Done()
	<-c.Stop().Done()
}
