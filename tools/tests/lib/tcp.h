/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the TCP test programs (tools/tests/tcp_*.c): hash-checked
 * transfers between any two ends, wren/Linux pairs (on the link, or through
 * a Linux router to a far namespace with a small MTU), the connection
 * tables as /proc and wrenstat show them, threads that move a hashed
 * pattern, netem clean-up on the wren_e1000 wire, and segments forged
 * from the peer's namespace.  The fixtures are in tcp_fixture.h.
 */
#ifndef _WREN_TCP_TEST_H
#define _WREN_TCP_TEST_H

#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include "sock.h"

/* /proc/net/tcp state numbers, as wren's table uses them. */
enum tt_state {
	TT_ESTABLISHED = 0x01, TT_SYN_SENT, TT_SYN_RECV, TT_FIN_WAIT1,
	TT_FIN_WAIT2, TT_TIME_WAIT, TT_CLOSE, TT_CLOSE_WAIT, TT_LAST_ACK,
	TT_LISTEN, TT_CLOSING,
};

/* The far network: a namespace behind the peer, reached through it. */
#define TT_FAR_NS	"tcpfar"
#define TT_FAR_IP	"203.0.113.2"
#define TT_FAR_GW	"203.0.113.1"
#define TT_FAR_MTU	1000	/* the peer's route there, locked */

/* A transfer whose two ends may be of different families. */
static inline int tt_xfer(struct wt_xfer *x, const char *send_opts,
			  const char *recv_opts)
{
	int timeout_s = (x->timeout_ms ? x->timeout_ms : 120000) / 1000 *
			wt_scale();
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
static inline int tt_pair(int port, int *w, int *l)
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

/* An AF_INET listener on @port in namespace @ns (SO_REUSEADDR), or -1. */
static inline int tt_linux_listener(const char *ns, int port)
{
	int fd = nt_bound(ns, AF_INET, SOCK_STREAM, 0, NULL, port, true);

	if (fd >= 0 && listen(fd, 16)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A Linux client in the peer's namespace connected to wren's @port. */
static inline int tt_linux_client(int port)
{
	struct sockaddr_in a = nt_sin(WS_WREN_IP, port);
	int fd = nt_socket(WT_PEER_NS, AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Does the connection still carry a byte each way? */
static inline bool tt_alive(int w, int l)
{
	char c;

	if (write(w, "a", 1) != 1 || read(l, &c, 1) != 1 || c != 'a')
		return false;
	if (write(l, "b", 1) != 1 || read(w, &c, 1) != 1 || c != 'b')
		return false;
	return true;
}

/*
 * Linux's struct tcp_info as the 6.1 kernel fills it (uapi linux/tcp.h):
 * glibc's <netinet/tcp.h> stops at tcpi_total_retrans, and <linux/tcp.h>
 * cannot be included beside it.
 */
struct tt_tcp_info {
	struct tcp_info	b;		/* through tcpi_total_retrans */
	uint64_t	pacing_rate, max_pacing_rate;
	uint64_t	bytes_acked, bytes_received;
	uint32_t	segs_out, segs_in;
	uint32_t	notsent_bytes, min_rtt;
	uint32_t	data_segs_in, data_segs_out;
	uint64_t	delivery_rate;
	uint64_t	busy_time, rwnd_limited, sndbuf_limited;
	uint32_t	delivered, delivered_ce;
	uint64_t	bytes_sent, bytes_retrans;
	uint32_t	dsack_dups, reord_seen;
	uint32_t	rcv_ooopack;
	uint32_t	snd_wnd;
};
_Static_assert(sizeof(struct tcp_info) == 104, "glibc's tcp_info");
_Static_assert(sizeof(struct tt_tcp_info) == 232, "6.1's tcp_info");

static inline int tt_tcp_info(int fd, struct tt_tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len))
		return -1;
	return len == sizeof(*ti) ? 0 : -1;
}

static inline int tt_wren_info(int fd, struct wren_tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	return getsockopt(fd, IPPROTO_TCP, WREN_TCP_INFO, ti, &len);
}

/* A TcpExt counter of wren's snmp file, -1 if absent. */
static inline long long tt_tcpext(const char *field)
{
	return ws_snmp("TcpExt", field);
}

/*
 * The first line of /proc/net/wren/tcp with local port @lport (0: any),
 * remote port @rport (0: any) and state @st (-1: any): its state, and its
 * tx_queue in *@txq if not NULL; -1 if there is none.
 */
static inline int tt_proc_find(int lport, int rport, int st,
			       unsigned int *txq)
{
	char *text = wt_read_file("/proc/net/wren/tcp"), *line, *save;
	int found = -1;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		unsigned int lp, rp, s, tx;

		if (sscanf(line, "%*d: %*x:%x %*x:%x %x %x", &lp, &rp, &s,
			   &tx) != 4)
			continue;
		if ((lport && (int)lp != lport) || (rport && (int)rp != rport) ||
		    (st >= 0 && (int)s != st))
			continue;
		found = (int)s;
		if (txq)
			*txq = tx;
		break;
	}
	free(text);
	return found;
}

/*
 * Does `wrenstat -t -a -n` show local port @lport (remote @rport if not
 * 0) in state @state?  Its queues go to *rxq, *txq.
 */
static inline bool tt_stat_has(int lport, int rport, const char *state,
			       long *rxq, long *txq)
{
	char *out = wt_out("wrenstat -t -a -n"), *line, *save;
	char lsuf[16], rsuf[16];
	bool found = false;

	if (!out)
		return false;
	snprintf(lsuf, sizeof(lsuf), ":%d", lport);
	snprintf(rsuf, sizeof(rsuf), ":%d", rport);
	for (line = strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char proto[8], la[32], ra[32], st[16];
		size_t n, m;
		long rq, tq;

		if (sscanf(line, "%7s %ld %ld %31s %31s %15s", proto, &rq, &tq,
			   la, ra, st) != 6 || strcmp(proto, "tcp"))
			continue;
		n = strlen(la);
		m = strlen(ra);
		if (n < strlen(lsuf) || strcmp(la + n - strlen(lsuf), lsuf))
			continue;
		if (rport && (m < strlen(rsuf) ||
			      strcmp(ra + m - strlen(rsuf), rsuf)))
			continue;
		if (strcmp(st, state))
			continue;
		found = true;
		if (rxq)
			*rxq = rq;
		if (txq)
			*txq = tq;
	}
	free(out);
	return found;
}

/* State @st (number) with name @name held in both views. */
#define TT_EXPECT_STATE(lport, rport, st, name) do {			\
	EXPECT_TRUE(WT_WAIT(3000, tt_proc_find(lport, rport, -1, NULL) ==	\
			    (st)))						\
		TH_LOG("%s: proc says %d", name,				\
		       tt_proc_find(lport, rport, -1, NULL));		\
	EXPECT_TRUE(tt_stat_has(lport, rport, name, NULL, NULL))	\
		TH_LOG("%s not in wrenstat", name);			\
} while (0)

/* ---- threads that move and hash the pattern -------------------------- */

struct tt_flow {
	int fd;
	long long bytes;	/* send: to send; recv: received */
	bool shut;		/* send: shutdown(SHUT_WR) at the end */
	int err;		/* errno of a failure, 0 */
	volatile int done;	/* the thread is about to end */
	char hex[WT_SHA256_HEX];
	pthread_t th;
};

static inline void *tt_send_fn(void *arg)
{
	struct tt_flow *f = arg;
	static __thread char buf[65536];
	struct wt_sha256 c;
	long long off = 0;

	wt_sha256_init(&c);
	while (off < f->bytes) {
		size_t n = f->bytes - off < (long long)sizeof(buf) ?
			   (size_t)(f->bytes - off) : sizeof(buf);
		ssize_t w;

		wt_pattern_fill(buf, n, off, WT_PATTERN_SEED);
		w = send(f->fd, buf, n, MSG_NOSIGNAL);
		if (w <= 0) {
			f->err = w < 0 ? errno : EIO;
			break;
		}
		wt_sha256_update(&c, buf, w);
		off += w;
	}
	if (f->shut)
		shutdown(f->fd, SHUT_WR);
	wt_sha256_final_hex(&c, f->hex);
	f->done = 1;
	return NULL;
}

static inline void *tt_recv_fn(void *arg)
{
	struct tt_flow *f = arg;
	static __thread char buf[65536];
	struct wt_sha256 c;
	ssize_t r;

	wt_sha256_init(&c);
	f->bytes = 0;
	while ((r = recv(f->fd, buf, sizeof(buf), 0)) > 0) {
		wt_sha256_update(&c, buf, r);
		f->bytes += r;
	}
	if (r < 0)
		f->err = errno;
	wt_sha256_final_hex(&c, f->hex);
	f->done = 1;
	return NULL;
}

/*
 * A thread that sends @bytes of the pattern on @fd and shuts it down, or
 * (!@send) receives to EOF; both hash what they moved.
 */
static inline int tt_flow_start(struct tt_flow *f, int fd, bool send,
				long long bytes)
{
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->bytes = bytes;
	f->shut = true;
	return pthread_create(&f->th, NULL, send ? tt_send_fn : tt_recv_fn, f);
}

static inline void tt_flow_join(struct tt_flow *f)
{
	pthread_join(f->th, NULL);
}

/* ---- the far network ------------------------------------------------- */

/*
 * TT_FAR_NS sits behind the peer's namespace on a veth; the peer's route
 * there has MTU TT_FAR_MTU (locked), so Linux answers wren's 1500-byte DF
 * segments with ICMP frag needed.  The far end's own MTU stays 1500, so
 * its MSS option does not hide the problem.  Made once a boot.
 */
static inline int tt_far_make(void)
{
	wt_shq("modprobe veth");
	if (wt_sh("ip netns add " TT_FAR_NS " && ip link add pm0 type veth "
		  "peer name pm1 && ip link set pm0 netns " WT_PEER_NS " && "
		  "ip link set pm1 netns " TT_FAR_NS))
		return -1;
	if (wt_peer("ip addr add " TT_FAR_GW "/24 dev pm0 && ip link set pm0 "
		    "up && sysctl -qw net.ipv4.ip_forward=1 && "
		    "ip route replace 203.0.113.0/24 dev pm0 mtu lock %d",
		    TT_FAR_MTU))
		return -1;
	if (wt_run(TT_FAR_NS, "ip link set lo up && ip addr add " TT_FAR_IP
		   "/24 dev pm1 && ip link set pm1 up && "
		   "ip route add default via " TT_FAR_GW))
		return -1;
	if (wt_sh("wrenctl route add 203.0.113.0/24 via %s dev eth0",
		  WS_PEER_IP))
		return -1;
	return 0;
}

static inline int tt_far_up(void)
{
	return wt_once("tcp-far", tt_far_make);
}

/*
 * *w: a wren socket connected to the far end's Linux listener on @port, *l;
 * with TCP_MAXSEG @maxseg first unless 0.
 */
static inline int tt_far_pair(int port, int maxseg, int *w, int *l)
{
	struct sockaddr_wren a = nt_swren(TT_FAR_IP, port);
	int lfd;

	if (tt_far_up())
		return -1;
	lfd = tt_linux_listener(TT_FAR_NS, port);
	if (lfd < 0)
		return -1;
	*w = socket(AF_WREN, SOCK_STREAM, 0);
	if (*w >= 0 && maxseg)
		setsockopt(*w, IPPROTO_TCP, TCP_MAXSEG, &maxseg,
			   sizeof(maxseg));
	if (*w < 0 || connect(*w, (struct sockaddr *)&a, sizeof(a))) {
		fprintf(stderr, "# far pair: connect: %s\n", strerror(errno));
		close(lfd);
		return -1;
	}
	*l = accept(lfd, NULL, NULL);
	close(lfd);
	return *l < 0 ? -1 : 0;
}

static inline void tt_netem_off(void)
{
	wt_shq("tc qdisc del dev eth0 root 2>/dev/null");
	wt_peerq("tc qdisc del dev peer0 root 2>/dev/null");
}

/* A wren listener on @port (any address, SO_REUSEADDR); -1 on failure. */
static inline int tt_listener(int port, int backlog)
{
	int fd = nt_bound(NULL, AF_WREN, SOCK_STREAM, 0, NULL, port, true);

	if (fd >= 0 && listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Keepalive on @fd: first probe after @idle s, then every @intvl s, @cnt. */
static inline int tt_keepalive(int fd, int idle, int intvl, int cnt)
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

/*
 * A TCP header at @seg with @optlen bytes of options (a multiple of 4)
 * and @len bytes of payload, its checksum over @saddr/@daddr (network
 * order) filled in; the segment's length, or 0 if it does not fit @size.
 */
static inline size_t tt_tcp_seg(uint8_t *seg, size_t size, uint32_t saddr,
				uint32_t daddr, unsigned short sport,
				unsigned short dport, unsigned int seq,
				unsigned int ack, unsigned char flags,
				const void *opts, size_t optlen,
				const void *data, size_t len)
{
	struct tcphdr *th = (struct tcphdr *)seg;
	size_t hl = sizeof(*th) + optlen, tot = hl + len;
	uint32_t sum = 0;

	if (tot > size || optlen % 4)
		return 0;
	memset(seg, 0, hl);
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
	sum = nt_sum(&saddr, 4, sum);
	sum = nt_sum(&daddr, 4, sum);
	sum += IPPROTO_TCP + (uint32_t)tot;
	th->check = nt_fold(nt_sum(seg, tot, sum));
	return tot;
}

/*
 * Send a TCP segment from the peer's raw socket (AF_INET, IPPROTO_TCP, in
 * the peer's namespace) to wren: header, @optlen bytes of options (a
 * multiple of 4) and @len bytes of payload.  0 or -1.
 */
static inline int tt_forge(int raw, unsigned short sport, unsigned short dport,
			   unsigned int seq, unsigned int ack,
			   unsigned char flags, const void *opts,
			   size_t optlen, const void *data, size_t len)
{
	struct sockaddr_in dst = nt_sin(WS_WREN_IP, dport);
	uint8_t seg[1500];
	size_t tot;

	tot = tt_tcp_seg(seg, sizeof(seg), inet_addr(WS_PEER_IP),
			 inet_addr(WS_WREN_IP), sport, dport, seq, ack, flags,
			 opts, optlen, data, len);
	if (!tot)
		return -1;
	return sendto(raw, seg, tot, 0, (struct sockaddr *)&dst,
		      sizeof(dst)) == (ssize_t)tot ? 0 : -1;
}

/*
 * A SYN to wren's @dport from @saddr:@sport, sent by a raw socket of the
 * peer's with our own IP header, so wren's SYN-ACK goes to @saddr.
 */
static inline int tt_spoof_syn(const char *saddr, unsigned short sport,
			       unsigned short dport)
{
	struct sockaddr_in dst = nt_sin(WS_WREN_IP, dport);
	uint32_t src = inet_addr(saddr), to = inet_addr(WS_WREN_IP);
	uint8_t pkt[NT_IP_HLEN + 20];
	int fd, one = 1, rc;

	fd = nt_socket(WT_PEER_NS, AF_INET, SOCK_RAW, IPPROTO_RAW);
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one));
	nt_ip(pkt, sizeof(pkt), 0, 0, 64, IPPROTO_TCP, src, to);
	tt_tcp_seg(pkt + NT_IP_HLEN, 20, src, to, sport, dport, 0x12345678, 0,
		   TH_SYN, NULL, 0, NULL, 0);
	rc = sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&dst,
		    sizeof(dst)) == sizeof(pkt) ? 0 : -1;
	close(fd);
	return rc;
}

#endif /* _WREN_TCP_TEST_H */
