// Package relaytest drives connections through a replica that does not
// hold the agent's connection: two coderdtest replicas on one database,
// each advertising a relay address, and the agent package run in-process
// behind a switchable "load balancer".
package relaytest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
