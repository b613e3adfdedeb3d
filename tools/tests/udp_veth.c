// SPDX-License-Identifier: GPL-2.0
/*
 * wren to wren: two namespaces joined by a veth pair (ws_veth_up()), wren
 * attached on both ends.  UDP datagrams of every size both ways, errors
 * between the two stacks, and the namespaces keeping their ports apart.
 */
#include <netinet/in.h>
#include "kselftest_harness.h"
#include "sock.h"

/* The pair; the fixture fills it in each test's process. */
static struct ws_veth v;

FIXTURE(veth) {
	int a;		/* wren, own namespace */
	int b;		/* wren, the pair's namespace */
	int bport;
};

FIXTURE_SETUP(veth)
{
	struct sockaddr_wren any = nt_swren(NULL, 0);

	ASSERT_EQ(0, ws_veth_up("udp", &v));
	self->a = socket(AF_WREN, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->a);
	self->b = nt_socket(v.ns, AF_WREN, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->b) TH_LOG("socket in %s: %s", v.ns, strerror(errno));
	ASSERT_EQ(0, bind(self->b, (struct sockaddr *)&any, sizeof(any)));
	self->bport = ws_local_port(self->b);
}

FIXTURE_TEARDOWN(veth)
{
	close(self->a);
	close(self->b);
}

static void echo(struct __test_metadata *_metadata, int a, int b, int bport,
		 size_t len, uint64_t seed)
{
	struct sockaddr_wren to = nt_swren(v.ip1, bport), from;
	socklen_t flen = sizeof(from);
	char *out = malloc(len), *in = malloc(len + 1);

	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, in);
	wt_pattern_fill(out, len, 0, seed);
	ASSERT_EQ((ssize_t)len, sendto(a, out, len, 0, (struct sockaddr *)&to,
				       sizeof(to)))
		TH_LOG("sendto: %s", strerror(errno));
	ASSERT_TRUE(ws_wait(b, POLLIN, 5000) & POLLIN)
		TH_LOG("the far end got nothing of %zu bytes", len);
	ASSERT_EQ((ssize_t)len, recvfrom(b, in, len + 1, 0,
					 (struct sockaddr *)&from, &flen));
	ASSERT_EQ(0, memcmp(in, out, len));
	EXPECT_EQ(inet_addr(v.ip0), from.swren_addr);

	wt_pattern_fill(out, len, 0, seed + 1);
	ASSERT_EQ((ssize_t)len, sendto(b, out, len, 0,
				       (struct sockaddr *)&from, flen));
	ASSERT_TRUE(ws_wait(a, POLLIN, 5000) & POLLIN)
		TH_LOG("got nothing back of %zu bytes", len);
	ASSERT_EQ((ssize_t)len, recv(a, in, len + 1, 0));
	ASSERT_EQ(0, memcmp(in, out, len));
	free(out);
	free(in);
}

TEST_F(veth, echo_small)
{
	echo(_metadata, self->a, self->b, self->bport, 32, 10);
}

TEST_F(veth, echo_8000)
{
	echo(_metadata, self->a, self->b, self->bport, 8000, 11);
}

TEST_F(veth, echo_65507)
{
	echo(_metadata, self->a, self->b, self->bport, 65507, 12);
}

TEST_F(veth, burst_in_order)
{
	struct sockaddr_wren to = nt_swren(v.ip1, self->bport);
	int rcvbuf = 1 << 20, i, n;
	char buf[1500];

	setsockopt(self->b, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
		   sizeof(rcvbuf));
	for (i = 0; i < 200; i++) {
		wt_pattern_fill(buf, sizeof(buf), i * sizeof(buf), 13);
		ASSERT_EQ((ssize_t)sizeof(buf), sendto(self->a, buf, sizeof(buf), 0,
					      (struct sockaddr *)&to,
					      sizeof(to)));
	}
	for (i = 0; i < 200; i++) {
		char want[1500];

		if (!(ws_wait(self->b, POLLIN, 3000) & POLLIN))
			break;
		n = recv(self->b, buf, sizeof(buf), 0);
		ASSERT_EQ((int)sizeof(buf), n);
		wt_pattern_fill(want, sizeof(want), i * sizeof(want), 13);
		ASSERT_EQ(0, memcmp(buf, want, sizeof(want)))
			TH_LOG("datagram %d out of order or damaged", i);
	}
	EXPECT_EQ(200, i);
}

TEST_F(veth, port_unreachable_between_wrens)
{
	struct sockaddr_wren to = nt_swren(v.ip1, 9);
	char c;

	ASSERT_EQ(0, connect(self->a, (struct sockaddr *)&to, sizeof(to)));
	ASSERT_EQ(1, send(self->a, "x", 1, 0));
	ASSERT_TRUE(ws_wait(self->a, POLLIN, 3000) & POLLERR);
	EXPECT_EQ(-1, recv(self->a, &c, 1, 0));
	EXPECT_EQ(ECONNREFUSED, errno);
}

TEST_F(veth, namespaces_keep_ports_apart)
{
	struct sockaddr_wren p = nt_swren(NULL, self->bport);
	char line[512];

	/* The port the far end's socket holds is free here, and not listed. */
	EXPECT_EQ(-1, ws_proc_line("udp", self->bport, line, sizeof(line)));
	EXPECT_EQ(0, bind(self->a, (struct sockaddr *)&p, sizeof(p)));
	EXPECT_EQ(0, ws_proc_line("udp", self->bport, line, sizeof(line)));
}

/* SO_BINDTODEVICE: datagrams from other devices pass the socket by. */
TEST_F(veth, bound_to_device)
{
	struct sockaddr_wren any = nt_swren(NULL, 0), to;
	struct sockaddr_in in;
	int peer, port;
	char buf[16];

	ASSERT_EQ(0, ws_net_up());
	ASSERT_EQ(0, setsockopt(self->a, SOL_SOCKET, SO_BINDTODEVICE, v.d0,
				strlen(v.d0) + 1));
	ASSERT_EQ(0, bind(self->a, (struct sockaddr *)&any, sizeof(any)));
	port = ws_local_port(self->a);

	/* from the Linux peer, through eth0: not for this socket */
	peer = ws_peer_udp(0);
	ASSERT_LE(0, peer);
	in = nt_sin(WS_WREN_IP, port);
	ASSERT_EQ(3, sendto(peer, "eth", 3, 0, (struct sockaddr *)&in,
			    sizeof(in)));
	/* from the far end, through the pair: delivered */
	to = nt_swren(v.ip0, port);
	ASSERT_EQ(3, sendto(self->b, "vw0", 3, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	ASSERT_TRUE(ws_wait(self->a, POLLIN, 3000) & POLLIN);
	ASSERT_EQ(3, recv(self->a, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "vw0", 3));
	wt_msleep(200);
	EXPECT_EQ(-1, recv(self->a, buf, sizeof(buf), MSG_DONTWAIT));

	/* and it sends only there */
	to = nt_swren(WS_PEER_IP, 9);
	EXPECT_EQ(-1, sendto(self->a, "x", 1, 0, (struct sockaddr *)&to,
			     sizeof(to)));
	EXPECT_EQ(ENETUNREACH, errno);
	close(peer);
}

WT_HARNESS_MAIN
