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

// organizationRow is one line of `coder organizations show`; JSON keeps
// codersdk.Organization.
type organizationRow struct {
	codersdk.Organization `table:"-"`

	ID          uuid.UUID `json:"-" table:"id"`
	Name        string    `json:"-" table:"name,default_sort"`
	DisplayName string    `json:"-" table:"display name"`
	Icon        string    `json:"-" table:"icon"`
	Description string    `json:"-" table:"description"`
	CreatedAt   time.Time `json:"-" table:"created at"`
	UpdatedAt   time.Time `json:"-" table:"updated at"`
	Default     bool      `json:"-" table:"default"`
}

func organizationRowFrom(o codersdk.Organization) organizationRow {
	return organizationRow{
		Organization: o,
		ID:           o.ID,
		Name:         o.Name,
		DisplayName:  o.DisplayName,
		Icon:         o.Icon,
		Description:  o.Description,
		CreatedAt:    o.CreatedAt,
		UpdatedAt:    o.UpdatedAt,
		Default:      o.IsDefault,
	}
}

// organizationsText is the default "text" output of organizations show.
type organizationsText []codersdk.Organization

func (orgs organizationsText) String() string {
	var b strings.Builder
	for i, o := range orgs {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "Organization: %s", o.Name)
		if o.DisplayName != "" && o.DisplayName != o.Name {
			fmt.Fprintf(&b, " (%s)", o.DisplayName)
		}
		fmt.Fprintf(&b, "\n  ID: %s\n  Default: %t\n", o.ID, o.IsDefault)
		if o.Description != "" {
			fmt.Fprintf(&b, "  Description: %s\n", o.Description)
		}
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func (r *RootCmd) organizations() *serpent.Command {
	var orgName string
	cmd := &serpent.Command{
		Use:     "organizations [subcommand]",
		Aliases: []string{"organization", "org", "orgs"},
		Short:   "Organization related commands",
		Long: formatExamples(
			example{Description: "The organization the CLI uses", Command: "coder organizations show"},
			example{Description: "Its members", Command: "coder organizations members list"},
		),
		Handler: func(inv *serpent.Invocation) error {
			return inv.Command.HelpHandler(inv)
		},
		Options:  serpent.OptionSet{organizationOption(&orgName)},
		Children: []*serpent.Command{r.organizationShow(&orgName), r.organizationMembers(&orgName)},
	}
	return cmd
}

func (r *RootCmd) organizationShow(orgName *string) *serpent.Command {
	var onlyID bool
	formatter := cliui.NewOutputFormatter(
		cliui.ChangeFormatterData(cliui.TextFormat(), func(data any) (any, error) {
			rows, ok := data.([]organizationRow)
			if !ok {
				return nil, xerrors.Errorf("unexpected data %T", data)
			}
			orgs := make(organizationsText, len(rows))
			for i, row := range rows {
				orgs[i] = row.Organization
			}
			return orgs, nil
		}),
		cliui.TableFormat([]organizationRow{}, []string{"id", "name", "default"}),
		cliui.JSONFormat(),
	)
	cmd := &serpent.Command{
		Use:   `show ["selected"|"me"|uuid|org_name]`,
		Short: `Show the organization. Using "selected" will show the selected organization from the "--org" flag. Using "me" will show all organizations you are a member of.`,
		Long: formatExamples(
			example{Description: "The organization the CLI uses (the one --org selects)", Command: "coder org show selected"},
			example{Description: "Every organization you are a member of", Command: "coder org show me"},
			example{Description: "The organization named developers", Command: "coder org show developers"},
		),
		Middleware: serpent.RequireRangeArgs(0, 1),
		Options: serpent.OptionSet{{
			Flag:        "only-id",
			Description: "Only print the organization ID.",
			Value:       serpent.BoolOf(&onlyID),
		}},
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			which := "selected"
			if len(inv.Args) == 1 {
				which = inv.Args[0]
			}
			var orgs []codersdk.Organization
			switch which {
			case "selected":
				org, err := r.selectOrganization(inv, client, *orgName)
				if err != nil {
					return err
				}
				orgs = []codersdk.Organization{org}
			case "me":
				orgs, err = client.OrganizationsByUser(ctx, codersdk.Me)
				if err != nil {
					return xerrors.Errorf("list your organizations: %w", err)
				}
			default:
				var org codersdk.Organization
				if id, perr := uuid.Parse(which); perr == nil {
					org, err = client.Organization(ctx, id)
				} else {
					org, err = client.OrganizationByName(ctx, which)
				}
				if err != nil {
					return xerrors.Errorf("get organization %q: %w", which, err)
				}
				orgs = []codersdk.Organization{org}
			}
			if onlyID {
				for _, o := range orgs {
					_, _ = fmt.Fprintln(inv.Stdout, o.ID)
				}
				return nil
			}
			rows := make([]organizationRow, len(orgs))
			for i, o := range orgs {
				rows[i] = organizationRowFrom(o)
			}
			var data any = rows
			if formatter.FormatID() == "json" && which != "me" {
				data = orgs[0]
			}
			out, err := formatter.Format(ctx, data)
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

// memberRow is one line of `coder organizations members list`; JSON keeps
// codersdk.OrganizationMemberWithUserData.
type memberRow struct {
	codersdk.OrganizationMemberWithUserData `table:"-"`

	Username          string    `json:"-" table:"username,default_sort"`
	Name              string    `json:"-" table:"name"`
	LastSeenAt        time.Time `json:"-" table:"last seen at"`
	UserCreatedAt     time.Time `json:"-" table:"user created at"`
	UserUpdatedAt     time.Time `json:"-" table:"user updated at"`
	UserID            uuid.UUID `json:"-" table:"user id"`
	OrganizationID    uuid.UUID `json:"-" table:"organization id"`
	CreatedAt         time.Time `json:"-" table:"created at"`
	UpdatedAt         time.Time `json:"-" table:"updated at"`
	OrganizationRoles string    `json:"-" table:"organization roles"`
}

func (r *RootCmd) organizationMembers(orgName *string) *serpent.Command {
	return &serpent.Command{
		Use:     "members",
		Aliases: []string{"member"},
		Short:   "Manage organization members",
		Long:    formatExamples(example{Command: "coder organizations members list -o json"}),
		Handler: func(inv *serpent.Invocation) error {
			return inv.Command.HelpHandler(inv)
		},
		Children: []*serpent.Command{r.organizationMembersList(orgName)},
	}
}

func (r *RootCmd) organizationMembersList(orgName *string) *serpent.Command {
	formatter := cliui.NewOutputFormatter(
		cliui.TableFormat([]memberRow{}, []string{"username", "organization roles"}),
		cliui.JSONFormat(),
	)
	cmd := &serpent.Command{
		Use:        "list",
		Aliases:    []string{"ls"},
		Short:      "List all organization members",
		Long:       formatExamples(example{Command: "coder organizations members list --org my-org -o json"}),
		Middleware: serpent.RequireNArgs(0),
		Handler: func(inv *serpent.Invocation) error {
			ctx := inv.Context()
			client, err := r.Client(inv)
			if err != nil {
				return err
			}
			org, err := r.selectOrganization(inv, client, *orgName)
			if err != nil {
				return err
			}
			members, err := client.OrganizationMembers(ctx, org.ID)
			if err != nil {
				return xerrors.Errorf("list members of %q: %w", org.Name, err)
			}
			rows := make([]memberRow, len(members))
			for i, m := range members {
				roles := make([]string, 0, len(m.Roles))
				for _, role := range m.Roles {
					roles = append(roles, role.Name)
				}
				rows[i] = memberRow{
					OrganizationMemberWithUserData: m,
					Username:                       m.Username,
					Name:                           m.Name,
					LastSeenAt:                     m.LastSeenAt,
					UserCreatedAt:                  m.UserCreatedAt,
					UserUpdatedAt:                  m.UserUpdatedAt,
					UserID:                         m.UserID,
					OrganizationID:                 m.OrganizationID,
					CreatedAt:                      m.CreatedAt,
					UpdatedAt:                      m.UpdatedAt,
					OrganizationRoles:              strings.Join(roles, ", "),
				}
			}
			out, err := formatter.Format(ctx, rows)
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
