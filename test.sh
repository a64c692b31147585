#!/usr/bin/env bash
# The whole holdspace test suite: formatting, go vet, staticcheck, and every
# Go test on SQLite and PostgreSQL, browser tests in headless Chromium
# included. With no HOLDSPACE_TEST_POSTGRES it runs a throwaway PostgreSQL
# cluster of its own. Under CI=true nothing may be skipped.
set -euo pipefail
cd "$(dirname "$0")"

STATICCHECK_VERSION=v0.8.2
out=.test-output
mkdir -p "$out"
say() { printf '== %s\n' "$*"; }
fail() { printf 'test.sh: %s\n' "$*" >&2; exit 1; }

# install_or_fail PACKAGE COMMAND: a Debian package the suite needs.
apt_updated=
install_or_fail() {
  local pkg=$1 probe=$2
  command -v "$probe" >/dev/null 2>&1 && return 0
  [ -x "$probe" ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing $pkg"
    if [ -z "$apt_updated" ]; then apt-get update -qq >"$out/apt.log" 2>&1; apt_updated=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >>"$out/apt.log" 2>&1 \
      || fail "could not install $pkg (see $out/apt.log)"
  else
    fail "$pkg is needed: install it (Debian: apt-get install $pkg) or, for PostgreSQL, set HOLDSPACE_TEST_POSTGRES"
  fi
}

command -v go >/dev/null || fail "Go 1.26 is needed"

say "gofmt"
unformatted=$(gofmt -l $(find . -name '*.go' -not -path './.test-output/*'))
[ -z "$unformatted" ] || fail "gofmt would change: $unformatted"

say "go vet"
go vet ./...

say "staticcheck $STATICCHECK_VERSION"
go run "honnef.co/go/tools/cmd/staticcheck@$STATICCHECK_VERSION" ./...

# PostgreSQL: the one given, or a throwaway cluster owned by a non-root user
# (PostgreSQL refuses to run as root).
pgdir=
stop_pg() {
  if [ -n "$pgdir" ] && [ -f "$pgdir/data/postmaster.pid" ]; then
    $pg_as "$pgbin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  [ -n "$pgdir" ] && rm -rf "$pgdir"
  return 0
}
trap stop_pg EXIT
if [ -z "${HOLDSPACE_TEST_POSTGRES:-}" ]; then
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [ -z "$pgbin" ]; then
    install_or_fail postgresql /usr/lib/postgresql/no-such-binary
    pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  pgdir=$(mktemp -d /tmp/holdspace-pg.XXXXXX)
  pg_as=
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$pgdir"
    pg_as="runuser -u postgres --"
  fi
  say "starting a throwaway PostgreSQL ($("$pgbin/postgres" --version))"
  $pg_as "$pgbin/initdb" -D "$pgdir/data" -U holdspace --auth=trust -E UTF8 >"$out/initdb.log" 2>&1 \
    || fail "initdb failed (see $out/initdb.log)"
  $pg_as "$pgbin/pg_ctl" -D "$pgdir/data" -l "$pgdir/log" -w \
    -o "-c listen_addresses='' -c unix_socket_directories='$pgdir' -c fsync=off -c max_connections=200" start >/dev/null \
    || { cat "$pgdir/log" >&2; fail "PostgreSQL did not start"; }
  export HOLDSPACE_TEST_POSTGRES="postgres://holdspace@/postgres?host=$pgdir&sslmode=disable"
fi

# pdftotext reads the consent PDFs' text back in their tests.
install_or_fail poppler-utils pdftotext

# Chromium for the browser tests.
if [ -z "${HOLDSPACE_TEST_CHROMIUM:-}" ]; then
  install_or_fail chromium /usr/bin/chromium
  export HOLDSPACE_TEST_CHROMIUM=/usr/bin/chromium
fi

say "go test ./... (SQLite and PostgreSQL; browser tests in Chromium)"
set +e
go test -count=1 -v -timeout 20m ./... >"$out/go-test.log" 2>&1
status=$?
set -e
grep -E '^(ok|FAIL|---|panic:|\?)|^\s+.*_test\.go:[0-9]+:' "$out/go-test.log" | grep -vE '^\s*--- (PASS|SKIP)' | grep -v '^?' || true

passed=$(grep -cE '^\s*--- PASS' "$out/go-test.log" || true)
failed=$(grep -cE '^\s*--- FAIL' "$out/go-test.log" || true)
skipped=$(grep -cE '^\s*--- SKIP' "$out/go-test.log" || true)
on_sqlite=$(grep -E '^\s*--- PASS: \S*/sqlite( |/)' "$out/go-test.log" | grep -cv /sqlite/ || true)
on_postgres=$(grep -E '^\s*--- PASS: \S*/postgres( |/)' "$out/go-test.log" | grep -cv /postgres/ || true)
say "database tests passed: $on_sqlite on SQLite, $on_postgres on PostgreSQL"
if [ "$skipped" != 0 ]; then
  grep -E -A1 '^\s*--- SKIP' "$out/go-test.log" | head -20
  [ "${CI:-}" = true ] && fail "$skipped tests were skipped; under CI nothing may be skipped"
fi
echo "full log: $out/go-test.log"
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit $status
