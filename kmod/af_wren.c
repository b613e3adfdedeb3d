// SPDX-License-Identifier: GPL-2.0
/*
 * wren: the AF_WREN protocol family (the socket library boundary).
 *
 * socket(AF_WREN, type, protocol) lands in wren_create(), which picks the
 * transport's struct proto and the proto_ops for the socket type.  The
 * datagram proto_ops here serve UDP and ICMP echo sockets alike; the
 * transport-specific work goes through sk->sk_prot.  This file also holds
 * what the transports share: the port tables, the datagram bind / connect /
 * receive / error logic, and the /proc listing of a port table.
 */
#include <linux/module.h>
#include <linux/net.h>
#include <linux/proc_fs.h>
#include <linux/random.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <linux/uaccess.h>
#include <linux/icmp.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <net/sock.h>
#include "compat.h"
#include "netns.h"
#include "sock.h"

/* ---- port tables ---------------------------------------------------------- */

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

struct sock *wren_port_lookup_rcu(struct wren_port_table *t,
				  __be32 raddr, __be16 rport,
				  __be32 laddr, u16 lport, int dif)
{
	struct sock *best = NULL;
	struct wren_sock *ws;
	int best_score = 0;

	hlist_for_each_entry_rcu(ws, wren_port_bucket(t, lport), port_node) {
		int score;

		if (!wren_sock_match(t, &ws->sk, raddr, rport, laddr, lport,
				     dif))
			continue;
		score = wren_sock_score(&ws->sk);
		if (score > best_score) {
			best = &ws->sk;
			best_score = score;
		}
	}
	return best;
}

/* ---- datagram sockets: address checks, bind, connect ----------------------- */

static int wren_check_sockaddr(const struct sockaddr *uaddr, int len)
{
	const struct sockaddr_wren *sa = (const struct sockaddr_wren *)uaddr;

	if (len < (int)sizeof(*sa))
		return -EINVAL;
	if (sa->swren_family != AF_WREN)
		return -EAFNOSUPPORT;
	return 0;
}

int wren_bind(struct socket *sock, struct sockaddr *uaddr, int len)
{
	struct sockaddr_wren *sa = (struct sockaddr_wren *)uaddr;
	struct sock *sk = sock->sk;
	struct wren_sock *ws = wren_sk(sk);
	struct net *net = sock_net(sk);
	unsigned short snum;
	__be32 addr;
	bool nonuni;
	int err;

	if (len < (int)sizeof(*sa))
		return -EINVAL;
	if (sa->swren_family != AF_WREN) {
		/* Linux's compatibility case: AF_UNSPEC with INADDR_ANY. */
		if (sa->swren_family != AF_UNSPEC ||
		    sa->swren_addr != htonl(INADDR_ANY))
			return -EAFNOSUPPORT;
	}

	addr = sa->swren_addr;
	nonuni = ipv4_is_multicast(addr) || wren_addr_is_broadcast(net, addr);
	if (addr && !nonuni && !wren_addr_is_local(net, addr))
		return -EADDRNOTAVAIL;

	snum = ntohs(sa->swren_port);
	if (snum && snum < PROT_SOCK && sk->sk_protocol == IPPROTO_UDP &&
	    !ns_capable(net->user_ns, CAP_NET_BIND_SERVICE))
		return -EACCES;

	lock_sock(sk);
	err = -EINVAL;
	if (sk->sk_state != TCP_CLOSE || ws->num)
		goto out;

	WRITE_ONCE(ws->rcv_saddr, addr);
	WRITE_ONCE(ws->saddr, nonuni ? 0 : addr);
	err = sk->sk_prot->get_port(sk, snum);
	if (err) {
		WRITE_ONCE(ws->rcv_saddr, 0);
		WRITE_ONCE(ws->saddr, 0);
		err = -EADDRINUSE;
		goto out;
	}
	if (addr)
		sk->sk_userlocks |= SOCK_BINDADDR_LOCK;
	if (snum)
		sk->sk_userlocks |= SOCK_BINDPORT_LOCK;
	WRITE_ONCE(ws->daddr, 0);
	WRITE_ONCE(ws->dport, 0);
out:
	release_sock(sk);
	return err;
}

int wren_dgram_autobind(struct sock *sk)
{
	if (wren_sk(sk)->num)
		return 0;
	if (sk->sk_prot->get_port(sk, 0))
		return -EAGAIN;
	return 0;
}

int wren_dgram_route(struct sock *sk, __be32 daddr, u8 proto,
		     struct wren_flow *fl)
{
	struct wren_sock *ws = wren_sk(sk);
	struct net *net = sock_net(sk);
	struct wren_route_res res;
	int oif = READ_ONCE(sk->sk_bound_dev_if);
	int err;

	err = wren_route_lookup(net, daddr, oif, &res);
	if (err) {
		if (err == -ENETUNREACH)
			WREN_INC(wren_net(net), Ip, OutNoRoutes);
		return err;
	}
	if ((res.broadcast || daddr == htonl(INADDR_BROADCAST)) &&
	    !sock_flag(sk, SOCK_BROADCAST))
		return -EACCES;

	memset(fl, 0, sizeof(*fl));
	fl->saddr = READ_ONCE(ws->saddr);
	if (!fl->saddr)
		fl->saddr = res.saddr;
	fl->daddr = daddr;
	fl->oif = oif ? oif : res.ifindex;
	fl->proto = proto;
	fl->ttl = READ_ONCE(ws->ttl);
	fl->tos = READ_ONCE(ws->tos);
	fl->df = false;
	return 0;
}

/* As Linux's ip4_datagram_connect(). */
int wren_dgram_connect(struct sock *sk, struct sockaddr *uaddr, int len)
{
	struct sockaddr_wren *sa = (struct sockaddr_wren *)uaddr;
	struct wren_sock *ws = wren_sk(sk);
	struct wren_flow fl;
	int err;

	err = wren_check_sockaddr(uaddr, len);
	if (err)
		return err;

	lock_sock(sk);
	err = wren_dgram_autobind(sk);
	if (err)
		goto out;
	err = wren_dgram_route(sk, sa->swren_addr, sk->sk_protocol, &fl);
	if (err)
		goto out;

	if (!ws->saddr)
		WRITE_ONCE(ws->saddr, fl.saddr);
	if (!ws->rcv_saddr)
		WRITE_ONCE(ws->rcv_saddr, fl.saddr);
	WRITE_ONCE(ws->daddr, sa->swren_addr);
	WRITE_ONCE(ws->dport, sa->swren_port);
	sk->sk_state = TCP_ESTABLISHED;
	sk_set_txhash(sk);
out:
	release_sock(sk);
	return err;
}

/* As Linux's __udp_disconnect(). */
int wren_dgram_disconnect(struct sock *sk, int flags)
{
	struct wren_sock *ws = wren_sk(sk);

	sk->sk_state = TCP_CLOSE;
	WRITE_ONCE(ws->daddr, 0);
	WRITE_ONCE(ws->dport, 0);
	if (!(sk->sk_userlocks & SOCK_BINDADDR_LOCK)) {
		WRITE_ONCE(ws->rcv_saddr, 0);
		WRITE_ONCE(ws->saddr, 0);
	}
	if (!(sk->sk_userlocks & SOCK_BINDPORT_LOCK))
		sk->sk_prot->unhash(sk);
	sk_dst_reset(sk);
	return 0;
}

static int wren_dgram_connect_op(struct socket *sock, struct sockaddr *uaddr,
				 int len, int flags)
{
	struct sock *sk = sock->sk;
	int err;

	if (len < (int)sizeof(uaddr->sa_family))
		return -EINVAL;
	if (uaddr->sa_family == AF_UNSPEC) {
		lock_sock(sk);
		err = sk->sk_prot->disconnect(sk, flags);
		sock->state = err ? SS_DISCONNECTING : SS_UNCONNECTED;
		release_sock(sk);
		return err;
	}
	err = sk->sk_prot->connect(sk, uaddr, len);
	if (!err)
		sock->state = SS_CONNECTED;
	return err;
}

void wren_dgram_close(struct sock *sk, long timeout)
{
	sk_common_release(sk);
}

int wren_getname(struct socket *sock, struct sockaddr *uaddr, int peer)
{
	DECLARE_SOCKADDR(struct sockaddr_wren *, sa, uaddr);
	struct sock *sk = sock->sk;
	struct wren_sock *ws = wren_sk(sk);

	lock_sock(sk);
	memset(sa, 0, sizeof(*sa));
	sa->swren_family = AF_WREN;
	if (peer) {
		if (!ws->dport || sk->sk_state == TCP_CLOSE) {
			release_sock(sk);
			return -ENOTCONN;
		}
		sa->swren_port = ws->dport;
		sa->swren_addr = ws->daddr;
	} else {
		sa->swren_port = ws->sport;
		sa->swren_addr = ws->rcv_saddr ? ws->rcv_saddr : ws->saddr;
	}
	release_sock(sk);
	return sizeof(*sa);
}

/* ---- datagram sockets: data ------------------------------------------------ */

static int wren_dgram_sendmsg(struct socket *sock, struct msghdr *msg,
			      size_t len)
{
	struct sock *sk = sock->sk;

	if (unlikely(!READ_ONCE(wren_sk(sk)->num))) {
		int err;

		lock_sock(sk);
		err = wren_dgram_autobind(sk);
		release_sock(sk);
		if (err)
			return err;
	}
	return sk->sk_prot->sendmsg(sk, msg, len);
}

/* Above this, datagram data goes in page fragments rather than the head. */
#define WREN_DGRAM_LINEAR_MAX	(2 * PAGE_SIZE)

struct sk_buff *wren_dgram_alloc(struct sock *sk, struct msghdr *msg,
				 unsigned int hlen, size_t len, __wsum *csum,
				 int *err)
{
	int noblock = msg->msg_flags & MSG_DONTWAIT;
	size_t paged = len > WREN_DGRAM_LINEAR_MAX ? len : 0;
	struct sk_buff *skb;

	skb = sock_alloc_send_pskb(sk, WREN_MAX_HEADER + hlen + len - paged,
				   paged, noblock, err,
				   PAGE_ALLOC_COSTLY_ORDER);
	if (!skb)
		return NULL;
	skb_reserve(skb, WREN_MAX_HEADER);
	skb_reset_transport_header(skb);
	memset(skb_put(skb, hlen), 0, hlen);

	if (!paged) {
		*csum = 0;
		if (len && !csum_and_copy_from_iter_full(skb_put(skb, len), len,
							 csum, &msg->msg_iter))
			goto fault;
		return skb;
	}

	skb->data_len = paged;
	skb->len += paged;
	if (skb_copy_datagram_from_iter(skb, hlen, &msg->msg_iter, paged))
		goto fault;
	*csum = skb_checksum(skb, hlen, paged, 0);
	return skb;

fault:
	kfree_skb(skb);
	*err = -EFAULT;
	return NULL;
}

static int wren_dgram_recvmsg_op(struct socket *sock, struct msghdr *msg,
				 size_t len, int flags)
{
	struct sock *sk = sock->sk;
	int addr_len = 0;
	int err;

	err = sk->sk_prot->recvmsg(sk, msg, len, flags, &addr_len);
	if (err >= 0)
		msg->msg_namelen = addr_len;
	return err;
}

int wren_dgram_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		       int flags, int *addr_len, bool *delivered)
{
	DECLARE_SOCKADDR(struct sockaddr_wren *, sa, msg->msg_name);
	struct sk_buff *skb;
	u8 cmsg_flags;
	size_t copied;
	int err;

	*delivered = false;
	if (flags & MSG_ERRQUEUE)
		return -EAGAIN;	/* no IP_RECVERR: the queue stays empty */
	if (flags & MSG_OOB)
		return -EOPNOTSUPP;

	skb = skb_recv_datagram(sk, flags, &err);
	if (!skb)
		return err;

	copied = skb->len;
	if (copied > len) {
		copied = len;
		msg->msg_flags |= MSG_TRUNC;
	}
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (unlikely(err)) {
		if (!(flags & MSG_PEEK))
			atomic_inc(&sk->sk_drops);
		skb_free_datagram(sk, skb);
		return err;
	}

	sock_recv_cmsgs(msg, sk, skb);
	cmsg_flags = READ_ONCE(wren_sk(sk)->cmsg_flags);
	if (cmsg_flags & WREN_CMSG_TTL) {
		int ttl = ip_hdr(skb)->ttl;

		put_cmsg(msg, SOL_IP, IP_TTL, sizeof(ttl), &ttl);
	}
	if (cmsg_flags & WREN_CMSG_TOS) {
		u8 tos = ip_hdr(skb)->tos;

		put_cmsg(msg, SOL_IP, IP_TOS, sizeof(tos), &tos);
	}
	if (sa) {
		memset(sa, 0, sizeof(*sa));
		sa->swren_family = AF_WREN;
		sa->swren_addr = ip_hdr(skb)->saddr;
		if (sk->sk_protocol == IPPROTO_UDP)
			sa->swren_port = udp_hdr(skb)->source;
		*addr_len = sizeof(*sa);
	}
	err = (flags & MSG_TRUNC) ? skb->len : copied;
	*delivered = !(flags & MSG_PEEK);
	skb_free_datagram(sk, skb);
	return err;
}

static int wren_dgram_ioctl(struct socket *sock, unsigned int cmd,
			    unsigned long arg)
{
	struct sock *sk = sock->sk;
	int amount;

	switch (cmd) {
	case SIOCOUTQ:
		amount = sk_wmem_alloc_get(sk);
		break;
	case SIOCINQ: {
		struct sk_buff *skb;

		/* The size of the next datagram, as Linux's UDP. */
		spin_lock_bh(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		amount = skb ? skb->len : 0;
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		break;
	}
	default:
		return -ENOIOCTLCMD;
	}
	return put_user(amount, (int __user *)arg);
}

static int wren_shutdown(struct socket *sock, int how)
{
	struct sock *sk = sock->sk;
	int err = 0;

	/* SHUT_RD (0) -> RCV_SHUTDOWN (1), and so on. */
	how++;
	if ((how & ~SHUTDOWN_MASK) || !how)
		return -EINVAL;

	lock_sock(sk);
	if (sk->sk_state == TCP_CLOSE)
		err = -ENOTCONN;
	/* As Linux: set the flags even then, so that pollers wake up. */
	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | how);
	if (sk->sk_prot->shutdown)
		sk->sk_prot->shutdown(sk, how);
	sk->sk_state_change(sk);
	release_sock(sk);
	return err;
}

static void wren_set_cmsg_flag(struct wren_sock *ws, u8 flag, int on)
{
	u8 f = ws->cmsg_flags;

	WRITE_ONCE(ws->cmsg_flags, on ? (f | flag) : (f & ~flag));
}

/* IPPROTO_IP options wren keeps: IP_TTL, IP_TOS, IP_RECVTTL, IP_RECVTOS. */
int wren_setsockopt(struct socket *sock, int level, int optname,
		    sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	struct wren_sock *ws = wren_sk(sk);
	int err = 0;
	int val;

	if (level != SOL_IP)
		return -ENOPROTOOPT;
	switch (optname) {
	case IP_TTL:
	case IP_TOS:
	case IP_RECVTTL:
	case IP_RECVTOS:
		break;
	default:
		return -ENOPROTOOPT;
	}
	if (optlen >= sizeof(int)) {
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
	} else if (optlen >= sizeof(char)) {
		unsigned char c;

		if (copy_from_sockptr(&c, optval, 1))
			return -EFAULT;
		val = c;
	} else {
		return -EINVAL;
	}

	lock_sock(sk);
	switch (optname) {
	case IP_TTL:
		if (val == -1)
			WRITE_ONCE(ws->ttl, 0);
		else if (val >= 1 && val <= 255)
			WRITE_ONCE(ws->ttl, val);
		else
			err = -EINVAL;
		break;
	case IP_TOS:
		WRITE_ONCE(ws->tos, val & 0xff);
		break;
	case IP_RECVTTL:
		wren_set_cmsg_flag(ws, WREN_CMSG_TTL, val);
		break;
	case IP_RECVTOS:
		wren_set_cmsg_flag(ws, WREN_CMSG_TOS, val);
		break;
	}
	release_sock(sk);
	return err;
}

int wren_getsockopt(struct socket *sock, int level, int optname,
		    char __user *optval, int __user *optlen)
{
	struct wren_sock *ws = wren_sk(sock->sk);
	int val, len;

	if (level != SOL_IP)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;
	if (len < 0)
		return -EINVAL;
	switch (optname) {
	case IP_TTL:
		val = READ_ONCE(ws->ttl);
		if (!val)
			val = 64;
		break;
	case IP_TOS:
		val = READ_ONCE(ws->tos);
		break;
	case IP_RECVTTL:
		val = !!(READ_ONCE(ws->cmsg_flags) & WREN_CMSG_TTL);
		break;
	case IP_RECVTOS:
		val = !!(READ_ONCE(ws->cmsg_flags) & WREN_CMSG_TOS);
		break;
	default:
		return -ENOPROTOOPT;
	}
	len = min_t(unsigned int, len, sizeof(int));
	if (put_user(len, optlen) || copy_to_user(optval, &val, len))
		return -EFAULT;
	return 0;
}

int wren_release(struct socket *sock)
{
	struct sock *sk = sock->sk;
	long timeout = 0;

	if (!sk)
		return 0;
	if (sock_flag(sk, SOCK_LINGER) && !(current->flags & PF_EXITING))
		timeout = sk->sk_lingertime;
	sock->sk = NULL;
	sk->sk_prot->close(sk, timeout);
	return 0;
}

static const struct proto_ops wren_dgram_ops = {
	.family		= PF_WREN,
	.owner		= THIS_MODULE,
	.release	= wren_release,
	.bind		= wren_bind,
	.connect	= wren_dgram_connect_op,
	.socketpair	= sock_no_socketpair,
	.accept		= sock_no_accept,
	.getname	= wren_getname,
	.poll		= datagram_poll,
	.ioctl		= wren_dgram_ioctl,
	.gettstamp	= sock_gettstamp,
	.listen		= sock_no_listen,
	.shutdown	= wren_shutdown,
	.setsockopt	= wren_setsockopt,
	.getsockopt	= wren_getsockopt,
	.sendmsg	= wren_dgram_sendmsg,
	.recvmsg	= wren_dgram_recvmsg_op,
	.mmap		= sock_no_mmap,
	WREN_OPS_NO_SENDPAGE
};

/* ---- ICMP errors ----------------------------------------------------------- */

/* ICMP_DEST_UNREACH codes: errno, and whether a connected socket hears it. */
static const struct {
	u8 err;
	bool hard;
} wren_unreach_err[] = {
	[ICMP_NET_UNREACH]	= { ENETUNREACH,  true },
	[ICMP_HOST_UNREACH]	= { EHOSTUNREACH, true },
	[ICMP_PROT_UNREACH]	= { ENOPROTOOPT,  true },
	[ICMP_PORT_UNREACH]	= { ECONNREFUSED, true },
	[ICMP_FRAG_NEEDED]	= { EMSGSIZE,     false },
	[ICMP_SR_FAILED]	= { EOPNOTSUPP,   false },
	[ICMP_NET_UNKNOWN]	= { ENETUNREACH,  true },
	[ICMP_HOST_UNKNOWN]	= { EHOSTDOWN,    true },
	[ICMP_HOST_ISOLATED]	= { ENONET,       true },
	[ICMP_NET_ANO]		= { ENETUNREACH,  true },
	[ICMP_HOST_ANO]		= { EHOSTUNREACH, true },
	[ICMP_NET_UNR_TOS]	= { ENETUNREACH,  false },
	[ICMP_HOST_UNR_TOS]	= { EHOSTUNREACH, false },
	[ICMP_PKT_FILTERED]	= { EHOSTUNREACH, true },
	[ICMP_PREC_VIOLATION]	= { EHOSTUNREACH, true },
	[ICMP_PREC_CUTOFF]	= { EHOSTUNREACH, true },
};

bool wren_icmp_err_convert(u8 type, u8 code, int *err)
{
	switch (type) {
	case ICMP_DEST_UNREACH:
		if (code >= ARRAY_SIZE(wren_unreach_err))
			return false;
		*err = wren_unreach_err[code].err;
		return wren_unreach_err[code].hard;
	case ICMP_PARAMETERPROB:
		*err = EPROTO;
		return true;
	case ICMP_TIME_EXCEEDED:
		*err = EHOSTUNREACH;
		return false;
	default:
		return false;
	}
}

void wren_dgram_report_err(struct sock *sk, int err)
{
	if (READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
		return;
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
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

/* ---- the family ------------------------------------------------------------ */

static void wren_sock_destruct(struct sock *sk)
{
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_error_queue);
	WARN_ON_ONCE(atomic_read(&sk->sk_rmem_alloc));
	WARN_ON_ONCE(!hlist_unhashed(&wren_sk(sk)->port_node));
}

/*
 * What socket(AF_WREN, type, protocol) makes: the first entry of a type is
 * its default (protocol 0).  TCP slots in here with one line:
 *	{ SOCK_STREAM, IPPROTO_TCP, &wren_tcp_prot, &wren_stream_ops },
 */
static const struct wren_protosw {
	unsigned short		type;
	u8			protocol;
	struct proto		*prot;
	const struct proto_ops	*ops;
} wren_protosw[] = {
	{ SOCK_DGRAM,	IPPROTO_UDP,	&wren_udp_prot,	 &wren_dgram_ops },
	{ SOCK_DGRAM,	IPPROTO_ICMP,	&wren_ping_prot, &wren_dgram_ops },
	{ SOCK_STREAM,	IPPROTO_TCP,	&wren_tcp_prot,	 &wren_stream_ops },
};

/*
 * Errors as AF_INET gives them: a type wren has no protocol of is
 * ESOCKTNOSUPPORT, a known type with an unknown protocol EPROTONOSUPPORT.
 * SOCK_STREAM counts as known: TCP is wren's, only not in yet.
 */
static int wren_create(struct net *net, struct socket *sock, int protocol,
		       int kern)
{
	const struct wren_protosw *sw = NULL;
	struct wren_sock *ws;
	struct sock *sk;
	unsigned int i;
	int err;

	if (protocol < 0 || protocol >= IPPROTO_MAX)
		return -EINVAL;
	if (!wren_net(net))
		return -EAFNOSUPPORT;

	err = sock->type == SOCK_STREAM ? -EPROTONOSUPPORT : -ESOCKTNOSUPPORT;
	for (i = 0; i < ARRAY_SIZE(wren_protosw); i++) {
		if (wren_protosw[i].type != sock->type)
			continue;
		err = -EPROTONOSUPPORT;
		if (!protocol || protocol == wren_protosw[i].protocol) {
			sw = &wren_protosw[i];
			break;
		}
	}
	if (!sw)
		return err;
	protocol = sw->protocol;

	sock->state = SS_UNCONNECTED;
	sk = sk_alloc(net, PF_WREN, GFP_KERNEL, sw->prot, kern);
	if (!sk)
		return -ENOBUFS;

	sock->ops = sw->ops;
	sock_init_data(sock, sk);
	sk->sk_protocol = protocol;
	sk->sk_destruct = wren_sock_destruct;
	sock_set_flag(sk, SOCK_RCU_FREE);

	ws = wren_sk(sk);
	INIT_HLIST_NODE(&ws->port_node);
	ws->rcv_saddr = 0;
	ws->saddr = 0;
	ws->daddr = 0;
	ws->dport = 0;
	ws->sport = 0;
	ws->num = 0;
	ws->ttl = 0;
	ws->tos = 0;
	ws->cmsg_flags = 0;

	if (sk->sk_prot->init) {
		err = sk->sk_prot->init(sk);
		if (err) {
			sk_common_release(sk);
			sock->sk = NULL;
			return err;
		}
	}
	return 0;
}

static const struct net_proto_family wren_family_ops = {
	.family	= PF_WREN,
	.create	= wren_create,
	.owner	= THIS_MODULE,
};

/* Is wren_protosw[i] the first entry with its struct proto? */
static bool wren_protosw_first(unsigned int i)
{
	unsigned int j;

	for (j = 0; j < i; j++)
		if (wren_protosw[j].prot == wren_protosw[i].prot)
			return false;
	return true;
}

static void wren_proto_unregister(unsigned int n)
{
	while (n-- > 0)
		if (wren_protosw_first(n))
			proto_unregister(wren_protosw[n].prot);
}

int wren_sock_init(void)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(wren_protosw); i++) {
		if (!wren_protosw_first(i))
			continue;
		err = proto_register(wren_protosw[i].prot, 1);
		if (err) {
			wren_proto_unregister(i);
			return err;
		}
	}
	err = sock_register(&wren_family_ops);
	if (err)
		wren_proto_unregister(ARRAY_SIZE(wren_protosw));
	return err;
}

void wren_sock_exit(void)
{
	sock_unregister(PF_WREN);
	wren_proto_unregister(ARRAY_SIZE(wren_protosw));
}
