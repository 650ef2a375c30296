package cli

import (
	"fmt"
	"time"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/coderd/schedule"
	"github.com/devplane/devplane/codersdk"
)

// scheduleRow is one line of `coder schedule show`; its JSON is Coder's.
type scheduleRow struct {
	WorkspaceName string `json:"workspace" table:"workspace,default_sort"`
	StartsAt      string `json:"starts_at" table:"starts at"`
	StartsNext    string `json:"starts_next" table:"starts next"`
	StopsAfter    string `json:"stops_after" table:"stops after"`
	StopsNext     string `json:"stops_next" table:"stops next"`
}

func scheduleRowFrom(now time.Time, ws codersdk.Workspace) scheduleRow {
	row := scheduleRow{WorkspaceName: ws.OwnerName + "/" + ws.Name}
	if ws.AutostartSchedule != nil && *ws.AutostartSchedule != "" {
		if sched, err := schedule.Weekly(*ws.AutostartSchedule); err == nil {
			row.StartsAt = humanizeSchedule(*ws.AutostartSchedule)
			row.StartsNext = timeDisplay(sched.Next(now))
		}
	}
	if ws.TTLMillis != nil && *ws.TTLMillis > 0 {
		row.StopsAfter = durationDisplay(time.Duration(*ws.TTLMillis) * time.Millisecond)
		b := ws.LatestBuild
		if b.Transition == codersdk.WorkspaceTransitionStart && b.Deadline != nil && !b.Deadline.IsZero() && b.Deadline.After(now) {
			row.StopsNext = timeDisplay(*b.Deadline)
		}
	}
	return row
}

func (r *RootCmd) schedules() *serpent.Command {
	cmd := &serpent.Command{
		Use:   "schedule { show | start | stop | extend } <workspace>",
		Short: "Schedule automated start and stop times for workspaces",
		Long: formatExamples(
			example{Description: "Start at 9:30 on weekdays in Dublin", Command: "coder schedule start my-workspace 9:30AM Mon-Fri Europe/Dublin"},
			example{Description: "Stop 8 hours after each start", Command: "coder schedule stop my-workspace 8h"},
			example{Description: "Show the schedule", Command: "coder schedule show my-workspace"},
		),
		Handler: func(inv *serpent.Invocation) error {
			return inv.Command.HelpHandler(inv)
		},
		Children: []*serpent.Command{
			r.scheduleShow(),
			r.scheduleStart(),
			r.scheduleStop(),
			r.scheduleExtend(),
		},
	}
	return cmd
}

func (r *RootCmd) scheduleShow() *serpent.Command {
	var (
		all    bool
		search string
	)
	formatter := cliui.NewOutputFormatter(
		cliui.TableFormat([]scheduleRow{}, []string{"workspace", "starts at", "starts next", "stops after", "stops next"}),
		cliui.JSONFormat(),
	)
	cmd := &serpent.Command{
		Use:   "show <workspace | --search <query> | --all>",
		Short: "Show workspace schedules",
		Long: "Shows the following information for the given workspace(s):\n" +
			"  * The automatic start schedule\n" +
			"  * The next scheduled start time\n" +
			"  * The duration after which it will stop\n" +
			"  * The next scheduled stop time\n\n" +
			formatExamples(example{Command: "coder schedule show my-workspace"}),
		Middleware: serpent.RequireRangeArgs(0, 1),
		Options: serpent.OptionSet{
			{
				Flag:          "all",
				FlagShorthand: "a",
				Description:   "Specifies whether all workspaces will be listed or not.",
				Value:         serpent.BoolOf(&all),
			},
			{
				Flag:        "search",
				Description: "Search for a workspace with a query.",
				Default:     "owner:me",
				Value:       serpent.StringOf(&search),
			},
		},
		Handler: func(inv *serpent.Invocation) error {
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			var workspaces []codersdk.Workspace
			if len(inv.Args) == 1 {
				ws, err := namedWorkspace(inv.Context(), client, inv.Args[0])
				if err != nil {
					return err
				}
				workspaces = []codersdk.Workspace{ws}
			} else {
				workspaces, err = searchWorkspaces(inv, client, search, all)
				if err != nil {
					return err
				}
			}
			return printSchedules(inv, formatter, workspaces)
		},
	}
	formatter.AttachOptions(&cmd.Options)
	return cmd
}

func printSchedules(inv *serpent.Invocation, formatter *cliui.OutputFormatter, workspaces []codersdk.Workspace) error {
	now := time.Now()
	rows := make([]scheduleRow, len(workspaces))
	for i, ws := range workspaces {
		rows[i] = scheduleRowFrom(now, ws)
	}
	out, err := formatter.Format(inv.Context(), rows)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(inv.Stdout, out)
	return err
}

// printScheduleOf shows the workspace's schedule after a change, as Coder
// does, re-reading it so the table shows what the server stored.
func printScheduleOf(inv *serpent.Invocation, client *codersdk.Client, ws codersdk.Workspace) error {
	updated, err := client.Workspace(inv.Context(), ws.ID)
	if err != nil {
		return xerrors.Errorf("get workspace: %w", err)
	}
	formatter := cliui.NewOutputFormatter(
		cliui.TableFormat([]scheduleRow{}, []string{"workspace", "starts at", "starts next", "stops after", "stops next"}),
	)
	return printSchedules(inv, formatter, []codersdk.Workspace{updated})
}

func (r *RootCmd) scheduleStart() *serpent.Command {
	return &serpent.Command{
		Use:   "start <workspace-name> { <start-time> [day-of-week] [location] | manual }",
		Short: "Edit workspace start schedule",
		Long: "Schedules a workspace to regularly start at a specific time.\n" +
			"Schedule format: <start-time> [day-of-week] [location].\n" +
			"  * Start-time (required) is accepted either in 12-hour (hh:mm{am|pm}) format, or 24-hour format hh:mm.\n" +
			"  * Day-of-week (optional) allows specifying in the cron format, e.g. 1,3,5 or Mon-Fri.\n" +
			"    Aliases such as @daily are not supported.\n" +
			"    Default: * (every day)\n" +
			"  * Location (optional) must be a valid location in the IANA timezone database.\n" +
			"    If omitted, we will fall back to either the TZ environment variable or /etc/localtime.\n" +
			"  * \"manual\" removes the schedule.\n\n" +
			formatExamples(example{
				Description: "Set the workspace to start at 9:30am (in Dublin) from Monday to Friday",
				Command:     "coder schedule start my-workspace 9:30AM Mon-Fri Europe/Dublin",
			}),
		Middleware: serpent.RequireRangeArgs(2, 4),
		Handler: func(inv *serpent.Invocation) error {
			client, ws, err := r.clientAndWorkspace(inv)
			if err != nil {
				return err
			}
			var sched *string
			if !(len(inv.Args) == 2 && inv.Args[1] == "manual") {
				s, err := parseStartSchedule(inv.Args[1:])
				if err != nil {
					return err
				}
				sched = &s
			}
			if err := client.UpdateWorkspaceAutostart(inv.Context(), ws.ID, codersdk.UpdateWorkspaceAutostartRequest{Schedule: sched}); err != nil {
				return xerrors.Errorf("update start schedule: %w", err)
			}
			return printScheduleOf(inv, client, ws)
		},
	}
}

func (r *RootCmd) scheduleStop() *serpent.Command {
	return &serpent.Command{
		Use:   "stop <workspace-name> { <duration> | manual }",
		Short: "Edit workspace stop schedule",
		Long: "Schedules a workspace to stop after a given duration has elapsed.\n" +
			"  * Workspace runtime is measured from the time that the workspace build completed.\n" +
			"  * The minimum scheduled stop time is 1 minute.\n" +
			"  * The workspace template may place restrictions on the maximum shutdown time.\n" +
			"  * Changes to workspace schedules only take effect upon the next build of the workspace,\n" +
			"    and do not affect a running instance of a workspace.\n\n" +
			"When enabling scheduled stop, enter a duration in one of the following formats:\n" +
			"  * 3h2m (3 hours and two minutes)\n" +
			"  * 3h   (3 hours)\n" +
			"  * 2m   (2 minutes)\n" +
			"  * 2    (2 minutes)\n\n" +
			formatExamples(example{Command: "coder schedule stop my-workspace 2h30m"}),
		Middleware: serpent.RequireNArgs(2),
		Handler: func(inv *serpent.Invocation) error {
			client, ws, err := r.clientAndWorkspace(inv)
			if err != nil {
				return err
			}
			var ttl *int64
			if inv.Args[1] != "manual" {
				d, err := parseStopAfter(inv.Args[1])
				if err != nil {
					return err
				}
				ms := d.Milliseconds()
				ttl = &ms
			}
			if err := client.UpdateWorkspaceTTL(inv.Context(), ws.ID, codersdk.UpdateWorkspaceTTLRequest{TTLMillis: ttl}); err != nil {
				return xerrors.Errorf("update stop schedule: %w", err)
			}
			return printScheduleOf(inv, client, ws)
		},
	}
}

func (r *RootCmd) scheduleExtend() *serpent.Command {
	return &serpent.Command{
		Use:     "extend <workspace-name> <duration from now>",
		Aliases: []string{"override-stop"},
		Short:   "Extend the stop time of a currently running workspace instance.",
		Long: "\n  * The new stop time is calculated from *now*.\n" +
			"  * The new stop time must be at least 30 minutes in the future.\n" +
			"  * The workspace template may restrict the maximum workspace runtime.\n\n" +
			formatExamples(example{Command: "coder schedule extend my-workspace 90m"}),
		Middleware: serpent.RequireNArgs(2),
		Handler: func(inv *serpent.Invocation) error {
			client, ws, err := r.clientAndWorkspace(inv)
			if err != nil {
				return err
			}
			d, err := parseStopAfter(inv.Args[1])
			if err != nil {
				return err
			}
			deadline := time.Now().Add(d).UTC()
			if err := client.PutExtendWorkspace(inv.Context(), ws.ID, codersdk.PutExtendWorkspaceRequest{Deadline: deadline}); err != nil {
				return xerrors.Errorf("extend workspace: %w", err)
			}
			return printScheduleOf(inv, client, ws)
		},
	}
}
