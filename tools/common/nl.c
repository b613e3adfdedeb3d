// SPDX-License-Identifier: GPL-2.0
/*
 * A minimal generic-netlink client for the "wren" family (see wren_nl.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/wren.h>

#include "wren_nl.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

#define WREN_NL_RXBUF	65536

static int family_cb(const struct nlattr *attrs, int len, void *arg)
{
	const struct nlattr *tb[CTRL_ATTR_MAX + 1];
	__u16 *id = arg;

	if (wren_attr_parse(attrs, len, tb, CTRL_ATTR_MAX))
		return -EINVAL;
	if (tb[CTRL_ATTR_FAMILY_ID])
		*id = wren_attr_u16(tb[CTRL_ATTR_FAMILY_ID], 0);
	return 0;
}

int wren_nl_open(struct wren_nl *nl)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	__u32 buf[256];
	struct wren_req req;
	__u16 id = 0;
	int one = 1, err;

	memset(nl, 0, sizeof(*nl));
	nl->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (nl->fd < 0)
		return -errno;
	/* Best effort: old kernels lack these and still work. */
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl->fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (bind(nl->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		err = -errno;
		goto fail;
	}
	nl->seq = (__u32)getpid() << 8;

	wren_req_init(&req, buf, sizeof(buf), GENL_ID_CTRL,
		      CTRL_CMD_GETFAMILY, 0);
	wren_req_put_str(&req, CTRL_ATTR_FAMILY_NAME, WREN_GENL_NAME);
	err = wren_nl_talk(nl, &req, family_cb, &id);
	if (err)
		goto fail;
	if (!id) {
		err = -ENOENT;
		goto fail;
	}
	nl->family = id;
	return 0;
fail:
	close(nl->fd);
	nl->fd = -1;
	return err;
}

void wren_nl_close(struct wren_nl *nl)
{
	if (nl->fd >= 0)
		close(nl->fd);
	nl->fd = -1;
}

void wren_req_init(struct wren_req *req, void *buf, size_t size,
		   __u16 family, __u8 cmd, int dump)
{
	struct genlmsghdr *g;

	memset(buf, 0, size);
	req->nlh = buf;
	req->size = size;
	req->overflow = 0;
	req->nlh->nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req->nlh->nlmsg_type = family;
	req->nlh->nlmsg_flags = NLM_F_REQUEST | (dump ? NLM_F_DUMP : NLM_F_ACK);
	g = NLMSG_DATA(req->nlh);
	g->cmd = cmd;
	g->version = family == GENL_ID_CTRL ? 1 : WREN_GENL_VERSION;
}

void wren_req_put(struct wren_req *req, __u16 type, const void *data,
		  size_t len)
{
	size_t off = NLMSG_ALIGN(req->nlh->nlmsg_len);
	struct nlattr *a;

	if (off + NLA_ALIGN(NLA_HDRLEN + len) > req->size) {
		req->overflow = 1;
		return;
	}
	a = (struct nlattr *)((char *)req->nlh + off);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((char *)a + NLA_HDRLEN, data, len);
	req->nlh->nlmsg_len = off + NLA_ALIGN(a->nla_len);
}

void wren_req_put_u8(struct wren_req *req, __u16 type, __u8 v)
{
	wren_req_put(req, type, &v, sizeof(v));
}

void wren_req_put_u32(struct wren_req *req, __u16 type, __u32 v)
{
	wren_req_put(req, type, &v, sizeof(v));
}

void wren_req_put_str(struct wren_req *req, __u16 type, const char *s)
{
	wren_req_put(req, type, s, strlen(s) + 1);
}

/* Pick NLMSGERR_ATTR_MSG out of the TLVs that follow an error or DONE. */
static void extack_msg(struct wren_nl *nl, const struct nlmsghdr *nlh,
		       size_t off)
{
	const struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];
	const char *base = (const char *)nlh;

	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || off >= nlh->nlmsg_len)
		return;
	if (wren_attr_parse((const struct nlattr *)(base + off),
			    nlh->nlmsg_len - off, tb, NLMSGERR_ATTR_MAX))
		return;
	wren_attr_str(tb[NLMSGERR_ATTR_MSG], nl->errmsg, sizeof(nl->errmsg));
}

/* An NLMSG_ERROR: the kernel's verdict (0 for an ack). */
static int handle_error(struct wren_nl *nl, const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = NLMSG_DATA(nlh);
	size_t off;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*e)))
		return -EBADMSG;
	if (e->error) {
		off = NLMSG_LENGTH(sizeof(*e));
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - NLMSG_HDRLEN;
		extack_msg(nl, nlh, off);
	}
	return e->error;
}

/* An NLMSG_DONE: carries the dump's error as an int, possibly extack. */
static int handle_done(struct wren_nl *nl, const struct nlmsghdr *nlh)
{
	int err = 0;

	if (nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
		memcpy(&err, NLMSG_DATA(nlh), sizeof(err));
	if (err)
		extack_msg(nl, nlh, NLMSG_LENGTH(sizeof(int)));
	return err;
}

int wren_nl_talk(struct wren_nl *nl, struct wren_req *req, wren_nl_cb cb,
		 void *arg)
{
	static char rx[WREN_NL_RXBUF] __attribute__((aligned(8)));
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int cb_err = 0;
	__u32 seq;

	nl->errmsg[0] = '\0';
	if (req->overflow)
		return -EMSGSIZE;
	seq = ++nl->seq;
	req->nlh->nlmsg_seq = seq;
	if (sendto(nl->fd, req->nlh, req->nlh->nlmsg_len, 0,
		   (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return -errno;

	for (;;) {
		struct nlmsghdr *nlh;
		ssize_t n;
		int len;

		n = recv(nl->fd, rx, sizeof(rx), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		len = (int)n;
		for (nlh = (struct nlmsghdr *)rx; NLMSG_OK(nlh, len);
		     nlh = NLMSG_NEXT(nlh, len)) {
			const struct genlmsghdr *g;
			int err;

			if (nlh->nlmsg_seq != seq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR) {
				err = handle_error(nl, nlh);
				return err ? err : cb_err;
			}
			if (nlh->nlmsg_type == NLMSG_DONE) {
				err = handle_done(nl, nlh);
				return err ? err : cb_err;
			}
			if (nlh->nlmsg_type == NLMSG_NOOP ||
			    nlh->nlmsg_type == NLMSG_OVERRUN)
				continue;
			if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN))
				return -EBADMSG;
			g = NLMSG_DATA(nlh);
			if (cb && !cb_err)
				cb_err = cb((const struct nlattr *)
					    ((const char *)g + GENL_HDRLEN),
					    nlh->nlmsg_len -
					    NLMSG_LENGTH(GENL_HDRLEN), arg);
			/* A reply to a request without a dump: ack follows. */
		}
	}
}

int wren_attr_parse(const struct nlattr *attrs, int len,
		    const struct nlattr **tb, int max)
{
	const char *p = (const char *)attrs;

	memset(tb, 0, sizeof(*tb) * (max + 1));
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const struct nlattr *)p;
		int type = a->nla_type & NLA_TYPE_MASK;
		int step;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			return -EINVAL;
		if (type <= max)
			tb[type] = a;
		step = NLA_ALIGN(a->nla_len);
		if (step > len)
			break;
		p += step;
		len -= step;
	}
	return 0;
}

__u8 wren_attr_u8(const struct nlattr *a, __u8 def)
{
	if (!a || wren_attr_len(a) < 1)
		return def;
	return *(const __u8 *)wren_attr_data(a);
}

__u16 wren_attr_u16(const struct nlattr *a, __u16 def)
{
	__u16 v;

	if (!a || wren_attr_len(a) < (int)sizeof(v))
		return def;
	memcpy(&v, wren_attr_data(a), sizeof(v));
	return v;
}

__u32 wren_attr_u32(const struct nlattr *a, __u32 def)
{
	__u32 v;

	if (!a || wren_attr_len(a) < (int)sizeof(v))
		return def;
	memcpy(&v, wren_attr_data(a), sizeof(v));
	return v;
}

const char *wren_attr_str(const struct nlattr *a, char *buf, size_t size)
{
	size_t n;

	if (!size)
		return buf;
	buf[0] = '\0';
	if (!a)
		return buf;
	n = wren_attr_len(a);
	if (n >= size)
		n = size - 1;
	memcpy(buf, wren_attr_data(a), n);
	buf[n] = '\0';
	return buf;
}
