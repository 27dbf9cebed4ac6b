/* SPDX-License-Identifier: GPL-2.0-or-later
 * Session correlation (RFC 7143 §6.3.1): the connection table, the index of
 * sessions by ISID, finding the session a login belongs to, reinstatement,
 * and what a record snapshots of its connection. */
#include "analyzer-int.h"

void isl_conn_free(gpointer p)
{
    isl_conn *c = p;
    for (int s = 0; s < 2; s++)
        if (c->chain[s].buf)
            g_byte_array_free(c->chain[s].buf, TRUE);
    if (c->texts)
        g_ptr_array_free(c->texts, TRUE);
    if (c->pings)
        g_hash_table_destroy(c->pings);
    g_free(c);
}

isl_conn *isl_conn_get(isl_analyzer *a, const isl_pdu_in *in)
{
    isl_conn *c = g_hash_table_lookup(a->conns, GUINT_TO_POINTER(in->conn_key));
    if (c)
        return c;
    c = g_new0(isl_conn, 1);
    c->key = in->conn_key;
    c->mrdsl[0] = c->mrdsl[1] = 0;   /* unknown until a login is seen */
    g_hash_table_insert(a->conns, GUINT_TO_POINTER(in->conn_key), c);
    return c;
}

unsigned isl_analyzer_session_count(const isl_analyzer *a) { return a->sessions->len; }

const isl_session *isl_analyzer_session(const isl_analyzer *a, unsigned i)
{
    return i < a->sessions->len ? g_ptr_array_index(a->sessions, i) : NULL;
}

char *isl_isid_str(const uint8_t *isid)
{
    char hex[13];
    isl_isid_format(isid, hex);
    return g_strconcat("0x", hex, NULL);
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

static void isid_index_add(isl_analyzer *a, isl_session *s)
{
    gint64 key = isid_key(s->isid);
    GPtrArray *same = g_hash_table_lookup(a->by_isid, &key);
    unsigned live = 0;

    if (!same) {
        same = g_ptr_array_new();
        g_hash_table_insert(a->by_isid, g_memdup2(&key, sizeof key), same);
    }
    /* Lookups skip ended sessions; dropping them here keeps an ISID that
     * logs in again and again (a login loop, an initiator re-logging in
     * for hours) from making every later login scan all its history. */
    for (unsigned i = 0; i < same->len; i++)
        if (!((isl_session *)g_ptr_array_index(same, i))->ended)
            same->pdata[live++] = g_ptr_array_index(same, i);
    g_ptr_array_set_size(same, live);
    g_ptr_array_add(same, s);
}

isl_session *isl_session_new(isl_analyzer *a, const uint8_t *isid, uint16_t tsih, uint32_t frame, int64_t ts,
                             isl_findings *out)
{
    isl_session *s;
    if (a->sessions->len >= a->lim.max_sessions) {
        if (!a->session_cap_reported)
            isl_report(out, ISL_CHK_STATE_LIMIT, "More than %u sessions; later sessions are not tracked", a->lim.max_sessions);
        a->session_cap_reported = true;
        return NULL;
    }
    s = isl_arena_new0(a->arena, isl_session);
    s->number = a->sessions->len + 1;
    memcpy(s->isid, isid, 6);
    s->tsih = tsih;
    s->first_frame = frame;
    s->first_ts = ts;
    s->ffp_ts = -1;
    g_ptr_array_add(a->sessions, s);
    isid_index_add(a, s);
    return s;
}

static bool str_eq0(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* Existing session for an added or reinstated connection (RFC 7143 §6.3.1: the
 * target identifies sessions by initiator name + ISID + target). */
isl_session *isl_session_find(isl_analyzer *a, const uint8_t *isid, uint16_t tsih, const char *iname, const char *tname)
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

/* A leading login (TSIH 0) with the ISID and names of a session still
 * logged in: the target ends that session (§6.3.1). */
void isl_check_reinstatement(isl_analyzer *a, isl_login *l, isl_pdu *r)
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
        char *isid = isl_isid_str(s->isid);
        isl_report(&r->findings, ISL_CHK_SESSION_REINSTATEMENT,
                   "Session reinstatement: %s with ISID %s logs in again with TSIH 0 while session %u (TSIH 0x%04x) is logged in; the target ends session %u",
                   s->initiator_name, isid, o->number, o->tsih, o->number);
        g_free(isid);
        o->ended = true;
    }
}

void isl_snapshot(isl_pdu *r, isl_conn *c)
{
    isl_session *s = c ? c->session : NULL;
    r->conn = c;
    r->session = s;
    if (s) {
        r->session_number = s->number;
        r->initiator_known = s->initiator_name != NULL;
        r->target_known = s->target_name != NULL;
        r->session_type = s->type;
        r->tsih = s->tsih;
    }
}

/* A fingerprint of a PDU's bytes, eight at a time: hashing byte by byte cost
 * a thousand instructions per Login PDU in login storms.  Only equality
 * matters (a repeat of the same bytes), so any well-mixed 64-bit hash will do. */
static uint32_t fingerprint(const uint8_t *p, size_t n)
{
    uint64_t h = 0x9e3779b97f4a7c15u ^ n;
    size_t i = 0;

    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        memcpy(&w, p + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdu;
        h ^= h >> 29;
    }
    for (; i < n; i++)
        h = (h ^ p[i]) * 0x100000001b3u;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53u;
    h ^= h >> 33;
    return (uint32_t)h ^ (uint32_t)(h >> 32);
}

/* Returns true when this PDU's bytes were already seen on this connection
 * in this direction (a TCP retransmission that reached the iSCSI layer). */
bool isl_is_retransmission(isl_conn *c, int dir, const isl_pdu_in *in, uint32_t *orig)
{
    uint32_t n = in->avail < in->reported ? in->avail : in->reported;
    uint32_t h = fingerprint(in->pdu, n);
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

void isl_check_over_mrdsl(isl_conn *c, isl_side receiver, uint32_t dlen, const char *what, isl_pdu *r)
{
    /* mrdsl 0: unknown (declared in a part of the login that was not captured) */
    if (c->state == CONN_FFP && c->mrdsl[receiver] && dlen > c->mrdsl[receiver])
        isl_report(&r->findings, ISL_CHK_TEXT_OVER_MRDSL, "%s data segment %u bytes exceeds the %s's MaxRecvDataSegmentLength %u",
                   what, dlen, receiver == ISL_SIDE_I ? "initiator" : "target", c->mrdsl[receiver]);
}

/* Requests other than Login belong to full feature phase (§6.3), and none
 * may follow a Logout on its connection (§11.14). */
void isl_check_ffp(isl_conn *c, const char *what, isl_pdu *r)
{
    if (c->state == CONN_LOGIN)
        isl_report(&r->findings, ISL_CHK_LOGIN_NON_LOGIN_PDU, "%s sent before the final Login Response (login started in frame %u)",
                   what, c->login ? c->login->first_frame : 0);
    if (c->logout && c->logout_frame && c->logout_frame != r->frame)
        isl_report(&r->findings, ISL_CHK_LOGOUT_TRAFFIC_AFTER, "%s after Logout (frame %u) on this connection", what, c->logout_frame);
}
