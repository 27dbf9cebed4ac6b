/* SPDX-License-Identifier: GPL-2.0-or-later
 * Check catalogue and the findings a PDU can carry.  Plain C + GLib. */
#ifndef ISL_CHECKS_H
#define ISL_CHECKS_H

#include <glib.h>
#include <stdint.h>
#include <stdbool.h>

typedef enum {
#define ISL_CHECK(id, abbrev, group, sev, summary, example, clause) ISL_CHK_##id,
#include "checks.def"
#undef ISL_CHECK
    ISL_CHK_COUNT
} isl_check;

/* Mapped to Wireshark's PI_* values by the epan glue. */
typedef enum { ISL_GRP_PROTOCOL, ISL_GRP_MALFORMED, ISL_GRP_RESPONSE_CODE, ISL_GRP_SEQUENCE,
               ISL_GRP_SECURITY, ISL_GRP_REASSEMBLE, ISL_GRP_CHECKSUM, ISL_GRP_UNDECODED } isl_group;
typedef enum { ISL_SEV_CHAT, ISL_SEV_NOTE, ISL_SEV_WARN, ISL_SEV_ERROR } isl_severity;

typedef struct {
    const char *abbrev;     /* "neg.list_answer_not_offered" */
    isl_group group;
    isl_severity severity;
    const char *summary;
    const char *example;
    const char *clause;     /* "RFC 7143 §6.2.1", or "convention (...)" */
} isl_check_info;

const isl_check_info *isl_check_get(isl_check id);

/* One finding (becomes one expert info) attached to the PDU where it is detected. */
typedef struct isl_finding {
    struct isl_finding *next;
    uint16_t check;
    char *msg;                  /* NULL: written when shown (isl_finding_text) */
} isl_finding;

typedef struct {
    isl_finding *head, *tail;   /* every analysed PDU has one: no count kept (isl_findings_total) */
} isl_findings;

void isl_report(isl_findings *f, isl_check id, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* A finding whose message the analysis can write from its own state when the
 * finding is shown: the one every login gets costs no text per login. */
void isl_report_deferred(isl_findings *f, isl_check id);
void isl_findings_clear(isl_findings *f);
/* Number of findings of one check (tests and fuzz harnesses). */
unsigned isl_findings_count(const isl_findings *f, isl_check id);
/* All findings of f (tests). */
unsigned isl_findings_total(const isl_findings *f);

#endif
