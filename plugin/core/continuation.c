/* SPDX-License-Identifier: GPL-2.0-or-later
 * C-bit continued text (RFC 7143 §11.10.2, §11.12.2): a sender splits one
 * key=value text over PDUs with C=1, the last with C=0; the other side
 * answers each C=1 PDU with an empty PDU. */
#include "analyzer-int.h"

/* Appends a piece unless the text is already cut; returns false when the
 * text is (now) cut: over the analyser's limit, or a piece missing. */
static bool chain_append(const isl_feed_ctx *x, isl_cchain *ch, bool trunc)
{
    uint32_t max = x->a->lim.max_text_bytes;
    if (!trunc && ch->buf->len + x->dlen > max) {
        isl_report(isl_out(x), ISL_CHK_STATE_LIMIT, "Continued text over %u bytes; the rest of this text is not analysed", max);
        trunc = true;
    }
    /* Once a piece is missing, later pieces would splice unrelated text. */
    if (!trunc)
        g_byte_array_append(ch->buf, x->data, x->dlen);
    return !trunc;
}

static void chain_continue(const isl_feed_ctx *x, isl_cchain *ch)
{
    if (!ch->buf) {
        ch->buf = g_byte_array_new();
        ch->first = x->in->frame;
        ch->trunc = false;
    }
    if (!chain_append(x, ch, ch->trunc))
        ch->trunc = true;
    if (x->r->data_truncated)
        ch->trunc = true;
    x->r->continued = true;
    isl_report(isl_out(x), ISL_CHK_TEXT_CONTINUED, "Text continues in the next PDU (C=1), %u bytes so far since frame %u",
               ch->buf->len, ch->first);
}

static isl_text *chain_close(const isl_feed_ctx *x, isl_cchain *ch)
{
    bool trunc = !chain_append(x, ch, ch->trunc);
    isl_text *t = isl_text_split_in(x->a->arena, ch->buf->data, ch->buf->len);
    x->r->continued_from = ch->first;
    g_byte_array_free(ch->buf, TRUE);
    ch->buf = NULL;
    ch->trunc = false;
    if (trunc || x->r->data_truncated)
        isl_text_mark_truncated(t);
    return t;
}

/* Collect C-bit continued text; returns the complete text once C=0, else NULL. */
isl_text *isl_assemble(const isl_feed_ctx *x, isl_side side)
{
    isl_cchain *ch = &x->c->chain[side];
    isl_text *t;

    if (x->b->cont) {
        chain_continue(x, ch);
        return NULL;
    }
    if (ch->buf)
        return chain_close(x, ch);
    t = isl_text_split_in(x->a->arena, x->data, x->dlen);
    if (x->r->data_truncated)
        isl_text_mark_truncated(t);
    return t;
}

/* The one rule for replies to C=1 (§11.10.2, §11.12.2): the other side's
 * next PDU carries no data; this PDU's own C=1 puts the other side under
 * the rule in turn. */
void isl_c_reply_rule(const isl_feed_ctx *x, isl_side sender)
{
    isl_cchain *mine = &x->c->chain[sender], *peer = &x->c->chain[!sender];
    bool login = x->b->opcode == ISL_OP_LOGIN_REQ || x->b->opcode == ISL_OP_LOGIN_RSP;
    const char *kind = login ? "Login" : "Text";
    const char *self = sender == ISL_SIDE_I ? "Request" : "Response", *other = sender == ISL_SIDE_I ? "Response" : "Request";

    if (peer->reply_due && x->dlen) {
        if (login)
            isl_report(isl_out(x), ISL_CHK_FMT_C_REPLY_NOT_EMPTY, "%s %s answering the continued %s %s (frame %u) carries %u bytes",
                       kind, self, kind, other, peer->c_frame, x->dlen);
        else
            isl_report(isl_out(x), ISL_CHK_FMT_C_REPLY_NOT_EMPTY, "%s %s answering a continued %s %s carries %u bytes",
                       kind, self, kind, other, x->dlen);
    }
    peer->reply_due = false;
    if (x->b->cont) {
        mine->reply_due = true;
        mine->c_frame = x->in->frame;
    }
}

/* A failed login ends both chains: nothing more may flow (§6.3). */
void isl_drop_chains(isl_conn *c)
{
    for (int s = 0; s < 2; s++) {
        if (c->chain[s].buf)
            g_byte_array_free(c->chain[s].buf, TRUE);
        c->chain[s].buf = NULL;
        c->chain[s].trunc = false;
        c->chain[s].reply_due = false;
    }
}

void isl_report_text_format(isl_text *t, isl_pdu *r, const char *what)
{
    if (t->unterminated && !t->truncated)
        isl_report(&r->findings, ISL_CHK_FMT_UNTERMINATED_PAIR, "%s text does not end with NUL and the C bit is not set: \"%.40s\" is cut",
                   what, t->n_pairs ? isl_text_key(t, t->n_pairs - 1) : "");
}
