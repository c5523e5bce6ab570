# faxgate — plain GNU make. `make` builds boards/$(BOARD) into $(BUILD).
#   make deps        install missing Debian packages (apt-get); BOARD=... also its sysroot
#   make test        unit tests (cmocka), end-to-end calls, corpus checks
#   make demo        real gateway + IPP printer + concurrent fax calls, then a table
#   make check-asan  the tests under AddressSanitizer and UBSan
#   make fuzz        libFuzzer targets: seeds, FUZZ_SECONDS each, coverage
#   make test-board  BOARD=rpi-aarch64|mfp-armhf: cross-built unit tests and a call under qemu-user
#   make fuzz-long   each target for FUZZ_EXECS executions (FUZZ_MAX_SECONDS cap), one at a time
#   make bench       OCR, verdict latency and memory figures
#   make soak        SOAK_CALLS (10000) calls in a row: no growth of RSS, descriptors or threads
#   make impair      fax success rates over impaired lines (noise, level, echo, loss, jitter)
#   make eval        classifier figures on the corpus
#   make conformance ECMA TSB-85 receive tests (SpanDSP scripts) against faxgated
#   make install     PREFIX=/usr/local DESTDIR=  (PREFIX=/usr for a system service)
#   make uninstall   removes what install put there (not the configuration, store or spool)

BOARD   ?= host
include boards/$(BOARD)/board.mk

BUILD   ?= build/$(BOARD)
PREFIX  ?= /usr/local
DESTDIR ?=
# Where an installed faxgate keeps its configuration and data (FHS; not under PREFIX: a service
# installed in /usr/local still reads /etc/faxgate and keeps its store in /var/lib/faxgate).
SYSCONFDIR    ?= /etc
LOCALSTATEDIR ?= /var
MANDIR        ?= $(PREFIX)/share/man
# systemd's folders on Debian 12; with PREFIX=/usr/local the unit goes to /etc/systemd/system,
# where systemd looks for local units
ifeq ($(PREFIX),/usr)
UNITDIR       ?= /lib/systemd/system
SYSUSERSDIR   ?= /usr/lib/sysusers.d
TMPFILESDIR   ?= /usr/lib/tmpfiles.d
else
UNITDIR       ?= $(SYSCONFDIR)/systemd/system
SYSUSERSDIR   ?= $(SYSCONFDIR)/sysusers.d
TMPFILESDIR   ?= $(SYSCONFDIR)/tmpfiles.d
endif
MANPAGES := man/faxgated.8 man/faxgatectl.1 man/faxsim.1 man/faxgate.conf.5
CC      := $(BOARD_CC)
# A board with BOARD_TRIPLET is cross-built: Debian's cross gcc over a sysroot of Debian's packages
# for BOARD_ARCH (tools/sysroot.sh, made by `make deps BOARD=...`), and the generators that run at
# build time (tools/mkmodel, tools/mklr) are built for this machine, in build/host.
ifdef BOARD_TRIPLET
SYSROOT    ?= $(CURDIR)/build/sysroot/$(BOARD_ARCH)
CC         := $(BOARD_CC) --sysroot=$(SYSROOT)
PKG_CONFIG := PKG_CONFIG_SYSROOT_DIR=$(SYSROOT) PKG_CONFIG_LIBDIR=$(SYSROOT)/usr/lib/$(BOARD_TRIPLET)/pkgconfig:$(SYSROOT)/usr/share/pkgconfig pkg-config
GEN_TOOLS  := build/host/tools
else
PKG_CONFIG := pkg-config
GEN_TOOLS  := $(BUILD)/tools
endif

PKGS    := spandsp libtiff-4 tesseract lept sqlite3 inih cairo jansson nettle sndfile libpcap libre libarchive libmicrohttpd libsodium gnutls
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) $(shell cups-config --libs 2>/dev/null) -lgomp -lpthread -lm
# libxml2 only for the TSB-85 runner (host/tsb85), which reads SpanDSP's XML test scripts
XML_CFLAGS = $(shell $(PKG_CONFIG) --cflags libxml-2.0 2>/dev/null)
XML_LIBS   = $(shell $(PKG_CONFIG) --libs libxml-2.0 2>/dev/null)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-error=deprecated-declarations
CFLAGS   ?= $(BOARD_CFLAGS)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) $(SAN) $(BOARD_FEATURES) -DFG_BOARD='"$(BOARD)"' -DFG_CONFIG_FILE='"$(SYSCONFDIR)/faxgate/faxgate.conf"' -Iinclude -Ifirmware/core -Ihost/common $(PKG_CFLAGS) -MMD -MP
LDFLAGS  ?=
ALL_LDFLAGS = $(LDFLAGS) $(SAN)

# Debian packages: to build, to test, and at run time.
DEB_PKGS := gcc make pkg-config libspandsp-dev libtiff-dev libtesseract-dev libleptonica-dev \
	tesseract-ocr tesseract-ocr-eng tesseract-ocr-fra tesseract-ocr-deu libsqlite3-dev sqlite3 \
	libcups2-dev libcmocka-dev libinih-dev libcairo2-dev libjansson-dev nettle-dev libsndfile1-dev \
	libpcap-dev fonts-dejavu-core fonts-liberation cups-ipp-utils avahi-daemon dbus poppler-utils \
	bogofilter libre-dev libssl-dev libarchive-dev zlib1g-dev sip-tester baresip-core kamailio jq python3 systemd groff-base \
	libmicrohttpd-dev libsodium-dev libgnutls28-dev openssl curl file libxml2-dev

ifdef BOARD_TRIPLET
# the target's libraries and headers, its OCR languages and the fonts faxsim renders with, unpacked
# into the sysroot (debootstrap does not choose among alternatives: libtesseract-dev needs a
# libcurl4-*-dev named); on this machine, the cross compiler and qemu-user to run what it builds
TARGET_DEBS := $(filter lib%-dev nettle-dev zlib1g-dev,$(DEB_PKGS)) $(BOARD_LANG_DEBS) fonts-dejavu-core fonts-liberation \
	libcurl4-gnutls-dev
DEB_PKGS += debootstrap qemu-user gcc-$(BOARD_TRIPLET)
endif

CORE_SRC   := $(wildcard firmware/core/*.c)
CORE_OBJ   := $(patsubst %.c,$(BUILD)/obj/%.o,$(CORE_SRC)) $(BUILD)/obj/gen/defaults.o
BOARD_OBJ  := $(patsubst %.c,$(BUILD)/obj/%.o,$(BOARD_SRC))
HOST_OBJ   := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard host/common/*.c))
DAEMON_OBJ := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard firmware/daemon/*.c))
CTL_OBJ    := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard host/faxgatectl/*.c))
SIM_OBJ    := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard host/faxsim/*.c))
TSB_OBJ    := $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard host/tsb85/*.c))
UNIT_SRC   := $(wildcard tests/unit/test_*.c)
UNIT_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
FUZZ_SRC   := $(wildcard tests/fuzz/fuzz_*.c)
LIB        := $(BUILD)/libfaxgate.a
BOARDLIB   := $(BUILD)/libboard.a
HOSTLIB    := $(BUILD)/libfaxhost.a
# The board's HAL table names drivers in the core and the core calls the table: link as a group.
LINK_LIBS   = -Wl,--start-group $(HOSTLIB) $(LIB) $(BOARDLIB) -Wl,--end-group $(PKG_LIBS)
BINS       := $(BUILD)/faxgated $(BUILD)/faxgatectl $(BUILD)/faxsim $(BUILD)/tsb85
# The learning classifier's starter model: counted by tools/mkmodel (linked without a model: the
# core refers to it weakly) from the tune split of the labelled texts, linked into the programs.
STARTER_OBJ := $(BUILD)/obj/gen/starter_model.o
# The learned model (lr.h): trained by tools/mklr on the same texts, linked the same way.
LR_OBJ      := $(BUILD)/obj/gen/lr_model.o
MODEL_OBJ   := $(STARTER_OBJ) $(LR_OBJ)
TOOL_OBJ    := $(BUILD)/obj/tools/labels.o
LABEL_FILES  = tests/data/texts/LABELS.tsv $(wildcard tests/data/texts/labels-*.tsv)
TEXT_FILES   = $(wildcard tests/data/texts/*/*.txt)

.SECONDARY:
.PHONY: all deps test test-board demo check-asan bench soak impair eval conformance install uninstall clean fuzz fuzz-long fuzz-build tests-build
all: $(BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"; $(CC) $(ALL_CFLAGS) -c -o $@ $<

# The board's faxgate.conf becomes a C string: the embedded defaults.
$(BUILD)/gen/defaults.c: $(BOARD_CONF) tools/embed.sh
	@mkdir -p $(dir $@)
	sh tools/embed.sh fg_defaults_conf < $< > $@
$(BUILD)/obj/gen/defaults.o: $(BUILD)/gen/defaults.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"; $(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIB): $(CORE_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(BOARDLIB): $(BOARD_OBJ)
	@rm -f $@
	ar rcs $@ $^
$(HOSTLIB): $(HOST_OBJ)
	@rm -f $@
	ar rcs $@ $^
LIBS_DEP := $(LIB) $(BOARDLIB) $(HOSTLIB)

$(BUILD)/tools/%: $(BUILD)/obj/tools/%.o $(TOOL_OBJ) $(LIBS_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(TOOL_OBJ) $(filter $(MODEL_OBJ),$^) $(LINK_LIBS)
# lrcv prints its figures from a second file
$(BUILD)/tools/lrcv: $(BUILD)/obj/tools/lrcv.o $(BUILD)/obj/tools/lrcv_figures.o $(TOOL_OBJ) $(LIBS_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/obj/tools/lrcv_figures.o $(TOOL_OBJ) $(LINK_LIBS)
# learnbench measures the product as shipped, starter model included; mkmodel must not need one.
$(BUILD)/tools/learnbench: $(MODEL_OBJ)
$(BUILD)/gen/starter_model.c: $(GEN_TOOLS)/mkmodel $(LABEL_FILES) $(TEXT_FILES)
	@mkdir -p $(dir $@)
	$(GEN_TOOLS)/mkmodel tests/data/texts > $@.tmp && mv $@.tmp $@
$(STARTER_OBJ): $(BUILD)/gen/starter_model.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"; $(CC) $(ALL_CFLAGS) -c -o $@ $<
$(BUILD)/gen/lr_model.c: $(GEN_TOOLS)/mklr $(LABEL_FILES) $(TEXT_FILES)
	@mkdir -p $(dir $@)
	$(GEN_TOOLS)/mklr tests/data/texts > $@.tmp && mv $@.tmp $@
$(LR_OBJ): $(BUILD)/gen/lr_model.c
	@mkdir -p $(dir $@)
	@echo "  CC  $<"; $(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/faxgated: $(DAEMON_OBJ) $(MODEL_OBJ) $(LIBS_DEP)
	$(CC) $(ALL_LDFLAGS) -o $@ $(DAEMON_OBJ) $(MODEL_OBJ) $(LINK_LIBS)
$(BUILD)/faxgatectl: $(CTL_OBJ) $(MODEL_OBJ) $(LIBS_DEP)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CTL_OBJ) $(MODEL_OBJ) $(LINK_LIBS)
$(BUILD)/faxsim: $(SIM_OBJ) $(MODEL_OBJ) $(LIBS_DEP)
	$(CC) $(ALL_LDFLAGS) -o $@ $(SIM_OBJ) $(MODEL_OBJ) $(LINK_LIBS)
# the TSB-85 conformance runner (make conformance): a test terminal, not installed
$(TSB_OBJ) $(BUILD)/obj/tests/unit/test_tsb85.o: ALL_CFLAGS += $(XML_CFLAGS)
$(BUILD)/tsb85: $(TSB_OBJ) $(MODEL_OBJ) $(LIBS_DEP)
	$(CC) $(ALL_LDFLAGS) -o $@ $(TSB_OBJ) $(MODEL_OBJ) $(LINK_LIBS) $(XML_LIBS)

$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/obj/tests/unit/testutil.o $(MODEL_OBJ) $(LIBS_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/obj/tests/unit/testutil.o $(MODEL_OBJ) $(LINK_LIBS) -lcmocka

# the store's tests share a fixture (a real SQLite file in a fresh folder, a call as the pipeline leaves it)
STORE_TESTS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(wildcard tests/unit/test_store*.c))
$(STORE_TESTS): $(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(BUILD)/obj/tests/unit/store_fixture.o \
		$(BUILD)/obj/tests/unit/testutil.o $(MODEL_OBJ) $(LIBS_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/obj/tests/unit/store_fixture.o $(BUILD)/obj/tests/unit/testutil.o \
		$(MODEL_OBJ) $(LINK_LIBS) -lcmocka

# test_tsb85 plays the TSB-85 runner's transmitter into its receiver: it links those parts
TSB_UNIT_OBJ := $(addprefix $(BUILD)/obj/host/tsb85/,frames.o tx.o rx.o image.o fail.o)
$(BUILD)/tests/test_tsb85: $(BUILD)/obj/tests/unit/test_tsb85.o $(BUILD)/obj/tests/unit/testutil.o $(TSB_UNIT_OBJ) $(MODEL_OBJ) $(LIBS_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/obj/tests/unit/testutil.o $(TSB_UNIT_OBJ) $(MODEL_OBJ) $(LINK_LIBS) $(XML_LIBS) -lcmocka
# faxsim's impaired line is no library's: its test links the one file
$(BUILD)/tests/test_impair: $(BUILD)/obj/tests/unit/test_impair.o $(BUILD)/obj/host/faxsim/impair.o \
		$(BUILD)/obj/tests/unit/testutil.o $(MODEL_OBJ) $(LIBS_DEP)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_LDFLAGS) -o $@ $< $(BUILD)/obj/host/faxsim/impair.o $(BUILD)/obj/tests/unit/testutil.o $(MODEL_OBJ) \
		$(LINK_LIBS) -lcmocka

tests-build: $(BINS) $(UNIT_BIN)

# Installs what is missing; quick no-op when everything is there.
deps:
	@missing=$$(for p in $(DEB_PKGS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then sudo=; elif command -v sudo >/dev/null; then sudo=sudo; \
		else echo "make deps: these Debian packages are missing and I am not root:" $$missing >&2; exit 1; fi; \
		$$sudo apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $$missing; \
	fi
ifdef BOARD_TRIPLET
	@tools/sysroot.sh $(BOARD_ARCH) $(SYSROOT) $(TARGET_DEBS)

# the generators that run at build time, built for this machine
$(GEN_TOOLS)/mkmodel $(GEN_TOOLS)/mklr: host-tools ;
.PHONY: host-tools
host-tools:
	@$(MAKE) --no-print-directory BOARD=host $(GEN_TOOLS)/mkmodel $(GEN_TOOLS)/mklr
endif

# make test also runs each fuzz target over its seeds and a few seconds more (e2e/fuzz), and the
# browser tests in Debian's headless Chromium (e2e/browser).
test: DEB_PKGS += $(FUZZ_DEB) $(BROWSER_DEB)
test: deps
	$(MAKE) --no-print-directory tests-build fuzz-build
	tests/run.sh $(BUILD)

demo: deps
	$(MAKE) --no-print-directory all
	tests/demo.sh $(BUILD)

# as make test: the fuzz targets too (e2e/fuzz), and their seed maker in the ASan build
check-asan: DEB_PKGS += $(FUZZ_DEB) $(BROWSER_DEB)
check-asan: deps
	$(MAKE) --no-print-directory fuzz-build
	$(MAKE) --no-print-directory BUILD=build/asan SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" CFLAGS="-O1 -g" tests-build build/asan/tools/mkseeds
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp UBSAN_OPTIONS=print_stacktrace=1 \
		tests/run.sh build/asan

# A cross-built board's unit tests and one real call to its faxgated, under qemu-user; its
# binary sizes, start-up time and memory (tests/board.sh).
test-board: deps
ifndef BOARD_TRIPLET
	@echo "make test-board: give a cross-built board, e.g. make test-board BOARD=rpi-aarch64 (boards/: $(notdir $(wildcard boards/*)))" >&2; exit 2
endif
	$(MAKE) --no-print-directory tests-build $(BUILD)/tools/spandsp_b2b
	$(MAKE) --no-print-directory BOARD=host all
	tests/board.sh $(BUILD) $(BOARD_QEMU) $(SYSROOT) $(BOARD_CONF)

bench: deps
	$(MAKE) --no-print-directory tests-build
	tests/bench.sh $(BUILD)

# SOAK_CALLS calls in a row, unpaced, into one faxgated (#14 item 8): RSS, descriptors and
# threads after the warm-up vs the end, every call in the store once and judged (tests/soak.sh)
SOAK_CALLS ?= 10000
soak: deps
	$(MAKE) --no-print-directory all
	tests/soak.sh $(BUILD) $(SOAK_CALLS)
# about 10 minutes; IMPAIR_CALLS=N calls per level (10), sections as arguments: see the script
impair: deps
	$(MAKE) --no-print-directory all
	tests/bench_impair.sh $(BUILD)

eval: deps
	$(MAKE) --no-print-directory all
	tests/eval.sh $(BUILD)

# ECMA TSB-85 receive tests (Annex A of ../shared/corpus/spandsp/tsb85.xml) played against faxgated
conformance: deps
	$(MAKE) --no-print-directory all
	tests/conformance.sh $(BUILD)

# libFuzzer needs clang and its runtime. `make fuzz` builds the targets (ASan + UBSan), makes their
# seeds from a real fax call and the project's own files, runs each over its seeds and then
# FUZZ_SECONDS more, and prints the coverage each reaches (tests/fuzz/run.sh).
FUZZ_SECONDS ?= 60
FUZZ_DEB := clang libclang-rt-14-dev
# the web admin's browser tests: Debian's Chromium, driven over the DevTools protocol by Node.js
BROWSER_DEB := chromium
fuzz: DEB_PKGS += $(FUZZ_DEB)
fuzz: deps
	$(MAKE) --no-print-directory fuzz-build
	tests/fuzz/run.sh build/fuzz $(BUILD) $(FUZZ_SECONDS)

# make fuzz-long: each target in turn (one process: one core) for FUZZ_EXECS executions on its seeds
# and the corpus earlier runs kept, stopped after FUZZ_MAX_SECONDS if that comes first (0: never);
# FUZZ_TARGETS chooses and orders them (fast ones first by default). Prints executions, seconds,
# exec/s, crashes and new coverage per target (tests/fuzz/long.sh; also build/fuzz/long.tsv).
FUZZ_EXECS ?= 10000000
FUZZ_MAX_SECONDS ?= 0
FUZZ_TARGETS ?=
# FUZZ_MAX_LEN: inputs no longer than this (libFuzzer -max_len; 0: libFuzzer's own choice). For
# pcap and wav, whose full-length inputs are whole fax calls to demodulate (tens a second), a short
# run fuzzes the container and packet parsing at thousands a second
FUZZ_MAX_LEN ?= 0
fuzz-long: DEB_PKGS += $(FUZZ_DEB)
fuzz-long: deps
	$(MAKE) --no-print-directory fuzz-build
	FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) tests/fuzz/long.sh build/fuzz $(BUILD) $(FUZZ_EXECS) $(FUZZ_MAX_SECONDS) $(FUZZ_TARGETS)

fuzz-build: all $(BUILD)/tools/mkseeds
	$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang SAN="-fsanitize=fuzzer-no-link,address,undefined" CFLAGS="-O1 -g" build/fuzz/libfaxgate.a build/fuzz/libboard.a build/fuzz/libfaxhost.a
	@mkdir -p build/fuzz/bin
	@for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
		if [ ! build/fuzz/bin/$$n -nt $$f ] || [ ! build/fuzz/bin/$$n -nt build/fuzz/libfaxgate.a ] || \
		   [ ! build/fuzz/bin/$$n -nt build/fuzz/libfaxhost.a ]; then \
		echo "  FUZZ $$n"; \
		clang -std=c11 -D_GNU_SOURCE -Wall -Werror -g -O1 -fsanitize=fuzzer,address,undefined $(BOARD_FEATURES) -Iinclude -Ifirmware/core -Ihost/common $(PKG_CFLAGS) \
		-o build/fuzz/bin/$$n $$f -Wl,--start-group build/fuzz/libfaxhost.a build/fuzz/libfaxgate.a build/fuzz/libboard.a -Wl,--end-group $(PKG_LIBS) || exit 1; fi; done

# The service layout: programs, the configuration (never overwritten: a changed one is kept and
# the new defaults put beside it as faxgate.conf.dist), state folders, the systemd unit with its
# user and folders, man pages. Installed for real (no DESTDIR) as root, the user and spool are
# created at once; with DESTDIR (a package) that is left to systemd-sysusers/-tmpfiles at boot.
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/share/doc/faxgate \
		$(DESTDIR)$(SYSCONFDIR)/faxgate $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(TMPFILESDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -d -m 0750 $(DESTDIR)$(LOCALSTATEDIR)/lib/faxgate $(DESTDIR)$(LOCALSTATEDIR)/spool/faxgate
	install -m 0755 $(BUILD)/faxgated $(DESTDIR)$(PREFIX)/sbin/faxgated
	install -m 0755 $(BUILD)/faxgatectl $(BUILD)/faxsim $(DESTDIR)$(PREFIX)/bin/
	@mkdir -p $(BUILD)/dist
	sed 's|^socket =$$|socket = /run/faxgate/control|' $(BOARD_CONF) > $(BUILD)/dist/faxgate.conf
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/faxgate/faxgate.conf ]; then \
		echo "  keeping $(DESTDIR)$(SYSCONFDIR)/faxgate/faxgate.conf; the new defaults are in faxgate.conf.dist"; \
		install -m 0644 $(BUILD)/dist/faxgate.conf $(DESTDIR)$(SYSCONFDIR)/faxgate/faxgate.conf.dist; \
	else install -m 0644 $(BUILD)/dist/faxgate.conf $(DESTDIR)$(SYSCONFDIR)/faxgate/faxgate.conf; fi
	sed -e 's|@SBINDIR@|$(PREFIX)/sbin|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' dist/systemd/faxgated.service.in \
		> $(BUILD)/dist/faxgated.service
	install -m 0644 $(BUILD)/dist/faxgated.service $(DESTDIR)$(UNITDIR)/faxgated.service
	install -m 0644 dist/systemd/faxgate.sysusers $(DESTDIR)$(SYSUSERSDIR)/faxgate.conf
	install -m 0644 dist/systemd/faxgate.tmpfiles $(DESTDIR)$(TMPFILESDIR)/faxgate.conf
	install -m 0644 man/faxgatectl.1 man/faxsim.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 man/faxgate.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 man/faxgated.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 README.md $(DESTDIR)$(PREFIX)/share/doc/faxgate/
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && command -v systemd-sysusers >/dev/null; then \
		systemd-sysusers $(SYSUSERSDIR)/faxgate.conf && systemd-tmpfiles --create $(TMPFILESDIR)/faxgate.conf && \
		chown faxgate:faxgate $(LOCALSTATEDIR)/lib/faxgate $(LOCALSTATEDIR)/spool/faxgate && \
		{ systemctl daemon-reload 2>/dev/null || true; } && \
		echo "  installed; start it with: systemctl enable --now faxgated"; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/sbin/faxgated $(DESTDIR)$(PREFIX)/bin/faxgatectl $(DESTDIR)$(PREFIX)/bin/faxsim \
		$(DESTDIR)$(UNITDIR)/faxgated.service $(DESTDIR)$(SYSUSERSDIR)/faxgate.conf $(DESTDIR)$(TMPFILESDIR)/faxgate.conf \
		$(DESTDIR)$(SYSCONFDIR)/faxgate/faxgate.conf.dist $(addprefix $(DESTDIR)$(MANDIR)/man,$(join $(subst .,,$(suffix $(MANPAGES))),$(addprefix /,$(notdir $(MANPAGES)))))
	rm -rf $(DESTDIR)$(PREFIX)/share/doc/faxgate
	@echo "  kept: $(SYSCONFDIR)/faxgate, $(LOCALSTATEDIR)/lib/faxgate (the store), $(LOCALSTATEDIR)/spool/faxgate (faxes)"

clean:
	rm -rf build

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
