package terraform

import (
	"fmt"
	"strings"
)

// AgentScriptPlatforms are the platforms the agent bootstrap script is
// offered for (the coder provider picks one by coder_agent's os and arch).
var AgentScriptPlatforms = [][2]string{
	{"linux", "amd64"}, {"linux", "arm64"},
	{"darwin", "amd64"}, {"darwin", "arm64"},
}

// agentScriptTemplate downloads the agent from the server and runs it.
// The coder provider replaces ${ACCESS_URL} (the server URL, ending in /)
// and ${AUTH_TYPE} when it fills coder_agent.init_script; everything else
// is plain shell. CODER_AGENT_TOKEN comes from the template
// (coder_agent.token).
const agentScriptTemplate = `#!/usr/bin/env sh
# The workspace agent bootstrap: download the agent from the server, then
# run it as "coder agent".
set -eu
BINARY_URL="${ACCESS_URL}bin/coder-{{os}}-{{arch}}"
BINARY_DIR=$(mktemp -d -t coder.XXXXXX)
BINARY_PATH="$BINARY_DIR/coder"
attempt=0
while :; do
	if command -v curl >/dev/null 2>&1; then
		curl -fsSL --compressed "$BINARY_URL" -o "$BINARY_PATH" && break
	elif command -v wget >/dev/null 2>&1; then
		wget -q "$BINARY_URL" -O "$BINARY_PATH" && break
	else
		echo "error: neither curl nor wget is installed; cannot download the agent from $BINARY_URL" >&2
		exit 1
	fi
	attempt=$((attempt + 1))
	echo "error: could not download the agent from $BINARY_URL (attempt $attempt); retrying in 5s" >&2
	sleep 5
done
chmod +x "$BINARY_PATH"
export CODER_AGENT_AUTH="${AUTH_TYPE}"
export CODER_AGENT_URL="${ACCESS_URL}"
exec "$BINARY_PATH" agent
`

// AgentScript is the bootstrap script for one platform.
func AgentScript(goos, goarch string) string {
	return strings.NewReplacer("{{os}}", goos, "{{arch}}", goarch).Replace(agentScriptTemplate)
}

// AgentScriptEnv sets CODER_AGENT_SCRIPT_<os>_<arch> for every platform,
// the variables the coder provider reads coder_agent.init_script from.
func AgentScriptEnv() []string {
	env := make([]string, 0, len(AgentScriptPlatforms))
	for _, p := range AgentScriptPlatforms {
		env = append(env, fmt.Sprintf("CODER_AGENT_SCRIPT_%s_%s=%s", p[0], p[1], AgentScript(p[0], p[1])))
	}
	return env
}
