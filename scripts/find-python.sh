#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (Django 6 needs it), or explain and fail.
for candidate in python3 python3.13 python3.12; do
  if command -v "$candidate" >/dev/null 2>&1 &&
     "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; then
    command -v "$candidate"
    exit 0
  fi
done
cat >&2 <<'MSG'
comptoir needs Python 3.12 or newer (Django 6), and none was found on PATH.
Install one, for example:  apt-get install python3.12 python3.12-venv   (or: pyenv install 3.12)
then run the command again.
MSG
exit 1
