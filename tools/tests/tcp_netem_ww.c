// SPDX-License-Identifier: GPL-2.0
/*
 * wren TCP with wren TCP over veth through netem, both ways: 64 MiB a
 * transfer, sha256 checked.  netem sits on the far veth end, so it
 * hits the data one way and the ACKs the other.  The transfers and the
 * impairments are in lib/netem.h.
 */
#include "netem.h"

TEST_F_TIMEOUT(netem, loss_wren_wren, 900)
{
	EXPECT_EQ(0, run(_metadata, W2W, LOSS, self->port + 6, 64 * WT_MIB));
	EXPECT_EQ(0, run(_metadata, W2W_BACK, LOSS, self->port + 7, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, mix_wren_wren, 900)
{
	EXPECT_EQ(0, run(_metadata, W2W, MIX, self->port + 8, 64 * WT_MIB));
	EXPECT_EQ(0, run(_metadata, W2W_BACK, MIX, self->port + 9, 64 * WT_MIB));
}

TEST_F_TIMEOUT(netem, corrupt_wren_wren, 900)
{
	EXPECT_EQ(0, run(_metadata, W2W, CORRUPT, self->port + 10, 64 * WT_MIB));
	EXPECT_EQ(0, run(_metadata, W2W_BACK, CORRUPT, self->port + 11,
			 64 * WT_MIB));
}

WT_HARNESS_MAIN
