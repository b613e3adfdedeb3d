// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP against the guest's Linux TCP (peer0 in namespace "peer"):
 * what tcp_basic, tcp_adv, tcp_more, tcp_5961 and tcp_life leave out.
 * Every state held on purpose (CLOSING too) and seen both in
 * /proc/net/wren/tcp and in
 * `wrenstat -t -a -n`; SIGPIPE and EPIPE after our shutdown and after the
 * peer's reset; connect to a black hole (TCP_USER_TIMEOUT, SO_SNDTIMEO);
 * keepalive across a dead link; true Send-Q/Recv-Q while a reader stalls;
 * ISNs no linear fit predicts; socket option round trips; WREN_TCP_INFO
 * moving during a transfer; epoll level triggered.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "tcp.h"

#define PORT		6700
#define NOBODY_IP	"192.0.2.10"	/* on link, static ARP to nobody */
#define NOBODY_MAC	"02:00:00:00:00:99"

static volatile sig_atomic_t sigpipes;

static void on_sigpipe(int sig)
{
	(void)sig;
	sigpipes++;
}

/* The state of the line with local port @lport (and remote @rport if
 * not 0) in /proc/net/wren/tcp, or -1.
 */
static int proc_state(int lport, int rport)
{
	char *text = wt_read_file("/proc/net/wren/tcp");
	int st = -1;

	if (!text)
		return -1;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		unsigned int a, p, ra, rp, s;

		if (sscanf(l, "%*d: %x:%x %x:%x %x", &a, &p, &ra, &rp, &s) != 5)
			continue;
		if ((int)p == lport && (!rport || (int)rp == rport))
			st = (int)s;
	}
	free(text);
	return st;
}

/* Does `wrenstat -t -a -n` show local port @lport (remote @rport if not
 * 0) in state @state?  Its queues go to *rxq, *txq.
 */
static bool stat_has(int lport, int rport, const char *state, long *rxq,
		     long *txq)
{
	char *out = wt_out("wrenstat -t -a -n");
	char lsuf[16], rsuf[16];
	bool found = false;

	if (!out)
		return false;
	snprintf(lsuf, sizeof(lsuf), ":%d", lport);
	snprintf(rsuf, sizeof(rsuf), ":%d", rport);
	for (char *l = strtok(out, "\n"); l; l = strtok(NULL, "\n")) {
		char proto[8], la[32], ra[32], st[16];
		long rq, tq;
		size_t n, m;

		if (sscanf(l, "%7s %ld %ld %31s %31s %15s", proto, &rq, &tq,
			   la, ra, st) != 6 || strcmp(proto, "tcp"))
			continue;
		n = strlen(la);
		m = strlen(ra);
		if (n < strlen(lsuf) || strcmp(la + n - strlen(lsuf), lsuf))
			continue;
		if (rport && (m < strlen(rsuf) ||
			      strcmp(ra + m - strlen(rsuf), rsuf)))
			continue;
		if (strcmp(st, state))
			continue;
		found = true;
		if (rxq)
			*rxq = rq;
		if (txq)
			*txq = tq;
	}
	free(out);
	return found;
}

/* State @st (number) with name @name held in both views. */
#define EXPECT_STATE(lport, rport, st, name) do {			\
	EXPECT_TRUE(WT_WAIT(3000, proc_state(lport, rport) == (st)))	\
		TH_LOG("%s: proc says %d", name, proc_state(lport, rport)); \
	EXPECT_TRUE(stat_has(lport, rport, name, NULL, NULL))		\
		TH_LOG("%s not in wrenstat", name);			\
} while (0)

/* A Linux client in the peer namespace connected to wren's @port. */
static int linux_client(int port)
{
	struct sockaddr_in a = nt_sin(WS_WREN_IP, port);
	int fd = nt_socket(WT_PEER_NS, AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

static unsigned short csum16(const void *p, size_t len, unsigned long sum)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += b[i] << 8 | b[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

/* A SYN to wren's @dport from NOBODY_IP:@sport, sent by the peer's raw
 * socket with our own IP header: wren's SYN-ACK goes nowhere.
 */
static int spoofed_syn(unsigned short sport, unsigned short dport)
{
	struct sockaddr_in dst = nt_sin(WS_WREN_IP, dport);
	unsigned char pkt[40];
	struct iphdr *ip = (struct iphdr *)pkt;
	struct tcphdr *th = (struct tcphdr *)(pkt + 20);
	struct {
		unsigned int saddr, daddr;
		unsigned char zero, proto;
		unsigned short len;
	} ph;
	unsigned short ck;
	unsigned long sum = 0;
	const unsigned char *b;
	int fd, one = 1, rc;
	size_t i;

	fd = nt_socket(WT_PEER_NS, AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one));
	memset(pkt, 0, sizeof(pkt));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_TCP;
	ip->tot_len = htons(sizeof(pkt));
	ip->saddr = inet_addr(NOBODY_IP);
	ip->daddr = inet_addr(WS_WREN_IP);
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(0x12345678);
	th->doff = 5;
	th->syn = 1;
	th->window = htons(65535);
	ph.saddr = ip->saddr;
	ph.daddr = ip->daddr;
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = htons(20);
	for (b = (const unsigned char *)&ph, i = 0; i < sizeof(ph); i += 2)
		sum += b[i] << 8 | b[i + 1];
	ck = htons(csum16(th, 20, sum));
	memcpy(&th->check, &ck, 2);
	rc = sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst,
		    sizeof(dst)) == sizeof(pkt) ? 0 : -1;
	close(fd);
	return rc;
}

FIXTURE(gaps) {
	int w, l;
};

FIXTURE_SETUP(gaps)
{
	struct sigaction sa = { .sa_handler = on_sigpipe };

	sigaction(SIGPIPE, &sa, NULL);
	ASSERT_EQ(0, ws_net_up());
	wt_shq("modprobe sch_netem");
	tt_netem_off();
	wt_shq("wrenctl arp del " WS_DEAD_IP " dev eth0 2>/dev/null");
	wt_shq("wrenctl arp del " NOBODY_IP " dev eth0 2>/dev/null");
	ASSERT_EQ(0, wt_sh("wrenctl arp add " WS_DEAD_IP " lladdr " NOBODY_MAC
			   " dev eth0 && wrenctl arp add " NOBODY_IP
			   " lladdr " NOBODY_MAC " dev eth0"));
	self->w = -1;
	self->l = -1;
}

FIXTURE_TEARDOWN(gaps)
{
	tt_netem_off();
	wt_shq("wrenctl arp del " WS_DEAD_IP " dev eth0 2>/dev/null");
	wt_shq("wrenctl arp del " NOBODY_IP " dev eth0 2>/dev/null");
	if (self->w >= 0)
		close(self->w);
	if (self->l >= 0)
		close(self->l);
}

/* LISTEN, SYN_RECV, ESTABLISHED, CLOSE_WAIT, LAST_ACK on a wren server. */
TEST_F_TIMEOUT(gaps, server_states, 60)
{
	int l, c, s;
	char buf[8];

	l = tt_listener(PORT, 8);
	ASSERT_LE(0, l);
	EXPECT_STATE(PORT, 0, 0x0A, "LISTEN");

	ASSERT_EQ(0, spoofed_syn(40000, PORT));
	EXPECT_STATE(PORT, 40000, 0x03, "SYN_RECV");

	c = linux_client(PORT);
	ASSERT_LE(0, c) TH_LOG("connect: %s", strerror(errno));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	EXPECT_STATE(PORT, ws_local_port(c), 0x01, "ESTABLISHED");

	/* The peer closes its half: CLOSE_WAIT for as long as we keep ours. */
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	ASSERT_EQ(0, read(s, buf, sizeof(buf)));
	EXPECT_STATE(PORT, ws_local_port(c), 0x08, "CLOSE_WAIT");
	wt_msleep(300);
	EXPECT_EQ(0x08, proc_state(PORT, ws_local_port(c)));

	/* Our FIN's ACK is dropped: LAST_ACK holds until it gets through. */
	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem loss 100%%"));
	close(s);
	EXPECT_STATE(PORT, ws_local_port(c), 0x09, "LAST_ACK");
	tt_netem_off();
	EXPECT_TRUE(WT_WAIT(10000, proc_state(PORT, ws_local_port(c)) < 0));
	ASSERT_EQ(0, read(c, buf, sizeof(buf)));
	close(c);
	close(l);
}

/* CLOSING held: our FIN (and the ACK of the peer's) cannot leave, so
 * the peer's FIN reaches us in FIN_WAIT1 and stays unanswered.
 */
TEST_F_TIMEOUT(gaps, closing_state, 60)
{
	int lp;
	char buf[8];

	ASSERT_EQ(0, tt_pair(PORT + 13, &self->w, &self->l));
	lp = ws_local_port(self->w);
	ASSERT_EQ(0, wt_sh("tc qdisc add dev eth0 root netem loss 100%%"));
	ASSERT_EQ(0, shutdown(self->w, SHUT_WR));
	EXPECT_STATE(lp, PORT + 13, 0x04, "FIN_WAIT1");
	ASSERT_EQ(0, shutdown(self->l, SHUT_WR));
	EXPECT_STATE(lp, PORT + 13, 0x0B, "CLOSING");
	wt_msleep(300);
	EXPECT_EQ(0x0B, proc_state(lp, PORT + 13));
	wt_shq("tc qdisc del dev eth0 root 2>/dev/null");
	EXPECT_TRUE(WT_WAIT(10000, proc_state(lp, PORT + 13) == 0x06));
	EXPECT_TRUE(stat_has(lp, PORT + 13, "TIME_WAIT", NULL, NULL));
	EXPECT_EQ(0, read(self->l, buf, sizeof(buf)));
	EXPECT_EQ(0, read(self->w, buf, sizeof(buf)));
}

/* SYN_SENT, FIN_WAIT1, FIN_WAIT2 on a wren client. */
TEST_F_TIMEOUT(gaps, client_states, 60)
{
	struct sockaddr_wren a = nt_swren(WS_DEAD_IP, PORT + 1);
	int fd, lp;
	char buf[8];

	fd = socket(AF_WREN, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EINPROGRESS, errno);
	lp = ws_local_port(fd);
	EXPECT_STATE(lp, PORT + 1, 0x02, "SYN_SENT");
	close(fd);

	ASSERT_EQ(0, tt_pair(PORT + 2, &self->w, &self->l));
	lp = ws_local_port(self->w);
	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem loss 100%%"));
	ASSERT_EQ(0, shutdown(self->w, SHUT_WR));
	EXPECT_STATE(lp, PORT + 2, 0x04, "FIN_WAIT1");
	wt_msleep(300);
	EXPECT_EQ(0x04, proc_state(lp, PORT + 2));
	tt_netem_off();
	/* The FIN goes again on the RTO; the peer never closes. */
	EXPECT_TRUE(WT_WAIT(10000, proc_state(lp, PORT + 2) == 0x05));
	EXPECT_TRUE(stat_has(lp, PORT + 2, "FIN_WAIT2", NULL, NULL));
	ASSERT_EQ(0, read(self->l, buf, sizeof(buf)));
	/* Half-closed: the peer can still send to us. */
	ASSERT_EQ(4, write(self->l, "back", 4));
	ASSERT_EQ(4, read(self->w, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "back", 4));
}

/* The other half-close: the peer stops sending, we still send to it. */
TEST_F(gaps, half_close_peer_side)
{
	char buf[8];

	ASSERT_EQ(0, tt_pair(PORT + 3, &self->w, &self->l));
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
TEST_F(gaps, sigpipe_after_shutdown)
{
	ASSERT_EQ(0, tt_pair(PORT + 4, &self->w, &self->l));
	ASSERT_EQ(0, shutdown(self->w, SHUT_WR));
	sigpipes = 0;
	EXPECT_EQ(-1, send(self->w, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, sigpipes);
	EXPECT_EQ(-1, write(self->w, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, sigpipes);
}

/* After the peer's reset: as Linux, the first send may report the
 * pending ECONNRESET; from then on EPIPE and SIGPIPE.
 */
TEST_F(gaps, sigpipe_after_peer_reset)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	int lp;

	ASSERT_EQ(0, tt_pair(PORT + 5, &self->w, &self->l));
	lp = ws_local_port(self->w);
	ASSERT_EQ(0, setsockopt(self->l, SOL_SOCKET, SO_LINGER, &lg,
				sizeof(lg)));
	close(self->l);
	self->l = -1;
	EXPECT_TRUE(WT_WAIT(3000, proc_state(lp, PORT + 5) < 0));
	sigpipes = 0;
	if (send(self->w, "x", 1, MSG_NOSIGNAL) == -1 && errno == ECONNRESET)
		TH_LOG("first send: ECONNRESET");
	else
		EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, send(self->w, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(0, sigpipes);
	EXPECT_EQ(-1, write(self->w, "x", 1));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(1, sigpipes);
}

/* A black hole: TCP_USER_TIMEOUT ends connect() with ETIMEDOUT;
 * SO_SNDTIMEO ends it with EINPROGRESS and the attempt goes on.
 */
TEST_F_TIMEOUT(gaps, connect_timeout, 60)
{
	struct sockaddr_wren a = nt_swren(WS_DEAD_IP, PORT + 6);
	struct timeval tv = { .tv_usec = 300000 };
	int v = 2000, fd, err = -1;
	socklen_t len = sizeof(err);
	double t0;

	fd = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &v,
				sizeof(v)));
	t0 = wt_now();
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_LE(1.5, wt_now() - t0);
	EXPECT_GT(10.0, wt_now() - t0);
	close(fd);

	fd = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)));
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_TCP, TCP_USER_TIMEOUT, &v,
				sizeof(v)));
	t0 = wt_now();
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EINPROGRESS, errno);
	EXPECT_GT(1.5, wt_now() - t0);
	EXPECT_EQ(0x02, proc_state(ws_local_port(fd), PORT + 6));
	/* The attempt then times out: SO_ERROR says so. */
	EXPECT_TRUE(WT_WAIT(10000, proc_state(ws_local_port(fd),
					      PORT + 6) < 0));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(ETIMEDOUT, err);
	close(fd);
}

/* Keepalive notices a peer whose link went down (the NIC's, via QEMU). */
TEST_F_TIMEOUT(gaps, keepalive_link_down, 60)
{
	char c;

	ASSERT_EQ(0, tt_pair(PORT + 7, &self->w, &self->l));
	ASSERT_EQ(0, tt_keepalive(self->w, 1, 1, 2));
	ASSERT_EQ(0, wt_qmon("set_link nic0 off"));
	EXPECT_EQ(-1, read(self->w, &c, 1));
	EXPECT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(0, wt_qmon("set_link nic0 on"));
	EXPECT_TRUE(WT_WAIT(10000, wt_carrier("eth0") == 1));
	EXPECT_TRUE(WT_WAIT(15000, wt_shq("wrenping -c 1 -W 1 "
					  WS_PEER_IP) == 0));
}

/* A reader that stops: the writer gets EAGAIN, wrenstat's Send-Q and
 * Recv-Q are the true counts, everything arrives once reading resumes.
 */
TEST_F_TIMEOUT(gaps, stalled_reader_queues, 90)
{
	static char buf[65536];
	long long sent = 0, got = 0, segs;
	long rxq = -1, txq = -1;
	int lp, outq = -1, inq = -1, c, s, l;
	struct wren_tcp_info ti;
	socklen_t len;
	ssize_t n;

	ASSERT_EQ(0, tt_pair(PORT + 8, &self->w, &self->l));
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
	EXPECT_TRUE(stat_has(lp, PORT + 8, "ESTABLISHED", NULL, &txq));
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
	l = tt_listener(PORT + 9, 4);
	ASSERT_LE(0, l);
	c = linux_client(PORT + 9);
	ASSERT_LE(0, c);
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_EQ(20000, write(c, buf, 20000));
	EXPECT_TRUE(WT_WAIT(3000, ioctl(s, SIOCINQ, &inq) == 0 &&
				  inq == 20000));
	EXPECT_TRUE(stat_has(PORT + 9, ws_local_port(c), "ESTABLISHED", &rxq,
			     NULL));
	EXPECT_EQ(20000, rxq);
	close(c);
	close(s);
	close(l);
}

/* Successive ISNs fit no line: least squares over the index leaves
 * residuals of the order of the whole space.
 */
TEST_F_TIMEOUT(gaps, isn_unpredictable, 60)
{
	enum { N = 24 };
	double x[N], y[N], sx = 0, sy = 0, sxx = 0, sxy = 0, a, b, rss = 0;
	struct sockaddr_in la = nt_sin(NULL, PORT + 10);
	struct sockaddr_wren ra = nt_swren(WS_PEER_IP, PORT + 10);
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

TEST_F(gaps, option_round_trips)
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

/* WREN_TCP_INFO during a bulk send: cwnd grows, RTT is measured. */
TEST_F_TIMEOUT(gaps, tcp_info_moves, 90)
{
	static char buf[65536];
	struct wren_tcp_info t0, t1;
	long long sent = 0, got = 0;
	socklen_t len;
	ssize_t n;

	ASSERT_EQ(0, tt_pair(PORT + 11, &self->w, &self->l));
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

/* Non-blocking accept and recv through level-triggered epoll: the event
 * repeats until the condition is consumed.
 */
TEST_F(gaps, epoll_level_triggered)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int ep, l, c, s;
	char buf[8];

	l = tt_listener(PORT + 12, 4);
	ASSERT_LE(0, l);
	ASSERT_EQ(0, fcntl(l, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, accept(l, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	ep = epoll_create1(0);
	ASSERT_LE(0, ep);
	ev.data.fd = l;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, l, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 100));
	c = linux_client(PORT + 12);
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

TEST_HARNESS_MAIN
