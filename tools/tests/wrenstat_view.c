// SPDX-License-Identifier: GPL-2.0
/*
 * wrenstat_view: /proc/net/wren/udp and `wrenstat -u` show wren's UDP
 * sockets as they are: their addresses and ports, connected or not, and
 * the bytes waiting unread in Recv-Q.  The peer (Linux, namespace "peer")
 * sends the datagrams to eth0, which wren is attached to.
 *
 * The first test needs no kernel: it runs wrenstat over a made-up
 * directory (WRENSTAT_PROC_DIR) to pin the output format down.
 * WRENSTAT and WRENCTL name the binaries (default: from PATH).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/wren.h>

#include "kselftest_harness.h"
#include "wt.h"

#define DEV		"eth0"
#define LOCAL		"192.0.2.1"
#define PEER		"192.0.2.2"
#define PLEN		28
#define NDGRAMS		3
#define DGRAM_LEN	100

/* Ports of the test's sockets, in a range nothing else in the guest uses. */
enum { P_ANY = 47001, P_LOCAL = 47002, P_CONN = 47003, P_REMOTE = 47004 };

#define WRENSTAT	"${WRENSTAT:-wrenstat}"
#define WRENCTL		"${WRENCTL:-wrenctl}"

/* One line of /proc/net/wren/udp. */
struct udp_line {
	unsigned int laddr, lport, raddr, rport, st;
	unsigned long txq, rxq;
};

/* Find the socket whose local port is port; 0, or -1 if not listed. */
static int proc_udp(unsigned int port, struct udp_line *u)
{
	char line[512];
	FILE *f = fopen("/proc/net/wren/udp", "r");
	int found = -1;

	if (!f)
		return -1;
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		struct udp_line l;

		if (sscanf(line, " %*d: %x:%x %x:%x %x %lx:%lx", &l.laddr,
			   &l.lport, &l.raddr, &l.rport, &l.st, &l.txq,
			   &l.rxq) != 7)
			continue;
		if (l.lport == port) {
			*u = l;
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
}

static long proc_rxq(unsigned int port)
{
	struct udp_line u;

	return proc_udp(port, &u) ? -1 : (long)u.rxq;
}

/*
 * The wrenstat line whose local address ends in ":port": split into its
 * columns (Proto Recv-Q Send-Q Local Foreign [State]).  Returns the
 * number of columns, 0 if there is no such line.
 */
static int find_line(const char *out, unsigned int port, char col[6][32])
{
	char want[16], line[256];
	const char *p = out;

	snprintf(want, sizeof(want), ":%u", port);
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int n;

		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		memset(col, 0, 6 * 32);
		n = sscanf(line, "%31s %31s %31s %31s %31s %31s", col[0],
			   col[1], col[2], col[3], col[4], col[5]);
		if (n >= 5) {
			size_t l = strlen(col[3]), w = strlen(want);

			if (l > w && !strcmp(col[3] + l - w, want))
				return n;
		}
		p = nl ? nl + 1 : NULL;
	}
	return 0;
}

static int wren_udp_socket(const char *addr, unsigned int port)
{
	struct sockaddr_wren sa = {
		.swren_family = AF_WREN,
		.swren_port = htons(port),
	};
	int fd = socket(AF_WREN, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	inet_pton(AF_INET, addr, &sa.swren_addr);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		fprintf(stderr, "# bind %s:%u: %s\n", addr, port,
			strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* From namespace "peer", send count datagrams of len bytes to LOCAL:port. */
static int peer_send(unsigned int port, int count, size_t len)
{
	pid_t pid;
	int st;

	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		struct sockaddr_in to = {
			.sin_family = AF_INET,
			.sin_port = htons(port),
		};
		char buf[2048];
		int ns, fd, i;

		memset(buf, 'w', sizeof(buf));
		inet_pton(AF_INET, LOCAL, &to.sin_addr);
		ns = open("/run/netns/" WT_PEER_NS, O_RDONLY);
		if (ns < 0 || setns(ns, CLONE_NEWNET) < 0)
			_exit(1);
		fd = socket(AF_INET, SOCK_DGRAM, 0);
		if (fd < 0)
			_exit(1);
		for (i = 0; i < count; i++)
			if (sendto(fd, buf, len, 0, (struct sockaddr *)&to,
				   sizeof(to)) != (ssize_t)len)
				_exit(1);
		_exit(0);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* ---- wrenstat over a made-up /proc/net/wren (no kernel needed) -------- */

TEST(format_from_fake_proc)
{
	char dir[] = "/tmp/wrenstat-XXXXXX", path[64], col[6][32], *out;

	ASSERT_NE(NULL, mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/udp", dir);
	ASSERT_EQ(0, wt_write_file(path,
"   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n"
"    0: 00000000:B799 00000000:0000 07 00000000:0000012C 00:00000000 00000000     0        0 101 2 0000000000000000 0\n"
"    1: 010200C0:B79B 020200C0:B79C 01 00000040:00000000 00:00000000 00000000     0        0 102 2 0000000000000000 0\n"));

	out = wt_out("WRENSTAT_PROC_DIR=%s " WRENSTAT " -u -a -n", dir);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_NE(NULL, strstr(out, "Proto Recv-Q Send-Q Local Address           Foreign Address         State\n"));
	ASSERT_EQ(5, find_line(out, P_ANY, col));
	EXPECT_STREQ("udp", col[0]);
	EXPECT_STREQ("300", col[1]);
	EXPECT_STREQ("0", col[2]);
	EXPECT_STREQ("0.0.0.0:47001", col[3]);
	EXPECT_STREQ("0.0.0.0:*", col[4]);
	ASSERT_EQ(6, find_line(out, P_CONN, col));
	EXPECT_STREQ("0", col[1]);
	EXPECT_STREQ("64", col[2]);
	EXPECT_STREQ("192.0.2.1:47003", col[3]);
	EXPECT_STREQ("192.0.2.2:47004", col[4]);
	EXPECT_STREQ("ESTABLISHED", col[5]);
	free(out);

	/* Without -a only the connected one; with -l only the other. */
	out = wt_out("WRENSTAT_PROC_DIR=%s " WRENSTAT " -u", dir);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, find_line(out, P_ANY, col));
	EXPECT_EQ(6, find_line(out, P_CONN, col));
	free(out);
	out = wt_out("WRENSTAT_PROC_DIR=%s " WRENSTAT " -u -l", dir);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(5, find_line(out, P_ANY, col));
	EXPECT_EQ(0, find_line(out, P_CONN, col));
	free(out);

	/* A missing directory is an error, not an empty table. */
	out = wt_out("WRENSTAT_PROC_DIR=%s/none " WRENSTAT " -u 2>&1", dir);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(1, wt_out_status);
	EXPECT_EQ(0, strncmp(out, "wrenstat: ", 10));
	free(out);
	wt_shq("rm -rf %s", dir);
}

/* ---- the real thing ---------------------------------------------------- */

FIXTURE(udp) {
	int touched;	/* configuration begun: teardown undoes it */
	int ready;
	int any, local, conn;	/* sockets on P_ANY, P_LOCAL, P_CONN */
};

/* 6.1's harness runs the test body even when setup skipped. */
#define NEED_KERNEL() do {						\
	if (!self->ready)						\
		SKIP(return, "wren.ko is not loaded");			\
} while (0)

FIXTURE_SETUP(udp)
{
	struct sockaddr_wren to = {
		.swren_family = AF_WREN,
		.swren_port = htons(P_REMOTE),
	};
	char *mac;

	self->any = self->local = self->conn = -1;
	if (!wt_module_loaded("wren"))
		SKIP(return, "wren.ko is not loaded");
	self->touched = 1;
	wt_shq(WRENCTL " link detach " DEV);
	ASSERT_EQ(0, wt_sh("ip link set " DEV " up && "
			   WRENCTL " link attach " DEV " && "
			   WRENCTL " addr add " LOCAL "/%d dev " DEV, PLEN));
	/*
	 * The peer learns our MAC statically, so that what is tested here
	 * does not hang on wren's ARP replies.
	 */
	mac = wt_out("cat /sys/class/net/" DEV "/address");
	ASSERT_NE(NULL, mac);
	ASSERT_EQ(0, wt_peer("ip addr flush dev peer0 && "
			     "ip addr add " PEER "/%d dev peer0 && "
			     "ip link set peer0 up && "
			     "ip neigh replace " LOCAL " lladdr %s dev peer0 "
			     "nud permanent", PLEN, mac));
	free(mac);

	self->any = wren_udp_socket("0.0.0.0", P_ANY);
	ASSERT_LE(0, self->any);
	self->local = wren_udp_socket(LOCAL, P_LOCAL);
	ASSERT_LE(0, self->local);
	self->conn = wren_udp_socket(LOCAL, P_CONN);
	ASSERT_LE(0, self->conn);
	inet_pton(AF_INET, PEER, &to.swren_addr);
	ASSERT_EQ(0, connect(self->conn, (struct sockaddr *)&to, sizeof(to)));
	self->ready = 1;
}

FIXTURE_TEARDOWN(udp)
{
	if (!self->touched)
		return;
	if (self->any >= 0)
		close(self->any);
	if (self->local >= 0)
		close(self->local);
	if (self->conn >= 0)
		close(self->conn);
	wt_peerq("ip neigh del " LOCAL " dev peer0; ip addr flush dev peer0");
	wt_shq(WRENCTL " addr del " LOCAL "/%d dev " DEV "; "
	       WRENCTL " link detach " DEV, PLEN);
}

/* Each socket is listed once with its own addresses and state. */
TEST_F(udp, proc_lists_sockets)
{
	struct udp_line u;
	struct in_addr a;

	NEED_KERNEL();
	ASSERT_EQ(0, proc_udp(P_ANY, &u));
	EXPECT_EQ(0U, u.laddr);
	EXPECT_EQ(0U, u.raddr);
	EXPECT_EQ(0U, u.rport);
	EXPECT_EQ(0x07U, u.st);
	EXPECT_EQ(0UL, u.rxq);

	ASSERT_EQ(0, proc_udp(P_LOCAL, &u));
	inet_pton(AF_INET, LOCAL, &a);
	EXPECT_EQ(a.s_addr, u.laddr);
	EXPECT_EQ(0x07U, u.st);

	ASSERT_EQ(0, proc_udp(P_CONN, &u));
	EXPECT_EQ(a.s_addr, u.laddr);
	inet_pton(AF_INET, PEER, &a);
	EXPECT_EQ(a.s_addr, u.raddr);
	EXPECT_EQ((unsigned int)P_REMOTE, u.rport);
	EXPECT_EQ(0x01U, u.st);

	/* A closed socket disappears. */
	close(self->local);
	self->local = -1;
	EXPECT_NE(0, proc_udp(P_LOCAL, &u));
}

/* Unread datagrams show in rx_queue and in wrenstat's Recv-Q, then go. */
TEST_F(udp, recv_q_counts_unread_bytes)
{
	struct pollfd pfd = { .fd = self->any, .events = POLLIN };
	char col[6][32], buf[2048], *out;
	long rxq;
	int i;

	NEED_KERNEL();
	ASSERT_EQ(0, proc_rxq(P_ANY));
	/*
	 * One datagram at a time, each seen to grow rx_queue, so that all of
	 * them are queued before it is compared (the kernel may account more
	 * than the payload, as Linux counts skb truesize).
	 */
	for (i = 0, rxq = 0; i < NDGRAMS; i++) {
		long prev = rxq;

		ASSERT_EQ(0, peer_send(P_ANY, 1, DGRAM_LEN));
		ASSERT_TRUE(WT_WAIT(5000, proc_rxq(P_ANY) > prev));
		rxq = proc_rxq(P_ANY);
	}
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_LE(NDGRAMS * DGRAM_LEN, rxq);
	TH_LOG("rx_queue with %d x %d bytes unread: %ld", NDGRAMS, DGRAM_LEN,
	       rxq);

	out = wt_out(WRENSTAT " -u -a -n");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	ASSERT_EQ(5, find_line(out, P_ANY, col));
	EXPECT_STREQ("udp", col[0]);
	EXPECT_EQ(rxq, atol(col[1]));
	EXPECT_STREQ("0", col[2]);
	EXPECT_STREQ("0.0.0.0:47001", col[3]);
	EXPECT_STREQ("0.0.0.0:*", col[4]);
	/* The others have nothing waiting. */
	ASSERT_EQ(5, find_line(out, P_LOCAL, col));
	EXPECT_STREQ("0", col[1]);
	EXPECT_STREQ(LOCAL ":47002", col[3]);
	ASSERT_EQ(6, find_line(out, P_CONN, col));
	EXPECT_STREQ("0", col[1]);
	EXPECT_STREQ(LOCAL ":47003", col[3]);
	EXPECT_STREQ(PEER ":47004", col[4]);
	EXPECT_STREQ("ESTABLISHED", col[5]);
	free(out);

	for (i = 0; i < NDGRAMS; i++)
		EXPECT_EQ(DGRAM_LEN, recv(self->any, buf, sizeof(buf),
					  MSG_DONTWAIT));
	EXPECT_EQ(0, proc_rxq(P_ANY));
	out = wt_out(WRENSTAT " -u -a -n");
	ASSERT_NE(NULL, out);
	ASSERT_EQ(5, find_line(out, P_ANY, col));
	EXPECT_STREQ("0", col[1]);
	free(out);
}

/* netstat's rules: unconnected sockets only with -a or -l. */
TEST_F(udp, wrenstat_filters)
{
	char col[6][32], *out;

	NEED_KERNEL();
	out = wt_out(WRENSTAT " -u -n");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, find_line(out, P_ANY, col));
	EXPECT_EQ(0, find_line(out, P_LOCAL, col));
	EXPECT_EQ(6, find_line(out, P_CONN, col));
	free(out);

	out = wt_out(WRENSTAT " -u -l");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(5, find_line(out, P_ANY, col));
	EXPECT_EQ(5, find_line(out, P_LOCAL, col));
	EXPECT_EQ(0, find_line(out, P_CONN, col));
	free(out);

	/* No UDP socket under -t. */
	out = wt_out(WRENSTAT " -t -a");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_EQ(0, find_line(out, P_ANY, col));
	free(out);
}

WT_HARNESS_MAIN
