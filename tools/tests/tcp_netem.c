// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP bulk transfers through netem, sha256 checked: wren to the
 * guest's Linux TCP and back (netem on both qdiscs of the wire, peer0 and
 * eth0), and wren to wren over veth (netem on the far veth end).  Three impairments: 1% loss;
 * 5% loss with 1% reordering, 1% duplication and 10 ms delay; 0.1%
 * corruption.
 */
#include <netinet/in.h>
#include <signal.h>
#include "kselftest_harness.h"
#include "wren_sock_test.h"

#define NS2	"t2"
#define IP1	"198.18.1.1"
#define IP2	"198.18.1.2"
#define PORT	6800

#define LOSS	"loss 1%"
#define MIX	"delay 10ms reorder 1% duplicate 1% loss 5%"
#define CORRUPT	"corrupt 0.1%"

/* The same namespace and veth pair as tcp_basic (one boot may run both). */
static int veth_up(void)
{
	static const char *flag = "/run/wren-tcp-test.veth";

	if (access(flag, F_OK) == 0)
		return 0;
	wt_shq("modprobe veth");
	if (wt_sh("ip netns add %s && ip link add tv0 type veth peer name tv1 "
		  "&& ip link set tv1 netns %s && ip link set tv0 up && "
		  "ip -n %s link set tv1 up && ip -n %s link set lo up",
		  NS2, NS2, NS2, NS2))
		return -1;
	if (wt_sh("wrenctl link attach tv0 && wrenctl addr add %s/24 dev tv0",
		  IP1))
		return -1;
	if (wt_run(NS2, "wrenctl link attach tv1 && "
		   "wrenctl addr add " IP2 "/24 dev tv1"))
		return -1;
	wt_sh("touch %s", flag);
	return 0;
}

static void netem_off(void)
{
	wt_shq("tc qdisc del dev eth0 root 2>/dev/null");
	wt_peerq("tc qdisc del dev peer0 root 2>/dev/null");
	wt_shq("ip netns exec " NS2 " tc qdisc del dev tv1 root 2>/dev/null");
}

enum dir { W2L, L2W, W2W, W2W_BACK };

/* @bytes one way through netem @qdisc; 0 if both hashes agree. */
static int run(struct __test_metadata *_metadata, enum dir d,
	       const char *qdisc, int port, long long bytes)
{
	struct wt_xfer x = {
		.port = port, .bytes = bytes, .timeout_ms = 560000,
	};
	long long rtx = ws_snmp("Tcp", "RetransSegs");
	long long err = ws_snmp("Tcp", "InErrs");
	double t0;
	int rc;

	switch (d) {
	case W2L:
		x.recv_ns = WT_PEER_NS;
		x.host = WS_PEER_IP;
		x.send_opts = "--family wren";
		break;
	case L2W:
		x.send_ns = WT_PEER_NS;
		x.host = WS_WREN_IP;
		x.recv_opts = "--family wren";
		break;
	case W2W:
		x.recv_ns = NS2;
		x.host = IP2;
		x.opts = "--family wren";
		break;
	case W2W_BACK:
		x.send_ns = NS2;
		x.host = IP1;
		x.opts = "--family wren";
		break;
	}
	if (d == W2L || d == L2W) {
		/* Both ways on the wire: wren's data or ACKs leave through
		 * eth0's (Linux) qdisc, the peer's through peer0's.
		 */
		if (wt_peer("tc qdisc add dev peer0 root netem %s", qdisc) ||
		    wt_sh("tc qdisc add dev eth0 root netem %s", qdisc))
			return -1;
	} else {
		if (veth_up() ||
		    wt_sh("ip netns exec " NS2 " tc qdisc add dev tv1 root "
			  "netem %s", qdisc))
			return -1;
	}
	t0 = wt_now();
	rc = wt_xfer_run(&x);
	netem_off();
	TH_LOG("%lld MiB in %.1f s (%.2f MB/s); wren retransmitted %lld, "
	       "InErrs +%lld", bytes / WT_MIB, wt_now() - t0, x.rcv.mbps,
	       ws_snmp("Tcp", "RetransSegs") - rtx,
	       ws_snmp("Tcp", "InErrs") - err);
	if (rc)
		return rc;
	if (x.rcv.bytes != bytes || strcmp(x.snd.sha256, x.rcv.sha256))
		return -1;
	return 0;
}

FIXTURE(netem) {
	int unused;
};

FIXTURE_SETUP(netem)
{
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, ws_net_up());
	wt_shq("modprobe sch_netem");
	netem_off();
}

FIXTURE_TEARDOWN(netem)
{
	netem_off();
}

TEST_F_TIMEOUT(netem, loss_wren_to_linux, 300)
{
	EXPECT_EQ(0, run(_metadata, W2L, LOSS, PORT, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, loss_linux_to_wren, 300)
{
	EXPECT_EQ(0, run(_metadata, L2W, LOSS, PORT + 1, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, mix_wren_to_linux, 300)
{
	EXPECT_EQ(0, run(_metadata, W2L, MIX, PORT + 2, 64 * WT_MIB));
}

/*
 * The slowest transfer of make check: Linux's own sender moves about
 * 0.4 MB/s through this mix under TCG (64 MiB took 169 s), hence the
 * longer timeout.
 */
TEST_F_TIMEOUT(netem, mix_linux_to_wren, 600)
{
	EXPECT_EQ(0, run(_metadata, L2W, MIX, PORT + 3, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, corrupt_wren_to_linux, 300)
{
	EXPECT_EQ(0, run(_metadata, W2L, CORRUPT, PORT + 4, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, corrupt_linux_to_wren, 300)
{
	EXPECT_EQ(0, run(_metadata, L2W, CORRUPT, PORT + 5, 64 * WT_MIB));
}

/* wren to wren: netem on tv1 hits the data one way, the ACKs the other. */
TEST_F_TIMEOUT(netem, loss_wren_wren, 300)
{
	EXPECT_EQ(0, run(_metadata, W2W, LOSS, PORT + 6, 64 * WT_MIB));
	EXPECT_EQ(0, run(_metadata, W2W_BACK, LOSS, PORT + 7, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, mix_wren_wren, 300)
{
	EXPECT_EQ(0, run(_metadata, W2W, MIX, PORT + 8, 64 * WT_MIB));
	EXPECT_EQ(0, run(_metadata, W2W_BACK, MIX, PORT + 9, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, corrupt_wren_wren, 300)
{
	EXPECT_EQ(0, run(_metadata, W2W, CORRUPT, PORT + 10, 64 * WT_MIB));
	EXPECT_EQ(0, run(_metadata, W2W_BACK, CORRUPT, PORT + 11,
			 64 * WT_MIB));
}

TEST_HARNESS_MAIN
