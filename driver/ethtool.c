// SPDX-License-Identifier: GPL-2.0
/*
 * wren_e1000: ethtool operations: driver info, link settings, statistics,
 * ring sizes (-g/-G), interrupt coalescing (-c/-C).  Offload switches (-k/-K)
 * go through netdev hw_features and ndo_set_features.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/linkmode.h>
#include <linux/bitfield.h>

#include "wren_e1000.h"

static void we_get_drvinfo(struct net_device *netdev,
			   struct ethtool_drvinfo *info)
{
	struct we_adapter *a = netdev_priv(netdev);

	strscpy(info->driver, WE_DRV_NAME, sizeof(info->driver));
	strscpy(info->version, WE_DRV_VERSION, sizeof(info->version));
	strscpy(info->bus_info, pci_name(a->pdev), sizeof(info->bus_info));
}

static int we_get_link_ksettings(struct net_device *netdev,
				 struct ethtool_link_ksettings *ks)
{
	struct we_adapter *a = netdev_priv(netdev);
	u32 status = we_rd32(a, WE_STATUS);

	ethtool_link_ksettings_zero_link_mode(ks, supported);
	ethtool_link_ksettings_add_link_mode(ks, supported, 10baseT_Half);
	ethtool_link_ksettings_add_link_mode(ks, supported, 10baseT_Full);
	ethtool_link_ksettings_add_link_mode(ks, supported, 100baseT_Half);
	ethtool_link_ksettings_add_link_mode(ks, supported, 100baseT_Full);
	ethtool_link_ksettings_add_link_mode(ks, supported, 1000baseT_Full);
	ethtool_link_ksettings_add_link_mode(ks, supported, Autoneg);
	ethtool_link_ksettings_add_link_mode(ks, supported, TP);
	linkmode_copy(ks->link_modes.advertising, ks->link_modes.supported);

	ks->base.port = PORT_TP;
	ks->base.phy_address = WE_PHY_ADDR;
	ks->base.autoneg = AUTONEG_ENABLE;
	ks->base.mdio_support = ETH_MDIO_SUPPORTS_C22;

	if (netif_running(netdev) && (status & WE_STATUS_LU)) {
		switch (FIELD_GET(WE_STATUS_SPEED_MASK, status)) {
		case WE_STATUS_SPEED_10:
			ks->base.speed = SPEED_10;
			break;
		case WE_STATUS_SPEED_100:
			ks->base.speed = SPEED_100;
			break;
		default:
			ks->base.speed = SPEED_1000;
			break;
		}
		ks->base.duplex = (status & WE_STATUS_FD) ? DUPLEX_FULL :
							     DUPLEX_HALF;
	} else {
		ks->base.speed = SPEED_UNKNOWN;
		ks->base.duplex = DUPLEX_UNKNOWN;
	}
	return 0;
}

static u32 we_get_link(struct net_device *netdev)
{
	struct we_adapter *a = netdev_priv(netdev);

	if (!netif_running(netdev))
		return 0;
	return !!(we_rd32(a, WE_STATUS) & WE_STATUS_LU);
}

static const char we_sw_stat_names[][ETH_GSTRING_LEN] = {
	"rx_packets",
	"rx_bytes",
	"tx_packets",
	"tx_bytes",
	"rx_dropped",
	"rx_alloc_failed",
	"rx_copybreak",
	"tx_dropped",
	"tx_busy",
	"tx_restart_queue",
	"tx_timeouts",
	"tx_tso",
	"tx_csum_offload",
};

#define WE_SW_STATS	ARRAY_SIZE(we_sw_stat_names)

static int we_get_sset_count(struct net_device *netdev, int sset)
{
	if (sset == ETH_SS_STATS)
		return WE_SW_STATS + we_hw_stats_count;
	return -EOPNOTSUPP;
}

static void we_get_strings(struct net_device *netdev, u32 sset, u8 *data)
{
	unsigned int i;

	if (sset != ETH_SS_STATS)
		return;
	memcpy(data, we_sw_stat_names, sizeof(we_sw_stat_names));
	data += sizeof(we_sw_stat_names);
	for (i = 0; i < we_hw_stats_count; i++) {
		memcpy(data, we_hw_stats[i].name, ETH_GSTRING_LEN);
		data += ETH_GSTRING_LEN;
	}
}

static void we_get_ethtool_stats(struct net_device *netdev,
				 struct ethtool_stats *stats, u64 *data)
{
	struct we_adapter *a = netdev_priv(netdev);
	unsigned long flags;
	unsigned int start, i = 0;

	do {
		start = u64_stats_fetch_begin(&a->rx_stats.syncp);
		data[0] = a->rx_stats.packets;
		data[1] = a->rx_stats.bytes;
	} while (u64_stats_fetch_retry(&a->rx_stats.syncp, start));
	do {
		start = u64_stats_fetch_begin(&a->tx_stats.syncp);
		data[2] = a->tx_stats.packets;
		data[3] = a->tx_stats.bytes;
	} while (u64_stats_fetch_retry(&a->tx_stats.syncp, start));
	i = 4;
	data[i++] = atomic_long_read(&a->rx_dropped);
	data[i++] = atomic_long_read(&a->rx_alloc_failed);
	data[i++] = atomic_long_read(&a->rx_copybreak);
	data[i++] = atomic_long_read(&a->tx_dropped);
	data[i++] = atomic_long_read(&a->tx_busy);
	data[i++] = atomic_long_read(&a->tx_restart);
	data[i++] = atomic_long_read(&a->tx_timeouts);
	data[i++] = atomic_long_read(&a->tx_tso);
	data[i++] = atomic_long_read(&a->tx_csum);

	/* Fresh counters: fold in what accumulated since the watchdog ran. */
	we_hw_update_stats(a);
	spin_lock_irqsave(&a->stats_lock, flags);
	memcpy(&data[WE_SW_STATS], a->hw_stats,
	       we_hw_stats_count * sizeof(u64));
	spin_unlock_irqrestore(&a->stats_lock, flags);
}

static void we_get_ringparam(struct net_device *netdev,
			     struct ethtool_ringparam *ring,
			     struct kernel_ethtool_ringparam *kring,
			     struct netlink_ext_ack *extack)
{
	struct we_adapter *a = netdev_priv(netdev);

	ring->rx_max_pending = WE_RING_MAX;
	ring->tx_max_pending = WE_RING_MAX;
	ring->rx_pending = a->rx_ring_count;
	ring->tx_pending = a->tx_ring_count;
}

static int we_set_ringparam(struct net_device *netdev,
			    struct ethtool_ringparam *ring,
			    struct kernel_ethtool_ringparam *kring,
			    struct netlink_ext_ack *extack)
{
	struct we_adapter *a = netdev_priv(netdev);
	unsigned int tx = ring->tx_pending, rx = ring->rx_pending;

	if (ring->rx_mini_pending || ring->rx_jumbo_pending) {
		NL_SET_ERR_MSG_MOD(extack, "no mini or jumbo rings");
		return -EINVAL;
	}
	if (tx < WE_RING_MIN || tx > WE_RING_MAX ||
	    rx < WE_RING_MIN || rx > WE_RING_MAX) {
		NL_SET_ERR_MSG_MOD(extack,
				   "ring sizes must be 64..4096 descriptors");
		netdev_err(netdev, "ring sizes must be %u..%u descriptors (asked tx %u rx %u)\n",
			   WE_RING_MIN, WE_RING_MAX, tx, rx);
		return -EINVAL;
	}
	if (tx % WE_RING_ALIGN || rx % WE_RING_ALIGN) {
		NL_SET_ERR_MSG_MOD(extack,
				   "ring sizes must be multiples of 8 descriptors");
		netdev_err(netdev, "ring sizes must be multiples of %u descriptors (asked tx %u rx %u)\n",
			   WE_RING_ALIGN, tx, rx);
		return -EINVAL;
	}
	if (tx == a->tx_ring_count && rx == a->rx_ring_count)
		return 0;
	return we_resize_rings(a, tx, rx);
}

static int we_get_coalesce(struct net_device *netdev,
			   struct ethtool_coalesce *ec,
			   struct kernel_ethtool_coalesce *kec,
			   struct netlink_ext_ack *extack)
{
	struct we_adapter *a = netdev_priv(netdev);

	ec->rx_coalesce_usecs = a->rx_usecs;
	ec->use_adaptive_rx_coalesce = a->adaptive_rx;
	return 0;
}

static int we_set_coalesce(struct net_device *netdev,
			   struct ethtool_coalesce *ec,
			   struct kernel_ethtool_coalesce *kec,
			   struct netlink_ext_ack *extack)
{
	struct we_adapter *a = netdev_priv(netdev);

	if (ec->rx_coalesce_usecs > WE_RX_USECS_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "rx-usecs must be 0..10000");
		netdev_err(netdev, "rx-usecs must be 0..%u (asked %u)\n",
			   WE_RX_USECS_MAX, ec->rx_coalesce_usecs);
		return -EINVAL;
	}
	WRITE_ONCE(a->rx_usecs, ec->rx_coalesce_usecs);
	WRITE_ONCE(a->adaptive_rx, !!ec->use_adaptive_rx_coalesce);
	if (netif_running(netdev))
		we_set_itr(a);
	return 0;
}

static const struct ethtool_ops we_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_RX_USECS |
				     ETHTOOL_COALESCE_USE_ADAPTIVE_RX,
	.get_drvinfo		= we_get_drvinfo,
	.get_link		= we_get_link,
	.get_link_ksettings	= we_get_link_ksettings,
	.get_sset_count		= we_get_sset_count,
	.get_strings		= we_get_strings,
	.get_ethtool_stats	= we_get_ethtool_stats,
	.get_ringparam		= we_get_ringparam,
	.set_ringparam		= we_set_ringparam,
	.get_coalesce		= we_get_coalesce,
	.set_coalesce		= we_set_coalesce,
};

void we_set_ethtool_ops(struct net_device *netdev)
{
	netdev->ethtool_ops = &we_ethtool_ops;
}

/* The extack messages above spell these out. */
static_assert(WE_RING_MIN == 64 && WE_RING_MAX == 4096 && WE_RING_ALIGN == 8);
static_assert(WE_RX_USECS_MAX == 10000);
