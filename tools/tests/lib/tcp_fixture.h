/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixtures the TCP test programs share (include after
 * kselftest_harness.h).  Each test runs in its own process and draws its
 * own block of ports from the boot-wide allocator, so no two tests of a
 * boot meet each other's TIME_WAITs.
 *
 *   sock  a fresh AF_WREN stream socket (fd), and the wren-to-wren veth
 *         pair "tcp" (v) for the tests that go wren to wren
 *   peer  wren on eth0 against the peer's Linux TCP: a pair (w, l) for the
 *         test to open, netem off before and after, SIGPIPE counted in
 *         tt_sigpipes rather than fatal, and two on-link addresses whose
 *         ARP entries point at a MAC nobody has (WS_DEAD_IP, TT_NOBODY_IP)
 *   veth  wren at both ends of the veth pair "tcp": a here, b there
 */
#ifndef _WREN_TCP_FIXTURE_H
#define _WREN_TCP_FIXTURE_H

#include <signal.h>
#include "tcp.h"

#define TT_NOBODY_IP	"192.0.2.10"	/* on link, static ARP to nobody */
#define TT_NOBODY_MAC	"02:00:00:00:00:99"
#define TT_PORTS	64		/* each test's block of ports */

/* ---- sock ------------------------------------------------------------- */

FIXTURE(sock) {
	int fd, port;
	struct ws_veth v;
};

FIXTURE_SETUP(sock)
{
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, ws_net_up());
	ASSERT_EQ(0, ws_veth_up("tcp", &self->v));
	self->port = wt_ports(TT_PORTS);
	ASSERT_LT(0, self->port);
	self->fd = socket(AF_WREN, SOCK_STREAM, 0);
	ASSERT_LE(0, self->fd) TH_LOG("socket: %s", strerror(errno));
}

FIXTURE_TEARDOWN(sock)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* ---- peer ------------------------------------------------------------- */

static volatile sig_atomic_t tt_sigpipes;

static inline void tt_on_sigpipe(int sig)
{
	(void)sig;
	tt_sigpipes++;
}

static inline void tt_peer_clean(void)
{
	tt_netem_off();
	wt_shq("wrenctl arp del " WS_DEAD_IP " dev eth0 2>/dev/null");
	wt_shq("wrenctl arp del " TT_NOBODY_IP " dev eth0 2>/dev/null");
}

FIXTURE(peer) {
	int w, l, port;
};

FIXTURE_SETUP(peer)
{
	struct sigaction sa = { .sa_handler = tt_on_sigpipe };

	sigaction(SIGPIPE, &sa, NULL);
	self->w = -1;
	self->l = -1;
	ASSERT_EQ(0, ws_net_up());
	self->port = wt_ports(TT_PORTS);
	ASSERT_LT(0, self->port);
	wt_shq("modprobe sch_netem");
	tt_peer_clean();
	ASSERT_EQ(0, wt_sh("wrenctl arp add " WS_DEAD_IP " lladdr "
			   TT_NOBODY_MAC " dev eth0 && wrenctl arp add "
			   TT_NOBODY_IP " lladdr " TT_NOBODY_MAC " dev eth0"));
}

FIXTURE_TEARDOWN(peer)
{
	if (self->w >= 0)
		close(self->w);
	if (self->l >= 0)
		close(self->l);
	tt_peer_clean();
	wt_peerq("tc qdisc del dev pm0 root 2>/dev/null");
	wt_peerq("ethtool -K peer0 gro on");
}

/* ---- veth ------------------------------------------------------------- */

FIXTURE(veth) {
	int a, b, port;
	struct ws_veth v;
};

FIXTURE_SETUP(veth)
{
	signal(SIGPIPE, SIG_IGN);
	self->a = -1;
	self->b = -1;
	ASSERT_EQ(0, ws_net_up());
	wt_shq("modprobe sch_netem");
	ASSERT_EQ(0, ws_veth_up("tcp", &self->v));
	self->port = wt_ports(TT_PORTS);
	ASSERT_LT(0, self->port);
}

FIXTURE_TEARDOWN(veth)
{
	wt_peerq("tc qdisc del dev peer0 root 2>/dev/null");
	wt_shq("tc qdisc del dev %s root 2>/dev/null", self->v.d0);
	wt_shq("ip netns exec %s tc qdisc del dev %s root 2>/dev/null",
	       self->v.ns, self->v.d1);
	if (self->a >= 0)
		close(self->a);
	if (self->b >= 0)
		close(self->b);
}

/* A connected wren pair over the veth: *c at the far end, *s here. */
static inline int tt_veth_pair(const struct ws_veth *v, int port, int *c,
			       int *s)
{
	struct sockaddr_wren a = nt_swren(v->ip0, port);
	int l = tt_listener(port, 4);

	if (l < 0)
		return -1;
	*c = nt_socket(v->ns, AF_WREN, SOCK_STREAM, 0);
	if (*c < 0 || connect(*c, (struct sockaddr *)&a, sizeof(a))) {
		close(l);
		return -1;
	}
	*s = accept(l, NULL, NULL);
	close(l);
	return *s < 0 ? -1 : 0;
}

#endif /* _WREN_TCP_FIXTURE_H */
