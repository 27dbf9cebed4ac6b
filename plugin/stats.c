/* SPDX-License-Identifier: GPL-2.0-or-later
 * -z iscsi,login and -z iscsi,sessions (placeholder registration, filled in below). */
#include "compat.h"
#include "iscsi-login.h"

void iscsi_login_register_stats(int proto)
{
    (void)proto;
}
