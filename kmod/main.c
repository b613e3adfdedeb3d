// SPDX-License-Identifier: GPL-2.0
/* wren: module entry (skeleton). */
#include <linux/module.h>
#include <linux/net.h>
#include "wren.h"

static int __init wren_init(void)
{
	pr_info("wren: loaded\n");
	return 0;
}

static void __exit wren_exit(void)
{
	pr_info("wren: unloaded\n");
}

module_init(wren_init);
module_exit(wren_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wren: a TCP/IPv4 stack in a module");
MODULE_ALIAS_NETPROTO(AF_WREN);
