/* SPDX-License-Identifier: GPL-2.0-or-later
 * Runs of login attempts, redirects and relogin storms (story.h). */
#include "story.h"
#include "arena.h"

#include <glib.h>
#include <string.h>

typedef struct {
    uint32_t attempts;           /* attempts of the current run so far */
    uint32_t failures;           /* failed attempts since the last success */
    uint32_t run_first_frame;
    int64_t run_start_ts, last_start_ts;
    isl_story_login *open;       /* last login, still without an end */
    isl_story_login *redirect;   /* a redirect waiting for its follow-up */
    char *redirect_portal;
    uint32_t redirect_frame;
    int64_t *succ;               /* start times of the last successful logins (ring) */
    unsigned succ_n, succ_pos;
    bool storm_reported;
} run;

/* Runs, their keys and their storm rings live as long as the story: in an
 * arena, as a login storm has nearly a run per session. */
struct isl_story {
    isl_story_cfg cfg;
    GHashTable *runs;            /* identity key -> run */
    isl_arena *arena;
};

/* Who logs in where: the names interned in the story's arena, so that a key
 * is two pointers and the ISID, compared without a string compare. */
typedef struct {
    const char *initiator, *target;
    uint8_t isid[6];
} run_key;

static guint run_key_hash(gconstpointer p)
{
    const run_key *k = p;
    guint h = g_direct_hash(k->initiator) * 31u + g_direct_hash(k->target);
    for (int i = 0; i < 6; i++)
        h = h * 31u + k->isid[i];
    return h;
}

static gboolean run_key_equal(gconstpointer a, gconstpointer b)
{
    const run_key *x = a, *y = b;
    return x->initiator == y->initiator && x->target == y->target && memcmp(x->isid, y->isid, 6) == 0;
}

static void run_free(gpointer p)
{
    run *r = p;
    g_free(r->redirect_portal);
}

isl_story *isl_story_new(const isl_story_cfg *cfg)
{
    isl_story *st = g_new0(isl_story, 1);
    st->cfg.flap_logins = cfg ? cfg->flap_logins : ISL_STORY_FLAP_LOGINS_DEFAULT;
    st->cfg.flap_interval_s = cfg ? cfg->flap_interval_s : ISL_STORY_FLAP_INTERVAL_DEFAULT;
    if (st->cfg.flap_logins < 2)
        st->cfg.flap_logins = 2;
    st->runs = g_hash_table_new_full(run_key_hash, run_key_equal, NULL, run_free);
    st->arena = isl_arena_new();
    return st;
}

void isl_story_free(isl_story *st)
{
    if (!st)
        return;
    g_hash_table_destroy(st->runs);
    isl_arena_free(st->arena);
    g_free(st);
}

const isl_story_cfg *isl_story_config(const isl_story *st) { return &st->cfg; }

char *isl_story_portal(const char *ta)
{
    const char *host, *end, *comma, *port = NULL;
    size_t hlen;

    if (!ta || !*ta)
        return NULL;
    comma = strchr(ta, ',');
    end = comma ? comma : ta + strlen(ta);
    if (*ta == '[') {
        const char *close = memchr(ta, ']', (size_t)(end - ta));
        if (!close)
            return NULL;
        host = ta + 1;
        hlen = (size_t)(close - host);
        if (close + 1 < end && close[1] == ':')
            port = close + 2;
    } else {
        const char *colon = memchr(ta, ':', (size_t)(end - ta));
        host = ta;
        hlen = colon ? (size_t)(colon - ta) : (size_t)(end - ta);
        if (colon)
            port = colon + 1;
    }
    if (!hlen)
        return NULL;
    if (port && port < end)
        return g_strdup_printf("%.*s:%.*s", (int)hlen, host, (int)(end - port), port);
    return g_strdup_printf("%.*s:3260", (int)hlen, host);
}

/* The portal a login goes to, as the caller gives it: "host:port" with the
 * port after the last ':' (IPv6 hosts are not bracketed). */
static bool same_portal(const char *portal, const char *dst)
{
    const char *pc = strrchr(portal, ':'), *dc = dst ? strrchr(dst, ':') : NULL;
    if (!pc || !dc || strcmp(pc, dc))
        return false;
    return (size_t)(pc - portal) == (size_t)(dc - dst) && !g_ascii_strncasecmp(portal, dst, (size_t)(pc - portal));
}

static run *run_get(isl_story *st, const char *initiator, const uint8_t isid[6], const char *target)
{
    run_key k = { isl_arena_intern(st->arena, initiator ? initiator : ""), isl_arena_intern(st->arena, target ? target : ""),
                  { 0 } };
    run *r;

    memcpy(k.isid, isid, 6);
    r = g_hash_table_lookup(st->runs, &k);
    if (!r) {
        run_key *kept = isl_arena_new0(st->arena, run_key);
        *kept = k;
        r = isl_arena_new0(st->arena, run);
        g_hash_table_insert(st->runs, kept, r);
    }
    return r;
}

static void count_failure(run *r, uint32_t first_frame)
{
    if (r->failures++ == 0)
        r->run_first_frame = first_frame;
}

isl_story_login *isl_story_start(isl_story *st, const char *initiator, const uint8_t isid[6], const char *target,
                                 const char *dst, bool leading, uint32_t frame, int64_t ts, isl_story_login *sl)
{
    run *r = run_get(st, initiator, isid, target);
    isl_story_login *from = NULL;

    /* The previous login never got a final response: it failed (the
     * initiator gave up on it and tries again). */
    if (r->open && r->open->leading && leading) {
        count_failure(r, r->open->first_frame);
        r->open->run = NULL;             /* its end, if it comes, changes nothing more */
    }
    memset(sl, 0, sizeof *sl);
    sl->retry_interval_ns = sl->every_ns = -1;
    if (r->failures) {
        sl->attempt = ++r->attempts;
        sl->failures = r->failures;
        sl->run_first_frame = r->run_first_frame;
        sl->retry_interval_ns = ts - r->last_start_ts;
        sl->every_ns = (ts - r->run_start_ts) / (sl->attempt - 1);
    } else {
        sl->attempt = r->attempts = 1;
        r->run_start_ts = ts;
    }
    r->last_start_ts = ts;
    r->open = sl;
    sl->run = r;
    sl->start_ts = ts;
    sl->first_frame = frame;
    sl->leading = leading;

    if (r->redirect && same_portal(r->redirect_portal, dst)) {
        from = r->redirect;
        from->redirected_to = frame;
        sl->redirected_from = r->redirect_frame;
        r->redirect = NULL;
        g_clear_pointer(&r->redirect_portal, g_free);
    }
    return from;
}

/* Successful logins of one identity within the storm interval. */
static void count_success(isl_story *st, run *r, isl_story_login *sl, int64_t start_ts)
{
    unsigned n = st->cfg.flap_logins, in = 0;
    int64_t window = (int64_t)st->cfg.flap_interval_s * 1000000000, oldest = start_ts;

    if (!r->succ)
        r->succ = isl_arena_alloc0(st->arena, n * sizeof *r->succ);
    if (r->succ_n && start_ts - r->succ[(r->succ_pos + n - 1) % n] > window)
        r->storm_reported = false;          /* calm again: a later storm is reported anew */
    r->succ[r->succ_pos] = start_ts;
    r->succ_pos = (r->succ_pos + 1) % n;
    if (r->succ_n < n)
        r->succ_n++;
    for (unsigned i = 0; i < r->succ_n; i++)
        if (start_ts - r->succ[i] <= window) {
            in++;
            if (r->succ[i] < oldest)
                oldest = r->succ[i];
        }
    if (in >= n && !r->storm_reported) {
        r->storm_reported = true;
        sl->flap_logins = in;
        sl->flap_span_ns = start_ts - oldest;
    }
}

void isl_story_end(isl_story *st, isl_story_login *sl, isl_story_end_kind kind, const char *address,
                   uint32_t final_frame, int64_t ts)
{
    run *r = sl->run;
    (void)ts;

    /* Ended already, or counted as failed when the next attempt started. */
    if (!r)
        return;
    sl->run = NULL;
    if (r->open == sl)
        r->open = NULL;
    switch (kind) {
    case ISL_STORY_SUCCESS:
        r->failures = 0;
        r->attempts = 0;
        count_success(st, r, sl, sl->start_ts);
        break;
    case ISL_STORY_FAILED:
        count_failure(r, sl->first_frame);
        break;
    case ISL_STORY_REDIRECTED:
        g_free(r->redirect_portal);
        r->redirect_portal = isl_story_portal(address);
        r->redirect = r->redirect_portal ? sl : NULL;
        r->redirect_frame = final_frame;
        break;
    }
}
