package agentconn

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// ErrAgentNotConnected means no live replica holds a connection of the
// agent (or the one that does cannot be reached: ErrReplicaUnreachable
// counts as this too). Dial's errors are *DialError; DialResponse turns
// them into an answer for the user.
var ErrAgentNotConnected = xerrors.New("the workspace agent is not connected")

// DialErrorKind is why a stream to an agent could not be opened.
type DialErrorKind int

const (
	// KindNotConnected: no live replica holds the agent's connection (the
	// workspace is stopped, or its agent is offline or reconnecting).
	KindNotConnected DialErrorKind = iota + 1
	// KindReplicaUnreachable: the agent is connected to another replica,
	// which did not answer; it is presumed gone, and the agent will
	// reconnect through a live one.
	KindReplicaUnreachable
	// KindRelayRefused: the other replica answered but would not relay
	// (a misconfigured deployment: versions or secrets differ).
	KindRelayRefused
	// KindRelayNotConfigured: the agent is connected to another replica
	// that advertises no usable relay address.
	KindRelayNotConfigured
	// KindRefused: the agent answered and refused the stream, e.g. nothing
	// listens on the port asked for.
	KindRefused
	// KindNoAnswer: the agent's connection is there but the agent did not
	// answer.
	KindNoAnswer
)

// DialError says why Dial failed, with what the user may be told (the
// replica's hostname, the agent's own refusal) kept apart from the cause,
// which may hold internal addresses and goes to the log only.
type DialError struct {
	Kind DialErrorKind
	// Replica is the hostname of the replica holding the agent's
	// connection (KindReplicaUnreachable, KindRelayRefused).
	Replica string
	// Refusal and RefusalStatus are the agent's message and HTTP status
	// (KindRefused).
	Refusal       string
	RefusalStatus int
	// Path is the agent path dialed, with its query.
	Path  string
	cause error
}

func (e *DialError) Error() string {
	if e.cause != nil {
		return e.cause.Error()
	}
	return e.summary()
}

func (e *DialError) Unwrap() error { return e.cause }

// Is keeps the sentinels' meaning: both "not connected" kinds are
// ErrAgentNotConnected, and an unreachable replica is ErrReplicaUnreachable.
func (e *DialError) Is(target error) bool {
	switch target {
	case ErrAgentNotConnected:
		return e.Kind == KindNotConnected || e.Kind == KindReplicaUnreachable || e.Kind == KindRelayNotConfigured
	case ErrReplicaUnreachable:
		return e.Kind == KindReplicaUnreachable
	}
	return false
}

func (e *DialError) summary() string {
	switch e.Kind {
	case KindNotConnected:
		return ErrAgentNotConnected.Error()
	case KindReplicaUnreachable:
		return "the replica holding the workspace agent's connection (" + e.Replica + ") is unreachable"
	case KindRelayRefused:
		return "the replica holding the workspace agent's connection (" + e.Replica + ") refused to relay it"
	case KindRelayNotConfigured:
		return "the replica holding the workspace agent's connection (" + e.Replica + ") has no usable relay address"
	case KindRefused:
		return "the workspace agent refused the connection: " + e.Refusal
	default:
		return "the workspace agent did not answer"
	}
}

// Dial opens a raw stream to the agent at pathAndQuery (agentsdk.AgentPTYPath,
// AgentSSHPath, AgentDialPath plus query): through the agent's tunnel when
// it is connected to this replica, otherwise through the relay of the
// replica that holds it (SetRelay). It is the only way handlers reach
// agents. Its errors are *DialError.
func (r *Registry) Dial(ctx context.Context, agentID uuid.UUID, pathAndQuery string) (net.Conn, error) {
	conn, err := r.dial(ctx, agentID, pathAndQuery)
	if err != nil {
		return nil, classify(err, pathAndQuery)
	}
	return conn, nil
}

func (r *Registry) dial(ctx context.Context, agentID uuid.UUID, pathAndQuery string) (net.Conn, error) {
	if s := r.Get(agentID); s != nil && !s.Mux.IsClosed() {
		conn, err := agentsdk.DialStream(ctx, s.Mux, pathAndQuery)
		if err == nil {
			return conn, nil
		}
		if !s.Mux.IsClosed() {
			return nil, err
		}
		// The tunnel died under us; the agent may be back elsewhere.
	}
	opener, err := r.openRelay(ctx, agentID)
	if err != nil {
		return nil, err
	}
	return agentsdk.DialStream(ctx, opener, pathAndQuery)
}

// classify makes any failure of dial a *DialError.
func classify(err error, path string) *DialError {
	var de *DialError
	if errors.As(err, &de) {
		out := *de
		out.Path, out.cause = path, err
		return &out
	}
	if errors.Is(err, ErrAgentNotConnected) {
		return &DialError{Kind: KindNotConnected, Path: path, cause: err}
	}
	var refusal *codersdk.Error
	if errors.As(err, &refusal) {
		// The agent answers refusals in plain text.
		msg := refusal.Message
		if refusal.Detail != "" && (msg == "unexpected non-JSON response" || msg == "unexpected response body") {
			msg = refusal.Detail
		}
		return &DialError{Kind: KindRefused, Refusal: strings.TrimSpace(msg), RefusalStatus: refusal.StatusCode(), Path: path, cause: err}
	}
	return &DialError{Kind: KindNoAnswer, Path: path, cause: err}
}

// DialResponse is the answer to a user whose connection could not be made
// (err from Dial): always 502, since the server is a gateway to the agent,
// as Coder's app proxy answers, with a message that says what happened and
// no internal text. The caller logs err.
func DialResponse(err error) (int, codersdk.Response) {
	var de *DialError
	if !errors.As(err, &de) {
		return http.StatusBadGateway, codersdk.Response{Message: "The workspace agent could not be reached."}
	}
	switch de.Kind {
	case KindNotConnected:
		return http.StatusBadGateway, codersdk.Response{
			Message: "The workspace agent is not connected.",
			Detail:  "Start the workspace, or wait for its agent to connect, and try again.",
		}
	case KindReplicaUnreachable:
		return http.StatusBadGateway, codersdk.Response{
			Message: fmt.Sprintf("The workspace agent is connected to server replica %q, which cannot be reached.", de.Replica),
			Detail:  "That replica is presumed gone; the agent reconnects through a live replica within seconds. Try again shortly.",
		}
	case KindRelayRefused:
		return http.StatusBadGateway, codersdk.Response{
			Message: fmt.Sprintf("The workspace agent is connected to server replica %q, which refused to relay the connection.", de.Replica),
			Detail:  "The deployment's replicas disagree (version or relay secret); an administrator should check the server logs.",
		}
	case KindRelayNotConfigured:
		return http.StatusBadGateway, codersdk.Response{
			Message: fmt.Sprintf("The workspace agent is connected to server replica %q, which the other replicas cannot reach.", de.Replica),
			Detail:  "Its relay address is not set or not valid: an administrator should set --replica-relay-url on every replica.",
		}
	case KindRefused:
		if port, ok := dialedPort(de.Path); ok {
			if strings.Contains(de.Refusal, "connection refused") {
				return http.StatusBadGateway, codersdk.Response{
					Message: fmt.Sprintf("Connection refused to port %s in the workspace.", port),
					Detail:  "Nothing in the workspace is listening on that port: start the app or service and try again.",
				}
			}
			return http.StatusBadGateway, codersdk.Response{
				Message: fmt.Sprintf("Could not connect to port %s in the workspace.", port),
				Detail:  de.Refusal,
			}
		}
		return http.StatusBadGateway, codersdk.Response{
			Message: "The workspace agent refused the connection.",
			Detail:  de.Refusal, // the agent's own words
		}
	default:
		return http.StatusBadGateway, codersdk.Response{
			Message: "The workspace agent did not answer.",
			Detail:  "Its connection may be failing; try again in a moment.",
		}
	}
}

// dialedPort is the port of an AgentDialPath request.
func dialedPort(pathAndQuery string) (string, bool) {
	path, query, _ := strings.Cut(pathAndQuery, "?")
	if path != agentsdk.AgentDialPath {
		return "", false
	}
	q, err := url.ParseQuery(query)
	if err != nil || q.Get("port") == "" {
		return "", false
	}
	return q.Get("port"), true
}
