// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP against the guest's Linux TCP (peer0 in namespace "peer") and
 * against itself over veth: bulk transfers both ways with equal sha256,
 * the states /proc/net/wren/tcp shows, and the errno cases of the socket
 * calls.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "tcp.h"

#define NS2	"t2"
#define IP1	"203.0.113.33"
#define IP2	"203.0.113.34"
#define PORT	6100

/* The same pair as lib/netem.h (one boot may run both). */
static int veth_up(void)
{
	return ws_veth_pair(NS2, "tv0", "tv1", IP1, IP2, true);
}

FIXTURE(tcp) {
	int fd;
};

FIXTURE_SETUP(tcp)
{
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, ws_net_up());
	self->fd = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, self->fd) TH_LOG("socket: %s", strerror(errno));
}

FIXTURE_TEARDOWN(tcp)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(tcp, socket_types)
{
	int fd = socket(AF_WREN, SOCK_STREAM, IPPROTO_TCP);

	ASSERT_LE(0, fd);
	close(fd);
	EXPECT_EQ(-1, socket(AF_WREN, SOCK_STREAM, IPPROTO_UDP));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
}

TEST_F_TIMEOUT(tcp, wren_to_linux_64m, 300)
{
	struct wt_xfer x = {
		.recv_ns = WT_PEER_NS, .host = WS_PEER_IP, .port = PORT,
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

TEST_F_TIMEOUT(tcp, linux_to_wren_64m, 300)
{
	struct wt_xfer x = {
		.send_ns = WT_PEER_NS, .host = WS_WREN_IP, .port = PORT + 1,
		.bytes = 64 * WT_MIB, .timeout_ms = 240000,
	};

	ASSERT_EQ(0, tt_xfer(&x, "", "--family wren"));
	EXPECT_EQ(64 * WT_MIB, x.rcv.bytes);
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	TH_LOG("%.1f MB/s", x.rcv.mbps);
}

TEST_F_TIMEOUT(tcp, wren_to_wren_veth_64m_both_ways, 300)
{
	struct wt_xfer a = {
		.recv_ns = NS2, .host = IP2, .port = PORT + 2,
		.bytes = 64 * WT_MIB, .timeout_ms = 120000,
	};
	struct wt_xfer b = {
		.send_ns = NS2, .host = IP1, .port = PORT + 3,
		.bytes = 64 * WT_MIB, .timeout_ms = 120000,
	};

	ASSERT_EQ(0, veth_up());
	ASSERT_EQ(0, tt_xfer(&a, "--family wren", "--family wren"));
	EXPECT_STREQ(a.snd.sha256, a.rcv.sha256);
	TH_LOG("out %.1f MB/s", a.rcv.mbps);
	ASSERT_EQ(0, tt_xfer(&b, "--family wren", "--family wren"));
	EXPECT_STREQ(b.snd.sha256, b.rcv.sha256);
	TH_LOG("in %.1f MB/s", b.rcv.mbps);
}

/* Is socat listening on @port in the peer's namespace yet? */
static bool peer_listening(int port)
{
	return wt_peerq("ss -Hltn 'sport = :%d' | grep -q LISTEN", port) == 0;
}

/* Does /proc/net/wren/tcp have a line with local port lport in state st? */
static bool proc_has(int lport, int st)
{
	char *text = wt_read_file("/proc/net/wren/tcp");
	char pat[32];
	bool found;

	if (!text)
		return false;
	snprintf(pat, sizeof(pat), ":%04X ", lport);
	found = false;
	for (char *l = strtok(text, "\n"); l; l = strtok(NULL, "\n")) {
		unsigned int a, p, ra, rp, s;

		if (sscanf(l, "%*d: %x:%x %x:%x %x", &a, &p, &ra, &rp, &s) != 5)
			continue;
		if ((int)p == lport && (int)s == st)
			found = true;
	}
	free(text);
	return found;
}

/* Connect, accept, data both ways, close: the states along the way. */
TEST_F(tcp, wren_to_wren_states)
{
	struct sockaddr_wren a = nt_swren(IP1, PORT + 4);
	int l, s, c;
	char buf[16];

	ASSERT_EQ(0, veth_up());
	l = tt_listener(PORT + 4, 8);
	ASSERT_LE(0, l);
	EXPECT_TRUE(proc_has(PORT + 4, 0x0A));
	c = nt_socket(NS2, AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, c);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&a, sizeof(a)))
		TH_LOG("connect: %s", strerror(errno));
	s = accept(l, NULL, NULL);
	ASSERT_LE(0, s);
	EXPECT_TRUE(proc_has(PORT + 4, 0x01));
	ASSERT_EQ(5, write(c, "hello", 5));
	ASSERT_EQ(5, read(s, buf, sizeof(buf)));
	ASSERT_EQ(3, write(s, "abc", 3));
	ASSERT_EQ(3, read(c, buf, sizeof(buf)));
	/* Our side closes first: FIN_WAIT2 then, after the peer's FIN,
	 * TIME_WAIT here and EOF there.
	 */
	ASSERT_EQ(0, shutdown(s, SHUT_WR));
	ASSERT_EQ(0, read(c, buf, sizeof(buf)));
	EXPECT_TRUE(WT_WAIT(2000, proc_has(PORT + 4, 0x05)));
	close(c);
	EXPECT_TRUE(WT_WAIT(2000, proc_has(PORT + 4, 0x06)));
	close(s);
	close(l);
}

TEST_F(tcp, connect_refused)
{
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, 1);

	EXPECT_EQ(-1, connect(self->fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(ECONNREFUSED, errno);
}

TEST_F(tcp, errno_cases)
{
	struct sockaddr_wren a = nt_swren(NULL, PORT + 5), peer;
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
			"OPEN:/dev/null", PORT + 6) ? 0 : -1;
	ASSERT_EQ(0, l);
	ASSERT_TRUE(WT_WAIT(10000, peer_listening(PORT + 6)));
	c = socket(AF_WREN, SOCK_STREAM, 0);
	a = nt_swren(WS_PEER_IP, PORT + 6);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&a, sizeof(a)))
		TH_LOG("connect: %s", strerror(errno));
	EXPECT_EQ(-1, connect(c, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(EISCONN, errno);
	len = sizeof(peer);
	EXPECT_EQ(0, getpeername(c, (struct sockaddr *)&peer, &len));
	EXPECT_EQ(a.swren_port, peer.swren_port);
	close(c);
}

TEST_F(tcp, nonblocking_connect)
{
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, PORT + 7);
	struct pollfd p = { .fd = self->fd, .events = POLLOUT };
	int err = -1;
	socklen_t len = sizeof(err);

	ASSERT_NE(NULL, wt_bg_start(WT_PEER_NS, "exec socat -u "
				    "TCP-LISTEN:%d,reuseaddr OPEN:/dev/null",
				    PORT + 7));
	ASSERT_TRUE(WT_WAIT(10000, peer_listening(PORT + 7)));
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

TEST_F(tcp, options_and_info)
{
	struct sockaddr_wren a = nt_swren(IP1, PORT + 8);
	struct wren_tcp_info ti;
	socklen_t len = sizeof(ti);
	char cc[16] = "";
	int l, c, s, v = 1;

	ASSERT_EQ(0, veth_up());
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

	l = tt_listener(PORT + 8, 8);
	ASSERT_LE(0, l);
	c = nt_socket(NS2, AF_WREN, SOCK_STREAM, 0);
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

TEST_HARNESS_MAIN
