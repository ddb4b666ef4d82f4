#!/usr/bin/env bash
# Builds the django-oscar 4.2.1 shop that `make bench` compares comptoir with (bench/README.md, "The django-oscar
# side"). Non-interactive and idempotent: the first run takes a few minutes (packages, migrations, the Whoosh search
# index), a second one seconds.
#
#   bench/oscar/build.sh            # Postgres up on 127.0.0.1:5432 (scripts/ensure-services.sh starts it)
#
# 1. bench/oscar/.venv (gitignored) with the pinned bench/oscar/requirements.txt, re-installed when that file changes;
# 2. the Postgres database oscar_bench (user postgres), created if missing, migrated;
# 3. the first 5,000 products of bench/catalogue_data.py (one product class, the 10 categories, one partner with a
#    stock record, price and stock, for every product), bulk-inserted, and the search index Oscar's category pages
#    read (manage.py load_bench_catalogue);
# 4. static files collected into bench/oscar/var/static (gitignored), again only when the packages changed.
#
# Exit status 2: Python or Postgres missing; 3: pip could not install the packages (no PyPI?); 1: anything else.
set -euo pipefail
cd "$(dirname "$0")"

# Django 6.0 needs Python >= 3.12: the one comptoir finds.
PYTHON=${PYTHON:-$(../../scripts/find-python.sh 2>/dev/null || echo python3)}
VENV=.venv
PY=$VENV/bin/python
STAMP=$VENV/.installed
STATIC_STAMP=var/static/.collected
export DJANGO_SETTINGS_MODULE=oscarbench.settings

say() { echo "oscar build: $*"; }

if [ ! -x "$PY" ]; then
    command -v "$PYTHON" >/dev/null || { say "no $PYTHON to create the virtualenv with (set PYTHON=...)" >&2; exit 2; }
    say "creating $PWD/$VENV"
    "$PYTHON" -m venv "$VENV" || { say "$PYTHON -m venv failed" >&2; exit 2; }
fi
if [ ! -e "$STAMP" ] || [ requirements.txt -nt "$STAMP" ]; then
    say "installing requirements.txt (django-oscar 4.2.1)"
    if ! "$PY" -m pip install -q --disable-pip-version-check -r requirements.txt; then
        say "pip could not install bench/oscar/requirements.txt (is PyPI reachable?)" >&2
        exit 3
    fi
    touch "$STAMP"
fi

"$PY" - <<'EOF' || exit 2
import sys

import psycopg2

try:
    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", password="postgres", dbname="postgres",
                            connect_timeout=5)
except psycopg2.OperationalError as exc:
    sys.exit(f"oscar build: cannot connect to PostgreSQL on 127.0.0.1:5432 as postgres: {exc}")
conn.autocommit = True
with conn.cursor() as cursor:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = 'oscar_bench'")
    if cursor.fetchone() is None:
        print("oscar build: creating the database oscar_bench")
        cursor.execute("CREATE DATABASE oscar_bench")
conn.close()
EOF

"$PY" manage.py migrate --noinput -v0
# Whoosh's "does not handle query faceting" warnings are the expected answer to Oscar's facet queries.
"$PY" -W "ignore::Warning:haystack.backends" manage.py load_bench_catalogue
if [ ! -e "$STATIC_STAMP" ] || [ "$STAMP" -nt "$STATIC_STAMP" ]; then
    "$PY" manage.py collectstatic --noinput --clear -v0
    touch "$STATIC_STAMP"
fi
say "ready (database oscar_bench, 5,000 products)"
