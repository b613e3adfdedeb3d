// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: CUBIC congestion control (RFC 9438).
 *
 *   W_cubic(t) = C * (t - K)^3 + W_max,  K = cbrt((W_max - cwnd) / C)
 *
 * with C = 0.4, beta_cubic = 0.7, fast convergence (4.7) and the
 * Reno-friendly region (4.3).  Time is in milliseconds, windows in
 * segments; the arithmetic is integer only.
 *
 * HyStart's delay test (as in RFC 9406 4.2): slow start ends when the
 * smallest of a round's first eight RTT samples exceeds the smallest RTT
 * seen by an eighth (at least 4 ms, at most 16 ms) -- a queue is
 * building -- instead of when the queue overflows.
 */
#include <linux/math64.h>
#include "tcp.h"

#define CUBIC_BETA		717	/* 0.7 * 1024 */
#define CUBIC_BETA_SCALE	1024
/* Reno-friendly slope: 3 * (1 - beta) / (1 + beta), as 8 / this value. */
#define CUBIC_FRIENDLY_SCALE	(8 * (CUBIC_BETA_SCALE + CUBIC_BETA) / 3 / \
				 (CUBIC_BETA_SCALE - CUBIC_BETA))

struct wren_cubic {
	u32	cnt;		/* cwnd grows by one every cnt segments acked */
	u32	w_max;		/* window before the last reduction */
	u32	origin;		/* W_max of the current curve */
	u32	k_ms;		/* K */
	u32	epoch_ms;	/* start of the current epoch, 0: none */
	u32	ack_cnt;	/* segments acked in the epoch (W_est) */
	u32	w_est;		/* the Reno-friendly estimate */
	u32	delay_min_us;	/* minimum RTT seen */
	u32	round_end;	/* HyStart: this round ends when it is acked */
	u32	round_rtt_us;	/* the round's smallest RTT sample so far */
	u8	round_samples;	/* of HYSTART_SAMPLES taken */
	u8	hystart_done;	/* slow start ended on delay */
};

#define HYSTART_SAMPLES		8
#define HYSTART_LOW_WINDOW	16
#define HYSTART_DELAY_MIN_US	4000
#define HYSTART_DELAY_MAX_US	16000

/* Called from ACK processing, after the ACK refreshed tcp_mstamp. */
static u32 wren_cubic_now_ms(const struct wren_tcp_sock *tp)
{
	return wren_tcp_mstamp_ms(tp) ? : 1;
}

/* Integer cube root, Newton's method from an upper bound. */
static u32 wren_cbrt(u64 a)
{
	u32 x, y;

	if (!a)
		return 0;
	x = 1U << min((fls64(a) + 2) / 3 + 1, 31);
	for (;;) {
		u64 x2 = (u64)x * x;

		y = (u32)div64_u64(2 * (u64)x * x2 + a, 3 * x2);
		if (y >= x)
			return x;
		x = y;
	}
}

static void wren_cubic_reset(struct wren_cubic *ca)
{
	u32 dmin = ca->delay_min_us;

	memset(ca, 0, sizeof(*ca));
	ca->delay_min_us = dmin;
}

static void wren_cubic_init(struct sock *sk)
{
	BUILD_BUG_ON(sizeof(struct wren_cubic) > WREN_CA_PRIV_SIZE);
	memset(wren_tcp_ca(sk), 0, sizeof(struct wren_cubic));
}

static void wren_cubic_update(struct sock *sk, u32 acked)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_cubic *ca = wren_tcp_ca(sk);
	u32 cwnd = tp->snd_cwnd, now = wren_cubic_now_ms(tp);
	u64 offs, delta;
	u32 t, target, max_cnt;

	ca->ack_cnt += acked;
	if (!ca->epoch_ms) {
		ca->epoch_ms = now;
		ca->ack_cnt = acked;
		ca->w_est = cwnd;
		if (ca->w_max <= cwnd) {
			ca->k_ms = 0;
			ca->origin = cwnd;
		} else {
			/* K = cbrt((W_max - cwnd) / C), C = 0.4, in ms. */
			ca->k_ms = wren_cbrt((u64)(ca->w_max - cwnd) *
					     2500000000ULL);
			ca->origin = ca->w_max;
		}
	}

	/* t: time in the epoch plus one minimum RTT (what the ACKs lag). */
	t = now - ca->epoch_ms + ca->delay_min_us / 1000;
	offs = t < ca->k_ms ? ca->k_ms - t : t - ca->k_ms;
	/* C * offs^3 in segments: 0.4 * (offs / 1000)^3. */
	delta = div64_u64(4 * offs * offs * offs, 10000000000ULL);
	if (t < ca->k_ms)
		target = delta < ca->origin ? ca->origin - (u32)delta : 1;
	else
		target = ca->origin + (u32)min_t(u64, delta, 1U << 20);

	if (target > cwnd)
		ca->cnt = cwnd / (target - cwnd);
	else
		ca->cnt = 100 * cwnd;
	if (!ca->w_max && ca->cnt > 20)
		ca->cnt = 20;	/* no loss yet: grow steadily */

	/* Reno-friendly region (RFC 9438 4.3). */
	delta = (u64)cwnd * CUBIC_FRIENDLY_SCALE >> 3;
	if (!delta)
		delta = 1;
	while (ca->ack_cnt > delta) {
		ca->ack_cnt -= delta;
		ca->w_est++;
	}
	if (ca->w_est > cwnd) {
		max_cnt = cwnd / (ca->w_est - cwnd);
		if (ca->cnt > max_cnt)
			ca->cnt = max_cnt;
	}
	ca->cnt = max(ca->cnt, 2U);
}

static void wren_cubic_cong_avoid(struct sock *sk, u32 ack, u32 acked)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_cubic *ca = wren_tcp_ca(sk);

	if (wren_tcp_in_slow_start(tp)) {
		wren_tcp_slow_start(sk, &acked);
		if (!acked)
			return;
	}
	wren_cubic_update(sk, acked);
	wren_tcp_cong_avoid_ai(sk, ca->cnt, acked);
}

/* RFC 9438 4.6 and 4.7: multiplicative decrease, fast convergence. */
static u32 wren_cubic_ssthresh(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_cubic *ca = wren_tcp_ca(sk);
	u32 cwnd = tp->snd_cwnd;

	ca->epoch_ms = 0;
	if (cwnd < ca->w_max)
		ca->w_max = cwnd * (CUBIC_BETA_SCALE + CUBIC_BETA) /
			    (2 * CUBIC_BETA_SCALE);
	else
		ca->w_max = cwnd;
	return max(cwnd * CUBIC_BETA / CUBIC_BETA_SCALE, 2U);
}

static void wren_cubic_set_state(struct sock *sk, u8 state)
{
	if (state == WREN_CA_LOSS)
		wren_cubic_reset(wren_tcp_ca(sk));
}

static void wren_cubic_cwnd_event(struct sock *sk, enum wren_ca_event ev)
{
	struct wren_cubic *ca = wren_tcp_ca(sk);

	/* After idle the curve starts again from the current window. */
	if (ev == WREN_CA_EVENT_TX_START)
		ca->epoch_ms = 0;
}

static void wren_cubic_hystart(struct sock *sk, u32 rtt_us)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_cubic *ca = wren_tcp_ca(sk);
	u32 thresh;

	if (ca->hystart_done || !wren_tcp_in_slow_start(tp) ||
	    tp->snd_cwnd < HYSTART_LOW_WINDOW)
		return;
	if (!ca->round_end || !wren_before(tp->snd_una, ca->round_end)) {
		ca->round_end = tp->snd_nxt;
		ca->round_rtt_us = 0;
		ca->round_samples = 0;
	}
	if (ca->round_samples >= HYSTART_SAMPLES)
		return;
	if (!ca->round_rtt_us || rtt_us < ca->round_rtt_us)
		ca->round_rtt_us = rtt_us;
	if (++ca->round_samples < HYSTART_SAMPLES)
		return;
	thresh = clamp(ca->delay_min_us / 8, HYSTART_DELAY_MIN_US,
		       HYSTART_DELAY_MAX_US);
	if (ca->round_rtt_us > ca->delay_min_us + thresh) {
		ca->hystart_done = 1;
		tp->snd_ssthresh = tp->snd_cwnd;
		WREN_INC(tp->tbl->wn, TcpExt, TCPHystartDelayDetect);
		WREN_ADD(tp->tbl->wn, TcpExt, TCPHystartDelayCwnd,
			 tp->snd_cwnd);
	}
}

static void wren_cubic_pkts_acked(struct sock *sk, u32 acked, s32 rtt_us)
{
	struct wren_cubic *ca = wren_tcp_ca(sk);

	if (rtt_us <= 0)
		return;
	if (!ca->delay_min_us || (u32)rtt_us < ca->delay_min_us)
		ca->delay_min_us = rtt_us;
	wren_cubic_hystart(sk, rtt_us);
}

struct wren_tcp_cong_ops wren_tcp_cubic = {
	.name		= "cubic",
	.owner		= THIS_MODULE,
	.init		= wren_cubic_init,
	.ssthresh	= wren_cubic_ssthresh,
	.cong_avoid	= wren_cubic_cong_avoid,
	.set_state	= wren_cubic_set_state,
	.cwnd_event	= wren_cubic_cwnd_event,
	.pkts_acked	= wren_cubic_pkts_acked,
};
