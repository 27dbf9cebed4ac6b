/* SPDX-License-Identifier: GPL-2.0-or-later
 * What the files of the analysis engine share, and nothing else may see:
 * the connection and analyzer state (the session table is the only state
 * they share), the PDU being fed, and the functions one file calls in
 * another.  Plain C + GLib. */
#ifndef ISL_ANALYZER_INT_H
#define ISL_ANALYZER_INT_H

#include "analyzer.h"
#include "bhs.h"
#include "text.h"
#include "arena.h"
#include <string.h>

#define TTT_NONE 0xffffffffu   /* reserved tag (§11.1): no task, no transfer */
#define FP_RING 8              /* PDU fingerprints kept per direction for retransmissions */

typedef enum { CONN_NEW, CONN_LOGIN, CONN_FFP, CONN_FAILED } isl_conn_state;

/* One sender's C-bit chain (§11.10.2, §11.12.2): the text it has under way,
 * and the rule that the other side's reply to a C=1 PDU carries no data. */
typedef struct {
    GByteArray *buf;              /* text collected so far; NULL when no chain is open */
    bool trunc;                   /* a piece of that text is missing */
    uint32_t first;               /* frame of the chain's first PDU */
    bool reply_due;               /* this side sent C=1: the other side's next PDU must be empty */
    uint32_t c_frame;             /* frame of that PDU */
} isl_cchain;

struct isl_conn {
    uint32_t key;
    isl_session *session;
    isl_login *login;             /* current or last login */
    isl_conn_state state;
    uint16_t cid;
    bool hd, dd;                  /* digests negotiated */
    uint32_t mrdsl[2];            /* what side receives at most */
    isl_cchain chain[2];          /* per sender (isl_side) */
    GPtrArray *texts;             /* open Text exchanges (isl_textx*); NULL before the first */
    isl_logoutx *logout;
    uint32_t logout_frame;
    uint32_t fp[2][FP_RING], fp_frame[2][FP_RING];
    unsigned fp_pos[2];
    GHashTable *pings;            /* NOP ping tag -> isl_pdu* */
    void *user;                   /* the caller's (isl_conn_user) */
};

struct isl_analyzer {
    isl_limits lim;
    GHashTable *conns;            /* conn key -> isl_conn* */
    GPtrArray *sessions;          /* isl_session*, index = number - 1 */
    GHashTable *by_isid;          /* ISID (48-bit) -> GPtrArray of isl_session*, oldest first */
    GPtrArray *pdus;              /* isl_pdu* (owned) */
    GPtrArray *logins, *textxs, *logouts;
    isl_nego_shared shared;
    bool session_cap_reported, pdu_cap_reported;
    uint32_t pdu_cap_frame;       /* where the PDU cap was reached; later PDUs get no record */
    isl_story *story;             /* runs of attempts, redirects, relogin storms */
    isl_arena *arena;             /* records, logins, sessions, key states, texts: freed with the analysis */
    guint frame_hint;             /* where isl_analyzer_frame_pdus() found the last frame */
};

/* The PDU being fed, handed down to the handler of its opcode. */
typedef struct {
    isl_analyzer *a;
    isl_conn *c;
    const isl_pdu_in *in;
    const isl_bhs *b;
    isl_pdu *r;
    const uint8_t *data;          /* data segment as captured; NULL when none */
    uint32_t dlen;                /* bytes of it captured */
} isl_feed_ctx;

/* CID of a Login or Logout PDU: the high half of bytes 20-23. */
static inline uint16_t isl_bhs_cid(const isl_bhs *b) { return (uint16_t)(b->w20 >> 16); }

/* Initiator opcodes are below 0x20, target opcodes from 0x20 (§11.2.1.2). */
static inline bool isl_op_from_initiator(uint8_t opcode) { return opcode < 0x20; }

static inline isl_findings *isl_out(const isl_feed_ctx *x) { return &x->r->findings; }

/* sessions.c: connections, sessions, the ISID index */
isl_conn *isl_conn_get(isl_analyzer *a, const isl_pdu_in *in);
void isl_conn_free(gpointer p);
isl_session *isl_session_new(isl_analyzer *a, const uint8_t *isid, uint16_t tsih, uint32_t frame, int64_t ts,
                             isl_findings *out);
isl_session *isl_session_find(isl_analyzer *a, const uint8_t *isid, uint16_t tsih, const char *iname,
                              const char *tname);
void isl_check_reinstatement(isl_analyzer *a, isl_login *l, isl_pdu *r);
char *isl_isid_str(const uint8_t *isid);
void isl_snapshot(isl_pdu *r, isl_conn *c);
bool isl_is_retransmission(isl_conn *c, int dir, const isl_pdu_in *in, uint32_t *orig);
void isl_check_ffp(isl_conn *c, const char *what, isl_pdu *r);
void isl_check_over_mrdsl(isl_conn *c, isl_side receiver, uint32_t dlen, const char *what, isl_pdu *r);

/* continuation.c: C-bit chains */
isl_text *isl_assemble(const isl_feed_ctx *x, isl_side side);
void isl_c_reply_rule(const isl_feed_ctx *x, isl_side sender);
void isl_drop_chains(isl_conn *c);
void isl_report_text_format(isl_text *t, isl_pdu *r, const char *what);

/* login.c */
void isl_login_free(gpointer p);
void isl_login_request(const isl_feed_ctx *x);
void isl_login_response(const isl_feed_ctx *x);
void isl_note_last(const isl_pdu *r);

/* text-exchange.c */
void isl_textx_free(gpointer p);
void isl_text_request(const isl_feed_ctx *x);
void isl_text_response(const isl_feed_ctx *x);

/* logout.c, nop.c */
void isl_logout_request(const isl_feed_ctx *x);
void isl_logout_response(const isl_feed_ctx *x);
void isl_ping(const isl_feed_ctx *x, bool out_dir);

/* analyzer.c: the records */
void isl_link_response(isl_pdu *req, isl_pdu *rsp);

/* taprec.c: finished exchanges for the statistics tap */
isl_xrec *isl_add_xrec(isl_pdu *r, isl_xkind kind, isl_session *s, uint16_t status, bool failed, bool complete,
                       int64_t t, uint32_t first, uint32_t last);

#endif
