#!/usr/bin/env bash
# Starts the local AWS stand-ins the tests use, dynalite (DynamoDB) and MinIO
# (S3), on loopback, installing them into the cache as the test script does,
# and prints the exports that point the tests at them. Runs until Ctrl-C (or
# SIGTERM), then stops both and removes MinIO's temporary folder.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/standins.sh
need_go
started=()
cleanup_dirs=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${started[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for d in "${cleanup_dirs[@]:-}"; do [ -n "$d" ] && rm -rf "$d"; done
  log "stand-ins stopped"
}
trap cleanup EXIT
trap 'exit 0' INT TERM # Ctrl-C is how it stops

start_dynalite
start_minio
cat <<EOT

# The stand-ins are running. In another terminal, paste:
export OPENLOT_TEST_DYNAMODB=$OPENLOT_TEST_DYNAMODB
export OPENLOT_TEST_S3=$OPENLOT_TEST_S3
export OPENLOT_TEST_S3_KEY=$OPENLOT_TEST_S3_KEY
export OPENLOT_TEST_S3_SECRET=$OPENLOT_TEST_S3_SECRET
# then e.g.: go test ./functions/s3events
# Ctrl-C here stops them.
EOT
# Until Ctrl-C, or until one of them exits by itself.
wait -n "${started[@]}" || true
log "a stand-in exited; see $OPENLOT_CACHE/dynalite.log and $OPENLOT_CACHE/minio.log"
