package agent

import (
	"context"
	"net/http"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/google/uuid"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// runAppHealth checks each app that has a health check every interval:
// a 2xx-4xx answer is healthy, threshold consecutive failures (errors or
// 5xx) unhealthy. The server shows initializing until the first report;
// reports are sent only on change.
func (a *Agent) runAppHealth(ctx context.Context, m *agentsdk.Manifest) {
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var wg sync.WaitGroup
	for _, app := range m.Apps {
		if app.Healthcheck.URL == "" || app.Healthcheck.Interval <= 0 {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			a.checkApp(ctx, client, app)
		}()
	}
	wg.Wait()
}

func (a *Agent) checkApp(ctx context.Context, client *http.Client, app codersdk.WorkspaceApp) {
	interval := time.Duration(app.Healthcheck.Interval) * time.Second
	threshold := int(app.Healthcheck.Threshold)
	if threshold < 1 {
		threshold = 1
	}
	var (
		failures int
		current  = codersdk.WorkspaceAppHealthInitializing
	)
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(interval):
		}
		next := current
		if probe(ctx, client, app.Healthcheck.URL, interval) {
			failures = 0
			next = codersdk.WorkspaceAppHealthHealthy
		} else {
			failures++
			if failures >= threshold {
				next = codersdk.WorkspaceAppHealthUnhealthy
			}
		}
		if ctx.Err() != nil {
			return
		}
		if next != current {
			current = next
			a.postAppHealth(app.ID, app.Slug, next)
		}
	}
}

// probe reports whether url answered below 500 within timeout (at most
// 10s).
func probe(ctx context.Context, client *http.Client, url string, timeout time.Duration) bool {
	if timeout > 10*time.Second {
		timeout = 10 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	res, err := client.Do(req)
	if err != nil {
		return false
	}
	_ = res.Body.Close()
	return res.StatusCode < http.StatusInternalServerError
}

func (a *Agent) postAppHealth(id uuid.UUID, slug string, h codersdk.WorkspaceAppHealth) {
	a.logger.Info(context.Background(), "app health changed", slog.F("app", slug), slog.F("health", h))
	req := agentsdk.PostAppHealthsRequest{Healths: map[uuid.UUID]codersdk.WorkspaceAppHealth{id: h}}
	a.queue.push(report{name: "app health", send: func(ctx context.Context, conn *agentsdk.Conn) error {
		return conn.PostAppHealth(ctx, req)
	}})
}
