/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "values.h"
#include <string.h>

/* The digits alone, without the range test. */
static isl_num_status parse_digits(const char *p, uint64_t *out)
{
    uint64_t v = 0;

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
            /* v * 10 + d would pass 2^64 - 1 (no division per digit) */
            if (v > G_MAXUINT64 / 10 || (v == G_MAXUINT64 / 10 && d > G_MAXUINT64 % 10))
                return ISL_NUM_OVERFLOW;
            v = v * 10 + d;
        }
    }
    *out = v;
    return ISL_NUM_OK;
}

isl_num_status isl_parse_number(const char *s, uint64_t *out)
{
    isl_num_status st;

    if (!s || !*s)
        return ISL_NUM_EMPTY;
    /* A string with a '~' is a range whatever else it holds; a number has
     * none, so the search is only needed when the digits did not parse. */
    st = parse_digits(s, out);
    if (st != ISL_NUM_OK && strchr(s, '~'))
        return ISL_NUM_RANGE;
    return st;
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
                uint32_t byte = (acc >> bits) & 0xff;
                g_string_append_c(out, "0123456789abcdef"[byte >> 4]);
                g_string_append_c(out, "0123456789abcdef"[byte & 0xf]);
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
        if (g_ascii_isalnum(c))
            continue;
        /* a switch, not strchr() on a set: called per byte of every value */
        switch (c) {
        case '.': case '-': case '+': case '@': case '_': case '/': case '[': case ']': case ':':
            continue;
        default:
            break;
        }
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

isl_reserved isl_reserved_constant(const char *v)
{
    /* Asked of nearly every value: most start with none of R, I, N. */
    if (*v != 'R' && *v != 'I' && *v != 'N')
        return ISL_RC_NONE;
    if (strcmp(v, "Reject") == 0)
        return ISL_RC_REJECT;
    if (strcmp(v, "Irrelevant") == 0)
        return ISL_RC_IRRELEVANT;
    if (strcmp(v, "NotUnderstood") == 0)
        return ISL_RC_NOT_UNDERSTOOD;
    return ISL_RC_NONE;
}

bool isl_is_reserved_constant(const char *v)
{
    return isl_reserved_constant(v) != ISL_RC_NONE;
}

bool isl_list_has_reserved(const char *list)
{
    return isl_list_contains(list, "Reject") || isl_list_contains(list, "Irrelevant")
        || isl_list_contains(list, "NotUnderstood");
}

bool isl_parse_bool(const char *v, bool *b)
{
    if (strcmp(v, "Yes") == 0)
        *b = true;
    else if (strcmp(v, "No") == 0)
        *b = false;
    else
        return false;
    return true;
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

/* ---- a value against its key's definition (RFC 7143 §6.1, §12, §13) ---- */

/* One checker per value type: v is not a reserved constant answer and fits
 * the key's length limit (binaries: checked decoded, by their checker). */
typedef bool (*vtype_check)(const isl_key_def *d, const char *key, const char *v, isl_findings *out);

static bool check_number(const isl_key_def *d, const char *key, const char *v, isl_findings *out)
{
    uint64_t x;
    isl_num_status st;

    if (d->flags & ISL_KF_AUTH_SYNTAX)
        return true;
    st = isl_parse_number(v, &x);
    if (st == ISL_NUM_RANGE) {
        isl_report(out, ISL_CHK_NEG_RANGE_MISUSE, "%s=%s: a range (a~b) is only allowed for the obsolete marker interval keys", key, v);
        return false;
    }
    if (st != ISL_NUM_OK) {
        isl_report(out, ISL_CHK_FMT_BAD_NUMBER, "%s=%s is not a valid number%s", key, v,
                   st == ISL_NUM_OVERFLOW ? " (2^64 or more)" : st == ISL_NUM_EMPTY ? " (empty)" : "");
        return false;
    }
    if (x < d->min || x > d->max) {
        isl_report(out, ISL_CHK_NEG_OUT_OF_RANGE, "%s=%s is outside %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT,
                   key, v, d->min, d->max);
        return false;
    }
    return true;
}

static bool check_bool(const isl_key_def *d, const char *key, const char *v, isl_findings *out)
{
    bool b;
    (void)d;
    if (isl_parse_bool(v, &b))
        return true;
    if (!g_ascii_strcasecmp(v, "yes") || !g_ascii_strcasecmp(v, "no"))
        isl_report(out, ISL_CHK_FMT_CASE, "%s=%s: boolean values are case-sensitive (Yes or No)", key, v);
    else
        isl_report(out, ISL_CHK_NEG_BOOL_VALUE, "%s=%s is not Yes or No", key, v);
    return false;
}

/* One item of a list or text value against the key's known values. */
static bool check_known_item(const isl_key_def *d, const char *key, const char *v, const char *item,
                             size_t len, isl_findings *out)
{
    bool known = false, nocase = false;

    for (const char *const *kv = d->values; *kv; kv++) {
        if (strlen(*kv) != len)
            continue;
        if (!memcmp(*kv, item, len))
            known = true;
        else if (!g_ascii_strncasecmp(*kv, item, len))
            nocase = true;
    }
    if (!known && nocase) {
        isl_report(out, ISL_CHK_FMT_CASE, "%s=%s: \"%.*s\" has the wrong case; values are case-sensitive", key, v,
                   (int)len, item);
        return false;
    }
    if (!known && (d->flags & ISL_KF_CLOSED_VALUES)) {
        isl_report(out, d->closed_check, "%s=%s is not one of the defined values", key, v);
        return false;
    }
    return true;
}

static bool check_text(const isl_key_def *d, const char *key, const char *v, isl_findings *out)
{
    bool list = d->vtype == ISL_VT_LIST, ok = true;
    char bad = isl_text_value_bad_char(v, list);

    if (bad) {
        isl_report(out, ISL_CHK_FMT_VALUE_CHARS, "%s=\"%s\": '%c' is not allowed in a %s", key, v,
                   bad, list ? "list of values" : "text value");
        return false;
    }
    if (!d->values || !*v)
        return true;
    /* The items in place, as g_strsplit(v, ",") would give them (empty ones
     * too) but without an allocation per item. */
    for (const char *p = v; ok; p++) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        ok = check_known_item(d, key, v, p, len, out);
        if (!comma)
            break;
        p = comma;
    }
    return ok;
}

static bool check_name(const isl_key_def *d, const char *key, const char *v, isl_findings *out)
{
    (void)d;
    /* A malformed name is still the name the session uses: reported, not refused. */
    if (!isl_name_valid(v))
        isl_report(out, ISL_CHK_LOGIN_NAME_FORMAT, "%s \"%s\" is not a valid iqn., eui. or naa. name%s", key, v,
                   strlen(v) > 223 ? " (longer than 223 bytes)" : "");
    return true;
}

static bool check_binary(const isl_key_def *d, const char *key, const char *v, isl_findings *out)
{
    size_t blen = 0, len = strlen(v);
    isl_bin_status st = isl_parse_binary(v, &blen);

    if (st != ISL_BIN_OK) {
        isl_report(out, ISL_CHK_FMT_BAD_BINARY, "%s=%.40s%s is not valid %s", key, v, len > 40 ? "..." : "",
                   st == ISL_BIN_BAD_HEX ? "hex (0x)" : st == ISL_BIN_BAD_BASE64 ? "base64 (0b)" :
                   st == ISL_BIN_EMPTY ? "binary (empty)" : "binary (needs 0x or 0b)");
        return false;
    }
    if (blen > d->max_len) {
        isl_report(out, ISL_CHK_FMT_VALUE_TOO_LONG, "%s is %zu bytes decoded (limit %u)", key, blen, d->max_len);
        return false;
    }
    return true;
}

static bool check_address(const isl_key_def *d, const char *key, const char *v, isl_findings *out)
{
    char *host;
    unsigned port;
    int tpgt;
    (void)d;
    if (!isl_parse_address(v, &host, &port, &tpgt)) {
        isl_report(out, ISL_CHK_FMT_VALUE_CHARS, "%s=%s is not host[:port][,tpgt]", key, v);
        return false;
    }
    g_free(host);
    return true;
}

static bool check_range(const isl_key_def *d, const char *key, const char *v, isl_findings *out)
{
    uint64_t lo, hi, x;
    (void)d;
    /* RFC 3720 marker intervals: an offer is a~b, an answer one number */
    if (isl_parse_range(v, &lo, &hi) || isl_parse_number(v, &x) == ISL_NUM_OK)
        return true;
    isl_report(out, ISL_CHK_FMT_BAD_NUMBER, "%s=%s is neither a number nor a range a~b", key, v);
    return false;
}

static bool check_utf8(const isl_key_def *d, const char *key, const char *v, isl_findings *out)
{
    (void)d;
    if (g_utf8_validate(v, -1, NULL))
        return true;
    isl_report(out, ISL_CHK_FMT_VALUE_CHARS, "%s value is not valid UTF-8", key);
    return false;
}

static const vtype_check vtype_checks[] = {
    [ISL_VT_TEXT] = check_text,
    [ISL_VT_UTF8] = check_utf8,
    [ISL_VT_NAME] = check_name,
    [ISL_VT_NUMBER] = check_number,
    [ISL_VT_BOOL] = check_bool,
    [ISL_VT_LIST] = check_text,
    [ISL_VT_BINARY] = check_binary,
    [ISL_VT_ADDRESS] = check_address,
    [ISL_VT_RANGE] = check_range,
};

bool isl_value_check(const isl_key_def *d, const char *key, const char *v, bool answer, isl_findings *out)
{
    size_t len = strlen(v);

    if (answer && isl_is_reserved_constant(v))
        return true;
    if (d->vtype != ISL_VT_BINARY && len > d->max_len) {
        isl_report(out, ISL_CHK_FMT_VALUE_TOO_LONG, "%s value is %zu bytes (limit %u)", key, len, d->max_len);
        return false;
    }
    if ((unsigned)d->vtype < G_N_ELEMENTS(vtype_checks) && vtype_checks[d->vtype])
        return vtype_checks[d->vtype](d, key, v, out);
    return true;
}
