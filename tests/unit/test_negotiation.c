/* SPDX-License-Identifier: GPL-2.0-or-later
 * Offer/answer rules of negotiation.c (RFC 7143 §6.1-§6.4, §12, §13).
 * Each test feeds key=value text sets to one negotiation and asserts the
 * exact findings of every call and the resulting values. */
#include "testutil.h"
#include <string.h>

#define SEC ISL_STAGE_SEC
#define OP ISL_STAGE_OP
#define FFP ISL_STAGE_FFP
#define FI(x, st, lit) nfx_feed((x), ISL_SIDE_I, (st), TXT(lit))
#define FT(x, st, lit) nfx_feed((x), ISL_SIDE_T, (st), TXT(lit))

/* 16-byte CHAP values; C16 and C16_B64 encode the same bytes. */
#define C16 "0x000102030405060708090a0b0c0d0e0f"
#define C16_B64 "0bAAECAwQFBgcICQoLDA0ODw=="
#define C16_UPPER "0x000102030405060708090A0B0C0D0E0F"
#define IC16 "0xa0a1a2a3a4a5a6a7a8a9aaabacadaeaf"
#define R16 "0x0f0e0d0c0b0a09080706050403020100"
#define R16_B64 "0bDw4NDAsKCQgHBgUEAwIBAA=="
#define TR16 "0xb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
#define R20 "0x000102030405060708090a0b0c0d0e0f10111213"

static void login_nfx(nfx *x) { nfx_init(x, true, true, ISL_ST_NORMAL); }

/* The initiator offers i and the target answers t in the operational stage,
 * which then ends, and the negotiation finishes: x->f holds the findings of
 * the finish (those of the text sets and the stage end are not kept). */
static void op_round(nfx *x, const uint8_t *i, size_t ilen, const uint8_t *t, size_t tlen)
{
    nfx_feed(x, ISL_SIDE_I, OP, i, ilen);
    nfx_feed(x, ISL_SIDE_T, OP, t, tlen);
    nfx_stage_end(x, OP);
    nfx_finish(x);
}
#define OP_ROUND(x, i, t) op_round((x), TXT(i), TXT(t))

/* ---- list keys ------------------------------------------------------------ */

ISL_TEST("/negotiation/list_answer_not_offered", test_list_answer_not_offered)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "HeaderDigest=None\0DataDigest=CRC32C\0"), ==, 2);
    expect_none(&x.f);
    g_assert_cmpuint(FT(&x, OP, "HeaderDigest=CRC32C\0DataDigest=None\0"), ==, 0);
    expect(&x.f, ISL_CHK_NEG_LIST_ANSWER_NOT_OFFERED, 2);
    g_assert_null(nfx_result(&x, "HeaderDigest"));
    g_assert_true(isl_nego_find(x.n, "HeaderDigest")->answered);
    nfx_stage_end(&x, OP);
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/list_answer_multi", test_list_answer_multi)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "HeaderDigest=CRC32C,None\0");
    expect_none(&x.f);
    FT(&x, OP, "HeaderDigest=CRC32C,None\0");
    expect(&x.f, ISL_CHK_NEG_LIST_ANSWER_MULTI, 1);
    g_assert_null(nfx_result(&x, "HeaderDigest"));
    nfx_clear(&x);
}

ISL_TEST("/negotiation/list_not_first", test_list_not_first)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "HeaderDigest=CRC32C,None\0DataDigest=CRC32C,None\0"), ==, 2);
    expect_none(&x.f);
    FT(&x, OP, "HeaderDigest=None\0DataDigest=CRC32C\0");
    expect(&x.f, ISL_CHK_NEG_LIST_NOT_FIRST, 1);
    g_assert_cmpstr(nfx_result(&x, "HeaderDigest"), ==, "None");
    g_assert_cmpstr(nfx_result(&x, "DataDigest"), ==, "CRC32C");
    g_assert_cmpuint(isl_nego_find(x.n, "DataDigest")->result_frame, ==, 2);
    g_assert_cmpint(isl_nego_find(x.n, "DataDigest")->offerer, ==, ISL_SIDE_I);
    nfx_clear(&x);
}

/* ---- numeric keys ----------------------------------------------------------- */

ISL_TEST("/negotiation/min_answer_above_offer", test_min_answer_above_offer)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "MaxBurstLength=262144\0FirstBurstLength=65536\0"), ==, 2);
    expect_none(&x.f);
    FT(&x, OP, "MaxBurstLength=524288\0FirstBurstLength=8192\0");
    expect(&x.f, ISL_CHK_NEG_MIN_ANSWER_ABOVE_OFFER, 1);
    g_assert_cmpstr(nfx_result(&x, "MaxBurstLength"), ==, "262144");
    g_assert_cmpstr(nfx_result(&x, "FirstBurstLength"), ==, "8192");
    nfx_clear(&x);
}

ISL_TEST("/negotiation/max_answer_below_offer", test_max_answer_below_offer)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "DefaultTime2Wait=2\0");
    FT(&x, OP, "DefaultTime2Wait=1\0");
    expect(&x.f, ISL_CHK_NEG_MAX_ANSWER_BELOW_OFFER, 1);
    g_assert_cmpstr(nfx_result(&x, "DefaultTime2Wait"), ==, "2");
    nfx_clear(&x);

    login_nfx(&x);
    FI(&x, OP, "DefaultTime2Wait=2\0");
    FT(&x, OP, "DefaultTime2Wait=0x5\0");
    expect_none(&x.f);
    g_assert_cmpstr(nfx_result(&x, "DefaultTime2Wait"), ==, "5");
    nfx_clear(&x);
}

ISL_TEST("/negotiation/out_of_range", test_out_of_range)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "MaxRecvDataSegmentLength=100\0MaxBurstLength=16777216\0"
                                "ErrorRecoveryLevel=3\0MaxConnections=0\0"), ==, 3);
    expect(&x.f, ISL_CHK_NEG_OUT_OF_RANGE, 4);
    FT(&x, OP, "MaxBurstLength=262144\0ErrorRecoveryLevel=0\0");
    expect_none(&x.f);
    g_assert_cmpstr(nfx_result(&x, "MaxBurstLength"), ==, "262144");
    nfx_clear(&x);

    /* an out-of-range answer */
    login_nfx(&x);
    FI(&x, OP, "DefaultTime2Wait=2\0");
    FT(&x, OP, "DefaultTime2Wait=3601\0");
    expect(&x.f, ISL_CHK_NEG_OUT_OF_RANGE, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/range_misuse", test_range_misuse)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "MaxBurstLength=512~1024\0"), ==, 1);
    expect(&x.f, ISL_CHK_NEG_RANGE_MISUSE, 1);
    nfx_clear(&x);
}

/* ---- booleans ----------------------------------------------------------------- */

static void bool_case(const char *key, const char *offer, const char *answer, int check, const char *result,
                      unsigned offers)
{
    nfx x;
    char *o = g_strdup_printf("%s=%s", key, offer), *a = g_strdup_printf("%s=%s", key, answer);
    login_nfx(&x);
    g_assert_cmpuint(nfx_feed(&x, ISL_SIDE_I, OP, (const uint8_t *)o, strlen(o) + 1), ==, offers);
    expect_none(&x.f);
    nfx_feed(&x, ISL_SIDE_T, OP, (const uint8_t *)a, strlen(a) + 1);
    if (check >= 0)
        expect(&x.f, check, 1);
    else
        expect_none(&x.f);
    g_assert_cmpstr(nfx_result(&x, key), ==, result);
    nfx_clear(&x);
    g_free(o);
    g_free(a);
}

ISL_TEST("/negotiation/bool_and", test_bool_and)
{
    bool_case("ImmediateData", "No", "Yes", ISL_CHK_NEG_BOOL_AND, "No", 0);
    bool_case("ImmediateData", "No", "No", -1, "No", 0);
    bool_case("ImmediateData", "Yes", "No", -1, "No", 1);
    bool_case("ImmediateData", "Yes", "Yes", -1, "Yes", 1);
}

ISL_TEST("/negotiation/bool_or", test_bool_or)
{
    bool_case("InitialR2T", "Yes", "No", ISL_CHK_NEG_BOOL_OR, "Yes", 0);
    bool_case("InitialR2T", "Yes", "Yes", -1, "Yes", 0);
    bool_case("DataPDUInOrder", "No", "Yes", -1, "Yes", 1);
    bool_case("DataSequenceInOrder", "No", "No", -1, "No", 1);
}

ISL_TEST("/negotiation/bool_value", test_bool_value)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "InitialR2T=True\0ImmediateData=yes\0"), ==, 2);
    expect(&x.f, ISL_CHK_NEG_BOOL_VALUE, 1, ISL_CHK_FMT_CASE, 1);
    FT(&x, OP, "InitialR2T=Yes\0ImmediateData=Yes\0");
    expect_none(&x.f);
    g_assert_null(nfx_result(&x, "InitialR2T"));   /* no result from an invalid offer */
    nfx_clear(&x);
}

/* ---- reserved constants as answers ----------------------------------------- */

ISL_TEST("/negotiation/reject_admissible", test_reject_admissible)
{
    nfx x;
    isl_val_state st;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "MaxBurstLength=262144\0InitialR2T=No\0MaxConnections=0\0HeaderDigest=CRC32C\0"), ==, 4);
    expect(&x.f, ISL_CHK_NEG_OUT_OF_RANGE, 1);
    FT(&x, OP, "MaxBurstLength=Reject\0InitialR2T=Reject\0MaxConnections=Reject\0HeaderDigest=Reject\0");
    /* MaxConnections=0 was inadmissible: Reject is right there */
    expect(&x.f, ISL_CHK_NEG_REJECT_ADMISSIBLE, 2, ISL_CHK_NEG_REJECT_SEEN, 4);
    g_assert_null(nfx_result(&x, "MaxBurstLength"));
    g_assert_cmpstr(isl_nego_value(x.n, isl_key_lookup("MaxBurstLength"), &st), ==, "262144");
    g_assert_cmpint(st, ==, ISL_VAL_DEFAULT);
    nfx_stage_end(&x, OP);
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/reject_seen", test_reject_seen)
{
    nfx x;
    isl_val_state st;
    login_nfx(&x);
    FI(&x, OP, "HeaderDigest=CRC32C\0");
    FT(&x, OP, "HeaderDigest=Reject\0");
    expect(&x.f, ISL_CHK_NEG_REJECT_SEEN, 1);
    g_assert_cmpstr(isl_nego_value(x.n, isl_key_lookup("HeaderDigest"), &st), ==, "None");
    g_assert_cmpint(st, ==, ISL_VAL_DEFAULT);
    nfx_stage_end(&x, OP);
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/notunderstood_std", test_notunderstood_std)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "MaxBurstLength=262144\0DataDigest=None\0");
    FT(&x, OP, "MaxBurstLength=NotUnderstood\0DataDigest=NotUnderstood\0");
    expect(&x.f, ISL_CHK_NEG_NOTUNDERSTOOD_STD, 2);
    g_assert_null(nfx_result(&x, "MaxBurstLength"));
    nfx_clear(&x);
}

ISL_TEST("/negotiation/notunderstood_7144", test_notunderstood_7144)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "TaskReporting=RFC3720,ResponseFence\0iSCSIProtocolLevel=2\0"), ==, 2);
    expect_none(&x.f);
    FT(&x, OP, "TaskReporting=NotUnderstood\0iSCSIProtocolLevel=NotUnderstood\0");
    expect(&x.f, ISL_CHK_NEG_NOTUNDERSTOOD_7144, 2);
    nfx_stage_end(&x, OP);
    expect_none(&x.f);
    nfx_clear(&x);
}

/* NotUnderstood is the normal answer to extension and unknown keys. */
ISL_TEST("/negotiation/notunderstood_extension", test_notunderstood_extension)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "X-com.example.Foo=1\0FooBar=1\0X-com.example.Bar=2\0"), ==, 3);
    expect(&x.f, ISL_CHK_NEG_UNKNOWN_KEY, 1);
    FT(&x, OP, "X-com.example.Foo=NotUnderstood\0FooBar=NotUnderstood\0");
    expect_none(&x.f);
    nfx_stage_end(&x, OP);
    expect_none(&x.f);   /* X-com.example.Bar: extension keys may be declarative */
    g_assert_false(isl_nego_find(x.n, "X-com.example.Bar")->answered);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/irrelevant_unexpected", test_irrelevant_unexpected)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "MaxBurstLength=262144\0FirstBurstLength=65536\0");
    FT(&x, OP, "MaxBurstLength=Irrelevant\0FirstBurstLength=Irrelevant\0");
    expect(&x.f, ISL_CHK_NEG_IRRELEVANT_UNEXPECTED, 1);
    nfx_clear(&x);

    /* Discovery: the keys marked "Irrelevant when SessionType=Discovery"
     * (MaxBurstLength is one, RFC 7143 §13.13); DefaultTime2Wait is not */
    nfx_init(&x, true, true, ISL_ST_DISCOVERY);
    FI(&x, OP, "MaxOutstandingR2T=1\0DataPDUInOrder=No\0MaxBurstLength=262144\0DefaultTime2Wait=2\0");
    FT(&x, OP, "MaxOutstandingR2T=Irrelevant\0DataPDUInOrder=Irrelevant\0MaxBurstLength=Irrelevant\0DefaultTime2Wait=Irrelevant\0");
    expect(&x.f, ISL_CHK_NEG_IRRELEVANT_UNEXPECTED, 1);
    g_assert_nonnull(strstr(x.f.head->msg, "DefaultTime2Wait"));
    nfx_clear(&x);
}

/* ---- missing answers ---------------------------------------------------------- */

ISL_TEST("/negotiation/missing_answer", test_missing_answer)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "MaxBurstLength=262144\0HeaderDigest=None\0MaxRecvDataSegmentLength=65536\0"), ==, 2);
    FT(&x, OP, "MaxRecvDataSegmentLength=65536\0");
    expect_none(&x.f);
    nfx_stage_end(&x, OP);
    expect(&x.f, ISL_CHK_NEG_MISSING_ANSWER, 2);
    nfx_stage_end(&x, OP);   /* reported once */
    expect_none(&x.f);
    nfx_clear(&x);

    /* the initiator owes the target an answer too */
    login_nfx(&x);
    g_assert_cmpuint(FT(&x, OP, "MaxBurstLength=65536\0"), ==, 1);
    nfx_stage_end(&x, OP);
    expect(&x.f, ISL_CHK_NEG_MISSING_ANSWER, 1);
    g_assert_nonnull(strstr(x.f.head->msg, "the initiator never answered"));
    nfx_clear(&x);
}

/* AND offered No and OR offered Yes need no answer: their result is the offer. */
ISL_TEST("/negotiation/missing_answer_and_or_exempt", test_missing_answer_and_or_exempt)
{
    nfx x;
    isl_val_state st;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "ImmediateData=No\0InitialR2T=Yes\0DataPDUInOrder=No\0"), ==, 1);
    expect_none(&x.f);
    nfx_stage_end(&x, OP);
    expect(&x.f, ISL_CHK_NEG_MISSING_ANSWER, 1);
    g_assert_nonnull(strstr(x.f.head->msg, "DataPDUInOrder"));
    g_assert_cmpstr(nfx_result(&x, "ImmediateData"), ==, "No");
    g_assert_cmpstr(nfx_result(&x, "InitialR2T"), ==, "Yes");
    g_assert_cmpstr(isl_nego_value(x.n, isl_key_lookup("ImmediateData"), &st), ==, "No");
    g_assert_cmpint(st, ==, ISL_VAL_NEGOTIATED);
    nfx_clear(&x);
}

/* Only the stage that carried the offer counts. */
ISL_TEST("/negotiation/missing_answer_stage", test_missing_answer_stage)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, SEC, "AuthMethod=CHAP,None\0"), ==, 1);
    nfx_stage_end(&x, OP);
    expect_none(&x.f);
    nfx_stage_end(&x, SEC);
    expect(&x.f, ISL_CHK_NEG_MISSING_ANSWER, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/missing_answer_declarative", test_missing_answer_declarative)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "MaxRecvDataSegmentLength=65536\0InitiatorAlias=host1\0"), ==, 0);
    nfx_stage_end(&x, OP);
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/reserved_constant_offered", test_reserved_constant_offered)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "DataDigest=Reject\0HeaderDigest=CRC32C,Irrelevant\0"
                                "MaxBurstLength=NotUnderstood\0InitialR2T=Irrelevant\0"), ==, 0);
    /* reported as a misused constant, not also as a bad number or boolean */
    expect(&x.f, ISL_CHK_NEG_RESERVED_CONSTANT_OFFERED, 4);
    nfx_stage_end(&x, OP);
    expect(&x.f, ISL_CHK_NEG_MISSING_ANSWER, 1);   /* CRC32C,Irrelevant is still an offer */
    nfx_clear(&x);
}

/* ---- repetition ----------------------------------------------------------------- */

ISL_TEST("/negotiation/dup_in_text", test_dup_in_text)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "MaxBurstLength=262144\0MaxBurstLength=65536\0X-com.example.a=1\0X-com.example.a=2\0"), ==, 2);
    expect(&x.f, ISL_CHK_NEG_DUP_IN_TEXT, 2);
    g_assert_cmpstr(isl_nego_find(x.n, "MaxBurstLength")->value[ISL_SIDE_I], ==, "262144");
    /* TargetAddress may repeat */
    FT(&x, OP, "TargetAddress=10.0.0.2:3260,1\0TargetAddress=[fe80::2]:3260,1\0");
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/renegotiated_login", test_renegotiated_login)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "MaxBurstLength=262144\0");
    FT(&x, OP, "MaxBurstLength=262144\0");
    expect_none(&x.f);
    FI(&x, OP, "MaxBurstLength=65536\0");
    expect(&x.f, ISL_CHK_NEG_RENEGOTIATED_LOGIN, 1);
    FT(&x, OP, "MaxBurstLength=1024\0");
    expect(&x.f, ISL_CHK_NEG_RENEGOTIATED_LOGIN, 1);
    g_assert_cmpstr(nfx_result(&x, "MaxBurstLength"), ==, "262144");
    nfx_clear(&x);

    /* across stages */
    login_nfx(&x);
    FI(&x, SEC, "X-com.example.a=1\0");
    FI(&x, OP, "X-com.example.a=1\0");
    expect(&x.f, ISL_CHK_NEG_RENEGOTIATED_LOGIN, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/identity_redeclared", test_identity_redeclared)
{
    nfx x;
    login_nfx(&x);
    FI(&x, SEC, "InitiatorName=" INAME "\0SessionType=Normal\0");
    expect_none(&x.f);
    FI(&x, OP, "InitiatorName=" INAME "\0SessionType=Normal\0");
    expect(&x.f, ISL_CHK_LOGIN_IDENTITY_REDECLARED, 2);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/renegotiated_text", test_renegotiated_text)
{
    nfx x;
    nfx_init(&x, false, false, ISL_ST_NORMAL);
    FI(&x, FFP, "MaxRecvDataSegmentLength=65536\0");
    FT(&x, FFP, "MaxRecvDataSegmentLength=8192\0");
    expect_none(&x.f);
    FI(&x, FFP, "MaxRecvDataSegmentLength=32768\0");
    expect(&x.f, ISL_CHK_NEG_RENEGOTIATED_TEXT, 1);
    g_assert_cmpuint(isl_nego_mrdsl(x.n, ISL_SIDE_I, NULL), ==, 65536);
    nfx_clear(&x);
}

/* ---- who and when ----------------------------------------------------------------- */

ISL_TEST("/negotiation/wrong_stage", test_wrong_stage)
{
    nfx x;
    login_nfx(&x);
    FI(&x, SEC, "MaxBurstLength=262144\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_STAGE, 1);
    FI(&x, OP, "AuthMethod=None\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_STAGE, 1);
    FI(&x, OP, "SendTargets=All\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_STAGE, 1);
    FI(&x, OP, "InitiatorName=" INAME "\0MaxRecvDataSegmentLength=65536\0");   /* Any-stage, Op */
    expect_none(&x.f);
    nfx_clear(&x);

    /* LO and IO keys cannot be negotiated in full feature phase */
    nfx_init(&x, false, false, ISL_ST_NORMAL);
    FI(&x, FFP, "MaxBurstLength=262144\0HeaderDigest=None\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_STAGE, 2);
    FI(&x, FFP, "MaxRecvDataSegmentLength=65536\0X-com.example.a=1\0InitiatorAlias=h\0");
    expect_none(&x.f);
    nfx_clear(&x);
}

/* One mistake, one alarm: a key sent in the wrong stage and then ignored by
 * the peer is reported once, as neg.wrong_stage, not also as
 * neg.missing_answer when the stage ends (a Java initiator sending AuthMethod
 * in the operational stage to IET, which ignores it). */
ISL_TEST("/negotiation/wrong_stage_ignored_once", test_wrong_stage_ignored_once)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "AuthMethod=None\0MaxBurstLength=262144\0DefaultTime2Retain=10\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_STAGE, 1);
    FT(&x, OP, "MaxBurstLength=262144\0");
    expect_none(&x.f);
    /* AuthMethod: reported above; DefaultTime2Retain, offered in its own
     * stage and never answered, is still reported. */
    nfx_stage_end(&x, OP);
    expect(&x.f, ISL_CHK_NEG_MISSING_ANSWER, 1);
    g_assert_nonnull(strstr(x.f.head->msg, "DefaultTime2Retain=10"));
    nfx_clear(&x);

    /* The same in a Text sequence: an LO key the target does not answer. */
    nfx_init(&x, false, false, ISL_ST_NORMAL);
    FI(&x, FFP, "MaxBurstLength=262144\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_STAGE, 1);
    nfx_stage_end(&x, FFP);
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/wrong_sender", test_wrong_sender)
{
    nfx x;
    login_nfx(&x);
    FT(&x, OP, "InitiatorName=" INAME "\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_SENDER, 1);
    FI(&x, OP, "TargetPortalGroupTag=1\0TargetAlias=disk\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_SENDER, 2);
    FT(&x, OP, "TargetName=" TNAME "\0");   /* the target names itself only in SendTargets */
    expect(&x.f, ISL_CHK_NEG_WRONG_SENDER, 1);
    nfx_clear(&x);

    nfx_init(&x, false, false, ISL_ST_NORMAL);
    FT(&x, FFP, "TargetAlias=disk\0");
    expect_none(&x.f);
    FT(&x, FFP, "SendTargets=All\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_SENDER, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/lo_on_non_leading", test_lo_on_non_leading)
{
    nfx x;
    nfx_init(&x, true, false, ISL_ST_NORMAL);
    FI(&x, OP, "MaxBurstLength=262144\0InitialR2T=No\0SessionType=Normal\0MaxRecvDataSegmentLength=65536\0HeaderDigest=None\0");
    expect(&x.f, ISL_CHK_NEG_LO_ON_NON_LEADING, 2);
    nfx_clear(&x);

    login_nfx(&x);   /* leading: fine */
    FI(&x, OP, "MaxBurstLength=262144\0InitialR2T=No\0");
    expect_none(&x.f);
    nfx_clear(&x);
}

/* ---- coupled keys at the end of the login ------------------------------------------ */

ISL_TEST("/negotiation/fbl_gt_mbl", test_fbl_gt_mbl)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "FirstBurstLength=262144\0MaxBurstLength=65536\0");
    FT(&x, OP, "FirstBurstLength=262144\0MaxBurstLength=65536\0");
    expect_none(&x.f);
    nfx_stage_end(&x, OP);
    expect_none(&x.f);
    nfx_finish(&x);
    expect(&x.f, ISL_CHK_NEG_FBL_GT_MBL, 1);
    nfx_clear(&x);

    /* defaults fill in: FirstBurstLength 65536 > MaxBurstLength 512 */
    login_nfx(&x);
    OP_ROUND(&x, "MaxBurstLength=512\0", "MaxBurstLength=512\0");
    expect(&x.f, ISL_CHK_NEG_FBL_GT_MBL, 1);
    nfx_clear(&x);

    /* irrelevant when InitialR2T=Yes and ImmediateData=No */
    login_nfx(&x);
    FI(&x, OP, "FirstBurstLength=262144\0MaxBurstLength=65536\0InitialR2T=Yes\0ImmediateData=No\0");
    FT(&x, OP, "FirstBurstLength=262144\0MaxBurstLength=65536\0");
    nfx_stage_end(&x, OP);
    expect_none(&x.f);
    nfx_finish(&x);
    expect_none(&x.f);
    nfx_clear(&x);

    /* added connections do not renegotiate session-wide keys */
    nfx_init(&x, true, false, ISL_ST_NORMAL);
    nfx_finish(&x);
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/r2t_inorder_erl", test_r2t_erl)
{
    nfx x;
    login_nfx(&x);
    OP_ROUND(&x, "ErrorRecoveryLevel=1\0MaxOutstandingR2T=4\0", "ErrorRecoveryLevel=1\0MaxOutstandingR2T=4\0");
    expect(&x.f, ISL_CHK_NEG_R2T_INORDER_ERL, 1);
    nfx_clear(&x);

    login_nfx(&x);
    OP_ROUND(&x, "ErrorRecoveryLevel=1\0MaxOutstandingR2T=4\0DataSequenceInOrder=No\0", "ErrorRecoveryLevel=1\0MaxOutstandingR2T=4\0DataSequenceInOrder=No\0");
    expect_none(&x.f);
    nfx_clear(&x);

    login_nfx(&x);   /* ERL 0 */
    OP_ROUND(&x, "MaxOutstandingR2T=4\0", "MaxOutstandingR2T=4\0");
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/discovery_erl", test_discovery_erl)
{
    nfx x;
    nfx_init(&x, true, true, ISL_ST_DISCOVERY);
    OP_ROUND(&x, "ErrorRecoveryLevel=1\0", "ErrorRecoveryLevel=1\0");
    expect(&x.f, ISL_CHK_NEG_DISCOVERY_ERL, 1);
    nfx_clear(&x);

    nfx_init(&x, true, true, ISL_ST_DISCOVERY);
    OP_ROUND(&x, "ErrorRecoveryLevel=1\0", "ErrorRecoveryLevel=0\0");
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/discovery_maxconn", test_discovery_maxconn)
{
    nfx x;
    nfx_init(&x, true, true, ISL_ST_DISCOVERY);
    OP_ROUND(&x, "MaxConnections=4\0MaxBurstLength=512\0", "MaxConnections=4\0MaxBurstLength=512\0");
    /* and no FirstBurstLength coupling in Discovery */
    expect(&x.f, ISL_CHK_NEG_DISCOVERY_MAXCONN, 1);
    nfx_clear(&x);

    nfx_init(&x, true, true, ISL_ST_DISCOVERY);
    FI(&x, OP, "MaxConnections=4\0");
    FT(&x, OP, "MaxConnections=Irrelevant\0");
    expect_none(&x.f);
    nfx_stage_end(&x, OP);
    nfx_finish(&x);
    expect_none(&x.f);
    nfx_clear(&x);
}

/* ---- value state: what applies (RFC 7143 §6.2 Irrelevant, §13) --------------- */

static void assert_value(const isl_nego *n, const char *key, const char *want, isl_val_state want_state)
{
    isl_val_state st = ISL_VAL_NONE;
    const char *v = isl_nego_value(n, isl_key_lookup(key), &st);
    if (g_strcmp0(v, want) || st != want_state)
        g_error("%s: got %s (state %d), want %s (state %d)", key, v ? v : "NULL", st, want ? want : "NULL", want_state);
}

/* Discovery: every key with "Irrelevant when: SessionType=Discovery" has no
 * value, even when both sides exchanged numbers for it (libiscsi and tgt do);
 * the keys without that line keep theirs. */
ISL_TEST("/negotiation/value/irrelevant_discovery", test_value_irrelevant_discovery)
{
    nfx x;
    nfx_init(&x, true, true, ISL_ST_DISCOVERY);
    FI(&x, OP, "HeaderDigest=None\0MaxConnections=1\0InitialR2T=No\0ImmediateData=Yes\0MaxBurstLength=262144\0"
               "FirstBurstLength=262144\0DefaultTime2Retain=0\0MaxOutstandingR2T=1\0DataPDUInOrder=Yes\0"
               "DataSequenceInOrder=Yes\0ErrorRecoveryLevel=0\0");
    FT(&x, OP, "HeaderDigest=None\0MaxConnections=1\0InitialR2T=Yes\0ImmediateData=Yes\0MaxBurstLength=262144\0"
               "FirstBurstLength=65536\0DefaultTime2Retain=0\0MaxOutstandingR2T=1\0DataPDUInOrder=Yes\0"
               "DataSequenceInOrder=Yes\0ErrorRecoveryLevel=0\0");
    nfx_stage_end(&x, OP);
    nfx_finish(&x);
    expect_none(&x.f);
    for (unsigned i = 0; i < isl_key_count(); i++) {
        const isl_key_def *d = isl_key_at(i);
        if (d->flags & ISL_KF_IRR_DISCOVERY)
            assert_value(x.n, d->name, NULL, ISL_VAL_IRR_DISCOVERY);
    }
    g_assert_cmpstr(isl_val_state_reason(ISL_VAL_IRR_DISCOVERY), ==, "irrelevant in a Discovery session");
    assert_value(x.n, "HeaderDigest", "None", ISL_VAL_NEGOTIATED);
    assert_value(x.n, "DefaultTime2Retain", "0", ISL_VAL_NEGOTIATED);
    assert_value(x.n, "ErrorRecoveryLevel", "0", ISL_VAL_NEGOTIATED);
    assert_value(x.n, "DefaultTime2Wait", "2", ISL_VAL_DEFAULT);
    assert_value(x.n, "DataDigest", "None", ISL_VAL_DEFAULT);
    nfx_clear(&x);

    /* the same exchange in a Normal session gives values */
    login_nfx(&x);
    FI(&x, OP, "MaxBurstLength=262144\0FirstBurstLength=262144\0");
    FT(&x, OP, "MaxBurstLength=262144\0FirstBurstLength=65536\0");
    assert_value(x.n, "MaxBurstLength", "262144", ISL_VAL_NEGOTIATED);
    assert_value(x.n, "FirstBurstLength", "65536", ISL_VAL_NEGOTIATED);
    assert_value(x.n, "MaxOutstandingR2T", "1", ISL_VAL_DEFAULT);
    nfx_clear(&x);
}

/* A key answered Irrelevant has no value, never its default (65536). */
ISL_TEST("/negotiation/value/answered_irrelevant", test_value_answered_irrelevant)
{
    nfx x;
    login_nfx(&x);
    OP_ROUND(&x, "InitialR2T=Yes\0ImmediateData=No\0MaxBurstLength=262144\0FirstBurstLength=65536\0", "MaxBurstLength=262144\0FirstBurstLength=Irrelevant\0");
    expect_none(&x.f);
    assert_value(x.n, "FirstBurstLength", NULL, ISL_VAL_IRR_ANSWERED);
    g_assert_cmpstr(isl_val_state_reason(ISL_VAL_IRR_ANSWERED), ==, "Irrelevant");
    assert_value(x.n, "MaxBurstLength", "262144", ISL_VAL_NEGOTIATED);
    assert_value(x.n, "InitialR2T", "Yes", ISL_VAL_NEGOTIATED);
    assert_value(x.n, "ImmediateData", "No", ISL_VAL_NEGOTIATED);
    nfx_clear(&x);

    /* where it is relevant: reported, and still no value in its place */
    login_nfx(&x);
    FI(&x, OP, "MaxBurstLength=65536\0");
    FT(&x, OP, "MaxBurstLength=Irrelevant\0");
    expect(&x.f, ISL_CHK_NEG_IRRELEVANT_UNEXPECTED, 1);
    assert_value(x.n, "MaxBurstLength", NULL, ISL_VAL_IRR_ANSWERED);
    nfx_clear(&x);
}

/* §13.14: FirstBurstLength is irrelevant when InitialR2T=Yes and
 * ImmediateData=No, whatever number was settled for it. */
ISL_TEST("/negotiation/value/irrelevant_no_unsolicited", test_value_irrelevant_no_unsolicited)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "InitialR2T=Yes\0ImmediateData=No\0FirstBurstLength=65536\0");
    FT(&x, OP, "FirstBurstLength=65536\0");
    nfx_stage_end(&x, OP);   /* settles the unanswered OR-Yes and AND-No offers */
    expect_none(&x.f);
    assert_value(x.n, "FirstBurstLength", NULL, ISL_VAL_IRR_NO_UNSOLICITED);
    g_assert_cmpstr(isl_val_state_reason(ISL_VAL_IRR_NO_UNSOLICITED), ==,
                    "irrelevant with InitialR2T=Yes and ImmediateData=No");
    nfx_clear(&x);

    /* InitialR2T=Yes by default, ImmediateData=Yes by default: relevant */
    login_nfx(&x);
    assert_value(x.n, "FirstBurstLength", "65536", ISL_VAL_DEFAULT);
    FI(&x, OP, "ImmediateData=Yes\0");
    FT(&x, OP, "ImmediateData=No\0");
    /* InitialR2T still at its default Yes: unsolicited data is off */
    assert_value(x.n, "FirstBurstLength", NULL, ISL_VAL_IRR_NO_UNSOLICITED);
    nfx_clear(&x);

    login_nfx(&x);
    FI(&x, OP, "InitialR2T=No\0ImmediateData=No\0FirstBurstLength=65536\0");
    FT(&x, OP, "InitialR2T=No\0FirstBurstLength=16384\0");
    assert_value(x.n, "FirstBurstLength", "16384", ISL_VAL_NEGOTIATED);
    nfx_clear(&x);
}

/* The coupling FirstBurstLength <= MaxBurstLength compares values only: an
 * irrelevant FirstBurstLength is not its default 65536. */
ISL_TEST("/negotiation/fbl_gt_mbl_irrelevant", test_fbl_gt_mbl_irrelevant)
{
    nfx x;
    login_nfx(&x);
    OP_ROUND(&x, "MaxBurstLength=512\0FirstBurstLength=65536\0", "MaxBurstLength=512\0FirstBurstLength=Irrelevant\0");
    expect_none(&x.f);
    nfx_clear(&x);

    /* nor an irrelevant MaxBurstLength its default 262144 */
    login_nfx(&x);
    FI(&x, OP, "MaxBurstLength=512\0FirstBurstLength=1024\0");
    FT(&x, OP, "MaxBurstLength=Irrelevant\0FirstBurstLength=1024\0");
    expect(&x.f, ISL_CHK_NEG_IRRELEVANT_UNEXPECTED, 1);
    nfx_stage_end(&x, OP);
    nfx_finish(&x);
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/vendor_key_discovery", test_vendor_key_discovery)
{
    nfx x;
    nfx_init(&x, true, true, ISL_ST_DISCOVERY);
    FI(&x, OP, "X-com.example.Foo=1\0");
    expect(&x.f, ISL_CHK_NEG_VENDOR_KEY_DISCOVERY, 1);
    nfx_clear(&x);

    login_nfx(&x);
    FI(&x, OP, "X-com.example.Foo=1\0");
    expect_none(&x.f);
    nfx_clear(&x);
}

static void taskreporting_case(const uint8_t *lit, size_t len, unsigned n)
{
    nfx x;
    login_nfx(&x);
    nfx_feed(&x, ISL_SIDE_I, OP, lit, len);
    if (n)
        expect(&x.f, ISL_CHK_NEG_TASKREPORTING_OFFER, (int)n);
    else
        expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/taskreporting_offer", test_taskreporting_offer)
{
    taskreporting_case(TXT("TaskReporting=FastAbort\0"), 1);
    taskreporting_case(TXT("TaskReporting=RFC3720\0"), 1);
    taskreporting_case(TXT("TaskReporting=ResponseFence,FastAbort\0"), 1);
    taskreporting_case(TXT("TaskReporting=RFC3720,ResponseFence\0"), 0);
    taskreporting_case(TXT("TaskReporting=FastAbort,ResponseFence,RFC3720\0"), 0);
}

/* ---- obsolete RFC 3720 marker keys ------------------------------------------------ */

ISL_TEST("/negotiation/marker_offered", test_marker_offered)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "IFMarker=No\0OFMarker=No\0IFMarkInt=2048~8192\0"), ==, 1);
    expect(&x.f, ISL_CHK_NEG_MARKER_OFFERED, 3);
    FT(&x, OP, "IFMarker=Reject\0OFMarker=No\0IFMarkInt=Reject\0");
    /* Reject is the RFC 7143 answer, never "admissible" */
    expect(&x.f, ISL_CHK_NEG_REJECT_SEEN, 2);
    g_assert_cmpstr(nfx_result(&x, "OFMarker"), ==, "No");
    nfx_stage_end(&x, OP);
    expect_none(&x.f);
    nfx_clear(&x);

    login_nfx(&x);
    FI(&x, OP, "OFMarker=Reject\0");
    expect(&x.f, ISL_CHK_NEG_RESERVED_CONSTANT_OFFERED, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/marker_answer", test_marker_answer)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "IFMarker=No\0OFMarker=Yes\0IFMarkInt=2048~8192\0OFMarkInt=2048~8192\0");
    expect(&x.f, ISL_CHK_NEG_MARKER_OFFERED, 4);
    FT(&x, OP, "IFMarker=NotUnderstood\0OFMarker=Yes\0IFMarkInt=Irrelevant\0OFMarkInt=2048~4096\0");
    expect(&x.f, ISL_CHK_NEG_NOTUNDERSTOOD_STD, 1, ISL_CHK_NEG_MARKER_ANSWER, 3, ISL_CHK_NEG_RANGE_MISUSE, 1);
    nfx_clear(&x);
}

/* ---- key and value format ------------------------------------------------------- */

ISL_TEST("/negotiation/unknown_key", test_unknown_key)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "FooBar=1\0maxburstlength=512\0"), ==, 2);
    expect(&x.f, ISL_CHK_NEG_UNKNOWN_KEY, 1, ISL_CHK_FMT_CASE, 1);
    g_assert_cmpuint(isl_nego_count(x.n), ==, 2);
    g_assert_null(isl_nego_at(x.n, 1)->def);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/fmt_no_equals", test_fmt_no_equals)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "Bogus\0=x\0MaxBurstLength=512\0");
    expect(&x.f, ISL_CHK_FMT_NO_EQUALS, 2);
    g_assert_cmpuint(isl_nego_count(x.n), ==, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/fmt_key_too_long", test_fmt_key_too_long)
{
    nfx x;
    char buf[100];
    login_nfx(&x);
    memset(buf, 'K', 64);
    memcpy(buf + 64, "=1", 3);
    nfx_feed(&x, ISL_SIDE_I, OP, (const uint8_t *)buf, 67);
    expect(&x.f, ISL_CHK_FMT_KEY_TOO_LONG, 1);
    g_assert_cmpuint(isl_nego_count(x.n), ==, 0);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/fmt_key_chars", test_fmt_key_chars)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "Max Burst=1\0A#B=2\0");
    expect(&x.f, ISL_CHK_FMT_KEY_CHARS, 2);
    g_assert_cmpuint(isl_nego_count(x.n), ==, 0);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/fmt_value_too_long", test_fmt_value_too_long)
{
    nfx x;
    GString *s = g_string_new("InitiatorName=iqn.2026-11.com.example:");
    while (s->len < 14 + 224)
        g_string_append_c(s, 'a');
    g_string_append_c(s, '\0');
    g_string_append(s, "InitiatorAlias=");
    for (int i = 0; i < 256; i++)
        g_string_append_c(s, 'b');
    g_string_append_c(s, '\0');
    g_string_append(s, "SRP_A=0x");
    for (int i = 0; i < 1025; i++)
        g_string_append(s, "ab");
    g_string_append_c(s, '\0');
    login_nfx(&x);
    nfx_feed(&x, ISL_SIDE_I, SEC, (const uint8_t *)s->str, s->len);
    expect(&x.f, ISL_CHK_FMT_VALUE_TOO_LONG, 3);
    nfx_clear(&x);
    g_string_free(s, TRUE);
}

ISL_TEST("/negotiation/fmt_value_chars", test_fmt_value_chars)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "HeaderDigest=None, CRC32C\0InitiatorAlias=\xff\xfe\0");
    expect(&x.f, ISL_CHK_FMT_VALUE_CHARS, 2);
    FT(&x, OP, "TargetAddress=10.0.0.1:x\0TargetAlias=disk one\0");   /* aliases may hold spaces */
    expect(&x.f, ISL_CHK_FMT_VALUE_CHARS, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/fmt_case", test_fmt_case)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "HeaderDigest=crc32c\0InitialR2T=yes\0SessionType=discovery\0");
    expect(&x.f, ISL_CHK_FMT_CASE, 3);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/sessiontype_value", test_sessiontype_value)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "SessionType=Boot\0");
    expect(&x.f, ISL_CHK_LOGIN_SESSIONTYPE_VALUE, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/fmt_bad_number", test_fmt_bad_number)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "MaxBurstLength=abc\0FirstBurstLength=\0DefaultTime2Wait=99999999999999999999\0DefaultTime2Retain=-1\0");
    expect(&x.f, ISL_CHK_FMT_BAD_NUMBER, 4);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/fmt_bad_binary", test_fmt_bad_binary)
{
    nfx x;
    login_nfx(&x);
    FI(&x, SEC, "SRP_A=0xZZ12\0SRP_M=0bAAAAA\0KRB_AP_REQ=abc\0");
    expect(&x.f, ISL_CHK_FMT_BAD_BINARY, 3);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/name_format", test_name_format)
{
    nfx x;
    login_nfx(&x);
    FI(&x, OP, "InitiatorName=myhost\0TargetName=iqn.2026-11.Example.com:x\0");
    expect(&x.f, ISL_CHK_LOGIN_NAME_FORMAT, 2);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/state_limit_keys", test_state_limit_keys)
{
    nfx x;
    login_nfx(&x);
    x.shared->max_keys = 2;
    g_assert_cmpuint(FI(&x, OP, "MaxBurstLength=262144\0FirstBurstLength=65536\0DefaultTime2Wait=2\0DefaultTime2Retain=20\0"), ==, 2);
    expect(&x.f, ISL_CHK_STATE_LIMIT, 1);
    g_assert_cmpuint(isl_nego_count(x.n), ==, 2);
    FT(&x, OP, "MaxConnections=1\0MaxBurstLength=65536\0");   /* reported once; known keys still settle */
    expect_none(&x.f);
    g_assert_cmpstr(nfx_result(&x, "MaxBurstLength"), ==, "65536");
    nfx_clear(&x);
}

/* MaxRecvDataSegmentLength: each side declares its own value. */
ISL_TEST("/negotiation/declarative_values", test_declarative_values)
{
    nfx x;
    bool def = false;
    login_nfx(&x);
    g_assert_cmpuint(isl_nego_mrdsl(x.n, ISL_SIDE_I, &def), ==, 8192);
    g_assert_true(def);
    FI(&x, OP, "MaxRecvDataSegmentLength=65536\0InitiatorAlias=host1\0");
    FT(&x, OP, "MaxRecvDataSegmentLength=0x40000\0");
    expect_none(&x.f);
    g_assert_cmpuint(isl_nego_mrdsl(x.n, ISL_SIDE_I, &def), ==, 65536);
    g_assert_false(def);
    g_assert_cmpuint(isl_nego_mrdsl(x.n, ISL_SIDE_T, &def), ==, 262144);
    g_assert_false(def);
    {
        isl_val_state st;
        g_assert_cmpstr(isl_nego_value(x.n, isl_key_lookup("InitiatorAlias"), &st), ==, "host1");
        g_assert_cmpint(st, ==, ISL_VAL_NEGOTIATED);
        g_assert_null(isl_nego_value(x.n, isl_key_lookup("TargetAlias"), &st));
        g_assert_cmpint(st, ==, ISL_VAL_NONE);
    }
    nfx_clear(&x);
}

/* §6.1: 8192 bytes of key=value text per negotiation and sender (64 KiB in
 * the security stage of SRP/KRB5). */
static unsigned feed_pad(nfx *x, isl_side side, isl_stage st, const char *key, size_t total)
{
    GString *s = g_string_new(key);
    unsigned n;
    g_string_append_c(s, '=');
    while (s->len < total - 1)
        g_string_append_c(s, 'a');
    g_string_append_c(s, '\0');
    g_assert_cmpuint(s->len, ==, total);
    n = nfx_feed(x, side, st, (const uint8_t *)s->str, s->len);
    g_string_free(s, TRUE);
    return n;
}

ISL_TEST("/negotiation/text_over_8192", test_text_over_8192)
{
    nfx x;
    login_nfx(&x);
    feed_pad(&x, ISL_SIDE_I, OP, "X-com.example.a", 8000);
    expect_none(&x.f);
    feed_pad(&x, ISL_SIDE_I, OP, "X-com.example.b", 193);
    expect(&x.f, ISL_CHK_FMT_TEXT_OVER_8192, 1);
    feed_pad(&x, ISL_SIDE_I, OP, "X-com.example.c", 100);   /* once per stage and side */
    expect_none(&x.f);
    feed_pad(&x, ISL_SIDE_T, OP, "X-com.example.a", 8192);  /* exactly 8192 is fine */
    expect_none(&x.f);
    feed_pad(&x, ISL_SIDE_I, SEC, "X-com.example.d", 8193);  /* each stage counts on its own */
    expect(&x.f, ISL_CHK_FMT_TEXT_OVER_8192, 1);
    nfx_clear(&x);

    /* SRP and KRB5 carry long items: 64 KiB in the security stage */
    login_nfx(&x);
    FI(&x, SEC, "AuthMethod=SRP\0");
    FT(&x, SEC, "AuthMethod=SRP\0");
    feed_pad(&x, ISL_SIDE_I, SEC, "X-com.example.a", 60000);
    expect_none(&x.f);
    feed_pad(&x, ISL_SIDE_I, SEC, "X-com.example.b", 6000);
    expect(&x.f, ISL_CHK_FMT_TEXT_OVER_8192, 1);
    nfx_clear(&x);

    /* one Text sequence */
    nfx_init(&x, false, false, ISL_ST_NORMAL);
    feed_pad(&x, ISL_SIDE_T, FFP, "X-com.example.a", 9000);
    expect(&x.f, ISL_CHK_FMT_TEXT_OVER_8192, 1);
    nfx_clear(&x);
}

/* Reject/Irrelevant/NotUnderstood answering the other side's offer only
 * reacts to it: rules about the key itself were the offerer's to break. */
ISL_TEST("/negotiation/reaction_to_offer", test_reaction_to_offer)
{
    nfx x;
    /* leading-only key on an added connection: no admissible offer either */
    nfx_init(&x, true, false, ISL_ST_NORMAL);
    FI(&x, OP, "MaxBurstLength=262144\0");
    expect(&x.f, ISL_CHK_NEG_LO_ON_NON_LEADING, 1);
    FT(&x, OP, "MaxBurstLength=Reject\0");
    expect(&x.f, ISL_CHK_NEG_REJECT_SEEN, 1);
    nfx_clear(&x);

    /* wrong stage */
    login_nfx(&x);
    FI(&x, SEC, "MaxBurstLength=262144\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_STAGE, 1);
    FT(&x, SEC, "MaxBurstLength=Reject\0");
    expect(&x.f, ISL_CHK_NEG_REJECT_SEEN, 1);
    nfx_clear(&x);

    /* LO key in full feature phase */
    nfx_init(&x, false, false, ISL_ST_NORMAL);
    FI(&x, FFP, "MaxBurstLength=262144\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_STAGE, 1);
    FT(&x, FFP, "MaxBurstLength=Reject\0");
    expect(&x.f, ISL_CHK_NEG_REJECT_SEEN, 1);
    nfx_clear(&x);

    /* vendor key in Discovery, wrong-case key name */
    nfx_init(&x, true, true, ISL_ST_DISCOVERY);
    FI(&x, OP, "X-com.example.a=1\0maxburstlength=512\0");
    expect(&x.f, ISL_CHK_NEG_VENDOR_KEY_DISCOVERY, 1, ISL_CHK_FMT_CASE, 1);
    FT(&x, OP, "X-com.example.a=NotUnderstood\0maxburstlength=NotUnderstood\0");
    expect_none(&x.f);
    nfx_clear(&x);

    /* a reserved constant that answers nothing is no reaction */
    login_nfx(&x);
    FT(&x, SEC, "MaxBurstLength=Reject\0");
    expect(&x.f, ISL_CHK_NEG_WRONG_STAGE, 1, ISL_CHK_NEG_RESERVED_CONSTANT_OFFERED, 1);
    nfx_clear(&x);
}

/* Offers in the T=1 Login Response that ends the stage are the caller's
 * neg.final_with_offer, not also neg.missing_answer. */
ISL_TEST("/negotiation/missing_answer_final_offer", test_missing_answer_final_offer)
{
    nfx x;
    login_nfx(&x);
    g_assert_cmpuint(FI(&x, OP, "HeaderDigest=None\0"), ==, 1);
    g_assert_cmpuint(FT(&x, OP, "HeaderDigest=None\0MaxBurstLength=65536\0"), ==, 1);
    isl_findings_clear(&x.f);
    isl_nego_stage_end(x.n, OP, x.frame, &x.f);
    expect_none(&x.f);
    nfx_clear(&x);

    /* an initiator offer of that frame's exchange is still missing */
    login_nfx(&x);
    FI(&x, OP, "MaxBurstLength=65536\0");
    FT(&x, OP, "X-com.example.a=1\0");
    isl_findings_clear(&x.f);
    isl_nego_stage_end(x.n, OP, x.frame, &x.f);
    expect(&x.f, ISL_CHK_NEG_MISSING_ANSWER, 1);
    nfx_clear(&x);
}

/* ---- CHAP ------------------------------------------------------------------------- */

/* AuthMethod=CHAP agreed in frames 1-2. */
static void chap_setup(nfx *x)
{
    login_nfx(x);
    g_assert_cmpuint(FI(x, SEC, "InitiatorName=" INAME "\0TargetName=" TNAME "\0AuthMethod=CHAP,None\0"), ==, 1);
    expect_none(&x->f);
    FT(x, SEC, "TargetPortalGroupTag=1\0AuthMethod=CHAP\0");
    expect_none(&x->f);
    g_assert_cmpstr(isl_nego_auth_method(x->n), ==, "CHAP");
}

/* ... then CHAP_A=5 and the target's challenge C16 in frames 3-4. */
static void chap_challenged(nfx *x)
{
    chap_setup(x);
    FI(x, SEC, "CHAP_A=5\0");
    expect_none(&x->f);
    FT(x, SEC, "CHAP_A=5\0CHAP_I=1\0CHAP_C=" C16 "\0");
    expect_none(&x->f);
}

ISL_TEST("/negotiation/chap/one_way", test_chap_one_way)
{
    nfx x;
    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0");
    expect_none(&x.f);
    nfx_auth_end(&x, false);
    expect(&x.f, ISL_CHK_AUTH_SUMMARY, 1);
    g_assert_cmpstr(isl_nego_auth_summary(x.n), ==, "CHAP (MD5), one-way, initiator CHAP_N \"user\": succeeded");
    nfx_auth_end(&x, false);   /* once */
    expect_none(&x.f);
    nfx_stage_end(&x, SEC);
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/chap/mutual", test_chap_mutual)
{
    nfx x;
    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0CHAP_I=2\0CHAP_C=" IC16 "\0");
    expect_none(&x.f);
    FT(&x, SEC, "CHAP_N=target\0CHAP_R=" TR16 "\0");
    expect_none(&x.f);
    nfx_auth_end(&x, false);
    expect(&x.f, ISL_CHK_AUTH_SUMMARY, 1);
    g_assert_cmpstr(isl_nego_auth_summary(x.n), ==,
                    "CHAP (MD5), mutual, initiator CHAP_N \"user\", target CHAP_N \"target\": succeeded");
    nfx_clear(&x);
}

ISL_TEST("/negotiation/auth/summary_none", test_auth_summary_none)
{
    nfx x;
    login_nfx(&x);
    nfx_auth_end(&x, false);
    expect_none(&x.f);
    g_assert_cmpstr(isl_nego_auth_summary(x.n), ==, "none negotiated");
    g_assert_null(isl_nego_auth_method(x.n));
    nfx_clear(&x);

    login_nfx(&x);
    FI(&x, SEC, "AuthMethod=None\0");
    FT(&x, SEC, "AuthMethod=None\0");
    nfx_auth_end(&x, false);
    expect_none(&x.f);
    g_assert_cmpstr(isl_nego_auth_summary(x.n), ==, "None");
    nfx_clear(&x);
}

ISL_TEST("/negotiation/chap/no_md5_offered", test_chap_no_md5_offered)
{
    nfx x;
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=7,6\0");
    expect(&x.f, ISL_CHK_CHAP_NO_MD5_OFFERED, 1);
    nfx_clear(&x);

    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=7,5\0");
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/chap/a_answer", test_chap_a_answer)
{
    nfx x;
    /* not in the initiator's list */
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=5\0");
    FT(&x, SEC, "CHAP_A=6\0CHAP_I=1\0CHAP_C=" C16 "\0");
    expect(&x.f, ISL_CHK_CHAP_A_ANSWER, 1, ISL_CHK_NEG_LIST_ANSWER_NOT_OFFERED, 1);
    nfx_clear(&x);

    /* several values */
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=7,5\0");
    FT(&x, SEC, "CHAP_A=7,5\0CHAP_I=1\0CHAP_C=" C16 "\0");
    expect(&x.f, ISL_CHK_CHAP_A_ANSWER, 1, ISL_CHK_NEG_LIST_ANSWER_MULTI, 1);
    nfx_clear(&x);

    /* a later choice of the list is fine */
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=7,5\0");
    FT(&x, SEC, "CHAP_A=5\0CHAP_I=1\0CHAP_C=" C16 "\0");
    expect_none(&x.f);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0");
    expect_none(&x.f);
    nfx_clear(&x);

    /* Reject: no acceptable algorithm, the target fails the login */
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=7\0");
    expect(&x.f, ISL_CHK_CHAP_NO_MD5_OFFERED, 1);
    FT(&x, SEC, "CHAP_A=Reject\0");
    expect_none(&x.f);
    nfx_auth_end(&x, true);
    expect(&x.f, ISL_CHK_AUTH_SUMMARY, 1);
    nfx_clear(&x);

    /* the answer lacks CHAP_C */
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=5\0");
    FT(&x, SEC, "CHAP_A=5\0CHAP_I=1\0");
    expect_none(&x.f);
    nfx_auth_end(&x, false);
    expect(&x.f, ISL_CHK_CHAP_A_ANSWER, 1, ISL_CHK_AUTH_SUMMARY, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/chap/i_range", test_chap_i_range)
{
    nfx x;
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=5\0");
    FT(&x, SEC, "CHAP_A=5\0CHAP_I=300\0CHAP_C=" C16 "\0");
    expect(&x.f, ISL_CHK_CHAP_I_RANGE, 1);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0CHAP_I=x1\0CHAP_C=" IC16 "\0");
    expect(&x.f, ISL_CHK_CHAP_I_RANGE, 1);
    nfx_clear(&x);

    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=5\0");
    FT(&x, SEC, "CHAP_A=5\0CHAP_I=255\0CHAP_C=" C16 "\0");
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/chap/r_length", test_chap_r_length)
{
    nfx x;
    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R20 "\0");
    expect(&x.f, ISL_CHK_CHAP_R_LENGTH, 1);
    nfx_clear(&x);

    /* SHA-1 gives 20 bytes */
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=6,5\0");
    FT(&x, SEC, "CHAP_A=6\0CHAP_I=1\0CHAP_C=" C16 "\0");
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R20 "\0");
    expect_none(&x.f);
    nfx_clear(&x);

    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16_B64 "\0");
    expect_none(&x.f);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/chap/order", test_chap_order)
{
    nfx x;
    /* response before the challenge */
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=5\0");
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0");
    expect(&x.f, ISL_CHK_CHAP_ORDER, 1);
    nfx_clear(&x);

    /* challenge before CHAP_A */
    chap_setup(&x);
    FT(&x, SEC, "CHAP_I=1\0CHAP_C=" C16 "\0");
    expect(&x.f, ISL_CHK_CHAP_ORDER, 1);
    nfx_clear(&x);

    /* mutual challenge before the target's */
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=5\0CHAP_I=1\0CHAP_C=" IC16 "\0");
    expect(&x.f, ISL_CHK_CHAP_ORDER, 1);
    nfx_clear(&x);

    /* stage ends without CHAP_R */
    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0");
    expect_none(&x.f);
    nfx_auth_end(&x, false);
    expect(&x.f, ISL_CHK_CHAP_ORDER, 1, ISL_CHK_AUTH_SUMMARY, 1);
    nfx_clear(&x);

    /* ... which is expected when the login failed */
    chap_challenged(&x);
    nfx_auth_end(&x, true);
    expect(&x.f, ISL_CHK_AUTH_SUMMARY, 1);
    g_assert_cmpstr(isl_nego_auth_summary(x.n), ==,
                    "CHAP (MD5), one-way, initiator CHAP_N \"?\": failed before the initiator's response");
    nfx_clear(&x);
}

/* The initiator's challenge equals the target's, in another encoding. */
ISL_TEST("/negotiation/chap/reflection", test_chap_reflection)
{
    nfx x;
    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0CHAP_I=1\0CHAP_C=" C16_B64 "\0");
    expect(&x.f, ISL_CHK_CHAP_REFLECTION, 1);   /* reflection, not also challenge reuse */
    nfx_clear(&x);
}

ISL_TEST("/negotiation/chap/same_response", test_chap_same_response)
{
    nfx x;
    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0CHAP_I=2\0CHAP_C=" IC16 "\0");
    FT(&x, SEC, "CHAP_N=target\0CHAP_R=" R16 "\0");
    expect(&x.f, ISL_CHK_CHAP_SAME_RESPONSE, 1);
    nfx_clear(&x);

    /* the same bytes in base64 */
    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0CHAP_I=2\0CHAP_C=" IC16 "\0");
    FT(&x, SEC, "CHAP_N=target\0CHAP_R=" R16_B64 "\0");
    expect(&x.f, ISL_CHK_CHAP_SAME_RESPONSE, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/chap/unsolicited_target_auth", test_chap_unsolicited_target_auth)
{
    nfx x;
    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0");
    FT(&x, SEC, "CHAP_N=target\0CHAP_R=" TR16 "\0");
    expect(&x.f, ISL_CHK_CHAP_UNSOLICITED_TARGET_AUTH, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/chap/mutual_missing", test_chap_mutual_missing)
{
    nfx x;
    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0CHAP_I=2\0CHAP_C=" IC16 "\0");
    nfx_auth_end(&x, false);
    expect(&x.f, ISL_CHK_CHAP_MUTUAL_MISSING, 1, ISL_CHK_AUTH_SUMMARY, 1);
    nfx_clear(&x);

    /* the target refusing the login is no "missing" answer */
    chap_challenged(&x);
    FI(&x, SEC, "CHAP_N=user\0CHAP_R=" R16 "\0CHAP_I=2\0CHAP_C=" IC16 "\0");
    nfx_auth_end(&x, true);
    expect(&x.f, ISL_CHK_AUTH_SUMMARY, 1);
    g_assert_cmpstr(isl_nego_auth_summary(x.n), ==,
                    "CHAP (MD5), mutual, initiator CHAP_N \"user\", target CHAP_N \"?\": failed after the initiator's response");
    nfx_clear(&x);
}

ISL_TEST("/negotiation/chap/challenge_reuse", test_chap_challenge_reuse)
{
    nfx a, b;
    chap_challenged(&a);                       /* C16 in frame 4 */
    nfx_init_shared(&b, true, true, ISL_ST_NORMAL, a.shared);
    b.frame = 100;
    FI(&b, SEC, "AuthMethod=CHAP\0");
    FT(&b, SEC, "AuthMethod=CHAP\0");
    FI(&b, SEC, "CHAP_A=5\0");
    FT(&b, SEC, "CHAP_A=5\0CHAP_I=1\0CHAP_C=" C16_UPPER "\0");
    expect(&b.f, ISL_CHK_CHAP_CHALLENGE_REUSE, 1);
    g_assert_nonnull(strstr(b.f.head->msg, "frame 4"));
    nfx_clear(&b);

    /* the same frame seen again (a second pass) is no reuse */
    nfx_init_shared(&b, true, true, ISL_ST_NORMAL, a.shared);
    FI(&b, SEC, "AuthMethod=CHAP\0");
    FT(&b, SEC, "AuthMethod=CHAP\0");
    FI(&b, SEC, "CHAP_A=5\0");
    g_assert_cmpuint(b.frame, ==, 3);
    FT(&b, SEC, "CHAP_A=5\0CHAP_I=1\0CHAP_C=" C16 "\0");
    expect_none(&b.f);
    nfx_clear(&b);
    nfx_clear(&a);
}

ISL_TEST("/negotiation/chap/short_challenge", test_chap_short_challenge)
{
    nfx x;
    chap_setup(&x);
    FI(&x, SEC, "CHAP_A=5\0");
    FT(&x, SEC, "CHAP_A=5\0CHAP_I=1\0CHAP_C=0x0102030405060708\0");
    expect(&x.f, ISL_CHK_CHAP_SHORT_CHALLENGE, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/auth/keys_without_method", test_auth_keys_without_method)
{
    nfx x;
    login_nfx(&x);
    FI(&x, SEC, "CHAP_A=5\0");
    expect(&x.f, ISL_CHK_AUTH_KEYS_WITHOUT_METHOD, 1);
    nfx_clear(&x);

    login_nfx(&x);
    FI(&x, SEC, "AuthMethod=None,CHAP\0");
    FT(&x, SEC, "AuthMethod=None\0");
    FI(&x, SEC, "CHAP_A=5\0");
    expect(&x.f, ISL_CHK_AUTH_KEYS_WITHOUT_METHOD, 1);
    nfx_clear(&x);
}

ISL_TEST("/negotiation/auth/first_step_missing", test_auth_first_step_missing)
{
    nfx x;
    /* the request after the target chose CHAP lacks CHAP_A */
    chap_setup(&x);
    FI(&x, SEC, "CHAP_N=user\0");
    expect(&x.f, ISL_CHK_AUTH_FIRST_STEP_MISSING, 1);
    FI(&x, SEC, "X-com.example.a=1\0");   /* checked once */
    expect_none(&x.f);
    nfx_auth_end(&x, false);
    expect(&x.f, ISL_CHK_AUTH_SUMMARY, 1);
    nfx_clear(&x);

    /* CHAP_A sent along with the AuthMethod offer is the first step */
    login_nfx(&x);
    FI(&x, SEC, "AuthMethod=CHAP\0CHAP_A=5\0");
    expect(&x.f, ISL_CHK_AUTH_KEYS_WITHOUT_METHOD, 1);
    FT(&x, SEC, "AuthMethod=CHAP\0");
    FI(&x, SEC, "X-com.example.a=1\0");
    expect_none(&x.f);
    nfx_clear(&x);

    /* no request after the selection: reported when the stage ends */
    chap_setup(&x);
    nfx_auth_end(&x, false);
    expect(&x.f, ISL_CHK_AUTH_FIRST_STEP_MISSING, 1, ISL_CHK_AUTH_SUMMARY, 1);
    nfx_clear(&x);

    chap_setup(&x);
    nfx_auth_end(&x, true);
    expect(&x.f, ISL_CHK_AUTH_SUMMARY, 1);
    nfx_clear(&x);
}
