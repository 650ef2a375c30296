// Package workspacecmdtest drives the built `coder` binary, as a user or a
// script would, against a real in-process server with the echo
// provisioner: the workspace commands, the admin commands and their
// prompts on a pseudo-terminal.
package workspacecmdtest

import (
	"testing"

	"github.com/devplane/devplane/database/dbtestutil"
)

func TestMain(m *testing.M) { dbtestutil.Main(m) }
