package appproxytest_test

import (
	"context"
	"io"
	"net"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli/clitest"
	"github.com/devplane/devplane/testutil/freeport"
)

// streamBytes is what one iteration moves through one stream.
const streamBytes = 256 << 20

// BenchmarkAppProxyStream: one HTTP download from the workspace app through
// the path-based proxy (server → agent tunnel → /dial → app), per
// iteration. Reported as MB/s by -bench.
func BenchmarkAppProxyStream(b *testing.B) {
	e := newEnv(b, nil)
	path := appPath(e, "owner-app") + "/big?n=" + strconv.Itoa(streamBytes)
	b.SetBytes(streamBytes)
	b.ResetTimer()
	cpu := startCPU()
	for range b.N {
		res := get(b, e.client, path)
		n, err := io.Copy(io.Discard, res.Body)
		require.NoError(b, err)
		require.EqualValues(b, streamBytes, n)
	}
	cpu.report(b)
}

// BenchmarkPortForwardStream: one TCP connection through `coder
// port-forward` (local listener → WebSocket → server → agent → port)
// reading streamBytes from a source in the workspace, per iteration.
func BenchmarkPortForwardStream(b *testing.B) {
	e := newEnv(b, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(b, err)
	defer ln.Close()
	go func() {
		chunk := make([]byte, 256<<10)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				for sent := 0; sent < streamBytes; sent += len(chunk) {
					if _, err := c.Write(chunk); err != nil {
						return
					}
				}
			}()
		}
	}()
	remote := ln.Addr().(*net.TCPAddr).Port
	local := freeport.Loopback(b, "tcp")
	cli := clitest.NewEnv(b)
	cli.LoginAs(e.client)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		cli.Run(ctx, "", "port-forward", e.workspace.Name, "--tcp", strconv.Itoa(local)+":"+strconv.Itoa(remote))
	}()
	defer func() { cancel(); <-done }()
	require.Eventually(b, func() bool {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(local))
		if err == nil {
			_ = c.Close()
		}
		return err == nil
	}, time.Minute, 50*time.Millisecond)

	b.SetBytes(streamBytes)
	b.ResetTimer()
	cpu := startCPU()
	for range b.N {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(local))
		require.NoError(b, err)
		n, err := io.Copy(io.Discard, c)
		_ = c.Close()
		require.NoError(b, err)
		require.EqualValues(b, streamBytes, n)
	}
	cpu.report(b)
}

// cpuMeter measures the CPU time the process spends while the benchmark
// loop runs. Server, agent and client all run in this process, so CPU per
// byte is the cost of the whole path, and it does not depend on how busy
// the machine is the way MB/s does.
type cpuMeter struct{ start time.Duration }

func processCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func startCPU() cpuMeter { return cpuMeter{start: processCPU()} }

// report adds CPU seconds per GB (10^9 bytes) moved to the benchmark's
// output.
func (m cpuMeter) report(b *testing.B) {
	b.StopTimer()
	used := processCPU() - m.start
	b.ReportMetric(used.Seconds()/(float64(b.N)*streamBytes/1e9), "cpu-s/GB")
}
