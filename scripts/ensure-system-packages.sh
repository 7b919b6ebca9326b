#!/usr/bin/env bash
# Installs the Debian packages SofaDoc needs outside Python, if they are missing.
# Usage: ensure-system-packages.sh [browser|bench]
#   "browser" adds Chromium and npm (axe-core) for the browser tests, "bench" wrk for the load
#   benchmark
set -euo pipefail
missing=()
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
# The fault suite (tests/faults) runs a PostgreSQL and a Redis of its own beside the shared ones.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
# WeasyPrint (billing PDFs) renders text with Pango; DejaVu is the documents' font.
ldconfig -p 2>/dev/null | grep -q "libpango-1.0.so.0" || missing+=(libpango-1.0-0)
ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpangoft2-1.0-0)
fc-list 2>/dev/null | grep -qi "dejavu" || missing+=(fonts-dejavu-core)
# pdftoppm: the billing tests keep a PNG of each document under test-artifacts/ to look at.
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
if [[ "${1:-}" == "browser" ]]; then
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi
if [[ "${1:-}" == "bench" ]]; then
  command -v wrk >/dev/null 2>&1 || missing+=(wrk)
fi
((${#missing[@]})) || exit 0
if [[ $(id -u) -ne 0 ]]; then
  echo "Missing Debian packages: ${missing[*]}. Install them with:" >&2
  echo "    sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
