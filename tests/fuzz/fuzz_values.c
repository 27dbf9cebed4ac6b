/* SPDX-License-Identifier: GPL-2.0-or-later
 * libFuzzer harness (c): the value parsers of values.c on arbitrary strings,
 * with a few properties checked (a violation is a crash):
 *   - a valid 0x/0b binary decodes to as many bytes as its canonical hex says;
 *   - a decimal number without leading zeros prints back to itself;
 *   - a range a~b that parses has a <= b, and both ends parse as numbers;
 *   - a parsed address has a non-empty host, port < 65536, tpgt < 65536;
 *   - an item is found in a list made of itself.
 * Input: the bytes up to the first NUL are the value; what follows the first
 * NUL (if any) is a second string, used as the list for list look-ups. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include <stdio.h>
#include <inttypes.h>
#include "values.h"
#include "keys.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly-sized NUL-terminated copies: ASan catches reads past the end. */
    const uint8_t *nul = memchr(data, 0, size);
    size_t l1 = nul ? (size_t)(nul - data) : size;
    char *s = g_strndup((const char *)data, l1);
    char *s2 = nul ? g_strndup((const char *)nul + 1, size - l1 - 1) : g_strdup("");
    uint64_t x, lo, hi;
    size_t blen;
    char bad;
    isl_num_status ns;

    ns = isl_parse_number(s, &x);
    if (ns == ISL_NUM_OK && s[0] >= '1' && s[0] <= '9') {
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRIu64, x);
        if (strcmp(buf, s))
            __builtin_trap();
    }
    if (ns == ISL_NUM_RANGE && !strchr(s, '~'))
        __builtin_trap();
    if (isl_parse_range(s, &lo, &hi)) {
        const char *t = strchr(s, '~');
        uint64_t y;
        if (lo > hi || !t || isl_parse_number(t + 1, &y) != ISL_NUM_OK || y != hi)
            __builtin_trap();
    }

    if (isl_parse_binary(s, &blen) == ISL_BIN_OK) {
        char *canon = isl_binary_canonical(s);
        if (!canon)
            __builtin_trap();
        if ((s[1] == 'x' || s[1] == 'X' || s[1] == 'b' || s[1] == 'B') && strlen(canon) != 2 * blen)
            __builtin_trap();
        g_free(canon);
    } else if (isl_binary_canonical(s) != NULL) {
        __builtin_trap();
    }

    (void)isl_check_key_name(s, &bad);
    (void)isl_text_value_bad_char(s, false);
    (void)isl_text_value_bad_char(s, true);
    (void)isl_name_valid(s);
    (void)isl_is_reserved_constant(s);
    (void)isl_key_lookup(s);
    (void)isl_key_lookup_nocase(s);
    (void)isl_key_is_extension(s);

    {
        char *host = (char *)1;
        unsigned port = 0;
        int tpgt = 0;
        if (isl_parse_address(s, &host, &port, &tpgt)) {
            if (!host || !*host || port > 65535 || tpgt > 65535)
                __builtin_trap();
            g_free(host);
        } else if (host) {
            __builtin_trap();
        }
    }

    (void)isl_list_index(s2, s);
    (void)isl_list_contains(s, s2);
    if (!strchr(s, ','))
        if (isl_list_index(s, s) != 0)
            __builtin_trap();

    g_free(s);
    g_free(s2);
    return 0;
}
