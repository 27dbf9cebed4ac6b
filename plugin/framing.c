/* SPDX-License-Identifier: GPL-2.0-or-later
 * First pass: the PDUs in the bytes Wireshark's iSCSI dissector just
 * dissected, framed exactly as it frames them (its PDU lengths, its digest
 * detection, its bogus-PDU filter), each fed to the analysis engine. */
#include "iscsi-login-int.h"
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/conversation.h>
#include <epan/crc32-tvb.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/crc32.h>

/* RFC 7143 §11.1.1: vendor-specific opcodes, which the analysis does not name. */
enum {
    VENDOR_OP_I_FIRST = 0x1c, VENDOR_OP_I_LAST = 0x1e,
    VENDOR_OP_T_FIRST = 0x3c, VENDOR_OP_T_LAST = 0x3e
};

/* What the iSCSI dissector detected about digests on a connection (it checks
 * the CRC of the first PDU that is not a Login). */
enum { DIG_AUTO, DIG_NONE, DIG_CRC };

/* From this frame on, the connection's PDUs belong to this session.  A list
 * entry per change (a connection logs in once, normally): data PDUs, which
 * the analysis never sees, find their session here when a tree wants it
 * (isl_conn_session), with nothing stored per data PDU. */
typedef struct conn_session {
    struct conn_session *next;
    guint32 frame, number;
} conn_session;

/* Per TCP connection (conversation data). */
typedef struct {
    guint8 hd, dd;
    conn_session *sessions;         /* newest first */
} wrap_conv;

static const char *endpoint(void *ctx, bool src)
{
    packet_info *pinfo = ctx;
    return wmem_strdup_printf(pinfo->pool, "%s:%u", address_to_str(pinfo->pool, src ? &pinfo->src : &pinfo->dst),
                              src ? pinfo->srcport : pinfo->destport);
}

int64_t isl_frame_ts_ns(const packet_info *pinfo)
{
    return (int64_t)pinfo->abs_ts.secs * 1000000000 + pinfo->abs_ts.nsecs;
}

/* First pass: the index of this PDU among those analysed in its frame (the
 * iSCSI dissector can be called several times per frame: a reassembled PDU,
 * then the rest).  The first pass reads frames in order, so the frame at
 * hand and its count are all there is to keep: no per-frame data. */
static unsigned next_pdu_index(packet_info *pinfo)
{
    if (isl_plugin.index_frame != pinfo->num) {
        isl_plugin.index_frame = pinfo->num;
        isl_plugin.next_index = 0;
    }
    return isl_plugin.next_index++;
}

static wrap_conv *conn_state_of(conversation_t *conv)
{
    wrap_conv *wc = conversation_get_proto_data(conv, isl_plugin.proto);
    if (!wc) {
        wc = wmem_new0(wmem_file_scope(), wrap_conv);
        conversation_add_proto_data(conv, isl_plugin.proto, wc);
    }
    return wc;
}

static wrap_conv *conn_state(packet_info *pinfo)
{
    return conn_state_of(find_or_create_conversation(pinfo));
}

/* TCP's data of the frame's connection, from the conversation this file
 * looks up anyway.  get_tcp_conversation_data() with a conversation given
 * would also clear TCP's per-frame analysis pointer, which TCP still uses
 * after the iSCSI dissector returns: so only the lookup it does itself. */
static struct tcp_analysis *tcp_data(conversation_t **conv, packet_info *pinfo)
{
    struct tcp_analysis *t;

    if (!*conv)
        *conv = find_or_create_conversation(pinfo);
    t = isl_plugin.proto_tcp > 0 ? conversation_get_proto_data(*conv, isl_plugin.proto_tcp) : NULL;
    return t ? t : get_tcp_conversation_data(NULL, pinfo);
}

/* First pass: a PDU tied to a session; remember where the connection's
 * session changes.  The connection's state rides with the analysis's own
 * connection: a conversation lookup per PDU cost more than the check. */
static void note_session(packet_info *pinfo, isl_pdu *r)
{
    wrap_conv *wc = isl_conn_user(r);
    conn_session *s;

    if (!wc) {
        wc = conn_state(pinfo);
        isl_conn_set_user(r, wc);
    }
    if (wc->sessions && wc->sessions->number == r->session_number)
        return;
    s = wmem_new(wmem_file_scope(), conn_session);
    s->next = wc->sessions;
    s->frame = r->frame;
    s->number = r->session_number;
    wc->sessions = s;
}

/* The one place that builds the analysis input, for the PDUs the iSCSI
 * dissector framed and for those our own heuristic takes aside.  reported:
 * the PDU's length on the wire as the caller frames it. */
isl_pdu *isl_feed_pdu(tvbuff_t *tvb, packet_info *pinfo, guint off, guint32 reported, bool aside,
                      const struct tcp_analysis *tcpd)
{
    isl_pdu_in in;
    isl_pdu *r;

    memset(&in, 0, sizeof in);
    in.frame = pinfo->num;
    in.pdu_index = next_pdu_index(pinfo);
    in.ts_ns = isl_frame_ts_ns(pinfo);
    in.conn_key = tcpd->stream;
    in.reported = reported;
    in.avail = MIN((guint32)tvb_captured_length_remaining(tvb, off), reported);
    in.pdu = tvb_get_ptr(tvb, off, in.avail);
    in.endpoint = endpoint;
    in.endpoint_ctx = pinfo;
    /* tcp.completeness bit 0: the connection's SYN is in the capture. */
    in.conn_start_seen = (tcpd->conversation_completeness & 1) != 0;
    in.aside = aside;
    r = isl_analyzer_feed(isl_plugin.analyzer, &in);
    if (r && r->session_number)
        note_session(pinfo, r);
    return r;
}

/* Every pass, only for a tree that wants iscsi_login.session: the session of
 * the connection this frame belongs to, 0 when none is known (yet). */
guint32 isl_conn_session(packet_info *pinfo)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    const wrap_conv *wc = conv ? conversation_get_proto_data(conv, isl_plugin.proto) : NULL;

    for (const conn_session *s = wc ? wc->sessions : NULL; s; s = s->next)
        if (s->frame <= pinfo->num)
            return s->number;
    return 0;
}

static bool known_opcode(guint8 op)
{
    switch (op) {
    case ISL_OP_NOP_OUT: case ISL_OP_SCSI_CMD: case ISL_OP_TMF_REQ: case ISL_OP_LOGIN_REQ: case ISL_OP_TEXT_REQ:
    case ISL_OP_DATA_OUT: case ISL_OP_LOGOUT_REQ: case ISL_OP_SNACK:
    case ISL_OP_NOP_IN: case ISL_OP_SCSI_RSP: case ISL_OP_TMF_RSP: case ISL_OP_LOGIN_RSP: case ISL_OP_TEXT_RSP:
    case ISL_OP_DATA_IN: case ISL_OP_LOGOUT_RSP: case ISL_OP_R2T: case ISL_OP_ASYNC: case ISL_OP_REJECT:
        return true;
    default:
        return (op >= VENDOR_OP_I_FIRST && op <= VENDOR_OP_I_LAST) || (op >= VENDOR_OP_T_FIRST && op <= VENDOR_OP_T_LAST);
    }
}

bool isl_is_target_port(guint32 port)
{
    const isl_iscsi_prefs *p = &isl_plugin.iscsi;
    return (p->target_ports ? value_is_in_range(p->target_ports, port) : port == ISL_ISCSI_TARGET_PORT_DEFAULT) ||
           port == p->system_port;
}

/* The built-in's own test for "this is not a PDU header" (bogus PDU filter).
 * dsl: the DataSegmentLength as the iSCSI dissector reads it. */
static bool bogus_pdu(const isl_bhs *b, packet_info *pinfo, guint32 dsl, bool check_port)
{
    const isl_iscsi_prefs *p = &isl_plugin.iscsi;

    if (!known_opcode(b->opcode))
        return true;
    if (check_port && !isl_is_target_port(isl_op_from_target(b->opcode) ? pinfo->srcport : pinfo->destport))
        return true;
    if (!p->bogus_filter)
        return false;
    if (dsl > p->bogus_threshold)
        return true;
    if (p->good_f_bit && !b->final) {
        switch (b->opcode) {
        case ISL_OP_NOP_OUT: case ISL_OP_NOP_IN: case ISL_OP_LOGOUT_REQ: case ISL_OP_LOGOUT_RSP: case ISL_OP_SCSI_RSP:
        case ISL_OP_TMF_RSP: case ISL_OP_R2T: case ISL_OP_ASYNC: case ISL_OP_SNACK: case ISL_OP_REJECT:
            return true;
        }
    }
    /* A NOP-Out with a Target Transfer Tag of 0. */
    return b->opcode == ISL_OP_NOP_OUT && b->w20 == 0;
}

/* The iSCSI dissector takes the DataSegmentLength of these opcodes as 0. */
static guint32 dissector_dsl(const isl_bhs *b)
{
    switch (b->opcode) {
    case ISL_OP_TMF_REQ: case ISL_OP_TMF_RSP: case ISL_OP_R2T: case ISL_OP_LOGOUT_REQ: case ISL_OP_LOGOUT_RSP:
    case ISL_OP_SNACK:
        return 0;
    default:
        return b->dsl;
    }
}

/* Digests: decided once per connection, as the iSCSI dissector does (and at
 * the offsets it uses).  Grows *hdr and *len by the digests present. */
static void add_digests(tvbuff_t *tvb, wrap_conv *wc, guint off, guint32 dsl, guint32 *hdr, guint32 *len)
{
    guint32 data = (dsl + 3) & ~3u;

    if (wc->hd == DIG_AUTO && tvb_captured_length(tvb) - off >= *hdr + 4)
        wc->hd = ~crc32c_tvb_offset_calculate(tvb, off, *hdr, CRC32C_PRELOAD) == tvb_get_ntohl(tvb, *hdr) ? DIG_CRC : DIG_NONE;
    if (wc->hd == DIG_CRC) {
        *len += 4;
        *hdr += 4;
    }
    if (wc->dd == DIG_AUTO && tvb_captured_length(tvb) - off >= *hdr + data + 4)
        wc->dd = ~crc32c_tvb_offset_calculate(tvb, *hdr, data, CRC32C_PRELOAD) == tvb_get_ntohl(tvb, *hdr + data)
                     ? DIG_CRC : DIG_NONE;
    if (wc->dd == DIG_CRC && dsl)
        *len += 4;
}

/* Walk the PDUs the iSCSI dissector just dissected in tvb[0, end). */
void isl_analyse_pdus(tvbuff_t *tvb, packet_info *pinfo, conversation_t *conv, guint end, bool check_port)
{
    struct tcp_analysis *tcpd = NULL;
    wrap_conv *wc = NULL;
    guint off = 0;

    while (off + ISL_BHS_LEN <= end) {
        guint8 raw[ISL_BHS_LEN];
        isl_bhs b;
        guint32 dsl, len, hdr;

        tvb_memcpy(tvb, raw, off, ISL_BHS_LEN);
        isl_bhs_parse(&b, raw);
        dsl = dissector_dsl(&b);
        if (bogus_pdu(&b, pinfo, dsl, check_port))
            break;
        /* The iSCSI dissector counts the AHS of a SCSI Command only. */
        hdr = ISL_BHS_LEN + (b.opcode == ISL_OP_SCSI_CMD ? 4u * b.ahs_words : 0);
        len = hdr + ((dsl + 3) & ~3u);
        if (b.opcode != ISL_OP_LOGIN_REQ && b.opcode != ISL_OP_LOGIN_RSP)
        {
            if (!wc)
                wc = conn_state_of(conv ? conv : (conv = find_or_create_conversation(pinfo)));
            add_digests(tvb, wc, off, dsl, &hdr, &len);
        }
        /* SCSI data traffic: a few header bytes read, nothing else. */
        if (isl_opcode_wanted(b.opcode)) {
            gint rem = tvb_reported_length_remaining(tvb, off), data_cap;
            guint32 own = isl_bhs_pdu_len(&b);

            if (!tcpd && !(tcpd = tcp_data(&conv, pinfo)))
                return;
            data_cap = tvb_captured_length_remaining(tvb, off + hdr);
            /* The iSCSI dissector takes the DataSegmentLength of a Logout as
             * 0; the analysis sizes the PDU from its header (and reports the
             * difference). */
            isl_feed_pdu(tvb, pinfo, off, MIN(MAX(own, len), rem > 0 ? (guint32)rem : own), false, tcpd);
            if ((b.opcode == ISL_OP_LOGIN_RSP || b.opcode == ISL_OP_TEXT_RSP) && dsl && data_cap > 0)
                isl_claim_portals(tvb, pinfo, off + hdr, MIN(dsl, (guint32)data_cap));
        }
        if (len > end - off)
            break;
        off += len;
    }
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
