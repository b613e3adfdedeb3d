/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The deterministic pseudo-random payload of wt-xfer.
 *
 * The payload is an endless byte stream fixed by a 64-bit seed: bytes
 * 8k..8k+7 are the little-endian splitmix64 output for word k.  Any range of
 * it can be produced (or checked) independently, so a receiver can verify
 * the content it gets at any offset without state, and a UDP datagram can
 * carry the bytes of its own slot of the stream.
 */
#ifndef _WT_PATTERN_H
#define _WT_PATTERN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define WT_PATTERN_SEED	0x77726e2d78666572ULL	/* "wrn-xfer" */

static inline uint64_t wt_pattern_word(uint64_t seed, uint64_t k)
{
	uint64_t z = seed + (k + 1) * 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Fill @buf with stream bytes [@off, @off + @len) of the pattern @seed. */
static inline void wt_pattern_fill(void *buf, size_t len, uint64_t off,
				   uint64_t seed)
{
	uint8_t *p = buf;
	uint64_t k = off / 8, w;
	unsigned int skip = off % 8, i;

	while (len) {
		w = wt_pattern_word(seed, k++);
		if (skip || len < 8) {
			for (i = skip; i < 8 && len; i++, len--)
				*p++ = (uint8_t)(w >> (8 * i));
			skip = 0;
			continue;
		}
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
		w = __builtin_bswap64(w);
#endif
		memcpy(p, &w, 8);
		p += 8;
		len -= 8;
	}
}

#endif /* _WT_PATTERN_H */
