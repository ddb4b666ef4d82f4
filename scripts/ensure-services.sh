#!/usr/bin/env bash
# Make sure what the tests need is installed and running: PostgreSQL, Redis, Debian's Chromium, npm and Java.
# Installs missing packages with apt (as root, or with sudo) and starts services that are down.
set -euo pipefail

SUDO=""
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
fi

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

missing=()
if ! port_open 5432 && ! command -v pg_ctlcluster >/dev/null 2>&1; then missing+=(postgresql); fi
if ! port_open 6379 && ! command -v redis-server >/dev/null 2>&1; then missing+=(redis-server); fi
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then missing+=(chromium); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
if ! command -v java >/dev/null 2>&1; then missing+=(default-jre-headless); fi  # the Nu HTML checker (vnu.jar)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing with apt: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if ! port_open 5432; then
  echo "Starting PostgreSQL"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  $SUDO pg_ctlcluster --skip-systemctl-redirect "$version" main start || $SUDO pg_ctlcluster "$version" main start
  for _ in $(seq 1 30); do port_open 5432 && break; sleep 1; done
fi
# A fresh Debian cluster asks for a password over TCP: give the postgres role the one the tests use.
if command -v psql >/dev/null 2>&1 &&
   ! PGPASSWORD=postgres psql -h 127.0.0.1 -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
  echo "Setting the postgres role's password for local TCP connections"
  (cd / && $SUDO su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"")
fi

if ! port_open 6379; then
  echo "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no
  for _ in $(seq 1 20); do port_open 6379 && break; sleep 0.5; done
fi
port_open 5432 || { echo "PostgreSQL is not reachable on 127.0.0.1:5432" >&2; exit 1; }
port_open 6379 || { echo "Redis is not reachable on 127.0.0.1:6379" >&2; exit 1; }

"$(dirname "$0")/ensure-pdf-libs.sh"
