// SPDX-License-Identifier: GPL-2.0
/*
 * What only the debug kernel can show (debug lane only; elsewhere the
 * tests skip): the lock classes lockdep knows wren's sockets by.  Family
 * 25 is AF_WANPIPE's slot in the core's name table, so without a class of
 * their own wren's socket locks would read "sk_lock-AF_WANPIPE" in every
 * lockdep report, and a child from a passive open gets the family's
 * default class back from sk_clone_lock().
 */
#include <netinet/in.h>
#include <signal.h>
#include "kselftest_harness.h"
#include "tcp_fixture.h"

TEST_F(peer, lockdep_names_wren_sockets)
{
	int lfd, c, s;
	char *classes;

	if (access("/proc/lockdep", R_OK))
		SKIP(return, "no lockdep in this kernel");
	/* An active open (wren's own socket) and a passive one (a child). */
	ASSERT_EQ(0, tt_pair(self->port, &self->w, &self->l));
	ASSERT_TRUE(tt_alive(self->w, self->l));
	lfd = tt_listener(self->port + 1, 4);
	ASSERT_LE(0, lfd);
	c = tt_linux_client(self->port + 1);
	ASSERT_LE(0, c);
	s = accept(lfd, NULL, NULL);
	ASSERT_LE(0, s);
	ASSERT_TRUE(tt_alive(s, c));

	classes = wt_read_file("/proc/lockdep");
	ASSERT_NE(NULL, classes);
	EXPECT_NE(NULL, strstr(classes, "slock-AF_WREN"));
	EXPECT_NE(NULL, strstr(classes, "sk_lock-AF_WREN"));
	/*
	 * sk_clone_lock() takes the child's spinlock under the family's
	 * default class before wren can move it, so "slock-AF_WANPIPE" is
	 * registered once; the socket lock proper is never taken under it.
	 */
	EXPECT_EQ(NULL, strstr(classes, "sk_lock-AF_WANPIPE"))
		TH_LOG("a wren socket lock still has family 25's name");
	free(classes);
	close(s);
	close(c);
	close(lfd);
}

WT_HARNESS_MAIN
