/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren: per-namespace state and the attached-interface object.
 *
 * Each network namespace has one struct wren_net (main.c, pernet ops).
 * Each subsystem keeps its tables behind its own pointer here, allocated in
 * its <subsys>_net_init() and freed in <subsys>_net_exit(), so that no
 * subsystem needs another's private layout.
 */
#ifndef _WREN_NETNS_H
#define _WREN_NETNS_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/workqueue.h>
#include "wren.h"
#include "mib.h"

struct wren_route_table;	/* route.c */
struct wren_arp_table;		/* arp.c */
struct wren_frag_table;		/* ip_frag.c */
struct wren_udp_table;		/* udp.c */
struct wren_ping_table;		/* ping.c */
struct wren_tcp_table;		/* tcp*.c (later) */
struct wren_icmp_state;		/* icmp.c */

#define WREN_CONG_NAME_MAX	16
#define WREN_TCP_MSL_MS_DEFAULT	30000
#define WREN_TCP_RETRIES2_DEFAULT	15	/* Linux's tcp_retries2 */

/* One interface address (at most WREN_MAX_ADDRS per interface). */
struct wren_ifaddr {
	__be32	addr;
	__be32	mask;
	u8	prefixlen;
};

#define WREN_MAX_ADDRS	8

/* Per-interface traffic counters, as /proc/net/wren/dev shows them. */
struct wren_iface_stats {
	u64_stats_t		rx_packets, rx_bytes, rx_drops;
	u64_stats_t		tx_packets, tx_bytes, tx_drops;
	struct u64_stats_sync	syncp;
};

/*
 * An Ethernet device wren is attached to.  Created by link attach under
 * RTNL, installed as the device's rx_handler_data, freed after an RCU grace
 * period on detach.  The address list is copied-on-write: writers hold RTNL
 * and publish a new struct wren_ifaddrs with rcu_assign_pointer(); readers
 * use rcu_dereference() in the packet path.
 */
struct wren_ifaddrs {
	struct rcu_head		rcu;
	unsigned int		n;
	struct wren_ifaddr	a[WREN_MAX_ADDRS];
};

struct wren_iface {
	struct net_device		*dev;	/* held while attached; see loopback */
	netdevice_tracker		dev_tracker;
	struct wren_net			*wn;
	struct list_head		node;	/* wn->ifaces, RTNL */
	struct wren_ifaddrs __rcu	*addrs;
	struct wren_iface_stats __percpu *stats;
	struct rcu_head			rcu;
	bool				exclusive; /* set at attach, fixed */
};

/*
 * What the rx handler does with a frame on a shared device (the default
 * mode; an exclusive one gives wren every ARP and IPv4 frame): leave it
 * to Linux, take it, or give wren a copy and Linux the frame, as two
 * hosts on one hub both see a broadcast.
 */
enum wren_share {
	WREN_SHARE_PASS,
	WREN_SHARE_TAKE,
	WREN_SHARE_COPY,
};

struct wren_net {
	struct net			*net;

	/*
	 * Attached interfaces.  Changed only under RTNL (attach, detach,
	 * NETDEV_UNREGISTER, namespace exit); read under RTNL or RCU.
	 */
	struct list_head		ifaces;
	unsigned int			n_ifaces;

	struct wren_route_table		*routes;
	struct wren_arp_table		*arp;
	struct wren_frag_table		*frags;
	struct wren_icmp_state		*icmp;
	struct wren_udp_table		*udp;
	struct wren_ping_table		*ping;
	struct wren_tcp_table		*tcp;

	struct wren_mib			mib;
	atomic_t			ip_id;	/* next IP identification */
	struct proc_dir_entry		*proc_dir;	/* /proc/net/wren */

	/*
	 * Datagrams sent to one of our own addresses, delivered from a work
	 * item (ip_input.c).  Bounded; the queue's own lock.
	 */
	struct sk_buff_head		loopq;
	struct work_struct		loop_work;

	/*
	 * 127.0.0.0/8: routes to this pseudo interface, whose dev is the
	 * namespace's Linux "lo" (set on its NETDEV_REGISTER, cleared on
	 * NETDEV_UNREGISTER; read with READ_ONCE under RCU).  Only dev and
	 * wn are set: it has no addresses, no statistics and is never on
	 * ifaces, and no frame of it ever reaches a device: everything
	 * routed here goes through loopq.
	 */
	struct wren_iface		loopback;

	/* Settings (WREN_CMD_SET): written under RTNL, read with READ_ONCE. */
	u32				tcp_msl_ms;
	u32				tcp_retries2;
	char				tcp_cong[WREN_CONG_NAME_MAX];
};

/* ---- link.c: the LAN driver boundary ------------------------------------- */
/* The attached interface for ifindex in net, or NULL.  Caller holds RCU. */
struct wren_iface *wren_iface_by_index_rcu(struct net *net, int ifindex);
/*
 * Put an Ethernet header (our MAC -> dst, ethertype proto) in front of
 * skb->data and transmit through dev_queue_xmit().  Pads nothing (the
 * driver does).  Consumes skb.  Returns 0 or a negative errno.
 */
int wren_link_output(struct wren_iface *ifc, struct sk_buff *skb,
		     const u8 *dst_mac, __be16 proto);

/* ---- arp.c --------------------------------------------------------------- */
/*
 * Send an IPv4 packet (skb->data at the IP header) to nexthop on ifc:
 * resolve the MAC (queueing the packet, bounded, while a request is out)
 * and call wren_link_output().  Consumes skb.  0, or -EHOSTUNREACH when the
 * entry is in the failed state, or -ENOBUFS.
 */
int wren_arp_output(struct wren_iface *ifc, struct sk_buff *skb,
		    __be32 nexthop);
void wren_arp_rcv(struct wren_iface *ifc, struct sk_buff *skb);
/*
 * A shared device's ARP frame (skb->data at the ARP header, not changed):
 * requests for one of ifc's addresses are wren's; replies and gratuitous
 * announcements are seen by both stacks; other requests are Linux's.
 * RCU held.
 */
enum wren_share wren_arp_share(struct wren_iface *ifc,
			       const struct sk_buff *skb);
/* An address was added: announce it (gratuitous ARP). */
void wren_arp_announce(struct wren_iface *ifc, __be32 addr);
/* Forget everything learnt on ifc (detach, down). */
void wren_arp_iface_down(struct wren_iface *ifc);

/* ---- ip_input.c ---------------------------------------------------------- */
/* An IPv4 frame for us: skb->data at the IP header.  Consumes skb. */
void wren_ip_rcv(struct wren_iface *ifc, struct sk_buff *skb);
/*
 * A shared device's IPv4 frame (skb->data at the IP header, not changed):
 * to one of wren's addresses, wren's; a broadcast to a port a wren socket
 * holds, both stacks'; the rest (and what is too short to tell) Linux's,
 * which validates it as it would without wren.  RCU held.
 */
enum wren_share wren_ip_share(struct wren_iface *ifc,
			      const struct sk_buff *skb);
/*
 * Deliver a complete (reassembled or unfragmented) datagram to its
 * transport: skb->data at the IP header.  Used by ip_input.c and
 * ip_frag.c.  Consumes skb.
 */
void wren_ip_local_deliver(struct sk_buff *skb);

/* ---- ip_frag.c ----------------------------------------------------------- */
/*
 * A fragment addressed to us (skb->data at the IP header).  Returns the
 * reassembled datagram when this fragment completed one, else NULL (skb
 * queued or dropped).
 */
struct sk_buff *wren_ip_defrag(struct wren_net *wn, struct sk_buff *skb);
/*
 * Fragment skb (skb->data at a complete IP header) to mtu and pass each
 * piece to out(); consumes skb.
 */
int wren_ip_fragment(struct wren_net *wn, struct sk_buff *skb, u32 mtu,
		     int (*out)(struct wren_iface *, struct sk_buff *, __be32),
		     struct wren_iface *ifc, __be32 nexthop);

/* ---- link.c: lifetimes (main.c calls these) ------------------------------ */
int wren_link_init(void);	/* netdevice notifier */
void wren_link_exit(void);	/* detach everything */
int wren_link_net_init(struct wren_net *wn);
void wren_link_net_exit(struct wren_net *wn);	/* under RTNL: detach all */

/* ---- route.c: lifetimes, connected routes -------------------------------- */
int wren_route_net_init(struct wren_net *wn);
void wren_route_net_exit(struct wren_net *wn);
/* Keep connected routes in step with interface addresses. */
int wren_route_add_connected(struct wren_iface *ifc, __be32 addr, u8 plen);
void wren_route_del_connected(struct wren_iface *ifc, __be32 addr, u8 plen);
void wren_route_iface_gone(struct wren_iface *ifc);

/* ---- arp.c: lifetimes ---------------------------------------------------- */
int wren_arp_net_init(struct wren_net *wn);
void wren_arp_net_exit(struct wren_net *wn);

/* ---- ip_frag.c: lifetimes ------------------------------------------------ */
int wren_frag_net_init(struct wren_net *wn);
void wren_frag_net_exit(struct wren_net *wn);

/* ---- icmp.c: lifetimes --------------------------------------------------- */
int wren_icmp_net_init(struct wren_net *wn);
void wren_icmp_net_exit(struct wren_net *wn);

/* ---- proc.c: /proc/net/wren ---------------------------------------------- */
int wren_proc_net_init(struct wren_net *wn);
void wren_proc_net_exit(struct wren_net *wn);
/*
 * /proc/net/wren of this namespace.  It exists before any transport's
 * *_net_init() runs and is removed after every *_net_exit(): transports add
 * their files with proc_create_net_data(name, 0444, wren_proc_dir(wn), ...)
 * and remove them with remove_proc_entry(name, wren_proc_dir(wn)).
 */
struct proc_dir_entry *wren_proc_dir(struct wren_net *wn);

/* ---- netlink.c: the "wren" generic netlink family ------------------------ */
int wren_netlink_init(void);
void wren_netlink_exit(void);

#endif /* _WREN_NETNS_H */
