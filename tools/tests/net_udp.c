// SPDX-License-Identifier: GPL-2.0
/*
 * net_udp: UDP between an AF_WREN socket (wren on eth0, 192.0.2.1) and a
 * Linux socket in netns "peer" (peer0, 192.0.2.2): echo both ways, large
 * datagrams through fragmentation and reassembly, and the errors a
 * connected socket reports (ICMP port unreachable, ARP failure).
 */
#include <time.h>

#include "kselftest_harness.h"
#include "net.h"

#define CLOSED	7099		/* nobody listens there on the peer */
#define NOBODY	"192.0.2.9"	/* on eth0's link, no host has it */

/* The wren socket's port and the Linux socket's, drawn by each test. */
static int wren_port, linux_port;

FIXTURE(udp) {
	int w;			/* AF_WREN, bound to 192.0.2.1:wren_port */
	int l;			/* AF_INET in the peer, 192.0.2.2:linux_port */
	uint8_t peermac[6];	/* peer0's, put back after each test */
	uint8_t *tx, *rx;
};

FIXTURE_SETUP(udp)
{
	wren_port = wt_ports(2);
	ASSERT_LT(0, wren_port);
	linux_port = wren_port + 1;
	self->w = self->l = -1;
	self->tx = malloc(65536);
	self->rx = malloc(65536 + 1);
	ASSERT_NE(NULL, self->tx);
	ASSERT_NE(NULL, self->rx);
	ASSERT_EQ(0, nt_pair_up(0));
	ASSERT_EQ(0, nt_ifmac(WT_PEER_NS, wt_ifname(0, WT_PEER),
			      self->peermac));
	self->w = nt_dgram(NULL, AF_WREN, 0, wt_ip(0, WT_GUEST), wren_port);
	ASSERT_LE(0, self->w);
	self->l = nt_dgram(WT_PEER_NS, AF_INET, 0, wt_ip(0, WT_PEER), linux_port);
	ASSERT_LE(0, self->l);
}

FIXTURE_TEARDOWN(udp)
{
	if (self->w >= 0)
		close(self->w);
	if (self->l >= 0)
		close(self->l);
	free(self->tx);
	free(self->rx);
	if (self->peermac[0] || self->peermac[1] || self->peermac[2])
		nt_runq(WT_PEER_NS, "ip link set %s address "
			"%02x:%02x:%02x:%02x:%02x:%02x", wt_ifname(0, WT_PEER),
			self->peermac[0], self->peermac[1], self->peermac[2],
			self->peermac[3], self->peermac[4], self->peermac[5]);
	nt_runq(WT_PEER_NS, "tc qdisc del dev %s root", wt_ifname(0, WT_PEER));
	nt_runq(NULL, "tc qdisc del dev %s root", wt_ifname(0, WT_GUEST));
	nt_pair_down(0);
}

/*
 * One datagram of @len bytes (pattern @seed) from socket @a (family @fa) to
 * @bhost:@bport; socket @b receives it and checks sender and content, then
 * echoes it back; @a receives the echo and checks it again.  0 or -1.
 */
static int echo_once(FIXTURE_DATA(udp) *self, size_t len, uint64_t seed,
		     int a, int fa, const char *ahost, uint16_t aport,
		     int b, int fb, const char *bhost, uint16_t bport)
{
	char from[16];
	uint16_t port;
	ssize_t n;

	wt_pattern_fill(self->tx, len, 0, seed);
	n = nt_sendto(a, fa, self->tx, len, bhost, bport);
	if (n != (ssize_t)len) {
		nt_diag("send %zu bytes: %zd (%s)\n", len, n, strerror(errno));
		return -1;
	}
	memset(self->rx, 0, len + 1);
	n = nt_recvfrom(b, self->rx, len + 1, 0, from, &port);
	if (n != (ssize_t)len || strcmp(from, ahost) || port != aport ||
	    memcmp(self->rx, self->tx, len)) {
		nt_diag("there: %zd bytes (%s) from %s:%u, want %zu from %s:%u%s\n",
			n, n < 0 ? strerror(errno) : "-", n < 0 ? "-" : from,
			n < 0 ? 0 : port, len, ahost, aport,
			n == (ssize_t)len ? ", content differs" : "");
		nt_dump_state(NULL);
		return -1;
	}
	n = nt_sendto(b, fb, self->rx, len, ahost, aport);
	if (n != (ssize_t)len) {
		nt_diag("echo %zu bytes: %zd (%s)\n", len, n, strerror(errno));
		return -1;
	}
	memset(self->rx, 0, len + 1);
	n = nt_recvfrom(a, self->rx, len + 1, 0, from, &port);
	if (n != (ssize_t)len || strcmp(from, bhost) || port != bport ||
	    memcmp(self->rx, self->tx, len)) {
		nt_diag("back: %zd bytes (%s) from %s:%u, want %zu from %s:%u%s\n",
			n, n < 0 ? strerror(errno) : "-", n < 0 ? "-" : from,
			n < 0 ? 0 : port, len, bhost, bport,
			n == (ssize_t)len ? ", content differs" : "");
		nt_dump_state(NULL);
		return -1;
	}
	return 0;
}

/* wren sends, Linux echoes. */
static int wren_to_linux(FIXTURE_DATA(udp) *self, size_t len, uint64_t seed)
{
	return echo_once(self, len, seed,
			 self->w, AF_WREN, wt_ip(0, WT_GUEST), wren_port,
			 self->l, AF_INET, wt_ip(0, WT_PEER), linux_port);
}

/* Linux sends, wren echoes. */
static int linux_to_wren(FIXTURE_DATA(udp) *self, size_t len, uint64_t seed)
{
	return echo_once(self, len, seed,
			 self->l, AF_INET, wt_ip(0, WT_PEER), linux_port,
			 self->w, AF_WREN, wt_ip(0, WT_GUEST), wren_port);
}

TEST_F(udp, echo_wren_to_linux)
{
	long long out0 = nt_mib(NULL, "Udp", "OutDatagrams");
	long long in0 = nt_mib(NULL, "Udp", "InDatagrams");
	int i;

	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, wren_to_linux(self, 1 + 97 * i, i));
	EXPECT_LE(out0 + 5, nt_mib(NULL, "Udp", "OutDatagrams"));
	EXPECT_LE(in0 + 5, nt_mib(NULL, "Udp", "InDatagrams"));
}

TEST_F(udp, echo_linux_to_wren)
{
	int i;

	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, linux_to_wren(self, 1 + 97 * i, 100 + i));
}

/* An empty datagram is a datagram too. */
TEST_F(udp, echo_empty)
{
	ASSERT_EQ(0, wren_to_linux(self, 0, 1));
	ASSERT_EQ(0, linux_to_wren(self, 0, 2));
}

/* The largest datagram that is not fragmented (MTU 1500), and one more. */
TEST_F(udp, echo_mtu_edge)
{
	long long frag0 = nt_mib(NULL, "Ip", "FragOKs");

	ASSERT_EQ(0, wren_to_linux(self, 1472, 3));
	EXPECT_EQ(frag0, nt_mib(NULL, "Ip", "FragOKs"));
	ASSERT_EQ(0, wren_to_linux(self, 1473, 4));
	EXPECT_EQ(frag0 + 1, nt_mib(NULL, "Ip", "FragOKs"));
	ASSERT_EQ(0, linux_to_wren(self, 1473, 5));
}

/*
 * 8000 bytes: six fragments each way.  wren fragments what it sends
 * (FragOKs/FragCreates) and reassembles the echo (ReasmOKs).
 */
TEST_F(udp, big_8000_wren_to_linux)
{
	long long fok0 = nt_mib(NULL, "Ip", "FragOKs");
	long long fcr0 = nt_mib(NULL, "Ip", "FragCreates");
	long long rok0 = nt_mib(NULL, "Ip", "ReasmOKs");

	ASSERT_EQ(0, wren_to_linux(self, 8000, 8));
	EXPECT_EQ(fok0 + 1, nt_mib(NULL, "Ip", "FragOKs"));
	EXPECT_EQ(fcr0 + 6, nt_mib(NULL, "Ip", "FragCreates"));
	EXPECT_EQ(rok0 + 1, nt_mib(NULL, "Ip", "ReasmOKs"));
}

TEST_F(udp, big_8000_linux_to_wren)
{
	long long rok0 = nt_mib(NULL, "Ip", "ReasmOKs");

	ASSERT_EQ(0, linux_to_wren(self, 8000, 9));
	EXPECT_EQ(rok0 + 1, nt_mib(NULL, "Ip", "ReasmOKs"));
}

/* The largest UDP datagram IPv4 carries: 45 fragments. */
TEST_F(udp, big_65507_wren_to_linux)
{
	long long fcr0 = nt_mib(NULL, "Ip", "FragCreates");
	long long rok0 = nt_mib(NULL, "Ip", "ReasmOKs");

	ASSERT_EQ(0, wren_to_linux(self, 65507, 10));
	EXPECT_EQ(fcr0 + 45, nt_mib(NULL, "Ip", "FragCreates"));
	EXPECT_EQ(rok0 + 1, nt_mib(NULL, "Ip", "ReasmOKs"));
}

TEST_F(udp, big_65507_linux_to_wren)
{
	long long rok0 = nt_mib(NULL, "Ip", "ReasmOKs");

	ASSERT_EQ(0, linux_to_wren(self, 65507, 11));
	EXPECT_EQ(rok0 + 1, nt_mib(NULL, "Ip", "ReasmOKs"));
	/* And again, to see nothing was left over from the first. */
	ASSERT_EQ(0, linux_to_wren(self, 65507, 12));
}

/*
 * Wait up to @ms for the pending error of @fd to show on a non-blocking
 * recv; its errno (EAGAIN if nothing came).
 */
static int recv_error(int fd, int ms)
{
	double end = wt_now() + ms / 1000.0;
	char c;

	for (;;) {
		if (recv(fd, &c, 1, MSG_DONTWAIT) >= 0)
			return 0;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return errno;
		if (wt_now() >= end)
			return EAGAIN;
		wt_msleep(20);
	}
}

/*
 * Linux answers a datagram to a closed port with ICMP port unreachable:
 * the connected wren socket's next recv fails with ECONNREFUSED, and the
 * one after works again.
 */
TEST_F(udp, port_unreachable_econnrefused)
{
	struct sockaddr_wren dst = nt_swren(wt_ip(0, WT_PEER), CLOSED);
	long long du0 = nt_mib(NULL, "Icmp", "InDestUnreachs");
	int c = nt_dgram(NULL, AF_WREN, 0, NULL, 0), err;

	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&dst, sizeof(dst)));
	ASSERT_EQ(3, send(c, "abc", 3, 0));
	err = recv_error(c, 5000);
	EXPECT_EQ(ECONNREFUSED, err) {
		TH_LOG("recv gave %s", strerror(err));
	}
	EXPECT_LE(du0 + 1, nt_mib(NULL, "Icmp", "InDestUnreachs"));
	/* The error is reported once. */
	EXPECT_EQ(EAGAIN, recv_error(c, 0));
	/* A second refusal shows on send or recv, whichever comes next. */
	wt_msleep(1100);	/* Linux rate-limits its ICMP errors */
	ASSERT_EQ(3, send(c, "def", 3, 0));
	err = recv_error(c, 5000);
	if (err == EAGAIN && send(c, "ghi", 3, 0) < 0)
		err = errno;
	EXPECT_EQ(ECONNREFUSED, err);
	close(c);
}

/* An unconnected socket is not told about the refusal. */
TEST_F(udp, port_unreachable_unconnected)
{
	long long du0 = nt_mib(NULL, "Icmp", "InDestUnreachs");

	ASSERT_EQ(3, nt_sendto(self->w, AF_WREN, "abc", 3, wt_ip(0, WT_PEER),
			       CLOSED));
	ASSERT_LE(du0 + 1, NT_WAIT_ABOVE(5000, du0,
					 nt_mib(NULL, "Icmp", "InDestUnreachs")));
	EXPECT_EQ(EAGAIN, recv_error(self->w, 200));
	/* And it still works. */
	ASSERT_EQ(0, wren_to_linux(self, 10, 13));
}

/*
 * Nobody answers ARP for an on-link address: after wren's retries (about
 * 3 s) the connected socket's next call fails with EHOSTUNREACH, the
 * queued datagram is counted under ArpFailed and the entry reads "failed".
 */
TEST_F(udp, arp_failure_ehostunreach)
{
	struct sockaddr_wren dst = nt_swren(NOBODY, 9);
	long long af0 = nt_drop(NULL, "ArpFailed");
	int c = nt_dgram(NULL, AF_WREN, 0, NULL, 0), err;
	double t0, dt;
	char *arp;

	ASSERT_LE(0, af0);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&dst, sizeof(dst)));
	t0 = wt_now();
	ASSERT_EQ(3, send(c, "abc", 3, 0));
	err = recv_error(c, 10000);
	dt = wt_now() - t0;
	if (err == EAGAIN && send(c, "def", 3, 0) < 0)
		err = errno;
	close(c);
	TH_LOG("error after %.1f s", dt);
	EXPECT_EQ(EHOSTUNREACH, err) {
		TH_LOG("got %s", strerror(err));
	}
	EXPECT_LE(1.5, dt);
	EXPECT_LE(af0 + 1, nt_drop(NULL, "ArpFailed"));
	arp = wt_out("grep '^" NOBODY " ' /proc/net/wren/arp");
	ASSERT_NE(NULL, arp);
	EXPECT_NE(NULL, strstr(arp, "failed")) {
		TH_LOG("arp line: '%s'", arp);
	}
	free(arp);
	/* Other destinations are not affected. */
	ASSERT_EQ(0, wren_to_linux(self, 10, 14));
}

/*
 * A datagram whose checksum computes to 0 goes out as 0xffff (RFC 768:
 * 0 means "no checksum").  The data is chosen to make that happen and
 * the frame captured on the peer.
 */
TEST_F(udp, checksum_zero_sent_as_ffff)
{
	uint32_t sa = nt_addr(wt_ip(0, WT_GUEST)), da = nt_addr(wt_ip(0, WT_PEER));
	uint8_t dgram[NT_UDP_HLEN + 10], f[NT_FRAME_MAX];
	const struct udphdr *uh;
	const struct iphdr *ip;
	struct nt_raw cap;
	uint32_t sum = 0;
	uint16_t x;
	ssize_t n;
	int found = 0;

	memset(dgram, 0, sizeof(dgram));
	memcpy(dgram + NT_UDP_HLEN, "wren-ff", 8);
	((struct udphdr *)dgram)->source = htons(wren_port);
	((struct udphdr *)dgram)->dest = htons(linux_port);
	((struct udphdr *)dgram)->len = htons(sizeof(dgram));
	/* One's complement sum of everything but the last two data bytes. */
	sum = nt_sum(&sa, 4, sum);
	sum = nt_sum(&da, 4, sum);
	sum += IPPROTO_UDP + sizeof(dgram);
	sum = nt_sum(dgram, sizeof(dgram), sum);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	x = (uint16_t)(0xffff - sum);	/* the total then sums to 0xffff */
	dgram[NT_UDP_HLEN + 8] = x >> 8;
	dgram[NT_UDP_HLEN + 9] = x & 0xff;

	ASSERT_EQ(0, nt_raw_open(&cap, WT_PEER_NS, wt_ifname(0, WT_PEER),
				 ETH_P_IP));
	ASSERT_EQ(10, nt_sendto(self->w, AF_WREN, dgram + NT_UDP_HLEN, 10,
				wt_ip(0, WT_PEER), linux_port));
	while (!found && (n = nt_raw_recv(&cap, f, sizeof(f), 3000)) > 0) {
		ip = (const struct iphdr *)(f + NT_ETH_HLEN);
		uh = (const struct udphdr *)((const uint8_t *)ip + ip->ihl * 4);
		if (n < NT_ETH_HLEN + NT_IP_HLEN + (ssize_t)sizeof(dgram) ||
		    ip->protocol != IPPROTO_UDP || uh->source != htons(wren_port))
			continue;
		found = 1;
		EXPECT_EQ(0xffff, ntohs(uh->check));
	}
	nt_raw_close(&cap);
	ASSERT_EQ(1, found);
	/* Linux accepted it as well. */
	ASSERT_EQ(10, recv(self->l, self->rx, 100, 0));
	EXPECT_EQ(0, memcmp(self->rx, dgram + NT_UDP_HLEN, 10));
}

/*
 * wren answers a datagram to a closed port with ICMP port unreachable
 * that Linux understands: its connected socket gets ECONNREFUSED.
 */
TEST_F(udp, linux_gets_econnrefused_from_wren)
{
	struct sockaddr_in dst = nt_sin(wt_ip(0, WT_GUEST), CLOSED);
	long long np0 = nt_drop(NULL, "UdpNoPort");
	long long du0 = nt_mib(NULL, "Icmp", "OutDestUnreachs");
	int c = nt_dgram(WT_PEER_NS, AF_INET, 0, NULL, 0), err;

	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&dst, sizeof(dst)));
	ASSERT_EQ(3, send(c, "abc", 3, 0));
	err = recv_error(c, 5000);
	close(c);
	EXPECT_EQ(ECONNREFUSED, err) {
		TH_LOG("Linux's recv gave %s", strerror(err));
	}
	EXPECT_EQ(np0 + 1, nt_drop(NULL, "UdpNoPort"));
	EXPECT_EQ(du0 + 1, nt_mib(NULL, "Icmp", "OutDestUnreachs"));
}

/*
 * Datagrams sent while ARP resolves the next hop wait for the answer and
 * all go out, in order.
 */
TEST_F(udp, arp_queue_delivers_all)
{
	char buf[16];
	int i;

	ASSERT_EQ(0, nt_run(NULL, "wrenctl arp flush dev %s",
			    wt_ifname(0, WT_GUEST)));
	ASSERT_EQ(0, nt_run(WT_PEER_NS, "ip neigh flush dev %s",
			    wt_ifname(0, WT_PEER)));
	for (i = 0; i < 3; i++) {
		buf[0] = '0' + i;
		ASSERT_EQ(1, nt_sendto(self->w, AF_WREN, buf, 1,
				       wt_ip(0, WT_PEER), linux_port));
	}
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, recv(self->l, buf, sizeof(buf), 0));
		EXPECT_EQ('0' + i, buf[0]);
	}
	EXPECT_EQ(0, nt_run(NULL, "grep -q '^%s .*reachable' "
			    "/proc/net/wren/arp", wt_ip(0, WT_PEER)));
}

/*
 * A permanent entry: datagrams to an address no host has go to the MAC
 * the administrator gave, with no ARP request.
 */
TEST_F(udp, static_arp_entry)
{
	struct nt_raw cap;
	uint8_t f[NT_FRAME_MAX];
	uint32_t want = nt_addr(NOBODY);
	int data = 0, arp = 0;
	ssize_t n;
	char mac[24];

	ASSERT_EQ(0, nt_raw_open(&cap, WT_PEER_NS, wt_ifname(0, WT_PEER),
				 ETH_P_ALL));
	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
		 cap.mac[0], cap.mac[1], cap.mac[2], cap.mac[3], cap.mac[4],
		 cap.mac[5]);
	ASSERT_EQ(0, nt_run(NULL, "wrenctl arp add " NOBODY " lladdr %s dev %s",
			    mac, wt_ifname(0, WT_GUEST)));
	EXPECT_EQ(0, nt_run(NULL, "grep -q '^" NOBODY " .*permanent' "
			    "/proc/net/wren/arp"));
	ASSERT_EQ(4, nt_sendto(self->w, AF_WREN, "perm", 4, NOBODY, 9));
	while (!data && (n = nt_raw_recv(&cap, f, sizeof(f), 3000)) > 0) {
		if (f[12] == 0x08 && f[13] == 0x06)
			arp++;
		else if (f[12] == 0x08 && f[13] == 0x00 &&
			 !memcmp(f + NT_ETH_HLEN + 16, &want, 4))
			data = !memcmp(f, cap.mac, 6);
	}
	nt_raw_close(&cap);
	EXPECT_EQ(1, data);
	EXPECT_EQ(0, arp);
	nt_runq(NULL, "wrenctl arp del " NOBODY);
}

/*
 * The peer changes its MAC and announces it with a gratuitous ARP: wren
 * updates the entry it has and sends to the new address.
 */
TEST_F(udp, gratuitous_arp_updates_entry)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t newmac[6] = { 0x52, 0x54, 0x00, 0x34, 0x0a, 0x0b };
	uint8_t f[64], *a = f + NT_ETH_HLEN;
	uint32_t ip = nt_addr(wt_ip(0, WT_PEER));
	struct nt_raw raw;

	/* wren has a reachable entry for the peer. */
	ASSERT_EQ(0, wren_to_linux(self, 10, 16));
	ASSERT_EQ(0, nt_run(WT_PEER_NS, "ip link set %s address "
			    "52:54:00:34:0a:0b", wt_ifname(0, WT_PEER)));
	ASSERT_EQ(0, nt_raw_open(&raw, WT_PEER_NS, wt_ifname(0, WT_PEER), 0));
	memset(f, 0, sizeof(f));
	nt_eth(f, bcast, newmac, ETH_P_ARP);
	a[1] = 1;
	a[2] = 0x08;
	a[4] = 6;
	a[5] = 4;
	a[7] = 1;			/* request, sender = target = peer */
	memcpy(a + 8, newmac, 6);
	memcpy(a + 14, &ip, 4);
	memcpy(a + 24, &ip, 4);
	EXPECT_EQ(0, nt_raw_send(&raw, f, 60));
	nt_raw_close(&raw);
	wt_msleep(200);
	/* Only the new address receives now: the echo works again. */
	EXPECT_EQ(0, wren_to_linux(self, 10, 17));
	EXPECT_EQ(0, nt_run(NULL, "grep -q '^%s .*52:54:00:34:0a:0b' "
			    "/proc/net/wren/arp", wt_ip(0, WT_PEER)));
}

/*
 * @n datagrams of 8000 bytes from @a to @host:@port, received on @b in
 * whatever order: each arrives once, intact.  0 or -1.
 */
static int burst_8000(FIXTURE_DATA(udp) *self, int a, int fa, int b,
		      const char *host, uint16_t port, int n)
{
	bool seen[16] = { false };
	int i, j, got = 0;
	ssize_t r;

	for (i = 0; i < n; i++) {
		wt_pattern_fill(self->tx, 8000, 0, 200 + i);
		if (nt_sendto(a, fa, self->tx, 8000, host, port) != 8000) {
			nt_diag("send %d: %s\n", i, strerror(errno));
			return -1;
		}
	}
	while (got < n && (r = recv(b, self->rx, 8001, 0)) >= 0) {
		for (j = 0; j < n; j++) {
			wt_pattern_fill(self->tx, 8000, 0, 200 + j);
			if (r == 8000 && !memcmp(self->rx, self->tx, 8000))
				break;
		}
		if (j == n || seen[j]) {
			nt_diag("datagram of %zd bytes: %s\n", r,
				j == n ? "matches none sent" : "twice");
			return -1;
		}
		seen[j] = true;
		got++;
	}
	if (got < n) {
		nt_diag("%d of %d datagrams arrived\n", got, n);
		nt_dump_state(NULL);
		return -1;
	}
	/* No late duplicates either. */
	nt_rcvtimeo(b, 1000);
	r = recv(b, self->rx, 8001, 0);
	nt_rcvtimeo(b, 5000);
	return r < 0 ? 0 : -1;
}

/*
 * Fragments reordered and duplicated on the way (netem on the peer's
 * side): wren reassembles every datagram once, intact.
 */
TEST_F(udp, reassembly_reordered_duplicated)
{
	nt_runq(NULL, "modprobe sch_netem");
	/* Neighbours resolved first: ARP queues only so much (64). */
	ASSERT_EQ(0, wren_to_linux(self, 10, 18));
	ASSERT_EQ(0, nt_run(WT_PEER_NS, "tc qdisc add dev %s root netem "
			    "delay 2ms 2ms reorder 30%% duplicate 10%%",
			    wt_ifname(0, WT_PEER)));
	EXPECT_EQ(0, burst_8000(self, self->l, AF_INET, self->w,
				wt_ip(0, WT_GUEST), wren_port, 12));
}

/* The same with netem on eth0, under wren's own fragments. */
TEST_F(udp, fragments_reordered_duplicated_to_linux)
{
	nt_runq(NULL, "modprobe sch_netem");
	/* Neighbours resolved first: ARP queues only so much (64). */
	ASSERT_EQ(0, wren_to_linux(self, 10, 18));
	ASSERT_EQ(0, nt_run(NULL, "tc qdisc add dev %s root netem "
			    "delay 2ms 2ms reorder 30%% duplicate 10%%",
			    wt_ifname(0, WT_GUEST)));
	EXPECT_EQ(0, burst_8000(self, self->w, AF_WREN, self->l,
				wt_ip(0, WT_PEER), linux_port, 12));
}

/*
 * A burst of datagrams to a closed port: every one is counted, but wren's
 * ICMP errors are rate-limited (OutRateLimited), as wren.h promises.
 */
TEST_F(udp, port_unreachable_rate_limited)
{
	long long np0 = nt_drop(NULL, "UdpNoPort");
	long long du0 = nt_mib(NULL, "Icmp", "OutDestUnreachs");
	long long rl0 = nt_mib(NULL, "Icmp", "OutRateLimited");
	long long np, du, rl;
	int i;

	for (i = 0; i < 300; i++)
		nt_sendto(self->l, AF_INET, "x", 1, wt_ip(0, WT_GUEST),
			  CLOSED);
	wt_msleep(1000);
	np = nt_drop(NULL, "UdpNoPort") - np0;
	du = nt_mib(NULL, "Icmp", "OutDestUnreachs") - du0;
	rl = nt_mib(NULL, "Icmp", "OutRateLimited") - rl0;
	TH_LOG("UdpNoPort +%lld, OutDestUnreachs +%lld, OutRateLimited +%lld",
	       np, du, rl);
	EXPECT_LE(100, np);
	EXPECT_LT(du, np);
	EXPECT_LT(0, rl);
}

WT_HARNESS_MAIN
