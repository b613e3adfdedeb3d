// SPDX-License-Identifier: GPL-2.0
/*
 * wren_e1000: device-level helpers: quiescing the device, the EEPROM and MAC
 * address, receive-address and multicast filters, statistics counters.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>

#include "wren_e1000.h"

/*
 * Leave the device silent: no interrupts, receiver and transmitter off, ring
 * registers zeroed.  QEMU ignores CTRL.RST, so this is the reset that counts;
 * it is done at probe, before DMA memory is freed, and at remove.
 */
void we_hw_quiesce(struct we_adapter *a)
{
	we_wr32(a, WE_IMC, WE_INT_ALL);
	we_wr32(a, WE_RCTL, 0);
	we_wr32(a, WE_TCTL, 0);
	we_flush(a);
	we_wr32(a, WE_RDT, 0);
	we_wr32(a, WE_RDH, 0);
	we_wr32(a, WE_TDT, 0);
	we_wr32(a, WE_TDH, 0);
	we_wr32(a, WE_RDBAL, 0);
	we_wr32(a, WE_RDBAH, 0);
	we_wr32(a, WE_RDLEN, 0);
	we_wr32(a, WE_TDBAL, 0);
	we_wr32(a, WE_TDBAH, 0);
	we_wr32(a, WE_TDLEN, 0);
	we_flush(a);
	/* Reading ICR acknowledges whatever was pending. */
	we_rd32(a, WE_ICR);
	a->rctl = 0;
}

static int we_eeprom_read(struct we_adapter *a, unsigned int addr, u16 *data)
{
	unsigned int i;
	u32 v;

	we_wr32(a, WE_EERD, (addr << WE_EERD_ADDR_SHIFT) | WE_EERD_START);
	for (i = 0; i < 1000; i++) {
		v = we_rd32(a, WE_EERD);
		if (v & WE_EERD_DONE) {
			*data = v >> WE_EERD_DATA_SHIFT;
			return 0;
		}
		udelay(5);
	}
	return -ETIMEDOUT;
}

/*
 * Read the EEPROM's first 64 words and check their sum.  Returns 0 and fills
 * a->eeprom if valid.
 */
static int we_eeprom_load(struct we_adapter *a)
{
	u16 sum = 0;
	unsigned int i;
	int err;

	for (i = 0; i < WE_EEPROM_CSUM_WORDS; i++) {
		err = we_eeprom_read(a, i, &a->eeprom[i]);
		if (err) {
			dev_warn(&a->pdev->dev, "EEPROM read of word %u timed out\n",
				 i);
			return err;
		}
		sum += a->eeprom[i];
	}
	if (sum != WE_EEPROM_CSUM) {
		dev_warn(&a->pdev->dev, "EEPROM checksum 0x%04x, expected 0x%04x\n",
			 sum, WE_EEPROM_CSUM);
		return -EIO;
	}
	return 0;
}

/*
 * The permanent MAC address: EEPROM words 0-2 if the EEPROM checks out, else
 * whatever receive-address entry 0 holds (with a warning).
 */
int we_hw_read_mac(struct we_adapter *a, u8 *mac)
{
	unsigned int i;
	u32 lo, hi;

	if (!we_eeprom_load(a)) {
		for (i = 0; i < 3; i++) {
			mac[2 * i] = a->eeprom[i] & 0xff;
			mac[2 * i + 1] = a->eeprom[i] >> 8;
		}
		if (is_valid_ether_addr(mac))
			return 0;
		dev_warn(&a->pdev->dev, "EEPROM holds an invalid MAC address %pM\n",
			 mac);
	}

	lo = we_rd32(a, WE_RAL(0));
	hi = we_rd32(a, WE_RAH(0));
	dev_warn(&a->pdev->dev, "using the MAC address from RAL0/RAH0\n");
	for (i = 0; i < 4; i++)
		mac[i] = (lo >> (8 * i)) & 0xff;
	mac[4] = hi & 0xff;
	mac[5] = (hi >> 8) & 0xff;
	if (!is_valid_ether_addr(mac))
		return -EADDRNOTAVAIL;
	return 0;
}

/* Program receive-address entry idx with mac and mark it valid. */
void we_hw_set_rar(struct we_adapter *a, unsigned int idx, const u8 *mac)
{
	u32 lo = mac[0] | (mac[1] << 8) | (mac[2] << 16) | ((u32)mac[3] << 24);
	u32 hi = mac[4] | (mac[5] << 8) | WE_RAH_AV;

	/* Invalidate first so a half-written entry never matches. */
	we_wr32(a, WE_RAH(idx), 0);
	we_wr32(a, WE_RAL(idx), lo);
	we_wr32(a, WE_RAH(idx), hi);
}

void we_hw_clear_rar(struct we_adapter *a, unsigned int idx)
{
	we_wr32(a, WE_RAH(idx), 0);
	we_wr32(a, WE_RAL(idx), 0);
}

/*
 * Multicast hash with RCTL.MO = 0: destination address bits 47:36, i.e. the
 * high nibble of byte 4 and all of byte 5.  The upper 7 bits select an MTA
 * dword, the lower 5 a bit in it.
 */
u32 we_hw_mta_hash(const u8 *mac)
{
	return ((mac[4] >> 4) | ((u32)mac[5] << 4)) & 0xfff;
}

u32 we_hw_rx_usecs_to_itr(unsigned int usecs)
{
	/* ITR counts 256 ns intervals. */
	return DIV_ROUND_UP(usecs * 1000, 256);
}

/*
 * Counters exposed by ethtool -S, in register order.  The manual has every
 * counter clear on read; QEMU clears only the packet/byte counters and serves
 * the error counters (CRCERRS..MPC, collisions, flow control, RNBC, RFC, RJC,
 * TSCTFC) as plain running totals.  Those ("running") are accumulated from
 * the growth since the last read; on silicon they would undercount.
 */
#define WE_STAT(n, r)	{ .name = n, .reg = r }
#define WE_STATR(n, r)	{ .name = n, .reg = r, .running = true }
#define WE_STAT64(n, r)	{ .name = n, .reg = r, .is64 = true }
const struct we_hw_stat we_hw_stats[] = {
	WE_STATR("crc_errors", WE_CRCERRS),
	WE_STATR("align_errors", WE_ALGNERRC),
	WE_STATR("symbol_errors", WE_SYMERRS),
	WE_STATR("rx_errors_hw", WE_RXERRC),
	WE_STATR("rx_missed", WE_MPC),
	WE_STATR("single_collisions", WE_SCC),
	WE_STATR("excessive_collisions", WE_ECOL),
	WE_STATR("multiple_collisions", WE_MCC),
	WE_STATR("late_collisions", WE_LATECOL),
	WE_STATR("collisions", WE_COLC),
	WE_STATR("defer_count", WE_DC),
	WE_STATR("tx_no_crs", WE_TNCRS),
	WE_STATR("sequence_errors", WE_SEC),
	WE_STATR("carrier_ext_errors", WE_CEXTERR),
	WE_STATR("rx_length_errors", WE_RLEC),
	WE_STATR("xon_rx", WE_XONRXC),
	WE_STATR("xon_tx", WE_XONTXC),
	WE_STATR("xoff_rx", WE_XOFFRXC),
	WE_STATR("xoff_tx", WE_XOFFTXC),
	WE_STATR("rx_fc_unsupported", WE_FCRUC),
	WE_STAT("rx_64", WE_PRC64),
	WE_STAT("rx_65_127", WE_PRC127),
	WE_STAT("rx_128_255", WE_PRC255),
	WE_STAT("rx_256_511", WE_PRC511),
	WE_STAT("rx_512_1023", WE_PRC1023),
	WE_STAT("rx_1024_1522", WE_PRC1522),
	WE_STAT("rx_good_packets", WE_GPRC),
	WE_STAT("rx_broadcast", WE_BPRC),
	WE_STAT("rx_multicast", WE_MPRC),
	WE_STAT("tx_good_packets", WE_GPTC),
	WE_STAT64("rx_good_bytes", WE_GORCL),
	WE_STAT64("tx_good_bytes", WE_GOTCL),
	WE_STATR("rx_no_buffer", WE_RNBC),
	WE_STAT("rx_undersize", WE_RUC),
	WE_STATR("rx_fragments", WE_RFC),
	WE_STAT("rx_oversize", WE_ROC),
	WE_STATR("rx_jabber", WE_RJC),
	WE_STAT64("rx_total_bytes", WE_TORL),
	WE_STAT64("tx_total_bytes", WE_TOTL),
	WE_STAT("rx_total_packets", WE_TPR),
	WE_STAT("tx_total_packets", WE_TPT),
	WE_STAT("tx_64", WE_PTC64),
	WE_STAT("tx_65_127", WE_PTC127),
	WE_STAT("tx_128_255", WE_PTC255),
	WE_STAT("tx_256_511", WE_PTC511),
	WE_STAT("tx_512_1023", WE_PTC1023),
	WE_STAT("tx_1024_1522", WE_PTC1522),
	WE_STAT("tx_multicast", WE_MPTC),
	WE_STAT("tx_broadcast", WE_BPTC),
	WE_STAT("tx_tso_frames", WE_TSCTC),
	WE_STATR("tx_tso_failed", WE_TSCTFC),
};

const unsigned int we_hw_stats_count = ARRAY_SIZE(we_hw_stats);
static_assert(ARRAY_SIZE(we_hw_stats) <= WE_HW_STATS_MAX);

static u64 we_hw_read_stat(struct we_adapter *a, unsigned int i)
{
	const struct we_hw_stat *s = &we_hw_stats[i];
	u32 lo, hi, delta;

	if (s->is64) {
		/* Low first: reading the high half clears both. */
		lo = we_rd32(a, s->reg);
		hi = we_rd32(a, s->reg + 4);
		return ((u64)hi << 32) | lo;
	}
	lo = we_rd32(a, s->reg);
	if (!s->running)
		return lo;
	/* Running counter: take the growth; a smaller value means it was reset. */
	delta = lo >= a->hw_snap_last[i] ? lo - a->hw_snap_last[i] : lo;
	a->hw_snap_last[i] = lo;
	return delta;
}

/* Fold the device's counters into the 64-bit totals.  Any context. */
void we_hw_update_stats(struct we_adapter *a)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&a->stats_lock, flags);
	for (i = 0; i < we_hw_stats_count; i++)
		a->hw_stats[i] += we_hw_read_stat(a, i);
	spin_unlock_irqrestore(&a->stats_lock, flags);
}

/* Start from zero: read (and so clear) everything, drop the totals. */
void we_hw_reset_stats(struct we_adapter *a)
{
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&a->stats_lock, flags);
	for (i = 0; i < we_hw_stats_count; i++) {
		we_hw_read_stat(a, i);
		a->hw_stats[i] = 0;
	}
	spin_unlock_irqrestore(&a->stats_lock, flags);
}
