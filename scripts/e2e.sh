#!/usr/bin/env bash
# The browser tests alone: scripts/e2e.sh BINARY [test files...], BINARY an
# openlot built with the portal (make build). Installs chromium and
# firefox-esr (Debian) and the test packages (npm, into ~/.cache/openlot).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
[ -x /usr/bin/chromium ] && [ -x /usr/bin/firefox-esr ] || apt_install chromium firefox-esr
web_e2e "$@"
