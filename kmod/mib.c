// SPDX-License-Identifier: GPL-2.0
/* wren: counters and drop reasons (see mib.h). */
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include "netns.h"

const char *const wren_mib_group[WREN_MIB_MAX] = {
	[WREN_MIB_group_Name] = "group",
	[WREN_MIB_Ip_InReceives] = "Ip",
	[WREN_MIB_Ip_InHdrErrors] = "Ip",
	[WREN_MIB_Ip_InAddrErrors] = "Ip",
	[WREN_MIB_Ip_InUnknownProtos] = "Ip",
	[WREN_MIB_Ip_InDiscards] = "Ip",
	[WREN_MIB_Ip_InDelivers] = "Ip",
	[WREN_MIB_Ip_OutRequests] = "Ip",
	[WREN_MIB_Ip_OutDiscards] = "Ip",
	[WREN_MIB_Ip_OutNoRoutes] = "Ip",
	[WREN_MIB_Ip_ReasmTimeout] = "Ip",
	[WREN_MIB_Ip_ReasmReqds] = "Ip",
	[WREN_MIB_Ip_ReasmOKs] = "Ip",
	[WREN_MIB_Ip_ReasmFails] = "Ip",
	[WREN_MIB_Ip_FragOKs] = "Ip",
	[WREN_MIB_Ip_FragFails] = "Ip",
	[WREN_MIB_Ip_FragCreates] = "Ip",
	[WREN_MIB_Icmp_InMsgs] = "Icmp",
	[WREN_MIB_Icmp_InErrors] = "Icmp",
	[WREN_MIB_Icmp_InCsumErrors] = "Icmp",
	[WREN_MIB_Icmp_InDestUnreachs] = "Icmp",
	[WREN_MIB_Icmp_InTimeExcds] = "Icmp",
	[WREN_MIB_Icmp_InParmProbs] = "Icmp",
	[WREN_MIB_Icmp_InEchos] = "Icmp",
	[WREN_MIB_Icmp_InEchoReps] = "Icmp",
	[WREN_MIB_Icmp_OutMsgs] = "Icmp",
	[WREN_MIB_Icmp_OutErrors] = "Icmp",
	[WREN_MIB_Icmp_OutRateLimited] = "Icmp",
	[WREN_MIB_Icmp_OutDestUnreachs] = "Icmp",
	[WREN_MIB_Icmp_OutTimeExcds] = "Icmp",
	[WREN_MIB_Icmp_OutParmProbs] = "Icmp",
	[WREN_MIB_Icmp_OutEchos] = "Icmp",
	[WREN_MIB_Icmp_OutEchoReps] = "Icmp",
	[WREN_MIB_Tcp_ActiveOpens] = "Tcp",
	[WREN_MIB_Tcp_PassiveOpens] = "Tcp",
	[WREN_MIB_Tcp_AttemptFails] = "Tcp",
	[WREN_MIB_Tcp_EstabResets] = "Tcp",
	[WREN_MIB_Tcp_InSegs] = "Tcp",
	[WREN_MIB_Tcp_OutSegs] = "Tcp",
	[WREN_MIB_Tcp_RetransSegs] = "Tcp",
	[WREN_MIB_Tcp_InErrs] = "Tcp",
	[WREN_MIB_Tcp_OutRsts] = "Tcp",
	[WREN_MIB_Tcp_InCsumErrors] = "Tcp",
	[WREN_MIB_Udp_InDatagrams] = "Udp",
	[WREN_MIB_Udp_NoPorts] = "Udp",
	[WREN_MIB_Udp_InErrors] = "Udp",
	[WREN_MIB_Udp_OutDatagrams] = "Udp",
	[WREN_MIB_Udp_RcvbufErrors] = "Udp",
	[WREN_MIB_Udp_SndbufErrors] = "Udp",
	[WREN_MIB_Udp_InCsumErrors] = "Udp",
	[WREN_MIB_Udp_IgnoredMulti] = "Udp",
	[WREN_MIB_Udp_MemErrors] = "Udp",
	[WREN_MIB_TcpExt_SyncookiesSent] = "TcpExt",
	[WREN_MIB_TcpExt_SyncookiesRecv] = "TcpExt",
	[WREN_MIB_TcpExt_SyncookiesFailed] = "TcpExt",
	[WREN_MIB_TcpExt_PruneCalled] = "TcpExt",
	[WREN_MIB_TcpExt_OfoPruned] = "TcpExt",
	[WREN_MIB_TcpExt_TW] = "TcpExt",
	[WREN_MIB_TcpExt_PAWSEstab] = "TcpExt",
	[WREN_MIB_TcpExt_DelayedACKs] = "TcpExt",
	[WREN_MIB_TcpExt_ListenOverflows] = "TcpExt",
	[WREN_MIB_TcpExt_ListenDrops] = "TcpExt",
	[WREN_MIB_TcpExt_TCPRenoRecovery] = "TcpExt",
	[WREN_MIB_TcpExt_TCPSackRecovery] = "TcpExt",
	[WREN_MIB_TcpExt_TCPFastRetrans] = "TcpExt",
	[WREN_MIB_TcpExt_TCPSlowStartRetrans] = "TcpExt",
	[WREN_MIB_TcpExt_TCPTimeouts] = "TcpExt",
	[WREN_MIB_TcpExt_TCPAbortOnData] = "TcpExt",
	[WREN_MIB_TcpExt_TCPAbortOnClose] = "TcpExt",
	[WREN_MIB_TcpExt_TCPAbortOnTimeout] = "TcpExt",
	[WREN_MIB_TcpExt_TCPAbortOnLinger] = "TcpExt",
	[WREN_MIB_TcpExt_TCPMemoryPressures] = "TcpExt",
	[WREN_MIB_TcpExt_TCPChallengeACK] = "TcpExt",
	[WREN_MIB_TcpExt_TCPChallengeACKLimited] = "TcpExt",
	[WREN_MIB_TcpExt_TCPSYNChallenge] = "TcpExt",
	[WREN_MIB_TcpExt_TCPDeferAcceptDrop] = "TcpExt",
	[WREN_MIB_TcpExt_TCPOFOQueue] = "TcpExt",
	[WREN_MIB_TcpExt_TCPOFODrop] = "TcpExt",
	[WREN_MIB_TcpExt_TCPOFOMerge] = "TcpExt",
	[WREN_MIB_TcpExt_TCPRcvQDrop] = "TcpExt",
	[WREN_MIB_TcpExt_TCPOrigDataSent] = "TcpExt",
	[WREN_MIB_TcpExt_TCPKeepAlive] = "TcpExt",
	[WREN_MIB_TcpExt_TCPWinProbe] = "TcpExt",
	[WREN_MIB_TcpExt_TCPBacklogDrop] = "TcpExt",
	[WREN_MIB_TcpExt_TCPDSACKSent] = "TcpExt",
	[WREN_MIB_TcpExt_TCPDSACKRecv] = "TcpExt",
	[WREN_MIB_TcpExt_TCPLostRetransmit] = "TcpExt",
	[WREN_MIB_TcpExt_TCPLossProbes] = "TcpExt",
	[WREN_MIB_TcpExt_TCPLossProbeRecovery] = "TcpExt",
	[WREN_MIB_TcpExt_TCPHystartDelayDetect] = "TcpExt",
	[WREN_MIB_TcpExt_TCPHystartDelayCwnd] = "TcpExt",
	[WREN_MIB_WrenFrames_InFrames] = "WrenFrames",
	[WREN_MIB_WrenFrames_InLooped] = "WrenFrames",
	[WREN_MIB_WrenFrames_InDerived] = "WrenFrames",
	[WREN_MIB_WrenFrames_InConsumed] = "WrenFrames",
	[WREN_MIB_WrenFrames_InDropped] = "WrenFrames",
	[WREN_MIB_WrenFrames_OutDropped] = "WrenFrames",
	[WREN_MIB_WrenFrames_HeldDropped] = "WrenFrames",
};

const char *const wren_mib_name[WREN_MIB_MAX] = {
	[WREN_MIB_group_Name] = "Name",
	[WREN_MIB_Ip_InReceives] = "InReceives",
	[WREN_MIB_Ip_InHdrErrors] = "InHdrErrors",
	[WREN_MIB_Ip_InAddrErrors] = "InAddrErrors",
	[WREN_MIB_Ip_InUnknownProtos] = "InUnknownProtos",
	[WREN_MIB_Ip_InDiscards] = "InDiscards",
	[WREN_MIB_Ip_InDelivers] = "InDelivers",
	[WREN_MIB_Ip_OutRequests] = "OutRequests",
	[WREN_MIB_Ip_OutDiscards] = "OutDiscards",
	[WREN_MIB_Ip_OutNoRoutes] = "OutNoRoutes",
	[WREN_MIB_Ip_ReasmTimeout] = "ReasmTimeout",
	[WREN_MIB_Ip_ReasmReqds] = "ReasmReqds",
	[WREN_MIB_Ip_ReasmOKs] = "ReasmOKs",
	[WREN_MIB_Ip_ReasmFails] = "ReasmFails",
	[WREN_MIB_Ip_FragOKs] = "FragOKs",
	[WREN_MIB_Ip_FragFails] = "FragFails",
	[WREN_MIB_Ip_FragCreates] = "FragCreates",
	[WREN_MIB_Icmp_InMsgs] = "InMsgs",
	[WREN_MIB_Icmp_InErrors] = "InErrors",
	[WREN_MIB_Icmp_InCsumErrors] = "InCsumErrors",
	[WREN_MIB_Icmp_InDestUnreachs] = "InDestUnreachs",
	[WREN_MIB_Icmp_InTimeExcds] = "InTimeExcds",
	[WREN_MIB_Icmp_InParmProbs] = "InParmProbs",
	[WREN_MIB_Icmp_InEchos] = "InEchos",
	[WREN_MIB_Icmp_InEchoReps] = "InEchoReps",
	[WREN_MIB_Icmp_OutMsgs] = "OutMsgs",
	[WREN_MIB_Icmp_OutErrors] = "OutErrors",
	[WREN_MIB_Icmp_OutRateLimited] = "OutRateLimited",
	[WREN_MIB_Icmp_OutDestUnreachs] = "OutDestUnreachs",
	[WREN_MIB_Icmp_OutTimeExcds] = "OutTimeExcds",
	[WREN_MIB_Icmp_OutParmProbs] = "OutParmProbs",
	[WREN_MIB_Icmp_OutEchos] = "OutEchos",
	[WREN_MIB_Icmp_OutEchoReps] = "OutEchoReps",
	[WREN_MIB_Tcp_ActiveOpens] = "ActiveOpens",
	[WREN_MIB_Tcp_PassiveOpens] = "PassiveOpens",
	[WREN_MIB_Tcp_AttemptFails] = "AttemptFails",
	[WREN_MIB_Tcp_EstabResets] = "EstabResets",
	[WREN_MIB_Tcp_InSegs] = "InSegs",
	[WREN_MIB_Tcp_OutSegs] = "OutSegs",
	[WREN_MIB_Tcp_RetransSegs] = "RetransSegs",
	[WREN_MIB_Tcp_InErrs] = "InErrs",
	[WREN_MIB_Tcp_OutRsts] = "OutRsts",
	[WREN_MIB_Tcp_InCsumErrors] = "InCsumErrors",
	[WREN_MIB_Udp_InDatagrams] = "InDatagrams",
	[WREN_MIB_Udp_NoPorts] = "NoPorts",
	[WREN_MIB_Udp_InErrors] = "InErrors",
	[WREN_MIB_Udp_OutDatagrams] = "OutDatagrams",
	[WREN_MIB_Udp_RcvbufErrors] = "RcvbufErrors",
	[WREN_MIB_Udp_SndbufErrors] = "SndbufErrors",
	[WREN_MIB_Udp_InCsumErrors] = "InCsumErrors",
	[WREN_MIB_Udp_IgnoredMulti] = "IgnoredMulti",
	[WREN_MIB_Udp_MemErrors] = "MemErrors",
	[WREN_MIB_TcpExt_SyncookiesSent] = "SyncookiesSent",
	[WREN_MIB_TcpExt_SyncookiesRecv] = "SyncookiesRecv",
	[WREN_MIB_TcpExt_SyncookiesFailed] = "SyncookiesFailed",
	[WREN_MIB_TcpExt_PruneCalled] = "PruneCalled",
	[WREN_MIB_TcpExt_OfoPruned] = "OfoPruned",
	[WREN_MIB_TcpExt_TW] = "TW",
	[WREN_MIB_TcpExt_PAWSEstab] = "PAWSEstab",
	[WREN_MIB_TcpExt_DelayedACKs] = "DelayedACKs",
	[WREN_MIB_TcpExt_ListenOverflows] = "ListenOverflows",
	[WREN_MIB_TcpExt_ListenDrops] = "ListenDrops",
	[WREN_MIB_TcpExt_TCPRenoRecovery] = "TCPRenoRecovery",
	[WREN_MIB_TcpExt_TCPSackRecovery] = "TCPSackRecovery",
	[WREN_MIB_TcpExt_TCPFastRetrans] = "TCPFastRetrans",
	[WREN_MIB_TcpExt_TCPSlowStartRetrans] = "TCPSlowStartRetrans",
	[WREN_MIB_TcpExt_TCPTimeouts] = "TCPTimeouts",
	[WREN_MIB_TcpExt_TCPAbortOnData] = "TCPAbortOnData",
	[WREN_MIB_TcpExt_TCPAbortOnClose] = "TCPAbortOnClose",
	[WREN_MIB_TcpExt_TCPAbortOnTimeout] = "TCPAbortOnTimeout",
	[WREN_MIB_TcpExt_TCPAbortOnLinger] = "TCPAbortOnLinger",
	[WREN_MIB_TcpExt_TCPMemoryPressures] = "TCPMemoryPressures",
	[WREN_MIB_TcpExt_TCPChallengeACK] = "TCPChallengeACK",
	[WREN_MIB_TcpExt_TCPChallengeACKLimited] = "TCPChallengeACKLimited",
	[WREN_MIB_TcpExt_TCPSYNChallenge] = "TCPSYNChallenge",
	[WREN_MIB_TcpExt_TCPDeferAcceptDrop] = "TCPDeferAcceptDrop",
	[WREN_MIB_TcpExt_TCPOFOQueue] = "TCPOFOQueue",
	[WREN_MIB_TcpExt_TCPOFODrop] = "TCPOFODrop",
	[WREN_MIB_TcpExt_TCPOFOMerge] = "TCPOFOMerge",
	[WREN_MIB_TcpExt_TCPRcvQDrop] = "TCPRcvQDrop",
	[WREN_MIB_TcpExt_TCPOrigDataSent] = "TCPOrigDataSent",
	[WREN_MIB_TcpExt_TCPKeepAlive] = "TCPKeepAlive",
	[WREN_MIB_TcpExt_TCPWinProbe] = "TCPWinProbe",
	[WREN_MIB_TcpExt_TCPBacklogDrop] = "TCPBacklogDrop",
	[WREN_MIB_TcpExt_TCPDSACKSent] = "TCPDSACKSent",
	[WREN_MIB_TcpExt_TCPDSACKRecv] = "TCPDSACKRecv",
	[WREN_MIB_TcpExt_TCPLostRetransmit] = "TCPLostRetransmit",
	[WREN_MIB_TcpExt_TCPLossProbes] = "TCPLossProbes",
	[WREN_MIB_TcpExt_TCPLossProbeRecovery] = "TCPLossProbeRecovery",
	[WREN_MIB_TcpExt_TCPHystartDelayDetect] = "TCPHystartDelayDetect",
	[WREN_MIB_TcpExt_TCPHystartDelayCwnd] = "TCPHystartDelayCwnd",
	[WREN_MIB_WrenFrames_InFrames] = "InFrames",
	[WREN_MIB_WrenFrames_InLooped] = "InLooped",
	[WREN_MIB_WrenFrames_InDerived] = "InDerived",
	[WREN_MIB_WrenFrames_InConsumed] = "InConsumed",
	[WREN_MIB_WrenFrames_InDropped] = "InDropped",
	[WREN_MIB_WrenFrames_OutDropped] = "OutDropped",
	[WREN_MIB_WrenFrames_HeldDropped] = "HeldDropped",
};

const char *const wren_drop_name[WREN_DROP_MAX] = {
	[WREN_DROP_NAME] = "ProcName",
	[WREN_DROP_ETH_TRUNCATED] = "EthTruncated",
	[WREN_DROP_ETH_OTHERHOST] = "EthOtherHost",
	[WREN_DROP_ARP_TRUNCATED] = "ArpTruncated",
	[WREN_DROP_ARP_BAD_FORMAT] = "ArpBadFormat",
	[WREN_DROP_ARP_NOT_FOR_US] = "ArpNotForUs",
	[WREN_DROP_ARP_QUEUE_FULL] = "ArpQueueFull",
	[WREN_DROP_ARP_FAILED] = "ArpFailed",
	[WREN_DROP_ARP_CONFLICT] = "ArpConflict",
	[WREN_DROP_ARP_TABLE_FULL] = "ArpTableFull",
	[WREN_DROP_IP_TRUNCATED] = "IpTruncated",
	[WREN_DROP_IP_BAD_VERSION] = "IpBadVersion",
	[WREN_DROP_IP_BAD_IHL] = "IpBadIhl",
	[WREN_DROP_IP_BAD_LENGTH] = "IpBadLength",
	[WREN_DROP_IP_BAD_CSUM] = "IpBadCsum",
	[WREN_DROP_IP_TTL_ZERO] = "IpTtlZero",
	[WREN_DROP_IP_BAD_OPTIONS] = "IpBadOptions",
	[WREN_DROP_IP_NOT_FOR_US] = "IpNotForUs",
	[WREN_DROP_IP_BAD_SRC] = "IpBadSrc",
	[WREN_DROP_IP_UNKNOWN_PROTO] = "IpUnknownProto",
	[WREN_DROP_IP_NO_ROUTE] = "IpNoRoute",
	[WREN_DROP_IP_FRAG_NEEDED] = "IpFragNeeded",
	[WREN_DROP_IP_LOOP_FULL] = "IpLoopFull",
	[WREN_DROP_IP_MARTIAN_DST] = "IpMartianDst",
	[WREN_DROP_FRAG_TOO_BIG] = "FragTooBig",
	[WREN_DROP_FRAG_ZERO_LEN] = "FragZeroLen",
	[WREN_DROP_FRAG_BAD_LEN] = "FragBadLen",
	[WREN_DROP_FRAG_OVERLAP] = "FragOverlap",
	[WREN_DROP_FRAG_TIMEOUT] = "FragTimeout",
	[WREN_DROP_FRAG_MEM] = "FragMemLimit",
	[WREN_DROP_ICMP_TRUNCATED] = "IcmpTruncated",
	[WREN_DROP_ICMP_BAD_CSUM] = "IcmpBadCsum",
	[WREN_DROP_ICMP_UNHANDLED] = "IcmpUnhandled",
	[WREN_DROP_ICMP_BCAST_ECHO] = "IcmpBcastEcho",
	[WREN_DROP_ICMP_BAD_ERROR] = "IcmpBadError",
	[WREN_DROP_UDP_TRUNCATED] = "UdpTruncated",
	[WREN_DROP_UDP_BAD_LEN] = "UdpBadLen",
	[WREN_DROP_UDP_BAD_CSUM] = "UdpBadCsum",
	[WREN_DROP_UDP_NO_PORT] = "UdpNoPort",
	[WREN_DROP_UDP_RCVBUF] = "UdpRcvbuf",
	[WREN_DROP_UDP_FILTER] = "UdpFilter",
	[WREN_DROP_PING_NO_SOCKET] = "PingNoSocket",
	[WREN_DROP_PING_RCVBUF] = "PingRcvbuf",
	[WREN_DROP_PING_FILTER] = "PingFilter",
	[WREN_DROP_TCP_TRUNCATED] = "TcpTruncated",
	[WREN_DROP_TCP_BAD_CSUM] = "TcpBadCsum",
	[WREN_DROP_TCP_BAD_OFF] = "TcpBadOff",
	[WREN_DROP_TCP_NO_SOCKET] = "TcpNoSocket",
	[WREN_DROP_TCP_OUT_OF_WINDOW] = "TcpOutOfWindow",
	[WREN_DROP_TCP_RCVBUF] = "TcpRcvbuf",
	[WREN_DROP_TCP_OFO_LIMIT] = "TcpOfoLimit",
	[WREN_DROP_TCP_BACKLOG] = "TcpBacklog",
	[WREN_DROP_DEV_DOWN] = "DevDown",
	[WREN_DROP_NOMEM] = "NoMem",
};

void wren_drop_count(struct wren_net *wn, enum wren_drop_reason reason,
		     enum wren_mib_field ledger)
{
	if (likely(reason < WREN_DROP_MAX))
		this_cpu_inc(wn->mib.pcpu->drop[reason]);
	this_cpu_inc(wn->mib.pcpu->f[ledger]);
}

void wren_drop(struct wren_net *wn, struct sk_buff *skb,
	       enum wren_drop_reason reason)
{
	wren_drop_count(wn, reason, WREN_MIB_WrenFrames_InDropped);
	kfree_skb(skb);
}

void wren_drop_out(struct wren_net *wn, struct sk_buff *skb,
		   enum wren_drop_reason reason)
{
	wren_drop_count(wn, reason, WREN_MIB_WrenFrames_OutDropped);
	kfree_skb(skb);
}

void wren_consume(struct wren_net *wn, struct sk_buff *skb)
{
	WREN_INC(wn, WrenFrames, InConsumed);
	consume_skb(skb);
}

int wren_mib_init(struct wren_mib *mib)
{
	unsigned int i;

	/* A counter or reason added to mib.h but not named here. */
	for (i = 0; i < WREN_MIB_MAX; i++)
		if (WARN_ON_ONCE(!wren_mib_group[i] || !wren_mib_name[i]))
			return -EINVAL;
	for (i = 0; i < WREN_DROP_MAX; i++)
		if (WARN_ON_ONCE(!wren_drop_name[i]))
			return -EINVAL;
	mib->pcpu = alloc_percpu(struct wren_mib_cpu);
	return mib->pcpu ? 0 : -ENOMEM;
}

void wren_mib_exit(struct wren_mib *mib)
{
	free_percpu(mib->pcpu);
	mib->pcpu = NULL;
}

unsigned long wren_mib_read(const struct wren_mib *mib, unsigned int field)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(mib->pcpu, cpu)->f[field];
	return sum;
}

unsigned long wren_mib_read_drop(const struct wren_mib *mib, unsigned int r)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(mib->pcpu, cpu)->drop[r];
	return sum;
}
