/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "text.h"
#include <string.h>

isl_text *isl_text_split(const uint8_t *data, size_t len)
{
    isl_text *t = g_new0(isl_text, 1);
    unsigned cap = 0;

    t->buf = g_malloc(len + 1);
    if (len)
        memcpy(t->buf, data, len);
    t->buf[len] = '\0';
    t->len = len;
    t->unterminated = len > 0 && data[len - 1] != '\0';

    for (size_t off = 0; off < len;) {
        char *item = t->buf + off;
        size_t ilen = strlen(item);
        char *eq;

        if (ilen == 0) {
            /* Stray NUL (padding-like) between items: skip, keeps no empty pairs. */
            off++;
            continue;
        }
        if (t->n_pairs == cap) {
            cap = cap ? cap * 2 : 16;
            t->pairs = g_renew(isl_pair, t->pairs, cap);
        }
        eq = strchr(item, '=');
        if (eq)
            *eq = '\0';
        t->pairs[t->n_pairs].key = item;
        t->pairs[t->n_pairs].value = eq ? eq + 1 : NULL;
        t->n_pairs++;
        off += ilen + 1;
    }
    /* Kept for the whole capture: no slack. */
    if (t->n_pairs < cap)
        t->pairs = g_renew(isl_pair, t->pairs, t->n_pairs ? t->n_pairs : 1);
    return t;
}

void isl_text_free(isl_text *t)
{
    if (!t)
        return;
    g_free(t->buf);
    g_free(t->pairs);
    g_free(t);
}

void isl_text_mark_truncated(isl_text *t)
{
    if (t->unterminated && t->n_pairs)
        t->n_pairs--;
    t->unterminated = false;
    t->truncated = true;
}
