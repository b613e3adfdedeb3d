// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP under adverse conditions, against the guest's Linux TCP
 * (peer0 in namespace "peer"): loss and reordering (netem on either
 * side), a zero window held by the receiver, resets both ways, zero
 * linger, keepalive and TCP_USER_TIMEOUT giving up on a dead peer, and
 * the namespace's MSL setting.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "tcp.h"

#define PORT	6200

FIXTURE(adv) {
	int w, l;
};

FIXTURE_SETUP(adv)
{
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, ws_net_up());
	wt_shq("modprobe sch_netem");
	tt_netem_off();
	self->w = -1;
	self->l = -1;
}

FIXTURE_TEARDOWN(adv)
{
	tt_netem_off();
	if (self->w >= 0)
		close(self->w);
	if (self->l >= 0)
		close(self->l);
}

TEST_F_TIMEOUT(adv, send_with_loss_and_reordering, 240)
{
	struct wt_xfer x = {
		.recv_ns = WT_PEER_NS, .host = WS_PEER_IP, .port = PORT,
		.bytes = 16 * WT_MIB, .timeout_ms = 200000,
	};
	long long rtx = ws_snmp("Tcp", "RetransSegs");

	ASSERT_EQ(0, wt_sh("tc qdisc add dev eth0 root netem loss 2%% "
			   "delay 2ms reorder 10%%"));
	ASSERT_EQ(0, tt_xfer(&x, "--family wren", ""));
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	EXPECT_LT(rtx, ws_snmp("Tcp", "RetransSegs"));
	TH_LOG("%.1f MB/s, %lld retransmitted", x.rcv.mbps,
	       ws_snmp("Tcp", "RetransSegs") - rtx);
}

TEST_F_TIMEOUT(adv, receive_with_loss_and_reordering, 240)
{
	struct wt_xfer x = {
		.send_ns = WT_PEER_NS, .host = WS_WREN_IP, .port = PORT + 1,
		.bytes = 16 * WT_MIB, .timeout_ms = 200000,
	};

	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem loss 2%% "
			     "delay 2ms reorder 10%%"));
	ASSERT_EQ(0, tt_xfer(&x, "", "--family wren"));
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	TH_LOG("%.1f MB/s", x.rcv.mbps);
}

/* The Linux receiver stops reading: wren's sends fill its window, wren
 * probes the zero window, and everything arrives once it reads again.
 */
TEST_F_TIMEOUT(adv, zero_window_persist, 60)
{
	static char buf[65536];
	long long sent = 0, got = 0;
	ssize_t n;

	ASSERT_EQ(0, tt_pair(PORT + 2, &self->w, &self->l));
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

/* Linux aborts (zero linger): wren's read says ECONNRESET, write EPIPE. */
TEST_F(adv, peer_reset)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	char c;

	ASSERT_EQ(0, tt_pair(PORT + 3, &self->w, &self->l));
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
TEST_F(adv, zero_linger_sends_reset)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };
	long long rsts = ws_snmp("Tcp", "OutRsts");
	char c;

	ASSERT_EQ(0, tt_pair(PORT + 4, &self->w, &self->l));
	ASSERT_EQ(0, setsockopt(self->w, SOL_SOCKET, SO_LINGER, &lg,
				sizeof(lg)));
	close(self->w);
	self->w = -1;
	EXPECT_EQ(-1, read(self->l, &c, 1));
	EXPECT_EQ(ECONNRESET, errno);
	EXPECT_LT(rsts, ws_snmp("Tcp", "OutRsts"));
}

/* An orderly close from Linux: EOF, then our close ends in LAST_ACK and
 * goes away; the half-closed direction still carries data.
 */
TEST_F(adv, half_close)
{
	char buf[8];

	ASSERT_EQ(0, tt_pair(PORT + 5, &self->w, &self->l));
	ASSERT_EQ(0, shutdown(self->l, SHUT_WR));
	ASSERT_EQ(0, read(self->w, buf, sizeof(buf)));
	ASSERT_EQ(4, write(self->w, "late", 4));
	ASSERT_EQ(4, read(self->l, buf, sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, "late", 4));
}

/* Keepalive gives up on a peer that has gone silent: ETIMEDOUT. */
TEST_F_TIMEOUT(adv, keepalive_timeout, 60)
{
	long long ka = ws_snmp("TcpExt", "TCPKeepAlive");
	long long ab = ws_snmp("TcpExt", "TCPAbortOnTimeout");
	char c;

	ASSERT_EQ(0, tt_pair(PORT + 6, &self->w, &self->l));
	ASSERT_EQ(0, tt_keepalive(self->w, 1, 1, 2));
	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem loss 100%%"));
	EXPECT_EQ(-1, read(self->w, &c, 1));
	EXPECT_EQ(ETIMEDOUT, errno);
	/* Two probes went unanswered, then the abort. */
	EXPECT_LE(ka + 2, ws_snmp("TcpExt", "TCPKeepAlive"));
	EXPECT_EQ(ab + 1, ws_snmp("TcpExt", "TCPAbortOnTimeout"));
}

/* TCP_USER_TIMEOUT: unacknowledged data for longer than it: ETIMEDOUT. */
TEST_F_TIMEOUT(adv, user_timeout, 60)
{
	int v = 2000;
	double t0;
	char c;

	ASSERT_EQ(0, tt_pair(PORT + 7, &self->w, &self->l));
	ASSERT_EQ(0, setsockopt(self->w, IPPROTO_TCP, TCP_USER_TIMEOUT, &v,
				sizeof(v)));
	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem loss 100%%"));
	t0 = wt_now();
	ASSERT_EQ(1, write(self->w, "x", 1));
	EXPECT_EQ(-1, read(self->w, &c, 1));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_GT(15.0, wt_now() - t0);
}

/* Is the connection to the peer's port in TIME_WAIT here? */
static bool in_time_wait(int rport)
{
	char *text = wt_read_file("/proc/net/wren/tcp");
	char pat[32];
	bool tw;

	snprintf(pat, sizeof(pat), ":%04X 06 ", rport);
	tw = text && strstr(text, pat);
	free(text);
	return tw;
}

/* The namespace MSL: TIME_WAIT lasts 2 MSL. */
TEST_F_TIMEOUT(adv, time_wait_msl, 60)
{
	long long tw = ws_snmp("TcpExt", "TW");
	double t0;

	ASSERT_EQ(0, wt_sh("wrenctl set tcp_msl_ms 1000"));
	ASSERT_EQ(0, tt_pair(PORT + 8, &self->w, &self->l));
	close(self->w);		/* we close first: TIME_WAIT is ours */
	self->w = -1;
	wt_msleep(300);
	close(self->l);
	self->l = -1;
	ASSERT_TRUE(WT_WAIT(2000, in_time_wait(PORT + 8)));
	t0 = wt_now();
	ASSERT_TRUE(WT_WAIT(5000, !in_time_wait(PORT + 8)));
	EXPECT_LT(1.0, wt_now() - t0 + 0.3);
	EXPECT_EQ(tw + 1, ws_snmp("TcpExt", "TW"));
	wt_sh("wrenctl set tcp_msl_ms 30000");
}

TEST_HARNESS_MAIN
