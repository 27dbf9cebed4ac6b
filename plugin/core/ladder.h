/* SPDX-License-Identifier: GPL-2.0-or-later
 * The login ladder: one line of text per Login, Text and Logout PDU, for a
 * flow graph (Statistics > Flow Graph, tshark -z flow,iscsi_login,...).
 * Built from the analysis record of the PDU; plain C + GLib. */
#ifndef ISL_LADDER_H
#define ISL_LADDER_H

#include "analyzer.h"

/* Key names listed on one arrow; the rest are counted ("+N"). */
#define ISL_LADDER_MAX_KEYS 4

/* True for the PDUs that get an arrow: Login, Text and Logout, both ways. */
bool isl_ladder_wanted(const isl_pdu *r);

/* The arrow's label, e.g. "Login 0→1 T (InitiatorName, SessionType,
 * AuthMethod, HeaderDigest, +2)" or "Login Rsp 1→3 T status 0x0000 Success".
 * Valid UTF-8; g_free() it. */
char *isl_ladder_label(const isl_pdu *r);

/* The comment beside it: "Session N: " and the label (the text flow graph
 * of tshark cuts labels to the width of the arrow; the comment is whole).
 * g_free() it. */
char *isl_ladder_comment(const isl_pdu *r, const char *label);

/* "(A, B, C, D, +N)" from n key names into out; nothing when n is 0. */
void isl_ladder_append_keys(GString *out, const char *const *names, unsigned n);

#endif
