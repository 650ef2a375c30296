//go:build unix

package terraform_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/coderd/provisionerd/provisioner"
	"github.com/devplane/devplane/coderd/provisionerd/terraform"
)

// A terraform that ignores interrupts is killed, with what it started,
// once the grace period is over.
func TestCancelKillsStubbornTerraform(t *testing.T) {
	t.Parallel()
	fake := filepath.Join(t.TempDir(), "terraform")
	require.NoError(t, os.WriteFile(fake, []byte(`#!/bin/sh
trap '' INT
echo '{"@level":"info","@message":"fake terraform ignoring interrupts","type":"log"}'
sleep 600
echo '{"@level":"info","@message":"sleep ended","type":"log"}'
`), 0o755))
	p := newProvisioner(t, terraform.Options{TerraformPath: fake, CancelGrace: 500 * time.Millisecond})

	ctx, cancel := context.WithCancel(testContext(t))
	defer cancel()
	var sink logSink
	var once sync.Once
	_, err := p.Import(ctx, provisioner.ImportRequest{Dir: t.TempDir()}, func(l provisioner.Log) {
		sink.log(l)
		if strings.Contains(l.Output, "ignoring interrupts") {
			once.Do(cancel)
		}
	})
	require.ErrorIs(t, err, context.Canceled)
	assert.True(t, sink.contains("ignoring interrupts"))
	assert.False(t, sink.contains("sleep ended"), "the whole process group was killed")
}
