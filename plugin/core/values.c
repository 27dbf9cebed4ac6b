/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "values.h"
#include <string.h>

isl_num_status isl_parse_number(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    const char *p = s;

    if (!s || !*s)
        return ISL_NUM_EMPTY;
    if (strchr(s, '~'))
        return ISL_NUM_RANGE;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        if (!*p)
            return ISL_NUM_BAD;
        for (; *p; p++) {
            int d = g_ascii_xdigit_value(*p);
            if (d < 0)
                return ISL_NUM_BAD;
            if (v > (G_MAXUINT64 >> 4))
                return ISL_NUM_OVERFLOW;
            v = (v << 4) | (uint64_t)d;
        }
    } else {
        for (; *p; p++) {
            if (*p < '0' || *p > '9')
                return ISL_NUM_BAD;
            uint64_t d = (uint64_t)(*p - '0');
            if (v > (G_MAXUINT64 - d) / 10)
                return ISL_NUM_OVERFLOW;
            v = v * 10 + d;
        }
    }
    *out = v;
    return ISL_NUM_OK;
}

bool isl_parse_range(const char *s, uint64_t *lo, uint64_t *hi)
{
    const char *t = strchr(s, '~');
    char *a;
    bool ok;

    if (!t || strchr(t + 1, '~'))
        return false;
    a = g_strndup(s, (gsize)(t - s));
    ok = isl_parse_number(a, lo) == ISL_NUM_OK && isl_parse_number(t + 1, hi) == ISL_NUM_OK && *lo <= *hi;
    g_free(a);
    return ok;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

isl_bin_status isl_parse_binary(const char *s, size_t *len)
{
    size_t n = 0;

    if (!s || !*s)
        return ISL_BIN_EMPTY;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        const char *p = s + 2;
        if (!*p)
            return ISL_BIN_EMPTY;
        for (; *p; p++, n++)
            if (!g_ascii_isxdigit(*p))
                return ISL_BIN_BAD_HEX;
        *len = (n + 1) / 2;
        return ISL_BIN_OK;
    }
    if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
        const char *p = s + 2;
        size_t pad = 0;
        if (!*p)
            return ISL_BIN_EMPTY;
        for (; *p; p++) {
            if (*p == '=') {
                pad++;
                continue;
            }
            if (pad || b64_value(*p) < 0)
                return ISL_BIN_BAD_BASE64;
            n++;
        }
        /* RFC 4648: 4k+1 significant characters cannot encode whole bytes;
         * padding only completes the last quantum ("0b==" encodes nothing). */
        if (n == 0 || pad > 2 || n % 4 == 1 || (pad && (n + pad) % 4))
            return ISL_BIN_BAD_BASE64;
        *len = n * 3 / 4;
        return ISL_BIN_OK;
    }
    {
        uint64_t v;
        isl_num_status st = isl_parse_number(s, &v);
        if (st != ISL_NUM_OK)
            return ISL_BIN_NO_PREFIX;
        *len = 8;
        return ISL_BIN_OK;
    }
}

char *isl_binary_canonical(const char *s)
{
    size_t len;
    GString *out;

    if (isl_parse_binary(s, &len) != ISL_BIN_OK)
        return NULL;
    out = g_string_sized_new(len * 2 + 1);
    if (s[1] == 'x' || s[1] == 'X') {
        const char *p = s + 2;
        if (strlen(p) % 2)
            g_string_append_c(out, '0');
        for (; *p; p++)
            g_string_append_c(out, g_ascii_tolower(*p));
    } else if (s[1] == 'b' || s[1] == 'B') {
        uint32_t acc = 0;
        int bits = 0;
        for (const char *p = s + 2; *p && *p != '='; p++) {
            acc = (acc << 6) | (uint32_t)b64_value(*p);
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                g_string_append_printf(out, "%02x", (acc >> bits) & 0xff);
            }
        }
    } else {
        g_string_append(out, s);
    }
    return g_string_free(out, FALSE);
}

isl_keyname_status isl_check_key_name(const char *key, char *bad)
{
    size_t n = strlen(key);
    bool ext_hash = strncmp(key, "X#", 2) == 0;

    if (n == 0)
        return ISL_KEYNAME_EMPTY;
    if (n > 63)
        return ISL_KEYNAME_TOO_LONG;
    for (size_t i = 0; i < n; i++) {
        char c = key[i];
        if (g_ascii_isalnum(c) || c == '.' || c == '-' || c == '+' || c == '@' || c == '_')
            continue;
        if (c == '#' && ext_hash && i == 1)
            continue;
        if (bad)
            *bad = c;
        return ISL_KEYNAME_BAD_CHAR;
    }
    return ISL_KEYNAME_OK;
}

char isl_text_value_bad_char(const char *v, bool list)
{
    for (const char *p = v; *p; p++) {
        char c = *p;
        if (g_ascii_isalnum(c) || strchr(".-+@_/[]:", c))
            continue;
        if (c == ',' && list)
            continue;
        return c;
    }
    return 0;
}

static bool all_hex(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!g_ascii_isxdigit(p[i]))
            return false;
    return p[n] == '\0';
}

bool isl_name_valid(const char *name)
{
    size_t n = strlen(name);

    if (n > 223)
        return false;
    if (strncmp(name, "iqn.", 4) == 0) {
        /* iqn.yyyy-mm.<reversed domain>[:...] */
        const char *p = name + 4;
        for (int i = 0; i < 7; i++) {
            if (i == 4 ? p[i] != '-' : !g_ascii_isdigit(p[i]))
                return false;
        }
        if (p[7] != '.' || !p[8] || p[8] == ':')
            return false;
        for (const char *q = name; *q; q++)
            if (g_ascii_isupper(*q) || *q == ' ')
                return false;
        return true;
    }
    if (strncmp(name, "eui.", 4) == 0)
        return strlen(name + 4) == 16 && all_hex(name + 4, 16);
    if (strncmp(name, "naa.", 4) == 0) {
        size_t h = strlen(name + 4);
        return (h == 16 || h == 32) && all_hex(name + 4, h);
    }
    return false;
}

bool isl_is_reserved_constant(const char *v)
{
    return strcmp(v, "Reject") == 0 || strcmp(v, "Irrelevant") == 0 || strcmp(v, "NotUnderstood") == 0;
}

int isl_list_index(const char *list, const char *item)
{
    size_t il = strlen(item);
    int idx = 0;
    const char *p = list;

    for (;;) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        if (l == il && strncmp(p, item, il) == 0)
            return idx;
        if (!comma)
            return -1;
        p = comma + 1;
        idx++;
    }
}

bool isl_list_contains(const char *list, const char *item)
{
    return isl_list_index(list, item) >= 0;
}

bool isl_parse_address(const char *v, char **host, unsigned *port, int *tpgt)
{
    const char *p = v, *hend, *comma;
    uint64_t n;

    *host = NULL;
    *port = 3260;
    *tpgt = -1;
    if (!*p)
        return false;
    if (*p == '[') {
        hend = strchr(p, ']');
        if (!hend)
            return false;
        *host = g_strndup(p + 1, (gsize)(hend - p - 1));
        p = hend + 1;
    } else {
        hend = p + strcspn(p, ":,");
        *host = g_strndup(p, (gsize)(hend - p));
        p = hend;
    }
    if (**host == '\0')
        goto bad;
    if (*p == ':') {
        char *ps;
        p++;
        comma = strchr(p, ',');
        ps = comma ? g_strndup(p, (gsize)(comma - p)) : g_strdup(p);
        bool ok = isl_parse_number(ps, &n) == ISL_NUM_OK && n <= 65535;
        g_free(ps);
        if (!ok)
            goto bad;
        *port = (unsigned)n;
        p = comma ? comma : p + strlen(p);
    }
    if (*p == ',') {
        if (isl_parse_number(p + 1, &n) != ISL_NUM_OK || n > 65535)
            goto bad;
        *tpgt = (int)n;
        p += strlen(p);
    }
    if (*p)
        goto bad;
    return true;
bad:
    g_free(*host);
    *host = NULL;
    return false;
}
