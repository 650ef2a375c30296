// Command loginbench measures POST /api/v2/users/login under concurrent
// load against the real server binary, and the server's peak memory.
//
//	go run ./scripts/loginbench --clients 1,8,50
//
// It builds ./cmd/coder (or uses --binary), starts `coder server` on a fresh
// config directory with its built-in PostgreSQL, trusting X-Forwarded-For
// from 127.0.0.1 so that each client can log in from its own address (as a
// crowd behind a proxy would), creates one user per client, and then for
// each concurrency level runs that many clients, each logging in as its own
// user over and over for --duration. A client answered 503 or 429 waits
// as Retry-After says (--honor-retry-after), as a real client would.
//
// For each level it prints successful logins per second, the latency of
// every answered request (p50, p99, max), the status counts and the
// server's peak RSS during the level (VmHWM from /proc, reset between
// levels). The password hashing pool, not the database, bounds the
// throughput; see coderd/userpassword.
//
// Results go in docs/performance.md ("Logins under load").
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/xerrors"
)

type config struct {
	binary          string
	levels          []int
	duration        time.Duration
	warmup          time.Duration
	honorRetryAfter bool
	keepDir         bool
	extraArgs       []string
	// forwarded gives each client its own address through a trusted
	// X-Forwarded-For; off, every client is 127.0.0.1 (and the server
	// needs no proxy flags, so older binaries can be measured too).
	forwarded bool
}

func main() {
	cfg, err := parseFlags(os.Args[1:])
	if err != nil {
		_, _ = fmt.Fprintln(os.Stderr, "loginbench:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		_, _ = fmt.Fprintln(os.Stderr, "loginbench:", err)
		os.Exit(1)
	}
}

func parseFlags(args []string) (config, error) {
	fs := flag.NewFlagSet("loginbench", flag.ContinueOnError)
	var (
		cfg    config
		levels = fs.String("clients", "1,8,50", "concurrency levels to run, comma separated")
		extra  = fs.String("server-args", "", "extra flags for `coder server`, space separated")
	)
	fs.StringVar(&cfg.binary, "binary", "", "the coder binary; empty builds ./cmd/coder into a temporary directory")
	fs.DurationVar(&cfg.duration, "duration", 10*time.Second, "measured time of each level")
	fs.DurationVar(&cfg.warmup, "warmup", 2*time.Second, "unmeasured load before each level")
	fs.BoolVar(&cfg.honorRetryAfter, "honor-retry-after", true, "after a 503 or 429, wait as Retry-After says before the next login")
	fs.BoolVar(&cfg.forwarded, "forwarded", true, "give each client its own address through X-Forwarded-For (the server trusts it from 127.0.0.1); false for binaries without --proxy-trusted-headers")
	fs.BoolVar(&cfg.keepDir, "keep", false, "keep the server's directory (logs, database) afterwards")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	for _, s := range strings.Split(*levels, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			return cfg, xerrors.Errorf("bad level %q in --clients", s)
		}
		cfg.levels = append(cfg.levels, n)
	}
	cfg.extraArgs = strings.Fields(*extra)
	if cfg.duration <= 0 {
		return cfg, xerrors.New("--duration must be positive")
	}
	return cfg, nil
}

const password = "loginbench-correct-horse-battery-9"

func run(ctx context.Context, cfg config) error {
	dir, err := os.MkdirTemp("", "loginbench-")
	if err != nil {
		return err
	}
	// The built-in PostgreSQL runs as another user when we are root.
	_ = os.Chmod(dir, 0o755)
	if !cfg.keepDir {
		defer os.RemoveAll(dir)
	} else {
		_, _ = fmt.Fprintln(os.Stderr, "server directory:", dir)
	}
	bin := cfg.binary
	if bin == "" {
		bin = filepath.Join(dir, "coder")
		_, _ = fmt.Fprintln(os.Stderr, "building ./cmd/coder")
		build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/coder")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return xerrors.Errorf("build: %w", err)
		}
	}
	srv, err := startServer(ctx, bin, dir, cfg.forwarded, cfg.extraArgs)
	if err != nil {
		return err
	}
	defer srv.stop()

	maxClients := 0
	for _, n := range cfg.levels {
		maxClients = max(maxClients, n)
	}
	_, _ = fmt.Fprintf(os.Stderr, "creating %d users\n", maxClients)
	emails, err := seedUsers(ctx, srv.url, maxClients)
	if err != nil {
		return err
	}

	fmt.Printf("# loginbench: %s per level (after %s warm-up), server GOMAXPROCS=%d (cores %d), %s\n",
		cfg.duration, cfg.warmup, runtime.GOMAXPROCS(0), runtime.NumCPU(), time.Now().UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Println("| clients | logins/s | p50 | p99 | max | 201 | 503 | 429 | other | peak RSS | server CPU/login | PostgreSQL CPU/login | others' cores |")
	fmt.Println("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
	for _, n := range cfg.levels {
		if cfg.warmup > 0 {
			_ = load(ctx, srv.url, emails[:n], cfg.warmup, cfg.honorRetryAfter, cfg.forwarded)
		}
		srv.resetPeakRSS()
		before := sampleCPU(srv.pid)
		self0 := sampleCPU(os.Getpid())
		res := load(ctx, srv.url, emails[:n], cfg.duration, cfg.honorRetryAfter, cfg.forwarded)
		res.peakRSS = srv.peakRSS()
		res.cpuBefore, res.cpuAfter = before, sampleCPU(srv.pid)
		res.benchCPU = sampleCPU(os.Getpid()).server - self0.server
		if err := ctx.Err(); err != nil {
			return err
		}
		fmt.Println(res.row(n))
	}
	return nil
}

type server struct {
	cmd *exec.Cmd
	url string
	pid int
}

func startServer(ctx context.Context, bin, dir string, forwarded bool, extra []string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	_ = l.Close()
	args := append([]string{
		"server",
		"--config-dir", filepath.Join(dir, "config"), "--cache-dir", filepath.Join(dir, "cache"),
		"--http-address", addr, "--log-human", filepath.Join(dir, "server.log"),
		"--provisioner-daemons", "0",
		// One client logs in far more often than --api-rate-limit allows
		// an address; this measures the logins, not that limit.
		"--dangerous-disable-rate-limits",
	}, extra...)
	if forwarded {
		args = append(args, "--proxy-trusted-headers", "X-Forwarded-For", "--proxy-trusted-origins", "127.0.0.1/32")
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = io.Discard, os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, url: "http://" + addr, pid: cmd.Process.Pid}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	deadline := time.Now().Add(2 * time.Minute)
	for {
		res, err := http.Get(s.url + "/healthz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case err := <-exited:
			return nil, xerrors.Errorf("server exited before it was ready (%v); see %s", err, filepath.Join(dir, "server.log"))
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, xerrors.New("server not ready within 2 minutes")
		}
	}
	go func() { <-exited }()
	return s, nil
}

func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() {
		for syscall.Kill(s.pid, 0) == nil {
			time.Sleep(50 * time.Millisecond)
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		_ = syscall.Kill(-s.pid, syscall.SIGKILL)
	}
}

// resetPeakRSS starts a new VmHWM measurement (Linux: clear_refs 5).
func (s *server) resetPeakRSS() {
	_ = os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", s.pid), []byte("5"), 0)
}

// peakRSS is the server process's VmHWM in bytes, or 0 when unknown.
func (s *server) peakRSS() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if len(f) >= 1 {
				kb, _ := strconv.ParseInt(f[0], 10, 64)
				return kb * 1024
			}
		}
	}
	return 0
}

// seedUsers creates the owner and n users (all with password) and returns
// the users' emails.
func seedUsers(ctx context.Context, base string, n int) ([]string, error) {
	var first struct {
		OrganizationID string `json:"organization_id"`
	}
	if err := call(ctx, base, "", http.MethodPost, "/api/v2/users/first", map[string]any{
		"email": "owner@example.com", "username": "owner", "password": password,
	}, http.StatusCreated, &first); err != nil {
		return nil, err
	}
	var login struct {
		SessionToken string `json:"session_token"`
	}
	if err := call(ctx, base, "", http.MethodPost, "/api/v2/users/login", map[string]any{
		"email": "owner@example.com", "password": password,
	}, http.StatusCreated, &login); err != nil {
		return nil, err
	}
	emails := make([]string, n)
	for i := range emails {
		emails[i] = fmt.Sprintf("bench%d@example.com", i)
		err := call(ctx, base, login.SessionToken, http.MethodPost, "/api/v2/users", map[string]any{
			"email": emails[i], "username": fmt.Sprintf("bench%d", i), "password": password,
			"organization_ids": []string{first.OrganizationID}, "user_status": "active",
		}, http.StatusCreated, nil)
		if err != nil {
			return nil, err
		}
	}
	return emails, nil
}

func call(ctx context.Context, base, token, method, path string, body any, want int, out any) error {
	for {
		b, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, method, base+path, bytes.NewReader(b))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Coder-Session-Token", token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		data, _ := io.ReadAll(res.Body)
		_ = res.Body.Close()
		if res.StatusCode == http.StatusServiceUnavailable || res.StatusCode == http.StatusTooManyRequests {
			time.Sleep(time.Second)
			continue
		}
		if res.StatusCode != want {
			return xerrors.Errorf("%s %s: %d %s", method, path, res.StatusCode, data)
		}
		if out != nil {
			return json.Unmarshal(data, out)
		}
		return nil
	}
}

type levelResult struct {
	elapsed   time.Duration
	statuses  map[int]int
	latencies []time.Duration // every answered request, sorted
	peakRSS   int64
	// CPU of the server, its tree and the machine around the level, and
	// of this program (the clients).
	cpuBefore, cpuAfter cpuSample
	benchCPU            time.Duration
}

func (r levelResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies))*p+0.999999) - 1
	return r.latencies[max(0, min(i, len(r.latencies)-1))]
}

func (r levelResult) row(clients int) string {
	other := 0
	for s, n := range r.statuses {
		if s != http.StatusCreated && s != http.StatusServiceUnavailable && s != http.StatusTooManyRequests {
			other += n
		}
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d)/float64(time.Millisecond)) }
	rss := "?"
	if r.peakRSS > 0 {
		rss = fmt.Sprintf("%.0f MB", float64(r.peakRSS)/1e6)
	}
	logins := max(1, r.statuses[http.StatusCreated])
	server := r.cpuAfter.server - r.cpuBefore.server
	pg := (r.cpuAfter.tree - r.cpuBefore.tree) - server
	others := (r.cpuAfter.machine - r.cpuBefore.machine) - (r.cpuAfter.tree - r.cpuBefore.tree) - r.benchCPU
	perLogin := func(d time.Duration) string {
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond)/float64(logins))
	}
	return fmt.Sprintf("| %d | %.1f | %s | %s | %s | %d | %d | %d | %d | %s | %s | %s | %.2f |",
		clients, float64(r.statuses[http.StatusCreated])/r.elapsed.Seconds(),
		ms(r.percentile(0.5)), ms(r.percentile(0.99)), ms(r.percentile(1)),
		r.statuses[http.StatusCreated], r.statuses[http.StatusServiceUnavailable],
		r.statuses[http.StatusTooManyRequests], other, rss,
		perLogin(server), perLogin(pg), max(0, others.Seconds()/r.elapsed.Seconds()))
}

// load runs one client per email, each logging in from its own address
// until d has passed. A request under way then is waited for, not
// abandoned, so the server is idle when the next level starts.
func load(ctx context.Context, base string, emails []string, d time.Duration, honorRetryAfter, forwarded bool) levelResult {
	stop, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	transport := &http.Transport{MaxIdleConnsPerHost: len(emails), MaxConnsPerHost: 0}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	var (
		mu  sync.Mutex
		res = levelResult{statuses: map[int]int{}}
		wg  sync.WaitGroup
	)
	start := time.Now()
	for i, email := range emails {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, _ := json.Marshal(map[string]string{"email": email, "password": password})
			addr := fmt.Sprintf("10.%d.%d.%d", (i>>16)&255, (i>>8)&255, i&255+1)
			for stop.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v2/users/login", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if forwarded {
					req.Header.Set("X-Forwarded-For", addr)
				}
				t0 := time.Now()
				r, err := client.Do(req)
				if err != nil {
					return // interrupted
				}
				_, _ = io.Copy(io.Discard, r.Body)
				_ = r.Body.Close()
				lat := time.Since(t0)
				mu.Lock()
				res.statuses[r.StatusCode]++
				res.latencies = append(res.latencies, lat)
				mu.Unlock()
				if honorRetryAfter && (r.StatusCode == http.StatusServiceUnavailable || r.StatusCode == http.StatusTooManyRequests) {
					wait, _ := strconv.Atoi(r.Header.Get("Retry-After"))
					select {
					case <-stop.Done():
					case <-time.After(time.Duration(max(wait, 1)) * time.Second):
					}
				}
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	sort.Slice(res.latencies, func(i, j int) bool { return res.latencies[i] < res.latencies[j] })
	return res
}
