// SPDX-License-Identifier: GPL-2.0
/*
 * wren: the routing table and the local address table.
 *
 * Routes live in one hash table per prefix length, keyed by the masked
 * destination; a bitmap says which lengths hold any route.  A lookup tries
 * the populated lengths from /32 down and stops at the first match, so it
 * costs one hash probe per populated length, whatever the table size.
 *
 * Local entries (our addresses, the directed broadcasts of our subnets)
 * are in a separate hash, so "is this for us" is one probe too.
 *
 * Locking: every change runs under RTNL; lookups run under RCU.  Entries
 * are freed with kfree_rcu().
 */
#include <linux/inetdevice.h>
#include <linux/jhash.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include "ip.h"

#define WREN_RT_HBITS		6
#define WREN_RT_BUCKETS		BIT(WREN_RT_HBITS)
#define WREN_LOCAL_BUCKETS	64
#define WREN_RT_MAX		4096

struct wren_rt {
	struct hlist_node	node;
	struct rcu_head		rcu;
	__be32			dst;
	__be32			gw;	/* 0: on link */
	__be32			prefsrc; /* connected: the address it came from */
	struct wren_iface	*ifc;
	u8			plen;
	u8			kind;	/* enum wren_route_kind */
};

struct wren_local {
	struct hlist_node	node;
	struct rcu_head		rcu;
	__be32			addr;
	__be32			owner;	/* the interface address it belongs to */
	struct wren_iface	*ifc;
	u8			kind;	/* enum wren_local_kind */
};

struct wren_route_table {
	u64			used;		/* bit n: some route of /n */
	unsigned int		count[33];
	unsigned int		n_routes;
	u32			seed;
	struct hlist_head	rt[33][WREN_RT_BUCKETS];
	struct hlist_head	local[WREN_LOCAL_BUCKETS];
};

static u32 wren_rt_hash(const struct wren_route_table *t, __be32 key)
{
	return jhash_1word((__force u32)key, t->seed) & (WREN_RT_BUCKETS - 1);
}

static u32 wren_local_hash(const struct wren_route_table *t, __be32 key)
{
	return jhash_1word((__force u32)key, t->seed ^ 0x5bd1e995) &
	       (WREN_LOCAL_BUCKETS - 1);
}

/* ---- lookups (RCU) ------------------------------------------------------------ */

struct wren_iface *wren_local_lookup_rcu(struct wren_net *wn, __be32 addr,
					 enum wren_local_kind kind)
{
	struct wren_route_table *t = wn->routes;
	struct wren_local *l;

	/* The whole of 127.0.0.0/8 is ours, as Linux's "local" route on lo. */
	if (unlikely(ipv4_is_loopback(addr)))
		return kind == WREN_LOCAL_ADDR && READ_ONCE(wn->loopback.dev) ?
		       &wn->loopback : NULL;
	hlist_for_each_entry_rcu(l, &t->local[wren_local_hash(t, addr)], node)
		if (l->addr == addr && l->kind == kind)
			return l->ifc;
	return NULL;
}

bool wren_addr_is_local(struct net *net, __be32 addr)
{
	bool ret;

	rcu_read_lock();
	ret = wren_local_lookup_rcu(wren_net(net), addr, WREN_LOCAL_ADDR);
	rcu_read_unlock();
	return ret;
}

bool wren_addr_is_broadcast(struct net *net, __be32 addr)
{
	bool ret;

	if (ipv4_is_lbcast(addr))
		return true;
	rcu_read_lock();
	ret = wren_local_lookup_rcu(wren_net(net), addr, WREN_LOCAL_BCAST);
	rcu_read_unlock();
	return ret;
}

static bool wren_rt_usable(const struct wren_rt *rt, int oif)
{
	return netif_running(rt->ifc->dev) &&
	       (!oif || rt->ifc->dev->ifindex == oif);
}

static struct wren_rt *wren_rt_find_rcu(struct wren_route_table *t,
					__be32 daddr, int oif)
{
	u64 used = READ_ONCE(t->used);
	struct wren_rt *rt;

	while (used) {
		unsigned int plen = fls64(used) - 1;
		__be32 key = daddr & wren_plen_mask(plen);

		hlist_for_each_entry_rcu(rt, &t->rt[plen][wren_rt_hash(t, key)],
					 node)
			if (rt->dst == key && rt->plen == plen &&
			    wren_rt_usable(rt, oif))
				return rt;
		used &= ~BIT_ULL(plen);
	}
	return NULL;
}

/*
 * ifc->dev is read once: for wn->loopback it can become NULL while its
 * namespace goes away (netns.h).
 */
static void wren_res_fill(struct wren_route_res *res, struct wren_iface *ifc,
			  __be32 saddr, __be32 nexthop)
{
	struct net_device *dev = READ_ONCE(ifc->dev);

	memset(res, 0, sizeof(*res));
	res->saddr = saddr;
	res->nexthop = nexthop;
	res->dev = dev;
	if (dev) {
		res->ifindex = dev->ifindex;
		res->mtu = READ_ONCE(dev->mtu);
	}
}

static struct wren_iface *wren_first_running(struct wren_net *wn)
{
	struct wren_iface *ifc;

	list_for_each_entry_rcu(ifc, &wn->ifaces, node)
		if (netif_running(ifc->dev))
			return ifc;
	return NULL;
}

/*
 * 255.255.255.255, or multicast with a bound device: out of the bound
 * device, else (as Linux) the device of the route covering it, else the
 * first device that is up.
 */
static struct wren_iface *wren_route_special(struct wren_net *wn,
					     __be32 daddr, int oif,
					     struct wren_route_res *res)
{
	struct wren_iface *ifc;
	struct wren_rt *rt;

	if (oif) {
		ifc = wren_iface_by_index_rcu(wn->net, oif);
	} else {
		rt = wren_rt_find_rcu(wn->routes, daddr, 0);
		ifc = rt ? rt->ifc : wren_first_running(wn);
	}
	if (!ifc || !netif_running(ifc->dev))
		return NULL;
	wren_res_fill(res, ifc, wren_addr_pick_src(ifc, daddr), daddr);
	res->broadcast = ipv4_is_lbcast(daddr);
	return ifc;
}

/*
 * One of our addresses: the datagram loops (ip_input.c) from that address
 * itself, or, for 127.0.0.0/8, from 127.0.0.1 as Linux's lo route says.
 */
static struct wren_iface *wren_route_local(struct wren_iface *ifc,
					   __be32 daddr,
					   struct wren_route_res *res)
{
	wren_res_fill(res, ifc, ipv4_is_loopback(daddr) ?
		      htonl(INADDR_LOOPBACK) : daddr, daddr);
	if (!res->dev)
		return NULL;
	res->mtu = IP_MAX_MTU;
	res->local = true;
	return ifc;
}

struct wren_iface *wren_route_output_rcu(struct wren_net *wn, __be32 daddr,
					 int oif, struct wren_route_res *res)
{
	struct wren_iface *ifc;
	struct wren_rt *rt;
	__be32 src;

	if (ipv4_is_zeronet(daddr))
		return NULL;
	if (ipv4_is_lbcast(daddr) || (oif && ipv4_is_multicast(daddr)))
		return wren_route_special(wn, daddr, oif, res);
	ifc = wren_local_lookup_rcu(wn, daddr, WREN_LOCAL_ADDR);
	if (ifc)
		return wren_route_local(ifc, daddr, res);
	rt = wren_rt_find_rcu(wn->routes, daddr, oif);
	if (!rt)
		return NULL;
	src = rt->prefsrc ?: wren_addr_pick_src(rt->ifc, rt->gw ?: daddr);
	wren_res_fill(res, rt->ifc, src, rt->gw ?: daddr);
	res->broadcast = !rt->gw &&
		wren_local_lookup_rcu(wn, daddr, WREN_LOCAL_BCAST) == rt->ifc;
	return rt->ifc;
}

int wren_route_lookup(struct net *net, __be32 daddr, int oif,
		      struct wren_route_res *res)
{
	int err = 0;

	rcu_read_lock();
	if (!wren_route_output_rcu(wren_net(net), daddr, oif, res))
		err = -ENETUNREACH;
	rcu_read_unlock();
	return err;
}

/* ---- changes (RTNL) ------------------------------------------------------------ */

static void wren_rt_insert(struct wren_route_table *t, struct wren_rt *rt)
{
	hlist_add_head_rcu(&rt->node,
			   &t->rt[rt->plen][wren_rt_hash(t, rt->dst)]);
	t->count[rt->plen]++;
	t->n_routes++;
	WRITE_ONCE(t->used, t->used | BIT_ULL(rt->plen));
}

static void wren_rt_remove(struct wren_route_table *t, struct wren_rt *rt)
{
	hlist_del_rcu(&rt->node);
	t->n_routes--;
	if (!--t->count[rt->plen])
		WRITE_ONCE(t->used, t->used & ~BIT_ULL(rt->plen));
	kfree_rcu(rt, rcu);
}

static int wren_rt_new(struct wren_route_table *t, __be32 dst, u8 plen,
		       __be32 gw, __be32 prefsrc, struct wren_iface *ifc,
		       u8 kind)
{
	struct wren_rt *rt;

	if (t->n_routes >= WREN_RT_MAX)
		return -ENOSPC;
	rt = kzalloc(sizeof(*rt), GFP_KERNEL);
	if (!rt)
		return -ENOMEM;
	rt->dst = dst;
	rt->plen = plen;
	rt->gw = gw;
	rt->prefsrc = prefsrc;
	rt->ifc = ifc;
	rt->kind = kind;
	wren_rt_insert(t, rt);
	return 0;
}

static int wren_local_new(struct wren_route_table *t, __be32 addr,
			  __be32 owner, struct wren_iface *ifc, u8 kind)
{
	struct wren_local *l = kzalloc(sizeof(*l), GFP_KERNEL);

	if (!l)
		return -ENOMEM;
	l->addr = addr;
	l->owner = owner;
	l->ifc = ifc;
	l->kind = kind;
	hlist_add_head_rcu(&l->node, &t->local[wren_local_hash(t, addr)]);
	return 0;
}

/* Remove local entries of ifc (owned by owner, or any when owner is 0). */
static void wren_local_remove(struct wren_route_table *t,
			      struct wren_iface *ifc, __be32 owner)
{
	struct hlist_node *tmp;
	struct wren_local *l;
	unsigned int b;

	for (b = 0; b < WREN_LOCAL_BUCKETS; b++)
		hlist_for_each_entry_safe(l, tmp, &t->local[b], node)
			if (l->ifc == ifc && (!owner || l->owner == owner)) {
				hlist_del_rcu(&l->node);
				kfree_rcu(l, rcu);
			}
}

int wren_route_add_connected(struct wren_iface *ifc, __be32 addr, u8 plen)
{
	struct wren_route_table *t = ifc->wn->routes;
	__be32 mask = wren_plen_mask(plen);
	int err;

	ASSERT_RTNL();
	err = wren_rt_new(t, addr & mask, plen, 0, addr, ifc,
			  WREN_ROUTE_CONNECTED);
	if (!err)
		err = wren_local_new(t, addr, addr, ifc, WREN_LOCAL_ADDR);
	if (!err && plen < 31)
		err = wren_local_new(t, addr | ~mask, addr, ifc,
				     WREN_LOCAL_BCAST);
	if (err)
		wren_route_del_connected(ifc, addr, plen);
	return err;
}

void wren_route_del_connected(struct wren_iface *ifc, __be32 addr, u8 plen)
{
	struct wren_route_table *t = ifc->wn->routes;
	__be32 dst = addr & wren_plen_mask(plen);
	struct hlist_node *tmp;
	struct wren_rt *rt;

	ASSERT_RTNL();
	hlist_for_each_entry_safe(rt, tmp, &t->rt[plen][wren_rt_hash(t, dst)],
				  node)
		if (rt->kind == WREN_ROUTE_CONNECTED && rt->ifc == ifc &&
		    rt->dst == dst && rt->prefsrc == addr) {
			wren_rt_remove(t, rt);
			break;
		}
	wren_local_remove(t, ifc, addr);
}

void wren_route_iface_gone(struct wren_iface *ifc)
{
	struct wren_route_table *t = ifc->wn->routes;
	struct hlist_node *tmp;
	struct wren_rt *rt;
	unsigned int p, b;

	ASSERT_RTNL();
	for (p = 0; p <= 32; p++)
		for (b = 0; b < WREN_RT_BUCKETS; b++)
			hlist_for_each_entry_safe(rt, tmp, &t->rt[p][b], node)
				if (rt->ifc == ifc)
					wren_rt_remove(t, rt);
	wren_local_remove(t, ifc, 0);
}

/* The connected route covering gw (on ifc if given), for a gateway check. */
static struct wren_rt *wren_rt_connected_for(struct wren_route_table *t,
					     __be32 gw, struct wren_iface *ifc)
{
	struct wren_rt *rt;
	unsigned int p;

	for (p = 32; p <= 32; p--) {
		__be32 key = gw & wren_plen_mask(p);

		hlist_for_each_entry(rt, &t->rt[p][wren_rt_hash(t, key)], node)
			if (rt->kind == WREN_ROUTE_CONNECTED && rt->dst == key &&
			    (!ifc || rt->ifc == ifc))
				return rt;
	}
	return NULL;
}

static struct wren_rt *wren_rt_static_find(struct wren_route_table *t,
					   __be32 dst, u8 plen, __be32 gw,
					   struct wren_iface *ifc)
{
	struct wren_rt *rt;

	hlist_for_each_entry(rt, &t->rt[plen][wren_rt_hash(t, dst)], node)
		if (rt->kind == WREN_ROUTE_STATIC && rt->dst == dst &&
		    (!gw || rt->gw == gw) && (!ifc || rt->ifc == ifc))
			return rt;
	return NULL;
}

static int wren_route_check(struct wren_net *wn, __be32 dst, u8 plen,
			    __be32 gw, struct netlink_ext_ack *extack)
{
	bool local;

	rcu_read_lock();
	local = wren_local_lookup_rcu(wn, gw, WREN_LOCAL_ADDR);
	rcu_read_unlock();
	if (plen > 32 || (dst & ~wren_plen_mask(plen))) {
		NL_SET_ERR_MSG(extack, "bad prefix: host bits set in destination");
		return -EINVAL;
	}
	if (gw && (ipv4_is_multicast(gw) || ipv4_is_lbcast(gw) ||
		   ipv4_is_zeronet(gw) || local)) {
		NL_SET_ERR_MSG(extack, "invalid gateway address");
		return -EINVAL;
	}
	return 0;
}

int wren_route_add(struct wren_net *wn, __be32 dst, u8 plen, __be32 gw,
		   struct wren_iface *ifc, struct netlink_ext_ack *extack)
{
	struct wren_route_table *t = wn->routes;
	struct wren_rt *conn;
	int err;

	ASSERT_RTNL();
	err = wren_route_check(wn, dst, plen, gw, extack);
	if (err)
		return err;
	if (!gw && !ifc) {
		NL_SET_ERR_MSG(extack, "a route needs a gateway or a device");
		return -EINVAL;
	}
	if (gw) {
		conn = wren_rt_connected_for(t, gw, ifc);
		if (!conn) {
			NL_SET_ERR_MSG(extack, "unreachable gateway: not on any connected subnet");
			return -ENETUNREACH;
		}
		ifc = conn->ifc;
	}
	if (wren_rt_static_find(t, dst, plen, 0, NULL)) {
		NL_SET_ERR_MSG(extack, "route exists");
		return -EEXIST;
	}
	err = wren_rt_new(t, dst, plen, gw, 0, ifc, WREN_ROUTE_STATIC);
	if (err == -ENOSPC)
		NL_SET_ERR_MSG(extack, "routing table full");
	return err;
}

int wren_route_del(struct wren_net *wn, __be32 dst, u8 plen, __be32 gw,
		   struct wren_iface *ifc, struct netlink_ext_ack *extack)
{
	struct wren_rt *rt;

	ASSERT_RTNL();
	if (plen > 32 || (dst & ~wren_plen_mask(plen))) {
		NL_SET_ERR_MSG(extack, "bad prefix: host bits set in destination");
		return -EINVAL;
	}
	rt = wren_rt_static_find(wn->routes, dst, plen, gw, ifc);
	if (!rt) {
		NL_SET_ERR_MSG(extack, "no such route");
		return -ESRCH;
	}
	wren_rt_remove(wn->routes, rt);
	return 0;
}

int wren_route_walk(struct wren_net *wn, int idx,
		    int (*fn)(const struct wren_route_info *, void *),
		    void *arg)
{
	struct wren_route_table *t = wn->routes;
	struct wren_route_info info;
	struct wren_rt *rt;
	unsigned int p, b;
	int n = 0;

	rcu_read_lock();
	for (p = 32; p <= 32; p--)
		for (b = 0; b < WREN_RT_BUCKETS; b++)
			hlist_for_each_entry_rcu(rt, &t->rt[p][b], node) {
				if (n++ < idx)
					continue;
				info.dst = rt->dst;
				info.gw = rt->gw;
				info.plen = rt->plen;
				info.kind = rt->kind;
				info.ifc = rt->ifc;
				if (fn(&info, arg)) {
					rcu_read_unlock();
					return n - 1;
				}
			}
	rcu_read_unlock();
	return n;
}

/* ---- namespace ------------------------------------------------------------------- */

int wren_route_net_init(struct wren_net *wn)
{
	struct wren_route_table *t = kvzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	t->seed = get_random_u32();
	wn->routes = t;
	return 0;
}

/* Interfaces are all detached by now, and with them every entry. */
void wren_route_net_exit(struct wren_net *wn)
{
	struct wren_route_table *t = wn->routes;

	WARN_ON_ONCE(t->n_routes);
	kvfree(t);
	wn->routes = NULL;
}
