package agent

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk/agentsdk"
)

func TestNextBackoff(t *testing.T) {
	t.Parallel()
	lowest, highest := time.Second, 30*time.Second
	d := time.Duration(0)
	for range 50 {
		prev := d
		d = nextBackoff(d, lowest, highest)
		want := max(min(prev*2, highest), lowest)
		assert.GreaterOrEqual(t, d, want/2)
		assert.LessOrEqual(t, d, want)
	}
	// It reaches the cap's range and stays there.
	assert.GreaterOrEqual(t, d, highest/2)
}

func TestExpandDirectory(t *testing.T) {
	t.Parallel()
	env := []string{"HOME=/home/alice", "PROJ=src"}
	assert.Equal(t, "/home/alice", expandDirectory("", env))
	assert.Equal(t, "/home/alice", expandDirectory("~", env))
	assert.Equal(t, "/home/alice/src/x", expandDirectory("~/$PROJ/x", env))
	assert.Equal(t, "/home/alice/rel", expandDirectory("rel", env))
	assert.Equal(t, "/opt/src", expandDirectory("/opt/${PROJ}", env))
}

// A fake /proc: a LISTEN socket on 8080 (v4) held by "server", one on
// 3000 (v6) held by nobody we can see, an ESTABLISHED one and a port below
// the minimum, which are left out.
func TestListeningPortsFromProc(t *testing.T) {
	t.Parallel()
	proc := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(proc, "net"), 0o755))
	tcp := `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0000000000000000 100 0 0 10 0
   1: 0100007F:1F91 0100007F:9C40 01 00000000:00000000 00:00000000 00000000  1000        0 222 1 0000000000000000 100 0 0 10 0
   2: 00000000:0007 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 333 1 0000000000000000 100 0 0 10 0
`
	tcp6 := `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0BB8 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 444 1 0000000000000000 100 0 0 10 0
`
	require.NoError(t, os.WriteFile(filepath.Join(proc, "net", "tcp"), []byte(tcp), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(proc, "net", "tcp6"), []byte(tcp6), 0o600))
	require.NoError(t, os.MkdirAll(filepath.Join(proc, "42", "fd"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(proc, "42", "comm"), []byte("server\n"), 0o600))
	require.NoError(t, os.Symlink("socket:[111]", filepath.Join(proc, "42", "fd", "3")))
	require.NoError(t, os.Symlink("/dev/null", filepath.Join(proc, "42", "fd", "0")))

	ports, err := listeningPorts(proc)
	require.NoError(t, err)
	assert.Equal(t, []agentsdk.ListeningPort{
		{ProcessName: "", Network: "tcp", Port: 3000},
		{ProcessName: "server", Network: "tcp", Port: 8080},
	}, ports)
}
