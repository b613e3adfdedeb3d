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
#include "net.h"

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
	wt_qmon("set_link nic0 on");
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

/* Linux's ping of @addr from the peer: 0 if all @count were answered. */
static int peer_ping(const char *addr, int count)
{
	char *out = wt_peer_out("ping -c %d -i 0.2 -W 2 %s", count, addr);
	char want[32];
	int rc;

	if (!out)
		return -1;
	snprintf(want, sizeof(want), " %d received", count);
	rc = strstr(out, want) && !strstr(out, "DIFFERENT") ? 0 : -1;
	if (rc)
		fprintf(stderr, "# %s\n", out);
	free(out);
	return rc;
}

/*
 * A second address on eth0: wren answers pings to it, from it (the
 * reply's source is the address pinged, seen in a capture on the peer).
 */
TEST_F(basic, second_address_answers_from_itself)
{
	uint32_t second = nt_addr("192.0.2.3");
	uint8_t f[NT_FRAME_MAX];
	const struct iphdr *ip;
	struct nt_raw cap;
	int replies = 0;
	ssize_t n;

	ASSERT_EQ(0, nt_run(NULL, "wrenctl addr add 192.0.2.3/28 dev %s",
			    wt_ifname(0, WT_GUEST)));
	ASSERT_EQ(0, nt_raw_open(&cap, WT_PEER_NS, wt_ifname(0, WT_PEER),
				 ETH_P_IP));
	EXPECT_EQ(0, peer_ping("192.0.2.3", 2));
	while ((n = nt_raw_recv(&cap, f, sizeof(f), 200)) > 0) {
		ip = (const struct iphdr *)(f + NT_ETH_HLEN);
		if (ip->protocol != IPPROTO_ICMP ||
		    f[NT_ETH_HLEN + ip->ihl * 4] != ICMP_ECHOREPLY)
			continue;
		EXPECT_EQ(second, ip->saddr);
		replies++;
	}
	nt_raw_close(&cap);
	EXPECT_EQ(2, replies);
	EXPECT_EQ(0, peer_ping(wt_ip(0, WT_GUEST), 1));
}

/* Odd payload lengths, plain and fragmented: replies check out. */
TEST_F(basic, odd_length_echoes)
{
	EXPECT_EQ(0, peer_ping(wt_ip(0, WT_GUEST), 1));
	EXPECT_EQ(0, nt_run(WT_PEER_NS, "ping -q -c 1 -W 2 -s 1 %s && "
			    "ping -q -c 1 -W 2 -s 57 %s && "
			    "ping -q -c 1 -W 2 -s 1473 %s && "
			    "ping -q -c 1 -W 2 -s 2999 %s",
			    wt_ip(0, WT_GUEST), wt_ip(0, WT_GUEST),
			    wt_ip(0, WT_GUEST), wt_ip(0, WT_GUEST)));
	EXPECT_EQ(0, nt_run(NULL, "wrenping -q -c 1 -W 2 -s 1 %s && "
			    "wrenping -q -c 1 -W 2 -s 2999 %s",
			    wt_ip(0, WT_PEER), wt_ip(0, WT_PEER)));
}

/* A deleted address is not answered any more; the other one still is. */
TEST_F(basic, deleted_address_not_answered)
{
	ASSERT_EQ(0, nt_run(NULL, "wrenctl addr add 192.0.2.3/28 dev %s",
			    wt_ifname(0, WT_GUEST)));
	ASSERT_EQ(0, peer_ping("192.0.2.3", 1));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl addr del 192.0.2.3/28 dev %s",
			    wt_ifname(0, WT_GUEST)));
	EXPECT_NE(0, nt_runq(WT_PEER_NS, "ping -c 1 -W 1 192.0.2.3"));
	EXPECT_EQ(0, peer_ping(wt_ip(0, WT_GUEST), 1));
}

/*
 * An echo request to the broadcast address is not answered (and counted).
 * On a shared device it is not even wren's (no socket of wren holds an
 * ICMP "port"): Linux has it; so this is the exclusive attachment.
 */
TEST_F(basic, broadcast_echo_ignored)
{
	long long bc0 = nt_drop(NULL, "IcmpBcastEcho");
	long long rep0 = nt_mib(NULL, "Icmp", "OutEchoReps");

	ASSERT_LE(0, bc0);
	ASSERT_EQ(0, nt_pair_up_mode(0, true));
	nt_runq(WT_PEER_NS, "ping -b -c 1 -W 1 192.0.2.15");
	EXPECT_EQ(bc0 + 1, NT_WAIT_ABOVE(2000, bc0,
					 nt_drop(NULL, "IcmpBcastEcho")));
	EXPECT_EQ(rep0, nt_mib(NULL, "Icmp", "OutEchoReps"));
}

/* The device goes down and up: wren stays attached, with its address. */
TEST_F(basic, device_down_up)
{
	const char *g = wt_ifname(0, WT_GUEST);

	ASSERT_EQ(0, peer_ping(wt_ip(0, WT_GUEST), 1));
	ASSERT_EQ(0, nt_run(NULL, "ip link set %s down", g));
	EXPECT_NE(0, nt_runq(WT_PEER_NS, "ping -c 1 -W 1 %s",
			     wt_ip(0, WT_GUEST)));
	EXPECT_NE(0, nt_runq(NULL, "wrenping -c 1 -W 1 %s",
			     wt_ip(0, WT_PEER)));
	ASSERT_EQ(0, nt_run(NULL, "ip link set %s up", g));
	ASSERT_TRUE(WT_WAIT(10000, wt_carrier(g) == 1));
	EXPECT_EQ(0, peer_ping(wt_ip(0, WT_GUEST), 2));
	EXPECT_EQ(0, nt_wrenping(NULL, wt_ip(0, WT_PEER), 2));
}

/* The cable is pulled and put back (QEMU's set_link): traffic resumes. */
TEST_F(basic, carrier_off_on)
{
	const char *g = wt_ifname(0, WT_GUEST);

	ASSERT_EQ(0, wt_qmon("set_link nic0 off"));
	EXPECT_TRUE(WT_WAIT(5000, wt_carrier(g) == 0));
	EXPECT_NE(0, nt_runq(NULL, "wrenping -c 1 -W 1 %s",
			     wt_ip(0, WT_PEER)));
	ASSERT_EQ(0, wt_qmon("set_link nic0 on"));
	ASSERT_TRUE(WT_WAIT(10000, wt_carrier(g) == 1));
	EXPECT_EQ(0, nt_wrenping(NULL, wt_ip(0, WT_PEER), 2));
	EXPECT_EQ(0, peer_ping(wt_ip(0, WT_GUEST), 2));
}

/* The largest echo IPv4 carries (65535-byte datagrams), both ways. */
TEST_F(basic, largest_echo_both_ways)
{
	char *out;

	out = wt_peer_out("ping -c 1 -W 5 -s 65507 %s", wt_ip(0, WT_GUEST));
	ASSERT_NE(NULL, out);
	fprintf(stderr, "# %s\n", out);
	EXPECT_NE(NULL, strstr(out, " 1 received"));
	free(out);
	EXPECT_EQ(0, nt_run(NULL, "wrenping -q -c 1 -W 5 -s 65507 %s",
			    wt_ip(0, WT_PEER)));
}

/*
 * A flood of echoes, small and fragmented: wren answers nearly all (a
 * TCG guest may lose a few at its receive ring), and nothing leaks.
 */
TEST_F_TIMEOUT(basic, echo_flood, 120)
{
	char *out;
	int rx = 0;
	const char *p;

	out = wt_peer_out("ping -f -c 500 -W 2 %s | tail -n 2",
			  wt_ip(0, WT_GUEST));
	ASSERT_NE(NULL, out);
	fprintf(stderr, "# %s\n", out);
	p = strstr(out, "transmitted, ");
	if (p)
		rx = atoi(p + 13);
	EXPECT_LE(490, rx);
	free(out);
	out = wt_peer_out("ping -f -c 100 -s 3000 -W 2 %s | tail -n 2",
			  wt_ip(0, WT_GUEST));
	ASSERT_NE(NULL, out);
	fprintf(stderr, "# %s\n", out);
	p = strstr(out, "transmitted, ");
	rx = p ? atoi(p + 13) : 0;
	EXPECT_LE(95, rx);
	free(out);
}

/*
 * Detach, attach and re-address eth0 twenty times while the peer floods
 * it with echoes (small and fragmented) and wrenping sends: no warning,
 * and wren works afterwards.
 */
TEST_F_TIMEOUT(basic, reconfigure_under_traffic, 150)
{
	const char *g = wt_ifname(0, WT_GUEST);
	struct wt_bg *f1, *f2, *wp;
	char cidr[32];
	int i;

	snprintf(cidr, sizeof(cidr), "%s/%d", wt_ip(0, WT_GUEST),
		 WT_PREFIXLEN);
	f1 = wt_bg_start(WT_PEER_NS, "ping -f -w 40 %s", wt_ip(0, WT_GUEST));
	f2 = wt_bg_start(WT_PEER_NS, "ping -f -s 3000 -w 40 %s",
			 wt_ip(0, WT_GUEST));
	wp = wt_bg_start(NULL, "wrenping -q -i 0.01 -w 40 %s",
			 wt_ip(0, WT_PEER));
	ASSERT_NE(NULL, f1);
	ASSERT_NE(NULL, f2);
	ASSERT_NE(NULL, wp);
	wt_verbose = false;
	for (i = 0; i < 20; i++) {
		EXPECT_EQ(0, nt_run(NULL, "wrenctl link detach %s", g));
		EXPECT_EQ(0, nt_run(NULL, "wrenctl link attach %s && "
				    "wrenctl addr add %s dev %s", g, cidr, g));
		if (i % 5 == 4)
			EXPECT_EQ(0, nt_run(NULL, "wrenctl addr del %s dev %s "
					    "&& wrenctl addr add %s dev %s",
					    cidr, g, cidr, g));
		wt_msleep(100);
	}
	wt_verbose = true;
	wt_bg_free(f1);
	wt_bg_free(f2);
	wt_bg_free(wp);
	EXPECT_EQ(0, wt_dmesg_count(WT_DMESG_BUG));
	wt_msleep(500);
	EXPECT_EQ(0, peer_ping(wt_ip(0, WT_GUEST), 2));
	EXPECT_EQ(0, nt_wrenping(NULL, wt_ip(0, WT_PEER), 2));
}

WT_HARNESS_MAIN
