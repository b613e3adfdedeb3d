// SPDX-License-Identifier: GPL-2.0
/*
 * drv_link: the link of NIC 0 taken down and up from the QEMU monitor
 * (`set_link nic0 off|on`).  The carrier must follow (sysfs carrier,
 * operstate, NO-CARRIER / LOWER_UP in `ip link`, ethtool's "Link
 * detected"), traffic must stop while it is down and resume after, and TCP
 * transfers that span a flap must complete intact.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wt.h"

#define LINK_WAIT_MS	10000	/* LSC interrupt to carrier change */

/* The transfers' ports, drawn by each test from the boot's allocator. */
static int xfer_port;

FIXTURE(link) {
	const char *ifname;
};

static bool ip_link_has(const char *ifname, const char *word)
{
	char *out = wt_out("ip link show %s", ifname);
	bool has = out && strstr(out, word);

	free(out);
	return has;
}

static bool operstate_is(const char *ifname, const char *state)
{
	char path[96], *s;
	bool is;

	snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", ifname);
	s = wt_read_file(path);
	is = s && !strncmp(s, state, strlen(state));
	free(s);
	return is;
}

FIXTURE_SETUP(link)
{
	xfer_port = wt_ports(2);
	ASSERT_LT(0, xfer_port);
	self->ifname = wt_ifname(0, WT_GUEST);
	ASSERT_EQ(0, wt_qmon("set_link nic0 on"));
	ASSERT_EQ(0, wt_net_up(0, 20000));
}

FIXTURE_TEARDOWN(link)
{
	/* Never leave the link down for the tests that follow. */
	wt_qmon("set_link nic0 on");
	wt_sh("ip link set %s up", self->ifname);
}

static void expect_down(struct __test_metadata *_metadata, const char *ifname)
{
	ASSERT_TRUE(WT_WAIT(LINK_WAIT_MS, wt_carrier(ifname) == 0))
		TH_LOG("carrier still %d", wt_carrier(ifname));
	EXPECT_FALSE(ip_link_has(ifname, "LOWER_UP"));
	/* Operstate (and with it RUNNING) follows through linkwatch, <= 1 s. */
	EXPECT_TRUE(WT_WAIT(3000, ip_link_has(ifname, "NO-CARRIER")));
	EXPECT_TRUE(WT_WAIT(3000, operstate_is(ifname, "down")));
	EXPECT_EQ(0, wt_shq("ethtool %s | grep -q 'Link detected: no'",
			    ifname));
}

static void expect_up(struct __test_metadata *_metadata, const char *ifname)
{
	ASSERT_TRUE(WT_WAIT(LINK_WAIT_MS, wt_carrier(ifname) == 1))
		TH_LOG("carrier still %d", wt_carrier(ifname));
	EXPECT_TRUE(ip_link_has(ifname, "LOWER_UP"));
	EXPECT_TRUE(WT_WAIT(3000, !ip_link_has(ifname, "NO-CARRIER")));
	EXPECT_TRUE(WT_WAIT(3000, operstate_is(ifname, "up")));
	EXPECT_EQ(0, wt_shq("ethtool %s | grep -q 'Link detected: yes'",
			    ifname));
}

/* Traffic to the peer works again within @ms. */
static bool ping_resumes(int ms)
{
	double end = wt_now() + ms / 1000.0;

	do {
		if (!wt_shq("ping -c 1 -W 1 %s", wt_ip(0, WT_PEER)))
			return true;
	} while (wt_now() < end);
	return false;
}

TEST_F_TIMEOUT(link, carrier_follows_monitor, 90)
{
	expect_up(_metadata, self->ifname);

	ASSERT_EQ(0, wt_qmon("set_link nic0 off"));
	expect_down(_metadata, self->ifname);
	/* Nothing gets through while the link is down. */
	EXPECT_NE(0, wt_shq("ping -c 2 -i 0.3 -W 1 %s", wt_ip(0, WT_PEER)));

	ASSERT_EQ(0, wt_qmon("set_link nic0 on"));
	expect_up(_metadata, self->ifname);
	EXPECT_TRUE(ping_resumes(10000));
}

/* After the link returns, bulk traffic flows both ways again. */
TEST_F_TIMEOUT(link, traffic_resumes_after_flap, 180)
{
	struct wt_xfer out = {
		.recv_ns = WT_PEER_NS, .host = wt_ip(0, WT_PEER),
		.port = xfer_port, .bytes = 4 * WT_MIB, .timeout_ms = 60000,
	};
	struct wt_xfer in = {
		.send_ns = WT_PEER_NS, .host = wt_ip(0, WT_GUEST),
		.port = xfer_port, .bytes = 4 * WT_MIB, .timeout_ms = 60000,
	};

	ASSERT_EQ(0, wt_qmon("set_link nic0 off"));
	expect_down(_metadata, self->ifname);
	wt_msleep(1000);
	ASSERT_EQ(0, wt_qmon("set_link nic0 on"));
	expect_up(_metadata, self->ifname);
	ASSERT_TRUE(ping_resumes(10000));
	EXPECT_EQ(0, wt_xfer_run(&out));
	EXPECT_EQ(0, wt_xfer_run(&in));
}

/* A TCP transfer that spans a 2 s outage completes, hashes equal. */
TEST_F_TIMEOUT(link, tcp_survives_outage, 240)
{
	struct wt_xfer x = {
		.recv_ns = WT_PEER_NS, .host = wt_ip(0, WT_PEER),
		.port = xfer_port, .bytes = 48 * WT_MIB, .timeout_ms = 180000,
	};
	struct wt_bg *rcv, *snd;
	long long before;

	before = wt_if_stat(self->ifname, "tx_bytes");
	rcv = wt_xfer_recv_start(&x);
	ASSERT_NE(NULL, rcv);
	snd = wt_xfer_send_start(&x);
	ASSERT_NE(NULL, snd);
	/* Take the link away while data is in flight. */
	WT_WAIT(20000, wt_if_stat(self->ifname, "tx_bytes") - before >
		       2 * WT_MIB);
	EXPECT_EQ(0, wt_qmon("set_link nic0 off"));
	EXPECT_TRUE(WT_WAIT(LINK_WAIT_MS, wt_carrier(self->ifname) == 0));
	wt_msleep(2000);
	EXPECT_EQ(0, wt_qmon("set_link nic0 on"));
	EXPECT_TRUE(WT_WAIT(LINK_WAIT_MS, wt_carrier(self->ifname) == 1));
	ASSERT_EQ(0, wt_xfer_finish(&x, rcv, snd));
	EXPECT_EQ(48 * WT_MIB, x.rcv.bytes);
}

/* Ten quick flaps: the carrier ends up, and the NIC still works. */
TEST_F_TIMEOUT(link, rapid_flaps, 120)
{
	int i;

	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, wt_qmon("set_link nic0 off"));
		wt_msleep(100);
		ASSERT_EQ(0, wt_qmon("set_link nic0 on"));
		wt_msleep(100);
	}
	expect_up(_metadata, self->ifname);
	EXPECT_TRUE(ping_resumes(10000));
	EXPECT_EQ(0, wt_ping(NULL, wt_ip(0, WT_PEER), 5));
}

/* The link changes while the interface is down: opening it finds the truth. */
TEST_F_TIMEOUT(link, change_while_admin_down, 120)
{
	ASSERT_EQ(0, wt_sh("ip link set %s down", self->ifname));
	ASSERT_EQ(0, wt_qmon("set_link nic0 off"));
	ASSERT_EQ(0, wt_sh("ip link set %s up", self->ifname));
	wt_msleep(1500);
	EXPECT_NE(1, wt_carrier(self->ifname));
	EXPECT_TRUE(WT_WAIT(3000, ip_link_has(self->ifname, "NO-CARRIER")));

	ASSERT_EQ(0, wt_qmon("set_link nic0 on"));
	expect_up(_metadata, self->ifname);

	/* And the other way: down at close, up when opened. */
	ASSERT_EQ(0, wt_sh("ip link set %s down", self->ifname));
	ASSERT_EQ(0, wt_qmon("set_link nic0 off"));
	ASSERT_EQ(0, wt_qmon("set_link nic0 on"));
	ASSERT_EQ(0, wt_sh("ip link set %s up", self->ifname));
	expect_up(_metadata, self->ifname);
	EXPECT_TRUE(ping_resumes(10000));
}

WT_HARNESS_MAIN
