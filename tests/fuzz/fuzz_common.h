/* SPDX-License-Identifier: GPL-2.0-or-later
 * What the libFuzzer harnesses share: reading back what a renderer reads, so
 * that ASan checks every string the core hands out. */
#ifndef ISL_FUZZ_COMMON_H
#define ISL_FUZZ_COMMON_H

#include <stddef.h>
#include <string.h>
#include "checks.h"
#include "keys.h"
#include "negotiation.h"

static inline void sink(const char *s)
{
    /* Touch every byte so ASan checks the whole string. */
    volatile size_t n = s ? strlen(s) : 0;
    (void)n;
}

/* Every finding names a known check and has a message. */
static inline void read_findings(const isl_findings *f)
{
    for (const isl_finding *x = f->head; x; x = x->next) {
        if (x->check >= ISL_CHK_COUNT || !x->msg)
            __builtin_trap();
        sink(x->msg);
        sink(isl_check_get((isl_check)x->check)->abbrev);
    }
}

/* What the display layer reads of a negotiation. */
static inline void read_nego(const isl_nego *n)
{
    if (!n)
        return;
    for (unsigned i = 0; i < isl_nego_count(n); i++) {
        const isl_kst *k = isl_nego_at(n, i);
        sink(k->name);
        sink(k->value[0]);
        sink(k->value[1]);
        sink(k->result);
        if (isl_nego_find(n, k->name) == NULL)
            __builtin_trap();
    }
    for (unsigned i = 0; i < isl_key_count(); i++) {
        isl_val_state st;
        sink(isl_nego_value(n, isl_key_at(i), &st));
        sink(isl_val_state_reason(st));
    }
    (void)isl_nego_mrdsl(n, ISL_SIDE_I, NULL);
    (void)isl_nego_mrdsl(n, ISL_SIDE_T, NULL);
    sink(isl_nego_auth_summary(n));
    sink(isl_nego_auth_method(n));
}

#endif
