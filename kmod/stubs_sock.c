// SPDX-License-Identifier: GPL-2.0
/*
 * wren: temporary weak definitions of the network-layer calls the socket
 * side makes, so that af_wren.c, udp.c and ping.c link before the network
 * layer lands.  The real (strong) definitions win at link time.  To be
 * deleted once they all exist.
 */
#include <linux/errno.h>
#include "netns.h"

struct wren_net * __weak wren_net(const struct net *net)
{
	return NULL;
}

int __weak wren_route_lookup(struct net *net, __be32 daddr, int oif,
			     struct wren_route_res *res)
{
	return -ENETUNREACH;
}

int __weak wren_ip_output(struct net *net, struct sk_buff *skb,
			  const struct wren_flow *fl)
{
	kfree_skb(skb);
	return -ENETUNREACH;
}

bool __weak wren_addr_is_local(struct net *net, __be32 addr)
{
	return false;
}

bool __weak wren_addr_is_broadcast(struct net *net, __be32 addr)
{
	return addr == htonl(0xffffffff);
}

void __weak wren_icmp_send(struct sk_buff *in_skb, u8 type, u8 code,
			   __be32 info)
{
}
