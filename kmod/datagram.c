// SPDX-License-Identifier: GPL-2.0
/*
 * wren: what UDP and ICMP echo sockets share, the datagram socket calls.
 *
 * The proto_ops half (connect, sendmsg, recvmsg, ioctl, shutdown, options
 * as socket calls) is reached through wren_dgram_ops in af_wren.c, and
 * turns into calls of the socket's struct proto; the struct proto half
 * (autobind, route, connect, disconnect, close, allocating a datagram,
 * receiving one, reporting an ICMP error) is what udp.c and ping.c put in
 * their struct proto or call from it.  As Linux's net/ipv4/datagram.c and
 * the datagram parts of af_inet.c and udp.c.
 */
#include <linux/net.h>
#include <linux/sockios.h>
#include <asm/ioctls.h>
#include <linux/uaccess.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/errqueue.h>
#include <net/sock.h>
#include "netns.h"
#include "sock.h"

/* ---- address, bind, route, connect ------------------------------------------ */

int wren_dgram_autobind(struct sock *sk)
{
	if (wren_sk(sk)->num)
		return 0;
	if (sk->sk_prot->get_port(sk, 0))
		return -EAGAIN;
	return 0;
}

int wren_dgram_route(struct sock *sk, __be32 daddr, u8 proto,
		     const struct wren_ipc *ipc, struct wren_flow *fl)
{
	struct wren_sock *ws = wren_sk(sk);
	struct net *net = sock_net(sk);
	struct wren_route_res res;
	int oif = READ_ONCE(sk->sk_bound_dev_if);
	__be32 saddr = READ_ONCE(ws->saddr);
	int err;

	if (ipc && ipc->oif)
		oif = ipc->oif;
	if (ipc && ipc->saddr) {
		/* A source of IP_PKTINFO's must be one of ours. */
		err = wren_route_lookup(net, ipc->saddr, 0, &res);
		if (err || !res.local || res.broadcast)
			return -EINVAL;
		saddr = ipc->saddr;
	}
	err = wren_route_lookup(net, daddr, oif, &res);
	if (err) {
		if (err == -ENETUNREACH)
			WREN_INC(wren_net(net), Ip, OutNoRoutes);
		return err;
	}
	if ((res.broadcast || daddr == htonl(INADDR_BROADCAST)) &&
	    !sock_flag(sk, SOCK_BROADCAST))
		return -EACCES;
	/* From 127/8, for a peer off this host: Linux says EINVAL. */
	if (ipv4_is_loopback(saddr) && !res.local)
		return -EINVAL;

	memset(fl, 0, sizeof(*fl));
	fl->saddr = saddr ? saddr : res.saddr;
	fl->daddr = daddr;
	fl->oif = oif ? oif : res.ifindex;
	fl->proto = proto;
	fl->ttl = ipc && ipc->ttl >= 0 ? ipc->ttl : READ_ONCE(ws->ttl);
	fl->tos = ipc && ipc->tos >= 0 ? ipc->tos : READ_ONCE(ws->tos);
	fl->df = false;
	return 0;
}

/* As Linux's ip4_datagram_connect(). */
int wren_dgram_connect(struct sock *sk, struct sockaddr *uaddr, int len)
{
	struct wren_sock *ws = wren_sk(sk);
	struct wren_uaddr ua;
	struct wren_flow fl;
	int err;

	err = wren_addr_from_user(sk, uaddr, len, WREN_ADDR_CONNECT, &ua);
	if (err)
		return err;
	/* connect(AF_UNSPEC) disconnected before it came here. */
	if (ua.family == AF_UNSPEC)
		return -EAFNOSUPPORT;

	lock_sock(sk);
	err = wren_dgram_autobind(sk);
	if (err)
		goto out;
	err = wren_dgram_route(sk, ua.addr, sk->sk_protocol, NULL, &fl);
	if (err)
		goto out;

	if (!ws->saddr)
		WRITE_ONCE(ws->saddr, fl.saddr);
	if (!ws->rcv_saddr)
		WRITE_ONCE(ws->rcv_saddr, fl.saddr);
	WRITE_ONCE(ws->daddr, ua.addr);
	WRITE_ONCE(ws->dport, ua.port);
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

int wren_dgram_connect_op(struct socket *sock, struct sockaddr *uaddr,
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

/* ---- data ------------------------------------------------------------------ */

int wren_dgram_sendmsg(struct socket *sock, struct msghdr *msg, size_t len)
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

int wren_dgram_recvmsg_op(struct socket *sock, struct msghdr *msg, size_t len,
			  int flags)
{
	struct sock *sk = sock->sk;
	int addr_len = 0;
	int err;

	err = sk->sk_prot->recvmsg(sk, msg, len, flags, &addr_len);
	if (err >= 0)
		msg->msg_namelen = addr_len;
	return err;
}

static int wren_dgram_recv_err(struct sock *sk, struct msghdr *msg,
			       size_t len, int *addr_len);

int wren_dgram_recvmsg(struct sock *sk, struct msghdr *msg, size_t len,
		       int flags, int *addr_len, bool *delivered)
{
	struct sk_buff *skb;
	u8 cmsg_flags;
	size_t copied;
	int err;

	*delivered = false;
	if (flags & MSG_ERRQUEUE)
		return wren_dgram_recv_err(sk, msg, len, addr_len);
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
	if (cmsg_flags & WREN_CMSG_PKTINFO) {
		/*
		 * The interface it came in on (lo for wren's own loop) and
		 * the address it was sent to, as Linux's; spec_dst is that
		 * address too (wren answers from the address asked).
		 */
		struct in_pktinfo pi = {
			.ipi_ifindex = skb->skb_iif ? skb->skb_iif :
				       LOOPBACK_IFINDEX,
			.ipi_spec_dst.s_addr = ip_hdr(skb)->daddr,
			.ipi_addr.s_addr = ip_hdr(skb)->daddr,
		};

		put_cmsg(msg, SOL_IP, IP_PKTINFO, sizeof(pi), &pi);
	}
	if (msg->msg_name)
		*addr_len = wren_addr_to_user(sk, ip_hdr(skb)->saddr,
					      sk->sk_protocol == IPPROTO_UDP ?
					      udp_hdr(skb)->source : 0,
					      msg->msg_name);
	err = (flags & MSG_TRUNC) ? skb->len : copied;
	*delivered = !(flags & MSG_PEEK);
	skb_free_datagram(sk, skb);
	return err;
}

/* ---- ioctl, shutdown, options ------------------------------------------------ */

int wren_dgram_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
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

int wren_dgram_shutdown(struct socket *sock, int how)
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

/*
 * Datagram sockets have no options of their own level (no SOL_UDP options
 * in wren): IP's, and the address form's (sockaddr.c).
 */
int wren_dgram_setsockopt(struct socket *sock, int level, int optname,
			  sockptr_t optval, unsigned int optlen)
{
	if (wren_addr_level(level))
		return wren_addr_setsockopt(sock->sk, level, optname, optval,
					    optlen);
	if (level != SOL_IP)
		return -ENOPROTOOPT;
	return wren_ip_setsockopt(sock->sk, optname, optval, optlen);
}

int wren_dgram_getsockopt(struct socket *sock, int level, int optname,
			  char __user *optval, int __user *optlen)
{
	if (wren_addr_level(level))
		return wren_addr_getsockopt(sock->sk, level, optname, optval,
					    optlen);
	if (level != SOL_IP)
		return -ENOPROTOOPT;
	return wren_ip_getsockopt(sock->sk, optname, optval, optlen);
}

/* ---- ICMP errors ------------------------------------------------------------ */

/* What an error-queue skb carries, in its cb. */
struct wren_err_cb {
	struct sock_extended_err ee;
	__be32	offender;	/* the error's sender */
	__be32	daddr;		/* our datagram's destination */
	__be16	port;		/* and its port, 0: none */
};

#define WREN_ERR_CB(skb)	((struct wren_err_cb *)(skb)->cb)

static void wren_dgram_queue_err(struct sock *sk, struct sk_buff *skb,
				 int err, u8 type, u8 code, u32 info,
				 __be32 from, unsigned int thlen, __be16 port)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	unsigned int payload = iph->ihl * 4 + thlen;
	struct wren_err_cb *cb;
	struct sk_buff *e;

	if (skb_headlen(skb) < payload)
		return;
	e = skb_clone(skb, GFP_ATOMIC);
	if (!e)
		return;
	BUILD_BUG_ON(sizeof(struct wren_err_cb) > sizeof(e->cb));
	cb = WREN_ERR_CB(e);
	memset(cb, 0, sizeof(*cb));
	cb->ee.ee_errno = err;
	cb->ee.ee_origin = SO_EE_ORIGIN_ICMP;
	cb->ee.ee_type = type;
	cb->ee.ee_code = code;
	cb->ee.ee_info = info;
	cb->offender = from;
	cb->daddr = iph->daddr;
	cb->port = port;
	__skb_pull(e, payload);
	/* Bounded by the receive buffer, as Linux's error queue. */
	if (sock_queue_err_skb(sk, e))
		kfree_skb(e);
}

void wren_dgram_icmp_err(struct sock *sk, struct sk_buff *skb, u8 type,
			 u8 code, u32 info, __be32 from, unsigned int thlen,
			 __be16 port)
{
	int err = 0;
	bool hard;

	hard = wren_icmp_err_convert(type, code, &err);
	if (!err)
		return;
	if (READ_ONCE(wren_sk(sk)->cmsg_flags) & WREN_CMSG_RECVERR)
		wren_dgram_queue_err(sk, skb, err, type, code, info, from,
				     thlen, port);
	else if (!hard || READ_ONCE(sk->sk_state) != TCP_ESTABLISHED)
		return;
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
}

/*
 * recvmsg(MSG_ERRQUEUE): the oldest queued error; its datagram's payload
 * as data, its destination as the address, sock_extended_err and the
 * sender in an IP_RECVERR control message.  sk_err then tells of the next
 * one, or of none, as Linux's sock_dequeue_err_skb().
 */
static int wren_dgram_recv_err(struct sock *sk, struct msghdr *msg,
			       size_t len, int *addr_len)
{
	struct sk_buff_head *q = &sk->sk_error_queue;
	struct {
		struct sock_extended_err ee;
		struct sockaddr_in offender;
	} errhdr;
	struct sk_buff *skb, *next;
	struct wren_err_cb *cb;
	unsigned long flags;
	size_t copied;
	int err;

	spin_lock_irqsave(&q->lock, flags);
	skb = __skb_dequeue(q);
	next = skb_peek(q);
	if (skb)
		WRITE_ONCE(sk->sk_err,
			   next ? WREN_ERR_CB(next)->ee.ee_errno : 0);
	spin_unlock_irqrestore(&q->lock, flags);
	if (!skb)
		return -EAGAIN;
	if (next)
		sk_error_report(sk);

	copied = skb->len;
	if (copied > len) {
		copied = len;
		msg->msg_flags |= MSG_TRUNC;
	}
	err = skb_copy_datagram_msg(skb, 0, msg, copied);
	if (err)
		goto out;
	cb = WREN_ERR_CB(skb);
	if (msg->msg_name)
		*addr_len = wren_addr_to_user(sk, cb->daddr, cb->port,
					      msg->msg_name);
	memset(&errhdr, 0, sizeof(errhdr));
	errhdr.ee = cb->ee;
	errhdr.offender.sin_family = AF_INET;
	errhdr.offender.sin_addr.s_addr = cb->offender;
	put_cmsg(msg, SOL_IP, IP_RECVERR, sizeof(errhdr), &errhdr);
	msg->msg_flags |= MSG_ERRQUEUE;
	err = copied;
out:
	kfree_skb(skb);
	return err;
}
