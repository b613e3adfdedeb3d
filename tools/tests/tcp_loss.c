// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP when segments are lost, reordered or delayed.  (64 MiB through
 * netem, every segment on its own, is tcp_netem.c and tcp_netem_ww.c.)
 *
 *   peer.*      transfers both ways through netem loss and reordering, hash
 *               checked; CUBIC's HyStart leaves slow start when a router's
 *               queue starts to build, before it holds hundreds of ms
 *   wire.*      against the scripted peer (lib/wire.h): sequence numbers
 *               across 2^32, in order and out of order, with SACK blocks
 *               (newest first, merged as holes fill) and D-SACK (RFC 2883);
 *               a flight nobody ACKs draws a tail loss probe (RFC 8985); a
 *               lost fast retransmission is sent again when data sent after
 *               it is SACKed, without a timeout, for the first hole and a
 *               later one
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"
#include "wire.h"

TEST_F_TIMEOUT(peer, send_with_loss_and_reordering, 240)
{
	struct wt_xfer x = {
		.recv_ns = WT_PEER_NS, .host = WS_PEER_IP, .port = self->port,
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

TEST_F_TIMEOUT(peer, receive_with_loss_and_reordering, 240)
{
	struct wt_xfer x = {
		.send_ns = WT_PEER_NS, .host = WS_WREN_IP, .port = self->port + 1,
		.bytes = 16 * WT_MIB, .timeout_ms = 200000,
	};

	ASSERT_EQ(0, wt_peer("tc qdisc add dev peer0 root netem loss 2%% "
			     "delay 2ms reorder 10%%"));
	ASSERT_EQ(0, tt_xfer(&x, "", "--family wren"));
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	TH_LOG("%.1f MB/s", x.rcv.mbps);
}

/*
 * The router's link to the far end runs at 20 Mbit/s (netem rate on pm0)
 * with room for every packet, so in slow start the queue there, and the
 * RTT with it, grows every round and nothing is lost.  CUBIC's HyStart
 * delay test must end slow start once the RTT has risen by 4 to 16 ms: at
 * a window of some tens of segments here (2.5 MB/s drains 2.8 segments of
 * 900 bytes a millisecond).  Plain slow start would go on doubling up to
 * the peer's window of megabytes.  (A queue on wren's own eth0 would not
 * show it: TCP small queues keep at most 256 KiB of a socket's data in the
 * local qdisc.)  The segments fit the far route's MTU from the start: the
 * router's frag-needed messages are rate-limited, and a lost one costs an
 * RTO that ends slow start by itself.  The router does not coalesce (GRO
 * off on peer0): netem would send a 64 KiB coalesced packet as one lump,
 * and the far end would ACK a round's data once or twice, too few RTT
 * samples for HyStart (it needs eight a round), with any sender.
 */
#define HS_RATE		"20mbit"

#define HS_BYTES	(4 * WT_MIB)

#define HS_MSS		900	/* segments that fit the TT_FAR_MTU route */

#define HS_MAX_CWND	200	/* 200 * 900 bytes: 72 ms of queue */

TEST_F_TIMEOUT(peer, hystart_ends_slow_start_on_delay, 200)
{
	long long det0 = tt_tcpext("TCPHystartDelayDetect");
	long long cwnd0 = tt_tcpext("TCPHystartDelayCwnd");
	long long det, cwnd;
	unsigned int max_rtt = 0;
	struct wren_tcp_info ti;
	struct tt_flow s, r;

	ASSERT_EQ(0, tt_far_up());
	ASSERT_EQ(0, wt_peer("ethtool -K peer0 gro off"));
	ASSERT_EQ(0, wt_peer("tc qdisc replace dev pm0 root netem rate "
			     HS_RATE " limit 100000"));
	ASSERT_EQ(0, tt_far_pair(self->port + 2, HS_MSS, &self->w, &self->l));
	ASSERT_EQ(0, tt_wren_info(self->w, &ti));
	ASSERT_STREQ("cubic", ti.cong);
	ASSERT_EQ(0, tt_flow_start(&r, self->l, false, 0));
	ASSERT_EQ(0, tt_flow_start(&s, self->w, true, HS_BYTES));
	while (!s.done) {
		if (!tt_wren_info(self->w, &ti) && ti.rtt > max_rtt)
			max_rtt = ti.rtt;
		usleep(10000);
	}
	tt_flow_join(&s);
	tt_flow_join(&r);
	EXPECT_EQ(0, s.err);
	EXPECT_EQ(0, r.err);
	EXPECT_EQ(HS_BYTES, r.bytes);
	EXPECT_STREQ(s.hex, r.hex);

	ASSERT_EQ(0, tt_wren_info(self->w, &ti));
	det = tt_tcpext("TCPHystartDelayDetect") - det0;
	cwnd = tt_tcpext("TCPHystartDelayCwnd") - cwnd0;
	TH_LOG("HyStart exits %lld at cwnd %lld; now cwnd %u ssthresh %u "
	       "mss %u; largest srtt %u us; %u retransmitted", det, cwnd,
	       ti.snd_cwnd, ti.snd_ssthresh, ti.snd_mss, max_rtt,
	       ti.total_retrans);
	EXPECT_EQ(1, det);
	EXPECT_LE(16, cwnd);		/* HyStart waits for 16 segments */
	EXPECT_GE(HS_MAX_CWND, cwnd);
	/*
	 * Its ssthresh stands unless a loss recovery set another (as under
	 * the debug kernel, whose slowness brings spurious timeouts).
	 */
	if (!ti.total_retrans)
		EXPECT_EQ((unsigned int)cwnd, ti.snd_ssthresh);
}

/*
 * Data across 2^32 (ISN 2.5 segments below the wrap), with holes: every
 * out-of-order segment is ACKed at once, SACK blocks newest first and
 * merged; the reader gets every byte in order.
 */
TEST_F(wire, wraparound_and_sack)
{
	const uint32_t isn = 0xffffffffu - 2 * SEG - SEG / 2;
	long long dack = ws_snmp("TcpExt", "DelayedACKs");
	long long dsack = ws_snmp("TcpExt", "TCPDSACKSent");
	uint8_t got[10 * SEG];
	struct wire *w = &self->w;
	struct seg sa, s;
	uint32_t i;
	size_t have = 0;

	open_to_wren(_metadata, self, self->port + 1, isn, &sa);
	/* 0 and 1 in order, then 3: the hole is 2, which holds 2^32. */
	ASSERT_EQ(0, send_data(w, isn, 0));
	ASSERT_EQ(0, send_data(w, isn, 1));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 2 * SEG, s.ack);
	ASSERT_EQ(0, send_data(w, isn, 3));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 2 * SEG, s.ack);
	ASSERT_EQ(1, s.nsack);
	EXPECT_EQ(isn + 1 + 3 * SEG, s.sack[0][0]);
	EXPECT_EQ(isn + 1 + 4 * SEG, s.sack[0][1]);
	/* 5: a second block, first in the list. */
	ASSERT_EQ(0, send_data(w, isn, 5));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 2 * SEG, s.ack);
	ASSERT_EQ(2, s.nsack);
	EXPECT_EQ(isn + 1 + 5 * SEG, s.sack[0][0]);
	EXPECT_EQ(isn + 1 + 6 * SEG, s.sack[0][1]);
	EXPECT_EQ(isn + 1 + 3 * SEG, s.sack[1][0]);
	/* 4 joins them into one block. */
	ASSERT_EQ(0, send_data(w, isn, 4));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	ASSERT_EQ(1, s.nsack);
	EXPECT_EQ(isn + 1 + 3 * SEG, s.sack[0][0]);
	EXPECT_EQ(isn + 1 + 6 * SEG, s.sack[0][1]);
	/* 4 again: a D-SACK block for it, inside the SACK block after it. */
	ASSERT_EQ(0, send_data(w, isn, 4));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	ASSERT_EQ(2, s.nsack);
	EXPECT_EQ(isn + 1 + 4 * SEG, s.sack[0][0]);
	EXPECT_EQ(isn + 1 + 5 * SEG, s.sack[0][1]);
	EXPECT_EQ(isn + 1 + 3 * SEG, s.sack[1][0]);
	EXPECT_EQ(isn + 1 + 6 * SEG, s.sack[1][1]);
	/* 2 fills the hole across the wrap: everything is ACKed, no SACK. */
	ASSERT_EQ(0, send_data(w, isn, 2));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 6 * SEG, s.ack);
	EXPECT_EQ(0, s.nsack);
	/* 1 again, below the cumulative ACK: a D-SACK block alone. */
	ASSERT_EQ(0, send_data(w, isn, 1));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 6 * SEG, s.ack);
	ASSERT_EQ(1, s.nsack);
	EXPECT_EQ(isn + 1 + 1 * SEG, s.sack[0][0]);
	EXPECT_EQ(isn + 1 + 2 * SEG, s.sack[0][1]);
	EXPECT_EQ(dsack + 2, ws_snmp("TcpExt", "TCPDSACKSent"));
	/* None of those ACKs waited for the delayed-ACK timer. */
	EXPECT_EQ(dack, ws_snmp("TcpExt", "DelayedACKs"));
	for (i = 6; i < 10; i++)
		ASSERT_EQ(0, send_data(w, isn, i));
	w->snd_nxt = isn + 1 + 10 * SEG;
	while (have < sizeof(got)) {
		struct pollfd p = { .fd = self->c, .events = POLLIN };
		ssize_t n;

		ASSERT_EQ(1, poll(&p, 1, 5000));
		n = read(self->c, got + have, sizeof(got) - have);
		ASSERT_LT(0, n);
		have += n;
	}
	for (i = 0; i < sizeof(got); i++)
		if (got[i] != pat(i))
			break;
	EXPECT_EQ(sizeof(got), i);
}

/*
 * wren writes @bytes (after one round trip that gives it an RTT sample);
 * the data segments it sends within @ms are in @segs (at most @max), in
 * the order they came, retransmissions included.  Returns their count.
 */
static int wren_sends(struct __test_metadata *_metadata,
		      FIXTURE_DATA(wire) *self, size_t bytes, struct seg *segs,
		      int max, int ms, bool (*stop)(struct seg *, int))
{
	static char buf[65536];
	struct wire *w = &self->w;
	struct seg s;
	int n = 0;

	/* One byte there and its ACK back: an RTT sample for wren. */
	EXPECT_EQ(1, write(self->c, "r", 1));
	do {
		if (wire_recv(w, &s, 5000))
			return 0;
	} while (!s.len);
	w->rcv_nxt = s.seq + s.len;
	EXPECT_EQ(0, wire_send(w, w->snd_nxt, w->rcv_nxt, F_ACK, NULL, 0,
			       O_TS));
	wt_msleep(50);
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ((ssize_t)bytes, write(self->c, buf, bytes));
	while (n < max && wire_recv(w, &segs[n], ms) == 0) {
		if (!segs[n].len)
			continue;
		TH_LOG("wren sent %u+%d at %.3f", segs[n].seq - w->rcv_nxt,
		       segs[n].len, wt_now());
		n++;
		if (stop && stop(segs, n))
			break;
	}
	return n;
}

/* Stop once the last segment carries data that came before. */
static bool seen_twice(struct seg *segs, int n)
{
	uint32_t s = segs[n - 1].seq;
	int i;

	for (i = 0; i < n - 1; i++)
		if (s - segs[i].seq < (uint32_t)segs[i].len)
			return true;
	return false;
}

/* Stop once ten segments' worth (wren's initial window) came. */
static bool seen_iw(struct seg *segs, int n)
{
	int i, bytes = 0;

	for (i = 0; i < n; i++)
		bytes += segs[i].len;
	return bytes >= 10 * WREN_SEG;
}

/*
 * A flight of three full segments and no ACK at all: before the RTO,
 * wren probes with its last segment (RFC 8985 7.3; nothing new is waiting
 * to go), where an RTO would have resent the first.  ACKing everything
 * afterwards, without a D-SACK, counts a loss the probe repaired.
 */
TEST_F(wire, tail_loss_probe)
{
	long long tlp = ws_snmp("TcpExt", "TCPLossProbes");
	long long rec = ws_snmp("TcpExt", "TCPLossProbeRecovery");
	const uint32_t isn = 0x10000000;
	struct wire *w = &self->w;
	struct seg sa, segs[16], *p;
	struct wren_tcp_info ti;
	uint32_t first, top = 0;
	int n, i;

	open_to_wren(_metadata, self, self->port + 4, isn, &sa);
	n = wren_sends(_metadata, self, 3 * WREN_SEG, segs, 16, 3000,
		       seen_twice);
	ASSERT_LE(2, n);
	ASSERT_TRUE(seen_twice(segs, n));
	first = segs[0].seq;
	for (i = 0; i < n - 1; i++)
		if ((int32_t)(segs[i].seq + segs[i].len - top) > 0 || !top)
			top = segs[i].seq + segs[i].len;
	/* The data sent again is the tail of the flight, not its head. */
	p = &segs[n - 1];
	EXPECT_EQ(top, p->seq + p->len);
	EXPECT_NE(first, p->seq);
	EXPECT_EQ((uint32_t)(3 * WREN_SEG), top - first);
	EXPECT_EQ(0, tt_wren_info(self->c, &ti));
	EXPECT_EQ(0, ti.retransmits);	/* no RTO yet */
	EXPECT_LE(tlp + 1, ws_snmp("TcpExt", "TCPLossProbes"));
	w->rcv_nxt = top;
	ASSERT_EQ(0, wire_send(w, w->snd_nxt, w->rcv_nxt, F_ACK, NULL, 0,
			       O_TS));
	EXPECT_EQ(rec + 1, NT_WAIT_ABOVE(3000, rec,
					 ws_snmp("TcpExt",
						 "TCPLossProbeRecovery")));
}

/*
 * New data at *@top (segment @s): the first SACK block grows over it and
 * an ACK still at @ack reports it.  Anything else is left unanswered.
 */
static int sack_new_data(struct wire *w, const struct seg *s, uint32_t *top,
			 uint32_t ack)
{
	if (s->seq != *top)
		return 0;
	*top += s->len;
	w->sack[0][1] = *top;
	return wire_send(w, w->snd_nxt, ack, F_ACK, NULL, 0, O_TS_SACK);
}

/*
 * The first segment of a flight is lost, and so is its fast
 * retransmission: once data sent after the retransmission is SACKed, wren
 * sends it again, before any timeout.
 */
TEST_F(wire, lost_retransmission)
{
	long long lost = ws_snmp("TcpExt", "TCPLostRetransmit");
	const uint32_t isn = 0x20000000;
	struct wire *w = &self->w;
	struct seg sa, segs[16], s;
	struct wren_tcp_info ti;
	uint32_t head, top;
	int n, i, again = 0;

	open_to_wren(_metadata, self, self->port + 5, isn, &sa);
	/* The initial window (ten segments) of 40 written. */
	n = wren_sends(_metadata, self, 40 * WREN_SEG, segs, 16, 1000,
		       seen_iw);
	ASSERT_TRUE(seen_iw(segs, n));
	head = segs[0].seq;
	top = segs[n - 1].seq + segs[n - 1].len;
	/* Its first segment is "lost": SACK the rest. */
	w->nsack = 1;
	w->sack[0][0] = head + WREN_SEG;
	w->sack[0][1] = top;
	ASSERT_EQ(0, wire_send(w, w->snd_nxt, head, F_ACK, NULL, 0,
			       O_TS_SACK));
	/* Its fast retransmission, "lost" too; new data SACKed as it comes. */
	for (i = 0; i < 64 && again < 2; i++) {
		ASSERT_EQ(0, wire_recv(w, &s, 3000));
		if (!s.len)
			continue;
		if (s.seq == head) {
			again++;
			TH_LOG("the head again (%d) at %.3f", again, wt_now());
			continue;
		}
		ASSERT_EQ(0, sack_new_data(w, &s, &top, head));
	}
	EXPECT_EQ(2, again);
	EXPECT_EQ(lost + 1, ws_snmp("TcpExt", "TCPLostRetransmit"));
	EXPECT_EQ(0, tt_wren_info(self->c, &ti));
	EXPECT_EQ(0, ti.retransmits);
	w->nsack = 0;
}

/*
 * Two holes in a flight, and both fast retransmissions lost as well: once
 * data sent after them is SACKed, wren sends each hole again, the second
 * as well as the first (RACK, RFC 8985 6.2), before any timeout.
 */
TEST_F(wire, lost_retransmissions_two_holes)
{
	long long lost = ws_snmp("TcpExt", "TCPLostRetransmit");
	const uint32_t isn = 0x28000000;
	struct wire *w = &self->w;
	struct seg sa, segs[16], s;
	struct wren_tcp_info ti;
	uint32_t head, mid, top;
	int n, i, again_head = 0, again_mid = 0;
	double t_mid = 0;

	open_to_wren(_metadata, self, self->port + 6, isn, &sa);
	n = wren_sends(_metadata, self, 40 * WREN_SEG, segs, 16, 1000,
		       seen_iw);
	ASSERT_TRUE(seen_iw(segs, n));
	head = segs[0].seq;
	mid = head + 4 * WREN_SEG;
	top = segs[n - 1].seq + segs[n - 1].len;
	/* Segments 0 and 4 are "lost": SACK the rest. */
	w->nsack = 2;
	w->sack[0][0] = mid + WREN_SEG;
	w->sack[0][1] = top;
	w->sack[1][0] = head + WREN_SEG;
	w->sack[1][1] = mid;
	ASSERT_EQ(0, wire_send(w, w->snd_nxt, head, F_ACK, NULL, 0,
			       O_TS_SACK));
	/* Both retransmissions "lost" too; new data SACKed as it comes. */
	for (i = 0; i < 96 && (again_head < 2 || again_mid < 2); i++) {
		ASSERT_EQ(0, wire_recv(w, &s, 3000));
		if (!s.len)
			continue;
		if (s.seq == head || s.seq == mid) {
			if (s.seq == head) {
				again_head++;
			} else if (++again_mid == 1) {
				t_mid = wt_now();
			} else {
				t_mid = wt_now() - t_mid;
			}
			TH_LOG("%s again (%d, %d) at %.3f",
			       s.seq == head ? "the head" : "the second hole",
			       again_head, again_mid, wt_now());
			continue;
		}
		ASSERT_EQ(0, sack_new_data(w, &s, &top, head));
	}
	/*
	 * The head is judged by sequence too (DupThresh segments SACKed
	 * past it), so it may go more than twice meanwhile; the second hole
	 * by time only, a reordering window after the data sent after it.
	 */
	EXPECT_LE(2, again_head);
	EXPECT_EQ(2, again_mid);
	TH_LOG("the second hole went again %.1f ms after its retransmission",
	       t_mid * 1000);
	EXPECT_GT(0.2, t_mid);		/* before the minimum RTO */
	/*
	 * Each retransmission after the first of a hole is a lost one; the
	 * head may go once more between the loop's end and this read.
	 */
	lost = ws_snmp("TcpExt", "TCPLostRetransmit") - lost;
	EXPECT_LE(again_head - 1 + again_mid - 1, lost);
	EXPECT_GE(again_head + again_mid - 1, lost);
	EXPECT_EQ(0, tt_wren_info(self->c, &ti));
	EXPECT_EQ(0, ti.retransmits);
	w->nsack = 0;
}

WT_HARNESS_MAIN
