// SPDX-License-Identifier: GPL-2.0
/*
 * wren: the LAN driver boundary.
 *
 * wren attaches to an Ethernet net_device by installing an rx_handler.  It
 * takes the ARP frames and the IPv4 frames sent to this host (unicast to
 * our MAC, or broadcast) and passes everything else back to Linux untouched.
 * Frames leave through dev_queue_xmit().
 *
 * Locking: attach and detach run under RTNL (netlink, the netdevice
 * notifier, namespace exit).  The packet path finds the wren_iface through
 * dev->rx_handler_data under RCU; a detached wren_iface is freed, and its
 * device reference dropped, after a grace period.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/rtnetlink.h>
#include <linux/u64_stats_sync.h>
#include "compat.h"
#include "ip.h"

static rx_handler_result_t wren_link_rx(struct sk_buff **pskb);

struct wren_iface *wren_iface_by_index_rcu(struct net *net, int ifindex)
{
	struct net_device *dev = dev_get_by_index_rcu(net, ifindex);

	if (!dev || rcu_access_pointer(dev->rx_handler) != wren_link_rx)
		return NULL;
	return rcu_dereference(dev->rx_handler_data);
}

struct wren_iface *wren_iface_get(struct net_device *dev)
{
	ASSERT_RTNL();
	if (rtnl_dereference(dev->rx_handler) != wren_link_rx)
		return NULL;
	return rtnl_dereference(dev->rx_handler_data);
}

/*
 * Per-CPU counters, written from process context (sends) and softirq
 * (receives): BH is kept off so that the two never nest on one CPU.
 */
static void wren_link_count(struct wren_iface *ifc, bool rx, unsigned int len)
{
	struct wren_iface_stats *st;

	local_bh_disable();
	st = this_cpu_ptr(ifc->stats);
	u64_stats_update_begin(&st->syncp);
	if (rx) {
		u64_stats_inc(&st->rx_packets);
		u64_stats_add(&st->rx_bytes, len);
	} else {
		u64_stats_inc(&st->tx_packets);
		u64_stats_add(&st->tx_bytes, len);
	}
	u64_stats_update_end(&st->syncp);
	local_bh_enable();
}

void wren_link_stats_drop(struct wren_iface *ifc, bool rx)
{
	struct wren_iface_stats *st;

	local_bh_disable();
	st = this_cpu_ptr(ifc->stats);
	u64_stats_update_begin(&st->syncp);
	u64_stats_inc(rx ? &st->rx_drops : &st->tx_drops);
	u64_stats_update_end(&st->syncp);
	local_bh_enable();
}

/* ---- receive --------------------------------------------------------------- */

static void wren_link_deliver(struct wren_iface *ifc, struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_ARP)) {
		wren_arp_rcv(ifc, skb);
		return;
	}
	/*
	 * A frame from a local Linux sender over veth may still carry a
	 * partial checksum; finish it, since wren checks checksums in software.
	 */
	if (skb->ip_summed == CHECKSUM_PARTIAL && !skb_is_gso(skb) &&
	    skb_checksum_help(skb)) {
		wren_drop(ifc->wn, skb, WREN_DROP_NOMEM);
		return;
	}
	wren_ip_rcv(ifc, skb);
}

/* A GSO super-packet (veth from a local sender): cut it into frames. */
static void wren_link_rcv_gso(struct wren_iface *ifc, struct sk_buff *skb)
{
	struct sk_buff *segs, *next;
	int maclen = skb->data - skb_mac_header(skb);

	__skb_push(skb, maclen);
	segs = __skb_gso_segment(skb, 0, false);
	if (IS_ERR_OR_NULL(segs)) {
		wren_drop(ifc->wn, skb, WREN_DROP_NOMEM);
		return;
	}
	wren_consume(ifc->wn, skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		WREN_INC(ifc->wn, WrenFrames, InDerived);
		__skb_pull(skb, maclen);
		skb_reset_network_header(skb);
		wren_link_deliver(ifc, skb);
	}
}

/*
 * TCP takes GRO'd (and local GSO) TCP super-packets whole, as Linux's TCP
 * does: their checksums are already verified (or partial from a local
 * sender), and one big segment costs the stack one traversal.
 */
static bool wren_link_gso_whole(const struct sk_buff *skb)
{
	unsigned int t = skb_shinfo(skb)->gso_type;

	return (t & SKB_GSO_TCPV4) &&
	       !(t & ~(SKB_GSO_TCPV4 | SKB_GSO_TCP_FIXEDID | SKB_GSO_DODGY |
		       SKB_GSO_TCP_ECN));
}

static bool wren_link_wants(const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_ARP))
		return true;
	if (skb->protocol != htons(ETH_P_IP))
		return false;
	/* wren joins no multicast group: leave those frames to Linux. */
	return skb->pkt_type != PACKET_MULTICAST;
}

/* A frame wren took (the rx handler's, or a copy): consumes skb. */
static void wren_link_take(struct wren_iface *ifc, struct sk_buff *skb)
{
	/* Every frame wren takes counts, the ones it then drops too. */
	WREN_INC(ifc->wn, WrenFrames, InFrames);
	wren_link_count(ifc, true, skb->len + ETH_HLEN);
	if (skb->pkt_type == PACKET_OTHERHOST) {
		wren_drop(ifc->wn, skb, WREN_DROP_ETH_OTHERHOST);
		return;
	}
	if (skb_mac_header_len(skb) < ETH_HLEN) {
		wren_link_stats_drop(ifc, true);
		wren_drop(ifc->wn, skb, WREN_DROP_ETH_TRUNCATED);
		return;
	}
	skb = skb_share_check(skb, GFP_ATOMIC);
	if (!skb) {
		WREN_DROP_COUNT(ifc->wn, NOMEM);
		return;
	}
	if (skb_is_gso(skb) && !wren_link_gso_whole(skb))
		wren_link_rcv_gso(ifc, skb);
	else
		wren_link_deliver(ifc, skb);
}

/*
 * On a shared device (netns.h): which frames are wren's.  A frame both
 * stacks see is cloned for wren; when the clone cannot be had, wren
 * counts the frame as taken and dropped, and Linux still gets it.
 */
static rx_handler_result_t wren_link_share(struct wren_iface *ifc,
					   struct sk_buff *skb)
{
	enum wren_share share;
	struct sk_buff *c;

	if (skb->pkt_type == PACKET_OTHERHOST)
		return RX_HANDLER_PASS;
	share = skb->protocol == htons(ETH_P_ARP) ? wren_arp_share(ifc, skb) :
						     wren_ip_share(ifc, skb);
	if (share == WREN_SHARE_PASS)
		return RX_HANDLER_PASS;
	if (share == WREN_SHARE_TAKE) {
		wren_link_take(ifc, skb);
		return RX_HANDLER_CONSUMED;
	}
	c = skb_clone(skb, GFP_ATOMIC);
	if (c) {
		wren_link_take(ifc, c);
	} else {
		WREN_INC(ifc->wn, WrenFrames, InFrames);
		WREN_DROP_COUNT(ifc->wn, NOMEM);
	}
	return RX_HANDLER_PASS;
}

static rx_handler_result_t wren_link_rx(struct sk_buff **pskb)
{
	struct sk_buff *skb = *pskb;
	struct wren_iface *ifc;

	if (!wren_link_wants(skb) || skb_vlan_tag_present(skb))
		return RX_HANDLER_PASS;
	ifc = rcu_dereference(skb->dev->rx_handler_data);
	if (!ifc->exclusive)
		return wren_link_share(ifc, skb);
	wren_link_take(ifc, skb);
	return RX_HANDLER_CONSUMED;
}

/* ---- transmit -------------------------------------------------------------- */

int wren_link_output(struct wren_iface *ifc, struct sk_buff *skb,
		     const u8 *dst_mac, __be16 proto)
{
	struct net_device *dev = ifc->dev;
	struct ethhdr *eth;
	unsigned int len;
	int err;

	if (unlikely(!netif_running(dev))) {
		wren_link_stats_drop(ifc, false);
		wren_drop_out(ifc->wn, skb, WREN_DROP_DEV_DOWN);
		return -ENETDOWN;
	}
	if (skb_cow_head(skb, LL_RESERVED_SPACE(dev))) {
		wren_link_stats_drop(ifc, false);
		wren_drop_out(ifc->wn, skb, WREN_DROP_NOMEM);
		return -ENOBUFS;
	}
	skb_reset_network_header(skb);
	eth = skb_push(skb, ETH_HLEN);
	skb_reset_mac_header(skb);
	ether_addr_copy(eth->h_dest, dst_mac);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = proto;
	skb->protocol = proto;
	skb->dev = dev;
	len = skb->len;
	err = dev_queue_xmit(skb);
	if (err > 0)
		err = net_xmit_errno(err);	/* congestion (CN) is no loss */
	if (err) {
		wren_link_stats_drop(ifc, false);
		return err;
	}
	wren_link_count(ifc, false, len);
	return 0;
}

/* ---- attach and detach ------------------------------------------------------ */

static bool wren_link_usable(struct net_device *dev,
			     struct netlink_ext_ack *extack)
{
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN ||
	    (dev->flags & IFF_LOOPBACK)) {
		NL_SET_ERR_MSG(extack, "device is not an Ethernet device");
		return false;
	}
	return true;
}

static struct wren_iface *wren_iface_alloc(struct wren_net *wn,
					   struct net_device *dev)
{
	struct wren_iface *ifc = kzalloc(sizeof(*ifc), GFP_KERNEL);
	struct wren_ifaddrs *ia = kzalloc(sizeof(*ia), GFP_KERNEL);
	int cpu;

	if (!ifc || !ia)
		goto fail;
	ifc->stats = alloc_percpu(struct wren_iface_stats);
	if (!ifc->stats)
		goto fail;
	for_each_possible_cpu(cpu)
		u64_stats_init(&per_cpu_ptr(ifc->stats, cpu)->syncp);
	ifc->dev = dev;
	ifc->wn = wn;
	RCU_INIT_POINTER(ifc->addrs, ia);
	return ifc;
fail:
	kfree(ia);
	kfree(ifc);
	return NULL;
}

static void wren_iface_free_rcu(struct rcu_head *head)
{
	struct wren_iface *ifc = container_of(head, struct wren_iface, rcu);

	netdev_put(ifc->dev, &ifc->dev_tracker);
	kfree(rcu_dereference_protected(ifc->addrs, 1));
	free_percpu(ifc->stats);
	kfree(ifc);
}

int wren_link_attach(struct wren_net *wn, struct net_device *dev,
		     bool exclusive, struct netlink_ext_ack *extack)
{
	struct wren_iface *ifc;
	int err;

	ASSERT_RTNL();
	if (wren_iface_get(dev)) {
		NL_SET_ERR_MSG(extack, "device is already attached");
		return -EEXIST;
	}
	if (!wren_link_usable(dev, extack))
		return -EINVAL;
	ifc = wren_iface_alloc(wn, dev);
	if (!ifc)
		return -ENOMEM;
	ifc->exclusive = exclusive;
	err = netdev_rx_handler_register(dev, wren_link_rx, ifc);
	if (err) {
		NL_SET_ERR_MSG(extack, "device already has a receive handler (bridge, bond, ...)");
		kfree(rcu_dereference_protected(ifc->addrs, 1));
		free_percpu(ifc->stats);
		kfree(ifc);
		return err;
	}
	netdev_hold(dev, &ifc->dev_tracker, GFP_KERNEL);
	list_add_tail_rcu(&ifc->node, &wn->ifaces);
	wn->n_ifaces++;
	return 0;
}

void wren_link_detach(struct wren_iface *ifc)
{
	struct wren_net *wn = ifc->wn;

	ASSERT_RTNL();
	/*
	 * Unpublish ifc everywhere a reader could find it (routes, local
	 * entries, the interface list, the rx handler); the grace period in
	 * netdev_rx_handler_unregister() then waits for every reader that
	 * still might have, so nothing can queue on ifc after the flushes.
	 */
	wren_route_iface_gone(ifc);
	list_del_rcu(&ifc->node);
	wn->n_ifaces--;
	netdev_rx_handler_unregister(ifc->dev);
	wren_arp_flush(wn, ifc, true);
	wren_loop_flush_dev(wn, ifc->dev);
	call_rcu(&ifc->rcu, wren_iface_free_rcu);
}

/* ---- device events ----------------------------------------------------------- */

/*
 * The namespace's "lo" carries wren's 127.0.0.0/8 (netns.h).  Its
 * NETDEV_REGISTER comes after wren's pernet init (devices start after
 * subsystems) or, for namespaces older than the module, in the replay of
 * register_netdevice_notifier(); its NETDEV_UNREGISTER only when the
 * namespace goes, or replayed when wren unloads.
 */
static void wren_link_loopback_event(struct net_device *dev,
				     unsigned long event)
{
	struct wren_net *wn = wren_net(dev_net(dev));

	if (event == NETDEV_REGISTER) {
		WRITE_ONCE(wn->loopback.dev, dev);
	} else if (event == NETDEV_UNREGISTER && wn->loopback.dev == dev) {
		WRITE_ONCE(wn->loopback.dev, NULL);
		wren_loop_flush_dev(wn, dev);
	}
}

static int wren_link_event(struct notifier_block *nb, unsigned long event,
			   void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct wren_iface *ifc;

	if (dev->flags & IFF_LOOPBACK) {
		wren_link_loopback_event(dev, event);
		return NOTIFY_DONE;
	}
	ifc = wren_iface_get(dev);
	if (!ifc)
		return NOTIFY_DONE;
	switch (event) {
	case NETDEV_UNREGISTER:
		wren_link_detach(ifc);
		break;
	case NETDEV_DOWN:
		wren_arp_flush(ifc->wn, ifc, false);
		break;
	case NETDEV_UP:
		wren_addr_announce_all(ifc);
		break;
	case NETDEV_CHANGE:
		if (netif_carrier_ok(dev))
			wren_addr_announce_all(ifc);
		break;
	case NETDEV_CHANGEADDR:
		wren_addr_announce_all(ifc);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block wren_link_notifier = {
	.notifier_call = wren_link_event,
};

int wren_link_net_init(struct wren_net *wn)
{
	return 0;
}

void wren_link_net_exit(struct wren_net *wn)
{
	struct wren_iface *ifc, *tmp;

	ASSERT_RTNL();
	list_for_each_entry_safe(ifc, tmp, &wn->ifaces, node)
		wren_link_detach(ifc);
}

int wren_link_init(void)
{
	return register_netdevice_notifier(&wren_link_notifier);
}

/*
 * Unregistering the notifier replays NETDEV_UNREGISTER for every device
 * of every namespace, which detaches whatever is still attached.
 */
void wren_link_exit(void)
{
	unregister_netdevice_notifier(&wren_link_notifier);
}
