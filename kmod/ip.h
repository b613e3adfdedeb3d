/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren: declarations private to the network layer (link, addr, route, arp,
 * ip_*, icmp, protocol, netlink, proc).  Transports use wren.h and netns.h
 * only.
 */
#ifndef _WREN_IP_H
#define _WREN_IP_H

#include <linux/netlink.h>
#include <linux/ip.h>
#include "netns.h"

#define WREN_DEFAULT_TTL	64

static inline __be32 wren_plen_mask(unsigned int plen)
{
	return plen ? htonl(~0U << (32 - plen)) : 0;
}

/* ---- link.c -------------------------------------------------------------- */
/* The attached interface of dev, or NULL.  Caller holds RTNL. */
struct wren_iface *wren_iface_get(struct net_device *dev);
/*
 * Attach dev: shared with Linux (wren takes only what is its own, netns.h)
 * or, if @exclusive, every ARP and IPv4 frame is wren's.  RTNL.
 */
int wren_link_attach(struct wren_net *wn, struct net_device *dev,
		     bool exclusive, struct netlink_ext_ack *extack);
void wren_link_detach(struct wren_iface *ifc);
void wren_link_stats_drop(struct wren_iface *ifc, bool rx);

/* ---- addr.c -------------------------------------------------------------- */
/* Under RTNL. */
int wren_addr_add(struct wren_iface *ifc, __be32 addr, u8 plen,
		  struct netlink_ext_ack *extack);
int wren_addr_del(struct wren_iface *ifc, __be32 addr, u8 plen,
		  struct netlink_ext_ack *extack);
/* Preferred source on ifc for dst (same subnet first).  RCU. */
__be32 wren_addr_pick_src(struct wren_iface *ifc, __be32 dst);
/* Is addr assigned to ifc?  RCU. */
bool wren_addr_on_iface(struct wren_iface *ifc, __be32 addr);
/* Announce every address of ifc (link came up).  RTNL. */
void wren_addr_announce_all(struct wren_iface *ifc);

/* ---- route.c ------------------------------------------------------------- */
enum wren_local_kind {
	WREN_LOCAL_ADDR,	/* one of our addresses */
	WREN_LOCAL_BCAST,	/* the directed broadcast of one of our subnets */
};

/* One route, as dumps and /proc see it. */
struct wren_route_info {
	__be32			dst;
	__be32			gw;
	u8			plen;
	u8			kind;	/* enum wren_route_kind */
	struct wren_iface	*ifc;
};

/*
 * Route daddr; caller holds RCU, which keeps the returned interface alive.
 * NULL when there is no route.
 */
struct wren_iface *wren_route_output_rcu(struct wren_net *wn, __be32 daddr,
					 int oif, struct wren_route_res *res);
/* The interface owning local address (or directed broadcast) addr.  RCU. */
struct wren_iface *wren_local_lookup_rcu(struct wren_net *wn, __be32 addr,
					 enum wren_local_kind kind);
/* Static routes, under RTNL.  ifc may be NULL when gw is given. */
int wren_route_add(struct wren_net *wn, __be32 dst, u8 plen, __be32 gw,
		   struct wren_iface *ifc, struct netlink_ext_ack *extack);
int wren_route_del(struct wren_net *wn, __be32 dst, u8 plen, __be32 gw,
		   struct wren_iface *ifc, struct netlink_ext_ack *extack);
/*
 * Call fn for each route from the idx'th on (RCU held inside); stops when
 * fn returns non-zero.  Returns the index of the route fn stopped at, or
 * the number of routes.
 */
int wren_route_walk(struct wren_net *wn, int idx,
		    int (*fn)(const struct wren_route_info *, void *),
		    void *arg);

/* ---- arp.c --------------------------------------------------------------- */
struct wren_arp_info {
	__be32			ip;
	u8			mac[ETH_ALEN];
	u8			state;	/* enum wren_arp_state */
	int			ifindex;
	char			ifname[IFNAMSIZ];
};

/* Under RTNL (ifc attached). */
int wren_arp_add_permanent(struct wren_iface *ifc, __be32 ip, const u8 *mac,
			   struct netlink_ext_ack *extack);
int wren_arp_del(struct wren_net *wn, __be32 ip, struct wren_iface *ifc);
/* Remove entries of ifc (all interfaces if NULL); permanent ones too if
 * all is set.
 */
void wren_arp_flush(struct wren_net *wn, struct wren_iface *ifc, bool all);
/* As wren_route_walk, over a snapshot taken entry by entry under the lock. */
int wren_arp_walk(struct wren_net *wn, int idx,
		  int (*fn)(const struct wren_arp_info *, void *), void *arg);

/* ---- ip_input.c ---------------------------------------------------------- */
/*
 * Packets we sent to one of our own addresses (ip_output.c), received as
 * from dev: the interface holding the address, or lo for 127.0.0.0/8.
 */
void wren_loop_xmit(struct wren_net *wn, struct net_device *dev,
		    struct sk_buff *skb);
void wren_loop_flush_dev(struct wren_net *wn, struct net_device *dev);
void wren_loop_net_init(struct wren_net *wn);
void wren_loop_net_exit(struct wren_net *wn);

/* ---- protocol.c ---------------------------------------------------------- */
/* One slot per IP protocol number: a u8 always indexes it. */
#define WREN_IP_PROTOS	256
extern const struct wren_protocol __rcu *wren_protos[WREN_IP_PROTOS];

/* The handlers registered for protocol, or NULL.  RCU held. */
static inline const struct wren_protocol *wren_protocol_rcu(u8 protocol)
{
	return rcu_dereference(wren_protos[protocol]);
}

/* ---- icmp.c -------------------------------------------------------------- */
/* wren_icmp_send() for a packet whose skb->dev may no longer be valid. */
void __wren_icmp_send(struct wren_net *wn, struct sk_buff *in_skb, u8 type,
		      u8 code, __be32 info);
/*
 * WREN_A_SET_ICMP_MSGS_PER_SEC: the error rate limit's sustained rate,
 * 1 .. 1000000 (burst 50), else -EINVAL.  Under RTNL.
 */
int wren_icmp_set_rate(struct wren_net *wn, u32 per_sec);
u32 wren_icmp_rate(struct wren_net *wn);

#endif /* _WREN_IP_H */
