// SPDX-License-Identifier: GPL-2.0
/*
 * wren_e1000: the descriptor rings: transmit (with checksum offload and TSO),
 * receive (build_skb, copybreak, frames spanning buffers) and the NAPI poll.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <linux/if_vlan.h>
#include <net/checksum.h>
#include <net/ip6_checksum.h>

#include "wren_e1000.h"

/* ---- ring memory ---- */

int we_ring_alloc(struct we_adapter *a, struct we_ring *r, unsigned int count,
		  bool tx)
{
	struct device *dev = &a->pdev->dev;
	size_t bsz = tx ? sizeof(struct we_tx_buf) : sizeof(struct we_rx_buf);
	void *bufs;

	memset(r, 0, sizeof(*r));
	bufs = kvcalloc(count, bsz, GFP_KERNEL);
	if (!bufs)
		return -ENOMEM;
	r->size = ALIGN(count * 16, PAGE_SIZE);
	r->desc = dma_alloc_coherent(dev, r->size, &r->dma, GFP_KERNEL);
	if (!r->desc) {
		kvfree(bufs);
		return -ENOMEM;
	}
	r->count = count;
	if (tx)
		r->tx_buf = bufs;
	else
		r->rx_buf = bufs;
	return 0;
}

/* Free a ring's memory.  The ring must be empty (clean_all) and the device
 * must no longer point at it (quiesced).
 */
void we_ring_free(struct we_adapter *a, struct we_ring *r)
{
	if (r->desc)
		dma_free_coherent(&a->pdev->dev, r->size, r->desc, r->dma);
	kvfree(r->tx_buf);	/* same pointer as rx_buf */
	memset(r, 0, sizeof(*r));
}

/* ---- transmit ---- */

void we_tx_configure(struct we_adapter *a)
{
	struct we_ring *r = &a->tx_ring;
	u32 tctl;

	memset(r->desc, 0, r->size);
	r->next_to_use = 0;
	r->next_to_clean = 0;
	a->tx_ctx.valid = false;

	we_wr32(a, WE_TDBAL, lower_32_bits(r->dma));
	we_wr32(a, WE_TDBAH, upper_32_bits(r->dma));
	we_wr32(a, WE_TDLEN, r->count * sizeof(struct we_tx_desc));
	we_wr32(a, WE_TDH, 0);
	we_wr32(a, WE_TDT, 0);
	we_wr32(a, WE_TIPG, WE_TIPG_COPPER);
	we_wr32(a, WE_TIDV, 0);
	we_wr32(a, WE_TADV, 0);

	tctl = WE_TCTL_EN | WE_TCTL_PSP | WE_TCTL_RTLC |
	       (WE_TCTL_CT_DEFAULT << WE_TCTL_CT_SHIFT) |
	       (WE_TCTL_COLD_FD << WE_TCTL_COLD_SHIFT);
	we_wr32(a, WE_TCTL, tctl);
}

static void we_tx_unmap(struct we_adapter *a, struct we_tx_buf *b)
{
	if (!b->len)
		return;
	if (b->page)
		dma_unmap_page(&a->pdev->dev, b->dma, b->len, DMA_TO_DEVICE);
	else
		dma_unmap_single(&a->pdev->dev, b->dma, b->len, DMA_TO_DEVICE);
	b->len = 0;
}

/* Drop everything still on the TX ring.  The device must be stopped. */
void we_tx_clean_all(struct we_adapter *a)
{
	struct we_ring *r = &a->tx_ring;
	unsigned int i;

	if (!r->tx_buf)
		return;
	for (i = 0; i < r->count; i++) {
		struct we_tx_buf *b = &r->tx_buf[i];

		we_tx_unmap(a, b);
		if (b->skb)
			dev_kfree_skb_any(b->skb);
		memset(b, 0, sizeof(*b));
	}
	r->next_to_use = 0;
	r->next_to_clean = 0;
	netdev_reset_queue(a->netdev);
}

/* Reclaim completed frames.  NAPI context. */
static bool we_tx_clean(struct we_adapter *a, int budget)
{
	struct we_ring *r = &a->tx_ring;
	struct net_device *netdev = a->netdev;
	unsigned int ntc = r->next_to_clean;
	unsigned int pkts = 0, bytes = 0, frames = 0;
	unsigned int limit = r->count;

	while (limit--) {
		struct we_tx_buf *first = &r->tx_buf[ntc];
		struct we_tx_desc *eop = READ_ONCE(first->eop);
		unsigned int last;

		if (!eop)
			break;
		/* eop is published after the slots it covers are filled. */
		smp_rmb();
		if (!(READ_ONCE(eop->upper) & cpu_to_le32(WE_TXD_STAT_DD)))
			break;
		dma_rmb();

		last = eop - (struct we_tx_desc *)r->desc;
		pkts += first->segs;
		bytes += first->bytecount;
		frames++;
		napi_consume_skb(first->skb, budget);
		first->skb = NULL;
		first->eop = NULL;
		for (;;) {
			struct we_tx_buf *b = &r->tx_buf[ntc];

			we_tx_unmap(a, b);
			if (ntc == last) {
				ntc = we_ring_next(r, ntc);
				break;
			}
			ntc = we_ring_next(r, ntc);
		}
	}

	if (!frames)
		return true;

	WRITE_ONCE(r->next_to_clean, ntc);
	netdev_completed_queue(netdev, frames, bytes);
	a->ep_bytes += bytes;
	a->ep_pkts += pkts;

	u64_stats_update_begin(&a->tx_stats.syncp);
	a->tx_stats.packets += pkts;
	a->tx_stats.bytes += bytes;
	u64_stats_update_end(&a->tx_stats.syncp);

	/* Pairs with the smp_mb() in we_maybe_stop_tx(). */
	smp_mb();
	if (unlikely(netif_queue_stopped(netdev) &&
		     we_ring_unused(r, READ_ONCE(r->next_to_use), ntc) >=
		     WE_TX_WAKE_THRESH(r) &&
		     !test_bit(WE_STATE_DOWN, &a->state))) {
		netif_wake_queue(netdev);
		atomic_long_inc(&a->tx_restart);
	}
	return limit != UINT_MAX;
}

static int we_maybe_stop_tx(struct we_adapter *a, unsigned int needed)
{
	struct we_ring *r = &a->tx_ring;

	if (likely(we_ring_unused(r, r->next_to_use,
				  READ_ONCE(r->next_to_clean)) >= needed))
		return 0;
	netif_stop_queue(a->netdev);
	/* Make the stop visible before re-reading next_to_clean. */
	smp_mb();
	if (we_ring_unused(r, r->next_to_use,
			   READ_ONCE(r->next_to_clean)) < needed)
		return -EBUSY;
	netif_start_queue(a->netdev);
	atomic_long_inc(&a->tx_restart);
	return 0;
}

static unsigned int we_tx_desc_count(struct sk_buff *skb)
{
	unsigned int n = DIV_ROUND_UP(skb_headlen(skb), WE_TX_MAX_DATA);
	unsigned int i;

	for (i = 0; i < skb_shinfo(skb)->nr_frags; i++)
		n += DIV_ROUND_UP(skb_frag_size(&skb_shinfo(skb)->frags[i]),
				  WE_TX_MAX_DATA);
	return n;
}

static void we_tx_ctx_write(struct we_ring *r, unsigned int i, u32 ip_fields,
			    u32 tu_fields, u32 cmd_len, u32 seg_setup)
{
	struct we_tx_ctx_desc *c = (struct we_tx_ctx_desc *)r->desc + i;

	c->ip_fields = cpu_to_le32(ip_fields);
	c->tu_fields = cpu_to_le32(tu_fields);
	c->cmd_len = cpu_to_le32(cmd_len);
	c->seg_setup = cpu_to_le32(seg_setup);
}

/*
 * Prepare a TSO frame: a context descriptor describing the headers, and the
 * headers seeded for the device.  The device rewrites per segment the IPv4
 * total length, ID and checksum (IXSM), the TCP sequence number and flags,
 * and adds each segment's TCP length into the checksum field before summing:
 * so IP total length and checksum start at 0 and the TCP checksum holds the
 * pseudo-header sum without length.
 * Returns 1 if a context descriptor was used, 0 if not TSO, or -errno.
 */
static int we_tx_tso(struct we_adapter *a, struct sk_buff *skb,
		     unsigned int *hdrlen)
{
	struct we_ring *r = &a->tx_ring;
	unsigned int ipcss, ipcse, tucss, paylen, mss;
	struct iphdr *iph;
	int err;

	if (!skb_is_gso(skb))
		return 0;
	if (!(skb_shinfo(skb)->gso_type & SKB_GSO_TCPV4) ||
	    vlan_get_protocol(skb) != htons(ETH_P_IP))
		return -EPROTONOSUPPORT;

	err = skb_cow_head(skb, 0);
	if (err < 0)
		return err;

	iph = ip_hdr(skb);
	ipcss = skb_network_offset(skb);
	tucss = skb_transport_offset(skb);
	ipcse = tucss - 1;
	*hdrlen = tucss + tcp_hdrlen(skb);
	paylen = skb->len - *hdrlen;
	mss = skb_shinfo(skb)->gso_size;
	if (*hdrlen > 255 || ipcse > 0xffff)
		return -EINVAL;

	iph->tot_len = 0;
	iph->check = 0;
	tcp_hdr(skb)->check = ~csum_tcpudp_magic(iph->saddr, iph->daddr, 0,
						 IPPROTO_TCP, 0);

	we_tx_ctx_write(r, r->next_to_use,
			ipcss | ((ipcss + offsetof(struct iphdr, check)) << 8) |
			(ipcse << 16),
			tucss | ((tucss + offsetof(struct tcphdr, check)) << 8),
			(paylen & WE_TXC_PAYLEN_MASK) | WE_TXD_DTYP_C |
			WE_TXC_CMD_DEXT | WE_TXC_CMD_TSE | WE_TXC_CMD_IP |
			WE_TXC_CMD_TCP,
			(*hdrlen << WE_TXC_HDRLEN_SHIFT) |
			(mss << WE_TXC_MSS_SHIFT));
	/* The checksum-only context is now overwritten. */
	a->tx_ctx.valid = false;
	return 1;
}

/*
 * Checksum offload for CHECKSUM_PARTIAL frames (IPv4 TCP/UDP only; the stack
 * has seeded the pseudo-header sum).  The context is cached: most frames of a
 * flow share it, so a descriptor is written only when it changes.
 * Returns 1 if a context descriptor was written, 0 if none was needed, -1 if
 * the checksum must be done in software.
 */
static int we_tx_csum(struct we_adapter *a, struct sk_buff *skb)
{
	struct we_ring *r = &a->tx_ring;
	struct we_tx_ctx *ctx = &a->tx_ctx;
	unsigned int css, cso, ipcss, ipcse;
	u32 ip_fields, tu_fields, cmd_len;
	u8 l4proto;

	if (vlan_get_protocol(skb) != htons(ETH_P_IP))
		return -1;
	l4proto = ip_hdr(skb)->protocol;
	if (l4proto != IPPROTO_TCP && l4proto != IPPROTO_UDP)
		return -1;
	css = skb_checksum_start_offset(skb);
	cso = css + skb->csum_offset;
	ipcss = skb_network_offset(skb);
	ipcse = css - 1;
	if (cso > 255 || css > 255 || ipcss > 255)
		return -1;

	ip_fields = ipcss | ((ipcss + offsetof(struct iphdr, check)) << 8) |
		    (ipcse << 16);
	tu_fields = css | (cso << 8);
	cmd_len = WE_TXD_DTYP_C | WE_TXC_CMD_DEXT | WE_TXC_CMD_IP |
		  (l4proto == IPPROTO_TCP ? WE_TXC_CMD_TCP : 0);
	if (ctx->valid && ctx->ip_fields == ip_fields &&
	    ctx->tu_fields == tu_fields && ctx->cmd_len == cmd_len)
		return 0;

	we_tx_ctx_write(r, r->next_to_use, ip_fields, tu_fields, cmd_len, 0);
	ctx->ip_fields = ip_fields;
	ctx->tu_fields = tu_fields;
	ctx->cmd_len = cmd_len;
	ctx->valid = true;
	return 1;
}

static void we_tx_desc_fill(struct we_ring *r, unsigned int i, dma_addr_t dma,
			    unsigned int len, u32 cmd, u32 upper)
{
	struct we_tx_desc *d = (struct we_tx_desc *)r->desc + i;

	d->addr = cpu_to_le64(dma);
	d->lower = cpu_to_le32(cmd | len);
	d->upper = cpu_to_le32(upper);
}

/*
 * Offloads for skb: a context descriptor for TSO or checksum offload, or
 * the checksum done here when the device cannot take it.  Fills first's
 * byte and segment counts (what BQL and the statistics see) and the
 * descriptors' POPTS in *upper.  The number of context descriptors written
 * at first_i (0 or 1), or -1 to drop the frame.
 */
static int we_tx_offload(struct we_adapter *a, struct sk_buff *skb,
			 struct we_tx_buf *first, u32 *upper)
{
	unsigned int hdrlen = 0, segs;
	int ctx;

	*upper = 0;
	ctx = we_tx_tso(a, skb, &hdrlen);
	if (ctx < 0)
		return -1;
	if (ctx) {
		*upper = WE_TXD_POPTS_IXSM | WE_TXD_POPTS_TXSM;
		segs = skb_shinfo(skb)->gso_segs;
		first->bytecount = skb->len + (segs - 1) * hdrlen;
		first->segs = segs;
		atomic_long_inc(&a->tx_tso);
		return 1;
	}
	first->bytecount = skb->len;
	first->segs = 1;
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return 0;
	ctx = we_tx_csum(a, skb);
	if (ctx < 0)
		return skb_checksum_help(skb) ? -1 : 0;
	*upper = WE_TXD_POPTS_TXSM;
	atomic_long_inc(&a->tx_csum);
	return ctx;
}

/*
 * DMA-map one piece of the frame: piece 0 is the linear part, piece f the
 * page fragment f - 1.  *size is its length (0: nothing to map).
 */
static dma_addr_t we_tx_map(struct we_adapter *a, struct sk_buff *skb,
			    unsigned int piece, unsigned int *size)
{
	struct device *dev = &a->pdev->dev;
	skb_frag_t *frag;

	if (!piece) {
		*size = skb_headlen(skb);
		if (!*size)
			return 0;
		return dma_map_single(dev, skb->data, *size, DMA_TO_DEVICE);
	}
	frag = &skb_shinfo(skb)->frags[piece - 1];
	*size = skb_frag_size(frag);
	return skb_frag_dma_map(dev, frag, 0, *size, DMA_TO_DEVICE);
}

/*
 * Write the data descriptors of one mapped piece, WE_TX_MAX_DATA bytes
 * each, in the slots after *last (at *last itself for the frame's first
 * descriptor, *first_desc).  Only the piece's first slot owns the mapping,
 * so it is unmapped once.  *last is left at the last slot written.
 */
static void we_tx_queue(struct we_ring *r, dma_addr_t dma, unsigned int size,
			bool page, u32 cmd, u32 upper, unsigned int *last,
			bool *first_desc)
{
	unsigned int i = *last, off = 0;
	struct we_tx_buf *b;

	while (size) {
		unsigned int chunk = min_t(unsigned int, size, WE_TX_MAX_DATA);

		if (!*first_desc)
			i = we_ring_next(r, i);
		*first_desc = false;
		b = &r->tx_buf[i];
		if (!off) {
			b->dma = dma;
			b->len = size;
			b->page = page;
		}
		we_tx_desc_fill(r, i, dma + off, chunk, cmd, upper);
		off += chunk;
		size -= chunk;
	}
	*last = i;
}

/*
 * Map and queue the linear part, then the page fragments, from slot i on.
 * 0 with *last the frame's last slot, or -ENOMEM with *last the slot the
 * failed piece would have started at (everything up to it to unwind).
 */
static int we_tx_map_frame(struct we_adapter *a, struct sk_buff *skb,
			   unsigned int i, u32 cmd, u32 upper,
			   unsigned int *last)
{
	struct we_ring *r = &a->tx_ring;
	unsigned int f, nfrags = skb_shinfo(skb)->nr_frags;
	bool first_desc = true;

	*last = i;
	for (f = 0; f <= nfrags; f++) {
		unsigned int size;
		dma_addr_t dma = we_tx_map(a, skb, f, &size);

		if (!size)
			continue;
		if (dma_mapping_error(&a->pdev->dev, dma))
			return -ENOMEM;
		we_tx_queue(r, dma, size, f > 0, cmd, upper, last, &first_desc);
	}
	return 0;
}

/* Unmap what a failed frame mapped: slots first_i through i. */
static void we_tx_unwind(struct we_adapter *a, unsigned int first_i,
			 unsigned int i)
{
	struct we_ring *r = &a->tx_ring;

	for (;;) {
		we_tx_unmap(a, &r->tx_buf[first_i]);
		if (first_i == i)
			break;
		first_i = we_ring_next(r, first_i);
	}
	/* A context descriptor may have been written but never published. */
	a->tx_ctx.valid = false;
}

/*
 * Close the frame at slot last: end of packet and report status there,
 * publish it to the completion path and move the tail (unless more frames
 * follow at once, netdev_xmit_more()).
 */
static void we_tx_publish(struct we_adapter *a, struct sk_buff *skb,
			  struct we_tx_buf *first, unsigned int last)
{
	struct we_ring *r = &a->tx_ring;
	struct net_device *netdev = a->netdev;
	unsigned int i = we_ring_next(r, last);

	((struct we_tx_desc *)r->desc)[last].lower |=
		cpu_to_le32(WE_TXD_CMD_EOP | WE_TXD_CMD_RS);
	first->skb = skb;
	skb_tx_timestamp(skb);
	/* Descriptors and buffer state before the completion marker. */
	smp_wmb();
	WRITE_ONCE(first->eop, (struct we_tx_desc *)r->desc + last);

	WRITE_ONCE(r->next_to_use, i);
	we_maybe_stop_tx(a, WE_TX_DESC_NEEDED);

	if (__netdev_tx_sent_queue(netdev_get_tx_queue(netdev, 0),
				   first->bytecount, netdev_xmit_more())) {
		/* Descriptors visible to the device before the tail moves. */
		dma_wmb();
		we_wr32(a, WE_TDT, i);
	}
}

netdev_tx_t we_xmit_frame(struct sk_buff *skb, struct net_device *netdev)
{
	struct we_adapter *a = netdev_priv(netdev);
	struct we_ring *r = &a->tx_ring;
	unsigned int first_i, i, last, needed;
	struct we_tx_buf *first;
	u32 cmd, upper;
	int ctx;

	/* QEMU does not pad short frames. */
	if (skb_put_padto(skb, ETH_ZLEN)) {
		atomic_long_inc(&a->tx_dropped);
		return NETDEV_TX_OK;
	}

	needed = we_tx_desc_count(skb) + 1;	/* + context */
	if (unlikely(needed >= r->count)) {
		/* Cannot happen with 64 KiB GSO frames; never wedge on it. */
		netdev_warn_once(netdev, "frame needs %u descriptors, ring has %u\n",
				 needed, r->count);
		goto drop_early;
	}
	if (unlikely(we_maybe_stop_tx(a, needed))) {
		atomic_long_inc(&a->tx_busy);
		return NETDEV_TX_BUSY;
	}

	first_i = r->next_to_use;
	first = &r->tx_buf[first_i];

	ctx = we_tx_offload(a, skb, first, &upper);
	if (ctx < 0)
		goto drop;
	/* The context slot carries no data. */
	i = ctx ? we_ring_next(r, first_i) : first_i;

	cmd = WE_TXD_CMD_IFCS;
	if (upper)
		cmd |= WE_TXD_CMD_DEXT | WE_TXD_DTYP_D |
		       (skb_is_gso(skb) ? WE_TXD_CMD_TSE : 0);

	if (we_tx_map_frame(a, skb, i, cmd, upper, &last)) {
		we_tx_unwind(a, first_i, last);
		dev_warn_ratelimited(&a->pdev->dev, "TX DMA mapping failed\n");
		goto drop;
	}
	we_tx_publish(a, skb, first, last);
	return NETDEV_TX_OK;

drop:
	first->skb = NULL;
	first->eop = NULL;
drop_early:
	dev_kfree_skb_any(skb);
	atomic_long_inc(&a->tx_dropped);
	return NETDEV_TX_OK;
}

/* ---- receive ---- */

void we_rx_configure(struct we_adapter *a)
{
	struct we_ring *r = &a->rx_ring;

	memset(r->desc, 0, r->size);
	r->next_to_use = 0;
	r->next_to_clean = 0;
	r->rx_skb = NULL;
	r->rx_discard = false;
	r->tail = 0;

	we_wr32(a, WE_RDBAL, lower_32_bits(r->dma));
	we_wr32(a, WE_RDBAH, upper_32_bits(r->dma));
	we_wr32(a, WE_RDLEN, r->count * sizeof(struct we_rx_desc));
	we_wr32(a, WE_RDH, 0);
	we_wr32(a, WE_RDT, 0);
	/* No delay timers: ITR alone moderates interrupts. */
	we_wr32(a, WE_RDTR, 0);
	we_wr32(a, WE_RADV, 0);
	/* RX checksum offload is not emulated; leave it off. */
	we_wr32(a, WE_RXCSUM, 0);
}

static bool we_rx_buf_alloc(struct we_adapter *a, struct we_rx_buf *b,
			    bool napi)
{
	struct device *dev = &a->pdev->dev;
	void *data;
	dma_addr_t dma;

	data = napi ? napi_alloc_frag(WE_RX_TRUESIZE) :
		      netdev_alloc_frag(WE_RX_TRUESIZE);
	if (unlikely(!data))
		return false;
	dma = dma_map_single(dev, data + WE_RX_HEADROOM, WE_RX_BUFSZ,
			     DMA_FROM_DEVICE);
	if (unlikely(dma_mapping_error(dev, dma))) {
		skb_free_frag(data);
		return false;
	}
	b->data = data;
	b->dma = dma;
	return true;
}

/*
 * Give the device every free descriptor (all but one), allocating buffers
 * where a slot is empty; slots whose buffer was copied out keep it.
 *
 * When the device has used every buffer it was given (RDH reached the tail),
 * QEMU queues arriving frames, and the next tail write flushes that whole
 * queue: frames beyond the buffers just posted are dropped (MPC).  So after
 * the ring ran dry the tail moves only once the poll has drained every
 * completed descriptor (@final), handing back the whole ring at once.  (No
 * frame arrives meanwhile, so that is a few polls away.)  While the device
 * still holds buffers, the tail moves at once.
 */
void we_rx_refill(struct we_adapter *a, bool napi, bool final)
{
	struct we_ring *r = &a->rx_ring;
	unsigned int ntu = r->next_to_use;
	unsigned int n = we_ring_unused(r, ntu, r->next_to_clean);
	unsigned int tail_prev = r->tail ? r->tail - 1 : r->count - 1;
	struct we_rx_desc *last = (struct we_rx_desc *)r->desc + tail_prev;
	unsigned int pending;
	bool dry;

	/* The slot before the tail is done: the device holds no buffer. */
	dry = READ_ONCE(last->status) & WE_RXD_STAT_DD;

	while (n--) {
		struct we_rx_buf *b = &r->rx_buf[ntu];
		struct we_rx_desc *d = (struct we_rx_desc *)r->desc + ntu;

		if (!b->data && !we_rx_buf_alloc(a, b, napi)) {
			atomic_long_inc(&a->rx_alloc_failed);
			break;
		}
		d->addr = cpu_to_le64(b->dma);
		d->length = 0;
		d->status = 0;
		d->errors = 0;
		ntu = we_ring_next(r, ntu);
	}
	r->next_to_use = ntu;

	pending = (ntu >= r->tail) ? ntu - r->tail : r->count + ntu - r->tail;
	if (!pending)
		return;
	if (dry && !final)
		return;
	r->tail = ntu;
	/* Descriptors visible to the device before the tail moves. */
	dma_wmb();
	we_wr32(a, WE_RDT, ntu);
}

/* Drop every receive buffer.  The receiver must be stopped. */
void we_rx_clean_all(struct we_adapter *a)
{
	struct we_ring *r = &a->rx_ring;
	unsigned int i;

	if (!r->rx_buf)
		return;
	dev_kfree_skb_any(r->rx_skb);
	r->rx_skb = NULL;
	for (i = 0; i < r->count; i++) {
		struct we_rx_buf *b = &r->rx_buf[i];

		if (!b->data)
			continue;
		dma_unmap_single(&a->pdev->dev, b->dma, WE_RX_BUFSZ,
				 DMA_FROM_DEVICE);
		skb_free_frag(b->data);
		b->data = NULL;
	}
	r->next_to_use = 0;
	r->next_to_clean = 0;
}

/* Small frame: copy it out and leave the buffer on the ring. */
static struct sk_buff *we_rx_copy(struct we_adapter *a, struct we_rx_buf *b,
				  unsigned int len)
{
	struct device *dev = &a->pdev->dev;
	struct sk_buff *skb;

	skb = napi_alloc_skb(&a->napi, len);
	if (unlikely(!skb))
		return NULL;
	dma_sync_single_for_cpu(dev, b->dma, len, DMA_FROM_DEVICE);
	skb_put_data(skb, b->data + WE_RX_HEADROOM, len);
	dma_sync_single_for_device(dev, b->dma, len, DMA_FROM_DEVICE);
	atomic_long_inc(&a->rx_copybreak);
	return skb;
}

/* Take the buffer off the ring; its memory goes to the stack. */
static void *we_rx_take(struct we_adapter *a, struct we_rx_buf *b)
{
	void *data = b->data;

	dma_unmap_single(&a->pdev->dev, b->dma, WE_RX_BUFSZ, DMA_FROM_DEVICE);
	b->data = NULL;
	return data;
}

static void we_rx_drop_buf(struct we_adapter *a, struct we_rx_buf *b)
{
	/* Keep the buffer on the ring for reuse. */
	dma_sync_single_for_device(&a->pdev->dev, b->dma, WE_RX_BUFSZ,
				   DMA_FROM_DEVICE);
}

static int we_rx_clean(struct we_adapter *a, int budget)
{
	struct we_ring *r = &a->rx_ring;
	struct net_device *netdev = a->netdev;
	unsigned int ntc = r->next_to_clean;
	unsigned int pkts = 0, bytes = 0, cleaned = 0;
	struct sk_buff *skb = r->rx_skb;
	unsigned int max_frame = WE_MAX_FRAME(netdev->mtu);

	while (pkts < budget) {
		struct we_rx_desc *d = (struct we_rx_desc *)r->desc + ntc;
		struct we_rx_buf *b = &r->rx_buf[ntc];
		unsigned int len;
		u8 status, errors;

		/* The slot at next_to_use was never posted: its DD is stale. */
		if (ntc == r->next_to_use)
			break;
		status = READ_ONCE(d->status);
		if (!(status & WE_RXD_STAT_DD))
			break;
		/* Read the rest of the descriptor only after DD. */
		dma_rmb();
		len = le16_to_cpu(d->length);
		errors = d->errors;

		ntc = we_ring_next(r, ntc);
		r->next_to_clean = ntc;
		if (++cleaned >= WE_RX_REFILL_BATCH) {
			we_rx_refill(a, true, false);
			cleaned = 0;
		}

		if (unlikely(r->rx_discard || (errors & WE_RXD_ERR_FRAME) ||
			     len > WE_RX_BUFSZ)) {
			we_rx_drop_buf(a, b);
			dev_kfree_skb_any(skb);
			skb = NULL;
			r->rx_discard = !(status & WE_RXD_STAT_EOP);
			if (!r->rx_discard)
				atomic_long_inc(&a->rx_dropped);
			continue;
		}

		if (!skb) {
			if ((status & WE_RXD_STAT_EOP) && len <= a->copybreak) {
				skb = we_rx_copy(a, b, len);
			} else {
				void *data = we_rx_take(a, b);

				skb = napi_build_skb(data, WE_RX_TRUESIZE);
				if (likely(skb)) {
					skb_reserve(skb, WE_RX_HEADROOM);
					__skb_put(skb, len);
				} else {
					skb_free_frag(data);
				}
			}
			if (unlikely(!skb)) {
				atomic_long_inc(&a->rx_alloc_failed);
				r->rx_discard = !(status & WE_RXD_STAT_EOP);
				atomic_long_inc(&a->rx_dropped);
				continue;
			}
		} else {
			/* Continuation of a frame spanning buffers. */
			void *data;
			struct page *page;

			if (skb_shinfo(skb)->nr_frags >= MAX_SKB_FRAGS ||
			    skb->len + len > max_frame) {
				we_rx_drop_buf(a, b);
				dev_kfree_skb_any(skb);
				skb = NULL;
				r->rx_discard = !(status & WE_RXD_STAT_EOP);
				atomic_long_inc(&a->rx_dropped);
				continue;
			}
			data = we_rx_take(a, b);
			page = virt_to_head_page(data);
			skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page,
					(u8 *)data + WE_RX_HEADROOM -
					(u8 *)page_address(page),
					len, WE_RX_TRUESIZE);
		}

		if (!(status & WE_RXD_STAT_EOP))
			continue;

		bytes += skb->len;
		pkts++;
		skb->protocol = eth_type_trans(skb, netdev);
		/* No RX checksum offload in QEMU: the stack verifies. */
		skb_checksum_none_assert(skb);
		napi_gro_receive(&a->napi, skb);
		skb = NULL;
	}

	r->rx_skb = skb;
	/* Below budget means every completed descriptor was taken. */
	if (cleaned || pkts < budget)
		we_rx_refill(a, true, pkts < budget);

	a->ep_bytes += bytes;
	a->ep_pkts += pkts;
	u64_stats_update_begin(&a->rx_stats.syncp);
	a->rx_stats.packets += pkts;
	a->rx_stats.bytes += bytes;
	u64_stats_update_end(&a->rx_stats.syncp);
	return pkts;
}

/* ---- NAPI ---- */

int we_poll(struct napi_struct *napi, int budget)
{
	struct we_adapter *a = container_of(napi, struct we_adapter, napi);
	bool tx_done;
	int done = 0;

	tx_done = we_tx_clean(a, budget);
	if (budget)
		done = we_rx_clean(a, budget);

	/* More work (or netpoll's zero budget): stay scheduled. */
	if (!tx_done || done >= budget)
		return budget;
	if (napi_complete_done(napi, done)) {
		we_adapt_itr(a);
		we_wr32(a, WE_IMS, WE_IMS_ENABLE);
	}
	return done;
}
