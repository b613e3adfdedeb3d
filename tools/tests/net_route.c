// SPDX-License-Identifier: GPL-2.0
/*
 * net_route: wren's route selection with two interfaces.  wren runs on eth0
 * (192.0.2.1/28) and eth1 (192.0.2.17/28); Linux on peer0 (192.0.2.2) and
 * peer1 (192.0.2.18) in netns "peer" captures with AF_PACKET.  For each
 * destination a datagram is sent, and the peer interface it arrives on,
 * with the gateway's MAC as its destination, shows the route wren chose.
 */
#include "kselftest_harness.h"
#include "net.h"

#define DPORT	9		/* discard */

FIXTURE(route) {
	struct nt_raw cap[2];	/* ETH_P_ALL on peer0, peer1 */
	int w;
	unsigned int seq;
};

FIXTURE_SETUP(route)
{
	int i;

	self->w = -1;
	self->cap[0].fd = self->cap[1].fd = -1;
	if (wt_env_nics() < 2)
		SKIP(return, "needs two NICs (--nics e1000,e1000)");
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, nt_pair_up(i));
		ASSERT_EQ(0, nt_raw_open(&self->cap[i], WT_PEER_NS,
					 wt_ifname(i, WT_PEER), ETH_P_ALL));
	}
	self->w = nt_dgram(NULL, AF_WREN, 0, NULL, 0);
	ASSERT_LE(0, self->w);
}

FIXTURE_TEARDOWN(route)
{
	int i;

	if (self->w >= 0)
		close(self->w);
	for (i = 0; i < 2; i++) {
		nt_raw_close(&self->cap[i]);
		if (wt_env_nics() >= 2)
			nt_pair_down(i);
	}
}

/* Frame @f (@n bytes) is our UDP datagram @tag to @dst. */
static bool is_ours(const uint8_t *f, ssize_t n, uint32_t dst, uint32_t tag)
{
	const struct iphdr *ip = (const struct iphdr *)(f + NT_ETH_HLEN);
	const uint8_t *pl;

	if (n < NT_ETH_HLEN + NT_IP_HLEN + NT_UDP_HLEN + 4 ||
	    f[12] != 0x08 || f[13] != 0x00)
		return false;
	if (ip->protocol != IPPROTO_UDP || ip->daddr != dst)
		return false;
	pl = (const uint8_t *)ip + ip->ihl * 4 + NT_UDP_HLEN;
	return !memcmp(pl, &tag, 4);
}

/*
 * Send a datagram to @dst and return the index of the peer interface it
 * arrived on (0, 1), -1 if none saw it within 3 s, 2 if both did.  The
 * frame's destination MAC must be the receiving peer's own.
 */
static int where(FIXTURE_DATA(route) *self, const char *dst)
{
	uint32_t daddr = nt_addr(dst), tag = 0x77720000 + ++self->seq;
	double end;
	uint8_t f[NT_FRAME_MAX];
	int seen = 0, i;
	ssize_t n;

	/* Drop whatever the captures hold already. */
	for (i = 0; i < 2; i++)
		while (nt_raw_recv(&self->cap[i], f, sizeof(f), 0) > 0)
			;
	if (nt_sendto(self->w, AF_WREN, &tag, 4, dst, DPORT) != 4) {
		nt_diag("send to %s: %s\n", dst, strerror(errno));
		return -1;
	}
	end = wt_now() + 3;
	while (wt_now() < end && seen != 3) {
		for (i = 0; i < 2; i++) {
			if (seen & (1 << i))
				continue;
			n = nt_raw_recv(&self->cap[i], f, sizeof(f), 50);
			if (n <= 0 || !is_ours(f, n, daddr, tag))
				continue;
			if (memcmp(f, self->cap[i].mac, 6) &&
			    (daddr != 0xffffffff || f[0] != 0xff))
				nt_diag("%s: frame for %02x:..:%02x, not %s's\n",
					dst, f[0], f[5],
					wt_ifname(i, WT_PEER));
			else
				seen |= 1 << i;
			/* Give the other side a moment too. */
			if (end > wt_now() + 0.3)
				end = wt_now() + 0.3;
		}
	}
	fprintf(stderr, "# %s -> %s\n", dst, seen == 1 ? "peer0" :
		seen == 2 ? "peer1" : seen ? "both" : "nowhere");
	return seen == 1 ? 0 : seen == 2 ? 1 : seen ? 2 : -1;
}

/* The 6.1 harness runs the test even when its setup skipped. */
#define SKIPPED()	do { if (_metadata->skip) return; } while (0)

#define GW0	"192.0.2.2"
#define GW1	"192.0.2.18"

TEST_F(route, connected)
{
	SKIPPED();
	EXPECT_EQ(0, where(self, GW0));
	EXPECT_EQ(1, where(self, GW1));
}

/* /24 via eth0's peer, /25 inside it via eth1's: the longer prefix wins. */
TEST_F(route, longest_prefix)
{
	SKIPPED();
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.0/24 via "
			    GW0));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.128/25 via "
			    GW1));
	EXPECT_EQ(0, where(self, "198.51.100.10"));
	EXPECT_EQ(0, where(self, "198.51.100.127"));
	EXPECT_EQ(1, where(self, "198.51.100.128"));
	EXPECT_EQ(1, where(self, "198.51.100.200"));
}

/* The same routes added the other way round choose the same. */
TEST_F(route, longest_prefix_added_shortest_last)
{
	SKIPPED();
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.128/25 via "
			    GW1));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.0/24 via "
			    GW0));
	EXPECT_EQ(0, where(self, "198.51.100.10"));
	EXPECT_EQ(1, where(self, "198.51.100.200"));
}

/* Default, /24, /25 and a host route, alternating interfaces. */
TEST_F(route, nested_prefixes)
{
	SKIPPED();
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add default via " GW1));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.0/24 via "
			    GW0));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.0/25 via "
			    GW1));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.77/32 via "
			    GW0));
	EXPECT_EQ(1, where(self, "203.0.113.5"));
	EXPECT_EQ(0, where(self, "198.51.100.200"));
	EXPECT_EQ(1, where(self, "198.51.100.76"));
	EXPECT_EQ(0, where(self, "198.51.100.77"));
	EXPECT_EQ(1, where(self, "198.51.100.78"));
}

/* Deleting the more specific route sends its traffic the other way. */
TEST_F(route, delete_falls_back)
{
	SKIPPED();
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.0/24 via "
			    GW0));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.128/25 via "
			    GW1));
	ASSERT_EQ(1, where(self, "198.51.100.200"));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route del 198.51.100.128/25 via "
			    GW1));
	EXPECT_EQ(0, where(self, "198.51.100.200"));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route del 198.51.100.0/24 via "
			    GW0));
	EXPECT_EQ(-1, where(self, "198.51.100.200"));
}

/*
 * With no route at all, the send fails at once (ENETUNREACH) and
 * OutNoRoutes counts it.
 */
TEST_F(route, no_route)
{
	long long nr0 = nt_mib(NULL, "Ip", "OutNoRoutes");
	uint32_t tag = 1;

	SKIPPED();
	EXPECT_EQ(-1, nt_sendto(self->w, AF_WREN, &tag, 4, "203.0.113.5",
				DPORT));
	EXPECT_EQ(ENETUNREACH, errno);
	EXPECT_EQ(nr0 + 1, nt_mib(NULL, "Ip", "OutNoRoutes"));
}

/*
 * A route with a device and no gateway is on-link: wren asks ARP for the
 * destination itself, on that device.
 */
TEST_F(route, on_link_route_asks_arp_on_its_device)
{
	uint8_t f[NT_FRAME_MAX];
	uint32_t want = nt_addr("198.51.100.10");
	double end;
	int got = 0;
	ssize_t n;

	SKIPPED();
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.0/24 dev %s",
			    wt_ifname(1, WT_GUEST)));
	while (nt_raw_recv(&self->cap[1], f, sizeof(f), 0) > 0)
		;
	ASSERT_EQ(4, nt_sendto(self->w, AF_WREN, "arp?", 4, "198.51.100.10",
			       DPORT));
	end = wt_now() + 3;
	while (!got && wt_now() < end) {
		n = nt_raw_recv(&self->cap[1], f, sizeof(f), 200);
		/* ARP request (op 1) whose target protocol address is want */
		if (n >= NT_ETH_HLEN + 28 && f[12] == 0x08 && f[13] == 0x06 &&
		    f[NT_ETH_HLEN + 7] == 1 &&
		    !memcmp(f + NT_ETH_HLEN + 24, &want, 4))
			got = 1;
	}
	EXPECT_EQ(1, got);
}

/* Detaching an interface takes the routes through it away. */
TEST_F(route, detach_removes_routes)
{
	uint32_t tag = 2;

	SKIPPED();
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add 198.51.100.0/24 via "
			    GW1));
	ASSERT_EQ(1, where(self, "198.51.100.10"));
	nt_wren_detach(NULL, wt_ifname(1, WT_GUEST));
	EXPECT_NE(0, nt_run(NULL, "grep -w %s /proc/net/wren/route",
			    wt_ifname(1, WT_GUEST)));
	EXPECT_EQ(-1, nt_sendto(self->w, AF_WREN, &tag, 4, "198.51.100.10",
				DPORT));
	EXPECT_EQ(ENETUNREACH, errno);
	/* Attached again, the interface does not bring the route back. */
	ASSERT_EQ(0, nt_pair_up(1));
	EXPECT_EQ(1, where(self, GW1));
	EXPECT_EQ(-1, where(self, "198.51.100.10"));
}

/*
 * Limited broadcast (255.255.255.255) leaves by the socket's bound device,
 * else by the device of the route covering it, else by the first device
 * that is up -- and only by one of them.
 */
TEST_F(route, limited_broadcast_device)
{
	int one = 1;

	SKIPPED();
	ASSERT_EQ(0, setsockopt(self->w, SOL_SOCKET, SO_BROADCAST, &one,
				sizeof(one)));
	EXPECT_LE(0, where(self, "255.255.255.255"));
	EXPECT_GE(1, where(self, "255.255.255.255"));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add default via " GW1));
	EXPECT_EQ(1, where(self, "255.255.255.255"));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route del default via " GW1));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl route add default via " GW0));
	EXPECT_EQ(0, where(self, "255.255.255.255"));
	ASSERT_EQ(0, setsockopt(self->w, SOL_SOCKET, SO_BINDTODEVICE,
				wt_ifname(1, WT_GUEST),
				strlen(wt_ifname(1, WT_GUEST))));
	EXPECT_EQ(1, where(self, "255.255.255.255"));
}

WT_HARNESS_MAIN
