// SPDX-License-Identifier: GPL-2.0
/*
 * AF_WREN UDP sockets: the calls and their errors, as Linux's AF_INET UDP
 * gives them, and datagrams to and from the Linux peer (wren on eth0 is
 * 192.0.2.1, the peer 192.0.2.2; see lib/sock.h).
 */
#include <netinet/in.h>
#include <netinet/udp.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/errqueue.h>
#include <pthread.h>
#include <linux/filter.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <linux/sockios.h>
#include "kselftest_harness.h"
#include "sock.h"

#define BIG	65507

FIXTURE(udp) {
	int fd;		/* a wren UDP socket */
	int peer;	/* the Linux peer's UDP socket, bound to peer_port */
	int peer_port;
};

FIXTURE_SETUP(udp)
{
	ASSERT_EQ(0, ws_net_up());
	self->fd = socket(AF_WREN, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->fd) TH_LOG("socket: %s", strerror(errno));
	self->peer = ws_peer_udp(0);
	ASSERT_LE(0, self->peer);
	self->peer_port = ws_local_port(self->peer);
}

FIXTURE_TEARDOWN(udp)
{
	close(self->fd);
	close(self->peer);
}

static int bind_to(int fd, const char *ip, int port)
{
	struct sockaddr_wren a = nt_swren(ip, port);

	return bind(fd, (struct sockaddr *)&a, sizeof(a));
}

static int connect_to(int fd, const char *ip, int port)
{
	struct sockaddr_wren a = nt_swren(ip, port);

	return connect(fd, (struct sockaddr *)&a, sizeof(a));
}

static ssize_t send_to(int fd, const void *buf, size_t len, const char *ip,
		       int port)
{
	struct sockaddr_wren a = nt_swren(ip, port);

	return sendto(fd, buf, len, 0, (struct sockaddr *)&a, sizeof(a));
}

/* Send from the peer to wren:port. */
static ssize_t peer_send(int peer, const void *buf, size_t len, int port)
{
	struct sockaddr_in a = nt_sin(WS_WREN_IP, port);

	return sendto(peer, buf, len, 0, (struct sockaddr *)&a, sizeof(a));
}

/* ---- socket() ------------------------------------------------------------ */

TEST(socket_types)
{
	int fd;

	fd = socket(AF_WREN, SOCK_DGRAM, IPPROTO_UDP);
	ASSERT_LE(0, fd);
	close(fd);
	fd = socket(AF_WREN, SOCK_DGRAM, IPPROTO_ICMP);
	ASSERT_LE(0, fd);
	close(fd);

	EXPECT_EQ(-1, socket(AF_WREN, SOCK_DGRAM, IPPROTO_TCP));
	EXPECT_EQ(EPROTONOSUPPORT, errno);
	EXPECT_EQ(-1, socket(AF_WREN, SOCK_RAW, IPPROTO_UDP));
	EXPECT_EQ(ESOCKTNOSUPPORT, errno);
	EXPECT_EQ(-1, socket(AF_WREN, SOCK_SEQPACKET, 0));
	EXPECT_EQ(ESOCKTNOSUPPORT, errno);
	EXPECT_EQ(-1, socket(AF_WREN, SOCK_DGRAM, 300));
	EXPECT_EQ(EINVAL, errno);
}

/* ---- bind() --------------------------------------------------------------- */

TEST_F(udp, bind_errors)
{
	struct sockaddr_in in = nt_sin(WS_WREN_IP, 0);
	struct sockaddr_wren a = nt_swren(WS_WREN_IP, 0);

	EXPECT_EQ(-1, bind(self->fd, (struct sockaddr *)&in, sizeof(in)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	EXPECT_EQ(-1, bind(self->fd, (struct sockaddr *)&a, sizeof(a) - 1));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, bind_to(self->fd, "192.0.2.3", 0));
	EXPECT_EQ(EADDRNOTAVAIL, errno);
	EXPECT_EQ(-1, bind(self->fd, (struct sockaddr *)8, sizeof(a)));
	EXPECT_EQ(EFAULT, errno);

	ASSERT_EQ(0, bind_to(self->fd, WS_WREN_IP, 0));
	EXPECT_EQ(-1, bind_to(self->fd, WS_WREN_IP, 0));
	EXPECT_EQ(EINVAL, errno);
}

TEST_F(udp, bind_in_use_and_reuseaddr)
{
	int a = socket(AF_WREN, SOCK_DGRAM, 0);
	int b = socket(AF_WREN, SOCK_DGRAM, 0);
	int one = 1;

	ASSERT_EQ(0, bind_to(self->fd, NULL, 4000));
	EXPECT_EQ(-1, bind_to(a, WS_WREN_IP, 4000));
	EXPECT_EQ(EADDRINUSE, errno);

	/* Both must ask for it. */
	ASSERT_EQ(0, setsockopt(a, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)));
	EXPECT_EQ(-1, bind_to(a, NULL, 4000));
	EXPECT_EQ(EADDRINUSE, errno);
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_REUSEADDR, &one,
				sizeof(one)));
	EXPECT_EQ(0, bind_to(a, NULL, 4000));

	/* Closing frees the port. */
	close(a);
	close(self->fd);
	self->fd = socket(AF_WREN, SOCK_DGRAM, 0);
	EXPECT_EQ(0, bind_to(b, NULL, 4000));
	close(b);
}

TEST_F(udp, ephemeral_ports)
{
	int ports[16], i, j, distinct = 0;
	int fds[16];

	for (i = 0; i < 16; i++) {
		fds[i] = socket(AF_WREN, SOCK_DGRAM, 0);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, bind_to(fds[i], NULL, 0));
		ports[i] = ws_local_port(fds[i]);
		EXPECT_LE(32768, ports[i]);
		EXPECT_GE(60999, ports[i]);
		for (j = 0; j < i; j++)
			ASSERT_NE(ports[j], ports[i]);
	}
	/* Random, not sequential (RFC 6056). */
	for (i = 1; i < 16; i++)
		if (ports[i] != ports[i - 1] + 1)
			distinct++;
	EXPECT_LT(8, distinct);
	for (i = 0; i < 16; i++)
		close(fds[i]);

	/* sendto() on an unbound socket binds it. */
	EXPECT_EQ(0, ws_local_port(self->fd));
	EXPECT_EQ(1, send_to(self->fd, "x", 1, WS_PEER_IP, self->peer_port));
	EXPECT_LE(32768, ws_local_port(self->fd));
}

/* ---- names, connect(), disconnect -------------------------------------------- */

TEST_F(udp, names)
{
	struct sockaddr_wren a;
	socklen_t len = sizeof(a);
	struct sockaddr_wren un = { .swren_family = AF_UNSPEC };

	EXPECT_EQ(-1, getpeername(self->fd, (struct sockaddr *)&a, &len));
	EXPECT_EQ(ENOTCONN, errno);

	ASSERT_EQ(0, connect_to(self->fd, WS_PEER_IP, self->peer_port));
	len = sizeof(a);
	ASSERT_EQ(0, getpeername(self->fd, (struct sockaddr *)&a, &len));
	EXPECT_EQ(sizeof(a), len);
	EXPECT_EQ(AF_WREN, a.swren_family);
	EXPECT_EQ(inet_addr(WS_PEER_IP), a.swren_addr);
	EXPECT_EQ(htons(self->peer_port), a.swren_port);

	/* connect() bound the socket: address from the route, random port */
	len = sizeof(a);
	ASSERT_EQ(0, getsockname(self->fd, (struct sockaddr *)&a, &len));
	EXPECT_EQ(inet_addr(WS_WREN_IP), a.swren_addr);
	EXPECT_LE(32768, ntohs(a.swren_port));

	/* AF_UNSPEC dissolves the association */
	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&un, sizeof(un)));
	len = sizeof(a);
	EXPECT_EQ(-1, getpeername(self->fd, (struct sockaddr *)&a, &len));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(-1, send(self->fd, "x", 1, 0));
	EXPECT_EQ(EDESTADDRREQ, errno);
}

TEST_F(udp, connect_errors)
{
	struct sockaddr_in in = nt_sin(WS_PEER_IP, 9);

	EXPECT_EQ(-1, connect(self->fd, (struct sockaddr *)&in, sizeof(in)));
	EXPECT_EQ(EAFNOSUPPORT, errno);
	EXPECT_EQ(-1, connect_to(self->fd, WS_NOROUTE_IP, 9));
	EXPECT_EQ(ENETUNREACH, errno);
	EXPECT_EQ(-1, connect_to(self->fd, WS_BCAST_IP, 9));
	EXPECT_EQ(EACCES, errno);
}

/* ---- send errors ------------------------------------------------------------- */

TEST_F(udp, send_errors)
{
	static char big[BIG + 1];
	int one = 1;

	EXPECT_EQ(-1, send(self->fd, "x", 1, 0));
	EXPECT_EQ(EDESTADDRREQ, errno);
	EXPECT_EQ(-1, send_to(self->fd, big, BIG + 1, WS_PEER_IP, 9));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-1, send_to(self->fd, (void *)8, 100, WS_PEER_IP, 9));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, send_to(self->fd, "x", 1, WS_NOROUTE_IP, 9));
	EXPECT_EQ(ENETUNREACH, errno);
	EXPECT_EQ(-1, send_to(self->fd, "x", 1, WS_PEER_IP, 0));
	EXPECT_EQ(EINVAL, errno);

	/* Broadcasts need SO_BROADCAST. */
	EXPECT_EQ(-1, send_to(self->fd, "x", 1, WS_BCAST_IP, 9));
	EXPECT_EQ(EACCES, errno);
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_BROADCAST, &one,
				sizeof(one)));
	EXPECT_EQ(1, send_to(self->fd, "x", 1, WS_BCAST_IP, 9));

	/* After SHUT_WR: EPIPE. */
	ASSERT_EQ(0, connect_to(self->fd, WS_PEER_IP, self->peer_port));
	ASSERT_EQ(0, shutdown(self->fd, SHUT_WR));
	EXPECT_EQ(-1, send(self->fd, "x", 1, MSG_NOSIGNAL));
	EXPECT_EQ(EPIPE, errno);
}

/*
 * IP_RECVERR (glibc's resolver sets it and gives up if it cannot): the
 * Linux peer's port unreachable reaches even an unconnected socket, as
 * POLLERR and SO_ERROR, and waits on the error queue: our payload, the
 * destination as msg_name, sock_extended_err and the sender in the
 * IP_RECVERR message.  Without it, an unconnected socket hears nothing.
 */
TEST_F(udp, recverr_error_queue)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct sock_extended_err) +
				    sizeof(struct sockaddr_in))];
		struct cmsghdr align;
	} u;
	struct sockaddr_wren from;
	struct iovec iov;
	struct msghdr m;
	struct cmsghdr *c;
	struct sock_extended_err *ee;
	struct sockaddr_in *off;
	char data[64];
	int one = 1, closed, v;
	socklen_t len;

	/* A port of the peer's that nobody holds. */
	closed = ws_peer_udp(0);
	ASSERT_LE(0, closed);
	v = ws_local_port(closed);
	close(closed);
	closed = v;

	/* Without IP_RECVERR: nothing. */
	ASSERT_EQ(5, send_to(self->fd, "first", 5, WS_PEER_IP, closed));
	EXPECT_EQ(0, ws_wait(self->fd, POLLIN, 500) & POLLERR);
	EXPECT_EQ(-1, recv(self->fd, data, sizeof(data),
			   MSG_ERRQUEUE | MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	ASSERT_EQ(0, setsockopt(self->fd, SOL_IP, IP_RECVERR, &one,
				sizeof(one)));
	len = sizeof(v);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_IP, IP_RECVERR, &v, &len));
	EXPECT_EQ(1, v);
	/* Linux's ICMP rate limit lets one a second through per peer. */
	wt_msleep(1100);
	ASSERT_EQ(6, send_to(self->fd, "second", 6, WS_PEER_IP, closed));
	EXPECT_TRUE(ws_wait(self->fd, POLLIN, 5000) & POLLERR);

	memset(&m, 0, sizeof(m));
	iov.iov_base = data;
	iov.iov_len = sizeof(data);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_name = &from;
	m.msg_namelen = sizeof(from);
	m.msg_control = u.buf;
	m.msg_controllen = sizeof(u.buf);
	ASSERT_EQ(6, recvmsg(self->fd, &m, MSG_ERRQUEUE));
	EXPECT_EQ(0, memcmp(data, "second", 6));
	EXPECT_TRUE(m.msg_flags & MSG_ERRQUEUE);
	EXPECT_EQ(AF_WREN, from.swren_family);
	EXPECT_EQ(inet_addr(WS_PEER_IP), from.swren_addr);
	EXPECT_EQ(htons(closed), from.swren_port);
	c = CMSG_FIRSTHDR(&m);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(SOL_IP, c->cmsg_level);
	EXPECT_EQ(IP_RECVERR, c->cmsg_type);
	ee = (struct sock_extended_err *)CMSG_DATA(c);
	EXPECT_EQ(ECONNREFUSED, (int)ee->ee_errno);
	EXPECT_EQ(SO_EE_ORIGIN_ICMP, ee->ee_origin);
	EXPECT_EQ(ICMP_DEST_UNREACH, ee->ee_type);
	EXPECT_EQ(ICMP_PORT_UNREACH, ee->ee_code);
	off = (struct sockaddr_in *)SO_EE_OFFENDER(ee);
	EXPECT_EQ(AF_INET, off->sin_family);
	EXPECT_EQ(inet_addr(WS_PEER_IP), off->sin_addr.s_addr);

	/* Taken: the queue is empty and sk_err cleared with it. */
	EXPECT_EQ(-1, recv(self->fd, data, sizeof(data),
			   MSG_ERRQUEUE | MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	len = sizeof(v);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_SOCKET, SO_ERROR, &v, &len));
	EXPECT_EQ(0, v);
}

/* IP_PKTINFO: the interface a datagram came in on and its destination. */
TEST_F(udp, pktinfo)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct in_pktinfo))];
		struct cmsghdr align;
	} u;
	struct in_pktinfo *pi;
	struct cmsghdr *c;
	struct iovec iov;
	struct msghdr m;
	char data[16];
	int one = 1, port;

	ASSERT_EQ(0, bind_to(self->fd, "0.0.0.0", 0));
	port = ws_local_port(self->fd);
	ASSERT_EQ(0, setsockopt(self->fd, SOL_IP, IP_PKTINFO, &one,
				sizeof(one)));
	ASSERT_EQ(4, peer_send(self->peer, "pkti", 4, port));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 5000) & POLLIN);
	memset(&m, 0, sizeof(m));
	iov.iov_base = data;
	iov.iov_len = sizeof(data);
	m.msg_iov = &iov;
	m.msg_iovlen = 1;
	m.msg_control = u.buf;
	m.msg_controllen = sizeof(u.buf);
	ASSERT_EQ(4, recvmsg(self->fd, &m, 0));
	c = CMSG_FIRSTHDR(&m);
	ASSERT_NE(NULL, c);
	EXPECT_EQ(SOL_IP, c->cmsg_level);
	EXPECT_EQ(IP_PKTINFO, c->cmsg_type);
	pi = (struct in_pktinfo *)CMSG_DATA(c);
	EXPECT_EQ((int)if_nametoindex("eth0"), pi->ipi_ifindex);
	EXPECT_EQ(inet_addr(WS_WREN_IP), pi->ipi_addr.s_addr);
	EXPECT_EQ(inet_addr(WS_WREN_IP), pi->ipi_spec_dst.s_addr);
}

/*
 * sendto(ip:port) of "cmsg" with one control message (level, type, @len
 * bytes of @data): 0, or the errno.
 */
static int send_cmsg(int fd, int level, int type, const void *data,
		     size_t len, const char *ip, int port)
{
	union {
		char buf[CMSG_SPACE(32)];
		struct cmsghdr align;
	} u;
	struct sockaddr_wren a = nt_swren(ip, port);
	struct iovec iov = { .iov_base = "cmsg", .iov_len = 4 };
	struct msghdr m = {
		.msg_name = &a, .msg_namelen = sizeof(a),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = CMSG_SPACE(len),
	};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	memset(&u, 0, sizeof(u));
	c->cmsg_level = level;
	c->cmsg_type = type;
	c->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(c), data, len);
	return sendmsg(fd, &m, 0) == 4 ? 0 : errno;
}

/* The next datagram on the Linux peer: its source, TTL and TOS. */
static int peer_recv_meta(int peer, struct sockaddr_in *from, int *ttl,
			  int *tos)
{
	union {
		char buf[2 * CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	char data[16];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr m = {
		.msg_name = from, .msg_namelen = sizeof(*from),
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *c;

	*ttl = *tos = -1;
	if (!(ws_wait(peer, POLLIN, 3000) & POLLIN) || recvmsg(peer, &m, 0) != 4)
		return -1;
	for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_TTL)
			memcpy(ttl, CMSG_DATA(c), sizeof(int));
		if (c->cmsg_level == SOL_IP && c->cmsg_type == IP_TOS)
			*tos = *(unsigned char *)CMSG_DATA(c);
	}
	return 0;
}

/*
 * Control messages on sendmsg, as Linux's ip_cmsg_send(): IP_PKTINFO's
 * ipi_spec_dst is the source (one of ours, else EINVAL), IP_TTL and
 * IP_TOS the header's; a bad length or value, an unknown SOL_IP or
 * SOL_SOCKET type is EINVAL; another level's is ignored.  The second
 * address is a /32 of another net, so the route's source stays eth0's.
 */
#define SECOND_IP	"203.0.113.77"
TEST_F(udp, sendmsg_control_messages)
{
	struct in_pktinfo pi = { .ipi_spec_dst.s_addr = inet_addr(SECOND_IP) };
	struct sockaddr_in from;
	int one = 1, ttl, tos, v;
	unsigned char tosb = 0x10;

	ASSERT_EQ(0, wt_sh("wrenctl addr add " SECOND_IP "/32 dev eth0"));
	ASSERT_EQ(0, setsockopt(self->peer, SOL_IP, IP_RECVTTL, &one,
				sizeof(one)));
	ASSERT_EQ(0, setsockopt(self->peer, SOL_IP, IP_RECVTOS, &one,
				sizeof(one)));
	ASSERT_EQ(0, bind_to(self->fd, "0.0.0.0", 0));

	/* Without: the route's source, the default TTL. */
	ASSERT_EQ(4, send_to(self->fd, "cmsg", 4, WS_PEER_IP, self->peer_port));
	ASSERT_EQ(0, peer_recv_meta(self->peer, &from, &ttl, &tos));
	EXPECT_EQ(inet_addr(WS_WREN_IP), from.sin_addr.s_addr);
	EXPECT_EQ(64, ttl);

	EXPECT_EQ(0, send_cmsg(self->fd, SOL_IP, IP_PKTINFO, &pi, sizeof(pi),
			       WS_PEER_IP, self->peer_port));
	ASSERT_EQ(0, peer_recv_meta(self->peer, &from, &ttl, &tos));
	EXPECT_EQ(inet_addr(SECOND_IP), from.sin_addr.s_addr);
	v = 7;
	EXPECT_EQ(0, send_cmsg(self->fd, SOL_IP, IP_TTL, &v, sizeof(v),
			       WS_PEER_IP, self->peer_port));
	ASSERT_EQ(0, peer_recv_meta(self->peer, &from, &ttl, &tos));
	EXPECT_EQ(7, ttl);
	EXPECT_EQ(inet_addr(WS_WREN_IP), from.sin_addr.s_addr);
	EXPECT_EQ(0, send_cmsg(self->fd, SOL_IP, IP_TOS, &tosb, 1, WS_PEER_IP,
			       self->peer_port));
	ASSERT_EQ(0, peer_recv_meta(self->peer, &from, &ttl, &tos));
	EXPECT_EQ(0x10, tos);
	EXPECT_EQ(0, send_cmsg(self->fd, IPPROTO_TCP, 1, &v, sizeof(v),
			       WS_PEER_IP, self->peer_port));
	ASSERT_EQ(0, peer_recv_meta(self->peer, &from, &ttl, &tos));

	/* What Linux refuses. */
	pi.ipi_spec_dst.s_addr = inet_addr("192.0.2.9");
	EXPECT_EQ(EINVAL, send_cmsg(self->fd, SOL_IP, IP_PKTINFO, &pi,
				    sizeof(pi), WS_PEER_IP, self->peer_port));
	EXPECT_EQ(EINVAL, send_cmsg(self->fd, SOL_IP, IP_PKTINFO, &pi, 8,
				    WS_PEER_IP, self->peer_port));
	v = 0;
	EXPECT_EQ(EINVAL, send_cmsg(self->fd, SOL_IP, IP_TTL, &v, sizeof(v),
				    WS_PEER_IP, self->peer_port));
	EXPECT_EQ(EINVAL, send_cmsg(self->fd, SOL_IP, IP_TTL, &tosb, 1,
				    WS_PEER_IP, self->peer_port));
	EXPECT_EQ(EINVAL, send_cmsg(self->fd, SOL_IP, IP_RECVERR, &one,
				    sizeof(one), WS_PEER_IP, self->peer_port));
	EXPECT_EQ(EINVAL, send_cmsg(self->fd, SOL_SOCKET, 0x7fff, &one,
				    sizeof(one), WS_PEER_IP, self->peer_port));
	/* None of those went out. */
	EXPECT_FALSE(ws_wait(self->peer, POLLIN, 200) & POLLIN);
	wt_sh("wrenctl addr del " SECOND_IP "/32 dev eth0");
}

/* How many datagrams wait on @fd; they are read and dropped. */
static int drain_count(int fd)
{
	char b[64];
	int n = 0;

	while (recv(fd, b, sizeof(b), MSG_DONTWAIT) > 0)
		n++;
	return n;
}

/*
 * SO_REUSEPORT (set as SOL_WREN/WREN_SO_REUSEPORT, since Debian's kernel
 * refuses SOL_SOCKET's to other families): a group of sockets on one port
 * shares the flows by a hash of the 4-tuple, as Linux's: 32 senders
 * (source ports) spread over both members, and each sender's datagrams
 * stay with one member.
 */
TEST_F(udp, reuseport_group_balances)
{
	int a = socket(AF_WREN, SOCK_DGRAM, 0);
	int b = socket(AF_WREN, SOCK_DGRAM, 0);
	int one = 1, port, i, na = 0, nb = 0, split = 0, v = 0;
	int senders[32];
	socklen_t len;

	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	/* The socket core keeps SOL_SOCKET's to AF_INET/AF_INET6 sockets. */
	EXPECT_EQ(-1, setsockopt(a, SOL_SOCKET, SO_REUSEPORT, &one,
				 sizeof(one)));
	EXPECT_EQ(EOPNOTSUPP, errno);
	ASSERT_EQ(0, setsockopt(a, SOL_WREN, WREN_SO_REUSEPORT, &one,
				sizeof(one)));
	ASSERT_EQ(0, setsockopt(b, SOL_WREN, WREN_SO_REUSEPORT, &one,
				sizeof(one)));
	len = sizeof(v);
	ASSERT_EQ(0, getsockopt(a, SOL_SOCKET, SO_REUSEPORT, &v, &len));
	EXPECT_EQ(1, v);
	ASSERT_EQ(0, bind_to(a, "0.0.0.0", 0));
	port = ws_local_port(a);
	ASSERT_EQ(0, bind_to(b, "0.0.0.0", port));
	for (i = 0; i < 32; i++) {
		senders[i] = ws_peer_udp(0);
		ASSERT_LE(0, senders[i]);
	}
	for (i = 0; i < 32; i++) {
		int ga, gb;

		/* Three datagrams from one sender: one member gets all. */
		ASSERT_EQ(3, peer_send(senders[i], "one", 3, port));
		ASSERT_EQ(3, peer_send(senders[i], "two", 3, port));
		ASSERT_EQ(3, peer_send(senders[i], "six", 3, port));
		WT_WAIT(2000, ws_wait(a, POLLIN, 0) || ws_wait(b, POLLIN, 0));
		wt_msleep(30);
		ga = drain_count(a);
		gb = drain_count(b);
		EXPECT_EQ(3, ga + gb) TH_LOG("sender %d: %d + %d", i, ga, gb);
		if (ga && gb)
			split++;
		na += !!ga;
		nb += !!gb;
		close(senders[i]);
	}
	TH_LOG("32 senders: %d went to the first member, %d to the second",
	       na, nb);
	EXPECT_EQ(0, split);
	EXPECT_LE(4, na);
	EXPECT_LE(4, nb);
	close(a);
	close(b);
}

TEST_F(udp, shutdown_unconnected)
{
	char c;

	/* As Linux: ENOTCONN, yet the flags are set and wake readers. */
	ASSERT_EQ(0, bind_to(self->fd, NULL, 0));
	EXPECT_EQ(-1, shutdown(self->fd, SHUT_RD));
	EXPECT_EQ(ENOTCONN, errno);
	EXPECT_EQ(0, recv(self->fd, &c, 1, 0));
	EXPECT_EQ(-1, shutdown(self->fd, 7));
	EXPECT_EQ(EINVAL, errno);
}

/* ---- receive semantics --------------------------------------------------------- */

TEST_F(udp, nonblocking_and_timeouts)
{
	struct timeval tv = { .tv_usec = 200000 };
	double t0;
	char c;

	ASSERT_EQ(0, bind_to(self->fd, NULL, 0));
	EXPECT_EQ(-1, recv(self->fd, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVTIMEO, &tv,
				sizeof(tv)));
	t0 = wt_now();
	EXPECT_EQ(-1, recv(self->fd, &c, 1, 0));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_LE(0.15, wt_now() - t0);
	EXPECT_GE(2.0, wt_now() - t0);

	ASSERT_EQ(0, fcntl(self->fd, F_SETFL, O_NONBLOCK));
	EXPECT_EQ(-1, recv(self->fd, &c, 1, 0));
	EXPECT_EQ(EAGAIN, errno);

	/* Nothing to read, room to write. */
	EXPECT_EQ(POLLOUT, ws_wait(self->fd, POLLIN | POLLOUT, 0));
}

TEST_F(udp, poll_epoll_readiness)
{
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int port, ep;
	char buf[16];

	ASSERT_EQ(0, bind_to(self->fd, NULL, 0));
	port = ws_local_port(self->fd);
	ep = epoll_create1(0);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(0, ws_wait(self->fd, POLLIN, 0));

	ASSERT_EQ(5, peer_send(self->peer, "hello", 5, port));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 3000));
	EXPECT_TRUE(ws_wait(self->fd, POLLIN, 0) & POLLIN);
	EXPECT_EQ(5, recv(self->fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, ws_wait(self->fd, POLLIN, 0));
	close(ep);
}

TEST_F(udp, peek_trunc_inq)
{
	struct sockaddr_wren from;
	socklen_t flen = sizeof(from);
	char buf[64];
	struct iovec iov = { .iov_base = buf, .iov_len = 4 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	int port, inq = -1;

	ASSERT_EQ(0, bind_to(self->fd, NULL, 0));
	port = ws_local_port(self->fd);
	ASSERT_EQ(10, peer_send(self->peer, "0123456789", 10, port));
	ASSERT_EQ(3, peer_send(self->peer, "abc", 3, port));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 3000) & POLLIN);

	ASSERT_EQ(0, ioctl(self->fd, SIOCINQ, &inq));
	EXPECT_EQ(10, inq);

	/* Peek twice, then read: the same datagram. */
	memset(buf, 0, sizeof(buf));
	EXPECT_EQ(10, recvfrom(self->fd, buf, sizeof(buf), MSG_PEEK,
			       (struct sockaddr *)&from, &flen));
	EXPECT_EQ(0, memcmp(buf, "0123456789", 10));
	EXPECT_EQ(sizeof(from), flen);
	EXPECT_EQ(inet_addr(WS_PEER_IP), from.swren_addr);
	EXPECT_EQ(htons(self->peer_port), from.swren_port);
	/* MSG_TRUNC: the real length, even with a short buffer */
	EXPECT_EQ(10, recv(self->fd, buf, 2, MSG_PEEK | MSG_TRUNC));

	/* A short read truncates and flags it; the rest is gone. */
	EXPECT_EQ(4, recvmsg(self->fd, &m, 0));
	EXPECT_TRUE(m.msg_flags & MSG_TRUNC);
	EXPECT_EQ(0, memcmp(buf, "0123", 4));

	EXPECT_EQ(3, recv(self->fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "abc", 3));
	ASSERT_EQ(0, ioctl(self->fd, SIOCINQ, &inq));
	EXPECT_EQ(0, inq);
	ASSERT_EQ(0, ioctl(self->fd, SIOCOUTQ, &inq));
	EXPECT_EQ(0, inq);
}

TEST_F(udp, recv_efault)
{
	int port;

	ASSERT_EQ(0, bind_to(self->fd, NULL, 0));
	port = ws_local_port(self->fd);
	ASSERT_EQ(3, peer_send(self->peer, "abc", 3, port));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 3000) & POLLIN);
	EXPECT_EQ(-1, recv(self->fd, (void *)8, 3, 0));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(udp, rcvbuf_overflow_counted)
{
	long long rcvbuf0 = ws_snmp("Udp", "RcvbufErrors");
	long long drop0 = ws_snmp("WrenDrop", "UdpRcvbuf");
	int small = 4096, port, i, got = 0;
	char buf[1000], line[512];

	ASSERT_LE(0, rcvbuf0);
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_RCVBUF, &small,
				sizeof(small)));
	ASSERT_EQ(0, bind_to(self->fd, NULL, 0));
	port = ws_local_port(self->fd);
	memset(buf, 'r', sizeof(buf));
	for (i = 0; i < 64; i++)
		ASSERT_EQ((ssize_t)sizeof(buf), peer_send(self->peer, buf, sizeof(buf),
						 port));
	wt_msleep(500);
	while (recv(self->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0)
		got++;
	TH_LOG("%d of 64 datagrams fitted", got);
	EXPECT_LT(0, got);
	EXPECT_GT(64, got);

	ASSERT_EQ(0, ws_proc_line("udp", port, line, sizeof(line)));
	EXPECT_EQ(64 - got, ws_proc_drops(line)) TH_LOG("%s", line);
	EXPECT_LE(rcvbuf0 + 64 - got, ws_snmp("Udp", "RcvbufErrors"));
	EXPECT_LE(drop0 + 64 - got, ws_snmp("WrenDrop", "UdpRcvbuf"));
}

TEST_F(udp, proc_lists_sockets)
{
	char line[512], want[64];
	int port;

	ASSERT_EQ(0, bind_to(self->fd, WS_WREN_IP, 0));
	port = ws_local_port(self->fd);
	ASSERT_EQ(0, ws_proc_line("udp", port, line, sizeof(line)));
	/* 192.0.2.1 reads 010200C0; unconnected: st 07 */
	snprintf(want, sizeof(want), "010200C0:%04X 00000000:0000 07", port);
	EXPECT_NE(NULL, strstr(line, want)) TH_LOG("%s", line);

	ASSERT_EQ(0, connect_to(self->fd, WS_PEER_IP, self->peer_port));
	ASSERT_EQ(0, ws_proc_line("udp", port, line, sizeof(line)));
	snprintf(want, sizeof(want), "010200C0:%04X 020200C0:%04X 01", port,
		 self->peer_port);
	EXPECT_NE(NULL, strstr(line, want)) TH_LOG("%s", line);

	close(self->fd);
	self->fd = socket(AF_WREN, SOCK_DGRAM, 0);
	EXPECT_EQ(-1, ws_proc_line("udp", port, line, sizeof(line)));
}

/* Many sockets: the listing spans several reads and shows each once. */
TEST(proc_many_sockets)
{
	enum { N = 400 };
	static int fds[N], seen[N];
	int i, lines = 0, port, slot;
	char line[512];
	FILE *f;

	ASSERT_EQ(0, ws_net_up());
	for (i = 0; i < N; i++) {
		fds[i] = socket(AF_WREN, SOCK_DGRAM, 0);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, bind_to(fds[i], NULL, 20000 + i));
	}
	f = fopen("/proc/net/wren/udp", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(line, sizeof(line), f));	/* the header */
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		lines++;
		ASSERT_NE(NULL, colon);
		port = strtol(colon + 11, NULL, 16);
		slot = port - 20000;
		if (slot >= 0 && slot < N)
			seen[slot]++;
	}
	fclose(f);
	for (i = 0; i < N; i++) {
		EXPECT_EQ(1, seen[i]) TH_LOG("port %d", 20000 + i);
		close(fds[i]);
	}
	EXPECT_LE(N, lines);
}

/* ---- datagrams with the Linux peer --------------------------------------------- */

/* wren -> peer -> wren, @len bytes of pattern each way, content checked. */
static void echo_once(struct __test_metadata *_metadata, int fd, int peer,
		      int peer_port, size_t len, uint64_t seed)
{
	char *out = malloc(len), *in = malloc(len + 1);
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, in);
	wt_pattern_fill(out, len, 0, seed);

	ASSERT_EQ((ssize_t)len, send_to(fd, out, len, WS_PEER_IP, peer_port))
		TH_LOG("sendto: %s", strerror(errno));
	ASSERT_TRUE(ws_wait(peer, POLLIN, 5000) & POLLIN)
		TH_LOG("the peer got nothing of %zu bytes", len);
	n = recvfrom(peer, in, len + 1, 0, (struct sockaddr *)&from, &flen);
	ASSERT_EQ((ssize_t)len, n);
	ASSERT_EQ(0, memcmp(in, out, len));
	EXPECT_EQ(inet_addr(WS_WREN_IP), from.sin_addr.s_addr);

	/* and back, altered so that it is not the same bytes */
	wt_pattern_fill(out, len, 0, seed + 1);
	ASSERT_EQ((ssize_t)len, sendto(peer, out, len, 0,
				       (struct sockaddr *)&from, flen));
	ASSERT_TRUE(ws_wait(fd, POLLIN, 5000) & POLLIN)
		TH_LOG("wren got nothing of %zu bytes", len);
	ASSERT_EQ((ssize_t)len, recv(fd, in, len + 1, 0));
	ASSERT_EQ(0, memcmp(in, out, len));
	free(out);
	free(in);
}

TEST_F(udp, echo_small)
{
	long long in0 = ws_snmp("Udp", "InDatagrams");
	long long out0 = ws_snmp("Udp", "OutDatagrams");

	echo_once(_metadata, self->fd, self->peer, self->peer_port, 100, 1);
	EXPECT_LE(in0 + 1, ws_snmp("Udp", "InDatagrams"));
	EXPECT_LE(out0 + 1, ws_snmp("Udp", "OutDatagrams"));
}

TEST_F(udp, echo_empty)
{
	char c;

	ASSERT_EQ(0, send_to(self->fd, "", 0, WS_PEER_IP, self->peer_port));
	ASSERT_TRUE(ws_wait(self->peer, POLLIN, 5000) & POLLIN);
	EXPECT_EQ(0, recv(self->peer, &c, 1, 0));
}

TEST_F(udp, echo_8000)
{
	echo_once(_metadata, self->fd, self->peer, self->peer_port, 8000, 2);
}

TEST_F(udp, echo_65507)
{
	echo_once(_metadata, self->fd, self->peer, self->peer_port, BIG, 3);
}

/* Two wren sockets talking through wren's own address. */
TEST_F(udp, own_address)
{
	int b = socket(AF_WREN, SOCK_DGRAM, 0), port;
	struct sockaddr_wren from;
	socklen_t flen = sizeof(from);
	char buf[16];

	ASSERT_LE(0, b);
	ASSERT_EQ(0, bind_to(b, WS_WREN_IP, 0));
	port = ws_local_port(b);
	ASSERT_EQ(4, send_to(self->fd, "self", 4, WS_WREN_IP, port))
		TH_LOG("sendto: %s", strerror(errno));
	ASSERT_TRUE(ws_wait(b, POLLIN, 3000) & POLLIN);
	ASSERT_EQ(4, recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			      &flen));
	EXPECT_EQ(0, memcmp(buf, "self", 4));
	EXPECT_EQ(inet_addr(WS_WREN_IP), from.swren_addr);
	EXPECT_EQ(htons(ws_local_port(self->fd)), from.swren_port);
	close(b);
}

TEST_F(udp, connected_filters_peers)
{
	int other = ws_peer_udp(0), port;
	char buf[16];

	ASSERT_LE(0, other);
	ASSERT_EQ(0, connect_to(self->fd, WS_PEER_IP, self->peer_port));
	port = ws_local_port(self->fd);
	/* from another port: not for this socket (and answered with ICMP) */
	ASSERT_EQ(5, peer_send(other, "other", 5, port));
	ASSERT_EQ(4, peer_send(self->peer, "mine", 4, port));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 3000) & POLLIN);
	EXPECT_EQ(4, recv(self->fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "mine", 4));
	EXPECT_EQ(-1, recv(self->fd, buf, sizeof(buf), MSG_DONTWAIT));
	close(other);
}

TEST_F(udp, zero_checksum_accepted)
{
	int one = 1, port;
	char buf[16];

	/* SO_NO_CHECK: the peer sends with checksum 0, "none" in RFC 768 */
	ASSERT_EQ(0, setsockopt(self->peer, SOL_SOCKET, SO_NO_CHECK, &one,
				sizeof(one)));
	ASSERT_EQ(0, bind_to(self->fd, NULL, 0));
	port = ws_local_port(self->fd);
	ASSERT_EQ(6, peer_send(self->peer, "nocsum", 6, port));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 3000) & POLLIN);
	EXPECT_EQ(6, recv(self->fd, buf, sizeof(buf), 0));
}

TEST_F(udp, broadcast_both_ways)
{
	int one = 1, port;
	struct sockaddr_in b;
	char buf[16];

	/* wren -> peer */
	ASSERT_EQ(0, setsockopt(self->fd, SOL_SOCKET, SO_BROADCAST, &one,
				sizeof(one)));
	ASSERT_EQ(5, send_to(self->fd, "bcast", 5, WS_BCAST_IP,
			     self->peer_port));
	ASSERT_TRUE(ws_wait(self->peer, POLLIN, 3000) & POLLIN);
	EXPECT_EQ(5, recv(self->peer, buf, sizeof(buf), 0));

	/* peer -> wren, to a wildcard-bound socket */
	port = ws_local_port(self->fd);
	b = nt_sin(WS_BCAST_IP, port);
	ASSERT_EQ(0, setsockopt(self->peer, SOL_SOCKET, SO_BROADCAST, &one,
				sizeof(one)));
	ASSERT_EQ(4, sendto(self->peer, "back", 4, 0, (struct sockaddr *)&b,
			    sizeof(b)));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 3000) & POLLIN);
	EXPECT_EQ(4, recv(self->fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "back", 4));

	/* the limited broadcast, both ways */
	ASSERT_EQ(3, send_to(self->fd, "lim", 3, "255.255.255.255",
			     self->peer_port))
		TH_LOG("sendto: %s", strerror(errno));
	ASSERT_TRUE(ws_wait(self->peer, POLLIN, 3000) & POLLIN);
	EXPECT_EQ(3, recv(self->peer, buf, sizeof(buf), 0));
	b = nt_sin("255.255.255.255", port);
	/* Linux has no route for it: name the device */
	ASSERT_EQ(0, setsockopt(self->peer, SOL_SOCKET, SO_BINDTODEVICE,
				"peer0", 6));
	ASSERT_EQ(3, sendto(self->peer, "all", 3, 0, (struct sockaddr *)&b,
			    sizeof(b)));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 3000) & POLLIN);
	EXPECT_EQ(3, recv(self->fd, buf, sizeof(buf), 0));
	EXPECT_EQ(0, memcmp(buf, "all", 3));
}

TEST_F(udp, limited_broadcast_needs_so_broadcast)
{
	EXPECT_EQ(-1, send_to(self->fd, "x", 1, "255.255.255.255", 9));
	EXPECT_EQ(EACCES, errno);
}

/*
 * A broadcast to a port no wren socket holds: on eth0, shared with Linux,
 * it is Linux's alone (wren does not take it); no ICMP either way.
 */
TEST_F(udp, broadcast_to_nobody_left_to_linux)
{
	long long ign0 = ws_snmp("Udp", "IgnoredMulti");
	long long noports0 = ws_snmp("Udp", "NoPorts");
	struct sockaddr_in b = nt_sin(WS_BCAST_IP, 9);
	int one = 1;

	ASSERT_EQ(0, setsockopt(self->peer, SOL_SOCKET, SO_BROADCAST, &one,
				sizeof(one)));
	/* connected, so that a port unreachable would show as POLLERR */
	ASSERT_EQ(0, connect(self->peer, (struct sockaddr *)&b, sizeof(b)));
	ASSERT_EQ(1, send(self->peer, "x", 1, 0));
	usleep(500 * 1000);
	EXPECT_EQ(ign0, ws_snmp("Udp", "IgnoredMulti"));
	EXPECT_EQ(noports0, ws_snmp("Udp", "NoPorts"));
	EXPECT_EQ(0, ws_wait(self->peer, POLLIN, 300) & POLLERR);
}

/*
 * A stream of datagrams through wt-xfer, one end wren, the other the Linux
 * peer.  Sent at full speed, so the sender blocks on its send buffer; the
 * receiver (slower under TCG) may overflow its socket buffer and lose
 * some, but what arrives is intact.
 */
static void bulk(struct __test_metadata *_metadata, bool wren_sends)
{
	const char *ready = "/tmp/udp_bulk.ready";
	struct wt_bg *rcv;
	long long got, bad, dup;
	int snd;

	unlink(ready);
	rcv = wt_bg_start(wren_sends ? WT_PEER_NS : NULL,
			  "wt-xfer recv --family %s --udp 1400 3000 --idle 3 "
			  "--timeout 60 --sockbuf 4194304 --ready %s 6100",
			  wren_sends ? "inet" : "wren", ready);
	ASSERT_NE(NULL, rcv);
	ASSERT_TRUE(WT_WAIT(10000, access(ready, F_OK) == 0));
	if (wren_sends)
		snd = wt_sh("wt-xfer send --family wren --udp 1400 3000 "
			    "--timeout 60 %s 6100", WS_PEER_IP);
	else
		snd = wt_peer("wt-xfer send --family inet --udp 1400 3000 "
			      "--timeout 60 %s 6100", WS_WREN_IP);
	EXPECT_EQ(0, snd);
	wt_bg_wait(rcv, 70000);
	TH_LOG("receiver: %s", rcv->out);
	TH_LOG("wren: Udp SndbufErrors %lld RcvbufErrors %lld",
	       ws_snmp("Udp", "SndbufErrors"), ws_snmp("Udp", "RcvbufErrors"));
	got = wt_kv_ll(rcv->out, "datagrams");
	bad = wt_kv_ll(rcv->out, "bad");
	dup = wt_kv_ll(rcv->out, "dup");
	EXPECT_EQ(0, bad);
	EXPECT_EQ(0, dup);
	EXPECT_LT(300, got);
	wt_bg_free(rcv);
}

TEST_F_TIMEOUT(udp, bulk_wren_to_peer, 120)
{
	bulk(_metadata, true);
}

TEST_F_TIMEOUT(udp, bulk_peer_to_wren, 120)
{
	bulk(_metadata, false);
}

/* ---- ICMP errors ---------------------------------------------------------------- */

TEST_F(udp, port_unreachable_econnrefused)
{
	int closed = ws_peer_udp(0), port, err = 0;
	socklen_t elen = sizeof(err);
	char c;

	ASSERT_LE(0, closed);
	port = ws_local_port(closed);
	close(closed);	/* nobody listens on port now */

	ASSERT_EQ(0, connect_to(self->fd, WS_PEER_IP, port));
	ASSERT_EQ(1, send(self->fd, "x", 1, 0));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 3000) & POLLERR);
	EXPECT_EQ(-1, recv(self->fd, &c, 1, 0));
	EXPECT_EQ(ECONNREFUSED, errno);
	/* reported once */
	EXPECT_EQ(-1, recv(self->fd, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);

	/* again, now read through SO_ERROR */
	ASSERT_EQ(1, send(self->fd, "x", 1, 0));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 3000) & POLLERR);
	ASSERT_EQ(0, getsockopt(self->fd, SOL_SOCKET, SO_ERROR, &err, &elen));
	EXPECT_EQ(ECONNREFUSED, err);
}

TEST_F(udp, port_unreachable_ignored_unconnected)
{
	int closed = ws_peer_udp(0), port;
	char c;

	ASSERT_LE(0, closed);
	port = ws_local_port(closed);
	close(closed);
	ASSERT_EQ(1, send_to(self->fd, "x", 1, WS_PEER_IP, port));
	wt_msleep(300);
	EXPECT_EQ(-1, recv(self->fd, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	EXPECT_EQ(1, send_to(self->fd, "x", 1, WS_PEER_IP, port));
}

TEST_F(udp, closed_port_sends_icmp)
{
	long long noports0 = ws_snmp("Udp", "NoPorts");
	struct sockaddr_in a = nt_sin(WS_WREN_IP, 9);
	char c;

	/* Port 9 of wren has nobody: the peer's connected socket hears it. */
	ASSERT_EQ(0, connect(self->peer, (struct sockaddr *)&a, sizeof(a)));
	ASSERT_EQ(1, send(self->peer, "x", 1, 0));
	ASSERT_TRUE(ws_wait(self->peer, POLLIN, 3000) & POLLERR);
	EXPECT_EQ(-1, recv(self->peer, &c, 1, 0));
	EXPECT_EQ(ECONNREFUSED, errno);
	EXPECT_LE(noports0 + 1, ws_snmp("Udp", "NoPorts"));
}

TEST_F(udp, host_unreachable)
{
	double end = wt_now() + 15;
	int err = 0;
	char c;

	/*
	 * Nobody has 192.0.2.9: ARP fails, and the connected socket hears of
	 * it from the ARP layer (a local ICMP host unreachable) on its next
	 * call, even a receive.
	 */
	ASSERT_EQ(0, connect_to(self->fd, WS_DEAD_IP, 9));
	ASSERT_EQ(1, send(self->fd, "x", 1, 0));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 10000) & POLLERR);
	EXPECT_EQ(-1, recv(self->fd, &c, 1, MSG_DONTWAIT));
	EXPECT_EQ(EHOSTUNREACH, errno);

	/* and later sends fail too, while ARP keeps failing */
	while (wt_now() < end) {
		if (send(self->fd, "x", 1, 0) < 0) {
			err = errno;
			break;
		}
		wt_msleep(250);
	}
	EXPECT_EQ(EHOSTUNREACH, err);
}

/* ---- lifetime ------------------------------------------------------------------ */

/* The module's reference count once it has held still for 0.5 s. */
static long long settled_refcnt(void)
{
	long long v = wt_read_ll("/sys/module/wren/refcnt"), w;
	int i;

	/* The sockets of the tests before go after RCU grace periods. */
	for (i = 0; i < 40 * wt_scale(); i++) {
		wt_msleep(500);
		w = wt_read_ll("/sys/module/wren/refcnt");
		if (w == v)
			break;
		v = w;
	}
	return v;
}

TEST(module_pinned_by_sockets)
{
	long long before = settled_refcnt();
	int fd = socket(AF_WREN, SOCK_DGRAM, 0);

	ASSERT_LE(0, fd);
	EXPECT_LT(before, wt_read_ll("/sys/module/wren/refcnt"));
	EXPECT_NE(0, wt_shq("rmmod wren"));
	close(fd);
	/*
	 * The socket goes after an RCU grace period (so may the ones of the
	 * tests before, counted in "before").
	 */
	EXPECT_TRUE(WT_WAIT(2000, wt_read_ll("/sys/module/wren/refcnt") <=
			    before));
}

WT_HARNESS_MAIN
