// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP and RFC 5961: segments forged from the peer's namespace (raw
 * IP socket, the peer's address and port) into a live connection between
 * wren and the peer's Linux TCP.  An in-window RST that does not hit
 * RCV.NXT exactly, a SYN, and an ACK for data never sent leave the
 * connection up (wren answers with challenge ACKs); an RST exactly at
 * RCV.NXT resets it.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <signal.h>
#include "kselftest_harness.h"
#include "tcp.h"

#define PORT	6500

/* A bare TCP header from the peer's raw socket. */
static int forge(int raw, unsigned short sport, unsigned short dport,
		 unsigned int seq, unsigned int ack, unsigned char flags)
{
	return tt_forge(raw, sport, dport, seq, ack, flags, NULL, 0, NULL, 0);
}

FIXTURE(rfc5961) {
	int w, l, raw;
	unsigned short wport;
	struct wren_tcp_info ti;
};

static void info(struct __test_metadata *_metadata, int fd,
		 struct wren_tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	ASSERT_EQ(0, getsockopt(fd, IPPROTO_TCP, WREN_TCP_INFO, ti, &len));
}

/* Is the connection still carrying data both ways? */
static bool alive(int w, int l)
{
	char c;

	if (write(w, "a", 1) != 1 || read(l, &c, 1) != 1)
		return false;
	if (write(l, "b", 1) != 1 || read(w, &c, 1) != 1)
		return false;
	return true;
}

FIXTURE_SETUP(rfc5961)
{
	struct sockaddr_in la = nt_sin(NULL, PORT);
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, PORT), me;
	socklen_t len = sizeof(me);
	int one = 1, lfd;

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, ws_net_up());
	lfd = nt_socket(WT_PEER_NS, AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, lfd);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&la, sizeof(la)));
	ASSERT_EQ(0, listen(lfd, 1));
	self->w = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_EQ(0, connect(self->w, (struct sockaddr *)&a, sizeof(a)));
	self->l = accept(lfd, NULL, NULL);
	ASSERT_LE(0, self->l);
	close(lfd);
	ASSERT_EQ(0, getsockname(self->w, (struct sockaddr *)&me, &len));
	self->wport = ntohs(me.swren_port);
	self->raw = nt_socket(WT_PEER_NS, AF_INET, SOCK_RAW, IPPROTO_TCP);
	ASSERT_LE(0, self->raw);
	ASSERT_TRUE(alive(self->w, self->l));
	info(_metadata, self->w, &self->ti);
}

FIXTURE_TEARDOWN(rfc5961)
{
	close(self->raw);
	close(self->w);
	close(self->l);
}

TEST_F(rfc5961, rst_in_window_not_exact)
{
	long long in = ws_snmp("Tcp", "InSegs");
	long long ch = ws_snmp("TcpExt", "TCPChallengeACK");

	ASSERT_EQ(0, forge(self->raw, PORT, self->wport,
			   self->ti.rcv_nxt + 1000, 0, TH_RST));
	wt_msleep(300);
	EXPECT_LT(in, ws_snmp("Tcp", "InSegs"));	/* it got to TCP */
	EXPECT_EQ(ch + 1, ws_snmp("TcpExt", "TCPChallengeACK"));
	EXPECT_TRUE(alive(self->w, self->l));
}

TEST_F(rfc5961, rst_out_of_window)
{
	long long in = ws_snmp("Tcp", "InSegs");

	ASSERT_EQ(0, forge(self->raw, PORT, self->wport,
			   self->ti.rcv_nxt + 0x40000000, 0, TH_RST));
	wt_msleep(300);
	EXPECT_LT(in, ws_snmp("Tcp", "InSegs"));	/* it got to TCP */
	EXPECT_TRUE(alive(self->w, self->l));
}

TEST_F(rfc5961, syn_in_established)
{
	long long in = ws_snmp("Tcp", "InSegs");
	long long ch = ws_snmp("TcpExt", "TCPChallengeACK");
	long long syn = ws_snmp("TcpExt", "TCPSYNChallenge");

	ASSERT_EQ(0, forge(self->raw, PORT, self->wport,
			   self->ti.rcv_nxt + 5, 0, TH_SYN));
	wt_msleep(300);
	EXPECT_LT(in, ws_snmp("Tcp", "InSegs"));	/* it got to TCP */
	EXPECT_EQ(ch + 1, ws_snmp("TcpExt", "TCPChallengeACK"));
	EXPECT_EQ(syn + 1, ws_snmp("TcpExt", "TCPSYNChallenge"));
	EXPECT_TRUE(alive(self->w, self->l));
}

TEST_F(rfc5961, ack_of_unsent_data)
{
	long long in = ws_snmp("Tcp", "InSegs");

	ASSERT_EQ(0, forge(self->raw, PORT, self->wport, self->ti.rcv_nxt,
			   self->ti.snd_nxt + 100000, TH_ACK));
	wt_msleep(300);
	EXPECT_LT(in, ws_snmp("Tcp", "InSegs"));	/* it got to TCP */
	EXPECT_TRUE(alive(self->w, self->l));
}

TEST_F(rfc5961, rst_exact_resets)
{
	struct pollfd p = { .fd = self->w, .events = POLLIN };
	long long in = ws_snmp("Tcp", "InSegs");
	long long err = ws_snmp("Tcp", "InErrs");
	char c;

	ASSERT_EQ(0, forge(self->raw, PORT, self->wport, self->ti.rcv_nxt,
			   0, TH_RST));
	EXPECT_EQ(1, poll(&p, 1, 3000));
	TH_LOG("InSegs +%lld InErrs +%lld rcv_nxt %u",
	       ws_snmp("Tcp", "InSegs") - in, ws_snmp("Tcp", "InErrs") - err,
	       self->ti.rcv_nxt);
	EXPECT_EQ(-1, read(self->w, &c, 1));
	EXPECT_EQ(ECONNRESET, errno);
}

TEST_HARNESS_MAIN
