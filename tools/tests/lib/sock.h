/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the AF_WREN socket tests (udp_*.c, ping_*.c, tcp_*.c): bring
 * wren up on eth0 against the Linux peer, the peer's sockets, waits and
 * the /proc and snmp views of a socket.  Addresses and sockets in another
 * namespace come from net.h (nt_swren, nt_sin, nt_socket).
 *
 * Address plan: wren on eth0 is 192.0.2.1/28, the Linux peer (peer0 in
 * namespace "peer") 192.0.2.2/28, as wt_ip().  192.0.2.9 is on the link
 * but nobody answers ARP for it; 198.51.100.1 has no route.
 *
 * A socket belongs to the namespace it was created in, so a test makes
 * the peer's AF_INET sockets by entering "peer" just for socket().
 */
#ifndef _WREN_SOCK_TEST_H
#define _WREN_SOCK_TEST_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/wren.h>
#include "net.h"
#include "wt.h"

#define WS_WREN_IP	"192.0.2.1"
#define WS_PEER_IP	"192.0.2.2"
#define WS_BCAST_IP	"192.0.2.15"
#define WS_DEAD_IP	"192.0.2.9"	/* on link, no such host */
#define WS_NOROUTE_IP	"198.51.100.1"

/* An AF_INET UDP socket of the Linux peer, bound to @port (0: any). */
static inline int ws_peer_udp(int port)
{
	return nt_bound(WT_PEER_NS, AF_INET, SOCK_DGRAM, 0, NULL, port, false);
}

/* Wait up to @ms for @events on @fd; the revents, 0 on timeout. */
static inline int ws_wait(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	if (poll(&p, 1, ms) <= 0)
		return 0;
	return p.revents;
}

/* Port (host order) a socket is bound to, -1 on error. */
static inline int ws_local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return -1;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/*
 * Attach wren to eth0 with 192.0.2.1/28, the peer 192.0.2.2/28 on peer0.
 * Idempotent: every test's setup calls it; only the first one acts.
 */
static inline int ws_net_make(void)
{
	wt_verbose = true;
	if (wt_sh("ip link set eth0 up"))
		return -1;
	if (wt_sh("wrenctl link attach eth0 || wrenctl link show eth0"))
		return -1;
	if (wt_sh("wrenctl addr add %s/28 dev eth0", WS_WREN_IP))
		return -1;
	if (wt_peer("ip addr flush dev peer0 && ip addr add %s/28 dev peer0 "
		    "&& ip link set peer0 up", WS_PEER_IP))
		return -1;
	if (!WT_WAIT(10000, wt_carrier("eth0") == 1))
		return -1;
	/* The peer answers wren's ARP; one ping from there warms both caches. */
	if (!WT_WAIT(10000, wt_peerq("ping -c 1 -W 1 %s", WS_WREN_IP) == 0))
		fprintf(stderr, "# ws: %s does not answer the peer's ping\n",
			WS_WREN_IP);
	return 0;
}

static inline int ws_net_up(void)
{
	return wt_once("ws-net", ws_net_make);
}

/*
 * A wren-to-wren veth pair: wren on @d0 here with @ip0/28, wren on @d1 in
 * namespace @ns with @ip1/28.  Names and addresses come from the
 * boot-wide allocator (wt_alloc), one set per key: index i gets namespace
 * "wv<i>", devices "wv<i>a"/"wv<i>b" and 203.0.113.(16i+1), (16i+2).
 */
struct ws_veth {
	char ns[16], d0[16], d1[16], ip0[16], ip1[16];
};

/*
 * Fill @v for @key and make the pair unless it is there and attached (a
 * test that deletes the namespace, or reloads wren, gets a new pair from
 * the next call).  0 or -1.
 */
static inline int ws_veth_up(const char *key, struct ws_veth *v)
{
	int i = wt_alloc("veth", key);

	if (i < 1 || i > 14) {
		fprintf(stderr, "# ws: no veth block for %s (%d)\n", key, i);
		return -1;
	}
	snprintf(v->ns, sizeof(v->ns), "wv%d", i);
	snprintf(v->d0, sizeof(v->d0), "wv%da", i);
	snprintf(v->d1, sizeof(v->d1), "wv%db", i);
	snprintf(v->ip0, sizeof(v->ip0), "203.0.113.%d", 16 * i + 1);
	snprintf(v->ip1, sizeof(v->ip1), "203.0.113.%d", 16 * i + 2);
	/* Made already, and wren still holds both ends (an rmmod in an
	 * earlier test would have let them go)?
	 */
	if (wt_shq("wrenctl link show %s && ip netns exec %s wrenctl link "
		   "show %s", v->d0, v->ns, v->d1) == 0)
		return 0;
	wt_shq("modprobe veth");
	wt_shq("ip link del %s 2>/dev/null; ip netns del %s 2>/dev/null",
	       v->d0, v->ns);
	if (wt_sh("ip netns add %s && ip link add %s type veth peer name %s "
		  "&& ip link set %s netns %s && ip link set %s up && "
		  "ip -n %s link set %s up && ip -n %s link set lo up",
		  v->ns, v->d0, v->d1, v->d1, v->ns, v->d0, v->ns, v->d1,
		  v->ns))
		return -1;
	if (wt_sh("wrenctl link attach %s && wrenctl addr add %s/28 dev %s",
		  v->d0, v->ip0, v->d0))
		return -1;
	if (wt_sh("ip netns exec %s sh -c 'wrenctl link attach %s && "
		  "wrenctl addr add %s/28 dev %s'", v->ns, v->d1, v->ip1,
		  v->d1))
		return -1;
	return 0;
}

/* A counter from /proc/net/wren/snmp ("Udp", "InDatagrams"), -1 if absent. */
static inline long long ws_snmp(const char *group, const char *field)
{
	return wt_snmp(NULL, "/proc/net/wren/snmp", group, field);
}

/*
 * The line of /proc/net/wren/@file (udp or ping) for local port @port,
 * copied into @buf; 0, or -1 if there is none.
 */
static inline int ws_proc_line(const char *file, int port, char *buf,
			       size_t len)
{
	char path[64], want[16], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/net/wren/%s", file);
	snprintf(want, sizeof(want), ":%04X ", port);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		/* the local address is the second field: "sl: ADDR:PORT " */
		char *colon = strchr(line, ':');

		if (colon && strncmp(colon + 10, want, strlen(want)) == 0) {
			snprintf(buf, len, "%s", line);
			fclose(f);
			return 0;
		}
	}
	fclose(f);
	return -1;
}

/* The drops column (the last) of a /proc/net/wren/udp line. */
static inline long long ws_proc_drops(const char *line)
{
	const char *sp = strrchr(line, ' ');

	return sp ? strtoll(sp + 1, NULL, 10) : -1;
}

#endif /* _WREN_SOCK_TEST_H */
