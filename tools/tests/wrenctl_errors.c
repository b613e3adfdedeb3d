// SPDX-License-Identifier: GPL-2.0
/*
 * wrenctl_errors: every way a wrenctl command can fail ends in one line on
 * stderr, "wrenctl: <what went wrong>", and a non-zero exit status: 2 for a
 * command-line mistake (nothing sent to the kernel), 1 when the kernel or
 * the system refused.  Runs in the guest with wren.ko loaded; eth0 is the
 * interface wren is attached to, lo one it never is.
 *
 * WRENCTL names the binary to run (default: wrenctl from PATH).
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "wt.h"

#define DEV		"eth0"
#define ADDR		"192.0.2.1/28"
#define GW		"192.0.2.2"
#define NOBODY		65534

struct ctl {
	int status;		/* exit status, or 128 + signal, or -1 */
	char out[4096];
	char err[4096];
};

/* All of a temporary file the command wrote, cut to fit buf. */
static void read_all(int fd, char *buf, size_t size)
{
	char *text = wt_read_fd(fd, true);

	snprintf(buf, size, "%s", text ? text : "");
	free(text);
}

/* Copy text into the log as TAP comment lines. */
static void log_text(const char *tag, const char *text)
{
	const char *p = text, *nl;

	while (*p) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		fprintf(stderr, "# %s: %.*s\n", tag, (int)(nl - p), p);
		p = *nl ? nl + 1 : nl;
	}
}

/*
 * Run wrenctl with the space-separated arguments of fmt, as uid (-1: as
 * we are), capturing stdout and stderr apart.
 */
static void __attribute__((format(printf, 3, 4)))
run_ctl(struct ctl *r, int uid, const char *fmt, ...)
{
	const char *bin = getenv("WRENCTL");
	char line[512], *argv[32], *save, *t;
	int argc = 0, ofd, efd, st;
	va_list ap;
	pid_t pid;

	if (!bin || !*bin)
		bin = "wrenctl";
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	argv[argc++] = (char *)bin;
	for (t = strtok_r(line, " ", &save); t && argc < 31;
	     t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;

	fprintf(stderr, "# $ %s%s\n", uid >= 0 ? "[uid 65534] " : "", fmt);
	memset(r, 0, sizeof(*r));
	r->status = -1;
	ofd = memfd_create("wrenctl-out", 0);
	efd = memfd_create("wrenctl-err", 0);
	if (ofd < 0 || efd < 0)
		return;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		dup2(ofd, 1);
		dup2(efd, 2);
		if (uid >= 0 && (setgroups(0, NULL) || setgid(uid) ||
				 setuid(uid)))
			_exit(126);
		execvp(bin, argv);
		_exit(127);
	}
	if (pid > 0 && waitpid(pid, &st, 0) == pid)
		r->status = WIFEXITED(st) ? WEXITSTATUS(st) :
			    128 + WTERMSIG(st);
	read_all(ofd, r->out, sizeof(r->out));
	read_all(efd, r->err, sizeof(r->err));
	close(ofd);
	close(efd);
	log_text("stdout", r->out);
	log_text("stderr", r->err);
	fprintf(stderr, "# exit %d\n", r->status);
}

/* One line, "wrenctl: " and some text, newline-terminated. */
static int one_error_line(const char *s)
{
	size_t n = strlen(s);

	return n > strlen("wrenctl: ") + 1 &&
	       !strncmp(s, "wrenctl: ", 9) &&
	       s[n - 1] == '\n' && !memchr(s, '\n', n - 1);
}

/* ---- No kernel needed: the command line is refused before any request. */

TEST(usage_without_arguments)
{
	struct ctl r;

	run_ctl(&r, -1, "%s", "");
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "Usage: wrenctl"));
	run_ctl(&r, -1, "-h");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "Usage: wrenctl"));
}

TEST(unknown_command)
{
	struct ctl r;

	run_ctl(&r, -1, "frobnicate");
	EXPECT_EQ(2, r.status);
	EXPECT_TRUE(one_error_line(r.err));
	EXPECT_NE(NULL, strstr(r.err, "unknown command"));
	run_ctl(&r, -1, "link frob " DEV);
	EXPECT_EQ(2, r.status);
	EXPECT_TRUE(one_error_line(r.err));
	run_ctl(&r, -1, "set tcp_warp 9");
	EXPECT_EQ(2, r.status);
	EXPECT_TRUE(one_error_line(r.err));
}

TEST(bad_prefix)
{
	static const char *const bad[] = {
		"192.0.2.1/33", "192.0.2.256/24", "192.0.2/24", "192.0.2.1/",
		"192.0.2.1/-1", "192.0.2.1/2x", "host.example", "/24",
	};
	struct ctl r;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run_ctl(&r, -1, "addr add %s dev lo", bad[i]);
		EXPECT_EQ(2, r.status);
		EXPECT_TRUE(one_error_line(r.err));
		EXPECT_NE(NULL, strstr(r.err, "bad prefix"));
		run_ctl(&r, -1, "route add %s dev lo", bad[i]);
		EXPECT_EQ(2, r.status);
		EXPECT_NE(NULL, strstr(r.err, "bad prefix"));
	}
	/* A route's prefix has no host bits. */
	run_ctl(&r, -1, "route add 198.51.100.1/24 via " GW);
	EXPECT_EQ(2, r.status);
	EXPECT_NE(NULL, strstr(r.err, "bad prefix"));
	/* Other malformed arguments are usage errors as well. */
	run_ctl(&r, -1, "route add default via 192.0.2");
	EXPECT_EQ(2, r.status);
	EXPECT_TRUE(one_error_line(r.err));
	run_ctl(&r, -1, "arp add 192.0.2.9 lladdr 52:54:00:zz:00:01 dev lo");
	EXPECT_EQ(2, r.status);
	EXPECT_TRUE(one_error_line(r.err));
	run_ctl(&r, -1, "set tcp_msl_ms lots");
	EXPECT_EQ(2, r.status);
	EXPECT_TRUE(one_error_line(r.err));
}

TEST(unknown_device)
{
	struct ctl r;

	run_ctl(&r, -1, "link attach nosuch0");
	EXPECT_NE(0, r.status);
	EXPECT_STREQ("wrenctl: unknown device nosuch0\n", r.err);
	run_ctl(&r, -1, "addr add " ADDR " dev nosuch0");
	EXPECT_NE(0, r.status);
	EXPECT_STREQ("wrenctl: unknown device nosuch0\n", r.err);
	run_ctl(&r, -1, "route add default via " GW " dev nosuch0");
	EXPECT_NE(0, r.status);
	EXPECT_STREQ("wrenctl: unknown device nosuch0\n", r.err);
}

/* ---- Errors the kernel reports: eth0 attached, with an address. ------- */

FIXTURE(kernel) {
	int attached;
};

/* 6.1's harness runs the test body even when setup skipped. */
#define NEED_KERNEL() do {						\
	if (!self->attached)						\
		SKIP(return, "wren.ko is not loaded");			\
} while (0)

FIXTURE_SETUP(kernel)
{
	struct ctl r;

	if (!wt_module_loaded("wren"))
		SKIP(return, "wren.ko is not loaded");
	ASSERT_EQ(0, wt_sh("ip link set %s up", DEV));
	run_ctl(&r, -1, "link detach " DEV);	/* a leftover, if any */
	run_ctl(&r, -1, "link attach " DEV);
	ASSERT_EQ(0, r.status);
	self->attached = 1;
}

FIXTURE_TEARDOWN(kernel)
{
	struct ctl r;

	if (self->attached)
		run_ctl(&r, -1, "link detach " DEV);
}

TEST_F(kernel, device_not_attached)
{
	struct ctl r;

	NEED_KERNEL();
	run_ctl(&r, -1, "addr add " ADDR " dev lo");
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));
	run_ctl(&r, -1, "link detach lo");
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));
	run_ctl(&r, -1, "link show lo");
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));
}

TEST_F(kernel, attach_twice)
{
	struct ctl r;

	NEED_KERNEL();
	run_ctl(&r, -1, "link attach " DEV);
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));
	run_ctl(&r, -1, "link show");
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, ": " DEV ":"));
}

TEST_F(kernel, duplicate_address)
{
	struct ctl r;

	NEED_KERNEL();
	run_ctl(&r, -1, "addr add " ADDR " dev " DEV);
	ASSERT_EQ(0, r.status);
	EXPECT_STREQ("", r.err);
	run_ctl(&r, -1, "addr show " DEV);
	EXPECT_EQ(0, r.status);
	EXPECT_NE(NULL, strstr(r.out, "inet " ADDR "\n"));

	run_ctl(&r, -1, "addr add " ADDR " dev " DEV);
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));

	run_ctl(&r, -1, "addr del " ADDR " dev " DEV);
	EXPECT_EQ(0, r.status);
	/* Gone now: deleting it again fails. */
	run_ctl(&r, -1, "addr del " ADDR " dev " DEV);
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));
}

TEST_F(kernel, unreachable_gateway)
{
	struct ctl r;

	NEED_KERNEL();
	run_ctl(&r, -1, "addr add " ADDR " dev " DEV);
	ASSERT_EQ(0, r.status);

	/* 203.0.113.1 is on no attached link. */
	run_ctl(&r, -1, "route add 198.51.100.0/24 via 203.0.113.1");
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));
	run_ctl(&r, -1, "route show");
	EXPECT_EQ(0, r.status);
	EXPECT_EQ(NULL, strstr(r.out, "198.51.100.0/24"));

	/* Through a gateway on 192.0.2.0/28 it is fine. */
	run_ctl(&r, -1, "route add 198.51.100.0/24 via " GW);
	EXPECT_EQ(0, r.status);
	run_ctl(&r, -1, "route show");
	EXPECT_NE(NULL, strstr(r.out, "198.51.100.0/24 via " GW));
	run_ctl(&r, -1, "route add 198.51.100.0/24 via " GW);
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));
	run_ctl(&r, -1, "route del 198.51.100.0/24 via " GW);
	EXPECT_EQ(0, r.status);
	run_ctl(&r, -1, "route del 198.51.100.0/24");
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));

	run_ctl(&r, -1, "addr del " ADDR " dev " DEV);
	EXPECT_EQ(0, r.status);
}

TEST_F(kernel, permission_denied)
{
	static const char *const cmds[] = {
		"link attach " DEV, "link detach " DEV,
		"addr add " ADDR " dev " DEV,
		"route add default via " GW " dev " DEV,
		"arp add 192.0.2.9 lladdr 52:54:00:00:00:09 dev " DEV,
		"arp flush", "set tcp_msl_ms 1000",
	};
	struct ctl r;
	size_t i;

	NEED_KERNEL();
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		run_ctl(&r, NOBODY, "%s", cmds[i]);
		EXPECT_EQ(1, r.status);
		EXPECT_STREQ("wrenctl: permission denied (need CAP_NET_ADMIN)\n",
			     r.err);
	}
	/* Still attached: the refused detach changed nothing. */
	run_ctl(&r, -1, "link show " DEV);
	EXPECT_EQ(0, r.status);
}

TEST_F(kernel, arp_errors)
{
	struct ctl r;

	NEED_KERNEL();
	run_ctl(&r, -1, "arp del 192.0.2.9 dev " DEV);
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));
	run_ctl(&r, -1, "arp add 192.0.2.9 lladdr 52:54:00:00:00:09 dev lo");
	EXPECT_EQ(1, r.status);
	EXPECT_TRUE(one_error_line(r.err));
}

WT_HARNESS_MAIN
