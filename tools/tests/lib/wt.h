/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wt: helpers shared by the test programs of tools/tests/, which run as root
 * inside the QEMU guest described in doc/harness.md.
 *
 * Conventions:
 *  - Functions returning int return 0 on success and -1 (or an exit status)
 *    on failure; functions returning long long return -1 when the value
 *    cannot be read.  They print a "# wt: ..." diagnostic to stderr when
 *    something unexpected happens, so a failing ASSERT has context in the
 *    test log (TAP treats "#" lines as comments).
 *  - Command strings are printf-style and run by /bin/sh, so pipes and
 *    redirections work.  A NULL or "" namespace means the test's own (the
 *    initial) one; "peer" is the namespace holding the peer NICs.
 *  - Every command has a deadline (wt_cmd_timeout_ms, default 120 s): when
 *    it expires the whole process group of the command is killed, so a
 *    wedged transfer cannot outlive its test.
 *
 * Address plan (wt_ip()): NIC i is eth<i> with 192.0.2.(16i+1)/28 and its
 * peer is peer<i> in namespace "peer" with 192.0.2.(16i+2)/28.
 */
#ifndef _WT_H
#define _WT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "wt_pattern.h"
#include "wt_sha256.h"

#define WT_PEER_NS	"peer"
#define WT_MAX_NICS	4

#define WT_KIB		1024LL
#define WT_MIB		(1024LL * 1024)

#ifndef __printf
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#endif

/* ---- Time ----------------------------------------------------------- */

/* Monotonic time in seconds. */
double wt_now(void);
void wt_msleep(int ms);

/*
 * How many times slower than Debian's kernel this guest's kernel runs:
 * WREN_SCALE of /run/wren.env (the debug lane boots with wren.scale=N), 1
 * if unset.  Every deadline of this library (waits, commands, transfers,
 * and each test's harness timeout, WT_HARNESS_MAIN) is multiplied by it;
 * what a test asserts is not.
 */
int wt_scale(void);

/* TEST_HARNESS_MAIN, with each test's timeout multiplied by wt_scale(). */
#define WT_HARNESS_MAIN							\
	static void __attribute__((constructor))			\
	__constructor_order_last(void)					\
	{								\
		if (!__constructor_order)				\
			__constructor_order = _CONSTRUCTOR_ORDER_BACKWARD; \
	}								\
	int main(int argc, char **argv)					\
	{								\
		struct __fixture_metadata *f;				\
		struct __test_metadata *t;				\
									\
		for (f = __fixture_list; f; f = f->next)		\
			for (t = f->tests; t; t = t->next)		\
				t->timeout *= wt_scale();		\
		return test_harness_run(argc, argv);			\
	}

/*
 * WT_WAIT(timeout_ms, expr): evaluate @expr every 20 ms until it is true
 * or @timeout_ms have passed; the result is whether it became true.
 *	ASSERT_TRUE(WT_WAIT(5000, wt_carrier("eth0") == 1));
 */
#define WT_WAIT(timeout_ms, expr) ({					\
	double __wt_end = wt_now() + (timeout_ms) * wt_scale() / 1000.0;	\
	bool __wt_ok;							\
	for (;;) {							\
		__wt_ok = !!(expr);					\
		if (__wt_ok || wt_now() >= __wt_end)			\
			break;						\
		wt_msleep(20);						\
	}								\
	__wt_ok;							\
})

/* The same as a function: wait until @cond(@arg) is true. */
bool wt_wait_for(int timeout_ms, int interval_ms, bool (*cond)(void *arg),
		 void *arg);

/* ---- Commands ------------------------------------------------------- */

/* Deadline of every command run through this library, in ms. */
extern int wt_cmd_timeout_ms;
/* Echo each command to stderr as "# $ CMD" (default on). */
extern bool wt_verbose;

/*
 * Run "sh -c CMD" in namespace @ns (NULL: own).  Returns the exit status
 * (0-255), 128 + signal number if it was killed, or -1 if it could not be
 * run.  Its stdout and stderr go to the test's own.
 */
int wt_run(const char *ns, const char *cmd);
int wt_sh(const char *fmt, ...) __printf(1, 2);
int wt_peer(const char *fmt, ...) __printf(1, 2);
/* The same, with stdout and stderr discarded. */
int wt_shq(const char *fmt, ...) __printf(1, 2);
int wt_peerq(const char *fmt, ...) __printf(1, 2);

/*
 * Run CMD and return its stdout (malloc'd, trailing newlines removed;
 * free() it), whatever its exit status, which is left in *@status if
 * @status is not NULL.  NULL only if it could not be run at all.  Its
 * stderr goes to the test's.
 */
char *wt_run_out(const char *ns, int *status, const char *cmd);
char *wt_out(const char *fmt, ...) __printf(1, 2);
char *wt_peer_out(const char *fmt, ...) __printf(1, 2);
/*
 * Whether files @a and @b (paths in the guest's one file system) have the
 * same sha256; when not, both sums go to stderr.  Uses sha256sum.
 */
bool wt_same_sha256(const char *a, const char *b);
/* Exit status of the last wt_out()/wt_peer_out()/wt_qmon_out(). */
extern int wt_out_status;

/*
 * A command left running in the background, its stdout and stderr kept in
 * an unlinked file until wt_bg_wait().
 */
struct wt_bg {
	pid_t pid;
	int fd;			/* the output file */
	char *out;		/* its contents after wt_bg_wait() */
	int status;		/* as wt_run() */
};

/* Start CMD in @ns; returns NULL if it could not be started. */
struct wt_bg *wt_bg_start(const char *ns, const char *fmt, ...)
	__printf(2, 3);
/*
 * Wait up to @timeout_ms for it to end (killing it then), collect its
 * output into ->out and return its status (also in ->status).
 */
int wt_bg_wait(struct wt_bg *bg, int timeout_ms);
/* Kill it (if running) and free it; NULL is ignored. */
void wt_bg_free(struct wt_bg *bg);

/* ---- Files, counters, key=value text -------------------------------- */

/* Read a file (NUL-terminated, malloc'd), NULL if it cannot be read. */
char *wt_read_file(const char *path);
/* All of @fd (from its start if @rewind); malloc'd, NUL-terminated. */
char *wt_read_fd(int fd, bool rewind);
int wt_write_file(const char *path, const char *fmt, ...) __printf(2, 3);
/* The first integer in a file, e.g. a sysfs counter; -1 on error. */
long long wt_read_ll(const char *fmt, ...) __printf(1, 2);
/* /sys/class/net/@ifname/statistics/@stat of the own namespace. */
long long wt_if_stat(const char *ifname, const char *stat);
/* /sys/class/net/@ifname/carrier: 1, 0, or -1 (e.g. when down). */
int wt_carrier(const char *ifname);
/*
 * The value after @key in "@key: value" or "@key value" lines, as in
 * /proc/meminfo ("MemFree") and `ethtool -S` output; -1 if absent.
 */
long long wt_text_key(const char *text, const char *key);
long long wt_file_key(const char *path, const char *key);
/*
 * A counter of the header/value line pairs of /proc/net/snmp and
 * /proc/net/netstat: wt_snmp(NULL, "/proc/net/snmp", "Udp", "InDatagrams").
 * @ns is the namespace whose file is read.
 */
long long wt_snmp(const char *ns, const char *path, const char *group,
		  const char *field);
/*
 * "key=value" fields in a line (wt-xfer output): copy the value of @key
 * into @buf (returns 0), or return -1 if absent.
 */
int wt_kv(const char *text, const char *key, char *buf, size_t len);
long long wt_kv_ll(const char *text, const char *key);

/* `ethtool -S @ifname` counter @name in namespace @ns; -1 if absent. */
long long wt_ethtool_stat(const char *ns, const char *ifname,
			  const char *name);

/* ---- The guest: /run/wren.env --------------------------------------- */

/* The value of @key (e.g. "WREN_NICS"), static storage; NULL if absent. */
const char *wt_env(const char *key);
/* WREN_NICS, or -1. */
int wt_env_nics(void);
/* Item @i of WREN_MODELS / WREN_MACS into @buf; 0, or -1 if absent. */
int wt_env_model(int i, char *buf, size_t len);
int wt_env_mac(int i, char *buf, size_t len);

/* ---- Networking ----------------------------------------------------- */

/* The guest side ("eth<i>") or the peer side ("peer<i>") of NIC @i. */
enum wt_side { WT_GUEST, WT_PEER };

/* Interface name and IPv4 address (dotted, no prefix) of a side. */
const char *wt_ifname(int nic, enum wt_side side);
const char *wt_ip(int nic, enum wt_side side);
#define WT_PREFIXLEN	28

/*
 * Give eth<nic> and peer<nic> their addresses (flushing older ones), a
 * plain pfifo qdisc (fq_codel would drop bursts of UDP), set both up and
 * wait up to @timeout_ms for carrier and one ping answered.
 */
int wt_net_up(int nic, int timeout_ms);

/*
 * Print (as "#" lines on stderr) the counters of both sides of NIC @nic:
 * ip -s link, ethtool -S, qdisc and SNMP counters.  For failure reports.
 */
void wt_net_diag(int nic);

/*
 * The boot-wide allocator: every test program of one boot draws from the
 * same state under /run/wt-alloc (a file lock serialises them), so no two
 * tests pick a port or a network by hand.
 *
 * wt_ports(): @n consecutive ports (10000-29999, below both stacks'
 * ephemeral ranges) that no test of this boot has had; the first one.
 * wt_alloc(): the index of @key among the keys of @kind asked for in this
 * boot: the same key gives the same index, a new one the next, from 1.
 */
int wt_ports(int n);
int wt_alloc(const char *kind, const char *key);

/*
 * Set-up done once a boot: 0 if @what was made before (in any program of
 * this boot), else @make()'s result, remembered when it is 0.
 * wt_once_forget() makes the next wt_once(@what) run @make again (after
 * an rmmod took what it made).
 */
int wt_once(const char *what, int (*make)(void));
void wt_once_forget(const char *what);

/* Send @count pings from @ns to @dst, 0.2 s apart; exit status of ping. */
int wt_ping(const char *ns, const char *dst, int count);

/*
 * A wt-xfer transfer: the receiver is started in recv_ns, the sender in
 * send_ns dials host:port.  @opts is given to both ends (e.g. "--udp 1472
 * 100", "--family wren").  After wt_xfer_run() each end's line is parsed.
 */
struct wt_xfer_end {
	int status;			/* exit status of wt-xfer */
	long long bytes;
	long long datagrams;		/* UDP only, else -1 */
	long long bad, lost;		/* UDP receiver only, else -1 */
	double mbps;			/* MB/s as the end measured it */
	char sha256[WT_SHA256_HEX];
	char line[512];			/* its whole output */
};

struct wt_xfer {
	const char *send_ns, *recv_ns;
	const char *host;
	int port;
	long long bytes;		/* TCP; ignored with --udp */
	const char *opts;
	/* Extra options for one end only, e.g. "--family wren" on one side
	 * of a transfer between wren and Linux's stack. */
	const char *send_opts, *recv_opts;
	int timeout_ms;			/* 0: 120 s */
	struct wt_xfer_end snd, rcv;
};

/*
 * Run it.  Returns 0 if both ends exited 0 and agree (same byte count and
 * sha256, receiver's pattern check passed), else -1 with a diagnostic.
 */
int wt_xfer_run(struct wt_xfer *x);

/*
 * wt_xfer_run() in steps, for traffic that flows while the test acts:
 * wt_xfer_recv_start() starts the receiver and waits until it listens;
 * wt_xfer_send_start() starts the sender (or start one of your own with
 * wt_bg_start()); wt_xfer_finish() waits for both, parses, checks as
 * wt_xfer_run() does and frees both.  Several transfers may run at once
 * on different ports.
 */
struct wt_bg *wt_xfer_recv_start(struct wt_xfer *x);
struct wt_bg *wt_xfer_send_start(struct wt_xfer *x);
int wt_xfer_finish(struct wt_xfer *x, struct wt_bg *rcv, struct wt_bg *snd);

/* ---- QEMU monitor --------------------------------------------------- */

/* Run a monitor (HMP) command through `qmon`: wt_qmon("set_link nic%d off",
 * 0).  Returns qmon's exit status; wt_qmon_out() returns the reply. */
int wt_qmon(const char *fmt, ...) __printf(1, 2);
char *wt_qmon_out(const char *fmt, ...) __printf(1, 2);

/* ---- Kernel ------------------------------------------------------------ */

/* Memory counters from /proc/meminfo, in KiB. */
struct wt_mem {
	long long memfree;
	long long memavail;
	long long slab;
	long long sunreclaim;
};

/*
 * Snapshot /proc/meminfo.  With @settle, first sync, drop the page and
 * slab caches and wait a moment, so repeated snapshots compare well.
 */
int wt_mem_snapshot(struct wt_mem *m, bool settle);

/* Number of dmesg lines matching the extended regex @ere (grep -E). */
int wt_dmesg_count(const char *ere);
/* The regex of kernel-log lines that mean a kernel bug. */
#define WT_DMESG_BUG \
	"WARNING:|BUG:|Oops|general protection|Call Trace|Kernel panic|" \
	"list_add corruption|list_del corruption|blocked for more than"

/* Whether module @name is loaded (/sys/module/NAME/initstate is live). */
bool wt_module_loaded(const char *name);
/* Path of one of this project's modules in the guest: /lib/wren/@name.ko. */
#define WT_MODDIR	"/lib/wren"

/*
 * The driver the NICs must be bound to: "wren_e1000".  Only to check the
 * tests themselves against Linux's driver, a boot can say otherwise with
 * "wt.expect_driver=NAME" on the kernel command line (no boots.list boot
 * does).
 */
const char *wt_expect_driver(void);

/*
 * Unload module @name (rmmod) and wait until it is gone; 0 or -1.
 * Loading is wt_driver_load(); a test that unloads must load again.
 */
int wt_module_unload(const char *name);

/*
 * insmod wren_e1000 (WT_MODDIR) with module parameters @params ("" for
 * none), then wait for every NIC of /run/wren.env and name them eth<i>
 * again (/usr/lib/wren/nicnames.sh).  Returns insmod's exit status, or -1
 * if it loaded but the NICs did not come back.  insmod's message (e.g.
 * "Invalid argument") goes to *@msg if @msg is not NULL (free() it).
 */
int wt_driver_load(const char *params, char **msg);
#define WT_DRIVER	"wren_e1000"
/*
 * The same for any NIC driver: @driver "wren_e1000" is insmod'ed from
 * WT_MODDIR, anything else (e.g. Linux's "e1000", as a control) is
 * modprobe'd.
 */
int wt_nic_driver_load(const char *driver, const char *params, char **msg);

/* Name of the interface whose MAC is @mac in the own namespace, into @buf. */
int wt_ifname_by_mac(const char *mac, char *buf, size_t len);

#endif /* _WT_H */
