/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ISCSI_LOGIN_H
#define ISCSI_LOGIN_H

#include "core/analyzer.h"

void proto_register_iscsi_login(void);
void proto_reg_handoff_iscsi_login(void);

/* stats.c: the -z iscsi,login and -z iscsi,sessions tables. */
void iscsi_login_register_stats(int proto);
/* diff.c: -z iscsi,diff,A,B (registered by iscsi_login_register_stats). */
void iscsi_login_register_diff(void);

/* flow.c: the iscsi_login flow graph (login ladder).  queue: call once per
 * rendered PDU record; does nothing unless a flow graph listens. */
void iscsi_login_register_flow(int proto);
struct _packet_info;
void iscsi_login_flow_queue(struct _packet_info *pinfo, const isl_pdu *r);

#endif
