// Package browsertest checks, end to end, what keeps a browser's session
// safe (CSRF proofs, query tokens only on streams, no-store) and what
// keeps clients from holding the server's connections (request deadlines),
// plus the refusal to delete users who own workspaces.
package browsertest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
