#!/usr/bin/env bash
# Renders a run's report.html in headless Chromium and saves a screenshot, to look at what a browser shows.
# Usage: scripts/check-report.sh RUN_DIR [SCREENSHOT.png]   (installs Debian's chromium if missing; not run by CI)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
run="$(cd "${1:?usage: scripts/check-report.sh RUN_DIR [SCREENSHOT.png]}" && pwd)"
shot="${2:-$run/report-screenshot.png}"
"$root/bin/nanolm" report --run "$run"
if ! command -v chromium >/dev/null 2>&1; then
  echo "check-report: installing chromium..." >&2
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get install -y chromium >&2
fi
# --no-sandbox: containers run as root; the page is our own file
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1200,2400 \
  --screenshot="$shot" "file://$run/report.html" 2>/dev/null
test -s "$shot" && echo "screenshot: $shot"
