/* SPDX-License-Identifier: GPL-2.0-or-later
 * compare.c: two sessions' login negotiations side by side (-z iscsi,diff).
 * Each test negotiates two logins with the fixture, compares them and
 * asserts the exact cells and marker of the rows concerned. */
#include "testutil.h"
#include "compare.h"
#include <string.h>

#define OP ISL_STAGE_OP
#define SEC ISL_STAGE_SEC
#define FI(x, st, lit) nfx_feed((x), ISL_SIDE_I, (st), TXT(lit))
#define FT(x, st, lit) nfx_feed((x), ISL_SIDE_T, (st), TXT(lit))

typedef struct {
    nfx x[2];
    isl_cmp_side *side[2];
    GArray *rows;
} pair;

static void pair_init(pair *p, isl_session_type type)
{
    memset(p, 0, sizeof *p);
    for (int i = 0; i < 2; i++)
        nfx_init(&p->x[i], true, true, type);
}

/* Both negotiations are fed: compare them (outcomes as shown by the table). */
static void pair_compare(pair *p, const char *outcome_a, const char *outcome_b)
{
    for (int i = 0; i < 2; i++)
        nfx_finish(&p->x[i]);
    p->side[0] = isl_cmp_side_new(3, outcome_a, p->x[0].n);
    p->side[1] = isl_cmp_side_new(7, outcome_b, p->x[1].n);
    p->rows = isl_cmp_rows(p->side[0], p->side[1]);
}

static void pair_clear(pair *p)
{
    g_array_free(p->rows, TRUE);
    for (int i = 0; i < 2; i++) {
        isl_cmp_side_free(p->side[i]);
        nfx_clear(&p->x[i]);
    }
}

static const isl_cmp_row *row_of(const pair *p, const char *label)
{
    for (guint i = 0; i < p->rows->len; i++) {
        const isl_cmp_row *r = &g_array_index(p->rows, isl_cmp_row, i);
        if (!strcmp(r->label, label))
            return r;
    }
    return NULL;
}

static int index_of(const pair *p, const char *label)
{
    const isl_cmp_row *r = row_of(p, label);
    return r ? (int)(r - &g_array_index(p->rows, isl_cmp_row, 0)) : -1;
}

/* Offer, answer, result of A then B, and the marker. */
static void expect_row(const pair *p, const char *label, const char *oa, const char *aa, const char *ra,
                       const char *ob, const char *ab, const char *rb, const char *mark)
{
    const isl_cmp_row *r = row_of(p, label);
    g_assert_nonnull(r);
    g_assert_cmpstr(r->offer[0], ==, oa);
    g_assert_cmpstr(r->answer[0], ==, aa);
    g_assert_cmpstr(r->result[0], ==, ra);
    g_assert_cmpstr(r->offer[1], ==, ob);
    g_assert_cmpstr(r->answer[1], ==, ab);
    g_assert_cmpstr(r->result[1], ==, rb);
    g_assert_cmpstr(isl_cmp_marker(r->diff), ==, mark);
}

/* The classic: one host gets unsolicited data both ways, the other none
 * (RFC 7143 §13.10, §13.11), which also makes FirstBurstLength irrelevant
 * there (§13.14). */
ISL_TEST("/compare/results_differ", test_results_differ)
{
    pair p;
    pair_init(&p, ISL_ST_NORMAL);
    FI(&p.x[0], OP, "InitialR2T=No\0ImmediateData=Yes\0FirstBurstLength=65536\0");
    FT(&p.x[0], OP, "InitialR2T=No\0ImmediateData=Yes\0FirstBurstLength=65536\0");
    FI(&p.x[1], OP, "InitialR2T=Yes\0ImmediateData=No\0FirstBurstLength=65536\0");
    FT(&p.x[1], OP, "InitialR2T=Yes\0ImmediateData=No\0FirstBurstLength=65536\0");
    pair_compare(&p, "Success", "Success");
    expect_row(&p, "InitialR2T", "No", "No", "No", "Yes", "Yes", "Yes", "*");
    expect_row(&p, "ImmediateData", "Yes", "Yes", "Yes", "No", "No", "No", "*");
    expect_row(&p, "FirstBurstLength", "65536", "65536", "65536", "65536", "65536",
               "- (irrelevant with InitialR2T=Yes and ImmediateData=No)", "*");
    pair_clear(&p);
}

/* A target capping both hosts: same result, different offers. */
ISL_TEST("/compare/offers_differ", test_offers_differ)
{
    pair p;
    pair_init(&p, ISL_ST_NORMAL);
    FI(&p.x[0], OP, "MaxBurstLength=262144\0");
    FT(&p.x[0], OP, "MaxBurstLength=262144\0");
    FI(&p.x[1], OP, "MaxBurstLength=1048576\0");
    FT(&p.x[1], OP, "MaxBurstLength=262144\0");
    pair_compare(&p, "Success", "Success");
    expect_row(&p, "MaxBurstLength", "262144", "262144", "262144", "1048576", "262144", "262144", "~");
    expect_row(&p, "ErrorRecoveryLevel", "-", "-", "not offered (default 0)", "-", "-", "not offered (default 0)", "");
    pair_clear(&p);
}

/* The default is the value in force: not offering Yes and negotiating Yes
 * end the same. */
ISL_TEST("/compare/default_is_a_result", test_default_is_a_result)
{
    pair p;
    pair_init(&p, ISL_ST_NORMAL);
    FI(&p.x[1], OP, "ImmediateData=Yes\0");
    FT(&p.x[1], OP, "ImmediateData=Yes\0");
    pair_compare(&p, "Success", "Success");
    expect_row(&p, "ImmediateData", "-", "-", "not offered (default Yes)", "Yes", "Yes", "Yes", "~");
    pair_clear(&p);
}

/* Why a key kept its default: no answer, Reject, NotUnderstood. */
ISL_TEST("/compare/unsettled_reasons", test_unsettled_reasons)
{
    pair p;
    pair_init(&p, ISL_ST_NORMAL);
    FI(&p.x[0], OP, "DataPDUInOrder=No\0MaxConnections=4\0");
    FT(&p.x[0], OP, "DataPDUInOrder=Reject\0MaxConnections=NotUnderstood\0");
    FI(&p.x[1], OP, "DataPDUInOrder=No\0");
    nfx_stage_end(&p.x[1], OP);
    pair_compare(&p, "Success", "Success");
    expect_row(&p, "DataPDUInOrder", "No", "Reject", "rejected (default Yes)", "No", "no answer",
               "no answer (default Yes)", "~");
    expect_row(&p, "MaxConnections", "4", "NotUnderstood", "not understood (default 1)", "-", "-",
               "not offered (default 1)", "~");
    pair_clear(&p);
}

/* Declarations: who sent them, no answer expected; MaxRecvDataSegmentLength
 * is one value per direction (§13.12). */
ISL_TEST("/compare/declarations", test_declarations)
{
    pair p;
    pair_init(&p, ISL_ST_NORMAL);
    FI(&p.x[0], SEC, "InitiatorName=iqn.2026-11.test.unit:a\0");
    FT(&p.x[0], SEC, "TargetPortalGroupTag=1\0");
    FI(&p.x[0], OP, "MaxRecvDataSegmentLength=262144\0");
    FT(&p.x[0], OP, "MaxRecvDataSegmentLength=65536\0");
    FI(&p.x[1], SEC, "InitiatorName=iqn.2026-11.test.unit:b\0");
    FT(&p.x[1], SEC, "TargetPortalGroupTag=1\0");
    FI(&p.x[1], OP, "MaxRecvDataSegmentLength=262144\0");
    pair_compare(&p, "Success", "Success");
    expect_row(&p, "InitiatorName", "iqn.2026-11.test.unit:a", "-", "iqn.2026-11.test.unit:a",
               "iqn.2026-11.test.unit:b", "-", "iqn.2026-11.test.unit:b", "*");
    expect_row(&p, "TargetPortalGroupTag", "1 (target)", "-", "1", "1 (target)", "-", "1", "");
    expect_row(&p, "MaxRecvDataSegmentLength", "262144", "65536", "I 262144, T 65536", "262144", "-",
               "I 262144, T 8192", "*");
    pair_clear(&p);
}

/* Session and Login first; a different outcome is a difference. */
ISL_TEST("/compare/session_rows", test_session_rows)
{
    pair p;
    pair_init(&p, ISL_ST_NORMAL);
    pair_compare(&p, "Success", "Failed 0x0201");
    g_assert_cmpint(index_of(&p, "Session"), ==, 0);
    g_assert_cmpint(index_of(&p, "Login"), ==, 1);
    expect_row(&p, "Session", "", "", "3", "", "", "7", "");
    expect_row(&p, "Login", "", "", "Success", "", "", "Failed 0x0201", "*");
    pair_clear(&p);
}

/* Rows: the login parameters always, other keys when sent, in key-table
 * order; unknown keys last; the authentication exchange never. */
ISL_TEST("/compare/row_selection", test_row_selection)
{
    pair p;
    pair_init(&p, ISL_ST_NORMAL);
    FI(&p.x[0], SEC, "AuthMethod=CHAP\0");
    FT(&p.x[0], SEC, "AuthMethod=CHAP\0");
    FI(&p.x[0], SEC, "CHAP_A=5\0");
    FT(&p.x[0], SEC, "CHAP_A=5\0CHAP_I=1\0CHAP_C=0x000102030405060708090a0b0c0d0e0f\0");
    FI(&p.x[0], OP, "X-com.example.b=1\0X-com.example.a=1\0");
    FT(&p.x[0], OP, "X-com.example.b=NotUnderstood\0X-com.example.a=NotUnderstood\0");
    FI(&p.x[1], OP, "X-com.example.c=1\0X-com.example.a=1\0");
    FT(&p.x[1], OP, "X-com.example.c=NotUnderstood\0X-com.example.a=NotUnderstood\0");
    pair_compare(&p, "Success", "Success");
    g_assert_null(row_of(&p, "CHAP_A"));
    g_assert_null(row_of(&p, "CHAP_C"));
    g_assert_null(row_of(&p, "CHAP_I"));
    g_assert_null(row_of(&p, "TargetAlias"));
    expect_row(&p, "AuthMethod", "CHAP", "CHAP", "CHAP", "-", "-", "- (not offered)", "*");
    g_assert_cmpint(index_of(&p, "AuthMethod"), ==, 2);
    g_assert_cmpint(index_of(&p, "AuthMethod") + 1, ==, index_of(&p, "HeaderDigest"));
    g_assert_cmpint(index_of(&p, "iSCSIProtocolLevel"), <, index_of(&p, "X-com.example.b"));
    g_assert_cmpint(index_of(&p, "X-com.example.b"), ==, (int)p.rows->len - 3);
    g_assert_cmpint(index_of(&p, "X-com.example.a"), ==, (int)p.rows->len - 2);
    g_assert_cmpint(index_of(&p, "X-com.example.c"), ==, (int)p.rows->len - 1);
    expect_row(&p, "X-com.example.a", "1", "NotUnderstood", "- (not understood)", "1", "NotUnderstood",
               "- (not understood)", "");
    expect_row(&p, "X-com.example.b", "1", "NotUnderstood", "- (not understood)", "-", "-", "- (not sent)", "*");
    expect_row(&p, "X-com.example.c", "-", "-", "- (not sent)", "1", "NotUnderstood", "- (not understood)", "*");
    pair_clear(&p);
}

/* RFC 7143 §13: "Irrelevant when: SessionType=Discovery". */
ISL_TEST("/compare/discovery_irrelevant", test_discovery_irrelevant)
{
    pair p;
    pair_init(&p, ISL_ST_DISCOVERY);
    FI(&p.x[0], OP, "MaxBurstLength=262144\0");
    FT(&p.x[0], OP, "MaxBurstLength=262144\0");
    pair_compare(&p, "Success", "Success");
    expect_row(&p, "MaxBurstLength", "262144", "262144", "- (irrelevant in a Discovery session)", "-", "-",
               "- (irrelevant in a Discovery session)", "~");
    pair_clear(&p);
}

/* A login the capture cut off: nothing is settled, every key says so. */
ISL_TEST("/compare/login_not_finished", test_login_not_finished)
{
    nfx x;
    isl_cmp_side *a, *b;
    GArray *rows;

    nfx_init(&x, true, true, ISL_ST_NORMAL);
    FI(&x, OP, "ImmediateData=No\0");
    FT(&x, OP, "ImmediateData=No\0");
    a = isl_cmp_side_new(1, "Success", x.n);
    b = isl_cmp_side_new(2, "Not finished", NULL);
    g_assert_cmpuint(isl_cmp_side_session(b), ==, 2);
    rows = isl_cmp_rows(a, b);
    for (guint i = 2; i < rows->len; i++) {
        const isl_cmp_row *r = &g_array_index(rows, isl_cmp_row, i);
        g_assert_cmpstr(r->result[1], ==, "- (login not finished)");
        g_assert_cmpint(r->diff, ==, ISL_CMP_RESULT);
    }
    g_array_free(rows, TRUE);
    isl_cmp_side_free(a);
    isl_cmp_side_free(b);
    nfx_clear(&x);
}
