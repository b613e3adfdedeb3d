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

/*
 * The counters, named group_Field after what /proc/net/wren/snmp prints
 * ("Ip: ... InReceives ..."); mib.c holds the printed names.  Add a
 * counter here and in mib.c together.
 */
enum wren_mib_field {
	WREN_MIB_group_Name,
	WREN_MIB_Ip_InReceives,
	WREN_MIB_Ip_InHdrErrors,
	WREN_MIB_Ip_InAddrErrors,
	WREN_MIB_Ip_InUnknownProtos,
	WREN_MIB_Ip_InDiscards,
	WREN_MIB_Ip_InDelivers,
	WREN_MIB_Ip_OutRequests,
	WREN_MIB_Ip_OutDiscards,
	WREN_MIB_Ip_OutNoRoutes,
	WREN_MIB_Ip_ReasmTimeout,
	WREN_MIB_Ip_ReasmReqds,
	WREN_MIB_Ip_ReasmOKs,
	WREN_MIB_Ip_ReasmFails,
	WREN_MIB_Ip_FragOKs,
	WREN_MIB_Ip_FragFails,
	WREN_MIB_Ip_FragCreates,
	WREN_MIB_Icmp_InMsgs,
	WREN_MIB_Icmp_InErrors,
	WREN_MIB_Icmp_InCsumErrors,
	WREN_MIB_Icmp_InDestUnreachs,
	WREN_MIB_Icmp_InTimeExcds,
	WREN_MIB_Icmp_InParmProbs,
	WREN_MIB_Icmp_InEchos,
	WREN_MIB_Icmp_InEchoReps,
	WREN_MIB_Icmp_OutMsgs,
	WREN_MIB_Icmp_OutErrors,
	WREN_MIB_Icmp_OutRateLimited,
	WREN_MIB_Icmp_OutDestUnreachs,
	WREN_MIB_Icmp_OutTimeExcds,
	WREN_MIB_Icmp_OutParmProbs,
	WREN_MIB_Icmp_OutEchos,
	WREN_MIB_Icmp_OutEchoReps,
	WREN_MIB_Tcp_ActiveOpens,
	WREN_MIB_Tcp_PassiveOpens,
	WREN_MIB_Tcp_AttemptFails,
	WREN_MIB_Tcp_EstabResets,
	WREN_MIB_Tcp_InSegs,
	WREN_MIB_Tcp_OutSegs,
	WREN_MIB_Tcp_RetransSegs,
	WREN_MIB_Tcp_InErrs,
	WREN_MIB_Tcp_OutRsts,
	WREN_MIB_Tcp_InCsumErrors,
	WREN_MIB_Udp_InDatagrams,
	WREN_MIB_Udp_NoPorts,
	WREN_MIB_Udp_InErrors,
	WREN_MIB_Udp_OutDatagrams,
	WREN_MIB_Udp_RcvbufErrors,
	WREN_MIB_Udp_SndbufErrors,
	WREN_MIB_Udp_InCsumErrors,
	WREN_MIB_Udp_IgnoredMulti,
	WREN_MIB_Udp_MemErrors,
	WREN_MIB_TcpExt_SyncookiesSent,
	WREN_MIB_TcpExt_SyncookiesRecv,
	WREN_MIB_TcpExt_SyncookiesFailed,
	WREN_MIB_TcpExt_PruneCalled,
	WREN_MIB_TcpExt_OfoPruned,
	WREN_MIB_TcpExt_TW,
	WREN_MIB_TcpExt_PAWSEstab,
	WREN_MIB_TcpExt_DelayedACKs,
	WREN_MIB_TcpExt_ListenOverflows,
	WREN_MIB_TcpExt_ListenDrops,
	WREN_MIB_TcpExt_TCPRenoRecovery,
	WREN_MIB_TcpExt_TCPSackRecovery,
	WREN_MIB_TcpExt_TCPFastRetrans,
	WREN_MIB_TcpExt_TCPSlowStartRetrans,
	WREN_MIB_TcpExt_TCPTimeouts,
	WREN_MIB_TcpExt_TCPAbortOnData,
	WREN_MIB_TcpExt_TCPAbortOnClose,
	WREN_MIB_TcpExt_TCPAbortOnTimeout,
	WREN_MIB_TcpExt_TCPAbortOnLinger,
	WREN_MIB_TcpExt_TCPMemoryPressures,
	WREN_MIB_TcpExt_TCPChallengeACK,
	WREN_MIB_TcpExt_TCPChallengeACKLimited,
	WREN_MIB_TcpExt_TCPSYNChallenge,
	WREN_MIB_TcpExt_TCPDeferAcceptDrop,
	WREN_MIB_TcpExt_TCPOFOQueue,
	WREN_MIB_TcpExt_TCPOFODrop,
	WREN_MIB_TcpExt_TCPOFOMerge,
	WREN_MIB_TcpExt_TCPRcvQDrop,
	WREN_MIB_TcpExt_TCPOrigDataSent,
	WREN_MIB_TcpExt_TCPKeepAlive,
	WREN_MIB_TcpExt_TCPWinProbe,
	WREN_MIB_TcpExt_TCPBacklogDrop,
	WREN_MIB_TcpExt_TCPDSACKSent,
	WREN_MIB_TcpExt_TCPDSACKRecv,
	WREN_MIB_TcpExt_TCPLostRetransmit,
	WREN_MIB_TcpExt_TCPLossProbes,
	WREN_MIB_TcpExt_TCPLossProbeRecovery,
	WREN_MIB_TcpExt_TCPHystartDelayDetect,
	WREN_MIB_TcpExt_TCPHystartDelayCwnd,
	WREN_MIB_WrenFrames_InFrames,
	WREN_MIB_WrenFrames_InLooped,
	WREN_MIB_WrenFrames_InDerived,
	WREN_MIB_WrenFrames_InConsumed,
	WREN_MIB_WrenFrames_InDropped,
	WREN_MIB_WrenFrames_OutDropped,
	WREN_MIB_WrenFrames_HeldDropped,
	WREN_MIB_MAX
};

/*
 * Drop reasons, printed as "WrenDrop:" lines under the names in mib.c.
 * Add new reasons at the end of their layer's block, here and in mib.c.
 */
enum wren_drop_reason {
	WREN_DROP_NAME,
	WREN_DROP_ETH_TRUNCATED,
	WREN_DROP_ETH_OTHERHOST,
	WREN_DROP_ARP_TRUNCATED,
	WREN_DROP_ARP_BAD_FORMAT,
	WREN_DROP_ARP_NOT_FOR_US,
	WREN_DROP_ARP_QUEUE_FULL,
	WREN_DROP_ARP_FAILED,
	WREN_DROP_ARP_CONFLICT,
	WREN_DROP_ARP_TABLE_FULL,
	WREN_DROP_IP_TRUNCATED,
	WREN_DROP_IP_BAD_VERSION,
	WREN_DROP_IP_BAD_IHL,
	WREN_DROP_IP_BAD_LENGTH,
	WREN_DROP_IP_BAD_CSUM,
	WREN_DROP_IP_TTL_ZERO,
	WREN_DROP_IP_BAD_OPTIONS,
	WREN_DROP_IP_NOT_FOR_US,
	WREN_DROP_IP_BAD_SRC,
	WREN_DROP_IP_UNKNOWN_PROTO,
	WREN_DROP_IP_NO_ROUTE,
	WREN_DROP_IP_FRAG_NEEDED,
	WREN_DROP_IP_LOOP_FULL,
	WREN_DROP_IP_MARTIAN_DST,
	WREN_DROP_FRAG_TOO_BIG,
	WREN_DROP_FRAG_ZERO_LEN,
	WREN_DROP_FRAG_BAD_LEN,
	WREN_DROP_FRAG_OVERLAP,
	WREN_DROP_FRAG_TIMEOUT,
	WREN_DROP_FRAG_MEM,
	WREN_DROP_ICMP_TRUNCATED,
	WREN_DROP_ICMP_BAD_CSUM,
	WREN_DROP_ICMP_UNHANDLED,
	WREN_DROP_ICMP_BCAST_ECHO,
	WREN_DROP_ICMP_BAD_ERROR,
	WREN_DROP_UDP_TRUNCATED,
	WREN_DROP_UDP_BAD_LEN,
	WREN_DROP_UDP_BAD_CSUM,
	WREN_DROP_UDP_NO_PORT,
	WREN_DROP_UDP_RCVBUF,
	WREN_DROP_UDP_FILTER,
	WREN_DROP_PING_NO_SOCKET,
	WREN_DROP_PING_RCVBUF,
	WREN_DROP_PING_FILTER,
	WREN_DROP_TCP_TRUNCATED,
	WREN_DROP_TCP_BAD_CSUM,
	WREN_DROP_TCP_BAD_OFF,
	WREN_DROP_TCP_NO_SOCKET,
	WREN_DROP_TCP_OUT_OF_WINDOW,
	WREN_DROP_TCP_RCVBUF,
	WREN_DROP_TCP_OFO_LIMIT,
	WREN_DROP_TCP_BACKLOG,
	WREN_DROP_DEV_DOWN,
	WREN_DROP_NOMEM,
	WREN_DROP_MAX
};

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

/*
 * The frames' ledger ("WrenFrames:" in /proc/net/wren/snmp).  Every skb
 * that enters wren's receive path is counted once on the way in: a frame
 * from a device (InFrames), one of wren's own datagrams to itself
 * (InLooped), or one made from those on the way (InDerived: a GSO segment,
 * a copy for a second socket).  Each ends exactly once: used up (consumed
 * by ARP, ICMP, a socket or a TCP control block; a fragment joined into its
 * datagram; InConsumed) or dropped with a reason (InDropped).  So when
 * nothing is in flight (reassembly queues and socket backlogs empty),
 * InFrames + InLooped + InDerived = InConsumed + InDropped, and the
 * WrenDrop reasons add up to InDropped + OutDropped (what wren was sending)
 * + HeldDropped (data taken in and queued, thrown away later: TCP's
 * out-of-order queue pruned).  tools/tests/fuzz_frame.c checks both.
 */
#define WREN_FRAMES_IN(wn, what, n) WREN_ADD(wn, WrenFrames, In##what, n)

/* ---- mib.c: counters, drop reasons, their names -------------------------- */
/* A received skb is dropped: count it under reason and free it (or NULL). */
void wren_drop(struct wren_net *wn, struct sk_buff *skb,
	       enum wren_drop_reason reason);
/* Something wren was sending is dropped: count it and free it (or NULL). */
void wren_drop_out(struct wren_net *wn, struct sk_buff *skb,
		   enum wren_drop_reason reason);
/* A received skb has done its work: count it and free it. */
void wren_consume(struct wren_net *wn, struct sk_buff *skb);
/*
 * Count a received skb's drop whose skb is gone already or freed
 * elsewhere (without a count); _HELD for data queued earlier (see above).
 */
#define WREN_DROP_COUNT(wn, reason) \
	wren_drop_count(wn, WREN_DROP_##reason, WREN_MIB_WrenFrames_InDropped)
#define WREN_DROP_COUNT_HELD(wn, reason) \
	wren_drop_count(wn, WREN_DROP_##reason, WREN_MIB_WrenFrames_HeldDropped)
void wren_drop_count(struct wren_net *wn, enum wren_drop_reason reason,
		     enum wren_mib_field ledger);

int wren_mib_init(struct wren_mib *mib);
void wren_mib_exit(struct wren_mib *mib);
/* Sum of a counter over all CPUs (for /proc). */
unsigned long wren_mib_read(const struct wren_mib *mib, unsigned int field);
unsigned long wren_mib_read_drop(const struct wren_mib *mib, unsigned int r);
extern const char *const wren_mib_group[WREN_MIB_MAX];
extern const char *const wren_mib_name[WREN_MIB_MAX];
extern const char *const wren_drop_name[WREN_DROP_MAX];

#endif /* _WREN_MIB_H */
