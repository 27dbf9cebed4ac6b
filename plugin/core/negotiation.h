/* SPDX-License-Identifier: GPL-2.0-or-later
 * One negotiation: a Login Phase (all its stages) or one FFP Text sequence.
 * Feeds key=value pairs in wire order, computes each key's result and
 * reports every violation of RFC 7143 §6.2-§6.4, §12 and §13. */
#ifndef ISL_NEGOTIATION_H
#define ISL_NEGOTIATION_H

#include "checks.h"
#include "keys.h"
#include "text.h"

typedef enum { ISL_SIDE_I = 0, ISL_SIDE_T = 1 } isl_side;
#define ISL_OTHER(s) ((isl_side)(1 - (s)))
const char *isl_side_name(isl_side s);      /* "Initiator" / "Target" */

/* Stage of a text set: login CSG (0 security, 1 operational), or FFP. */
typedef enum { ISL_STAGE_SEC = 0, ISL_STAGE_OP = 1, ISL_STAGE_FFP = 3 } isl_stage;

typedef enum { ISL_ST_UNKNOWN, ISL_ST_DISCOVERY, ISL_ST_NORMAL } isl_session_type;

/* One key's negotiation state.  A login keeps a score of them for the whole
 * capture: 56 bytes, no padding. */
typedef struct {
    const isl_key_def *def;      /* NULL for unknown and X- keys */
    const char *name;
    const char *value[2];        /* first value each side sent (NULL if none) */
    const char *result;          /* negotiated value (into a text or a literal), NULL if none/default */
    uint32_t frame[2];
    uint32_t result_frame;
    uint8_t stage[2];
    int8_t offerer;              /* side that spoke first, -1 none */
    bool answered : 1;
    bool by_default : 1;         /* result is the key's default (never settled) */
    bool wrong_stage : 1;        /* neg.wrong_stage reported: no neg.missing_answer too */
    bool irrelevant : 1;         /* answered Irrelevant: the key has no value (§6.2) */
    bool result_owned : 1;       /* result had to be respelled (hex to decimal): freed with the state */
} isl_kst;

typedef struct isl_nego isl_nego;

/* Per-analysis memory shared between negotiations (CHAP challenge reuse). */
typedef struct {
    isl_arena *arena;             /* key states and negotiations live here (NULL: the heap) */
    GHashTable *chap_challenges;  /* canonical challenge -> frame (GUINT_TO_POINTER) */
    unsigned max_keys;            /* cap on distinct keys per negotiation */
    bool mute_legacy_keys;        /* no neg.marker_offered Notes (isl_limits) */
} isl_nego_shared;

isl_nego *isl_nego_new(bool login, bool leading, isl_session_type type, isl_nego_shared *shared);
void isl_nego_free(isl_nego *n);
void isl_nego_set_session_type(isl_nego *n, isl_session_type type);
/* The capture started after this negotiation began: what was said before is unknown. */
void isl_nego_set_partial(isl_nego *n);

/* Feed one reassembled text set (one PDU or C-bit chain) sent by side in stage.
 * The text must live as long as the negotiation: key names and values point into it.
 * Returns the number of new offers this side made that need an answer. */
unsigned isl_nego_text(isl_nego *n, isl_side side, isl_stage stage, uint32_t frame,
                       const isl_text *text, isl_findings *out);
/* A stage (login) or the Text sequence ends in frame: unanswered offers are violations. */
void isl_nego_stage_end(isl_nego *n, isl_stage stage, uint32_t frame, isl_findings *out);
/* Login succeeded: key couplings and session-type rules on the final values. */
void isl_nego_finish(isl_nego *n, uint32_t frame, isl_findings *out);
/* The security stage ended (T=1 out of CSG 0) or the login failed: auth checks. */
void isl_nego_auth_end(isl_nego *n, uint32_t frame, bool login_failed, isl_findings *out);

unsigned isl_nego_count(const isl_nego *n);
const isl_kst *isl_nego_at(const isl_nego *n, unsigned i);
const isl_kst *isl_nego_find(const isl_nego *n, const char *name);
/* The state of a standard key by id (no string compare), NULL if never sent. */
const isl_kst *isl_nego_find_id(const isl_nego *n, isl_key_id id);
/* Where a key's value comes from, or why it has none.  The irrelevant states
 * are RFC 7143's "the key does not apply here": no value, not the default. */
typedef enum {
    ISL_VAL_NONE,               /* no value and no default (an alias never declared) */
    ISL_VAL_NEGOTIATED,         /* the result of an exchange, or a declaration */
    ISL_VAL_DEFAULT,            /* never settled (not sent, rejected, unanswered): the RFC default */
    ISL_VAL_IRR_ANSWERED,       /* answered Irrelevant (§6.2): "key unchanged", no value */
    ISL_VAL_IRR_DISCOVERY,      /* the key's "Irrelevant when: SessionType=Discovery" holds */
    ISL_VAL_IRR_NO_UNSOLICITED  /* FirstBurstLength with InitialR2T=Yes and ImmediateData=No */
} isl_val_state;
#define ISL_VAL_IRRELEVANT(s) ((s) >= ISL_VAL_IRR_ANSWERED)
/* What an irrelevant key shows in place of a value ("Irrelevant", "irrelevant
 * in a Discovery session"); NULL for the other states. */
const char *isl_val_state_reason(isl_val_state s);

/* Value of a key as it applies to this negotiation: the result, else the value
 * one side declared, else the default; NULL when the key is irrelevant here
 * (or has neither value nor default).  *state (may be NULL) says which. */
const char *isl_nego_value(const isl_nego *n, const isl_key_def *def, isl_val_state *state);
/* MaxRecvDataSegmentLength declared by side (default 8192). */
uint32_t isl_nego_mrdsl(const isl_nego *n, isl_side side, bool *is_default);
/* One-line summary of authentication ("CHAP (MD5), one-way"), NULL if none. */
const char *isl_nego_auth_summary(const isl_nego *n);
const char *isl_nego_auth_method(const isl_nego *n);
/* The offers needing an answer made by the last isl_nego_text() call, "Key=Value, ...". */
const char *isl_nego_last_offers(const isl_nego *n);

#endif
