#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers for the distributed mode and the tests.
#
#   postgres.sh ensure   use DATABASE_URL's server when given; else the local one on
#                        127.0.0.1:5432, started if it is installed but stopped, installed
#                        from Debian's packages (trust auth on loopback) if it is absent.
#
# The databases themselves (g2g, g2g_test, g2g_e2e) are created by the code that uses them.
set -euo pipefail

say() { printf 'postgres: %s\n' "$*"; }
die() { printf 'postgres: error: %s\n' "$*" >&2; exit 1; }

url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
hostport="${url#*://}"; hostport="${hostport#*@}"; hostport="${hostport%%/*}"
host="${hostport%%:*}"; port="${hostport##*:}"; [[ "$port" == "$hostport" ]] && port=5432

answers() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null; }

ensure() {
  if answers; then say "serving on $host:$port"; return 0; fi
  if [[ -n "${DATABASE_URL:-}" ]]; then die "DATABASE_URL names $host:$port, which does not answer"; fi
  if [[ "$host" != 127.0.0.1 && "$host" != localhost ]]; then die "$host:$port does not answer"; fi
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    [[ $(id -u) -eq 0 ]] || die "no PostgreSQL installed and not root to install it (set DATABASE_URL)"
    say "installing PostgreSQL from Debian's packages"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    local conf; conf=$(ls -d /etc/postgresql/*/main | head -1)
    # local development and CI only: trust connections from this machine
    sed -i -E 's/^(host\s+all\s+all\s+(127\.0\.0\.1\/32|::1\/128)\s+)\S+/\1trust/' "$conf/pg_hba.conf"
  fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -1)
  say "starting PostgreSQL $version"
  if command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  fi
  for _ in $(seq 1 60); do
    if answers; then say "serving on $host:$port"; return 0; fi
    sleep 0.5
  done
  die "PostgreSQL did not come up on $host:$port"
}

case "${1:-ensure}" in
  ensure) ensure ;;
  *) die "usage: postgres.sh ensure" ;;
esac
