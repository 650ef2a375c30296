#!/usr/bin/env bash
# Starts the real server (built-in PostgreSQL, --swagger-enable) and checks its
# Swagger page in headless Chromium with scripts/swaggercheck/check.mjs: it
# renders, lists every tag of the embedded spec, and makes no request to
# another host.
#
# Usage: scripts/swaggercheck/run.sh
#
# Needs: go, node >= 20, npm (for playwright-core, installed from
# package-lock.json on first use), the PostgreSQL server binaries, and Debian's
# chromium at /usr/bin/chromium (apt-get install -y chromium). Set
# SWAGGERCHECK_SCREENSHOT to keep a screenshot.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo_root="$(cd "$here/../.." && pwd)"
cd "$repo_root"

swagger=coderd/apidoc/swagger.json
tags="$(node -e '
	const doc = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	const tags = new Set();
	for (const item of Object.values(doc.paths || {}))
		for (const [method, op] of Object.entries(item))
			if (method !== "parameters" && op && typeof op === "object")
				for (const t of op.tags || ["default"]) tags.add(t);
	console.log([...tags].sort().join(","));
' "$swagger")"

chromium="${SWAGGERCHECK_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]]; then
	echo "run.sh: $chromium not found; install it with: apt-get update && apt-get install -y chromium" >&2
	exit 1
fi
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
	(cd "$here" && npm ci --no-audit --no-fund --ignore-scripts)
fi

tmp="$(mktemp -d /tmp/swaggercheck-XXXXXX)"
chmod 755 "$tmp" # the built-in PostgreSQL runs as the postgres user when we are root
server_pid=""
cleanup() {
	if [[ -n "$server_pid" ]]; then
		kill -INT "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT

go build -o "$tmp/coder" ./cmd/coder
"$tmp/coder" server --swagger-enable --http-address 127.0.0.1:0 \
	--config-dir "$tmp/config" --cache-dir "$tmp/cache" --log-human "$tmp/server.log" >"$tmp/stdout" &
server_pid=$!

base=""
for _ in $(seq 1 600); do
	base="$(sed -n 's/^Started HTTP listener at //p' "$tmp/stdout" 2>/dev/null | head -n 1)"
	[[ -n "$base" ]] && break
	if ! kill -0 "$server_pid" 2>/dev/null; then
		echo "run.sh: server exited:" >&2
		cat "$tmp/server.log" >&2
		exit 1
	fi
	sleep 0.1
done
if [[ -z "$base" ]]; then
	echo "run.sh: server did not start" >&2
	exit 1
fi
url="$base/swagger/"

echo "run.sh: checking $url for tags: $tags"
node "$here/check.mjs" "$url" "$tags"
