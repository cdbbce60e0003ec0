# guests.mk: build the test guests; included by the top Makefile.
#
#   make guests     build/guests/NAME.elf and NAME.bin for every guests/NAME/
#
# Each directory guests/NAME/ (except common/, and linux/, which tools/linux.sh
# builds) is one guest: its .c and .S files, linked with guests/common/ into an
# image at 0x80200000.  NAME.bin is the flat image the hypervisor loads
# (QEMU's -initrd); it must start with _start and hold everything up to the end
# of .data and the TLS template.
# Uses CC, OBJCOPY, CROSS and B from the top Makefile.

GUEST_NAMES   := $(filter-out common linux,$(patsubst guests/%/,%,$(sort $(dir $(wildcard guests/*/*)))))
GUEST_ELFS    := $(GUEST_NAMES:%=$(B)/guests/%.elf)
GUEST_BINS    := $(GUEST_NAMES:%=$(B)/guests/%.bin)
GUEST_COMMON  := $(wildcard guests/common/*.c guests/common/*.S)
GUEST_NM      := $(CROSS)nm

# Like the hypervisor's flags, but without the H extension for the assembler:
# a guest in VS-mode has no business with hypervisor instructions.
GUEST_CFLAGS  := -march=rv64imac -mabi=lp64 -mcmodel=medany \
                 -Wa,-march=rv64imac_zicsr_zifencei -mno-riscv-attribute \
                 -std=c11 -O2 -g -Wall -Wextra -Werror -ffreestanding \
                 --specs=picolibc.specs -Iguests/common
GUEST_LDFLAGS := -nostartfiles -Wl,--no-warn-rwx-segments -T guests/common/guest.ld

.PHONY: guests
guests: $(GUEST_BINS)

# One compiler run per guest: the common files are compiled with the guest's
# name, which its summary line prints.
$(B)/guests/%.elf: $(wildcard guests/common/*) guests/guests.mk
	@mkdir -p $(dir $@)
	@echo "  GUEST   $@"
	@$(CC) $(GUEST_CFLAGS) -DGUEST_NAME='"$*"' $(GUEST_LDFLAGS) -Wl,-Map=$(B)/guests/$*.map \
	  $(GUEST_COMMON) $(wildcard guests/$*/*.c guests/$*/*.S) -o $@

# Each guest also depends on its own files.
$(foreach g,$(GUEST_NAMES),$(eval $(B)/guests/$(g).elf: $(wildcard guests/$(g)/*)))

# The flat image, after two checks: _start is at the load address, and the
# .bin is exactly as long as the loaded part of the ELF file (up to __load_end).
$(B)/guests/%.bin: $(B)/guests/%.elf
	@start=$$($(GUEST_NM) $< | sed -n 's/^\([0-9a-f]*\) T _start$$/\1/p'); \
	  if [ "$$start" != 0000000080200000 ]; then \
	    echo "$<: _start is at 0x$$start, not 0x80200000"; exit 1; fi
	@$(OBJCOPY) -O binary $< $@
	@end=$$($(GUEST_NM) $< | sed -n 's/^\([0-9a-f]*\) [A-Za-z] __load_end$$/\1/p'); \
	  size=$$(stat -c %s $@); \
	  if [ "$$size" -ne $$((0x$$end - 0x80200000)) ]; then \
	    echo "$@: $$size bytes, but the image is 0x$$end - 0x80200000 bytes"; rm -f $@; exit 1; fi

# bench-smoke is guests/bench/main.c with a smaller BENCH_N (#include "../bench/main.c").
$(B)/guests/bench-smoke.elf: $(wildcard guests/bench/*)
