package clitest_test

import (
	"testing"

	"github.com/coder/serpent"
	"github.com/stretchr/testify/assert"

	"github.com/devplane/devplane/cli"
)

// TestSessionAndTemplateCommandsHaveExamples: login, logout, whoami,
// version and every templates command show an example in --help.
func TestSessionAndTemplateCommandsHaveExamples(t *testing.T) {
	t.Parallel()
	mine := map[string]bool{"login": true, "logout": true, "whoami": true, "version": true, "templates": true}
	seen := 0
	for _, top := range cli.Root().Children {
		if !mine[top.Name()] {
			continue
		}
		top.Walk(func(c *serpent.Command) {
			seen++
			assert.Containsf(t, c.Long, "$ coder", "%s --help has no example", c.FullName())
		})
	}
	assert.Greater(t, seen, len(mine)+8, "the templates subcommands are walked too")
}
