// SPDX-License-Identifier: GPL-2.0
/*
 * AF_WREN ICMP echo ("ping") sockets, socket(AF_WREN, SOCK_DGRAM,
 * IPPROTO_ICMP), as Linux's ping sockets: the user writes the ICMP header,
 * wren fills in the identifier (the socket's "port") and the checksum.
 */
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include "kselftest_harness.h"
#include "sock.h"

FIXTURE(ping) {
	int fd;
};

FIXTURE_SETUP(ping)
{
	ASSERT_EQ(0, ws_net_up());
	self->fd = socket(AF_WREN, SOCK_DGRAM, IPPROTO_ICMP);
	ASSERT_LE(0, self->fd) TH_LOG("socket: %s", strerror(errno));
}

FIXTURE_TEARDOWN(ping)
{
	close(self->fd);
}

static ssize_t send_echo(int fd, const char *ip, uint16_t seq,
			 const void *data, size_t len)
{
	struct sockaddr_wren a = nt_swren(ip, 0);
	char buf[2048];
	struct icmphdr *h = (struct icmphdr *)buf;

	memset(h, 0, sizeof(*h));
	h->type = ICMP_ECHO;
	h->un.echo.sequence = htons(seq);
	memcpy(buf + sizeof(*h), data, len);
	if (!ip)
		return send(fd, buf, sizeof(*h) + len, 0);
	return sendto(fd, buf, sizeof(*h) + len, 0, (struct sockaddr *)&a,
		      sizeof(a));
}

TEST_F(ping, echo_reply)
{
	struct sockaddr_wren from;
	socklen_t flen = sizeof(from);
	struct icmphdr *h;
	char buf[256];
	int id;

	ASSERT_EQ(8 + 5, send_echo(self->fd, WS_PEER_IP, 7, "hello", 5))
		TH_LOG("sendto: %s", strerror(errno));
	id = ws_local_port(self->fd);
	EXPECT_LT(0, id);

	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 5000) & POLLIN);
	ASSERT_EQ(8 + 5, recvfrom(self->fd, buf, sizeof(buf), 0,
				  (struct sockaddr *)&from, &flen));
	h = (struct icmphdr *)buf;
	EXPECT_EQ(ICMP_ECHOREPLY, h->type);
	EXPECT_EQ(0, h->code);
	EXPECT_EQ(htons(id), h->un.echo.id);
	EXPECT_EQ(htons(7), h->un.echo.sequence);
	EXPECT_EQ(0, memcmp(buf + 8, "hello", 5));
	EXPECT_EQ(AF_WREN, from.swren_family);
	EXPECT_EQ(inet_addr(WS_PEER_IP), from.swren_addr);
	EXPECT_EQ(0, from.swren_port);
}

TEST_F(ping, bound_id_and_proc)
{
	struct sockaddr_wren a = nt_swren(NULL, 4242);
	struct icmphdr h;
	char line[512];

	ASSERT_EQ(0, bind(self->fd, (struct sockaddr *)&a, sizeof(a)));
	EXPECT_EQ(4242, ws_local_port(self->fd));
	ASSERT_EQ(0, ws_proc_line("ping", 4242, line, sizeof(line)));

	ASSERT_EQ(8 + 3, send_echo(self->fd, WS_PEER_IP, 1, "abc", 3));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 5000) & POLLIN);
	ASSERT_EQ(8, recv(self->fd, &h, sizeof(h), 0));
	EXPECT_EQ(htons(4242), h.un.echo.id);
}

TEST_F(ping, many_in_flight)
{
	char buf[256];
	int i, got = 0;

	for (i = 0; i < 10; i++)
		ASSERT_EQ(8 + 4, send_echo(self->fd, WS_PEER_IP, i, "data", 4));
	while (got < 10 && (ws_wait(self->fd, POLLIN, 3000) & POLLIN)) {
		struct icmphdr *h = (struct icmphdr *)buf;

		ASSERT_EQ(8 + 4, recv(self->fd, buf, sizeof(buf), 0));
		EXPECT_EQ(ICMP_ECHOREPLY, h->type);
		got++;
	}
	EXPECT_EQ(10, got);
}

TEST_F(ping, large_echo)
{
	static char out[1400], in[1500];
	struct icmphdr *h = (struct icmphdr *)in;

	wt_pattern_fill(out, sizeof(out), 0, 99);
	ASSERT_EQ(8 + (ssize_t)sizeof(out),
		  send_echo(self->fd, WS_PEER_IP, 3, out, sizeof(out)));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 5000) & POLLIN);
	ASSERT_EQ(8 + (ssize_t)sizeof(out), recv(self->fd, in, sizeof(in), 0));
	EXPECT_EQ(ICMP_ECHOREPLY, h->type);
	EXPECT_EQ(0, memcmp(in + 8, out, sizeof(out)));
}

/* Past the linear limit: page fragments out, IP fragments both ways. */
TEST_F(ping, echo_30000)
{
	size_t len = 30000;
	char *out = malloc(len + 8), *in = malloc(len + 9);
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, 0);
	struct icmphdr *h = (struct icmphdr *)out;

	ASSERT_NE(NULL, out);
	ASSERT_NE(NULL, in);
	memset(h, 0, sizeof(*h));
	h->type = ICMP_ECHO;
	h->un.echo.sequence = htons(30);
	wt_pattern_fill(out + 8, len, 0, 30);
	ASSERT_EQ((ssize_t)len + 8, sendto(self->fd, out, len + 8, 0,
					   (struct sockaddr *)&a, sizeof(a)));
	ASSERT_TRUE(ws_wait(self->fd, POLLIN, 5000) & POLLIN);
	ASSERT_EQ((ssize_t)len + 8, recv(self->fd, in, len + 9, 0));
	EXPECT_EQ(ICMP_ECHOREPLY, ((struct icmphdr *)in)->type);
	EXPECT_EQ(0, memcmp(in + 8, out + 8, len));
	free(out);
	free(in);
}

TEST(ids_distinct)
{
	enum { N = 64 };
	int fds[N], ids[N], i, j;

	for (i = 0; i < N; i++) {
		struct sockaddr_wren a = nt_swren(NULL, 0);

		fds[i] = socket(AF_WREN, SOCK_DGRAM, IPPROTO_ICMP);
		ASSERT_LE(0, fds[i]);
		ASSERT_EQ(0, bind(fds[i], (struct sockaddr *)&a, sizeof(a)));
		ids[i] = ws_local_port(fds[i]);
		ASSERT_LT(0, ids[i]);
		for (j = 0; j < i; j++)
			ASSERT_NE(ids[j], ids[i]);
	}
	for (i = 0; i < N; i++)
		close(fds[i]);
}

TEST_F(ping, errors)
{
	struct sockaddr_wren a = nt_swren(WS_PEER_IP, 0);
	struct icmphdr h = { .type = ICMP_ECHOREPLY };

	/* only echo requests, with a whole header */
	EXPECT_EQ(-1, sendto(self->fd, &h, sizeof(h), 0, (struct sockaddr *)&a,
			     sizeof(a)));
	EXPECT_EQ(EINVAL, errno);
	h.type = ICMP_ECHO;
	h.code = 1;
	EXPECT_EQ(-1, sendto(self->fd, &h, sizeof(h), 0, (struct sockaddr *)&a,
			     sizeof(a)));
	EXPECT_EQ(EINVAL, errno);
	h.code = 0;
	EXPECT_EQ(-1, sendto(self->fd, &h, 4, 0, (struct sockaddr *)&a,
			     sizeof(a)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, send(self->fd, &h, sizeof(h), 0));
	EXPECT_EQ(EDESTADDRREQ, errno);
	EXPECT_EQ(-1, send_echo(self->fd, WS_NOROUTE_IP, 1, "", 0));
	EXPECT_EQ(ENETUNREACH, errno);
	EXPECT_EQ(-1, send_echo(self->fd, WS_BCAST_IP, 1, "", 0));
	EXPECT_EQ(EACCES, errno);
	EXPECT_EQ(-1, sendto(self->fd, (void *)8, 8, 0, (struct sockaddr *)&a,
			     sizeof(a)));
	EXPECT_EQ(EFAULT, errno);
}

TEST_F(ping, connected_host_unreachable)
{
	struct sockaddr_wren a = nt_swren(WS_DEAD_IP, 0);
	double end = wt_now() + 15;
	int err = 0;

	ASSERT_EQ(0, connect(self->fd, (struct sockaddr *)&a, sizeof(a)));
	while (wt_now() < end) {
		if (send_echo(self->fd, NULL, 1, "", 0) < 0) {
			err = errno;
			break;
		}
		wt_msleep(250);
	}
	EXPECT_EQ(EHOSTUNREACH, err);
}

WT_HARNESS_MAIN
