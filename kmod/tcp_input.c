// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: the receive path (RFC 9293 3.10.7 "SEGMENT ARRIVES").
 *
 * wren_tcp_rcv() (softirq) checks the header and checksum, finds the
 * connection (ehash, then listeners) and either processes the segment
 * under bh_lock_sock() or, while a process owns the socket, queues it to
 * the socket's backlog, which release_sock() replays through
 * wren_tcp_v4_do_rcv().
 *
 * Received data goes to sk->sk_receive_queue in order; segments beyond a
 * hole wait in tp->ooo, an rbtree by sequence number, bounded by the
 * receive buffer.  The sender's scoreboard (SACK, RFC 2018/6675) lives in
 * the cb of the queued skbs.
 */
#include <linux/skbuff.h>
#include <linux/icmp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include "compat.h"
#include "tcp.h"

/* ---- options --------------------------------------------------------------- */

/*
 * Parse the options defensively: a length that is short, long or runs past
 * the header ends the parse; each option is taken only with its exact size.
 */
void wren_tcp_parse_options(const struct tcphdr *th, struct wren_tcp_opts *o,
			    bool syn)
{
	const u8 *p = (const u8 *)(th + 1);
	int len = th->doff * 4 - sizeof(*th);

	memset(o, 0, sizeof(*o));
	while (len > 0) {
		u8 kind = *p, olen;

		if (kind == WREN_TCPOPT_EOL)
			break;
		if (kind == WREN_TCPOPT_NOP) {
			p++;
			len--;
			continue;
		}
		if (len < 2)
			break;
		olen = p[1];
		if (olen < 2 || olen > len)
			break;
		switch (kind) {
		case WREN_TCPOPT_MSS:
			if (olen == 4 && syn)
				o->mss = get_unaligned_be16(p + 2);
			break;
		case WREN_TCPOPT_WS:
			if (olen == 3 && syn) {
				o->saw_ws = 1;
				o->wscale = min_t(u8, p[2], WREN_TCP_MAX_WSCALE);
			}
			break;
		case WREN_TCPOPT_SACK_PERM:
			if (olen == 2 && syn)
				o->sack_ok = 1;
			break;
		case WREN_TCPOPT_TS:
			if (olen == 10) {
				o->saw_ts = 1;
				o->tsval = get_unaligned_be32(p + 2);
				o->tsecr = get_unaligned_be32(p + 6);
			}
			break;
		case WREN_TCPOPT_SACK:
			if (olen >= 10 && !((olen - 2) % 8) && !syn) {
				int i, n = (olen - 2) / 8;

				n = min(n, WREN_TCP_MAX_SACKS);
				for (i = 0; i < n; i++) {
					o->sack[i].start =
						get_unaligned_be32(p + 2 + 8 * i);
					o->sack[i].end =
						get_unaligned_be32(p + 6 + 8 * i);
				}
				o->num_sacks = n;
			}
			break;
		}
		p += olen;
		len -= olen;
	}
}

/* ---- RTT and RTO (RFC 6298) --------------------------------------------------- */

void wren_tcp_rtt_init(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	tp->srtt_us = 0;
	tp->mdev_us = 0;
	tp->rto = WREN_TCP_RTO_INIT;
}

static void wren_tcp_rtt_sample(struct sock *sk, long rtt_us)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 rto_us;

	if (rtt_us <= 0)
		rtt_us = 1;
	if (!tp->cnt.min_rtt_us || rtt_us < tp->cnt.min_rtt_us)
		tp->cnt.min_rtt_us = rtt_us;
	if (!tp->srtt_us) {
		tp->srtt_us = rtt_us << 3;
		tp->mdev_us = rtt_us << 1;	/* RTTVAR = R/2, stored x4 */
	} else {
		long err = rtt_us - (tp->srtt_us >> 3);

		tp->srtt_us += err;			/* alpha 1/8 */
		if (err < 0)
			err = -err;
		tp->mdev_us += err - (tp->mdev_us >> 2);	/* beta 1/4 */
	}
	/*
	 * RTO = SRTT + max(G, 4 * RTTVAR), with the 200 ms minimum applied
	 * to the variance term as Linux does, so delayed ACKs do not cause
	 * spurious timeouts.
	 */
	rto_us = (tp->srtt_us >> 3) +
		 max_t(u32, tp->mdev_us, jiffies_to_usecs(WREN_TCP_RTO_MIN));
	tp->rto = clamp_t(unsigned long, usecs_to_jiffies(rto_us),
			  WREN_TCP_RTO_MIN, WREN_TCP_RTO_MAX);
}

/*
 * RFC 8985 7.2: with SACK, in the Open state and no probe outstanding,
 * arm a tail loss probe 2 SRTT ahead (plus the worst-case delayed ACK
 * when one segment is in flight, at least 10 ms), if that is sooner than
 * the RTO.  A lost tail, or the lost ACK of a whole flight, then costs a
 * probe instead of a timeout.
 */
static bool wren_tcp_schedule_tlp(struct sock *sk, unsigned long rto)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	unsigned long pto;
	u32 pto_us;

	if (!tp->sack_ok || tp->ca_state != WREN_CA_OPEN || tp->tlp_high_seq ||
	    !tp->srtt_us || (sk->sk_state != TCP_ESTABLISHED &&
			     sk->sk_state != TCP_CLOSE_WAIT))
		return false;
	pto_us = (tp->srtt_us >> 3) * 2;
	if (tp->packets_out == 1)
		pto_us += jiffies_to_usecs(WREN_TCP_DELACK_MAX);
	pto = usecs_to_jiffies(max_t(u32, pto_us, 10000));
	if (pto >= rto)
		return false;
	wren_tcp_reset_rtx_timer(sk, WREN_TCP_TIMER_TLP, pto);
	return true;
}

/* Restart the RTO for the oldest outstanding segment (RFC 6298 5.3). */
void wren_tcp_rearm_rto(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	unsigned long rto = min_t(unsigned long, tp->rto << tp->backoff,
				  WREN_TCP_RTO_MAX);

	if (!tp->packets_out) {
		if (tp->timer_mode == WREN_TCP_TIMER_RTO ||
		    tp->timer_mode == WREN_TCP_TIMER_TLP)
			wren_tcp_clear_rtx_timer(sk);
		return;
	}
	if (wren_tcp_schedule_tlp(sk, rto))
		return;
	wren_tcp_reset_rtx_timer(sk, WREN_TCP_TIMER_RTO, rto);
}

/*
 * The end of a loss-probe episode (RFC 8985 7.4, simplified): a probe
 * that retransmitted data nobody reported as duplicate repaired a loss,
 * which is congestion: the window comes down as after fast recovery.
 */
static void wren_tcp_tlp_ack(struct sock *sk, u32 ack)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (!tp->tlp_high_seq || wren_before(ack, tp->tlp_high_seq))
		return;
	if (tp->tlp_retrans && tp->ca_state == WREN_CA_OPEN) {
		tp->snd_ssthresh = tp->cong->ssthresh(sk);
		tp->snd_cwnd = max(tp->snd_ssthresh, 2U);
		tp->snd_cwnd_cnt = 0;
		WREN_INC(tp->tbl->wn, TcpExt, TCPLossProbeRecovery);
	}
	tp->tlp_high_seq = 0;
}

/* ---- congestion state ----------------------------------------------------------- */

static void wren_tcp_set_ca_state(struct sock *sk, u8 state)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (tp->cong && tp->cong->set_state)
		tp->cong->set_state(sk, state);
	tp->ca_state = state;
}

/* RTO: everything outstanding and not SACKed is lost (RFC 5681 3.1). */
void wren_tcp_enter_loss(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *skb;

	if (tp->ca_state < WREN_CA_RECOVERY || !tp->retransmits) {
		tp->snd_ssthresh = tp->cong->ssthresh(sk);
		if (tp->cong->cwnd_event)
			tp->cong->cwnd_event(sk, WREN_CA_EVENT_LOSS);
	}
	tp->snd_cwnd = 1;
	tp->snd_cwnd_cnt = 0;
	tp->tlp_high_seq = 0;
	tp->high_seq = tp->snd_nxt;
	tp->lost_out = 0;
	tp->retrans_out = 0;
	tp->dupacks = 0;
	if (!tp->sack_ok)
		tp->sacked_out = 0;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);

		if (skb == tp->send_head)
			break;
		tcb->sacked &= ~WREN_TCPCB_RETRANS;
		if (!tp->sack_ok)
			tcb->sacked &= ~WREN_TCPCB_SACKED;
		if (tcb->sacked & WREN_TCPCB_SACKED) {
			tcb->sacked &= ~WREN_TCPCB_LOST;
			continue;
		}
		tcb->sacked |= WREN_TCPCB_LOST;
		tp->lost_out += tcb->pcount;
	}
	wren_tcp_set_ca_state(sk, WREN_CA_LOSS);
}

/* ---- SACK scoreboard (RFC 6675) ---------------------------------------------------- */

/*
 * RFC 2883 4: the first block reports a duplicate when it lies below the
 * cumulative ACK or inside the second block.
 */
static bool wren_tcp_is_dsack(const struct wren_tcp_opts *o, u32 ack)
{
	if (wren_before(o->sack[0].start, ack))
		return true;
	return o->num_sacks > 1 &&
	       !wren_before(o->sack[0].start, o->sack[1].start) &&
	       !wren_after(o->sack[0].end, o->sack[1].end);
}

/* Delivered (SACKed or acked): RACK's most recent send time. */
static void wren_tcp_rack_update(struct wren_tcp_sock *tp,
				 const struct wren_tcp_cb *tcb)
{
	if (!(tcb->sacked & WREN_TCPCB_EVER_RETRANS) &&
	    tcb->tx_us > tp->rack_xmit_us)
		tp->rack_xmit_us = tcb->tx_us;
}

/* The peer SACKed all of a sent skb. */
static void wren_tcp_sacked(struct wren_tcp_sock *tp, struct wren_tcp_cb *tcb)
{
	wren_tcp_rack_update(tp, tcb);
	tcb->sacked |= WREN_TCPCB_SACKED;
	tp->sacked_out += tcb->pcount;
	if (tcb->sacked & WREN_TCPCB_LOST) {
		tcb->sacked &= ~WREN_TCPCB_LOST;
		tp->lost_out -= tcb->pcount;
	}
	if (tcb->sacked & WREN_TCPCB_RETRANS) {
		tcb->sacked &= ~WREN_TCPCB_RETRANS;
		tp->retrans_out -= tcb->pcount;
	}
}

static void wren_tcp_sacktag(struct sock *sk, const struct wren_tcp_opts *o,
			     u32 ack)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_sack_block b[WREN_TCP_MAX_SACKS];
	struct sk_buff *skb;
	u32 hi = tp->snd_una;
	int i = 0, n = 0;

	if (wren_tcp_is_dsack(o, ack)) {
		/* A duplicate arrived: nothing to tag (no undo here).  If it
		 * is our loss probe, the probe repaired nothing.
		 */
		WREN_INC(tp->tbl->wn, TcpExt, TCPDSACKRecv);
		tp->cnt.dsack_dups++;
		if (tp->tlp_high_seq && o->sack[0].end == tp->tlp_high_seq)
			tp->tlp_high_seq = 0;
		i = 1;
	}
	for (; i < o->num_sacks; i++) {
		u32 s = o->sack[i].start, e = o->sack[i].end;

		/* Valid: inside what we sent, above snd_una (no D-SACK). */
		if (!wren_after(e, s) || wren_after(e, tp->snd_nxt) ||
		    !wren_after(e, tp->snd_una) ||
		    wren_before(s, tp->snd_una - tp->max_window))
			continue;
		b[n].start = s;
		b[n].end = e;
		if (wren_after(e, hi))
			hi = e;
		n++;
	}
	if (!n)
		return;
	/* In sequence order: an skb is split at the first block in it. */
	for (i = 1; i < n; i++) {
		struct wren_sack_block t = b[i];
		int j = i;

		for (; j > 0 && wren_before(t.start, b[j - 1].start); j--)
			b[j] = b[j - 1];
		b[j] = t;
	}
	/* Only a value inside (snd_una, snd_nxt] is a valid memory. */
	if (wren_after(hi, tp->highest_sack) ||
	    !wren_after(tp->highest_sack, tp->snd_una) ||
	    wren_after(tp->highest_sack, tp->snd_nxt))
		tp->highest_sack = hi;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);

		if (skb == tp->send_head || !wren_before(tcb->seq, hi))
			break;
		if (tcb->sacked & WREN_TCPCB_SACKED)
			continue;
		for (i = 0; i < n; i++) {
			if (!wren_after(b[i].end, tcb->seq) ||
			    !wren_before(b[i].start, tcb->end_seq))
				continue;	/* apart */
			/* A block covering part of a TSO burst: split it at
			 * the block's edge; the walk goes on with the rest.
			 */
			if (wren_after(b[i].start, tcb->seq)) {
				wren_tcp_fragment(sk, skb, b[i].start - tcb->seq);
				break;
			}
			if (wren_before(b[i].end, tcb->end_seq) &&
			    wren_tcp_fragment(sk, skb, b[i].end - tcb->seq))
				break;
			wren_tcp_sacked(tp, tcb);
			break;
		}
	}
}

/*
 * Is this retransmission lost again?  Back on the lost list, to be sent
 * again, when
 *  - data sent after it by more than a reordering window (a quarter RTT,
 *    at least 1 ms) has been delivered: RACK (RFC 8985 6.2) for
 *    retransmissions, whose sequence numbers say nothing of their order;
 *  - it is the first hole and data DupThresh segments past what was sent
 *    when it went has been SACKed while the cumulative ACK stops at it.
 *    (Further holes may simply have fallen out of the receiver's few
 *    SACK blocks, so only the first is judged so.)
 */
static bool wren_tcp_rtx_lost(const struct wren_tcp_sock *tp,
			      const struct wren_tcp_cb *tcb)
{
	u32 reo_us = max_t(u32, (tp->srtt_us >> 3) / 4, 1000);

	if (tp->rack_xmit_us > tcb->tx_us + reo_us)
		return true;
	return tcb->seq == tp->snd_una &&
	       !wren_after(tp->highest_sack, tp->snd_nxt) &&
	       wren_after(tp->highest_sack, tcb->rtx_nxt + 3 * tp->mss_cache);
}

/* A sent skb is lost (again): no longer in flight as a retransmission. */
static void wren_tcp_skb_mark_lost(struct wren_tcp_sock *tp,
				   struct wren_tcp_cb *tcb)
{
	if (tcb->sacked & WREN_TCPCB_RETRANS) {
		tcb->sacked &= ~WREN_TCPCB_RETRANS;
		tp->retrans_out -= tcb->pcount;
	}
	if (!(tcb->sacked & WREN_TCPCB_LOST)) {
		tcb->sacked |= WREN_TCPCB_LOST;
		tp->lost_out += tcb->pcount;
	}
}

/*
 * RFC 6675 IsLost(): a segment with DupThresh (3) SACKed segments above it
 * is lost.  Walks from the head while enough SACKed segments remain above.
 */
static void wren_tcp_mark_lost(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 above = tp->sacked_out;
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);

		if (skb == tp->send_head || above < 3)
			break;
		if (tcb->sacked & WREN_TCPCB_SACKED) {
			above -= min_t(u32, above, tcb->pcount);
			continue;
		}
		if (tcb->sacked & WREN_TCPCB_RETRANS) {
			if (!wren_tcp_rtx_lost(tp, tcb))
				continue;
			WREN_ADD(tp->tbl->wn, TcpExt, TCPLostRetransmit,
				 tcb->pcount);
		}
		wren_tcp_skb_mark_lost(tp, tcb);
	}
}

/* NewReno (RFC 6582): the first unacknowledged segment is lost. */
static void wren_tcp_mark_head_lost(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	struct wren_tcp_cb *tcb;

	if (!skb || skb == tp->send_head)
		return;
	tcb = WREN_TCP_CB(skb);
	if (tcb->sacked & (WREN_TCPCB_LOST | WREN_TCPCB_SACKED))
		return;
	/* Of a TSO burst, only the first segment. */
	if (skb->len > tp->mss_cache)
		wren_tcp_fragment(sk, skb, tp->mss_cache);
	if (tcb->sacked & WREN_TCPCB_RETRANS) {
		tcb->sacked &= ~WREN_TCPCB_RETRANS;
		tp->retrans_out -= tcb->pcount;
	}
	tcb->sacked |= WREN_TCPCB_LOST;
	tp->lost_out += tcb->pcount;
}

static void wren_tcp_enter_recovery(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (tp->sack_ok)
		WREN_INC(tp->tbl->wn, TcpExt, TCPSackRecovery);
	else
		WREN_INC(tp->tbl->wn, TcpExt, TCPRenoRecovery);
	tp->high_seq = tp->snd_nxt;
	tp->tlp_high_seq = 0;	/* recovery repairs what the probe found */
	tp->prior_cwnd = max(tp->snd_cwnd, 1U);
	tp->snd_ssthresh = tp->cong->ssthresh(sk);
	tp->prr_delivered = 0;
	tp->prr_out = 0;
	tp->snd_cwnd_cnt = 0;
	wren_tcp_set_ca_state(sk, WREN_CA_RECOVERY);
}

/*
 * Proportional Rate Reduction (RFC 6937): in recovery, send about
 * ssthresh/prior_cwnd segments for every segment delivered while the pipe
 * is above ssthresh, then grow back to ssthresh at most as fast as slow
 * start (PRR-SSRB).  The first call of a recovery sends at least the
 * fast retransmission (RFC 6675 5 (4.3)).
 */
static void wren_tcp_prr(struct sock *sk, u32 delivered)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 pipe = wren_tcp_in_flight(tp);
	int sndcnt;

	tp->prr_delivered += delivered;
	if (pipe > tp->snd_ssthresh) {
		u64 d = (u64)tp->snd_ssthresh * tp->prr_delivered +
			tp->prior_cwnd - 1;

		sndcnt = (int)div_u64(d, tp->prior_cwnd) - (int)tp->prr_out;
	} else {
		sndcnt = max_t(int, tp->prr_delivered - tp->prr_out,
			       delivered) + 1;
		sndcnt = min_t(int, tp->snd_ssthresh - pipe, sndcnt);
	}
	if (!tp->prr_out && sndcnt < 1)
		sndcnt = 1;
	tp->snd_cwnd = pipe + max(sndcnt, 0);
}

/*
 * Loss detection and recovery after an ACK: enter, continue or leave fast
 * recovery (SACK: RFC 6675; without: NewReno, RFC 6582 with "reno SACKs"
 * counting duplicate ACKs).
 */
static void wren_tcp_fastretrans(struct sock *sk, u32 acked, bool dupack,
				 u32 prior_sacked)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 delivered;

	if (!tp->sack_ok) {
		if (dupack) {
			tp->dupacks++;
			if (tp->sacked_out + 1 < tp->packets_out)
				tp->sacked_out++;
		} else if (acked) {
			tp->sacked_out -= min(tp->sacked_out, acked);
			if (tp->ca_state < WREN_CA_RECOVERY)
				tp->dupacks = 0;
		}
	}

	/* Segments that left the network with this ACK (RFC 6937). */
	delivered = (u32)max_t(s64, 0, (s64)acked + tp->sacked_out -
				    prior_sacked);

	if (tp->ca_state >= WREN_CA_RECOVERY &&
	    !wren_before(tp->snd_una, tp->high_seq)) {
		/* Full ACK: recovery is over, cwnd is ssthresh (RFC 6937). */
		if (tp->ca_state == WREN_CA_RECOVERY)
			tp->snd_cwnd = max(tp->snd_ssthresh, 2U);
		tp->dupacks = 0;
		if (!tp->sack_ok)
			tp->sacked_out = 0;
		wren_tcp_set_ca_state(sk, WREN_CA_OPEN);
	}

	switch (tp->ca_state) {
	case WREN_CA_OPEN:
	case WREN_CA_DISORDER:
		if (tp->sacked_out || tp->dupacks) {
			if (tp->ca_state == WREN_CA_OPEN)
				wren_tcp_set_ca_state(sk, WREN_CA_DISORDER);
		} else if (tp->ca_state == WREN_CA_DISORDER) {
			wren_tcp_set_ca_state(sk, WREN_CA_OPEN);
		}
		if (tp->sack_ok) {
			wren_tcp_mark_lost(sk);
			if (!tp->lost_out)
				return;
		} else {
			if (tp->dupacks < 3)
				return;
			wren_tcp_mark_head_lost(sk);
		}
		wren_tcp_enter_recovery(sk);
		break;
	case WREN_CA_RECOVERY:
		if (tp->sack_ok)
			wren_tcp_mark_lost(sk);
		else if (acked)	/* partial ACK: the next hole is lost */
			wren_tcp_mark_head_lost(sk);
		break;
	case WREN_CA_LOSS:
		if (tp->sack_ok)
			wren_tcp_mark_lost(sk);
		break;
	}
	if (tp->ca_state == WREN_CA_RECOVERY)
		wren_tcp_prr(sk, delivered);
	wren_tcp_xmit_retransmit_queue(sk);
}

/* ---- ACK processing ------------------------------------------------------------------- */

/*
 * Data of tcb acked: RACK's send time, and an RTT sample from the first
 * acked transmission never repeated (Karn).
 */
static void wren_tcp_acked_skb(struct wren_tcp_sock *tp,
			       const struct wren_tcp_cb *tcb, u64 now,
			       long *rtt_us, bool *any_retrans)
{
	wren_tcp_rack_update(tp, tcb);
	if (tcb->sacked & WREN_TCPCB_EVER_RETRANS)
		*any_retrans = true;
	else if (*rtt_us < 0)
		*rtt_us = (long)(now - tcb->tx_us);
}

/* Free the skbs ack covers; returns the number of segments acked. */
static u32 wren_tcp_clean_rtx_queue(struct sock *sk, u32 ack, long *rtt_us,
				    bool *any_retrans)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u64 now = wren_tcp_clock_us();
	struct sk_buff *skb;
	u32 acked = 0;

	tp->tcp_mstamp = now;

	*rtt_us = -1;
	while ((skb = skb_peek(&sk->sk_write_queue)) && skb != tp->send_head) {
		struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);

		if (wren_after(tcb->end_seq, ack)) {
			u32 segs;

			/* Part of a TSO burst: trim what was acked. */
			if (!wren_after(ack, tcb->seq))
				break;
			segs = wren_tcp_trim_head(sk, skb, ack - tcb->seq);
			if (segs)
				wren_tcp_acked_skb(tp, tcb, now, rtt_us,
						   any_retrans);
			acked += segs;
			break;
		}
		wren_tcp_acked_skb(tp, tcb, now, rtt_us, any_retrans);
		wren_tcp_count_segs(tp, tcb, -(int)tcb->pcount);
		acked += tcb->pcount;
		__skb_unlink(skb, &sk->sk_write_queue);
		sk_wmem_queued_add(sk, -skb->truesize);
		atomic_long_sub(skb->truesize, &tp->tbl->mem);
		consume_skb(skb);
	}
	if (!tp->packets_out) {
		tp->sacked_out = 0;
		tp->lost_out = 0;
		tp->retrans_out = 0;
	}
	return acked;
}

/*
 * Process the ACK field of an acceptable segment.  Returns <0 when the
 * segment must be dropped (after any reply), else 0.
 */
static int wren_tcp_ack(struct sock *sk, struct sk_buff *skb,
			const struct wren_tcp_opts *o)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	u32 ack = tcb->ack_seq, prior_una = tp->snd_una;
	u32 prior_in_flight = wren_tcp_in_flight(tp);
	u32 nwin = (u32)tcb->window << tp->snd_wscale;
	bool any_retrans = false, dupack, wnd_changed = false;
	long rtt_us = -1;
	u32 acked = 0, prior_sacked;

	if (wren_after(ack, tp->snd_nxt)) {
		/* RFC 5961 5.2 / RFC 9293: ACK of data never sent. */
		wren_tcp_send_ack(sk);
		return -1;
	}
	if (wren_before(ack, prior_una - tp->max_window)) {
		wren_tcp_send_challenge_ack(sk);
		return -1;
	}

	/* Window update, RFC 9293 3.10.7.4 (SND.WL1/WL2), as Linux words it. */
	if (wren_after(ack, prior_una) || wren_after(tcb->seq, tp->snd_wl1) ||
	    (tcb->seq == tp->snd_wl1 && nwin > tp->snd_wnd)) {
		if (tp->snd_wnd != nwin) {
			wnd_changed = true;
			tp->snd_wnd = nwin;
			if (nwin > tp->max_window)
				tp->max_window = nwin;
		}
		tp->snd_wl1 = tcb->seq;
		tp->snd_wl2 = ack;
	}

	prior_sacked = tp->sacked_out;
	if (tp->sack_ok && o->num_sacks)
		wren_tcp_sacktag(sk, o, ack);

	if (wren_after(ack, prior_una)) {
		acked = wren_tcp_clean_rtx_queue(sk, ack, &rtt_us, &any_retrans);
		tp->cnt.bytes_acked += ack - prior_una;
		tp->snd_una = ack;
		/* The urgent data is acknowledged: urgent mode ends. */
		if (tp->urg_mode && !wren_before(ack, tp->snd_up))
			tp->urg_mode = 0;
		tp->retransmits = 0;
		tp->backoff = 0;
		tp->rtx_start = 0;
		tp->probes_out = 0;
		tp->rcv_tstamp = jiffies;
	}

	/* RTT: from the segment timestamps when the ACK covers a
	 * retransmission (RFC 7323 4), else from the transmission time.
	 */
	if (acked && tp->ts_ok && o->saw_ts && o->tsecr &&
	    (rtt_us < 0 || any_retrans)) {
		u32 d = wren_tcp_mstamp_ms(tp) + tp->tsoffset - o->tsecr;

		if (d < 60 * 1000)
			rtt_us = (long)d * 1000;
	}
	if (rtt_us >= 0 && acked) {
		wren_tcp_rtt_sample(sk, rtt_us);
		if (tp->cong->pkts_acked)
			tp->cong->pkts_acked(sk, acked, rtt_us);
	}

	dupack = ack == prior_una && !acked && tp->packets_out &&
		 !wnd_changed && tcb->end_seq == tcb->seq &&
		 !(tcb->flags & (WREN_TCPHDR_SYN | WREN_TCPHDR_FIN));
	if (acked || dupack || tp->sacked_out)
		wren_tcp_fastretrans(sk, acked, dupack, prior_sacked);
	if (acked)
		wren_tcp_tlp_ack(sk, ack);

	/* Congestion avoidance: grow when cwnd was the limit. */
	if (acked && tp->ca_state != WREN_CA_RECOVERY &&
	    (prior_in_flight >= tp->snd_cwnd ||
	     (wren_tcp_in_slow_start(tp) &&
	      prior_in_flight * 2 >= tp->snd_cwnd)))
		tp->cong->cong_avoid(sk, ack, acked);

	if (acked) {
		wren_tcp_rearm_rto(sk);
		sk->sk_write_space(sk);
	}
	if (tp->send_head && tp->timer_mode == WREN_TCP_TIMER_PROBE &&
	    !wren_after(WREN_TCP_CB(tp->send_head)->end_seq,
			wren_tcp_wnd_end(tp))) {
		wren_tcp_clear_rtx_timer(sk);
		tp->backoff = 0;
	}
	return 0;
}

/* ---- receiving data ------------------------------------------------------------------- */

/* New data for the reader: one wakeup per receive burst. */
void wren_tcp_data_ready(struct sock *sk)
{
	wren_tcp_defer(sk, WREN_TCP_DEFER_WAKE);
}

void wren_tcp_ooo_purge(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct rb_node *n = rb_first(&tp->ooo);

	while (n) {
		struct sk_buff *skb = rb_to_skb(n);

		n = rb_next(n);
		rb_erase(&skb->rbnode, &tp->ooo);
		kfree_skb(skb);
	}
	tp->ooo_last = NULL;
	tp->ooo_segs = 0;
	tp->num_sacks = 0;
}

/* Drop out-of-order data from the top until skb's truesize fits. */
static void wren_tcp_ooo_prune(struct sock *sk, unsigned int need)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct rb_node *n;

	if (!RB_EMPTY_ROOT(&tp->ooo))
		WREN_INC(tp->tbl->wn, TcpExt, PruneCalled);
	while ((n = rb_last(&tp->ooo)) &&
	       atomic_read(&sk->sk_rmem_alloc) + need >
	       (unsigned int)sk->sk_rcvbuf) {
		struct sk_buff *skb = rb_to_skb(n);

		rb_erase(n, &tp->ooo);
		tp->ooo_segs--;
		if (tp->ooo_last == skb)
			tp->ooo_last = NULL;
		WREN_DROP_COUNT_HELD(tp->tbl->wn, TCP_OFO_LIMIT);
		WREN_INC(tp->tbl->wn, TcpExt, OfoPruned);
		kfree_skb(skb);
	}
	if (RB_EMPTY_ROOT(&tp->ooo))
		tp->num_sacks = 0;
}

/* Namespace memory is short: out-of-order data goes first (counted). */
static void wren_tcp_ooo_purge_mem(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (RB_EMPTY_ROOT(&tp->ooo))
		return;
	WREN_ADD(tp->tbl->wn, TcpExt, TCPOFODrop, tp->ooo_segs);
	wren_tcp_ooo_purge(sk);
}

/*
 * May sk take skb into its receive memory?  Prunes OOO data if needed.
 * Above the namespace's limit only in-order data for a socket holding
 * less than WREN_TCP_RMEM_RESERVE is taken (Linux has its forced charge
 * and per-socket reserve), so that a connection whose reader keeps up
 * still progresses while stalled readers hold the memory: the window,
 * small under pressure, then fits.
 */
static bool wren_tcp_rmem_ok(struct sock *sk, struct sk_buff *skb,
			     bool in_order)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	unsigned int need = skb->truesize;

	if (wren_tcp_over_limit(tp->tbl)) {
		wren_tcp_ooo_purge_mem(sk);
		if (!in_order)
			return false;
		return atomic_read(&sk->sk_rmem_alloc) < WREN_TCP_RMEM_RESERVE;
	}
	if (wren_tcp_under_pressure(sk))
		wren_tcp_ooo_purge_mem(sk);
	if (atomic_read(&sk->sk_rmem_alloc) + need <=
	    (unsigned int)sk->sk_rcvbuf)
		return true;
	wren_tcp_ooo_prune(sk, need);
	/* One segment's overshoot is allowed when the queue is empty. */
	return atomic_read(&sk->sk_rmem_alloc) + need <=
	       (unsigned int)sk->sk_rcvbuf || !atomic_read(&sk->sk_rmem_alloc);
}

/*
 * RFC 2883: report [seq, end) as received twice, in the first SACK block
 * of the next ACK.
 */
static void wren_tcp_dsack_set(struct wren_tcp_sock *tp, u32 seq, u32 end)
{
	if (!tp->sack_ok || !wren_after(end, seq))
		return;
	tp->dsack.start = seq;
	tp->dsack.end = end;
	tp->dsack_pending = 1;
	WREN_INC(tp->tbl->wn, TcpExt, TCPDSACKSent);
}

/* Forget SACK blocks at or below rcv_nxt. */
static void wren_tcp_sack_trim(struct wren_tcp_sock *tp)
{
	int i, j = 0;

	for (i = 0; i < tp->num_sacks; i++) {
		if (!wren_after(tp->sacks[i].end, tp->rcv_nxt))
			continue;
		tp->sacks[j++] = tp->sacks[i];
	}
	tp->num_sacks = j;
}

/*
 * A new out-of-order segment [seq, end): merge it into the block it
 * touches and put that block first (RFC 2018 4: the most recent first).
 */
static void wren_tcp_sack_add(struct wren_tcp_sock *tp, u32 seq, u32 end)
{
	struct wren_sack_block nb = { seq, end };
	int i, j = 0;

	for (i = 0; i < tp->num_sacks; i++) {
		struct wren_sack_block *b = &tp->sacks[i];

		if (wren_after(nb.start, b->end) || wren_before(nb.end, b->start)) {
			tp->sacks[j++] = *b;	/* disjoint: keep */
			continue;
		}
		if (wren_before(b->start, nb.start))
			nb.start = b->start;
		if (wren_after(b->end, nb.end))
			nb.end = b->end;
	}
	if (j == WREN_TCP_MAX_SACKS)
		j--;	/* the oldest block falls off */
	memmove(&tp->sacks[1], &tp->sacks[0], j * sizeof(nb));
	tp->sacks[0] = nb;
	tp->num_sacks = j + 1;
}

static void wren_tcp_ooo_insert(struct sock *sk, struct sk_buff *skb)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	struct rb_node **p = &tp->ooo.rb_node, *parent = NULL;
	struct sk_buff *s1;

	while (*p) {
		parent = *p;
		s1 = rb_to_skb(parent);
		if (wren_before(tcb->seq, WREN_TCP_CB(s1)->seq)) {
			p = &parent->rb_left;
			continue;
		}
		if (!wren_after(tcb->end_seq, WREN_TCP_CB(s1)->end_seq)) {
			/* Nothing new. */
			WREN_INC(tp->tbl->wn, TcpExt, TCPOFOMerge);
			wren_tcp_dsack_set(tp, tcb->seq, tcb->end_seq);
			kfree_skb(skb);
			return;
		}
		p = &parent->rb_right;
	}
	WREN_INC(tp->tbl->wn, TcpExt, TCPOFOQueue);
	rb_link_node(&skb->rbnode, parent, p);
	rb_insert_color(&skb->rbnode, &tp->ooo);
	tp->ooo_segs++;
	tp->ooo_last = skb;

	/* Drop the segments the new one covers. */
	while ((s1 = skb_rb_next(skb)) &&
	       !wren_after(WREN_TCP_CB(s1)->end_seq, tcb->end_seq)) {
		rb_erase(&s1->rbnode, &tp->ooo);
		tp->ooo_segs--;
		kfree_skb(s1);
	}
	wren_tcp_sack_add(tp, tcb->seq, tcb->end_seq);
}

static void wren_tcp_queue_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	bool fin = tcb->flags & WREN_TCPHDR_FIN;

	tp->cnt.bytes_received += tcb->end_seq - tp->rcv_nxt;
	WRITE_ONCE(tp->rcv_nxt, tcb->end_seq);
	if (skb->len && wren_after(tcb->seq + skb->len, tp->copied_seq))
		__skb_queue_tail(&sk->sk_receive_queue, skb);
	else
		kfree_skb(skb);
	if (fin)
		wren_tcp_fin_rcvd(sk);
}

/* Move what has become in-order from the OOO queue. */
static void wren_tcp_ooo_deliver(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct rb_node *n;

	while ((n = rb_first(&tp->ooo))) {
		struct sk_buff *skb = rb_to_skb(n);
		struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);

		if (wren_after(tcb->seq, tp->rcv_nxt))
			break;
		rb_erase(n, &tp->ooo);
		tp->ooo_segs--;
		if (tp->ooo_last == skb)
			tp->ooo_last = NULL;
		if (!wren_after(tcb->end_seq, tp->rcv_nxt)) {
			kfree_skb(skb);
			continue;
		}
		wren_tcp_queue_rcv(sk, skb);
		if (sk->sk_shutdown & RCV_SHUTDOWN) {
			wren_tcp_ooo_purge(sk);
			break;
		}
	}
}

/*
 * A new urgent pointer (Linux's tcp_check_urg): the urgent byte is the one
 * before it.  One already read, one behind rcv_nxt (a replay) or one not
 * beyond the pointer we hold is ignored.  The owner gets SIGURG; if the
 * reader stands at an old, unread urgent byte it skips it now, since only
 * the newest is kept.
 */
static void wren_tcp_check_urg(struct sock *sk, const struct tcphdr *th)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 ptr = ntohs(th->urg_ptr);

	if (ptr)
		ptr--;
	ptr += ntohl(th->seq);
	if (wren_after(tp->copied_seq, ptr) || wren_before(ptr, tp->rcv_nxt))
		return;
	if (tp->urg_data && !wren_after(ptr, tp->urg_seq))
		return;
	sk_send_sigurg(sk);
	if (tp->urg_seq == tp->copied_seq && tp->urg_data &&
	    !sock_flag(sk, SOCK_URGINLINE) && tp->copied_seq != tp->rcv_nxt) {
		struct sk_buff *skb = skb_peek(&sk->sk_receive_queue);

		WRITE_ONCE(tp->copied_seq, tp->copied_seq + 1);
		if (skb && !wren_before(tp->copied_seq, WREN_TCP_CB(skb)->seq +
					skb->len)) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			kfree_skb(skb);
		}
	}
	WRITE_ONCE(tp->urg_data, WREN_URG_NOTYET);
	WRITE_ONCE(tp->urg_seq, ptr);
}

/*
 * RFC 9293 3.10.7.4, sixth: the URG bit.  skb->data is at the TCP header.
 * Once the segment holding the urgent byte is here, the byte is kept
 * aside for recv(MSG_OOB) (the stream skips it unless SO_OOBINLINE).
 */
static void wren_tcp_urg(struct sock *sk, struct sk_buff *skb,
			 const struct tcphdr *th)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 off;
	u8 c;

	if (th->urg)
		wren_tcp_check_urg(sk, th);
	if (tp->urg_data != WREN_URG_NOTYET)
		return;
	off = tp->urg_seq - ntohl(th->seq) + th->doff * 4 - th->syn;
	if (off >= skb->len || skb_copy_bits(skb, off, &c, 1))
		return;
	WRITE_ONCE(tp->urg_data, WREN_URG_VALID | c);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_data_ready(sk);
}

/*
 * Data (and FIN) of an acceptable segment.  skb->data is at the payload.
 * Consumes skb.
 */
static void wren_tcp_data_queue(struct sock *sk, struct sk_buff *skb)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	u32 wnd_end = tp->rcv_wup + tp->rcv_wnd;
	bool wake_now;

	if (tcb->seq == tcb->end_seq) {
		wren_consume(tp->tbl->wn, skb);
		return;
	}
	{
		/* A GRO super-packet: its segments' size. */
		u32 seg = skb_is_gso(skb) ? skb_shinfo(skb)->gso_size :
			  skb->len;

		if (seg > tp->rcv_mss)
			tp->rcv_mss = min_t(u32, seg, tp->advmss);
	}

	if (!wren_after(tcb->end_seq, tp->rcv_nxt)) {
		/* A duplicate: ACK at once (the peer may have missed it). */
		wren_tcp_dsack_set(tp, tcb->seq, tcb->end_seq);
		tp->ack_pending = WREN_ACK_NOW;
		wren_consume(tp->tbl->wn, skb);
		return;
	}
	if (!wren_before(tcb->seq, wnd_end) && wren_after(tcb->seq, tp->rcv_nxt)) {
		WREN_DROP_COUNT(tp->tbl->wn, TCP_OUT_OF_WINDOW);
		tp->ack_pending = WREN_ACK_NOW;
		kfree_skb(skb);
		return;
	}
	if (!wren_tcp_rmem_ok(sk, skb, !wren_after(tcb->seq, tp->rcv_nxt))) {
		if (wren_after(tcb->seq, tp->rcv_nxt))
			WREN_INC(tp->tbl->wn, TcpExt, TCPOFODrop);
		else
			WREN_INC(tp->tbl->wn, TcpExt, TCPRcvQDrop);
		wren_drop(tp->tbl->wn, skb, WREN_DROP_TCP_RCVBUF);
		tp->ack_pending = WREN_ACK_NOW;
		return;
	}
	wren_tcp_charge_r(sk, skb);
	/* Taken in: what happens to it from here is the socket's. */
	WREN_INC(tp->tbl->wn, WrenFrames, InConsumed);

	if (!wren_after(tcb->seq, tp->rcv_nxt)) {
		/* In order (possibly overlapping what we have). */
		if (wren_before(tcb->seq, tp->rcv_nxt)) {
			wren_tcp_dsack_set(tp, tcb->seq, tp->rcv_nxt);
			tp->ack_pending = WREN_ACK_NOW;
		}
		/* A short pushed segment ends its burst: wake at once. */
		wake_now = (tcb->flags & WREN_TCPHDR_PSH) && skb->len &&
			   skb->len < tp->advmss;
		tp->rcv_unacked += tcb->end_seq - tp->rcv_nxt;
		wren_tcp_queue_rcv(sk, skb);
		if (!RB_EMPTY_ROOT(&tp->ooo)) {
			wren_tcp_ooo_deliver(sk);
			/* a hole filled: ACK now */
			tp->ack_pending = WREN_ACK_NOW;
		}
		if (tp->num_sacks)
			wren_tcp_sack_trim(tp);
		if (tp->ack_pending == WREN_ACK_NONE)
			tp->ack_pending = WREN_ACK_DELAYED;
		if (sock_flag(sk, SOCK_DEAD))
			return;
		if (wake_now)
			sk->sk_data_ready(sk);
		else
			wren_tcp_data_ready(sk);
		return;
	}

	/* Out of order: keep it, ACK at once with SACK blocks (RFC 5681 4.2). */
	tp->ack_pending = WREN_ACK_NOW;
	tp->cnt.rcv_ooopack++;
	wren_tcp_ooo_insert(sk, skb);
}

/* Send the ACK now or later (RFC 1122 4.2.3.2, RFC 5681 4.2). */
static void wren_tcp_ack_snd_check(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 mss = tp->rcv_mss ? tp->rcv_mss : tp->advmss;

	if (tp->ack_pending == WREN_ACK_NONE)
		return;
	if (tp->ack_pending == WREN_ACK_NOW || tp->quickack ||
	    sock_flag(sk, SOCK_DEAD) ||
	    ((sk->sk_shutdown & RCV_SHUTDOWN) &&
	     sk->sk_state != TCP_CLOSE_WAIT))
		wren_tcp_send_ack(sk);
	else if (tp->rcv_unacked >= 2 * mss)
		wren_tcp_ack_later(sk);	/* once for the whole burst */
	else
		wren_tcp_send_delayed_ack(sk);
}

/* ---- the state machine ------------------------------------------------------------------ */

/* RFC 7323 5.3 (PAWS): a segment with an old timestamp is a duplicate. */
static bool wren_tcp_paws_reject(const struct wren_tcp_sock *tp,
				 const struct wren_tcp_opts *o, u8 flags)
{
	if (!tp->ts_ok || !o->saw_ts || (flags & WREN_TCPHDR_RST))
		return false;
	if ((s32)(o->tsval - tp->ts_recent) >= 0)
		return false;
	/* ts_recent older than 24 days is invalid (RFC 7323 5.5). */
	return (u32)ktime_get_seconds() - tp->ts_recent_stamp <
	       WREN_TCP_PAWS_24DAYS;
}

static void wren_tcp_store_ts(struct wren_tcp_sock *tp,
			      const struct wren_tcp_opts *o, u32 seq)
{
	/* RFC 7323 4.3: only from a segment covering Last.ACK.sent. */
	if (tp->ts_ok && o->saw_ts && !wren_after(seq, tp->rcv_wup) &&
	    (s32)(o->tsval - tp->ts_recent) >= 0) {
		tp->ts_recent = o->tsval;
		tp->ts_recent_stamp = (u32)ktime_get_seconds();
	}
}

/* The negotiated options of a SYN or SYN-ACK. */
void wren_tcp_apply_syn_opts(struct sock *sk, const struct wren_tcp_opts *o)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	tp->peer_mss = o->mss ? o->mss : WREN_TCP_MSS_DEFAULT;
	if (o->saw_ws && tp->ws_ok) {
		tp->snd_wscale = o->wscale;
	} else {
		tp->ws_ok = 0;
		tp->snd_wscale = 0;
		tp->rcv_wscale = 0;
	}
	tp->sack_ok = tp->sack_ok && o->sack_ok;
	tp->ts_ok = tp->ts_ok && o->saw_ts;
	if (tp->ts_ok) {
		tp->ts_recent = o->tsval;
		tp->ts_recent_stamp = (u32)ktime_get_seconds();
	}
}

/* SYN_SENT (RFC 9293 3.10.7.3).  Consumes skb. */
static int wren_tcp_rcv_synsent(struct sock *sk, struct sk_buff *skb,
				const struct wren_tcp_opts *o)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	u8 flags = tcb->flags;
	long rtt_us;
	bool rtx = false;

	if (flags & WREN_TCPHDR_ACK) {
		if (!wren_after(tcb->ack_seq, tp->iss) ||
		    wren_after(tcb->ack_seq, tp->snd_nxt)) {
			if (!(flags & WREN_TCPHDR_RST))
				wren_tcp_send_reset_reply(sock_net(sk), skb);
			goto drop;
		}
	}
	if (flags & WREN_TCPHDR_RST) {
		if (flags & WREN_TCPHDR_ACK)
			wren_tcp_done_err(sk, ECONNREFUSED);
		goto drop;
	}
	if (!(flags & WREN_TCPHDR_SYN))
		goto drop;

	tp->irs = tcb->seq;
	WRITE_ONCE(tp->rcv_nxt, tcb->seq + 1);
	tp->copied_seq = tp->rcv_nxt;
	tp->rcv_wup = tp->rcv_nxt;
	wren_tcp_apply_syn_opts(sk, o);
	tp->snd_wl1 = tcb->seq;
	tp->snd_wnd = tcb->window;	/* never scaled in a SYN */
	tp->max_window = tp->snd_wnd;

	if (flags & WREN_TCPHDR_ACK) {
		tp->snd_wl2 = tcb->ack_seq;
		wren_tcp_clean_rtx_queue(sk, tcb->ack_seq, &rtt_us, &rtx);
		tp->snd_una = tcb->ack_seq;
		if (rtt_us >= 0)
			wren_tcp_rtt_sample(sk, rtt_us);
		tp->retransmits = 0;
		tp->backoff = 0;
		tp->rtx_start = 0;
		wren_tcp_clear_rtx_timer(sk);
		wren_tcp_sync_mss(sk, tp->pmtu);
		tp->rcv_mss = min_t(u32, tp->advmss, tp->mss_cache);
		tp->lrcvtime = jiffies;
		tp->rcv_tstamp = jiffies;
		wren_tcp_set_state(sk, TCP_ESTABLISHED);
		wren_tcp_init_cong(sk);
		if (sock_flag(sk, SOCK_KEEPOPEN))
			wren_tcp_reset_keepalive(sk, tp->keepidle);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		tp->quickack = WREN_TCP_QUICKACKS;
		wren_tcp_send_ack(sk);
		wren_tcp_push(sk, 1);
		goto drop;
	}

	/* Simultaneous open: SYN_RECV, and our SYN goes again with ACK. */
	wren_tcp_set_state(sk, TCP_SYN_RECV);
	{
		struct sk_buff *syn = skb_peek(&sk->sk_write_queue);

		if (syn) {
			WREN_TCP_CB(syn)->flags |= WREN_TCPHDR_ACK;
			wren_tcp_transmit_skb(sk, syn, true);
		}
	}
drop:
	wren_tcp_rx_done(tp->tbl->wn, skb);
	return 0;
}

/* An acceptable RST (RFC 9293 3.10.7.4 second, RFC 5961 3.2). */
void wren_tcp_reset(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int err;

	switch (sk->sk_state) {
	case TCP_SYN_SENT:
		err = ECONNREFUSED;
		break;
	case TCP_CLOSE_WAIT:
		err = EPIPE;
		break;
	case TCP_CLOSE:
		return;
	default:
		err = ECONNRESET;
	}
	if (sk->sk_state == TCP_ESTABLISHED || sk->sk_state == TCP_CLOSE_WAIT)
		WREN_INC(tp->tbl->wn, Tcp, EstabResets);
	wren_tcp_done_err(sk, err);
}

static void wren_tcp_fin_acked(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	switch (sk->sk_state) {
	case TCP_FIN_WAIT1:
		wren_tcp_set_state(sk, TCP_FIN_WAIT2);
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | SEND_SHUTDOWN);
		if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
		} else {
			int tmo = tp->linger2 ? tp->linger2 :
				  WREN_TCP_FIN_TIMEOUT;

			if (tp->linger2 < 0) {
				wren_tcp_done(sk);
				return;
			}
			wren_tcp_reset_keepalive(sk, tmo);
		}
		break;
	case TCP_CLOSING:
		wren_tcp_time_wait(sk, TCP_TIME_WAIT, 0);
		break;
	case TCP_LAST_ACK:
		wren_tcp_done(sk);
		break;
	}
}

/*
 * Every state after SYN_SENT.  skb->data at the TCP header, cb filled.
 * Consumes skb.  Socket owned or bh-locked.
 */
int wren_tcp_rcv_state_process(struct sock *sk, struct sk_buff *skb)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct wren_tcp_opts o;
	u8 flags = tcb->flags;
	u32 segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	s32 rwin;

	tp->cnt.segs_in += segs;
	if (skb->len > th->doff * 4)
		tp->cnt.data_segs_in += segs;
	switch (sk->sk_state) {
	case TCP_CLOSE:
		wren_tcp_send_reset_reply(sock_net(sk), skb);
		goto drop;
	case TCP_LISTEN:
		goto drop;	/* listeners are handled before the lock */
	case TCP_SYN_SENT:
		wren_tcp_parse_options(th, &o, flags & WREN_TCPHDR_SYN);
		return wren_tcp_rcv_synsent(sk, skb, &o);
	}

	wren_tcp_parse_options(th, &o, false);
	tp->lrcvtime = jiffies;
	tp->keepalive_probes = 0;

	/* PAWS. */
	if (wren_tcp_paws_reject(tp, &o, flags)) {
		WREN_INC(tp->tbl->wn, TcpExt, PAWSEstab);
		wren_tcp_send_ack(sk);
		goto drop;
	}

	/* 1. Sequence number acceptable?  (Linux's tcp_sequence()) */
	rwin = (s32)(tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);
	if (rwin < 0)
		rwin = 0;
	if (wren_before(tcb->end_seq, tp->rcv_wup) ||
	    wren_after(tcb->seq, tp->rcv_nxt + rwin)) {
		wren_tcp_drop_mark(tp->tbl->wn, skb,
				   WREN_DROP_TCP_OUT_OF_WINDOW);
		/* RFC 5961 4.2: a SYN, whatever its sequence number, gets
		 * a (rate-limited) challenge ACK, not a plain duplicate.
		 */
		if (flags & WREN_TCPHDR_RST)
			goto drop;
		if (flags & WREN_TCPHDR_SYN) {
			WREN_INC(tp->tbl->wn, TcpExt, TCPSYNChallenge);
			wren_tcp_send_challenge_ack(sk);
			goto drop;
		}
		/* Old data again: tell the sender (RFC 2883). */
		if (tcb->end_seq != tcb->seq &&
		    wren_before(tcb->seq, tp->rcv_nxt))
			wren_tcp_dsack_set(tp, tcb->seq,
					   wren_before(tcb->end_seq, tp->rcv_nxt) ?
					   tcb->end_seq : tp->rcv_nxt);
		wren_tcp_send_ack(sk);
		goto drop;
	}

	/* 2. RST: exact match resets, in-window gets a challenge ACK. */
	if (flags & WREN_TCPHDR_RST) {
		if (tcb->seq == tp->rcv_nxt) {
			if (sk->sk_state == TCP_SYN_RECV && tp->parent) {
				wren_tcp_child_drop(sk);
				goto drop;
			}
			wren_tcp_reset(sk);
		} else {
			wren_tcp_send_challenge_ack(sk);
		}
		goto drop;
	}

	wren_tcp_store_ts(tp, &o, tcb->seq);

	/* 4. SYN in a synchronized state: challenge ACK (RFC 5961 4). */
	if (flags & WREN_TCPHDR_SYN) {
		if (sk->sk_state == TCP_SYN_RECV && tcb->seq == tp->irs &&
		    tp->parent) {
			struct sk_buff *syn = skb_peek(&sk->sk_write_queue);

			/* The peer did not get our SYN-ACK: again. */
			if (syn && syn != tp->send_head)
				wren_tcp_transmit_skb(sk, syn, true);
			goto drop;
		}
		WREN_INC(tp->tbl->wn, TcpExt, TCPSYNChallenge);
		wren_tcp_send_challenge_ack(sk);
		goto drop;
	}

	/* 5. ACK. */
	if (!(flags & WREN_TCPHDR_ACK))
		goto drop;
	if (sk->sk_state == TCP_SYN_RECV) {
		if (!wren_after(tcb->ack_seq, tp->snd_una) ||
		    wren_after(tcb->ack_seq, tp->snd_nxt)) {
			wren_tcp_send_reset_reply(sock_net(sk), skb);
			goto drop;
		}
		/*
		 * TCP_DEFER_ACCEPT: a bare ACK does not make the connection
		 * acceptable until the deferral's SYN-ACK retransmits are
		 * spent (the last one asks for another ACK); data does.
		 */
		if (tp->parent && tcb->end_seq == tcb->seq &&
		    !(flags & WREN_TCPHDR_FIN) &&
		    tp->retransmits < tp->defer_accept) {
			tp->defer_acked = 1;
			WREN_INC(tp->tbl->wn, TcpExt, TCPDeferAcceptDrop);
			goto drop;
		}
		tp->snd_wnd = (u32)tcb->window << tp->snd_wscale;
		tp->max_window = tp->snd_wnd;
		tp->snd_wl1 = tcb->seq;
		tp->snd_wl2 = tcb->ack_seq;
		wren_tcp_sync_mss(sk, tp->pmtu);
		tp->rcv_mss = min_t(u32, tp->advmss, tp->mss_cache);
		wren_tcp_init_cong(sk);
		wren_tcp_set_state(sk, TCP_ESTABLISHED);
		if (tp->parent) {
			wren_tcp_child_established(sk, skb);
			if (sk->sk_state != TCP_ESTABLISHED)
				goto drop;
		} else if (!sock_flag(sk, SOCK_DEAD)) {
			sk->sk_state_change(sk);
			sk_wake_async(sk, SOCK_WAKE_IO, POLL_OUT);
		}
		if (sock_flag(sk, SOCK_KEEPOPEN))
			wren_tcp_reset_keepalive(sk, tp->keepidle);
	}
	if (wren_tcp_ack(sk, skb, &o) < 0)
		goto drop;
	if (sk->sk_state == TCP_CLOSE)
		goto drop;

	/* Our FIN acknowledged? */
	if (tp->fin_queued && tp->snd_una == tp->write_seq &&
	    !tp->send_head) {
		int state = sk->sk_state;

		wren_tcp_fin_acked(sk);
		if (sk->sk_state == TCP_CLOSE || state == TCP_CLOSING ||
		    state == TCP_LAST_ACK)
			goto drop;
	}

	/* 6. URG (only while the peer may still send). */
	if ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_FIN_WAIT1 |
				   TCPF_FIN_WAIT2 | TCPF_SYN_RECV))
		wren_tcp_urg(sk, skb, th);

	/* 7. Data and FIN. */
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_FIN_WAIT1:
	case TCP_FIN_WAIT2:
	case TCP_SYN_RECV:
		if ((sk->sk_shutdown & RCV_SHUTDOWN) && sock_flag(sk, SOCK_DEAD) &&
		    wren_after(tcb->seq + skb->len - th->doff * 4, tp->rcv_nxt) &&
		    skb->len > th->doff * 4) {
			/* Data for a process that has gone: abort. */
			WREN_INC(tp->tbl->wn, Tcp, EstabResets);
			wren_tcp_send_active_reset(sk, GFP_ATOMIC);
			wren_tcp_done(sk);
			goto drop;
		}
		__skb_pull(skb, th->doff * 4);
		wren_tcp_data_queue(sk, skb);
		skb = NULL;
		break;
	default:
		/* CLOSE_WAIT, CLOSING, LAST_ACK: the peer's FIN came before. */
		if (tcb->end_seq != tcb->seq && wren_after(tcb->end_seq,
							   tp->rcv_nxt))
			tp->ack_pending = WREN_ACK_NOW;
		break;
	}

	if (sk->sk_state != TCP_CLOSE) {
		wren_tcp_push(sk, 0);
		wren_tcp_ack_snd_check(sk);
	}
drop:
	wren_tcp_rx_done(tp->tbl->wn, skb);
	return 0;
}

int wren_tcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb)
{
	return wren_tcp_rcv_state_process(sk, skb);
}

/* ---- FIN ------------------------------------------------------------------------------- */

/* An in-order FIN (RFC 9293 3.10.7.4 eighth). */
void wren_tcp_fin_rcvd(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u8 prior = tp->ack_pending;

	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | RCV_SHUTDOWN);
	sock_set_flag(sk, SOCK_DONE);
	tp->ack_pending = WREN_ACK_NOW;

	switch (sk->sk_state) {
	case TCP_SYN_RECV:
	case TCP_ESTABLISHED:
		wren_tcp_set_state(sk, TCP_CLOSE_WAIT);
		/*
		 * As Linux (ping-pong mode): the ACK waits, delayed, for
		 * our own FIN, which an application that reads the EOF
		 * and closes sends at once and which carries it.
		 */
		tp->ack_pending = max_t(u8, prior, WREN_ACK_DELAYED);
		tp->quickack = 0;
		break;
	case TCP_FIN_WAIT1:
		/* Simultaneous close: our FIN is not acknowledged yet. */
		wren_tcp_set_state(sk, TCP_CLOSING);
		break;
	case TCP_FIN_WAIT2:
		wren_tcp_send_ack(sk);
		wren_tcp_time_wait(sk, TCP_TIME_WAIT, 0);
		break;
	default:
		break;
	}
	wren_tcp_ooo_purge(sk);
	if (!sock_flag(sk, SOCK_DEAD)) {
		sk->sk_state_change(sk);
		if (sk->sk_shutdown == SHUTDOWN_MASK ||
		    sk->sk_state == TCP_CLOSE)
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_HUP);
		else
			sk_wake_async(sk, SOCK_WAKE_WAITD, POLL_IN);
	}
}

/* ---- softirq entry ------------------------------------------------------------------------ */

static bool wren_tcp_csum_ok(struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);

	switch (skb->ip_summed) {
	case CHECKSUM_UNNECESSARY:
	case CHECKSUM_PARTIAL:
		return true;
	case CHECKSUM_COMPLETE:
		if (!csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len,
				       IPPROTO_TCP, skb->csum))
			return true;
		fallthrough;
	default:
		return !csum_tcpudp_magic(iph->saddr, iph->daddr, skb->len,
					  IPPROTO_TCP,
					  skb_checksum(skb, 0, skb->len, 0));
	}
}

/* A segment for a listener (no lock: the listener's queues have theirs). */
static void wren_tcp_listen_rcv(struct sock *lsk, struct sk_buff *skb)
{
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	struct net *net = sock_net(lsk);
	struct sock *child;
	bool valid = false;

	if (tcb->flags & WREN_TCPHDR_RST)
		goto drop;
	if (tcb->flags & WREN_TCPHDR_ACK) {
		if (!(tcb->flags & WREN_TCPHDR_SYN)) {
			child = wren_tcp_cookie_check(lsk, skb, &valid);
			if (child) {
				/* child is bh-locked and referenced. */
				__acquire(&child->sk_lock.slock);
				wren_tcp_rcv_state_process(child, skb);
				bh_unlock_sock(child);
				sock_put(child);
				WREN_INC(wren_tcp_sk(lsk)->tbl->wn, TcpExt,
					 SyncookiesRecv);
				return;
			}
			if (!valid)
				WREN_INC(wren_tcp_sk(lsk)->tbl->wn, TcpExt,
					 SyncookiesFailed);
		}
		if (!valid)
			wren_tcp_send_reset_reply(net, skb);
		goto drop;
	}
	if (tcb->flags & WREN_TCPHDR_SYN) {
		/* Never a connection to a (directed) broadcast address. */
		if ((tcb->flags & WREN_TCPHDR_FIN) ||
		    wren_addr_is_broadcast(net, ip_hdr(skb)->daddr))
			goto drop;
		wren_tcp_conn_request(lsk, skb);
	}
drop:
	wren_tcp_rx_done(wren_tcp_sk(lsk)->tbl->wn, skb);
}

void wren_tcp_rcv(struct sk_buff *skb)
{
	struct net *net = dev_net(skb->dev);
	struct wren_net *wn = wren_net(net);
	struct wren_tcp_table *t = wn->tcp;
	const struct iphdr *iph;
	struct wren_tcp_cb *tcb;
	struct wren_tcp_ent *e;
	const struct tcphdr *th;
	struct sock *sk;
	unsigned int doff;

	if (!t) {
		wren_drop(wn, skb, WREN_DROP_TCP_NO_SOCKET);
		return;
	}
	if (!pskb_may_pull(skb, sizeof(*th))) {
		WREN_INC(wn, Tcp, InErrs);
		wren_drop(wn, skb, WREN_DROP_TCP_TRUNCATED);
		return;
	}
	th = (const struct tcphdr *)skb->data;
	doff = th->doff * 4;
	if (doff < sizeof(*th) || doff > skb->len) {
		WREN_INC(wn, Tcp, InErrs);
		wren_drop(wn, skb, WREN_DROP_TCP_BAD_OFF);
		return;
	}
	if (!pskb_may_pull(skb, doff)) {
		WREN_INC(wn, Tcp, InErrs);
		wren_drop(wn, skb, WREN_DROP_TCP_TRUNCATED);
		return;
	}
	skb_reset_transport_header(skb);
	th = tcp_hdr(skb);
	iph = ip_hdr(skb);
	if (!wren_tcp_csum_ok(skb)) {
		WREN_INC(wn, Tcp, InErrs);
		WREN_INC(wn, Tcp, InCsumErrors);
		wren_drop(wn, skb, WREN_DROP_TCP_BAD_CSUM);
		return;
	}
	WREN_INC(wn, Tcp, InSegs);
	/* TCP is unicast only (link-layer broadcast/multicast too). */
	if (skb->pkt_type != PACKET_HOST || ipv4_is_multicast(iph->daddr) ||
	    ipv4_is_lbcast(iph->daddr)) {
		wren_drop(wn, skb, WREN_DROP_TCP_NO_SOCKET);
		return;
	}

	tcb = WREN_TCP_CB(skb);
	memset(tcb, 0, sizeof(*tcb));
	tcb->seq = ntohl(th->seq);
	tcb->flags = wren_tcp_flags(th);
	tcb->end_seq = tcb->seq + skb->len - doff +
		       !!(tcb->flags & WREN_TCPHDR_SYN) +
		       !!(tcb->flags & WREN_TCPHDR_FIN);
	tcb->ack_seq = ntohl(th->ack_seq);
	tcb->window = ntohs(th->window);

lookup:
	rcu_read_lock();
	e = wren_tcp_lookup_est(t, iph->daddr, th->dest, iph->saddr,
				th->source, skb->dev ? skb->dev->ifindex : 0);
	if (e && e->kind == WREN_TCP_ENT_TW) {
		struct wren_tcp_tw *tw = (struct wren_tcp_tw *)e;
		bool syn;

		rcu_read_unlock();
		syn = wren_tcp_tw_rcv(tw, skb);
		wren_tcp_tw_put(tw);
		if (!syn)
			return;
		/* A new SYN ended the time-wait: look again. */
		goto lookup;
	}
	if (e) {
		sk = wren_tcp_ent_sk(e);
	} else {
		sk = wren_tcp_lookup_listener(t, iph->daddr, th->dest,
					      iph->saddr, th->source,
					      skb->dev ? skb->dev->ifindex : 0);
	}
	rcu_read_unlock();

	if (!sk) {
		wren_tcp_send_reset_reply(net, skb);
		wren_drop(wn, skb, WREN_DROP_TCP_NO_SOCKET);
		return;
	}

	if (sk->sk_state == TCP_LISTEN) {
		wren_tcp_listen_rcv(sk, skb);
		sock_put(sk);
		return;
	}

	bh_lock_sock_nested(sk);
	if (!sock_owned_by_user(sk)) {
		wren_tcp_v4_do_rcv(sk, skb);
	} else if (sk_add_backlog(sk, skb,
				  READ_ONCE(sk->sk_rcvbuf) +
				  READ_ONCE(sk->sk_sndbuf))) {
		bh_unlock_sock(sk);
		WREN_INC(wn, TcpExt, TCPBacklogDrop);
		wren_drop(wn, skb, WREN_DROP_TCP_BACKLOG);
		sock_put(sk);
		return;
	}
	bh_unlock_sock(sk);
	sock_put(sk);
}

/* ---- ICMP errors ------------------------------------------------------ */

/*
 * The MSS shrank: the segments in flight that no longer fit the path were
 * dropped for their size, not for congestion, so the window stays (as in
 * Linux's tcp_simple_retransmit()).  They are marked lost, and the Loss
 * state sends them again at once at the new size.
 */
static void wren_tcp_mtu_retransmit(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *skb;

	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);

		if (skb == tp->send_head)
			break;
		if ((tcb->sacked & WREN_TCPCB_SACKED) ||
		    (tcb->pcount == 1 &&
		     tcb->end_seq - tcb->seq <= tp->mss_cache))
			continue;
		wren_tcp_skb_mark_lost(tp, tcb);
	}
	if (!tp->lost_out)
		return;
	if (tp->ca_state != WREN_CA_LOSS) {
		/* Only a window not being reduced may lift ssthresh. */
		if (tp->ca_state != WREN_CA_RECOVERY)
			tp->snd_ssthresh = max(tp->snd_ssthresh,
					       tp->snd_cwnd / 2 +
					       tp->snd_cwnd / 4);
		tp->high_seq = tp->snd_nxt;
		tp->tlp_high_seq = 0;
		wren_tcp_set_ca_state(sk, WREN_CA_LOSS);
	}
	wren_tcp_xmit_retransmit_queue(sk);
}

/*
 * A router said our segments are too big (RFC 1191): shrink the MSS and
 * resend what is in flight at the new size.  Socket owned or bh-locked.
 */
void wren_tcp_mtu_reduced(struct sock *sk, u32 mtu)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
		return;
	mtu = max_t(u32, mtu, 576);
	if (mtu >= tp->pmtu)
		return;
	wren_tcp_sync_mss(sk, mtu);
	if (tp->packets_out && tp->cong)
		wren_tcp_mtu_retransmit(sk);
}

static void wren_tcp_err(struct net *net, struct sk_buff *skb, u8 type,
			 u8 code, u32 info, __be32 from)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	struct wren_tcp_table *t = wren_net(net)->tcp;
	const struct tcphdr *th;
	struct wren_tcp_sock *tp;
	struct wren_tcp_ent *e;
	struct sock *sk;
	u32 seq;
	int err;

	if (!t)
		return;
	th = (const struct tcphdr *)(skb->data + iph->ihl * 4);
	rcu_read_lock();
	e = wren_tcp_lookup_est(t, iph->saddr, th->source, iph->daddr,
				th->dest, skb->dev ? skb->dev->ifindex : 0);
	rcu_read_unlock();
	if (!e)
		return;
	if (e->kind == WREN_TCP_ENT_TW) {
		wren_tcp_tw_put((struct wren_tcp_tw *)e);
		return;
	}
	sk = wren_tcp_ent_sk(e);
	tp = wren_tcp_sk(sk);
	seq = ntohl(th->seq);

	bh_lock_sock(sk);
	/* Only about data in flight (RFC 5927 4.1). */
	if (sk->sk_state == TCP_CLOSE ||
	    !wren_between(seq, tp->snd_una, tp->snd_nxt))
		goto out;

	if (type == ICMP_DEST_UNREACH && code == ICMP_FRAG_NEEDED) {
		if (info < 68 || info >= tp->pmtu)
			goto out;
		if (!sock_owned_by_user(sk)) {
			wren_tcp_mtu_reduced(sk, info);
		} else {
			/* The owner's release_sock() applies it. */
			WRITE_ONCE(tp->mtu_info, info);
			if (!test_and_set_bit(WREN_TCP_MTU_DEFERRED,
					      &tp->deferred))
				sock_hold(sk);
		}
		goto out;
	}
	if (!wren_icmp_err_convert(type, code, &err))
		goto out;
	if ((sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV) &&
	    !sock_owned_by_user(sk)) {
		if (sk->sk_state == TCP_SYN_RECV && tp->parent) {
			wren_tcp_child_drop(sk);
			goto out;
		}
		wren_tcp_done_err(sk, err);	/* counts AttemptFails */
	} else {
		WRITE_ONCE(sk->sk_err_soft, err);
	}
out:
	bh_unlock_sock(sk);
	sock_put(sk);
}

const struct wren_protocol wren_tcp_protocol = {
	.handler	= wren_tcp_rcv,
	.err_handler	= wren_tcp_err,
};
