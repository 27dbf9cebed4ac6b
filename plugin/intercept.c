/* SPDX-License-Identifier: GPL-2.0-or-later
 * Standing in front of Wireshark's iSCSI dissector.
 *
 * The analysis needs the bytes of each iSCSI PDU.  A post-dissector could ask
 * for the "iscsi" protocol items, but asking for fields makes tshark build a
 * protocol tree for every frame of the capture (+35 % on SCSI data captures,
 * bench/RESULTS.md).  Instead the plugin stands between TCP and Wireshark's
 * iSCSI dissector on every path TCP reaches it by (its heuristic, the
 * conversations it claims, tcp.port entries): it calls that dissector
 * unchanged, then walks the PDUs it dissected (framing.c).  A frame that
 * reached it some other way is caught afterwards (isl_check_bypass). */
#include "iscsi-login-int.h"
#include <epan/proto_data.h>
#include <epan/conversation.h>
#include <epan/exceptions.h>
#include <epan/dissectors/packet-tcp.h>
#include <wsutil/inet_addr.h>
#include <wsutil/strtoi.h>

/* wmem_map_foreach callback: put the wrapper in place of the iSCSI
 * dissector on every conversation of the hash chain that holds conv. */
static void claim_chain_in(gpointer name _U_, gpointer table, gpointer user_data)
{
    conversation_t *conv = (conversation_t *)user_data;
    conversation_t *c = (conversation_t *)wmem_map_lookup((wmem_map_t *)table, conv->key_ptr);

    for (; c; c = c->next)
        if (conversation_get_dissector(c, G_MAXUINT32) == isl_plugin.iscsi_handle)
            conversation_set_dissector(c, isl_plugin.wrap_handle);
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

/* The portal of one TargetAddress value (host:port[,tag], host possibly an
 * [IPv6] literal): claim the conversations the iSCSI dissector added for it.
 * v is modified. */
static void claim_portal(packet_info *pinfo, char *v)
{
    static address null_address = ADDRESS_INIT_NONE;
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

static bool has_target_address(const guint8 *p, guint32 n)
{
    const guint8 *end = p + n;

    for (; (p = memchr(p, 'T', (size_t)(end - p))) != NULL && end - p >= 14; p++)
        if (memcmp(p, "TargetAddress=", 14) == 0)
            return true;
    return false;
}

/* A TargetAddress in a response makes the iSCSI dissector register itself for
 * connections to that portal; register the wrapper there instead. */
void isl_claim_portals(tvbuff_t *tvb, packet_info *pinfo, guint off, guint32 dlen)
{
    guint end = off + dlen;
    const guint8 *data = tvb_get_ptr(tvb, off, dlen);

    /* Most responses (every successful login) name no portal: one scan of
     * the bytes instead of a walk over their items. */
    if (!data || !has_target_address(data, dlen))
        return;
    while (off < end) {
        gint nul = isl_tvb_find_u8(tvb, off, end - off, 0);
        guint len = nul < 0 ? end - off : (guint)nul - off;
        if (len > 14 && tvb_strneql(tvb, off, "TargetAddress=", 14) == 0)
            claim_portal(pinfo, (char *)tvb_get_string_enc(pinfo->pool, tvb, off + 14, len - 14, ENC_ASCII));
        off += len + 1;
    }
}

/* The iSCSI dissector makes itself the dissector of a connection when it
 * first sees it (whichever way it was called): put the wrapper there. */
static void claim_connection(conversation_t *conv, packet_info *pinfo)
{
    if (conv && conversation_get_dissector(conv, pinfo->num) == isl_plugin.iscsi_handle)
        claim_chain(conv);
}

/* Decode As / the iscsi.tcp.port preference put the iSCSI dissector straight
 * into "tcp.port": stand in front of it there too. */
static void collect_iscsi_ports(const gchar *table _U_, ftenum_t type _U_, gpointer key, gpointer value, gpointer user_data)
{
    guint port = GPOINTER_TO_UINT(key);
    if (dtbl_entry_get_handle((dtbl_entry_t *)value) == isl_plugin.iscsi_handle)
        g_array_append_val((GArray *)user_data, port);
}

void isl_claim_iscsi_ports(void)
{
    GArray *ports = g_array_new(FALSE, FALSE, sizeof(guint));

    dissector_table_foreach("tcp.port", collect_iscsi_ports, ports);
    for (guint i = 0; i < ports->len; i++)
        dissector_change_uint("tcp.port", g_array_index(ports, guint, i), isl_plugin.wrap_handle);
    g_array_free(ports, TRUE);
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
    conversation_t *conv;

    if (PINFO_FD_VISITED(pinfo))
        return;
    isl_plugin.seen_frame = pinfo->num;
    /* One conversation lookup for the claim and the analysis: it costs more
     * than the rest of the walk over a frame of login PDUs. */
    conv = find_conversation_pinfo(pinfo, 0);
    claim_connection(conv, pinfo);
    if (isl_plugin.analysis_on)
        isl_analyse_pdus(tvb, pinfo, conv, dissected_end(tvb, pinfo, ret), check_port);
}

/* Conversation (and Decode As) path: TCP calls this handle. */
int isl_dissect_iscsi_wrapped(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint16 can = pinfo->can_desegment;
    volatile int ret = 0;

    /* This handle is one call deeper than the iSCSI dissector expects: give it
     * the reassembly right TCP gave us. */
    pinfo->can_desegment = pinfo->saved_can_desegment;
    TRY {
        ret = call_dissector_only(isl_plugin.iscsi_handle, tvb, pinfo, tree, data);
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
isl_heur_ret isl_dissect_iscsi_heur_wrapped(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    volatile isl_heur_ret ok = FALSE;

    TRY {
        ok = isl_plugin.builtin_heur(tvb, pinfo, tree, data);
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

/* ---- PDUs the iSCSI dissector refuses ------------------------------------ */

/* RFC 7143 §11.10.4: the reserved Target Transfer Tag (no continuation). */
#define TTT_RESERVED 0xffffffffu
/* Larger than any Login or Text data segment a real stack sends: a header
 * claiming more is taken for data, not a PDU. */
#define REFUSED_MAX_DSL 65536u

/* Bytes [from, to) of the BHS, all reserved (0) in the PDU at hand. */
static bool reserved_zero(const guint8 *raw, unsigned from, unsigned to)
{
    for (unsigned i = from; i < to; i++)
        if (raw[i])
            return false;
    return true;
}

/* The header tests of dissect_text_continuation_heur: the Info column text
 * for a PDU it takes, NULL for any other bytes. */
static const char *refused_pdu(const guint8 *raw, const isl_bhs *b, packet_info *pinfo)
{
    /* Byte 0's top bit, the AHS length and bytes 40-47 are 0 in these PDUs. */
    if ((raw[0] & 0x80) || b->ahs_words || !reserved_zero(raw, 40, ISL_BHS_LEN))
        return NULL;
    /* The iSCSI dissector's own port preferences (target_ports, system port). */
    if (!isl_is_target_port(isl_op_from_target(b->opcode) ? pinfo->srcport : pinfo->destport))
        return NULL;
    switch (b->opcode) {
    case ISL_OP_TEXT_REQ:
    case ISL_OP_TEXT_RSP:
        /* Long replies: F=0, C=0 with a Target Transfer Tag. */
        if (b->flags != 0 || b->w20 == TTT_RESERVED || b->b2 || b->b3)
            return NULL;
        return b->opcode == ISL_OP_TEXT_RSP ? "Text Response (continues, F=0 C=0)" : "Text Command (continues, F=0 C=0)";
    case ISL_OP_LOGIN_REQ:
        /* Broken but real: I=0, or C and T both set.  Wireshark drops both. */
        if ((b->immediate && !(b->final && b->cont)) || !reserved_zero(raw, 32, 40) || b->dsl > REFUSED_MAX_DSL)
            return NULL;
        return "Login Command (refused by the iSCSI dissector)";
    case ISL_OP_LOGIN_RSP:
        if (!(b->final && b->cont) || b->w20 || b->dsl > REFUSED_MAX_DSL)
            return NULL;
        return "Login Response (refused by the iSCSI dissector)";
    default:
        return NULL;
    }
}

/* First pass: feed the PDU at the start of tvb to the analysis, aside from
 * the iSCSI dissector's PDUs; remember it for the later passes. */
static void analyse_refused(tvbuff_t *tvb, packet_info *pinfo, guint32 pdu_len)
{
    struct tcp_analysis *tcpd;
    isl_pdu *r;

    if (!isl_plugin.analyzer || !(tcpd = get_tcp_conversation_data(NULL, pinfo)))
        return;
    isl_plugin.seen_frame = pinfo->num;
    r = isl_feed_pdu(tvb, pinfo, 0, MIN(pdu_len, tvb_reported_length(tvb)), true, tcpd);
    if (r)
        p_add_proto_data(wmem_file_scope(), pinfo, isl_plugin.proto, ISL_KEY_HEUR, r);
}

/* Wireshark's iSCSI dissector only accepts a Text PDU at the start of a TCP
 * segment when exactly one of F and C is set, so RFC-legal long-reply parts
 * (F=0, C=0, TTT set: tgt's long SendTargets) never reach a post-dissector.
 * Claim them here, analyse them ourselves, and hand the rest of the segment
 * back to the iSCSI dissector. */
isl_heur_ret isl_dissect_text_continuation_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    guint8 raw[ISL_BHS_LEN];
    isl_bhs b;
    guint32 pdu_len;
    const char *what;
    isl_pdu *r;

    if (tvb_captured_length(tvb) < ISL_BHS_LEN)
        return FALSE;
    tvb_memcpy(tvb, raw, 0, ISL_BHS_LEN);
    isl_bhs_parse(&b, raw);
    if (!(what = refused_pdu(raw, &b, pinfo)))
        return FALSE;
    pdu_len = isl_bhs_pdu_len(&b);
    if (pdu_len > tvb_reported_length(tvb) && pinfo->can_desegment) {
        pinfo->desegment_offset = 0;
        pinfo->desegment_len = pdu_len - tvb_reported_length(tvb);
        return TRUE;
    }
    col_set_str(pinfo->cinfo, COL_PROTOCOL, "iSCSI");
    col_set_str(pinfo->cinfo, COL_INFO, what);
    if (!PINFO_FD_VISITED(pinfo))
        analyse_refused(tvb, pinfo, pdu_len);
    r = p_get_proto_data(wmem_file_scope(), pinfo, isl_plugin.proto, ISL_KEY_HEUR);
    if (r) {
        isl_render_pdu(tvb, pinfo, tree, r);
        p_add_proto_data(pinfo->pool, pinfo, isl_plugin.proto, ISL_KEY_ASIDE_SHOWN, r);
    }
    if (pdu_len < tvb_reported_length(tvb) && isl_plugin.wrap_handle && isl_plugin.iscsi_handle)
        call_dissector(isl_plugin.wrap_handle, tvb_new_subset_remaining(tvb, pdu_len), pinfo, tree);
    return TRUE;
}

/* ---- the safety net ------------------------------------------------------ */

bool isl_has_layer(packet_info *pinfo, int proto)
{
    for (wmem_list_frame_t *f = wmem_list_head(pinfo->layers); f; f = wmem_list_frame_next(f))
        if (GPOINTER_TO_INT(wmem_list_frame_data(f)) == proto)
            return true;
    return false;
}

/* First pass: Wireshark's iSCSI dissector decoded this frame without this
 * plugin seeing it (a path to it the plugin did not stand in front of).
 * Say so on the frame, and stand in front of its connection from now on. */
void isl_check_bypass(packet_info *pinfo)
{
    struct tcp_analysis *tcpd;

    if (isl_plugin.seen_frame == pinfo->num || isl_plugin.proto_iscsi < 0 || !isl_has_layer(pinfo, isl_plugin.proto_iscsi))
        return;
    claim_connection(find_conversation_pinfo(pinfo, 0), pinfo);
    tcpd = get_tcp_conversation_data(NULL, pinfo);
    isl_analyzer_unanalysed(isl_plugin.analyzer, pinfo->num, isl_frame_ts_ns(pinfo), tcpd ? tcpd->stream : 0);
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
