// SPDX-License-Identifier: GPL-2.0
/*
 * drv_traffic: Linux's own stack over wren_e1000 (eth0) to the peer NIC
 * (peer0, netns "peer"): ping both ways, 64 MiB TCP both ways with equal
 * sha256 at both ends, UDP datagrams of 1472 bytes (one frame) and 8000
 * bytes (IP fragments) with every datagram's content checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wt.h"


/* The transfers' ports, drawn by each test from the boot's allocator. */
static int xfer_port;

FIXTURE(traffic) {
	const char *guest, *peer;
};

FIXTURE_SETUP(traffic)
{
	xfer_port = wt_ports(2);
	ASSERT_LT(0, xfer_port);
	ASSERT_EQ(0, wt_net_up(0, 20000));
	self->guest = wt_ip(0, WT_GUEST);
	self->peer = wt_ip(0, WT_PEER);
}

FIXTURE_TEARDOWN(traffic)
{
}

TEST_F(traffic, ping_guest_to_peer)
{
	ASSERT_EQ(0, wt_ping(NULL, self->peer, 20));
}

TEST_F(traffic, ping_peer_to_guest)
{
	ASSERT_EQ(0, wt_ping(WT_PEER_NS, self->guest, 20));
}

/* Echo requests of 4000 bytes: IP fragments both ways, reassembled. */
TEST_F(traffic, ping_fragmented_both_ways)
{
	ASSERT_EQ(0, wt_sh("ping -q -c 5 -i 0.2 -W 2 -s 4000 %s", self->peer));
	ASSERT_EQ(0, wt_peer("ping -q -c 5 -i 0.2 -W 2 -s 4000 %s",
			     self->guest));
}

/* Every size from a minimal frame (padded by the driver) to a full one. */
TEST_F_TIMEOUT(traffic, ping_sizes_around_frame_limits, 90)
{
	static const int sizes[] = { 0, 1, 17, 18, 19, 64, 1000, 1471, 1472 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		EXPECT_EQ(0, wt_sh("ping -q -c 2 -i 0.2 -W 2 -s %d %s",
				   sizes[i], self->peer))
			TH_LOG("payload %d", sizes[i]);
}

static void tcp_64m(struct __test_metadata *_metadata, const char *send_ns,
		    const char *recv_ns, const char *dst)
{
	struct wt_xfer x = {
		.send_ns = send_ns,
		.recv_ns = recv_ns,
		.host = dst,
		.port = xfer_port,
		.bytes = 64 * WT_MIB,
		.timeout_ms = 240000,
	};

	ASSERT_EQ(0, wt_xfer_run(&x));
	EXPECT_EQ(64 * WT_MIB, x.rcv.bytes);
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	TH_LOG("%.1f MB/s", x.rcv.mbps);
}

TEST_F_TIMEOUT(traffic, tcp_64m_guest_to_peer, 300)
{
	tcp_64m(_metadata, NULL, WT_PEER_NS, self->peer);
}

TEST_F_TIMEOUT(traffic, tcp_64m_peer_to_guest, 300)
{
	tcp_64m(_metadata, WT_PEER_NS, NULL, self->guest);
}

/* Both directions at once: the driver's RX and TX paths busy together. */
TEST_F_TIMEOUT(traffic, tcp_16m_both_directions_at_once, 300)
{
	struct wt_xfer out = {
		.recv_ns = WT_PEER_NS, .host = self->peer,
		.port = xfer_port, .bytes = 16 * WT_MIB,
		.timeout_ms = 240000,
	};
	struct wt_xfer in = {
		.send_ns = WT_PEER_NS, .host = self->guest,
		.port = xfer_port + 1, .bytes = 16 * WT_MIB,
		.timeout_ms = 240000,
	};
	struct wt_bg *orcv, *osnd, *ircv, *isnd;

	orcv = wt_xfer_recv_start(&out);
	ASSERT_NE(NULL, orcv);
	ircv = wt_xfer_recv_start(&in);
	ASSERT_NE(NULL, ircv);
	osnd = wt_xfer_send_start(&out);
	isnd = wt_xfer_send_start(&in);
	EXPECT_EQ(0, wt_xfer_finish(&out, orcv, osnd));
	EXPECT_EQ(0, wt_xfer_finish(&in, ircv, isnd));
}

/*
 * @count datagrams of @size bytes; the receiver checks each one's content
 * and order, and that none is missing (the emulated wire does not drop).
 */
static void udp(struct __test_metadata *_metadata, const char *send_ns,
		const char *recv_ns, const char *dst, int size, int count)
{
	char opts[64];
	struct wt_xfer x = {
		.send_ns = send_ns,
		.recv_ns = recv_ns,
		.host = dst,
		.port = xfer_port,
		.opts = opts,
		.timeout_ms = 90000,
	};

	snprintf(opts, sizeof(opts), "--udp %d %d", size, count);
	if (wt_xfer_run(&x))
		wt_net_diag(0);
	ASSERT_EQ(0, x.snd.status);
	ASSERT_EQ(0, x.rcv.status);
	EXPECT_EQ(count, x.rcv.datagrams);
	EXPECT_EQ(0, x.rcv.bad);
	EXPECT_EQ(0, x.rcv.lost);
	EXPECT_EQ((long long)size * count, x.rcv.bytes);
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
}

TEST_F_TIMEOUT(traffic, udp_1472_guest_to_peer, 120)
{
	udp(_metadata, NULL, WT_PEER_NS, self->peer, 1472, 2000);
}

TEST_F_TIMEOUT(traffic, udp_1472_peer_to_guest, 120)
{
	udp(_metadata, WT_PEER_NS, NULL, self->guest, 1472, 2000);
}

TEST_F_TIMEOUT(traffic, udp_8000_fragmented_guest_to_peer, 120)
{
	long long before = wt_snmp(WT_PEER_NS, "/proc/net/snmp", "Ip",
				   "ReasmOKs");

	udp(_metadata, NULL, WT_PEER_NS, self->peer, 8000, 500);
	/* They really were fragments, reassembled by the peer. */
	EXPECT_LE(before + 500, wt_snmp(WT_PEER_NS, "/proc/net/snmp", "Ip",
					"ReasmOKs"));
}

TEST_F_TIMEOUT(traffic, udp_8000_fragmented_peer_to_guest, 120)
{
	long long before = wt_snmp(NULL, "/proc/net/snmp", "Ip", "ReasmOKs");

	udp(_metadata, WT_PEER_NS, NULL, self->guest, 8000, 500);
	EXPECT_LE(before + 500, wt_snmp(NULL, "/proc/net/snmp", "Ip",
					"ReasmOKs"));
}

WT_HARNESS_MAIN
