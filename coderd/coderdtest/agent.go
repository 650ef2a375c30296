package coderdtest

import (
	"context"
	"net/url"
	"testing"
	"time"

	"cdr.dev/slog"
	"cdr.dev/slog/sloggers/slogtest"
	"github.com/google/uuid"

	"github.com/devplane/devplane/agent"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// RunAgent runs the workspace agent in-process with token against
// serverURL until the test ends or stop is called: a shell environment
// with a HOME of its own, and quick reconnects so that tests cutting its
// connection need not wait. mutate may change the options first.
func RunAgent(t testing.TB, serverURL *url.URL, token string, mutate ...func(*agent.Options)) (stop func()) {
	t.Helper()
	opts := agent.Options{
		Client:     &agentsdk.Client{URL: serverURL, Token: token},
		Logger:     slogtest.Make(t, &slogtest.Options{IgnoreErrors: true}).Leveled(slog.LevelInfo).Named("agent"),
		Environ:    []string{"HOME=" + t.TempDir(), "PATH=/usr/local/bin:/usr/bin:/bin", "SHELL=/bin/sh"},
		MinBackoff: 100 * time.Millisecond, MaxBackoff: time.Second,
	}
	for _, m := range mutate {
		m(&opts)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = agent.New(opts).Run(ctx) }()
	stop = func() { cancel(); <-done }
	t.Cleanup(stop)
	return stop
}

// AwaitAgentConnected waits until client sees the agent connected.
func AwaitAgentConnected(t testing.TB, client *codersdk.Client, agentID uuid.UUID) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // a hang guard, not a limit
	for {
		got, err := client.WorkspaceAgent(context.Background(), agentID)
		if err == nil && got.Status == codersdk.WorkspaceAgentConnected {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("agent %s never connected (last error: %v)", agentID, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
