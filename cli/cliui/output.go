package cliui

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"
)

func sprintfLine(format string, args ...any) string {
	s := fmt.Sprintf(format, args...)
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	return s
}

// OutputFormat renders a command's result one way (table, json, text).
type OutputFormat interface {
	// ID is the value of --output that picks this format.
	ID() string
	// AttachOptions adds the format's own flags, e.g. --column for tables.
	AttachOptions(opts *serpent.OptionSet)
	// Format renders data, which is what the command would encode as JSON.
	Format(ctx context.Context, data any) (string, error)
}

// OutputFormatter offers several formats behind -o/--output; the first is
// the default.
type OutputFormatter struct {
	formats  []OutputFormat
	formatID string
}

// NewOutputFormatter panics on no formats or duplicate ids: both are
// programming errors found by any test of the command.
func NewOutputFormatter(formats ...OutputFormat) *OutputFormatter {
	if len(formats) == 0 {
		panic("cliui: at least one output format is required")
	}
	seen := map[string]bool{}
	for _, f := range formats {
		if seen[f.ID()] {
			panic("cliui: duplicate output format " + f.ID())
		}
		seen[f.ID()] = true
	}
	return &OutputFormatter{formats: formats, formatID: formats[0].ID()}
}

// AttachOptions adds -o/--output and each format's own options.
func (f *OutputFormatter) AttachOptions(opts *serpent.OptionSet) {
	ids := make([]string, 0, len(f.formats))
	for _, format := range f.formats {
		ids = append(ids, format.ID())
		format.AttachOptions(opts)
	}
	opts.Add(serpent.Option{
		Name:          "output",
		Flag:          "output",
		FlagShorthand: "o",
		Default:       f.formats[0].ID(),
		Description:   "Output format.",
		Value:         serpent.EnumOf(&f.formatID, ids...),
	})
}

// Format renders data in the chosen format.
func (f *OutputFormatter) Format(ctx context.Context, data any) (string, error) {
	for _, format := range f.formats {
		if format.ID() == f.formatID {
			return format.Format(ctx, data)
		}
	}
	return "", xerrors.Errorf("unknown output format %q", f.formatID)
}

// FormatID is the chosen format, for commands that print extra lines only
// in human formats.
func (f *OutputFormatter) FormatID() string { return f.formatID }

type jsonFormat struct{}

// JSONFormat prints data as indented JSON: the codersdk types as the API
// returns them, so that `-o json` output can be fed to jq or to a script
// written for Coder.
func JSONFormat() OutputFormat { return jsonFormat{} }

func (jsonFormat) ID() string                       { return "json" }
func (jsonFormat) AttachOptions(*serpent.OptionSet) {}
func (jsonFormat) Format(_ context.Context, data any) (string, error) {
	// A nil slice is an empty list to a script, not null.
	if v := reflect.ValueOf(data); v.Kind() == reflect.Slice && v.IsNil() {
		data = reflect.MakeSlice(v.Type(), 0, 0).Interface()
	}
	b, err := json.MarshalIndent(data, "", "  ")
	if err != nil {
		return "", xerrors.Errorf("marshal json: %w", err)
	}
	return string(b), nil
}

type textFormat struct{}

// TextFormat prints data with fmt's %s verb; for results that are one
// value or that implement fmt.Stringer.
func TextFormat() OutputFormat { return textFormat{} }

func (textFormat) ID() string                       { return "text" }
func (textFormat) AttachOptions(*serpent.OptionSet) {}
func (textFormat) Format(_ context.Context, data any) (string, error) {
	return fmt.Sprintf("%s", data), nil
}

type dataChangeFormat struct {
	OutputFormat
	change func(data any) (any, error)
}

// ChangeFormatterData converts the data before format renders it, e.g. API
// objects into table rows while JSON keeps the API objects.
func ChangeFormatterData(format OutputFormat, change func(data any) (any, error)) OutputFormat {
	return &dataChangeFormat{OutputFormat: format, change: change}
}

func (d *dataChangeFormat) Format(ctx context.Context, data any) (string, error) {
	changed, err := d.change(data)
	if err != nil {
		return "", err
	}
	return d.OutputFormat.Format(ctx, changed)
}
