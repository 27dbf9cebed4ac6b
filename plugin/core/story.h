/* SPDX-License-Identifier: GPL-2.0-or-later
 * The login story across logins: runs of failed attempts and their retries,
 * redirects and the login that follows them, relogin storms.  Logins are
 * grouped by who logs in where: initiator name + ISID + target name (the
 * session identity of RFC 7143 §4.4.3 without the TSIH, which each new
 * session gets anew).  Plain C + GLib: fed by the analyzer in capture order. */
#ifndef ISL_STORY_H
#define ISL_STORY_H

#include <stdbool.h>
#include <stdint.h>

typedef struct {
    unsigned flap_logins;        /* this many successful logins ... */
    unsigned flap_interval_s;    /* ... within this many seconds: a relogin storm */
} isl_story_cfg;

#define ISL_STORY_FLAP_LOGINS_DEFAULT 5
#define ISL_STORY_FLAP_INTERVAL_DEFAULT 60

/* What the story says about one login (kept in the login). */
typedef struct {
    uint32_t attempt;            /* 1-based; 0 when the login's identity was never seen */
    uint32_t failures;           /* failed attempts of the run before this one */
    uint32_t run_first_frame;    /* first frame of the run's first failed attempt */
    int64_t retry_interval_ns;   /* since the previous attempt started; -1 for attempt 1 */
    int64_t every_ns;            /* mean time between the run's attempts; -1 for attempt 1 */
    uint32_t redirected_from;    /* frame of the redirect this login follows; 0 none */
    uint32_t redirected_to;      /* on a redirect: first frame of the login that follows it */
    uint32_t flap_logins;        /* > 0 on the login that made the identity cross the
                                  * storm threshold: successful logins in the interval */
    int64_t flap_span_ns;        /* the time those logins took */
    /* for the story's own use */
    void *run;
    int64_t start_ts;
    uint32_t first_frame;
    bool leading;
} isl_story_login;

typedef enum { ISL_STORY_SUCCESS, ISL_STORY_FAILED, ISL_STORY_REDIRECTED } isl_story_end_kind;

typedef struct isl_story isl_story;

isl_story *isl_story_new(const isl_story_cfg *cfg);   /* NULL: defaults */
void isl_story_free(isl_story *st);

/* A login's identity is known (its first request with names): assign its
 * attempt number.  dst is the portal the login goes to ("host:port", the
 * port after the last ':').  Returns the story of the redirected login this
 * one follows, if any (its redirected_to is set here), so that the caller can
 * show the link on both; NULL otherwise.  leading: the login opens a new
 * session (TSIH 0).  A leading login still without an end when the next
 * leading login of its identity starts was given up: it counts as failed.
 * Logins that add a connection may run side by side (several connections of
 * one session): they never fail one another. */
isl_story_login *isl_story_start(isl_story *st, const char *initiator, const uint8_t isid[6],
                                 const char *target, const char *dst, bool leading, uint32_t frame, int64_t ts_ns,
                                 isl_story_login *sl);
/* The login ended: with a final response (success), a failure (status class
 * 2 or 3, or a reject), or a redirect to address (a TargetAddress value,
 * "host[:port][,tpgt]").  sl must be the one given to isl_story_start (logins
 * whose identity was never seen are not fed). */
void isl_story_end(isl_story *st, isl_story_login *sl, isl_story_end_kind kind, const char *address,
                   uint32_t final_frame, int64_t ts_ns);

const isl_story_cfg *isl_story_config(const isl_story *st);

/* "host:port" of a TargetAddress value (brackets of an IPv6 host removed,
 * the portal group tag dropped, port 3260 when none is given); NULL when the
 * value has no host.  Caller frees. */
char *isl_story_portal(const char *target_address);

#endif
