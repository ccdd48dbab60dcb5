#!/usr/bin/env bash
# Regenerates docs/screenshots/*.png: renders every dashboard view over a seeded in-memory queue in headless
# Debian Chromium (apt-get install -y chromium) via the screenshot test. Works offline.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
export BUQUET_SCREENSHOTS_DIR="$root/docs/screenshots"
mkdir -p "$BUQUET_SCREENSHOTS_DIR"
dotnet test "$root/tests/Buquet.Host.Tests" --filter "FullyQualifiedName~Buquet.Host.Tests.Browser.DashboardScreenshotTests"
ls -l "$BUQUET_SCREENSHOTS_DIR"
