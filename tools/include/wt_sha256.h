/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SHA-256 (FIPS 180-4) for the test tools.  The guest image is static and
 * has no OpenSSL, so wt-xfer and the test library carry their own.
 *
 *	struct wt_sha256 c;
 *	char hex[WT_SHA256_HEX];
 *
 *	wt_sha256_init(&c);
 *	wt_sha256_update(&c, buf, len);		(any number of times)
 *	wt_sha256_final_hex(&c, hex);		("e3b0c442...", NUL-terminated)
 */
#ifndef _WT_SHA256_H
#define _WT_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define WT_SHA256_LEN	32
#define WT_SHA256_HEX	(2 * WT_SHA256_LEN + 1)

struct wt_sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];	/* partial block */
	size_t fill;		/* bytes in buf */
};

void wt_sha256_init(struct wt_sha256 *c);
void wt_sha256_update(struct wt_sha256 *c, const void *data, size_t len);
void wt_sha256_final(struct wt_sha256 *c, uint8_t out[WT_SHA256_LEN]);
void wt_sha256_final_hex(struct wt_sha256 *c, char hex[WT_SHA256_HEX]);

/* One-shot: the hex digest of @len bytes at @data. */
void wt_sha256_hex(const void *data, size_t len, char hex[WT_SHA256_HEX]);

#endif /* _WT_SHA256_H */
