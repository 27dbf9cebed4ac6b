/* SPDX-License-Identifier: GPL-2.0-or-later
 * Splitting key=value text (RFC 7143 §6.1) into pairs. */
#ifndef ISL_TEXT_H
#define ISL_TEXT_H

#include "checks.h"
#include "arena.h"
#include <stddef.h>

/* Where a pair's key and value start in its text's buffer: offsets, half
 * the size of two pointers (a login keeps some forty pairs). */
#define ISL_NO_VALUE UINT32_MAX
typedef struct {
    uint32_t key;
    uint32_t value;     /* ISL_NO_VALUE when the item has no '=' */
} isl_pair;

typedef struct {
    char *buf;          /* owned copy of the text, NUL-terminated items */
    size_t len;
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
static inline const char *isl_text_key(const isl_text *t, unsigned i) { return t->buf + t->pairs[i].key; }
static inline const char *isl_text_val(const isl_text *t, unsigned i)
{
    return t->pairs[i].value == ISL_NO_VALUE ? NULL : t->buf + t->pairs[i].value;
}

/* Value of the first item with this key and a value; NULL when none. */
const char *isl_text_value(const isl_text *t, const char *key);

#endif
