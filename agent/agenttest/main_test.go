// Package agenttest runs the real agent process end to end: a server with
// the Terraform provisioner builds workspaces from the `local` starter,
// whose build starts `coder agent` on this machine.
package agenttest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
