// SPDX-License-Identifier: GPL-2.0
/*
 * net_share: one NIC for both stacks.  Linux holds 192.0.2.5 on eth0 and
 * wren, attached shared (the default), 192.0.2.1; the peer (Linux, peer0)
 * is 192.0.2.2.  wren takes only what is its own, so Linux's connections
 * on the same NIC go on while wren attaches, moves data and detaches.
 */
#include "kselftest_harness.h"
#include "tcp.h"

#define LINUX_IP	"192.0.2.5"

FIXTURE(share) {
	int unused;
};

FIXTURE_SETUP(share)
{
	ASSERT_EQ(0, ws_net_up());
	ASSERT_EQ(0, wt_sh("ip addr add " LINUX_IP "/28 dev eth0 2>/dev/null || "
			   "ip addr show dev eth0 | grep -q " LINUX_IP));
	/* Linux reaches the peer on its own. */
	ASSERT_EQ(0, wt_sh("ping -q -c 1 -W 5 -I " LINUX_IP " " WS_PEER_IP
			   " >/dev/null"));
}

FIXTURE_TEARDOWN(share)
{
	wt_shq("ip addr del " LINUX_IP "/28 dev eth0");
	/* Leave wren as ws_net_up() made it, for the tests after us. */
	if (wt_shq("wrenctl link show eth0 | grep -q " WS_WREN_IP)) {
		nt_wren_attach(NULL, "eth0", WS_WREN_IP "/28");
		wt_once_forget("ws-net");
	}
}

/*
 * A Linux TCP transfer runs from before wren attaches to after it
 * detaches; in between wren moves 64 MiB of its own and both stacks ping
 * the peer.  Both transfers arrive whole.
 */
TEST_F(share, linux_keeps_its_connection_through_attach_and_detach)
{
	struct wt_xfer lx = {
		.recv_ns = WT_PEER_NS, .host = WS_PEER_IP,
		.port = wt_ports(1), .bytes = 48LL << 20, .timeout_ms = 300000,
	};
	struct wt_xfer wx = {
		.recv_ns = WT_PEER_NS, .host = WS_PEER_IP,
		.port = wt_ports(1), .bytes = 64LL << 20, .timeout_ms = 300000,
	};
	long long taken = nt_mib(NULL, "WrenFrames", "InFrames");
	struct wt_bg *lrcv, *lsnd;

	nt_wren_detach(NULL, "eth0");
	lx.opts = "";
	lrcv = wt_xfer_recv_start(&lx);
	ASSERT_NE(NULL, lrcv);
	lsnd = wt_bg_start(NULL, "exec wt-xfer send --timeout 300 %s %d %lld",
			   WS_PEER_IP, lx.port, lx.bytes);
	ASSERT_NE(NULL, lsnd);
	usleep(500 * 1000);

	ASSERT_EQ(0, nt_wren_attach(NULL, "eth0", WS_WREN_IP "/28"));
	EXPECT_EQ(0, nt_run(NULL, "wrenctl link show eth0 | grep -q shared"));
	EXPECT_EQ(0, tt_xfer(&wx, "--family wren", ""));
	EXPECT_STREQ(wx.snd.sha256, wx.rcv.sha256);
	EXPECT_EQ(0, nt_wrenping(NULL, WS_PEER_IP, 3));
	EXPECT_EQ(0, wt_sh("ping -q -c 3 -i 0.2 -W 2 -I " LINUX_IP " "
			   WS_PEER_IP " >/dev/null"));
	nt_wren_detach(NULL, "eth0");

	EXPECT_EQ(0, wt_xfer_finish(&lx, lrcv, lsnd));
	EXPECT_EQ(lx.bytes, lx.rcv.bytes);
	EXPECT_STREQ(lx.snd.sha256, lx.rcv.sha256);
	/*
	 * wren took frames (its own transfer's), and Linux's connection
	 * lived through it: had wren taken Linux's ACKs, it would not have.
	 */
	EXPECT_LT(taken, nt_mib(NULL, "WrenFrames", "InFrames"));
	ASSERT_EQ(0, nt_wren_attach(NULL, "eth0", WS_WREN_IP "/28"));
}

/* Both stacks learn the peer from ARP on the one NIC. */
TEST_F(share, both_stacks_resolve_the_peer)
{
	wt_shq("ip neigh flush dev eth0");
	wt_shq("wrenctl arp flush dev eth0");
	EXPECT_EQ(0, nt_wrenping(NULL, WS_PEER_IP, 1));
	EXPECT_EQ(0, wt_sh("ping -q -c 1 -W 2 -I " LINUX_IP " " WS_PEER_IP
			   " >/dev/null"));
	EXPECT_EQ(0, wt_sh("grep -q '^" WS_PEER_IP " ' /proc/net/wren/arp"));
	EXPECT_EQ(0, wt_sh("ip neigh show " WS_PEER_IP " dev eth0 | "
			   "grep -qE 'REACHABLE|STALE|DELAY'"));
	/* The peer knows both of us behind the same MAC. */
	EXPECT_EQ(0, wt_peer("ip neigh show " WS_WREN_IP " | grep -q lladdr"));
	EXPECT_EQ(0, wt_peer("ip neigh show " LINUX_IP " | grep -q lladdr"));
}

/* wren-run's busybox wget and Linux's fetch from the peer at once. */
TEST_F(share, wren_and_linux_fetch_at_once)
{
	int port = wt_ports(1);
	struct wt_bg *httpd, *w, *l;
	char *a, *b, *c;

	ASSERT_EQ(0, wt_peer("mkdir -p /tmp/www && "
			     "head -c 8388608 /dev/urandom > /tmp/www/s"));
	httpd = wt_bg_start(WT_PEER_NS, "exec busybox httpd -f -p %d -h /tmp/www",
			    port);
	ASSERT_NE(NULL, httpd);
	usleep(300 * 1000);
	w = wt_bg_start(NULL, "exec wren-run busybox wget -q -O /tmp/share.w "
			"http://%s:%d/s", WS_PEER_IP, port);
	l = wt_bg_start(NULL, "exec busybox wget -q -O /tmp/share.l "
			"http://%s:%d/s", WS_PEER_IP, port);
	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, l);
	EXPECT_EQ(0, wt_bg_wait(w, 120000));
	EXPECT_EQ(0, wt_bg_wait(l, 120000));
	a = wt_peer_out("sha256sum < /tmp/www/s");
	b = wt_out("sha256sum < /tmp/share.w");
	c = wt_out("sha256sum < /tmp/share.l");
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, c);
	EXPECT_STREQ(a, b);
	EXPECT_STREQ(a, c);
	free(a);
	free(b);
	free(c);
	wt_bg_free(w);
	wt_bg_free(l);
	wt_bg_free(httpd);
	wt_shq("rm -f /tmp/share.w /tmp/share.l");
}

TEST_HARNESS_MAIN
