#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the test suite, reachable only through
# a Unix socket in its own folder (no TCP port).
#   tests/testing/pg_server.sh start DIR   makes DIR afresh (stopping and
#                                          removing a server an interrupted
#                                          run left there), runs initdb into
#                                          it, starts the server and creates
#                                          the tests' role and database
#   tests/testing/pg_server.sh stop DIR    stops the server and removes DIR
# ctest runs them as the setup and cleanup of the fixture `postgres`
# (tests/CMakeLists.txt), which passes the tests
#   GLUTECARE_TEST_PG_URI=postgresql://glutecare_test:glutecare_test@/glutecare_test?host=DIR&port=5432
# The port only names the socket file (DIR/.s.PGSQL.5432), so servers of
# other build folders and the machine's own PostgreSQL do not collide.
#
# initdb refuses to run as root: run as root, the server runs as the
# `postgres` user (Debian's postgresql-15 makes it), which must be able to
# reach DIR (every folder above it needs o+x). Durability is as in
# production: fsync and synchronous_commit stay on. The superuser (named
# after the user the server runs as) may log in only by peer authentication;
# the tests' role `glutecare_test` logs in with its password.
#   GLUTECARE_PG_BINDIR   where initdb, pg_ctl and psql are (default
#                         /usr/lib/postgresql/15/bin)
set -euo pipefail

readonly bindir="${GLUTECARE_PG_BINDIR:-/usr/lib/postgresql/15/bin}"
readonly port=5432
readonly role=glutecare_test password=glutecare_test database=glutecare_test

usage() {
  echo "usage: $0 start|stop DIR" >&2
  exit 2
}
(( $# == 2 )) || usage
action="$1"
dir="$2"
[[ "$dir" == /* ]] || { echo "$0: DIR must be an absolute path" >&2; exit 2; }

# Runs a command as the user the server runs as.
as_server_user() {
  if (( EUID == 0 )); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

stop_server() {
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_server_user "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop \
        > /dev/null 2>&1 ||
      as_server_user "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 60 \
          stop > /dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

start_server() {
  if [[ ! -x "$bindir/initdb" ]]; then
    echo "$0: no PostgreSQL 15 in $bindir: run scripts/install-deps.sh --test" >&2
    exit 1
  fi
  # sun_path holds 107 bytes and a NUL.
  local socket="$dir/.s.PGSQL.$port"
  if (( ${#socket} > 107 )); then
    echo "$0: $dir is too long for a Unix socket path" >&2
    exit 1
  fi
  stop_server
  mkdir -p "$(dirname "$dir")"
  mkdir -m 0700 "$dir"
  if (( EUID == 0 )); then
    chown postgres:postgres "$dir"
  fi
  if ! as_server_user test -w "$dir"; then
    echo "$0: the postgres user cannot write $dir: every folder above it needs o+x" >&2
    exit 1
  fi

  local superuser
  superuser="$(as_server_user id -un)"
  as_server_user "$bindir/initdb" -D "$dir/data" -U "$superuser" \
      --auth=trust --encoding=UTF8 --locale=C.UTF-8 > "$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  as_server_user tee "$dir/data/pg_hba.conf" > /dev/null <<EOF
local all $superuser peer
local all all scram-sha-256
EOF
  as_server_user tee -a "$dir/data/postgresql.conf" > /dev/null <<EOF
listen_addresses = ''
unix_socket_directories = '$dir'
port = $port
fsync = on
synchronous_commit = on
EOF
  as_server_user "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
      -w -t 60 start > /dev/null ||
    { cat "$dir/server.log" >&2; exit 1; }
  as_server_user "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" \
      -U "$superuser" -d postgres <<EOF
CREATE ROLE $role LOGIN PASSWORD '$password';
CREATE DATABASE $database OWNER $role;
EOF
}

case "$action" in
  start) start_server ;;
  stop) stop_server ;;
  *) usage ;;
esac
