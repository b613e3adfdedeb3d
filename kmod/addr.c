// SPDX-License-Identifier: GPL-2.0
/*
 * wren: interface addresses.
 *
 * Each wren_iface has up to WREN_MAX_ADDRS addresses in a copy-on-write
 * array (netns.h): writers hold RTNL, build a new array and publish it with
 * rcu_assign_pointer(); the packet path reads it under RCU.  Adding an
 * address adds its connected route and its local and broadcast entries
 * (route.c) and announces it with a gratuitous ARP.
 */
#include <linux/etherdevice.h>
#include <linux/inetdevice.h>
#include <linux/rtnetlink.h>
#include "ip.h"

static bool wren_addr_valid(__be32 addr, u8 plen)
{
	if (plen > 32 || ipv4_is_zeronet(addr) || ipv4_is_multicast(addr) ||
	    ipv4_is_lbcast(addr) || ipv4_is_loopback(addr))
		return false;
	/* The host part may be neither all zeros nor all ones. */
	if (plen < 31) {
		__be32 host = addr & ~wren_plen_mask(plen);

		if (!host || host == ~wren_plen_mask(plen))
			return false;
	}
	return true;
}

static bool wren_addr_in_use(struct wren_net *wn, __be32 addr)
{
	struct wren_iface *ifc;
	unsigned int i;

	list_for_each_entry(ifc, &wn->ifaces, node) {
		struct wren_ifaddrs *ia = rtnl_dereference(ifc->addrs);

		for (i = 0; i < ia->n; i++)
			if (ia->a[i].addr == addr)
				return true;
	}
	return false;
}

static void wren_addr_publish(struct wren_iface *ifc, struct wren_ifaddrs *new)
{
	struct wren_ifaddrs *old = rtnl_dereference(ifc->addrs);

	rcu_assign_pointer(ifc->addrs, new);
	kfree_rcu(old, rcu);
}

int wren_addr_add(struct wren_iface *ifc, __be32 addr, u8 plen,
		  struct netlink_ext_ack *extack)
{
	struct wren_ifaddrs *old = rtnl_dereference(ifc->addrs), *new;
	int err;

	if (!wren_addr_valid(addr, plen)) {
		NL_SET_ERR_MSG(extack, "invalid address for this prefix length");
		return -EINVAL;
	}
	if (wren_addr_in_use(ifc->wn, addr)) {
		NL_SET_ERR_MSG(extack, "duplicate address");
		return -EEXIST;
	}
	if (old->n >= WREN_MAX_ADDRS) {
		NL_SET_ERR_MSG(extack, "too many addresses on this device");
		return -ENOSPC;
	}
	new = kmemdup(old, sizeof(*old), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	new->a[new->n].addr = addr;
	new->a[new->n].mask = wren_plen_mask(plen);
	new->a[new->n].prefixlen = plen;
	new->n++;
	err = wren_route_add_connected(ifc, addr, plen);
	if (err) {
		kfree(new);
		return err;
	}
	wren_addr_publish(ifc, new);
	if (netif_running(ifc->dev) && netif_carrier_ok(ifc->dev))
		wren_arp_announce(ifc, addr);
	return 0;
}

int wren_addr_del(struct wren_iface *ifc, __be32 addr, u8 plen,
		  struct netlink_ext_ack *extack)
{
	struct wren_ifaddrs *old = rtnl_dereference(ifc->addrs), *new;
	unsigned int i, j;

	for (i = 0; i < old->n; i++)
		if (old->a[i].addr == addr && old->a[i].prefixlen == plen)
			break;
	if (i == old->n) {
		NL_SET_ERR_MSG(extack, "no such address on this device");
		return -EADDRNOTAVAIL;
	}
	new = kzalloc(sizeof(*new), GFP_KERNEL);
	if (!new)
		return -ENOMEM;
	for (j = 0; j < old->n; j++)
		if (j != i)
			new->a[new->n++] = old->a[j];
	wren_route_del_connected(ifc, addr, plen);
	wren_addr_publish(ifc, new);
	return 0;
}

__be32 wren_addr_pick_src(struct wren_iface *ifc, __be32 dst)
{
	struct wren_ifaddrs *ia = rcu_dereference(ifc->addrs);
	unsigned int i;

	for (i = 0; i < ia->n; i++)
		if (!((ia->a[i].addr ^ dst) & ia->a[i].mask))
			return ia->a[i].addr;
	return ia->n ? ia->a[0].addr : 0;
}

bool wren_addr_on_iface(struct wren_iface *ifc, __be32 addr)
{
	struct wren_ifaddrs *ia = rcu_dereference(ifc->addrs);
	unsigned int i;

	for (i = 0; i < ia->n; i++)
		if (ia->a[i].addr == addr)
			return true;
	return false;
}

void wren_addr_announce_all(struct wren_iface *ifc)
{
	struct wren_ifaddrs *ia = rtnl_dereference(ifc->addrs);
	unsigned int i;

	if (!netif_running(ifc->dev) || !netif_carrier_ok(ifc->dev))
		return;
	for (i = 0; i < ia->n; i++)
		wren_arp_announce(ifc, ia->a[i].addr);
}
