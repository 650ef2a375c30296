package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/coder/serpent"
	"github.com/coder/websocket"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
	"github.com/devplane/devplane/codersdk/agentsdk"
)

// portMapping is one local listener forwarded to one workspace port.
type portMapping struct {
	network    string // tcp or udp
	localAddr  string // host:port to listen on
	remotePort uint16
}

func (r *RootCmd) portForward() *serpent.Command {
	var tcpSpecs, udpSpecs []string
	return &serpent.Command{
		Use:   "port-forward <workspace>[.<agent>]",
		Short: `Forward ports from the local machine to the workspace's loopback, through the server.`,
		Long: "Each spec is [bind_ip:]local_port[:remote_port], or ranges of equal length (local_start-local_end:remote_start-remote_end). " +
			"The listeners stay open until interrupted.\n\n" + formatExamples(
			example{Description: "Port 8080 here reaches port 3000 in the workspace", Command: "coder port-forward my-workspace --tcp 8080:3000"},
			example{Description: "Several ports and a range", Command: "coder port-forward my-workspace --tcp 8080,9090 --tcp 9000-9002:9000-9002"},
			example{Description: "UDP", Command: "coder port-forward my-workspace --udp 9000:9000"},
		),
		Middleware: serpent.RequireNArgs(1),
		Options: serpent.OptionSet{
			{Flag: "tcp", FlagShorthand: "p", Env: "CODER_PORT_FORWARD_TCP", Description: "Forward TCP port(s) from the local machine to the workspace.", Value: serpent.StringArrayOf(&tcpSpecs)},
			{Flag: "udp", Env: "CODER_PORT_FORWARD_UDP", Description: "Forward UDP port(s) from the local machine to the workspace.", Value: serpent.StringArrayOf(&udpSpecs)},
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			var mappings []portMapping
			for _, s := range tcpSpecs {
				m, err := parsePortSpecs("tcp", s)
				if err != nil {
					return err
				}
				mappings = append(mappings, m...)
			}
			for _, s := range udpSpecs {
				m, err := parsePortSpecs("udp", s)
				if err != nil {
					return err
				}
				mappings = append(mappings, m...)
			}
			if len(mappings) == 0 {
				return xerrors.New("nothing to forward: give --tcp or --udp")
			}
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			agentID, err := workspaceAgentID(ctx, client, inv.Args[0])
			if err != nil {
				return err
			}

			ctx, cancel := context.WithCancel(ctx)
			defer cancel()
			var wg sync.WaitGroup
			var closers []io.Closer
			for _, m := range mappings {
				closer, err := startForward(ctx, &wg, client, agentID, m, inv)
				if err != nil {
					for _, c := range closers {
						_ = c.Close()
					}
					return err
				}
				closers = append(closers, closer)
				cliui.Infof(inv.Stderr, "Forwarding %s %s to port %d in the workspace", m.network, m.localAddr, m.remotePort)
			}
			cliui.Infof(inv.Stderr, "Ready; press Ctrl+C to stop.")
			<-ctx.Done()
			for _, c := range closers {
				_ = c.Close()
			}
			wg.Wait()
			return nil
		},
	}
}

// workspaceAgentID finds the agent of "workspace" or "workspace.agent".
func workspaceAgentID(ctx context.Context, client *codersdk.Client, arg string) (uuid.UUID, error) {
	name, agentName, _ := strings.Cut(arg, ".")
	ws, err := namedWorkspace(ctx, client, name)
	if err != nil {
		return uuid.Nil, err
	}
	var agents []codersdk.WorkspaceAgent
	for _, res := range ws.LatestBuild.Resources {
		for _, a := range res.Agents {
			if agentName == "" || a.Name == agentName {
				agents = append(agents, a)
			}
		}
	}
	switch {
	case len(agents) == 1:
		return agents[0].ID, nil
	case ws.LatestBuild.Transition != codersdk.WorkspaceTransitionStart:
		return uuid.Nil, xerrors.Errorf("workspace %q is not running: start it with 'coder start %s'", ws.Name, name)
	case agentName != "":
		return uuid.Nil, xerrors.Errorf("workspace %q has no agent %q", ws.Name, agentName)
	case len(agents) == 0:
		return uuid.Nil, xerrors.Errorf("workspace %q has no agent", ws.Name)
	}
	return uuid.Nil, xerrors.Errorf("workspace %q has several agents: name one as %s.<agent>", ws.Name, name)
}

// parsePortSpecs reads Coder's spec syntax; a comma separates several.
func parsePortSpecs(network, spec string) ([]portMapping, error) {
	var out []portMapping
	for _, one := range strings.Split(spec, ",") {
		one = strings.TrimSpace(one)
		parts := strings.Split(one, ":")
		bind := "127.0.0.1"
		var local, remote string
		switch len(parts) {
		case 1:
			local, remote = parts[0], parts[0]
		case 2:
			local, remote = parts[0], parts[1]
		case 3:
			bind, local, remote = parts[0], parts[1], parts[2]
			if net.ParseIP(bind) == nil {
				return nil, xerrors.Errorf("--%s %q: %q is not an IP address to listen on", network, one, bind)
			}
		default:
			return nil, xerrors.Errorf("--%s %q: want [bind_ip:]local_port[:remote_port]", network, one)
		}
		lo, lhi, err := parsePortRange(local)
		if err != nil {
			return nil, xerrors.Errorf("--%s %q: %w", network, one, err)
		}
		ro, rhi, err := parsePortRange(remote)
		if err != nil {
			return nil, xerrors.Errorf("--%s %q: %w", network, one, err)
		}
		if lhi-lo != rhi-ro {
			return nil, xerrors.Errorf("--%s %q: the local and remote ranges differ in length", network, one)
		}
		for i := 0; i <= int(lhi-lo); i++ {
			out = append(out, portMapping{
				network:    network,
				localAddr:  net.JoinHostPort(bind, strconv.Itoa(int(lo)+i)),
				remotePort: ro + uint16(i), //nolint:gosec // within the parsed range
			})
		}
	}
	return out, nil
}

func parsePortRange(s string) (uint16, uint16, error) {
	lo, hi, isRange := strings.Cut(s, "-")
	start, err := strconv.ParseUint(lo, 10, 16)
	if err != nil || start == 0 {
		return 0, 0, xerrors.Errorf("%q is not a port from 1 to 65535", lo)
	}
	end := start
	if isRange {
		end, err = strconv.ParseUint(hi, 10, 16)
		if err != nil || end < start {
			return 0, 0, xerrors.Errorf("%q is not a port range (start-end)", s)
		}
	}
	return uint16(start), uint16(end), nil
}

// startForward opens the local listener of m and forwards what arrives.
func startForward(ctx context.Context, wg *sync.WaitGroup, client *codersdk.Client, agentID uuid.UUID, m portMapping, inv *serpent.Invocation) (io.Closer, error) {
	if m.network == "udp" {
		pc, err := net.ListenPacket("udp", m.localAddr)
		if err != nil {
			return nil, xerrors.Errorf("listen on udp %s: %w", m.localAddr, err)
		}
		wg.Add(1)
		go func() { defer wg.Done(); forwardUDP(ctx, client, agentID, m, pc, inv) }()
		return pc, nil
	}
	ln, err := net.Listen("tcp", m.localAddr)
	if err != nil {
		return nil, xerrors.Errorf("listen on tcp %s: %w", m.localAddr, err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			local, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer local.Close()
				ws, err := client.DialWorkspaceAgentPort(ctx, agentID, "tcp", m.remotePort)
				if err != nil {
					_, _ = fmt.Fprintf(inv.Stderr, "Forwarding %s to port %d: %v\n", m.localAddr, m.remotePort, err)
					return
				}
				remote := websocket.NetConn(ctx, ws, websocket.MessageBinary)
				defer remote.Close()
				copyBoth(local, remote)
			}()
		}
	}()
	return ln, nil
}

func copyBoth(a, b net.Conn) {
	done := make(chan struct{}, 2)
	go func() { _, _ = agentsdk.Copy(a, b); done <- struct{}{} }()
	go func() { _, _ = agentsdk.Copy(b, a); done <- struct{}{} }()
	<-done
}

// forwardUDP keeps one forwarded connection per local peer, so replies go
// back to whoever sent.
func forwardUDP(ctx context.Context, client *codersdk.Client, agentID uuid.UUID, m portMapping, pc net.PacketConn, inv *serpent.Invocation) {
	var mu sync.Mutex
	peers := map[string]*websocket.Conn{}
	defer func() {
		mu.Lock()
		for _, c := range peers {
			_ = c.CloseNow()
		}
		mu.Unlock()
	}()
	buf := make([]byte, 65535)
	for {
		n, addr, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		mu.Lock()
		ws := peers[addr.String()]
		mu.Unlock()
		if ws == nil {
			ws, err = client.DialWorkspaceAgentPort(ctx, agentID, "udp", m.remotePort)
			if err != nil {
				_, _ = fmt.Fprintf(inv.Stderr, "Forwarding udp %s to port %d: %v\n", m.localAddr, m.remotePort, err)
				continue
			}
			mu.Lock()
			peers[addr.String()] = ws
			mu.Unlock()
			go func(ws *websocket.Conn, addr net.Addr) {
				defer func() {
					mu.Lock()
					delete(peers, addr.String())
					mu.Unlock()
				}()
				for {
					_, msg, err := ws.Read(ctx)
					if err != nil {
						return
					}
					if _, err := pc.WriteTo(msg, addr); err != nil && !errors.Is(err, net.ErrClosed) {
						return
					}
				}
			}(ws, addr)
		}
		if err := ws.Write(ctx, websocket.MessageBinary, buf[:n]); err != nil {
			_ = ws.CloseNow()
		}
	}
}
