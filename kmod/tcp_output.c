// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP: the transmit path.
 *
 * The send queue (sk->sk_write_queue) holds one skb per segment, its data
 * in page fragments and its headroom free for the headers; sent skbs come
 * first, tp->send_head is the first unsent one.  A transmission hands IP a
 * clone (or, while an earlier clone is still in flight, a copy of the
 * head), so the queued skb stays for retransmission.  When the device does
 * TSO, consecutive full-sized segments go out as one GSO skb that refers to
 * their pages.
 */
#include <linux/skbuff.h>
#include <linux/netdevice.h>
#include <net/checksum.h>
#include <net/ip.h>
#include "compat.h"
#include "tcp.h"

/* ---- route and segment size ------------------------------------------------ */

/* Bytes of options every non-SYN segment carries. */
static unsigned int wren_tcp_base_opts(const struct wren_tcp_sock *tp)
{
	return tp->ts_ok ? 12 : 0;
}

/*
 * mss_cache: the data we put in one segment, RFC 9293 3.7.1 (Eff.snd.MSS):
 * min(SendMSS, MMS_S) minus the options we always send.
 */
void wren_tcp_sync_mss(struct sock *sk, u32 pmtu)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 mss;

	tp->pmtu = pmtu;
	mss = pmtu - sizeof(struct iphdr) - sizeof(struct tcphdr);
	if (tp->peer_mss)
		mss = min_t(u32, mss, tp->peer_mss);
	if (tp->user_mss)
		mss = min_t(u32, mss, tp->user_mss);
	mss -= wren_tcp_base_opts(tp);
	if (mss < WREN_TCP_MSS_MIN - wren_tcp_base_opts(tp))
		mss = WREN_TCP_MSS_MIN - wren_tcp_base_opts(tp);
	tp->mss_cache = mss;
}

/*
 * Route the connection (its daddr is set): the source address, the
 * outgoing interface, its MTU and whether it can checksum and segment.
 */
int wren_tcp_route(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct net *net = sock_net(sk);
	struct wren_route_res res;
	struct net_device *dev;
	int oif = READ_ONCE(sk->sk_bound_dev_if);
	int err;

	err = wren_route_lookup(net, tp->ws.daddr, oif, &res);
	if (err) {
		if (err == -ENETUNREACH)
			WREN_INC(wren_net(net), Ip, OutNoRoutes);
		return err;
	}
	if (res.broadcast || ipv4_is_multicast(tp->ws.daddr))
		return -ENETUNREACH;
	/* Bound to 127/8, for a peer off this host: Linux says EINVAL. */
	if (ipv4_is_loopback(tp->ws.saddr) && !res.local)
		return -EINVAL;

	tp->fl.saddr = tp->ws.saddr ? tp->ws.saddr : res.saddr;
	tp->fl.daddr = tp->ws.daddr;
	tp->fl.oif = oif ? oif : res.ifindex;
	tp->fl.proto = IPPROTO_TCP;
	tp->fl.ttl = READ_ONCE(tp->ws.ttl);
	tp->fl.tos = READ_ONCE(tp->ws.tos);
	tp->fl.df = true;

	tp->gso_ok = 0;
	tp->csum_ok = 0;
	if (res.local) {
		/* Never leaves the host: the checksum is not needed. */
		tp->csum_ok = 1;
	} else {
		rcu_read_lock();
		dev = dev_get_by_index_rcu(net, res.ifindex);
		if (dev) {
			netdev_features_t f = dev->features;

			if (f & (NETIF_F_IP_CSUM | NETIF_F_HW_CSUM))
				tp->csum_ok = 1;
			if (tp->csum_ok && (f & NETIF_F_TSO) && f & NETIF_F_SG)
				tp->gso_ok = 1;
		}
		rcu_read_unlock();
	}
	if (!tp->pmtu || res.mtu < tp->pmtu || !tp->mss_cache)
		tp->pmtu = res.mtu ? res.mtu : 1500;
	if (!tp->advmss) {
		tp->advmss = tp->pmtu - sizeof(struct iphdr) -
			     sizeof(struct tcphdr);
		if (tp->user_mss && tp->user_mss < tp->advmss)
			tp->advmss = tp->user_mss;
	}
	wren_tcp_sync_mss(sk, tp->pmtu);
	return 0;
}

/* ---- windows ---------------------------------------------------------------- */

/* Receive window the free buffer allows (half, for skb overhead). */
u32 wren_tcp_window_space(const struct sock *sk)
{
	const struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	int free = READ_ONCE(sk->sk_rcvbuf) - atomic_read(&sk->sk_rmem_alloc);
	u32 space;

	if (free <= 0)
		return 0;
	space = free / 2;
	if (wren_tcp_under_pressure(sk))
		space = min_t(u32, space, 4U * tp->advmss);
	return space;
}

/*
 * The window to advertise, RFC 9293 3.8.6.2.2 (receiver SWS avoidance):
 * never move the right edge left; open it only in steps of at least one
 * MSS (or half the buffer).
 */
u32 wren_tcp_select_window(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 mss = tp->rcv_mss ? tp->rcv_mss : tp->advmss;
	u32 space = wren_tcp_window_space(sk);
	s32 cur = (s32)(tp->rcv_wup + tp->rcv_wnd - tp->rcv_nxt);
	u32 win;

	if (cur < 0)
		cur = 0;
	if (space < mss && space < (u32)READ_ONCE(sk->sk_rcvbuf) / 4)
		space = 0;
	win = space;
	if (win && win > mss)
		win = rounddown(win, mss);
	if (win < (u32)cur)
		win = cur;	/* no shrinking */
	else if (win - cur < mss && win < space / 2 + 1 && cur)
		win = cur;	/* too small a step */
	win = min_t(u32, win, 65535U << tp->rcv_wscale);
	win = ALIGN(win, 1U << tp->rcv_wscale);

	tp->rcv_wnd = win;
	tp->rcv_wup = tp->rcv_nxt;
	return win;
}

/* ---- options ---------------------------------------------------------------- */

static unsigned int wren_tcp_syn_opts_len(const struct wren_tcp_sock *tp,
					  bool synack)
{
	unsigned int len = 4;				/* MSS */

	if (!synack || tp->ts_ok)
		len += 12;				/* SACK_PERM+TS or NOPs+TS */
	else if (tp->sack_ok)
		len += 4;
	if (!synack || tp->ws_ok)
		len += 4;				/* NOP, WS */
	return len;
}

static void wren_tcp_write_syn_opts(struct wren_tcp_sock *tp, __be32 *p,
				    bool synack)
{
	bool ts = !synack || tp->ts_ok;
	bool sack = !synack || tp->sack_ok;

	*p++ = htonl((WREN_TCPOPT_MSS << 24) | (4 << 16) | tp->advmss);
	if (ts) {
		if (sack)
			*p++ = htonl((WREN_TCPOPT_SACK_PERM << 24) | (2 << 16) |
				     (WREN_TCPOPT_TS << 8) | 10);
		else
			*p++ = htonl((WREN_TCPOPT_NOP << 24) |
				     (WREN_TCPOPT_NOP << 16) |
				     (WREN_TCPOPT_TS << 8) | 10);
		*p++ = htonl(wren_tcp_mstamp_ms(tp) + tp->tsoffset);
		*p++ = htonl(synack ? tp->ts_recent : 0);
	} else if (sack) {
		*p++ = htonl((WREN_TCPOPT_NOP << 24) | (WREN_TCPOPT_NOP << 16) |
			     (WREN_TCPOPT_SACK_PERM << 8) | 2);
	}
	if (!synack || tp->ws_ok)
		*p++ = htonl((WREN_TCPOPT_NOP << 24) | (WREN_TCPOPT_WS << 16) |
			     (3 << 8) | tp->rcv_wscale);
}

/* room: option bytes the segment can carry without exceeding the PMTU. */
static unsigned int wren_tcp_est_opts_len(const struct wren_tcp_sock *tp,
					  unsigned int room)
{
	unsigned int len = wren_tcp_base_opts(tp);
	unsigned int n = tp->num_sacks + tp->dsack_pending;

	room = min(room, 40U);
	if (n && tp->sack_ok && room >= len + 12) {
		n = min_t(unsigned int, n, (room - len - 4) / 8);
		len += 4 + 8 * n;
	}
	return len;
}

static void wren_tcp_write_est_opts(struct wren_tcp_sock *tp, __be32 *p,
				    unsigned int len)
{
	unsigned int i, n;

	if (tp->ts_ok) {
		*p++ = htonl((WREN_TCPOPT_NOP << 24) | (WREN_TCPOPT_NOP << 16) |
			     (WREN_TCPOPT_TS << 8) | 10);
		*p++ = htonl(wren_tcp_mstamp_ms(tp) + tp->tsoffset);
		*p++ = htonl(tp->ts_recent);
		len -= 12;
	}
	if (len >= 12) {
		const struct wren_sack_block *b = tp->sacks;

		n = (len - 4) / 8;
		*p++ = htonl((WREN_TCPOPT_NOP << 24) | (WREN_TCPOPT_NOP << 16) |
			     (WREN_TCPOPT_SACK << 8) | (2 + 8 * n));
		if (tp->dsack_pending) {
			/* RFC 2883: the duplicate first, once. */
			*p++ = htonl(tp->dsack.start);
			*p++ = htonl(tp->dsack.end);
			tp->dsack_pending = 0;
			n--;
		}
		for (i = 0; i < n; i++) {
			*p++ = htonl(b[i].start);
			*p++ = htonl(b[i].end);
		}
	}
}

/* ---- building and sending one segment ---------------------------------------- */

static void wren_tcp_csum(struct sk_buff *skb, __be32 saddr, __be32 daddr,
			  bool partial)
{
	struct tcphdr *th = tcp_hdr(skb);

	if (partial) {
		th->check = ~csum_tcpudp_magic(saddr, daddr, skb->len,
					       IPPROTO_TCP, 0);
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = offsetof(struct tcphdr, check);
	} else {
		th->check = 0;
		th->check = csum_tcpudp_magic(saddr, daddr, skb->len,
					      IPPROTO_TCP,
					      skb_checksum(skb, 0, skb->len, 0));
		skb->ip_summed = CHECKSUM_NONE;
	}
}

/* Option space left in a segment of skb's size under the path MTU. */
static unsigned int wren_tcp_opt_room(const struct wren_tcp_sock *tp,
				      const struct sk_buff *skb)
{
	unsigned int seg = skb_is_gso(skb) ? skb_shinfo(skb)->gso_size :
			   skb->len;
	unsigned int hdrs = sizeof(struct iphdr) + sizeof(struct tcphdr);

	if (!tp->pmtu || seg + hdrs >= tp->pmtu)
		return wren_tcp_base_opts(tp);
	return tp->pmtu - hdrs - seg;
}

/* A send-queue skb of more than one segment goes out as a TSO burst. */
static void wren_tcp_set_gso(struct sk_buff *skb, u32 mss)
{
	struct skb_shared_info *sh = skb_shinfo(skb);

	if (skb->len > mss) {
		sh->gso_size = mss;
		sh->gso_segs = DIV_ROUND_UP(skb->len, mss);
		sh->gso_type = SKB_GSO_TCPV4;
	} else {
		sh->gso_size = 0;
		sh->gso_segs = 0;
		sh->gso_type = 0;
	}
}

/* An ACK went out: the delayed-ACK state is paid. */
static void wren_tcp_ack_sent(struct wren_tcp_sock *tp)
{
	tp->ack_pending = WREN_ACK_NONE;
	tp->rcv_unacked = 0;
	if (tp->quickack)
		tp->quickack--;
}

/* ---- TCP small queues ---------------------------------------------------- */

/*
 * A socket sends at most WREN_TCP_TSQ_LIMIT bytes ahead of its device:
 * its data segments carry a destructor that counts them out, and the
 * first to go after the sender stopped puts the socket on this CPU's
 * list; a tasklet sends more.  Without this a whole cwnd lands in the
 * device ring at once and the queues past it (QEMU's, the peer's)
 * overflow.  The destructor is module code: each skb holds a socket
 * reference, and the socket a module reference, until it has run.
 */
struct wren_tcp_cpuq {
	struct list_head	head;
	struct tasklet_struct	tasklet;
};

static DEFINE_PER_CPU(struct wren_tcp_cpuq, wren_tcp_tsq);

void wren_tcp_tsq_xmit(struct sock *sk)
{
	if ((1 << sk->sk_state) & (TCPF_ESTABLISHED | TCPF_CLOSE_WAIT |
				   TCPF_FIN_WAIT1 | TCPF_CLOSING |
				   TCPF_LAST_ACK))
		wren_tcp_push(sk, 0);
}

static void wren_tcp_tsq_flush(struct tasklet_struct *t)
{
	struct wren_tcp_cpuq *q = from_tasklet(q, t, tasklet);
	unsigned long flags;
	LIST_HEAD(list);

	local_irq_save(flags);
	list_splice_init(&q->head, &list);
	local_irq_restore(flags);
	while (!list_empty(&list)) {
		struct wren_tcp_sock *tp = list_first_entry(&list,
				struct wren_tcp_sock, tsq_node);
		struct sock *sk = &tp->ws.sk;

		list_del_init(&tp->tsq_node);
		/* Off the list before a destructor may put it on another. */
		smp_mb__before_atomic();
		clear_bit(WREN_TSQ_QUEUED, &tp->tsq_flags);
		bh_lock_sock(sk);
		if (!sock_owned_by_user(sk))
			wren_tcp_tsq_xmit(sk);
		else if (!test_and_set_bit(WREN_TCP_XMIT_DEFERRED,
					   &tp->deferred))
			sock_hold(sk);
		bh_unlock_sock(sk);
		sock_put(sk);
	}
}

/* The destructor of our data segments: they left the host. */
static void wren_tcp_tsq_free(struct sk_buff *skb)
{
	struct sock *sk = skb->sk;
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cpuq *q;
	unsigned long flags;

	atomic_sub(skb->truesize, &tp->tsq_bytes);
	/* The count before the flag (see wren_tcp_tsq_full()). */
	smp_mb__after_atomic();
	if (!test_bit(WREN_TSQ_THROTTLED, &tp->tsq_flags) ||
	    test_and_set_bit(WREN_TSQ_QUEUED, &tp->tsq_flags)) {
		sock_put(sk);
		return;
	}
	clear_bit(WREN_TSQ_THROTTLED, &tp->tsq_flags);
	/* The list keeps this skb's socket reference. */
	local_irq_save(flags);
	q = this_cpu_ptr(&wren_tcp_tsq);
	list_add_tail(&tp->tsq_node, &q->head);
	tasklet_schedule(&q->tasklet);
	local_irq_restore(flags);
}

static void wren_tcp_tsq_own(struct sock *sk, struct sk_buff *skb)
{
	sock_hold(sk);
	skb->sk = sk;
	skb->destructor = wren_tcp_tsq_free;
	atomic_add(skb->truesize, &wren_tcp_sk(sk)->tsq_bytes);
}

/* At the limit: stop, and have the next segment to go wake us. */
static bool wren_tcp_tsq_full(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	if (atomic_read(&tp->tsq_bytes) < WREN_TCP_TSQ_LIMIT)
		return false;
	set_bit(WREN_TSQ_THROTTLED, &tp->tsq_flags);
	/* The flag before the re-read; pairs with the destructor's
	 * atomic_sub() before its test_bit().
	 */
	smp_mb__after_atomic();
	/* All may have gone out before the flag was seen. */
	return atomic_read(&tp->tsq_bytes) >= WREN_TCP_TSQ_LIMIT;
}

static void wren_tcp_cpuq_init(struct wren_tcp_cpuq __percpu *pq,
			       void (*fn)(struct tasklet_struct *))
{
	int cpu;

	for_each_possible_cpu(cpu) {
		struct wren_tcp_cpuq *q = per_cpu_ptr(pq, cpu);

		INIT_LIST_HEAD(&q->head);
		tasklet_setup(&q->tasklet, fn);
	}
}

static void wren_tcp_cpuq_exit(struct wren_tcp_cpuq __percpu *pq)
{
	int cpu;

	for_each_possible_cpu(cpu)
		tasklet_kill(&per_cpu_ptr(pq, cpu)->tasklet);
}

/* ---- sending a segment ----------------------------------------------------- */

/*
 * Send skb (its cb's seq and flags set) with headers built now, the
 * current ACK and window.  With clone, skb stays ours (queued for
 * retransmission) and a clone goes out; else skb is consumed.
 */
int wren_tcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	struct wren_net *wn = tp->tbl->wn;
	unsigned int opts, segs;
	bool syn = tcb->flags & WREN_TCPHDR_SYN;
	struct tcphdr *th;
	u32 win;
	int err;

	tp->tcp_mstamp = wren_tcp_clock_us();
	if (clone) {
		tcb->tx_us = tp->tcp_mstamp;
		/* The GSO fields live in the shared info a clone shares:
		 * set them on the original only while no clone is out.
		 */
		if (skb_cloned(skb)) {
			skb = pskb_copy(skb, GFP_ATOMIC);
			if (skb)
				wren_tcp_set_gso(skb, tp->mss_cache);
		} else {
			wren_tcp_set_gso(skb, tp->mss_cache);
			skb = skb_clone(skb, GFP_ATOMIC);
		}
		if (!skb)
			return -ENOBUFS;
		tcb = WREN_TCP_CB(skb);
		wren_tcp_tsq_own(sk, skb);
	}

	segs = skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
	tp->cnt.segs_out += segs;
	if (skb->len) {
		tp->cnt.data_segs_out += segs;
		tp->cnt.bytes_sent += skb->len;
	}
	if (syn)
		opts = wren_tcp_syn_opts_len(tp, tcb->flags & WREN_TCPHDR_ACK);
	else
		opts = wren_tcp_est_opts_len(tp, wren_tcp_opt_room(tp, skb));

	th = skb_push(skb, sizeof(*th) + opts);
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = tp->ent.lport;
	th->dest = tp->ent.rport;
	th->seq = htonl(tcb->seq);
	th->ack_seq = htonl(tp->rcv_nxt);
	((u8 *)th)[12] = ((sizeof(*th) + opts) / 4) << 4;
	((u8 *)th)[13] = tcb->flags;
	if (syn) {
		win = min_t(u32, wren_tcp_window_space(sk), 65535U);
		tp->rcv_wnd = win;
		tp->rcv_wup = tp->rcv_nxt;
		wren_tcp_write_syn_opts(tp, (__be32 *)(th + 1),
					tcb->flags & WREN_TCPHDR_ACK);
	} else {
		win = wren_tcp_select_window(sk) >> tp->rcv_wscale;
		wren_tcp_write_est_opts(tp, (__be32 *)(th + 1), opts);
	}
	th->window = htons(min_t(u32, win, 65535U));
	/*
	 * In urgent mode, every segment before the pointer carries it
	 * (RFC 9293 3.8.5), or 0xffff while it is further than that.
	 */
	if (wren_tcp_urgent(tp, tcb)) {
		if (wren_before(tp->snd_up, tcb->seq + 0x10000)) {
			th->urg_ptr = htons(tp->snd_up - tcb->seq);
			th->urg = 1;
		} else if (wren_after(tcb->seq + 0xffff, tp->snd_nxt)) {
			th->urg_ptr = htons(0xffff);
			th->urg = 1;
		}
	}

	if (tcb->flags & WREN_TCPHDR_ACK)
		wren_tcp_ack_sent(tp);

	wren_tcp_csum(skb, tp->fl.saddr, tp->fl.daddr,
		      tp->csum_ok || skb_is_gso(skb));
	/* IP_TTL/IP_TOS may change after connect(). */
	tp->fl.ttl = READ_ONCE(tp->ws.ttl);
	tp->fl.tos = READ_ONCE(tp->ws.tos);
	skb->priority = READ_ONCE(sk->sk_priority);
	skb->mark = READ_ONCE(sk->sk_mark);
	WREN_ADD(wn, Tcp, OutSegs, segs);
	err = wren_ip_output(sock_net(sk), skb, &tp->fl);
	if (err == -EMSGSIZE && tp->pmtu > 576) {
		/* Local MTU smaller than we thought: shrink and retry later. */
		wren_tcp_sync_mss(sk, 576);
	}
	return err == -ENOBUFS ? err : 0;
}

/* ---- the send queue ---------------------------------------------------------- */

void wren_tcp_queue_skb(struct sock *sk, struct sk_buff *skb)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);

	__skb_header_release(skb);
	__skb_queue_tail(&sk->sk_write_queue, skb);
	sk_wmem_queued_add(sk, skb->truesize);
	atomic_long_add(skb->truesize, &tp->tbl->mem);
	WRITE_ONCE(tp->write_seq, WREN_TCP_CB(skb)->end_seq);
	if (!tp->send_head)
		tp->send_head = skb;
}

/* A new skb for the send queue: headroom only, data goes in fragments. */
static struct sk_buff *wren_tcp_alloc_skb(gfp_t gfp)
{
	struct sk_buff *skb = alloc_skb_fclone(WREN_TCP_MAX_HEADER, gfp);

	if (skb) {
		skb_reserve(skb, WREN_TCP_MAX_HEADER);
		memset(skb->cb, 0, sizeof(skb->cb));
	}
	return skb;
}

/*
 * Make skb's data ours alone before changing its fragments: a clone of
 * it may still sit in a device queue.  truesize stays as charged.
 */
static int wren_tcp_unclone(struct sk_buff *skb)
{
	unsigned int truesize = skb->truesize;
	int err;

	if (!skb_cloned(skb))
		return 0;
	err = pskb_expand_head(skb, 0, 0, GFP_ATOMIC);
	skb->truesize = truesize;
	if (!err)
		__skb_header_release(skb);	/* clones may write headers */
	return err;
}

/*
 * Split skb after len bytes of data; the tail becomes a new skb right
 * after it in the send queue.  Sent skbs keep their scoreboard marks and
 * the counters follow the two parts' segment counts.
 */
int wren_tcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb), *ncb;
	u32 mss = tp->mss_cache;
	struct sk_buff *nskb;
	int moved, old;
	bool sent;

	if (!len || len >= skb->len || skb_headlen(skb))
		return -EINVAL;
	sent = !tp->send_head ||
	       wren_before(tcb->seq, WREN_TCP_CB(tp->send_head)->seq);
	if (wren_tcp_unclone(skb))
		return -ENOMEM;
	nskb = wren_tcp_alloc_skb(GFP_ATOMIC);
	if (!nskb)
		return -ENOMEM;
	moved = skb->len - len;
	skb_split(skb, nskb, len);
	skb->truesize -= moved;
	nskb->truesize += moved;
	sk_wmem_queued_add(sk, nskb->truesize - moved);
	atomic_long_add(nskb->truesize - moved, &tp->tbl->mem);

	ncb = WREN_TCP_CB(nskb);
	*ncb = *tcb;
	ncb->seq = tcb->seq + len;
	tcb->end_seq = ncb->seq;
	tcb->flags &= ~(WREN_TCPHDR_FIN | WREN_TCPHDR_PSH);
	__skb_header_release(nskb);
	__skb_queue_after(&sk->sk_write_queue, skb, nskb);

	if (!sent)
		return 0;	/* unsent: counted when sent */
	old = tcb->pcount;
	tcb->pcount = wren_tcp_segs(skb->len, mss);
	ncb->pcount = wren_tcp_segs(nskb->len, mss);
	wren_tcp_count_segs(tp, tcb, tcb->pcount + ncb->pcount - old);
	return 0;
}

/*
 * The peer acknowledged the first len bytes of sent skb but not all of
 * it: drop those bytes.  Returns the segments they counted for.
 */
u32 wren_tcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	struct skb_shared_info *sh;
	u32 eat = len, old = tcb->pcount;
	int i, k = 0;

	/* (len == skb->len: all data acked, its FIN not yet.) */
	if (!len || len > skb->len || skb_headlen(skb) ||
	    wren_tcp_unclone(skb))
		return 0;
	sh = skb_shinfo(skb);
	for (i = 0; i < sh->nr_frags; i++) {
		skb_frag_t *f = &sh->frags[i];

		if (skb_frag_size(f) <= eat) {
			eat -= skb_frag_size(f);
			skb_frag_unref(skb, i);
			continue;
		}
		sh->frags[k] = *f;
		if (eat) {
			skb_frag_off_add(&sh->frags[k], eat);
			skb_frag_size_sub(&sh->frags[k], eat);
			eat = 0;
		}
		k++;
	}
	sh->nr_frags = k;
	skb->len -= len;
	skb->data_len -= len;
	skb->truesize -= len;
	sk_wmem_queued_add(sk, -(int)len);
	atomic_long_sub(len, &tp->tbl->mem);
	tcb->seq += len;
	tcb->pcount = wren_tcp_segs(skb->len, tp->mss_cache);
	wren_tcp_count_segs(tp, tcb, tcb->pcount - old);
	return old > tcb->pcount ? old - tcb->pcount : 0;
}

/* Bookkeeping for a newly sent skb (its tx_us set by transmit_skb). */
static void wren_tcp_event_new_data_sent(struct sock *sk, struct sk_buff *skb)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);

	tp->send_head = skb_queue_is_last(&sk->sk_write_queue, skb) ? NULL :
			skb->next;
	tp->snd_nxt = tcb->end_seq;
	tp->packets_out += tcb->pcount;
	if (tp->ca_state == WREN_CA_RECOVERY)
		tp->prr_out += tcb->pcount;
	WREN_ADD(tp->tbl->wn, TcpExt, TCPOrigDataSent, tcb->pcount);
}

/*
 * How much data one send-queue skb takes, and one TSO burst at most: about
 * a millisecond of the sending rate (cwnd/srtt, doubled in slow start, 1.2
 * times after, as Linux's pacing rate), at least two segments, at most
 * 64 KiB; without TSO a segment.  On a slow path a 64 KiB burst would
 * arrive as one lump: one queue spike at the bottleneck, and one ACK from a
 * receiver that coalesces (GRO) where smaller bursts draw several, which is
 * what the RTT sampling of HyStart (and of the RTO) needs.  The same rule
 * as Linux's tcp_tso_autosize().
 */
u32 wren_tcp_size_goal(const struct wren_tcp_sock *tp)
{
	u32 mss = tp->mss_cache, max, segs;
	u64 per_ms;

	if (!tp->gso_ok || !mss || mss >= WREN_TCP_GSO_MAX / 2)
		return mss;
	max = WREN_TCP_GSO_MAX / mss;
	if (!tp->srtt_us)
		return max * mss;
	/* cwnd segments per srtt (srtt_us is << 3), times 2.0 or 1.2, per ms */
	per_ms = div64_u64((u64)tp->snd_cwnd * 8000 *
			   (wren_tcp_in_slow_start(tp) ? 20 : 12),
			   (u64)tp->srtt_us * 10);
	segs = clamp_t(u64, per_ms, 2, max);
	return segs * mss;
}

/* At most how many bytes of skb may go now: cwnd quota, TSO size. */
static u32 wren_tcp_burst(const struct wren_tcp_sock *tp, u32 quota)
{
	u32 goal = wren_tcp_size_goal(tp);

	return min_t(u64, (u64)quota * tp->mss_cache, goal);
}

/*
 * Send what cwnd, the peer's window and Nagle allow, each skb at most a
 * TSO burst (split where a limit falls inside it).
 * nonagle: 0 Nagle applies, 1 push everything (TCP_NODELAY, FIN, end of a
 * write with PSH), 2 only full segments (more data is being copied in),
 * 3 push everything even when corked (TCP_NODELAY being set, and the
 * persist timer: TCP_CORK's ceiling, as Linux's).  TCP_CORK turns 0 and 1
 * into 2.
 * Returns true when data is waiting but nothing is in flight; the persist
 * timer is then armed.
 */
bool wren_tcp_write_xmit(struct sock *sk, int nonagle)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	bool sent = false;
	struct sk_buff *skb;

	if (tp->nodelay && nonagle == 0)
		nonagle = 1;
	if (tp->cork && nonagle < 2)
		nonagle = 2;
	if (tp->packets_out == 0 && tp->lsndtime &&
	    time_after(jiffies, tp->lsndtime + tp->rto) && tp->cong &&
	    tp->cong->cwnd_event)
		tp->cong->cwnd_event(sk, WREN_CA_EVENT_TX_START);

	while ((skb = tp->send_head)) {
		struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
		u32 in_flight = wren_tcp_in_flight(tp);
		u32 mss = tp->mss_cache;
		u32 wnd_end = wren_tcp_wnd_end(tp);
		u32 limit, end;
		s32 room;

		if (in_flight >= tp->snd_cwnd || !mss || wren_tcp_tsq_full(sk))
			break;
		limit = wren_tcp_burst(tp, tp->snd_cwnd - in_flight);

		/* The peer's window, for the part that would go. */
		room = (s32)(wnd_end - tcb->seq);
		end = skb->len > limit ? tcb->seq + limit : tcb->end_seq;
		if (wren_after(end, wnd_end)) {
			if (room >= (s32)mss) {
				limit = min_t(u32, limit, room / mss * mss);
			} else if (room > 0 && (u32)room < skb->len &&
				   (u32)room >= tp->max_window / 2) {
				/* Sender SWS avoidance: a partial segment only
				 * into at least half the largest window seen.
				 */
				limit = room;
			} else {
				break;
			}
		}
		/*
		 * Urgent data goes a segment at a time: each carries its own
		 * pointer, which segmentation offload would copy unchanged.
		 */
		if (wren_tcp_urgent(tp, tcb))
			limit = min_t(u32, limit, mss);
		/* Nagle (or cork) holds back a short last segment; not urgent
		 * data or a FIN.
		 */
		if (skb->len % mss && skb->len <= limit && !tp->urg_mode &&
		    !(tcb->flags & WREN_TCPHDR_FIN) &&
		    skb_queue_is_last(&sk->sk_write_queue, skb) &&
		    (nonagle == 2 || (nonagle == 0 && tp->packets_out))) {
			if (skb->len < mss)
				break;
			limit = skb->len / mss * mss;
		}
		if (skb->len > limit && wren_tcp_fragment(sk, skb, limit))
			break;
		tcb->pcount = wren_tcp_segs(skb->len, mss);
		if (wren_tcp_transmit_skb(sk, skb, true))
			break;
		wren_tcp_event_new_data_sent(sk, skb);
		sent = true;
	}

	if (sent) {
		tp->lsndtime = jiffies;
		/* Sending, not acking, is what lowers the unsent bytes. */
		if (tp->notsent_lowat && sk->sk_socket &&
		    test_bit(SOCK_NOSPACE, &sk->sk_socket->flags))
			sk->sk_write_space(sk);
		if (!timer_pending(&tp->rtx_timer) ||
		    tp->timer_mode != WREN_TCP_TIMER_RTO)
			wren_tcp_rearm_rto(sk);
	}
	/*
	 * Data waits and nothing is in flight, so no ACK will come to send
	 * it: the persist timer must.  Whatever held it back (a closed
	 * window, a failed allocation in fragment or transmit, a short
	 * segment held by MSG_MORE), the timer sends a window probe or
	 * pushes again, as Linux's tcp_check_probe_timer().
	 */
	if (tp->send_head && !tp->packets_out) {
		unsigned long when = min_t(unsigned long,
					   tp->rto << tp->backoff,
					   WREN_TCP_RTO_MAX);

		if (tp->timer_mode != WREN_TCP_TIMER_PROBE)
			wren_tcp_reset_rtx_timer(sk, WREN_TCP_TIMER_PROBE,
						 when);
		return true;
	}
	return false;
}

void wren_tcp_push(struct sock *sk, int nonagle)
{
	if (wren_tcp_sk(sk)->send_head)
		wren_tcp_write_xmit(sk, nonagle);
}

/* ---- retransmission ----------------------------------------------------------- */

int wren_tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);
	u32 in_flight = wren_tcp_in_flight(tp), limit, segs;
	int err;

	/* As much of it as cwnd lets go, at least a segment. */
	limit = wren_tcp_burst(tp, tp->snd_cwnd > in_flight ?
				   tp->snd_cwnd - in_flight : 1);
	if (wren_tcp_urgent(tp, tcb))
		limit = min_t(u32, limit, tp->mss_cache);
	if (skb->len > limit && wren_tcp_fragment(sk, skb, limit))
		return -ENOMEM;
	/* The MSS may have changed since it was counted. */
	segs = wren_tcp_segs(skb->len, tp->mss_cache);
	wren_tcp_count_segs(tp, tcb, (int)segs - (int)tcb->pcount);
	tcb->pcount = segs;
	err = wren_tcp_transmit_skb(sk, skb, true);
	if (err)
		return err;
	tp->cnt.bytes_retrans += skb->len;
	if (!(tcb->sacked & WREN_TCPCB_RETRANS))
		tp->retrans_out += segs;
	tcb->sacked |= WREN_TCPCB_RETRANS | WREN_TCPCB_EVER_RETRANS;
	tcb->rtx_nxt = tp->snd_nxt;
	if (tp->ca_state == WREN_CA_RECOVERY)
		tp->prr_out += segs;
	tp->total_retrans += segs;
	WREN_ADD(tp->tbl->wn, Tcp, RetransSegs, segs);
	if (tp->ca_state == WREN_CA_RECOVERY)
		WREN_ADD(tp->tbl->wn, TcpExt, TCPFastRetrans, segs);
	else if (tp->ca_state == WREN_CA_LOSS)
		WREN_ADD(tp->tbl->wn, TcpExt, TCPSlowStartRetrans, segs);
	if (!tp->rtx_start)
		tp->rtx_start = jiffies;
	return 0;
}

/* Retransmit the segments marked lost, as far as cwnd allows (RFC 6675). */
void wren_tcp_xmit_retransmit_queue(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *skb;
	bool any = false;

	if (!tp->lost_out)
		return;
	skb_queue_walk(&sk->sk_write_queue, skb) {
		struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);

		if (skb == tp->send_head)
			break;
		if (wren_tcp_in_flight(tp) >= tp->snd_cwnd)
			break;
		if (!(tcb->sacked & WREN_TCPCB_LOST) ||
		    (tcb->sacked & (WREN_TCPCB_SACKED | WREN_TCPCB_RETRANS)))
			continue;
		if (wren_tcp_retransmit_skb(sk, skb))
			break;
		any = true;
	}
	if (any && !timer_pending(&tp->rtx_timer))
		wren_tcp_rearm_rto(sk);
}

/*
 * The tail loss probe fired (RFC 8985 7.3): no ACK for 2 SRTT.  Send one
 * new segment if the peer's window takes it, else retransmit the last
 * one sent, to draw an ACK (with SACK or D-SACK) that tells what was
 * lost; then the RTO watches again.
 */
void wren_tcp_send_loss_probe(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	u32 nxt = tp->snd_nxt, cwnd = tp->snd_cwnd;
	struct sk_buff *skb;

	if (!tp->packets_out)
		return;
	if (tp->ca_state == WREN_CA_OPEN && !tp->tlp_high_seq) {
		if (tp->send_head) {
			/* One segment beyond cwnd, the window permitting. */
			tp->snd_cwnd = wren_tcp_in_flight(tp) + 1;
			wren_tcp_write_xmit(sk, 1);
			tp->snd_cwnd = cwnd;
		}
		tp->tlp_retrans = tp->snd_nxt == nxt;
		if (tp->tlp_retrans) {
			skb = tp->send_head ? tp->send_head->prev :
			      skb_peek_tail(&sk->sk_write_queue);
			if (skb == (struct sk_buff *)&sk->sk_write_queue)
				skb = NULL;
			/* Probe with its last segment only. */
			if (skb && skb->len > tp->mss_cache &&
			    !wren_tcp_fragment(sk, skb, (skb->len - 1) /
						tp->mss_cache * tp->mss_cache))
				skb = skb->next;
			if (skb &&
			    !(WREN_TCP_CB(skb)->sacked & WREN_TCPCB_SACKED))
				wren_tcp_retransmit_skb(sk, skb);
		}
		tp->tlp_high_seq = tp->snd_nxt;
		WREN_INC(tp->tbl->wn, TcpExt, TCPLossProbes);
	}
	wren_tcp_reset_rtx_timer(sk, WREN_TCP_TIMER_RTO,
				 min_t(unsigned long, tp->rto << tp->backoff,
				       WREN_TCP_RTO_MAX));
}

/* ---- control segments ----------------------------------------------------------- */

void wren_tcp_send_ack(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *skb;

	if (sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_LISTEN)
		return;
	skb = wren_tcp_alloc_skb(GFP_ATOMIC);
	if (!skb) {
		/* Try again from the delayed-ACK timer. */
		tp->ack_pending = WREN_ACK_DELAYED;
		wren_tcp_send_delayed_ack(sk);
		return;
	}
	WREN_TCP_CB(skb)->seq = tp->snd_nxt;
	WREN_TCP_CB(skb)->end_seq = tp->snd_nxt;
	WREN_TCP_CB(skb)->flags = WREN_TCPHDR_ACK;
	wren_tcp_transmit_skb(sk, skb, false);
}

void wren_tcp_send_delayed_ack(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	unsigned long ato = tp->delack_ato ? tp->delack_ato :
			    WREN_TCP_DELACK_MIN;

	tp->ack_pending = WREN_ACK_DELAYED;
	if (!timer_pending(&tp->delack_timer))
		sk_reset_timer(sk, &tp->delack_timer, jiffies + ato);
}

/*
 * Persist: a segment outside the window (seq snd_una - 1) makes the peer
 * answer with its current window (RFC 9293 3.8.6.1).
 */
void wren_tcp_send_probe(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *skb = wren_tcp_alloc_skb(GFP_ATOMIC);

	if (!skb)
		return;
	WREN_TCP_CB(skb)->seq = tp->snd_una - 1;
	WREN_TCP_CB(skb)->end_seq = tp->snd_una - 1;
	WREN_TCP_CB(skb)->flags = WREN_TCPHDR_ACK;
	wren_tcp_transmit_skb(sk, skb, false);
}

void wren_tcp_send_fin(struct sock *sk)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *tail = skb_peek_tail(&sk->sk_write_queue);

	if (tp->fin_queued)
		return;
	tp->fin_queued = 1;
	if (tail && tp->send_head) {
		/* Still unsent: the FIN rides on the last segment. */
		WREN_TCP_CB(tail)->flags |= WREN_TCPHDR_FIN;
		WREN_TCP_CB(tail)->end_seq++;
		WRITE_ONCE(tp->write_seq, tp->write_seq + 1);
	} else {
		struct sk_buff *skb;

		skb = wren_tcp_alloc_skb(sk->sk_allocation | __GFP_NOFAIL);
		WREN_TCP_CB(skb)->seq = tp->write_seq;
		WREN_TCP_CB(skb)->end_seq = tp->write_seq + 1;
		WREN_TCP_CB(skb)->flags = WREN_TCPHDR_ACK | WREN_TCPHDR_FIN;
		wren_tcp_queue_skb(sk, skb);
	}
	wren_tcp_write_xmit(sk, 1);
}

/* An RST for an abort (close with data unread, zero linger, ...). */
void wren_tcp_send_active_reset(struct sock *sk, gfp_t gfp)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *skb = wren_tcp_alloc_skb(gfp);

	if (!skb)
		return;
	WREN_TCP_CB(skb)->seq = tp->snd_nxt;
	WREN_TCP_CB(skb)->end_seq = tp->snd_nxt;
	WREN_TCP_CB(skb)->flags = WREN_TCPHDR_ACK | WREN_TCPHDR_RST;
	WREN_INC(tp->tbl->wn, Tcp, OutRsts);
	wren_tcp_transmit_skb(sk, skb, false);
}

/*
 * Queue and send the SYN (or the child's SYN-ACK): seq iss, one octet.
 * @gfp: the SYN goes from connect(), which may sleep; the SYN-ACK from
 * the listener's softirq receive, holding the new child's spinlock, where
 * the child's sk_allocation (the listener's GFP_KERNEL) must not be used.
 */
static int wren_tcp_send_syn_flags(struct sock *sk, u8 flags, gfp_t gfp)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct sk_buff *skb = wren_tcp_alloc_skb(gfp);

	if (!skb)
		return -ENOBUFS;
	WREN_TCP_CB(skb)->seq = tp->iss;
	WREN_TCP_CB(skb)->end_seq = tp->iss + 1;
	WREN_TCP_CB(skb)->flags = flags;
	WREN_TCP_CB(skb)->pcount = 1;
	tp->snd_una = tp->iss;
	tp->snd_nxt = tp->iss;
	WRITE_ONCE(tp->write_seq, tp->iss);
	wren_tcp_queue_skb(sk, skb);
	wren_tcp_transmit_skb(sk, skb, true);
	wren_tcp_event_new_data_sent(sk, skb);
	wren_tcp_reset_rtx_timer(sk, WREN_TCP_TIMER_RTO, tp->rto);
	return 0;
}

int wren_tcp_send_syn(struct sock *sk)
{
	return wren_tcp_send_syn_flags(sk, WREN_TCPHDR_SYN, sk->sk_allocation);
}

int wren_tcp_send_synack(struct sock *sk)
{
	return wren_tcp_send_syn_flags(sk, WREN_TCPHDR_SYN | WREN_TCPHDR_ACK,
				       GFP_ATOMIC);
}

/*
 * ACK coalescing.  While the driver's NAPI poll hands us a burst of
 * segments, the ACK they call for waits on a per-CPU queue flushed by a
 * tasklet, which runs right after the NET_RX softirq: one ACK per socket
 * per burst, as GRO gives Linux.  Only the softirq of one CPU touches its
 * queue, so it needs no lock; the queue holds a socket reference.
 */

static DEFINE_PER_CPU(struct wren_tcp_cpuq, wren_tcp_ackq);

static void wren_tcp_ackq_flush(struct tasklet_struct *t)
{
	struct wren_tcp_cpuq *q = from_tasklet(q, t, tasklet);
	LIST_HEAD(list);

	list_splice_init(&q->head, &list);
	while (!list_empty(&list)) {
		struct wren_tcp_sock *tp = list_first_entry(&list,
				struct wren_tcp_sock, ackq_node);
		struct sock *sk = &tp->ws.sk;

		u8 what;

		list_del_init(&tp->ackq_node);
		bh_lock_sock(sk);
		tp->ackq_queued = 0;
		what = tp->rx_deferred;
		tp->rx_deferred = 0;
		if ((what & WREN_TCP_DEFER_ACK) &&
		    tp->ack_pending != WREN_ACK_NONE &&
		    sk->sk_state != TCP_CLOSE) {
			if (!sock_owned_by_user(sk))
				wren_tcp_send_ack(sk);
			else
				wren_tcp_send_delayed_ack(sk);
		}
		/* Waking needs no ownership of the socket. */
		if ((what & WREN_TCP_DEFER_WAKE) && !sock_flag(sk, SOCK_DEAD))
			sk->sk_data_ready(sk);
		bh_unlock_sock(sk);
		sock_put(sk);
	}
}

/*
 * Do what (WREN_TCP_DEFER_*) at the end of this receive burst; outside
 * softirq (backlog processing, timers run from release_sock) at once.
 */
void wren_tcp_defer(struct sock *sk, u8 what)
{
	struct wren_tcp_sock *tp = wren_tcp_sk(sk);
	struct wren_tcp_cpuq *q;

	if (!in_serving_softirq()) {
		if (what & WREN_TCP_DEFER_ACK)
			wren_tcp_send_ack(sk);
		if (what & WREN_TCP_DEFER_WAKE)
			sk->sk_data_ready(sk);
		return;
	}
	tp->rx_deferred |= what;
	if (tp->ackq_queued)
		return;
	q = this_cpu_ptr(&wren_tcp_ackq);
	tp->ackq_queued = 1;
	sock_hold(sk);
	list_add_tail(&tp->ackq_node, &q->head);
	tasklet_schedule(&q->tasklet);
}

/* The ACK owed now may go at the end of this receive burst. */
void wren_tcp_ack_later(struct sock *sk)
{
	wren_tcp_defer(sk, WREN_TCP_DEFER_ACK);
}

void wren_tcp_ackq_init(void)
{
	wren_tcp_cpuq_init(&wren_tcp_ackq, wren_tcp_ackq_flush);
	wren_tcp_cpuq_init(&wren_tcp_tsq, wren_tcp_tsq_flush);
}

void wren_tcp_ackq_exit(void)
{
	wren_tcp_cpuq_exit(&wren_tcp_ackq);
	wren_tcp_cpuq_exit(&wren_tcp_tsq);
}

/* RFC 5961 challenge ACK, at most WREN_TCP_CHALLENGE_PER_SEC a second. */
void wren_tcp_send_challenge_ack(struct sock *sk)
{
	struct wren_tcp_table *t = wren_tcp_sk(sk)->tbl;
	bool send;

	spin_lock_bh(&t->chal_lock);
	if (time_after(jiffies, t->chal_stamp + HZ)) {
		t->chal_stamp = jiffies;
		t->chal_count = 0;
	}
	send = t->chal_count < WREN_TCP_CHALLENGE_PER_SEC;
	if (send)
		t->chal_count++;
	spin_unlock_bh(&t->chal_lock);
	if (send) {
		WREN_INC(t->wn, TcpExt, TCPChallengeACK);
		wren_tcp_send_ack(sk);
	} else {
		WREN_INC(t->wn, TcpExt, TCPChallengeACKLimited);
	}
}

/* ---- replies without a socket ------------------------------------------------ */

static void wren_tcp_send_reply(struct net *net, struct sk_buff *in_skb,
				u32 seq, u32 ack, u8 flags, u16 win,
				bool ts, u32 tsval, u32 tsecr, u16 mss)
{
	const struct tcphdr *ith = tcp_hdr(in_skb);
	const struct iphdr *iph = ip_hdr(in_skb);
	unsigned int hlen = sizeof(struct tcphdr) + (ts ? 12 : 0) +
			    (mss ? 4 : 0);
	struct wren_flow fl = {};
	struct sk_buff *skb;
	struct tcphdr *th;

	skb = alloc_skb(WREN_TCP_MAX_HEADER, GFP_ATOMIC);
	if (!skb)
		return;
	skb_reserve(skb, WREN_TCP_MAX_HEADER);
	th = skb_push(skb, hlen);
	skb_reset_transport_header(skb);
	memset(th, 0, sizeof(*th));
	th->source = ith->dest;
	th->dest = ith->source;
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	((u8 *)th)[12] = (hlen / 4) << 4;
	((u8 *)th)[13] = flags;
	th->window = htons(win);
	if (ts) {
		__be32 *p = (__be32 *)(th + 1);

		*p++ = htonl((WREN_TCPOPT_NOP << 24) | (WREN_TCPOPT_NOP << 16) |
			     (WREN_TCPOPT_TS << 8) | 10);
		*p++ = htonl(tsval);
		*p = htonl(tsecr);
	}
	if (mss) {
		__be32 *p = (__be32 *)((u8 *)th + hlen - 4);

		*p = htonl((WREN_TCPOPT_MSS << 24) | (4 << 16) | mss);
	}
	fl.saddr = iph->daddr;
	fl.daddr = iph->saddr;
	fl.proto = IPPROTO_TCP;
	fl.df = true;
	wren_tcp_csum(skb, fl.saddr, fl.daddr, false);
	WREN_INC(wren_net(net), Tcp, OutSegs);
	wren_ip_output(net, skb, &fl);
}

/*
 * RFC 9293 3.10.7.1: a segment for no connection.  in_skb: transport
 * header at skb->data... already parsed (tcp_hdr valid, cb filled).
 */
void wren_tcp_send_reset_reply(struct net *net, struct sk_buff *skb)
{
	struct wren_tcp_cb *tcb = WREN_TCP_CB(skb);

	if (tcb->flags & WREN_TCPHDR_RST)
		return;
	if (wren_addr_is_broadcast(net, ip_hdr(skb)->daddr) ||
	    ipv4_is_multicast(ip_hdr(skb)->daddr))
		return;
	WREN_INC(wren_net(net), Tcp, OutRsts);
	if (tcb->flags & WREN_TCPHDR_ACK)
		wren_tcp_send_reply(net, skb, tcb->ack_seq, 0, WREN_TCPHDR_RST,
				    0, false, 0, 0, 0);
	else
		wren_tcp_send_reply(net, skb, 0, tcb->end_seq,
				    WREN_TCPHDR_RST | WREN_TCPHDR_ACK, 0,
				    false, 0, 0, 0);
}

void wren_tcp_send_ack_reply(struct net *net, struct sk_buff *in_skb,
			     u32 seq, u32 ack, u32 win, u32 tsval, u32 tsecr,
			     bool ts)
{
	wren_tcp_send_reply(net, in_skb, seq, ack, WREN_TCPHDR_ACK,
			    min_t(u32, win, 65535U), ts, tsval, tsecr, 0);
}

/* A SYN-ACK carrying a SYN cookie (no connection state kept). */
void wren_tcp_send_synack_cookie(struct net *net, struct sk_buff *in_skb,
				 u32 seq, u32 ack, u16 mss)
{
	wren_tcp_send_reply(net, in_skb, seq, ack,
			    WREN_TCPHDR_SYN | WREN_TCPHDR_ACK, 65535, false,
			    0, 0, mss);
}
