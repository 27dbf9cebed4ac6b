/* SPDX-License-Identifier: GPL-2.0-or-later
 * The one place for differences between Wireshark 4.0, 4.4 and 4.6. */
#ifndef ISCSI_LOGIN_COMPAT_H
#define ISCSI_LOGIN_COMPAT_H

#include <wireshark.h>
#include <ws_version.h>

#define ISL_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* field_info.value became a pointer to an opaque fvalue_t after 4.0. */
#if ISL_WS_AT_LEAST(4, 2)
#define ISL_FI_FV(fi) ((fi)->value)
#else
#define ISL_FI_FV(fi) (&(fi)->value)
#endif

/* tvb_get_guint8 is deprecated from 4.4 on; 4.0 only has the g-names. */
#if ISL_WS_AT_LEAST(4, 4)
#define isl_tvb_get_u8 tvb_get_uint8
#else
#define isl_tvb_get_u8 tvb_get_guint8
#endif

/* stat_tap_table_ui's init callback returns bool from 4.6 on. */
#if ISL_WS_AT_LEAST(4, 6)
#define ISL_STAT_INIT_RET bool
#define ISL_STAT_INIT_OK return true
#else
#define ISL_STAT_INIT_RET void
#define ISL_STAT_INIT_OK return
#endif

#endif
