/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren: the socket layer (af_wren.c) and what the transports share.
 *
 * A wren socket is a struct sock whose protocol block (struct proto) is
 * one of wren_udp_prot, wren_ping_prot (and, later, TCP's).  The memory
 * sk_alloc() hands out is a struct wren_sock, which starts with the
 * struct sock.
 *
 * Ports (UDP ports, ICMP echo identifiers) live in a struct
 * wren_port_table, one per protocol per namespace, hashed by port number
 * only so that the receive path reads one bucket per packet.  TCP has its
 * own bind buckets (tcp.h, tcp_hash.c).
 */
#ifndef _WREN_SOCK_H
#define _WREN_SOCK_H

#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/seq_file.h>
#include <linux/spinlock.h>
#include <net/sock.h>
#include "wren.h"

/*
 * Locking of struct wren_sock:
 *  - every field is written with the socket lock (lock_sock) held;
 *  - num, sport and port_node are in addition written under the port
 *    table's lock; rcv_saddr is set before the socket is hashed, and
 *    changed while hashed only by connect() and disconnect(), which (as in
 *    Linux) do not re-check bind conflicts;
 *  - the receive and ICMP-error paths read rcv_saddr, daddr, dport, num
 *    under RCU without the socket lock (READ_ONCE/WRITE_ONCE pairs);
 *  - the send path reads saddr, daddr, dport, sport, ttl, tos without the
 *    socket lock too, as Linux's udp_sendmsg does: a send racing a
 *    connect() on the same socket goes to either the old or the new peer.
 * Sockets are freed after an RCU grace period (SOCK_RCU_FREE), so a
 * socket found in a bucket under RCU stays valid until rcu_read_unlock().
 */
struct wren_sock {
	struct sock		sk;		/* must be first */
	struct hlist_node	port_node;	/* port table bucket */
	__be32			rcv_saddr;	/* bound address, 0: any */
	__be32			saddr;		/* source to send from, 0: route's */
	__be32			daddr;		/* connected peer, 0: none */
	__be16			dport;		/* connected peer port */
	__be16			sport;		/* local port / echo id */
	u16			num;		/* local port, host order; 0: unbound */
	u8			ttl;		/* IP_TTL, 0: IP's default */
	u8			tos;		/* IP_TOS */
	u8			cmsg_flags;	/* WREN_CMSG_* */
};

/* Ancillary data a datagram socket asked for (IP_RECVTTL, IP_RECVTOS). */
#define WREN_CMSG_TTL	0x1
#define WREN_CMSG_TOS	0x2

static inline struct wren_sock *wren_sk(const struct sock *sk)
{
	return (struct wren_sock *)sk;
}

/*
 * Sockets of one protocol in one namespace, by local port.  bind, autobind,
 * disconnect and close take @lock (process context only); readers on the
 * receive path and /proc walk a bucket under RCU.  A socket moves between
 * buckets only through an unhash and a later hash, so an RCU reader may
 * miss a socket that is being rebound at that instant, never see a freed
 * one.
 */
struct wren_port_table {
	spinlock_t		lock;		/* writers of hash, count */
	struct hlist_head	*hash;		/* hash[num & mask] */
	unsigned int		mask;
	unsigned int		count;		/* sockets hashed, under @lock */
	u16			low, high;	/* ephemeral range, inclusive */
	bool			peer_ports;	/* peers have ports: not ICMP echo */
};

#define WREN_PORT_HASH_SIZE	1024

/* A table whose peers have ports (peer_ports), as UDP and TCP. */
int wren_port_table_init(struct wren_port_table *t, u16 low, u16 high);
/*
 * Free the buckets.  The caller first unpublishes the table (wn->udp =
 * NULL) and waits for an RCU grace period: packets may still arrive while
 * the namespace is torn down, the devices being detached after the
 * transports.
 */
void wren_port_table_destroy(struct wren_port_table *t);

/*
 * Give sk the local port snum, or when snum is 0 one chosen at random in
 * the table's ephemeral range (RFC 6056, algorithm 1).  The socket's
 * rcv_saddr must already be set.  Socket lock held.  0 or -EADDRINUSE.
 */
int wren_port_get(struct wren_port_table *t, struct sock *sk,
		  unsigned short snum);
/* Take sk out of the table (no-op when not hashed).  Socket lock held. */
void wren_port_put(struct wren_port_table *t, struct sock *sk);

static inline struct hlist_head *wren_port_bucket(struct wren_port_table *t,
						  u16 num)
{
	return &t->hash[num & t->mask];
}

/*
 * The best socket for a datagram from raddr:rport to laddr:lport arriving
 * on ifindex dif (0: do not check the bound device).  The connected peer's
 * port is compared only when the table's protocol has ports on both ends
 * (UDP, not ICMP echo).  Caller holds RCU; no reference is taken.
 */
struct sock *wren_port_lookup_rcu(struct wren_port_table *t,
				  __be32 raddr, __be16 rport,
				  __be32 laddr, u16 lport, int dif);

/* Does sk accept a datagram to laddr:lport from raddr:rport on dif? */
static inline bool wren_sock_match(const struct wren_port_table *t,
				   const struct sock *sk, __be32 raddr,
				   __be16 rport, __be32 laddr, u16 lport,
				   int dif)
{
	const struct wren_sock *ws = wren_sk(sk);
	__be32 a;
	int bound;

	if (READ_ONCE(ws->num) != lport)
		return false;
	a = READ_ONCE(ws->rcv_saddr);
	if (a && a != laddr)
		return false;
	a = READ_ONCE(ws->daddr);
	if (a && a != raddr)
		return false;
	if (t->peer_ports && READ_ONCE(ws->dport) &&
	    READ_ONCE(ws->dport) != rport)
		return false;
	bound = READ_ONCE(sk->sk_bound_dev_if);
	if (bound && dif && bound != dif)
		return false;
	return true;
}

/* ---- proto_ops every wren socket type can use (af_wren.c) ------------ */
/* close(): sk->sk_prot->close(sk, linger timeout). */
int wren_release(struct socket *sock);
/* bind(), as AF_INET's: address checks, then sk->sk_prot->get_port(). */
int wren_bind(struct socket *sock, struct sockaddr *uaddr, int len);
/* getsockname()/getpeername() from struct wren_sock. */
int wren_getname(struct socket *sock, struct sockaddr *uaddr, int peer);
/* SOL_IP options: IP_TTL, IP_TOS, IP_RECVTTL, IP_RECVTOS. */
int wren_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen);
int wren_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen);

/* ---- the datagram socket calls shared by UDP and ping (af_wren.c) ----- */

/* Bind to an ephemeral port if not bound yet.  Socket lock held. */
int wren_dgram_autobind(struct sock *sk);
/* connect() on a datagram socket: route, pick the source, set the peer. */
int wren_dgram_connect(struct sock *sk, struct sockaddr *uaddr, int len);
/* connect(AF_UNSPEC): forget the peer; drop what bind did not pin. */
int wren_dgram_disconnect(struct sock *sk, int flags);
/* Close: unhash, orphan, drop the socket's own reference. */
void wren_dgram_close(struct sock *sk, long timeout);

/*
 * Resolve a destination for sending: route lookup (counting OutNoRoutes),
 * the broadcast permission check and the source address.  Fills fl.
 * 0, -ENETUNREACH or -EACCES.
 */
int wren_dgram_route(struct sock *sk, __be32 daddr, u8 proto,
		     struct wren_flow *fl);

/*
 * Allocate a datagram to send (charged to sk's send buffer, blocking as
 * SO_SNDTIMEO and MSG_DONTWAIT say) with hlen bytes of transport header
 * at skb->data, for the caller to fill, followed by len bytes copied from
 * msg.  *csum is the checksum of those len bytes.  Large datagrams keep
 * their data in page fragments, so no high-order allocation is needed.
 * NULL with *err set (-EFAULT for a bad user buffer).
 */
struct sk_buff *wren_dgram_alloc(struct sock *sk, struct msghdr *msg,
				 unsigned int hlen, size_t len, __wsum *csum,
				 int *err);

/*
 * Receive one queued datagram.  skb->data is at what the user gets (UDP:
 * the payload; ping: the ICMP header), ip_hdr() gives the source.  The
 * source port written to msg_name is the UDP source port, or 0 for ping.
 * *delivered tells the caller a datagram was taken off the queue (for the
 * MIB); on a copy fault the datagram is dropped as Linux does.
 */
int wren_dgram_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		       int flags, int *addr_len, bool *delivered);

/*
 * Map an ICMP error to an errno; true if it is one that a connected
 * socket reports (Linux's "hard" errors, plus net/host unreachable, which
 * wren also reports to connected sockets as the ARP-failure case needs).
 */
bool wren_icmp_err_convert(u8 type, u8 code, int *err);
/* Report err on sk if it is connected (no IP_RECVERR in wren). */
void wren_dgram_report_err(struct sock *sk, int err);

/* ---- /proc/net/wren/{udp,ping} (af_wren.c) ------------------------------ */
/* Register name under wn->proc_dir, listing table t.  0 or -ENOMEM. */
int wren_port_proc_init(struct wren_net *wn, const char *name,
			struct wren_port_table *t);
void wren_port_proc_exit(struct wren_net *wn, const char *name);

/* ---- protocols --------------------------------------------------------- */
extern struct proto wren_udp_prot;	/* udp.c */
extern struct proto wren_ping_prot;	/* ping.c */

#endif /* _WREN_SOCK_H */
