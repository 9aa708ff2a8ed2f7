# vmo — `make run` starts the daemon, `make test` runs every test. Both build what they need first.

# A JDK >= 21, found by bin/find-jdk: this machine's default java may be older.
JAVA_HOME := $(shell bin/find-jdk)
ifeq ($(JAVA_HOME),)
$(error no JDK 21 or newer found; see the message above)
endif
export JAVA_HOME
MVN := mvn -B -ntp

SOURCES := pom.xml $(wildcard */pom.xml) $(shell find protocol daemon cli sql -type f -not -path '*/target/*' 2>/dev/null)
JAR := cli/target/vmo.jar
# The web UI (web/): built by Vite into web/dist, which Maven packs into the daemon's jar (daemon/pom.xml).
WEB_SOURCES := $(shell find web -type f -not -path 'web/node_modules/*' -not -path 'web/dist/*' -not -path 'web/e2e/*' 2>/dev/null)
WEB_DIST := web/dist/index.html
# npm ci (a clean install from the committed lockfile) only when node_modules is missing or the lockfile changed.
NPM_INSTALLED := web/node_modules/.vmo-npm-ci

.PHONY: build run test test-web lint format bench clean dev-web dist install

build: $(JAR)

$(JAR): $(SOURCES) $(WEB_DIST)
	$(MVN) -q -DskipTests package
	@touch $@

$(NPM_INSTALLED): web/package-lock.json
	@command -v npm >/dev/null || { echo "building the web UI needs Node.js (20.19+) and npm (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	cd web && npm ci --no-audit --no-fund
	@touch $@

$(WEB_DIST): $(NPM_INSTALLED) $(WEB_SOURCES)
	cd web && npm run build
	@touch $@

## dev-web: Vite's dev server on :5173 with hot reload, proxying /ws, /api and /login to a daemon on :7777 (`make run`)
dev-web: $(NPM_INSTALLED)
	cd web && npm run dev

## run: build if needed, then the daemon in the foreground (its own PostgreSQL unless VMO_DATABASE_URL is set)
run: build
	bin/vmo daemon

## test: the whole suite: the web UI's unit and component tests (Vitest), then the Java unit tests, then end-to-end
## tests against a real daemon, PostgreSQL, CLI and (WebUiIT) Debian's Chromium driven by playwright-core
test: test-deps lint test-web $(WEB_DIST)
	$(MVN) verify

## lint: the gates on how the code is written: Prettier and ESLint on web/, palantir-java-format (Spotless) on the
## Java tree. `make format` rewrites both into shape.
lint: $(NPM_INSTALLED)
	cd web && npm run -s lint
	$(MVN) -q spotless:check

format: $(NPM_INSTALLED)
	cd web && npm run -s format
	$(MVN) -q spotless:apply

## test-web: the web UI's type check (svelte-check) and its unit and component tests (Vitest, jsdom)
test-web: $(NPM_INSTALLED)
	cd web && npm run -s check && npx vitest run

## test-deps: what the tests need from the system, installed when missing: OpenSSH's sshd, which the SSH tests
## start themselves on loopback; tmux, the real terminal the interactive CLI tests type into; zsh and fish, which
## check that `vmo completion` prints scripts they parse; systemd's systemd-analyze, which checks the unit `vmo
## service install` writes (systemd need not run); and Debian's Chromium, which the web UI's end-to-end tests
## drive (playwright-core cannot download a browser here).
## /etc/ssh/sshd_not_to_be_run keeps the openssh-server package from also starting a system sshd on port 22 (its
## init script, ssh.service and ssh.socket all honour it), now and at boot. The lock timeout waits out a fresh
## machine's own apt runs (unattended-upgrades, cloud-init) instead of failing.
.PHONY: test-deps
test-deps:
	@missing=""; \
	[ -x /usr/sbin/sshd ] || missing="$$missing openssh-server"; \
	[ -x /usr/bin/chromium ] || missing="$$missing chromium"; \
	command -v tmux >/dev/null || missing="$$missing tmux"; \
	command -v zsh >/dev/null || missing="$$missing zsh"; \
	command -v fish >/dev/null || missing="$$missing fish"; \
	command -v systemd-analyze >/dev/null || missing="$$missing systemd"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "the tests need$$missing (/usr/sbin/sshd, /usr/bin/chromium, tmux, zsh, fish, systemd-analyze): install as root (Debian: apt-get install$$missing)" >&2; \
			exit 1; \
		fi; \
		echo "installing$$missing for the tests (a system sshd stays off: /etc/ssh/sshd_not_to_be_run)"; \
		mkdir -p /etc/ssh && touch /etc/ssh/sshd_not_to_be_run && \
		export DEBIAN_FRONTEND=noninteractive && \
		apt-get update -qq -o DPkg::Lock::Timeout=300 && \
		apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 $$missing >/dev/null; \
	fi

## bench: measure latency, throughput and memory against a real daemon and PostgreSQL; writes docs/benchmarks.md
## (not part of `test`; `make bench BENCH_ARGS=--quick` is a short smoke run). It runs from a private copy of the
## build (bin/vmo, the jar, its libs and AOT cache, the test classes), so a rebuild during the run cannot pull classes
## from under it. (Without the AOT cache the CLI phase measured a client nobody runs: 2026-12-06, `vmo jobs` 526 ms.)
bench: build
	@stage=$$(mktemp -d "$${TMPDIR:-/tmp}/vmo-bench-build.XXXXXX") && trap 'rm -rf "$$stage"' EXIT && \
	mkdir -p "$$stage/bin" "$$stage/cli/target" "$$stage/daemon/target" && cp bin/vmo bin/find-jdk "$$stage/bin/" && \
	cp -r cli/target/vmo.jar cli/target/lib cli/target/aot cli/target/classes cli/target/test-classes "$$stage/cli/target/" && \
	cp -r daemon/target/vmo-daemon.jar daemon/target/lib "$$stage/daemon/target/" && \
	"$(JAVA_HOME)/bin/java" -Xmx2g \
		-cp "$$stage/cli/target/test-classes:$$stage/cli/target/classes:$$stage/cli/target/lib/*:$$stage/daemon/target/vmo-daemon.jar:$$stage/daemon/target/lib/*" \
		-Dvmo.launcher="$$stage/bin/vmo" -Dvmo.log.level=warn \
		io.vmo.bench.Bench --out docs/benchmarks.md $(BENCH_ARGS)

## dist: the release bundle, dist/vmo-<version>-linux-x64.tar.gz: bin/vmo, the client's and the daemon's jars, a JVM
## made by jlink with only the modules they need, and the client's AOT cache made with that JVM. Where it is unpacked
## nothing else is needed: no JDK, Maven or Node.js (bin/make-dist; the layout: docs/architecture.md).
## Always packaged afresh, not `build`'s up-to-date check: the jars then name the commit the bundle is made from.
dist: $(WEB_DIST)
	$(MVN) -q -DskipTests package
	bin/make-dist dist

## install: `make dist`, then the bundle in $(PREFIX)/lib/vmo (replacing an older one) and $(PREFIX)/bin/vmo, a link to
## its launcher. PREFIX=~/.local installs for one user, without root. Restart a running daemon afterwards.
PREFIX ?= /usr/local
install: dist
	@set -eu; \
	version=$$(sed -n 's/^version=//p' protocol/target/classes/io/vmo/protocol/version.properties); \
	dest="$(PREFIX)/lib/vmo"; \
	mkdir -p "$(PREFIX)/lib" "$(PREFIX)/bin"; \
	rm -rf "$$dest.new" "$$dest.old"; mkdir "$$dest.new"; \
	tar -xzf "dist/vmo-$$version-linux-x64.tar.gz" -C "$$dest.new" --strip-components=1; \
	if [ -e "$$dest" ]; then mv "$$dest" "$$dest.old"; fi; \
	mv "$$dest.new" "$$dest"; rm -rf "$$dest.old"; \
	ln -sfn "$$dest/bin/vmo" "$(PREFIX)/bin/vmo"; \
	echo "installed $$(cat "$$dest/VERSION") in $$dest; $(PREFIX)/bin/vmo runs it"

clean:
	$(MVN) -q clean
	rm -rf web/dist dist
