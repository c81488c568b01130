# Almanac - plain make, pkg-config for every library.
#
#   make            build ./almanac
#   make run        install what is missing, build, ingest (live, or the snapshot offline), show events
#   make test       build and run every test, normal and sanitized, on SQLite; the CLI tests
#                   again on PostgreSQL (a throwaway cluster); ends "N passed, M failed"
#   make asan       the same tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      the benchmarks in bench/
#   make bench-web  almanac serve against nginx, its memory, a load test (bench/web)
#   make clean

CC      ?= cc
BUILD   ?= build
PKGS    := libcurl libxml-2.0 sqlite3 libpq libcjson inih libutf8proc libmicrohttpd zlib libcmark gumbo libcrypto
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT     ?= -O2 -g
SAN     ?=
# Recursive (=) so pkg-config runs at recipe time, after the deps stamp.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lstemmer -lm
ALL_CFLAGS  = -std=c11 -D_DEFAULT_SOURCE -D_POSIX_C_SOURCE=200809L $(WARN) $(OPT) $(SAN) \
              -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(SAN) $(LDFLAGS)

LIB_SRC  := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
CLI_SRC  := src/cli/main.c
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
GEN      := $(BUILD)/gen/html_entities.inc
TEST_SRC := $(wildcard tests/unit/*.c)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
DEPS     := .deps-installed

ifeq ($(BUILD),build)
BIN := almanac
else
BIN := $(BUILD)/almanac
endif

.PHONY: FORCE install all run test asan check-tests bench bench-web clean deps fuzz fuzz-build security
all: $(BIN)

# Installs missing Debian packages once; re-run when the installer changes.
$(DEPS): scripts/install-deps
	scripts/install-deps build test
	@touch $@
deps: $(DEPS)

$(GEN): scripts/gen-html-entities | $(DEPS)
	@mkdir -p $(dir $@)
	python3 scripts/gen-html-entities > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/%.o: src/%.c $(GEN) | $(DEPS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

# The version (VERSION) and the git commit, for `almanac --version`: the
# header is rewritten only when they change (a new commit rebuilds main.o).
$(BUILD)/gen/version.h: FORCE
	@mkdir -p $(dir $@)
	@scripts/gen-version $@
$(BUILD)/obj/cli/main.o: $(BUILD)/gen/version.h
FORCE:

# The OpenAPI document (docs/openapi.json, written by hand) served by api.c.
$(BUILD)/gen/openapi.inc: docs/openapi.json scripts/gen-openapi | $(DEPS)
	@mkdir -p $(dir $@)
	python3 scripts/gen-openapi docs/openapi.json > $@.tmp && mv $@.tmp $@
$(BUILD)/obj/web/api.o: $(BUILD)/gen/openapi.inc

$(BUILD)/libalmanac.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(BUILD)/obj/cli/main.o $(BUILD)/libalmanac.a
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libalmanac.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) -o $@ $< \
		$(BUILD)/libalmanac.a $(PKG_LIBS) $(shell pkg-config --libs cmocka) $(ALL_LDFLAGS)

check-tests: $(BIN) $(TESTS)

# The demo: the live sources (or the bundled snapshot offline: it says which,
# scripts/demo-ingest) into ./almanac.db, the top events in the
# terminal, then the site on http://127.0.0.1:8080/ (Ctrl-C stops it).
run: $(BIN)
	@scripts/demo-ingest ./almanac
	./almanac events --top --limit 5
	./almanac serve --listen $${LISTEN:-127.0.0.1:8080}

# The full suite: the normal build, then the sanitized one, then the CLI tests
# with the normal build on PostgreSQL (tests/run-all), one summary line.
test: $(DEPS)
	@$(MAKE) --no-print-directory check-tests
	@$(MAKE) --no-print-directory check-tests BUILD=build-asan OPT="-O1 -g" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
	@tests/run-all build build-asan

asan: $(DEPS)
	@$(MAKE) --no-print-directory check-tests BUILD=build-asan OPT="-O1 -g" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
	@tests/run-all build-asan

bench: $(BIN)
	scripts/install-deps bench
	bench/parse
	bench/ingest
	bench/stories
	bench/related
	bench/judgment
	bench/extract/run

# About 8 minutes: builds 20,000- and 100,000-event databases.
bench-web: $(BIN)
	scripts/install-deps bench
	bench/web

# The long forms of the attack tests: 50 kills mid-ingest and every fuzzer
# for FUZZ_SECONDS (600 for a release).
security: $(BIN)
	CRASH_KILLS=50 bash tests/cli/crash.sh
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)

# libFuzzer targets (clang): make fuzz FUZZ_SECONDS=600 runs each for that long.
FUZZ_SECONDS ?= 60
FUZZERS := feed date url html opml config http extract robots llm
fuzz: $(DEPS)
	@$(MAKE) --no-print-directory fuzz-build BUILD=build-fuzz CC=clang OPT="-O1 -g" \
		SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
	tests/fuzz/run $(FUZZ_SECONDS) $(FUZZERS)

fuzz-build: $(FUZZERS:%=$(BUILD)/fuzz/fuzz_%)

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libalmanac.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libalmanac.a $(PKG_LIBS) \
		-fsanitize=fuzzer,address,undefined

# make install [PREFIX=/usr/local] [DESTDIR=...]: the binary, the man page,
# the analysis data (entities, model, guides), an example configuration and
# the systemd units (with this PREFIX's paths in them).
PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
DATADIR := $(PREFIX)/share/almanac
MANDIR  := $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
UNITS   := almanac.service almanac-ingest.service almanac-ingest.timer \
           almanac-worker.service almanac-worker.timer
install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(DATADIR)/data \
		$(DESTDIR)$(DATADIR)/guides $(DESTDIR)$(UNITDIR)
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/almanac
	install -m 0644 docs/almanac.1 $(DESTDIR)$(MANDIR)/man1/almanac.1
	install -m 0644 docs/almanac.conf.5 $(DESTDIR)$(MANDIR)/man5/almanac.conf.5
	install -m 0644 etc/almanac.conf $(DESTDIR)$(DATADIR)/almanac.conf.example
	install -m 0644 data/entities.tsv $(DESTDIR)$(DATADIR)/data/entities.tsv
	cp -R data/model $(DESTDIR)$(DATADIR)/data/
	install -m 0644 guides/*.md $(DESTDIR)$(DATADIR)/guides/
	for u in $(UNITS); do \
		sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' etc/$$u \
			>$(DESTDIR)$(UNITDIR)/$$u && chmod 0644 $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done

clean:
	rm -rf build build-asan build-fuzz almanac

-include $(LIB_OBJ:.o=.d) $(BUILD)/obj/cli/main.d
