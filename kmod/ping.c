// SPDX-License-Identifier: GPL-2.0
/*
 * wren: ICMP echo ("ping") sockets, socket(AF_WREN, SOCK_DGRAM, IPPROTO_ICMP),
 * as Linux's ping sockets.
 *
 * The socket's "port" is the echo identifier: bound explicitly, or chosen
 * at random on first use.  The user writes an ICMP header (type 8, code 0)
 * and payload; wren fills in the identifier and the checksum.  Echo
 * replies carrying the identifier come back whole (ICMP header and
 * payload).  ICMP errors about our echo requests reach a connected socket
 * as sk_err, as for UDP.
 *
 * Unlike Linux there is no ping_group_range: any user may open one.
 */
#include <linux/filter.h>
#include <linux/icmp.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <net/checksum.h>
#include <net/sock.h>
#include "netns.h"
#include "sock.h"

/* 65535 - 20 (IP header): the ICMP message, header included */
#define WREN_PING_MAX_LEN	65515

/* Per-namespace ping state, behind wn->ping. */
struct wren_ping_table {
	struct wren_port_table	ids;
};

static struct wren_port_table *wren_ping_ids(const struct sock *sk)
{
	return &wren_net(sock_net(sk))->ping->ids;
}

static int wren_ping_get_port(struct sock *sk, unsigned short snum)
{
	return wren_port_get(wren_ping_ids(sk), sk, snum);
}

static void wren_ping_unhash(struct sock *sk)
{
	wren_port_put(wren_ping_ids(sk), sk);
}

static int wren_ping_sendmsg(struct sock *sk, struct msghdr *msg, size_t len)
{
	struct wren_sock *ws = wren_sk(sk);
	struct net *net = sock_net(sk);
	struct icmphdr user, *icmph;
	struct wren_flow fl;
	struct wren_ipc ipc;
	struct sk_buff *skb;
	__be32 daddr;
	__wsum csum;
	int err;

	if (len > WREN_PING_MAX_LEN)
		return -EMSGSIZE;
	if (len < sizeof(user))
		return -EINVAL;
	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;

	if (msg->msg_name) {
		struct wren_uaddr ua;

		err = wren_addr_from_user(sk, msg->msg_name, msg->msg_namelen,
					  WREN_ADDR_SEND, &ua);
		if (err)
			return err;
		/* Linux's ping_v4_sendmsg() takes its own family only. */
		if (ua.family == AF_UNSPEC)
			return -EAFNOSUPPORT;
		daddr = ua.addr;
	} else {
		if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
			return -EDESTADDRREQ;
		daddr = READ_ONCE(ws->daddr);
	}

	if (memcpy_from_msg(&user, msg, sizeof(user)))
		return -EFAULT;
	if (user.type != ICMP_ECHO || user.code != 0)
		return -EINVAL;

	err = wren_ip_cmsg_send(sk, msg, &ipc);
	if (err)
		return err;
	err = wren_dgram_route(sk, daddr, IPPROTO_ICMP, &ipc, &fl);
	if (err)
		return err;

	skb = wren_dgram_alloc(sk, msg, sizeof(*icmph), len - sizeof(*icmph),
			       &csum, &err);
	if (!skb)
		return err;
	icmph = icmp_hdr(skb);
	icmph->type = ICMP_ECHO;
	icmph->code = 0;
	icmph->un.echo.id = READ_ONCE(ws->sport);
	icmph->un.echo.sequence = user.un.echo.sequence;
	icmph->checksum = csum_fold(csum_partial(icmph, sizeof(*icmph), csum));
	skb->ip_summed = CHECKSUM_NONE;
	skb->priority = READ_ONCE(sk->sk_priority);
	skb->mark = ipc.mark;

	err = wren_ip_output(net, skb, &fl);
	/* As for UDP: silent without IP_RECVERR. */
	if (err == -ENOBUFS &&
	    !(READ_ONCE(wren_sk(sk)->cmsg_flags) & WREN_CMSG_RECVERR))
		err = 0;
	if (err)
		return err;
	WREN_ICMP_OUT(wren_net(net), ICMP_ECHO);
	WREN_INC(wren_net(net), Icmp, OutMsgs);
	WREN_INC(wren_net(net), Icmp, OutEchos);
	return len;
}

static int wren_ping_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
			     int flags, int *addr_len)
{
	bool delivered;

	return wren_dgram_recvmsg(sk, msg, len, flags, addr_len, &delivered);
}

struct proto wren_ping_prot = {
	.name		= "WREN_PING",
	.owner		= THIS_MODULE,
	.close		= wren_dgram_close,
	.connect	= wren_dgram_connect,
	.disconnect	= wren_dgram_disconnect,
	.sendmsg	= wren_ping_sendmsg,
	.recvmsg	= wren_ping_recvmsg,
	.unhash		= wren_ping_unhash,
	.get_port	= wren_ping_get_port,
	.obj_size	= sizeof(struct wren_sock),
};

/* An echo reply: skb->data at the ICMP header.  Consumes skb. */
static void wren_ping_rcv(struct sk_buff *skb)
{
	struct wren_net *wn = wren_net(dev_net(skb->dev));
	struct wren_ping_table *pt;
	const struct icmphdr *icmph;
	const struct iphdr *iph;
	struct sock *sk = NULL;

	if (!pskb_may_pull(skb, sizeof(*icmph))) {
		wren_drop(wn, skb, WREN_DROP_ICMP_TRUNCATED);
		return;
	}
	skb_reset_transport_header(skb);
	icmph = icmp_hdr(skb);
	iph = ip_hdr(skb);

	rcu_read_lock();
	pt = READ_ONCE(wn->ping);
	if (pt)
		sk = wren_port_lookup_rcu(&pt->ids, iph->saddr, 0, iph->daddr,
					  ntohs(icmph->un.echo.id),
					  skb->dev->ifindex);
	if (!sk) {
		rcu_read_unlock();
		wren_drop(wn, skb, WREN_DROP_PING_NO_SOCKET);
		return;
	}
	if (sk_filter_trim_cap(sk, skb, sizeof(*icmph))) {
		atomic_inc(&sk->sk_drops);
		wren_drop(wn, skb, WREN_DROP_PING_FILTER);
	} else if (__sock_queue_rcv_skb(sk, skb) < 0) {
		wren_drop(wn, skb, WREN_DROP_PING_RCVBUF);
	} else {
		WREN_INC(wn, WrenFrames, InConsumed);
	}
	rcu_read_unlock();
}

/* An ICMP error about an echo request of ours (icmp.c checked the type). */
static void wren_ping_err(struct net *net, struct sk_buff *skb, u8 type,
			  u8 code, u32 info, __be32 from)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct icmphdr *icmph;
	struct wren_net *wn = wren_net(net);
	struct wren_ping_table *pt;
	struct sock *sk = NULL;

	icmph = (const struct icmphdr *)(skb->data + iph->ihl * 4);
	rcu_read_lock();
	pt = READ_ONCE(wn->ping);
	if (pt)
		sk = wren_port_lookup_rcu(&pt->ids, iph->daddr, 0, iph->saddr,
					  ntohs(icmph->un.echo.id), 0);
	if (sk)
		wren_dgram_icmp_err(sk, skb, type, code, info, from,
				    sizeof(*icmph), 0);
	rcu_read_unlock();
}

/* ICMP's echo taker (wren_icmp_add_echo), not an IP protocol of its own. */
const struct wren_protocol wren_ping_protocol = {
	.handler	= wren_ping_rcv,
	.err_handler	= wren_ping_err,
};

int wren_ping_net_init(struct wren_net *wn)
{
	struct wren_ping_table *t;
	int err;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	/* Identifiers 1..65535, as Linux's ping sockets (0 is never used). */
	err = wren_port_table_init(&t->ids, 1, 65535);
	if (err)
		goto out_free;
	t->ids.peer_ports = false;	/* an echo reply has no source port */
	err = wren_port_proc_init(wn, "ping", &t->ids);
	if (err)
		goto out_table;
	wn->ping = t;
	return 0;

out_table:
	wren_port_table_destroy(&t->ids);
out_free:
	kfree(t);
	return err;
}

void wren_ping_net_exit(struct wren_net *wn)
{
	struct wren_ping_table *t = wn->ping;

	if (!t)
		return;
	wren_port_proc_exit(wn, "ping");
	WRITE_ONCE(wn->ping, NULL);
	synchronize_rcu();
	wren_port_table_destroy(&t->ids);
	kfree(t);
}
