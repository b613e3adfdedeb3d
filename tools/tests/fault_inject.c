// SPDX-License-Identifier: GPL-2.0
/*
 * wren under allocation failures (debug kernel only: it needs failslab,
 * fail_page_alloc and their stack-trace filter, which Debian's kernel
 * lacks; elsewhere every test skips).  Faults are injected only into
 * allocations whose call stack runs through one module's text (the
 * require-start/require-end window of /proc/modules), sleeping ones too
 * (ignore-gfp-wait N):
 *
 *  - random: 1-10 % of them fail while TCP transfers both ways, UDP with
 *    fragments, connects and accepts, ARP resolution and netlink
 *    configuration run, and once while wren.ko is reloaded; nothing may
 *    crash or warn (check.sh reads the kernel log), every failed call
 *    says so with an errno a caller can act on;
 *  - deterministic: for each wren syscall path, fail-nth fails its first
 *    injectable allocation, then its second, ... until the path makes no
 *    more: each time the call fails cleanly or succeeds, never hangs;
 *  - after disarming, a fresh transfer is intact and the slab is where it
 *    was (kmemleak, scanned by the guest at the end, must find nothing).
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/syscall.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"

#define FI_DIR		"/sys/kernel/debug"
static const char *const fi_attrs[] = { "failslab", "fail_page_alloc" };

/* The [start, end) of module @name's core in /proc/modules; 0 or -1. */
static int module_range(const char *name, unsigned long *start,
			unsigned long *end)
{
	char *text = wt_read_file("/proc/modules"), *line, *save;
	int rc = -1;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char mod[64];
		unsigned long size, base;

		if (sscanf(line, "%63s %lu %*d %*s %*s %lx", mod, &size,
			   &base) == 3 && !strcmp(mod, name)) {
			*start = base;
			*end = base + size;
			rc = 0;
			break;
		}
	}
	free(text);
	return rc;
}

static int fi_set(const char *attr, const char *knob, const char *fmt, ...)
	__printf(3, 4);
static int fi_set(const char *attr, const char *knob, const char *fmt, ...)
{
	char path[128], val[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	snprintf(path, sizeof(path), FI_DIR "/%s/%s", attr, knob);
	return wt_write_file(path, "%s\n", val);
}

/*
 * Aim both attributes at module @mod's text at @percent % (0: only
 * fail-nth injects); 0 or -1.
 */
static int fi_arm(const char *mod, int percent)
{
	unsigned long start, end;
	int rc = 0;

	if (module_range(mod, &start, &end))
		return -1;
	for (int i = 0; i < 2; i++) {
		const char *a = fi_attrs[i];

		rc |= fi_set(a, "probability", "0");
		rc |= fi_set(a, "interval", "1");
		rc |= fi_set(a, "times", "-1");
		rc |= fi_set(a, "space", "0");
		rc |= fi_set(a, "verbose", "0");
		rc |= fi_set(a, "task-filter", "N");
		rc |= fi_set(a, "ignore-gfp-wait", "N");
		rc |= fi_set(a, "stacktrace-depth", "32");
		rc |= fi_set(a, "require-start", "%lu", start);
		rc |= fi_set(a, "require-end", "%lu", end);
		rc |= fi_set(a, "probability", "%d", percent);
	}
	rc |= fi_set("fail_page_alloc", "ignore-gfp-highmem", "N");
	rc |= fi_set("fail_page_alloc", "min-order", "0");
	return rc ? -1 : 0;
}

static void fi_disarm(void)
{
	for (int i = 0; i < 2; i++) {
		fi_set(fi_attrs[i], "probability", "0");
		fi_set(fi_attrs[i], "require-start", "0");
		fi_set(fi_attrs[i], "require-end", "%lu", ~0UL);
	}
}

/* An errno an allocation failure may honestly end in. */
static bool fi_errno_ok(int e)
{
	switch (e) {
	case ENOMEM: case ENOBUFS: case EAGAIN: case ETIMEDOUT:
	case ECONNREFUSED: case ECONNRESET: case ECONNABORTED: case EPIPE:
	case EINPROGRESS: case EALREADY: case EISCONN: case ENOTCONN:
	case EHOSTUNREACH: case EADDRINUSE: case EINTR: case EINVAL:
	case ENFILE:	/* the core's sock_alloc() for socket() and accept() */
		return true;
	}
	return false;
}

FIXTURE(faults) {
	int port;
	struct wt_mem m0;
};

FIXTURE_SETUP(faults)
{
	if (access(FI_DIR "/failslab/require-start", F_OK) ||
	    access(FI_DIR "/fail_page_alloc/require-start", F_OK))
		SKIP(return, "no failslab/fail_page_alloc stack filter here");
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, ws_net_up());
	self->port = wt_ports(TT_PORTS);
	ASSERT_LT(0, self->port);
	fi_disarm();
}

FIXTURE_TEARDOWN(faults)
{
	fi_disarm();
}

/* One connect/accept/data/close round wren to Linux; the failed call's
 * errno, or 0.
 */
static int round_trip(int port)
{
	int w = -1, l = -1, e = 0;
	char c;

	if (tt_pair(port, &w, &l))
		e = errno ? errno : EIO;
	else if (write(w, "x", 1) != 1 || read(l, &c, 1) != 1)
		e = errno ? errno : EIO;
	if (w >= 0)
		close(w);
	if (l >= 0)
		close(l);
	return e;
}

TEST_F_TIMEOUT(faults, random_failures_under_traffic, 900)
{
	static const int percent[] = { 1, 5, 10 };
	long long nomem0 = nt_drop(NULL, "NOMEM");
	int bad = 0;

	for (int r = 0; r < 3; r++) {
		struct wt_xfer out = {
			.recv_ns = WT_PEER_NS, .host = WS_PEER_IP,
			.port = self->port + 10 * r, .bytes = 2 * WT_MIB,
			.timeout_ms = 20000,
		};
		struct wt_xfer in = {
			.send_ns = WT_PEER_NS, .host = WS_WREN_IP,
			.port = self->port + 10 * r + 1, .bytes = 2 * WT_MIB,
			.timeout_ms = 20000,
		};
		struct wt_xfer udp = {
			.recv_ns = WT_PEER_NS, .host = WS_PEER_IP,
			.port = self->port + 10 * r + 2, .opts = "--udp 8000 200",
			.send_opts = "--family wren", .timeout_ms = 20000,
		};
		int e;

		ASSERT_EQ(0, fi_arm("wren", percent[r]));
		TH_LOG("%d %% of wren's allocations fail", percent[r]);
		/* Transfers may fail; they must end, and not in a hang. */
		tt_xfer(&out, "--family wren", "");
		tt_xfer(&in, "", "--family wren");
		wt_xfer_run(&udp);
		for (int i = 0; i < 20; i++) {
			e = round_trip(self->port + 10 * r + 3 + i % 5);
			if (e && !fi_errno_ok(e)) {
				TH_LOG("round trip: %s", strerror(e));
				bad++;
			}
		}
		wt_shq("wrenctl arp flush dev eth0");
		wt_shq("wrenping -c 3 -i 0.2 %s", WS_PEER_IP);
		wt_shq("wrenctl addr add 192.0.2.5/28 dev eth0");
		wt_shq("wrenctl route add 198.51.100.0/24 via %s", WS_PEER_IP);
		wt_shq("wrenctl route del 198.51.100.0/24");
		wt_shq("wrenctl addr del 192.0.2.5/28 dev eth0");
		wt_shq("wrenctl set tcp_msl_ms 30000");
		fi_disarm();
	}
	EXPECT_EQ(0, bad);
	TH_LOG("NOMEM drops counted: %lld", nt_drop(NULL, "NOMEM") - nomem0);
}

/*
 * Each wren syscall path, with its n-th injectable allocation failed, for
 * n = 1, 2, ... until the path has none left: the call fails with a sane
 * errno or succeeds, and the socket can always be closed.  6.1's fail-nth
 * counts every allocation of the task, the core kernel's too (the stack
 * filter applies to the random faults only), so the call must follow the
 * arming directly, and the counter is read and written through one
 * descriptor opened beforehand: opening a file allocates.
 */
static int nth_fd = -1;

static int nth(int n)
{
	char v[16];
	int len = snprintf(v, sizeof(v), "%d", n);

	return pwrite(nth_fd, v, len, 0) == len ? 0 : -1;
}

static bool nth_left(void)
{
	char v[16] = "";

	return pread(nth_fd, v, sizeof(v) - 1, 0) > 0 && atoi(v) > 0;
}

enum fi_path { P_SOCKET_TCP, P_SOCKET_UDP, P_BIND, P_LISTEN, P_CONNECT,
	       P_ACCEPT, P_SEND, P_RECV, P_SENDTO_UDP, P_SETSOCKOPT, P_MAX };
static const char *const fi_path_name[] = {
	"socket(TCP)", "socket(UDP)", "bind", "listen", "connect", "accept",
	"send", "recv", "sendto(UDP)", "setsockopt",
};

/* Set up what path @p needs, then run its call with fail-nth @n armed. */
static int fi_path_run(enum fi_path p, int n, int port, int *err)
{
	struct sockaddr_wren any = nt_swren(NULL, port);
	struct sockaddr_wren peer = nt_swren(WS_PEER_IP, port);
	int fd = -1, l = -1, w = -1, lin = -1, rc = 0;
	char buf[2048] = "x";

	switch (p) {
	case P_SOCKET_TCP:
	case P_SOCKET_UDP:
		break;
	case P_BIND:
	case P_LISTEN:
		fd = socket(AF_WREN, SOCK_STREAM, 0);
		if (p == P_LISTEN && bind(fd, (struct sockaddr *)&any,
					  sizeof(any)))
			goto out;
		break;
	case P_CONNECT:
		lin = tt_linux_listener(WT_PEER_NS, port);
		fd = socket(AF_WREN, SOCK_STREAM, 0);
		break;
	case P_ACCEPT:
		l = tt_listener(port, 4);
		w = tt_linux_client(port);
		break;
	case P_SEND:
	case P_RECV:
		if (tt_pair(port, &fd, &lin))
			goto out;
		if (p == P_RECV && write(lin, buf, sizeof(buf)) < 0)
			goto out;
		wt_msleep(50);
		break;
	case P_SENDTO_UDP:
		fd = socket(AF_WREN, SOCK_DGRAM, 0);
		break;
	case P_SETSOCKOPT:
		fd = socket(AF_WREN, SOCK_STREAM, 0);
		break;
	default:
		break;
	}
	nth(n);
	switch (p) {
	case P_SOCKET_TCP:
		rc = fd = socket(AF_WREN, SOCK_STREAM, 0);
		break;
	case P_SOCKET_UDP:
		rc = fd = socket(AF_WREN, SOCK_DGRAM, 0);
		break;
	case P_BIND:
		rc = bind(fd, (struct sockaddr *)&any, sizeof(any));
		break;
	case P_LISTEN:
		rc = listen(fd, 4);
		break;
	case P_CONNECT:
		rc = connect(fd, (struct sockaddr *)&peer, sizeof(peer));
		break;
	case P_ACCEPT:
		rc = fd = accept(l, NULL, NULL);
		break;
	case P_SEND:
		rc = send(fd, buf, sizeof(buf), MSG_NOSIGNAL);
		break;
	case P_RECV:
		rc = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		break;
	case P_SENDTO_UDP:
		rc = sendto(fd, buf, 1800, 0, (struct sockaddr *)&peer,
			    sizeof(peer));
		break;
	case P_SETSOCKOPT:
		rc = setsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, "reno", 4);
		break;
	default:
		break;
	}
	*err = rc < 0 ? errno : 0;
	rc = nth_left() ? 1 : 0;	/* the n-th fault was never reached */
	nth(0);
out:
	if (fd >= 0)
		close(fd);
	if (l >= 0)
		close(l);
	if (w >= 0)
		close(w);
	if (lin >= 0)
		close(lin);
	return rc;
}

TEST_F_TIMEOUT(faults, each_path_nth_failure, 900)
{
	int bad = 0;

	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, nth_fd);
	ASSERT_EQ(0, fi_arm("wren", 0));
	for (int p = 0; p < P_MAX; p++) {
		int n, err = 0;

		for (n = 1; n < 64; n++) {
			int port = wt_ports(1);

			if (fi_path_run(p, n, port, &err))
				break;
			if (err && !fi_errno_ok(err)) {
				TH_LOG("%s, fault %d: %s", fi_path_name[p], n,
				       strerror(err));
				bad++;
			}
		}
		TH_LOG("%s: %d injectable allocations", fi_path_name[p], n - 1);
	}
	fi_disarm();
	close(nth_fd);
	EXPECT_EQ(0, bad);
}

TEST_F_TIMEOUT(faults, reload_under_failures, 600)
{
	struct wt_xfer x = {
		.recv_ns = WT_PEER_NS, .host = WS_PEER_IP,
		.port = self->port + 60, .bytes = 8 * WT_MIB,
	};
	struct wt_mem m1;
	int fd, rc = -1, i;

	ASSERT_EQ(0, wt_mem_snapshot(&self->m0, true));
	/* wren_e1000 first: its rings and buffers, allocated at open. */
	ASSERT_EQ(0, fi_arm(WT_DRIVER, 5));
	for (i = 0; i < 5; i++) {
		wt_shq("ip link set eth0 down; ip link set eth0 up");
		wt_msleep(200);
	}
	fi_disarm();
	ASSERT_EQ(0, wt_sh("ip link set eth0 up"));
	ASSERT_TRUE(WT_WAIT(20000, wt_carrier("eth0") == 1));

	/* Then wren itself unloaded while 5 % of its allocations fail (the
	 * teardown of every table), and loaded again disarmed: the module's
	 * text is not known before it loads, so its init cannot be aimed at.
	 */
	ASSERT_EQ(0, fi_arm("wren", 5));
	/* The sockets of the tests before may still be going (RCU, timers). */
	for (i = 0; i < 100 * wt_scale() && rc; i++) {
		rc = syscall(SYS_delete_module, "wren", O_NONBLOCK) ? errno : 0;
		if (rc)
			wt_msleep(100);
	}
	fi_disarm();
	ASSERT_EQ(0, rc) TH_LOG("delete_module: %s", strerror(rc));
	fd = open(WT_MODDIR "/wren.ko", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, syscall(SYS_finit_module, fd, "", 0));
	close(fd);
	wt_once_forget("ws-net");
	ASSERT_EQ(0, ws_net_up());

	/* Disarmed: wren is whole again, and nothing stayed behind. */
	ASSERT_EQ(0, tt_xfer(&x, "--family wren", ""));
	EXPECT_STREQ(x.snd.sha256, x.rcv.sha256);
	ASSERT_EQ(0, wt_mem_snapshot(&m1, true));
	TH_LOG("SUnreclaim %lld -> %lld KiB", self->m0.sunreclaim,
	       m1.sunreclaim);
	EXPECT_GT(self->m0.sunreclaim + 2048, m1.sunreclaim);
}

WT_HARNESS_MAIN
