// Package ptytest drives the browser terminal end to end: a coderdtest
// server, an echo template whose agent token is known, and the agent
// package run in-process against it.
package ptytest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
