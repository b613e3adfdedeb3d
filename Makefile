# SPDX-License-Identifier: GPL-2.0
#
# wren: top-level build.  See README.md.
#
#   make            modules (kmod/wren.ko, driver/wren_e1000.ko) and tools
#   make run        boot a QEMU guest and show wren working (the demo)
#   make shell      the same guest, with an interactive shell
#   make check      every test, in QEMU guests; ends "N passed, N failed"
#   make bench      benchmarks against Linux's own stack and e1000 driver
#   make check-debug  the same boots under a debug kernel (KASAN, kmemleak,
#                   lockdep, ...), built once from linux-source-6.1 and cached
#   make lint       checkpatch --strict, sparse, W=1, declarations; 6.1 and 6.12

# The kernel to build against: by default the Debian 6.1 kernel the guest
# boots (scripts/guest-kver.sh).  Deliberately not exported: a sub-make run
# after `make deps` installed that kernel must look again.
KVER  ?= $(shell scripts/guest-kver.sh 2>/dev/null)
KDIR  ?= /lib/modules/$(KVER)/build
BUILD := $(CURDIR)/build
W     ?= 1

export BUILD

.PHONY: all deps modules tools image run shell check check-debug bench lint clean

all: modules tools

deps:
	@scripts/install-deps.sh

modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) W=$(W) modules

tools:
	$(MAKE) -C tools BUILD=$(BUILD)

image: all
	scripts/mkimage.sh

run: deps
	$(MAKE) all
	scripts/mkimage.sh
	scripts/qemu.sh --name demo --nics e1000 --tests /usr/lib/wren/demo.sh --timeout 300

shell: deps
	$(MAKE) all
	scripts/mkimage.sh
	scripts/qemu.sh --interactive

check: deps
	$(MAKE) all
	scripts/mkimage.sh
	scripts/check.sh

# BOOTS="a b": only those boots of tools/tests/boots.list (CI's share).
check-debug: deps
	$(MAKE) all
	scripts/check-debug.sh $(BOOTS)

bench: deps
	$(MAKE) all
	scripts/mkimage.sh
	scripts/bench.sh

lint: deps
	scripts/lint.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	$(MAKE) -C tools BUILD=$(BUILD) clean
	rm -rf $(BUILD)
