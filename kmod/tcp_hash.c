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
 *  - bhash: port ownership (Linux's bind buckets): one bucket per port in
 *    use, listing every socket and time-wait entry that holds it; bind(),
 *    listen() and connect() decide by it (tcp.h has the rules).  Only
 *    those calls, children and time-wait entries touch it, never a
 *    lookup per segment.
 *  - ISNs (RFC 6528) and SYN-cookie hashes come from SipHash keyed with a
 *    secret drawn at module load.
 */
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "tcp.h"

#define WREN_TCP_EHASH_SIZE	16384
#define WREN_TCP_ELOCKS		256
#define WREN_TCP_BHASH_SIZE	1024

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

/* The device an entry is bound to: a socket's live, a time-wait's saved. */
static int wren_tcp_ent_dif(struct wren_tcp_ent *e)
{
	if (e->kind == WREN_TCP_ENT_SOCK)
		return READ_ONCE(wren_tcp_ent_sk(e)->sk_bound_dev_if);
	return e->dif;
}

/* Do two bound devices overlap (either unbound, or the same)? */
static inline bool wren_tcp_dev_overlap(int a, int b)
{
	return !a || !b || a == b;
}

/*
 * The entry that clashes with a new one of this 4-tuple bound to dif:
 * same tuple and overlapping devices.  At most one entry of a tuple can
 * match a given device, since inserts refuse overlaps.  Bucket lock held.
 */
static struct wren_tcp_ent *wren_tcp_ehash_find(struct wren_tcp_table *t,
						u32 h, __be32 laddr,
						__be16 lport, __be32 raddr,
						__be16 rport, int dif)
{
	struct wren_tcp_ent *e;

	hlist_for_each_entry(e, wren_tcp_ebucket(t, h), node)
		if (wren_tcp_ent_match(e, laddr, lport, raddr, rport) &&
		    wren_tcp_dev_overlap(wren_tcp_ent_dif(e), dif))
			return e;
	return NULL;
}

/* e is a socket's entry (a child's): its device is the socket's. */
int wren_tcp_ehash_add(struct wren_tcp_table *t, struct wren_tcp_ent *e)
{
	u32 h = wren_tcp_ehashfn(e->laddr, e->lport, e->raddr, e->rport);
	spinlock_t *lock = wren_tcp_elock(t, h);

	spin_lock_bh(lock);
	if (wren_tcp_ehash_find(t, h, e->laddr, e->lport, e->raddr,
				e->rport, wren_tcp_ent_dif(e))) {
		spin_unlock_bh(lock);
		return -EADDRNOTAVAIL;
	}
	hlist_add_head_rcu(&e->node, wren_tcp_ebucket(t, h));
	e->hashed = 1;
	spin_unlock_bh(lock);
	return 0;
}

void wren_tcp_ehash_replace(struct wren_tcp_table *t, struct wren_tcp_ent *old,
			    struct wren_tcp_tw *tw, unsigned long expires)
{
	u32 h = wren_tcp_ehashfn(old->laddr, old->lport, old->raddr,
				 old->rport);
	spinlock_t *lock = wren_tcp_elock(t, h);

	spin_lock_bh(lock);
	if (old->hashed) {
		hlist_replace_rcu(&old->node, &tw->ent.node);
		old->hashed = 0;
	} else {
		hlist_add_head_rcu(&tw->ent.node, wren_tcp_ebucket(t, h));
	}
	tw->ent.hashed = 1;
	/*
	 * Armed under the lock: whoever finds the entry hashed (a connect()
	 * taking its tuple over) finds its timer armed, and a timer that
	 * fires at once waits for us before it unhashes.
	 */
	mod_timer(&tw->timer, expires);
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

struct wren_tcp_ent *wren_tcp_lookup_est(struct wren_tcp_table *t,
					 __be32 laddr, __be16 lport,
					 __be32 raddr, __be16 rport, int dif)
{
	u32 h = wren_tcp_ehashfn(laddr, lport, raddr, rport);
	struct wren_tcp_ent *e;

	hlist_for_each_entry_rcu(e, wren_tcp_ebucket(t, h), node) {
		int bound;

		if (!wren_tcp_ent_match(e, laddr, lport, raddr, rport))
			continue;
		/* SO_BINDTODEVICE: not a segment from another device. */
		bound = wren_tcp_ent_dif(e);
		if (bound && dif && bound != dif)
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

/* ---- ports: bind buckets ------------------------------------------------- */

static inline struct wren_tcp_bhead *wren_tcp_bhead(struct wren_tcp_table *t,
						    u16 port)
{
	return &t->bhash[port & t->bhash_mask];
}

static struct wren_tcp_bind_bucket *wren_tcp_bb_find(struct wren_tcp_bhead *b,
						     u16 port)
{
	struct wren_tcp_bind_bucket *bb;

	hlist_for_each_entry(bb, &b->chain, node)
		if (bb->port == port)
			return bb;
	return NULL;
}

static void wren_tcp_bb_init(struct wren_tcp_bhead *b,
			     struct wren_tcp_bind_bucket *bb, u16 port,
			     s8 fastreuse)
{
	bb->port = port;
	bb->fastreuse = fastreuse;
	INIT_HLIST_HEAD(&bb->owners);
	INIT_HLIST_HEAD(&bb->tws);
	hlist_add_head(&bb->node, &b->chain);
}

/* Free the bucket if nothing owns the port any more.  Slot lock held. */
static void wren_tcp_bb_maybe_free(struct wren_tcp_bind_bucket *bb)
{
	if (hlist_empty(&bb->owners) && hlist_empty(&bb->tws)) {
		hlist_del(&bb->node);
		kfree(bb);
	}
}

/* sk joins bb's owners (slot lock held, socket locked). */
static void wren_tcp_bb_add(struct wren_tcp_bind_bucket *bb, struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	hlist_add_head(&tp->ws.port_node, &bb->owners);
	tp->bb = bb;
	WRITE_ONCE(tp->ws.num, bb->port);
	WRITE_ONCE(tp->ws.sport, htons(bb->port));
}

/* What bind's conflict test needs of a port's owner (or of the binder). */
struct wren_tcp_owner {
	__be32	addr;
	int	dev;
	kuid_t	uid;
	bool	reuse;		/* SO_REUSEADDR */
	bool	reuseport;	/* SO_REUSEPORT */
	bool	listening;
	bool	tw;		/* a time-wait entry */
};

/*
 * Does the binder @me clash with an owner @o of the same port?  Linux's
 * inet_bind_conflict: owners clash when their devices and addresses
 * overlap (wildcard or equal), unless both set SO_REUSEADDR and the owner
 * is not listening, or -- for an explicit port (@relax; never an
 * ephemeral choice) -- both set SO_REUSEPORT and the owner is the same
 * user's or in time-wait: those share the port, and listeners among them
 * form a reuseport group (wren_tcp_lookup_listener).
 */
static bool wren_tcp_bind_clash(const struct wren_tcp_owner *me, bool relax,
				const struct wren_tcp_owner *o)
{
	if (!wren_tcp_dev_overlap(me->dev, o->dev))
		return false;
	if (me->addr && o->addr && me->addr != o->addr)
		return false;
	if (me->reuse && o->reuse && !o->listening)
		return !relax;
	if (relax && me->reuseport && o->reuseport &&
	    (o->tw || uid_eq(me->uid, o->uid)))
		return false;
	return true;
}

static void wren_tcp_owner_of(struct wren_tcp_owner *o, struct sock *sk)
{
	o->addr = READ_ONCE(wren_sk(sk)->rcv_saddr);
	o->dev = READ_ONCE(sk->sk_bound_dev_if);
	o->uid = sk->sk_uid;
	o->reuse = sk->sk_reuse;
	o->reuseport = sk->sk_reuseport;
	o->listening = READ_ONCE(sk->sk_state) == TCP_LISTEN;
	o->tw = false;
}

/* May sk take bb's port next to its owners?  Slot lock held. */
static bool wren_tcp_bind_conflict(struct sock *sk,
				   struct wren_tcp_bind_bucket *bb, bool relax)
{
	struct wren_tcp_owner me, o;
	struct wren_tcp_tw *tw;
	struct wren_sock *ws;

	wren_tcp_owner_of(&me, sk);
	hlist_for_each_entry(ws, &bb->owners, port_node) {
		if (&ws->sk == sk)
			continue;
		wren_tcp_owner_of(&o, &ws->sk);
		if (wren_tcp_bind_clash(&me, relax, &o))
			return true;
	}
	hlist_for_each_entry(tw, &bb->tws, bind_node) {
		o = (struct wren_tcp_owner){
			.addr = tw->ent.laddr, .dev = tw->ent.dif,
			.uid = tw->uid, .reuse = tw->reuse,
			.reuseport = tw->reuseport, .tw = true,
		};
		if (wren_tcp_bind_clash(&me, relax, &o))
			return true;
	}
	return false;
}

/* Linux's inet_csk_update_fastreuse, for what connect() needs of it. */
static void wren_tcp_bb_update_fastreuse(struct wren_tcp_bind_bucket *bb,
					 struct sock *sk)
{
	if (!sk->sk_reuse || sk->sk_state == TCP_LISTEN)
		bb->fastreuse = 0;
}

int wren_tcp_get_port(struct sock *sk, unsigned short snum)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_table *t = tp->tbl;
	struct wren_tcp_bind_bucket *bb, *fresh;
	bool reuse = sk->sk_reuse && sk->sk_state != TCP_LISTEN;
	struct wren_tcp_bhead *b;
	u32 range, off, i;

	if (WARN_ON_ONCE(tp->bb))
		return -EINVAL;
	fresh = kmalloc(sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return -ENOMEM;

	if (snum) {
		b = wren_tcp_bhead(t, snum);
		spin_lock_bh(&b->lock);
		bb = wren_tcp_bb_find(b, snum);
		if (bb && wren_tcp_bind_conflict(sk, bb, true))
			goto busy;
		goto take;
	}

	/*
	 * bind() to port 0, listen() unbound: RFC 6056 algorithm 1, the
	 * first port after a random point that no overlapping owner holds.
	 */
	range = (u32)t->port_high - t->port_low + 1;
	off = get_random_u32_below(range);
	for (i = 0; i < range; i++) {
		snum = t->port_low + (off + i) % range;
		b = wren_tcp_bhead(t, snum);
		spin_lock_bh(&b->lock);
		bb = wren_tcp_bb_find(b, snum);
		if (!bb || !wren_tcp_bind_conflict(sk, bb, false))
			goto take;
		spin_unlock_bh(&b->lock);
		cond_resched();
	}
	kfree(fresh);
	return -EADDRINUSE;

take:
	if (!bb) {
		bb = fresh;
		fresh = NULL;
		wren_tcp_bb_init(b, bb, snum, reuse ? 1 : 0);
	} else {
		wren_tcp_bb_update_fastreuse(bb, sk);
	}
	wren_tcp_bb_add(bb, sk);
	spin_unlock_bh(&b->lock);
	kfree(fresh);
	return 0;

busy:
	spin_unlock_bh(&b->lock);
	kfree(fresh);
	return -EADDRINUSE;
}

void wren_tcp_put_port(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_bind_bucket *bb = tp->bb;
	struct wren_tcp_bhead *b;

	if (!bb)
		return;
	b = wren_tcp_bhead(tp->tbl, bb->port);
	spin_lock_bh(&b->lock);
	hlist_del_init(&tp->ws.port_node);
	tp->bb = NULL;
	WRITE_ONCE(tp->ws.num, 0);
	wren_tcp_bb_maybe_free(bb);
	spin_unlock_bh(&b->lock);
}

int wren_tcp_listen_port(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_bind_bucket *bb = tp->bb;
	struct wren_tcp_bhead *b;
	int err = 0;

	if (!bb)
		return wren_tcp_get_port(sk, 0);
	b = wren_tcp_bhead(tp->tbl, bb->port);
	spin_lock_bh(&b->lock);
	if (wren_tcp_bind_conflict(sk, bb, true))
		err = -EADDRINUSE;
	else
		bb->fastreuse = 0;
	spin_unlock_bh(&b->lock);
	return err;
}

int wren_tcp_inherit_port(struct sock *child, struct sock *lsk)
{
	struct wren_tcp_sock *ctp = wren_tcp_sk(child);
	u16 port = ctp->ws.num;
	struct wren_tcp_bhead *b = wren_tcp_bhead(ctp->tbl, port);
	struct wren_tcp_bind_bucket *bb;
	int err = -EADDRINUSE;

	/* The listener is not locked: its bb only changes under b->lock. */
	spin_lock_bh(&b->lock);
	bb = wren_tcp_sk(lsk)->bb;
	if (bb && bb->port == port) {
		wren_tcp_bb_add(bb, child);
		err = 0;
	}
	spin_unlock_bh(&b->lock);
	return err;
}

void wren_tcp_set_rcv_saddr(struct sock *sk, __be32 addr)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_bhead *b;

	if (!tp->bb) {
		WRITE_ONCE(tp->ws.rcv_saddr, addr);
		return;
	}
	/* Conflict checks of other sockets read it under the slot lock. */
	b = wren_tcp_bhead(tp->tbl, tp->bb->port);
	spin_lock_bh(&b->lock);
	WRITE_ONCE(tp->ws.rcv_saddr, addr);
	spin_unlock_bh(&b->lock);
}

void wren_tcp_tw_bind(struct wren_tcp_tw *tw, struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_bind_bucket *bb = tp->bb;
	struct wren_tcp_bhead *b;

	if (!bb)
		return;
	b = wren_tcp_bhead(tp->tbl, bb->port);
	spin_lock_bh(&b->lock);
	hlist_add_head(&tw->bind_node, &bb->tws);
	tw->bb = bb;
	spin_unlock_bh(&b->lock);
}

void wren_tcp_tw_unbind(struct wren_tcp_tw *tw)
{
	struct wren_tcp_bind_bucket *bb;
	struct wren_tcp_bhead *b;

	/* Only the one who unlinks the entry (timer or killer) gets here. */
	bb = tw->bb;
	if (!bb)
		return;
	b = wren_tcp_bhead(tw->tbl, bb->port);
	spin_lock_bh(&b->lock);
	hlist_del_init(&tw->bind_node);
	tw->bb = NULL;
	wren_tcp_bb_maybe_free(bb);
	spin_unlock_bh(&b->lock);
}

/* ---- connect: the 4-tuple ---------------------------------------------- */

/*
 * May a connection reuse the 4-tuple of this time-wait entry?  Linux's
 * tcp_twsk_unique: only with timestamps (PAWS keeps old duplicates out).
 * With a port the user bound, always then; with an ephemeral port, only
 * under net.ipv4.tcp_tw_reuse, whose default (2) allows it for loopback
 * traffic only, and a second after the peer's last timestamp.
 */
static bool wren_tcp_tw_unique(struct wren_tcp_tw *tw, bool autob)
{
	u32 stamp = READ_ONCE(tw->ts_recent_stamp);

	if (!READ_ONCE(tw->ts_ok) || !stamp ||
	    READ_ONCE(tw->substate) != TCP_TIME_WAIT)
		return false;
	if (!autob)
		return true;
	if (!ipv4_is_loopback(tw->ent.laddr) &&
	    !ipv4_is_loopback(tw->ent.raddr))
		return false;
	return (s32)((u32)ktime_get_seconds() - stamp) > 0;
}

/*
 * Hash sk's entry (4-tuple filled in).  A time-wait entry of the tuple
 * that may be reused is replaced in place and returned referenced in
 * *twp, for the caller to finish off, its state copied into *seed.
 */
static int wren_tcp_ehash_connect(struct wren_tcp_table *t, struct sock *sk,
				  bool autob, struct wren_tcp_tw **twp,
				  struct wren_tcp_tw_seed *seed)
{
	struct wren_tcp_ent *e = &wren_tcp_sk(sk)->ent, *o;
	u32 h = wren_tcp_ehashfn(e->laddr, e->lport, e->raddr, e->rport);
	spinlock_t *lock = wren_tcp_elock(t, h);
	struct wren_tcp_tw *tw;

	spin_lock_bh(lock);
	o = wren_tcp_ehash_find(t, h, e->laddr, e->lport, e->raddr, e->rport,
				READ_ONCE(sk->sk_bound_dev_if));
	if (!o) {
		hlist_add_head_rcu(&e->node, wren_tcp_ebucket(t, h));
		e->hashed = 1;
		spin_unlock_bh(lock);
		return 0;
	}
	tw = (struct wren_tcp_tw *)o;
	if (o->kind != WREN_TCP_ENT_TW || !wren_tcp_tw_unique(tw, autob)) {
		spin_unlock_bh(lock);
		return -EADDRNOTAVAIL;
	}
	/* Hashed under our lock: the timer has not unlinked it yet. */
	refcount_inc(&tw->refcnt);
	seed->iss = READ_ONCE(tw->snd_nxt) + 65535 + 2;
	if (!seed->iss)
		seed->iss = 1;
	seed->ts_recent = READ_ONCE(tw->ts_recent);
	seed->ts_recent_stamp = READ_ONCE(tw->ts_recent_stamp);
	seed->valid = true;
	hlist_replace_rcu(&o->node, &e->node);
	o->hashed = 0;
	e->hashed = 1;
	spin_unlock_bh(lock);
	*twp = tw;
	return 0;
}

/* RFC 6056 4.1 algorithm 4's two keyed hashes of the connection's ends. */
static u32 wren_tcp_port_hash(__be32 laddr, __be32 raddr, __be16 rport,
			      u32 which)
{
	return (u32)siphash_4u32((__force u32)laddr, (__force u32)raddr,
				 (__force u16)rport, which,
				 &wren_tcp_hash_key);
}

static void wren_tcp_fill_tuple(struct wren_tcp_sock *tp, u16 port)
{
	tp->ent.laddr = tp->ws.saddr;
	tp->ent.lport = htons(port);
	tp->ent.raddr = tp->ws.daddr;
	tp->ent.rport = tp->ws.dport;
	tp->ent.kind = WREN_TCP_ENT_SOCK;
}

int wren_tcp_hash_connect(struct sock *sk, struct wren_tcp_tw_seed *seed)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_table *t = tp->tbl;
	struct wren_tcp_bind_bucket *bb, *fresh = NULL;
	struct wren_tcp_tw *tw = NULL;
	struct wren_tcp_bhead *b;
	u32 range, off, i, idx;
	u16 port, step;
	int err = -EADDRNOTAVAIL;

	memset(seed, 0, sizeof(*seed));
	if (tp->bb) {
		/* A port of its own (bind, or kept): the tuple must be free. */
		wren_tcp_fill_tuple(tp, tp->bb->port);
		err = wren_tcp_ehash_connect(t, sk, false, &tw, seed);
		goto out;
	}

	fresh = kmalloc(sizeof(*fresh), GFP_KERNEL);
	if (!fresh)
		return -ENOMEM;
	range = (u32)t->port_high - t->port_low + 1;
	off = wren_tcp_port_hash(tp->ws.saddr, tp->ws.daddr, tp->ws.dport, 0);
	idx = wren_tcp_port_hash(tp->ws.saddr, tp->ws.daddr, tp->ws.dport,
				 1) & (WREN_TCP_PERTURB_SIZE - 1);
	step = READ_ONCE(t->perturb[idx]);
	for (i = 0; i < range; i++) {
		port = t->port_low + (off + step + i) % range;
		b = wren_tcp_bhead(t, port);
		spin_lock_bh(&b->lock);
		bb = wren_tcp_bb_find(b, port);
		/* A port bind() or listen() holds is theirs alone. */
		if (bb && bb->fastreuse >= 0)
			goto next;
		wren_tcp_fill_tuple(tp, port);
		if (wren_tcp_ehash_connect(t, sk, true, &tw, seed))
			goto next;
		if (!bb) {
			bb = fresh;
			fresh = NULL;
			wren_tcp_bb_init(b, bb, port, -1);
		}
		wren_tcp_bb_add(bb, sk);
		spin_unlock_bh(&b->lock);
		/* RFC 6056: the next search for this hash starts further on. */
		WRITE_ONCE(t->perturb[idx], step + i + 2);
		err = 0;
		goto out;
next:
		spin_unlock_bh(&b->lock);
		if (!(i & 255))
			cond_resched();
	}
out:
	kfree(fresh);
	if (tw) {
		/* Ours now: the time-wait entry goes (unless its timer won). */
		if (del_timer(&tw->timer)) {
			wren_tcp_tw_unlink(tw);
			wren_tcp_tw_put(tw);
		}
		wren_tcp_tw_put(tw);
	}
	return err;
}

/* ---- listeners ------------------------------------------------------------ */

static inline struct hlist_head *wren_tcp_lbucket(struct wren_tcp_table *t,
						  u16 port)
{
	return &t->lhash[port & (WREN_TCP_LHASH_SIZE - 1)];
}

/* How well listener @tp fits laddr:port on device @dif; 0: not at all. */
static int wren_tcp_listen_score(struct wren_tcp_sock *tp, __be32 laddr,
				 u16 port, int dif)
{
	__be32 a = READ_ONCE(tp->ws.rcv_saddr);
	int bound = READ_ONCE(tp->ws.sk.sk_bound_dev_if);
	int score = 1;

	if (READ_ONCE(tp->ws.num) != port)
		return 0;
	if (a) {
		if (a != laddr)
			return 0;
		score += 2;
	}
	if (bound) {
		if (dif && bound != dif)
			return 0;
		score++;
	}
	return score;
}

/*
 * The best listener; when an SO_REUSEPORT group holds the best score
 * (listen let them overlap: same user, so one group), the member a hash
 * of the 4-tuple picks, as Linux's reuseport_select_sock(): a flow's SYN
 * and its later segments meet the same listener, and flows spread.
 */
struct sock *wren_tcp_lookup_listener(struct wren_tcp_table *t, __be32 laddr,
				      __be16 lport, __be32 raddr,
				      __be16 rport, int dif)
{
	struct wren_tcp_sock *tp, *best = NULL;
	u16 port = ntohs(lport);
	int score, best_score = 0;
	u32 group = 0, pick;

	hlist_for_each_entry_rcu(tp, wren_tcp_lbucket(t, port), lnode) {
		score = wren_tcp_listen_score(tp, laddr, port, dif);
		if (score > best_score) {
			best = tp;
			best_score = score;
			group = 0;
		}
		if (score && score == best_score && tp->ws.sk.sk_reuseport)
			group++;
	}
	if (group >= 2 && best->ws.sk.sk_reuseport) {
		pick = reciprocal_scale(wren_tcp_ehashfn(laddr, lport, raddr,
							 rport), group);
		hlist_for_each_entry_rcu(tp, wren_tcp_lbucket(t, port), lnode)
			if (tp->ws.sk.sk_reuseport &&
			    wren_tcp_listen_score(tp, laddr, port, dif) ==
			    best_score && !pick--) {
				best = tp;
				break;
			}
		/* Not found: the group changed under us; best will do. */
	}
	if (best && refcount_inc_not_zero(&best->ws.sk.sk_refcnt))
		return &best->ws.sk;
	return NULL;
}

/*
 * Listeners may overlap only as one SO_REUSEPORT group: both set it and
 * belong to the same user.
 */
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
		if (sk->sk_reuseport && o->ws.sk.sk_reuseport &&
		    uid_eq(sk->sk_uid, o->ws.sk.sk_uid))
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

/* Counts TCPMemoryPressures as the namespace enters pressure. */
bool wren_tcp_under_pressure(const struct sock *sk)
{
	struct wren_tcp_table *t = wren_tcp_sk(sk)->tbl;

	if (atomic_long_read(&t->mem) > READ_ONCE(t->mem_pressure)) {
		if (!test_and_set_bit(0, &t->mem_flags))
			WREN_INC(t->wn, TcpExt, TCPMemoryPressures);
		return true;
	}
	if (test_bit(0, &t->mem_flags))
		clear_bit(0, &t->mem_flags);
	return false;
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

/*
 * Namespace exit: every socket and time-wait entry has given its port
 * back by now; a bucket still there is a leak, reported and freed.
 */
static void wren_tcp_bhash_destroy(struct wren_tcp_table *t)
{
	struct wren_tcp_bind_bucket *bb;
	struct hlist_node *n;
	unsigned int i;

	for (i = 0; i <= t->bhash_mask; i++) {
		hlist_for_each_entry_safe(bb, n, &t->bhash[i].chain, node) {
			WARN_ONCE(1, "wren: tcp port %u still owned\n", bb->port);
			hlist_del(&bb->node);
			kfree(bb);
		}
	}
	kvfree(t->bhash);
	t->bhash = NULL;
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
	t->bhash = kvmalloc_array(WREN_TCP_BHASH_SIZE, sizeof(*t->bhash),
				  GFP_KERNEL);
	if (!t->bhash)
		goto out_free;
	for (i = 0; i < WREN_TCP_BHASH_SIZE; i++) {
		spin_lock_init(&t->bhash[i].lock);
		INIT_HLIST_HEAD(&t->bhash[i].chain);
	}
	t->bhash_mask = WREN_TCP_BHASH_SIZE - 1;
	/* Linux's default ephemeral range. */
	t->port_low = 32768;
	t->port_high = 60999;
	get_random_bytes(t->perturb, sizeof(t->perturb));

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
out_free:
	kvfree(t->bhash);
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
	wren_tcp_bhash_destroy(t);
	WRITE_ONCE(wn->tcp, NULL);
	kvfree(t->ehash);
	kvfree(t->elocks);
	kfree(t);
}
