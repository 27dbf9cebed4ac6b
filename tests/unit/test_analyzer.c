/* SPDX-License-Identifier: GPL-2.0-or-later
 * The analysis engine (analyzer.c) driven with hand-built PDUs: sessions,
 * the login state machine, C-bit reassembly, Text/SendTargets, Logout and
 * the state caps.  Every PDU's findings are asserted exactly. */
#include "testutil.h"
#include <string.h>

#define NAMES KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0")
#define TPGT KV("TargetPortalGroupTag=1\0")
#define LREQ ISL_OP_LOGIN_REQ
#define LRSP ISL_OP_LOGIN_RSP
#define TREQ ISL_OP_TEXT_REQ
#define TRSP ISL_OP_TEXT_RSP
#define C16 "0x000102030405060708090a0b0c0d0e0f"
#define R16 "0x0f0e0d0c0b0a09080706050403020100"

static const isl_session *sess(abench *b, unsigned i) { return isl_analyzer_session(b->a, i); }

/* ---- login ------------------------------------------------------------------ */

ISL_TEST("/analyzer/login/success", test_login_success)
{
    abench b;
    isl_pdu *q, *r;
    const isl_session *s;

    ab_init(&b, NULL);
    q = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .itt = 7, .cid = 2, .sn = 1, NAMES);
    expect_none(&q->findings);
    g_assert_cmpuint(q->frame, ==, 1);
    g_assert_cmpuint(q->session_number, ==, 1);
    g_assert_cmpstr(isl_pdu_initiator(q), ==, INAME);
    g_assert_cmpstr(isl_pdu_target(q), ==, TNAME);
    g_assert_true(q->cid_known);
    g_assert_cmpuint(q->cid, ==, 2);
    g_assert_cmpint(q->rtt_ns, ==, -1);
    g_assert_false(q->login_final);

    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .itt = 7, .sn = 0x1000,
             .expsn = 1, .ts = 1000000000 + 1000000 + 250000, TPGT);
    expect(&r->findings, ISL_CHK_LOGIN_SUMMARY, 1);
    {
        char *text = isl_finding_text(r, r->findings.head);
        g_assert_cmpstr(text, ==, "Normal login of " INAME " to " TNAME " succeeded");
        g_free(text);
    }
    g_assert_cmpuint(r->request_in, ==, 1);
    g_assert_cmpuint(q->response_in, ==, 2);
    g_assert_cmpint(r->rtt_ns, ==, 250000);
    g_assert_true(r->login_final);
    g_assert_true(r->login == q->login);
    g_assert_cmpint(r->login->outcome, ==, ISL_OUT_SUCCESS);
    g_assert_cmpuint(r->login->final_frame, ==, 2);
    g_assert_true(r->login->leading);
    g_assert_cmpuint(r->tsih, ==, 0x10);
    g_assert_cmpuint(r->session_type, ==, ISL_ST_NORMAL);
    g_assert_cmpuint(r->n_xrecs, ==, 2);
    g_assert_cmpint(r->xrecs[0].kind, ==, ISL_X_OPERATIONAL_STAGE);
    g_assert_cmpint(r->xrecs[1].kind, ==, ISL_X_NORMAL_LOGIN);
    g_assert_cmpint(r->xrecs[1].time_ns, ==, 250000);
    g_assert_cmpuint(r->xrecs[1].first_frame, ==, 1);
    g_assert_cmpuint(r->xrecs[1].last_frame, ==, 2);
    g_assert_true(r->xrecs[1].complete);
    g_assert_false(r->xrecs[1].failed);

    g_assert_cmpuint(isl_analyzer_session_count(b.a), ==, 1);
    s = sess(&b, 0);
    g_assert_cmpuint(s->number, ==, 1);
    g_assert_cmpuint(s->tsih, ==, 0x10);
    g_assert_cmpint(s->type, ==, ISL_ST_NORMAL);
    g_assert_true(s->logged_in);
    g_assert_false(s->ended);
    g_assert_cmpuint(s->n_connections, ==, 1);
    g_assert_cmpuint(s->n_logins, ==, 1);
    g_assert_cmpint(s->outcome, ==, ISL_OUT_SUCCESS);
    g_assert_cmpuint(s->login_frame, ==, 2);
    g_assert_cmpint(s->ffp_ts, ==, r->ts);
    g_assert_null(isl_analyzer_session(b.a, 1));
    ab_clear(&b);
}

/* Security stage (AuthMethod=None), then the operational stage. */
ISL_TEST("/analyzer/login/two_stages", test_login_two_stages)
{
    abench b;
    isl_pdu *p[4];
    isl_login *l;

    ab_init(&b, NULL);
    p[0] = FEED(&b, .op = LREQ, .final = true, .csg = 0, .nsg = 1, .isid = ISID1, .itt = 1, .sn = 1,
                KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0AuthMethod=None\0"));
    expect_none(&p[0]->findings);
    p[1] = FEED(&b, .op = LRSP, .final = true, .csg = 0, .nsg = 1, .isid = ISID1, .itt = 1, .sn = 0x1000, .expsn = 1,
                KV("TargetPortalGroupTag=1\0AuthMethod=None\0"));
    expect_none(&p[1]->findings);
    g_assert_cmpuint(p[1]->n_xrecs, ==, 1);
    g_assert_cmpint(p[1]->xrecs[0].kind, ==, ISL_X_SECURITY_STAGE);
    p[2] = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .itt = 1, .sn = 1, .expsn = 0x1001,
                KV("HeaderDigest=None\0MaxRecvDataSegmentLength=65536\0"));
    expect_none(&p[2]->findings);
    p[3] = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .itt = 1,
                .sn = 0x1001, .expsn = 1, KV("HeaderDigest=None\0MaxRecvDataSegmentLength=262144\0"));
    expect(&p[3]->findings, ISL_CHK_LOGIN_SUMMARY, 1);

    g_assert_cmpuint(p[1]->request_in, ==, 1);
    g_assert_cmpuint(p[3]->request_in, ==, 3);
    g_assert_cmpuint(p[0]->response_in, ==, 2);
    g_assert_cmpuint(p[2]->response_in, ==, 4);
    g_assert_cmpuint(p[3]->n_xrecs, ==, 2);
    g_assert_cmpint(p[3]->xrecs[0].kind, ==, ISL_X_OPERATIONAL_STAGE);
    g_assert_cmpuint(p[3]->xrecs[0].first_frame, ==, 2);   /* the stage began with the transit in frame 2 */
    g_assert_cmpint(p[3]->xrecs[1].time_ns, ==, 3000000);
    l = p[3]->login;
    g_assert_cmpuint(l->n_stages, ==, 3);
    g_assert_cmpuint(l->stages[0], ==, 0);
    g_assert_cmpuint(l->stages[1], ==, 1);
    g_assert_cmpuint(l->stages[2], ==, 3);
    g_assert_cmpstr(isl_nego_auth_summary(l->nego), ==, "None");
    g_assert_cmpuint(isl_nego_mrdsl(l->nego, ISL_SIDE_I, NULL), ==, 65536);
    g_assert_cmpuint(isl_nego_mrdsl(l->nego, ISL_SIDE_T, NULL), ==, 262144);
    g_assert_cmpstr(isl_nego_find(l->nego, "HeaderDigest")->result, ==, "None");
    g_assert_cmpuint(isl_login_kv_count(l), ==, 9);
    g_assert_cmpstr(isl_login_kv_at(l, 8).key, ==, "MaxRecvDataSegmentLength");
    g_assert_cmpuint(isl_login_kv_at(l, 8).frame, ==, 4);
    ab_clear(&b);
}

ISL_TEST("/analyzer/session/numbering", test_session_numbering)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    r = ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    g_assert_cmpuint(r->session_number, ==, 1);
    r = ab_login(&b, 1, ISID2, 0, 0x11, 0, false);
    g_assert_cmpuint(r->session_number, ==, 2);
    /* a Discovery session from the same initiator and ISID is a session of its own */
    r = ab_login(&b, 2, ISID1, 0, 0x12, 0, true);
    g_assert_cmpuint(r->session_number, ==, 3);
    g_assert_cmpint(r->session_type, ==, ISL_ST_DISCOVERY);
    g_assert_null(isl_pdu_target(r));
    g_assert_cmpint(r->xrecs[r->n_xrecs - 1].kind, ==, ISL_X_DISCOVERY_LOGIN);
    g_assert_cmpuint(isl_analyzer_session_count(b.a), ==, 3);
    g_assert_cmpuint(sess(&b, 1)->tsih, ==, 0x11);
    g_assert_false(sess(&b, 0)->ended);
    ab_clear(&b);
}

/* A second connection (TSIH of the session, new CID) joins session 1. */
ISL_TEST("/analyzer/session/second_connection", test_session_second_connection)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = ab_login(&b, 1, ISID1, 0x10, 0x10, 1, false);
    g_assert_cmpuint(r->session_number, ==, 1);
    g_assert_false(r->login->leading);
    g_assert_cmpuint(r->cid, ==, 1);
    g_assert_cmpuint(isl_analyzer_session_count(b.a), ==, 1);
    g_assert_cmpuint(sess(&b, 0)->n_connections, ==, 2);
    g_assert_cmpuint(sess(&b, 0)->n_logins, ==, 2);
    g_assert_true(sess(&b, 0)->leading == sess(&b, 0)->leading->session->leading);
    g_assert_cmpuint(sess(&b, 0)->leading->first_frame, ==, 1);

    /* leading-only keys are not for added connections */
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .cid = 2, .sn = 1,
             .conn = 2, KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0MaxBurstLength=65536\0"));
    expect(&r->findings, ISL_CHK_NEG_LO_ON_NON_LEADING, 1);
    g_assert_cmpuint(r->session_number, ==, 1);
    ab_clear(&b);
}

/* TSIH 0 with the ISID and names of a logged-in session: reinstatement. */
ISL_TEST("/analyzer/session/reinstatement", test_session_reinstatement)
{
    abench b;
    isl_pdu *q;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    q = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, .conn = 1, NAMES);
    expect(&q->findings, ISL_CHK_SESSION_REINSTATEMENT, 1);
    g_assert_cmpuint(q->session_number, ==, 2);
    g_assert_true(sess(&b, 0)->ended);
    g_assert_false(sess(&b, 1)->ended);
    ab_clear(&b);
}

/* An initiator that logs in again and again with one ISID (each login
 * reinstates the last session): the ISID index holds the live sessions, not
 * the whole history, so a later login does not scan every earlier one. */
ISL_TEST("/analyzer/session/isid_reuse", test_session_isid_reuse)
{
    abench b;
    isl_pdu *q, *r;
    const uint8_t isid[6] = { 0x40, 0x00, 0x01, 0x37, 0x00, 0x00 };   /* ISID1 */
    ab_init(&b, NULL);
    for (uint32_t i = 0; i < 200; i++) {
        q = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .itt = i, .sn = 1, .conn = i, NAMES);
        expect(&q->findings, ISL_CHK_SESSION_REINSTATEMENT, i ? 1 : 0);
        r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10 + i, .itt = i,
                 .sn = 0x1000, .expsn = 1, .conn = i, TPGT);
        g_assert_cmpuint(r->session_number, ==, i + 1);
        g_assert_cmpuint(isl_analyzer_isid_sessions(b.a, isid), <=, 2);
    }
    g_assert_cmpuint(isl_analyzer_session_count(b.a), ==, 200);
    g_assert_true(sess(&b, 198)->ended);
    g_assert_false(sess(&b, 199)->ended);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/failed", test_login_failed)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .itt = 1, .sn = 1, NAMES);
    expect_none(&r->findings);
    r = FEED(&b, .op = LRSP, .isid = ISID1, .itt = 1, .status = 0x0201);
    expect(&r->findings, ISL_CHK_LOGIN_FAILED, 1, ISL_CHK_AUTH_METHOD_SKIPPED, 1);
    g_assert_cmpstr(r->findings.head->msg, ==,
                    "Login failed: Initiator error, authentication failure (0x0201) for target " TNAME);
    g_assert_true(r->login_final);
    g_assert_cmpint(r->login->outcome, ==, ISL_OUT_FAILED);
    g_assert_cmpuint(r->login->status, ==, 0x0201);
    /* the stage it failed in, the login, and its problems (for the sessions table) */
    g_assert_cmpuint(r->n_xrecs, ==, 3);
    g_assert_cmpint(r->xrecs[0].kind, ==, ISL_X_OPERATIONAL_STAGE);
    g_assert_true(r->xrecs[0].failed);
    g_assert_cmpint(r->xrecs[1].kind, ==, ISL_X_NORMAL_LOGIN);
    g_assert_true(r->xrecs[1].failed);
    g_assert_false(r->xrecs[1].redirected);
    g_assert_cmpuint(r->xrecs[1].status, ==, 0x0201);
    g_assert_cmpint(r->xrecs[2].kind, ==, ISL_X_PROBLEMS);
    g_assert_cmpuint(r->xrecs[2].n_problems, ==, 1);
    g_assert_cmpstr(r->xrecs[2].problem, ==, r->findings.head->msg);
    g_assert_cmpint(sess(&b, 0)->outcome, ==, ISL_OUT_FAILED);
    g_assert_true(sess(&b, 0)->ended);
    g_assert_false(sess(&b, 0)->logged_in);

    /* nothing may follow on that connection; it is the initiator's second attempt */
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .itt = 2, .sn = 1, NAMES);
    expect(&r->findings, ISL_CHK_LOGIN_AFTER_REJECT, 1, ISL_CHK_LOGIN_RETRIED, 1);
    g_assert_cmpuint(r->session_number, ==, 2);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/unknown_status", test_login_unknown_status)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .isid = ISID1, .status = 0x0210);
    expect(&r->findings, ISL_CHK_LOGIN_UNKNOWN_STATUS, 1, ISL_CHK_LOGIN_FAILED, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/redirect", test_login_redirect)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .isid = ISID1, .status = 0x0101, KV("TargetAddress=10.0.0.3:3260\0"));
    expect(&r->findings, ISL_CHK_LOGIN_REDIRECTED, 1);
    g_assert_cmpstr(r->login->redirect, ==, "10.0.0.3:3260");
    /* a redirect is neither a failure nor a success (§11.13.5) */
    g_assert_cmpint(r->login->outcome, ==, ISL_OUT_REDIRECTED);
    g_assert_cmpuint(r->n_xrecs, ==, 1);
    g_assert_false(r->xrecs[0].failed);
    g_assert_true(r->xrecs[0].redirected);

    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID2, .sn = 1, .conn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .isid = ISID2, .status = 0x0102, .conn = 1);
    expect(&r->findings, ISL_CHK_LOGIN_REDIRECT_NO_ADDRESS, 1);
    g_assert_null(r->login->redirect);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/csg_mismatch", test_login_csg_mismatch)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    /* response CSG differs from the request's */
    FEED(&b, .op = LREQ, .final = true, .csg = 0, .nsg = 1, .isid = ISID1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1);
    expect(&r->findings, ISL_CHK_LOGIN_CSG_MISMATCH, 1);
    /* request CSG differs from the login's stage */
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, .expsn = 0x1001);
    expect(&r->findings, ISL_CHK_LOGIN_CSG_MISMATCH, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/unrequested_transit", test_login_unrequested_transit)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .csg = 0, .isid = ISID1, .sn = 1,
         KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0AuthMethod=None\0"));
    r = FEED(&b, .op = LRSP, .final = true, .csg = 0, .nsg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1,
             KV("TargetPortalGroupTag=1\0AuthMethod=None\0"));
    expect(&r->findings, ISL_CHK_LOGIN_UNREQUESTED_TRANSIT, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/nsg_exceeds", test_login_nsg_exceeds)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .final = true, .csg = 0, .nsg = 1, .isid = ISID1, .sn = 1,
         KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0AuthMethod=None\0"));
    r = FEED(&b, .op = LRSP, .final = true, .csg = 0, .nsg = 3, .isid = ISID1, .tsih = 0x10, .sn = 0x1000,
             .expsn = 1, KV("TargetPortalGroupTag=1\0AuthMethod=None\0"));
    expect(&r->findings, ISL_CHK_LOGIN_NSG_EXCEEDS, 1, ISL_CHK_LOGIN_SUMMARY, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/bad_stage_code", test_login_bad_stage_code)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    r = FEED(&b, .op = LREQ, .csg = 2, .isid = ISID1, .sn = 1, NAMES);
    expect(&r->findings, ISL_CHK_LOGIN_BAD_STAGE_CODE, 1);
    /* each new login of the same initiator, ISID and target gives up the last one */
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 2, .isid = ISID1, .sn = 1, .conn = 1, NAMES);
    expect(&r->findings, ISL_CHK_LOGIN_BAD_STAGE_CODE, 1, ISL_CHK_LOGIN_RETRIED, 1);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 1, .isid = ISID1, .sn = 1, .conn = 2, NAMES);
    expect(&r->findings, ISL_CHK_LOGIN_BAD_STAGE_CODE, 1, ISL_CHK_LOGIN_RETRIED, 1);
    /* response with a reserved NSG */
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 2, .isid = ISID1, .sn = 0x1000, .expsn = 1, .conn = 2);
    expect(&r->findings, ISL_CHK_LOGIN_BAD_STAGE_CODE, 1, ISL_CHK_LOGIN_NSG_EXCEEDS, 0);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/illegal_transition", test_login_illegal_transition)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 0, .isid = ISID1, .sn = 0x1000, .expsn = 1, TPGT);
    expect(&r->findings, ISL_CHK_LOGIN_ILLEGAL_TRANSITION, 1);
    g_assert_cmpuint(r->login->stage, ==, 1);
    g_assert_false(r->login_final);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/tsih_rules", test_login_tsih_rules)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    /* new session: TSIH before the final response */
    FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .tsih = 0x10, .sn = 0x1000, .expsn = 1, TPGT);
    expect(&r->findings, ISL_CHK_LOGIN_TSIH_RULES, 1);

    /* new Normal session: no TSIH in the final response */
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID2, .sn = 1, .conn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID2, .sn = 0x1000, .expsn = 1, .conn = 1, TPGT);
    expect(&r->findings, ISL_CHK_LOGIN_TSIH_RULES, 1, ISL_CHK_LOGIN_SUMMARY, 1);

    /* a Discovery session may get TSIH 0 */
    r = ab_login(&b, 2, ISID1 + 5, 0, 0, 0, true);
    g_assert_cmpuint(r->tsih, ==, 0);

    /* added connection: the response echoes the request's TSIH */
    ab_login(&b, 3, ISID1 + 6, 0, 0x20, 0, false);
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1 + 6, .tsih = 0x20, .cid = 1, .sn = 1,
         .conn = 4, NAMES);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1 + 6, .tsih = 0x21, .sn = 0x2000,
             .expsn = 1, .conn = 4, TPGT);
    expect(&r->findings, ISL_CHK_LOGIN_TSIH_RULES, 1, ISL_CHK_LOGIN_SUMMARY, 1);
    ab_clear(&b);
}

/* ITT, ISID, TSIH, CID and version must stay the same within a login. */
ISL_TEST("/analyzer/login/field_changed", test_login_field_changed)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .itt = 1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .itt = 1, .sn = 0x1000, .expsn = 1);
    expect_none(&r->findings);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .v1 = 1, .isid = ISID2, .tsih = 5, .itt = 2, .cid = 1,
             .sn = 1, .expsn = 0x1001);
    expect(&r->findings, ISL_CHK_LOGIN_FIELD_CHANGED, 5);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/echo_mismatch", test_login_echo_mismatch)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .itt = 1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID2, .itt = 9, .sn = 0x1000, .expsn = 1, TPGT);
    expect(&r->findings, ISL_CHK_LOGIN_ECHO_MISMATCH, 2);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/version", test_login_version)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    /* Version-min above Version-max */
    r = FEED(&b, .op = LREQ, .csg = 1, .v1 = 0, .v2 = 1, .isid = ISID1, .sn = 1, NAMES);
    expect(&r->findings, ISL_CHK_LOGIN_VERSION, 1);

    /* Version-active outside the initiator's range */
    FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .sn = 1, .conn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .csg = 1, .v1 = 1, .v2 = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1, .conn = 1, TPGT);
    expect(&r->findings, ISL_CHK_LOGIN_VERSION, 1);

    /* Version-max/active change between responses */
    FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .sn = 1, .conn = 2, NAMES);
    r = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1, .conn = 2, TPGT);
    expect_none(&r->findings);
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, .expsn = 0x1001, .conn = 2);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .v1 = 2, .isid = ISID1, .tsih = 0x10, .sn = 0x1001,
             .expsn = 1, .conn = 2);
    expect(&r->findings, ISL_CHK_LOGIN_FIELD_CHANGED, 1, ISL_CHK_LOGIN_SUMMARY, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/statsn", test_login_statsn)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1, TPGT);
    expect_none(&r->findings);
    r = FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .sn = 1, .expsn = 0x1005);     /* ExpStatSN should be 0x1001 */
    expect(&r->findings, ISL_CHK_LOGIN_STATSN, 1);
    r = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .sn = 0x1003, .expsn = 2);     /* StatSN +3, ExpCmdSN != CmdSN */
    expect(&r->findings, ISL_CHK_LOGIN_STATSN, 2);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/cmdsn", test_login_cmdsn)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .sn = 1, NAMES);
    FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1, TPGT);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 2, .expsn = 0x1001);
    expect(&r->findings, ISL_CHK_LOGIN_CMDSN, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/not_immediate", test_login_not_immediate)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    r = FEED(&b, .op = LREQ, .no_immediate = true, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, NAMES);
    expect(&r->findings, ISL_CHK_LOGIN_NOT_IMMEDIATE, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/missing_names", test_login_missing_names)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, KV("SessionType=Normal\0"));
    expect(&r->findings, ISL_CHK_LOGIN_MISSING_INITIATORNAME, 1, ISL_CHK_LOGIN_MISSING_TARGETNAME, 1);
    /* Discovery needs no TargetName */
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, .conn = 1,
             KV("InitiatorName=" INAME "\0SessionType=Discovery\0"));
    expect_none(&r->findings);
    ab_clear(&b);
}

/* Captures that start within a login. */
ISL_TEST("/analyzer/login/incomplete", test_login_incomplete)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    /* a request without InitiatorName on a connection whose start was not captured */
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, .mid = true,
             KV("MaxBurstLength=65536\0"));
    expect(&r->findings, ISL_CHK_LOGIN_INCOMPLETE, 1);
    g_assert_true(r->login->started_mid);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .sn = 0x1000, .expsn = 1,
             .mid = true, KV("TargetPortalGroupTag=1\0MaxBurstLength=65536\0"));
    expect(&r->findings, ISL_CHK_LOGIN_INCOMPLETE, 1, ISL_CHK_LOGIN_SUMMARY, 1);
    g_assert_cmpint(r->login->outcome, ==, ISL_OUT_INCOMPLETE);
    g_assert_cmpint(r->xrecs[r->n_xrecs - 1].time_ns, ==, -1);
    g_assert_false(r->xrecs[r->n_xrecs - 1].complete);

    /* only a response */
    r = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID2, .sn = 0x1000, .expsn = 1, .conn = 1, .mid = true, TPGT);
    expect(&r->findings, ISL_CHK_LOGIN_INCOMPLETE, 1);
    g_assert_cmpuint(r->request_in, ==, 0);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/no_tpgt", test_login_no_tpgt)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .sn = 0x1000, .expsn = 1);
    expect(&r->findings, ISL_CHK_LOGIN_NO_TPGT, 1, ISL_CHK_LOGIN_SUMMARY, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/final_with_offer", test_login_final_with_offer)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .sn = 0x1000, .expsn = 1,
             KV("TargetPortalGroupTag=1\0MaxBurstLength=65536\0ImmediateData=No\0"));
    /* ImmediateData=No needs no answer; MaxBurstLength can no longer get one
     * (reported once, as final_with_offer, not also as missing_answer) */
    expect(&r->findings, ISL_CHK_NEG_FINAL_WITH_OFFER, 1, ISL_CHK_LOGIN_SUMMARY, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/in_ffp", test_login_in_ffp)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .cid = 1, .sn = 1, NAMES);
    expect(&r->findings, ISL_CHK_LOGIN_IN_FFP, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/non_login_pdu", test_login_non_login_pdu)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .sn = 1, NAMES);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 9, KV("X-com.example.a=1\0"));
    expect(&r->findings, ISL_CHK_LOGIN_NON_LOGIN_PDU, 1);
    r = FEED(&b, .op = ISL_OP_NOP_OUT, .itt = 10);
    expect(&r->findings, ISL_CHK_LOGIN_NON_LOGIN_PDU, 1);
    r = FEED(&b, .op = ISL_OP_SCSI_CMD, .itt = 11);
    g_assert_nonnull(r);
    expect(&r->findings, ISL_CHK_LOGIN_NON_LOGIN_PDU, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/isid_type", test_login_isid_type)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = 0xc00000000001ull, .sn = 1, NAMES);
    expect(&r->findings, ISL_CHK_LOGIN_ISID_TYPE, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/login/pdu_over_8192", test_login_pdu_over_8192)
{
    abench b;
    isl_pdu *r;
    GString *s = g_string_new(NULL);
#define HEAD "InitiatorName=" INAME "\0TargetName=" TNAME "\0X-com.example.pad="
    g_string_append_len(s, HEAD, sizeof(HEAD) - 1);
#undef HEAD
    while (s->len < 9000)
        g_string_append_c(s, 'a');
    g_string_append_c(s, '\0');
    ab_init(&b, NULL);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, .data = s->str, .dlen = s->len);
    expect(&r->findings, ISL_CHK_FMT_LOGIN_PDU_OVER_8192, 1, ISL_CHK_FMT_TEXT_OVER_8192, 1);
    g_assert_cmpstr(isl_pdu_initiator(r), ==, INAME);
    ab_clear(&b);
    g_string_free(s, TRUE);
}

/* Authentication runs inside the login: CHAP, and its challenge seen again. */
static void chap_login(abench *b, uint32_t conn, uint64_t isid, isl_pdu **challenge, isl_pdu **auth_done)
{
    isl_pdu *r;
    r = FEED(b, .op = LREQ, .final = true, .csg = 0, .nsg = 1, .isid = isid, .sn = 1, .conn = conn,
             KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0AuthMethod=CHAP,None\0"));
    expect_none(&r->findings);
    r = FEED(b, .op = LRSP, .csg = 0, .isid = isid, .sn = 0x1000, .expsn = 1, .conn = conn,
             KV("TargetPortalGroupTag=1\0AuthMethod=CHAP\0"));
    expect_none(&r->findings);
    r = FEED(b, .op = LREQ, .csg = 0, .isid = isid, .sn = 1, .expsn = 0x1001, .conn = conn, KV("CHAP_A=5\0"));
    expect_none(&r->findings);
    *challenge = FEED(b, .op = LRSP, .csg = 0, .isid = isid, .sn = 0x1001, .expsn = 1, .conn = conn,
                      KV("CHAP_A=5\0CHAP_I=1\0CHAP_C=" C16 "\0"));
    r = FEED(b, .op = LREQ, .final = true, .csg = 0, .nsg = 1, .isid = isid, .sn = 1, .expsn = 0x1002, .conn = conn,
             KV("CHAP_N=user\0CHAP_R=" R16 "\0"));
    expect_none(&r->findings);
    *auth_done = FEED(b, .op = LRSP, .final = true, .csg = 0, .nsg = 1, .isid = isid, .sn = 0x1002, .expsn = 1,
                      .conn = conn);
    r = FEED(b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = isid, .sn = 1, .expsn = 0x1003, .conn = conn);
    expect_none(&r->findings);
    r = FEED(b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = isid, .tsih = 0x10 + (uint16_t)conn,
             .sn = 0x1003, .expsn = 1, .conn = conn);
    expect(&r->findings, ISL_CHK_LOGIN_SUMMARY, 1);
}

ISL_TEST("/analyzer/login/chap", test_login_chap)
{
    abench b;
    isl_pdu *ch, *done;
    ab_init(&b, NULL);
    chap_login(&b, 0, ISID1, &ch, &done);
    expect_none(&ch->findings);
    expect(&done->findings, ISL_CHK_AUTH_SUMMARY, 1);
    g_assert_cmpstr(done->findings.head->msg, ==,
                    "Authentication: CHAP (MD5), one-way, initiator CHAP_N \"user\": succeeded");
    g_assert_cmpint(done->xrecs[0].kind, ==, ISL_X_SECURITY_STAGE);

    chap_login(&b, 1, ISID2, &ch, &done);
    expect(&ch->findings, ISL_CHK_CHAP_CHALLENGE_REUSE, 1);
    g_assert_cmpstr(ch->findings.head->msg, ==,
                    "Target's CHAP_C was already used in frame 4: challenges must be fresh");
    expect(&done->findings, ISL_CHK_AUTH_SUMMARY, 1);
    ab_clear(&b);
}

/* ---- C bit ---------------------------------------------------------------------- */

/* The text is cut in the middle of a key name; the target answers the C=1
 * PDU with an empty one. */
ISL_TEST("/analyzer/cbit/reassembly", test_cbit_reassembly)
{
    abench b;
    isl_pdu *p[4];
    const isl_login *l;
    ab_init(&b, NULL);
    p[0] = FEED(&b, .op = LREQ, .cont = true, .csg = 1, .isid = ISID1, .sn = 1, KV("InitiatorName=" INAME "\0Target"));
    expect(&p[0]->findings, ISL_CHK_TEXT_CONTINUED, 1);
    g_assert_true(p[0]->continued);
    g_assert_cmpuint(p[0]->continued_from, ==, 0);
    g_assert_null(isl_pdu_initiator(p[0]));   /* nothing is known before the text is complete */
    p[1] = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1);
    expect_none(&p[1]->findings);
    p[2] = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, .expsn = 0x1001,
                KV("Name=" TNAME "\0"));
    expect_none(&p[2]->findings);
    g_assert_false(p[2]->continued);
    g_assert_cmpuint(p[2]->continued_from, ==, 1);
    g_assert_cmpstr(isl_pdu_initiator(p[2]), ==, INAME);
    g_assert_cmpstr(isl_pdu_target(p[2]), ==, TNAME);
    p[3] = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .sn = 0x1001,
                .expsn = 1, TPGT);
    expect(&p[3]->findings, ISL_CHK_LOGIN_SUMMARY, 1);
    l = p[3]->login;
    g_assert_cmpuint(isl_login_kv_count(l), ==, 3);
    g_assert_cmpstr(isl_login_kv_at(l, 1).key, ==, "TargetName");
    g_assert_cmpstr(isl_login_kv_at(l, 1).value, ==, TNAME);
    g_assert_cmpuint(isl_login_kv_at(l, 1).frame, ==, 3);
    ab_clear(&b);
}

/* The target's text continues too; the initiator answers with an empty request. */
ISL_TEST("/analyzer/cbit/response_reassembly", test_cbit_response_reassembly)
{
    abench b;
    isl_pdu *r;
    const isl_login *l;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, NAMES);
    r = FEED(&b, .op = LRSP, .cont = true, .csg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1,
             KV("TargetPortalGroupTag=1\0TargetAl"));
    expect(&r->findings, ISL_CHK_TEXT_CONTINUED, 1);
    g_assert_true(r->continued);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, .expsn = 0x1001);
    expect_none(&r->findings);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .sn = 0x1001, .expsn = 1,
             KV("ias=disk1\0"));
    expect(&r->findings, ISL_CHK_LOGIN_SUMMARY, 1);   /* and no login.no_tpgt: the TPGT came in frame 2 */
    g_assert_cmpuint(r->continued_from, ==, 2);
    l = r->login;
    g_assert_cmpuint(isl_login_kv_count(l), ==, 4);
    g_assert_cmpstr(isl_login_kv_at(l, 3).key, ==, "TargetAlias");
    g_assert_cmpstr(isl_login_kv_at(l, 3).value, ==, "disk1");
    g_assert_cmpuint(isl_login_kv_at(l, 3).side, ==, ISL_SIDE_T);
    ab_clear(&b);
}

ISL_TEST("/analyzer/cbit/reply_not_empty", test_cbit_reply_not_empty)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .cont = true, .csg = 1, .isid = ISID1, .sn = 1, KV("InitiatorName=" INAME "\0Target"));
    r = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1, TPGT);
    expect(&r->findings, ISL_CHK_FMT_C_REPLY_NOT_EMPTY, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/cbit/with_final", test_cbit_with_final)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    r = FEED(&b, .op = LREQ, .final = true, .cont = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1,
             KV("InitiatorName=" INAME "\0"));
    expect(&r->findings, ISL_CHK_FMT_C_WITH_FINAL, 1, ISL_CHK_TEXT_CONTINUED, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/cbit/text_reassembly", test_cbit_text_reassembly)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = TREQ, .cont = true, .itt = 0x20, .sn = 2, KV("MaxRecvDataSeg"));
    expect(&r->findings, ISL_CHK_TEXT_CONTINUED, 1);
    r = FEED(&b, .op = TRSP, .itt = 0x20, .ttt = 5, .ttt_set = true, .sn = 0x1001);
    expect_none(&r->findings);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x20, .ttt = 5, .ttt_set = true, .sn = 2, .expsn = 0x1002,
             KV("mentLength=65536\0"));
    expect_none(&r->findings);
    g_assert_cmpuint(r->continued_from, ==, 3);
    g_assert_cmpstr(isl_nego_find(r->textx->nego, "MaxRecvDataSegmentLength")->value[ISL_SIDE_I], ==, "65536");
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x20, .sn = 0x1002, KV("MaxRecvDataSegmentLength=65536\0"));
    expect_none(&r->findings);
    g_assert_true(r->text_final);
    ab_clear(&b);
}

/* ---- retransmissions --------------------------------------------------------------- */

ISL_TEST("/analyzer/retransmission", test_retransmission)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, NAMES);
    g_assert_cmpuint(r->retrans_of, ==, 0);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, NAMES);
    g_assert_cmpuint(r->retrans_of, ==, 1);
    expect_none(&r->findings);   /* and no "sent again" */
    g_assert_null(r->login);
    g_assert_cmpuint(r->session_number, ==, 1);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .sn = 0x1000, .expsn = 1, TPGT);
    expect(&r->findings, ISL_CHK_LOGIN_SUMMARY, 1);
    g_assert_cmpuint(r->request_in, ==, 1);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .sn = 0x1000, .expsn = 1, TPGT);
    g_assert_cmpuint(r->retrans_of, ==, 3);
    expect_none(&r->findings);
    g_assert_cmpuint(isl_analyzer_session_count(b.a), ==, 1);

    /* the same bytes on another connection are no retransmission */
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID2, .sn = 1, .conn = 1, NAMES);
    g_assert_cmpuint(r->retrans_of, ==, 0);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID2, .sn = 1, .conn = 2, NAMES);
    g_assert_cmpuint(r->retrans_of, ==, 0);
    ab_clear(&b);
}

/* ---- records by frame (what the post-dissector shows on every pass) ------------- */

ISL_TEST("/analyzer/frame_pdus", test_frame_pdus)
{
    abench b;
    isl_pdu *q, *r1, *r2;
    isl_pdu *const *v;

    ab_init(&b, NULL);
    g_assert_cmpuint(isl_analyzer_frame_pdus(b.a, 1, &v), ==, 0);
    g_assert_null(v);
    q = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .itt = 7, .sn = 1, NAMES);
    /* frame 2: the response and a second connection's request */
    r1 = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .itt = 7, .sn = 0x1000,
              .expsn = 1, TPGT);
    r2 = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID2, .itt = 1, .sn = 1, .conn = 1,
              .same_frame = true, NAMES);
    /* frame 3: SCSI data, no record */
    g_assert_null(FEED(&b, .op = ISL_OP_DATA_OUT, .conn = 0));

    g_assert_cmpuint(isl_analyzer_frame_pdus(b.a, 0, &v), ==, 0);
    g_assert_cmpuint(isl_analyzer_frame_pdus(b.a, 1, &v), ==, 1);
    g_assert_true(v[0] == q);
    g_assert_cmpuint(isl_analyzer_frame_pdus(b.a, 2, &v), ==, 2);
    g_assert_true(v[0] == r1 && v[1] == r2);
    g_assert_cmpuint(v[1]->pdu_index, ==, 1);
    g_assert_cmpuint(isl_analyzer_frame_pdus(b.a, 3, &v), ==, 0);
    g_assert_cmpuint(isl_analyzer_frame_pdus(b.a, 4, &v), ==, 0);
    ab_clear(&b);
}

/* The lookup remembers where the last frame was (a pass asks in order): any
 * order of questions must still get the answer a scan of all records gives. */
ISL_TEST("/analyzer/frame_pdus_any_order", test_frame_pdus_any_order)
{
    isl_analyzer *a = isl_analyzer_new(NULL);
    GRand *rnd = g_rand_new_with_seed(7);
    GPtrArray *all = g_ptr_array_new();
    uint32_t frame = 1, nframes;

    /* records in some frames, none in others */
    for (unsigned i = 0; i < 3000; i++) {
        if (g_rand_boolean(rnd))
            g_ptr_array_add(all, isl_analyzer_unanalysed(a, frame, 0, 0));
        frame += (uint32_t)g_rand_int_range(rnd, 1, 3);
    }
    nframes = frame + 2;
    for (uint32_t q = 0, f = 0; q < 20000; q++) {
        /* runs in order, then a jump anywhere (a GUI scrolling) */
        f = q % 50 ? (f + 1) % nframes : (uint32_t)g_rand_int_range(rnd, 0, (gint32)nframes);
        isl_pdu *const *v;
        unsigned n = isl_analyzer_frame_pdus(a, f, &v), want = 0;
        for (guint i = 0; i < all->len; i++)
            want += ((isl_pdu *)g_ptr_array_index(all, i))->frame == f;
        g_assert_cmpuint(n, ==, want);
        for (unsigned i = 0; i < n; i++)
            g_assert_cmpuint(v[i]->frame, ==, f);
    }
    g_ptr_array_free(all, TRUE);
    g_rand_free(rnd);
    isl_analyzer_free(a);
}

/* ---- Text ------------------------------------------------------------------------ */

ISL_TEST("/analyzer/text/negotiation", test_text_negotiation)
{
    abench b;
    isl_pdu *q, *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    q = FEED(&b, .op = TREQ, .final = true, .itt = 0x20, .sn = 2, .expsn = 0x1001,
             KV("MaxRecvDataSegmentLength=65536\0"));
    expect_none(&q->findings);
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x20, .sn = 0x1001, KV("MaxRecvDataSegmentLength=131072\0"));
    expect_none(&r->findings);
    g_assert_cmpuint(r->request_in, ==, 3);
    g_assert_cmpuint(q->response_in, ==, 4);
    g_assert_cmpint(r->rtt_ns, ==, 1000000);
    g_assert_true(r->text_final);
    g_assert_true(r->textx->done);
    g_assert_false(r->textx->sendtargets);
    g_assert_cmpuint(r->textx->final_frame, ==, 4);
    g_assert_cmpuint(r->n_xrecs, ==, 1);
    g_assert_cmpint(r->xrecs[0].kind, ==, ISL_X_TEXT);
    g_assert_cmpuint(r->session_number, ==, 1);
    ab_clear(&b);
}

/* The receiver's MaxRecvDataSegmentLength bounds PDUs; Text renegotiation moves it. */
ISL_TEST("/analyzer/text/over_mrdsl", test_text_over_mrdsl)
{
    abench b;
    isl_pdu *r;
    char *big = g_malloc(9001);
    memcpy(big, "X-com.example.pad=", 18);
    memset(big + 18, 'a', 9000 - 18);
    big[9000] = '\0';
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x20, .sn = 2, .data = big, .dlen = 9001);
    expect(&r->findings, ISL_CHK_TEXT_OVER_MRDSL, 1, ISL_CHK_FMT_TEXT_OVER_8192, 1);
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x20, .sn = 0x1001, KV("X-com.example.pad=NotUnderstood\0"));
    expect_none(&r->findings);
    FEED(&b, .op = TREQ, .final = true, .itt = 0x21, .sn = 2, KV("MaxRecvDataSegmentLength=16384\0"));
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x21, .sn = 0x1002, KV("MaxRecvDataSegmentLength=16384\0"));
    expect_none(&r->findings);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x22, .sn = 2, .data = big, .dlen = 9001);
    expect(&r->findings, ISL_CHK_FMT_TEXT_OVER_8192, 1);   /* within MaxRecvDataSegmentLength, above 8192 */
    ab_clear(&b);
    g_free(big);
}

ISL_TEST("/analyzer/text/renegotiated", test_text_renegotiated)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = TREQ, .itt = 0x20, .sn = 2, KV("MaxRecvDataSegmentLength=65536\0"));
    expect_none(&r->findings);
    r = FEED(&b, .op = TRSP, .itt = 0x20, .ttt = 5, .ttt_set = true, .sn = 0x1001);
    expect_none(&r->findings);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x20, .ttt = 5, .ttt_set = true, .sn = 2, .expsn = 0x1002,
             KV("MaxRecvDataSegmentLength=32768\0"));
    expect(&r->findings, ISL_CHK_NEG_RENEGOTIATED_TEXT, 1);
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x20, .sn = 0x1002, KV("MaxRecvDataSegmentLength=8192\0"));
    expect_none(&r->findings);
    ab_clear(&b);
}

ISL_TEST("/analyzer/text/f_ttt", test_text_f_ttt)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    FEED(&b, .op = TREQ, .final = true, .itt = 0x20, .sn = 2, KV("MaxRecvDataSegmentLength=65536\0"));
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x20, .ttt = 5, .ttt_set = true, .sn = 0x1001);
    expect(&r->findings, ISL_CHK_TEXT_F_TTT, 1);
    FEED(&b, .op = TREQ, .final = true, .itt = 0x21, .sn = 2, KV("MaxRecvDataSegmentLength=32768\0"));
    r = FEED(&b, .op = TRSP, .itt = 0x21, .sn = 0x1002);
    expect(&r->findings, ISL_CHK_TEXT_F_TTT, 1);
    g_assert_false(r->text_final);
    ab_clear(&b);
}

/* A capture that starts after the Text Request: a Note, not a login fault,
 * and the exchange after it is analysed as usual. */
ISL_TEST("/analyzer/text/no_request", test_text_no_request)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x20, .sn = 0x1001, KV("MaxRecvDataSegmentLength=65536\0"));
    expect(&r->findings, ISL_CHK_TEXT_NO_REQUEST, 1);
    g_assert_cmpstr(r->findings.head->msg, ==, "Text Response without a captured Text Request (ITT 0x00000020)");
    g_assert_cmpint(isl_check_get(ISL_CHK_TEXT_NO_REQUEST)->severity, ==, ISL_SEV_NOTE);
    g_assert_null(r->textx);
    g_assert_cmpuint(r->session_number, ==, 1);
    FEED(&b, .op = TREQ, .final = true, .itt = 0x21, .sn = 2, KV("MaxRecvDataSegmentLength=32768\0"));
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x21, .sn = 0x1002, KV("MaxRecvDataSegmentLength=65536\0"));
    expect_none(&r->findings);
    g_assert_true(r->text_final);
    ab_clear(&b);
}

ISL_TEST("/analyzer/text/final_to_nonfinal", test_text_final_to_nonfinal)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    FEED(&b, .op = TREQ, .itt = 0x20, .sn = 2, KV("MaxRecvDataSegmentLength=65536\0"));
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x20, .sn = 0x1001, KV("MaxRecvDataSegmentLength=65536\0"));
    expect(&r->findings, ISL_CHK_TEXT_FINAL_TO_NONFINAL, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/text/sequence_fields", test_text_sequence_fields)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    FEED(&b, .op = TREQ, .itt = 0x20, .sn = 2, KV("MaxRecvDataSegmentLength=65536\0"));
    FEED(&b, .op = TRSP, .itt = 0x20, .ttt = 5, .ttt_set = true, .sn = 0x1001);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x20, .ttt = 7, .ttt_set = true, .sn = 2, .expsn = 0x1002);
    expect(&r->findings, ISL_CHK_TEXT_SEQUENCE_FIELDS, 1);
    ab_clear(&b);
}

/* ---- SendTargets -------------------------------------------------------------------- */

ISL_TEST("/analyzer/sendtargets/records", test_sendtargets_records)
{
    abench b;
    isl_pdu *r;
    const isl_target_rec *t;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x11, 0, true);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x30, .sn = 1, KV("SendTargets=All\0"));
    expect_none(&r->findings);
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x30, .sn = 0x1001,
             KV("TargetName=iqn.2026-11.test.unit:disk1\0TargetAddress=10.0.0.2:3260,1\0TargetAddress=[fe80::2]:3260,1\0"
                "TargetName=iqn.2026-11.test.unit:disk2\0TargetAlias=second\0TargetAddress=10.0.0.3:3260,2\0"));
    expect(&r->findings, ISL_CHK_DISC_RESULT, 1);
    g_assert_cmpstr(r->findings.head->msg, ==, "SendTargets=All returned 2 targets, 3 portals");
    g_assert_true(r->textx->sendtargets);
    g_assert_cmpuint(r->textx->targets->len, ==, 2);
    t = g_ptr_array_index(r->textx->targets, 0);
    g_assert_cmpstr(t->name, ==, "iqn.2026-11.test.unit:disk1");
    g_assert_cmpuint(t->addresses->len, ==, 2);
    g_assert_cmpstr(g_ptr_array_index(t->addresses, 1), ==, "[fe80::2]:3260,1");
    t = g_ptr_array_index(r->textx->targets, 1);
    g_assert_cmpuint(t->addresses->len, ==, 1);
    g_assert_cmpuint(r->textx->n_portals, ==, 3);
    g_assert_cmpuint(sess(&b, 0)->n_targets, ==, 2);
    g_assert_cmpint(r->xrecs[0].kind, ==, ISL_X_SENDTARGETS);
    ab_clear(&b);
}

/* tgt cuts long SendTargets replies at MaxRecvDataSegmentLength without the C
 * bit: the pair cut at the PDU boundary is joined with the next response. */
ISL_TEST("/analyzer/sendtargets/cut_pair", test_sendtargets_cut_pair)
{
    abench b;
    isl_pdu *r;
    const isl_target_rec *t;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x11, 0, true);
    FEED(&b, .op = TREQ, .final = true, .itt = 0x30, .sn = 1, KV("SendTargets=All\0"));
    r = FEED(&b, .op = TRSP, .itt = 0x30, .ttt = 5, .ttt_set = true, .sn = 0x1001,
             KV("TargetName=iqn.2026-11.test.unit:disk1\0TargetAddress=10.0.0.2:32"));
    expect(&r->findings, ISL_CHK_FMT_UNTERMINATED_PAIR, 1);
    g_assert_cmpuint(r->textx->targets->len, ==, 1);
    g_assert_cmpuint(r->textx->n_portals, ==, 0);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x30, .ttt = 5, .ttt_set = true, .sn = 1, .expsn = 0x1002);
    expect_none(&r->findings);
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x30, .sn = 0x1002,
             KV("60,1\0TargetName=iqn.2026-11.test.unit:disk2\0TargetAddress=10.0.0.3:3260,1\0"));
    expect(&r->findings, ISL_CHK_DISC_RESULT, 1);
    g_assert_cmpstr(r->findings.head->msg, ==, "SendTargets=All returned 2 targets, 2 portals");
    t = g_ptr_array_index(r->textx->targets, 0);
    g_assert_cmpuint(t->addresses->len, ==, 1);
    g_assert_cmpstr(g_ptr_array_index(t->addresses, 0), ==, "10.0.0.2:3260,1");
    ab_clear(&b);
}

ISL_TEST("/analyzer/sendtargets/response_format", test_sendtargets_response_format)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x11, 0, true);
    FEED(&b, .op = TREQ, .final = true, .itt = 0x30, .sn = 1, KV("SendTargets=All\0"));
    r = FEED(&b, .op = TRSP, .final = true, .itt = 0x30, .sn = 0x1001,
             KV("TargetAddress=10.0.0.2:3260,1\0TargetName=" TNAME "\0TargetAddress=10.0.0.2:3260\0MaxBurstLength=512\0"));
    expect(&r->findings, ISL_CHK_DISC_RESPONSE_FORMAT, 3, ISL_CHK_DISC_RESULT, 1);
    g_assert_cmpuint(r->textx->n_portals, ==, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/sendtargets/extra", test_sendtargets_extra)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x11, 0, true);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x30, .sn = 1, KV("SendTargets=All\0MaxRecvDataSegmentLength=65536\0"));
    expect(&r->findings, ISL_CHK_DISC_SENDTARGETS_EXTRA, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/sendtargets/all_normal", test_sendtargets_all_normal)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x30, .sn = 2, KV("SendTargets=All\0"));
    expect(&r->findings, ISL_CHK_DISC_SENDTARGETS_ALL_NORMAL, 1);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x31, .sn = 2, KV("SendTargets=\0"));
    expect_none(&r->findings);
    ab_clear(&b);
}

ISL_TEST("/analyzer/discovery/forbidden_pdu", test_discovery_forbidden_pdu)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x11, 0, true);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x30, .sn = 1, KV("MaxRecvDataSegmentLength=65536\0"));
    expect(&r->findings, ISL_CHK_DISC_FORBIDDEN_PDU, 1);
    r = FEED(&b, .op = ISL_OP_SCSI_CMD, .itt = 0x31, .sn = 1);
    g_assert_nonnull(r);
    expect(&r->findings, ISL_CHK_DISC_FORBIDDEN_PDU, 1);
    r = FEED(&b, .op = ISL_OP_NOP_OUT, .itt = 0x32, .sn = 1);
    expect_none(&r->findings);
    ab_clear(&b);
}

/* ---- Logout -------------------------------------------------------------------------- */

ISL_TEST("/analyzer/logout/session", test_logout_session)
{
    abench b;
    isl_pdu *q, *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    q = FEED(&b, .op = ISL_OP_LOGOUT_REQ, .reason = 0, .itt = 0x40, .sn = 2, .expsn = 0x1001);
    expect_none(&q->findings);
    r = FEED(&b, .op = ISL_OP_LOGOUT_RSP, .itt = 0x40, .sn = 0x1001, .expsn = 3);
    expect_none(&r->findings);
    g_assert_true(q->logout == r->logout);
    g_assert_cmpuint(r->request_in, ==, 3);
    g_assert_cmpuint(q->response_in, ==, 4);
    g_assert_cmpint(r->rtt_ns, ==, 1000000);
    g_assert_cmpint(r->logout->session_duration, ==, 2000000);
    g_assert_true(sess(&b, 0)->ended);
    g_assert_false(sess(&b, 0)->logged_in);
    g_assert_cmpuint(r->n_xrecs, ==, 1);
    g_assert_cmpint(r->xrecs[0].kind, ==, ISL_X_LOGOUT);
    g_assert_false(r->xrecs[0].failed);
    ab_clear(&b);
}

ISL_TEST("/analyzer/logout/reason", test_logout_reason)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = ISL_OP_LOGOUT_REQ, .reason = 3, .itt = 0x40, .sn = 2);
    expect(&r->findings, ISL_CHK_LOGOUT_REASON, 1);
    ab_login(&b, 1, ISID2, 0, 0x11, 0, true);
    r = FEED(&b, .op = ISL_OP_LOGOUT_REQ, .reason = 1, .itt = 0x40, .sn = 2, .conn = 1);
    expect(&r->findings, ISL_CHK_LOGOUT_REASON, 1);
    ab_login(&b, 2, ISID1 + 7, 0, 0x12, 0, false);
    r = FEED(&b, .op = ISL_OP_LOGOUT_REQ, .reason = 2, .itt = 0x40, .sn = 2, .conn = 2);
    expect_none(&r->findings);
    ab_clear(&b);
}

ISL_TEST("/analyzer/logout/response", test_logout_response)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    FEED(&b, .op = ISL_OP_LOGOUT_REQ, .reason = 1, .cid = 3, .itt = 0x40, .sn = 2);
    r = FEED(&b, .op = ISL_OP_LOGOUT_RSP, .response = 1, .itt = 0x40, .sn = 0x1001);
    expect(&r->findings, ISL_CHK_LOGOUT_RESPONSE, 1);
    g_assert_cmpstr(r->findings.head->msg, ==, "Logout response 1: CID not found");
    g_assert_true(r->xrecs[0].failed);
    g_assert_cmpuint(r->cid, ==, 3);
    g_assert_false(sess(&b, 0)->ended);
    /* a second response has no request */
    r = FEED(&b, .op = ISL_OP_LOGOUT_RSP, .itt = 0x40, .sn = 0x1002);
    expect(&r->findings, ISL_CHK_LOGOUT_NO_REQUEST, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/logout/nonzero_length", test_logout_nonzero_length)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = ISL_OP_LOGOUT_REQ, .itt = 0x40, .sn = 2, KV("12345678"));
    expect(&r->findings, ISL_CHK_LOGOUT_NONZERO_LENGTH, 1);
    r = FEED(&b, .op = ISL_OP_LOGOUT_RSP, .itt = 0x40, .sn = 0x1001, .ahs_words = 1);
    expect(&r->findings, ISL_CHK_LOGOUT_NONZERO_LENGTH, 1);
    ab_clear(&b);
}

/* A capture that starts after the Logout Request: a Note, not a login fault. */
ISL_TEST("/analyzer/logout/no_request", test_logout_no_request)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = ISL_OP_LOGOUT_RSP, .itt = 0x40, .sn = 0x1001);
    expect(&r->findings, ISL_CHK_LOGOUT_NO_REQUEST, 1);
    g_assert_cmpstr(r->findings.head->msg, ==, "Logout Response without a captured Logout Request");
    g_assert_cmpint(isl_check_get(ISL_CHK_LOGOUT_NO_REQUEST)->severity, ==, ISL_SEV_NOTE);
    g_assert_null(r->logout);
    g_assert_cmpuint(r->n_xrecs, ==, 0);
    g_assert_false(sess(&b, 0)->ended);
    ab_clear(&b);
}

ISL_TEST("/analyzer/logout/traffic_after", test_logout_traffic_after)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    FEED(&b, .op = ISL_OP_LOGOUT_REQ, .reason = 1, .itt = 0x40, .sn = 2);
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x41, .sn = 3, KV("MaxRecvDataSegmentLength=65536\0"));
    expect(&r->findings, ISL_CHK_LOGOUT_TRAFFIC_AFTER, 1);
    ab_clear(&b);
}

/* ---- digests, truncation, opcodes ------------------------------------------------------ */

ISL_TEST("/analyzer/digest_mismatch", test_digest_mismatch)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1,
         KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0HeaderDigest=CRC32C\0"));
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .sn = 0x1000, .expsn = 1,
             KV("TargetPortalGroupTag=1\0HeaderDigest=CRC32C\0"));
    expect(&r->findings, ISL_CHK_LOGIN_SUMMARY, 1);
    /* with the digest the data segment is found after it */
    r = FEED(&b, .op = TREQ, .final = true, .itt = 0x20, .sn = 2, .hdigest = true, KV("MaxRecvDataSegmentLength=65536\0"));
    expect_none(&r->findings);
    g_assert_cmpstr(isl_nego_find(r->textx->nego, "MaxRecvDataSegmentLength")->value[ISL_SIDE_I], ==, "65536");
    /* without it */
    r = FEED(&b, .op = ISL_OP_NOP_OUT, .itt = 0x21, .sn = 2);
    expect(&r->findings, ISL_CHK_DIGEST_MISMATCH, 1);

    /* no digests negotiated, but 4 more bytes than header and data */
    ab_login(&b, 1, ISID2, 0, 0x11, 0, false);
    r = FEED(&b, .op = ISL_OP_NOP_OUT, .itt = 0x22, .sn = 2, .conn = 1, .trailer = 4);
    expect(&r->findings, ISL_CHK_DIGEST_MISMATCH, 1);
    r = FEED(&b, .op = ISL_OP_NOP_OUT, .itt = 0x23, .sn = 2, .conn = 1);
    expect_none(&r->findings);
    ab_clear(&b);
}

ISL_TEST("/analyzer/pdu_truncated", test_pdu_truncated)
{
    abench b;
    isl_pdu *r;
    ab_init(&b, NULL);
    /* captured up to the end of the second pair */
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, .captured = 14 + 27 + 1 + 11 + 27 + 1,
             KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0X-com.example.pad=0123456789\0"));
    expect(&r->findings, ISL_CHK_PDU_TRUNCATED, 1);
    g_assert_cmpstr(isl_pdu_target(r), ==, TNAME);
    ab_clear(&b);
}

ISL_TEST("/analyzer/opcode_filter", test_opcode_filter)
{
    abench b;
    isl_pdu_in in;
    uint8_t bhs[48] = { ISL_OP_LOGIN_REQ | 0x40 };
    ab_init(&b, NULL);
    g_assert_null(FEED(&b, .op = ISL_OP_DATA_IN));
    g_assert_null(FEED(&b, .op = ISL_OP_DATA_OUT));
    g_assert_null(FEED(&b, .op = ISL_OP_R2T));
    g_assert_null(FEED(&b, .op = ISL_OP_SCSI_RSP));
    g_assert_null(FEED(&b, .op = ISL_OP_TMF_REQ));
    g_assert_false(isl_opcode_wanted(ISL_OP_SNACK));
    g_assert_true(isl_opcode_wanted(ISL_OP_LOGIN_REQ | 0x40));
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    /* SCSI commands of a Normal session in full feature phase are not analysed */
    g_assert_null(FEED(&b, .op = ISL_OP_SCSI_CMD, .itt = 1, .sn = 2));
    /* less than a BHS */
    memset(&in, 0, sizeof in);
    in.frame = 99;
    in.pdu = bhs;
    in.avail = 47;
    in.reported = 48;
    in.src = in.dst = "x";
    g_assert_null(isl_analyzer_feed(b.a, &in));
    in.pdu = NULL;
    in.avail = 48;
    g_assert_null(isl_analyzer_feed(b.a, &in));
    ab_clear(&b);
}

ISL_TEST("/analyzer/nop_link", test_nop_link)
{
    abench b;
    isl_pdu *q, *r;
    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    q = FEED(&b, .op = ISL_OP_NOP_OUT, .itt = 0x50, .sn = 2);
    r = FEED(&b, .op = ISL_OP_NOP_IN, .itt = 0x50, .sn = 0x1001);
    expect_none(&q->findings);
    expect_none(&r->findings);
    g_assert_cmpuint(r->request_in, ==, 3);
    g_assert_cmpuint(q->response_in, ==, 4);
    ab_clear(&b);
}

/* ---- state caps (isl_limits) --------------------------------------------------------------- */

ISL_TEST("/analyzer/state_limit/sessions", test_state_limit_sessions)
{
    abench b;
    isl_limits lim = { .max_sessions = 1, .max_text_bytes = 1u << 20, .max_keys = 1024, .max_pdus = 1000 };
    isl_pdu *r;
    ab_init(&b, &lim);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID2, .sn = 1, .conn = 1, NAMES);
    expect(&r->findings, ISL_CHK_STATE_LIMIT, 1);
    g_assert_cmpuint(r->session_number, ==, 0);
    g_assert_null(r->login->session);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID2, .tsih = 0x11, .sn = 0x1000, .expsn = 1,
             .conn = 1, TPGT);
    expect(&r->findings, ISL_CHK_LOGIN_SUMMARY, 1);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID2 + 1, .sn = 1, .conn = 2, NAMES);
    expect_none(&r->findings);   /* reported once */
    g_assert_cmpuint(isl_analyzer_session_count(b.a), ==, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/state_limit/text_bytes", test_state_limit_text_bytes)
{
    abench b;
    isl_limits lim = { .max_sessions = 100, .max_text_bytes = 64, .max_keys = 1024, .max_pdus = 1000 };
    isl_pdu *r;
    ab_init(&b, &lim);
    r = FEED(&b, .op = LREQ, .cont = true, .csg = 1, .isid = ISID1, .sn = 1, KV("InitiatorName=" INAME));   /* 41 bytes */
    expect(&r->findings, ISL_CHK_TEXT_CONTINUED, 1);
    FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1);
    r = FEED(&b, .op = LREQ, .cont = true, .csg = 1, .isid = ISID1, .sn = 1, .expsn = 0x1001,
             KV("\0TargetName=" TNAME));   /* 39 more: 80 > 64 */
    expect(&r->findings, ISL_CHK_STATE_LIMIT, 1, ISL_CHK_TEXT_CONTINUED, 1);
    ab_clear(&b);
}

ISL_TEST("/analyzer/state_limit/keys", test_state_limit_keys)
{
    abench b;
    isl_limits lim = { .max_sessions = 100, .max_text_bytes = 1u << 20, .max_keys = 2, .max_pdus = 1000 };
    isl_pdu *r;
    ab_init(&b, &lim);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1,
             KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0MaxBurstLength=65536\0FirstBurstLength=512\0"));
    expect(&r->findings, ISL_CHK_STATE_LIMIT, 1);
    g_assert_cmpuint(isl_nego_count(r->login->nego), ==, 2);
    ab_clear(&b);
}

ISL_TEST("/analyzer/state_limit/pdus", test_state_limit_pdus)
{
    abench b;
    isl_limits lim = { .max_sessions = 100, .max_text_bytes = 1u << 20, .max_keys = 1024, .max_pdus = 2 };
    isl_pdu *r;
    ab_init(&b, &lim);
    r = FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .sn = 1, NAMES);
    expect_none(&r->findings);
    r = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1, TPGT);
    expect_none(&r->findings);
    r = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .sn = 1, .expsn = 0x1001);
    g_assert_nonnull(r);
    expect(&r->findings, ISL_CHK_STATE_LIMIT, 1);
    g_assert_cmpuint(r->session_number, ==, 1);
    g_assert_cmpuint(isl_analyzer_cap_frame(b.a), ==, r->frame);
    g_assert_cmpuint(isl_analyzer_max_pdus(b.a), ==, 2);
    g_assert_null(FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .sn = 0x1001,
                       .expsn = 1));
    ab_clear(&b);
}

/* A login whose final response never comes: its last PDU is where the
 * login.unfinished Note goes, and its record is counted, untimed, unfailed. */
ISL_TEST("/analyzer/login/unfinished", test_login_unfinished)
{
    abench b;
    isl_pdu *q, *r;
    isl_xrec x;

    ab_init(&b, NULL);
    q = FEED(&b, .op = LREQ, .csg = 0, .nsg = 1, .isid = ISID1, .itt = 7, .sn = 1,
             KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0AuthMethod=None\0"));
    g_assert_true(isl_login_unfinished_at(q->login, q));
    r = FEED(&b, .op = LRSP, .csg = 0, .nsg = 1, .isid = ISID1, .itt = 7, KV("AuthMethod=None\0"));
    g_assert_false(isl_login_unfinished_at(q->login, q));
    g_assert_true(isl_login_unfinished_at(r->login, r));
    x = isl_login_unfinished_xrec(r->login);
    g_assert_true(x.unfinished);
    g_assert_false(x.failed);
    g_assert_false(x.complete);
    g_assert_cmpint(x.time_ns, ==, -1);
    g_assert_cmpint(x.kind, ==, ISL_X_NORMAL_LOGIN);
    g_assert_cmpuint(x.first_frame, ==, 1);
    g_assert_cmpuint(x.last_frame, ==, 2);
    g_assert_cmpstr(isl_xrec_initiator(&x), ==, INAME);

    /* The final response settles it: no Note anywhere. */
    r = FEED(&b, .op = LREQ, .final = true, .csg = 0, .nsg = 3, .isid = ISID1, .itt = 7, .sn = 1);
    r = FEED(&b, .op = LRSP, .final = true, .csg = 0, .nsg = 3, .isid = ISID1, .itt = 7, .tsih = 5, TPGT);
    g_assert_cmpint(r->login->outcome, ==, ISL_OUT_SUCCESS);
    g_assert_false(isl_login_unfinished_at(r->login, r));
    g_assert_false(isl_login_unfinished_at(NULL, r));
    ab_clear(&b);
}

/* Frames the caller could not feed get one state.unanalysed record each, in
 * frame order after the frame's analysed PDUs. */
ISL_TEST("/analyzer/unanalysed", test_unanalysed)
{
    abench b;
    isl_pdu *q, *u, *u2;
    isl_pdu *const *v;

    ab_init(&b, NULL);
    q = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .itt = 7, .sn = 1, NAMES);
    u = isl_analyzer_unanalysed(b.a, q->frame, 5, 3);
    g_assert_true(u->unanalysed);
    g_assert_null(u->session);
    expect(&u->findings, ISL_CHK_STATE_UNANALYSED, 1);
    g_assert_cmpstr(u->findings.head->msg, ==,
                    "Frame 1: iSCSI PDUs decoded by Wireshark's iSCSI dissector (TCP stream 3) were not seen by the "
                    "login analysis; logins, Text and Logout exchanges in them are not analysed");
    u2 = isl_analyzer_unanalysed(b.a, q->frame, 5, 3);
    g_assert_true(u2 == u);
    g_assert_cmpuint(isl_analyzer_frame_pdus(b.a, q->frame, &v), ==, 2);
    g_assert_true(v[0] == q && v[1] == u);
    u2 = isl_analyzer_unanalysed(b.a, q->frame + 5, 6, 3);
    g_assert_cmpuint(isl_analyzer_frame_pdus(b.a, q->frame + 5, &v), ==, 1);
    g_assert_true(v[0] == u2);
    ab_clear(&b);
}
