// SPDX-License-Identifier: GPL-2.0
/*
 * net_modload: loading and unloading wren.ko.  An open AF_WREN socket keeps
 * the module in (delete_module fails with EBUSY or EWOULDBLOCK); once it
 * is closed the module goes.  20 cycles of load, attach to eth0, address,
 * ping both ways, leave timers and queues pending (an ARP resolution, a
 * partial reassembly), unload -- alternately with and without detaching
 * first -- leave no warning in the kernel log and no memory behind.
 *
 * Every test leaves wren.ko loaded, as the boot found it.
 */
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "net.h"

#define WREN_KO		WT_MODDIR "/wren.ko"

static int load(void)
{
	int fd = open(WREN_KO, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0) {
		nt_diag("open %s: %s\n", WREN_KO, strerror(errno));
		return -1;
	}
	rc = syscall(SYS_finit_module, fd, "", 0);
	if (rc)
		nt_diag("finit_module: %s\n", strerror(errno));
	close(fd);
	return rc ? -1 : 0;
}

/* delete_module("wren"): 0 or the errno. */
static int unload_once(void)
{
	return syscall(SYS_delete_module, "wren", O_NONBLOCK) ? errno : 0;
}

/*
 * Unload, allowing @ms for references that go after an RCU grace period
 * or a work item; 0 or the last errno.  *@tries counts the attempts.
 */
static int unload(int ms, int *tries)
{
	double end = wt_now() + ms / 1000.0;
	int err;

	for (*tries = 1;; ++*tries) {
		err = unload_once();
		if (!err || (err != EAGAIN && err != EBUSY) || wt_now() >= end)
			return err;
		wt_msleep(50);
	}
}

static int ensure_loaded(void)
{
	if (wt_module_loaded("wren"))
		return 0;
	return load();
}

FIXTURE(mod) {
	int unused;
};

FIXTURE_SETUP(mod)
{
	nt_pair_down(0);
	ASSERT_EQ(0, ensure_loaded());
}

FIXTURE_TEARDOWN(mod)
{
	if (wt_module_loaded("wren"))
		nt_pair_down(0);
	ensure_loaded();
}

/* An open socket of type @type/@proto keeps wren.ko in; closed, it goes. */
static void busy_while_open(struct __test_metadata *_metadata, int type,
			    int proto, const char *ns)
{
	int s = nt_socket(ns, AF_WREN, type, proto), err, tries;

	ASSERT_LE(0, s);
	err = unload_once();
	EXPECT_TRUE(err == EBUSY || err == EWOULDBLOCK) {
		TH_LOG("delete_module with a socket open: %s",
		       err ? strerror(err) : "succeeded");
	}
	if (!err) {
		close(s);
		ASSERT_EQ(0, load());
		return;
	}
	EXPECT_TRUE(wt_module_loaded("wren"));
	EXPECT_EQ(0, access("/proc/net/wren/snmp", R_OK));
	ASSERT_EQ(0, close(s));
	err = unload(2000, &tries);
	EXPECT_EQ(0, err) {
		TH_LOG("delete_module after close: %s", strerror(err));
	}
	TH_LOG("unloaded after %d attempt(s)", tries);
	EXPECT_FALSE(wt_module_loaded("wren"));
	EXPECT_NE(0, access("/proc/net/wren", F_OK));
	ASSERT_EQ(0, load());
}

TEST_F(mod, busy_with_udp_socket)
{
	busy_while_open(_metadata, SOCK_DGRAM, 0, NULL);
}

TEST_F(mod, busy_with_ping_socket)
{
	busy_while_open(_metadata, SOCK_DGRAM, IPPROTO_ICMP, NULL);
}

/* A socket in another namespace, with the namespace itself deleted. */
TEST_F(mod, busy_with_socket_in_deleted_netns)
{
	int s, err, tries;

	nt_runq(NULL, "ip netns del wtmod");
	ASSERT_EQ(0, nt_run(NULL, "ip netns add wtmod"));
	s = nt_socket("wtmod", AF_WREN, SOCK_DGRAM, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, nt_run(NULL, "ip netns del wtmod"));
	err = unload_once();
	EXPECT_TRUE(err == EBUSY || err == EWOULDBLOCK) {
		TH_LOG("delete_module: %s", err ? strerror(err) : "succeeded");
	}
	close(s);
	if (err) {
		EXPECT_EQ(0, unload(3000, &tries));
		TH_LOG("unloaded after %d attempt(s)", tries);
	}
	ASSERT_EQ(0, load());
}

/*
 * A /proc/net/wren file held open across the unload: the unload is not
 * stuck, and reading afterwards fails or ends cleanly.
 */
TEST_F(mod, proc_file_open_across_unload)
{
	int fd = open("/proc/net/wren/snmp", O_RDONLY), err, tries;
	char buf[256];
	ssize_t n;

	ASSERT_LE(0, fd);
	ASSERT_LT(0, read(fd, buf, 16));
	err = unload(2000, &tries);
	if (err) {
		TH_LOG("delete_module with a proc file open: %s",
		       strerror(err));
		close(fd);
		ASSERT_EQ(0, unload(2000, &tries));
	} else {
		n = read(fd, buf, sizeof(buf));
		TH_LOG("read after unload: %zd (%s)", n,
		       n < 0 ? strerror(errno) : "ok");
		close(fd);
	}
	ASSERT_EQ(0, load());
}

/*
 * From the peer: a UDP datagram to a closed wren port from an on-link
 * address nobody has (wren's port unreachable then waits for ARP), and
 * the first fragment of a datagram (a reassembly waiting for the rest).
 */
static int leave_pending(int cycle)
{
	uint8_t wmac[6], f[NT_FRAME_MAX], *ip = f + NT_ETH_HLEN;
	uint32_t src = nt_addr("192.0.2.10"), dst = nt_addr(wt_ip(0, WT_GUEST));
	struct nt_raw raw;
	size_t n;
	int rc;

	if (nt_ifmac(NULL, wt_ifname(0, WT_GUEST), wmac) ||
	    nt_raw_open(&raw, WT_PEER_NS, wt_ifname(0, WT_PEER), 0))
		return -1;
	n = nt_eth(f, wmac, raw.mac, ETH_P_IP);
	nt_udp(ip + NT_IP_HLEN, src, dst, 7400, 7401, "pending", 7);
	nt_ip(ip, NT_IP_HLEN + NT_UDP_HLEN + 7, 0x6000 + cycle, 0, 64,
	      IPPROTO_UDP, src, dst);
	rc = nt_raw_send(&raw, f, n + NT_IP_HLEN + NT_UDP_HLEN + 7);
	nt_ip(ip, NT_IP_HLEN + 16, 0x6100 + cycle, IP_MF, 64, IPPROTO_UDP,
	      nt_addr(wt_ip(0, WT_PEER)), dst);
	rc |= nt_raw_send(&raw, f, n + NT_IP_HLEN + 16);
	nt_raw_close(&raw);
	return rc;
}

/* One cycle: wren up on eth0, traffic both ways, pending work, unload. */
static int cycle(struct __test_metadata *_metadata, int i)
{
	int err, tries;

	if (!wt_module_loaded("wren") && load())
		return -1;
	if (nt_pair_up(0)) {
		TH_LOG("cycle %d: setting up eth0 failed", i);
		return -1;
	}
	if (nt_runq(WT_PEER_NS, "ping -c 1 -W 3 %s", wt_ip(0, WT_GUEST))) {
		TH_LOG("cycle %d: the peer's ping got no answer", i);
		return -1;
	}
	if (nt_runq(NULL, "wrenping -c 1 -W 3 %s", wt_ip(0, WT_PEER))) {
		TH_LOG("cycle %d: wrenping got no answer", i);
		return -1;
	}
	if (leave_pending(i))
		return -1;
	wt_msleep(50);
	if (i % 2)
		nt_wren_detach(NULL, wt_ifname(0, WT_GUEST));
	err = unload(2000, &tries);
	if (err) {
		TH_LOG("cycle %d: delete_module: %s", i, strerror(err));
		return -1;
	}
	if (tries > 1)
		TH_LOG("cycle %d: unloaded after %d attempts", i, tries);
	if (wt_module_loaded("wren") || !access("/proc/net/wren", F_OK)) {
		TH_LOG("cycle %d: wren still there after unload", i);
		return -1;
	}
	return 0;
}

/*
 * Unload while wren's echo replies still sit in a qdisc of eth0 (netem
 * holds them 1 s): they go out or are freed later without touching the
 * module that made them.
 */
TEST_F(mod, unload_with_packets_in_qdisc)
{
	const char *g = wt_ifname(0, WT_GUEST);
	struct wt_bg *bg;
	int err, tries;

	nt_runq(NULL, "modprobe sch_netem");
	ASSERT_EQ(0, nt_pair_up(0));
	ASSERT_EQ(0, nt_run(NULL, "tc qdisc add dev %s root netem delay 1s",
			    g));
	/* Four requests, 0.1 s apart; the replies are held. */
	bg = wt_bg_start(WT_PEER_NS, "ping -c 4 -i 0.1 -W 3 %s",
			 wt_ip(0, WT_GUEST));
	ASSERT_NE(NULL, bg);
	wt_msleep(700);
	nt_wren_detach(NULL, g);
	err = unload(2000, &tries);
	EXPECT_EQ(0, err) {
		TH_LOG("delete_module: %s", strerror(err));
	}
	wt_bg_wait(bg, 5000);
	TH_LOG("ping: %s", bg->out ? bg->out : "");
	wt_bg_free(bg);
	nt_runq(NULL, "tc qdisc del dev %s root", g);
	EXPECT_EQ(0, wt_dmesg_count(WT_DMESG_BUG));
	if (!err)
		ASSERT_EQ(0, load());
}

/*
 * Unload while the peer floods wren with echoes, small and fragmented, so
 * that packets are in flight in every layer when the module goes.
 */
TEST_F(mod, unload_under_flood)
{
	struct wt_bg *f1, *f2;
	int err, tries, i;

	ASSERT_EQ(0, nt_pair_up(0));
	f1 = wt_bg_start(WT_PEER_NS, "ping -f -w 8 %s", wt_ip(0, WT_GUEST));
	f2 = wt_bg_start(WT_PEER_NS, "ping -f -s 3000 -w 8 %s",
			 wt_ip(0, WT_GUEST));
	ASSERT_NE(NULL, f1);
	ASSERT_NE(NULL, f2);
	for (i = 0; i < 3; i++) {
		wt_msleep(700);
		err = unload(2000, &tries);
		EXPECT_EQ(0, err) {
			TH_LOG("delete_module under flood: %s", strerror(err));
		}
		if (err)
			break;
		ASSERT_EQ(0, load());
		ASSERT_EQ(0, nt_pair_up(0));
	}
	wt_bg_free(f1);
	wt_bg_free(f2);
	EXPECT_EQ(0, wt_dmesg_count(WT_DMESG_BUG));
	ASSERT_EQ(0, ensure_loaded());
}

TEST_F_TIMEOUT(mod, twenty_cycles, 300)
{
	struct wt_mem m0, m1;
	int i;

	ASSERT_EQ(0, wt_dmesg_count(WT_DMESG_BUG));
	/* A first cycle warms up whatever is allocated once. */
	ASSERT_EQ(0, cycle(_metadata, 0));
	ASSERT_EQ(0, wt_mem_snapshot(&m0, true));
	for (i = 1; i <= 20; i++)
		ASSERT_EQ(0, cycle(_metadata, i));
	wt_msleep(1000);
	ASSERT_EQ(0, wt_mem_snapshot(&m1, true));
	TH_LOG("MemFree %lld -> %lld KiB, Slab %lld -> %lld KiB, "
	       "SUnreclaim %lld -> %lld KiB", m0.memfree, m1.memfree,
	       m0.slab, m1.slab, m0.sunreclaim, m1.sunreclaim);
	EXPECT_GE(512, m1.sunreclaim - m0.sunreclaim);
	/*
	 * MemFree moves by +-15 MiB between snapshots in this guest even with
	 * caches dropped (pages parked on per-CPU lists), so it only catches
	 * gross leaks (over ~1.6 MiB a cycle); Slab is the fine measure.
	 */
	EXPECT_GE(32768, m0.memfree - m1.memfree);
	EXPECT_EQ(0, wt_dmesg_count(WT_DMESG_BUG));
	ASSERT_EQ(0, load());
	/* And it still works after all that. */
	ASSERT_EQ(0, nt_pair_up(0));
	EXPECT_EQ(0, nt_wrenping(NULL, wt_ip(0, WT_PEER), 2));
}

WT_HARNESS_MAIN
