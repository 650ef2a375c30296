package coderd

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"cdr.dev/slog"
	"github.com/coder/websocket"

	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/coderd/convert"
	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/coderd/httpmw"
	"github.com/devplane/devplane/coderd/provisionerd"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database/dbtime"
	"github.com/devplane/devplane/rbac"
)

const (
	// healthReportTTL is how long a report is served again before a new
	// one is made, so that a reload storm on the health page does not turn
	// into a storm of pings, dials and daemon queries.
	healthReportTTL = 5 * time.Second
	// healthCheckTimeout bounds each check that goes over the network.
	healthCheckTimeout = 5 * time.Second
	// healthDatabaseThreshold is the ping latency above which the database
	// section warns (Coder's default).
	healthDatabaseThreshold = 15 * time.Millisecond
	// healthWebsocketMaxMessage bounds what the echo endpoint reads.
	healthWebsocketMaxMessage = 4 << 10
)

// healthReportCache keeps the last report. Its lock is held while a report
// is made, so concurrent requests wait for that one instead of each making
// their own.
type healthReportCache struct {
	mu     sync.Mutex
	report codersdk.HealthcheckReport
	at     time.Time
}

// @Summary Debug health report
// @Description The server checks itself: the database (latency), the access URL (GET /healthz through it), a websocket through it (echoed by /debug/ws), the provisioner daemons (seen recently, same version), and the live replicas (count, version skew). Each section has a verdict; the report is cached for 5 seconds unless force is set.
// @ID debug-health
// @Security CoderSessionToken
// @Produce json
// @Tags Debug
// @Param force query bool false "Make a new report instead of serving the cached one"
// @Success 200 {object} codersdk.HealthcheckReport
// @Failure 400 {object} codersdk.Response
// @Failure 404 {object} codersdk.Response
// @Router /debug/health [get]
func (api *API) debugHealth(rw http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !api.authorize(r, rbac.ActionRead, rbac.ResourceDebugInfo) {
		httpapi.ResourceNotFound(rw)
		return
	}
	force := false
	if v := r.URL.Query().Get("force"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			httpapi.Write(ctx, rw, http.StatusBadRequest, codersdk.Response{
				Message:     "Invalid query parameters.",
				Validations: []codersdk.ValidationError{{Field: "force", Detail: "must be true or false"}},
			})
			return
		}
		force = b
	}

	c := &api.healthCache
	c.mu.Lock()
	defer c.mu.Unlock()
	if force || c.at.IsZero() || time.Since(c.at) > healthReportTTL {
		// Made as the caller (an owner), with the caller's token for the
		// websocket check; a client that leaves does not cut it short.
		c.report = api.healthReport(context.WithoutCancel(ctx), httpmw.TokenFromRequest(r))
		c.at = time.Now()
	}
	httpapi.Write(ctx, rw, http.StatusOK, c.report)
}

// healthReport runs every check, the slow ones concurrently.
func (api *API) healthReport(ctx context.Context, token string) codersdk.HealthcheckReport {
	report := codersdk.HealthcheckReport{Time: time.Now().UTC(), CoderVersion: buildinfo.Version()}
	var wg sync.WaitGroup
	wg.Go(func() { report.AccessURL = api.accessURLHealth(ctx) })
	wg.Go(func() { report.Websocket = api.websocketHealth(ctx, token) })
	wg.Go(func() { report.Database = api.databaseHealth(ctx) })
	wg.Go(func() { report.ProvisionerDaemons = api.provisionerDaemonsHealth(ctx) })
	wg.Go(func() { report.Replicas = api.replicasHealth(ctx) })
	wg.Wait()

	report.Severity = codersdk.HealthSeverityOK
	for _, s := range []codersdk.HealthSeverity{
		report.AccessURL.Severity, report.Websocket.Severity, report.Database.Severity,
		report.ProvisionerDaemons.Severity, report.Replicas.Severity,
	} {
		report.Severity = worst(report.Severity, s)
	}
	report.Healthy = report.Severity != codersdk.HealthSeverityError
	return report
}

// healthError is a section's error: its code first, as Coder writes them.
func healthError(code, format string, args ...any) *string {
	msg := code + ": " + fmt.Sprintf(format, args...)
	return &msg
}

// accessURLHealth fetches /healthz through the access URL, as a user's
// browser would reach the deployment.
func (api *API) accessURLHealth(ctx context.Context) codersdk.AccessURLHealthReport {
	out := codersdk.AccessURLHealthReport{Severity: codersdk.HealthSeverityOK, Warnings: []codersdk.HealthMessage{}}
	if api.AccessURL == nil || api.AccessURL.String() == "" {
		out.Error, out.Severity = healthError(codersdk.HealthCodeAccessURLNotSet, "the access URL is not set"), codersdk.HealthSeverityError
		return out
	}
	out.AccessURL = api.AccessURL.String()
	u, err := api.AccessURL.Parse("/healthz")
	if err != nil {
		out.Error, out.Severity = healthError(codersdk.HealthCodeAccessURLInvalid, "the access URL cannot be parsed: %s", err), codersdk.HealthSeverityError
		return out
	}
	ctx, cancel := context.WithTimeout(ctx, healthCheckTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		out.Error, out.Severity = healthError(codersdk.HealthCodeAccessURLInvalid, "the access URL cannot be requested: %s", err), codersdk.HealthSeverityError
		return out
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		out.Error, out.Severity = healthError(codersdk.HealthCodeAccessURLFetch, "GET %s failed: %s", u, err), codersdk.HealthSeverityError
		return out
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 4<<10))
	if err != nil {
		out.Error, out.Severity = healthError(codersdk.HealthCodeAccessURLFetch, "reading the answer of GET %s failed: %s", u, err), codersdk.HealthSeverityError
		return out
	}
	out.Reachable, out.StatusCode, out.HealthzResponse = true, res.StatusCode, string(body)
	out.Healthy = res.StatusCode == http.StatusOK
	if !out.Healthy {
		out.Severity = codersdk.HealthSeverityWarning
		out.Warnings = append(out.Warnings, codersdk.HealthMessage{
			Code:    codersdk.HealthCodeAccessURLNotOK,
			Message: fmt.Sprintf("GET %s answered %d, not 200 OK: the access URL may lead to another server, or this one is unhealthy.", u, res.StatusCode),
		})
	}
	return out
}

// websocketHealth opens a websocket to /debug/ws through the access URL and
// checks that a message comes back: proxies in front of the deployment
// must pass websockets for watches, logs and terminals to work.
func (api *API) websocketHealth(ctx context.Context, token string) codersdk.WebsocketHealthReport {
	out := codersdk.WebsocketHealthReport{Severity: codersdk.HealthSeverityOK, Warnings: []codersdk.HealthMessage{}}
	if api.AccessURL == nil || api.AccessURL.String() == "" {
		out.Error, out.Severity = healthError(codersdk.HealthCodeAccessURLNotSet, "the access URL is not set"), codersdk.HealthSeverityError
		return out
	}
	u, err := api.AccessURL.Parse("/api/v2/debug/ws")
	if err != nil {
		out.Error, out.Severity = healthError(codersdk.HealthCodeAccessURLInvalid, "the access URL cannot be parsed: %s", err), codersdk.HealthSeverityError
		return out
	}
	ctx, cancel := context.WithTimeout(ctx, healthCheckTimeout)
	defer cancel()
	header := http.Header{}
	header.Set(codersdk.SessionTokenHeader, token)
	conn, res, err := websocket.Dial(ctx, u.String(), &websocket.DialOptions{HTTPHeader: header, CompressionMode: websocket.CompressionDisabled})
	if res != nil {
		out.Code = res.StatusCode
		if res.Body != nil {
			body, _ := io.ReadAll(io.LimitReader(res.Body, 4<<10))
			out.Body = string(body)
		}
	}
	if err != nil {
		out.Error, out.Severity = healthError(codersdk.HealthCodeWebsocketDial, "opening a websocket to %s failed: %s", redactedURL(u), err), codersdk.HealthSeverityError
		return out
	}
	defer conn.Close(websocket.StatusNormalClosure, "")
	conn.SetReadLimit(healthWebsocketMaxMessage)

	nonce := make([]byte, 8)
	_, _ = rand.Read(nonce)
	want := "ping " + hex.EncodeToString(nonce)
	if err := conn.Write(ctx, websocket.MessageText, []byte(want)); err != nil {
		out.Error, out.Severity = healthError(codersdk.HealthCodeWebsocketEcho, "sending a message over the websocket failed: %s", err), codersdk.HealthSeverityError
		return out
	}
	_, got, err := conn.Read(ctx)
	if err != nil {
		out.Error, out.Severity = healthError(codersdk.HealthCodeWebsocketEcho, "no message came back over the websocket: %s", err), codersdk.HealthSeverityError
		return out
	}
	if string(got) != want {
		out.Error, out.Severity = healthError(codersdk.HealthCodeWebsocketMsg, "the websocket returned %q instead of the message sent", truncate(string(got), 64)), codersdk.HealthSeverityError
		return out
	}
	out.Healthy = true
	return out
}

// provisionerDaemonsHealth lists the daemons seen recently and warns about
// those of another version than this server.
func (api *API) provisionerDaemonsHealth(ctx context.Context) codersdk.ProvisionerDaemonsHealthReport {
	out := codersdk.ProvisionerDaemonsHealthReport{
		Severity: codersdk.HealthSeverityOK, Warnings: []codersdk.HealthMessage{}, Items: []codersdk.ProvisionerDaemonsHealthReportItem{},
	}
	// The server's own daemons register in the default organization.
	org, err := api.Database.GetDefaultOrganization(ctx)
	if err == nil {
		var daemons []codersdk.ProvisionerDaemon
		daemons, err = api.organizationProvisionerDaemons(ctx, org.ID)
		now := dbtime.Now()
		for _, d := range daemons {
			if d.LastSeenAt == nil || now.Sub(*d.LastSeenAt) > convert.ProvisionerDaemonStaleAfter {
				continue
			}
			item := codersdk.ProvisionerDaemonsHealthReportItem{ProvisionerDaemon: d, Warnings: []codersdk.HealthMessage{}}
			if d.Version != buildinfo.Version() {
				item.Warnings = append(item.Warnings, codersdk.HealthMessage{
					Code:    codersdk.HealthCodeProvisionerDaemonVersionMismatch,
					Message: fmt.Sprintf("Daemon %s runs version %s; the server runs %s.", d.Name, d.Version, buildinfo.Version()),
				})
			}
			if d.APIVersion != provisionerd.APIVersion {
				item.Warnings = append(item.Warnings, codersdk.HealthMessage{
					Code:    codersdk.HealthCodeProvisionerDaemonAPIVersion,
					Message: fmt.Sprintf("Daemon %s speaks provisioner API %s; the server speaks %s.", d.Name, d.APIVersion, provisionerd.APIVersion),
				})
			}
			out.Warnings = append(out.Warnings, item.Warnings...)
			out.Items = append(out.Items, item)
		}
	}
	if err != nil {
		api.Logger.Named("health").Warn(ctx, "list provisioner daemons", slog.Error(err))
		out.Error, out.Severity = healthError(codersdk.HealthCodeProvisionerDaemonsNone, "the provisioner daemons could not be listed"), codersdk.HealthSeverityError
		return out
	}
	switch {
	case len(out.Items) == 0:
		out.Error, out.Severity = healthError(codersdk.HealthCodeProvisionerDaemonsNone,
			"no provisioner daemon was seen in the last %s: templates cannot be imported nor workspaces built (is --provisioner-daemons 0?)", convert.ProvisionerDaemonStaleAfter), codersdk.HealthSeverityError
	case len(out.Warnings) > 0:
		out.Healthy, out.Severity = true, codersdk.HealthSeverityWarning
	default:
		out.Healthy = true
	}
	return out
}

// debugWebsocketEcho answers the websocket health check: it sends back each
// message it receives until the client closes.
//
// @Summary Websocket echo for the health check
// @Description Echoes each text message back. The health report opens it through the access URL to check that websockets pass every proxy in between.
// @ID debug-ws
// @Security CoderSessionToken
// @Tags Debug
// @Success 101
// @Failure 404 {object} codersdk.Response
// @Router /debug/ws [get]
func (api *API) debugWebsocketEcho(rw http.ResponseWriter, r *http.Request) {
	if !api.authorize(r, rbac.ActionRead, rbac.ResourceDebugInfo) {
		httpapi.ResourceNotFound(rw)
		return
	}
	if !httpapi.RequireUpgrade(r.Context(), rw, r) {
		return
	}
	conn, err := websocket.Accept(rw, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
	if err != nil {
		return // Accept has answered the client.
	}
	defer conn.CloseNow()
	conn.SetReadLimit(healthWebsocketMaxMessage)
	// An echo session is a few messages long: bounded, so that a client
	// cannot hold the connection open.
	ctx, cancel := context.WithTimeout(r.Context(), 2*healthCheckTimeout)
	defer cancel()
	for {
		typ, msg, err := conn.Read(ctx)
		if err != nil {
			// The client closed, or the time is up (the library closes
			// the connection when the context ends).
			return
		}
		if err := conn.Write(ctx, typ, msg); err != nil {
			return
		}
	}
}

func redactedURL(u *url.URL) string {
	c := *u
	c.User = nil
	return c.String()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
