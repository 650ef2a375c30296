// Package agentapitest drives the workspace agent's endpoints end to end:
// simulated agents connect with agentsdk against coderdtest servers.
package agentapitest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
