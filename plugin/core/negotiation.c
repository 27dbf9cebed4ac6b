/* SPDX-License-Identifier: GPL-2.0-or-later
 * Negotiation rules: RFC 7143 §6.1-§6.4 (format, answers, no renegotiation),
 * §12 (security keys, CHAP per RFC 1994), §13 (operational keys). */
#include "negotiation.h"
#include "values.h"
#include <string.h>

/* CHAP state, values point into the texts the caller keeps alive.  Made by
 * the first CHAP key (chap_of): most logins of a storm never send one. */
typedef struct {
    const char *chap_a_offer;   uint32_t chap_a_offer_frame;
    const char *chap_a_answer;
    const char *t_chap_i, *t_chap_c; uint32_t t_chap_c_frame;
    const char *i_chap_n, *i_chap_r; uint32_t i_chap_r_frame;
    const char *i_chap_i, *i_chap_c; uint32_t i_chap_c_frame;
    const char *t_chap_n, *t_chap_r; uint32_t t_chap_r_frame;
} isl_auth;

static const isl_auth no_chap;      /* what a negotiation without CHAP keys reads */

/* Key states come in slabs: a login has a dozen or two and keeps them for
 * the whole capture, so one allocation per key would double their cost. */
#define KST_SLAB 4          /* a login has about twenty: little room left unused */
typedef struct kst_slab {
    struct kst_slab *next;      /* created after this one */
    unsigned used;
    isl_kst k[KST_SLAB];
} kst_slab;

struct isl_nego {
    bool login, leading;
    isl_session_type type;
    isl_nego_shared *shared;
    kst_slab *slabs, *last;     /* the key states, in order of first appearance */
    unsigned n_keys;
    /* Offers needing an answer made by the last text set: the keys (bits by
     * key id) and that text; isl_nego_last_offers() spells them out when asked
     * (rarely: a final response that offers), not on every offer. */
    uint64_t offer_ids;
    const isl_text *offer_text;
    char *offers_str;
    bool partial;               /* the start of the negotiation was not captured */
    bool capped;
    uint32_t text_bytes[2][3];  /* key=value bytes per sender and stage (security, operational, Text) */
    bool text_over[2][3];       /* fmt.text_over_8192 reported */
    isl_auth *auth;             /* NULL until a CHAP key is sent */
    uint32_t method_frame;      /* AuthMethod offered */
    bool first_step_checked;
    /* The summary is a literal or the AuthMethod value (in a text) for all
     * but CHAP: one allocation per login less. */
    const char *auth_summary;
    char *auth_summary_owned;
};

/* Where this negotiation's state lives: the analysis's arena, or the heap. */
static isl_arena *nego_arena(const isl_nego *n)
{
    return n->shared ? n->shared->arena : NULL;
}

static isl_auth *chap_of(isl_nego *n)
{
    if (!n->auth)
        n->auth = isl_arena_new0(nego_arena(n), isl_auth);
    return n->auth;
}

const char *isl_side_name(isl_side s) { return s == ISL_SIDE_I ? "Initiator" : "Target"; }
static const char *side_lc(isl_side s) { return s == ISL_SIDE_I ? "initiator" : "target"; }
static const char *stage_name(isl_stage s)
{
    return s == ISL_STAGE_SEC ? "security stage" : s == ISL_STAGE_OP ? "operational stage" : "full feature phase";
}

/* A new result; one respelled earlier is freed. */
static void kst_result(isl_kst *k, const char *v)
{
    if (k->result_owned)
        g_free((char *)k->result);
    k->result_owned = false;
    k->result = v;
}

static void kst_free(gpointer p)
{
    isl_kst *k = p;
    /* name, values and result point into the key table, the caller's texts or
     * literals; the kst itself is in a slab */
    if (k->result_owned)
        g_free((char *)k->result);
}

isl_nego *isl_nego_new(bool login, bool leading, isl_session_type type, isl_nego_shared *shared)
{
    isl_nego *n = isl_arena_new0(shared ? shared->arena : NULL, isl_nego);
    n->login = login;
    n->leading = leading;
    n->type = type;
    n->shared = shared;
    return n;
}

void isl_nego_free(isl_nego *n)
{
    bool in_arena;

    if (!n)
        return;
    in_arena = nego_arena(n) != NULL;
    while (n->slabs) {
        kst_slab *next = n->slabs->next;
        for (unsigned i = 0; i < n->slabs->used; i++)
            kst_free(&n->slabs->k[i]);
        if (!in_arena)
            g_free(n->slabs);
        n->slabs = next;
    }
    g_free(n->offers_str);
    g_free(n->auth_summary_owned);
    if (!in_arena) {
        g_free(n->auth);
        g_free(n);
    }
}

void isl_nego_set_session_type(isl_nego *n, isl_session_type type) { n->type = type; }

unsigned isl_nego_count(const isl_nego *n) { return n->n_keys; }
const isl_kst *isl_nego_at(const isl_nego *n, unsigned i)
{
    const kst_slab *sl = n->slabs;
    if (i >= n->n_keys)
        return NULL;
    for (; i >= KST_SLAB; i -= KST_SLAB)
        sl = sl->next;
    return &sl->k[i];
}

/* The state of the key def (a table row) or, when def is NULL, of the key
 * no row defines called name.  Rows are found by pointer: a string compare
 * per state and item was most of the negotiation's cost in login storms.
 * Unknown keys' states have no def and a name no row has, so comparing
 * names only among those finds the same state as comparing all names. */
static isl_kst *kst_find(const isl_nego *n, const isl_key_def *def, const char *name)
{
    if (def) {
        for (const kst_slab *sl = n->slabs; sl; sl = sl->next)
            for (unsigned i = 0; i < sl->used; i++)
                if (sl->k[i].def == def)
                    return (isl_kst *)&sl->k[i];
        return NULL;
    }
    for (const kst_slab *sl = n->slabs; sl; sl = sl->next)
        for (unsigned i = 0; i < sl->used; i++)
            if (!sl->k[i].def && strcmp(sl->k[i].name, name) == 0)
                return (isl_kst *)&sl->k[i];
    return NULL;
}

const isl_kst *isl_nego_find(const isl_nego *n, const char *name)
{
    return kst_find(n, isl_key_lookup(name), name);
}

const isl_kst *isl_nego_find_id(const isl_nego *n, isl_key_id id)
{
    const isl_key_def *d = isl_key_by_id(id);
    /* key states of standard keys carry the table's own name pointer */
    for (const kst_slab *sl = n->slabs; d && sl; sl = sl->next)
        for (unsigned i = 0; i < sl->used; i++)
            if (sl->k[i].def == d)
                return &sl->k[i];
    return NULL;
}

/* A new state for a key kst_find() did not find; NULL past the cap. */
static isl_kst *kst_new(isl_nego *n, const isl_key_def *def, const char *name)
{
    isl_kst *k;

    if (n->shared && n->shared->max_keys && n->n_keys >= n->shared->max_keys)
        return NULL;
    if (!n->last || n->last->used == KST_SLAB) {
        kst_slab *sl = isl_arena_new0(nego_arena(n), kst_slab);
        if (n->last)
            n->last->next = sl;
        else
            n->slabs = sl;
        n->last = sl;
    }
    k = &n->last->k[n->last->used++];
    n->n_keys++;
    k->def = def;
    k->name = def ? def->name : name;
    k->offerer = -1;
    return k;
}

static bool num_of(const char *v, uint64_t *x) { return v && isl_parse_number(v, x) == ISL_NUM_OK; }

static bool kind_negotiated(const isl_kst *k)
{
    if (!k->def)
        return true;  /* unknown and X- keys: an answer (often NotUnderstood) is expected */
    switch (k->def->kind) {
    case ISL_KIND_LIST: case ISL_KIND_NUM_MIN: case ISL_KIND_NUM_MAX:
    case ISL_KIND_BOOL_AND: case ISL_KIND_BOOL_OR: case ISL_KIND_RANGE:
        return !(k->def->flags & ISL_KF_CHAP) && !(k->def->flags & ISL_KF_SRP);
    default:
        return false;
    }
}

/* AND-No and OR-Yes settle on the offer alone: RFC 7143 §6.2.2 lets the
 * acceptor stay silent. */
static bool offer_needs_no_answer(const isl_key_def *d, const char *v)
{
    bool b;
    if (!d || !isl_parse_bool(v, &b))
        return false;
    return (d->kind == ISL_KIND_BOOL_AND && !b) || (d->kind == ISL_KIND_BOOL_OR && b);
}

static bool stage_allowed(const isl_key_def *d, isl_stage st)
{
    unsigned bit = st == ISL_STAGE_SEC ? ISL_STG_SEC : st == ISL_STAGE_OP ? ISL_STG_OP : ISL_STG_FFP;
    return (d->stages & bit) != 0;
}

/* The key's stages, and RFC 7143 "Use": LO and IO keys are login-only. */
static bool key_allowed_in(const isl_key_def *d, isl_stage st)
{
    return stage_allowed(d, st) && !(st == ISL_STAGE_FFP && (d->use == ISL_USE_LO || d->use == ISL_USE_IO));
}

/* ---- settling an answer (RFC 7143 §6.2-§6.3) ----------------------------- */

/* §6.2: Reject is for offers the acceptor may refuse; an admissible offer
 * (in range, in its stage, on the right connection) should get a value. */
static void settle_reject(const isl_nego *n, const isl_kst *k, isl_side ans, isl_findings *out)
{
    isl_side off = ISL_OTHER(ans);
    const char *o = k->value[off];
    const isl_key_def *d = k->def;
    bool admissible = false, b;
    uint64_t xo;

    if (d && (d->kind == ISL_KIND_NUM_MIN || d->kind == ISL_KIND_NUM_MAX))
        admissible = num_of(o, &xo) && xo >= d->min && xo <= d->max;
    else if (d && (d->kind == ISL_KIND_BOOL_AND || d->kind == ISL_KIND_BOOL_OR) && !(d->flags & ISL_KF_OBSOLETE))
        admissible = isl_parse_bool(o, &b);
    if (d && n->login && !n->leading && d->use == ISL_USE_LO)
        admissible = false;   /* leading-only key offered on an added connection */
    if (d && !key_allowed_in(d, (isl_stage)k->stage[off]))
        admissible = false;   /* offered in a stage where the key is not allowed */
    if (admissible)
        isl_report(out, ISL_CHK_NEG_REJECT_ADMISSIBLE, "%s answered %s=Reject to the admissible offer %s (frame %u)",
                   isl_side_name(ans), k->name, o, k->frame[off]);
    isl_report(out, ISL_CHK_NEG_REJECT_SEEN, "%s rejected %s=%s (frame %u); the value stays at its default%s",
               isl_side_name(ans), k->name, o, k->frame[off], d && (d->flags & ISL_KF_OBSOLETE) ? " (obsolete key: Reject is the RFC 7143 answer)" : "");
}

static void settle_not_understood(const isl_kst *k, isl_side ans, isl_findings *out)
{
    const isl_key_def *d = k->def;

    if (!d)
        return;   /* normal for extension and unknown keys */
    if (d->flags & ISL_KF_RFC7144)
        isl_report(out, ISL_CHK_NEG_NOTUNDERSTOOD_7144, "%s answered %s=NotUnderstood: a pre-RFC 7143 (RFC 3720) implementation",
                   isl_side_name(ans), k->name);
    else
        isl_report(out, ISL_CHK_NEG_NOTUNDERSTOOD_STD, "%s answered %s=NotUnderstood; %s",
                   isl_side_name(ans), k->name, (d->flags & ISL_KF_OBSOLETE) ?
                   "RFC 7143 forbids NotUnderstood for the marker keys (answer Reject)" :
                   "every RFC 7143 key must be understood");
}

/* RFC 7143 §13: the RFC 3720 marker keys are answered Reject (markers: or No). */
static void settle_obsolete(isl_kst *k, isl_side ans, isl_findings *out)
{
    const char *a = k->value[ans];
    const isl_key_def *d = k->def;
    bool b;

    if (!(d->kind == ISL_KIND_BOOL_AND && isl_parse_bool(a, &b) && !b))
        isl_report(out, ISL_CHK_NEG_MARKER_ANSWER, "%s answered %s=%s; RFC 7143 requires Reject%s",
                   isl_side_name(ans), k->name, a, d->kind == ISL_KIND_BOOL_AND ? " (or No)" : "");
    if (d->kind == ISL_KIND_RANGE && strchr(a, '~'))
        isl_report(out, ISL_CHK_NEG_RANGE_MISUSE, "%s answered %s=%s: an answer must be a single value",
                   isl_side_name(ans), k->name, a);
    if (isl_reserved_constant(a) != ISL_RC_IRRELEVANT)
        kst_result(k, a);
    else
        k->irrelevant = true;
}

static void settle_irrelevant(const isl_nego *n, isl_kst *k, isl_side ans, isl_findings *out)
{
    const isl_key_def *d = k->def;
    bool expected = d && n->type == ISL_ST_DISCOVERY && (d->flags & ISL_KF_IRR_DISCOVERY);

    /* The acceptor has no value: never show the default in its place,
     * whether or not the answer was right. */
    k->irrelevant = true;
    if (d && (d->flags & ISL_KF_IRR_NO_UNSOLICITED))
        expected = true;  /* InitialR2T and ImmediateData may be settled later in the stage */
    if (!expected && d)
        isl_report(out, ISL_CHK_NEG_IRRELEVANT_UNEXPECTED, "%s answered %s=Irrelevant where it is relevant%s",
                   isl_side_name(ans), k->name, n->type == ISL_ST_NORMAL ? " (Normal session)" : "");
}

/* §6.2.1: one value, from the offer; the offerer's first choice is expected. */
static void settle_list(isl_kst *k, isl_side ans, isl_findings *out)
{
    isl_side off = ISL_OTHER(ans);
    const char *o = k->value[off], *a = k->value[ans];
    int idx;

    if (strchr(a, ',')) {
        isl_report(out, ISL_CHK_NEG_LIST_ANSWER_MULTI, "%s answered %s=%s: an answer must hold exactly one value (offer: %s, frame %u)",
                   isl_side_name(ans), k->name, a, o, k->frame[off]);
        return;
    }
    idx = isl_list_index(o, a);
    if (idx < 0) {
        isl_report(out, ISL_CHK_NEG_LIST_ANSWER_NOT_OFFERED, "%s answered %s=%s, not in the %s's offer (%s, frame %u)",
                   isl_side_name(ans), k->name, a, side_lc(off), o, k->frame[off]);
        return;
    }
    if (idx > 0)
        isl_report(out, ISL_CHK_NEG_LIST_NOT_FIRST, "%s chose %s=%s; the %s preferred %.*s (frame %u)",
                   isl_side_name(ans), k->name, a, side_lc(off), (int)strcspn(o, ","), o, k->frame[off]);
    kst_result(k, a);
}

/* §6.2.2: the result is min or max of offer and answer. */
static void settle_num(isl_kst *k, isl_side ans, isl_findings *out)
{
    isl_side off = ISL_OTHER(ans);
    const char *o = k->value[off], *a = k->value[ans];
    bool min = k->def->kind == ISL_KIND_NUM_MIN;
    uint64_t xo, xa;

    if (!num_of(o, &xo) || !num_of(a, &xa))
        return;   /* syntax already reported */
    if (min && xa > xo)
        isl_report(out, ISL_CHK_NEG_MIN_ANSWER_ABOVE_OFFER, "%s answered %s=%s, above the %s's offer %s (frame %u); the result is the minimum",
                   isl_side_name(ans), k->name, a, side_lc(off), o, k->frame[off]);
    if (!min && xa < xo)
        isl_report(out, ISL_CHK_NEG_MAX_ANSWER_BELOW_OFFER, "%s answered %s=%s, below the %s's offer %s (frame %u); the result is the maximum",
                   isl_side_name(ans), k->name, a, side_lc(off), o, k->frame[off]);
    /* min/max is one of the two values as sent: point at it unless it is hex */
    kst_result(k, (min ? xa <= xo : xa >= xo) ? a : o);
    if (k->result[0] == '0' && k->result[1]) {
        kst_result(k, NULL);
        k->result = g_strdup_printf("%" G_GUINT64_FORMAT, min ? MIN(xo, xa) : MAX(xo, xa));
        k->result_owned = true;
    }
}

/* §6.2.2: the result is the AND or OR of offer and answer. */
static void settle_bool(isl_kst *k, isl_side ans, isl_findings *out)
{
    isl_side off = ISL_OTHER(ans);
    bool is_and = k->def->kind == ISL_KIND_BOOL_AND, yo, ya;

    if (!isl_parse_bool(k->value[off], &yo) || !isl_parse_bool(k->value[ans], &ya))
        return;
    if (is_and && !yo && ya)
        isl_report(out, ISL_CHK_NEG_BOOL_AND, "%s answered %s=Yes to the %s's No (frame %u); AND of Yes and No is No",
                   isl_side_name(ans), k->name, side_lc(off), k->frame[off]);
    if (!is_and && yo && !ya)
        isl_report(out, ISL_CHK_NEG_BOOL_OR, "%s answered %s=No to the %s's Yes (frame %u); OR of Yes and No is Yes",
                   isl_side_name(ans), k->name, side_lc(off), k->frame[off]);
    kst_result(k, is_and ? (yo && ya ? "Yes" : "No") : (yo || ya ? "Yes" : "No"));
}

/* An answer was received for k: check it against the offer, set the result. */
static void settle(isl_nego *n, isl_kst *k, isl_side ans, uint32_t frame, isl_findings *out)
{
    const char *a = k->value[ans];
    const isl_key_def *d = k->def;
    isl_reserved rc = isl_reserved_constant(a);

    k->answered = true;
    k->result_frame = frame;

    if (rc == ISL_RC_REJECT)
        settle_reject(n, k, ans, out);
    else if (rc == ISL_RC_NOT_UNDERSTOOD)
        settle_not_understood(k, ans, out);
    else if (d && (d->flags & ISL_KF_OBSOLETE))
        settle_obsolete(k, ans, out);
    else if (rc == ISL_RC_IRRELEVANT)
        settle_irrelevant(n, k, ans, out);
    else if (!d)
        kst_result(k, a);
    else if (d->kind == ISL_KIND_LIST)
        settle_list(k, ans, out);
    else if (d->kind == ISL_KIND_NUM_MIN || d->kind == ISL_KIND_NUM_MAX)
        settle_num(k, ans, out);
    else if (d->kind == ISL_KIND_BOOL_AND || d->kind == ISL_KIND_BOOL_OR)
        settle_bool(k, ans, out);
}

/* ---- CHAP (RFC 7143 §12.1.3, RFC 1994) ----------------------------------- */

/* The algorithm's name for display: the value itself when unknown. */
static const char *chap_alg_label(const char *value)
{
    const isl_chap_alg *alg = isl_chap_alg_lookup(value);
    return alg ? alg->name : value ? value : "?";
}

static void chap_a(isl_auth *au, isl_side side, uint32_t frame, const char *v, isl_findings *out)
{
    if (side == ISL_SIDE_I) {
        au->chap_a_offer = v;
        au->chap_a_offer_frame = frame;
        for (unsigned i = 0; i < isl_chap_alg_count(); i++) {
            const isl_chap_alg *alg = isl_chap_alg_at(i);
            if (alg->mandatory && !isl_list_contains(v, alg->value))
                isl_report(out, ISL_CHK_CHAP_NO_MD5_OFFERED, "CHAP_A=%s offered without %s (%s), which initiators must offer",
                           v, alg->value, alg->name);
        }
        return;
    }
    au->chap_a_answer = v;
    /* CHAP_A is not settled by settle() (kind_negotiated excludes CHAP keys):
     * check the target's choice against the initiator's list here. */
    if (!au->chap_a_offer || isl_is_reserved_constant(v))
        return;
    if (strchr(v, ',')) {
        isl_report(out, ISL_CHK_NEG_LIST_ANSWER_MULTI, "Target answered CHAP_A=%s: an answer must hold exactly one value (offer: %s, frame %u)",
                   v, au->chap_a_offer, au->chap_a_offer_frame);
        isl_report(out, ISL_CHK_CHAP_A_ANSWER, "Target answered CHAP_A=%s: one algorithm must be chosen from the initiator's list (%s, frame %u)",
                   v, au->chap_a_offer, au->chap_a_offer_frame);
    } else if (!isl_list_contains(au->chap_a_offer, v)) {
        isl_report(out, ISL_CHK_NEG_LIST_ANSWER_NOT_OFFERED, "Target answered CHAP_A=%s, not in the initiator's offer (%s, frame %u)",
                   v, au->chap_a_offer, au->chap_a_offer_frame);
        isl_report(out, ISL_CHK_CHAP_A_ANSWER, "Target chose CHAP_A=%s, not in the initiator's list (%s, frame %u)",
                   v, au->chap_a_offer, au->chap_a_offer_frame);
    }
}

/* Challenges must be fresh across the whole capture: canon is kept in the
 * shared table (which takes it) or freed. */
static void chap_challenge_reuse(isl_nego *n, isl_side side, uint32_t frame, char *canon, isl_findings *out)
{
    GHashTable *seen = n->shared ? n->shared->chap_challenges : NULL;
    gpointer prev;

    if (!canon || !seen) {
        g_free(canon);
        return;
    }
    /* The initiator echoing this login's target challenge is chap.reflection, not reuse. */
    if (g_hash_table_lookup_extended(seen, canon, NULL, &prev) && GPOINTER_TO_UINT(prev) != frame
        && !(side == ISL_SIDE_I && n->auth && GPOINTER_TO_UINT(prev) == n->auth->t_chap_c_frame)) {
        isl_report(out, ISL_CHK_CHAP_CHALLENGE_REUSE, "%s's CHAP_C was already used in frame %u: challenges must be fresh",
                   isl_side_name(side), GPOINTER_TO_UINT(prev));
        g_free(canon);
    } else if (g_hash_table_size(seen) < 100000) {
        g_hash_table_insert(seen, canon, GUINT_TO_POINTER(frame));
    } else {
        g_free(canon);
    }
}

static void chap_c(isl_nego *n, isl_side side, uint32_t frame, const char *v, isl_findings *out)
{
    isl_auth *au = chap_of(n);
    size_t len = 0;
    char *canon = isl_binary_canonical(v);

    if (isl_parse_binary(v, &len) == ISL_BIN_OK && len < 16)
        isl_report(out, ISL_CHK_CHAP_SHORT_CHALLENGE, "%s's CHAP_C is %zu bytes (shorter than 16)", isl_side_name(side), len);
    if (side == ISL_SIDE_T) {
        au->t_chap_c = v;
        au->t_chap_c_frame = frame;
        if (!au->chap_a_offer)
            isl_report(out, ISL_CHK_CHAP_ORDER, "Target sent CHAP_C before the initiator's CHAP_A");
    } else {
        au->i_chap_c = v;
        au->i_chap_c_frame = frame;
        if (!au->t_chap_c)
            isl_report(out, ISL_CHK_CHAP_ORDER, "Initiator sent its mutual CHAP_C before the target's challenge");
        else {
            char *tc = isl_binary_canonical(au->t_chap_c);
            if (canon && tc && !strcmp(canon, tc))
                isl_report(out, ISL_CHK_CHAP_REFLECTION, "Initiator's CHAP_C equals the target's CHAP_C (frame %u): reflection; the target must close the connection",
                           au->t_chap_c_frame);
            g_free(tc);
        }
    }
    chap_challenge_reuse(n, side, frame, canon, out);
}

static void chap_r(isl_auth *au, isl_side side, uint32_t frame, const char *v, isl_findings *out)
{
    const isl_chap_alg *alg = isl_chap_alg_lookup(au->chap_a_answer);
    size_t len = 0;

    if (isl_parse_binary(v, &len) == ISL_BIN_OK && alg && len != alg->digest_len)
        isl_report(out, ISL_CHK_CHAP_R_LENGTH, "%s's CHAP_R is %zu bytes; CHAP_A=%s (%s) gives %zu",
                   isl_side_name(side), len, au->chap_a_answer, alg->name, alg->digest_len);
    if (side == ISL_SIDE_I) {
        au->i_chap_r = v;
        au->i_chap_r_frame = frame;
        if (!au->t_chap_c)
            isl_report(out, ISL_CHK_CHAP_ORDER, "Initiator sent CHAP_R before the target's challenge");
        return;
    }
    au->t_chap_r = v;
    au->t_chap_r_frame = frame;
    if (!au->i_chap_c)
        isl_report(out, ISL_CHK_CHAP_UNSOLICITED_TARGET_AUTH, "Target sent CHAP_R although the initiator sent no CHAP_C");
    else if (au->i_chap_r) {
        char *ir = isl_binary_canonical(au->i_chap_r), *tr = isl_binary_canonical(v);
        if (ir && tr && !strcmp(ir, tr))
            isl_report(out, ISL_CHK_CHAP_SAME_RESPONSE, "Target's CHAP_R equals the initiator's (frame %u): the same secret is used in both directions",
                       au->i_chap_r_frame);
        g_free(ir);
        g_free(tr);
    }
}

static void chap_key(isl_nego *n, isl_side side, uint32_t frame, const isl_key_def *d, const char *key,
                     const char *v, isl_findings *out)
{
    isl_auth *au = chap_of(n);
    const char *method = isl_nego_auth_method(n);
    uint64_t x;

    /* When the capture missed the AuthMethod exchange, the method is unknown, not absent. */
    if ((!method && !n->partial) || (method && !isl_auth_method_is(method, ISL_KF_CHAP))) {
        isl_report(out, ISL_CHK_AUTH_KEYS_WITHOUT_METHOD, "%s sent %s although %s", isl_side_name(side), key,
                   method ? "AuthMethod is not CHAP" : "no AuthMethod=CHAP has been agreed");
    }
    switch (d->id) {
    case ISL_KEY_CHAP_A:
        chap_a(au, side, frame, v, out);
        break;
    case ISL_KEY_CHAP_I:
        if (isl_parse_number(v, &x) != ISL_NUM_OK || x > 255)
            isl_report(out, ISL_CHK_CHAP_I_RANGE, "CHAP_I=%s is not an integer 0..255", v);
        if (side == ISL_SIDE_T) au->t_chap_i = v; else au->i_chap_i = v;
        break;
    case ISL_KEY_CHAP_C:
        chap_c(n, side, frame, v, out);
        break;
    case ISL_KEY_CHAP_N:
        if (side == ISL_SIDE_I) au->i_chap_n = v; else au->t_chap_n = v;
        break;
    case ISL_KEY_CHAP_R:
        chap_r(au, side, frame, v, out);
        break;
    default:
        break;
    }
}

/* ---- feeding text ------------------------------------------------------ */

/* §6.1: a receiver only has to accept 8192 bytes of key=value text per
 * negotiation (each login stage, one Text sequence), 64 KiB in the
 * security stage of an authentication method with long items (SRP, KRB5). */
static void text_size(isl_nego *n, isl_side side, isl_stage stage, const isl_text *text, isl_findings *out)
{
    unsigned si = stage == ISL_STAGE_SEC ? 0 : stage == ISL_STAGE_OP ? 1 : 2;
    const isl_auth_method_def *am = stage == ISL_STAGE_SEC ? isl_auth_method_lookup(isl_nego_auth_method(n)) : NULL;
    uint32_t limit = am ? am->text_limit : 8192;
    uint32_t *sum = &n->text_bytes[side][si];

    *sum = text->len > G_MAXUINT32 - *sum ? G_MAXUINT32 : *sum + (uint32_t)text->len;
    if (*sum > limit && !n->text_over[side][si]) {
        n->text_over[side][si] = true;
        isl_report(out, ISL_CHK_FMT_TEXT_OVER_8192, "%s sent %u bytes of key=value text in the %s; a receiver only has to accept %u",
                   isl_side_name(side), *sum, n->login ? stage_name(stage) : "Text sequence", limit);
    }
}

/* §12.1.3: the request after the target selected AuthMethod=CHAP starts
 * CHAP with CHAP_A (checked once, on that request). */
static void auth_first_step(isl_nego *n, isl_side side, isl_stage stage, const isl_text *text, isl_findings *out)
{
    const isl_kst *am;
    const char *chap_a_name = isl_key_by_id(ISL_KEY_CHAP_A)->name;
    bool has_a;

    if (side != ISL_SIDE_I || stage != ISL_STAGE_SEC || n->first_step_checked)
        return;
    am = isl_nego_find_id(n, ISL_KEY_AUTH_METHOD);
    if (!am || !isl_auth_method_is(am->result, ISL_KF_CHAP))
        return;
    has_a = n->auth && n->auth->chap_a_offer != NULL;
    n->first_step_checked = true;
    for (unsigned i = 0; i < text->n_pairs && !has_a; i++)
        has_a = !strcmp(isl_text_key(text, i), chap_a_name);
    if (!has_a)
        isl_report(out, ISL_CHK_AUTH_FIRST_STEP_MISSING, "AuthMethod=CHAP selected (frame %u) but this Login Request has no CHAP_A",
                   am->result_frame);
}

/* §6.1 item syntax: a key, '=', a well-formed key name.  False: skip the item. */
static bool item_syntax(const char *key, const char *v, const isl_key_def *d, isl_findings *out)
{
    char bad = 0;

    if (!v || !*key) {
        isl_report(out, ISL_CHK_FMT_NO_EQUALS, "Item \"%.64s\" %s", key, !*key ? "has an empty key" : "has no '='");
        return false;
    }
    /* A key of the table is well formed: only other names are checked
     * character by character. */
    if (d)
        return true;
    switch (isl_check_key_name(key, &bad)) {
    case ISL_KEYNAME_TOO_LONG:
        isl_report(out, ISL_CHK_FMT_KEY_TOO_LONG, "Key name of %zu bytes (limit 63): %.40s...", strlen(key), key);
        return false;
    case ISL_KEYNAME_BAD_CHAR:
        isl_report(out, ISL_CHK_FMT_KEY_CHARS, "Key \"%.64s\" contains '%c'", key, bad);
        return false;
    default:
        return true;
    }
}

/* Keys RFC 7143 / 7144 do not define: misspelled, unknown, or extensions. */
static void key_identity(const isl_nego *n, const isl_key_def *d, const char *key, bool reaction, isl_findings *out)
{
    if (reaction)
        return;
    if (!d && !isl_key_is_extension(key)) {
        const isl_key_def *nc = isl_key_lookup_nocase(key);
        if (nc)
            isl_report(out, ISL_CHK_FMT_CASE, "\"%s\" is not a key; RFC 7143 spells it \"%s\" (keys are case-sensitive)", key, nc->name);
        else if (!kst_find(n, NULL, key))
            isl_report(out, ISL_CHK_NEG_UNKNOWN_KEY, "Key \"%s\" is not defined by RFC 7143 or RFC 7144; expect NotUnderstood", key);
    }
    /* No clause of RFC 7143 keeps X- keys out of Discovery sessions
     * (open-iscsi sends X-com.cisco.* there): only a convention, so a Note. */
    if (isl_key_is_extension(key) && n->type == ISL_ST_DISCOVERY)
        isl_report(out, ISL_CHK_NEG_VENDOR_KEY_DISCOVERY, "%s sent in a Discovery session; extension keys are by convention for Normal sessions (no RFC clause)", key);
}

/* The key's "Senders", stage, "Use" and status (RFC 7143 §12-§13) against
 * who sent it where.  Returns true when it was sent in the wrong stage. */
static bool key_use(const isl_nego *n, const isl_key_def *d, isl_side side, isl_stage stage, const char *key,
                    const char *v, bool reaction, isl_findings *out)
{
    bool wrong_stage = false;

    if (!(isl_key_senders(d, n->login) & (side == ISL_SIDE_I ? ISL_BY_I : ISL_BY_T)))
        isl_report(out, ISL_CHK_NEG_WRONG_SENDER, "%s sent %s: only the %s may send it%s", isl_side_name(side), key,
                   side == ISL_SIDE_I ? "target" : "initiator",
                   d->senders == ISL_BY_IT ? " in a login" : "");
    if (!reaction && !key_allowed_in(d, stage)) {
        wrong_stage = true;
        isl_report(out, ISL_CHK_NEG_WRONG_STAGE, "%s sent in the %s; it belongs to the %s", key, stage_name(stage),
                   (d->stages & ISL_STG_SEC) ? "security stage" : (d->stages & ISL_STG_OP) ?
                   ((d->stages & ISL_STG_FFP) ? "operational stage or full feature phase" : "operational stage") :
                   "full feature phase (Text)");
    }
    if (n->login && !n->leading && d->use == ISL_USE_LO && !(d->flags & ISL_KF_EVERY_LOGIN) && !reaction)
        isl_report(out, ISL_CHK_NEG_LO_ON_NON_LEADING, "%s sent in a non-leading login: it may only be negotiated on the leading connection", key);
    if ((d->flags & ISL_KF_OBSOLETE) && !isl_is_reserved_constant(v) && !kst_find(n, d, NULL) &&
        !(n->shared && n->shared->mute_legacy_keys))
        isl_report(out, ISL_CHK_NEG_MARKER_OFFERED, "%s offered %s=%s (RFC 3720 key removed by RFC 7143)", isl_side_name(side), key, v);
    return wrong_stage;
}

/* A side sending a key it already sent (§6.2: once per negotiation).
 * True when the item is done with (a repeat, reported or allowed). */
static bool repeated(const isl_nego *n, const isl_kst *k, isl_side side, const char *key, isl_findings *out)
{
    const isl_key_def *d = k->def;

    if (!k->value[side])
        return false;
    if (d && (d->flags & ISL_KF_MAY_REPEAT) && !(d->flags & ISL_KF_IDENTITY))
        return true;
    if (d && (d->flags & ISL_KF_IDENTITY) && n->login)
        isl_report(out, ISL_CHK_LOGIN_IDENTITY_REDECLARED, "%s sent %s again (first in frame %u)", isl_side_name(side), key, k->frame[side]);
    else if (n->login)
        isl_report(out, ISL_CHK_NEG_RENEGOTIATED_LOGIN, "%s sent %s again (first in frame %u, %s); keys may be negotiated once per Login Phase",
                   isl_side_name(side), key, k->frame[side], k->value[side]);
    else
        isl_report(out, ISL_CHK_NEG_RENEGOTIATED_TEXT, "%s sent %s again in this Text sequence (first in frame %u)",
                   isl_side_name(side), key, k->frame[side]);
    return true;
}

/* An offer must hold every value the key's table row requires (TaskReporting). */
static void must_offer(const isl_key_def *d, const char *v, isl_findings *out)
{
    if (!d || !d->must_offer)
        return;
    for (const char *const *m = d->must_offer; *m; m++)
        if (!isl_list_contains(v, *m)) {
            isl_report(out, d->must_offer_check, "%s=%s offered without %s", d->name, v, *m);
            return;
        }
}

/* The first sending of a negotiated key is an offer (§6.2): reserved
 * constants are only answers.  Returns 1 when it needs an answer. */
static unsigned offer(isl_nego *n, isl_kst *k, isl_side side, uint32_t frame, const char *key, const char *v,
                      isl_findings *out)
{
    const isl_key_def *d = k->def;
    unsigned needs_answer = 0;

    k->offerer = (int8_t)side;
    if (!kind_negotiated(k))
        return 0;
    if (isl_is_reserved_constant(v) || (d && d->kind == ISL_KIND_LIST && isl_list_has_reserved(v)))
        isl_report(out, ISL_CHK_NEG_RESERVED_CONSTANT_OFFERED, "%s offered %s=%s: reserved constants are only answers",
                   isl_side_name(side), key, v);
    else if (!offer_needs_no_answer(d, v)) {
        needs_answer = 1;
        /* X- and unknown keys may be declarative: only standard keys surely need an answer */
        if (d)
            n->offer_ids |= UINT64_C(1) << d->id;
    }
    must_offer(d, v, out);
    if (d && d->id == ISL_KEY_AUTH_METHOD)
        n->method_frame = frame;
    return needs_answer;
}

/* Reject/Irrelevant/NotUnderstood answering the other side's offer of
 * this key only reacts to it: the key-level rules (spelling, session type,
 * stage, leading connection) concern the offerer. */
static bool is_reaction(const isl_kst *prev, isl_side side, const char *v)
{
    return prev && prev->offerer == (int8_t)ISL_OTHER(side) && !prev->answered && isl_is_reserved_constant(v);
}

/* The key state of an item (prev: the one found before, if any), NULL past
 * the cap on distinct keys. */
static isl_kst *item_state(isl_nego *n, isl_kst *prev, const isl_key_def *d, const char *key, isl_findings *out)
{
    isl_kst *k = prev ? prev : kst_new(n, d, key);

    if (!k && !n->capped) {
        isl_report(out, ISL_CHK_STATE_LIMIT, "More than %u distinct keys in one negotiation; further keys are not analysed",
                   n->shared->max_keys);
        n->capped = true;
    }
    return k;
}

/* One key=value item; returns 1 when it is a new offer needing an answer. */
/* The keys already taken from one text set (§6.1: a key once per text).
 * A hash table of names per text cost a malloc/free pair and a string hash
 * per item; standard keys are a bit by id, and the rare other keys are
 * looked for among the text's earlier items (an item was taken when it
 * passed item_syntax(), i.e. had an '=': same key, same key-name check). */
typedef struct {
    uint64_t ids;               /* bit isl_key_id of each standard key taken */
    const isl_text *text;
    unsigned item;              /* of the item being read */
} seen_keys;
G_STATIC_ASSERT(ISL_KEY_COUNT <= 64);

static bool seen_has(const seen_keys *s, const isl_key_def *d, const char *key)
{
    if (d)
        return (s->ids >> d->id) & 1;
    for (unsigned j = 0; j < s->item; j++)
        if (isl_text_val(s->text, j) && strcmp(isl_text_key(s->text, j), key) == 0)
            return true;
    return false;
}

static void seen_add(seen_keys *s, const isl_key_def *d)
{
    if (d)
        s->ids |= (uint64_t)1 << d->id;
}

static unsigned text_item(isl_nego *n, isl_side side, isl_stage stage, uint32_t frame, const isl_key_def *d,
                          const char *key, const char *v, seen_keys *seen, isl_findings *out)
{
    isl_kst *prev, *k;
    bool answer, reaction, wrong_stage = false;

    if (!item_syntax(key, v, d, out))
        return 0;
    /* found once per item: nothing below adds states before item_state() */
    prev = kst_find(n, d, key);
    reaction = is_reaction(prev, side, v);
    key_identity(n, d, key, reaction, out);
    /* Same key twice in one text set (TargetAddress may repeat; SendTargets
     * responses repeat TargetName by design, handled by the caller). */
    if (seen_has(seen, d, key) && !(d && (d->flags & ISL_KF_MAY_REPEAT))) {
        isl_report(out, ISL_CHK_NEG_DUP_IN_TEXT, "%s appears twice in this text (second value %s)", key, v);
        return 0;
    }
    seen_add(seen, d);
    if (d)
        wrong_stage = key_use(n, d, side, stage, key, v, reaction, out);
    if (d && (d->flags & ISL_KF_CHAP))
        chap_key(n, side, frame, d, key, v, out);
    if (!(k = item_state(n, prev, d, key, out)))
        return 0;
    answer = k->offerer >= 0 && k->offerer != (int8_t)side && !k->answered;
    /* One mistake, one alarm: a key sent in the wrong stage is usually
     * ignored by the peer (IET ignores AuthMethod in the operational
     * stage), which is the expected reaction, not a second violation. */
    k->wrong_stage |= wrong_stage;
    /* An offer of Reject/Irrelevant/NotUnderstood is reported as
     * neg.reserved_constant_offered by offer(), not also as a bad value. */
    if (d)
        (void)isl_value_check(d, key, v, answer || k->offerer == (int8_t)ISL_OTHER(side)
                              || (k->offerer < 0 && kind_negotiated(k) && isl_is_reserved_constant(v)), out);
    if (repeated(n, k, side, key, out))
        return 0;
    k->value[side] = v;
    k->frame[side] = frame;
    k->stage[side] = (uint8_t)stage;
    if (answer) {
        if (kind_negotiated(k))
            settle(n, k, side, frame, out);
        else
            k->answered = true;
        return 0;
    }
    return k->offerer < 0 ? offer(n, k, side, frame, key, v, out) : 0;
}

unsigned isl_nego_text(isl_nego *n, isl_side side, isl_stage stage, uint32_t frame,
                       const isl_text *text, isl_findings *out)
{
    unsigned new_offers = 0;
    seen_keys seen = { 0, text, 0 };

    n->offer_ids = 0;
    n->offer_text = text;
    g_free(n->offers_str);
    n->offers_str = NULL;
    text_size(n, side, stage, text, out);
    auth_first_step(n, side, stage, text, out);
    for (unsigned i = 0; i < text->n_pairs; i++) {
        seen.item = i;
        /* a key the split found in the table is not looked up again */
        uint32_t k = text->pairs[i].key;
        const char *key = isl_text_key(text, i);
        const isl_key_def *d = (k & ISL_KEY_INTERNED) ? &isl_key_table_[k & ~ISL_KEY_INTERNED] : isl_key_lookup(key);
        new_offers += text_item(n, side, stage, frame, d, key, isl_text_val(text, i), &seen, out);
    }
    return new_offers;
}

void isl_nego_stage_end(isl_nego *n, isl_stage stage, uint32_t frame, isl_findings *out)
{
    for (unsigned i = 0; i < n->n_keys; i++) {
        isl_kst *k = (isl_kst *)isl_nego_at(n, i);
        /* Unknown and X- keys may be declarative (their kind is key-defined):
         * never call them unanswered. */
        if (k->offerer < 0 || k->answered || !k->def || !kind_negotiated(k) || k->stage[k->offerer] != (uint8_t)stage)
            continue;
        /* Already reported as neg.wrong_stage: leaving it unanswered is the
         * peer's right reaction, not a second alarm. */
        if (k->wrong_stage)
            continue;
        const char *o = k->value[k->offerer];
        if (offer_needs_no_answer(k->def, o)) {
            k->answered = true;
            kst_result(k, o);
            continue;
        }
        /* Target offers in the T=1 Login Response that ends the stage: the
         * caller reports those as neg.final_with_offer. */
        if (n->login && k->offerer == ISL_SIDE_T && k->frame[ISL_SIDE_T] == frame)
            continue;
        if (isl_is_reserved_constant(o))
            continue;
        isl_report(out, ISL_CHK_NEG_MISSING_ANSWER, "%s offered %s=%s (frame %u); the %s never answered before the %s ended",
                   isl_side_name((isl_side)k->offerer), k->name, o, k->frame[k->offerer],
                   side_lc(ISL_OTHER((isl_side)k->offerer)), n->login ? stage_name(stage) : "Text sequence");
        k->answered = true;   /* report once */
    }
}

const char *isl_val_state_reason(isl_val_state s)
{
    switch (s) {
    case ISL_VAL_IRR_ANSWERED: return "Irrelevant";   /* the wire constant; the exchange says who */
    case ISL_VAL_IRR_DISCOVERY: return "irrelevant in a Discovery session";
    case ISL_VAL_IRR_NO_UNSOLICITED: return "irrelevant with InitialR2T=Yes and ImmediateData=No";
    default: return NULL;
    }
}

/* What was settled for the key, relevant or not: the result, else a declaration. */
static const char *settled_value(const isl_kst *k, const isl_key_def *def)
{
    if (!k)
        return NULL;
    if (k->result)
        return k->result;
    if (def->kind == ISL_KIND_DECL)
        return k->value[ISL_SIDE_I] ? k->value[ISL_SIDE_I] : k->value[ISL_SIDE_T];
    return NULL;
}

static bool value_yes(const isl_nego *n, isl_key_id id);
static bool value_no(const isl_nego *n, isl_key_id id);

const char *isl_nego_value(const isl_nego *n, const isl_key_def *def, isl_val_state *state)
{
    const isl_kst *k = isl_nego_find_id(n, def->id);
    const char *v = NULL;
    isl_val_state st;

    /* Irrelevance first: an irrelevant key has no value (RFC 7143 §6.2
     * "key unchanged" is about the negotiation, not a value to use), even
     * when the two sides exchanged numbers for it. */
    if (k && k->irrelevant)
        st = ISL_VAL_IRR_ANSWERED;
    else if (n->type == ISL_ST_DISCOVERY && (def->flags & ISL_KF_IRR_DISCOVERY))
        st = ISL_VAL_IRR_DISCOVERY;
    else if ((def->flags & ISL_KF_IRR_NO_UNSOLICITED) && value_yes(n, ISL_KEY_INITIAL_R2T) && value_no(n, ISL_KEY_IMMEDIATE_DATA))
        st = ISL_VAL_IRR_NO_UNSOLICITED;
    else if ((v = settled_value(k, def)) != NULL)
        st = ISL_VAL_NEGOTIATED;
    else if ((v = def->def) != NULL)
        st = ISL_VAL_DEFAULT;
    else
        st = ISL_VAL_NONE;
    if (state)
        *state = st;
    return v;
}

uint32_t isl_nego_mrdsl(const isl_nego *n, isl_side side, bool *is_default)
{
    const isl_kst *k = isl_nego_find_id(n, ISL_KEY_MAX_RECV_DATA_SEGMENT_LENGTH);
    uint64_t x;
    if (k && k->value[side] && num_of(k->value[side], &x) && x <= G_MAXUINT32) {
        if (is_default) *is_default = false;
        return (uint32_t)x;
    }
    if (is_default) *is_default = true;
    return 8192;
}

static bool value_num(const isl_nego *n, isl_key_id id, uint64_t *x)
{
    return num_of(isl_nego_value(n, isl_key_by_id(id), NULL), x);
}

static bool value_yes(const isl_nego *n, isl_key_id id)
{
    const char *v = isl_nego_value(n, isl_key_by_id(id), NULL);
    bool b;
    return v && isl_parse_bool(v, &b) && b;
}

static bool value_no(const isl_nego *n, isl_key_id id)
{
    const char *v = isl_nego_value(n, isl_key_by_id(id), NULL);
    bool b;
    return v && isl_parse_bool(v, &b) && !b;
}

void isl_nego_finish(isl_nego *n, uint32_t frame, isl_findings *out)
{
    uint64_t fbl, mbl, erl, r2t, mc;
    (void)frame;

    if (n->type == ISL_ST_DISCOVERY) {
        const isl_key_def *mcd = isl_key_by_id(ISL_KEY_MAX_CONNECTIONS);
        if (value_num(n, ISL_KEY_ERROR_RECOVERY_LEVEL, &erl) && erl != 0)
            isl_report(out, ISL_CHK_NEG_DISCOVERY_ERL, "Discovery session negotiated ErrorRecoveryLevel %" G_GUINT64_FORMAT " (must be 0)", erl);
        /* MaxConnections is irrelevant here (no value): the note is about
         * what the two sides settled all the same. */
        if (num_of(settled_value(isl_nego_find_id(n, mcd->id), mcd), &mc) && mc > 1)
            isl_report(out, ISL_CHK_NEG_DISCOVERY_MAXCONN, "Discovery session negotiated MaxConnections %" G_GUINT64_FORMAT " (Discovery implies 1)", mc);
        return;
    }
    if (!n->leading)
        return;
    /* An irrelevant key has no value (answered Irrelevant, or FirstBurstLength
     * with InitialR2T=Yes and ImmediateData=No): nothing to compare, and never
     * its default in its place. */
    if (value_num(n, ISL_KEY_FIRST_BURST_LENGTH, &fbl) && value_num(n, ISL_KEY_MAX_BURST_LENGTH, &mbl) && fbl > mbl)
        isl_report(out, ISL_CHK_NEG_FBL_GT_MBL, "FirstBurstLength %" G_GUINT64_FORMAT " exceeds MaxBurstLength %" G_GUINT64_FORMAT,
                   fbl, mbl);
    if (value_num(n, ISL_KEY_ERROR_RECOVERY_LEVEL, &erl) && erl > 0 && value_yes(n, ISL_KEY_DATA_SEQUENCE_IN_ORDER)
        && value_num(n, ISL_KEY_MAX_OUTSTANDING_R2T, &r2t) && r2t != 1)
        isl_report(out, ISL_CHK_NEG_R2T_INORDER_ERL, "MaxOutstandingR2T %" G_GUINT64_FORMAT " with ErrorRecoveryLevel %" G_GUINT64_FORMAT
                   " and DataSequenceInOrder=Yes (must be 1)", r2t, erl);
}

const char *isl_nego_auth_method(const isl_nego *n)
{
    const isl_kst *am = isl_nego_find_id(n, ISL_KEY_AUTH_METHOD);
    return am ? am->result : NULL;
}

/* §12.1.3: what a finished (or failed) CHAP exchange must have held. */
static void chap_end(const isl_nego *n, const isl_auth *au, bool login_failed, isl_findings *out)
{
    if (!au->chap_a_offer && !login_failed && !n->first_step_checked)
        isl_report(out, ISL_CHK_AUTH_FIRST_STEP_MISSING, "AuthMethod=CHAP selected (frame %u) but the initiator never sent CHAP_A",
                   n->method_frame);
    if (au->chap_a_answer && !isl_is_reserved_constant(au->chap_a_answer) && (!au->t_chap_i || !au->t_chap_c))
        isl_report(out, ISL_CHK_CHAP_A_ANSWER, "Target answered CHAP_A=%s without %s", au->chap_a_answer,
                   !au->t_chap_i ? "CHAP_I" : "CHAP_C");
    if (!login_failed && au->t_chap_c && (!au->i_chap_n || !au->i_chap_r))
        isl_report(out, ISL_CHK_CHAP_ORDER, "Security stage ended without the initiator's %s", !au->i_chap_n ? "CHAP_N" : "CHAP_R");
    if (!login_failed && au->i_chap_c && !au->t_chap_r)
        isl_report(out, ISL_CHK_CHAP_MUTUAL_MISSING, "Initiator sent CHAP_I/CHAP_C (frame %u) but the target completed the stage without CHAP_N/CHAP_R",
                   au->i_chap_c_frame);
}

static char *chap_summary(const isl_auth *au, bool login_failed)
{
    bool mutual = au->i_chap_c != NULL;

    return g_strdup_printf("CHAP (%s), %s, initiator CHAP_N \"%s\"%s%s%s: %s",
                           chap_alg_label(au->chap_a_answer), mutual ? "mutual" : "one-way",
                           au->i_chap_n ? au->i_chap_n : "?",
                           mutual ? ", target CHAP_N \"" : "", mutual ? (au->t_chap_n ? au->t_chap_n : "?") : "",
                           mutual ? "\"" : "",
                           login_failed ? (au->i_chap_r ? "failed after the initiator's response" : "failed before the initiator's response")
                                        : "succeeded");
}

void isl_nego_auth_end(isl_nego *n, uint32_t frame, bool login_failed, isl_findings *out)
{
    const isl_auth *au = n->auth ? n->auth : &no_chap;
    const char *method = isl_nego_auth_method(n);
    (void)frame;

    if (n->auth_summary)
        return;
    if (!method) {
        n->auth_summary = "none negotiated";
        return;
    }
    if (!isl_auth_method_is(method, ISL_KF_CHAP)) {
        n->auth_summary = method;
        return;
    }
    chap_end(n, au, login_failed, out);
    n->auth_summary = n->auth_summary_owned = chap_summary(au, login_failed);
    isl_report(out, ISL_CHK_AUTH_SUMMARY, "Authentication: %s", n->auth_summary);
}

const char *isl_nego_auth_summary(const isl_nego *n) { return n->auth_summary; }

/* A key is offered once per text set (a repeat is a duplicate, not a second
 * offer): its first pair in the text is the offer. */
const char *isl_nego_last_offers(const isl_nego *n)
{
    isl_nego *w = (isl_nego *)n;    /* the spelled-out list is a cache */
    uint64_t done = 0;
    GString *b;

    if (!n->offer_ids || !n->offer_text)
        return "";
    if (n->offers_str)
        return n->offers_str;
    b = g_string_new(NULL);
    for (unsigned i = 0; i < n->offer_text->n_pairs; i++) {
        const char *key = isl_text_key(n->offer_text, i), *value = isl_text_val(n->offer_text, i);
        const isl_key_def *d = value ? isl_key_lookup(key) : NULL;
        uint64_t bit = d ? UINT64_C(1) << d->id : 0;
        if (!(n->offer_ids & bit) || (done & bit))
            continue;
        done |= bit;
        g_string_append_printf(b, "%s%s=%s", b->len ? ", " : "", key, value);
    }
    w->offers_str = g_string_free(b, FALSE);
    return w->offers_str;
}

void isl_nego_set_partial(isl_nego *n) { n->partial = true; }
