/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "text.h"
#include <string.h>

/* One allocation per text (header, pairs, then the bytes): a login keeps
 * several texts for the whole capture. */
isl_text *isl_text_split(const uint8_t *data, size_t len)
{
    return isl_text_split_in(NULL, data, len);
}

/* One item of the wire text: where it is, its '=' and the key table row of
 * its key (NULL: the key is copied).  The last item of a text cut without
 * its NUL stays whole: a joined SendTargets reply needs its raw bytes. */
typedef struct {
    const uint8_t *item, *eq;
    size_t ilen;
    const isl_key_def *def;
} item_view;

static bool next_item(const uint8_t *data, size_t len, size_t *off, item_view *it)
{
    while (*off < len) {
        const uint8_t *p = data + *off, *nul = memchr(p, 0, len - *off);
        size_t ilen = nul ? (size_t)(nul - p) : len - *off;

        *off += ilen + 1;
        if (ilen == 0)
            continue;          /* stray NUL (padding-like) between items: no empty pairs */
        it->item = p;
        it->ilen = ilen;
        it->eq = memchr(p, '=', ilen);
        it->def = it->eq && nul ? isl_key_lookup_len((const char *)p, (size_t)(it->eq - p)) : NULL;
        return true;
    }
    return false;
}

/* One pass into scratch room (on the stack for the usual login text), then
 * one exact allocation: the text is kept for the whole capture. */
isl_text *isl_text_split_in(isl_arena *ar, const uint8_t *data, size_t len)
{
    uint64_t stack[512];
    size_t max_pairs = len / 2 + 1;     /* an item is at least one byte and its NUL */
    size_t scratch = max_pairs * sizeof(isl_pair) + len + 1;
    isl_pair *pairs = scratch <= sizeof stack ? (isl_pair *)stack : g_malloc(scratch);
    char *sbuf = (char *)(pairs + max_pairs), *w = sbuf;
    unsigned n = 0;
    size_t off = 0, size;
    item_view it;
    isl_text *t;

    while (next_item(data, len, &off, &it)) {
        isl_pair *p = &pairs[n++];
        size_t klen = it.eq ? (size_t)(it.eq - it.item) : it.ilen;

        if (it.def) {
            p->key = ISL_KEY_INTERNED | (uint32_t)it.def->id;
        } else {
            p->key = (uint32_t)(w - sbuf);
            memcpy(w, it.item, klen);
            w += klen;
            *w++ = '\0';
        }
        p->value = ISL_NO_VALUE;
        if (it.eq) {
            size_t vlen = it.ilen - klen - 1;
            p->value = (uint32_t)(w - sbuf);
            memcpy(w, it.eq + 1, vlen);
            w += vlen;
            *w++ = '\0';
        }
    }
    size = (size_t)(w - sbuf);
    t = isl_arena_alloc0(ar, sizeof *t + (size_t)n * sizeof(isl_pair) + size + 1);
    t->in_arena = ar != NULL;
    t->pairs = (isl_pair *)(t + 1);
    t->buf = (char *)(t->pairs + n);
    t->n_pairs = n;
    if (n)
        memcpy(t->pairs, pairs, (size_t)n * sizeof(isl_pair));
    if (size)
        memcpy(t->buf, sbuf, size);
    t->len = len;
    t->buf_len = size;
    t->unterminated = len > 0 && data[len - 1] != '\0';
    if ((void *)pairs != (void *)stack)
        g_free(pairs);
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

/* Interned keys are compared by id: the split already matched their names. */
const char *isl_text_value(const isl_text *t, const char *key)
{
    const isl_key_def *d = isl_key_lookup(key);
    uint32_t want = d ? ISL_KEY_INTERNED | (uint32_t)d->id : ISL_NO_VALUE;

    for (unsigned i = 0; i < t->n_pairs; i++) {
        uint32_t k = t->pairs[i].key;
        if (t->pairs[i].value == ISL_NO_VALUE)
            continue;
        if (k & ISL_KEY_INTERNED ? k == want : strcmp(t->buf + k, key) == 0)
            return isl_text_val(t, i);
    }
    return NULL;
}
