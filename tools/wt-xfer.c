// SPDX-License-Identifier: GPL-2.0
/*
 * wt-xfer: bulk transfer with a checkable payload, for tests and benchmarks.
 *
 *   wt-xfer send [OPTIONS] HOST PORT BYTES     TCP: send BYTES, then close
 *   wt-xfer recv [OPTIONS] PORT                TCP: receive until EOF
 *   wt-xfer send --udp SIZE COUNT HOST PORT    UDP: COUNT datagrams of SIZE
 *   wt-xfer recv --udp SIZE COUNT PORT         UDP: up to COUNT datagrams
 *   wt-xfer rr [OPTIONS] HOST PORT SECONDS     TCP: 1-byte request/response
 *   wt-xfer rr-server [OPTIONS] PORT           TCP: answer rr, byte by byte
 *   wt-xfer crr [OPTIONS] HOST PORT SECONDS    TCP: connect, 1-byte
 *                                              exchange, close; repeat
 *   wt-xfer crr-server [OPTIONS] PORT          TCP: answer crr
 *
 * The payload is the pattern of wt_pattern.h.  Each end prints one line a
 * transfer on stdout, "bytes=N sha256=HEX" followed by more key=value
 * fields, so a test compares the hashes of the two ends.  The receiver also
 * checks the content against the pattern ("pattern=ok" or "pattern=bad@OFF").
 * UDP datagrams carry the stream bytes of their slot (datagram i holds
 * stream offset i * SIZE) with "WXF1" and i (big-endian) in the first 8
 * bytes; the receiver counts datagrams that are bad, duplicated or out of
 * order, and hashes them in arrival order.
 *
 * Exit status: 0 done; 1 network or system error; 2 usage; 3 the content
 * did not match the pattern (or UDP datagrams were bad, missing, reordered);
 * 4 --timeout expired.
 *
 * rr and crr (benchmarks, latency-bound): the client runs for SECONDS and
 * prints "transactions=N secs=S rate=X/s".  In rr one connection carries
 * one byte each way per transaction, the next request waiting for the
 * answer.  In crr each transaction is a new connection: connect, send one
 * byte, read the answer, then read the server's close and close.  Both
 * ends set TCP_NODELAY.  The servers handle one connection at a time and
 * run until killed (rr-server: with --once, until its first client ends).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <linux/wren.h>

#include "wt_pattern.h"
#include "wt_sha256.h"

#define XF_CHUNK_DEFAULT	65536
#define XF_UDP_MAGIC		0x57584631u	/* "WXF1" */
#define XF_UDP_HDR		8

static struct {
	int family;		/* AF_INET or AF_WREN */
	bool udp;
	long udp_size;
	long udp_count;
	bool once;
	int timeout;		/* seconds, 0 = none */
	double idle;		/* UDP recv: seconds without data that end it */
	const char *ready;	/* recv: file to create once listening */
	const char *bind;	/* recv: local address */
	uint64_t seed;
	bool hash;		/* hash and verify (off: benchmarking) */
	size_t chunk;
	long pps;		/* UDP send pacing, 0 = as fast as possible */
	int connect_wait;	/* send: seconds to retry a refused connect */
	int sockbuf;		/* SO_SNDBUF/SO_RCVBUF, 0 = kernel default */
} opt = {
	.family = AF_INET,
	.idle = 3.0,
	.seed = WT_PATTERN_SEED,
	.hash = true,
	.chunk = XF_CHUNK_DEFAULT,
	.connect_wait = 10,
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_alarm(int sig)
{
	static const char msg[] = "wt-xfer: timeout\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(4);
	_exit(4);
}

static void usage(void)
{
	fprintf(stderr,
"usage: wt-xfer send [OPTIONS] HOST PORT BYTES\n"
"       wt-xfer recv [OPTIONS] PORT\n"
"       wt-xfer rr|crr [OPTIONS] HOST PORT SECONDS\n"
"       wt-xfer rr-server|crr-server [OPTIONS] PORT\n"
"options:\n"
"  --family inet|wren  address family (default inet; wren = AF_WREN)\n"
"  --udp SIZE COUNT    UDP: COUNT datagrams of SIZE bytes (no BYTES)\n"
"  --once              recv: exit after one connection (UDP: always)\n"
"  --timeout SECS      give up after SECS (exit 4)\n"
"  --idle SECS         UDP recv: end after SECS without data (default 3)\n"
"  --ready FILE        recv: create FILE once listening\n"
"  --bind ADDR         recv: local address (default any)\n"
"  --seed N            payload seed\n"
"  --no-hash           neither hash nor verify (benchmarking)\n"
"  --chunk BYTES       bytes a write/read (default 65536)\n"
"  --pps N             UDP send: at most N datagrams a second\n"
"  --connect-wait SECS send: retry a refused connect this long (default 10)\n"
"  --sockbuf BYTES     set SO_SNDBUF/SO_RCVBUF\n"
"output: bytes=N sha256=HEX ... (one line a transfer);\n"
"        rr, crr: transactions=N secs=S rate=X/s\n");
	exit(2);
}

static long long parse_num(const char *s, const char *what)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 0);
	if (errno || end == s || v < 0)
		goto bad;
	switch (*end) {
	case 'k': case 'K': v <<= 10; end++; break;
	case 'm': case 'M': v <<= 20; end++; break;
	case 'g': case 'G': v <<= 30; end++; break;
	}
	if (*end)
		goto bad;
	return v;
bad:
	fprintf(stderr, "wt-xfer: bad %s '%s'\n", what, s);
	exit(2);
}

/* Socket addresses of either family, built the same way. */
union xf_addr {
	struct sockaddr sa;
	struct sockaddr_in in;
	struct sockaddr_wren wren;
};

static socklen_t make_addr(union xf_addr *a, const char *host, int port)
{
	struct in_addr ia = { .s_addr = htonl(INADDR_ANY) };

	if (host && inet_pton(AF_INET, host, &ia) != 1) {
		fprintf(stderr, "wt-xfer: bad address '%s'\n", host);
		exit(2);
	}
	memset(a, 0, sizeof(*a));
	if (opt.family == AF_WREN) {
		a->wren.swren_family = AF_WREN;
		a->wren.swren_port = htons(port);
		a->wren.swren_addr = ia.s_addr;
		return sizeof(a->wren);
	}
	a->in.sin_family = AF_INET;
	a->in.sin_port = htons(port);
	a->in.sin_addr = ia;
	return sizeof(a->in);
}

static int make_socket(int type)
{
	int fd = socket(opt.family, type, 0);

	if (fd < 0) {
		fprintf(stderr, "wt-xfer: socket(%s): %s\n",
			opt.family == AF_WREN ? "AF_WREN" : "AF_INET",
			strerror(errno));
		exit(1);
	}
	if (opt.sockbuf) {
		/* Best effort: a family may not implement these. */
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &opt.sockbuf,
			   sizeof(opt.sockbuf));
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &opt.sockbuf,
			   sizeof(opt.sockbuf));
	}
	return fd;
}

static void touch_ready(void)
{
	FILE *f;

	if (!opt.ready)
		return;
	f = fopen(opt.ready, "w");
	if (f)
		fclose(f);
}

/* Running state of one transfer's payload: hash and pattern check. */
struct xf_stream {
	struct wt_sha256 sha;
	uint64_t bytes;
	long long bad_at;	/* first offset that did not match, or -1 */
	uint8_t *expect;	/* scratch for verification */
	double t0;
};

static void stream_init(struct xf_stream *s, size_t chunk)
{
	wt_sha256_init(&s->sha);
	s->bytes = 0;
	s->bad_at = -1;
	s->expect = malloc(chunk);
	if (!s->expect) {
		perror("wt-xfer: malloc");
		exit(1);
	}
	s->t0 = now();
}

/* Account @len received bytes that sit at stream offset @off. */
static void stream_check(struct xf_stream *s, const uint8_t *buf, size_t len,
			 uint64_t off)
{
	size_t i;

	if (!opt.hash)
		return;
	wt_sha256_update(&s->sha, buf, len);
	if (s->bad_at >= 0)
		return;
	wt_pattern_fill(s->expect, len, off, opt.seed);
	if (memcmp(s->expect, buf, len) == 0)
		return;
	for (i = 0; i < len && buf[i] == s->expect[i]; i++)
		;
	s->bad_at = off + i;
}

static void print_result(struct xf_stream *s, const char *extra)
{
	char hex[WT_SHA256_HEX] = "-";
	double secs = now() - s->t0;

	if (opt.hash)
		wt_sha256_final_hex(&s->sha, hex);
	if (secs <= 0)
		secs = 1e-9;
	printf("bytes=%llu sha256=%s secs=%.3f MBps=%.2f%s\n",
	       (unsigned long long)s->bytes, hex, secs,
	       s->bytes / secs / 1e6, extra ? extra : "");
	fflush(stdout);
	free(s->expect);
}

static int do_connect(int type, const char *host, int port)
{
	union xf_addr a;
	socklen_t alen = make_addr(&a, host, port);
	double give_up = now() + opt.connect_wait;
	int fd;

	for (;;) {
		fd = make_socket(type);
		if (connect(fd, &a.sa, alen) == 0)
			return fd;
		if (type == SOCK_STREAM && now() < give_up &&
		    (errno == ECONNREFUSED || errno == ETIMEDOUT ||
		     errno == EHOSTUNREACH || errno == ENETUNREACH ||
		     errno == ECONNRESET)) {
			close(fd);
			usleep(100000);
			continue;
		}
		fprintf(stderr, "wt-xfer: connect %s:%d: %s\n", host, port,
			strerror(errno));
		exit(1);
	}
}

static int tcp_send(const char *host, int port, uint64_t total)
{
	struct xf_stream s;
	uint8_t *buf = malloc(opt.chunk);
	ssize_t n;
	int fd;

	if (!buf) {
		perror("wt-xfer: malloc");
		return 1;
	}
	fd = do_connect(SOCK_STREAM, host, port);
	stream_init(&s, 1);
	while (s.bytes < total) {
		size_t len = opt.chunk, done = 0;

		if (total - s.bytes < len)
			len = total - s.bytes;
		wt_pattern_fill(buf, len, s.bytes, opt.seed);
		if (opt.hash)
			wt_sha256_update(&s.sha, buf, len);
		while (done < len) {
			n = write(fd, buf + done, len - done);
			if (n < 0) {
				if (errno == EINTR)
					continue;
				fprintf(stderr, "wt-xfer: write at %llu: %s\n",
					(unsigned long long)(s.bytes + done),
					strerror(errno));
				return 1;
			}
			done += n;
		}
		s.bytes += len;
	}
	/* Half-close, then wait for the receiver's close: all was delivered. */
	if (shutdown(fd, SHUT_WR) < 0) {
		perror("wt-xfer: shutdown");
		return 1;
	}
	for (;;) {
		n = read(fd, buf, opt.chunk);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perror("wt-xfer: read after shutdown");
			return 1;
		}
		break;
	}
	close(fd);
	print_result(&s, NULL);
	free(buf);
	return 0;
}

static int listen_socket(int type, int port)
{
	union xf_addr a;
	socklen_t alen = make_addr(&a, opt.bind, port);
	int fd = make_socket(type), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (type == SOCK_DGRAM && opt.sockbuf == 0) {
		/* Bursts of datagrams must not overflow the receive queue. */
		int sz = 8 << 20;

		if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz,
			       sizeof(sz)) < 0)
			setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	if (bind(fd, &a.sa, alen) < 0) {
		fprintf(stderr, "wt-xfer: bind port %d: %s\n", port,
			strerror(errno));
		exit(1);
	}
	if (type == SOCK_STREAM && listen(fd, 8) < 0) {
		perror("wt-xfer: listen");
		exit(1);
	}
	touch_ready();
	return fd;
}

static int tcp_recv_one(int fd, uint8_t *buf)
{
	struct xf_stream s;
	char extra[64];
	ssize_t n;

	stream_init(&s, opt.chunk);
	for (;;) {
		n = read(fd, buf, opt.chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "wt-xfer: read at %llu: %s\n",
				(unsigned long long)s.bytes, strerror(errno));
			close(fd);
			return 1;
		}
		if (n == 0)
			break;
		stream_check(&s, buf, n, s.bytes);
		s.bytes += n;
	}
	close(fd);
	if (!opt.hash)
		snprintf(extra, sizeof(extra), " pattern=-");
	else if (s.bad_at < 0)
		snprintf(extra, sizeof(extra), " pattern=ok");
	else
		snprintf(extra, sizeof(extra), " pattern=bad@%lld", s.bad_at);
	print_result(&s, extra);
	return s.bad_at < 0 ? 0 : 3;
}

static int tcp_recv(int port)
{
	int lfd = listen_socket(SOCK_STREAM, port), fd, rc = 0;
	uint8_t *buf = malloc(opt.chunk);

	if (!buf) {
		perror("wt-xfer: malloc");
		return 1;
	}
	do {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR)
				continue;
			perror("wt-xfer: accept");
			return 1;
		}
		rc = tcp_recv_one(fd, buf);
	} while (!opt.once);
	close(lfd);
	free(buf);
	return rc;
}

static void udp_fill(uint8_t *buf, uint32_t seq)
{
	wt_pattern_fill(buf, opt.udp_size, (uint64_t)seq * opt.udp_size,
			opt.seed);
	buf[0] = (uint8_t)(XF_UDP_MAGIC >> 24);
	buf[1] = (uint8_t)(XF_UDP_MAGIC >> 16);
	buf[2] = (uint8_t)(XF_UDP_MAGIC >> 8);
	buf[3] = (uint8_t)XF_UDP_MAGIC;
	buf[4] = (uint8_t)(seq >> 24);
	buf[5] = (uint8_t)(seq >> 16);
	buf[6] = (uint8_t)(seq >> 8);
	buf[7] = (uint8_t)seq;
}

static int udp_send(const char *host, int port)
{
	uint8_t *buf = malloc(opt.udp_size);
	struct xf_stream s;
	double t_next;
	char extra[64];
	long i;
	int fd;

	if (!buf) {
		perror("wt-xfer: malloc");
		return 1;
	}
	fd = do_connect(SOCK_DGRAM, host, port);
	if (opt.family == AF_INET) {
		/* Report a full qdisc as ENOBUFS (retried) instead of dropping. */
		int one = 1;

		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof(one));
	}
	stream_init(&s, 1);
	t_next = s.t0;
	for (i = 0; i < opt.udp_count; i++) {
		if (opt.pps) {
			double wait = t_next - now();

			if (wait > 0)
				usleep(wait * 1e6);
			t_next += 1.0 / opt.pps;
		}
		udp_fill(buf, i);
		if (opt.hash)
			wt_sha256_update(&s.sha, buf, opt.udp_size);
		for (;;) {
			if (send(fd, buf, opt.udp_size, 0) == opt.udp_size)
				break;
			/* A full device queue is not the receiver's fault. */
			if (errno == ENOBUFS || errno == EAGAIN ||
			    errno == EINTR) {
				usleep(1000);
				continue;
			}
			fprintf(stderr, "wt-xfer: send #%ld: %s\n", i,
				strerror(errno));
			return 1;
		}
		s.bytes += opt.udp_size;
	}
	close(fd);
	snprintf(extra, sizeof(extra), " datagrams=%ld", opt.udp_count);
	print_result(&s, extra);
	free(buf);
	return 0;
}

static int udp_recv(int port)
{
	int fd = listen_socket(SOCK_DGRAM, port);
	long got = 0, bad = 0, dup = 0, ooo = 0, next = 0;
	size_t cap = opt.udp_size + 1;
	uint8_t *buf = malloc(cap), *seen = calloc(opt.udp_count, 1);
	struct xf_stream s;
	char extra[160];
	bool ok;

	if (!buf || !seen) {
		perror("wt-xfer: malloc");
		return 1;
	}
	stream_init(&s, cap);
	while (got < opt.udp_count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		/* Before the first datagram, wait as long as --timeout. */
		int ms = got ? (int)(opt.idle * 1000) : -1;
		uint32_t seq;
		ssize_t n;
		int r;

		r = poll(&p, 1, ms);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			perror("wt-xfer: poll");
			return 1;
		}
		if (r == 0)
			break;
		n = recv(fd, buf, cap, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("wt-xfer: recv");
			return 1;
		}
		if (got == 0)
			s.t0 = now();
		got++;
		s.bytes += n;
		if (opt.hash)
			wt_sha256_update(&s.sha, buf, n);
		seq = (uint32_t)buf[4] << 24 | (uint32_t)buf[5] << 16 |
		      (uint32_t)buf[6] << 8 | buf[7];
		if (n != opt.udp_size || seq >= opt.udp_count) {
			bad++;
			continue;
		}
		if (opt.hash) {
			udp_fill(s.expect, seq);
			if (memcmp(s.expect, buf, n)) {
				bad++;
				continue;
			}
		}
		if (seen[seq]) {
			dup++;
			continue;
		}
		seen[seq] = 1;
		if (seq != (uint32_t)next)
			ooo++;
		next = seq + 1;
	}
	close(fd);
	snprintf(extra, sizeof(extra),
		 " datagrams=%ld bad=%ld dup=%ld ooo=%ld lost=%ld", got, bad,
		 dup, ooo, opt.udp_count - (got - bad - dup));
	print_result(&s, extra);
	ok = got == opt.udp_count && !bad && !dup && !ooo;
	free(buf);
	free(seen);
	return ok ? 0 : 3;
}

/* ---- rr / crr: 1-byte transactions ----------------------------------- */

static void set_nodelay(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* Read or write exactly one byte; 1 done, 0 EOF, -1 error. */
static int rr_io(int fd, bool wr)
{
	char c = 'x';
	ssize_t n;

	for (;;) {
		n = wr ? write(fd, &c, 1) : read(fd, &c, 1);
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 ? -1 : (int)n;
	}
}

static void rr_result(long long n, double t0)
{
	double secs = now() - t0;

	if (secs <= 0)
		secs = 1e-9;
	printf("transactions=%lld secs=%.3f rate=%.1f/s\n", n, secs, n / secs);
	fflush(stdout);
}

static int rr_client(const char *host, int port, double secs)
{
	long long n = 0;
	double t0, end;
	int fd;

	fd = do_connect(SOCK_STREAM, host, port);
	set_nodelay(fd);
	t0 = now();
	end = t0 + secs;
	do {
		if (rr_io(fd, true) != 1 || rr_io(fd, false) != 1) {
			fprintf(stderr, "wt-xfer: rr transaction %lld: %s\n",
				n, errno ? strerror(errno) : "EOF");
			return 1;
		}
		n++;
	} while ((n & 15) || now() < end);
	rr_result(n, t0);
	close(fd);
	return 0;
}

static int crr_client(const char *host, int port, double secs)
{
	union xf_addr a;
	socklen_t alen = make_addr(&a, host, port);
	long long n = 0;
	double t0, end;
	char c;
	int fd;

	t0 = now();
	end = t0 + secs;
	do {
		fd = make_socket(SOCK_STREAM);
		set_nodelay(fd);
		errno = 0;
		if (connect(fd, &a.sa, alen) < 0 || rr_io(fd, true) != 1 ||
		    rr_io(fd, false) != 1 || read(fd, &c, 1) != 0) {
			fprintf(stderr, "wt-xfer: crr transaction %lld: %s\n",
				n, errno ? strerror(errno) : "unexpected data");
			return 1;
		}
		close(fd);
		n++;
	} while (now() < end);
	rr_result(n, t0);
	return 0;
}

/* rr-server and crr-server: one connection at a time. */
static int rr_server(int port, bool crr)
{
	int lfd = listen_socket(SOCK_STREAM, port), fd;

	for (;;) {
		fd = accept(lfd, NULL, NULL);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("wt-xfer: accept");
			return 1;
		}
		set_nodelay(fd);
		if (crr) {
			/* Request, answer, close: the server closes first. */
			if (rr_io(fd, false) == 1)
				rr_io(fd, true);
		} else {
			while (rr_io(fd, false) == 1 && rr_io(fd, true) == 1)
				;
		}
		close(fd);
		if (opt.once)
			break;
	}
	close(lfd);
	return 0;
}

enum {
	OPT_FAMILY = 256, OPT_UDP, OPT_ONCE, OPT_TIMEOUT, OPT_IDLE,
	OPT_READY, OPT_BIND, OPT_SEED, OPT_NOHASH, OPT_CHUNK, OPT_PPS,
	OPT_CONNECT_WAIT, OPT_SOCKBUF,
};

static const struct option longopts[] = {
	{ "family", required_argument, NULL, OPT_FAMILY },
	{ "udp", required_argument, NULL, OPT_UDP },
	{ "once", no_argument, NULL, OPT_ONCE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "idle", required_argument, NULL, OPT_IDLE },
	{ "ready", required_argument, NULL, OPT_READY },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "no-hash", no_argument, NULL, OPT_NOHASH },
	{ "chunk", required_argument, NULL, OPT_CHUNK },
	{ "pps", required_argument, NULL, OPT_PPS },
	{ "connect-wait", required_argument, NULL, OPT_CONNECT_WAIT },
	{ "sockbuf", required_argument, NULL, OPT_SOCKBUF },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

int main(int argc, char **argv)
{
	const char *mode;
	int c, port;

	if (argc < 2)
		usage();
	mode = argv[1];
	argv++;
	argc--;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_FAMILY:
			if (!strcmp(optarg, "inet"))
				opt.family = AF_INET;
			else if (!strcmp(optarg, "wren"))
				opt.family = AF_WREN;
			else
				usage();
			break;
		case OPT_UDP:
			/* --udp SIZE COUNT: COUNT is the next argument. */
			if (optind >= argc)
				usage();
			opt.udp = true;
			opt.udp_size = parse_num(optarg, "size");
			opt.udp_count = parse_num(argv[optind++], "count");
			if (opt.udp_size < XF_UDP_HDR || opt.udp_size > 65507 ||
			    opt.udp_count < 1 || opt.udp_count > 0x7fffffff) {
				fprintf(stderr, "wt-xfer: --udp SIZE 8..65507, COUNT >= 1\n");
				exit(2);
			}
			break;
		case OPT_ONCE:
			opt.once = true;
			break;
		case OPT_TIMEOUT:
			opt.timeout = parse_num(optarg, "timeout");
			break;
		case OPT_IDLE:
			opt.idle = atof(optarg);
			break;
		case OPT_READY:
			opt.ready = optarg;
			break;
		case OPT_BIND:
			opt.bind = optarg;
			break;
		case OPT_SEED:
			opt.seed = parse_num(optarg, "seed");
			break;
		case OPT_NOHASH:
			opt.hash = false;
			break;
		case OPT_CHUNK:
			opt.chunk = parse_num(optarg, "chunk");
			if (opt.chunk < 1 || opt.chunk > (64 << 20))
				usage();
			break;
		case OPT_PPS:
			opt.pps = parse_num(optarg, "pps");
			break;
		case OPT_CONNECT_WAIT:
			opt.connect_wait = parse_num(optarg, "connect-wait");
			break;
		case OPT_SOCKBUF:
			opt.sockbuf = parse_num(optarg, "sockbuf");
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;

	signal(SIGPIPE, SIG_IGN);
	if (opt.timeout) {
		signal(SIGALRM, on_alarm);
		alarm(opt.timeout);
	}

	if (!strcmp(mode, "send")) {
		if (argc != (opt.udp ? 2 : 3) && !(opt.udp && argc == 3))
			usage();
		port = parse_num(argv[1], "port");
		if (opt.udp)
			return udp_send(argv[0], port);
		return tcp_send(argv[0], port, parse_num(argv[2], "bytes"));
	}
	if (!strcmp(mode, "recv")) {
		if (argc != 1)
			usage();
		port = parse_num(argv[0], "port");
		return opt.udp ? udp_recv(port) : tcp_recv(port);
	}
	if (!strcmp(mode, "rr") || !strcmp(mode, "crr")) {
		double secs;

		if (argc != 3)
			usage();
		port = parse_num(argv[1], "port");
		secs = atof(argv[2]);
		if (secs <= 0)
			usage();
		if (mode[0] == 'c')
			return crr_client(argv[0], port, secs);
		return rr_client(argv[0], port, secs);
	}
	if (!strcmp(mode, "rr-server") || !strcmp(mode, "crr-server")) {
		if (argc != 1)
			usage();
		port = parse_num(argv[0], "port");
		return rr_server(port, mode[0] == 'c');
	}
	usage();
	return 2;
}
