// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: /proc/net/wren/tcp, in the format of /proc/net/tcp.
 *
 * Listening sockets first, then the established hash (connections and
 * time-wait entries), read under RCU without socket locks: a line is a
 * snapshot that may be slightly stale, never a freed object.
 */
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include "tcp.h"

struct wren_tcp_seq {
	struct wren_tcp_table	*t;
};

/* Call fn on the pos'th entry; returns it, or NULL past the end. */
static void *wren_tcp_seq_idx(struct wren_tcp_table *t, loff_t pos)
{
	struct wren_tcp_sock *tp;
	struct wren_tcp_ent *e;
	unsigned int i;

	for (i = 0; i < WREN_TCP_LHASH_SIZE; i++)
		hlist_for_each_entry_rcu(tp, &t->lhash[i], lnode)
			if (pos-- == 0)
				return &tp->lnode;
	for (i = 0; i <= t->ehash_mask; i++)
		hlist_for_each_entry_rcu(e, &t->ehash[i], node)
			if (pos-- == 0)
				return e;
	return NULL;
}

static void *wren_tcp_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct wren_tcp_seq *st = seq->private;

	st->t = pde_data(file_inode(seq->file));
	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	return wren_tcp_seq_idx(st->t, *pos - 1);
}

static void *wren_tcp_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct wren_tcp_seq *st = seq->private;

	++*pos;
	return wren_tcp_seq_idx(st->t, *pos - 1);
}

static void wren_tcp_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static bool wren_tcp_is_listen_node(struct wren_tcp_table *t, void *v)
{
	struct wren_tcp_sock *tp;
	unsigned int i;

	for (i = 0; i < WREN_TCP_LHASH_SIZE; i++)
		hlist_for_each_entry_rcu(tp, &t->lhash[i], lnode)
			if (&tp->lnode == v)
				return true;
	return false;
}

static void wren_tcp_show_sock(struct seq_file *seq, struct sock *sk,
			       loff_t sl)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int state = READ_ONCE(sk->sk_state);
	unsigned long expires = 0;
	int timer = 0;
	u32 txq, rxq;

	if (timer_pending(&tp->rtx_timer)) {
		timer = tp->timer_mode == WREN_TCP_TIMER_PROBE ? 4 : 1;
		expires = tp->rtx_timer.expires;
	} else if (timer_pending(&sk->sk_timer)) {
		timer = 2;
		expires = sk->sk_timer.expires;
	}
	if (state == TCP_LISTEN) {
		txq = 0;
		rxq = READ_ONCE(tp->acc_len);
	} else {
		txq = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
		rxq = max_t(s32, READ_ONCE(tp->rcv_nxt) -
			    READ_ONCE(tp->copied_seq), 0);
	}
	seq_printf(seq,
		   "%4lld: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5u %8d %lu %d %pK %lu %lu %u %u %d",
		   sl,
		   (__force u32)(state == TCP_LISTEN ? tp->ws.rcv_saddr :
				 tp->ent.laddr),
		   state == TCP_LISTEN ? tp->ws.num : ntohs(tp->ent.lport),
		   (__force u32)tp->ent.raddr, ntohs(tp->ent.rport),
		   state, txq, rxq, timer,
		   timer ? jiffies_delta_to_clock_t(expires - jiffies) : 0L,
		   tp->retransmits,
		   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)),
		   tp->probes_out, sock_i_ino(sk),
		   refcount_read(&sk->sk_refcnt), sk,
		   jiffies_to_clock_t(tp->rto),
		   jiffies_to_clock_t(tp->delack_ato),
		   (u32)tp->quickack << 1, tp->snd_cwnd,
		   tp->snd_ssthresh >= 0xffff ? -1 : (int)tp->snd_ssthresh);
}

static void wren_tcp_show_tw(struct seq_file *seq, struct wren_tcp_tw *tw,
			     loff_t sl)
{
	long delta = tw->timer.expires - jiffies;

	seq_printf(seq,
		   "%4lld: %08X:%04X %08X:%04X %02X %08X:%08X %02X:%08lX %08X %5d %8d %d %d %pK",
		   sl, (__force u32)tw->ent.laddr, ntohs(tw->ent.lport),
		   (__force u32)tw->ent.raddr, ntohs(tw->ent.rport),
		   TCP_TIME_WAIT, 0, 0, 3, jiffies_delta_to_clock_t(delta),
		   0, 0, 0, 0, refcount_read(&tw->refcnt), tw);
}

static int wren_tcp_seq_show(struct seq_file *seq, void *v)
{
	struct wren_tcp_seq *st = seq->private;
	loff_t sl = seq->index - 1;

	seq_setwidth(seq, 149);
	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode");
	} else if (wren_tcp_is_listen_node(st->t, v)) {
		struct wren_tcp_sock *tp = container_of(v, struct wren_tcp_sock,
							lnode);

		wren_tcp_show_sock(seq, &tp->ws.sk, sl);
	} else {
		struct wren_tcp_ent *e = v;

		if (e->kind == WREN_TCP_ENT_TW)
			wren_tcp_show_tw(seq, (struct wren_tcp_tw *)e, sl);
		else
			wren_tcp_show_sock(seq, wren_tcp_ent_sk(e), sl);
	}
	seq_pad(seq, '\n');
	return 0;
}

static const struct seq_operations wren_tcp_seq_ops = {
	.start	= wren_tcp_seq_start,
	.next	= wren_tcp_seq_next,
	.stop	= wren_tcp_seq_stop,
	.show	= wren_tcp_seq_show,
};

int wren_tcp_proc_init(struct wren_net *wn)
{
	struct proc_dir_entry *dir = wren_proc_dir(wn);

	if (!dir)
		return 0;
	if (!proc_create_seq_private("tcp", 0444, dir, &wren_tcp_seq_ops,
				     sizeof(struct wren_tcp_seq), wn->tcp))
		return -ENOMEM;
	return 0;
}

void wren_tcp_proc_exit(struct wren_net *wn)
{
	struct proc_dir_entry *dir = wren_proc_dir(wn);

	if (dir)
		remove_proc_entry("tcp", dir);
}
