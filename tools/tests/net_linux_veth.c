// SPDX-License-Identifier: GPL-2.0
/*
 * net_linux_veth: Linux and wren over a veth pair, each in its own
 * namespace.  Unlike the e1000 link, veth hands wren Linux's own skbs:
 * partial checksums, UDP and TCP GSO super-packets, and fragments still
 * owned by the sending socket (skb->sk, sock_wfree), which reassembly must
 * orphan.  TCP: 64 MiB each way, clean and through 1% loss, sha256 equal.
 */
#include "kselftest_harness.h"
#include "net.h"

#define PORTA	7301
#define PORTB	7302

/*
 * wren in "wtw" on wl0 (198.51.100.1/24), Linux in "wtl" on wl1
 * (198.51.100.2/24).  Linux's packets arrive with partial checksums, and
 * its UDP GSO super-packets whole: wren completes and segments them.
 */
#define NSW	"wtw"
#define NSL	"wtl"
#define ADDRW	"198.51.100.1"
#define ADDRL	"198.51.100.2"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT	103
#endif

FIXTURE(lx) {
	int w, l;
	uint8_t *tx, *rx;
};

FIXTURE_SETUP(lx)
{
	self->w = self->l = -1;
	nt_runq(NULL, "ip netns del " NSW "; ip netns del " NSL);
	nt_runq(NULL, "modprobe veth");
	self->tx = malloc(65536);
	self->rx = malloc(65537);
	ASSERT_NE(NULL, self->tx);
	ASSERT_NE(NULL, self->rx);
	ASSERT_EQ(0, nt_run(NULL, "ip netns add " NSW " && ip netns add " NSL
			    " && ip link add wl0 netns " NSW " type veth peer "
			    "name wl1 netns " NSL));
	ASSERT_EQ(0, nt_run(NSL, "ip link set lo up && ip addr add " ADDRL
			    "/24 dev wl1 && ip link set wl1 up"));
	ASSERT_EQ(0, nt_wren_attach(NSW, "wl0", ADDRW "/24"));
	self->w = nt_dgram(NSW, AF_WREN, 0, ADDRW, PORTA);
	ASSERT_LE(0, self->w);
	self->l = nt_dgram(NSL, AF_INET, 0, ADDRL, PORTB);
	ASSERT_LE(0, self->l);
}

FIXTURE_TEARDOWN(lx)
{
	if (self->w >= 0)
		close(self->w);
	if (self->l >= 0)
		close(self->l);
	free(self->tx);
	free(self->rx);
	nt_wren_detach(NSW, "wl0");
	nt_runq(NULL, "ip netns del " NSW "; ip netns del " NSL);
}

/* @len bytes (pattern @seed) from socket @a to @b's address; checked. */
static int lx_one_way(FIXTURE_DATA(lx) *self, bool from_wren, size_t len,
		      uint64_t seed)
{
	int a = from_wren ? self->w : self->l, b = from_wren ? self->l : self->w;
	ssize_t n;

	wt_pattern_fill(self->tx, len, 0, seed);
	n = nt_sendto(a, from_wren ? AF_WREN : AF_INET, self->tx, len,
		      from_wren ? ADDRL : ADDRW, from_wren ? PORTB : PORTA);
	if (n != (ssize_t)len) {
		nt_diag("send %zu: %zd (%s)\n", len, n, strerror(errno));
		return -1;
	}
	n = recv(b, self->rx, len + 1, 0);
	if (n != (ssize_t)len || memcmp(self->rx, self->tx, len)) {
		nt_diag("received %zd (%s), want %zu%s\n", n,
			n < 0 ? strerror(errno) : "-", len,
			n == (ssize_t)len ? ", content differs" : "");
		nt_dump_state(NSW);
		return -1;
	}
	return 0;
}

/*
 * Linux's fragments over veth still belong to its sending socket.  wren
 * reassembles them and frees the datagram: the socket's send-buffer
 * accounting must come out even (no refcount warning; later sends work).
 */
TEST_F(lx, fragments_from_a_local_socket)
{
	int i;

	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, lx_one_way(self, false, 1473, i));
	EXPECT_EQ(0, wt_dmesg_count("refcount_t"));
	/* The socket's send-buffer accounting is intact. */
	for (i = 0; i < 20; i++)
		ASSERT_EQ(0, lx_one_way(self, false, 8000, 10 + i));
}

TEST_F(lx, linux_pings_wren)
{
	EXPECT_EQ(0, nt_run(NSL, "ping -q -c 2 -i 0.2 -W 2 " ADDRW " && "
			    "ping -q -c 2 -i 0.2 -W 2 -s 4000 " ADDRW));
	EXPECT_EQ(0, nt_wrenping(NSW, ADDRL, 2));
}

TEST_F(lx, udp_both_ways)
{
	static const size_t sizes[] = { 1, 100, 1472, 1473, 8000, 65507 };
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		EXPECT_EQ(0, lx_one_way(self, false, sizes[i], i)) {
			TH_LOG("Linux -> wren, %zu bytes", sizes[i]);
		}
		EXPECT_EQ(0, lx_one_way(self, true, sizes[i], i + 50)) {
			TH_LOG("wren -> Linux, %zu bytes", sizes[i]);
		}
	}
}

/*
 * One send of @total bytes with UDP_SEGMENT @seg from Linux: wren
 * receives ceil(total / seg) datagrams, in order, with the right bytes.
 */
static int gso(FIXTURE_DATA(lx) *self, size_t total, int seg)
{
	size_t off, want;
	ssize_t n;

	if (setsockopt(self->l, SOL_UDP, UDP_SEGMENT, &seg, sizeof(seg))) {
		nt_diag("UDP_SEGMENT: %s\n", strerror(errno));
		return -1;
	}
	wt_pattern_fill(self->tx, total, 0, total);
	if (nt_sendto(self->l, AF_INET, self->tx, total, ADDRW, PORTA) !=
	    (ssize_t)total) {
		nt_diag("GSO send of %zu: %s\n", total, strerror(errno));
		return -1;
	}
	for (off = 0; off < total; off += want) {
		want = total - off < (size_t)seg ? total - off : (size_t)seg;
		n = recv(self->w, self->rx, 65536, 0);
		if (n != (ssize_t)want || memcmp(self->rx, self->tx + off, want)) {
			nt_diag("segment at %zu: %zd bytes (%s), want %zu\n",
				off, n, n < 0 ? strerror(errno) : "-", want);
			nt_dump_state(NSW);
			return -1;
		}
	}
	nt_rcvtimeo(self->w, 500);
	n = recv(self->w, self->rx, 65536, 0);
	nt_rcvtimeo(self->w, 5000);
	if (n >= 0) {
		nt_diag("an extra datagram of %zd bytes\n", n);
		return -1;
	}
	return 0;
}

TEST_F(lx, udp_gso_from_linux)
{
	EXPECT_EQ(0, gso(self, 8000, 1000));
	EXPECT_EQ(0, gso(self, 7500, 1000));
	EXPECT_EQ(0, gso(self, 60000, 1400));
}

/*
 * 64 MiB of TCP one way between wren (NSW) and Linux (NSL); with @loss,
 * netem drops that share of the segments both ways (offload off, so a
 * TSO burst is not lost or kept whole).  0 if the hashes agree.
 */
static int lx_tcp(bool from_wren, const char *loss, int port)
{
	struct wt_xfer x = {
		.port = port, .bytes = 64LL << 20, .timeout_ms = 280000,
	};
	int rc;

	x.send_ns = from_wren ? NSW : NSL;
	x.recv_ns = from_wren ? NSL : NSW;
	x.host = from_wren ? ADDRL : ADDRW;
	if (from_wren)
		x.send_opts = "--family wren";
	else
		x.recv_opts = "--family wren";
	if (loss && (nt_run(NSW, "ethtool -K wl0 tso off gso off && "
			    "tc qdisc replace dev wl0 root netem loss %s", loss) ||
		     nt_run(NSL, "ethtool -K wl1 tso off gso off && "
			    "tc qdisc replace dev wl1 root netem loss %s", loss)))
		return -1;
	rc = wt_xfer_run(&x);
	nt_diag("TCP %s, loss %s: %.2f MB/s\n",
		from_wren ? "wren -> Linux" : "Linux -> wren",
		loss ? loss : "none", x.rcv.mbps);
	return rc || x.rcv.bytes != x.bytes ? -1 : 0;
}

/* Linux's TCP over veth sends GSO super-packets with partial checksums. */
TEST_F_TIMEOUT(lx, tcp_64m_both_ways, 600)
{
	nt_runq(NULL, "modprobe sch_netem");
	EXPECT_EQ(0, lx_tcp(true, NULL, 7311));
	EXPECT_EQ(0, lx_tcp(false, NULL, 7312));
}

TEST_F_TIMEOUT(lx, tcp_64m_both_ways_1pct_loss, 600)
{
	nt_runq(NULL, "modprobe sch_netem");
	EXPECT_EQ(0, lx_tcp(true, "1%", 7313));
	EXPECT_EQ(0, lx_tcp(false, "1%", 7314));
}

WT_HARNESS_MAIN
