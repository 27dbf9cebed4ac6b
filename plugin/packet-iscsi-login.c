/* SPDX-License-Identifier: GPL-2.0-or-later
 * iSCSI Login Analysis.  On the first pass the plugin watches Wireshark's
 * iSCSI dissector from the TCP side (it takes the place of that dissector's
 * TCP heuristic and conversation entries, calls it unchanged, then walks the
 * PDUs it dissected) and feeds each PDU to the analysis engine (core/).  A
 * post-dissector renders the stored results on every pass. */
#include "compat.h"
#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/tap.h>
#include <epan/proto_data.h>
#include <epan/to_str.h>
#include <epan/addr_resolv.h>
#include <epan/conversation.h>
#include <epan/exceptions.h>
#include <epan/prefs.h>
#include <epan/crc32-tvb.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/crc32.h>
#include <wsutil/inet_addr.h>
#include <wsutil/strtoi.h>

#include "iscsi-login.h"
#include "core/keys.h"

static int proto_iscsi_login = -1;
static int tap_iscsi_login = -1;
static dissector_handle_t iscsi_login_handle;
static dissector_handle_t iscsi_handle;
static isl_analyzer *analyzer;


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
static int hf_param_irrelevant = -1;
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

/* Proto data keys of proto_iscsi_login: the PDU our own heuristic showed
 * (file scope), the PDU counter of the frame (packet scope).  The other PDUs
 * of a frame are found in the analyzer by frame number. */
enum { KEY_HEUR = 1, KEY_PENDING = 2, KEY_ASIDE_SHOWN = 3 };

/* First pass: PDUs analysed in this frame so far (the iSCSI dissector can be
 * called several times per frame: a reassembled PDU, then the rest). */
typedef struct {
    unsigned next_index;
} pending_frame;

/* ---- first pass: watching the iSCSI dissector ----------------------------
 *
 * The analysis needs the bytes of each iSCSI PDU.  A post-dissector could ask
 * for the "iscsi" protocol items, but asking for fields makes tshark build a
 * protocol tree for every frame of the capture (+35 % on SCSI data captures,
 * bench/RESULTS.md).  Instead the plugin stands between TCP and Wireshark's
 * iSCSI dissector: it calls that dissector unchanged, then walks the PDUs it
 * dissected in the same bytes, framing them exactly as it does. */

static dissector_handle_t wrap_handle;   /* no protocol of its own: adds no layer */
static isl_heur_ret (*builtin_heur)(tvbuff_t *, packet_info *, proto_tree *, void *);
static bool analysis_on;
/* The iSCSI dissector's preferences that decide what it takes as a PDU. */
static bool bogus_filter = true, good_f_bit;
static guint bogus_threshold = 256 * 1024;
static range_t *target_ports;
static guint system_port = 860;
/* First pass: the last frame in which the iSCSI dissector was reached
 * through this plugin, and Wireshark's iSCSI protocol id.  A frame that
 * carries the iSCSI layer without having come through here bypassed the
 * analysis (the state.unanalysed safety net in dissect_iscsi_login). */
static guint32 seen_frame;
static int proto_iscsi = -1;

/* What the iSCSI dissector detected about digests on a connection (it checks
 * the CRC of the first PDU that is not a Login). */
enum { DIG_AUTO, DIG_NONE, DIG_CRC };
typedef struct {
    guint8 hd, dd;
} wrap_conv;

static char *endpoint(packet_info *pinfo, bool src)
{
    return wmem_strdup_printf(pinfo->pool, "%s:%u", address_to_str(pinfo->pool, src ? &pinfo->src : &pinfo->dst),
                              src ? pinfo->srcport : pinfo->destport);
}

static int64_t frame_ts_ns(const packet_info *pinfo)
{
    return (int64_t)pinfo->abs_ts.secs * 1000000000 + pinfo->abs_ts.nsecs;
}

static pending_frame *pending(packet_info *pinfo)
{
    pending_frame *pf = p_get_proto_data(pinfo->pool, pinfo, proto_iscsi_login, KEY_PENDING);
    if (!pf) {
        pf = wmem_new0(pinfo->pool, pending_frame);
        p_add_proto_data(pinfo->pool, pinfo, proto_iscsi_login, KEY_PENDING, pf);
    }
    return pf;
}

static bool known_opcode(guint8 op)
{
    switch (op) {
    case 0x00: case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06: case 0x10:
    case 0x1c: case 0x1d: case 0x1e:
    case 0x20: case 0x21: case 0x22: case 0x23: case 0x24: case 0x25: case 0x26: case 0x31: case 0x32:
    case 0x3c: case 0x3d: case 0x3e: case 0x3f:
        return true;
    default:
        return false;
    }
}

static bool is_target_port(guint32 port)
{
    return (target_ports ? value_is_in_range(target_ports, port) : port == 3260) || port == system_port;
}

/* The built-in's own test for "this is not a PDU header" (bogus PDU filter). */
static bool bogus_pdu(tvbuff_t *tvb, packet_info *pinfo, guint off, guint8 op, guint32 dsl, bool check_port)
{
    if (!known_opcode(op))
        return true;
    if (check_port && !(op & 0x20 ? is_target_port(pinfo->srcport) : is_target_port(pinfo->destport)))
        return true;
    if (!bogus_filter)
        return false;
    if (dsl > bogus_threshold)
        return true;
    if (good_f_bit && !(isl_tvb_get_u8(tvb, off + 1) & 0x80)) {
        switch (op) {
        case ISL_OP_NOP_OUT: case ISL_OP_NOP_IN: case ISL_OP_LOGOUT_REQ: case ISL_OP_LOGOUT_RSP: case ISL_OP_SCSI_RSP:
        case ISL_OP_TMF_RSP: case ISL_OP_R2T: case ISL_OP_ASYNC: case ISL_OP_SNACK: case ISL_OP_REJECT:
            return true;
        }
    }
    return op == ISL_OP_NOP_OUT && tvb_get_ntohl(tvb, off + 20) == 0;
}

static void feed_pdu(tvbuff_t *tvb, packet_info *pinfo, guint off, guint32 wire_len, struct tcp_analysis *tcpd)
{
    pending_frame *pf = pending(pinfo);
    gint rem = tvb_reported_length_remaining(tvb, off);
    guint32 dsl = tvb_get_ntohl(tvb, off + 4) & 0xffffff;
    guint32 own = 48 + 4u * isl_tvb_get_u8(tvb, off + 4) + ((dsl + 3) & ~3u);
    isl_pdu_in in;

    memset(&in, 0, sizeof in);
    in.frame = pinfo->num;
    in.index = pf->next_index++;
    in.ts_ns = frame_ts_ns(pinfo);
    in.conn_key = tcpd->stream;
    /* The iSCSI dissector takes the DataSegmentLength of a Logout as 0; the
     * analysis sizes the PDU from its header (and reports the difference). */
    in.reported = MIN(MAX(own, wire_len), rem > 0 ? (guint32)rem : own);
    in.avail = MIN((guint32)tvb_captured_length_remaining(tvb, off), in.reported);
    in.pdu = tvb_get_ptr(tvb, off, in.avail);
    in.src = endpoint(pinfo, true);
    in.dst = endpoint(pinfo, false);
    /* tcp.completeness bit 0: the connection's SYN is in the capture. */
    in.conn_start_seen = (tcpd->conversation_completeness & 1) != 0;
    isl_analyzer_feed(analyzer, &in);
}

/* wmem_map_foreach callback: put this wrapper in place of the iSCSI
 * dissector on every conversation of the hash chain that holds conv. */
static void claim_chain_in(gpointer name _U_, gpointer table, gpointer user_data)
{
    conversation_t *conv = (conversation_t *)user_data;
    conversation_t *c = (conversation_t *)wmem_map_lookup((wmem_map_t *)table, conv->key_ptr);

    for (; c; c = c->next)
        if (conversation_get_dissector(c, G_MAXUINT32) == iscsi_handle)
            conversation_set_dissector(c, wrap_handle);
}

/* The iSCSI dissector registers a new wildcard conversation for a portal at
 * every TargetAddress naming it (a SendTargets reply names a portal once per
 * target).  They share one hash chain, find_conversation() returns only its
 * newest member, and each new connection to the portal takes one of them for
 * itself: claiming only the one found let later connections bypass the
 * analysis.  So claim every member of the chain. */
static void claim_chain(conversation_t *conv)
{
    wmem_map_t *tables = get_conversation_hashtables();

    if (conv->key_ptr && tables)
        wmem_map_foreach(tables, claim_chain_in, conv);
}

/* A TargetAddress in a response makes the iSCSI dissector register itself for
 * connections to that portal; register this wrapper there instead. */
static void claim_portals(tvbuff_t *tvb, packet_info *pinfo, guint off, guint32 dlen)
{
    static address null_address = ADDRESS_INIT_NONE;
    guint end = off + dlen;

    while (off < end) {
        gint nul = isl_tvb_find_u8(tvb, off, end - off, 0);
        guint len = nul < 0 ? end - off : (guint)nul - off;
        if (len > 14 && tvb_strneql(tvb, off, "TargetAddress=", 14) == 0) {
            char *v = (char *)tvb_get_string_enc(pinfo->pool, tvb, off + 14, len - 14, ENC_ASCII);
            char *host = v, *colon, *close;
            address addr = ADDRESS_INIT_NONE;
            ws_in4_addr a4;
            ws_in6_addr *a6 = wmem_new(pinfo->pool, ws_in6_addr);
            guint16 port;
            conversation_t *conv;

            if (*v == '[' && (close = strchr(v, ']')) != NULL) {
                *close = '\0';
                host = v + 1;
                colon = strchr(close + 1, ':');
                if (colon && ws_inet_pton6(host, a6))
                    set_address(&addr, AT_IPv6, sizeof *a6, a6);
            } else if ((colon = strchr(v, ':')) != NULL) {
                *colon = '\0';
                if (ws_inet_pton4(host, &a4)) {
                    ws_in4_addr *p4 = wmem_new(pinfo->pool, ws_in4_addr);
                    *p4 = a4;
                    set_address(&addr, AT_IPv4, 4, p4);
                }
            }
            if (colon && addr.type != AT_NONE) {
                char *comma = strchr(colon + 1, ',');
                if (comma)
                    *comma = '\0';
                if (ws_strtou16(colon + 1, NULL, &port) &&
                    (conv = find_conversation(pinfo->num, &addr, &null_address, CONVERSATION_TCP, port, 0, NO_ADDR_B | NO_PORT_B)))
                    claim_chain(conv);
            }
        }
        off += len + 1;
    }
}

/* The iSCSI dissector makes itself the dissector of a connection when it
 * first sees it (whichever way it was called): put this wrapper there. */
static void claim_connection(packet_info *pinfo)
{
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    if (conv && conversation_get_dissector(conv, pinfo->num) == iscsi_handle)
        claim_chain(conv);
}

/* Walk the PDUs the iSCSI dissector just dissected in tvb[0, end). */
static void analyse_pdus(tvbuff_t *tvb, packet_info *pinfo, guint end, bool check_port)
{
    struct tcp_analysis *tcpd = NULL;
    wrap_conv *wc = NULL;
    guint off = 0;

    while (off + 48 <= end) {
        guint8 op = isl_tvb_get_u8(tvb, off) & 0x3f;
        guint32 dsl, len, hdr;
        bool login = op == ISL_OP_LOGIN_REQ || op == ISL_OP_LOGIN_RSP;

        dsl = op == ISL_OP_TMF_REQ || op == ISL_OP_TMF_RSP || op == ISL_OP_R2T || op == ISL_OP_LOGOUT_REQ ||
              op == ISL_OP_LOGOUT_RSP || op == ISL_OP_SNACK
                  ? 0 : tvb_get_ntohl(tvb, off + 4) & 0xffffff;
        if (bogus_pdu(tvb, pinfo, off, op, dsl, check_port))
            break;
        hdr = 48 + (op == ISL_OP_SCSI_CMD ? 4u * isl_tvb_get_u8(tvb, off + 4) : 0);
        len = hdr + ((dsl + 3) & ~3u);
        if (!login) {
            /* Digests: decided once per connection, as the iSCSI dissector
             * does (and at the offsets it uses). */
            if (!wc) {
                conversation_t *conv = find_or_create_conversation(pinfo);
                wc = conversation_get_proto_data(conv, proto_iscsi_login);
                if (!wc) {
                    wc = wmem_new0(wmem_file_scope(), wrap_conv);
                    conversation_add_proto_data(conv, proto_iscsi_login, wc);
                }
            }
            if (wc->hd == DIG_AUTO && tvb_captured_length(tvb) - off >= hdr + 4)
                wc->hd = ~crc32c_tvb_offset_calculate(tvb, off, hdr, CRC32C_PRELOAD) == tvb_get_ntohl(tvb, hdr) ? DIG_CRC : DIG_NONE;
            if (wc->hd == DIG_CRC) {
                len += 4;
                hdr += 4;
            }
            if (wc->dd == DIG_AUTO && tvb_captured_length(tvb) - off >= hdr + ((dsl + 3) & ~3u) + 4)
                wc->dd = ~crc32c_tvb_offset_calculate(tvb, hdr, (dsl + 3) & ~3u, CRC32C_PRELOAD) ==
                         tvb_get_ntohl(tvb, hdr + ((dsl + 3) & ~3u)) ? DIG_CRC : DIG_NONE;
            if (wc->dd == DIG_CRC && dsl)
                len += 4;
        }
        /* SCSI data traffic: a few header bytes read, nothing else. */
        if (isl_opcode_wanted(op)) {
            if (!tcpd && !(tcpd = get_tcp_conversation_data(NULL, pinfo)))
                return;
            gint data_cap = tvb_captured_length_remaining(tvb, off + hdr);
            feed_pdu(tvb, pinfo, off, len, tcpd);
            if ((op == ISL_OP_LOGIN_RSP || op == ISL_OP_TEXT_RSP) && dsl && data_cap > 0)
                claim_portals(tvb, pinfo, off + hdr, MIN(dsl, (guint32)data_cap));
        }
        if (len > end - off)
            break;
        off += len;
    }
}

/* Where the iSCSI dissector's PDUs end in tvb: before the PDU it asked TCP to
 * reassemble, or where it stopped (ret), or the end of the data. */
static guint dissected_end(tvbuff_t *tvb, packet_info *pinfo, int ret)
{
    guint cap = tvb_captured_length(tvb);
    if (pinfo->desegment_len)
        return MIN(pinfo->desegment_offset, cap);
    return ret > 0 ? MIN((guint)ret, cap) : cap;
}

/* After each call of the iSCSI dissector, on the first pass.  ret is its
 * return value (0: the heuristic's "yes", which tells no length). */
static void after_builtin(tvbuff_t *tvb, packet_info *pinfo, int ret, bool check_port)
{
    if (PINFO_FD_VISITED(pinfo))
        return;
    seen_frame = pinfo->num;
    claim_connection(pinfo);
    if (analysis_on)
        analyse_pdus(tvb, pinfo, dissected_end(tvb, pinfo, ret), check_port);
}

/* Conversation (and Decode As) path: TCP calls this handle. */
static int dissect_iscsi_wrapped(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint16 can = pinfo->can_desegment;
    volatile int ret = 0;

    /* This handle is one call deeper than the iSCSI dissector expects: give it
     * the reassembly right TCP gave us. */
    pinfo->can_desegment = pinfo->saved_can_desegment;
    TRY {
        ret = call_dissector_only(iscsi_handle, tvb, pinfo, tree, data);
    }
    CATCH_ALL {
        /* A PDU cut short (snap length) or malformed: the iSCSI dissector
         * throws half-way through it, but has taken it as iSCSI. */
        pinfo->can_desegment = can;
        after_builtin(tvb, pinfo, 0, false);
        RETHROW;
    }
    ENDTRY;
    pinfo->can_desegment = can;
    if (ret != 0)
        after_builtin(tvb, pinfo, ret, false);
    return ret;
}

/* Heuristic path: the first iSCSI frame of a connection.  Runs in place of
 * the iSCSI dissector's own heuristic (same entry, same enable switch). */
static isl_heur_ret dissect_iscsi_heur_wrapped(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    volatile isl_heur_ret ok = FALSE;

    TRY {
        ok = builtin_heur(tvb, pinfo, tree, data);
    }
    CATCH_ALL {
        /* Its sanity checks read only the first 48 bytes, which it has:
         * an exception comes from dissecting a PDU it accepted. */
        after_builtin(tvb, pinfo, 0, true);
        RETHROW;
    }
    ENDTRY;
    if (ok)
        after_builtin(tvb, pinfo, 0, true);
    return ok;
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

/* Keys, values and names come from the wire as bytes; tree strings must be
 * UTF-8 (JSON/PDML output, Qt): invalid sequences become U+FFFD.  Such text is
 * also cut (at a character) to cap bytes: Wireshark 4.0 cuts labels at 240
 * bytes wherever that falls, and three bytes per U+FFFD would put the cut
 * inside a character. */
static const char *u8cap(wmem_allocator_t *pool, const char *s, gsize cap)
{
    gchar *v;
    char *r;

    if (!s || g_utf8_validate(s, -1, NULL))
        return s;
    v = g_utf8_make_valid(s, -1);
    if (strlen(v) > cap) {
        char *cut = g_utf8_find_prev_char(v, v + cap - 3 + 1);
        strcpy(cut ? cut : v, "\xe2\x80\xa6");   /* U+2026 */
    }
    r = wmem_strdup(pool, v);
    g_free(v);
    return r;
}

static const char *u8(wmem_allocator_t *pool, const char *s)
{
    return u8cap(pool, s, 90);
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
            const char *key = u8(pool, kv->key), *val = u8(pool, kv->value ? kv->value : "");
            gen(proto_tree_add_string_format_value(st, side == ISL_SIDE_I ? hf_key_initiator : hf_key_target, tvb, 0, 0,
                    wmem_strdup_printf(pool, "%s=%s", key, val),
                    "%s=%s (frame %u, %s)", key, val, kv->frame, isl_stage_name(kv->stage)));
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
        isl_val_state st;
        bool dflt;
        const char *v;
        proto_item *it = NULL;
        wmem_strbuf_t *how;

        if (hf_params[i] < 0 || (d->flags & ISL_KF_DIRECTIONAL))
            continue;
        v = isl_nego_value(l->nego, d, &st);
        k = isl_nego_find(l->nego, d->name);
        /* An irrelevant key gets a text line, not its typed field: no value
         * (and never the default) under iscsi_login.param.<key>. */
        if (ISL_VAL_IRRELEVANT(st))
            v = isl_val_state_reason(st);
        else if (!v)
            continue;
        dflt = st == ISL_VAL_DEFAULT;
        v = u8(pool, v);
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
                                          u8(pool, k->value[s]), k->frame[s]);
            }
            if (!dflt)
                wmem_strbuf_append(how, ")");
            else
                wmem_strbuf_append(how, "");
        }
        if (ISL_VAL_IRRELEVANT(st)) {
            gen(proto_tree_add_string_format(pt, hf_param_irrelevant, tvb, 0, 0, d->name, "%s: %s%s", d->name, v,
                                             wmem_strbuf_get_str(how)));
            continue;
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
        gen(proto_tree_add_string(lt, hf_login_redirect, tvb, 0, 0, u8(pool, l->redirect)));
    if (isl_nego_auth_summary(l->nego))
        gen(proto_tree_add_string(lt, hf_login_auth, tvb, 0, 0, u8(pool, isl_nego_auth_summary(l->nego))));
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
                const isl_key_def *d = isl_key_lookup(k->name);
                const char *one = k->value[ISL_SIDE_I] ? k->value[ISL_SIDE_I] : k->value[ISL_SIDE_T];
                /* An offer answered Reject, Irrelevant or NotUnderstood (or not
                 * at all) settles nothing: never show the offer as the result. */
                if (k->result)
                    wmem_strbuf_append_printf(b, "%s=%s", k->name, k->result);
                else if (d && d->kind == ISL_KIND_DECL && one)
                    wmem_strbuf_append_printf(b, "%s=%s", k->name, one);
                else if (!d)
                    wmem_strbuf_append_printf(b, "%s: a key the analysis does not know, not judged", k->name);
                else
                    wmem_strbuf_append_printf(b, "%s not settled", k->name);
                for (int sd = 0; sd < 2; sd++)
                    if (k->value[sd])
                        wmem_strbuf_append_printf(b, "%s%s sent %s in frame %u", sd == 0 || !k->value[0] ? " (" : "; ",
                                                  isl_side_name((isl_side)sd), k->value[sd], k->frame[sd]);
                wmem_strbuf_append(b, ")");
                gen(proto_tree_add_string(nt, hf_text_param, tvb, 0, 0, u8cap(pinfo->pool, wmem_strbuf_get_str(b), 200)));
            }
        }
        return;
    }
    dt = proto_tree_add_subtree_format(t, tvb, 0, 0, ett_disc, &di, "SendTargets=%s: %u targets", u8(pinfo->pool, x->st_value), x->targets->len);
    gen(di);
    gen(proto_tree_add_uint(dt, hf_disc_count, tvb, 0, 0, x->targets->len));
    for (guint i = 0; i < x->targets->len; i++) {
        const isl_target_rec *rec = g_ptr_array_index(x->targets, i);
        proto_item *ti = gen(proto_tree_add_string(dt, hf_disc_target, tvb, 0, 0, u8(pinfo->pool, rec->name)));
        proto_tree *tt = proto_item_add_subtree(ti, ett_disc_target);
        for (guint j = 0; j < rec->addresses->len; j++)
            gen(proto_tree_add_string(tt, hf_disc_address, tvb, 0, 0, u8(pinfo->pool, g_ptr_array_index(rec->addresses, j))));
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
            gen(proto_tree_add_string(t, hf_initiator_name, tvb, 0, 0, u8(pinfo->pool, r->initiator_name)));
        if (r->target_name)
            gen(proto_tree_add_string(t, hf_target_name, tvb, 0, 0, u8(pinfo->pool, r->target_name)));
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
        proto_tree_add_expert_format(t, pinfo, &ei_checks[f->check], tvb, 0, 0, "%s", u8cap(pinfo->pool, f->msg, 200));
    for (unsigned i = 0; i < r->n_xrecs; i++)
        tap_queue_packet(tap_iscsi_login, pinfo, &r->xrecs[i]);
    iscsi_login_flow_queue(pinfo, r);
    /* Once the whole capture has been read (two-pass, GUI), a login still
     * without its final response ends on its last PDU. */
    if (PINFO_FD_VISITED(pinfo) && isl_login_unfinished_at(r->login, r)) {
        isl_xrec *x = wmem_new(pinfo->pool, isl_xrec);
        *x = isl_login_unfinished_xrec(r->login);
        proto_tree_add_expert_format(t, pinfo, &ei_checks[ISL_CHK_LOGIN_UNFINISHED], tvb, 0, 0,
                                     "Login not finished when the capture ends (no final Login Response); last PDU in frame %u",
                                     r->frame);
        tap_queue_packet(tap_iscsi_login, pinfo, x);
    } else if (!PINFO_FD_VISITED(pinfo) && isl_login_first_at(r->login, r) && r->login->leading) {
        /* One pass: whether the login finishes is not known yet.  The
         * sessions table lists the session now ("Not finished" until its
         * login's final response says otherwise), so that a login the
         * capture cuts off still has its row. */
        isl_xrec *x = wmem_new(pinfo->pool, isl_xrec);
        *x = isl_login_unfinished_xrec(r->login);
        x->provisional = true;
        tap_queue_packet(tap_iscsi_login, pinfo, x);
    }
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
    isl_pdu *r = NULL;

    if (len < 48)
        return FALSE;
    b0 = isl_tvb_get_u8(tvb, 0);
    b1 = isl_tvb_get_u8(tvb, 1);
    op = b0 & 0x3f;
    dsl = tvb_get_ntohl(tvb, 4) & 0xffffff;
    if ((b0 & 0x80) || isl_tvb_get_u8(tvb, 4) || tvb_get_ntohl(tvb, 40) || tvb_get_ntohl(tvb, 44))
        return FALSE;
    /* The iSCSI dissector's own port preferences (target_ports, system port). */
    if (!is_target_port(op & 0x20 ? pinfo->srcport : pinfo->destport))
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
        seen_frame = pinfo->num;
        memset(&in, 0, sizeof in);
        in.frame = pinfo->num;
        in.index = pending(pinfo)->next_index++;
        in.ts_ns = frame_ts_ns(pinfo);
        in.conn_key = tcpd->stream;
        in.reported = MIN(pdu_len, tvb_reported_length(tvb));
        in.avail = MIN(in.reported, len);
        in.pdu = tvb_get_ptr(tvb, 0, in.avail);
        in.src = endpoint(pinfo, true);
        in.dst = endpoint(pinfo, false);
        in.conn_start_seen = (tcpd->conversation_completeness & 1) != 0;
        in.aside = true;
        r = isl_analyzer_feed(analyzer, &in);
        if (r)
            p_add_proto_data(wmem_file_scope(), pinfo, proto_iscsi_login, KEY_HEUR, r);
    }
    r = p_get_proto_data(wmem_file_scope(), pinfo, proto_iscsi_login, KEY_HEUR);
    if (r) {
        render_pdu(tvb, pinfo, tree, r);
        p_add_proto_data(pinfo->pool, pinfo, proto_iscsi_login, KEY_ASIDE_SHOWN, r);
    }
    if (pdu_len < tvb_reported_length(tvb) && wrap_handle && iscsi_handle)
        call_dissector(wrap_handle, tvb_new_subset_remaining(tvb, pdu_len), pinfo, tree);
    return TRUE;
}

static bool has_layer(packet_info *pinfo, int proto)
{
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f))
        if (GPOINTER_TO_INT(wmem_list_frame_data(f)) == proto)
            return true;
    return false;
}

/* First pass: Wireshark's iSCSI dissector decoded this frame without this
 * plugin seeing it (a path to it the plugin did not stand in front of).
 * Say so on the frame, and stand in front of its connection from now on. */
static void check_bypass(packet_info *pinfo)
{
    struct tcp_analysis *tcpd;

    if (seen_frame == pinfo->num || proto_iscsi < 0 || !has_layer(pinfo, proto_iscsi))
        return;
    claim_connection(pinfo);
    tcpd = get_tcp_conversation_data(NULL, pinfo);
    isl_analyzer_unanalysed(analyzer, pinfo->num, frame_ts_ns(pinfo),
                            tcpd ? tcpd->stream : 0);
}

/* Runs for every frame of the capture: a binary search over the analysed
 * PDUs when there is nothing to show. */
static int dissect_iscsi_login(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    isl_pdu *const *v;
    unsigned n;

    if (analysis_on && !PINFO_FD_VISITED(pinfo))
        check_bypass(pinfo);
    n = analyzer ? isl_analyzer_frame_pdus(analyzer, pinfo->num, &v) : 0;
    if (n == 0 && tree && analyzer && isl_analyzer_cap_frame(analyzer) &&
        pinfo->num > isl_analyzer_cap_frame(analyzer) && proto_iscsi >= 0 && has_layer(pinfo, proto_iscsi)) {
        /* Past the PDU cap nothing is stored: say so wherever a tree is built. */
        proto_item *ti = gen(proto_tree_add_item(tree, proto_iscsi_login, tvb, 0, 0, ENC_NA));
        proto_tree_add_expert_format(proto_item_add_subtree(ti, ett_iscsi_login), pinfo,
                                     &ei_checks[ISL_CHK_STATE_UNANALYSED], tvb, 0, 0,
                                     "Frame %u: iSCSI PDUs not analysed: the analysis keeps at most %u PDUs, reached in frame %u",
                                     pinfo->num, isl_analyzer_max_pdus(analyzer), isl_analyzer_cap_frame(analyzer));
    }

    /* A PDU our heuristic analysed is shown where the heuristic runs; on a
     * later pass another dissector may take the frame first (e.g. one that
     * claimed the connection after the first pass saw this frame): show it
     * here then, so that every pass shows the same analysis. */
    for (unsigned i = 0; i < n; i++)
        if (!v[i]->aside || p_get_proto_data(pinfo->pool, pinfo, proto_iscsi_login, KEY_ASIDE_SHOWN) != v[i])
            render_pdu(tvb, pinfo, tree, v[i]);
    return 0;
}

/* ---- registration -------------------------------------------------------- */

/* Decode As / the iscsi.tcp.port preference put the iSCSI dissector straight
 * into "tcp.port": stand in front of it there too. */
static void collect_iscsi_ports(const gchar *table _U_, ftenum_t type _U_, gpointer key, gpointer value, gpointer user_data)
{
    guint port = GPOINTER_TO_UINT(key);
    if (dtbl_entry_get_handle((dtbl_entry_t *)value) == iscsi_handle)
        g_array_append_val((GArray *)user_data, port);
}

static void iscsi_login_init(void)
{
    analyzer = isl_analyzer_new(NULL);
    seen_frame = 0;
    proto_iscsi = proto_get_id_by_filter_name("iscsi");
    analysis_on = proto_is_protocol_enabled(find_protocol_by_id(proto_iscsi_login)) && builtin_heur && iscsi_handle;
    if (!analysis_on)
        return;
    bogus_filter = isl_pref_bool("iscsi", "bogus_pdu_filter", true);
    good_f_bit = isl_pref_bool("iscsi", "demand_good_f_bit", false);
    bogus_threshold = isl_pref_uint("iscsi", "bogus_pdu_max_data_len", 256 * 1024);
    target_ports = prefs_get_range_value("iscsi", "target_ports");
    system_port = isl_pref_uint("iscsi", "target_system_port", 860);
    {
        GArray *ports = g_array_new(FALSE, FALSE, sizeof(guint));
        dissector_table_foreach("tcp.port", collect_iscsi_ports, ports);
        for (guint i = 0; i < ports->len; i++)
            dissector_change_uint("tcp.port", g_array_index(ports, guint, i), wrap_handle);
        g_array_free(ports, TRUE);
    }
}

static void iscsi_login_cleanup(void)
{
    isl_analyzer_free(analyzer);
    analyzer = NULL;
}

/* Registration arrays built at run time: Wireshark keeps pointers into them
 * until exit, so they live for the process (and are reachable from here). */
static hf_register_info *param_hf;
static ei_register_info *check_ei;

static void register_params(void)
{
    unsigned n = isl_key_count();
    hf_register_info *hf = param_hf = g_new0(hf_register_info, n);
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
    static const int groups[] = { PI_PROTOCOL, PI_MALFORMED, PI_RESPONSE_CODE, PI_SEQUENCE, PI_SECURITY, PI_REASSEMBLE, PI_CHECKSUM, PI_UNDECODED };
    static const int sevs[] = { PI_CHAT, PI_NOTE, PI_WARN, PI_ERROR };
    ei_register_info *ei = check_ei = g_new0(ei_register_info, ISL_CHK_COUNT);
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
        /* The clause the check enforces, then a typical message: shown by
         * `tshark -G fields` and the GUI's field help for the expert. */
        ei[i].eiinfo.hf_info.hfinfo.blurb = g_strdup_printf("%s. Example: %s", c->clause, c->example);
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
        { &hf_param_irrelevant, { "Irrelevant parameter", "iscsi_login.param.irrelevant", FT_STRING, BASE_NONE, NULL, 0, "A key that does not apply to this login (answered Irrelevant, a Discovery session, or FirstBurstLength with InitialR2T=Yes and ImmediateData=No): its name; its iscsi_login.param field is absent", HFILL } },
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
    static gint *ett[] = { &ett_iscsi_login, &ett_login, &ett_keys, &ett_keys_side, &ett_params,
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
    iscsi_login_register_flow(proto_iscsi_login);
}

void proto_reg_handoff_iscsi_login(void)
{
    heur_dtbl_entry_t *heur = find_heur_dissector_by_unique_short_name("iscsi_tcp");

    iscsi_handle = find_dissector("iscsi");
    /* Wireshark's iSCSI dissector finds iSCSI connections by its TCP
     * heuristic, then registers itself for the connection.  Take the
     * heuristic's place (keeping its entry, name and enable switch) so that
     * every connection it claims is handed to wrap_handle. */
    wrap_handle = create_dissector_handle(dissect_iscsi_wrapped, -1);
    if (heur && iscsi_handle && heur->dissector != dissect_iscsi_heur_wrapped) {
        builtin_heur = heur->dissector;
        heur->dissector = dissect_iscsi_heur_wrapped;
    }
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
