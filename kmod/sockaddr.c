// SPDX-License-Identifier: GPL-2.0
/*
 * wren: the socket address forms a wren socket speaks.
 *
 * Inside wren every address is an IPv4 address and a port.  What a program
 * hands to bind, connect and sendto, and gets back from getsockname,
 * getpeername, accept and recvfrom, is one of three forms, chosen per
 * socket with setsockopt(SOL_WREN, WREN_SO_FAMILY) (uapi/linux/wren.h):
 *
 *  AF_WREN   struct sockaddr_wren, the default;
 *  AF_INET   struct sockaddr_in, for programs written for AF_INET that
 *            wren-run moved onto wren (wget, glibc's resolver and
 *            getnameinfo() look at sa_family);
 *  AF_INET6  struct sockaddr_in6 with IPv4-mapped addresses, for servers
 *            that open [::]: "::" is the wildcard, ::ffff:a.b.c.d an IPv4
 *            address; any other IPv6 address is unreachable (wren has no
 *            IPv6 on the wire).  IPV6_V6ONLY is kept as Linux keeps it.
 *
 * SOL_WREN's other option, WREN_SO_REUSEPORT (SO_REUSEPORT, which the
 * socket core keeps to AF_INET/AF_INET6), is set here too, since every
 * SOL_WREN option comes here.
 *
 * Every parse and every format of a user address goes through here, so
 * a transport sees only (address, port) and the errors are Linux's for
 * the family the program asked for.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/ipv6.h>
#include <net/ipv6.h>
#include "sock.h"

/* The least length Linux accepts for the form (SIN6_LEN_RFC2133 for v6). */
static int wren_addr_minlen(u8 form)
{
	return form == AF_INET6 ? SIN6_LEN_RFC2133 :
				  (int)sizeof(struct sockaddr_in);
}

/* An IPv4 sockaddr (AF_WREN and AF_INET share sockaddr_in's layout). */
static void wren_addr_from_in(const struct sockaddr *ua, struct wren_uaddr *out)
{
	const struct sockaddr_wren *sa = (const struct sockaddr_wren *)ua;

	out->addr = sa->swren_addr;
	out->port = sa->swren_port;
}

/* The unreachable cases of a sockaddr_in6, by what the caller does. */
static int wren_addr_v6_err(enum wren_addr_use use)
{
	return use == WREN_ADDR_BIND ? -EADDRNOTAVAIL : -ENETUNREACH;
}

static int wren_addr_from_in6(const struct sock *sk, const struct sockaddr *ua,
			      enum wren_addr_use use, struct wren_uaddr *out)
{
	const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ua;
	const struct in6_addr *a = &s6->sin6_addr;
	bool v6only = READ_ONCE(wren_sk(sk)->v6only);

	out->port = s6->sin6_port;
	if (ipv6_addr_any(a)) {
		/*
		 * The wildcard.  To connect or send to it means ::1 to Linux,
		 * which wren cannot reach.
		 */
		out->addr = 0;
		out->v6only_any = v6only;
		return use == WREN_ADDR_BIND ? 0 : -ENETUNREACH;
	}
	if (!ipv6_addr_v4mapped(a))
		return wren_addr_v6_err(use);
	/* Linux: a V6ONLY socket may not bind or reach a mapped address. */
	if (v6only)
		return use == WREN_ADDR_BIND ? -EINVAL : -ENETUNREACH;
	out->addr = a->s6_addr32[3];
	return 0;
}

int wren_addr_from_user(const struct sock *sk, const struct sockaddr *ua,
			int len, enum wren_addr_use use, struct wren_uaddr *out)
{
	u8 form = READ_ONCE(wren_sk(sk)->addr_form);

	memset(out, 0, sizeof(*out));
	if (len < (int)sizeof(ua->sa_family))
		return -EINVAL;
	out->family = ua->sa_family;
	if (form == AF_INET6) {
		/* Linux's udpv6_sendmsg() takes AF_INET and AF_UNSPEC too. */
		if (use == WREN_ADDR_SEND && ua->sa_family == AF_UNSPEC) {
			out->none = true;
			return 0;
		}
		/*
		 * Linux's UDPv6 connect and sendmsg take a sockaddr_in too
		 * (__ip6_datagram_connect(), udpv6_sendmsg()), not on V6ONLY.
		 */
		if (ua->sa_family == AF_INET && sk->sk_type == SOCK_DGRAM &&
		    use != WREN_ADDR_BIND) {
			if (READ_ONCE(wren_sk(sk)->v6only))
				return use == WREN_ADDR_SEND ? -ENETUNREACH :
							       -EAFNOSUPPORT;
			if (len < (int)sizeof(struct sockaddr_in))
				return -EINVAL;
			wren_addr_from_in(ua, out);
			return 0;
		}
		if (len < wren_addr_minlen(form))
			return -EINVAL;
		if (ua->sa_family != AF_INET6)
			return use == WREN_ADDR_SEND ? -EINVAL : -EAFNOSUPPORT;
		return wren_addr_from_in6(sk, ua, use, out);
	}
	if (len < wren_addr_minlen(form))
		return -EINVAL;
	/* AF_UNSPEC: the caller decides (Linux's bind takes it with ANY). */
	if (ua->sa_family != form && ua->sa_family != AF_UNSPEC)
		return -EAFNOSUPPORT;
	wren_addr_from_in(ua, out);
	return 0;
}

int wren_addr_to_user(const struct sock *sk, __be32 addr, __be16 port,
		      struct sockaddr *ua)
{
	u8 form = READ_ONCE(wren_sk(sk)->addr_form);
	struct sockaddr_wren *sa = (struct sockaddr_wren *)ua;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ua;

	if (form == AF_INET6) {
		memset(s6, 0, sizeof(*s6));
		s6->sin6_family = AF_INET6;
		s6->sin6_port = port;
		if (addr)
			ipv6_addr_set_v4mapped(addr, &s6->sin6_addr);
		return sizeof(*s6);
	}
	memset(sa, 0, sizeof(*sa));
	sa->swren_family = form;
	sa->swren_port = port;
	sa->swren_addr = addr;
	return sizeof(*sa);
}

/* ---- the options: SOL_WREN, and IPPROTO_IPV6 on AF_INET6-form sockets ---- */

static bool wren_addr_form_ok(int val)
{
	return val == AF_WREN || val == AF_INET || val == AF_INET6;
}

int wren_addr_setsockopt(struct sock *sk, int level, int optname,
			 sockptr_t optval, unsigned int optlen)
{
	struct wren_sock *ws = wren_sk(sk);
	int val, err = 0;

	if (level == SOL_WREN && optname != WREN_SO_FAMILY &&
	    optname != WREN_SO_REUSEPORT)
		return -ENOPROTOOPT;
	if (level == SOL_IPV6 &&
	    (optname != IPV6_V6ONLY || READ_ONCE(ws->addr_form) != AF_INET6))
		return -ENOPROTOOPT;
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	if (level == SOL_WREN && optname == WREN_SO_REUSEPORT) {
		/* Not an address form: here because SOL_WREN comes here. */
		sk->sk_reuseport = !!val;
	} else if (level == SOL_WREN) {
		/* The form is chosen before the socket has an address. */
		if (!wren_addr_form_ok(val) || ws->num ||
		    sk->sk_state != TCP_CLOSE)
			err = -EINVAL;
		else
			WRITE_ONCE(ws->addr_form, val);
	} else {
		/* As Linux: only before bind (inet_num) changes it. */
		if (ws->num || sk->sk_state != TCP_CLOSE)
			err = -EINVAL;
		else
			WRITE_ONCE(ws->v6only, !!val);
	}
	release_sock(sk);
	return err;
}

int wren_addr_getsockopt(struct sock *sk, int level, int optname,
			 char __user *optval, int __user *optlen)
{
	struct wren_sock *ws = wren_sk(sk);
	int val, len;

	if (level == SOL_WREN && optname == WREN_SO_FAMILY)
		val = READ_ONCE(ws->addr_form);
	else if (level == SOL_WREN && optname == WREN_SO_REUSEPORT)
		val = sk->sk_reuseport;
	else if (level == SOL_IPV6 && optname == IPV6_V6ONLY &&
		 READ_ONCE(ws->addr_form) == AF_INET6)
		val = READ_ONCE(ws->v6only);
	else
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	len = min_t(int, len, sizeof(val));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}
