/* SPDX-License-Identifier: GPL-2.0-or-later
 * Value syntax of RFC 7143 §6.1: numbers, binaries, names, lists, addresses. */
#ifndef ISL_VALUES_H
#define ISL_VALUES_H

#include <glib.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "checks.h"
#include "keys.h"

typedef enum { ISL_NUM_OK, ISL_NUM_EMPTY, ISL_NUM_BAD, ISL_NUM_OVERFLOW, ISL_NUM_RANGE } isl_num_status;

/* Decimal or 0x/0X hex, < 2^64.  ISL_NUM_RANGE when the text is a~b. */
isl_num_status isl_parse_number(const char *s, uint64_t *out);
/* a~b with a <= b */
bool isl_parse_range(const char *s, uint64_t *lo, uint64_t *hi);

typedef enum { ISL_BIN_OK, ISL_BIN_EMPTY, ISL_BIN_BAD_HEX, ISL_BIN_BAD_BASE64, ISL_BIN_NO_PREFIX } isl_bin_status;
/* 0x hex, 0b base64, or a decimal number (<= 8 bytes).  *len gets the decoded length. */
isl_bin_status isl_parse_binary(const char *s, size_t *len);
/* Decoded bytes, lower-case hex of them, for comparing challenges; NULL if invalid. */
char *isl_binary_canonical(const char *s);

typedef enum { ISL_KEYNAME_OK, ISL_KEYNAME_EMPTY, ISL_KEYNAME_TOO_LONG, ISL_KEYNAME_BAD_CHAR } isl_keyname_status;
isl_keyname_status isl_check_key_name(const char *key, char *bad);

/* First character not allowed in a text-value (or list item when list is set), or 0. */
char isl_text_value_bad_char(const char *v, bool list);

/* iqn.yyyy-mm.reversed.domain[:...], eui.<16 hex>, naa.<16|32 hex> */
bool isl_name_valid(const char *name);

bool isl_is_reserved_constant(const char *v);
/* The reserved constants of RFC 7143 §6.2 / §6.3 (answers only). */
typedef enum { ISL_RC_NONE, ISL_RC_REJECT, ISL_RC_IRRELEVANT, ISL_RC_NOT_UNDERSTOOD } isl_reserved;
isl_reserved isl_reserved_constant(const char *v);
/* A list offer holding one of the reserved constants among its items. */
bool isl_list_has_reserved(const char *list);

/* Yes or No, case-sensitive: false for anything else (*b untouched). */
bool isl_parse_bool(const char *v, bool *b);

/* Comma-separated list helpers. */
bool isl_list_contains(const char *list, const char *item);
/* Index of item in list, -1 if absent. */
int isl_list_index(const char *list, const char *item);

/* host[:port][,tpgt]; host may be [IPv6].  Returns false when malformed. */
bool isl_parse_address(const char *v, char **host, unsigned *port, int *tpgt);

/* v as a value of key d (named key as sent): its length, then the check of
 * d's value type (number range, Yes/No, list items, name, binary, address,
 * range, UTF-8).  A reserved constant passes when answer is set.  Reports
 * every violation into out; false when the value is unusable. */
bool isl_value_check(const isl_key_def *d, const char *key, const char *v, bool answer, isl_findings *out);

#endif
