/* SPDX-License-Identifier: GPL-2.0-or-later
 * Every pass: the iscsi_login tree, expert infos and tap records of the
 * PDUs the analysis stored on the first pass.  All items are generated:
 * they describe the analysis, not bytes. */
#include "iscsi-login-int.h"
#include <epan/tap.h>
#include <wsutil/strtoi.h>

#include "core/keys.h"
#include "core/summary.h"

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
    char *v, *r;

    /* Valid text is shown whole (Wireshark cuts long labels itself); only
     * repaired text is capped. */
    if (!s || g_utf8_validate(s, -1, NULL))
        return s;
    v = isl_utf8_cap(s, cap);
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

/* A subtree header: a registered field like any other item, so that JSON
 * export keys it by field name. */
static proto_tree *add_header(proto_item *pi, gint ett)
{
    return proto_item_add_subtree(gen(pi), ett);
}

/* Whether an expert info on this frame can be seen at all: in a tree, in the
 * Expert column, or by a listener of the expert tap (-z expert, the Qt
 * dialog).  A tshark -q run without any of them formats no message: in a
 * login storm every login's summary Note would be written for nobody. */
static bool findings_seen(proto_tree *t, packet_info *pinfo)
{
    return t || pinfo->cinfo || isl_plugin.expert_tap <= 0 || have_tap_listener(isl_plugin.expert_tap);
}

/* An expert info on an item of its own (iscsi_login.finding, the message),
 * not on a text-only item: JSON export keys it by field name.  Not marked
 * generated, like the text item Wireshark would add: the tree reads as before. */

static void add_finding(proto_tree *t, packet_info *pinfo, tvbuff_t *tvb, expert_field *ei, const char *msg)
{
    proto_item *fi = proto_tree_add_string_format(t, isl_plugin.hf.finding, tvb, 0, 0, msg, "%s", msg);

    expert_add_info_format(pinfo, fi, ei, "%s", msg);
}

static void render_keys(proto_tree *t, tvbuff_t *tvb, wmem_allocator_t *pool, const isl_login *l)
{
    unsigned n = isl_login_kv_count(l);
    proto_tree *kt = add_header(proto_tree_add_uint_format(t, isl_plugin.hf.keys, tvb, 0, 0, n, "Keys (%u)", n),
                                isl_plugin.ett.keys);
    for (int side = 0; side < 2; side++) {
        proto_tree *st = add_header(proto_tree_add_item(kt, side == ISL_SIDE_I ? isl_plugin.hf.keys_initiator
                                                                                   : isl_plugin.hf.keys_target,
                                                            tvb, 0, 0, ENC_NA),
                                    isl_plugin.ett.keys_side);
        for (unsigned i = 0; i < isl_login_kv_count(l); i++) {
            const isl_kv kv_ = isl_login_kv_at(l, i), *kv = &kv_;
            if (kv->side != side)
                continue;
            const char *key = u8(pool, kv->key), *val = u8(pool, kv->value ? kv->value : "");
            gen(proto_tree_add_string_format_value(st, side == ISL_SIDE_I ? isl_plugin.hf.key_initiator : isl_plugin.hf.key_target, tvb, 0, 0,
                    wmem_strdup_printf(pool, "%s=%s", key, val),
                    "%s=%s (frame %u, %s)", key, val, kv->frame, isl_stage_name(kv->stage)));
        }
    }
}

/* How a parameter's value came about: default or not, who sent what where. */
static const char *param_how(wmem_allocator_t *pool, const isl_kst *k, bool dflt)
{
    wmem_strbuf_t *how = wmem_strbuf_new(pool, "");

    if (dflt)
        wmem_strbuf_append(how, k ? "default, not settled" : "default, not negotiated");
    for (int s = 0; k && s < 2; s++) {
        if (!k->value[s])
            continue;
        wmem_strbuf_append_printf(how, "%s%s %s %s in frame %u", wmem_strbuf_get_len(how) ? "; " : "",
                                  isl_side_name((isl_side)s), k->offerer == s ? "offered" : "answered",
                                  u8(pool, k->value[s]), k->frame[s]);
    }
    return wmem_strbuf_get_len(how) ? wmem_strdup_printf(pool, " (%s)", wmem_strbuf_get_str(how)) : "";
}

/* A negotiated parameter under its typed iscsi_login.param.<key> field. */
static void add_param(proto_tree *pt, tvbuff_t *tvb, int hf, const isl_key_def *d, const char *v, const char *how)
{
    proto_item *it;

    switch (d->vtype) {
    case ISL_VT_NUMBER: {
        guint64 x = g_ascii_strtoull(v, NULL, 0);
        it = proto_tree_add_uint_format_value(pt, hf, tvb, 0, 0, (guint32)x, "%s%s", v, how);
        break;
    }
    case ISL_VT_BOOL:
        it = proto_tree_add_boolean_format_value(pt, hf, tvb, 0, 0, strcmp(v, "Yes") == 0, "%s%s", v, how);
        break;
    default:
        it = proto_tree_add_string_format_value(pt, hf, tvb, 0, 0, v, "%s%s", v, how);
        break;
    }
    gen(it);
}

/* MaxRecvDataSegmentLength: each side declares its own. */
static void add_mrdsl(proto_tree *pt, tvbuff_t *tvb, const isl_login *l)
{
    bool di, dt;
    uint32_t mi = isl_nego_mrdsl(l->nego, ISL_SIDE_I, &di), mt = isl_nego_mrdsl(l->nego, ISL_SIDE_T, &dt);

    gen(proto_tree_add_uint_format_value(pt, isl_plugin.hf.param_mrdsl_i, tvb, 0, 0, mi, "%u%s", mi,
                                         di ? " (default)" : " (declared by the initiator: largest PDU data it receives)"));
    gen(proto_tree_add_uint_format_value(pt, isl_plugin.hf.param_mrdsl_t, tvb, 0, 0, mt, "%u%s", mt,
                                         dt ? " (default)" : " (declared by the target: largest PDU data it receives)"));
}

static void render_params(proto_tree *t, tvbuff_t *tvb, wmem_allocator_t *pool, const isl_login *l)
{
    proto_tree *pt = add_header(proto_tree_add_item(t, isl_plugin.hf.params_hdr, tvb, 0, 0, ENC_NA), isl_plugin.ett.params);

    for (unsigned i = 0; i < isl_key_count(); i++) {
        const isl_key_def *d = isl_key_at(i);
        isl_val_state st;
        const char *v, *how;

        if (isl_plugin.hf.params[i] < 0 || (d->flags & ISL_KF_DIRECTIONAL))
            continue;
        v = isl_nego_value(l->nego, d, &st);
        /* An irrelevant key gets a text line, not its typed field: no value
         * (and never the default) under iscsi_login.param.<key>. */
        if (ISL_VAL_IRRELEVANT(st))
            v = isl_val_state_reason(st);
        else if (!v)
            continue;
        v = u8(pool, v);
        how = param_how(pool, isl_nego_find_id(l->nego, d->id), st == ISL_VAL_DEFAULT);
        if (ISL_VAL_IRRELEVANT(st))
            gen(proto_tree_add_string_format(pt, isl_plugin.hf.param_irrelevant, tvb, 0, 0, d->name, "%s: %s%s", d->name,
                                             v, how));
        else
            add_param(pt, tvb, isl_plugin.hf.params[i], d, v, how);
    }
    add_mrdsl(pt, tvb, l);
}

static void add_summary(proto_tree *t, tvbuff_t *tvb, wmem_allocator_t *pool, const isl_login *l, bool unfinished)
{
    char *line = isl_login_summary(l, unfinished);
    gen(proto_tree_add_string(t, isl_plugin.hf.login_summary, tvb, 0, 0, u8(pool, line)));
    g_free(line);
}

static void render_login(proto_tree *t, tvbuff_t *tvb, wmem_allocator_t *pool, const isl_pdu *r)
{
    const isl_login *l = r->login;
    proto_tree *lt = add_header(proto_tree_add_string(t, isl_plugin.hf.login, tvb, 0, 0, isl_outcome_name(l->outcome)),
                                isl_plugin.ett.login);

    if (!l->started_mid) {
        gen(proto_tree_add_uint(lt, isl_plugin.hf.login_first, tvb, 0, 0, l->first_frame));
        add_reltime(lt, isl_plugin.hf.login_time, tvb, l->final_ts - l->first_ts);
    }
    gen(proto_tree_add_string(lt, isl_plugin.hf.login_stages, tvb, 0, 0, stages_str(pool, l)));
    gen(proto_tree_add_string(lt, isl_plugin.hf.login_outcome, tvb, 0, 0, isl_outcome_name(l->outcome)));
    gen(proto_tree_add_uint(lt, isl_plugin.hf.login_status, tvb, 0, 0, l->status));
    gen(proto_tree_add_string(lt, isl_plugin.hf.login_status_class, tvb, 0, 0, isl_status_class_name(l->status)));
    gen(proto_tree_add_string(lt, isl_plugin.hf.login_status_detail, tvb, 0, 0, isl_status_detail_name(l->status)));
    if (l->redirect)
        gen(proto_tree_add_string(lt, isl_plugin.hf.login_redirect, tvb, 0, 0, u8(pool, l->redirect)));
    add_summary(lt, tvb, pool, l, false);
    if (isl_nego_auth_summary(l->nego))
        gen(proto_tree_add_string(lt, isl_plugin.hf.login_auth, tvb, 0, 0, u8(pool, isl_nego_auth_summary(l->nego))));
    render_keys(lt, tvb, pool, l);
    if (l->outcome != ISL_OUT_FAILED && l->outcome != ISL_OUT_REDIRECTED)
        render_params(lt, tvb, pool, l);
}

/* A TargetAddress, "host:port,tpgt" as sent: the address and the portal
 * group tag as fields of their own, the tag under its address, so that a
 * target's addresses keep their tags in any export.  The comma that ends the
 * host:port is the last one (RFC 7143 §13.8: no comma in a host or port). */
static void add_portal(proto_tree *tt, tvbuff_t *tvb, wmem_allocator_t *pool, const char *wire)
{
    const char *comma = strrchr(wire, ',');
    const char *addr = comma ? wmem_strndup(pool, wire, (size_t)(comma - wire)) : wire;
    proto_item *ai = gen(proto_tree_add_string_format_value(tt, isl_plugin.hf.disc_address, tvb, 0, 0, u8(pool, addr), "%s",
                                                            u8(pool, wire)));
    guint64 tag;

    if (comma && ws_strtou64(comma + 1, NULL, &tag) && tag <= G_MAXUINT16)
        gen(proto_tree_add_uint(proto_item_add_subtree(ai, isl_plugin.ett.disc_address), isl_plugin.hf.disc_tpgt, tvb, 0, 0,
                                (guint32)tag));
}

static void render_text(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const isl_pdu *r)
{
    const isl_textx *x = r->textx;
    const char *st;
    proto_tree *dt;

    if (!x->sendtargets) {
        if (x->nego) {
            proto_tree *nt = add_header(proto_tree_add_item(t, isl_plugin.hf.text, tvb, 0, 0, ENC_NA), isl_plugin.ett.params);
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
                gen(proto_tree_add_string(nt, isl_plugin.hf.text_param, tvb, 0, 0, u8cap(pinfo->pool, wmem_strbuf_get_str(b), 200)));
            }
        }
        return;
    }
    st = u8(pinfo->pool, x->st_value);
    dt = add_header(proto_tree_add_string_format(t, isl_plugin.hf.disc, tvb, 0, 0, st, "SendTargets=%s: %u targets", st,
                                                    x->targets->len),
                    isl_plugin.ett.disc);
    gen(proto_tree_add_uint(dt, isl_plugin.hf.disc_count, tvb, 0, 0, x->targets->len));
    for (guint i = 0; i < x->targets->len; i++) {
        const isl_target_rec *rec = g_ptr_array_index(x->targets, i);
        proto_tree *tt = add_header(proto_tree_add_string(dt, isl_plugin.hf.disc_target, tvb, 0, 0, u8(pinfo->pool, rec->name)),
                                    isl_plugin.ett.disc_target);
        for (guint j = 0; j < rec->addresses->len; j++)
            add_portal(tt, tvb, pinfo->pool, g_ptr_array_index(rec->addresses, j));
    }
}

static void render_logout(proto_tree *t, tvbuff_t *tvb, const isl_pdu *r)
{
    const isl_logoutx *lo = r->logout;
    proto_tree *ot = add_header(proto_tree_add_item(t, isl_plugin.hf.logout, tvb, 0, 0, ENC_NA), isl_plugin.ett.logout);

    gen(proto_tree_add_uint(ot, isl_plugin.hf.logout_reason, tvb, 0, 0, lo->reason));
    if (r->opcode == ISL_OP_LOGOUT_RSP) {
        gen(proto_tree_add_uint(ot, isl_plugin.hf.logout_response, tvb, 0, 0, lo->response));
        gen(proto_tree_add_uint(ot, isl_plugin.hf.logout_t2w, tvb, 0, 0, lo->time2wait));
        gen(proto_tree_add_uint(ot, isl_plugin.hf.logout_t2r, tvb, 0, 0, lo->time2retain));
        if (lo->session_duration >= 0)
            add_reltime(ot, isl_plugin.hf.logout_duration, tvb, lo->session_duration);
    }
}

/* Who the PDU belongs to and what it answers or repeats. */
/* The login's place among its identity's attempts, on each of its PDUs.  The
 * forward link to the login that follows a redirect is known once the
 * capture has been read (two-pass, GUI), like response_in. */
static void render_story(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const isl_login *l)
{
    const isl_story_login *sl = &l->story;

    if (!l->story_fed)
        return;
    gen(proto_tree_add_uint(t, isl_plugin.hf.login_attempt, tvb, 0, 0, sl->attempt));
    if (sl->retry_interval_ns >= 0)
        add_reltime(t, isl_plugin.hf.login_retry_interval, tvb, sl->retry_interval_ns);
    if (sl->redirected_from)
        gen(proto_tree_add_uint(t, isl_plugin.hf.login_redirected_from, tvb, 0, 0, sl->redirected_from));
    if (sl->redirected_to && PINFO_FD_VISITED(pinfo))
        gen(proto_tree_add_uint(t, isl_plugin.hf.login_redirected_to, tvb, 0, 0, sl->redirected_to));
}

static void render_context(proto_tree *t, proto_item *ti, tvbuff_t *tvb, packet_info *pinfo, const isl_pdu *r)
{
    if (r->session_number) {
        proto_item_append_text(ti, ", Session %u", r->session_number);
        gen(proto_tree_add_uint(t, isl_plugin.hf.session, tvb, 0, 0, r->session_number));
        if (isl_pdu_initiator(r))
            gen(proto_tree_add_string(t, isl_plugin.hf.initiator_name, tvb, 0, 0, u8(pinfo->pool, isl_pdu_initiator(r))));
        if (isl_pdu_target(r))
            gen(proto_tree_add_string(t, isl_plugin.hf.target_name, tvb, 0, 0, u8(pinfo->pool, isl_pdu_target(r))));
        gen(proto_tree_add_string(t, isl_plugin.hf.session_type, tvb, 0, 0,
                                  isl_session_type_name((isl_session_type)r->session_type)));
        gen(proto_tree_add_bytes_with_length(t, isl_plugin.hf.isid, tvb, 0, 0, r->session->isid, 6));
        gen(proto_tree_add_uint(t, isl_plugin.hf.tsih, tvb, 0, 0, r->tsih));
    }
    if (r->cid_known)
        gen(proto_tree_add_uint(t, isl_plugin.hf.cid, tvb, 0, 0, r->cid));
    if (r->retrans_of) {
        proto_item_append_text(ti, " (retransmission)");
        gen(proto_tree_add_uint(t, isl_plugin.hf.retransmission_of, tvb, 0, 0, r->retrans_of));
    }
    if (r->request_in)
        gen(proto_tree_add_uint(t, isl_plugin.hf.request_in, tvb, 0, 0, r->request_in));
    if (r->response_in && PINFO_FD_VISITED(pinfo))
        gen(proto_tree_add_uint(t, isl_plugin.hf.response_in, tvb, 0, 0, r->response_in));
    if (r->request_in && r->rtt_ns >= 0)
        add_reltime(t, isl_plugin.hf.response_time, tvb, r->rtt_ns);
    if (r->continued_from)
        gen(proto_tree_add_uint(t, isl_plugin.hf.continued_from, tvb, 0, 0, r->continued_from));
    if (r->login)
        render_story(t, tvb, pinfo, r->login);
}

/* A login without its final response, for the sessions table. */
/* Once the capture has been read, a redirect without a login at the address
 * it names says so. */
static void redirect_unfollowed(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const isl_pdu *r)
{
    const isl_login *l = r->login;

    if (!l || !r->login_final || l->outcome != ISL_OUT_REDIRECTED || !l->story_fed || l->story.redirected_to ||
        !PINFO_FD_VISITED(pinfo) || !findings_seen(t, pinfo))
        return;
    add_finding(t, pinfo, tvb, &isl_plugin.ei[ISL_CHK_LOGIN_REDIRECT_UNFOLLOWED],
                wmem_strdup_printf(pinfo->pool, "No login of %s to %s follows this redirect in the capture",
                                   u8(pinfo->pool, l->session && l->session->initiator_name ? l->session->initiator_name : "the initiator"),
                                   u8(pinfo->pool, l->redirect)));
}

static void queue_unfinished_login(proto_tree *t, tvbuff_t *tvb, packet_info *pinfo, const isl_pdu *r)
{
    isl_xrec *x;

    /* Once the whole capture has been read (two-pass, GUI), a login still
     * without its final response ends on its last PDU. */
    if (PINFO_FD_VISITED(pinfo) && isl_login_unfinished_at(r->login, r)) {
        x = wmem_new(pinfo->pool, isl_xrec);
        *x = isl_login_unfinished_xrec(r->login);
        if (findings_seen(t, pinfo))
            add_finding(t, pinfo, tvb, &isl_plugin.ei[ISL_CHK_LOGIN_UNFINISHED],
                        wmem_strdup_printf(pinfo->pool, "Login not finished when the capture ends (no final Login Response); "
                                           "last PDU in frame %u", r->frame));
        if (t)
            add_summary(t, tvb, pinfo->pool, r->login, true);
        tap_queue_packet(isl_plugin.tap, pinfo, x);
    } else if (!PINFO_FD_VISITED(pinfo) && isl_login_first_at(r->login, r) && r->login->leading) {
        /* One pass: whether the login finishes is not known yet.  The
         * sessions table lists the session now ("Not finished" until its
         * login's final response says otherwise), so that a login the
         * capture cuts off still has its row. */
        x = wmem_new(pinfo->pool, isl_xrec);
        *x = isl_login_unfinished_xrec(r->login);
        x->provisional = true;
        tap_queue_packet(isl_plugin.tap, pinfo, x);
    }
}

void isl_render_pdu(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const isl_pdu *r)
{
    proto_item *ti = proto_tree_add_item(tree, isl_plugin.proto, tvb, 0, 0, ENC_NA);
    proto_tree *t = proto_item_add_subtree(ti, isl_plugin.ett.top);

    gen(ti);
    /* Without a tree (tshark -q) only expert infos and tap records are wanted:
     * items and the strings they would show are not built at all. */
    if (t)
        render_context(t, ti, tvb, pinfo, r);
    if (t && r->login_final && r->login)
        render_login(t, tvb, pinfo->pool, r);
    if (t && r->text_final && r->textx)
        render_text(t, tvb, pinfo, r);
    if (t && r->logout)
        render_logout(t, tvb, r);
    for (const isl_finding *f = findings_seen(t, pinfo) ? r->findings.head : NULL; f; f = f->next) {
        char *text = f->msg ? NULL : isl_finding_text(r, f);
        add_finding(t, pinfo, tvb, &isl_plugin.ei[f->check], u8cap(pinfo->pool, text ? text : f->msg, 200));
        g_free(text);
    }
    for (unsigned i = 0; i < r->n_xrecs; i++)
        tap_queue_packet(isl_plugin.tap, pinfo, &r->xrecs[i]);
    iscsi_login_flow_queue(pinfo, r);
    queue_unfinished_login(t, tvb, pinfo, r);
    redirect_unfollowed(t, tvb, pinfo, r);
}

/* A PDU the analysis does not look at (SCSI command, data, response) on a
 * connection tied to a session: the session only, looked up, not stored. */
void isl_render_session_only(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    guint32 s = isl_conn_session(pinfo);
    proto_item *ti;

    if (!s)
        return;
    ti = gen(proto_tree_add_item(tree, isl_plugin.proto, tvb, 0, 0, ENC_NA));
    proto_item_append_text(ti, ", Session %u", s);
    gen(proto_tree_add_uint(proto_item_add_subtree(ti, isl_plugin.ett.top), isl_plugin.hf.session, tvb, 0, 0, s));
}

/* Past the PDU cap nothing is stored: say so wherever a tree is built. */
void isl_render_past_cap(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree)
{
    const isl_analyzer *a = isl_plugin.analyzer;
    proto_item *ti = gen(proto_tree_add_item(tree, isl_plugin.proto, tvb, 0, 0, ENC_NA));

    add_finding(proto_item_add_subtree(ti, isl_plugin.ett.top), pinfo, tvb, &isl_plugin.ei[ISL_CHK_STATE_UNANALYSED],
                wmem_strdup_printf(pinfo->pool,
                                   "Frame %u: iSCSI PDUs not analysed: the analysis keeps at most %u PDUs, reached in frame %u",
                                   pinfo->num, isl_analyzer_max_pdus(a), isl_analyzer_cap_frame(a)));
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
