/* SPDX-License-Identifier: GPL-2.0-or-later
 * Text exchanges in full feature phase (RFC 7143 §6.4, §11.10, §11.11):
 * SendTargets discovery (Appendix C) and renegotiation of keys. */
#include "analyzer-int.h"
#include "values.h"

static void text_free_cb(gpointer p) { isl_text_free(p); }

static void target_rec_free(gpointer p)
{
    isl_target_rec *t = p;
    g_free(t->name);
    g_ptr_array_free(t->addresses, TRUE);
    g_free(t);
}

void isl_textx_free(gpointer p)
{
    isl_textx *t = p;
    isl_nego_free(t->nego);
    g_ptr_array_free(t->texts, TRUE);
    if (t->carry)
        g_byte_array_free(t->carry, TRUE);
    g_ptr_array_free(t->targets, TRUE);
    g_free(t->st_value);   /* t itself is in the arena */
}

static isl_textx *textx_find(isl_conn *c, uint32_t itt)
{
    for (unsigned i = 0; c->texts && i < c->texts->len; i++) {
        isl_textx *x = g_ptr_array_index(c->texts, i);
        if (x->itt == itt && !x->done)
            return x;
    }
    return NULL;
}

static isl_textx *textx_new(const isl_feed_ctx *f)
{
    isl_textx *x = isl_arena_new0(f->a->arena, isl_textx);
    x->conn = f->c;
    x->session = f->c->session;
    x->itt = f->b->itt;
    x->ttt = TTT_NONE;
    x->first_frame = f->in->frame;
    x->first_ts = f->in->ts_ns;
    x->texts = g_ptr_array_new_with_free_func(text_free_cb);
    x->targets = g_ptr_array_new_with_free_func(target_rec_free);
    g_ptr_array_add(f->a->textxs, x);
    if (!f->c->texts)
        f->c->texts = g_ptr_array_new();   /* most connections never send a Text Request */
    g_ptr_array_add(f->c->texts, x);
    return x;
}

/* ---- requests ---------------------------------------------------------------- */

/* The exchange a request belongs to: the open one with its ITT, continued
 * with the TTT the target gave (§6.4, §11.10), or a new one. */
static isl_textx *request_exchange(const isl_feed_ctx *f)
{
    const isl_bhs *b = f->b;
    isl_textx *x = textx_find(f->c, b->itt);
    uint32_t ttt = b->w20;

    if (x && ttt != TTT_NONE && x->ttt != TTT_NONE && ttt != x->ttt)
        isl_report(isl_out(f), ISL_CHK_TEXT_SEQUENCE_FIELDS, "Text Request continues the sequence with TTT 0x%08x, the target gave 0x%08x", ttt, x->ttt);
    /* TTT 0xffffffff after the target assigned one: the initiator resets the
     * sequence (§6.4); negotiation starts afresh under the same ITT. */
    if (x && ttt == TTT_NONE && x->ttt != TTT_NONE && !f->c->chain[ISL_SIDE_I].buf) {
        x->done = true;
        if (f->c->texts)
            g_ptr_array_remove(f->c->texts, x);
        x = NULL;
    }
    return x ? x : textx_new(f);
}

/* SendTargets (§13, Appendix C) opens a discovery exchange and travels
 * alone; returns false for any other text. */
static bool request_sendtargets(const isl_feed_ctx *f, isl_textx *x, const isl_text *txt)
{
    const char *st = isl_text_value(txt, "SendTargets");
    isl_session *s = f->c->session;
    if (!st || x->texts->len != 1)
        return false;
    x->sendtargets = true;
    x->st_value = g_strdup(st);
    if (txt->n_pairs > 1)
        isl_report(isl_out(f), ISL_CHK_DISC_SENDTARGETS_EXTRA, "SendTargets request also carries %s",
                   isl_text_key(txt, strcmp(isl_text_key(txt, 0), "SendTargets") ? 0 : 1));
    if (!strcmp(st, "All") && s && s->type == ISL_ST_NORMAL)
        isl_report(isl_out(f), ISL_CHK_DISC_SENDTARGETS_ALL_NORMAL, "SendTargets=All in a Normal session; only Discovery sessions answer it");
    return true;
}

static void request_text(const isl_feed_ctx *f, isl_textx *x)
{
    isl_session *s = f->c->session;
    isl_text *txt = isl_assemble(f, ISL_SIDE_I);
    if (!txt)
        return;
    isl_report_text_format(txt, f->r, "Text Request");
    if (txt->n_pairs == 0) {
        isl_text_free(txt);
        return;
    }
    g_ptr_array_add(x->texts, txt);
    if (request_sendtargets(f, x, txt))
        return;
    if (s && s->type == ISL_ST_DISCOVERY)
        isl_report(isl_out(f), ISL_CHK_DISC_FORBIDDEN_PDU, "Discovery session carries a Text Request without SendTargets (%s)", isl_text_key(txt, 0));
    if (!x->nego)
        x->nego = isl_nego_new(false, false, s ? s->type : ISL_ST_UNKNOWN, &f->a->shared);
    isl_nego_text(x->nego, ISL_SIDE_I, ISL_STAGE_FFP, f->in->frame, txt, isl_out(f));
}

void isl_text_request(const isl_feed_ctx *f)
{
    isl_textx *x;

    isl_check_ffp(f->c, "Text Request", f->r);
    isl_check_over_mrdsl(f->c, ISL_SIDE_T, f->dlen, "Text Request", f->r);
    if (f->b->cont && f->b->final)
        isl_report(isl_out(f), ISL_CHK_FMT_C_WITH_FINAL, "Text Request has both C and F set");
    x = request_exchange(f);
    isl_snapshot(f->r, f->c);
    f->r->textx = x;
    x->pending_req = f->r;
    x->req_f = f->b->final;
    isl_c_reply_rule(f, ISL_SIDE_I);
    request_text(f, x);
}

/* ---- responses --------------------------------------------------------------- */

static void sendtargets_records(isl_textx *x, const isl_text *t, isl_pdu *r)
{
    for (unsigned i = 0; i < t->n_pairs; i++) {
        const char *k = isl_text_key(t, i), *v = isl_text_val(t, i);
        if (!v)
            continue;
        if (!strcmp(k, "TargetName")) {
            isl_target_rec *rec = g_new0(isl_target_rec, 1);
            rec->name = g_strdup(v);
            rec->addresses = g_ptr_array_new_with_free_func(g_free);
            if (x->targets->len < 100000)
                g_ptr_array_add(x->targets, rec);
            else
                target_rec_free(rec);
        } else if (!strcmp(k, "TargetAddress")) {
            char *host;
            unsigned port;
            int tpgt;
            if (!x->targets->len) {
                isl_report(&r->findings, ISL_CHK_DISC_RESPONSE_FORMAT, "SendTargets response: TargetAddress=%s before any TargetName", v);
                continue;
            }
            if (!isl_parse_address(v, &host, &port, &tpgt) || tpgt < 0)
                isl_report(&r->findings, ISL_CHK_DISC_RESPONSE_FORMAT, "SendTargets response: TargetAddress=%s lacks the ,tpgt part", v);
            g_free(host);
            isl_target_rec *rec = g_ptr_array_index(x->targets, x->targets->len - 1);
            g_ptr_array_add(rec->addresses, g_strdup(v));
            x->n_portals++;
        } else if (strcmp(k, "TargetAlias")) {
            isl_report(&r->findings, ISL_CHK_DISC_RESPONSE_FORMAT, "SendTargets response carries %s; only TargetName and TargetAddress belong there", k);
        }
    }
}

/* F and TTT go together (§11.11): a final response ends the sequence with
 * TTT 0xffffffff, any other leaves the initiator a TTT to continue with. */
static void response_flags(const isl_feed_ctx *f, isl_textx *x)
{
    const isl_bhs *b = f->b;
    isl_findings *out = isl_out(f);
    uint32_t ttt = b->w20;

    if (b->cont && b->final)
        isl_report(out, ISL_CHK_FMT_C_WITH_FINAL, "Text Response has both C and F set");
    if (b->final && ttt != TTT_NONE)
        isl_report(out, ISL_CHK_TEXT_F_TTT, "Text Response with F=1 has TTT 0x%08x; a final response must use 0xffffffff", ttt);
    if (!b->final && !b->cont && ttt == TTT_NONE)
        isl_report(out, ISL_CHK_TEXT_F_TTT, "Text Response with F=0 has TTT 0xffffffff; the initiator cannot continue the sequence");
    if (b->final && !x->req_f)
        isl_report(out, ISL_CHK_TEXT_FINAL_TO_NONFINAL, "Text Response F=1 answers a request with F=0 (frame %u)", f->r->request_in);
    x->ttt = ttt;
}

/* tgt cuts long SendTargets replies at MaxRecvDataSegmentLength without the
 * C bit: the cut pair is kept raw and joined with the next response. */
static isl_text *response_joins_carry(const isl_feed_ctx *f, isl_textx *x)
{
    isl_text *txt;
    if (x->carry && !f->b->cont) {
        g_byte_array_append(x->carry, f->data, f->dlen);
        txt = isl_text_split_in(f->a->arena, x->carry->data, x->carry->len);
        g_byte_array_free(x->carry, TRUE);
        x->carry = NULL;
        return txt;
    }
    return isl_assemble(f, ISL_SIDE_T);
}

static void response_keeps_carry(const isl_feed_ctx *f, isl_textx *x, isl_text *txt)
{
    size_t off = txt->pairs[txt->n_pairs - 1].key;
    isl_report(isl_out(f), ISL_CHK_FMT_UNTERMINATED_PAIR,
               "Text Response ends inside \"%.48s\" without NUL and without the C bit (tgt splits long SendTargets replies this way); joined with the next response",
               isl_text_key(txt, txt->n_pairs - 1));
    x->carry = g_byte_array_new();
    /* the cut pair is the buffer's last item, copied whole (never interned),
     * followed by the NUL the split added */
    g_byte_array_append(x->carry, (const uint8_t *)txt->buf + off, (guint)(txt->buf_len - 1 - off));
    txt->n_pairs--;
    /* restore the '=' split_text cut out so the carry holds the raw pair */
    for (guint i = 0; i < x->carry->len; i++)
        if (x->carry->data[i] == '\0') { x->carry->data[i] = '='; break; }
}

static void response_text(const isl_feed_ctx *f, isl_textx *x, isl_text *txt)
{
    const isl_bhs *b = f->b;
    if (txt->unterminated && !b->final && x->sendtargets && txt->n_pairs)
        response_keeps_carry(f, x, txt);
    else
        isl_report_text_format(txt, f->r, "Text Response");
    if (x->sendtargets)
        sendtargets_records(x, txt, f->r);
    else if (x->nego && isl_nego_text(x->nego, ISL_SIDE_T, ISL_STAGE_FFP, f->in->frame, txt, isl_out(f)) && b->final && !b->cont
             && *isl_nego_last_offers(x->nego))
        isl_report(isl_out(f), ISL_CHK_NEG_FINAL_WITH_OFFER, "Text Response with F=1 offers %s, which the initiator can no longer answer in this sequence",
                   isl_nego_last_offers(x->nego));
    g_ptr_array_add(x->texts, txt);
}

/* The final response (F=1, C=0) ends the exchange: discovery results, or
 * the renegotiated receive limits. */
static void response_ends_exchange(const isl_feed_ctx *f, isl_textx *x)
{
    isl_conn *c = f->c;
    x->done = true;
    x->final_frame = f->in->frame;
    x->final_ts = f->in->ts_ns;
    f->r->text_final = true;
    if (c->texts)
        g_ptr_array_remove(c->texts, x);
    if (x->sendtargets) {
        if (x->session)
            x->session->n_targets += x->targets->len;
        isl_report(isl_out(f), ISL_CHK_DISC_RESULT, "SendTargets=%s returned %u target%s, %u portal%s",
                   x->st_value, x->targets->len, x->targets->len == 1 ? "" : "s", x->n_portals, x->n_portals == 1 ? "" : "s");
    } else if (x->nego) {
        const isl_kst *m;
        isl_nego_stage_end(x->nego, ISL_STAGE_FFP, f->in->frame, isl_out(f));
        m = isl_nego_find_id(x->nego, ISL_KEY_MAX_RECV_DATA_SEGMENT_LENGTH);
        for (int sd = 0; sd < 2; sd++)
            if (m && m->value[sd])
                c->mrdsl[sd] = isl_nego_mrdsl(x->nego, (isl_side)sd, NULL);
    }
    isl_add_xrec(f->r, x->sendtargets ? ISL_X_SENDTARGETS : ISL_X_TEXT, x->session, 0, false, true,
                 f->in->ts_ns - x->first_ts, x->first_frame, f->in->frame)->n_targets = x->targets->len;
}

void isl_text_response(const isl_feed_ctx *f)
{
    isl_textx *x = textx_find(f->c, f->b->itt);
    isl_text *txt;

    isl_check_over_mrdsl(f->c, ISL_SIDE_I, f->dlen, "Text Response", f->r);
    isl_snapshot(f->r, f->c);
    if (!x) {
        /* A capture that starts mid-exchange: not a protocol fault. */
        isl_report(isl_out(f), ISL_CHK_TEXT_NO_REQUEST, "Text Response without a captured Text Request (ITT 0x%08x)", f->b->itt);
        return;
    }
    f->r->textx = x;
    isl_link_response(x->pending_req, f->r);
    x->pending_req = NULL;
    response_flags(f, x);
    isl_c_reply_rule(f, ISL_SIDE_T);
    txt = response_joins_carry(f, x);
    if (txt)
        response_text(f, x, txt);
    if (f->b->final && !f->b->cont)
        response_ends_exchange(f, x);
}
