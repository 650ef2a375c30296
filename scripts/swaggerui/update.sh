#!/usr/bin/env bash
# Refreshes the Swagger UI assets embedded by coderd/swaggerui from the pinned
# swagger-ui-dist npm package. The copied files are vendored, generated
# assets: commit them together with a change of SWAGGER_UI_VERSION.
#
# Usage: scripts/swaggerui/update.sh
#        SWAGGER_UI_VERSION=5.35.0 scripts/swaggerui/update.sh
set -euo pipefail

SWAGGER_UI_VERSION="${SWAGGER_UI_VERSION:-5.35.0}"

# The only files the embedded UI needs. The index page and its initializer
# script are our own (coderd/swaggerui/static); the standalone preset is not
# used (we render the base layout, without the URL bar).
FILES=(
	swagger-ui.css
	swagger-ui-bundle.js
	favicon-32x32.png
	LICENSE
)

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
dest="$repo_root/coderd/swaggerui/dist"

command -v npm >/dev/null || {
	echo "update.sh: npm is required" >&2
	exit 1
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

(
	cd "$tmp"
	npm init --yes >/dev/null
	npm install --no-audit --no-fund --ignore-scripts --save-exact \
		"swagger-ui-dist@$SWAGGER_UI_VERSION" >/dev/null
)

pkg="$tmp/node_modules/swagger-ui-dist"
installed="$(node -p 'require(process.argv[1]).version' "$pkg/package.json")"
if [[ "$installed" != "$SWAGGER_UI_VERSION" ]]; then
	echo "update.sh: wanted swagger-ui-dist $SWAGGER_UI_VERSION, npm installed $installed" >&2
	exit 1
fi

mkdir -p "$dest"
# Remove what a previous run copied, so dropped files do not linger.
find "$dest" -mindepth 1 -maxdepth 1 -type f -delete
for f in "${FILES[@]}"; do
	cp "$pkg/$f" "$dest/$f"
done
# The files are copied byte for byte; SHA256SUMS lets the Go tests (and
# reviewers) check that nobody edited them by hand.

integrity="$(node -p 'require(process.argv[1]).packages["node_modules/swagger-ui-dist"].integrity' "$tmp/package-lock.json")"
{
	echo "swagger-ui-dist@$SWAGGER_UI_VERSION"
	echo "integrity $integrity"
	echo "files: ${FILES[*]}"
} >"$dest/VERSION"
(cd "$dest" && sha256sum "${FILES[@]}" VERSION >SHA256SUMS)

echo "update.sh: copied swagger-ui-dist@$SWAGGER_UI_VERSION into ${dest#"$repo_root"/}:"
ls -l "$dest"
