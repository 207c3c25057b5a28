#!/usr/bin/env bash
# Runs every test openlot has. On a fresh machine it installs what the tests
# need (into caches outside the repository), starts the stand-ins they use on
# loopback, and stops them at the end. CI calls exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh
source scripts/standins.sh
need_go
started=()
cleanup_dirs=()
cleanup() {
  for pid in "${started[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for d in "${cleanup_dirs[@]:-}"; do [ -n "$d" ] && rm -rf "$d"; done
}
trap cleanup EXIT
# What git sees now; the run must leave the tree as it found it (build output goes to ignored folders or temp dirs).
tree_before=$(git status --porcelain --untracked-files=all 2>/dev/null || true)

log "gofmt"
unformatted=$(gofmt -l cmd shared functions infra web/*.go)
if [ -n "$unformatted" ]; then
  echo "not gofmt-formatted:"; echo "$unformatted"; exit 1
fi

log "the portal: pinned npm packages (cache), type check and Vite build into web/build/portal (only when changed)"
web_build

log "go vet"
go vet ./...

log "the domain and the flow descriptions import only the standard library"
bad=$(go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' ./shared/lot ./shared/flow |
  grep -Ev '^github.com/openlot/openlot/shared/(lot|flow)$' || true)
if [ -n "$bad" ]; then echo "shared/lot or shared/flow imports: $bad"; exit 1; fi

log "only the AWS adapters, awsapp, gateway, functions and the fault-injection suite (which wires both adapter sets) import the AWS SDK"
bad=$(go list -f '{{.ImportPath}} {{join .Imports " "}} {{join .TestImports " "}} {{join .XTestImports " "}}' ./... |
  grep -Ev '^github.com/openlot/openlot/(shared/(dynamo|s3blob|sfnflow|sesmail|awsapp|gateway|faulttest)|functions/[^ ]+) ' | grep -E ' github.com/aws/' | cut -d' ' -f1 || true)
if [ -n "$bad" ]; then echo "these packages import the AWS SDK: $bad"; exit 1; fi

log "the Lambda functions link no local part (shared/app, SQLite, disk blobs, local flows, mailbox, demo), the API no ffmpeg and no excelize (functions/export writes the workbooks)"
bad=$(go list -deps ./functions/... |
  grep -E '^(modernc.org/sqlite|github.com/openlot/openlot/shared/(app|sqlite|diskblob|localflow|mailbox|demo|oauth))$' || true)
bad="$bad$(go list -deps ./functions/api | grep -E '/shared/ffmpeg$|/gofont/|/excelize/|/go-deepcopy' || true)"
if [ -n "$bad" ]; then echo "a function links: $bad"; exit 1; fi

log "ffmpeg and ffprobe (inspection, proxies), pdftotext and pdftoppm (QC reports), tesseract (reads watermarks off frames): Debian packages"
command -v ffprobe >/dev/null 2>&1 && command -v ffmpeg >/dev/null 2>&1 || apt_install ffmpeg
command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 || apt_install poppler-utils
command -v tesseract >/dev/null 2>&1 || apt_install tesseract-ocr tesseract-ocr-eng
log "chromium and firefox-esr (the browser tests): Debian packages; no test tool downloads a browser"
[ -x /usr/bin/chromium ] && [ -x /usr/bin/firefox-esr ] || apt_install chromium firefox-esr

log "starting the AWS stand-ins"
start_dynalite
start_minio
export OPENLOT_REQUIRE_STANDINS=1

log "the ASL interpreter: aws-local-stepfunctions and asl-validator, on the Node 22 npm ships"
flowtools=$(npm_tools scripts/flowtest flowtest)
cp scripts/flowtest/run.mjs "$flowtools/"
export OPENLOT_FLOWTEST_TOOLS="$flowtools"

log "go test (race detector on)"
# cmd/openlot runs whole servers under the race detector (about 5 min on 2
# busy cores); the default 10 min per package is too tight for it.
go test -race -count=1 -timeout 25m ./...

log "fuzz: the parsers of outside input, 5 s each (make fuzz FUZZTIME=10m for a longer run)"
# A failing input fails the run at once, with what go test printed. A failure without one (the fuzz
# engine's own trouble, e.g. a worker that stopped answering on a loaded machine) is printed and
# tried once more on one worker; failing again, it fails the run.
fuzz_one() { go test -run '^$' -fuzz "^${1#*:}\$" -fuzztime 5s -fuzzminimizetime 5s "$2" "./shared/${1%%:*}" 2>&1; }
for pair in $(make -s --no-print-directory fuzz-targets); do
  if ! out=$(fuzz_one "$pair" -parallel=2); then
    echo "$out" | tail -40
    if grep -q 'Failing input written' <<<"$out"; then exit 1; fi
    echo "fuzz $pair failed without a failing input; once more on one worker"
    if ! out=$(fuzz_one "$pair" -parallel=1); then echo "$out" | tail -40; exit 1; fi
  fi
done

log "browser tests: the portal in chromium (playwright-core, axe-core) and firefox-esr (puppeteer-core, WebDriver BiDi) against openlot serve --demo"
e2e_dir=$(mktemp -d "${TMPDIR:-/tmp}/openlot-e2e-bin.XXXXXX")
cleanup_dirs+=("$e2e_dir")
go build -o "$e2e_dir/openlot" ./cmd/openlot
web_e2e "$e2e_dir/openlot"

log "benchmark smoke: the search engine, openlot bench search, upload, inspect, proxy and web, small"
go test -run '^$' -bench . -benchtime 3x ./shared/search >/dev/null
go run ./cmd/openlot bench search --requests 3000 --rounds 3 2>/dev/null | grep -q '"peer_agrees":true'
# over DynamoDB a warm search reads at most 2 requests beyond those changed since
# its instance last looked, and a cold instance starts from the snapshot
go run ./cmd/openlot bench search --store dynamo --endpoint "$OPENLOT_TEST_DYNAMODB" --requests 400 --rounds 2 \
  --changes-per-search 2 --compare=false 2>/dev/null |
  python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["scans"]==0 and r["items_read_per_search"]<=2 and r["changed_max_items_over_changed"]<=2 and r["cold_from_snapshot_items_read"]==0 and r["peer_agrees"], r'

# Random bytes to an IMF request: they arrive whole (completion checks the SHA-256), then fail as no package.
go run ./cmd/openlot bench upload --size 48MiB 2>/dev/null |
  python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["status"]=="FAILED" and r["error_code"]=="IMF_NOT_A_PACKAGE" and r["deliver_mb_s"]>0, r'
go run ./cmd/openlot bench inspect --size 64MiB --seconds 5 2>/dev/null | grep -q '"black_segments":1,"silences":1'
bench_dir=$(mktemp -d "${TMPDIR:-/tmp}/openlot-bench.XXXXXX")
cleanup_dirs+=("$bench_dir")
go run ./cmd/openlot bench proxy --seconds 20 --segment 8 --dir "$bench_dir" 2>/dev/null |
  python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["segments"]==3 and r["proxy_bytes"]>0 and r["ratio"]>0, r'
# The dashboard in chromium (on the browser tests' Node and packages, installed above), small: that it ran and measured.
go run ./cmd/openlot bench web --requests 2000 --rounds 2 --changed 1 --cold 1 >"$bench_dir/web.json" 2>"$bench_dir/web.log" ||
  { tail -n 30 "$bench_dir/web.log"; exit 1; }
python3 - "$bench_dir/web.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for k in ("p50_ms", "changed_p50_ms", "cold_p50_ms", "api_counts_p50_ms", "initial_js_gzip_bytes", "bucket_shown"):
    assert r[k] > 0, (k, r)
PY

log "IMF: the package-read bench, small"
OPENLOT_BENCH_IMF_MIB=16 go test -run '^$' -bench IMFPackageRead -benchtime 1x ./shared/portal >/dev/null

log "infra: CDK assertions (own module)"
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20
(cd infra && go vet ./... && go test -count=1 ./...)

log "offline synth: make synth, then the pinned CDK CLI through cdk.json"
make -s synth >/dev/null
test -s cdk.out/Openlot.template.json
# The api bootstrap stays under 20 MB: anything that looks methods up by name
# (text/template executing, a deep-copy library) makes the linker keep every
# exported method of the AWS SDK and adds about 10 MB.
api_size=$(stat -c %s bin/lambda/api/bootstrap)
if [ "$api_size" -gt 20000000 ]; then echo "bin/lambda/api/bootstrap is $api_size bytes, over 20 MB"; exit 1; fi
log "api bootstrap: $api_size bytes"
synth_dir=$(mktemp -d "${TMPDIR:-/tmp}/openlot-cdk.XXXXXX")
cleanup_dirs+=("$synth_dir")
AWS_EC2_METADATA_DISABLED=true scripts/cdk.sh synth -q -o "$synth_dir" -c machineClients=fp-juniper=fp/juniper+cancel >/dev/null
grep -q '"partner.juniper"' "$synth_dir/Openlot.template.json"
log "nothing the build or the tests made is left in the tree outside ignored folders"
tree_after=$(git status --porcelain --untracked-files=all 2>/dev/null || true)
if [ "$tree_before" != "$tree_after" ]; then
  echo "the test run changed or left files in the tree:"; diff <(echo "$tree_before") <(echo "$tree_after") || true; exit 1
fi
log "all tests passed"
