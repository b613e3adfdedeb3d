// SPDX-License-Identifier: GPL-2.0
/*
 * drv_counters: the counters wren_e1000 reports (`ip -s link`, sysfs
 * statistics, `ethtool -S`) move by what the test sent and received.
 * A known number of UDP datagrams and pings goes each way; the deltas must
 * match within a few frames of noise (ARP) and, for bytes, exactly the
 * frame lengths (Linux counts bytes without the FCS).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wt.h"

#define CNT_NOISE	6		/* frames of ARP and the like */
#define CNT_UDP_LEN	1000		/* payload bytes a datagram */
#define CNT_UDP_FRAME	(CNT_UDP_LEN + 8 + 20 + 14)
#define CNT_UDP_COUNT	300

struct cnt {
	long long rx_packets, tx_packets, rx_bytes, tx_bytes;
};

struct snap {
	struct cnt ip;		/* `ip -s link` */
	struct cnt sys;		/* /sys/class/net/eth0/statistics */
	struct cnt eth;		/* `ethtool -S` */
	struct cnt hw;		/* `ethtool -S`: the NIC's own registers */
	long long rx_big, tx_big;	/* frames of 1024..1522 bytes (hw) */
	long long errors;	/* every error/drop counter of sysfs, summed */
};

/* The two numbers after the "RX:"/"TX:" header line of `ip -s link`. */
static void ip_s_link(const char *ifname, struct cnt *c)
{
	char *out = wt_out("ip -s link show %s", ifname), *p;

	memset(c, 0xff, sizeof(*c));	/* -1: not found */
	if (!out)
		return;
	p = strstr(out, "RX:");
	if (p && (p = strchr(p, '\n')))
		sscanf(p, "%lld %lld", &c->rx_bytes, &c->rx_packets);
	p = strstr(out, "TX:");
	if (p && (p = strchr(p, '\n')))
		sscanf(p, "%lld %lld", &c->tx_bytes, &c->tx_packets);
	free(out);
}

/*
 * Let the counters settle: a driver counts a sent frame when it reclaims
 * the descriptor, which may be an interrupt after the send returned.
 */
static void settle(const char *ifname)
{
	long long tx = -2, rx = -2, t, r;
	int i;

	for (i = 0; i < 30; i++) {
		t = wt_if_stat(ifname, "tx_packets");
		r = wt_if_stat(ifname, "rx_packets");
		if (t == tx && r == rx)
			return;
		tx = t;
		rx = r;
		wt_msleep(100);
	}
}

static void take(const char *ifname, struct snap *s)
{
	static const char * const errs[] = {
		"rx_errors", "tx_errors", "rx_dropped", "tx_dropped",
		"rx_crc_errors", "rx_frame_errors", "rx_fifo_errors",
		"rx_missed_errors", "rx_over_errors", "tx_fifo_errors",
		"tx_aborted_errors", "tx_carrier_errors",
	};
	char *out;
	size_t i;

	settle(ifname);
	ip_s_link(ifname, &s->ip);
	s->sys.rx_packets = wt_if_stat(ifname, "rx_packets");
	s->sys.tx_packets = wt_if_stat(ifname, "tx_packets");
	s->sys.rx_bytes = wt_if_stat(ifname, "rx_bytes");
	s->sys.tx_bytes = wt_if_stat(ifname, "tx_bytes");
	out = wt_out("ethtool -S %s", ifname);
	s->eth.rx_packets = wt_text_key(out, "rx_packets");
	s->eth.tx_packets = wt_text_key(out, "tx_packets");
	s->eth.rx_bytes = wt_text_key(out, "rx_bytes");
	s->eth.tx_bytes = wt_text_key(out, "tx_bytes");
	s->hw.rx_packets = wt_text_key(out, "rx_good_packets");
	s->hw.tx_packets = wt_text_key(out, "tx_good_packets");
	s->hw.rx_bytes = wt_text_key(out, "rx_good_bytes");
	s->hw.tx_bytes = wt_text_key(out, "tx_good_bytes");
	s->rx_big = wt_text_key(out, "rx_1024_1522");
	s->tx_big = wt_text_key(out, "tx_1024_1522");
	free(out);
	s->errors = 0;
	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		s->errors += wt_if_stat(ifname, errs[i]);
}

/* The transfers' ports, drawn by each test from the boot's allocator. */
static int xfer_port;

FIXTURE(counters) {
	const char *ifname;
	struct snap a, b;
};

FIXTURE_SETUP(counters)
{
	xfer_port = wt_ports(2);
	ASSERT_LT(0, xfer_port);
	self->ifname = wt_ifname(0, WT_GUEST);
	ASSERT_EQ(0, wt_net_up(0, 20000));
	/* Resolve both ways now, so that ARP stays out of the counts. */
	ASSERT_EQ(0, wt_ping(NULL, wt_ip(0, WT_PEER), 1));
	ASSERT_EQ(0, wt_ping(WT_PEER_NS, wt_ip(0, WT_GUEST), 1));
}

FIXTURE_TEARDOWN(counters)
{
}

/* @d lies in [@lo, @lo + @slack]. */
#define EXPECT_DELTA(d, lo, slack, what) do {				\
	long long __d = (d), __lo = (lo);				\
	EXPECT_GE(__d, __lo) TH_LOG("%s: delta %lld < %lld", what,	\
				    __d, __lo);				\
	EXPECT_LE(__d, __lo + (slack)) TH_LOG("%s: delta %lld > %lld",	\
					      what, __d,		\
					      __lo + (long long)(slack)); \
} while (0)

/* Every source exists, and `ip -s link` agrees with sysfs. */
TEST_F(counters, sources_present_and_consistent)
{
	take(self->ifname, &self->a);
	EXPECT_GE(self->a.ip.rx_packets, 1);
	EXPECT_GE(self->a.ip.tx_packets, 1);
	EXPECT_GE(self->a.eth.rx_packets, 0) TH_LOG("ethtool -S: no rx_packets");
	EXPECT_GE(self->a.eth.tx_packets, 0) TH_LOG("ethtool -S: no tx_packets");
	EXPECT_GE(self->a.eth.rx_bytes, 0) TH_LOG("ethtool -S: no rx_bytes");
	EXPECT_GE(self->a.eth.tx_bytes, 0) TH_LOG("ethtool -S: no tx_bytes");
	/* Read a moment apart, but nothing is sending. */
	EXPECT_DELTA(self->a.sys.rx_packets, self->a.ip.rx_packets, 2, "rx");
	EXPECT_DELTA(self->a.sys.tx_packets, self->a.ip.tx_packets, 2, "tx");
	EXPECT_EQ(0, self->a.errors);
}

static void udp_burst(struct __test_metadata *_metadata, const char *send_ns,
		      const char *recv_ns, const char *dst)
{
	char opts[64];
	struct wt_xfer x = {
		.send_ns = send_ns, .recv_ns = recv_ns, .host = dst,
		.port = xfer_port, .opts = opts, .timeout_ms = 60000,
	};

	snprintf(opts, sizeof(opts), "--udp %d %d", CNT_UDP_LEN,
		 CNT_UDP_COUNT);
	ASSERT_EQ(0, wt_xfer_run(&x));
	ASSERT_EQ(CNT_UDP_COUNT, x.rcv.datagrams);
}

/* CNT_UDP_COUNT datagrams out: tx moves by them, rx hardly at all. */
TEST_F(counters, udp_out)
{
	long long fr = CNT_UDP_FRAME, n = CNT_UDP_COUNT;

	take(self->ifname, &self->a);
	udp_burst(_metadata, NULL, WT_PEER_NS, wt_ip(0, WT_PEER));
	take(self->ifname, &self->b);
	EXPECT_DELTA(self->b.ip.tx_packets - self->a.ip.tx_packets, n,
		     CNT_NOISE, "ip tx_packets");
	EXPECT_DELTA(self->b.ip.tx_bytes - self->a.ip.tx_bytes, n * fr,
		     CNT_NOISE * 100, "ip tx_bytes");
	EXPECT_DELTA(self->b.sys.tx_packets - self->a.sys.tx_packets, n,
		     CNT_NOISE, "sysfs tx_packets");
	EXPECT_DELTA(self->b.ip.rx_packets - self->a.ip.rx_packets, 0,
		     CNT_NOISE, "ip rx_packets");
	/* ethtool -S may count the FCS too: 4 bytes a frame of slack. */
	EXPECT_DELTA(self->b.eth.tx_packets - self->a.eth.tx_packets, n,
		     CNT_NOISE, "ethtool tx_packets");
	EXPECT_DELTA(self->b.eth.tx_bytes - self->a.eth.tx_bytes, n * fr,
		     n * 4 + CNT_NOISE * 100, "ethtool tx_bytes");
	/* The NIC's registers count the same frames (with their FCS). */
	EXPECT_DELTA(self->b.hw.tx_packets - self->a.hw.tx_packets, n,
		     CNT_NOISE, "hw tx_good_packets");
	EXPECT_DELTA(self->b.hw.tx_bytes - self->a.hw.tx_bytes, n * fr,
		     n * 4 + CNT_NOISE * 100, "hw tx_good_bytes");
	EXPECT_DELTA(self->b.tx_big - self->a.tx_big, n, 0, "hw tx_1024_1522");
	EXPECT_EQ(self->a.errors, self->b.errors);
}

/* CNT_UDP_COUNT datagrams in: rx moves by them. */
TEST_F(counters, udp_in)
{
	long long fr = CNT_UDP_FRAME, n = CNT_UDP_COUNT;

	take(self->ifname, &self->a);
	udp_burst(_metadata, WT_PEER_NS, NULL, wt_ip(0, WT_GUEST));
	take(self->ifname, &self->b);
	EXPECT_DELTA(self->b.ip.rx_packets - self->a.ip.rx_packets, n,
		     CNT_NOISE, "ip rx_packets");
	EXPECT_DELTA(self->b.ip.rx_bytes - self->a.ip.rx_bytes, n * fr,
		     CNT_NOISE * 100, "ip rx_bytes");
	EXPECT_DELTA(self->b.sys.rx_packets - self->a.sys.rx_packets, n,
		     CNT_NOISE, "sysfs rx_packets");
	EXPECT_DELTA(self->b.ip.tx_packets - self->a.ip.tx_packets, 0,
		     CNT_NOISE, "ip tx_packets");
	EXPECT_DELTA(self->b.eth.rx_packets - self->a.eth.rx_packets, n,
		     CNT_NOISE, "ethtool rx_packets");
	EXPECT_DELTA(self->b.eth.rx_bytes - self->a.eth.rx_bytes, n * fr,
		     n * 4 + CNT_NOISE * 100, "ethtool rx_bytes");
	EXPECT_DELTA(self->b.hw.rx_packets - self->a.hw.rx_packets, n,
		     CNT_NOISE, "hw rx_good_packets");
	EXPECT_DELTA(self->b.hw.rx_bytes - self->a.hw.rx_bytes, n * fr,
		     n * 4 + CNT_NOISE * 100, "hw rx_good_bytes");
	EXPECT_DELTA(self->b.rx_big - self->a.rx_big, n, 0, "hw rx_1024_1522");
	EXPECT_EQ(self->a.errors, self->b.errors);
}

/* 50 echo requests of 56 bytes: 50 frames of 98 bytes each way. */
TEST_F(counters, ping_both_counted)
{
	long long n = 50, fr = 56 + 8 + 20 + 14;

	take(self->ifname, &self->a);
	ASSERT_EQ(0, wt_sh("ping -q -c %lld -i 0.05 -W 2 %s", n,
			   wt_ip(0, WT_PEER)));
	take(self->ifname, &self->b);
	EXPECT_DELTA(self->b.ip.tx_packets - self->a.ip.tx_packets, n,
		     CNT_NOISE, "ip tx_packets");
	EXPECT_DELTA(self->b.ip.rx_packets - self->a.ip.rx_packets, n,
		     CNT_NOISE, "ip rx_packets");
	EXPECT_DELTA(self->b.ip.tx_bytes - self->a.ip.tx_bytes, n * fr,
		     CNT_NOISE * 100, "ip tx_bytes");
	EXPECT_DELTA(self->b.ip.rx_bytes - self->a.ip.rx_bytes, n * fr,
		     CNT_NOISE * 100, "ip rx_bytes");
	EXPECT_DELTA(self->b.eth.tx_packets - self->a.eth.tx_packets, n,
		     CNT_NOISE, "ethtool tx_packets");
	EXPECT_DELTA(self->b.eth.rx_packets - self->a.eth.rx_packets, n,
		     CNT_NOISE, "ethtool rx_packets");
	EXPECT_EQ(self->a.errors, self->b.errors);
}

/* The peer's own counters see the same frames the guest sent. */
TEST_F(counters, peer_agrees)
{
	long long n = CNT_UDP_COUNT, before, after, tx0, tx1;
	char *out;

	out = wt_peer_out("cat /sys/class/net/%s/statistics/rx_packets",
			  wt_ifname(0, WT_PEER));
	ASSERT_NE(NULL, out);
	before = atoll(out);
	free(out);
	settle(self->ifname);
	tx0 = wt_if_stat(self->ifname, "tx_packets");
	udp_burst(_metadata, NULL, WT_PEER_NS, wt_ip(0, WT_PEER));
	settle(self->ifname);
	tx1 = wt_if_stat(self->ifname, "tx_packets");
	out = wt_peer_out("cat /sys/class/net/%s/statistics/rx_packets",
			  wt_ifname(0, WT_PEER));
	ASSERT_NE(NULL, out);
	after = atoll(out);
	free(out);
	EXPECT_DELTA(after - before, n, CNT_NOISE, "peer rx_packets");
	EXPECT_DELTA(after - before, tx1 - tx0 - CNT_NOISE, 2 * CNT_NOISE,
		     "peer rx vs guest tx");
}

/* A TCP transfer: bytes counted are at least the payload and its headers. */
TEST_F_TIMEOUT(counters, tcp_bytes_bounded, 120)
{
	long long payload = 8 * WT_MIB, d;
	struct wt_xfer x = {
		.recv_ns = WT_PEER_NS, .host = wt_ip(0, WT_PEER),
		.port = xfer_port, .bytes = payload, .timeout_ms = 90000,
	};

	take(self->ifname, &self->a);
	ASSERT_EQ(0, wt_xfer_run(&x));
	take(self->ifname, &self->b);
	d = self->b.ip.tx_bytes - self->a.ip.tx_bytes;
	/* At least the payload (with TSO, a driver may count each super-
	 * frame's headers once); headers and ACKs stay under 10%. */
	EXPECT_GE(d, payload);
	EXPECT_LE(d, payload + payload / 10);
	d = self->b.eth.tx_bytes - self->a.eth.tx_bytes;
	EXPECT_GE(d, payload);
	EXPECT_LE(d, payload + payload / 10);
	EXPECT_EQ(self->a.errors, self->b.errors);
}

WT_HARNESS_MAIN
