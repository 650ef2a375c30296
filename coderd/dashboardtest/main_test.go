// Package dashboardtest checks how the server serves the dashboard beside
// the API: pages for browser paths, JSON 404s for the server's own paths.
package dashboardtest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
