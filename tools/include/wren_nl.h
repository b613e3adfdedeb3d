/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal generic-netlink client for the "wren" family: raw
 * NETLINK_GENERIC sockets, no libnl.  Requests are built in a caller's
 * buffer; replies are handed to a callback one message at a time.
 */
#ifndef _WREN_TOOLS_NL_H
#define _WREN_TOOLS_NL_H

#include <stddef.h>
#include <linux/types.h>
#include <linux/netlink.h>

struct wren_nl {
	int	fd;
	__u16	family;		/* resolved id of the "wren" family */
	__u32	seq;
	char	errmsg[256];	/* extack message of the last error, or "" */
};

/* A request under construction. */
struct wren_req {
	struct nlmsghdr	*nlh;
	size_t		size;	/* bytes available at nlh */
	int		overflow;
};

/*
 * Open a generic-netlink socket (with extended acks) and resolve the id of
 * the family "wren".  0, or a negative errno: -ENOENT when no such family
 * is registered (the module is not loaded).
 */
int wren_nl_open(struct wren_nl *nl);
void wren_nl_close(struct wren_nl *nl);

/*
 * Start a request for command cmd in buf; dump selects NLM_F_DUMP (a dump
 * request gets NLMSG_DONE at the end, any other an ack).
 */
void wren_req_init(struct wren_req *req, void *buf, size_t size,
		   __u16 family, __u8 cmd, int dump);
void wren_req_put(struct wren_req *req, __u16 type, const void *data,
		  size_t len);
void wren_req_put_u8(struct wren_req *req, __u16 type, __u8 v);
void wren_req_put_u32(struct wren_req *req, __u16 type, __u32 v);
void wren_req_put_str(struct wren_req *req, __u16 type, const char *s);

/*
 * Called for each reply message that is not an ack, error or DONE: attrs
 * points at the first attribute after the genl header, len is their total
 * length.  A non-zero return stops the exchange and is returned.
 */
typedef int (*wren_nl_cb)(const struct nlattr *attrs, int len, void *arg);

/*
 * Send req and read replies until the ack (or NLMSG_DONE for dumps).
 * Returns 0, a negative errno from the kernel (with nl->errmsg set to the
 * extack message when the kernel gave one), or a callback's value.
 */
int wren_nl_talk(struct wren_nl *nl, struct wren_req *req, wren_nl_cb cb,
		 void *arg);

/*
 * Index attributes (type <= max) of a stream into tb[0..max]; unknown types
 * are skipped, later duplicates win.  Returns 0 or -EINVAL if malformed.
 */
int wren_attr_parse(const struct nlattr *attrs, int len,
		    const struct nlattr **tb, int max);

static inline const void *wren_attr_data(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static inline int wren_attr_len(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* Typed getters: return def when the attribute is absent or too short. */
__u8 wren_attr_u8(const struct nlattr *a, __u8 def);
__u16 wren_attr_u16(const struct nlattr *a, __u16 def);
__u32 wren_attr_u32(const struct nlattr *a, __u32 def);
/* A string attribute copied (and NUL-terminated) into buf; "" if absent. */
const char *wren_attr_str(const struct nlattr *a, char *buf, size_t size);

#endif /* _WREN_TOOLS_NL_H */
