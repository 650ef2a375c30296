// Package sharedlimitstest checks that the login and API rate limits are
// deployment-wide: kept in PostgreSQL, shared by replicas on one database
// and kept across restarts.
package sharedlimitstest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
