package postgres

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"cdr.dev/slog"
	"golang.org/x/xerrors"
)

// serverSettings are the -c settings of every start, as name=value.
func serverSettings(dir string, port int, opts Options) []string {
	set := map[string]string{
		"listen_addresses":        "127.0.0.1",
		"unix_socket_directories": socketDirSetting(dir, port),
		"unix_socket_permissions": "0700",
		// JIT compilation mostly adds latency to the few big queries of
		// a small database.
		"jit": "off",
	}
	if opts.Ephemeral {
		set["fsync"] = "off"
		set["synchronous_commit"] = "off"
		set["full_page_writes"] = "off"
		// Test suites open many connections (one pool per test server).
		set["max_connections"] = "500"
	}
	for k, v := range opts.Settings {
		set[k] = v
	}
	kvs := make([]string, 0, len(set))
	for k, v := range set {
		kvs = append(kvs, k+"="+v)
	}
	sort.Strings(kvs)
	return kvs
}

// socketDirSetting puts the Unix socket in dir, or disables Unix sockets when
// the socket's path would not fit in a sockaddr_un (postgres would refuse to
// start) or dir cannot be written as a list element.
func socketDirSetting(dir string, port int) string {
	sock := filepath.Join(dir, ".s.PGSQL."+strconv.Itoa(port))
	if len(sock) > sunPathMaxLen || strings.ContainsAny(dir, "\"\n") {
		return ""
	}
	if strings.ContainsAny(dir, ", \t") {
		return `"` + dir + `"`
	}
	return dir
}

// childEnv is this process's environment less the PG* variables (PGDATA,
// PGPORT, ... would override our choices), with HOME and USER of the user
// the programs run as.
func childEnv(id *identity) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "PG") {
			continue
		}
		if id.switchUser && (strings.HasPrefix(kv, "HOME=") || strings.HasPrefix(kv, "USER=") || strings.HasPrefix(kv, "LOGNAME=")) {
			continue
		}
		env = append(env, kv)
	}
	if id.switchUser {
		env = append(env, "HOME="+id.home, "USER="+id.name, "LOGNAME="+id.name)
	}
	return env
}

// choosePort returns the port to listen on: the one asked for, else the saved
// one while it is free, else a free one.
func choosePort(logger slog.Logger, dir string, want int) (int, error) {
	if want < 0 || want > 65535 {
		return 0, xerrors.Errorf("invalid built-in postgres port %d", want)
	}
	if want != 0 {
		return want, nil
	}
	if b, err := os.ReadFile(filepath.Join(dir, portName)); err == nil {
		if p, err := strconv.Atoi(strings.TrimSpace(string(b))); err == nil && p > 0 && p <= 65535 {
			if portFree(p) {
				return p, nil
			}
			logger.Warn(context.Background(), "the built-in postgres's previous port is taken, picking another one", slog.F("port", p))
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, xerrors.Errorf("pick a port for the built-in postgres: %w", err)
	}
	p := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	return p, nil
}

func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	_ = l.Close()
	return true
}

func savePort(dir string, port int) error {
	path := filepath.Join(dir, portName)
	content := []byte(strconv.Itoa(port) + "\n")
	if old, err := os.ReadFile(path); err == nil && bytes.Equal(old, content) {
		return nil
	}
	if err := writeFileAtomic(path, content, 0o600); err != nil {
		return xerrors.Errorf("save built-in postgres port: %w", err)
	}
	return nil
}
