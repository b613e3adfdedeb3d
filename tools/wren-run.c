// SPDX-License-Identifier: GPL-2.0
/*
 * wren-run: run an unmodified program with its IPv4 sockets on wren.
 *
 * The program runs under a seccomp filter (libseccomp) that hands each
 * socket(AF_INET, ...) and socket(AF_INET6, ...) call to this process
 * through a user-notification descriptor.  For each, we create an AF_WREN
 * socket in the caller's network namespace, set its address form to the
 * family asked for (SOL_WREN/WREN_SO_FAMILY: the program keeps seeing
 * struct sockaddr_in or sockaddr_in6), and install it in the caller with
 * SECCOMP_IOCTL_NOTIF_ADDFD and SECCOMP_ADDFD_FLAG_SEND, which also makes
 * it the syscall's result.  Because the filter sees system calls, not
 * library calls, it covers glibc's own sockets (the resolver), static
 * binaries and raw syscalls; it is inherited by every fork, thread and
 * exec of the program.  NETLINK_ROUTE sockets come from a shadow
 * namespace whose lo carries wren's addresses (glibc's AI_ADDRCONFIG test
 * and getifaddrs() read rtnetlink).  Two SOL_SOCKET options the socket
 * core gets wrong for another family stop here too: setsockopt of
 * SO_REUSEPORT (refused to all but AF_INET/AF_INET6) becomes wren's own
 * WREN_SO_REUSEPORT, and getsockopt of SO_DOMAIN reads the family the
 * program asked for; on any other descriptor the kernel runs the call as
 * it is.  Other families pass through untouched.
 *
 * The filter needs no_new_privs, so set-user-ID programs run without
 * their privileges.  io_uring_setup fails with ENOSYS (its IORING_OP_SOCKET
 * would make sockets without socket()), and programs of another ABI
 * (i386) are killed rather than let past the filter.
 *
 * We stay until the last process under the filter is gone (the
 * notification descriptor reports POLLHUP), so daemons that fork and let
 * their parent exit (nginx) stay served; we are their subreaper.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <net/if.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/seccomp.h>
#include <linux/wren.h>
#include <seccomp.h>

#define EXIT_SETUP	125	/* as env(1): wren-run itself failed */
#define EXIT_NOEXEC	126
#define EXIT_NOTFOUND	127

static const char *prog = "wren-run";

static void usage(FILE *f)
{
	fprintf(f,
"Usage: wren-run [-n NETNS] [--] PROGRAM [ARGS...]\n"
"\n"
"Runs PROGRAM with every IPv4 socket it, its children and its libraries\n"
"open on the wren stack instead of Linux's:\n"
"  socket(AF_INET, SOCK_STREAM or SOCK_DGRAM, 0/TCP/UDP/ICMP) and\n"
"  socket(AF_INET6, SOCK_STREAM or SOCK_DGRAM, 0/TCP/UDP) become AF_WREN\n"
"  sockets that take and give sockaddr_in, or sockaddr_in6 with IPv4-mapped\n"
"  addresses (\"::\" is the wildcard; IPv6 proper is unreachable: wren has\n"
"  no IPv6 on the wire).  SOCK_NONBLOCK and SOCK_CLOEXEC are kept;\n"
"  SO_REUSEPORT works on them as on Linux's, and SO_DOMAIN reads the\n"
"  family the program asked for.\n"
"  Other AF_INET/AF_INET6 socket types (SOCK_RAW, ...) fail with\n"
"  ESOCKTNOSUPPORT.\n"
"  NETLINK_ROUTE sockets see a namespace of wren-run's own, with one\n"
"  interface, lo, holding 127.0.0.1 and the namespace's wren addresses\n"
"  (kept up to date), so getaddrinfo(AI_ADDRCONFIG) finds IPv4 configured\n"
"  (names resolve) and getifaddrs() lists wren's addresses; Linux's own\n"
"  interfaces and routes are not visible to the program through it.\n"
"  Every other family (AF_UNIX, other netlink protocols, ...) is Linux's,\n"
"  untouched.\n"
"\n"
"How: a seccomp filter with user notification (Linux 5.14 or later), so\n"
"it covers static binaries, raw system calls and glibc's internal sockets\n"
"(the DNS resolver) too.  What that implies:\n"
"  - no_new_privs: set-user-ID and file-capability programs run without\n"
"    their privileges;\n"
"  - io_uring_setup fails with ENOSYS (programs fall back to plain system\n"
"    calls);\n"
"  - programs of another ABI (32-bit x86) are killed.\n"
"wren-run stays until the last process of the program is gone, and exits\n"
"with PROGRAM's status.\n"
"\n"
"  -n NETNS   run in the named network namespace (ip netns), whose wren\n"
"             must have an interface\n"
"  -h         this help\n"
"\n"
"wren-run refuses to start (status 125) when wren.ko is not loaded or the\n"
"namespace has no wren interface: it never lets a program fall back to\n"
"Linux's stack.\n");
}

static void __attribute__((format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_SETUP);
}

/* ---- before the program: is wren there? ----------------------------------- */

static void enter_netns(const char *name)
{
	char path[256];
	int fd;

	if (strchr(name, '/'))
		snprintf(path, sizeof(path), "%s", name);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("network namespace %s: %s", name, strerror(errno));
	if (setns(fd, CLONE_NEWNET))
		die("entering network namespace %s: %s", name, strerror(errno));
	close(fd);
}

/* wren.ko loaded, and an interface attached in this namespace. */
static void check_wren(void)
{
	char line[512];
	int fd, n = 0;
	FILE *f;

	fd = socket(AF_WREN, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("wren is not loaded (socket(AF_WREN): %s); modprobe wren",
		    strerror(errno));
	close(fd);
	f = fopen("/proc/net/wren/dev", "re");
	if (!f)
		die("wren is not loaded in this namespace (/proc/net/wren/dev: %s)",
		    strerror(errno));
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	if (n < 2)
		die("this network namespace has no wren interface (wrenctl link attach DEV)");
}

/* ---- the program's side: the filter -------------------------------------- */

static int send_fd(int chan, int fd)
{
	char c = 'f';
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);

	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(chan, &m, 0) == 1 ? 0 : -1;
}

static int recv_fd(int chan)
{
	char c;
	struct iovec iov = { .iov_base = &c, .iov_len = 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = u.buf, .msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cm;
	int fd;

	if (recvmsg(chan, &m, MSG_CMSG_CLOEXEC) != 1)
		return -1;
	cm = CMSG_FIRSTHDR(&m);
	if (!cm || cm->cmsg_type != SCM_RIGHTS ||
	    cm->cmsg_len != CMSG_LEN(sizeof(int)))
		return -1;
	memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	return fd;
}

/* Install the filter; the notification descriptor, or -1 (errno). */
static int load_filter(void)
{
	static const int families[] = { AF_INET, AF_INET6 };
	const struct { int nr, name; } sockopts[] = {
		{ SCMP_SYS(setsockopt), SO_REUSEPORT },
		{ SCMP_SYS(getsockopt), SO_DOMAIN },
	};
	scmp_filter_ctx ctx;
	unsigned int i;
	int rc, fd;

	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -1;
	rc = 0;
	for (i = 0; i < 2 && !rc; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(socket), 1,
				      SCMP_A0(SCMP_CMP_EQ, families[i]));
	/* rtnetlink: its address dump must show wren's addresses. */
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(socket), 2,
				      SCMP_A0(SCMP_CMP_EQ, AF_NETLINK),
				      SCMP_A2(SCMP_CMP_EQ, NETLINK_ROUTE));
	/*
	 * The two SOL_SOCKET options the socket core answers wrongly for a
	 * wren socket: setting SO_REUSEPORT (refused to all but AF_INET and
	 * AF_INET6) and reading SO_DOMAIN (AF_WREN).  Only those calls stop
	 * here; the int arguments are compared in their low 32 bits.
	 */
	for (i = 0; i < 2 && !rc; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, sockopts[i].nr, 2,
				      SCMP_A1(SCMP_CMP_MASKED_EQ, 0xffffffff,
					      SOL_SOCKET),
				      SCMP_A2(SCMP_CMP_MASKED_EQ, 0xffffffff,
					      sockopts[i].name));
	if (!rc)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS),
				      SCMP_SYS(io_uring_setup), 0);
	if (!rc)
		rc = seccomp_load(ctx);
	fd = rc ? -1 : seccomp_notify_fd(ctx);
	seccomp_release(ctx);
	if (rc)
		errno = -rc;
	return fd;
}

static void __attribute__((noreturn)) run_program(int chan, char **argv)
{
	int nfd;
	char ok;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) {
		fprintf(stderr, "%s: no_new_privs: %s\n", prog, strerror(errno));
		_exit(EXIT_SETUP);
	}
	nfd = load_filter();
	if (nfd < 0) {
		fprintf(stderr, "%s: seccomp filter: %s (Linux 5.14+ needed)\n",
			prog, strerror(errno));
		_exit(EXIT_SETUP);
	}
	/* Hand the descriptor over; start only once the supervisor has it. */
	if (send_fd(chan, nfd) || read(chan, &ok, 1) != 1) {
		fprintf(stderr, "%s: handing over the filter: %s\n", prog,
			strerror(errno));
		_exit(EXIT_SETUP);
	}
	close(nfd);
	close(chan);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: %s: %s\n", prog, argv[0], strerror(errno));
	_exit(errno == ENOENT ? EXIT_NOTFOUND : EXIT_NOEXEC);
}

/* ---- the supervisor -------------------------------------------------------- */

/* Our own namespace, to come back to after making a socket elsewhere. */
static int home_ns = -1;
static ino_t home_ino;

/* ---- the supervisor: rtnetlink's view -------------------------------------- */

/*
 * glibc's getaddrinfo(AI_ADDRCONFIG) asks rtnetlink whether the host has a
 * non-loopback IPv4 address (__check_pf), and getifaddrs() lists addresses
 * the same way; where only wren holds IPv4, Linux's answer is "none" and
 * names do not resolve.  So a program's NETLINK_ROUTE sockets come from a
 * shadow namespace of ours whose lo carries 127.0.0.1 and the caller's
 * namespace's wren addresses, made again whenever those change.
 */
static struct {
	ino_t for_ino;		/* the caller's namespace it mirrors */
	char addrs[1024];	/* wren's addresses then, as /proc shows them */
	int fd;			/* the shadow namespace, -1: none yet */
} shadow = { .fd = -1 };

/* wren's interface addresses of thread @tid's namespace, "a/n,b/m ...". */
static int wren_addrs(pid_t tid, char *buf, size_t size)
{
	char path[64], line[512], a[256];
	size_t used = 0;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/net/wren/dev", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	buf[0] = 0;
	/* Iface Index MTU Flags Addresses ...; the first line is the header. */
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%*s %d %*u %*x %255s", &n, a) == 2 &&
		    strcmp(a, "-") && used + strlen(a) + 2 < size)
			used += snprintf(buf + used, size - used, "%s ", a);
	fclose(f);
	return 0;
}

/* Send one rtnetlink request on @nl and read its acknowledgement. */
static int rtnl_talk(int nl, struct nlmsghdr *h)
{
	char buf[1024];
	struct nlmsgerr *e;
	ssize_t n;

	h->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	if (send(nl, h, h->nlmsg_len, 0) != (ssize_t)h->nlmsg_len)
		return -errno;
	n = recv(nl, buf, sizeof(buf), 0);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(*e)))
		return n < 0 ? -errno : -EPROTO;
	h = (struct nlmsghdr *)buf;
	if (h->nlmsg_type != NLMSG_ERROR)
		return -EPROTO;
	e = NLMSG_DATA(h);
	return e->error;
}

static void rta_put(struct nlmsghdr *h, int type, const void *data, int len)
{
	struct rtattr *rta = (struct rtattr *)((char *)h +
					       NLMSG_ALIGN(h->nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	h->nlmsg_len = NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* In a new, empty namespace: lo up, with the addresses of @addrs. */
static int shadow_fill(const char *addrs)
{
	struct {
		struct nlmsghdr h;
		union {
			struct ifinfomsg ifi;
			struct ifaddrmsg ifa;
		};
		char attrs[64];
	} m;
	unsigned int b[4], len;
	const char *p;
	int nl, err;

	nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (nl < 0)
		return -errno;
	memset(&m, 0, sizeof(m));
	m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.ifi));
	m.h.nlmsg_type = RTM_NEWLINK;
	m.ifi.ifi_index = 1;	/* lo is always the first */
	m.ifi.ifi_flags = IFF_UP;
	m.ifi.ifi_change = IFF_UP;
	err = rtnl_talk(nl, &m.h);
	for (p = addrs; !err && *p; p = strchr(p, ' ') + 1) {
		uint32_t a;

		if (sscanf(p, "%u.%u.%u.%u/%u", &b[0], &b[1], &b[2], &b[3],
			   &len) != 5 || len > 32)
			break;
		a = htonl(b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3]);
		memset(&m, 0, sizeof(m));
		m.h.nlmsg_len = NLMSG_LENGTH(sizeof(m.ifa));
		m.h.nlmsg_type = RTM_NEWADDR;
		m.h.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
		m.ifa.ifa_family = AF_INET;
		m.ifa.ifa_prefixlen = len;
		m.ifa.ifa_index = 1;
		rta_put(&m.h, IFA_LOCAL, &a, sizeof(a));
		rta_put(&m.h, IFA_ADDRESS, &a, sizeof(a));
		err = rtnl_talk(nl, &m.h);
		if (err == -EEXIST)
			err = 0;
	}
	close(nl);
	return err;
}

/* The shadow namespace for thread @tid's namespace @ino: a descriptor. */
static int shadow_ns(pid_t tid, ino_t ino)
{
	char addrs[sizeof(shadow.addrs)];
	int err, fd;

	err = wren_addrs(tid, addrs, sizeof(addrs));
	if (err)
		return err;
	if (shadow.fd >= 0 && shadow.for_ino == ino &&
	    !strcmp(shadow.addrs, addrs))
		return shadow.fd;
	if (unshare(CLONE_NEWNET))
		return -errno;
	err = shadow_fill(addrs);
	fd = err ? -1 : open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (!err && fd < 0)
		err = -errno;
	if (setns(home_ns, CLONE_NEWNET)) {
		fprintf(stderr, "%s: back to own namespace: %s\n", prog,
			strerror(errno));
		exit(EXIT_SETUP);
	}
	if (err)
		return err;
	/* Sockets made in the old one keep it alive as long as they need. */
	if (shadow.fd >= 0)
		close(shadow.fd);
	shadow.fd = fd;
	shadow.for_ino = ino;
	strcpy(shadow.addrs, addrs);
	return fd;
}

/*
 * An AF_WREN socket for socket(@domain, @type, @protocol), in the network
 * namespace of thread @tid; a descriptor, or -errno.
 */
static int make_rtnl_socket(pid_t tid, int type)
{
	char path[64];
	struct stat st;
	int fd, ns;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)tid);
	if (stat(path, &st))
		return -errno;
	ns = shadow_ns(tid, st.st_ino);
	if (ns < 0)
		return ns;
	if (setns(ns, CLONE_NEWNET))
		return -errno;
	fd = socket(AF_NETLINK, type | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		fd = -errno;
	if (setns(home_ns, CLONE_NEWNET)) {
		fprintf(stderr, "%s: back to own namespace: %s\n", prog,
			strerror(errno));
		exit(EXIT_SETUP);
	}
	return fd;
}

static int make_socket(pid_t tid, int domain, int type, int protocol)
{
	int base = type & 0xf, flags = type & ~0xf, fd, err, ns = -1;
	char path[64];
	struct stat st;

	if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC))
		return -EINVAL;
	if (domain == AF_NETLINK)
		return make_rtnl_socket(tid, type);
	if (base != SOCK_STREAM && base != SOCK_DGRAM)
		return -ESOCKTNOSUPPORT;
	switch (protocol) {
	case 0:
		break;
	case IPPROTO_TCP:
		if (base != SOCK_STREAM)
			return -EPROTONOSUPPORT;
		break;
	case IPPROTO_UDP:
		if (base != SOCK_DGRAM)
			return -EPROTONOSUPPORT;
		break;
	case IPPROTO_ICMP:
		/* A ping socket; AF_INET6's ICMP is ICMPv6 (58): not ours. */
		if (base != SOCK_DGRAM || domain != AF_INET)
			return -EPROTONOSUPPORT;
		break;
	default:
		return -EPROTONOSUPPORT;
	}

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)tid);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || fstat(ns, &st))
		goto fail;
	if (st.st_ino != home_ino && setns(ns, CLONE_NEWNET))
		goto fail;
	fd = socket(AF_WREN, base | (flags & SOCK_NONBLOCK) | SOCK_CLOEXEC,
		    protocol);
	err = errno;
	if (st.st_ino != home_ino && setns(home_ns, CLONE_NEWNET)) {
		fprintf(stderr, "%s: back to own namespace: %s\n", prog,
			strerror(errno));
		exit(EXIT_SETUP);
	}
	close(ns);
	if (fd < 0)
		return -err;
	if (setsockopt(fd, SOL_WREN, WREN_SO_FAMILY, &domain, sizeof(domain))) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
fail:
	err = errno;
	if (ns >= 0)
		close(ns);
	return -err;
}

/* ---- the supervisor: SOL_SOCKET options of wren sockets ------------------- */

/*
 * Descriptor @fd of thread @tid's process, as a descriptor of ours, if it
 * is a wren socket wren-run made; its address form in *form.  -1 when it
 * is not ours to answer (not a wren socket, not a descriptor, the caller
 * gone): the kernel then runs the call as it is.
 */
static int grab_wren_fd(pid_t tid, int fd, int *form)
{
	char path[64], line[128];
	int tgid = -1, pidfd, mine, dom = 0;
	socklen_t len = sizeof(dom);
	FILE *f;

	/* pidfd_open wants the thread group's leader. */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Tgid: %d", &tgid) == 1)
			break;
	fclose(f);
	if (tgid <= 0)
		return -1;
	pidfd = syscall(SYS_pidfd_open, tgid, 0);
	if (pidfd < 0)
		return -1;
	mine = syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	if (mine < 0)
		return -1;
	len = sizeof(*form);
	if (getsockopt(mine, SOL_SOCKET, SO_DOMAIN, &dom, &len) ||
	    dom != AF_WREN ||
	    getsockopt(mine, SOL_WREN, WREN_SO_FAMILY, form, &len) ||
	    *form == AF_WREN) {
		close(mine);
		return -1;
	}
	return mine;
}

static int peek(pid_t tid, uint64_t addr, void *buf, size_t n)
{
	struct iovec l = { .iov_base = buf, .iov_len = n };
	struct iovec r = { .iov_base = (void *)(uintptr_t)addr, .iov_len = n };

	return process_vm_readv(tid, &l, 1, &r, 1, 0) == (ssize_t)n ? 0 :
									-EFAULT;
}

static int poke(pid_t tid, uint64_t addr, const void *buf, size_t n)
{
	struct iovec l = { .iov_base = (void *)buf, .iov_len = n };
	struct iovec r = { .iov_base = (void *)(uintptr_t)addr, .iov_len = n };

	return process_vm_writev(tid, &l, 1, &r, 1, 0) == (ssize_t)n ? 0 :
									 -EFAULT;
}

/*
 * setsockopt(SOL_SOCKET, SO_REUSEPORT) becomes SOL_WREN/WREN_SO_REUSEPORT;
 * getsockopt(SOL_SOCKET, SO_DOMAIN) reads the family the program asked
 * for.  Errors as Linux's sock_setsockopt/sock_getsockopt give them.
 * Returns 1 when the call is the kernel's to run, else 0 or -errno.
 */
static int sockopt_call(const struct seccomp_notif *req)
{
	const __u64 *a = req->data.args;
	int fd, form, val, err;

	fd = grab_wren_fd(req->pid, (int)a[0], &form);
	if (fd < 0)
		return 1;
	if (req->data.nr == __NR_setsockopt) {
		if ((int)a[4] < (int)sizeof(int))
			err = -EINVAL;
		else
			err = peek(req->pid, a[3], &val, sizeof(val));
		if (!err && setsockopt(fd, SOL_WREN, WREN_SO_REUSEPORT, &val,
				       sizeof(val)))
			err = -errno;
	} else {
		int len;

		err = peek(req->pid, a[4], &len, sizeof(len));
		if (!err && len < 0)
			err = -EINVAL;
		if (!err) {
			len = len < (int)sizeof(form) ? len : (int)sizeof(form);
			err = poke(req->pid, a[3], &form, len);
		}
		if (!err)
			err = poke(req->pid, a[4], &len, sizeof(len));
	}
	close(fd);
	return err;
}

static void answer_sockopt(int nfd, struct seccomp_notif *req,
			   struct seccomp_notif_resp *resp)
{
	int rc = sockopt_call(req);

	memset(resp, 0, sizeof(*resp));
	resp->id = req->id;
	if (rc == 1)
		resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else
		resp->error = rc;
	/* ENOENT: the caller is gone; nothing to answer. */
	seccomp_notify_respond(nfd, resp);
}

static void answer(int nfd, struct seccomp_notif *req,
		   struct seccomp_notif_resp *resp)
{
	int domain = (int)req->data.args[0];
	int type = (int)req->data.args[1];
	int protocol = (int)req->data.args[2];
	struct seccomp_notif_addfd add = { .id = req->id };
	int fd;

	fd = make_socket(req->pid, domain, type, protocol);
	/* The caller may have died meanwhile (and its pid been reused). */
	if (seccomp_notify_id_valid(nfd, req->id)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	if (fd >= 0) {
		add.srcfd = fd;
		add.flags = SECCOMP_ADDFD_FLAG_SEND;
		add.newfd_flags = (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0;
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_ADDFD, &add) >= 0) {
			close(fd);
			return;
		}
		fd = -errno;
		close(add.srcfd);
		/* ENOENT: the caller is gone; nothing to answer. */
		if (fd == -ENOENT)
			return;
	}
	memset(resp, 0, sizeof(*resp));
	resp->id = req->id;
	resp->error = fd;
	seccomp_notify_respond(nfd, resp);
}

static volatile sig_atomic_t got_chld;
static pid_t child_pid;

static void on_chld(int sig)
{
	got_chld = 1;
}

/* SIGTERM and SIGHUP are for the program: pass them on. */
static void on_term(int sig)
{
	if (child_pid > 0)
		kill(child_pid, sig);
}

/* Reap what has ended; the direct child's status when it is among them. */
static void reap(pid_t child, int *status, bool *done)
{
	pid_t p;
	int st;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == child) {
			*status = WIFEXITED(st) ? WEXITSTATUS(st) :
				  128 + WTERMSIG(st);
			*done = true;
		}
}

static int supervise(int nfd, pid_t child)
{
	struct seccomp_notif *req;
	struct seccomp_notif_resp *resp;
	bool done = false;
	int status = EXIT_SETUP;

	if (seccomp_notify_alloc(&req, &resp))
		die("seccomp_notify_alloc failed");
	for (;;) {
		struct pollfd p = { .fd = nfd, .events = POLLIN };
		int n;

		if (got_chld) {
			got_chld = 0;
			reap(child, &status, &done);
		}
		n = poll(&p, 1, 1000);
		if (n < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (n <= 0)
			continue;
		if (p.revents & POLLIN) {
			memset(req, 0, sizeof(*req));
			if (seccomp_notify_receive(nfd, req))
				continue;
			if (req->data.nr == __NR_socket)
				answer(nfd, req, resp);
			else
				answer_sockopt(nfd, req, resp);
			continue;
		}
		/* POLLHUP: no process is left under the filter. */
		if (p.revents & (POLLHUP | POLLERR))
			break;
	}
	/* The last ones may still be on their way to being reaped. */
	while (!done) {
		reap(child, &status, &done);
		if (!done && waitpid(child, NULL, 0) < 0 && errno == ECHILD)
			break;
	}
	seccomp_notify_free(req, resp);
	return status;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *netns = NULL;
	struct sigaction sa;
	int chan[2], nfd, c;
	struct stat st;
	pid_t child;
	char ok = 'k';

	while ((c = getopt_long(argc, argv, "+n:h", lopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			netns = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EXIT_SETUP;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_SETUP;
	}
	if (netns)
		enter_netns(netns);
	check_wren();
	home_ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home_ns < 0 || fstat(home_ns, &st))
		die("/proc/self/ns/net: %s", strerror(errno));
	home_ino = st.st_ino;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_chld;
	sa.sa_flags = SA_NOCLDSTOP;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = on_term;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/*
	 * A terminal's ^C and ^\ reach the program by themselves; we must
	 * outlive it to serve its last sockets and report its status.
	 */
	signal(SIGINT, SIG_IGN);
	signal(SIGQUIT, SIG_IGN);
	/* Daemons that leave their parent stay ours to reap. */
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, chan))
		die("socketpair: %s", strerror(errno));
	child = fork();
	if (child < 0)
		die("fork: %s", strerror(errno));
	if (child == 0) {
		close(chan[0]);
		close(home_ns);
		signal(SIGCHLD, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGQUIT, SIG_DFL);
		run_program(chan[1], argv + optind);
	}
	child_pid = child;
	close(chan[1]);
	nfd = recv_fd(chan[0]);
	if (nfd < 0) {
		/* The child said why; its status is ours. */
		if (waitpid(child, &c, 0) == child && WIFEXITED(c))
			return WEXITSTATUS(c);
		return EXIT_SETUP;
	}
	if (write(chan[0], &ok, 1) != 1)
		die("starting %s: %s", argv[optind], strerror(errno));
	close(chan[0]);
	return supervise(nfd, child);
}
