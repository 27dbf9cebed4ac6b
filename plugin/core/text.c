/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "text.h"
#include <string.h>

/* One allocation per text (header, pairs, then the bytes): a login keeps
 * several texts for the whole capture. */
isl_text *isl_text_split(const uint8_t *data, size_t len)
{
    return isl_text_split_in(NULL, data, len);
}

isl_text *isl_text_split_in(isl_arena *ar, const uint8_t *data, size_t len)
{
    unsigned n = 0;
    isl_text *t;
    char *buf;

    for (size_t off = 0; off < len;) {
        const uint8_t *nul = memchr(data + off, 0, len - off);
        size_t ilen = nul ? (size_t)(nul - (data + off)) : len - off;
        n += ilen > 0;
        off += ilen + 1;
    }
    t = isl_arena_alloc0(ar, sizeof *t + (size_t)n * sizeof(isl_pair) + len + 1);
    t->in_arena = ar != NULL;
    t->pairs = (isl_pair *)(t + 1);
    buf = t->buf = (char *)(t->pairs + n);
    if (len)
        memcpy(buf, data, len);
    buf[len] = '\0';
    t->len = len;
    t->unterminated = len > 0 && data[len - 1] != '\0';

    for (size_t off = 0; off < len;) {
        char *item = buf + off;
        size_t ilen = strlen(item);
        char *eq;

        if (ilen == 0) {
            /* Stray NUL (padding-like) between items: skip, keeps no empty pairs. */
            off++;
            continue;
        }
        eq = strchr(item, '=');
        if (eq)
            *eq = '\0';
        t->pairs[t->n_pairs].key = (uint32_t)(item - buf);
        t->pairs[t->n_pairs].value = eq ? (uint32_t)(eq + 1 - buf) : ISL_NO_VALUE;
        t->n_pairs++;
        off += ilen + 1;
    }
    return t;
}

void isl_text_free(isl_text *t)
{
    if (t && !t->in_arena)
        g_free(t);
}
void isl_text_mark_truncated(isl_text *t)
{
    if (t->unterminated && t->n_pairs)
        t->n_pairs--;
    t->unterminated = false;
    t->truncated = true;
}

const char *isl_text_value(const isl_text *t, const char *key)
{
    for (unsigned i = 0; i < t->n_pairs; i++)
        if (t->pairs[i].value != ISL_NO_VALUE && strcmp(isl_text_key(t, i), key) == 0)
            return isl_text_val(t, i);
    return NULL;
}
