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
test:
	$(MVN) verify

## bench: measure latency, throughput and memory; writes docs/benchmarks.md
bench: build
	$(MVN) -q -DskipTests -Pbench verify

clean:
	$(MVN) -q clean
