package httpmw

import (
	"bufio"
	"context"
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/devplane/devplane/coderd/httpapi"
	"github.com/devplane/devplane/codersdk"
)

// RateLimiter limits requests per caller in a sliding window: per user once
// the caller's token is verified, per client address otherwise. A token
// that does not verify counts against the address it came from, so made-up
// tokens cannot each open a fresh allowance.
//
// Mount ByAddress before anything that does work for the request and ByUser
// right after ExtractAPIKey. A nil *RateLimiter limits nothing.
type RateLimiter struct {
	limit  float64
	window time.Duration
	now    func() time.Time

	mu          sync.Mutex
	windowStart time.Time
	current     map[string]int
	previous    map[string]int
}

// rateLimiterMaxKeys bounds memory: a window holds at most this many
// callers. Callers beyond it are not limited until the window turns, which
// only someone with that many addresses or accounts can cause.
const rateLimiterMaxKeys = 200_000

// NewRateLimiter allows limit requests per window to each caller.
func NewRateLimiter(limit int, window time.Duration) *RateLimiter {
	return &RateLimiter{
		limit: float64(limit), window: window, now: time.Now,
		current: map[string]int{}, previous: map[string]int{},
	}
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
	defer l.mu.Unlock()
	now := l.now()
	l.roll(now)
	elapsed := now.Sub(l.windowStart)
	cur, seen := l.current[key]
	rate := float64(l.previous[key])*float64(l.window-elapsed)/float64(l.window) + float64(cur)
	if rate+1 > l.limit {
		return false, l.window - elapsed
	}
	if !seen && len(l.current) >= rateLimiterMaxKeys {
		return true, 0
	}
	l.current[key] = cur + 1
	return true, 0
}

func (l *RateLimiter) refund(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll(l.now())
	if n := l.current[key]; n > 1 {
		l.current[key] = n - 1
	} else {
		delete(l.current, key)
	}
}

// roll moves the windows on; the caller holds mu.
func (l *RateLimiter) roll(now time.Time) {
	if l.windowStart.IsZero() {
		l.windowStart = now
	}
	switch passed := now.Sub(l.windowStart); {
	case passed < l.window:
	case passed < 2*l.window:
		l.previous, l.current = l.current, l.previous
		clear(l.current)
		l.windowStart = l.windowStart.Add(l.window)
	default:
		clear(l.previous)
		clear(l.current)
		l.windowStart = now
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
