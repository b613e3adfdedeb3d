// SPDX-License-Identifier: GPL-2.0
/*
 * wren: /proc/net/wren/ of each namespace: dev, arp, route, snmp, in the
 * formats uapi/linux/wren.h documents.  The transports add their socket
 * tables (udp, ping, tcp) to the same directory: see wren_proc_dir().
 */
#include <linux/inetdevice.h>
#include <linux/if_arp.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/seq_file_net.h>
#include <linux/slab.h>
#include <net/net_namespace.h>
#include "ip.h"

static struct wren_net *wren_seq_net(struct seq_file *seq)
{
	return wren_net(seq_file_single_net(seq));
}

/* ---- dev --------------------------------------------------------------------------- */

struct wren_proc_stats {
	u64	v[6];	/* rx packets, bytes, drops, tx packets, bytes, drops */
};

static void wren_proc_sum_stats(struct wren_iface *ifc,
				struct wren_proc_stats *sum)
{
	unsigned int start;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		const struct wren_iface_stats *st = per_cpu_ptr(ifc->stats, cpu);
		u64 v[6];

		do {
			start = u64_stats_fetch_begin(&st->syncp);
			v[0] = u64_stats_read(&st->rx_packets);
			v[1] = u64_stats_read(&st->rx_bytes);
			v[2] = u64_stats_read(&st->rx_drops);
			v[3] = u64_stats_read(&st->tx_packets);
			v[4] = u64_stats_read(&st->tx_bytes);
			v[5] = u64_stats_read(&st->tx_drops);
		} while (u64_stats_fetch_retry(&st->syncp, start));
		for (start = 0; start < 6; start++)
			sum->v[start] += v[start];
	}
}

static void wren_proc_dev_addrs(struct seq_file *seq, struct wren_iface *ifc)
{
	struct wren_ifaddrs *ia = rcu_dereference(ifc->addrs);
	unsigned int i;

	if (!ia->n)
		seq_putc(seq, '-');
	for (i = 0; i < ia->n; i++)
		seq_printf(seq, "%s%pI4/%u", i ? "," : "", &ia->a[i].addr,
			   ia->a[i].prefixlen);
}

static int wren_proc_dev_show(struct seq_file *seq, void *v)
{
	struct wren_net *wn = wren_seq_net(seq);
	struct wren_proc_stats s;
	struct wren_iface *ifc;
	u32 flags;

	seq_puts(seq, "Iface    Index  MTU  Flags Addresses RxPackets RxBytes RxDrops TxPackets TxBytes TxDrops\n");
	rcu_read_lock();
	list_for_each_entry_rcu(ifc, &wn->ifaces, node) {
		flags = (ifc->dev->flags & IFF_UP ? WREN_LINK_F_UP : 0) |
			(netif_carrier_ok(ifc->dev) ? WREN_LINK_F_CARRIER : 0);
		seq_printf(seq, "%-8s %5d %5u 0x%x ", ifc->dev->name,
			   ifc->dev->ifindex, READ_ONCE(ifc->dev->mtu), flags);
		wren_proc_dev_addrs(seq, ifc);
		wren_proc_sum_stats(ifc, &s);
		seq_printf(seq, " %llu %llu %llu %llu %llu %llu\n", s.v[0],
			   s.v[1], s.v[2], s.v[3], s.v[4], s.v[5]);
	}
	rcu_read_unlock();
	return 0;
}

/* ---- arp --------------------------------------------------------------------------- */

static const char *const wren_arp_state_name[] = {
	[WREN_ARP_INCOMPLETE]	= "incomplete",
	[WREN_ARP_REACHABLE]	= "reachable",
	[WREN_ARP_STALE]	= "stale",
	[WREN_ARP_FAILED]	= "failed",
	[WREN_ARP_PERMANENT]	= "permanent",
};

static int wren_proc_arp_line(const struct wren_arp_info *a, void *arg)
{
	struct seq_file *seq = arg;
	char ip[16], mac[18];
	unsigned int flags = 0;

	if (a->state == WREN_ARP_REACHABLE || a->state == WREN_ARP_STALE)
		flags = ATF_COM;
	else if (a->state == WREN_ARP_PERMANENT)
		flags = ATF_COM | ATF_PERM;
	snprintf(ip, sizeof(ip), "%pI4", &a->ip);
	snprintf(mac, sizeof(mac), "%pM", a->mac);
	seq_printf(seq, "%-16s 0x1         0x%-9x %-21s *        %-8s %s\n",
		   ip, flags, mac, a->ifname,
		   a->state < ARRAY_SIZE(wren_arp_state_name) ?
		   wren_arp_state_name[a->state] : "?");
	return 0;
}

static int wren_proc_arp_show(struct seq_file *seq, void *v)
{
	seq_puts(seq, "IP address       HW type     Flags       HW address            Mask     Device   State\n");
	wren_arp_walk(wren_seq_net(seq), 0, wren_proc_arp_line, seq);
	return 0;
}

/* ---- route ------------------------------------------------------------------------- */

static int wren_proc_route_line(const struct wren_route_info *r, void *arg)
{
	struct seq_file *seq = arg;
	__be32 mask = wren_plen_mask(r->plen);
	char dst[16], gw[16], msk[16];

	snprintf(dst, sizeof(dst), "%pI4", &r->dst);
	snprintf(gw, sizeof(gw), "%pI4", &r->gw);
	snprintf(msk, sizeof(msk), "%pI4", &mask);
	seq_printf(seq, "%-15s %-15s %-15s %-8s %s\n", dst, gw, msk,
		   r->ifc->dev->name,
		   r->kind == WREN_ROUTE_CONNECTED ? "connected" : "static");
	return 0;
}

static int wren_proc_route_show(struct seq_file *seq, void *v)
{
	seq_puts(seq, "Destination     Gateway         Genmask         Iface    Kind\n");
	wren_route_walk(wren_seq_net(seq), 0, wren_proc_route_line, seq);
	return 0;
}

/* ---- snmp -------------------------------------------------------------------------- */

static void wren_proc_snmp_group(struct seq_file *seq, struct wren_net *wn,
				 const char *group)
{
	bool ip = !strcmp(group, "Ip");
	unsigned int i;

	seq_printf(seq, "%s:", group);
	if (ip)
		seq_puts(seq, " Forwarding DefaultTTL");
	for (i = 0; i < WREN_MIB_MAX; i++) {
		if (strcmp(wren_mib_group[i], group))
			continue;
		seq_printf(seq, " %s", wren_mib_name[i]);
		/* A gauge, where Linux has it: after EstabResets. */
		if (i == WREN_MIB_Tcp_EstabResets)
			seq_puts(seq, " CurrEstab");
	}
	if (!strcmp(group, "TcpExt"))
		seq_puts(seq, " TCPMemLimit TCPMemUsed");
	seq_printf(seq, "\n%s:", group);
	if (ip)
		seq_printf(seq, " 2 %d", WREN_DEFAULT_TTL);
	for (i = 0; i < WREN_MIB_MAX; i++) {
		if (strcmp(wren_mib_group[i], group))
			continue;
		seq_printf(seq, " %lu", wren_mib_read(&wn->mib, i));
		if (i == WREN_MIB_Tcp_EstabResets)
			seq_printf(seq, " %u", wren_tcp_curr_estab(wn));
	}
	if (!strcmp(group, "TcpExt"))
		seq_printf(seq, " %ld %ld", wren_tcp_mem_limit(wn),
			   wren_tcp_mem_used(wn));
	seq_putc(seq, '\n');
}

static unsigned long wren_proc_icmpmsg(struct wren_net *wn, unsigned int i)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		const struct wren_mib_cpu *m = per_cpu_ptr(wn->mib.pcpu, cpu);

		sum += i < 256 ? m->icmp_in[i] : m->icmp_out[i - 256];
	}
	return sum;
}

/* As Linux: only the types seen, In types before Out types. */
static void wren_proc_snmp_icmpmsg(struct seq_file *seq, struct wren_net *wn)
{
	unsigned long *val = kcalloc(512, sizeof(*val), GFP_KERNEL);
	unsigned int i, n = 0;

	if (!val)
		return;
	for (i = 0; i < 512; i++) {
		val[i] = wren_proc_icmpmsg(wn, i);
		n += !!val[i];
	}
	if (!n)
		goto out;
	seq_puts(seq, "IcmpMsg:");
	for (i = 0; i < 512; i++)
		if (val[i])
			seq_printf(seq, " %sType%u", i < 256 ? "In" : "Out",
				   i & 255);
	seq_puts(seq, "\nIcmpMsg:");
	for (i = 0; i < 512; i++)
		if (val[i])
			seq_printf(seq, " %lu", val[i]);
	seq_putc(seq, '\n');
out:
	kfree(val);
}

static void wren_proc_snmp_drops(struct seq_file *seq, struct wren_net *wn)
{
	unsigned int i;

	seq_puts(seq, "WrenDrop:");
	for (i = 0; i < WREN_DROP_MAX; i++)
		seq_printf(seq, " %s", wren_drop_name[i]);
	seq_puts(seq, "\nWrenDrop:");
	for (i = 0; i < WREN_DROP_MAX; i++)
		seq_printf(seq, " %lu", wren_mib_read_drop(&wn->mib, i));
	seq_putc(seq, '\n');
}

static int wren_proc_snmp_show(struct seq_file *seq, void *v)
{
	struct wren_net *wn = wren_seq_net(seq);

	wren_proc_snmp_group(seq, wn, "Ip");
	wren_proc_snmp_group(seq, wn, "Icmp");
	wren_proc_snmp_icmpmsg(seq, wn);
	wren_proc_snmp_group(seq, wn, "Tcp");
	wren_proc_snmp_group(seq, wn, "Udp");
	wren_proc_snmp_group(seq, wn, "TcpExt");
	wren_proc_snmp_group(seq, wn, "WrenFrames");
	wren_proc_snmp_drops(seq, wn);
	return 0;
}

/* ---- the directory ----------------------------------------------------------------- */

struct proc_dir_entry *wren_proc_dir(struct wren_net *wn)
{
	return wn->proc_dir;
}

int wren_proc_net_init(struct wren_net *wn)
{
	struct proc_dir_entry *d;

	/* The directory's data is the net, as single_open_net() expects. */
	d = proc_net_mkdir(wn->net, "wren", wn->net->proc_net);
	if (!d)
		return -ENOMEM;
	wn->proc_dir = d;
	if (!proc_create_net_single("dev", 0444, d, wren_proc_dev_show,
				    NULL) ||
	    !proc_create_net_single("arp", 0444, d, wren_proc_arp_show,
				    NULL) ||
	    !proc_create_net_single("route", 0444, d, wren_proc_route_show,
				    NULL) ||
	    !proc_create_net_single("snmp", 0444, d, wren_proc_snmp_show,
				    NULL)) {
		wren_proc_net_exit(wn);
		return -ENOMEM;
	}
	return 0;
}

void wren_proc_net_exit(struct wren_net *wn)
{
	remove_proc_subtree("wren", wn->net->proc_net);
	wn->proc_dir = NULL;
}
