/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren: counters (SNMP MIB, as Linux names them in /proc/net/snmp) and drop
 * reasons.  Every packet wren throws away goes through wren_drop() with a
 * reason, so that /proc/net/wren/snmp accounts for it.
 *
 * Counters are per network namespace and per CPU; updates need no lock.
 */
#ifndef _WREN_MIB_H
#define _WREN_MIB_H

#include <linux/percpu.h>
#include <linux/skbuff.h>

/* X(group, Name): the group and field names printed in /proc/net/wren/snmp */
#define WREN_MIB_LIST(X)						\
	X(Ip, InReceives) X(Ip, InHdrErrors) X(Ip, InAddrErrors)	\
	X(Ip, InUnknownProtos) X(Ip, InDiscards) X(Ip, InDelivers)	\
	X(Ip, OutRequests) X(Ip, OutDiscards) X(Ip, OutNoRoutes)	\
	X(Ip, ReasmTimeout) X(Ip, ReasmReqds) X(Ip, ReasmOKs)		\
	X(Ip, ReasmFails) X(Ip, FragOKs) X(Ip, FragFails)		\
	X(Ip, FragCreates)						\
	X(Icmp, InMsgs) X(Icmp, InErrors) X(Icmp, InCsumErrors)		\
	X(Icmp, InDestUnreachs) X(Icmp, InTimeExcds) X(Icmp, InParmProbs) \
	X(Icmp, InEchos) X(Icmp, InEchoReps)				\
	X(Icmp, OutMsgs) X(Icmp, OutErrors) X(Icmp, OutRateLimited)	\
	X(Icmp, OutDestUnreachs) X(Icmp, OutTimeExcds)			\
	X(Icmp, OutParmProbs) X(Icmp, OutEchos) X(Icmp, OutEchoReps)	\
	X(Tcp, ActiveOpens) X(Tcp, PassiveOpens) X(Tcp, AttemptFails)	\
	X(Tcp, EstabResets) X(Tcp, InSegs) X(Tcp, OutSegs)		\
	X(Tcp, RetransSegs) X(Tcp, InErrs) X(Tcp, OutRsts)		\
	X(Tcp, InCsumErrors)						\
	X(Udp, InDatagrams) X(Udp, NoPorts) X(Udp, InErrors)		\
	X(Udp, OutDatagrams) X(Udp, RcvbufErrors) X(Udp, SndbufErrors)	\
	X(Udp, InCsumErrors) X(Udp, IgnoredMulti) X(Udp, MemErrors)

/*
 * Drop reasons: X(NAME, "ProcName").  Printed as "WrenDrop:" lines.
 * Add new reasons at the end of their layer's block.
 */
#define WREN_DROP_LIST(X)						\
	X(ETH_TRUNCATED, "EthTruncated")				\
	X(ETH_OTHERHOST, "EthOtherHost")				\
	X(ARP_TRUNCATED, "ArpTruncated")				\
	X(ARP_BAD_FORMAT, "ArpBadFormat")				\
	X(ARP_NOT_FOR_US, "ArpNotForUs")				\
	X(ARP_QUEUE_FULL, "ArpQueueFull")				\
	X(ARP_FAILED, "ArpFailed")					\
	X(ARP_CONFLICT, "ArpConflict")					\
	X(ARP_TABLE_FULL, "ArpTableFull")				\
	X(IP_TRUNCATED, "IpTruncated")					\
	X(IP_BAD_VERSION, "IpBadVersion")				\
	X(IP_BAD_IHL, "IpBadIhl")					\
	X(IP_BAD_LENGTH, "IpBadLength")					\
	X(IP_BAD_CSUM, "IpBadCsum")					\
	X(IP_TTL_ZERO, "IpTtlZero")					\
	X(IP_BAD_OPTIONS, "IpBadOptions")				\
	X(IP_NOT_FOR_US, "IpNotForUs")					\
	X(IP_BAD_SRC, "IpBadSrc")					\
	X(IP_UNKNOWN_PROTO, "IpUnknownProto")				\
	X(IP_NO_ROUTE, "IpNoRoute")					\
	X(IP_FRAG_NEEDED, "IpFragNeeded")				\
	X(IP_LOOP_FULL, "IpLoopFull")					\
	X(FRAG_TOO_BIG, "FragTooBig")					\
	X(FRAG_ZERO_LEN, "FragZeroLen")					\
	X(FRAG_BAD_LEN, "FragBadLen")					\
	X(FRAG_OVERLAP, "FragOverlap")					\
	X(FRAG_TIMEOUT, "FragTimeout")					\
	X(FRAG_MEM, "FragMemLimit")					\
	X(ICMP_TRUNCATED, "IcmpTruncated")				\
	X(ICMP_BAD_CSUM, "IcmpBadCsum")					\
	X(ICMP_UNHANDLED, "IcmpUnhandled")				\
	X(ICMP_BCAST_ECHO, "IcmpBcastEcho")				\
	X(ICMP_BAD_ERROR, "IcmpBadError")				\
	X(UDP_TRUNCATED, "UdpTruncated")				\
	X(UDP_BAD_LEN, "UdpBadLen")					\
	X(UDP_BAD_CSUM, "UdpBadCsum")					\
	X(UDP_NO_PORT, "UdpNoPort")					\
	X(UDP_RCVBUF, "UdpRcvbuf")					\
	X(UDP_FILTER, "UdpFilter")					\
	X(PING_NO_SOCKET, "PingNoSocket")				\
	X(PING_RCVBUF, "PingRcvbuf")					\
	X(PING_FILTER, "PingFilter")					\
	X(TCP_TRUNCATED, "TcpTruncated")				\
	X(TCP_BAD_CSUM, "TcpBadCsum")					\
	X(TCP_BAD_OFF, "TcpBadOff")					\
	X(TCP_NO_SOCKET, "TcpNoSocket")					\
	X(TCP_OUT_OF_WINDOW, "TcpOutOfWindow")				\
	X(TCP_RCVBUF, "TcpRcvbuf")					\
	X(TCP_OFO_LIMIT, "TcpOfoLimit")					\
	X(TCP_BACKLOG, "TcpBacklog")					\
	X(DEV_DOWN, "DevDown")						\
	X(NOMEM, "NoMem")

#define WREN_MIB_ENUM(g, n) WREN_MIB_##g##_##n,
enum wren_mib_field { WREN_MIB_LIST(WREN_MIB_ENUM) WREN_MIB_MAX };
#undef WREN_MIB_ENUM

#define WREN_DROP_ENUM(n, s) WREN_DROP_##n,
enum wren_drop_reason { WREN_DROP_LIST(WREN_DROP_ENUM) WREN_DROP_MAX };
#undef WREN_DROP_ENUM

/* One CPU's share of a namespace's counters. */
struct wren_mib_cpu {
	unsigned long	f[WREN_MIB_MAX];
	unsigned long	drop[WREN_DROP_MAX];
	unsigned long	icmp_in[256];	/* IcmpMsg InTypeN */
	unsigned long	icmp_out[256];	/* IcmpMsg OutTypeN */
};

struct wren_mib {
	struct wren_mib_cpu __percpu *pcpu;
};

struct net;
struct wren_net;

#define WREN_INC(wn, g, n) this_cpu_inc((wn)->mib.pcpu->f[WREN_MIB_##g##_##n])
#define WREN_ADD(wn, g, n, v) \
	this_cpu_add((wn)->mib.pcpu->f[WREN_MIB_##g##_##n], (v))
#define WREN_ICMP_IN(wn, type) this_cpu_inc((wn)->mib.pcpu->icmp_in[(u8)(type)])
#define WREN_ICMP_OUT(wn, type) \
	this_cpu_inc((wn)->mib.pcpu->icmp_out[(u8)(type)])

/* Count a drop under reason and free skb (which may be NULL). */
void wren_drop(struct wren_net *wn, struct sk_buff *skb,
	       enum wren_drop_reason reason);
/* Count a drop that has no skb to free (or whose skb is freed elsewhere). */
#define WREN_DROP_COUNT(wn, reason) \
	this_cpu_inc((wn)->mib.pcpu->drop[WREN_DROP_##reason])

int wren_mib_init(struct wren_mib *mib);
void wren_mib_exit(struct wren_mib *mib);
/* Sum of a counter over all CPUs (for /proc). */
unsigned long wren_mib_read(const struct wren_mib *mib, unsigned int field);
unsigned long wren_mib_read_drop(const struct wren_mib *mib, unsigned int r);
extern const char *const wren_mib_group[WREN_MIB_MAX];
extern const char *const wren_mib_name[WREN_MIB_MAX];
extern const char *const wren_drop_name[WREN_DROP_MAX];

#endif /* _WREN_MIB_H */
