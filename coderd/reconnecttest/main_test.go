// Package reconnecttest checks that a replica whose pubsub lost its LISTEN
// connection catches up once it is back: watches, log followers and idle
// provisioner daemons re-read what changed through another replica while
// they could not hear it.
package reconnecttest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
