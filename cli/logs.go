package cli

import (
	"github.com/coder/serpent"
	"golang.org/x/xerrors"
)

func (r *RootCmd) logs() *serpent.Command {
	var (
		buildNumber int64
		follow      bool
	)
	return &serpent.Command{
		Use:   "logs <workspace>",
		Short: "View logs for a workspace",
		Long: "Prints the log of a workspace build: the latest by default.\n\n" +
			formatExamples(
				example{Description: "Follow the build that is running now", Command: "coder logs my-workspace -f"},
				example{Description: "The build before the latest", Command: "coder logs my-workspace -n -1"},
			),
		Middleware: serpent.RequireNArgs(1),
		Options: serpent.OptionSet{
			{
				Flag:          "build-number",
				FlagShorthand: "n",
				Default:       "0",
				Description:   "Only show logs for a specific build number. Defaults to the most recent build. If a negative number is provided, it is treated as an offset from the most recent build. For example, -1 would refer to the previous build.",
				Value:         serpent.Int64Of(&buildNumber),
			},
			{
				Flag:          "follow",
				FlagShorthand: "f",
				Default:       "false",
				Description:   "Follow logs as they are emitted.",
				Value:         serpent.BoolOf(&follow),
			},
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, ws, err := r.clientAndWorkspace(inv)
			if err != nil {
				return err
			}
			build, err := buildByNumber(inv, client, ws, int(buildNumber))
			if err != nil {
				return err
			}
			if follow {
				// Exits non-zero when the followed build fails, like the
				// commands that start builds.
				_, err := awaitBuild(ctx, inv.Stdout, client, build)
				return err
			}
			logs, err := client.WorkspaceBuildLogs(ctx, build.ID, 0)
			if err != nil {
				return xerrors.Errorf("get build logs: %w", err)
			}
			printer := &jobLogPrinter{w: inv.Stdout, ctx: ctx}
			for _, l := range logs {
				printer.print(l)
			}
			return nil
		},
	}
}
