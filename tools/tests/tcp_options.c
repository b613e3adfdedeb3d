// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP's socket options and what they put on the wire, and TCP_INFO.
 *
 *   sock.*      TCP_CONGESTION, TCP_NODELAY and WREN_TCP_INFO on a connection
 *   peer.*      socket option round trips (and the errnos of bad values);
 *               TCP_CORK holding a short segment until uncorked, TCP_NODELAY
 *               set, or the persist timer's ceiling; TCP_NOTSENT_LOWAT
 *               bounding what a writer queues; TCP_DEFER_ACCEPT;
 *               urgent data (MSG_OOB, SIOCATMARK, SIGURG, SO_OOBINLINE)
 *               both ways; WREN_TCP_INFO moving during a transfer; TCP_MAXSEG before
 *               connect, as the Linux peer sees it; Linux's TCP_INFO on an
 *               AF_WREN socket during a transfer
 *   wire.*      wren's SYN-ACK answers MSS, window scale, SACK-permitted and
 *               timestamps; wren's SYN offers them, and a peer that offers
 *               none gets segments without them and an unscaled window
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"
#include "wire.h"

TEST_F(sock, options_and_info)
{
	struct sockaddr_wren a = nt_swren(self->v.ip0, self->port + 8);
	struct wren_tcp_info ti;
	socklen_t len = sizeof(ti);
	char cc[16] = "";
	int l, c, s, v = 1;

	len = sizeof(cc);
	ASSERT_EQ(0, getsockopt(self->fd, IPPROTO_TCP, TCP_CONGESTION, cc,
				&len));
	EXPECT_STREQ("cubic", cc);
	EXPECT_EQ(0, setsockopt(self->fd, IPPROTO_TCP, TCP_CONGESTION, "reno",
				4));
	EXPECT_EQ(-1, setsockopt(self->fd, IPPROTO_TCP, TCP_CONGESTION,
				 "nosuch", 6));
	EXPECT_EQ(0, setsockopt(self->fd, IPPROTO_TCP, TCP_NODELAY, &v,
				sizeof(v)));

	l = tt_listener(self->port + 8, 8);
	ASSERT_LE(0, l);
	c = nt_socket(self->v.ns, AF_WREN, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&a, sizeof(a)));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	len = sizeof(ti);
	ASSERT_EQ(0, getsockopt(c, IPPROTO_TCP, WREN_TCP_INFO, &ti, &len));
	EXPECT_EQ(1U, ti.state);
	EXPECT_TRUE(ti.options & WREN_TCPI_OPT_SACK);
	EXPECT_TRUE(ti.options & WREN_TCPI_OPT_TIMESTAMPS);
	EXPECT_TRUE(ti.options & WREN_TCPI_OPT_WSCALE);
	EXPECT_EQ(1448U, ti.snd_mss);
	EXPECT_LE(200000U, ti.rto);
	TH_LOG("rtt %u us rto %u us cwnd %u cc %s", ti.rtt, ti.rto,
	       ti.snd_cwnd, ti.cong);
	/* SIOCOUTQ/SIOCINQ: three bytes sent, three unread. */
	ASSERT_EQ(3, write(c, "abc", 3));
	wt_msleep(200);
	v = -1;
	ASSERT_EQ(0, ioctl(s, SIOCINQ, &v));
	EXPECT_EQ(3, v);
	close(c);
	close(s);
	close(l);
}

static int getint(int fd, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof(v);

	if (getsockopt(fd, level, name, &v, &len))
		return -errno;
	return v;
}

static int setint(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

TEST_F(peer, option_round_trips)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 7 }, lg2;
	struct timeval tv = { .tv_sec = 2, .tv_usec = 500000 }, tv2;
	int fd = socket(AF_WREN, SOCK_STREAM, 0);
	char cc[16];
	socklen_t len;

	ASSERT_LE(0, fd);
	EXPECT_EQ(0, getint(fd, SOL_SOCKET, SO_REUSEADDR));
	EXPECT_EQ(0, setint(fd, SOL_SOCKET, SO_REUSEADDR, 1));
	EXPECT_EQ(1, getint(fd, SOL_SOCKET, SO_REUSEADDR));
	EXPECT_EQ(0, getint(fd, SOL_SOCKET, SO_KEEPALIVE));
	EXPECT_EQ(0, setint(fd, SOL_SOCKET, SO_KEEPALIVE, 1));
	EXPECT_EQ(1, getint(fd, SOL_SOCKET, SO_KEEPALIVE));

	len = sizeof(lg2);
	EXPECT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)));
	EXPECT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg2, &len));
	EXPECT_EQ(1, lg2.l_onoff);
	EXPECT_EQ(7, lg2.l_linger);

	/* As Linux: the buffer sizes read back doubled. */
	EXPECT_EQ(0, setint(fd, SOL_SOCKET, SO_RCVBUF, 65536));
	EXPECT_EQ(131072, getint(fd, SOL_SOCKET, SO_RCVBUF));
	EXPECT_EQ(0, setint(fd, SOL_SOCKET, SO_SNDBUF, 65536));
	EXPECT_EQ(131072, getint(fd, SOL_SOCKET, SO_SNDBUF));

	len = sizeof(tv2);
	EXPECT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)));
	EXPECT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv2, &len));
	EXPECT_EQ(2, tv2.tv_sec);
	EXPECT_EQ(500000, tv2.tv_usec);
	len = sizeof(tv2);
	EXPECT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	EXPECT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv2, &len));
	EXPECT_EQ(2, tv2.tv_sec);
	EXPECT_EQ(500000, tv2.tv_usec);
	EXPECT_EQ(0, getint(fd, SOL_SOCKET, SO_ERROR));

	EXPECT_EQ(0, getint(fd, IPPROTO_TCP, TCP_NODELAY));
	EXPECT_EQ(0, setint(fd, IPPROTO_TCP, TCP_NODELAY, 1));
	EXPECT_EQ(1, getint(fd, IPPROTO_TCP, TCP_NODELAY));
	EXPECT_EQ(0, setint(fd, IPPROTO_TCP, TCP_MAXSEG, 1000));
	EXPECT_EQ(1000, getint(fd, IPPROTO_TCP, TCP_MAXSEG));
	EXPECT_EQ(0, setint(fd, IPPROTO_TCP, TCP_KEEPIDLE, 77));
	EXPECT_EQ(77, getint(fd, IPPROTO_TCP, TCP_KEEPIDLE));
	EXPECT_EQ(0, setint(fd, IPPROTO_TCP, TCP_KEEPINTVL, 11));
	EXPECT_EQ(11, getint(fd, IPPROTO_TCP, TCP_KEEPINTVL));
	EXPECT_EQ(0, setint(fd, IPPROTO_TCP, TCP_KEEPCNT, 5));
	EXPECT_EQ(5, getint(fd, IPPROTO_TCP, TCP_KEEPCNT));
	EXPECT_EQ(0, setint(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, 4321));
	EXPECT_EQ(4321, getint(fd, IPPROTO_TCP, TCP_USER_TIMEOUT));
	/* Out of range, as Linux. */
	EXPECT_EQ(-1, setint(fd, IPPROTO_TCP, TCP_KEEPIDLE, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setint(fd, IPPROTO_TCP, TCP_KEEPCNT, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setint(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, -1));
	EXPECT_EQ(EINVAL, errno);

	EXPECT_EQ(0, setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4));
	len = sizeof(cc);
	memset(cc, 0, sizeof(cc));
	EXPECT_EQ(0, getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &len));
	EXPECT_STREQ("reno", cc);
	EXPECT_EQ(0, setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "cubic", 5));
	len = sizeof(cc);
	memset(cc, 0, sizeof(cc));
	EXPECT_EQ(0, getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, cc, &len));
	EXPECT_STREQ("cubic", cc);
	close(fd);
}

/* Bytes readable on @fd within @ms (0 when none came), read and dropped. */
static long long drain_within(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	static char buf[65536];
	long long got = 0;
	ssize_t n;

	while (poll(&p, 1, ms) == 1) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			break;
		got += n;
		ms = 50;
	}
	return got;
}

/*
 * TCP_CORK (nginx's tcp_nopush): full segments go, a short one waits for
 * the uncork or for the persist timer's ceiling (one RTO, 200 ms at
 * least, as Linux's), and an accepted socket inherits the listener's.
 */
TEST_F_TIMEOUT(peer, cork_holds_short_segments, 60)
{
	static char buf[14480 + 5];
	double t0, held;
	int mss;

	ASSERT_EQ(0, tt_pair(self->port + 13, &self->w, &self->l));
	mss = getint(self->w, IPPROTO_TCP, TCP_MAXSEG);
	ASSERT_EQ(1448, mss);
	EXPECT_EQ(0, getint(self->w, IPPROTO_TCP, TCP_CORK));
	ASSERT_EQ(0, setint(self->w, IPPROTO_TCP, TCP_CORK, 1));
	EXPECT_EQ(1, getint(self->w, IPPROTO_TCP, TCP_CORK));

	/* A short write waits for the ceiling. */
	t0 = wt_now();
	ASSERT_EQ(3, write(self->w, "abc", 3));
	EXPECT_EQ(0, drain_within(self->l, 100));
	EXPECT_EQ(3, drain_within(self->l, 5000));
	held = wt_now() - t0;
	TH_LOG("a corked 3-byte write waited %.0f ms", held * 1000);
	EXPECT_LE(0.19, held);

	/* Ten full segments go at once, the 5 bytes after them wait... */
	ASSERT_EQ((ssize_t)sizeof(buf), write(self->w, buf, sizeof(buf)));
	EXPECT_EQ(10 * mss, drain_within(self->l, 1000));
	/* ...until the uncork sends them. */
	ASSERT_EQ(0, setint(self->w, IPPROTO_TCP, TCP_CORK, 0));
	EXPECT_EQ(5, drain_within(self->l, 500));
	EXPECT_EQ(0, getint(self->w, IPPROTO_TCP, TCP_CORK));

	/* Setting TCP_NODELAY flushes a corked socket once, as Linux's. */
	ASSERT_EQ(0, setint(self->w, IPPROTO_TCP, TCP_CORK, 1));
	ASSERT_EQ(7, write(self->w, "corked!", 7));
	EXPECT_EQ(0, drain_within(self->l, 50));
	ASSERT_EQ(0, setint(self->w, IPPROTO_TCP, TCP_NODELAY, 1));
	EXPECT_EQ(7, drain_within(self->l, 150));
	EXPECT_EQ(1, getint(self->w, IPPROTO_TCP, TCP_CORK));
}

/* Bytes a non-blocking socket takes before EAGAIN, peer not reading. */
static long long fill(int fd)
{
	static char buf[4096];
	long long n = 0;
	ssize_t r;
	int idle = 0;

	/* Until nothing more goes in for a while (ACKs may still free room). */
	while (idle < 5) {
		r = send(fd, buf, sizeof(buf), MSG_DONTWAIT | MSG_NOSIGNAL);
		if (r > 0) {
			n += r;
			idle = 0;
		} else {
			idle++;
			wt_msleep(100);
		}
	}
	return n;
}

/*
 * TCP_NOTSENT_LOWAT (as Linux): writable only while fewer bytes than the
 * limit wait unsent, so a writer that the peer does not keep up with
 * queues a little beyond what is in flight instead of SO_SNDBUF's worth;
 * once the peer reads, it is writable again.
 */
TEST_F_TIMEOUT(peer, notsent_lowat_bounds_the_queue, 90)
{
	int w2 = -1, l2 = -1, small = 65536, unsent = -1;
	long long plain, low;
	static char sink[65536];

	ASSERT_EQ(0, tt_pair(self->port + 14, &self->w, &self->l));
	ASSERT_EQ(0, tt_pair(self->port + 15, &w2, &l2));
	EXPECT_EQ(0, getint(self->w, IPPROTO_TCP, TCP_NOTSENT_LOWAT));
	ASSERT_EQ(0, setint(self->w, IPPROTO_TCP, TCP_NOTSENT_LOWAT, 16384));
	EXPECT_EQ(16384, getint(self->w, IPPROTO_TCP, TCP_NOTSENT_LOWAT));
	setint(self->l, SOL_SOCKET, SO_RCVBUF, small);
	setint(l2, SOL_SOCKET, SO_RCVBUF, small);

	low = fill(self->w);
	plain = fill(w2);
	TH_LOG("taken before EAGAIN: %lld bytes with a 16 KiB lowat, %lld without",
	       low, plain);
	EXPECT_LT(low * 2, plain);
	/*
	 * Unsent: under the limit plus what went into the last skb's room
	 * (as Linux, a write fills the tail skb, up to a 64 KiB size goal,
	 * before it asks for memory).
	 */
	ASSERT_EQ(0, ioctl(self->w, SIOCOUTQNSD, &unsent));
	EXPECT_GE(16384 + 65536, unsent);
	EXPECT_EQ(0, ws_wait(self->w, POLLOUT, 300) & POLLOUT);
	/* The peer reads: the unsent bytes go, and POLLOUT comes back. */
	while (recv(self->l, sink, sizeof(sink), MSG_DONTWAIT) > 0 ||
	       !(ws_wait(self->w, POLLOUT, 100) & POLLOUT))
		;
	EXPECT_TRUE(ws_wait(self->w, POLLOUT, 1000) & POLLOUT);
	close(w2);
	close(l2);
}

/*
 * TCP_DEFER_ACCEPT (nginx's "listen ... deferred"), as Linux: a connection
 * whose client has sent nothing is not acceptable until the deferral is
 * over (its seconds read back as Linux rounds them to SYN-ACK
 * retransmits: 2 s -> 3 s); one that has sent data is, at once.
 */
TEST_F_TIMEOUT(peer, defer_accept_waits_for_data, 60)
{
	long long drops = tt_tcpext("TCPDeferAcceptDrop");
	int lfd, c1, c2, a;
	char b[8];
	double t0;

	lfd = tt_listener(self->port + 16, 8);
	ASSERT_LE(0, lfd);
	EXPECT_EQ(0, getint(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT));
	ASSERT_EQ(0, setint(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT, 2));
	EXPECT_EQ(3, getint(lfd, IPPROTO_TCP, TCP_DEFER_ACCEPT));
	ASSERT_EQ(0, fcntl(lfd, F_SETFL, O_NONBLOCK));

	/* A silent client: nothing to accept while the deferral lasts. */
	t0 = wt_now();
	c1 = tt_linux_client(self->port + 16);
	ASSERT_LE(0, c1);
	wt_msleep(500);
	EXPECT_EQ(-1, accept(lfd, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LT(drops, tt_tcpext("TCPDeferAcceptDrop"));

	/* A client that speaks is accepted at once, its data waiting. */
	c2 = tt_linux_client(self->port + 16);
	ASSERT_LE(0, c2);
	ASSERT_EQ(3, write(c2, "GET", 3));
	ASSERT_TRUE(ws_wait(lfd, POLLIN, 2000) & POLLIN);
	a = accept(lfd, NULL, NULL);
	ASSERT_LE(0, a);
	EXPECT_EQ(3, recv(a, b, sizeof(b), MSG_DONTWAIT));
	close(a);

	/* The silent one, once the deferral is over. */
	ASSERT_TRUE(ws_wait(lfd, POLLIN, 20000) & POLLIN);
	TH_LOG("the silent connection became acceptable after %.1f s",
	       wt_now() - t0);
	EXPECT_LE(1.0, wt_now() - t0);
	a = accept(lfd, NULL, NULL);
	EXPECT_LE(0, a);
	EXPECT_TRUE(tt_alive(a, c1));
	close(a);
	close(c1);
	close(c2);
	close(lfd);
}

static volatile sig_atomic_t sigurgs;

static void on_sigurg(int sig)
{
	sigurgs++;
}

/* recv() into @buf (NUL-ended) within 2 s: the length, or -errno. */
static int recv_wait(int fd, char *buf, int size, int flags)
{
	int n = -1;

	/* Polled, not blocking: SIGURG would interrupt a blocked call. */
	if (!(flags & MSG_OOB) &&
	    !WT_WAIT(2000, ws_wait(fd, POLLIN, 0) & POLLIN))
		return -ETIMEDOUT;
	n = recv(fd, buf, size - 1, flags | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	buf[n] = 0;
	return n;
}

/*
 * MSG_OOB from @snd to @rcv, checked the same way whichever stack
 * receives: the urgent byte raises POLLPRI and SIGURG (the receiver's
 * owner is us), a read stops at the mark, SIOCATMARK says so there,
 * recv(MSG_OOB) gets the byte once (then EINVAL), and the stream goes on
 * without it.
 */
static void oob_check(struct __test_metadata *_metadata, const char *who,
		      int snd, int rcv)
{
	char buf[64];
	int mark = -1;

	sigurgs = 0;
	ASSERT_EQ(0, fcntl(rcv, F_SETOWN, getpid()));
	EXPECT_EQ(-EINVAL, recv_wait(rcv, buf, sizeof(buf), MSG_OOB))
		TH_LOG("%s: before any urgent data", who);
	ASSERT_EQ(3, send(snd, "abc", 3, 0));
	ASSERT_EQ(1, send(snd, "!", 1, MSG_OOB));
	ASSERT_EQ(2, send(snd, "de", 2, 0));
	/* SIGURG may cut a poll short: ask again until it says POLLPRI. */
	EXPECT_TRUE(WT_WAIT(2000, ws_wait(rcv, POLLPRI, 0) & POLLPRI))
		TH_LOG("%s", who);
	EXPECT_TRUE(WT_WAIT(2000, sigurgs > 0)) TH_LOG("%s: no SIGURG", who);
	/* "abc" came before the urgent byte: it is all one read gives. */
	EXPECT_EQ(3, recv_wait(rcv, buf, sizeof(buf), 0)) TH_LOG("%s", who);
	EXPECT_STREQ("abc", buf) TH_LOG("%s", who);
	EXPECT_EQ(0, ioctl(rcv, SIOCATMARK, &mark));
	EXPECT_EQ(1, mark) TH_LOG("%s: at the mark", who);
	EXPECT_EQ(1, recv_wait(rcv, buf, sizeof(buf), MSG_OOB))
		TH_LOG("%s", who);
	EXPECT_STREQ("!", buf) TH_LOG("%s", who);
	EXPECT_EQ(-EINVAL, recv_wait(rcv, buf, sizeof(buf), MSG_OOB))
		TH_LOG("%s: read twice", who);
	EXPECT_EQ(2, recv_wait(rcv, buf, sizeof(buf), 0)) TH_LOG("%s", who);
	EXPECT_STREQ("de", buf) TH_LOG("%s", who);
	EXPECT_EQ(0, ioctl(rcv, SIOCATMARK, &mark));
	EXPECT_EQ(0, mark) TH_LOG("%s: past the mark", who);
	EXPECT_FALSE(ws_wait(rcv, POLLPRI, 100) & POLLPRI) TH_LOG("%s", who);
}

/*
 * Urgent data as Linux's: wren sends it to Linux and Linux to wren, the
 * same checks on each receiver; with SO_OOBINLINE the byte stays in the
 * stream (a read still ends at the mark) and MSG_OOB has nothing.
 */
TEST_F_TIMEOUT(peer, urgent_data_both_ways, 60)
{
	struct sigaction sa = { .sa_handler = on_sigurg };
	char buf[64];
	int mark = -1;

	sigaction(SIGURG, &sa, NULL);
	ASSERT_EQ(0, tt_pair(self->port + 18, &self->w, &self->l));
	oob_check(_metadata, "wren to linux", self->w, self->l);
	oob_check(_metadata, "linux to wren", self->l, self->w);

	ASSERT_EQ(0, setint(self->w, SOL_SOCKET, SO_OOBINLINE, 1));
	EXPECT_EQ(1, getint(self->w, SOL_SOCKET, SO_OOBINLINE));
	ASSERT_EQ(2, send(self->l, "xy", 2, 0));
	ASSERT_EQ(1, send(self->l, "Z", 1, MSG_OOB));
	ASSERT_EQ(1, send(self->l, "w", 1, 0));
	EXPECT_TRUE(WT_WAIT(2000, ws_wait(self->w, POLLPRI, 0) & POLLPRI));
	EXPECT_EQ(2, recv_wait(self->w, buf, sizeof(buf), 0));
	EXPECT_STREQ("xy", buf);
	EXPECT_EQ(0, ioctl(self->w, SIOCATMARK, &mark));
	EXPECT_EQ(1, mark);
	EXPECT_EQ(-EINVAL, recv_wait(self->w, buf, sizeof(buf), MSG_OOB));
	EXPECT_TRUE(WT_WAIT(2000, recv_wait(self->w, buf, sizeof(buf),
					    MSG_PEEK) == 2));
	EXPECT_EQ(2, recv_wait(self->w, buf, sizeof(buf), 0));
	EXPECT_STREQ("Zw", buf);
	EXPECT_TRUE(tt_alive(self->w, self->l));
	signal(SIGURG, SIG_DFL);
}

/* WREN_TCP_INFO during a bulk send: cwnd grows, RTT is measured. */
TEST_F_TIMEOUT(peer, tcp_info_moves, 90)
{
	static char buf[65536];
	struct wren_tcp_info t0, t1;
	long long sent = 0, got = 0;
	socklen_t len;
	ssize_t n;

	ASSERT_EQ(0, tt_pair(self->port + 11, &self->w, &self->l));
	len = sizeof(t0);
	ASSERT_EQ(0, getsockopt(self->w, IPPROTO_TCP, WREN_TCP_INFO, &t0,
				&len));
	ASSERT_EQ(0, fcntl(self->w, F_SETFL, O_NONBLOCK));
	ASSERT_EQ(0, fcntl(self->l, F_SETFL, O_NONBLOCK));
	while (got < 8 * WT_MIB) {
		n = send(self->w, buf, sizeof(buf), MSG_NOSIGNAL);
		if (n > 0)
			sent += n;
		n = read(self->l, buf, sizeof(buf));
		if (n > 0)
			got += n;
		else if (n < 0 && errno == EAGAIN)
			ws_wait(self->l, POLLIN, 100);
		else
			ASSERT_LT(0, n);
	}
	/* The reader can be ahead of the ACKs still on their way (a delayed
	 * ACK is up to 200 ms): wait for them before comparing.
	 */
	for (n = 0; n < 100; n++) {
		len = sizeof(t1);
		ASSERT_EQ(0, getsockopt(self->w, IPPROTO_TCP, WREN_TCP_INFO,
					&t1, &len));
		if (t1.snd_una - t0.snd_una >= (unsigned int)got)
			break;
		usleep(10000);
	}
	TH_LOG("cwnd %u -> %u, rtt %u -> %u us, snd_una +%u", t0.snd_cwnd,
	       t1.snd_cwnd, t0.rtt, t1.rtt, t1.snd_una - t0.snd_una);
	EXPECT_LT(t0.snd_cwnd, t1.snd_cwnd);
	EXPECT_LT(0U, t1.rtt);
	EXPECT_LE((unsigned int)got, t1.snd_una - t0.snd_una);
	EXPECT_EQ(1U, t1.state);
}

TEST_F_TIMEOUT(peer, maxseg_before_connect, 200)
{
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, self->port + 6);
	struct tcp_info li;
	struct wren_tcp_info ti;
	socklen_t len = sizeof(li);
	struct tt_flow s, r;
	int mss = 700, lfd, v;

	lfd = tt_linux_listener(WT_PEER_NS, self->port + 6);
	ASSERT_LE(0, lfd);
	self->w = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_EQ(0, setsockopt(self->w, IPPROTO_TCP, TCP_MAXSEG, &mss,
				sizeof(mss)));
	len = sizeof(v);
	ASSERT_EQ(0, getsockopt(self->w, IPPROTO_TCP, TCP_MAXSEG, &v, &len));
	EXPECT_EQ(mss, v);
	ASSERT_EQ(0, connect(self->w, (struct sockaddr *)&a, sizeof(a)));
	self->l = accept(lfd, NULL, NULL);
	close(lfd);
	ASSERT_LE(0, self->l);

	ASSERT_EQ(0, tt_wren_info(self->w, &ti));
	EXPECT_EQ((unsigned int)mss, ti.advmss);
	EXPECT_GE((unsigned int)mss, ti.snd_mss);
	ASSERT_EQ(0, tt_flow_start(&r, self->l, false, 0));
	ASSERT_EQ(0, tt_flow_start(&s, self->w, true, 2 * WT_MIB));
	tt_flow_join(&s);
	tt_flow_join(&r);
	EXPECT_STREQ(s.hex, r.hex);
	/* The Linux peer: sends to our MSS, saw segments no bigger. */
	len = sizeof(li);
	ASSERT_EQ(0, getsockopt(self->l, IPPROTO_TCP, TCP_INFO, &li, &len));
	TH_LOG("peer: snd_mss %u rcv_mss %u advmss %u; wren snd_mss %u",
	       li.tcpi_snd_mss, li.tcpi_rcv_mss, li.tcpi_advmss, ti.snd_mss);
	EXPECT_GE((unsigned int)mss, li.tcpi_snd_mss);
	EXPECT_LT(0U, li.tcpi_rcv_mss);
	EXPECT_GE((unsigned int)mss, li.tcpi_rcv_mss);
}

/*
 * wren's TCP_INFO byte counters against the Linux peer's for the same
 * connection: what wren had acknowledged is what Linux received in order,
 * and the other way round (both count a FIN as one).
 */
static bool counters_agree(int w, int l)
{
	struct tt_tcp_info a, b;

	return !tt_tcp_info(w, &a) && !tt_tcp_info(l, &b) &&
	       a.bytes_acked == b.bytes_received &&
	       a.bytes_received == b.bytes_acked;
}

static void counters_agree_log(struct __test_metadata *_metadata, int w,
			       int l)
{
	struct tt_tcp_info a, b;

	tt_tcp_info(w, &a);
	tt_tcp_info(l, &b);
	TH_LOG("wren acked %llu received %llu; linux received %llu acked %llu",
	       (unsigned long long)a.bytes_acked,
	       (unsigned long long)a.bytes_received,
	       (unsigned long long)b.bytes_received,
	       (unsigned long long)b.bytes_acked);
}

TEST_F_TIMEOUT(peer, tcp_info_linux_struct, 200)
{
	struct tcp_info li;
	struct tt_tcp_info xi;
	struct wren_tcp_info ti;
	socklen_t len;
	struct tt_flow s, r;
	int samples = 0, good = 0;

	ASSERT_EQ(0, tt_pair(self->port + 11, &self->w, &self->l));
	len = sizeof(li);
	ASSERT_EQ(0, getsockopt(self->w, IPPROTO_TCP, TCP_INFO, &li, &len));
	EXPECT_EQ(sizeof(li), len);
	EXPECT_EQ(TCP_ESTABLISHED, li.tcpi_state);
	EXPECT_EQ(TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK | TCPI_OPT_WSCALE,
		  li.tcpi_options & (TCPI_OPT_TIMESTAMPS | TCPI_OPT_SACK |
				     TCPI_OPT_WSCALE));
	EXPECT_EQ(1460U, li.tcpi_advmss);
	/* A short buffer gets the head of the struct, len says how much. */
	len = 8;
	ASSERT_EQ(0, getsockopt(self->w, IPPROTO_TCP, TCP_INFO, &li, &len));
	EXPECT_EQ(8U, len);

	ASSERT_TRUE(tt_alive(self->w, self->l));	/* an RTT sample */
	ASSERT_EQ(0, tt_flow_start(&r, self->l, false, 0));
	ASSERT_EQ(0, tt_flow_start(&s, self->w, true, 8 * WT_MIB));
	while (!s.done && samples < 1000) {
		len = sizeof(li);
		ASSERT_EQ(0, getsockopt(self->w, IPPROTO_TCP, TCP_INFO, &li,
					&len));
		samples++;
		/* FIN_WAIT*: the sender thread shut down after its last
		 * write, just before this sample.
		 */
		if ((li.tcpi_state == TCP_ESTABLISHED ||
		     li.tcpi_state == TCP_FIN_WAIT1 ||
		     li.tcpi_state == TCP_FIN_WAIT2) &&
		    li.tcpi_rto >= 200000 && li.tcpi_rto <= 120000000 &&
		    li.tcpi_rtt > 0 && li.tcpi_rtt < 60000000 &&
		    li.tcpi_snd_cwnd >= 1 && li.tcpi_snd_mss > 0 &&
		    li.tcpi_snd_mss <= 1460 && li.tcpi_snd_wscale > 0)
			good++;
		else
			TH_LOG("odd sample: state %u rto %u rtt %u cwnd %u "
			       "mss %u wscale %u", li.tcpi_state, li.tcpi_rto,
			       li.tcpi_rtt, li.tcpi_snd_cwnd, li.tcpi_snd_mss,
			       li.tcpi_snd_wscale);
		wt_msleep(20);
	}
	tt_flow_join(&s);
	tt_flow_join(&r);
	EXPECT_STREQ(s.hex, r.hex);
	ASSERT_EQ(0, tt_wren_info(self->w, &ti));
	len = sizeof(li);
	ASSERT_EQ(0, getsockopt(self->w, IPPROTO_TCP, TCP_INFO, &li, &len));
	TH_LOG("%d of %d samples sane; last: state %u rto %u rtt %u cwnd %u "
	       "mss %u", good, samples, li.tcpi_state, li.tcpi_rto,
	       li.tcpi_rtt, li.tcpi_snd_cwnd, li.tcpi_snd_mss);
	EXPECT_LT(0, good);
	EXPECT_EQ(samples, good);
	/* The two views agree. */
	EXPECT_EQ(ti.snd_mss, li.tcpi_snd_mss);
	EXPECT_EQ(ti.rto, li.tcpi_rto);
	EXPECT_EQ(ti.total_retrans, li.tcpi_total_retrans);

	/* The counters: what went each way, as the Linux peer counted it. */
	EXPECT_TRUE(WT_WAIT(3000, counters_agree(self->w, self->l)))
		counters_agree_log(_metadata, self->w, self->l);
	ASSERT_EQ(0, tt_tcp_info(self->w, &xi));
	EXPECT_LE(8ULL * WT_MIB, xi.bytes_acked);
	EXPECT_LE(xi.bytes_acked - 1, xi.bytes_sent);
	EXPECT_LE(xi.bytes_retrans, xi.bytes_sent);
	EXPECT_LE(8U * WT_MIB / 65536, xi.data_segs_out);
	EXPECT_LE(xi.data_segs_out, xi.segs_out);
	EXPECT_LT(0U, xi.segs_in);
	EXPECT_LE(xi.data_segs_in, xi.segs_in);
	EXPECT_LT(0U, xi.min_rtt);
	EXPECT_NE(~0U, xi.min_rtt);
	EXPECT_GT(10000U, xi.b.tcpi_last_data_sent);
	EXPECT_GT(10000U, xi.b.tcpi_last_ack_recv);
}

/* wren answers every option of our SYN, and scales its window. */
TEST_F(wire, synack_options)
{
	struct seg sa, s;

	open_to_wren(_metadata, self, self->port, 0x12345678, &sa);
	EXPECT_EQ(1460, sa.mss);	/* MTU 1500 */
	EXPECT_LE(0, sa.ws);
	EXPECT_GE(14, sa.ws);
	EXPECT_TRUE(sa.sack_perm);
	EXPECT_TRUE(sa.ts);
	EXPECT_EQ(1000u, sa.tsecr);	/* our SYN's TSval */
	/* Data makes wren ACK with a scaled window (2 MiB buffers). */
	ASSERT_EQ(0, send_data(&self->w, 0x12345678, 0));
	ASSERT_EQ(0, send_data(&self->w, 0x12345678, 1));
	ASSERT_EQ(0, wire_recv(&self->w, &s, 5000));
	EXPECT_TRUE(s.ts);
	EXPECT_LT(65535u, (uint32_t)s.win << sa.ws);
	self->w.snd_nxt = 0x12345678 + 1 + 2 * SEG;
}

/*
 * wren's SYN offers MSS, window scale, SACK-permitted and timestamps; a
 * peer whose SYN-ACK has no options gets segments without timestamps or
 * SACK blocks after the handshake, and an unscaled window.
 */
TEST_F(wire, syn_offer_and_peer_without_options)
{
	struct sockaddr_wren a = nt_swren(FAKE, self->port + 3), me;
	socklen_t len = sizeof(me);
	struct wire *w = &self->w;
	struct seg syn, s;
	const uint32_t isn = 0x7ffff000;

	self->c = socket(AF_WREN, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, self->c);
	ASSERT_EQ(-1, connect(self->c, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(EINPROGRESS, errno);
	/* We are wren's remote port; wren's own is its local port. */
	ASSERT_EQ(0, getsockname(self->c, (struct sockaddr *)&me, &len));
	w->sport = self->port + 3;
	w->dport = ntohs(me.swren_port);
	ASSERT_EQ(0, wire_recv(w, &syn, 5000));
	ASSERT_EQ(F_SYN, syn.flags);
	EXPECT_EQ(1460, syn.mss);
	EXPECT_LE(0, syn.ws);
	EXPECT_TRUE(syn.sack_perm);
	EXPECT_TRUE(syn.ts);
	/* A SYN-ACK without options. */
	w->rcv_nxt = syn.seq + 1;
	ASSERT_EQ(0, wire_send(w, isn, w->rcv_nxt, F_SYN | F_ACK, NULL, 0,
			       O_NONE));
	w->snd_nxt = isn + 1;
	/* wren's ACK of it, and then data from wren: no options at all. */
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(F_ACK, s.flags & (F_ACK | F_SYN));
	EXPECT_EQ(isn + 1, s.ack);
	EXPECT_FALSE(s.ts);
	EXPECT_EQ(0, s.nsack);
	ASSERT_EQ(5, write(self->c, "hello", 5));
	do {
		ASSERT_EQ(0, wire_recv(w, &s, 5000));
	} while (!s.len);
	EXPECT_EQ(5, s.len);
	EXPECT_EQ(0, memcmp(s.data, "hello", 5));
	EXPECT_FALSE(s.ts);
	/* Unscaled: the raw window field is the window, at most 65535. */
	EXPECT_LT(0, s.win);
}

WT_HARNESS_MAIN
