// SPDX-License-Identifier: GPL-2.0
/*
 * net_arp: wren's ARP (RFC 826) and ICMP error rules, seen from the wire.
 *
 * wren runs on eth0 (192.0.2.1/28); the peer side, peer0 in netns "peer",
 * speaks raw frames through AF_PACKET and captures what wren sends.  peer0
 * is put in promiscuous mode so that frames wren sends to made-up MACs
 * are seen too.
 */
#include "kselftest_harness.h"
#include "net.h"

#define NOBODY		"192.0.2.12"	/* on link, nobody answers */
#define FAKE		"192.0.2.9"	/* a sender we make up */
#define EXTRA		"192.0.2.5"	/* a second wren address */
#define PERM		"192.0.2.11"	/* a permanent entry */
#define PERM_MAC	"02:00:00:00:00:11"
#define BCAST		"192.0.2.15"	/* the /28's directed broadcast */
#define CLOSED		7999		/* no wren socket on this port */

struct arp_pkt {
	uint16_t hrd, pro;
	uint8_t hln, pln;
	uint16_t op;
	uint8_t sha[6];
	uint8_t spa[4];
	uint8_t tha[6];
	uint8_t tpa[4];
} __attribute__((packed));

FIXTURE(arp) {
	struct nt_raw raw;	/* peer0, ETH_P_ALL */
	uint8_t wmac[6];	/* eth0 */
	uint8_t f[NT_FRAME_MAX];
};

FIXTURE_SETUP(arp)
{
	self->raw.fd = -1;
	ASSERT_EQ(0, nt_pair_up(0));
	ASSERT_EQ(0, nt_run(WT_PEER_NS, "ip link set %s promisc on",
			    wt_ifname(0, WT_PEER)));
	ASSERT_EQ(0, nt_ifmac(NULL, wt_ifname(0, WT_GUEST), self->wmac));
	ASSERT_EQ(0, nt_raw_open(&self->raw, WT_PEER_NS,
				 wt_ifname(0, WT_PEER), ETH_P_ALL));
}

FIXTURE_TEARDOWN(arp)
{
	nt_raw_close(&self->raw);
	nt_runq(WT_PEER_NS, "ip link set %s promisc off",
		wt_ifname(0, WT_PEER));
	nt_pair_down(0);
}

static void drain(FIXTURE_DATA(arp) *self)
{
	while (nt_raw_recv(&self->raw, self->f, sizeof(self->f), 0) > 0)
		;
}

/* An ARP frame from peer0's MAC (sender sha/spa), to @dst. */
static size_t arp_frame(FIXTURE_DATA(arp) *self, const uint8_t *dst,
			uint16_t op, const uint8_t *sha, const char *spa,
			const char *tpa)
{
	struct arp_pkt *a = (struct arp_pkt *)(self->f + NT_ETH_HLEN);
	uint32_t s = nt_addr(spa), t = nt_addr(tpa);

	memset(self->f, 0, NT_ETH_ZLEN);
	nt_eth(self->f, dst, self->raw.mac, ETH_P_ARP);
	a->hrd = htons(1);
	a->pro = htons(ETH_P_IP);
	a->hln = 6;
	a->pln = 4;
	a->op = htons(op);
	memcpy(a->sha, sha, 6);
	memcpy(a->spa, &s, 4);
	memcpy(a->tpa, &t, 4);
	return NT_ETH_ZLEN;
}

/*
 * The next ARP frame wren sends with operation @op and sender address
 * @spa, within @ms; its arp header (in self->f), or NULL.
 */
static struct arp_pkt *next_arp(FIXTURE_DATA(arp) *self, uint16_t op,
				const char *spa, int ms)
{
	double end = wt_now() + ms / 1000.0;
	uint32_t s = nt_addr(spa);
	struct arp_pkt *a = (struct arp_pkt *)(self->f + NT_ETH_HLEN);
	ssize_t n;

	while (wt_now() < end) {
		n = nt_raw_recv(&self->raw, self->f, sizeof(self->f),
				(int)((end - wt_now()) * 1000) + 1);
		if (n < (ssize_t)(NT_ETH_HLEN + sizeof(*a)))
			continue;
		if (memcmp(self->f + 6, self->wmac, 6) ||
		    self->f[12] != 0x08 || self->f[13] != 0x06)
			continue;
		if (ntohs(a->op) == op && !memcmp(a->spa, &s, 4))
			return a;
	}
	return NULL;
}

/* A request for our address is answered, to the asker, from our MAC. */
TEST_F(arp, answers_request)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint32_t fake = nt_addr(FAKE);
	struct arp_pkt *a;
	size_t n;

	drain(self);
	n = arp_frame(self, bc, 1, self->raw.mac, FAKE, wt_ip(0, WT_GUEST));
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, n));
	a = next_arp(self, 2, wt_ip(0, WT_GUEST), 2000);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, memcmp(self->f, self->raw.mac, 6));
	EXPECT_EQ(0, memcmp(a->sha, self->wmac, 6));
	EXPECT_EQ(0, memcmp(a->tha, self->raw.mac, 6));
	EXPECT_EQ(0, memcmp(a->tpa, &fake, 4));
	/* And wren learnt the asker. */
	EXPECT_EQ(0, nt_run(NULL, "grep -q '^" FAKE " ' /proc/net/wren/arp"));
}

/*
 * A request for somebody else's address is not answered.  On the shared
 * device it is Linux's alone: wren does not even take it; attached
 * exclusive, wren takes it and drops it as not for it.
 */
TEST_F(arp, ignores_request_for_others)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	long long nfu0 = nt_drop(NULL, "ArpNotForUs");
	long long in0 = nt_mib(NULL, "WrenFrames", "InFrames");
	size_t n;

	drain(self);
	n = arp_frame(self, bc, 1, self->raw.mac, FAKE, NOBODY);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, n));
	EXPECT_EQ(NULL, next_arp(self, 2, NOBODY, 700));
	EXPECT_EQ(nfu0, nt_drop(NULL, "ArpNotForUs"));
	EXPECT_NE(0, nt_run(NULL, "grep -q '^" FAKE " ' /proc/net/wren/arp"));

	ASSERT_EQ(0, nt_pair_up_mode(0, true));
	ASSERT_EQ(0, nt_run(NULL, "wrenctl link show %s | grep -q exclusive",
			    wt_ifname(0, WT_GUEST)));
	drain(self);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, n));
	EXPECT_EQ(NULL, next_arp(self, 2, NOBODY, 700));
	EXPECT_EQ(nfu0 + 1, nt_drop(NULL, "ArpNotForUs"));
	EXPECT_LT(in0, nt_mib(NULL, "WrenFrames", "InFrames"));
	EXPECT_NE(0, nt_run(NULL, "grep -q '^" FAKE " ' /proc/net/wren/arp"));
}

/* Adding an address announces it: a gratuitous ARP request, broadcast. */
TEST_F(arp, gratuitous_on_address_add)
{
	uint32_t x = nt_addr(EXTRA);
	struct arp_pkt *a;

	drain(self);
	ASSERT_EQ(0, nt_run(NULL, "wrenctl addr add " EXTRA "/28 dev %s",
			    wt_ifname(0, WT_GUEST)));
	a = next_arp(self, 1, EXTRA, 2000);
	ASSERT_NE(NULL, a);
	EXPECT_EQ(0, memcmp(a->tpa, &x, 4));
	EXPECT_EQ(0xff, self->f[0]);
	EXPECT_EQ(0xff, self->f[5]);
	EXPECT_EQ(0, nt_run(NULL, "wrenctl addr del " EXTRA "/28 dev %s",
			    wt_ifname(0, WT_GUEST)));
}

/* Another host claiming our address: counted, warned about, not learnt. */
TEST_F(arp, conflict_is_reported)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t other[6] = { 0x02, 0, 0, 0, 0x0c, 0x1a };
	long long c0 = nt_drop(NULL, "ArpConflict");
	int w0 = wt_dmesg_count("claims our address");
	size_t n;

	n = arp_frame(self, bc, 2, other, wt_ip(0, WT_GUEST),
		      wt_ip(0, WT_GUEST));
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, n));
	EXPECT_EQ(c0 + 1, NT_WAIT_ABOVE(2000, c0,
					nt_drop(NULL, "ArpConflict")));
	EXPECT_LT(w0, wt_dmesg_count("claims our address"));
	/* Still ours: the peer's ping is answered. */
	EXPECT_EQ(0, wt_ping(WT_PEER_NS, wt_ip(0, WT_GUEST), 1));
}

/*
 * Nobody answers: three broadcast requests about a second apart, then
 * the entry reads "failed" and the datagram is dropped under ArpFailed.
 */
TEST_F(arp, three_requests_then_failed)
{
	long long af0 = nt_drop(NULL, "ArpFailed");
	double t[4];
	int w, i;

	w = nt_dgram(NULL, AF_WREN, 0, NULL, 0);
	ASSERT_LE(0, w);
	drain(self);
	ASSERT_EQ(1, nt_sendto(w, AF_WREN, "x", 1, NOBODY, 9));
	for (i = 0; i < 4; i++) {
		struct arp_pkt *a = next_arp(self, 1, wt_ip(0, WT_GUEST),
					     i < 3 ? 2500 : 1500);
		uint32_t nb = nt_addr(NOBODY);

		if (i == 3) {
			EXPECT_EQ(NULL, a);
			break;
		}
		ASSERT_NE(NULL, a);
		EXPECT_EQ(0, memcmp(a->tpa, &nb, 4));
		EXPECT_EQ(0xff, self->f[0]);
		t[i] = wt_now();
	}
	close(w);
	TH_LOG("requests at +%.2f, +%.2f s", t[1] - t[0], t[2] - t[0]);
	EXPECT_LE(0.8, t[1] - t[0]);
	EXPECT_GE(1.5, t[1] - t[0]);
	EXPECT_LE(1.6, t[2] - t[0]);
	EXPECT_EQ(af0 + 1, NT_WAIT_ABOVE(2000, af0,
					 nt_drop(NULL, "ArpFailed")));
	EXPECT_EQ(0, nt_run(NULL, "grep -q '^" NOBODY " .* failed$' "
			    "/proc/net/wren/arp"));
}

/*
 * A permanent entry is used at once (no request), survives a flush and
 * goes with arp del.
 */
TEST_F(arp, permanent_entry)
{
	static const uint8_t pm[6] = { 0x02, 0, 0, 0, 0, 0x11 };
	uint32_t dst = nt_addr(PERM);
	const char *dev = wt_ifname(0, WT_GUEST);
	bool seen = false, asked = false;
	double end;
	int w;

	ASSERT_EQ(0, nt_run(NULL, "wrenctl arp add " PERM " lladdr " PERM_MAC
			    " dev %s", dev));
	w = nt_dgram(NULL, AF_WREN, 0, NULL, 0);
	ASSERT_LE(0, w);
	drain(self);
	ASSERT_EQ(4, nt_sendto(w, AF_WREN, "perm", 4, PERM, 9));
	end = wt_now() + 1.5;
	while (wt_now() < end) {
		const struct iphdr *ip;
		ssize_t n = nt_raw_recv(&self->raw, self->f, sizeof(self->f),
					100);

		if (n < NT_ETH_HLEN + NT_IP_HLEN ||
		    memcmp(self->f + 6, self->wmac, 6))
			continue;
		if (self->f[12] == 0x08 && self->f[13] == 0x06)
			asked = true;
		ip = (const struct iphdr *)(self->f + NT_ETH_HLEN);
		if (self->f[12] == 0x08 && self->f[13] == 0x00 &&
		    ip->daddr == dst && !memcmp(self->f, pm, 6))
			seen = true;
	}
	close(w);
	EXPECT_TRUE(seen);
	EXPECT_FALSE(asked);
	EXPECT_EQ(0, nt_run(NULL, "wrenctl arp flush dev %s && "
			    "grep -q '^" PERM " .* permanent$' "
			    "/proc/net/wren/arp", dev));
	EXPECT_EQ(0, nt_run(NULL, "wrenctl arp del " PERM " dev %s", dev));
	EXPECT_NE(0, nt_run(NULL, "grep -q '^" PERM " ' /proc/net/wren/arp"));
}

/* ---- ICMP errors: when wren sends them and when it must not ---------------- */

/* A UDP datagram from the peer to @dst:@port, built by hand. */
static size_t udp_frame(FIXTURE_DATA(arp) *self, const uint8_t *dmac,
			const char *dst, uint16_t port, uint8_t proto)
{
	uint8_t *ip = self->f + NT_ETH_HLEN;
	uint32_t s = nt_addr(wt_ip(0, WT_PEER)), d = nt_addr(dst);

	memset(self->f, 0, 128);
	nt_eth(self->f, dmac, self->raw.mac, ETH_P_IP);
	nt_udp(ip + NT_IP_HLEN, s, d, 7998, port, "icmp?", 5);
	nt_ip(ip, NT_IP_HLEN + NT_UDP_HLEN + 5, 0x5151, 0, 64, proto, s, d);
	return NT_ETH_HLEN + NT_IP_HLEN + NT_UDP_HLEN + 5;
}

/* The next ICMP error wren sends, of @type/@code, within @ms; or false. */
static bool icmp_seen(FIXTURE_DATA(arp) *self, int type, int code, int ms)
{
	double end = wt_now() + ms / 1000.0;

	while (wt_now() < end) {
		const struct iphdr *ip;
		const uint8_t *ic;
		ssize_t n = nt_raw_recv(&self->raw, self->f, sizeof(self->f),
					50);

		if (n < NT_ETH_HLEN + NT_IP_HLEN + 8 ||
		    memcmp(self->f + 6, self->wmac, 6) ||
		    self->f[12] != 0x08 || self->f[13] != 0x00)
			continue;
		ip = (const struct iphdr *)(self->f + NT_ETH_HLEN);
		ic = (const uint8_t *)ip + ip->ihl * 4;
		if (ip->protocol == IPPROTO_ICMP && ic[0] == type &&
		    ic[1] == code)
			return true;
	}
	return false;
}

/* An unknown protocol is answered with protocol unreachable. */
TEST_F(arp, protocol_unreachable)
{
	size_t n = udp_frame(self, self->wmac, wt_ip(0, WT_GUEST), CLOSED, 253);

	drain(self);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, n));
	EXPECT_TRUE(icmp_seen(self, 3, 2, 2000));
}

/* No error about a datagram sent to a broadcast address. */
TEST_F(arp, no_error_about_broadcast)
{
	static const uint8_t bc[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	long long du0 = nt_mib(NULL, "Icmp", "OutDestUnreachs");
	size_t n;

	drain(self);
	n = udp_frame(self, bc, BCAST, CLOSED, IPPROTO_UDP);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, n));
	n = udp_frame(self, bc, "255.255.255.255", CLOSED, IPPROTO_UDP);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, n));
	EXPECT_FALSE(icmp_seen(self, 3, 3, 800));
	EXPECT_EQ(du0, nt_mib(NULL, "Icmp", "OutDestUnreachs"));
}

/*
 * An echo request to a broadcast address is ignored (counted); the
 * exclusive attachment, as a shared one leaves it to Linux.
 */
TEST_F(arp, broadcast_echo_ignored)
{
	long long be0 = nt_drop(NULL, "IcmpBcastEcho");

	ASSERT_EQ(0, nt_pair_up_mode(0, true));
	nt_runq(WT_PEER_NS, "ping -b -c 1 -W 1 " BCAST);
	EXPECT_EQ(be0 + 1, NT_WAIT_ABOVE(2000, be0,
					 nt_drop(NULL, "IcmpBcastEcho")));
}

/*
 * A flood of datagrams to a closed port: errors are rate-limited.  At
 * the default 1000 a second the flood must outrun that (it does on
 * Debian's kernel, not always under the debug kernel), so the rate is
 * set to 20 a second first, and the burst of 50 goes first: of 400
 * errors, between 50 and about 50 + the flood's seconds * 20 are sent.
 */
TEST_F(arp, errors_rate_limited)
{
	long long rl0 = nt_mib(NULL, "Icmp", "OutRateLimited");
	long long du0 = nt_mib(NULL, "Icmp", "OutDestUnreachs");
	size_t n = udp_frame(self, self->wmac, wt_ip(0, WT_GUEST), CLOSED,
			     IPPROTO_UDP);
	long long sent, limited;
	double t0;
	char *out;
	int i;

	ASSERT_EQ(0, wt_sh("wrenctl set icmp_msgs_per_sec 20"));
	out = wt_out("wrenctl get");
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "icmp_msgs_per_sec 20")) TH_LOG("%s", out);
	free(out);
	wt_msleep(3000);	/* a full bucket */
	t0 = wt_now();
	for (i = 0; i < 400; i++)
		ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, n));
	wt_msleep(500);
	sent = nt_mib(NULL, "Icmp", "OutDestUnreachs") - du0;
	limited = nt_mib(NULL, "Icmp", "OutRateLimited") - rl0;
	TH_LOG("sent %lld errors, %lld rate-limited in %.1f s", sent, limited,
	       wt_now() - t0);
	EXPECT_EQ(0, wt_sh("wrenctl set icmp_msgs_per_sec 1000"));
	EXPECT_LE(50, sent);
	EXPECT_GE(50 + (wt_now() - t0) * 20 + 2, sent);
	EXPECT_EQ(400, sent + limited);
}

WT_HARNESS_MAIN
