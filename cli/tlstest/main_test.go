// Package tlstest runs `coder server` with TLS against real PostgreSQL and
// talks to it over HTTPS with certificates the tests make.
package tlstest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
