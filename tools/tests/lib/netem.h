/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The netem transfers of tcp_netem.c (wren with Linux) and tcp_netem_ww.c
 * (wren with wren): 64 MiB one way through an impairment, sha256 checked.
 * Three impairments: 1% loss; 5% loss with 1% reordering, 1% duplication
 * and 10 ms delay; 0.1% corruption.
 *
 * netem drops, delays and duplicates whole skbs: a TSO/GSO super-packet
 * of 44 segments is lost or kept as one, which would make "5% loss" 5% of
 * bursts.  Segmentation offload is therefore off on every device a netem
 * qdisc sits on (and on the sending ends), so each segment meets the
 * impairment on its own, as on a real lossy wire.  Through the 5% mix
 * that holds Linux's own TCP, and wren, to about 0.4 MB/s under TCG.
 */
#ifndef _WREN_TCP_NETEM_H
#define _WREN_TCP_NETEM_H

#include <netinet/in.h>
#include <signal.h>
#include "kselftest_harness.h"
#include "sock.h"


#define LOSS	"loss 1%"
#define MIX	"delay 10ms reorder 1% duplicate 1% loss 5%"
#define CORRUPT	"corrupt 0.1%"

/* The TCP tests' wren-to-wren pair, once a wren-wren run has made it. */
static struct ws_veth nv;
static bool nv_up;

static void netem_off(void)
{
	wt_shq("tc qdisc del dev eth0 root 2>/dev/null");
	wt_peerq("tc qdisc del dev peer0 root 2>/dev/null");
	if (nv_up)
		wt_shq("ip netns exec %s tc qdisc del dev %s root 2>/dev/null",
		       nv.ns, nv.d1);
	wt_shq("ethtool -K eth0 tso on gso on 2>/dev/null");
	wt_peerq("ethtool -K peer0 gso on 2>/dev/null");
}

/* Every segment on its own through the qdiscs (see the top comment). */
static int segs_one_by_one(bool veth)
{
	if (veth)
		return wt_sh("ethtool -K %s tso off gso off && "
			     "ip netns exec %s ethtool -K %s tso off gso off",
			     nv.d0, nv.ns, nv.d1);
	/* virtio-net over a QEMU hub may offer no TSO at all: GSO is what
	 * must be off there.
	 */
	wt_peerq("ethtool -K peer0 tso off 2>/dev/null");
	return wt_sh("ethtool -K eth0 tso off gso off") ||
	       wt_peer("ethtool -K peer0 gso off");
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
	long long rec = ws_snmp("TcpExt", "TCPSackRecovery");
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
		x.recv_ns = nv.ns;
		x.host = nv.ip1;
		x.opts = "--family wren";
		break;
	case W2W_BACK:
		x.send_ns = nv.ns;
		x.host = nv.ip0;
		x.opts = "--family wren";
		break;
	}
	if (d == W2L || d == L2W) {
		/* Both ways on the wire: wren's data or ACKs leave through
		 * eth0's (Linux) qdisc, the peer's through peer0's.
		 */
		if (segs_one_by_one(false) ||
		    wt_peer("tc qdisc add dev peer0 root netem %s", qdisc) ||
		    wt_sh("tc qdisc add dev eth0 root netem %s", qdisc))
			return -1;
	} else {
		if (ws_veth_up("tcp", &nv))
			return -1;
		nv_up = true;
		if (segs_one_by_one(true) ||
		    wt_sh("ip netns exec %s tc qdisc add dev %s root netem %s",
			  nv.ns, nv.d1, qdisc))
			return -1;
	}
	t0 = wt_now();
	rc = wt_xfer_run(&x);
	netem_off();
	TH_LOG("%lld MiB in %.1f s (%.2f MB/s); wren retransmitted %lld, "
	       "SACK recoveries +%lld, InErrs +%lld", bytes / WT_MIB,
	       wt_now() - t0, x.rcv.mbps, ws_snmp("Tcp", "RetransSegs") - rtx,
	       ws_snmp("TcpExt", "TCPSackRecovery") - rec,
	       ws_snmp("Tcp", "InErrs") - err);
	if (rc)
		return rc;
	if (x.rcv.bytes != bytes || strcmp(x.snd.sha256, x.rcv.sha256))
		return -1;
	return 0;
}

FIXTURE(netem) {
	int port;	/* the test's block of 16 */
};

FIXTURE_SETUP(netem)
{
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, ws_net_up());
	self->port = wt_ports(16);
	ASSERT_LT(0, self->port);
	wt_shq("modprobe sch_netem");
	netem_off();
}

FIXTURE_TEARDOWN(netem)
{
	netem_off();
}

#endif /* _WREN_TCP_NETEM_H */
