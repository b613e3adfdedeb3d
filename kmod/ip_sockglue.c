// SPDX-License-Identifier: GPL-2.0
/*
 * wren: IP-level socket options (SOL_IP), as Linux's do_ip_setsockopt().
 *
 * Every wren socket type starts with a struct wren_sock, so one set of IP
 * options serves them all: the datagram socket calls (datagram.c) and TCP's
 * (tcp.c) pass level SOL_IP here.  Kept: IP_TTL, IP_TOS, IP_RECVTTL,
 * IP_RECVTOS, IP_PKTINFO (a datagram's interface and destination, on
 * receive) and IP_RECVERR (ICMP errors on the error queue, datagram.c;
 * accepted and without effect on TCP); IP_OPTIONS reads back empty (wren sends no IP options; sshd
 * reads it to refuse source-routed connections) and may be set empty;
 * any other option is -ENOPROTOOPT.  The values are read
 * without the socket lock on the send path (READ_ONCE), see sock.h.
 *
 * A datagram's own control messages on sendmsg (wren_ip_cmsg_send) are
 * parsed here too: IP_PKTINFO, IP_TTL, IP_TOS and the socket core's.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <net/ipv6.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include "compat.h"
#include "sock.h"

int wren_ip_cmsg_send(struct sock *sk, struct msghdr *msg,
		      struct wren_ipc *ipc)
{
	bool v6 = READ_ONCE(wren_sk(sk)->addr_form) == AF_INET6;
	struct sockcm_cookie sockc;
	struct cmsghdr *cmsg;
	int err, val;

	memset(ipc, 0, sizeof(*ipc));
	ipc->ttl = -1;
	ipc->tos = -1;
	sockcm_init(&sockc, sk);
	ipc->mark = sockc.mark;
	if (!msg->msg_controllen)
		return 0;
	for_each_cmsghdr(cmsg, msg) {
		if (!CMSG_OK(msg, cmsg))
			return -EINVAL;
		if (v6 && cmsg->cmsg_level == SOL_IPV6 &&
		    cmsg->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo *pi = (void *)CMSG_DATA(cmsg);

			if (cmsg->cmsg_len < CMSG_LEN(sizeof(*pi)) ||
			    !ipv6_addr_v4mapped(&pi->ipi6_addr))
				return -EINVAL;
			if (pi->ipi6_ifindex)
				ipc->oif = pi->ipi6_ifindex;
			ipc->saddr = pi->ipi6_addr.s6_addr32[3];
			continue;
		}
		if (cmsg->cmsg_level == SOL_SOCKET) {
			err = wren_sock_cmsg_send(sk, msg, cmsg, &sockc);
			if (err)
				return err;
			ipc->mark = sockc.mark;
			continue;
		}
		if (cmsg->cmsg_level != SOL_IP)
			continue;
		switch (cmsg->cmsg_type) {
		case IP_PKTINFO: {
			struct in_pktinfo *pi = (void *)CMSG_DATA(cmsg);

			if (cmsg->cmsg_len != CMSG_LEN(sizeof(*pi)))
				return -EINVAL;
			if (pi->ipi_ifindex)
				ipc->oif = pi->ipi_ifindex;
			ipc->saddr = pi->ipi_spec_dst.s_addr;
			break;
		}
		case IP_TTL:
			if (cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
				return -EINVAL;
			val = *(int *)CMSG_DATA(cmsg);
			if (val < 1 || val > 255)
				return -EINVAL;
			ipc->ttl = val;
			break;
		case IP_TOS:
			if (cmsg->cmsg_len == CMSG_LEN(sizeof(int)))
				val = *(int *)CMSG_DATA(cmsg);
			else if (cmsg->cmsg_len == CMSG_LEN(sizeof(u8)))
				val = *(u8 *)CMSG_DATA(cmsg);
			else
				return -EINVAL;
			if (val < 0 || val > 255)
				return -EINVAL;
			ipc->tos = val;
			break;
		default:
			return -EINVAL;
		}
	}
	return 0;
}

static void wren_set_cmsg_flag(struct wren_sock *ws, u8 flag, int on)
{
	u8 f = ws->cmsg_flags;

	WRITE_ONCE(ws->cmsg_flags, on ? (f | flag) : (f & ~flag));
}

int wren_ip_setsockopt(struct sock *sk, int optname, sockptr_t optval,
		       unsigned int optlen)
{
	struct wren_sock *ws = wren_sk(sk);
	int err = 0;
	int val;

	switch (optname) {
	case IP_TTL:
	case IP_TOS:
	case IP_RECVTTL:
	case IP_RECVTOS:
	case IP_PKTINFO:
	case IP_RECVERR:
		break;
	case IP_OPTIONS:
		/* Clearing them is all there is to do. */
		return optlen ? -ENOPROTOOPT : 0;
	default:
		return -ENOPROTOOPT;
	}
	if (optlen >= sizeof(int)) {
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
	} else if (optlen >= sizeof(char)) {
		unsigned char c;

		if (copy_from_sockptr(&c, optval, 1))
			return -EFAULT;
		val = c;
	} else {
		return -EINVAL;
	}

	lock_sock(sk);
	switch (optname) {
	case IP_TTL:
		if (val == -1)
			WRITE_ONCE(ws->ttl, 0);
		else if (val >= 1 && val <= 255)
			WRITE_ONCE(ws->ttl, val);
		else
			err = -EINVAL;
		break;
	case IP_TOS:
		WRITE_ONCE(ws->tos, val & 0xff);
		break;
	case IP_RECVTTL:
		wren_set_cmsg_flag(ws, WREN_CMSG_TTL, val);
		break;
	case IP_RECVTOS:
		wren_set_cmsg_flag(ws, WREN_CMSG_TOS, val);
		break;
	case IP_PKTINFO:
		wren_set_cmsg_flag(ws, WREN_CMSG_PKTINFO, val);
		break;
	case IP_RECVERR:
		wren_set_cmsg_flag(ws, WREN_CMSG_RECVERR, val);
		if (!val)
			skb_queue_purge(&sk->sk_error_queue);
		break;
	}
	release_sock(sk);
	return err;
}

int wren_ip_getsockopt(struct sock *sk, int optname, char __user *optval,
		       int __user *optlen)
{
	struct wren_sock *ws = wren_sk(sk);
	int val, len;

	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	switch (optname) {
	case IP_OPTIONS:
		return put_user(0, optlen);
	case IP_TTL:
		val = READ_ONCE(ws->ttl);
		if (!val)
			val = 64;
		break;
	case IP_TOS:
		val = READ_ONCE(ws->tos);
		break;
	case IP_RECVTTL:
		val = !!(READ_ONCE(ws->cmsg_flags) & WREN_CMSG_TTL);
		break;
	case IP_RECVTOS:
		val = !!(READ_ONCE(ws->cmsg_flags) & WREN_CMSG_TOS);
		break;
	case IP_PKTINFO:
		val = !!(READ_ONCE(ws->cmsg_flags) & WREN_CMSG_PKTINFO);
		break;
	case IP_RECVERR:
		val = !!(READ_ONCE(ws->cmsg_flags) & WREN_CMSG_RECVERR);
		break;
	default:
		return -ENOPROTOOPT;
	}
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
