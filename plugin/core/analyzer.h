/* SPDX-License-Identifier: GPL-2.0-or-later
 * The analysis engine: sessions, connections, the login state machine,
 * Text and Logout exchanges.  Fed one iSCSI PDU at a time in capture order
 * (the first, linear pass); returns a record per PDU that the display layer
 * renders on every pass.  Plain C + GLib: no Wireshark types. */
#ifndef ISL_ANALYZER_H
#define ISL_ANALYZER_H

#include "checks.h"
#include "negotiation.h"
#include "story.h"

/* iSCSI opcodes (RFC 7143 §11.2.1.2) */
enum {
    ISL_OP_NOP_OUT = 0x00, ISL_OP_SCSI_CMD = 0x01, ISL_OP_TMF_REQ = 0x02, ISL_OP_LOGIN_REQ = 0x03,
    ISL_OP_TEXT_REQ = 0x04, ISL_OP_DATA_OUT = 0x05, ISL_OP_LOGOUT_REQ = 0x06, ISL_OP_SNACK = 0x10,
    ISL_OP_NOP_IN = 0x20, ISL_OP_SCSI_RSP = 0x21, ISL_OP_TMF_RSP = 0x22, ISL_OP_LOGIN_RSP = 0x23,
    ISL_OP_TEXT_RSP = 0x24, ISL_OP_DATA_IN = 0x25, ISL_OP_LOGOUT_RSP = 0x26, ISL_OP_R2T = 0x31,
    ISL_OP_ASYNC = 0x32, ISL_OP_REJECT = 0x3f
};

/* True for PDUs the analyzer wants; false for SCSI data traffic, which the
 * display layer must skip without any further work. */
static inline bool isl_opcode_wanted(uint8_t opcode)
{
    switch (opcode & 0x3f) {
    case ISL_OP_DATA_OUT: case ISL_OP_DATA_IN: case ISL_OP_R2T: case ISL_OP_SCSI_RSP:
    case ISL_OP_TMF_REQ: case ISL_OP_TMF_RSP: case ISL_OP_SNACK:
        return false;
    default:
        return true;
    }
}

typedef enum { ISL_OUT_IN_PROGRESS, ISL_OUT_SUCCESS, ISL_OUT_FAILED, ISL_OUT_INCOMPLETE, ISL_OUT_REDIRECTED } isl_outcome;
const char *isl_outcome_name(isl_outcome o);

/* Kinds of finished exchanges published to the statistics tap. */
typedef enum {
    ISL_X_DISCOVERY_LOGIN, ISL_X_NORMAL_LOGIN, ISL_X_SECURITY_STAGE, ISL_X_OPERATIONAL_STAGE,
    ISL_X_SENDTARGETS, ISL_X_TEXT, ISL_X_LOGOUT,
    ISL_X_PROBLEMS,            /* a PDU with Errors or Warnings: for the sessions table, not an exchange */
    ISL_X_COUNT
} isl_xkind;
const char *isl_xkind_name(isl_xkind k);

/* What a login settled, computed once when it succeeds (for the tables,
 * which only format it).  NULL: the key does not apply (irrelevant). */
typedef struct {
    const char *header_digest, *data_digest, *max_burst_length, *first_burst_length, *error_recovery_level;
    uint32_t mrdsl[2];         /* MaxRecvDataSegmentLength each side declared (isl_side) */
} isl_settled;

typedef struct isl_session isl_session;
typedef struct isl_conn isl_conn;
typedef struct isl_login isl_login;
typedef struct isl_textx isl_textx;
typedef struct isl_logoutx isl_logoutx;

typedef struct {
    char *name;
    GPtrArray *addresses;   /* char*, "host:port,tpgt" */
} isl_target_rec;

struct isl_session {
    uint32_t number;
    char *initiator_name;      /* set once, NULL when never seen */
    char *target_name;
    uint8_t isid[6];
    uint16_t tsih;
    isl_session_type type;
    uint32_t first_frame;
    int64_t first_ts;
    int64_t ffp_ts;            /* leading login done, -1 before */
    bool logged_in, ended;
    unsigned n_connections;    /* connections that logged in */
    unsigned n_logins;
    isl_login *leading;
    isl_outcome outcome;
    uint16_t status;
    uint32_t n_targets;        /* discovered by SendTargets */
    uint32_t login_frame;      /* final Login Response of the leading login */
};

struct isl_login {
    isl_session *session;
    isl_conn *conn;
    uint32_t first_frame, final_frame;
    int64_t first_ts, final_ts;
    uint32_t itt, cmdsn;
    uint16_t cid, tsih_req;
    uint8_t isid[6], vmax, vmin;
    bool leading, started_mid, have_req, have_resp, identity_seen;
    uint8_t mid_stage;         /* stage in which the capture started (started_mid) */
    uint8_t stage;             /* current CSG */
    uint8_t stages[6];         /* stages passed, in order (0, 1, 3) */
    unsigned n_stages;
    uint32_t stage_frame;      /* first request of the current stage */
    int64_t stage_ts;
    isl_outcome outcome;
    uint16_t status;
    isl_nego *nego;
    GArray *texts;             /* isl_login_text: each text set of this login, both sides */
    unsigned n_kv;             /* pairs in all of them */
    char *redirect;
    bool saw_tpgt, req_t, have_statsn, have_resp_version;
    uint8_t req_csg, req_nsg, resp_vmax, resp_vact;
    uint32_t statsn;
    struct isl_pdu *pending_req;
    uint32_t last_frame;       /* last PDU of this login seen so far (frame, index in frame) */
    uint16_t last_index;
    const struct isl_pdu *first_pdu;
    isl_story_login story;     /* attempt, retries, redirect links (story.h) */
    isl_settled settled;       /* once it succeeded */
    bool story_fed;            /* its identity was seen: the story knows it */
};

typedef struct {
    uint8_t side;              /* isl_side */
    uint8_t stage;
    uint32_t frame;
    const char *key, *value;   /* into login->texts */
} isl_kv;

/* One text set of a login: who sent it, where (pairs are derived, not copied,
 * to keep per-session memory small). */
typedef struct {
    isl_text *text;
    uint8_t side, stage;
    uint32_t frame;
} isl_login_text;

/* Every pair of a login in wire order: count and i-th pair. */
unsigned isl_login_kv_count(const isl_login *l);
isl_kv isl_login_kv_at(const isl_login *l, unsigned i);

struct isl_textx {
    isl_session *session;
    isl_conn *conn;
    uint32_t itt, ttt;
    uint32_t first_frame, final_frame;
    int64_t first_ts, final_ts;
    bool sendtargets, done, req_f;
    char *st_value;
    isl_nego *nego;            /* renegotiation in FFP (not SendTargets) */
    GPtrArray *texts;
    GByteArray *carry;         /* pair cut at a PDU boundary without C (tgt) */
    GPtrArray *targets;        /* isl_target_rec* */
    unsigned n_portals;
    struct isl_pdu *pending_req;
};

struct isl_logoutx {
    isl_session *session;
    uint32_t req_frame, rsp_frame;
    int64_t req_ts;
    uint8_t reason, response;
    uint16_t cid, time2wait, time2retain;
    bool have_rsp;
    struct isl_pdu *req_pdu;
    int64_t session_duration;  /* ns from the session's full feature phase to this response, -1 unknown */
};

/* Finished exchange, for the statistics tap: a login storm keeps four per
 * session, so 64 bytes, flags as bits, names as known-bits. */
typedef struct {
    const isl_session *sess;   /* for listeners wanting more (NULL if untracked) */
    const isl_login *login;    /* login exchanges and stages */
    const char *problem;       /* ISL_X_PROBLEMS: the message of the first of the highest ones */
    int64_t time_ns;           /* -1 when the start was not captured */
    uint32_t session;
    uint32_t n_problems;       /* ISL_X_PROBLEMS: Errors and Warnings on the PDU */
    uint32_t first_frame, last_frame;
    uint32_t n_targets;        /* SendTargets: targets this exchange returned */
    uint16_t status;
    uint8_t kind;              /* isl_xkind */
    uint8_t problem_severity;  /* isl_severity of that finding */
    bool failed : 1, complete : 1;
    bool unfinished : 1;       /* a login without its final response at the end of the capture */
    bool provisional : 1;      /* unfinished so far (one pass): for the sessions table only */
    bool redirected : 1;       /* status class 1: neither a failure nor a success */
    bool initiator_known : 1;  /* the session's names were known when the exchange ended */
    bool target_known : 1;
} isl_xrec;

/* The initiator and target names of the session as they were known when the
 * exchange ended, or NULL (a session learns each name once). */
static inline const char *isl_xrec_initiator(const isl_xrec *x)
{
    return x->initiator_known && x->sess ? x->sess->initiator_name : NULL;
}

static inline const char *isl_xrec_target(const isl_xrec *x)
{
    return x->target_known && x->sess ? x->sess->target_name : NULL;
}

/* Kept for every analysed PDU of the capture: members ordered by size so
 * that there is no padding (120 bytes), flags as bits. */
typedef struct isl_pdu {
    int64_t ts;
    int64_t rtt_ns;            /* -1 when not a response */
    isl_session *session;      /* NULL when it could not be tied */
    isl_conn *conn;
    isl_login *login;
    isl_textx *textx;
    isl_logoutx *logout;
    isl_xrec *xrecs;
    isl_findings findings;
    uint32_t frame;
    uint32_t session_number;
    uint32_t request_in, response_in;
    uint32_t retrans_of;       /* frame of the original when this is a retransmission */
    uint32_t continued_from;   /* first frame of a C-bit chain ending here */
    uint32_t n_xrecs;
    uint16_t pdu_index;        /* PDU index within the frame */
    uint16_t tsih, cid;
    uint8_t opcode, flags;
    uint8_t session_type;      /* isl_session_type */
    bool aside : 1;            /* isl_pdu_in.aside */
    bool cid_known : 1;
    bool continued : 1;        /* C=1: text continues in the next PDU */
    bool data_truncated : 1;   /* data segment not fully captured */
    bool login_final : 1;      /* final Login Response: render the login summary */
    bool text_final : 1;
    bool unanalysed : 1;       /* a frame the analysis could not see (isl_analyzer_unanalysed) */
    /* Snapshots, so that every pass shows the same thing: whether the
     * session's names were known at this PDU (a session learns each name
     * once and keeps it, so a bit stands for the pointer). */
    bool initiator_known : 1;
    bool target_known : 1;
} isl_pdu;

/* The session's initiator and target names as known at this PDU, or NULL. */
static inline const char *isl_pdu_initiator(const isl_pdu *r)
{
    return r->initiator_known && r->session ? r->session->initiator_name : NULL;
}

static inline const char *isl_pdu_target(const isl_pdu *r)
{
    return r->target_known && r->session ? r->session->target_name : NULL;
}

typedef struct {
    uint32_t frame;
    uint32_t pdu_index;        /* PDU index within the frame */
    int64_t ts_ns;
    uint32_t conn_key;         /* TCP stream index */
    const char *src, *dst;     /* "addr:port" of this PDU's sender and receiver, or NULL: then ... */
    /* ... formatted on demand (rarely needed: formatting them for every PDU
     * cost a printf per PDU in login storms) */
    const char *(*endpoint)(void *ctx, bool src);
    void *endpoint_ctx;
    const uint8_t *pdu;        /* BHS + AHS + header digest + data ... as captured */
    uint32_t avail;            /* bytes of pdu captured (>= 48) */
    uint32_t reported;         /* PDU length on the wire */
    bool conn_start_seen;      /* the TCP connection's start is in the capture */
    bool aside;                /* shown by its caller, not with the frame's other PDUs */
} isl_pdu_in;

/* The "addr:port" of a PDU's sender (src) or receiver. */
static inline const char *isl_in_endpoint(const isl_pdu_in *in, bool src)
{
    const char *e = src ? in->src : in->dst;
    if (!e && in->endpoint)
        e = in->endpoint(in->endpoint_ctx, src);
    return e ? e : "";
}

/* The analysis settings: state caps, and the thresholds users tune (the
 * preferences of the epan glue).  A zero-initialised member keeps the
 * behaviour of an analyser without it: no slow-login Note, legacy keys
 * noted. */
typedef struct {
    unsigned max_sessions;     /* new sessions beyond this are not tracked (expert) */
    unsigned max_text_bytes;   /* per negotiation */
    unsigned max_keys;         /* distinct keys per negotiation */
    unsigned max_pdus;         /* analysed PDUs kept */
    unsigned slow_login_ms;    /* login.slow above this login time; 0: never */
    unsigned flap_logins;      /* relogin storm: this many successful logins of one */
    unsigned flap_interval_s;  /* initiator+ISID+target within this many seconds */
    bool mute_legacy_keys;     /* no Notes for RFC 3720 keys RFC 7143 removed */
} isl_limits;

/* The defaults isl_analyzer_new(NULL) uses. */
void isl_limits_default(isl_limits *lim);

typedef struct isl_analyzer isl_analyzer;

isl_analyzer *isl_analyzer_new(const isl_limits *limits);  /* NULL: defaults */
void isl_analyzer_free(isl_analyzer *a);
/* Returns the record for this PDU (owned by the analyzer), or NULL when the
 * PDU carries nothing to show (SCSI traffic without findings). */
isl_pdu *isl_analyzer_feed(isl_analyzer *a, const isl_pdu_in *in);

/* The records of one frame, in feed order (frames must be fed in
 * non-decreasing order, as a first pass does): count, and *out points at
 * the first.  Replaces a per-frame table in the caller. */
unsigned isl_analyzer_frame_pdus(const isl_analyzer *a, uint32_t frame, isl_pdu *const **out);
/* A login still without its final response when the capture has been read
 * to the end: true on its last PDU (r), where the login.unfinished Note goes. */
bool isl_login_unfinished_at(const isl_login *l, const struct isl_pdu *r);
/* The statistics record of such a login: counted, untimed, not failed. */
isl_xrec isl_login_unfinished_xrec(const isl_login *l);
/* True on the first PDU of a login. */
bool isl_login_first_at(const isl_login *l, const struct isl_pdu *r);

/* The message of a finding of record r (caller frees): its text, or the text
 * the analysis writes now for a finding reported without one. */
char *isl_finding_text(const isl_pdu *r, const isl_finding *f);

/* A pointer the caller keeps with the connection of a record (NULL until
 * set; records without a connection have none): its own per-connection
 * state, found without a lookup of its own on every PDU. */
void *isl_conn_user(const isl_pdu *r);
void isl_conn_set_user(isl_pdu *r, void *user);

/* Record that frame carried iSCSI PDUs the caller could not feed (the
 * state.unanalysed expert); at most one record per frame. */
isl_pdu *isl_analyzer_unanalysed(isl_analyzer *a, uint32_t frame, int64_t ts_ns, uint32_t conn_key);
/* The frame where the analysed-PDU cap was reached (0: not reached), and the
 * cap: PDUs after that frame get no record, so the display layer says so. */
uint32_t isl_analyzer_cap_frame(const isl_analyzer *a);
uint32_t isl_analyzer_max_pdus(const isl_analyzer *a);
unsigned isl_analyzer_session_count(const isl_analyzer *a);
const isl_session *isl_analyzer_session(const isl_analyzer *a, unsigned i);
/* Sessions indexed under this ISID (6 bytes): live ones, plus those that ended
 * since the ISID last started a session.  For tests. */
unsigned isl_analyzer_isid_sessions(const isl_analyzer *a, const uint8_t *isid);

/* "Discovery", "Normal", "Unknown" */
const char *isl_session_type_name(isl_session_type t);
/* "800000000101": an ISID as the tables show it (13 bytes with the NUL). */
void isl_isid_format(const uint8_t *isid, char out[13]);
/* s as valid UTF-8, cut to at most max bytes with an ellipsis when longer.
 * Caller frees. */
char *isl_utf8_cap(const char *s, size_t max);

/* Login stage names for display. */
const char *isl_stage_name(uint8_t csg);
/* "Initiator error: authentication failure" */
const char *isl_status_class_name(uint16_t status);
const char *isl_status_detail_name(uint16_t status);

#endif
