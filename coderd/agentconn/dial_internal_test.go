package agentconn

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
)

// agentRefusal is what DialStream returns when the agent answers status
// with a plain-text body, as the agent does.
func agentRefusal(status int, body string) error {
	res := &http.Response{
		StatusCode: status, Header: http.Header{"Content-Type": {"text/plain; charset=utf-8"}},
		Body: io.NopCloser(strings.NewReader(body + "\n")),
	}
	return xerrors.Errorf("agent refused: %w", codersdk.ReadBodyAsError(res))
}

// Every kind of dial failure gets its own answer, 502 as a gateway's, and
// none shows the cause's internal text (relay addresses, Go errors).
func TestDialResponse(t *testing.T) {
	t.Parallel()
	const internal = "10.9.8.7"
	unreachable := opener(t, "http://"+internal+":1", time.Second)
	unreachable.hostname = "replica-b"

	cases := []struct {
		name       string
		err        error
		kind       DialErrorKind
		message    string
		notConnect bool
	}{{
		name: "agent not connected", err: ErrAgentNotConnected, kind: KindNotConnected,
		message: "The workspace agent is not connected.", notConnect: true,
	}, {
		name: "gone from the replica since the lookup", err: notConnected("no longer connected to replica %s", internal), kind: KindNotConnected,
		message: "The workspace agent is not connected.", notConnect: true,
	}, {
		name: "replica unreachable", err: xerrors.Errorf("open stream to agent: %w", unreachable.unreachable(xerrors.New("dial tcp "+internal+":1: connection refused"))),
		kind: KindReplicaUnreachable, message: `The workspace agent is connected to server replica "replica-b", which cannot be reached.`, notConnect: true,
	}, {
		name: "relay refused", err: &DialError{Kind: KindRelayRefused, Replica: "replica-b", cause: xerrors.New("replica at " + internal + " said 426")},
		kind: KindRelayRefused, message: `The workspace agent is connected to server replica "replica-b", which refused to relay the connection.`,
	}, {
		name: "relay not configured", err: &DialError{Kind: KindRelayNotConfigured, Replica: "replica-b", cause: xerrors.New("relay address " + internal + " is not http")},
		kind: KindRelayNotConfigured, message: `The workspace agent is connected to server replica "replica-b", which the other replicas cannot reach.`, notConnect: true,
	}, {
		name: "port closed", err: agentRefusal(http.StatusBadGateway, "nothing accepts tcp connections on 127.0.0.1:3000 in the workspace: dial tcp 127.0.0.1:3000: connect: connection refused"),
		kind: KindRefused, message: "Connection refused to port 3000 in the workspace.",
	}, {
		name: "other refusal", err: agentRefusal(http.StatusServiceUnavailable, "the agent has not started yet"),
		kind: KindRefused, message: "The workspace agent refused the connection.",
	}, {
		name: "no answer", err: xerrors.Errorf("read upgrade response: %w", context.DeadlineExceeded), kind: KindNoAnswer,
		message: "The workspace agent did not answer.",
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			path := "/pty?reconnect=x"
			if tc.name == "port closed" {
				path = "/dial?network=tcp&port=3000"
			}
			de := classify(tc.err, path)
			assert.Equal(t, tc.kind, de.Kind)
			assert.Equal(t, tc.notConnect, xerrors.Is(de, ErrAgentNotConnected))
			assert.Equal(t, tc.kind == KindReplicaUnreachable, xerrors.Is(de, ErrReplicaUnreachable))
			status, res := DialResponse(de)
			assert.Equal(t, http.StatusBadGateway, status)
			assert.Equal(t, tc.message, res.Message)
			assert.NotContains(t, res.Message+res.Detail, internal)
			assert.NotContains(t, res.Message+res.Detail, "dial tcp")
			// The cause stays for the log.
			assert.Equal(t, tc.err.Error(), de.Error())
		})
	}

	t.Run("other refusal keeps the agent's words", func(t *testing.T) {
		t.Parallel()
		_, res := DialResponse(classify(agentRefusal(http.StatusServiceUnavailable, "the agent has not started yet"), "/pty"))
		assert.Equal(t, "the agent has not started yet", res.Detail)
	})
	t.Run("not a dial error", func(t *testing.T) {
		t.Parallel()
		status, res := DialResponse(xerrors.New("pq: " + internal))
		assert.Equal(t, http.StatusBadGateway, status)
		assert.NotContains(t, res.Message+res.Detail, internal)
	})
}

// A replica that is not listening at all is unreachable, named by its
// hostname.
func TestRelayOpenClosedReplica(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	o := opener(t, "http://"+addr, time.Second)
	o.hostname = "replica-c"
	_, err = o.Open()
	de := classify(err, "/ssh")
	require.Equal(t, KindReplicaUnreachable, de.Kind)
	_, res := DialResponse(de)
	assert.Contains(t, res.Message, `"replica-c"`)
	assert.NotContains(t, res.Message+res.Detail, addr)
	assert.Contains(t, de.Error(), addr, "the log gets the address")
}
