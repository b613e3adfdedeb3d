// SPDX-License-Identifier: GPL-2.0
/*
 * wrentools: the user-space tools end to end in the guest.  wrenctl
 * configures eth0 (192.0.2.1/28, a static ARP entry for the peer), its show
 * commands and wrenstat's tables report what was configured, and wrenping
 * pings the peer (Linux, namespace "peer", 192.0.2.2) with ping's output
 * and exit statuses.
 *
 * WRENCTL, WRENSTAT and WRENPING name the binaries (default: from PATH).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wt.h"

#define DEV		"eth0"
#define LOCAL		"192.0.2.1"
#define PEER		"192.0.2.2"
#define PLEN		"28"

#define WRENCTL		"${WRENCTL:-wrenctl}"
#define WRENSTAT	"${WRENSTAT:-wrenstat}"
#define WRENPING	"${WRENPING:-wrenping}"

FIXTURE(net) {
	int touched;	/* configuration begun: teardown undoes it */
	int ready;
	char peer_mac[32];
};

/* 6.1's harness runs the test body even when setup skipped. */
#define NEED_KERNEL() do {						\
	if (!self->ready)						\
		SKIP(return, "wren.ko is not loaded");			\
} while (0)

FIXTURE_SETUP(net)
{
	char *mac;

	if (!wt_module_loaded("wren"))
		SKIP(return, "wren.ko is not loaded");
	self->touched = 1;
	wt_shq(WRENCTL " link detach " DEV);
	ASSERT_EQ(0, wt_peer("ip addr flush dev peer0 && "
			     "ip addr add " PEER "/" PLEN " dev peer0 && "
			     "ip link set peer0 up"));
	mac = wt_peer_out("cat /sys/class/net/peer0/address");
	ASSERT_NE(NULL, mac);
	snprintf(self->peer_mac, sizeof(self->peer_mac), "%s", mac);
	free(mac);
	ASSERT_EQ(0, wt_sh("ip link set " DEV " up && "
			   WRENCTL " link attach " DEV " && "
			   WRENCTL " addr add " LOCAL "/" PLEN " dev " DEV " && "
			   WRENCTL " arp add " PEER " lladdr %s dev " DEV,
			   self->peer_mac));
	ASSERT_TRUE(WT_WAIT(5000, wt_carrier(DEV) == 1));
	self->ready = 1;
}

FIXTURE_TEARDOWN(net)
{
	if (!self->touched)
		return;
	wt_shq(WRENCTL " arp flush dev " DEV "; "
	       WRENCTL " addr del " LOCAL "/" PLEN " dev " DEV "; "
	       WRENCTL " link detach " DEV);
	wt_peerq("ip addr flush dev peer0");
}

static int contains(const char *hay, const char *needle)
{
	int ok = hay && strstr(hay, needle);

	if (!ok)
		fprintf(stderr, "# missing: \"%s\"\n", needle);
	return ok;
}

/* Run a command and keep its output in the log. */
static char *out_logged(const char *cmd)
{
	char *out = wt_out("%s", cmd);

	fprintf(stderr, "# exit %d\n", wt_out_status);
	if (out) {
		char *p = out, *nl;

		for (; *p; p = nl + 1) {
			nl = strchrnul(p, '\n');
			fprintf(stderr, "# | %.*s\n", (int)(nl - p), p);
			if (!*nl)
				break;
		}
	}
	return out;
}

TEST_F(net, wrenctl_shows_config)
{
	char want[128], *out;

	NEED_KERNEL();
	out = out_logged(WRENCTL " link show");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, ": " DEV ": <UP,CARRIER>"));
	EXPECT_TRUE(contains(out, "    inet " LOCAL "/" PLEN));
	free(out);

	out = out_logged(WRENCTL " route show");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, "192.0.2.0/" PLEN " dev " DEV " connected"));
	free(out);

	out = out_logged(WRENCTL " arp show");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	snprintf(want, sizeof(want), PEER " dev " DEV " lladdr %s permanent",
		 self->peer_mac);
	EXPECT_TRUE(contains(out, want));
	free(out);

	/* A static route and a setting, there and back. */
	ASSERT_EQ(0, wt_sh(WRENCTL " route add default via " PEER));
	out = out_logged(WRENCTL " route show");
	EXPECT_TRUE(contains(out, "default via " PEER " "));
	EXPECT_TRUE(contains(out, " static"));
	free(out);
	EXPECT_EQ(0, wt_sh(WRENCTL " route del default"));

	ASSERT_EQ(0, wt_sh(WRENCTL " set tcp_msl_ms 1234"));
	out = out_logged(WRENCTL " get");
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, "tcp_msl_ms 1234\n"));
	free(out);
}

TEST_F(net, wrenstat_tables)
{
	char want[128], *out;

	NEED_KERNEL();
	out = out_logged(WRENSTAT " -r");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, "Destination     Gateway         Genmask         Flags Iface    Kind\n"));
	EXPECT_TRUE(contains(out, "192.0.2.0 "));
	EXPECT_TRUE(contains(out, "255.255.255.240 U "));
	free(out);

	out = out_logged(WRENSTAT " -i");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, "\n" DEV " "));
	EXPECT_TRUE(contains(out, LOCAL "/" PLEN));
	free(out);

	out = out_logged(WRENSTAT " --arp");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	snprintf(want, sizeof(want), "%s", self->peer_mac);
	EXPECT_TRUE(contains(out, PEER " "));
	EXPECT_TRUE(contains(out, want));
	EXPECT_TRUE(contains(out, "permanent"));
	free(out);

	out = out_logged(WRENSTAT " -s");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, "Ip:\n"));
	EXPECT_TRUE(contains(out, "Udp:\n"));
	EXPECT_TRUE(contains(out, "WrenDrop: packets dropped by reason\n"));
	free(out);

	/* TCP's counters, the TcpExt ones too (with -a even when zero). */
	out = out_logged(WRENSTAT " -s -t -a");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, "Tcp:\n"));
	EXPECT_TRUE(contains(out, "TcpExt:\n"));
	EXPECT_TRUE(contains(out, " challenge ACKs sent\n"));
	EXPECT_FALSE(contains(out, "Udp:\n"));
	free(out);
}

TEST_F(net, wrenping_replies)
{
	long long before, after;
	char line[64], *out;
	int i;

	NEED_KERNEL();
	before = wt_snmp(NULL, "/proc/net/wren/snmp", "Icmp", "InEchoReps");
	out = out_logged(WRENPING " -c 3 -i 0.2 " PEER);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, "PING " PEER " (" PEER ") 56(84) bytes of data.\n"));
	for (i = 1; i <= 3; i++) {
		snprintf(line, sizeof(line),
			 "64 bytes from " PEER ": icmp_seq=%d ttl=64 time=", i);
		EXPECT_TRUE(contains(out, line));
	}
	EXPECT_TRUE(contains(out, "\n--- " PEER " ping statistics ---\n"));
	EXPECT_TRUE(contains(out, "3 packets transmitted, 3 received, 0% packet loss, time "));
	EXPECT_TRUE(contains(out, "rtt min/avg/max/mdev = "));
	free(out);
	after = wt_snmp(NULL, "/proc/net/wren/snmp", "Icmp", "InEchoReps");
	if (before >= 0 && after >= 0)
		EXPECT_LE(before + 3, after);

	/* Quiet: the summary only. */
	out = out_logged(WRENPING " -q -c 2 -i 0.2 " PEER);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_EQ(NULL, strstr(out, "bytes from"));
	EXPECT_TRUE(contains(out, "2 packets transmitted, 2 received"));
	free(out);
}

TEST_F(net, wrenping_sizes)
{
	char *out;

	NEED_KERNEL();
	out = out_logged(WRENPING " -c 1 -s 0 " PEER);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, "PING " PEER " (" PEER ") 0(28) bytes"));
	EXPECT_TRUE(contains(out, "8 bytes from " PEER ": icmp_seq=1"));
	free(out);

	out = out_logged(WRENPING " -c 1 -s 1472 " PEER);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, "1480 bytes from " PEER ": icmp_seq=1"));
	free(out);

	/* Fragmented both ways. */
	out = out_logged(WRENPING " -c 1 -W 3 -s 4000 " PEER);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_TRUE(contains(out, "4008 bytes from " PEER ": icmp_seq=1"));
	free(out);
}

TEST_F(net, wrenping_failures)
{
	char *out;

	NEED_KERNEL();
	/* On link, but nobody there: no reply, exit 1. */
	out = out_logged(WRENPING " -c 1 -W 2 192.0.2.9");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(1, wt_out_status);
	EXPECT_TRUE(contains(out, "1 packets transmitted, 0 received"));
	EXPECT_TRUE(contains(out, "100% packet loss"));
	EXPECT_EQ(NULL, strstr(out, "rtt min"));
	free(out);

	/* No route at all: an error, exit 2. */
	out = out_logged(WRENPING " -c 1 203.0.113.1 2>&1");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(2, wt_out_status);
	EXPECT_STREQ("wrenping: connect: Network is unreachable", out);
	free(out);

	/* Deadline: stops after -w whatever the count. */
	out = out_logged(WRENPING " -c 100 -i 0.2 -w 1 " PEER);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_EQ(NULL, strstr(out, "100 packets transmitted"));
	free(out);

	out = out_logged(WRENPING " -c 1 not.an.address 2>&1");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(2, wt_out_status);
	free(out);
}

WT_HARNESS_MAIN
