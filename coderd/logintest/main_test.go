// Package logintest tests, end to end, what stands between a password
// guesser or a flood of requests and the server: the login limiter, the
// password hashing pool, trusted proxy headers and the API rate limiter.
package logintest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
