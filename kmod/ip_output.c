// SPDX-License-Identifier: GPL-2.0
/*
 * wren: IPv4 output.
 *
 * A transport hands over one datagram and a flow; IP routes it, writes the
 * header (TTL 64 unless asked, a per-namespace identification counter,
 * DF on request), fragments it when it exceeds the device MTU, and hands it
 * to ARP, or to the loopback queue when the destination is our own.
 */
#include <linux/ip.h>
#include <net/ip.h>
#include "ip.h"

static int wren_ip_push_header(struct wren_net *wn, struct sk_buff *skb,
			       const struct wren_flow *fl, __be32 saddr,
			       unsigned int headroom)
{
	struct iphdr *iph;

	if (skb_cow_head(skb, sizeof(*iph) + headroom))
		return -ENOBUFS;
	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = fl->tos;
	iph->tot_len = htons(skb->len);
	iph->id = htons((u16)atomic_inc_return(&wn->ip_id));
	iph->frag_off = fl->df ? htons(IP_DF) : 0;
	iph->ttl = fl->ttl ?: WREN_DEFAULT_TTL;
	iph->protocol = fl->proto;
	iph->saddr = saddr;
	iph->daddr = fl->daddr;
	ip_send_check(iph);
	skb->protocol = htons(ETH_P_IP);
	return 0;
}

/* Route found, header written: pick loopback, fragmentation or ARP. */
static int wren_ip_send(struct wren_net *wn, struct wren_iface *ifc,
			struct sk_buff *skb, const struct wren_route_res *res,
			bool df)
{
	if (res->local) {
		wren_loop_xmit(wn, res->dev, skb);
		return 0;
	}
	/* TCP's GSO skbs are cut to the MTU by the device or dev_queue_xmit. */
	if (skb->len <= res->mtu || skb_is_gso(skb))
		return wren_arp_output(ifc, skb, res->nexthop);
	if (df) {
		WREN_INC(wn, Ip, FragFails);
		wren_drop_out(wn, skb, WREN_DROP_IP_FRAG_NEEDED);
		return -EMSGSIZE;
	}
	return wren_ip_fragment(wn, skb, res->mtu, wren_arp_output, ifc,
				res->nexthop);
}

int wren_ip_output(struct net *net, struct sk_buff *skb,
		   const struct wren_flow *fl)
{
	struct wren_net *wn = wren_net(net);
	struct wren_route_res res;
	struct wren_iface *ifc;
	__be32 saddr;
	int err;

	WREN_INC(wn, Ip, OutRequests);
	if (unlikely(skb->len + sizeof(struct iphdr) > IP_MAX_MTU)) {
		WREN_INC(wn, Ip, OutDiscards);
		wren_drop_out(wn, skb, WREN_DROP_IP_BAD_LENGTH);
		return -EMSGSIZE;
	}
	rcu_read_lock();
	ifc = wren_route_output_rcu(wn, fl->daddr, fl->oif, &res);
	if (!ifc) {
		rcu_read_unlock();
		WREN_INC(wn, Ip, OutNoRoutes);
		wren_drop_out(wn, skb, WREN_DROP_IP_NO_ROUTE);
		return -ENETUNREACH;
	}
	saddr = fl->saddr ?: res.saddr;
	/* As Linux's __mkroute_output(): 127/8 never leaves through a NIC. */
	if (unlikely(ipv4_is_loopback(saddr) && !res.local)) {
		rcu_read_unlock();
		WREN_INC(wn, Ip, OutDiscards);
		wren_drop_out(wn, skb, WREN_DROP_IP_BAD_SRC);
		return -EINVAL;
	}
	err = wren_ip_push_header(wn, skb, fl, saddr,
				  LL_RESERVED_SPACE(res.dev));
	if (err) {
		WREN_INC(wn, Ip, OutDiscards);
		wren_drop_out(wn, skb, WREN_DROP_NOMEM);
	} else {
		err = wren_ip_send(wn, ifc, skb, &res, fl->df);
	}
	rcu_read_unlock();
	return err;
}
