# Sourced by scripts/backup.sh and scripts/restore.sh (from the repository root): the settings both read, each from
# the environment, else from .env, else its default, as shop/settings.py does. Sets database_url (a postgres:// URL,
# or the calling script stops), media_root and private_root. $1: the calling script's name, for its messages.

env_value() {  # the environment wins over .env, as in shop/settings.py
    local name=$1 default=$2
    if [ -n "${!name:-}" ]; then printf '%s' "${!name}"; return; fi
    if [ -f .env ]; then
        local line
        line=$(grep -E "^${name}=" .env | tail -n 1 || true)
        if [ -n "$line" ]; then printf '%s' "${line#*=}"; return; fi
    fi
    printf '%s' "$default"
}

database_url=$(env_value DATABASE_URL "")
case "$database_url" in
    postgres://*|postgresql://*) ;;
    *) echo "$1: DATABASE_URL must be a postgres:// URL (got '${database_url:-nothing}')." >&2; exit 2 ;;
esac
media_root=$(env_value MEDIA_ROOT "$PWD/media")
private_root=$(env_value PRIVATE_MEDIA_ROOT "$PWD/private-media")
