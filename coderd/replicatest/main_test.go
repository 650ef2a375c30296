// Package replicatest runs several server replicas on one database, as
// separate processes would (each with its own pool and pubsub), and checks
// what they do together: the registry, failover of a lost replica's jobs,
// daemon identities and deployment-wide counts.
package replicatest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
