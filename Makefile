# One entry point for everything a developer or CI does. Targets that need the
# PostgreSQL server binaries install them first (see scripts/ensure-postgres.sh).

GO       ?= go
TOOLS    := $(GO) tool -modfile=$(CURDIR)/tools/go.mod
VERSION  ?=
LDFLAGS  := $(if $(VERSION),-X github.com/devplane/devplane/buildinfo.tag=$(VERSION))
BIN      := build/coder
ARGS     ?=

.PHONY: all run build test test-short gen gen-check lint bench deps terraform-mirror clean site site-deps site-test

all: build

deps:
	@scripts/ensure-postgres.sh

## build: the binary, and beside it build/terraform-providers holding the
## coder Terraform provider (built once from the Go module proxy, cached),
## so the server host needs no Go; ship both together
build: site
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/coder
	@scripts/terraform-mirror.sh --out $(dir $(BIN))terraform-providers >/dev/null

## site: build the dashboard into site/out/dist, which the binary embeds
## (without npm the binary serves a page that says how to build it)
site:
	@if command -v npm >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory site-deps && cd site && npm run --silent build; \
	else \
		echo "make site: npm not found; building the server without the dashboard (install Node.js >= 20.19 and npm)"; \
	fi

# npm ci only when the lockfile is newer than the installed tree.
site-deps: site/node_modules/.package-lock.json
site/node_modules/.package-lock.json: site/package-lock.json
	cd site && npm ci --no-audit --no-fund
	@touch $@

## site-test: the dashboard's type check, lint, unit tests and end-to-end suite (one server, then two replicas behind a proxy)
site-test: site-deps
	cd site && npm run --silent typecheck && npm run --silent lint && npm run --silent test
	$(MAKE) --no-print-directory build
	cd site && npm run --silent e2e
	cd site && npm run --silent e2e:replicas

## run: start the server on the built-in PostgreSQL (extra flags: make run ARGS='--swagger-enable')
run: deps build
	$(BIN) server $(ARGS)

## terraform-mirror: build the coder Terraform provider into the offline mirror the tests use (once; cached)
terraform-mirror:
	@scripts/terraform-mirror.sh >/dev/null

## test: every test, race detector on, against real PostgreSQL and real Terraform
test: deps terraform-mirror
	$(GO) test -race -count=1 -timeout 30m ./...
	$(MAKE) --no-print-directory site-test

## gen: regenerate everything generated (sqlc, swagger.json, Markdown API and CLI docs)
gen:
	cd database && $(TOOLS) sqlc generate
	$(TOOLS) swag init --quiet --generalInfo coderd.go --dir coderd,codersdk --parseDependencyLevel 1 \
		--outputTypes json --output coderd/apidoc
	$(GO) run ./scripts/apidocgen -swagger coderd/apidoc/swagger.json -out docs/reference/api
	$(GO) run ./scripts/clidocgen -out docs/reference/cli
	$(MAKE) --no-print-directory site-deps && cd site && npm run --silent gen:api

## gen-check: fail when generated files are stale
gen-check: gen
	@if [ -n "$$(git status --porcelain -- database coderd/apidoc docs/reference site/src/api)" ]; then \
		echo "Generated files are stale; run 'make gen' and commit:"; \
		git status --porcelain -- database coderd/apidoc docs/reference site/src/api; \
		git --no-pager diff --stat -- database coderd/apidoc docs/reference site/src/api; \
		exit 1; \
	fi

lint:
	$(GO) vet ./...
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi

## bench: Go benchmarks and the start-up measurement (numbers go in docs/performance.md)
bench: deps build
	$(GO) test -run '^$$' -bench . -benchmem ./...
	scripts/startup-bench.sh

clean:
	rm -rf build
