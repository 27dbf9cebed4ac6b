/* SPDX-License-Identifier: GPL-2.0-or-later
 * Negotiation rules: RFC 7143 §6.1-§6.4 (format, answers, no renegotiation),
 * §12 (security keys, CHAP per RFC 1994), §13 (operational keys). */
#include "negotiation.h"
#include "values.h"
#include <string.h>

typedef struct {
    /* CHAP state, values point into the texts the caller keeps alive */
    const char *chap_a_offer;   uint32_t chap_a_offer_frame;
    const char *chap_a_answer;
    const char *t_chap_i, *t_chap_c; uint32_t t_chap_c_frame;
    const char *i_chap_n, *i_chap_r; uint32_t i_chap_r_frame;
    const char *i_chap_i, *i_chap_c; uint32_t i_chap_c_frame;
    const char *t_chap_n, *t_chap_r; uint32_t t_chap_r_frame;
    uint32_t method_frame;
    bool first_step_checked;
    char *summary;
} isl_auth;

/* Key states come in slabs: a login has a dozen or two and keeps them for
 * the whole capture, so one allocation per key would double their cost. */
#define KST_SLAB 8
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
    GString *last_offers;       /* "Key=Value, ..." offers needing an answer made by the last text set */
    bool partial;               /* the start of the negotiation was not captured */
    bool capped;
    uint32_t text_bytes[2][3];  /* key=value bytes per sender and stage (security, operational, Text) */
    bool text_over[2][3];       /* fmt.text_over_8192 reported */
    isl_auth auth;
};

const char *isl_side_name(isl_side s) { return s == ISL_SIDE_I ? "Initiator" : "Target"; }
static const char *side_lc(isl_side s) { return s == ISL_SIDE_I ? "initiator" : "target"; }
static const char *stage_name(isl_stage s)
{
    return s == ISL_STAGE_SEC ? "security stage" : s == ISL_STAGE_OP ? "operational stage" : "full feature phase";
}

static void kst_free(gpointer p)
{
    isl_kst *k = p;
    /* name, values and result point into the key table, the caller's texts or
     * literals; the kst itself is in a slab */
    g_free(k->owned);
}

isl_nego *isl_nego_new(bool login, bool leading, isl_session_type type, isl_nego_shared *shared)
{
    isl_nego *n = g_new0(isl_nego, 1);
    n->login = login;
    n->leading = leading;
    n->type = type;
    n->shared = shared;
    n->last_offers = NULL;      /* made when an offer needs an answer */
    return n;
}

void isl_nego_free(isl_nego *n)
{
    if (!n)
        return;
    while (n->slabs) {
        kst_slab *next = n->slabs->next;
        for (unsigned i = 0; i < n->slabs->used; i++)
            kst_free(&n->slabs->k[i]);
        g_free(n->slabs);
        n->slabs = next;
    }
    if (n->last_offers)
        g_string_free(n->last_offers, TRUE);
    g_free(n->auth.summary);
    g_free(n);
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

const isl_kst *isl_nego_find(const isl_nego *n, const char *name)
{
    for (const kst_slab *sl = n->slabs; sl; sl = sl->next)
        for (unsigned i = 0; i < sl->used; i++)
            if (strcmp(sl->k[i].name, name) == 0)
                return &sl->k[i];
    return NULL;
}

static isl_kst *kst_get(isl_nego *n, const isl_key_def *def, const char *name, bool *created)
{
    isl_kst *k = (isl_kst *)isl_nego_find(n, def ? def->name : name);
    *created = false;
    if (k)
        return k;
    if (n->shared && n->shared->max_keys && n->n_keys >= n->shared->max_keys)
        return NULL;
    if (!n->last || n->last->used == KST_SLAB) {
        kst_slab *sl = g_new0(kst_slab, 1);
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
    *created = true;
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

/* An answer was received for k: check it against the offer, set the result. */
static bool stage_allowed(const isl_key_def *d, isl_stage st);

static void settle(isl_nego *n, isl_kst *k, isl_side ans, uint32_t frame, isl_findings *out)
{
    isl_side off = ISL_OTHER(ans);
    const char *o = k->value[off], *a = k->value[ans];
    const isl_key_def *d = k->def;
    uint64_t xo, xa;

    k->answered = true;
    k->result_frame = frame;

    if (!strcmp(a, "Reject")) {
        bool admissible = false;
        if (d && (d->kind == ISL_KIND_NUM_MIN || d->kind == ISL_KIND_NUM_MAX))
            admissible = num_of(o, &xo) && xo >= d->min && xo <= d->max;
        else if (d && (d->kind == ISL_KIND_BOOL_AND || d->kind == ISL_KIND_BOOL_OR) && !(d->flags & ISL_KF_OBSOLETE))
            admissible = !strcmp(o, "Yes") || !strcmp(o, "No");
        if (d && n->login && !n->leading && d->use == ISL_USE_LO)
            admissible = false;   /* leading-only key offered on an added connection */
        if (d && (!stage_allowed(d, (isl_stage)k->stage[off]) ||
                  (k->stage[off] == ISL_STAGE_FFP && (d->use == ISL_USE_LO || d->use == ISL_USE_IO))))
            admissible = false;   /* offered in a stage where the key is not allowed */
        if (admissible)
            isl_report(out, ISL_CHK_NEG_REJECT_ADMISSIBLE, "%s answered %s=Reject to the admissible offer %s (frame %u)",
                       isl_side_name(ans), k->name, o, k->frame[off]);
        isl_report(out, ISL_CHK_NEG_REJECT_SEEN, "%s rejected %s=%s (frame %u); the value stays at its default%s",
                   isl_side_name(ans), k->name, o, k->frame[off], d && (d->flags & ISL_KF_OBSOLETE) ? " (obsolete key: Reject is the RFC 7143 answer)" : "");
        return;
    }
    if (!strcmp(a, "NotUnderstood")) {
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
        return;
    }
    if (d && (d->flags & ISL_KF_OBSOLETE)) {
        bool ok = (d->kind == ISL_KIND_BOOL_AND && !strcmp(a, "No"));
        if (!ok)
            isl_report(out, ISL_CHK_NEG_MARKER_ANSWER, "%s answered %s=%s; RFC 7143 requires Reject%s",
                       isl_side_name(ans), k->name, a, d->kind == ISL_KIND_BOOL_AND ? " (or No)" : "");
        if (d->kind == ISL_KIND_RANGE && strchr(a, '~'))
            isl_report(out, ISL_CHK_NEG_RANGE_MISUSE, "%s answered %s=%s: an answer must be a single value",
                       isl_side_name(ans), k->name, a);
        if (strcmp(a, "Irrelevant"))
            k->result = a;
        else
            k->irrelevant = true;
        return;
    }
    if (!strcmp(a, "Irrelevant")) {
        bool expected = d && n->type == ISL_ST_DISCOVERY && (d->flags & ISL_KF_IRR_DISCOVERY);
        /* The acceptor has no value: never show the default in its place,
         * whether or not the answer was right. */
        k->irrelevant = true;
        if (d && (d->flags & ISL_KF_IRR_NO_UNSOLICITED))
            expected = true;  /* InitialR2T and ImmediateData may be settled later in the stage */
        if (!expected && d)
            isl_report(out, ISL_CHK_NEG_IRRELEVANT_UNEXPECTED, "%s answered %s=Irrelevant where it is relevant%s",
                       isl_side_name(ans), k->name, n->type == ISL_ST_NORMAL ? " (Normal session)" : "");
        return;
    }
    if (!d) {
        k->result = a;
        return;
    }
    switch (d->kind) {
    case ISL_KIND_LIST: {
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
        k->result = a;
        return;
    }
    case ISL_KIND_NUM_MIN:
    case ISL_KIND_NUM_MAX:
        if (!num_of(o, &xo) || !num_of(a, &xa))
            return;   /* syntax already reported */
        if (d->kind == ISL_KIND_NUM_MIN && xa > xo)
            isl_report(out, ISL_CHK_NEG_MIN_ANSWER_ABOVE_OFFER, "%s answered %s=%s, above the %s's offer %s (frame %u); the result is the minimum",
                       isl_side_name(ans), k->name, a, side_lc(off), o, k->frame[off]);
        if (d->kind == ISL_KIND_NUM_MAX && xa < xo)
            isl_report(out, ISL_CHK_NEG_MAX_ANSWER_BELOW_OFFER, "%s answered %s=%s, below the %s's offer %s (frame %u); the result is the maximum",
                       isl_side_name(ans), k->name, a, side_lc(off), o, k->frame[off]);
        /* min/max is one of the two values as sent: point at it unless it is hex */
        k->result = (d->kind == ISL_KIND_NUM_MIN ? xa <= xo : xa >= xo) ? a : o;
        if (k->result[0] == '0' && k->result[1])
            k->result = k->owned = g_strdup_printf("%" G_GUINT64_FORMAT, d->kind == ISL_KIND_NUM_MIN ? MIN(xo, xa) : MAX(xo, xa));
        return;
    case ISL_KIND_BOOL_AND:
    case ISL_KIND_BOOL_OR: {
        bool yo = !strcmp(o, "Yes"), ya = !strcmp(a, "Yes");
        if ((strcmp(o, "Yes") && strcmp(o, "No")) || (strcmp(a, "Yes") && strcmp(a, "No")))
            return;
        if (d->kind == ISL_KIND_BOOL_AND && !yo && ya)
            isl_report(out, ISL_CHK_NEG_BOOL_AND, "%s answered %s=Yes to the %s's No (frame %u); AND of Yes and No is No",
                       isl_side_name(ans), k->name, side_lc(off), k->frame[off]);
        if (d->kind == ISL_KIND_BOOL_OR && yo && !ya)
            isl_report(out, ISL_CHK_NEG_BOOL_OR, "%s answered %s=No to the %s's Yes (frame %u); OR of Yes and No is Yes",
                       isl_side_name(ans), k->name, side_lc(off), k->frame[off]);
        k->result = d->kind == ISL_KIND_BOOL_AND ? (yo && ya ? "Yes" : "No") : (yo || ya ? "Yes" : "No");
        return;
    }
    default:
        return;
    }
}

/* ---- CHAP (RFC 7143 §12.1.3, RFC 1994) ----------------------------------- */

static size_t chap_digest_len(const char *alg)
{
    if (!alg) return 0;
    if (!strcmp(alg, "5")) return 16;
    if (!strcmp(alg, "6")) return 20;
    if (!strcmp(alg, "7") || !strcmp(alg, "8")) return 32;
    return 0;
}

static const char *chap_alg_name(const char *alg)
{
    if (!alg) return "?";
    if (!strcmp(alg, "5")) return "MD5";
    if (!strcmp(alg, "6")) return "SHA-1";
    if (!strcmp(alg, "7")) return "SHA-256";
    if (!strcmp(alg, "8")) return "SHA3-256";
    return alg;
}

static void chap_key(isl_nego *n, isl_side side, uint32_t frame, const char *key, const char *v,
                     isl_findings *out)
{
    isl_auth *au = &n->auth;
    const isl_kst *am = isl_nego_find(n, "AuthMethod");
    const char *method = am ? am->result : NULL;

    /* When the capture missed the AuthMethod exchange, the method is unknown, not absent. */
    if ((!method && !n->partial) || (method && strcmp(method, "CHAP"))) {
        isl_report(out, ISL_CHK_AUTH_KEYS_WITHOUT_METHOD, "%s sent %s although %s", isl_side_name(side), key,
                   method ? "AuthMethod is not CHAP" : "no AuthMethod=CHAP has been agreed");
    }
    if (!strcmp(key, "CHAP_A")) {
        if (side == ISL_SIDE_I) {
            au->chap_a_offer = v;
            au->chap_a_offer_frame = frame;
            if (!isl_list_contains(v, "5"))
                isl_report(out, ISL_CHK_CHAP_NO_MD5_OFFERED, "CHAP_A=%s offered without 5 (MD5), which initiators must offer", v);
        } else {
            au->chap_a_answer = v;
            /* CHAP_A is not settled by settle() (kind_negotiated excludes CHAP keys):
             * check the target's choice against the initiator's list here. */
            if (au->chap_a_offer && !isl_is_reserved_constant(v)) {
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
        }
    } else if (!strcmp(key, "CHAP_I")) {
        uint64_t x;
        if (isl_parse_number(v, &x) != ISL_NUM_OK || x > 255)
            isl_report(out, ISL_CHK_CHAP_I_RANGE, "CHAP_I=%s is not an integer 0..255", v);
        if (side == ISL_SIDE_T) au->t_chap_i = v; else au->i_chap_i = v;
    } else if (!strcmp(key, "CHAP_C")) {
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
        if (canon && n->shared && n->shared->chap_challenges) {
            gpointer prev;
            /* The initiator echoing this login's target challenge is chap.reflection, not reuse. */
            if (g_hash_table_lookup_extended(n->shared->chap_challenges, canon, NULL, &prev) && GPOINTER_TO_UINT(prev) != frame
                && !(side == ISL_SIDE_I && GPOINTER_TO_UINT(prev) == au->t_chap_c_frame)) {
                isl_report(out, ISL_CHK_CHAP_CHALLENGE_REUSE, "%s's CHAP_C was already used in frame %u: challenges must be fresh",
                           isl_side_name(side), GPOINTER_TO_UINT(prev));
                g_free(canon);
            } else if (g_hash_table_size(n->shared->chap_challenges) < 100000) {
                g_hash_table_insert(n->shared->chap_challenges, canon, GUINT_TO_POINTER(frame));
            } else {
                g_free(canon);
            }
        } else {
            g_free(canon);
        }
    } else if (!strcmp(key, "CHAP_N")) {
        if (side == ISL_SIDE_I) au->i_chap_n = v; else au->t_chap_n = v;
    } else if (!strcmp(key, "CHAP_R")) {
        size_t len = 0, want = chap_digest_len(au->chap_a_answer);
        if (isl_parse_binary(v, &len) == ISL_BIN_OK && want && len != want)
            isl_report(out, ISL_CHK_CHAP_R_LENGTH, "%s's CHAP_R is %zu bytes; CHAP_A=%s (%s) gives %zu",
                       isl_side_name(side), len, au->chap_a_answer, chap_alg_name(au->chap_a_answer), want);
        if (side == ISL_SIDE_I) {
            au->i_chap_r = v;
            au->i_chap_r_frame = frame;
            if (!au->t_chap_c)
                isl_report(out, ISL_CHK_CHAP_ORDER, "Initiator sent CHAP_R before the target's challenge");
        } else {
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
    }
}

/* ---- feeding text ------------------------------------------------------ */

static bool stage_allowed(const isl_key_def *d, isl_stage st)
{
    unsigned bit = st == ISL_STAGE_SEC ? ISL_STG_SEC : st == ISL_STAGE_OP ? ISL_STG_OP : ISL_STG_FFP;
    return (d->stages & bit) != 0;
}

unsigned isl_nego_text(isl_nego *n, isl_side side, isl_stage stage, uint32_t frame,
                       const isl_text *text, isl_findings *out)
{
    unsigned new_offers = 0;
    GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);

    if (n->last_offers)
        g_string_truncate(n->last_offers, 0);

    /* §6.1: a receiver only has to accept 8192 bytes of key=value text per
     * negotiation (each login stage, one Text sequence), 64 KiB in the
     * security stage of an authentication method with long items (SRP, KRB5). */
    {
        unsigned si = stage == ISL_STAGE_SEC ? 0 : stage == ISL_STAGE_OP ? 1 : 2;
        const char *m = isl_nego_auth_method(n);
        uint32_t limit = stage == ISL_STAGE_SEC && m && (!strcmp(m, "SRP") || !strcmp(m, "KRB5")) ? 65536 : 8192;
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
    if (side == ISL_SIDE_I && stage == ISL_STAGE_SEC && !n->auth.first_step_checked) {
        const isl_kst *am = isl_nego_find(n, "AuthMethod");
        if (am && am->result && !strcmp(am->result, "CHAP")) {
            bool has_a = n->auth.chap_a_offer != NULL;
            n->auth.first_step_checked = true;
            for (unsigned i = 0; i < text->n_pairs && !has_a; i++)
                has_a = !strcmp(text->pairs[i].key, "CHAP_A");
            if (!has_a)
                isl_report(out, ISL_CHK_AUTH_FIRST_STEP_MISSING, "AuthMethod=CHAP selected (frame %u) but this Login Request has no CHAP_A",
                           am->result_frame);
        }
    }

    for (unsigned i = 0; i < text->n_pairs; i++) {
        const char *key = text->pairs[i].key, *v = text->pairs[i].value;
        const isl_key_def *d;
        isl_kst *k;
        bool created, answer, reaction, wrong_stage = false;
        char bad = 0;

        if (!v || !*key) {
            isl_report(out, ISL_CHK_FMT_NO_EQUALS, "Item \"%.64s\" %s", key, !*key ? "has an empty key" : "has no '='");
            continue;
        }
        switch (isl_check_key_name(key, &bad)) {
        case ISL_KEYNAME_TOO_LONG:
            isl_report(out, ISL_CHK_FMT_KEY_TOO_LONG, "Key name of %zu bytes (limit 63): %.40s...", strlen(key), key);
            continue;
        case ISL_KEYNAME_BAD_CHAR:
            isl_report(out, ISL_CHK_FMT_KEY_CHARS, "Key \"%.64s\" contains '%c'", key, bad);
            continue;
        default:
            break;
        }
        d = isl_key_lookup(key);
        /* Reject/Irrelevant/NotUnderstood answering the other side's offer of
         * this key only reacts to it: the key-level rules below (spelling,
         * session type, stage, leading connection) concern the offerer. */
        {
            const isl_kst *prev = isl_nego_find(n, d ? d->name : key);
            reaction = prev && prev->offerer == (int8_t)ISL_OTHER(side) && !prev->answered && isl_is_reserved_constant(v);
        }
        if (!d && !isl_key_is_extension(key) && !reaction) {
            const isl_key_def *nc = isl_key_lookup_nocase(key);
            if (nc)
                isl_report(out, ISL_CHK_FMT_CASE, "\"%s\" is not a key; RFC 7143 spells it \"%s\" (keys are case-sensitive)", key, nc->name);
            else if (!isl_nego_find(n, key))
                isl_report(out, ISL_CHK_NEG_UNKNOWN_KEY, "Key \"%s\" is not defined by RFC 7143 or RFC 7144; expect NotUnderstood", key);
        }
        /* No clause of RFC 7143 keeps X- keys out of Discovery sessions
         * (open-iscsi sends X-com.cisco.* there): only a convention, so a Note. */
        if (isl_key_is_extension(key) && n->type == ISL_ST_DISCOVERY && !reaction)
            isl_report(out, ISL_CHK_NEG_VENDOR_KEY_DISCOVERY, "%s sent in a Discovery session; extension keys are by convention for Normal sessions (no RFC clause)", key);

        /* Same key twice in one text set (TargetAddress may repeat; SendTargets
         * responses repeat TargetName by design, handled by the caller). */
        if (g_hash_table_contains(seen, key) && !(d && (d->flags & ISL_KF_MAY_REPEAT))) {
            isl_report(out, ISL_CHK_NEG_DUP_IN_TEXT, "%s appears twice in this text (second value %s)", key, v);
            continue;
        }
        g_hash_table_add(seen, (gpointer)key);

        if (d) {
            if (!(d->senders & (side == ISL_SIDE_I ? ISL_BY_I : ISL_BY_T))
                || (d == isl_key_lookup("TargetName") && side == ISL_SIDE_T && n->login)) {
                isl_report(out, ISL_CHK_NEG_WRONG_SENDER, "%s sent %s: only the %s may send it%s", isl_side_name(side), key,
                           side == ISL_SIDE_I ? "target" : "initiator",
                           d->senders == ISL_BY_IT ? " in a login" : "");
            }
            if (!reaction && (!stage_allowed(d, stage) || (stage == ISL_STAGE_FFP && (d->use == ISL_USE_LO || d->use == ISL_USE_IO)))) {
                wrong_stage = true;
                isl_report(out, ISL_CHK_NEG_WRONG_STAGE, "%s sent in the %s; it belongs to the %s", key, stage_name(stage),
                           (d->stages & ISL_STG_SEC) ? "security stage" : (d->stages & ISL_STG_OP) ?
                           ((d->stages & ISL_STG_FFP) ? "operational stage or full feature phase" : "operational stage") :
                           "full feature phase (Text)");
            }
            if (n->login && !n->leading && d->use == ISL_USE_LO && strcmp(d->name, "SessionType") && !reaction)
                isl_report(out, ISL_CHK_NEG_LO_ON_NON_LEADING, "%s sent in a non-leading login: it may only be negotiated on the leading connection", key);
            if (d->flags & ISL_KF_OBSOLETE && !isl_is_reserved_constant(v)) {
                bool first = !isl_nego_find(n, d->name);
                if (first)
                    isl_report(out, ISL_CHK_NEG_MARKER_OFFERED, "%s offered %s=%s (RFC 3720 key removed by RFC 7143)", isl_side_name(side), key, v);
            }
        }

        if (d && (d->flags & (ISL_KF_CHAP)))
            chap_key(n, side, frame, key, v, out);

        k = kst_get(n, d, key, &created);
        if (!k) {
            if (!n->capped)
                isl_report(out, ISL_CHK_STATE_LIMIT, "More than %u distinct keys in one negotiation; further keys are not analysed",
                           n->shared->max_keys);
            n->capped = true;
            continue;
        }
        answer = k->offerer >= 0 && k->offerer != (int8_t)side && !k->answered;
        /* One mistake, one alarm: a key sent in the wrong stage is usually
         * ignored by the peer (IET ignores AuthMethod in the operational
         * stage), which is the expected reaction, not a second violation. */
        k->wrong_stage |= wrong_stage;

        /* An offer of Reject/Irrelevant/NotUnderstood is reported as
         * neg.reserved_constant_offered below, not also as a bad value. */
        if (d)
            (void)isl_value_check(d, key, v, answer || k->offerer == (int8_t)ISL_OTHER(side)
                                   || (k->offerer < 0 && kind_negotiated(k) && isl_is_reserved_constant(v)), out);

        if (k->value[side]) {
            /* Second occurrence from the same side. */
            if (d && (d->flags & ISL_KF_MAY_REPEAT) && !(d->flags & ISL_KF_IDENTITY))
                continue;
            if (d && (d->flags & ISL_KF_IDENTITY) && n->login)
                isl_report(out, ISL_CHK_LOGIN_IDENTITY_REDECLARED, "%s sent %s again (first in frame %u)", isl_side_name(side), key, k->frame[side]);
            else if (n->login)
                isl_report(out, ISL_CHK_NEG_RENEGOTIATED_LOGIN, "%s sent %s again (first in frame %u, %s); keys may be negotiated once per Login Phase",
                           isl_side_name(side), key, k->frame[side], k->value[side]);
            else
                isl_report(out, ISL_CHK_NEG_RENEGOTIATED_TEXT, "%s sent %s again in this Text sequence (first in frame %u)",
                           isl_side_name(side), key, k->frame[side]);
            continue;
        }
        k->value[side] = v;
        k->frame[side] = frame;
        k->stage[side] = (uint8_t)stage;

        if (answer) {
            if (kind_negotiated(k))
                settle(n, k, side, frame, out);
            else
                k->answered = true;
            continue;
        }
        if (k->offerer < 0) {
            k->offerer = (int8_t)side;
            if (kind_negotiated(k)) {
                if (isl_is_reserved_constant(v) || (d && d->kind == ISL_KIND_LIST && (isl_list_contains(v, "Reject")
                        || isl_list_contains(v, "Irrelevant") || isl_list_contains(v, "NotUnderstood"))))
                    isl_report(out, ISL_CHK_NEG_RESERVED_CONSTANT_OFFERED, "%s offered %s=%s: reserved constants are only answers",
                               isl_side_name(side), key, v);
                else if (!(d && ((d->kind == ISL_KIND_BOOL_AND && !strcmp(v, "No")) || (d->kind == ISL_KIND_BOOL_OR && !strcmp(v, "Yes"))))) {
                    new_offers++;
                    /* X- and unknown keys may be declarative: only standard keys surely need an answer */
                    if (d) {
                        if (!n->last_offers)
                            n->last_offers = g_string_new(NULL);
                        g_string_append_printf(n->last_offers, "%s%s=%s", n->last_offers->len ? ", " : "", key, v);
                    }
                }
                if (d && !strcmp(d->name, "TaskReporting") && (!isl_list_contains(v, "RFC3720") || !isl_list_contains(v, "ResponseFence")))
                    isl_report(out, ISL_CHK_NEG_TASKREPORTING_OFFER, "TaskReporting=%s offered without %s", v,
                               !isl_list_contains(v, "RFC3720") ? "RFC3720" : "ResponseFence");
                if (d && !strcmp(d->name, "AuthMethod"))
                    n->auth.method_frame = frame;
            }
        }
    }
    g_hash_table_destroy(seen);
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
        if (k->def && ((k->def->kind == ISL_KIND_BOOL_AND && !strcmp(o, "No")) ||
                       (k->def->kind == ISL_KIND_BOOL_OR && !strcmp(o, "Yes")))) {
            k->answered = true;
            k->result = o;   /* AND-No and OR-Yes need no answer */
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

static bool value_yes(const isl_nego *n, const char *name);
static bool value_no(const isl_nego *n, const char *name);

const char *isl_nego_value(const isl_nego *n, const isl_key_def *def, isl_val_state *state)
{
    const isl_kst *k = isl_nego_find(n, def->name);
    const char *v = NULL;
    isl_val_state st;

    /* Irrelevance first: an irrelevant key has no value (RFC 7143 §6.2
     * "key unchanged" is about the negotiation, not a value to use), even
     * when the two sides exchanged numbers for it. */
    if (k && k->irrelevant)
        st = ISL_VAL_IRR_ANSWERED;
    else if (n->type == ISL_ST_DISCOVERY && (def->flags & ISL_KF_IRR_DISCOVERY))
        st = ISL_VAL_IRR_DISCOVERY;
    else if ((def->flags & ISL_KF_IRR_NO_UNSOLICITED) && value_yes(n, "InitialR2T") && value_no(n, "ImmediateData"))
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
    const isl_kst *k = isl_nego_find(n, "MaxRecvDataSegmentLength");
    uint64_t x;
    if (k && k->value[side] && num_of(k->value[side], &x) && x <= G_MAXUINT32) {
        if (is_default) *is_default = false;
        return (uint32_t)x;
    }
    if (is_default) *is_default = true;
    return 8192;
}

static bool value_num(const isl_nego *n, const char *name, uint64_t *x)
{
    const isl_key_def *d = isl_key_lookup(name);
    return num_of(isl_nego_value(n, d, NULL), x);
}

static bool value_yes(const isl_nego *n, const char *name)
{
    const char *v = isl_nego_value(n, isl_key_lookup(name), NULL);
    return v && !strcmp(v, "Yes");
}

static bool value_no(const isl_nego *n, const char *name)
{
    const char *v = isl_nego_value(n, isl_key_lookup(name), NULL);
    return v && !strcmp(v, "No");
}

void isl_nego_finish(isl_nego *n, uint32_t frame, isl_findings *out)
{
    uint64_t fbl, mbl, erl, r2t, mc;
    (void)frame;

    if (n->type == ISL_ST_DISCOVERY) {
        const isl_key_def *mcd = isl_key_lookup("MaxConnections");
        if (value_num(n, "ErrorRecoveryLevel", &erl) && erl != 0)
            isl_report(out, ISL_CHK_NEG_DISCOVERY_ERL, "Discovery session negotiated ErrorRecoveryLevel %" G_GUINT64_FORMAT " (must be 0)", erl);
        /* MaxConnections is irrelevant here (no value): the note is about
         * what the two sides settled all the same. */
        if (num_of(settled_value(isl_nego_find(n, mcd->name), mcd), &mc) && mc > 1)
            isl_report(out, ISL_CHK_NEG_DISCOVERY_MAXCONN, "Discovery session negotiated MaxConnections %" G_GUINT64_FORMAT " (Discovery implies 1)", mc);
        return;
    }
    if (!n->leading)
        return;
    /* An irrelevant key has no value (answered Irrelevant, or FirstBurstLength
     * with InitialR2T=Yes and ImmediateData=No): nothing to compare, and never
     * its default in its place. */
    if (value_num(n, "FirstBurstLength", &fbl) && value_num(n, "MaxBurstLength", &mbl) && fbl > mbl)
        isl_report(out, ISL_CHK_NEG_FBL_GT_MBL, "FirstBurstLength %" G_GUINT64_FORMAT " exceeds MaxBurstLength %" G_GUINT64_FORMAT,
                   fbl, mbl);
    if (value_num(n, "ErrorRecoveryLevel", &erl) && erl > 0 && value_yes(n, "DataSequenceInOrder")
        && value_num(n, "MaxOutstandingR2T", &r2t) && r2t != 1)
        isl_report(out, ISL_CHK_NEG_R2T_INORDER_ERL, "MaxOutstandingR2T %" G_GUINT64_FORMAT " with ErrorRecoveryLevel %" G_GUINT64_FORMAT
                   " and DataSequenceInOrder=Yes (must be 1)", r2t, erl);
}

const char *isl_nego_auth_method(const isl_nego *n)
{
    const isl_kst *am = isl_nego_find(n, "AuthMethod");
    return am ? am->result : NULL;
}

void isl_nego_auth_end(isl_nego *n, uint32_t frame, bool login_failed, isl_findings *out)
{
    isl_auth *au = &n->auth;
    const char *method = isl_nego_auth_method(n);
    bool mutual;
    (void)frame;

    if (au->summary)
        return;
    if (!method) {
        au->summary = g_strdup("none negotiated");
        return;
    }
    if (strcmp(method, "CHAP")) {
        au->summary = g_strdup(method);
        return;
    }
    mutual = au->i_chap_c != NULL;
    if (!au->chap_a_offer && !login_failed && !au->first_step_checked)
        isl_report(out, ISL_CHK_AUTH_FIRST_STEP_MISSING, "AuthMethod=CHAP selected (frame %u) but the initiator never sent CHAP_A",
                   au->method_frame);
    if (au->chap_a_answer && !isl_is_reserved_constant(au->chap_a_answer) && (!au->t_chap_i || !au->t_chap_c))
        isl_report(out, ISL_CHK_CHAP_A_ANSWER, "Target answered CHAP_A=%s without %s", au->chap_a_answer,
                   !au->t_chap_i ? "CHAP_I" : "CHAP_C");
    if (!login_failed && au->t_chap_c && (!au->i_chap_n || !au->i_chap_r))
        isl_report(out, ISL_CHK_CHAP_ORDER, "Security stage ended without the initiator's %s", !au->i_chap_n ? "CHAP_N" : "CHAP_R");
    if (!login_failed && mutual && !au->t_chap_r)
        isl_report(out, ISL_CHK_CHAP_MUTUAL_MISSING, "Initiator sent CHAP_I/CHAP_C (frame %u) but the target completed the stage without CHAP_N/CHAP_R",
                   au->i_chap_c_frame);
    au->summary = g_strdup_printf("CHAP (%s), %s, initiator CHAP_N \"%s\"%s%s%s: %s",
                                  chap_alg_name(au->chap_a_answer), mutual ? "mutual" : "one-way",
                                  au->i_chap_n ? au->i_chap_n : "?",
                                  mutual ? ", target CHAP_N \"" : "", mutual ? (au->t_chap_n ? au->t_chap_n : "?") : "",
                                  mutual ? "\"" : "",
                                  login_failed ? (au->i_chap_r ? "failed after the initiator's response" : "failed before the initiator's response")
                                               : "succeeded");
    isl_report(out, ISL_CHK_AUTH_SUMMARY, "Authentication: %s", au->summary);
}

const char *isl_nego_auth_summary(const isl_nego *n) { return n->auth.summary; }

const char *isl_nego_last_offers(const isl_nego *n) { return n->last_offers ? n->last_offers->str : ""; }

void isl_nego_set_partial(isl_nego *n) { n->partial = true; }
