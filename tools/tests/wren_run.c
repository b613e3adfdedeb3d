// SPDX-License-Identifier: GPL-2.0
/*
 * wren_run: unmodified programs on wren through wren-run.  The busybox in
 * the image is static: under wren-run its wget and nc use wren because the
 * seccomp filter, not a library, caught their socket() calls.  wren is on
 * eth0 (192.0.2.1/28), the Linux peer on peer0 (192.0.2.2, lib/sock.h);
 * Linux's own stack in this namespace has no address at all, so a socket
 * that slipped past wren-run could not reach the peer.
 *
 * This program is also its own probe: run with WREN_RUN_PROBE set, it
 * makes the sockets a test asks about and prints what it got, one
 * "key=value" a line, before the harness starts.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/netlink.h>
#include "kselftest_harness.h"
#include "tcp.h"

#define RUN	"wren-run"
#define SELF	"/tests/wren_run"

/* ---- the probe ------------------------------------------------------------ */

/*
 * The stack behind socket @fd: AF_WREN when SOL_WREN answers (only wren's
 * sockets know it; under wren-run SO_DOMAIN says what the program asked
 * for), else SO_DOMAIN; or -errno.
 */
static int stack_of(int fd)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (!getsockopt(fd, SOL_WREN, WREN_SO_FAMILY, &v, &l))
		return AF_WREN;
	l = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l))
		v = -errno;
	return v;
}

/* The stack of a new socket(@family, @type, @proto), or -errno. */
static int probe_domain(int family, int type, int proto)
{
	int fd = socket(family, type, proto), v;

	if (fd < 0)
		return -errno;
	v = stack_of(fd);
	close(fd);
	return v;
}

/* SO_DOMAIN of a new socket, or -errno. */
static int probe_so_domain(int family, int type)
{
	int fd = socket(family, type, 0), v = -1;
	socklen_t l = sizeof(v);

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &l))
		v = -errno;
	close(fd);
	return v;
}

/*
 * setsockopt(SOL_SOCKET, SO_REUSEPORT, @val, @len) on a new socket: 0 or
 * -errno; with @get, what getsockopt(SO_REUSEPORT) reads after it.
 */
static int probe_reuseport(int family, const void *val, socklen_t len,
			   bool get)
{
	int fd = socket(family, SOCK_STREAM, 0), v = -1;
	socklen_t l = sizeof(v);

	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, val, len))
		v = -errno;
	else if (!get)
		v = 0;
	else if (getsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &v, &l))
		v = -errno;
	close(fd);
	return v;
}

static int probe_form(int family, int type)
{
	int fd = socket(family, type, 0), v = -1;
	socklen_t l = sizeof(v);

	if (fd < 0)
		return -errno;
	if (getsockopt(fd, SOL_WREN, WREN_SO_FAMILY, &v, &l))
		v = -errno;
	close(fd);
	return v;
}

static int probe_flags(int type, int get, int bit)
{
	int fd = socket(AF_INET, type, 0), v;

	if (fd < 0)
		return -errno;
	v = !!(fcntl(fd, get) & bit);
	close(fd);
	return v;
}

static void *probe_thread(void *arg)
{
	*(int *)arg = probe_domain(AF_INET, SOCK_STREAM, 0);
	return NULL;
}

static void __attribute__((constructor)) probe(void)
{
	const char *mode = getenv("WREN_RUN_PROBE");
	struct { unsigned int x[30]; } params = {};
	int st, fd, v = -1, one = 1;
	pthread_t t;
	pid_t p;

	if (!mode)
		return;
	if (!strcmp(mode, "exec")) {
		printf("exec_domain=%d\n", probe_domain(AF_INET, SOCK_DGRAM, 0));
		exit(0);
	}
	printf("inet_tcp=%d\n", probe_domain(AF_INET, SOCK_STREAM, 0));
	printf("inet_tcp_proto=%d\n", probe_domain(AF_INET, SOCK_STREAM,
						   IPPROTO_TCP));
	printf("inet_udp=%d\n", probe_domain(AF_INET, SOCK_DGRAM, 0));
	printf("inet_ping=%d\n", probe_domain(AF_INET, SOCK_DGRAM,
					      IPPROTO_ICMP));
	printf("inet6_tcp=%d\n", probe_domain(AF_INET6, SOCK_STREAM, 0));
	printf("inet_raw=%d\n", probe_domain(AF_INET, SOCK_RAW, IPPROTO_ICMP));
	printf("inet_sctp=%d\n", probe_domain(AF_INET, SOCK_STREAM, 132));
	fd = syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	printf("raw_syscall=%d\n", fd < 0 ? -errno : stack_of(fd));
	if (fd >= 0)
		close(fd);
	printf("so_domain_inet=%d\n", probe_so_domain(AF_INET, SOCK_STREAM));
	printf("so_domain_inet6=%d\n", probe_so_domain(AF_INET6, SOCK_DGRAM));
	printf("reuseport=%d\n", probe_reuseport(AF_INET, &one, sizeof(one),
						true));
	printf("reuseport_short=%d\n", probe_reuseport(AF_INET, &one, 2,
						      false));
	printf("reuseport_fault=%d\n", probe_reuseport(AF_INET, (void *)8,
						      sizeof(one), false));
	printf("reuseport_unix=%d\n", probe_reuseport(AF_UNIX, &one,
						     sizeof(one), false));
	printf("form_inet=%d\n", probe_form(AF_INET, SOCK_STREAM));
	printf("form_inet6=%d\n", probe_form(AF_INET6, SOCK_DGRAM));
	printf("unix=%d\n", probe_domain(AF_UNIX, SOCK_STREAM, 0));
	printf("netlink=%d\n", probe_domain(AF_NETLINK, SOCK_RAW,
					    NETLINK_ROUTE));
	printf("cloexec=%d\n", probe_flags(SOCK_STREAM | SOCK_CLOEXEC,
					   F_GETFD, FD_CLOEXEC));
	printf("no_cloexec=%d\n", probe_flags(SOCK_STREAM, F_GETFD,
					      FD_CLOEXEC));
	printf("nonblock=%d\n", probe_flags(SOCK_STREAM | SOCK_NONBLOCK,
					    F_GETFL, O_NONBLOCK));
	printf("blocking=%d\n", probe_flags(SOCK_STREAM, F_GETFL, O_NONBLOCK));
	printf("io_uring=%d\n", syscall(__NR_io_uring_setup, 4, &params) < 0 ?
	       -errno : 0);
	printf("no_new_privs=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
	v = -1;
	if (!pthread_create(&t, NULL, probe_thread, &v))
		pthread_join(t, NULL);
	printf("thread=%d\n", v);
	fflush(stdout);
	p = fork();
	if (p == 0) {
		printf("fork=%d\n", probe_domain(AF_INET, SOCK_STREAM, 0));
		fflush(stdout);
		setenv("WREN_RUN_PROBE", "exec", 1);
		execl("/proc/self/exe", "wren_run", (char *)NULL);
		_exit(1);
	}
	waitpid(p, &st, 0);
	exit(0);
}

/* ---- the tests ------------------------------------------------------------- */

/* The value of "key=" in @out, or INT_MIN. */
static int kv(const char *out, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "%s=", key);
	for (p = out; (p = strstr(p, pat)); p++)
		if (p == out || p[-1] == '\n')
			return atoi(p + strlen(pat));
	return -0x7fffffff;
}

FIXTURE(run) {
	int unused;
};

FIXTURE_SETUP(run)
{
	ASSERT_EQ(0, ws_net_up());
	/* Linux's own stack here must not be able to reach the peer. */
	ASSERT_NE(0, wt_shq("ip -4 addr show dev eth0 | grep -q inet"));
}

FIXTURE_TEARDOWN(run)
{
}

/* What the program's sockets turned out to be, call by call. */
TEST_F(run, sockets_are_wrens)
{
	char *out = wt_out("WREN_RUN_PROBE=1 " RUN " " SELF);

	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status) TH_LOG("%s", out);
	EXPECT_EQ(AF_WREN, kv(out, "inet_tcp"));
	EXPECT_EQ(AF_WREN, kv(out, "inet_tcp_proto"));
	EXPECT_EQ(AF_WREN, kv(out, "inet_udp"));
	EXPECT_EQ(AF_WREN, kv(out, "inet_ping"));
	EXPECT_EQ(AF_WREN, kv(out, "inet6_tcp"));
	EXPECT_EQ(AF_WREN, kv(out, "raw_syscall"));
	/* What wren has no socket of fails; it never goes to Linux. */
	EXPECT_EQ(-ESOCKTNOSUPPORT, kv(out, "inet_raw"));
	EXPECT_EQ(-EPROTONOSUPPORT, kv(out, "inet_sctp"));
	EXPECT_EQ(AF_INET, kv(out, "form_inet"));
	EXPECT_EQ(AF_INET6, kv(out, "form_inet6"));
	/* The SOL_SOCKET options wren-run answers itself. */
	EXPECT_EQ(AF_INET, kv(out, "so_domain_inet"));
	EXPECT_EQ(AF_INET6, kv(out, "so_domain_inet6"));
	EXPECT_EQ(1, kv(out, "reuseport"));
	EXPECT_EQ(-EINVAL, kv(out, "reuseport_short"));
	EXPECT_EQ(-EFAULT, kv(out, "reuseport_fault"));
	/* ...and only for its sockets: AF_UNIX's is still refused. */
	EXPECT_EQ(-EOPNOTSUPP, kv(out, "reuseport_unix"));
	/* Other families are Linux's, untouched. */
	EXPECT_EQ(AF_UNIX, kv(out, "unix"));
	EXPECT_EQ(AF_NETLINK, kv(out, "netlink"));
	EXPECT_EQ(1, kv(out, "cloexec"));
	EXPECT_EQ(0, kv(out, "no_cloexec"));
	EXPECT_EQ(1, kv(out, "nonblock"));
	EXPECT_EQ(0, kv(out, "blocking"));
	EXPECT_EQ(-ENOSYS, kv(out, "io_uring"));
	EXPECT_EQ(1, kv(out, "no_new_privs"));
	/* Threads, forks and what they exec are covered. */
	EXPECT_EQ(AF_WREN, kv(out, "thread"));
	EXPECT_EQ(AF_WREN, kv(out, "fork"));
	EXPECT_EQ(AF_WREN, kv(out, "exec_domain"));
	free(out);
}

/* Without it, the same probe gets Linux's sockets (the probe is sound). */
TEST_F(run, probe_without_wren_run_sees_linux)
{
	char *out = wt_out("WREN_RUN_PROBE=1 " SELF);

	ASSERT_NE(NULL, out);
	EXPECT_EQ(AF_INET, kv(out, "inet_tcp"));
	/* Linux's IP sockets refuse an unknown level with EOPNOTSUPP. */
	EXPECT_EQ(-EOPNOTSUPP, kv(out, "form_inet"));
	EXPECT_EQ(0, kv(out, "no_new_privs"));
	free(out);
}

/* busybox wget (static) fetches from Linux's busybox httpd over wren. */
TEST_F(run, busybox_wget)
{
	long long opens = nt_mib(NULL, "Tcp", "ActiveOpens");
	struct wt_bg *httpd;
	char *a, *b;
	int port = wt_ports(1);

	ASSERT_EQ(0, wt_peer("mkdir -p /tmp/www && head -c 4194304 /dev/urandom > /tmp/www/f"));
	httpd = wt_bg_start(WT_PEER_NS, "exec busybox httpd -f -p %d -h /tmp/www",
			    port);
	ASSERT_NE(NULL, httpd);
	usleep(300 * 1000);
	EXPECT_EQ(0, wt_sh(RUN " busybox wget -q -O /tmp/wget.out http://%s:%d/f",
			   WS_PEER_IP, port));
	a = wt_peer_out("sha256sum < /tmp/www/f");
	b = wt_out("sha256sum < /tmp/wget.out");
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_STREQ(a, b);
	EXPECT_LT(opens, nt_mib(NULL, "Tcp", "ActiveOpens"));
	free(a);
	free(b);
	wt_bg_free(httpd);
	wt_shq("rm -f /tmp/wget.out");
}

/* busybox nc as a server under wren-run, Linux's busybox nc the client. */
TEST_F(run, busybox_nc_server)
{
	long long passive = nt_mib(NULL, "Tcp", "PassiveOpens");
	int port = wt_ports(1);
	struct wt_bg *srv;
	char *a, *b;

	ASSERT_EQ(0, wt_peer("head -c 2097152 /dev/urandom > /tmp/nc.in"));
	/*
	 * busybox nc shuts its sending half down when its stdin ends, and
	 * the client then quits on that EOF before it sent everything: the
	 * server's stdin is a FIFO it holds open itself, which never ends.
	 */
	wt_shq("rm -f /tmp/nc.fifo; mkfifo /tmp/nc.fifo");
	srv = wt_bg_start(NULL, "exec 3<>/tmp/nc.fifo; exec " RUN " busybox nc "
			  "-l -p %d <&3 3<&- >/tmp/nc.out", port);
	ASSERT_NE(NULL, srv);
	ASSERT_TRUE(WT_WAIT(5000, tt_stat_has(port, 0, "LISTEN", NULL, NULL)));
	EXPECT_EQ(0, wt_peer("busybox nc -w 5 %s %d < /tmp/nc.in", WS_WREN_IP,
			     port));
	EXPECT_EQ(0, wt_bg_wait(srv, 20000));
	a = wt_peer_out("sha256sum < /tmp/nc.in");
	b = wt_out("sha256sum < /tmp/nc.out");
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_STREQ(a, b);
	EXPECT_LT(passive, nt_mib(NULL, "Tcp", "PassiveOpens"));
	free(a);
	free(b);
	wt_bg_free(srv);
	wt_shq("rm -f /tmp/nc.out /tmp/nc.fifo");
}

/*
 * Two socat servers under wren-run share one port with SO_REUSEPORT (the
 * supervisor sets wren's own option for it): connections from the peer
 * reach both.
 */
TEST_F_TIMEOUT(run, socat_reuseport_pair, 120)
{
	int port = wt_ports(1), na = 0, nb = 0;
	struct wt_bg *a, *b;
	char *out;

	a = wt_bg_start(NULL, "exec " RUN " socat TCP-LISTEN:%d,reuseport,fork "
			"SYSTEM:'echo A'", port);
	ASSERT_NE(NULL, a);
	ASSERT_TRUE(WT_WAIT(5000, tt_stat_has(port, 0, "LISTEN", NULL, NULL)));
	b = wt_bg_start(NULL, "exec " RUN " socat TCP-LISTEN:%d,reuseport,fork "
			"SYSTEM:'echo B'", port);
	ASSERT_NE(NULL, b);
	ASSERT_TRUE(WT_WAIT(5000, !wt_shq("[ $(grep -ci ':%04X 00000000:0000 0A' "
					  "/proc/net/wren/tcp) = 2 ]", port)));
	out = wt_peer_out("for i in $(seq 32); do socat -u TCP:%s:%d - ; "
			  "done | sort | uniq -c | tr '\\n' ' '", WS_WREN_IP,
			  port);
	ASSERT_NE(NULL, out);
	/* 2^-31 that 32 connections all hash to one of the two. */
	ASSERT_EQ(2, sscanf(out, "%d A %d B", &na, &nb)) TH_LOG("%s", out);
	EXPECT_EQ(32, na + nb) TH_LOG("%s", out);
	free(out);
	wt_bg_free(a);
	wt_bg_free(b);
}

/* The program's status is wren-run's; a daemonized child is waited for. */
TEST_F(run, status_and_daemons)
{
	double t0;
	char *out;

	EXPECT_EQ(7, wt_shq(RUN " sh -c 'exit 7'"));
	EXPECT_EQ(127, wt_shq(RUN " /no/such/program"));
	t0 = wt_now();
	out = wt_out(RUN " sh -c '(sleep 1; WREN_RUN_PROBE=exec " SELF ") & "
		     "exit 0'");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_LE(1.0, wt_now() - t0);
	/* The orphan, started after its parent was gone, still got wren. */
	EXPECT_EQ(AF_WREN, kv(out, "exec_domain")) TH_LOG("%s", out);
	free(out);
}

/* No wren to run on: one line, status 125, and the program never runs. */
TEST_F(run, refuses_without_wren)
{
	char *out;

	ASSERT_EQ(0, wt_sh("ip netns add wrn-empty"));
	out = wt_out(RUN " -n wrn-empty sh -c 'echo ran' 2>&1");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(125, wt_out_status);
	EXPECT_NE(NULL, strstr(out, "no wren interface")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "ran"));
	EXPECT_EQ(NULL, strchr(out, '\n')) TH_LOG("more than one line: %s", out);
	free(out);
	EXPECT_EQ(125, wt_shq(RUN " -n no-such-ns true"));
	wt_shq("ip netns del wrn-empty");
}

TEST_HARNESS_MAIN
