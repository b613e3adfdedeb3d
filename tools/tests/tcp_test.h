/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the TCP test programs (tools/tests/tcp_*.c): hash-checked
 * transfers between any two ends, a wren-client/Linux-server pair, and
 * netem clean-up on the wren_e1000 wire.
 */
#ifndef _WREN_TCP_TEST_H
#define _WREN_TCP_TEST_H

#include "wren_sock_test.h"

/* A transfer whose two ends may be of different families. */
static int __attribute__((unused)) tt_xfer(struct wt_xfer *x, const char *send_opts,
		const char *recv_opts)
{
	int timeout_s = (x->timeout_ms ? x->timeout_ms : 120000) / 1000;
	struct wt_bg *rcv, *snd;

	x->opts = recv_opts;
	rcv = wt_xfer_recv_start(x);
	if (!rcv)
		return -1;
	snd = wt_bg_start(x->send_ns, "exec wt-xfer send --timeout %d %s %s "
			  "%d %lld", timeout_s + 5, send_opts, x->host,
			  x->port, x->bytes);
	return wt_xfer_finish(x, rcv, snd);
}

/* A connected pair: *w the wren client, *l the Linux server's socket. */
static int __attribute__((unused)) tt_pair(int port, int *w, int *l)
{
	struct sockaddr_in la = ws_inaddr(NULL, port);
	struct sockaddr_wren a = ws_addr(WS_PEER_IP, port);
	int one = 1, lfd;

	lfd = ws_socket_in(WT_PEER_NS, AF_INET, SOCK_STREAM, 0);
	if (lfd < 0)
		return -1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&la, sizeof(la)) || listen(lfd, 4))
		goto fail;
	*w = socket(AF_WREN, SOCK_STREAM, 0);
	if (*w < 0 || connect(*w, (struct sockaddr *)&a, sizeof(a)))
		goto fail;
	*l = accept(lfd, NULL, NULL);
	if (*l < 0)
		goto fail;
	close(lfd);
	return 0;
fail:
	fprintf(stderr, "# pair: %s\n", strerror(errno));
	close(lfd);
	return -1;
}

static void __attribute__((unused)) tt_netem_off(void)
{
	wt_shq("tc qdisc del dev eth0 root 2>/dev/null");
	wt_peerq("tc qdisc del dev peer0 root 2>/dev/null");
}

#endif /* _WREN_TCP_TEST_H */
