/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren: the seams between the stack's layers.
 *
 * The classic picture, top to bottom, and where each box lives:
 *
 *   socket library   af_wren.c    the family: socket(), protosw, bind,
 *                                 getname, release, the proto_ops tables
 *                    datagram.c   the datagram socket calls (UDP, ping)
 *                    port.c       datagram port tables, /proc/net/wren/udp
 *                    ip_sockglue.c  SOL_IP socket options, for every type
 *   transport        udp.c, ping.c, tcp*.c (tcp.h maps TCP's files)
 *   network          protocol.c   IP protocol number -> transport handlers
 *                    ip_input.c, ip_output.c, ip_frag.c, route.c, addr.c
 *                    icmp.c (with the ICMP -> errno table), arp.c
 *   LAN driver edge  link.c       rx_handler, device events
 *   management       main.c       module load, per-namespace setup
 *                    netlink.c    the "wren" generic netlink family
 *                    proc.c, tcp_proc.c  /proc/net/wren
 *                    mib.c        SNMP counters and drop reasons
 *
 * A layer calls the one below through the functions declared here; IP and
 * ICMP reach the transports only through the struct wren_protocol each one
 * registers (protocol.c), so nothing calls upward by name.  Per-namespace
 * state lives in struct wren_net (netns.h); network-layer internals in
 * ip.h; the socket layer's in sock.h.  Each header groups its declarations
 * by the file that defines them, one "---- file.c" section each
 * (scripts/lint-decls.py checks it).
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
struct proto;

/* Headroom every transport must reserve before its header. */
#define WREN_MAX_HEADER	(LL_MAX_HEADER + 60)

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
	struct net_device *dev;	/* the device; valid while the caller's RCU is */
	u32	mtu;		/* the device's MTU */
	bool	broadcast;	/* daddr is a (limited or directed) broadcast */
	bool	local;		/* daddr is ours: delivered without a device */
};

/*
 * What a transport gives IP for its protocol number (protocol.c), as
 * Linux's struct net_protocol.
 * handler:     skb->data at the transport header, skb->len the transport
 *              length (trimmed to the IP total length), ip_hdr(skb) valid,
 *              skb->dev the receiving device.  The IP header checksum is
 *              checked; the transport checksum is not.  RCU held.
 *              Consumes skb.
 * err_handler: an ICMP error (or a local error) about a datagram we sent:
 *              skb->data at that datagram's IP header, at least its full
 *              IP header plus 8 bytes of transport header present and
 *              pulled.  RCU held.  Does not consume skb.  info is the ICMP
 *              "info" (next-hop MTU for frag-needed); from the error's
 *              sender (our own address for a local error).  May be NULL.
 * holds_port:  does a socket of net hold local port (host order)?  For a
 *              device shared with Linux: a broadcast goes to wren too only
 *              if one does.  RCU held.  May be NULL (never).
 */
struct wren_protocol {
	void	(*handler)(struct sk_buff *skb);
	void	(*err_handler)(struct net *net, struct sk_buff *skb, u8 type,
			       u8 code, u32 info, __be32 from);
	bool	(*holds_port)(struct wren_net *wn, u16 port);
};

/* ---- main.c: per-namespace state ----------------------------------------- */
struct wren_net *wren_net(const struct net *net);

/* ---- protocol.c: the IP protocol table ----------------------------------- */
/* Module load and unload only.  0, or -EEXIST if the number is taken. */
int wren_add_protocol(const struct wren_protocol *prot, u8 protocol);
/* Waits for the receive path to let go of prot (synchronize_net). */
void wren_del_protocol(const struct wren_protocol *prot, u8 protocol);

/* ---- route.c: routes and local addresses --------------------------------- */
/*
 * Look a destination up; 0 or -ENETUNREACH.  May be called in any context
 * (RCU inside).
 */
int wren_route_lookup(struct net *net, __be32 daddr, int oif,
		      struct wren_route_res *res);
/* Is addr one of this namespace's interface addresses? */
bool wren_addr_is_local(struct net *net, __be32 addr);
/* Is addr the limited broadcast or a directed broadcast of one of ours? */
bool wren_addr_is_broadcast(struct net *net, __be32 addr);

/* ---- ip_output.c: sending ------------------------------------------------ */
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

/* ---- icmp.c: ICMP -------------------------------------------------------- */
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

/*
 * Map an ICMP error to an errno; true if it is one that a connected
 * socket reports (Linux's "hard" errors, plus net/host unreachable, which
 * wren also reports to connected sockets as the ARP-failure case needs).
 */
bool wren_icmp_err_convert(u8 type, u8 code, int *err);

/*
 * Who gets ICMP echo replies, and errors about the echo requests we sent
 * (the ping sockets): one taker, registered at module load as a protocol
 * is.  0 or -EEXIST; the removal waits for the receive path.
 */
int wren_icmp_add_echo(const struct wren_protocol *prot);
void wren_icmp_del_echo(const struct wren_protocol *prot);

/* IPPROTO_ICMP's handlers: ICMP input, and errors about ICMP we sent. */
extern const struct wren_protocol wren_icmp_protocol;

/* ---- udp.c: UDP ---------------------------------------------------------- */
extern const struct wren_protocol wren_udp_protocol;
/* Named only as ip_input.c's INDIRECT_CALL hint; reached via the table. */
void wren_udp_rcv(struct sk_buff *skb);
int wren_udp_net_init(struct wren_net *wn);
void wren_udp_net_exit(struct wren_net *wn);

/* ---- ping.c: ICMP echo sockets ------------------------------------------- */
/* Registered with wren_icmp_add_echo(). */
extern const struct wren_protocol wren_ping_protocol;
int wren_ping_net_init(struct wren_net *wn);
void wren_ping_net_exit(struct wren_net *wn);

/* ---- tcp_input.c: TCP's receive side ------------------------------------- */
extern const struct wren_protocol wren_tcp_protocol;
/* Named only as ip_input.c's INDIRECT_CALL hint; reached via the table. */
void wren_tcp_rcv(struct sk_buff *skb);

/* ---- tcp.c: TCP's module glue and settings ------------------------------- */
int wren_tcp_init(void);		/* module load: secrets, algorithms */
void wren_tcp_exit(void);
/* WREN_A_SET_TCP_CONG: 0 or -ENOENT (no such algorithm).  Under RTNL. */
int wren_tcp_set_default_cong(struct wren_net *wn, const char *name);
/* WREN_A_SET_TCP_MSL_MS: 1 ms .. 600 s, else -EINVAL.  Under RTNL. */
int wren_tcp_set_msl(struct wren_net *wn, u32 msl_ms);
/* WREN_A_SET_TCP_RETRIES2: 1 .. 255, else -EINVAL.  Under RTNL. */
int wren_tcp_set_retries2(struct wren_net *wn, u32 retries);
/* socket(AF_WREN, SOCK_STREAM, 0 or IPPROTO_TCP). */
extern struct proto wren_tcp_prot;

/* ---- tcp_hash.c: TCP's per-namespace tables and memory ------------------- */
int wren_tcp_net_init(struct wren_net *wn);
void wren_tcp_net_exit(struct wren_net *wn);
/* WREN_A_SET_TCP_MEM_LIMIT: KiB >= 256, 0 the default, else -EINVAL. */
int wren_tcp_set_mem_limit(struct wren_net *wn, u32 kib);
/* The namespace's TCP memory: its limit and what is charged, in bytes. */
long wren_tcp_mem_limit(struct wren_net *wn);
long wren_tcp_mem_used(struct wren_net *wn);
/* Tcp CurrEstab for /proc/net/wren/snmp: ESTABLISHED + CLOSE_WAIT. */
unsigned int wren_tcp_curr_estab(struct wren_net *wn);

/* ---- af_wren.c: the family ----------------------------------------------- */
int wren_sock_init(void);		/* proto_register(), sock_register() */
void wren_sock_exit(void);
void wren_sock_clone_lockdep(struct sock *child);

#endif /* _WREN_H */
