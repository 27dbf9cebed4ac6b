/* SPDX-License-Identifier: GPL-2.0-or-later
 * The one place for differences between Wireshark 4.0, 4.4 and 4.6.
 *
 * Built and tested (packaging/matrix) against 4.0.17 (Debian 12), 4.4.19
 * (Debian 13) and 4.6.9 (Debian sid); 4.2 thresholds are inferred, not tested. */
#ifndef ISCSI_LOGIN_COMPAT_H
#define ISCSI_LOGIN_COMPAT_H

#include <wireshark.h>
#include <ws_version.h>

#define ISL_WS_AT_LEAST(maj, min) \
    (WIRESHARK_VERSION_MAJOR > (maj) || (WIRESHARK_VERSION_MAJOR == (maj) && WIRESHARK_VERSION_MINOR >= (min)))

/* value_string and friends moved from epan/ to wsutil/ in 4.6 (epan/value_string.h
 * is gone there). Include compat.h instead of either header. */
#if ISL_WS_AT_LEAST(4, 6)
#include <wsutil/value_string.h>
#else
#include <epan/value_string.h>
#endif

/* tvb_get_guint8 is deprecated from 4.4 on; 4.0 only has the g-names. */
#if ISL_WS_AT_LEAST(4, 4)
#define isl_tvb_get_u8 tvb_get_uint8
#else
#define isl_tvb_get_u8 tvb_get_guint8
#endif

/* tvb_find_guint8 is deprecated from 4.4 on (tvb_find_uint8). */
#if ISL_WS_AT_LEAST(4, 4)
#define isl_tvb_find_u8 tvb_find_uint8
#else
#define isl_tvb_find_u8 tvb_find_guint8
#endif

/* Reading another protocol's preference: pref_t getters live in prefs-int.h
 * (exported in every version); the uint one lost its _real suffix in 4.6,
 * where prefs_get_uint_value(module, name) of prefs.h is gone.  NULL-safe:
 * dflt when the preference does not exist. */
#include <epan/prefs.h>
#include <epan/prefs-int.h>
static inline unsigned isl_pref_uint(const char *module, const char *name, unsigned dflt)
{
    module_t *m = prefs_find_module(module);
    pref_t *p = m ? prefs_find_preference(m, name) : NULL;
#if ISL_WS_AT_LEAST(4, 6)
    return p ? prefs_get_uint_value(p, pref_current) : dflt;
#else
    return p ? prefs_get_uint_value_real(p, pref_current) : dflt;
#endif
}
static inline bool isl_pref_bool(const char *module, const char *name, bool dflt)
{
    module_t *m = prefs_find_module(module);
    pref_t *p = m ? prefs_find_preference(m, name) : NULL;
    return p ? prefs_get_bool_value(p, pref_current) != 0 : dflt;
}

/* The variable behind prefs_register_bool_preference: gboolean in 4.0,
 * bool from 4.2 (inferred, like isl_heur_ret; verified on 4.4 and 4.6). */
#if ISL_WS_AT_LEAST(4, 2)
typedef bool isl_pref_bool_var;
#else
typedef gboolean isl_pref_bool_var;
#endif

/* Return type of a heuristic dissector (heur_dissector_t): gboolean in 4.0,
 * bool from 4.2 (inferred; verified on 4.4 and 4.6). A gboolean function is an
 * incompatible pointer type (an error with GCC 14) for heur_dissector_add there. */
#if ISL_WS_AT_LEAST(4, 2)
typedef bool isl_heur_ret;
#else
typedef gboolean isl_heur_ret;
#endif

/* stat_tap_table_ui.stat_tap_init_cb (register_stat_tap_table_ui) returns void
 * in every version, 4.0 to 4.6. */
#define ISL_STAT_INIT_RET void
#define ISL_STAT_INIT_OK return


/* Flow graph (sequence analysis, flow.c).  libwireshark exports
 * register_seq_analysis() and friends in 4.0, 4.4 and 4.6, but Debian's
 * wireshark-dev installs no epan/sequence_analysis.h in any of them.  Without
 * it, declare the two calls flow.c makes and the leading members of the two
 * structs it fills in.  Offsets checked against the 4.0.17 source and by
 * disassembling 4.4.19's and 4.6.9's libwireshark: the item is 144, 136 and
 * 144 bytes; members up to dst_node sit at the same offsets everywhere except
 * has_color_filter/display (gboolean in 4.0, bool from 4.4: 0x6c/0x70 vs
 * 0x6c/0x6d); items of the info struct is at 0x10 in all three.  line_style
 * follows dst_node in 4.0 and 4.4; 4.6 grew the item by 8 bytes somewhere
 * not checked, so it is left at 0 there (a 1-pixel line in the Qt graph).
 * Only for files that define ISL_WANT_SEQ_ANALYSIS before including this. */
#ifdef ISL_WANT_SEQ_ANALYSIS
#include <epan/packet_info.h>
#if __has_include(<epan/sequence_analysis.h>)
#include <epan/sequence_analysis.h>
#define ISL_SEQ_HAS_LINE_STYLE 1
#else
#include <epan/tap.h>
#if ISL_WS_AT_LEAST(4, 4)
typedef bool isl_seq_bool;
#define ISL_SEQ_HAS_LINE_STYLE (!ISL_WS_AT_LEAST(4, 6))
#else
typedef gboolean isl_seq_bool;
#define ISL_SEQ_HAS_LINE_STYLE 1
#endif
typedef struct _seq_analysis_item {
    guint32 frame_number;
    address src_addr;
    guint16 port_src;
    address dst_addr;
    guint16 port_dst;
    gchar *frame_label;
    gchar *time_str;
    gchar *comment;
    guint16 conv_num;
    unsigned fg_color, bg_color;
    isl_seq_bool has_color_filter;
    isl_seq_bool display;
    guint src_node, dst_node;
#if ISL_SEQ_HAS_LINE_STYLE
    guint16 line_style;
#endif
    /* further members not used */
} seq_analysis_item_t;
typedef struct _seq_analysis_info {
    const char *name;
    isl_seq_bool any_addr;
    int nconv;
    GQueue *items;
    /* further members not used */
} seq_analysis_info_t;
WS_DLL_PUBLIC void register_seq_analysis(const char *name, const char *ui_name, const int proto_id,
                                         const char *tap_listener, guint tap_flags, tap_packet_cb tap_func);
WS_DLL_PUBLIC seq_analysis_item_t *sequence_analysis_create_sai_with_addresses(packet_info *pinfo,
                                                                               seq_analysis_info_t *sainfo);
#endif
#endif

/* Not shims, but differences to know about (no code needed):
 * - wmem_packet_scope() is removed in 4.6: use pinfo->pool (done everywhere).
 * - EI_INIT is {-1,-1} up to 4.4 and {0,0} in 4.6: always initialise
 *   expert_field with EI_INIT, never with literal numbers.
 * - plugin_describe() and <wsutil/plugins.h> exist from 4.4 on (plugin.c uses
 *   __has_include and WS_PLUGIN_DESC_DISSECTOR).
 * - The CMake package config moved from <libdir>/wireshark/cmake (4.0) to
 *   <libdir>/cmake/wireshark (4.4+); find_package(Wireshark CONFIG) finds both. */

#endif
