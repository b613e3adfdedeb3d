// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: the socket calls and the state changes they make.
 *
 * socket(AF_WREN, SOCK_STREAM, 0) gets wren_tcp_prot and wren_stream_ops
 * (af_wren.c), whose calls are the wren_tcp_*() socket calls here.  They
 * take the socket lock and do the work; the state
 * machine proper is in tcp_input.c, transmission in tcp_output.c.
 *
 * References: a socket holds one reference for its owner (the struct
 * socket, or, once closed, the orphan itself), one while it is in ehash,
 * and one per pending timer.  An orphan in TCP_CLOSE is destroyed at once.
 */
#include <linux/module.h>
#include <asm/ioctls.h>
#include <linux/sockios.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include <net/sock.h>
#include "compat.h"
#include "tcp.h"

/* ---- states ------------------------------------------------------------------- */

static bool wren_tcp_counts_estab(int state)
{
	return state == TCP_ESTABLISHED || state == TCP_CLOSE_WAIT;
}

static void wren_tcp_unhash(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (tp->ent.hashed) {
		wren_tcp_ehash_del(tp->tbl, &tp->ent);
		__sock_put(sk);
	}
}

void wren_tcp_set_state(struct sock *sk, int state)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int old = sk->sk_state;

	if (wren_tcp_counts_estab(old) && !wren_tcp_counts_estab(state))
		atomic_dec(&tp->tbl->estab);
	else if (!wren_tcp_counts_estab(old) && wren_tcp_counts_estab(state))
		atomic_inc(&tp->tbl->estab);
	if (state == TCP_CLOSE) {
		wren_tcp_unhash(sk);
		/* As Linux: a port the user did not bind goes back now. */
		if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
			wren_tcp_put_port(sk);
	}
	/* Readers (poll, /proc) use READ_ONCE(sk->sk_state). */
	smp_store_release(&sk->sk_state, state);
}

void wren_tcp_write_queue_purge(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&sk->sk_write_queue))) {
		sk_wmem_queued_add(sk, -skb->truesize);
		atomic_long_sub(skb->truesize, &tp->tbl->mem);
		kfree_skb(skb);
	}
	tp->send_head = NULL;
	tp->packets_out = 0;
	tp->sacked_out = 0;
	tp->lost_out = 0;
	tp->retrans_out = 0;
}

/* An orphan has reached CLOSE: free what it holds and drop its reference. */
static void wren_tcp_destroy_sock(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (tp->destroyed)
		return;
	tp->destroyed = 1;
	wren_tcp_clear_timers(sk);
	wren_tcp_write_queue_purge(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	wren_tcp_ooo_purge(sk);
	wren_tcp_cleanup_cong(sk);
	wren_tcp_put_port(sk);
	atomic_dec(&tp->tbl->orphans);
	sock_put(sk);
}

/* The connection is over (RFC 9293 "delete the TCB"). */
void wren_tcp_done(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_SYN_RECV)
		WREN_INC(tp->tbl->wn, Tcp, AttemptFails);
	wren_tcp_set_state(sk, TCP_CLOSE);
	wren_tcp_clear_timers(sk);
	tp->ack_pending = WREN_ACK_NONE;
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	if (!sock_flag(sk, SOCK_DEAD))
		sk->sk_state_change(sk);
	else
		wren_tcp_destroy_sock(sk);
}

/*
 * The connection ends with error @err.  As Linux's tcp_reset(): the state
 * is CLOSE before the error wakes anyone, so that poll() never reports
 * POLLERR without the POLLHUP (and POLLIN/POLLOUT) that go with it.
 */
void wren_tcp_done_err(struct sock *sk, int err)
{
	bool dead = sock_flag(sk, SOCK_DEAD);

	WRITE_ONCE(sk->sk_err, err);
	/* Pairs with smp_rmb() in wren_tcp_poll(). */
	smp_wmb();
	wren_tcp_write_queue_purge(sk);
	wren_tcp_done(sk);
	if (!dead)
		sk_error_report(sk);
}

/*
 * TCP_NOTSENT_LOWAT, as Linux's tcp_stream_memory_free(): the socket is
 * writable while fewer than lowat bytes wait unsent (wake: the wake-up
 * test asks for half that, so writers wake with room for a write).
 */
static bool wren_tcp_stream_memory_free(const struct sock *sk, int wake)
{
	const struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 lowat = READ_ONCE(tp->notsent_lowat);
	u32 notsent = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_nxt);

	return !lowat || ((u64)notsent << wake) < lowat;
}

/* Space freed in the send queue: wake writers (as sk_stream_write_space). */
void wren_tcp_write_space(struct sock *sk)
{
	struct socket *sock = sk->sk_socket;
	struct socket_wq *wq;

	if (!sock || !sk_stream_is_writeable(sk))
		return;
	clear_bit(SOCK_NOSPACE, &sock->flags);
	rcu_read_lock();
	wq = rcu_dereference(sk->sk_wq);
	if (skwq_has_sleeper(wq))
		wake_up_interruptible_poll(&wq->wait, EPOLLOUT | EPOLLWRNORM |
					   EPOLLWRBAND);
	if (wq && wq->fasync_list && !(sk->sk_shutdown & SEND_SHUTDOWN))
		sock_wake_async(wq, SOCK_WAKE_SPACE, POLL_OUT);
	rcu_read_unlock();
}

/* ---- setup -------------------------------------------------------------------- */

static void wren_tcp_destruct(struct sock *sk)
{
	__skb_queue_purge(&sk->sk_receive_queue);
	__skb_queue_purge(&sk->sk_error_queue);
	WARN_ON_ONCE(atomic_read(&sk->sk_rmem_alloc));
	WARN_ON_ONCE(sk->sk_wmem_queued);
	WARN_ON_ONCE(!hlist_unhashed(&wren_sk(sk)->port_node));
}

/* The parts of a socket that are the same for a new one and a child. */
static void wren_tcp_init_common(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	tp->tbl = wren_tcp_table(sock_net(sk));
	INIT_HLIST_NODE(&tp->lnode);
	INIT_HLIST_NODE(&tp->ent.node);
	tp->ent.hashed = 0;
	tp->ent.kind = WREN_TCP_ENT_SOCK;
	tp->ooo = RB_ROOT;
	spin_lock_init(&tp->acc_lock);
	INIT_LIST_HEAD(&tp->acc_q);
	INIT_LIST_HEAD(&tp->acc_node);
	INIT_LIST_HEAD(&tp->ackq_node);
	tp->ackq_queued = 0;
	INIT_LIST_HEAD(&tp->tsq_node);
	atomic_set(&tp->tsq_bytes, 0);
	tp->tsq_flags = 0;
	tp->rx_deferred = 0;
	wren_tcp_init_timers(sk);
	wren_tcp_rtt_init(sk);
	tp->snd_cwnd = WREN_TCP_INIT_CWND;
	tp->snd_ssthresh = 0x7fffffff;
	tp->ca_state = WREN_CA_OPEN;
	tp->pmtu = 0;
	tp->mss_cache = WREN_TCP_MSS_DEFAULT;
	tp->rcv_mss = WREN_TCP_MSS_DEFAULT;
	tp->delack_ato = WREN_TCP_DELACK_MIN;
	sk->sk_write_space = wren_tcp_write_space;
	sk->sk_backlog_rcv = wren_tcp_v4_do_rcv;
	sk->sk_destruct = wren_tcp_destruct;
	sock_set_flag(sk, SOCK_RCU_FREE);
}

/* prot->init: a new socket(). */
int wren_tcp_init_sock(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	size_t off = offsetof(struct wren_tcp_sock, ent);

	memset((u8 *)tp + off, 0, sizeof(*tp) - off);
	wren_tcp_init_common(sk);
	if (!tp->tbl)
		return -EAFNOSUPPORT;
	tp->keepidle = WREN_TCP_KEEPIDLE;
	tp->keepintvl = WREN_TCP_KEEPINTVL;
	tp->keepcnt = WREN_TCP_KEEPCNT;
	tp->syn_retries = WREN_TCP_SYN_RETRIES;
	if (!(sk->sk_userlocks & SOCK_SNDBUF_LOCK))
		WRITE_ONCE(sk->sk_sndbuf, WREN_TCP_SNDBUF);
	if (!(sk->sk_userlocks & SOCK_RCVBUF_LOCK))
		WRITE_ONCE(sk->sk_rcvbuf, WREN_TCP_RCVBUF);
	sk->sk_state = TCP_CLOSE;
	return 0;
}

/* A child cloned from a listener: its own state, the listener's settings. */
void wren_tcp_init_child(struct sock *child, struct sock *parent)
{
	struct wren_tcp_sock *ctp = wren_tcp_sk(child);
	const struct wren_tcp_sock *lp = wren_tcp_sk(parent);
	size_t off = offsetof(struct wren_tcp_sock, ent);

	memset((u8 *)ctp + off, 0, sizeof(*ctp) - off);
	INIT_HLIST_NODE(&ctp->ws.port_node);
	wren_tcp_init_common(child);
	ctp->nodelay = lp->nodelay;
	ctp->cork = lp->cork;
	ctp->notsent_lowat = lp->notsent_lowat;
	ctp->defer_accept = lp->defer_accept;
	ctp->user_mss = lp->user_mss;
	ctp->keepidle = lp->keepidle;
	ctp->keepintvl = lp->keepintvl;
	ctp->keepcnt = lp->keepcnt;
	ctp->user_timeout = lp->user_timeout;
	ctp->linger2 = lp->linger2;
	ctp->syn_retries = lp->syn_retries;
	ctp->cong = lp->cong;
	child->sk_state = TCP_CLOSE;
	child->sk_shutdown = 0;
	sock_reset_flag(child, SOCK_DEAD);
}

/* ---- connect --------------------------------------------------------------------- */

static int wren_tcp_v4_connect(struct sock *sk, struct sockaddr *uaddr,
			       int len)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_tw_seed seed;
	struct wren_uaddr ua;
	__be32 daddr;
	int err;

	err = wren_addr_from_user(sk, uaddr, len, WREN_ADDR_CONNECT, &ua);
	if (err)
		return err;
	if (ua.family == AF_UNSPEC)
		return -EAFNOSUPPORT;
	daddr = ua.addr;
	if (!daddr || ipv4_is_multicast(daddr) || ipv4_is_lbcast(daddr) ||
	    !ua.port)
		return daddr ? -ENETUNREACH : -ECONNREFUSED;

	WRITE_ONCE(tp->ws.daddr, daddr);
	WRITE_ONCE(tp->ws.dport, ua.port);
	tp->pmtu = 0;
	tp->advmss = 0;
	err = wren_tcp_route(sk);
	if (err)
		goto fail;
	if (wren_addr_is_broadcast(sock_net(sk), daddr)) {
		err = -ENETUNREACH;
		goto fail;
	}
	if (!tp->ws.saddr) {
		WRITE_ONCE(tp->ws.saddr, tp->fl.saddr);
		if (!tp->ws.rcv_saddr)
			wren_tcp_set_rcv_saddr(sk, tp->fl.saddr);
	}
	err = wren_tcp_hash_connect(sk, &seed);
	if (err)
		goto fail;
	sock_hold(sk);		/* the hash's reference */

	if (seed.valid) {
		/* A time-wait 4-tuple taken over: above its sequence space. */
		tp->iss = seed.iss;
		tp->ts_recent = seed.ts_recent;
		tp->ts_recent_stamp = seed.ts_recent_stamp;
	} else {
		tp->iss = wren_tcp_isn(tp->ws.saddr, daddr, tp->ws.sport,
				       ua.port);
		tp->ts_recent = 0;
		tp->ts_recent_stamp = 0;
	}
	tp->tsoffset = wren_tcp_ts_offset(tp->ws.saddr, daddr);
	tp->ws_ok = 1;
	tp->ts_ok = 1;
	tp->sack_ok = 1;
	tp->rcv_wscale = wren_tcp_choose_wscale(sk);
	tp->snd_wscale = 0;
	tp->peer_mss = 0;
	tp->fin_queued = 0;
	tp->rcv_nxt = 0;
	tp->rcv_wnd = 0;
	tp->rcv_wup = 0;
	wren_tcp_rtt_init(sk);
	wren_tcp_set_state(sk, TCP_SYN_SENT);
	WREN_INC(tp->tbl->wn, Tcp, ActiveOpens);
	err = wren_tcp_send_syn(sk);
	if (err) {
		wren_tcp_set_state(sk, TCP_CLOSE);
		goto fail;
	}
	return 0;

fail:
	WRITE_ONCE(tp->ws.daddr, 0);
	WRITE_ONCE(tp->ws.dport, 0);
	return err;
}

static long wren_tcp_wait_connect(struct sock *sk, long timeo)
{
	DEFINE_WAIT_FUNC(wait, woken_wake_function);

	add_wait_queue(sk_sleep(sk), &wait);
	while ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		release_sock(sk);
		timeo = wait_woken(&wait, TASK_INTERRUPTIBLE, timeo);
		lock_sock(sk);
		if (signal_pending(current) || !timeo)
			break;
	}
	remove_wait_queue(sk_sleep(sk), &wait);
	return timeo;
}

static int wren_tcp_disconnect(struct sock *sk, int flags);

int wren_tcp_connect_op(struct socket *sock, struct sockaddr *uaddr, int len,
			int flags)
{
	struct sock *sk = sock->sk;
	long timeo;
	int err;

	if (len < (int)sizeof(uaddr->sa_family))
		return -EINVAL;
	lock_sock(sk);
	if (uaddr->sa_family == AF_UNSPEC) {
		err = wren_tcp_disconnect(sk, flags);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		goto out;
	}

	switch (sock->state) {
	case SS_CONNECTED:
		err = -EISCONN;
		goto out;
	case SS_CONNECTING:
		if (sk->sk_state == TCP_ESTABLISHED ||
		    sk->sk_state == TCP_CLOSE_WAIT)
			err = -EISCONN;
		else
			err = -EALREADY;
		break;
	case SS_UNCONNECTED:
		err = -EISCONN;
		if (sk->sk_state != TCP_CLOSE)
			goto out;
		err = wren_tcp_v4_connect(sk, uaddr, len);
		if (err)
			goto out;
		sock->state = SS_CONNECTING;
		err = -EINPROGRESS;
		break;
	default:
		err = -EINVAL;
		goto out;
	}

	timeo = sock_sndtimeo(sk, flags & O_NONBLOCK);
	if ((1 << sk->sk_state) & (TCPF_SYN_SENT | TCPF_SYN_RECV)) {
		if (!timeo)
			goto out;
		timeo = wren_tcp_wait_connect(sk, timeo);
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			goto out;
		}
		if (!timeo)
			goto out;	/* SO_SNDTIMEO: EINPROGRESS, as Linux */
	}
	if (sk->sk_state == TCP_CLOSE) {
		err = sock_error(sk) ? : -ECONNABORTED;
		sock->state = SS_UNCONNECTED;
		if (wren_tcp_disconnect(sk, flags))
			sock->state = SS_DISCONNECTING;
		goto out;
	}
	sock->state = SS_CONNECTED;
	err = 0;
out:
	release_sock(sk);
	return err;
}

/* ---- listen / accept ---------------------------------------------------------------- */

int wren_tcp_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int somax = READ_ONCE(sock_net(sk)->core.sysctl_somaxconn);
	int err = -EINVAL;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED)
		goto out;
	if (sk->sk_state != TCP_CLOSE && sk->sk_state != TCP_LISTEN)
		goto out;
	if (backlog < 0)
		backlog = 0;
	backlog = min(backlog, somax);
	WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
	WRITE_ONCE(tp->backlog, backlog);
	if (sk->sk_state != TCP_LISTEN && tp->ws.ghost) {
		/* Listening on no IPv4 port: nothing ever arrives (sock.h). */
		tp->syn_len = 0;
		tp->acc_len = 0;
		sk->sk_shutdown = 0;
		wren_tcp_set_state(sk, TCP_LISTEN);
	} else if (sk->sk_state != TCP_LISTEN) {
		if (!tp->ws.num && wren_tcp_get_port(sk, 0)) {
			err = -EAGAIN;
			goto out;
		}
		/* Bound: may it listen next to the port's other owners? */
		err = wren_tcp_listen_port(sk);
		if (err)
			goto out;
		tp->syn_len = 0;
		tp->acc_len = 0;
		sk->sk_shutdown = 0;
		wren_tcp_set_state(sk, TCP_LISTEN);
		err = wren_tcp_listen_hash(sk);
		if (err) {
			wren_tcp_set_state(sk, TCP_CLOSE);
			goto out;
		}
	}
	err = 0;
out:
	release_sock(sk);
	return err;
}

static struct sock *wren_tcp_accept_dequeue(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk), *ctp = NULL;

	spin_lock_bh(&tp->acc_lock);
	if (!list_empty(&tp->acc_q)) {
		ctp = list_first_entry(&tp->acc_q, struct wren_tcp_sock,
				       acc_node);
		list_del_init(&ctp->acc_node);
		tp->acc_len--;
		ctp->in_accq = 0;
	}
	spin_unlock_bh(&tp->acc_lock);
	return ctp ? &ctp->ws.sk : NULL;
}

static bool wren_tcp_acc_empty(struct sock *sk)
{
	return list_empty_careful(&wren_tcp_sk(sk)->acc_q);
}

int wren_tcp_accept(WREN_ACCEPT_ARGS)
{
	struct sock *sk = sock->sk, *child;
	struct wren_tcp_sock *ctp;
	struct sock *parent;
	long timeo;
	int err;

	lock_sock(sk);
	timeo = sock_rcvtimeo(sk, WREN_ACCEPT_FLAGS & O_NONBLOCK);
	for (;;) {
		DEFINE_WAIT(wait);

		err = -EINVAL;
		if (sk->sk_state != TCP_LISTEN)
			goto out;
		child = wren_tcp_accept_dequeue(sk);
		if (child)
			break;
		err = -EAGAIN;
		if (!timeo)
			goto out;
		err = sock_intr_errno(timeo);
		if (signal_pending(current))
			goto out;
		prepare_to_wait_exclusive(sk_sleep(sk), &wait,
					  TASK_INTERRUPTIBLE);
		release_sock(sk);
		if (wren_tcp_acc_empty(sk))
			timeo = schedule_timeout(timeo);
		lock_sock(sk);
		finish_wait(sk_sleep(sk), &wait);
	}
	release_sock(sk);

	lock_sock(child);
	ctp = wren_tcp_sk(child);
	parent = ctp->parent;
	ctp->parent = NULL;
	sock_graft(child, newsock);
	newsock->state = SS_CONNECTED;
	release_sock(child);
	if (parent)
		sock_put(parent);
	return 0;
out:
	release_sock(sk);
	return err;
}

/* A listener closes: its accepted-but-not-taken children are reset. */
static void wren_tcp_listen_stop(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk), *ctp, *n;
	LIST_HEAD(q);

	wren_tcp_listen_unhash(sk);
	spin_lock_bh(&tp->acc_lock);
	list_splice_init(&tp->acc_q, &q);
	tp->acc_len = 0;
	spin_unlock_bh(&tp->acc_lock);

	list_for_each_entry_safe(ctp, n, &q, acc_node) {
		struct sock *child = &ctp->ws.sk;

		list_del_init(&ctp->acc_node);
		sock_hold(child);
		local_bh_disable();
		bh_lock_sock(child);
		ctp->in_accq = 0;
		if (ctp->parent) {
			ctp->parent = NULL;
			__sock_put(sk);
		}
		sock_set_flag(child, SOCK_DEAD);
		atomic_inc(&tp->tbl->orphans);
		if (child->sk_state != TCP_CLOSE) {
			wren_tcp_send_active_reset(child, GFP_ATOMIC);
			wren_tcp_done(child);
		} else {
			wren_tcp_destroy_sock(child);
		}
		bh_unlock_sock(child);
		local_bh_enable();
		sock_put(child);
	}
}

/* ---- close, shutdown, disconnect --------------------------------------------------------- */

/* The next state after close() or shutdown(SHUT_WR); true: send a FIN. */
static bool wren_tcp_close_state(struct sock *sk)
{
	switch (sk->sk_state) {
	case TCP_ESTABLISHED:
	case TCP_SYN_RECV:
		wren_tcp_set_state(sk, TCP_FIN_WAIT1);
		return true;
	case TCP_CLOSE_WAIT:
		wren_tcp_set_state(sk, TCP_LAST_ACK);
		return true;
	case TCP_SYN_SENT:
		wren_tcp_set_state(sk, TCP_CLOSE);
		return false;
	default:
		return false;
	}
}

static void wren_tcp_shutdown(struct sock *sk, int how)
{
	if (!(how & SEND_SHUTDOWN))
		return;
	if ((1 << sk->sk_state) &
	    (TCPF_ESTABLISHED | TCPF_SYN_SENT | TCPF_SYN_RECV |
	     TCPF_CLOSE_WAIT)) {
		if (wren_tcp_close_state(sk))
			wren_tcp_send_fin(sk);
	}
}

static int wren_tcp_disconnect(struct sock *sk, int flags)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int old = sk->sk_state;

	if (old != TCP_CLOSE)
		wren_tcp_set_state(sk, TCP_CLOSE);
	if (old == TCP_LISTEN) {
		wren_tcp_listen_stop(sk);
	} else if ((1 << old) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT |
				 TCPF_FIN_WAIT1 | TCPF_FIN_WAIT2 |
				 TCPF_SYN_RECV | TCPF_CLOSING |
				 TCPF_LAST_ACK)) {
		wren_tcp_send_active_reset(sk, sk->sk_allocation);
	}
	wren_tcp_clear_timers(sk);
	wren_tcp_write_queue_purge(sk);
	__skb_queue_purge(&sk->sk_receive_queue);
	wren_tcp_ooo_purge(sk);
	/* The port went at TCP_CLOSE unless bound (as Linux's disconnect). */
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		wren_tcp_set_rcv_saddr(sk, 0);
		WRITE_ONCE(tp->ws.saddr, 0);
	}
	WRITE_ONCE(tp->ws.daddr, 0);
	WRITE_ONCE(tp->ws.dport, 0);
	WRITE_ONCE(sk->sk_shutdown, 0);
	sock_reset_flag(sk, SOCK_DONE);
	tp->fin_queued = 0;
	memset(&tp->cnt, 0, sizeof(tp->cnt));
	tp->urg_mode = 0;
	WRITE_ONCE(tp->urg_data, 0);
	tp->snd_cwnd = WREN_TCP_INIT_CWND;
	tp->snd_ssthresh = 0x7fffffff;
	tp->ca_state = WREN_CA_OPEN;
	tp->tlp_high_seq = 0;
	tp->retransmits = 0;
	tp->backoff = 0;
	tp->rtx_start = 0;
	tp->total_retrans = 0;
	tp->ack_pending = WREN_ACK_NONE;
	tp->num_sacks = 0;
	tp->dupacks = 0;
	tp->pmtu = 0;
	tp->advmss = 0;
	tp->cookie = 0;
	wren_tcp_rtt_init(sk);
	WRITE_ONCE(sk->sk_err, 0);
	sk_error_report(sk);
	return 0;
}

static bool wren_tcp_has_unread(struct sock *sk)
{
	return !skb_queue_empty(&sk->sk_receive_queue);
}

static void wren_tcp_close(struct sock *sk, long timeout)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int state;

	lock_sock(sk);
	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);

	if (sk->sk_state == TCP_LISTEN) {
		wren_tcp_set_state(sk, TCP_CLOSE);
		wren_tcp_listen_stop(sk);
		goto adjudge;
	}
	if (wren_tcp_has_unread(sk)) {
		/* RFC 2525 2.17: data unread is lost, the peer must know. */
		WREN_INC(tp->tbl->wn, TcpExt, TCPAbortOnClose);
		wren_tcp_set_state(sk, TCP_CLOSE);
		wren_tcp_send_active_reset(sk, sk->sk_allocation);
	} else if (sock_flag(sk, SOCK_LINGER) && !sk->sk_lingertime) {
		/* Zero linger: abort. */
		WREN_INC(tp->tbl->wn, TcpExt, TCPAbortOnData);
		wren_tcp_disconnect(sk, 0);
	} else if (wren_tcp_close_state(sk)) {
		wren_tcp_send_fin(sk);
	}
	if (timeout)
		sk_stream_wait_close(sk, timeout);

adjudge:
	/* The orphan keeps its port until it is destroyed (or TIME_WAIT's). */
	state = sk->sk_state;
	sock_hold(sk);
	sock_orphan(sk);
	release_sock(sk);

	local_bh_disable();
	bh_lock_sock(sk);
	atomic_inc(&tp->tbl->orphans);
	if (state != TCP_CLOSE && sk->sk_state == TCP_CLOSE)
		goto out;	/* destroyed by the backlog already */
	if (sk->sk_state == TCP_FIN_WAIT2) {
		int tmo = tp->linger2 ? tp->linger2 : WREN_TCP_FIN_TIMEOUT;

		if (tp->linger2 < 0) {
			WREN_INC(tp->tbl->wn, TcpExt, TCPAbortOnLinger);
			wren_tcp_send_active_reset(sk, GFP_ATOMIC);
			wren_tcp_done(sk);
			goto out;
		}
		wren_tcp_reset_keepalive(sk, tmo);
	}
	if (sk->sk_state == TCP_CLOSE)
		wren_tcp_destroy_sock(sk);
out:
	bh_unlock_sock(sk);
	local_bh_enable();
	sock_put(sk);
}

int wren_tcp_shutdown_op(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	how++;	/* SHUT_RD (0) -> RCV_SHUTDOWN (1), ... */
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;
	lock_sock(sk);
	if (sock->state == SS_CONNECTING) {
		if ((1 << sk->sk_state) &
		    (TCPF_SYN_SENT | TCPF_SYN_RECV | TCPF_CLOSE))
			sock->state = SS_DISCONNECTING;
		else
			sock->state = SS_CONNECTED;
	}
	switch (sk->sk_state) {
	case TCP_CLOSE:
		err = -ENOTCONN;
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		break;
	case TCP_LISTEN:
		if (!(how & RCV_SHUTDOWN))
			break;
		fallthrough;
	case TCP_SYN_SENT:
		err = wren_tcp_disconnect(sk, O_NONBLOCK);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		break;
	default:
		WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
		wren_tcp_shutdown(sk, how);
		break;
	}
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

/* ---- sending --------------------------------------------------------------------------- */

/*
 * PSH on the last unsent skb of what sendmsg() queued.  The write queue
 * may be empty by now: what was copied may all have been sent and ACKed
 * while sk_stream_wait_memory() had the socket unlocked.
 */
static void wren_tcp_mark_push(struct sock *sk)
{
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (tail && wren_tcp_sk(sk)->send_head)
		WREN_TCP_CB(tail)->flags |= WREN_TCPHDR_PSH;
}

static int wren_tcp_sendmsg_locked(struct sock *sk, struct msghdr *msg,
				   size_t size)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int flags = msg->msg_flags;
	long timeo = sock_sndtimeo(sk, flags & MSG_DONTWAIT);
	size_t copied = 0;
	int err;

	if (!((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT))) {
		err = sk_stream_wait_connect(sk, &timeo);
		if (err)
			goto do_error;
	}
	sk_clear_bit(SOCKWQ_ASYNC_NOSPACE, sk);

	err = -EPIPE;
	if (sk->sk_err || (sk->sk_shutdown & SEND_SHUTDOWN))
		goto do_error;

	while (msg_data_left(msg)) {
		struct sk_buff *skb = skb_peek_tail(&sk->sk_write_queue);
		u32 goal = wren_tcp_size_goal(tp);
		struct page_frag *pfrag;
		struct wren_tcp_cb *tcb;
		int copy, i;
		bool merge;

		if (!skb || !tp->send_head || skb->len >= goal ||
		    (WREN_TCP_CB(skb)->flags &
		     (WREN_TCPHDR_FIN | WREN_TCPHDR_SYN)) ||
		    skb_headlen(skb) ||
		    (skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS)) {
			/* Above the namespace limit a socket with nothing
			 * queued still gets one skb: no ACK would wake it.
			 */
			if (!sk_stream_memory_free(sk) ||
			    (wren_tcp_over_limit(tp->tbl) &&
			     !skb_queue_empty(&sk->sk_write_queue)))
				goto wait_for_space;
			skb = alloc_skb_fclone(WREN_TCP_MAX_HEADER,
					       sk->sk_allocation);
			if (!skb)
				goto wait_for_space;
			skb_reserve(skb, WREN_TCP_MAX_HEADER);
			memset(skb->cb, 0, sizeof(skb->cb));
			tcb = WREN_TCP_CB(skb);
			tcb->seq = tp->write_seq;
			tcb->end_seq = tp->write_seq;
			tcb->flags = WREN_TCPHDR_ACK;
			wren_tcp_queue_skb(sk, skb);
		}
		tcb = WREN_TCP_CB(skb);

		copy = min_t(size_t, goal - skb->len, msg_data_left(msg));
		pfrag = sk_page_frag(sk);
		if (!sk_page_frag_refill(sk, pfrag))
			goto wait_for_space;
		i = skb_shinfo(skb)->nr_frags;
		merge = skb_can_coalesce(skb, i, pfrag->page, pfrag->offset);
		if (!merge && i >= MAX_SKB_FRAGS) {
			wren_tcp_push(sk, 2);
			continue;
		}
		copy = min_t(int, copy, pfrag->size - pfrag->offset);
		if (copy_page_from_iter(pfrag->page, pfrag->offset, copy,
					&msg->msg_iter) != copy) {
			err = -EFAULT;
			goto do_error;
		}
		if (merge) {
			skb_frag_size_add(&skb_shinfo(skb)->frags[i - 1], copy);
		} else {
			skb_fill_page_desc(skb, i, pfrag->page, pfrag->offset,
					   copy);
			get_page(pfrag->page);
		}
		pfrag->offset += copy;
		skb->len += copy;
		skb->data_len += copy;
		skb->truesize += copy;
		sk_wmem_queued_add(sk, copy);
		atomic_long_add(copy, &tp->tbl->mem);
		tcb->end_seq += copy;
		WRITE_ONCE(tp->write_seq, tp->write_seq + copy);
		copied += copy;
		/* Push each full skb; the rest goes at the end. */
		if (skb->len >= goal)
			wren_tcp_write_xmit(sk, 2);
		continue;

wait_for_space:
		set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		if (copied) {
			wren_tcp_mark_push(sk);
			wren_tcp_push(sk, 1);
		}
		err = sk_stream_wait_memory(sk, &timeo);
		if (err)
			goto do_error;
	}

out:
	if (copied) {
		wren_tcp_mark_push(sk);
		/* MSG_OOB: the last byte sent is urgent (BSD's pointer). */
		if (flags & MSG_OOB) {
			tp->snd_up = tp->write_seq;
			tp->urg_mode = 1;
		}
		wren_tcp_push(sk, (flags & MSG_MORE) ? 2 : 0);
	}
	return copied;

do_error:
	if (copied)
		goto out;
	return sk_stream_error(sk, flags, err);
}

int wren_tcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t size)
{
	struct sock *sk = sock->sk;
	int ret;

	lock_sock(sk);
	ret = wren_tcp_sendmsg_locked(sk, msg, size);
	release_sock(sk);
	return ret;
}

/* ---- receiving ---------------------------------------------------------------------------- */

/* After the user read: send a window update if the window grew a lot. */
static void wren_tcp_cleanup_rbuf(struct sock *sk, int copied)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 mss = tp->rcv_mss ? tp->rcv_mss : tp->advmss;
	bool ack = false;

	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN | TCPF_SYN_SENT))
		return;
	if (tp->ack_pending != WREN_ACK_NONE && copied > 0 &&
	    tp->rcv_unacked >= mss)
		ack = true;
	if (!ack && copied > 0 && !(sk->sk_shutdown & RCV_SHUTDOWN)) {
		s32 now = (s32)(tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);
		u32 space = wren_tcp_window_space(sk);

		if (now < 0)
			now = 0;
		if (space >= 2 * (u32)now && space - now >= mss &&
		    space - now >= 2 * mss)
			ack = true;
	}
	if (ack)
		wren_tcp_send_ack(sk);
}

static int wren_tcp_recvmsg_locked(struct sock *sk, struct msghdr *msg,
				   size_t len, int flags)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 peek_seq = tp->copied_seq, *seq;
	int copied = 0, target, err;
	long timeo;

	if (sk->sk_state == TCP_LISTEN)
		return -ENOTCONN;
	timeo = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	seq = (flags & MSG_PEEK) ? &peek_seq : &tp->copied_seq;

	while ((size_t)copied < len) {
		struct sk_buff *skb, *last = NULL;
		u32 offset = 0;
		bool found = false;
		size_t used;

		/* A read ends at the urgent mark: the mark starts the next. */
		if (unlikely(tp->urg_data) && tp->urg_seq == *seq) {
			if (copied)
				break;
			if (signal_pending(current)) {
				copied = timeo ? sock_intr_errno(timeo) : -EAGAIN;
				break;
			}
		}

		skb_queue_walk(&sk->sk_receive_queue, skb) {
			last = skb;
			offset = *seq - WREN_TCP_CB(skb)->seq;
			if (offset < skb->len) {
				found = true;
				break;
			}
		}
		if (!found) {
			if (copied >= target && !READ_ONCE(sk->sk_backlog.tail))
				break;
			if (copied) {
				if (sk->sk_err || sk->sk_state == TCP_CLOSE ||
				    (sk->sk_shutdown & RCV_SHUTDOWN) || !timeo ||
				    signal_pending(current))
					break;
			} else {
				if (sock_flag(sk, SOCK_DONE))
					break;
				if (sk->sk_err) {
					copied = sock_error(sk);
					break;
				}
				if (sk->sk_shutdown & RCV_SHUTDOWN)
					break;
				if (sk->sk_state == TCP_CLOSE) {
					copied = -ENOTCONN;
					break;
				}
				if (!timeo) {
					copied = -EAGAIN;
					break;
				}
				if (signal_pending(current)) {
					copied = sock_intr_errno(timeo);
					break;
				}
			}
			wren_tcp_cleanup_rbuf(sk, copied);
			if (copied >= target) {
				/* Let the backlog in, then look again. */
				release_sock(sk);
				lock_sock(sk);
			} else {
				sk_wait_data(sk, &timeo, last);
			}
			if ((flags & MSG_PEEK) && peek_seq != tp->copied_seq &&
			    wren_before(peek_seq, tp->copied_seq))
				peek_seq = tp->copied_seq;
			continue;
		}

		used = skb->len - offset;
		if (used > len - copied)
			used = len - copied;
		if (unlikely(tp->urg_data)) {
			u32 urg_off = tp->urg_seq - *seq;

			if (urg_off < used) {
				if (urg_off) {
					used = urg_off;	/* up to the mark */
				} else if (!sock_flag(sk, SOCK_URGINLINE)) {
					/* The urgent byte is not stream data. */
					WRITE_ONCE(*seq, *seq + 1);
					offset++;
					used--;
				}
			}
		}
		if (used) {
			err = skb_copy_datagram_msg(skb, offset, msg, used);
			if (err) {
				if (!copied)
					copied = -EFAULT;
				break;
			}
		}
		WRITE_ONCE(*seq, *seq + used);
		copied += used;
		if (unlikely(tp->urg_data) &&
		    wren_after(tp->copied_seq, tp->urg_seq))
			WRITE_ONCE(tp->urg_data, 0);
		if (!(flags & MSG_PEEK) && offset + used >= skb->len) {
			__skb_unlink(skb, &sk->sk_receive_queue);
			kfree_skb(skb);
		}
	}
	if (copied > 0 && !(flags & MSG_PEEK))
		wren_tcp_cleanup_rbuf(sk, copied);
	return copied;
}

/*
 * recv(MSG_OOB): the urgent byte, once.  Linux's answers: EINVAL when
 * there is none to read (none came, it was read, it is inline, or the
 * stream has passed it), EAGAIN while only its pointer has come.
 */
static int wren_tcp_recv_urg(struct sock *sk, struct msghdr *msg, size_t len,
			     int flags)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u16 urg = tp->urg_data;
	char c = urg & 0xff;

	if (sock_flag(sk, SOCK_URGINLINE) || !urg || urg == WREN_URG_READ)
		return -EINVAL;
	if (sk->sk_state == TCP_CLOSE && !sock_flag(sk, SOCK_DONE))
		return -ENOTCONN;
	if (urg & WREN_URG_VALID) {
		if (!(flags & MSG_PEEK))
			WRITE_ONCE(tp->urg_data, WREN_URG_READ);
		msg->msg_flags |= MSG_OOB;
		if (!len) {
			msg->msg_flags |= MSG_TRUNC;
			return 0;
		}
		if (!(flags & MSG_TRUNC) && memcpy_to_msg(msg, &c, 1))
			return -EFAULT;
		return 1;
	}
	if (sk->sk_state == TCP_CLOSE || (sk->sk_shutdown & RCV_SHUTDOWN))
		return 0;
	return -EAGAIN;
}

int wren_tcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		     int flags)
{
	struct sock *sk = sock->sk;
	int ret;

	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;
	lock_sock(sk);
	if (flags & MSG_OOB)
		ret = wren_tcp_recv_urg(sk, msg, len, flags);
	else
		ret = wren_tcp_recvmsg_locked(sk, msg, len, flags);
	release_sock(sk);
	return ret;
}

/* ---- poll, ioctl, names ---------------------------------------------------------------- */

__poll_t wren_tcp_poll(struct file *file, struct socket *sock,
		       poll_table *wait)
{
	struct sock *sk = sock->sk;
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	__poll_t mask = 0;
	int state, shutdown;

	sock_poll_wait(file, sock, wait);
	/* Pairs with smp_store_release() in wren_tcp_set_state(). */
	state = smp_load_acquire(&sk->sk_state);
	if (state == TCP_LISTEN)
		return wren_tcp_acc_empty(sk) ? 0 : EPOLLIN | EPOLLRDNORM;

	shutdown = READ_ONCE(sk->sk_shutdown);
	if (shutdown == SHUTDOWN_MASK || state == TCP_CLOSE)
		mask |= EPOLLHUP;
	if (shutdown & RCV_SHUTDOWN)
		mask |= EPOLLIN | EPOLLRDNORM | EPOLLRDHUP;

	if (state != TCP_SYN_SENT && state != TCP_SYN_RECV) {
		u16 urg = READ_ONCE(tp->urg_data);
		bool data = !skb_queue_empty_lockless(&sk->sk_receive_queue);

		/* An urgent byte at the mark is not stream data to read. */
		if (data && urg && !sock_flag(sk, SOCK_URGINLINE) &&
		    READ_ONCE(tp->urg_seq) == READ_ONCE(tp->copied_seq)) {
			int avail = READ_ONCE(tp->rcv_nxt) -
				    READ_ONCE(tp->copied_seq);

			if (sock_flag(sk, SOCK_DONE))
				avail--;	/* the FIN's */
			data = avail > 1;
		}
		if (data)
			mask |= EPOLLIN | EPOLLRDNORM;
		if (urg & WREN_URG_VALID)
			mask |= EPOLLPRI;
		if (!(shutdown & SEND_SHUTDOWN)) {
			if (sk_stream_is_writeable(sk)) {
				mask |= EPOLLOUT | EPOLLWRNORM;
			} else {
				sk_set_bit(SOCKWQ_ASYNC_NOSPACE, sk);
				set_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
				/* NOSPACE before the re-check, against
				 * wren_tcp_write_space() (as tcp_poll).
				 */
				smp_mb__after_atomic();
				if (sk_stream_is_writeable(sk))
					mask |= EPOLLOUT | EPOLLWRNORM;
			}
		} else {
			mask |= EPOLLOUT | EPOLLWRNORM;
		}
	}
	/* sk_err is written before the wakeup (as tcp_poll). */
	smp_rmb();
	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;
	return mask;
}

int wren_tcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int answ;

	switch (cmd) {
	case SIOCINQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		lock_sock(sk);
		answ = tp->rcv_nxt - tp->copied_seq;
		if (answ && sock_flag(sk, SOCK_DONE))
			answ--;
		if (sk->sk_state == TCP_SYN_SENT || sk->sk_state == TCP_CLOSE)
			answ = skb_queue_empty(&sk->sk_receive_queue) ? 0 : answ;
		release_sock(sk);
		break;
	case SIOCATMARK:
		/* Is the next byte to read the urgent one? */
		answ = READ_ONCE(tp->urg_data) &&
		       READ_ONCE(tp->urg_seq) == READ_ONCE(tp->copied_seq);
		break;
	case SIOCOUTQ:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		answ = (sk->sk_state == TCP_SYN_SENT) ? 0 :
		       READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
		break;
	case SIOCOUTQNSD:
		if (sk->sk_state == TCP_LISTEN)
			return -EINVAL;
		answ = (sk->sk_state == TCP_SYN_SENT) ? 0 :
		       READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_nxt);
		break;
	default:
		return -ENOIOCTLCMD;
	}
	if (answ < 0)
		answ = 0;
	return put_user(answ, (int __user *)arg);
}

int wren_tcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	struct sock *sk = sock->sk;
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int len;

	lock_sock(sk);
	if (peer) {
		if (!tp->ws.dport ||
		    ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_SYN_SENT) &&
		     peer == 1)) {
			release_sock(sk);
			return -ENOTCONN;
		}
		len = wren_addr_to_user(sk, tp->ws.daddr, tp->ws.dport, uaddr);
	} else {
		len = wren_addr_to_user(sk, tp->ws.rcv_saddr ?: tp->ws.saddr,
					tp->ws.sport ?: tp->ent.lport, uaddr);
	}
	release_sock(sk);
	return len;
}

/* ---- options --------------------------------------------------------------------------- */

static void wren_tcp_keepalive(struct sock *sk, int val)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if ((1 << sk->sk_state) & (TCPF_CLOSE | TCPF_LISTEN))
		return;
	if (val)
		wren_tcp_reset_keepalive(sk, tp->keepidle);
	else
		sk_stop_timer(sk, &sk->sk_timer);
}

static void wren_tcp_fill_info(struct sock *sk, struct wren_tcp_info *i)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	memset(i, 0, sizeof(*i));
	i->state = sk->sk_state;
	i->ca_state = tp->ca_state;
	i->snd_wscale = tp->snd_wscale;
	i->rcv_wscale = tp->rcv_wscale;
	i->options = (tp->ts_ok ? WREN_TCPI_OPT_TIMESTAMPS : 0) |
		     (tp->sack_ok ? WREN_TCPI_OPT_SACK : 0) |
		     (tp->ws_ok ? WREN_TCPI_OPT_WSCALE : 0) |
		     (tp->cookie ? WREN_TCPI_OPT_SYN_COOKIE : 0);
	i->backoff = tp->backoff;
	i->retransmits = tp->retransmits;
	i->rto = jiffies_to_usecs(tp->rto);
	i->rtt = tp->srtt_us >> 3;
	i->rttvar = tp->mdev_us >> 2;
	i->snd_cwnd = tp->snd_cwnd;
	i->snd_ssthresh = tp->snd_ssthresh;
	i->total_retrans = tp->total_retrans;
	i->snd_wnd = tp->snd_wnd;
	i->rcv_wnd = tp->rcv_wnd;
	i->snd_mss = tp->mss_cache;
	i->rcv_mss = tp->rcv_mss;
	i->advmss = tp->advmss;
	i->pmtu = tp->pmtu;
	i->unacked = tp->packets_out;
	i->sacked = tp->sacked_out;
	i->lost = tp->lost_out;
	i->retrans = tp->retrans_out;
	i->notsent_bytes = tp->write_seq - tp->snd_nxt;
	i->unread_bytes = tp->rcv_nxt - tp->copied_seq;
	if (tp->cong)
		strscpy(i->cong, tp->cong->name, sizeof(i->cong));
	i->snd_una = tp->snd_una;
	i->snd_nxt = tp->snd_nxt;
	i->rcv_nxt = tp->rcv_nxt;
}

/* Milliseconds since @then (jiffies), 0 if it never happened. */
static u32 wren_tcp_ms_since(unsigned long then)
{
	return then ? jiffies_to_msecs(jiffies - then) : 0;
}

/*
 * Linux's struct tcp_info, every field wren keeps.  Those it has no
 * counterpart for stay 0: pacing rates, delivery rate and the time
 * limits (wren does not pace or sample delivery), rcv_rtt, reord_seen,
 * delivered and delivered_ce.
 */
static void wren_tcp_fill_linux_info(struct sock *sk, struct tcp_info *li)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_info i;

	wren_tcp_fill_info(sk, &i);
	memset(li, 0, sizeof(*li));
	li->tcpi_probes = tp->probes_out ?: tp->keepalive_probes;
	li->tcpi_ato = jiffies_to_usecs(tp->delack_ato);
	li->tcpi_last_data_sent = wren_tcp_ms_since(tp->lsndtime);
	li->tcpi_last_data_recv = wren_tcp_ms_since(tp->lrcvtime);
	li->tcpi_last_ack_recv = wren_tcp_ms_since(tp->rcv_tstamp);
	li->tcpi_reordering = 3;	/* RFC 5681's DupThresh, wren's fixed */
	li->tcpi_bytes_acked = tp->cnt.bytes_acked;
	li->tcpi_bytes_received = tp->cnt.bytes_received;
	li->tcpi_bytes_sent = tp->cnt.bytes_sent;
	li->tcpi_bytes_retrans = tp->cnt.bytes_retrans;
	li->tcpi_segs_in = tp->cnt.segs_in;
	li->tcpi_segs_out = tp->cnt.segs_out;
	li->tcpi_data_segs_in = tp->cnt.data_segs_in;
	li->tcpi_data_segs_out = tp->cnt.data_segs_out;
	li->tcpi_dsack_dups = tp->cnt.dsack_dups;
	li->tcpi_rcv_ooopack = tp->cnt.rcv_ooopack;
	li->tcpi_min_rtt = tp->cnt.min_rtt_us ?: ~0U;	/* as Linux: none */
	li->tcpi_state = i.state;
	li->tcpi_ca_state = i.ca_state;
	li->tcpi_retransmits = i.retransmits;
	li->tcpi_backoff = i.backoff;
	li->tcpi_options = (i.options & WREN_TCPI_OPT_TIMESTAMPS ?
			    TCPI_OPT_TIMESTAMPS : 0) |
			   (i.options & WREN_TCPI_OPT_SACK ? TCPI_OPT_SACK : 0) |
			   (i.options & WREN_TCPI_OPT_WSCALE ?
			    TCPI_OPT_WSCALE : 0);
	li->tcpi_snd_wscale = i.snd_wscale;
	li->tcpi_rcv_wscale = i.rcv_wscale;
	li->tcpi_rto = i.rto;
	li->tcpi_snd_mss = i.snd_mss;
	li->tcpi_rcv_mss = i.rcv_mss;
	li->tcpi_unacked = i.unacked;
	li->tcpi_sacked = i.sacked;
	li->tcpi_lost = i.lost;
	li->tcpi_retrans = i.retrans;
	li->tcpi_pmtu = i.pmtu;
	li->tcpi_rtt = i.rtt;
	li->tcpi_rttvar = i.rttvar;
	li->tcpi_snd_ssthresh = i.snd_ssthresh;
	li->tcpi_snd_cwnd = i.snd_cwnd;
	li->tcpi_advmss = i.advmss;
	li->tcpi_total_retrans = i.total_retrans;
	li->tcpi_snd_wnd = i.snd_wnd;
	li->tcpi_rcv_space = i.rcv_wnd;
	li->tcpi_notsent_bytes = i.notsent_bytes;
}

/*
 * TCP_DEFER_ACCEPT's seconds as SYN-ACK retransmits and back, as Linux
 * counts them: the first after the initial RTO (1 s), each next one after
 * twice as long, at most WREN_TCP_RTO_MAX apart.
 */
static u8 wren_tcp_secs_to_retrans(int secs)
{
	int gap = 1, waited = 1;
	u8 n = 1;

	if (secs <= 0)
		return 0;
	while (secs > waited && n < 255) {
		n++;
		gap = min_t(int, gap * 2, WREN_TCP_RTO_MAX / HZ);
		waited += gap;
	}
	return n;
}

static int wren_tcp_retrans_to_secs(u8 n)
{
	int gap = 1, waited = n ? 1 : 0;

	while (n-- > 1) {
		gap = min_t(int, gap * 2, WREN_TCP_RTO_MAX / HZ);
		waited += gap;
	}
	return waited;
}

int wren_tcp_setsockopt(struct socket *sock, int level, int optname,
			sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	char name[WREN_CONG_NAME_MAX];
	int val, err = 0;

	if (wren_addr_level(level))
		return wren_addr_setsockopt(sk, level, optname, optval, optlen);
	if (level == SOL_IP)
		return wren_ip_setsockopt(sk, optname, optval, optlen);
	if (level != SOL_TCP)
		return -ENOPROTOOPT;

	if (optname == TCP_CONGESTION) {
		int n = min_t(unsigned int, optlen, sizeof(name) - 1);

		if (n <= 0)
			return -EINVAL;
		if (copy_from_sockptr(name, optval, n))
			return -EFAULT;
		name[n] = 0;
		lock_sock(sk);
		err = wren_tcp_set_cong(sk, name);
		release_sock(sk);
		return err;
	}
	if (optlen < sizeof(int))
		return -EINVAL;
	if (copy_from_sockptr(&val, optval, sizeof(val)))
		return -EFAULT;

	lock_sock(sk);
	switch (optname) {
	case TCP_NODELAY:
		/* Setting it sends what waits, corked or not, as Linux. */
		tp->nodelay = !!val;
		if (val)
			wren_tcp_push(sk, 3);
		break;
	case TCP_CORK:
		/* Uncorking sends what waits, Nagle and TCP_NODELAY deciding
		 * about a short last segment, as Linux's tcp_sock_set_cork().
		 */
		tp->cork = !!val;
		if (!val)
			wren_tcp_push(sk, 0);
		break;
	case TCP_DEFER_ACCEPT:
		tp->defer_accept = wren_tcp_secs_to_retrans(val);
		break;
	case TCP_NOTSENT_LOWAT:
		/* As Linux: any value; a negative one is a large limit. */
		WRITE_ONCE(tp->notsent_lowat, (u32)val);
		sk->sk_write_space(sk);
		break;
	case TCP_MAXSEG:
		if (val && (val < (int)WREN_TCP_MSS_MIN || val > 65535)) {
			err = -EINVAL;
			break;
		}
		tp->user_mss = val;
		break;
	case TCP_KEEPIDLE:
		if (val < 1 || val > 32767) {
			err = -EINVAL;
			break;
		}
		tp->keepidle = val * HZ;
		if (sock_flag(sk, SOCK_KEEPOPEN))
			wren_tcp_keepalive(sk, 1);
		break;
	case TCP_KEEPINTVL:
		if (val < 1 || val > 32767)
			err = -EINVAL;
		else
			tp->keepintvl = val * HZ;
		break;
	case TCP_KEEPCNT:
		if (val < 1 || val > 127)
			err = -EINVAL;
		else
			tp->keepcnt = val;
		break;
	case TCP_USER_TIMEOUT:
		if (val < 0)
			err = -EINVAL;
		else
			tp->user_timeout = val;
		break;
	case TCP_LINGER2:
		if (val < 0)
			tp->linger2 = -1;
		else
			tp->linger2 = min(val, 120) * HZ;
		break;
	case TCP_SYNCNT:
		if (val < 1 || val > 127)
			err = -EINVAL;
		else
			tp->syn_retries = val;
		break;
	case TCP_QUICKACK:
		if (val)
			tp->quickack = WREN_TCP_QUICKACKS;
		if (val && tp->ack_pending != WREN_ACK_NONE)
			wren_tcp_send_ack(sk);
		break;
	default:
		err = -ENOPROTOOPT;
	}
	release_sock(sk);
	return err;
}

int wren_tcp_getsockopt(struct socket *sock, int level, int optname,
			char __user *optval, int __user *optlen)
{
	struct sock *sk = sock->sk;
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int val, len;

	if (wren_addr_level(level))
		return wren_addr_getsockopt(sk, level, optname, optval, optlen);
	if (level == SOL_IP)
		return wren_ip_getsockopt(sk, optname, optval, optlen);
	if (level != SOL_TCP)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;

	switch (optname) {
	case WREN_TCP_INFO: {
		struct wren_tcp_info i;

		lock_sock(sk);
		wren_tcp_fill_info(sk, &i);
		release_sock(sk);
		len = min_t(unsigned int, len, sizeof(i));
		if (put_user(len, optlen) || copy_to_user(optval, &i, len))
			return -EFAULT;
		return 0;
	}
	case TCP_INFO: {
		struct tcp_info li;

		lock_sock(sk);
		wren_tcp_fill_linux_info(sk, &li);
		release_sock(sk);
		len = min_t(unsigned int, len, sizeof(li));
		if (put_user(len, optlen) || copy_to_user(optval, &li, len))
			return -EFAULT;
		return 0;
	}
	case TCP_CONGESTION: {
		char name[WREN_CONG_NAME_MAX] = {};

		lock_sock(sk);
		if (tp->cong)
			strscpy(name, tp->cong->name, sizeof(name));
		else
			strscpy(name, wren_net(sock_net(sk))->tcp_cong,
				sizeof(name));
		release_sock(sk);
		len = min_t(unsigned int, len, WREN_CONG_NAME_MAX);
		if (put_user(len, optlen) || copy_to_user(optval, name, len))
			return -EFAULT;
		return 0;
	}
	case TCP_NODELAY:
		val = tp->nodelay;
		break;
	case TCP_CORK:
		val = tp->cork;
		break;
	case TCP_NOTSENT_LOWAT:
		val = READ_ONCE(tp->notsent_lowat);
		break;
	case TCP_DEFER_ACCEPT:
		val = wren_tcp_retrans_to_secs(READ_ONCE(tp->defer_accept));
		break;
	case TCP_MAXSEG:
		val = tp->mss_cache;
		if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
			val = tp->user_mss ? tp->user_mss : WREN_TCP_MSS_DEFAULT;
		break;
	case TCP_KEEPIDLE:
		val = tp->keepidle / HZ;
		break;
	case TCP_KEEPINTVL:
		val = tp->keepintvl / HZ;
		break;
	case TCP_KEEPCNT:
		val = tp->keepcnt;
		break;
	case TCP_USER_TIMEOUT:
		val = tp->user_timeout;
		break;
	case TCP_LINGER2:
		val = tp->linger2 < 0 ? -1 : tp->linger2 / HZ;
		break;
	case TCP_SYNCNT:
		val = tp->syn_retries;
		break;
	case TCP_QUICKACK:
		val = !!tp->quickack;
		break;
	default:
		return -ENOPROTOOPT;
	}
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

/* ---- the protocol ----------------------------------------------------------------------- */

struct proto wren_tcp_prot = {
	.name		= "WREN_TCP",
	.owner		= THIS_MODULE,
	.init		= wren_tcp_init_sock,
	.close		= wren_tcp_close,
	.disconnect	= wren_tcp_disconnect,
	.keepalive	= wren_tcp_keepalive,
	.stream_memory_free = wren_tcp_stream_memory_free,
	.backlog_rcv	= wren_tcp_v4_do_rcv,
	.release_cb	= wren_tcp_release_cb,
	.get_port	= wren_tcp_get_port,
	.obj_size	= sizeof(struct wren_tcp_sock),
};

/* ---- module and namespace glue ------------------------------------------------------------ */

int wren_tcp_init(void)
{
	int err;

	err = wren_tcp_hash_init();
	if (err)
		return err;
	wren_tcp_ackq_init();
	return wren_tcp_cong_init();
}

void wren_tcp_exit(void)
{
	wren_tcp_ackq_exit();
	wren_tcp_cong_exit();
	wren_tcp_hash_exit();
}

int wren_tcp_set_default_cong(struct wren_net *wn, const char *name)
{
	if (!wren_tcp_cong_find(name))
		return -ENOENT;
	strscpy(wn->tcp_cong, name, sizeof(wn->tcp_cong));
	return 0;
}

int wren_tcp_set_msl(struct wren_net *wn, u32 msl_ms)
{
	if (!msl_ms || msl_ms > 600 * 1000)
		return -EINVAL;
	WRITE_ONCE(wn->tcp_msl_ms, msl_ms);
	return 0;
}

int wren_tcp_set_retries2(struct wren_net *wn, u32 retries)
{
	if (!retries || retries > 255)
		return -EINVAL;
	WRITE_ONCE(wn->tcp_retries2, retries);
	return 0;
}
