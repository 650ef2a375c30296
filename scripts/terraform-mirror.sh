#!/usr/bin/env bash
# Prepares the offline Terraform provider mirror (the coder/coder provider,
# built once from the Go module proxy) so tests and servers do not pay for
# the build in their first Terraform job. Prints the Terraform CLI config
# file that installs providers from the mirror (use it as TF_CLI_CONFIG_FILE).
# Usage: scripts/terraform-mirror.sh [--cache-dir DIR]
#   default DIR: $DEVPLANE_CACHE_DIR, else devplane under the user cache dir
#   (what `make test` uses); for a server, pass its --cache-dir.
set -euo pipefail
cd "$(dirname "$0")/.."

exec "${GO:-go}" run ./scripts/terraformmirror "$@"
