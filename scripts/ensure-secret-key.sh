#!/usr/bin/env bash
# `make run`: give this machine's shop a SECRET_KEY of its own, once. With DEBUG off the settings refuse to start
# without one (order links, sessions and password resets are signed with it), and a key shared by every copy of
# the repository would let anyone forge them. The key goes into .env (git-ignored), which the settings read; a
# SECRET_KEY already in the environment or in .env is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${SECRET_KEY:-}" ] || grep -qs '^[[:space:]]*\(export[[:space:]]\+\)\?SECRET_KEY=' .env; then
  exit 0
fi
key="$(od -An -N48 -tx1 /dev/urandom | tr -d ' \n')"
if [ -s .env ] && [ -n "$(tail -c1 .env)" ]; then echo >> .env; fi
echo "SECRET_KEY=$key" >> .env
echo "A random SECRET_KEY for this machine was written to .env (git-ignored)."
