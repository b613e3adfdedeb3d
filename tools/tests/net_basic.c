// SPDX-License-Identifier: GPL-2.0
/*
 * net_basic: ICMP echo between wren and Linux, on the link and through a
 * gateway.
 *
 * wren runs on eth0 (192.0.2.1/28); Linux is the peer on peer0 in netns
 * "peer" (192.0.2.2/28).  The gateway tests put a third host, Linux in netns
 * "wtfar" (198.51.100.2/24), behind the peer, which forwards between
 * 192.0.2.0/28 and 198.51.100.0/24.
 */
#include "kselftest_harness.h"
#include "net_lib.h"

#define FAR_NS		"wtfar"
#define FAR_ADDR	"198.51.100.2"
#define FAR_GW		"198.51.100.1"

FIXTURE(basic) {
	int unused;
};

FIXTURE_SETUP(basic)
{
	nt_runq(NULL, "ip netns del " FAR_NS);
	ASSERT_EQ(0, nt_pair_up(0));
}

FIXTURE_TEARDOWN(basic)
{
	nt_runq(NULL, "ip netns del " FAR_NS);
	nt_runq(WT_PEER_NS, "sysctl -qw net.ipv4.ip_forward=0");
	nt_pair_down(0);
}

/* Linux's ping in the peer gets every echo answered by wren. */
TEST_F(basic, linux_pings_wren)
{
	long long in0 = nt_mib(NULL, "Icmp", "InEchos");
	long long out0 = nt_mib(NULL, "Icmp", "OutEchoReps");
	char *out;

	ASSERT_LE(0, in0);
	out = wt_peer_out("ping -c 3 -i 0.2 -W 2 %s", wt_ip(0, WT_GUEST));
	ASSERT_NE(NULL, out);
	fprintf(stderr, "# %s\n", out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_NE(NULL, strstr(out, " 3 received"));
	free(out);
	EXPECT_LE(in0 + 3, nt_mib(NULL, "Icmp", "InEchos"));
	EXPECT_LE(out0 + 3, nt_mib(NULL, "Icmp", "OutEchoReps"));
}

/* A large echo, fragmented by Linux and reassembled and answered by wren. */
TEST_F(basic, linux_pings_wren_fragmented)
{
	long long reasm0 = nt_mib(NULL, "Ip", "ReasmOKs");
	char *out;

	out = wt_peer_out("ping -c 2 -i 0.2 -W 3 -s 4000 %s",
			  wt_ip(0, WT_GUEST));
	ASSERT_NE(NULL, out);
	fprintf(stderr, "# %s\n", out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_NE(NULL, strstr(out, " 2 received"));
	if (wt_out_status)
		nt_dump_state(NULL);
	free(out);
	EXPECT_LE(reasm0 + 2, nt_mib(NULL, "Ip", "ReasmOKs"));
}

/* wrenping's requests reach Linux and every reply comes back to wren. */
TEST_F(basic, wrenping_reaches_linux)
{
	long long peer0 = nt_linux_mib(WT_PEER_NS, "Icmp", "InEchos");
	long long rep0 = nt_mib(NULL, "Icmp", "InEchoReps");
	long long req0 = nt_mib(NULL, "Icmp", "OutEchos");

	ASSERT_LE(0, peer0);
	ASSERT_LE(0, rep0);
	EXPECT_EQ(0, nt_wrenping(NULL, wt_ip(0, WT_PEER), 3));
	EXPECT_LE(peer0 + 3, nt_linux_mib(WT_PEER_NS, "Icmp", "InEchos"));
	EXPECT_LE(req0 + 3, nt_mib(NULL, "Icmp", "OutEchos"));
	EXPECT_LE(rep0 + 3, nt_mib(NULL, "Icmp", "InEchoReps"));
}

/*
 * A Linux host behind the peer: netns wtfar with a veth to the peer, the
 * peer forwarding, wren routing 198.51.100.0/24 via the peer.
 */
static int far_up(void)
{
	nt_runq(NULL, "modprobe veth");
	if (nt_run(NULL, "ip netns add " FAR_NS " && "
		   "ip link add wtg0 netns " WT_PEER_NS " type veth "
		   "peer name wtg1 netns " FAR_NS))
		return -1;
	if (nt_run(WT_PEER_NS, "sysctl -qw net.ipv4.ip_forward=1 && "
		   "ip addr add " FAR_GW "/24 dev wtg0 && ip link set wtg0 up"))
		return -1;
	if (nt_run(FAR_NS, "ip link set lo up && "
		   "ip addr add " FAR_ADDR "/24 dev wtg1 && "
		   "ip link set wtg1 up && "
		   "ip route add default via " FAR_GW))
		return -1;
	/* The peer reaches the far host (its own side is up). */
	if (!WT_WAIT(10000, !nt_runq(WT_PEER_NS, "ping -c 1 -W 1 "
				     FAR_ADDR)))
		return -1;
	return nt_run(NULL, "wrenctl route add 198.51.100.0/24 via %s",
		      wt_ip(0, WT_PEER));
}

TEST_F(basic, gateway_wrenping_to_far)
{
	long long rep0 = nt_mib(NULL, "Icmp", "InEchoReps");
	long long far0;

	ASSERT_EQ(0, far_up());
	far0 = nt_linux_mib(FAR_NS, "Icmp", "InEchos");
	EXPECT_EQ(0, nt_wrenping(NULL, FAR_ADDR, 3));
	EXPECT_LE(far0 + 3, nt_linux_mib(FAR_NS, "Icmp", "InEchos"));
	EXPECT_LE(rep0 + 3, nt_mib(NULL, "Icmp", "InEchoReps"));
}

TEST_F(basic, gateway_far_pings_wren)
{
	long long in0 = nt_mib(NULL, "Icmp", "InEchos");
	char *out;

	ASSERT_EQ(0, far_up());
	out = wt_run_out(FAR_NS, NULL, "ping -c 3 -i 0.2 -W 2 192.0.2.1");
	ASSERT_NE(NULL, out);
	fprintf(stderr, "# %s\n", out);
	EXPECT_NE(NULL, strstr(out, " 3 received"));
	free(out);
	EXPECT_LE(in0 + 3, nt_mib(NULL, "Icmp", "InEchos"));
}

/* Without the gateway route the far host is unreachable: nothing is sent. */
TEST_F(basic, gateway_route_deleted)
{
	long long far0;

	ASSERT_EQ(0, far_up());
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route del 198.51.100.0/24 via %s",
			    wt_ip(0, WT_PEER)));
	far0 = nt_linux_mib(FAR_NS, "Icmp", "InEchos");
	EXPECT_NE(0, nt_runq(NULL, "wrenping -c 1 -W 1 " FAR_ADDR));
	EXPECT_EQ(far0, nt_linux_mib(FAR_NS, "Icmp", "InEchos"));
}

TEST_HARNESS_MAIN
