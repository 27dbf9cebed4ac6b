/* SPDX-License-Identifier: GPL-2.0-or-later
 * The login ladder as a flow graph: a sequence analysis named iscsi_login
 * (Statistics > Flow Graph > iSCSI Login Flows; tshark -z
 * flow,iscsi_login,network|standard).  One arrow per Login, Text and Logout
 * PDU, labelled by core/ladder.c.  Fed by its own tap, one item per PDU: the
 * iscsi_login tap carries finished exchanges, not PDUs. */
#define ISL_WANT_SEQ_ANALYSIS
#include "compat.h"
#include <epan/packet.h>
#include <epan/tap.h>

#include "iscsi-login.h"
#include "core/ladder.h"

static int tap_flow = -1;

static tap_packet_status flow_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_,
                                     const void *data, tap_flags_t flags _U_)
{
    seq_analysis_info_t *sainfo = (seq_analysis_info_t *)tapdata;
    const isl_pdu *r = (const isl_pdu *)data;
    seq_analysis_item_t *sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);

    if (!sai)
        return TAP_PACKET_DONT_REDRAW;
    sai->frame_number = pinfo->num;
    sai->port_src = pinfo->srcport;
    sai->port_dst = pinfo->destport;
    sai->frame_label = isl_ladder_label(r);
    sai->comment = isl_ladder_comment(r, sai->frame_label);
    /* One conversation per session: the text graph draws a line between
     * sessions and the GUI colours each one. */
    sai->conv_num = (guint16)r->session_number;
#if ISL_SEQ_HAS_LINE_STYLE
    sai->line_style = 1;
#endif
    sai->display = TRUE;
    g_queue_push_tail(sainfo->items, sai);
    return TAP_PACKET_REDRAW;
}

void iscsi_login_flow_queue(packet_info *pinfo, const isl_pdu *r)
{
    /* Nothing on the data path unless a flow graph listens. */
    if (have_tap_listener(tap_flow) && isl_ladder_wanted(r))
        tap_queue_packet(tap_flow, pinfo, r);
}

void iscsi_login_register_flow(int proto)
{
    tap_flow = register_tap("iscsi_login_flow");
    register_seq_analysis("iscsi_login", "iSCSI Login Flows", proto, "iscsi_login_flow", TL_REQUIRES_NOTHING,
                          flow_packet);
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
