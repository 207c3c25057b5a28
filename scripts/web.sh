#!/usr/bin/env bash
# Builds the portal (web/) into web/build/portal, which the Go build embeds.
# Installs the pinned npm packages into ~/.cache/openlot/web on a fresh
# machine; does nothing when neither the sources nor the lock changed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
web_build
