/* SPDX-License-Identifier: GPL-2.0-or-later
 * Rows and cells of the stat_tap_table_ui tables (stats.c, diff.c): one
 * place for the row-lifetime rules the Qt dialog needs.
 *
 * Qt's SimpleStatisticsDialog keeps a pointer to each row's item array, and
 * every open dialog of one statistic shares the same tables: a second dialog
 * resets them while the first still points at the rows.  So rows are never
 * freed while the tables live.  A reset only hides them (num_elements = 0);
 * the arrays stay in elements[], which this file always keeps NULL-terminated
 * behind the last allocated row, and are reused.  Strings are owned by their
 * item and freed when the item is overwritten or the tables are freed; Qt
 * copies them on every draw, so it never holds one. */

#include "compat.h"
#include <epan/packet.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>

#include "stat-table.h"
#include <math.h>
#include <stdio.h>

/* Empties an item's value; its user_data (a row's sort key) stays. */
static void item_clear(stat_tap_table_item_type *it)
{
    if (it->type == TABLE_ITEM_STRING)
        g_free((char *)it->value.string_value);
    it->type = TABLE_ITEM_NONE;
    memset(&it->value, 0, sizeof it->value);
}

static void row_clear(stat_tap_table *t, stat_tap_table_item_type *row)
{
    for (guint c = 0; c < t->num_fields; c++)
        item_clear(&row[c]);
    memset(row, 0, t->num_fields * sizeof *row);
}

/* A cleared row at index num_elements. */
stat_tap_table_item_type *isl_st_row_append(stat_tap_table *t)
{
    guint i = t->num_elements;
    stat_tap_table_item_type *row;

    if (!t->elements || !t->elements[i]) {
        t->elements = g_realloc(t->elements, (i + 2) * sizeof *t->elements);
        t->elements[i] = g_new0(stat_tap_table_item_type, t->num_fields);
        t->elements[i + 1] = NULL;
    }
    t->num_elements = i + 1;
    row = t->elements[i];
    row_clear(t, row);
    return row;
}

/* A cleared row at index pos; the rows from pos on move down by one.  Under
 * a Qt dialog the contents move, not the arrays, so that every Qt item keeps
 * showing the row at its own index.  Elsewhere (tshark, sharkd: they read
 * the rows by index when they print) the row pointers move: a login storm
 * has thousands of initiator -> target rows, and copying every later row's
 * items on each new one was most of the plugin's cost there. */
static stat_tap_table_item_type *row_insert(stat_tap_table *t, guint pos, bool shown)
{
    size_t size = t->num_fields * sizeof(stat_tap_table_item_type);
    stat_tap_table_item_type *row;
    guint last;

    isl_st_row_append(t);
    last = t->num_elements - 1;
    if (!shown) {
        row = t->elements[last];
        memmove(&t->elements[pos + 1], &t->elements[pos], (last - pos) * sizeof *t->elements);
        t->elements[pos] = row;
        return row;                      /* cleared by isl_st_row_append */
    }
    for (guint i = last; i > pos; i--)
        memcpy(t->elements[i], t->elements[i - 1], size);
    memset(t->elements[pos], 0, size);   /* its strings moved to pos + 1 */
    return t->elements[pos];
}

void isl_st_tables_reset(stat_tap_table *t)
{
    t->num_elements = 0;
}

/* Called by free_stat_tables() (Qt, when the last dialog of the statistic
 * closes) for every item of every visible row, right before it frees the
 * rows and the table: the last call of a table also frees the hidden rows
 * behind them.  A table freed while it shows no row gets no call, and its
 * hidden rows (a few hundred bytes each) stay allocated. */
void isl_st_tables_free_item(stat_tap_table *t, guint row, guint col, stat_tap_table_item_type *it)
{
    item_clear(it);
    if (row + 1 == t->num_elements && col + 1 == t->num_fields) {
        for (guint i = t->num_elements; t->elements[i]; i++) {
            row_clear(t, t->elements[i]);
            g_free(t->elements[i]);
            t->elements[i] = NULL;
        }
    }
}

void isl_st_set_uint(stat_tap_table_item_type *row, unsigned col, guint v)
{
    row[col].type = TABLE_ITEM_UINT;
    row[col].value.uint_value = v;
}

void isl_st_set_str(stat_tap_table_item_type *row, unsigned col, const char *s)
{
    if (!s)
        s = "";
    if (row[col].type == TABLE_ITEM_STRING && !g_strcmp0(row[col].value.string_value, s))
        return;
    item_clear(&row[col]);
    row[col].type = TABLE_ITEM_STRING;
    /* names come from the wire: table cells must be UTF-8 (Qt, tshark) */
    row[col].value.string_value = g_utf8_validate(s, -1, NULL) ? g_strdup(s) : g_utf8_make_valid(s, -1);
}

void isl_st_set_str_take(stat_tap_table_item_type *row, unsigned col, char *s)
{
    isl_st_set_str(row, col, s);
    g_free(s);
}

/* Rows are kept sorted by column 0's user_data key (kind, status code,
 * session number) or, when label is given, by column 0's text.  Binary
 * search, so that a capture with many sessions stays fast. */
stat_tap_table_item_type *isl_st_row_find_or_insert(const void *tapdata, stat_tap_table *t, guint key, const char *label,
                                                    bool *created)
{
    const stat_data_t *sd = tapdata;
    guint lo = 0, hi = t->num_elements;
    stat_tap_table_item_type *row;

    while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        const stat_tap_table_item_type *m = t->elements[mid];
        int cmp = label ? strcmp(m[0].value.string_value, label)
                        : (m[0].user_data.uint_value < key ? -1 : m[0].user_data.uint_value > key);
        if (cmp == 0) {
            *created = false;
            return t->elements[mid];
        }
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *created = true;
    row = row_insert(t, lo, sd->stat_tap_data->refcount > 0);
    row[0].user_data.uint_value = key;
    return row;
}

stat_tap_table *isl_st_table_find_or_add(stat_tap_table_ui *ui, const char *title)
{
    stat_tap_table *t = stat_tap_find_table(ui, title);
    if (!t) {
        t = stat_tap_init_table(title, (int)ui->nfields, 0, NULL);
        stat_tap_add_table(ui, t);
    }
    return t;
}

stat_tap_table *isl_st_table_at(const void *tapdata, guint i)
{
    const stat_data_t *sd = tapdata;
    GArray *tables = sd->stat_tap_data->tables;
    return tables && i < tables->len ? g_array_index(tables, stat_tap_table *, i) : NULL;
}

static int format_width(const char *format)
{
    const char *p = format ? strchr(format, '%') : NULL;
    int w = 0;

    if (!p)
        return 0;
    for (p++; *p == '-' || *p == '+' || *p == ' ' || *p == '0' || *p == '#'; p++)
        ;
    /* by hand: asked for every time cell of every login */
    for (; g_ascii_isdigit(*p) && w < 1000; p++)
        w = w * 10 + (*p - '0');
    return w;
}

/* Column titles.  tshark prints every title followed by " |", then every
 * cell with its column's field_format: a title as wide as that format keeps
 * the columns under their titles.  Qt's SimpleStatisticsDialog sizes every
 * column to the wider of its title and its cells (resizeColumnToContents,
 * 4.0 to 4.6), so there the same padding only widens columns and pushes
 * them out of the dialog, which opens about 590 pixels wide.  So the tables
 * hold bare titles and a front end without a dialog gets them padded, on
 * the side the column aligns to.  Qt's dialog counts itself in refcount
 * before it reads the titles; tshark and sharkd never touch it. */
void isl_st_titles_for_front_end(stat_tap_table_ui *ui)
{
    if (ui->refcount != 0)
        return;
    for (size_t i = 0; i < ui->nfields; i++) {
        stat_tap_table_item *f = &ui->fields[i];
        int w = format_width(f->field_format);
        /* without the room some titles keep for Qt's sort indicator */
        char *bare = g_strstrip(g_strdup(f->column_name));
        char *cli = f->align == TAP_ALIGN_RIGHT ? g_strdup_printf("%*s", w, bare) : g_strdup_printf("%-*s", w, bare);

        g_free(bare);
        if (!strcmp(cli, f->column_name))
            g_free(cli);
        else
            f->column_name = cli;   /* once per process, kept until exit */
    }
}

/* "%*.3f" of ms, without printf's exact float formatting, which cost more
 * than the rest of the login table together (four cells per row, three rows
 * per login).  ms * 1000 is within a few ulps of the exact product, so the
 * rounding is the same as printf's unless that product lies next to a tie;
 * there, and for values out of range, printf decides. */
static size_t format_ms(char *buf, size_t size, int width, double ms)
{
    double scaled = ms * 1000.0;
    char digits[32];
    size_t n = 0, len;

    if (!(scaled >= 0 && scaled < 1e15) || fabs(scaled - floor(scaled) - 0.5) <= 1e-9 + scaled * 1e-15)
        return (size_t)snprintf(buf, size, "%*.3f", width, ms);
    uint64_t v = (uint64_t)llround(scaled);
    for (int i = 0; i < 3; i++, v /= 10)
        digits[n++] = (char)('0' + v % 10);
    digits[n++] = '.';
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    len = (size_t)width > n ? (size_t)width : n;
    if (len + 1 > size)
        return (size_t)snprintf(buf, size, "%*.3f", width, ms);
    memset(buf, ' ', len - n);
    for (size_t i = 0; i < n; i++)
        buf[len - 1 - i] = digits[i];
    buf[len] = '\0';
    return len;
}

/* Qt shows a TABLE_ITEM_FLOAT with six decimals, whatever the format; the
 * CLI prints the format.  So times are text, three decimals like the CLI,
 * padded to the column's width: Qt sorts text columns by strcmp, and a
 * leading space sorts before every digit, so the sort stays numeric (a
 * wider number starts with a digit and sorts after).  The padding costs no
 * width in Qt, where the title is as wide.  The number itself stays in
 * user_data.float_value for the sums.  A cell whose text keeps its length
 * (the common case: totals and averages change on every login) is
 * rewritten in place. */
void isl_st_set_ms(stat_tap_table_item_type *row, unsigned col, const stat_tap_table_item *field, double ms)
{
    char buf[64];
    size_t len = format_ms(buf, sizeof buf, format_width(field->field_format), ms);
    stat_tap_table_item_type *it = &row[col];

    if (len < sizeof buf && it->type == TABLE_ITEM_STRING && it->value.string_value &&
        strlen(it->value.string_value) == len)
        memcpy((char *)it->value.string_value, buf, len);
    else if (len < sizeof buf)
        isl_st_set_str(row, col, buf);
    else
        isl_st_set_str_take(row, col, g_strdup_printf("%*.3f", format_width(field->field_format), ms));
    it->user_data.float_value = ms;
}
