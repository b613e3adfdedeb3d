/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * wren: the user-space interface of the wren TCP/IPv4 stack.
 *
 * Everything a program needs to use wren: the address family and its
 * socket address, the generic-netlink configuration family, and the
 * formats of the files under /proc/net/wren/.
 */
#ifndef _UAPI_LINUX_WREN_H
#define _UAPI_LINUX_WREN_H

#include <linux/types.h>

/*
 * The address family.  25 was AF_WANPIPE, which no kernel of ours registers;
 * glibc and strace still print it under that name.
 */
#define AF_WREN		25
#define PF_WREN		AF_WREN

/* Laid out like struct sockaddr_in: family, port, address, padding. */
struct sockaddr_wren {
	__u16	swren_family;		/* AF_WREN */
	__be16	swren_port;		/* network byte order */
	__be32	swren_addr;		/* IPv4 address, network byte order */
	__u8	swren_zero[8];		/* pad to sizeof(struct sockaddr) */
};

/* Well-known values of swren_addr (network byte order after htonl()). */
#define WREN_ADDR_ANY		((__u32)0x00000000)
#define WREN_ADDR_BROADCAST	((__u32)0xffffffff)

/*
 * Socket types and protocols:
 *   socket(AF_WREN, SOCK_DGRAM, 0 or IPPROTO_UDP)     UDP
 *   socket(AF_WREN, SOCK_DGRAM, IPPROTO_ICMP)         ICMP echo ("ping") socket
 *   socket(AF_WREN, SOCK_STREAM, 0 or IPPROTO_TCP)    TCP
 * Socket options are Linux's: SOL_SOCKET options, and for TCP the
 * IPPROTO_TCP options of <netinet/tcp.h> plus the ones below.
 */

/* ---- Generic netlink: family "wren" -------------------------------------- */

#define WREN_GENL_NAME		"wren"
#define WREN_GENL_VERSION	1

enum wren_cmd {
	WREN_CMD_UNSPEC,
	WREN_CMD_LINK_ATTACH,	/* IFNAME or IFINDEX */
	WREN_CMD_LINK_DETACH,	/* IFNAME or IFINDEX */
	WREN_CMD_LINK_GET,	/* dump: one message per attached link */
	WREN_CMD_ADDR_ADD,	/* IFNAME/IFINDEX, ADDR, PREFIXLEN */
	WREN_CMD_ADDR_DEL,	/* IFNAME/IFINDEX, ADDR, PREFIXLEN */
	WREN_CMD_ROUTE_ADD,	/* DST, PREFIXLEN, GATEWAY and/or IFNAME/IFINDEX */
	WREN_CMD_ROUTE_DEL,	/* DST, PREFIXLEN [, GATEWAY] [, IFNAME/IFINDEX] */
	WREN_CMD_ROUTE_GET,	/* dump */
	WREN_CMD_ARP_ADD,	/* ADDR, LLADDR, IFNAME/IFINDEX: a permanent entry */
	WREN_CMD_ARP_DEL,	/* ADDR [, IFNAME/IFINDEX] */
	WREN_CMD_ARP_FLUSH,	/* [IFNAME/IFINDEX] */
	WREN_CMD_ARP_GET,	/* dump */
	WREN_CMD_SET,		/* namespace settings: any WREN_A_SET_* */
	WREN_CMD_GET,		/* namespace settings */
	__WREN_CMD_MAX,
};
#define WREN_CMD_MAX (__WREN_CMD_MAX - 1)

enum wren_attr {
	WREN_A_UNSPEC,
	WREN_A_IFINDEX,		/* u32 */
	WREN_A_IFNAME,		/* string */
	WREN_A_ADDR,		/* be32: an interface address, or ARP's IP */
	WREN_A_PREFIXLEN,	/* u8, 0..32 */
	WREN_A_DST,		/* be32: route destination prefix */
	WREN_A_GATEWAY,		/* be32: route next hop */
	WREN_A_LLADDR,		/* binary, 6 bytes */
	WREN_A_STATE,		/* u8: enum wren_arp_state / route kind */
	WREN_A_FLAGS,		/* u32: WREN_LINK_F_* */
	WREN_A_MTU,		/* u32 */
	WREN_A_ADDRS,		/* nested: WREN_A_ADDR_ENTRY... */
	WREN_A_ADDR_ENTRY,	/* nested: ADDR, PREFIXLEN */
	WREN_A_SET_TCP_MSL_MS,	/* u32: TIME_WAIT lasts 2 * MSL */
	WREN_A_SET_TCP_CONG,	/* string: default congestion control */
	WREN_A_PAD,
	__WREN_A_MAX,
};
#define WREN_A_MAX (__WREN_A_MAX - 1)

/* WREN_A_FLAGS of a link */
#define WREN_LINK_F_UP		0x1	/* IFF_UP */
#define WREN_LINK_F_CARRIER	0x2	/* netif_carrier_ok() */

/* WREN_A_STATE of an ARP entry (also the words in /proc/net/wren/arp) */
enum wren_arp_state {
	WREN_ARP_INCOMPLETE,	/* "incomplete" */
	WREN_ARP_REACHABLE,	/* "reachable" */
	WREN_ARP_STALE,		/* "stale" */
	WREN_ARP_FAILED,	/* "failed" */
	WREN_ARP_PERMANENT,	/* "permanent" */
};

/* WREN_A_STATE of a route (also the words in /proc/net/wren/route) */
enum wren_route_kind {
	WREN_ROUTE_CONNECTED,	/* "connected": from an interface address */
	WREN_ROUTE_STATIC,	/* "static": added by the administrator */
};

/* ---- /proc/net/wren/ ----------------------------------------------------- */
/*
 * All files are per network namespace and readable by any user.  Addresses
 * are written as Linux's /proc/net/udp does: %08X of the address as stored
 * (network order, so 192.0.2.1 reads 010200C0), ports as %04X in host order.
 *
 * udp:   "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when
 *         retrnsmt   uid  timeout inode ref pointer drops"
 *        then one line a socket, as /proc/net/udp:
 *        "%5d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 00000000
 *         %5u        0 %lu 2 %pK %u"
 *        st 07 = unconnected (TCP_CLOSE), 01 = connected (TCP_ESTABLISHED).
 * ping:  as udp, for ICMP echo sockets (the port is the echo identifier).
 * tcp:   as /proc/net/tcp.
 * arp:   "IP address       HW type     Flags       HW address            Mask     Device   State"
 *        then "%-16s 0x1         0x%-9x %-21pM *        %-8s %s"
 *        (state one of the enum wren_arp_state words above).
 * route: "Destination     Gateway         Genmask         Iface    Kind"
 *        then dotted quads, device name and kind word.
 * dev:   "Iface    Index  MTU  Flags Addresses RxPackets RxBytes RxDrops TxPackets TxBytes TxDrops"
 *        Addresses is a comma-separated list of A.B.C.D/N ("-" if none).
 * snmp:  pairs of lines as /proc/net/snmp: "Ip: Forwarding DefaultTTL ..."
 *        then "Ip: 2 64 ...", for Ip, Icmp, IcmpMsg, Udp (and Tcp, TcpExt),
 *        then "WrenDrop: <reason names>" / "WrenDrop: <counts>".
 */

#endif /* _UAPI_LINUX_WREN_H */
