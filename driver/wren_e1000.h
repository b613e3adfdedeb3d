/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren_e1000: driver-wide structures.
 */
#ifndef WREN_E1000_H
#define WREN_E1000_H

#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/io.h>
#include <linux/skbuff.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/ethtool.h>

#include "hw.h"

#define WE_DRV_NAME		"wren_e1000"
#define WE_DRV_VERSION		"1.0"

/* Ring sizes: multiples of 8 descriptors (RDLEN/TDLEN are 128-byte units). */
#define WE_RING_MIN		64
#define WE_RING_MAX		4096
#define WE_RING_DEFAULT		256
#define WE_RING_ALIGN		8

/* Receive buffers: 2048 bytes of device buffer in a build_skb()-able frag. */
#define WE_RX_BUFSZ		2048
#define WE_RX_HEADROOM		(NET_SKB_PAD + NET_IP_ALIGN)
#define WE_RX_TRUESIZE		(SKB_DATA_ALIGN(WE_RX_HEADROOM + WE_RX_BUFSZ) + \
				 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))
#define WE_RX_REFILL_BATCH	32
#define WE_COPYBREAK_DEFAULT	256
#define WE_COPYBREAK_MAX	1024

/*
 * Transmit: bytes per data descriptor, and the room kept free to accept any
 * frame: 64 KiB of data in 4 KiB pieces, one more piece per fragment for
 * misalignment, the linear part and a context descriptor.  The queue is
 * woken at twice that (or with the ring all but empty, for small rings).
 */
#define WE_TX_MAX_DATA		4096
#define WE_TX_DESC_NEEDED	(DIV_ROUND_UP(65536, WE_TX_MAX_DATA) + \
				 MAX_SKB_FRAGS + 2)
#define WE_TX_WAKE_THRESH(r)	min_t(unsigned int, 2 * WE_TX_DESC_NEEDED, \
				      (r)->count - 1)

#define WE_MAX_MTU		9000
/* Largest frame: MTU + Ethernet header + VLAN tag (FCS is stripped). */
#define WE_MAX_FRAME(mtu)	((mtu) + ETH_HLEN + VLAN_HLEN)

/* Interrupt throttling: rx-usecs 0 (off) .. 10 ms; ITR counts 256 ns. */
#define WE_RX_USECS_DEFAULT	50
#define WE_RX_USECS_MAX		10000
/*
 * Adaptive moderation: an interrupt that brought at least this much work
 * marks bulk traffic, which is then moderated to WE_BULK_USECS; one that
 * brought less than the "light" amounts returns to rx_usecs.
 */
#define WE_BULK_USECS		250
#define WE_BULK_BYTES		(24 * 1024)
#define WE_BULK_PKTS		32
#define WE_LIGHT_BYTES		(4 * 1024)
#define WE_LIGHT_PKTS		8

#define WE_WATCHDOG_PERIOD	(2 * HZ)
#define WE_TX_TIMEOUT		(5 * HZ)

/* Interrupts the driver uses. */
#define WE_IMS_ENABLE	(WE_INT_TXDW | WE_INT_LSC | WE_INT_RXDMT0 | \
			 WE_INT_RXO | WE_INT_RXT0 | WE_INT_RXSEQ)

/* One transmit descriptor's software state. */
struct we_tx_buf {
	/* Set on the first slot of a frame only: */
	struct sk_buff *skb;
	struct we_tx_desc *eop;	/* last descriptor; NULL while being built */
	unsigned int bytecount;	/* bytes on the wire, for BQL and stats */
	u16 segs;		/* frames on the wire */
	/* Set on every slot carrying data: */
	bool page;		/* mapped with skb_frag_dma_map() */
	u32 len;
	dma_addr_t dma;
};

struct we_rx_buf {
	void *data;		/* start of the page frag; NULL if empty */
	dma_addr_t dma;		/* of data + WE_RX_HEADROOM, WE_RX_BUFSZ bytes */
};

/*
 * A descriptor ring.  Transmit: start_xmit (under the netdev TX queue lock)
 * owns next_to_use; the NAPI poll owns next_to_clean; each reads the other's
 * with READ_ONCE and the queue stop/wake is ordered with smp_mb().  Receive:
 * both indexes belong to the NAPI poll (or to open/close with NAPI disabled).
 */
struct we_ring {
	void *desc;		/* dma-coherent descriptor memory */
	dma_addr_t dma;
	unsigned int size;	/* bytes of desc */
	unsigned int count;	/* descriptors */
	unsigned int next_to_use;
	unsigned int next_to_clean;
	unsigned int tail;	/* receive: last value written to RDT */
	union {
		struct we_tx_buf *tx_buf;
		struct we_rx_buf *rx_buf;
	};
	/* Receive: a frame spanning descriptors, built across polls. */
	struct sk_buff *rx_skb;
	bool rx_discard;	/* dropping the rest of a frame up to EOP */
};

/* Checksum-offload context last given to the device (TX queue lock). */
struct we_tx_ctx {
	u32 ip_fields;
	u32 tu_fields;
	u32 cmd_len;
	bool valid;
};

/* Software counters, 64-bit, under their u64_stats_sync. */
struct we_sw_stats {
	u64 packets;
	u64 bytes;
	struct u64_stats_sync syncp;
};

enum we_state_bits {
	WE_STATE_DOWN,		/* hardware not running: no watchdog re-arm */
	WE_STATE_REMOVING,	/* remove() in progress: no reset work */
};

/* Hardware statistics counters accumulated in software. */
struct we_hw_stat {
	char name[ETH_GSTRING_LEN];
	u32 reg;
	bool is64;		/* low at reg, high at reg + 4 */
	bool running;		/* not cleared by reading (QEMU) */
};

#define WE_HW_STATS_MAX	64

/*
 * struct we_adapter - per-device state (netdev_priv).
 *
 * Locking:
 * - rtnl_lock serialises open/stop/ring and coalesce changes and the reset
 *   work; everything configuring the device (rings, ITR, RCTL) runs under it,
 *   except set_rx_mode, which the core calls under netif_addr_lock_bh and
 *   which touches only rctl (shadow), the MTA shadow and RA[1..].  rctl is
 *   also written by change_mtu under rtnl: they exclude each other because
 *   the core holds rtnl around dev_set_rx_mode callers, and rx_mode_lock
 *   covers the read-modify-write.
 * - stats_lock (spinlock, may be taken from get_stats64 in atomic context)
 *   guards hw_stats[] and the snapshot registers' last values.
 * - the TX ring is shared between start_xmit (TX queue lock) and the NAPI
 *   poll as described at struct we_ring; tx_ctx is TX-lock only.
 */
struct we_adapter {
	struct net_device *netdev;
	struct pci_dev *pdev;
	u8 __iomem *hw;

	struct napi_struct napi;
	struct we_ring tx_ring ____cacheline_aligned_in_smp;
	struct we_ring rx_ring ____cacheline_aligned_in_smp;
	struct we_tx_ctx tx_ctx;

	unsigned int tx_ring_count;	/* configured sizes (rtnl) */
	unsigned int rx_ring_count;
	unsigned int rx_usecs;		/* rtnl; light-traffic interval */
	bool adaptive_rx;		/* rtnl; raise ITR for bulk traffic */
	/* NAPI only: work since the interrupt, and the current class. */
	unsigned int ep_bytes;
	unsigned int ep_pkts;
	bool itr_bulk;
	unsigned int copybreak;

	spinlock_t rx_mode_lock;	/* rctl and MTA shadow */
	u32 rctl;			/* shadow of RCTL: avoid needless writes */
	u32 mta[WE_MTA_WORDS];		/* shadow of MTA */
	unsigned int ra_used;		/* RA[1..ra_used] hold secondary unicast */

	unsigned long state;		/* enum we_state_bits */
	struct delayed_work watchdog;
	struct work_struct reset_work;

	struct we_sw_stats rx_stats;	/* NAPI only */
	struct we_sw_stats tx_stats;	/* NAPI only (completions) */
	/* Rare-event counters; atomic_long so any context may count. */
	atomic_long_t rx_dropped;
	atomic_long_t rx_alloc_failed;
	atomic_long_t rx_copybreak;
	atomic_long_t tx_dropped;
	atomic_long_t tx_busy;
	atomic_long_t tx_restart;
	atomic_long_t tx_timeouts;
	atomic_long_t tx_tso;
	atomic_long_t tx_csum;
	long rx_alloc_seen;		/* watchdog only */

	spinlock_t stats_lock;		/* hw_stats, hw_snap_last */
	u64 hw_stats[WE_HW_STATS_MAX];
	u32 hw_snap_last[WE_HW_STATS_MAX];

	u16 eeprom[WE_EEPROM_CSUM_WORDS];
};

static inline u32 we_rd32(struct we_adapter *a, u32 reg)
{
	return readl(a->hw + reg);
}

static inline void we_wr32(struct we_adapter *a, u32 reg, u32 val)
{
	writel(val, a->hw + reg);
}

/* Flush posted writes. */
static inline void we_flush(struct we_adapter *a)
{
	we_rd32(a, WE_STATUS);
}

/* The slot after i, wrapping at the ring's end. */
static inline unsigned int we_ring_next(const struct we_ring *r,
					unsigned int i)
{
	return (i + 1 == r->count) ? 0 : i + 1;
}

/* Free descriptors in a ring, keeping one unused. */
static inline unsigned int we_ring_unused(const struct we_ring *r,
					  unsigned int ntu, unsigned int ntc)
{
	return ((ntc > ntu) ? 0 : r->count) + ntc - ntu - 1;
}

/* ---- hw.c: reset, MAC filters, statistics -------------------------------- */
extern const struct we_hw_stat we_hw_stats[];
extern const unsigned int we_hw_stats_count;
void we_hw_quiesce(struct we_adapter *a);
int we_hw_read_mac(struct we_adapter *a, u8 *mac);
void we_hw_set_rar(struct we_adapter *a, unsigned int idx, const u8 *mac);
void we_hw_clear_rar(struct we_adapter *a, unsigned int idx);
u32 we_hw_mta_hash(const u8 *mac);
void we_hw_update_stats(struct we_adapter *a);
void we_hw_reset_stats(struct we_adapter *a);
u32 we_hw_rx_usecs_to_itr(unsigned int usecs);

/* ---- netdev.c: net_device_ops, watchdog, reset --------------------------- */
extern const struct net_device_ops we_netdev_ops;
void we_watchdog_task(struct work_struct *work);
void we_reset_task(struct work_struct *work);
int we_resize_rings(struct we_adapter *a, unsigned int tx, unsigned int rx);
void we_set_itr(struct we_adapter *a);
void we_adapt_itr(struct we_adapter *a);

/* ---- txrx.c: rings, transmit, NAPI receive ------------------------------- */
int we_ring_alloc(struct we_adapter *a, struct we_ring *r, unsigned int count,
		  bool tx);
void we_ring_free(struct we_adapter *a, struct we_ring *r);
void we_tx_configure(struct we_adapter *a);
void we_rx_configure(struct we_adapter *a);
void we_tx_clean_all(struct we_adapter *a);
void we_rx_clean_all(struct we_adapter *a);
void we_rx_refill(struct we_adapter *a, bool napi, bool final);
netdev_tx_t we_xmit_frame(struct sk_buff *skb, struct net_device *netdev);
int we_poll(struct napi_struct *napi, int budget);

/* ---- ethtool.c: ethtool_ops ---------------------------------------------- */
void we_set_ethtool_ops(struct net_device *netdev);

/* ---- main.c: PCI probe and module parameters ----------------------------- */
/* Module parameters (validated at module load, read-only afterwards). */
extern unsigned int we_param_tx_ring;
extern unsigned int we_param_rx_ring;
extern unsigned int we_param_rx_usecs;
extern unsigned int we_param_copybreak;
extern bool we_param_adaptive;

#endif /* WREN_E1000_H */
