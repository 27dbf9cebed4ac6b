/* SPDX-License-Identifier: GPL-2.0-or-later
 * Two sessions' leading logins side by side: cells as shown, and a value per
 * key to compare (the result, or the default standing in for it). */
#include <string.h>

#include "compare.h"

typedef struct {
    const char *name;        /* the key table's, or owned (unknown keys) */
    char *owned_name;
    bool sent;               /* some side sent the key in this login */
    char *offer, *answer, *result;
    char *value;             /* what "same result" compares */
} cell;

struct isl_cmp_side {
    uint32_t session;
    char *number, *outcome;
    cell *known;             /* one per key of the key table, by isl_key_index */
    GPtrArray *unknown;      /* cell*: keys not in the table, in the order sent */
};

const char *isl_cmp_marker(isl_cmp_diff d)
{
    switch (d) {
    case ISL_CMP_RESULT: return "*";
    case ISL_CMP_EXCHANGE: return "~";
    default: return "";
    }
}

/* The authentication exchange (CHAP_A, CHAP_C, SRP_A ...) is left to
 * AuthMethod's row: its challenges and responses are fresh on every login,
 * so comparing them would only ever say "different". */
static bool compared(const isl_key_def *d)
{
    return d->kind != ISL_KIND_AUTH && !(d->flags & (ISL_KF_CHAP | ISL_KF_SRP | ISL_KF_KRB));
}

static bool is_decl(const isl_key_def *d)
{
    return d && d->kind == ISL_KIND_DECL;
}

/* Why a key has no negotiated value: "not offered", "rejected" ... */
static const char *unsettled_reason(const isl_kst *k, const isl_key_def *d)
{
    const char *ans;

    if (!k || k->offerer < 0)
        return is_decl(d) ? "not sent" : "not offered";
    ans = k->value[ISL_OTHER((isl_side)k->offerer)];
    if (!ans)
        return "no answer";
    if (!strcmp(ans, "Reject"))
        return "rejected";
    if (!strcmp(ans, "NotUnderstood"))
        return "not understood";
    return "not settled";
}

/* Offer: what the side that spoke first sent, marked when that was the
 * target; answer: what the other side sent back (declarations expect none). */
static void fill_exchange(cell *c, const isl_kst *k, const isl_key_def *d)
{
    const char *other;

    c->sent = k && k->offerer >= 0;
    if (!c->sent) {
        c->offer = g_strdup("-");
        c->answer = g_strdup("-");
        return;
    }
    c->offer = k->offerer == ISL_SIDE_T ? g_strdup_printf("%s (target)", k->value[ISL_SIDE_T])
                                        : g_strdup(k->value[ISL_SIDE_I]);
    other = k->value[ISL_OTHER((isl_side)k->offerer)];
    c->answer = g_strdup(other ? other : is_decl(d) ? "-" : "no answer");
}

/* A directional key (MaxRecvDataSegmentLength): each side declares what it
 * receives, and both declarations are the result. */
static char *directional_result(const isl_kst *k, const isl_key_def *d)
{
    const char *v[2];
    for (int s = 0; s < 2; s++)
        v[s] = k && k->value[s] ? k->value[s] : d->def ? d->def : "-";
    return g_strdup_printf("I %s, T %s", v[ISL_SIDE_I], v[ISL_SIDE_T]);
}

static void fill_known(cell *c, const isl_nego *n, const isl_key_def *d)
{
    const isl_kst *k = isl_nego_find_id(n, d->id);
    isl_val_state st;
    const char *v = isl_nego_value(n, d, &st);

    c->name = d->name;
    fill_exchange(c, k, d);
    if (ISL_VAL_IRRELEVANT(st))
        c->result = g_strdup_printf("- (%s)", isl_val_state_reason(st));
    else if (d->flags & ISL_KF_DIRECTIONAL)
        c->result = directional_result(k, d);
    else if (st == ISL_VAL_NEGOTIATED)
        c->result = g_strdup(v);
    else if (st == ISL_VAL_DEFAULT)
        c->result = g_strdup_printf("%s (default %s)", unsettled_reason(k, d), v);
    else
        c->result = g_strdup_printf("- (%s)", unsettled_reason(k, d));
    /* A default is the value in force: "not offered (default Yes)" and a
     * negotiated Yes are the same result. */
    c->value = g_strdup(st == ISL_VAL_DEFAULT || (st == ISL_VAL_NEGOTIATED && !(d->flags & ISL_KF_DIRECTIONAL))
                        ? v : c->result);
}

static cell *unknown_cell(const isl_kst *k)
{
    cell *c = g_new0(cell, 1);

    c->name = c->owned_name = g_strdup(k->name);
    fill_exchange(c, k, NULL);
    c->result = k->result ? g_strdup(k->result) : g_strdup_printf("- (%s)", unsettled_reason(k, NULL));
    c->value = g_strdup(c->result);
    return c;
}

static void cell_clear(cell *c)
{
    g_free(c->owned_name);
    g_free(c->offer);
    g_free(c->answer);
    g_free(c->result);
    g_free(c->value);
}

static void cell_free(gpointer p)
{
    cell_clear(p);
    g_free(p);
}

isl_cmp_side *isl_cmp_side_new(uint32_t session, const char *outcome, const isl_nego *n)
{
    isl_cmp_side *s = g_new0(isl_cmp_side, 1);
    unsigned nkeys = isl_key_count();

    s->session = session;
    s->number = g_strdup_printf("%u", session);
    s->outcome = g_strdup(outcome ? outcome : "-");
    s->known = g_new0(cell, nkeys);
    s->unknown = g_ptr_array_new_with_free_func(cell_free);
    for (unsigned i = 0; i < nkeys; i++) {
        const isl_key_def *d = isl_key_at(i);
        if (!compared(d))
            continue;
        if (n) {
            fill_known(&s->known[i], n, d);
        } else {
            cell *c = &s->known[i];
            c->name = d->name;
            c->offer = g_strdup("-");
            c->answer = g_strdup("-");
            c->result = g_strdup("- (login not finished)");
            c->value = g_strdup(c->result);
        }
    }
    for (unsigned i = 0; n && i < isl_nego_count(n); i++) {
        const isl_kst *k = isl_nego_at(n, i);
        if (!k->def)
            g_ptr_array_add(s->unknown, unknown_cell(k));
    }
    return s;
}

void isl_cmp_side_free(isl_cmp_side *s)
{
    if (!s)
        return;
    for (unsigned i = 0; i < isl_key_count(); i++)
        cell_clear(&s->known[i]);
    g_free(s->known);
    g_ptr_array_free(s->unknown, TRUE);
    g_free(s->number);
    g_free(s->outcome);
    g_free(s);
}

uint32_t isl_cmp_side_session(const isl_cmp_side *s)
{
    return s->session;
}

/* A key the other side never mentioned and the key table does not know. */
static const cell absent = { .name = NULL, .offer = "-", .answer = "-", .result = "- (not sent)", .value = "- (not sent)" };

static void add_row(GArray *rows, const char *label, const cell *a, const cell *b)
{
    const cell *c[2] = { a ? a : &absent, b ? b : &absent };
    isl_cmp_row r = { .label = label };

    for (int s = 0; s < 2; s++) {
        r.offer[s] = c[s]->offer;
        r.answer[s] = c[s]->answer;
        r.result[s] = c[s]->result;
    }
    if (g_strcmp0(c[0]->value, c[1]->value))
        r.diff = ISL_CMP_RESULT;
    else if (g_strcmp0(c[0]->offer, c[1]->offer) || g_strcmp0(c[0]->answer, c[1]->answer))
        r.diff = ISL_CMP_EXCHANGE;
    g_array_append_val(rows, r);
}

static const cell *find_unknown(const isl_cmp_side *s, const char *name)
{
    for (unsigned i = 0; i < s->unknown->len; i++) {
        const cell *c = g_ptr_array_index(s->unknown, i);
        if (!strcmp(c->name, name))
            return c;
    }
    return NULL;
}

GArray *isl_cmp_rows(const isl_cmp_side *a, const isl_cmp_side *b)
{
    GArray *rows = g_array_new(FALSE, TRUE, sizeof(isl_cmp_row));
    const isl_cmp_side *side[2] = { a, b };
    isl_cmp_row r = { .label = "Session" };

    for (int s = 0; s < 2; s++) {
        r.offer[s] = r.answer[s] = "";
        r.result[s] = side[s]->number;
    }
    g_array_append_val(rows, r);
    r.label = "Login";
    for (int s = 0; s < 2; s++)
        r.result[s] = side[s]->outcome;
    r.diff = strcmp(a->outcome, b->outcome) ? ISL_CMP_RESULT : ISL_CMP_SAME;
    g_array_append_val(rows, r);

    for (unsigned i = 0; i < isl_key_count(); i++) {
        const isl_key_def *d = isl_key_at(i);
        if (compared(d) && ((d->flags & ISL_KF_PARAM) || a->known[i].sent || b->known[i].sent))
            add_row(rows, d->name, &a->known[i], &b->known[i]);
    }
    for (unsigned i = 0; i < a->unknown->len; i++) {
        const cell *c = g_ptr_array_index(a->unknown, i);
        add_row(rows, c->name, c, find_unknown(b, c->name));
    }
    for (unsigned i = 0; i < b->unknown->len; i++) {
        const cell *c = g_ptr_array_index(b->unknown, i);
        if (!find_unknown(a, c->name))
            add_row(rows, c->name, NULL, c);
    }
    return rows;
}
