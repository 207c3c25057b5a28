#!/usr/bin/env bash
# Runs openlot locally with demo data. Installs what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_go
exec go run ./cmd/openlot serve --demo "$@"
