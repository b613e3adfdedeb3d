// SPDX-License-Identifier: GPL-2.0
/*
 * net_loopback: 127.0.0.0/8 inside wren.  The whole of 127/8 is local to
 * each namespace's wren, as it is to Linux's: TCP and UDP between wren
 * sockets on 127.0.0.1 (and any 127/8 address) loop inside wren, and no
 * frame of it reaches a NIC or a gateway.  On a wire, 127/8 is a Martian
 * and is dropped with a reason; a socket bound to 127/8 cannot talk off
 * the host (EINVAL, as Linux).  wren is on eth0 (192.0.2.1/28), the Linux
 * peer on peer0 (192.0.2.2), lib/sock.h.
 *
 * Captures: AF_PACKET on eth0 (both directions) and on the peer's peer0
 * count every IPv4 frame with a 127/8 source or destination.
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include "kselftest_harness.h"
#include "tcp.h"

#define LO	"127.0.0.1"

/* Frames with 127/8 in them that a capture saw. */
struct cap {
	int fd;
};

static int cap_open(struct cap *c, const char *ns, const char *ifname)
{
	struct nt_raw r;

	c->fd = -1;
	if (nt_raw_open(&r, ns, ifname, ETH_P_IP))
		return -1;
	c->fd = r.fd;
	return 0;
}

static bool is_lo(uint32_t a)
{
	return (ntohl(a) >> 24) == 127;
}

/* Read everything the capture holds: how many frames carry 127/8. */
static int cap_count(struct cap *c)
{
	uint8_t f[NT_FRAME_MAX];
	/* A SOCK_RAW packet socket keeps the Ethernet header. */
	const struct iphdr *ip = (const struct iphdr *)(f + NT_ETH_HLEN);
	int n = 0;
	ssize_t len;

	while ((len = recv(c->fd, f, sizeof(f), MSG_DONTWAIT)) > 0)
		if (len >= NT_ETH_HLEN + NT_IP_HLEN &&
		    (is_lo(ip->saddr) || is_lo(ip->daddr)))
			n++;
	return n;
}

FIXTURE(lo) {
	struct cap wire, peer;
};

FIXTURE_SETUP(lo)
{
	self->wire.fd = self->peer.fd = -1;
	ASSERT_EQ(0, ws_net_up());
	ASSERT_EQ(0, cap_open(&self->wire, NULL, "eth0"));
	ASSERT_EQ(0, cap_open(&self->peer, WT_PEER_NS, "peer0"));
}

FIXTURE_TEARDOWN(lo)
{
	int wire, peer;

	if (self->wire.fd >= 0 && self->peer.fd >= 0) {
		/* Whatever a test did, nothing of 127/8 was on the wire. */
		usleep(200 * 1000);
		wire = cap_count(&self->wire);
		peer = cap_count(&self->peer);
		EXPECT_EQ(0, wire) TH_LOG("eth0 carried %d 127/8 frames", wire);
		EXPECT_EQ(0, peer) TH_LOG("peer0 saw %d 127/8 frames", peer);
	}
	if (self->wire.fd >= 0)
		close(self->wire.fd);
	if (self->peer.fd >= 0)
		close(self->peer.fd);
}

static int wren_tcp(void)
{
	return socket(AF_WREN, SOCK_STREAM | SOCK_CLOEXEC, 0);
}

static int wren_listen(const char *addr, int port)
{
	struct sockaddr_wren a = nt_swren(addr, port);
	int fd = wren_tcp(), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 8)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int wren_connect(const char *addr, int port)
{
	struct sockaddr_wren a = nt_swren(addr, port);
	int fd = wren_tcp();

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		int err = errno;

		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

static uint32_t sock_addr(int fd, bool peer, int *port)
{
	struct sockaddr_wren a;
	socklen_t len = sizeof(a);

	memset(&a, 0, sizeof(a));
	if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)&a, &len))
		return 0;
	if (port)
		*port = ntohs(a.swren_port);
	return a.swren_addr;
}

/*
 * The bug that came first: with a default route, connect(127.0.0.1) was
 * sent to the gateway and hung in SYN_SENT.  Now no listener means a
 * reset from wren itself, at once.
 */
TEST_F(lo, connect_without_listener_is_refused_not_routed)
{
	int port = wt_ports(1), fd;
	double t0;

	ASSERT_EQ(0, wt_sh("wrenctl route add default via %s", WS_PEER_IP));
	t0 = wt_now();
	fd = wren_connect(LO, port);
	EXPECT_EQ(-1, fd);
	EXPECT_EQ(ECONNREFUSED, errno);
	EXPECT_GT(1.0 * wt_scale(), wt_now() - t0);
	if (fd >= 0)
		close(fd);
	EXPECT_EQ(0, wt_sh("wrenctl route del default"));
}

/* 64 MiB over 127.0.0.1 between two wren sockets, hashed. */
TEST_F(lo, tcp_64mib)
{
	struct wt_xfer x = {
		.host = LO, .port = wt_ports(1), .bytes = 64LL << 20,
		.send_opts = "--family wren",
		.recv_opts = "--family wren --bind " LO,
	};
	long long segs = nt_mib(NULL, "Tcp", "OutSegs");
	long long tx = nt_mib(NULL, "Ip", "OutRequests");

	ASSERT_EQ(0, tt_xfer(&x, x.send_opts, x.recv_opts));
	EXPECT_EQ(64LL << 20, x.rcv.bytes);
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	/* It was wren's TCP that carried it (and not Linux's lo). */
	EXPECT_LT(segs + 100, nt_mib(NULL, "Tcp", "OutSegs"));
	EXPECT_LT(tx + 100, nt_mib(NULL, "Ip", "OutRequests"));
}

/* Datagrams both ways on 127.0.0.1; the sources say 127.0.0.1. */
TEST_F(lo, udp_datagrams_and_their_source)
{
	struct wt_xfer x = {
		.host = LO, .port = wt_ports(1), .opts = "--udp 1400 2000",
		.send_opts = "--family wren --pps 5000",
		.recv_opts = "--family wren --bind " LO,
	};
	struct sockaddr_wren to, from;
	socklen_t fl = sizeof(from);
	int a, b, port = wt_ports(1), aport = -1;
	char buf[64];
	long long in = nt_mib(NULL, "Udp", "InDatagrams");

	ASSERT_EQ(0, wt_xfer_run(&x));
	EXPECT_EQ(2000, x.rcv.datagrams);
	EXPECT_LE(in + 2000, nt_mib(NULL, "Udp", "InDatagrams"));

	b = nt_dgram(NULL, AF_WREN, 0, LO, port);
	ASSERT_LE(0, b);
	a = socket(AF_WREN, SOCK_DGRAM, 0);
	ASSERT_LE(0, a);
	to = nt_swren(LO, port);
	ASSERT_EQ(5, sendto(a, "hello", 5, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	nt_rcvtimeo(b, 3000);
	ASSERT_EQ(5, recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			      &fl));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_EQ(nt_addr(LO), from.swren_addr);
	/* Autobound by sendto: a port, no address (as Linux). */
	EXPECT_EQ(0U, sock_addr(a, false, &aport));
	EXPECT_EQ(aport, ntohs(from.swren_port));
	/* And the answer comes back to the autobound sender. */
	ASSERT_EQ(3, sendto(b, "ack", 3, 0, (struct sockaddr *)&from, fl));
	nt_rcvtimeo(a, 3000);
	EXPECT_EQ(3, recv(a, buf, sizeof(buf), 0));
	close(a);
	close(b);
}

/* A connected UDP socket learns of a closed port from wren's own ICMP. */
TEST_F(lo, udp_to_closed_port_is_refused)
{
	struct sockaddr_wren to = nt_swren(LO, wt_ports(1));
	int fd = socket(AF_WREN, SOCK_DGRAM, 0);
	char buf[8];

	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, (struct sockaddr *)&to, sizeof(to)));
	ASSERT_EQ(1, send(fd, "x", 1, 0));
	nt_rcvtimeo(fd, 3000);
	EXPECT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	EXPECT_EQ(ECONNREFUSED, errno);
	close(fd);
}

/*
 * Any 127/8 address is ours: a server on 127.0.0.5, reached from
 * 127.0.0.1 (Linux's lo route gives that source); wrenstat lists both
 * ends, and the accepted socket's peer is the client's address.
 */
TEST_F(lo, any_127_address_and_wrenstat)
{
	int port = wt_ports(1), l, c, s, cport = 0, pport = 0;
	struct sockaddr_wren pa;
	socklen_t pl = sizeof(pa);
	char *out;

	l = wren_listen("127.0.0.5", port);
	ASSERT_LE(0, l) TH_LOG("listen on 127.0.0.5: %s", strerror(errno));
	c = wren_connect("127.0.0.5", port);
	ASSERT_LE(0, c) TH_LOG("connect: %s", strerror(errno));
	s = accept(l, (struct sockaddr *)&pa, &pl);
	ASSERT_LE(0, s);
	EXPECT_EQ(nt_addr(LO), sock_addr(c, false, &cport));
	EXPECT_EQ(nt_addr("127.0.0.5"), sock_addr(c, true, &pport));
	EXPECT_EQ(port, pport);
	EXPECT_EQ(nt_addr(LO), pa.swren_addr);
	EXPECT_EQ(cport, ntohs(pa.swren_port));
	EXPECT_TRUE(tt_stat_has(cport, port, "ESTABLISHED", NULL, NULL));
	EXPECT_TRUE(tt_stat_has(port, cport, "ESTABLISHED", NULL, NULL));
	out = wt_out("wrenstat -t -n");
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "127.0.0.5")) TH_LOG("%s", out);
	free(out);
	EXPECT_EQ(4, write(c, "ping", 4));
	close(c);
	close(s);
	close(l);
}

/* Bound to 127/8, a socket cannot reach the peer: EINVAL, as Linux. */
TEST_F(lo, bound_to_127_cannot_leave_the_host)
{
	struct sockaddr_wren lo = nt_swren(LO, 0);
	struct sockaddr_wren peer = nt_swren(WS_PEER_IP, wt_ports(1));
	int t = wren_tcp(), u = socket(AF_WREN, SOCK_DGRAM, 0);

	ASSERT_LE(0, t);
	ASSERT_LE(0, u);
	ASSERT_EQ(0, bind(t, (struct sockaddr *)&lo, sizeof(lo)));
	ASSERT_EQ(0, bind(u, (struct sockaddr *)&lo, sizeof(lo)));
	EXPECT_EQ(-1, connect(t, (struct sockaddr *)&peer, sizeof(peer)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, sendto(u, "x", 1, 0, (struct sockaddr *)&peer,
			     sizeof(peer)));
	EXPECT_EQ(EINVAL, errno);
	close(t);
	close(u);
}

/* wrenping answers itself on 127.0.0.1. */
TEST_F(lo, ping)
{
	long long echo = nt_mib(NULL, "Icmp", "InEchos");

	EXPECT_EQ(0, nt_wrenping(NULL, LO, 3));
	EXPECT_LE(echo + 3, nt_mib(NULL, "Icmp", "InEchos"));
}

/*
 * From a wire, 127/8 is a Martian: as destination (IpMartianDst) and as
 * source (IpBadSrc), both counted as address errors, neither answered.
 * eth0 is attached exclusive for it: shared, a 127/8 destination is not
 * one of wren's addresses and goes to Linux, which drops its Martians
 * itself.  The captures' check (teardown) is drained of these frames,
 * which are the test's own.
 */
TEST_F(lo, martians_from_the_wire_are_dropped)
{
	static const struct { const char *src, *dst, *reason; } c[] = {
		{ WS_PEER_IP, LO, "IpMartianDst" },
		{ WS_PEER_IP, "127.0.0.9", "IpMartianDst" },
		{ LO, WS_WREN_IP, "IpBadSrc" },
	};
	uint8_t wmac[6], f[128];
	struct nt_raw inj;
	unsigned int i;

	ASSERT_EQ(0, nt_wren_attach_mode(NULL, "eth0", WS_WREN_IP "/28", true));
	ASSERT_EQ(0, nt_ifmac(NULL, "eth0", wmac));
	ASSERT_EQ(0, nt_raw_open(&inj, WT_PEER_NS, "peer0", 0));
	for (i = 0; i < ARRAY_SIZE(c); i++) {
		uint32_t s = nt_addr(c[i].src), d = nt_addr(c[i].dst);
		long long drops = nt_drop(NULL, c[i].reason);
		long long aerr = nt_mib(NULL, "Ip", "InAddrErrors");
		size_t n = nt_eth(f, wmac, inj.mac, ETH_P_IP), u;

		u = nt_udp(f + n + NT_IP_HLEN, s, d, 4000, 9, "martian", 7);
		nt_ip(f + n, NT_IP_HLEN + u, 0x127, 0, 64, IPPROTO_UDP, s, d);
		ASSERT_EQ(0, nt_raw_send(&inj, f, n + NT_IP_HLEN + u));
		EXPECT_EQ(drops + 1, NT_WAIT_ABOVE(3000, drops,
						   nt_drop(NULL, c[i].reason)))
			TH_LOG("%s -> %s", c[i].src, c[i].dst);
		EXPECT_EQ(aerr + 1, nt_mib(NULL, "Ip", "InAddrErrors"));
	}
	nt_raw_close(&inj);
	cap_count(&self->wire);
	cap_count(&self->peer);
	EXPECT_EQ(0, nt_wren_attach(NULL, "eth0", WS_WREN_IP "/28"));
}

TEST_HARNESS_MAIN
