/* SPDX-License-Identifier: GPL-2.0-or-later
 * Value syntax (values.c, RFC 7143 §6.1) and the key table (keys.c). */
#include "testutil.h"
#include <string.h>

static uint64_t num_ok(const char *s)
{
    uint64_t v = 12345;
    g_assert_cmpint(isl_parse_number(s, &v), ==, ISL_NUM_OK);
    return v;
}

static isl_num_status num_st(const char *s)
{
    uint64_t v = 777;
    isl_num_status st = isl_parse_number(s, &v);
    if (st != ISL_NUM_OK)
        g_assert_cmpuint(v, ==, 777);   /* untouched on failure */
    return st;
}

ISL_TEST("/values/number/decimal", test_number_decimal)
{
    g_assert_cmpuint(num_ok("0"), ==, 0);
    g_assert_cmpuint(num_ok("512"), ==, 512);
    g_assert_cmpuint(num_ok("16777215"), ==, 16777215);
    g_assert_cmpuint(num_ok("18446744073709551615"), ==, G_MAXUINT64);
    g_assert_cmpint(num_st(""), ==, ISL_NUM_EMPTY);
    g_assert_cmpint(isl_parse_number(NULL, NULL), ==, ISL_NUM_EMPTY);
    g_assert_cmpint(num_st("12a"), ==, ISL_NUM_BAD);
    g_assert_cmpint(num_st("-1"), ==, ISL_NUM_BAD);
    g_assert_cmpint(num_st("+1"), ==, ISL_NUM_BAD);
    g_assert_cmpint(num_st(" 1"), ==, ISL_NUM_BAD);
    g_assert_cmpint(num_st("1 "), ==, ISL_NUM_BAD);
    g_assert_cmpint(num_st("1.5"), ==, ISL_NUM_BAD);
    g_assert_cmpint(num_st("0b1010"), ==, ISL_NUM_BAD);   /* base64 is not a number */
}

ISL_TEST("/values/number/hex", test_number_hex)
{
    g_assert_cmpuint(num_ok("0x1f"), ==, 31);
    g_assert_cmpuint(num_ok("0XFF"), ==, 255);
    g_assert_cmpuint(num_ok("0xaBcD"), ==, 0xabcd);
    g_assert_cmpuint(num_ok("0x0"), ==, 0);
    g_assert_cmpuint(num_ok("0x00000000000000001"), ==, 1);   /* leading zeros do not overflow */
    g_assert_cmpuint(num_ok("0xffffffffffffffff"), ==, G_MAXUINT64);
    g_assert_cmpint(num_st("0x"), ==, ISL_NUM_BAD);
    g_assert_cmpint(num_st("0xg1"), ==, ISL_NUM_BAD);
    g_assert_cmpint(num_st("0x1 "), ==, ISL_NUM_BAD);
    g_assert_cmpint(num_st("x10"), ==, ISL_NUM_BAD);
}

ISL_TEST("/values/number/overflow", test_number_overflow)
{
    g_assert_cmpint(num_st("18446744073709551616"), ==, ISL_NUM_OVERFLOW);
    g_assert_cmpint(num_st("99999999999999999999"), ==, ISL_NUM_OVERFLOW);
    g_assert_cmpint(num_st("0x10000000000000000"), ==, ISL_NUM_OVERFLOW);
    g_assert_cmpint(num_st("0x1ffffffffffffffff"), ==, ISL_NUM_OVERFLOW);
    g_assert_cmpuint(num_ok("18446744073709551610"), ==, G_MAXUINT64 - 5);
}

ISL_TEST("/values/number/range_text", test_number_range_text)
{
    g_assert_cmpint(num_st("512~1024"), ==, ISL_NUM_RANGE);
    g_assert_cmpint(num_st("~"), ==, ISL_NUM_RANGE);
    /* a '~' makes a range even after digits that overflow or are not hex */
    g_assert_cmpint(num_st("99999999999999999999999~1"), ==, ISL_NUM_RANGE);
    g_assert_cmpint(num_st("0x~"), ==, ISL_NUM_RANGE);
    g_assert_cmpint(num_st("0xfffffffffffffffff~"), ==, ISL_NUM_RANGE);
    g_assert_cmpint(num_st("12a~"), ==, ISL_NUM_RANGE);
}

ISL_TEST("/values/range/parse", test_range_parse)
{
    uint64_t lo = 1, hi = 1;
    g_assert_true(isl_parse_range("512~1024", &lo, &hi));
    g_assert_cmpuint(lo, ==, 512);
    g_assert_cmpuint(hi, ==, 1024);
    g_assert_true(isl_parse_range("0x10~0x20", &lo, &hi));
    g_assert_cmpuint(lo, ==, 16);
    g_assert_cmpuint(hi, ==, 32);
    g_assert_true(isl_parse_range("5~5", &lo, &hi));
    g_assert_false(isl_parse_range("1024~512", &lo, &hi));
    g_assert_false(isl_parse_range("1~", &lo, &hi));
    g_assert_false(isl_parse_range("~1", &lo, &hi));
    g_assert_false(isl_parse_range("1~2~3", &lo, &hi));
    g_assert_false(isl_parse_range("1024", &lo, &hi));
    g_assert_false(isl_parse_range("a~b", &lo, &hi));
}

static isl_bin_status bin(const char *s, size_t *len)
{
    *len = 9999;
    return isl_parse_binary(s, len);
}

ISL_TEST("/values/binary/hex", test_binary_hex)
{
    size_t len;
    g_assert_cmpint(bin("0x0102", &len), ==, ISL_BIN_OK);
    g_assert_cmpuint(len, ==, 2);
    g_assert_cmpint(bin("0X123", &len), ==, ISL_BIN_OK);    /* odd digits: ceil */
    g_assert_cmpuint(len, ==, 2);
    g_assert_cmpint(bin("0xabcdefABCDEF0123456789abcdef0123", &len), ==, ISL_BIN_OK);
    g_assert_cmpuint(len, ==, 16);
    g_assert_cmpint(bin("0x", &len), ==, ISL_BIN_EMPTY);
    g_assert_cmpint(bin("0xZZ12", &len), ==, ISL_BIN_BAD_HEX);
    g_assert_cmpint(bin("0x12 ", &len), ==, ISL_BIN_BAD_HEX);
    g_assert_cmpint(bin("", &len), ==, ISL_BIN_EMPTY);
    g_assert_cmpint(isl_parse_binary(NULL, &len), ==, ISL_BIN_EMPTY);
}

ISL_TEST("/values/binary/base64", test_binary_base64)
{
    size_t len;
    g_assert_cmpint(bin("0bAAAA", &len), ==, ISL_BIN_OK);
    g_assert_cmpuint(len, ==, 3);
    g_assert_cmpint(bin("0BAQID", &len), ==, ISL_BIN_OK);
    g_assert_cmpuint(len, ==, 3);
    g_assert_cmpint(bin("0bAAA=", &len), ==, ISL_BIN_OK);
    g_assert_cmpuint(len, ==, 2);
    g_assert_cmpint(bin("0bAA==", &len), ==, ISL_BIN_OK);
    g_assert_cmpuint(len, ==, 1);
    g_assert_cmpint(bin("0bAAA", &len), ==, ISL_BIN_OK);     /* padding optional */
    g_assert_cmpuint(len, ==, 2);
    g_assert_cmpint(bin("0b+/+/", &len), ==, ISL_BIN_OK);
    g_assert_cmpuint(len, ==, 3);
    g_assert_cmpint(bin("0b", &len), ==, ISL_BIN_EMPTY);
    g_assert_cmpint(bin("0bA===", &len), ==, ISL_BIN_BAD_BASE64);  /* three pad chars */
    g_assert_cmpint(bin("0bAA=A", &len), ==, ISL_BIN_BAD_BASE64);  /* data after padding */
    g_assert_cmpint(bin("0bAA!A", &len), ==, ISL_BIN_BAD_BASE64);
    g_assert_cmpint(bin("0bAA-_", &len), ==, ISL_BIN_BAD_BASE64);  /* base64url is not RFC 4648 §4 */
}

/* Padding only completes the last 4-character quantum (RFC 4648 §3.2, §4). */
ISL_TEST("/values/binary/base64_padding", test_binary_base64_padding)
{
    size_t len;
    g_assert_cmpint(bin("0b==", &len), ==, ISL_BIN_BAD_BASE64);     /* padding alone encodes nothing */
    g_assert_cmpint(bin("0b=", &len), ==, ISL_BIN_BAD_BASE64);
    g_assert_cmpint(bin("0bAAAA==", &len), ==, ISL_BIN_BAD_BASE64); /* a full quantum takes no padding */
    g_assert_cmpint(bin("0bAAAA=", &len), ==, ISL_BIN_BAD_BASE64);
    g_assert_cmpint(bin("0bAAA==", &len), ==, ISL_BIN_BAD_BASE64);  /* 3 + 2 */
    g_assert_cmpint(bin("0bAA=", &len), ==, ISL_BIN_BAD_BASE64);    /* 2 + 1 */
    g_assert_cmpint(bin("0bAAAAAA==", &len), ==, ISL_BIN_OK);
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmpint(bin("0bAAAAAAA=", &len), ==, ISL_BIN_OK);
    g_assert_cmpuint(len, ==, 5);
    g_assert_null(isl_binary_canonical("0b=="));
}

ISL_TEST("/values/binary/base64_4k_plus_1", test_binary_base64_4k_plus_1)
{
    size_t len;
    g_assert_cmpint(bin("0bA", &len), ==, ISL_BIN_BAD_BASE64);
    g_assert_cmpint(bin("0bAAAAA", &len), ==, ISL_BIN_BAD_BASE64);
    g_assert_cmpint(bin("0bAAAAA=", &len), ==, ISL_BIN_BAD_BASE64);
    g_assert_cmpint(bin("0bAAAAAAAAA", &len), ==, ISL_BIN_BAD_BASE64);
    g_assert_cmpint(bin("0bAAAAAA", &len), ==, ISL_BIN_OK);        /* 4k+2 */
    g_assert_cmpuint(len, ==, 4);
    g_assert_cmpint(bin("0bAAAAAAA", &len), ==, ISL_BIN_OK);       /* 4k+3 */
    g_assert_cmpuint(len, ==, 5);
    g_assert_cmpint(bin("0bAAAAAAAA", &len), ==, ISL_BIN_OK);      /* 4k */
    g_assert_cmpuint(len, ==, 6);
}

ISL_TEST("/values/binary/decimal", test_binary_decimal)
{
    size_t len;
    g_assert_cmpint(bin("12345", &len), ==, ISL_BIN_OK);
    g_assert_cmpuint(len, ==, 8);
    g_assert_cmpint(bin("18446744073709551616", &len), ==, ISL_BIN_NO_PREFIX);
    g_assert_cmpint(bin("abc", &len), ==, ISL_BIN_NO_PREFIX);
    g_assert_cmpint(bin("0c12", &len), ==, ISL_BIN_NO_PREFIX);
}

static void canon_is(const char *in, const char *want)
{
    char *c = isl_binary_canonical(in);
    g_assert_cmpstr(c, ==, want);
    g_free(c);
}

ISL_TEST("/values/binary/canonical", test_binary_canonical)
{
    canon_is("0xABcd", "abcd");
    canon_is("0x123", "0123");
    canon_is("0bAQID", "010203");
    canon_is("0x010203", "010203");       /* hex and base64 of the same bytes compare equal */
    canon_is("0b/w==", "ff");
    canon_is("0bAQI=", "0102");
    canon_is("0bAQI", "0102");
    canon_is("0b+/8Af+7c", "fbff007feedc");  /* every nibble through the hex digits */
    canon_is("42", "42");
    canon_is("0xZZ", NULL);
    canon_is("0bA", NULL);
    canon_is("", NULL);
}

ISL_TEST("/values/keyname/valid", test_keyname_valid)
{
    char bad = 'x';
    g_assert_cmpint(isl_check_key_name("MaxBurstLength", &bad), ==, ISL_KEYNAME_OK);
    g_assert_cmpint(isl_check_key_name("iSCSIProtocolLevel", &bad), ==, ISL_KEYNAME_OK);
    g_assert_cmpint(isl_check_key_name("X-com.example.foo_bar+1@x", &bad), ==, ISL_KEYNAME_OK);
    g_assert_cmpint(isl_check_key_name("X#NodeArchitecture", &bad), ==, ISL_KEYNAME_OK);
    g_assert_cmpint(isl_check_key_name("CHAP_A", NULL), ==, ISL_KEYNAME_OK);
    g_assert_cmpint(bad, ==, 'x');
}

ISL_TEST("/values/keyname/empty", test_keyname_empty)
{
    g_assert_cmpint(isl_check_key_name("", NULL), ==, ISL_KEYNAME_EMPTY);
}

ISL_TEST("/values/keyname/too_long", test_keyname_too_long)
{
    char k[80];
    memset(k, 'K', sizeof k);
    k[63] = '\0';
    g_assert_cmpint(isl_check_key_name(k, NULL), ==, ISL_KEYNAME_OK);
    k[63] = 'K';
    k[64] = '\0';
    g_assert_cmpint(isl_check_key_name(k, NULL), ==, ISL_KEYNAME_TOO_LONG);
}

ISL_TEST("/values/keyname/bad_char", test_keyname_bad_char)
{
    char bad = 0;
    g_assert_cmpint(isl_check_key_name("Max Burst", &bad), ==, ISL_KEYNAME_BAD_CHAR);
    g_assert_cmpint(bad, ==, ' ');
    g_assert_cmpint(isl_check_key_name("A#B", &bad), ==, ISL_KEYNAME_BAD_CHAR);
    g_assert_cmpint(bad, ==, '#');
    g_assert_cmpint(isl_check_key_name("XY#", &bad), ==, ISL_KEYNAME_BAD_CHAR);
    g_assert_cmpint(bad, ==, '#');
    g_assert_cmpint(isl_check_key_name("X#A#", &bad), ==, ISL_KEYNAME_BAD_CHAR);   /* only the one after X */
    g_assert_cmpint(bad, ==, '#');
    g_assert_cmpint(isl_check_key_name("Key,2", &bad), ==, ISL_KEYNAME_BAD_CHAR);
    g_assert_cmpint(bad, ==, ',');
    g_assert_cmpint(isl_check_key_name("Ke\xc3\xbf", &bad), ==, ISL_KEYNAME_BAD_CHAR);
    g_assert_cmpint((unsigned char)bad, ==, 0xc3);
}

ISL_TEST("/values/text_value/chars", test_text_value_chars)
{
    g_assert_cmpint(isl_text_value_bad_char("None, CRC32C", true), ==, ' ');
    g_assert_cmpint(isl_text_value_bad_char("CRC32C,None", true), ==, 0);
    g_assert_cmpint(isl_text_value_bad_char("CRC32C,None", false), ==, ',');
    g_assert_cmpint(isl_text_value_bad_char("a=b", false), ==, '=');
    g_assert_cmpint(isl_text_value_bad_char("iqn.2026-11.x:y/[z]@+_", false), ==, 0);
    g_assert_cmpint(isl_text_value_bad_char("", false), ==, 0);
    g_assert_cmpint(isl_text_value_bad_char("a\tb", true), ==, '\t');
}

/* Every name in ok is a valid iSCSI name, none in bad; both end
 * with NULL. */
static void check_names(const char *const *ok, const char *const *bad)
{
    for (; *ok; ok++)
        if (!isl_name_valid(*ok))
            g_error("\"%s\" should be a valid name", *ok);
    for (; *bad; bad++)
        if (isl_name_valid(*bad))
            g_error("\"%s\" should not be a valid name", *bad);
}

ISL_TEST("/values/name/iqn", test_name_iqn)
{
    static const char *const ok[] = {
        "iqn.2026-11.com.example:disk1",
        "iqn.2026-11.com.example",
        "iqn.1992-01.com.example:storage.tape1.sys1.xyz",
        NULL,
    };
    static const char *const bad[] = {
        "iqn.2026-1.com.example",
        "iqn.2026-11",
        "iqn.2026-11.",
        "iqn.2026-11.:disk",
        "iqn.20a6-11.com.example",
        "iqn.2026_11.com.example",
        "iqn.2026-11.Com.Example", /* upper case */
        "iqn.2026-11.com.example:my disk",
        "IQN.2026-11.com.example",
        "iqn.20",
        NULL,
    };
    check_names(ok, bad);
}

ISL_TEST("/values/name/eui", test_name_eui)
{
    static const char *const ok[] = {
        "eui.0123456789ABCDEF",
        "eui.0123456789abcdef",
        NULL,
    };
    static const char *const bad[] = {
        "eui.0123456789ABCDE",
        "eui.0123456789ABCDEF0",
        "eui.0123456789ABCDEG",
        "eui.",
        NULL,
    };
    check_names(ok, bad);
}

ISL_TEST("/values/name/naa", test_name_naa)
{
    static const char *const ok[] = {
        "naa.52004567BA64678D",
        "naa.62004567BA64678D0123456789ABCDEF",
        NULL,
    };
    static const char *const bad[] = {
        "naa.62004567BA64678D01234567", /* 24 digits */
        "naa.52004567BA64678X",
        NULL,
    };
    check_names(ok, bad);
}

ISL_TEST("/values/name/other", test_name_other)
{
    char name[260];
    g_assert_false(isl_name_valid("myhost"));
    g_assert_false(isl_name_valid(""));
    g_assert_false(isl_name_valid("iqn"));
    /* 223 bytes is the limit */
    strcpy(name, "iqn.2026-11.com.example:");
    memset(name + strlen(name), 'a', 223 - strlen(name));
    name[223] = '\0';
    g_assert_true(isl_name_valid(name));
    strcat(name, "a");
    g_assert_false(isl_name_valid(name));
}

ISL_TEST("/values/reserved_constants", test_reserved_constants)
{
    g_assert_true(isl_is_reserved_constant("Reject"));
    g_assert_true(isl_is_reserved_constant("Irrelevant"));
    g_assert_true(isl_is_reserved_constant("NotUnderstood"));
    g_assert_false(isl_is_reserved_constant("None"));
    g_assert_false(isl_is_reserved_constant("reject"));
    g_assert_false(isl_is_reserved_constant("Reject,None"));
}

ISL_TEST("/values/list/membership", test_list_membership)
{
    g_assert_cmpint(isl_list_index("CRC32C,None", "CRC32C"), ==, 0);
    g_assert_cmpint(isl_list_index("CRC32C,None", "None"), ==, 1);
    g_assert_cmpint(isl_list_index("CRC32C,None", "CRC"), ==, -1);     /* no prefix match */
    g_assert_cmpint(isl_list_index("CRC32C,None", "None,"), ==, -1);
    g_assert_cmpint(isl_list_index("None", "None"), ==, 0);
    g_assert_cmpint(isl_list_index("5,6,7", "7"), ==, 2);
    g_assert_cmpint(isl_list_index("55,6", "5"), ==, -1);
    g_assert_cmpint(isl_list_index("KRB5,SRP,CHAP,None", "CHAP"), ==, 2);
    g_assert_true(isl_list_contains("KRB5,SRP,CHAP,None", "None"));
    g_assert_false(isl_list_contains("KRB5,SRP,CHAP,None", "none"));
    g_assert_false(isl_list_contains("", "None"));
}

static void addr_ok(const char *v, const char *host, unsigned port, int tpgt)
{
    char *h = NULL;
    unsigned p = 0;
    int t = 0;
    g_assert_true(isl_parse_address(v, &h, &p, &t));
    g_assert_cmpstr(h, ==, host);
    g_assert_cmpuint(p, ==, port);
    g_assert_cmpint(t, ==, tpgt);
    g_free(h);
}

static void addr_bad(const char *v)
{
    char *h = (char *)"x";
    unsigned p;
    int t;
    g_assert_false(isl_parse_address(v, &h, &p, &t));
    g_assert_null(h);
}

ISL_TEST("/values/address/ipv4", test_address_ipv4)
{
    addr_ok("10.0.0.1", "10.0.0.1", 3260, -1);
    addr_ok("10.0.0.1:3261", "10.0.0.1", 3261, -1);
    addr_ok("10.0.0.1:3260,1", "10.0.0.1", 3260, 1);
    addr_ok("10.0.0.1,5", "10.0.0.1", 3260, 5);
    addr_ok("target.example.com:860,65535", "target.example.com", 860, 65535);
}

ISL_TEST("/values/address/ipv6", test_address_ipv6)
{
    addr_ok("[fe80::1]:3260,1", "fe80::1", 3260, 1);
    addr_ok("[::1]", "::1", 3260, -1);
    addr_ok("[2001:db8::5]:3261", "2001:db8::5", 3261, -1);
    addr_ok("[2001:db8::5],7", "2001:db8::5", 3260, 7);
    addr_bad("[::1");
    addr_bad("[]:3260");
    addr_bad("[::1]x");
    addr_bad("[::1]:");
}

ISL_TEST("/values/address/bad", test_address_bad)
{
    addr_bad("");
    addr_bad(":3260");
    addr_bad(",1");
    addr_bad("h:");
    addr_bad("h:70000");
    addr_bad("h:3260,70000");
    addr_bad("h:3260,x");
    addr_bad("h:3260,");
    addr_bad("h,1,2");
    addr_bad("h:3260:1");
    addr_bad("h:-1");
}

/* ---- keys.c ------------------------------------------------------------- */

ISL_TEST("/keys/lookup/case_sensitive", test_keys_lookup_case)
{
    const isl_key_def *d = isl_key_lookup("MaxBurstLength");
    g_assert_nonnull(d);
    g_assert_cmpstr(d->name, ==, "MaxBurstLength");
    g_assert_cmpint(d->kind, ==, ISL_KIND_NUM_MIN);
    g_assert_null(isl_key_lookup("maxburstlength"));
    g_assert_true(isl_key_lookup_nocase("maxburstlength") == d);
    g_assert_true(isl_key_lookup_nocase("MAXBURSTLENGTH") == d);
    g_assert_null(isl_key_lookup("MaxBurst"));
    g_assert_null(isl_key_lookup_nocase("FooBar"));
    g_assert_null(isl_key_lookup(""));
}

ISL_TEST("/keys/table/consistent", test_keys_table)
{
    unsigned n = isl_key_count();
    GHashTable *names = g_hash_table_new(g_str_hash, g_str_equal);
    GHashTable *fields = g_hash_table_new(g_str_hash, g_str_equal);

    g_assert_cmpuint(n, ==, 45);   /* 16 security, 25 operational/declarative, 4 markers */
    g_assert_null(isl_key_at(n));
    for (unsigned i = 0; i < n; i++) {
        const isl_key_def *d = isl_key_at(i);
        g_assert_nonnull(d);
        g_assert_cmpuint(isl_key_index(d), ==, i);
        g_assert_true(isl_key_lookup(d->name) == d);
        g_assert_cmpint(isl_check_key_name(d->name, NULL), ==, ISL_KEYNAME_OK);
        g_assert_false(g_hash_table_contains(names, d->name));
        g_assert_false(g_hash_table_contains(fields, d->field));
        g_hash_table_add(names, (gpointer)d->name);
        g_hash_table_add(fields, (gpointer)d->field);
        for (const char *p = d->field; *p; p++)
            g_assert_true(g_ascii_islower(*p) || g_ascii_isdigit(*p) || *p == '_');
        g_assert_true(d->senders != 0 && (d->senders & ~ISL_BY_IT) == 0);
        g_assert_true(d->stages != 0);
        g_assert_cmpuint(d->max_len, >, 0);
        g_assert_nonnull(d->desc);
        g_assert_cmpstr(isl_kind_name(d->kind), !=, "?");
        if (d->vtype == ISL_VT_NUMBER || d->vtype == ISL_VT_RANGE)
            g_assert_cmpuint(d->min, <=, d->max);
        if (d->def && d->vtype == ISL_VT_NUMBER) {
            uint64_t x;
            g_assert_cmpint(isl_parse_number(d->def, &x), ==, ISL_NUM_OK);
            g_assert_cmpuint(x, >=, d->min);
            g_assert_cmpuint(x, <=, d->max);
        }
        if (d->def && d->vtype == ISL_VT_BOOL)
            g_assert_true(!strcmp(d->def, "Yes") || !strcmp(d->def, "No"));
        if (d->def && d->values) {
            bool found = false;
            for (const char *const *v = d->values; *v; v++)
                found |= !strcmp(*v, d->def);
            g_assert_true(found);
        }
        /* Negotiated kinds need an answer; only they can be boolean/list typed. */
        if (d->kind == ISL_KIND_BOOL_AND || d->kind == ISL_KIND_BOOL_OR)
            g_assert_cmpint(d->vtype, ==, ISL_VT_BOOL);
        if (d->kind == ISL_KIND_NUM_MIN || d->kind == ISL_KIND_NUM_MAX)
            g_assert_cmpint(d->vtype, ==, ISL_VT_NUMBER);
    }
    g_hash_table_destroy(names);
    g_hash_table_destroy(fields);
}

/* The row whose name is exactly s, by plain comparison: what the switch in
 * isl_key_lookup() must agree with. */
static const isl_key_def *key_by_strcmp(const char *s)
{
    for (unsigned i = 0; i < isl_key_count(); i++)
        if (!strcmp(isl_key_at(i)->name, s))
            return isl_key_at(i);
    return NULL;
}

/* Every name, and every near miss of every name (one byte changed, case
 * flipped, one byte cut or added, a prefix), resolves as a string compare
 * over the table would: the length/byte switch picks no wrong row. */
ISL_TEST("/keys/lookup/near_misses", test_keys_lookup_near_misses)
{
    static const char subst[] = { 'A', 'a', 'e', 'M', 'R', 'T', 'X', 'z', '_', '#', '-', '0', '2', '.' };
    char buf[80];
    unsigned tried = 0;

    for (unsigned i = 0; i < isl_key_count(); i++) {
        const char *name = isl_key_at(i)->name;
        size_t len = strlen(name);
        g_assert_true(isl_key_lookup(name) == isl_key_at(i));
        for (size_t pos = 0; pos < len; pos++) {
            for (unsigned c = 0; c <= G_N_ELEMENTS(subst); c++) {
                memcpy(buf, name, len + 1);
                buf[pos] = c < G_N_ELEMENTS(subst) ? subst[c] :
                           g_ascii_isupper(name[pos]) ? g_ascii_tolower(name[pos]) : g_ascii_toupper(name[pos]);
                g_assert_true(isl_key_lookup(buf) == key_by_strcmp(buf));
                tried++;
            }
            memcpy(buf, name, pos);         /* prefix of pos bytes */
            buf[pos] = '\0';
            g_assert_true(isl_key_lookup(buf) == key_by_strcmp(buf));
            memcpy(buf, name, pos);         /* byte pos cut out */
            memcpy(buf + pos, name + pos + 1, len - pos);
            g_assert_true(isl_key_lookup(buf) == key_by_strcmp(buf));
            tried += 2;
        }
        memcpy(buf, name, len);             /* one byte added */
        memcpy(buf + len, "s", 2);
        g_assert_null(isl_key_lookup(buf));
        g_assert_null(isl_key_lookup(name + 1));
    }
    g_assert_cmpuint(tried, >, 8000);
    /* Lengths the table has no key of, and keys of other specs. */
    static const char *const others[] = { "", "X", "Auth", "X-com.cisco.PingTimeout", "X-com.cisco.sendAsyncText",
        "X#NodeArchitectur", "SendTargetsAll", "MaxRecvDataSegmentLengthX", "OFMarkInterval", "CHAP", "SRP_" };
    for (unsigned i = 0; i < G_N_ELEMENTS(others); i++)
        g_assert_null(isl_key_lookup(others[i]));
}

/* The RFC 7143 §13 facts the negotiation rules rely on. */
ISL_TEST("/keys/table/rfc_facts", test_keys_rfc_facts)
{
    static const struct { const char *name; isl_kind kind; isl_use use; uint64_t min, max; const char *def; } f[] = {
        { "MaxConnections", ISL_KIND_NUM_MIN, ISL_USE_LO, 1, 65535, "1" },
        { "InitialR2T", ISL_KIND_BOOL_OR, ISL_USE_LO, 0, 0, "Yes" },
        { "ImmediateData", ISL_KIND_BOOL_AND, ISL_USE_LO, 0, 0, "Yes" },
        { "MaxRecvDataSegmentLength", ISL_KIND_DECL, ISL_USE_ALL, 512, 16777215, "8192" },
        { "MaxBurstLength", ISL_KIND_NUM_MIN, ISL_USE_LO, 512, 16777215, "262144" },
        { "FirstBurstLength", ISL_KIND_NUM_MIN, ISL_USE_LO, 512, 16777215, "65536" },
        { "DefaultTime2Wait", ISL_KIND_NUM_MAX, ISL_USE_LO, 0, 3600, "2" },
        { "DefaultTime2Retain", ISL_KIND_NUM_MIN, ISL_USE_LO, 0, 3600, "20" },
        { "MaxOutstandingR2T", ISL_KIND_NUM_MIN, ISL_USE_LO, 1, 65535, "1" },
        { "DataPDUInOrder", ISL_KIND_BOOL_OR, ISL_USE_LO, 0, 0, "Yes" },
        { "DataSequenceInOrder", ISL_KIND_BOOL_OR, ISL_USE_LO, 0, 0, "Yes" },
        { "ErrorRecoveryLevel", ISL_KIND_NUM_MIN, ISL_USE_LO, 0, 2, "0" },
        { "HeaderDigest", ISL_KIND_LIST, ISL_USE_IO, 0, 0, "None" },
        { "DataDigest", ISL_KIND_LIST, ISL_USE_IO, 0, 0, "None" },
        { "AuthMethod", ISL_KIND_LIST, ISL_USE_IO, 0, 0, NULL },
        { "TargetPortalGroupTag", ISL_KIND_DECL, ISL_USE_IO, 0, 65535, NULL },
        { "SessionType", ISL_KIND_DECL, ISL_USE_LO, 0, 0, "Normal" },
        { "SendTargets", ISL_KIND_SPECIAL, ISL_USE_FFPO, 0, 0, NULL },
        { "IFMarkInt", ISL_KIND_RANGE, ISL_USE_IO, 1, 65535, "2048" },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(f); i++) {
        const isl_key_def *d = isl_key_lookup(f[i].name);
        g_assert_nonnull(d);
        g_assert_cmpint(d->kind, ==, f[i].kind);
        g_assert_cmpint(d->use, ==, f[i].use);
        g_assert_cmpuint(d->min, ==, f[i].min);
        g_assert_cmpuint(d->max, ==, f[i].max);
        g_assert_cmpstr(d->def, ==, f[i].def);
    }
    g_assert_true(isl_key_lookup("MaxRecvDataSegmentLength")->flags & ISL_KF_DIRECTIONAL);
    g_assert_true(isl_key_lookup("TargetAddress")->flags & ISL_KF_MAY_REPEAT);
    g_assert_true(isl_key_lookup("TaskReporting")->flags & ISL_KF_RFC7144);
    g_assert_true(isl_key_lookup("iSCSIProtocolLevel")->flags & ISL_KF_RFC7144);
    g_assert_true(isl_key_lookup("OFMarker")->flags & ISL_KF_OBSOLETE);
    g_assert_cmpuint(isl_key_lookup("InitiatorName")->senders, ==, ISL_BY_I);
    g_assert_cmpuint(isl_key_lookup("TargetAlias")->senders, ==, ISL_BY_T);
    g_assert_cmpuint(isl_key_lookup("InitiatorName")->max_len, ==, 223);
    g_assert_cmpuint(isl_key_lookup("CHAP_C")->max_len, ==, 1024);
    g_assert_cmpuint(isl_key_lookup("KRB_AP_REQ")->max_len, ==, 65536);
    g_assert_cmpuint(isl_key_lookup("CHAP_A")->stages, ==, ISL_STG_SEC);
    g_assert_cmpuint(isl_key_lookup("MaxBurstLength")->stages, ==, ISL_STG_OP);
}

/* RFC 7143 §13: the keys whose section says "Irrelevant when:
 * SessionType=Discovery", and the one irrelevant without unsolicited data
 * (§13.14 FirstBurstLength: "InitialR2T=Yes and ImmediateData=No"). */
ISL_TEST("/keys/table/irrelevant", test_keys_irrelevant)
{
    static const char *const discovery[] = { "MaxConnections", "InitialR2T", "ImmediateData", "MaxBurstLength",
        "FirstBurstLength", "MaxOutstandingR2T", "DataPDUInOrder", "DataSequenceInOrder", "TaskReporting",
        "iSCSIProtocolLevel" };
    unsigned n_disc = 0;

    for (unsigned i = 0; i < G_N_ELEMENTS(discovery); i++)
        g_assert_true(isl_key_lookup(discovery[i])->flags & ISL_KF_IRR_DISCOVERY);
    for (unsigned i = 0; i < isl_key_count(); i++) {
        const isl_key_def *d = isl_key_at(i);
        n_disc += (d->flags & ISL_KF_IRR_DISCOVERY) != 0;
        g_assert_cmpint((d->flags & ISL_KF_IRR_NO_UNSOLICITED) != 0, ==, !strcmp(d->name, "FirstBurstLength"));
    }
    /* and no other: the digests, MaxRecvDataSegmentLength, DefaultTime2Wait,
     * DefaultTime2Retain and ErrorRecoveryLevel apply in Discovery sessions */
    g_assert_cmpuint(n_disc, ==, G_N_ELEMENTS(discovery));
}

ISL_TEST("/keys/extension", test_keys_extension)
{
    g_assert_true(isl_key_is_extension("X-com.example.Foo"));
    g_assert_true(isl_key_is_extension("X#NodeArchitecture"));
    g_assert_false(isl_key_is_extension("Xfoo"));
    g_assert_false(isl_key_is_extension("x-com.example.foo"));
    g_assert_false(isl_key_is_extension("X"));
    g_assert_false(isl_key_is_extension(""));
}

ISL_TEST("/checks/catalogue", test_checks_catalogue)
{
    GHashTable *ab = g_hash_table_new(g_str_hash, g_str_equal);
    for (int c = 0; c < ISL_CHK_COUNT; c++) {
        const isl_check_info *i = isl_check_get((isl_check)c);
        g_assert_nonnull(i);
        g_assert_nonnull(strchr(i->abbrev, '.'));
        g_assert_false(g_hash_table_contains(ab, i->abbrev));
        g_hash_table_add(ab, (gpointer)i->abbrev);
        g_assert_cmpuint(strlen(i->summary), >, 0);
        g_assert_cmpuint(strlen(i->example), >, 0);
        /* Every check names its RFC clause; a convention is at most a Note. */
        g_assert_true(g_str_has_prefix(i->clause, "RFC ") || g_str_has_prefix(i->clause, "convention ("));
        if (g_str_has_prefix(i->clause, "convention"))
            g_assert_cmpint(i->severity, <=, ISL_SEV_NOTE);
    }
    g_assert_null(isl_check_get(ISL_CHK_COUNT));
    g_assert_cmpstr(isl_check_get(ISL_CHK_NEG_BOOL_AND)->abbrev, ==, "neg.bool_and");
    g_hash_table_destroy(ab);
}

ISL_TEST("/checks/findings", test_checks_findings)
{
    isl_findings f = { 0 };
    isl_report(&f, ISL_CHK_NEG_BOOL_AND, "a %d", 1);
    isl_report(&f, ISL_CHK_NEG_BOOL_OR, "b");
    isl_report(&f, ISL_CHK_NEG_BOOL_AND, "c");
    isl_report(NULL, ISL_CHK_NEG_BOOL_AND, "ignored");
    g_assert_cmpuint(isl_findings_total(&f), ==, 3);
    g_assert_cmpuint(isl_findings_count(&f, ISL_CHK_NEG_BOOL_AND), ==, 2);
    g_assert_cmpuint(isl_findings_count(&f, ISL_CHK_NEG_BOOL_OR), ==, 1);
    g_assert_cmpuint(isl_findings_count(&f, ISL_CHK_NEG_OUT_OF_RANGE), ==, 0);
    g_assert_cmpstr(f.head->msg, ==, "a 1");
    g_assert_cmpstr(f.tail->msg, ==, "c");
    isl_findings_clear(&f);
    g_assert_cmpuint(isl_findings_total(&f), ==, 0);
    g_assert_null(f.head);
    g_assert_null(f.tail);
}

/* ---- key ids, per-key rules, auth tables -------------------------------- */

ISL_TEST("/keys/ids", test_keys_ids)
{
    g_assert_cmpuint(isl_key_count(), ==, ISL_KEY_COUNT);
    g_assert_null(isl_key_by_id(ISL_KEY_COUNT));
    for (unsigned i = 0; i < ISL_KEY_COUNT; i++) {
        const isl_key_def *d = isl_key_by_id((isl_key_id)i);
        g_assert_true(d == isl_key_at(i));
        g_assert_nonnull(d->name);   /* no row left out of the designated table */
        g_assert_cmpuint(d->id, ==, i);
        /* a login narrows the senders, never widens them */
        g_assert_true((d->login_senders & ~d->senders) == 0);
        if (d->must_offer)
            for (const char *const *m = d->must_offer; *m; m++)
                g_assert_true(d->values && g_strv_contains((const char *const *)d->values, *m));
        if (d->flags & ISL_KF_CLOSED_VALUES)
            g_assert_nonnull(d->values);
    }
    g_assert_cmpstr(isl_key_by_id(ISL_KEY_AUTH_METHOD)->name, ==, "AuthMethod");
    g_assert_cmpstr(isl_key_by_id(ISL_KEY_MAX_RECV_DATA_SEGMENT_LENGTH)->name, ==, "MaxRecvDataSegmentLength");
    g_assert_cmpstr(isl_key_by_id(ISL_KEY_OF_MARK_INT)->name, ==, "OFMarkInt");
}

/* The rules negotiation.c used to spell with key names. */
ISL_TEST("/keys/rules", test_keys_rules)
{
    const isl_key_def *tn = isl_key_by_id(ISL_KEY_TARGET_NAME), *st = isl_key_by_id(ISL_KEY_SESSION_TYPE);
    const isl_key_def *tr = isl_key_by_id(ISL_KEY_TASK_REPORTING);

    g_assert_cmpuint(isl_key_senders(tn, true), ==, ISL_BY_I);
    g_assert_cmpuint(isl_key_senders(tn, false), ==, ISL_BY_IT);
    g_assert_cmpuint(isl_key_senders(st, true), ==, ISL_BY_I);
    g_assert_true(st->flags & ISL_KF_EVERY_LOGIN);
    g_assert_true(st->flags & ISL_KF_CLOSED_VALUES);
    g_assert_cmpint(st->closed_check, ==, ISL_CHK_LOGIN_SESSIONTYPE_VALUE);
    g_assert_nonnull(tr->must_offer);
    g_assert_cmpstr(tr->must_offer[0], ==, "RFC3720");
    g_assert_cmpstr(tr->must_offer[1], ==, "ResponseFence");
    g_assert_null(tr->must_offer[2]);
    g_assert_cmpint(tr->must_offer_check, ==, ISL_CHK_NEG_TASKREPORTING_OFFER);
    g_assert_true(isl_key_by_id(ISL_KEY_CHAP_I)->flags & ISL_KF_AUTH_SYNTAX);
    for (unsigned i = 0; i < ISL_KEY_COUNT; i++) {
        const isl_key_def *d = isl_key_at(i);
        if (d != tn)
            g_assert_cmpuint(d->login_senders, ==, 0);
        if (d != st)
            g_assert_false(d->flags & (ISL_KF_EVERY_LOGIN | ISL_KF_CLOSED_VALUES));
        if (d != tr)
            g_assert_null(d->must_offer);
    }
}

ISL_TEST("/keys/chap_algs", test_chap_algs)
{
    const isl_key_def *ca = isl_key_by_id(ISL_KEY_CHAP_A);
    unsigned n = isl_chap_alg_count(), mandatory = 0;

    g_assert_cmpuint(n, ==, 4);
    g_assert_null(isl_chap_alg_at(n));
    /* the key table's CHAP_A values are the algorithm table, in order */
    for (unsigned i = 0; i < n; i++) {
        const isl_chap_alg *a = isl_chap_alg_at(i);
        g_assert_cmpstr(ca->values[i], ==, a->value);
        g_assert_true(isl_chap_alg_lookup(a->value) == a);
        mandatory += a->mandatory;
    }
    g_assert_null(ca->values[n]);
    g_assert_cmpuint(mandatory, ==, 1);
    g_assert_true(isl_chap_alg_lookup("5")->mandatory);
    g_assert_cmpstr(isl_chap_alg_lookup("5")->name, ==, "MD5");
    g_assert_cmpuint(isl_chap_alg_lookup("5")->digest_len, ==, 16);
    g_assert_cmpuint(isl_chap_alg_lookup("6")->digest_len, ==, 20);
    g_assert_cmpuint(isl_chap_alg_lookup("7")->digest_len, ==, 32);
    g_assert_cmpstr(isl_chap_alg_lookup("8")->name, ==, "SHA3-256");
    g_assert_cmpuint(isl_chap_alg_lookup("8")->digest_len, ==, 32);
    g_assert_null(isl_chap_alg_lookup("4"));
    g_assert_null(isl_chap_alg_lookup("05"));
    g_assert_null(isl_chap_alg_lookup(NULL));
}

ISL_TEST("/keys/auth_methods", test_auth_methods)
{
    const isl_key_def *am = isl_key_by_id(ISL_KEY_AUTH_METHOD);

    for (const char *const *v = am->values; *v; v++)
        g_assert_nonnull(isl_auth_method_lookup(*v));
    g_assert_null(isl_auth_method_lookup("chap"));
    g_assert_null(isl_auth_method_lookup(NULL));
    g_assert_true(isl_auth_method_is("CHAP", ISL_KF_CHAP));
    g_assert_false(isl_auth_method_is("SRP", ISL_KF_CHAP));
    g_assert_false(isl_auth_method_is(NULL, ISL_KF_CHAP));
    g_assert_cmpuint(isl_auth_method_lookup("SRP")->text_limit, ==, 65536);
    g_assert_cmpuint(isl_auth_method_lookup("KRB5")->text_limit, ==, 65536);
    g_assert_cmpuint(isl_auth_method_lookup("CHAP")->text_limit, ==, 8192);
    g_assert_cmpuint(isl_auth_method_lookup("None")->text_limit, ==, 8192);
}

ISL_TEST("/values/reserved_and_bool", test_reserved_and_bool)
{
    bool b = false;

    g_assert_cmpint(isl_reserved_constant("Reject"), ==, ISL_RC_REJECT);
    g_assert_cmpint(isl_reserved_constant("Irrelevant"), ==, ISL_RC_IRRELEVANT);
    g_assert_cmpint(isl_reserved_constant("NotUnderstood"), ==, ISL_RC_NOT_UNDERSTOOD);
    g_assert_cmpint(isl_reserved_constant("reject"), ==, ISL_RC_NONE);
    g_assert_true(isl_list_has_reserved("CRC32C,Reject"));
    g_assert_false(isl_list_has_reserved("CRC32C,None"));
    g_assert_true(isl_parse_bool("Yes", &b) && b);
    g_assert_true(isl_parse_bool("No", &b) && !b);
    b = true;
    g_assert_false(isl_parse_bool("yes", &b));
    g_assert_false(isl_parse_bool("", &b));
    g_assert_true(b);
}

/* Run one value through the per-type checker; returns its verdict, leaves findings in *f. */
static bool vcheck(isl_key_id id, const char *v, bool answer, isl_findings *f)
{
    const isl_key_def *d = isl_key_by_id(id);
    isl_findings_clear(f);
    return isl_value_check(d, d->name, v, answer, f);
}

ISL_TEST("/values/check/number", test_value_check_number)
{
    isl_findings f = { 0 };

    g_assert_true(vcheck(ISL_KEY_MAX_BURST_LENGTH, "262144", false, &f));
    expect_none(&f);
    g_assert_true(vcheck(ISL_KEY_MAX_BURST_LENGTH, "0x200", false, &f));
    expect_none(&f);
    g_assert_false(vcheck(ISL_KEY_MAX_BURST_LENGTH, "511", false, &f));
    expect(&f, ISL_CHK_NEG_OUT_OF_RANGE, 1);
    g_assert_false(vcheck(ISL_KEY_MAX_BURST_LENGTH, "12a", false, &f));
    expect(&f, ISL_CHK_FMT_BAD_NUMBER, 1);
    g_assert_false(vcheck(ISL_KEY_MAX_BURST_LENGTH, "512~1024", false, &f));
    expect(&f, ISL_CHK_NEG_RANGE_MISUSE, 1);
    /* Reject is an answer, not a number */
    g_assert_true(vcheck(ISL_KEY_MAX_BURST_LENGTH, "Reject", true, &f));
    expect_none(&f);
    g_assert_false(vcheck(ISL_KEY_MAX_BURST_LENGTH, "Reject", false, &f));
    expect(&f, ISL_CHK_FMT_BAD_NUMBER, 1);
    /* CHAP_I's range is the CHAP exchange's to report */
    g_assert_true(vcheck(ISL_KEY_CHAP_I, "300", false, &f));
    expect_none(&f);
    isl_findings_clear(&f);
}

ISL_TEST("/values/check/bool_list_text", test_value_check_bool_list_text)
{
    isl_findings f = { 0 };

    g_assert_true(vcheck(ISL_KEY_INITIAL_R2T, "No", false, &f));
    expect_none(&f);
    g_assert_false(vcheck(ISL_KEY_INITIAL_R2T, "yes", false, &f));
    expect(&f, ISL_CHK_FMT_CASE, 1);
    g_assert_false(vcheck(ISL_KEY_INITIAL_R2T, "1", false, &f));
    expect(&f, ISL_CHK_NEG_BOOL_VALUE, 1);
    g_assert_true(vcheck(ISL_KEY_HEADER_DIGEST, "CRC32C,None", false, &f));
    expect_none(&f);
    /* open list: an unknown value is the acceptor's to refuse */
    g_assert_true(vcheck(ISL_KEY_HEADER_DIGEST, "CRC64,None", false, &f));
    expect_none(&f);
    g_assert_false(vcheck(ISL_KEY_HEADER_DIGEST, "crc32c", false, &f));
    expect(&f, ISL_CHK_FMT_CASE, 1);
    g_assert_false(vcheck(ISL_KEY_HEADER_DIGEST, "CRC32C;None", false, &f));
    expect(&f, ISL_CHK_FMT_VALUE_CHARS, 1);
    /* closed set */
    g_assert_true(vcheck(ISL_KEY_SESSION_TYPE, "Discovery", false, &f));
    expect_none(&f);
    g_assert_false(vcheck(ISL_KEY_SESSION_TYPE, "Special", false, &f));
    expect(&f, ISL_CHK_LOGIN_SESSIONTYPE_VALUE, 1);
    g_assert_false(vcheck(ISL_KEY_SESSION_TYPE, "normal", false, &f));
    expect(&f, ISL_CHK_FMT_CASE, 1);
    /* list items are checked in place: the wrong-case item is named alone,
     * empty items and prefixes of known values are unknown, not wrong case */
    g_assert_false(vcheck(ISL_KEY_HEADER_DIGEST, "CRC32C,none,CRC32C", false, &f));
    expect(&f, ISL_CHK_FMT_CASE, 1);
    g_assert_nonnull(strstr(f.head->msg, "HeaderDigest=CRC32C,none,CRC32C: \"none\" has the wrong case"));
    g_assert_true(vcheck(ISL_KEY_HEADER_DIGEST, "CRC32C,,None,", false, &f));
    expect_none(&f);
    g_assert_true(vcheck(ISL_KEY_HEADER_DIGEST, "CRC32,Non,NoneX", false, &f));
    expect_none(&f);
    g_assert_true(vcheck(ISL_KEY_HEADER_DIGEST, "", false, &f));
    expect_none(&f);
    g_assert_false(vcheck(ISL_KEY_HEADER_DIGEST, "None,crc32C", false, &f));
    expect(&f, ISL_CHK_FMT_CASE, 1);
    g_assert_false(vcheck(ISL_KEY_SESSION_TYPE, "Normal:x", false, &f));
    expect(&f, ISL_CHK_LOGIN_SESSIONTYPE_VALUE, 1);
    isl_findings_clear(&f);
}

ISL_TEST("/values/check/other_types", test_value_check_other_types)
{
    isl_findings f = { 0 };
    char *longname = g_strnfill(300, 'a');

    g_assert_true(vcheck(ISL_KEY_TARGET_NAME, "iqn.2001-04.com.example:disk", false, &f));
    expect_none(&f);
    g_assert_true(vcheck(ISL_KEY_TARGET_NAME, "disk1", false, &f));   /* reported, still used */
    expect(&f, ISL_CHK_LOGIN_NAME_FORMAT, 1);
    g_assert_false(vcheck(ISL_KEY_TARGET_NAME, longname, false, &f));
    expect(&f, ISL_CHK_FMT_VALUE_TOO_LONG, 1);
    g_assert_true(vcheck(ISL_KEY_CHAP_C, "0x0102030405060708090a0b0c0d0e0f10", false, &f));
    expect_none(&f);
    g_assert_false(vcheck(ISL_KEY_CHAP_C, "0x01x2", false, &f));
    expect(&f, ISL_CHK_FMT_BAD_BINARY, 1);
    g_assert_true(vcheck(ISL_KEY_TARGET_ADDRESS, "192.0.2.1:3260,1", false, &f));
    expect_none(&f);
    g_assert_false(vcheck(ISL_KEY_TARGET_ADDRESS, "[::1", false, &f));
    expect(&f, ISL_CHK_FMT_VALUE_CHARS, 1);
    g_assert_true(vcheck(ISL_KEY_IF_MARK_INT, "2048~8192", false, &f));
    g_assert_true(vcheck(ISL_KEY_IF_MARK_INT, "4096", true, &f));
    expect_none(&f);
    g_assert_false(vcheck(ISL_KEY_IF_MARK_INT, "a~b", false, &f));
    expect(&f, ISL_CHK_FMT_BAD_NUMBER, 1);
    g_assert_true(vcheck(ISL_KEY_TARGET_ALIAS, "disk \xc3\xa9", false, &f));
    expect_none(&f);
    g_assert_false(vcheck(ISL_KEY_TARGET_ALIAS, "disk \xc3", false, &f));
    expect(&f, ISL_CHK_FMT_VALUE_CHARS, 1);
    isl_findings_clear(&f);
    g_free(longname);
}
