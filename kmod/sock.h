/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren: the socket layer (af_wren.c, datagram.c, port.c, ip_sockglue.c)
 * and what the transports share.
 *
 * A wren socket is a struct sock whose protocol block (struct proto) is
 * one of wren_udp_prot, wren_ping_prot or wren_tcp_prot.  The memory
 * sk_alloc() hands out is a struct wren_sock, which starts with the
 * struct sock (TCP's struct wren_tcp_sock starts with a struct wren_sock).
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
	u8			addr_form;	/* AF_WREN, AF_INET, AF_INET6 */
	u8			v6only;		/* IPV6_V6ONLY (AF_INET6 form) */
	/*
	 * A V6ONLY socket bound to "::": it has its port number (num,
	 * sport) but is in no port table or listener hash, since wren has
	 * no IPv6 to receive on.  It binds and listens and never receives,
	 * as on a host without an IPv6 route, and leaves the IPv4 port to
	 * whoever binds it (nginx's "listen 80" beside "listen [::]:80").
	 */
	u8			ghost;
};

/*
 * Ancillary data a datagram socket asked for (IP_RECVTTL, IP_RECVTOS,
 * IP_PKTINFO), and IP_RECVERR: ICMP errors kept on the error queue.
 */
#define WREN_CMSG_TTL		0x1
#define WREN_CMSG_TOS		0x2
#define WREN_CMSG_PKTINFO	0x4
#define WREN_CMSG_RECVERR	0x8

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

static inline struct hlist_head *wren_port_bucket(struct wren_port_table *t,
						  u16 num)
{
	return &t->hash[num & t->mask];
}

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

/* ---- port.c: port tables ------------------------------------------------- */
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

/*
 * The best socket for a datagram from raddr:rport to laddr:lport arriving
 * on ifindex dif (0: do not check the bound device).  The connected peer's
 * port is compared only when the table's protocol has ports on both ends
 * (UDP, not ICMP echo).  An SO_REUSEPORT group at the best score shares
 * the flows by a hash of the 4-tuple.  Caller holds RCU; no reference is
 * taken.
 */
struct sock *wren_port_lookup_rcu(struct wren_port_table *t,
				  __be32 raddr, __be16 rport,
				  __be32 laddr, u16 lport, int dif);

/* /proc/net/wren/NAME under wn->proc_dir, listing table t.  0 or -ENOMEM. */
int wren_port_proc_init(struct wren_net *wn, const char *name,
			struct wren_port_table *t);
void wren_port_proc_exit(struct wren_net *wn, const char *name);

/* ---- datagram.c: the datagram socket calls (UDP, ping) ------------------- */
/*
 * The proto_ops half, for wren_dgram_ops (af_wren.c): each turns into the
 * socket's struct proto call.  sendmsg binds an ephemeral port first;
 * connect with AF_UNSPEC disconnects; ioctl knows SIOCINQ (the next
 * datagram's size) and SIOCOUTQ; options are SOL_IP's only.
 */
int wren_dgram_connect_op(struct socket *sock, struct sockaddr *uaddr,
			  int len, int flags);
int wren_dgram_sendmsg(struct socket *sock, struct msghdr *msg, size_t len);
int wren_dgram_recvmsg_op(struct socket *sock, struct msghdr *msg, size_t len,
			  int flags);
int wren_dgram_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg);
int wren_dgram_shutdown(struct socket *sock, int how);
int wren_dgram_setsockopt(struct socket *sock, int level, int optname,
			  sockptr_t optval, unsigned int optlen);
int wren_dgram_getsockopt(struct socket *sock, int level, int optname,
			  char __user *optval, int __user *optlen);

/* The struct proto half, which udp.c and ping.c use. */
/* Bind to an ephemeral port if not bound yet.  Socket lock held. */
int wren_dgram_autobind(struct sock *sk);
/* connect() on a datagram socket: route, pick the source, set the peer. */
int wren_dgram_connect(struct sock *sk, struct sockaddr *uaddr, int len);
/* connect(AF_UNSPEC): forget the peer; drop what bind did not pin. */
int wren_dgram_disconnect(struct sock *sk, int flags);
/* Close: unhash, orphan, drop the socket's own reference. */
void wren_dgram_close(struct sock *sk, long timeout);

/*
 * What a datagram's control messages ask of its sending, as Linux's
 * ip_cmsg_send(): IP_PKTINFO (IPV6_PKTINFO with a mapped address on an
 * AF_INET6-form socket) gives the source address and interface, IP_TTL
 * and IP_TOS the header's; SOL_SOCKET ones go to the socket core
 * (SO_MARK).  Fields left at their "none" say: the socket's own.
 */
struct wren_ipc {
	__be32	saddr;		/* 0: none */
	int	oif;		/* 0: none */
	int	ttl;		/* -1: none */
	int	tos;		/* -1: none */
	u32	mark;
};

/*
 * Resolve a destination for sending: route lookup (counting OutNoRoutes),
 * the broadcast permission check and the source address, with what @ipc
 * (may be NULL) asks.  Fills fl.  0, -ENETUNREACH, -EACCES, or -EINVAL
 * for a source address that is not ours.
 */
int wren_dgram_route(struct sock *sk, __be32 daddr, u8 proto,
		     const struct wren_ipc *ipc, struct wren_flow *fl);

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
 * An ICMP error (or a local one) about a datagram of sk: skb->data at its
 * IP header, thlen bytes of transport header after it, port its
 * destination port (0: none), from the error's sender.  Without
 * IP_RECVERR only a hard error on a connected socket is reported (sk_err);
 * with it every error is, and a copy of the datagram's payload goes to the
 * error queue for recvmsg(MSG_ERRQUEUE), as Linux's ip_icmp_error().  RCU.
 */
void wren_dgram_icmp_err(struct sock *sk, struct sk_buff *skb, u8 type,
			 u8 code, u32 info, __be32 from, unsigned int thlen,
			 __be16 port);

/* ---- ip_sockglue.c: SOL_IP options, for every socket type ---------------- */
/*
 * IP_TTL, IP_TOS, IP_RECVTTL, IP_RECVTOS, IP_PKTINFO, IP_RECVERR,
 * IP_OPTIONS (always empty); anything else -ENOPROTOOPT.
 * The caller has checked level == SOL_IP.  Takes the socket lock itself.
 */
int wren_ip_setsockopt(struct sock *sk, int optname, sockptr_t optval,
		       unsigned int optlen);
int wren_ip_getsockopt(struct sock *sk, int optname, char __user *optval,
		       int __user *optlen);
/*
 * Parse a datagram's control messages (struct wren_ipc, above) into ipc;
 * 0, or Linux's error (-EINVAL; the socket core's for SOL_SOCKET ones).
 */
int wren_ip_cmsg_send(struct sock *sk, struct msghdr *msg,
		      struct wren_ipc *ipc);

/* ---- sockaddr.c: the socket address forms -------------------------------- */
enum wren_addr_use { WREN_ADDR_BIND, WREN_ADDR_CONNECT, WREN_ADDR_SEND };

/* A user's socket address, parsed. */
struct wren_uaddr {
	__be32	addr;
	__be16	port;
	u16	family;		/* as given: AF_UNSPEC is left to the caller */
	bool	v6only_any;	/* "::" on a V6ONLY socket: no IPv4 (ghost) */
	/* sendto(AF_UNSPEC) in the AF_INET6 form: no address (udpv6_sendmsg) */
	bool	none;
};

/*
 * Parse what a program gave bind (@use WREN_ADDR_BIND), connect or
 * sendto, in the socket's form (addr_form).  0 or Linux's errno for that
 * family and call: -EINVAL (short), -EAFNOSUPPORT (another family),
 * -EADDRNOTAVAIL or -ENETUNREACH (an IPv6 address wren cannot have or
 * reach).  Reads the socket's form without its lock.
 */
int wren_addr_from_user(const struct sock *sk, const struct sockaddr *ua,
			int len, enum wren_addr_use use, struct wren_uaddr *out);
/*
 * Write addr:port in the socket's form at @ua (room for a struct
 * sockaddr_in6: the core's buffers are sockaddr_storage); its length.
 */
int wren_addr_to_user(const struct sock *sk, __be32 addr, __be16 port,
		      struct sockaddr *ua);
/*
 * SOL_WREN/WREN_SO_FAMILY, and SOL_IPV6/IPV6_V6ONLY on AF_INET6-form
 * sockets; -ENOPROTOOPT for anything else at those levels.  The caller
 * checked level is one of the two.  Takes the socket lock itself.
 */
int wren_addr_setsockopt(struct sock *sk, int level, int optname,
			 sockptr_t optval, unsigned int optlen);
int wren_addr_getsockopt(struct sock *sk, int level, int optname,
			 char __user *optval, int __user *optlen);

static inline bool wren_addr_level(int level)
{
	return level == SOL_WREN || level == SOL_IPV6;
}

/* ---- udp.c: the UDP struct proto ----------------------------------------- */
extern struct proto wren_udp_prot;

/* ---- ping.c: the ICMP echo struct proto ---------------------------------- */
extern struct proto wren_ping_prot;

#endif /* _WREN_SOCK_H */
