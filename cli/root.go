// Package cli is the `coder` command line: today the server, later the
// client commands. Commands are serpent commands so that every option has a
// flag, an environment variable and a YAML key from one declaration.
package cli

import (
	"github.com/coder/serpent"

	"github.com/devplane/devplane/buildinfo"
)

// Root returns the `coder` command with all subcommands.
func Root() *serpent.Command {
	cmd := &serpent.Command{
		Use:   "coder",
		Short: "A self-hosted control plane for developer workspaces, compatible with the Coder v2 API.",
		Long:  "Run `coder server` to start the API server on a built-in PostgreSQL.",
		Handler: func(inv *serpent.Invocation) error {
			return serpent.DefaultHelpFn()(inv)
		},
	}
	cmd.AddSubcommands(
		agentCmd(),
		serverCmd(),
		versionCmd(),
	)
	return cmd
}

func versionCmd() *serpent.Command {
	return &serpent.Command{
		Use:   "version",
		Short: "Print the version of this binary.",
		Handler: func(inv *serpent.Invocation) error {
			_, err := inv.Stdout.Write([]byte(buildinfo.Version() + "\n"))
			return err
		},
	}
}
