// Package cliui is how the client commands talk to a person: tables and JSON
// for output, prompts for input, colours only where they help. Commands never
// write escape codes or read stdin themselves, so every command behaves the
// same on a terminal, in a pipe and in a test.
package cliui

import (
	"context"
	"io"
	"os"

	"golang.org/x/term"
)

type colorKey struct{}

// WithColor records in ctx whether output may be coloured. The root command
// decides once per invocation (terminal, NO_COLOR, --no-color).
func WithColor(ctx context.Context, enabled bool) context.Context {
	return context.WithValue(ctx, colorKey{}, enabled)
}

// ColorEnabled reports what WithColor recorded; off when nothing did.
func ColorEnabled(ctx context.Context) bool {
	on, _ := ctx.Value(colorKey{}).(bool)
	return on
}

// IsTerminal reports whether the stream is an interactive terminal.
func IsTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// ANSI SGR codes of the few styles the commands use.
const (
	sgrBold   = "1"
	sgrFaint  = "2"
	sgrRed    = "31"
	sgrGreen  = "32"
	sgrYellow = "33"
	sgrCyan   = "36"
)

func style(ctx context.Context, code, s string) string {
	if !ColorEnabled(ctx) || s == "" {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

// Bold emphasises a name or a heading.
func Bold(ctx context.Context, s string) string { return style(ctx, sgrBold, s) }

// Faint is for secondary text such as hints and log timestamps.
func Faint(ctx context.Context, s string) string { return style(ctx, sgrFaint, s) }

// Code marks something the user can type or copy: a command, a URL, a token.
func Code(ctx context.Context, s string) string { return style(ctx, sgrCyan, s) }

// Success marks a finished step.
func Success(ctx context.Context, s string) string { return style(ctx, sgrGreen, s) }

// Warn marks something the user should look at.
func Warn(ctx context.Context, s string) string { return style(ctx, sgrYellow, s) }

// Error marks a failure.
func Error(ctx context.Context, s string) string { return style(ctx, sgrRed, s) }

// Infof prints one informational line to w (usually inv.Stderr, so that
// stdout stays parseable).
func Infof(w io.Writer, format string, args ...any) {
	_, _ = io.WriteString(w, sprintfLine(format, args...))
}
