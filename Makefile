# Schwann: one GNU Makefile. `make` builds ./schwann; `make check` installs what is missing,
# builds with warnings as errors and again with ASan+UBSan, and runs every test; `make demo`
# installs, builds, loads a synthetic clinic and serves it.

CC      ?= cc
PKGS    := jansson libsodium sqlite3 gsl
CFLAGS_BASE := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wno-missing-field-initializers -I. -Ibuild/gen $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS    := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcivetweb -lh2o-evloop -lhpdf -lpthread -lm
RELEASE_FLAGS := -O2 -g
ASAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

LIB_SRC := $(sort $(wildcard util/*.c core/*.c stats/*.c store/*.c http/*.c api/*.c)) \
	$(filter-out cli/main.c,$(sort $(wildcard cli/*.c)))
GEN_SRC := build/gen/web_assets.c build/gen/migrations.c build/gen/instruments.c \
	build/gen/treatment.c
WEB     := $(sort $(wildcard web/*.html web/*.js web/*.css web/*.svg))
MIGRATIONS := $(sort $(wildcard store/migrations/*.sql))
INSTRUMENTS := $(sort $(wildcard data/instruments/*.json))
TREATMENT := data/biologics.json $(sort $(wildcard data/protocols/*.json)) \
	$(sort $(wildcard data/consent/*.json)) data/candidacy/rules.json \
	data/appointment-types.json
UNIT_SRC := $(sort $(wildcard tests/unit/test_*.c))
HEADERS := $(wildcard */*.h tests/unit/*.h)

REL_OBJ  := $(patsubst %.c,build/release/%.o,$(LIB_SRC) $(GEN_SRC))
ASAN_OBJ := $(patsubst %.c,build/asan/%.o,$(LIB_SRC) $(GEN_SRC))
UNIT_BIN := $(patsubst tests/unit/%.c,build/asan/tests/%,$(UNIT_SRC))

.PHONY: all check deps demo unit api browser format format-check clean bench bench-slots asan fuzz
all: schwann

build/embed: scripts/embed.c
	@mkdir -p $(@D)
	$(CC) -O1 -Wall -Wextra -Werror -o $@ $<

build/gen/web_assets.c: build/embed $(WEB)
	@mkdir -p $(@D)
	build/embed web_files web/ $(WEB) > $@.tmp && mv $@.tmp $@

build/gen/migrations.c: build/embed $(MIGRATIONS)
	@mkdir -p $(@D)
	build/embed migration_files store/migrations/ $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

build/gen/instruments.c: build/embed $(INSTRUMENTS)
	@mkdir -p $(@D)
	build/embed instrument_files data/instruments/ $(INSTRUMENTS) > $@.tmp && mv $@.tmp $@

build/gen/treatment.c: build/embed $(TREATMENT)
	@mkdir -p $(@D)
	build/embed treatment_files data/ $(TREATMENT) > $@.tmp && mv $@.tmp $@

build/release/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(RELEASE_FLAGS) -c -o $@ $<

build/asan/%.o: %.c $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(ASAN_FLAGS) -c -o $@ $<

schwann: $(REL_OBJ) build/release/cli/main.o
	$(CC) $(RELEASE_FLAGS) -o $@ $^ $(LIBS)

build/asan/schwann: $(ASAN_OBJ) build/asan/cli/main.o
	$(CC) $(ASAN_FLAGS) -o $@ $^ $(LIBS)

build/asan/tests/%: tests/unit/%.c $(ASAN_OBJ) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(ASAN_FLAGS) -o $@ $< $(ASAN_OBJ) $(LIBS) -lcmocka

asan: build/asan/schwann $(UNIT_BIN)

deps:
	@scripts/install-deps

check: deps format-check
	@$(MAKE) --no-print-directory schwann
	@$(MAKE) --no-print-directory asan
	@scripts/run-tests

unit: asan
	@scripts/run-tests unit

api: asan
	@scripts/run-tests api

browser: asan
	@scripts/run-tests browser

demo: deps
	@$(MAKE) --no-print-directory schwann
	@mkdir -p var
	@rm -f var/demo.db var/demo.db-wal var/demo.db-shm
	@./schwann demo --db var/demo.db
	@echo
	@echo "Serving http://127.0.0.1:8080 (Ctrl-C stops it)"
	@./schwann serve --db var/demo.db --listen 127.0.0.1:8080 --clinic-name "Riverside Neuropathy Clinic (demo)" --quiet

# libFuzzer over every request-body parser (not part of check: it runs for FUZZ_SECONDS).
FUZZ_SECONDS ?= 60
FUZZ_SRC := $(sort $(wildcard core/*.c util/*.c)) build/gen/instruments.c
build/fuzz/fuzz_records: tests/fuzz/fuzz_records.c $(FUZZ_SRC) $(HEADERS)
	@mkdir -p $(@D)
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -I. -Ibuild/gen -o $@ $< $(FUZZ_SRC) $(LIBS)

fuzz: build/fuzz/fuzz_records
	@mkdir -p build/fuzz/corpus
	build/fuzz/fuzz_records -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/corpus tests/fuzz/corpus

bench: deps schwann
	@bench/run

# The slot search alone (core/slots.c with synthetic bookings; not part of check).
build/bench/slots: bench/slots.c $(REL_OBJ) $(HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(RELEASE_FLAGS) -o $@ $< $(REL_OBJ) $(LIBS)

bench-slots: build/bench/slots
	@build/bench/slots

C_FILES = $(wildcard */*.c */*.h tests/unit/*.c tests/unit/*.h tests/fuzz/*.c)

format:
	clang-format -i $(C_FILES)

format-check:
	@clang-format --dry-run -Werror $(C_FILES) || { echo "run 'make format'"; exit 1; }

clean:
	rm -rf build schwann
