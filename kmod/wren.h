/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren: the seams between the stack's layers.
 *
 *   af_wren.c (the family, proto_ops)         <- socket library
 *   udp.c, ping.c, tcp*.c                      <- transport
 *   ip_input.c, ip_output.c, ip_frag.c,
 *   icmp.c, route.c, arp.c                     <- network
 *   link.c (rx_handler, device events)         <- LAN driver boundary
 *
 * Each layer calls the one below through the functions declared here, and
 * the one above through the receive/error hooks declared here.  Nothing else
 * crosses a layer.  Per-namespace state lives in struct wren_net (netns.h).
 */
#ifndef _WREN_H
#define _WREN_H

#include <linux/types.h>
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <net/net_namespace.h>
#include <linux/wren.h>

struct wren_net;
struct wren_iface;

/* Headroom every transport must reserve before its header. */
#define WREN_MAX_HEADER	(LL_MAX_HEADER + 60)

/* ---- per-namespace state (main.c) --------------------------------------- */
struct wren_net *wren_net(const struct net *net);

/* ---- network layer: output (ip_output.c, route.c) ----------------------- */

/* What a transport asks of IP for one datagram. */
struct wren_flow {
	__be32	saddr;		/* 0: IP picks the route's preferred source */
	__be32	daddr;
	int	oif;		/* 0, or the ifindex the socket is bound to */
	u8	proto;		/* IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_TCP */
	u8	ttl;		/* 0: the default, 64 */
	u8	tos;
	bool	df;		/* set IP_DF; no fragmentation */
};

/* The result of a route lookup. */
struct wren_route_res {
	__be32	saddr;		/* preferred source address on that interface */
	__be32	nexthop;	/* gateway, or daddr itself when on link */
	int	ifindex;
	u32	mtu;		/* the device's MTU */
	bool	broadcast;	/* daddr is a (limited or directed) broadcast */
	bool	local;		/* daddr is ours: delivered without a device */
};

/*
 * Look a destination up; 0 or -ENETUNREACH.  May be called in any context
 * (RCU inside).
 */
int wren_route_lookup(struct net *net, __be32 daddr, int oif,
		      struct wren_route_res *res);

/*
 * Send one transport datagram.  skb->data points at the transport header,
 * with at least WREN_MAX_HEADER of headroom; skb->len is the transport
 * length.  The transport checksum is already filled in (or CHECKSUM_PARTIAL
 * set up with csum_start/csum_offset).  IP adds its header, routes,
 * fragments if needed and not fl->df, resolves ARP (queueing the packet)
 * and hands the frame to the device.  Always consumes skb.
 * Returns 0, or -ENETUNREACH (no route), -EMSGSIZE (fl->df and too big),
 * -EHOSTUNREACH (ARP already failed for the next hop), -ENOBUFS.
 */
int wren_ip_output(struct net *net, struct sk_buff *skb,
		   const struct wren_flow *fl);

/* Is addr one of this namespace's interface addresses? */
bool wren_addr_is_local(struct net *net, __be32 addr);
/* Is addr the limited broadcast or a directed broadcast of one of ours? */
bool wren_addr_is_broadcast(struct net *net, __be32 addr);

/* ---- network layer: ICMP (icmp.c) --------------------------------------- */

/*
 * Send an ICMP error about in_skb (skb_network_header(in_skb) is its IP
 * header).  Rate-limited; never about ICMP errors, fragments other than the
 * first, or broadcasts.  Does not consume in_skb.
 */
void wren_icmp_send(struct sk_buff *in_skb, u8 type, u8 code, __be32 info);

/*
 * Report an error about a packet we sent, as if an ICMP error about it had
 * arrived (ARP failure -> ICMP_DEST_UNREACH/ICMP_HOST_UNREACH).
 * skb->data at the IP header of our packet.  Does not consume skb.
 */
void wren_icmp_local_error(struct net *net, struct sk_buff *skb,
			   u8 type, u8 code, u32 info);

/* ---- transport hooks called by IP and ICMP ------------------------------ */
/*
 * rcv: skb->data at the transport header, skb->len the transport length
 *      (trimmed to the IP total length), ip_hdr(skb) valid, skb->dev the
 *      receiving device.  The IP header checksum is checked; the transport
 *      checksum is not.  Consumes skb.
 * err: an ICMP error (or a local error) about a datagram we sent:
 *      skb->data at that datagram's IP header, at least its full IP header
 *      plus 8 bytes of transport header present and pulled.  Does not
 *      consume skb.  info is the ICMP "info" (next-hop MTU for frag-needed).
 */
void wren_udp_rcv(struct sk_buff *skb);
void wren_udp_err(struct net *net, struct sk_buff *skb, u8 type, u8 code,
		  u32 info);
void wren_tcp_rcv(struct sk_buff *skb);
void wren_tcp_err(struct net *net, struct sk_buff *skb, u8 type, u8 code,
		  u32 info);
/* ICMP echo replies (skb->data at the ICMP header) for ping sockets. */
void wren_ping_rcv(struct sk_buff *skb);
void wren_ping_err(struct net *net, struct sk_buff *skb, u8 type, u8 code,
		   u32 info);

/* ---- per-namespace setup of the socket side (af_wren.c, udp.c, ping.c) -- */
int wren_sock_init(void);		/* sock_register(), proto_register() */
void wren_sock_exit(void);
int wren_udp_net_init(struct wren_net *wn);
void wren_udp_net_exit(struct wren_net *wn);
int wren_ping_net_init(struct wren_net *wn);
void wren_ping_net_exit(struct wren_net *wn);

/* ---- TCP (tcp*.c) --------------------------------------------------------- */
int wren_tcp_init(void);		/* module load: secrets, algorithms */
void wren_tcp_exit(void);
int wren_tcp_net_init(struct wren_net *wn);
void wren_tcp_net_exit(struct wren_net *wn);
/* WREN_A_SET_TCP_CONG: 0 or -ENOENT (no such algorithm).  Under RTNL. */
int wren_tcp_set_default_cong(struct wren_net *wn, const char *name);
/* WREN_A_SET_TCP_MSL_MS: 1 ms .. 600 s, else -EINVAL.  Under RTNL. */
int wren_tcp_set_msl(struct wren_net *wn, u32 msl_ms);
/* WREN_A_SET_TCP_RETRIES2: 1 .. 255, else -EINVAL.  Under RTNL. */
int wren_tcp_set_retries2(struct wren_net *wn, u32 retries);
/* WREN_A_SET_TCP_MEM_LIMIT: KiB >= 256, 0 the default, else -EINVAL. */
int wren_tcp_set_mem_limit(struct wren_net *wn, u32 kib);
/* The namespace's TCP memory: its limit and what is charged, in bytes. */
long wren_tcp_mem_limit(struct wren_net *wn);
long wren_tcp_mem_used(struct wren_net *wn);
/* Tcp CurrEstab for /proc/net/wren/snmp: ESTABLISHED + CLOSE_WAIT. */
unsigned int wren_tcp_curr_estab(struct wren_net *wn);
/* socket(AF_WREN, SOCK_STREAM, 0 or IPPROTO_TCP) (tcp.c). */
struct proto;
extern struct proto wren_tcp_prot;
extern const struct proto_ops wren_stream_ops;

#endif /* _WREN_H */
