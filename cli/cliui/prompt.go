package cliui

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/coder/serpent"
	"golang.org/x/xerrors"
)

// ErrCanceled is returned when the user declines a confirmation or input
// ends before an answer.
var ErrCanceled = xerrors.New("canceled")

// SkipPromptOption is the -y/--yes flag that answers every confirmation with
// yes, for scripts.
func SkipPromptOption() serpent.Option {
	return serpent.Option{
		Flag:          "yes",
		FlagShorthand: "y",
		Description:   "Bypass confirmation prompts.",
		// Only the flag's presence matters; Prompt looks it up by name.
		Value: serpent.BoolOf(new(bool)),
	}
}

// PromptOptions describe one question.
type PromptOptions struct {
	Text    string
	Default string
	// Secret reads without echo on a terminal (passwords, tokens).
	Secret bool
	// IsConfirm asks yes/no; "no" is ErrCanceled, --yes skips the question.
	IsConfirm bool
	// Validate is asked again until it returns nil.
	Validate func(string) error
}

// Prompt asks one question on inv.Stdout and reads the answer from
// inv.Stdin.
func Prompt(inv *serpent.Invocation, opts PromptOptions) (string, error) {
	ctx := inv.Context()
	if opts.IsConfirm && skipPrompts(inv) {
		return "yes", nil
	}
	for {
		text := "> " + opts.Text
		switch {
		case opts.IsConfirm:
			text += " " + Faint(ctx, "(yes/no)")
		case opts.Default != "" && !opts.Secret:
			text += " " + Faint(ctx, "("+opts.Default+")")
		}
		_, _ = fmt.Fprint(inv.Stdout, text+" ")

		var answer string
		var err error
		if opts.Secret && IsTerminal(inv.Stdin) {
			answer, err = readSecret(inv.Stdin.(*os.File))
			// The user's Enter was not echoed either.
			_, _ = fmt.Fprintln(inv.Stdout)
		} else {
			answer, err = readLine(inv.Stdin)
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				// A script without input: say how to run unattended.
				if opts.IsConfirm {
					return "", xerrors.Errorf("%w: no answer on stdin (pass --yes to skip confirmations)", ErrCanceled)
				}
				return "", xerrors.Errorf("%w: no answer on stdin", ErrCanceled)
			}
			return "", xerrors.Errorf("read answer: %w", err)
		}
		answer = strings.TrimSpace(answer)
		if answer == "" {
			answer = opts.Default
		}
		if opts.IsConfirm {
			switch strings.ToLower(answer) {
			case "y", "yes":
				return "yes", nil
			case "n", "no", "":
				return "", ErrCanceled
			default:
				_, _ = fmt.Fprintln(inv.Stdout, Warn(ctx, "Please answer yes or no."))
				continue
			}
		}
		if opts.Validate != nil {
			if err := opts.Validate(answer); err != nil {
				_, _ = fmt.Fprintln(inv.Stdout, Error(ctx, err.Error()))
				continue
			}
		}
		return answer, nil
	}
}

func skipPrompts(inv *serpent.Invocation) bool {
	f := inv.ParsedFlags().Lookup("yes")
	return f != nil && f.Value.String() == "true"
}

// readLine reads up to a newline one byte at a time: a buffered reader would
// swallow the answers to the next questions.
func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	buf := make([]byte, 1)
	for {
		n, err := r.Read(buf)
		if n == 1 {
			if buf[0] == '\n' {
				return strings.TrimSuffix(b.String(), "\r"), nil
			}
			b.WriteByte(buf[0])
		}
		if err != nil {
			if errors.Is(err, io.EOF) && b.Len() > 0 {
				return b.String(), nil
			}
			return "", err
		}
	}
}

// SelectOptions describe a choice among fixed options.
type SelectOptions struct {
	Message string
	Options []string
	Default string
}

// Select lists the options numbered and reads a number or an option's name.
func Select(inv *serpent.Invocation, opts SelectOptions) (string, error) {
	if len(opts.Options) == 0 {
		return "", xerrors.New("nothing to select from")
	}
	ctx := inv.Context()
	if opts.Message != "" {
		_, _ = fmt.Fprintln(inv.Stdout, opts.Message)
	}
	for i, o := range opts.Options {
		_, _ = fmt.Fprintf(inv.Stdout, "  %s %s\n", Faint(ctx, strconv.Itoa(i+1)+"."), o)
	}
	answer, err := Prompt(inv, PromptOptions{
		Text:    "Select",
		Default: opts.Default,
		Validate: func(s string) error {
			if pick(opts.Options, s) == "" {
				return xerrors.Errorf("Pick a number from 1 to %d.", len(opts.Options))
			}
			return nil
		},
	})
	if err != nil {
		return "", err
	}
	return pick(opts.Options, answer), nil
}

func pick(options []string, answer string) string {
	if n, err := strconv.Atoi(answer); err == nil && n >= 1 && n <= len(options) {
		return options[n-1]
	}
	for _, o := range options {
		if o == answer {
			return o
		}
	}
	return ""
}
