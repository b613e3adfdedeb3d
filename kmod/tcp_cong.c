// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: the congestion-control interface (struct wren_tcp_cong_ops),
 * its registry, and NewReno (RFC 5681 slow start and congestion
 * avoidance; the fast-recovery part is in tcp_input.c).
 *
 * Algorithms register by name.  A socket picks one at connect or accept:
 * TCP_CONGESTION if set, else its namespace's default (wn->tcp_cong, set
 * through WREN_A_SET_TCP_CONG; CUBIC unless changed).  The registry is a
 * list read under RCU and changed under wren_cong_lock.
 */
#include <linux/module.h>
#include <linux/rculist.h>
#include "tcp.h"

#define WREN_TCP_CWND_MAX	BIT(20)

static LIST_HEAD(wren_cong_list);
static DEFINE_SPINLOCK(wren_cong_lock);

/* RCU held or the registry lock. */
static struct wren_tcp_cong_ops *__wren_tcp_cong_find(const char *name)
{
	struct wren_tcp_cong_ops *ops;

	list_for_each_entry_rcu(ops, &wren_cong_list, list,
				lockdep_is_held(&wren_cong_lock))
		if (!strcmp(ops->name, name))
			return ops;
	return NULL;
}

bool wren_tcp_cong_find(const char *name)
{
	bool found;

	rcu_read_lock();
	found = __wren_tcp_cong_find(name);
	rcu_read_unlock();
	return found;
}

int wren_tcp_register_cong(struct wren_tcp_cong_ops *ops)
{
	int err = 0;

	if (!ops->ssthresh || !ops->cong_avoid || !ops->name[0])
		return -EINVAL;
	spin_lock(&wren_cong_lock);
	if (__wren_tcp_cong_find(ops->name))
		err = -EEXIST;
	else
		list_add_tail_rcu(&ops->list, &wren_cong_list);
	spin_unlock(&wren_cong_lock);
	return err;
}

void wren_tcp_unregister_cong(struct wren_tcp_cong_ops *ops)
{
	spin_lock(&wren_cong_lock);
	list_del_rcu(&ops->list);
	spin_unlock(&wren_cong_lock);
	synchronize_rcu();
}

static void wren_tcp_cong_start(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	memset(tp->cong_priv, 0, sizeof(tp->cong_priv));
	if (tp->cong->init)
		tp->cong->init(sk);
}

/* Socket locked: the algorithm of a connection that has just opened. */
void wren_tcp_init_cong(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (!tp->cong) {
		struct wren_tcp_cong_ops *ops;

		rcu_read_lock();
		ops = __wren_tcp_cong_find(wren_net(sock_net(sk))->tcp_cong);
		rcu_read_unlock();
		tp->cong = ops ? ops : &wren_tcp_cubic;
	}
	wren_tcp_cong_start(sk);
}

void wren_tcp_cleanup_cong(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (tp->cong && tp->cong->release)
		tp->cong->release(sk);
}

int wren_tcp_set_cong(struct sock *sk, const char *name)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cong_ops *ops;
	bool running = (1 << sk->sk_state) &
		       ~(TCPF_CLOSE | TCPF_LISTEN | TCPF_SYN_SENT);

	rcu_read_lock();
	ops = __wren_tcp_cong_find(name);
	rcu_read_unlock();
	if (!ops)
		return -ENOENT;
	if (running && tp->cong)
		wren_tcp_cleanup_cong(sk);
	tp->cong = ops;
	if (running)
		wren_tcp_cong_start(sk);
	return 0;
}

/* ---- NewReno pieces ---------------------------------------------------------- */

/* RFC 5681 3.1: cwnd += acked, up to ssthresh; the rest is left in acked. */
void wren_tcp_slow_start(struct sock *sk, u32 *acked)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 cwnd = min(tp->snd_cwnd + *acked, tp->snd_ssthresh);

	*acked -= cwnd - tp->snd_cwnd;
	tp->snd_cwnd = min(cwnd, WREN_TCP_CWND_MAX);
}

/* Additive increase: one segment per w segments acknowledged. */
void wren_tcp_cong_avoid_ai(struct sock *sk, u32 w, u32 acked)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (tp->snd_cwnd_cnt >= w) {
		tp->snd_cwnd_cnt = 0;
		tp->snd_cwnd++;
	}
	tp->snd_cwnd_cnt += acked;
	if (tp->snd_cwnd_cnt >= w) {
		u32 delta = tp->snd_cwnd_cnt / w;

		tp->snd_cwnd_cnt -= delta * w;
		tp->snd_cwnd += delta;
	}
	tp->snd_cwnd = min(tp->snd_cwnd, WREN_TCP_CWND_MAX);
}

/* RFC 5681 (4): ssthresh = max(FlightSize / 2, 2 * SMSS), in segments. */
u32 wren_tcp_reno_ssthresh(struct sock *sk)
{
	return max(wren_tcp_sk(sk)->snd_cwnd >> 1, 2U);
}

static void wren_tcp_reno_cong_avoid(struct sock *sk, u32 ack, u32 acked)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (wren_tcp_in_slow_start(tp)) {
		wren_tcp_slow_start(sk, &acked);
		if (!acked)
			return;
	}
	wren_tcp_cong_avoid_ai(sk, tp->snd_cwnd, acked);
}

struct wren_tcp_cong_ops wren_tcp_reno = {
	.name		= "reno",
	.owner		= THIS_MODULE,
	.ssthresh	= wren_tcp_reno_ssthresh,
	.cong_avoid	= wren_tcp_reno_cong_avoid,
};

int wren_tcp_cong_init(void)
{
	int err;

	err = wren_tcp_register_cong(&wren_tcp_reno);
	if (err)
		return err;
	err = wren_tcp_register_cong(&wren_tcp_cubic);
	if (err)
		wren_tcp_unregister_cong(&wren_tcp_reno);
	return err;
}

void wren_tcp_cong_exit(void)
{
	wren_tcp_unregister_cong(&wren_tcp_cubic);
	wren_tcp_unregister_cong(&wren_tcp_reno);
}
