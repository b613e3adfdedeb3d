// SPDX-License-Identifier: GPL-2.0
/*
 * wren_e1000: a driver for the Intel 8254x as emulated by QEMU ("e1000",
 * "e1000-82544gc", "e1000-82545em").  PCI probe/remove and module parameters.
 */
#include <linux/module.h>
#include <linux/etherdevice.h>
#include <linux/rtnetlink.h>

#include "wren_e1000.h"

/*
 * Module parameters.  Each is checked when set, so an out-of-range value
 * makes the load fail with -EINVAL and a message naming the limits (text
 * that is no uint fails as the kernel's uint parser says: EINVAL or
 * ERANGE); the module never runs with a bad value.
 */
struct we_param {
	unsigned int *val;
	unsigned int min, max, align;
};

unsigned int we_param_tx_ring = WE_RING_DEFAULT;
unsigned int we_param_rx_ring = WE_RING_DEFAULT;
unsigned int we_param_rx_usecs = WE_RX_USECS_DEFAULT;
unsigned int we_param_copybreak = WE_COPYBREAK_DEFAULT;
bool we_param_adaptive = true;

static struct we_param we_p_tx_ring = {
	&we_param_tx_ring, WE_RING_MIN, WE_RING_MAX, WE_RING_ALIGN,
};

static struct we_param we_p_rx_ring = {
	&we_param_rx_ring, WE_RING_MIN, WE_RING_MAX, WE_RING_ALIGN,
};

static struct we_param we_p_rx_usecs = {
	&we_param_rx_usecs, 0, WE_RX_USECS_MAX, 1,
};

static struct we_param we_p_copybreak = {
	&we_param_copybreak, 0, WE_COPYBREAK_MAX, 1,
};

static int we_param_set(const char *val, const struct kernel_param *kp)
{
	const struct we_param *p = kp->arg;
	unsigned int v;
	int err;

	/* Not a number (EINVAL) or not a uint (ERANGE), as for any uint. */
	err = kstrtouint(val, 0, &v);
	if (err) {
		pr_err(WE_DRV_NAME ": %s=%s is not a valid unsigned integer\n",
		       kp->name, val);
		return err;
	}
	if (v < p->min || v > p->max || v % p->align) {
		if (p->align > 1)
			pr_err(WE_DRV_NAME ": %s=%u is invalid: must be %u..%u and a multiple of %u\n",
			       kp->name, v, p->min, p->max, p->align);
		else
			pr_err(WE_DRV_NAME ": %s=%u is invalid: must be %u..%u\n",
			       kp->name, v, p->min, p->max);
		return -EINVAL;
	}
	*p->val = v;
	return 0;
}

static int we_param_get(char *buf, const struct kernel_param *kp)
{
	const struct we_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", *p->val);
}

static const struct kernel_param_ops we_param_ops = {
	.set = we_param_set,
	.get = we_param_get,
};

module_param_cb(tx_ring, &we_param_ops, &we_p_tx_ring, 0444);
MODULE_PARM_DESC(tx_ring, "TX descriptors per device (64..4096, multiple of 8; default 256)");
module_param_cb(rx_ring, &we_param_ops, &we_p_rx_ring, 0444);
MODULE_PARM_DESC(rx_ring, "RX descriptors per device (64..4096, multiple of 8; default 256)");
module_param_cb(rx_usecs, &we_param_ops, &we_p_rx_usecs, 0444);
MODULE_PARM_DESC(rx_usecs, "Minimum interrupt interval in microseconds, via ITR (0..10000; default 50)");
module_param_named(adaptive_itr, we_param_adaptive, bool, 0444);
MODULE_PARM_DESC(adaptive_itr, "Moderate bulk traffic to 250 us between interrupts (ethtool -C adaptive-rx; default on)");
module_param_cb(copybreak, &we_param_ops, &we_p_copybreak, 0444);
MODULE_PARM_DESC(copybreak, "Copy received frames up to this many bytes into a new buffer (0..1024; default 256)");

static const struct pci_device_id we_pci_tbl[] = {
	{ PCI_DEVICE_SUB(PCI_VENDOR_ID_INTEL, 0x100e, PCI_ANY_ID, PCI_ANY_ID) },
	{ PCI_DEVICE_SUB(PCI_VENDOR_ID_INTEL, 0x100c, PCI_ANY_ID, PCI_ANY_ID) },
	{ PCI_DEVICE_SUB(PCI_VENDOR_ID_INTEL, 0x100f, PCI_ANY_ID, PCI_ANY_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, we_pci_tbl);

#define WE_BAR0_MIN_LEN	(128 * 1024)

/* Clear what QEMU keeps across a driver reload: filters beyond RA[0]. */
static void we_hw_init_filters(struct we_adapter *a)
{
	unsigned int i;

	for (i = 1; i < WE_RAR_ENTRIES; i++)
		we_hw_clear_rar(a, i);
	for (i = 0; i < WE_MTA_WORDS; i++)
		we_wr32(a, WE_MTA + i * 4, 0);
	memset(a->mta, 0, sizeof(a->mta));
	a->ra_used = 0;
}

static int we_probe(struct pci_dev *pdev, const struct pci_device_id *ent)
{
	struct net_device *netdev;
	struct we_adapter *a;
	u8 mac[ETH_ALEN];
	int err;

	err = pci_enable_device_mem(pdev);
	if (err)
		return err;

	if (!(pci_resource_flags(pdev, 0) & IORESOURCE_MEM) ||
	    pci_resource_len(pdev, 0) < WE_BAR0_MIN_LEN) {
		dev_err(&pdev->dev, "BAR0 is not a %u KiB memory BAR\n",
			WE_BAR0_MIN_LEN / 1024);
		err = -ENODEV;
		goto err_dma;
	}

	err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (err) {
		err = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
		if (err) {
			dev_err(&pdev->dev, "no usable DMA configuration\n");
			goto err_dma;
		}
	}

	err = pci_request_mem_regions(pdev, WE_DRV_NAME);
	if (err)
		goto err_dma;
	/* Without bus mastering the device never writes received frames. */
	pci_set_master(pdev);

	netdev = alloc_etherdev(sizeof(*a));
	if (!netdev) {
		err = -ENOMEM;
		goto err_alloc;
	}
	SET_NETDEV_DEV(netdev, &pdev->dev);
	pci_set_drvdata(pdev, netdev);

	a = netdev_priv(netdev);
	a->netdev = netdev;
	a->pdev = pdev;
	a->tx_ring_count = we_param_tx_ring;
	a->rx_ring_count = we_param_rx_ring;
	a->rx_usecs = we_param_rx_usecs;
	a->adaptive_rx = we_param_adaptive;
	a->copybreak = we_param_copybreak;
	spin_lock_init(&a->rx_mode_lock);
	spin_lock_init(&a->stats_lock);
	u64_stats_init(&a->rx_stats.syncp);
	u64_stats_init(&a->tx_stats.syncp);
	INIT_DELAYED_WORK(&a->watchdog, we_watchdog_task);
	INIT_WORK(&a->reset_work, we_reset_task);
	set_bit(WE_STATE_DOWN, &a->state);

	a->hw = pci_ioremap_bar(pdev, 0);
	if (!a->hw) {
		dev_err(&pdev->dev, "cannot map BAR0\n");
		err = -EIO;
		goto err_ioremap;
	}

	/* CTRL.RST is a no-op in QEMU: silence the device by hand. */
	we_hw_quiesce(a);
	we_hw_init_filters(a);
	we_hw_reset_stats(a);

	err = we_hw_read_mac(a, mac);
	if (err) {
		dev_warn(&pdev->dev, "no valid MAC address, using a random one\n");
		eth_hw_addr_random(netdev);
	} else {
		eth_hw_addr_set(netdev, mac);
	}
	we_hw_set_rar(a, 0, netdev->dev_addr);
	memcpy(netdev->perm_addr, netdev->dev_addr, ETH_ALEN);

	netdev->netdev_ops = &we_netdev_ops;
	we_set_ethtool_ops(netdev);
	netdev->watchdog_timeo = WE_TX_TIMEOUT;
	netdev->min_mtu = ETH_MIN_MTU;
	netdev->max_mtu = WE_MAX_MTU;
	netdev->hw_features = NETIF_F_SG | NETIF_F_IP_CSUM | NETIF_F_TSO;
	netdev->features = netdev->hw_features | NETIF_F_HIGHDMA;
	netdev->vlan_features = netdev->hw_features | NETIF_F_HIGHDMA;
	netdev->priv_flags |= IFF_UNICAST_FLT | IFF_LIVE_ADDR_CHANGE;
	netif_napi_add(netdev, &a->napi, we_poll);

	netif_carrier_off(netdev);
	err = register_netdev(netdev);
	if (err)
		goto err_register;

	netdev_info(netdev, "Intel 8254x (%04x:%04x) at %s, %pM\n",
		    pdev->vendor, pdev->device, pci_name(pdev),
		    netdev->dev_addr);
	return 0;

err_register:
	netif_napi_del(&a->napi);
	we_hw_quiesce(a);
	iounmap(a->hw);
err_ioremap:
	free_netdev(netdev);
err_alloc:
	pci_clear_master(pdev);
	pci_release_mem_regions(pdev);
err_dma:
	pci_disable_device(pdev);
	return err;
}

static void we_remove(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct we_adapter *a = netdev_priv(netdev);

	set_bit(WE_STATE_REMOVING, &a->state);
	cancel_work_sync(&a->reset_work);
	/* Closes the device: rings and IRQ freed, device quiesced. */
	unregister_netdev(netdev);
	cancel_work_sync(&a->reset_work);
	netif_napi_del(&a->napi);

	we_hw_quiesce(a);
	iounmap(a->hw);
	free_netdev(netdev);
	pci_clear_master(pdev);
	pci_release_mem_regions(pdev);
	pci_disable_device(pdev);
}

static void we_shutdown(struct pci_dev *pdev)
{
	struct net_device *netdev = pci_get_drvdata(pdev);
	struct we_adapter *a = netdev_priv(netdev);

	rtnl_lock();
	netif_device_detach(netdev);
	if (netif_running(netdev))
		dev_close(netdev);
	rtnl_unlock();
	we_hw_quiesce(a);
	pci_clear_master(pdev);
}

static struct pci_driver we_driver = {
	.name		= WE_DRV_NAME,
	.id_table	= we_pci_tbl,
	.probe		= we_probe,
	.remove		= we_remove,
	.shutdown	= we_shutdown,
};

static int __init we_init(void)
{
	return pci_register_driver(&we_driver);
}

static void __exit we_exit(void)
{
	pci_unregister_driver(&we_driver);
}

module_init(we_init);
module_exit(we_exit);

MODULE_AUTHOR("wren project");
MODULE_DESCRIPTION("wren_e1000: Intel 8254x driver for QEMU's e1000");
MODULE_LICENSE("GPL");
MODULE_VERSION(WE_DRV_VERSION);
