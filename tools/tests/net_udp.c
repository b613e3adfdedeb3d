// SPDX-License-Identifier: GPL-2.0
/*
 * net_udp: UDP between an AF_WREN socket (wren on eth0, 192.0.2.1) and a
 * Linux socket in netns "peer" (peer0, 192.0.2.2): echo both ways, large
 * datagrams through fragmentation and reassembly, and the errors a
 * connected socket reports (ICMP port unreachable, ARP failure).
 */
#include <time.h>

#include "kselftest_harness.h"
#include "net_lib.h"

#define WPORT	7001		/* the wren socket's port */
#define LPORT	7002		/* the Linux socket's port */
#define CLOSED	7099		/* nobody listens there on the peer */
#define NOBODY	"192.0.2.9"	/* on eth0's link, no host has it */

FIXTURE(udp) {
	int w;			/* AF_WREN, bound to 192.0.2.1:WPORT */
	int l;			/* AF_INET in the peer, 192.0.2.2:LPORT */
	uint8_t *tx, *rx;
};

FIXTURE_SETUP(udp)
{
	self->w = self->l = -1;
	self->tx = malloc(65536);
	self->rx = malloc(65536 + 1);
	ASSERT_NE(NULL, self->tx);
	ASSERT_NE(NULL, self->rx);
	ASSERT_EQ(0, nt_pair_up(0));
	self->w = nt_dgram(NULL, AF_WREN, 0, wt_ip(0, WT_GUEST), WPORT);
	ASSERT_LE(0, self->w);
	self->l = nt_dgram(WT_PEER_NS, AF_INET, 0, wt_ip(0, WT_PEER), LPORT);
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
			 self->w, AF_WREN, wt_ip(0, WT_GUEST), WPORT,
			 self->l, AF_INET, wt_ip(0, WT_PEER), LPORT);
}

/* Linux sends, wren echoes. */
static int linux_to_wren(FIXTURE_DATA(udp) *self, size_t len, uint64_t seed)
{
	return echo_once(self, len, seed,
			 self->l, AF_INET, wt_ip(0, WT_PEER), LPORT,
			 self->w, AF_WREN, wt_ip(0, WT_GUEST), WPORT);
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

TEST_HARNESS_MAIN
