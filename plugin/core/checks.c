/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "checks.h"

static const isl_check_info check_table[ISL_CHK_COUNT] = {
#define ISL_CHECK(id, abbrev, group, sev, summary, example, clause) \
    [ISL_CHK_##id] = { abbrev, ISL_GRP_##group, ISL_SEV_##sev, summary, example, clause },
#include "checks.def"
#undef ISL_CHECK
};

const isl_check_info *isl_check_get(isl_check id)
{
    return (unsigned)id < ISL_CHK_COUNT ? &check_table[id] : NULL;
}

/* A new finding at the end of f, without a message yet. */
static isl_finding *append(isl_findings *f, isl_check id)
{
    isl_finding *n = g_new0(isl_finding, 1);

    n->check = (uint16_t)id;
    if (f->tail)
        f->tail->next = n;
    else
        f->head = n;
    f->tail = n;
    return n;
}

void isl_report(isl_findings *f, isl_check id, const char *fmt, ...)
{
    va_list ap;
    isl_finding *n;

    if (!f)
        return;
    n = append(f, id);
    va_start(ap, fmt);
    n->msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
}

void isl_report_deferred(isl_findings *f, isl_check id)
{
    if (f)
        append(f, id);
}

void isl_findings_clear(isl_findings *f)
{
    isl_finding *n = f->head;
    while (n) {
        isl_finding *next = n->next;
        g_free(n->msg);
        g_free(n);
        n = next;
    }
    f->head = f->tail = NULL;
}

unsigned isl_findings_total(const isl_findings *f)
{
    unsigned c = 0;
    for (const isl_finding *n = f->head; n; n = n->next)
        c++;
    return c;
}

unsigned isl_findings_count(const isl_findings *f, isl_check id)
{
    unsigned c = 0;
    for (const isl_finding *n = f->head; n; n = n->next)
        if (n->check == id)
            c++;
    return c;
}
