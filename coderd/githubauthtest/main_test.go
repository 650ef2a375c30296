// Package githubauthtest signs in with GitHub, end to end, against a local
// server that serves GitHub's OAuth endpoints and the API shapes the
// server reads (/user, /user/emails, /user/memberships/orgs, /user/teams).
package githubauthtest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
