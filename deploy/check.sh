#!/usr/bin/env bash
# Checks the packaging under deploy/ with whatever tools this machine has,
# and says what it skipped:
#   - the systemd unit with `systemd-analyze verify` (any warning fails);
#   - the Helm chart with `helm lint --strict` and `helm template` for the
#     default values and a TLS + ingress variant ($HELM or helm in PATH);
#   - the Dockerfile with `docker build --check` when a Docker engine answers.
# Usage: deploy/check.sh
set -euo pipefail
cd "$(dirname "$0")"

checked=0
skipped=()
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

echo "--- deploy/systemd/coder.service"
if command -v systemd-analyze >/dev/null 2>&1; then
	# verify wants ExecStart's binary to exist; any executable stands in.
	sed 's#^ExecStart=/usr/bin/coder #ExecStart=/bin/sh #' systemd/coder.service >"$tmp/coder.service"
	out="$(systemd-analyze verify "$tmp/coder.service" 2>&1)" || {
		echo "$out"
		exit 1
	}
	if [ -n "$out" ]; then
		echo "$out"
		echo "systemd-analyze verify warned about coder.service"
		exit 1
	fi
	systemd-analyze security --offline=true "$tmp/coder.service" 2>/dev/null | tail -n 1 || true
	checked=$((checked + 1))
else
	skipped+=("systemd unit: systemd-analyze not installed")
fi

echo "--- deploy/helm/coder"
helm="${HELM:-$(command -v helm || true)}"
if [ -n "$helm" ]; then
	"$helm" lint --strict helm/coder
	"$helm" template coder helm/coder --namespace coder >"$tmp/default.yaml"
	"$helm" template coder helm/coder --namespace coder \
		--set coder.tls.secretName=coder-tls \
		--set coder.strictTransportSecurity=31536000 \
		--set ingress.enabled=true,ingress.host=coder.example.com,ingress.tlsSecretName=coder-ingress-tls \
		--set replicaCount=3 >"$tmp/tls.yaml"
	for f in "$tmp/default.yaml" "$tmp/tls.yaml"; do
		kinds="$(grep '^kind:' "$f" | sort | tr '\n' ' ')"
		echo "rendered $(basename "$f"): $kinds"
	done
	grep -q '^kind: Ingress' "$tmp/tls.yaml" || {
		echo "the ingress variant rendered no Ingress"
		exit 1
	}
	grep -q 'CODER_TLS_ENABLE' "$tmp/tls.yaml" || {
		echo "the TLS variant does not enable TLS"
		exit 1
	}
	checked=$((checked + 1))
else
	skipped+=("Helm chart: no helm (Debian does not package it; set HELM=/path/to/helm)")
fi

echo "--- deploy/docker/Dockerfile"
if command -v docker >/dev/null 2>&1 && docker info >/dev/null 2>&1; then
	(cd .. && docker build --check -f deploy/docker/Dockerfile .)
	checked=$((checked + 1))
else
	skipped+=("Dockerfile: no Docker engine")
fi

for s in "${skipped[@]}"; do
	echo "skipped: $s"
done
echo "deploy/check.sh: $checked checked, ${#skipped[@]} skipped"
