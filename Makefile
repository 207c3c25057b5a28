# The two commands: `make run` (openlot locally with demo data) and `make test` (everything CI runs).
DATA ?= $(HOME)/.local/share/openlot/demo
ADDR ?= 127.0.0.1:8080

.PHONY: run test build vet fmt

run:
	./scripts/run.sh --addr $(ADDR) --data $(DATA)

test:
	./scripts/test.sh

build:
	go build -o bin/openlot ./cmd/openlot

vet:
	go vet ./...

fmt:
	gofmt -w cmd shared
