// SPDX-License-Identifier: GPL-2.0
/*
 * wrenstat: a netstat for the wren stack.  Reads /proc/net/wren/ (the
 * formats are documented in <linux/wren.h>) and prints sockets, routes,
 * interfaces, ARP entries or counters the way netstat(8) does.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/wren.h>

#include "wren_util.h"

#define EXIT_USAGE	2
#define MAX_TOKENS	64

enum { P_TCP = 1, P_UDP = 2, P_PING = 4 };

static struct {
	const char	*dir;		/* /proc/net/wren or WRENSTAT_PROC_DIR */
	unsigned int	protos;		/* P_* to list; 0 = all */
	int		all;		/* -a */
	int		listening;	/* -l */
	int		extend;		/* -e */
	int		timers;		/* -o */
} opt;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: wrenstat [-tu] [--ping] [-a|-l] [-n] [-e] [-o]  sockets\n"
"       wrenstat -r                                    routing table\n"
"       wrenstat -i                                    interfaces\n"
"       wrenstat -s [-tu]                              statistics\n"
"       wrenstat --arp                                 ARP cache\n"
"\n"
"  -t, --tcp        TCP sockets          -u, --udp    UDP sockets\n"
"      --ping       ICMP echo (ping) sockets  (default: all three)\n"
"  -a, --all        also listening/unconnected sockets\n"
"  -l, --listening  only listening/unconnected sockets\n"
"  -n, --numeric    numeric output (always numeric; accepted for habit)\n"
"  -e, --extend     also show the owner's uid and the socket inode\n"
"  -o, --timers     also show timers: kind (seconds left/RTOs/probes)\n"
"  -r, --route      -i, --interfaces   -s, --statistics   --arp\n"
"  -h, --help\n"
"\n"
"Reads /proc/net/wren/{tcp,udp,ping,route,dev,snmp,arp}.  For testing,\n"
"the environment variable WRENSTAT_PROC_DIR names another directory to\n"
"read them from.\n");
}

static int fail(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("wrenstat: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return EXIT_FAILURE;
}

/*
 * Open a file of the wren /proc directory.  A missing file is an error
 * unless optional; *fp is NULL then.  Returns 0 or an exit status.
 */
static int open_proc(const char *name, FILE **fp, int optional)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", opt.dir, name);
	*fp = fopen(path, "r");
	if (*fp)
		return 0;
	if (errno == ENOENT && stat(opt.dir, &st))
		return fail("%s: no such directory (is the wren module loaded?)",
			    opt.dir);
	if (errno == ENOENT && optional)
		return 0;
	return fail("cannot open %s: %s", path, strerror(errno));
}

/* Split line in place at white space; returns the number of tokens. */
static int tokenize(char *line, char **tok, int max)
{
	int n = 0;
	char *save, *t;

	for (t = strtok_r(line, " \t\n", &save); t && n < max;
	     t = strtok_r(NULL, " \t\n", &save))
		tok[n++] = t;
	return n;
}

static void rstrip(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* ---- sockets ------------------------------------------------------------- */

static const char *const tcp_state[] = {
	[1] = "ESTABLISHED", [2] = "SYN_SENT", [3] = "SYN_RECV",
	[4] = "FIN_WAIT1", [5] = "FIN_WAIT2", [6] = "TIME_WAIT",
	[7] = "CLOSE", [8] = "CLOSE_WAIT", [9] = "LAST_ACK",
	[10] = "LISTEN", [11] = "CLOSING",
};

#define ST_ESTABLISHED	0x01
#define ST_CLOSE	0x07
#define ST_LISTEN	0x0a

/* "A.B.C.D:port", port 0 shown as "*" as netstat does. */
static void fmt_endpoint(unsigned int addr, unsigned int port, char *buf,
			 size_t size)
{
	char a[INET_ADDRSTRLEN];

	/* The file holds the address as stored (network order), in hex. */
	wren_fmt_ipv4(addr, a, sizeof(a));
	if (port)
		snprintf(buf, size, "%s:%u", a, port);
	else
		snprintf(buf, size, "%s:*", a);
}

struct sock_line {
	unsigned int	laddr, lport, raddr, rport, st;
	unsigned long	txq, rxq, inode;
	unsigned int	uid;
	unsigned int	timer, retrans;	/* timer kind, RTOs so far */
	unsigned long	when;		/* clock ticks left */
	int		probes;
};

static int parse_sock_line(const char *line, struct sock_line *s)
{
	int n;

	memset(s, 0, sizeof(*s));
	n = sscanf(line,
		   " %*d: %x:%x %x:%x %x %lx:%lx %x:%lx %x %u %d %lu",
		   &s->laddr, &s->lport, &s->raddr, &s->rport, &s->st,
		   &s->txq, &s->rxq, &s->timer, &s->when, &s->retrans,
		   &s->uid, &s->probes, &s->inode);
	return n < 7 ? -1 : 0;
}

/* netstat -o's Timer column: "kind (seconds left/RTOs/probes)". */
static void fmt_timer(const struct sock_line *s, char *buf, size_t size)
{
	static const char *const kind[] = {
		"off", "on", "keepalive", "timewait", "probe",
	};
	long hz = sysconf(_SC_CLK_TCK);

	if (hz <= 0)
		hz = 100;
	snprintf(buf, size, "%s (%.2f/%u/%d)",
		 s->timer < WREN_ARRAY_SIZE(kind) ? kind[s->timer] : "unkn",
		 (double)s->when / hz, s->retrans, s->probes);
}

static int show_socks(const char *file, const char *proto, int is_tcp)
{
	char line[512], out[256], l[32], r[32], extra[64], timer[48];
	struct sock_line s;
	FILE *f;
	int rc;

	/* tcp and ping appeared later than udp: their absence is no error. */
	rc = open_proc(file, &f, strcmp(file, "udp"));
	if (rc || !f)
		return rc;
	if (!fgets(line, sizeof(line), f)) {	/* header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		const char *state;
		int listening;

		if (parse_sock_line(line, &s))
			continue;
		if (is_tcp) {
			listening = s.st == ST_LISTEN;
			state = s.st < WREN_ARRAY_SIZE(tcp_state) &&
				tcp_state[s.st] ? tcp_state[s.st] : "UNKNOWN";
		} else {
			/* netstat: an unconnected datagram socket "listens" */
			listening = s.st != ST_ESTABLISHED;
			state = s.st == ST_ESTABLISHED ? "ESTABLISHED" : "";
		}
		if (!opt.all && listening != opt.listening)
			continue;
		fmt_endpoint(s.laddr, s.lport, l, sizeof(l));
		fmt_endpoint(s.raddr, s.rport, r, sizeof(r));
		extra[0] = '\0';
		if (opt.extend)
			snprintf(extra, sizeof(extra), " %-10u %-10lu", s.uid,
				 s.inode);
		if (opt.timers) {
			fmt_timer(&s, timer, sizeof(timer));
			snprintf(extra + strlen(extra),
				 sizeof(extra) - strlen(extra), " %s", timer);
		}
		snprintf(out, sizeof(out), "%-5s %6lu %6lu %-23s %-23s %-11s%s",
			 proto, s.rxq, s.txq, l, r, state, extra);
		rstrip(out);
		puts(out);
	}
	fclose(f);
	return 0;
}

static int show_sockets(void)
{
	unsigned int p = opt.protos ? opt.protos : P_TCP | P_UDP | P_PING;
	char hdr[160];
	int rc = 0;

	if (opt.all)
		puts("Active wren Internet connections (servers and established)");
	else if (opt.listening)
		puts("Active wren Internet connections (only servers)");
	else
		puts("Active wren Internet connections (w/o servers)");
	snprintf(hdr, sizeof(hdr),
		 "Proto Recv-Q Send-Q Local Address           Foreign Address         State%s%s%s",
		 opt.extend || opt.timers ? "      " : "",
		 opt.extend ? " User       Inode     " : "",
		 opt.timers ? " Timer" : "");
	rstrip(hdr);
	puts(hdr);
	if (!rc && (p & P_TCP))
		rc = show_socks("tcp", "tcp", 1);
	if (!rc && (p & P_UDP))
		rc = show_socks("udp", "udp", 0);
	if (!rc && (p & P_PING))
		rc = show_socks("ping", "ping", 0);
	return rc;
}

/* ---- routes, interfaces, ARP --------------------------------------------- */

/* Column index of name in a header, or -1. */
static int column(char **hdr, int n, const char *name)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcasecmp(hdr[i], name))
			return i;
	return -1;
}

static const char *col(char **tok, int n, int i)
{
	return i >= 0 && i < n ? tok[i] : "-";
}

static int show_routes(void)
{
	char hline[512], line[512], out[512];
	char *hdr[MAX_TOKENS], *tok[MAX_TOKENS];
	int nh, cd, cg, cm, ci, ck, rc;
	FILE *f;

	rc = open_proc("route", &f, 0);
	if (rc)
		return rc;
	puts("Wren IP routing table");
	puts("Destination     Gateway         Genmask         Flags Iface    Kind");
	if (!fgets(hline, sizeof(hline), f)) {
		fclose(f);
		return 0;
	}
	nh = tokenize(hline, hdr, MAX_TOKENS);
	cd = column(hdr, nh, "Destination");
	cg = column(hdr, nh, "Gateway");
	cm = column(hdr, nh, "Genmask");
	ci = column(hdr, nh, "Iface");
	ck = column(hdr, nh, "Kind");
	while (fgets(line, sizeof(line), f)) {
		struct in_addr gw = { 0 }, mask = { 0 };
		const char *g, *m;
		char flags[4], *p = flags;
		int n = tokenize(line, tok, MAX_TOKENS);

		if (!n)
			continue;
		g = col(tok, n, cg);
		m = col(tok, n, cm);
		*p++ = 'U';
		if (!wren_parse_ipv4(g, &gw) && gw.s_addr)
			*p++ = 'G';
		else if (wren_parse_ipv4(g, &gw))
			g = "0.0.0.0";	/* "*" or "-": on link */
		if (!wren_parse_ipv4(m, &mask) && mask.s_addr == 0xffffffffu)
			*p++ = 'H';
		*p = '\0';
		snprintf(out, sizeof(out), "%-15s %-15s %-15s %-5s %-8s %s",
			 col(tok, n, cd), g, m, flags, col(tok, n, ci),
			 col(tok, n, ck));
		rstrip(out);
		puts(out);
	}
	fclose(f);
	return 0;
}

/* The Flags column: hex/decimal WREN_LINK_F_* decoded to netstat letters. */
static void fmt_link_flags(const char *s, char *buf, size_t size)
{
	unsigned long v;
	char *end;

	errno = 0;
	v = strtoul(s, &end, 0);
	if (errno || *end || end == s) {
		snprintf(buf, size, "%s", s);
		return;
	}
	snprintf(buf, size, "%s%s", v & WREN_LINK_F_UP ? "U" : "",
		 v & WREN_LINK_F_CARRIER ? "R" : "");
}

static int show_ifaces(void)
{
	char hline[1024], line[1024], *hdr[MAX_TOKENS], *tok[MAX_TOKENS];
	int nh, c[10], rc, i;
	static const char *const names[10] = {
		"Iface", "MTU", "RxPackets", "RxDrops", "RxBytes",
		"TxPackets", "TxDrops", "TxBytes", "Flags", "Addresses",
	};
	FILE *f;

	rc = open_proc("dev", &f, 0);
	if (rc)
		return rc;
	puts("Wren interface table");
	puts("Iface      MTU    RX-OK RX-DRP     RX-BYTES    TX-OK TX-DRP     TX-BYTES Flg Addresses");
	if (!fgets(hline, sizeof(hline), f)) {
		fclose(f);
		return 0;
	}
	nh = tokenize(hline, hdr, MAX_TOKENS);
	for (i = 0; i < 10; i++)
		c[i] = column(hdr, nh, names[i]);
	while (fgets(line, sizeof(line), f)) {
		char flags[16], out[1024];
		int n = tokenize(line, tok, MAX_TOKENS);

		if (!n)
			continue;
		fmt_link_flags(col(tok, n, c[8]), flags, sizeof(flags));
		snprintf(out, sizeof(out),
			 "%-8s %5s %8s %6s %12s %8s %6s %12s %-3s %s",
			 col(tok, n, c[0]), col(tok, n, c[1]),
			 col(tok, n, c[2]), col(tok, n, c[3]),
			 col(tok, n, c[4]), col(tok, n, c[5]),
			 col(tok, n, c[6]), col(tok, n, c[7]), flags,
			 col(tok, n, c[9]));
		rstrip(out);
		puts(out);
	}
	fclose(f);
	return 0;
}

static int show_arp(void)
{
	char line[512], out[512], *tok[MAX_TOKENS];
	FILE *f;
	int rc;

	rc = open_proc("arp", &f, 0);
	if (rc)
		return rc;
	puts("Address          HWtype  HWaddress           Flags Iface    State");
	if (!fgets(line, sizeof(line), f)) {	/* header */
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		/* IP, HW type, Flags, HW address, Mask, Device, State */
		int n = tokenize(line, tok, MAX_TOKENS);
		unsigned long fl;
		char flags[4], *p = flags;
		const char *hw, *state = n >= 7 ? tok[6] : "";

		if (n < 6)
			continue;
		fl = strtoul(tok[2], NULL, 16);
		if (fl & 0x2)	/* ATF_COM */
			*p++ = 'C';
		if (fl & 0x4)	/* ATF_PERM */
			*p++ = 'M';
		*p = '\0';
		hw = tok[3];
		if (!strcmp(state, "incomplete") || !strcmp(state, "failed") ||
		    !strcmp(hw, "00:00:00:00:00:00"))
			hw = "(incomplete)";
		snprintf(out, sizeof(out), "%-16s %-7s %-19s %-5s %-8s %s",
			 tok[0], "ether", hw, flags, tok[5], state);
		rstrip(out);
		puts(out);
	}
	fclose(f);
	return 0;
}

/* ---- statistics ---------------------------------------------------------- */

/* How netstat -s words a counter; "%lu" is the value. */
static const struct {
	const char *group, *name, *text;
} phrases[] = {
	{ "Ip", "InReceives", "%lu total packets received" },
	{ "Ip", "InHdrErrors", "%lu with invalid headers" },
	{ "Ip", "InAddrErrors", "%lu with invalid addresses" },
	{ "Ip", "ForwDatagrams", "%lu forwarded" },
	{ "Ip", "InUnknownProtos", "%lu with unknown protocol" },
	{ "Ip", "InDiscards", "%lu incoming packets discarded" },
	{ "Ip", "InDelivers", "%lu incoming packets delivered" },
	{ "Ip", "OutRequests", "%lu requests sent out" },
	{ "Ip", "OutDiscards", "%lu outgoing packets dropped" },
	{ "Ip", "OutNoRoutes", "%lu dropped because of missing route" },
	{ "Ip", "ReasmTimeout", "%lu fragments dropped after timeout" },
	{ "Ip", "ReasmReqds", "%lu reassemblies required" },
	{ "Ip", "ReasmOKs", "%lu packets reassembled ok" },
	{ "Ip", "ReasmFails", "%lu packet reassemblies failed" },
	{ "Ip", "FragOKs", "%lu packets fragmented ok" },
	{ "Ip", "FragFails", "%lu packets that could not be fragmented" },
	{ "Ip", "FragCreates", "%lu fragments created" },
	{ "Icmp", "InMsgs", "%lu ICMP messages received" },
	{ "Icmp", "InErrors", "%lu input ICMP message failed" },
	{ "Icmp", "InCsumErrors", "%lu with bad checksum" },
	{ "Icmp", "InDestUnreachs", "%lu destination unreachable received" },
	{ "Icmp", "InTimeExcds", "%lu time exceeded received" },
	{ "Icmp", "InParmProbs", "%lu parameter problems received" },
	{ "Icmp", "InEchos", "%lu echo requests received" },
	{ "Icmp", "InEchoReps", "%lu echo replies received" },
	{ "Icmp", "OutMsgs", "%lu ICMP messages sent" },
	{ "Icmp", "OutErrors", "%lu ICMP messages failed" },
	{ "Icmp", "OutRateLimited", "%lu ICMP messages rate limited" },
	{ "Icmp", "OutDestUnreachs", "%lu destination unreachable sent" },
	{ "Icmp", "OutTimeExcds", "%lu time exceeded sent" },
	{ "Icmp", "OutParmProbs", "%lu parameter problems sent" },
	{ "Icmp", "OutEchos", "%lu echo requests sent" },
	{ "Icmp", "OutEchoReps", "%lu echo replies sent" },
	{ "Tcp", "ActiveOpens", "%lu active connection openings" },
	{ "Tcp", "PassiveOpens", "%lu passive connection openings" },
	{ "Tcp", "AttemptFails", "%lu failed connection attempts" },
	{ "Tcp", "EstabResets", "%lu connection resets received" },
	{ "Tcp", "CurrEstab", "%lu connections established" },
	{ "Tcp", "InSegs", "%lu segments received" },
	{ "Tcp", "OutSegs", "%lu segments sent out" },
	{ "Tcp", "RetransSegs", "%lu segments retransmitted" },
	{ "Tcp", "InErrs", "%lu bad segments received" },
	{ "Tcp", "OutRsts", "%lu resets sent" },
	{ "Tcp", "InCsumErrors", "%lu with bad checksum" },
	{ "Udp", "InDatagrams", "%lu packets received" },
	{ "Udp", "NoPorts", "%lu packets to unknown port received" },
	{ "Udp", "InErrors", "%lu packet receive errors" },
	{ "Udp", "OutDatagrams", "%lu packets sent" },
	{ "Udp", "RcvbufErrors", "%lu receive buffer errors" },
	{ "Udp", "SndbufErrors", "%lu send buffer errors" },
	{ "Udp", "InCsumErrors", "%lu with bad checksum" },
	{ "Udp", "IgnoredMulti", "%lu ignored multicast/broadcast packets" },
	{ "Udp", "MemErrors", "%lu memory errors" },
	{ "TcpExt", "SyncookiesSent", "%lu SYN cookies sent" },
	{ "TcpExt", "SyncookiesRecv", "%lu SYN cookies received" },
	{ "TcpExt", "SyncookiesFailed", "%lu invalid SYN cookies received" },
	{ "TcpExt", "PruneCalled", "%lu times the out-of-order queue was pruned" },
	{ "TcpExt", "OfoPruned", "%lu out-of-order segments pruned" },
	{ "TcpExt", "TW", "%lu TCP sockets finished time wait" },
	{ "TcpExt", "PAWSEstab", "%lu packets rejected in established connections because of timestamp" },
	{ "TcpExt", "DelayedACKs", "%lu delayed acks sent" },
	{ "TcpExt", "ListenOverflows", "%lu times the listen queue of a socket overflowed" },
	{ "TcpExt", "ListenDrops", "%lu SYNs to LISTEN sockets dropped" },
	{ "TcpExt", "TCPRenoRecovery", "%lu times recovered from packet loss due to fast retransmit" },
	{ "TcpExt", "TCPSackRecovery", "%lu times recovered from packet loss by selective acknowledgements" },
	{ "TcpExt", "TCPFastRetrans", "%lu fast retransmits" },
	{ "TcpExt", "TCPSlowStartRetrans", "%lu retransmits in slow start" },
	{ "TcpExt", "TCPTimeouts", "%lu other TCP timeouts" },
	{ "TcpExt", "TCPAbortOnData", "%lu connections reset due to unexpected data" },
	{ "TcpExt", "TCPAbortOnClose", "%lu connections reset due to early user close" },
	{ "TcpExt", "TCPAbortOnTimeout", "%lu connections aborted due to timeout" },
	{ "TcpExt", "TCPAbortOnLinger", "%lu connections aborted after the FIN_WAIT2 timeout" },
	{ "TcpExt", "TCPMemoryPressures", "%lu times TCP entered memory pressure" },
	{ "TcpExt", "TCPChallengeACK", "%lu challenge ACKs sent" },
	{ "TcpExt", "TCPChallengeACKLimited", "%lu challenge ACKs not sent (rate limit)" },
	{ "TcpExt", "TCPMemLimit", "%lu bytes: the namespace's TCP memory limit" },
	{ "TcpExt", "TCPMemUsed", "%lu bytes of TCP memory in use" },
	{ "TcpExt", "TCPSYNChallenge", "%lu SYNs answered with a challenge ACK" },
	{ "TcpExt", "TCPOFOQueue", "%lu segments queued out of order" },
	{ "TcpExt", "TCPOFODrop", "%lu out-of-order segments dropped (no memory)" },
	{ "TcpExt", "TCPOFOMerge", "%lu out-of-order segments already held" },
	{ "TcpExt", "TCPRcvQDrop", "%lu segments dropped (receive queue full)" },
	{ "TcpExt", "TCPOrigDataSent", "%lu segments of new data sent" },
	{ "TcpExt", "TCPKeepAlive", "%lu keepalive probes sent" },
	{ "TcpExt", "TCPWinProbe", "%lu zero window probes sent" },
	{ "TcpExt", "TCPBacklogDrop", "%lu segments dropped (socket backlog full)" },
	{ "TcpExt", "TCPDSACKSent", "%lu D-SACKs sent for duplicate data" },
	{ "TcpExt", "TCPDSACKRecv", "%lu D-SACKs received" },
	{ "TcpExt", "TCPLostRetransmit", "%lu retransmissions lost again" },
	{ "TcpExt", "TCPLossProbes", "%lu tail loss probes sent" },
	{ "TcpExt", "TCPLossProbeRecovery", "%lu losses repaired by a tail loss probe" },
	{ "WrenFrames", "InFrames", "%lu frames taken from devices" },
	{ "WrenFrames", "InLooped", "%lu datagrams to wren's own addresses" },
	{ "WrenFrames", "InDerived", "%lu made on the way (segments, copies)" },
	{ "WrenFrames", "InConsumed", "%lu received and used up" },
	{ "WrenFrames", "InDropped", "%lu received and dropped" },
	{ "WrenFrames", "OutDropped", "%lu dropped on the way out" },
	{ "WrenFrames", "HeldDropped", "%lu dropped after being queued" },
};

static void print_counter(const char *group, const char *name,
			  const char *value)
{
	unsigned long v = strtoul(value, NULL, 10);
	size_t i;

	if (!strcmp(group, "Ip") && !strcmp(name, "Forwarding")) {
		printf("    Forwarding: %s\n", v == 1 ? "enabled" : "disabled");
		return;
	}
	if (!strcmp(group, "Ip") && !strcmp(name, "DefaultTTL")) {
		printf("    Default TTL is %lu\n", v);
		return;
	}
	for (i = 0; i < WREN_ARRAY_SIZE(phrases); i++) {
		if (!strcmp(phrases[i].group, group) &&
		    !strcmp(phrases[i].name, name)) {
			printf("    ");
			printf(phrases[i].text, v);
			printf("\n");
			return;
		}
	}
	printf("    %s: %s\n", name, value);
}

static int group_wanted(const char *g)
{
	if (!opt.protos || !strcmp(g, "WrenDrop"))
		return 1;
	if ((opt.protos & P_TCP) && (!strcmp(g, "Tcp") || !strcmp(g, "TcpExt")))
		return 1;
	if ((opt.protos & P_UDP) && !strcmp(g, "Udp"))
		return 1;
	if ((opt.protos & P_PING) && (!strcmp(g, "Icmp") ||
				      !strcmp(g, "IcmpMsg")))
		return 1;
	return 0;
}

static int show_stats(void)
{
	char names[4096], values[4096], *nt[256], *vt[256];
	FILE *f;
	int rc;

	rc = open_proc("snmp", &f, 0);
	if (rc)
		return rc;
	while (fgets(names, sizeof(names), f) &&
	       fgets(values, sizeof(values), f)) {
		int nn = tokenize(names, nt, 256);
		int nv = tokenize(values, vt, 256);
		unsigned long dropped = 0;
		char group[64];
		int i;

		if (nn < 1 || nv < 1)
			continue;
		snprintf(group, sizeof(group), "%s", nt[0]);
		rstrip(group);
		if (group[strlen(group) - 1] == ':')
			group[strlen(group) - 1] = '\0';
		if (!group_wanted(group))
			continue;
		if (strcmp(group, "WrenDrop")) {
			/* As netstat -s: TcpExt lists what happened only. */
			bool ext = !strcmp(group, "TcpExt");

			printf("%s:\n", group);
			for (i = 1; i < nn && i < nv; i++)
				if (!ext || opt.all || strtoul(vt[i], NULL, 10))
					print_counter(group, nt[i], vt[i]);
			continue;
		}
		puts("WrenDrop: packets dropped by reason");
		for (i = 1; i < nn && i < nv; i++) {
			unsigned long v = strtoul(vt[i], NULL, 10);

			if (v || opt.all)
				printf("    %lu %s\n", v, nt[i]);
			dropped += v;
		}
		if (!dropped && !opt.all)
			puts("    no packets dropped");
	}
	fclose(f);
	return 0;
}

int main(int argc, char **argv)
{
	enum { OPT_ARP = 256, OPT_PING };
	static const struct option longopts[] = {
		{ "tcp", no_argument, NULL, 't' },
		{ "udp", no_argument, NULL, 'u' },
		{ "ping", no_argument, NULL, OPT_PING },
		{ "all", no_argument, NULL, 'a' },
		{ "listening", no_argument, NULL, 'l' },
		{ "numeric", no_argument, NULL, 'n' },
		{ "extend", no_argument, NULL, 'e' },
		{ "timers", no_argument, NULL, 'o' },
		{ "route", no_argument, NULL, 'r' },
		{ "interfaces", no_argument, NULL, 'i' },
		{ "statistics", no_argument, NULL, 's' },
		{ "arp", no_argument, NULL, OPT_ARP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, mode = 0;

	opt.dir = getenv("WRENSTAT_PROC_DIR");
	if (!opt.dir || !*opt.dir)
		opt.dir = "/proc/net/wren";

	opterr = 0;
	while ((c = getopt_long(argc, argv, "tualneorish", longopts,
				NULL)) != -1) {
		switch (c) {
		case 't':
			opt.protos |= P_TCP;
			break;
		case 'u':
			opt.protos |= P_UDP;
			break;
		case OPT_PING:
			opt.protos |= P_PING;
			break;
		case 'a':
			opt.all = 1;
			break;
		case 'l':
			opt.listening = 1;
			break;
		case 'n':
			break;
		case 'e':
			opt.extend = 1;
			break;
		case 'o':
			opt.timers = 1;
			break;
		case 'r':
		case 'i':
		case 's':
		case OPT_ARP:
			if (mode && mode != c) {
				fprintf(stderr, "wrenstat: -r, -i, -s and --arp exclude each other\n");
				return EXIT_USAGE;
			}
			mode = c;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			if (optopt && optopt < 256)
				fprintf(stderr, "wrenstat: invalid option -- '%c' (try wrenstat -h)\n",
					optopt);
			else
				fprintf(stderr, "wrenstat: invalid option '%s' (try wrenstat -h)\n",
					argv[optind - 1]);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "wrenstat: unexpected argument '%s'\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (access(opt.dir, R_OK | X_OK))
		return fail("cannot read %s: %s (is the wren module loaded?)",
			    opt.dir, strerror(errno));

	switch (mode) {
	case 'r':
		c = show_routes();
		break;
	case 'i':
		c = show_ifaces();
		break;
	case 's':
		c = show_stats();
		break;
	case OPT_ARP:
		c = show_arp();
		break;
	default:
		c = show_sockets();
		break;
	}
	if (fflush(stdout) && !c)
		c = fail("write error: %s", strerror(errno));
	return c;
}
