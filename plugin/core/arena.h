/* SPDX-License-Identifier: GPL-2.0-or-later
 * One arena per analysis: the records, logins, sessions, key states and
 * texts the analysis keeps until the capture is closed, allocated by
 * bumping a pointer and freed all at once.  A malloc per object cost a
 * header and rounding per object (a login storm keeps some thirty objects
 * per session) and a free per object at the end.  Plain C + GLib. */
#ifndef ISL_ARENA_H
#define ISL_ARENA_H

#include <glib.h>
#include <stddef.h>

typedef struct isl_arena isl_arena;

isl_arena *isl_arena_new(void);
void isl_arena_free(isl_arena *ar);
/* n zeroed bytes, aligned for any member type, valid until isl_arena_free().
 * ar NULL: from the heap (g_malloc0), the caller frees. */
void *isl_arena_alloc0(isl_arena *ar, size_t n);
#define isl_arena_new0(ar, type) ((type *)isl_arena_alloc0((ar), sizeof(type)))
/* One copy per distinct string in the arena (initiator and target names:
 * a storm has thousands of sessions and a few hundred names).  ar must not
 * be NULL. */
const char *isl_arena_intern(isl_arena *ar, const char *s);

#endif
