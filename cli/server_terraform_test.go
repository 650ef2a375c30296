package cli_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Terraform would ignore these settings without a word, so the server
// refuses to start with them.
func TestServerTerraformOptionsChecked(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--terraform-network-mirror-url", "http://mirror.example/"}, "must use https"},
		{[]string{"--terraform-network-mirror-url", "https://mirror.example/", "--terraform-offline"}, "exclude each other"},
	} {
		args := append([]string{"--config-dir", t.TempDir(), "--cache-dir", t.TempDir()}, tc.args...)
		_, err := startServer(t, args...)
		require.Error(t, err)
		assert.Contains(t, err.Error(), tc.want)
	}
}
