package agent

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

// minListeningPort skips the well-known low ports Coder also hides.
const minListeningPort = 9

// runPorts scans the listening TCP ports every PortsInterval and reports
// the list when it changes.
func (a *Agent) runPorts(ctx context.Context, _ *agentsdk.Manifest) {
	var last []agentsdk.ListeningPort
	first := true
	for {
		ports, err := listeningPorts(a.opts.ProcDir)
		if err == nil && (first || !slices.Equal(ports, last)) {
			first = false
			last = ports
			req := agentsdk.PostListeningPortsRequest{Ports: ports}
			a.queue.push(report{name: "listening ports", send: func(ctx context.Context, conn *agentsdk.Conn) error {
				return conn.PostListeningPorts(ctx, req)
			}})
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(a.opts.PortsInterval):
		}
	}
}

// listeningPorts reads the TCP sockets in LISTEN state from
// procDir/net/tcp and tcp6 and names each by the process holding it, sorted
// by port, one entry per port.
func listeningPorts(procDir string) ([]agentsdk.ListeningPort, error) {
	inodes := map[string]uint16{}
	var found bool
	for _, name := range []string{"tcp", "tcp6"} {
		entries, err := parseProcNetTCP(filepath.Join(procDir, "net", name))
		if err != nil {
			continue
		}
		found = true
		for inode, port := range entries {
			inodes[inode] = port
		}
	}
	if !found {
		return nil, os.ErrNotExist
	}
	names := processNamesByInode(procDir, inodes)
	byPort := map[uint16]string{}
	for inode, port := range inodes {
		if port < minListeningPort {
			continue
		}
		if prev, ok := byPort[port]; !ok || prev == "" {
			byPort[port] = names[inode]
		}
	}
	ports := make([]agentsdk.ListeningPort, 0, len(byPort))
	for port, name := range byPort {
		ports = append(ports, agentsdk.ListeningPort{ProcessName: name, Network: "tcp", Port: port})
	}
	slices.SortFunc(ports, func(x, y agentsdk.ListeningPort) int { return int(x.Port) - int(y.Port) })
	return ports, nil
}

// parseProcNetTCP returns inode → local port of the LISTEN sockets in a
// /proc/net/tcp-format file.
func parseProcNetTCP(path string) (map[string]uint16, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]uint16{}
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		// sl local_address rem_address st tx:rx tr:tm retrnsmt uid timeout inode
		if len(fields) < 10 || fields[3] != "0A" {
			continue
		}
		_, portHex, ok := strings.Cut(fields[1], ":")
		if !ok {
			continue
		}
		port, err := strconv.ParseUint(portHex, 16, 16)
		if err != nil {
			continue
		}
		if fields[9] == "0" {
			continue
		}
		out[fields[9]] = uint16(port)
	}
	return out, sc.Err()
}

// processNamesByInode finds, for each socket inode, the name of a process
// with the socket open. Processes the agent may not inspect are skipped.
func processNamesByInode(procDir string, inodes map[string]uint16) map[string]string {
	names := map[string]string{}
	if len(inodes) == 0 {
		return names
	}
	pids, err := os.ReadDir(procDir)
	if err != nil {
		return names
	}
	for _, p := range pids {
		if _, err := strconv.Atoi(p.Name()); err != nil {
			continue
		}
		fdDir := filepath.Join(procDir, p.Name(), "fd")
		fds, err := os.ReadDir(fdDir)
		if err != nil {
			continue
		}
		var comm string
		for _, fd := range fds {
			target, err := os.Readlink(filepath.Join(fdDir, fd.Name()))
			if err != nil || !strings.HasPrefix(target, "socket:[") {
				continue
			}
			inode := strings.TrimSuffix(strings.TrimPrefix(target, "socket:["), "]")
			if _, ok := inodes[inode]; !ok {
				continue
			}
			if comm == "" {
				b, _ := os.ReadFile(filepath.Join(procDir, p.Name(), "comm"))
				comm = strings.TrimSpace(string(b))
			}
			names[inode] = comm
		}
	}
	return names
}
