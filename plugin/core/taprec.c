/* SPDX-License-Identifier: GPL-2.0-or-later
 * Tap records: one per finished exchange (login, stage, Text, Logout), for
 * the statistics tables. */
#include "analyzer-int.h"

const char *isl_xkind_name(isl_xkind k)
{
    static const char *const n[] = { "Discovery login", "Normal login", "Security stage", "Operational stage",
                                      "SendTargets", "Text negotiation", "Logout", "Problems" };
    return (unsigned)k < ISL_X_COUNT ? n[k] : "?";
}

/* Appends a record to r; the pointer holds until the next one is added. */
isl_xrec *isl_add_xrec(isl_pdu *r, isl_xkind kind, isl_session *s, uint16_t status, bool failed, bool complete,
                       int64_t t, uint32_t first, uint32_t last)
{
    isl_xrec *x;
    r->xrecs = g_renew(isl_xrec, r->xrecs, r->n_xrecs + 1);
    x = &r->xrecs[r->n_xrecs++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->session = s ? s->number : 0;
    x->initiator_known = s && s->initiator_name;
    x->target_known = s && s->target_name;
    x->status = status;
    x->failed = failed;
    x->complete = complete;
    x->time_ns = t;
    x->first_frame = first;
    x->last_frame = last;
    x->sess = s;
    x->login = NULL;
    x->n_targets = 0;
    return x;
}

isl_xrec isl_login_unfinished_xrec(const isl_login *l)
{
    isl_xrec x;
    isl_session *s = l->session;
    memset(&x, 0, sizeof x);
    x.kind = s && s->type == ISL_ST_DISCOVERY ? ISL_X_DISCOVERY_LOGIN : ISL_X_NORMAL_LOGIN;
    x.session = s ? s->number : 0;
    x.initiator_known = s && s->initiator_name;
    x.target_known = s && s->target_name;
    x.time_ns = -1;
    x.unfinished = true;
    x.first_frame = l->first_frame;
    x.last_frame = l->last_frame;
    x.sess = s;
    x.login = l;
    return x;
}
