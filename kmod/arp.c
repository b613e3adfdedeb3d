// SPDX-License-Identifier: GPL-2.0
/*
 * wren: ARP (RFC 826) and the neighbour cache.
 *
 * One hash table per namespace, keyed by (IPv4 address, interface).  An
 * entry is incomplete while requests are out (packets wait in its bounded
 * queue), reachable once answered, stale after WREN_ARP_REACHABLE_TIME
 * (still used, re-checked with unicast probes), failed after
 * WREN_ARP_RETRIES unanswered requests (senders get EHOSTUNREACH for
 * WREN_ARP_FAILED_HOLD), or permanent (set by the administrator).
 *
 * Locking: t->lock (BH) guards the hash, every entry and its queue.  Frames
 * are never sent with it held: what must go out is collected under the lock
 * and sent after it is dropped, under RCU (which keeps the wren_iface alive:
 * a detach removes the interface's entries under t->lock before its
 * grace period starts).
 *
 * One timer per namespace, set to the earliest entry deadline, drives
 * retries, state changes and garbage collection.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/jhash.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <net/icmp.h>
#include "ip.h"

#define WREN_ARP_HBITS		8
#define WREN_ARP_BUCKETS	BIT(WREN_ARP_HBITS)
#define WREN_ARP_MAX_ENTRIES	1024
#define WREN_ARP_QLEN		64	/* packets waiting on one entry */
#define WREN_ARP_QTOTAL		1024	/* packets waiting in the namespace */
#define WREN_ARP_RETRIES	3
#define WREN_ARP_RETRY_TIME	HZ
#define WREN_ARP_REACHABLE_TIME	(30 * HZ)
#define WREN_ARP_GC_TIME	(60 * HZ)
#define WREN_ARP_FAILED_HOLD	(3 * HZ)

struct wren_arp_entry {
	struct hlist_node	node;
	struct wren_iface	*ifc;
	__be32			ip;
	u8			mac[ETH_ALEN];
	u8			state;		/* enum wren_arp_state */
	u8			probes;		/* requests since last answer */
	unsigned long		deadline;	/* next timer action */
	unsigned long		used;		/* last packet sent through it */
	unsigned long		probe_at;	/* stale: next unicast probe */
	struct sk_buff_head	queue;		/* incomplete: waiting packets */
};

struct wren_arp_table {
	spinlock_t		lock;		/* all below, every entry */
	struct timer_list	timer;
	bool			dead;		/* namespace exit: no re-arming */
	unsigned int		n_entries;
	unsigned int		n_queued;
	u32			seed;
	struct wren_net		*wn;
	struct hlist_head	hash[WREN_ARP_BUCKETS];
};

/* What to transmit once t->lock is dropped (skb->cb). */
struct wren_arp_cb {
	struct wren_iface	*ifc;
	u8			mac[ETH_ALEN];
	__be16			proto;
};

#define WREN_ARP_CB(skb) ((struct wren_arp_cb *)(skb)->cb)

static const u8 wren_zero_mac[ETH_ALEN];

static u32 wren_arp_hash(const struct wren_arp_table *t, __be32 ip,
			 const struct wren_iface *ifc)
{
	return jhash_2words((__force u32)ip, (u32)(unsigned long)ifc,
			    t->seed) & (WREN_ARP_BUCKETS - 1);
}

static struct wren_arp_entry *wren_arp_find(struct wren_arp_table *t,
					    __be32 ip,
					    const struct wren_iface *ifc)
{
	struct wren_arp_entry *e;

	hlist_for_each_entry(e, &t->hash[wren_arp_hash(t, ip, ifc)], node)
		if (e->ip == ip && e->ifc == ifc)
			return e;
	return NULL;
}

static void wren_arp_arm(struct wren_arp_table *t, unsigned long when)
{
	if (!t->dead)
		timer_reduce(&t->timer, when);
}

/* ---- building and sending ARP frames --------------------------------------- */

static struct sk_buff *wren_arp_build(struct wren_iface *ifc, u16 op,
				      __be32 sip, __be32 tip, const u8 *tha)
{
	struct net_device *dev = ifc->dev;
	struct sk_buff *skb;
	struct arphdr *arp;
	u8 *p;

	skb = alloc_skb(LL_RESERVED_SPACE(dev) + arp_hdr_len(dev) +
			dev->needed_tailroom, GFP_ATOMIC);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	skb_reset_network_header(skb);
	arp = skb_put(skb, arp_hdr_len(dev));
	arp->ar_hrd = htons(ARPHRD_ETHER);
	arp->ar_pro = htons(ETH_P_IP);
	arp->ar_hln = ETH_ALEN;
	arp->ar_pln = 4;
	arp->ar_op = htons(op);
	p = (u8 *)(arp + 1);
	ether_addr_copy(p, dev->dev_addr);
	memcpy(p + ETH_ALEN, &sip, 4);
	ether_addr_copy(p + ETH_ALEN + 4, tha ?: wren_zero_mac);
	memcpy(p + 2 * ETH_ALEN + 4, &tip, 4);
	return skb;
}

/* A request for tip, broadcast (dst NULL) or unicast to dst. */
static struct sk_buff *wren_arp_request(struct wren_iface *ifc, __be32 tip,
					const u8 *dst)
{
	struct sk_buff *skb;
	__be32 sip;

	rcu_read_lock();
	sip = wren_addr_pick_src(ifc, tip);
	rcu_read_unlock();
	skb = wren_arp_build(ifc, ARPOP_REQUEST, sip, tip, NULL);
	if (skb) {
		WREN_ARP_CB(skb)->ifc = ifc;
		WREN_ARP_CB(skb)->proto = htons(ETH_P_ARP);
		if (dst)
			ether_addr_copy(WREN_ARP_CB(skb)->mac, dst);
		else
			eth_broadcast_addr(WREN_ARP_CB(skb)->mac);
	}
	return skb;
}

/* Send a frame prepared under the lock.  Caller holds RCU. */
static int wren_arp_xmit_one(struct sk_buff *skb)
{
	struct wren_arp_cb cb = *WREN_ARP_CB(skb);

	memset(skb->cb, 0, sizeof(skb->cb));
	return wren_link_output(cb.ifc, skb, cb.mac, cb.proto);
}

static void wren_arp_xmit_list(struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(list)))
		wren_arp_xmit_one(skb);
}

void wren_arp_announce(struct wren_iface *ifc, __be32 addr)
{
	struct sk_buff *skb;

	skb = wren_arp_build(ifc, ARPOP_REQUEST, addr, addr, NULL);
	if (skb)
		wren_link_output(ifc, skb, ifc->dev->broadcast,
				 htons(ETH_P_ARP));
}

/* ---- entries (t->lock held) ------------------------------------------------- */

static void wren_arp_destroy(struct wren_arp_table *t,
			     struct wren_arp_entry *e,
			     enum wren_drop_reason reason);

/* The table is full: free one failed or stale entry, if there is one. */
static bool wren_arp_evict(struct wren_arp_table *t)
{
	struct wren_arp_entry *e;
	unsigned int b;

	for (b = 0; b < WREN_ARP_BUCKETS; b++)
		hlist_for_each_entry(e, &t->hash[b], node)
			if (e->state == WREN_ARP_FAILED ||
			    e->state == WREN_ARP_STALE) {
				wren_arp_destroy(t, e, WREN_DROP_ARP_TABLE_FULL);
				return true;
			}
	return false;
}

static struct wren_arp_entry *wren_arp_create(struct wren_arp_table *t,
					      struct wren_iface *ifc,
					      __be32 ip, u8 state)
{
	struct wren_arp_entry *e;

	if (t->n_entries >= WREN_ARP_MAX_ENTRIES && !wren_arp_evict(t))
		return NULL;
	e = kzalloc(sizeof(*e), GFP_ATOMIC);
	if (!e)
		return NULL;
	e->ifc = ifc;
	e->ip = ip;
	e->state = state;
	e->used = jiffies;
	__skb_queue_head_init(&e->queue);
	hlist_add_head(&e->node, &t->hash[wren_arp_hash(t, ip, ifc)]);
	t->n_entries++;
	return e;
}

/* Move e's waiting packets to list, addressed to e->mac. */
static void wren_arp_release_queue(struct wren_arp_table *t,
				   struct wren_arp_entry *e,
				   struct sk_buff_head *list)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&e->queue))) {
		t->n_queued--;
		WREN_ARP_CB(skb)->ifc = e->ifc;
		ether_addr_copy(WREN_ARP_CB(skb)->mac, e->mac);
		WREN_ARP_CB(skb)->proto = htons(ETH_P_IP);
		__skb_queue_tail(list, skb);
	}
}

static void wren_arp_destroy(struct wren_arp_table *t,
			     struct wren_arp_entry *e,
			     enum wren_drop_reason reason)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(&e->queue))) {
		t->n_queued--;
		wren_drop_out(t->wn, skb, reason);
	}
	hlist_del(&e->node);
	t->n_entries--;
	kfree(e);
}

static void wren_arp_set_reachable(struct wren_arp_table *t,
				   struct wren_arp_entry *e, const u8 *mac)
{
	ether_addr_copy(e->mac, mac);
	e->state = WREN_ARP_REACHABLE;
	e->probes = 0;
	e->deadline = jiffies + WREN_ARP_REACHABLE_TIME;
	wren_arp_arm(t, e->deadline);
}

/* ---- output ------------------------------------------------------------------ */

/* Broadcast and multicast next hops need no resolution. */
static bool wren_arp_fixed_mac(struct wren_iface *ifc, __be32 nh, u8 *mac)
{
	if (ipv4_is_multicast(nh)) {
		ip_eth_mc_map(nh, mac);
		return true;
	}
	if (ipv4_is_lbcast(nh) ||
	    wren_local_lookup_rcu(ifc->wn, nh, WREN_LOCAL_BCAST) == ifc) {
		eth_broadcast_addr(mac);
		return true;
	}
	return false;
}

/* Queue skb on an unresolved entry; drops the oldest when full. */
static int wren_arp_enqueue(struct wren_arp_table *t, struct wren_arp_entry *e,
			    struct sk_buff *skb)
{
	if (t->n_queued >= WREN_ARP_QTOTAL) {
		wren_drop_out(t->wn, skb, WREN_DROP_ARP_QUEUE_FULL);
		return -ENOBUFS;
	}
	if (skb_queue_len(&e->queue) >= WREN_ARP_QLEN) {
		wren_drop_out(t->wn, __skb_dequeue(&e->queue),
			      WREN_DROP_ARP_QUEUE_FULL);
		t->n_queued--;
	}
	__skb_queue_tail(&e->queue, skb);
	t->n_queued++;
	return 0;
}

/* Start (or restart) resolving e; the caller sends *req. */
static void wren_arp_start(struct wren_arp_table *t, struct wren_arp_entry *e,
			   struct sk_buff **req)
{
	e->state = WREN_ARP_INCOMPLETE;
	e->probes = 1;
	e->deadline = jiffies + WREN_ARP_RETRY_TIME;
	wren_arp_arm(t, e->deadline);
	*req = wren_arp_request(e->ifc, e->ip, NULL);
}

/*
 * The slow path of wren_arp_output(): no usable entry.  Returns 0 (skb
 * queued) or a negative errno (skb dropped).
 */
static int wren_arp_resolve(struct wren_arp_table *t, struct wren_iface *ifc,
			    struct wren_arp_entry *e, __be32 nh,
			    struct sk_buff *skb, struct sk_buff **req)
{
	if (!e) {
		e = wren_arp_create(t, ifc, nh, WREN_ARP_INCOMPLETE);
		if (!e) {
			wren_drop_out(t->wn, skb, WREN_DROP_ARP_TABLE_FULL);
			return -ENOBUFS;
		}
		wren_arp_start(t, e, req);
	} else if (e->state == WREN_ARP_FAILED) {
		if (time_before(jiffies, e->deadline)) {
			wren_drop_out(t->wn, skb, WREN_DROP_ARP_FAILED);
			return -EHOSTUNREACH;
		}
		wren_arp_start(t, e, req);
	} else if (e->state == WREN_ARP_STALE) {
		/* Unicast probes went unanswered: ask everyone again. */
		wren_arp_start(t, e, req);
	}
	return wren_arp_enqueue(t, e, skb);
}

/* A usable entry: note the use, and probe a stale one now and then. */
static struct sk_buff *wren_arp_use(struct wren_arp_entry *e)
{
	unsigned long now = jiffies;

	e->used = now;
	if (e->state != WREN_ARP_STALE || time_before(now, e->probe_at))
		return NULL;
	e->probes++;
	e->probe_at = now + WREN_ARP_RETRY_TIME;
	return wren_arp_request(e->ifc, e->ip, e->mac);
}

static bool wren_arp_usable(const struct wren_arp_entry *e)
{
	switch (e->state) {
	case WREN_ARP_REACHABLE:
	case WREN_ARP_PERMANENT:
		return true;
	case WREN_ARP_STALE:
		return e->probes < WREN_ARP_RETRIES;
	}
	return false;
}

int wren_arp_output(struct wren_iface *ifc, struct sk_buff *skb,
		    __be32 nexthop)
{
	struct wren_arp_table *t = ifc->wn->arp;
	struct sk_buff *req = NULL;
	struct wren_arp_entry *e;
	u8 mac[ETH_ALEN];
	int err;

	rcu_read_lock();
	if (wren_arp_fixed_mac(ifc, nexthop, mac)) {
		err = wren_link_output(ifc, skb, mac, htons(ETH_P_IP));
		goto out;
	}
	spin_lock_bh(&t->lock);
	e = wren_arp_find(t, nexthop, ifc);
	if (e && wren_arp_usable(e)) {
		ether_addr_copy(mac, e->mac);
		req = wren_arp_use(e);
		spin_unlock_bh(&t->lock);
		err = wren_link_output(ifc, skb, mac, htons(ETH_P_IP));
	} else {
		err = wren_arp_resolve(t, ifc, e, nexthop, skb, &req);
		spin_unlock_bh(&t->lock);
	}
	if (req)
		wren_arp_xmit_one(req);
out:
	rcu_read_unlock();
	return err;
}

/* ---- the timer ------------------------------------------------------------------ */

static void wren_arp_fail(struct wren_arp_table *t, struct wren_arp_entry *e,
			  struct sk_buff_head *failed)
{
	t->n_queued -= skb_queue_len(&e->queue);
	skb_queue_splice_tail_init(&e->queue, failed);
	e->state = WREN_ARP_FAILED;
	e->deadline = jiffies + WREN_ARP_FAILED_HOLD;
}

/* One entry's deadline passed.  Returns false when e was freed. */
static bool wren_arp_expire(struct wren_arp_table *t, struct wren_arp_entry *e,
			    struct sk_buff_head *out,
			    struct sk_buff_head *failed)
{
	unsigned long now = jiffies;
	struct sk_buff *req;

	switch (e->state) {
	case WREN_ARP_INCOMPLETE:
		if (e->probes >= WREN_ARP_RETRIES) {
			wren_arp_fail(t, e, failed);
			break;
		}
		e->probes++;
		e->deadline = now + WREN_ARP_RETRY_TIME;
		req = wren_arp_request(e->ifc, e->ip, NULL);
		if (req)
			__skb_queue_tail(out, req);
		break;
	case WREN_ARP_REACHABLE:
		e->state = WREN_ARP_STALE;
		e->probes = 0;
		e->probe_at = now;
		e->deadline = max(now, e->used) + WREN_ARP_GC_TIME;
		break;
	case WREN_ARP_STALE:
		if (time_before(now, e->used + WREN_ARP_GC_TIME)) {
			e->deadline = e->used + WREN_ARP_GC_TIME;
			break;
		}
		fallthrough;
	case WREN_ARP_FAILED:
		wren_arp_destroy(t, e, WREN_DROP_ARP_FAILED);
		return false;
	}
	return true;
}

static void wren_arp_report_failed(struct wren_arp_table *t,
				   struct sk_buff_head *failed)
{
	struct sk_buff *skb;

	while ((skb = __skb_dequeue(failed))) {
		wren_icmp_local_error(t->wn->net, skb, ICMP_DEST_UNREACH,
				      ICMP_HOST_UNREACH, 0);
		wren_drop_out(t->wn, skb, WREN_DROP_ARP_FAILED);
	}
}

static void wren_arp_timer(struct timer_list *tm)
{
	struct wren_arp_table *t = from_timer(t, tm, timer);
	struct sk_buff_head out, failed;
	unsigned long now = jiffies, next = now + WREN_ARP_GC_TIME;
	struct wren_arp_entry *e;
	struct hlist_node *tmp;
	bool pending = false;
	unsigned int b;

	__skb_queue_head_init(&out);
	__skb_queue_head_init(&failed);
	rcu_read_lock();
	spin_lock_bh(&t->lock);
	for (b = 0; b < WREN_ARP_BUCKETS; b++) {
		hlist_for_each_entry_safe(e, tmp, &t->hash[b], node) {
			if (e->state == WREN_ARP_PERMANENT)
				continue;
			if (time_after_eq(now, e->deadline) &&
			    !wren_arp_expire(t, e, &out, &failed))
				continue;
			if (!pending || time_before(e->deadline, next))
				next = e->deadline;
			pending = true;
		}
	}
	if (pending && !t->dead)
		mod_timer(&t->timer, next);
	spin_unlock_bh(&t->lock);
	wren_arp_xmit_list(&out);
	wren_arp_report_failed(t, &failed);
	rcu_read_unlock();
}

/* ---- input ------------------------------------------------------------------------ */

struct wren_arp_msg {
	u16	op;
	__be32	sip, tip;
	u8	sha[ETH_ALEN];
	u8	tha[ETH_ALEN];
};

static int wren_arp_parse(struct wren_iface *ifc, struct sk_buff *skb,
			  struct wren_arp_msg *m)
{
	const struct arphdr *arp;
	const u8 *p;

	if (!pskb_may_pull(skb, sizeof(*arp) + 2 * (ETH_ALEN + 4)))
		return WREN_DROP_ARP_TRUNCATED;
	arp = (const struct arphdr *)skb->data;
	if (arp->ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->ar_pro != htons(ETH_P_IP) || arp->ar_hln != ETH_ALEN ||
	    arp->ar_pln != 4)
		return WREN_DROP_ARP_BAD_FORMAT;
	m->op = ntohs(arp->ar_op);
	if (m->op != ARPOP_REQUEST && m->op != ARPOP_REPLY)
		return WREN_DROP_ARP_BAD_FORMAT;
	p = (const u8 *)(arp + 1);
	memcpy(m->sha, p, ETH_ALEN);
	memcpy(&m->sip, p + ETH_ALEN, 4);
	memcpy(m->tha, p + ETH_ALEN + 4, ETH_ALEN);
	memcpy(&m->tip, p + 2 * ETH_ALEN + 4, 4);
	if (!is_valid_ether_addr(m->sha) || ipv4_is_multicast(m->sip) ||
	    ipv4_is_lbcast(m->sip) || ipv4_is_loopback(m->sip) ||
	    ipv4_is_multicast(m->tip) || ipv4_is_loopback(m->tip))
		return WREN_DROP_ARP_BAD_FORMAT;
	if (ether_addr_equal(m->sha, ifc->dev->dev_addr))
		return WREN_DROP_ARP_NOT_FOR_US;
	return -1;
}

/*
 * Learn from a valid ARP frame: update an entry for the sender, create one
 * when the frame asks us (we will talk back).  Queued packets go to out.
 */
static void wren_arp_learn(struct wren_arp_table *t, struct wren_iface *ifc,
			   const struct wren_arp_msg *m, bool for_us,
			   struct sk_buff_head *out)
{
	struct wren_arp_entry *e;

	spin_lock_bh(&t->lock);
	e = wren_arp_find(t, m->sip, ifc);
	if (!e && for_us && m->op == ARPOP_REQUEST) {
		e = wren_arp_create(t, ifc, m->sip, WREN_ARP_STALE);
		if (e) {
			ether_addr_copy(e->mac, m->sha);
			e->probe_at = jiffies;
			e->deadline = jiffies + WREN_ARP_GC_TIME;
			wren_arp_arm(t, e->deadline);
		}
		e = NULL;
	}
	if (!e || e->state == WREN_ARP_PERMANENT)
		goto out;
	if (e->state == WREN_ARP_INCOMPLETE || e->state == WREN_ARP_FAILED ||
	    (for_us && m->op == ARPOP_REPLY) || e->state == WREN_ARP_STALE) {
		wren_arp_set_reachable(t, e, m->sha);
		wren_arp_release_queue(t, e, out);
	} else if (!ether_addr_equal(e->mac, m->sha)) {
		ether_addr_copy(e->mac, m->sha);
	}
out:
	spin_unlock_bh(&t->lock);
}

static void wren_arp_reply(struct wren_iface *ifc, const struct wren_arp_msg *m)
{
	struct sk_buff *skb;

	skb = wren_arp_build(ifc, ARPOP_REPLY, m->tip, m->sip, m->sha);
	if (skb)
		wren_link_output(ifc, skb, m->sha, htons(ETH_P_ARP));
}

enum wren_share wren_arp_share(struct wren_iface *ifc,
			       const struct sk_buff *skb)
{
	u8 buf[sizeof(struct arphdr) + 2 * (ETH_ALEN + 4)];
	const struct arphdr *arp;
	__be32 sip, tip;
	const u8 *p;

	arp = skb_header_pointer(skb, 0, sizeof(buf), buf);
	if (!arp || arp->ar_hln != ETH_ALEN || arp->ar_pln != 4)
		return WREN_SHARE_PASS;
	p = (const u8 *)(arp + 1);
	memcpy(&sip, p + ETH_ALEN, 4);
	memcpy(&tip, p + 2 * ETH_ALEN + 4, 4);
	if (arp->ar_op == htons(ARPOP_REQUEST) && sip != tip)
		return wren_addr_on_iface(ifc, tip) ? WREN_SHARE_TAKE :
						      WREN_SHARE_PASS;
	/* Replies and announcements: both stacks learn from them. */
	return WREN_SHARE_COPY;
}

/* Called from the rx handler: RCU held. */
void wren_arp_rcv(struct wren_iface *ifc, struct sk_buff *skb)
{
	struct wren_net *wn = ifc->wn;
	struct wren_arp_msg m;
	struct sk_buff_head out;
	bool for_us;
	int reason;

	reason = wren_arp_parse(ifc, skb, &m);
	if (reason >= 0) {
		wren_drop(wn, skb, reason);
		return;
	}
	if (m.sip && wren_addr_on_iface(ifc, m.sip)) {
		pr_warn_ratelimited("wren: %s: %pM claims our address %pI4\n",
				    ifc->dev->name, m.sha, &m.sip);
		wren_drop(wn, skb, WREN_DROP_ARP_CONFLICT);
		return;
	}
	for_us = wren_addr_on_iface(ifc, m.tip);
	__skb_queue_head_init(&out);
	/* A probe (RFC 5227) has sender 0.0.0.0: answer, learn nothing. */
	if (m.sip)
		wren_arp_learn(wn->arp, ifc, &m, for_us, &out);
	if (for_us && m.op == ARPOP_REQUEST)
		wren_arp_reply(ifc, &m);
	wren_arp_xmit_list(&out);
	/* On a shared device, Linux had the frame too: wren only looked. */
	if (for_us || !ifc->exclusive)
		wren_consume(wn, skb);
	else
		wren_drop(wn, skb, WREN_DROP_ARP_NOT_FOR_US);
}

/* ---- administration (RTNL) ------------------------------------------------------- */

int wren_arp_add_permanent(struct wren_iface *ifc, __be32 ip, const u8 *mac,
			   struct netlink_ext_ack *extack)
{
	struct wren_arp_table *t = ifc->wn->arp;
	struct wren_arp_entry *e;
	struct sk_buff_head out;
	int err = 0;

	if (!is_valid_ether_addr(mac) || ipv4_is_multicast(ip) ||
	    ipv4_is_lbcast(ip) || ipv4_is_zeronet(ip)) {
		NL_SET_ERR_MSG(extack, "invalid IPv4 or link-layer address");
		return -EINVAL;
	}
	__skb_queue_head_init(&out);
	spin_lock_bh(&t->lock);
	e = wren_arp_find(t, ip, ifc);
	if (!e)
		e = wren_arp_create(t, ifc, ip, WREN_ARP_PERMANENT);
	if (e) {
		ether_addr_copy(e->mac, mac);
		e->state = WREN_ARP_PERMANENT;
		wren_arp_release_queue(t, e, &out);
	} else {
		NL_SET_ERR_MSG(extack, "ARP table full");
		err = -ENOSPC;
	}
	spin_unlock_bh(&t->lock);
	rcu_read_lock();
	wren_arp_xmit_list(&out);
	rcu_read_unlock();
	return err;
}

int wren_arp_del(struct wren_net *wn, __be32 ip, struct wren_iface *ifc)
{
	struct wren_arp_table *t = wn->arp;
	struct wren_arp_entry *e;
	struct hlist_node *tmp;
	unsigned int b;
	int err = -ENOENT;

	spin_lock_bh(&t->lock);
	for (b = 0; b < WREN_ARP_BUCKETS; b++)
		hlist_for_each_entry_safe(e, tmp, &t->hash[b], node)
			if (e->ip == ip && (!ifc || e->ifc == ifc)) {
				wren_arp_destroy(t, e, WREN_DROP_ARP_FAILED);
				err = 0;
			}
	spin_unlock_bh(&t->lock);
	return err;
}

void wren_arp_flush(struct wren_net *wn, struct wren_iface *ifc, bool all)
{
	struct wren_arp_table *t = wn->arp;
	struct wren_arp_entry *e;
	struct hlist_node *tmp;
	unsigned int b;

	spin_lock_bh(&t->lock);
	for (b = 0; b < WREN_ARP_BUCKETS; b++)
		hlist_for_each_entry_safe(e, tmp, &t->hash[b], node)
			if ((!ifc || e->ifc == ifc) &&
			    (all || e->state != WREN_ARP_PERMANENT))
				wren_arp_destroy(t, e, WREN_DROP_DEV_DOWN);
	spin_unlock_bh(&t->lock);
}

void wren_arp_iface_down(struct wren_iface *ifc)
{
	wren_arp_flush(ifc->wn, ifc, false);
}

int wren_arp_walk(struct wren_net *wn, int idx,
		  int (*fn)(const struct wren_arp_info *, void *), void *arg)
{
	struct wren_arp_table *t = wn->arp;
	struct wren_arp_info info;
	struct wren_arp_entry *e;
	unsigned int b;
	int n = 0;

	spin_lock_bh(&t->lock);
	for (b = 0; b < WREN_ARP_BUCKETS; b++)
		hlist_for_each_entry(e, &t->hash[b], node) {
			if (n++ < idx)
				continue;
			info.ip = e->ip;
			ether_addr_copy(info.mac, e->mac);
			info.state = e->state;
			info.ifindex = e->ifc->dev->ifindex;
			strscpy(info.ifname, e->ifc->dev->name, IFNAMSIZ);
			if (fn(&info, arg)) {
				spin_unlock_bh(&t->lock);
				return n - 1;
			}
		}
	spin_unlock_bh(&t->lock);
	return n;
}

/* ---- namespace --------------------------------------------------------------------- */

int wren_arp_net_init(struct wren_net *wn)
{
	struct wren_arp_table *t = kzalloc(sizeof(*t), GFP_KERNEL);

	if (!t)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	timer_setup(&t->timer, wren_arp_timer, 0);
	t->seed = get_random_u32();
	t->wn = wn;
	wn->arp = t;
	return 0;
}

void wren_arp_net_exit(struct wren_net *wn)
{
	struct wren_arp_table *t = wn->arp;

	spin_lock_bh(&t->lock);
	t->dead = true;
	spin_unlock_bh(&t->lock);
	del_timer_sync(&t->timer);
	wren_arp_flush(wn, NULL, true);
	kfree(t);
	wn->arp = NULL;
}
