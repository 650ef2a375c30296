package cli

import (
	"fmt"
	"strconv"
	"time"

	"github.com/coder/serpent"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

// workspaceListRow is one line of `coder list`. JSON output keeps the API's
// codersdk.Workspace, as Coder's does, so scripts decode the same objects.
type workspaceListRow struct {
	codersdk.Workspace `table:"-"`

	Favorite         bool      `json:"-" table:"favorite"`
	WorkspaceName    string    `json:"-" table:"workspace,default_sort"`
	OrganizationID   uuid.UUID `json:"-" table:"organization id"`
	OrganizationName string    `json:"-" table:"organization name"`
	Template         string    `json:"-" table:"template"`
	Status           string    `json:"-" table:"status"`
	Healthy          string    `json:"-" table:"healthy"`
	LastBuilt        string    `json:"-" table:"last built"`
	CurrentVersion   string    `json:"-" table:"current version"`
	Outdated         bool      `json:"-" table:"outdated"`
	StartsAt         string    `json:"-" table:"starts at"`
	StartsNext       string    `json:"-" table:"starts next"`
	StopsAfter       string    `json:"-" table:"stops after"`
	StopsNext        string    `json:"-" table:"stops next"`
	DailyCost        string    `json:"-" table:"daily cost"`
}

func workspaceListRowFrom(now time.Time, ws codersdk.Workspace) workspaceListRow {
	status := workspaceDisplayStatus(ws.LatestBuild)
	healthy := ""
	if status == "Starting" || status == "Started" {
		healthy = strconv.FormatBool(ws.Health.Healthy)
	}
	sched := scheduleRowFrom(now, ws)
	return workspaceListRow{
		Workspace:        ws,
		Favorite:         ws.Favorite,
		WorkspaceName:    ws.OwnerName + "/" + ws.Name,
		OrganizationID:   ws.OrganizationID,
		OrganizationName: ws.OrganizationName,
		Template:         ws.TemplateName,
		Status:           status,
		Healthy:          healthy,
		LastBuilt:        durationDisplay(now.Sub(ws.LatestBuild.Job.CreatedAt)),
		CurrentVersion:   ws.LatestBuild.TemplateVersionName,
		Outdated:         ws.Outdated,
		StartsAt:         sched.StartsAt,
		StartsNext:       sched.StartsNext,
		StopsAfter:       sched.StopsAfter,
		StopsNext:        sched.StopsNext,
		DailyCost:        strconv.Itoa(int(ws.LatestBuild.DailyCost)),
	}
}

// workspaceDisplayStatus names a build's state as Coder's CLI does:
// "Started", "Stopping", "Failed", ...
func workspaceDisplayStatus(b codersdk.WorkspaceBuild) string {
	switch b.Job.Status {
	case codersdk.ProvisionerJobPending:
		return "Queued"
	case codersdk.ProvisionerJobRunning:
		switch b.Transition {
		case codersdk.WorkspaceTransitionStop:
			return "Stopping"
		case codersdk.WorkspaceTransitionDelete:
			return "Deleting"
		default:
			return "Starting"
		}
	case codersdk.ProvisionerJobSucceeded:
		switch b.Transition {
		case codersdk.WorkspaceTransitionStop:
			return "Stopped"
		case codersdk.WorkspaceTransitionDelete:
			return "Deleted"
		default:
			return "Started"
		}
	case codersdk.ProvisionerJobCanceling:
		return "Canceling"
	case codersdk.ProvisionerJobCanceled:
		return "Canceled"
	case codersdk.ProvisionerJobFailed:
		return "Failed"
	}
	return string(b.Job.Status)
}

func (r *RootCmd) list() *serpent.Command {
	var (
		all    bool
		search string
	)
	formatter := cliui.NewOutputFormatter(
		cliui.TableFormat([]workspaceListRow{}, []string{
			"workspace", "template", "status", "healthy", "last built",
			"current version", "outdated", "starts at", "stops after",
		}),
		cliui.JSONFormat(),
	)
	cmd := &serpent.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List workspaces",
		Long: formatExamples(
			example{Description: "Your workspaces as JSON (codersdk.Workspace objects)", Command: "coder list -o json"},
			example{Description: "Everyone's running workspaces", Command: "coder list --search 'status:running' --all"},
		),
		Middleware: serpent.RequireNArgs(0),
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
			workspaces, err := searchWorkspaces(inv, client, search, all)
			if err != nil {
				return err
			}
			if len(workspaces) == 0 && formatter.FormatID() == "table" {
				cliui.Infof(inv.Stderr, "No workspaces found! Create one:\n\n  %s\n", cliui.Code(inv.Context(), "coder create <name>"))
				return nil
			}
			now := time.Now()
			rows := make([]workspaceListRow, len(workspaces))
			for i, ws := range workspaces {
				rows[i] = workspaceListRowFrom(now, ws)
			}
			out, err := formatter.Format(inv.Context(), rows)
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

// searchWorkspaces lists every page of a workspace search; all drops the
// default "owner:me" so that every workspace the caller may see is listed.
func searchWorkspaces(inv *serpent.Invocation, client *codersdk.Client, search string, all bool) ([]codersdk.Workspace, error) {
	if all && search == "owner:me" {
		search = ""
	}
	const pageSize = 100
	var out []codersdk.Workspace
	for {
		page, err := client.Workspaces(inv.Context(), codersdk.WorkspaceFilter{FilterQuery: search, Offset: len(out), Limit: pageSize})
		if err != nil {
			return nil, xerrors.Errorf("list workspaces: %w", err)
		}
		out = append(out, page.Workspaces...)
		if len(page.Workspaces) < pageSize || len(out) >= page.Count {
			return out, nil
		}
	}
}
