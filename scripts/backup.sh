#!/usr/bin/env bash
# Back up the shop: the Postgres database (pg_dump, custom format) and the two folders of uploaded files
# (MEDIA_ROOT: product pictures, the seller's logo; PRIVATE_MEDIA_ROOT: quote attachments). One folder per backup:
#
#   scripts/backup.sh [DESTINATION]        # default: ./backups
#   -> DESTINATION/comptoir-YYYYmmdd-HHMMSS/{database.dump,media.tar.gz,private-media.tar.gz,SHA256SUMS}
#
# Reads DATABASE_URL (postgres://user:pass@host:5432/name), MEDIA_ROOT and PRIVATE_MEDIA_ROOT from the environment or
# .env, with the shop's defaults (./media, ./private-media). pg_dump takes a consistent snapshot while the shop runs;
# files uploaded during the backup may or may not be in it. Prints the backup's folder. Restore: scripts/restore.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=scripts/backup-settings.sh
. scripts/backup-settings.sh backup.sh

destination=${1:-backups}
target="$destination/comptoir-$(date +%Y%m%d-%H%M%S)"
if [ -e "$target" ]; then target="$target-$$"; fi
mkdir -p "$target"

pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" --dbname="$database_url"

archive() {  # archive FOLDER NAME: the folder's contents (an empty archive when the folder does not exist)
    local folder=$1 name=$2
    if [ -d "$folder" ]; then
        tar -czf "$target/$name.tar.gz" -C "$folder" .
    else
        tar -czf "$target/$name.tar.gz" --files-from /dev/null
    fi
}
archive "$media_root" media
archive "$private_root" private-media

(cd "$target" && sha256sum database.dump media.tar.gz private-media.tar.gz > SHA256SUMS)
echo "$target"
