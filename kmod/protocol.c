// SPDX-License-Identifier: GPL-2.0
/*
 * wren: the IP protocol table, as Linux's inet_protos.
 *
 * Each IP protocol number has at most one struct wren_protocol: what IP
 * hands a datagram for that protocol to (ip_input.c) and what ICMP hands
 * an error about one of our datagrams of that protocol to (icmp.c).  The
 * transports are registered at module load (main.c), before any device
 * can deliver, and removed after the last one is gone; so IP and ICMP name
 * no transport, and a new one is a line in main.c.
 *
 * Readers are the receive path, under RCU; writers are module load and
 * unload, which wait for readers with synchronize_net().
 */
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include "ip.h"

const struct wren_protocol __rcu *wren_protos[WREN_IP_PROTOS] __read_mostly;

int wren_add_protocol(const struct wren_protocol *prot, u8 protocol)
{
	const struct wren_protocol *old;

	old = cmpxchg((const struct wren_protocol **)&wren_protos[protocol],
		      NULL, prot);
	return old ? -EEXIST : 0;
}

void wren_del_protocol(const struct wren_protocol *prot, u8 protocol)
{
	cmpxchg((const struct wren_protocol **)&wren_protos[protocol], prot,
		NULL);
	synchronize_net();
}
