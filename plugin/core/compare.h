/* SPDX-License-Identifier: GPL-2.0-or-later
 * Two sessions' leading logins side by side (-z iscsi,diff,A,B): one row
 * per key with each side's offer, answer and result, and what differs. */
#ifndef ISL_COMPARE_H
#define ISL_COMPARE_H

#include "negotiation.h"

/* What the comparison shows of one session, copied out of its negotiation:
 * the two sessions' logins end at different times, and the first one's
 * record is gone when the second one's arrives. */
typedef struct isl_cmp_side isl_cmp_side;

/* outcome: how the login ended, as shown ("Success", "Failed 0x0201").
 * n NULL: a login the capture cut off, nothing settled.  (In one pass its
 * negotiation is seen only up to its first PDU when the statistic hears of
 * it, so showing it would make one pass and -2 disagree.) */
isl_cmp_side *isl_cmp_side_new(uint32_t session, const char *outcome, const isl_nego *n);
void isl_cmp_side_free(isl_cmp_side *s);
uint32_t isl_cmp_side_session(const isl_cmp_side *s);

/* Results first: two hosts that end up with the same value after offering
 * different ones (a target capping both) are a lesser difference. */
typedef enum {
    ISL_CMP_SAME,
    ISL_CMP_EXCHANGE,   /* same result, different offer or answer */
    ISL_CMP_RESULT      /* different result (or login outcome) */
} isl_cmp_diff;
/* "", "~", "*" */
const char *isl_cmp_marker(isl_cmp_diff d);

typedef struct {
    const char *label;                  /* "Session", "Login", or a key name */
    const char *offer[2], *answer[2], *result[2];   /* [0] session A, [1] B */
    isl_cmp_diff diff;
} isl_cmp_row;

/* The rows comparing a and b: Session, Login, then the keys: every login
 * parameter of the key table (with its default when not negotiated), then
 * every other key either side sent, in key-table order, unknown keys last in
 * the order sent.  The authentication exchange (CHAP_A, CHAP_C ...) differs
 * on every login by design and is left out.  The strings point into a and b. */
GArray *isl_cmp_rows(const isl_cmp_side *a, const isl_cmp_side *b);

#endif
