// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP with the guest's Linux TCP through netem, both ways: 64 MiB a
 * transfer, sha256 checked, netem on both qdiscs of the wire (eth0 for
 * what wren sends, peer0 for what Linux sends).  The transfers and the
 * impairments are in lib/netem.h; wren to wren is tcp_netem_ww.c.
 */
#include "netem.h"

TEST_F_TIMEOUT(netem, loss_wren_to_linux, 600)
{
	EXPECT_EQ(0, run(_metadata, W2L, LOSS, self->port, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, loss_linux_to_wren, 600)
{
	EXPECT_EQ(0, run(_metadata, L2W, LOSS, self->port + 1, 64 * WT_MIB));
}

/*
 * The slowest transfers of make check: through this mix, TCP (Linux's
 * or wren's) moves about 0.4 MB/s under TCG, so 64 MiB take about 170 s.
 */
TEST_F_TIMEOUT(netem, mix_wren_to_linux, 600)
{
	EXPECT_EQ(0, run(_metadata, W2L, MIX, self->port + 2, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, mix_linux_to_wren, 600)
{
	EXPECT_EQ(0, run(_metadata, L2W, MIX, self->port + 3, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, corrupt_wren_to_linux, 600)
{
	EXPECT_EQ(0, run(_metadata, W2L, CORRUPT, self->port + 4, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, corrupt_linux_to_wren, 600)
{
	EXPECT_EQ(0, run(_metadata, L2W, CORRUPT, self->port + 5, 64 * WT_MIB));
}

WT_HARNESS_MAIN
