// SPDX-License-Identifier: GPL-2.0
/*
 * wren: IPv4 input (RFC 791, RFC 1122 3.2.1).
 *
 * Every header is checked before anything trusts it: version, header
 * length, total length against the frame, header checksum, TTL, options
 * (walked for well-formedness, then ignored), source and destination.
 * wren is a host: datagrams for other hosts are dropped, never forwarded.
 *
 * Datagrams we send to one of our own addresses come back in through a
 * per-namespace queue drained by a work item (the "loopback" below), so
 * that a sender never re-enters the receive path with its own locks held.
 */
#include <linux/indirect_call_wrapper.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <net/icmp.h>
#include <net/ip.h>
#include "compat.h"
#include "ip.h"

#define WREN_LOOP_QLEN		1024
#define WREN_LOOP_BATCH		64

/* Options: well-formed TLVs up to the end of the header, or IPOPT_END. */
static bool wren_ip_options_ok(const u8 *opt, unsigned int len)
{
	while (len) {
		if (opt[0] == IPOPT_END)
			return true;
		if (opt[0] == IPOPT_NOOP) {
			opt++;
			len--;
			continue;
		}
		if (len < 2 || opt[1] < 2 || opt[1] > len)
			return false;
		len -= opt[1];
		opt += opt[1];
	}
	return true;
}

/* Returns a drop reason, or -1 when the header is sound. */
static int wren_ip_check(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int ihl, tot;

	if (!pskb_may_pull(skb, sizeof(*iph)))
		return WREN_DROP_IP_TRUNCATED;
	iph = ip_hdr(skb);
	if (iph->version != 4)
		return WREN_DROP_IP_BAD_VERSION;
	if (iph->ihl < 5)
		return WREN_DROP_IP_BAD_IHL;
	ihl = iph->ihl * 4;
	if (!pskb_may_pull(skb, ihl))
		return WREN_DROP_IP_TRUNCATED;
	iph = ip_hdr(skb);
	if (ip_fast_csum((const u8 *)iph, iph->ihl))
		return WREN_DROP_IP_BAD_CSUM;
	tot = ntohs(iph->tot_len);
	if (tot < ihl || tot > skb->len)
		return WREN_DROP_IP_BAD_LENGTH;
	if (pskb_trim_rcsum(skb, tot))
		return WREN_DROP_NOMEM;
	iph = ip_hdr(skb);
	if (!iph->ttl)
		return WREN_DROP_IP_TTL_ZERO;
	if (ihl > sizeof(*iph) &&
	    !wren_ip_options_ok((const u8 *)(iph + 1), ihl - sizeof(*iph)))
		return WREN_DROP_IP_BAD_OPTIONS;
	return -1;
}

static bool wren_ip_bad_source(struct wren_net *wn, __be32 saddr)
{
	return ipv4_is_multicast(saddr) || ipv4_is_lbcast(saddr) ||
	       ipv4_is_loopback(saddr) ||
	       wren_local_lookup_rcu(wn, saddr, WREN_LOCAL_ADDR) ||
	       wren_local_lookup_rcu(wn, saddr, WREN_LOCAL_BCAST);
}

/* Ours: one of our addresses, the limited or a directed broadcast. */
static bool wren_ip_for_us(struct wren_net *wn, __be32 daddr)
{
	return ipv4_is_lbcast(daddr) ||
	       wren_local_lookup_rcu(wn, daddr, WREN_LOCAL_ADDR) ||
	       wren_local_lookup_rcu(wn, daddr, WREN_LOCAL_BCAST);
}

/* From the rx handler: RCU held. */
void wren_ip_rcv(struct wren_iface *ifc, struct sk_buff *skb)
{
	struct wren_net *wn = ifc->wn;
	const struct iphdr *iph;
	int reason;

	WREN_INC(wn, Ip, InReceives);
	/*
	 * A frame from a local Linux socket (over veth) still charges that
	 * socket's send buffer.  Let go of it now: reassembly chains skbs
	 * through frag_list, and a receiving socket takes ownership itself.
	 */
	skb_orphan(skb);
	skb_reset_network_header(skb);
	reason = wren_ip_check(skb);
	if (reason >= 0) {
		WREN_INC(wn, Ip, InHdrErrors);
		wren_drop(wn, skb, reason);
		return;
	}
	iph = ip_hdr(skb);
	/* 127.0.0.0/8 is ours only from lo: on a wire it is a Martian. */
	if (unlikely(ipv4_is_loopback(iph->daddr))) {
		WREN_INC(wn, Ip, InAddrErrors);
		wren_drop(wn, skb, WREN_DROP_IP_MARTIAN_DST);
		return;
	}
	if (!wren_ip_for_us(wn, iph->daddr)) {
		WREN_INC(wn, Ip, InAddrErrors);
		wren_drop(wn, skb, WREN_DROP_IP_NOT_FOR_US);
		return;
	}
	if (wren_ip_bad_source(wn, iph->saddr)) {
		WREN_INC(wn, Ip, InAddrErrors);
		wren_drop(wn, skb, WREN_DROP_IP_BAD_SRC);
		return;
	}
	if (ip_is_fragment(iph)) {
		skb = wren_ip_defrag(wn, skb);
		if (!skb)
			return;
	}
	wren_ip_local_deliver(skb);
}

enum wren_share wren_ip_share(struct wren_iface *ifc,
			      const struct sk_buff *skb)
{
	struct wren_net *wn = ifc->wn;
	const struct wren_protocol *prot;
	const struct iphdr *iph;
	struct wren_iface *owner;
	struct iphdr _iph;
	__be16 _port;
	const __be16 *port;

	iph = skb_header_pointer(skb, 0, sizeof(_iph), &_iph);
	if (!iph || iph->ihl < 5)
		return WREN_SHARE_PASS;
	owner = wren_local_lookup_rcu(wn, iph->daddr, WREN_LOCAL_ADDR);
	/* 127/8 is never ours from a wire: Linux drops its Martians. */
	if (owner)
		return owner == &wn->loopback ? WREN_SHARE_PASS :
						WREN_SHARE_TAKE;
	if (!ipv4_is_lbcast(iph->daddr) &&
	    !wren_local_lookup_rcu(wn, iph->daddr, WREN_LOCAL_BCAST))
		return WREN_SHARE_PASS;
	/* A broadcast: wren's too when a socket of its holds the port. */
	if (iph->frag_off & htons(IP_OFFSET))
		return WREN_SHARE_PASS;
	prot = wren_protocol_rcu(iph->protocol);
	if (!prot || !prot->holds_port)
		return WREN_SHARE_PASS;
	/* Source and destination ports lead both UDP and TCP headers. */
	port = skb_header_pointer(skb, iph->ihl * 4 + 2, sizeof(_port),
				  &_port);
	if (!port || !prot->holds_port(wn, ntohs(*port)))
		return WREN_SHARE_PASS;
	return WREN_SHARE_COPY;
}

static void wren_ip_unknown_proto(struct wren_net *wn, struct sk_buff *skb)
{
	WREN_INC(wn, Ip, InUnknownProtos);
	wren_icmp_send(skb, ICMP_DEST_UNREACH, ICMP_PROT_UNREACH, 0);
	wren_drop(wn, skb, WREN_DROP_IP_UNKNOWN_PROTO);
}

/*
 * To the transport registered for the protocol (protocol.c).  RCU held:
 * the rx handler or the loopback worker.  TCP and UDP, nearly every
 * datagram, are named as INDIRECT_CALL hints, as Linux's
 * ip_protocol_deliver_rcu() does: with retpolines (Debian's kernels) an
 * indirect call costs a thunk per packet, the compare does not.
 */
void wren_ip_local_deliver(struct sk_buff *skb)
{
	struct wren_net *wn = wren_net(dev_net(skb->dev));
	const struct iphdr *iph = ip_hdr(skb);
	const struct wren_protocol *ipprot;

	__skb_pull(skb, iph->ihl * 4);
	skb_reset_transport_header(skb);
	ipprot = wren_protocol_rcu(iph->protocol);
	if (!ipprot) {
		wren_ip_unknown_proto(wn, skb);
		return;
	}
	WREN_INC(wn, Ip, InDelivers);
	INDIRECT_CALL_2(ipprot->handler, wren_tcp_rcv, wren_udp_rcv, skb);
}

/* ---- loopback: datagrams to our own addresses ------------------------------ */

static void wren_loop_one(struct wren_net *wn, struct net_device *dev,
			  struct sk_buff *skb)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb)) {
		wren_drop_out(wn, skb, WREN_DROP_NOMEM);
		return;
	}
	skb_orphan(skb);
	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_NONE;
	spin_lock_bh(&wn->loopq.lock);
	if (skb_queue_len(&wn->loopq) >= WREN_LOOP_QLEN) {
		spin_unlock_bh(&wn->loopq.lock);
		wren_drop_out(wn, skb, WREN_DROP_IP_LOOP_FULL);
		return;
	}
	__skb_queue_tail(&wn->loopq, skb);
	spin_unlock_bh(&wn->loopq.lock);
	schedule_work(&wn->loop_work);
}

/*
 * skb->data at the IP header.  A GSO skb (TCP) is cut into segments with
 * their checksums filled in, as a device would, before it loops.
 */
void wren_loop_xmit(struct wren_net *wn, struct net_device *dev,
		    struct sk_buff *skb)
{
	struct sk_buff *segs, *next;

	if (!skb_is_gso(skb)) {
		wren_loop_one(wn, dev, skb);
		return;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		wren_drop_out(wn, skb, WREN_DROP_NOMEM);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		wren_loop_one(wn, dev, skb);
	}
}

static void wren_loop_work(struct work_struct *work)
{
	struct wren_net *wn = container_of(work, struct wren_net, loop_work);
	struct sk_buff *skb;
	int n = 0;

	while (n++ < WREN_LOOP_BATCH && (skb = skb_dequeue(&wn->loopq))) {
		local_bh_disable();
		rcu_read_lock();
		WREN_INC(wn, Ip, InReceives);
		WREN_INC(wn, WrenFrames, InLooped);
		skb_reset_network_header(skb);
		wren_ip_local_deliver(skb);
		rcu_read_unlock();
		local_bh_enable();
	}
	if (!skb_queue_empty_lockless(&wn->loopq))
		schedule_work(&wn->loop_work);
}

/* A device is going away: forget packets that point at it. */
void wren_loop_flush_dev(struct wren_net *wn, struct net_device *dev)
{
	struct sk_buff *skb, *tmp;

	spin_lock_bh(&wn->loopq.lock);
	skb_queue_walk_safe(&wn->loopq, skb, tmp)
		if (skb->dev == dev) {
			__skb_unlink(skb, &wn->loopq);
			wren_drop_out(wn, skb, WREN_DROP_DEV_DOWN);
		}
	spin_unlock_bh(&wn->loopq.lock);
}

void wren_loop_net_init(struct wren_net *wn)
{
	skb_queue_head_init(&wn->loopq);
	INIT_WORK(&wn->loop_work, wren_loop_work);
}

void wren_loop_net_exit(struct wren_net *wn)
{
	cancel_work_sync(&wn->loop_work);
	skb_queue_purge(&wn->loopq);
}
