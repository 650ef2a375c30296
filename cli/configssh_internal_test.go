package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/devplane/devplane/codersdk"
)

func TestReplaceSSHConfigBlock(t *testing.T) {
	t.Parallel()
	block := sshConfigBlock("/usr/bin/coder", "/home/u/.config/coderv2", "coder.", nil, []codersdk.Workspace{{Name: "dev"}})
	assert.Contains(t, block, "Host coder.* coder.dev\n")
	assert.Contains(t, block, "\tProxyCommand /usr/bin/coder --global-config /home/u/.config/coderv2 ssh --stdio --ssh-host-prefix coder. %h\n")
	assert.Contains(t, block, "\tStrictHostKeyChecking=no\n")
	assert.Contains(t, block, "\tUserKnownHostsFile=/dev/null\n")

	// Appended after the user's own entries, then replaced in place.
	user := "Host github.com\n\tUser git"
	first, err := replaceSSHConfigBlock([]byte(user), block)
	require.NoError(t, err)
	assert.Equal(t, user+"\n\n"+block, string(first))
	withAfter := string(first) + "Host after\n\tPort 2222\n"
	other := sshConfigBlock("/opt/coder", "/cfg", "ws-", []string{"ForwardAgent=yes"}, nil)
	second, err := replaceSSHConfigBlock([]byte(withAfter), other)
	require.NoError(t, err)
	assert.Equal(t, user+"\n\n"+other+"Host after\n\tPort 2222\n", string(second))
	assert.Contains(t, other, "\tForwardAgent=yes\n")

	// Into an empty file, and the same block twice changes nothing.
	empty, err := replaceSSHConfigBlock(nil, block)
	require.NoError(t, err)
	assert.Equal(t, block, string(empty))
	again, err := replaceSSHConfigBlock(empty, block)
	require.NoError(t, err)
	assert.Equal(t, string(empty), string(again))

	_, err = replaceSSHConfigBlock([]byte(sshConfigEnd+"\n"+sshConfigStart+"\n"), block)
	assert.Error(t, err, "markers out of order")
}

func TestSSHConfigQuote(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "/usr/bin/coder", sshConfigQuote("/usr/bin/coder"))
	assert.Equal(t, `'/my dir/it'\''s'`, sshConfigQuote("/my dir/it's"))
}
