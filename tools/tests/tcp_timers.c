// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP's timers: keepalive, user timeout, retransmission give-up,
 * TIME_WAIT, delayed ACK.
 *
 *   peer.*      keepalive ends a connection to a silent peer and one across
 *               a dead link; TCP_USER_TIMEOUT; TIME_WAIT lasts 2 MSL
 *               (`wrenctl set tcp_msl_ms`); `wrenctl set tcp_retries2 3`: a
 *               black-holed connection gives up with ETIMEDOUT and leaves
 *               /proc
 *   wire.*      delayed ACK: one segment waits for the timer (40 ms at least),
 *               a second full segment is ACKed without it
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"
#include "wire.h"

/* Keepalive gives up on a peer that has gone silent: ETIMEDOUT. */
TEST_F_TIMEOUT(peer, keepalive_timeout, 60)
{
	long long ka = ws_snmp("TcpExt", "TCPKeepAlive");
	long long ab = ws_snmp("TcpExt", "TCPAbortOnTimeout");
	char c;

	ASSERT_EQ(0, tt_pair(self->port + 6, &self->w, &self->l));
	ASSERT_EQ(0, tt_keepalive(self->w, 1, 1, 2));
	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem loss 100%%"));
	EXPECT_EQ(-1, read(self->w, &c, 1));
	EXPECT_EQ(ETIMEDOUT, errno);
	/* Two probes went unanswered, then the abort. */
	EXPECT_LE(ka + 2, ws_snmp("TcpExt", "TCPKeepAlive"));
	EXPECT_EQ(ab + 1, ws_snmp("TcpExt", "TCPAbortOnTimeout"));
}

/* TCP_USER_TIMEOUT: unacknowledged data for longer than it: ETIMEDOUT. */
TEST_F_TIMEOUT(peer, user_timeout, 60)
{
	int v = 2000;
	double t0;
	char c;

	ASSERT_EQ(0, tt_pair(self->port + 7, &self->w, &self->l));
	ASSERT_EQ(0, setsockopt(self->w, IPPROTO_TCP, TCP_USER_TIMEOUT, &v,
				sizeof(v)));
	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem loss 100%%"));
	t0 = wt_now();
	ASSERT_EQ(1, write(self->w, "x", 1));
	EXPECT_EQ(-1, read(self->w, &c, 1));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_GT(15.0, wt_now() - t0);
}

/* The namespace MSL: TIME_WAIT lasts 2 MSL. */
TEST_F_TIMEOUT(peer, time_wait_msl, 60)
{
	long long tw = ws_snmp("TcpExt", "TW");
	double t0;

	ASSERT_EQ(0, wt_sh("wrenctl set tcp_msl_ms 1000"));
	ASSERT_EQ(0, tt_pair(self->port + 8, &self->w, &self->l));
	close(self->w);		/* we close first: TIME_WAIT is ours */
	self->w = -1;
	wt_msleep(300);
	close(self->l);
	self->l = -1;
	ASSERT_TRUE(WT_WAIT(2000, (tt_proc_find(0, self->port + 8, TT_TIME_WAIT, NULL) >= 0)));
	t0 = wt_now();
	ASSERT_TRUE(WT_WAIT(5000, !(tt_proc_find(0, self->port + 8, TT_TIME_WAIT, NULL) >= 0)));
	EXPECT_LT(1.0, wt_now() - t0 + 0.3);
	EXPECT_EQ(tw + 1, ws_snmp("TcpExt", "TW"));
	wt_sh("wrenctl set tcp_msl_ms 30000");
}

/* Keepalive notices a peer whose link went down (the NIC's, via QEMU). */
TEST_F_TIMEOUT(peer, keepalive_link_down, 60)
{
	char c;

	ASSERT_EQ(0, tt_pair(self->port + 7, &self->w, &self->l));
	ASSERT_EQ(0, tt_keepalive(self->w, 1, 1, 2));
	ASSERT_EQ(0, wt_qmon("set_link nic0 off"));
	EXPECT_EQ(-1, read(self->w, &c, 1));
	EXPECT_EQ(ETIMEDOUT, errno);
	ASSERT_EQ(0, wt_qmon("set_link nic0 on"));
	EXPECT_TRUE(WT_WAIT(10000, wt_carrier("eth0") == 1));
	EXPECT_TRUE(WT_WAIT(15000, wt_shq("wrenping -c 1 -W 1 "
					  WS_PEER_IP) == 0));
}

/* Data outstanding, every segment lost both ways; wait for the abort. */
static int blackhole_abort(struct __test_metadata *_metadata, int w, int l)
{
	static char buf[32768];
	struct pollfd p = { .fd = w, .events = POLLIN };
	long long abort0 = tt_tcpext("TCPAbortOnTimeout");
	int lport = ws_local_port(w);

	ASSERT_EQ(0, wt_sh("tc qdisc replace dev eth0 root netem loss 100%% "
			   "&& ip netns exec %s tc qdisc replace dev peer0 "
			   "root netem loss 100%%", WT_PEER_NS)) return -1;
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ((ssize_t)sizeof(buf), send(w, buf, sizeof(buf), 0));
	/* 3 RTOs from 200 ms up: seconds; generous for a slow guest. */
	EXPECT_EQ(1, poll(&p, 1, 90000));
	TH_LOG("revents %#x after the black hole", p.revents);
	EXPECT_TRUE(p.revents & POLLERR);
	EXPECT_TRUE(WT_WAIT(5000, tt_proc_find(lport, 0, -1, NULL) < 0));
	EXPECT_EQ(abort0 + 1, tt_tcpext("TCPAbortOnTimeout"));
	tt_netem_off();
	return 0;
}

TEST_F_TIMEOUT(peer, retries2_recv_etimedout, 200)
{
	char *out, c;

	ASSERT_EQ(0, wt_sh("wrenctl set tcp_retries2 3"));
	out = wt_out("wrenctl get");
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "tcp_retries2 3\n") ? out : NULL);
	free(out);
	ASSERT_EQ(0, tt_pair(self->port + 2, &self->w, &self->l));
	ASSERT_EQ(0, blackhole_abort(_metadata, self->w, self->l));
	wt_sh("wrenctl set tcp_retries2 15");
	EXPECT_EQ(-1, recv(self->w, &c, 1, 0));
	EXPECT_EQ(ETIMEDOUT, errno);
	EXPECT_EQ(0, recv(self->w, &c, 1, 0));		/* then EOF */
	EXPECT_EQ(-1, send(self->w, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
}

TEST_F_TIMEOUT(peer, retries2_so_error_etimedout, 200)
{
	socklen_t len = sizeof(int);
	int err = -1;

	ASSERT_EQ(0, wt_sh("wrenctl set tcp_retries2 3"));
	ASSERT_EQ(0, tt_pair(self->port + 3, &self->w, &self->l));
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

/*
 * One segment in order: the ACK waits for the delayed-ACK timer (40 ms at
 * least); then two full segments: ACKed without it.
 */
TEST_F(wire, delayed_ack)
{
	const uint32_t isn = 0x40000000;
	struct wire *w = &self->w;
	long long dack;
	struct seg sa, s;
	double t0;

	open_to_wren(_metadata, self, self->port + 2, isn, &sa);
	/* The first segment teaches wren the peer's segment size. */
	ASSERT_EQ(0, send_data(w, isn, 0));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	dack = ws_snmp("TcpExt", "DelayedACKs");
	t0 = wt_now();
	ASSERT_EQ(0, send_data(w, isn, 1));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 2 * SEG, s.ack);
	EXPECT_LE(0.035, wt_now() - t0);
	EXPECT_EQ(dack + 1, ws_snmp("TcpExt", "DelayedACKs"));
	TH_LOG("delayed ACK after %.0f ms", (wt_now() - t0) * 1000);
	ASSERT_EQ(0, send_data(w, isn, 2));
	ASSERT_EQ(0, send_data(w, isn, 3));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 4 * SEG, s.ack);
	EXPECT_EQ(dack + 1, ws_snmp("TcpExt", "DelayedACKs"));
	w->snd_nxt = isn + 1 + 4 * SEG;
}

WT_HARNESS_MAIN
