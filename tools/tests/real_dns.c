// SPDX-License-Identifier: GPL-2.0
/*
 * real_dns: names resolve under wren-run.  Debian's dnsmasq answers on the
 * Linux peer (192.0.2.2); /etc/resolv.conf points at it; glibc's resolver
 * in getent and curl, unmodified, sends its queries over wren's UDP.  Only
 * wren holds IPv4 in this namespace, so getaddrinfo's AI_ADDRCONFIG test
 * (rtnetlink's address dump) must see wren's addresses: wren-run's shadow
 * rtnetlink namespace.  Proof that wren carried the queries: in this
 * namespace wren's Udp InDatagrams rises and Linux's does not.
 */
#include "kselftest_harness.h"
#include "tcp.h"

#define RUN	"wren-run"
#define NAME	"web.wren.test"

FIXTURE(dns) {
	struct wt_bg *dnsmasq, *httpd;
	long long wren_in, linux_in;
};

FIXTURE_SETUP(dns)
{
	ASSERT_EQ(0, ws_net_up());
	ASSERT_NE(0, wt_shq("ip -4 addr show dev eth0 | grep -q inet"));
	ASSERT_EQ(0, wt_write_file("/etc/resolv.conf", "nameserver %s\n",
				   WS_PEER_IP));
	self->dnsmasq = wt_bg_start(WT_PEER_NS,
		"exec dnsmasq --no-daemon --conf-file=/dev/null --no-resolv "
		"--no-hosts --user=root --bind-interfaces --listen-address=%s "
		"--address=/" NAME "/%s --log-queries --log-facility=-",
		WS_PEER_IP, WS_PEER_IP);
	ASSERT_NE(NULL, self->dnsmasq);
	ASSERT_TRUE(WT_WAIT(10000, !wt_peerq("ss -Hlun sport = :53 | grep -q .")));
	self->httpd = NULL;
	self->wren_in = nt_mib(NULL, "Udp", "InDatagrams");
	self->linux_in = wt_snmp(NULL, "/proc/net/snmp", "Udp", "InDatagrams");
	ASSERT_LE(0, self->wren_in);
	ASSERT_LE(0, self->linux_in);
}

FIXTURE_TEARDOWN(dns)
{
	wt_bg_free(self->dnsmasq);
	wt_bg_free(self->httpd);
	unlink("/etc/resolv.conf");
}

/* The answers came in on wren's UDP, none on Linux's. */
static void udp_was_wrens(struct __test_metadata *_metadata,
			  long long wren_in, long long linux_in)
{
	EXPECT_LT(wren_in, nt_mib(NULL, "Udp", "InDatagrams"));
	EXPECT_EQ(linux_in, wt_snmp(NULL, "/proc/net/snmp", "Udp",
				    "InDatagrams"));
}

TEST_F(dns, getent_ahostsv4)
{
	char *out = wt_out(RUN " getent ahostsv4 " NAME);

	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_NE(NULL, strstr(out, WS_PEER_IP " ")) TH_LOG("%s", out);
	free(out);
	udp_was_wrens(_metadata, self->wren_in, self->linux_in);
}

/* Without wren-run, Linux's stack has no route to the resolver at all. */
TEST_F(dns, without_wren_run_no_answer)
{
	EXPECT_NE(0, wt_sh("timeout 20 getent ahostsv4 " NAME));
	EXPECT_EQ(self->wren_in, nt_mib(NULL, "Udp", "InDatagrams"));
}

TEST_F(dns, curl_by_name)
{
	char *out;

	ASSERT_EQ(0, wt_sh("mkdir -p /tmp/dnswww && echo hello-by-name > "
			   "/tmp/dnswww/index.html"));
	self->httpd = wt_bg_start(WT_PEER_NS,
				  "exec busybox httpd -f -p 80 -h /tmp/dnswww");
	ASSERT_NE(NULL, self->httpd);
	ASSERT_TRUE(WT_WAIT(10000, !wt_peerq("ss -Hltn sport = :80 | grep -q .")));
	out = wt_out(RUN " curl -sS -m 30 http://" NAME "/");
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_STREQ("hello-by-name", out);
	free(out);
	udp_was_wrens(_metadata, self->wren_in, self->linux_in);
}

TEST_HARNESS_MAIN
