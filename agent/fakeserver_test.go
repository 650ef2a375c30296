package agent_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	"github.com/coder/websocket"
	"github.com/hashicorp/yamux"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// fakeServer implements the agent's /me endpoints over the tunnel, the
// way the real server does, and records what the agent reported.
type fakeServer struct {
	t   *testing.T
	srv *httptest.Server

	mu         sync.Mutex
	manifest   agentsdk.Manifest
	connects   int
	sessions   []*yamux.Session
	startups   []agentsdk.PostStartupRequest
	lifecycle  []codersdk.WorkspaceAgentLifecycle
	logs       map[string][]string // by log source id
	logBytes   int
	logCap     int
	logRefused int // PatchLogs answered 413
	metadata   map[string]agentsdk.Metadata
	healths    []map[string]codersdk.WorkspaceAppHealth
	ports      [][]agentsdk.ListeningPort
	stats      int
	refuse     bool // answer the dial with 401
	changed    chan struct{}
}

func newFakeServer(t *testing.T, m agentsdk.Manifest) *fakeServer {
	f := &fakeServer{t: t, manifest: m, logs: map[string][]string{}, metadata: map[string]agentsdk.Metadata{}, changed: make(chan struct{}, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+agentsdk.ConnectPath, f.connect)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.dropAll()
		f.srv.Close()
	})
	return f
}

func (f *fakeServer) client() *agentsdk.Client {
	u, _ := url.Parse(f.srv.URL)
	return &agentsdk.Client{URL: u, Token: "token"}
}

// dropAll ends every agent connection, as a server restart would.
func (f *fakeServer) dropAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.sessions {
		_ = s.Close()
	}
	f.sessions = nil
}

func (f *fakeServer) notify() {
	select {
	case f.changed <- struct{}{}:
	default:
	}
}

func (f *fakeServer) connect(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	refuse := f.refuse
	f.mu.Unlock()
	if refuse || r.Header.Get(codersdk.SessionTokenHeader) != "token" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(codersdk.Response{Message: "refused"})
		return
	}
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	ws.SetReadLimit(-1)
	nc := websocket.NetConn(context.Background(), ws, websocket.MessageBinary)
	session, err := yamux.Server(nc, agentsdk.YamuxConfig())
	if err != nil {
		return
	}
	f.mu.Lock()
	f.connects++
	f.sessions = append(f.sessions, session)
	f.mu.Unlock()
	f.notify()
	_ = http.Serve(session, f.api())
}

func (f *fakeServer) api() http.Handler {
	mux := http.NewServeMux()
	decode := func(w http.ResponseWriter, r *http.Request, v any) bool {
		if err := json.NewDecoder(r.Body).Decode(v); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return false
		}
		return true
	}
	done := func(w http.ResponseWriter) {
		f.notify()
		w.WriteHeader(http.StatusNoContent)
	}
	mux.HandleFunc("GET "+agentsdk.ManifestPath, func(w http.ResponseWriter, _ *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(f.manifest)
	})
	mux.HandleFunc("POST "+agentsdk.StartupPath, func(w http.ResponseWriter, r *http.Request) {
		var req agentsdk.PostStartupRequest
		if decode(w, r, &req) {
			f.mu.Lock()
			f.startups = append(f.startups, req)
			f.mu.Unlock()
			done(w)
		}
	})
	mux.HandleFunc("POST "+agentsdk.LifecyclePath, func(w http.ResponseWriter, r *http.Request) {
		var req agentsdk.PostLifecycleRequest
		if decode(w, r, &req) {
			f.mu.Lock()
			f.lifecycle = append(f.lifecycle, req.State)
			f.mu.Unlock()
			done(w)
		}
	})
	mux.HandleFunc("PATCH "+agentsdk.LogsPath, func(w http.ResponseWriter, r *http.Request) {
		var req agentsdk.PatchLogsRequest
		if !decode(w, r, &req) {
			return
		}
		f.mu.Lock()
		if f.logCap > 0 && f.logBytes >= f.logCap {
			f.logRefused++
			f.mu.Unlock()
			w.WriteHeader(http.StatusRequestEntityTooLarge)
			return
		}
		for _, l := range req.Logs {
			f.logs[req.LogSourceID.String()] = append(f.logs[req.LogSourceID.String()], l.Output)
			f.logBytes += len(l.Output)
		}
		f.mu.Unlock()
		done(w)
	})
	mux.HandleFunc("POST "+agentsdk.MetadataPath, func(w http.ResponseWriter, r *http.Request) {
		var req agentsdk.PostMetadataRequest
		if decode(w, r, &req) {
			f.mu.Lock()
			for _, m := range req.Metadata {
				f.metadata[m.Key] = m
			}
			f.mu.Unlock()
			done(w)
		}
	})
	mux.HandleFunc("POST "+agentsdk.AppHealthPath, func(w http.ResponseWriter, r *http.Request) {
		var req agentsdk.PostAppHealthsRequest
		if decode(w, r, &req) {
			m := map[string]codersdk.WorkspaceAppHealth{}
			for k, v := range req.Healths {
				m[k.String()] = v
			}
			f.mu.Lock()
			f.healths = append(f.healths, m)
			f.mu.Unlock()
			done(w)
		}
	})
	mux.HandleFunc("POST "+agentsdk.ListeningPortsPath, func(w http.ResponseWriter, r *http.Request) {
		var req agentsdk.PostListeningPortsRequest
		if decode(w, r, &req) {
			f.mu.Lock()
			f.ports = append(f.ports, req.Ports)
			f.mu.Unlock()
			done(w)
		}
	})
	mux.HandleFunc("POST "+agentsdk.StatsPath, func(w http.ResponseWriter, r *http.Request) {
		var req agentsdk.Stats
		if decode(w, r, &req) {
			f.mu.Lock()
			f.stats++
			f.mu.Unlock()
			f.notify()
			_ = json.NewEncoder(w).Encode(agentsdk.StatsResponse{ReportInterval: 0})
		}
	})
	return mux
}

// lock runs fn with the recorded state locked.
func (f *fakeServer) lock(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}
