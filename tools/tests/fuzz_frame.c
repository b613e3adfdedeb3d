// SPDX-License-Identifier: GPL-2.0
/*
 * The frame fuzzer.  A corpus of valid frames to wren on a veth pair, wfz0
 * (wren, FZ_WREN) and wfz1 (the peer's namespace, no address, no IPv6, so
 * its Linux sends nothing): ARP requests, replies and gratuitous ones, echo
 * requests, ICMP errors quoting wren's own TCP segments and UDP datagrams,
 * UDP to open and closed ports and to broadcasts, a fragmented datagram,
 * IP options, and TCP segments carrying every option wren parses (MSS,
 * window scale, SACK permitted, SACK blocks, timestamps, NOP, EOL, unknown
 * kinds) with the right sequence numbers for connections the fuzzer holds
 * with wren in every state: LISTEN, SYN_SENT, SYN_RECV, ESTABLISHED (idle,
 * and with data in flight), FIN_WAIT1, FIN_WAIT2, CLOSING, TIME_WAIT,
 * CLOSE_WAIT, LAST_ACK, and a closed port.  The scripted peer is FZ_PEER,
 * an address nobody has, reached through a permanent ARP entry in wren.
 *
 * Each frame sent is a copy of one of them with one to four mutations
 * (bytes, lengths, header fields, TCP options, the destination MAC), and
 * either its checksums left as the mutation made them or recomputed.  The
 * targets are rebuilt every FZ_ROUND frames, so every state meets mutated
 * frames again and again.  The run is seeded (FUZZ_SEED replays one; the
 * seed is printed) and sends FUZZ_FRAMES frames (FZ_FRAMES by default).
 *
 * Meanwhile hashed TCP transfers run both ways between wren's eth0 and the
 * peer's Linux, on 4-tuples the fuzzer never produces: mutated addresses
 * are kept out of 192.0.2.0/24.  They come FZ_LIVE_GAP_MS apart: back to
 * back, through the emulated NIC, they took most of the CPU the frames
 * needed (under the debug kernel 1.1 GB beside 10^6 frames).
 *
 * It passes when every frame sent reached wren (its RxPackets on wfz0 grew
 * by exactly the frames sent: the fuzzer waits for wren every FZ_BATCH
 * frames, so the veth never overflows), when the frames' ledger of
 * /proc/net/wren/snmp balances (every frame ended consumed or dropped with a
 * reason, and the reasons add up; see kmod/mib.h), when every live transfer
 * arrived intact, and the kernel logged nothing (check.sh).
 */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <poll.h>
#include <net/if_arp.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"

#define FZ_FRAMES	1000000
#define FZ_BATCH	64	/* frames between waits for wren */
#define FZ_ROUND	50000	/* frames between rebuilds of the targets */
#define FZ_TPL_MAX	256
#define FZ_W		"wfz0"
#define FZ_L		"wfz1"
#define FZ_WREN		"198.51.100.1"
#define FZ_PEER		"198.51.100.2"
#define FZ_NET		"198.51.100.0/24"
#define FZ_LIVE_BYTES	(512 * 1024)
#define FZ_LIVE_PORTS	256	/* a port per transfer, reused after 256 */
#define FZ_LIVE_GAP_MS	1000	/* between live transfers, times the scale */

enum { T_EST, T_EST_DATA, T_CLOSE_WAIT, T_LAST_ACK, T_FIN_WAIT1,
       T_FIN_WAIT2, T_CLOSING, T_TIME_WAIT, T_SYN_RECV, T_SYN_SENT,
       T_NTARGETS };

static const char *const tgt_name[T_NTARGETS] = {
	"ESTABLISHED", "ESTABLISHED+data", "CLOSE_WAIT", "LAST_ACK",
	"FIN_WAIT1", "FIN_WAIT2", "CLOSING", "TIME_WAIT", "SYN_RECV",
	"SYN_SENT",
};

/* One connection of the scripted peer's with wren. */
struct tgt {
	uint16_t sport, dport;		/* the peer's, wren's */
	uint32_t snd_nxt, rcv_nxt;	/* the peer's view */
	uint32_t tsval;
	int wfd;			/* wren's socket, or -1 */
	bool ok;
};

struct tpl {
	uint16_t len;
	uint8_t f[1514];
};

struct fz {
	uint64_t rng;
	struct nt_raw tx;		/* wfz1, send only */
	struct nt_raw cap;		/* wfz1, wren's replies (setup only) */
	uint8_t wmac[6];		/* wfz0 */
	uint32_t wren, peer;
	int lport, uport, cport;	/* listener, UDP socket, closed port */
	int lst, udp;
	uint16_t next_sport, ip_id;
	struct tgt t[T_NTARGETS];
	struct tpl tpl[FZ_TPL_MAX];
	int ntpl;
	long sent;
	long long rx0;			/* wren's RxPackets on wfz0 at start */
};

/* xorshift64*: the same frames for the same seed. */
static uint64_t rnd(struct fz *fz)
{
	fz->rng ^= fz->rng >> 12;
	fz->rng ^= fz->rng << 25;
	fz->rng ^= fz->rng >> 27;
	return fz->rng * 0x2545f4914f6cdd1dULL;
}

static uint32_t rnd_below(struct fz *fz, uint32_t n)
{
	return (uint32_t)(rnd(fz) >> 32) % n;
}

/* ---- counters -------------------------------------------------------- */

/* wren's RxPackets on wfz0 (/proc/net/wren/dev), or -1. */
static long long wren_rx(void)
{
	char *text = wt_read_file("/proc/net/wren/dev"), *p;
	long long v = -1;

	if (!text)
		return -1;
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, FZ_W " ", strlen(FZ_W) + 1)) {
			if (sscanf(p, "%*s %*d %*u %*x %*s %lld", &v) != 1)
				v = -1;
			break;
		}
	free(text);
	return v;
}

struct ledger {
	long long in, looped, derived, consumed, dropped, out, held, reasons;
};

/* The WrenFrames group and the sum of the WrenDrop reasons; 0 or -1. */
static int read_ledger(struct ledger *l)
{
	char *text = wt_read_file(NT_SNMP), *p, *q, *tok, *save;
	int i = 0;

	if (!text)
		return -1;
	l->in = nt_mib(NULL, "WrenFrames", "InFrames");
	l->looped = nt_mib(NULL, "WrenFrames", "InLooped");
	l->derived = nt_mib(NULL, "WrenFrames", "InDerived");
	l->consumed = nt_mib(NULL, "WrenFrames", "InConsumed");
	l->dropped = nt_mib(NULL, "WrenFrames", "InDropped");
	l->out = nt_mib(NULL, "WrenFrames", "OutDropped");
	l->held = nt_mib(NULL, "WrenFrames", "HeldDropped");
	l->reasons = 0;
	p = strstr(text, "WrenDrop:");
	q = p ? strstr(p + 1, "WrenDrop:") : NULL;
	if (!q) {
		free(text);
		return -1;
	}
	*strchrnul(q, '\n') = '\0';
	/* The first column is the names' header ("ProcName"), not a reason. */
	for (tok = strtok_r(q + 9, " ", &save); tok;
	     tok = strtok_r(NULL, " ", &save), i++)
		if (i)
			l->reasons += strtoll(tok, NULL, 10);
	free(text);
	return l->in < 0 || l->consumed < 0 || l->held < 0 ? -1 : 0;
}

static bool ledger_balanced(struct ledger *l)
{
	return !read_ledger(l) &&
	       l->in + l->looped + l->derived == l->consumed + l->dropped &&
	       l->reasons == l->dropped + l->out + l->held;
}

/* ---- frames ---------------------------------------------------------- */

/* Ethernet and IP headers peer -> wren for @plen bytes of payload. */
static size_t fz_ip(struct fz *fz, uint8_t *f, uint8_t proto, size_t plen,
		    uint16_t frag)
{
	nt_eth(f, fz->wmac, fz->tx.mac, ETH_P_IP);
	nt_ip(f + NT_ETH_HLEN, NT_IP_HLEN + plen, fz->ip_id++, frag, 64, proto,
	      fz->peer, fz->wren);
	return NT_ETH_HLEN + NT_IP_HLEN + plen;
}

/* A TCP segment of @t's in @f; its frame length. */
static size_t fz_tcp(struct fz *fz, uint8_t *f, const struct tgt *t,
		     uint32_t seq, uint32_t ack, uint8_t flags,
		     const void *opts, size_t optlen, const void *data,
		     size_t dlen)
{
	size_t n = tt_tcp_seg(f + NT_ETH_HLEN + NT_IP_HLEN,
			      NT_FRAME_MAX - NT_ETH_HLEN - NT_IP_HLEN,
			      fz->peer, fz->wren, t->sport, t->dport, seq, ack,
			      flags, opts, optlen, data, dlen);

	return fz_ip(fz, f, IPPROTO_TCP, n, IP_DF);
}

/* The options of a SYN: MSS, window scale, SACK permitted, timestamps. */
static size_t opts_syn(uint8_t *o, uint32_t tsval)
{
	static const uint8_t head[] = { 2, 4, 0x05, 0xb4, 1, 3, 3, 7, 4, 2 };
	uint32_t v = htonl(tsval);

	memcpy(o, head, sizeof(head));
	o[10] = 8;
	o[11] = 10;
	memcpy(o + 12, &v, 4);
	memset(o + 16, 0, 4);
	return 20;
}

/* NOP NOP timestamps, then (@sack) two SACK blocks, then (@odd) an
 * unknown kind, an MSS where it does not belong and EOL.
 */
static size_t opts_est(uint8_t *o, uint32_t tsval, uint32_t base, bool sack,
		       bool odd)
{
	uint32_t v = htonl(tsval), b[4];
	size_t n = 12;

	o[0] = 1;
	o[1] = 1;
	o[2] = 8;
	o[3] = 10;
	memcpy(o + 4, &v, 4);
	memset(o + 8, 0, 4);
	if (sack) {
		b[0] = htonl(base + 1000);
		b[1] = htonl(base + 2000);
		b[2] = htonl(base + 3000);
		b[3] = htonl(base + 4000);
		o[n++] = 1;
		o[n++] = 1;
		o[n++] = 5;
		o[n++] = 18;
		memcpy(o + n, b, 16);
		n += 16;
	}
	if (odd) {
		static const uint8_t tail[] = { 253, 4, 0xde, 0xad,
						2, 4, 0x02, 0x00, 0, 0, 0, 0 };

		memcpy(o + n, tail, sizeof(tail));
		n += sizeof(tail);
	}
	return n;
}

static void tpl_add(struct fz *fz, const uint8_t *f, size_t len)
{
	struct tpl *t;

	if (fz->ntpl >= FZ_TPL_MAX || len > sizeof(t->f))
		return;
	t = &fz->tpl[fz->ntpl++];
	memcpy(t->f, f, len);
	t->len = (uint16_t)len;
}

static int fz_send(struct fz *fz, const uint8_t *f, size_t len)
{
	if (nt_raw_send(&fz->tx, f, len))
		return -1;
	fz->sent++;
	return 0;
}

/* Wait until wren has taken every frame sent; 0 or -1. */
static int fz_caught_up(struct fz *fz)
{
	long long want = fz->rx0 + fz->sent;

	return WT_WAIT(5000, wren_rx() >= want) ? 0 : -1;
}

/*
 * The next segment wren sends @t with all of @flags set, read off wfz1
 * within 2 s: its seq in *seq.  0, or -1.
 */
static int fz_recv(struct fz *fz, const struct tgt *t, uint8_t flags,
		   uint32_t *seq)
{
	double end = wt_now() + 2.0 * wt_scale();
	uint8_t f[NT_FRAME_MAX];

	while (wt_now() < end) {
		ssize_t n = nt_raw_recv(&fz->cap, f, sizeof(f), 200);
		const struct iphdr *ip = (const void *)(f + NT_ETH_HLEN);
		const struct tcphdr *th;

		if (n < NT_ETH_HLEN + NT_IP_HLEN + 20 || ip->protocol != 6 ||
		    ip->saddr != fz->wren || ip->daddr != fz->peer)
			continue;
		th = (const void *)((const uint8_t *)ip + ip->ihl * 4);
		if (ntohs(th->source) != t->dport ||
		    ntohs(th->dest) != t->sport ||
		    (((const uint8_t *)th)[13] & flags) != flags)
			continue;
		*seq = ntohl(th->seq);
		return 0;
	}
	return -1;
}

/* Our segment on @t with timestamps (ACK set unless told otherwise). */
static int fz_seg(struct fz *fz, struct tgt *t, uint8_t flags,
		  const void *data, size_t dlen)
{
	uint8_t f[NT_FRAME_MAX], o[40];
	size_t ol = opts_est(o, t->tsval++, 0, false, false);

	return fz_send(fz, f, fz_tcp(fz, f, t, t->snd_nxt, t->rcv_nxt, flags,
				     o, ol, data, dlen));
}

/* wren's socket for the connection from our port @sport, accepted. */
static int fz_accept(struct fz *fz, uint16_t sport)
{
	double end = wt_now() + 2.0 * wt_scale();

	while (wt_now() < end) {
		struct sockaddr_wren a;
		socklen_t al = sizeof(a);
		struct pollfd p = { .fd = fz->lst, .events = POLLIN };
		int c;

		if (poll(&p, 1, 100) <= 0)
			continue;
		c = accept4(fz->lst, (struct sockaddr *)&a, &al, SOCK_NONBLOCK);
		if (c < 0)
			continue;
		if (ntohs(a.swren_port) == sport)
			return c;
		close(c);	/* one the fuzzer's frames opened */
	}
	return -1;
}

/* The scripted peer opens @t to wren's listener: ESTABLISHED. */
static int fz_open(struct fz *fz, struct tgt *t)
{
	uint8_t f[NT_FRAME_MAX], o[40];
	uint32_t isn = (uint32_t)rnd(fz), sa;
	size_t ol;

	t->sport = fz->next_sport++;
	t->dport = fz->lport;
	t->tsval = (uint32_t)rnd(fz) & 0xffffff;
	ol = opts_syn(o, t->tsval++);
	if (fz_send(fz, f, fz_tcp(fz, f, t, isn, 0, TH_SYN, o, ol, NULL, 0)) ||
	    fz_recv(fz, t, TH_SYN | TH_ACK, &sa))
		return -1;
	t->snd_nxt = isn + 1;
	t->rcv_nxt = sa + 1;
	if (fz_seg(fz, t, TH_ACK, NULL, 0))
		return -1;
	t->wfd = fz_accept(fz, t->sport);
	return t->wfd < 0 ? -1 : 0;
}

/* wren's FIN on @t (after shutdown or close): our rcv_nxt past it. */
static int fz_their_fin(struct fz *fz, struct tgt *t)
{
	uint32_t seq;

	if (fz_recv(fz, t, TH_FIN, &seq))
		return -1;
	t->rcv_nxt = seq + 1;
	return 0;
}

/* Bring target @k to its state; its templates are made afterwards. */
static int fz_build(struct fz *fz, int k)
{
	struct tgt *t = &fz->t[k];
	uint8_t f[NT_FRAME_MAX], o[40], buf[3000];
	uint32_t seq;

	memset(t, 0, sizeof(*t));
	t->wfd = -1;
	if (k == T_SYN_SENT) {
		struct sockaddr_wren a = nt_swren(FZ_PEER, 0);
		struct sockaddr_wren me;
		socklen_t ml = sizeof(me);

		t->sport = fz->next_sport++;
		a.swren_port = htons(t->sport);
		t->wfd = socket(AF_WREN, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (t->wfd < 0 ||
		    (connect(t->wfd, (struct sockaddr *)&a, sizeof(a)) &&
		     errno != EINPROGRESS) ||
		    getsockname(t->wfd, (struct sockaddr *)&me, &ml))
			return -1;
		t->dport = ntohs(me.swren_port);
		if (fz_recv(fz, t, TH_SYN, &seq))
			return -1;
		t->rcv_nxt = seq + 1;
		t->snd_nxt = (uint32_t)rnd(fz);
		t->tsval = 1;
		return 0;
	}
	if (k == T_SYN_RECV) {
		size_t ol;

		t->sport = fz->next_sport++;
		t->dport = fz->lport;
		t->snd_nxt = (uint32_t)rnd(fz);
		t->tsval = 1;
		ol = opts_syn(o, t->tsval++);
		if (fz_send(fz, f, fz_tcp(fz, f, t, t->snd_nxt, 0, TH_SYN, o,
					  ol, NULL, 0)) ||
		    fz_recv(fz, t, TH_SYN | TH_ACK, &seq))
			return -1;
		t->snd_nxt++;
		t->rcv_nxt = seq + 1;
		return 0;
	}
	if (fz_open(fz, t))
		return -1;
	switch (k) {
	case T_EST:
		return 0;
	case T_EST_DATA:
		/* Data in flight that we never acknowledge. */
		memset(buf, 0x5a, sizeof(buf));
		return write(t->wfd, buf, sizeof(buf)) > 0 ? 0 : -1;
	case T_CLOSE_WAIT:
	case T_LAST_ACK:
		if (fz_seg(fz, t, TH_FIN | TH_ACK, NULL, 0))
			return -1;
		t->snd_nxt++;
		if (k == T_CLOSE_WAIT)
			return 0;
		close(t->wfd);
		t->wfd = -1;
		return fz_their_fin(fz, t);
	case T_FIN_WAIT1:
	case T_FIN_WAIT2:
	case T_TIME_WAIT:
	case T_CLOSING:
		if (shutdown(t->wfd, SHUT_WR) || fz_their_fin(fz, t))
			return -1;
		if (k == T_FIN_WAIT1)
			return 0;
		if (k == T_CLOSING) {
			/* Our FIN, not acknowledging theirs. */
			t->rcv_nxt--;
			if (fz_seg(fz, t, TH_FIN | TH_ACK, NULL, 0))
				return -1;
			t->rcv_nxt++;
			t->snd_nxt++;
			return 0;
		}
		if (fz_seg(fz, t, TH_ACK, NULL, 0))
			return -1;
		if (k == T_FIN_WAIT2)
			return 0;
		if (fz_seg(fz, t, TH_FIN | TH_ACK, NULL, 0))
			return -1;
		t->snd_nxt++;
		return 0;
	}
	return -1;
}

/* The segments of the corpus for target @t. */
static void tpl_tcp(struct fz *fz, const struct tgt *t)
{
	static const uint8_t flags[] = {
		TH_ACK, TH_ACK | TH_PUSH, TH_FIN | TH_ACK, TH_RST,
		TH_RST | TH_ACK, TH_SYN, TH_SYN | TH_ACK, TH_ACK | TH_URG,
		TH_ACK | 0x40 | 0x80,	/* ECE, CWR */
	};
	uint8_t f[NT_FRAME_MAX], o[40], data[300];
	size_t i, ol, n;

	memset(data, 0x42, sizeof(data));
	for (i = 0; i < sizeof(flags); i++) {
		bool with_data = flags[i] & (TH_PUSH | TH_URG);

		ol = (flags[i] & TH_SYN) ? opts_syn(o, t->tsval) :
		     opts_est(o, t->tsval, t->rcv_nxt, i == 0, i == 1);
		n = fz_tcp(fz, f, t, t->snd_nxt, t->rcv_nxt, flags[i], o, ol,
			   data, with_data ? 200 : 0);
		tpl_add(fz, f, n);
	}
	/* Out of order, old, far beyond the window; ACKs of wren's data. */
	ol = opts_est(o, t->tsval, t->rcv_nxt, true, false);
	tpl_add(fz, f, fz_tcp(fz, f, t, t->snd_nxt + 1000, t->rcv_nxt, TH_ACK,
			      o, ol, data, 300));
	tpl_add(fz, f, fz_tcp(fz, f, t, t->snd_nxt - 300, t->rcv_nxt, TH_ACK,
			      o, ol, data, 300));
	tpl_add(fz, f, fz_tcp(fz, f, t, t->snd_nxt + 0x40000000, t->rcv_nxt,
			      TH_ACK, o, ol, data, 100));
	tpl_add(fz, f, fz_tcp(fz, f, t, t->snd_nxt, t->rcv_nxt + 1448, TH_ACK,
			      o, ol, NULL, 0));
	tpl_add(fz, f, fz_tcp(fz, f, t, t->snd_nxt, t->rcv_nxt + 5000, TH_ACK,
			      o, ol, NULL, 0));
}

/* What wren sent: an IP header and 8 bytes of TCP, for an ICMP quote. */
static size_t quote_tcp(struct fz *fz, uint8_t *q, const struct tgt *t)
{
	uint8_t *th = q + NT_IP_HLEN;
	uint32_t seq = htonl(t->rcv_nxt);

	nt_ip(q, NT_IP_HLEN + 20, 1, IP_DF, 64, IPPROTO_TCP, fz->wren,
	      fz->peer);
	th[0] = t->dport >> 8;
	th[1] = t->dport & 0xff;
	th[2] = t->sport >> 8;
	th[3] = t->sport & 0xff;
	memcpy(th + 4, &seq, 4);
	return NT_IP_HLEN + 8;
}

static size_t fz_icmp(struct fz *fz, uint8_t *f, uint8_t type, uint8_t code,
		      uint32_t info, const void *body, size_t blen)
{
	uint8_t *ih = f + NT_ETH_HLEN + NT_IP_HLEN;

	ih[0] = type;
	ih[1] = code;
	ih[2] = ih[3] = 0;
	memcpy(ih + 4, &info, 4);
	memcpy(ih + 8, body, blen);
	memcpy(ih + 2, &(uint16_t){ nt_csum(ih, 8 + blen) }, 2);
	return fz_ip(fz, f, IPPROTO_ICMP, 8 + blen, 0);
}

static size_t fz_arp(struct fz *fz, uint8_t *f, uint16_t op,
		     const uint8_t *dst, uint32_t sip, uint32_t tip)
{
	struct arphdr *ah = (struct arphdr *)(f + NT_ETH_HLEN);
	uint8_t *p = (uint8_t *)(ah + 1);

	nt_eth(f, dst, fz->tx.mac, ETH_P_ARP);
	ah->ar_hrd = htons(ARPHRD_ETHER);
	ah->ar_pro = htons(ETH_P_IP);
	ah->ar_hln = 6;
	ah->ar_pln = 4;
	ah->ar_op = htons(op);
	memcpy(p, fz->tx.mac, 6);
	memcpy(p + 6, &sip, 4);
	memset(p + 10, 0, 6);
	if (op == ARPOP_REPLY)
		memcpy(p + 10, fz->wmac, 6);
	memcpy(p + 16, &tip, 4);
	return NT_ETH_HLEN + sizeof(*ah) + 20;
}

/* The corpus that does not depend on the targets. */
static void tpl_fixed(struct fz *fz)
{
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	uint8_t f[NT_FRAME_MAX], body[300], q[64];
	struct tgt l = { .sport = 40001, .dport = (uint16_t)fz->lport };
	struct tgt c = { .sport = 40002, .dport = (uint16_t)fz->cport };
	uint8_t o[40];
	size_t n, ql;
	uint16_t id;
	int i;

	memset(body, 0x33, sizeof(body));
	/* ARP: request, reply, gratuitous, for someone else, a conflict. */
	tpl_add(fz, f, fz_arp(fz, f, ARPOP_REQUEST, bcast, fz->peer, fz->wren));
	tpl_add(fz, f, fz_arp(fz, f, ARPOP_REPLY, fz->wmac, fz->peer,
			      fz->wren));
	tpl_add(fz, f, fz_arp(fz, f, ARPOP_REQUEST, bcast, fz->peer, fz->peer));
	tpl_add(fz, f, fz_arp(fz, f, ARPOP_REQUEST, bcast, fz->peer,
			      inet_addr("198.51.100.77")));
	tpl_add(fz, f, fz_arp(fz, f, ARPOP_REPLY, bcast, fz->wren, fz->wren));
	/* The listener: SYNs with every option and none, an ACK, a RST. */
	n = opts_syn(o, 7);
	tpl_add(fz, f, fz_tcp(fz, f, &l, 1000, 0, TH_SYN, o, n, NULL, 0));
	tpl_add(fz, f, fz_tcp(fz, f, &l, 2000, 0, TH_SYN, NULL, 0, NULL, 0));
	tpl_add(fz, f, fz_tcp(fz, f, &l, 3000, 77, TH_ACK, NULL, 0, NULL, 0));
	tpl_add(fz, f, fz_tcp(fz, f, &l, 4000, 0, TH_RST, NULL, 0, NULL, 0));
	tpl_add(fz, f, fz_tcp(fz, f, &l, 5000, 0, TH_SYN | TH_FIN, o, n, body,
			      40));
	/* A closed port. */
	tpl_add(fz, f, fz_tcp(fz, f, &c, 1, 0, TH_SYN, o, n, NULL, 0));
	tpl_add(fz, f, fz_tcp(fz, f, &c, 1, 1, TH_ACK, NULL, 0, body, 10));
	/* UDP: the open port, a closed one, a broadcast, no checksum. */
	for (i = 0; i < 3; i++) {
		uint8_t *u = f + NT_ETH_HLEN + NT_IP_HLEN;
		int port = i == 1 ? fz->cport : fz->uport;

		n = nt_udp(u, fz->peer, i == 2 ? inet_addr("198.51.100.255") :
			   fz->wren, 40003, (uint16_t)port, body, 64);
		n = fz_ip(fz, f, IPPROTO_UDP, n, 0);
		if (i == 2) {
			struct iphdr *ip = (void *)(f + NT_ETH_HLEN);

			ip->daddr = inet_addr("198.51.100.255");
			nt_ip_recsum(ip);
			memcpy(f, bcast, 6);
		}
		tpl_add(fz, f, n);
	}
	n = nt_udp(f + NT_ETH_HLEN + NT_IP_HLEN, fz->peer, fz->wren, 40003,
		   (uint16_t)fz->uport, body, 20);
	memset(f + NT_ETH_HLEN + NT_IP_HLEN + 6, 0, 2);
	tpl_add(fz, f, fz_ip(fz, f, IPPROTO_UDP, n, 0));
	/* A 240-byte UDP datagram in three fragments, and again. */
	for (int rep = 0; rep < 2; rep++) {
		uint8_t dg[NT_UDP_HLEN + 232];
		size_t dl = nt_udp(dg, fz->peer, fz->wren, 40004,
				   (uint16_t)fz->uport, body, 232);

		id = fz->ip_id;
		for (i = 0; i < 3; i++) {
			size_t off = i * 80, len = i < 2 ? 80 : dl - 160;

			memcpy(f + NT_ETH_HLEN + NT_IP_HLEN, dg + off, len);
			fz->ip_id = id;
			tpl_add(fz, f, fz_ip(fz, f, IPPROTO_UDP, len,
					     (uint16_t)((off / 8) |
							(i < 2 ? IP_MF : 0))));
		}
		fz->ip_id = id + 1;
	}
	/* IP options (NOP, record route) on a UDP datagram. */
	{
		uint8_t *ip = f + NT_ETH_HLEN;
		static const uint8_t opt[12] = { 1, 7, 11, 4 };

		n = nt_udp(ip + 32, fz->peer, fz->wren, 40005,
			   (uint16_t)fz->uport, body, 30);
		nt_eth(f, fz->wmac, fz->tx.mac, ETH_P_IP);
		nt_ip(ip, 32 + n, fz->ip_id++, 0, 64, IPPROTO_UDP, fz->peer,
		      fz->wren);
		ip[0] = 0x48;
		memcpy(ip + 20, opt, sizeof(opt));
		((struct iphdr *)ip)->check = 0;
		((struct iphdr *)ip)->check = nt_csum(ip, 32);
		tpl_add(fz, f, NT_ETH_HLEN + 32 + n);
	}
	/* ICMP: echo, echo reply, timestamp, errors about UDP. */
	tpl_add(fz, f, fz_icmp(fz, f, ICMP_ECHO, 0, htonl(0x12340001), body,
			       56));
	tpl_add(fz, f, fz_icmp(fz, f, ICMP_ECHOREPLY, 0, htonl(0x12340001),
			       body, 56));
	tpl_add(fz, f, fz_icmp(fz, f, ICMP_TIMESTAMP, 0, 0, body, 12));
	nt_ip(q, NT_IP_HLEN + 8, 1, 0, 64, IPPROTO_UDP, fz->wren, fz->peer);
	q[20] = fz->uport >> 8;
	q[21] = fz->uport & 0xff;
	q[22] = 0x9c;
	q[23] = 0x45;
	q[24] = 0;
	q[25] = 8;
	ql = NT_IP_HLEN + 8;
	tpl_add(fz, f, fz_icmp(fz, f, ICMP_DEST_UNREACH, ICMP_PORT_UNREACH, 0,
			       q, ql));
	tpl_add(fz, f, fz_icmp(fz, f, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			       htonl(576), q, ql));
}

/* The corpus for this round: fixed frames, then every target's. */
static void tpl_round(struct fz *fz)
{
	uint8_t f[NT_FRAME_MAX], q[64];
	size_t ql;
	int k;

	fz->ntpl = 0;
	tpl_fixed(fz);
	for (k = 0; k < T_NTARGETS; k++) {
		struct tgt *t = &fz->t[k];

		if (!t->ok)
			continue;
		tpl_tcp(fz, t);
		ql = quote_tcp(fz, q, t);
		tpl_add(fz, f, fz_icmp(fz, f, ICMP_DEST_UNREACH,
				       ICMP_FRAG_NEEDED, htonl(1000), q, ql));
		tpl_add(fz, f, fz_icmp(fz, f, ICMP_DEST_UNREACH,
				       ICMP_PORT_UNREACH, 0, q, ql));
		tpl_add(fz, f, fz_icmp(fz, f, ICMP_TIME_EXCEEDED, 0, 0, q, ql));
		tpl_add(fz, f, fz_icmp(fz, f, ICMP_PARAMETERPROB, 0,
				       htonl(20u << 24), q, ql));
	}
}

/* ---- mutation -------------------------------------------------------- */

/* Recompute the IP header checksum and the transport's, where they fit. */
static void fix_sums(uint8_t *f, size_t len)
{
	uint8_t *ip = f + NT_ETH_HLEN, *l4;
	size_t ihl, tot, l4len;
	uint32_t sum = 0;
	uint16_t c;

	if (len < NT_ETH_HLEN + 20 || f[12] != 0x08 || f[13] != 0x00)
		return;
	ihl = (ip[0] & 15) * 4u;
	if (ihl < 20 || NT_ETH_HLEN + ihl > len)
		return;
	memset(ip + 10, 0, 2);
	c = nt_csum(ip, ihl);
	memcpy(ip + 10, &c, 2);
	if (((ip[6] << 8 | ip[7]) & 0x3fff))	/* a fragment */
		return;
	tot = ip[2] << 8 | ip[3];
	if (tot < ihl || NT_ETH_HLEN + tot > len)
		return;
	l4 = ip + ihl;
	l4len = tot - ihl;
	sum = nt_sum(ip + 12, 8, sum);
	switch (ip[9]) {
	case IPPROTO_TCP:
		if (l4len < 20)
			return;
		memset(l4 + 16, 0, 2);
		c = nt_fold(nt_sum(l4, l4len, sum + IPPROTO_TCP +
				   (uint32_t)l4len));
		memcpy(l4 + 16, &c, 2);
		break;
	case IPPROTO_UDP:
		if (l4len < 8)
			return;
		memset(l4 + 6, 0, 2);
		c = nt_fold(nt_sum(l4, l4len, sum + IPPROTO_UDP +
				   (uint32_t)l4len));
		if (!c)
			c = 0xffff;
		memcpy(l4 + 6, &c, 2);
		break;
	case IPPROTO_ICMP:
		if (l4len < 4)
			return;
		memset(l4 + 2, 0, 2);
		c = nt_csum(l4, l4len);
		memcpy(l4 + 2, &c, 2);
		break;
	}
}

/* Keep mutated addresses out of 192.0.2.0/24, the live connections'. */
static void keep_off_live(uint8_t *a)
{
	if (a[0] == 192 && a[1] == 0 && a[2] == 2) {
		a[0] = 198;
		a[1] = 51;
		a[2] = 100;
	}
}

static void mutate(struct fz *fz, uint8_t *f, size_t *len)
{
	static const uint8_t vals[] = { 0, 1, 0x7f, 0x80, 0xff, 0xfe, 5, 15 };
	size_t l = *len, at;
	uint8_t *ip = f + NT_ETH_HLEN;
	size_t ihl = (ip[0] & 15) * 4u;
	int k, n = 1 + (int)rnd_below(fz, 4);

	for (k = 0; k < n; k++) {
		if (l <= NT_ETH_HLEN)
			l = NT_ETH_HLEN + 1;	/* room for the byte cases */
		switch (rnd_below(fz, 12)) {
		case 0:		/* a byte anywhere past Ethernet */
			at = NT_ETH_HLEN + rnd_below(fz, l - NT_ETH_HLEN);
			f[at] ^= (uint8_t)(1u << rnd_below(fz, 8));
			break;
		case 1:
			at = NT_ETH_HLEN + rnd_below(fz, l - NT_ETH_HLEN);
			f[at] = vals[rnd_below(fz, sizeof(vals))];
			break;
		case 2:		/* shorter */
			l = NT_ETH_HLEN + rnd_below(fz, l - NT_ETH_HLEN + 1);
			break;
		case 3:		/* longer, with junk */
			at = l;
			l += rnd_below(fz, 1514 - l + 1);
			while (at < l)
				f[at++] = (uint8_t)rnd(fz);
			break;
		case 4:		/* IP total length */
			if (l >= NT_ETH_HLEN + 4) {
				uint16_t v = (uint16_t)rnd_below(fz, 1600);

				ip[2] = v >> 8;
				ip[3] = v & 0xff;
			}
			break;
		case 5:		/* IP version/IHL, flags/offset, TTL, protocol */
			if (l >= NT_ETH_HLEN + 20) {
				static const uint8_t protos[] = { 1, 6, 17, 2,
								  47, 255 };
				switch (rnd_below(fz, 4)) {
				case 0:
					ip[0] = (uint8_t)rnd(fz);
					break;
				case 1:
					ip[6] = (uint8_t)rnd(fz) & 0xbf;
					ip[7] = (uint8_t)rnd(fz);
					break;
				case 2:
					ip[8] = (uint8_t)rnd_below(fz, 3);
					break;
				default:
					ip[9] = protos[rnd_below(fz,
							sizeof(protos))];
				}
			}
			break;
		case 6:		/* TCP data offset */
		case 7:		/* TCP flags */
		case 8:		/* a TCP option byte: kinds and lengths */
		case 9:		/* TCP sequence or acknowledgment */
			if (ip[9] == IPPROTO_TCP && ihl >= 20 &&
			    l >= NT_ETH_HLEN + ihl + 20) {
				uint8_t *th = ip + ihl;
				size_t doff = (th[12] >> 4) * 4u;
				uint32_t v, sub = rnd_below(fz, 4);

				if (sub == 0)
					th[12] = (uint8_t)(rnd_below(fz, 16) << 4);
				else if (sub == 1)
					th[13] = (uint8_t)rnd(fz);
				else if (doff > 20 &&
					 l >= NT_ETH_HLEN + ihl + doff)
					th[20 + rnd_below(fz, doff - 20)] =
						vals[rnd_below(fz,
							       sizeof(vals))];
				else {
					at = 4 + 4 * rnd_below(fz, 2);
					memcpy(&v, th + at, 4);
					v = htonl(ntohl(v) +
						  (int32_t)rnd_below(fz, 65536) -
						  32768);
					memcpy(th + at, &v, 4);
				}
			}
			break;
		case 10:	/* the destination MAC: broadcast, another host */
			if (rnd_below(fz, 2))
				memset(f, 0xff, 6);
			else
				f[5] ^= 0x01;
			break;
		default:	/* ARP for IP and back: still wren's */
			f[13] = f[13] == 0x06 ? 0x00 : 0x06;
			break;
		}
	}
	/* Multicast MACs and other EtherTypes are Linux's, not wren's. */
	if ((f[0] & 1) && memcmp(f, "\xff\xff\xff\xff\xff\xff", 6))
		f[0] &= 0xfe;
	if (f[13] == 0x00 && l >= NT_ETH_HLEN + 20) {
		keep_off_live(ip + 12);
		keep_off_live(ip + 16);
	} else if (f[13] == 0x06 && l >= NT_ETH_HLEN + 28) {
		keep_off_live(ip + 14);
		keep_off_live(ip + 24);
	}
	if (rnd_below(fz, 2))
		fix_sums(f, l);
	*len = l;
}

/* ---- the live connections -------------------------------------------- */

struct live {
	int port;
	volatile int stop;
	int rounds, bad;
	char why[768];
};

static void *live_fn(void *arg)
{
	struct live *lv = arg;

	while (!lv->stop) {
		bool in = lv->rounds & 1;
		struct wt_xfer x = {
			.send_ns = in ? WT_PEER_NS : NULL,
			.recv_ns = in ? NULL : WT_PEER_NS,
			.host = in ? WS_WREN_IP : WS_PEER_IP,
			.port = lv->port + lv->rounds % FZ_LIVE_PORTS,
			.bytes = FZ_LIVE_BYTES,
			.timeout_ms = 300000,
		};

		if (tt_xfer(&x, in ? "" : "--family wren",
			    in ? "--family wren" : "") ||
		    strcmp(x.snd.sha256, x.rcv.sha256)) {
			if (!lv->bad++)
				snprintf(lv->why, sizeof(lv->why),
					 "round %d (%s): %.300s | %.300s", lv->rounds,
					 in ? "to wren" : "from wren",
					 x.snd.line, x.rcv.line);
		}
		lv->rounds++;
		for (int ms = 0; ms < FZ_LIVE_GAP_MS * wt_scale() && !lv->stop;
		     ms += 100)
			wt_msleep(100);
	}
	return NULL;
}

/* ---- the test ---------------------------------------------------------- */

static void fz_close_targets(struct fz *fz)
{
	uint8_t f[NT_FRAME_MAX];
	int k;

	for (k = 0; k < T_NTARGETS; k++) {
		struct tgt *t = &fz->t[k];

		if (t->wfd >= 0)
			close(t->wfd);
		t->wfd = -1;
		/* A reset from our side, so nothing lingers for long. */
		if (t->sport && !fz_send(fz, f, fz_tcp(fz, f, t, t->snd_nxt, 0,
						       TH_RST, NULL, 0, NULL,
						       0)))
			t->sport = 0;
	}
}

/* Accept and close what the fuzzer's frames opened; read the UDP socket. */
static void fz_drain(struct fz *fz)
{
	char buf[2048];
	int c;

	while ((c = accept4(fz->lst, NULL, NULL, SOCK_NONBLOCK)) >= 0)
		close(c);
	while (recv(fz->udp, buf, sizeof(buf), MSG_DONTWAIT) >= 0)
		;
}

/* A round's targets; how many reached their state. */
static int fz_targets(struct fz *fz, char *names, size_t size)
{
	int k, ok = 0;

	fz_close_targets(fz);
	fz_drain(fz);
	names[0] = '\0';
	if (nt_raw_open(&fz->cap, WT_PEER_NS, FZ_L, ETH_P_IP))
		return 0;
	for (k = 0; k < T_NTARGETS; k++) {
		fz->t[k].ok = !fz_build(fz, k);
		if (fz->t[k].ok)
			ok++;
		else
			snprintf(names + strlen(names), size - strlen(names),
				 " %s", tgt_name[k]);
	}
	nt_raw_close(&fz->cap);
	return ok;
}

TEST_F_TIMEOUT(peer, fuzz_frames, 1800)
{
	static struct fz fz;
	const char *env = getenv("FUZZ_SEED"), *nenv = getenv("FUZZ_FRAMES");
	long frames = nenv ? atol(nenv) : FZ_FRAMES, rounds = 0, full = 0;
	struct ledger lg = { 0 };
	struct live lv = { 0 };
	uint64_t seed;
	pthread_t live;
	char missing[256];
	double t0, dt;
	int base = wt_ports(8);

	lv.port = wt_ports(FZ_LIVE_PORTS);
	ASSERT_LT(0, lv.port);

	ASSERT_LT(0, base);
	seed = env ? strtoull(env, NULL, 0) :
	       (uint64_t)time(NULL) * 2654435761u ^ getpid();
	TH_LOG("FUZZ_SEED=%llu (set it to replay this run)",
	       (unsigned long long)seed);
	memset(&fz, 0, sizeof(fz));
	fz.rng = seed | 1;
	fz.next_sport = 20000 + (uint16_t)rnd_below(&fz, 20000);
	fz.ip_id = (uint16_t)rnd(&fz);
	fz.lport = base;
	fz.uport = base + 1;
	fz.cport = base + 2;
	for (int k = 0; k < T_NTARGETS; k++)
		fz.t[k].wfd = -1;

	/* The veth pair; its Linux end stays silent. */
	nt_runq(NULL, "modprobe veth");
	nt_runq(NULL, "ip link del " FZ_W);
	ASSERT_EQ(0, nt_run(NULL, "ip link add " FZ_W " type veth peer name "
			    FZ_L " netns " WT_PEER_NS));
	ASSERT_EQ(0, nt_run(WT_PEER_NS, "sysctl -qw net.ipv6.conf." FZ_L
			    ".disable_ipv6=1 && ip link set " FZ_L " up"));
	/* Exclusive: every frame sent must reach wren, to be accounted. */
	ASSERT_EQ(0, nt_wren_attach_mode(NULL, FZ_W, FZ_WREN "/24", true));
	ASSERT_EQ(0, nt_ifmac(NULL, FZ_W, fz.wmac));
	ASSERT_EQ(0, nt_raw_open(&fz.tx, WT_PEER_NS, FZ_L, 0));
	ASSERT_EQ(0, wt_sh("wrenctl arp add " FZ_PEER " lladdr "
			   "%02x:%02x:%02x:%02x:%02x:%02x dev " FZ_W,
			   fz.tx.mac[0], fz.tx.mac[1], fz.tx.mac[2],
			   fz.tx.mac[3], fz.tx.mac[4], fz.tx.mac[5]));
	fz.wren = inet_addr(FZ_WREN);
	fz.peer = inet_addr(FZ_PEER);
	fz.lst = tt_listener(fz.lport, 64);
	ASSERT_LE(0, fz.lst);
	ASSERT_EQ(0, fcntl(fz.lst, F_SETFL, O_NONBLOCK));
	fz.udp = nt_dgram(NULL, AF_WREN, 0, NULL, fz.uport);
	ASSERT_LE(0, fz.udp);
	fz.rx0 = wren_rx();
	ASSERT_LE(0, fz.rx0);

	/* Every state reached once before the fuzzing starts. */
	ASSERT_EQ(T_NTARGETS, fz_targets(&fz, missing, sizeof(missing)))
		TH_LOG("not reached:%s", missing);
	ASSERT_EQ(0, pthread_create(&live, NULL, live_fn, &lv));

	t0 = wt_now();
	while (fz.sent < frames) {
		uint8_t f[NT_FRAME_MAX];
		size_t len;
		int i;

		if (rounds * FZ_ROUND <= fz.sent) {
			int ok = rounds ? fz_targets(&fz, missing,
						     sizeof(missing)) :
					  T_NTARGETS;

			if (ok == T_NTARGETS)
				full++;
			else
				TH_LOG("round %ld: not reached:%s", rounds,
				       missing);
			tpl_round(&fz);
			rounds++;
		}
		for (i = 0; i < FZ_BATCH; i++) {
			const struct tpl *t = &fz.tpl[rnd_below(&fz, fz.ntpl)];

			memcpy(f, t->f, t->len);
			len = t->len;
			mutate(&fz, f, &len);
			if (fz_send(&fz, f, len))
				break;
		}
		ASSERT_EQ(FZ_BATCH, i);
		ASSERT_EQ(0, fz_caught_up(&fz))
			TH_LOG("wren took %lld of %ld frames", wren_rx() - fz.rx0,
			       fz.sent);
		fz_drain(&fz);
	}
	dt = wt_now() - t0;
	lv.stop = 1;
	pthread_join(live, NULL);
	fz_close_targets(&fz);
	fz_caught_up(&fz);
	TH_LOG("%ld frames in %.1f s (%.0f/s), %ld rounds (%ld reached every "
	       "state), %d live transfers", fz.sent, dt, fz.sent / dt, rounds,
	       full, lv.rounds);

	/* Every frame reached wren, no more and no fewer. */
	EXPECT_EQ(fz.sent, wren_rx() - fz.rx0);
	/* The live connections carried their data intact. */
	EXPECT_EQ(0, lv.bad) TH_LOG("%s", lv.why);
	EXPECT_LE(2, lv.rounds);
	/* Most rounds rebuilt every state (the first always does). */
	EXPECT_LE(rounds / 2, full);
	/*
	 * Every frame ended once, consumed or dropped with a reason; the
	 * reassembly queues need their 30 s to give up what they hold.
	 */
	EXPECT_TRUE(WT_WAIT(60000, ledger_balanced(&lg))) {
		TH_LOG("in %lld + looped %lld + derived %lld != consumed %lld "
		       "+ dropped %lld, or reasons %lld != dropped + out %lld "
		       "+ held %lld", lg.in, lg.looped, lg.derived,
		       lg.consumed, lg.dropped, lg.reasons, lg.out, lg.held);
		wt_sh("cat " NT_SNMP);
	}
	TH_LOG("ledger: in %lld looped %lld derived %lld consumed %lld "
	       "dropped %lld out %lld held %lld", lg.in, lg.looped, lg.derived,
	       lg.consumed, lg.dropped, lg.out, lg.held);

	close(fz.lst);
	close(fz.udp);
	nt_raw_close(&fz.tx);
	wt_shq("wrenctl arp del " FZ_PEER);
	nt_wren_detach(NULL, FZ_W);
	nt_runq(NULL, "ip link del " FZ_W);

	/* And wren still works. */
	{
		struct wt_xfer x = {
			.recv_ns = WT_PEER_NS, .host = WS_PEER_IP,
			.port = base + 5, .bytes = 4 * WT_MIB,
		};

		ASSERT_EQ(0, tt_xfer(&x, "--family wren", ""));
		EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	}
}

WT_HARNESS_MAIN
