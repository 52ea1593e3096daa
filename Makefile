# touchmine — plain Makefile: the library first, then the CLI, tests and bench link to it.
#   make            build build/touchmine
#   make check      install deps, build, run every test; ends with "N passed, N failed"
#   make check SAN=1  the same under AddressSanitizer + UndefinedBehaviorSanitizer
#   make demo       install deps, build, synth -> ingest -> summary on sample data
#   make bench      benchmarks against peers (docs/benchmarks.md)

CC      ?= cc
PKGS    := sqlite3 zlib libzstd inih jansson libsodium libxxhash libmicrohttpd xgboost liblbfgs
# Libraries Debian ships without a pkg-config file.
LIBS_PLAIN := -llinear -lstemmer -lroaring
CFLAGS_PKG := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LIBS_PKG   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

ifeq ($(SAN),1)
BUILD   := build-san
OPT     := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDSAN   := -fsanitize=address,undefined
else
BUILD   := build
OPT     := -O2 -g
LDSAN   :=
endif

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
PREFIX  ?= /usr/local
CFLAGS  += -std=c11 -D_GNU_SOURCE -DTM_DATADIR='"$(PREFIX)/share/touchmine"' $(OPT) $(WARN) -fopenmp -Iinclude -Isrc $(CFLAGS_PKG)
LDLIBS  += $(LIBS_PKG) $(LIBS_PLAIN) -fopenmp -lm -lpthread
LDFLAGS += $(LDSAN)

LIB_SRC := $(sort $(wildcard src/*/*.c))
CLI_SRC := $(sort $(wildcard cli/*.c))
TEST_SRC:= $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/assets.o
# The dashboard's CSS and JS, compiled in (scripts/embed-assets.sh); generated into $(BUILD), not kept in git.
ASSETS  := $(sort $(wildcard assets/*.css assets/*.js))
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
TESTS   := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIB     := $(BUILD)/libtouchmine.a
BIN     := $(BUILD)/touchmine

.PHONY: all deps check demo bench clean fuzz install
all: $(BIN)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/gen/assets.c: $(ASSETS) scripts/embed-assets.sh
	@mkdir -p $(dir $@)
	scripts/embed-assets.sh $@ $(ASSETS)

$(BUILD)/obj/gen/assets.o: $(BUILD)/gen/assets.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) $(CLI_OBJ) $(LIB) $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) $< $(LIB) $(LDLIBS) -lcmocka -o $@

# The public header must compile alone, strictly, as C and as C++.
$(BUILD)/header.ok: include/touchmine.h
	@mkdir -p $(BUILD)
	echo '#include "touchmine.h"' | $(CC) -std=c11 -Wall -Wextra -Werror -pedantic -Iinclude -x c -fsyntax-only -
	echo '#include "touchmine.h"' | c++ -std=c++11 -Wall -Wextra -Werror -pedantic -Iinclude -x c++ -fsyntax-only -
	@touch $@

# The binary and its data (the sentiment lexicons, with their licence).
install: $(BIN)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/touchmine
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/touchmine
	cp -R data/. $(DESTDIR)$(PREFIX)/share/touchmine/

deps:
	@scripts/install-deps.sh

check: deps
	@$(MAKE) --no-print-directory $(BIN) $(TESTS) $(BUILD)/header.ok
	@BUILD=$(BUILD) SAN=$(SAN) tests/run.sh

demo: deps
	@$(MAKE) --no-print-directory $(BIN)
	@BIN=$(BIN) scripts/demo.sh

bench: deps
	@$(MAKE) --no-print-directory $(BIN)
	@BIN=$(BIN) bench/run.sh

# libFuzzer targets for the parsers (clang); see tests/fuzz/README.md
fuzz:
	@tests/fuzz/build.sh

clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
