/* SPDX-License-Identifier: GPL-2.0-or-later
 * A login in one line: what happened, and what to check, from what the wire
 * shows (status, the stage, the keys each side sent). */
#ifndef ISL_SUMMARY_H
#define ISL_SUMMARY_H

#include "analyzer.h"

/* For a login that ended (final response, failure, redirect) or that the
 * capture cut off (unfinished: true).  Caller frees. */
char *isl_login_summary(const isl_login *l, bool unfinished);

#endif
