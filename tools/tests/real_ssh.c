// SPDX-License-Identifier: GPL-2.0
/*
 * real_ssh: Debian's OpenSSH, unmodified, on wren through wren-run: sshd
 * (Debian's sshd_config, PAM, privilege separation) with Linux's ssh and
 * scp as clients, and ssh/scp under wren-run against Linux's sshd; a 16 MiB
 * file each way, hashes compared.  Host and user keys are made here, at run
 * time.  wren is on eth0 (192.0.2.1/28), Linux on peer0 (192.0.2.2); the
 * two namespaces share one file system, so each copy gets its own name.
 */
#include "kselftest_harness.h"
#include "tcp.h"

#define RUN	"wren-run"
#define FILE16	"/tmp/ssh16"
#define SSH_OPTS "-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null " \
		 "-o BatchMode=yes -o LogLevel=ERROR -i /root/.ssh/id_ed25519"

static int make_keys(void)
{
	return wt_sh("mkdir -p /run/sshd /root/.ssh && chmod 700 /root/.ssh && "
		     "rm -f /etc/ssh/ssh_host_ed25519_key* /root/.ssh/id_ed25519* && "
		     "ssh-keygen -q -t ed25519 -N '' -f /etc/ssh/ssh_host_ed25519_key && "
		     "ssh-keygen -q -t ed25519 -N '' -f /root/.ssh/id_ed25519 && "
		     "cp /root/.ssh/id_ed25519.pub /root/.ssh/authorized_keys && "
		     "head -c %lld /dev/urandom > " FILE16, 16 * WT_MIB);
}

FIXTURE(ssh) {
	struct wt_bg *sshd;
	int port;
};

FIXTURE_SETUP(ssh)
{
	ASSERT_EQ(0, ws_net_up());
	ASSERT_NE(0, wt_shq("ip -4 addr show dev eth0 | grep -q inet"));
	ASSERT_EQ(0, wt_once("real-ssh-keys", make_keys));
	self->port = wt_ports(1);
	ASSERT_LT(0, self->port);
	self->sshd = NULL;
}

FIXTURE_TEARDOWN(ssh)
{
	wt_bg_free(self->sshd);
	wt_shq("rm -f /tmp/ssh16.*");
}

/* sshd on wren (under wren-run) or on Linux (in the peer namespace). */
static struct wt_bg *sshd(struct __test_metadata *_metadata, bool wren,
			  int port)
{
	struct wt_bg *bg;

	bg = wt_bg_start(wren ? NULL : WT_PEER_NS,
			 "exec %s/usr/sbin/sshd -D -e -p %d "
			 "-o PidFile=/run/sshd-%d.pid",
			 wren ? RUN " " : "", port, port);
	if (!bg)
		return NULL;
	if (!WT_WAIT(10000, wren ?
		     !wt_shq("wrenstat -ltn | grep -q ':%d '", port) :
		     !wt_peerq("ss -Hltn sport = :%d | grep -q .", port))) {
		wt_bg_wait(bg, 100);
		TH_LOG("sshd is not listening on %d: %s", port, bg->out);
		wt_bg_free(bg);
		return NULL;
	}
	return bg;
}

/* Linux's ssh and scp against sshd under wren-run. */
TEST_F_TIMEOUT(ssh, wren_sshd, 240)
{
	long long passive = nt_mib(NULL, "Tcp", "PassiveOpens");
	char *out, *want = wt_out("sha256sum < " FILE16);

	ASSERT_NE(NULL, want);
	self->sshd = sshd(_metadata, true, self->port);
	ASSERT_NE(NULL, self->sshd);
	/* A command run by the server: its output comes back over wren. */
	out = wt_peer_out("ssh " SSH_OPTS " -p %d root@%s 'sha256sum < "
			  FILE16 "'", self->port, WS_WREN_IP);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_STREQ(want, out ? out : "");
	free(out);
	free(want);
	EXPECT_EQ(0, wt_peer("scp -q " SSH_OPTS " -P %d " FILE16
			     " root@%s:" FILE16 ".up", self->port, WS_WREN_IP));
	EXPECT_TRUE(wt_same_sha256(FILE16, FILE16 ".up"));
	EXPECT_EQ(0, wt_peer("scp -q " SSH_OPTS " -P %d root@%s:" FILE16
			     " " FILE16 ".down", self->port, WS_WREN_IP));
	EXPECT_TRUE(wt_same_sha256(FILE16, FILE16 ".down"));
	EXPECT_LE(passive + 3, nt_mib(NULL, "Tcp", "PassiveOpens"));
}

/* ssh and scp under wren-run against Linux's sshd. */
TEST_F_TIMEOUT(ssh, wren_ssh_and_scp, 240)
{
	long long opens = nt_mib(NULL, "Tcp", "ActiveOpens");
	char *out;

	self->sshd = sshd(_metadata, false, self->port);
	ASSERT_NE(NULL, self->sshd);
	out = wt_out(RUN " ssh " SSH_OPTS " -p %d root@%s 'echo hello from $(hostname)'",
		     self->port, WS_PEER_IP);
	EXPECT_EQ(0, wt_out_status);
	EXPECT_STREQ("hello from wren-guest", out ? out : "");
	free(out);
	EXPECT_EQ(0, wt_sh(RUN " scp -q " SSH_OPTS " -P %d " FILE16
			   " root@%s:" FILE16 ".up", self->port, WS_PEER_IP));
	EXPECT_TRUE(wt_same_sha256(FILE16, FILE16 ".up"));
	EXPECT_EQ(0, wt_sh(RUN " scp -q " SSH_OPTS " -P %d root@%s:" FILE16
			   " " FILE16 ".down", self->port, WS_PEER_IP));
	EXPECT_TRUE(wt_same_sha256(FILE16, FILE16 ".down"));
	EXPECT_LE(opens + 3, nt_mib(NULL, "Tcp", "ActiveOpens"));
}

TEST_HARNESS_MAIN
