/* SPDX-License-Identifier: GPL-2.0-or-later
 * Rows and cells of the iscsi_login stat_tap_table_ui tables: rows are
 * reused, never freed while the tables live (see stat-table.c for why). */
#ifndef ISCSI_LOGIN_STAT_TABLE_H
#define ISCSI_LOGIN_STAT_TABLE_H

#include <stdbool.h>
#include <epan/stat_tap_ui.h>

/* A cleared row at index num_elements (a hidden row's array when there is one). */
stat_tap_table_item_type *isl_st_row_append(stat_tap_table *t);
/* The row whose column 0 has user_data key (or text label, when given),
 * inserted in order when missing (*created).  tapdata: the listener's, whose
 * statistic says whether a Qt dialog shows the rows. */
stat_tap_table_item_type *isl_st_row_find_or_insert(const void *tapdata, stat_tap_table *t, guint key, const char *label,
                                                    bool *created);

/* stat_tap_table_ui callbacks: hide the rows; free an item (and, on the last
 * item of a table, its hidden rows). */
void isl_st_tables_reset(stat_tap_table *t);
void isl_st_tables_free_item(stat_tap_table *t, guint row, guint col, stat_tap_table_item_type *it);

stat_tap_table *isl_st_table_find_or_add(stat_tap_table_ui *ui, const char *title);

/* Call first in every stat_tap_init_cb: the column titles for the front end
 * at hand (bare in Qt's dialog, padded to their column's width in tshark). */
void isl_st_titles_for_front_end(stat_tap_table_ui *ui);
/* A number as text formatted like the CLI ("%*.3f" at the column's width),
 * kept in user_data.float_value too (see stat-table.c). */
void isl_st_set_ms(stat_tap_table_item_type *row, unsigned col, const stat_tap_table_item *field, double ms);
/* The i-th table of a tap listener's data (packet_func's tapdata), NULL if none. */
stat_tap_table *isl_st_table_at(const void *tapdata, guint i);

void isl_st_set_uint(stat_tap_table_item_type *row, unsigned col, guint v);
/* The cell owns a copy, made valid UTF-8; NULL is "". */
void isl_st_set_str(stat_tap_table_item_type *row, unsigned col, const char *s);
void isl_st_set_str_take(stat_tap_table_item_type *row, unsigned col, char *s);

#endif
