// SPDX-License-Identifier: GPL-2.0
/*
 * drv_probe: every e1000 NIC QEMU was given is driven by wren_e1000, with
 * the MAC and PCI identity QEMU gave it, and carries traffic to its peer.
 * Runs in boots with 1, 2 and 4 NICs of each model (boots.list).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wt.h"

/* PCI device ID of each QEMU e1000 model. */
static const struct {
	const char *model;
	long long device;
} models[] = {
	{ "e1000", 0x100e },		/* 82540EM */
	{ "e1000-82544gc", 0x100c },
	{ "e1000-82545em", 0x100f },
};

FIXTURE(probe) {
	int nics;
};

FIXTURE_SETUP(probe)
{
	self->nics = wt_env_nics();
	ASSERT_GE(self->nics, 1);
	ASSERT_LE(self->nics, WT_MAX_NICS);
}

FIXTURE_TEARDOWN(probe)
{
}

/* /run/wren.env describes what qemu.sh gave the guest. */
TEST_F(probe, env_lists_every_nic)
{
	char model[32], mac[32], want[32];
	int i;

	for (i = 0; i < self->nics; i++) {
		ASSERT_EQ(0, wt_env_model(i, model, sizeof(model)));
		ASSERT_EQ(0, wt_env_mac(i, mac, sizeof(mac)));
		snprintf(want, sizeof(want), "52:54:00:12:00:%02x", i + 1);
		EXPECT_STREQ(want, mac);
	}
	EXPECT_NE(0, wt_env_model(self->nics, model, sizeof(model)));
}

/* `ethtool -i eth<i>` names our driver, and the in-tree e1000 is absent. */
TEST_F(probe, driver_is_wren_e1000)
{
	const char *drv = wt_expect_driver();
	char want[80], *out;
	int i;

	snprintf(want, sizeof(want), "driver: %s\n", drv);
	for (i = 0; i < self->nics; i++) {
		out = wt_out("ethtool -i %s", wt_ifname(i, WT_GUEST));
		ASSERT_NE(NULL, out);
		EXPECT_EQ(0, wt_out_status);
		strcat(out, "\n");
		EXPECT_NE(NULL, strstr(out, want)) {
			TH_LOG("eth%d: %s", i, out);
		}
		EXPECT_NE(NULL, strstr(out, "bus-info: 0000:"));
		free(out);

		/* The PCI device's driver link agrees. */
		out = wt_out("basename $(readlink /sys/class/net/%s/device/driver)",
			     wt_ifname(i, WT_GUEST));
		ASSERT_NE(NULL, out);
		EXPECT_STREQ(drv, out);
		free(out);
	}
	if (!strcmp(drv, "wren_e1000"))
		EXPECT_FALSE(wt_module_loaded("e1000"));
}

/* The netdev's MAC is the one QEMU was given (read from the EEPROM/RAL). */
TEST_F(probe, mac_matches_qemu)
{
	char mac[32], path[96], *addr;
	int i;

	for (i = 0; i < self->nics; i++) {
		ASSERT_EQ(0, wt_env_mac(i, mac, sizeof(mac)));
		snprintf(path, sizeof(path), "/sys/class/net/%s/address",
			 wt_ifname(i, WT_GUEST));
		addr = wt_read_file(path);
		ASSERT_NE(NULL, addr);
		addr[strcspn(addr, "\n")] = '\0';
		EXPECT_STREQ(mac, addr);
		free(addr);
		/* Permanent address too (ethtool -P). */
		addr = wt_out("ethtool -P %s", wt_ifname(i, WT_GUEST));
		ASSERT_NE(NULL, addr);
		EXPECT_NE(NULL, strstr(addr, mac)) {
			TH_LOG("eth%d: %s", i, addr);
		}
		free(addr);
	}
}

/* Each eth<i> is the PCI function of the model QEMU was asked for. */
TEST_F(probe, pci_id_matches_model)
{
	char model[32];
	long long vendor, device;
	long long want;
	size_t m;
	int i;

	for (i = 0; i < self->nics; i++) {
		ASSERT_EQ(0, wt_env_model(i, model, sizeof(model)));
		want = 0;
		for (m = 0; m < sizeof(models) / sizeof(models[0]); m++)
			if (!strcmp(models[m].model, model))
				want = models[m].device;
		ASSERT_NE(0LL, want) TH_LOG("unknown model %s", model);
		vendor = wt_read_ll("/sys/class/net/%s/device/vendor",
				    wt_ifname(i, WT_GUEST));
		device = wt_read_ll("/sys/class/net/%s/device/device",
				    wt_ifname(i, WT_GUEST));
		EXPECT_EQ(0x8086, vendor);
		EXPECT_EQ(want, device) {
			TH_LOG("eth%d (%s): device 0x%llx", i, model, device);
		}
	}
}

/* MTU and basic link attributes are those of an Ethernet NIC. */
TEST_F(probe, netdev_attributes)
{
	int i;

	for (i = 0; i < self->nics; i++) {
		EXPECT_EQ(1500, wt_read_ll("/sys/class/net/%s/mtu",
					   wt_ifname(i, WT_GUEST)));
		EXPECT_EQ(1, wt_read_ll("/sys/class/net/%s/type",
					wt_ifname(i, WT_GUEST)));
		EXPECT_EQ(0, wt_sh("ethtool %s | grep -q 'Link detected: yes'",
				   wt_ifname(i, WT_GUEST)));
	}
}

/* Every NIC reaches its own peer, both ways, at the same time. */
TEST_F_TIMEOUT(probe, ping_every_peer, 120)
{
	int i;

	for (i = 0; i < self->nics; i++)
		ASSERT_EQ(0, wt_net_up(i, 20000)) TH_LOG("eth%d", i);
	for (i = 0; i < self->nics; i++) {
		EXPECT_EQ(0, wt_ping(NULL, wt_ip(i, WT_PEER), 5));
		EXPECT_EQ(0, wt_ping(WT_PEER_NS, wt_ip(i, WT_GUEST), 5));
	}
	/* Frames went out of the right NIC: each peer saw its own traffic. */
	for (i = 0; i < self->nics; i++)
		EXPECT_LE(10, wt_if_stat(wt_ifname(i, WT_GUEST), "rx_packets"));
}

/* A TCP transfer on every NIC, all of them at once. */
TEST_F_TIMEOUT(probe, tcp_every_nic_concurrently, 180)
{
	struct wt_xfer x[WT_MAX_NICS] = {};
	struct wt_bg *rcv[WT_MAX_NICS], *snd[WT_MAX_NICS];
	int i;

	for (i = 0; i < self->nics; i++)
		ASSERT_EQ(0, wt_net_up(i, 20000)) TH_LOG("eth%d", i);
	for (i = 0; i < self->nics; i++) {
		x[i].recv_ns = WT_PEER_NS;
		x[i].host = wt_ip(i, WT_PEER);
		x[i].port = 5100 + i;
		x[i].bytes = 4 * WT_MIB;
		x[i].timeout_ms = 120000;
		rcv[i] = wt_xfer_recv_start(&x[i]);
		ASSERT_NE(NULL, rcv[i]);
	}
	for (i = 0; i < self->nics; i++)
		snd[i] = wt_xfer_send_start(&x[i]);
	for (i = 0; i < self->nics; i++)
		EXPECT_EQ(0, wt_xfer_finish(&x[i], rcv[i], snd[i]))
			TH_LOG("eth%d", i);
}

WT_HARNESS_MAIN
