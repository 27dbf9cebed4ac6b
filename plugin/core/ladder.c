/* SPDX-License-Identifier: GPL-2.0-or-later
 * The login ladder (see ladder.h).  Labels are read from the analysis
 * records, never from the wire: every pass (and a GUI retap after the
 * capture is loaded) draws the same ladder. */
#include "ladder.h"
#include <string.h>

bool isl_ladder_wanted(const isl_pdu *r)
{
    switch (r->opcode) {
    case ISL_OP_LOGIN_REQ: case ISL_OP_LOGIN_RSP:
    case ISL_OP_TEXT_REQ: case ISL_OP_TEXT_RSP:
    case ISL_OP_LOGOUT_REQ: case ISL_OP_LOGOUT_RSP:
        return !r->unanalysed;
    default:
        return false;
    }
}

void isl_ladder_append_keys(GString *out, const char *const *names, unsigned n)
{
    unsigned shown = MIN(n, ISL_LADDER_MAX_KEYS);

    if (n == 0)
        return;
    g_string_append(out, " (");
    for (unsigned i = 0; i < shown; i++)
        g_string_append_printf(out, "%s%s", i ? ", " : "", names[i]);
    if (n > shown)
        g_string_append_printf(out, ", +%u", n - shown);
    g_string_append_c(out, ')');
}

static bool is_request(const isl_pdu *r)
{
    return !(r->opcode & 0x20);
}

/* Keys of a login PDU: the text sets the login kept for this frame and
 * side.  A PDU with C=1 carries part of a text set, which is kept (and
 * listed) with the PDU that completes it. */
static void login_keys(GPtrArray *names, const isl_pdu *r)
{
    const isl_login *l = r->login;
    uint8_t side = is_request(r) ? ISL_SIDE_I : ISL_SIDE_T;

    for (guint j = 0; j < l->texts->len; j++) {
        const isl_login_text *lt = &g_array_index(l->texts, isl_login_text, j);
        if (lt->frame != r->frame || lt->side != side)
            continue;
        for (unsigned i = 0; i < lt->text->n_pairs; i++)
            g_ptr_array_add(names, (gpointer)isl_text_key(lt->text, i));
    }
}

/* Keys of a Text PDU.  The exchange keeps its text sets without frames; a
 * negotiation keeps, per key, the frame where each side first sent it;
 * SendTargets is named by its first request (its replies are counted as
 * targets on the final response instead). */
static void text_keys(GPtrArray *names, const isl_pdu *r)
{
    const isl_textx *x = r->textx;
    uint8_t side = is_request(r) ? ISL_SIDE_I : ISL_SIDE_T;

    if (x->sendtargets) {
        if (is_request(r) && r->frame == x->first_frame && x->texts->len) {
            const isl_text *t = g_ptr_array_index(x->texts, 0);
            for (unsigned i = 0; i < t->n_pairs; i++)
                g_ptr_array_add(names, (gpointer)isl_text_key(t, i));
        }
        return;
    }
    if (!x->nego)
        return;
    for (unsigned i = 0; i < isl_nego_count(x->nego); i++) {
        const isl_kst *k = isl_nego_at(x->nego, i);
        if (k->value[side] && k->frame[side] == r->frame)
            g_ptr_array_add(names, (gpointer)k->name);
    }
}

/* " 0→1 T", " 1 C": the stage step of a Login PDU.  NSG means nothing
 * without T (RFC 7143 §11.12.3), and a response with a non-zero status has
 * T, CSG and NSG reserved (§11.13.1): no step then. */
static void login_step(GString *s, const isl_pdu *r, bool reserved)
{
    bool t = r->flags & 0x80, c = r->flags & 0x40;
    unsigned csg = (r->flags >> 2) & 3, nsg = r->flags & 3;

    if (reserved)
        return;
    if (t)
        g_string_append_printf(s, " %u\u2192%u T", csg, nsg);
    else
        g_string_append_printf(s, " %u", csg);
    if (c)
        g_string_append(s, " C");
}

static void text_step(GString *s, const isl_pdu *r)
{
    if (r->flags & 0x80)
        g_string_append(s, " F");
    if (r->flags & 0x40)
        g_string_append(s, " C");
}

static void append_names(GString *s, GPtrArray *names)
{
    /* Keys come from the wire: the label must be UTF-8 (Qt, JSON). */
    for (guint i = 0; i < names->len; i++)
        g_ptr_array_index(names, i) = g_utf8_make_valid(g_ptr_array_index(names, i), -1);
    isl_ladder_append_keys(s, (const char *const *)names->pdata, names->len);
    for (guint i = 0; i < names->len; i++)
        g_free(g_ptr_array_index(names, i));
}

char *isl_ladder_label(const isl_pdu *r)
{
    GString *s = g_string_new(NULL);
    GPtrArray *names = g_ptr_array_new();
    bool req = is_request(r);

    switch (r->opcode) {
    case ISL_OP_LOGIN_REQ:
    case ISL_OP_LOGIN_RSP: {
        const isl_login *l = r->login;
        /* Only the final response may carry a non-zero status (it ends the login). */
        bool final = l && r->login_final;
        uint16_t status = final ? l->status : 0;

        g_string_append(s, req ? "Login" : "Login Rsp");
        login_step(s, r, !req && status != 0);
        if (l)
            login_keys(names, r);
        append_names(s, names);
        if (!req && l)
            g_string_append_printf(s, " status 0x%04x", status);
        if (final)
            g_string_append_printf(s, " %s", isl_outcome_name(l->outcome));
        break;
    }
    case ISL_OP_TEXT_REQ:
    case ISL_OP_TEXT_RSP:
        g_string_append(s, req ? "Text" : "Text Rsp");
        text_step(s, r);
        if (r->textx)
            text_keys(names, r);
        append_names(s, names);
        if (!req && r->text_final && r->textx && r->textx->sendtargets)
            g_string_append_printf(s, " %u target%s", r->textx->targets->len, r->textx->targets->len == 1 ? "" : "s");
        break;
    case ISL_OP_LOGOUT_REQ:
        g_string_append(s, "Logout");
        if (r->logout)
            g_string_append_printf(s, " reason %u", r->logout->reason);
        break;
    case ISL_OP_LOGOUT_RSP:
        g_string_append(s, "Logout Rsp");
        if (r->logout && r->logout->have_rsp)
            g_string_append_printf(s, " %u", r->logout->response);
        break;
    default:
        g_string_append_printf(s, "Opcode 0x%02x", r->opcode);
        break;
    }
    g_ptr_array_free(names, TRUE);
    return g_string_free(s, FALSE);
}

char *isl_ladder_comment(const isl_pdu *r, const char *label)
{
    if (!r->session_number)
        return g_strdup_printf("No session: %s", label);
    return g_strdup_printf("Session %u: %s", r->session_number, label);
}
