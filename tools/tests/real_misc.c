// SPDX-License-Identifier: GPL-2.0
/*
 * real_misc: what else a user of wren-run sees with Debian's programs.
 *   - socat server and client under wren-run in one namespace over
 *     127.0.0.1: 64 MiB of TCP and a UDP datagram loop inside wren (its
 *     counters move, Linux's lo does not carry them, and captures on eth0
 *     and the peer's peer0 see no 127/8 frame);
 *   - wrenstat -e's inodes are the socket links in /proc/PID/fd of the
 *     nginx processes that hold them, while nginx runs;
 *   - a set-user-ID program under wren-run runs without its privileges
 *     (no_new_privs), as wren-run --help says.
 * wren is on eth0 (192.0.2.1/28), the Linux peer on peer0 (192.0.2.2).
 *
 * Run with REAL_MISC_EUID set, this program prints "euid=N" and exits:
 * the set-user-ID probe.
 */
#include <netinet/ip.h>
#include "kselftest_harness.h"
#include "tcp.h"

#define RUN	"wren-run"
#define LO_BIG	"/tmp/lo.big"

static void __attribute__((constructor)) euid_probe(void)
{
	if (getenv("REAL_MISC_EUID")) {
		printf("euid=%d\n", (int)geteuid());
		exit(0);
	}
}

/* IPv4 frames with a 127/8 address that packet socket @fd has seen. */
static int lo_frames(int fd)
{
	uint8_t f[NT_FRAME_MAX];
	const struct iphdr *ip = (const struct iphdr *)(f + NT_ETH_HLEN);
	ssize_t len;
	int n = 0;

	while ((len = recv(fd, f, sizeof(f), MSG_DONTWAIT)) > 0)
		if (len >= NT_ETH_HLEN + NT_IP_HLEN &&
		    ((ntohl(ip->saddr) >> 24) == 127 ||
		     (ntohl(ip->daddr) >> 24) == 127))
			n++;
	return n;
}

FIXTURE(misc) {
	struct nt_raw wire, peer;
	struct wt_bg *srv;
	int port;
};

FIXTURE_SETUP(misc)
{
	self->wire.fd = self->peer.fd = -1;
	self->srv = NULL;
	ASSERT_EQ(0, ws_net_up());
	ASSERT_NE(0, wt_shq("ip -4 addr show dev eth0 | grep -q inet"));
	self->port = wt_ports(1);
	ASSERT_LT(0, self->port);
	ASSERT_EQ(0, nt_raw_open(&self->wire, NULL, "eth0", ETH_P_IP));
	ASSERT_EQ(0, nt_raw_open(&self->peer, WT_PEER_NS, "peer0", ETH_P_IP));
}

FIXTURE_TEARDOWN(misc)
{
	int wire, peer;

	wt_bg_free(self->srv);
	if (self->wire.fd >= 0 && self->peer.fd >= 0) {
		usleep(200 * 1000);
		wire = lo_frames(self->wire.fd);
		peer = lo_frames(self->peer.fd);
		EXPECT_EQ(0, wire) TH_LOG("eth0 carried %d 127/8 frames", wire);
		EXPECT_EQ(0, peer) TH_LOG("peer0 saw %d 127/8 frames", peer);
	}
	if (self->wire.fd >= 0)
		close(self->wire.fd);
	if (self->peer.fd >= 0)
		close(self->peer.fd);
	wt_shq("rm -f /tmp/lo.out /tmp/lo.udp " LO_BIG);
}

TEST_F_TIMEOUT(misc, loopback_tcp_64m_socat, 300)
{
	long long passive = nt_mib(NULL, "Tcp", "PassiveOpens");
	long long lo_tx = wt_if_stat("lo", "tx_bytes");

	ASSERT_EQ(0, wt_sh("head -c %lld /dev/urandom > " LO_BIG, 64 * WT_MIB));
	self->srv = wt_bg_start(NULL, "exec " RUN " socat -u TCP-LISTEN:%d,"
				"bind=127.0.0.1,reuseaddr CREATE:/tmp/lo.out",
				self->port);
	ASSERT_NE(NULL, self->srv);
	ASSERT_TRUE(WT_WAIT(10000, !wt_shq("wrenstat -ltn | grep -q "
					   "'127.0.0.1:%d '", self->port)));
	EXPECT_EQ(0, wt_sh(RUN " socat -u OPEN:" LO_BIG " TCP:127.0.0.1:%d",
			   self->port));
	EXPECT_EQ(0, wt_bg_wait(self->srv, 60000));
	EXPECT_TRUE(wt_same_sha256(LO_BIG, "/tmp/lo.out"));
	EXPECT_EQ(passive + 1, nt_mib(NULL, "Tcp", "PassiveOpens"));
	/* Not through Linux's loopback: it moved far less than 64 MiB. */
	EXPECT_GT(lo_tx + WT_MIB, wt_if_stat("lo", "tx_bytes"));
}

TEST_F_TIMEOUT(misc, loopback_udp_socat, 60)
{
	long long in = nt_mib(NULL, "Udp", "InDatagrams");
	char *got;

	self->srv = wt_bg_start(NULL, "exec " RUN " socat -u UDP-RECV:%d,"
				"bind=127.0.0.1 CREATE:/tmp/lo.udp", self->port);
	ASSERT_NE(NULL, self->srv);
	ASSERT_TRUE(WT_WAIT(10000, !wt_shq("wrenstat -lun | grep -q "
					   "'127.0.0.1:%d '", self->port)));
	EXPECT_EQ(0, wt_sh("echo over-wren-lo | " RUN " socat -u - "
			   "UDP-SENDTO:127.0.0.1:%d", self->port));
	EXPECT_TRUE(WT_WAIT(5000, nt_mib(NULL, "Udp", "InDatagrams") > in));
	wt_msleep(200);
	got = wt_read_file("/tmp/lo.udp");
	EXPECT_STREQ("over-wren-lo\n", got ? got : "");
	free(got);
}

/* Every inode wrenstat -e shows is a socket link of an nginx process. */
TEST_F_TIMEOUT(misc, wrenstat_inodes_are_the_programs_fds, 60)
{
	char *inodes, *links, *p, *line;
	int n = 0;

	self->srv = wt_bg_start(NULL, "exec " RUN " nginx -g 'daemon off;'");
	ASSERT_NE(NULL, self->srv);
	ASSERT_TRUE(WT_WAIT(10000, !wt_shq("wrenstat -ltn | grep -q ':80 '")));
	inodes = wt_out("wrenstat -ae | awk '/^(tcp|udp)/ { print $NF }'");
	links = wt_out("for p in $(pidof nginx); do ls -l /proc/$p/fd; done "
		       "| grep -o 'socket:\\[[0-9]*\\]'");
	ASSERT_NE(NULL, inodes);
	ASSERT_NE(NULL, links);
	for (line = strtok_r(inodes, "\n", &p); line;
	     line = strtok_r(NULL, "\n", &p)) {
		char want[64];

		/* TIME_WAIT, as Linux's: no socket any more, inode 0. */
		if (!strcmp(line, "0"))
			continue;
		snprintf(want, sizeof(want), "socket:[%s]", line);
		EXPECT_NE(NULL, strstr(links, want))
			TH_LOG("inode %s is no nginx fd:\n%s", line, links);
		n++;
	}
	EXPECT_LE(1, n);
	TH_LOG("%d wren sockets, each an nginx fd", n);
	free(inodes);
	free(links);
}

/* no_new_privs: a set-user-ID root program keeps the caller's euid. */
TEST_F(misc, setuid_program_without_privileges)
{
	char *plain, *under;

	ASSERT_EQ(0, wt_sh("cp /tests/real_misc /tmp/suid-probe && "
			   "chmod 4755 /tmp/suid-probe"));
	plain = wt_out("setpriv --reuid=65534 --regid=65534 --clear-groups "
		       "env REAL_MISC_EUID=1 /tmp/suid-probe");
	under = wt_out(RUN " setpriv --reuid=65534 --regid=65534 "
		       "--clear-groups env REAL_MISC_EUID=1 /tmp/suid-probe");
	/* Without wren-run the bit works: the probe is sound. */
	EXPECT_STREQ("euid=0", plain ? plain : "");
	EXPECT_STREQ("euid=65534", under ? under : "");
	free(plain);
	free(under);
	wt_shq("rm -f /tmp/suid-probe");
}

TEST_HARNESS_MAIN
