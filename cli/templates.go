package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

func (r *RootCmd) templates() *serpent.Command {
	cmd := &serpent.Command{
		Use:     "templates",
		Short:   "Manage templates",
		Aliases: []string{"template"},
		Long: "Templates are written in standard Terraform (or as an echo.yaml for the echo provisioner) and describe the infrastructure for workspaces.\n\n" +
			formatExamples(
				example{Description: "Start from a built-in example", Command: "coder templates init --id echo-dev my-template"},
				example{Description: "Create or update a template from the current directory", Command: "coder templates push my-template"},
				example{Description: "List the templates as JSON", Command: "coder templates list -o json"},
			),
		Handler: helpOrUnknown,
	}
	cmd.AddSubcommands(
		r.templateInit(),
		r.templatePush(),
		r.templatePull(),
		r.templateList(),
		r.templateEdit(),
		r.templateDelete(),
		r.templateVersions(),
	)
	return cmd
}

// templateListRow is one line of `coder templates list`, Coder's columns.
type templateListRow struct {
	Name             string        `table:"name,default_sort"`
	CreatedAt        string        `table:"created at"`
	LastUpdated      string        `table:"last updated"`
	OrganizationID   string        `table:"organization id"`
	OrganizationName string        `table:"organization name"`
	Provisioner      string        `table:"provisioner"`
	ActiveVersionID  string        `table:"active version id"`
	UsedBy           string        `table:"used by"`
	DefaultTTL       time.Duration `table:"default ttl"`
}

func templateRows(data any) (any, error) {
	templates, ok := data.([]codersdk.Template)
	if !ok {
		return nil, xerrors.Errorf("expected templates, got %T", data)
	}
	rows := make([]templateListRow, 0, len(templates))
	for _, t := range templates {
		rows = append(rows, templateListRow{
			Name:             t.Name,
			CreatedAt:        t.CreatedAt.Format("January 2, 2006"),
			LastUpdated:      t.UpdatedAt.Format("January 2, 2006"),
			OrganizationID:   t.OrganizationID.String(),
			OrganizationName: t.OrganizationName,
			Provisioner:      string(t.Provisioner),
			ActiveVersionID:  t.ActiveVersionID.String(),
			UsedBy:           pluralize(t.ActiveUserCount, "developer"),
			DefaultTTL:       time.Duration(t.DefaultTTLMillis) * time.Millisecond,
		})
	}
	return rows, nil
}

func pluralize(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (r *RootCmd) templateList() *serpent.Command {
	formatter := cliui.NewOutputFormatter(
		cliui.ChangeFormatterData(
			cliui.TableFormat([]templateListRow{}, []string{"name", "organization name", "last updated", "used by"}),
			templateRows,
		),
		cliui.JSONFormat(),
	)
	cmd := &serpent.Command{
		Use:        "list",
		Aliases:    []string{"ls"},
		Short:      "List all the templates available for the organization",
		Long:       formatExamples(example{Command: "coder templates list -o json"}, example{Command: "coder templates list -c \"name,provisioner,default ttl\""}),
		Middleware: serpent.RequireNArgs(0),
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			templates, err := client.Templates(ctx, codersdk.TemplateFilter{})
			if err != nil {
				return xerrors.Errorf("list templates: %w", err)
			}
			if len(templates) == 0 && formatter.FormatID() == "table" {
				_, _ = fmt.Fprintf(inv.Stderr, "No templates found! Create one:\n\n\t%s\n", cliui.Code(ctx, "coder templates push <directory>"))
				return nil
			}
			out, err := formatter.Format(ctx, templates)
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

// templateByName finds a template in the organization --org picks.
func (r *RootCmd) templateByName(inv *serpent.Invocation, client *codersdk.Client, orgFlag, name string) (codersdk.Template, codersdk.Organization, error) {
	org, err := r.selectOrganization(inv, client, orgFlag)
	if err != nil {
		return codersdk.Template{}, org, err
	}
	t, err := client.TemplateByName(inv.Context(), org.ID, name)
	if err != nil {
		return t, org, xerrors.Errorf("get template %q in organization %q: %w", name, org.Name, err)
	}
	return t, org, nil
}

type templateEditOptions struct {
	org                          string
	name                         string
	displayName                  string
	description                  string
	icon                         string
	deprecated                   string
	defaultTTL                   time.Duration
	activityBump                 time.Duration
	failureTTL                   time.Duration
	dormancyThreshold            time.Duration
	dormancyAutoDeletion         time.Duration
	autostartRequirementWeekdays []string
	autostopRequirementWeekdays  []string
	autostopRequirementWeeks     int64
	allowUserCancelWorkspaceJobs bool
	allowUserAutostart           bool
	allowUserAutostop            bool
	requireActiveVersion         bool
	private                      bool
}

func (r *RootCmd) templateEdit() *serpent.Command {
	var o templateEditOptions
	weekdays := append(codersdk.AllDaysOfWeek(), "all")
	return &serpent.Command{
		Use:   "edit <template>",
		Short: "Edit the metadata of a template by name.",
		Long: "Only the settings named by a flag change; the others keep their value.\n\n" +
			formatExamples(
				example{Command: "coder templates edit my-template --display-name \"My template\" --default-ttl 8h"},
				example{Description: "Deprecate a template", Command: "coder templates edit my-template --deprecated \"Use my-template-v2\""},
			),
		Middleware: serpent.RequireNArgs(1),
		Options: serpent.OptionSet{
			{Flag: "name", Description: "Edit the template name.", Value: serpent.StringOf(&o.name)},
			{Flag: "display-name", Description: "Edit the template display name.", Value: serpent.StringOf(&o.displayName)},
			{Flag: "description", Description: "Edit the template description.", Value: serpent.StringOf(&o.description)},
			{Flag: "deprecated", Description: "Sets the template as deprecated. Must be a message explaining why the template is deprecated; an empty message lifts the deprecation.", Value: serpent.StringOf(&o.deprecated)},
			{Flag: "icon", Description: "Edit the template icon path.", Value: serpent.StringOf(&o.icon)},
			{Flag: "default-ttl", Description: "Edit the template default time before shutdown - workspaces created from this template default to this value. Maps to \"Default autostop\" in the UI.", Value: serpent.DurationOf(&o.defaultTTL)},
			{Flag: "activity-bump", Description: "Edit the template activity bump - workspaces created from this template will have their shutdown time bumped by this value when activity is detected. Maps to \"Activity bump\" in the UI.", Value: serpent.DurationOf(&o.activityBump)},
			{Flag: "autostart-requirement-weekdays", Description: "Edit the template autostart requirement weekdays - workspaces created from this template can only autostart on the given weekdays. To unset this value for the template (and allow autostart on all days), pass 'all'.", Value: serpent.EnumArrayOf(&o.autostartRequirementWeekdays, weekdays...)},
			{Flag: "autostop-requirement-weekdays", Description: "Edit the template autostop requirement weekdays - workspaces created from this template must be restarted on the given weekdays. To unset this value for the template (and disable the autostop requirement for the template), pass 'none'.", Value: serpent.EnumArrayOf(&o.autostopRequirementWeekdays, append(codersdk.AllDaysOfWeek(), "none")...)},
			{Flag: "autostop-requirement-weeks", Description: "Edit the template autostop requirement weeks - workspaces created from this template must be restarted on an n-weekly basis.", Value: serpent.Int64Of(&o.autostopRequirementWeeks)},
			{Flag: "failure-ttl", Description: "Specify a failure TTL for workspaces created from this template. It is the amount of time after a failed \"start\" build before coder automatically schedules a \"stop\" build to cleanup. Maps to \"Failure cleanup\" in the UI.", Value: serpent.DurationOf(&o.failureTTL)},
			{Flag: "dormancy-threshold", Description: "Specify a duration workspaces may be inactive prior to being moved to the dormant state. Maps to \"Dormancy threshold\" in the UI.", Value: serpent.DurationOf(&o.dormancyThreshold)},
			{Flag: "dormancy-auto-deletion", Description: "Specify a duration workspaces may be in the dormant state prior to being deleted. Maps to \"Dormancy Auto-Deletion\" in the UI.", Value: serpent.DurationOf(&o.dormancyAutoDeletion)},
			{Flag: "allow-user-cancel-workspace-jobs", Description: "Allow users to cancel in-progress workspace jobs.", Value: serpent.BoolOf(&o.allowUserCancelWorkspaceJobs)},
			{Flag: "allow-user-autostart", Description: "Allow users to configure autostart for workspaces on this template.", Value: serpent.BoolOf(&o.allowUserAutostart)},
			{Flag: "allow-user-autostop", Description: "Allow users to customize the autostop TTL for workspaces on this template.", Value: serpent.BoolOf(&o.allowUserAutostop)},
			{Flag: "require-active-version", Description: "Requires workspace builds to use the active template version. This setting does not apply to template admins.", Value: serpent.BoolOf(&o.requireActiveVersion)},
			{Flag: "private", Description: "Disable the default behavior of granting template access to the 'everyone' group. The template permissions must be updated to allow non-admin users to use this template.", Value: serpent.BoolOf(&o.private)},
			organizationOption(&o.org),
			cliui.SkipPromptOption(),
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			t, _, err := r.templateByName(inv, client, o.org, inv.Args[0])
			if err != nil {
				return err
			}
			req := editRequest(t, &o, inv.ParsedFlags().Changed)
			if _, err := client.UpdateTemplateMeta(ctx, t.ID, req); err != nil {
				return xerrors.Errorf("update template %q: %w", t.Name, err)
			}
			_, _ = fmt.Fprintf(inv.Stdout, "Updated template metadata at %s!\n", cliui.Bold(ctx, time.Now().Format(time.Stamp)))
			return nil
		},
	}
}

// editRequest starts from the template's current settings, because the
// PATCH sets durations and booleans to whatever the body says, and applies
// only the flags that were given.
func editRequest(t codersdk.Template, o *templateEditOptions, changed func(string) bool) codersdk.UpdateTemplateMeta {
	req := codersdk.UpdateTemplateMeta{
		DefaultTTLMillis:               t.DefaultTTLMillis,
		ActivityBumpMillis:             t.ActivityBumpMillis,
		AutostopRequirement:            &t.AutostopRequirement,
		AutostartRequirement:           &t.AutostartRequirement,
		AllowUserAutostart:             t.AllowUserAutostart,
		AllowUserAutostop:              t.AllowUserAutostop,
		AllowUserCancelWorkspaceJobs:   t.AllowUserCancelWorkspaceJobs,
		FailureTTLMillis:               t.FailureTTLMillis,
		TimeTilDormantMillis:           t.TimeTilDormantMillis,
		TimeTilDormantAutoDeleteMillis: t.TimeTilDormantAutoDeleteMillis,
		RequireActiveVersion:           t.RequireActiveVersion,
		MaxPortShareLevel:              &t.MaxPortShareLevel,
	}
	if changed("name") {
		req.Name = o.name
	}
	if changed("display-name") {
		req.DisplayName = &o.displayName
	}
	if changed("description") {
		req.Description = &o.description
	}
	if changed("icon") {
		req.Icon = &o.icon
	}
	if changed("deprecated") {
		req.DeprecationMessage = &o.deprecated
	}
	if changed("default-ttl") {
		req.DefaultTTLMillis = o.defaultTTL.Milliseconds()
	}
	if changed("activity-bump") {
		req.ActivityBumpMillis = o.activityBump.Milliseconds()
	}
	if changed("failure-ttl") {
		req.FailureTTLMillis = o.failureTTL.Milliseconds()
	}
	if changed("dormancy-threshold") {
		req.TimeTilDormantMillis = o.dormancyThreshold.Milliseconds()
	}
	if changed("dormancy-auto-deletion") {
		req.TimeTilDormantAutoDeleteMillis = o.dormancyAutoDeletion.Milliseconds()
	}
	if changed("autostart-requirement-weekdays") {
		days := o.autostartRequirementWeekdays
		if len(days) == 1 && days[0] == "all" {
			days = codersdk.AllDaysOfWeek()
		}
		req.AutostartRequirement = &codersdk.TemplateAutostartRequirement{DaysOfWeek: days}
	}
	if changed("autostop-requirement-weekdays") || changed("autostop-requirement-weeks") {
		stop := t.AutostopRequirement
		if changed("autostop-requirement-weekdays") {
			stop.DaysOfWeek = o.autostopRequirementWeekdays
			if len(stop.DaysOfWeek) == 1 && stop.DaysOfWeek[0] == "none" {
				stop.DaysOfWeek = []string{}
			}
		}
		if changed("autostop-requirement-weeks") {
			stop.Weeks = o.autostopRequirementWeeks
		}
		req.AutostopRequirement = &stop
	}
	if changed("allow-user-cancel-workspace-jobs") {
		req.AllowUserCancelWorkspaceJobs = o.allowUserCancelWorkspaceJobs
	}
	if changed("allow-user-autostart") {
		req.AllowUserAutostart = o.allowUserAutostart
	}
	if changed("allow-user-autostop") {
		req.AllowUserAutostop = o.allowUserAutostop
	}
	if changed("require-active-version") {
		req.RequireActiveVersion = o.requireActiveVersion
	}
	if changed("private") {
		req.DisableEveryoneGroupAccess = o.private
	}
	return req
}

func (r *RootCmd) templateDelete() *serpent.Command {
	var org string
	return &serpent.Command{
		Use:   "delete [name...]",
		Short: "Delete templates",
		Long: "A template with workspaces cannot be deleted; delete its workspaces first.\n\n" +
			formatExamples(example{Command: "coder templates delete my-template --yes"}),
		Aliases: []string{"rm"},
		Options: serpent.OptionSet{
			organizationOption(&org),
			cliui.SkipPromptOption(),
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			organization, err := r.selectOrganization(inv, client, org)
			if err != nil {
				return err
			}
			names := inv.Args
			if len(names) == 0 {
				all, err := client.TemplatesByOrganization(ctx, organization.ID)
				if err != nil {
					return xerrors.Errorf("list templates: %w", err)
				}
				if len(all) == 0 {
					return xerrors.Errorf("no templates in organization %q", organization.Name)
				}
				options := make([]string, 0, len(all))
				for _, t := range all {
					options = append(options, t.Name)
				}
				picked, err := cliui.Select(inv, cliui.SelectOptions{Message: "Select a template to delete:", Options: options})
				if err != nil {
					return err
				}
				names = []string{picked}
			}
			templates := make([]codersdk.Template, 0, len(names))
			for _, name := range names {
				t, err := client.TemplateByName(ctx, organization.ID, name)
				if err != nil {
					return xerrors.Errorf("get template %q: %w", name, err)
				}
				templates = append(templates, t)
			}
			if _, err := cliui.Prompt(inv, cliui.PromptOptions{
				Text:      fmt.Sprintf("Delete these templates: %s?", cliui.Code(ctx, strings.Join(names, ", "))),
				IsConfirm: true,
			}); err != nil {
				return err
			}
			for _, t := range templates {
				if err := client.DeleteTemplate(ctx, t.ID); err != nil {
					return xerrors.Errorf("delete template %q: %w", t.Name, err)
				}
				_, _ = fmt.Fprintf(inv.Stdout, "Deleted template %s at %s!\n", cliui.Code(ctx, t.Name), cliui.Bold(ctx, time.Now().Format(time.Stamp)))
			}
			return nil
		},
	}
}
