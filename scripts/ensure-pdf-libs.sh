#!/usr/bin/env bash
# WeasyPrint (invoices, credit notes, statements and purchase orders as PDF) draws text with Debian's Pango: installs
# it with apt when it is missing (as root, or with sudo). Called by `make run` and scripts/ensure-services.sh; without
# it the shop runs, and only the PDF downloads fail.
set -euo pipefail
if ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0"; then exit 0; fi
SUDO=""
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null 2>&1; then SUDO="sudo"; fi
echo "Installing with apt: libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core (PDF documents)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null
