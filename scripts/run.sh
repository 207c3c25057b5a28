#!/usr/bin/env bash
# Runs openlot locally with demo data. Installs what it needs on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
need_go
command -v ffprobe >/dev/null 2>&1 || apt_install ffmpeg # inspection reads deliveries with ffprobe and ffmpeg
web_build # the portal, embedded by the Go build below
exec go run ./cmd/openlot serve --demo "$@"
