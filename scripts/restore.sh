#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a FRESH database and the media folders:
#
#   DATABASE_URL=postgres://user:pass@host:5432/comptoir_restored scripts/restore.sh backups/comptoir-20260301-020000
#
# The database named by DATABASE_URL is created (through the server's "postgres" database) when it does not exist;
# one that already holds tables is refused, so a restore never mixes with live data: restore into a new name, check
# it, then point the shop's DATABASE_URL at it. The files go into MEDIA_ROOT and PRIVATE_MEDIA_ROOT (environment or
# .env; defaults ./media and ./private-media), over files of the same name. Then: `manage.py migrate` (a backup of an
# older version upgrades in place) and restart the processes.
set -euo pipefail
cd "$(dirname "$0")/.."

backup=${1:?usage: scripts/restore.sh BACKUP_FOLDER (made by scripts/backup.sh)}
for file in database.dump media.tar.gz private-media.tar.gz SHA256SUMS; do
    [ -f "$backup/$file" ] || { echo "restore.sh: $backup/$file is missing." >&2; exit 2; }
done
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "restore.sh: the backup is damaged." >&2; exit 2; }

# shellcheck source=scripts/backup-settings.sh
. scripts/backup-settings.sh restore.sh

# postgres://user:pass@host:5432/name?options -> the server's maintenance database, and the name
without_query=${database_url%%\?*}
query=${database_url#"$without_query"}
name=${without_query##*/}
server="${without_query%/*}/postgres$query"
[[ "$name" =~ ^[A-Za-z0-9_]+$ ]] || { echo "restore.sh: unexpected database name '$name'." >&2; exit 2; }

exists=$(psql "$server" -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ "$exists" = "1" ]; then
    tables=$(psql "$database_url" -tAc "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
    if [ "$tables" != "0" ]; then
        echo "restore.sh: database $name already has $tables tables; restore into a new database name." >&2
        exit 3
    fi
else
    psql "$server" -q -c "CREATE DATABASE \"$name\""
fi

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$database_url" "$backup/database.dump"

mkdir -p "$media_root" "$private_root"
tar -xzf "$backup/media.tar.gz" -C "$media_root"
tar -xzf "$backup/private-media.tar.gz" -C "$private_root"
echo "Restored $backup into database $name, $media_root and $private_root."
