// Package sshtest runs SSH end to end with the real OpenSSH client: a
// server with the Terraform provisioner builds a workspace from the local
// starter, whose build starts the real agent; `coder config-ssh` writes the
// client's configuration and ssh, scp and `coder ssh` go through the server
// to the agent's SSH server.
package sshtest_test

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
