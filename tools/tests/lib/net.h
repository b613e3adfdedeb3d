/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/net.h: small helpers the end-to-end network tests (net_*.c) share,
 * on top of wt.h: sockets opened inside another network namespace, wren
 * configuration through wrenctl, /proc/net/wren/snmp counters, and frames
 * built by hand and sent or captured with AF_PACKET.
 *
 * Everything is static inline so that each test program takes what it
 * uses.  Functions return 0 or a descriptor on success and -1 on failure,
 * with a "# net: ..." line on stderr saying why.
 */
#ifndef _NET_LIB_H
#define _NET_LIB_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/udp.h>
#include <linux/if_packet.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <linux/wren.h>

#include "wt.h"

#define NT_SNMP		"/proc/net/wren/snmp"

#define nt_diag(...)	fprintf(stderr, "# net: " __VA_ARGS__)

/* ---- Namespaces ---------------------------------------------------------- */

/*
 * Move the calling thread into namespace @ns (NULL or "": stay).  Returns a
 * descriptor of the namespace it was in, for nt_ns_leave(), or -1.
 */
static inline int nt_ns_enter(const char *ns)
{
	char path[128];
	int self, fd;

	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (self < 0) {
		nt_diag("open /proc/self/ns/net: %s\n", strerror(errno));
		return -1;
	}
	if (!ns || !*ns)
		return self;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET)) {
		nt_diag("enter netns %s: %s\n", ns, strerror(errno));
		if (fd >= 0)
			close(fd);
		close(self);
		return -1;
	}
	close(fd);
	return self;
}

static inline void nt_ns_leave(int self)
{
	if (self < 0)
		return;
	/* A thread left in another namespace would test the wrong stack. */
	if (setns(self, CLONE_NEWNET)) {
		nt_diag("return to own netns: %s\n", strerror(errno));
		abort();
	}
	close(self);
}

/* socket(2) in namespace @ns: the socket stays there for its life. */
static inline int nt_socket(const char *ns, int domain, int type, int proto)
{
	int self = nt_ns_enter(ns), fd, err;

	if (self < 0)
		return -1;
	fd = socket(domain, type | SOCK_CLOEXEC, proto);
	err = errno;
	if (fd < 0)
		nt_diag("socket(%d, %d, %d) in %s: %s\n", domain, type, proto,
			ns ? ns : "own netns", strerror(err));
	nt_ns_leave(self);
	errno = err;	/* tests compare socket()'s errno */
	return fd;
}

/* Run a printf-formatted shell command in @ns (NULL: own); exit status. */
static inline int __attribute__((format(printf, 2, 3)))
nt_run(const char *ns, const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	rc = wt_run(ns, cmd);
	free(cmd);
	return rc;
}

/* The same, output discarded (for clean-ups that may find nothing). */
static inline int __attribute__((format(printf, 2, 3)))
nt_runq(const char *ns, const char *fmt, ...)
{
	va_list ap;
	char *cmd, *full;
	int rc;

	va_start(ap, fmt);
	if (vasprintf(&cmd, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (asprintf(&full, "{ %s; } >/dev/null 2>&1", cmd) < 0)
		abort();
	rc = wt_run(ns, full);
	free(full);
	free(cmd);
	return rc;
}

/* ---- wren configuration and counters ------------------------------------- */

/*
 * Bring @dev in @ns up, attach wren to it (shared with Linux, or
 * @exclusive: every ARP and IPv4 frame wren's) and give it @cidr
 * ("A.B.C.D/N", or NULL for none).  Any earlier attachment is dropped
 * first, so a test that died before its teardown leaves nothing behind.
 */
static inline int nt_wren_attach_mode(const char *ns, const char *dev,
				      const char *cidr, bool exclusive)
{
	nt_runq(ns, "wrenctl link detach %s", dev);
	if (nt_run(ns, "ip link set %s up && wrenctl link attach %s%s", dev,
		   dev, exclusive ? " exclusive" : ""))
		return -1;
	if (cidr && nt_run(ns, "wrenctl addr add %s dev %s", cidr, dev))
		return -1;
	return 0;
}

static inline int nt_wren_attach(const char *ns, const char *dev,
				 const char *cidr)
{
	return nt_wren_attach_mode(ns, dev, cidr, false);
}

static inline void nt_wren_detach(const char *ns, const char *dev)
{
	nt_runq(ns, "wrenctl link detach %s", dev);
}

/* A counter of /proc/net/wren/snmp of namespace @ns (NULL: own); -1. */
static inline long long nt_mib(const char *ns, const char *group,
			       const char *field)
{
	return wt_snmp(ns, NT_SNMP, group, field);
}

/* A drop reason's count ("FragOverlap") in /proc/net/wren/snmp. */
static inline long long nt_drop(const char *ns, const char *reason)
{
	return wt_snmp(ns, NT_SNMP, "WrenDrop", reason);
}

/* The Linux peer's own /proc/net/snmp counter. */
static inline long long nt_linux_mib(const char *ns, const char *group,
				     const char *field)
{
	return wt_snmp(ns, "/proc/net/snmp", group, field);
}

/* Hardware address of @ifname in @ns; 0 or -1. */
static inline int nt_ifmac(const char *ns, const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;
	int fd = nt_socket(ns, AF_INET, SOCK_DGRAM, 0), rc;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
	if (rc)
		nt_diag("SIOCGIFHWADDR %s: %s\n", ifname, strerror(errno));
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return rc ? -1 : 0;
}

/* ---- Datagram sockets ---------------------------------------------------- */

static inline uint32_t nt_addr(const char *dotted)
{
	struct in_addr a;

	if (inet_pton(AF_INET, dotted, &a) != 1) {
		nt_diag("bad address %s\n", dotted);
		abort();
	}
	return a.s_addr;
}

static inline struct sockaddr_wren nt_swren(const char *addr, uint16_t port)
{
	struct sockaddr_wren sa;

	memset(&sa, 0, sizeof(sa));
	sa.swren_family = AF_WREN;
	sa.swren_port = htons(port);
	sa.swren_addr = addr ? nt_addr(addr) : 0;
	return sa;
}

static inline struct sockaddr_in nt_sin(const char *addr, uint16_t port)
{
	struct sockaddr_in sa;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(port);
	sa.sin_addr.s_addr = addr ? nt_addr(addr) : 0;
	return sa;
}

static inline void nt_rcvtimeo(int fd, int ms)
{
	struct timeval tv = { ms / 1000, (ms % 1000) * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

/*
 * A socket of @family (AF_WREN or AF_INET), @type and @proto in @ns, bound
 * to @addr:@port (NULL, 0: any), SO_REUSEADDR set first if @reuse; -1 on
 * failure, with errno kept and a diagnostic.
 */
static inline int nt_bound(const char *ns, int family, int type, int proto,
			   const char *addr, uint16_t port, bool reuse)
{
	struct sockaddr_wren sw = nt_swren(addr, port);
	struct sockaddr_in si = nt_sin(addr, port);
	int fd = nt_socket(ns, family, type, proto), one = 1, rc, err;

	if (fd < 0)
		return -1;
	if (reuse)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_WREN)
		rc = bind(fd, (struct sockaddr *)&sw, sizeof(sw));
	else
		rc = bind(fd, (struct sockaddr *)&si, sizeof(si));
	if (rc) {
		err = errno;
		nt_diag("bind %s:%u (family %d): %s\n", addr ? addr : "*",
			port, family, strerror(err));
		close(fd);
		errno = err;
		return -1;
	}
	return fd;
}

/*
 * A datagram socket of @family in @ns, bound to @addr:@port (NULL, 0:
 * any), with a 5 s receive timeout and 1 MiB buffers; -1 on failure.
 * @proto: 0 for UDP, IPPROTO_ICMP for ping.
 */
static inline int nt_dgram(const char *ns, int family, int proto,
			   const char *addr, uint16_t port)
{
	int fd = nt_bound(ns, family, SOCK_DGRAM, proto, addr, port, false);
	int buf = 1 << 20;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	nt_rcvtimeo(fd, 5000);
	return fd;
}

/* sendto() with an address of the socket's family. */
static inline ssize_t nt_sendto(int fd, int family, const void *buf,
				size_t len, const char *addr, uint16_t port)
{
	struct sockaddr_wren sw = nt_swren(addr, port);
	struct sockaddr_in si = nt_sin(addr, port);

	if (family == AF_WREN)
		return sendto(fd, buf, len, 0, (struct sockaddr *)&sw,
			      sizeof(sw));
	return sendto(fd, buf, len, 0, (struct sockaddr *)&si, sizeof(si));
}

/*
 * recvfrom() that also reports the sender as "A.B.C.D" (@from, at least 16
 * bytes) and port, whatever the family.  -1 with errno as recvfrom's.
 */
static inline ssize_t nt_recvfrom(int fd, void *buf, size_t len, int flags,
				  char *from, uint16_t *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	uint32_t a = 0;
	uint16_t p = 0;
	ssize_t n;

	memset(&ss, 0, sizeof(ss));
	n = recvfrom(fd, buf, len, flags, (struct sockaddr *)&ss, &sl);
	if (n < 0)
		return n;
	if (ss.ss_family == AF_WREN) {
		a = ((struct sockaddr_wren *)&ss)->swren_addr;
		p = ((struct sockaddr_wren *)&ss)->swren_port;
	} else if (ss.ss_family == AF_INET) {
		a = ((struct sockaddr_in *)&ss)->sin_addr.s_addr;
		p = ((struct sockaddr_in *)&ss)->sin_port;
	}
	if (from)
		inet_ntop(AF_INET, &a, from, 16);
	if (port)
		*port = ntohs(p);
	return n;
}

/* ---- Frames built by hand ------------------------------------------------ */

#define NT_ETH_HLEN	14
#define NT_IP_HLEN	20
#define NT_UDP_HLEN	8
#define NT_FRAME_MAX	2048
#define NT_ETH_ZLEN	60	/* what a NIC pads short frames to */

/* Sum of 16-bit words, for the Internet checksum; start with 0. */
static inline uint32_t nt_sum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)p[0] << 8 | p[1];
	if (len)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

/* Fold and complement; the result is in network byte order. */
static inline uint16_t nt_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static inline uint16_t nt_csum(const void *data, size_t len)
{
	return nt_fold(nt_sum(data, len, 0));
}

/* Ethernet header at @f; returns its length. */
static inline size_t nt_eth(uint8_t *f, const uint8_t dst[6],
			    const uint8_t src[6], uint16_t type)
{
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = type >> 8;
	f[13] = type & 0xff;
	return NT_ETH_HLEN;
}

/*
 * A 20-byte IPv4 header at @p, checksum filled in.  @frag is the host-order
 * flags and offset field (IP_MF | offset / 8).
 */
static inline struct iphdr *nt_ip(uint8_t *p, size_t tot_len, uint16_t id,
				  uint16_t frag, uint8_t ttl, uint8_t proto,
				  uint32_t saddr, uint32_t daddr)
{
	struct iphdr *ip = (struct iphdr *)p;

	memset(ip, 0, NT_IP_HLEN);
	ip->version = 4;
	ip->ihl = 5;
	ip->tot_len = htons((uint16_t)tot_len);
	ip->id = htons(id);
	ip->frag_off = htons(frag);
	ip->ttl = ttl;
	ip->protocol = proto;
	ip->saddr = saddr;
	ip->daddr = daddr;
	ip->check = nt_csum(ip, NT_IP_HLEN);
	return ip;
}

/* Recompute the header checksum after editing a header built by nt_ip(). */
static inline void nt_ip_recsum(struct iphdr *ip)
{
	ip->check = 0;
	ip->check = nt_csum(ip, NT_IP_HLEN);
}

/* UDP checksum of @len bytes of UDP header + data at @udp (network order). */
static inline uint16_t nt_udp_csum(const void *udp, size_t len,
				   uint32_t saddr, uint32_t daddr)
{
	uint32_t sum = 0;
	uint16_t c;

	sum = nt_sum(&saddr, 4, sum);
	sum = nt_sum(&daddr, 4, sum);
	sum += IPPROTO_UDP;
	sum += (uint32_t)len;
	c = nt_fold(nt_sum(udp, len, sum));
	return c ? c : 0xffff;
}

/*
 * A UDP header and @dlen bytes of @data at @p, checksum filled in;
 * returns the UDP length.
 */
static inline size_t nt_udp(uint8_t *p, uint32_t saddr, uint32_t daddr,
			    uint16_t sport, uint16_t dport, const void *data,
			    size_t dlen)
{
	struct udphdr *uh = (struct udphdr *)p;

	uh->source = htons(sport);
	uh->dest = htons(dport);
	uh->len = htons((uint16_t)(NT_UDP_HLEN + dlen));
	uh->check = 0;
	if (dlen)
		memcpy(p + NT_UDP_HLEN, data, dlen);
	uh->check = nt_udp_csum(p, NT_UDP_HLEN + dlen, saddr, daddr);
	return NT_UDP_HLEN + dlen;
}

/* ---- AF_PACKET ----------------------------------------------------------- */

struct nt_raw {
	int fd;
	int ifindex;
	uint8_t mac[6];		/* the interface's own address */
};

/*
 * A packet socket on @ifname in @ns.  @proto (host order, e.g. ETH_P_IP)
 * is what it captures; 0 captures nothing (send only).
 */
static inline int nt_raw_open(struct nt_raw *r, const char *ns,
			      const char *ifname, uint16_t proto)
{
	struct sockaddr_ll sll;
	struct ifreq ifr;
	int self = nt_ns_enter(ns);

	r->fd = -1;
	if (self < 0)
		return -1;
	r->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(proto));
	if (r->fd < 0) {
		nt_diag("AF_PACKET socket: %s\n", strerror(errno));
		goto out;
	}
	r->ifindex = if_nametoindex(ifname);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (!r->ifindex || ioctl(r->fd, SIOCGIFHWADDR, &ifr)) {
		nt_diag("%s in %s: %s\n", ifname, ns ? ns : "own netns",
			strerror(errno));
		goto fail;
	}
	memcpy(r->mac, ifr.ifr_hwaddr.sa_data, 6);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(proto);
	sll.sll_ifindex = r->ifindex;
	if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll))) {
		nt_diag("bind AF_PACKET to %s: %s\n", ifname, strerror(errno));
		goto fail;
	}
	goto out;
fail:
	close(r->fd);
	r->fd = -1;
out:
	nt_ns_leave(self);
	return r->fd < 0 ? -1 : 0;
}

static inline void nt_raw_close(struct nt_raw *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/* Send one whole frame (Ethernet header included); 0 or -1. */
static inline int nt_raw_send(struct nt_raw *r, const void *frame, size_t len)
{
	struct sockaddr_ll sll;
	ssize_t n;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = r->ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, frame, 6);
	n = sendto(r->fd, frame, len, 0, (struct sockaddr *)&sll, sizeof(sll));
	if (n != (ssize_t)len) {
		nt_diag("AF_PACKET send of %zu bytes: %s\n", len,
			n < 0 ? strerror(errno) : "short");
		return -1;
	}
	return 0;
}

/*
 * Receive one frame arriving within @timeout_ms (outgoing ones skipped);
 * its length, 0 on timeout, -1 on error.
 */
static inline ssize_t nt_raw_recv(struct nt_raw *r, void *buf, size_t len,
				  int timeout_ms)
{
	double end = wt_now() + timeout_ms / 1000.0;
	struct sockaddr_ll sll;
	socklen_t sl;
	ssize_t n;
	int left;

	for (;;) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };

		left = (int)((end - wt_now()) * 1000);
		if (left <= 0)
			return 0;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		sl = sizeof(sll);
		n = recvfrom(r->fd, buf, len, MSG_DONTWAIT,
			     (struct sockaddr *)&sll, &sl);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0)
			return -1;
		if (sll.sll_pkttype == PACKET_OUTGOING)
			continue;
		return n;
	}
}

/* Wait until @expr (a counter read) exceeds @before; the final value. */
#define NT_WAIT_ABOVE(timeout_ms, before, expr) ({			\
	long long __v = (expr);						\
	double __end = wt_now() + (timeout_ms) / 1000.0;		\
	while (__v <= (before) && wt_now() < __end) {			\
		wt_msleep(20);						\
		__v = (expr);						\
	}								\
	__v;								\
})

/* ---- The NIC pairs of the harness ---------------------------------------- */

/*
 * wren on eth<nic> with wt_ip(nic, WT_GUEST)/28, Linux on peer<nic> (netns
 * "peer") with wt_ip(nic, WT_PEER)/28, carrier up.  Clears what an earlier
 * test may have left (addresses, neighbours, an attachment).  wren shares
 * eth<nic> with Linux unless @exclusive.
 */
static inline int nt_pair_up_mode(int nic, bool exclusive)
{
	const char *g = wt_ifname(nic, WT_GUEST), *p = wt_ifname(nic, WT_PEER);
	char cidr[32];

	snprintf(cidr, sizeof(cidr), "%s/%d", wt_ip(nic, WT_GUEST),
		 WT_PREFIXLEN);
	nt_runq(NULL, "ip addr flush dev %s", g);
	if (nt_wren_attach_mode(NULL, g, cidr, exclusive))
		return -1;
	if (nt_run(WT_PEER_NS, "ip addr flush dev %s; ip neigh flush dev %s; "
		   "ip addr add %s/%d brd + dev %s && ip link set %s up", p, p,
		   wt_ip(nic, WT_PEER), WT_PREFIXLEN, p, p))
		return -1;
	if (!WT_WAIT(10000, wt_carrier(g) == 1)) {
		nt_diag("%s: no carrier\n", g);
		return -1;
	}
	return 0;
}

static inline int nt_pair_up(int nic)
{
	return nt_pair_up_mode(nic, false);
}

static inline void nt_pair_down(int nic)
{
	const char *p = wt_ifname(nic, WT_PEER);

	nt_wren_detach(NULL, wt_ifname(nic, WT_GUEST));
	nt_runq(WT_PEER_NS, "ip addr flush dev %s; ip neigh flush dev %s",
		p, p);
}

/* wrenping in @ns: @count requests 0.2 s apart; its exit status. */
static inline int nt_wrenping(const char *ns, const char *dst, int count)
{
	return nt_run(ns, "wrenping -q -c %d -i 0.2 -W 2 %s", count, dst);
}

/*
 * After a failure: what wren and the Linux peer counted, for the log.
 * wren's counters that are not zero, its ARP table, the peer's IP and UDP
 * counters and both interfaces' statistics.
 */
static inline void nt_dump_state(const char *ns)
{
	bool v = wt_verbose;

	wt_verbose = false;
	nt_run(ns, "echo '# wren state:'; "
	       "awk '/^[A-Za-z]+:/ { if (h[$1]) { for (i = 2; i <= NF; i++) "
	       "if ($i != 0) printf \"#   %%s%%s=%%s\\n\", $1, n[$1 i], $i; "
	       "delete h[$1] } else { h[$1] = 1; for (i = 2; i <= NF; i++) "
	       "n[$1 i] = $i } }' /proc/net/wren/snmp; "
	       "sed 's/^/#   /' /proc/net/wren/arp /proc/net/wren/dev");
	if (!ns || !*ns)
		nt_run(WT_PEER_NS, "echo '# peer state:'; "
		       "grep -E '^(Ip|Udp|Icmp):' /proc/net/snmp | "
		       "sed 's/^/#   /'; ip -s link show peer0 | "
		       "sed 's/^/#   /'");
	wt_verbose = v;
}

#endif /* _NET_LIB_H */
