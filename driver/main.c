// SPDX-License-Identifier: GPL-2.0
/* wren_e1000 (skeleton). */
#include <linux/module.h>

static int __init we_init(void) { return 0; }
static void __exit we_exit(void) { }
module_init(we_init);
module_exit(we_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wren_e1000: Intel 8254x driver for QEMU's e1000");
