# The two commands: `make run` (openlot locally with demo data) and `make test` (everything CI runs).
DATA ?= $(HOME)/.local/share/openlot/demo
ADDR ?= 127.0.0.1:8080

FUNCTIONS := $(notdir $(wildcard functions/*))
CDK_ENV := JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION=20

.PHONY: run test standins web e2e build vet fmt lambdas synth deploy fuzz fuzz-targets faults

run:
	./scripts/run.sh --addr $(ADDR) --data $(DATA)

test:
	./scripts/test.sh

# dynalite (DynamoDB) and MinIO (S3) on loopback for the tests that need them; prints the
# OPENLOT_TEST_* exports to paste into another terminal. Runs until Ctrl-C.
standins:
	@./scripts/standins-run.sh

# The portal (web/) into web/build/portal, which the Go build embeds; only when its sources or lock changed.
web:
	./scripts/web.sh

build: web
	go build -o bin/openlot ./cmd/openlot

# The browser tests alone (chromium and firefox-esr against bin/openlot serve --demo).
e2e: build
	./scripts/e2e.sh bin/openlot

vet:
	go vet ./...

# The fault-injection suite alone, with its counts per port method and adapter set (the AWS set
# runs when `make standins`' exports are set): make faults OPS=5000.
OPS ?= 500
faults:
	go test ./shared/faulttest -run TestFaultsLeaveNothingHalfWritten -count=1 -v -args -faults.ops=$(OPS)

# The fuzz targets of the parsers of outside input (subtitle readers: EBU STL, SCC, TTML timing,
# SRT; search queries; QC timecodes; signed blob URLs; API request bodies), each for FUZZTIME:
# make fuzz FUZZTIME=10m.
FUZZTIME ?= 1m
FUZZ_TARGETS = inspect:FuzzSTL inspect:FuzzSCC inspect:FuzzTTMLTiming inspect:FuzzSRT search:FuzzParse \
	lot:FuzzTimecode diskblob:FuzzSignedURL httpapi:FuzzJSONBodies inspect:FuzzIdentify \
	imf:FuzzParseCPL imf:FuzzParsePKL imf:FuzzParseAssetMap imf:FuzzParseVolumeIndex imf:FuzzOpen
# The list, for scripts/test.sh's short pass.
fuzz-targets:
	@echo $(FUZZ_TARGETS)

fuzz:
	@for p in $(FUZZ_TARGETS); do \
	  go test -run '^$$' -fuzz "^$${p#*:}\$$" -fuzztime $(FUZZTIME) "./shared/$${p%%:*}" || exit 1; \
	done

fmt:
	gofmt -w cmd shared functions infra web/*.go

# Each function as bin/lambda/<name>/bootstrap: static, arm64, for provided.al2023.
lambdas: web
	@for f in $(FUNCTIONS); do \
	  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 go build -tags lambda.norpc -trimpath -ldflags='-s -w' \
	    -o bin/lambda/$$f/bootstrap ./functions/$$f || exit 1; \
	done

# The CloudFormation template in cdk.out/, offline (no AWS account, no CDK CLI).
synth: lambdas
	rm -rf cdk.out
	cd infra && $(CDK_ENV) CDK_OUTDIR=../cdk.out go run .
	@echo "cdk.out/Openlot.template.json written"

# Deploys with the pinned CDK CLI (scripts/cdk.sh); context as ARGS, e.g. ARGS="-c machineClients=fp-juniper=fp/juniper+cancel".
deploy:
	./scripts/cdk.sh deploy $(ARGS)
