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

/* ---- The socket address a socket speaks ----------------------------------- */
/*
 * setsockopt(fd, SOL_WREN, WREN_SO_FAMILY, &family, sizeof(int)) chooses
 * the form of the socket addresses bind, connect, sendto/sendmsg take and
 * getsockname, getpeername, accept, recvfrom/recvmsg give back:
 *   AF_WREN   struct sockaddr_wren (the default);
 *   AF_INET   struct sockaddr_in, sin_family AF_INET;
 *   AF_INET6  struct sockaddr_in6 with IPv4-mapped addresses (::ffff:a.b.c.d;
 *             "::" is the wildcard, any other IPv6 address unreachable), and
 *             IPPROTO_IPV6/IPV6_V6ONLY, default 0, as Linux keeps it.
 * Set it before bind or connect (EINVAL after); accepted connections take
 * their listener's.  wren-run sets it on the sockets it makes for
 * socket(AF_INET) and socket(AF_INET6) calls.  getsockopt reads it back.
 */
#define SOL_WREN		0x77726e	/* "wrn" */
#define WREN_SO_FAMILY		1
/*
 * SOL_WREN/WREN_SO_REUSEPORT (int, read back with getsockopt) is
 * SO_REUSEPORT for wren sockets: Linux's socket core refuses
 * setsockopt(SOL_SOCKET, SO_REUSEPORT) (EOPNOTSUPP) to every family but
 * AF_INET and AF_INET6.  getsockopt(SOL_SOCKET, SO_REUSEPORT) reads the
 * same flag.  Sockets of one owner sharing a port this way share its
 * flows by a hash of the 4-tuple, as Linux's: UDP datagrams, and the
 * connections a group of TCP listeners receives.  wren-run sets it for a
 * program's setsockopt(SOL_SOCKET, SO_REUSEPORT).
 */
#define WREN_SO_REUSEPORT	2

/* ---- TCP ------------------------------------------------------------------ */
/*
 * getsockopt(fd, IPPROTO_TCP, WREN_TCP_INFO, &info, &len) fills
 * struct wren_tcp_info (len may be shorter: the head of it is copied).
 * Linux's TCP_INFO (11) also works on wren sockets and fills the fields of
 * Linux's struct tcp_info that wren has; the rest read 0.
 * Other IPPROTO_TCP options: TCP_NODELAY, TCP_MAXSEG, TCP_KEEPIDLE,
 * TCP_KEEPINTVL, TCP_KEEPCNT, TCP_USER_TIMEOUT, TCP_CONGESTION ("cubic",
 * "reno"), TCP_LINGER2, TCP_SYNCNT, TCP_QUICKACK.
 */
#define WREN_TCP_INFO		200

#define WREN_TCPI_OPT_TIMESTAMPS	0x01
#define WREN_TCPI_OPT_SACK		0x02
#define WREN_TCPI_OPT_WSCALE		0x04
#define WREN_TCPI_OPT_SYN_COOKIE	0x08	/* opened through a SYN cookie */

struct wren_tcp_info {
	__u8	state;		/* TCP_ESTABLISHED (1) ... TCP_CLOSING (11) */
	__u8	ca_state;	/* 0 open, 1 disorder, 2 recovery, 3 loss */
	__u8	snd_wscale;	/* the peer's window shift */
	__u8	rcv_wscale;	/* ours */
	__u8	options;	/* WREN_TCPI_OPT_* */
	__u8	backoff;	/* RTO backoff exponent */
	__u8	retransmits;	/* RTOs since the last progress */
	__u8	pad;
	__u32	rto;		/* microseconds */
	__u32	rtt;		/* smoothed RTT, microseconds */
	__u32	rttvar;		/* microseconds */
	__u32	snd_cwnd;	/* segments */
	__u32	snd_ssthresh;	/* segments */
	__u32	total_retrans;	/* segments retransmitted, ever */
	__u32	snd_wnd;	/* peer's window, bytes */
	__u32	rcv_wnd;	/* our advertised window, bytes */
	__u32	snd_mss;	/* data bytes per segment we send */
	__u32	rcv_mss;	/* estimate of the peer's */
	__u32	advmss;		/* MSS we announced */
	__u32	pmtu;
	__u32	unacked;	/* segments in flight */
	__u32	sacked;
	__u32	lost;
	__u32	retrans;	/* retransmitted, unacknowledged */
	__u32	notsent_bytes;
	__u32	unread_bytes;
	char	cong[16];	/* congestion control algorithm */
	__u32	snd_una;	/* sequence numbers, for tests and debugging */
	__u32	snd_nxt;
	__u32	rcv_nxt;
};

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
	/* Added later; after WREN_A_PAD so older values keep their numbers. */
	WREN_A_SET_TCP_RETRIES2,	/* u32 1..255: RTOs before an established
					 * connection gives up (ETIMEDOUT), as
					 * Linux's net.ipv4.tcp_retries2 (15)
					 */
	WREN_A_SET_TCP_MEM_LIMIT,	/* u32 KiB, >= 256: the namespace's TCP
					 * buffer memory; windows shrink and
					 * out-of-order data is dropped above
					 * 3/4 of it.  0 restores the default
					 * (RAM / 8, at most 1 GiB).
					 */
	WREN_A_SET_ICMP_MSGS_PER_SEC,	/* u32 1..1000000: ICMP errors a
					 * second, sustained (burst 50), as
					 * Linux's net.ipv4.icmp_msgs_per_sec
					 * (1000)
					 */
	__WREN_A_MAX,
};

#define WREN_A_MAX (__WREN_A_MAX - 1)

/*
 * WREN_A_FLAGS of a link.  LINK_ATTACH takes WREN_LINK_F_EXCLUSIVE: wren
 * gets every ARP and IPv4 frame of the device.  Without it the device is
 * shared with Linux's stack: wren takes IPv4 to its addresses and ARP
 * requests for them, sees ARP replies, announcements and the broadcasts
 * to ports its sockets hold as Linux does, and leaves Linux the rest.
 */
#define WREN_LINK_F_UP		0x1	/* IFF_UP */
#define WREN_LINK_F_CARRIER	0x2	/* netif_carrier_ok() */
#define WREN_LINK_F_EXCLUSIVE	0x4	/* attached exclusive, not shared */

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
 * tcp:   as /proc/net/tcp: the header line
 *        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when
 *         retrnsmt   uid  timeout inode"
 *        then listening sockets, then connections and TIME_WAIT entries:
 *        "%4d: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d
 *         %lu %d %pK %lu %lu %u %u %d" (sockets: sl, local, remote, state
 *        as Linux's TCP_* numbers, tx_queue = unacked + unsent bytes,
 *        rx_queue = unread bytes or, for a listener, its accept backlog,
 *        timer (0 none, 1 retransmit, 2 keepalive/FIN_WAIT2, 3 time-wait,
 *        4 zero-window probe) and its time left in clock ticks, RTOs,
 *        uid, probes, inode, refcount, pointer, rto, ato, quickack<<1,
 *        cwnd, ssthresh (-1 while infinite)); time-wait lines stop after
 *        the pointer.
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
 *        TcpExt holds counters named as Linux's /proc/net/netstat has
 *        them: PAWSEstab (segments dropped by PAWS), TCPChallengeACK
 *        (challenge ACKs sent), TCPChallengeACKLimited (wren's: challenge
 *        ACKs not sent because of the RFC 5961 7 limit, 100 a second per
 *        namespace), TCPAbortOnTimeout (connections given up after their
 *        retries), TCPOFODrop (out-of-order segments dropped for
 *        memory), TCPRcvQDrop (segments refused for memory), TCPMemLimit
 *        (wren's: a gauge, the namespace's TCP memory limit in bytes) and
 *        TCPMemUsed (wren's: a gauge, bytes charged now).
 */

#endif /* _UAPI_LINUX_WREN_H */
