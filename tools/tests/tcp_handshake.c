// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: opening a connection and the states it passes through.
 *
 *   sock.*      socket types, connect refused and errno cases, a nonblocking
 *               connect, and wren to wren over veth: LISTEN, ESTABLISHED,
 *               FIN_WAIT2, TIME_WAIT in /proc/net/wren/tcp
 *   peer.*      against the peer's Linux TCP: every state held on purpose
 *               (SYN_RECV, CLOSE_WAIT, LAST_ACK, FIN_WAIT1, CLOSING, SYN_SENT,
 *               FIN_WAIT2), each seen both in /proc/net/wren/tcp and in
 *               `wrenstat -t -a -n`; connect to a black hole (TCP_USER_TIMEOUT,
 *               SO_SNDTIMEO)
 *   veth.*      wren to wren: simultaneous open and close, connecting to our
 *               own address, an unreachable destination
 *   diff_*      poll masks and errnos, AF_INET (guest Linux over veth)
 *               against AF_WREN (wren to the peer's Linux), must match
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <netinet/ip.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"

/* Is socat listening on @port in the peer's namespace yet? */
static bool peer_listening(int port)
{
	return wt_peerq("ss -Hltn 'sport = :%d' | grep -q LISTEN", port) == 0;
}

TEST_F(sock, socket_types)
{
	int fd = socket(AF_WREN, SOCK_STREAM, IPPROTO_TCP);

	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-1, socket(AF_WREN, SOCK_STREAM, IPPROTO_UDP));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
}

/* Connect, accept, data both ways, close: the states along the way. */
TEST_F(sock, wren_to_wren_states)
{
	struct sockaddr_wren a = nt_swren(self->v.ip0, self->port + 4);
	int l, s, c;
	char buf[16];

	l = tt_listener(self->port + 4, 8);
	ASSERT_LE(0, l);
	EXPECT_TRUE((tt_proc_find(self->port + 4, 0, 0x0A, NULL) >= 0));
	c = nt_socket(self->v.ns, AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&a, sizeof(a)))
		TH_LOG("connect: %s", strerror(errno));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	EXPECT_TRUE((tt_proc_find(self->port + 4, 0, 0x01, NULL) >= 0));
	ASSERT_EQ(5, write(c, "hello", 5));
	ASSERT_EQ(5, read(s, buf, sizeof(buf)));
	ASSERT_EQ(3, write(s, "abc", 3));
	ASSERT_EQ(3, read(c, buf, sizeof(buf)));
	/* Our side closes first: FIN_WAIT2 then, after the peer's FIN,
	 * TIME_WAIT here and EOF there.
	 */
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	ASSERT_EQ(0, read(c, buf, sizeof(buf)));
	EXPECT_TRUE(WT_WAIT(2000, (tt_proc_find(self->port + 4, 0, 0x05, NULL) >= 0)));
	close(c);
	EXPECT_TRUE(WT_WAIT(2000, (tt_proc_find(self->port + 4, 0, 0x06, NULL) >= 0)));
	close(s);
	close(l);
}

TEST_F(sock, connect_refused)
{
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, 1);

	EXPECT_EQ(-1, connect(self->fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(ECONNREFUSED, errno);
}

TEST_F(sock, errno_cases)
{
	struct sockaddr_wren a = nt_swren(NULL, self->port + 5), peer;
	socklen_t len = sizeof(peer);
	int l, c;

	/* Not connected. */
	EXPECT_EQ(-1, send(self->fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
	EXPECT_EQ(-1, getpeername(self->fd, (struct sockaddr *)&peer, &len));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, shutdown(self->fd, SHUT_RDWR));
	EXPECT_EQ(ENOTCONN, errno);

	/* A port in use. */
	ASSERT_EQ(0, bind(self->fd, (struct sockaddr *)&a, sizeof(a)));
	c = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	EXPECT_EQ(-1, bind(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EADDRINUSE, errno);
	close(c);

	/* An address that is not ours. */
	c = socket(AF_WREN, SOCK_STREAM, 0);
	a = nt_swren(WS_PEER_IP, 0);
	EXPECT_EQ(-1, bind(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
	close(c);

	/* Connected twice; send after the peer reset. */
	l = wt_bg_start(WT_PEER_NS, "exec socat -u TCP-LISTEN:%d,reuseaddr "
			"OPEN:/dev/null", self->port + 6) ? 0 : -1;
	ASSERT_EQ(0, l);
	ASSERT_TRUE(WT_WAIT(10000, peer_listening(self->port + 6)));
	c = socket(AF_WREN, SOCK_STREAM, 0);
	a = nt_swren(WS_PEER_IP, self->port + 6);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&a, sizeof(a)))
		TH_LOG("connect: %s", strerror(errno));
	EXPECT_EQ(-1, connect(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EISCONN, errno);
	len = sizeof(peer);
	EXPECT_EQ(0, getpeername(c, (struct sockaddr *)&peer, &len));
	EXPECT_EQ(a.swren_port, peer.swren_port);
	close(c);
}

TEST_F(sock, nonblocking_connect)
{
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, self->port + 7);
	struct pollfd p = { .fd = self->fd, .events = POLLOUT };
	int err = -1;
	socklen_t len = sizeof(err);

	ASSERT_NE(NULL, wt_bg_start(WT_PEER_NS, "exec socat -u "
				    "TCP-LISTEN:%d,reuseaddr OPEN:/dev/null",
				    self->port + 7));
	ASSERT_TRUE(WT_WAIT(10000, peer_listening(self->port + 7)));
	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, connect(self->fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EINPROGRESS, errno);
	ASSERT_EQ(1, poll(&p, 1, 5000));
	EXPECT_TRUE(p.revents & POLLOUT);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(0, err);
	/* As Linux: the first connect() after completion reports success,
	 * the next one EISCONN.
	 */
	EXPECT_EQ(0, connect(self->fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(-1, connect(self->fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EISCONN, errno);
}

/* LISTEN, SYN_RECV, ESTABLISHED, CLOSE_WAIT, LAST_ACK on a wren server. */
TEST_F_TIMEOUT(peer, server_states, 60)
{
	int l, c, s;
	char buf[8];

	l = tt_listener(self->port, 8);
	ASSERT_LE(0, l);
	TT_EXPECT_STATE(self->port, 0, 0x0A, "LISTEN");

	ASSERT_EQ(0, tt_spoof_syn(TT_NOBODY_IP, 40000, self->port));
	TT_EXPECT_STATE(self->port, 40000, 0x03, "SYN_RECV");

	c = tt_linux_client(self->port);
	ASSERT_LE(0, c) TH_LOG("connect: %s", strerror(errno));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	TT_EXPECT_STATE(self->port, ws_local_port(c), 0x01, "ESTABLISHED");

	/* The peer closes its half: CLOSE_WAIT for as long as we keep ours. */
	ASSERT_EQ(0, shutdown(c, SHUT_WR));
	ASSERT_EQ(0, read(s, buf, sizeof(buf)));
	TT_EXPECT_STATE(self->port, ws_local_port(c), 0x08, "CLOSE_WAIT");
	wt_msleep(300);
	EXPECT_EQ(0x08, tt_proc_find(self->port, ws_local_port(c), -1, NULL));

	/* Our FIN's ACK is dropped: LAST_ACK holds until it gets through. */
	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem loss 100%%"));
	close(s);
	TT_EXPECT_STATE(self->port, ws_local_port(c), 0x09, "LAST_ACK");
	tt_netem_off();
	EXPECT_TRUE(WT_WAIT(10000, tt_proc_find(self->port, ws_local_port(c), -1, NULL) < 0));
	ASSERT_EQ(0, read(c, buf, sizeof(buf)));
	close(c);
	close(l);
}

/* CLOSING held: our FIN (and the ACK of the peer's) cannot leave, so
 * the peer's FIN reaches us in FIN_WAIT1 and stays unanswered.
 */
TEST_F_TIMEOUT(peer, closing_state, 60)
{
	int lp;
	char buf[8];

	ASSERT_EQ(0, tt_pair(self->port + 13, &self->w, &self->l));
	lp = ws_local_port(self->w);
	ASSERT_EQ(0, wt_sh("tc qdisc add dev eth0 root netem loss 100%%"));
	ASSERT_EQ(0, shutdown(self->w, SHUT_WR));
	TT_EXPECT_STATE(lp, self->port + 13, 0x04, "FIN_WAIT1");
	ASSERT_EQ(0, shutdown(self->l, SHUT_WR));
	TT_EXPECT_STATE(lp, self->port + 13, 0x0B, "CLOSING");
	wt_msleep(300);
	EXPECT_EQ(0x0B, tt_proc_find(lp, self->port + 13, -1, NULL));
	wt_shq("tc qdisc del dev eth0 root 2>/dev/null");
	EXPECT_TRUE(WT_WAIT(10000, tt_proc_find(lp, self->port + 13, -1, NULL) == 0x06));
	EXPECT_TRUE(tt_stat_has(lp, self->port + 13, "TIME_WAIT", NULL, NULL));
	EXPECT_EQ(0, read(self->l, buf, sizeof(buf)));
	EXPECT_EQ(0, read(self->w, buf, sizeof(buf)));
}

/* SYN_SENT, FIN_WAIT1, FIN_WAIT2 on a wren client. */
TEST_F_TIMEOUT(peer, client_states, 60)
{
	struct sockaddr_wren a = nt_swren(WS_DEAD_IP, self->port + 1);
	int fd, lp;
	char buf[8];

	fd = socket(AF_WREN, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EINPROGRESS, errno);
	lp = ws_local_port(fd);
	TT_EXPECT_STATE(lp, self->port + 1, 0x02, "SYN_SENT");
	close(fd);

	ASSERT_EQ(0, tt_pair(self->port + 2, &self->w, &self->l));
	lp = ws_local_port(self->w);
	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem loss 100%%"));
	ASSERT_EQ(0, shutdown(self->w, SHUT_WR));
	TT_EXPECT_STATE(lp, self->port + 2, 0x04, "FIN_WAIT1");
	wt_msleep(300);
	EXPECT_EQ(0x04, tt_proc_find(lp, self->port + 2, -1, NULL));
	tt_netem_off();
	/* The FIN goes again on the RTO; the peer never closes. */
	EXPECT_TRUE(WT_WAIT(10000, tt_proc_find(lp, self->port + 2, -1, NULL) == 0x05));
	EXPECT_TRUE(tt_stat_has(lp, self->port + 2, "FIN_WAIT2", NULL, NULL));
	ASSERT_EQ(0, read(self->l, buf, sizeof(buf)));
	/* Half-closed: the peer can still send to us. */
	ASSERT_EQ(4, write(self->l, "back", 4));
	ASSERT_EQ(4, read(self->w, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "back", 4));
}

/* A black hole: TCP_USER_TIMEOUT ends connect() with ETIMEDOUT;
 * SO_SNDTIMEO ends it with EINPROGRESS and the attempt goes on.
 */
TEST_F_TIMEOUT(peer, connect_timeout, 60)
{
	struct sockaddr_wren a = nt_swren(WS_DEAD_IP, self->port + 6);
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
	EXPECT_EQ(TT_SYN_SENT, tt_proc_find(ws_local_port(fd), self->port + 6,
					    -1, NULL));
	/* The attempt then times out: SO_ERROR says so. */
	EXPECT_TRUE(WT_WAIT(10000, tt_proc_find(ws_local_port(fd),
						self->port + 6, -1, NULL) < 0));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	EXPECT_EQ(ETIMEDOUT, err);
	close(fd);
}

/*
 * Both ends connect to each other at once (SYNs crossing on a link with
 * 100 ms delay): SYN_SENT -> SYN_RECV -> ESTABLISHED on both sides; then
 * both close at once: FIN_WAIT1 -> CLOSING -> TIME_WAIT.
 */
TEST_F_TIMEOUT(veth, simultaneous_open_and_close, 60)
{
	struct sockaddr_wren la = nt_swren(self->v.ip0, self->port + 1);
	struct sockaddr_wren lb = nt_swren(self->v.ip1, self->port + 2);
	struct pollfd p[2];
	char buf[8];

	ASSERT_EQ(0, wt_sh("tc qdisc add dev %s root netem delay 100ms",
			   self->v.d0));
	ASSERT_EQ(0, wt_sh("ip netns exec %s tc qdisc add dev %s root netem "
			   "delay 100ms", self->v.ns, self->v.d1));
	self->a = socket(AF_WREN, SOCK_STREAM, 0);
	self->b = nt_socket(self->v.ns, AF_WREN, SOCK_STREAM, 0);
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

		snprintf(pat, sizeof(pat), ":%04X 06 ", self->port + 2);
		ok = t && strstr(t, pat);
		free(t);
		ok; })));
}

/* To one of our own addresses: through IP's loopback queue. */
TEST_F(veth, own_address)
{
	struct sockaddr_wren a = nt_swren(WS_WREN_IP, self->port + 6);
	int l = tt_listener(self->port + 6, 4);
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
TEST_F_TIMEOUT(veth, unreachable, 60)
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

#define LIN_NS		"edgelin"	/* AF_INET peer for diff_* */
#define LIN_MY_IP	"198.51.100.65"
#define LIN_PEER_IP	"198.51.100.66"
#define LIN_DEAD_IP	"198.51.100.73"

/* Guest Linux to Linux over veth: the AF_INET reference. */
static int lin_make(void)
{
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
	int lfd = tt_linux_listener(peer_ns(f), port);

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
	int lfd = tt_linux_listener(peer_ns(f), port);
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

static void diff(struct __test_metadata *_metadata, scenario_fn fn)
{
	int port = wt_ports(1), f, i;
	struct obs o[2];

	ASSERT_LT(0, port);
	ASSERT_EQ(0, ws_net_up());
	ASSERT_EQ(0, wt_once("tcp-lin", lin_make));
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

TEST(diff_peer_shutdown_wr) { diff(_metadata, sc_peer_shut_wr); }
TEST(diff_both_shutdown) { diff(_metadata, sc_both_shut); }
TEST(diff_reset) { diff(_metadata, sc_rst); }
TEST(diff_reset_recv) { diff(_metadata, sc_rst_recv_first); }
TEST(diff_nonblock_connect) { diff(_metadata, sc_nonblock_connect); }
TEST(diff_ealready) { diff(_metadata, sc_ealready); }
TEST(diff_refused) { diff(_metadata, sc_refused); }
TEST(diff_refused_first_wakeup) { diff(_metadata, sc_refused_first_wakeup); }
TEST(diff_unconnected) { diff(_metadata, sc_unconnected); }

WT_HARNESS_MAIN
