// Package insightstest drives the insights API end to end on sessions and
// agent stats recorded in a real database.
package insightstest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
