/* SPDX-License-Identifier: GPL-2.0-or-later
 * key=value splitting (text.c, RFC 7143 §6.1). */
#include "testutil.h"
#include <string.h>

static isl_text *split(const uint8_t *d, size_t len) { return isl_text_split(d, len); }

ISL_TEST("/text/split/basic", test_split_basic)
{
    isl_text *t = split(TXT("HeaderDigest=None\0MaxBurstLength=262144\0"));
    g_assert_cmpuint(t->n_pairs, ==, 2);
    g_assert_false(t->unterminated);
    g_assert_cmpuint(t->len, ==, 40);
    g_assert_cmpstr(isl_text_key(t, 0), ==, "HeaderDigest");
    g_assert_cmpstr(isl_text_val(t, 0), ==, "None");
    g_assert_cmpstr(isl_text_key(t, 1), ==, "MaxBurstLength");
    g_assert_cmpstr(isl_text_val(t, 1), ==, "262144");
    isl_text_free(t);
}

/* Keys of the key table are not copied (a login keeps its texts for the
 * whole capture and most of their bytes are key names); other keys are, and
 * so is the cut last item of a text without its final NUL, whole. */
ISL_TEST("/text/split/interned_keys", test_split_interned)
{
    isl_text *t = split(TXT("HeaderDigest=None\0X-foo=bar\0Headerdigest=x\0NoEquals\0MaxBurstLength=26"));
    g_assert_cmpuint(t->n_pairs, ==, 5);
    g_assert_true((t->pairs[0].key & ISL_KEY_INTERNED) != 0);
    g_assert_true(isl_text_key(t, 0) == isl_key_lookup("HeaderDigest")->name);
    g_assert_cmpstr(isl_text_val(t, 0), ==, "None");
    g_assert_false(t->pairs[1].key & ISL_KEY_INTERNED);
    g_assert_cmpstr(isl_text_key(t, 1), ==, "X-foo");
    g_assert_cmpstr(isl_text_val(t, 1), ==, "bar");
    g_assert_cmpstr(isl_text_key(t, 2), ==, "Headerdigest");   /* keys are case-sensitive */
    g_assert_false(t->pairs[2].key & ISL_KEY_INTERNED);
    g_assert_cmpstr(isl_text_key(t, 3), ==, "NoEquals");
    g_assert_null(isl_text_val(t, 3));
    g_assert_false(t->pairs[4].key & ISL_KEY_INTERNED);     /* cut: its raw bytes end the buffer */
    g_assert_cmpstr(isl_text_key(t, 4), ==, "MaxBurstLength");
    g_assert_cmpstr(isl_text_val(t, 4), ==, "26");
    g_assert_cmpuint(t->len, ==, 69);
    /* "None", "X-foo", "bar", "Headerdigest", "x", "NoEquals", "MaxBurstLength", "26", each with its NUL */
    g_assert_cmpuint(t->buf_len, ==, 5 + 6 + 4 + 13 + 2 + 9 + 15 + 3);
    g_assert_cmpmem(t->buf + t->pairs[4].key, 18, "MaxBurstLength\0" "26", 18);
    isl_text_free(t);
}

/* Without a final NUL the last item is still split, and flagged. */
ISL_TEST("/text/split/unterminated", test_split_unterminated)
{
    isl_text *t = split(TXT("A=1\0TargetAddress=127.0.0.1:32"));
    g_assert_true(t->unterminated);
    g_assert_cmpuint(t->n_pairs, ==, 2);
    g_assert_cmpstr(isl_text_key(t, 1), ==, "TargetAddress");
    g_assert_cmpstr(isl_text_val(t, 1), ==, "127.0.0.1:32");
    isl_text_free(t);

    t = split(TXT("Target"));
    g_assert_true(t->unterminated);
    g_assert_cmpuint(t->n_pairs, ==, 1);
    g_assert_cmpstr(isl_text_key(t, 0), ==, "Target");
    g_assert_null(isl_text_val(t, 0));
    isl_text_free(t);
}

ISL_TEST("/text/split/no_equals", test_split_no_equals)
{
    isl_text *t = split(TXT("BogusKey\0A=1\0"));
    g_assert_cmpuint(t->n_pairs, ==, 2);
    g_assert_false(t->unterminated);
    g_assert_cmpstr(isl_text_key(t, 0), ==, "BogusKey");
    g_assert_null(isl_text_val(t, 0));
    g_assert_cmpstr(isl_text_val(t, 1), ==, "1");
    isl_text_free(t);
}

ISL_TEST("/text/split/empty_key_value", test_split_empty_key_value)
{
    isl_text *t = split(TXT("=1\0SendTargets=\0"));
    g_assert_cmpuint(t->n_pairs, ==, 2);
    g_assert_cmpstr(isl_text_key(t, 0), ==, "");
    g_assert_cmpstr(isl_text_val(t, 0), ==, "1");
    g_assert_cmpstr(isl_text_key(t, 1), ==, "SendTargets");
    g_assert_cmpstr(isl_text_val(t, 1), ==, "");
    isl_text_free(t);
}

/* The key ends at the first '='; later ones belong to the value. */
ISL_TEST("/text/split/value_with_equals", test_split_value_with_equals)
{
    isl_text *t = split(TXT("X-a=b=c\0"));
    g_assert_cmpuint(t->n_pairs, ==, 1);
    g_assert_cmpstr(isl_text_key(t, 0), ==, "X-a");
    g_assert_cmpstr(isl_text_val(t, 0), ==, "b=c");
    isl_text_free(t);
}

ISL_TEST("/text/split/stray_nul", test_split_stray_nul)
{
    isl_text *t = split(TXT("\0\0A=1\0\0\0B=2\0\0"));
    g_assert_cmpuint(t->n_pairs, ==, 2);
    g_assert_false(t->unterminated);
    g_assert_cmpstr(isl_text_key(t, 0), ==, "A");
    g_assert_cmpstr(isl_text_key(t, 1), ==, "B");
    isl_text_free(t);
}

ISL_TEST("/text/split/empty", test_split_empty)
{
    isl_text *t = isl_text_split(NULL, 0);
    g_assert_cmpuint(t->n_pairs, ==, 0);
    g_assert_false(t->unterminated);
    g_assert_cmpstr(t->buf, ==, "");
    isl_text_free(t);
    isl_text_free(NULL);
}

/* The text owns a copy: the caller's buffer may go away. */
ISL_TEST("/text/split/copy", test_split_copy)
{
    uint8_t buf[] = "A=1\0B=2";   /* includes the compiler's NUL */
    isl_text *t = isl_text_split(buf, sizeof buf);
    memset(buf, 'z', sizeof buf);
    g_assert_cmpuint(t->n_pairs, ==, 2);
    g_assert_false(t->unterminated);
    g_assert_cmpstr(isl_text_val(t, 0), ==, "1");
    g_assert_cmpstr(isl_text_val(t, 1), ==, "2");
    isl_text_free(t);
}

ISL_TEST("/text/split/many", test_split_many)
{
    GString *s = g_string_new(NULL);
    isl_text *t;
    for (int i = 0; i < 1000; i++) {
        g_string_append_printf(s, "X-k%d=%d", i, i);
        g_string_append_c(s, '\0');
    }
    t = isl_text_split((const uint8_t *)s->str, s->len);
    g_assert_cmpuint(t->n_pairs, ==, 1000);
    g_assert_cmpstr(isl_text_key(t, 0), ==, "X-k0");
    g_assert_cmpstr(isl_text_key(t, 999), ==, "X-k999");
    g_assert_cmpstr(isl_text_val(t, 999), ==, "999");
    isl_text_free(t);
    g_string_free(s, TRUE);
}
