// SPDX-License-Identifier: GPL-2.0
/*
 * wren: the AF_WREN protocol family (the socket library boundary).
 *
 * socket(AF_WREN, type, protocol) lands in wren_create(), which finds the
 * type and protocol in wren_protosw and gives the socket that entry's
 * struct proto (udp.c, ping.c, tcp.c) and proto_ops table.  The tables are
 * here, as Linux's inet_dgram_ops and inet_stream_ops are in af_inet.c;
 * what their calls do lives with the socket type: datagram.c for UDP and
 * ping sockets, tcp.c for TCP.  The family's own calls are bind and
 * release, which every type shares, and getname, which the datagram types
 * use (TCP's reads the connection).
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/in.h>
#include <linux/random.h>
#include <net/sock.h>
#include "compat.h"
#include "netns.h"
#include "tcp.h"

/* ---- the family's own calls ---------------------------------------------- */

/*
 * bind("::") on a V6ONLY socket (struct wren_sock's ghost): a port number
 * and nothing else.  Port 0 gets a number from Linux's default ephemeral
 * range, as an IPv6 port of its own would be.
 */
static int wren_bind_ghost(struct sock *sk, unsigned short snum)
{
	struct wren_sock *ws = wren_sk(sk);
	struct net *net = sock_net(sk);
	int err = -EINVAL;

	if (snum && snum < PROT_SOCK &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;
	if (!snum)
		snum = 32768 + get_random_u32() % (60999 - 32768 + 1);
	lock_sock(sk);
	if (sk->sk_state == TCP_CLOSE && !ws->num) {
		WRITE_ONCE(ws->ghost, 1);
		WRITE_ONCE(ws->num, snum);
		WRITE_ONCE(ws->sport, htons(snum));
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
		err = 0;
	}
	release_sock(sk);
	return err;
}

static int wren_bind(struct socket *sock, struct sockaddr *uaddr, int len)
{
	struct sock *sk = sock->sk;
	struct wren_sock *ws = wren_sk(sk);
	struct net *net = sock_net(sk);
	struct wren_uaddr ua;
	unsigned short snum;
	__be32 addr;
	bool nonuni;
	int err;

	err = wren_addr_from_user(sk, uaddr, len, WREN_ADDR_BIND, &ua);
	if (err)
		return err;
	/* Linux's compatibility case: AF_UNSPEC with INADDR_ANY. */
	if (ua.family == AF_UNSPEC && ua.addr != htonl(INADDR_ANY))
		return -EAFNOSUPPORT;
	if (ua.v6only_any)
		return wren_bind_ghost(sk, ntohs(ua.port));

	addr = ua.addr;
	nonuni = ipv4_is_multicast(addr) || wren_addr_is_broadcast(net, addr);
	if (addr && !nonuni && !wren_addr_is_local(net, addr))
		return -EADDRNOTAVAIL;

	snum = ntohs(ua.port);
	if (snum && snum < PROT_SOCK && sk->sk_protocol == IPPROTO_UDP &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != TCP_CLOSE || ws->num)
		goto out;

	WRITE_ONCE(ws->rcv_saddr, addr);
	WRITE_ONCE(ws->saddr, nonuni ? 0 : addr);
	err = sk->sk_prot->get_port(sk, snum);
	if (err) {
		WRITE_ONCE(ws->rcv_saddr, 0);
		WRITE_ONCE(ws->saddr, 0);
		err = -EADDRINUSE;
		goto out;
	}
	if (addr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (snum)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
	WRITE_ONCE(ws->daddr, 0);
	WRITE_ONCE(ws->dport, 0);
out:
	release_sock(sk);
	return err;
}

static int wren_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sock *sk = sock->sk;
	struct wren_sock *ws = wren_sk(sk);
	int len;

	lock_sock(sk);
	if (peer) {
		if (!ws->dport || sk->sk_state == TCP_CLOSE) {
			release_sock(sk);
			return -ENOTCONN;
		}
		len = wren_addr_to_user(sk, ws->daddr, ws->dport, uaddr);
	} else {
		len = wren_addr_to_user(sk, ws->rcv_saddr ?: ws->saddr,
					ws->sport, uaddr);
	}
	release_sock(sk);
	return len;
}

static int wren_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	long timeout = 0;

	if (!sk)
		return 0;
	if (sock_flag(sk, SOCK_LINGER) && !(current->flags & PF_EXITING))
		timeout = sk->sk_lingertime;
	sock->sk = NULL;
	sk->sk_prot->close(sk, timeout);
	return 0;
}

/* ---- the proto_ops tables ------------------------------------------------- */

static const struct proto_ops wren_dgram_ops = {
	.family		= PF_WREN,
	.owner		= THIS_MODULE,
	.release	= wren_release,
	.bind		= wren_bind,
	.connect	= wren_dgram_connect_op,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= wren_getname,
	.poll		= datagram_poll,
	.ioctl		= wren_dgram_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= sock_no_listen,
	.shutdown	= wren_dgram_shutdown,
	.setsockopt	= wren_dgram_setsockopt,
	.getsockopt	= wren_dgram_getsockopt,
	.sendmsg	= wren_dgram_sendmsg,
	.recvmsg	= wren_dgram_recvmsg_op,
	.mmap		= sock_no_mmap,
	WREN_OPS_NO_SENDPAGE
};

/* TCP's getname reads the connection, not struct wren_sock's fields. */
static const struct proto_ops wren_stream_ops = {
	.family		= PF_WREN,
	.owner		= THIS_MODULE,
	.release	= wren_release,
	.bind		= wren_bind,
	.connect	= wren_tcp_connect_op,
	.socketpair	= sock_no_socketpair,
	.accept		= wren_tcp_accept,
	.getname	= wren_tcp_getname,
	.poll		= wren_tcp_poll,
	.ioctl		= wren_tcp_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= wren_tcp_listen,
	.shutdown	= wren_tcp_shutdown_op,
	.setsockopt	= wren_tcp_setsockopt,
	.getsockopt	= wren_tcp_getsockopt,
	.sendmsg	= wren_tcp_sendmsg,
	.recvmsg	= wren_tcp_recvmsg,
	.mmap		= sock_no_mmap,
	WREN_OPS_NO_SENDPAGE
};

/* ---- the family ------------------------------------------------------------ */

static void wren_sock_destruct(struct sock *sk)
{
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_error_queue);
	WARN_ON_ONCE(atomic_read(&sk->sk_rmem_alloc));
	WARN_ON_ONCE(!hlist_unhashed(&wren_sk(sk)->port_node));
}

/*
 * What socket(AF_WREN, type, protocol) makes: the first entry of a type is
 * its default (protocol 0).  A new socket type is one line here.
 */
static const struct wren_protosw {
	unsigned short		type;
	u8			protocol;
	struct proto		*prot;
	const struct proto_ops	*ops;
} wren_protosw[] = {
	{ SOCK_DGRAM,	IPPROTO_UDP,	&wren_udp_prot,	 &wren_dgram_ops },
	{ SOCK_DGRAM,	IPPROTO_ICMP,	&wren_ping_prot, &wren_dgram_ops },
	{ SOCK_STREAM,	IPPROTO_TCP,	&wren_tcp_prot,	 &wren_stream_ops },
};

/*
 * Lockdep names a socket's locks after its family's slot in the core's
 * table, and slot 25 reads AF_WANPIPE.  wren's sockets get a class and
 * name of their own; a child from sk_clone_lock() gets the family default
 * again, with its spinlock held, so it is moved over with lock_set_class().
 */
static struct lock_class_key wren_slock_key, wren_sk_key;

void wren_sock_clone_lockdep(struct sock *child)
{
	lock_set_class(&child->sk_lock.slock.dep_map, "slock-AF_WREN",
		       &wren_slock_key, 0, _RET_IP_);
	lockdep_init_map(&child->sk_lock.dep_map, "sk_lock-AF_WREN",
			 &wren_sk_key, 0);
}

/*
 * Errors as AF_INET gives them: a type wren has no protocol of (SOCK_RAW,
 * SOCK_SEQPACKET) is ESOCKTNOSUPPORT, a known type with an unknown
 * protocol EPROTONOSUPPORT.
 */
static int wren_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	const struct wren_protosw *sw = NULL;
	struct wren_sock *ws;
	struct sock *sk;
	unsigned int i;
	int err;

	if (protocol < 0 || protocol >= IPPROTO_MAX)
		return -EINVAL;
	if (!wren_net(net))
		return -EAFNOSUPPORT;

	err = -ESOCKTNOSUPPORT;
	for (i = 0; i < ARRAY_SIZE(wren_protosw); i++) {
		if (wren_protosw[i].type != sock->type)
			continue;
		err = -EPROTONOSUPPORT;
		if (!protocol || protocol == wren_protosw[i].protocol) {
			sw = &wren_protosw[i];
			break;
		}
	}
	if (!sw)
		return err;
	protocol = sw->protocol;

	sock->state = SS_UNCONNECTED;
	sk = sk_alloc(net, PF_WREN, GFP_KERNEL, sw->prot, kern);
	if (!sk)
		return -ENOBUFS;

	sock->ops = sw->ops;
	sock_init_data(sock, sk);
	sock_lock_init_class_and_name(sk, "slock-AF_WREN", &wren_slock_key,
				      "sk_lock-AF_WREN", &wren_sk_key);
	sk->sk_protocol = protocol;
	sk->sk_destruct = wren_sock_destruct;
	sock_set_flag(sk, SOCK_RCU_FREE);

	ws = wren_sk(sk);
	INIT_HLIST_NODE(&ws->port_node);
	ws->rcv_saddr = 0;
	ws->saddr = 0;
	ws->daddr = 0;
	ws->dport = 0;
	ws->sport = 0;
	ws->num = 0;
	ws->ttl = 0;
	ws->tos = 0;
	ws->addr_form = AF_WREN;
	ws->v6only = 0;
	ws->ghost = 0;
	ws->cmsg_flags = 0;

	if (sk->sk_prot->init) {
		err = sk->sk_prot->init(sk);
		if (err) {
			sk_common_release(sk);
			sock->sk = NULL;
			return err;
		}
	}
	return 0;
}

static const struct net_proto_family wren_family_ops = {
	.family	= PF_WREN,
	.create	= wren_create,
	.owner	= THIS_MODULE,
};

/* Is wren_protosw[i] the first entry with its struct proto? */
static bool wren_protosw_first(unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (wren_protosw[j].prot == wren_protosw[i].prot)
			return false;
	return true;
}

static void wren_proto_unregister(unsigned int n)
{
	while (n-- > 0)
		if (wren_protosw_first(n))
			proto_unregister(wren_protosw[n].prot);
}

int wren_sock_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(wren_protosw); i++) {
		if (!wren_protosw_first(i))
			continue;
		err = proto_register(wren_protosw[i].prot, 1);
		if (err) {
			wren_proto_unregister(i);
			return err;
		}
	}
	err = sock_register(&wren_family_ops);
	if (err)
		wren_proto_unregister(ARRAY_SIZE(wren_protosw));
	return err;
}

void wren_sock_exit(void)
{
	sock_unregister(PF_WREN);
	wren_proto_unregister(ARRAY_SIZE(wren_protosw));
}
