// Package replicatest runs every way into a workspace end to end through
// the replica that does not hold the agent's connection: two servers on
// one database, each advertising a relay address; the local starter's
// build (on replica A) starts the real `coder agent` process, which
// connects to A; the CLI, the real OpenSSH client and the app proxy's
// users talk to replica B, which relays to A. The service "in the
// workspace" is a small program (testdata/echoapp) started over SSH.
package replicatest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
