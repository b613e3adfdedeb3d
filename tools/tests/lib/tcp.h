/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the TCP test programs (tools/tests/tcp_*.c): hash-checked
 * transfers between any two ends, a wren-client/Linux-server pair, and
 * netem clean-up on the wren_e1000 wire.
 */
#ifndef _WREN_TCP_TEST_H
#define _WREN_TCP_TEST_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include "sock.h"

/* A transfer whose two ends may be of different families. */
static int __attribute__((unused)) tt_xfer(struct wt_xfer *x, const char *send_opts,
		const char *recv_opts)
{
	int timeout_s = (x->timeout_ms ? x->timeout_ms : 120000) / 1000;
	struct wt_bg *rcv, *snd;

	x->opts = recv_opts;
	rcv = wt_xfer_recv_start(x);
	if (!rcv)
		return -1;
	snd = wt_bg_start(x->send_ns, "exec wt-xfer send --timeout %d %s %s "
			  "%d %lld", timeout_s + 5, send_opts, x->host,
			  x->port, x->bytes);
	return wt_xfer_finish(x, rcv, snd);
}

/* A connected pair: *w the wren client, *l the Linux server's socket. */
static int __attribute__((unused)) tt_pair(int port, int *w, int *l)
{
	struct sockaddr_in la = nt_sin(NULL, port);
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, port);
	int one = 1, lfd;

	lfd = nt_socket(WT_PEER_NS, AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		return -1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&la, sizeof(la)) || listen(lfd, 4))
		goto fail;
	*w = socket(AF_WREN, SOCK_STREAM, 0);
	if (*w < 0 || connect(*w, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	*l = accept(lfd, NULL, NULL);
	if (*l < 0)
		goto fail;
	close(lfd);
	return 0;
fail:
	fprintf(stderr, "# pair: %s\n", strerror(errno));
	close(lfd);
	return -1;
}

static void __attribute__((unused)) tt_netem_off(void)
{
	wt_shq("tc qdisc del dev eth0 root 2>/dev/null");
	wt_peerq("tc qdisc del dev peer0 root 2>/dev/null");
}

/* A wren listener on @port (any address, SO_REUSEADDR); -1 on failure. */
static int __attribute__((unused)) tt_listener(int port, int backlog)
{
	struct sockaddr_wren a = nt_swren(NULL, port);
	int one = 1, fd = socket(AF_WREN, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Keepalive on @fd: first probe after @idle s, then every @intvl s, @cnt. */
static int __attribute__((unused)) tt_keepalive(int fd, int idle, int intvl,
						int cnt)
{
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on)) ||
	       setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle,
			  sizeof(idle)) ||
	       setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
			  sizeof(intvl)) ||
	       setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
}

/* ---- forged segments from the peer's namespace ----------------------- */

static inline unsigned short tt_csum_fold(unsigned long sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (unsigned short)~sum;
}

/*
 * Send a TCP segment from the peer's raw socket (AF_INET, IPPROTO_TCP, in
 * the peer's namespace) to wren: header, @optlen bytes of options (a
 * multiple of 4) and @len bytes of payload.  0 or -1.
 */
static int __attribute__((unused))
tt_forge(int raw, unsigned short sport, unsigned short dport,
	 unsigned int seq, unsigned int ack, unsigned char flags,
	 const void *opts, size_t optlen, const void *data, size_t len)
{
	struct sockaddr_in dst = nt_sin(WS_WREN_IP, dport);
	struct {
		unsigned int saddr, daddr;
		unsigned char zero, proto;
		unsigned short len;
	} ph;
	unsigned char seg[1500];
	struct tcphdr *th = (struct tcphdr *)seg;
	size_t hl = sizeof(*th) + optlen, tot = hl + len, i;
	unsigned long sum = 0;
	unsigned char *b;
	unsigned short ck;

	if (tot > sizeof(seg) || optlen % 4)
		return -1;
	memset(seg, 0, sizeof(seg));
	th->source = htons(sport);
	th->dest = htons(dport);
	th->seq = htonl(seq);
	th->ack_seq = htonl(ack);
	th->doff = hl / 4;
	seg[13] = flags;
	th->window = htons(65535);
	if (optlen)
		memcpy(seg + sizeof(*th), opts, optlen);
	if (len)
		memcpy(seg + hl, data, len);
	ph.saddr = inet_addr(WS_PEER_IP);
	ph.daddr = inet_addr(WS_WREN_IP);
	ph.zero = 0;
	ph.proto = IPPROTO_TCP;
	ph.len = htons(tot);
	for (b = (unsigned char *)&ph, i = 0; i < sizeof(ph); i += 2)
		sum += b[i] << 8 | b[i + 1];
	for (b = seg, i = 0; i < tot; i += 2)
		sum += b[i] << 8 | (i + 1 < tot ? b[i + 1] : 0);
	ck = htons(tt_csum_fold(sum));
	memcpy(&seg[16], &ck, 2);
	return sendto(raw, seg, tot, 0, (struct sockaddr *)&dst,
		      sizeof(dst)) == (ssize_t)tot ? 0 : -1;
}

#endif /* _WREN_TCP_TEST_H */
