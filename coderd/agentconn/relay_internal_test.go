package agentconn

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func opener(t *testing.T, rawURL string, timeout time.Duration) *relayOpener {
	t.Helper()
	u, err := url.Parse(rawURL)
	require.NoError(t, err)
	return &relayOpener{
		opts: &RelayOptions{Secret: "s", DialTimeout: timeout}, ctx: context.Background(),
		address: u, replicaID: uuid.New(), agentID: uuid.New(),
	}
}

// A replica that accepts but never answers does not hang the dial: the
// relay gives up after its timeout with ErrReplicaUnreachable.
func TestRelayOpenSilentReplica(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			t.Cleanup(func() { _ = c.Close() })
		}
	}()
	_, err = opener(t, "http://"+ln.Addr().String(), 200*time.Millisecond).Open()
	require.ErrorIs(t, err, ErrReplicaUnreachable)
	require.ErrorIs(t, err, ErrAgentNotConnected)
}

// A refusal keeps the replica's message; 404 means the agent is not there
// (any more), anything else is a plain error.
func TestRelayOpenRefused(t *testing.T) {
	t.Parallel()
	status := http.StatusNotFound
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, RelayUpgrade, r.Header.Get("Upgrade"))
		assert.Equal(t, "s", r.Header.Get(RelaySecretHeader))
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(`{"message":"The workspace agent is not connected to this replica."}`))
	}))
	t.Cleanup(srv.Close)
	_, err := opener(t, srv.URL+"/", time.Second).Open()
	require.ErrorIs(t, err, ErrAgentNotConnected)
	assert.False(t, errors.Is(err, ErrReplicaUnreachable))
	assert.Contains(t, err.Error(), "not connected to this replica")

	status = http.StatusUpgradeRequired
	_, err = opener(t, srv.URL, time.Second).Open()
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrAgentNotConnected))
}

func TestValidRelaySecret(t *testing.T) {
	t.Parallel()
	assert.True(t, validRelaySecret("abc", "abc"))
	assert.False(t, validRelaySecret("abc", "abd"))
	assert.False(t, validRelaySecret("abc", ""))
	assert.False(t, validRelaySecret("", ""), "no secret configured accepts nothing")
}
