/* SPDX-License-Identifier: GPL-2.0-or-later
 * The login state machine (RFC 7143 §6.3, §11.12, §11.13): login requests
 * and responses, stages, TSIH, the final response, failures. */
#include "analyzer-int.h"

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

const char *isl_session_type_name(isl_session_type t)
{
    switch (t) {
    case ISL_ST_DISCOVERY: return "Discovery";
    case ISL_ST_NORMAL: return "Normal";
    default: return "Unknown";
    }
}

void isl_isid_format(const uint8_t *isid, char out[13])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 6; i++) {
        out[2 * i] = hex[isid[i] >> 4];
        out[2 * i + 1] = hex[isid[i] & 15];
    }
    out[12] = '\0';
}

char *isl_utf8_cap(const char *s, size_t max)
{
    char *v = g_utf8_validate(s, -1, NULL) ? g_strdup(s) : g_utf8_make_valid(s, -1);
    if (max > 4 && strlen(v) > max) {
        /* the last whole character that leaves room for U+2026 and the NUL */
        char *cut = g_utf8_find_prev_char(v, v + max - 3 + 1);
        memcpy(cut ? cut : v, "\xe2\x80\xa6", 4);
    }
    return v;
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

static bool status_known(uint16_t s) { return strcmp(isl_status_detail_name(s), "undefined status") != 0; }

void isl_login_free(gpointer p)
{
    isl_login *l = p;
    isl_nego_free(l->nego);
    for (guint i = 0; i < l->texts->len; i++)
        isl_text_free(g_array_index(l->texts, isl_login_text, i).text);
    g_array_free(l->texts, TRUE);
    g_free(l->redirect);   /* l itself is in the arena */
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
            kv.key = isl_text_key(lt->text, i);
            kv.value = isl_text_val(lt->text, i);
            return kv;
        }
        i -= lt->text->n_pairs;
    }
    return kv;
}

void isl_note_last(const isl_pdu *r)
{
    if (r->login) {
        r->login->last_frame = r->frame;
        r->login->last_index = r->pdu_index;
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
    return l && r && l->outcome == ISL_OUT_IN_PROGRESS && l->last_frame == r->frame && l->last_index == r->pdu_index;
}

static isl_login *login_new(const isl_feed_ctx *x)
{
    isl_login *l = isl_arena_new0(x->a->arena, isl_login);
    l->conn = x->c;
    l->first_frame = x->in->frame;
    l->first_ts = x->in->ts_ns;
    /* a security and an operational stage: four texts, without a realloc */
    l->texts = g_array_sized_new(FALSE, FALSE, sizeof(isl_login_text), 4);
    l->outcome = ISL_OUT_IN_PROGRESS;
    l->stage_frame = x->in->frame;
    l->stage_ts = x->in->ts_ns;
    g_ptr_array_add(x->a->logins, l);
    x->c->login = l;
    x->c->state = CONN_LOGIN;
    return l;
}

static void stage_push(isl_login *l, uint8_t st)
{
    if (l->n_stages < G_N_ELEMENTS(l->stages) && (l->n_stages == 0 || l->stages[l->n_stages - 1] != st))
        l->stages[l->n_stages++] = st;
}

static isl_stage nego_stage(uint8_t csg) { return csg == 1 ? ISL_STAGE_OP : ISL_STAGE_SEC; }

/* ---- requests ---------------------------------------------------------------- */

static void session_identity(isl_arena *ar, isl_login *l, const isl_text *t, isl_pdu *r)
{
    isl_session *s = l->session;
    const char *in = isl_text_value(t, "InitiatorName"), *tn = isl_text_value(t, "TargetName");
    const char *st = isl_text_value(t, "SessionType");
    if (!s)
        return;
    if (st && !s->initiator_name)
        s->type = strcmp(st, "Discovery") == 0 ? ISL_ST_DISCOVERY : ISL_ST_NORMAL;
    else if (!st && s->type == ISL_ST_UNKNOWN && l->leading && in)
        s->type = ISL_ST_NORMAL;   /* SessionType defaults to Normal */
    if (in && !s->initiator_name)
        s->initiator_name = (char *)isl_arena_intern(ar, in);
    if (tn && !s->target_name && s->type != ISL_ST_DISCOVERY)
        s->target_name = (char *)isl_arena_intern(ar, tn);
    isl_nego_set_session_type(l->nego, s->type);
    isl_snapshot(r, l->conn);
}

/* TSIH 0 starts a session; any other TSIH adds a connection to one (§6.3.1). */
static void request_binds_session(const isl_feed_ctx *x, isl_login *l)
{
    const isl_bhs *b = x->b;
    if (l->leading) {
        l->session = isl_session_new(x->a, b->isid, 0, x->in->frame, x->in->ts_ns, isl_out(x));
        if (l->session)
            l->session->leading = l;
    } else {
        /* TSIHs are per target: bind by the names too when this request carries them. */
        isl_text *peek = b->cont ? NULL : isl_text_split(x->data ? x->data : (const uint8_t *)"", x->dlen);
        l->session = isl_session_find(x->a, b->isid, b->tsih, peek ? isl_text_value(peek, "InitiatorName") : NULL,
                                      peek ? isl_text_value(peek, "TargetName") : NULL);
        isl_text_free(peek);
        if (!l->session) {
            l->session = isl_session_new(x->a, b->isid, b->tsih, x->in->frame, x->in->ts_ns, isl_out(x));
            l->started_mid = false;
        }
    }
}

static void adopt_request_fields(isl_login *l, const isl_bhs *b)
{
    l->have_req = true;
    l->itt = b->itt;
    l->cid = isl_bhs_cid(b);
    l->tsih_req = b->tsih;
    memcpy(l->isid, b->isid, 6);
    l->vmax = b->b2;
    l->vmin = b->b3;
    l->cmdsn = b->w24;
}

static isl_login *request_opens_login(const isl_feed_ctx *x)
{
    const isl_bhs *b = x->b;
    isl_login *l = login_new(x);

    adopt_request_fields(l, b);
    l->leading = b->tsih == 0;
    l->stage = b->csg;
    x->c->cid = l->cid;
    request_binds_session(x, l);
    if (l->session)
        l->session->n_logins++;
    l->nego = isl_nego_new(true, l->leading, l->session ? l->session->type : ISL_ST_UNKNOWN, &x->a->shared);
    x->c->session = l->session;
    if ((b->isid[0] >> 6) == 3)
        isl_report(isl_out(x), ISL_CHK_LOGIN_ISID_TYPE, "ISID %02x%02x%02x%02x%02x%02x has the reserved type 3 (11b)",
                   b->isid[0], b->isid[1], b->isid[2], b->isid[3], b->isid[4], b->isid[5]);
    if (b->b3 > b->b2)
        isl_report(isl_out(x), ISL_CHK_LOGIN_VERSION, "Version-min 0x%02x is above Version-max 0x%02x", b->b3, b->b2);
    return l;
}

/* Later requests of a login repeat the first one's fields (§11.12). */
static void request_repeats_fields(const isl_feed_ctx *x, isl_login *l)
{
    const isl_bhs *b = x->b;
    isl_findings *out = isl_out(x);
    uint16_t cid = isl_bhs_cid(b);

    if (b->itt != l->itt)
        isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "ITT changed from 0x%08x to 0x%08x within the login (first request frame %u)", l->itt, b->itt, l->first_frame);
    if (memcmp(b->isid, l->isid, 6))
        isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "ISID changed within the login (first request frame %u)", l->first_frame);
    if (b->tsih != l->tsih_req)
        isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "TSIH changed from 0x%04x to 0x%04x within the login (first request frame %u)", l->tsih_req, b->tsih, l->first_frame);
    if (cid != l->cid)
        isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "CID changed from %u to %u within the login (first request frame %u)", l->cid, cid, l->first_frame);
    if (b->b2 != l->vmax || b->b3 != l->vmin)
        isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "Version-max/min changed from 0x%02x/0x%02x to 0x%02x/0x%02x within the login", l->vmax, l->vmin, b->b2, b->b3);
    if (l->leading && b->w24 != l->cmdsn)
        isl_report(out, ISL_CHK_LOGIN_CMDSN, "CmdSN changed from %u to %u within the leading login", l->cmdsn, b->w24);
    if (l->have_statsn && b->w28 != l->statsn + 1)
        isl_report(out, ISL_CHK_LOGIN_STATSN, "ExpStatSN %u, expected %u (last Login Response StatSN %u)", b->w28, l->statsn + 1, l->statsn);
}

/* Stage codes (§11.12.3): CSG 2 is reserved, a request never starts in FFP. */
static void request_stage_codes(const isl_feed_ctx *x, isl_login *l, bool first)
{
    const isl_bhs *b = x->b;
    isl_findings *out = isl_out(x);
    uint8_t csg = b->csg, nsg = b->nsg;

    if (csg == 2 || csg == 3)
        isl_report(out, ISL_CHK_LOGIN_BAD_STAGE_CODE, "Login Request CSG=%u is %s", csg, csg == 2 ? "reserved" : "not a login stage");
    else if (b->final && (nsg == 2 || nsg <= csg))
        isl_report(out, ISL_CHK_LOGIN_BAD_STAGE_CODE, "Login Request T=1 with NSG=%u from CSG=%u", nsg, csg);
    if (!first && csg != l->stage && csg < 2)
        isl_report(out, ISL_CHK_LOGIN_CSG_MISMATCH, "Login Request CSG=%u (%s) but the login is in the %s stage",
                   csg, isl_stage_name(csg), isl_stage_name(l->stage));
    if (first && csg < 2)
        l->stage = csg;
    if (b->cont && b->final)
        isl_report(out, ISL_CHK_FMT_C_WITH_FINAL, "Login Request has both C and T set");
    if (x->in->reported - ISL_BHS_LEN > 8192 && x->dlen > 8192)
        isl_report(out, ISL_CHK_FMT_LOGIN_PDU_OVER_8192, "Login Request data segment is %u bytes; receivers only promise 8192 (LIO drops such PDUs)", x->dlen);
}

/* The first text of a login names the initiator, the target and the session
 * type (§11.12, §13): or the capture started in the middle of the login. */
/* The login's place in its identity's story: which attempt, after how many
 * failures, whether it follows a redirect.  The retry Note rests on no RFC
 * clause: retrying is the initiator's business. */
static void story_start(const isl_feed_ctx *x, isl_login *l)
{
    const isl_session *s = l->session;
    const isl_story_login *sl = &l->story;

    if (!s || !s->initiator_name || l->story_fed)
        return;
    l->story_fed = true;
    isl_story_start(x->a->story, s->initiator_name, s->isid, s->type == ISL_ST_DISCOVERY ? "" : s->target_name,
                    isl_in_endpoint(x->in, false), l->leading, l->first_frame, l->first_ts, &l->story);
    if (sl->failures)
        isl_report(isl_out(x), ISL_CHK_LOGIN_RETRIED, "Login attempt %u of %s to %s; %u failed since frame %u, every %.1f s",
                   sl->attempt, s->initiator_name, s->type == ISL_ST_DISCOVERY ? "(discovery)" : s->target_name ? s->target_name : "?",
                   sl->failures, sl->run_first_frame, (double)sl->every_ns / 1e9);
}

static void story_end(const isl_feed_ctx *x, isl_login *l, isl_story_end_kind kind)
{
    const isl_session *s = l->session;
    const isl_story_login *sl = &l->story;

    if (!l->story_fed)
        return;
    isl_story_end(x->a->story, &l->story, kind, l->redirect, l->final_frame, l->final_ts);
    if (sl->flap_logins && s) {
        const isl_story_cfg *cfg = isl_story_config(x->a->story);
        isl_report(isl_out(x), ISL_CHK_SESSION_FLAPPING, "Flapping: %u logins of %s to %s within %.1f s (threshold: %u within %u s)",
                   sl->flap_logins, s->initiator_name, s->type == ISL_ST_DISCOVERY ? "(discovery)" : s->target_name ? s->target_name : "?",
                   (double)sl->flap_span_ns / 1e9, cfg->flap_logins, cfg->flap_interval_s);
    }
}

static void request_identity(const isl_feed_ctx *x, isl_login *l, const isl_text *txt)
{
    isl_findings *out = isl_out(x);
    l->identity_seen = true;
    /* Real initiators always name themselves in the first request; a
     * first captured request without InitiatorName on a connection
     * whose start was not captured is the middle of a login. */
    if (!isl_text_value(txt, "InitiatorName") && !x->in->conn_start_seen && !l->started_mid) {
        l->started_mid = true;
        l->mid_stage = x->b->csg;
        isl_nego_set_partial(l->nego);
        isl_report(out, ISL_CHK_LOGIN_INCOMPLETE, "Login started before the capture: the first captured Login Request has no InitiatorName");
    }
    session_identity(x->a->arena, l, txt, x->r);
    story_start(x, l);
    if (!l->started_mid && !txt->truncated) {
        const char *st = isl_text_value(txt, "SessionType");
        if (!isl_text_value(txt, "InitiatorName"))
            isl_report(out, ISL_CHK_LOGIN_MISSING_INITIATORNAME, "First Login Request carries no InitiatorName (expect status 0x0207)");
        if (!isl_text_value(txt, "TargetName") && !(st && !strcmp(st, "Discovery")) &&
            !(l->session && l->session->type == ISL_ST_DISCOVERY))
            isl_report(out, ISL_CHK_LOGIN_MISSING_TARGETNAME, "Normal session login without TargetName (expect status 0x0207)");
        isl_check_reinstatement(x->a, l, x->r);
    }
}

static void request_text(const isl_feed_ctx *x, isl_login *l)
{
    isl_text *txt = isl_assemble(x, ISL_SIDE_I);
    if (!txt)
        return;
    isl_report_text_format(txt, x->r, "Login Request");
    if (!l->identity_seen)
        request_identity(x, l, txt);
    isl_nego_text(l->nego, ISL_SIDE_I, nego_stage(x->b->csg), x->in->frame, txt, isl_out(x));
    keep_kv(l, txt, ISL_SIDE_I, x->b->csg, x->in->frame);
}

void isl_login_request(const isl_feed_ctx *x)
{
    const isl_bhs *b = x->b;
    isl_conn *c = x->c;
    isl_login *l = c->login;
    bool first = false;

    if (!b->immediate)
        isl_report(isl_out(x), ISL_CHK_LOGIN_NOT_IMMEDIATE, "Login Request has I=0; login requests are always immediate");
    if (c->state == CONN_FFP) {
        /* The target rejects it (Reject PDU); the connection stays in FFP. */
        isl_report(isl_out(x), ISL_CHK_LOGIN_IN_FFP, "Login Request on a connection in full feature phase since frame %u",
                   l ? l->final_frame : 0);
        isl_snapshot(x->r, c);
        return;
    } else if (c->state == CONN_FAILED)
        isl_report(isl_out(x), ISL_CHK_LOGIN_AFTER_REJECT, "Login Request after the login failed with status 0x%04x (frame %u)",
                   l ? l->status : 0, l ? l->final_frame : 0);

    if (!l || c->state != CONN_LOGIN) {
        l = request_opens_login(x);
        first = true;
    } else if (!l->have_req) {
        adopt_request_fields(l, b);   /* capture started after the first request */
    } else {
        request_repeats_fields(x, l);
    }
    isl_snapshot(x->r, c);
    x->r->login = l;
    x->r->cid = isl_bhs_cid(b);
    x->r->cid_known = true;
    request_stage_codes(x, l, first);
    isl_c_reply_rule(x, ISL_SIDE_I);
    stage_push(l, b->csg < 2 ? b->csg : l->stage);
    l->req_t = b->final;
    l->req_csg = b->csg;
    l->req_nsg = b->nsg;
    l->pending_req = x->r;
    request_text(x, l);
}

/* ---- responses --------------------------------------------------------------- */

/* A response without a request on this connection: the capture started
 * within this login. */
static isl_login *response_opens_login(const isl_feed_ctx *x)
{
    const isl_bhs *b = x->b;
    isl_login *l = login_new(x);

    l->started_mid = true;
    l->itt = b->itt;
    memcpy(l->isid, b->isid, 6);
    l->tsih_req = b->tsih;
    l->leading = b->tsih == 0 || !isl_session_find(x->a, b->isid, b->tsih, NULL, NULL);
    l->stage = b->csg;
    l->mid_stage = b->csg;
    l->identity_seen = true;
    l->session = b->tsih ? isl_session_find(x->a, b->isid, b->tsih, NULL, NULL) : NULL;
    if (!l->session)
        l->session = isl_session_new(x->a, b->isid, b->tsih, x->in->frame, x->in->ts_ns, isl_out(x));
    if (l->session && !l->session->leading)
        l->session->leading = l;
    l->nego = isl_nego_new(true, l->leading, ISL_ST_UNKNOWN, &x->a->shared);
    isl_nego_set_partial(l->nego);
    x->c->session = l->session;
    isl_report(isl_out(x), ISL_CHK_LOGIN_INCOMPLETE, "Login started before the capture: its requests were not captured");
    return l;
}

/* The response echoes the request's ITT and ISID (§11.13). */
static void response_echoes(const isl_feed_ctx *x, const isl_login *l)
{
    const isl_bhs *b = x->b;
    if (!l->have_req)
        return;
    if (b->itt != l->itt)
        isl_report(isl_out(x), ISL_CHK_LOGIN_ECHO_MISMATCH, "Login Response ITT 0x%08x differs from the request's 0x%08x", b->itt, l->itt);
    if (memcmp(b->isid, l->isid, 6)) {
        char *got = isl_isid_str(b->isid), *want = isl_isid_str(l->isid);
        isl_report(isl_out(x), ISL_CHK_LOGIN_ECHO_MISMATCH, "Login Response ISID %s differs from the request's %s%s", got, want,
                   b->status ? " (tgt zeroes the ISID of failed Login Responses)" : "");
        g_free(got);
        g_free(want);
    }
}

/* Version-active within the initiator's range (§11.13); StatSN grows by one
 * per response, ExpCmdSN echoes the login CmdSN. */
static void response_numbers(const isl_feed_ctx *x, isl_login *l)
{
    const isl_bhs *b = x->b;
    isl_findings *out = isl_out(x);

    if (l->have_req && (b->b3 > l->vmax || b->b3 < l->vmin))
        isl_report(out, ISL_CHK_LOGIN_VERSION, "Version-active 0x%02x is outside the initiator's range 0x%02x..0x%02x", b->b3, l->vmin, l->vmax);
    if (l->have_resp_version && (b->b2 != l->resp_vmax || b->b3 != l->resp_vact))
        isl_report(out, ISL_CHK_LOGIN_FIELD_CHANGED, "Version-max/active changed between Login Responses (0x%02x/0x%02x, then 0x%02x/0x%02x)",
                   l->resp_vmax, l->resp_vact, b->b2, b->b3);
    l->resp_vmax = b->b2;
    l->resp_vact = b->b3;
    l->have_resp_version = true;
    if (l->have_statsn && b->w24 != l->statsn + 1)
        isl_report(out, ISL_CHK_LOGIN_STATSN, "Login Response StatSN %u, expected %u", b->w24, l->statsn + 1);
    if (l->have_req && l->leading && b->w28 != l->cmdsn)
        isl_report(out, ISL_CHK_LOGIN_STATSN, "Login Response ExpCmdSN %u differs from the login CmdSN %u", b->w28, l->cmdsn);
    l->statsn = b->w24;
    l->have_statsn = true;
    l->have_resp = true;
}

/* Stage transition (§6.3, §11.13.3): the target follows the request's stage
 * and goes no further than it asked. */
static void response_transition(const isl_feed_ctx *x, const isl_login *l)
{
    const isl_bhs *b = x->b;
    isl_findings *out = isl_out(x);
    uint8_t csg = b->csg, nsg = b->nsg;
    uint32_t req = x->r->request_in;

    if (l->have_req) {
        if (csg != l->req_csg)
            isl_report(out, ISL_CHK_LOGIN_CSG_MISMATCH, "Login Response CSG=%u differs from the request's CSG=%u (frame %u)", csg, l->req_csg, req);
        if (b->final && !l->req_t)
            isl_report(out, ISL_CHK_LOGIN_UNREQUESTED_TRANSIT, "Login Response has T=1 but the request (frame %u) had T=0", req);
        else if (b->final && nsg > l->req_nsg && nsg != 2)
            isl_report(out, ISL_CHK_LOGIN_NSG_EXCEEDS, "Login Response NSG=%u exceeds the request's NSG=%u (frame %u)", nsg, l->req_nsg, req);
    }
    if (csg == 2 || csg == 3 || (b->final && nsg == 2))
        isl_report(out, ISL_CHK_LOGIN_BAD_STAGE_CODE, "Login Response with %s=2 (reserved)", csg == 2 || csg == 3 ? "CSG" : "NSG");
    else if (b->final && nsg <= csg)
        isl_report(out, ISL_CHK_LOGIN_ILLEGAL_TRANSITION, "Transition from the %s stage to the %s stage", isl_stage_name(csg), isl_stage_name(nsg));
}

static bool response_final(const isl_bhs *b) { return b->final && b->nsg == 3; }

/* TSIH (§11.12.6, §11.13.5): a new session's TSIH only in the final response;
 * a connection added to a session keeps the session's. */
static void response_tsih(const isl_feed_ctx *x, const isl_login *l)
{
    const isl_bhs *b = x->b;
    bool final = response_final(b);
    if (l->leading && l->have_req) {
        if (b->tsih && !final)
            isl_report(isl_out(x), ISL_CHK_LOGIN_TSIH_RULES, "Login Response carries TSIH 0x%04x before the final response of a new session", b->tsih);
        if (final && !b->tsih && l->session && l->session->type != ISL_ST_DISCOVERY)
            isl_report(isl_out(x), ISL_CHK_LOGIN_TSIH_RULES, "Final Login Response of a new Normal session carries TSIH 0");
    } else if (l->have_req && b->tsih != l->tsih_req) {
        isl_report(isl_out(x), ISL_CHK_LOGIN_TSIH_RULES, "Login Response TSIH 0x%04x differs from the request's 0x%04x (adding a connection)", b->tsih, l->tsih_req);
    }
}

static void response_text(const isl_feed_ctx *x, isl_login *l, isl_text *txt)
{
    const isl_bhs *b = x->b;
    unsigned offers;

    isl_report_text_format(txt, x->r, "Login Response");
    offers = isl_nego_text(l->nego, ISL_SIDE_T, nego_stage(b->csg), x->in->frame, txt, isl_out(x));
    if (isl_text_value(txt, "TargetPortalGroupTag"))
        l->saw_tpgt = true;
    /* When the capture started within this stage, the target's keys may
     * answer requests that were not captured: not offers. */
    if (b->final && offers && !(l->started_mid && l->mid_stage == b->csg))
        isl_report(isl_out(x), ISL_CHK_NEG_FINAL_WITH_OFFER, "Login Response with T=1 offers %s, which the initiator can no longer answer in this stage",
                   isl_nego_last_offers(l->nego));
    keep_kv(l, txt, ISL_SIDE_T, b->csg, x->in->frame);
}

/* T=1 to a later stage: the stage is over (§6.3). */
static void response_ends_stage(const isl_feed_ctx *x, isl_login *l)
{
    const isl_bhs *b = x->b;
    uint8_t csg = b->csg, nsg = b->nsg;
    int64_t ts = x->in->ts_ns;
    uint32_t frame = x->in->frame;

    if (!(b->final && !b->cont && csg < 2 && nsg != 2 && nsg > csg))
        return;
    if (!(l->started_mid && l->mid_stage == csg))
        isl_nego_stage_end(l->nego, nego_stage(csg), frame, isl_out(x));
    if (csg == 0)
        isl_nego_auth_end(l->nego, frame, false, isl_out(x));
    isl_add_xrec(x->r, csg == 0 ? ISL_X_SECURITY_STAGE : ISL_X_OPERATIONAL_STAGE, l->session, 0, false, !l->started_mid,
                 l->started_mid && l->stage_frame == l->first_frame ? -1 : ts - l->stage_ts, l->stage_frame, frame)->login = l;
    l->stage = nsg;
    l->stage_frame = frame;
    l->stage_ts = ts;
    stage_push(l, nsg);
}

/* What full feature phase inherits from the login: digests and the
 * receive limits per side. */
static const char *settled_value(const isl_login *l, isl_key_id id)
{
    return isl_nego_value(l->nego, isl_key_by_id(id), NULL);
}

/* The values the tables show, computed once. */
static void login_settles(isl_login *l)
{
    isl_settled *v = &l->settled;
    v->header_digest = settled_value(l, ISL_KEY_HEADER_DIGEST);
    v->data_digest = settled_value(l, ISL_KEY_DATA_DIGEST);
    v->max_burst_length = settled_value(l, ISL_KEY_MAX_BURST_LENGTH);
    v->first_burst_length = settled_value(l, ISL_KEY_FIRST_BURST_LENGTH);
    v->error_recovery_level = settled_value(l, ISL_KEY_ERROR_RECOVERY_LEVEL);
    for (int sd = 0; sd < 2; sd++)
        v->mrdsl[sd] = isl_nego_mrdsl(l->nego, (isl_side)sd, NULL);
}

static void conn_enters_ffp(isl_conn *c, const isl_login *l)
{
    const char *hv = l->settled.header_digest, *dv = l->settled.data_digest;
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

static void session_logged_in(isl_session *s, const isl_login *l, const isl_feed_ctx *x)
{
    if (!s)
        return;
    if (l->leading) {
        s->tsih = x->b->tsih;
        s->ffp_ts = x->in->ts_ns;
        s->outcome = l->outcome;
        s->login_frame = x->in->frame;
    }
    s->logged_in = true;
    s->n_connections++;
}

/* With the requests not captured, SessionType was never seen: do not call
 * the login Normal on a guess. */
static char *summary_text(isl_session_type type, const char *iname, const char *tname, bool started_mid)
{
    return g_strdup_printf("%s login%s%s%s%s %s", type == ISL_ST_DISCOVERY ? "Discovery" : type == ISL_ST_NORMAL ? "Normal" : "iSCSI",
                           iname ? " of " : "", iname ? iname : "", tname ? " to " : "", tname ? tname : "",
                           started_mid ? "completed (start not captured)" : "succeeded");
}

/* Every successful login gets this Note: its text is written when shown, from
 * what the record snapshots of its session (the same on every pass). */
static void login_summary(const isl_feed_ctx *x, const isl_login *l)
{
    isl_session *s = l->session;

    if (l->started_mid)
        isl_report(isl_out(x), ISL_CHK_LOGIN_INCOMPLETE, "Login completed, but its start was not captured: login time and first-request checks unavailable");
    if (s && x->r->session == s && x->r->login == l && x->r->session_type == s->type &&
        isl_pdu_initiator(x->r) == s->initiator_name && isl_pdu_target(x->r) == s->target_name) {
        isl_report_deferred(isl_out(x), ISL_CHK_LOGIN_SUMMARY);
        return;
    }
    {
        char *m = summary_text(s ? s->type : ISL_ST_UNKNOWN, s ? s->initiator_name : NULL, s ? s->target_name : NULL,
                               l->started_mid);
        isl_report(isl_out(x), ISL_CHK_LOGIN_SUMMARY, "%s", m);
        g_free(m);
    }
}

char *isl_finding_text(const isl_pdu *r, const isl_finding *f)
{
    if (f->msg)
        return g_strdup(f->msg);
    if (f->check == ISL_CHK_LOGIN_SUMMARY && r->login)
        return summary_text((isl_session_type)r->session_type, isl_pdu_initiator(r), isl_pdu_target(r),
                            r->login->started_mid);
    return g_strdup(isl_check_get((isl_check)f->check)->summary);
}

/* On the final response of a login whose start was captured: a Note when it
 * took longer than the user's threshold (failed logins too: a target that
 * takes seconds to refuse is as much worth a look). */
static void check_slow(const isl_feed_ctx *x, const isl_login *l)
{
    unsigned limit = x->a->lim.slow_login_ms;
    int64_t ns = x->in->ts_ns - l->first_ts;

    if (!limit || l->started_mid || ns <= (int64_t)limit * 1000000)
        return;
    isl_report(isl_out(x), ISL_CHK_LOGIN_SLOW, "Login took %.1f ms (threshold %u ms)", (double)ns / 1e6, limit);
}

/* The final response (T=1, NSG=3, C=0): full feature phase (§6.3). */
static void login_succeeds(const isl_feed_ctx *x, isl_login *l)
{
    isl_session *s = l->session;
    bool disc = s && s->type == ISL_ST_DISCOVERY;
    int64_t ts = x->in->ts_ns;

    l->outcome = l->started_mid ? ISL_OUT_INCOMPLETE : ISL_OUT_SUCCESS;
    l->status = 0;
    l->final_frame = x->in->frame;
    l->final_ts = ts;
    x->r->login_final = true;
    x->c->state = CONN_FFP;
    isl_nego_finish(l->nego, x->in->frame, isl_out(x));
    login_settles(l);
    if (s && !l->saw_tpgt && !l->started_mid && s->type == ISL_ST_NORMAL)
        isl_report(isl_out(x), ISL_CHK_LOGIN_NO_TPGT, "Normal session login succeeded without TargetPortalGroupTag from the target");
    conn_enters_ffp(x->c, l);
    session_logged_in(s, l, x);
    isl_snapshot(x->r, x->c);
    isl_add_xrec(x->r, disc ? ISL_X_DISCOVERY_LOGIN : ISL_X_NORMAL_LOGIN, s, 0, false, !l->started_mid,
                 l->started_mid ? -1 : ts - l->first_ts, l->first_frame, x->in->frame)->login = l;
    check_slow(x, l);
    login_summary(x, l);
    story_end(x, l, ISL_STORY_SUCCESS);
}

typedef enum { NOT_REDIRECTED, REDIRECTED, REDIRECT_BROKEN } redirect_kind;

/* Status class 1 (§11.13.5): the target names another portal; the login
 * neither failed nor succeeded.  Without an address the login is over and
 * failed, and login.redirect_no_address alone says why. */
static redirect_kind login_redirected(const isl_feed_ctx *x, isl_login *l, const char *addr)
{
    uint16_t status = x->b->status;

    if ((status >> 8) != 1)
        return NOT_REDIRECTED;
    if (!addr) {
        isl_report(isl_out(x), ISL_CHK_LOGIN_REDIRECT_NO_ADDRESS, "Status 0x%04x (%s) without TargetAddress", status,
                   isl_status_detail_name(status));
        return REDIRECT_BROKEN;
    }
    l->redirect = g_strdup(addr);
    l->outcome = ISL_OUT_REDIRECTED;
    isl_report(isl_out(x), ISL_CHK_LOGIN_REDIRECTED, "%s (0x%04x): redirected to %s", isl_status_detail_name(status),
               status, addr);
    return REDIRECTED;
}

/* A failure counts in the row of the stage it ended as well (-z iscsi,login). */
static void stage_failed(const isl_feed_ctx *x, isl_login *l)
{
    if (l->stage > 1 || (l->started_mid && l->stage_frame == l->first_frame))
        return;
    isl_add_xrec(x->r, l->stage == 0 ? ISL_X_SECURITY_STAGE : ISL_X_OPERATIONAL_STAGE, l->session, x->b->status, true,
                 !l->started_mid, x->in->ts_ns - l->stage_ts, l->stage_frame, x->in->frame)->login = l;
}

/* Non-zero status: the login is over and both sides close (§6.3, §11.13.5). */
static void login_fails(const isl_feed_ctx *x, isl_login *l, const isl_text *txt)
{
    isl_findings *out = isl_out(x);
    isl_session *s = l->session;
    uint16_t status = x->b->status;
    redirect_kind rk;
    bool redirected;

    l->outcome = ISL_OUT_FAILED;
    l->status = status;
    l->final_frame = x->r->frame;
    l->final_ts = x->in->ts_ns;
    l->conn->state = CONN_FAILED;
    isl_drop_chains(l->conn);
    x->r->login_final = true;
    if (!status_known(status))
        isl_report(out, ISL_CHK_LOGIN_UNKNOWN_STATUS, "Login status 0x%04x is not defined by RFC 7143", status);
    rk = login_redirected(x, l, txt ? isl_text_value(txt, "TargetAddress") : NULL);
    redirected = rk == REDIRECTED;
    if (rk == NOT_REDIRECTED)
        isl_report(out, ISL_CHK_LOGIN_FAILED, "Login failed: %s, %s (0x%04x)%s%s", isl_status_class_name(status),
                   isl_status_detail_name(status), status, s && s->target_name ? " for target " : "",
                   s && s->target_name ? s->target_name : "");
    if (status == 0x0201 && !isl_nego_auth_method(l->nego))
        isl_report(out, ISL_CHK_AUTH_METHOD_SKIPPED, "Login %s and failed with 0x0201: the target requires authentication",
                   isl_nego_find_id(l->nego, ISL_KEY_AUTH_METHOD) ? "agreed no AuthMethod" : "skipped the security stage");
    if (l->stage == 0 && isl_nego_auth_method(l->nego))
        isl_nego_auth_end(l->nego, x->r->frame, true, out);
    check_slow(x, l);
    if (!redirected)
        stage_failed(x, l);
    isl_xrec *lx = isl_add_xrec(x->r, s && s->type == ISL_ST_DISCOVERY ? ISL_X_DISCOVERY_LOGIN : ISL_X_NORMAL_LOGIN, s,
                                status, !redirected, !l->started_mid, l->started_mid ? -1 : x->in->ts_ns - l->first_ts,
                                l->first_frame, x->r->frame);
    lx->login = l;
    lx->redirected = redirected;
    if (s && s->leading == l) {
        s->outcome = l->outcome;
        s->status = status;
        s->ended = true;
    }
    story_end(x, l, redirected ? ISL_STORY_REDIRECTED : ISL_STORY_FAILED);
}

void isl_login_response(const isl_feed_ctx *x)
{
    const isl_bhs *b = x->b;
    isl_login *l = x->c->login;
    isl_text *txt;

    if (!l || x->c->state != CONN_LOGIN)
        l = response_opens_login(x);
    isl_snapshot(x->r, x->c);
    x->r->login = l;
    x->r->cid = l->cid;
    x->r->cid_known = l->have_req;
    isl_link_response(l->pending_req, x->r);
    l->pending_req = NULL;
    response_echoes(x, l);
    isl_c_reply_rule(x, ISL_SIDE_T);
    if (b->cont && b->final)
        isl_report(isl_out(x), ISL_CHK_FMT_C_WITH_FINAL, "Login Response has both C and T set");
    if (x->dlen > 8192)
        isl_report(isl_out(x), ISL_CHK_FMT_LOGIN_PDU_OVER_8192, "Login Response data segment is %u bytes; receivers only promise 8192", x->dlen);
    if (b->status != 0) {
        /* a failure ends any C-bit chain: its text stands alone */
        txt = isl_text_split_in(x->a->arena, x->data, x->dlen);
        keep_kv(l, txt, ISL_SIDE_T, b->csg, x->in->frame);
        login_fails(x, l, txt);
        return;
    }
    txt = isl_assemble(x, ISL_SIDE_T);
    response_numbers(x, l);
    response_transition(x, l);
    response_tsih(x, l);
    if (txt)
        response_text(x, l, txt);
    response_ends_stage(x, l);
    if (response_final(b) && !b->cont)
        login_succeeds(x, l);
}
