/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "arena.h"
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define ISL_ARENA_PER_OBJECT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define ISL_ARENA_PER_OBJECT 1
#endif
#endif

/* Objects are a few dozen to a few hundred bytes; a chunk holds thousands.
 * Anything larger than a quarter chunk (a long SendTargets reply) gets a
 * chunk of its own, so that a chunk never wastes more than a quarter.  A
 * chunk this size comes zeroed from mmap (above glibc's mmap threshold):
 * no memset, and pages count in the RSS only once used. */
#define CHUNK (256u * 1024u)
#define ALIGN 8u          /* pointers and 64-bit integers: nothing in the analysis needs more */

typedef struct chunk {
    struct chunk *next;
} chunk;

struct isl_arena {
    chunk *chunks;              /* the one being filled first */
    char *pos, *end;            /* free room in it */
    GPtrArray *objects;         /* sanitizer builds: one heap block per object */
    GHashTable *strings;        /* interned copies (isl_arena_intern), made on first use */
};

isl_arena *isl_arena_new(void)
{
    isl_arena *ar = g_new0(isl_arena, 1);
#ifdef ISL_ARENA_PER_OBJECT
    /* Under ASan every object stays a block of its own, so that an overrun
     * of one object is caught at the object, not somewhere in a chunk. */
    ar->objects = g_ptr_array_new_with_free_func(g_free);
#endif
    return ar;
}

void isl_arena_free(isl_arena *ar)
{
    if (!ar)
        return;
    while (ar->chunks) {
        chunk *next = ar->chunks->next;
        g_free(ar->chunks);
        ar->chunks = next;
    }
    if (ar->objects)
        g_ptr_array_free(ar->objects, TRUE);
    if (ar->strings)
        g_hash_table_destroy(ar->strings);
    g_free(ar);
}

static size_t header_size(void)
{
    return (sizeof(chunk) + ALIGN - 1) & ~(size_t)(ALIGN - 1);
}

static void *big_object(isl_arena *ar, size_t n)
{
    chunk *c = g_malloc0(header_size() + n);

    if (ar->chunks) {           /* behind the chunk being filled */
        c->next = ar->chunks->next;
        ar->chunks->next = c;
    } else {
        ar->chunks = c;
    }
    return (char *)c + header_size();
}

void *isl_arena_alloc0(isl_arena *ar, size_t n)
{
    void *p;

    if (!ar)
        return g_malloc0(n ? n : 1);
    if (ar->objects) {
        p = g_malloc0(n ? n : 1);
        g_ptr_array_add(ar->objects, p);
        return p;
    }
    n = (n + ALIGN - 1) & ~(size_t)(ALIGN - 1);
    if (n == 0)
        n = ALIGN;
    if (n > CHUNK / 4)
        return big_object(ar, n);
    if ((size_t)(ar->end - ar->pos) < n) {
        chunk *c = g_malloc0(CHUNK);
        c->next = ar->chunks;
        ar->chunks = c;
        ar->pos = (char *)c + header_size();
        ar->end = (char *)c + CHUNK;
    }
    p = ar->pos;
    ar->pos += n;
    return p;
}

static char *arena_strdup(isl_arena *ar, const char *s)
{
    size_t n;
    char *d;

    if (!s)
        return NULL;
    n = strlen(s) + 1;
    d = isl_arena_alloc0(ar, n);
    memcpy(d, s, n);
    return d;
}

const char *isl_arena_intern(isl_arena *ar, const char *s)
{
    char *c;

    if (!s)
        return NULL;
    if (!ar->strings)
        ar->strings = g_hash_table_new(g_str_hash, g_str_equal);
    c = g_hash_table_lookup(ar->strings, s);
    if (!c) {
        c = arena_strdup(ar, s);
        g_hash_table_add(ar->strings, c);
    }
    return c;
}
