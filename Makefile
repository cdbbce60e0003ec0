# RVH Book: one source (chapters/*.nw), two products (build/rvh.elf, build/book.pdf).
#
#   make            tangle every root and build build/rvh.elf
#   make run        boot it in QEMU virt on OpenSBI (GUEST or GUESTS, QEMU_CPU, SMP, VCPUS, MEM, QEMU_EXTRA)
#   make test       everything CI runs; ends with "N passed, N failed"
#   make bench      what VM exits cost, in instructions (QEMU -icount shift=0)
#   make book       build/book.pdf (PAPER=a4, the default, or PAPER=letter)
#   make gdb        QEMU halted at reset, gdb-multiarch attached with symbols
#   make tangle     regenerate the committed tangled/ and asm/
#   make check-tangle   fail if tangled/ or asm/ differ from what the chapters produce
#   make deps       install the Debian packages all of this needs
#   make linux      build/linux/Image, a small Linux guest (cached; see tools/linux.sh)
#   make lab N      write lab N's starter tree to work/labNN/ (labs/, tools/lab.py)
#   make grade LAB=N [DIR=work/labNN]   grade a lab's tree: its tests and the earlier labs'
#   make solve LAB=N [DIR=work/labNN]   put lab N's reference code in place of its stubs there
#   make dist-labs  build/rvh-labs.tar.gz: every lab's starter tree and the handouts

CHAPTERS := $(sort $(wildcard chapters/*.nw))
B        := build

# Every root the chapters define, one per line. A root that noroots finds and
# this list lacks (a misspelt chunk name, say) fails check-tangle.
ROOTS := $(shell cat tools/roots)
C_ROOTS := $(filter %.c,$(ROOTS))
S_ROOTS := $(filter %.S,$(ROOTS))
H_ROOTS := $(filter %.h,$(ROOTS))
LD_ROOT := $(filter %.ld,$(ROOTS))
SRC_C := $(addprefix $(B)/src/,$(C_ROOTS))
SRC_S := $(addprefix $(B)/src/,$(S_ROOTS))
SRC_H := $(addprefix $(B)/src/,$(H_ROOTS))

CROSS   ?= riscv64-unknown-elf-
CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy
QEMU    ?= qemu-system-riscv64
GDB     ?= gdb-multiarch

# gcc 12 refuses "h" in -march, binutils accepts it: the compiler stays on
# rv64imac (so picolibc's rv64imac/lp64 library is chosen, and the hypervisor
# never touches the guest's FP registers), the assembler gets the extensions.
ARCH   := -march=rv64imac -mabi=lp64 -mcmodel=medany \
          -Wa,-march=rv64imac_zicsr_zifencei_h -mno-riscv-attribute
# -fno-tree-loop-distribute-patterns: the few bulk loops (page_zero, the
# image copy) must stay loops; GCC would turn them into calls of picolibc's
# memset and memcpy, which Debian builds for size: a byte per iteration.
# No frame pointers: gdb unwinds with the DWARF information of -g, and every
# call on the exit path would pay for them.
CFLAGS := $(ARCH) -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
          -fno-common -fno-tree-loop-distribute-patterns --specs=picolibc.specs
LDFLAGS := -nostartfiles -Wl,--no-warn-rwx-segments -Wl,-Map=$(B)/rvh.map

# The guest image (a flat binary or a Linux Image) goes to QEMU as -initrd;
# BOOTARGS (e.g. "mem=64M") reach the hypervisor as /chosen/bootargs.
# QEMU puts an -initrd at half of RAM, so RAM must be well over twice the
# guest's 128 MiB for the guest's RAM to be found in one piece below it.
QEMU_CPU   ?= rv64
SMP        ?= 1
MEM        ?= 512M
UBOOT      := /usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin
GUEST      ?= $(UBOOT)
BOOTARGS   ?=
VCPUS      ?=
# GUESTS="IMAGE[:OPTIONS] ...": several VMs at once (chapter 11), packed with
# their list into one cpio archive that becomes the -initrd.
GUESTS     ?=
GUEST_IMAGES = $(foreach g,$(GUESTS),$(firstword $(subst :, ,$(g))))
ifneq ($(strip $(GUESTS)),)
override GUEST := $(B)/vms.cpio
endif
ALL_ARGS    = $(strip $(BOOTARGS) $(if $(VCPUS),vcpus=$(VCPUS)))
QEMU_EXTRA ?=
QEMU_FLAGS  = -machine virt -cpu $(QEMU_CPU) -smp $(SMP) -m $(MEM) -nographic \
              -bios default -kernel $(B)/rvh.elf \
              $(if $(GUEST),-initrd $(GUEST)) $(if $(ALL_ARGS),-append "$(ALL_ARGS)") \
              $(QEMU_EXTRA)

.PHONY: all build tangle check-tangle check-compile check-multilib run qemu gdb test book deps clean unit linux bench
all build: $(B)/rvh.elf

# --- Tangling -----------------------------------------------------------------
# The build tree is tangled with -L, so that gcc's messages and gdb's line
# numbers point into chapters/*.nw; the committed tree is tangled without it.
$(SRC_C) $(SRC_S) $(SRC_H): $(B)/src/%: $(CHAPTERS) tools/roots
	@mkdir -p $(dir $@)
	@notangle -L -R'$*' $(CHAPTERS) > $@.tmp 2> $@.err; s=$$?; \
	  if [ -s $@.err ] || [ $$s -ne 0 ]; then cat $@.err; rm -f $@.tmp; exit 1; fi; \
	  cpif $@ < $@.tmp; rm -f $@.tmp $@.err

# A linker script has no #line: tangle it plain.
$(B)/src/$(LD_ROOT): $(CHAPTERS) tools/roots
	@mkdir -p $(dir $@)
	@notangle -R'$(LD_ROOT)' $(CHAPTERS) | cpif $@

tangle:
	@tools/tangle.sh . $(ROOTS)

check-tangle:
	@tools/check-tangle.sh $(ROOTS)

# --- The hypervisor -----------------------------------------------------------
OBJS  := $(SRC_C:%.c=%.o) $(SRC_S:%.S=%.o)
INC   := -I$(B)/src/tangled

$(B)/src/%.o: $(B)/src/%.c $(SRC_H)
	@echo "  CC      $*.c"
	@$(CC) $(CFLAGS) $(INC) -c $< -o $@
$(B)/src/%.o: $(B)/src/%.S $(SRC_H)
	@echo "  AS      $*.S"
	@$(CC) $(CFLAGS) $(INC) -c $< -o $@

$(B)/rvh.elf: $(OBJS) $(B)/src/$(LD_ROOT)
	@echo "  LD      $@"
	@$(CC) $(CFLAGS) $(LDFLAGS) -T $(B)/src/$(LD_ROOT) $(OBJS) -o $@

# picolibc must be the rv64imac/lp64 variant: any other -march makes gcc
# choose a library for another ABI, and the link fails or uses FP registers.
check-multilib:
	@d=$$($(CC) $(ARCH) --specs=picolibc.specs -print-multi-directory); \
	  if [ "$$d" != rv64imac/lp64 ]; then echo "check-multilib: gcc chose $$d, not rv64imac/lp64"; exit 1; fi; \
	  echo "check-multilib: $$d"

# The committed tangled/ and asm/ must build on their own, exactly as a reader
# who browses them would build them.
check-compile: check-multilib
	@rm -rf $(B)/committed && mkdir -p $(B)/committed
	@for f in $(C_ROOTS) $(S_ROOTS); do \
	  $(CC) $(CFLAGS) -Itangled -c $$f -o $(B)/committed/$$(echo $$f | tr / _).o || exit 1; done
	@$(CC) $(CFLAGS) -nostartfiles -Wl,--no-warn-rwx-segments -T $(LD_ROOT) \
	  $(B)/committed/*.o -o $(B)/committed/rvh.elf
	@echo "check-compile: tangled/ and asm/ build build/committed/rvh.elf with -Werror"

# --- Test guests (plain C and assembly, not literate) ---------------------------
include guests/guests.mk

# --- The Linux guest ---------------------------------------------------------
# Debian's linux-source-6.12, tinyconfig + guests/linux/rvh.config, and a
# built-in initramfs with BusyBox from Debian's busybox source package.
# Cached: a second run does nothing.
linux: deps
	@B=$(B) sh tools/linux.sh

# --- Running ------------------------------------------------------------------
deps:
	@sh tools/deps.sh

run: deps qemu
qemu: $(B)/rvh.elf $(filter $(B)/guests/%,$(GUEST)) $(if $(filter $(B)/linux/Image,$(GUEST)),linux) \
      $(if $(strip $(GUESTS)),vms)
	$(QEMU) $(QEMU_FLAGS)

# The archive of several VMs, made again on every run from GUESTS.
.PHONY: vms
vms: $(filter $(B)/guests/%,$(GUEST_IMAGES)) $(if $(filter $(B)/linux/Image,$(GUEST_IMAGES)),linux)
	@mkdir -p $(B)
	@python3 tools/mkvms.py $(B)/vms.cpio $(GUESTS)

gdb: deps $(B)/rvh.elf $(filter $(B)/guests/%,$(GUEST))
	@echo "QEMU waits for gdb on localhost:1234; its console shares this terminal."
	@echo "Try: break hyp_main, break chapters/01-boot.nw:LINE, continue. Quit gdb to stop QEMU."
	$(QEMU) $(QEMU_FLAGS) -s -S < /dev/null & qemu=$$!; \
	$(GDB) -q -ex 'target remote localhost:1234' $(B)/rvh.elf; \
	kill $$qemu 2>/dev/null || true

# --- The book -----------------------------------------------------------------
# The paper size is remembered in build/book.paper (rewritten only when it
# changes), so that "make book PAPER=letter" rebuilds and a second run does not.
PAPER ?= a4
.PHONY: FORCE
$(B)/book.paper: FORCE
	@mkdir -p $(B) && echo '$(PAPER)' | cpif $@
book: $(B)/book.pdf
$(B)/book.pdf: $(CHAPTERS) $(wildcard book/*.tex book/*.sty) tools/book.sh tools/nw-underscore $(B)/book.paper \
              $(wildcard $(B)/bench.json)
	@PAPER='$(PAPER)' tools/book.sh $(CHAPTERS)

# --- Labs ---------------------------------------------------------------------
# "make lab 4" (or "make lab LAB=4"): the number is taken from the goals.
LAB ?= $(firstword $(filter-out lab,$(filter lab %0 %1 %2 %3 %4 %5 %6 %7 %8 %9,$(MAKECMDGOALS))))
LAB_DIR = $(or $(DIR),work/lab$(shell printf %02d $(LAB)))
.PHONY: lab grade solve dist-labs
lab:
	@python3 tools/lab.py make $(LAB) --out $(LAB_DIR)
grade:
	@python3 tools/lab.py grade $(LAB) $(LAB_DIR)
# Lab LAB's reference code (tangled from the chapters) in place of its stubs in DIR.
solve:
	@$(if $(LAB),,echo "usage: make solve LAB=N [DIR=work/labNN]"; exit 2;) python3 tools/lab.py solve $(LAB) $(LAB_DIR)
# The students' tarball: every lab's starter tree and the handouts, no chapters.
dist-labs:
	@python3 tools/lab.py dist --out $(B)/rvh-labs.tar.gz
ifneq ($(filter lab,$(MAKECMDGOALS)),)
$(filter-out lab,$(MAKECMDGOALS)):
	@:
endif

# --- Tests --------------------------------------------------------------------
test: deps
	@python3 tests/run.py

# What VM exits cost, in instructions (QEMU -icount shift=0): measured and
# printed, never asserted, so not part of make test.
bench: deps $(B)/rvh.elf $(B)/guests/bench.bin
	@python3 tools/bench.py

# Host unit tests: tangled C that needs no hardware, under ASan and UBSan.
# A test names the tangled sources it links in a line "// sources: ...".
HOSTCC ?= gcc
# tests/unit/fake comes first on the include path: its headers stand in for
# tangled ones that would execute hypervisor instructions (arch/hfence.h).
HOST_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined \
               -fno-sanitize-recover=all -Itests/unit/fake -I$(B)/src/tangled -Itests/unit
UNIT_TESTS := $(patsubst tests/unit/%.c,$(B)/unit/%,$(wildcard tests/unit/test_*.c))
# Sources under tests/ (fakes of the hart) are named from the top, the others
# from build/src/.
unit_sources = $(foreach f,$(shell sed -n 's|^// sources:||p' $(1)),$(if $(filter tests/%,$(f)),$(f),$(B)/src/$(f)))
$(B)/unit/%: tests/unit/%.c $(wildcard tests/unit/*.h tests/unit/fake_*.c tests/unit/fake/*/*.h) \
             $(SRC_C) $(SRC_H)
	@mkdir -p $(dir $@)
	@$(HOSTCC) $(HOST_CFLAGS) $< $(call unit_sources,$<) -o $@
# Device trees for the tests: dtc compiles each tests/unit/*.dts into build/unit/.
# test_fdt writes build/unit/fdt-written.dtb, which dtc must then read back.
UNIT_DTBS := $(patsubst tests/unit/%.dts,$(B)/unit/%.dtb,$(wildcard tests/unit/*.dts))
$(B)/unit/%.dtb: tests/unit/%.dts
	@mkdir -p $(dir $@)
	@dtc -I dts -O dtb -o $@ $<
unit: $(UNIT_TESTS) $(UNIT_DTBS)
	@for t in $(UNIT_TESTS); do $$t || exit 1; done
	@dtc -I dtb -O dts -o $(B)/unit/fdt-written.dts $(B)/unit/fdt-written.dtb
	@# test_vmm writes a guest's tree: dtc must find nothing to warn about in it
	@# (interrupt_provider off, as in Linux's own build of its device trees).
	@dtc -I dtb -O dts -Wno-interrupt_provider -o $(B)/unit/guest.dts $(B)/unit/guest.dtb \
	  2> $(B)/unit/guest.dtc; if [ -s $(B)/unit/guest.dtc ]; then cat $(B)/unit/guest.dtc; exit 1; fi

# Host fuzzing: libFuzzer harnesses (tests/fuzz/fuzz_NAME.c) for the parts
# of the hypervisor that read what a guest or a boot loader hands it, built
# with ASan and UBSan like the unit tests.  A harness names the tangled
# sources it links in a line "// sources: ..." (as tests/unit does).
#   make fuzz [FUZZ_TIME=60] [FUZZ=insn,sbi]   each harness for FUZZ_TIME s
#   make fuzz-regress   every seed and every kept crash input, once each
#   make fuzz-known     the inputs of reported bugs, strictly: which still fail
# New inputs go to build/fuzz/corpus/NAME, crashes to build/fuzz/crash-NAME-*;
# copy a crash to tests/fuzz/regress/NAME/ to keep it as a regression test.
FUZZCC    ?= clang
FUZZ_TIME ?= 60
FUZZ_FLAGS ?=
FUZZ_CFLAGS := -std=c11 -g -O1 -Wall -Wextra -Werror -fno-omit-frame-pointer \
               -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
               -Itests/unit/fake -I$(B)/src/tangled -Itests/unit -Itests/fuzz
comma := ,
FUZZ_NAMES := $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_RUN   := $(if $(FUZZ),$(subst $(comma), ,$(FUZZ)),$(FUZZ_NAMES))
FUZZ_BINS  := $(FUZZ_NAMES:%=$(B)/fuzz/%)
$(B)/fuzz/%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(wildcard tests/unit/*.h tests/unit/fake_*.c) \
             $(SRC_C) $(SRC_H)
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $@"
	@$(FUZZCC) $(FUZZ_CFLAGS) $< $(call unit_sources,$<) -o $@
.PHONY: fuzz fuzz-build fuzz-regress fuzz-known
fuzz-build: $(FUZZ_BINS)
# Each run prints "fuzz: NAME N executions, N crashes"; a crash fails make.
fuzz: fuzz-build
	@for n in $(FUZZ_RUN); do \
	  mkdir -p $(B)/fuzz/corpus/$$n $(B)/fuzz/logs; \
	  $(B)/fuzz/$$n -max_total_time=$(FUZZ_TIME) -print_final_stats=1 -timeout=10 \
	    -artifact_prefix=$(B)/fuzz/crash-$$n- $(FUZZ_FLAGS) \
	    $(B)/fuzz/corpus/$$n tests/fuzz/corpus/$$n > $(B)/fuzz/logs/$$n.log 2>&1; s=$$?; \
	  x=$$(sed -n 's/^stat::number_of_executed_units: *//p' $(B)/fuzz/logs/$$n.log); \
	  c=0; [ $$s -eq 0 ] || c=1; \
	  echo "fuzz: $$n $${x:-0} executions, $$c crashes"; \
	  if [ $$s -ne 0 ]; then tail -n 40 $(B)/fuzz/logs/$$n.log; \
	    echo "fuzz: $$n failed (exit $$s); log $(B)/fuzz/logs/$$n.log"; exit 1; fi; \
	done
# The committed seeds, crash inputs and known bugs' inputs, each run once:
# no crash, no leak (a known bug's check only counts unless FUZZ_STRICT=1).
fuzz-regress: fuzz-build
	@for n in $(FUZZ_NAMES); do \
	  files=$$(find tests/fuzz/corpus/$$n tests/fuzz/regress/$$n tests/fuzz/known/$$n \
	           -type f ! -name README 2>/dev/null | sort); \
	  [ -n "$$files" ] || continue; \
	  $(B)/fuzz/$$n -runs=1 $$files > $(B)/fuzz/regress-$$n.log 2>&1 || \
	    { tail -n 40 $(B)/fuzz/regress-$$n.log; echo "fuzz-regress: $$n failed"; exit 1; }; \
	  echo "fuzz-regress: $$n $$(echo $$files | wc -w) inputs"; \
	done
# The inputs of bugs reported and not yet fixed in the chapters
# (tests/fuzz/known/README), with their checks made strict: each should fail.
# One that passes has been fixed: move it to regress/ and make its KNOWN a MUST.
fuzz-known: fuzz-build
	@for f in $$(find tests/fuzz/known -type f ! -name README | sort); do \
	  n=$$(basename $$(dirname $$f)); \
	  if FUZZ_STRICT=1 $(B)/fuzz/$$n $$f > $(B)/fuzz/known.log 2>&1; then \
	    echo "fuzz-known: $$f: FIXED"; \
	  else echo "fuzz-known: $$f: still fails: $$(grep -m1 'known bug' $(B)/fuzz/known.log)"; fi; \
	done

clean:
	rm -rf $(B)
