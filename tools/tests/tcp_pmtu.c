// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP and path MTU discovery: ICMP frag needed from a Linux router in
 * the peer's namespace (tt_far_up()) shrinks wren's segments mid-transfer.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"

TEST_F_TIMEOUT(peer, pmtu_frag_needed_shrinks_segments, 300)
{
	long long icmp_in = ws_snmp("Icmp", "InDestUnreachs");
	long long peer_out;
	struct wren_tcp_info ti;
	struct tcp_info li;
	socklen_t len;
	struct tt_flow s, r;

	ASSERT_EQ(0, tt_far_up());
	peer_out = wt_snmp(WT_PEER_NS, "/proc/net/snmp", "Icmp",
			   "OutDestUnreachs");
	ASSERT_EQ(0, tt_far_pair(self->port + 1, 0, &self->w, &self->l));
	ASSERT_EQ(0, tt_wren_info(self->w, &ti));
	TH_LOG("before: pmtu %u snd_mss %u", ti.pmtu, ti.snd_mss);
	EXPECT_EQ(1500U, ti.pmtu);
	EXPECT_LT(TT_FAR_MTU - 40U, ti.snd_mss);	/* starts big */

	ASSERT_EQ(0, tt_flow_start(&r, self->l, false, 0));
	ASSERT_EQ(0, tt_flow_start(&s, self->w, true, 4 * WT_MIB));
	tt_flow_join(&s);
	tt_flow_join(&r);
	EXPECT_EQ(0, s.err);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(4 * WT_MIB, r.bytes);
	EXPECT_STREQ(s.hex, r.hex);

	ASSERT_EQ(0, tt_wren_info(self->w, &ti));
	TH_LOG("after: pmtu %u snd_mss %u retrans %u; router sent %lld "
	       "frag needed, wren got %lld dest unreachables", ti.pmtu,
	       ti.snd_mss, ti.total_retrans,
	       wt_snmp(WT_PEER_NS, "/proc/net/snmp", "Icmp",
		       "OutDestUnreachs") - peer_out,
	       ws_snmp("Icmp", "InDestUnreachs") - icmp_in);
	EXPECT_EQ((unsigned int)TT_FAR_MTU, ti.pmtu);
	EXPECT_GE(TT_FAR_MTU - 40U, ti.snd_mss);
	/* The far end's Linux saw the smaller segments too. */
	len = sizeof(li);
	ASSERT_EQ(0, getsockopt(self->l, IPPROTO_TCP, TCP_INFO, &li, &len));
	TH_LOG("far end: rcv_mss %u", li.tcpi_rcv_mss);
	EXPECT_GE(TT_FAR_MTU - 40U, li.tcpi_rcv_mss);
	EXPECT_LT(0U, li.tcpi_rcv_mss);
	EXPECT_LT(peer_out, wt_snmp(WT_PEER_NS, "/proc/net/snmp", "Icmp",
				    "OutDestUnreachs"));
	EXPECT_LT(icmp_in, ws_snmp("Icmp", "InDestUnreachs"));
}

WT_HARNESS_MAIN
