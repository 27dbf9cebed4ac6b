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

#endif
