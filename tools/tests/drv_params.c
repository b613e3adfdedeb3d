// SPDX-License-Identifier: GPL-2.0
/*
 * drv_params: wren_e1000's module parameters (tx_ring, rx_ring: 64..4096,
 * multiples of 8; rx_usecs: 0..10000; copybreak: 0..1024; adaptive_itr:
 * bool).  Out-of-range
 * values make insmod fail with EINVAL and leave no module and no NIC
 * behind; in-range values load and show in sysfs and ethtool.  The test
 * reloads the driver and leaves it loaded with its defaults.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "wt.h"

FIXTURE(params) {
	int nics;
};

FIXTURE_SETUP(params)
{
	self->nics = wt_env_nics();
	ASSERT_GE(self->nics, 1);
	if (wt_module_loaded(WT_DRIVER))
		ASSERT_EQ(0, wt_module_unload(WT_DRIVER));
}

FIXTURE_TEARDOWN(params)
{
	/* Leave the driver loaded, with its defaults, for what follows. */
	if (wt_module_loaded(WT_DRIVER))
		wt_module_unload(WT_DRIVER);
	wt_driver_load("", NULL);
}

/* insmod with @params fails with @err or @err2; nothing is left behind. */
static void bad_err(struct __test_metadata *_metadata, const char *params,
		    const char *err, const char *err2)
{
	char *msg = NULL;
	int rc = wt_driver_load(params, &msg);
	bool ok = msg && (strstr(msg, err) || (err2 && strstr(msg, err2)));

	EXPECT_NE(0, rc) TH_LOG("insmod %s was accepted", params);
	EXPECT_TRUE(ok)
		TH_LOG("insmod %s: %s", params, msg ? msg : "(no message)");
	free(msg);
	EXPECT_FALSE(wt_module_loaded(WT_DRIVER)) TH_LOG("%s", params);
	EXPECT_NE(0, access("/sys/class/net/eth0", F_OK));
	if (wt_module_loaded(WT_DRIVER))
		wt_module_unload(WT_DRIVER);
}

/* The driver's own checks: EINVAL ("Invalid argument"). */
#define bad(m, params)	bad_err(m, params, "Invalid argument", NULL)

TEST_F_TIMEOUT(params, ring_out_of_range, 120)
{
	bad(_metadata, "tx_ring=5");
	bad(_metadata, "tx_ring=0");
	bad(_metadata, "tx_ring=8192");
	bad(_metadata, "tx_ring=100");		/* not a multiple of 8 */
	bad(_metadata, "rx_ring=56");
	bad(_metadata, "rx_ring=4104");
	bad(_metadata, "rx_ring=100000");
	bad(_metadata, "rx_ring=-1");
	bad(_metadata, "tx_ring=256 rx_ring=5");
}

TEST_F_TIMEOUT(params, rx_usecs_and_copybreak_out_of_range, 120)
{
	bad(_metadata, "rx_usecs=10001");
	bad(_metadata, "rx_usecs=4294967295");
	/* Not even a u32: ERANGE if the kernel's own uint parser sees it. */
	bad_err(_metadata, "rx_usecs=4294967296", "Invalid argument",
		"out of range");
	bad(_metadata, "copybreak=1025");
	bad(_metadata, "copybreak=99999999");
	bad(_metadata, "copybreak=abc");
	bad(_metadata, "adaptive_itr=2");	/* a bool */
}

/* In-range values at both ends load, and are what the driver uses. */
TEST_F_TIMEOUT(params, limits_accepted_and_applied, 180)
{
	struct wt_xfer out = {
		.recv_ns = WT_PEER_NS, .host = wt_ip(0, WT_PEER),
		.port = 5601, .bytes = 4 * WT_MIB,
	};
	struct wt_xfer in = {
		.send_ns = WT_PEER_NS, .host = wt_ip(0, WT_GUEST),
		.port = 5601, .bytes = 4 * WT_MIB,
	};
	char *text;

	ASSERT_EQ(0, wt_driver_load("tx_ring=64 rx_ring=4096 rx_usecs=0 "
				    "copybreak=0", NULL));
	EXPECT_EQ(64, wt_read_ll("/sys/module/%s/parameters/tx_ring",
				 WT_DRIVER));
	EXPECT_EQ(4096, wt_read_ll("/sys/module/%s/parameters/rx_ring",
				   WT_DRIVER));
	text = wt_out("ethtool -g eth0 | sed -n '/Current/,$p'");
	EXPECT_EQ(4096, wt_text_key(text, "RX"));
	EXPECT_EQ(64, wt_text_key(text, "TX"));
	free(text);
	text = wt_out("ethtool -c eth0");
	EXPECT_EQ(0, wt_text_key(text, "rx-usecs"));
	free(text);
	ASSERT_EQ(0, wt_net_up(0, 20000));
	EXPECT_EQ(0, wt_ping(NULL, wt_ip(0, WT_PEER), 3));
	EXPECT_EQ(0, wt_xfer_run(&out));
	EXPECT_EQ(0, wt_xfer_run(&in));
	ASSERT_EQ(0, wt_module_unload(WT_DRIVER));

	ASSERT_EQ(0, wt_driver_load("tx_ring=4096 rx_ring=64 rx_usecs=10000 "
				    "copybreak=1024 adaptive_itr=0", NULL));
	EXPECT_EQ(0, wt_sh("ethtool -c eth0 | grep -q 'Adaptive RX: off'"));
	text = wt_out("ethtool -g eth0 | sed -n '/Current/,$p'");
	EXPECT_EQ(64, wt_text_key(text, "RX"));
	EXPECT_EQ(4096, wt_text_key(text, "TX"));
	free(text);
	ASSERT_EQ(0, wt_net_up(0, 20000));
	EXPECT_EQ(0, wt_ping(NULL, wt_ip(0, WT_PEER), 3));
}

/* Every NIC comes back, named and with its MAC, after a reload. */
TEST_F_TIMEOUT(params, reload_restores_every_nic, 120)
{
	char mac[32], *addr, path[96];
	int i;

	ASSERT_EQ(0, wt_driver_load("", NULL));
	for (i = 0; i < self->nics; i++) {
		ASSERT_EQ(0, wt_env_mac(i, mac, sizeof(mac)));
		snprintf(path, sizeof(path), "/sys/class/net/%s/address",
			 wt_ifname(i, WT_GUEST));
		addr = wt_read_file(path);
		ASSERT_NE(NULL, addr);
		EXPECT_EQ(0, strncmp(addr, mac, strlen(mac)));
		free(addr);
	}
	ASSERT_EQ(0, wt_net_up(0, 20000));
}

WT_HARNESS_MAIN
