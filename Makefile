# Tack — see README.md. `make run` for a local server with demo data,
# `make test` for every suite, `make desktop` for the desktop client.
SHELL := /bin/bash
BIN := build/bin/tack
DATA := ./.tmp/data
ADDR ?= 127.0.0.1:8080
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -X main.version=$(VERSION)
# The company's release public key (tack admin release-key prints it): the
# desktop client installs only builds it signed. Empty: no updates.
RELEASE_PUBKEY ?=
DESKTOP_LDFLAGS := $(LDFLAGS) -X tack/app.ReleaseKey=$(RELEASE_PUBKEY)
DESKTOP_TAGS := desktop,production,webkit2_41

.PHONY: run build server desktop desktop-windows installer-windows test-windows-installer ui test lint bench bench-sidebyside fault-test deps clean

ui:
	@if [ ! -f frontend/package.json ]; then \
	  echo "frontend/package.json is missing: cannot build the UI"; \
	  if [ "$$CI" = "true" ]; then exit 1; fi; \
	  echo "(continuing: the binary will say the UI is not built)"; exit 0; \
	fi; \
	if [ ! -d frontend/node_modules ]; then (cd frontend && npm ci --no-audit --no-fund) || exit 1; fi; \
	cd frontend && npm run build

build: ui
	@$(MAKE) --no-print-directory server

# The server binary around the UI already in frontend/dist (build builds the UI first).
server:
	CGO_ENABLED=0 go build -ldflags "$(LDFLAGS)" -o $(BIN) .

desktop: ui
	CGO_ENABLED=1 go build -tags $(DESKTOP_TAGS) -ldflags "$(DESKTOP_LDFLAGS)" -o $(BIN) .

# Windows client, cross-compiled (Wails needs no cgo on Windows; WebView2 runtime on the target).
desktop-windows: ui
	GOOS=windows CGO_ENABLED=0 go build -tags desktop,production -ldflags "$(DESKTOP_LDFLAGS) -H windowsgui" -o build/bin/tack.exe .

# Windows installer (NSIS, built here) around desktop-windows' tack.exe; signs both
# with osslsigncode when TACK_SIGN_CERT+TACK_SIGN_KEY or TACK_SIGN_PFX are set.
installer-windows: desktop-windows
	scripts/windows-installer.sh build/bin/tack.exe $(VERSION) build/bin/tack-setup.exe

# Throwaway certificate, sign, verify both signatures, inspect the installer.
test-windows-installer:
	scripts/test-windows-installer.sh

# A server on $(ADDR) with SQLite in ./.tmp/data; the first run loads the demo company.
run: build
	@mkdir -p $(DATA)
	@if [ -z "$$(ls -A $(DATA))" ]; then \
	  echo "Empty data dir: loading the demo company (tack demo)"; \
	  exec $(BIN) demo --addr $(ADDR) --data-dir $(DATA); \
	else \
	  exec $(BIN) serve --addr $(ADDR) --data-dir $(DATA); \
	fi

deps:
	scripts/install-deps.sh

# Everything CI runs; ends with the go test summary and "N passed, M failed".
# TACK_UI_BUILT: the UI was just built, the suites build it no more.
test: deps ui
	TACK_UI_BUILT=1 scripts/test.sh

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	go vet ./...
	CGO_ENABLED=0 go build ./...
	cd frontend && if grep -q '"lint"' package.json; then npm run lint; else npx vue-tsc --noEmit; fi

bench:
	go test -run '^$$' -bench . -benchmem ./backend/...

# Tack vs Syncthing vs rsync on loopback (issue 21); SMALL=1 for a quick trial. Not part of test.
bench-sidebyside:
	bench/sidebyside/sidebyside.py

# Issue 20: three replicas behind HAProxy on PostgreSQL and S3 (deploy/), the
# smoke test, then 50 clients while replicas are killed and S3 restarts
# (about 1 minute quiet, 4 at load 30, plus the first S3 build). scripts/test.sh
# runs it as a suite (haproxy from install-deps, PostgreSQL as .ci/run starts it).
# PORT=<base> to move its ports.
fault-test:
	@export TACK_DEPLOY_PORT=$${PORT:-18400}; deploy/local.sh up && deploy/local.sh smoke && \
	  eval "$$(deploy/local.sh env)" && go test -count=1 -timeout 15m -v -run TestFaults ./deploy/faulttest/; \
	  rc=$$?; deploy/local.sh down; exit $$rc

clean:
	rm -rf build/bin .tmp e2e/artifacts
