/* SPDX-License-Identifier: GPL-2.0-or-later
 * The symbols Wireshark's plugin loader looks up. */
#define WS_BUILD_DLL
#include <wireshark.h>
#include <ws_version.h>
#include <epan/packet.h>
#include <epan/proto.h>
#if __has_include(<wsutil/plugins.h>)
#include <wsutil/plugins.h>
#endif

#include "iscsi-login.h"

#ifndef VERSION
#define VERSION ISCSI_LOGIN_VERSION
#endif

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = ISCSI_LOGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#ifdef WS_PLUGIN_DESC_DISSECTOR
WS_DLL_PUBLIC uint32_t plugin_describe(void);
uint32_t plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR | WS_PLUGIN_DESC_TAP_LISTENER;
}
#endif

void plugin_register(void)
{
    static proto_plugin plug;

    plug.register_protoinfo = proto_register_iscsi_login;
    plug.register_handoff = proto_reg_handoff_iscsi_login;
    proto_register_plugin(&plug);
}
