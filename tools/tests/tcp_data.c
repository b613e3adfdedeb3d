// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP moving data: bulk transfers, windows, half-close, queues, and
 * how poll and signals report them.
 *
 *   sock.*      64 MiB wren to Linux (TSO on the wire when the NIC offers it),
 *               Linux to wren, and wren to wren over veth both ways, sha256
 *               checked
 *   peer.*      a zero window probed until it opens; half-close from either
 *               side; SIGPIPE and EPIPE after our shutdown and after the
 *               peer's reset; true Send-Q/Recv-Q while a reader stalls;
 *               epoll level triggered
 *   veth.*      MSG_PEEK and MSG_WAITALL, the send buffer's bound, epoll edge
 *               triggered
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"

TEST_F_TIMEOUT(sock, wren_to_linux_64m, 300)
{
	struct wt_xfer x = {
		.recv_ns = WT_PEER_NS, .host = WS_PEER_IP, .port = self->port,
		.bytes = 64 * WT_MIB, .timeout_ms = 240000,
	};
	long long tso = wt_ethtool_stat(NULL, "eth0", "tx_tso_frames");
	bool tso_on = !wt_shq("ethtool -k eth0 | grep -q "
			      "'tcp-segmentation-offload: on'");

	ASSERT_EQ(0, tt_xfer(&x, "--family wren", ""));
	EXPECT_EQ(64 * WT_MIB, x.rcv.bytes);
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	tso = wt_ethtool_stat(NULL, "eth0", "tx_tso_frames") - tso;
	/* With TSO on, wren hands the NIC GSO skbs. */
	if (tso_on)
		EXPECT_LT(0, tso);
	TH_LOG("%.1f MB/s, %lld TSO frames", x.rcv.mbps, tso);
}

TEST_F_TIMEOUT(sock, linux_to_wren_64m, 300)
{
	struct wt_xfer x = {
		.send_ns = WT_PEER_NS, .host = WS_WREN_IP, .port = self->port + 1,
		.bytes = 64 * WT_MIB, .timeout_ms = 240000,
	};

	ASSERT_EQ(0, tt_xfer(&x, "", "--family wren"));
	EXPECT_EQ(64 * WT_MIB, x.rcv.bytes);
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	TH_LOG("%.1f MB/s", x.rcv.mbps);
}

TEST_F_TIMEOUT(sock, wren_to_wren_veth_64m_both_ways, 300)
{
	struct wt_xfer a = {
		.recv_ns = self->v.ns, .host = self->v.ip1, .port = self->port + 2,
		.bytes = 64 * WT_MIB, .timeout_ms = 120000,
	};
	struct wt_xfer b = {
		.send_ns = self->v.ns, .host = self->v.ip0, .port = self->port + 3,
		.bytes = 64 * WT_MIB, .timeout_ms = 120000,
	};

	ASSERT_EQ(0, tt_xfer(&a, "--family wren", "--family wren"));
	EXPECT_STREQ(a.snd.sha256, a.rcv.sha256);
	TH_LOG("out %.1f MB/s", a.rcv.mbps);
	ASSERT_EQ(0, tt_xfer(&b, "--family wren", "--family wren"));
	EXPECT_STREQ(b.snd.sha256, b.rcv.sha256);
	TH_LOG("in %.1f MB/s", b.rcv.mbps);
}

/* The Linux receiver stops reading: wren's sends fill its window, wren
 * probes the zero window, and everything arrives once it reads again.
 */
TEST_F_TIMEOUT(peer, zero_window_persist, 60)
{
	static char buf[65536];
	long long sent = 0, got = 0;
	ssize_t n;

	ASSERT_EQ(0, tt_pair(self->port + 2, &self->w, &self->l));
	ASSERT_EQ(0, fcntl(self->w, F_SETFL, O_NONBLOCK));
	memset(buf, 'z', sizeof(buf));
	for (;;) {
		n = send(self->w, buf, sizeof(buf), 0);
		if (n < 0)
			break;
		sent += n;
	}
	ASSERT_EQ(EAGAIN, errno);
	wt_msleep(3000);	/* a few probes */
	EXPECT_LT(0, ws_snmp("TcpExt", "TCPWinProbe"));
	while (got < sent) {
		n = recv(self->l, buf, sizeof(buf), 0);
		ASSERT_LT(0, n);
		got += n;
	}
	EXPECT_EQ(sent, got);
	TH_LOG("%lld bytes through a closed window", sent);
}

/* An orderly close from Linux: EOF, then our close ends in LAST_ACK and
 * goes away; the half-closed direction still carries data.
 */
TEST_F(peer, half_close)
{
	char buf[8];

	ASSERT_EQ(0, tt_pair(self->port + 5, &self->w, &self->l));
	ASSERT_EQ(0, shutdown(self->l, SHUT_WR));
	ASSERT_EQ(0, read(self->w, buf, sizeof(buf)));
	ASSERT_EQ(4, write(self->w, "late", 4));
	ASSERT_EQ(4, read(self->l, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "late", 4));
}

/* The other half-close: the peer stops sending, we still send to it. */
TEST_F(peer, half_close_peer_side)
{
	char buf[8];

	ASSERT_EQ(0, tt_pair(self->port + 3, &self->w, &self->l));
	ASSERT_EQ(0, shutdown(self->l, SHUT_WR));
	ASSERT_EQ(0, read(self->w, buf, sizeof(buf)));
	ASSERT_EQ(5, write(self->w, "after", 5));
	ASSERT_EQ(5, read(self->l, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "after", 5));
	close(self->w);
	self->w = -1;
	EXPECT_EQ(0, read(self->l, buf, sizeof(buf)));
}

/* After our own shutdown(SHUT_WR): EPIPE, and SIGPIPE without
 * MSG_NOSIGNAL.
 */
TEST_F(peer, sigpipe_after_shutdown)
{
	ASSERT_EQ(0, tt_pair(self->port + 4, &self->w, &self->l));
	ASSERT_EQ(0, shutdown(self->w, SHUT_WR));
	tt_sigpipes = 0;
	EXPECT_EQ(-1, send(self->w, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, tt_sigpipes);
	EXPECT_EQ(-1, write(self->w, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, tt_sigpipes);
}

/* After the peer's reset: as Linux, the first send may report the
 * pending ECONNRESET; from then on EPIPE and SIGPIPE.
 */
TEST_F(peer, sigpipe_after_peer_reset)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int lp;

	ASSERT_EQ(0, tt_pair(self->port + 5, &self->w, &self->l));
	lp = ws_local_port(self->w);
	ASSERT_EQ(0, setsockopt(self->l, SOL_SOCKET, SO_LINGER, &lg,
				sizeof(lg)));
	close(self->l);
	self->l = -1;
	EXPECT_TRUE(WT_WAIT(3000, tt_proc_find(lp, self->port + 5, -1, NULL) < 0));
	tt_sigpipes = 0;
	if (send(self->w, "x", 1, MSG_NOSIGNAL) == -1 && errno == ECONNRESET)
		TH_LOG("first send: ECONNRESET");
	else
		EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, send(self->w, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, tt_sigpipes);
	EXPECT_EQ(-1, write(self->w, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, tt_sigpipes);
}

/* A reader that stops: the writer gets EAGAIN, wrenstat's Send-Q and
 * Recv-Q are the true counts, everything arrives once reading resumes.
 */
TEST_F_TIMEOUT(peer, stalled_reader_queues, 90)
{
	static char buf[65536];
	long long sent = 0, got = 0, segs;
	long rxq = -1, txq = -1;
	int lp, outq = -1, inq = -1, c, s, l;
	struct wren_tcp_info ti;
	socklen_t len;
	ssize_t n;

	ASSERT_EQ(0, tt_pair(self->port + 8, &self->w, &self->l));
	lp = ws_local_port(self->w);
	ASSERT_EQ(0, fcntl(self->w, F_SETFL, O_NONBLOCK));
	memset(buf, 'q', sizeof(buf));
	for (;;) {
		n = send(self->w, buf, sizeof(buf), MSG_NOSIGNAL);
		if (n < 0) {
			ASSERT_EQ(EAGAIN, errno);
			if (!ws_wait(self->w, POLLOUT, 1000))
				break;
			continue;
		}
		sent += n;
		ASSERT_GT(256 * WT_MIB, sent);
	}
	/* The peer's window has no room for a segment (Linux may leave
	 * one unit of its window scale open); wren probes it meanwhile.
	 */
	wt_msleep(500);
	segs = ws_snmp("Tcp", "OutSegs");
	wt_msleep(3000);
	len = sizeof(ti);
	ASSERT_EQ(0, getsockopt(self->w, IPPROTO_TCP, WREN_TCP_INFO, &ti,
				&len));
	EXPECT_GT(ti.snd_mss, ti.snd_wnd);
	EXPECT_LT(segs, ws_snmp("Tcp", "OutSegs"));
	TH_LOG("window %u, %lld segments out while stalled, backoff %u",
	       ti.snd_wnd, ws_snmp("Tcp", "OutSegs") - segs, ti.backoff);
	ASSERT_EQ(0, ioctl(self->w, SIOCOUTQ, &outq));
	EXPECT_TRUE(tt_stat_has(lp, self->port + 8, "ESTABLISHED", NULL, &txq));
	EXPECT_EQ((long)outq, txq);
	EXPECT_LT(0, outq);
	TH_LOG("%lld written, %d queued, wrenstat Send-Q %ld", sent, outq,
	       txq);
	while (got < sent) {
		n = read(self->l, buf, sizeof(buf));
		ASSERT_LT(0, n);
		got += n;
	}
	EXPECT_EQ(sent, got);
	EXPECT_TRUE(WT_WAIT(3000, ioctl(self->w, SIOCOUTQ, &outq) == 0 &&
				  outq == 0));

	/* wren the reader: Recv-Q is what it has not read. */
	l = tt_listener(self->port + 9, 4);
	ASSERT_LE(0, l);
	c = tt_linux_client(self->port + 9);
	ASSERT_LE(0, c);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(20000, write(c, buf, 20000));
	EXPECT_TRUE(WT_WAIT(3000, ioctl(s, SIOCINQ, &inq) == 0 &&
				  inq == 20000));
	EXPECT_TRUE(tt_stat_has(self->port + 9, ws_local_port(c), "ESTABLISHED", &rxq,
			     NULL));
	EXPECT_EQ(20000, rxq);
	close(c);
	close(s);
	close(l);
}

/* Non-blocking accept and recv through level-triggered epoll: the event
 * repeats until the condition is consumed.
 */
TEST_F(peer, epoll_level_triggered)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep, l, c, s;
	char buf[8];

	l = tt_listener(self->port + 12, 4);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, fcntl(l, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, accept(l, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	ep = epoll_create1(0);
	ASSERT_LE(0, ep);
	ev.data.fd = l;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 100));
	c = tt_linux_client(self->port + 12);
	ASSERT_LE(0, c);
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 3000));
	EXPECT_EQ(l, out.data.fd);
	/* Still pending: level triggered reports it again. */
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 0));
	s = accept4(l, NULL, NULL, SOCK_NONBLOCK);
	ASSERT_LE(0, s);
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 100));

	ev.data.fd = s;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, s, &ev));
	EXPECT_EQ(-1, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(EAGAIN, errno);
	ASSERT_EQ(4, write(c, "ping", 4));
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 3000));
	EXPECT_EQ(s, out.data.fd);
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(2, recv(s, buf, 2, 0));
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(2, recv(s, buf, sizeof(buf), 0));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 100));
	EXPECT_EQ(2, send(s, "ok", 2, 0));
	ASSERT_EQ(2, read(c, buf, sizeof(buf)));
	close(ep);
	close(c);
	close(s);
	close(l);
}

TEST_F(veth, peek_and_waitall)
{
	char buf[16];

	ASSERT_EQ(0, tt_veth_pair(&self->v, self->port + 3, &self->a, &self->b));
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
TEST_F(veth, sndbuf_bound)
{
	static char buf[65536];
	int sndbuf = 65536, outq = 0;
	long long queued = 0;
	ssize_t n;

	ASSERT_EQ(0, tt_veth_pair(&self->v, self->port + 4, &self->a, &self->b));
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

/* Edge-triggered epoll: a wakeup for each new piece of data. */
TEST_F(veth, epoll_edge_triggered)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLET }, out;
	int ep = epoll_create1(0), i;

	ASSERT_EQ(0, tt_veth_pair(&self->v, self->port + 5, &self->a, &self->b));
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

WT_HARNESS_MAIN
