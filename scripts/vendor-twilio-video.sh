#!/usr/bin/env bash
# Copies the twilio-video browser SDK from the npm registry into static/vendor/ with its licence.
# Usage: scripts/vendor-twilio-video.sh [version]     (make vendor)
set -euo pipefail
cd "$(dirname "$0")/.."
version="${1:-2.36.0}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "twilio-video@${version}" --silent >/dev/null && tar xzf "twilio-video-${version}.tgz")
target=static/vendor/twilio-video
mkdir -p "$target"
cp "$work/package/dist/twilio-video.min.js" "$target/"
cp "$work/package/LICENSE.md" "$target/LICENSE.md"
echo "twilio-video ${version} from the npm registry" > "$target/VERSION"
echo "Vendored twilio-video ${version} into ${target}"
