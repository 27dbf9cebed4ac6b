/* SPDX-License-Identifier: GPL-2.0-or-later
 * Logout exchanges (RFC 7143 §11.14, §11.15). */
#include "analyzer-int.h"

void isl_logout_request(const isl_feed_ctx *x)
{
    const isl_bhs *b = x->b;
    isl_conn *c = x->c;
    isl_pdu *r = x->r;
    isl_logoutx *lo = isl_arena_new0(x->a->arena, isl_logoutx);

    isl_check_ffp(c, "Logout Request", r);
    g_ptr_array_add(x->a->logouts, lo);
    lo->session = c->session;
    lo->req_frame = x->in->frame;
    lo->req_ts = x->in->ts_ns;
    lo->reason = b->flags & 0x7f;
    lo->cid = isl_bhs_cid(b);
    lo->session_duration = -1;
    isl_snapshot(r, c);
    r->logout = lo;
    r->cid = lo->cid;
    r->cid_known = true;
    if (b->dsl || b->ahs_words)
        isl_report(&r->findings, ISL_CHK_LOGOUT_NONZERO_LENGTH, "Logout Request carries %u data bytes and %u AHS words", b->dsl, b->ahs_words);
    if (lo->reason > 2)
        isl_report(&r->findings, ISL_CHK_LOGOUT_REASON, "Logout reason %u is reserved (0 session, 1 connection, 2 recovery)", lo->reason);
    else if (c->session && c->session->type == ISL_ST_DISCOVERY && lo->reason != 0)
        isl_report(&r->findings, ISL_CHK_LOGOUT_REASON, "Logout reason %u in a Discovery session; only 0 (close the session) is allowed", lo->reason);
    c->logout = lo;
    /* reason 0 closes every connection; reasons 1 and 2 name a CID, which may be another one */
    if (lo->reason == 0 || lo->cid == c->cid)
        c->logout_frame = x->in->frame;
    lo->req_pdu = r;
}

/* What a logout's outcome does to its connection and session. */
static void logout_takes_effect(isl_conn *c, isl_logoutx *lo, int64_t ts)
{
    if (c->session && c->session->ffp_ts >= 0)
        lo->session_duration = ts - c->session->ffp_ts;
    if (lo->response != 0)
        c->logout_frame = 0;   /* the logout did not happen: requests may go on */
    if (c->session && lo->response == 0 && lo->reason == 0) {
        c->session->ended = true;
        c->session->logged_in = false;
    }
}

void isl_logout_response(const isl_feed_ctx *x)
{
    const isl_bhs *b = x->b;
    isl_conn *c = x->c;
    isl_pdu *r = x->r;
    isl_logoutx *lo = c->logout;

    isl_snapshot(r, c);
    if (!lo || lo->have_rsp) {
        /* A capture that starts mid-exchange: not a protocol fault. */
        isl_report(&r->findings, ISL_CHK_LOGOUT_NO_REQUEST, "Logout Response without a captured Logout Request");
        return;
    }
    r->logout = lo;
    lo->have_rsp = true;
    lo->rsp_frame = x->in->frame;
    lo->response = b->b2;
    lo->time2wait = b->time2wait;
    lo->time2retain = b->time2retain;
    r->request_in = lo->req_frame;
    r->rtt_ns = x->in->ts_ns - lo->req_ts;
    if (lo->req_pdu && !lo->req_pdu->response_in)
        lo->req_pdu->response_in = x->in->frame;
    r->cid = lo->cid;
    r->cid_known = true;
    if (b->dsl || b->ahs_words)
        isl_report(&r->findings, ISL_CHK_LOGOUT_NONZERO_LENGTH, "Logout Response carries %u data bytes", b->dsl);
    if (lo->response) {
        static const char *const rn[] = { "closed successfully", "CID not found", "connection recovery is not supported", "cleanup failed" };
        isl_report(&r->findings, ISL_CHK_LOGOUT_RESPONSE, "Logout response %u: %s", lo->response, lo->response < 4 ? rn[lo->response] : "reserved value");
    }
    logout_takes_effect(c, lo, x->in->ts_ns);
    isl_add_xrec(r, ISL_X_LOGOUT, c->session, lo->response, lo->response != 0, true, x->in->ts_ns - lo->req_ts,
                 lo->req_frame, x->in->frame);
}
