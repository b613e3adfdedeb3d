// SPDX-License-Identifier: GPL-2.0
/*
 * wrenctl: configure the wren stack through its generic-netlink family.
 *
 * Every command is parsed completely before the kernel is contacted, so a
 * mistyped command line (exit 2) never changes anything.  Kernel errors are
 * reported with the kernel's extack message when it gave one (exit 1).
 */
#include <errno.h>
#include <stdbool.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/wren.h>

#include "wren_nl.h"
#include "wren_util.h"

#define EXIT_USAGE	2

static struct wren_nl nl = { .fd = -1 };

static void usage(FILE *f)
{
	fprintf(f,
"Usage: wrenctl link attach DEV [exclusive]\n"
"       wrenctl link detach DEV\n"
"       wrenctl link show [DEV]\n"
"       wrenctl addr add|del A.B.C.D/N dev DEV\n"
"       wrenctl addr show [DEV]\n"
"       wrenctl route add|del PREFIX/N|default [via GW] [dev DEV]\n"
"       wrenctl route show\n"
"       wrenctl arp show\n"
"       wrenctl arp add A.B.C.D lladdr MAC dev DEV\n"
"       wrenctl arp del A.B.C.D [dev DEV]\n"
"       wrenctl arp flush [dev DEV]\n"
"       wrenctl set tcp_msl_ms N | tcp_cong NAME | tcp_retries2 N |\n"
"                   tcp_mem_limit KIB | icmp_msgs_per_sec N ...\n"
"       wrenctl get\n"
"       wrenctl -h\n"
"\n"
"Configures the wren TCP/IPv4 stack (generic netlink family \"wren\").\n"
"An attached device is shared with Linux: wren takes IPv4 to its own\n"
"addresses and ARP requests for them, both stacks see ARP replies and\n"
"broadcasts, Linux keeps the rest.  \"exclusive\" gives wren every ARP and\n"
"IPv4 frame of the device instead.\n"
"A route needs a gateway (via), a device (dev, for an on-link route), or\n"
"both.  Changing anything needs CAP_NET_ADMIN.\n"
"Exit status: 0 success, 1 the kernel refused or failed, 2 usage error.\n");
}

static void msg(const char *fmt, va_list ap)
{
	fputs("wrenctl: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

/* A command-line mistake: nothing was sent to the kernel. */
static int bad(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg(fmt, ap);
	va_end(ap);
	return EXIT_USAGE;
}

static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg(fmt, ap);
	va_end(ap);
	return EXIT_FAILURE;
}

static int kernel_error(int err)
{
	size_t n;

	if (err == -EPERM || err == -EACCES)
		return fail("permission denied (need CAP_NET_ADMIN)");
	n = strlen(nl.errmsg);
	while (n && (nl.errmsg[n - 1] == '\n' || nl.errmsg[n - 1] == '.'))
		nl.errmsg[--n] = '\0';
	if (n)
		return fail("%s", nl.errmsg);
	return fail("%s", strerror(-err));
}

/* Send a request built with family 0; the family id is filled in here. */
static int run(struct wren_req *req, wren_nl_cb cb, void *arg)
{
	int err;

	if (nl.fd < 0) {
		err = wren_nl_open(&nl);
		if (err == -ENOENT)
			return fail("wren module not loaded");
		if (err)
			return fail("netlink: %s", strerror(-err));
	}
	req->nlh->nlmsg_type = nl.family;
	err = wren_nl_talk(&nl, req, cb, arg);
	if (err)
		return kernel_error(err);
	return 0;
}

/* Resolve a device name locally; the kernel gets its index. */
static int dev_index(const char *dev, __u32 *ifindex)
{
	unsigned int idx = 0;

	if (strlen(dev) < IFNAMSIZ)
		idx = if_nametoindex(dev);
	if (!idx)
		return fail("unknown device %s", dev);
	*ifindex = idx;
	return 0;
}

static const char *attr_dev(const struct nlattr **tb, char *buf)
{
	__u32 idx = 0;

	if (tb[WREN_A_IFNAME]) {
		wren_attr_str(tb[WREN_A_IFNAME], buf, IFNAMSIZ);
		if (buf[0])
			return buf;
	}
	idx = wren_attr_u32(tb[WREN_A_IFINDEX], 0);
	if (idx && if_indextoname(idx, buf))
		return buf;
	snprintf(buf, IFNAMSIZ, "if%u", idx);
	return buf;
}

static int is_kw(const char *s, const char *kw)
{
	return s && !strcmp(s, kw);
}

static int is_show(const char *s)
{
	return is_kw(s, "show") || is_kw(s, "list") || is_kw(s, "ls");
}

/* ---- link ---------------------------------------------------------------- */

struct link_filter {
	__u32	ifindex;	/* 0: all */
	int	count;
};

static void print_addr_entry(const struct nlattr *entry)
{
	const struct nlattr *tb[WREN_A_MAX + 1];
	char a[INET_ADDRSTRLEN];

	if (wren_attr_parse(wren_attr_data(entry), wren_attr_len(entry),
			    tb, WREN_A_MAX) || !tb[WREN_A_ADDR])
		return;
	printf("    inet %s/%u\n",
	       wren_fmt_ipv4(wren_attr_u32(tb[WREN_A_ADDR], 0), a, sizeof(a)),
	       wren_attr_u8(tb[WREN_A_PREFIXLEN], 32));
}

static int link_cb(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *tb[WREN_A_MAX + 1];
	struct link_filter *f = arg;
	char dev[IFNAMSIZ], mac[18];
	__u32 idx, flags;

	if (wren_attr_parse(attrs, len, tb, WREN_A_MAX))
		return 0;
	idx = wren_attr_u32(tb[WREN_A_IFINDEX], 0);
	if (f->ifindex && idx != f->ifindex)
		return 0;
	f->count++;
	printf("%u: %s:", idx, attr_dev(tb, dev));
	if (tb[WREN_A_FLAGS]) {
		flags = wren_attr_u32(tb[WREN_A_FLAGS], 0);
		if (!(flags & WREN_LINK_F_UP))
			printf(" <DOWN>");
		else if (flags & WREN_LINK_F_CARRIER)
			printf(" <UP,CARRIER>");
		else
			printf(" <UP,NO-CARRIER>");
		printf(" %s", flags & WREN_LINK_F_EXCLUSIVE ? "exclusive" :
							     "shared");
	}
	if (tb[WREN_A_MTU])
		printf(" mtu %u", wren_attr_u32(tb[WREN_A_MTU], 0));
	printf("\n");
	if (tb[WREN_A_LLADDR] && wren_attr_len(tb[WREN_A_LLADDR]) == 6)
		printf("    link/ether %s\n",
		       wren_fmt_mac(wren_attr_data(tb[WREN_A_LLADDR]),
				    mac, sizeof(mac)));
	if (tb[WREN_A_ADDRS]) {
		const struct nlattr *a = wren_attr_data(tb[WREN_A_ADDRS]);
		int rem = wren_attr_len(tb[WREN_A_ADDRS]);

		while (rem >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
		       a->nla_len <= rem) {
			if ((a->nla_type & NLA_TYPE_MASK) == WREN_A_ADDR_ENTRY)
				print_addr_entry(a);
			if ((int)NLA_ALIGN(a->nla_len) >= rem)
				break;
			rem -= NLA_ALIGN(a->nla_len);
			a = (const void *)((const char *)a +
					   NLA_ALIGN(a->nla_len));
		}
	}
	return 0;
}

static int link_show(int argc, char **argv)
{
	struct link_filter f = { 0 };
	struct wren_req req;
	char buf[256];
	int rc;

	if (argc > 1)
		return bad("link show: unexpected argument '%s'", argv[1]);
	if (argc == 1 && dev_index(argv[0], &f.ifindex))
		return EXIT_FAILURE;
	wren_req_init(&req, buf, sizeof(buf), 0, WREN_CMD_LINK_GET, 1);
	rc = run(&req, link_cb, &f);
	if (!rc && f.ifindex && !f.count)
		return fail("device %s is not attached to wren", argv[0]);
	return rc;
}

static int do_link(int argc, char **argv)
{
	struct wren_req req;
	bool exclusive;
	char buf[256];
	__u32 idx = 0;
	__u8 cmd;

	if (argc < 1 || is_show(argv[0]))
		return link_show(argc ? argc - 1 : 0, argv + 1);
	if (is_kw(argv[0], "attach"))
		cmd = WREN_CMD_LINK_ATTACH;
	else if (is_kw(argv[0], "detach"))
		cmd = WREN_CMD_LINK_DETACH;
	else
		return bad("link: unknown command '%s'", argv[0]);
	exclusive = cmd == WREN_CMD_LINK_ATTACH && argc == 3 &&
		    is_kw(argv[2], "exclusive");
	if (cmd == WREN_CMD_LINK_ATTACH && argc != 2 && !exclusive)
		return bad("usage: wrenctl link attach DEV [exclusive]");
	if (cmd == WREN_CMD_LINK_DETACH && argc != 2)
		return bad("usage: wrenctl link detach DEV");
	if (dev_index(argv[1], &idx))
		return EXIT_FAILURE;
	wren_req_init(&req, buf, sizeof(buf), 0, cmd, 0);
	wren_req_put_u32(&req, WREN_A_IFINDEX, idx);
	if (exclusive)
		wren_req_put_u32(&req, WREN_A_FLAGS, WREN_LINK_F_EXCLUSIVE);
	return run(&req, NULL, NULL);
}

/* ---- addr ---------------------------------------------------------------- */

static int do_addr(int argc, char **argv)
{
	struct wren_req req;
	struct in_addr addr;
	const char *dev = NULL, *pfx = NULL;
	char buf[256];
	int plen, i;
	__u32 idx = 0;
	__u8 cmd;

	if (argc < 1 || is_show(argv[0]))
		return link_show(argc ? argc - 1 : 0, argv + 1);
	if (is_kw(argv[0], "add"))
		cmd = WREN_CMD_ADDR_ADD;
	else if (is_kw(argv[0], "del") || is_kw(argv[0], "delete"))
		cmd = WREN_CMD_ADDR_DEL;
	else
		return bad("addr: unknown command '%s'", argv[0]);
	for (i = 1; i < argc; i++) {
		if (is_kw(argv[i], "dev")) {
			if (++i >= argc)
				return bad("addr: dev needs a device name");
			dev = argv[i];
		} else if (!pfx) {
			pfx = argv[i];
		} else {
			return bad("addr: unexpected argument '%s'", argv[i]);
		}
	}
	if (!pfx || !dev)
		return bad("usage: wrenctl addr %s A.B.C.D/N dev DEV", argv[0]);
	if (wren_parse_prefix(pfx, &addr, &plen, 32))
		return bad("bad prefix '%s' (want A.B.C.D/N, N 0..32)", pfx);
	if (dev_index(dev, &idx))
		return EXIT_FAILURE;
	wren_req_init(&req, buf, sizeof(buf), 0, cmd, 0);
	wren_req_put_u32(&req, WREN_A_IFINDEX, idx);
	wren_req_put_u32(&req, WREN_A_ADDR, addr.s_addr);
	wren_req_put_u8(&req, WREN_A_PREFIXLEN, (__u8)plen);
	return run(&req, NULL, NULL);
}

/* ---- route --------------------------------------------------------------- */

static int route_cb(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *tb[WREN_A_MAX + 1];
	char a[INET_ADDRSTRLEN], dev[IFNAMSIZ];
	__u32 dst, gw;
	__u8 plen;

	if (wren_attr_parse(attrs, len, tb, WREN_A_MAX))
		return 0;
	dst = wren_attr_u32(tb[WREN_A_DST], 0);
	plen = wren_attr_u8(tb[WREN_A_PREFIXLEN], 0);
	gw = wren_attr_u32(tb[WREN_A_GATEWAY], 0);
	if (!dst && !plen)
		printf("default");
	else
		printf("%s/%u", wren_fmt_ipv4(dst, a, sizeof(a)), plen);
	if (gw)
		printf(" via %s", wren_fmt_ipv4(gw, a, sizeof(a)));
	if (tb[WREN_A_IFINDEX] || tb[WREN_A_IFNAME])
		printf(" dev %s", attr_dev(tb, dev));
	if (tb[WREN_A_STATE]) {
		__u8 kind = wren_attr_u8(tb[WREN_A_STATE], 0);

		if (kind == WREN_ROUTE_CONNECTED)
			printf(" connected");
		else if (kind == WREN_ROUTE_STATIC)
			printf(" static");
		else
			printf(" kind %u", kind);
	}
	printf("\n");
	return 0;
}

static int do_route(int argc, char **argv)
{
	const char *dst = NULL, *via = NULL, *dev = NULL;
	struct in_addr daddr, gw;
	struct wren_req req;
	char buf[256];
	int plen, i;
	__u32 idx = 0;
	__u8 cmd;

	if (argc < 1 || is_show(argv[0])) {
		if (argc > 1)
			return bad("route show: unexpected argument '%s'",
				   argv[1]);
		wren_req_init(&req, buf, sizeof(buf), 0, WREN_CMD_ROUTE_GET, 1);
		return run(&req, route_cb, NULL);
	}
	if (is_kw(argv[0], "add"))
		cmd = WREN_CMD_ROUTE_ADD;
	else if (is_kw(argv[0], "del") || is_kw(argv[0], "delete"))
		cmd = WREN_CMD_ROUTE_DEL;
	else
		return bad("route: unknown command '%s'", argv[0]);
	for (i = 1; i < argc; i++) {
		if (is_kw(argv[i], "via") || is_kw(argv[i], "dev")) {
			const char **slot = argv[i][0] == 'v' ? &via : &dev;

			if (i + 1 >= argc)
				return bad("route: %s needs an argument",
					   argv[i]);
			if (*slot)
				return bad("route: %s given twice", argv[i]);
			*slot = argv[++i];
		} else if (!dst) {
			dst = argv[i];
		} else {
			return bad("route: unexpected argument '%s'", argv[i]);
		}
	}
	if (!dst)
		return bad("usage: wrenctl route %s PREFIX/N|default [via GW] [dev DEV]",
			   argv[0]);
	if (is_kw(dst, "default")) {
		daddr.s_addr = 0;
		plen = 0;
	} else if (wren_parse_prefix(dst, &daddr, &plen, 32)) {
		return bad("bad prefix '%s' (want A.B.C.D/N, N 0..32)", dst);
	} else if (daddr.s_addr & ~wren_plen_mask(plen)) {
		return bad("bad prefix '%s' (host bits set)", dst);
	}
	if (via && wren_parse_ipv4(via, &gw))
		return bad("bad gateway address '%s'", via);
	if (cmd == WREN_CMD_ROUTE_ADD && !via && !dev)
		return bad("route add: need via GW or dev DEV");
	if (dev && dev_index(dev, &idx))
		return EXIT_FAILURE;
	wren_req_init(&req, buf, sizeof(buf), 0, cmd, 0);
	wren_req_put_u32(&req, WREN_A_DST, daddr.s_addr);
	wren_req_put_u8(&req, WREN_A_PREFIXLEN, (__u8)plen);
	if (via)
		wren_req_put_u32(&req, WREN_A_GATEWAY, gw.s_addr);
	if (dev)
		wren_req_put_u32(&req, WREN_A_IFINDEX, idx);
	return run(&req, NULL, NULL);
}

/* ---- arp ----------------------------------------------------------------- */

static const char *const arp_state_name[] = {
	[WREN_ARP_INCOMPLETE]	= "incomplete",
	[WREN_ARP_REACHABLE]	= "reachable",
	[WREN_ARP_STALE]	= "stale",
	[WREN_ARP_FAILED]	= "failed",
	[WREN_ARP_PERMANENT]	= "permanent",
};

static int arp_cb(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *tb[WREN_A_MAX + 1];
	char a[INET_ADDRSTRLEN], dev[IFNAMSIZ], mac[18];
	__u8 state;

	if (wren_attr_parse(attrs, len, tb, WREN_A_MAX))
		return 0;
	state = wren_attr_u8(tb[WREN_A_STATE], WREN_ARP_INCOMPLETE);
	printf("%s", wren_fmt_ipv4(wren_attr_u32(tb[WREN_A_ADDR], 0),
				   a, sizeof(a)));
	if (tb[WREN_A_IFINDEX] || tb[WREN_A_IFNAME])
		printf(" dev %s", attr_dev(tb, dev));
	if (state != WREN_ARP_INCOMPLETE && state != WREN_ARP_FAILED &&
	    tb[WREN_A_LLADDR] && wren_attr_len(tb[WREN_A_LLADDR]) == 6)
		printf(" lladdr %s",
		       wren_fmt_mac(wren_attr_data(tb[WREN_A_LLADDR]),
				    mac, sizeof(mac)));
	if (state < WREN_ARRAY_SIZE(arp_state_name))
		printf(" %s\n", arp_state_name[state]);
	else
		printf(" state %u\n", state);
	return 0;
}

static int do_arp(int argc, char **argv)
{
	const char *ip = NULL, *lladdr = NULL, *dev = NULL;
	struct wren_req req;
	struct in_addr addr;
	char buf[256];
	__u8 mac[6];
	__u32 idx = 0;
	__u8 cmd;
	int i;

	if (argc < 1 || is_show(argv[0])) {
		if (argc > 1)
			return bad("arp show: unexpected argument '%s'",
				   argv[1]);
		wren_req_init(&req, buf, sizeof(buf), 0, WREN_CMD_ARP_GET, 1);
		return run(&req, arp_cb, NULL);
	}
	if (is_kw(argv[0], "add"))
		cmd = WREN_CMD_ARP_ADD;
	else if (is_kw(argv[0], "del") || is_kw(argv[0], "delete"))
		cmd = WREN_CMD_ARP_DEL;
	else if (is_kw(argv[0], "flush"))
		cmd = WREN_CMD_ARP_FLUSH;
	else
		return bad("arp: unknown command '%s'", argv[0]);
	for (i = 1; i < argc; i++) {
		if (is_kw(argv[i], "dev") ||
		    (cmd == WREN_CMD_ARP_ADD && is_kw(argv[i], "lladdr"))) {
			const char **slot = argv[i][0] == 'd' ? &dev : &lladdr;

			if (i + 1 >= argc)
				return bad("arp: %s needs an argument", argv[i]);
			*slot = argv[++i];
		} else if (!ip && cmd != WREN_CMD_ARP_FLUSH) {
			ip = argv[i];
		} else {
			return bad("arp: unexpected argument '%s'", argv[i]);
		}
	}
	if (cmd == WREN_CMD_ARP_ADD && (!ip || !lladdr || !dev))
		return bad("usage: wrenctl arp add A.B.C.D lladdr MAC dev DEV");
	if (cmd == WREN_CMD_ARP_DEL && !ip)
		return bad("usage: wrenctl arp del A.B.C.D [dev DEV]");
	if (ip && wren_parse_ipv4(ip, &addr))
		return bad("bad address '%s'", ip);
	if (lladdr && wren_parse_mac(lladdr, mac))
		return bad("bad link-layer address '%s'", lladdr);
	if (dev && dev_index(dev, &idx))
		return EXIT_FAILURE;
	wren_req_init(&req, buf, sizeof(buf), 0, cmd, 0);
	if (ip)
		wren_req_put_u32(&req, WREN_A_ADDR, addr.s_addr);
	if (lladdr)
		wren_req_put(&req, WREN_A_LLADDR, mac, sizeof(mac));
	if (dev)
		wren_req_put_u32(&req, WREN_A_IFINDEX, idx);
	return run(&req, NULL, NULL);
}

/* ---- set / get ----------------------------------------------------------- */

static int get_cb(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *tb[WREN_A_MAX + 1];
	char s[64];

	if (wren_attr_parse(attrs, len, tb, WREN_A_MAX))
		return 0;
	if (tb[WREN_A_SET_TCP_MSL_MS])
		printf("tcp_msl_ms %u\n",
		       wren_attr_u32(tb[WREN_A_SET_TCP_MSL_MS], 0));
	if (tb[WREN_A_SET_TCP_CONG])
		printf("tcp_cong %s\n",
		       wren_attr_str(tb[WREN_A_SET_TCP_CONG], s, sizeof(s)));
	if (tb[WREN_A_SET_TCP_RETRIES2])
		printf("tcp_retries2 %u\n",
		       wren_attr_u32(tb[WREN_A_SET_TCP_RETRIES2], 0));
	if (tb[WREN_A_SET_TCP_MEM_LIMIT])
		printf("tcp_mem_limit %u\n",
		       wren_attr_u32(tb[WREN_A_SET_TCP_MEM_LIMIT], 0));
	if (tb[WREN_A_SET_ICMP_MSGS_PER_SEC])
		printf("icmp_msgs_per_sec %u\n",
		       wren_attr_u32(tb[WREN_A_SET_ICMP_MSGS_PER_SEC], 0));
	return 0;
}

static int do_set(int argc, char **argv)
{
	struct wren_req req;
	unsigned long v;
	char buf[256];
	int i;

	if (argc < 2 || argc % 2)
		return bad("usage: wrenctl set tcp_msl_ms N | tcp_cong NAME | "
			   "tcp_retries2 N | tcp_mem_limit KIB | "
			   "icmp_msgs_per_sec N ...");
	wren_req_init(&req, buf, sizeof(buf), 0, WREN_CMD_SET, 0);
	for (i = 0; i < argc; i += 2) {
		if (is_kw(argv[i], "tcp_msl_ms")) {
			if (wren_parse_uint(argv[i + 1], 0xffffffffUL, &v))
				return bad("bad tcp_msl_ms '%s'", argv[i + 1]);
			wren_req_put_u32(&req, WREN_A_SET_TCP_MSL_MS, (__u32)v);
		} else if (is_kw(argv[i], "tcp_cong")) {
			if (!argv[i + 1][0] || strlen(argv[i + 1]) >= 16)
				return bad("bad tcp_cong '%s'", argv[i + 1]);
			wren_req_put_str(&req, WREN_A_SET_TCP_CONG, argv[i + 1]);
		} else if (is_kw(argv[i], "tcp_retries2")) {
			if (wren_parse_uint(argv[i + 1], 0xffffffffUL, &v))
				return bad("bad tcp_retries2 '%s'", argv[i + 1]);
			wren_req_put_u32(&req, WREN_A_SET_TCP_RETRIES2, (__u32)v);
		} else if (is_kw(argv[i], "tcp_mem_limit")) {
			if (wren_parse_uint(argv[i + 1], 0xffffffffUL, &v))
				return bad("bad tcp_mem_limit '%s'", argv[i + 1]);
			wren_req_put_u32(&req, WREN_A_SET_TCP_MEM_LIMIT,
					 (__u32)v);
		} else if (is_kw(argv[i], "icmp_msgs_per_sec")) {
			if (wren_parse_uint(argv[i + 1], 0xffffffffUL, &v))
				return bad("bad icmp_msgs_per_sec '%s'",
					   argv[i + 1]);
			wren_req_put_u32(&req, WREN_A_SET_ICMP_MSGS_PER_SEC,
					 (__u32)v);
		} else {
			return bad("set: unknown setting '%s'", argv[i]);
		}
	}
	return run(&req, NULL, NULL);
}

static int do_get(int argc, char **argv)
{
	struct wren_req req;
	char buf[64];

	if (argc)
		return bad("get: unexpected argument '%s'", argv[0]);
	wren_req_init(&req, buf, sizeof(buf), 0, WREN_CMD_GET, 0);
	return run(&req, get_cb, NULL);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int argc, char **argv);
	} cmds[] = {
		{ "link", do_link }, { "addr", do_addr }, { "route", do_route },
		{ "arp", do_arp }, { "set", do_set }, { "get", do_get },
	};
	size_t i;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (is_kw(argv[1], "-h") || is_kw(argv[1], "--help") ||
	    is_kw(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < WREN_ARRAY_SIZE(cmds); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		rc = cmds[i].fn(argc - 2, argv + 2);
		wren_nl_close(&nl);
		if (fflush(stdout) && !rc)
			rc = fail("write error: %s", strerror(errno));
		return rc;
	}
	return bad("unknown command '%s' (try wrenctl -h)", argv[1]);
}
