// SPDX-License-Identifier: GPL-2.0
/*
 * wren: the datagram port tables (UDP ports, ICMP echo identifiers) and
 * their /proc/net/wren/{udp,ping} listing.
 *
 * One table per protocol per namespace, hashed by local port only, so that
 * the receive path reads one bucket per datagram; bind conflicts follow
 * Linux's UDP rules.  TCP keeps its own bind buckets (tcp_hash.c).
 * Locking is described at struct wren_port_table (sock.h).
 */
#include <linux/jhash.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/seq_file.h>
#include <net/sock.h>
#include "netns.h"
#include "sock.h"

/* ---- tables ---------------------------------------------------------------- */

int wren_port_table_init(struct wren_port_table *t, u16 low, u16 high)
{
	unsigned int i;

	t->hash = kvmalloc_array(WREN_PORT_HASH_SIZE, sizeof(*t->hash),
				 GFP_KERNEL);
	if (!t->hash)
		return -ENOMEM;
	for (i = 0; i < WREN_PORT_HASH_SIZE; i++)
		INIT_HLIST_HEAD(&t->hash[i]);
	spin_lock_init(&t->lock);
	t->mask = WREN_PORT_HASH_SIZE - 1;
	t->count = 0;
	t->low = low;
	t->high = high;
	t->peer_ports = true;
	return 0;
}

void wren_port_table_destroy(struct wren_port_table *t)
{
	WARN_ON_ONCE(t->count);
	kvfree(t->hash);
	t->hash = NULL;
}

/*
 * May sk take port num next to the sockets already there?  As Linux's UDP:
 * two sockets clash when their bound addresses overlap (either is the
 * wildcard, or they are equal) and their bound devices overlap, unless
 * both set SO_REUSEADDR, or both set SO_REUSEPORT under the same owner.
 * Table lock held.
 */
static bool wren_port_in_use(struct wren_port_table *t, struct sock *sk,
			     u16 num)
{
	struct wren_sock *ws = wren_sk(sk);
	struct wren_sock *o;

	hlist_for_each_entry(o, wren_port_bucket(t, num), port_node) {
		struct sock *sk2 = &o->sk;
		__be32 addr2 = READ_ONCE(o->rcv_saddr);

		if (o == ws || o->num != num)
			continue;
		if (addr2 && ws->rcv_saddr && addr2 != ws->rcv_saddr)
			continue;
		if (sk2->sk_bound_dev_if && sk->sk_bound_dev_if &&
		    sk2->sk_bound_dev_if != sk->sk_bound_dev_if)
			continue;
		if (sk2->sk_reuse && sk->sk_reuse)
			continue;
		if (sk2->sk_reuseport && sk->sk_reuseport &&
		    uid_eq(sock_i_uid(sk2), sock_i_uid(sk)))
			continue;
		return true;
	}
	return false;
}

int wren_port_get(struct wren_port_table *t, struct sock *sk,
		  unsigned short snum)
{
	struct wren_sock *ws = wren_sk(sk);
	u32 range, off, i;
	u16 num = snum;

	if (WARN_ON_ONCE(!hlist_unhashed(&ws->port_node)))
		return -EINVAL;

	spin_lock(&t->lock);
	if (!num) {
		/*
		 * RFC 6056 algorithm 1: start at a random point of the
		 * range and take the first free port after it.
		 */
		range = (u32)t->high - t->low + 1;
		off = get_random_u32_below(range);
		for (i = 0; i < range; i++) {
			u16 cand = t->low + (off + i) % range;

			if (!wren_port_in_use(t, sk, cand)) {
				num = cand;
				break;
			}
		}
		if (!num)
			goto busy;
	} else if (wren_port_in_use(t, sk, num)) {
		goto busy;
	}

	WRITE_ONCE(ws->num, num);
	WRITE_ONCE(ws->sport, htons(num));
	hlist_add_head_rcu(&ws->port_node, wren_port_bucket(t, num));
	t->count++;
	spin_unlock(&t->lock);
	return 0;

busy:
	spin_unlock(&t->lock);
	return -EADDRINUSE;
}

void wren_port_put(struct wren_port_table *t, struct sock *sk)
{
	struct wren_sock *ws = wren_sk(sk);

	spin_lock(&t->lock);
	if (!hlist_unhashed(&ws->port_node)) {
		hlist_del_init_rcu(&ws->port_node);
		t->count--;
		WRITE_ONCE(ws->num, 0);
		WRITE_ONCE(ws->sport, 0);
	}
	spin_unlock(&t->lock);
}

/*
 * Score a candidate: a socket that names the peer beats one bound to the
 * address, which beats one bound to the device, which beats a wildcard.
 */
static int wren_sock_score(const struct sock *sk)
{
	const struct wren_sock *ws = wren_sk(sk);
	int score = 1;

	if (READ_ONCE(ws->daddr))
		score += 8;
	if (READ_ONCE(ws->rcv_saddr))
		score += 4;
	if (READ_ONCE(sk->sk_bound_dev_if))
		score += 2;
	return score;
}

/*
 * The best match; among an SO_REUSEPORT group that shares the best score
 * (bind let them share the port: same owner), the one a hash of the
 * 4-tuple picks, so a flow stays with one socket and flows spread over the
 * group, as Linux's reuseport_select_sock() by hash.
 */
struct sock *wren_port_lookup_rcu(struct wren_port_table *t,
				  __be32 raddr, __be16 rport,
				  __be32 laddr, u16 lport, int dif)
{
	static u32 wren_reuseport_secret __read_mostly;
	struct sock *best = NULL;
	struct wren_sock *ws;
	int best_score = 0;
	u32 group = 0, pick;

	hlist_for_each_entry_rcu(ws, wren_port_bucket(t, lport), port_node) {
		int score;

		if (!wren_sock_match(t, &ws->sk, raddr, rport, laddr, lport,
				     dif))
			continue;
		score = wren_sock_score(&ws->sk);
		if (score > best_score) {
			best = &ws->sk;
			best_score = score;
			group = 0;
		}
		if (score == best_score && ws->sk.sk_reuseport)
			group++;
	}
	if (group < 2 || !best->sk_reuseport)
		return best;

	net_get_random_once(&wren_reuseport_secret,
			    sizeof(wren_reuseport_secret));
	pick = reciprocal_scale(jhash_3words((__force u32)raddr,
					     (__force u32)laddr,
					     (__force u32)rport << 16 | lport,
					     wren_reuseport_secret), group);
	hlist_for_each_entry_rcu(ws, wren_port_bucket(t, lport), port_node) {
		if (!ws->sk.sk_reuseport ||
		    wren_sock_score(&ws->sk) != best_score ||
		    !wren_sock_match(t, &ws->sk, raddr, rport, laddr, lport,
				     dif))
			continue;
		if (!pick--)
			return &ws->sk;
	}
	return best;	/* the group changed under us: any member will do */
}

/* ---- /proc/net/wren/{udp,ping} -------------------------------------------- */

struct wren_port_seq {
	struct wren_port_table	*t;
	unsigned int		bucket;
};

static struct wren_sock *wren_port_seq_idx(struct wren_port_seq *st,
					   loff_t pos)
{
	struct wren_port_table *t = st->t;
	struct wren_sock *ws;

	for (; st->bucket <= t->mask; st->bucket++) {
		hlist_for_each_entry_rcu(ws, &t->hash[st->bucket], port_node) {
			if (pos-- == 0)
				return ws;
		}
	}
	return NULL;
}

static void *wren_port_seq_start(struct seq_file *seq, loff_t *pos)
	__acquires(RCU)
{
	struct wren_port_seq *st = seq->private;

	st->t = pde_data(file_inode(seq->file));
	st->bucket = 0;
	rcu_read_lock();
	if (!*pos)
		return SEQ_START_TOKEN;
	return wren_port_seq_idx(st, *pos - 1);
}

static void *wren_port_seq_next(struct seq_file *seq, void *v, loff_t *pos)
{
	struct wren_port_seq *st = seq->private;
	struct wren_sock *ws = v;
	struct hlist_node *n;

	++*pos;
	if (v == SEQ_START_TOKEN) {
		st->bucket = 0;
		return wren_port_seq_idx(st, 0);
	}
	n = rcu_dereference(hlist_next_rcu(&ws->port_node));
	if (n)
		return hlist_entry(n, struct wren_sock, port_node);
	st->bucket++;
	return wren_port_seq_idx(st, 0);
}

static void wren_port_seq_stop(struct seq_file *seq, void *v)
	__releases(RCU)
{
	rcu_read_unlock();
}

static int wren_port_seq_show(struct seq_file *seq, void *v)
{
	struct wren_port_seq *st = seq->private;
	struct wren_sock *ws = v;
	struct sock *sk;

	if (v == SEQ_START_TOKEN) {
		seq_puts(seq, "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n");
		return 0;
	}
	sk = &ws->sk;
	seq_printf(seq,
		   "%5d: %08X:%04X %08X:%04X %02X %08X:%08X 00:00000000 00000000 %5u        0 %lu 2 %pK %u\n",
		   st->bucket,
		   READ_ONCE(ws->rcv_saddr), READ_ONCE(ws->num),
		   READ_ONCE(ws->daddr), ntohs(READ_ONCE(ws->dport)),
		   READ_ONCE(sk->sk_state),
		   sk_wmem_alloc_get(sk), sk_rmem_alloc_get(sk),
		   from_kuid_munged(seq_user_ns(seq), sock_i_uid(sk)),
		   sock_i_ino(sk), sk, atomic_read(&sk->sk_drops));
	return 0;
}

static const struct seq_operations wren_port_seq_ops = {
	.start	= wren_port_seq_start,
	.next	= wren_port_seq_next,
	.stop	= wren_port_seq_stop,
	.show	= wren_port_seq_show,
};

int wren_port_proc_init(struct wren_net *wn, const char *name,
			struct wren_port_table *t)
{
	if (!wren_proc_dir(wn))
		return 0;	/* /proc not there: nothing to list under */
	if (!proc_create_seq_private(name, 0444, wren_proc_dir(wn),
				     &wren_port_seq_ops,
				     sizeof(struct wren_port_seq), t))
		return -ENOMEM;
	return 0;
}

void wren_port_proc_exit(struct wren_net *wn, const char *name)
{
	if (wren_proc_dir(wn))
		remove_proc_entry(name, wren_proc_dir(wn));
}
