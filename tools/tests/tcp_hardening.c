// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP against blind attacks, with segments forged from a raw socket in
 * the peer's namespace.
 *
 *   rfc5961.*       RFC 5961: a reset in the window but not exact draws a
 *                   challenge ACK, one outside it is dropped, a SYN in an
 *                   established connection and an ACK of unsent data are
 *                   answered with a challenge ACK, the exact reset resets
 *   peer.*          RFC 5961 7: challenge ACKs capped, the rest counted;
 *                   RFC 7323 PAWS drops a forged segment with an old TSval;
 *                   ISNs no linear fit predicts (RFC 6528)
 *   veth.*          a SYN flood on a small backlog answered with SYN cookies
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <netinet/ip.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"

/* A bare TCP header from the peer's raw socket. */
static int forge(int raw, unsigned short sport, unsigned short dport,
		 unsigned int seq, unsigned int ack, unsigned char flags)
{
	return tt_forge(raw, sport, dport, seq, ack, flags, NULL, 0, NULL, 0);
}

FIXTURE(rfc5961) {
	int w, l, raw, port;
	unsigned short wport;
	struct wren_tcp_info ti;
};

FIXTURE_SETUP(rfc5961)
{
	signal(SIGPIPE, SIG_IGN);
	self->w = self->l = self->raw = -1;
	ASSERT_EQ(0, ws_net_up());
	self->port = wt_ports(1);
	ASSERT_LT(0, self->port);
	ASSERT_EQ(0, tt_pair(self->port, &self->w, &self->l));
	self->wport = ws_local_port(self->w);
	self->raw = nt_socket(WT_PEER_NS, AF_INET, SOCK_RAW, IPPROTO_TCP);
	ASSERT_LE(0, self->raw);
	ASSERT_TRUE(tt_alive(self->w, self->l));
	ASSERT_EQ(0, tt_wren_info(self->w, &self->ti));
}

FIXTURE_TEARDOWN(rfc5961)
{
	if (self->raw >= 0)
		close(self->raw);
	if (self->w >= 0)
		close(self->w);
	if (self->l >= 0)
		close(self->l);
}

TEST_F(rfc5961, rst_in_window_not_exact)
{
	long long in = ws_snmp("Tcp", "InSegs");
	long long ch = ws_snmp("TcpExt", "TCPChallengeACK");

	ASSERT_EQ(0, forge(self->raw, self->port, self->wport,
			   self->ti.rcv_nxt + 1000, 0, TH_RST));
	wt_msleep(300);
	EXPECT_LT(in, ws_snmp("Tcp", "InSegs"));	/* it got to TCP */
	EXPECT_EQ(ch + 1, ws_snmp("TcpExt", "TCPChallengeACK"));
	EXPECT_TRUE(tt_alive(self->w, self->l));
}

TEST_F(rfc5961, rst_out_of_window)
{
	long long in = ws_snmp("Tcp", "InSegs");

	ASSERT_EQ(0, forge(self->raw, self->port, self->wport,
			   self->ti.rcv_nxt + 0x40000000, 0, TH_RST));
	wt_msleep(300);
	EXPECT_LT(in, ws_snmp("Tcp", "InSegs"));	/* it got to TCP */
	EXPECT_TRUE(tt_alive(self->w, self->l));
}

TEST_F(rfc5961, syn_in_established)
{
	long long in = ws_snmp("Tcp", "InSegs");
	long long ch = ws_snmp("TcpExt", "TCPChallengeACK");
	long long syn = ws_snmp("TcpExt", "TCPSYNChallenge");

	ASSERT_EQ(0, forge(self->raw, self->port, self->wport,
			   self->ti.rcv_nxt + 5, 0, TH_SYN));
	wt_msleep(300);
	EXPECT_LT(in, ws_snmp("Tcp", "InSegs"));	/* it got to TCP */
	EXPECT_EQ(ch + 1, ws_snmp("TcpExt", "TCPChallengeACK"));
	EXPECT_EQ(syn + 1, ws_snmp("TcpExt", "TCPSYNChallenge"));
	EXPECT_TRUE(tt_alive(self->w, self->l));
}

TEST_F(rfc5961, ack_of_unsent_data)
{
	long long in = ws_snmp("Tcp", "InSegs");

	ASSERT_EQ(0, forge(self->raw, self->port, self->wport, self->ti.rcv_nxt,
			   self->ti.snd_nxt + 100000, TH_ACK));
	wt_msleep(300);
	EXPECT_LT(in, ws_snmp("Tcp", "InSegs"));	/* it got to TCP */
	EXPECT_TRUE(tt_alive(self->w, self->l));
}

TEST_F(rfc5961, rst_exact_resets)
{
	struct pollfd p = { .fd = self->w, .events = POLLIN };
	long long in = ws_snmp("Tcp", "InSegs");
	long long err = ws_snmp("Tcp", "InErrs");
	char c;

	ASSERT_EQ(0, forge(self->raw, self->port, self->wport, self->ti.rcv_nxt,
			   0, TH_RST));
	EXPECT_EQ(1, poll(&p, 1, 3000));
	TH_LOG("InSegs +%lld InErrs +%lld rcv_nxt %u",
	       ws_snmp("Tcp", "InSegs") - in, ws_snmp("Tcp", "InErrs") - err,
	       self->ti.rcv_nxt);
	EXPECT_EQ(-1, read(self->w, &c, 1));
	EXPECT_EQ(ECONNRESET, errno);
}

static int raw_pair(struct __test_metadata *_metadata, int port, int *w,
		    int *l, struct wren_tcp_info *ti)
{
	int raw;

	ASSERT_EQ(0, tt_pair(port, w, l)) return -1;
	ASSERT_TRUE(tt_alive(*w, *l)) return -1;
	ASSERT_EQ(0, tt_wren_info(*w, ti)) return -1;
	raw = nt_socket(WT_PEER_NS, AF_INET, SOCK_RAW, IPPROTO_TCP);
	ASSERT_LE(0, raw) return -1;
	return raw;
}

TEST_F_TIMEOUT(peer, challenge_ack_rate_limited, 200)
{
	long long ch0, lim0, ch, lim;
	struct wren_tcp_info ti;
	double t0, t;
	int raw, i, wport, n = 300;

	raw = raw_pair(_metadata, self->port + 7, &self->w, &self->l, &ti);
	ASSERT_LE(0, raw);
	wport = ws_local_port(self->w);
	wt_msleep(1100);	/* a fresh one-second budget */
	ch0 = tt_tcpext("TCPChallengeACK");
	lim0 = tt_tcpext("TCPChallengeACKLimited");
	ASSERT_LE(0, ch0);
	/* In-window RSTs that miss RCV.NXT: each asks for a challenge. */
	t0 = wt_now();
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, tt_forge(raw, self->port + 7, wport, ti.rcv_nxt + 100 + i, 0,
				   TH_RST, NULL, 0, NULL, 0));
	t = wt_now() - t0;
	/* Wait until the burst is accounted for (or stops growing). */
	WT_WAIT(5000, tt_tcpext("TCPChallengeACK") - ch0 +
		      tt_tcpext("TCPChallengeACKLimited") - lim0 >= n);
	wt_msleep(300);
	ch = tt_tcpext("TCPChallengeACK") - ch0;
	lim = tt_tcpext("TCPChallengeACKLimited") - lim0;
	TH_LOG("%d RSTs in %.3f s: %lld challenge ACKs, %lld limited", n, t,
	       ch, lim);
	EXPECT_LE(1, ch);
	EXPECT_LE(1, lim);
	/* At most 100 a second: the burst spans t s, i.e. ceil(t)+1 windows. */
	EXPECT_GE(100 * ((long long)t + 2), ch);
	EXPECT_GE(n, ch + lim);
	EXPECT_TRUE(tt_alive(self->w, self->l));
	close(raw);
}

TEST_F_TIMEOUT(peer, challenge_ack_syn_any_seq, 200)
{
	long long ch0, lim0, ch, lim, oow0;
	struct wren_tcp_info ti;
	int raw, i, wport, n = 300;

	raw = raw_pair(_metadata, self->port + 8, &self->w, &self->l, &ti);
	ASSERT_LE(0, raw);
	wport = ws_local_port(self->w);
	ch0 = tt_tcpext("TCPChallengeACK");
	lim0 = tt_tcpext("TCPChallengeACKLimited");
	oow0 = ws_snmp("WrenDrop", "TcpOutOfWindow");
	/* Out-of-window RSTs: dropped silently (RFC 5961 3.2). */
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, tt_forge(raw, self->port + 8, wport,
				   ti.rcv_nxt + 0x40000000 + i, 0, TH_RST,
				   NULL, 0, NULL, 0));
	EXPECT_TRUE(WT_WAIT(5000, ws_snmp("WrenDrop", "TcpOutOfWindow") -
				  oow0 >= 50));
	EXPECT_EQ(ch0, tt_tcpext("TCPChallengeACK"));
	EXPECT_EQ(lim0, tt_tcpext("TCPChallengeACKLimited"));
	/* SYNs, out of window: challenge ACKs, rate-limited (4.2). */
	wt_msleep(1100);
	ch0 = tt_tcpext("TCPChallengeACK");
	lim0 = tt_tcpext("TCPChallengeACKLimited");
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, tt_forge(raw, self->port + 8, wport,
				   ti.rcv_nxt + 0x40000000 + i, 0, TH_SYN,
				   NULL, 0, NULL, 0));
	WT_WAIT(5000, tt_tcpext("TCPChallengeACK") - ch0 +
		      tt_tcpext("TCPChallengeACKLimited") - lim0 >= n);
	wt_msleep(300);
	ch = tt_tcpext("TCPChallengeACK") - ch0;
	lim = tt_tcpext("TCPChallengeACKLimited") - lim0;
	TH_LOG("%d SYNs: %lld challenge ACKs, %lld limited", n, ch, lim);
	EXPECT_LE(1, ch);
	EXPECT_LE(1, lim);
	EXPECT_GE(n, ch + lim);
	EXPECT_TRUE(tt_alive(self->w, self->l));
	close(raw);
}

/*
 * Read from the peer's raw socket the next segment wren sends to @dport
 * and return its TSecr: the peer's latest TSval, what wren holds as
 * TS.Recent.
 */
static int peer_tsecr(int raw, int wport, int dport, unsigned int *tsecr)
{
	unsigned char pkt[2048];
	double end = wt_now() + 10;

	while (wt_now() < end) {
		const struct iphdr *ip = (const struct iphdr *)pkt;
		const struct tcphdr *th;
		const unsigned char *o, *oend;
		ssize_t n;

		if (!(ws_wait(raw, POLLIN, 1000) & POLLIN))
			continue;
		n = recv(raw, pkt, sizeof(pkt), 0);
		if (n < (ssize_t)(sizeof(*ip) + sizeof(*th)))
			continue;
		th = (const struct tcphdr *)(pkt + ip->ihl * 4);
		if (ntohs(th->source) != wport || ntohs(th->dest) != dport)
			continue;
		o = (const unsigned char *)(th + 1);
		oend = (const unsigned char *)th + th->doff * 4;
		while (o < oend && *o != 0) {
			if (*o == 1) {
				o++;
				continue;
			}
			if (o + 1 >= oend || o[1] < 2)
				break;
			if (o[0] == 8 && o[1] == 10) {
				unsigned int v;

				memcpy(&v, o + 6, 4);
				*tsecr = ntohl(v);
				return 0;
			}
			o += o[1];
		}
	}
	return -1;
}

TEST_F_TIMEOUT(peer, paws_drops_old_tsval, 200)
{
	long long paws0 = tt_tcpext("PAWSEstab");
	struct wren_tcp_info ti, t2;
	unsigned char opts[12];
	unsigned int tsecr, v;
	int raw, wport;
	char c;

	raw = raw_pair(_metadata, self->port + 10, &self->w, &self->l, &ti);
	ASSERT_LE(0, raw);
	ASSERT_TRUE(ti.options & WREN_TCPI_OPT_TIMESTAMPS);
	wport = ws_local_port(self->w);
	ASSERT_EQ(1, write(self->w, "t", 1));
	ASSERT_EQ(0, peer_tsecr(raw, wport, self->port + 10, &tsecr));
	ASSERT_EQ(1, read(self->l, &c, 1));
	ASSERT_TRUE(tt_alive(self->w, self->l));
	ASSERT_EQ(0, tt_wren_info(self->w, &ti));

	/* NOP NOP TS(old TSval, echo anything), in window, with data. */
	opts[0] = 1;
	opts[1] = 1;
	opts[2] = 8;
	opts[3] = 10;
	v = htonl(tsecr - 100000);
	memcpy(opts + 4, &v, 4);
	v = htonl(1);
	memcpy(opts + 8, &v, 4);
	ASSERT_EQ(0, tt_forge(raw, self->port + 10, wport, ti.rcv_nxt, ti.snd_nxt,
			   TH_ACK | TH_PUSH, opts, sizeof(opts), "EVIL", 4));
	EXPECT_TRUE(WT_WAIT(5000, tt_tcpext("PAWSEstab") > paws0));
	EXPECT_EQ(0, ws_wait(self->w, POLLIN, 500) & POLLIN);
	ASSERT_EQ(0, tt_wren_info(self->w, &t2));
	EXPECT_EQ(ti.rcv_nxt, t2.rcv_nxt);		/* not taken */
	EXPECT_TRUE(tt_alive(self->w, self->l));
	close(raw);
}

/*
 * Backlog 2 and three SYNs arriving together (the peer's packets delayed
 * 200 ms, so none completes before the third): two children, then a
 * cookie.  All three connections work.
 */
TEST_F_TIMEOUT(veth, syn_cookies, 60)
{
	struct sockaddr_in a = nt_sin(WS_WREN_IP, self->port);
	long long sent = ws_snmp("TcpExt", "SyncookiesSent");
	long long recv = ws_snmp("TcpExt", "SyncookiesRecv");
	struct wren_tcp_info ti;
	int c[3], i, cookies = 0;

	self->a = tt_listener(self->port, 2);
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

/* Successive ISNs fit no line: least squares over the index leaves
 * residuals of the order of the whole space.
 */
TEST_F_TIMEOUT(peer, isn_unpredictable, 60)
{
	enum { N = 24 };
	double x[N], y[N], sx = 0, sy = 0, sxx = 0, sxy = 0, a, b, rss = 0;
	struct sockaddr_in la = nt_sin(NULL, self->port + 10);
	struct sockaddr_wren ra = nt_swren(WS_PEER_IP, self->port + 10);
	unsigned int prev = 0;
	int lfd, one = 1, i;

	lfd = nt_socket(WT_PEER_NS, AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&la, sizeof(la)));
	ASSERT_EQ(0, listen(lfd, N));
	for (i = 0; i < N; i++) {
		struct wren_tcp_info ti;
		socklen_t len = sizeof(ti);
		int fd = socket(AF_WREN, SOCK_STREAM, 0), s;

		ASSERT_LE(0, fd);
		ASSERT_EQ(0, connect(fd, (struct sockaddr *)&ra, sizeof(ra)));
		ASSERT_EQ(0, getsockopt(fd, IPPROTO_TCP, WREN_TCP_INFO, &ti,
					&len));
		/* Nothing sent yet: snd_una is ISN + 1.  Unwrap the
		 * sequence so a counter would stay a line.
		 */
		x[i] = i;
		y[i] = (double)(ti.snd_una - 1);
		if (i)
			y[i] = y[i - 1] + (double)(int)(ti.snd_una - 1 - prev);
		prev = ti.snd_una - 1;
		s = accept(lfd, NULL, NULL);
		ASSERT_LE(0, s);
		close(s);
		close(fd);
	}
	close(lfd);
	for (i = 0; i < N; i++) {
		sx += x[i];
		sy += y[i];
		sxx += x[i] * x[i];
		sxy += x[i] * y[i];
	}
	b = (N * sxy - sx * sy) / (N * sxx - sx * sx);
	a = (sy - b * sx) / N;
	for (i = 0; i < N; i++)
		rss += (y[i] - a - b * x[i]) * (y[i] - a - b * x[i]);
	/* Random 32-bit steps leave an RMS residual near 2^31; a clock or
	 * counter leaves almost none.
	 */
	TH_LOG("slope %.0f, mean squared residual %.3g", b, rss / N);
	EXPECT_LT(1e16, rss / N);
}

WT_HARNESS_MAIN
