#!/usr/bin/env bash
# Installs axe-core (the accessibility checker the browser tests inject into each page) from the
# npm registry into tests/e2e/axe/node_modules, exactly as package-lock.json pins it. Test-only:
# nothing under static/ loads it. Does nothing when the pinned version is already there, so the
# suite runs offline after the first install.   Usage: scripts/ensure-axe-core.sh   (make e2e)
set -euo pipefail
cd "$(dirname "$0")/../tests/e2e/axe"
wanted="$(sed -n 's/.*"axe-core": "\(.*\)".*/\1/p' package.json)"
if [[ -f node_modules/axe-core/axe.min.js ]] &&
  grep -q "\"version\": \"${wanted}\"" node_modules/axe-core/package.json; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  echo "npm is missing. Install it with: scripts/ensure-system-packages.sh browser" >&2
  exit 1
fi
echo "Installing axe-core ${wanted} for the browser tests"
npm ci --no-audit --no-fund --silent
