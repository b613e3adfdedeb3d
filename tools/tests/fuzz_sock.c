// SPDX-License-Identifier: GPL-2.0
/*
 * The socket-call fuzzer: FUZZ_THREADS threads issue random sequences of
 * socket, bind, listen, connect, accept4, send/sendto/sendmsg,
 * recv/recvfrom/recvmsg, setsockopt/getsockopt (every level and option
 * wren knows, and random ones, with random lengths, buffers that end at an
 * unmapped page and pointers into it), shutdown, ioctl, poll and close on
 * AF_WREN sockets of every type: against the peer's Linux (a TCP listener
 * and a UDP socket that drain what comes), against wren's own listeners
 * in the other threads, a dead address and random ones.  Each thread owns
 * its descriptors; they meet each other only through the network.
 *
 * The run is seeded (FUZZ_SEED in the environment replays one; the seed is
 * printed) and makes at least FUZZ_CALLS calls.  It passes when every call
 * returned (success or an errno), the kernel logged nothing (check.sh),
 * and afterwards wren still carries a hashed transfer and lists no socket
 * of the fuzzer's.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"

#define FUZZ_THREADS	4
#define FUZZ_CALLS	1000000		/* at least, over all threads */
#define FUZZ_FDS	12		/* open descriptors a thread holds */
#define FUZZ_PORTS	8		/* the ports the threads bind and dial */

struct fuzz {
	uint64_t seed;
	int port;			/* FUZZ_PORTS from here */
	int peer_port;			/* the peer's TCP listener and UDP */
	char *page;			/* one page readable, the next not */
	long pagesz;
	volatile long calls;
	volatile int stop;
};

struct fuzz_thread {
	struct fuzz *fz;
	uint64_t rng;
	int fd[FUZZ_FDS];
	long calls;
	pthread_t th;
};

/* xorshift64*: fast, and the same sequence for the same seed. */
static uint64_t rnd(struct fuzz_thread *t)
{
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545f4914f6cdd1dULL;
}

static unsigned int pick(struct fuzz_thread *t, unsigned int n)
{
	return (unsigned int)(rnd(t) % n);
}

/* A buffer of @len bytes: usually good, sometimes running off the end of
 * the readable page, sometimes wholly unmapped, sometimes NULL.
 */
static void *buf(struct fuzz_thread *t, size_t *len)
{
	struct fuzz *fz = t->fz;
	static __thread char good[70000];

	switch (pick(t, 16)) {
	case 0:
		return NULL;
	case 1:
		return fz->page + fz->pagesz;		/* unmapped */
	case 2:
	case 3:
		if (*len > (size_t)fz->pagesz)
			*len = fz->pagesz;
		return fz->page + fz->pagesz - *len / 2;	/* runs off */
	default:
		if (*len > sizeof(good))
			*len = sizeof(good);
		return good;
	}
}

static size_t length(struct fuzz_thread *t)
{
	switch (pick(t, 8)) {
	case 0:
		return 0;
	case 1:
		return pick(t, 70000);
	case 2:
		return (size_t)rnd(t);			/* absurd */
	default:
		return pick(t, 2000);
	}
}

/* An address to bind or dial: wren's, the peer's, a dead one, any, junk. */
static socklen_t addr(struct fuzz_thread *t, struct sockaddr_storage *ss)
{
	static const char *const ips[] = {
		WS_WREN_IP, WS_PEER_IP, WS_DEAD_IP, "0.0.0.0", "127.0.0.1",
		WS_BCAST_IP, "224.0.0.1", WS_NOROUTE_IP,
	};
	struct fuzz *fz = t->fz;
	struct sockaddr_wren *a = (struct sockaddr_wren *)ss;
	int port;

	memset(ss, 0, sizeof(*ss));
	switch (pick(t, 4)) {
	case 0:
		port = fz->peer_port;
		break;
	case 1:
		port = pick(t, 65536);
		break;
	default:
		port = fz->port + pick(t, FUZZ_PORTS);
	}
	*a = nt_swren(ips[pick(t, sizeof(ips) / sizeof(ips[0]))], port);
	if (!pick(t, 32))
		a->swren_family = pick(t, 64);		/* a wrong family */
	switch (pick(t, 16)) {
	case 0:
		return pick(t, sizeof(*a));		/* short */
	case 1:
		return sizeof(*ss) + pick(t, 64);	/* long */
	default:
		return sizeof(*a);
	}
}

static int *slot(struct fuzz_thread *t)
{
	return &t->fd[pick(t, FUZZ_FDS)];
}

/*
 * A call that may block (connect, accept, close) must not block for
 * long, whatever the fuzzed options say: short timeouts again, and a
 * linger of 0 (abort) or none before close.
 */
static void bounded(int fd)
{
	struct timeval tv = { 0, 20000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void fuzz_close(struct fuzz_thread *t, int *s)
{
	struct linger lg = { pick(t, 2), 0 };

	if (*s < 0)
		return;
	setsockopt(*s, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(*s);
	*s = -1;
}

/* Any descriptor of ours, or now and then one that is not a socket. */
static int sfd(struct fuzz_thread *t)
{
	if (!pick(t, 64))
		return pick(t, 3) ? -1 : 1000 + (int)pick(t, 100);
	return *slot(t);
}

static void op_socket(struct fuzz_thread *t)
{
	static const int types[] = { SOCK_STREAM, SOCK_DGRAM, SOCK_DGRAM,
				     SOCK_RAW, SOCK_SEQPACKET };
	static const int protos[] = { 0, IPPROTO_TCP, IPPROTO_UDP,
				      IPPROTO_ICMP, 255 };
	int *s = slot(t), type = types[pick(t, 5)], fd;

	fuzz_close(t, s);
	type |= SOCK_CLOEXEC | (pick(t, 4) ? SOCK_NONBLOCK : 0);
	fd = socket(AF_WREN, type, pick(t, 3) ? 0 : protos[pick(t, 5)]);
	if (fd >= 0)
		bounded(fd);
	*s = fd;
}

static void op_sockopt(struct fuzz_thread *t)
{
	static const int levels[] = { SOL_SOCKET, IPPROTO_IP, IPPROTO_TCP,
				      IPPROTO_UDP, IPPROTO_ICMP, SOL_RAW };
	static const int known[] = {
		/* SOL_SOCKET */
		SO_REUSEADDR, SO_KEEPALIVE, SO_LINGER, SO_RCVBUF, SO_SNDBUF,
		SO_RCVBUFFORCE, SO_SNDBUFFORCE, SO_RCVLOWAT, SO_RCVTIMEO,
		SO_SNDTIMEO, SO_BINDTODEVICE, SO_BROADCAST, SO_ERROR, SO_TYPE,
		SO_PROTOCOL, SO_DOMAIN, SO_ACCEPTCONN, SO_PRIORITY, SO_MARK,
		SO_TIMESTAMP, SO_REUSEPORT, SO_OOBINLINE, SO_PEEK_OFF,
		SO_COOKIE, SO_ZEROCOPY, SO_BUSY_POLL, SO_INCOMING_CPU,
		/* IPPROTO_IP */
		IP_TOS, IP_TTL, IP_RECVTOS, IP_RECVTTL, IP_PKTINFO, IP_HDRINCL,
		IP_MTU_DISCOVER, IP_MTU, IP_RECVERR, IP_MULTICAST_TTL,
		IP_MULTICAST_IF, IP_ADD_MEMBERSHIP, IP_OPTIONS,
		/* IPPROTO_TCP */
		TCP_NODELAY, TCP_MAXSEG, TCP_CORK, TCP_KEEPIDLE, TCP_KEEPINTVL,
		TCP_KEEPCNT, TCP_SYNCNT, TCP_LINGER2, TCP_DEFER_ACCEPT,
		TCP_WINDOW_CLAMP, TCP_INFO, TCP_QUICKACK, TCP_CONGESTION,
		TCP_USER_TIMEOUT, TCP_FASTOPEN, TCP_NOTSENT_LOWAT,
		WREN_TCP_INFO,
	};
	int fd = sfd(t), level, name;
	size_t len = pick(t, 4) ? pick(t, 300) : length(t);
	socklen_t olen;
	void *p;

	level = pick(t, 8) ? levels[pick(t, 6)] : (int)rnd(t);
	name = pick(t, 6) ? known[pick(t, sizeof(known) / sizeof(known[0]))] :
	       (int)pick(t, 256);
	p = buf(t, &len);
	if (pick(t, 2)) {
		olen = len;
		getsockopt(fd, level, name, p, pick(t, 8) ? &olen :
			   (socklen_t *)(t->fz->page + t->fz->pagesz));
	} else {
		setsockopt(fd, level, name, p, len);
	}
}

static void op_send(struct fuzz_thread *t)
{
	static const int flags[] = { 0, MSG_DONTWAIT, MSG_NOSIGNAL, MSG_OOB,
				     MSG_MORE, MSG_CONFIRM, MSG_EOR };
	struct sockaddr_storage ss;
	size_t len = length(t);
	int fd = sfd(t), fl = MSG_DONTWAIT | MSG_NOSIGNAL;
	void *p = buf(t, &len);
	struct iovec iov[3];
	struct msghdr mh = { 0 };
	socklen_t al;

	fl |= flags[pick(t, 7)] | (pick(t, 16) ? 0 : (int)rnd(t));
	fl |= MSG_DONTWAIT;
	switch (pick(t, 3)) {
	case 0:
		send(fd, p, len, fl);
		break;
	case 1:
		al = addr(t, &ss);
		sendto(fd, p, len, fl, pick(t, 4) ? (struct sockaddr *)&ss :
		       NULL, al);
		break;
	default:
		iov[0].iov_base = p;
		iov[0].iov_len = len / 2;
		iov[1].iov_base = p ? (char *)p + len / 2 : NULL;
		iov[1].iov_len = len - len / 2;
		iov[2].iov_base = t->fz->page + t->fz->pagesz;
		iov[2].iov_len = pick(t, 4) ? 0 : pick(t, 100);
		mh.msg_iov = iov;
		mh.msg_iovlen = 1 + pick(t, 3);
		if (pick(t, 2)) {
			al = addr(t, &ss);
			mh.msg_name = &ss;
			mh.msg_namelen = al;
		}
		sendmsg(fd, &mh, fl);
	}
}

static void op_recv(struct fuzz_thread *t)
{
	static const int flags[] = { 0, MSG_PEEK, MSG_TRUNC, MSG_WAITALL,
				     MSG_OOB, MSG_ERRQUEUE, MSG_PEEK | MSG_TRUNC };
	struct sockaddr_storage ss;
	size_t len = length(t);
	int fd = sfd(t), fl = flags[pick(t, 7)] | MSG_DONTWAIT;
	void *p = buf(t, &len);
	socklen_t al = pick(t, 4) ? sizeof(ss) : pick(t, 20);
	char ctl[64];
	struct iovec iov = { p, len };
	struct msghdr mh = { &ss, al, &iov, 1, ctl, sizeof(ctl), 0 };

	switch (pick(t, 3)) {
	case 0:
		recv(fd, p, len, fl);
		break;
	case 1:
		recvfrom(fd, p, len, fl, pick(t, 4) ? (struct sockaddr *)&ss :
			 NULL, &al);
		break;
	default:
		if (!pick(t, 4))
			mh.msg_controllen = pick(t, 20);
		recvmsg(fd, &mh, fl);
	}
}

static void op_misc(struct fuzz_thread *t)
{
	static const unsigned long ioctls[] = { SIOCINQ, SIOCOUTQ, FIONBIO,
		SIOCGSTAMP_OLD, SIOCOUTQNSD, SIOCATMARK, SIOCGIFADDR,
		FIONREAD };
	struct sockaddr_storage ss;
	struct pollfd pf;
	int fd = sfd(t), v = pick(t, 2), *s;
	socklen_t al;

	switch (pick(t, 9)) {
	case 0:
		al = addr(t, &ss);
		bind(fd, (struct sockaddr *)&ss, al);
		break;
	case 1:
		listen(fd, pick(t, 4) ? (int)pick(t, 8) : (int)rnd(t));
		break;
	case 2:
	case 3:
		al = addr(t, &ss);
		bounded(fd);
		connect(fd, (struct sockaddr *)&ss, al);
		break;
	case 4:
		s = slot(t);
		fd = sfd(t);
		bounded(fd);
		al = sizeof(ss);
		v = accept4(fd, pick(t, 2) ? (struct sockaddr *)&ss : NULL,
			    pick(t, 8) ? &al : NULL,
			    SOCK_NONBLOCK | (pick(t, 2) ? SOCK_CLOEXEC : 0));
		if (v >= 0) {
			fuzz_close(t, s);
			*s = v;
		}
		break;
	case 5:
		shutdown(fd, pick(t, 8) ? (int)pick(t, 3) : (int)rnd(t));
		break;
	case 6:
		ioctl(fd, ioctls[pick(t, 8)], pick(t, 4) ? (void *)&v :
		      (void *)(t->fz->page + t->fz->pagesz));
		break;
	case 7:
		pf.fd = fd;
		pf.events = (short)rnd(t);
		poll(&pf, 1, 0);
		break;
	default:
		al = pick(t, 2) ? sizeof(ss) : pick(t, 8);
		if (pick(t, 2))
			getsockname(fd, (struct sockaddr *)&ss, &al);
		else
			getpeername(fd, (struct sockaddr *)&ss, &al);
	}
}

static void *fuzz_fn(void *arg)
{
	struct fuzz_thread *t = arg;

	while (!t->fz->stop && t->calls < FUZZ_CALLS / FUZZ_THREADS) {
		switch (pick(t, 16)) {
		case 0:
		case 1:
			op_socket(t);
			break;
		case 2:
			fuzz_close(t, slot(t));
			break;
		case 3:
		case 4:
		case 5:
			op_sockopt(t);
			break;
		case 6:
		case 7:
		case 8:
			op_send(t);
			break;
		case 9:
		case 10:
		case 11:
			op_recv(t);
			break;
		default:
			op_misc(t);
		}
		t->calls++;
	}
	for (int i = 0; i < FUZZ_FDS; i++)
		fuzz_close(t, &t->fd[i]);
	return NULL;
}

/* The peer's Linux: accept and drain whatever comes, TCP and UDP. */
static void *peer_fn(void *arg)
{
	struct fuzz *fz = arg;
	int l = tt_linux_listener(WT_PEER_NS, fz->peer_port);
	int u = nt_bound(WT_PEER_NS, AF_INET, SOCK_DGRAM, 0, NULL,
			 fz->peer_port, false);
	int conns[64], n = 0, i;
	char junk[4096];

	if (l < 0 || u < 0)
		return NULL;
	fcntl(l, F_SETFL, O_NONBLOCK);
	fcntl(u, F_SETFL, O_NONBLOCK);
	while (!fz->stop) {
		int c = accept4(l, NULL, NULL, SOCK_NONBLOCK);

		if (c >= 0) {
			if (n == 64)
				close(conns[--n]);
			conns[n++] = c;
		}
		while (recv(u, junk, sizeof(junk), 0) > 0)
			;
		for (i = 0; i < n; i++) {
			ssize_t r = recv(conns[i], junk, sizeof(junk), 0);

			if (r == 0 || (r < 0 && errno != EAGAIN)) {
				close(conns[i]);
				conns[i--] = conns[--n];
			}
		}
		wt_msleep(5);
	}
	for (i = 0; i < n; i++)
		close(conns[i]);
	close(l);
	close(u);
	return NULL;
}

/* Local ports of the fuzzer's range still in wren's TCP table. */
static int fuzz_left(const struct fuzz *fz)
{
	int n = 0;

	for (int i = 0; i <= FUZZ_PORTS; i++)
		if (tt_proc_find(fz->port + i, 0, -1, NULL) >= 0 ||
		    tt_proc_find(0, fz->port + i, -1, NULL) >= 0)
			n++;
	return n;
}

TEST_F_TIMEOUT(peer, fuzz_socket_calls, 900)
{
	struct fuzz fz = { 0 };
	struct fuzz_thread th[FUZZ_THREADS];
	const char *env = getenv("FUZZ_SEED");
	struct wt_xfer x = {
		.recv_ns = WT_PEER_NS, .host = WS_PEER_IP,
		.port = self->port + FUZZ_PORTS + 1, .bytes = 4 * WT_MIB,
	};
	pthread_t peer;
	double t0;
	long calls = 0;
	int i;

	fz.seed = env ? strtoull(env, NULL, 0) :
		  (uint64_t)time(NULL) * 2654435761u ^ getpid();
	TH_LOG("FUZZ_SEED=%llu (set it to replay this run)",
	       (unsigned long long)fz.seed);
	fz.port = self->port;
	fz.peer_port = self->port + FUZZ_PORTS;
	fz.pagesz = sysconf(_SC_PAGESIZE);
	fz.page = mmap(NULL, 2 * fz.pagesz, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, fz.page);
	ASSERT_EQ(0, mprotect(fz.page + fz.pagesz, fz.pagesz, PROT_NONE));
	memset(fz.page, 0xa5, fz.pagesz);
	ASSERT_EQ(0, pthread_create(&peer, NULL, peer_fn, &fz));

	t0 = wt_now();
	for (i = 0; i < FUZZ_THREADS; i++) {
		memset(&th[i], 0, sizeof(th[i]));
		th[i].fz = &fz;
		th[i].rng = fz.seed * (i + 1) | 1;
		memset(th[i].fd, -1, sizeof(th[i].fd));
		ASSERT_EQ(0, pthread_create(&th[i].th, NULL, fuzz_fn, &th[i]));
	}
	for (i = 0; i < FUZZ_THREADS; i++) {
		pthread_join(th[i].th, NULL);
		calls += th[i].calls;
	}
	fz.stop = 1;
	pthread_join(peer, NULL);
	TH_LOG("%ld calls in %.1f s (%.0f/s)", calls, wt_now() - t0,
	       calls / (wt_now() - t0));
	EXPECT_LE(FUZZ_CALLS, calls);

	/* Nothing of the fuzzer's stays (TIME_WAIT and orphans expire). */
	ASSERT_EQ(0, wt_sh("wrenctl set tcp_msl_ms 500"));
	EXPECT_TRUE(WT_WAIT(120000, fuzz_left(&fz) == 0)) {
		TH_LOG("%d of the fuzzer's ports still in /proc",
		       fuzz_left(&fz));
		wt_sh("cat /proc/net/wren/tcp");
	}
	wt_sh("wrenctl set tcp_msl_ms 30000");

	/* And wren still works. */
	ASSERT_EQ(0, tt_xfer(&x, "--family wren", ""));
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	ASSERT_EQ(0, tt_pair(self->port + FUZZ_PORTS + 2, &self->w, &self->l));
	EXPECT_TRUE(tt_alive(self->w, self->l));
	munmap(fz.page, 2 * fz.pagesz);
}

WT_HARNESS_MAIN
