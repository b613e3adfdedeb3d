// SPDX-License-Identifier: GPL-2.0
/* Small parsing and formatting helpers shared by the wren tools. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wren_util.h"

int wren_parse_ipv4(const char *s, struct in_addr *addr)
{
	/* inet_pton() accepts exactly four decimal parts, each 0..255. */
	return inet_pton(AF_INET, s, addr) == 1 ? 0 : -1;
}

int wren_parse_prefix(const char *s, struct in_addr *addr, int *plen,
		      int plen_default)
{
	char buf[INET_ADDRSTRLEN + 4];
	const char *slash = strchr(s, '/');
	unsigned long n;
	size_t alen;

	if (!slash) {
		if (plen_default < 0 || wren_parse_ipv4(s, addr))
			return -1;
		*plen = plen_default;
		return 0;
	}
	alen = slash - s;
	if (alen == 0 || alen >= INET_ADDRSTRLEN)
		return -1;
	memcpy(buf, s, alen);
	buf[alen] = '\0';
	if (wren_parse_ipv4(buf, addr))
		return -1;
	if (wren_parse_uint(slash + 1, 32, &n))
		return -1;
	*plen = (int)n;
	return 0;
}

uint32_t wren_plen_mask(int plen)
{
	if (plen <= 0)
		return 0;
	if (plen >= 32)
		return 0xffffffffu;
	return htonl(~((1u << (32 - plen)) - 1));
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int wren_parse_mac(const char *s, uint8_t mac[6])
{
	int i;

	for (i = 0; i < 6; i++) {
		int hi = hexval((unsigned char)*s), lo;

		if (hi < 0)
			return -1;
		s++;
		lo = hexval((unsigned char)*s);
		if (lo >= 0) {
			hi = hi * 16 + lo;
			s++;
		}
		mac[i] = (uint8_t)hi;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s ? -1 : 0;
}

int wren_parse_uint(const char *s, unsigned long max, unsigned long *v)
{
	unsigned long n;
	char *end;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	n = strtoul(s, &end, 10);
	if (errno || *end || n > max)
		return -1;
	*v = n;
	return 0;
}

int wren_parse_seconds(const char *s, double *secs)
{
	double d;
	char *end;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	errno = 0;
	d = strtod(s, &end);
	if (errno || *end || d < 0 || d != d || d > 1e7)
		return -1;
	*secs = d;
	return 0;
}

char *wren_fmt_ipv4(uint32_t be_addr, char *buf, size_t size)
{
	const uint8_t *b = (const uint8_t *)&be_addr;

	snprintf(buf, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	return buf;
}

char *wren_fmt_mac(const uint8_t mac[6], char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

double wren_sqrt(double x)
{
	double r;
	int i;

	if (!(x > 0))
		return 0;
	r = x > 1 ? x : 1;
	for (i = 0; i < 200; i++) {
		double next = 0.5 * (r + x / r);

		if (next == r)
			break;
		r = next;
	}
	return r;
}
