/* SPDX-License-Identifier: GPL-2.0-or-later
 * Runs of login attempts, redirects and relogin storms (story.c). */
#include "testutil.h"
#include "story.h"

static const uint8_t ISID[6] = { 0x80, 0, 0, 0, 0x11, 0x01 };
#define SEC 1000000000LL
#define I "iqn.2026-11.test:init"
#define T "iqn.2026-11.test:disk"

ISL_TEST("/story/retries", test_retries)
{
    isl_story *st = isl_story_new(NULL);
    isl_story_login l[6];

    for (unsigned i = 0; i < 6; i++) {
        isl_story_start(st, I, ISID, T, "127.0.0.1:3260", true, 10 + 10 * i, (int64_t)(2 * i) * SEC, &l[i]);
        g_assert_cmpuint(l[i].attempt, ==, i + 1);
        g_assert_cmpuint(l[i].failures, ==, i);
        if (i) {
            g_assert_cmpuint(l[i].run_first_frame, ==, 10);
            g_assert_cmpint(l[i].retry_interval_ns, ==, 2 * SEC);
            g_assert_cmpint(l[i].every_ns, ==, 2 * SEC);
        } else {
            g_assert_cmpint(l[i].retry_interval_ns, ==, -1);
        }
        isl_story_end(st, &l[i], i < 5 ? ISL_STORY_FAILED : ISL_STORY_SUCCESS, NULL, 12 + 10 * i, 0);
    }
    /* After the success the next login starts a new run. */
    isl_story_login n;
    isl_story_start(st, I, ISID, T, "127.0.0.1:3260", true, 100, 20 * SEC, &n);
    g_assert_cmpuint(n.attempt, ==, 1);
    g_assert_cmpuint(n.failures, ==, 0);
    isl_story_free(st);
}

/* Another ISID or target is another run; a login without a final response
 * counts as failed once the next attempt starts. */
ISL_TEST("/story/identity_and_open", test_identity_and_open)
{
    isl_story *st = isl_story_new(NULL);
    const uint8_t other[6] = { 0x80, 0, 0, 0, 0x11, 0x02 };
    isl_story_login a, b, c, d;

    isl_story_start(st, I, ISID, T, "127.0.0.1:3260", true, 1, 0, &a);
    isl_story_start(st, I, other, T, "127.0.0.1:3260", true, 2, SEC, &b);
    g_assert_cmpuint(b.attempt, ==, 1);
    isl_story_start(st, I, ISID, T, "127.0.0.1:3260", true, 3, 3 * SEC, &c);
    g_assert_cmpuint(c.attempt, ==, 2);
    g_assert_cmpuint(c.run_first_frame, ==, 1);
    isl_story_end(st, &a, ISL_STORY_SUCCESS, NULL, 9, 0);   /* too late: already counted */
    isl_story_start(st, I, ISID, "iqn.2026-11.test:other", "127.0.0.1:3260", true, 4, 4 * SEC, &d);
    g_assert_cmpuint(d.attempt, ==, 1);
    isl_story_free(st);
}

/* Connections added to one session log in side by side: an open one is not
 * a failure of the other. */
ISL_TEST("/story/parallel_connections", test_parallel_connections)
{
    isl_story *st = isl_story_new(NULL);
    isl_story_login a, b;

    isl_story_start(st, I, ISID, T, "127.0.0.1:3260", false, 1, 0, &a);
    isl_story_start(st, I, ISID, T, "127.0.0.1:3260", false, 2, 1, &b);
    g_assert_cmpuint(b.attempt, ==, 1);
    g_assert_cmpuint(b.failures, ==, 0);
    isl_story_end(st, &a, ISL_STORY_SUCCESS, NULL, 3, 0);
    isl_story_end(st, &b, ISL_STORY_SUCCESS, NULL, 4, 0);
    isl_story_free(st);
}

ISL_TEST("/story/redirect", test_redirect)
{
    isl_story *st = isl_story_new(NULL);
    isl_story_login g, m, x;

    isl_story_start(st, I, ISID, T, "127.0.0.84:3260", true, 4, 0, &g);
    isl_story_end(st, &g, ISL_STORY_REDIRECTED, "127.0.0.85:3260,1", 6, 0);
    /* A login elsewhere does not follow it. */
    isl_story_start(st, I, ISID, T, "127.0.0.86:3260", true, 8, SEC, &x);
    g_assert_cmpuint(x.redirected_from, ==, 0);
    g_assert_cmpuint(x.attempt, ==, 1);   /* a redirect is no failure */
    isl_story_end(st, &x, ISL_STORY_FAILED, NULL, 9, 0);
    g_assert_true(isl_story_start(st, I, ISID, T, "127.0.0.85:3260", true, 12, 2 * SEC, &m) == &g);
    g_assert_cmpuint(m.redirected_from, ==, 6);
    g_assert_cmpuint(g.redirected_to, ==, 12);
    g_assert_cmpuint(m.attempt, ==, 2);
    isl_story_free(st);
}

ISL_TEST("/story/portal", test_portal)
{
    char *p;
    g_assert_cmpstr((p = isl_story_portal("10.0.0.2:3260,1")), ==, "10.0.0.2:3260"); g_free(p);
    g_assert_cmpstr((p = isl_story_portal("10.0.0.2")), ==, "10.0.0.2:3260"); g_free(p);
    g_assert_cmpstr((p = isl_story_portal("[::1]:3261,2")), ==, "::1:3261"); g_free(p);
    g_assert_cmpstr((p = isl_story_portal("[fe80::1]")), ==, "fe80::1:3260"); g_free(p);
    g_assert_cmpstr((p = isl_story_portal("array.example.com:3262")), ==, "array.example.com:3262"); g_free(p);
    g_assert_null(isl_story_portal(""));
    g_assert_null(isl_story_portal(",1"));
    g_assert_null(isl_story_portal("[::1"));
}

/* Five successful logins within 60 s cross the default threshold once; after
 * a calm interval a new storm is reported again. */
ISL_TEST("/story/storm", test_storm)
{
    isl_story *st = isl_story_new(NULL);
    isl_story_login l;
    unsigned reported = 0, at = 0;

    for (unsigned i = 0; i < 8; i++) {
        isl_story_start(st, I, ISID, T, "127.0.0.1:3260", true, i + 1, (int64_t)i * 2 * SEC, &l);
        isl_story_end(st, &l, ISL_STORY_SUCCESS, NULL, i + 1, 0);
        if (l.flap_logins) {
            reported++;
            at = i;
            g_assert_cmpuint(l.flap_logins, ==, 5);
            g_assert_cmpint(l.flap_span_ns, ==, 8 * SEC);
        }
    }
    g_assert_cmpuint(reported, ==, 1);
    g_assert_cmpuint(at, ==, 4);
    for (unsigned i = 0; i < 5; i++) {
        isl_story_start(st, I, ISID, T, "127.0.0.1:3260", true, 100 + i, (int64_t)(1000 + i) * SEC, &l);
        isl_story_end(st, &l, ISL_STORY_SUCCESS, NULL, 100 + i, 0);
    }
    g_assert_cmpuint(l.flap_logins, ==, 5);
    isl_story_free(st);

    isl_story_cfg cfg = { 3, 10 };
    st = isl_story_new(&cfg);
    for (unsigned i = 0; i < 3; i++) {
        isl_story_start(st, I, ISID, T, "127.0.0.1:3260", true, i + 1, (int64_t)i * 6 * SEC, &l);
        isl_story_end(st, &l, ISL_STORY_SUCCESS, NULL, i + 1, 0);
    }
    g_assert_cmpuint(l.flap_logins, ==, 0);   /* 12 s > 10 s */
    isl_story_free(st);
}
