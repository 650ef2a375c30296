// Package connaccesstest checks who may open what on every connection path
// of a workspace (terminal, SSH, port forwarding, listening ports, apps by
// path and by subdomain, shared and unshared ports): the owner, an admin
// and users it is shared with get in, a member without access gets 404,
// a reader who may not connect 403, and signed out only the public app
// answers.
package connaccesstest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
