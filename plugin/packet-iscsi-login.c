/* SPDX-License-Identifier: GPL-2.0-or-later
 * iSCSI Login Analysis: registration, preferences, init/cleanup and the
 * post-dissector.  On the first pass the plugin watches Wireshark's iSCSI
 * dissector from the TCP side (intercept.c), walks the PDUs it dissected
 * (framing.c) and feeds each PDU to the analysis engine (core/).  The
 * post-dissector renders the stored results on every pass (render.c). */
#include "iscsi-login-int.h"
#include <epan/tap.h>
#include <epan/proto_data.h>
#include <epan/prefs.h>

#include "core/keys.h"

/* Everything of the plugin that changes after load, in one place.  Wireshark
 * wants ids that are not yet registered to be -1. */
isl_plugin_state isl_plugin = {
    .proto = -1,
    .tap = -1,
    .proto_iscsi = -1,
    .iscsi = {
        .bogus_filter = true,
        .bogus_threshold = ISL_ISCSI_BOGUS_DSL_DEFAULT,
        .system_port = ISL_ISCSI_SYSTEM_PORT_DEFAULT,
    },
    .hf = {
        .session = -1, .initiator_name = -1, .target_name = -1, .session_type = -1, .isid = -1, .tsih = -1,
        .cid = -1, .request_in = -1, .response_in = -1, .response_time = -1, .retransmission_of = -1,
        .continued_from = -1, .login_first = -1, .login_time = -1, .login_stages = -1, .login_outcome = -1,
        .login_status = -1, .login_status_class = -1, .login_status_detail = -1, .login_redirect = -1,
        .login_attempt = -1, .login_retry_interval = -1, .login_redirected_from = -1, .login_redirected_to = -1,
        .login_summary = -1,
        .login_auth = -1, .key_initiator = -1, .key_target = -1, .param_mrdsl_i = -1, .param_mrdsl_t = -1,
        .param_irrelevant = -1, .login = -1, .keys = -1, .keys_initiator = -1, .keys_target = -1, .params_hdr = -1,
        .text = -1, .disc = -1, .logout = -1, .disc_count = -1, .disc_target = -1, .disc_address = -1,
        .disc_tpgt = -1, .text_param = -1, .finding = -1,
        .logout_reason = -1, .logout_response = -1, .logout_t2w = -1, .logout_t2r = -1, .logout_duration = -1,
    },
    /* the defaults of isl_limits_default(), the core's */
    .prefs = { .slow_login_ms = 3000, .flap_logins = 5, .flap_interval = 60, .note_legacy_keys = TRUE },
    .ett = { .top = -1, .login = -1, .keys = -1, .keys_side = -1, .params = -1, .disc = -1, .disc_target = -1, .disc_address = -1,
             .logout = -1 },
};

static const value_string logout_reason_vals[] = {
    { 0, "Close the session" }, { 1, "Close the connection" }, { 2, "Remove the connection for recovery" }, { 0, NULL }
};
static const value_string logout_response_vals[] = {
    { 0, "Connection or session closed successfully" }, { 1, "CID not found" },
    { 2, "Connection recovery is not supported" }, { 3, "Cleanup failed for various reasons" }, { 0, NULL }
};

/* Runs for every frame of the capture: a binary search over the analysed
 * PDUs when there is nothing to show. */
static int dissect_iscsi_login(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    isl_analyzer *a = isl_plugin.analyzer;
    isl_pdu *const *v;
    unsigned n;

    if (isl_plugin.analysis_on && !PINFO_FD_VISITED(pinfo))
        isl_check_bypass(pinfo);
    n = a ? isl_analyzer_frame_pdus(a, pinfo->num, &v) : 0;
    if (n == 0 && tree && a && isl_analyzer_cap_frame(a) && pinfo->num > isl_analyzer_cap_frame(a) &&
        isl_plugin.proto_iscsi >= 0 && isl_has_layer(pinfo, isl_plugin.proto_iscsi))
        isl_render_past_cap(tvb, pinfo, tree);

    /* A PDU our heuristic analysed is shown where the heuristic runs; on a
     * later pass another dissector may take the frame first (e.g. one that
     * claimed the connection after the first pass saw this frame): show it
     * here then, so that every pass shows the same analysis. */
    for (unsigned i = 0; i < n; i++)
        if (!v[i]->aside || p_get_proto_data(pinfo->pool, pinfo, isl_plugin.proto, ISL_KEY_ASIDE_SHOWN) != v[i])
            isl_render_pdu(tvb, pinfo, tree, v[i]);
    /* SCSI traffic has no record: its session is looked up, and only for a
     * tree that shows or filters on it (never on tshark -q's tree-less path). */
    if (n == 0 && a && (proto_field_is_referenced(tree, isl_plugin.hf.session) ||
                        proto_field_is_referenced(tree, isl_plugin.proto)) &&
        isl_plugin.proto_iscsi >= 0 && isl_has_layer(pinfo, isl_plugin.proto_iscsi))
        isl_render_session_only(tvb, pinfo, tree);
    return 0;
}

/* The iSCSI dissector's preferences, read again at each file open: the
 * framing must take as a PDU exactly what it takes. */
static void read_iscsi_prefs(void)
{
    isl_iscsi_prefs *p = &isl_plugin.iscsi;

    p->bogus_filter = isl_pref_bool("iscsi", "bogus_pdu_filter", true);
    p->good_f_bit = isl_pref_bool("iscsi", "demand_good_f_bit", false);
    p->bogus_threshold = isl_pref_uint("iscsi", "bogus_pdu_max_data_len", ISL_ISCSI_BOGUS_DSL_DEFAULT);
    p->target_ports = prefs_get_range_value("iscsi", "target_ports");
    p->system_port = isl_pref_uint("iscsi", "target_system_port", ISL_ISCSI_SYSTEM_PORT_DEFAULT);
}

/* The analysis settings: the core's defaults, with the user's preferences. */
static void analysis_limits(isl_limits *lim)
{
    const isl_prefs *p = &isl_plugin.prefs;

    isl_limits_default(lim);
    lim->slow_login_ms = p->slow_login_ms;
    lim->flap_logins = p->flap_logins;
    lim->flap_interval_s = p->flap_interval;
    lim->mute_legacy_keys = !p->note_legacy_keys;
}

static void iscsi_login_init(void)
{
    isl_limits lim;

    analysis_limits(&lim);
    isl_plugin.analyzer = isl_analyzer_new(&lim);
    isl_plugin.seen_frame = 0;
    isl_plugin.index_frame = 0;
    isl_plugin.next_index = 0;
    isl_plugin.proto_iscsi = proto_get_id_by_filter_name("iscsi");
    isl_plugin.proto_tcp = proto_get_id_by_filter_name("tcp");
    isl_plugin.expert_tap = find_tap_id("expert");
    isl_plugin.analysis_on = proto_is_protocol_enabled(find_protocol_by_id(isl_plugin.proto)) &&
                             isl_plugin.builtin_heur && isl_plugin.iscsi_handle;
    if (!isl_plugin.analysis_on)
        return;
    read_iscsi_prefs();
    isl_claim_iscsi_ports();
}

static void iscsi_login_cleanup(void)
{
    isl_analyzer_free(isl_plugin.analyzer);
    isl_plugin.analyzer = NULL;
}

/* One field per negotiated parameter of the key table (iscsi_login.param.<key>). */
static void register_params(void)
{
    unsigned n = isl_key_count();
    hf_register_info *hf = isl_plugin.param_hf = g_new0(hf_register_info, n);
    int *ids = isl_plugin.hf.params = g_new(int, n);
    unsigned used = 0;

    for (unsigned i = 0; i < n; i++) {
        const isl_key_def *d = isl_key_at(i);
        ids[i] = -1;
        if (!(d->flags & ISL_KF_PARAM) || (d->flags & ISL_KF_DIRECTIONAL))
            continue;
        hf[used].p_id = &ids[i];
        hf[used].hfinfo.name = d->name;
        hf[used].hfinfo.abbrev = g_strdup_printf("iscsi_login.param.%s", d->field);
        hf[used].hfinfo.type = d->vtype == ISL_VT_NUMBER ? FT_UINT32 : d->vtype == ISL_VT_BOOL ? FT_BOOLEAN : FT_STRING;
        hf[used].hfinfo.display = d->vtype == ISL_VT_NUMBER ? BASE_DEC : BASE_NONE;
        hf[used].hfinfo.blurb = d->desc;
        HFILL_INIT(hf[used]);
        used++;
    }
    proto_register_field_array(isl_plugin.proto, hf, (int)used);
}

/* One expert info per check of the core (iscsi_login.<check>). */
static void register_experts(void)
{
    static const int groups[] = { PI_PROTOCOL, PI_MALFORMED, PI_RESPONSE_CODE, PI_SEQUENCE, PI_SECURITY, PI_REASSEMBLE, PI_CHECKSUM, PI_UNDECODED };
    static const int sevs[] = { PI_CHAT, PI_NOTE, PI_WARN, PI_ERROR };
    ei_register_info *ei = isl_plugin.check_ei = g_new0(ei_register_info, ISL_CHK_COUNT);
    expert_module_t *em = expert_register_protocol(isl_plugin.proto);
    expert_field init = EI_INIT;

    for (unsigned i = 0; i < ISL_CHK_COUNT; i++) {
        const isl_check_info *c = isl_check_get((isl_check)i);
        isl_plugin.ei[i] = init;
        ei[i].ids = &isl_plugin.ei[i];
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

/* The fixed fields and subtrees. */
static void register_fields(void)
{
    static hf_register_info hf[] = {
        { &isl_plugin.hf.session, { "Session", "iscsi_login.session", FT_UINT32, BASE_DEC, NULL, 0, "Session number, in order of first login", HFILL } },
        { &isl_plugin.hf.initiator_name, { "Initiator name", "iscsi_login.initiator_name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.target_name, { "Target name", "iscsi_login.target_name", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.session_type, { "Session type", "iscsi_login.session_type", FT_STRING, BASE_NONE, NULL, 0, "Discovery, Normal, or Unknown when the login was not captured", HFILL } },
        { &isl_plugin.hf.isid, { "ISID", "iscsi_login.isid", FT_BYTES, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.tsih, { "TSIH", "iscsi_login.tsih", FT_UINT16, BASE_HEX, NULL, 0, "Target session identifying handle (0 until the target assigns it)", HFILL } },
        { &isl_plugin.hf.cid, { "CID", "iscsi_login.cid", FT_UINT16, BASE_DEC, NULL, 0, "Connection ID", HFILL } },
        { &isl_plugin.hf.request_in, { "Request in", "iscsi_login.request_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL } },
        { &isl_plugin.hf.response_in, { "Response in", "iscsi_login.response_in", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0, NULL, HFILL } },
        { &isl_plugin.hf.response_time, { "Response time", "iscsi_login.response_time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.retransmission_of, { "Retransmission of", "iscsi_login.retransmission_of", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_DUP_ACK), 0, "This PDU repeats one already analysed", HFILL } },
        { &isl_plugin.hf.continued_from, { "Text continued from", "iscsi_login.continued_from", FT_FRAMENUM, BASE_NONE, NULL, 0, "First PDU of the C-bit chain reassembled here", HFILL } },
        { &isl_plugin.hf.login_first, { "Login started in", "iscsi_login.login.first_frame", FT_FRAMENUM, BASE_NONE, FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0, NULL, HFILL } },
        { &isl_plugin.hf.login_time, { "Login time", "iscsi_login.login_time", FT_RELATIVE_TIME, BASE_NONE, NULL, 0, "First Login Request to the final Login Response", HFILL } },
        { &isl_plugin.hf.login_stages, { "Stages", "iscsi_login.login.stages", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.login_outcome, { "Outcome", "iscsi_login.login.outcome", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.login_status, { "Status", "iscsi_login.login.status", FT_UINT16, BASE_HEX, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.login_status_class, { "Status class", "iscsi_login.login.status_class", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.login_status_detail, { "Status detail", "iscsi_login.login.status_detail", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.login_redirect, { "Redirected to", "iscsi_login.login.redirect", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.login_attempt, { "Attempt", "iscsi_login.login.attempt", FT_UINT32, BASE_DEC, NULL, 0, "Attempt of this initiator name and ISID to log in to this target: 1, or one more after each failed attempt", HFILL } },
        { &isl_plugin.hf.login_retry_interval, { "Retry interval", "iscsi_login.login.retry_interval", FT_RELATIVE_TIME, BASE_NONE, NULL, 0, "Time since the previous attempt started", HFILL } },
        { &isl_plugin.hf.login_redirected_from, { "Follows the redirect in", "iscsi_login.login.redirected_from", FT_FRAMENUM, BASE_NONE, NULL, 0, "Final Login Response that redirected this initiator here", HFILL } },
        { &isl_plugin.hf.login_redirected_to, { "Followed by the login in", "iscsi_login.login.redirected_to", FT_FRAMENUM, BASE_NONE, NULL, 0, "First Login Request at the address this redirect named", HFILL } },
        { &isl_plugin.hf.login_summary, { "Summary", "iscsi_login.login.explanation", FT_STRING, BASE_NONE, NULL, 0, "What happened to the login and what to check", HFILL } },
        { &isl_plugin.hf.login_auth, { "Authentication", "iscsi_login.login.auth", FT_STRING, BASE_NONE, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.key_initiator, { "Initiator key", "iscsi_login.key.initiator", FT_STRING, BASE_NONE, NULL, 0, "key=value sent by the initiator (reassembled)", HFILL } },
        { &isl_plugin.hf.key_target, { "Target key", "iscsi_login.key.target", FT_STRING, BASE_NONE, NULL, 0, "key=value sent by the target (reassembled)", HFILL } },
        { &isl_plugin.hf.param_mrdsl_i, { "Initiator MaxRecvDataSegmentLength", "iscsi_login.param.max_recv_data_segment_length.initiator", FT_UINT32, BASE_DEC, NULL, 0, "Largest data segment the initiator receives", HFILL } },
        { &isl_plugin.hf.param_mrdsl_t, { "Target MaxRecvDataSegmentLength", "iscsi_login.param.max_recv_data_segment_length.target", FT_UINT32, BASE_DEC, NULL, 0, "Largest data segment the target receives", HFILL } },
        { &isl_plugin.hf.param_irrelevant, { "Irrelevant parameter", "iscsi_login.param.irrelevant", FT_STRING, BASE_NONE, NULL, 0, "A key that does not apply to this login (answered Irrelevant, a Discovery session, or FirstBurstLength with InitialR2T=Yes and ImmediateData=No): its name; its iscsi_login.param field is absent", HFILL } },
        { &isl_plugin.hf.login, { "Login", "iscsi_login.login", FT_STRING, BASE_NONE, NULL, 0, "The login this final Login Response ends: its outcome; the summary is under it", HFILL } },
        { &isl_plugin.hf.keys, { "Keys", "iscsi_login.keys", FT_UINT32, BASE_DEC, NULL, 0, "Number of key=value pairs of the login, both sides; the pairs are under it", HFILL } },
        { &isl_plugin.hf.keys_initiator, { "Sent by initiator", "iscsi_login.keys.initiator", FT_NONE, BASE_NONE, NULL, 0, "The login's iscsi_login.key.initiator pairs", HFILL } },
        { &isl_plugin.hf.keys_target, { "Sent by target", "iscsi_login.keys.target", FT_NONE, BASE_NONE, NULL, 0, "The login's iscsi_login.key.target pairs", HFILL } },
        { &isl_plugin.hf.params_hdr, { "Negotiated parameters", "iscsi_login.params", FT_NONE, BASE_NONE, NULL, 0, "The operational parameters in effect after the login (iscsi_login.param.*)", HFILL } },
        { &isl_plugin.hf.text, { "Negotiated in this Text sequence", "iscsi_login.text", FT_NONE, BASE_NONE, NULL, 0, "The keys of a full feature phase Text negotiation (iscsi_login.text.param)", HFILL } },
        { &isl_plugin.hf.disc, { "SendTargets", "iscsi_login.discovery", FT_STRING, BASE_NONE, NULL, 0, "The SendTargets value asked for; the targets returned are under it", HFILL } },
        { &isl_plugin.hf.logout, { "Logout", "iscsi_login.logout", FT_NONE, BASE_NONE, NULL, 0, "The Logout exchange (iscsi_login.logout.*)", HFILL } },
        { &isl_plugin.hf.finding, { "Finding", "iscsi_login.finding", FT_STRING, BASE_NONE, NULL, 0, "The message of an expert info of the analysis; the expert info (iscsi_login.<check>) is under it", HFILL } },
        { &isl_plugin.hf.disc_count, { "Targets discovered", "iscsi_login.discovery.count", FT_UINT32, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.disc_target, { "Target", "iscsi_login.discovery.target", FT_STRING, BASE_NONE, NULL, 0, "A TargetName returned by SendTargets; its addresses are under it", HFILL } },
        { &isl_plugin.hf.disc_address, { "Address", "iscsi_login.discovery.address", FT_STRING, BASE_NONE, NULL, 0, "A TargetAddress of the target above: host:port (an IPv6 host in brackets); its portal group tag is under it", HFILL } },
        { &isl_plugin.hf.disc_tpgt, { "Portal group tag", "iscsi_login.discovery.tpgt", FT_UINT16, BASE_DEC, NULL, 0, "The portal group tag of the address above (absent when the TargetAddress has none)", HFILL } },
        { &isl_plugin.hf.text_param, { "Text negotiation", "iscsi_login.text.param", FT_STRING, BASE_NONE, NULL, 0, "A key negotiated in a full feature phase Text sequence: result, who sent what, where", HFILL } },
        { &isl_plugin.hf.logout_reason, { "Reason", "iscsi_login.logout.reason_code", FT_UINT8, BASE_DEC, VALS(logout_reason_vals), 0, NULL, HFILL } },
        { &isl_plugin.hf.logout_response, { "Response", "iscsi_login.logout.response_code", FT_UINT8, BASE_DEC, VALS(logout_response_vals), 0, NULL, HFILL } },
        { &isl_plugin.hf.logout_t2w, { "Time2Wait", "iscsi_login.logout.time2wait", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.logout_t2r, { "Time2Retain", "iscsi_login.logout.time2retain", FT_UINT16, BASE_DEC, NULL, 0, NULL, HFILL } },
        { &isl_plugin.hf.logout_duration, { "Session duration", "iscsi_login.logout.session_duration", FT_RELATIVE_TIME, BASE_NONE, NULL, 0, "From the final Login Response of the leading login to this Logout Response", HFILL } },
    };
    static gint *ett[] = { &isl_plugin.ett.top, &isl_plugin.ett.login, &isl_plugin.ett.keys, &isl_plugin.ett.keys_side, &isl_plugin.ett.params, &isl_plugin.ett.disc, &isl_plugin.ett.disc_target, &isl_plugin.ett.disc_address, &isl_plugin.ett.logout };

    proto_register_field_array(isl_plugin.proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
}

/* Called when a preference changed, before the redissection that the
 * change causes: the init routine of that redissection builds the analyzer
 * with the new values.  A storm needs at least two logins. */
static void apply_prefs(void)
{
    if (isl_plugin.prefs.flap_logins < 2)
        isl_plugin.prefs.flap_logins = 2;
    if (isl_plugin.prefs.flap_interval < 1)
        isl_plugin.prefs.flap_interval = 1;
}

/* Edit > Preferences > Protocols > iSCSI Login; tshark -o iscsi_login.NAME:VALUE */
static void register_prefs(void)
{
    module_t *m = prefs_register_protocol(isl_plugin.proto, apply_prefs);

    prefs_register_uint_preference(m, "slow_login_ms", "Slow login threshold (ms)",
        "A login (first Login Request to final Login Response) slower than this many milliseconds gets "
        "the Note iscsi_login.login.slow; 0 disables it", 10, &isl_plugin.prefs.slow_login_ms);
    prefs_register_uint_preference(m, "flap_logins", "Flapping: logins",
        "This many successful logins of one initiator, ISID and target within the flapping interval "
        "make the session flapping (session.flapping; at least 2)", 10, &isl_plugin.prefs.flap_logins);
    prefs_register_uint_preference(m, "flap_interval", "Flapping: interval (s)",
        "The window, in seconds, in which those logins are counted", 10, &isl_plugin.prefs.flap_interval);
    prefs_register_bool_preference(m, "note_legacy_keys", "Note RFC 3720 legacy keys",
        "Raise a Note (iscsi_login.neg.marker_offered) when a side offers a key RFC 7143 removed "
        "(IFMarker, OFMarker, IFMarkInt, OFMarkInt); answers that break RFC 7143 stay Warnings",
        &isl_plugin.prefs.note_legacy_keys);
}

void proto_register_iscsi_login(void)
{
    isl_plugin.proto = proto_register_protocol("iSCSI Login Analysis", "iSCSI Login", "iscsi_login");
    register_fields();
    register_params();
    register_experts();
    register_prefs();

    isl_plugin.handle = create_dissector_handle(dissect_iscsi_login, isl_plugin.proto);
    register_postdissector(isl_plugin.handle);
    register_init_routine(iscsi_login_init);
    register_cleanup_routine(iscsi_login_cleanup);
    isl_plugin.tap = register_tap("iscsi_login");
    iscsi_login_register_stats(isl_plugin.proto);
    iscsi_login_register_flow(isl_plugin.proto);
}

void proto_reg_handoff_iscsi_login(void)
{
    heur_dtbl_entry_t *heur = find_heur_dissector_by_unique_short_name("iscsi_tcp");

    isl_plugin.iscsi_handle = find_dissector("iscsi");
    /* Wireshark's iSCSI dissector finds iSCSI connections by its TCP
     * heuristic, then registers itself for the connection.  Take the
     * heuristic's place (keeping its entry, name and enable switch) so that
     * every connection it claims is handed to wrap_handle. */
    isl_plugin.wrap_handle = create_dissector_handle(isl_dissect_iscsi_wrapped, -1);
    if (heur && isl_plugin.iscsi_handle && heur->dissector != isl_dissect_iscsi_heur_wrapped) {
        isl_plugin.builtin_heur = heur->dissector;
        heur->dissector = isl_dissect_iscsi_heur_wrapped;
    }
    heur_dissector_add("tcp", isl_dissect_text_continuation_heur, "iSCSI Text PDUs with neither F nor C (tgt SendTargets)",
                       "iscsi_login_text_tcp", isl_plugin.proto, HEURISTIC_ENABLE);
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
