/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren: the differences between the kernels wren builds against (Debian's
 * 6.1 and 6.12 lines), kept in one place.  See shared notes kernel-api.md.
 *
 * Only removals and signature changes are handled here; for those a
 * version test is reliable (stable backports add APIs, they do not take
 * fields away).
 */
#ifndef _WREN_COMPAT_H
#define _WREN_COMPAT_H

#include <linux/version.h>
#include <linux/net.h>
#include <net/sock.h>

/*
 * proto_ops.sendpage went away in 6.5 (splice goes through sendmsg with
 * MSG_SPLICE_PAGES).  Use as an initialiser line: WREN_OPS_NO_SENDPAGE
 */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
#define WREN_OPS_NO_SENDPAGE	.sendpage = sock_no_sendpage,
#else
#define WREN_OPS_NO_SENDPAGE
#endif

#endif /* _WREN_COMPAT_H */
