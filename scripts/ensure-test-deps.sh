#!/usr/bin/env bash
# Ensures the Debian packages whose binaries the test suite runs for real are
# installed: PostgreSQL server and client, PgBouncer, Patroni, etcd, Barman
# Cloud, pgBackRest and promtool.
#
# Idempotent and fast when everything is present (only `command -v` / file
# checks). When something is missing and we are root with apt-get, it runs
# `apt-get update` once and installs the missing packages without starting
# any service. When it cannot install: with CI=true it exits 1 naming what is
# missing; otherwise it warns and exits 0 (tests that need the binaries skip).
#
# Runs as the `pretest` npm script; safe to run by hand:
#   bash scripts/ensure-test-deps.sh
set -uo pipefail

# Root's PATH may lack the sbin directories when run through npm.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

has_cmd() { command -v "$1" >/dev/null 2>&1; }

# Debian's postgresql packages keep the server binaries off PATH, in
# /usr/lib/postgresql/<version>/bin.
has_pg_server() {
  local d
  for d in /usr/lib/postgresql/*/bin; do
    [[ -x "$d/postgres" && -x "$d/initdb" && -x "$d/pg_ctl" ]] && return 0
  done
  has_cmd postgres && has_cmd initdb && has_cmd pg_ctl
}

# package -> check (a shell command that succeeds when the package's binary is there)
declare -A CHECK=(
  [postgresql]="has_pg_server"
  [postgresql-client]="has_cmd psql"
  [pgbouncer]="has_cmd pgbouncer"
  [patroni]="has_cmd patroni"
  [etcd-server]="has_cmd etcd"
  [etcd-client]="has_cmd etcdctl"
  [barman-cli-cloud]="has_cmd barman-cloud-backup"
  [pgbackrest]="has_cmd pgbackrest"
  [prometheus]="has_cmd promtool"
  [openssl]="has_cmd openssl"
  [faketime]="has_cmd faketime"
)
PACKAGES=(postgresql postgresql-client pgbouncer patroni etcd-server etcd-client barman-cli-cloud pgbackrest prometheus openssl faketime)

missing_packages() {
  local p out=()
  for p in "${PACKAGES[@]}"; do
    ${CHECK[$p]} || out+=("$p")
  done
  echo "${out[*]:-}"
}

read -r -a MISSING <<<"$(missing_packages)"
if [[ ${#MISSING[@]} -eq 0 ]]; then
  echo "ensure-test-deps: all test binaries present (${PACKAGES[*]})"
  exit 0
fi

if [[ "$(id -u)" -eq 0 ]] && has_cmd apt-get; then
  echo "ensure-test-deps: installing ${MISSING[*]} ..."
  start=$(date +%s)

  # Keep maintainer scripts from starting services (etcd, pgbouncer, the
  # postgresql "main" cluster). Debian images often ship this already.
  created_policy=0
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
    chmod 755 /usr/sbin/policy-rc.d
    created_policy=1
  fi
  cleanup() { [[ $created_policy -eq 1 ]] && rm -f /usr/sbin/policy-rc.d; }
  trap cleanup EXIT

  export DEBIAN_FRONTEND=noninteractive
  apt_opts=(-o DPkg::Lock::Timeout=300 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
  apt-get "${apt_opts[@]}" update -qq >/dev/null 2>&1 ||
    echo "ensure-test-deps: warning: apt-get update failed; trying the existing package lists" >&2
  log=$(mktemp)
  if ! apt-get "${apt_opts[@]}" install -y -qq --no-install-recommends "${MISSING[@]}" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
  fi
  rm -f "$log"

  read -r -a STILL <<<"$(missing_packages)"
  if [[ ${#STILL[@]} -eq 0 ]]; then
    echo "ensure-test-deps: installed ${MISSING[*]} in $(($(date +%s) - start))s; all test binaries present"
    exit 0
  fi
  MISSING=("${STILL[@]}")
fi

msg="ensure-test-deps: missing Debian packages: ${MISSING[*]} (install as root: apt-get install -y --no-install-recommends ${MISSING[*]})"
# What counts as CI is the same everywhere (test/support/binaries.ts isCI): CI is set
# and is not empty, 0 or false (any case).
ci="${CI:-}"
if [[ -n "$ci" && "$ci" != "0" && "${ci,,}" != "false" ]]; then
  echo "$msg" >&2
  exit 1
fi
echo "warning: $msg; tests that need them will be skipped" >&2
exit 0
