// SPDX-License-Identifier: GPL-2.0
/*
 * wrenping: ping over the wren stack's ICMP echo sockets,
 * socket(AF_WREN, SOCK_DGRAM, IPPROTO_ICMP).  As with Linux's ping
 * sockets, we write an ICMP echo header plus data; the kernel fills in the
 * identifier and the checksum, and hands back echo replies (header plus
 * data) for our identifier only.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <sys/socket.h>
#include <linux/wren.h>

#include "wren_util.h"

#define EXIT_ERROR	2
#define MAX_PAYLOAD	(65535 - 20 - 8)
#define NSEQ		65536

static struct {
	unsigned long	count;		/* 0: until interrupted or deadline */
	double		interval;	/* seconds between requests */
	unsigned long	size;		/* data bytes after the ICMP header */
	double		timeout;	/* -W: wait for the last reply; <0 unset */
	double		deadline;	/* -w: total run time; 0 unset */
	int		quiet;
} opt = { .interval = 1.0, .size = 56, .timeout = -1 };

static struct {
	unsigned long	sent, received, dups, errors;
	double		tmin, tmax, tsum, tsum2;	/* milliseconds */
} st;

static double sent_at[NSEQ];		/* per sequence number, 0: unsent */
static uint8_t seen[NSEQ / 8];		/* replies already counted */
static volatile sig_atomic_t interrupted;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: wrenping [-c count] [-i interval] [-s size] [-W timeout]\n"
"                [-w deadline] [-q] A.B.C.D\n"
"\n"
"Sends ICMP echo requests through the wren stack (AF_WREN ping socket).\n"
"  -c count     stop after count requests (default: until interrupted)\n"
"  -i interval  seconds between requests (default 1)\n"
"  -s size      data bytes per request (default 56)\n"
"  -W timeout   seconds to wait for a reply after the last request\n"
"  -w deadline  stop after this many seconds whatever happens\n"
"  -q           print only the summary\n"
"Exit status: 0 if any reply came back, 1 if none, 2 on error.\n");
}

static int die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("wrenping: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(EXIT_ERROR);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_signal(int sig)
{
	interrupted = 1;
}

/* Three significant digits, as ping prints times. */
static void print_ms(double ms)
{
	if (ms >= 100)
		printf("%.0f", ms);
	else if (ms >= 10)
		printf("%.1f", ms);
	else if (ms >= 1)
		printf("%.2f", ms);
	else
		printf("%.3f", ms);
}

static void send_one(int fd, unsigned int seq, uint8_t *buf,
		     const char *local)
{
	struct icmphdr *ih = (struct icmphdr *)buf;
	size_t i;

	memset(ih, 0, sizeof(*ih));
	ih->type = ICMP_ECHO;
	ih->code = 0;
	ih->un.echo.sequence = htons((uint16_t)seq);
	for (i = 0; i < opt.size; i++)
		buf[sizeof(*ih) + i] = (uint8_t)(0x10 + i);
	sent_at[seq & 0xffff] = now();
	seen[(seq & 0xffff) / 8] &= ~(1u << (seq % 8));
	st.sent++;
	if (send(fd, buf, sizeof(*ih) + opt.size, 0) < 0) {
		int e = errno;

		st.errors++;
		if (e == EHOSTUNREACH || e == ENETUNREACH)
			printf("From %s icmp_seq=%u Destination %s Unreachable\n",
			       local, seq,
			       e == EHOSTUNREACH ? "Host" : "Net");
		else
			fprintf(stderr, "wrenping: sendmsg: %s\n", strerror(e));
	}
}

/* A reply: account for it and print its line. */
static void got_reply(const uint8_t *buf, ssize_t n, int ttl,
		      const char *from)
{
	const struct icmphdr *ih = (const struct icmphdr *)buf;
	unsigned int seq;
	int dup;
	double ms;

	if (n < (ssize_t)sizeof(*ih) || ih->type != ICMP_ECHOREPLY)
		return;
	seq = ntohs(ih->un.echo.sequence);
	if (!sent_at[seq])
		return;		/* not one of ours */
	ms = (now() - sent_at[seq]) * 1000;
	dup = seen[seq / 8] & (1u << (seq % 8));
	if (dup) {
		st.dups++;
	} else {
		seen[seq / 8] |= 1u << (seq % 8);
		st.received++;
		if (st.received == 1 || ms < st.tmin)
			st.tmin = ms;
		if (ms > st.tmax)
			st.tmax = ms;
		st.tsum += ms;
		st.tsum2 += ms * ms;
	}
	if (opt.quiet)
		return;
	printf("%zd bytes from %s: icmp_seq=%u", n, from, seq);
	if (ttl >= 0)
		printf(" ttl=%d", ttl);
	printf(" time=");
	print_ms(ms);
	printf(" ms%s\n", dup ? " (DUP!)" : "");
}

/* An error queued on the socket (ICMP error or ARP failure). */
static void got_error(int e, unsigned int seq, const char *local)
{
	st.errors++;
	if (opt.quiet)
		return;
	if (e == EHOSTUNREACH)
		printf("From %s icmp_seq=%u Destination Host Unreachable\n",
		       local, seq);
	else if (e == ENETUNREACH)
		printf("From %s icmp_seq=%u Destination Net Unreachable\n",
		       local, seq);
	else
		printf("From %s icmp_seq=%u %s\n", local, seq, strerror(e));
}

/* Read everything queued; never blocks. */
static void receive(int fd, uint8_t *buf, const char *dst, unsigned int seq,
		    const char *local)
{
	for (;;) {
		char cbuf[CMSG_SPACE(sizeof(int)) * 4];
		struct sockaddr_wren from;
		struct iovec iov = { buf, sizeof(struct icmphdr) + MAX_PAYLOAD };
		struct msghdr m = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
		};
		char fromstr[INET_ADDRSTRLEN];
		struct cmsghdr *c;
		int ttl = -1;
		ssize_t n;

		memset(&from, 0, sizeof(from));
		n = recvmsg(fd, &m, MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR)
				return;
			got_error(errno, seq, local);
			continue;
		}
		for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			if (c->cmsg_level == IPPROTO_IP &&
			    (c->cmsg_type == IP_TTL ||
			     c->cmsg_type == IP_RECVTTL) &&
			    c->cmsg_len >= CMSG_LEN(sizeof(int)))
				memcpy(&ttl, CMSG_DATA(c), sizeof(int));
		}
		if (m.msg_namelen >= offsetof(struct sockaddr_wren, swren_zero) &&
		    from.swren_family == AF_WREN && from.swren_addr)
			wren_fmt_ipv4(from.swren_addr, fromstr, sizeof(fromstr));
		else
			snprintf(fromstr, sizeof(fromstr), "%s", dst);
		got_reply(buf, n, ttl, fromstr);
	}
}

static void summary(const char *dst, double elapsed)
{
	printf("\n--- %s ping statistics ---\n", dst);
	printf("%lu packets transmitted, %lu received", st.sent, st.received);
	if (st.dups)
		printf(", +%lu duplicates", st.dups);
	if (st.errors)
		printf(", +%lu errors", st.errors);
	printf(", %g%% packet loss, time %.0fms\n",
	       st.sent ? (double)(st.sent - st.received) * 100 / st.sent : 0,
	       elapsed * 1000);
	if (st.received) {
		double avg = st.tsum / st.received;
		double var = st.tsum2 / st.received - avg * avg;

		printf("rtt min/avg/max/mdev = %.3f/%.3f/%.3f/%.3f ms\n",
		       st.tmin, avg, st.tmax, wren_sqrt(var > 0 ? var : 0));
	}
}

static void parse_args(int argc, char **argv, const char **dst)
{
	int c;

	opterr = 0;
	while ((c = getopt(argc, argv, "c:i:s:W:w:qh")) != -1) {
		switch (c) {
		case 'c':
			if (wren_parse_uint(optarg, 1UL << 31, &opt.count) ||
			    !opt.count)
				die("bad count '%s'", optarg);
			break;
		case 'i':
			if (wren_parse_seconds(optarg, &opt.interval))
				die("bad interval '%s'", optarg);
			break;
		case 's':
			if (wren_parse_uint(optarg, MAX_PAYLOAD, &opt.size))
				die("bad packet size '%s' (0..%d)", optarg,
				    MAX_PAYLOAD);
			break;
		case 'W':
			if (wren_parse_seconds(optarg, &opt.timeout))
				die("bad timeout '%s'", optarg);
			break;
		case 'w':
			if (wren_parse_seconds(optarg, &opt.deadline) ||
			    !opt.deadline)
				die("bad deadline '%s'", optarg);
			break;
		case 'q':
			opt.quiet = 1;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			if (optopt == 'c' || optopt == 'i' || optopt == 's' ||
			    optopt == 'W' || optopt == 'w')
				die("option -%c needs an argument", optopt);
			die("invalid option -- '%c' (try wrenping -h)", optopt);
		}
	}
	if (optind != argc - 1) {
		usage(stderr);
		exit(EXIT_ERROR);
	}
	*dst = argv[optind];
}

int main(int argc, char **argv)
{
	static uint8_t buf[sizeof(struct icmphdr) + MAX_PAYLOAD];
	struct sockaddr_wren sa = { .swren_family = AF_WREN };
	struct sigaction sact = { .sa_handler = on_signal };
	char local[INET_ADDRSTRLEN];
	socklen_t salen = sizeof(sa);
	double start, next, last = 0, t, end;
	struct in_addr daddr;
	const char *dst;
	unsigned int seq = 0;
	int fd, one = 1;

	parse_args(argc, argv, &dst);
	if (wren_parse_ipv4(dst, &daddr))
		die("%s: not an IPv4 address (A.B.C.D)", dst);

	fd = socket(AF_WREN, SOCK_DGRAM, IPPROTO_ICMP);
	if (fd < 0) {
		if (errno == EAFNOSUPPORT)
			die("socket: %s (is the wren module loaded?)",
			    strerror(errno));
		die("socket: %s", strerror(errno));
	}
	/* The TTL of replies, when the kernel offers it; else none shown. */
	setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one));
	sa.swren_addr = daddr.s_addr;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		die("connect: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	if (getsockname(fd, (struct sockaddr *)&sa, &salen) == 0 &&
	    sa.swren_addr)
		wren_fmt_ipv4(sa.swren_addr, local, sizeof(local));
	else
		snprintf(local, sizeof(local), "%s", dst);

	sigaction(SIGINT, &sact, NULL);
	sigaction(SIGTERM, &sact, NULL);

	printf("PING %s (%s) %lu(%lu) bytes of data.\n", dst, dst, opt.size,
	       opt.size + sizeof(struct icmphdr) + 20);
	fflush(stdout);

	start = next = now();
	end = opt.deadline ? start + opt.deadline : 0;
	while (!interrupted) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		double until;
		int ms;

		t = now();
		if (end && t >= end)
			break;
		if (opt.count && st.received >= opt.count)
			break;
		if (!opt.count || st.sent < opt.count) {
			if (t >= next) {
				send_one(fd, ++seq, buf, local);
				last = t;
				next += opt.interval;
				if (next < t)
					next = t;
				fflush(stdout);
				continue;
			}
			until = next;
		} else {
			double linger = opt.timeout;

			if (st.received + st.errors >= opt.count)
				break;
			if (linger < 0 && end)
				linger = end - last;
			else if (linger < 0)
				linger = st.received && 2 * st.tmax > 1000 ?
					 2 * st.tmax / 1000 :
					 st.received ? 1 : 10;
			until = last + linger;
			if (t >= until)
				break;
		}
		if (end && until > end)
			until = end;
		ms = (int)((until - t) * 1000) + 1;
		if (poll(&pfd, 1, ms) > 0)
			receive(fd, buf, dst, seq, local);
		fflush(stdout);
	}
	summary(dst, now() - start);
	close(fd);
	return st.received ? 0 : 1;
}
