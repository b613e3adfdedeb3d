// SPDX-License-Identifier: GPL-2.0
/*
 * drv_reload: 50 rmmod/insmod cycles of wren_e1000 with traffic between
 * (ping and a small TCP transfer, alternating direction).  No kernel
 * warning may appear, and after a few warm-up cycles the kernel's memory
 * must not grow beyond noise: Slab by at most 3 MiB, and MemFree (after
 * dropping caches) by at most 4 MiB more than the same cycles cost with
 * Linux's own e1000 driver, measured first in the same boot as a control
 * (opening a NIC and moving traffic costs the kernel some memory of its
 * own, e.g. lazily freed vmap areas, whatever the driver).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wt.h"

#define RELOAD_CYCLES	50
#define RELOAD_WARMUP	5
#define CONTROL_CYCLES	25	/* of e1000, warm-up included */
#define CONTROL_DRIVER	"e1000"
/*
 * Allowed growth over the measured cycles, in KiB.  Slab is the precise
 * detector (every skb, ring bookkeeping and netdev lives there).  MemFree
 * was seen to swing by +22/-10 MiB between two boots of the same build, with
 * either driver, so its slack only catches page-sized leaks of every cycle:
 * losing the 512 KiB of RX buffers per cycle would cost 22 MiB here.
 */
#define RELOAD_SLAB_SLACK	(3 * 1024)
#define RELOAD_FREE_SLACK	(16 * 1024)

FIXTURE(reload) {
	int bugs_before;
};

FIXTURE_SETUP(reload)
{
	self->bugs_before = wt_dmesg_count(WT_DMESG_BUG);
	ASSERT_LE(0, self->bugs_before);
	ASSERT_TRUE(wt_module_loaded(WT_DRIVER));
}

FIXTURE_TEARDOWN(reload)
{
	if (!wt_module_loaded(WT_DRIVER))
		wt_driver_load("", NULL);
}

/*
 * One cycle of @drv: load, bring the link up, move some traffic, unload.
 */
static void cycle(struct __test_metadata *_metadata, const char *drv, int i)
{
	struct wt_xfer x = {
		.port = 5701,
		.bytes = 256 * WT_KIB,
		.timeout_ms = 30000,
	};

	ASSERT_EQ(0, wt_nic_driver_load(drv, "", NULL))
		TH_LOG("%s cycle %d", drv, i);
	ASSERT_EQ(0, wt_net_up(0, 20000)) TH_LOG("cycle %d", i);
	ASSERT_EQ(0, wt_ping(NULL, wt_ip(0, WT_PEER), 2)) TH_LOG("cycle %d", i);
	if (i % 2) {
		x.recv_ns = WT_PEER_NS;
		x.host = wt_ip(0, WT_PEER);
	} else {
		x.send_ns = WT_PEER_NS;
		x.host = wt_ip(0, WT_GUEST);
	}
	ASSERT_EQ(0, wt_xfer_run(&x)) TH_LOG("cycle %d", i);
	ASSERT_EQ(0, wt_module_unload(drv)) TH_LOG("%s cycle %d", drv, i);
}

/* @n cycles of @drv; memory after the warm-up into *@m0, at the end *@m1. */
static void cycles(struct __test_metadata *_metadata, const char *drv, int n,
		   int bugs_before, struct wt_mem *m0, struct wt_mem *m1)
{
	double t0 = wt_now();
	int i;

	for (i = 0; i < n; i++) {
		cycle(_metadata, drv, i);
		if (i + 1 == RELOAD_WARMUP)
			ASSERT_EQ(0, wt_mem_snapshot(m0, true));
		ASSERT_EQ(bugs_before, wt_dmesg_count(WT_DMESG_BUG)) {
			TH_LOG("kernel warning after %s cycle %d", drv, i);
			wt_sh("dmesg | tail -n 40 | sed 's/^/# /'");
		}
	}
	ASSERT_EQ(0, wt_mem_snapshot(m1, true));
	TH_LOG("%s: %d cycles in %.0f s", drv, n, wt_now() - t0);
	TH_LOG("%s: after warm-up Slab %lld SUnreclaim %lld MemFree %lld KiB",
	       drv, m0->slab, m0->sunreclaim, m0->memfree);
	TH_LOG("%s: at the end    Slab %lld SUnreclaim %lld MemFree %lld KiB",
	       drv, m1->slab, m1->sunreclaim, m1->memfree);
}

TEST_F_TIMEOUT(reload, cycles_without_leaks_or_warnings, 1500)
{
	struct wt_mem c0, c1, m0, m1;
	long long control, allowed;

	wt_verbose = false;
	/* The control: the same cycles with Linux's driver. */
	ASSERT_EQ(0, wt_module_unload(WT_DRIVER));
	cycles(_metadata, CONTROL_DRIVER, CONTROL_CYCLES, self->bugs_before,
	       &c0, &c1);
	/* Its cost a cycle, scaled to our measured cycles (never below 0). */
	control = (c0.memfree - c1.memfree) *
		  (RELOAD_CYCLES - RELOAD_WARMUP) /
		  (CONTROL_CYCLES - RELOAD_WARMUP);
	if (control < 0)
		control = 0;

	cycles(_metadata, WT_DRIVER, RELOAD_CYCLES, self->bugs_before,
	       &m0, &m1);
	ASSERT_EQ(0, wt_driver_load("", NULL));

	allowed = control + RELOAD_FREE_SLACK;
	TH_LOG("MemFree fell %lld KiB over %d %s cycles; allowed %lld "
	       "(the control's %lld scaled + %d)", m0.memfree - m1.memfree,
	       RELOAD_CYCLES - RELOAD_WARMUP, WT_DRIVER, allowed, control,
	       RELOAD_FREE_SLACK);
	EXPECT_LE(m1.slab - m0.slab, RELOAD_SLAB_SLACK);
	EXPECT_LE(m1.sunreclaim - m0.sunreclaim, RELOAD_SLAB_SLACK);
	EXPECT_LE(m0.memfree - m1.memfree, allowed);
}

/* The driver goes away cleanly while traffic is flowing through it. */
TEST_F_TIMEOUT(reload, unload_under_traffic, 300)
{
	struct wt_xfer x = {
		.recv_ns = WT_PEER_NS, .port = 5702,
		.bytes = 64 * WT_MIB, .timeout_ms = 60000,
	};
	struct wt_bg *rcv, *snd;
	long long t0;
	int i;

	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, wt_net_up(0, 20000));
		x.host = wt_ip(0, WT_PEER);
		rcv = wt_xfer_recv_start(&x);
		ASSERT_NE(NULL, rcv);
		t0 = wt_if_stat("eth0", "tx_bytes");
		snd = wt_xfer_send_start(&x);
		WT_WAIT(20000, wt_if_stat("eth0", "tx_bytes") - t0 > WT_MIB);
		EXPECT_EQ(0, wt_module_unload(WT_DRIVER));
		/* The transfer cannot finish: only the sender must notice. */
		wt_bg_free(snd);
		wt_bg_free(rcv);
		ASSERT_EQ(0, wt_driver_load("", NULL));
	}
	ASSERT_EQ(0, wt_net_up(0, 20000));
	EXPECT_EQ(0, wt_ping(NULL, wt_ip(0, WT_PEER), 3));
	EXPECT_EQ(self->bugs_before, wt_dmesg_count(WT_DMESG_BUG));
}

WT_HARNESS_MAIN
