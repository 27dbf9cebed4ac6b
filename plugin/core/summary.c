/* SPDX-License-Identifier: GPL-2.0-or-later
 * One line per login: what happened and what to check (summary.h).  Every
 * hint rests on something the capture shows; where it shows nothing more
 * specific, the line says only what the status code means. */
#include "summary.h"

#include <string.h>

/* The last value this side sent for key in the login, or NULL. */
static const char *sent(const isl_login *l, isl_side side, const char *key)
{
    const char *v = NULL;
    unsigned n = isl_login_kv_count(l);
    for (unsigned i = 0; i < n; i++) {
        isl_kv kv = isl_login_kv_at(l, i);
        if (kv.side == side && kv.key && !strcmp(kv.key, key))
            v = kv.value;
    }
    return v;
}

/* "; the target answered Reject to HeaderDigest=CRC32C" for the first key the
 * target refused, "" when none. */
static char *refused(const isl_login *l)
{
    unsigned n = isl_login_kv_count(l);
    for (unsigned i = 0; i < n; i++) {
        isl_kv kv = isl_login_kv_at(l, i);
        if (kv.side != ISL_SIDE_T || !kv.key || !kv.value || strcmp(kv.value, "Reject"))
            continue;
        const char *offer = sent(l, ISL_SIDE_I, kv.key);
        return g_strdup_printf("; the target answered Reject to %s=%s", kv.key, offer ? offer : "?");
    }
    return g_strdup("");
}

static char *auth_hint(const isl_login *l)
{
    const char *user = sent(l, ISL_SIDE_I, "CHAP_N"), *methods = sent(l, ISL_SIDE_I, "AuthMethod");
    const char *tmethod = sent(l, ISL_SIDE_T, "AuthMethod");

    if (user && sent(l, ISL_SIDE_I, "CHAP_R"))
        return g_strdup_printf(" after the initiator's CHAP response: check the CHAP secret of user \"%s\" on the target "
                               "and on the initiator", user);
    if (methods && !strcmp(methods, "None"))
        return g_strdup(": the initiator offered only AuthMethod=None and the target requires authentication: "
                        "set CHAP credentials on the initiator");
    if (tmethod && !strcmp(tmethod, "CHAP") && !user)
        return g_strdup(": the target chose CHAP but the initiator sent no CHAP response: "
                        "set CHAP credentials on the initiator");
    if (!methods && !tmethod)
        return g_strdup(": the login skipped the security stage and the target requires authentication: "
                        "set CHAP credentials on the initiator");
    return g_strdup(": check AuthMethod and the CHAP user and secret on both sides");
}

static char *failure_hint(const isl_login *l)
{
    const isl_session *s = l->session;
    const char *in = s && s->initiator_name ? s->initiator_name : "the initiator";
    const char *tn = s && s->target_name ? s->target_name : "the requested target";

    switch (l->status) {
    case 0x0101: case 0x0102:
        return g_strdup(": the redirect carries no TargetAddress, so the initiator has nowhere to go");
    case 0x0201: return auth_hint(l);
    case 0x0202: return g_strdup_printf(": %s may not log in to %s: check the target's access list (initiator names, "
                                        "addresses)", in, tn);
    case 0x0203: return g_strdup_printf(": there is no %s on this portal: check the target name (SendTargets lists "
                                        "the targets) and the portal", tn);
    case 0x0204: return g_strdup(": the target was removed: check its configuration on the storage system");
    case 0x0205: return g_strdup_printf(": the target supports none of the versions 0x%02x..0x%02x the initiator offered",
                                        l->vmin, l->vmax);
    case 0x0206: return g_strdup(": the session already has as many connections as the target allows "
                                 "(MaxConnections)");
    case 0x0207:
        if (!sent(l, ISL_SIDE_I, "InitiatorName"))
            return g_strdup(": the initiator did not send InitiatorName");
        if (!sent(l, ISL_SIDE_I, "TargetName") && !(s && s->type == ISL_ST_DISCOVERY))
            return g_strdup(": the initiator did not send TargetName");
        return g_strdup(": the target wanted a key the initiator did not send");
    case 0x0208: return g_strdup_printf(": the target cannot add this connection to the session with TSIH 0x%04x",
                                        l->tsih_req);
    case 0x0209: return g_strdup_printf(": the target does not support %s sessions",
                                        s && s->type == ISL_ST_DISCOVERY ? "Discovery" : "this type of");
    case 0x020a: return g_strdup_printf(": no session with TSIH 0x%04x exists for this connection to join", l->tsih_req);
    case 0x020b: return g_strdup(": the target found a request invalid during login: see the experts of the "
                                 "preceding PDUs");
    default:
        if ((l->status >> 8) == 3)
            return g_strdup(": the target could not serve the login (resources, service): retry later, "
                            "check the target's log");
        return g_strdup("");
    }
}

static const char *session_kind(const isl_login *l)
{
    const isl_session *s = l->session;
    return s && s->type == ISL_ST_DISCOVERY ? "Discovery" : s && s->type == ISL_ST_NORMAL ? "Normal" : "iSCSI";
}

char *isl_login_summary(const isl_login *l, bool unfinished)
{
    char *hint, *ref, *line;

    if (unfinished)
        return g_strdup_printf("Login not finished: no final Login Response after frame %u (%s stage): the target "
                               "did not answer, the connection closed, or the capture ends here", l->last_frame,
                               isl_stage_name(l->stage));
    switch (l->outcome) {
    case ISL_OUT_SUCCESS:
        return g_strdup_printf("Login succeeded: %s session, TSIH 0x%04x, in %.3f ms", session_kind(l),
                               l->session ? l->session->tsih : 0, (double)(l->final_ts - l->first_ts) / 1e6);
    case ISL_OUT_INCOMPLETE:
        return g_strdup("Login completed; its start was not captured, so it cannot be judged whole");
    case ISL_OUT_REDIRECTED:
        return g_strdup_printf("Redirected (%s, 0x%04x) to %s: the initiator should log in there", 
                               isl_status_detail_name(l->status), l->status, l->redirect ? l->redirect : "?");
    case ISL_OUT_FAILED:
        hint = failure_hint(l);
        ref = refused(l);
        line = g_strdup_printf("Login failed in the %s stage: %s (0x%04x)%s%s", isl_stage_name(l->stage),
                               isl_status_detail_name(l->status), l->status, hint, ref);
        g_free(hint);
        g_free(ref);
        return line;
    default:
        return g_strdup("Login in progress");
    }
}
