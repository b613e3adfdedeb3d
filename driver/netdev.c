// SPDX-License-Identifier: GPL-2.0
/*
 * wren_e1000: the net_device: open/stop, interrupts, link watchdog, receive
 * filters, MTU and MAC changes, statistics, and recovery from a TX timeout.
 */
#include <linux/etherdevice.h>
#include <linux/interrupt.h>
#include <linux/rtnetlink.h>

#include "wren_e1000.h"

static unsigned int we_itr_usecs(struct we_adapter *a, bool bulk)
{
	unsigned int usecs = READ_ONCE(a->rx_usecs);

	if (bulk && READ_ONCE(a->adaptive_rx))
		usecs = max_t(unsigned int, usecs, WE_BULK_USECS);
	return usecs;
}

/* Program ITR from the settings (rtnl, or NAPI via we_adapt_itr). */
void we_set_itr(struct we_adapter *a)
{
	we_wr32(a, WE_ITR,
		we_hw_rx_usecs_to_itr(we_itr_usecs(a, READ_ONCE(a->itr_bulk))));
}

/*
 * At the end of an interrupt's polling: classify the work it brought as
 * bulk or light (with hysteresis between) and move ITR when the class
 * changes.  Few interrupts matter under TCG, where each one is costly, and
 * a light class keeps request/response latency low.  NAPI context.
 */
void we_adapt_itr(struct we_adapter *a)
{
	bool bulk = a->itr_bulk;

	if (a->ep_bytes >= WE_BULK_BYTES || a->ep_pkts >= WE_BULK_PKTS)
		bulk = true;
	else if (a->ep_bytes < WE_LIGHT_BYTES && a->ep_pkts < WE_LIGHT_PKTS)
		bulk = false;
	a->ep_bytes = 0;
	a->ep_pkts = 0;
	if (bulk == a->itr_bulk)
		return;
	WRITE_ONCE(a->itr_bulk, bulk);
	if (READ_ONCE(a->adaptive_rx))
		we_set_itr(a);
}

static void we_irq_enable(struct we_adapter *a)
{
	we_wr32(a, WE_IMS, WE_IMS_ENABLE);
	we_flush(a);
}

static void we_irq_disable(struct we_adapter *a)
{
	we_wr32(a, WE_IMC, WE_INT_ALL);
	we_flush(a);
	synchronize_irq(a->pdev->irq);
}

/*
 * Legacy INTx, possibly shared.  Reading ICR returns and clears every cause;
 * zero means the interrupt was not ours.
 */
static irqreturn_t we_intr(int irq, void *data)
{
	struct we_adapter *a = data;
	u32 icr = we_rd32(a, WE_ICR);

	if (!icr)
		return IRQ_NONE;

	if ((icr & WE_INT_LSC) && !test_bit(WE_STATE_DOWN, &a->state))
		mod_delayed_work(system_wq, &a->watchdog, 0);

	if (napi_schedule_prep(&a->napi)) {
		/* Masked until the poll is done; the poll re-enables. */
		we_wr32(a, WE_IMC, WE_INT_ALL);
		__napi_schedule(&a->napi);
	}
	return IRQ_HANDLED;
}

static void we_update_link(struct we_adapter *a)
{
	struct net_device *netdev = a->netdev;
	bool up = we_rd32(a, WE_STATUS) & WE_STATUS_LU;

	if (up && !netif_carrier_ok(netdev)) {
		netdev_info(netdev, "link up, 1000 Mbps, full duplex\n");
		netif_carrier_on(netdev);
	} else if (!up && netif_carrier_ok(netdev)) {
		netdev_info(netdev, "link down\n");
		netif_carrier_off(netdev);
	}
}

/* Every 2 s while up, and at once on a link change: link, counters. */
void we_watchdog_task(struct work_struct *work)
{
	struct we_adapter *a = container_of(to_delayed_work(work),
					    struct we_adapter, watchdog);
	long failed;

	if (test_bit(WE_STATE_DOWN, &a->state))
		return;
	we_update_link(a);
	we_hw_update_stats(a);

	/*
	 * A refill that failed for memory leaves holes the poll retries only
	 * when a frame arrives; with the ring empty none would.  Kick it.
	 */
	failed = atomic_long_read(&a->rx_alloc_failed);
	if (failed != a->rx_alloc_seen) {
		a->rx_alloc_seen = failed;
		local_bh_disable();
		napi_schedule(&a->napi);
		local_bh_enable();
	}

	if (!test_bit(WE_STATE_DOWN, &a->state))
		mod_delayed_work(system_wq, &a->watchdog, WE_WATCHDOG_PERIOD);
}

/* RCTL bits that follow the device configuration (not the rx mode). */
static u32 we_rctl_base(struct we_adapter *a)
{
	u32 rctl = WE_RCTL_EN | WE_RCTL_BAM | WE_RCTL_SECRC |
		   WE_RCTL_BSIZE_2048 | WE_RCTL_RDMTS_HALF;

	/* Frames longer than 1522 bytes span buffers; LPE only when needed. */
	if (a->netdev->mtu > ETH_DATA_LEN)
		rctl |= WE_RCTL_LPE;
	return rctl;
}

/*
 * Receive filters: RA[0] is the device address, RA[1..15] secondary unicast
 * addresses, the MTA hashes multicast.  RCTL is written only when UPE/MPE
 * change, as each RCTL write stalls QEMU's receiver for about a second.
 * Called under netif_addr_lock_bh; rx_mode_lock guards rctl and the shadows.
 */
static void we_set_rx_mode(struct net_device *netdev)
{
	struct we_adapter *a = netdev_priv(netdev);
	struct netdev_hw_addr *ha;
	u32 mta[WE_MTA_WORDS / 4];	/* scratch, reused four times */
	u32 rctl, changed_words = 0;
	unsigned int i, n;

	spin_lock_bh(&a->rx_mode_lock);
	rctl = a->rctl & ~(WE_RCTL_UPE | WE_RCTL_MPE);
	if (netdev->flags & IFF_PROMISC)
		rctl |= WE_RCTL_UPE | WE_RCTL_MPE;
	else if (netdev->flags & IFF_ALLMULTI)
		rctl |= WE_RCTL_MPE;

	/* Secondary unicast: exact entries while they fit. */
	n = 1;
	if (netdev_uc_count(netdev) > WE_RAR_ENTRIES - 1) {
		rctl |= WE_RCTL_UPE;
	} else {
		netdev_for_each_uc_addr(ha, netdev)
			we_hw_set_rar(a, n++, ha->addr);
	}
	for (i = n; i <= a->ra_used; i++)
		we_hw_clear_rar(a, i);
	a->ra_used = n - 1;

	/* Multicast hash, written a quarter at a time where it changed. */
	for (i = 0; i < 4; i++) {
		unsigned int w, base = i * ARRAY_SIZE(mta);

		memset(mta, 0, sizeof(mta));
		netdev_for_each_mc_addr(ha, netdev) {
			u32 h = we_hw_mta_hash(ha->addr);

			w = h >> 5;
			if (w >= base && w < base + ARRAY_SIZE(mta))
				mta[w - base] |= BIT(h & 31);
		}
		for (w = 0; w < ARRAY_SIZE(mta); w++) {
			if (a->mta[base + w] == mta[w])
				continue;
			a->mta[base + w] = mta[w];
			we_wr32(a, WE_MTA + (base + w) * 4, mta[w]);
			changed_words++;
		}
	}

	/* Only while the receiver runs; open() writes RCTL itself. */
	if ((a->rctl & WE_RCTL_EN) && rctl != a->rctl) {
		a->rctl = rctl;
		we_wr32(a, WE_RCTL, rctl);
	} else if (!(a->rctl & WE_RCTL_EN)) {
		a->rctl = rctl;
	}
	spin_unlock_bh(&a->rx_mode_lock);
}

/* Bring the hardware up on allocated rings.  rtnl held, NAPI disabled. */
static void we_up(struct we_adapter *a)
{
	we_rd32(a, WE_ICR);
	we_wr32(a, WE_CTRL, we_rd32(a, WE_CTRL) | WE_CTRL_SLU | WE_CTRL_ASDE);
	we_tx_configure(a);
	we_rx_configure(a);
	we_rx_refill(a, false, true);
	a->ep_bytes = 0;
	a->ep_pkts = 0;
	a->itr_bulk = false;
	we_set_itr(a);

	/* Filters, then one RCTL write that enables the receiver. */
	spin_lock_bh(&a->rx_mode_lock);
	a->rctl = 0;
	spin_unlock_bh(&a->rx_mode_lock);
	netif_addr_lock_bh(a->netdev);
	we_set_rx_mode(a->netdev);
	netif_addr_unlock_bh(a->netdev);
	spin_lock_bh(&a->rx_mode_lock);
	a->rctl |= we_rctl_base(a);
	we_wr32(a, WE_RCTL, a->rctl);
	spin_unlock_bh(&a->rx_mode_lock);

	clear_bit(WE_STATE_DOWN, &a->state);
	napi_enable(&a->napi);
	we_irq_enable(a);
	netif_wake_queue(a->netdev);
	we_update_link(a);
	mod_delayed_work(system_wq, &a->watchdog, WE_WATCHDOG_PERIOD);
}

/* Stop the hardware and drop all buffers; ring memory stays.  rtnl held. */
static void we_down(struct we_adapter *a)
{
	struct net_device *netdev = a->netdev;

	set_bit(WE_STATE_DOWN, &a->state);
	netif_tx_disable(netdev);
	we_irq_disable(a);
	napi_disable(&a->napi);
	/* The interrupt handler no longer schedules it (DOWN is visible). */
	cancel_delayed_work_sync(&a->watchdog);
	netif_carrier_off(netdev);

	/* Receiver and transmitter off, rings detached. */
	spin_lock_bh(&a->rx_mode_lock);
	a->rctl = 0;
	spin_unlock_bh(&a->rx_mode_lock);
	we_hw_quiesce(a);

	we_tx_clean_all(a);
	we_rx_clean_all(a);
	we_hw_update_stats(a);
}

static int we_open(struct net_device *netdev)
{
	struct we_adapter *a = netdev_priv(netdev);
	int err;

	netif_carrier_off(netdev);
	err = we_ring_alloc(a, &a->tx_ring, a->tx_ring_count, true);
	if (err)
		goto err_tx;
	err = we_ring_alloc(a, &a->rx_ring, a->rx_ring_count, false);
	if (err)
		goto err_rx;

	err = request_irq(a->pdev->irq, we_intr, IRQF_SHARED, netdev->name, a);
	if (err) {
		netdev_err(netdev, "cannot request IRQ %d: %d\n",
			   a->pdev->irq, err);
		goto err_irq;
	}

	we_up(a);
	return 0;

err_irq:
	we_ring_free(a, &a->rx_ring);
err_rx:
	we_ring_free(a, &a->tx_ring);
err_tx:
	if (err == -ENOMEM)
		netdev_err(netdev, "cannot allocate descriptor rings\n");
	return err;
}

static int we_stop(struct net_device *netdev)
{
	struct we_adapter *a = netdev_priv(netdev);

	we_down(a);
	free_irq(a->pdev->irq, a);
	we_ring_free(a, &a->tx_ring);
	we_ring_free(a, &a->rx_ring);
	return 0;
}

/*
 * Replace the rings with ones of new sizes.  The new memory is allocated
 * before anything is torn down, so a failure changes nothing.  rtnl held.
 */
int we_resize_rings(struct we_adapter *a, unsigned int tx, unsigned int rx)
{
	struct we_ring ntx, nrx;
	int err;

	if (!netif_running(a->netdev)) {
		a->tx_ring_count = tx;
		a->rx_ring_count = rx;
		return 0;
	}

	err = we_ring_alloc(a, &ntx, tx, true);
	if (err)
		return err;
	err = we_ring_alloc(a, &nrx, rx, false);
	if (err) {
		we_ring_free(a, &ntx);
		return err;
	}

	we_down(a);
	we_ring_free(a, &a->tx_ring);
	we_ring_free(a, &a->rx_ring);
	a->tx_ring = ntx;
	a->rx_ring = nrx;
	a->tx_ring_count = tx;
	a->rx_ring_count = rx;
	we_up(a);
	return 0;
}

/* Recover from a stuck transmitter: restart both rings.  Process context. */
void we_reset_task(struct work_struct *work)
{
	struct we_adapter *a = container_of(work, struct we_adapter,
					    reset_work);

	rtnl_lock();
	if (!test_bit(WE_STATE_REMOVING, &a->state) &&
	    netif_running(a->netdev)) {
		netdev_warn(a->netdev, "resetting the rings\n");
		we_down(a);
		we_up(a);
	}
	rtnl_unlock();
}

static void we_tx_timeout(struct net_device *netdev, unsigned int txqueue)
{
	struct we_adapter *a = netdev_priv(netdev);
	struct we_ring *r = &a->tx_ring;

	atomic_long_inc(&a->tx_timeouts);
	netdev_warn(netdev, "TX timeout: TDH %u TDT %u ntu %u ntc %u\n",
		    we_rd32(a, WE_TDH), we_rd32(a, WE_TDT),
		    READ_ONCE(r->next_to_use), READ_ONCE(r->next_to_clean));
	if (!test_bit(WE_STATE_REMOVING, &a->state))
		schedule_work(&a->reset_work);
}

static int we_set_mac(struct net_device *netdev, void *p)
{
	struct we_adapter *a = netdev_priv(netdev);
	struct sockaddr *addr = p;

	if (!is_valid_ether_addr(addr->sa_data))
		return -EADDRNOTAVAIL;
	eth_hw_addr_set(netdev, addr->sa_data);
	we_hw_set_rar(a, 0, netdev->dev_addr);
	return 0;
}

/*
 * MTU 68..9000 (the core checks min_mtu/max_mtu).  Receive buffers stay 2048
 * bytes: longer frames span descriptors, so only RCTL.LPE changes.
 */
static int we_change_mtu(struct net_device *netdev, int new_mtu)
{
	struct we_adapter *a = netdev_priv(netdev);
	u32 rctl;

	netdev->mtu = new_mtu;
	spin_lock_bh(&a->rx_mode_lock);
	if (a->rctl & WE_RCTL_EN) {
		rctl = a->rctl & ~WE_RCTL_LPE;
		if (new_mtu > ETH_DATA_LEN)
			rctl |= WE_RCTL_LPE;
		if (rctl != a->rctl) {
			a->rctl = rctl;
			we_wr32(a, WE_RCTL, rctl);
		}
	}
	spin_unlock_bh(&a->rx_mode_lock);
	return 0;
}

static void we_get_stats64(struct net_device *netdev,
			   struct rtnl_link_stats64 *s)
{
	struct we_adapter *a = netdev_priv(netdev);
	unsigned int start, i;
	unsigned long flags;

	do {
		start = u64_stats_fetch_begin(&a->rx_stats.syncp);
		s->rx_packets = a->rx_stats.packets;
		s->rx_bytes = a->rx_stats.bytes;
	} while (u64_stats_fetch_retry(&a->rx_stats.syncp, start));
	do {
		start = u64_stats_fetch_begin(&a->tx_stats.syncp);
		s->tx_packets = a->tx_stats.packets;
		s->tx_bytes = a->tx_stats.bytes;
	} while (u64_stats_fetch_retry(&a->tx_stats.syncp, start));

	s->rx_dropped = atomic_long_read(&a->rx_dropped);
	s->tx_dropped = atomic_long_read(&a->tx_dropped);

	/* Error counters from the device (as of the last watchdog run). */
	spin_lock_irqsave(&a->stats_lock, flags);
	for (i = 0; i < we_hw_stats_count; i++) {
		u64 v = a->hw_stats[i];

		switch (we_hw_stats[i].reg) {
		case WE_MPC:
			s->rx_missed_errors = v;
			break;
		case WE_CRCERRS:
			s->rx_crc_errors = v;
			break;
		case WE_ALGNERRC:
			s->rx_frame_errors = v;
			break;
		case WE_RLEC:
		case WE_ROC:
		case WE_RUC:
			s->rx_length_errors += v;
			break;
		case WE_RXERRC:
			s->rx_errors += v;
			break;
		case WE_COLC:
			s->collisions = v;
			break;
		case WE_MPRC:
			s->multicast = v;
			break;
		default:
			break;
		}
	}
	spin_unlock_irqrestore(&a->stats_lock, flags);
	s->rx_errors += s->rx_crc_errors + s->rx_frame_errors +
			s->rx_length_errors;
}

static int we_set_features(struct net_device *netdev,
			   netdev_features_t features)
{
	/*
	 * TX offloads are chosen per frame; nothing in the device to change.
	 * The core re-validates dependent features (TSO needs SG and IP_CSUM).
	 */
	return 0;
}

#ifdef CONFIG_NET_POLL_CONTROLLER
static void we_netpoll(struct net_device *netdev)
{
	struct we_adapter *a = netdev_priv(netdev);

	disable_irq(a->pdev->irq);
	we_intr(a->pdev->irq, a);
	enable_irq(a->pdev->irq);
}
#endif

const struct net_device_ops we_netdev_ops = {
	.ndo_open		= we_open,
	.ndo_stop		= we_stop,
	.ndo_start_xmit		= we_xmit_frame,
	.ndo_get_stats64	= we_get_stats64,
	.ndo_set_rx_mode	= we_set_rx_mode,
	.ndo_set_mac_address	= we_set_mac,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_change_mtu		= we_change_mtu,
	.ndo_tx_timeout		= we_tx_timeout,
	.ndo_set_features	= we_set_features,
	.ndo_features_check	= passthru_features_check,
#ifdef CONFIG_NET_POLL_CONTROLLER
	.ndo_poll_controller	= we_netpoll,
#endif
};
