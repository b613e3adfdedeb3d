// SPDX-License-Identifier: GPL-2.0
/*
 * net_netns: wren talking to wren.  Two new network namespaces, "wta" and
 * "wtb", joined by a veth pair (wva in wta, wvb in wtb); wren attached to
 * each end (203.0.113.1/24 and 203.0.113.2/24).  ICMP echo and UDP both
 * ways, large datagrams through fragmentation and reassembly on both sides,
 * counters kept per namespace, and the life cycle of an attached device
 * when its namespace goes away or it moves to another one.
 */
#include "kselftest_harness.h"
#include "net.h"

#define NSA	"wta"
#define NSB	"wtb"
#define NSC	"wtc"
#define ADDRA	"203.0.113.1"
#define ADDRB	"203.0.113.2"
#define PORTA	7301
#define PORTB	7302

static void clean(void)
{
	nt_runq(NULL, "ip netns del " NSA);
	nt_runq(NULL, "ip netns del " NSB);
	nt_runq(NULL, "ip netns del " NSC);
	nt_runq(NULL, "ip link del wvc0");
}

FIXTURE(ns) {
	int a, b;		/* AF_WREN UDP sockets in wta and wtb */
	uint8_t *tx, *rx;
};

FIXTURE_SETUP(ns)
{
	self->a = self->b = -1;
	clean();
	nt_runq(NULL, "modprobe veth");
	self->tx = malloc(65536);
	self->rx = malloc(65537);
	ASSERT_NE(NULL, self->tx);
	ASSERT_NE(NULL, self->rx);
	ASSERT_EQ(0, nt_run(NULL, "ip netns add " NSA " && ip netns add " NSB
			    " && ip link add wva netns " NSA " type veth peer "
			    "name wvb netns " NSB));
	ASSERT_EQ(0, nt_run(NSA, "ip link set lo up"));
	ASSERT_EQ(0, nt_run(NSB, "ip link set lo up"));
	ASSERT_EQ(0, nt_wren_attach(NSA, "wva", ADDRA "/24"));
	ASSERT_EQ(0, nt_wren_attach(NSB, "wvb", ADDRB "/24"));
	self->a = nt_dgram(NSA, AF_WREN, 0, ADDRA, PORTA);
	ASSERT_LE(0, self->a);
	self->b = nt_dgram(NSB, AF_WREN, 0, ADDRB, PORTB);
	ASSERT_LE(0, self->b);
}

FIXTURE_TEARDOWN(ns)
{
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
	free(self->tx);
	free(self->rx);
	nt_wren_detach(NSA, "wva");
	nt_wren_detach(NSB, "wvb");
	clean();
}

TEST_F(ns, wrenping_a_to_b)
{
	long long in0 = nt_mib(NSB, "Icmp", "InEchos");
	long long rep0 = nt_mib(NSA, "Icmp", "InEchoReps");

	ASSERT_LE(0, in0);
	EXPECT_EQ(0, nt_wrenping(NSA, ADDRB, 3));
	EXPECT_LE(in0 + 3, nt_mib(NSB, "Icmp", "InEchos"));
	EXPECT_LE(rep0 + 3, nt_mib(NSA, "Icmp", "InEchoReps"));
}

TEST_F(ns, wrenping_b_to_a)
{
	long long in0 = nt_mib(NSA, "Icmp", "InEchos");

	EXPECT_EQ(0, nt_wrenping(NSB, ADDRA, 3));
	EXPECT_LE(in0 + 3, nt_mib(NSA, "Icmp", "InEchos"));
}

/* A large echo: both wrens fragment and reassemble. */
TEST_F(ns, wrenping_large)
{
	EXPECT_EQ(0, nt_run(NSA, "wrenping -q -c 2 -i 0.2 -W 2 -s 5000 "
			    ADDRB));
}

/* @len bytes from @from (port @fport) to @to:@tport; checked on arrival. */
static int one_way(FIXTURE_DATA(ns) *self, int from, const char *faddr,
		   uint16_t fport, int to, const char *taddr, uint16_t tport,
		   size_t len, uint64_t seed)
{
	char src[16];
	uint16_t port;
	ssize_t n;

	wt_pattern_fill(self->tx, len, 0, seed);
	n = nt_sendto(from, AF_WREN, self->tx, len, taddr, tport);
	if (n != (ssize_t)len) {
		nt_diag("send %zu: %zd (%s)\n", len, n, strerror(errno));
		return -1;
	}
	n = nt_recvfrom(to, self->rx, len + 1, 0, src, &port);
	if (n != (ssize_t)len || strcmp(src, faddr) || port != fport ||
	    memcmp(self->rx, self->tx, len)) {
		nt_diag("got %zd (%s) from %s:%u, want %zu from %s:%u%s\n", n,
			n < 0 ? strerror(errno) : "-", n < 0 ? "-" : src,
			n < 0 ? 0 : port, len, faddr, fport,
			n == (ssize_t)len ? ", content differs" : "");
		nt_dump_state(NSA);
		nt_dump_state(NSB);
		return -1;
	}
	return 0;
}

static int echo(FIXTURE_DATA(ns) *self, bool a_first, size_t len,
		uint64_t seed)
{
	if (a_first)
		return one_way(self, self->a, ADDRA, PORTA, self->b, ADDRB,
			       PORTB, len, seed) ||
		       one_way(self, self->b, ADDRB, PORTB, self->a, ADDRA,
			       PORTA, len, seed + 1);
	return one_way(self, self->b, ADDRB, PORTB, self->a, ADDRA, PORTA,
		       len, seed) ||
	       one_way(self, self->a, ADDRA, PORTA, self->b, ADDRB, PORTB,
		       len, seed + 1);
}

TEST_F(ns, udp_echo_a_to_b)
{
	EXPECT_EQ(0, echo(self, true, 100, 1));
	EXPECT_EQ(0, echo(self, true, 1472, 3));
}

TEST_F(ns, udp_echo_b_to_a)
{
	EXPECT_EQ(0, echo(self, false, 100, 5));
}

TEST_F(ns, udp_8000_both_ways)
{
	long long ra0 = nt_mib(NSA, "Ip", "ReasmOKs");
	long long rb0 = nt_mib(NSB, "Ip", "ReasmOKs");

	EXPECT_EQ(0, echo(self, true, 8000, 7));
	EXPECT_EQ(ra0 + 1, nt_mib(NSA, "Ip", "ReasmOKs"));
	EXPECT_EQ(rb0 + 1, nt_mib(NSB, "Ip", "ReasmOKs"));
}

TEST_F(ns, udp_65507_both_ways)
{
	EXPECT_EQ(0, echo(self, true, 65507, 9));
	EXPECT_EQ(0, echo(self, false, 65507, 11));
}

/* What happens in the new namespaces is not counted in the initial one. */
TEST_F(ns, counters_are_per_namespace)
{
	long long root0 = nt_mib(NULL, "Udp", "InDatagrams");
	long long b0 = nt_mib(NSB, "Udp", "InDatagrams");
	int i;

	ASSERT_LE(0, root0);
	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, one_way(self, self->a, ADDRA, PORTA, self->b,
				     ADDRB, PORTB, 10, i));
	EXPECT_EQ(b0 + 5, nt_mib(NSB, "Udp", "InDatagrams"));
	EXPECT_EQ(root0, nt_mib(NULL, "Udp", "InDatagrams"));
}

/*
 * A namespace deleted while wren is attached in it and one of its sockets
 * is open: the namespace ends when the socket closes, wren lets go of the
 * device, and the other namespaces carry on.
 */
TEST_F(ns, delete_namespace_while_attached)
{
	int s;

	ASSERT_EQ(0, nt_run(NULL, "ip netns add " NSC " && ip -n " NSC
			    " link add wvc0 type veth peer name wvc1"));
	ASSERT_EQ(0, nt_run(NSC, "ip link set wvc1 up"));
	ASSERT_EQ(0, nt_wren_attach(NSC, "wvc0", "203.0.113.5/24"));
	s = nt_dgram(NSC, AF_WREN, 0, "203.0.113.5", 7303);
	ASSERT_LE(0, s);
	ASSERT_EQ(5, nt_sendto(s, AF_WREN, "hello", 5, "203.0.113.6", 9));
	ASSERT_EQ(0, nt_run(NULL, "ip netns del " NSC));
	/* The socket still works as a socket of a namespace on its way out. */
	ASSERT_EQ(0, close(s));
	wt_msleep(1000);	/* cleanup_net runs from a work queue */
	EXPECT_EQ(0, echo(self, true, 100, 13));
	EXPECT_EQ(0, wt_dmesg_count(WT_DMESG_BUG));
}

/*
 * A device wren is attached to moves to another namespace: wren in the old
 * one lets go of it, and wren in the new one can attach it.
 */
TEST_F(ns, device_moves_namespace)
{
	char *out;

	ASSERT_EQ(0, nt_run(NULL, "ip netns add " NSC " && ip -n " NSC
			    " link add wvc0 type veth peer name wvc1"));
	ASSERT_EQ(0, nt_wren_attach(NSC, "wvc0", "203.0.113.5/24"));
	ASSERT_EQ(0, nt_run(NSC, "ip link set wvc0 netns 1"));
	out = wt_run_out(NSC, NULL, "wrenctl link show");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(NULL, strstr(out, "wvc0")) {
		TH_LOG("%s still lists wvc0: %s", NSC, out);
	}
	free(out);
	out = wt_out("wrenctl link show");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(NULL, strstr(out, "wvc0")) {
		TH_LOG("the initial namespace lists wvc0: %s", out);
	}
	free(out);
	EXPECT_EQ(0, nt_wren_attach(NULL, "wvc0", NULL));
	nt_wren_detach(NULL, "wvc0");
	nt_runq(NULL, "ip link del wvc0");
	EXPECT_EQ(0, wt_dmesg_count(WT_DMESG_BUG));
}

/*
 * An attached device is deleted while a datagram waits for ARP on it and a
 * socket still has a route through it: nothing breaks, the socket gets
 * ENETUNREACH for that destination and still works for others.
 */
TEST_F(ns, delete_attached_device_with_arp_pending)
{
	uint32_t tag = 3;
	char *out;

	ASSERT_EQ(0, nt_run(NSA, "ip link add wvx0 type veth peer name wvx1 "
			    "&& ip link set wvx1 up"));
	ASSERT_EQ(0, nt_wren_attach(NSA, "wvx0", "198.51.100.1/24"));
	ASSERT_EQ(4, nt_sendto(self->a, AF_WREN, &tag, 4, "198.51.100.9", 9));
	ASSERT_EQ(0, nt_run(NSA, "ip link del wvx0"));
	out = wt_run_out(NSA, NULL, "wrenctl link show; "
			 "cat /proc/net/wren/route");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(NULL, strstr(out, "wvx0")) {
		TH_LOG("still there: %s", out);
	}
	free(out);
	EXPECT_EQ(-1, nt_sendto(self->a, AF_WREN, &tag, 4, "198.51.100.9", 9));
	EXPECT_EQ(ENETUNREACH, errno);
	wt_msleep(3500);	/* past the ARP retries */
	EXPECT_EQ(0, echo(self, true, 100, 15));
	EXPECT_EQ(0, wt_dmesg_count(WT_DMESG_BUG));
}

/*
 * Addresses belong to their namespace: wren in wta has no route to the
 * initial namespace's 192.0.2.1 and does not deliver to it locally.
 */
TEST_F(ns, addresses_are_per_namespace)
{
	int root;
	char buf[16];

	ASSERT_EQ(0, nt_pair_up(0));
	root = nt_dgram(NULL, AF_WREN, 0, NULL, 7304);
	ASSERT_LE(0, root);
	EXPECT_EQ(-1, nt_sendto(self->a, AF_WREN, "x", 1, wt_ip(0, WT_GUEST),
				7304));
	EXPECT_EQ(ENETUNREACH, errno);
	/* Even with a route there, it goes out on wva, not to eth0's socket. */
	ASSERT_EQ(0, nt_run(NSA, "wrenctl route add 192.0.2.0/24 dev wva"));
	nt_sendto(self->a, AF_WREN, "y", 1, wt_ip(0, WT_GUEST), 7304);
	wt_msleep(500);
	EXPECT_EQ(-1, recv(root, buf, sizeof(buf), MSG_DONTWAIT));
	/* And the two namespaces' own addresses still work. */
	EXPECT_EQ(0, echo(self, true, 10, 17));
	close(root);
	nt_pair_down(0);
}

/*
 * wtb goes away in the middle of a flood from wta (wrenping and
 * fragmented UDP): wta's senders see errors at most, nothing breaks.
 */
TEST_F(ns, delete_peer_namespace_under_traffic)
{
	struct wt_bg *wp;
	int i;

	wp = wt_bg_start(NSA, "wrenping -q -i 0.01 -s 3000 -w 6 " ADDRB);
	ASSERT_NE(NULL, wp);
	memset(self->tx, 0x5a, 8000);
	for (i = 0; i < 20; i++)
		nt_sendto(self->a, AF_WREN, self->tx, 8000, ADDRB, PORTB);
	close(self->b);
	self->b = -1;
	ASSERT_EQ(0, nt_run(NULL, "ip netns del " NSB));
	for (i = 0; i < 20; i++)
		nt_sendto(self->a, AF_WREN, self->tx, 8000, ADDRB, PORTB);
	wt_bg_wait(wp, 10000);
	wt_bg_free(wp);
	wt_msleep(1000);
	EXPECT_EQ(0, wt_dmesg_count(WT_DMESG_BUG));
	EXPECT_EQ(0, nt_run(NSA, "wrenctl link show && "
			    "cat /proc/net/wren/snmp >/dev/null"));
}

WT_HARNESS_MAIN
