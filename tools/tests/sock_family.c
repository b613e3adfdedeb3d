// SPDX-License-Identifier: GPL-2.0
/*
 * sock_family: the socket address forms of wren sockets (SOL_WREN,
 * WREN_SO_FAMILY).  A socket in the AF_INET form takes and gives struct
 * sockaddr_in, one in the AF_INET6 form struct sockaddr_in6 with
 * IPv4-mapped addresses and IPV6_V6ONLY, with the errors Linux's AF_INET
 * and AF_INET6 sockets give.  This is what wren-run builds on.  Peers are
 * the Linux stack in namespace "peer" (lib/sock.h).
 */
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include "kselftest_harness.h"
#include "tcp.h"

static int wren_sock(int type, int form)
{
	int fd = socket(AF_WREN, type | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_WREN, WREN_SO_FAMILY, &form, sizeof(form))) {
		close(fd);
		return -1;
	}
	return fd;
}

static struct sockaddr_in6 sin6(const char *addr, int port)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_port = htons(port) };
	char mapped[64];

	if (addr && strchr(addr, ':')) {
		inet_pton(AF_INET6, addr, &a.sin6_addr);
	} else if (addr) {
		snprintf(mapped, sizeof(mapped), "::ffff:%s", addr);
		inet_pton(AF_INET6, mapped, &a.sin6_addr);
	}
	return a;
}

static int getint(int fd, int level, int name)
{
	int v = -1;
	socklen_t l = sizeof(v);

	if (getsockopt(fd, level, name, &v, &l))
		return -errno;
	return v;
}

/* getsockname/getpeername into a sockaddr_storage; its length. */
static socklen_t name_of(int fd, bool peer, struct sockaddr_storage *ss)
{
	socklen_t len = sizeof(*ss);

	memset(ss, 0xa5, sizeof(*ss));
	if ((peer ? getpeername : getsockname)(fd, (struct sockaddr *)ss, &len))
		return 0;
	return len;
}

static bool is_mapped(const struct sockaddr_storage *ss, const char *v4,
		      int port)
{
	const struct sockaddr_in6 *a = (const struct sockaddr_in6 *)ss;
	struct sockaddr_in6 want = sin6(v4, port);

	return a->sin6_family == AF_INET6 &&
	       (!port || a->sin6_port == want.sin6_port) &&
	       !memcmp(&a->sin6_addr, &want.sin6_addr, 16) &&
	       !a->sin6_flowinfo && !a->sin6_scope_id;
}

FIXTURE(fam) {
	int w;
};

FIXTURE_SETUP(fam)
{
	self->w = -1;
	ASSERT_EQ(0, ws_net_up());
}

FIXTURE_TEARDOWN(fam)
{
	if (self->w >= 0)
		close(self->w);
}

/* The option itself: AF_WREN by default, three forms, set before bind. */
TEST_F(fam, option)
{
	struct sockaddr_wren any = nt_swren(NULL, 0);
	int bad = AF_UNIX, v6 = AF_INET6;

	self->w = socket(AF_WREN, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->w);
	EXPECT_EQ(AF_WREN, getint(self->w, SOL_WREN, WREN_SO_FAMILY));
	EXPECT_EQ(-1, setsockopt(self->w, SOL_WREN, WREN_SO_FAMILY, &bad,
				 sizeof(bad)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->w, SOL_WREN, WREN_SO_FAMILY, &v6, 2));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, setsockopt(self->w, SOL_WREN, 99, &v6, sizeof(v6)));
	EXPECT_EQ(ENOPROTOOPT, errno);
	/* IPV6_V6ONLY is an option of the AF_INET6 form only. */
	EXPECT_EQ(-ENOPROTOOPT, getint(self->w, IPPROTO_IPV6, IPV6_V6ONLY));
	ASSERT_EQ(0, bind(self->w, (struct sockaddr *)&any, sizeof(any)));
	EXPECT_EQ(-1, setsockopt(self->w, SOL_WREN, WREN_SO_FAMILY, &v6,
				 sizeof(v6)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(AF_WREN, getint(self->w, SOL_WREN, WREN_SO_FAMILY));
}

/* UDP in the AF_INET form: sockaddr_in in and out, AF_WREN refused. */
TEST_F(fam, inet_udp)
{
	struct sockaddr_in a = nt_sin(WS_WREN_IP, 0), from;
	struct sockaddr_wren wa = nt_swren(WS_PEER_IP, 9);
	struct sockaddr_storage ss;
	socklen_t fl = sizeof(from);
	int peer = ws_peer_udp(0), pport = ws_local_port(peer), n;
	struct sockaddr_in to = nt_sin(WS_PEER_IP, pport);
	char buf[16];

	ASSERT_LE(0, peer);
	self->w = wren_sock(SOCK_DGRAM, AF_INET);
	ASSERT_LE(0, self->w);
	EXPECT_EQ(AF_INET, getint(self->w, SOL_WREN, WREN_SO_FAMILY));
	EXPECT_EQ(-1, bind(self->w, (struct sockaddr *)&a, sizeof(a) - 1));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, bind(self->w, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(sizeof(struct sockaddr_in), name_of(self->w, false, &ss));
	EXPECT_EQ(AF_INET, ((struct sockaddr_in *)&ss)->sin_family);
	EXPECT_EQ(nt_addr(WS_WREN_IP),
		  ((struct sockaddr_in *)&ss)->sin_addr.s_addr);
	/* The other family's address is refused, as AF_INET refuses. */
	EXPECT_EQ(-1, sendto(self->w, "x", 1, 0, (struct sockaddr *)&wa,
			     sizeof(wa)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	ASSERT_EQ(4, sendto(self->w, "ping", 4, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	nt_rcvtimeo(peer, 3000);
	ASSERT_EQ(4, recvfrom(peer, buf, sizeof(buf), 0,
			      (struct sockaddr *)&from, &fl));
	ASSERT_EQ(4, sendto(peer, "pong", 4, 0, (struct sockaddr *)&from, fl));
	nt_rcvtimeo(self->w, 3000);
	memset(&from, 0xa5, sizeof(from));
	fl = sizeof(from);
	n = recvfrom(self->w, buf, sizeof(buf), 0, (struct sockaddr *)&from,
		     &fl);
	ASSERT_EQ(4, n);
	EXPECT_EQ(sizeof(struct sockaddr_in), fl);
	EXPECT_EQ(AF_INET, from.sin_family);
	EXPECT_EQ(nt_addr(WS_PEER_IP), from.sin_addr.s_addr);
	EXPECT_EQ(htons(pport), from.sin_port);
	close(peer);
}

/* TCP in the AF_INET form: connect, accept and both names. */
TEST_F(fam, inet_tcp)
{
	int port = wt_ports(1), l, c, s;
	struct sockaddr_in a = nt_sin(WS_PEER_IP, port), la;
	struct sockaddr_storage ss;
	socklen_t al = sizeof(la), ol;
	char opts[40];

	l = tt_linux_listener(WT_PEER_NS, port);
	ASSERT_LE(0, l);
	self->w = wren_sock(SOCK_STREAM, AF_INET);
	ASSERT_LE(0, self->w);
	ASSERT_EQ(0, connect(self->w, (struct sockaddr *)&a, sizeof(a)))
		TH_LOG("connect: %s", strerror(errno));
	ASSERT_EQ(sizeof(a), name_of(self->w, true, &ss));
	EXPECT_EQ(AF_INET, ss.ss_family);
	EXPECT_EQ(a.sin_addr.s_addr, ((struct sockaddr_in *)&ss)->sin_addr.s_addr);
	EXPECT_EQ(a.sin_port, ((struct sockaddr_in *)&ss)->sin_port);
	ASSERT_EQ(sizeof(a), name_of(self->w, false, &ss));
	EXPECT_EQ(AF_INET, ss.ss_family);
	close(l);

	/* A listener of the AF_INET form hands out AF_INET children. */
	l = wren_sock(SOCK_STREAM, AF_INET);
	ASSERT_LE(0, l);
	la = nt_sin(NULL, port);
	ASSERT_EQ(0, bind(l, (struct sockaddr *)&la, sizeof(la)));
	ASSERT_EQ(0, listen(l, 4));
	c = tt_linux_client(port);
	ASSERT_LE(0, c);
	memset(&la, 0xa5, sizeof(la));
	s = accept(l, (struct sockaddr *)&la, &al);
	ASSERT_LE(0, s);
	EXPECT_EQ(sizeof(la), al);
	EXPECT_EQ(AF_INET, la.sin_family);
	EXPECT_EQ(nt_addr(WS_PEER_IP), la.sin_addr.s_addr);
	EXPECT_EQ(AF_INET, getint(s, SOL_WREN, WREN_SO_FAMILY));
	/* sshd reads the IP options of a connection: there are none. */
	ol = sizeof(opts);
	EXPECT_EQ(0, getsockopt(s, IPPROTO_IP, IP_OPTIONS, opts, &ol));
	EXPECT_EQ(0U, ol);
	ASSERT_EQ(sizeof(la), name_of(s, false, &ss));
	EXPECT_EQ(AF_INET, ss.ss_family);
	EXPECT_EQ(nt_addr(WS_WREN_IP),
		  ((struct sockaddr_in *)&ss)->sin_addr.s_addr);
	EXPECT_EQ(htons(port), ((struct sockaddr_in *)&ss)->sin_port);
	EXPECT_TRUE(tt_alive(s, c));
	close(s);
	close(c);
	close(l);
}

/*
 * The AF_INET6 form: "::" is the wildcard, ::ffff:a.b.c.d an IPv4
 * address; a server on [::] takes IPv4 connections and names its peers
 * as mapped addresses.
 */
TEST_F(fam, inet6_tcp_server_and_client)
{
	int port = wt_ports(1), c, s, l;
	struct sockaddr_in6 any = sin6("::", port), peer;
	struct sockaddr_storage ss;
	socklen_t pl = sizeof(peer);

	self->w = wren_sock(SOCK_STREAM, AF_INET6);
	ASSERT_LE(0, self->w);
	EXPECT_EQ(0, getint(self->w, IPPROTO_IPV6, IPV6_V6ONLY));
	ASSERT_EQ(0, bind(self->w, (struct sockaddr *)&any, sizeof(any)));
	ASSERT_EQ(sizeof(struct sockaddr_in6), name_of(self->w, false, &ss));
	EXPECT_TRUE(is_mapped(&ss, NULL, port));
	/* Too late for V6ONLY once bound, as Linux. */
	EXPECT_EQ(-1, setsockopt(self->w, IPPROTO_IPV6, IPV6_V6ONLY, &(int){1},
				 sizeof(int)));
	EXPECT_EQ(EINVAL, errno);
	ASSERT_EQ(0, listen(self->w, 4));
	c = tt_linux_client(port);
	ASSERT_LE(0, c);
	s = accept(self->w, (struct sockaddr *)&peer, &pl);
	ASSERT_LE(0, s);
	EXPECT_EQ(sizeof(peer), pl);
	EXPECT_TRUE(is_mapped((struct sockaddr_storage *)&peer, WS_PEER_IP, 0));
	ASSERT_EQ(sizeof(peer), name_of(s, false, &ss));
	EXPECT_TRUE(is_mapped(&ss, WS_WREN_IP, port));
	EXPECT_TRUE(tt_alive(s, c));
	close(s);
	close(c);

	/* As a client: connect to a mapped address. */
	l = tt_linux_listener(WT_PEER_NS, port);
	ASSERT_LE(0, l);
	c = wren_sock(SOCK_STREAM, AF_INET6);
	ASSERT_LE(0, c);
	peer = sin6(WS_PEER_IP, port);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&peer, sizeof(peer)))
		TH_LOG("connect: %s", strerror(errno));
	ASSERT_EQ(sizeof(peer), name_of(c, true, &ss));
	EXPECT_TRUE(is_mapped(&ss, WS_PEER_IP, port));
	close(c);
	close(l);
}

/* What IPv6 wren cannot do fails as on a host with no IPv6 route. */
TEST_F(fam, inet6_errors)
{
	struct sockaddr_in6 v6 = sin6("2001:db8::1", 80);
	struct sockaddr_in6 mapped = sin6(WS_PEER_IP, 9);
	struct sockaddr_in v4 = nt_sin(WS_PEER_IP, 9);
	int t, u, one = 1;

	t = wren_sock(SOCK_STREAM, AF_INET6);
	u = wren_sock(SOCK_DGRAM, AF_INET6);
	ASSERT_LE(0, t);
	ASSERT_LE(0, u);
	EXPECT_EQ(-1, bind(u, (struct sockaddr *)&v6, sizeof(v6)));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
	EXPECT_EQ(-1, connect(t, (struct sockaddr *)&v6, sizeof(v6)));
	EXPECT_EQ(ENETUNREACH, errno);
	EXPECT_EQ(-1, sendto(u, "x", 1, 0, (struct sockaddr *)&v6,
			     sizeof(v6)));
	EXPECT_EQ(ENETUNREACH, errno);
	/* The RFC 2133 length is the least; a sockaddr_in is too short. */
	EXPECT_EQ(-1, bind(t, (struct sockaddr *)&mapped, 23));
	EXPECT_EQ(EINVAL, errno);
	/*
	 * TCP takes AF_INET6 only (a sockaddr_in is short for it first, as
	 * tcp_v6_connect() checks); UDP takes a sockaddr_in too (Linux).
	 */
	EXPECT_EQ(-1, connect(t, (struct sockaddr *)&v4, sizeof(v4)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(1, sendto(u, "x", 1, 0, (struct sockaddr *)&v4, sizeof(v4)));

	/* V6ONLY: no IPv4 at all. */
	close(u);
	u = wren_sock(SOCK_DGRAM, AF_INET6);
	ASSERT_LE(0, u);
	ASSERT_EQ(0, setsockopt(u, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				sizeof(one)));
	EXPECT_EQ(1, getint(u, IPPROTO_IPV6, IPV6_V6ONLY));
	EXPECT_EQ(-1, sendto(u, "x", 1, 0, (struct sockaddr *)&mapped,
			     sizeof(mapped)));
	EXPECT_EQ(ENETUNREACH, errno);
	EXPECT_EQ(-1, sendto(u, "x", 1, 0, (struct sockaddr *)&v4, sizeof(v4)));
	EXPECT_EQ(ENETUNREACH, errno);
	EXPECT_EQ(-1, bind(u, (struct sockaddr *)&mapped, sizeof(mapped)));
	EXPECT_EQ(EINVAL, errno);
	close(t);
	close(u);
}

/*
 * V6ONLY on "::" takes no IPv4 port (nginx: "listen 80" and "listen [::]:80
 * ipv6only=on"): both bind and listen, and IPv4 connections go to the
 * IPv4 socket; the V6ONLY one never gets any.
 */
TEST_F(fam, v6only_wildcard_leaves_ipv4_alone)
{
	int port = wt_ports(1), one = 1, v4, u6, u4, c, s;
	struct sockaddr_in6 any6 = sin6("::", port);
	struct sockaddr_in any4 = nt_sin(NULL, port);
	struct sockaddr_storage ss;

	self->w = wren_sock(SOCK_STREAM, AF_INET6);
	ASSERT_LE(0, self->w);
	ASSERT_EQ(0, setsockopt(self->w, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				sizeof(one)));
	ASSERT_EQ(0, bind(self->w, (struct sockaddr *)&any6, sizeof(any6)))
		TH_LOG("bind [::]: %s", strerror(errno));
	ASSERT_EQ(0, listen(self->w, 4));
	ASSERT_EQ(sizeof(any6), name_of(self->w, false, &ss));
	EXPECT_TRUE(is_mapped(&ss, NULL, port));
	v4 = wren_sock(SOCK_STREAM, AF_INET);
	ASSERT_LE(0, v4);
	ASSERT_EQ(0, bind(v4, (struct sockaddr *)&any4, sizeof(any4)))
		TH_LOG("bind 0.0.0.0 beside [::] V6ONLY: %s", strerror(errno));
	ASSERT_EQ(0, listen(v4, 4));
	c = tt_linux_client(port);
	ASSERT_LE(0, c);
	s = accept(v4, NULL, NULL);
	ASSERT_LE(0, s);
	EXPECT_TRUE(tt_alive(s, c));
	EXPECT_EQ(0, ws_wait(self->w, POLLIN, 200));
	ASSERT_EQ(0, fcntl(self->w, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, accept(self->w, NULL, NULL));
	EXPECT_EQ(EAGAIN, errno);
	close(s);
	close(c);
	close(v4);

	/* UDP the same. */
	u6 = wren_sock(SOCK_DGRAM, AF_INET6);
	ASSERT_LE(0, u6);
	ASSERT_EQ(0, setsockopt(u6, IPPROTO_IPV6, IPV6_V6ONLY, &one,
				sizeof(one)));
	ASSERT_EQ(0, bind(u6, (struct sockaddr *)&any6, sizeof(any6)));
	u4 = nt_dgram(NULL, AF_WREN, 0, NULL, port);
	ASSERT_LE(0, u4) TH_LOG("UDP bind beside [::] V6ONLY: %s",
				strerror(errno));
	close(u4);
	close(u6);
}

/* UDP in the AF_INET6 form: recvfrom names the sender as mapped. */
TEST_F(fam, inet6_udp)
{
	int peer = ws_peer_udp(0), pport = ws_local_port(peer);
	struct sockaddr_in6 to = sin6(WS_PEER_IP, pport), from;
	struct sockaddr_in pf;
	socklen_t fl = sizeof(pf);
	char buf[16];

	ASSERT_LE(0, peer);
	self->w = wren_sock(SOCK_DGRAM, AF_INET6);
	ASSERT_LE(0, self->w);
	ASSERT_EQ(2, sendto(self->w, "hi", 2, 0, (struct sockaddr *)&to,
			    sizeof(to)));
	nt_rcvtimeo(peer, 3000);
	ASSERT_EQ(2, recvfrom(peer, buf, sizeof(buf), 0,
			      (struct sockaddr *)&pf, &fl));
	ASSERT_EQ(2, sendto(peer, "ho", 2, 0, (struct sockaddr *)&pf, fl));
	nt_rcvtimeo(self->w, 3000);
	fl = sizeof(from);
	ASSERT_EQ(2, recvfrom(self->w, buf, sizeof(buf), 0,
			      (struct sockaddr *)&from, &fl));
	EXPECT_EQ(sizeof(from), fl);
	EXPECT_TRUE(is_mapped((struct sockaddr_storage *)&from, WS_PEER_IP,
			      pport));
	close(peer);
}

TEST_HARNESS_MAIN
