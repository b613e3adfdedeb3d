// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: the per-namespace tables and the secrets behind them.
 *
 *  - ehash: every connection that has a 4-tuple (SYN_SENT and later,
 *    SYN_RECV children, TIME_WAIT entries), by a keyed hash of the tuple.
 *    One lookup per segment; readers walk a bucket under RCU, writers take
 *    the bucket's spinlock (with BHs off, since softirq input inserts
 *    children and time-wait entries).
 *  - lhash: listening sockets by local port; the same RCU/lock split.
 *  - ports: bind() and autobind ownership, the socket layer's port table.
 *  - ISNs (RFC 6528) and SYN-cookie hashes come from SipHash keyed with a
 *    secret drawn at module load.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "tcp.h"

#define WREN_TCP_EHASH_SIZE	16384
#define WREN_TCP_ELOCKS		256

static siphash_key_t wren_tcp_hash_key __read_mostly;
static siphash_key_t wren_tcp_isn_key __read_mostly;
static siphash_key_t wren_tcp_cookie_key __read_mostly;

int wren_tcp_hash_init(void)
{
	get_random_bytes(&wren_tcp_hash_key, sizeof(wren_tcp_hash_key));
	get_random_bytes(&wren_tcp_isn_key, sizeof(wren_tcp_isn_key));
	get_random_bytes(&wren_tcp_cookie_key, sizeof(wren_tcp_cookie_key));
	return 0;
}

void wren_tcp_hash_exit(void)
{
}

u32 wren_tcp_ehashfn(__be32 laddr, __be16 lport, __be32 raddr, __be16 rport)
{
	return (u32)siphash_3u32((__force u32)laddr, (__force u32)raddr,
				 (u32)(__force u16)lport << 16 |
				 (__force u16)rport, &wren_tcp_hash_key);
}

/*
 * RFC 6528: ISN = M + F(localip, localport, remoteip, remoteport, key),
 * M a clock ticking every 4 microseconds (here 4.096).
 */
u32 wren_tcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport)
{
	u32 h = (u32)siphash_3u32((__force u32)saddr, (__force u32)daddr,
				  (u32)(__force u16)sport << 16 |
				  (__force u16)dport, &wren_tcp_isn_key);

	return h + (u32)(ktime_get_real_ns() >> 12);
}

/* A per-address-pair random offset of the TSval clock (as Linux). */
u32 wren_tcp_ts_offset(__be32 saddr, __be32 daddr)
{
	return (u32)siphash_2u32((__force u32)saddr, (__force u32)daddr,
				 &wren_tcp_isn_key);
}

u32 wren_tcp_cookie_hash(__be32 saddr, __be32 daddr, __be16 sport,
			 __be16 dport, u32 peer_isn, u32 count)
{
	return (u32)siphash_4u32((__force u32)saddr, (__force u32)daddr,
				 (u32)(__force u16)sport << 16 |
				 (__force u16)dport, peer_isn ^ (count << 8),
				 &wren_tcp_cookie_key);
}

/* ---- ehash ---------------------------------------------------------------- */

static inline struct hlist_head *wren_tcp_ebucket(struct wren_tcp_table *t,
						  u32 h)
{
	return &t->ehash[h & t->ehash_mask];
}

static inline spinlock_t *wren_tcp_elock(struct wren_tcp_table *t, u32 h)
{
	return &t->elocks[h & t->elocks_mask];
}

static inline bool wren_tcp_ent_match(const struct wren_tcp_ent *e,
				      __be32 laddr, __be16 lport,
				      __be32 raddr, __be16 rport)
{
	return e->lport == lport && e->rport == rport &&
	       e->laddr == laddr && e->raddr == raddr;
}

static struct wren_tcp_ent *wren_tcp_ehash_find(struct wren_tcp_table *t,
						u32 h, __be32 laddr,
						__be16 lport, __be32 raddr,
						__be16 rport)
{
	struct wren_tcp_ent *e;

	hlist_for_each_entry(e, wren_tcp_ebucket(t, h), node)
		if (wren_tcp_ent_match(e, laddr, lport, raddr, rport))
			return e;
	return NULL;
}

int wren_tcp_ehash_add(struct wren_tcp_table *t, struct wren_tcp_ent *e)
{
	u32 h = wren_tcp_ehashfn(e->laddr, e->lport, e->raddr, e->rport);
	spinlock_t *lock = wren_tcp_elock(t, h);

	spin_lock_bh(lock);
	if (wren_tcp_ehash_find(t, h, e->laddr, e->lport, e->raddr,
				e->rport)) {
		spin_unlock_bh(lock);
		return -EADDRNOTAVAIL;
	}
	hlist_add_head_rcu(&e->node, wren_tcp_ebucket(t, h));
	e->hashed = 1;
	spin_unlock_bh(lock);
	return 0;
}

void wren_tcp_ehash_replace(struct wren_tcp_table *t, struct wren_tcp_ent *old,
			    struct wren_tcp_ent *new)
{
	u32 h = wren_tcp_ehashfn(old->laddr, old->lport, old->raddr,
				 old->rport);
	spinlock_t *lock = wren_tcp_elock(t, h);

	spin_lock_bh(lock);
	if (old->hashed) {
		hlist_replace_rcu(&old->node, &new->node);
		old->hashed = 0;
	} else {
		hlist_add_head_rcu(&new->node, wren_tcp_ebucket(t, h));
	}
	new->hashed = 1;
	spin_unlock_bh(lock);
}

void wren_tcp_ehash_del(struct wren_tcp_table *t, struct wren_tcp_ent *e)
{
	u32 h = wren_tcp_ehashfn(e->laddr, e->lport, e->raddr, e->rport);
	spinlock_t *lock = wren_tcp_elock(t, h);

	spin_lock_bh(lock);
	if (e->hashed) {
		hlist_del_init_rcu(&e->node);
		e->hashed = 0;
	}
	spin_unlock_bh(lock);
}

bool wren_tcp_ehash_free(struct wren_tcp_table *t, __be32 laddr, __be16 lport,
			 __be32 raddr, __be16 rport)
{
	u32 h = wren_tcp_ehashfn(laddr, lport, raddr, rport);
	bool free;

	rcu_read_lock();
	free = !wren_tcp_ehash_find(t, h, laddr, lport, raddr, rport);
	rcu_read_unlock();
	return free;
}

struct wren_tcp_ent *wren_tcp_lookup_est(struct wren_tcp_table *t,
					 __be32 laddr, __be16 lport,
					 __be32 raddr, __be16 rport)
{
	u32 h = wren_tcp_ehashfn(laddr, lport, raddr, rport);
	struct wren_tcp_ent *e;

	hlist_for_each_entry_rcu(e, wren_tcp_ebucket(t, h), node) {
		if (!wren_tcp_ent_match(e, laddr, lport, raddr, rport))
			continue;
		if (e->kind == WREN_TCP_ENT_SOCK) {
			if (refcount_inc_not_zero(&wren_tcp_ent_sk(e)->sk_refcnt))
				return e;
		} else {
			struct wren_tcp_tw *tw = (struct wren_tcp_tw *)e;

			if (refcount_inc_not_zero(&tw->refcnt))
				return e;
		}
		return NULL;
	}
	return NULL;
}

/* ---- listeners ------------------------------------------------------------ */

static inline struct hlist_head *wren_tcp_lbucket(struct wren_tcp_table *t,
						  u16 port)
{
	return &t->lhash[port & (WREN_TCP_LHASH_SIZE - 1)];
}

struct sock *wren_tcp_lookup_listener(struct wren_tcp_table *t, __be32 laddr,
				      __be16 lport, int dif)
{
	struct wren_tcp_sock *tp, *best = NULL;
	u16 port = ntohs(lport);
	int best_score = 0;

	hlist_for_each_entry_rcu(tp, wren_tcp_lbucket(t, port), lnode) {
		struct sock *sk = &tp->ws.sk;
		__be32 a = READ_ONCE(tp->ws.rcv_saddr);
		int bound = READ_ONCE(sk->sk_bound_dev_if);
		int score = 1;

		if (READ_ONCE(tp->ws.num) != port)
			continue;
		if (a) {
			if (a != laddr)
				continue;
			score += 2;
		}
		if (bound) {
			if (dif && bound != dif)
				continue;
			score++;
		}
		if (score > best_score) {
			best = tp;
			best_score = score;
		}
	}
	if (best && refcount_inc_not_zero(&best->ws.sk.sk_refcnt))
		return &best->ws.sk;
	return NULL;
}

int wren_tcp_listen_hash(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_table *t = tp->tbl;
	struct wren_tcp_sock *o;
	u16 port = tp->ws.num;

	spin_lock_bh(&t->llock);
	hlist_for_each_entry(o, wren_tcp_lbucket(t, port), lnode) {
		if (o->ws.num != port)
			continue;
		if (o->ws.rcv_saddr && tp->ws.rcv_saddr &&
		    o->ws.rcv_saddr != tp->ws.rcv_saddr)
			continue;
		if (o->ws.sk.sk_bound_dev_if && sk->sk_bound_dev_if &&
		    o->ws.sk.sk_bound_dev_if != sk->sk_bound_dev_if)
			continue;
		spin_unlock_bh(&t->llock);
		return -EADDRINUSE;
	}
	hlist_add_head_rcu(&tp->lnode, wren_tcp_lbucket(t, port));
	spin_unlock_bh(&t->llock);
	return 0;
}

void wren_tcp_listen_unhash(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_table *t = tp->tbl;

	spin_lock_bh(&t->llock);
	if (!hlist_unhashed(&tp->lnode))
		hlist_del_init_rcu(&tp->lnode);
	spin_unlock_bh(&t->llock);
}

/* ---- memory accounting ---------------------------------------------------- */

void wren_tcp_rfree(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;

	atomic_long_sub(skb->truesize, &wren_tcp_sk(sk)->tbl->mem);
	sock_rfree(skb);
}

/* Make sk own a received skb (charged to rmem and to the namespace). */
void wren_tcp_charge_r(struct sock *sk, struct sk_buff *skb)
{
	skb_orphan(skb);
	skb->sk = sk;
	skb->destructor = wren_tcp_rfree;
	atomic_add(skb->truesize, &sk->sk_rmem_alloc);
	atomic_long_add(skb->truesize, &wren_tcp_sk(sk)->tbl->mem);
}

bool wren_tcp_under_pressure(const struct sock *sk)
{
	const struct wren_tcp_table *t = wren_tcp_sk(sk)->tbl;

	return atomic_long_read(&t->mem) > READ_ONCE(t->mem_pressure);
}

bool wren_tcp_over_limit(const struct wren_tcp_table *t)
{
	return atomic_long_read(&t->mem) > READ_ONCE(t->mem_limit);
}

/* Limit (and pressure point) of t: bytes, 0 for the default. */
static void wren_tcp_mem_set(struct wren_tcp_table *t, unsigned long bytes)
{
	unsigned long ram;

	if (!bytes) {
		/* An eighth of RAM for the namespace's TCP, at most 1 GiB. */
		ram = totalram_pages() << PAGE_SHIFT;
		bytes = min_t(unsigned long, ram / 8, 1UL << 30);
	}
	WRITE_ONCE(t->mem_limit, bytes);
	WRITE_ONCE(t->mem_pressure, bytes / 4 * 3);
}

int wren_tcp_set_mem_limit(struct wren_net *wn, u32 kib)
{
	if (kib && kib < 256)
		return -EINVAL;
	if (!wn->tcp)
		return -ENODEV;
	wren_tcp_mem_set(wn->tcp, (unsigned long)kib * 1024);
	return 0;
}

long wren_tcp_mem_limit(struct wren_net *wn)
{
	return wn->tcp ? READ_ONCE(wn->tcp->mem_limit) : 0;
}

long wren_tcp_mem_used(struct wren_net *wn)
{
	return wn->tcp ? atomic_long_read(&wn->tcp->mem) : 0;
}

unsigned int wren_tcp_curr_estab(struct wren_net *wn)
{
	struct wren_tcp_table *t = wn->tcp;

	return t ? atomic_read(&t->estab) : 0;
}

/* ---- per-namespace lifetime ------------------------------------------------ */

int wren_tcp_net_init(struct wren_net *wn)
{
	struct wren_tcp_table *t;
	unsigned int i;
	int err = -ENOMEM;

	t = kzalloc(sizeof(*t), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->wn = wn;
	t->ehash = kvmalloc_array(WREN_TCP_EHASH_SIZE, sizeof(*t->ehash),
				  GFP_KERNEL);
	t->elocks = kvmalloc_array(WREN_TCP_ELOCKS, sizeof(*t->elocks),
				   GFP_KERNEL);
	if (!t->ehash || !t->elocks)
		goto out_free;
	for (i = 0; i < WREN_TCP_EHASH_SIZE; i++)
		INIT_HLIST_HEAD(&t->ehash[i]);
	for (i = 0; i < WREN_TCP_ELOCKS; i++)
		spin_lock_init(&t->elocks[i]);
	t->ehash_mask = WREN_TCP_EHASH_SIZE - 1;
	t->elocks_mask = WREN_TCP_ELOCKS - 1;
	for (i = 0; i < WREN_TCP_LHASH_SIZE; i++)
		INIT_HLIST_HEAD(&t->lhash[i]);
	spin_lock_init(&t->llock);
	spin_lock_init(&t->chal_lock);
	/* Linux's default ephemeral range. */
	err = wren_port_table_init(&t->ports, 32768, 60999);
	if (err)
		goto out_free;

	wren_tcp_mem_set(t, 0);

	wn->tcp = t;
	if (!READ_ONCE(wn->tcp_msl_ms))
		WRITE_ONCE(wn->tcp_msl_ms, WREN_TCP_MSL_MS_DEFAULT);

	err = wren_tcp_proc_init(wn);
	if (err)
		goto out_ports;
	return 0;

out_ports:
	wn->tcp = NULL;
	wren_port_table_destroy(&t->ports);
out_free:
	kvfree(t->ehash);
	kvfree(t->elocks);
	kfree(t);
	return err;
}

void wren_tcp_net_exit(struct wren_net *wn)
{
	struct wren_tcp_table *t = wn->tcp;

	if (!t)
		return;
	wren_tcp_proc_exit(wn);
	/* User sockets hold the namespace; only time-wait entries remain. */
	wren_tcp_tw_purge(t);
	synchronize_rcu();
	wren_port_table_destroy(&t->ports);
	WRITE_ONCE(wn->tcp, NULL);
	kvfree(t->ehash);
	kvfree(t->elocks);
	kfree(t);
}
