#!/usr/bin/env bash
# Prepares Terraform provider mirrors; needs Go (servers do not).
#
# scripts/terraform-mirror.sh [--cache-dir DIR] [--out MIRROR]
#   Builds the coder/coder provider once from the Go module proxy into the
#   mirror under DIR (default $DEVPLANE_CACHE_DIR, else devplane under the
#   user cache dir: what the tests use) and prints the offline Terraform CLI
#   config for it. --out also places it into the filesystem mirror MIRROR,
#   as `make build` does for build/terraform-providers.
#
# scripts/terraform-mirror.sh add --source SRC --address ADDR [--version V] --dir MIRROR
#   Builds a provider from source (MODULE@vVERSION through the Go module
#   proxy, or a local directory) into the filesystem mirror MIRROR, for a
#   server started with --terraform-offline --terraform-providers-dir MIRROR.
set -euo pipefail
cd "$(dirname "$0")/.."

exec "${GO:-go}" run ./scripts/terraformmirror "$@"
