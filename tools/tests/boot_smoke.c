// SPDX-License-Identifier: GPL-2.0
/*
 * The guest came up as the harness promises: both wren modules loaded, the
 * peer namespace exists, and the QEMU monitor answers through qmon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "kselftest_harness.h"
#include "wt.h"

TEST(modules_loaded)
{
	ASSERT_EQ(0, access("/sys/module/wren", F_OK));
	ASSERT_EQ(0, access("/sys/module/wren_e1000", F_OK));
}

TEST(peer_namespace)
{
	ASSERT_EQ(0, access("/run/netns/peer", F_OK));
}

TEST(qemu_monitor)
{
	char line[256];
	int found = 0;
	FILE *p = popen("qmon info network", "r");

	ASSERT_NE(NULL, p);
	while (fgets(line, sizeof(line), p))
		if (strstr(line, "nic0:"))
			found = 1;
	ASSERT_EQ(0, pclose(p));
	ASSERT_EQ(1, found);
}

WT_HARNESS_MAIN
