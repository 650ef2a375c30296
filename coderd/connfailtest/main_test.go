// Package connfailtest drives what happens to connections when things fail:
// the sessions of a replica that dies or shuts down are closed on record,
// and a connection that cannot be made says why.
package connfailtest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
