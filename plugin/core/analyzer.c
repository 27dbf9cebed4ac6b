/* SPDX-License-Identifier: GPL-2.0-or-later
 * Session correlation and the login state machine (RFC 7143 §6.3, §11.12-§11.15). */
#include "analyzer.h"
#include "values.h"
#include <string.h>

#define TTT_NONE 0xffffffffu
#define FP_RING 8

struct isl_conn {
    uint32_t key;
    char *iep, *tep;              /* initiator and target endpoints */
    isl_session *session;
    isl_login *login;             /* current or last login */
    enum { CONN_NEW, CONN_LOGIN, CONN_FFP, CONN_FAILED } state;
    uint16_t cid;
    bool hd, dd;                  /* digests negotiated */
    uint32_t mrdsl[2];            /* what side receives at most */
    GByteArray *cbuf[2];          /* C-bit text under way, per sender */
    bool ctrunc[2];               /* a piece of that text is missing */
    uint32_t cfirst[2];
    bool c_reply_due[2];          /* the other side sent C=1: this side's next PDU must be empty */
    uint32_t c_frame[2];
    GPtrArray *texts;             /* open Text exchanges (isl_textx*) */
    isl_logoutx *logout;
    uint32_t logout_frame;
    uint32_t fp[2][FP_RING], fp_frame[2][FP_RING];
    unsigned fp_pos[2];
    GHashTable *pings;            /* NOP ping tag -> isl_pdu* */
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
    uint32_t pdu_cap_frame;    /* where the PDU cap was reached; later PDUs get no record */
};

/* ---- names ---------------------------------------------------------------- */

const char *isl_outcome_name(isl_outcome o)
{
    switch (o) {
    case ISL_OUT_IN_PROGRESS: return "In progress";
    case ISL_OUT_SUCCESS: return "Success";
    case ISL_OUT_FAILED: return "Failed";
    case ISL_OUT_INCOMPLETE: return "Incomplete";
    case ISL_OUT_REDIRECTED: return "Redirected";
    }
    return "?";
}

const char *isl_xkind_name(isl_xkind k)
{
    static const char *const n[] = { "Discovery login", "Normal login", "Security stage", "Operational stage",
                                      "SendTargets", "Text negotiation", "Logout" };
    return (unsigned)k < ISL_X_COUNT ? n[k] : "?";
}

const char *isl_stage_name(uint8_t csg)
{
    switch (csg) {
    case 0: return "Security";
    case 1: return "Operational";
    case 3: return "Full feature";
    default: return "Reserved";
    }
}

const char *isl_status_class_name(uint16_t s)
{
    switch (s >> 8) {
    case 0: return "Success";
    case 1: return "Redirection";
    case 2: return "Initiator error";
    case 3: return "Target error";
    default: return "Unknown class";
    }
}

const char *isl_status_detail_name(uint16_t s)
{
    switch (s) {
    case 0x0000: return "success";
    case 0x0101: return "target moved temporarily";
    case 0x0102: return "target moved permanently";
    case 0x0200: return "initiator error";
    case 0x0201: return "authentication failure";
    case 0x0202: return "authorization failure";
    case 0x0203: return "target not found";
    case 0x0204: return "target removed";
    case 0x0205: return "unsupported version";
    case 0x0206: return "too many connections";
    case 0x0207: return "missing parameter";
    case 0x0208: return "can't include in session";
    case 0x0209: return "session type not supported";
    case 0x020a: return "session does not exist";
    case 0x020b: return "invalid during login";
    case 0x0300: return "target error";
    case 0x0301: return "service unavailable";
    case 0x0302: return "out of resources";
    default: return "undefined status";
    }
}

bool isl_status_known(uint16_t s) { return strcmp(isl_status_detail_name(s), "undefined status") != 0; }

/* ---- helpers ------------------------------------------------------------- */

static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

static uint32_t fnv1a(const uint8_t *p, size_t n, uint32_t h)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static char *isid_str(const uint8_t *isid)
{
    return g_strdup_printf("0x%02x%02x%02x%02x%02x%02x", isid[0], isid[1], isid[2], isid[3], isid[4], isid[5]);
}

static void text_free_cb(gpointer p) { isl_text_free(p); }

static void session_free(gpointer p)
{
    isl_session *s = p;
    g_free(s->initiator_name);
    g_free(s->target_name);
    g_free(s);
}

static void login_free(gpointer p)
{
    isl_login *l = p;
    isl_nego_free(l->nego);
    for (guint i = 0; i < l->texts->len; i++)
        isl_text_free(g_array_index(l->texts, isl_login_text, i).text);
    g_array_free(l->texts, TRUE);
    g_free(l->redirect);
    g_free(l);
}

static void target_rec_free(gpointer p)
{
    isl_target_rec *t = p;
    g_free(t->name);
    g_ptr_array_free(t->addresses, TRUE);
    g_free(t);
}

static void textx_free(gpointer p)
{
    isl_textx *t = p;
    isl_nego_free(t->nego);
    g_ptr_array_free(t->texts, TRUE);
    if (t->carry)
        g_byte_array_free(t->carry, TRUE);
    g_ptr_array_free(t->targets, TRUE);
    g_free(t->st_value);
    g_free(t);
}

static void pdu_free(gpointer p)
{
    isl_pdu *r = p;
    isl_findings_clear(&r->findings);
    g_free(r->xrecs);
    g_free(r);
}

static void conn_free(gpointer p)
{
    isl_conn *c = p;
    g_free(c->iep);
    g_free(c->tep);
    for (int s = 0; s < 2; s++)
        if (c->cbuf[s])
            g_byte_array_free(c->cbuf[s], TRUE);
    g_ptr_array_free(c->texts, TRUE);
    if (c->pings)
        g_hash_table_destroy(c->pings);
    g_free(c);
}

isl_analyzer *isl_analyzer_new(const isl_limits *limits)
{
    isl_analyzer *a = g_new0(isl_analyzer, 1);
    isl_limits def = { 1000000, 1u << 20, 1024, 20000000 };
    a->lim = limits ? *limits : def;
    a->conns = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, conn_free);
    a->sessions = g_ptr_array_new_with_free_func(session_free);
    a->by_isid = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, (GDestroyNotify)g_ptr_array_unref);
    a->pdus = g_ptr_array_new_with_free_func(pdu_free);
    a->logins = g_ptr_array_new_with_free_func(login_free);
    a->textxs = g_ptr_array_new_with_free_func(textx_free);
    a->logouts = g_ptr_array_new_with_free_func(g_free);
    a->shared.chap_challenges = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    a->shared.max_keys = a->lim.max_keys;
    return a;
}

void isl_analyzer_free(isl_analyzer *a)
{
    if (!a)
        return;
    g_hash_table_destroy(a->conns);
    g_ptr_array_free(a->pdus, TRUE);
    g_ptr_array_free(a->logins, TRUE);
    g_ptr_array_free(a->textxs, TRUE);
    g_ptr_array_free(a->logouts, TRUE);
    g_hash_table_destroy(a->by_isid);
    g_ptr_array_free(a->sessions, TRUE);
    g_hash_table_destroy(a->shared.chap_challenges);
    g_free(a);
}

unsigned isl_analyzer_frame_pdus(const isl_analyzer *a, uint32_t frame, isl_pdu *const **out)
{
    isl_pdu **v = (isl_pdu **)a->pdus->pdata;
    guint lo = 0, hi = a->pdus->len, first;

    *out = NULL;
    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (v[mid]->frame < frame)
            lo = mid + 1;
        else
            hi = mid;
    }
    first = lo;
    while (lo < a->pdus->len && v[lo]->frame == frame)
        lo++;
    if (lo > first)
        *out = v + first;
    return lo - first;
}

unsigned isl_analyzer_session_count(const isl_analyzer *a) { return a->sessions->len; }
const isl_session *isl_analyzer_session(const isl_analyzer *a, unsigned i)
{
    return i < a->sessions->len ? g_ptr_array_index(a->sessions, i) : NULL;
}

static isl_conn *conn_get(isl_analyzer *a, const isl_pdu_in *in, bool from_initiator)
{
    isl_conn *c = g_hash_table_lookup(a->conns, GUINT_TO_POINTER(in->conn_key));
    if (c)
        return c;
    c = g_new0(isl_conn, 1);
    c->key = in->conn_key;
    c->iep = g_strdup(from_initiator ? in->src : in->dst);
    c->tep = g_strdup(from_initiator ? in->dst : in->src);
    c->mrdsl[0] = c->mrdsl[1] = 0;   /* unknown until a login is seen */
    c->texts = g_ptr_array_new();
    g_hash_table_insert(a->conns, GUINT_TO_POINTER(in->conn_key), c);
    return c;
}

static gint64 isid_key(const uint8_t *isid)
{
    gint64 k = 0;
    for (int i = 0; i < 6; i++)
        k = (k << 8) | isid[i];
    return k;
}

/* Sessions with this ISID: lookups stay O(1) on captures with many logins. */
static GPtrArray *sessions_with_isid(const isl_analyzer *a, const uint8_t *isid)
{
    gint64 key = isid_key(isid);
    return g_hash_table_lookup(a->by_isid, &key);
}

unsigned isl_analyzer_isid_sessions(const isl_analyzer *a, const uint8_t *isid)
{
    GPtrArray *same = sessions_with_isid(a, isid);
    return same ? same->len : 0;
}

static isl_session *session_new(isl_analyzer *a, const uint8_t *isid, uint16_t tsih, uint32_t frame, int64_t ts,
                                isl_findings *out)
{
    isl_session *s;
    if (a->sessions->len >= a->lim.max_sessions) {
        if (!a->session_cap_reported)
            isl_report(out, ISL_CHK_STATE_LIMIT, "More than %u sessions; later sessions are not tracked", a->lim.max_sessions);
        a->session_cap_reported = true;
        return NULL;
    }
    s = g_new0(isl_session, 1);
    s->number = a->sessions->len + 1;
    memcpy(s->isid, isid, 6);
    s->tsih = tsih;
    s->first_frame = frame;
    s->first_ts = ts;
    s->ffp_ts = -1;
    g_ptr_array_add(a->sessions, s);
    {
        gint64 key = isid_key(isid);
        GPtrArray *same = g_hash_table_lookup(a->by_isid, &key);
        if (!same) {
            same = g_ptr_array_new();
            g_hash_table_insert(a->by_isid, g_memdup2(&key, sizeof key), same);
        }
        /* Lookups skip ended sessions; dropping them here keeps an ISID that
         * logs in again and again (a login loop, an initiator re-logging in
         * for hours) from making every later login scan all its history. */
        unsigned live = 0;
        for (unsigned i = 0; i < same->len; i++)
            if (!((isl_session *)g_ptr_array_index(same, i))->ended)
                same->pdata[live++] = g_ptr_array_index(same, i);
        g_ptr_array_set_size(same, live);
        g_ptr_array_add(same, s);
    }
    return s;
}

static bool str_eq0(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* Existing session for an added or reinstated connection (RFC 7143 §6.3.1: the
 * target identifies sessions by initiator name + ISID + target). */
static isl_session *session_find(isl_analyzer *a, const uint8_t *isid, uint16_t tsih, const char *iname, const char *tname)
{
    GPtrArray *same = sessions_with_isid(a, isid);
    for (unsigned i = same ? same->len : 0; i-- > 0;) {
        isl_session *s = g_ptr_array_index(same, i);
        if (memcmp(s->isid, isid, 6) || s->ended)
            continue;
        if (tsih && s->tsih != tsih)
            continue;
        if (iname && s->initiator_name && strcmp(iname, s->initiator_name))
            continue;
        if (tname && s->target_name && strcmp(tname, s->target_name))
            continue;
        return s;
    }
    return NULL;
}

static void add_xrec(isl_pdu *r, isl_xkind kind, isl_session *s, uint16_t status, bool failed, bool complete,
                     int64_t t, uint32_t first, uint32_t last)
{
    isl_xrec *x;
    r->xrecs = g_renew(isl_xrec, r->xrecs, r->n_xrecs + 1);
    x = &r->xrecs[r->n_xrecs++];
    memset(x, 0, sizeof *x);
    x->kind = kind;
    x->session = s ? s->number : 0;
    x->initiator = s ? s->initiator_name : NULL;
    x->target = s ? s->target_name : NULL;
    x->status = status;
    x->failed = failed;
    x->complete = complete;
    x->time_ns = t;
    x->first_frame = first;
    x->last_frame = last;
    x->sess = s;
    x->login = NULL;
    x->n_targets = 0;
}

static void snapshot(isl_pdu *r, isl_conn *c)
{
    isl_session *s = c ? c->session : NULL;
    r->conn = c;
    r->session = s;
    if (s) {
        r->session_number = s->number;
        r->initiator_name = s->initiator_name;
        r->target_name = s->target_name;
        r->session_type = s->type;
        r->tsih = s->tsih;
    }
}

/* Returns true when this PDU's bytes were already seen on this connection
 * in this direction (a TCP retransmission that reached the iSCSI layer). */
static bool is_retransmission(isl_conn *c, int dir, const isl_pdu_in *in, uint32_t *orig)
{
    uint32_t n = in->avail < in->reported ? in->avail : in->reported;
    uint32_t h = fnv1a(in->pdu, n, 2166136261u) ^ n;
    for (unsigned i = 0; i < FP_RING; i++) {
        if (c->fp_frame[dir][i] && c->fp[dir][i] == h && c->fp_frame[dir][i] != in->frame) {
            *orig = c->fp_frame[dir][i];
            return true;
        }
    }
    c->fp[dir][c->fp_pos[dir]] = h;
    c->fp_frame[dir][c->fp_pos[dir]] = in->frame;
    c->fp_pos[dir] = (c->fp_pos[dir] + 1) % FP_RING;
    return false;
}

/* Collect C-bit continued text; returns the complete text once C=0, else NULL. */
static isl_text *assemble(isl_analyzer *a, isl_conn *c, isl_side side, const uint8_t *data, uint32_t len,
                          bool cbit, uint32_t frame, isl_pdu *r)
{
    GByteArray *b = c->cbuf[side];
    isl_text *t;
    bool trunc;

    if (cbit) {
        if (!b) {
            b = c->cbuf[side] = g_byte_array_new();
            c->cfirst[side] = frame;
            c->ctrunc[side] = false;
        }
        if (!c->ctrunc[side] && b->len + len > a->lim.max_text_bytes) {
            isl_report(&r->findings, ISL_CHK_STATE_LIMIT, "Continued text over %u bytes; the rest of this text is not analysed",
                       a->lim.max_text_bytes);
            c->ctrunc[side] = true;
        }
        /* Once a piece is missing, later pieces would splice unrelated text. */
        if (!c->ctrunc[side])
            g_byte_array_append(b, data, len);
        if (r->data_truncated)
            c->ctrunc[side] = true;
        r->continued = true;
        isl_report(&r->findings, ISL_CHK_TEXT_CONTINUED, "Text continues in the next PDU (C=1), %u bytes so far since frame %u",
                   b->len, c->cfirst[side]);
        return NULL;
    }
    if (b) {
        trunc = c->ctrunc[side];
        if (!trunc && b->len + len > a->lim.max_text_bytes) {
            isl_report(&r->findings, ISL_CHK_STATE_LIMIT, "Continued text over %u bytes; the rest of this text is not analysed",
                       a->lim.max_text_bytes);
            trunc = true;
        }
        if (!trunc)
            g_byte_array_append(b, data, len);
        t = isl_text_split(b->data, b->len);
        r->continued_from = c->cfirst[side];
        g_byte_array_free(b, TRUE);
        c->cbuf[side] = NULL;
        c->ctrunc[side] = false;
        if (trunc || r->data_truncated)
            isl_text_mark_truncated(t);
        return t;
    }
    t = isl_text_split(data, len);
    if (r->data_truncated)
        isl_text_mark_truncated(t);
    return t;
}

static void drop_cbufs(isl_conn *c)
{
    for (int s = 0; s < 2; s++) {
        if (c->cbuf[s])
            g_byte_array_free(c->cbuf[s], TRUE);
        c->cbuf[s] = NULL;
        c->ctrunc[s] = false;
        c->c_reply_due[s] = false;
    }
}

static void report_text_format(isl_text *t, isl_pdu *r, const char *what)
{
    if (t->unterminated && !t->truncated)
        isl_report(&r->findings, ISL_CHK_FMT_UNTERMINATED_PAIR, "%s text does not end with NUL and the C bit is not set: \"%.40s\" is cut",
                   what, t->n_pairs ? t->pairs[t->n_pairs - 1].key : "");
}

static void keep_kv(isl_login *l, isl_text *t, isl_side side, uint8_t stage, uint32_t frame)
{
    isl_login_text lt = { t, (uint8_t)side, stage, frame };
    g_array_append_val(l->texts, lt);
    l->n_kv += t->n_pairs;
}

unsigned isl_login_kv_count(const isl_login *l) { return l->n_kv; }

isl_kv isl_login_kv_at(const isl_login *l, unsigned i)
{
    isl_kv kv = { 0, 0, 0, NULL, NULL };
    for (guint j = 0; j < l->texts->len; j++) {
        const isl_login_text *lt = &g_array_index(l->texts, isl_login_text, j);
        if (i < lt->text->n_pairs) {
            kv.side = lt->side;
            kv.stage = lt->stage;
            kv.frame = lt->frame;
            kv.key = lt->text->pairs[i].key;
            kv.value = lt->text->pairs[i].value;
            return kv;
        }
        i -= lt->text->n_pairs;
    }
    return kv;
}

static const char *text_value(const isl_text *t, const char *key)
{
    for (unsigned i = 0; i < t->n_pairs; i++)
        if (t->pairs[i].value && strcmp(t->pairs[i].key, key) == 0)
            return t->pairs[i].value;
    return NULL;
}

static void link_response(isl_pdu *req, isl_pdu *rsp)
{
    if (!req)
        return;
    rsp->request_in = req->frame;
    rsp->rtt_ns = rsp->ts - req->ts;
    if (!req->response_in)
        req->response_in = rsp->frame;
}

/* ---- login ----------------------------------------------------------------- */

static isl_login *login_new(isl_analyzer *a, isl_conn *c, uint32_t frame, int64_t ts)
{
    isl_login *l = g_new0(isl_login, 1);
    l->conn = c;
    l->first_frame = frame;
    l->first_ts = ts;
    l->texts = g_array_new(FALSE, FALSE, sizeof(isl_login_text));
    l->outcome = ISL_OUT_IN_PROGRESS;
    l->stage_frame = frame;
    l->stage_ts = ts;
    g_ptr_array_add(a->logins, l);
    c->login = l;
    c->state = CONN_LOGIN;
    return l;
}

static void stage_push(isl_login *l, uint8_t st)
{
    if (l->n_stages < G_N_ELEMENTS(l->stages) && (l->n_stages == 0 || l->stages[l->n_stages - 1] != st))
        l->stages[l->n_stages++] = st;
}

static void session_identity(isl_analyzer *a, isl_login *l, const isl_text *t, isl_pdu *r)
{
    isl_session *s = l->session;
    const char *in = text_value(t, "InitiatorName"), *tn = text_value(t, "TargetName"), *st = text_value(t, "SessionType");
    (void)a;
    if (!s)
        return;
    if (st && !s->initiator_name)
        s->type = strcmp(st, "Discovery") == 0 ? ISL_ST_DISCOVERY : ISL_ST_NORMAL;
    else if (!st && s->type == ISL_ST_UNKNOWN && l->leading && in)
        s->type = ISL_ST_NORMAL;   /* SessionType defaults to Normal */
    if (in && !s->initiator_name)
        s->initiator_name = g_strdup(in);
    if (tn && !s->target_name && s->type != ISL_ST_DISCOVERY)
        s->target_name = g_strdup(tn);
    isl_nego_set_session_type(l->nego, s->type);
    snapshot(r, l->conn);
}

static void check_reinstatement(isl_analyzer *a, isl_login *l, isl_pdu *r)
{
    isl_session *s = l->session;
    if (!s || !l->leading || !s->initiator_name)
        return;
    GPtrArray *same = sessions_with_isid(a, s->isid);
    for (unsigned i = 0; same && i < same->len; i++) {
        isl_session *o = g_ptr_array_index(same, i);
        if (o == s || o->ended || !o->logged_in || memcmp(o->isid, s->isid, 6))
            continue;
        if (!str_eq0(o->initiator_name, s->initiator_name))
            continue;
        if ((o->target_name || s->target_name) && !str_eq0(o->target_name, s->target_name))
            continue;
        char *isid = isid_str(s->isid);
        isl_report(&r->findings, ISL_CHK_SESSION_REINSTATEMENT,
                   "Session reinstatement: %s with ISID %s logs in again with TSIH 0 while session %u (TSIH 0x%04x) is logged in; the target ends session %u",
                   s->initiator_name, isid, o->number, o->tsih, o->number);
        g_free(isid);
        o->ended = true;
    }
}

static void login_request(isl_analyzer *a, isl_conn *c, const isl_pdu_in *in, isl_pdu *r,
                          const uint8_t *data, uint32_t dlen)
{
    const uint8_t *h = in->pdu;
    bool t = h[1] & 0x80, cb = h[1] & 0x40;
    uint8_t csg = (h[1] >> 2) & 3, nsg = h[1] & 3, vmax = h[2], vmin = h[3];
    uint16_t tsih = be16(h + 14), cid = be16(h + 20);
    uint32_t itt = be32(h + 16), cmdsn = be32(h + 24);
    isl_findings *out = &r->findings;
    isl_login *l = c->login;
    bool first = false;

    if (!(h[0] & 0x40))
        isl_report(out, ISL_CHK_LOGIN_NOT_IMMEDIATE, "Login Request has I=0; login requests are always immediate");
    if (c->state == CONN_FFP) {
        /* The target rejects it (Reject PDU); the connection stays in FFP. */
        isl_report(out, ISL_CHK_LOGIN_IN_FFP, "Login Request on a connection in full feature phase since frame %u",
                   l ? l->final_frame : 0);
        snapshot(r, c);
        return;
    } else if (c->state == CONN_FAILED)
        isl_report(out, ISL_CHK_LOGIN_AFTER_REJECT, "Login Request after the login failed with status 0x%04x (frame %u)",
                   l ? l->status : 0, l ? l->final_frame : 0);

    if (!l || c->state != CONN_LOGIN) {
        l = login_new(a, c, in->frame, in->ts_ns);
        first = true;
        l->itt = itt;
        l->cid = cid;
        l->tsih_req = tsih;
        memcpy(l->isid, h + 8, 6);
        l->vmax = vmax;
        l->vmin = vmin;
        l->cmdsn = cmdsn;
        l->leading = tsih == 0;
        l->stage = csg;
        l->have_req = true;
        c->cid = cid;
        if (l->leading) {
            l->session = session_new(a, h + 8, 0, in->frame, in->ts_ns, out);
            if (l->session)
                l->session->leading = l;
        } else {
            /* TSIHs are per target: bind by the names too when this request carries them. */
            isl_text *peek = cb ? NULL : isl_text_split(data ? data : (const uint8_t *)"", dlen);
            l->session = session_find(a, h + 8, tsih, peek ? text_value(peek, "InitiatorName") : NULL,
                                      peek ? text_value(peek, "TargetName") : NULL);
            isl_text_free(peek);
            if (!l->session) {
                l->session = session_new(a, h + 8, tsih, in->frame, in->ts_ns, out);
                l->started_mid = false;
            }
        }
        if (l->session)
            l->session->n_logins++;
        l->nego = isl_nego_new(true, l->leading, l->session ? l->session->type : ISL_ST_UNKNOWN, &a->shared);
        c->session = l->session;
        if ((h[8] >> 6) == 3)
            isl_report(out, ISL_CHK_LOGIN_ISID_TYPE, "ISID %02x%02x%02x%02x%02x%02x has the reserved type 3 (11b)",
                       h[8], h[9], h[10], h[11], h[12], h[13]);
        if (vmin > vmax)
            isl_report(out, ISL_CHK_LOGIN_VERSION, "Version-min 0x%02x is above Version-max 0x%02x", vmin, vmax);
    } else if (!l->have_req) {
        /* Capture started after the first request: adopt this one's fields. */
        l->have_req = true;
        l->itt = itt; l->cid = cid; l->tsih_req = tsih; memcpy(l->isid, h + 8, 6);
        l->vmax = vmax; l->vmin = vmin; l->cmdsn = cmdsn;
    } else {
        if (itt != l->itt)
            isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "ITT changed from 0x%08x to 0x%08x within the login (first request frame %u)", l->itt, itt, l->first_frame);
        if (memcmp(h + 8, l->isid, 6))
            isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "ISID changed within the login (first request frame %u)", l->first_frame);
        if (tsih != l->tsih_req)
            isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "TSIH changed from 0x%04x to 0x%04x within the login (first request frame %u)", l->tsih_req, tsih, l->first_frame);
        if (cid != l->cid)
            isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "CID changed from %u to %u within the login (first request frame %u)", l->cid, cid, l->first_frame);
        if (vmax != l->vmax || vmin != l->vmin)
            isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "Version-max/min changed from 0x%02x/0x%02x to 0x%02x/0x%02x within the login", l->vmax, l->vmin, vmax, vmin);
        if (l->leading && cmdsn != l->cmdsn)
            isl_report(out, ISL_CHK_LOGIN_CMDSN, "CmdSN changed from %u to %u within the leading login", l->cmdsn, cmdsn);
        if (l->have_statsn && be32(h + 28) != l->statsn + 1)
            isl_report(out, ISL_CHK_LOGIN_STATSN, "ExpStatSN %u, expected %u (last Login Response StatSN %u)", be32(h + 28), l->statsn + 1, l->statsn);
    }
    snapshot(r, c);
    r->login = l;
    r->cid = cid;
    r->cid_known = true;

    /* Stage codes (§11.12.3): CSG 2 is reserved, a request never starts in FFP. */
    if (csg == 2 || csg == 3)
        isl_report(out, ISL_CHK_LOGIN_BAD_STAGE_CODE, "Login Request CSG=%u is %s", csg, csg == 2 ? "reserved" : "not a login stage");
    else if (t && (nsg == 2 || nsg <= csg))
        isl_report(out, ISL_CHK_LOGIN_BAD_STAGE_CODE, "Login Request T=1 with NSG=%u from CSG=%u", nsg, csg);
    if (!first && csg != l->stage && csg < 2)
        isl_report(out, ISL_CHK_LOGIN_CSG_MISMATCH, "Login Request CSG=%u (%s) but the login is in the %s stage",
                   csg, isl_stage_name(csg), isl_stage_name(l->stage));
    if (first && csg < 2)
        l->stage = csg;
    if (cb && t)
        isl_report(out, ISL_CHK_FMT_C_WITH_FINAL, "Login Request has both C and T set");
    if (in->reported - 48 > 8192 && dlen > 8192)
        isl_report(out, ISL_CHK_FMT_LOGIN_PDU_OVER_8192, "Login Request data segment is %u bytes; receivers only promise 8192 (LIO drops such PDUs)", dlen);
    if (c->c_reply_due[ISL_SIDE_I] && dlen)
        isl_report(out, ISL_CHK_FMT_C_REPLY_NOT_EMPTY, "Login Request answering the continued Login Response (frame %u) carries %u bytes",
                   c->c_frame[ISL_SIDE_T], dlen);
    c->c_reply_due[ISL_SIDE_I] = false;
    if (cb) {
        c->c_reply_due[ISL_SIDE_T] = true;
        c->c_frame[ISL_SIDE_I] = in->frame;
    }
    stage_push(l, csg < 2 ? csg : l->stage);
    l->req_t = t;
    l->req_csg = csg;
    l->req_nsg = nsg;
    l->pending_req = r;

    {
        isl_text *txt = assemble(a, c, ISL_SIDE_I, data, dlen, cb, in->frame, r);
        if (txt) {
            report_text_format(txt, r, "Login Request");
            if (!l->identity_seen) {
                l->identity_seen = true;
                /* Real initiators always name themselves in the first request; a
                 * first captured request without InitiatorName on a connection
                 * whose start was not captured is the middle of a login. */
                if (!text_value(txt, "InitiatorName") && !in->conn_start_seen && !l->started_mid) {
                    l->started_mid = true;
                    l->mid_stage = csg;
                    isl_nego_set_partial(l->nego);
                    isl_report(out, ISL_CHK_LOGIN_INCOMPLETE, "Login started before the capture: the first captured Login Request has no InitiatorName");
                }
                session_identity(a, l, txt, r);
                if (!l->started_mid && !txt->truncated) {
                    const char *st = text_value(txt, "SessionType");
                    if (!text_value(txt, "InitiatorName"))
                        isl_report(out, ISL_CHK_LOGIN_MISSING_INITIATORNAME, "First Login Request carries no InitiatorName (expect status 0x0207)");
                    if (!text_value(txt, "TargetName") && !(st && !strcmp(st, "Discovery")) &&
                        !(l->session && l->session->type == ISL_ST_DISCOVERY))
                        isl_report(out, ISL_CHK_LOGIN_MISSING_TARGETNAME, "Normal session login without TargetName (expect status 0x0207)");
                    check_reinstatement(a, l, r);
                }
            }
            isl_nego_text(l->nego, ISL_SIDE_I, csg == 1 ? ISL_STAGE_OP : ISL_STAGE_SEC, in->frame, txt, out);
            keep_kv(l, txt, ISL_SIDE_I, csg, in->frame);
        }
    }
}

static void login_fail(isl_analyzer *a, isl_login *l, isl_pdu *r, uint16_t status, const isl_text *txt, int64_t ts)
{
    isl_findings *out = &r->findings;
    isl_session *s = l->session;
    const char *addr = txt ? text_value(txt, "TargetAddress") : NULL;
    (void)a;

    l->outcome = ISL_OUT_FAILED;
    l->status = status;
    l->final_frame = r->frame;
    l->final_ts = ts;
    l->conn->state = CONN_FAILED;
    drop_cbufs(l->conn);
    r->login_final = true;
    if (!isl_status_known(status))
        isl_report(out, ISL_CHK_LOGIN_UNKNOWN_STATUS, "Login status 0x%04x is not defined by RFC 7143", status);
    if ((status >> 8) == 1) {
        if (!addr)
            isl_report(out, ISL_CHK_LOGIN_REDIRECT_NO_ADDRESS, "Status 0x%04x (%s) without TargetAddress", status, isl_status_detail_name(status));
        else {
            l->redirect = g_strdup(addr);
            isl_report(out, ISL_CHK_LOGIN_REDIRECTED, "%s (0x%04x): redirected to %s", isl_status_detail_name(status), status, addr);
        }
    } else {
        isl_report(out, ISL_CHK_LOGIN_FAILED, "Login failed: %s, %s (0x%04x)%s%s", isl_status_class_name(status),
                   isl_status_detail_name(status), status, s && s->target_name ? " for target " : "",
                   s && s->target_name ? s->target_name : "");
    }
    if (status == 0x0201 && !isl_nego_auth_method(l->nego))
        isl_report(out, ISL_CHK_AUTH_METHOD_SKIPPED, "Login %s and failed with 0x0201: the target requires authentication",
                   isl_nego_find(l->nego, "AuthMethod") ? "agreed no AuthMethod" : "skipped the security stage");
    if (l->stage == 0 && isl_nego_auth_method(l->nego))
        isl_nego_auth_end(l->nego, r->frame, true, out);
    add_xrec(r, s && s->type == ISL_ST_DISCOVERY ? ISL_X_DISCOVERY_LOGIN : ISL_X_NORMAL_LOGIN, s, status, true,
             !l->started_mid, l->started_mid ? -1 : ts - l->first_ts, l->first_frame, r->frame);
    r->xrecs[r->n_xrecs - 1].login = l;
    if (s && s->leading == l) {
        s->outcome = ISL_OUT_FAILED;
        s->status = status;
        s->ended = true;
    }
}

static void login_response(isl_analyzer *a, isl_conn *c, const isl_pdu_in *in, isl_pdu *r,
                           const uint8_t *data, uint32_t dlen)
{
    const uint8_t *h = in->pdu;
    bool t = h[1] & 0x80, cb = h[1] & 0x40;
    uint8_t csg = (h[1] >> 2) & 3, nsg = h[1] & 3;
    uint16_t tsih = be16(h + 14), status = (uint16_t)(h[36] << 8 | h[37]);
    uint32_t itt = be32(h + 16), statsn = be32(h + 24), expcmdsn = be32(h + 28);
    isl_findings *out = &r->findings;
    isl_login *l = c->login;
    isl_text *txt = NULL;

    if (!l || c->state != CONN_LOGIN) {
        /* No request seen: the capture started within this login. */
        l = login_new(a, c, in->frame, in->ts_ns);
        l->started_mid = true;
        l->itt = itt;
        memcpy(l->isid, h + 8, 6);
        l->tsih_req = tsih;
        l->leading = tsih == 0 || !session_find(a, h + 8, tsih, NULL, NULL);
        l->stage = csg;
        l->mid_stage = csg;
        l->identity_seen = true;
        l->session = tsih ? session_find(a, h + 8, tsih, NULL, NULL) : NULL;
        if (!l->session)
            l->session = session_new(a, h + 8, tsih, in->frame, in->ts_ns, out);
        if (l->session && !l->session->leading)
            l->session->leading = l;
        l->nego = isl_nego_new(true, l->leading, ISL_ST_UNKNOWN, &a->shared);
        isl_nego_set_partial(l->nego);
        c->session = l->session;
        isl_report(out, ISL_CHK_LOGIN_INCOMPLETE, "Login started before the capture: its requests were not captured");
    }
    snapshot(r, c);
    r->login = l;
    r->cid = l->cid;
    r->cid_known = l->have_req;

    link_response(l->pending_req, r);
    l->pending_req = NULL;
    if (l->have_req) {
        if (itt != l->itt)
            isl_report(out, ISL_CHK_LOGIN_ECHO_MISMATCH, "Login Response ITT 0x%08x differs from the request's 0x%08x", itt, l->itt);
        if (memcmp(h + 8, l->isid, 6)) {
            char *a = isid_str(h + 8), *b = isid_str(l->isid);
            isl_report(out, ISL_CHK_LOGIN_ECHO_MISMATCH, "Login Response ISID %s differs from the request's %s%s", a, b,
                       status ? " (tgt zeroes the ISID of failed Login Responses)" : "");
            g_free(a);
            g_free(b);
        }
    }
    if (c->c_reply_due[ISL_SIDE_T] && dlen)
        isl_report(out, ISL_CHK_FMT_C_REPLY_NOT_EMPTY, "Login Response answering the continued Login Request (frame %u) carries %u bytes",
                   c->c_frame[ISL_SIDE_I], dlen);
    c->c_reply_due[ISL_SIDE_T] = false;
    if (cb) {
        c->c_reply_due[ISL_SIDE_I] = true;
        c->c_frame[ISL_SIDE_T] = in->frame;
    }
    if (cb && t)
        isl_report(out, ISL_CHK_FMT_C_WITH_FINAL, "Login Response has both C and T set");
    if (dlen > 8192)
        isl_report(out, ISL_CHK_FMT_LOGIN_PDU_OVER_8192, "Login Response data segment is %u bytes; receivers only promise 8192", dlen);

    if (status == 0) {
        txt = assemble(a, c, ISL_SIDE_T, data, dlen, cb, in->frame, r);
    }
    if (status != 0) {
        txt = isl_text_split(data, dlen);
        keep_kv(l, txt, ISL_SIDE_T, csg, in->frame);
        login_fail(a, l, r, status, txt, in->ts_ns);
        return;
    }

    /* Version (§11.13): Version-active within the initiator's range. */
    if (l->have_req && (h[3] > l->vmax || h[3] < l->vmin))
        isl_report(out, ISL_CHK_LOGIN_VERSION, "Version-active 0x%02x is outside the initiator's range 0x%02x..0x%02x", h[3], l->vmin, l->vmax);
    if (l->have_resp_version && (h[2] != l->resp_vmax || h[3] != l->resp_vact))
        isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "Version-max/active changed between Login Responses (0x%02x/0x%02x, then 0x%02x/0x%02x)",
                   l->resp_vmax, l->resp_vact, h[2], h[3]);
    l->resp_vmax = h[2];
    l->resp_vact = h[3];
    l->have_resp_version = true;

    /* StatSN increments by one per response; ExpCmdSN echoes the login CmdSN. */
    if (l->have_statsn && statsn != l->statsn + 1)
        isl_report(out, ISL_CHK_LOGIN_STATSN, "Login Response StatSN %u, expected %u", statsn, l->statsn + 1);
    if (l->have_req && l->leading && expcmdsn != l->cmdsn)
        isl_report(out, ISL_CHK_LOGIN_STATSN, "Login Response ExpCmdSN %u differs from the login CmdSN %u", expcmdsn, l->cmdsn);
    l->statsn = statsn;
    l->have_statsn = true;
    l->have_resp = true;

    /* Stage transition (§6.3, §11.13.3). */
    if (l->have_req && !l->pending_req) {
        if (csg != l->req_csg)
            isl_report(out, ISL_CHK_LOGIN_CSG_MISMATCH, "Login Response CSG=%u differs from the request's CSG=%u (frame %u)",
                       csg, l->req_csg, r->request_in);
        if (t && !l->req_t)
            isl_report(out, ISL_CHK_LOGIN_UNREQUESTED_TRANSIT, "Login Response has T=1 but the request (frame %u) had T=0", r->request_in);
        else if (t && nsg > l->req_nsg && nsg != 2)
            isl_report(out, ISL_CHK_LOGIN_NSG_EXCEEDS, "Login Response NSG=%u exceeds the request's NSG=%u (frame %u)", nsg, l->req_nsg, r->request_in);
    }
    if (csg == 2 || csg == 3 || (t && nsg == 2))
        isl_report(out, ISL_CHK_LOGIN_BAD_STAGE_CODE, "Login Response with %s=2 (reserved)", csg == 2 || csg == 3 ? "CSG" : "NSG");
    else if (t && nsg <= csg)
        isl_report(out, ISL_CHK_LOGIN_ILLEGAL_TRANSITION, "Transition from the %s stage to the %s stage", isl_stage_name(csg), isl_stage_name(nsg));

    /* TSIH (§11.12.6, §11.13.5): a new session's TSIH only in the final response. */
    bool final = t && nsg == 3;
    if (l->leading && l->have_req) {
        if (tsih && !final)
            isl_report(out, ISL_CHK_LOGIN_TSIH_RULES, "Login Response carries TSIH 0x%04x before the final response of a new session", tsih);
        if (final && !tsih && l->session && l->session->type != ISL_ST_DISCOVERY)
            isl_report(out, ISL_CHK_LOGIN_TSIH_RULES, "Final Login Response of a new Normal session carries TSIH 0");
    } else if (l->have_req && tsih != l->tsih_req) {
        isl_report(out, ISL_CHK_LOGIN_TSIH_RULES, "Login Response TSIH 0x%04x differs from the request's 0x%04x (adding a connection)", tsih, l->tsih_req);
    }

    if (txt) {
        unsigned offers;
        report_text_format(txt, r, "Login Response");
        offers = isl_nego_text(l->nego, ISL_SIDE_T, csg == 1 ? ISL_STAGE_OP : ISL_STAGE_SEC, in->frame, txt, out);
        if (text_value(txt, "TargetPortalGroupTag"))
            l->saw_tpgt = true;
        /* When the capture started within this stage, the target's keys may
         * answer requests that were not captured: not offers. */
        if (t && offers && !(l->started_mid && l->mid_stage == csg))
            isl_report(out, ISL_CHK_NEG_FINAL_WITH_OFFER, "Login Response with T=1 offers %s, which the initiator can no longer answer in this stage",
                       isl_nego_last_offers(l->nego));
        keep_kv(l, txt, ISL_SIDE_T, csg, in->frame);
    }

    if (t && !cb && csg < 2 && nsg != 2 && nsg > csg) {
        if (!(l->started_mid && l->mid_stage == csg))
            isl_nego_stage_end(l->nego, csg == 1 ? ISL_STAGE_OP : ISL_STAGE_SEC, in->frame, out);
        if (csg == 0)
            isl_nego_auth_end(l->nego, in->frame, false, out);
        add_xrec(r, csg == 0 ? ISL_X_SECURITY_STAGE : ISL_X_OPERATIONAL_STAGE, l->session, 0, false,
                 !l->started_mid, l->started_mid && l->stage_frame == l->first_frame ? -1 : in->ts_ns - l->stage_ts,
                 l->stage_frame, in->frame);
        r->xrecs[r->n_xrecs - 1].login = l;
        l->stage = nsg;
        l->stage_frame = in->frame;
        l->stage_ts = in->ts_ns;
        stage_push(l, nsg);
    }
    if (final && !cb) {
        isl_session *s = l->session;
        bool disc = s && s->type == ISL_ST_DISCOVERY;
        l->outcome = l->started_mid ? ISL_OUT_INCOMPLETE : ISL_OUT_SUCCESS;
        l->status = 0;
        l->final_frame = in->frame;
        l->final_ts = in->ts_ns;
        r->login_final = true;
        c->state = CONN_FFP;
        isl_nego_finish(l->nego, in->frame, out);
        if (s && !l->saw_tpgt && !l->started_mid && s->type == ISL_ST_NORMAL)
            isl_report(out, ISL_CHK_LOGIN_NO_TPGT, "Normal session login succeeded without TargetPortalGroupTag from the target");
        {
            const isl_key_def *hd = isl_key_lookup("HeaderDigest"), *dd = isl_key_lookup("DataDigest");
            const char *hv = isl_nego_value(l->nego, hd, NULL), *dv = isl_nego_value(l->nego, dd, NULL);
            c->hd = hv && !strcmp(hv, "CRC32C");
            c->dd = dv && !strcmp(dv, "CRC32C");
            /* A default only counts when the whole login was captured: a
             * declaration may hide in the part that was not. */
            for (int sd = 0; sd < 2; sd++) {
                bool dflt;
                uint32_t v = isl_nego_mrdsl(l->nego, (isl_side)sd, &dflt);
                c->mrdsl[sd] = dflt && l->started_mid ? 0 : v;
            }
        }
        if (s) {
            if (l->leading) {
                s->tsih = tsih;
                s->ffp_ts = in->ts_ns;
                s->outcome = l->outcome;
                s->login_frame = in->frame;
            }
            s->logged_in = true;
            s->n_connections++;
        }
        snapshot(r, c);
        add_xrec(r, disc ? ISL_X_DISCOVERY_LOGIN : ISL_X_NORMAL_LOGIN, s, 0, false, !l->started_mid,
                 l->started_mid ? -1 : in->ts_ns - l->first_ts, l->first_frame, in->frame);
        r->xrecs[r->n_xrecs - 1].login = l;
        if (l->started_mid)
            isl_report(out, ISL_CHK_LOGIN_INCOMPLETE, "Login completed, but its start was not captured: login time and first-request checks unavailable");
        /* With the requests not captured, SessionType was never seen: do not
         * call the login Normal on a guess. */
        isl_report(out, ISL_CHK_LOGIN_SUMMARY, "%s login%s%s%s%s %s%s",
                   disc ? "Discovery" : s && s->type == ISL_ST_NORMAL ? "Normal" : "iSCSI",
                   s && s->initiator_name ? " of " : "", s && s->initiator_name ? s->initiator_name : "",
                   s && s->target_name ? " to " : "", s && s->target_name ? s->target_name : "",
                   l->started_mid ? "completed (start not captured)" : "succeeded", "");
    }
}

/* ---- text ------------------------------------------------------------------ */

static isl_textx *textx_find(isl_conn *c, uint32_t itt)
{
    for (unsigned i = 0; i < c->texts->len; i++) {
        isl_textx *x = g_ptr_array_index(c->texts, i);
        if (x->itt == itt && !x->done)
            return x;
    }
    return NULL;
}

static void check_over_mrdsl(isl_conn *c, isl_side receiver, uint32_t dlen, const char *what, isl_pdu *r)
{
    /* mrdsl 0: unknown (declared in a part of the login that was not captured) */
    if (c->state == CONN_FFP && c->mrdsl[receiver] && dlen > c->mrdsl[receiver])
        isl_report(&r->findings, ISL_CHK_TEXT_OVER_MRDSL, "%s data segment %u bytes exceeds the %s's MaxRecvDataSegmentLength %u",
                   what, dlen, receiver == ISL_SIDE_I ? "initiator" : "target", c->mrdsl[receiver]);
}

static void check_ffp(isl_conn *c, const char *what, isl_pdu *r)
{
    if (c->state == CONN_LOGIN)
        isl_report(&r->findings, ISL_CHK_LOGIN_NON_LOGIN_PDU, "%s sent before the final Login Response (login started in frame %u)",
                   what, c->login ? c->login->first_frame : 0);
    if (c->logout && c->logout_frame && c->logout_frame != r->frame)
        isl_report(&r->findings, ISL_CHK_LOGOUT_TRAFFIC_AFTER, "%s after Logout (frame %u) on this connection", what, c->logout_frame);
}

static void text_request(isl_analyzer *a, isl_conn *c, const isl_pdu_in *in, isl_pdu *r, const uint8_t *data, uint32_t dlen)
{
    const uint8_t *h = in->pdu;
    bool f = h[1] & 0x80, cb = h[1] & 0x40;
    uint32_t itt = be32(h + 16), ttt = be32(h + 20);
    isl_findings *out = &r->findings;
    isl_textx *x = textx_find(c, itt);
    isl_text *txt;

    check_ffp(c, "Text Request", r);
    check_over_mrdsl(c, ISL_SIDE_T, dlen, "Text Request", r);
    if (cb && f)
        isl_report(out, ISL_CHK_FMT_C_WITH_FINAL, "Text Request has both C and F set");
    if (x && ttt != TTT_NONE && x->ttt != TTT_NONE && ttt != x->ttt)
        isl_report(out, ISL_CHK_TEXT_SEQUENCE_FIELDS, "Text Request continues the sequence with TTT 0x%08x, the target gave 0x%08x", ttt, x->ttt);
    /* TTT 0xffffffff after the target assigned one: the initiator resets the
     * sequence (§6.4); negotiation starts afresh under the same ITT. */
    if (x && ttt == TTT_NONE && x->ttt != TTT_NONE && !c->cbuf[ISL_SIDE_I]) {
        x->done = true;
        g_ptr_array_remove(c->texts, x);
        x = NULL;
    }
    if (!x) {
        x = g_new0(isl_textx, 1);
        x->conn = c;
        x->session = c->session;
        x->itt = itt;
        x->ttt = TTT_NONE;
        x->first_frame = in->frame;
        x->first_ts = in->ts_ns;
        x->texts = g_ptr_array_new_with_free_func(text_free_cb);
        x->targets = g_ptr_array_new_with_free_func(target_rec_free);
        g_ptr_array_add(a->textxs, x);
        g_ptr_array_add(c->texts, x);
    }
    snapshot(r, c);
    r->textx = x;
    x->pending_req = r;
    x->req_f = f;
    if (c->c_reply_due[ISL_SIDE_I] && dlen)
        isl_report(out, ISL_CHK_FMT_C_REPLY_NOT_EMPTY, "Text Request answering a continued Text Response carries %u bytes", dlen);
    c->c_reply_due[ISL_SIDE_I] = false;
    if (cb)
        c->c_reply_due[ISL_SIDE_T] = true;

    txt = assemble(a, c, ISL_SIDE_I, data, dlen, cb, in->frame, r);
    if (!txt)
        return;
    report_text_format(txt, r, "Text Request");
    if (txt->n_pairs == 0) {
        isl_text_free(txt);
        return;
    }
    g_ptr_array_add(x->texts, txt);
    {
        const char *st = text_value(txt, "SendTargets");
        if (st && x->texts->len == 1) {
            x->sendtargets = true;
            x->st_value = g_strdup(st);
            if (txt->n_pairs > 1)
                isl_report(out, ISL_CHK_DISC_SENDTARGETS_EXTRA, "SendTargets request also carries %s", txt->pairs[strcmp(txt->pairs[0].key, "SendTargets") ? 0 : 1].key);
            if (!strcmp(st, "All") && c->session && c->session->type == ISL_ST_NORMAL)
                isl_report(out, ISL_CHK_DISC_SENDTARGETS_ALL_NORMAL, "SendTargets=All in a Normal session; only Discovery sessions answer it");
            return;
        }
    }
    if (c->session && c->session->type == ISL_ST_DISCOVERY)
        isl_report(out, ISL_CHK_DISC_FORBIDDEN_PDU, "Discovery session carries a Text Request without SendTargets (%s)", txt->pairs[0].key);
    if (!x->nego)
        x->nego = isl_nego_new(false, false, c->session ? c->session->type : ISL_ST_UNKNOWN, &a->shared);
    isl_nego_text(x->nego, ISL_SIDE_I, ISL_STAGE_FFP, in->frame, txt, out);
}

static void sendtargets_records(isl_textx *x, const isl_text *t, isl_pdu *r)
{
    for (unsigned i = 0; i < t->n_pairs; i++) {
        const char *k = t->pairs[i].key, *v = t->pairs[i].value;
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

static void text_response(isl_analyzer *a, isl_conn *c, const isl_pdu_in *in, isl_pdu *r, const uint8_t *data, uint32_t dlen)
{
    const uint8_t *h = in->pdu;
    bool f = h[1] & 0x80, cb = h[1] & 0x40;
    uint32_t itt = be32(h + 16), ttt = be32(h + 20);
    isl_findings *out = &r->findings;
    isl_textx *x = textx_find(c, itt);
    isl_text *txt;
    (void)a;

    check_over_mrdsl(c, ISL_SIDE_I, dlen, "Text Response", r);
    snapshot(r, c);
    if (!x) {
        /* Request not captured. */
        isl_report(out, ISL_CHK_LOGIN_INCOMPLETE, "Text Response without a captured Text Request (ITT 0x%08x)", itt);
        return;
    }
    r->textx = x;
    link_response(x->pending_req, r);
    x->pending_req = NULL;
    if (cb && f)
        isl_report(out, ISL_CHK_FMT_C_WITH_FINAL, "Text Response has both C and F set");
    if (f && ttt != TTT_NONE)
        isl_report(out, ISL_CHK_TEXT_F_TTT, "Text Response with F=1 has TTT 0x%08x; a final response must use 0xffffffff", ttt);
    if (!f && !cb && ttt == TTT_NONE)
        isl_report(out, ISL_CHK_TEXT_F_TTT, "Text Response with F=0 has TTT 0xffffffff; the initiator cannot continue the sequence");
    if (f && !x->req_f)
        isl_report(out, ISL_CHK_TEXT_FINAL_TO_NONFINAL, "Text Response F=1 answers a request with F=0 (frame %u)", r->request_in);
    x->ttt = ttt;
    if (c->c_reply_due[ISL_SIDE_T] && dlen)
        isl_report(out, ISL_CHK_FMT_C_REPLY_NOT_EMPTY, "Text Response answering a continued Text Request carries %u bytes", dlen);
    c->c_reply_due[ISL_SIDE_T] = false;
    if (cb)
        c->c_reply_due[ISL_SIDE_I] = true;

    if (x->carry && !cb) {
        /* tgt cuts long SendTargets replies at MaxRecvDataSegmentLength without
         * the C bit; glue the cut pair back together so the result is complete. */
        g_byte_array_append(x->carry, data, dlen);
        txt = isl_text_split(x->carry->data, x->carry->len);
        g_byte_array_free(x->carry, TRUE);
        x->carry = NULL;
    } else {
        txt = assemble(a, c, ISL_SIDE_T, data, dlen, cb, in->frame, r);
    }
    if (txt) {
        if (txt->unterminated && !f && x->sendtargets && txt->n_pairs) {
            const isl_pair *last = &txt->pairs[txt->n_pairs - 1];
            size_t off = (size_t)(last->key - txt->buf);
            isl_report(out, ISL_CHK_FMT_UNTERMINATED_PAIR,
                       "Text Response ends inside \"%.48s\" without NUL and without the C bit (tgt splits long SendTargets replies this way); joined with the next response",
                       last->key);
            x->carry = g_byte_array_new();
            g_byte_array_append(x->carry, (const uint8_t *)txt->buf + off, (guint)(txt->len - off));
            txt->n_pairs--;
            /* restore the '=' split_text cut out so the carry holds the raw pair */
            for (guint i = 0; i < x->carry->len; i++)
                if (x->carry->data[i] == '\0') { x->carry->data[i] = '='; break; }
        } else {
            report_text_format(txt, r, "Text Response");
        }
        if (x->sendtargets)
            sendtargets_records(x, txt, r);
        else if (x->nego && isl_nego_text(x->nego, ISL_SIDE_T, ISL_STAGE_FFP, in->frame, txt, out) && f && !cb
                 && *isl_nego_last_offers(x->nego))
            isl_report(out, ISL_CHK_NEG_FINAL_WITH_OFFER, "Text Response with F=1 offers %s, which the initiator can no longer answer in this sequence",
                       isl_nego_last_offers(x->nego));
        g_ptr_array_add(x->texts, txt);
    }
    if (f && !cb) {
        x->done = true;
        x->final_frame = in->frame;
        x->final_ts = in->ts_ns;
        r->text_final = true;
        g_ptr_array_remove(c->texts, x);
        if (x->sendtargets) {
            if (x->session)
                x->session->n_targets += x->targets->len;
            isl_report(out, ISL_CHK_DISC_RESULT, "SendTargets=%s returned %u target%s, %u portal%s",
                       x->st_value, x->targets->len, x->targets->len == 1 ? "" : "s", x->n_portals, x->n_portals == 1 ? "" : "s");
        } else if (x->nego) {
            isl_nego_stage_end(x->nego, ISL_STAGE_FFP, in->frame, out);
            c->mrdsl[ISL_SIDE_I] = isl_nego_find(x->nego, "MaxRecvDataSegmentLength") &&
                                   isl_nego_find(x->nego, "MaxRecvDataSegmentLength")->value[ISL_SIDE_I]
                                   ? isl_nego_mrdsl(x->nego, ISL_SIDE_I, NULL) : c->mrdsl[ISL_SIDE_I];
            c->mrdsl[ISL_SIDE_T] = isl_nego_find(x->nego, "MaxRecvDataSegmentLength") &&
                                   isl_nego_find(x->nego, "MaxRecvDataSegmentLength")->value[ISL_SIDE_T]
                                   ? isl_nego_mrdsl(x->nego, ISL_SIDE_T, NULL) : c->mrdsl[ISL_SIDE_T];
        }
        add_xrec(r, x->sendtargets ? ISL_X_SENDTARGETS : ISL_X_TEXT, x->session, 0, false, true,
                 in->ts_ns - x->first_ts, x->first_frame, in->frame);
        r->xrecs[r->n_xrecs - 1].n_targets = x->targets->len;
    }
}

/* ---- logout, NOP, reject, async ----------------------------------------------- */

static void logout_request(isl_analyzer *a, isl_conn *c, const isl_pdu_in *in, isl_pdu *r)
{
    const uint8_t *h = in->pdu;
    isl_logoutx *lo = g_new0(isl_logoutx, 1);
    uint32_t dsl = be32(h + 4) & 0xffffff;

    check_ffp(c, "Logout Request", r);
    g_ptr_array_add(a->logouts, lo);
    lo->session = c->session;
    lo->req_frame = in->frame;
    lo->req_ts = in->ts_ns;
    lo->reason = h[1] & 0x7f;
    lo->cid = be16(h + 20);
    lo->session_duration = -1;
    snapshot(r, c);
    r->logout = lo;
    r->cid = lo->cid;
    r->cid_known = true;
    if (dsl || h[4])
        isl_report(&r->findings, ISL_CHK_LOGOUT_NONZERO_LENGTH, "Logout Request carries %u data bytes and %u AHS words", dsl, h[4]);
    if (lo->reason > 2)
        isl_report(&r->findings, ISL_CHK_LOGOUT_REASON, "Logout reason %u is reserved (0 session, 1 connection, 2 recovery)", lo->reason);
    else if (c->session && c->session->type == ISL_ST_DISCOVERY && lo->reason != 0)
        isl_report(&r->findings, ISL_CHK_LOGOUT_REASON, "Logout reason %u in a Discovery session; only 0 (close the session) is allowed", lo->reason);
    c->logout = lo;
    /* reason 0 closes every connection; reasons 1 and 2 name a CID, which may be another one */
    if (lo->reason == 0 || lo->cid == c->cid)
        c->logout_frame = in->frame;
    lo->req_pdu = r;
}

static void logout_response(isl_analyzer *a, isl_conn *c, const isl_pdu_in *in, isl_pdu *r)
{
    const uint8_t *h = in->pdu;
    isl_logoutx *lo = c->logout;
    uint32_t dsl = be32(h + 4) & 0xffffff;
    (void)a;

    snapshot(r, c);
    if (!lo || lo->have_rsp) {
        isl_report(&r->findings, ISL_CHK_LOGIN_INCOMPLETE, "Logout Response without a captured Logout Request");
        return;
    }
    r->logout = lo;
    lo->have_rsp = true;
    lo->rsp_frame = in->frame;
    lo->response = h[2];
    lo->time2wait = be16(h + 40);
    lo->time2retain = be16(h + 42);
    r->request_in = lo->req_frame;
    r->rtt_ns = in->ts_ns - lo->req_ts;
    if (lo->req_pdu && !lo->req_pdu->response_in)
        lo->req_pdu->response_in = in->frame;
    r->cid = lo->cid;
    r->cid_known = true;
    if (dsl || h[4])
        isl_report(&r->findings, ISL_CHK_LOGOUT_NONZERO_LENGTH, "Logout Response carries %u data bytes", dsl);
    if (lo->response) {
        static const char *const rn[] = { "closed successfully", "CID not found", "connection recovery is not supported", "cleanup failed" };
        isl_report(&r->findings, ISL_CHK_LOGOUT_RESPONSE, "Logout response %u: %s", lo->response, lo->response < 4 ? rn[lo->response] : "reserved value");
    }
    if (c->session && c->session->ffp_ts >= 0)
        lo->session_duration = in->ts_ns - c->session->ffp_ts;
    if (lo->response != 0)
        c->logout_frame = 0;   /* the logout did not happen: requests may go on */
    if (c->session && lo->response == 0 && lo->reason == 0) {
        c->session->ended = true;
        c->session->logged_in = false;
    }
    add_xrec(r, ISL_X_LOGOUT, c->session, lo->response, lo->response != 0, true, in->ts_ns - lo->req_ts, lo->req_frame, in->frame);
}

static void ping(isl_conn *c, const isl_pdu_in *in, isl_pdu *r, bool out_dir)
{
    const uint8_t *h = in->pdu;
    uint32_t itt = be32(h + 16), ttt = be32(h + 20);
    uint32_t dsl = be32(h + 4) & 0xffffff;
    isl_pdu *req;

    snapshot(r, c);
    if (!c->pings)
        c->pings = g_hash_table_new(g_direct_hash, g_direct_equal);
    if (out_dir) {
        check_ffp(c, "NOP-Out", r);
        check_over_mrdsl(c, ISL_SIDE_T, dsl, "NOP-Out", r);
        if (ttt != TTT_NONE && (req = g_hash_table_lookup(c->pings, GUINT_TO_POINTER(ttt ^ 0x80000000u)))) {
            link_response(req, r);
            g_hash_table_remove(c->pings, GUINT_TO_POINTER(ttt ^ 0x80000000u));
        } else if (itt != TTT_NONE && g_hash_table_size(c->pings) < 1024) {
            g_hash_table_insert(c->pings, GUINT_TO_POINTER(itt), r);
        }
    } else {
        check_over_mrdsl(c, ISL_SIDE_I, dsl, "NOP-In", r);
        if (itt != TTT_NONE && (req = g_hash_table_lookup(c->pings, GUINT_TO_POINTER(itt)))) {
            link_response(req, r);
            g_hash_table_remove(c->pings, GUINT_TO_POINTER(itt));
        } else if (ttt != TTT_NONE && g_hash_table_size(c->pings) < 1024) {
            g_hash_table_insert(c->pings, GUINT_TO_POINTER(ttt ^ 0x80000000u), r);
        }
    }
}

/* ---- entry ----------------------------------------------------------------- */

static void note_last(const isl_pdu *r)
{
    if (r->login) {
        r->login->last_frame = r->frame;
        r->login->last_index = r->index;
        if (!r->login->first_pdu)
            r->login->first_pdu = r;
    }
}

bool isl_login_first_at(const isl_login *l, const isl_pdu *r)
{
    return l && r && l->first_pdu == r;
}

bool isl_login_unfinished_at(const isl_login *l, const isl_pdu *r)
{
    return l && r && l->outcome == ISL_OUT_IN_PROGRESS && l->last_frame == r->frame && l->last_index == r->index;
}

isl_xrec isl_login_unfinished_xrec(const isl_login *l)
{
    isl_xrec x;
    isl_session *s = l->session;
    memset(&x, 0, sizeof x);
    x.kind = s && s->type == ISL_ST_DISCOVERY ? ISL_X_DISCOVERY_LOGIN : ISL_X_NORMAL_LOGIN;
    x.session = s ? s->number : 0;
    x.initiator = s ? s->initiator_name : NULL;
    x.target = s ? s->target_name : NULL;
    x.time_ns = -1;
    x.unfinished = true;
    x.first_frame = l->first_frame;
    x.last_frame = l->last_frame;
    x.sess = s;
    x.login = l;
    return x;
}

isl_pdu *isl_analyzer_feed(isl_analyzer *a, const isl_pdu_in *in)
{
    const uint8_t *h = in->pdu;
    uint8_t op;
    bool from_i;
    isl_conn *c;
    isl_pdu *r;
    uint32_t dsl, hdr, dlen, orig = 0;
    const uint8_t *data;

    if (!in->pdu || in->avail < 48)
        return NULL;
    op = h[0] & 0x3f;
    if (!isl_opcode_wanted(op))
        return NULL;
    from_i = op < 0x20;
    c = conn_get(a, in, from_i);

    if (op == ISL_OP_SCSI_CMD) {
        /* Commands matter only when they break a session rule. */
        if (c->state != CONN_LOGIN && c->state != CONN_FAILED &&
            !(c->session && c->session->type == ISL_ST_DISCOVERY && c->state == CONN_FFP))
            return NULL;
    }
    if (a->pdus->len >= a->lim.max_pdus) {
        if (a->pdu_cap_reported)
            return NULL;
        a->pdu_cap_reported = true;
    }
    r = g_new0(isl_pdu, 1);
    r->frame = in->frame;
    r->aside = in->aside;
    r->ts = in->ts_ns;
    r->index = (uint16_t)in->index;
    r->opcode = op;
    r->flags = h[1];
    r->rtt_ns = -1;
    g_ptr_array_add(a->pdus, r);
    if (a->pdu_cap_reported && a->pdus->len == a->lim.max_pdus + 1) {
        a->pdu_cap_frame = in->frame;
        snapshot(r, c);
        isl_report(&r->findings, ISL_CHK_STATE_LIMIT, "More than %u analysed PDUs; later PDUs are not analysed", a->lim.max_pdus);
        return r;
    }

    if ((op == ISL_OP_LOGIN_REQ || op == ISL_OP_LOGIN_RSP || op == ISL_OP_TEXT_REQ || op == ISL_OP_TEXT_RSP ||
         op == ISL_OP_LOGOUT_REQ || op == ISL_OP_LOGOUT_RSP) && is_retransmission(c, from_i ? 0 : 1, in, &orig)) {
        snapshot(r, c);
        r->retrans_of = orig;
        return r;
    }

    /* Locate the data segment: BHS, AHS, then a header digest when one was
     * negotiated for this connection (never during login, §13.1). */
    dsl = be32(h + 4) & 0xffffff;
    hdr = 48 + (uint32_t)h[4] * 4;
    if (c->hd && c->state == CONN_FFP && op != ISL_OP_LOGIN_REQ && op != ISL_OP_LOGIN_RSP) {
        uint32_t pad = (dsl + 3) & ~3u;
        uint32_t expect = hdr + 4 + pad + (c->dd && dsl ? 4 : 0);
        if (in->reported < expect)
            isl_report(&r->findings, ISL_CHK_DIGEST_MISMATCH, "HeaderDigest=CRC32C negotiated but this %u-byte PDU has no room for digests (expected %u bytes)",
                       in->reported, expect);
        else
            hdr += 4;
    } else if (!c->hd && c->state == CONN_FFP && (op == ISL_OP_TEXT_REQ || op == ISL_OP_TEXT_RSP || op == ISL_OP_NOP_OUT || op == ISL_OP_NOP_IN)) {
        uint32_t pad = (dsl + 3) & ~3u;
        if (in->reported == hdr + pad + 4 || in->reported == hdr + pad + 8)
            isl_report(&r->findings, ISL_CHK_DIGEST_MISMATCH, "No digests were negotiated, but this PDU is %u bytes longer than its header and data",
                       in->reported - hdr - pad);
    }
    data = hdr < in->avail ? h + hdr : NULL;
    dlen = data ? MIN(dsl, in->avail - hdr) : 0;
    r->data_truncated = dlen < dsl;
    if (dlen < dsl && (op == ISL_OP_LOGIN_REQ || op == ISL_OP_LOGIN_RSP || op == ISL_OP_TEXT_REQ || op == ISL_OP_TEXT_RSP))
        isl_report(&r->findings, ISL_CHK_PDU_TRUNCATED, "Only %u of %u data bytes captured; keys in the rest are unknown", dlen, dsl);

    /* Non-zero login status: both sides must close; nothing more may flow (§6.3). */
    if (from_i && op != ISL_OP_LOGIN_REQ && c->state == CONN_FAILED && c->login)
        isl_report(&r->findings, ISL_CHK_LOGIN_AFTER_REJECT, "%s after the login failed with status 0x%04x (frame %u)",
                   op == ISL_OP_SCSI_CMD ? "SCSI Command" : op == ISL_OP_TEXT_REQ ? "Text Request" :
                   op == ISL_OP_LOGOUT_REQ ? "Logout Request" : op == ISL_OP_NOP_OUT ? "NOP-Out" : "PDU",
                   c->login->status, c->login->final_frame);
    switch (op) {
    case ISL_OP_LOGIN_REQ: login_request(a, c, in, r, data, dlen); note_last(r); break;
    case ISL_OP_LOGIN_RSP: login_response(a, c, in, r, data, dlen); note_last(r); break;
    case ISL_OP_TEXT_REQ: text_request(a, c, in, r, data, dlen); break;
    case ISL_OP_TEXT_RSP: text_response(a, c, in, r, data, dlen); break;
    case ISL_OP_LOGOUT_REQ: logout_request(a, c, in, r); break;
    case ISL_OP_LOGOUT_RSP: logout_response(a, c, in, r); break;
    case ISL_OP_NOP_OUT: ping(c, in, r, true); break;
    case ISL_OP_NOP_IN: ping(c, in, r, false); break;
    case ISL_OP_SCSI_CMD:
        snapshot(r, c);
        if (c->state == CONN_LOGIN)
            check_ffp(c, "SCSI Command", r);
        else if (c->state == CONN_FFP)
            isl_report(&r->findings, ISL_CHK_DISC_FORBIDDEN_PDU, "SCSI Command in a Discovery session");
        break;
    default:
        /* Reject, Async Message, vendor PDUs: tie them to their session. */
        snapshot(r, c);
        if (op == ISL_OP_REJECT)
            check_over_mrdsl(c, ISL_SIDE_I, dsl, "Reject", r);
        break;
    }
    return r;
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
    r = g_new0(isl_pdu, 1);
    r->frame = frame;
    r->ts = ts_ns;
    r->index = (uint16_t)n;
    r->rtt_ns = -1;
    r->unanalysed = true;
    g_ptr_array_add(a->pdus, r);
    isl_report(&r->findings, ISL_CHK_STATE_UNANALYSED,
               "Frame %u: iSCSI PDUs decoded by Wireshark's iSCSI dissector (TCP stream %u) were not seen by the "
               "login analysis; logins, Text and Logout exchanges in them are not analysed", frame, conn_key);
    return r;
}

uint32_t isl_analyzer_cap_frame(const isl_analyzer *a)
{
    return a->pdu_cap_frame;
}

uint32_t isl_analyzer_max_pdus(const isl_analyzer *a)
{
    return a->lim.max_pdus;
}
