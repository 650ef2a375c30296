// Package lifecycletest holds the lifecycle executor to exactly-once
// behaviour with several replicas on one database.
package lifecycletest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
