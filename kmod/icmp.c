// SPDX-License-Identifier: GPL-2.0
/*
 * wren: ICMP (RFC 792, RFC 1122 3.2.2).
 *
 * Echo requests are answered; echo replies go to the echo taker that
 * registered (ping.c).  Errors received are checked (checksum, enough of
 * the offending datagram) and handed to the error handler registered for
 * that datagram's protocol (protocol.c); the errno a transport reports
 * for an error comes from the table here.  Errors we generate are
 * rate-limited by one token bucket per namespace and never sent about ICMP
 * errors, non-first fragments, broadcasts, multicasts or odd sources.
 *
 * Locking: the token bucket has its own spinlock; nothing else is shared.
 */
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/slab.h>
#include <net/icmp.h>
#include <net/ip.h>
#include "ip.h"

/* Linux's net.ipv4.icmp_msgs_per_sec and icmp_msgs_burst defaults. */
#define WREN_ICMP_RATE		1000	/* errors a second, sustained */
#define WREN_ICMP_BURST		50
#define WREN_ICMP_RATE_MAX	1000000
/* RFC 1812 4.3.2.3: quote as much as fits in a 576-byte datagram. */
#define WREN_ICMP_QUOTE_MAX	(576 - sizeof(struct iphdr) - \
				 sizeof(struct icmphdr))

struct wren_icmp_state {
	spinlock_t	lock;		/* the bucket */
	unsigned long	last;		/* jiffies of the last refill */
	unsigned int	tokens;
	u32		rate;		/* errors a second (RTNL writes) */
};

static bool wren_icmp_ratelimit_ok(struct wren_icmp_state *st)
{
	unsigned long now = jiffies, refill;
	bool ok;

	spin_lock_bh(&st->lock);
	refill = (now - st->last) * READ_ONCE(st->rate) / HZ;
	if (refill) {
		st->tokens = min_t(unsigned long, WREN_ICMP_BURST,
				   st->tokens + refill);
		st->last = now;
	}
	ok = st->tokens > 0;
	if (ok)
		st->tokens--;
	spin_unlock_bh(&st->lock);
	return ok;
}

/* ---- sending errors ------------------------------------------------------------ */

static bool wren_icmp_is_query(u8 type)
{
	switch (type) {
	case ICMP_ECHO:
	case ICMP_ECHOREPLY:
	case ICMP_TIMESTAMP:
	case ICMP_TIMESTAMPREPLY:
	case ICMP_INFO_REQUEST:
	case ICMP_INFO_REPLY:
	case ICMP_ADDRESS:
	case ICMP_ADDRESSREPLY:
		return true;
	}
	return false;
}

/* RFC 1122 3.2.2: the cases in which no error may be sent. */
static bool wren_icmp_may_send(struct wren_net *wn, const struct sk_buff *skb,
			       const struct iphdr *iph)
{
	u8 type;

	if (skb->pkt_type != PACKET_HOST)
		return false;
	if (iph->frag_off & htons(IP_OFFSET))
		return false;
	if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr) ||
	    wren_local_lookup_rcu(wn, iph->daddr, WREN_LOCAL_BCAST))
		return false;
	if (ipv4_is_zeronet(iph->saddr) || ipv4_is_lbcast(iph->saddr) ||
	    ipv4_is_multicast(iph->saddr))
		return false;
	/* 127/8 comes only from lo (ip_input.c drops it from a wire). */
	if (ipv4_is_loopback(iph->saddr) && !(skb->dev->flags & IFF_LOOPBACK))
		return false;
	if (iph->protocol != IPPROTO_ICMP)
		return true;
	if (skb_copy_bits(skb, skb_network_offset(skb) + iph->ihl * 4,
			  &type, 1))
		return false;
	return wren_icmp_is_query(type);
}

static void wren_icmp_count_out(struct wren_net *wn, u8 type)
{
	WREN_INC(wn, Icmp, OutMsgs);
	WREN_ICMP_OUT(wn, type);
	switch (type) {
	case ICMP_DEST_UNREACH:
		WREN_INC(wn, Icmp, OutDestUnreachs);
		break;
	case ICMP_TIME_EXCEEDED:
		WREN_INC(wn, Icmp, OutTimeExcds);
		break;
	case ICMP_PARAMETERPROB:
		WREN_INC(wn, Icmp, OutParmProbs);
		break;
	case ICMP_ECHOREPLY:
		WREN_INC(wn, Icmp, OutEchoReps);
		break;
	case ICMP_ECHO:
		WREN_INC(wn, Icmp, OutEchos);
		break;
	}
}

/* A new ICMP message of hlen header bytes plus len, with room for IP. */
static struct sk_buff *wren_icmp_alloc(unsigned int len)
{
	struct sk_buff *skb = alloc_skb(WREN_MAX_HEADER + len, GFP_ATOMIC);

	if (skb) {
		skb_reserve(skb, WREN_MAX_HEADER);
		skb_reset_transport_header(skb);
		skb_put(skb, len);
	}
	return skb;
}

static void wren_icmp_finish(struct sk_buff *skb)
{
	struct icmphdr *ih = icmp_hdr(skb);

	ih->checksum = 0;
	ih->checksum = csum_fold(skb_checksum(skb, 0, skb->len, 0));
	skb->ip_summed = CHECKSUM_NONE;
}

void __wren_icmp_send(struct wren_net *wn, struct sk_buff *in_skb, u8 type,
		      u8 code, __be32 info)
{
	const struct iphdr *iph = ip_hdr(in_skb);
	int off = skb_network_offset(in_skb);
	struct wren_flow fl = {};
	struct icmphdr *ih;
	struct sk_buff *skb;
	unsigned int len;

	rcu_read_lock();
	if (!wren_icmp_may_send(wn, in_skb, iph))
		goto out;
	if (!wren_icmp_ratelimit_ok(wn->icmp)) {
		WREN_INC(wn, Icmp, OutRateLimited);
		goto out;
	}
	/* off is negative when the header was pulled already. */
	len = min_t(int, (int)in_skb->len - off, ntohs(iph->tot_len));
	len = min_t(unsigned int, len, WREN_ICMP_QUOTE_MAX);
	skb = wren_icmp_alloc(sizeof(*ih) + len);
	if (!skb) {
		WREN_INC(wn, Icmp, OutErrors);
		goto out;
	}
	ih = icmp_hdr(skb);
	ih->type = type;
	ih->code = code;
	ih->un.gateway = info;
	if (skb_copy_bits(in_skb, off, ih + 1, len)) {
		kfree_skb(skb);
		goto out;
	}
	wren_icmp_finish(skb);
	fl.daddr = iph->saddr;
	if (wren_local_lookup_rcu(wn, iph->daddr, WREN_LOCAL_ADDR))
		fl.saddr = iph->daddr;
	fl.proto = IPPROTO_ICMP;
	fl.tos = (iph->tos & IPTOS_TOS_MASK) | IPTOS_PREC_INTERNETCONTROL;
	wren_icmp_count_out(wn, type);
	wren_ip_output(wn->net, skb, &fl);
out:
	rcu_read_unlock();
}

void wren_icmp_send(struct sk_buff *in_skb, u8 type, u8 code, __be32 info)
{
	if (in_skb->dev)
		__wren_icmp_send(wren_net(dev_net(in_skb->dev)), in_skb, type,
				 code, info);
}

/* ---- errors about our datagrams ---------------------------------------------------- */

/*
 * skb->data at our datagram's IP header, header + 8 bytes pulled: to the
 * handler registered for its protocol.  The local-error path comes here
 * from ARP's timer as well as from softirq, so RCU is taken here.
 */
static void wren_icmp_dispatch_err(struct net *net, struct sk_buff *skb,
				   u8 type, u8 code, u32 info, __be32 from)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct wren_protocol *ipprot;

	skb_reset_network_header(skb);
	skb_set_transport_header(skb, iph->ihl * 4);
	rcu_read_lock();
	ipprot = wren_protocol_rcu(iph->protocol);
	if (ipprot && ipprot->err_handler)
		ipprot->err_handler(net, skb, type, code, info, from);
	rcu_read_unlock();
}

static bool wren_icmp_pull_inner(struct sk_buff *skb, unsigned int at)
{
	const struct iphdr *iph;

	if (!pskb_may_pull(skb, at + sizeof(*iph)))
		return false;
	iph = (const struct iphdr *)(skb->data + at);
	if (iph->version != 4 || iph->ihl < 5)
		return false;
	return pskb_may_pull(skb, at + iph->ihl * 4 + 8);
}

void wren_icmp_local_error(struct net *net, struct sk_buff *skb,
			   u8 type, u8 code, u32 info)
{
	if (wren_icmp_pull_inner(skb, 0))
		wren_icmp_dispatch_err(net, skb, type, code, info,
				       ((struct iphdr *)skb->data)->saddr);
}

static u32 wren_icmp_info(const struct icmphdr *ih)
{
	if (ih->type == ICMP_DEST_UNREACH && ih->code == ICMP_FRAG_NEEDED)
		return ntohs(ih->un.frag.mtu);
	if (ih->type == ICMP_PARAMETERPROB)
		return ntohl(ih->un.gateway) >> 24;
	return 0;
}

static void wren_icmp_error(struct wren_net *wn, struct sk_buff *skb)
{
	const struct icmphdr *ih = icmp_hdr(skb);
	u8 type = ih->type, code = ih->code;
	u32 info = wren_icmp_info(ih);

	if (!wren_icmp_pull_inner(skb, sizeof(*ih))) {
		WREN_INC(wn, Icmp, InErrors);
		wren_drop(wn, skb, WREN_DROP_ICMP_BAD_ERROR);
		return;
	}
	__skb_pull(skb, sizeof(*ih));
	wren_icmp_dispatch_err(wn->net, skb, type, code, info,
			       ip_hdr(skb)->saddr);
	wren_consume(wn, skb);
}

/* ---- echo -------------------------------------------------------------------------- */

static void wren_icmp_echo(struct wren_net *wn, struct sk_buff *skb)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct wren_flow fl = {};
	struct sk_buff *r;

	if (ipv4_is_multicast(iph->daddr) || ipv4_is_lbcast(iph->daddr) ||
	    !wren_local_lookup_rcu(wn, iph->daddr, WREN_LOCAL_ADDR)) {
		wren_drop(wn, skb, WREN_DROP_ICMP_BCAST_ECHO);
		return;
	}
	r = wren_icmp_alloc(skb->len);
	if (!r || skb_copy_bits(skb, 0, r->data, skb->len)) {
		kfree_skb(r);
		WREN_INC(wn, Icmp, OutErrors);
		wren_drop(wn, skb, WREN_DROP_NOMEM);
		return;
	}
	icmp_hdr(r)->type = ICMP_ECHOREPLY;
	icmp_hdr(r)->code = 0;
	wren_icmp_finish(r);
	fl.saddr = iph->daddr;
	fl.daddr = iph->saddr;
	fl.proto = IPPROTO_ICMP;
	fl.tos = iph->tos;
	wren_consume(wn, skb);
	wren_icmp_count_out(wn, ICMP_ECHOREPLY);
	wren_ip_output(wn->net, r, &fl);
}

/* ---- the echo taker (ping sockets) ----------------------------------------------- */

static const struct wren_protocol __rcu *wren_icmp_echo_taker __read_mostly;

int wren_icmp_add_echo(const struct wren_protocol *prot)
{
	const struct wren_protocol *old;

	old = cmpxchg((const struct wren_protocol **)&wren_icmp_echo_taker,
		      NULL, prot);
	return old ? -EEXIST : 0;
}

void wren_icmp_del_echo(const struct wren_protocol *prot)
{
	cmpxchg((const struct wren_protocol **)&wren_icmp_echo_taker, prot,
		NULL);
	synchronize_net();
}

/* RCU held.  Consumes skb. */
static void wren_icmp_echo_reply(struct wren_net *wn, struct sk_buff *skb)
{
	const struct wren_protocol *taker = rcu_dereference(wren_icmp_echo_taker);

	if (taker)
		taker->handler(skb);
	else
		wren_drop(wn, skb, WREN_DROP_ICMP_UNHANDLED);
}

/*
 * IPPROTO_ICMP's error handler: an error about an ICMP message we sent.
 * Only echo requests have an owner (a ping socket); errors are never sent
 * about errors, and our echo replies have no socket to tell.
 */
static void wren_icmp_err(struct net *net, struct sk_buff *skb, u8 type,
			  u8 code, u32 info, __be32 from)
{
	const struct iphdr *iph = (const struct iphdr *)skb->data;
	const struct wren_protocol *taker;

	if (skb->data[iph->ihl * 4] != ICMP_ECHO)
		return;
	taker = rcu_dereference(wren_icmp_echo_taker);
	if (taker && taker->err_handler)
		taker->err_handler(net, skb, type, code, info, from);
}

/* ---- input ------------------------------------------------------------------------- */

static void wren_icmp_count_in(struct wren_net *wn, u8 type)
{
	WREN_ICMP_IN(wn, type);
	switch (type) {
	case ICMP_DEST_UNREACH:
		WREN_INC(wn, Icmp, InDestUnreachs);
		break;
	case ICMP_TIME_EXCEEDED:
		WREN_INC(wn, Icmp, InTimeExcds);
		break;
	case ICMP_PARAMETERPROB:
		WREN_INC(wn, Icmp, InParmProbs);
		break;
	case ICMP_ECHO:
		WREN_INC(wn, Icmp, InEchos);
		break;
	case ICMP_ECHOREPLY:
		WREN_INC(wn, Icmp, InEchoReps);
		break;
	}
}

/* skb->data at the ICMP header; RCU held (rx path or loopback). */
static void wren_icmp_rcv(struct sk_buff *skb)
{
	struct wren_net *wn = wren_net(dev_net(skb->dev));
	u8 type;

	WREN_INC(wn, Icmp, InMsgs);
	if (!pskb_may_pull(skb, sizeof(struct icmphdr))) {
		WREN_INC(wn, Icmp, InErrors);
		wren_drop(wn, skb, WREN_DROP_ICMP_TRUNCATED);
		return;
	}
	if (csum_fold(skb_checksum(skb, 0, skb->len, 0))) {
		WREN_INC(wn, Icmp, InCsumErrors);
		WREN_INC(wn, Icmp, InErrors);
		wren_drop(wn, skb, WREN_DROP_ICMP_BAD_CSUM);
		return;
	}
	type = icmp_hdr(skb)->type;
	wren_icmp_count_in(wn, type);
	switch (type) {
	case ICMP_ECHO:
		wren_icmp_echo(wn, skb);
		break;
	case ICMP_ECHOREPLY:
		wren_icmp_echo_reply(wn, skb);
		break;
	case ICMP_DEST_UNREACH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		wren_icmp_error(wn, skb);
		break;
	default:
		wren_drop(wn, skb, WREN_DROP_ICMP_UNHANDLED);
		break;
	}
}

const struct wren_protocol wren_icmp_protocol = {
	.handler	= wren_icmp_rcv,
	.err_handler	= wren_icmp_err,
};

/* ---- ICMP errors as errno values, for the transports ----------------------------- */

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

/* ---- namespace ------------------------------------------------------------------------ */

int wren_icmp_net_init(struct wren_net *wn)
{
	struct wren_icmp_state *st = kzalloc(sizeof(*st), GFP_KERNEL);

	if (!st)
		return -ENOMEM;
	spin_lock_init(&st->lock);
	st->last = jiffies;
	st->tokens = WREN_ICMP_BURST;
	st->rate = WREN_ICMP_RATE;
	wn->icmp = st;
	return 0;
}

int wren_icmp_set_rate(struct wren_net *wn, u32 per_sec)
{
	ASSERT_RTNL();
	if (!per_sec || per_sec > WREN_ICMP_RATE_MAX)
		return -EINVAL;
	WRITE_ONCE(wn->icmp->rate, per_sec);
	return 0;
}

u32 wren_icmp_rate(struct wren_net *wn)
{
	return READ_ONCE(wn->icmp->rate);
}

void wren_icmp_net_exit(struct wren_net *wn)
{
	kfree(wn->icmp);
	wn->icmp = NULL;
}
