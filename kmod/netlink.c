// SPDX-License-Identifier: GPL-2.0
/*
 * wren: configuration over generic netlink (family "wren", uapi/linux/wren.h).
 *
 * Every request acts on the namespace of the socket it came from.  Changes
 * need CAP_NET_ADMIN in that namespace (GENL_UNS_ADMIN_PERM) and run under
 * RTNL, the lock that guards interfaces, addresses and routes.  Reads are
 * open to everyone.  Errors carry an extack message.
 */
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/sock.h>
#include "ip.h"

static struct genl_family wren_genl_family;

static struct netlink_range_validation wren_nl_msl_range = {
	.min = 1,
	.max = 600000,
};

static struct netlink_range_validation wren_nl_retries2_range = {
	.min = 1,
	.max = 255,
};

static const struct nla_policy wren_nl_policy[WREN_A_MAX + 1] = {
	[WREN_A_IFINDEX]	= { .type = NLA_U32 },
	[WREN_A_IFNAME]		= { .type = NLA_NUL_STRING,
				    .len = IFNAMSIZ - 1 },
	[WREN_A_ADDR]		= { .type = NLA_BE32 },
	[WREN_A_PREFIXLEN]	= NLA_POLICY_MAX(NLA_U8, 32),
	[WREN_A_DST]		= { .type = NLA_BE32 },
	[WREN_A_GATEWAY]	= { .type = NLA_BE32 },
	[WREN_A_LLADDR]		= NLA_POLICY_EXACT_LEN(ETH_ALEN),
	[WREN_A_STATE]		= { .type = NLA_U8 },
	[WREN_A_FLAGS]		= { .type = NLA_U32 },
	[WREN_A_MTU]		= { .type = NLA_U32 },
	[WREN_A_ADDRS]		= { .type = NLA_NESTED },
	[WREN_A_ADDR_ENTRY]	= { .type = NLA_NESTED },
	[WREN_A_SET_TCP_MSL_MS]	= NLA_POLICY_FULL_RANGE(NLA_U32,
						&wren_nl_msl_range),
	[WREN_A_SET_TCP_CONG]	= { .type = NLA_NUL_STRING,
				    .len = WREN_CONG_NAME_MAX - 1 },
	[WREN_A_SET_TCP_RETRIES2] = NLA_POLICY_FULL_RANGE(NLA_U32,
						&wren_nl_retries2_range),
	[WREN_A_SET_TCP_MEM_LIMIT] = { .type = NLA_U32 },
	[WREN_A_SET_ICMP_MSGS_PER_SEC] = { .type = NLA_U32 },
};

/* ---- finding the device a request names ---------------------------------------- */

/* The device named by IFINDEX or IFNAME, or an ERR_PTR (extack set).  RTNL. */
static struct net_device *wren_nl_dev(struct genl_info *info)
{
	struct nlattr *idx = info->attrs[WREN_A_IFINDEX];
	struct nlattr *name = info->attrs[WREN_A_IFNAME];
	struct net *net = genl_info_net(info);
	struct net_device *dev;

	if (idx) {
		dev = __dev_get_by_index(net, nla_get_u32(idx));
	} else if (name) {
		dev = __dev_get_by_name(net, nla_data(name));
	} else {
		NL_SET_ERR_MSG(info->extack, "IFNAME or IFINDEX required");
		return ERR_PTR(-EINVAL);
	}
	if (!dev) {
		NL_SET_ERR_MSG(info->extack, "unknown device");
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

/*
 * The attached interface a request names.  Returns 0 with *ifc set (NULL
 * when optional and absent), -EINVAL (none named), -ENODEV (no such
 * device) or -ENXIO (the device is not attached to wren).
 */
static int wren_nl_iface(struct genl_info *info, bool required,
			 struct wren_iface **ifc)
{
	bool named = info->attrs[WREN_A_IFINDEX] || info->attrs[WREN_A_IFNAME];
	struct net_device *dev;

	*ifc = NULL;
	if (!required && !named)
		return 0;
	dev = wren_nl_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	*ifc = wren_iface_get(dev);
	if (!*ifc) {
		NL_SET_ERR_MSG(info->extack, "device not attached to wren");
		return -ENXIO;
	}
	return 0;
}

static __be32 wren_nl_be32(struct genl_info *info, int attr)
{
	return info->attrs[attr] ? nla_get_be32(info->attrs[attr]) : 0;
}

/* ---- links ------------------------------------------------------------------------ */

static int wren_nl_link_attach(struct sk_buff *skb, struct genl_info *info)
{
	struct wren_net *wn = wren_net(genl_info_net(info));
	struct net_device *dev;
	u32 lflags = 0;
	int err;

	if (info->attrs[WREN_A_FLAGS])
		lflags = nla_get_u32(info->attrs[WREN_A_FLAGS]);
	if (lflags & ~WREN_LINK_F_EXCLUSIVE) {
		NL_SET_ERR_MSG(info->extack, "unknown link flags for attach");
		return -EINVAL;
	}
	rtnl_lock();
	dev = wren_nl_dev(info);
	err = IS_ERR(dev) ? PTR_ERR(dev) :
	      wren_link_attach(wn, dev, lflags & WREN_LINK_F_EXCLUSIVE,
			       info->extack);
	rtnl_unlock();
	return err;
}

static int wren_nl_link_detach(struct sk_buff *skb, struct genl_info *info)
{
	struct wren_iface *ifc;
	int err;

	rtnl_lock();
	err = wren_nl_iface(info, true, &ifc);
	if (!err)
		wren_link_detach(ifc);
	rtnl_unlock();
	return err;
}

static int wren_nl_put_addrs(struct sk_buff *msg, struct wren_iface *ifc)
{
	struct wren_ifaddrs *ia = rcu_dereference(ifc->addrs);
	struct nlattr *addrs, *entry;
	unsigned int i;

	addrs = nla_nest_start(msg, WREN_A_ADDRS);
	if (!addrs)
		return -EMSGSIZE;
	for (i = 0; i < ia->n; i++) {
		entry = nla_nest_start(msg, WREN_A_ADDR_ENTRY);
		if (!entry ||
		    nla_put_in_addr(msg, WREN_A_ADDR, ia->a[i].addr) ||
		    nla_put_u8(msg, WREN_A_PREFIXLEN, ia->a[i].prefixlen))
			return -EMSGSIZE;
		nla_nest_end(msg, entry);
	}
	nla_nest_end(msg, addrs);
	return 0;
}

/* One link message.  Caller holds RCU. */
static int wren_nl_fill_link(struct sk_buff *msg, struct wren_iface *ifc,
			     u32 portid, u32 seq, int flags)
{
	struct net_device *dev = ifc->dev;
	u32 lflags = 0;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &wren_genl_family, flags,
			  WREN_CMD_LINK_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (dev->flags & IFF_UP)
		lflags |= WREN_LINK_F_UP;
	if (netif_carrier_ok(dev))
		lflags |= WREN_LINK_F_CARRIER;
	if (ifc->exclusive)
		lflags |= WREN_LINK_F_EXCLUSIVE;
	if (nla_put_u32(msg, WREN_A_IFINDEX, dev->ifindex) ||
	    nla_put_string(msg, WREN_A_IFNAME, dev->name) ||
	    nla_put_u32(msg, WREN_A_FLAGS, lflags) ||
	    nla_put_u32(msg, WREN_A_MTU, READ_ONCE(dev->mtu)) ||
	    nla_put(msg, WREN_A_LLADDR, ETH_ALEN, dev->dev_addr) ||
	    wren_nl_put_addrs(msg, ifc)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int wren_nl_link_get(struct sk_buff *skb, struct genl_info *info)
{
	struct wren_iface *ifc;
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	rtnl_lock();
	err = wren_nl_iface(info, true, &ifc);
	if (!err) {
		rcu_read_lock();
		err = wren_nl_fill_link(msg, ifc, info->snd_portid,
					info->snd_seq, 0);
		rcu_read_unlock();
	}
	rtnl_unlock();
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

static int wren_nl_link_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct wren_net *wn = wren_net(sock_net(skb->sk));
	struct wren_iface *ifc;
	int idx = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(ifc, &wn->ifaces, node) {
		if (idx >= cb->args[0] &&
		    wren_nl_fill_link(skb, ifc, NETLINK_CB(cb->skb).portid,
				      cb->nlh->nlmsg_seq, NLM_F_MULTI))
			break;
		idx++;
	}
	rcu_read_unlock();
	cb->args[0] = idx;
	return skb->len;
}

/* ---- addresses ---------------------------------------------------------------------- */

static int wren_nl_addr(struct genl_info *info, bool add)
{
	struct wren_iface *ifc;
	__be32 addr;
	u8 plen;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, WREN_A_ADDR) ||
	    GENL_REQ_ATTR_CHECK(info, WREN_A_PREFIXLEN))
		return -EINVAL;
	addr = nla_get_be32(info->attrs[WREN_A_ADDR]);
	plen = nla_get_u8(info->attrs[WREN_A_PREFIXLEN]);
	rtnl_lock();
	err = wren_nl_iface(info, true, &ifc);
	if (!err && add)
		err = wren_addr_add(ifc, addr, plen, info->extack);
	else if (!err)
		err = wren_addr_del(ifc, addr, plen, info->extack);
	rtnl_unlock();
	return err;
}

static int wren_nl_addr_add(struct sk_buff *skb, struct genl_info *info)
{
	return wren_nl_addr(info, true);
}

static int wren_nl_addr_del(struct sk_buff *skb, struct genl_info *info)
{
	return wren_nl_addr(info, false);
}

/* ---- routes ------------------------------------------------------------------------- */

static int wren_nl_route(struct genl_info *info, bool add)
{
	struct wren_net *wn = wren_net(genl_info_net(info));
	__be32 dst, gw = wren_nl_be32(info, WREN_A_GATEWAY);
	struct wren_iface *ifc;
	u8 plen;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, WREN_A_DST) ||
	    GENL_REQ_ATTR_CHECK(info, WREN_A_PREFIXLEN))
		return -EINVAL;
	dst = nla_get_be32(info->attrs[WREN_A_DST]);
	plen = nla_get_u8(info->attrs[WREN_A_PREFIXLEN]);
	rtnl_lock();
	err = wren_nl_iface(info, false, &ifc);
	if (!err && add)
		err = wren_route_add(wn, dst, plen, gw, ifc, info->extack);
	else if (!err)
		err = wren_route_del(wn, dst, plen, gw, ifc, info->extack);
	rtnl_unlock();
	return err;
}

static int wren_nl_route_add(struct sk_buff *skb, struct genl_info *info)
{
	return wren_nl_route(info, true);
}

static int wren_nl_route_del(struct sk_buff *skb, struct genl_info *info)
{
	return wren_nl_route(info, false);
}

struct wren_nl_dump {
	struct sk_buff			*skb;
	struct netlink_callback		*cb;
};

static int wren_nl_fill_route(const struct wren_route_info *r, void *arg)
{
	struct wren_nl_dump *d = arg;
	struct sk_buff *msg = d->skb;
	void *hdr;

	hdr = genlmsg_put(msg, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &wren_genl_family,
			  NLM_F_MULTI, WREN_CMD_ROUTE_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_in_addr(msg, WREN_A_DST, r->dst) ||
	    nla_put_u8(msg, WREN_A_PREFIXLEN, r->plen) ||
	    nla_put_in_addr(msg, WREN_A_GATEWAY, r->gw) ||
	    nla_put_u32(msg, WREN_A_IFINDEX, r->ifc->dev->ifindex) ||
	    nla_put_string(msg, WREN_A_IFNAME, r->ifc->dev->name) ||
	    nla_put_u8(msg, WREN_A_STATE, r->kind)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int wren_nl_route_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct wren_net *wn = wren_net(sock_net(skb->sk));
	struct wren_nl_dump d = { .skb = skb, .cb = cb };

	cb->args[0] = wren_route_walk(wn, cb->args[0], wren_nl_fill_route, &d);
	return skb->len;
}

/* ---- ARP ------------------------------------------------------------------------------ */

static int wren_nl_arp_add(struct sk_buff *skb, struct genl_info *info)
{
	struct wren_iface *ifc;
	const u8 *mac;
	__be32 ip;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, WREN_A_ADDR) ||
	    GENL_REQ_ATTR_CHECK(info, WREN_A_LLADDR))
		return -EINVAL;
	ip = nla_get_be32(info->attrs[WREN_A_ADDR]);
	mac = nla_data(info->attrs[WREN_A_LLADDR]);
	rtnl_lock();
	err = wren_nl_iface(info, true, &ifc);
	if (!err)
		err = wren_arp_add_permanent(ifc, ip, mac, info->extack);
	rtnl_unlock();
	return err;
}

static int wren_nl_arp_del(struct sk_buff *skb, struct genl_info *info)
{
	struct wren_net *wn = wren_net(genl_info_net(info));
	struct wren_iface *ifc;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, WREN_A_ADDR))
		return -EINVAL;
	rtnl_lock();
	err = wren_nl_iface(info, false, &ifc);
	if (!err)
		err = wren_arp_del(wn, nla_get_be32(info->attrs[WREN_A_ADDR]),
				   ifc);
	if (err == -ENOENT)
		NL_SET_ERR_MSG(info->extack, "no such ARP entry");
	rtnl_unlock();
	return err;
}

static int wren_nl_arp_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct wren_net *wn = wren_net(genl_info_net(info));
	struct wren_iface *ifc;
	int err;

	rtnl_lock();
	err = wren_nl_iface(info, false, &ifc);
	if (!err)
		wren_arp_flush(wn, ifc, false);
	rtnl_unlock();
	return err;
}

static int wren_nl_fill_arp(const struct wren_arp_info *a, void *arg)
{
	struct wren_nl_dump *d = arg;
	struct sk_buff *msg = d->skb;
	void *hdr;

	hdr = genlmsg_put(msg, NETLINK_CB(d->cb->skb).portid,
			  d->cb->nlh->nlmsg_seq, &wren_genl_family,
			  NLM_F_MULTI, WREN_CMD_ARP_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_in_addr(msg, WREN_A_ADDR, a->ip) ||
	    nla_put(msg, WREN_A_LLADDR, ETH_ALEN, a->mac) ||
	    nla_put_u8(msg, WREN_A_STATE, a->state) ||
	    nla_put_u32(msg, WREN_A_IFINDEX, a->ifindex) ||
	    nla_put_string(msg, WREN_A_IFNAME, a->ifname)) {
		genlmsg_cancel(msg, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return 0;
}

static int wren_nl_arp_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct wren_net *wn = wren_net(sock_net(skb->sk));
	struct wren_nl_dump d = { .skb = skb, .cb = cb };

	cb->args[0] = wren_arp_walk(wn, cb->args[0], wren_nl_fill_arp, &d);
	return skb->len;
}

/* ---- namespace settings -------------------------------------------------------------- */

static int wren_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct wren_net *wn = wren_net(genl_info_net(info));
	struct nlattr *cong = info->attrs[WREN_A_SET_TCP_CONG];
	struct nlattr *msl = info->attrs[WREN_A_SET_TCP_MSL_MS];
	struct nlattr *retries = info->attrs[WREN_A_SET_TCP_RETRIES2];
	struct nlattr *mem = info->attrs[WREN_A_SET_TCP_MEM_LIMIT];
	struct nlattr *icmp = info->attrs[WREN_A_SET_ICMP_MSGS_PER_SEC];
	char name[WREN_CONG_NAME_MAX];
	int err = 0;

	if (cong && nla_strscpy(name, cong, sizeof(name)) <= 0) {
		NL_SET_ERR_MSG_ATTR(info->extack, cong,
				    "empty congestion control name");
		return -EINVAL;
	}
	if (mem && nla_get_u32(mem) && nla_get_u32(mem) < 256) {
		NL_SET_ERR_MSG_ATTR(info->extack, mem,
				    "TCP memory limit below 256 KiB");
		return -EINVAL;
	}
	rtnl_lock();
	/* The algorithm first: it is the setting that can be refused. */
	if (cong) {
		err = wren_tcp_set_default_cong(wn, name);
		if (err)
			NL_SET_ERR_MSG_ATTR(info->extack, cong,
					    "unknown congestion control algorithm");
	}
	if (!err && msl) {
		err = wren_tcp_set_msl(wn, nla_get_u32(msl));
		if (err)
			NL_SET_ERR_MSG_ATTR(info->extack, msl,
					    "MSL out of range");
	}
	if (!err && retries)
		err = wren_tcp_set_retries2(wn, nla_get_u32(retries));
	if (!err && icmp) {
		err = wren_icmp_set_rate(wn, nla_get_u32(icmp));
		if (err)
			NL_SET_ERR_MSG_ATTR(info->extack, icmp,
					    "ICMP rate out of range");
	}
	if (!err && mem)
		err = wren_tcp_set_mem_limit(wn, nla_get_u32(mem));
	rtnl_unlock();
	return err;
}

static int wren_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct wren_net *wn = wren_net(genl_info_net(info));
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &wren_genl_family, 0, WREN_CMD_GET);
	if (!hdr)
		goto nospace;
	rtnl_lock();
	if (nla_put_u32(msg, WREN_A_SET_TCP_MSL_MS, READ_ONCE(wn->tcp_msl_ms)) ||
	    nla_put_string(msg, WREN_A_SET_TCP_CONG, wn->tcp_cong) ||
	    nla_put_u32(msg, WREN_A_SET_TCP_RETRIES2,
			READ_ONCE(wn->tcp_retries2)) ||
	    nla_put_u32(msg, WREN_A_SET_TCP_MEM_LIMIT,
			wren_tcp_mem_limit(wn) / 1024) ||
	    nla_put_u32(msg, WREN_A_SET_ICMP_MSGS_PER_SEC,
			wren_icmp_rate(wn))) {
		rtnl_unlock();
		goto nospace;
	}
	rtnl_unlock();
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
nospace:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

/* ---- the family ------------------------------------------------------------------------- */

#define WREN_ADMIN	GENL_UNS_ADMIN_PERM

static const struct genl_small_ops wren_nl_ops[] = {
	{ .cmd = WREN_CMD_LINK_ATTACH, .flags = WREN_ADMIN,
	  .doit = wren_nl_link_attach },
	{ .cmd = WREN_CMD_LINK_DETACH, .flags = WREN_ADMIN,
	  .doit = wren_nl_link_detach },
	{ .cmd = WREN_CMD_LINK_GET, .doit = wren_nl_link_get,
	  .dumpit = wren_nl_link_dump },
	{ .cmd = WREN_CMD_ADDR_ADD, .flags = WREN_ADMIN,
	  .doit = wren_nl_addr_add },
	{ .cmd = WREN_CMD_ADDR_DEL, .flags = WREN_ADMIN,
	  .doit = wren_nl_addr_del },
	{ .cmd = WREN_CMD_ROUTE_ADD, .flags = WREN_ADMIN,
	  .doit = wren_nl_route_add },
	{ .cmd = WREN_CMD_ROUTE_DEL, .flags = WREN_ADMIN,
	  .doit = wren_nl_route_del },
	{ .cmd = WREN_CMD_ROUTE_GET, .dumpit = wren_nl_route_dump },
	{ .cmd = WREN_CMD_ARP_ADD, .flags = WREN_ADMIN,
	  .doit = wren_nl_arp_add },
	{ .cmd = WREN_CMD_ARP_DEL, .flags = WREN_ADMIN,
	  .doit = wren_nl_arp_del },
	{ .cmd = WREN_CMD_ARP_FLUSH, .flags = WREN_ADMIN,
	  .doit = wren_nl_arp_flush },
	{ .cmd = WREN_CMD_ARP_GET, .dumpit = wren_nl_arp_dump },
	{ .cmd = WREN_CMD_SET, .flags = WREN_ADMIN, .doit = wren_nl_set },
	{ .cmd = WREN_CMD_GET, .doit = wren_nl_get },
};

static struct genl_family wren_genl_family __ro_after_init = {
	.name		= WREN_GENL_NAME,
	.version	= WREN_GENL_VERSION,
	.maxattr	= WREN_A_MAX,
	.policy		= wren_nl_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.small_ops	= wren_nl_ops,
	.n_small_ops	= ARRAY_SIZE(wren_nl_ops),
	.resv_start_op	= WREN_CMD_MAX + 1,
};

int wren_netlink_init(void)
{
	return genl_register_family(&wren_genl_family);
}

void wren_netlink_exit(void)
{
	genl_unregister_family(&wren_genl_family);
}
