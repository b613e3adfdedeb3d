// SPDX-License-Identifier: GPL-2.0
/* wt: helpers shared by the test programs.  See wt.h. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wt.h"

int wt_cmd_timeout_ms = 120000;
bool wt_verbose = true;
int wt_out_status;

#define wt_diag(...)	fprintf(stderr, "# wt: " __VA_ARGS__)

/* ---- Time ----------------------------------------------------------- */

double wt_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void wt_msleep(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

int wt_scale(void)
{
	static int scale;
	const char *v;

	if (!scale) {
		v = wt_env("WREN_SCALE");
		scale = v ? atoi(v) : 1;
		if (scale < 1 || scale > 50)
			scale = 1;
	}
	return scale;
}

bool wt_wait_for(int timeout_ms, int interval_ms, bool (*cond)(void *arg),
		 void *arg)
{
	double end = wt_now() + timeout_ms * wt_scale() / 1000.0;

	for (;;) {
		if (cond(arg))
			return true;
		if (wt_now() >= end)
			return false;
		wt_msleep(interval_ms > 0 ? interval_ms : 20);
	}
}

/* ---- Commands ------------------------------------------------------- */

static char *wt_vfmt(const char *fmt, va_list ap)
{
	char *s;

	if (vasprintf(&s, fmt, ap) < 0) {
		wt_diag("out of memory\n");
		abort();
	}
	return s;
}

/*
 * Fork "sh -c @cmd" (inside @ns if set) in a process group of its own,
 * stdout to @out_fd (-1: inherit), stderr to @err_fd (-1: inherit).
 */
static pid_t wt_spawn(const char *ns, const char *cmd, int out_fd, int err_fd)
{
	pid_t pid;

	if (wt_verbose)
		fprintf(stderr, "# $ %s%s%s%s\n", ns && *ns ? "[" : "",
			ns && *ns ? ns : "", ns && *ns ? "] " : "", cmd);
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		wt_diag("fork: %s\n", strerror(errno));
		return -1;
	}
	if (pid)
		return pid;

	setpgid(0, 0);
	/* Die with the test, e.g. when the harness kills it on timeout. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (out_fd >= 0)
		dup2(out_fd, 1);
	if (err_fd >= 0)
		dup2(err_fd, 2);
	if (ns && *ns)
		execlp("ip", "ip", "netns", "exec", ns, "/bin/sh", "-c", cmd,
		       (char *)NULL);
	else
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	_exit(127);
}

static int wt_status(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return -1;
}

/* Wait for @pid until @timeout_ms, then kill its group; exit status. */
static int wt_reap(pid_t pid, int timeout_ms, const char *what)
{
	double end = wt_now() + timeout_ms * wt_scale() / 1000.0;
	int st, delay = 1;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			return wt_status(st);
		if (r < 0 && errno != EINTR) {
			wt_diag("waitpid: %s\n", strerror(errno));
			return -1;
		}
		if (wt_now() >= end)
			break;
		wt_msleep(delay);
		if (delay < 50)
			delay *= 2;
	}
	wt_diag("timeout after %d ms, killing: %s\n", timeout_ms, what);
	kill(-pid, SIGKILL);
	kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return wt_status(st);
}

int wt_run(const char *ns, const char *cmd)
{
	pid_t pid = wt_spawn(ns, cmd, -1, -1);

	if (pid < 0)
		return -1;
	return wt_reap(pid, wt_cmd_timeout_ms, cmd);
}

/* Run a formatted command in @ns; @quiet throws its output away. */
static int wt_vrun(const char *ns, bool quiet, const char *fmt, va_list ap)
{
	char *cmd = wt_vfmt(fmt, ap);
	int fd, rc = -1;
	pid_t pid;

	if (!quiet) {
		rc = wt_run(ns, cmd);
		free(cmd);
		return rc;
	}
	fd = open("/dev/null", O_WRONLY);
	pid = wt_spawn(ns, cmd, fd, fd);
	if (fd >= 0)
		close(fd);
	if (pid >= 0)
		rc = wt_reap(pid, wt_cmd_timeout_ms, cmd);
	free(cmd);
	return rc;
}

/* The body of a printf-style runner whose last named argument is fmt. */
#define WT_VRUN(ns, quiet) ({				\
	va_list ap;					\
	int rc;						\
	va_start(ap, fmt);				\
	rc = wt_vrun(ns, quiet, fmt, ap);		\
	va_end(ap);					\
	rc;						\
})

int wt_sh(const char *fmt, ...)
{
	return WT_VRUN(NULL, false);
}

int wt_peer(const char *fmt, ...)
{
	return WT_VRUN(WT_PEER_NS, false);
}

int wt_shq(const char *fmt, ...)
{
	return WT_VRUN(NULL, true);
}

int wt_peerq(const char *fmt, ...)
{
	return WT_VRUN(WT_PEER_NS, true);
}

static void wt_chomp(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

char *wt_read_fd(int fd, bool rewind)
{
	size_t cap = 4096, len = 0;
	char *buf = malloc(cap);
	ssize_t n;

	if (!buf)
		return NULL;
	if (rewind)
		lseek(fd, 0, SEEK_SET);
	for (;;) {
		if (len + 1 >= cap) {
			char *nb = realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	return buf;
}

static int wt_tmpfile(void)
{
	char path[] = "/tmp/wt-out-XXXXXX";
	int fd = mkstemp(path);

	if (fd < 0) {
		wt_diag("mkstemp: %s\n", strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

char *wt_run_out(const char *ns, int *status, const char *cmd)
{
	int fd = wt_tmpfile(), rc;
	char *out;
	pid_t pid;

	if (status)
		*status = -1;
	if (fd < 0)
		return NULL;
	pid = wt_spawn(ns, cmd, fd, -1);
	if (pid < 0) {
		close(fd);
		return NULL;
	}
	rc = wt_reap(pid, wt_cmd_timeout_ms, cmd);
	out = wt_read_fd(fd, true);
	close(fd);
	if (out)
		wt_chomp(out);
	if (status)
		*status = rc;
	return out;
}

#define WT_VOUT(ns) ({					\
	va_list ap;					\
	char *cmd, *out;				\
	va_start(ap, fmt);				\
	cmd = wt_vfmt(fmt, ap);				\
	va_end(ap);					\
	out = wt_run_out(ns, &wt_out_status, cmd);	\
	free(cmd);					\
	out;						\
})

char *wt_out(const char *fmt, ...)
{
	return WT_VOUT(NULL);
}

char *wt_peer_out(const char *fmt, ...)
{
	return WT_VOUT(WT_PEER_NS);
}

bool wt_same_sha256(const char *a, const char *b)
{
	char *x = wt_out("sha256sum < %s", a);
	char *y = wt_out("sha256sum < %s", b);
	bool same = x && y && strlen(x) > 64 && !strcmp(x, y);

	if (!same)
		fprintf(stderr, "# sha256 %s: %s\n# sha256 %s: %s\n", a,
			x ? x : "?", b, y ? y : "?");
	free(x);
	free(y);
	return same;
}

struct wt_bg *wt_bg_start(const char *ns, const char *fmt, ...)
{
	struct wt_bg *bg = calloc(1, sizeof(*bg));
	va_list ap;
	char *cmd;

	if (!bg)
		return NULL;
	bg->fd = wt_tmpfile();
	if (bg->fd < 0) {
		free(bg);
		return NULL;
	}
	va_start(ap, fmt);
	cmd = wt_vfmt(fmt, ap);
	va_end(ap);
	bg->pid = wt_spawn(ns, cmd, bg->fd, bg->fd);
	free(cmd);
	if (bg->pid < 0) {
		close(bg->fd);
		free(bg);
		return NULL;
	}
	bg->status = -1;
	return bg;
}

int wt_bg_wait(struct wt_bg *bg, int timeout_ms)
{
	if (bg->pid > 0) {
		bg->status = wt_reap(bg->pid, timeout_ms, "background command");
		bg->pid = 0;
		free(bg->out);
		bg->out = wt_read_fd(bg->fd, true);
		if (bg->out)
			wt_chomp(bg->out);
	}
	return bg->status;
}

void wt_bg_free(struct wt_bg *bg)
{
	if (!bg)
		return;
	if (bg->pid > 0) {
		kill(-bg->pid, SIGKILL);
		kill(bg->pid, SIGKILL);
		waitpid(bg->pid, NULL, 0);
	}
	close(bg->fd);
	free(bg->out);
	free(bg);
}

/* ---- Files, counters, key=value text -------------------------------- */

char *wt_read_file(const char *path)
{
	int fd = open(path, O_RDONLY);
	char *s;

	if (fd < 0)
		return NULL;
	s = wt_read_fd(fd, false);
	close(fd);
	return s;
}

int wt_write_file(const char *path, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int fd, rc = 0;
	size_t len;

	va_start(ap, fmt);
	s = wt_vfmt(fmt, ap);
	va_end(ap);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	len = strlen(s);
	if (fd < 0 || write(fd, s, len) != (ssize_t)len) {
		wt_diag("write %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	if (fd >= 0)
		close(fd);
	free(s);
	return rc;
}

long long wt_read_ll(const char *fmt, ...)
{
	va_list ap;
	char *path, *s, *end;
	long long v;

	va_start(ap, fmt);
	path = wt_vfmt(fmt, ap);
	va_end(ap);
	s = wt_read_file(path);
	if (!s) {
		wt_diag("cannot read %s\n", path);
		free(path);
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 0);
	if (end == s || errno)
		v = -1;
	free(s);
	free(path);
	return v;
}

long long wt_if_stat(const char *ifname, const char *stat)
{
	return wt_read_ll("/sys/class/net/%s/statistics/%s", ifname, stat);
}

int wt_carrier(const char *ifname)
{
	char path[128];
	char *s;
	int v;

	snprintf(path, sizeof(path), "/sys/class/net/%s/carrier", ifname);
	s = wt_read_file(path);	/* EINVAL while the device is down */
	if (!s || !*s) {
		free(s);
		return -1;
	}
	v = atoi(s);
	free(s);
	return v;
}

long long wt_text_key(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	if (!text)
		return -1;
	while (*p) {
		const char *q = p;

		while (*q == ' ' || *q == '\t')
			q++;
		if (!strncmp(q, key, klen) &&
		    (q[klen] == ':' || q[klen] == ' ' || q[klen] == '\t')) {
			q += klen;
			while (*q == ':' || *q == ' ' || *q == '\t')
				q++;
			if (isdigit((unsigned char)*q) || *q == '-')
				return strtoll(q, NULL, 10);
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
	return -1;
}

long long wt_file_key(const char *path, const char *key)
{
	char *s = wt_read_file(path);
	long long v = wt_text_key(s, key);

	free(s);
	return v;
}

/* Index of whitespace-separated word @word in line @line (to its '\n'). */
static int wt_word_index(const char *line, const char *word)
{
	size_t wlen = strlen(word);
	int i = 0;

	for (;;) {
		while (*line == ' ')
			line++;
		if (!*line || *line == '\n')
			return -1;
		if (!strncmp(line, word, wlen) &&
		    (line[wlen] == ' ' || line[wlen] == '\n' || !line[wlen]))
			return i;
		while (*line && *line != ' ' && *line != '\n')
			line++;
		i++;
	}
}

long long wt_snmp(const char *ns, const char *path, const char *group,
		  const char *field)
{
	char *text, *p, prefix[128];
	long long v = -1;
	int idx, i;

	if (ns && *ns) {
		snprintf(prefix, sizeof(prefix), "cat %s", path);
		text = wt_run_out(ns, NULL, prefix);
	} else {
		text = wt_read_file(path);
	}
	if (!text)
		return -1;
	snprintf(prefix, sizeof(prefix), "%s:", group);
	for (p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, prefix, strlen(prefix)))
			continue;
		/* The header line names the fields; the next holds values. */
		idx = wt_word_index(p, field);
		p = strchr(p, '\n');
		if (idx < 0 || !p)
			break;
		p++;
		for (i = 0; i < idx && p; i++) {
			while (*p == ' ')
				p++;
			p = strpbrk(p, " \n");
		}
		if (p && *p == ' ')
			v = strtoll(p, NULL, 10);
		break;
	}
	free(text);
	return v;
}

int wt_kv(const char *text, const char *key, char *buf, size_t len)
{
	size_t klen = strlen(key), n;
	const char *p = text;

	while (p && (p = strstr(p, key))) {
		if ((p == text || p[-1] == ' ' || p[-1] == '\n') &&
		    p[klen] == '=') {
			p += klen + 1;
			n = strcspn(p, " \t\n");
			if (n >= len)
				n = len - 1;
			memcpy(buf, p, n);
			buf[n] = '\0';
			return 0;
		}
		p += klen;
	}
	return -1;
}

long long wt_kv_ll(const char *text, const char *key)
{
	char buf[32];

	if (wt_kv(text, key, buf, sizeof(buf)))
		return -1;
	return strtoll(buf, NULL, 10);
}

long long wt_ethtool_stat(const char *ns, const char *ifname,
			  const char *name)
{
	char cmd[128], *out;
	long long v;

	snprintf(cmd, sizeof(cmd), "ethtool -S %s", ifname);
	out = wt_run_out(ns, NULL, cmd);
	v = wt_text_key(out, name);
	free(out);
	return v;
}

/* ---- The guest: /run/wren.env --------------------------------------- */

#define WT_ENV_FILE	"/run/wren.env"

const char *wt_env(const char *key)
{
	static char *text;
	static char val[256];
	size_t klen = strlen(key);
	const char *p;
	size_t n;

	if (!text)
		text = wt_read_file(WT_ENV_FILE);
	if (!text) {
		wt_diag("cannot read %s\n", WT_ENV_FILE);
		return NULL;
	}
	for (p = text; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, "export ", 7))
			p += 7;
		if (strncmp(p, key, klen) || p[klen] != '=')
			continue;
		p += klen + 1;
		if (*p == '"' || *p == '\'')
			p++;
		n = strcspn(p, "\"'\n");
		if (n >= sizeof(val))
			n = sizeof(val) - 1;
		memcpy(val, p, n);
		val[n] = '\0';
		return val;
	}
	return NULL;
}

int wt_env_nics(void)
{
	const char *v = wt_env("WREN_NICS");

	return v ? atoi(v) : -1;
}

static int wt_env_item(const char *key, int i, char *buf, size_t len)
{
	const char *p = wt_env(key);
	size_t n;

	if (!p || i < 0)
		return -1;
	while (i--) {
		p = strchr(p, ',');
		if (!p)
			return -1;
		p++;
	}
	n = strcspn(p, ",");
	if (!n || n >= len)
		return -1;
	memcpy(buf, p, n);
	buf[n] = '\0';
	return 0;
}

int wt_env_model(int i, char *buf, size_t len)
{
	return wt_env_item("WREN_MODELS", i, buf, len);
}

int wt_env_mac(int i, char *buf, size_t len)
{
	return wt_env_item("WREN_MACS", i, buf, len);
}

/* ---- Networking ----------------------------------------------------- */

const char *wt_ifname(int nic, enum wt_side side)
{
	static char names[2][WT_MAX_NICS][16];
	char *s = names[side][nic & (WT_MAX_NICS - 1)];

	snprintf(s, 16, "%s%d", side == WT_GUEST ? "eth" : "peer", nic);
	return s;
}

const char *wt_ip(int nic, enum wt_side side)
{
	static char addrs[2][WT_MAX_NICS][16];
	char *s = addrs[side][nic & (WT_MAX_NICS - 1)];

	snprintf(s, 16, "192.0.2.%u",
		 16 * (nic & (WT_MAX_NICS - 1)) + (side == WT_GUEST ? 1 : 2));
	return s;
}

int wt_net_up(int nic, int timeout_ms)
{
	const char *g = wt_ifname(nic, WT_GUEST), *p = wt_ifname(nic, WT_PEER);
	double end = wt_now() + timeout_ms * wt_scale() / 1000.0;

	if (wt_sh("ip addr flush dev %s && ip addr add %s/%d dev %s && "
		  "ip link set %s up", g, wt_ip(nic, WT_GUEST), WT_PREFIXLEN,
		  g, g))
		return -1;
	if (wt_peer("ip addr flush dev %s && ip addr add %s/%d dev %s && "
		    "ip link set %s up", p, wt_ip(nic, WT_PEER), WT_PREFIXLEN,
		    p, p))
		return -1;
	/*
	 * A plain FIFO on both ends: fq_codel drops datagrams of a fast UDP
	 * sender at dequeue time, which would look like loss on the wire.
	 */
	wt_shq("tc qdisc replace dev %s root pfifo limit 10000", g);
	wt_peerq("tc qdisc replace dev %s root pfifo limit 10000", p);
	if (!WT_WAIT(timeout_ms, wt_carrier(g) == 1)) {
		wt_diag("%s: no carrier\n", g);
		return -1;
	}
	/* The first frames may wait for the receiver to come up. */
	while (wt_shq("ping -c 1 -W 1 %s", wt_ip(nic, WT_PEER))) {
		if (wt_now() >= end) {
			wt_diag("%s: %s does not answer ping\n", g,
				wt_ip(nic, WT_PEER));
			return -1;
		}
	}
	return 0;
}

/* ---- The boot-wide allocator ---------------------------------------- */

#define WT_ALLOC_DIR	"/run/wt-alloc"
#define WT_PORT_FIRST	10000
#define WT_PORT_END	30000

/* Read the number in @path (or @dflt if there is none yet). */
static long wt_alloc_get(const char *path, long dflt)
{
	FILE *f = fopen(path, "r");
	long v;

	if (!f)
		return dflt;
	if (fscanf(f, "%ld", &v) != 1)
		v = dflt;
	fclose(f);
	return v;
}

static int wt_alloc_put(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) || rc ? -1 : 0;
}

/* Take the allocator's lock: its fd, or -1. */
static int wt_alloc_lock(void)
{
	int fd;

	mkdir(WT_ALLOC_DIR, 0755);
	fd = open(WT_ALLOC_DIR "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		fprintf(stderr, "# wt: allocator lock: %s\n", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

int wt_ports(int n)
{
	const char *path = WT_ALLOC_DIR "/ports";
	int lock = wt_alloc_lock();
	long first;

	if (lock < 0 || n < 1 || n > WT_PORT_END - WT_PORT_FIRST) {
		if (lock >= 0)
			close(lock);
		return -1;
	}
	first = wt_alloc_get(path, WT_PORT_FIRST);
	/* A boot that used them all starts again at the bottom: ports
	 * that old are long out of TIME_WAIT.
	 */
	if (first < WT_PORT_FIRST || first + n > WT_PORT_END)
		first = WT_PORT_FIRST;
	if (wt_alloc_put(path, first + n))
		first = -1;
	close(lock);
	return (int)first;
}

int wt_alloc(const char *kind, const char *key)
{
	char path[128], next[96];
	int lock;
	long idx;

	snprintf(path, sizeof(path), WT_ALLOC_DIR "/%s.%s", kind, key);
	snprintf(next, sizeof(next), WT_ALLOC_DIR "/%s.next", kind);
	lock = wt_alloc_lock();
	if (lock < 0)
		return -1;
	idx = wt_alloc_get(path, -1);
	if (idx < 0) {
		idx = wt_alloc_get(next, 1);
		if (wt_alloc_put(path, idx) || wt_alloc_put(next, idx + 1))
			idx = -1;
	}
	close(lock);
	return (int)idx;
}

int wt_once(const char *what, int (*make)(void))
{
	char path[128];
	int rc;

	snprintf(path, sizeof(path), WT_ALLOC_DIR "/once.%s", what);
	if (access(path, F_OK) == 0)
		return 0;
	rc = make();
	if (rc == 0) {
		mkdir(WT_ALLOC_DIR, 0755);
		wt_write_file(path, "done\n");
	}
	return rc;
}

void wt_once_forget(const char *what)
{
	char path[128];

	snprintf(path, sizeof(path), WT_ALLOC_DIR "/once.%s", what);
	unlink(path);
}

int wt_ping(const char *ns, const char *dst, int count)
{
	char cmd[128], *out;
	int rc;

	snprintf(cmd, sizeof(cmd), "ping -q -c %d -i 0.2 -W 2 %s 2>&1", count,
		 dst);
	out = wt_run_out(ns, &rc, cmd);
	if (rc)		/* the summary only when it failed */
		wt_diag("ping failed (%d):\n%s\n", rc, out ? out : "");
	free(out);
	return rc;
}

static void wt_xfer_parse(struct wt_xfer_end *e, const char *out)
{
	const char *line = out ? out : "";
	const char *p;
	char buf[32];

	/* The result is the last line that has "bytes=". */
	for (p = line; (p = strstr(p, "bytes=")); p++)
		if (p == out || p[-1] == '\n')
			line = p;
	snprintf(e->line, sizeof(e->line), "%.*s", (int)strcspn(line, "\n"),
		 line);
	e->bytes = wt_kv_ll(e->line, "bytes");
	e->datagrams = wt_kv_ll(e->line, "datagrams");
	e->bad = wt_kv_ll(e->line, "bad");
	e->lost = wt_kv_ll(e->line, "lost");
	e->mbps = wt_kv(e->line, "MBps", buf, sizeof(buf)) ? -1 : atof(buf);
	if (wt_kv(e->line, "sha256", e->sha256, sizeof(e->sha256)))
		e->sha256[0] = '\0';
}

static char wt_ready_path[64];

struct wt_bg *wt_xfer_recv_start(struct wt_xfer *x)
{
	int timeout_s = (x->timeout_ms ? x->timeout_ms : 120000) / 1000 *
			wt_scale();
	struct wt_bg *bg;

	snprintf(wt_ready_path, sizeof(wt_ready_path), "/tmp/wt-ready.%d.%d",
		 getpid(), x->port);
	unlink(wt_ready_path);
	bg = wt_bg_start(x->recv_ns, "exec wt-xfer recv --once --timeout %d "
			 "--ready %s %s %s %d", timeout_s + 5, wt_ready_path,
			 x->opts ? x->opts : "",
			 x->recv_opts ? x->recv_opts : "", x->port);
	if (!bg)
		return NULL;
	if (!WT_WAIT(10000, access(wt_ready_path, F_OK) == 0)) {
		wt_diag("wt-xfer recv did not start listening\n");
		wt_bg_wait(bg, 1);
		wt_diag("its output: %s\n", bg->out ? bg->out : "");
		wt_bg_free(bg);
		return NULL;
	}
	unlink(wt_ready_path);
	return bg;
}

struct wt_bg *wt_xfer_send_start(struct wt_xfer *x)
{
	int timeout_s = (x->timeout_ms ? x->timeout_ms : 120000) / 1000 *
			wt_scale();
	const char *so = x->send_opts ? x->send_opts : "";
	bool udp = (x->opts && strstr(x->opts, "--udp")) || strstr(so, "--udp");

	if (udp)
		return wt_bg_start(x->send_ns, "exec wt-xfer send --timeout %d "
				   "%s %s %s %d", timeout_s + 5,
				   x->opts ? x->opts : "", so,
				   x->host, x->port);
	return wt_bg_start(x->send_ns, "exec wt-xfer send --timeout %d %s %s "
			   "%s %d %lld", timeout_s + 5, x->opts ? x->opts : "",
			   so, x->host, x->port, x->bytes);
}

int wt_xfer_finish(struct wt_xfer *x, struct wt_bg *rcv, struct wt_bg *snd)
{
	int timeout_ms = x->timeout_ms ? x->timeout_ms : 120000;
	double end = wt_now() + timeout_ms * wt_scale() / 1000.0;
	int rc = 0, left;

	/* wt_bg_wait() scales its own deadline.  A sender that failed will
	 * not connect any more: the receiver gets a few seconds, not the
	 * whole transfer's time.
	 */
	x->snd.status = snd ? wt_bg_wait(snd, timeout_ms) : -1;
	left = (int)((end - wt_now()) * 1000 / wt_scale());
	if (x->snd.status && left > 5000)
		left = 5000;
	x->rcv.status = rcv ? wt_bg_wait(rcv, left > 5000 ? left : 5000) : -1;
	wt_xfer_parse(&x->snd, snd ? snd->out : NULL);
	wt_xfer_parse(&x->rcv, rcv ? rcv->out : NULL);
	fprintf(stderr, "# xfer send: rc=%d %s\n# xfer recv: rc=%d %s\n",
		x->snd.status, snd && snd->out ? snd->out : "",
		x->rcv.status, rcv && rcv->out ? rcv->out : "");
	if (x->snd.status || x->rcv.status)
		rc = -1;
	else if (x->snd.bytes < 0 || x->snd.bytes != x->rcv.bytes)
		rc = -1;
	else if (!x->snd.sha256[0] || strcmp(x->snd.sha256, x->rcv.sha256))
		rc = -1;
	else if (strstr(x->rcv.line, "pattern=bad"))
		rc = -1;
	if (rc)
		wt_diag("transfer failed or the ends disagree\n");
	wt_bg_free(snd);
	wt_bg_free(rcv);
	return rc;
}

int wt_xfer_run(struct wt_xfer *x)
{
	struct wt_bg *rcv, *snd;

	memset(&x->snd, 0, sizeof(x->snd));
	memset(&x->rcv, 0, sizeof(x->rcv));
	x->snd.status = x->rcv.status = -1;
	rcv = wt_xfer_recv_start(x);
	if (!rcv)
		return -1;
	snd = wt_xfer_send_start(x);
	return wt_xfer_finish(x, rcv, snd);
}

/* ---- QEMU monitor --------------------------------------------------- */

int wt_qmon(const char *fmt, ...)
{
	va_list ap;
	char *cmd;
	int rc;

	va_start(ap, fmt);
	cmd = wt_vfmt(fmt, ap);
	va_end(ap);
	rc = wt_sh("qmon %s", cmd);
	free(cmd);
	return rc;
}

char *wt_qmon_out(const char *fmt, ...)
{
	va_list ap;
	char *cmd, *full, *out;

	va_start(ap, fmt);
	cmd = wt_vfmt(fmt, ap);
	va_end(ap);
	if (asprintf(&full, "qmon %s", cmd) < 0)
		abort();
	out = wt_run_out(NULL, &wt_out_status, full);
	free(full);
	free(cmd);
	return out;
}

/* ---- Kernel ------------------------------------------------------------ */

int wt_mem_snapshot(struct wt_mem *m, bool settle)
{
	char *s;

	if (settle) {
		sync();
		wt_write_file("/proc/sys/vm/drop_caches", "3\n");
		wt_msleep(500);
	}
	s = wt_read_file("/proc/meminfo");
	if (!s)
		return -1;
	m->memfree = wt_text_key(s, "MemFree");
	m->memavail = wt_text_key(s, "MemAvailable");
	m->slab = wt_text_key(s, "Slab");
	m->sunreclaim = wt_text_key(s, "SUnreclaim");
	free(s);
	return m->memfree < 0 || m->slab < 0 ? -1 : 0;
}

int wt_dmesg_count(const char *ere)
{
	char *cmd, *out;
	int n;

	if (asprintf(&cmd, "dmesg | grep -cE '%s'", ere) < 0)
		abort();
	out = wt_run_out(NULL, NULL, cmd);
	n = out ? atoi(out) : -1;
	free(out);
	free(cmd);
	return n;
}

bool wt_module_loaded(const char *name)
{
	char path[128], *s;
	bool live;

	snprintf(path, sizeof(path), "/sys/module/%s/initstate", name);
	s = wt_read_file(path);
	live = s && !strncmp(s, "live", 4);
	free(s);
	return live;
}

int wt_ifname_by_mac(const char *mac, char *buf, size_t len)
{
	struct dirent *de;
	char path[300], *addr;
	int rc = -1;
	DIR *d;

	d = opendir("/sys/class/net");
	if (!d)
		return -1;
	while (rc && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/class/net/%s/address",
			 de->d_name);
		addr = wt_read_file(path);
		if (addr && !strncasecmp(addr, mac, strlen(mac)) &&
		    strlen(de->d_name) < len) {
			strcpy(buf, de->d_name);
			rc = 0;
		}
		free(addr);
	}
	closedir(d);
	return rc;
}

const char *wt_expect_driver(void)
{
	static char name[64];
	char *cmdline, *p;

	if (name[0])
		return name;
	strcpy(name, "wren_e1000");
	cmdline = wt_read_file("/proc/cmdline");
	p = cmdline ? strstr(cmdline, "wt.expect_driver=") : NULL;
	if (p) {
		p += strlen("wt.expect_driver=");
		snprintf(name, sizeof(name), "%.*s", (int)strcspn(p, " \n"), p);
		wt_diag("expecting driver %s (wt.expect_driver)\n", name);
	}
	free(cmdline);
	return name;
}

void wt_net_diag(int nic)
{
	const char *g = wt_ifname(nic, WT_GUEST), *p = wt_ifname(nic, WT_PEER);

	fprintf(stderr, "# wt: counters of %s and %s:\n", g, p);
	wt_sh("{ ip -s link show %s; ethtool -S %s | grep -v ': 0$'; "
	      "tc -s qdisc show dev %s; grep -E '^(Ip|Udp|Tcp):' /proc/net/snmp; "
	      "} 2>&1 | sed 's/^/#   /' >&2", g, g, g);
	wt_peer("{ ip -s link show %s; tc -s qdisc show dev %s; "
		"grep -E '^(Ip|Udp|Tcp):' /proc/net/snmp; } 2>&1 | "
		"sed 's/^/#   [peer] /' >&2", p, p);
}

int wt_module_unload(const char *name)
{
	char path[128];

	if (wt_sh("rmmod %s", name))
		return -1;
	snprintf(path, sizeof(path), "/sys/module/%s", name);
	if (!WT_WAIT(10000, access(path, F_OK) != 0)) {
		wt_diag("%s still present after rmmod\n", name);
		return -1;
	}
	return 0;
}

/* Every NIC of /run/wren.env is present in the own namespace. */
static bool wt_nics_present(void)
{
	char mac[32], name[32];
	int i, n = wt_env_nics();

	for (i = 0; i < n; i++)
		if (wt_env_mac(i, mac, sizeof(mac)) ||
		    wt_ifname_by_mac(mac, name, sizeof(name)))
			return false;
	return n > 0;
}

int wt_driver_load(const char *params, char **msg)
{
	return wt_nic_driver_load(WT_DRIVER, params, msg);
}

int wt_nic_driver_load(const char *driver, const char *params, char **msg)
{
	char *out;
	int rc, i, n = wt_env_nics();

	if (!strcmp(driver, WT_DRIVER))
		out = wt_out("insmod %s/%s.ko %s 2>&1", WT_MODDIR, driver,
			     params ? params : "");
	else
		out = wt_out("modprobe %s %s 2>&1", driver,
			     params ? params : "");
	rc = wt_out_status;
	if (msg)
		*msg = out;
	else
		free(out);
	if (rc)
		return rc;
	if (!WT_WAIT(10000, wt_nics_present())) {
		wt_diag("not every NIC came back after insmod\n");
		return -1;
	}
	if (wt_sh("/usr/lib/wren/nicnames.sh"))
		return -1;
	for (i = 0; i < n; i++) {
		char path[96];

		snprintf(path, sizeof(path), "/sys/class/net/%s",
			 wt_ifname(i, WT_GUEST));
		if (!WT_WAIT(5000, access(path, F_OK) == 0)) {
			wt_diag("%s did not come back\n", path);
			return -1;
		}
	}
	return 0;
}
