// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: passive opens and TIME_WAIT.
 *
 * A SYN to a listener creates a child socket at once (a clone of the
 * listener) in SYN_RECV, hashed in ehash and counted in the listener's
 * SYN queue (syn_len); when its handshake completes it moves to the
 * accept queue.  Both queues are bounded by the listen backlog.  When the
 * SYN queue is full, the listener answers with a SYN cookie instead and
 * keeps nothing; the cookie's ACK creates the child then.
 *
 * Cookie layout (the SYN-ACK's ISN): bits 31..7 a keyed hash of the
 * 4-tuple, the peer's ISN and a minute counter; bits 6..2 the counter's
 * low 5 bits; bits 1..0 an index into an MSS table.  Valid for 2 minutes.
 * Cookie connections have no window scaling, timestamps or SACK.
 *
 * A connection entering TIME_WAIT leaves a small struct wren_tcp_tw in its
 * place in ehash for 2 MSL (the namespace's MSL), answering retransmitted
 * FINs, and gives way to a new SYN with higher sequence or timestamp.
 */
#include <net/ip.h>
#include "tcp.h"

static const u16 wren_tcp_cookie_mss[] = { 536, 1300, 1440, 1460 };

/* Our window scale: enough for the largest receive buffer we may get. */
u8 wren_tcp_choose_wscale(const struct sock *sk)
{
	u32 space = max_t(u32, READ_ONCE(sk->sk_rcvbuf), 4 << 20);
	u8 ws = 0;

	while (space > 65535 && ws < WREN_TCP_MAX_WSCALE) {
		space >>= 1;
		ws++;
	}
	return ws;
}

/* Undo a child that never became visible (bh-locked, two references). */
static void wren_tcp_child_abort(struct sock *child)
	__releases(&child->sk_lock.slock)
{
	struct wren_tcp_sock *ctp = wren_tcp_sk(child);

	wren_tcp_put_port(child);
	child->sk_state = TCP_CLOSE;
	sock_set_flag(child, SOCK_DEAD);
	if (ctp->parent) {
		sock_put(ctp->parent);
		ctp->parent = NULL;
	}
	bh_unlock_sock(child);
	sock_put(child);
	sock_put(child);
}

/* Fill a fresh child from the listener and the segment. */
static int wren_tcp_child_setup(struct sock *lsk, struct sock *child,
				struct sk_buff *skb)
{
	struct wren_tcp_sock *ctp = wren_tcp_sk(child);
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);

	wren_sock_clone_lockdep(child);
	wren_tcp_init_child(child, lsk);
	memset(&ctp->cnt, 0, sizeof(ctp->cnt));
	ctp->ws.rcv_saddr = iph->daddr;
	ctp->ws.saddr = iph->daddr;
	ctp->ws.daddr = iph->saddr;
	ctp->ws.dport = th->source;
	ctp->ws.sport = th->dest;
	ctp->ws.num = ntohs(th->dest);
	ctp->ent.laddr = iph->daddr;
	ctp->ent.lport = th->dest;
	ctp->ent.raddr = iph->saddr;
	ctp->ent.rport = th->source;
	ctp->ent.kind = WREN_TCP_ENT_SOCK;
	if (wren_tcp_route(child))
		return -ENETUNREACH;
	/* The child owns the listener's port too (Linux's inherit_port). */
	if (wren_tcp_inherit_port(child, lsk))
		return -EADDRINUSE;

	ctp->irs = tcb->seq;
	ctp->rcv_nxt = tcb->seq + 1;
	ctp->copied_seq = ctp->rcv_nxt;
	ctp->rcv_wup = ctp->rcv_nxt;
	ctp->snd_wnd = tcb->window;
	ctp->max_window = ctp->snd_wnd;
	ctp->snd_wl1 = tcb->seq;
	ctp->lrcvtime = jiffies;
	ctp->rcv_tstamp = jiffies;
	ctp->parent = lsk;
	sock_hold(lsk);
	return 0;
}

/* Hash the child and count it in the listener's SYN queue. */
static int wren_tcp_child_hash(struct sock *lsk, struct sock *child)
{
	struct wren_tcp_sock *lp = wren_tcp_sk(lsk);
	struct wren_tcp_sock *ctp = wren_tcp_sk(child);

	wren_tcp_set_state(child, TCP_SYN_RECV);
	if (wren_tcp_ehash_add(lp->tbl, &ctp->ent))
		return -EADDRINUSE;
	sock_hold(child);	/* the hash's reference */
	spin_lock_bh(&lp->acc_lock);
	lp->syn_len++;
	ctp->in_synq = 1;
	spin_unlock_bh(&lp->acc_lock);
	return 0;
}

static void wren_tcp_send_cookie(struct sock *lsk, struct sk_buff *skb,
				 const struct wren_tcp_opts *o)
{
	const struct tcphdr *th = tcp_hdr(skb);
	const struct iphdr *iph = ip_hdr(skb);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	u32 count = (u32)(jiffies / (60 * HZ));
	u16 peer = o->mss ? o->mss : WREN_TCP_MSS_DEFAULT;
	u32 idx = 0, h, cookie;

	while (idx + 1 < ARRAY_SIZE(wren_tcp_cookie_mss) &&
	       wren_tcp_cookie_mss[idx + 1] <= peer)
		idx++;
	h = wren_tcp_cookie_hash(iph->daddr, iph->saddr, th->dest, th->source,
				 tcb->seq, count);
	cookie = (h & ~0x7fU) | ((count & 0x1f) << 2) | idx;
	wren_tcp_send_synack_cookie(sock_net(lsk), skb, cookie, tcb->seq + 1,
				    1460);
}

void wren_tcp_conn_request(struct sock *lsk, struct sk_buff *skb)
{
	struct wren_tcp_sock *lp = wren_tcp_sk(lsk);
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	struct wren_tcp_sock *ctp;
	struct wren_tcp_opts o;
	struct sock *child;
	u32 backlog = max_t(u32, READ_ONCE(lp->backlog), 1);
	bool full_acc, full_syn;

	spin_lock_bh(&lp->acc_lock);
	full_acc = lp->acc_len > backlog;
	full_syn = lp->syn_len >= backlog;
	spin_unlock_bh(&lp->acc_lock);
	if (READ_ONCE(lsk->sk_state) != TCP_LISTEN || full_acc) {
		if (full_acc)
			WREN_INC(lp->tbl->wn, TcpExt, ListenOverflows);
		WREN_INC(lp->tbl->wn, TcpExt, ListenDrops);
		wren_tcp_drop_mark(lp->tbl->wn, skb, WREN_DROP_TCP_BACKLOG);
		return;
	}
	wren_tcp_parse_options(th, &o, true);
	if (full_syn) {
		WREN_INC(lp->tbl->wn, TcpExt, SyncookiesSent);
		wren_tcp_send_cookie(lsk, skb, &o);
		return;
	}

	child = sk_clone_lock(lsk, GFP_ATOMIC);
	if (!child) {
		wren_tcp_drop_mark(lp->tbl->wn, skb, WREN_DROP_NOMEM);
		return;
	}
	__acquire(&child->sk_lock.slock);	/* sk_clone_lock() took it */
	ctp = wren_tcp_sk(child);
	if (wren_tcp_child_setup(lsk, child, skb))
		goto abort;

	/* Negotiate: we offer everything the peer offered. */
	ctp->ws_ok = 1;
	ctp->ts_ok = 1;
	ctp->sack_ok = 1;
	ctp->rcv_wscale = wren_tcp_choose_wscale(child);
	wren_tcp_apply_syn_opts(child, &o);
	ctp->iss = wren_tcp_isn(iph->daddr, iph->saddr, th->dest, th->source);
	ctp->tsoffset = wren_tcp_ts_offset(iph->daddr, iph->saddr);
	wren_tcp_sync_mss(child, ctp->pmtu);

	if (wren_tcp_child_hash(lsk, child))
		goto abort;
	WREN_INC(lp->tbl->wn, Tcp, PassiveOpens);
	wren_tcp_send_synack(child);
	bh_unlock_sock(child);
	sock_put(child);
	return;

abort:
	wren_tcp_child_abort(child);
}

struct sock *wren_tcp_cookie_check(struct sock *lsk, struct sk_buff *skb,
				   bool *valid)
{
	struct wren_tcp_sock *lp = wren_tcp_sk(lsk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	const struct iphdr *iph = ip_hdr(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	u32 cookie = tcb->ack_seq - 1, peer_isn = tcb->seq - 1;
	u32 now = (u32)(jiffies / (60 * HZ)), count, h;
	struct wren_tcp_sock *ctp;
	struct sock *child;
	bool full;

	count = now - ((now - ((cookie >> 2) & 0x1f)) & 0x1f);
	if (now - count > 2)
		return NULL;
	h = wren_tcp_cookie_hash(iph->daddr, iph->saddr, th->dest, th->source,
				 peer_isn, count);
	*valid = false;
	if ((h ^ cookie) & ~0x7fU)
		return NULL;
	*valid = true;

	spin_lock_bh(&lp->acc_lock);
	full = lp->acc_len > max_t(u32, READ_ONCE(lp->backlog), 1);
	spin_unlock_bh(&lp->acc_lock);
	if (full || READ_ONCE(lsk->sk_state) != TCP_LISTEN)
		return NULL;

	child = sk_clone_lock(lsk, GFP_ATOMIC);
	if (!child)
		return NULL;
	__acquire(&child->sk_lock.slock);	/* sk_clone_lock() took it */
	ctp = wren_tcp_sk(child);
	if (wren_tcp_child_setup(lsk, child, skb))
		goto abort;
	/* The SYN is behind us: the segment carries the next sequence. */
	ctp->irs = peer_isn;
	ctp->rcv_nxt = tcb->seq;
	ctp->copied_seq = ctp->rcv_nxt;
	ctp->rcv_wup = ctp->rcv_nxt;
	ctp->iss = cookie;
	ctp->snd_una = cookie;
	ctp->snd_nxt = cookie + 1;
	ctp->write_seq = cookie + 1;
	ctp->ws_ok = 0;
	ctp->ts_ok = 0;
	ctp->sack_ok = 0;
	ctp->rcv_wscale = 0;
	ctp->snd_wscale = 0;
	ctp->cookie = 1;
	ctp->peer_mss = wren_tcp_cookie_mss[cookie & 3];
	ctp->fin_queued = 0;
	wren_tcp_sync_mss(child, ctp->pmtu);
	if (wren_tcp_child_hash(lsk, child))
		goto abort;
	WREN_INC(lp->tbl->wn, Tcp, PassiveOpens);
	__release(&child->sk_lock.slock);	/* the caller unlocks it */
	return child;

abort:
	wren_tcp_child_abort(child);
	return NULL;
}

/* The child's handshake completed: on to the accept queue. */
void wren_tcp_child_established(struct sock *sk, struct sk_buff *skb)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sock *lsk = tp->parent;
	struct wren_tcp_sock *lp = wren_tcp_sk(lsk);
	bool gone, full;

	spin_lock_bh(&lp->acc_lock);
	gone = READ_ONCE(lsk->sk_state) != TCP_LISTEN;
	full = lp->acc_len > max_t(u32, READ_ONCE(lp->backlog), 1);
	if (!gone && !full) {
		if (tp->in_synq) {
			lp->syn_len--;
			tp->in_synq = 0;
		}
		list_add_tail(&tp->acc_node, &lp->acc_q);
		lp->acc_len++;
		tp->in_accq = 1;
	}
	spin_unlock_bh(&lp->acc_lock);

	if (gone) {
		wren_tcp_send_active_reset(sk, GFP_ATOMIC);
		wren_tcp_child_drop(sk);
		return;
	}
	if (full) {
		/* Drop the ACK; our SYN-ACK retransmission brings another. */
		WREN_INC(lp->tbl->wn, TcpExt, ListenOverflows);
		WREN_INC(lp->tbl->wn, TcpExt, ListenDrops);
		wren_tcp_drop_mark(lp->tbl->wn, skb, WREN_DROP_TCP_BACKLOG);
		wren_tcp_set_state(sk, TCP_SYN_RECV);
		return;
	}
	lsk->sk_data_ready(lsk);
}

/* Drop a child that has no user (SYN_RECV failure, listener closing). */
void wren_tcp_child_drop(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sock *lsk = tp->parent;

	if (lsk) {
		struct wren_tcp_sock *lp = wren_tcp_sk(lsk);

		spin_lock_bh(&lp->acc_lock);
		if (tp->in_synq) {
			lp->syn_len--;
			tp->in_synq = 0;
		}
		if (tp->in_accq) {
			list_del_init(&tp->acc_node);
			lp->acc_len--;
			tp->in_accq = 0;
		}
		spin_unlock_bh(&lp->acc_lock);
		tp->parent = NULL;
		sock_put(lsk);
	}
	sock_set_flag(sk, SOCK_DEAD);
	atomic_inc(&tp->tbl->orphans);
	wren_tcp_done(sk);
}

/* ---- TIME_WAIT ------------------------------------------------------------- */

void wren_tcp_time_wait(struct sock *sk, int state, int timeo)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_table *t = tp->tbl;
	unsigned long tmo = timeo ? timeo :
		msecs_to_jiffies(2 * READ_ONCE(t->wn->tcp_msl_ms));
	struct wren_tcp_tw *tw;

	tw = kzalloc(sizeof(*tw), GFP_ATOMIC);
	if (tw && tp->ent.hashed) {
		tw->ent.laddr = tp->ent.laddr;
		tw->ent.lport = tp->ent.lport;
		tw->ent.raddr = tp->ent.raddr;
		tw->ent.rport = tp->ent.rport;
		tw->ent.kind = WREN_TCP_ENT_TW;
		refcount_set(&tw->refcnt, 1);
		tw->tbl = t;
		spin_lock_init(&tw->lock);
		timer_setup(&tw->timer, wren_tcp_tw_timer, 0);
		tw->snd_nxt = tp->snd_nxt;
		tw->rcv_nxt = tp->rcv_nxt;
		tw->rcv_wnd = tp->rcv_wnd;
		tw->rcv_wscale = tp->rcv_wscale;
		tw->ts_ok = tp->ts_ok;
		tw->ts_recent = tp->ts_recent;
		tw->ts_recent_stamp = tp->ts_recent_stamp;
		tw->tsoffset = tp->tsoffset;
		tw->substate = state;
		tw->uid = sock_i_uid(sk);
		tw->reuse = sk->sk_reuse;
		tw->reuseport = sk->sk_reuseport;
		tw->ent.dif = READ_ONCE(sk->sk_bound_dev_if);
		/* Owner of the port before anyone can find (and kill) it. */
		wren_tcp_tw_bind(tw, sk);
		atomic_inc(&t->tw_count);
		wren_tcp_ehash_replace(t, &tp->ent, tw, jiffies + tmo);
		__sock_put(sk);		/* the hash's reference */
	} else {
		kfree(tw);
	}
	wren_tcp_done(sk);
}

/*
 * The end of a time-wait entry, by whoever stopped its timer (or by the
 * timer): out of ehash, out of its port's owners, uncounted.
 */
void wren_tcp_tw_unlink(struct wren_tcp_tw *tw)
{
	wren_tcp_ehash_del(tw->tbl, &tw->ent);
	wren_tcp_tw_unbind(tw);
	atomic_dec(&tw->tbl->tw_count);
}

static void wren_tcp_tw_kill(struct wren_tcp_tw *tw)
{
	if (del_timer(&tw->timer)) {
		wren_tcp_tw_unlink(tw);
		wren_tcp_tw_put(tw);
	}
}

static void wren_tcp_tw_ack(struct wren_tcp_tw *tw, struct sk_buff *skb)
{
	struct net *net = tw->tbl->wn->net;

	wren_tcp_send_ack_reply(net, skb, tw->snd_nxt, tw->rcv_nxt,
				tw->rcv_wnd >> tw->rcv_wscale,
				wren_tcp_clock_ms() + tw->tsoffset,
				tw->ts_recent, tw->ts_ok);
}

/* RFC 9293 3.10.7.4 in TIME_WAIT (and RFC 6191 for a new SYN). */
bool wren_tcp_tw_rcv(struct wren_tcp_tw *tw, struct sk_buff *skb)
{
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	const struct tcphdr *th = tcp_hdr(skb);
	u8 flags = tcb->flags;
	struct wren_tcp_opts o;
	bool newer_ts;

	wren_tcp_parse_options(th, &o, flags & WREN_TCPHDR_SYN);
	spin_lock(&tw->lock);
	newer_ts = tw->ts_ok && o.saw_ts &&
		   (s32)(o.tsval - tw->ts_recent) > 0;

	if (tw->ts_ok && o.saw_ts && !(flags & WREN_TCPHDR_RST) &&
	    (s32)(o.tsval - tw->ts_recent) < 0) {
		/* PAWS: an old duplicate. */
		wren_tcp_tw_ack(tw, skb);
		goto drop;
	}
	if (flags & WREN_TCPHDR_RST) {
		if (tcb->seq == tw->rcv_nxt)
			wren_tcp_tw_kill(tw);
		goto drop;
	}
	if ((flags & WREN_TCPHDR_SYN) && !(flags & WREN_TCPHDR_ACK) &&
	    (newer_ts || wren_after(tcb->seq, tw->rcv_nxt))) {
		spin_unlock(&tw->lock);
		wren_tcp_tw_kill(tw);
		return true;
	}
	if (o.saw_ts && tw->ts_ok && newer_ts) {
		tw->ts_recent = o.tsval;
		tw->ts_recent_stamp = (u32)ktime_get_seconds();
	}
	if ((flags & WREN_TCPHDR_FIN) && tcb->end_seq == tw->rcv_nxt) {
		/* The peer lost our last ACK: again, and 2 MSL again. */
		wren_tcp_tw_ack(tw, skb);
		mod_timer_pending(&tw->timer, jiffies +
			msecs_to_jiffies(2 * READ_ONCE(tw->tbl->wn->tcp_msl_ms)));
		goto drop;
	}
	if (tcb->end_seq != tcb->seq || tcb->seq != tw->rcv_nxt ||
	    (flags & WREN_TCPHDR_SYN))
		wren_tcp_tw_ack(tw, skb);
drop:
	spin_unlock(&tw->lock);
	wren_consume(tw->tbl->wn, skb);
	return false;
}

/* Namespace exit: every time-wait entry goes now. */
void wren_tcp_tw_purge(struct wren_tcp_table *t)
{
	unsigned int i;

	for (i = 0; i <= t->ehash_mask; i++) {
		struct wren_tcp_ent *e;
		struct wren_tcp_tw *tw;
again:
		tw = NULL;
		rcu_read_lock();
		hlist_for_each_entry_rcu(e, &t->ehash[i], node) {
			if (e->kind != WREN_TCP_ENT_TW)
				continue;
			tw = (struct wren_tcp_tw *)e;
			if (refcount_inc_not_zero(&tw->refcnt))
				break;
			tw = NULL;
		}
		rcu_read_unlock();
		if (!tw)
			continue;
		if (del_timer_sync(&tw->timer)) {
			wren_tcp_tw_unlink(tw);
			wren_tcp_tw_put(tw);
		}
		wren_tcp_tw_put(tw);
		goto again;
	}
}
