// SPDX-License-Identifier: GPL-2.0
/*
 * drv_ethtool: reconfiguring wren_e1000 with ethtool while it carries
 * traffic.  Ring sizes (-G) and offloads (-K tx/sg/tso) change under
 * running TCP transfers, which must still complete with equal hashes; the
 * settings must read back as set.  Values out of range (-G rx 5, -G tx
 * 100000, -C rx-usecs huge, ...) must fail and change nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "wt.h"


struct rings {
	long long rx, tx, rx_max, tx_max;
};

/* `ethtool -g`: the maximums come first, then the current settings. */
static int get_rings(const char *ifname, struct rings *r)
{
	char *out = wt_out("ethtool -g %s", ifname), *cur;

	if (!out)
		return -1;
	cur = strstr(out, "Current hardware settings");
	if (cur)
		*cur++ = '\0';
	r->rx_max = wt_text_key(out, "RX");
	r->tx_max = wt_text_key(out, "TX");
	r->rx = cur ? wt_text_key(cur, "RX") : -1;
	r->tx = cur ? wt_text_key(cur, "TX") : -1;
	free(out);
	return r->rx > 0 && r->tx > 0 ? 0 : -1;
}

/* The state of feature @name in `ethtool -k`: 1 on, 0 off, -1 absent. */
static int feature(const char *ifname, const char *name)
{
	char *out = wt_out("ethtool -k %s", ifname), *p;
	int v = -1;

	p = out ? strstr(out, name) : NULL;
	if (p) {
		p += strlen(name);
		if (!strncmp(p, ": on", 4))
			v = 1;
		else if (!strncmp(p, ": off", 5))
			v = 0;
	}
	free(out);
	return v;
}

/* The transfers' ports, drawn by each test from the boot's allocator. */
static int xfer_port;

FIXTURE(et) {
	const char *ifname;
	struct rings orig;
};

FIXTURE_SETUP(et)
{
	xfer_port = wt_ports(2);
	ASSERT_LT(0, xfer_port);
	self->ifname = wt_ifname(0, WT_GUEST);
	ASSERT_EQ(0, wt_net_up(0, 20000));
	ASSERT_EQ(0, get_rings(self->ifname, &self->orig));
}

FIXTURE_TEARDOWN(et)
{
	wt_sh("ethtool -G %s rx %lld tx %lld", self->ifname, self->orig.rx,
	      self->orig.tx);
	wt_sh("ethtool -K %s tx on sg on tso on", self->ifname);
}

/* Two transfers, one each way, started in the background. */
struct both {
	struct wt_xfer out, in;
	struct wt_bg *orcv, *osnd, *ircv, *isnd;
};

static int both_start(struct both *b, long long bytes)
{
	memset(b, 0, sizeof(*b));
	b->out.recv_ns = WT_PEER_NS;
	b->out.host = wt_ip(0, WT_PEER);
	b->out.port = xfer_port;
	b->in.send_ns = WT_PEER_NS;
	b->in.host = wt_ip(0, WT_GUEST);
	b->in.port = xfer_port + 1;
	b->out.bytes = b->in.bytes = bytes;
	b->out.timeout_ms = b->in.timeout_ms = 240000;
	b->orcv = wt_xfer_recv_start(&b->out);
	b->ircv = wt_xfer_recv_start(&b->in);
	if (!b->orcv || !b->ircv)
		return -1;
	b->osnd = wt_xfer_send_start(&b->out);
	b->isnd = wt_xfer_send_start(&b->in);
	return b->osnd && b->isnd ? 0 : -1;
}

static int both_finish(struct both *b)
{
	int o = wt_xfer_finish(&b->out, b->orcv, b->osnd);
	int i = wt_xfer_finish(&b->in, b->ircv, b->isnd);

	return o || i ? -1 : 0;
}

/* Wait until eth0 moved @bytes more in either direction (data in flight). */
static void wait_flowing(const char *ifname, long long bytes)
{
	long long t0 = wt_if_stat(ifname, "tx_bytes");
	long long r0 = wt_if_stat(ifname, "rx_bytes");

	WT_WAIT(20000, wt_if_stat(ifname, "tx_bytes") - t0 > bytes &&
		       wt_if_stat(ifname, "rx_bytes") - r0 > bytes);
}

/* A short transfer each way, with equal hashes. */
static int quick_check(long long bytes)
{
	struct both b;

	if (both_start(&b, bytes))
		return -1;
	return both_finish(&b);
}

TEST_F_TIMEOUT(et, ring_sizes_apply, 180)
{
	static const int sizes[][2] = {
		{ 64, 64 }, { 4096, 4096 }, { 128, 1024 }, { 512, 80 },
	};
	struct rings r;
	size_t i;

	EXPECT_EQ(4096, self->orig.rx_max);
	EXPECT_EQ(4096, self->orig.tx_max);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ASSERT_EQ(0, wt_sh("ethtool -G %s rx %d tx %d", self->ifname,
				   sizes[i][0], sizes[i][1]));
		ASSERT_EQ(0, get_rings(self->ifname, &r));
		EXPECT_EQ(sizes[i][0], r.rx);
		EXPECT_EQ(sizes[i][1], r.tx);
		EXPECT_TRUE(WT_WAIT(10000, wt_carrier(self->ifname) == 1));
		EXPECT_EQ(0, quick_check(2 * WT_MIB))
			TH_LOG("rx %d tx %d", sizes[i][0], sizes[i][1]);
	}
}

TEST_F_TIMEOUT(et, ring_resize_under_traffic, 300)
{
	static const int sizes[][2] = {
		{ 128, 128 }, { 1024, 512 }, { 64, 4096 }, { 256, 256 },
	};
	struct rings r;
	struct both b;
	size_t i;

	ASSERT_EQ(0, both_start(&b, 32 * WT_MIB));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		wait_flowing(self->ifname, WT_MIB);
		EXPECT_EQ(0, wt_sh("ethtool -G %s rx %d tx %d", self->ifname,
				   sizes[i][0], sizes[i][1]));
	}
	EXPECT_EQ(0, both_finish(&b));
	ASSERT_EQ(0, get_rings(self->ifname, &r));
	EXPECT_EQ(256, r.rx);
	EXPECT_EQ(256, r.tx);
}

/* Each offload setting, applied and read back, carries correct data. */
TEST_F_TIMEOUT(et, offload_settings_carry_data, 300)
{
	static const struct {
		const char *set;
		int tx, sg, tso;	/* expected afterwards */
	} steps[] = {
		{ "tso off", 1, 1, 0 },
		{ "sg off", 1, 0, 0 },		/* TSO needs SG */
		{ "sg on tso on", 1, 1, 1 },
		{ "tx off", 0, 1, 0 },		/* TSO needs checksumming */
		{ "tx on tso on", 1, 1, 1 },
		{ "tx off sg off tso off", 0, 0, 0 },
		{ "tx on sg on tso on", 1, 1, 1 },
	};
	size_t i;

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		wt_sh("ethtool -K %s %s", self->ifname, steps[i].set);
		EXPECT_EQ(steps[i].tx, feature(self->ifname, "tx-checksumming"))
			TH_LOG("after -K %s", steps[i].set);
		EXPECT_EQ(steps[i].sg, feature(self->ifname, "scatter-gather"))
			TH_LOG("after -K %s", steps[i].set);
		EXPECT_EQ(steps[i].tso,
			  feature(self->ifname, "tcp-segmentation-offload"))
			TH_LOG("after -K %s", steps[i].set);
		EXPECT_EQ(0, quick_check(4 * WT_MIB))
			TH_LOG("after -K %s", steps[i].set);
	}
}

/* The TSO and checksum paths are the ones used when on. */
TEST_F_TIMEOUT(et, offloads_used_when_on, 120)
{
	long long tso0, csum0, tso1, csum1;

	ASSERT_EQ(0, wt_sh("ethtool -K %s tx on sg on tso on", self->ifname));
	tso0 = wt_ethtool_stat(NULL, self->ifname, "tx_tso");
	csum0 = wt_ethtool_stat(NULL, self->ifname, "tx_csum_offload");
	ASSERT_EQ(0, quick_check(4 * WT_MIB));
	tso1 = wt_ethtool_stat(NULL, self->ifname, "tx_tso");
	csum1 = wt_ethtool_stat(NULL, self->ifname, "tx_csum_offload");
	EXPECT_LT(tso0, tso1);
	EXPECT_LT(csum0, csum1);

	/* And not when off. */
	ASSERT_EQ(0, wt_sh("ethtool -K %s tx off", self->ifname));
	ASSERT_EQ(0, quick_check(2 * WT_MIB));
	EXPECT_EQ(tso1, wt_ethtool_stat(NULL, self->ifname, "tx_tso"));
	EXPECT_EQ(csum1, wt_ethtool_stat(NULL, self->ifname,
					 "tx_csum_offload"));
}

TEST_F_TIMEOUT(et, offload_toggle_under_traffic, 300)
{
	static const char * const toggles[] = {
		"tso off", "tso on", "tx off", "tx on tso on", "sg off",
		"sg on tso on", "tx off sg off", "tx on sg on tso on",
	};
	struct both b;
	size_t i;

	ASSERT_EQ(0, both_start(&b, 32 * WT_MIB));
	for (i = 0; i < sizeof(toggles) / sizeof(toggles[0]); i++) {
		wait_flowing(self->ifname, 512 * WT_KIB);
		wt_sh("ethtool -K %s %s", self->ifname, toggles[i]);
	}
	EXPECT_EQ(0, both_finish(&b));
}

/* Coalescing is read back as set, and traffic still flows. */
TEST_F_TIMEOUT(et, coalesce_applies, 120)
{
	char *out;

	ASSERT_EQ(0, wt_sh("ethtool -C %s rx-usecs 0", self->ifname));
	out = wt_out("ethtool -c %s", self->ifname);
	EXPECT_EQ(0, wt_text_key(out, "rx-usecs"));
	free(out);
	EXPECT_EQ(0, quick_check(2 * WT_MIB));
	ASSERT_EQ(0, wt_sh("ethtool -C %s rx-usecs 10000", self->ifname));
	EXPECT_EQ(0, wt_ping(NULL, wt_ip(0, WT_PEER), 3));
	ASSERT_EQ(0, wt_sh("ethtool -C %s rx-usecs 50", self->ifname));
	out = wt_out("ethtool -c %s", self->ifname);
	EXPECT_EQ(50, wt_text_key(out, "rx-usecs"));
	free(out);

	/* Adaptive moderation off and on again, under a transfer each. */
	ASSERT_EQ(0, wt_sh("ethtool -C %s adaptive-rx off", self->ifname));
	EXPECT_EQ(0, wt_sh("ethtool -c %s | grep -q 'Adaptive RX: off'",
			   self->ifname));
	EXPECT_EQ(0, quick_check(2 * WT_MIB));
	ASSERT_EQ(0, wt_sh("ethtool -C %s adaptive-rx on", self->ifname));
	EXPECT_EQ(0, wt_sh("ethtool -c %s | grep -q 'Adaptive RX: on'",
			   self->ifname));
	EXPECT_EQ(0, quick_check(2 * WT_MIB));
}

/* ethtool @args must fail, and `ethtool @show` must read the same after. */
static void rejected(struct __test_metadata *_metadata, const char *ifname,
		     const char *args, const char *show)
{
	char *before, *after;

	before = wt_out("ethtool %s %s", show, ifname);
	ASSERT_NE(NULL, before);
	EXPECT_NE(0, wt_sh("ethtool %s %s %s", args[1] == 'G' ? "-G" : "-C",
			   ifname, args + 3))
		TH_LOG("ethtool %s accepted", args);
	after = wt_out("ethtool %s %s", show, ifname);
	ASSERT_NE(NULL, after);
	EXPECT_STREQ(before, after) TH_LOG("ethtool %s changed settings", args);
	free(before);
	free(after);
}

TEST_F_TIMEOUT(et, bad_values_rejected, 120)
{
	struct rings r;

	rejected(_metadata, self->ifname, "-G rx 5", "-g");
	rejected(_metadata, self->ifname, "-G tx 5", "-g");
	rejected(_metadata, self->ifname, "-G rx 0", "-g");
	rejected(_metadata, self->ifname, "-G tx 100000", "-g");
	rejected(_metadata, self->ifname, "-G rx 4104", "-g");
	rejected(_metadata, self->ifname, "-G rx 100", "-g");	/* not 8k */
	rejected(_metadata, self->ifname, "-G rx 256 tx 5", "-g");
	rejected(_metadata, self->ifname, "-C rx-usecs 4000000", "-c");
	rejected(_metadata, self->ifname, "-C rx-usecs 10001", "-c");
	rejected(_metadata, self->ifname, "-C tx-usecs 10", "-c");
	ASSERT_EQ(0, get_rings(self->ifname, &r));
	EXPECT_EQ(self->orig.rx, r.rx);
	EXPECT_EQ(self->orig.tx, r.tx);
	/* Nothing was disturbed. */
	EXPECT_EQ(1, wt_carrier(self->ifname));
	EXPECT_EQ(0, wt_ping(NULL, wt_ip(0, WT_PEER), 3));
}

WT_HARNESS_MAIN
