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

.PHONY: build run test bench clean

build: $(JAR)

$(JAR): $(SOURCES)
	$(MVN) -q -DskipTests package
	@touch $@

## run: build if needed, then the daemon in the foreground (its own PostgreSQL unless VMO_DATABASE_URL is set)
run: build
	bin/vmo daemon

## test: the whole suite: unit tests, then end-to-end tests against a real daemon, PostgreSQL and CLI
test: test-deps
	$(MVN) verify

## test-deps: what the tests need from the system, installed when missing: OpenSSH's sshd, which the SSH tests
## start themselves on loopback, and tmux, the real terminal the interactive CLI tests type into. /etc/ssh/sshd_not_to_be_run keeps the package from also starting a system sshd
## on port 22 (its init script, ssh.service and ssh.socket all honour it), now and at boot. The lock timeout waits
## out a fresh machine's own apt runs (unattended-upgrades, cloud-init) instead of failing.
.PHONY: test-deps
test-deps:
	@if [ ! -x /usr/sbin/sshd ]; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "the tests need OpenSSH's server, /usr/sbin/sshd: install it as root (Debian: apt-get install openssh-server)" >&2; \
			exit 1; \
		fi; \
		echo "installing openssh-server for the tests (its system service stays off: /etc/ssh/sshd_not_to_be_run)"; \
		mkdir -p /etc/ssh && touch /etc/ssh/sshd_not_to_be_run && \
		export DEBIAN_FRONTEND=noninteractive && \
		apt-get update -qq -o DPkg::Lock::Timeout=300 && \
		apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 openssh-server >/dev/null; \
	fi
	@if ! command -v tmux >/dev/null; then \
		if [ "$$(id -u)" != 0 ]; then \
			echo "the tests need tmux: install it as root (Debian: apt-get install tmux)" >&2; \
			exit 1; \
		fi; \
		echo "installing tmux for the tests"; \
		export DEBIAN_FRONTEND=noninteractive && \
		apt-get update -qq -o DPkg::Lock::Timeout=300 && \
		apt-get install -y -qq --no-install-recommends -o DPkg::Lock::Timeout=300 tmux >/dev/null; \
	fi

## bench: measure latency, throughput and memory against a real daemon and PostgreSQL; writes docs/benchmarks.md
## (not part of `test`; `make bench BENCH_ARGS=--quick` is a short smoke run). It runs from a private copy of the
## build (bin/vmo, the jar, its libs, the test classes), so a rebuild during the run cannot pull classes from under it.
bench: build
	@stage=$$(mktemp -d "$${TMPDIR:-/tmp}/vmo-bench-build.XXXXXX") && trap 'rm -rf "$$stage"' EXIT && \
	mkdir -p "$$stage/bin" "$$stage/cli/target" && cp bin/vmo bin/find-jdk "$$stage/bin/" && \
	cp -r cli/target/vmo.jar cli/target/lib cli/target/classes cli/target/test-classes "$$stage/cli/target/" && \
	"$(JAVA_HOME)/bin/java" -Xmx2g \
		-cp "$$stage/cli/target/test-classes:$$stage/cli/target/classes:$$stage/cli/target/lib/*" \
		-Dvmo.launcher="$$stage/bin/vmo" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
		io.vmo.bench.Bench --out docs/benchmarks.md $(BENCH_ARGS)

clean:
	$(MVN) -q clean
