// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: SYN cookies when the SYN queue is full, simultaneous open and
 * close between two wren stacks, MSG_PEEK and MSG_WAITALL, the send
 * buffer bound, edge-triggered epoll, and SIOCOUTQ.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "tcp.h"

#define NS2	"m2"
#define IP1	"203.0.113.49"
#define IP2	"203.0.113.50"
#define PORT	6300

static int veth_up(void)
{
	wt_shq("modprobe sch_netem");
	return ws_veth_pair(NS2, "mv0", "mv1", IP1, IP2, true);
}

/* A connected wren pair over veth: *c in NS2, *s here. */
static int wren_pair(int port, int *c, int *s)
{
	struct sockaddr_wren a = nt_swren(IP1, port);
	int l = tt_listener(port, 4);

	if (l < 0)
		return -1;
	*c = nt_socket(NS2, AF_WREN, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (struct sockaddr *)&a, sizeof(a))) {
		close(l);
		return -1;
	}
	*s = accept(l, NULL, NULL);
	close(l);
	return *s < 0 ? -1 : 0;
}

FIXTURE(more) {
	int a, b;
};

FIXTURE_SETUP(more)
{
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, ws_net_up());
	ASSERT_EQ(0, veth_up());
	self->a = -1;
	self->b = -1;
}

FIXTURE_TEARDOWN(more)
{
	wt_peerq("tc qdisc del dev peer0 root 2>/dev/null");
	wt_shq("tc qdisc del dev mv0 root 2>/dev/null");
	wt_run(NS2, "tc qdisc del dev mv1 root 2>/dev/null");
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
}

/*
 * Backlog 2 and three SYNs arriving together (the peer's packets delayed
 * 200 ms, so none completes before the third): two children, then a
 * cookie.  All three connections work.
 */
TEST_F_TIMEOUT(more, syn_cookies, 60)
{
	struct sockaddr_in a = nt_sin(WS_WREN_IP, PORT);
	long long sent = ws_snmp("TcpExt", "SyncookiesSent");
	long long recv = ws_snmp("TcpExt", "SyncookiesRecv");
	struct wren_tcp_info ti;
	int c[3], i, cookies = 0;

	self->a = tt_listener(PORT, 2);
	ASSERT_LE(0, self->a);
	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem delay 200ms"));
	for (i = 0; i < 3; i++) {
		c[i] = nt_socket(WT_PEER_NS, AF_INET, SOCK_STREAM, 0);
		ASSERT_LE(0, c[i]);
		fcntl(c[i], F_SETFL, O_NONBLOCK);
		connect(c[i], (struct sockaddr *)&a, sizeof(a));
	}
	for (i = 0; i < 3; i++) {
		socklen_t len = sizeof(ti);
		char buf[4];
		int s = accept(self->a, NULL, NULL);

		ASSERT_LE(0, s) TH_LOG("accept %d: %s", i, strerror(errno));
		ASSERT_EQ(0, getsockopt(s, IPPROTO_TCP, WREN_TCP_INFO, &ti,
					&len));
		if (ti.options & WREN_TCPI_OPT_SYN_COOKIE)
			cookies++;
		ASSERT_EQ(2, write(s, "ok", 2));
		close(s);
		(void)buf;
	}
	for (i = 0; i < 3; i++) {
		struct pollfd p = { .fd = c[i], .events = POLLIN };
		char buf[4];

		ASSERT_EQ(1, poll(&p, 1, 5000));
		EXPECT_EQ(2, read(c[i], buf, sizeof(buf)));
		close(c[i]);
	}
	EXPECT_LE(1, cookies);
	EXPECT_LE(sent + cookies, ws_snmp("TcpExt", "SyncookiesSent"));
	EXPECT_EQ(recv + cookies, ws_snmp("TcpExt", "SyncookiesRecv"));
	TH_LOG("%d of 3 through a SYN cookie", cookies);
}

/*
 * Both ends connect to each other at once (SYNs crossing on a link with
 * 100 ms delay): SYN_SENT -> SYN_RECV -> ESTABLISHED on both sides; then
 * both close at once: FIN_WAIT1 -> CLOSING -> TIME_WAIT.
 */
TEST_F_TIMEOUT(more, simultaneous_open_and_close, 60)
{
	struct sockaddr_wren la = nt_swren(IP1, PORT + 1);
	struct sockaddr_wren lb = nt_swren(IP2, PORT + 2);
	struct pollfd p[2];
	char buf[8];

	ASSERT_EQ(0, wt_sh("tc qdisc add dev mv0 root netem delay 100ms"));
	ASSERT_EQ(0, wt_run(NS2, "tc qdisc add dev mv1 root netem delay 100ms"));
	self->a = socket(AF_WREN, SOCK_STREAM, 0);
	self->b = nt_socket(NS2, AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, self->a);
	ASSERT_LE(0, self->b);
	ASSERT_EQ(0, bind(self->a, (struct sockaddr *)&la, sizeof(la)));
	ASSERT_EQ(0, bind(self->b, (struct sockaddr *)&lb, sizeof(lb)));
	fcntl(self->a, F_SETFL, O_NONBLOCK);
	fcntl(self->b, F_SETFL, O_NONBLOCK);
	EXPECT_EQ(-1, connect(self->a, (struct sockaddr *)&lb, sizeof(lb)));
	EXPECT_EQ(-1, connect(self->b, (struct sockaddr *)&la, sizeof(la)));
	p[0] = (struct pollfd){ .fd = self->a, .events = POLLOUT };
	p[1] = (struct pollfd){ .fd = self->b, .events = POLLOUT };
	ASSERT_TRUE(WT_WAIT(5000, poll(p, 2, 100) == 2 &&
			    (p[0].revents & POLLOUT) && (p[1].revents & POLLOUT)));
	EXPECT_FALSE(p[0].revents & POLLERR);
	EXPECT_FALSE(p[1].revents & POLLERR);
	ASSERT_EQ(2, write(self->a, "ab", 2));
	ASSERT_TRUE(WT_WAIT(2000, read(self->b, buf, sizeof(buf)) == 2));

	ASSERT_EQ(0, shutdown(self->a, SHUT_WR));
	ASSERT_EQ(0, shutdown(self->b, SHUT_WR));
	fcntl(self->a, F_SETFL, 0);
	fcntl(self->b, F_SETFL, 0);
	EXPECT_EQ(0, read(self->a, buf, sizeof(buf)));
	EXPECT_EQ(0, read(self->b, buf, sizeof(buf)));
	/* Both sides end in TIME_WAIT (06) for that pair of ports. */
	EXPECT_TRUE(WT_WAIT(3000, ({
		char *t = wt_read_file("/proc/net/wren/tcp");
		char pat[64];
		bool ok;

		snprintf(pat, sizeof(pat), ":%04X 06 ", PORT + 2);
		ok = t && strstr(t, pat);
		free(t);
		ok; })));
}

TEST_F(more, peek_and_waitall)
{
	char buf[16];

	ASSERT_EQ(0, wren_pair(PORT + 3, &self->a, &self->b));
	ASSERT_EQ(3, write(self->a, "abc", 3));
	ASSERT_EQ(3, recv(self->b, buf, sizeof(buf), MSG_PEEK));
	ASSERT_EQ(0, memcmp(buf, "abc", 3));
	ASSERT_EQ(2, recv(self->b, buf, 2, 0));
	ASSERT_EQ(0, memcmp(buf, "ab", 2));
	/* WAITALL: the rest of "c" plus "defg" written in pieces. */
	ASSERT_EQ(2, write(self->a, "de", 2));
	ASSERT_NE(NULL, wt_bg_start(NULL, "sleep 0.3"));
	ASSERT_EQ(1, write(self->a, "f", 1));
	ASSERT_EQ(1, write(self->a, "g", 1));
	ASSERT_EQ(5, recv(self->b, buf, 5, MSG_WAITALL));
	ASSERT_EQ(0, memcmp(buf, "cdefg", 5));
	EXPECT_EQ(-1, recv(self->b, buf, 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
}

/* The send buffer bounds what a writer may queue. */
TEST_F(more, sndbuf_bound)
{
	static char buf[65536];
	int sndbuf = 65536, outq = 0;
	long long queued = 0;
	ssize_t n;

	ASSERT_EQ(0, wren_pair(PORT + 4, &self->a, &self->b));
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				sizeof(sndbuf)));
	fcntl(self->a, F_SETFL, O_NONBLOCK);
	/* The receiver does not read: its window closes, our buffer fills. */
	while ((n = send(self->a, buf, sizeof(buf), 0)) > 0)
		queued += n;
	ASSERT_EQ(EAGAIN, errno);
	wt_msleep(300);
	while ((n = send(self->a, buf, sizeof(buf), 0)) > 0)
		queued += n;
	ASSERT_EQ(0, ioctl(self->a, SIOCOUTQ, &outq));
	EXPECT_GE(2 * sndbuf, outq);
	TH_LOG("queued %lld, SIOCOUTQ %d", queued, outq);
}

/* To one of our own addresses: through IP's loopback queue. */
TEST_F(more, own_address)
{
	struct sockaddr_wren a = nt_swren(WS_WREN_IP, PORT + 6);
	int l = tt_listener(PORT + 6, 4);
	static char buf[1 << 20];
	long long got = 0;
	ssize_t n;

	ASSERT_LE(0, l);
	self->a = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(self->a, (struct sockaddr *)&a, sizeof(a)))
		TH_LOG("connect: %s", strerror(errno));
	self->b = accept(l, NULL, NULL);
	ASSERT_LE(0, self->b);
	close(l);
	memset(buf, 7, sizeof(buf));
	ASSERT_EQ((ssize_t)sizeof(buf), write(self->a, buf, sizeof(buf)));
	ASSERT_EQ(0, shutdown(self->a, SHUT_WR));
	while ((n = read(self->b, buf, sizeof(buf))) > 0)
		got += n;
	EXPECT_EQ((long long)sizeof(buf), got);
}

/* Unreachable destinations: no route, and a host that never answers ARP. */
TEST_F_TIMEOUT(more, unreachable, 60)
{
	struct sockaddr_wren nr = nt_swren(WS_NOROUTE_IP, 80);
	struct sockaddr_wren dead = nt_swren(WS_DEAD_IP, 80);
	int fd = socket(AF_WREN, SOCK_STREAM, 0);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&nr, sizeof(nr)));
	EXPECT_EQ(ENETUNREACH, errno);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&dead, sizeof(dead)));
	EXPECT_TRUE(errno == EHOSTUNREACH || errno == ETIMEDOUT)
		TH_LOG("errno %d (%s)", errno, strerror(errno));
	close(fd);
}

/* Edge-triggered epoll: a wakeup for each new piece of data. */
TEST_F(more, epoll_edge_triggered)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out;
	int ep = epoll_create1(0), i;

	ASSERT_EQ(0, wren_pair(PORT + 5, &self->a, &self->b));
	ev.data.fd = self->b;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->b, &ev));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(1, write(self->a, "x", 1));
		ASSERT_EQ(1, epoll_wait(ep, &out, 1, 2000)) TH_LOG("round %d", i);
		EXPECT_TRUE(!!(out.events & EPOLLIN));
	}
	ASSERT_EQ(0, shutdown(self->a, SHUT_WR));
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 2000));
	close(ep);
}

TEST_HARNESS_MAIN
