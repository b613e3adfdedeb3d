// SPDX-License-Identifier: GPL-2.0
/*
 * wren: IPv4 fragmentation and reassembly (RFC 791, RFC 815).
 *
 * Reassembly keeps one queue per (source, destination, identification,
 * protocol) in a per-namespace hash table.  Fragments are kept sorted by
 * offset.  Any overlap between two different fragments discards the whole
 * datagram (in the spirit of RFC 5722); an exact duplicate is dropped
 * alone.  Memory is bounded per namespace (WREN_FRAG_MEM_MAX of skb
 * truesize, WREN_FRAG_MAX_QUEUES queues, WREN_FRAG_MAX_FRAGS fragments a
 * datagram); when they are reached the oldest datagrams are given up to
 * make room (FragMemLimit), so a flood of incomplete datagrams cannot keep
 * new ones out for long.  A datagram not complete after 30 s is discarded,
 * with an ICMP time exceeded (fragment reassembly) if its first fragment
 * had arrived.
 *
 * Locking: t->lock (BH) guards the hash, every queue and the counters.
 * Queued fragments keep skb->data at their IP header and have skb->dev
 * cleared (the device may go away in 30 s).  A complete datagram is the
 * first fragment with the others chained in its frag_list (no copy); it
 * takes the device of the fragment that completed it.
 */
#include <linux/ip.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <net/icmp.h>
#include <net/ip.h>
#include "ip.h"

#define WREN_FRAG_HBITS		6
#define WREN_FRAG_BUCKETS	BIT(WREN_FRAG_HBITS)
#define WREN_FRAG_MEM_MAX	(4U << 20)
#define WREN_FRAG_MAX_QUEUES	1024
#define WREN_FRAG_MAX_FRAGS	256
#define WREN_FRAG_TIMEOUT	(30 * HZ)

struct wren_frag_cb {
	unsigned int	offset;		/* of the payload, in bytes */
	unsigned int	len;		/* payload bytes */
};

#define WREN_FRAG_CB(skb) ((struct wren_frag_cb *)(skb)->cb)

struct wren_frag_queue {
	struct hlist_node	node;
	struct list_head	lru;	/* t->lru: oldest first */
	__be32			saddr, daddr;
	__be16			id;
	u8			proto;
	bool			have_last;
	unsigned int		end;	/* payload length, once known */
	unsigned int		meat;	/* payload bytes held */
	unsigned int		truesize;
	unsigned long		expires;
	struct sk_buff_head	frags;	/* sorted by offset */
};

struct wren_frag_table {
	spinlock_t		lock;		/* all below, every queue */
	struct timer_list	timer;
	bool			dead;
	unsigned int		mem;
	unsigned int		n_queues;
	u32			seed;
	struct wren_net		*wn;
	struct list_head	lru;		/* queues, oldest first */
	struct hlist_head	hash[WREN_FRAG_BUCKETS];
};

static u32 wren_frag_hash(const struct wren_frag_table *t,
			  const struct iphdr *iph)
{
	return jhash_3words((__force u32)iph->saddr, (__force u32)iph->daddr,
			    (__force u32)iph->id | (iph->protocol << 16),
			    t->seed) & (WREN_FRAG_BUCKETS - 1);
}

/* ---- queues (t->lock held) ------------------------------------------------- */

static struct wren_frag_queue *wren_frag_find(struct wren_frag_table *t,
					      const struct iphdr *iph)
{
	struct wren_frag_queue *q;

	hlist_for_each_entry(q, &t->hash[wren_frag_hash(t, iph)], node)
		if (q->saddr == iph->saddr && q->daddr == iph->daddr &&
		    q->id == iph->id && q->proto == iph->protocol)
			return q;
	return NULL;
}

static struct wren_frag_queue *wren_frag_create(struct wren_frag_table *t,
						const struct iphdr *iph)
{
	struct wren_frag_queue *q;

	q = kzalloc(sizeof(*q), GFP_ATOMIC);
	if (!q)
		return NULL;
	q->saddr = iph->saddr;
	q->daddr = iph->daddr;
	q->id = iph->id;
	q->proto = iph->protocol;
	q->expires = jiffies + WREN_FRAG_TIMEOUT;
	__skb_queue_head_init(&q->frags);
	hlist_add_head(&q->node, &t->hash[wren_frag_hash(t, iph)]);
	list_add_tail(&q->lru, &t->lru);
	t->n_queues++;
	if (!t->dead && !timer_pending(&t->timer))
		mod_timer(&t->timer, jiffies + HZ);
	return q;
}

/* Take q out of the table; its fragments stay on q->frags. */
static void wren_frag_unlink(struct wren_frag_table *t,
			     struct wren_frag_queue *q)
{
	t->mem -= q->truesize;
	hlist_del(&q->node);
	list_del(&q->lru);
	t->n_queues--;
}

/*
 * Unlink q and free it with whatever fragments it still holds.  Each
 * fragment was a frame and is a drop under @reason, as Linux's drop
 * reasons count skbs; ReasmFails counts the datagram once.
 */
static void wren_frag_kill(struct wren_frag_table *t, struct wren_frag_queue *q,
			   enum wren_drop_reason reason)
{
	struct sk_buff *skb;

	wren_frag_unlink(t, q);
	while ((skb = __skb_dequeue(&q->frags)))
		wren_drop(t->wn, skb, reason);
	kfree(q);
}

static bool wren_frag_room(const struct wren_frag_table *t, bool new_queue,
			   unsigned int truesize)
{
	return (!new_queue || t->n_queues < WREN_FRAG_MAX_QUEUES) &&
	       t->mem + truesize <= WREN_FRAG_MEM_MAX;
}

/*
 * Out of room: give up the oldest datagrams (never @keep) until a fragment
 * of @truesize (and, with @new_queue, one more queue) fits.  Their
 * fragments count under FragMemLimit.  Whether it fits now.
 */
static bool wren_frag_evict(struct wren_frag_table *t, bool new_queue,
			    unsigned int truesize, struct wren_frag_queue *keep)
{
	struct wren_frag_queue *q, *tmp;

	list_for_each_entry_safe(q, tmp, &t->lru, lru) {
		if (wren_frag_room(t, new_queue, truesize))
			break;
		if (q == keep)
			continue;
		WREN_INC(t->wn, Ip, ReasmFails);
		wren_frag_kill(t, q, WREN_DROP_FRAG_MEM);
	}
	return wren_frag_room(t, new_queue, truesize);
}

/* Where skb goes in q, or a reason to refuse it (dup: drop it alone). */
static int wren_frag_place(struct wren_frag_queue *q, unsigned int off,
			   unsigned int len, struct sk_buff **next,
			   bool *dup)
{
	struct sk_buff *p;

	*next = NULL;
	*dup = false;
	skb_queue_walk(&q->frags, p) {
		struct wren_frag_cb *cb = WREN_FRAG_CB(p);

		if (cb->offset == off && cb->len == len) {
			*dup = true;
			return WREN_DROP_FRAG_OVERLAP;
		}
		if (cb->offset < off + len && off < cb->offset + cb->len)
			return WREN_DROP_FRAG_OVERLAP;
		if (cb->offset > off) {
			*next = p;
			break;
		}
	}
	return -1;
}

/* Check the fragment against what the queue knows of the datagram's end. */
static int wren_frag_check_end(struct wren_frag_queue *q, unsigned int off,
			       unsigned int len, bool mf)
{
	struct sk_buff *last = skb_peek_tail(&q->frags);
	unsigned int end = off + len;

	if (!mf) {
		if (q->have_last && end != q->end)
			return WREN_DROP_FRAG_BAD_LEN;
		if (last && WREN_FRAG_CB(last)->offset +
			    WREN_FRAG_CB(last)->len > end)
			return WREN_DROP_FRAG_BAD_LEN;
	} else if (q->have_last && end > q->end) {
		return WREN_DROP_FRAG_BAD_LEN;
	}
	return -1;
}

/*
 * Add skb to q.  Returns -1 when queued, or a drop reason; *kill says the
 * whole datagram must go.
 */
static int wren_frag_insert(struct wren_frag_table *t,
			    struct wren_frag_queue *q, struct sk_buff *skb,
			    bool mf, bool *kill)
{
	unsigned int off = WREN_FRAG_CB(skb)->offset;
	unsigned int len = WREN_FRAG_CB(skb)->len;
	struct sk_buff *next;
	bool dup;
	int reason;

	*kill = true;
	reason = wren_frag_check_end(q, off, len, mf);
	if (reason >= 0)
		return reason;
	reason = wren_frag_place(q, off, len, &next, &dup);
	if (reason >= 0) {
		*kill = !dup;
		return reason;
	}
	if (skb_queue_len(&q->frags) >= WREN_FRAG_MAX_FRAGS ||
	    !wren_frag_evict(t, false, skb->truesize, q))
		return WREN_DROP_FRAG_MEM;
	*kill = false;
	if (next)
		__skb_queue_before(&q->frags, next, skb);
	else
		__skb_queue_tail(&q->frags, skb);
	if (!mf) {
		q->have_last = true;
		q->end = off + len;
	}
	q->meat += len;
	q->truesize += skb->truesize;
	t->mem += skb->truesize;
	return -1;
}

/* ---- completion ------------------------------------------------------------ */

/*
 * Join the fragments of a complete queue into one datagram, without
 * copying: the first fragment (offset 0) keeps its header and the others,
 * their headers pulled, follow in its frag_list in offset order (their
 * frames are used up: the datagram goes on as the first one's).  The queue
 * is left empty.  NULL (everything freed and counted) when memory runs out.
 */
static struct sk_buff *wren_frag_join(struct wren_net *wn,
				      struct wren_frag_queue *q,
				      struct net_device *dev, u8 pkt_type)
{
	struct sk_buff *head = __skb_dequeue(&q->frags), *f, **tail;
	struct iphdr *iph;

	if (skb_unclone(head, GFP_ATOMIC)) {
		wren_drop(wn, head, WREN_DROP_NOMEM);
		while ((f = __skb_dequeue(&q->frags)))
			wren_drop(wn, f, WREN_DROP_NOMEM);
		return NULL;
	}
	tail = &skb_shinfo(head)->frag_list;
	while (*tail)
		tail = &(*tail)->next;
	while ((f = __skb_dequeue(&q->frags))) {
		__skb_pull(f, ip_hdr(f)->ihl * 4);
		*tail = f;
		tail = &f->next;
		head->len += f->len;
		head->data_len += f->len;
		head->truesize += f->truesize;
		WREN_INC(wn, WrenFrames, InConsumed);
	}
	iph = ip_hdr(head);
	iph->tot_len = htons(iph->ihl * 4 + q->end);
	iph->frag_off = 0;
	ip_send_check(iph);
	memset(head->cb, 0, sizeof(head->cb));
	head->dev = dev;
	head->pkt_type = pkt_type;
	head->protocol = htons(ETH_P_IP);
	head->ip_summed = CHECKSUM_NONE;
	return head;
}

static int wren_frag_validate(const struct sk_buff *skb, unsigned int *off,
			      unsigned int *len, bool *mf)
{
	const struct iphdr *iph = ip_hdr(skb);
	unsigned int ihl = iph->ihl * 4;

	*off = (ntohs(iph->frag_off) & IP_OFFSET) << 3;
	*mf = iph->frag_off & htons(IP_MF);
	*len = skb->len - ihl;
	if (!*len)
		return WREN_DROP_FRAG_ZERO_LEN;
	if (ihl + *off + *len > IP_MAX_MTU)
		return WREN_DROP_FRAG_TOO_BIG;
	if (*mf && (*len & 7))
		return WREN_DROP_FRAG_BAD_LEN;
	return -1;
}

/* t->lock held; returns the complete datagram's queue, unlinked, or NULL. */
static struct wren_frag_queue *wren_frag_add(struct wren_frag_table *t,
					     struct sk_buff *skb, bool mf,
					     int *reason)
{
	struct wren_frag_queue *q = wren_frag_find(t, ip_hdr(skb));
	bool kill;

	if (!q && wren_frag_evict(t, true, skb->truesize, NULL))
		q = wren_frag_create(t, ip_hdr(skb));
	if (!q) {
		*reason = WREN_DROP_FRAG_MEM;
		return NULL;
	}
	*reason = wren_frag_insert(t, q, skb, mf, &kill);
	if (*reason >= 0) {
		if (kill) {
			WREN_INC(t->wn, Ip, ReasmFails);
			wren_frag_kill(t, q, *reason);
		}
		return NULL;
	}
	if (!q->have_last || q->meat != q->end)
		return NULL;
	wren_frag_unlink(t, q);
	return q;
}

struct sk_buff *wren_ip_defrag(struct wren_net *wn, struct sk_buff *skb)
{
	struct wren_frag_table *t = wn->frags;
	struct net_device *dev = skb->dev;
	u8 pkt_type = skb->pkt_type;
	struct wren_frag_queue *q;
	unsigned int off, len;
	int reason;
	bool mf;

	WREN_INC(wn, Ip, ReasmReqds);
	reason = wren_frag_validate(skb, &off, &len, &mf);
	if (reason >= 0) {
		WREN_INC(wn, Ip, ReasmFails);
		wren_drop(wn, skb, reason);
		return NULL;
	}
	WREN_FRAG_CB(skb)->offset = off;
	WREN_FRAG_CB(skb)->len = len;
	skb->dev = NULL;
	spin_lock_bh(&t->lock);
	q = wren_frag_add(t, skb, mf, &reason);
	spin_unlock_bh(&t->lock);
	if (reason >= 0)
		wren_drop(wn, skb, reason);
	if (!q)
		return NULL;
	skb = wren_frag_join(wn, q, dev, pkt_type);
	kfree(q);
	if (!skb) {
		WREN_INC(wn, Ip, ReasmFails);
		return NULL;
	}
	WREN_INC(wn, Ip, ReasmOKs);
	return skb;
}

/* ---- the timer --------------------------------------------------------------- */

/* An expired queue: keep its first fragment (for ICMP) on firsts. */
static void wren_frag_expire(struct wren_frag_table *t,
			     struct wren_frag_queue *q,
			     struct sk_buff_head *firsts)
{
	struct sk_buff *first = skb_peek(&q->frags);

	WREN_INC(t->wn, Ip, ReasmTimeout);
	WREN_INC(t->wn, Ip, ReasmFails);
	if (first && !WREN_FRAG_CB(first)->offset) {
		__skb_unlink(first, &q->frags);
		__skb_queue_tail(firsts, first);
	}
	wren_frag_kill(t, q, WREN_DROP_FRAG_TIMEOUT);
}

static void wren_frag_timer(struct timer_list *tm)
{
	struct wren_frag_table *t = from_timer(t, tm, timer);
	struct wren_frag_queue *q, *tmp;
	struct sk_buff_head firsts;
	struct sk_buff *skb;

	__skb_queue_head_init(&firsts);
	spin_lock_bh(&t->lock);
	/* Oldest first: the first queue still in time ends the walk. */
	list_for_each_entry_safe(q, tmp, &t->lru, lru) {
		if (time_before(jiffies, q->expires))
			break;
		wren_frag_expire(t, q, &firsts);
	}
	if (t->n_queues && !t->dead)
		mod_timer(&t->timer, jiffies + HZ);
	spin_unlock_bh(&t->lock);
	rcu_read_lock();
	while ((skb = __skb_dequeue(&firsts))) {
		__wren_icmp_send(t->wn, skb, ICMP_TIME_EXCEEDED,
				 ICMP_EXC_FRAGTIME, 0);
		wren_drop(t->wn, skb, WREN_DROP_FRAG_TIMEOUT);
	}
	rcu_read_unlock();
}

/* ---- fragmentation on output ---------------------------------------------------- */

static struct sk_buff *wren_frag_piece(struct sk_buff *skb, unsigned int hlen,
				       unsigned int off, unsigned int n,
				       bool more, struct net_device *dev)
{
	struct sk_buff *f;
	struct iphdr *iph;
	u16 base;

	f = alloc_skb(LL_RESERVED_SPACE(dev) + hlen + n + dev->needed_tailroom,
		      GFP_ATOMIC);
	if (!f)
		return NULL;
	skb_reserve(f, LL_RESERVED_SPACE(dev));
	skb_reset_network_header(f);
	skb_put(f, hlen + n);
	memcpy(f->data, skb->data, hlen);
	if (skb_copy_bits(skb, hlen + off, f->data + hlen, n)) {
		kfree_skb(f);
		return NULL;
	}
	iph = ip_hdr(f);
	base = ntohs(iph->frag_off);
	iph->frag_off = htons((base & ~IP_OFFSET & ~IP_MF) |
			      (((base & IP_OFFSET) + (off >> 3)) & IP_OFFSET) |
			      ((more || (base & IP_MF)) ? IP_MF : 0));
	iph->tot_len = htons(hlen + n);
	ip_send_check(iph);
	f->protocol = htons(ETH_P_IP);
	f->priority = skb->priority;
	f->mark = skb->mark;
	return f;
}

int wren_ip_fragment(struct wren_net *wn, struct sk_buff *skb, u32 mtu,
		     int (*out)(struct wren_iface *, struct sk_buff *, __be32),
		     struct wren_iface *ifc, __be32 nexthop)
{
	unsigned int hlen = ip_hdr(skb)->ihl * 4, off = 0, left, chunk, n;
	struct sk_buff *f;
	int err = 0;

	if (mtu < hlen + 8 ||
	    (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))) {
		WREN_INC(wn, Ip, FragFails);
		wren_drop_out(wn, skb, WREN_DROP_IP_FRAG_NEEDED);
		return -EMSGSIZE;
	}
	chunk = (mtu - hlen) & ~7U;
	left = skb->len - hlen;
	while (left && !err) {
		n = min(left, chunk);
		f = wren_frag_piece(skb, hlen, off, n, left > n, ifc->dev);
		if (!f) {
			err = -ENOBUFS;
			break;
		}
		WREN_INC(wn, Ip, FragCreates);
		err = out(ifc, f, nexthop);
		off += n;
		left -= n;
	}
	if (err) {
		WREN_INC(wn, Ip, FragFails);
		wren_drop_out(wn, skb, WREN_DROP_NOMEM);
	} else {
		WREN_INC(wn, Ip, FragOKs);
		consume_skb(skb);
	}
	return err;
}

/* ---- namespace ------------------------------------------------------------------- */

int wren_frag_net_init(struct wren_net *wn)
{
	struct wren_frag_table *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	INIT_LIST_HEAD(&t->lru);
	timer_setup(&t->timer, wren_frag_timer, 0);
	t->seed = get_random_u32();
	t->wn = wn;
	wn->frags = t;
	return 0;
}

void wren_frag_net_exit(struct wren_net *wn)
{
	struct wren_frag_table *t = wn->frags;
	struct wren_frag_queue *q, *tmp;

	spin_lock_bh(&t->lock);
	t->dead = true;
	spin_unlock_bh(&t->lock);
	del_timer_sync(&t->timer);
	spin_lock_bh(&t->lock);
	list_for_each_entry_safe(q, tmp, &t->lru, lru)
		wren_frag_kill(t, q, WREN_DROP_DEV_DOWN);
	spin_unlock_bh(&t->lock);
	kfree(t);
	wn->frags = NULL;
}
