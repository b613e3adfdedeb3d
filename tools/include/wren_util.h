/* SPDX-License-Identifier: GPL-2.0 */
/* Small parsing and formatting helpers shared by the wren tools. */
#ifndef _WREN_TOOLS_UTIL_H
#define _WREN_TOOLS_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define WREN_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Strict dotted quad "A.B.C.D" to a network-order address. 0 or -1. */
int wren_parse_ipv4(const char *s, struct in_addr *addr);
/*
 * "A.B.C.D/N" (or "A.B.C.D", meaning /32 when plen_default is 32, or
 * rejected when plen_default is negative).  0 or -1.
 */
int wren_parse_prefix(const char *s, struct in_addr *addr, int *plen,
		      int plen_default);
/* Network-order netmask of a prefix length 0..32. */
uint32_t wren_plen_mask(int plen);
/* "aa:bb:cc:dd:ee:ff" (':' or '-', one or two hex digits). 0 or -1. */
int wren_parse_mac(const char *s, uint8_t mac[6]);
/* Decimal unsigned, whole string, no sign, at most max.  0 or -1. */
int wren_parse_uint(const char *s, unsigned long max, unsigned long *v);
/* Non-negative decimal with optional fraction ("0.2", "1", "1.5"). */
int wren_parse_seconds(const char *s, double *secs);

/* Formatting into caller buffers; each returns buf. */
char *wren_fmt_ipv4(uint32_t be_addr, char *buf, size_t size);
char *wren_fmt_mac(const uint8_t mac[6], char *buf, size_t size);

/* Square root by Newton's method, avoiding a libm dependency. */
double wren_sqrt(double x);

#endif /* _WREN_TOOLS_UTIL_H */
