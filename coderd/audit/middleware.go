package audit

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"cdr.dev/slog"
	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
	"github.com/devplane/devplane/database/dbtime"
)

// Options configure Middleware.
type Options struct {
	// Store is the dbauthz-wrapped store; rows are written as the audit
	// writer, not as the caller.
	Store  database.Store
	Logger slog.Logger
	// BasePath is where the router is mounted ("/api/v2"); route patterns
	// are recorded relative to it.
	BasePath string
	// Routes returns the server's root router, whose patterns name routes
	// in the log even when a request is refused before routing completes
	// (a URL parameter naming nothing); nil reads what routing reached.
	Routes func() chi.Routes
	// RequestID returns the id the request id middleware gave the request.
	RequestID func(context.Context) uuid.UUID
	// Now is the clock; nil means dbtime.Now.
	Now func() time.Time
}

// Middleware audits every request that is not a GET, HEAD or OPTIONS; see
// the package comment.
func Middleware(opts Options) func(http.Handler) http.Handler {
	if opts.Now == nil {
		opts.Now = dbtime.Now
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			switch r.Method {
			case http.MethodGet, http.MethodHead, http.MethodOptions:
				if r.Method != http.MethodGet || !AuditedGet(strings.TrimPrefix(r.URL.Path, opts.BasePath), r.URL.Query()) {
					next.ServeHTTP(rw, r)
					return
				}
			}
			rec := &Record{ip: clientIP(r), userAgent: r.UserAgent()}
			if opts.RequestID != nil {
				rec.requestID = opts.RequestID(r.Context())
			}
			w := &writer{ResponseWriter: rw}
			w.commit = func(status int) error { return opts.commit(r, rec, status) }
			defer func() {
				if p := recover(); p != nil {
					// The recoverer outside answers 500; the log says
					// so too, then the panic goes on its way.
					w.decide(http.StatusInternalServerError)
					panic(p)
				}
				// A handler that wrote nothing answered 200.
				w.decide(http.StatusOK)
			}()
			next.ServeHTTP(w, r.WithContext(WithRecord(r.Context(), rec)))
		})
	}
}

// commit completes rec from what the request shows and writes it. It runs
// once, when the status is known and before the response goes out, and
// returns the error of a write that failed.
func (o Options) commit(r *http.Request, rec *Record, status int) error {
	ctx := r.Context()
	pattern := o.routePattern(r)
	route := r.Method + " " + pattern
	if Unaudited(route) != "" {
		return nil
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	if rec.Skip {
		return nil
	}
	typ, action := classify(r.Method, pattern)
	if rec.ResourceType == "" {
		rec.ResourceType = typ
	}
	if rec.Action == "" {
		rec.Action = action
	}
	// What the URL named fills in what the handler did not say: the
	// resource when it is of the record's type, else the most specific
	// object as target (a failed build names its workspace), and the
	// organization.
	for i := len(rec.loaded) - 1; i >= 0; i-- {
		l := rec.loaded[i]
		if rec.OrganizationID == uuid.Nil && l.OrganizationID != uuid.Nil {
			rec.OrganizationID = l.OrganizationID
		}
	}
	if rec.ResourceID == uuid.Nil && rec.ResourceTarget == "" {
		for i := len(rec.loaded) - 1; i >= 0; i-- {
			if rec.loaded[i].Type == rec.ResourceType {
				rec.setResource(rec.loaded[i])
				break
			}
		}
		if rec.ResourceID == uuid.Nil && rec.ResourceTarget == "" && len(rec.loaded) > 0 {
			rec.ResourceTarget = rec.loaded[len(rec.loaded)-1].Target
		}
	}
	entry := Entry{
		Time:             o.Now(),
		UserID:           rec.UserID,
		OrganizationID:   rec.OrganizationID,
		IP:               rec.ip,
		UserAgent:        rec.userAgent,
		ResourceType:     rec.ResourceType,
		ResourceID:       rec.ResourceID,
		ResourceTarget:   rec.ResourceTarget,
		ResourceIcon:     rec.ResourceIcon,
		Action:           rec.Action,
		Diff:             rec.Diff,
		StatusCode:       status,
		AdditionalFields: rec.AdditionalFields,
		BuildReason:      rec.BuildReason,
		RequestID:        rec.requestID,
	}
	// The change happened whether or not the client is still there.
	if err := Insert(context.WithoutCancel(ctx), o.Store, entry); err != nil {
		o.Logger.Error(ctx, "write audit log", slog.F("route", route), slog.F("status", status),
			slog.F("request_id", rec.requestID), slog.Error(err))
		return xerrors.Errorf("write audit log: %w", err)
	}
	return nil
}

// Entry is one finished audit log row.
type Entry struct {
	Time             time.Time
	UserID           uuid.UUID // uuid.Nil for the system
	OrganizationID   uuid.UUID
	IP               netip.Addr
	UserAgent        string
	ResourceType     codersdk.ResourceType
	ResourceID       uuid.UUID
	ResourceTarget   string
	ResourceIcon     string
	Action           codersdk.AuditAction
	Diff             codersdk.AuditDiff
	StatusCode       int
	AdditionalFields map[string]any
	RequestID        uuid.UUID
	BuildReason      codersdk.BuildReason
}

// Bounds on what an entry keeps of text a request chose; the log must be
// written whatever a client sends.
const (
	maxUserAgentBytes = 1024
	maxTextBytes      = 2048
)

// storableJSON encodes v as JSON that PostgreSQL's jsonb accepts: strings
// (keys too) made storable, since "\u0000" is refused by jsonb and values
// may come from a request.
func storableJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if !bytes.Contains(raw, []byte(`\u0000`)) && utf8.Valid(raw) {
		return raw, nil // the common case: nothing to clean
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	return json.Marshal(storableTree(tree))
}

func storableTree(v any) any {
	switch v := v.(type) {
	case string:
		return httpapi.Storable(v, 0)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[httpapi.Storable(k, 0)] = storableTree(e)
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = storableTree(e)
		}
		return v
	}
	return v
}

// Insert writes e as the audit writer. Background jobs (the lifecycle
// executor) call it directly with the system as actor: UserID uuid.Nil.
func Insert(ctx context.Context, db database.Store, e Entry) error {
	if e.Time.IsZero() {
		e.Time = dbtime.Now()
	}
	diff := e.Diff
	if diff == nil {
		diff = codersdk.AuditDiff{}
	}
	diffJSON, err := storableJSON(diff)
	if err != nil {
		return xerrors.Errorf("marshal diff: %w", err)
	}
	fields := e.AdditionalFields
	if fields == nil {
		fields = map[string]any{}
	}
	fieldsJSON, err := storableJSON(fields)
	if err != nil {
		return xerrors.Errorf("marshal additional fields: %w", err)
	}
	arg := database.InsertAuditLogParams{
		ID:               uuid.New(),
		Time:             e.Time,
		UserID:           uuid.NullUUID{UUID: e.UserID, Valid: e.UserID != uuid.Nil},
		OrganizationID:   uuid.NullUUID{UUID: e.OrganizationID, Valid: e.OrganizationID != uuid.Nil},
		UserAgent:        httpapi.Storable(e.UserAgent, maxUserAgentBytes),
		ResourceType:     string(e.ResourceType),
		ResourceID:       e.ResourceID,
		ResourceTarget:   httpapi.Storable(e.ResourceTarget, maxTextBytes),
		ResourceIcon:     httpapi.Storable(e.ResourceIcon, maxTextBytes),
		Action:           string(e.Action),
		Diff:             diffJSON,
		StatusCode:       int32(e.StatusCode), //nolint:gosec // an HTTP status
		AdditionalFields: fieldsJSON,
		RequestID:        e.RequestID,
	}
	if e.IP.IsValid() {
		ip := e.IP
		arg.Ip = &ip
	}
	if e.BuildReason != "" {
		reason := string(e.BuildReason)
		arg.BuildReason = &reason
	}
	return db.InsertAuditLog(dbauthz.AsAuditWriter(ctx), arg)
}

// routePattern is the route's chi pattern below BasePath, without a
// trailing slash ("/workspaces/{workspace}/builds").
func (o Options) routePattern(r *http.Request) string {
	var full string
	if o.Routes != nil {
		if routes := o.Routes(); routes != nil {
			path := r.URL.RawPath
			if path == "" {
				path = r.URL.Path
			}
			full = routes.Find(chi.NewRouteContext(), r.Method, path)
		}
	}
	if full == "" {
		if rctx := chi.RouteContext(r.Context()); rctx != nil {
			full = rctx.RoutePattern()
		} else {
			full = r.URL.Path
		}
	}
	p := strings.TrimPrefix(full, o.BasePath)
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	if p == "" {
		p = "/"
	}
	return p
}

func clientIP(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return ip.Unmap()
}

// writer writes the record when the handler decides the status, so the row
// exists before the client can read the answer. When the row cannot be
// written, a successful answer is replaced by a 500: a change must not look
// done while its audit entry is missing. (A failed request changed nothing;
// its answer stands and the log says the row is missing.)
type writer struct {
	http.ResponseWriter
	once   sync.Once
	commit func(status int) error
	// failed means the handler's answer was replaced; what it writes is
	// dropped.
	failed bool
}

// decide commits the record for status, once, and reports whether the
// handler's answer may go out.
func (w *writer) decide(status int) bool {
	w.once.Do(func() {
		err := w.commit(status)
		if err != nil && status < http.StatusBadRequest {
			w.failed = true
			// What the handler meant for a success must not ride on the
			// failure: no session cookie, no pointer to what it created.
			h := w.Header()
			for _, k := range []string{"Set-Cookie", "Location", "Content-Length", "Content-Disposition", "Content-Encoding", "Etag"} {
				h.Del(k)
			}
			httpapi.InternalServerError(w.ResponseWriter, err)
		}
	})
	return !w.failed
}

func (w *writer) WriteHeader(status int) {
	// 1xx are interim; the final status comes later.
	if status >= 200 && !w.decide(status) {
		return
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *writer) Write(b []byte) (int, error) {
	if !w.decide(http.StatusOK) {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// Hijack hands the connection to a websocket; switching protocols is the
// answer.
func (w *writer) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := w.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, xerrors.New("response writer does not support hijacking")
	}
	if !w.decide(http.StatusSwitchingProtocols) {
		return nil, nil, xerrors.New("the audit log could not be written")
	}
	return h.Hijack()
}

func (w *writer) Flush() {
	if !w.decide(http.StatusOK) {
		return
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *writer) Unwrap() http.ResponseWriter { return w.ResponseWriter }
