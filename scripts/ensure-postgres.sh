#!/usr/bin/env bash
# Makes sure the PostgreSQL server binaries (initdb, pg_ctl, postgres) that the
# built-in database and the tests use are installed. As root it installs
# Debian's package; otherwise it prints the one command to run.
set -euo pipefail

have_postgres() {
	if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
		return 0
	fi
	compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null
}

if have_postgres; then
	exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "PostgreSQL server binaries not found: installing Debian's postgresql package." >&2
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
	have_postgres && exit 0
	echo "apt-get installed postgresql but initdb is still missing." >&2
	exit 1
fi

echo "PostgreSQL server binaries not found. Install them with: sudo apt-get install postgresql" >&2
echo "(or start the server with --postgres-url pointing at an existing database)." >&2
exit 1
