// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP closing: resets, SO_LINGER, orphans, and what a namespace or
 * the module leaves behind.
 *
 *   peer.*      the peer's reset; SO_LINGER {1, 0} sends a reset; SO_LINGER
 *               {1, N}: close() waits for the peer's ACK, or returns after N s
 *               leaving an orphan that still delivers; an orphan in FIN_WAIT2
 *               goes after TCP_LINGER2
 *   life.*      deleting a namespace, and unloading wren, while connections
 *               sit in TIME_WAIT
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/syscall.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"

/* Linux aborts (zero linger): wren's read says ECONNRESET, write EPIPE. */
TEST_F(peer, peer_reset)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char c;

	ASSERT_EQ(0, tt_pair(self->port + 3, &self->w, &self->l));
	ASSERT_EQ(0, setsockopt(self->l, SOL_SOCKET, SO_LINGER, &lg,
				sizeof(lg)));
	close(self->l);
	self->l = -1;
	EXPECT_EQ(-1, read(self->w, &c, 1));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_EQ(-1, send(self->w, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
}

/* wren aborts (zero linger): Linux reads ECONNRESET. */
TEST_F(peer, zero_linger_sends_reset)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	long long rsts = ws_snmp("Tcp", "OutRsts");
	char c;

	ASSERT_EQ(0, tt_pair(self->port + 4, &self->w, &self->l));
	ASSERT_EQ(0, setsockopt(self->w, SOL_SOCKET, SO_LINGER, &lg,
				sizeof(lg)));
	close(self->w);
	self->w = -1;
	EXPECT_EQ(-1, read(self->l, &c, 1));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_LT(rsts, ws_snmp("Tcp", "OutRsts"));
}

TEST_F_TIMEOUT(peer, linger_waits_for_ack, 300)
{
	struct linger lg = { 1, 60 };
	struct tt_flow r;
	struct wt_sha256 c;
	static char buf[65536];
	char hex[WT_SHA256_HEX];
	long long off;
	unsigned int txq = 1;
	int lport, st;

	ASSERT_EQ(0, tt_pair(self->port + 4, &self->w, &self->l));
	lport = ws_local_port(self->w);
	ASSERT_EQ(0, tt_flow_start(&r, self->l, false, 0));
	/* 1 MiB queued (much of it unsent), then close(). */
	wt_sha256_init(&c);
	for (off = 0; off < WT_MIB; off += sizeof(buf)) {
		wt_pattern_fill(buf, sizeof(buf), off, WT_PATTERN_SEED);
		wt_sha256_update(&c, buf, sizeof(buf));
		ASSERT_EQ((ssize_t)sizeof(buf),
			  send(self->w, buf, sizeof(buf), 0));
	}
	wt_sha256_final_hex(&c, hex);
	ASSERT_EQ(0, setsockopt(self->w, SOL_SOCKET, SO_LINGER, &lg,
				sizeof(lg)));
	EXPECT_EQ(0, close(self->w));
	self->w = -1;
	/* Everything was acknowledged by the time close() returned. */
	st = tt_proc_find(lport, 0, -1, &txq);
	TH_LOG("after close: state %d tx_queue %u", st, txq);
	EXPECT_TRUE(st == TCP_FIN_WAIT2 || st == TCP_TIME_WAIT || st < 0);
	if (st == TCP_FIN_WAIT2)
		EXPECT_EQ(0U, txq);
	tt_flow_join(&r);
	EXPECT_EQ(WT_MIB, r.bytes);
	EXPECT_STREQ(hex, r.hex);
}

TEST_F_TIMEOUT(peer, linger_times_out_orphan_delivers, 300)
{
	struct linger lg = { 1, 2 };
	static char buf[65536];
	struct wt_sha256 c;
	char hex[WT_SHA256_HEX];
	long long off = 0;
	unsigned int txq = 0;
	double t0, t;
	struct tt_flow r;
	int lport, st, sz = 256 * 1024;
	ssize_t n;

	ASSERT_EQ(0, tt_pair(self->port + 5, &self->w, &self->l));
	/* Small peer buffer, stalled reader: our data cannot all go. */
	setsockopt(self->l, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	lport = ws_local_port(self->w);
	wt_sha256_init(&c);
	for (;;) {
		wt_pattern_fill(buf, sizeof(buf), off, WT_PATTERN_SEED);
		n = send(self->w, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0) {
			ASSERT_EQ(EAGAIN, errno);
			if (ws_wait(self->w, POLLOUT, 1000) & POLLOUT)
				continue;	/* window opened again */
			break;
		}
		wt_sha256_update(&c, buf, n);
		off += n;
	}
	wt_sha256_final_hex(&c, hex);
	TH_LOG("%lld bytes queued before the stall", off);
	ASSERT_EQ(0, setsockopt(self->w, SOL_SOCKET, SO_LINGER, &lg,
				sizeof(lg)));
	t0 = wt_now();
	EXPECT_EQ(0, close(self->w));	/* as Linux: 0 after the linger time */
	t = wt_now() - t0;
	self->w = -1;
	st = tt_proc_find(lport, 0, -1, &txq);
	TH_LOG("close took %.2f s; then state %d tx_queue %u", t, st, txq);
	EXPECT_LE(1.5, t);
	/* Not reset: an orphan in FIN_WAIT1 with the data still to go. */
	EXPECT_EQ(TCP_FIN_WAIT1, st);
	EXPECT_LT(0U, txq);
	/* The orphan delivers everything once the peer reads, then FIN. */
	ASSERT_EQ(0, tt_flow_start(&r, self->l, false, 0));
	tt_flow_join(&r);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(off, r.bytes);
	EXPECT_STREQ(hex, r.hex);
}

TEST_F_TIMEOUT(peer, finwait2_orphan_expires, 200)
{
	int lport, sec = 3, st = -1;
	double t0;
	char c;

	ASSERT_EQ(0, tt_pair(self->port + 9, &self->w, &self->l));
	ASSERT_TRUE(tt_alive(self->w, self->l));
	ASSERT_EQ(0, setsockopt(self->w, IPPROTO_TCP, TCP_LINGER2, &sec,
				sizeof(sec)));
	lport = ws_local_port(self->w);
	t0 = wt_now();
	close(self->w);
	self->w = -1;
	/* The peer's Linux ACKs our FIN and stays in CLOSE_WAIT. */
	EXPECT_EQ(0, read(self->l, &c, 1));
	EXPECT_TRUE(WT_WAIT(10000, (st = tt_proc_find(lport, 0, -1, NULL)) ==
				   TCP_FIN_WAIT2 || st < 0));
	EXPECT_EQ(TCP_FIN_WAIT2, st) TH_LOG("state %d at %.2f s", st,
					    wt_now() - t0);
	/* Gone after TCP_LINGER2 (3 s); generous for a slow guest. */
	EXPECT_TRUE(WT_WAIT(60000, tt_proc_find(lport, 0, -1, NULL) < 0));
	TH_LOG("gone %.2f s after close()", wt_now() - t0);
	EXPECT_LE(2.0, wt_now() - t0);
}

/*
 * n connections from the far end of @v to us; the far side closes first
 * (TIME_WAIT there).
 */
static int churn(const struct ws_veth *v, int port, int n)
{
	struct sockaddr_wren a = nt_swren(NULL, port);
	int one = 1, l, i;

	l = socket(AF_WREN, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 16))
		return -1;
	a = nt_swren(v->ip0, port);
	for (i = 0; i < n; i++) {
		int c = nt_socket(v->ns, AF_WREN, SOCK_STREAM, 0), s;
		char buf[4];

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
			return -1;
		s = accept(l, NULL, NULL);
		if (s < 0 || write(c, "hi", 2) != 2 || read(s, buf, 4) != 2)
			return -1;
		close(c);
		if (read(s, buf, 4) != 0)
			return -1;
		close(s);
	}
	close(l);
	return 0;
}

static int count_tw(const char *ns)
{
	char *t = wt_run_out(ns, NULL, "cat /proc/net/wren/tcp");
	int n = 0;

	for (char *p = t; p && (p = strstr(p, " 06 ")); p++)
		n++;
	free(t);
	return n;
}

/* wren (here) to Linux (peer); wren closes first: TIME_WAIT here. */
static int churn_peer(int port, int n)
{
	struct sockaddr_in la = nt_sin(NULL, port);
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, port);
	int one = 1, l, i;

	l = nt_socket(WT_PEER_NS, AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&la, sizeof(la)) ||
	    listen(l, 16))
		return -1;
	for (i = 0; i < n; i++) {
		int c = socket(AF_WREN, SOCK_STREAM, 0), s;
		char buf[4];

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
			return -1;
		s = accept(l, NULL, NULL);
		if (s < 0)
			return -1;
		close(c);
		if (read(s, buf, 4) != 0)
			return -1;
		close(s);
	}
	close(l);
	return 0;
}

/* Each test ends with the pair's namespace, or wren itself, gone. */
FIXTURE(life) {
	int port;
	struct ws_veth v;
};

FIXTURE_SETUP(life)
{
	signal(SIGPIPE, SIG_IGN);
	self->port = wt_ports(2);
	ASSERT_LT(0, self->port);
}

FIXTURE_TEARDOWN(life)
{
}

TEST_F_TIMEOUT(life, netns_delete_with_time_wait, 60)
{
	ASSERT_EQ(0, ws_veth_up("life", &self->v));
	ASSERT_EQ(0, churn(&self->v, self->port, 10));
	EXPECT_LE(10, count_tw(self->v.ns));
	ASSERT_EQ(0, wt_sh("ip netns del %s", self->v.ns));
	wt_msleep(1000);
	wt_shq("ip link del %s 2>/dev/null", self->v.d0);
}

TEST_F_TIMEOUT(life, unload_with_time_wait, 60)
{
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, 1);
	int fd, rc = -1, i;

	ASSERT_EQ(0, ws_net_up());
	ASSERT_EQ(0, churn_peer(self->port + 1, 5));
	EXPECT_LE(5, count_tw(NULL));

	/* Orphans may still be finishing: retry for a while. */
	for (i = 0; i < 100 && rc; i++) {
		rc = syscall(SYS_delete_module, "wren", O_NONBLOCK) ? errno : 0;
		if (rc)
			wt_msleep(100);
	}
	ASSERT_EQ(0, rc) TH_LOG("delete_module: %s", strerror(rc));

	/* Back as the boot had it. */
	fd = open("/lib/wren/wren.ko", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0));
	close(fd);
	wt_once_forget("ws-net");
	wt_once_forget("tcp-far");
	ASSERT_EQ(0, ws_net_up());
	fd = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(ECONNREFUSED, errno);
	close(fd);
}

WT_HARNESS_MAIN
