# cxlfab - top-level build. Outputs go under build/ (git-ignored):
#   build/obj, build/bin          optimised build (tools, benchmarks)
#   build/san/obj, build/san/test  ASan+UBSan build used by `make check`
#
# Layers are compiled from their folders; dependencies point one way:
#   sim <- cxl-dev <- fabric <- node <- migrate <- ctl <- tools

CC      ?= cc
BUILD   := build
SAN     := $(BUILD)/san

# pkg-config is evaluated lazily (recursive variables), after `deps` ran.
PKGS     = json-c cmocka numa
PKG_CFLAGS = $(shell pkg-config --cflags json-c 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs json-c 2>/dev/null || echo -ljson-c) -lnuma -lm -ldl
TEST_LIBS  = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

WARN    := -Wall -Wextra -Werror -Wvla -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -I. $(WARN) -g -MMD -MP $(PKG_CFLAGS)
OPT_CFLAGS  = $(BASE_CFLAGS) -O2
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_CFLAGS  = $(BASE_CFLAGS) -O1 $(SAN_FLAGS)

LAYERS  := sim cxl-dev fabric node migrate ctl
LIB_SRC := $(foreach d,$(LAYERS),$(wildcard $(d)/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
SAN_OBJ := $(LIB_SRC:%.c=$(SAN)/obj/%.o)
LIB     := $(BUILD)/libcxfab.a
SAN_LIB := $(SAN)/libcxfab.a

# Tools: every tools/<name>/main.c (plus its sibling .c files) is one binary.
TOOL_DIRS := $(filter-out tools/bench tools/scenarios,$(patsubst %/main.c,%,$(wildcard tools/*/main.c)))
TOOLS     := $(TOOL_DIRS:tools/%=$(BUILD)/bin/%)
# tools/common is an archive so each tool links only the pieces it uses.
TOOL_SHARED_SRC := $(wildcard tools/common/*.c)
TOOL_SHARED_OBJ := $(BUILD)/libcxtools.a
SAN_TOOL_SHARED_OBJ := $(SAN)/libcxtools.a

BENCH_SRC := $(wildcard tools/bench/bench_*.c)
BENCHES   := $(BENCH_SRC:tools/bench/%.c=$(BUILD)/bin/%)

# Workload plugins (docs/workloads.md): every tools/plugins/<name>.c becomes
# build/lib/<name>.so, compiled as a plugin author would (the one header, no
# emulator symbols; hidden visibility proves the entry point still exports).
# tools/plugins/test/broken.c gives the unit tests' broken fixtures, one
# shared object per variant.
PLUGIN_SRC    := $(wildcard tools/plugins/*.c)
PLUGINS       := $(PLUGIN_SRC:tools/plugins/%.c=$(BUILD)/lib/%.so)
TEST_PLUGINS  := $(foreach v,noentry null abi99 nostep noconf misuse,$(BUILD)/lib/test-$(v).so)
PLUGIN_CFLAGS := -std=c11 -I. $(WARN) -g -O2 -MMD -MP -fPIC -shared -fvisibility=hidden

TEST_SRC  := $(wildcard tests/unit/test_*.c)
TESTS     := $(TEST_SRC:tests/unit/%.c=$(SAN)/test/%)

.PHONY: all deps check bench clean demo fuzz
.SECONDARY:
all: $(LIB) $(TOOLS) $(BENCHES) $(PLUGINS)

deps:
	@scripts/deps.sh

# `make V=1` shows full command lines.
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(OPT_CFLAGS) -c $< -o $@

$(SAN)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC san  $<")
	$(Q)$(CC) $(SAN_CFLAGS) -c $< -o $@

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(SAN_LIB): $(SAN_OBJ)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(TOOL_SHARED_OBJ): $(TOOL_SHARED_SRC:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(SAN_TOOL_SHARED_OBJ): $(TOOL_SHARED_SRC:%.c=$(SAN)/obj/%.o)
	@mkdir -p $(dir $@)
	$(Q)rm -f $@ && ar rcs $@ $^

# A tool links its own folder's objects, the shared tool code and the library.
# (a function, so that `%` is not taken for the pattern rule's stem)
tool_objs = $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard tools/$(1)/*.c))
.SECONDEXPANSION:
$(TOOLS): $(BUILD)/bin/%: $$(call tool_objs,$$*) $(TOOL_SHARED_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(OPT_CFLAGS) -o $@ $(filter %.o,$^) $(TOOL_SHARED_OBJ) $(LIB) $(PKG_LIBS)

# The same tools built with the sanitizers, for the command-line tests.
SAN_TOOLS := $(TOOL_DIRS:tools/%=$(SAN)/bin/%)
san_tool_objs = $(patsubst %.c,$(SAN)/obj/%.o,$(wildcard tools/$(1)/*.c))
$(SAN_TOOLS): $(SAN)/bin/%: $$(call san_tool_objs,$$*) $(SAN_TOOL_SHARED_OBJ) $(SAN_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD san  $@")
	$(Q)$(CC) $(SAN_CFLAGS) -o $@ $(filter %.o,$^) $(SAN_TOOL_SHARED_OBJ) $(SAN_LIB) $(PKG_LIBS)

$(BENCHES): $(BUILD)/bin/bench_%: $(BUILD)/obj/tools/bench/bench_%.o $(TOOL_SHARED_OBJ) $(LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(OPT_CFLAGS) -o $@ $(filter %.o,$^) $(TOOL_SHARED_OBJ) $(LIB) $(PKG_LIBS)

$(BUILD)/lib/%.so: tools/plugins/%.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  SO      $@")
	$(Q)$(CC) $(PLUGIN_CFLAGS) -o $@ $<

$(BUILD)/lib/test-%.so: tools/plugins/test/broken.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  SO      $@")
	$(Q)$(CC) $(PLUGIN_CFLAGS) -DBROKEN_$* -o $@ $<

$(SAN)/test/%: $(SAN)/obj/tests/unit/%.o $(SAN_TOOL_SHARED_OBJ) $(SAN_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD san  $@")
	$(Q)$(CC) $(SAN_CFLAGS) -o $@ $(filter %.o,$^) $(SAN_TOOL_SHARED_OBJ) $(SAN_LIB) $(PKG_LIBS) $(TEST_LIBS)

CLI_TESTS := $(wildcard tests/cli/test_*.sh)

# Fuzz targets (tests/fuzz/fuzz_<name>.c). `make check` replays their seed
# corpus and every past crash through driver.c (gcc, sanitizers); `make
# fuzz` builds them with clang's libFuzzer and fuzzes each for FUZZ_SECONDS.
FUZZ_SRC     := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_NAMES   := $(FUZZ_SRC:tests/fuzz/fuzz_%.c=%)
FUZZ_REPLAY  := $(FUZZ_NAMES:%=$(SAN)/fuzz/fuzz_%)
FUZZ_DIR     := $(BUILD)/fuzz
FUZZ_BINS    := $(FUZZ_NAMES:%=$(FUZZ_DIR)/fuzz_%)
FUZZ_LIB_OBJ := $(LIB_SRC:%.c=$(FUZZ_DIR)/obj/%.o)
FUZZ_SECONDS ?= 60
# Seed inputs of a target: its corpus, its past crashes, and for the
# scenario parser every shipped and every bad test scenario.
FUZZ_SEEDS_scenario := tools/scenarios tests/data/scenarios
fuzz_seeds = tests/fuzz/corpus/$(1) tests/fuzz/regress/$(1) $(FUZZ_SEEDS_$(1))
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS   = $(BASE_CFLAGS) -O1 -fsanitize=fuzzer-no-link $(FUZZ_SAN)

$(FUZZ_REPLAY): $(SAN)/fuzz/fuzz_%: $(SAN)/obj/tests/fuzz/fuzz_%.o $(SAN)/obj/tests/fuzz/driver.o $(SAN_LIB)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  LD san  $@")
	$(Q)$(CC) $(SAN_CFLAGS) -o $@ $(filter %.o,$^) $(SAN_LIB) $(PKG_LIBS)

$(FUZZ_DIR)/obj/%.o: %.c | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC fuzz $<")
	$(Q)clang $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_BINS): $(FUZZ_DIR)/fuzz_%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	@$(if $(Q),echo "  LD fuzz $@")
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ $(PKG_LIBS)

# The CLI tests read JSON results with python3 (a test-only dependency).
check: $(TESTS) $(SAN_TOOLS) $(TEST_PLUGINS) $(FUZZ_REPLAY) all
	@scripts/deps.sh python3
	@scripts/check-layers.sh
	@tests/run-unit.sh $(TESTS)
	@$(foreach f,$(FUZZ_NAMES),$(SAN)/fuzz/fuzz_$f $(call fuzz_seeds,$f) &&) true
	@for t in $(CLI_TESTS); do BIN=$(SAN)/bin $$t || exit 1; done

demo: all
	@scripts/demo.sh

fuzz:
	@scripts/deps.sh clang
	@$(MAKE) --no-print-directory $(FUZZ_BINS)
	@status=0; $(foreach f,$(FUZZ_NAMES),scripts/fuzz.sh $(FUZZ_SECONDS) $f $(call fuzz_seeds,$f) || status=1;) exit $$status

bench: $(BENCHES)
	@for b in $(BENCHES); do $$b || exit 1; done

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
