// SPDX-License-Identifier: GPL-2.0
/*
 * wren: UDP (RFC 768).
 *
 * Receive: wren_udp_rcv() checks length and checksum, finds the socket in
 * the namespace's port table under RCU and queues the datagram (UDP header
 * pulled) on sk_receive_queue, bounded by SO_RCVBUF.  Broadcasts go to
 * every matching socket.  A unicast datagram nobody listens for earns an
 * ICMP port unreachable.
 *
 * Send: one skb per datagram from wren_dgram_alloc() (linear up to two
 * pages, page fragments above), its checksum summed from the user's data,
 * handed to wren_ip_output() (which fragments: DF is never set).
 *
 * IP reaches this file through wren_udp_protocol (protocol.c).
 *
 * ICMP errors about datagrams we sent reach a connected socket as its
 * sk_err (reported by the next call), as Linux without IP_RECVERR; with
 * it, every socket hears them and they queue for MSG_ERRQUEUE (datagram.c).
 */
#include <linux/filter.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/icmp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/sock.h>
#include <net/udp.h>
#include "netns.h"
#include "sock.h"

#define WREN_UDP_EPHEMERAL_LOW	32768
#define WREN_UDP_EPHEMERAL_HIGH	60999
/* 65535 - 20 (IP header) - 8 (UDP header) */
#define WREN_UDP_MAX_PAYLOAD	65507

/* Per-namespace UDP state, behind wn->udp. */
struct wren_udp_table {
	struct wren_port_table	ports;
};

static struct wren_port_table *wren_udp_ports(const struct sock *sk)
{
	return &wren_net(sock_net(sk))->udp->ports;
}

/* ---- socket calls ----------------------------------------------------------- */

static int wren_udp_get_port(struct sock *sk, unsigned short snum)
{
	return wren_port_get(wren_udp_ports(sk), sk, snum);
}

static void wren_udp_unhash(struct sock *sk)
{
	wren_port_put(wren_udp_ports(sk), sk);
}

static int wren_udp_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct wren_sock *ws = wren_sk(sk);
	struct net *net = sock_net(sk);
	struct wren_net *wn = wren_net(net);
	struct wren_uaddr ua;
	struct wren_flow fl;
	struct wren_ipc ipc;
	struct sk_buff *skb;
	struct udphdr *uh;
	__be32 daddr;
	__be16 dport;
	__wsum csum;
	int ulen;
	int err;

	if (len > WREN_UDP_MAX_PAYLOAD)
		return -EMSGSIZE;
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;

	if (msg->msg_name) {
		err = wren_addr_from_user(sk, msg->msg_name, msg->msg_namelen,
					  WREN_ADDR_SEND, &ua);
		if (err)
			return err;
	}
	if (msg->msg_name && !ua.none) {
		daddr = ua.addr;
		dport = ua.port;
		if (!dport)
			return -EINVAL;
	} else {
		if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
			return -EDESTADDRREQ;
		daddr = READ_ONCE(ws->daddr);
		dport = READ_ONCE(ws->dport);
	}

	err = wren_ip_cmsg_send(sk, msg, &ipc);
	if (err)
		return err;
	err = wren_dgram_route(sk, daddr, IPPROTO_UDP, &ipc, &fl);
	if (err)
		return err;

	ulen = len + sizeof(*uh);
	skb = wren_dgram_alloc(sk, msg, sizeof(*uh), len, &csum, &err);
	if (!skb) {
		if (err == -ENOBUFS)
			WREN_INC(wn, Udp, SndbufErrors);
		return err;
	}
	uh = udp_hdr(skb);

	uh->source = READ_ONCE(ws->sport);
	uh->dest = dport;
	uh->len = htons(ulen);
	csum = csum_partial(uh, sizeof(*uh), csum);
	uh->check = csum_tcpudp_magic(fl.saddr, fl.daddr, ulen, IPPROTO_UDP,
				      csum);
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;	/* 0 would mean "none" */
	skb->ip_summed = CHECKSUM_NONE;
	skb->priority = READ_ONCE(sk->sk_priority);
	skb->mark = ipc.mark;

	err = wren_ip_output(net, skb, &fl);
	if (err == -ENOBUFS) {
		/* Linux reports this only under IP_RECVERR. */
		WREN_INC(wn, Udp, SndbufErrors);
		if (!(READ_ONCE(wren_sk(sk)->cmsg_flags) & WREN_CMSG_RECVERR))
			err = 0;
	}
	if (err)
		return err;
	WREN_INC(wn, Udp, OutDatagrams);
	return len;
}

static int wren_udp_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			    int flags, int *addr_len)
{
	bool delivered;
	int err;

	err = wren_dgram_recvmsg(sk, msg, len, flags, addr_len, &delivered);
	if (err == -EFAULT && !(flags & MSG_PEEK))
		WREN_INC(wren_net(sock_net(sk)), Udp, InErrors);
	if (delivered)
		WREN_INC(wren_net(sock_net(sk)), Udp, InDatagrams);
	return err;
}

struct proto wren_udp_prot = {
	.name		= "WREN_UDP",
	.owner		= THIS_MODULE,
	.close		= wren_dgram_close,
	.connect	= wren_dgram_connect,
	.disconnect	= wren_dgram_disconnect,
	.sendmsg	= wren_udp_sendmsg,
	.recvmsg	= wren_udp_recvmsg,
	.unhash		= wren_udp_unhash,
	.get_port	= wren_udp_get_port,
	.obj_size	= sizeof(struct wren_sock),
};

/* ---- receive ---------------------------------------------------------------- */

/*
 * Queue skb (data at the UDP header) on sk.  Consumes skb.  The socket may
 * be closing; it is not freed before the caller leaves RCU.
 */
static void wren_udp_queue(struct wren_net *wn, struct sock *sk,
			   struct sk_buff *skb)
{
	/* A socket filter sees the datagram from its UDP header, as Linux's. */
	if (sk_filter_trim_cap(sk, skb, sizeof(struct udphdr))) {
		atomic_inc(&sk->sk_drops);
		WREN_INC(wn, Udp, InErrors);
		wren_drop(wn, skb, WREN_DROP_UDP_FILTER);
		return;
	}
	__skb_pull(skb, sizeof(struct udphdr));
	if (__sock_queue_rcv_skb(sk, skb) < 0) {
		/* __sock_queue_rcv_skb() counted it in sk->sk_drops. */
		WREN_INC(wn, Udp, RcvbufErrors);
		WREN_INC(wn, Udp, InErrors);
		wren_drop(wn, skb, WREN_DROP_UDP_RCVBUF);
		return;
	}
	WREN_INC(wn, WrenFrames, InConsumed);
}

/* Deliver a broadcast to every socket that matches; RCU held. */
static void wren_udp_bcast(struct wren_net *wn, struct wren_udp_table *ut,
			   struct sk_buff *skb, const struct iphdr *iph,
			   const struct udphdr *uh)
{
	struct wren_port_table *t = &ut->ports;
	u16 lport = ntohs(uh->dest);
	int dif = skb->dev ? skb->dev->ifindex : 0;
	struct sock *first = NULL;
	struct wren_sock *ws;

	hlist_for_each_entry_rcu(ws, wren_port_bucket(t, lport), port_node) {
		struct sk_buff *c;

		if (!wren_sock_match(t, &ws->sk, iph->saddr, uh->source,
				     iph->daddr, lport, dif))
			continue;
		if (!first) {
			first = &ws->sk;
			continue;
		}
		/* A copy for each socket after the first (see mib.h). */
		WREN_INC(wn, WrenFrames, InDerived);
		c = skb_clone(skb, GFP_ATOMIC);
		if (!c) {
			atomic_inc(&ws->sk.sk_drops);
			WREN_INC(wn, Udp, RcvbufErrors);
			WREN_INC(wn, Udp, InErrors);
			WREN_DROP_COUNT(wn, NOMEM);
			continue;
		}
		wren_udp_queue(wn, &ws->sk, c);
	}
	if (first) {
		wren_udp_queue(wn, first, skb);
	} else {
		WREN_INC(wn, Udp, IgnoredMulti);
		wren_consume(wn, skb);
	}
}

void wren_udp_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	struct wren_net *wn = wren_net(net);
	struct wren_udp_table *ut;
	const struct iphdr *iph;
	const struct udphdr *uh;
	struct sock *sk;
	unsigned int ulen;

	if (!pskb_may_pull(skb, sizeof(*uh))) {
		WREN_INC(wn, Udp, InErrors);
		wren_drop(wn, skb, WREN_DROP_UDP_TRUNCATED);
		return;
	}
	skb_reset_transport_header(skb);
	uh = udp_hdr(skb);
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len) {
		WREN_INC(wn, Udp, InErrors);
		wren_drop(wn, skb, WREN_DROP_UDP_BAD_LEN);
		return;
	}
	if (ulen < skb->len) {
		if (pskb_trim_rcsum(skb, ulen)) {
			WREN_INC(wn, Udp, InErrors);
			wren_drop(wn, skb, WREN_DROP_NOMEM);
			return;
		}
		uh = udp_hdr(skb);
	}
	iph = ip_hdr(skb);

	/* Zero means the sender computed no checksum. */
	if (uh->check && skb->ip_summed != CHECKSUM_UNNECESSARY) {
		__wsum csum = skb_checksum(skb, 0, ulen, 0);

		if (csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
				      IPPROTO_UDP, csum)) {
			WREN_INC(wn, Udp, InCsumErrors);
			WREN_INC(wn, Udp, InErrors);
			wren_drop(wn, skb, WREN_DROP_UDP_BAD_CSUM);
			return;
		}
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	}

	rcu_read_lock();
	ut = READ_ONCE(wn->udp);
	if (unlikely(!ut)) {
		/* the namespace is going away */
		rcu_read_unlock();
		wren_drop(wn, skb, WREN_DROP_UDP_NO_PORT);
		return;
	}
	/* By the IP destination, as Linux's route type: not the frame's. */
	if (ipv4_is_multicast(iph->daddr) ||
	    wren_addr_is_broadcast(net, iph->daddr)) {
		wren_udp_bcast(wn, ut, skb, iph, uh);
		rcu_read_unlock();
		return;
	}

	sk = wren_port_lookup_rcu(&ut->ports, iph->saddr, uh->source,
				  iph->daddr, ntohs(uh->dest),
				  skb->dev->ifindex);
	if (sk) {
		wren_udp_queue(wn, sk, skb);
		rcu_read_unlock();
		return;
	}
	rcu_read_unlock();

	WREN_INC(wn, Udp, NoPorts);
	wren_icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0);
	wren_drop(wn, skb, WREN_DROP_UDP_NO_PORT);
}

static void wren_udp_err(struct net *net, struct sk_buff *skb, u8 type,
			 u8 code, u32 info, __be32 from)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct udphdr *uh;
	struct wren_net *wn = wren_net(net);
	struct wren_udp_table *ut;
	struct sock *sk = NULL;

	uh = (const struct udphdr *)(skb->data + iph->ihl * 4);

	rcu_read_lock();
	/* Our datagram: we were its source, the peer its destination. */
	ut = READ_ONCE(wn->udp);
	if (ut)
		sk = wren_port_lookup_rcu(&ut->ports, iph->daddr, uh->dest,
					  iph->saddr, ntohs(uh->source), 0);
	if (!sk) {
		rcu_read_unlock();
		WREN_INC(wn, Icmp, InErrors);
		return;
	}
	wren_dgram_icmp_err(sk, skb, type, code, info, from, sizeof(*uh),
			    uh->dest);
	rcu_read_unlock();
}

/* A device shared with Linux: is a broadcast to port ours too?  RCU. */
static bool wren_udp_holds_port(struct wren_net *wn, u16 port)
{
	struct wren_udp_table *ut = READ_ONCE(wn->udp);
	struct wren_sock *ws;

	if (!ut)
		return false;
	hlist_for_each_entry_rcu(ws, wren_port_bucket(&ut->ports, port),
				 port_node)
		if (READ_ONCE(ws->num) == port)
			return true;
	return false;
}

const struct wren_protocol wren_udp_protocol = {
	.handler	= wren_udp_rcv,
	.err_handler	= wren_udp_err,
	.holds_port	= wren_udp_holds_port,
};

/* ---- per namespace ------------------------------------------------------------ */

int wren_udp_net_init(struct wren_net *wn)
{
	struct wren_udp_table *t;
	int err;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	err = wren_port_table_init(&t->ports, WREN_UDP_EPHEMERAL_LOW,
				   WREN_UDP_EPHEMERAL_HIGH);
	if (err)
		goto out_free;
	err = wren_port_proc_init(wn, "udp", &t->ports);
	if (err)
		goto out_table;
	wn->udp = t;
	return 0;

out_table:
	wren_port_table_destroy(&t->ports);
out_free:
	kfree(t);
	return err;
}

void wren_udp_net_exit(struct wren_net *wn)
{
	struct wren_udp_table *t = wn->udp;

	if (!t)
		return;
	wren_port_proc_exit(wn, "udp");
	WRITE_ONCE(wn->udp, NULL);
	synchronize_rcu();
	wren_port_table_destroy(&t->ports);
	kfree(t);
}
