/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren: TCP (RFC 9293) -- the declarations the tcp*.c files share.
 *
 *   tcp.c          socket calls (connect, listen, accept, send, receive,
 *                  close, options) and state changes
 *   tcp_input.c    the receive path: segment checks, ACK processing, data
 *                  queueing, SACK scoreboard, loss detection
 *   tcp_output.c   the transmit path: segmentation, options, checksums,
 *                  Nagle, window selection, RST and ACK generation
 *   tcp_timer.c    retransmission (RFC 6298), persist, delayed ACK,
 *                  keepalive, FIN_WAIT2 and user timeouts
 *   tcp_hash.c     per-namespace tables: established/time-wait hash,
 *                  listening hash, ports; ISNs (RFC 6528)
 *   tcp_minisock.c passive opens (SYN queue, SYN cookies) and TIME_WAIT
 *   tcp_cong.c     congestion-control interface, registry and NewReno
 *   tcp_cubic.c    CUBIC (RFC 9438)
 *   tcp_proc.c     /proc/net/wren/tcp
 *
 * Locking (as Linux's TCP): every struct wren_tcp_sock field is changed
 * either by a process holding the socket lock (lock_sock) or by softirq or
 * timer code holding bh_lock_sock() while no process owns the socket.
 * Segments that arrive while a process owns the socket go to the socket's
 * backlog and are processed by release_sock() (sk_backlog_rcv); timers that
 * fire then set a bit in ->deferred and are run by release_cb.
 */
#ifndef _WREN_TCP_H
#define _WREN_TCP_H

#include <linux/tcp.h>
#include <linux/rbtree.h>
#include <linux/siphash.h>
#include <net/tcp_states.h>
#include "compat.h"
#include "netns.h"
#include "sock.h"

/* ---- sequence arithmetic (RFC 9293 3.4), wrap-around safe ---------------- */
static inline bool wren_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

#define wren_after(a, b)	wren_before(b, a)

static inline bool wren_between(u32 seq, u32 lo, u32 hi)	/* lo<=seq<=hi */
{
	return hi - lo >= seq - lo;
}

/* ---- constants ----------------------------------------------------------- */
#define WREN_TCP_HLEN_MAX	60
#define WREN_TCP_MAX_HEADER	(WREN_MAX_HEADER + WREN_TCP_HLEN_MAX)
#define WREN_TCP_MSS_DEFAULT	536U	/* RFC 9293 3.7.1 */
#define WREN_TCP_MSS_MIN	88U
#define WREN_TCP_INIT_CWND	10U	/* RFC 6928 */
#define WREN_TCP_RTO_MIN	(HZ / 5)	/* 200 ms */
#define WREN_TCP_RTO_MAX	(120 * HZ)
#define WREN_TCP_RTO_INIT	HZ		/* RFC 6298 2.1 */
#define WREN_TCP_DELACK_MIN	(HZ / 25)	/* 40 ms */
#define WREN_TCP_DELACK_MAX	(HZ / 5)	/* 200 ms */
#define WREN_TCP_SYN_RETRIES	6
#define WREN_TCP_SYNACK_RETRIES	5
#define WREN_TCP_RETRIES2	15
#define WREN_TCP_ORPHAN_RETRIES	8
#define WREN_TCP_FIN_TIMEOUT	(60 * HZ)
#define WREN_TCP_KEEPIDLE	(2 * 60 * 60 * HZ)
#define WREN_TCP_KEEPINTVL	(75 * HZ)
#define WREN_TCP_KEEPCNT	9
#define WREN_TCP_MAX_WSCALE	14
#define WREN_TCP_SNDBUF		(2 * 1024 * 1024)
#define WREN_TCP_RCVBUF		(2 * 1024 * 1024)
#define WREN_TCP_RMEM_RESERVE	(64 * 1024)	/* taken above the limit */
#define WREN_TCP_MAX_SACKS	4
#define WREN_TCP_QUICKACKS	16
#define WREN_TCP_GSO_MAX	(64 * 1024 - 1 - 60 - 20)
/* TCP small queues: at most this much of a socket's data below it (in
 * qdiscs and device rings) at once, about two TSO bursts.
 */
#define WREN_TCP_TSQ_LIMIT	(256 * 1024)
#define WREN_TCP_CHALLENGE_PER_SEC 100	/* RFC 5961 7: rate limit */
#define WREN_TCP_PAWS_24DAYS	(60 * 60 * 24 * 24)

/* Option kinds (RFC 9293, 7323, 2018). */
#define WREN_TCPOPT_EOL		0
#define WREN_TCPOPT_NOP		1
#define WREN_TCPOPT_MSS		2
#define WREN_TCPOPT_WS		3
#define WREN_TCPOPT_SACK_PERM	4
#define WREN_TCPOPT_SACK	5
#define WREN_TCPOPT_TS		8

/* ---- per-skb state: skb->cb while an skb is ours ------------------------- */
struct wren_tcp_cb {
	u32	seq;		/* first sequence number */
	u32	end_seq;	/* seq + data + SYN + FIN */
	union {
		u32	ack_seq;	/* input: the segment's ACK field */
		u32	rtx_nxt;	/* output: snd_nxt at its last
					 * retransmission
					 */
	};
	u64	tx_us;		/* output: time of the last transmission */
	u8	flags;		/* TCPHDR_* of the segment */
	u8	sacked;		/* output: WREN_TCPCB_* */
	u16	window;		/* input: raw window field (host order) */
	u32	tsval, tsecr;	/* input: timestamps, if saw_ts */
	u8	saw_ts;
	u8	dropped;	/* input: counted as a drop (tcp_input.c) */
	u16	pcount;		/* output, once sent: the segments it counts
				 * for in packets_out (an skb carries up to
				 * a TSO burst of MSS-sized segments)
				 */
};

#define WREN_TCP_CB(skb)	((struct wren_tcp_cb *)&((skb)->cb[0]))

#define WREN_TCPCB_SACKED	0x01	/* the peer SACKed it */
#define WREN_TCPCB_RETRANS	0x02	/* retransmitted, not yet acked */
#define WREN_TCPCB_LOST		0x04	/* marked lost, to be retransmitted */
#define WREN_TCPCB_EVER_RETRANS	0x08	/* Karn: no RTT sample from it */

/* Options parsed from a segment (tcp_input.c). */
struct wren_tcp_opts {
	u16	mss;		/* 0: none */
	u8	wscale;		/* valid if saw_ws */
	u8	saw_ws:1, sack_ok:1, saw_ts:1;
	u8	num_sacks;
	u32	tsval, tsecr;
	struct { u32 start, end; } sack[WREN_TCP_MAX_SACKS];
};

struct wren_sack_block {
	u32	start, end;
};

/* ---- the established/time-wait hash entry -------------------------------- */
enum {
	WREN_TCP_ENT_SOCK,	/* in a struct wren_tcp_sock */
	WREN_TCP_ENT_TW,	/* a struct wren_tcp_tw */
};

/*
 * Key and chain of one entry in tbl->ehash; written before hashing.  dif is
 * the device the entry is bound to (SO_BINDTODEVICE, 0: any): a socket's is
 * read from sk_bound_dev_if, as Linux, a time-wait entry keeps its own.
 */
struct wren_tcp_ent {
	struct hlist_node	node;	/* RCU; under the bucket lock */
	__be32			laddr, raddr;
	__be16			lport, rport;
	u8			kind;
	u8			hashed;	/* under the bucket lock */
	int			dif;	/* time-wait entries only */
};

/*
 * The owners of one local port (Linux's inet_bind_bucket): every socket
 * that has the port (bound, connected, listening, a listener's child, an
 * orphan) and every time-wait entry of it.  The port is free again when
 * both lists are empty and the bucket is freed.  All fields are under the
 * lock of the bhash slot the bucket is chained in (bh: children and
 * time-wait entries come and go in softirq).
 */
struct wren_tcp_bind_bucket {
	struct hlist_node	node;		/* in its slot's chain */
	struct hlist_head	owners;		/* wren_sock.port_node */
	struct hlist_head	tws;		/* wren_tcp_tw.bind_node */
	u16			port;
	s8			fastreuse;	/* -1: made by connect() */
};

/* A slot of tbl->bhash: bind buckets whose port hashes here. */
struct wren_tcp_bhead {
	spinlock_t		lock;		/* chain and its buckets (bh) */
	struct hlist_head	chain;
};

/* A connection in TIME_WAIT: what is needed to answer its segments. */
struct wren_tcp_tw {
	struct wren_tcp_ent	ent;		/* must be first */
	refcount_t		refcnt;
	struct wren_tcp_table	*tbl;
	struct timer_list	timer;		/* 2 MSL; holds a reference */
	spinlock_t		lock;		/* the fields below */
	u32			snd_nxt, rcv_nxt, rcv_wnd;
	u32			ts_recent, ts_recent_stamp, tsoffset;
	u8			rcv_wscale, ts_ok;
	u8			substate;	/* TCP_TIME_WAIT or TCP_FIN_WAIT2 */
	u8			reuse;		/* the socket's SO_REUSEADDR */
	u8			reuseport;	/* and its SO_REUSEPORT */
	kuid_t			uid;
	/* Port ownership: under the bhash slot lock of ent.lport. */
	struct hlist_node	bind_node;
	struct wren_tcp_bind_bucket *bb;
	struct rcu_head		rcu;
};

/* ---- congestion control -------------------------------------------------- */
enum wren_ca_state {
	WREN_CA_OPEN,
	WREN_CA_DISORDER,	/* SACKs or dupacks seen, no loss yet */
	WREN_CA_RECOVERY,	/* fast recovery (RFC 6582 / 6675) */
	WREN_CA_LOSS,		/* after an RTO */
};

enum wren_ca_event {
	WREN_CA_EVENT_TX_START,	/* first transmission after idle */
	WREN_CA_EVENT_LOSS,	/* RTO */
};

#define WREN_CA_PRIV_SIZE	(8 * sizeof(u64))

/*
 * A congestion-control algorithm.  Called with the socket locked (owned
 * or bh-locked), never concurrently for one socket.  cwnd is in segments.
 */
struct wren_tcp_cong_ops {
	struct list_head	list;		/* registry, under its lock */
	char			name[WREN_CONG_NAME_MAX];
	struct module		*owner;
	/* required */
	u32	(*ssthresh)(struct sock *sk);	/* new ssthresh on loss */
	void	(*cong_avoid)(struct sock *sk, u32 ack, u32 acked);
	/* optional */
	void	(*init)(struct sock *sk);
	void	(*release)(struct sock *sk);
	void	(*set_state)(struct sock *sk, u8 new_state);
	void	(*cwnd_event)(struct sock *sk, enum wren_ca_event ev);
	void	(*pkts_acked)(struct sock *sk, u32 acked, s32 rtt_us);
};

/* ---- tcp_cong.c: the registry and NewReno -------------------------------- */
int wren_tcp_register_cong(struct wren_tcp_cong_ops *ops);
void wren_tcp_unregister_cong(struct wren_tcp_cong_ops *ops);
/* Set sk's algorithm by name; socket locked.  0, -ENOENT or -EBUSY. */
int wren_tcp_set_cong(struct sock *sk, const char *name);
void wren_tcp_init_cong(struct sock *sk);
void wren_tcp_cleanup_cong(struct sock *sk);
int wren_tcp_cong_init(void);		/* registers reno and cubic */
bool wren_tcp_cong_find(const char *name);
void wren_tcp_cong_exit(void);
extern struct wren_tcp_cong_ops wren_tcp_reno;
/* NewReno's pieces, for other algorithms to reuse. */
u32 wren_tcp_reno_ssthresh(struct sock *sk);
void wren_tcp_slow_start(struct sock *sk, u32 *acked);
void wren_tcp_cong_avoid_ai(struct sock *sk, u32 w, u32 acked);

/* ---- tcp_cubic.c: CUBIC -------------------------------------------------- */
extern struct wren_tcp_cong_ops wren_tcp_cubic;

/* ---- the socket ---------------------------------------------------------- */
/* ->deferred bits: timer work postponed while a process owned the socket */
enum {
	WREN_TCP_RTX_DEFERRED,
	WREN_TCP_DELACK_DEFERRED,
	WREN_TCP_KEEPALIVE_DEFERRED,
	WREN_TCP_MTU_DEFERRED,	/* ICMP frag needed while owned: mtu_info */
	WREN_TCP_XMIT_DEFERRED,	/* TSQ: room below us again */
};

/* ->tsq_flags bits */
enum {
	WREN_TSQ_THROTTLED,	/* the sender stopped at the limit */
	WREN_TSQ_QUEUED,	/* on a CPU's TSQ list */
};

/*
 * ->ack_pending: the ACK the receive side owes.  Ordered: a larger value
 * asks for more, so merging two reasons is max().
 */
enum wren_tcp_ack_owed {
	WREN_ACK_NONE,		/* everything received is acknowledged */
	WREN_ACK_DELAYED,	/* owed; may wait (delayed ACK, burst end) */
	WREN_ACK_NOW,		/* owed at once: a duplicate, out of order,
				 * a hole filled, a segment we had to drop
				 */
};

/* What the retransmission timer is armed for. */
enum {
	WREN_TCP_TIMER_NONE,
	WREN_TCP_TIMER_RTO,	/* retransmission (also SYN, SYN-ACK) */
	WREN_TCP_TIMER_PROBE,	/* persist: zero-window probe */
	WREN_TCP_TIMER_TLP,	/* tail loss probe (RFC 8985 7) */
};

struct wren_tcp_sock {
	struct wren_sock	ws;		/* must be first */
	struct wren_tcp_ent	ent;		/* ehash entry */
	struct hlist_node	lnode;		/* listening hash (RCU) */
	struct wren_tcp_table	*tbl;
	/*
	 * The port's bind bucket (ws.port_node is our link in its owners),
	 * NULL when the socket has no port.  Written under the bhash slot
	 * lock by the socket's own (locked) context; read by others only
	 * under that slot lock.
	 */
	struct wren_tcp_bind_bucket *bb;

	/* Send sequence space (RFC 9293 3.3.1). */
	u32	snd_una;	/* oldest unacknowledged */
	u32	snd_nxt;	/* next to send */
	u32	write_seq;	/* end of the data queued by the user */
	u32	snd_wnd;	/* peer's window, scaled */
	u32	max_window;	/* largest snd_wnd seen */
	u32	snd_wl1, snd_wl2;	/* seq/ack of the last window update */
	u32	iss;
	u32	pushed_seq;	/* end of the last write with PSH */

	/* Receive sequence space. */
	u32	rcv_nxt;
	u32	rcv_wnd;	/* last advertised window */
	u32	rcv_wup;	/* rcv_nxt when rcv_wnd was advertised */
	u32	copied_seq;	/* next byte the user reads */
	u32	irs;

	/* Segment sizes. */
	u32	pmtu;		/* path MTU */
	u32	mtu_info;	/* MTU of a deferred ICMP frag needed */
	u16	mss_cache;	/* data bytes per segment we send */
	u16	advmss;		/* MSS we announce */
	u16	peer_mss;	/* MSS the peer announced */
	u16	user_mss;	/* TCP_MAXSEG, 0: none */
	u16	rcv_mss;	/* estimate of the peer's segment size */
	u16	tcp_hlen;	/* header length incl. the usual options */

	/* Negotiated options. */
	u8	snd_wscale;	/* the peer's shift */
	u8	rcv_wscale;	/* our shift */
	u8	ws_ok:1, ts_ok:1, sack_ok:1, nodelay:1, gso_ok:1, csum_ok:1,
		cookie:1, fin_queued:1;
	u8	keepalive_probes;	/* unanswered keepalive probes */
	u8	cork;		/* TCP_CORK: only full segments, until uncorked
				 * or the persist timer's ceiling (one RTO)
				 */
	u32	notsent_lowat;	/* TCP_NOTSENT_LOWAT: writable only while fewer
				 * unsent bytes wait; 0: no limit
				 */
	u8	defer_accept;	/* TCP_DEFER_ACCEPT, as SYN-ACK retransmits:
				 * a listener's, copied to its children
				 */
	u32	ts_recent;	/* peer's latest TSval to echo */
	u32	ts_recent_stamp;	/* seconds when it was saved */
	u32	tsoffset;	/* random offset of our TSval clock */
	u64	tcp_mstamp;	/* the clock (us) read once per event: at each
				 * transmission, and by an ACK that acks data;
				 * TSvals, send times, RTTs and CUBIC use it
				 */

	/* RTT and RTO (RFC 6298). */
	u32	srtt_us;	/* smoothed RTT << 3, 0: no sample yet */
	u32	mdev_us;	/* RTT variance << 2 */
	u32	rto;		/* jiffies */
	u8	backoff;	/* exponent of the RTO backoff */
	u8	retransmits;	/* RTOs since the last forward progress */
	u8	probes_out;	/* zero-window probes without a reply */
	u8	timer_mode;	/* WREN_TCP_TIMER_* */
	u32	total_retrans;
	unsigned long	rtx_start;	/* jiffies of the first unanswered rtx */
	unsigned long	rcv_tstamp;	/* jiffies of the last received ACK */
	unsigned long	lrcvtime;	/* jiffies of the last received segment */
	unsigned long	lsndtime;	/* jiffies of the last data sent */

	/* Congestion control (RFC 5681, 6582, 6675, 6937). */
	u32	snd_cwnd;	/* segments */
	u32	snd_ssthresh;
	u32	snd_cwnd_cnt;	/* linear-increase counter */
	u32	high_seq;	/* recovery point */
	u32	highest_sack;	/* end of the highest SACKed data seen */
	u64	rack_xmit_us;	/* latest send time of delivered data
				 * never retransmitted (RFC 8985's
				 * RACK.xmit_ts)
				 */
	u32	prior_cwnd;	/* PRR: cwnd when recovery began */
	u32	prr_delivered;	/* PRR: segments delivered in recovery */
	u32	prr_out;	/* PRR: segments sent in recovery */
	u32	tlp_high_seq;	/* snd_nxt when a loss probe went out, 0: none */
	u8	tlp_retrans;	/* that probe was a retransmission */
	u32	packets_out;	/* segments sent, not cumulatively acked */
	u32	sacked_out;	/* of those, SACKed */
	u32	lost_out;	/* of those, marked lost */
	u32	retrans_out;	/* of those, retransmitted and unacked */
	u32	dupacks;	/* NewReno duplicate ACK count */
	u8	ca_state;	/* enum wren_ca_state */
	const struct wren_tcp_cong_ops *cong;
	u64	cong_priv[WREN_CA_PRIV_SIZE / sizeof(u64)];

	/*
	 * Urgent data (MSG_OOB): one byte at a time, as BSD and Linux keep
	 * it; the pointer we send and read is one past the urgent byte
	 * (RFC 9293 3.8.5 says at it; Linux's tcp_stdurg=0, the default).
	 * Lockless readers (poll) use READ_ONCE.
	 */
	u32	snd_up;		/* end of the urgent data we send */
	u32	urg_seq;	/* sequence of the peer's urgent byte */
	u16	urg_data;	/* WREN_URG_* | that byte; 0: none */
	u8	urg_mode;	/* snd_up is still ahead of snd_una */

	/* What the connection carried, for TCP_INFO (Linux's meanings). */
	struct wren_tcp_counts {
		u64	bytes_acked;	/* of ours (a FIN counts one) */
		u64	bytes_received;	/* in order (a FIN counts one) */
		u64	bytes_sent;	/* data, retransmissions included */
		u64	bytes_retrans;
		u32	segs_in, segs_out;	/* every segment, GSO counted */
		u32	data_segs_in, data_segs_out;
		u32	dsack_dups;	/* D-SACKs received */
		u32	rcv_ooopack;	/* segments queued out of order */
		u32	min_rtt_us;	/* the least RTT sample; 0: none */
	} cnt;

	/* Receive-side state. */
	struct rb_root	ooo;		/* out-of-order segments by seq */
	struct sk_buff	*ooo_last;	/* most recently added to ooo */
	u32	ooo_segs;
	struct wren_sack_block	sacks[WREN_TCP_MAX_SACKS]; /* to report */
	struct wren_sack_block	dsack;	/* a duplicate to report (RFC 2883) */
	u8	num_sacks;
	u8	dsack_pending;	/* dsack goes first in the next ACK */
	u8	ack_pending;	/* enum wren_tcp_ack_owed */
	u8	quickack;	/* ACKs still to send immediately */
	u8	delack_armed;
	u32	rcv_unacked;	/* bytes received since our last ACK */
	u32	delack_ato;	/* delayed-ACK timeout, jiffies */

	/* Send queue: sk->sk_write_queue, sent skbs first; send_head is the
	 * first not yet sent (NULL: all sent).
	 */
	struct sk_buff	*send_head;

	/* Timers: retransmission/persist, delayed ACK; sk->sk_timer does
	 * keepalive, SYN_RECV expiry and FIN_WAIT2.
	 */
	struct timer_list	rtx_timer;
	struct timer_list	delack_timer;
	unsigned long		deferred;

	/* User settings. */
	int	keepidle, keepintvl;	/* jiffies */
	int	keepcnt;
	u32	user_timeout;		/* ms, 0: none */
	int	linger2;		/* FIN_WAIT2 timeout for orphans */
	int	syn_retries;

	/* Listener: the accept queue (children that are ESTABLISHED, or
	 * CLOSE_WAIT...) and the count of children still in SYN_RECV.
	 * acc_lock (bh) guards acc_q, acc_len and syn_len.
	 */
	spinlock_t		acc_lock;
	struct list_head	acc_q;
	u32			acc_len;
	u32			syn_len;
	u32			backlog;	/* listen(2) backlog */

	/* Child: its listener (referenced) until accepted or dropped. */
	struct sock		*parent;
	struct list_head	acc_node;
	/* defer_acked: a bare ACK came while TCP_DEFER_ACCEPT waits. */
	u8			in_synq:1, in_accq:1, destroyed:1, defer_acked:1;
	u8			ackq_queued;	/* on this CPU's ACK queue */
	u8			rx_deferred;	/* WREN_TCP_DEFER_* */
	struct list_head	ackq_node;

	/*
	 * TCP small queues: bytes of our segments still in qdiscs and
	 * device rings (their destructor subtracts, in any context, hence
	 * atomic); tsq_flags (WREN_TSQ_*, atomic bitops) and tsq_node (on a
	 * CPU's TSQ list, under that list's irq-off section) wake the
	 * sender when they have gone out.
	 */
	atomic_t		tsq_bytes;
	unsigned long		tsq_flags;
	struct list_head	tsq_node;

	/* Route cached at connect; refreshed on loss and on PMTU change. */
	struct wren_flow	fl;
};

static inline struct wren_tcp_sock *wren_tcp_sk(const struct sock *sk)
{
	return (struct wren_tcp_sock *)sk;
}

static inline struct sock *wren_tcp_ent_sk(struct wren_tcp_ent *e)
{
	return &container_of(e, struct wren_tcp_sock, ent)->ws.sk;
}

static inline u32 wren_tcp_in_flight(const struct wren_tcp_sock *tp)
{
	return tp->packets_out - (tp->sacked_out + tp->lost_out) +
	       tp->retrans_out;
}

/*
 * The segments a sent skb counts for changed by delta (split, trimmed,
 * MSS changed, acked): packets_out and the counters of its marks follow.
 */
static inline void wren_tcp_count_segs(struct wren_tcp_sock *tp,
				       const struct wren_tcp_cb *tcb,
				       int delta)
{
	tp->packets_out += delta;
	if (tcb->sacked & WREN_TCPCB_SACKED)
		tp->sacked_out += delta;
	if (tcb->sacked & WREN_TCPCB_LOST)
		tp->lost_out += delta;
	if (tcb->sacked & WREN_TCPCB_RETRANS)
		tp->retrans_out += delta;
}

/* The segments len bytes of data make at mss (a bare SYN or FIN: one). */
static inline u32 wren_tcp_segs(u32 len, u32 mss)
{
	return mss && len > mss ? DIV_ROUND_UP(len, mss) : 1;
}

static inline u32 wren_tcp_wnd_end(const struct wren_tcp_sock *tp)
{
	return tp->snd_una + tp->snd_wnd;
}

/* Our TSval clock: milliseconds (RFC 7323 5.4: 1 ms .. 1 s per tick). */
static inline u32 wren_tcp_clock_ms(void)
{
	return (u32)div_u64(ktime_get_ns(), NSEC_PER_MSEC);
}

static inline u64 wren_tcp_clock_us(void)
{
	return div_u64(ktime_get_ns(), NSEC_PER_USEC);
}

/* tcp_mstamp in milliseconds: our TSval clock (without the offset). */
static inline u32 wren_tcp_mstamp_ms(const struct wren_tcp_sock *tp)
{
	return (u32)div_u64(tp->tcp_mstamp, USEC_PER_MSEC);
}

static inline bool wren_tcp_in_slow_start(const struct wren_tcp_sock *tp)
{
	return tp->snd_cwnd < tp->snd_ssthresh;
}

static inline void *wren_tcp_ca(const struct sock *sk)
{
	return wren_tcp_sk(sk)->cong_priv;
}

/* ---- per-namespace tables ------------------------------------------------ */
#define WREN_TCP_LHASH_SIZE	64
#define WREN_TCP_PERTURB_SIZE	256

struct wren_tcp_table {
	struct wren_net		*wn;

	/* Established (incl. SYN_RECV children) and TIME_WAIT entries, by
	 * 4-tuple.  Readers: RCU.  Writers: the bucket's lock (bh).
	 */
	struct hlist_head	*ehash;
	spinlock_t		*elocks;	/* bucket i: elocks[i & mask] */
	unsigned int		ehash_mask;
	unsigned int		elocks_mask;

	/* Listening sockets by local port.  Readers: RCU; writers: llock. */
	struct hlist_head	lhash[WREN_TCP_LHASH_SIZE];
	spinlock_t		llock;		/* lhash writers */

	/*
	 * Port ownership (bind, autobind, children, time-wait): bind buckets
	 * by port number, each slot with its own lock (bh).  Lock order: a
	 * slot lock, then an ehash bucket lock.  perturb: RFC 6056
	 * algorithm 4's table of increments (racy updates are harmless).
	 */
	struct wren_tcp_bhead	*bhash;
	unsigned int		bhash_mask;
	u16			port_low, port_high;	/* ephemeral, inclusive */
	u16			perturb[WREN_TCP_PERTURB_SIZE];

	/* Memory of all TCP sockets of the namespace (truesize of queued
	 * skbs); above mem_pressure windows shrink and OOO data is dropped,
	 * above mem_limit new data is refused.
	 */
	atomic_long_t		mem;
	long			mem_pressure, mem_limit;
	unsigned long		mem_flags;	/* bit 0: under pressure */

	atomic_t		orphans;
	atomic_t		tw_count;
	atomic_t		estab;		/* sockets in ESTABLISHED/CLOSE_WAIT */

	/* RFC 5961 challenge ACK rate limit. */
	spinlock_t		chal_lock;
	unsigned long		chal_stamp;
	u32			chal_count;
};

static inline struct wren_tcp_table *wren_tcp_table(struct net *net)
{
	return wren_net(net)->tcp;
}

/* ---- tcp_hash.c: tables, ports, ISNs, memory ----------------------------- */
int wren_tcp_hash_init(void);
void wren_tcp_hash_exit(void);
u32 wren_tcp_ehashfn(__be32 laddr, __be16 lport, __be32 raddr, __be16 rport);
/* Insert e; -EADDRNOTAVAIL if the 4-tuple is taken by another entry. */
int wren_tcp_ehash_add(struct wren_tcp_table *t, struct wren_tcp_ent *e);
/* What a connection taking over a time-wait 4-tuple starts from. */
struct wren_tcp_tw_seed {
	u32	iss;
	u32	ts_recent, ts_recent_stamp;
	bool	valid;
};

/*
 * Ports (Linux's inet_csk_get_port rules).  Socket locked for all of them.
 * get_port: bind() (snum != 0: conflict check; 0: a free port of the
 * ephemeral range) and listen()'s autobind.  0 or -EADDRINUSE.
 */
int wren_tcp_get_port(struct sock *sk, unsigned short snum);
/* Give the port back (no-op without one). */
void wren_tcp_put_port(struct sock *sk);
/* listen() on a bound socket: the conflict check again, as a listener. */
int wren_tcp_listen_port(struct sock *sk);
/* A child takes its listener's port (softirq).  0 or -EADDRINUSE. */
int wren_tcp_inherit_port(struct sock *child, struct sock *lsk);
/* Set the bound address of a socket that may own a port. */
void wren_tcp_set_rcv_saddr(struct sock *sk, __be32 addr);
/*
 * connect(): pick the local port if the socket has none (RFC 6056
 * algorithm 4; ports a bind() holds are skipped, ports only connect()s
 * hold are shared when the 4-tuple differs) and hash the 4-tuple.  A
 * time-wait entry of the same 4-tuple gives way when tcp_twsk_unique()'s
 * rules allow; *seed then says how to start.  0 or -EADDRNOTAVAIL.
 */
int wren_tcp_hash_connect(struct sock *sk, struct wren_tcp_tw_seed *seed);
/* A time-wait entry takes over the socket's port ownership. */
void wren_tcp_tw_bind(struct wren_tcp_tw *tw, struct sock *sk);
void wren_tcp_tw_unbind(struct wren_tcp_tw *tw);
/* Replace old with tw in place (socket -> time-wait); arm tw's timer. */
void wren_tcp_ehash_replace(struct wren_tcp_table *t, struct wren_tcp_ent *old,
			    struct wren_tcp_tw *tw, unsigned long expires);
void wren_tcp_ehash_del(struct wren_tcp_table *t, struct wren_tcp_ent *e);
/*
 * Look a segment up; RCU held by the caller.  Returns a referenced entry
 * (sock or tw) or NULL.
 */
struct wren_tcp_ent *wren_tcp_lookup_est(struct wren_tcp_table *t,
					 __be32 laddr, __be16 lport,
					 __be32 raddr, __be16 rport, int dif);
/*
 * The best listener for laddr:lport (an SO_REUSEPORT group's member by a
 * hash of the 4-tuple), referenced, or NULL.  RCU held.
 */
struct sock *wren_tcp_lookup_listener(struct wren_tcp_table *t, __be32 laddr,
				      __be16 lport, __be32 raddr,
				      __be16 rport, int dif);
/* Hash a listener; -EADDRINUSE if it overlaps one outside its group. */
int wren_tcp_listen_hash(struct sock *sk);
void wren_tcp_listen_unhash(struct sock *sk);
u32 wren_tcp_isn(__be32 saddr, __be32 daddr, __be16 sport, __be16 dport);
u32 wren_tcp_ts_offset(__be32 saddr, __be32 daddr);
u32 wren_tcp_cookie_hash(__be32 saddr, __be32 daddr, __be16 sport,
			 __be16 dport, u32 peer_isn, u32 count);
/* Memory accounting of queued skbs. */
void wren_tcp_rfree(struct sk_buff *skb);
void wren_tcp_charge_r(struct sock *sk, struct sk_buff *skb);
bool wren_tcp_under_pressure(const struct sock *sk);
bool wren_tcp_over_limit(const struct wren_tcp_table *t);

/* ---- tcp_output.c: the transmit path ------------------------------------- */
int wren_tcp_transmit_skb(struct sock *sk, struct sk_buff *skb, bool clone);
void wren_tcp_push(struct sock *sk, int nonagle);
bool wren_tcp_write_xmit(struct sock *sk, int nonagle);
void wren_tcp_send_loss_probe(struct sock *sk);
void wren_tcp_send_ack(struct sock *sk);
void wren_tcp_send_delayed_ack(struct sock *sk);
void wren_tcp_send_fin(struct sock *sk);
void wren_tcp_send_active_reset(struct sock *sk, gfp_t gfp);
int wren_tcp_send_syn(struct sock *sk);
int wren_tcp_send_synack(struct sock *sk);
void wren_tcp_send_probe(struct sock *sk);
int wren_tcp_retransmit_skb(struct sock *sk, struct sk_buff *skb);
int wren_tcp_fragment(struct sock *sk, struct sk_buff *skb, u32 len);
u32 wren_tcp_trim_head(struct sock *sk, struct sk_buff *skb, u32 len);
void wren_tcp_xmit_retransmit_queue(struct sock *sk);
void wren_tcp_send_reset_reply(struct net *net, struct sk_buff *skb);
void wren_tcp_send_ack_reply(struct net *net, struct sk_buff *in_skb,
			     u32 seq, u32 ack, u32 win, u32 tsval, u32 tsecr,
			     bool ts);
void wren_tcp_send_synack_cookie(struct net *net, struct sk_buff *in_skb,
				 u32 seq, u32 ack, u16 mss);
u32 wren_tcp_select_window(struct sock *sk);
u32 wren_tcp_window_space(const struct sock *sk);
void wren_tcp_sync_mss(struct sock *sk, u32 pmtu);
int wren_tcp_route(struct sock *sk);
void wren_tcp_queue_skb(struct sock *sk, struct sk_buff *skb);
void wren_tcp_send_challenge_ack(struct sock *sk);
/* The bytes a send skb should hold (TSO autosizing). */
u32 wren_tcp_size_goal(const struct wren_tcp_sock *tp);
/* Work a receive burst owes, done once at its end (tcp_output.c). */
#define WREN_TCP_DEFER_ACK	0x01	/* send the ACK */
#define WREN_TCP_DEFER_WAKE	0x02	/* wake the reader */
void wren_tcp_defer(struct sock *sk, u8 what);
void wren_tcp_ack_later(struct sock *sk);
void wren_tcp_tsq_xmit(struct sock *sk);
void wren_tcp_ackq_init(void);
void wren_tcp_ackq_exit(void);

/* ---- tcp_input.c: the receive path --------------------------------------- */
/*
 * A segment the state machine drops under @reason, for the frames' ledger
 * (mib.h): counted now, freed by the path's end, wren_tcp_rx_done().
 */
static inline void wren_tcp_drop_mark(struct wren_net *wn, struct sk_buff *skb,
				      enum wren_drop_reason reason)
{
	wren_drop_count(wn, reason, WREN_MIB_WrenFrames_InDropped);
	WREN_TCP_CB(skb)->dropped = 1;
}

/* The end of a received segment's path (NULL: it was queued). */
static inline void wren_tcp_rx_done(struct wren_net *wn, struct sk_buff *skb)
{
	if (!skb)
		return;
	if (WREN_TCP_CB(skb)->dropped)
		kfree_skb(skb);
	else
		wren_consume(wn, skb);
}

int wren_tcp_v4_do_rcv(struct sock *sk, struct sk_buff *skb);
int wren_tcp_rcv_state_process(struct sock *sk, struct sk_buff *skb);
void wren_tcp_parse_options(const struct tcphdr *th,
			    struct wren_tcp_opts *o, bool syn);
void wren_tcp_apply_syn_opts(struct sock *sk, const struct wren_tcp_opts *o);
void wren_tcp_rtt_init(struct sock *sk);
void wren_tcp_enter_loss(struct sock *sk);
void wren_tcp_rearm_rto(struct sock *sk);
void wren_tcp_ooo_purge(struct sock *sk);
void wren_tcp_mtu_reduced(struct sock *sk, u32 mtu);
void wren_tcp_data_ready(struct sock *sk);
void wren_tcp_reset(struct sock *sk);	/* an accepted RST */
void wren_tcp_fin_rcvd(struct sock *sk);

/* ---- tcp_timer.c: timers ------------------------------------------------- */
void wren_tcp_init_timers(struct sock *sk);
void wren_tcp_clear_timers(struct sock *sk);
void wren_tcp_reset_rtx_timer(struct sock *sk, int mode, unsigned long when);
void wren_tcp_clear_rtx_timer(struct sock *sk);
void wren_tcp_reset_keepalive(struct sock *sk, unsigned long len);
void wren_tcp_release_cb(struct sock *sk);
void wren_tcp_rtx_timer_handler(struct sock *sk);
void wren_tcp_delack_handler(struct sock *sk);
void wren_tcp_keepalive_handler(struct sock *sk);
void wren_tcp_tw_timer(struct timer_list *t);
void wren_tcp_tw_put(struct wren_tcp_tw *tw);

/* ---- tcp_minisock.c: passive opens, TIME_WAIT ---------------------------- */
u8 wren_tcp_choose_wscale(const struct sock *sk);
void wren_tcp_conn_request(struct sock *lsk, struct sk_buff *skb);
/* A valid cookie's child (bh-locked, referenced); NULL with *valid false
 * for a bad cookie (answer RST), with *valid true when it cannot be taken
 * now (accept queue full: drop, the peer retransmits).
 */
struct sock *wren_tcp_cookie_check(struct sock *lsk, struct sk_buff *skb,
				   bool *valid);
void wren_tcp_time_wait(struct sock *sk, int state, int timeo);
/* true: a new SYN ended the time-wait, look the segment up again. */
bool wren_tcp_tw_rcv(struct wren_tcp_tw *tw, struct sk_buff *skb);
/* @skb: the ACK, counted as a drop when the accept queue is full. */
void wren_tcp_child_established(struct sock *sk, struct sk_buff *skb);
void wren_tcp_child_drop(struct sock *sk);
void wren_tcp_tw_purge(struct wren_tcp_table *t);
/* Out of ehash and the port's owners, uncounted: the timer's share. */
void wren_tcp_tw_unlink(struct wren_tcp_tw *tw);

/* ---- tcp.c: socket calls and state changes ------------------------------- */
/* The socket calls of wren_stream_ops (af_wren.c), as Linux's tcp_poll &c. */
int wren_tcp_connect_op(struct socket *sock, struct sockaddr *uaddr, int len,
			int flags);
int wren_tcp_listen(struct socket *sock, int backlog);
#ifdef WREN_HAVE_ACCEPT_ARG
int wren_tcp_accept(struct socket *sock, struct socket *newsock,
		    struct proto_accept_arg *arg);
#else
int wren_tcp_accept(struct socket *sock, struct socket *newsock, int flags,
		    bool kern);
#endif
int wren_tcp_getname(struct socket *sock, struct sockaddr *uaddr, int peer);
__poll_t wren_tcp_poll(struct file *file, struct socket *sock,
		       poll_table *wait);
int wren_tcp_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg);
int wren_tcp_shutdown_op(struct socket *sock, int how);
int wren_tcp_setsockopt(struct socket *sock, int level, int optname,
			sockptr_t optval, unsigned int optlen);
int wren_tcp_getsockopt(struct socket *sock, int level, int optname,
			char __user *optval, int __user *optlen);
int wren_tcp_sendmsg(struct socket *sock, struct msghdr *msg, size_t size);
int wren_tcp_recvmsg(struct socket *sock, struct msghdr *msg, size_t len,
		     int flags);
void wren_tcp_set_state(struct sock *sk, int state);
void wren_tcp_done(struct sock *sk);
void wren_tcp_done_err(struct sock *sk, int err);
void wren_tcp_write_queue_purge(struct sock *sk);
void wren_tcp_write_space(struct sock *sk);
int wren_tcp_init_sock(struct sock *sk);
void wren_tcp_init_child(struct sock *child, struct sock *parent);

/* ---- tcp_proc.c: /proc/net/wren/tcp -------------------------------------- */
int wren_tcp_proc_init(struct wren_net *wn);
void wren_tcp_proc_exit(struct wren_net *wn);

/* For the state machine, the flags of RFC 9293's control bits. */
#define WREN_TCPHDR_FIN	0x01
#define WREN_TCPHDR_SYN	0x02
#define WREN_TCPHDR_RST	0x04
#define WREN_TCPHDR_PSH	0x08
#define WREN_TCPHDR_ACK	0x10
#define WREN_TCPHDR_URG	0x20

/* Does the segment starting at tcb->seq lie before our urgent pointer? */
static inline bool wren_tcp_urgent(const struct wren_tcp_sock *tp,
				   const struct wren_tcp_cb *tcb)
{
	return unlikely(tp->urg_mode) && wren_before(tcb->seq, tp->snd_up);
}

/* urg_data: the peer's urgent byte (low 8 bits) and where it stands. */
#define WREN_URG_VALID	0x0100	/* arrived; recv(MSG_OOB) may read it */
#define WREN_URG_NOTYET	0x0200	/* the pointer came, the byte not yet */
#define WREN_URG_READ	0x0400	/* read with MSG_OOB */

static inline u8 wren_tcp_flags(const struct tcphdr *th)
{
	return ((const u8 *)th)[13];
}

#endif /* _WREN_TCP_H */
