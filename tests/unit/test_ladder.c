/* SPDX-License-Identifier: GPL-2.0-or-later
 * The login ladder (ladder.c): the flow-graph label of each Login, Text and
 * Logout PDU, built from the analyzer's records of hand-built PDUs. */
#include "testutil.h"
#include "ladder.h"

#define LREQ ISL_OP_LOGIN_REQ
#define LRSP ISL_OP_LOGIN_RSP

static void expect_label_(const char *file, int line, const isl_pdu *r, const char *want)
{
    char *got = isl_ladder_label(r);
    if (g_strcmp0(got, want) != 0)
        g_error("%s:%d: label \"%s\", expected \"%s\"", file, line, got, want);
    g_free(got);
}
#define expect_label(r, want) expect_label_(__FILE__, __LINE__, (r), (want))

/* Stage step CSG→NSG with T, keys of this PDU only, status on responses,
 * the outcome on the final one. */
ISL_TEST("/ladder/login_stages", test_login_stages)
{
    abench b;
    isl_pdu *p[4];
    char *c;

    ab_init(&b, NULL);
    p[0] = FEED(&b, .op = LREQ, .final = true, .csg = 0, .nsg = 1, .isid = ISID1, .itt = 1, .sn = 1,
                KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0SessionType=Normal\0AuthMethod=None\0"));
    p[1] = FEED(&b, .op = LRSP, .final = true, .csg = 0, .nsg = 1, .isid = ISID1, .itt = 1, .sn = 0x1000, .expsn = 1,
                KV("TargetPortalGroupTag=1\0AuthMethod=None\0"));
    p[2] = FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .itt = 1, .sn = 1, .expsn = 0x1001,
                KV("HeaderDigest=None\0DataDigest=None\0MaxRecvDataSegmentLength=65536\0InitialR2T=Yes\0"
                   "ImmediateData=Yes\0MaxBurstLength=262144\0"));
    p[3] = FEED(&b, .op = LRSP, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .tsih = 0x10, .itt = 1,
                .sn = 0x1001, .expsn = 1);
    expect_label(p[0], "Login 0\u21921 T (InitiatorName, TargetName, SessionType, AuthMethod)");
    expect_label(p[1], "Login Rsp 0\u21921 T (TargetPortalGroupTag, AuthMethod) status 0x0000");
    expect_label(p[2], "Login 1\u21923 T (HeaderDigest, DataDigest, MaxRecvDataSegmentLength, InitialR2T, +2)");
    expect_label(p[3], "Login Rsp 1\u21923 T status 0x0000 Success");
    g_assert_true(isl_ladder_wanted(p[3]));
    c = isl_ladder_comment(p[3], "x");
    g_assert_cmpstr(c, ==, "Session 1: x");
    g_free(c);
    ab_clear(&b);
}

/* A non-zero status ends the login; T, CSG and NSG are reserved there. */
ISL_TEST("/ladder/login_failed", test_login_failed)
{
    abench b;
    isl_pdu *r;

    ab_init(&b, NULL);
    FEED(&b, .op = LREQ, .final = true, .csg = 1, .nsg = 3, .isid = ISID1, .itt = 1, .sn = 1,
         KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0"));
    r = FEED(&b, .op = LRSP, .isid = ISID1, .itt = 1, .status = 0x0201);
    expect_label(r, "Login Rsp status 0x0201 Failed");
    ab_clear(&b);
}

/* T=0: no NSG; C=1: the keys are listed with the PDU that completes them. */
ISL_TEST("/ladder/login_continued", test_login_continued)
{
    abench b;
    isl_pdu *p, *q;

    ab_init(&b, NULL);
    p = FEED(&b, .op = LREQ, .cont = true, .csg = 1, .isid = ISID1, .sn = 1, KV("InitiatorName=" INAME "\0Target"));
    q = FEED(&b, .op = LRSP, .csg = 1, .isid = ISID1, .sn = 0x1000, .expsn = 1);
    expect_label(p, "Login 1 C");
    expect_label(q, "Login Rsp 1 status 0x0000");
    p = FEED(&b, .op = LREQ, .csg = 1, .isid = ISID1, .sn = 1, .expsn = 0x1001, KV("Name=" TNAME "\0"));
    expect_label(p, "Login 1 (InitiatorName, TargetName)");
    ab_clear(&b);
}

ISL_TEST("/ladder/sendtargets", test_sendtargets)
{
    abench b;
    isl_pdu *q, *r;

    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x11, 0, true);
    q = FEED(&b, .op = ISL_OP_TEXT_REQ, .final = true, .itt = 0x30, .sn = 1, KV("SendTargets=All\0"));
    r = FEED(&b, .op = ISL_OP_TEXT_RSP, .final = true, .itt = 0x30, .sn = 0x1001,
             KV("TargetName=iqn.2026-11.test.unit:disk1\0TargetAddress=10.0.0.2:3260,1\0"));
    expect_label(q, "Text F (SendTargets)");
    expect_label(r, "Text Rsp F 1 target");
    ab_clear(&b);
}

/* Text negotiation in full feature phase: the keys each side sent there. */
ISL_TEST("/ladder/text_negotiation", test_text_negotiation)
{
    abench b;
    isl_pdu *q, *r;

    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    q = FEED(&b, .op = ISL_OP_TEXT_REQ, .final = true, .itt = 0x31, .sn = 2, KV("MaxRecvDataSegmentLength=4096\0"));
    r = FEED(&b, .op = ISL_OP_TEXT_RSP, .final = true, .itt = 0x31, .sn = 0x1001, KV("MaxRecvDataSegmentLength=8192\0"));
    expect_label(q, "Text F (MaxRecvDataSegmentLength)");
    expect_label(r, "Text Rsp F (MaxRecvDataSegmentLength)");
    ab_clear(&b);
}

ISL_TEST("/ladder/logout", test_logout)
{
    abench b;
    isl_pdu *q, *r;

    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    q = FEED(&b, .op = ISL_OP_LOGOUT_REQ, .reason = 1, .itt = 0x40, .sn = 2, .expsn = 0x1001);
    r = FEED(&b, .op = ISL_OP_LOGOUT_RSP, .response = 0, .itt = 0x40, .sn = 0x1001, .expsn = 3);
    expect_label(q, "Logout reason 1");
    expect_label(r, "Logout Rsp 0");
    ab_clear(&b);
}

ISL_TEST("/ladder/keys_capped", test_keys_capped)
{
    static const char *const names[] = { "A", "B", "C", "D", "E", "F" };
    GString *s = g_string_new(NULL);

    isl_ladder_append_keys(s, names, 0);
    g_assert_cmpstr(s->str, ==, "");
    isl_ladder_append_keys(s, names, 4);
    g_assert_cmpstr(s->str, ==, " (A, B, C, D)");
    g_string_truncate(s, 0);
    isl_ladder_append_keys(s, names, 6);
    g_assert_cmpstr(s->str, ==, " (A, B, C, D, +2)");
    g_string_free(s, TRUE);
}

/* SCSI and NOP PDUs get no arrow. */
ISL_TEST("/ladder/wanted", test_wanted)
{
    abench b;
    isl_pdu *r;

    ab_init(&b, NULL);
    ab_login(&b, 0, ISID1, 0, 0x10, 0, false);
    r = FEED(&b, .op = ISL_OP_NOP_OUT, .itt = 0x50, .sn = 2, .expsn = 0x1001);
    g_assert_nonnull(r);
    g_assert_false(isl_ladder_wanted(r));
    ab_clear(&b);
}
