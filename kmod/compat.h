/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren: the differences between the kernels wren builds against (Debian's
 * 6.1 and 6.12 lines), kept in one place, each with the version that made
 * it.  `make lint` builds against both.
 *
 * Debian's stable kernels carry backports (6.1.192 has MSG_SPLICE_PAGES yet
 * keeps ->sendpage), so a new symbol proves nothing; what went away with a
 * change does.
 */
#ifndef _WREN_COMPAT_H
#define _WREN_COMPAT_H

#include <linux/socket.h>
#include <linux/net.h>
#include <net/sock.h>

/*
 * proto_ops.sendpage went away in 6.5, and MSG_SENDPAGE_NOTLAST with it.
 * Use as an initialiser line: WREN_OPS_NO_SENDPAGE
 */
#ifdef MSG_SENDPAGE_NOTLAST
#define WREN_OPS_NO_SENDPAGE	.sendpage = sock_no_sendpage,
#else
#define WREN_OPS_NO_SENDPAGE
#endif

/*
 * proto_ops.accept took (flags, kern) until 6.10, then a struct
 * proto_accept_arg.  Define the function with WREN_ACCEPT_ARGS as its
 * parameter list and read the O_ flags with WREN_ACCEPT_FLAGS; declare it
 * under #ifdef WREN_HAVE_ACCEPT_ARG (a prototype needs named types).
 */
#include <linux/version.h>
#if KERNEL_VERSION(6, 10, 0) <= LINUX_VERSION_CODE
#define WREN_ACCEPT_ARGS	struct socket *sock, struct socket *newsock, \
				struct proto_accept_arg *arg
#define WREN_HAVE_ACCEPT_ARG
#define WREN_ACCEPT_FLAGS	(arg->flags)
#else
#define WREN_ACCEPT_ARGS	struct socket *sock, struct socket *newsock, \
				int flags, bool kern
#define WREN_ACCEPT_FLAGS	(flags)
#endif

/*
 * Headers that moved.  Version tests rather than __has_include(), which
 * sparse and checkpatch cannot parse.
 */
/* 6.12 moved unaligned.h from asm/ to linux/. */
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.9 moved the page-fragment reference helpers to skbuff_ref.h. */
#if KERNEL_VERSION(6, 9, 0) <= LINUX_VERSION_CODE
#include <linux/skbuff_ref.h>
#endif

/* 6.5 moved the GSO helpers (__skb_gso_segment) out of netdevice.h. */
#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
#include <net/gso.h>
#endif

/* 6.3 dropped __sock_cmsg_send()'s msghdr. */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define wren_sock_cmsg_send(sk, msg, cmsg, sockc) \
	__sock_cmsg_send(sk, cmsg, sockc)
#else
#define wren_sock_cmsg_send(sk, msg, cmsg, sockc) \
	__sock_cmsg_send(sk, msg, cmsg, sockc)
#endif

#endif /* _WREN_COMPAT_H */
