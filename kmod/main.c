// SPDX-License-Identifier: GPL-2.0
/*
 * wren: module entry and per-namespace setup.
 *
 * At load, the transports are registered with IP (protocol.c) and ICMP
 * before anything can deliver to them; the family (af_wren.c) comes last,
 * once there is a stack under its sockets.
 * Every network namespace gets a struct wren_net (net_generic storage).
 * Its subsystems are set up in layer order, bottom first, and torn down in
 * the reverse order; the transports come last so they find /proc/net/wren
 * and the network layer ready.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netns/generic.h>
#include "ip.h"

static unsigned int wren_net_id __read_mostly;

struct wren_net *wren_net(const struct net *net)
{
	return net_generic(net, wren_net_id);
}

struct wren_subsys {
	int (*init)(struct wren_net *wn);
	void (*exit)(struct wren_net *wn);
};

static void wren_link_net_exit_locked(struct wren_net *wn)
{
	rtnl_lock();
	wren_link_net_exit(wn);
	rtnl_unlock();
}

/*
 * Torn down in reverse: the transports first, then the interfaces; the
 * ARP and reassembly timers (which may still send ICMP) stop before ICMP's
 * state goes, and the routing table, which everyone reads, goes last.
 */
static const struct wren_subsys wren_subsystems[] = {
	{ wren_route_net_init,	wren_route_net_exit },
	{ wren_icmp_net_init,	wren_icmp_net_exit },
	{ wren_arp_net_init,	wren_arp_net_exit },
	{ wren_frag_net_init,	wren_frag_net_exit },
	{ wren_link_net_init,	wren_link_net_exit_locked },
	{ wren_proc_net_init,	wren_proc_net_exit },
	{ wren_udp_net_init,	wren_udp_net_exit },
	{ wren_ping_net_init,	wren_ping_net_exit },
	{ wren_tcp_net_init,	wren_tcp_net_exit },
};

static void wren_net_teardown(struct wren_net *wn, int n)
{
	/* No socket is left to send, so the loopback queue stays empty. */
	wren_loop_net_exit(wn);
	while (n-- > 0)
		wren_subsystems[n].exit(wn);
	wren_mib_exit(&wn->mib);
}

static int __net_init wren_net_init(struct net *net)
{
	struct wren_net *wn = wren_net(net);
	int i, err;

	wn->net = net;
	wn->loopback.wn = wn;
	INIT_LIST_HEAD(&wn->ifaces);
	atomic_set(&wn->ip_id, get_random_u32());
	wn->tcp_msl_ms = WREN_TCP_MSL_MS_DEFAULT;
	wn->tcp_retries2 = WREN_TCP_RETRIES2_DEFAULT;
	strscpy(wn->tcp_cong, "cubic", sizeof(wn->tcp_cong));
	err = wren_mib_init(&wn->mib);
	if (err)
		return err;
	wren_loop_net_init(wn);
	for (i = 0; i < ARRAY_SIZE(wren_subsystems); i++) {
		err = wren_subsystems[i].init(wn);
		if (err) {
			wren_net_teardown(wn, i);
			return err;
		}
	}
	return 0;
}

static void __net_exit wren_net_exit(struct net *net)
{
	wren_net_teardown(wren_net(net), ARRAY_SIZE(wren_subsystems));
}

static struct pernet_operations wren_net_ops = {
	.init	= wren_net_init,
	.exit	= wren_net_exit,
	.id	= &wren_net_id,
	.size	= sizeof(struct wren_net),
};

/*
 * Who takes what IP delivers (protocol.c): registered before the first
 * device can be attached, removed after the last namespace is gone (its
 * loopback queue drains through these).
 */
static const struct {
	u8				num;
	const struct wren_protocol	*prot;
} wren_ip_protocols[] = {
	{ IPPROTO_ICMP,	&wren_icmp_protocol },
	{ IPPROTO_UDP,	&wren_udp_protocol },
	{ IPPROTO_TCP,	&wren_tcp_protocol },
};

static void wren_protocols_del(unsigned int n)
{
	while (n-- > 0)
		wren_del_protocol(wren_ip_protocols[n].prot,
				  wren_ip_protocols[n].num);
	wren_icmp_del_echo(&wren_ping_protocol);
}

static int wren_protocols_add(void)
{
	unsigned int i;
	int err;

	err = wren_icmp_add_echo(&wren_ping_protocol);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(wren_ip_protocols); i++) {
		err = wren_add_protocol(wren_ip_protocols[i].prot,
					wren_ip_protocols[i].num);
		if (err) {
			wren_protocols_del(i);
			return err;
		}
	}
	return 0;
}

static int __init wren_init(void)
{
	int err;

	err = wren_tcp_init();
	if (err)
		return err;
	err = wren_protocols_add();
	if (err)
		goto out_tcp;
	err = register_pernet_subsys(&wren_net_ops);
	if (err)
		goto out_protocols;
	err = wren_link_init();
	if (err)
		goto out_pernet;
	err = wren_netlink_init();
	if (err)
		goto out_link;
	err = wren_sock_init();
	if (err)
		goto out_netlink;
	pr_info("wren: loaded\n");
	return 0;

out_netlink:
	wren_netlink_exit();
out_link:
	wren_link_exit();
out_pernet:
	unregister_pernet_subsys(&wren_net_ops);
	rcu_barrier();
out_protocols:
	wren_protocols_del(ARRAY_SIZE(wren_ip_protocols));
out_tcp:
	wren_tcp_exit();
	return err;
}

static void __exit wren_exit(void)
{
	wren_sock_exit();
	wren_netlink_exit();
	wren_link_exit();
	unregister_pernet_subsys(&wren_net_ops);
	wren_protocols_del(ARRAY_SIZE(wren_ip_protocols));
	wren_tcp_exit();
	/* kfree_rcu()/call_rcu() callbacks of ours must finish first. */
	rcu_barrier();
	pr_info("wren: unloaded\n");
}

module_init(wren_init);
module_exit(wren_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("wren: a TCP/IPv4 stack in a module");
MODULE_ALIAS_NETPROTO(AF_WREN);
MODULE_ALIAS_GENL_FAMILY("wren");
