package httpmw

import (
	"bufio"
	"context"
	"math"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"sync"
	"time"

	"cdr.dev/slog"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/database"
	"github.com/devplane/devplane/database/dbauthz"
)

// RateLimiter limits requests per caller in a sliding window: per user once
// the caller's token is verified, per client address otherwise. A token
// that does not verify counts against the address it came from, so made-up
// tokens cannot each open a fresh allowance.
//
// Windows are fixed (aligned to the clock, so every replica agrees on them)
// and weighted: a window's rate is its count plus the previous window's,
// scaled by how much of it still overlaps the last minute.
//
// A shared RateLimiter (NewSharedRateLimiter) counts deployment-wide: each
// replica counts locally and, within RateLimitSyncInterval of counting
// anything, adds its new counts to PostgreSQL in one statement, which
// returns the totals of every replica. A request costs no round trip; the
// price is that each replica may let a caller through for up to about two
// sync intervals before it hears of the caller's requests elsewhere.
//
// Mount ByAddress before anything that does work for the request and ByUser
// right after ExtractAPIKey. A nil *RateLimiter limits nothing.
type RateLimiter struct {
	limit  float64
	window time.Duration
	now    func() time.Time
	// db, when set, is where replicas add up their counts.
	db  database.Store
	log slog.Logger

	mu          sync.Mutex
	windowStart time.Time
	current     map[string]*rateCount
	previous    map[string]int
	lastSync    time.Time
	// lastSyncWindow is the window of the last sync, so the first sync of
	// each window also deletes old ones.
	lastSyncWindow time.Time
	// syncArmed: a sync is scheduled or running. An idle limiter has
	// neither a timer nor a goroutine.
	syncArmed bool
}

// rateCount is one caller's count in the current window.
type rateCount struct {
	// known is the deployment-wide count at the last sync (this replica's
	// synced requests included); sending is what the sync under way adds
	// to it; pending is what this replica counted since. A local limiter
	// only has pending.
	known, sending, pending int
}

func (c *rateCount) total() int { return c.known + c.sending + c.pending }

// rateLimiterMaxKeys bounds memory: a window holds at most this many
// callers. Callers beyond it are not limited until the window turns, which
// only someone with that many addresses or accounts can cause.
const rateLimiterMaxKeys = 200_000

// RateLimitSyncInterval is how often a shared RateLimiter adds its counts
// to the database (when it has counted anything).
const RateLimitSyncInterval = time.Second

// rateLimitSyncTimeout bounds one sync. A failed sync keeps its counts for
// the next one; meanwhile the replica limits on what it knows, so a
// database outage costs accuracy, never requests.
const rateLimitSyncTimeout = 5 * time.Second

// NewRateLimiter allows limit requests per window to each caller, counted
// in this process.
func NewRateLimiter(limit int, window time.Duration) *RateLimiter {
	return &RateLimiter{
		limit: float64(limit), window: window, now: time.Now,
		current: map[string]*rateCount{}, previous: map[string]int{},
	}
}

// NewSharedRateLimiter is NewRateLimiter counted across every replica on db.
func NewSharedRateLimiter(limit int, window time.Duration, db database.Store, log slog.Logger) *RateLimiter {
	l := NewRateLimiter(limit, window)
	l.db, l.log = db, log
	return l
}

type rateStateKey struct{}

// rateState follows one request from ByAddress to ByUser.
type rateState struct {
	mu sync.Mutex
	// addressKey was charged for this request and is refunded once the
	// request turns out to be a verified user's.
	addressKey string
	charged    bool
	// verified is set by ByUser: the request is charged to its user.
	verified bool
}

// ByAddress charges requests without a token to the client address at
// once. A request with a token is charged to its address too until ByUser
// verifies it and moves the charge to the user; when the address is already
// over its limit, such a request is answered 429 unless it verifies.
func (l *RateLimiter) ByAddress(next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		key := "ip:" + ClientAddressKey(r)
		ok, wait := l.take(key)
		if TokenFromRequest(r) == "" {
			if !ok {
				l.refuse(rw, r, wait)
				return
			}
			next.ServeHTTP(rw, r)
			return
		}
		st := &rateState{addressKey: key, charged: ok}
		r = r.WithContext(context.WithValue(r.Context(), rateStateKey{}, st))
		if !ok {
			rw = &unverifiedRefuser{ResponseWriter: rw, st: st, refuse: func(w http.ResponseWriter) {
				l.refuse(w, r, wait)
			}}
		}
		next.ServeHTTP(rw, r)
	})
}

// ByUser charges a verified request to its user; it must run after
// ExtractAPIKey.
func (l *RateLimiter) ByUser(next http.Handler) http.Handler {
	if l == nil {
		return next
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		auth, ok := APIKeyAuthorizationOptional(r)
		if !ok {
			next.ServeHTTP(rw, r)
			return
		}
		st, _ := r.Context().Value(rateStateKey{}).(*rateState)
		if st != nil {
			st.mu.Lock()
			already := st.verified
			st.verified = true
			refund := st.charged
			st.charged = false
			st.mu.Unlock()
			if already {
				// ByUser on nested routes charges once.
				next.ServeHTTP(rw, r)
				return
			}
			if refund {
				l.refund(st.addressKey)
			}
		}
		if ok, wait := l.take("user:" + auth.Key.UserID.String()); !ok {
			l.refuse(rw, r, wait)
			return
		}
		next.ServeHTTP(rw, r)
	})
}

func (*RateLimiter) refuse(rw http.ResponseWriter, r *http.Request, wait time.Duration) {
	rw.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(wait.Seconds())))))
	httpapi.Write(r.Context(), rw, http.StatusTooManyRequests, codersdk.Response{
		Message: "You have made too many requests. Slow down and try again shortly.",
	})
}

// take charges one request to key if the key is under its limit, else
// returns how long until the window turns.
func (l *RateLimiter) take(key string) (bool, time.Duration) {
	l.mu.Lock()
	now := l.now()
	l.roll(now)
	elapsed := now.Sub(l.windowStart)
	c := l.current[key]
	cur := 0
	if c != nil {
		cur = c.total()
	}
	rate := float64(l.previous[key])*float64(l.window-elapsed)/float64(l.window) + float64(cur)
	if rate+1 > l.limit {
		l.mu.Unlock()
		return false, l.window - elapsed
	}
	if c == nil {
		if len(l.current) >= rateLimiterMaxKeys {
			l.mu.Unlock()
			return true, 0
		}
		c = &rateCount{}
		l.current[key] = c
	}
	c.pending++
	l.armSyncLocked(now)
	l.mu.Unlock()
	return true, 0
}

func (l *RateLimiter) refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(l.now())
	// A request charged in a window that has since turned is not refunded.
	if c := l.current[key]; c != nil && c.total() > 0 {
		c.pending--
		l.armSyncLocked(l.now())
	}
}

// roll moves the windows on; the caller holds mu.
func (l *RateLimiter) roll(now time.Time) {
	start := now.Truncate(l.window)
	switch {
	case !start.After(l.windowStart):
		return
	case start.Sub(l.windowStart) == l.window:
		// Counts not yet synced stay out of the database's previous
		// window; this replica still weighs them.
		clear(l.previous)
		for key, c := range l.current {
			l.previous[key] = c.total()
		}
	default:
		clear(l.previous)
	}
	l.current = map[string]*rateCount{}
	l.windowStart = start
}

// armSyncLocked schedules a sync of what was just counted, no sooner than
// RateLimitSyncInterval after the last one; the caller holds mu.
func (l *RateLimiter) armSyncLocked(now time.Time) {
	if l.db == nil || l.syncArmed {
		return
	}
	l.syncArmed = true
	time.AfterFunc(max(0, RateLimitSyncInterval-now.Sub(l.lastSync)), l.sync)
}

// sync adds this replica's pending counts to the database and learns the
// deployment-wide totals of those callers, in one statement; the first sync
// of each window also deletes windows no replica weighs any more.
func (l *RateLimiter) sync() {
	ctx, cancel := context.WithTimeout(dbauthz.AsLimiter(context.Background()), rateLimitSyncTimeout)
	defer cancel()

	l.mu.Lock()
	window := l.windowStart
	keys := make([]string, 0, len(l.current))
	for key, c := range l.current {
		if c.pending != 0 {
			keys = append(keys, key)
		}
	}
	// One order for every replica, so their upserts cannot deadlock.
	slices.Sort(keys)
	deltas := make([]int32, len(keys))
	for i, key := range keys {
		c := l.current[key]
		deltas[i] = int32(max(min(c.pending, math.MaxInt32), math.MinInt32)) //nolint:gosec // clamped
		c.pending -= int(deltas[i])
		c.sending = int(deltas[i])
	}
	firstOfWindow := l.lastSyncWindow.Before(window)
	l.lastSyncWindow = window
	l.mu.Unlock()

	var rows []database.AddRateLimitCountsRow
	var err error
	if len(keys) > 0 {
		rows, err = l.db.AddRateLimitCounts(ctx, database.AddRateLimitCountsParams{Keys: keys, Deltas: deltas, WindowStart: window})
	}
	if err == nil && firstOfWindow {
		_, err = l.db.DeleteRateLimitCountsBefore(ctx, window.Add(-l.window))
	}
	if err != nil {
		l.log.Warn(ctx, "sync API rate limit counts", slog.Error(err))
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.lastSync = now
	l.syncArmed = false
	if l.windowStart.Equal(window) {
		for _, key := range keys {
			if c := l.current[key]; c != nil {
				if err != nil && rows == nil {
					// Nothing was added: send it again next time.
					c.pending += c.sending
				}
				c.sending = 0
			}
		}
		for _, row := range rows {
			if c := l.current[row.Key]; c != nil {
				c.known = int(row.Count)
			}
		}
	}
	// Counted while this sync ran (or put back after it failed).
	for _, c := range l.current {
		if c.pending != 0 {
			l.armSyncLocked(now)
			break
		}
	}
}

// unverifiedRefuser answers 429 in place of whatever the handler writes,
// unless ByUser verified the request before the first write.
type unverifiedRefuser struct {
	http.ResponseWriter
	st      *rateState
	refuse  func(http.ResponseWriter)
	decided bool
	refused bool
}

func (w *unverifiedRefuser) decide() {
	if w.decided {
		return
	}
	w.decided = true
	w.st.mu.Lock()
	verified := w.st.verified
	w.st.mu.Unlock()
	if !verified {
		w.refused = true
		w.refuse(w.ResponseWriter)
	}
}

func (w *unverifiedRefuser) WriteHeader(status int) {
	if w.decide(); !w.refused {
		w.ResponseWriter.WriteHeader(status)
	}
}

func (w *unverifiedRefuser) Write(b []byte) (int, error) {
	if w.decide(); w.refused {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

func (w *unverifiedRefuser) Flush() {
	if w.decide(); !w.refused {
		_ = http.NewResponseController(w.ResponseWriter).Flush()
	}
}

func (w *unverifiedRefuser) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.decide(); w.refused {
		return nil, nil, http.ErrNotSupported
	}
	return http.NewResponseController(w.ResponseWriter).Hijack()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *unverifiedRefuser) Unwrap() http.ResponseWriter {
	return w.ResponseWriter
}

// ClientAddressKey is the client's address for limits (after
// ExtractRealIP). IPv6 clients are keyed by their /64, which one host
// usually holds whole.
func ClientAddressKey(r *http.Request) string {
	host := clientIP(r)
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		if p, err := ip.Prefix(64); err == nil {
			return p.String()
		}
	}
	return ip.String()
}
