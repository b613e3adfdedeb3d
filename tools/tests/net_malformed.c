// SPDX-License-Identifier: GPL-2.0
/*
 * net_malformed: broken frames sent to wren from the Linux side with an
 * AF_PACKET socket.  Each is dropped, counted under its own reason in the
 * "WrenDrop:" lines of /proc/net/wren/snmp, and nothing is delivered; the
 * stack keeps working and the kernel log stays clean.
 *
 * Most frames go from peer0 (netns "peer") over the e1000 link to wren on
 * eth0 (192.0.2.1).  The e1000 pads every frame to 60 bytes, so headers
 * shorter than that are sent over a veth pair instead: wtm1 (in "peer") to
 * wtm0, which wren is attached to as well (192.0.2.33).  Both devices
 * are attached exclusive: what is checked is wren's own validation of
 * every frame, which a shared device would leave to Linux when it cannot
 * tell the frame is wren's.
 */
#include "kselftest_harness.h"
#include "net.h"

#define VETH_W		"wtm0"
#define VETH_L		"wtm1"
#define VETH_ADDR	"192.0.2.33"

#define MAX_REASONS	64

struct drops {
	int n;
	char name[MAX_REASONS][32];
	long long v[MAX_REASONS];
};

/* Every WrenDrop counter of the own namespace; 0 or -1. */
static int read_drops(struct drops *d)
{
	char *text = wt_read_file(NT_SNMP), *p, *q, *save, *tok;
	int i = 0;

	d->n = 0;
	if (!text)
		return -1;
	p = strstr(text, "WrenDrop:");
	q = p ? strstr(p + 1, "WrenDrop:") : NULL;
	if (!q) {
		free(text);
		return -1;
	}
	*strchrnul(p, '\n') = '\0';
	*strchrnul(q, '\n') = '\0';
	for (tok = strtok_r(p + 9, " ", &save); tok && d->n < MAX_REASONS;
	     tok = strtok_r(NULL, " ", &save))
		snprintf(d->name[d->n++], sizeof(d->name[0]), "%s", tok);
	for (tok = strtok_r(q + 9, " ", &save); tok && i < d->n;
	     tok = strtok_r(NULL, " ", &save))
		d->v[i++] = strtoll(tok, NULL, 10);
	free(text);
	return i == d->n ? 0 : -1;
}

/* The bound wren socket's port and the hand-built datagrams' source. */
static int wren_port, src_port;

FIXTURE(bad) {
	struct nt_raw raw;	/* peer0 */
	struct nt_raw vraw;	/* wtm1 */
	uint8_t wmac[6];	/* eth0 */
	uint8_t vmac[6];	/* wtm0 */
	uint32_t saddr, daddr;
	uint8_t f[NT_FRAME_MAX];
	size_t len;
	int w;
};

FIXTURE_SETUP(bad)
{
	wren_port = wt_ports(2);
	ASSERT_LT(0, wren_port);
	src_port = wren_port + 1;
	self->w = -1;
	self->raw.fd = self->vraw.fd = -1;
	nt_runq(NULL, "modprobe veth");
	nt_runq(WT_PEER_NS, "ip link del " VETH_L);
	nt_runq(NULL, "ip link del " VETH_W);
	ASSERT_EQ(0, nt_pair_up_mode(0, true));
	ASSERT_EQ(0, nt_run(NULL, "ip link add " VETH_W " type veth peer name "
			    VETH_L " netns " WT_PEER_NS));
	ASSERT_EQ(0, nt_run(WT_PEER_NS, "ip link set " VETH_L " up"));
	ASSERT_EQ(0, nt_wren_attach_mode(NULL, VETH_W, VETH_ADDR "/28", true));
	ASSERT_EQ(0, nt_ifmac(NULL, wt_ifname(0, WT_GUEST), self->wmac));
	ASSERT_EQ(0, nt_ifmac(NULL, VETH_W, self->vmac));
	ASSERT_EQ(0, nt_raw_open(&self->raw, WT_PEER_NS, wt_ifname(0, WT_PEER),
				 0));
	ASSERT_EQ(0, nt_raw_open(&self->vraw, WT_PEER_NS, VETH_L, 0));
	self->saddr = nt_addr(wt_ip(0, WT_PEER));
	self->daddr = nt_addr(wt_ip(0, WT_GUEST));
	self->w = nt_dgram(NULL, AF_WREN, 0, NULL, wren_port);
	ASSERT_LE(0, self->w);
	/* wren has the peer's MAC, so no ARP runs during the test. */
	ASSERT_EQ(0, nt_runq(WT_PEER_NS, "ping -c 1 -W 2 %s",
			     wt_ip(0, WT_GUEST)));
}

FIXTURE_TEARDOWN(bad)
{
	if (self->w >= 0)
		close(self->w);
	nt_raw_close(&self->raw);
	nt_raw_close(&self->vraw);
	nt_wren_detach(NULL, VETH_W);
	nt_runq(NULL, "ip link del " VETH_W);
	nt_pair_down(0);
}

/*
 * A well-formed UDP datagram peer -> wren:wren_port with @dlen bytes of data in
 * self->f (Ethernet frame for eth0).  Returns its IP header.
 */
static struct iphdr *udp_frame(FIXTURE_DATA(bad) *self, size_t dlen)
{
	uint8_t *ip = self->f + NT_ETH_HLEN, data[256];

	memset(self->f, 0, sizeof(self->f));
	wt_pattern_fill(data, dlen, 0, dlen);
	nt_eth(self->f, self->wmac, self->raw.mac, ETH_P_IP);
	nt_udp(ip + NT_IP_HLEN, self->saddr, self->daddr, src_port, wren_port, data,
	       dlen);
	self->len = NT_ETH_HLEN + NT_IP_HLEN + NT_UDP_HLEN + dlen;
	return nt_ip(ip, NT_IP_HLEN + NT_UDP_HLEN + dlen, 0x4242, 0, 64,
		     IPPROTO_UDP, self->saddr, self->daddr);
}

static struct udphdr *udp_of(struct iphdr *ip)
{
	return (struct udphdr *)((uint8_t *)ip + NT_IP_HLEN);
}

/* Nothing is waiting on the wren socket. */
static bool nothing_delivered(FIXTURE_DATA(bad) *self)
{
	char buf[256];

	return recv(self->w, buf, sizeof(buf), MSG_DONTWAIT) < 0 &&
	       (errno == EAGAIN || errno == EWOULDBLOCK);
}

/*
 * Send self->f (over peer0, or the veth with @veth) and check that
 * exactly @reason went up by one.  Other reasons that moved are logged.
 */
static int expect_drop(struct __test_metadata *_metadata,
		       FIXTURE_DATA(bad) *self, bool veth, const char *reason)
{
	struct drops before, after;
	long long b, a;
	int i;

	if (read_drops(&before)) {
		TH_LOG("cannot read the WrenDrop lines of %s", NT_SNMP);
		return -1;
	}
	b = nt_drop(NULL, reason);
	if (b < 0) {
		TH_LOG("no drop reason %s in %s", reason, NT_SNMP);
		return -1;
	}
	if (nt_raw_send(veth ? &self->vraw : &self->raw, self->f, self->len))
		return -1;
	a = NT_WAIT_ABOVE(3000, b, nt_drop(NULL, reason));
	wt_msleep(100);		/* let anything else it caused show */
	if (!read_drops(&after))
		for (i = 0; i < before.n && i < after.n; i++)
			if (after.v[i] != before.v[i])
				TH_LOG("%s: %lld -> %lld", after.name[i],
				       before.v[i], after.v[i]);
	if (a != b + 1) {
		TH_LOG("%s: %lld -> %lld, want +1", reason, b, a);
		return -1;
	}
	return 0;
}

#define DROPPED(veth, reason) expect_drop(_metadata, self, veth, reason)

/* The control: the frame as built, unbroken, is delivered. */
TEST_F(bad, control_valid_udp)
{
	char buf[64];

	udp_frame(self, 10);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, self->len));
	nt_rcvtimeo(self->w, 3000);
	ASSERT_EQ(10, recv(self->w, buf, sizeof(buf), 0));
}

/* The control over the veth. */
TEST_F(bad, control_valid_udp_veth)
{
	struct iphdr *ip;
	char buf[64];

	ip = udp_frame(self, 10);
	memcpy(self->f, self->vmac, 6);
	memcpy(self->f + 6, self->vraw.mac, 6);
	ip->daddr = nt_addr(VETH_ADDR);
	nt_ip_recsum(ip);
	udp_of(ip)->check = 0;		/* no checksum: daddr changed */
	ASSERT_EQ(0, nt_raw_send(&self->vraw, self->f, self->len));
	nt_rcvtimeo(self->w, 3000);
	ASSERT_EQ(10, recv(self->w, buf, sizeof(buf), 0));
}

/*
 * Bytes after the IP datagram (the frame is longer than its total length)
 * are not part of it: the datagram is delivered, 10 bytes, checksum good.
 */
TEST_F(bad, trailing_bytes_ignored)
{
	char buf[64];

	udp_frame(self, 10);
	memset(self->f + self->len, 0xa5, 40);
	self->len += 40;
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, self->len));
	nt_rcvtimeo(self->w, 3000);
	ASSERT_EQ(10, recv(self->w, buf, sizeof(buf), 0));
}

/* The same for the two fragments of a datagram, each with a tail. */
TEST_F(bad, fragments_trailing_bytes_ignored)
{
	uint8_t *ip = self->f + NT_ETH_HLEN, pl[64], data[40], buf[64];
	size_t len;

	wt_pattern_fill(data, sizeof(data), 0, 77);
	len = nt_udp(pl, self->saddr, self->daddr, src_port, wren_port, data,
		     sizeof(data));
	memset(self->f, 0xa5, sizeof(self->f));
	nt_eth(self->f, self->wmac, self->raw.mac, ETH_P_IP);
	nt_ip(ip, NT_IP_HLEN + 24, 0x4245, IP_MF, 64, IPPROTO_UDP,
	      self->saddr, self->daddr);
	memcpy(ip + NT_IP_HLEN, pl, 24);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f,
				 NT_ETH_HLEN + NT_IP_HLEN + 24 + 30));
	nt_ip(ip, NT_IP_HLEN + len - 24, 0x4245, 3, 64, IPPROTO_UDP,
	      self->saddr, self->daddr);
	memcpy(ip + NT_IP_HLEN, pl + 24, len - 24);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f,
				 NT_ETH_HLEN + NT_IP_HLEN + len - 24 + 30));
	nt_rcvtimeo(self->w, 3000);
	ASSERT_EQ(40, recv(self->w, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, data, 40));
}

/* Well-formed options (NOPs and an end of list) are stepped over. */
TEST_F(bad, valid_options_delivered)
{
	uint8_t *ip = self->f + NT_ETH_HLEN, data[10], buf[64];
	struct iphdr *h;

	memset(self->f, 0, sizeof(self->f));
	wt_pattern_fill(data, sizeof(data), 0, 3);
	nt_eth(self->f, self->wmac, self->raw.mac, ETH_P_IP);
	nt_udp(ip + 24, self->saddr, self->daddr, src_port, wren_port, data,
	       sizeof(data));
	h = nt_ip(ip, 24 + NT_UDP_HLEN + sizeof(data), 0x4246, 0, 64,
		  IPPROTO_UDP, self->saddr, self->daddr);
	h->ihl = 6;
	ip[20] = 1;			/* NOP */
	ip[21] = 1;
	ip[22] = 1;
	ip[23] = 0;			/* end of options */
	h->check = 0;
	h->check = nt_csum(ip, 24);
	self->len = NT_ETH_HLEN + 24 + NT_UDP_HLEN + sizeof(data);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, self->len));
	nt_rcvtimeo(self->w, 3000);
	ASSERT_EQ(10, recv(self->w, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, data, 10));
}

/* A frame of just an Ethernet header saying IPv4. */
TEST_F(bad, ip_header_missing)
{
	memset(self->f, 0, sizeof(self->f));
	nt_eth(self->f, self->vmac, self->vraw.mac, ETH_P_IP);
	self->len = NT_ETH_HLEN;
	EXPECT_EQ(0, DROPPED(true, "IpTruncated"));
}

/* 12 of the 20 bytes of an IP header. */
TEST_F(bad, ip_header_truncated)
{
	udp_frame(self, 10);
	memcpy(self->f, self->vmac, 6);
	memcpy(self->f + 6, self->vraw.mac, 6);
	self->len = NT_ETH_HLEN + 12;
	EXPECT_EQ(0, DROPPED(true, "IpTruncated"));
}

/* 20 of the 28 bytes of an ARP request. */
TEST_F(bad, arp_truncated)
{
	uint8_t *a = self->f + NT_ETH_HLEN;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memset(self->f, 0, sizeof(self->f));
	nt_eth(self->f, bcast, self->vraw.mac, ETH_P_ARP);
	a[1] = 1;			/* Ethernet */
	a[2] = 0x08;			/* IPv4 */
	a[4] = 6;
	a[5] = 4;
	a[7] = 1;			/* request */
	memcpy(a + 8, self->vraw.mac, 6);
	memcpy(a + 14, &self->saddr, 4);
	self->len = NT_ETH_HLEN + 20;
	EXPECT_EQ(0, DROPPED(true, "ArpTruncated"));
}

/* An ARP request whose hardware address length is not 6. */
TEST_F(bad, arp_bad_hlen)
{
	uint8_t *a = self->f + NT_ETH_HLEN;
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memset(self->f, 0, sizeof(self->f));
	nt_eth(self->f, bcast, self->raw.mac, ETH_P_ARP);
	a[1] = 1;
	a[2] = 0x08;
	a[4] = 8;			/* not 6 */
	a[5] = 4;
	a[7] = 1;
	memcpy(a + 8, self->raw.mac, 6);
	memcpy(a + 16, &self->saddr, 4);
	memcpy(a + 30, &self->daddr, 4);
	self->len = NT_ETH_HLEN + 34;
	EXPECT_EQ(0, DROPPED(false, "ArpBadFormat"));
}

/* A well-formed ARP request for an address wren does not have. */
TEST_F(bad, arp_request_not_for_us)
{
	uint8_t *a = self->f + NT_ETH_HLEN;
	uint32_t other = nt_addr("192.0.2.7");
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memset(self->f, 0, sizeof(self->f));
	nt_eth(self->f, bcast, self->raw.mac, ETH_P_ARP);
	a[1] = 1;
	a[2] = 0x08;
	a[4] = 6;
	a[5] = 4;
	a[7] = 1;
	memcpy(a + 8, self->raw.mac, 6);
	memcpy(a + 14, &self->saddr, 4);
	memcpy(a + 24, &other, 4);
	self->len = NT_ETH_HLEN + 28;
	EXPECT_EQ(0, DROPPED(false, "ArpNotForUs"));
}

/* An IP header saying version 6 in an IPv4 frame. */
TEST_F(bad, ip_bad_version)
{
	struct iphdr *ip = udp_frame(self, 10);

	ip->version = 6;
	nt_ip_recsum(ip);
	EXPECT_EQ(0, DROPPED(false, "IpBadVersion"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* IHL 4: a header shorter than the minimum. */
TEST_F(bad, ip_ihl_below_5)
{
	struct iphdr *ip = udp_frame(self, 10);

	ip->ihl = 4;
	nt_ip_recsum(ip);
	EXPECT_EQ(0, DROPPED(false, "IpBadIhl"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* Total length 1000 in a 60-byte frame. */
TEST_F(bad, ip_total_length_beyond_frame)
{
	struct iphdr *ip = udp_frame(self, 10);

	ip->tot_len = htons(1000);
	nt_ip_recsum(ip);
	EXPECT_EQ(0, DROPPED(false, "IpBadLength"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* Total length 16, shorter than the header itself. */
TEST_F(bad, ip_total_length_below_header)
{
	struct iphdr *ip = udp_frame(self, 10);

	ip->tot_len = htons(16);
	nt_ip_recsum(ip);
	EXPECT_EQ(0, DROPPED(false, "IpBadLength"));
	EXPECT_TRUE(nothing_delivered(self));
}

TEST_F(bad, ip_bad_checksum)
{
	struct iphdr *ip = udp_frame(self, 10);

	ip->check ^= htons(0x0101);
	EXPECT_EQ(0, DROPPED(false, "IpBadCsum"));
	EXPECT_TRUE(nothing_delivered(self));
}

TEST_F(bad, ip_ttl_zero)
{
	struct iphdr *ip = udp_frame(self, 10);

	ip->ttl = 0;
	nt_ip_recsum(ip);
	EXPECT_EQ(0, DROPPED(false, "IpTtlZero"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* An option whose length byte (1) is less than its own header (2). */
TEST_F(bad, ip_bad_option_length)
{
	uint8_t *ip = self->f + NT_ETH_HLEN, data[10];
	struct iphdr *h;

	memset(self->f, 0, sizeof(self->f));
	wt_pattern_fill(data, sizeof(data), 0, 1);
	nt_eth(self->f, self->wmac, self->raw.mac, ETH_P_IP);
	nt_udp(ip + 24, self->saddr, self->daddr, src_port, wren_port, data,
	       sizeof(data));
	h = nt_ip(ip, 24 + NT_UDP_HLEN + sizeof(data), 0x4243, 0, 64,
		  IPPROTO_UDP, self->saddr, self->daddr);
	h->ihl = 6;
	ip[20] = 0x44;			/* timestamp */
	ip[21] = 1;			/* length less than 2 */
	h->check = 0;
	h->check = nt_csum(ip, 24);
	self->len = NT_ETH_HLEN + 24 + NT_UDP_HLEN + sizeof(data);
	EXPECT_EQ(0, DROPPED(false, "IpBadOptions"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* For an address wren does not have: wren is no router. */
TEST_F(bad, ip_not_for_us)
{
	struct iphdr *ip = udp_frame(self, 10);

	ip->daddr = nt_addr("192.0.2.7");
	nt_ip_recsum(ip);
	udp_of(ip)->check = 0;
	EXPECT_EQ(0, DROPPED(false, "IpNotForUs"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* From a multicast source address. */
TEST_F(bad, ip_multicast_source)
{
	struct iphdr *ip = udp_frame(self, 10);

	ip->saddr = nt_addr("224.1.2.3");
	nt_ip_recsum(ip);
	udp_of(ip)->check = 0;
	EXPECT_EQ(0, DROPPED(false, "IpBadSrc"));
	EXPECT_TRUE(nothing_delivered(self));
}

TEST_F(bad, ip_unknown_protocol)
{
	struct iphdr *ip = udp_frame(self, 10);

	ip->protocol = 253;		/* for experiments (RFC 3692) */
	nt_ip_recsum(ip);
	EXPECT_EQ(0, DROPPED(false, "IpUnknownProto"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* Total length 24: 4 bytes of an 8-byte UDP header. */
TEST_F(bad, udp_header_truncated)
{
	struct iphdr *ip = udp_frame(self, 10);

	ip->tot_len = htons(NT_IP_HLEN + 4);
	nt_ip_recsum(ip);
	EXPECT_EQ(0, DROPPED(false, "UdpTruncated"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* The UDP length says more than the IP datagram holds. */
TEST_F(bad, udp_length_beyond_datagram)
{
	struct iphdr *ip = udp_frame(self, 10);

	udp_of(ip)->len = htons(100);
	udp_of(ip)->check = 0;
	EXPECT_EQ(0, DROPPED(false, "UdpBadLen"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* The UDP length is less than its own header. */
TEST_F(bad, udp_length_below_header)
{
	struct iphdr *ip = udp_frame(self, 10);

	udp_of(ip)->len = htons(4);
	udp_of(ip)->check = 0;
	EXPECT_EQ(0, DROPPED(false, "UdpBadLen"));
	EXPECT_TRUE(nothing_delivered(self));
}

TEST_F(bad, udp_bad_checksum)
{
	struct iphdr *ip = udp_frame(self, 10);
	long long ce0 = nt_mib(NULL, "Udp", "InCsumErrors");
	uint16_t c = udp_of(ip)->check ^ htons(0x5555);

	udp_of(ip)->check = c ? c : htons(0x1234);
	EXPECT_EQ(0, DROPPED(false, "UdpBadCsum"));
	EXPECT_EQ(ce0 + 1, nt_mib(NULL, "Udp", "InCsumErrors"));
	EXPECT_TRUE(nothing_delivered(self));
}

/* An echo request with a wrong ICMP checksum gets no reply. */
TEST_F(bad, icmp_bad_checksum)
{
	uint8_t *ip = self->f + NT_ETH_HLEN, *ic = ip + NT_IP_HLEN;
	long long rep0 = nt_mib(NULL, "Icmp", "OutEchoReps");
	uint16_t c;

	memset(self->f, 0, sizeof(self->f));
	nt_eth(self->f, self->wmac, self->raw.mac, ETH_P_IP);
	ic[0] = ICMP_ECHO;
	ic[5] = 1;			/* id 1 */
	ic[7] = 1;			/* seq 1 */
	memcpy(ic + 8, "wren-bad", 8);
	c = nt_csum(ic, 16) ^ htons(0x0f0f);
	memcpy(ic + 2, &c, 2);
	nt_ip(ip, NT_IP_HLEN + 16, 0x4244, 0, 64, IPPROTO_ICMP, self->saddr,
	      self->daddr);
	self->len = NT_ETH_HLEN + NT_IP_HLEN + 16;
	EXPECT_EQ(0, DROPPED(false, "IcmpBadCsum"));
	EXPECT_EQ(rep0, nt_mib(NULL, "Icmp", "OutEchoReps"));
}

/* 4 bytes of an 8-byte ICMP header. */
TEST_F(bad, icmp_header_truncated)
{
	uint8_t *ip = self->f + NT_ETH_HLEN;

	memset(self->f, 0, sizeof(self->f));
	nt_eth(self->f, self->wmac, self->raw.mac, ETH_P_IP);
	ip[NT_IP_HLEN] = ICMP_ECHO;
	nt_ip(ip, NT_IP_HLEN + 4, 0x4247, 0, 64, IPPROTO_ICMP, self->saddr,
	      self->daddr);
	self->len = NT_ETH_HLEN + NT_IP_HLEN + 4;
	EXPECT_EQ(0, DROPPED(false, "IcmpTruncated"));
}

/*
 * An ICMP port unreachable from the peer about a datagram of the wren
 * socket @c (connected to the peer, port 7555), quoting @qlen bytes of
 * the original datagram, whose IP header claims @ihl.
 */
static void icmp_error_frame(FIXTURE_DATA(bad) *self, uint16_t cport,
			     int ihl, size_t qlen)
{
	uint8_t *ip = self->f + NT_ETH_HLEN, *ic = ip + NT_IP_HLEN;
	uint8_t *q = ic + 8;
	struct iphdr *orig;
	uint16_t c;

	memset(self->f, 0, sizeof(self->f));
	nt_eth(self->f, self->wmac, self->raw.mac, ETH_P_IP);
	/* The original: wren:cport -> peer:7555, UDP, 8 bytes of data. */
	orig = nt_ip(q, NT_IP_HLEN + NT_UDP_HLEN + 8, 0x1111, 0, 64,
		     IPPROTO_UDP, self->daddr, self->saddr);
	orig->ihl = ihl;
	nt_ip_recsum(orig);
	q[20] = cport >> 8;
	q[21] = cport & 0xff;
	q[22] = 7555 >> 8;
	q[23] = 7555 & 0xff;
	q[25] = 16;
	ic[0] = ICMP_DEST_UNREACH;
	ic[1] = ICMP_PORT_UNREACH;
	c = nt_csum(ic, 8 + qlen);
	memcpy(ic + 2, &c, 2);
	nt_ip(ip, NT_IP_HLEN + 8 + qlen, 0x4248, 0, 64, IPPROTO_ICMP,
	      self->saddr, self->daddr);
	self->len = NT_ETH_HLEN + NT_IP_HLEN + 8 + qlen;
}

/* A connected wren socket to peer:7555; its port into *@port. */
static int connected(FIXTURE_DATA(bad) *self, uint16_t *port)
{
	struct sockaddr_wren sw = nt_swren(wt_ip(0, WT_PEER), 7555);
	socklen_t sl = sizeof(sw);
	int c = nt_dgram(NULL, AF_WREN, 0, NULL, 0);

	if (c < 0 || connect(c, (struct sockaddr *)&sw, sizeof(sw)) ||
	    getsockname(c, (struct sockaddr *)&sw, &sl)) {
		if (c >= 0)
			close(c);
		return -1;
	}
	*port = ntohs(sw.swren_port);
	return c;
}

/* The control: a full quote reaches the socket as ECONNREFUSED. */
TEST_F(bad, control_icmp_error_reaches_socket)
{
	uint16_t port;
	int c = connected(self, &port);
	char b;

	ASSERT_LE(0, c);
	icmp_error_frame(self, port, 5, NT_IP_HLEN + 8);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, self->len));
	wt_msleep(300);
	EXPECT_EQ(-1, recv(c, &b, 1, MSG_DONTWAIT));
	EXPECT_EQ(ECONNREFUSED, errno);
	close(c);
}

/*
 * Quotes too short for what they claim: the IP header alone, or an IHL of
 * 15 with 28 bytes quoted.  Counted as a drop; the socket hears nothing.
 */
TEST_F(bad, icmp_error_short_quote)
{
	struct drops d0, d1;
	long long sum = 0;
	uint16_t port;
	int c = connected(self, &port), i;
	char b;

	ASSERT_LE(0, c);
	ASSERT_EQ(0, read_drops(&d0));
	icmp_error_frame(self, port, 5, NT_IP_HLEN + 4);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, self->len));
	icmp_error_frame(self, port, 15, NT_IP_HLEN + 8);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, self->len));
	icmp_error_frame(self, port, 3, NT_IP_HLEN + 8);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, self->len));
	wt_msleep(500);
	ASSERT_EQ(0, read_drops(&d1));
	for (i = 0; i < d0.n && i < d1.n; i++) {
		if (d1.v[i] != d0.v[i])
			TH_LOG("%s: %lld -> %lld", d1.name[i], d0.v[i],
			       d1.v[i]);
		sum += d1.v[i] - d0.v[i];
	}
	EXPECT_EQ(3, sum);
	EXPECT_EQ(-1, recv(c, &b, 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	close(c);
}

/*
 * A fragment: IP header then @plen bytes at offset @off (bytes) of a
 * datagram (id 0x5150 + @id), MF as @more.
 */
static void frag_frame(FIXTURE_DATA(bad) *self, uint16_t id, size_t off,
		       size_t plen, bool more)
{
	uint8_t *ip = self->f + NT_ETH_HLEN;

	memset(self->f, 0, sizeof(self->f));
	nt_eth(self->f, self->wmac, self->raw.mac, ETH_P_IP);
	wt_pattern_fill(ip + NT_IP_HLEN, plen, 0, id);
	nt_ip(ip, NT_IP_HLEN + plen, 0x5150 + id, (more ? IP_MF : 0) | off / 8,
	      64, IPPROTO_UDP, self->saddr, self->daddr);
	self->len = NT_ETH_HLEN + NT_IP_HLEN + plen;
}

/* Offset 65512 + 32 bytes: ends beyond the 65535 an IPv4 datagram has. */
TEST_F(bad, frag_beyond_64k)
{
	frag_frame(self, 1, 8189 * 8, 32, true);
	EXPECT_EQ(0, DROPPED(false, "FragTooBig"));
}

/* The last fragment, at the largest offset, one byte too long. */
TEST_F(bad, frag_last_beyond_64k)
{
	frag_frame(self, 2, 8188 * 8, 65535 - 20 - 8188 * 8 + 1, false);
	EXPECT_EQ(0, DROPPED(false, "FragTooBig"));
}

/* A middle fragment with no data. */
TEST_F(bad, frag_zero_length)
{
	frag_frame(self, 3, 64, 0, true);
	EXPECT_EQ(0, DROPPED(false, "FragZeroLen"));
}

/* A first fragment with no data. */
TEST_F(bad, frag_zero_length_first)
{
	frag_frame(self, 4, 0, 0, true);
	EXPECT_EQ(0, DROPPED(false, "FragZeroLen"));
}

/* A fragment with more to come must carry a multiple of 8 bytes. */
TEST_F(bad, frag_length_not_multiple_of_8)
{
	frag_frame(self, 5, 0, 20, true);
	EXPECT_EQ(0, DROPPED(false, "FragBadLen"));
}

/* After all of that, wren still answers and the kernel log is clean. */
TEST_F(bad, still_alive)
{
	char buf[64];

	EXPECT_EQ(0, nt_runq(WT_PEER_NS, "ping -c 2 -i 0.2 -W 2 %s",
			     wt_ip(0, WT_GUEST)));
	udp_frame(self, 12);
	ASSERT_EQ(0, nt_raw_send(&self->raw, self->f, self->len));
	nt_rcvtimeo(self->w, 3000);
	EXPECT_EQ(12, recv(self->w, buf, sizeof(buf), 0));
	EXPECT_EQ(0, wt_dmesg_count(WT_DMESG_BUG));
}

WT_HARNESS_MAIN
