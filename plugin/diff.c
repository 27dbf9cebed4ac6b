/* SPDX-License-Identifier: GPL-2.0-or-later
 * -z iscsi,diff,A,B: sessions A and B side by side, one row per key with
 * each one's offer, answer and result (core/compare.c), fed by the
 * "iscsi_login" tap like -z iscsi,sessions.
 *
 * Where A and B come from.  tshark hands the whole -z argument only to
 * stat_filter_check_cb (ui/cli/tap-simple_stattable.c); stat_tap_init_cb and
 * packet_func never see it, and stat_data_t's user_data belongs to the front
 * end.  Qt's dialog (ui/qt/simple_statistics_dialog.cpp, 4.0 to 4.6) calls
 * no filter check at all and offers only a display filter: tap_param
 * PARAM_UINT and PARAM_STRING reach no callback in either front end.  So the
 * check stores A and B in this file's state, and a dialog, where nothing
 * sets them, compares the two lowest-numbered sessions whose login passes
 * its display filter (iscsi_login.session in {3,7}).  One -z iscsi,diff per
 * run: all instances of a statistic share one set of tables anyway. */
#include "compat.h"
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>

#include "iscsi-login.h"
#include "stat-table.h"
#include "core/compare.h"

#define DIFF_CLI "iscsi,diff"

enum { DC_ROW, DC_KEY, DC_A_OFFER, DC_A_ANSWER, DC_A_RESULT, DC_B_OFFER, DC_B_ANSWER, DC_B_RESULT, DC_MARK, DC_N };

/* Column 0 is the row number: Qt sorts the rows by it, not by key name. */
static stat_tap_table_item diff_fields[DC_N] = {
    { TABLE_ITEM_UINT, TAP_ALIGN_RIGHT, "#", "%3u" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Key", "%-24s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "A offer", "%-16s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "A answer", "%-16s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "A result", "%-28s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "B offer", "%-16s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "B answer", "%-16s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "B result", "%-28s" },
    { TABLE_ITEM_STRING, TAP_ALIGN_LEFT, "Differs", "%-7s" },
};

static tap_param diff_params[] = { { PARAM_FILTER, "filter", "Filter", NULL, TRUE } };

#define DIFF_TABLE "Sessions compared"

/* One compared session: the latest record of its leading login. */
typedef struct {
    uint32_t number;
    isl_cmp_side *side;      /* NULL: no login record yet */
    bool final;              /* from a record that is not provisional */
    bool seen;               /* some record of the session passed the filter */
} diff_slot;

static struct {
    bool chosen;             /* A and B given (-z iscsi,diff,A,B) */
    bool filtered;           /* with a display filter */
    diff_slot slot[2];       /* chosen: A, B; else the two lowest sessions with a login */
    unsigned shown;          /* rows shown since the last reset (Qt keeps one item per row) */
} diff;

static void slot_clear(diff_slot *s)
{
    isl_cmp_side_free(s->side);
    s->side = NULL;
    s->final = s->seen = false;
}

static void diff_forget(void)
{
    for (int i = 0; i < 2; i++) {
        slot_clear(&diff.slot[i]);
        if (!diff.chosen)
            diff.slot[i].number = 0;
    }
    diff.shown = 0;
}

static void message_row(stat_tap_table *t, char *msg)
{
    stat_tap_table_item_type *row = isl_st_row_append(t);
    isl_st_set_uint(row, DC_ROW, t->num_elements);
    isl_st_set_str_take(row, DC_KEY, msg);
}

/* Whether a chosen session has a login to compare, and why not. */
static char *missing(const diff_slot *s)
{
    if (s->side)
        return g_strdup_printf("Session %u: login found", s->number);
    if (s->seen)
        return g_strdup_printf("Session %u: its login is not in the capture%s", s->number,
                               diff.filtered ? " or does not pass the filter" : "");
    return g_strdup_printf("Session %u: %s", s->number,
                           diff.filtered ? "no exchange of this session passes the filter" : "no such session in the capture");
}

static void diff_rebuild(stat_tap_table *t)
{
    const diff_slot *a = &diff.slot[0], *b = &diff.slot[1];

    isl_st_tables_reset(t);
    if (!a->side || !b->side) {
        if (diff.chosen) {
            /* a row per session, found or not: the table only grows during a pass */
            message_row(t, missing(a));
            if (b->number != a->number)
                message_row(t, missing(b));
        } else if (!a->side) {
            message_row(t, g_strdup("Two sessions with a login are needed: found none"));
        } else {
            message_row(t, g_strdup_printf("Two sessions with a login are needed: found only session %u", a->number));
        }
    } else {
        GArray *rows = isl_cmp_rows(a->side, b->side);
        for (guint i = 0; i < rows->len; i++) {
            const isl_cmp_row *r = &g_array_index(rows, isl_cmp_row, i);
            stat_tap_table_item_type *row = isl_st_row_append(t);
            isl_st_set_uint(row, DC_ROW, i + 1);
            isl_st_set_str(row, DC_KEY, r->label);
            for (int s = 0; s < 2; s++) {
                unsigned base = s ? DC_B_OFFER : DC_A_OFFER;
                isl_st_set_str(row, base, r->offer[s]);
                isl_st_set_str(row, base + 1, r->answer[s]);
                isl_st_set_str(row, base + 2, r->result[s]);
            }
            isl_st_set_str(row, DC_MARK, isl_cmp_marker(r->diff));
        }
        g_array_free(rows, TRUE);
    }
    /* Qt keeps a tree item for every row it has drawn until the next reset,
     * pointing at that row's cells: fewer rows than before (a lower session
     * taking a dialog's slot) leave blank rows, not stale ones. */
    while (t->num_elements < diff.shown) {
        stat_tap_table_item_type *row = isl_st_row_append(t);
        isl_st_set_uint(row, DC_ROW, t->num_elements);
        for (unsigned c = DC_KEY; c < DC_N; c++)
            isl_st_set_str(row, c, "");
    }
    diff.shown = t->num_elements;
}

static ISL_STAT_INIT_RET diff_init(stat_tap_table_ui *ui)
{
    isl_st_titles_for_front_end(ui);
    diff_rebuild(isl_st_table_find_or_add(ui, DIFF_TABLE));
    ISL_STAT_INIT_OK;
}

static char *outcome_text(const isl_xrec *x)
{
    if (x->unfinished)
        return g_strdup("Not finished");
    if (x->failed)
        return g_strdup_printf("%s 0x%04x", isl_outcome_name(ISL_OUT_FAILED), x->status);
    return g_strdup(isl_outcome_name(x->login->outcome));
}

/* The slot a record of session n goes to, or NULL.  Without A and B, the
 * two lowest session numbers with a login hold the slots, in order. */
static diff_slot *slot_for(uint32_t n, bool login)
{
    diff_slot *s = diff.slot;

    if (diff.chosen)
        return s[0].number == n ? &s[0] : s[1].number == n ? &s[1] : NULL;
    for (int i = 0; i < 2; i++)
        if (s[i].side && s[i].number == n)
            return &s[i];
    if (!login)
        return NULL;
    if (!s[0].side || n < s[0].number) {
        slot_clear(&s[1]);
        s[1] = s[0];
        memset(&s[0], 0, sizeof s[0]);
        s[0].number = n;
        return &s[0];
    }
    if (!s[1].side || n < s[1].number) {
        slot_clear(&s[1]);
        s[1].number = n;
        return &s[1];
    }
    return NULL;
}

static void slot_take(diff_slot *s, const isl_xrec *x)
{
    char *outcome = outcome_text(x);
    isl_cmp_side_free(s->side);
    s->side = isl_cmp_side_new(x->sess->number, outcome, x->unfinished ? NULL : x->login->nego);
    s->final = !x->provisional;
    g_free(outcome);
}

static tap_packet_status diff_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
                                     const void *data, tap_flags_t flags _U_)
{
    const isl_xrec *x = data;
    const isl_session *sess = x ? x->sess : NULL;
    stat_tap_table *t = isl_st_table_at(tapdata, 0);
    bool leading, changed = false;
    diff_slot *s, *other;

    if (!sess || !t)
        return TAP_PACKET_DONT_REDRAW;
    leading = (x->kind == ISL_X_DISCOVERY_LOGIN || x->kind == ISL_X_NORMAL_LOGIN) && x->login &&
              (x->login->leading || x->login == sess->leading);
    s = slot_for(sess->number, leading);
    if (!s)
        return TAP_PACKET_DONT_REDRAW;
    other = &diff.slot[s == &diff.slot[0]];
    if (!s->seen) {
        s->seen = changed = true;
        if (diff.chosen && other->number == sess->number)
            other->seen = true;
    }
    /* In one pass an unfinished login sends provisional records until its
     * final one: a provisional record never replaces a final one. */
    if (leading && !(x->provisional && s->final)) {
        slot_take(s, x);
        if (diff.chosen && other->number == sess->number)
            slot_take(other, x);     /* -z iscsi,diff,N,N */
        changed = true;
    }
    if (!changed)
        return TAP_PACKET_DONT_REDRAW;
    diff_rebuild(t);
    return TAP_PACKET_REDRAW;
}

/* Qt, before a retap: the sessions compared are chosen again. */
static void diff_reset(stat_tap_table *t)
{
    diff_forget();
    diff_rebuild(t);
}

static void diff_free_item(stat_tap_table *t, guint row, guint col, stat_tap_table_item_type *it)
{
    bool last = row + 1 == t->num_elements && col + 1 == t->num_fields;
    isl_st_tables_free_item(t, row, col, it);
    if (last)
        diff_forget();
}

static bool parse_session(const char **p, uint32_t *out)
{
    char *end;
    guint64 v;

    if (!g_ascii_isdigit(**p))
        return false;
    v = g_ascii_strtoull(*p, &end, 10);
    if (v == 0 || v > G_MAXUINT32)
        return false;
    *out = (uint32_t)v;
    *p = end;
    return true;
}

/* -z iscsi,diff,A,B[,<display filter>]: anything else is an error. */
static void diff_filter_check(const char *opt_arg, const char **filter, char **err)
{
    const char *p = opt_arg + strlen(DIFF_CLI);
    uint32_t a, b;

    *filter = NULL;
    if (diff.chosen) {
        *err = g_strdup("-z " DIFF_CLI " can be given only once per run");
        return;
    }
    if (strncmp(opt_arg, DIFF_CLI, strlen(DIFF_CLI)) != 0 || *p++ != ',' || !parse_session(&p, &a) ||
        *p++ != ',' || !parse_session(&p, &b) || (*p != '\0' && *p != ',')) {
        *err = g_strdup_printf("invalid -z argument \"%s\": use -z " DIFF_CLI ",A,B or -z " DIFF_CLI
                               ",A,B,<display filter> (A, B: session numbers, as -z iscsi,sessions shows them)",
                               opt_arg);
        return;
    }
    if (*p == ',' && p[1])
        *filter = p + 1;
    diff_forget();
    diff.chosen = true;
    diff.filtered = *filter != NULL;
    diff.slot[0].number = a;
    diff.slot[1].number = b;
}

static stat_tap_table_ui diff_ui = {
    REGISTER_PACKET_STAT_GROUP_UNSORTED,
    "iSCSI Session Comparison",
    "iscsi_login",
    DIFF_CLI,
    diff_init,
    diff_packet,
    diff_reset,
    diff_free_item,
    diff_filter_check,
    DC_N, diff_fields,
    G_N_ELEMENTS(diff_params), diff_params,
    NULL,
    0
};

void iscsi_login_register_diff(void)
{
    register_stat_tap_table_ui(&diff_ui);
}
