/* SPDX-License-Identifier: GPL-2.0-or-later
 * What the epan glue files share: the plugin-wide state (one struct,
 * registered and initialised by packet-iscsi-login.c) and the entry points
 * of intercept.c, framing.c and render.c.  Not for stats.c or the core. */
#ifndef ISCSI_LOGIN_INT_H
#define ISCSI_LOGIN_INT_H

#include "compat.h"
#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/range.h>

#include "iscsi-login.h"
#include "core/bhs.h"

struct tcp_analysis;

/* The iSCSI dissector's defaults for its port preferences (IANA's iscsi-target
 * and iscsi-system ports), used only when those preferences cannot be found. */
#define ISL_ISCSI_TARGET_PORT_DEFAULT 3260
#define ISL_ISCSI_SYSTEM_PORT_DEFAULT 860
/* Its default bogus_pdu_max_data_len. */
#define ISL_ISCSI_BOGUS_DSL_DEFAULT (256 * 1024)

/* Proto data keys of proto_iscsi_login: the PDU our own heuristic showed
 * (file scope), the PDU counter of the frame and the PDU our heuristic
 * rendered in this dissection (packet scope).  The other PDUs of a frame are
 * found in the analyzer by frame number. */
enum { ISL_KEY_HEUR = 1, ISL_KEY_ASIDE_SHOWN = 3 };

/* RFC 7143 §11.1.1: opcodes 0x20-0x3f are sent by the target. */
static inline bool isl_op_from_target(uint8_t op) { return (op & 0x20) != 0; }

typedef isl_heur_ret (*isl_heur_fn)(tvbuff_t *, packet_info *, proto_tree *, void *);

/* The iSCSI dissector's preferences that decide what it takes as a PDU,
 * read at every init. */
typedef struct {
    bool bogus_filter, good_f_bit;
    guint bogus_threshold;
    range_t *target_ports;
    guint system_port;
} isl_iscsi_prefs;

/* Field ids Wireshark assigns at registration. */
typedef struct {
    int session, initiator_name, target_name, session_type, isid, tsih, cid;
    int request_in, response_in, response_time, retransmission_of, continued_from;
    int login_first, login_time, login_stages, login_outcome, login_status, login_status_class,
        login_status_detail, login_redirect, login_auth;
    int login_attempt, login_retry_interval, login_redirected_from, login_redirected_to, login_summary;
    int key_initiator, key_target;
    int param_mrdsl_i, param_mrdsl_t, param_irrelevant;
    int login, keys, keys_initiator, keys_target, params_hdr, text, disc, logout;   /* subtree headers */
    int disc_count, disc_target, disc_address, disc_tpgt;
    int text_param, finding;
    int logout_reason, logout_response, logout_t2w, logout_t2r, logout_duration;
    int *params;                    /* per key table row, -1 when not a parameter */
} isl_hf_ids;

/* Subtree ids. */
typedef struct {
    gint top, login, keys, keys_side, params, disc, disc_target, disc_address, logout;
} isl_ett_ids;

/* The plugin's own preferences (module iscsi_login); the analyzer takes
 * them at init, so a change applies after the redissection it causes. */
typedef struct {
    guint slow_login_ms;
    guint flap_logins, flap_interval;
    isl_pref_bool_var note_legacy_keys;
} isl_prefs;

typedef struct {
    int proto;                      /* iscsi_login */
    int tap;
    dissector_handle_t handle;      /* the post-dissector */
    /* Wireshark's iSCSI dissector, and what stands in front of it. */
    dissector_handle_t iscsi_handle;
    dissector_handle_t wrap_handle; /* no protocol of its own: adds no layer */
    isl_heur_fn builtin_heur;
    int proto_iscsi;                /* -1 when there is no iSCSI dissector */
    int proto_tcp;
    int expert_tap;                 /* Wireshark's "expert" tap (0: none) */
    isl_iscsi_prefs iscsi;
    isl_prefs prefs;
    /* Per capture file (init/cleanup). */
    isl_analyzer *analyzer;
    bool analysis_on;
    /* First pass: the last frame in which the iSCSI dissector was reached
     * through this plugin.  A frame that carries the iSCSI layer without
     * having come through here bypassed the analysis (isl_check_bypass). */
    guint32 seen_frame;
    guint32 index_frame, next_index;   /* first pass: PDUs analysed in frame index_frame so far */
    isl_hf_ids hf;
    isl_ett_ids ett;
    expert_field ei[ISL_CHK_COUNT];
    /* Registration arrays built at run time: Wireshark keeps pointers into
     * them until exit, so they live for the process (reachable from here). */
    hf_register_info *param_hf;
    ei_register_info *check_ei;
} isl_plugin_state;

extern isl_plugin_state isl_plugin;

/* intercept.c: standing in front of Wireshark's iSCSI dissector. */
int isl_dissect_iscsi_wrapped(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
isl_heur_ret isl_dissect_iscsi_heur_wrapped(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
isl_heur_ret isl_dissect_text_continuation_heur(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);
void isl_claim_iscsi_ports(void);
void isl_claim_portals(tvbuff_t *tvb, packet_info *pinfo, guint off, guint32 dlen);
void isl_check_bypass(packet_info *pinfo);
bool isl_has_layer(packet_info *pinfo, int proto);

/* framing.c: the PDUs in the bytes the iSCSI dissector handled. */
bool isl_is_target_port(guint32 port);
/* conv: the frame's conversation when the caller has it (NULL: looked up when needed). */
void isl_analyse_pdus(tvbuff_t *tvb, packet_info *pinfo, conversation_t *conv, guint end, bool check_port);
isl_pdu *isl_feed_pdu(tvbuff_t *tvb, packet_info *pinfo, guint off, guint32 reported, bool aside,
                      const struct tcp_analysis *tcpd);
int64_t isl_frame_ts_ns(const packet_info *pinfo);
guint32 isl_conn_session(packet_info *pinfo);

/* render.c: the tree, the expert infos and the tap records of stored PDUs. */
void isl_render_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const isl_pdu *r);
void isl_render_past_cap(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
void isl_render_session_only(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);

#endif
