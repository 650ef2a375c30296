#!/usr/bin/env bash
# Measures the time from launching `coder server` to its first 200 on /healthz:
# once on a fresh config directory (initdb + migrations) and then on warm
# restarts of the same directory. Prints one line per run and the median.
# Usage: scripts/startup-bench.sh [warm-runs]   (needs build/coder: make build)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
bin=build/coder
[ -x "$bin" ] || { echo "build/coder missing: run make build" >&2; exit 1; }

dir=$(mktemp -d /tmp/devplane-startup-XXXXXX)
chmod 755 "$dir"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
trap 'kill "${pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$dir"' EXIT

# start_once prints the milliseconds from exec to the first 200 on /healthz.
start_once() {
	local t0 t1
	t0=$(date +%s%N)
	"$bin" server --config-dir "$dir/config" --cache-dir "$dir/cache" \
		--http-address "127.0.0.1:$port" --log-human "$dir/server.log" >/dev/null &
	pid=$!
	until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do
		kill -0 "$pid" 2>/dev/null || { echo "server exited; log:" >&2; tail -20 "$dir/server.log" >&2; exit 1; }
		sleep 0.005
	done
	t1=$(date +%s%N)
	kill -INT "$pid"
	wait "$pid" || true
	echo $(((t1 - t0) / 1000000))
}

fresh=$(start_once)
echo "fresh config dir: ${fresh} ms"
warm=()
for i in $(seq 1 "$runs"); do
	ms=$(start_once)
	warm+=("$ms")
	echo "warm restart $i: ${ms} ms"
done
median=$(printf '%s\n' "${warm[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "warm restart median of $runs: ${median} ms"
