// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: timers.
 *
 *  rtx_timer     retransmission (RFC 6298: backoff, Karn via the cb
 *                marks) or, in WREN_TCP_TIMER_PROBE mode, the persist
 *                timer sending zero-window probes, or, in
 *                WREN_TCP_TIMER_TLP mode, the tail loss probe (RFC 8985)
 *  delack_timer  the delayed ACK (RFC 1122 4.2.3.2: at most 200 ms)
 *  sk->sk_timer  keepalive (RFC 1122 4.2.3.6) and the FIN_WAIT2 timeout
 *                of orphaned sockets
 *
 * Each pending timer holds a socket reference (sk_reset_timer).  A timer
 * that fires while a process owns the socket sets its bit in tp->deferred,
 * keeps a reference, and runs from release_sock() (wren_tcp_release_cb).
 */
#include "tcp.h"

void wren_tcp_reset_rtx_timer(struct sock *sk, int mode, unsigned long when)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	tp->timer_mode = mode;
	sk_reset_timer(sk, &tp->rtx_timer, jiffies + when);
}

void wren_tcp_clear_rtx_timer(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	tp->timer_mode = WREN_TCP_TIMER_NONE;
	sk_stop_timer(sk, &tp->rtx_timer);
}

void wren_tcp_reset_keepalive(struct sock *sk, unsigned long len)
{
	sk_reset_timer(sk, &sk->sk_timer, jiffies + len);
}

/* Give up on the connection: ETIMEDOUT (or the soft error seen). */
static void wren_tcp_write_err(struct sock *sk)
{
	wren_tcp_done_err(sk, READ_ONCE(sk->sk_err_soft) ? : ETIMEDOUT);
}

static bool wren_tcp_user_timeout_hit(struct wren_tcp_sock *tp)
{
	return tp->user_timeout && tp->rtx_start &&
	       time_after_eq(jiffies, tp->rtx_start +
			     msecs_to_jiffies(tp->user_timeout));
}

static void wren_tcp_retransmit_timer(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *skb = skb_peek(&sk->sk_write_queue);
	int limit;

	if (!tp->packets_out || !skb || skb == tp->send_head)
		return;

	switch (sk->sk_state) {
	case TCP_SYN_SENT:
		limit = tp->syn_retries;
		break;
	case TCP_SYN_RECV:
		limit = tp->parent ? WREN_TCP_SYNACK_RETRIES : tp->syn_retries;
		/* Deferring after the peer's ACK: wait out the deferral. */
		if (tp->parent && tp->defer_acked)
			limit = max_t(int, limit, tp->defer_accept);
		break;
	default:
		limit = sock_flag(sk, SOCK_DEAD) ? WREN_TCP_ORPHAN_RETRIES :
			READ_ONCE(tp->tbl->wn->tcp_retries2);
	}
	if (tp->retransmits >= limit || wren_tcp_user_timeout_hit(tp)) {
		if (sk->sk_state == TCP_SYN_RECV && tp->parent) {
			wren_tcp_child_drop(sk);
			return;
		}
		WREN_INC(tp->tbl->wn, TcpExt, TCPAbortOnTimeout);
		wren_tcp_write_err(sk);	/* wren_tcp_done() counts */
		return;
	}
	WREN_INC(tp->tbl->wn, TcpExt, TCPTimeouts);

	if (sk->sk_state != TCP_SYN_SENT && sk->sk_state != TCP_SYN_RECV) {
		wren_tcp_enter_loss(sk);
		/* The path may have changed (RFC 6298 5.5's "new route"). */
		if (tp->retransmits >= 3)
			wren_tcp_route(sk);
	}
	/*
	 * Deferring (TCP_DEFER_ACCEPT) after the peer's ACK: as Linux, no
	 * SYN-ACK until the deferral's last, which asks for one more ACK.
	 */
	if (sk->sk_state == TCP_SYN_RECV && tp->parent && tp->defer_acked &&
	    tp->retransmits + 1 < tp->defer_accept)
		goto backoff;
	if (wren_tcp_retransmit_skb(sk, skb)) {
		/* Local congestion: try again soon, without backing off. */
		wren_tcp_reset_rtx_timer(sk, WREN_TCP_TIMER_RTO,
					 WREN_TCP_RTO_MIN);
		return;
	}
backoff:
	tp->retransmits++;
	if (tp->backoff < 16)
		tp->backoff++;
	wren_tcp_reset_rtx_timer(sk, WREN_TCP_TIMER_RTO,
				 min_t(unsigned long, tp->rto << tp->backoff,
				       WREN_TCP_RTO_MAX));
}

/* Persist (RFC 9293 3.8.6.1): probe a zero window, backing off. */
static void wren_tcp_probe_timer(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (tp->packets_out || !tp->send_head) {
		tp->probes_out = 0;
		return;
	}
	if (!wren_after(WREN_TCP_CB(tp->send_head)->end_seq,
			wren_tcp_wnd_end(tp))) {
		wren_tcp_push(sk, 3);
		return;
	}
	if (!tp->rtx_start)
		tp->rtx_start = jiffies;
	if (tp->probes_out >= READ_ONCE(tp->tbl->wn->tcp_retries2) ||
	    wren_tcp_user_timeout_hit(tp)) {
		WREN_INC(tp->tbl->wn, TcpExt, TCPAbortOnTimeout);
		wren_tcp_write_err(sk);
		return;
	}
	wren_tcp_send_probe(sk);
	WREN_INC(tp->tbl->wn, TcpExt, TCPWinProbe);
	tp->probes_out++;
	if (tp->backoff < 16)
		tp->backoff++;
	wren_tcp_reset_rtx_timer(sk, WREN_TCP_TIMER_PROBE,
				 min_t(unsigned long, tp->rto << tp->backoff,
				       WREN_TCP_RTO_MAX));
}

void wren_tcp_rtx_timer_handler(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int mode = tp->timer_mode;

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN ||
	    timer_pending(&tp->rtx_timer))
		return;
	tp->timer_mode = WREN_TCP_TIMER_NONE;
	if (mode == WREN_TCP_TIMER_RTO)
		wren_tcp_retransmit_timer(sk);
	else if (mode == WREN_TCP_TIMER_PROBE)
		wren_tcp_probe_timer(sk);
	else if (mode == WREN_TCP_TIMER_TLP)
		wren_tcp_send_loss_probe(sk);
}

void wren_tcp_delack_handler(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN ||
	    timer_pending(&tp->delack_timer) ||
	    tp->ack_pending == WREN_ACK_NONE)
		return;
	WREN_INC(tp->tbl->wn, TcpExt, DelayedACKs);
	wren_tcp_send_ack(sk);
}

void wren_tcp_keepalive_handler(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	unsigned long idle;

	if (timer_pending(&sk->sk_timer))
		return;
	switch (sk->sk_state) {
	case TCP_LISTEN:
	case TCP_CLOSE:
	case TCP_SYN_SENT:
	case TCP_SYN_RECV:
		return;
	case TCP_FIN_WAIT2:
		if (sock_flag(sk, SOCK_DEAD)) {
			/* FIN_WAIT2 timeout of an orphan. */
			WREN_INC(tp->tbl->wn, TcpExt, TCPAbortOnLinger);
			wren_tcp_send_active_reset(sk, GFP_ATOMIC);
			wren_tcp_done(sk);
			return;
		}
		break;
	}
	if (!sock_flag(sk, SOCK_KEEPOPEN) ||
	    (sk->sk_state != TCP_ESTABLISHED &&
	     sk->sk_state != TCP_CLOSE_WAIT))
		return;
	if (tp->packets_out || tp->send_head) {
		/* The retransmission timer watches the connection. */
		wren_tcp_reset_keepalive(sk, tp->keepidle);
		return;
	}
	idle = jiffies - tp->lrcvtime;
	if (idle < (unsigned long)tp->keepidle) {
		wren_tcp_reset_keepalive(sk, tp->keepidle - idle);
		return;
	}
	if ((tp->user_timeout && tp->keepalive_probes &&
	     idle >= msecs_to_jiffies(tp->user_timeout)) ||
	    tp->keepalive_probes >= tp->keepcnt) {
		WREN_INC(tp->tbl->wn, TcpExt, TCPAbortOnTimeout);
		wren_tcp_send_active_reset(sk, GFP_ATOMIC);
		wren_tcp_write_err(sk);
		return;
	}
	wren_tcp_send_probe(sk);
	WREN_INC(tp->tbl->wn, TcpExt, TCPKeepAlive);
	tp->keepalive_probes++;
	wren_tcp_reset_keepalive(sk, tp->keepintvl);
}

/* ---- timer callbacks -------------------------------------------------------- */

static void wren_tcp_timer_run(struct sock *sk, int bit,
			       void (*handler)(struct sock *))
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	bh_lock_sock(sk);
	if (!sock_owned_by_user(sk))
		handler(sk);
	else if (!test_and_set_bit(bit, &tp->deferred))
		sock_hold(sk);
	bh_unlock_sock(sk);
	sock_put(sk);
}

static void wren_tcp_rtx_timer_fn(struct timer_list *t)
{
	struct wren_tcp_sock *tp = from_timer(tp, t, rtx_timer);

	wren_tcp_timer_run(&tp->ws.sk, WREN_TCP_RTX_DEFERRED,
			   wren_tcp_rtx_timer_handler);
}

static void wren_tcp_delack_timer_fn(struct timer_list *t)
{
	struct wren_tcp_sock *tp = from_timer(tp, t, delack_timer);

	wren_tcp_timer_run(&tp->ws.sk, WREN_TCP_DELACK_DEFERRED,
			   wren_tcp_delack_handler);
}

static void wren_tcp_keepalive_timer_fn(struct timer_list *t)
{
	struct sock *sk = from_timer(sk, t, sk_timer);

	wren_tcp_timer_run(sk, WREN_TCP_KEEPALIVE_DEFERRED,
			   wren_tcp_keepalive_handler);
}

/* From release_sock(), the socket still owned, its spinlock held. */
void wren_tcp_release_cb(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (!READ_ONCE(tp->deferred))
		return;
	if (test_and_clear_bit(WREN_TCP_RTX_DEFERRED, &tp->deferred)) {
		wren_tcp_rtx_timer_handler(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(WREN_TCP_DELACK_DEFERRED, &tp->deferred)) {
		wren_tcp_delack_handler(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(WREN_TCP_KEEPALIVE_DEFERRED, &tp->deferred)) {
		wren_tcp_keepalive_handler(sk);
		__sock_put(sk);
	}
	if (test_and_clear_bit(WREN_TCP_MTU_DEFERRED, &tp->deferred)) {
		wren_tcp_mtu_reduced(sk, READ_ONCE(tp->mtu_info));
		__sock_put(sk);
	}
	if (test_and_clear_bit(WREN_TCP_XMIT_DEFERRED, &tp->deferred)) {
		wren_tcp_tsq_xmit(sk);
		__sock_put(sk);
	}
}

void wren_tcp_init_timers(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	timer_setup(&tp->rtx_timer, wren_tcp_rtx_timer_fn, 0);
	timer_setup(&tp->delack_timer, wren_tcp_delack_timer_fn, 0);
	timer_setup(&sk->sk_timer, wren_tcp_keepalive_timer_fn, 0);
	tp->timer_mode = WREN_TCP_TIMER_NONE;
	tp->deferred = 0;
}

void wren_tcp_clear_timers(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	tp->timer_mode = WREN_TCP_TIMER_NONE;
	sk_stop_timer(sk, &tp->rtx_timer);
	sk_stop_timer(sk, &tp->delack_timer);
	sk_stop_timer(sk, &sk->sk_timer);
}

/* ---- TIME_WAIT ---------------------------------------------------------------- */

void wren_tcp_tw_put(struct wren_tcp_tw *tw)
{
	if (refcount_dec_and_test(&tw->refcnt))
		kfree_rcu(tw, rcu);
}

/* 2 MSL are over: the entry goes. */
void wren_tcp_tw_timer(struct timer_list *t)
{
	struct wren_tcp_tw *tw = from_timer(tw, t, timer);

	wren_tcp_tw_unlink(tw);
	WREN_INC(tw->tbl->wn, TcpExt, TW);
	wren_tcp_tw_put(tw);
}
