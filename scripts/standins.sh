# Installs and starts the local AWS stand-ins the tests use. Sourced by test.sh
# after lib.sh. Everything installed goes to $OPENLOT_CACHE, never the repo.
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c

# free_port: prints a free TCP port on 127.0.0.1.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_http URL NAME PID: waits up to 60 s for URL to answer at all.
wait_http() {
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "$1" && return 0
    kill -0 "$3" 2>/dev/null || { log "$2 exited; its log:"; cat "$OPENLOT_CACHE/$2.log" >&2; return 1; }
    sleep 0.2
  done
  log "$2 did not answer at $1"; return 1
}

# start_dynalite: in-memory DynamoDB on loopback; exports OPENLOT_TEST_DYNAMODB.
start_dynalite() {
  local tools; tools=$(npm_tools scripts/standins standins)
  local port; port=$(free_port)
  "$tools/node_modules/.bin/dynalite" --host 127.0.0.1 --port "$port" \
    --createTableMs 0 --deleteTableMs 0 --updateTableMs 0 >"$OPENLOT_CACHE/dynalite.log" 2>&1 &
  started+=($!)
  wait_http "http://127.0.0.1:$port/" dynalite $!
  export OPENLOT_TEST_DYNAMODB="http://127.0.0.1:$port"
  log "dynalite on $OPENLOT_TEST_DYNAMODB"
}

# start_minio: S3 on loopback over a temporary folder; exports OPENLOT_TEST_S3*.
start_minio() {
  local bin="$OPENLOT_CACHE/minio-$MINIO_VERSION/minio"
  if [ ! -x "$bin" ]; then
    log "building MinIO $MINIO_VERSION into $(dirname "$bin") (about 5 minutes, once)"
    GOBIN="$(dirname "$bin")" GOFLAGS=-buildvcs=false go install "github.com/minio/minio@$MINIO_VERSION"
  fi
  local port; port=$(free_port)
  local dir; dir=$(mktemp -d "${TMPDIR:-/tmp}/openlot-minio.XXXXXX")
  export OPENLOT_TEST_S3_KEY=openlot-test OPENLOT_TEST_S3_SECRET=openlot-test-secret
  MINIO_ROOT_USER=$OPENLOT_TEST_S3_KEY MINIO_ROOT_PASSWORD=$OPENLOT_TEST_S3_SECRET \
    MINIO_BROWSER=off MINIO_UPDATE=off "$bin" server --quiet --address "127.0.0.1:$port" "$dir" \
    >"$OPENLOT_CACHE/minio.log" 2>&1 &
  started+=($!)
  cleanup_dirs+=("$dir")
  wait_http "http://127.0.0.1:$port/minio/health/live" minio $!
  export OPENLOT_TEST_S3="http://127.0.0.1:$port"
  log "MinIO on $OPENLOT_TEST_S3"
}
