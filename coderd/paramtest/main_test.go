// Package paramtest checks that path parameters read the same way on every
// route: the same kinds of values parse by the same rules, answer 400 with
// the parameter named when malformed, and 404 when they name nothing the
// caller may see.
package paramtest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
