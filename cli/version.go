package cli

import (
	"fmt"

	"github.com/coder/serpent"

	"github.com/devplane/devplane/buildinfo"
	"github.com/devplane/devplane/cli/cliui"
)

// versionInfo is `coder version -o json`, with the field names of Coder's.
type versionInfo struct {
	Version     string `json:"version"`
	ExternalURL string `json:"external_url"`
	// Slim is always false: this binary always includes the server.
	Slim bool `json:"slim"`
}

func (v versionInfo) String() string {
	return fmt.Sprintf("Coder %s\n%s\n\nFull build of Coder, supports the server subcommand.", v.Version, v.ExternalURL)
}

func currentVersion() versionInfo {
	return versionInfo{Version: buildinfo.Version(), ExternalURL: buildinfo.ExternalURL()}
}

func (r *RootCmd) versionCmd() *serpent.Command {
	formatter := cliui.NewOutputFormatter(cliui.TextFormat(), cliui.JSONFormat())
	cmd := &serpent.Command{
		Use:   "version",
		Short: "Show coder version.",
		Long:  formatExamples(example{Description: "The version for scripts", Command: "coder version -o json | jq -r .version"}),
		Handler: func(inv *serpent.Invocation) error {
			out, err := formatter.Format(inv.Context(), currentVersion())
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(inv.Stdout, out)
			return err
		},
	}
	formatter.AttachOptions(&cmd.Options)
	return cmd
}

// printVersion is `coder --version`, the same text as `coder version`.
func (r *RootCmd) printVersion(inv *serpent.Invocation) error {
	_, err := fmt.Fprintln(inv.Stdout, currentVersion())
	return err
}
