package cli

import (
	"fmt"
	"strings"
	"time"

	"github.com/coder/serpent"
	"github.com/google/uuid"
	"golang.org/x/xerrors"

	"github.com/devplane/devplane/cli/cliui"
	"github.com/devplane/devplane/codersdk"
)

func (r *RootCmd) templateVersions() *serpent.Command {
	cmd := &serpent.Command{
		Use:     "versions",
		Aliases: []string{"version"},
		Short:   "Manage different versions of the specified template",
		Long: formatExamples(
			example{Description: "List versions of a specific template", Command: "coder templates versions list my-template"},
		),
		Handler: helpOrUnknown,
	}
	cmd.AddSubcommands(
		r.templateVersionsList(),
		r.templateVersionsArchive(true),
		r.templateVersionsArchive(false),
		r.templateVersionsPromote(),
	)
	return cmd
}

// templateVersionRow is one line of `coder templates versions list`.
type templateVersionRow struct {
	ID        uuid.UUID `table:"id"`
	Name      string    `table:"name"`
	CreatedAt time.Time `table:"created at"`
	CreatedBy string    `table:"created by"`
	Status    string    `table:"status"`
	Active    string    `table:"active"`
	Archived  string    `table:"archived"`
}

// versionList is what `versions list` formats: JSON prints the versions as
// the API returns them, the table needs to know the active one.
type versionList struct {
	versions []codersdk.TemplateVersion
	activeID uuid.UUID
}

func (r *RootCmd) templateVersionsList() *serpent.Command {
	var (
		org             string
		includeArchived bool
	)
	formatter := cliui.NewOutputFormatter(
		cliui.ChangeFormatterData(
			cliui.TableFormat([]templateVersionRow{}, []string{"name", "created at", "created by", "status", "active"}),
			func(data any) (any, error) {
				list, ok := data.(versionList)
				if !ok {
					return nil, xerrors.Errorf("expected versions, got %T", data)
				}
				rows := make([]templateVersionRow, 0, len(list.versions))
				for _, v := range list.versions {
					row := templateVersionRow{
						ID:        v.ID,
						Name:      v.Name,
						CreatedAt: v.CreatedAt,
						CreatedBy: v.CreatedBy.Username,
						Status:    titleCase(string(v.Job.Status)),
					}
					if v.ID == list.activeID {
						row.Active = "Active"
					}
					if v.Archived {
						row.Archived = "Archived"
					}
					rows = append(rows, row)
				}
				return rows, nil
			},
		),
		cliui.ChangeFormatterData(cliui.JSONFormat(), func(data any) (any, error) {
			return data.(versionList).versions, nil
		}),
	)
	cmd := &serpent.Command{
		Use:        "list <template>",
		Short:      "List all the versions of the specified template",
		Long:       formatExamples(example{Command: "coder templates versions list my-template -o json"}),
		Middleware: serpent.RequireNArgs(1),
		Options: serpent.OptionSet{
			{Flag: "include-archived", Description: "Include archived versions in the result list.", Value: serpent.BoolOf(&includeArchived)},
			organizationOption(&org),
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			t, _, err := r.templateByName(inv, client, org, inv.Args[0])
			if err != nil {
				return err
			}
			versions, err := client.TemplateVersionsByTemplate(ctx, codersdk.TemplateVersionsByTemplateRequest{TemplateID: t.ID, IncludeArchived: includeArchived})
			if err != nil {
				return xerrors.Errorf("list versions of %q: %w", t.Name, err)
			}
			out, err := formatter.Format(ctx, versionList{versions: versions, activeID: t.ActiveVersionID})
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

func titleCase(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func (r *RootCmd) templateVersionsArchive(archive bool) *serpent.Command {
	var org string
	verb, short := "archive", "Archive a template version(s)."
	if !archive {
		verb, short = "unarchive", "Unarchive a template version(s)."
	}
	return &serpent.Command{
		Use:   verb + " <template-name> [template-version-names...]",
		Short: short,
		Long: "An archived version is hidden from the version list and cannot be used for new builds; the active version cannot be archived.\n\n" +
			formatExamples(example{Command: "coder templates versions " + verb + " my-template happy-version-1 --yes"}),
		Middleware: serpent.RequireRangeArgs(2, -1),
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
			t, _, err := r.templateByName(inv, client, org, inv.Args[0])
			if err != nil {
				return err
			}
			names := inv.Args[1:]
			versions := make([]codersdk.TemplateVersion, 0, len(names))
			for _, name := range names {
				v, err := client.TemplateVersionByName(ctx, t.ID, name)
				if err != nil {
					return xerrors.Errorf("get version %q of %q: %w", name, t.Name, err)
				}
				versions = append(versions, v)
			}
			if _, err := cliui.Prompt(inv, cliui.PromptOptions{
				Text:      fmt.Sprintf("%s template versions %s of %s?", titleCase(verb), cliui.Code(ctx, strings.Join(names, ", ")), cliui.Code(ctx, t.Name)),
				IsConfirm: true,
			}); err != nil {
				return err
			}
			for _, v := range versions {
				if err := client.SetArchiveTemplateVersion(ctx, v.ID, archive); err != nil {
					return xerrors.Errorf("%s version %q: %w", verb, v.Name, err)
				}
				_, _ = fmt.Fprintf(inv.Stdout, "Version %s %sd at %s!\n", cliui.Code(ctx, v.Name), verb, cliui.Bold(ctx, time.Now().Format(time.Stamp)))
			}
			return nil
		},
	}
}

func (r *RootCmd) templateVersionsPromote() *serpent.Command {
	var org, templateName, versionName string
	return &serpent.Command{
		Use:   "promote --template=<template_name> --template-version=<template_version_name>",
		Short: "Promote a template version to active.",
		Long: "Promote an existing template version to be the active version for the specified template.\n\n" +
			formatExamples(example{Command: "coder templates versions promote --template my-template --template-version happy-version-2"}),
		Middleware: serpent.RequireNArgs(0),
		Options: serpent.OptionSet{
			{Flag: "template", FlagShorthand: "t", Env: "CODER_TEMPLATE_NAME", Description: "Specify the template name.", Required: true, Value: serpent.StringOf(&templateName)},
			{Flag: "template-version", Env: "CODER_TEMPLATE_VERSION_NAME", Description: "Specify the template version name to promote.", Required: true, Value: serpent.StringOf(&versionName)},
			organizationOption(&org),
		},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			t, _, err := r.templateByName(inv, client, org, templateName)
			if err != nil {
				return err
			}
			v, err := client.TemplateVersionByName(ctx, t.ID, versionName)
			if err != nil {
				return xerrors.Errorf("get version %q of %q: %w", versionName, t.Name, err)
			}
			if err := client.UpdateActiveTemplateVersion(ctx, t.ID, codersdk.UpdateActiveTemplateVersion{ID: v.ID}); err != nil {
				return xerrors.Errorf("promote version %q: %w", v.Name, err)
			}
			_, _ = fmt.Fprintf(inv.Stdout, "Successfully promoted version %q to active for template %q\n", v.Name, t.Name)
			return nil
		},
	}
}
