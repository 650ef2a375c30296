// Package oidctest signs in, end to end, through a real OpenID Provider
// (zitadel/oidc's op package) running on loopback: signups, links, the ID
// token checks, IdP sync of groups and roles, login conversion, and that
// no secret reaches logs, pages or the audit log.
package oidctest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
