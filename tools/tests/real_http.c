// SPDX-License-Identifier: GPL-2.0
/*
 * real_http: Debian's own curl, wget, nginx and ab, unmodified, on wren
 * through wren-run, against the same programs on Linux's stack in the peer
 * namespace.  wren is on eth0 (192.0.2.1/28), Linux on peer0 (192.0.2.2);
 * Linux's stack in this namespace has no address, so a socket that slipped
 * past wren-run could reach nobody, and wren's own counters must show the
 * connections.
 *
 * nginx under wren-run runs Debian's default configuration as installed
 * (user www-data, "listen 80" beside "listen [::]:80", sendfile and
 * tcp_nopush on); the 64 MiB file is made at run time and linked into its
 * document root.
 */
#include "kselftest_harness.h"
#include "tcp.h"

#define RUN		"wren-run"
#define BIG		"/tmp/www/big"
#define BIG_BYTES	(64 * WT_MIB)
#define PEER_PORT	8080

/* The peer's nginx: a small configuration of its own, files from /tmp/www. */
static const char peer_conf[] =
	"daemon off; worker_processes 1; pid /tmp/nginx-peer.pid;\n"
	"error_log /tmp/nginx-peer.err;\n"
	"events { worker_connections 256; }\n"
	"http { access_log off; sendfile on; tcp_nopush on;\n"
	"  server { listen 8080; root /tmp/www; } }\n";

static int make_big(void)
{
	return wt_sh("mkdir -p /tmp/www && head -c %lld /dev/urandom > " BIG
		     " && ln -sf " BIG " /var/www/html/big", BIG_BYTES);
}

/* Whether an HTTP GET of @url from namespace @ns answers 200. */
static bool http_ok(const char *ns, const char *url)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd),
		 "curl -s -I -o /dev/null -m 5 -w '%%{http_code}' %s | grep -q 200",
		 url);
	return wt_run(ns, cmd) == 0;
}

FIXTURE(http) {
	struct wt_bg *nginx;
	long long opens, passive;
};

FIXTURE_SETUP(http)
{
	ASSERT_EQ(0, ws_net_up());
	ASSERT_NE(0, wt_shq("ip -4 addr show dev eth0 | grep -q inet"));
	ASSERT_EQ(0, wt_once("real-http-big", make_big));
	self->opens = nt_mib(NULL, "Tcp", "ActiveOpens");
	self->passive = nt_mib(NULL, "Tcp", "PassiveOpens");
	self->nginx = NULL;
}

FIXTURE_TEARDOWN(http)
{
	wt_bg_free(self->nginx);
	wt_shq("rm -f /tmp/http.out");
}

/* Linux's nginx in the peer namespace, serving /tmp/www on PEER_PORT. */
static struct wt_bg *peer_nginx(struct __test_metadata *_metadata)
{
	struct wt_bg *bg;
	char url[64];

	if (wt_write_file("/tmp/nginx-peer.conf", "%s", peer_conf))
		return NULL;
	bg = wt_bg_start(WT_PEER_NS, "exec nginx -c /tmp/nginx-peer.conf");
	snprintf(url, sizeof(url), "http://%s:%d/big", WS_PEER_IP, PEER_PORT);
	if (bg && !WT_WAIT(10000, http_ok(WT_PEER_NS, url))) {
		wt_sh("cat /tmp/nginx-peer.err");
		wt_bg_free(bg);
		return NULL;
	}
	return bg;
}

/* nginx under wren-run with Debian's default configuration. */
static struct wt_bg *wren_nginx(struct __test_metadata *_metadata)
{
	struct wt_bg *bg;

	wt_shq("rm -f /var/log/nginx/error.log");
	bg = wt_bg_start(NULL, "exec " RUN " nginx -g 'daemon off;'");
	if (bg && !WT_WAIT(10000, http_ok(WT_PEER_NS,
					  "http://" WS_WREN_IP "/"))) {
		wt_sh("cat /var/log/nginx/error.log; wrenstat -ltn");
		wt_bg_free(bg);
		return NULL;
	}
	return bg;
}

TEST_F_TIMEOUT(http, curl_64m_from_nginx_on_linux, 300)
{
	self->nginx = peer_nginx(_metadata);
	ASSERT_NE(NULL, self->nginx);
	EXPECT_EQ(0, wt_sh(RUN " curl -sS -m 240 -o /tmp/http.out "
			   "-w '# curl: %%{size_download} bytes, "
			   "%%{speed_download} B/s\\n' http://%s:%d/big",
			   WS_PEER_IP, PEER_PORT))
		wt_sh("ls -l /tmp/http.out; wrenstat -tn");
	EXPECT_TRUE(wt_same_sha256(BIG, "/tmp/http.out"));
	EXPECT_LT(self->opens, nt_mib(NULL, "Tcp", "ActiveOpens"));
}

TEST_F_TIMEOUT(http, wget_64m_from_nginx_on_linux, 300)
{
	self->nginx = peer_nginx(_metadata);
	ASSERT_NE(NULL, self->nginx);
	EXPECT_EQ(0, wt_sh(RUN " wget -q -T 240 -O /tmp/http.out http://%s:%d/big",
			   WS_PEER_IP, PEER_PORT));
	EXPECT_TRUE(wt_same_sha256(BIG, "/tmp/http.out"));
	EXPECT_LT(self->opens, nt_mib(NULL, "Tcp", "ActiveOpens"));
}

/* Linux's curl fetches from nginx on wren (sendfile, TCP_CORK). */
TEST_F_TIMEOUT(http, linux_curl_64m_from_wren_nginx, 300)
{
	self->nginx = wren_nginx(_metadata);
	ASSERT_NE(NULL, self->nginx);
	EXPECT_EQ(0, wt_peer("curl -sS -m 240 -o /tmp/http.out "
			     "-w '# curl: %%{size_download} bytes, "
			     "%%{speed_download} B/s\\n' http://%s/big",
			     WS_WREN_IP));
	EXPECT_TRUE(wt_same_sha256(BIG, "/tmp/http.out"));
	EXPECT_LT(self->passive, nt_mib(NULL, "Tcp", "PassiveOpens"));
	/* Both of Debian's listeners: 80 and the V6ONLY [::]:80. */
	EXPECT_EQ(0, wt_sh("wrenstat -ltn | grep -q ':80 '"));
}

/* The value after "@key:" in ab's report, or -1. */
static long long ab_field(const char *out, const char *key)
{
	const char *p = out ? strstr(out, key) : NULL;

	return p ? atoll(p + strlen(key) + 1) : -1;
}

static void ab_run(struct __test_metadata *_metadata, const char *opts,
		   long long passive)
{
	char *out;

	out = wt_peer_out("ab -q -n 1000 -c 20 %s http://%s/ 2>&1", opts,
			  WS_WREN_IP);
	ASSERT_NE(NULL, out);
	EXPECT_EQ(0, wt_out_status) TH_LOG("%s", out);
	EXPECT_EQ(1000, ab_field(out, "Complete requests")) TH_LOG("%s", out);
	EXPECT_EQ(0, ab_field(out, "Failed requests")) TH_LOG("%s", out);
	EXPECT_EQ(NULL, strstr(out, "Non-2xx")) TH_LOG("%s", out);
	TH_LOG("ab %s: %lld requests/s, %lld connections", opts,
	       ab_field(out, "Requests per second"),
	       nt_mib(NULL, "Tcp", "PassiveOpens") - passive);
	free(out);
}

TEST_F_TIMEOUT(http, ab_1000_keepalive, 300)
{
	self->nginx = wren_nginx(_metadata);
	ASSERT_NE(NULL, self->nginx);
	ab_run(_metadata, "-k", self->passive);
	/* Keep-alive: 20 connections carried the 1000 requests. */
	EXPECT_GT(self->passive + 100, nt_mib(NULL, "Tcp", "PassiveOpens"));
}

TEST_F_TIMEOUT(http, ab_1000_without_keepalive, 300)
{
	self->nginx = wren_nginx(_metadata);
	ASSERT_NE(NULL, self->nginx);
	ab_run(_metadata, "", self->passive);
	EXPECT_LE(self->passive + 1000, nt_mib(NULL, "Tcp", "PassiveOpens"));
}

TEST_HARNESS_MAIN
