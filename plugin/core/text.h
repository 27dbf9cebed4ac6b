/* SPDX-License-Identifier: GPL-2.0-or-later
 * Splitting key=value text (RFC 7143 §6.1) into pairs. */
#ifndef ISL_TEXT_H
#define ISL_TEXT_H

#include "checks.h"
#include "arena.h"
#include "keys.h"
#include <stddef.h>

/* Where a pair's key and value start in its text's buffer: offsets, half
 * the size of two pointers (a login keeps some forty pairs).  A key of the
 * key table is not copied: its key is the table row's id with
 * ISL_KEY_INTERNED set (most of a login's text is key names). */
#define ISL_NO_VALUE UINT32_MAX
#define ISL_KEY_INTERNED 0x80000000u
typedef struct {
    uint32_t key;
    uint32_t value;     /* ISL_NO_VALUE when the item has no '=' */
} isl_pair;

typedef struct {
    char *buf;          /* the items, NUL-terminated, keys of the table left out */
    size_t len;         /* bytes of the text on the wire */
    size_t buf_len;     /* bytes of the items in buf, each with its NUL */
    isl_pair *pairs;
    unsigned n_pairs;
    bool unterminated;  /* last item lacked its NUL */
    bool truncated;     /* bytes are missing (snap length, state cap): the last item was dropped */
    bool in_arena;      /* freed with its arena, not by isl_text_free() */
} isl_text;

/* Split len bytes of text.  Items without '=' are kept with value NULL.
 * The caller reports format problems (it knows the frames involved). */
isl_text *isl_text_split(const uint8_t *data, size_t len);
/* The same in an arena (NULL: the heap): for texts kept until the end. */
isl_text *isl_text_split_in(isl_arena *ar, const uint8_t *data, size_t len);
/* Frees a heap text; an arena's text stays until its arena goes. */
void isl_text_free(isl_text *t);
/* Bytes after this text were not captured: drop the cut last item, mark truncated. */
void isl_text_mark_truncated(isl_text *t);
/* Key and value (NULL when the item has no '=') of item i. */
static inline const char *isl_text_key(const isl_text *t, unsigned i)
{
    uint32_t k = t->pairs[i].key;
    return k & ISL_KEY_INTERNED ? isl_key_table_[k & ~ISL_KEY_INTERNED].name : t->buf + k;
}
static inline const char *isl_text_val(const isl_text *t, unsigned i)
{
    return t->pairs[i].value == ISL_NO_VALUE ? NULL : t->buf + t->pairs[i].value;
}

/* Value of the first item with this key and a value; NULL when none. */
const char *isl_text_value(const isl_text *t, const char *key);

#endif
