// Package healthtest checks GET /api/v2/debug/health and its websocket echo
// against a real server: the report's shape, each section's verdict, the
// cache, and who may see it.
package healthtest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
