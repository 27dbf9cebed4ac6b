/* SPDX-License-Identifier: GPL-2.0-or-later
 * The analysis engine's entry: fed one PDU at a time, it keeps a record per
 * PDU and hands each PDU to the handler of its opcode (login.c,
 * text-exchange.c, logout.c, nop.c). */
#include "analyzer-int.h"

static void pdu_free(gpointer p)
{
    isl_pdu *r = p;
    isl_findings_clear(&r->findings);
    g_free(r->xrecs);   /* r itself is in the arena */
}

void isl_limits_default(isl_limits *lim)
{
    *lim = (isl_limits){
        .max_sessions = 1000000, .max_text_bytes = 1u << 20, .max_keys = 1024, .max_pdus = 20000000,
        /* open-iscsi and LIO log in within milliseconds on a LAN: seconds
         * mean a retrying authentication server, DNS or a busy target */
        .slow_login_ms = 3000,
        .flap_logins = 5, .flap_interval_s = 60,
    };
}

isl_analyzer *isl_analyzer_new(const isl_limits *limits)
{
    isl_analyzer *a = g_new0(isl_analyzer, 1);
    a->arena = isl_arena_new();
    if (limits)
        a->lim = *limits;
    else
        isl_limits_default(&a->lim);
    a->conns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, isl_conn_free);
    a->sessions = g_ptr_array_new();   /* sessions and their names are in the arena */
    a->by_isid = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    a->pdus = g_ptr_array_new_with_free_func(pdu_free);
    a->logins = g_ptr_array_new_with_free_func(isl_login_free);
    a->textxs = g_ptr_array_new_with_free_func(isl_textx_free);
    a->logouts = g_ptr_array_new();    /* in the arena */
    a->shared.chap_challenges = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    a->shared.arena = a->arena;
    a->shared.max_keys = a->lim.max_keys;
    {
        isl_story_cfg sc = { a->lim.flap_logins ? a->lim.flap_logins : ISL_STORY_FLAP_LOGINS_DEFAULT,
                             a->lim.flap_interval_s ? a->lim.flap_interval_s : ISL_STORY_FLAP_INTERVAL_DEFAULT };
        a->story = isl_story_new(&sc);
    }
    a->shared.mute_legacy_keys = a->lim.mute_legacy_keys;
    return a;
}

void isl_analyzer_free(isl_analyzer *a)
{
    if (!a)
        return;
    g_hash_table_destroy(a->conns);
    isl_story_free(a->story);
    g_ptr_array_free(a->pdus, TRUE);
    g_ptr_array_free(a->logins, TRUE);
    g_ptr_array_free(a->textxs, TRUE);
    g_ptr_array_free(a->logouts, TRUE);
    g_hash_table_destroy(a->by_isid);
    g_ptr_array_free(a->sessions, TRUE);
    g_hash_table_destroy(a->shared.chap_challenges);
    isl_arena_free(a->arena);   /* last: everything above may point into it */
    g_free(a);
}

/* The first record of frame or later.  A pass asks for frames in order: the
 * answer is then at or just after the last one, found without a binary
 * search over the whole capture's records on every frame. */
static guint first_at_or_after(const isl_analyzer *a, uint32_t frame)
{
    isl_pdu **v = (isl_pdu **)a->pdus->pdata;
    guint len = a->pdus->len, h = a->frame_hint, lo = 0, hi = len;

    if (h < len && v[h]->frame < frame) {
        guint step = 1;
        lo = h + 1;
        for (;;) {
            guint p = lo + step - 1;
            if (p >= len)
                break;
            if (v[p]->frame >= frame) {
                hi = p + 1;
                break;
            }
            lo = p + 1;
            step <<= 1;
        }
    } else if (h < len) {
        if (h == 0 || v[h - 1]->frame < frame)
            return h;
        hi = h;
    }
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (v[mid]->frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

unsigned isl_analyzer_frame_pdus(const isl_analyzer *a, uint32_t frame, isl_pdu *const **out)
{
    isl_pdu **v = (isl_pdu **)a->pdus->pdata;
    guint lo, first;

    *out = NULL;
    lo = first_at_or_after(a, frame);
    ((isl_analyzer *)a)->frame_hint = lo;   /* a lookup cache, not analysis state */
    first = lo;
    while (lo < a->pdus->len && v[lo]->frame == frame)
        lo++;
    if (lo > first)
        *out = v + first;
    return lo - first;
}

uint32_t isl_analyzer_cap_frame(const isl_analyzer *a)
{
    return a->pdu_cap_frame;
}

uint32_t isl_analyzer_max_pdus(const isl_analyzer *a)
{
    return a->lim.max_pdus;
}

void isl_link_response(isl_pdu *req, isl_pdu *rsp)
{
    if (!req)
        return;
    rsp->request_in = req->frame;
    rsp->rtt_ns = rsp->ts - req->ts;
    if (!req->response_in)
        req->response_in = rsp->frame;
}

/* ---- feeding ----------------------------------------------------------------- */

static bool op_is(uint8_t op, uint8_t a, uint8_t b) { return op == a || op == b; }

/* SCSI Commands matter only when they break a session rule: during or
 * after a failed login, or in a Discovery session. */
static bool scsi_cmd_wanted(const isl_conn *c)
{
    return c->state == CONN_LOGIN || c->state == CONN_FAILED ||
           (c->session && c->session->type == ISL_ST_DISCOVERY && c->state == CONN_FFP);
}

static isl_pdu *record_new(isl_analyzer *a, const isl_pdu_in *in, const isl_bhs *b)
{
    isl_pdu *r = isl_arena_new0(a->arena, isl_pdu);
    r->frame = in->frame;
    r->aside = in->aside;
    r->ts = in->ts_ns;
    r->pdu_index = (uint16_t)in->pdu_index;
    r->opcode = b->opcode;
    r->flags = b->flags;
    r->rtt_ns = -1;
    g_ptr_array_add(a->pdus, r);
    return r;
}

/* The record of this PDU, or NULL past the analysed-PDU cap (the PDU that
 * reaches the cap still gets one, saying so). */
static isl_pdu *record_within_cap(isl_analyzer *a, isl_conn *c, const isl_pdu_in *in, const isl_bhs *b, bool *capped)
{
    isl_pdu *r;
    *capped = false;
    if (a->pdus->len >= a->lim.max_pdus) {
        if (a->pdu_cap_reported)
            return NULL;
        a->pdu_cap_reported = true;
    }
    r = record_new(a, in, b);
    if (a->pdu_cap_reported && a->pdus->len == a->lim.max_pdus + 1) {
        a->pdu_cap_frame = in->frame;
        isl_snapshot(r, c);
        isl_report(&r->findings, ISL_CHK_STATE_LIMIT, "More than %u analysed PDUs; later PDUs are not analysed", a->lim.max_pdus);
        *capped = true;
    }
    return r;
}

/* Bytes from the BHS to the data segment: BHS, AHS, then a header digest
 * when one was negotiated for this connection (never during login, §13.1). */
static uint32_t data_offset(const isl_feed_ctx *x)
{
    const isl_bhs *b = x->b;
    uint32_t hdr = isl_bhs_hdr_len(b), pad = (b->dsl + 3) & ~3u, reported = x->in->reported;
    uint8_t op = b->opcode;

    if (x->c->hd && x->c->state == CONN_FFP && !op_is(op, ISL_OP_LOGIN_REQ, ISL_OP_LOGIN_RSP)) {
        uint32_t expect = hdr + 4 + pad + (x->c->dd && b->dsl ? 4 : 0);
        if (reported < expect)
            isl_report(isl_out(x), ISL_CHK_DIGEST_MISMATCH, "HeaderDigest=CRC32C negotiated but this %u-byte PDU has no room for digests (expected %u bytes)",
                       reported, expect);
        else
            hdr += 4;
    } else if (!x->c->hd && x->c->state == CONN_FFP &&
               (op_is(op, ISL_OP_TEXT_REQ, ISL_OP_TEXT_RSP) || op_is(op, ISL_OP_NOP_OUT, ISL_OP_NOP_IN))) {
        if (reported == hdr + pad + 4 || reported == hdr + pad + 8)
            isl_report(isl_out(x), ISL_CHK_DIGEST_MISMATCH, "No digests were negotiated, but this PDU is %u bytes longer than its header and data",
                       reported - hdr - pad);
    }
    return hdr;
}

static void locate_data(isl_feed_ctx *x)
{
    const isl_bhs *b = x->b;
    uint32_t hdr = data_offset(x);

    x->data = hdr < x->in->avail ? x->in->pdu + hdr : NULL;
    x->dlen = x->data ? MIN(b->dsl, x->in->avail - hdr) : 0;
    x->r->data_truncated = x->dlen < b->dsl;
    if (x->dlen < b->dsl && (op_is(b->opcode, ISL_OP_LOGIN_REQ, ISL_OP_LOGIN_RSP) || op_is(b->opcode, ISL_OP_TEXT_REQ, ISL_OP_TEXT_RSP)))
        isl_report(isl_out(x), ISL_CHK_PDU_TRUNCATED, "Only %u of %u data bytes captured; keys in the rest are unknown", x->dlen, b->dsl);
}

/* Non-zero login status: both sides must close; nothing more may flow (§6.3). */
static void after_reject_rule(const isl_feed_ctx *x)
{
    uint8_t op = x->b->opcode;
    const isl_login *l = x->c->login;
    if (!isl_op_from_initiator(op) || op == ISL_OP_LOGIN_REQ || x->c->state != CONN_FAILED || !l)
        return;
    isl_report(isl_out(x), ISL_CHK_LOGIN_AFTER_REJECT, "%s after the login failed with status 0x%04x (frame %u)",
               op == ISL_OP_SCSI_CMD ? "SCSI Command" : op == ISL_OP_TEXT_REQ ? "Text Request" :
               op == ISL_OP_LOGOUT_REQ ? "Logout Request" : op == ISL_OP_NOP_OUT ? "NOP-Out" : "PDU",
               l->status, l->final_frame);
}

static void scsi_command(const isl_feed_ctx *x)
{
    isl_snapshot(x->r, x->c);
    if (x->c->state == CONN_LOGIN)
        isl_check_ffp(x->c, "SCSI Command", x->r);
    else if (x->c->state == CONN_FFP)
        isl_report(isl_out(x), ISL_CHK_DISC_FORBIDDEN_PDU, "SCSI Command in a Discovery session");
}

static void dispatch(const isl_feed_ctx *x)
{
    switch (x->b->opcode) {
    case ISL_OP_LOGIN_REQ: isl_login_request(x); isl_note_last(x->r); break;
    case ISL_OP_LOGIN_RSP: isl_login_response(x); isl_note_last(x->r); break;
    case ISL_OP_TEXT_REQ: isl_text_request(x); break;
    case ISL_OP_TEXT_RSP: isl_text_response(x); break;
    case ISL_OP_LOGOUT_REQ: isl_logout_request(x); break;
    case ISL_OP_LOGOUT_RSP: isl_logout_response(x); break;
    case ISL_OP_NOP_OUT: isl_ping(x, true); break;
    case ISL_OP_NOP_IN: isl_ping(x, false); break;
    case ISL_OP_SCSI_CMD: scsi_command(x); break;
    default:
        /* Reject, Async Message, vendor PDUs: tie them to their session. */
        isl_snapshot(x->r, x->c);
        if (x->b->opcode == ISL_OP_REJECT)
            isl_check_over_mrdsl(x->c, ISL_SIDE_I, x->b->dsl, "Reject", x->r);
        break;
    }
}

/* Login, Text and Logout PDUs seen twice (TCP retransmissions that reached
 * the iSCSI layer) are marked, not analysed again. */
static bool retransmitted(isl_conn *c, const isl_pdu_in *in, const isl_bhs *b, isl_pdu *r)
{
    uint8_t op = b->opcode;
    uint32_t orig = 0;
    if (!(op_is(op, ISL_OP_LOGIN_REQ, ISL_OP_LOGIN_RSP) || op_is(op, ISL_OP_TEXT_REQ, ISL_OP_TEXT_RSP) ||
          op_is(op, ISL_OP_LOGOUT_REQ, ISL_OP_LOGOUT_RSP)) ||
        !isl_is_retransmission(c, isl_op_from_initiator(op) ? 0 : 1, in, &orig))
        return false;
    isl_snapshot(r, c);
    r->retrans_of = orig;
    return true;
}

/* Errors and Warnings of this PDU, for the sessions table's Problems and
 * First problem columns (a record, so that every pass and filter counts them
 * once). */
static void problems_record(const isl_feed_ctx *x)
{
    const isl_finding *top = NULL;
    isl_severity top_sev = ISL_SEV_NOTE;
    uint32_t n = 0;

    for (const isl_finding *f = x->r->findings.head; f; f = f->next) {
        isl_severity sev = isl_check_get((isl_check)f->check)->severity;
        if (sev < ISL_SEV_WARN)
            continue;
        n++;
        /* Why a login failed is the problem to name first (checks.def). */
        if (!top || sev > top_sev || (sev == top_sev && f->check == ISL_CHK_LOGIN_FAILED)) {
            top = f;
            top_sev = sev;
        }
    }
    if (!n || !x->r->session)
        return;
    isl_xrec *pr = isl_add_xrec(x->r, ISL_X_PROBLEMS, x->r->session, 0, false, true, -1, x->r->frame, x->r->frame);
    pr->n_problems = n;
    pr->problem_severity = (uint8_t)top_sev;
    pr->problem = top->msg;
}

isl_pdu *isl_analyzer_feed(isl_analyzer *a, const isl_pdu_in *in)
{
    isl_bhs b;
    isl_feed_ctx x = { a, NULL, in, &b, NULL, NULL, 0 };
    bool capped;

    if (!in->pdu || in->avail < ISL_BHS_LEN)
        return NULL;
    isl_bhs_parse(&b, in->pdu);
    if (!isl_opcode_wanted(b.opcode))
        return NULL;
    x.c = isl_conn_get(a, in);
    if (b.opcode == ISL_OP_SCSI_CMD && !scsi_cmd_wanted(x.c))
        return NULL;
    x.r = record_within_cap(a, x.c, in, &b, &capped);
    if (!x.r || capped || retransmitted(x.c, in, &b, x.r))
        return x.r;
    locate_data(&x);
    after_reject_rule(&x);
    dispatch(&x);
    problems_record(&x);
    return x.r;
}

void *isl_conn_user(const isl_pdu *r)
{
    return r->conn ? r->conn->user : NULL;
}

void isl_conn_set_user(isl_pdu *r, void *user)
{
    if (r->conn)
        r->conn->user = user;
}

/* A frame whose iSCSI PDUs the caller could not hand over (another path
 * reached Wireshark's iSCSI dissector): a record that says so, so that the
 * frame is never silently left without analysis. */
isl_pdu *isl_analyzer_unanalysed(isl_analyzer *a, uint32_t frame, int64_t ts_ns, uint32_t conn_key)
{
    isl_pdu *r;
    unsigned n;
    isl_pdu *const *v;

    /* One record per frame, after any PDU of the frame that was analysed. */
    n = isl_analyzer_frame_pdus(a, frame, &v);
    for (unsigned i = 0; i < n; i++)
        if (v[i]->unanalysed)
            return v[i];
    r = isl_arena_new0(a->arena, isl_pdu);
    r->frame = frame;
    r->ts = ts_ns;
    r->pdu_index = (uint16_t)n;
    r->rtt_ns = -1;
    r->unanalysed = true;
    g_ptr_array_add(a->pdus, r);
    isl_report(&r->findings, ISL_CHK_STATE_UNANALYSED,
               "Frame %u: iSCSI PDUs decoded by Wireshark's iSCSI dissector (TCP stream %u) were not seen by the "
               "login analysis; logins, Text and Logout exchanges in them are not analysed", frame, conn_key);
    return r;
}
