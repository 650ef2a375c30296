// Package apifuzz_test walks every operation of the API's own Swagger
// document with hostile input and holds the server to its error contract:
// never a 5xx for anything a client sends, a message on every 4xx, and the
// bad field named.
package apifuzz_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
