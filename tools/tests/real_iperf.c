// SPDX-License-Identifier: GPL-2.0
/*
 * real_iperf: Debian's iperf3, unmodified, on wren through wren-run against
 * iperf3 on Linux's stack in the peer namespace, wren as server and as
 * client: TCP both directions (-R), four streams (-P 4) and UDP at 50
 * Mbit/s.  iperf3's own JSON report must say the bytes arrived.  wren is on
 * eth0 (192.0.2.1/28), Linux on peer0 (192.0.2.2); Linux's stack here has no
 * address.  The wren server is "iperf3 -s" as typed, which listens on
 * [::]:PORT, an IPv4-mapped AF_INET6 socket.
 */
#include "kselftest_harness.h"
#include "tcp.h"

#define RUN	"wren-run"
#define SECS	3

/* The number after "@key": inside the object named @obj of @json, or -1. */
static double json_num(const char *json, const char *obj, const char *key)
{
	char k[64];
	const char *p;

	p = json ? strstr(json, obj) : NULL;
	if (!p)
		return -1;
	snprintf(k, sizeof(k), "\"%s\":", key);
	p = strstr(p, k);
	return p ? strtod(p + strlen(k), NULL) : -1;
}

FIXTURE(iperf) {
	int port;
};

FIXTURE_SETUP(iperf)
{
	ASSERT_EQ(0, ws_net_up());
	ASSERT_NE(0, wt_shq("ip -4 addr show dev eth0 | grep -q inet"));
	self->port = wt_ports(1);
	ASSERT_LT(0, self->port);
}

FIXTURE_TEARDOWN(iperf)
{
}

/*
 * One iperf3 run: the server (-s -1: one test) on wren or on Linux, the
 * client on the other side with @opts.  Returns the client's JSON report.
 */
static char *iperf(struct __test_metadata *_metadata, bool wren_server,
		   int port, const char *opts)
{
	const char *srv_ns = wren_server ? NULL : WT_PEER_NS;
	struct wt_bg *srv;
	char *out;

	srv = wt_bg_start(srv_ns, "exec %siperf3 -s -1 -p %d",
			  wren_server ? RUN " " : "", port);
	if (!srv)
		return NULL;
	/* Its listener, as each stack's netstat shows it. */
	if (!WT_WAIT(10000, wren_server ?
		     !wt_shq("wrenstat -ltn | grep -q ':%d '", port) :
		     !wt_peerq("ss -Hltn sport = :%d | grep -q .", port))) {
		TH_LOG("iperf3 -s is not listening on %d", port);
		wt_bg_free(srv);
		return NULL;
	}
	if (wren_server)
		out = wt_peer_out("iperf3 -c %s -p %d -t %d -J %s", WS_WREN_IP,
				  port, SECS, opts);
	else
		out = wt_out(RUN " iperf3 -c %s -p %d -t %d -J %s", WS_PEER_IP,
			     port, SECS, opts);
	if (wt_out_status)
		TH_LOG("iperf3 %s: status %d\n%s", opts, wt_out_status,
		       out ? out : "");
	wt_bg_wait(srv, 20000);
	if (srv->status)
		TH_LOG("iperf3 -s: status %d\n%s", srv->status, srv->out);
	wt_bg_free(srv);
	return out;
}

/* TCP: what the receiver counted is what was sent, a few seconds of it. */
static void tcp_run(struct __test_metadata *_metadata, bool wren_server,
		    int port, const char *opts)
{
	char *out = iperf(_metadata, wren_server, port, opts);
	double sent, got;

	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	sent = json_num(out, "\"sum_sent\":", "bytes");
	got = json_num(out, "\"sum_received\":", "bytes");
	TH_LOG("%s server, %s: sent %.0f received %.0f bytes, %.1f Mbit/s",
	       wren_server ? "wren" : "Linux", opts, sent, got,
	       json_num(out, "\"sum_received\":", "bits_per_second") / 1e6);
	/*
	 * The sender counts what it wrote, the receiver what it read before
	 * the end: what still sat in buffers then is in one count only.
	 */
	EXPECT_LT(1e6, got);
	EXPECT_LE(got, sent);
	free(out);
}

static void udp_run(struct __test_metadata *_metadata, bool wren_server,
		    int port, const char *opts)
{
	char *out = iperf(_metadata, wren_server, port, opts);
	double bytes, lost;

	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	bytes = json_num(out, "\"end\":", "bytes");
	lost = json_num(out, "\"end\":", "lost_percent");
	TH_LOG("%s server, UDP %s: %.0f bytes, %.1f%% lost",
	       wren_server ? "wren" : "Linux", opts, bytes, lost);
	EXPECT_LT(1e6, bytes);
	EXPECT_LE(0, lost);
	free(out);
}

TEST_F_TIMEOUT(iperf, wren_server_tcp, 120)
{
	tcp_run(_metadata, true, self->port, "");
	tcp_run(_metadata, true, self->port, "-R");
	tcp_run(_metadata, true, self->port, "-P 4");
}

TEST_F_TIMEOUT(iperf, wren_server_udp, 60)
{
	udp_run(_metadata, true, self->port, "-u -b 50M");
}

TEST_F_TIMEOUT(iperf, wren_client_tcp, 120)
{
	tcp_run(_metadata, false, self->port, "");
	tcp_run(_metadata, false, self->port, "-R");
	tcp_run(_metadata, false, self->port, "-P 4");
}

TEST_F_TIMEOUT(iperf, wren_client_udp, 60)
{
	udp_run(_metadata, false, self->port, "-u -b 50M");
}

TEST_HARNESS_MAIN
