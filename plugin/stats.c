/* SPDX-License-Identifier: GPL-2.0-or-later
 * -z iscsi,login and -z iscsi,sessions: two stat_tap_table_ui statistics fed
 * by the "iscsi_login" tap (one isl_xrec per finished exchange).  The same
 * registration gives tshark's -z and the Qt Statistics menu.
 *
 * Everything shown is built from the tap records alone, so that one pass,
 * -2 and a GUI retap count each exchange exactly once, and a display filter
 * on the statistic selects exchanges, not whole files. */
#include "compat.h"
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>

#include "iscsi-login.h"
#include "stat-table.h"
#include "core/keys.h"

/* -z <cli>, -z <cli>,<filter>: anything else after the name is an error, not
 * a silent run without a filter (the -z lookup only matches a prefix). */
static void check_arg(const char *cli, const char *opt_arg, const char **filter, char **err)
{
    size_t n = strlen(cli);

    if (strncmp(opt_arg, cli, n) != 0 || (opt_arg[n] != '\0' && opt_arg[n] != ',')) {
        *filter = NULL;
        *err = g_strdup_printf("invalid -z argument \"%s\": use -z %s or -z %s,<display filter>", opt_arg, cli, cli);
        return;
    }
    if (*filter && !**filter)
        *filter = NULL;
}

/* ---- -z iscsi,login ----------------------------------------------------------
 *
 * Three tables with one column set (the front ends print a single header for
 * all tables of a statistic): exchanges by kind, logins by initiator ->
 * target, logins by status.  Times are in milliseconds; an exchange whose
 * start was not captured is counted (Untimed) but not timed, and a row with
 * no timed exchange leaves its time columns empty. */

enum { LC_NAME, LC_COUNT, LC_FAILED, LC_REDIRECTS, LC_UNTIMED, LC_MIN, LC_MAX, LC_AVG, LC_TOTAL, LC_N };
#define LABEL_W "48"

/* Bare titles: see isl_st_titles_for_front_end.  Times are text (isl_st_set_ms). */
static stat_tap_table_item login_fields[LC_N] = {
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Exchange", "%-" LABEL_W "s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Count", "%5u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Failures", "%8u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Redirects", "%9u" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Untimed", "%7u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Min (ms)", "%8s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Max (ms)", "%8s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Avg (ms)", "%8s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Total (ms)", "%10s" },
};

static tap_param login_params[] = { { PARAM_FILTER, "filter", "Filter", NULL, TRUE } };

enum { LT_KINDS, LT_PAIRS, LT_STATUS, LT_N };
static const char *const login_table_titles[LT_N] = {
    "Exchanges", "Logins by initiator -> target", "Logins by status"
};

static ISL_STAT_INIT_RET login_init(stat_tap_table_ui *ui)
{
    isl_st_titles_for_front_end(ui);
    for (unsigned i = 0; i < LT_N; i++)
        isl_st_table_find_or_add(ui, login_table_titles[i]);
    ISL_STAT_INIT_OK;
}

static void login_count(stat_tap_table_item_type *row, const isl_xrec *x)
{
    guint count = row[LC_COUNT].value.uint_value + 1;
    guint untimed = row[LC_UNTIMED].value.uint_value + (x->time_ns < 0);
    guint timed = count - untimed;

    isl_st_set_uint(row, LC_COUNT, count);
    isl_st_set_uint(row, LC_FAILED, row[LC_FAILED].value.uint_value + x->failed);
    isl_st_set_uint(row, LC_REDIRECTS, row[LC_REDIRECTS].value.uint_value + x->redirected);
    isl_st_set_uint(row, LC_UNTIMED, untimed);
    if (x->time_ns >= 0) {
        double ms = (double)x->time_ns / 1e6;
        bool first = timed == 1;
        double min = row[LC_MIN].user_data.float_value, max = row[LC_MAX].user_data.float_value;
        double total = (first ? 0 : row[LC_TOTAL].user_data.float_value) + ms;
        /* the extremes change rarely: their text is rewritten only then */
        if (first || ms < min)
            isl_st_set_ms(row, LC_MIN, &login_fields[LC_MIN], ms);
        if (first || ms > max)
            isl_st_set_ms(row, LC_MAX, &login_fields[LC_MAX], ms);
        isl_st_set_ms(row, LC_TOTAL, &login_fields[LC_TOTAL], total);
        isl_st_set_ms(row, LC_AVG, &login_fields[LC_AVG], total / timed);
    }
}

static char *pair_label(const isl_xrec *x)
{
    const char *target = isl_xrec_target(x);
    if (!target)
        target = x->sess && x->sess->type == ISL_ST_DISCOVERY ? "(discovery)" : "(unknown)";
    char *label = g_strdup_printf("%s -> %s", isl_xrec_initiator(x) ? isl_xrec_initiator(x) : "(unknown)", target);
    char *valid = isl_utf8_cap(label, G_MAXSIZE);
    g_free(label);
    return valid;
}

static char *status_label(uint16_t status)
{
    const char *cls = isl_status_class_name(status), *detail = isl_status_detail_name(status);
    if (!g_ascii_strcasecmp(cls, detail))
        return g_strdup_printf("0x%04x %s", status, cls);
    return g_strdup_printf("0x%04x %s: %s", status, cls, detail);
}

static tap_packet_status login_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                      const void *data, tap_flags_t flags _U_)
{
    const isl_xrec *x = data;
    stat_tap_table *kinds = isl_st_table_at(tapdata, LT_KINDS), *pairs = isl_st_table_at(tapdata, LT_PAIRS),
                   *statuses = isl_st_table_at(tapdata, LT_STATUS);
    stat_tap_table_item_type *row;
    bool created;

    if (!x || (unsigned)x->kind >= ISL_X_COUNT || !kinds || !pairs || !statuses)
        return TAP_PACKET_DONT_REDRAW;
    if (x->provisional || x->kind == ISL_X_PROBLEMS)
        return TAP_PACKET_DONT_REDRAW;     /* counted when the login ends (or is found cut off); problems: sessions table */

    row = isl_st_row_find_or_insert(tapdata, kinds, x->kind, NULL, &created);
    if (created)
        isl_st_set_str(row, LC_NAME, isl_xkind_name(x->kind));
    login_count(row, x);

    if (x->kind == ISL_X_DISCOVERY_LOGIN || x->kind == ISL_X_NORMAL_LOGIN) {
        char *label = pair_label(x);
        row = isl_st_row_find_or_insert(tapdata, pairs, 0, label, &created);
        if (created)
            isl_st_set_str(row, LC_NAME, label);
        g_free(label);
        login_count(row, x);

        /* A login the capture cut off has no status: a row of its own. */
        row = isl_st_row_find_or_insert(tapdata, statuses, x->unfinished ? G_MAXUINT32 : x->status, NULL, &created);
        if (created)
            isl_st_set_str_take(row, LC_NAME, x->unfinished ? g_strdup("(no final response)") : status_label(x->status));
        login_count(row, x);
    }
    return TAP_PACKET_REDRAW;
}

static void login_filter_check(const char *opt_arg, const char **filter, char **err)
{
    check_arg("iscsi,login", opt_arg, filter, err);
}

static stat_tap_table_ui login_ui = {
    REGISTER_STAT_GROUP_RESPONSE_TIME,
    "iSCSI Login Statistics",
    "iscsi_login",
    "iscsi,login",
    login_init,
    login_packet,
    isl_st_tables_reset,
    isl_st_tables_free_item,
    login_filter_check,
    LC_N, login_fields,
    G_N_ELEMENTS(login_params), login_params,
    NULL,
    0
};

/* ---- -z iscsi,sessions -----------------------------------------------------
 *
 * One row per session, in session-number order.  Login results come from the
 * record of the session's leading login (its negotiation is final then);
 * connections count the session's successful logins. */

enum {
    SC_NUM, SC_INITIATOR, SC_TARGET, SC_ISID, SC_TSIH, SC_TYPE, SC_OUTCOME, SC_TIME, SC_CONNS,
    SC_HDIGEST, SC_DDIGEST, SC_MRDSL_I, SC_MRDSL_T, SC_MBL, SC_FBL, SC_ERL, SC_TARGETS, SC_ATTEMPTS, SC_PROBLEMS,
    SC_FIRST_PROBLEM, SC_N
};

static stat_tap_table_item session_fields[SC_N] = {
    /* Qt sorts by column 0 and sizes it a little too narrow for its title
     * and the sort indicator: a right-aligned title loses its first letter.
     * Left-aligned, the spaces are what is cut (tshark gets the title bare
     * and prints the number with its format, whatever the alignment). */
    { TABLE_ITEM_UINT, TAP_ALIGN_LEFT, "Session   ", "%7u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Initiator", "%-44s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Target", "%-44s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "ISID", "%-12s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "TSIH", "%-6s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Type", "%-9s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Outcome", "%-29s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Login time (ms)", "%15s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Connections", "%11u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "HeaderDigest", "%-12s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "DataDigest", "%-10s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Initiator MRDSL", "%15s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Target MRDSL", "%12s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "MaxBurstLength", "%14s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "FirstBurstLength", "%16s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "ErrorRecoveryLevel", "%18s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Targets discovered", "%18u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_RIGHT, "Attempts", "%8s" },
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "Problems", "%8u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "First problem", "%s" },
};

static tap_param session_params[] = { { PARAM_FILTER, "filter", "Filter", NULL, TRUE } };

static ISL_STAT_INIT_RET sessions_init(stat_tap_table_ui *ui)
{
    isl_st_titles_for_front_end(ui);
    isl_st_table_find_or_add(ui, "Sessions");
    ISL_STAT_INIT_OK;
}

/* A negotiated login parameter, "-" when it does not apply to the session
 * (isl_nego_value gives no value for an irrelevant key). */
static void set_param(stat_tap_table_item_type *row, unsigned col, const char *v)
{
    isl_st_set_str(row, col, v ? v : "-");
}

/* Every column gets a value: the CLI printer stops a row at an empty item. */
static void session_new_row(stat_tap_table_item_type *row, const isl_session *s)
{
    isl_st_set_uint(row, SC_NUM, s->number);
    isl_st_set_str(row, SC_INITIATOR, "-");
    isl_st_set_str(row, SC_TARGET, "-");
    char isid[13];
    isl_isid_format(s->isid, isid);
    isl_st_set_str(row, SC_ISID, isid);
    isl_st_set_str(row, SC_TSIH, "-");
    isl_st_set_str(row, SC_OUTCOME, "-");
    isl_st_set_str(row, SC_TIME, "-");
    isl_st_set_uint(row, SC_CONNS, 0);
    for (unsigned c = SC_HDIGEST; c <= SC_ERL; c++)
        isl_st_set_str(row, c, "-");
    isl_st_set_uint(row, SC_TARGETS, 0);
    isl_st_set_str(row, SC_ATTEMPTS, "-");
    isl_st_set_uint(row, SC_PROBLEMS, 0);
    isl_st_set_str(row, SC_FIRST_PROBLEM, "-");
    row[SC_FIRST_PROBLEM].user_data.uint_value = 0;   /* severity + 1 of the problem shown */
}

/* Errors and Warnings of the session: counted, and the first of the most
 * severe shown in words. */
static void session_problems(stat_tap_table_item_type *row, const isl_xrec *x)
{
    static const char *const sev[] = { "Chat", "Note", "Warning", "Error" };
    guint shown = row[SC_FIRST_PROBLEM].user_data.uint_value;

    isl_st_set_uint(row, SC_PROBLEMS, row[SC_PROBLEMS].value.uint_value + x->n_problems);
    if (!x->problem || x->problem_severity + 1u <= shown || x->problem_severity >= G_N_ELEMENTS(sev))
        return;
    char *text = g_strdup_printf("%s: %s", sev[x->problem_severity], x->problem);
    isl_st_set_str_take(row, SC_FIRST_PROBLEM, isl_utf8_cap(text, 160));
    g_free(text);
    row[SC_FIRST_PROBLEM].user_data.uint_value = x->problem_severity + 1u;
}

/* "Redirected -> 10.0.0.2:3260": the TargetAddress without its portal group tag (ASCII, so
 * that the CLI columns, padded by bytes, line up). */
static char *redirect_outcome(const isl_login *l)
{
    const char *a = l->redirect ? l->redirect : "?";
    size_t n = strcspn(a, ",");
    return g_strdup_printf("%s -> %.*s", isl_outcome_name(ISL_OUT_REDIRECTED), (int)n, a);
}

static void session_leading_login(stat_tap_table_item_type *row, const isl_xrec *x)
{
    const isl_login *l = x->login;

    if (x->failed)
        isl_st_set_str_take(row, SC_OUTCOME, g_strdup_printf("%s 0x%04x", isl_outcome_name(ISL_OUT_FAILED), x->status));
    else if (x->redirected)
        isl_st_set_str_take(row, SC_OUTCOME, redirect_outcome(l));
    else
        isl_st_set_str(row, SC_OUTCOME, isl_outcome_name(l->outcome));
    if (l->story_fed)
        isl_st_set_str_take(row, SC_ATTEMPTS, g_strdup_printf("%u", l->story.attempt));
    isl_st_set_str(row, SC_TSIH, "-");
    if (!x->failed && !x->redirected)
        isl_st_set_str_take(row, SC_TSIH, g_strdup_printf("0x%04x", x->sess->tsih));
    if (x->time_ns >= 0)
        isl_st_set_ms(row, SC_TIME, &session_fields[SC_TIME], (double)x->time_ns / 1e6);
    if (x->failed || x->redirected || !l->nego)
        return;
    set_param(row, SC_HDIGEST, l->settled.header_digest);
    set_param(row, SC_DDIGEST, l->settled.data_digest);
    isl_st_set_str_take(row, SC_MRDSL_I, g_strdup_printf("%u", l->settled.mrdsl[ISL_SIDE_I]));
    isl_st_set_str_take(row, SC_MRDSL_T, g_strdup_printf("%u", l->settled.mrdsl[ISL_SIDE_T]));
    set_param(row, SC_MBL, l->settled.max_burst_length);
    set_param(row, SC_FBL, l->settled.first_burst_length);
    set_param(row, SC_ERL, l->settled.error_recovery_level);
}

static tap_packet_status sessions_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                         const void *data, tap_flags_t flags _U_)
{
    const isl_xrec *x = data;
    const isl_session *s = x ? x->sess : NULL;
    stat_tap_table *t = isl_st_table_at(tapdata, 0);
    stat_tap_table_item_type *row;
    bool created;

    if (!s || !t)
        return TAP_PACKET_DONT_REDRAW;
    row = isl_st_row_find_or_insert(tapdata, t, s->number, NULL, &created);
    if (created)
        session_new_row(row, s);
    /* Names and type are set once, during the login: any record has them. */
    if (s->initiator_name)
        isl_st_set_str(row, SC_INITIATOR, s->initiator_name);
    if (s->target_name)
        isl_st_set_str(row, SC_TARGET, s->target_name);
    isl_st_set_str(row, SC_TYPE, isl_session_type_name(s->type));

    switch (x->kind) {
    case ISL_X_DISCOVERY_LOGIN:
    case ISL_X_NORMAL_LOGIN:
        if (x->unfinished) {
            /* Cut off by the end of the capture (or, in one pass, not finished
             * yet: a later record of the login replaces it): nothing settled. */
            if (x->login && (x->login->leading || x->login == s->leading) &&
                (!x->provisional || !g_strcmp0(row[SC_OUTCOME].value.string_value, "-")))
                isl_st_set_str(row, SC_OUTCOME, "Not finished");
            break;
        }
        if (!x->failed && !x->redirected)
            isl_st_set_uint(row, SC_CONNS, row[SC_CONNS].value.uint_value + 1);
        if (x->login && (x->login->leading || x->login == s->leading))
            session_leading_login(row, x);
        break;
    case ISL_X_PROBLEMS:
        session_problems(row, x);
        break;
    case ISL_X_SENDTARGETS:
        /* Each SendTargets record counts its own reply: the same sum with any filter and pass. */
        isl_st_set_uint(row, SC_TARGETS, row[SC_TARGETS].value.uint_value + x->n_targets);
        break;
    default:
        break;
    }
    return TAP_PACKET_REDRAW;
}

static void sessions_filter_check(const char *opt_arg, const char **filter, char **err)
{
    check_arg("iscsi,sessions", opt_arg, filter, err);
}

static stat_tap_table_ui sessions_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED,   /* the Statistics menu itself */
    "iSCSI Sessions",
    "iscsi_login",
    "iscsi,sessions",
    sessions_init,
    sessions_packet,
    isl_st_tables_reset,
    isl_st_tables_free_item,
    sessions_filter_check,
    SC_N, session_fields,
    G_N_ELEMENTS(session_params), session_params,
    NULL,
    0
};

void iscsi_login_register_stats(int proto _U_)
{
    register_stat_tap_table_ui(&login_ui);
    register_stat_tap_table_ui(&sessions_ui);
    iscsi_login_register_diff();
}
