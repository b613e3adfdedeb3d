// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: the edges make check did not reach before.
 *
 *   pmtu_*        ICMP frag needed from a Linux router in the peer's
 *                 namespace shrinks wren's segments mid-transfer
 *   retries2_*    `wrenctl set tcp_retries2 3`: a black-holed connection
 *                 gives up with ETIMEDOUT and leaves /proc
 *   linger_*      SO_LINGER {1, N}: close() waits for the peer's ACK, or
 *                 returns after N s leaving an orphan that still delivers
 *   maxseg_*      TCP_MAXSEG before connect: what the Linux peer sees
 *   challenge_*   RFC 5961 7: challenge ACKs capped, the rest counted
 *   finwait2_*    an orphan in FIN_WAIT2 goes after TCP_LINGER2
 *   paws_*        RFC 7323 PAWS drops a forged segment with an old TSval
 *   tcp_info_*    Linux's TCP_INFO on an AF_WREN socket during a transfer
 *   mem_*         `wrenctl set tcp_mem_limit`: stalled readers and a live
 *                 transfer under a 2 MiB namespace limit
 *   hystart_*     CUBIC leaves slow start when a router's queue starts to
 *                 build, before it holds hundreds of milliseconds
 *   diff_*        poll masks and errnos, AF_INET (guest Linux over veth)
 *                 against AF_WREN (wren to the peer's Linux), must match
 *
 * Forged segments come from a raw socket in the peer's namespace, as in
 * tcp_5961.c.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "tcp.h"

#define FAR_NS		"edgefar"	/* behind the peer, for PMTU */
#define FAR_IP		"203.0.113.2"
#define FAR_GW		"203.0.113.1"
#define FAR_MTU		1000
#define LIN_NS		"edgelin"	/* AF_INET peer for diff_* */
#define LIN_MY_IP	"198.51.100.65"
#define LIN_PEER_IP	"198.51.100.66"
#define LIN_DEAD_IP	"198.51.100.73"

/* ---- small helpers -------------------------------------------------------- */

static long long tcpext(const char *field)
{
	return ws_snmp("TcpExt", field);
}

static int wren_info(int fd, struct wren_tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	return getsockopt(fd, IPPROTO_TCP, WREN_TCP_INFO, ti, &len);
}

/*
 * State of the /proc/net/wren/tcp line whose local port is @lport (-1:
 * none), its tx_queue in *@txq if not NULL.
 */
static int proc_state(int lport, unsigned int *txq)
{
	char *text = wt_read_file("/proc/net/wren/tcp"), *line, *save;
	int st = -1;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int lp, s, tx, rx;

		if (sscanf(line, "%*d: %*x:%x %*x:%*x %x %x:%x", &lp, &s,
			   &tx, &rx) == 4 && (int)lp == lport) {
			st = s;
			if (txq)
				*txq = tx;
			break;
		}
	}
	free(text);
	return st;
}

static int local_port(int fd)
{
	struct sockaddr_wren a;
	socklen_t len = sizeof(a);

	if (getsockname(fd, (struct sockaddr *)&a, &len))
		return -1;
	return ntohs(a.swren_port);
}

/* A Linux listener on @port in namespace @ns. */
static int linux_listener(const char *ns, int port)
{
	struct sockaddr_in la = nt_sin(NULL, port);
	int one = 1, fd = nt_socket(ns, AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&la, sizeof(la)) || listen(fd, 16)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Is the connection still carrying data both ways? */
static bool alive(int w, int l)
{
	char c;

	if (write(w, "a", 1) != 1 || read(l, &c, 1) != 1 || c != 'a')
		return false;
	if (write(l, "b", 1) != 1 || read(w, &c, 1) != 1 || c != 'b')
		return false;
	return true;
}

/* ---- threads that move and hash the pattern ------------------------------- */

struct flow {
	int fd;
	long long bytes;	/* send: to send; recv: received */
	bool shut;		/* send: shutdown(SHUT_WR) at the end */
	int err;		/* errno of a failure, 0 */
	volatile int done;	/* the thread is about to end */
	char hex[WT_SHA256_HEX];
	pthread_t th;
};

static void *send_fn(void *arg)
{
	struct flow *f = arg;
	static __thread char buf[65536];
	struct wt_sha256 c;
	long long off = 0;

	wt_sha256_init(&c);
	while (off < f->bytes) {
		size_t n = f->bytes - off < (long long)sizeof(buf) ?
			   (size_t)(f->bytes - off) : sizeof(buf);
		ssize_t w;

		wt_pattern_fill(buf, n, off, WT_PATTERN_SEED);
		w = send(f->fd, buf, n, MSG_NOSIGNAL);
		if (w <= 0) {
			f->err = w < 0 ? errno : EIO;
			break;
		}
		wt_sha256_update(&c, buf, w);
		off += w;
	}
	if (f->shut)
		shutdown(f->fd, SHUT_WR);
	wt_sha256_final_hex(&c, f->hex);
	f->done = 1;
	return NULL;
}

static void *recv_fn(void *arg)
{
	struct flow *f = arg;
	static __thread char buf[65536];
	struct wt_sha256 c;
	ssize_t r;

	wt_sha256_init(&c);
	f->bytes = 0;
	while ((r = recv(f->fd, buf, sizeof(buf), 0)) > 0) {
		wt_sha256_update(&c, buf, r);
		f->bytes += r;
	}
	if (r < 0)
		f->err = errno;
	wt_sha256_final_hex(&c, f->hex);
	f->done = 1;
	return NULL;
}

static int flow_start(struct flow *f, int fd, bool send, long long bytes)
{
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->bytes = bytes;
	f->shut = true;
	return pthread_create(&f->th, NULL, send ? send_fn : recv_fn, f);
}

static void flow_join(struct flow *f)
{
	pthread_join(f->th, NULL);
}

/* ---- forged segments from the peer's namespace ----------------------------- */

/* ---- the fixture: wren on eth0, a pair with the peer's Linux ---------------- */

FIXTURE(edge) {
	int w, l;
};

FIXTURE_SETUP(edge)
{
	signal(SIGPIPE, SIG_IGN);
	self->w = self->l = -1;
	ASSERT_EQ(0, ws_net_up());
	wt_shq("modprobe sch_netem");
}

FIXTURE_TEARDOWN(edge)
{
	if (self->w >= 0)
		close(self->w);
	if (self->l >= 0)
		close(self->l);
	tt_netem_off();
	wt_peerq("tc qdisc del dev pm0 root 2>/dev/null");
	wt_peerq("ethtool -K peer0 gro on");
}

/* ---- 1. PMTU --------------------------------------------------------------- */

/*
 * The peer's namespace routes to FAR_NS over a veth; its route there has
 * MTU FAR_MTU (locked), so Linux answers wren's 1500-byte DF segments with
 * ICMP frag needed (mtu FAR_MTU).  The far end's own MTU stays 1500, so
 * its MSS option does not hide the problem.
 */
static int far_up(void)
{
	static const char *flag = "/run/wren-edge.far";

	if (access(flag, F_OK) == 0)
		return 0;
	wt_shq("modprobe veth");
	if (wt_sh("ip netns add " FAR_NS " && ip link add pm0 type veth peer "
		  "name pm1 && ip link set pm0 netns " WT_PEER_NS " && "
		  "ip link set pm1 netns " FAR_NS))
		return -1;
	if (wt_peer("ip addr add " FAR_GW "/24 dev pm0 && ip link set pm0 up "
		    "&& sysctl -qw net.ipv4.ip_forward=1 && "
		    "ip route replace 203.0.113.0/24 dev pm0 mtu lock %d",
		    FAR_MTU))
		return -1;
	if (wt_run(FAR_NS, "ip link set lo up && ip addr add " FAR_IP
		   "/24 dev pm1 && ip link set pm1 up && "
		   "ip route add default via " FAR_GW))
		return -1;
	if (wt_sh("wrenctl route add 203.0.113.0/24 via %s dev eth0",
		  WS_PEER_IP))
		return -1;
	wt_sh("touch %s", flag);
	return 0;
}

/*
 * *w: a wren socket connected to the far end's Linux listener on @port, *l;
 * with TCP_MAXSEG @maxseg first unless 0.
 */
static int far_pair(int port, int maxseg, int *w, int *l)
{
	struct sockaddr_wren a = nt_swren(FAR_IP, port);
	int lfd;

	if (far_up())
		return -1;
	lfd = linux_listener(FAR_NS, port);
	if (lfd < 0)
		return -1;
	*w = socket(AF_WREN, SOCK_STREAM, 0);
	if (*w >= 0 && maxseg)
		setsockopt(*w, IPPROTO_TCP, TCP_MAXSEG, &maxseg,
			   sizeof(maxseg));
	if (*w < 0 || connect(*w, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "# far pair: connect: %s\n", strerror(errno));
		close(lfd);
		return -1;
	}
	*l = accept(lfd, NULL, NULL);
	close(lfd);
	return *l < 0 ? -1 : 0;
}

TEST_F_TIMEOUT(edge, pmtu_frag_needed_shrinks_segments, 300)
{
	long long icmp_in = ws_snmp("Icmp", "InDestUnreachs");
	long long peer_out;
	struct wren_tcp_info ti;
	struct tcp_info li;
	socklen_t len;
	struct flow s, r;

	ASSERT_EQ(0, far_up());
	peer_out = wt_snmp(WT_PEER_NS, "/proc/net/snmp", "Icmp",
			   "OutDestUnreachs");
	ASSERT_EQ(0, far_pair(7001, 0, &self->w, &self->l));
	ASSERT_EQ(0, wren_info(self->w, &ti));
	TH_LOG("before: pmtu %u snd_mss %u", ti.pmtu, ti.snd_mss);
	EXPECT_EQ(1500U, ti.pmtu);
	EXPECT_LT(FAR_MTU - 40U, ti.snd_mss);	/* starts big */

	ASSERT_EQ(0, flow_start(&r, self->l, false, 0));
	ASSERT_EQ(0, flow_start(&s, self->w, true, 4 * WT_MIB));
	flow_join(&s);
	flow_join(&r);
	EXPECT_EQ(0, s.err);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(4 * WT_MIB, r.bytes);
	EXPECT_STREQ(s.hex, r.hex);

	ASSERT_EQ(0, wren_info(self->w, &ti));
	TH_LOG("after: pmtu %u snd_mss %u retrans %u; router sent %lld "
	       "frag needed, wren got %lld dest unreachables", ti.pmtu,
	       ti.snd_mss, ti.total_retrans,
	       wt_snmp(WT_PEER_NS, "/proc/net/snmp", "Icmp",
		       "OutDestUnreachs") - peer_out,
	       ws_snmp("Icmp", "InDestUnreachs") - icmp_in);
	EXPECT_EQ((unsigned int)FAR_MTU, ti.pmtu);
	EXPECT_GE(FAR_MTU - 40U, ti.snd_mss);
	/* The far end's Linux saw the smaller segments too. */
	len = sizeof(li);
	ASSERT_EQ(0, getsockopt(self->l, IPPROTO_TCP, TCP_INFO, &li, &len));
	TH_LOG("far end: rcv_mss %u", li.tcpi_rcv_mss);
	EXPECT_GE(FAR_MTU - 40U, li.tcpi_rcv_mss);
	EXPECT_LT(0U, li.tcpi_rcv_mss);
	EXPECT_LT(peer_out, wt_snmp(WT_PEER_NS, "/proc/net/snmp", "Icmp",
				    "OutDestUnreachs"));
	EXPECT_LT(icmp_in, ws_snmp("Icmp", "InDestUnreachs"));
}

/* ---- 2. tcp_retries2 ---------------------------------------------------------- */

/* Data outstanding, every segment lost both ways; wait for the abort. */
static int blackhole_abort(struct __test_metadata *_metadata, int w, int l)
{
	static char buf[32768];
	struct pollfd p = { .fd = w, .events = POLLIN };
	long long abort0 = tcpext("TCPAbortOnTimeout");
	int lport = local_port(w);

	ASSERT_EQ(0, wt_sh("tc qdisc replace dev eth0 root netem loss 100%% "
			   "&& ip netns exec %s tc qdisc replace dev peer0 "
			   "root netem loss 100%%", WT_PEER_NS)) return -1;
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ((ssize_t)sizeof(buf), send(w, buf, sizeof(buf), 0));
	/* 3 RTOs from 200 ms up: seconds; generous for a slow guest. */
	EXPECT_EQ(1, poll(&p, 1, 90000));
	TH_LOG("revents %#x after the black hole", p.revents);
	EXPECT_TRUE(p.revents & POLLERR);
	EXPECT_TRUE(WT_WAIT(5000, proc_state(lport, NULL) < 0));
	EXPECT_EQ(abort0 + 1, tcpext("TCPAbortOnTimeout"));
	tt_netem_off();
	return 0;
}

TEST_F_TIMEOUT(edge, retries2_recv_etimedout, 200)
{
	char *out, c;

	ASSERT_EQ(0, wt_sh("wrenctl set tcp_retries2 3"));
	out = wt_out("wrenctl get");
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "tcp_retries2 3\n") ? out : NULL);
	free(out);
	ASSERT_EQ(0, tt_pair(7002, &self->w, &self->l));
	ASSERT_EQ(0, blackhole_abort(_metadata, self->w, self->l));
	wt_sh("wrenctl set tcp_retries2 15");
	EXPECT_EQ(-1, recv(self->w, &c, 1, 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(0, recv(self->w, &c, 1, 0));		/* then EOF */
	EXPECT_EQ(-1, send(self->w, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
}

TEST_F_TIMEOUT(edge, retries2_so_error_etimedout, 200)
{
	socklen_t len = sizeof(int);
	int err = -1;

	ASSERT_EQ(0, wt_sh("wrenctl set tcp_retries2 3"));
	ASSERT_EQ(0, tt_pair(7003, &self->w, &self->l));
	ASSERT_EQ(0, blackhole_abort(_metadata, self->w, self->l));
	wt_sh("wrenctl set tcp_retries2 15");
	ASSERT_EQ(0, getsockopt(self->w, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(ETIMEDOUT, err);
	ASSERT_EQ(0, getsockopt(self->w, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(0, err);				/* read once */
}

TEST(retries2_setting_bounds)
{
	char *out;

	ASSERT_EQ(0, ws_net_up());
	EXPECT_NE(0, wt_sh("wrenctl set tcp_retries2 0 2>&1"));
	EXPECT_NE(0, wt_sh("wrenctl set tcp_retries2 256 2>&1"));
	EXPECT_NE(0, wt_sh("wrenctl set tcp_mem_limit 100 2>&1"));
	out = wt_out("wrenctl get");
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "tcp_retries2 15\n") ? out : NULL)
		TH_LOG("%s", out);
	EXPECT_NE(NULL, strstr(out, "tcp_mem_limit ") ? out : NULL);
	free(out);
}

/* ---- 3. SO_LINGER ----------------------------------------------------------------- */

TEST_F_TIMEOUT(edge, linger_waits_for_ack, 300)
{
	struct linger lg = { 1, 60 };
	struct flow r;
	struct wt_sha256 c;
	static char buf[65536];
	char hex[WT_SHA256_HEX];
	long long off;
	unsigned int txq = 1;
	int lport, st;

	ASSERT_EQ(0, tt_pair(7004, &self->w, &self->l));
	lport = local_port(self->w);
	ASSERT_EQ(0, flow_start(&r, self->l, false, 0));
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
	st = proc_state(lport, &txq);
	TH_LOG("after close: state %d tx_queue %u", st, txq);
	EXPECT_TRUE(st == TCP_FIN_WAIT2 || st == TCP_TIME_WAIT || st < 0);
	if (st == TCP_FIN_WAIT2)
		EXPECT_EQ(0U, txq);
	flow_join(&r);
	EXPECT_EQ(WT_MIB, r.bytes);
	EXPECT_STREQ(hex, r.hex);
}

TEST_F_TIMEOUT(edge, linger_times_out_orphan_delivers, 300)
{
	struct linger lg = { 1, 2 };
	static char buf[65536];
	struct wt_sha256 c;
	char hex[WT_SHA256_HEX];
	long long off = 0;
	unsigned int txq = 0;
	double t0, t;
	struct flow r;
	int lport, st, sz = 256 * 1024;
	ssize_t n;

	ASSERT_EQ(0, tt_pair(7005, &self->w, &self->l));
	/* Small peer buffer, stalled reader: our data cannot all go. */
	setsockopt(self->l, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	lport = local_port(self->w);
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
	st = proc_state(lport, &txq);
	TH_LOG("close took %.2f s; then state %d tx_queue %u", t, st, txq);
	EXPECT_LE(1.5, t);
	/* Not reset: an orphan in FIN_WAIT1 with the data still to go. */
	EXPECT_EQ(TCP_FIN_WAIT1, st);
	EXPECT_LT(0U, txq);
	/* The orphan delivers everything once the peer reads, then FIN. */
	ASSERT_EQ(0, flow_start(&r, self->l, false, 0));
	flow_join(&r);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(off, r.bytes);
	EXPECT_STREQ(hex, r.hex);
}

/* ---- 4. TCP_MAXSEG ------------------------------------------------------------------ */

TEST_F_TIMEOUT(edge, maxseg_before_connect, 200)
{
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, 7006);
	struct tcp_info li;
	struct wren_tcp_info ti;
	socklen_t len = sizeof(li);
	struct flow s, r;
	int mss = 700, lfd, v;

	lfd = linux_listener(WT_PEER_NS, 7006);
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

	ASSERT_EQ(0, wren_info(self->w, &ti));
	EXPECT_EQ((unsigned int)mss, ti.advmss);
	EXPECT_GE((unsigned int)mss, ti.snd_mss);
	ASSERT_EQ(0, flow_start(&r, self->l, false, 0));
	ASSERT_EQ(0, flow_start(&s, self->w, true, 2 * WT_MIB));
	flow_join(&s);
	flow_join(&r);
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

/* ---- 5. RFC 5961 7: challenge ACK limit --------------------------------------------- */

static int raw_pair(struct __test_metadata *_metadata, int port, int *w,
		    int *l, struct wren_tcp_info *ti)
{
	int raw;

	ASSERT_EQ(0, tt_pair(port, w, l)) return -1;
	ASSERT_TRUE(alive(*w, *l)) return -1;
	ASSERT_EQ(0, wren_info(*w, ti)) return -1;
	raw = nt_socket(WT_PEER_NS, AF_INET, SOCK_RAW, IPPROTO_TCP);
	ASSERT_LE(0, raw) return -1;
	return raw;
}

TEST_F_TIMEOUT(edge, challenge_ack_rate_limited, 200)
{
	long long ch0, lim0, ch, lim;
	struct wren_tcp_info ti;
	double t0, t;
	int raw, i, wport, n = 300;

	raw = raw_pair(_metadata, 7007, &self->w, &self->l, &ti);
	ASSERT_LE(0, raw);
	wport = local_port(self->w);
	wt_msleep(1100);	/* a fresh one-second budget */
	ch0 = tcpext("TCPChallengeACK");
	lim0 = tcpext("TCPChallengeACKLimited");
	ASSERT_LE(0, ch0);
	/* In-window RSTs that miss RCV.NXT: each asks for a challenge. */
	t0 = wt_now();
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, tt_forge(raw, 7007, wport, ti.rcv_nxt + 100 + i, 0,
				   TH_RST, NULL, 0, NULL, 0));
	t = wt_now() - t0;
	/* Wait until the burst is accounted for (or stops growing). */
	WT_WAIT(5000, tcpext("TCPChallengeACK") - ch0 +
		      tcpext("TCPChallengeACKLimited") - lim0 >= n);
	wt_msleep(300);
	ch = tcpext("TCPChallengeACK") - ch0;
	lim = tcpext("TCPChallengeACKLimited") - lim0;
	TH_LOG("%d RSTs in %.3f s: %lld challenge ACKs, %lld limited", n, t,
	       ch, lim);
	EXPECT_LE(1, ch);
	EXPECT_LE(1, lim);
	/* At most 100 a second: the burst spans t s, i.e. ceil(t)+1 windows. */
	EXPECT_GE(100 * ((long long)t + 2), ch);
	EXPECT_GE(n, ch + lim);
	EXPECT_TRUE(alive(self->w, self->l));
	close(raw);
}

TEST_F_TIMEOUT(edge, challenge_ack_syn_any_seq, 200)
{
	long long ch0, lim0, ch, lim, oow0;
	struct wren_tcp_info ti;
	int raw, i, wport, n = 300;

	raw = raw_pair(_metadata, 7008, &self->w, &self->l, &ti);
	ASSERT_LE(0, raw);
	wport = local_port(self->w);
	ch0 = tcpext("TCPChallengeACK");
	lim0 = tcpext("TCPChallengeACKLimited");
	oow0 = ws_snmp("WrenDrop", "TcpOutOfWindow");
	/* Out-of-window RSTs: dropped silently (RFC 5961 3.2). */
	for (i = 0; i < 50; i++)
		ASSERT_EQ(0, tt_forge(raw, 7008, wport,
				   ti.rcv_nxt + 0x40000000 + i, 0, TH_RST,
				   NULL, 0, NULL, 0));
	EXPECT_TRUE(WT_WAIT(5000, ws_snmp("WrenDrop", "TcpOutOfWindow") -
				  oow0 >= 50));
	EXPECT_EQ(ch0, tcpext("TCPChallengeACK"));
	EXPECT_EQ(lim0, tcpext("TCPChallengeACKLimited"));
	/* SYNs, out of window: challenge ACKs, rate-limited (4.2). */
	wt_msleep(1100);
	ch0 = tcpext("TCPChallengeACK");
	lim0 = tcpext("TCPChallengeACKLimited");
	for (i = 0; i < n; i++)
		ASSERT_EQ(0, tt_forge(raw, 7008, wport,
				   ti.rcv_nxt + 0x40000000 + i, 0, TH_SYN,
				   NULL, 0, NULL, 0));
	WT_WAIT(5000, tcpext("TCPChallengeACK") - ch0 +
		      tcpext("TCPChallengeACKLimited") - lim0 >= n);
	wt_msleep(300);
	ch = tcpext("TCPChallengeACK") - ch0;
	lim = tcpext("TCPChallengeACKLimited") - lim0;
	TH_LOG("%d SYNs: %lld challenge ACKs, %lld limited", n, ch, lim);
	EXPECT_LE(1, ch);
	EXPECT_LE(1, lim);
	EXPECT_GE(n, ch + lim);
	EXPECT_TRUE(alive(self->w, self->l));
	close(raw);
}

/* ---- 6. FIN_WAIT2 orphans ----------------------------------------------------------- */

TEST_F_TIMEOUT(edge, finwait2_orphan_expires, 200)
{
	int lport, sec = 3, st = -1;
	double t0;
	char c;

	ASSERT_EQ(0, tt_pair(7009, &self->w, &self->l));
	ASSERT_TRUE(alive(self->w, self->l));
	ASSERT_EQ(0, setsockopt(self->w, IPPROTO_TCP, TCP_LINGER2, &sec,
				sizeof(sec)));
	lport = local_port(self->w);
	t0 = wt_now();
	close(self->w);
	self->w = -1;
	/* The peer's Linux ACKs our FIN and stays in CLOSE_WAIT. */
	EXPECT_EQ(0, read(self->l, &c, 1));
	EXPECT_TRUE(WT_WAIT(10000, (st = proc_state(lport, NULL)) ==
				   TCP_FIN_WAIT2 || st < 0));
	EXPECT_EQ(TCP_FIN_WAIT2, st) TH_LOG("state %d at %.2f s", st,
					    wt_now() - t0);
	/* Gone after TCP_LINGER2 (3 s); generous for a slow guest. */
	EXPECT_TRUE(WT_WAIT(60000, proc_state(lport, NULL) < 0));
	TH_LOG("gone %.2f s after close()", wt_now() - t0);
	EXPECT_LE(2.0, wt_now() - t0);
}

/* ---- 7. PAWS --------------------------------------------------------------------- */

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

TEST_F_TIMEOUT(edge, paws_drops_old_tsval, 200)
{
	long long paws0 = tcpext("PAWSEstab");
	struct wren_tcp_info ti, t2;
	unsigned char opts[12];
	unsigned int tsecr, v;
	int raw, wport;
	char c;

	raw = raw_pair(_metadata, 7010, &self->w, &self->l, &ti);
	ASSERT_LE(0, raw);
	ASSERT_TRUE(ti.options & WREN_TCPI_OPT_TIMESTAMPS);
	wport = local_port(self->w);
	ASSERT_EQ(1, write(self->w, "t", 1));
	ASSERT_EQ(0, peer_tsecr(raw, wport, 7010, &tsecr));
	ASSERT_EQ(1, read(self->l, &c, 1));
	ASSERT_TRUE(alive(self->w, self->l));
	ASSERT_EQ(0, wren_info(self->w, &ti));

	/* NOP NOP TS(old TSval, echo anything), in window, with data. */
	opts[0] = 1;
	opts[1] = 1;
	opts[2] = 8;
	opts[3] = 10;
	v = htonl(tsecr - 100000);
	memcpy(opts + 4, &v, 4);
	v = htonl(1);
	memcpy(opts + 8, &v, 4);
	ASSERT_EQ(0, tt_forge(raw, 7010, wport, ti.rcv_nxt, ti.snd_nxt,
			   TH_ACK | TH_PUSH, opts, sizeof(opts), "EVIL", 4));
	EXPECT_TRUE(WT_WAIT(5000, tcpext("PAWSEstab") > paws0));
	EXPECT_EQ(0, ws_wait(self->w, POLLIN, 500) & POLLIN);
	ASSERT_EQ(0, wren_info(self->w, &t2));
	EXPECT_EQ(ti.rcv_nxt, t2.rcv_nxt);		/* not taken */
	EXPECT_TRUE(alive(self->w, self->l));
	close(raw);
}

/* ---- 8. Linux's TCP_INFO ------------------------------------------------------------ */

TEST_F_TIMEOUT(edge, tcp_info_linux_struct, 200)
{
	struct tcp_info li;
	struct wren_tcp_info ti;
	socklen_t len;
	struct flow s, r;
	int samples = 0, good = 0;

	ASSERT_EQ(0, tt_pair(7011, &self->w, &self->l));
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

	ASSERT_TRUE(alive(self->w, self->l));	/* an RTT sample */
	ASSERT_EQ(0, flow_start(&r, self->l, false, 0));
	ASSERT_EQ(0, flow_start(&s, self->w, true, 8 * WT_MIB));
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
	flow_join(&s);
	flow_join(&r);
	EXPECT_STREQ(s.hex, r.hex);
	ASSERT_EQ(0, wren_info(self->w, &ti));
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
}

/* ---- 9. namespace memory limit ---------------------------------------------------- */

#define MEM_STALLED	3

TEST_F_TIMEOUT(edge, mem_limit_pressure, 600)
{
	int w[MEM_STALLED], l[MEM_STALLED], i, aw, al;
	long long ofo0 = tcpext("TCPOFODrop"), used0, used, peak = 0;
	long long limit, rq0 = tcpext("TCPRcvQDrop");
	static char buf[65536];
	struct wren_tcp_info ti;
	struct flow s, r;
	char *out;
	long long unread = 0;
	unsigned int min_wnd = ~0U, wnd_lim = 0;

	used0 = tcpext("TCPMemUsed");
	ASSERT_EQ(0, wt_sh("wrenctl set tcp_mem_limit 2048"));
	out = wt_out("wrenctl get");
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "tcp_mem_limit 2048") ? out : NULL);
	free(out);
	limit = tcpext("TCPMemLimit");
	EXPECT_EQ(2048 * 1024, limit);

	/* Stalled readers on wren's side: the Linux peers write at them. */
	for (i = 0; i < MEM_STALLED; i++) {
		ASSERT_EQ(0, tt_pair(7020 + i, &w[i], &l[i]));
		fcntl(l[i], F_SETFL, O_NONBLOCK);
	}
	for (i = 0; i < MEM_STALLED; i++) {
		double end = wt_now() + 10;

		while (wt_now() < end) {
			if (send(l[i], buf, sizeof(buf), MSG_NOSIGNAL) > 0)
				continue;
			if (errno != EAGAIN)
				break;
			wt_msleep(100);
		}
	}
	used = tcpext("TCPMemUsed");
	TH_LOG("stalled: %lld bytes charged of %lld", used, limit);
	for (i = 0; i < MEM_STALLED; i++) {
		ASSERT_EQ(0, wren_info(w[i], &ti));
		TH_LOG("stalled %d: unread %u rcv_wnd %u", i, ti.unread_bytes,
		       ti.rcv_wnd);
		unread += ti.unread_bytes;
	}
	/* Without the limit each would hold about 1 MiB (half its 2 MiB
	 * buffer); together they stay under the namespace's 2 MiB.
	 */
	EXPECT_GT(limit, unread);

	/* A live transfer, the peer to wren, with loss (OOO data). */
	wt_peerq("tc qdisc replace dev peer0 root netem loss 2%%");
	ASSERT_EQ(0, tt_pair(7030, &aw, &al));
	ASSERT_EQ(0, flow_start(&r, aw, false, 0));
	ASSERT_EQ(0, flow_start(&s, al, true, 4 * WT_MIB));
	while (!s.done && !r.done) {
		used = tcpext("TCPMemUsed");
		if (used > peak)
			peak = used;
		if (!wren_info(aw, &ti) && ti.rcv_wnd < min_wnd) {
			min_wnd = ti.rcv_wnd;
			wnd_lim = 4 * ti.advmss + (1U << ti.rcv_wscale);
		}
		wt_msleep(50);
	}
	flow_join(&s);
	flow_join(&r);
	tt_netem_off();
	EXPECT_EQ(0, s.err);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(4 * WT_MIB, r.bytes);
	EXPECT_STREQ(s.hex, r.hex);
	TH_LOG("live transfer done; peak %lld bytes charged, OFO dropped %lld, "
	       "refused %lld, smallest window %u", peak,
	       tcpext("TCPOFODrop") - ofo0, tcpext("TCPRcvQDrop") - rq0,
	       min_wnd);
	/* Under pressure the window is a few segments (tcp_output.c). */
	EXPECT_GE(wnd_lim, min_wnd);
	/* Over by at most a little (one skb a socket may overshoot). */
	EXPECT_GE(limit + 1024 * 1024, peak);
	EXPECT_LT(ofo0, tcpext("TCPOFODrop"));

	/* The stalled connections still work, and memory comes back. */
	for (i = 0; i < MEM_STALLED; i++) {
		fcntl(l[i], F_SETFL, 0);
		close(l[i]);
		close(w[i]);
	}
	close(aw);
	close(al);
	EXPECT_TRUE(WT_WAIT(30000, tcpext("TCPMemUsed") <= used0));
	TH_LOG("after close: %lld bytes charged (before: %lld)",
	       tcpext("TCPMemUsed"), used0);
	wt_sh("wrenctl set tcp_mem_limit 0");
	EXPECT_LT(limit, tcpext("TCPMemLimit"));
}

/* ---- 10. HyStart ------------------------------------------------------------------ */

/*
 * The router's link to the far end runs at 20 Mbit/s (netem rate on pm0)
 * with room for every packet, so in slow start the queue there, and the
 * RTT with it, grows every round and nothing is lost.  CUBIC's HyStart
 * delay test must end slow start once the RTT has risen by 4 to 16 ms: at
 * a window of some tens of segments here (2.5 MB/s drains 2.8 segments of
 * 900 bytes a millisecond).  Plain slow start would go on doubling up to
 * the peer's window of megabytes.  (A queue on wren's own eth0 would not
 * show it: TCP small queues keep at most 256 KiB of a socket's data in the
 * local qdisc.)  The segments fit the far route's MTU from the start: the
 * router's frag-needed messages are rate-limited, and a lost one costs an
 * RTO that ends slow start by itself.  The router does not coalesce (GRO
 * off on peer0): netem would send a 64 KiB coalesced packet as one lump,
 * and the far end would ACK a round's data once or twice, too few RTT
 * samples for HyStart (it needs eight a round), with any sender.
 */
#define HS_RATE		"20mbit"
#define HS_BYTES	(4 * WT_MIB)
#define HS_MSS		900	/* segments that fit the FAR_MTU route */
#define HS_MAX_CWND	200	/* 200 * 900 bytes: 72 ms of queue */

TEST_F_TIMEOUT(edge, hystart_ends_slow_start_on_delay, 200)
{
	long long det0 = tcpext("TCPHystartDelayDetect");
	long long cwnd0 = tcpext("TCPHystartDelayCwnd");
	long long det, cwnd;
	unsigned int max_rtt = 0;
	struct wren_tcp_info ti;
	struct flow s, r;

	ASSERT_EQ(0, far_up());
	ASSERT_EQ(0, wt_peer("ethtool -K peer0 gro off"));
	ASSERT_EQ(0, wt_peer("tc qdisc replace dev pm0 root netem rate "
			     HS_RATE " limit 100000"));
	ASSERT_EQ(0, far_pair(7002, HS_MSS, &self->w, &self->l));
	ASSERT_EQ(0, wren_info(self->w, &ti));
	ASSERT_STREQ("cubic", ti.cong);
	ASSERT_EQ(0, flow_start(&r, self->l, false, 0));
	ASSERT_EQ(0, flow_start(&s, self->w, true, HS_BYTES));
	while (!s.done) {
		if (!wren_info(self->w, &ti) && ti.rtt > max_rtt)
			max_rtt = ti.rtt;
		usleep(10000);
	}
	flow_join(&s);
	flow_join(&r);
	EXPECT_EQ(0, s.err);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(HS_BYTES, r.bytes);
	EXPECT_STREQ(s.hex, r.hex);

	ASSERT_EQ(0, wren_info(self->w, &ti));
	det = tcpext("TCPHystartDelayDetect") - det0;
	cwnd = tcpext("TCPHystartDelayCwnd") - cwnd0;
	TH_LOG("HyStart exits %lld at cwnd %lld; now cwnd %u ssthresh %u "
	       "mss %u; largest srtt %u us; %u retransmitted", det, cwnd,
	       ti.snd_cwnd, ti.snd_ssthresh, ti.snd_mss, max_rtt,
	       ti.total_retrans);
	EXPECT_EQ(1, det);
	EXPECT_LE(16, cwnd);		/* HyStart waits for 16 segments */
	EXPECT_GE(HS_MAX_CWND, cwnd);
	EXPECT_EQ((unsigned int)cwnd, ti.snd_ssthresh);
}

/* ---- 11. poll and errno against Linux --------------------------------------------- */

static int lin_up(void)
{
	static const char *flag = "/run/wren-edge.lin";

	if (access(flag, F_OK) == 0)
		return 0;
	wt_shq("modprobe veth");
	if (wt_sh("ip netns add " LIN_NS " && ip link add le0 type veth peer "
		  "name le1 && ip link set le1 netns " LIN_NS " && "
		  "ip addr add " LIN_MY_IP "/28 dev le0 && ip link set le0 up "
		  "&& ip -n " LIN_NS " addr add " LIN_PEER_IP "/28 dev le1 && "
		  "ip -n " LIN_NS " link set le1 up && "
		  "ip -n " LIN_NS " link set lo up"))
		return -1;
	if (!WT_WAIT(10000, wt_shq("ping -c 1 -W 1 " LIN_PEER_IP) == 0))
		return -1;
	wt_sh("touch %s", flag);
	return 0;
}

enum fam { F_INET, F_WREN };
static const char *const fam_name[] = { "AF_INET", "AF_WREN" };

static int cli_socket(enum fam f)
{
	return socket(f == F_INET ? AF_INET : AF_WREN, SOCK_STREAM, 0);
}

/* connect() of a client socket of family @f to the Linux peer @ip:@port. */
static int cli_connect(enum fam f, int fd, const char *ip, int port)
{
	struct sockaddr_wren wa = nt_swren(ip, port);
	struct sockaddr_in ia = nt_sin(ip, port);

	if (f == F_WREN)
		return connect(fd, (struct sockaddr *)&wa, sizeof(wa));
	return connect(fd, (struct sockaddr *)&ia, sizeof(ia));
}

static const char *peer_ip(enum fam f)
{
	return f == F_INET ? LIN_PEER_IP : WS_PEER_IP;
}

static const char *dead_ip(enum fam f)
{
	return f == F_INET ? LIN_DEAD_IP : WS_DEAD_IP;
}

static const char *peer_ns(enum fam f)
{
	return f == F_INET ? LIN_NS : WT_PEER_NS;
}

/* A connected pair: *c the client of family f, *s the Linux peer's end. */
static int cli_pair(enum fam f, int port, int *c, int *s)
{
	int lfd = linux_listener(peer_ns(f), port);

	if (lfd < 0)
		return -1;
	*c = cli_socket(f);
	if (*c < 0 || cli_connect(f, *c, peer_ip(f), port)) {
		close(lfd);
		return -1;
	}
	*s = accept(lfd, NULL, NULL);
	close(lfd);
	return *s < 0 ? -1 : 0;
}

#define PALL	(POLLIN | POLLOUT | POLLPRI | POLLRDHUP | POLLRDNORM | \
		 POLLWRNORM)

/* Wait for @want on @fd, let it settle, then the whole mask. */
static short settle(int fd, short want)
{
	ws_wait(fd, want, 10000);
	wt_msleep(300);
	return ws_wait(fd, PALL, 0);
}

/* What one scenario observed: poll masks and errnos, in order. */
struct obs {
	int v[12];
	int n;
};

static void rec(struct obs *o, int v)
{
	if (o->n < 12)
		o->v[o->n++] = v;
}

static int rec_err(struct obs *o, int ret)
{
	rec(o, ret < 0 ? -errno : ret);
	return ret;
}

typedef void (*scenario_fn)(enum fam f, int port, struct obs *o);

static void sc_peer_shut_wr(enum fam f, int port, struct obs *o)
{
	int c, s;
	char b;

	if (cli_pair(f, port, &c, &s))
		return rec(o, -1000);
	shutdown(s, SHUT_WR);
	rec(o, settle(c, POLLRDHUP));
	rec_err(o, recv(c, &b, 1, MSG_DONTWAIT));	/* 0: EOF */
	rec_err(o, send(c, "x", 1, MSG_NOSIGNAL));	/* still open */
	close(c);
	close(s);
}

static void sc_both_shut(enum fam f, int port, struct obs *o)
{
	int c, s;

	if (cli_pair(f, port, &c, &s))
		return rec(o, -1000);
	rec(o, settle(c, POLLOUT));
	shutdown(c, SHUT_WR);
	rec(o, settle(c, POLLOUT));
	shutdown(s, SHUT_WR);
	rec(o, settle(c, POLLHUP));
	rec_err(o, send(c, "x", 1, MSG_NOSIGNAL));	/* EPIPE */
	close(c);
	close(s);
}

static void sc_rst(enum fam f, int port, struct obs *o)
{
	struct linger lg = { 1, 0 };
	int c, s, err = 0;
	socklen_t len = sizeof(err);
	char b;

	if (cli_pair(f, port, &c, &s))
		return rec(o, -1000);
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(s);
	rec(o, settle(c, POLLERR));
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	rec(o, err);
	rec(o, settle(c, 0));
	rec_err(o, recv(c, &b, 1, MSG_DONTWAIT));
	rec_err(o, send(c, "x", 1, MSG_NOSIGNAL));
	rec_err(o, shutdown(c, SHUT_RDWR));
	close(c);
}

static void sc_rst_recv_first(enum fam f, int port, struct obs *o)
{
	struct linger lg = { 1, 0 };
	int c, s;
	char b;

	if (cli_pair(f, port, &c, &s))
		return rec(o, -1000);
	setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(s);
	settle(c, POLLERR);
	rec_err(o, recv(c, &b, 1, MSG_DONTWAIT));	/* ECONNRESET */
	rec_err(o, recv(c, &b, 1, MSG_DONTWAIT));	/* then EOF */
	close(c);
}

static void sc_nonblock_connect(enum fam f, int port, struct obs *o)
{
	int lfd = linux_listener(peer_ns(f), port);
	int c = cli_socket(f), err = -1, s;
	socklen_t len = sizeof(err);

	if (lfd < 0 || c < 0)
		return rec(o, -1000);
	fcntl(c, F_SETFL, O_NONBLOCK);
	rec_err(o, cli_connect(f, c, peer_ip(f), port));	/* EINPROGRESS */
	rec(o, settle(c, POLLOUT));
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	rec(o, err);
	rec_err(o, cli_connect(f, c, peer_ip(f), port));	/* 0: done */
	rec_err(o, cli_connect(f, c, peer_ip(f), port));	/* EISCONN */
	s = accept(lfd, NULL, NULL);
	close(s);
	close(lfd);
	close(c);
}

static void sc_ealready(enum fam f, int port, struct obs *o)
{
	int c = cli_socket(f);
	char b;

	if (c < 0)
		return rec(o, -1000);
	fcntl(c, F_SETFL, O_NONBLOCK);
	rec_err(o, cli_connect(f, c, dead_ip(f), port));	/* EINPROGRESS */
	rec_err(o, cli_connect(f, c, dead_ip(f), port));	/* EALREADY */
	rec(o, ws_wait(c, PALL, 0));
	rec_err(o, recv(c, &b, 1, 0));			/* EAGAIN */
	rec_err(o, send(c, "x", 1, MSG_NOSIGNAL));	/* EAGAIN */
	close(c);
}

static void sc_refused(enum fam f, int port, struct obs *o)
{
	int c = cli_socket(f), err = -1;
	socklen_t len = sizeof(err);

	if (c < 0)
		return rec(o, -1000);
	fcntl(c, F_SETFL, O_NONBLOCK);
	rec_err(o, cli_connect(f, c, peer_ip(f), port));	/* no listener */
	rec(o, settle(c, POLLERR));
	getsockopt(c, SOL_SOCKET, SO_ERROR, &err, &len);
	rec(o, err);
	rec(o, settle(c, 0));
	close(c);
}

/*
 * The first wakeup after a refused connect: the mask must already be the
 * final one (POLLOUT with POLLERR|POLLHUP), never POLLERR alone.
 */
static void sc_refused_first_wakeup(enum fam f, int port, struct obs *o)
{
	int i;

	for (i = 0; i < 5; i++) {
		int c = cli_socket(f);

		if (c < 0)
			return rec(o, -1000);
		fcntl(c, F_SETFL, O_NONBLOCK);
		cli_connect(f, c, peer_ip(f), port);
		rec(o, ws_wait(c, POLLOUT, 10000));
		close(c);
	}
}

static void sc_unconnected(enum fam f, int port, struct obs *o)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int c = cli_socket(f), v;
	char b;

	if (c < 0)
		return rec(o, -1000);
	rec(o, ws_wait(c, PALL, 0));
	rec_err(o, send(c, "x", 1, MSG_NOSIGNAL));	/* EPIPE */
	rec_err(o, recv(c, &b, 1, MSG_DONTWAIT));	/* ENOTCONN */
	rec_err(o, getpeername(c, (struct sockaddr *)&ss, &len));
	rec_err(o, shutdown(c, SHUT_RDWR));		/* ENOTCONN */
	rec_err(o, ioctl(c, SIOCINQ, &v));
	rec_err(o, listen(c, 1));
	rec_err(o, recv(c, &b, 1, MSG_DONTWAIT));	/* listening: */
	close(c);
}

static void diff(struct __test_metadata *_metadata, scenario_fn fn,
		 int port)
{
	struct obs o[2];
	int f, i;

	ASSERT_EQ(0, ws_net_up());
	ASSERT_EQ(0, lin_up());
	memset(o, 0, sizeof(o));
	for (f = F_INET; f <= F_WREN; f++)
		fn(f, port, &o[f]);
	for (f = F_INET; f <= F_WREN; f++) {
		char line[256];
		int off = 0;

		for (i = 0; i < o[f].n; i++)
			off += snprintf(line + off, sizeof(line) - off, " %d",
					o[f].v[i]);
		TH_LOG("%s:%s", fam_name[f], line);
	}
	EXPECT_LT(0, o[F_INET].n);
	EXPECT_EQ(o[F_INET].n, o[F_WREN].n);
	for (i = 0; i < o[F_INET].n && i < o[F_WREN].n; i++)
		EXPECT_EQ(o[F_INET].v[i], o[F_WREN].v[i])
			TH_LOG("step %d differs", i);
}

TEST(diff_peer_shutdown_wr) { diff(_metadata, sc_peer_shut_wr, 7040); }
TEST(diff_both_shutdown) { diff(_metadata, sc_both_shut, 7041); }
TEST(diff_reset) { diff(_metadata, sc_rst, 7042); }
TEST(diff_reset_recv) { diff(_metadata, sc_rst_recv_first, 7043); }
TEST(diff_nonblock_connect) { diff(_metadata, sc_nonblock_connect, 7044); }
TEST(diff_ealready) { diff(_metadata, sc_ealready, 7045); }
TEST(diff_refused) { diff(_metadata, sc_refused, 7046); }
TEST(diff_refused_first_wakeup)
{
	diff(_metadata, sc_refused_first_wakeup, 7048);
}

TEST(diff_unconnected) { diff(_metadata, sc_unconnected, 7047); }

TEST_HARNESS_MAIN
