// Package introspectiontest runs a real `coder server` with its metrics and
// profiler listeners and checks what each listener serves, and what the
// API listener does not.
package introspectiontest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
