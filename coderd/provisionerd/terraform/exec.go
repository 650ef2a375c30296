package terraform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"cdr.dev/slog"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
)

// Log stages, as a user sees them in a job's logs. They match the echo
// provisioner's so both read the same in the UI.
const (
	stageSettingUp           = "Setting up"
	stagePlanning            = "Planning"
	stageApplying            = "Applying"
	stageParsing             = "Parsing template parameters"
	stageDetectingPersistent = "Detecting persistent resources"
	stageDetectingEphemeral  = "Detecting ephemeral resources"
)

// pipeWaitDelay bounds how long we read Terraform's output after it exits,
// in case a process it started still holds the pipes.
const pipeWaitDelay = 5 * time.Second

// job is one Import or Build: where it runs, the environment every
// Terraform command gets, where logs go and the timings collected so far.
type job struct {
	p      *Provisioner
	ctx    context.Context
	tfPath string
	dir    string
	// scratch holds plan and variable files, outside the template.
	scratch string
	env     []string
	install Install
	log     provisioner.Logger
	timings []provisioner.Timing
}

func (j *job) logf(level provisioner.LogLevel, stage, format string, args ...any) {
	j.log(provisioner.Log{Level: level, Stage: stage, Output: fmt.Sprintf(format, args...)})
}

// outputLine is one line Terraform wrote.
type outputLine struct {
	stderr bool
	text   string
}

// lineWriter splits what a command writes into lines and hands them to the
// goroutine running the job, which is the only one allowed to call the
// provisioner.Logger.
type lineWriter struct {
	stderr bool
	ch     chan<- outputLine
	// done is closed when nobody reads ch anymore; late writes (a pipe
	// drained after WaitDelay) are dropped instead of blocking forever.
	done <-chan struct{}
	mu   sync.Mutex
	buf  []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		line := strings.TrimRight(string(w.buf[:i]), "\r")
		w.buf = w.buf[i+1:]
		select {
		case w.ch <- outputLine{stderr: w.stderr, text: line}:
		case <-w.done:
		}
	}
	return len(p), nil
}

// rest returns an unterminated last line, once the command is done.
func (w *lineWriter) rest() (string, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.buf) == 0 {
		return "", false
	}
	s := strings.TrimRight(string(w.buf), "\r")
	w.buf = nil
	return s, true
}

// cmdResult is what a finished Terraform command left behind.
type cmdResult struct {
	// stdout is the captured standard output (capture mode only).
	stdout []byte
	// diags are the error diagnostics Terraform reported, formatted.
	diags []string
	// stderr holds the lines written to standard error.
	stderr []string
	// exitErr is non-nil when Terraform exited unsuccessfully.
	exitErr error
}

// failure turns an unsuccessful command into the *provisioner.Failure the
// user sees, preferring Terraform's own diagnostics.
func (r cmdResult) failure(what string) error {
	var msg string
	switch {
	case len(r.diags) > 0:
		msg = strings.Join(r.diags, "\n\n")
	case len(r.stderr) > 0:
		msg = strings.TrimSpace(strings.Join(r.stderr, "\n"))
	default:
		msg = fmt.Sprintf("terraform %s failed: %s", what, r.exitErr)
	}
	return &provisioner.Failure{Message: msg}
}

// runOpts says how to run one Terraform command.
type runOpts struct {
	// stage is the log stage of its output.
	stage string
	// timingStage, when set, records one Timing covering the command with
	// this stage and timingAction.
	timingStage  string
	timingAction string
	// uiJSON: stdout is Terraform's machine-readable UI (-json); its
	// messages are logged and per-resource timings recorded under
	// resourceStage.
	uiJSON        bool
	resourceStage string
	// capture keeps stdout instead of logging it (show -json, graph).
	capture bool
	// env is added to the job's environment.
	env []string
}

// run executes terraform with args in the job's directory. Output is
// logged as it arrives. When the job's context is canceled, Terraform gets
// an interrupt so it can stop cleanly and is killed, with everything it
// started, CancelGrace later; run then returns the context's error.
func (j *job) run(opts runOpts, args ...string) (cmdResult, error) {
	if err := j.ctx.Err(); err != nil {
		return cmdResult{}, err
	}
	start := time.Now()
	cmd := exec.Command(j.tfPath, args...)
	cmd.Dir = j.dir
	cmd.Env = append(append([]string{}, j.env...), opts.env...)
	cmd.SysProcAttr = startInOwnGroup(cmd.SysProcAttr)
	cmd.WaitDelay = pipeWaitDelay

	lines := make(chan outputLine, 256)
	readerDone := make(chan struct{})
	defer close(readerDone)
	var stdoutBuf bytes.Buffer
	stdoutW := &lineWriter{ch: lines, done: readerDone}
	stderrW := &lineWriter{ch: lines, done: readerDone, stderr: true}
	if opts.capture {
		cmd.Stdout = &stdoutBuf
	} else {
		cmd.Stdout = stdoutW
	}
	cmd.Stderr = stderrW

	j.p.opts.Logger.Debug(j.ctx, "running terraform", slog.F("args", args), slog.F("dir", j.dir))
	if err := cmd.Start(); err != nil {
		return cmdResult{}, xerrors.Errorf("start %s: %w", j.tfPath, err)
	}
	waitErr := make(chan error, 1)
	go func() { waitErr <- cmd.Wait() }()

	ui := &uiState{job: j, stage: opts.stage, resourceStage: opts.resourceStage, open: map[string]time.Time{}}
	var res cmdResult
	handle := func(l outputLine) {
		switch {
		case l.stderr:
			if strings.TrimSpace(l.text) == "" {
				return
			}
			res.stderr = append(res.stderr, l.text)
			j.log(provisioner.Log{Level: provisioner.LogLevelError, Stage: opts.stage, Output: l.text})
		case opts.uiJSON:
			if d := ui.handle(l.text); d != "" {
				res.diags = append(res.diags, d)
			}
		default:
			j.log(provisioner.Log{Level: provisioner.LogLevelInfo, Stage: opts.stage, Output: l.text})
		}
	}

	ctxDone := j.ctx.Done()
	var kill <-chan time.Time
	var err error
loop:
	for {
		select {
		case l := <-lines:
			handle(l)
		case <-ctxDone:
			ctxDone = nil
			j.p.opts.Logger.Debug(j.ctx, "interrupting terraform", slog.F("args", args))
			_ = interruptProcess(cmd.Process)
			t := time.NewTimer(j.p.opts.CancelGrace)
			defer t.Stop()
			kill = t.C
		case <-kill:
			kill = nil
			j.p.opts.Logger.Warn(context.Background(), "terraform did not stop after an interrupt, killing it",
				slog.F("args", args), slog.F("grace", j.p.opts.CancelGrace))
			_ = killGroup(cmd.Process)
		case err = <-waitErr:
			break loop
		}
	}
	// Wait returned, so every write is done: what is left is buffered.
drain:
	for {
		select {
		case l := <-lines:
			handle(l)
		default:
			break drain
		}
	}
	for _, w := range []*lineWriter{stdoutW, stderrW} {
		if s, ok := w.rest(); ok {
			handle(outputLine{stderr: w.stderr, text: s})
		}
	}
	ui.closeOpen()

	if ctxErr := j.ctx.Err(); ctxErr != nil {
		return cmdResult{}, ctxErr
	}
	if err != nil && !errors.Is(err, exec.ErrWaitDelay) {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			return cmdResult{}, xerrors.Errorf("run terraform %s: %w", args[0], err)
		}
		res.exitErr = err
	}
	if opts.timingStage != "" {
		j.timings = append(j.timings, provisioner.Timing{
			Start:    start.UTC(),
			End:      time.Now().UTC(),
			Action:   opts.timingAction,
			Source:   "terraform",
			Resource: "terraform " + args[0],
			Stage:    opts.timingStage,
		})
	}
	res.stdout = stdoutBuf.Bytes()
	return res, nil
}

// uiMessage is one line of Terraform's machine-readable UI output
// (https://developer.hashicorp.com/terraform/internals/machine-readable-ui).
type uiMessage struct {
	Level      string          `json:"@level"`
	Message    string          `json:"@message"`
	Timestamp  string          `json:"@timestamp"`
	Type       string          `json:"type"`
	Diagnostic *uiDiagnostic   `json:"diagnostic"`
	Hook       json.RawMessage `json:"hook"`
}

type uiDiagnostic struct {
	Severity string `json:"severity"`
	Summary  string `json:"summary"`
	Detail   string `json:"detail"`
	Address  string `json:"address"`
	Range    *struct {
		Filename string `json:"filename"`
		Start    struct {
			Line   int `json:"line"`
			Column int `json:"column"`
		} `json:"start"`
	} `json:"range"`
	Snippet *struct {
		Context string `json:"context"`
		Code    string `json:"code"`
	} `json:"snippet"`
}

type uiHook struct {
	Resource struct {
		Addr            string `json:"addr"`
		ImpliedProvider string `json:"implied_provider"`
	} `json:"resource"`
	Action string `json:"action"`
}

// uiState follows a -json UI stream: it logs messages and pairs the
// start and end of each resource operation into a Timing.
type uiState struct {
	job           *job
	stage         string
	resourceStage string
	open          map[string]time.Time // addr + action -> start
	provider      map[string]string
}

// noisyWarnings are warnings every offline run produces; they are logged
// at debug level so users do not chase them.
var noisyWarnings = []string{
	"Incomplete lock file information for providers",
}

// handle logs one line and returns a formatted error diagnostic, if the
// line is one.
func (u *uiState) handle(text string) string {
	var m uiMessage
	if err := json.Unmarshal([]byte(text), &m); err != nil || m.Type == "" {
		if strings.TrimSpace(text) != "" {
			u.job.log(provisioner.Log{Level: provisioner.LogLevelInfo, Stage: u.stage, Output: text})
		}
		return ""
	}
	level := provisioner.LogLevel(m.Level)
	if !level.Valid() {
		level = provisioner.LogLevelInfo
	}
	u.timing(m)

	if d := m.Diagnostic; d != nil {
		for _, w := range noisyWarnings {
			if d.Severity == "warning" && d.Summary == w {
				level = provisioner.LogLevelDebug
			}
		}
		for _, line := range diagnosticLines(m.Message, d) {
			u.job.log(provisioner.Log{Level: level, Stage: u.stage, Output: line})
		}
		if d.Severity == "error" && !isPreamble(d) {
			return formatDiagnostic(d)
		}
		return ""
	}
	if m.Message != "" {
		u.job.log(provisioner.Log{Level: level, Stage: u.stage, Output: m.Message})
	}
	return ""
}

func (u *uiState) timing(m uiMessage) {
	if u.resourceStage == "" || len(m.Hook) == 0 {
		return
	}
	var h uiHook
	if err := json.Unmarshal(m.Hook, &h); err != nil || h.Resource.Addr == "" {
		return
	}
	ts, err := time.Parse(time.RFC3339Nano, m.Timestamp)
	if err != nil {
		ts = time.Now()
	}
	action := h.Action
	switch m.Type {
	case "refresh_start", "refresh_complete":
		action = "refresh"
	}
	key := h.Resource.Addr + "\x00" + action
	switch m.Type {
	case "apply_start", "refresh_start":
		u.open[key] = ts
		if u.provider == nil {
			u.provider = map[string]string{}
		}
		u.provider[key] = h.Resource.ImpliedProvider
	case "apply_complete", "apply_errored", "refresh_complete":
		startTS, ok := u.open[key]
		if !ok {
			return
		}
		delete(u.open, key)
		u.job.timings = append(u.job.timings, provisioner.Timing{
			Start:    startTS.UTC(),
			End:      ts.UTC(),
			Action:   action,
			Source:   h.Resource.ImpliedProvider,
			Resource: h.Resource.Addr,
			Stage:    u.resourceStage,
		})
	}
}

// closeOpen records operations that never completed (an interrupted
// apply) as ending now.
func (u *uiState) closeOpen() {
	now := time.Now().UTC()
	for key, startTS := range u.open {
		addr, action, _ := strings.Cut(key, "\x00")
		u.job.timings = append(u.job.timings, provisioner.Timing{
			Start: startTS.UTC(), End: now, Action: action, Source: u.provider[key], Resource: addr, Stage: u.resourceStage,
		})
	}
	u.open = map[string]time.Time{}
}

// isPreamble reports diagnostics that only introduce the real ones; they
// are logged but kept out of failure messages.
func isPreamble(d *uiDiagnostic) bool {
	return strings.HasPrefix(d.Summary, "Terraform encountered problems during initiali") && strings.TrimSpace(d.Detail) == ""
}

// diagnosticLines renders a diagnostic the way the Terraform CLI does,
// one log line per line.
func diagnosticLines(message string, d *uiDiagnostic) []string {
	if message == "" {
		message = d.Summary
	}
	out := strings.Split(message, "\n")
	if d.Range != nil && d.Range.Filename != "" {
		where := fmt.Sprintf("  on %s line %d", d.Range.Filename, d.Range.Start.Line)
		if d.Snippet != nil && d.Snippet.Context != "" {
			where += ", in " + d.Snippet.Context
		}
		out = append(out, where+":")
		if d.Snippet != nil && d.Snippet.Code != "" {
			for _, c := range strings.Split(d.Snippet.Code, "\n") {
				out = append(out, "    "+c)
			}
		}
	}
	for _, l := range strings.Split(strings.TrimRight(d.Detail, "\n"), "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// formatDiagnostic is a diagnostic as one message for a Failure:
// "summary (file:line): detail".
func formatDiagnostic(d *uiDiagnostic) string {
	var b strings.Builder
	b.WriteString(strings.TrimSpace(d.Summary))
	if d.Address != "" {
		fmt.Fprintf(&b, " [%s]", d.Address)
	}
	if d.Range != nil && d.Range.Filename != "" {
		fmt.Fprintf(&b, " (%s:%d,%d)", d.Range.Filename, d.Range.Start.Line, d.Range.Start.Column)
	}
	if detail := strings.TrimSpace(d.Detail); detail != "" {
		b.WriteString(": ")
		b.WriteString(detail)
	}
	return b.String()
}
