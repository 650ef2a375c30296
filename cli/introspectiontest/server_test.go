package introspectiontest_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli"
)

// server is a `coder server` run in-process, with the addresses it printed.
type server struct {
	api, prometheus, pprof *url.URL
}

// startServer runs `coder server args...` and waits for the lines that
// name its listeners. It is stopped when the test ends.
func startServer(t *testing.T, args ...string) server {
	t.Helper()
	dir, err := os.MkdirTemp("", "devplane-introspection-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(dir) })

	ctx, cancel := context.WithCancel(context.Background())
	stdoutR, stdoutW := io.Pipe()
	inv := cli.Root().Invoke(append([]string{"server", "--http-address", "127.0.0.1:0",
		"--config-dir", filepath.Join(dir, "config"), "--cache-dir", filepath.Join(dir, "cache")}, args...)...)
	inv.Stdout = stdoutW
	inv.Stderr = io.Discard
	inv.Stdin = strings.NewReader("")
	inv.Environ = nil
	inv = inv.WithContext(ctx)
	done := make(chan error, 1)
	go func() {
		err := inv.Run()
		_ = stdoutW.CloseWithError(io.EOF)
		done <- err
	}()
	wait := sync.OnceValue(func() error { return <-done })
	t.Cleanup(func() {
		cancel()
		_ = wait()
	})

	lines := make(chan string, 16)
	go func() {
		sc := bufio.NewScanner(stdoutR)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			default: // nobody listens any more; keep draining
			}
		}
		close(lines)
	}()
	var s server
	timeout := time.After(2 * time.Minute)
	for s.api == nil {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatalf("server exited before it started: %v", wait())
			}
			for prefix, dst := range map[string]**url.URL{
				cli.StartedLinePrefix: &s.api, cli.PrometheusLinePrefix: &s.prometheus, cli.PprofLinePrefix: &s.pprof,
			} {
				if addr, ok := strings.CutPrefix(line, prefix); ok {
					u, err := url.Parse(addr)
					require.NoError(t, err)
					*dst = u
				}
			}
		case <-timeout:
			t.Fatal("server did not start within 2 minutes")
		}
	}
	return s
}

// get fetches u+path and returns the status and body.
func get(t *testing.T, u *url.URL, path string) (int, string) {
	t.Helper()
	res, err := http.Get(u.String() + path)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(body)
}

// sample is one line of Prometheus' text format.
type sample struct {
	name   string
	labels map[string]string
	value  float64
}

var (
	sampleLine = regexp.MustCompile(`^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$`)
	labelPair  = regexp.MustCompile(`([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"`)
)

// scrape reads every sample the metrics listener serves.
func scrape(t *testing.T, u *url.URL) []sample {
	t.Helper()
	status, body := get(t, u, "/metrics")
	require.Equal(t, http.StatusOK, status)
	var out []sample
	for _, line := range strings.Split(body, "\n") {
		m := sampleLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		require.NoError(t, err, line)
		s := sample{name: m[1], labels: map[string]string{}, value: v}
		for _, lp := range labelPair.FindAllStringSubmatch(m[2], -1) {
			s.labels[lp[1]] = lp[2]
		}
		out = append(out, s)
	}
	return out
}

// find returns the samples named name whose labels include want.
func find(samples []sample, name string, want map[string]string) []sample {
	var out []sample
	for _, s := range samples {
		if s.name != name {
			continue
		}
		match := true
		for k, v := range want {
			if s.labels[k] != v {
				match = false
			}
		}
		if match {
			out = append(out, s)
		}
	}
	return out
}
