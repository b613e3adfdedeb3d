// SPDX-License-Identifier: GPL-2.0
/*
 * 1,000 concurrent connections from the peer's Linux TCP to one wren
 * listener: all accepted, data both ways on each, all closed (half from
 * each side, so wren holds TIME_WAITs too).  Afterwards, with a 200 ms
 * MSL, /proc/net/wren/tcp is back to its baseline and the slab within
 * noise.
 */
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include "kselftest_harness.h"
#include "sock.h"

#define PORT	6900
#define N	1000

static int proc_lines(void)
{
	char *text = wt_read_file("/proc/net/wren/tcp");
	int n = 0;

	if (!text)
		return -1;
	for (char *p = text; *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}

static int cli[N], srv[N];

FIXTURE(many) {
	int l;
	long long tw;
};

FIXTURE_SETUP(many)
{
	struct rlimit rl = { .rlim_cur = 4 * N, .rlim_max = 4 * N };

	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, ws_net_up());
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	ASSERT_EQ(0, wt_sh("wrenctl set tcp_msl_ms 200"));
	wt_shq("sysctl -qw net.core.somaxconn=4096");
	self->tw = wt_read_ll("/proc/sys/net/ipv4/tcp_max_tw_buckets");
	self->l = -1;
}

FIXTURE_TEARDOWN(many)
{
	wt_sh("wrenctl set tcp_msl_ms 30000");
	if (self->tw > 0)
		wt_peerq("sysctl -qw net.ipv4.tcp_max_tw_buckets=%lld",
			 self->tw);
	if (self->l >= 0)
		close(self->l);
}

/* One round: N connections through accept, data, closes, all gone. */
static void round_trip(struct __test_metadata *_metadata, int *lfd,
		       int port)
{
	struct sockaddr_wren a = nt_swren(NULL, port);
	struct sockaddr_in ra = nt_sin(WS_WREN_IP, port);
	int i, one = 1, base, accepted = 0, peak;
	double t0 = wt_now();
	char buf[64];

	base = proc_lines();
	*lfd = socket(AF_WREN, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_LE(0, *lfd);
	setsockopt(*lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(*lfd, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(0, listen(*lfd, 4096));

	/* Connect in waves, accepting as we go. */
	for (i = 0; i < N; i++) {
		cli[i] = nt_socket(WT_PEER_NS, AF_INET,
				      SOCK_STREAM | SOCK_NONBLOCK, 0);
		ASSERT_LE(0, cli[i]) TH_LOG("socket %d: %s", i,
					    strerror(errno));
		if (connect(cli[i], (struct sockaddr *)&ra, sizeof(ra)))
			ASSERT_EQ(EINPROGRESS, errno);
		while (accepted < N) {
			int s = accept(*lfd, NULL, NULL);

			if (s < 0)
				break;
			srv[accepted++] = s;
		}
	}
	while (accepted < N && wt_now() - t0 < 120) {
		int s;

		ws_wait(*lfd, POLLIN, 200);
		while (accepted < N &&
		       (s = accept(*lfd, NULL, NULL)) >= 0)
			srv[accepted++] = s;
	}
	ASSERT_EQ(N, accepted);
	peak = proc_lines();
	EXPECT_LE(base + N + 1, peak);
	TH_LOG("%d accepted in %.1f s, %d lines in /proc/net/wren/tcp", N,
	       wt_now() - t0, peak);

	/* Data on all: the client writes, the server echoes. */
	for (i = 0; i < N; i++) {
		ASSERT_EQ(1, ws_wait(cli[i], POLLOUT, 5000) & POLLOUT ? 1 : 0);
		snprintf(buf, sizeof(buf), "conn %04d", i);
		ASSERT_EQ(9, write(cli[i], buf, 9));
	}
	for (i = 0; i < N; i++) {
		ASSERT_TRUE(ws_wait(srv[i], POLLIN, 5000) & POLLIN);
		ASSERT_EQ(9, read(srv[i], buf, sizeof(buf)));
		ASSERT_EQ(9, write(srv[i], buf, 9));
	}
	for (i = 0; i < N; i++) {
		char want[16];

		ASSERT_TRUE(ws_wait(cli[i], POLLIN, 5000) & POLLIN);
		ASSERT_EQ(9, read(cli[i], buf, sizeof(buf)));
		/* Accept order may differ from connect order; each client
		 * gets back what it sent.
		 */
		snprintf(want, sizeof(want), "conn %04d", i);
		ASSERT_EQ(0, memcmp(buf, want, 9));
	}

	/* Even: wren closes first (TIME_WAIT here); odd: Linux first. */
	for (i = 0; i < N; i++) {
		if (i % 2 == 0) {
			close(srv[i]);
			close(cli[i]);
		} else {
			close(cli[i]);
			close(srv[i]);
		}
	}
	close(*lfd);
	*lfd = -1;
	EXPECT_TRUE(WT_WAIT(30000, proc_lines() <= base))
		TH_LOG("%d lines left, baseline %d", proc_lines(), base);
}

/* Twice: the first round warms the caches up, the second must leave
 * the slab where the first did.  The Linux peer keeps no TIME_WAIT of
 * its own, so that only wren's memory can move.
 */
TEST_F_TIMEOUT(many, thousand_connections_no_leak, 300)
{
	struct wt_mem m0, m1;

	ASSERT_EQ(0, wt_peer("sysctl -qw net.ipv4.tcp_max_tw_buckets=0"));
	round_trip(_metadata, &self->l, PORT);
	ASSERT_EQ(0, wt_mem_snapshot(&m0, true));
	round_trip(_metadata, &self->l, PORT + 1);
	ASSERT_EQ(0, wt_mem_snapshot(&m1, true));
	TH_LOG("Slab %lld -> %lld KiB, SUnreclaim %lld -> %lld KiB",
	       m0.slab, m1.slab, m0.sunreclaim, m1.sunreclaim);
	/* A thousand leaked sockets would be megabytes. */
	EXPECT_GT(m0.sunreclaim + 512, m1.sunreclaim);
	EXPECT_GT(m0.slab + 1024, m1.slab);
}

TEST_HARNESS_MAIN
