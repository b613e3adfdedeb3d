// SPDX-License-Identifier: GPL-2.0
/* wren: counters and drop reasons (see mib.h). */
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include "netns.h"

#define WREN_MIB_GROUP(g, n) #g,
#define WREN_MIB_NAME(g, n) #n,
#define WREN_DROP_NAME(n, s) s,

const char *const wren_mib_group[WREN_MIB_MAX] = {
	WREN_MIB_LIST(WREN_MIB_GROUP)
};

const char *const wren_mib_name[WREN_MIB_MAX] = {
	WREN_MIB_LIST(WREN_MIB_NAME)
};

const char *const wren_drop_name[WREN_DROP_MAX] = {
	WREN_DROP_LIST(WREN_DROP_NAME)
};

void wren_drop(struct wren_net *wn, struct sk_buff *skb,
	       enum wren_drop_reason reason)
{
	if (likely(reason < WREN_DROP_MAX))
		this_cpu_inc(wn->mib.pcpu->drop[reason]);
	kfree_skb(skb);
}

int wren_mib_init(struct wren_mib *mib)
{
	mib->pcpu = alloc_percpu(struct wren_mib_cpu);
	return mib->pcpu ? 0 : -ENOMEM;
}

void wren_mib_exit(struct wren_mib *mib)
{
	free_percpu(mib->pcpu);
	mib->pcpu = NULL;
}

unsigned long wren_mib_read(const struct wren_mib *mib, unsigned int field)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(mib->pcpu, cpu)->f[field];
	return sum;
}

unsigned long wren_mib_read_drop(const struct wren_mib *mib, unsigned int r)
{
	unsigned long sum = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		sum += per_cpu_ptr(mib->pcpu, cpu)->drop[r];
	return sum;
}
