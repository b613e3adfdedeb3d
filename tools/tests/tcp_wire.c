// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP on the wire, against a scripted peer: a test-made TCP end that
 * builds every segment itself and reads wren's replies off peer0 with a
 * packet socket.  It uses an address nobody in the guest owns (FAKE, with
 * a permanent ARP entry in wren pointing at peer0), so the peer's own
 * Linux TCP stays out of the conversation.  A TSO burst of wren's may
 * reach peer0 whole (QEMU hands the virtio-net peer the unsegmented frame
 * with offload metadata), so a "segment" read here can span several MSS.
 *
 *  - options: wren's SYN-ACK answers MSS, window scale, SACK-permitted and
 *    timestamps; wren's SYN offers them, and a peer that offers none gets
 *    segments without them and an unscaled window;
 *  - sequence numbers across 2^32: a connection whose data straddles the
 *    wrap, in order and out of order, arrives intact;
 *  - out-of-order data is ACKed at once with SACK blocks, the newest block
 *    first, merged as holes fill; data received twice is reported once in
 *    a D-SACK block (RFC 2883);
 *  - delayed ACK: one segment waits for the timer (40 ms at least), a
 *    second full segment is ACKed without it;
 *  - wren as the sender: a flight nobody ACKs draws a tail loss probe (the
 *    last segment again) before any timeout (RFC 8985); a fast
 *    retransmission that is lost again is sent once more when data sent
 *    after it is SACKed, without a timeout, for the first hole and for a
 *    later one.
 */
#include <netinet/tcp.h>
#include <signal.h>
#include "kselftest_harness.h"
#include "net.h"
#include "sock.h"

#define FAKE	"192.0.2.7"	/* the scripted peer's address */
#define PORT	6900
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

static int wire_send(struct wire *w, uint32_t seq, uint32_t ack,
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

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

/* The next segment wren sends to us within @ms; 0, or -1 on timeout. */
static int wire_recv(struct wire *w, struct seg *s, int ms)
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
static uint8_t pat(uint32_t i)
{
	return (uint8_t)(i * 7 + 3 + (i >> 8));
}

/* Data segment number @k (SEG bytes) from stream offset k * SEG. */
static int send_data(struct wire *w, uint32_t isn, int k)
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
	int lfd, c;
};

FIXTURE_SETUP(wire)
{
	char *mac;

	signal(SIGPIPE, SIG_IGN);
	self->lfd = -1;
	self->c = -1;
	ASSERT_EQ(0, ws_net_up());
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
static void open_to_wren(struct __test_metadata *_metadata,
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

/* wren answers every option of our SYN, and scales its window. */
TEST_F(wire, synack_options)
{
	struct seg sa, s;

	open_to_wren(_metadata, self, PORT, 0x12345678, &sa);
	EXPECT_EQ(1460, sa.mss);	/* MTU 1500 */
	EXPECT_LE(0, sa.ws);
	EXPECT_GE(14, sa.ws);
	EXPECT_TRUE(sa.sack_perm);
	EXPECT_TRUE(sa.ts);
	EXPECT_EQ(1000u, sa.tsecr);	/* our SYN's TSval */
	/* Data makes wren ACK with a scaled window (2 MiB buffers). */
	ASSERT_EQ(0, send_data(&self->w, 0x12345678, 0));
	ASSERT_EQ(0, send_data(&self->w, 0x12345678, 1));
	ASSERT_EQ(0, wire_recv(&self->w, &s, 5000));
	EXPECT_TRUE(s.ts);
	EXPECT_LT(65535u, (uint32_t)s.win << sa.ws);
	self->w.snd_nxt = 0x12345678 + 1 + 2 * SEG;
}

/*
 * Data across 2^32 (ISN 2.5 segments below the wrap), with holes: every
 * out-of-order segment is ACKed at once, SACK blocks newest first and
 * merged; the reader gets every byte in order.
 */
TEST_F(wire, wraparound_and_sack)
{
	const uint32_t isn = 0xffffffffu - 2 * SEG - SEG / 2;
	long long dack = ws_snmp("TcpExt", "DelayedACKs");
	long long dsack = ws_snmp("TcpExt", "TCPDSACKSent");
	uint8_t got[10 * SEG];
	struct wire *w = &self->w;
	struct seg sa, s;
	uint32_t i;
	size_t have = 0;

	open_to_wren(_metadata, self, PORT + 1, isn, &sa);
	/* 0 and 1 in order, then 3: the hole is 2, which holds 2^32. */
	ASSERT_EQ(0, send_data(w, isn, 0));
	ASSERT_EQ(0, send_data(w, isn, 1));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 2 * SEG, s.ack);
	ASSERT_EQ(0, send_data(w, isn, 3));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 2 * SEG, s.ack);
	ASSERT_EQ(1, s.nsack);
	EXPECT_EQ(isn + 1 + 3 * SEG, s.sack[0][0]);
	EXPECT_EQ(isn + 1 + 4 * SEG, s.sack[0][1]);
	/* 5: a second block, first in the list. */
	ASSERT_EQ(0, send_data(w, isn, 5));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 2 * SEG, s.ack);
	ASSERT_EQ(2, s.nsack);
	EXPECT_EQ(isn + 1 + 5 * SEG, s.sack[0][0]);
	EXPECT_EQ(isn + 1 + 6 * SEG, s.sack[0][1]);
	EXPECT_EQ(isn + 1 + 3 * SEG, s.sack[1][0]);
	/* 4 joins them into one block. */
	ASSERT_EQ(0, send_data(w, isn, 4));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	ASSERT_EQ(1, s.nsack);
	EXPECT_EQ(isn + 1 + 3 * SEG, s.sack[0][0]);
	EXPECT_EQ(isn + 1 + 6 * SEG, s.sack[0][1]);
	/* 4 again: a D-SACK block for it, inside the SACK block after it. */
	ASSERT_EQ(0, send_data(w, isn, 4));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	ASSERT_EQ(2, s.nsack);
	EXPECT_EQ(isn + 1 + 4 * SEG, s.sack[0][0]);
	EXPECT_EQ(isn + 1 + 5 * SEG, s.sack[0][1]);
	EXPECT_EQ(isn + 1 + 3 * SEG, s.sack[1][0]);
	EXPECT_EQ(isn + 1 + 6 * SEG, s.sack[1][1]);
	/* 2 fills the hole across the wrap: everything is ACKed, no SACK. */
	ASSERT_EQ(0, send_data(w, isn, 2));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 6 * SEG, s.ack);
	EXPECT_EQ(0, s.nsack);
	/* 1 again, below the cumulative ACK: a D-SACK block alone. */
	ASSERT_EQ(0, send_data(w, isn, 1));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 6 * SEG, s.ack);
	ASSERT_EQ(1, s.nsack);
	EXPECT_EQ(isn + 1 + 1 * SEG, s.sack[0][0]);
	EXPECT_EQ(isn + 1 + 2 * SEG, s.sack[0][1]);
	EXPECT_EQ(dsack + 2, ws_snmp("TcpExt", "TCPDSACKSent"));
	/* None of those ACKs waited for the delayed-ACK timer. */
	EXPECT_EQ(dack, ws_snmp("TcpExt", "DelayedACKs"));
	for (i = 6; i < 10; i++)
		ASSERT_EQ(0, send_data(w, isn, i));
	w->snd_nxt = isn + 1 + 10 * SEG;
	while (have < sizeof(got)) {
		struct pollfd p = { .fd = self->c, .events = POLLIN };
		ssize_t n;

		ASSERT_EQ(1, poll(&p, 1, 5000));
		n = read(self->c, got + have, sizeof(got) - have);
		ASSERT_LT(0, n);
		have += n;
	}
	for (i = 0; i < sizeof(got); i++)
		if (got[i] != pat(i))
			break;
	EXPECT_EQ(sizeof(got), i);
}

/*
 * One segment in order: the ACK waits for the delayed-ACK timer (40 ms at
 * least); then two full segments: ACKed without it.
 */
TEST_F(wire, delayed_ack)
{
	const uint32_t isn = 0x40000000;
	struct wire *w = &self->w;
	long long dack;
	struct seg sa, s;
	double t0;

	open_to_wren(_metadata, self, PORT + 2, isn, &sa);
	/* The first segment teaches wren the peer's segment size. */
	ASSERT_EQ(0, send_data(w, isn, 0));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	dack = ws_snmp("TcpExt", "DelayedACKs");
	t0 = wt_now();
	ASSERT_EQ(0, send_data(w, isn, 1));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 2 * SEG, s.ack);
	EXPECT_LE(0.035, wt_now() - t0);
	EXPECT_EQ(dack + 1, ws_snmp("TcpExt", "DelayedACKs"));
	TH_LOG("delayed ACK after %.0f ms", (wt_now() - t0) * 1000);
	ASSERT_EQ(0, send_data(w, isn, 2));
	ASSERT_EQ(0, send_data(w, isn, 3));
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(isn + 1 + 4 * SEG, s.ack);
	EXPECT_EQ(dack + 1, ws_snmp("TcpExt", "DelayedACKs"));
	w->snd_nxt = isn + 1 + 4 * SEG;
}

/*
 * wren's SYN offers MSS, window scale, SACK-permitted and timestamps; a
 * peer whose SYN-ACK has no options gets segments without timestamps or
 * SACK blocks after the handshake, and an unscaled window.
 */
TEST_F(wire, syn_offer_and_peer_without_options)
{
	struct sockaddr_wren a = nt_swren(FAKE, PORT + 3), me;
	socklen_t len = sizeof(me);
	struct wire *w = &self->w;
	struct seg syn, s;
	const uint32_t isn = 0x7ffff000;

	self->c = socket(AF_WREN, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, self->c);
	ASSERT_EQ(-1, connect(self->c, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(EINPROGRESS, errno);
	/* We are wren's remote port; wren's own is its local port. */
	ASSERT_EQ(0, getsockname(self->c, (struct sockaddr *)&me, &len));
	w->sport = PORT + 3;
	w->dport = ntohs(me.swren_port);
	ASSERT_EQ(0, wire_recv(w, &syn, 5000));
	ASSERT_EQ(F_SYN, syn.flags);
	EXPECT_EQ(1460, syn.mss);
	EXPECT_LE(0, syn.ws);
	EXPECT_TRUE(syn.sack_perm);
	EXPECT_TRUE(syn.ts);
	/* A SYN-ACK without options. */
	w->rcv_nxt = syn.seq + 1;
	ASSERT_EQ(0, wire_send(w, isn, w->rcv_nxt, F_SYN | F_ACK, NULL, 0,
			       O_NONE));
	w->snd_nxt = isn + 1;
	/* wren's ACK of it, and then data from wren: no options at all. */
	ASSERT_EQ(0, wire_recv(w, &s, 5000));
	EXPECT_EQ(F_ACK, s.flags & (F_ACK | F_SYN));
	EXPECT_EQ(isn + 1, s.ack);
	EXPECT_FALSE(s.ts);
	EXPECT_EQ(0, s.nsack);
	ASSERT_EQ(5, write(self->c, "hello", 5));
	do {
		ASSERT_EQ(0, wire_recv(w, &s, 5000));
	} while (!s.len);
	EXPECT_EQ(5, s.len);
	EXPECT_EQ(0, memcmp(s.data, "hello", 5));
	EXPECT_FALSE(s.ts);
	/* Unscaled: the raw window field is the window, at most 65535. */
	EXPECT_LT(0, s.win);
}

/*
 * wren writes @bytes (after one round trip that gives it an RTT sample);
 * the data segments it sends within @ms are in @segs (at most @max), in
 * the order they came, retransmissions included.  Returns their count.
 */
static int wren_sends(struct __test_metadata *_metadata,
		      FIXTURE_DATA(wire) *self, size_t bytes, struct seg *segs,
		      int max, int ms, bool (*stop)(struct seg *, int))
{
	static char buf[65536];
	struct wire *w = &self->w;
	struct seg s;
	int n = 0;

	/* One byte there and its ACK back: an RTT sample for wren. */
	EXPECT_EQ(1, write(self->c, "r", 1));
	do {
		if (wire_recv(w, &s, 5000))
			return 0;
	} while (!s.len);
	w->rcv_nxt = s.seq + s.len;
	EXPECT_EQ(0, wire_send(w, w->snd_nxt, w->rcv_nxt, F_ACK, NULL, 0,
			       O_TS));
	wt_msleep(50);
	memset(buf, 'x', sizeof(buf));
	EXPECT_EQ((ssize_t)bytes, write(self->c, buf, bytes));
	while (n < max && wire_recv(w, &segs[n], ms) == 0) {
		if (!segs[n].len)
			continue;
		TH_LOG("wren sent %u+%d at %.3f", segs[n].seq - w->rcv_nxt,
		       segs[n].len, wt_now());
		n++;
		if (stop && stop(segs, n))
			break;
	}
	return n;
}

/* Stop once the last segment carries data that came before. */
static bool seen_twice(struct seg *segs, int n)
{
	uint32_t s = segs[n - 1].seq;
	int i;

	for (i = 0; i < n - 1; i++)
		if (s - segs[i].seq < (uint32_t)segs[i].len)
			return true;
	return false;
}

/* Stop once ten segments' worth (wren's initial window) came. */
static bool seen_iw(struct seg *segs, int n)
{
	int i, bytes = 0;

	for (i = 0; i < n; i++)
		bytes += segs[i].len;
	return bytes >= 10 * WREN_SEG;
}

/* wren's own view of the connection. */
static struct wren_tcp_info wren_info(struct __test_metadata *_metadata,
				      int fd)
{
	struct wren_tcp_info ti;
	socklen_t len = sizeof(ti);

	memset(&ti, 0, sizeof(ti));
	EXPECT_EQ(0, getsockopt(fd, IPPROTO_TCP, WREN_TCP_INFO, &ti, &len));
	return ti;
}

/*
 * A flight of three full segments and no ACK at all: before the RTO,
 * wren probes with its last segment (RFC 8985 7.3; nothing new is waiting
 * to go), where an RTO would have resent the first.  ACKing everything
 * afterwards, without a D-SACK, counts a loss the probe repaired.
 */
TEST_F(wire, tail_loss_probe)
{
	long long tlp = ws_snmp("TcpExt", "TCPLossProbes");
	long long rec = ws_snmp("TcpExt", "TCPLossProbeRecovery");
	const uint32_t isn = 0x10000000;
	struct wire *w = &self->w;
	struct seg sa, segs[16], *p;
	struct wren_tcp_info ti;
	uint32_t first, top = 0;
	int n, i;

	open_to_wren(_metadata, self, PORT + 4, isn, &sa);
	n = wren_sends(_metadata, self, 3 * WREN_SEG, segs, 16, 3000,
		       seen_twice);
	ASSERT_LE(2, n);
	ASSERT_TRUE(seen_twice(segs, n));
	first = segs[0].seq;
	for (i = 0; i < n - 1; i++)
		if ((int32_t)(segs[i].seq + segs[i].len - top) > 0 || !top)
			top = segs[i].seq + segs[i].len;
	/* The data sent again is the tail of the flight, not its head. */
	p = &segs[n - 1];
	EXPECT_EQ(top, p->seq + p->len);
	EXPECT_NE(first, p->seq);
	EXPECT_EQ((uint32_t)(3 * WREN_SEG), top - first);
	ti = wren_info(_metadata, self->c);
	EXPECT_EQ(0, ti.retransmits);	/* no RTO yet */
	EXPECT_LE(tlp + 1, ws_snmp("TcpExt", "TCPLossProbes"));
	w->rcv_nxt = top;
	ASSERT_EQ(0, wire_send(w, w->snd_nxt, w->rcv_nxt, F_ACK, NULL, 0,
			       O_TS));
	EXPECT_EQ(rec + 1, NT_WAIT_ABOVE(3000, rec,
					 ws_snmp("TcpExt",
						 "TCPLossProbeRecovery")));
}

/*
 * New data at *@top (segment @s): the first SACK block grows over it and
 * an ACK still at @ack reports it.  Anything else is left unanswered.
 */
static int sack_new_data(struct wire *w, const struct seg *s, uint32_t *top,
			 uint32_t ack)
{
	if (s->seq != *top)
		return 0;
	*top += s->len;
	w->sack[0][1] = *top;
	return wire_send(w, w->snd_nxt, ack, F_ACK, NULL, 0, O_TS_SACK);
}

/*
 * The first segment of a flight is lost, and so is its fast
 * retransmission: once data sent after the retransmission is SACKed, wren
 * sends it again, before any timeout.
 */
TEST_F(wire, lost_retransmission)
{
	long long lost = ws_snmp("TcpExt", "TCPLostRetransmit");
	const uint32_t isn = 0x20000000;
	struct wire *w = &self->w;
	struct seg sa, segs[16], s;
	uint32_t head, top;
	int n, i, again = 0;

	open_to_wren(_metadata, self, PORT + 5, isn, &sa);
	/* The initial window (ten segments) of 40 written. */
	n = wren_sends(_metadata, self, 40 * WREN_SEG, segs, 16, 1000,
		       seen_iw);
	ASSERT_TRUE(seen_iw(segs, n));
	head = segs[0].seq;
	top = segs[n - 1].seq + segs[n - 1].len;
	/* Its first segment is "lost": SACK the rest. */
	w->nsack = 1;
	w->sack[0][0] = head + WREN_SEG;
	w->sack[0][1] = top;
	ASSERT_EQ(0, wire_send(w, w->snd_nxt, head, F_ACK, NULL, 0,
			       O_TS_SACK));
	/* Its fast retransmission, "lost" too; new data SACKed as it comes. */
	for (i = 0; i < 64 && again < 2; i++) {
		ASSERT_EQ(0, wire_recv(w, &s, 3000));
		if (!s.len)
			continue;
		if (s.seq == head) {
			again++;
			TH_LOG("the head again (%d) at %.3f", again, wt_now());
			continue;
		}
		ASSERT_EQ(0, sack_new_data(w, &s, &top, head));
	}
	EXPECT_EQ(2, again);
	EXPECT_EQ(lost + 1, ws_snmp("TcpExt", "TCPLostRetransmit"));
	EXPECT_EQ(0, wren_info(_metadata, self->c).retransmits);
	w->nsack = 0;
}

/*
 * Two holes in a flight, and both fast retransmissions lost as well: once
 * data sent after them is SACKed, wren sends each hole again, the second
 * as well as the first (RACK, RFC 8985 6.2), before any timeout.
 */
TEST_F(wire, lost_retransmissions_two_holes)
{
	long long lost = ws_snmp("TcpExt", "TCPLostRetransmit");
	const uint32_t isn = 0x28000000;
	struct wire *w = &self->w;
	struct seg sa, segs[16], s;
	uint32_t head, mid, top;
	int n, i, again_head = 0, again_mid = 0;
	double t_mid = 0;

	open_to_wren(_metadata, self, PORT + 6, isn, &sa);
	n = wren_sends(_metadata, self, 40 * WREN_SEG, segs, 16, 1000,
		       seen_iw);
	ASSERT_TRUE(seen_iw(segs, n));
	head = segs[0].seq;
	mid = head + 4 * WREN_SEG;
	top = segs[n - 1].seq + segs[n - 1].len;
	/* Segments 0 and 4 are "lost": SACK the rest. */
	w->nsack = 2;
	w->sack[0][0] = mid + WREN_SEG;
	w->sack[0][1] = top;
	w->sack[1][0] = head + WREN_SEG;
	w->sack[1][1] = mid;
	ASSERT_EQ(0, wire_send(w, w->snd_nxt, head, F_ACK, NULL, 0,
			       O_TS_SACK));
	/* Both retransmissions "lost" too; new data SACKed as it comes. */
	for (i = 0; i < 96 && (again_head < 2 || again_mid < 2); i++) {
		ASSERT_EQ(0, wire_recv(w, &s, 3000));
		if (!s.len)
			continue;
		if (s.seq == head || s.seq == mid) {
			if (s.seq == head) {
				again_head++;
			} else if (++again_mid == 1) {
				t_mid = wt_now();
			} else {
				t_mid = wt_now() - t_mid;
			}
			TH_LOG("%s again (%d, %d) at %.3f",
			       s.seq == head ? "the head" : "the second hole",
			       again_head, again_mid, wt_now());
			continue;
		}
		ASSERT_EQ(0, sack_new_data(w, &s, &top, head));
	}
	/*
	 * The head is judged by sequence too (DupThresh segments SACKed
	 * past it), so it may go more than twice meanwhile; the second hole
	 * by time only, a reordering window after the data sent after it.
	 */
	EXPECT_LE(2, again_head);
	EXPECT_EQ(2, again_mid);
	TH_LOG("the second hole went again %.1f ms after its retransmission",
	       t_mid * 1000);
	EXPECT_GT(0.2, t_mid);		/* before the minimum RTO */
	EXPECT_EQ(lost + again_head - 1 + again_mid - 1,
		  ws_snmp("TcpExt", "TCPLostRetransmit"));
	EXPECT_EQ(0, wren_info(_metadata, self->c).retransmits);
	w->nsack = 0;
}

TEST_HARNESS_MAIN
