// SPDX-License-Identifier: GPL-2.0
/*
 * net_frag: IPv4 reassembly in wren, driven by fragments built by hand and
 * sent from the Linux peer (netns "peer", peer0) with an AF_PACKET socket
 * to wren on eth0 (192.0.2.1), where an AF_WREN UDP socket listens.
 *
 *  - well-formed fragments, in order and reversed, are reassembled;
 *  - overlapping fragments are dropped (FragOverlap), nothing delivered;
 *  - a lone first fragment times out after about 30 s: counted under
 *    FragTimeout and ReasmFails, and Linux receives ICMP time exceeded
 *    (type 11, code 1) quoting it.
 */
#include "kselftest_harness.h"
#include "net.h"


/* The wren socket's port and the hand-built datagrams' source port. */
static int wren_port, src_port;

FIXTURE(frag) {
	struct nt_raw raw;	/* on peer0, send only */
	uint8_t wmac[6];	/* eth0's */
	uint32_t saddr, daddr;
	uint16_t id;
	int w;
};

FIXTURE_SETUP(frag)
{
	wren_port = wt_ports(2);
	ASSERT_LT(0, wren_port);
	src_port = wren_port + 1;
	self->w = -1;
	self->raw.fd = -1;
	ASSERT_EQ(0, nt_pair_up(0));
	ASSERT_EQ(0, nt_ifmac(NULL, wt_ifname(0, WT_GUEST), self->wmac));
	ASSERT_EQ(0, nt_raw_open(&self->raw, WT_PEER_NS, wt_ifname(0, WT_PEER),
				 0));
	self->saddr = nt_addr(wt_ip(0, WT_PEER));
	self->daddr = nt_addr(wt_ip(0, WT_GUEST));
	self->id = (uint16_t)(getpid() * 251);
	self->w = nt_dgram(NULL, AF_WREN, 0, NULL, wren_port);
	ASSERT_LE(0, self->w);
	nt_rcvtimeo(self->w, 3000);
	/* wren knows the peer's MAC before the test starts. */
	ASSERT_EQ(0, nt_runq(WT_PEER_NS, "ping -c 1 -W 2 %s",
			     wt_ip(0, WT_GUEST)));
}

FIXTURE_TEARDOWN(frag)
{
	if (self->w >= 0)
		close(self->w);
	nt_raw_close(&self->raw);
	nt_pair_down(0);
}

/*
 * Send bytes [@off, @off + @len) of the IP payload @pl (a whole UDP
 * datagram) as one fragment of datagram @id; @more sets IP_MF.
 */
static int send_frag(FIXTURE_DATA(frag) *self, uint16_t id,
		     const uint8_t *pl, size_t off, size_t len, bool more)
{
	uint8_t f[NT_FRAME_MAX];
	size_t n = nt_eth(f, self->wmac, self->raw.mac, ETH_P_IP);

	nt_ip(f + n, NT_IP_HLEN + len, id, (more ? IP_MF : 0) | (off / 8),
	      64, IPPROTO_UDP, self->saddr, self->daddr);
	memcpy(f + n + NT_IP_HLEN, pl + off, len);
	return nt_raw_send(&self->raw, f, n + NT_IP_HLEN + len);
}

/* A UDP datagram src_port -> wren_port carrying @dlen pattern bytes, into @pl. */
static size_t make_udp(FIXTURE_DATA(frag) *self, uint8_t *pl, size_t dlen,
		       uint64_t seed)
{
	uint8_t data[NT_FRAME_MAX];

	if (dlen > sizeof(data))
		abort();
	wt_pattern_fill(data, dlen, 0, seed);
	return nt_udp(pl, self->saddr, self->daddr, src_port, wren_port, data, dlen);
}

/* The wren socket receives exactly @dlen bytes of pattern @seed. */
static int expect_delivery(FIXTURE_DATA(frag) *self, size_t dlen,
			   uint64_t seed)
{
	uint8_t want[1024], got[1100];
	uint16_t port;
	char from[16];
	ssize_t n;

	wt_pattern_fill(want, dlen, 0, seed);
	n = nt_recvfrom(self->w, got, sizeof(got), 0, from, &port);
	if (n != (ssize_t)dlen || port != src_port || memcmp(got, want, dlen)) {
		nt_diag("received %zd (%s) from port %u, want %zu from %u\n",
			n, n < 0 ? strerror(errno) : "-", n < 0 ? 0 : port,
			dlen, src_port);
		return -1;
	}
	return 0;
}

/* Nothing is waiting on the wren socket. */
static bool nothing_delivered(FIXTURE_DATA(frag) *self)
{
	char buf[64];

	return recv(self->w, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
	       (errno == EAGAIN || errno == EWOULDBLOCK);
}

struct icmp_wait {
	int fd;
	uint16_t id;
	uint32_t src;
};

/*
 * Read ICMP on the peer's raw socket until a time exceeded / reassembly
 * (11/1) quoting datagram @id comes, or @ms pass.  1 found, 0 not, -1.
 */
static int wait_time_exceeded(struct icmp_wait *iw, int ms, uint16_t *sport)
{
	double end = wt_now() + ms / 1000.0;
	uint8_t buf[1500];
	const struct iphdr *ip, *in;
	const struct icmphdr *ic;
	ssize_t n;

	for (;;) {
		int left = (int)((end - wt_now()) * 1000);
		struct pollfd pfd = { .fd = iw->fd, .events = POLLIN };

		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		n = recv(iw->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			continue;
		ip = (const struct iphdr *)buf;
		if (n < ip->ihl * 4 + 8 + NT_IP_HLEN + 8)
			continue;
		ic = (const struct icmphdr *)(buf + ip->ihl * 4);
		in = (const struct iphdr *)(ic + 1);
		fprintf(stderr, "# ICMP type %u code %u from %s\n", ic->type,
			ic->code, inet_ntoa(*(struct in_addr *)&ip->saddr));
		if (ic->type != ICMP_TIME_EXCEEDED ||
		    in->id != htons(iw->id) || in->saddr != iw->src)
			continue;
		if (ic->code != ICMP_EXC_FRAGTIME) {
			nt_diag("time exceeded with code %u\n", ic->code);
			return -1;
		}
		/* The quote holds the first 8 bytes of the datagram. */
		*sport = ntohs(*(const uint16_t *)((const uint8_t *)in +
						    in->ihl * 4));
		return 1;
	}
}

/*
 * The first fragment alone: after about 30 s wren gives up, counts it and
 * tells the sender with ICMP time exceeded, code 1, quoting the fragment.
 */
TEST_F_TIMEOUT(frag, reassembly_timeout, 100)
{
	long long to0 = nt_drop(NULL, "FragTimeout");
	long long rf0 = nt_mib(NULL, "Ip", "ReasmFails");
	long long te0 = nt_mib(NULL, "Icmp", "OutTimeExcds");
	struct icmp_wait iw = { .id = self->id + 5, .src = self->saddr };
	uint16_t sport = 0;
	uint8_t pl[64];
	double t0, dt;
	int found;

	ASSERT_LE(0, to0);
	make_udp(self, pl, 40, 6);
	iw.fd = nt_socket(WT_PEER_NS, AF_INET, SOCK_RAW, IPPROTO_ICMP);
	ASSERT_LE(0, iw.fd);
	t0 = wt_now();
	ASSERT_EQ(0, send_frag(self, iw.id, pl, 0, 24, true));
	found = wait_time_exceeded(&iw, 50000, &sport);
	dt = wt_now() - t0;
	close(iw.fd);
	TH_LOG("time exceeded after %.1f s", dt);
	ASSERT_EQ(1, found);
	EXPECT_EQ(src_port, sport);
	EXPECT_LE(25.0, dt);
	EXPECT_GE(40.0, dt);
	EXPECT_EQ(to0 + 1, nt_drop(NULL, "FragTimeout"));
	EXPECT_EQ(rf0 + 1, nt_mib(NULL, "Ip", "ReasmFails"));
	EXPECT_EQ(te0 + 1, nt_mib(NULL, "Icmp", "OutTimeExcds"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* Two fragments in order: delivered once, counted as one reassembly. */
TEST_F(frag, two_in_order)
{
	long long ok0 = nt_mib(NULL, "Ip", "ReasmOKs");
	long long rq0 = nt_mib(NULL, "Ip", "ReasmReqds");
	uint8_t pl[64];
	size_t len = make_udp(self, pl, 40, 1);	/* 48 bytes */

	ASSERT_EQ(0, send_frag(self, self->id, pl, 0, 24, true));
	ASSERT_EQ(0, send_frag(self, self->id, pl, 24, len - 24, false));
	ASSERT_EQ(0, expect_delivery(self, 40, 1));
	EXPECT_TRUE(nothing_delivered(self));
	EXPECT_EQ(ok0 + 1, nt_mib(NULL, "Ip", "ReasmOKs"));
	EXPECT_EQ(rq0 + 2, nt_mib(NULL, "Ip", "ReasmReqds"));
}

/* Four fragments, last first: order does not matter. */
TEST_F(frag, four_reversed)
{
	uint8_t pl[600];
	size_t len = make_udp(self, pl, 500, 2);	/* 508 bytes */
	int i;

	for (i = 3; i >= 0; i--)
		ASSERT_EQ(0, send_frag(self, self->id + 1, pl, i * 128,
				       i == 3 ? len - 3 * 128 : 128, i != 3));
	ASSERT_EQ(0, expect_delivery(self, 500, 2));
}

/* An exact duplicate of a fragment changes nothing. */
TEST_F(frag, duplicate_fragment)
{
	uint8_t pl[64];
	size_t len = make_udp(self, pl, 40, 3);

	ASSERT_EQ(0, send_frag(self, self->id + 2, pl, 0, 24, true));
	ASSERT_EQ(0, send_frag(self, self->id + 2, pl, 0, 24, true));
	ASSERT_EQ(0, send_frag(self, self->id + 2, pl, 24, len - 24, false));
	ASSERT_EQ(0, expect_delivery(self, 40, 3));
	EXPECT_TRUE(nothing_delivered(self));
}

/*
 * Bytes 16..31 arrive twice with different content: the datagram is
 * dropped, both its fragments counted under FragOverlap (drop reasons
 * count frames, as Linux's), nothing is delivered, not even later.
 */
TEST_F(frag, overlap_dropped)
{
	long long ov0 = nt_drop(NULL, "FragOverlap");
	uint8_t pl[64], alt[64];
	size_t len = make_udp(self, pl, 40, 4);	/* 48 bytes */

	ASSERT_LE(0, ov0);
	memcpy(alt, pl, sizeof(alt));
	memset(alt + 16, 0xee, 16);
	ASSERT_EQ(0, send_frag(self, self->id + 3, pl, 0, 32, true));
	ASSERT_EQ(0, send_frag(self, self->id + 3, alt, 16, len - 16, false));
	EXPECT_EQ(ov0 + 2, NT_WAIT_ABOVE(3000, ov0 + 1,
					 nt_drop(NULL, "FragOverlap")));
	wt_msleep(500);
	EXPECT_TRUE(nothing_delivered(self));
	/* The rest of the datagram does not bring it back. */
	ASSERT_EQ(0, send_frag(self, self->id + 3, pl, 32, len - 32, false));
	wt_msleep(500);
	EXPECT_TRUE(nothing_delivered(self));
	/* Not counted again for its last piece, which starts afresh. */
	EXPECT_EQ(ov0 + 2, nt_drop(NULL, "FragOverlap"));
}

/* A fragment that starts inside an earlier one and ends beyond it. */
TEST_F(frag, overlap_tail_dropped)
{
	long long ov0 = nt_drop(NULL, "FragOverlap");
	uint8_t pl[128];
	size_t len = make_udp(self, pl, 96, 5);	/* 104 bytes */

	ASSERT_EQ(0, send_frag(self, self->id + 4, pl, 64, len - 64, false));
	ASSERT_EQ(0, send_frag(self, self->id + 4, pl, 0, 72, true));
	EXPECT_EQ(ov0 + 2, NT_WAIT_ABOVE(3000, ov0 + 1,
					 nt_drop(NULL, "FragOverlap")));
	wt_msleep(500);
	EXPECT_TRUE(nothing_delivered(self));
}

/* Fragments of two datagrams interleaved: both are delivered, intact. */
TEST_F(frag, two_datagrams_interleaved)
{
	uint8_t p1[128], p2[128];
	size_t l1 = make_udp(self, p1, 100, 7), l2 = make_udp(self, p2, 60, 8);

	ASSERT_EQ(0, send_frag(self, self->id + 6, p1, 0, 48, true));
	ASSERT_EQ(0, send_frag(self, self->id + 7, p2, 32, l2 - 32, false));
	ASSERT_EQ(0, send_frag(self, self->id + 6, p1, 48, l1 - 48, false));
	ASSERT_EQ(0, expect_delivery(self, 100, 7));
	ASSERT_EQ(0, send_frag(self, self->id + 7, p2, 0, 32, true));
	ASSERT_EQ(0, expect_delivery(self, 60, 8));
}

/*
 * The same identification from another source is another datagram: the
 * pieces do not mix (here the second source's piece would complete it).
 */
TEST_F(frag, same_id_other_source_kept_apart)
{
	uint8_t pl[64];
	size_t len = make_udp(self, pl, 40, 9);
	uint32_t saddr = self->saddr;

	ASSERT_EQ(0, send_frag(self, self->id + 8, pl, 0, 24, true));
	self->saddr = nt_addr("192.0.2.4");
	ASSERT_EQ(0, send_frag(self, self->id + 8, pl, 24, len - 24, false));
	self->saddr = saddr;
	wt_msleep(300);
	EXPECT_TRUE(nothing_delivered(self));
	ASSERT_EQ(0, send_frag(self, self->id + 8, pl, 24, len - 24, false));
	ASSERT_EQ(0, expect_delivery(self, 40, 9));
}

/*
 * 1200 incomplete datagrams at once: reassembly's limits hold (counted
 * under FragMemLimit), nothing breaks, and the queues left expire later
 * without harm.  Last in this file: the expiries come after its end.
 */
TEST_F(frag, many_incomplete_datagrams)
{
	long long ml0 = nt_drop(NULL, "FragMemLimit");
	uint8_t pl[1500];
	int i;

	make_udp(self, pl, 1400, 10);
	for (i = 0; i < 1200; i++)
		ASSERT_EQ(0, send_frag(self, (uint16_t)(0x8000 + i), pl, 0,
				       1400, true));
	EXPECT_LT(ml0, NT_WAIT_ABOVE(5000, ml0, nt_drop(NULL, "FragMemLimit")));
	TH_LOG("FragMemLimit %lld -> %lld", ml0, nt_drop(NULL, "FragMemLimit"));
	/* Echo still works. */
	EXPECT_EQ(0, nt_runq(WT_PEER_NS, "ping -c 1 -W 3 %s",
			     wt_ip(0, WT_GUEST)));
}

WT_HARNESS_MAIN
