// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP and the lifetimes around it: deleting a namespace that still
 * has TIME_WAIT entries, and unloading wren.ko with TIME_WAIT entries and
 * timers pending (the kernel log must stay clean; the harness checks it).
 * Leaves wren.ko loaded and attached to eth0, as the boot found it.
 */
#include <netinet/in.h>
#include <signal.h>
#include <sys/syscall.h>
#include "kselftest_harness.h"
#include "sock.h"

#define NS2	"d2"
#define IP1	"203.0.113.65"
#define IP2	"203.0.113.66"
#define PORT	6400

/* Each test deletes NS2 with the pair in it: a fresh pair every time. */
static int veth_up(void)
{
	return ws_veth_pair(NS2, "dv0", "dv1", IP1, IP2, false);
}

/* n connections from NS2 to us; the NS2 side closes first (TIME_WAIT). */
static int churn(int port, int n)
{
	struct sockaddr_wren a = nt_swren(NULL, port);
	int one = 1, l, i;

	l = socket(AF_WREN, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 16))
		return -1;
	a = nt_swren(IP1, port);
	for (i = 0; i < n; i++) {
		int c = nt_socket(NS2, AF_WREN, SOCK_STREAM, 0), s;
		char buf[4];

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
			return -1;
		s = accept(l, NULL, NULL);
		if (s < 0 || write(c, "hi", 2) != 2 || read(s, buf, 4) != 2)
			return -1;
		close(c);
		if (read(s, buf, 4) != 0)
			return -1;
		close(s);
	}
	close(l);
	return 0;
}

static int count_tw(const char *ns)
{
	char *t = wt_run_out(ns, NULL, "cat /proc/net/wren/tcp");
	int n = 0;

	for (char *p = t; p && (p = strstr(p, " 06 ")); p++)
		n++;
	free(t);
	return n;
}

/* wren (here) to Linux (peer); wren closes first: TIME_WAIT here. */
static int churn_peer(int port, int n)
{
	struct sockaddr_in la = nt_sin(NULL, port);
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, port);
	int one = 1, l, i;

	l = nt_socket(WT_PEER_NS, AF_INET, SOCK_STREAM, 0);
	setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l < 0 || bind(l, (struct sockaddr *)&la, sizeof(la)) ||
	    listen(l, 16))
		return -1;
	for (i = 0; i < n; i++) {
		int c = socket(AF_WREN, SOCK_STREAM, 0), s;
		char buf[4];

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
			return -1;
		s = accept(l, NULL, NULL);
		if (s < 0)
			return -1;
		close(c);
		if (read(s, buf, 4) != 0)
			return -1;
		close(s);
	}
	close(l);
	return 0;
}

FIXTURE(life) {
	int unused;
};

FIXTURE_SETUP(life)
{
	signal(SIGPIPE, SIG_IGN);
}

FIXTURE_TEARDOWN(life)
{
}

TEST_F_TIMEOUT(life, netns_delete_with_time_wait, 60)
{
	ASSERT_EQ(0, veth_up());
	ASSERT_EQ(0, churn(PORT, 10));
	EXPECT_LE(10, count_tw(NS2));
	ASSERT_EQ(0, wt_sh("ip netns del %s", NS2));
	wt_msleep(1000);
	wt_shq("ip link del dv0 2>/dev/null");
}

TEST_F_TIMEOUT(life, unload_with_time_wait, 60)
{
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, 1);
	int fd, rc = -1, i;

	ASSERT_EQ(0, ws_net_up());
	ASSERT_EQ(0, churn_peer(PORT + 1, 5));
	EXPECT_LE(5, count_tw(NULL));

	/* Orphans may still be finishing: retry for a while. */
	for (i = 0; i < 100 && rc; i++) {
		rc = syscall(SYS_delete_module, "wren", O_NONBLOCK) ? errno : 0;
		if (rc)
			wt_msleep(100);
	}
	ASSERT_EQ(0, rc) TH_LOG("delete_module: %s", strerror(rc));

	/* Back as the boot had it. */
	fd = open("/lib/wren/wren.ko", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0));
	close(fd);
	unlink("/run/wren-sock-test.up");
	ASSERT_EQ(0, ws_net_up());
	fd = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, connect(fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(ECONNREFUSED, errno);
	close(fd);
}

TEST_HARNESS_MAIN
