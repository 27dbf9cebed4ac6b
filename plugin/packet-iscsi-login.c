/* SPDX-License-Identifier: GPL-2.0-or-later
 * iSCSI Login Analysis: a post-dissector that locates each iSCSI PDU of a
 * frame, feeds it to the analysis engine (core/) on the first pass, and
 * renders the stored result on every pass. */
#include "compat.h"
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/addr_resolv.h>
#include <epan/dissectors/packet-tcp.h>

#include "iscsi-login.h"
#include "core/keys.h"

static int proto_iscsi_login = -1;
static int proto_iscsi = -1;
static int tap_iscsi_login = -1;
static dissector_handle_t iscsi_login_handle;
static dissector_handle_t iscsi_handle;
static isl_analyzer *analyzer;

/* Foreign fields read on the first pass. */
static int hf_iscsi = -1;
static int hf_tcp_stream = -1;
static int hf_tcp_completeness = -1;

static int hf_session = -1;
static int hf_initiator_name = -1;
static int hf_target_name = -1;
static int hf_session_type = -1;
static int hf_isid = -1;
static int hf_tsih = -1;
static int hf_cid = -1;
static int hf_request_in = -1;
static int hf_response_in = -1;
static int hf_response_time = -1;
static int hf_retransmission_of = -1;
static int hf_continued_from = -1;
static int hf_login_first = -1;
static int hf_login_time = -1;
static int hf_login_stages = -1;
static int hf_login_outcome = -1;
static int hf_login_status = -1;
static int hf_login_status_class = -1;
static int hf_login_status_detail = -1;
static int hf_login_redirect = -1;
static int hf_login_auth = -1;
static int hf_key_initiator = -1;
static int hf_key_target = -1;
static int hf_param_mrdsl_i = -1;
static int hf_param_mrdsl_t = -1;
static int hf_disc_count = -1;
static int hf_disc_target = -1;
static int hf_disc_address = -1;
static int hf_text_param = -1;
static int hf_logout_reason = -1;
static int hf_logout_response = -1;
static int hf_logout_t2w = -1;
static int hf_logout_t2r = -1;
static int hf_logout_duration = -1;
static int *hf_params;          /* per key table row, -1 when not a parameter */

static gint ett_iscsi_login = -1;
static gint ett_login = -1;
static gint ett_keys = -1;
static gint ett_keys_side = -1;
static gint ett_params = -1;
static gint ett_param = -1;
static gint ett_disc = -1;
static gint ett_disc_target = -1;
static gint ett_logout = -1;

static expert_field ei_checks[ISL_CHK_COUNT];

static const value_string session_type_vals[] = {
    { ISL_ST_UNKNOWN, "Unknown" }, { ISL_ST_DISCOVERY, "Discovery" }, { ISL_ST_NORMAL, "Normal" }, { 0, NULL }
};
static const value_string logout_reason_vals[] = {
    { 0, "Close the session" }, { 1, "Close the connection" }, { 2, "Remove the connection for recovery" }, { 0, NULL }
};
static const value_string logout_response_vals[] = {
    { 0, "Connection or session closed successfully" }, { 1, "CID not found" },
    { 2, "Connection recovery is not supported" }, { 3, "Cleanup failed for various reasons" }, { 0, NULL }
};

/* The PDUs of one frame, in order, as stored on the first pass. */
typedef struct {
    unsigned n;
    isl_pdu *pdus[];
} frame_result;

/* ---- first pass --------------------------------------------------------- */

static uint32_t first_uint(proto_tree *tree, int hf, bool *found)
{
    GPtrArray *a = hf > 0 ? proto_get_finfo_ptr_array(tree, hf) : NULL;
    *found = a && a->len;
    return *found ? fvalue_get_uinteger(ISL_FI_FV((field_info *)g_ptr_array_index(a, 0))) : 0;
}

static char *endpoint(packet_info *pinfo, bool src)
{
    return wmem_strdup_printf(pinfo->pool, "%s:%u", address_to_str(pinfo->pool, src ? &pinfo->src : &pinfo->dst),
                              src ? pinfo->srcport : pinfo->destport);
}

static void analyse_frame(packet_info *pinfo, proto_tree *tree)
{
    GPtrArray *items = proto_get_finfo_ptr_array(tree, hf_iscsi);
    isl_pdu *found[64];
    unsigned n = 0;
    bool have_stream, have_compl;
    uint32_t stream, compl;

    if (!items || !items->len)
        return;
    /* Frames of pure SCSI data traffic: one opcode byte per PDU, nothing more. */
    {
        bool wanted = false;
        for (guint i = 0; i < items->len && !wanted; i++) {
            field_info *fi = g_ptr_array_index(items, i);
            wanted = fi->ds_tvb && fi->start >= 0 && tvb_captured_length_remaining(fi->ds_tvb, fi->start) >= 48
                     && isl_opcode_wanted(isl_tvb_get_u8(fi->ds_tvb, fi->start));
        }
        if (!wanted)
            return;
    }
    stream = first_uint(tree, hf_tcp_stream, &have_stream);
    if (!have_stream)
        return;
    compl = first_uint(tree, hf_tcp_completeness, &have_compl);

    tvbuff_t *prev_tvb = NULL;
    gint prev_end = 0;

    for (guint i = 0; i < items->len && n < G_N_ELEMENTS(found); i++) {
        field_info *fi = g_ptr_array_index(items, i);
        tvbuff_t *tvb = fi->ds_tvb;
        gint avail;
        isl_pdu_in in;
        isl_pdu *r;

        if (!tvb || fi->start < 0 || (avail = tvb_captured_length_remaining(tvb, fi->start)) < 48)
            continue;
        /* A Reject carries the rejected header, which the iSCSI dissector shows
         * as a nested iSCSI item: it is not a PDU of its own. */
        if (tvb == prev_tvb && fi->start < prev_end)
            continue;
        prev_tvb = tvb;
        prev_end = fi->start + 48 + 4 * isl_tvb_get_u8(tvb, fi->start + 4) +
                   (gint)(((tvb_get_ntohl(tvb, fi->start + 4) & 0xffffff) + 3) & ~3u);
        /* SCSI data traffic: one byte read, nothing else. */
        if (!isl_opcode_wanted(isl_tvb_get_u8(tvb, fi->start)))
            continue;
        memset(&in, 0, sizeof in);
        in.frame = pinfo->num;
        in.index = i;
        in.ts_ns = (int64_t)pinfo->abs_ts.secs * 1000000000 + pinfo->abs_ts.nsecs;
        in.conn_key = stream;
        {
            /* The iSCSI item's length can stop at the header (it covers only
             * what that dissector parsed), so size the PDU from its BHS. */
            guint32 dsl = tvb_get_ntohl(tvb, fi->start + 4) & 0xffffff;
            guint32 base = 48 + 4u * isl_tvb_get_u8(tvb, fi->start + 4) + ((dsl + 3) & ~3u);
            gint rem = tvb_reported_length_remaining(tvb, fi->start);
            in.reported = MIN(MAX(base, fi->length > 0 ? (guint32)fi->length : 0), rem > 0 ? (guint32)rem : base);
        }
        in.avail = MIN((uint32_t)avail, in.reported);
        in.pdu = tvb_get_ptr(tvb, fi->start, in.avail);
        in.src = endpoint(pinfo, true);
        in.dst = endpoint(pinfo, false);
        /* tcp.completeness bit 0: the connection's SYN is in the capture. */
        in.conn_start_seen = have_compl && (compl & 1);
        r = isl_analyzer_feed(analyzer, &in);
        if (r)
            found[n++] = r;
    }
    if (n) {
        frame_result *fr = wmem_alloc(wmem_file_scope(), sizeof *fr + n * sizeof(isl_pdu *));
        fr->n = n;
        memcpy(fr->pdus, found, n * sizeof(isl_pdu *));
        p_add_proto_data(wmem_file_scope(), pinfo, proto_iscsi_login, 0, fr);
    }
}

/* ---- rendering (every pass) ---------------------------------------------- */

static proto_item *gen(proto_item *pi)
{
    proto_item_set_generated(pi);
    return pi;
}

static void add_reltime(proto_tree *t, int hf, tvbuff_t *tvb, int64_t ns)
{
    nstime_t d;
    d.secs = (time_t)(ns / 1000000000);
    d.nsecs = (int)(ns % 1000000000);
    gen(proto_tree_add_time(t, hf, tvb, 0, 0, &d));
}

static const char *stages_str(wmem_allocator_t *pool, const isl_login *l)
{
    wmem_strbuf_t *b = wmem_strbuf_new(pool, "");
    for (unsigned i = 0; i < l->n_stages; i++)
        wmem_strbuf_append_printf(b, "%s%s", i ? " -> " : "", isl_stage_name(l->stages[i]));
    return wmem_strbuf_get_str(b);
}

static void render_keys(proto_tree *t, tvbuff_t *tvb, wmem_allocator_t *pool, const isl_login *l)
{
    proto_item *ki;
    proto_tree *kt = proto_tree_add_subtree_format(t, tvb, 0, 0, ett_keys, &ki, "Keys (%u)", isl_login_kv_count(l));
    gen(ki);
    for (int side = 0; side < 2; side++) {
        proto_item *si;
        proto_tree *st = proto_tree_add_subtree(kt, tvb, 0, 0, ett_keys_side, &si,
                                                side == ISL_SIDE_I ? "Sent by initiator" : "Sent by target");
        gen(si);
        for (unsigned i = 0; i < isl_login_kv_count(l); i++) {
            const isl_kv kv_ = isl_login_kv_at(l, i), *kv = &kv_;
            if (kv->side != side)
                continue;
            gen(proto_tree_add_string_format_value(st, side == ISL_SIDE_I ? hf_key_initiator : hf_key_target, tvb, 0, 0,
                    wmem_strdup_printf(pool, "%s=%s", kv->key, kv->value ? kv->value : ""),
                    "%s=%s (frame %u, %s)", kv->key, kv->value ? kv->value : "", kv->frame, isl_stage_name(kv->stage)));
        }
    }
}

static void render_params(proto_tree *t, tvbuff_t *tvb, wmem_allocator_t *pool, const isl_login *l)
{
    proto_item *pi;
    proto_tree *pt = proto_tree_add_subtree(t, tvb, 0, 0, ett_params, &pi, "Negotiated parameters");
    gen(pi);
    for (unsigned i = 0; i < isl_key_count(); i++) {
        const isl_key_def *d = isl_key_at(i);
        const isl_kst *k;
        bool dflt;
        const char *v;
        proto_item *it = NULL;
        wmem_strbuf_t *how;

        if (hf_params[i] < 0 || (d->flags & ISL_KF_DIRECTIONAL))
            continue;
        v = isl_nego_value(l->nego, d, &dflt);
        k = isl_nego_find(l->nego, d->name);
        if (!v)
            continue;
        how = wmem_strbuf_new(pool, "");
        if (dflt && !k)
            wmem_strbuf_append(how, " (default, not negotiated)");
        else if (dflt)
            wmem_strbuf_append(how, " (default, not settled)");
        if (k) {
            for (int s = 0; s < 2; s++) {
                if (!k->value[s])
                    continue;
                wmem_strbuf_append_printf(how, "%s%s %s %s in frame %u", wmem_strbuf_get_len(how) ? "; " : " (",
                                          isl_side_name((isl_side)s), k->offerer == s ? "offered" : "answered",
                                          k->value[s], k->frame[s]);
            }
            if (!dflt)
                wmem_strbuf_append(how, ")");
            else
                wmem_strbuf_append(how, "");
        }
        switch (d->vtype) {
        case ISL_VT_NUMBER: {
            guint64 x = g_ascii_strtoull(v, NULL, 0);
            it = proto_tree_add_uint_format_value(pt, hf_params[i], tvb, 0, 0, (guint32)x, "%s%s", v, wmem_strbuf_get_str(how));
            break;
        }
        case ISL_VT_BOOL:
            it = proto_tree_add_boolean_format_value(pt, hf_params[i], tvb, 0, 0, strcmp(v, "Yes") == 0, "%s%s", v,
                                                     wmem_strbuf_get_str(how));
            break;
        default:
            it = proto_tree_add_string_format_value(pt, hf_params[i], tvb, 0, 0, v, "%s%s", v, wmem_strbuf_get_str(how));
            break;
        }
        gen(it);
    }
    {
        bool di, dt;
        uint32_t mi = isl_nego_mrdsl(l->nego, ISL_SIDE_I, &di), mt = isl_nego_mrdsl(l->nego, ISL_SIDE_T, &dt);
        gen(proto_tree_add_uint_format_value(pt, hf_param_mrdsl_i, tvb, 0, 0, mi, "%u%s", mi,
                                             di ? " (default)" : " (declared by the initiator: largest PDU data it receives)"));
        gen(proto_tree_add_uint_format_value(pt, hf_param_mrdsl_t, tvb, 0, 0, mt, "%u%s", mt,
                                             dt ? " (default)" : " (declared by the target: largest PDU data it receives)"));
    }
}

static void render_login(proto_tree *t, tvbuff_t *tvb, wmem_allocator_t *pool, const isl_pdu *r)
{
    const isl_login *l = r->login;
    proto_item *li;
    proto_tree *lt = proto_tree_add_subtree_format(t, tvb, 0, 0, ett_login, &li, "Login: %s", isl_outcome_name(l->outcome));
    gen(li);
    if (!l->started_mid) {
        gen(proto_tree_add_uint(lt, hf_login_first, tvb, 0, 0, l->first_frame));
        add_reltime(lt, hf_login_time, tvb, l->final_ts - l->first_ts);
    }
    gen(proto_tree_add_string(lt, hf_login_stages, tvb, 0, 0, stages_str(pool, l)));
    gen(proto_tree_add_string(lt, hf_login_outcome, tvb, 0, 0, isl_outcome_name(l->outcome)));
    gen(proto_tree_add_uint(lt, hf_login_status, tvb, 0, 0, l->status));
    gen(proto_tree_add_string(lt, hf_login_status_class, tvb, 0, 0, isl_status_class_name(l->status)));
    gen(proto_tree_add_string(lt, hf_login_status_detail, tvb, 0, 0, isl_status_detail_name(l->status)));
    if (l->redirect)
        gen(proto_tree_add_string(lt, hf_login_redirect, tvb, 0, 0, l->redirect));
    if (isl_nego_auth_summary(l->nego))
        gen(proto_tree_add_string(lt, hf_login_auth, tvb, 0, 0, isl_nego_auth_summary(l->nego)));
    render_keys(lt, tvb, pool, l);
    if (l->outcome != ISL_OUT_FAILED)
        render_params(lt, tvb, pool, l);
}

static void render_text(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const isl_pdu *r)
{
    const isl_textx *x = r->textx;
    proto_item *di;
    proto_tree *dt;

    if (!x->sendtargets) {
        if (x->nego) {
            proto_item *ni;
            proto_tree *nt = proto_tree_add_subtree(t, tvb, 0, 0, ett_params, &ni, "Negotiated in this Text sequence");
            gen(ni);
            for (unsigned i = 0; i < isl_nego_count(x->nego); i++) {
                const isl_kst *k = isl_nego_at(x->nego, i);
                wmem_strbuf_t *b = wmem_strbuf_new(pinfo->pool, "");
                wmem_strbuf_append_printf(b, "%s=%s", k->name, k->result ? k->result :
                                          k->value[ISL_SIDE_I] ? k->value[ISL_SIDE_I] : k->value[ISL_SIDE_T]);
                for (int sd = 0; sd < 2; sd++)
                    if (k->value[sd])
                        wmem_strbuf_append_printf(b, "%s%s sent %s in frame %u", sd == 0 || !k->value[0] ? " (" : "; ",
                                                  isl_side_name((isl_side)sd), k->value[sd], k->frame[sd]);
                wmem_strbuf_append(b, ")");
                gen(proto_tree_add_string(nt, hf_text_param, tvb, 0, 0, wmem_strbuf_get_str(b)));
            }
        }
        return;
    }
    dt = proto_tree_add_subtree_format(t, tvb, 0, 0, ett_disc, &di, "SendTargets=%s: %u targets", x->st_value, x->targets->len);
    gen(di);
    gen(proto_tree_add_uint(dt, hf_disc_count, tvb, 0, 0, x->targets->len));
    for (guint i = 0; i < x->targets->len; i++) {
        const isl_target_rec *rec = g_ptr_array_index(x->targets, i);
        proto_item *ti = gen(proto_tree_add_string(dt, hf_disc_target, tvb, 0, 0, rec->name));
        proto_tree *tt = proto_item_add_subtree(ti, ett_disc_target);
        for (guint j = 0; j < rec->addresses->len; j++)
            gen(proto_tree_add_string(tt, hf_disc_address, tvb, 0, 0, g_ptr_array_index(rec->addresses, j)));
    }
}

static void render_logout(proto_tree *t, tvbuff_t *tvb, const isl_pdu *r)
{
    const isl_logoutx *lo = r->logout;
    proto_item *oi;
    proto_tree *ot = proto_tree_add_subtree(t, tvb, 0, 0, ett_logout, &oi, "Logout");
    gen(oi);
    gen(proto_tree_add_uint(ot, hf_logout_reason, tvb, 0, 0, lo->reason));
    if (r->opcode == ISL_OP_LOGOUT_RSP) {
        gen(proto_tree_add_uint(ot, hf_logout_response, tvb, 0, 0, lo->response));
        gen(proto_tree_add_uint(ot, hf_logout_t2w, tvb, 0, 0, lo->time2wait));
        gen(proto_tree_add_uint(ot, hf_logout_t2r, tvb, 0, 0, lo->time2retain));
        if (lo->session_duration >= 0)
            add_reltime(ot, hf_logout_duration, tvb, lo->session_duration);
    }
}

static void render_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const isl_pdu *r)
{
    proto_item *ti = proto_tree_add_item(tree, proto_iscsi_login, tvb, 0, 0, ENC_NA);
    proto_tree *t = proto_item_add_subtree(ti, ett_iscsi_login);

    gen(ti);
    if (r->session_number) {
        proto_item_append_text(ti, ", Session %u", r->session_number);
        gen(proto_tree_add_uint(t, hf_session, tvb, 0, 0, r->session_number));
        if (r->initiator_name)
            gen(proto_tree_add_string(t, hf_initiator_name, tvb, 0, 0, r->initiator_name));
        if (r->target_name)
            gen(proto_tree_add_string(t, hf_target_name, tvb, 0, 0, r->target_name));
        gen(proto_tree_add_string(t, hf_session_type, tvb, 0, 0, val_to_str_const(r->session_type, session_type_vals, "Unknown")));
        gen(proto_tree_add_bytes_with_length(t, hf_isid, tvb, 0, 0, r->session->isid, 6));
        gen(proto_tree_add_uint(t, hf_tsih, tvb, 0, 0, r->tsih));
    }
    if (r->cid_known)
        gen(proto_tree_add_uint(t, hf_cid, tvb, 0, 0, r->cid));
    if (r->retrans_of) {
        proto_item_append_text(ti, " (retransmission)");
        gen(proto_tree_add_uint(t, hf_retransmission_of, tvb, 0, 0, r->retrans_of));
    }
    if (r->request_in)
        gen(proto_tree_add_uint(t, hf_request_in, tvb, 0, 0, r->request_in));
    if (r->response_in && PINFO_FD_VISITED(pinfo))
        gen(proto_tree_add_uint(t, hf_response_in, tvb, 0, 0, r->response_in));
    if (r->request_in && r->rtt_ns >= 0)
        add_reltime(t, hf_response_time, tvb, r->rtt_ns);
    if (r->continued_from)
        gen(proto_tree_add_uint(t, hf_continued_from, tvb, 0, 0, r->continued_from));
    /* Key and parameter lists are long strings: build them only for a tree. */
    if (tree && r->login_final && r->login)
        render_login(t, tvb, pinfo->pool, r);
    if (tree && r->text_final && r->textx)
        render_text(t, tvb, pinfo, r);
    if (r->logout)
        render_logout(t, tvb, r);
    for (const isl_finding *f = r->findings.head; f; f = f->next)
        proto_tree_add_expert_format(t, pinfo, &ei_checks[f->check], tvb, 0, 0, "%s", f->msg);
    for (unsigned i = 0; i < r->n_xrecs; i++)
        tap_queue_packet(tap_iscsi_login, pinfo, &r->xrecs[i]);
}

/* Wireshark's iSCSI dissector only accepts a Text PDU at the start of a TCP
 * segment when exactly one of F and C is set, so RFC-legal long-reply parts
 * (F=0, C=0, TTT set: tgt's long SendTargets) never reach a post-dissector.
 * Claim them here, analyse them ourselves, and hand the rest of the segment
 * back to the iSCSI dissector. */
static isl_heur_ret dissect_text_continuation_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    guint len = tvb_captured_length(tvb);
    guint8 op, b0, b1;
    guint32 dsl, pdu_len, ttt;
    const char *what;
    struct tcp_analysis *tcpd;
    frame_result *fr;
    isl_pdu *r = NULL;

    if (len < 48)
        return FALSE;
    b0 = isl_tvb_get_u8(tvb, 0);
    b1 = isl_tvb_get_u8(tvb, 1);
    op = b0 & 0x3f;
    dsl = tvb_get_ntohl(tvb, 4) & 0xffffff;
    if ((b0 & 0x80) || isl_tvb_get_u8(tvb, 4) || tvb_get_ntohl(tvb, 40) || tvb_get_ntohl(tvb, 44))
        return FALSE;
    if (op & 0x20 ? pinfo->srcport != 3260 && pinfo->srcport != 860 : pinfo->destport != 3260 && pinfo->destport != 860)
        return FALSE;
    switch (op) {
    case ISL_OP_TEXT_REQ:
    case ISL_OP_TEXT_RSP:
        /* Long replies: F=0, C=0 with a Target Transfer Tag. */
        ttt = tvb_get_ntohl(tvb, 20);
        if (b1 != 0 || ttt == 0xffffffff || tvb_get_ntohs(tvb, 2))
            return FALSE;
        what = op == ISL_OP_TEXT_RSP ? "Text Response (continues, F=0 C=0)" : "Text Command (continues, F=0 C=0)";
        break;
    case ISL_OP_LOGIN_REQ:
        /* Broken but real: I=0, or C and T both set.  Wireshark drops both. */
        if (((b0 & 0x40) && (b1 & 0xc0) != 0xc0) || tvb_get_ntohl(tvb, 32) || tvb_get_ntohl(tvb, 36) || dsl > 65536)
            return FALSE;
        what = "Login Command (refused by the iSCSI dissector)";
        break;
    case ISL_OP_LOGIN_RSP:
        if ((b1 & 0xc0) != 0xc0 || tvb_get_ntohl(tvb, 20) || dsl > 65536)
            return FALSE;
        what = "Login Response (refused by the iSCSI dissector)";
        break;
    default:
        return FALSE;
    }
    pdu_len = 48 + ((dsl + 3) & ~3u);
    if (pdu_len > tvb_reported_length(tvb) && pinfo->can_desegment) {
        pinfo->desegment_offset = 0;
        pinfo->desegment_len = pdu_len - tvb_reported_length(tvb);
        return TRUE;
    }
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "iSCSI");
    col_set_str(pinfo->cinfo, COL_INFO, what);
    if (!PINFO_FD_VISITED(pinfo) && analyzer && (tcpd = get_tcp_conversation_data(NULL, pinfo))) {
        isl_pdu_in in;
        memset(&in, 0, sizeof in);
        in.frame = pinfo->num;
        in.index = 0;
        in.ts_ns = (int64_t)pinfo->abs_ts.secs * 1000000000 + pinfo->abs_ts.nsecs;
        in.conn_key = tcpd->stream;
        in.reported = MIN(pdu_len, tvb_reported_length(tvb));
        in.avail = MIN(in.reported, len);
        in.pdu = tvb_get_ptr(tvb, 0, in.avail);
        in.src = endpoint(pinfo, true);
        in.dst = endpoint(pinfo, false);
        in.conn_start_seen = (tcpd->conversation_completeness & 1) != 0;
        r = isl_analyzer_feed(analyzer, &in);
        if (r) {
            fr = wmem_alloc(wmem_file_scope(), sizeof *fr + sizeof(isl_pdu *));
            fr->n = 1;
            fr->pdus[0] = r;
            p_add_proto_data(wmem_file_scope(), pinfo, proto_iscsi_login, 1, fr);
        }
    }
    fr = p_get_proto_data(wmem_file_scope(), pinfo, proto_iscsi_login, 1);
    if (fr)
        render_pdu(tvb, pinfo, tree, fr->pdus[0]);
    if (pdu_len < tvb_reported_length(tvb) && iscsi_handle)
        call_dissector(iscsi_handle, tvb_new_subset_remaining(tvb, pdu_len), pinfo, tree);
    return TRUE;
}

/* Runs for every frame of the capture: compare protocol ids, no strings.
 * (PDUs claimed by our TCP heuristic are rendered by it, not here.) */
static bool frame_has_iscsi(packet_info *pinfo)
{
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(f));
        if (id == proto_iscsi)
            return true;
    }
    return false;
}

static int dissect_iscsi_login(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    frame_result *fr;

    if (!frame_has_iscsi(pinfo))
        return 0;
    if (!PINFO_FD_VISITED(pinfo) && analyzer)
        analyse_frame(pinfo, tree);
    fr = p_get_proto_data(wmem_file_scope(), pinfo, proto_iscsi_login, 0);
    if (!fr)
        return 0;
    for (unsigned i = 0; i < fr->n; i++)
        render_pdu(tvb, pinfo, tree, fr->pdus[i]);
    return 0;
}

/* ---- registration -------------------------------------------------------- */

static void iscsi_login_init(void)
{
    GArray *wanted;

    analyzer = isl_analyzer_new(NULL);
    if (!proto_is_protocol_enabled(find_protocol_by_id(proto_iscsi_login)))
        return;
    /* Primed fields are only filled on the first pass; ask for them only while enabled. */
    wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    g_array_append_val(wanted, hf_iscsi);
    g_array_append_val(wanted, hf_tcp_stream);
    g_array_append_val(wanted, hf_tcp_completeness);
    set_postdissector_wanted_hfids(iscsi_login_handle, wanted);
}

static void iscsi_login_cleanup(void)
{
    set_postdissector_wanted_hfids(iscsi_login_handle, NULL);
    isl_analyzer_free(analyzer);
    analyzer = NULL;
}

static void register_params(void)
{
    unsigned n = isl_key_count();
    hf_register_info *hf = g_new0(hf_register_info, n);
    unsigned used = 0;

    hf_params = g_new(int, n);
    for (unsigned i = 0; i < n; i++) {
        const isl_key_def *d = isl_key_at(i);
        hf_params[i] = -1;
        if (!(d->flags & ISL_KF_PARAM) || (d->flags & ISL_KF_DIRECTIONAL))
            continue;
        hf[used].p_id = &hf_params[i];
        hf[used].hfinfo.name = d->name;
        hf[used].hfinfo.abbrev = g_strdup_printf("iscsi_login.param.%s", d->field);
        hf[used].hfinfo.type = d->vtype == ISL_VT_NUMBER ? FT_UINT32 : d->vtype == ISL_VT_BOOL ? FT_BOOLEAN : FT_STRING;
        hf[used].hfinfo.display = d->vtype == ISL_VT_NUMBER ? BASE_DEC : BASE_NONE;
        hf[used].hfinfo.blurb = d->desc;
        HFILL_INIT(hf[used]);
        used++;
    }
    proto_register_field_array(proto_iscsi_login, hf, (int)used);
}

static void register_experts(void)
{
    static const int groups[] = { PI_PROTOCOL, PI_MALFORMED, PI_RESPONSE_CODE, PI_SEQUENCE, PI_SECURITY, PI_REASSEMBLE, PI_CHECKSUM };
    static const int sevs[] = { PI_CHAT, PI_NOTE, PI_WARN, PI_ERROR };
    ei_register_info *ei = g_new0(ei_register_info, ISL_CHK_COUNT);
    expert_module_t *em = expert_register_protocol(proto_iscsi_login);
    expert_field init = EI_INIT;

    for (unsigned i = 0; i < ISL_CHK_COUNT; i++) {
        const isl_check_info *c = isl_check_get((isl_check)i);
        ei_checks[i] = init;
        ei[i].ids = &ei_checks[i];
        ei[i].eiinfo.name = g_strdup_printf("iscsi_login.%s", c->abbrev);
        ei[i].eiinfo.group = groups[c->group];
        ei[i].eiinfo.severity = sevs[c->severity];
        ei[i].eiinfo.summary = c->summary;
        ei[i].eiinfo.hf_info.p_id = &ei[i].ids->hf;
        ei[i].eiinfo.hf_info.hfinfo.name = c->summary;
        ei[i].eiinfo.hf_info.hfinfo.abbrev = ei[i].eiinfo.name;
        ei[i].eiinfo.hf_info.hfinfo.type = FT_NONE;
        ei[i].eiinfo.hf_info.hfinfo.display = BASE_NONE;
        ei[i].eiinfo.hf_info.hfinfo.blurb = c->example;
        HFILL_INIT(ei[i].eiinfo.hf_info);
    }
    expert_register_field_array(em, ei, ISL_CHK_COUNT);
}

void proto_register_iscsi_login(void)
{
    static hf_register_info hf[] = {
        { &hf_session, { "Session", "iscsi_login.session", FT_UINT32, BASE_DEC, NULL, 0, "Session number, in order of first login", HFILL } },
        { &hf_initiator_name, { "Initiator name", "iscsi_login.initiator_name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_target_name, { "Target name", "iscsi_login.target_name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_session_type, { "Session type", "iscsi_login.session_type", FT_STRING, BASE_NONE, NULL, 0, "Discovery, Normal, or Unknown when the login was not captured", HFILL } },
        { &hf_isid, { "ISID", "iscsi_login.isid", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_tsih, { "TSIH", "iscsi_login.tsih", FT_UINT16, BASE_HEX, NULL, 0, "Target session identifying handle (0 until the target assigns it)", HFILL } },
        { &hf_cid, { "CID", "iscsi_login.cid", FT_UINT16, BASE_DEC, NULL, 0, "Connection ID", HFILL } },
        { &hf_request_in, { "Request in", "iscsi_login.request_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL } },
        { &hf_response_in, { "Response in", "iscsi_login.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, NULL, HFILL } },
        { &hf_response_time, { "Response time", "iscsi_login.response_time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_retransmission_of, { "Retransmission of", "iscsi_login.retransmission_of", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_DUP_ACK), 0, "This PDU repeats one already analysed", HFILL } },
        { &hf_continued_from, { "Text continued from", "iscsi_login.continued_from", FT_FRAMENUM, BASE_NONE, NULL, 0, "First PDU of the C-bit chain reassembled here", HFILL } },
        { &hf_login_first, { "Login started in", "iscsi_login.login.first_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL } },
        { &hf_login_time, { "Login time", "iscsi_login.login_time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0, "First Login Request to the final Login Response", HFILL } },
        { &hf_login_stages, { "Stages", "iscsi_login.login.stages", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_login_outcome, { "Outcome", "iscsi_login.login.outcome", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_login_status, { "Status", "iscsi_login.login.status", FT_UINT16, BASE_HEX, NULL, 0, NULL, HFILL } },
        { &hf_login_status_class, { "Status class", "iscsi_login.login.status_class", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_login_status_detail, { "Status detail", "iscsi_login.login.status_detail", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_login_redirect, { "Redirected to", "iscsi_login.login.redirect", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_login_auth, { "Authentication", "iscsi_login.login.auth", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_key_initiator, { "Initiator key", "iscsi_login.key.initiator", FT_STRING, BASE_NONE, NULL, 0, "key=value sent by the initiator (reassembled)", HFILL } },
        { &hf_key_target, { "Target key", "iscsi_login.key.target", FT_STRING, BASE_NONE, NULL, 0, "key=value sent by the target (reassembled)", HFILL } },
        { &hf_param_mrdsl_i, { "Initiator MaxRecvDataSegmentLength", "iscsi_login.param.max_recv_data_segment_length.initiator", FT_UINT32, BASE_DEC, NULL, 0, "Largest data segment the initiator receives", HFILL } },
        { &hf_param_mrdsl_t, { "Target MaxRecvDataSegmentLength", "iscsi_login.param.max_recv_data_segment_length.target", FT_UINT32, BASE_DEC, NULL, 0, "Largest data segment the target receives", HFILL } },
        { &hf_disc_count, { "Targets discovered", "iscsi_login.discovery.count", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_disc_target, { "Target", "iscsi_login.discovery.target", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &hf_disc_address, { "Address", "iscsi_login.discovery.address", FT_STRING, BASE_NONE, NULL, 0, "host:port,portal group tag", HFILL } },
        { &hf_text_param, { "Text negotiation", "iscsi_login.text.param", FT_STRING, BASE_NONE, NULL, 0, "A key negotiated in a full feature phase Text sequence: result, who sent what, where", HFILL } },
        { &hf_logout_reason, { "Reason", "iscsi_login.logout.reason_code", FT_UINT8, BASE_DEC, VALS(logout_reason_vals), 0, NULL, HFILL } },
        { &hf_logout_response, { "Response", "iscsi_login.logout.response_code", FT_UINT8, BASE_DEC, VALS(logout_response_vals), 0, NULL, HFILL } },
        { &hf_logout_t2w, { "Time2Wait", "iscsi_login.logout.time2wait", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_logout_t2r, { "Time2Retain", "iscsi_login.logout.time2retain", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &hf_logout_duration, { "Session duration", "iscsi_login.logout.session_duration", FT_RELATIVE_TIME, BASE_NONE, NULL, 0, "From the final Login Response of the leading login to this Logout Response", HFILL } },
    };
    static gint *ett[] = { &ett_iscsi_login, &ett_login, &ett_keys, &ett_keys_side, &ett_params, &ett_param,
                           &ett_disc, &ett_disc_target, &ett_logout };

    proto_iscsi_login = proto_register_protocol("iSCSI Login Analysis", "iSCSI Login", "iscsi_login");
    proto_register_field_array(proto_iscsi_login, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    register_params();
    register_experts();

    iscsi_login_handle = create_dissector_handle(dissect_iscsi_login, proto_iscsi_login);
    register_postdissector(iscsi_login_handle);
    register_init_routine(iscsi_login_init);
    register_cleanup_routine(iscsi_login_cleanup);
    tap_iscsi_login = register_tap("iscsi_login");
    iscsi_login_register_stats(proto_iscsi_login);
}

void proto_reg_handoff_iscsi_login(void)
{
    hf_iscsi = proto_get_id_by_filter_name("iscsi");
    proto_iscsi = hf_iscsi;
    hf_tcp_stream = proto_registrar_get_id_byname("tcp.stream");
    hf_tcp_completeness = proto_registrar_get_id_byname("tcp.completeness");
    iscsi_handle = find_dissector("iscsi");
    heur_dissector_add("tcp", dissect_text_continuation_heur, "iSCSI Text PDUs with neither F nor C (tgt SendTargets)",
                       "iscsi_login_text_tcp", proto_iscsi_login, HEURISTIC_ENABLE);
}

/*
 * Editor modelines
 *
 * Local variables:
 * c-basic-offset: 4
 * tab-width: 8
 * indent-tabs-mode: nil
 * End:
 *
 * vi: set shiftwidth=4 tabstop=8 expandtab:
 * :indentSize=4:tabSize=8:noTabs=true:
 */
