/* SPDX-License-Identifier: GPL-2.0-or-later
 * NOP-Out / NOP-In pings (RFC 7143 §11.18, §11.19): either side may ping,
 * and the answer echoes the tag. */
#include "analyzer-int.h"

/* Pings waiting for their answer per connection, at most this many. */
#define PINGS_MAX 1024

/* A target's ping is keyed by its TTT with the top bit set, so that it
 * cannot meet an initiator's ITT in the same table. */
static gpointer target_tag(uint32_t ttt) { return GUINT_TO_POINTER(ttt ^ 0x80000000u); }

/* The answer to a pending ping under key, or a new pending ping under own. */
static void ping_match(isl_conn *c, isl_pdu *r, uint32_t answer_tag, gpointer answer_key, uint32_t own_tag, gpointer own_key)
{
    isl_pdu *req;
    if (answer_tag != TTT_NONE && (req = g_hash_table_lookup(c->pings, answer_key))) {
        isl_link_response(req, r);
        g_hash_table_remove(c->pings, answer_key);
    } else if (own_tag != TTT_NONE && g_hash_table_size(c->pings) < PINGS_MAX) {
        g_hash_table_insert(c->pings, own_key, r);
    }
}

void isl_ping(const isl_feed_ctx *x, bool out_dir)
{
    isl_conn *c = x->c;
    uint32_t itt = x->b->itt, ttt = x->b->w20;

    isl_snapshot(x->r, c);
    if (!c->pings)
        c->pings = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (out_dir) {
        isl_check_ffp(c, "NOP-Out", x->r);
        isl_check_over_mrdsl(c, ISL_SIDE_T, x->b->dsl, "NOP-Out", x->r);
        ping_match(c, x->r, ttt, target_tag(ttt), itt, GUINT_TO_POINTER(itt));
    } else {
        isl_check_over_mrdsl(c, ISL_SIDE_I, x->b->dsl, "NOP-In", x->r);
        ping_match(c, x->r, itt, GUINT_TO_POINTER(itt), ttt, target_tag(ttt));
    }
}
