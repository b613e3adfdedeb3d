/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scripted peer of the TCP wire tests (include after
 * kselftest_harness.h): a test-made TCP end that builds every segment
 * itself and reads wren's replies off peer0 with a packet socket.  It uses
 * an address nobody in the guest owns (FAKE, with a permanent ARP entry
 * in wren pointing at peer0), so the peer's own Linux TCP stays out of
 * the conversation.  A TSO burst of wren's may reach peer0 whole (QEMU
 * hands the virtio-net peer the unsegmented frame with offload metadata),
 * so a "segment" read here can span several MSS.
 *
 * FIXTURE(wire): the raw socket, the ARP entry, a block of ports
 * (self->port) and, after open_to_wren(), an accepted wren socket (c).
 */
#ifndef _WREN_TCP_WIRE_H
#define _WREN_TCP_WIRE_H

#include <netinet/tcp.h>
#include <signal.h>
#include "net.h"
#include "sock.h"

#define FAKE	"192.0.2.7"	/* the scripted peer's address */
#define SEG	1000		/* the scripted peer's segment size (its MSS) */
#define WREN_SEG (SEG - 12)	/* wren's to us: our MSS less timestamps */

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10

/* A segment as wren sent it. */
struct seg {
	uint32_t seq, ack, tsval, tsecr;
	uint8_t flags;
	uint16_t win;
	int mss, ws;			/* -1: absent */
	bool sack_perm, ts;
	int nsack;
	uint32_t sack[4][2];
	int len;			/* may exceed data[] (a TSO burst) */
	uint8_t data[1600];
};

/* The scripted end of one connection. */
struct wire {
	struct nt_raw r;
	uint8_t wren_mac[6];
	uint32_t me, wren;		/* addresses, network order */
	uint16_t sport, dport;		/* ours, wren's (host order) */
	uint32_t snd_nxt, rcv_nxt;
	bool ts;			/* put timestamps on our segments */
	uint32_t tsval, ts_recent;
	int nsack;			/* SACK blocks on O_TS_SACK */
	uint32_t sack[3][2];
};

enum opts { O_NONE, O_TS, O_SYN_ALL, O_TS_SACK };

static inline int wire_send(struct wire *w, uint32_t seq, uint32_t ack,
		     uint8_t flags, const void *data, size_t len,
		     enum opts opts)
{
	uint8_t f[NT_FRAME_MAX], *t, *o;
	size_t olen = 0, tlen;
	uint32_t sum = 0;
	uint16_t ck;

	t = f + NT_ETH_HLEN + NT_IP_HLEN;
	o = t + 20;
	if (opts == O_SYN_ALL) {
		o[0] = 2; o[1] = 4; o[2] = SEG >> 8; o[3] = SEG & 0xff;
		o[4] = 1; o[5] = 3; o[6] = 3; o[7] = 7;	/* WS 7 */
		o[8] = 4; o[9] = 2;				/* SACK ok */
		olen = 10;
	}
	if (opts != O_NONE) {
		uint32_t v = htonl(w->tsval), e = htonl(w->ts_recent);

		if (opts != O_SYN_ALL) {
			o[0] = 1; o[1] = 1;
			olen = 2;
		}
		o[olen] = 8; o[olen + 1] = 10;
		memcpy(o + olen + 2, &v, 4);
		memcpy(o + olen + 6, &e, 4);
		olen += 10;
	}
	if (opts == O_TS_SACK && w->nsack) {
		int k;

		o[olen] = 1; o[olen + 1] = 1;
		o[olen + 2] = 5; o[olen + 3] = (uint8_t)(2 + 8 * w->nsack);
		olen += 4;
		for (k = 0; k < w->nsack; k++) {
			uint32_t a = htonl(w->sack[k][0]), b = htonl(w->sack[k][1]);

			memcpy(o + olen, &a, 4);
			memcpy(o + olen + 4, &b, 4);
			olen += 8;
		}
	}
	tlen = 20 + olen + len;
	memset(t, 0, 20);
	t[0] = w->sport >> 8; t[1] = w->sport & 0xff;
	t[2] = w->dport >> 8; t[3] = w->dport & 0xff;
	seq = htonl(seq);
	ack = htonl(ack);
	memcpy(t + 4, &seq, 4);
	memcpy(t + 8, &ack, 4);
	t[12] = (uint8_t)((20 + olen) / 4) << 4;
	t[13] = flags;
	t[14] = 0xff; t[15] = 0xff;	/* window 65535 (times 128 if scaled) */
	if (len)
		memcpy(t + 20 + olen, data, len);
	sum = nt_sum(&w->me, 4, sum);
	sum = nt_sum(&w->wren, 4, sum);
	sum += IPPROTO_TCP + (uint32_t)tlen;
	ck = nt_fold(nt_sum(t, tlen, sum));
	memcpy(t + 16, &ck, 2);
	nt_eth(f, w->wren_mac, w->r.mac, ETH_P_IP);
	nt_ip(f + NT_ETH_HLEN, NT_IP_HLEN + tlen, 1, IP_DF, 64, IPPROTO_TCP,
	      w->me, w->wren);
	w->tsval++;
	return nt_raw_send(&w->r, f, NT_ETH_HLEN + NT_IP_HLEN + tlen);
}

static inline uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

/* The next segment wren sends to us within @ms; 0, or -1 on timeout. */
static inline int wire_recv(struct wire *w, struct seg *s, int ms)
{
	double end = wt_now() + ms / 1000.0;
	static uint8_t f[65536 + 256];

	while (wt_now() < end) {
		int left = (int)((end - wt_now()) * 1000) + 1;
		ssize_t n = nt_raw_recv(&w->r, f, sizeof(f), left);
		const uint8_t *ip = f + NT_ETH_HLEN, *t, *o;
		struct iphdr iph;
		size_t ihl, doff, tot, i;

		if (n <= 0)
			return -1;
		if ((size_t)n < NT_ETH_HLEN + NT_IP_HLEN + 20 ||
		    f[12] != 0x08 || f[13] != 0x00)
			continue;
		memcpy(&iph, ip, sizeof(iph));
		ihl = iph.ihl * 4u;
		tot = ntohs(iph.tot_len);
		if (iph.protocol != IPPROTO_TCP || iph.saddr != w->wren ||
		    iph.daddr != w->me || tot > (size_t)n - NT_ETH_HLEN)
			continue;
		t = ip + ihl;
		if ((t[0] << 8 | t[1]) != w->dport ||
		    (t[2] << 8 | t[3]) != w->sport)
			continue;
		doff = (t[12] >> 4) * 4u;
		memset(s, 0, sizeof(*s));
		s->mss = -1;
		s->ws = -1;
		s->seq = get32(t + 4);
		s->ack = get32(t + 8);
		s->flags = t[13];
		s->win = (uint16_t)(t[14] << 8 | t[15]);
		for (o = t + 20, i = 0; i < doff - 20;) {
			uint8_t kind = o[i], l = i + 1 < doff - 20 ? o[i + 1] : 0;

			if (kind == 0)
				break;
			if (kind == 1) {
				i++;
				continue;
			}
			if (l < 2 || i + l > doff - 20)
				break;
			if (kind == 2 && l == 4)
				s->mss = o[i + 2] << 8 | o[i + 3];
			else if (kind == 3 && l == 3)
				s->ws = o[i + 2];
			else if (kind == 4 && l == 2)
				s->sack_perm = true;
			else if (kind == 8 && l == 10) {
				s->ts = true;
				s->tsval = get32(o + i + 2);
				s->tsecr = get32(o + i + 6);
			} else if (kind == 5 && (l - 2) % 8 == 0) {
				int k;

				for (k = 0; k < (l - 2) / 8 && k < 4; k++) {
					s->sack[k][0] = get32(o + i + 2 + 8 * k);
					s->sack[k][1] = get32(o + i + 6 + 8 * k);
				}
				s->nsack = k;
			}
			i += l;
		}
		s->len = (int)(tot - ihl - doff);
		memcpy(s->data, t + doff,
		       s->len < (int)sizeof(s->data) ? (size_t)s->len :
		       sizeof(s->data));
		if (s->ts)
			w->ts_recent = s->tsval;
		return 0;
	}
	return -1;
}

/* The payload byte at stream offset @i (from the first data byte). */
static inline uint8_t pat(uint32_t i)
{
	return (uint8_t)(i * 7 + 3 + (i >> 8));
}

/* Data segment number @k (SEG bytes) from stream offset k * SEG. */
static inline int send_data(struct wire *w, uint32_t isn, int k)
{
	uint8_t d[SEG];
	uint32_t i;

	for (i = 0; i < SEG; i++)
		d[i] = pat((uint32_t)k * SEG + i);
	return wire_send(w, isn + 1 + (uint32_t)k * SEG, w->rcv_nxt,
			 F_ACK | F_PSH, d, SEG, w->ts ? O_TS : O_NONE);
}

FIXTURE(wire) {
	struct wire w;
	int lfd, c, port;
};

FIXTURE_SETUP(wire)
{
	char *mac;

	signal(SIGPIPE, SIG_IGN);
	self->lfd = -1;
	self->c = -1;
	ASSERT_EQ(0, ws_net_up());
	self->port = wt_ports(16);
	ASSERT_LT(0, self->port);
	ASSERT_EQ(0, nt_raw_open(&self->w.r, WT_PEER_NS, "peer0", ETH_P_IP));
	mac = wt_read_file("/sys/class/net/eth0/address");
	ASSERT_NE(NULL, mac);
	ASSERT_EQ(6, sscanf(mac, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx",
			    &self->w.wren_mac[0], &self->w.wren_mac[1],
			    &self->w.wren_mac[2], &self->w.wren_mac[3],
			    &self->w.wren_mac[4], &self->w.wren_mac[5]));
	free(mac);
	/* wren reaches FAKE at peer0's MAC, where our packet socket is. */
	wt_shq("wrenctl arp del " FAKE " 2>/dev/null");
	ASSERT_EQ(0, wt_sh("wrenctl arp add " FAKE " lladdr "
			   "%02x:%02x:%02x:%02x:%02x:%02x dev eth0",
			   self->w.r.mac[0], self->w.r.mac[1], self->w.r.mac[2],
			   self->w.r.mac[3], self->w.r.mac[4], self->w.r.mac[5]));
	self->w.me = inet_addr(FAKE);
	self->w.wren = inet_addr(WS_WREN_IP);
	self->w.tsval = 1000;
}

FIXTURE_TEARDOWN(wire)
{
	/* A reset from our side, so wren keeps nothing of the test. */
	if (self->w.snd_nxt)
		wire_send(&self->w, self->w.snd_nxt, 0, F_RST, NULL, 0,
			  O_NONE);
	if (self->c >= 0)
		close(self->c);
	if (self->lfd >= 0)
		close(self->lfd);
	nt_raw_close(&self->w.r);
	wt_shq("wrenctl arp del " FAKE " 2>/dev/null");
}

/*
 * A wren listener and our SYN with every option, ISN @isn: checks the
 * SYN-ACK, completes the handshake and accepts.  The SYN-ACK in @sa.
 */
static inline void open_to_wren(struct __test_metadata *_metadata,
			 FIXTURE_DATA(wire) *self, int port, uint32_t isn,
			 struct seg *sa)
{
	struct sockaddr_wren a = nt_swren(NULL, port);
	struct wire *w = &self->w;
	int one = 1;

	self->lfd = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, self->lfd);
	setsockopt(self->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(self->lfd, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(self->lfd, 4));
	w->sport = 40000 + port % 1000;
	w->dport = port;
	w->ts = true;
	ASSERT_EQ(0, wire_send(w, isn, 0, F_SYN, NULL, 0, O_SYN_ALL));
	ASSERT_EQ(0, wire_recv(w, sa, 5000));
	ASSERT_EQ(F_SYN | F_ACK, sa->flags);
	ASSERT_EQ(isn + 1, sa->ack);
	w->rcv_nxt = sa->seq + 1;
	w->snd_nxt = isn + 1;
	ASSERT_EQ(0, wire_send(w, isn + 1, w->rcv_nxt, F_ACK, NULL, 0, O_TS));
	self->c = accept(self->lfd, NULL, NULL);
	ASSERT_LE(0, self->c);
}

#endif /* _WREN_TCP_WIRE_H */
