package cliui_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/coder/serpent"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/cli/cliui"
)

type inner struct {
	Owner string `table:"owner"`
}

type extra struct {
	Region string `table:"region"`
}

type row struct {
	Name    string     `json:"name" table:"name,default_sort"`
	Created time.Time  `json:"created" table:"created at"`
	Tags    []string   `json:"tags" table:"tags"`
	Count   *int       `json:"count" table:"count"`
	Hidden  string     `json:"hidden" table:"-"`
	Inner   inner      `json:"inner" table:"inner,recursive_inline"`
	Extra   *extra     `json:"extra" table:"extra,recursive_inline"`
	When    *time.Time `json:"when"`
}

// formatWith renders data as a command given args would, so that flags
// and defaults are applied the way serpent applies them.
func formatWith(t *testing.T, f *cliui.OutputFormatter, data any, args ...string) (string, error) {
	t.Helper()
	var out string
	cmd := &serpent.Command{
		Use: "test",
		Handler: func(inv *serpent.Invocation) error {
			var err error
			out, err = f.Format(inv.Context(), data)
			return err
		},
	}
	f.AttachOptions(&cmd.Options)
	err := cmd.Invoke(args...).Run()
	return out, err
}

func TestTable(t *testing.T) {
	t.Parallel()
	two := 2
	rows := []row{
		{Name: "zeta", Created: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC), Tags: []string{"a", "b"}, Count: &two, Inner: inner{Owner: "ann"}},
		{Name: "alpha", Inner: inner{Owner: "bob"}},
	}
	table := func() *cliui.OutputFormatter {
		return cliui.NewOutputFormatter(cliui.TableFormat([]row{}, []string{"name", "count", "owner"}))
	}

	out, err := formatWith(t, table(), rows)
	require.NoError(t, err)
	assert.Equal(t, "NAME   COUNT  OWNER\nalpha         bob\nzeta   2      ann", out)

	out, err = formatWith(t, table(), rows, "-c", "tags,created at,name")
	require.NoError(t, err)
	assert.Equal(t, "TAGS  CREATED AT            NAME\n                            alpha\na, b  2024-01-02T03:04:05Z  zeta", out)

	// A nil pointer on the way to an inlined column is an empty cell.
	out, err = formatWith(t, table(), rows[1:], "-c", "name,region")
	require.NoError(t, err)
	assert.Equal(t, "NAME   REGION\nalpha", out)

	// Unknown columns are refused by the flag itself.
	_, err = formatWith(t, table(), rows, "-c", "hidden")
	require.Error(t, err)
}

func TestJSONEmptyListIsArray(t *testing.T) {
	t.Parallel()
	var none []row
	out, err := cliui.JSONFormat().Format(context.Background(), none)
	require.NoError(t, err)
	assert.Equal(t, "[]", out)
}

func TestOutputFormatter(t *testing.T) {
	t.Parallel()
	f := func() *cliui.OutputFormatter {
		return cliui.NewOutputFormatter(cliui.TableFormat([]row{}, nil), cliui.JSONFormat())
	}
	out, err := formatWith(t, f(), []row{{Name: "x"}})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(out, "NAME "), out)
	out, err = formatWith(t, f(), []row{{Name: "x"}}, "-o", "json")
	require.NoError(t, err)
	assert.Contains(t, out, `"name": "x"`)
	_, err = formatWith(t, f(), []row{}, "-o", "yaml")
	require.Error(t, err)
}

func TestColorOnlyWhenEnabled(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	assert.Equal(t, "x", cliui.Bold(ctx, "x"))
	assert.Equal(t, "\x1b[1mx\x1b[0m", cliui.Bold(cliui.WithColor(ctx, true), "x"))
}

// prompt runs fn in a command so that the --yes flag is parsed as for a
// real command.
func prompt(t *testing.T, stdin string, args []string, fn func(inv *serpent.Invocation) error) (string, error) {
	t.Helper()
	var out strings.Builder
	cmd := &serpent.Command{
		Use:     "test",
		Options: serpent.OptionSet{cliui.SkipPromptOption()},
		Handler: fn,
	}
	inv := cmd.Invoke(args...)
	inv.Stdin = strings.NewReader(stdin)
	inv.Stdout = &out
	err := inv.Run()
	return out.String(), err
}

func TestPrompts(t *testing.T) {
	t.Parallel()
	var answers []string
	out, err := prompt(t, "\nbad\ngood\nno\n", nil, func(inv *serpent.Invocation) error {
		a, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Name?", Default: "dflt"})
		if err != nil {
			return err
		}
		answers = append(answers, a)
		a, err = cliui.Prompt(inv, cliui.PromptOptions{Text: "Word?", Validate: func(s string) error {
			if s != "good" {
				return assert.AnError
			}
			return nil
		}})
		if err != nil {
			return err
		}
		answers = append(answers, a)
		_, err = cliui.Prompt(inv, cliui.PromptOptions{Text: "Sure?", IsConfirm: true})
		return err
	})
	require.ErrorIs(t, err, cliui.ErrCanceled)
	assert.Equal(t, []string{"dflt", "good"}, answers)
	assert.Contains(t, out, assert.AnError.Error(), "a failed validation is shown before asking again")

	// A script that forgot --yes is told about it.
	_, err = prompt(t, "", nil, func(inv *serpent.Invocation) error {
		_, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Sure?", IsConfirm: true})
		return err
	})
	require.ErrorIs(t, err, cliui.ErrCanceled)
	assert.Contains(t, err.Error(), "--yes")

	// --yes answers confirmations without reading stdin.
	_, err = prompt(t, "", []string{"--yes"}, func(inv *serpent.Invocation) error {
		_, err := cliui.Prompt(inv, cliui.PromptOptions{Text: "Sure?", IsConfirm: true})
		return err
	})
	require.NoError(t, err)

	// Select takes a number or an option's name.
	var picked []string
	_, err = prompt(t, "2\n7\nbeta\n", nil, func(inv *serpent.Invocation) error {
		for range 2 {
			p, err := cliui.Select(inv, cliui.SelectOptions{Options: []string{"alpha", "beta"}})
			if err != nil {
				return err
			}
			picked = append(picked, p)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, []string{"beta", "beta"}, picked)
}
