# Service-hall kiosk — build, run, test, bench.
#
#   make run     install missing Debian packages, build, start the kiosk (windowed when a
#                display is present, with the demo content in var/demo)
#   make test    install missing packages, build the sanitizer variant, run every test
#   make bench   build the release variant and print performance figures
#   make soak    the long run, not in make test: 20,000 scripted interactions (SOAK_N)
#                through the sanitizer kiosk; memory must not grow, nothing may leak
#   make fuzz    build the libFuzzer harnesses (tests/fuzz/, clang) and run each for FUZZ_S
#                seconds (default 60); `make test` replays their corpora and fuzzes briefly
#   make         build build/kiosk and build/kioskctl (release flags)
#   make install install the release build (PREFIX, DESTDIR, SYSCONFDIR, LOCALSTATEDIR)
#
# Objects live under build/<variant>/; build/kiosk and build/kioskctl are the release
# binaries.  Header dependencies come from -MMD -MP.  Flags come from pkg-config.

# The one version of the programs and the package; --version adds the commit when built
# from a git checkout.
VERSION   := 0.3.0

# Install directories (GNU conventions).  The installed binaries are linked with these
# compiled in (src/core/paths.c); the source tree's build/kiosk keeps its relative paths.
PREFIX        ?= /usr/local
BINDIR        ?= $(PREFIX)/bin
DATADIR       ?= $(PREFIX)/share
SYSCONFDIR    ?= /etc
LOCALSTATEDIR ?= /var
UNITDIR       ?= $(PREFIX)/lib/systemd/system
DOCDIR        ?= $(DATADIR)/doc/kiosk
MANDIR        ?= $(DATADIR)/man
# The compositor kiosk.service starts (Debian's cage).
CAGE          ?= /usr/bin/cage
# The system user an installed kiosk runs as (kioskctl run as root acts as it).
KIOSK_USER    ?= kiosk
DESTDIR       ?=

PKGS      := sdl2 SDL2_ttf sqlite3 libqrencode rime zinnia libsodium libpq libpng libsystemd
# Debian packages, in two lists (the README's dependency table says why each is there).
# RUNTIME_PKGS: what a running kiosk needs on a hall PC; the .deb depends on these only.
# BUILD_PKGS: what building and testing need on top (compiler, -dev packages, test tools).
# `make deps` installs the missing ones of both (and says which); nothing happens when all
# are present.  tests/shell/test_deps.sh proves the lists complete: every file the kiosk
# opens belongs to the closure of RUNTIME_PKGS, every program the tests call to that of
# both lists.  Add your package to the right list, one a line.
RUNTIME_PKGS := \
  libsdl2-2.0-0 \
  libsdl2-ttf-2.0-0 \
  libsqlite3-0 \
  libqrencode4 \
  librime1 \
  rime-prelude \
  rime-essay \
  rime-data-luna-pinyin \
  libzinnia0 \
  tegaki-zinnia-simplified-chinese \
  libsodium23 \
  libpq5 \
  libpng16-16 \
  libsystemd0 \
  libxlsxwriter4 \
  fonts-noto-cjk \
  fonts-dejavu-core \
  fonts-droid-fallback \
  tzdata \
  sqlite3 \
  cage \
  xwayland \
  libpam-systemd \
  adduser
BUILD_PKGS := \
  build-essential \
  pkg-config \
  libsdl2-dev \
  libsdl2-ttf-dev \
  libsqlite3-dev \
  libqrencode-dev \
  librime-dev \
  libzinnia-dev \
  libsodium-dev \
  libpq-dev \
  libpng-dev \
  libsystemd-dev \
  libxlsxwriter-dev \
  libcmocka-dev \
  clang \
  libclang-rt-14-dev \
  zbar-tools \
  postgresql \
  postgresql-common \
  xvfb \
  xauth \
  time \
  strace \
  python3-openpyxl \
  apt \
  git \
  mawk \
  dpkg-dev \
  lintian \
  systemd
DEB_PKGS  := $(BUILD_PKGS) $(RUNTIME_PKGS)

CC        ?= cc
WARN      := -Wall -Wextra -Werror -Wmissing-prototypes -Wshadow -Wno-unused-parameter
CSTD      := -std=gnu11
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# librime and libzinnia are compiled against but loaded with dlopen on first use
# (src/input/pinyin.c, src/input/handwriting.c).
PKG_LIBS   = $(shell pkg-config --libs $(filter-out rime zinnia,$(PKGS)) 2>/dev/null) -ldl
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
# What only the centre's layer links (kioskctl, the tests, never the kiosk): XLSX reports.
CENTRE_LIBS = $(shell pkg-config --libs xlsxwriter 2>/dev/null)

VARIANT   ?= release
ifeq ($(VARIANT),asan)
  OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=undefined
  LDOPT   := -fsanitize=address,undefined
else ifeq ($(VARIANT),fuzz)
  # libFuzzer harnesses: the library instrumented for coverage, ASan and UBSan (Debian's
  # clang; libclang-rt-14-dev holds libFuzzer, which clang only recommends).
  CC      := clang
  OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link \
             -fno-sanitize-recover=undefined
  LDOPT   := -fsanitize=address,undefined
else
  OPT     := -O2 -g
  LDOPT   :=
endif

CFLAGS_ALL = $(CSTD) $(WARN) $(OPT) -Isrc -I$(B)/gen $(PKG_CFLAGS) -MMD -MP $(CFLAGS)
LDLIBS_ALL = $(LDOPT) $(PKG_LIBS) -lm -lpthread $(LDFLAGS)

B         := build/$(VARIANT)
LIB_SRC   := $(filter-out src/main/% src/centre/% $(EXCLUDE),$(wildcard src/*/*.c))
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/%.o)
# The centre's layer is linked into kioskctl (and tests) only, never into the kiosk; it
# carries the central schema's migrations, compiled in from kiosk-config/central/.
CENTRAL_SQL := $(sort $(wildcard kiosk-config/central/*.sql))
CENTRE_SRC  := $(wildcard src/centre/*.c)
CENTRE_OBJ  := $(CENTRE_SRC:%.c=$(B)/%.o) $(B)/gen/central_sql.o
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN  := $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
FUZZ_S    ?= 60

.PHONY: all build run test bench soak deps clean unit print-packages install deb fuzz fuzz-build
.PRECIOUS: $(B)/%.o
all: build

build: $(B)/kiosk $(B)/kioskctl
ifeq ($(VARIANT),release)
	@ln -sf release/kiosk build/kiosk
	@ln -sf release/kioskctl build/kioskctl
endif

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

# version-gen.h is rewritten only when the version or the commit changed, so only
# version.c is compiled again.  The commit is taken only when this directory is the top
# of a git checkout (not a tarball unpacked inside some other repository).
COMMIT = $(shell cd '$(CURDIR)' && [ "$$(git rev-parse --show-toplevel 2>/dev/null)" = "$$(pwd -P)" ] && \
           git rev-parse --short=12 HEAD 2>/dev/null)
# The build date: SOURCE_DATE_EPOCH's when set (reproducible builds), else the commit's,
# else the Makefile's (a tarball).  The kiosk takes a clock far before it for a wrong one
# (src/store/clock.h).  The test build says 2026-12-01, the day the scenarios are set on
# (tests/run-all.sh's default clock), so that their clock stays believable however long
# after they were written the suite runs; test_clock reads the date from the build.
ifeq ($(VARIANT),asan)
BUILD_DATE = 2026-12-01
else
BUILD_DATE = $(shell cd '$(CURDIR)' && { [ -n "$$SOURCE_DATE_EPOCH" ] && date -u -d "@$$SOURCE_DATE_EPOCH" +%F; } || \
               { [ -n "$(COMMIT)" ] && git log -1 --format=%cs 2>/dev/null; } || date -u -r Makefile +%F)
endif
$(B)/gen/version-gen.h: FORCE
	@mkdir -p $(dir $@)
	@printf '#define KIOSK_VERSION "%s"\n#define KIOSK_COMMIT "%s"\n#define KIOSK_BUILD_DATE "%s"\n' \
	  '$(VERSION)' '$(COMMIT)' '$(BUILD_DATE)' > $@.new
	@cmp -s $@.new $@ && rm -f $@.new || mv -f $@.new $@
$(B)/src/core/version.o: $(B)/gen/version-gen.h

# The archive is rebuilt when the set of objects changes, not only their dates.
$(B)/objects.list: FORCE
	@mkdir -p $(dir $@)
	@echo "$(LIB_OBJ)" | cmp -s - $@ || echo "$(LIB_OBJ)" > $@

$(B)/libkiosk.a: $(LIB_OBJ) $(B)/objects.list
	@rm -f $@
	@ar rcs $@ $(LIB_OBJ)

# Regenerated on every build but replaced only when the set or text of the files changed.
$(B)/gen/central_sql.c: src/centre/sql-embed.sh FORCE
	@mkdir -p $(dir $@)
	@sh src/centre/sql-embed.sh $(CENTRAL_SQL) > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || { echo "  GEN     $@"; mv $@.tmp $@; }

$(B)/gen/central_sql.o: $(B)/gen/central_sql.c
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(B)/centre.list: FORCE
	@mkdir -p $(dir $@)
	@echo "$(CENTRE_OBJ)" | cmp -s - $@ || echo "$(CENTRE_OBJ)" > $@

$(B)/libcentre.a: $(CENTRE_OBJ) $(B)/centre.list
	@rm -f $@
	@ar rcs $@ $(CENTRE_OBJ)

FORCE:

$(B)/kiosk: $(B)/src/main/kiosk.o $(B)/libkiosk.a
	@echo "  LINK    $@"
	@$(CC) -o $@ $^ $(LDLIBS_ALL)

$(B)/kioskctl: $(B)/src/main/kioskctl.o $(B)/libcentre.a $(B)/libkiosk.a
	@echo "  LINK    $@"
	@$(CC) -o $@ $^ $(LDLIBS_ALL) $(CENTRE_LIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/libcentre.a $(B)/libkiosk.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) -o $@ $^ $(LDLIBS_ALL) $(CENTRE_LIBS) $(CMOCKA_LIBS)

# The shell tests' driver of the day's-end code (tests/shell/test_upload.sh).
$(B)/tests/sync_helper: $(B)/tests/shell/sync_helper.o $(B)/libcentre.a $(B)/libkiosk.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) -o $@ $^ $(LDLIBS_ALL) $(CENTRE_LIBS)

# The kill test's driver of the check-in and registration code (tests/shell/test_kill.sh).
$(B)/tests/kill_driver: $(B)/tests/shell/kill_driver.o $(B)/libkiosk.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) -o $@ $^ $(LDLIBS_ALL)

unit: $(UNIT_BIN) $(B)/tests/sync_helper $(B)/tests/kill_driver

$(B)/fuzz/%: $(B)/tests/fuzz/%.o $(B)/libcentre.a $(B)/libkiosk.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) -fsanitize=fuzzer -o $@ $^ $(LDLIBS_ALL)

fuzz-build: $(FUZZ_BIN)

$(B)/bench/%: $(B)/tests/bench/%.o $(B)/libkiosk.a
	@mkdir -p $(dir $@)
	@echo "  LINK    $@"
	@$(CC) -o $@ $^ $(LDLIBS_ALL)

# --- make install ------------------------------------------------------------------
# The installed binaries: the release objects linked with src/core/paths.c compiled for
# the install directories (its object comes before the archive, so the archive's
# source-tree copy is not used).  INSTALL_BUILD is where they are linked (tests give their
# own, so that two runs never share one).
INSTALL_BUILD ?= $(B)/install
IB        := $(INSTALL_BUILD)
PATHS_DEFS = -DPATHS_INSTALLED -DPATHS_BINDIR='"$(BINDIR)"' -DPATHS_DATADIR='"$(DATADIR)"' \
             -DPATHS_SYSCONFDIR='"$(SYSCONFDIR)"' -DPATHS_LOCALSTATEDIR='"$(LOCALSTATEDIR)"' \
             -DPATHS_USER='"$(KIOSK_USER)"'
$(IB)/paths.flags: FORCE
	@mkdir -p $(dir $@)
	@echo "$(PATHS_DEFS)" | cmp -s - $@ || echo "$(PATHS_DEFS)" > $@
$(IB)/paths.o: src/core/paths.c src/core/paths.h src/core/util.h $(IB)/paths.flags
	@echo "  CC      $< (installed paths)"
	@$(CC) $(CFLAGS_ALL) $(PATHS_DEFS) -MF $(IB)/paths.d -c $< -o $@
$(IB)/kiosk: $(B)/src/main/kiosk.o $(IB)/paths.o $(B)/libkiosk.a
	@echo "  LINK    $@"
	@$(CC) -o $@ $^ $(LDLIBS_ALL)
$(IB)/kioskctl: $(B)/src/main/kioskctl.o $(IB)/paths.o $(B)/libcentre.a $(B)/libkiosk.a
	@echo "  LINK    $@"
	@$(CC) -o $@ $^ $(LDLIBS_ALL) $(CENTRE_LIBS)

# share/kiosk holds the bundled content and catalogue, the fonts folder and the central
# schema's migrations (kioskctl carries them compiled in; the files are for the DBA to
# read); an existing kiosk.ini (or PAM file) is never overwritten.  The units get the
# install directories filled in.
SHARE := $(DESTDIR)$(DATADIR)/kiosk
UNIT_SUBST = -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' \
             -e 's|@LOCALSTATEDIR@|$(LOCALSTATEDIR)|g' -e 's|@CAGE@|$(CAGE)|g'
install: $(IB)/kiosk $(IB)/kioskctl
	install -d $(DESTDIR)$(BINDIR) $(SHARE) $(SHARE)/central $(DESTDIR)$(SYSCONFDIR)/kiosk \
	  $(DESTDIR)$(SYSCONFDIR)/pam.d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(DOCDIR) \
	  $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(IB)/kiosk $(IB)/kioskctl $(DESTDIR)$(BINDIR)/
	rm -rf $(SHARE)/assets $(SHARE)/fonts
	cp -R assets fonts $(SHARE)/
	install -m 0644 kiosk-config/central/*.sql $(SHARE)/central/
	chmod -R u=rwX,go=rX $(SHARE)
	[ -e $(DESTDIR)$(SYSCONFDIR)/kiosk/kiosk.ini ] || \
	  install -m 0644 kiosk-config/kiosk.ini $(DESTDIR)$(SYSCONFDIR)/kiosk/kiosk.ini
	[ -e $(DESTDIR)$(SYSCONFDIR)/pam.d/kiosk ] || \
	  install -m 0644 kiosk-config/pam/kiosk $(DESTDIR)$(SYSCONFDIR)/pam.d/kiosk
	for u in kiosk-config/systemd/*; do \
	  n=$$(basename $$u .in); sed $(UNIT_SUBST) $$u > $(DESTDIR)$(UNITDIR)/$$n; \
	  chmod 0644 $(DESTDIR)$(UNITDIR)/$$n; done
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	for m in kiosk-config/man/*.1; do \
	  gzip -9n < $$m > $(DESTDIR)$(MANDIR)/man1/$$(basename $$m).gz; \
	  chmod 0644 $(DESTDIR)$(MANDIR)/man1/$$(basename $$m).gz; done

# --- make deb ----------------------------------------------------------------------
# build/kiosk_VERSION_ARCH.deb from a staged install (PREFIX=/usr; the units in
# /lib/systemd/system, where Debian 12 keeps them); kiosk-config/deb/ holds the control
# template, the maintainer scripts and mkdeb.sh, which writes DEBIAN/ and calls dpkg-deb.
# DEB_BUILD is the staging directory (tests give their own).
DEB_ARCH   = $(shell dpkg --print-architecture)
DEB_BUILD ?= $(B)/deb
DEB       ?= build/kiosk_$(VERSION)_$(DEB_ARCH).deb
deb:
	rm -rf $(DEB_BUILD)/root
	$(MAKE) --no-print-directory install DESTDIR=$(abspath $(DEB_BUILD))/root PREFIX=/usr \
	  SYSCONFDIR=/etc LOCALSTATEDIR=/var UNITDIR=/lib/systemd/system \
	  INSTALL_BUILD=$(DEB_BUILD)/bin >/dev/null
	sh kiosk-config/deb/mkdeb.sh $(abspath $(DEB_BUILD))/root $(DEB) $(VERSION) \
	  "$(if $(COMMIT),commit $(COMMIT),a source tree without git)" $(RUNTIME_PKGS)

deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing Debian packages:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root (or install them yourself) to continue" >&2; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
	    || { echo "apt-get failed installing:$$missing" >&2; exit 1; }; \
	fi

# For tests/shell/test_deps.sh: the two lists, one a line ("runtime: …", "build: …").
print-packages:
	@echo "runtime: $(strip $(RUNTIME_PKGS))"
	@echo "build: $(strip $(BUILD_PKGS))"

run: deps
	@$(MAKE) --no-print-directory build
	build/kiosk --data-dir var/demo $(if $(DISPLAY)$(WAYLAND_DISPLAY),--windowed,) $(ARGS)

test: deps
	@$(MAKE) --no-print-directory build
	@$(MAKE) --no-print-directory VARIANT=asan build unit
	@$(MAKE) --no-print-directory VARIANT=fuzz fuzz-build
	tests/run-all.sh build/asan

fuzz: deps
	@$(MAKE) --no-print-directory VARIANT=fuzz fuzz-build
	tests/fuzz/run.sh build/fuzz $(FUZZ_S)

bench: deps
	@$(MAKE) --no-print-directory build build/release/bench/bench_kiosk build/release/bench/bench_checkin build/release/tests/sync_helper \
	  build/release/bench/bench_sync build/release/bench/bench_import
	@tests/bench.sh build/release

# tests/soak.sh: RSS at the end within 5 % of after the warm-up, LeakSanitizer clean.
soak: deps
	@$(MAKE) --no-print-directory VARIANT=asan build
	tests/soak.sh build/asan

clean:
	rm -rf build

-include $(shell find build -name '*.d' -type f 2>/dev/null)
