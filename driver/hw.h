/* SPDX-License-Identifier: GPL-2.0 */
/*
 * wren_e1000: register and descriptor definitions of the Intel 8254x family
 * (82540EM, 82544GC, 82545EM), from the "PCI/PCI-X Family of Gigabit Ethernet
 * Controllers Software Developer's Manual".  Only what the driver uses.
 */
#ifndef WREN_E1000_HW_H
#define WREN_E1000_HW_H

#include <linux/bits.h>
#include <linux/types.h>

/* General registers */
#define WE_CTRL		0x00000	/* device control */
#define WE_STATUS	0x00008	/* device status (RO) */
#define WE_EECD		0x00010	/* EEPROM/flash control */
#define WE_EERD		0x00014	/* EEPROM read */
#define WE_CTRL_EXT	0x00018	/* extended device control */
#define WE_MDIC		0x00020	/* MDI control */

/* Interrupt registers */
#define WE_ICR		0x000C0	/* interrupt cause read (clear on read) */
#define WE_ITR		0x000C4	/* interrupt throttling, 256 ns units */
#define WE_ICS		0x000C8	/* interrupt cause set */
#define WE_IMS		0x000D0	/* interrupt mask set/read */
#define WE_IMC		0x000D8	/* interrupt mask clear */

/* Receive registers */
#define WE_RCTL		0x00100	/* receive control */
#define WE_RDBAL	0x02800	/* RX descriptor base low */
#define WE_RDBAH	0x02804	/* RX descriptor base high */
#define WE_RDLEN	0x02808	/* RX descriptor ring length in bytes */
#define WE_RDH		0x02810	/* RX descriptor head */
#define WE_RDT		0x02818	/* RX descriptor tail */
#define WE_RDTR		0x02820	/* RX delay timer */
#define WE_RADV		0x0282C	/* RX absolute delay timer */
#define WE_RXCSUM	0x05000	/* RX checksum control */
#define WE_MTA		0x05200	/* multicast table array, 128 dwords */
#define WE_MTA_WORDS	128
#define WE_RAL(i)	(0x05400 + (i) * 8)	/* receive address low */
#define WE_RAH(i)	(0x05404 + (i) * 8)	/* receive address high */
#define WE_RAR_ENTRIES	16
#define WE_RAH_AV	BIT(31)			/* address valid */

/* Transmit registers */
#define WE_TCTL		0x00400	/* transmit control */
#define WE_TIPG		0x00410	/* transmit inter-packet gap */
#define WE_TDBAL	0x03800	/* TX descriptor base low */
#define WE_TDBAH	0x03804	/* TX descriptor base high */
#define WE_TDLEN	0x03808	/* TX descriptor ring length in bytes */
#define WE_TDH		0x03810	/* TX descriptor head */
#define WE_TDT		0x03818	/* TX descriptor tail */
#define WE_TIDV		0x03820	/* TX interrupt delay value */
#define WE_TADV		0x0382C	/* TX absolute interrupt delay */

/* CTRL bits */
#define WE_CTRL_FD	BIT(0)	/* full duplex */
#define WE_CTRL_ASDE	BIT(5)	/* auto-speed detection enable */
#define WE_CTRL_SLU	BIT(6)	/* set link up */
#define WE_CTRL_RST	BIT(26)	/* device reset (not emulated by QEMU) */
#define WE_CTRL_VME	BIT(30)	/* VLAN mode enable */
#define WE_CTRL_PHY_RST	BIT(31)

/* STATUS bits */
#define WE_STATUS_FD		BIT(0)
#define WE_STATUS_LU		BIT(1)	/* link up */
#define WE_STATUS_SPEED_MASK	GENMASK(7, 6)
#define WE_STATUS_SPEED_10	0
#define WE_STATUS_SPEED_100	1

/* EERD: EEPROM read register (82540 style) */
#define WE_EERD_START		BIT(0)
#define WE_EERD_DONE		BIT(4)
#define WE_EERD_ADDR_SHIFT	8
#define WE_EERD_DATA_SHIFT	16
#define WE_EEPROM_CSUM_WORDS	0x40	/* words 0x00..0x3F ... */
#define WE_EEPROM_CSUM		0xBABA	/* ... sum to this */

/* Interrupt cause bits (ICR, ICS, IMS, IMC) */
#define WE_INT_TXDW	BIT(0)	/* transmit descriptor written back */
#define WE_INT_TXQE	BIT(1)	/* transmit queue empty */
#define WE_INT_LSC	BIT(2)	/* link status change */
#define WE_INT_RXSEQ	BIT(3)	/* receive sequence error */
#define WE_INT_RXDMT0	BIT(4)	/* receive descriptor minimum threshold */
#define WE_INT_RXO	BIT(6)	/* receiver overrun */
#define WE_INT_RXT0	BIT(7)	/* receiver timer */
#define WE_INT_ALL	0xFFFFFFFFu

/* RCTL bits */
#define WE_RCTL_EN		BIT(1)	/* receiver enable */
#define WE_RCTL_SBP		BIT(2)	/* store bad packets */
#define WE_RCTL_UPE		BIT(3)	/* unicast promiscuous */
#define WE_RCTL_MPE		BIT(4)	/* multicast promiscuous */
#define WE_RCTL_LPE		BIT(5)	/* long packet enable */
#define WE_RCTL_RDMTS_HALF	(0u << 8)	/* RXDMT0 at 1/2 of ring free */
#define WE_RCTL_MO_MASK		GENMASK(13, 12)	/* multicast offset; 0 = bits 47:36 */
#define WE_RCTL_BAM		BIT(15)	/* broadcast accept */
#define WE_RCTL_BSIZE_2048	(0u << 16)	/* with BSEX = 0 */
#define WE_RCTL_BSIZE_MASK	GENMASK(17, 16)
#define WE_RCTL_VFE		BIT(18)	/* VLAN filter enable */
#define WE_RCTL_BSEX		BIT(25)	/* buffer size extension */
#define WE_RCTL_SECRC		BIT(26)	/* strip Ethernet CRC */

/* TCTL bits */
#define WE_TCTL_EN		BIT(1)
#define WE_TCTL_PSP		BIT(3)	/* pad short packets (not by QEMU) */
#define WE_TCTL_CT_SHIFT	4	/* collision threshold */
#define WE_TCTL_COLD_SHIFT	12	/* collision distance */
#define WE_TCTL_RTLC		BIT(24)	/* retransmit on late collision */
#define WE_TCTL_CT_DEFAULT	0x0F
#define WE_TCTL_COLD_FD		0x40	/* full duplex */

/* TIPG for copper (IEEE 802.3 values in byte times) */
#define WE_TIPG_COPPER		(10 | (8 << 10) | (6 << 20))

/* Statistics registers (all 32 bit; 64-bit pairs are low then high) */
#define WE_CRCERRS	0x04000
#define WE_ALGNERRC	0x04004
#define WE_SYMERRS	0x04008
#define WE_RXERRC	0x0400C
#define WE_MPC		0x04010	/* missed packets */
#define WE_SCC		0x04014
#define WE_ECOL		0x04018
#define WE_MCC		0x0401C
#define WE_LATECOL	0x04020
#define WE_COLC		0x04028
#define WE_DC		0x04030
#define WE_TNCRS	0x04034
#define WE_SEC		0x04038
#define WE_CEXTERR	0x0403C
#define WE_RLEC		0x04040
#define WE_XONRXC	0x04048
#define WE_XONTXC	0x0404C
#define WE_XOFFRXC	0x04050
#define WE_XOFFTXC	0x04054
#define WE_FCRUC	0x04058
#define WE_PRC64	0x0405C
#define WE_PRC127	0x04060
#define WE_PRC255	0x04064
#define WE_PRC511	0x04068
#define WE_PRC1023	0x0406C
#define WE_PRC1522	0x04070
#define WE_GPRC		0x04074
#define WE_BPRC		0x04078
#define WE_MPRC		0x0407C
#define WE_GPTC		0x04080
#define WE_GORCL	0x04088
#define WE_GOTCL	0x04090
#define WE_RNBC		0x040A0
#define WE_RUC		0x040A4
#define WE_RFC		0x040A8
#define WE_ROC		0x040AC
#define WE_RJC		0x040B0
#define WE_TORL		0x040C0
#define WE_TOTL		0x040C8
#define WE_TPR		0x040D0
#define WE_TPT		0x040D4
#define WE_PTC64	0x040D8
#define WE_PTC127	0x040DC
#define WE_PTC255	0x040E0
#define WE_PTC511	0x040E4
#define WE_PTC1023	0x040E8
#define WE_PTC1522	0x040EC
#define WE_MPTC		0x040F0
#define WE_BPTC		0x040F4
#define WE_TSCTC	0x040F8
#define WE_TSCTFC	0x040FC

/*
 * Receive descriptor (legacy, 16 bytes).  The device writes length, status
 * and errors; status DD is the ownership hand-back.
 */
struct we_rx_desc {
	__le64 addr;
	__le16 length;
	__le16 csum;
	u8 status;
	u8 errors;
	__le16 special;
};

#define WE_RXD_STAT_DD		BIT(0)	/* descriptor done */
#define WE_RXD_STAT_EOP		BIT(1)	/* end of packet */
#define WE_RXD_STAT_IXSM	BIT(2)	/* ignore checksum indication */
#define WE_RXD_ERR_CE		BIT(0)	/* CRC or alignment error */
#define WE_RXD_ERR_SE		BIT(1)	/* symbol error */
#define WE_RXD_ERR_SEQ		BIT(2)	/* sequence error */
#define WE_RXD_ERR_CXE		BIT(4)	/* carrier extension error */
#define WE_RXD_ERR_RXE		BIT(7)	/* RX data error */
#define WE_RXD_ERR_FRAME	(WE_RXD_ERR_CE | WE_RXD_ERR_SE | \
				 WE_RXD_ERR_SEQ | WE_RXD_ERR_CXE | \
				 WE_RXD_ERR_RXE)

/*
 * Transmit descriptors, 16 bytes each, three layouts sharing one ring:
 *
 * legacy:   addr | length:16 cso:8 cmd:8 | sta:4 rsv:4 css:8 special:16
 * context:  ipcss:8 ipcso:8 ipcse:16 | tucss:8 tucso:8 tucse:16 |
 *           paylen:20 dtyp:4 tucmd:8 | sta:4 rsv:4 hdrlen:8 mss:16
 * data:     addr | dtalen:20 dtyp:4 dcmd:8 | sta:4 rsv:4 popts:8 special:16
 *
 * Context and data descriptors have DEXT set in the command byte.
 */
struct we_tx_desc {
	__le64 addr;
	__le32 lower;
	__le32 upper;
};

struct we_tx_ctx_desc {
	__le32 ip_fields;
	__le32 tu_fields;
	__le32 cmd_len;
	__le32 seg_setup;
};

/* Command byte (bits 31:24 of the lower dword), legacy and data */
#define WE_TXD_CMD_EOP		BIT(24)	/* end of packet */
#define WE_TXD_CMD_IFCS		BIT(25)	/* insert FCS */
#define WE_TXD_CMD_TSE		BIT(26)	/* TCP segmentation enable (data) */
#define WE_TXD_CMD_RS		BIT(27)	/* report status */
#define WE_TXD_CMD_DEXT		BIT(29)	/* descriptor extension */
#define WE_TXD_DTYP_D		BIT(20)	/* data descriptor type */
#define WE_TXD_DTYP_C		(0u << 20)	/* context descriptor type */
#define WE_TXD_LEN_MASK		GENMASK(19, 0)
/* TUCMD byte of a context descriptor */
#define WE_TXC_CMD_TCP		BIT(24)	/* L4 is TCP (else UDP) */
#define WE_TXC_CMD_IP		BIT(25)	/* L3 is IPv4 (else IPv6) */
#define WE_TXC_CMD_TSE		BIT(26)
#define WE_TXC_CMD_DEXT		BIT(29)
#define WE_TXC_PAYLEN_MASK	GENMASK(19, 0)
#define WE_TXC_HDRLEN_SHIFT	8
#define WE_TXC_MSS_SHIFT	16
/* Upper dword */
#define WE_TXD_STAT_DD		BIT(0)
#define WE_TXD_POPTS_IXSM	BIT(8)	/* insert IP checksum */
#define WE_TXD_POPTS_TXSM	BIT(9)	/* insert TCP/UDP checksum */

/* MDIC */
#define WE_MDIC_REG_SHIFT	16
#define WE_MDIC_PHY_SHIFT	21
#define WE_MDIC_OP_WRITE	BIT(26)
#define WE_MDIC_OP_READ		(2u << 26)
#define WE_MDIC_READY		BIT(28)
#define WE_MDIC_ERROR		BIT(30)
#define WE_PHY_ADDR		1

#endif /* WREN_E1000_HW_H */
