/* SPDX-License-Identifier: GPL-2.0-or-later
 * libFuzzer harness (a): text splitting, key parsing and one negotiation fed
 * arbitrary key=value text.
 *
 * Input format (all of it is fuzzed; short inputs are fine):
 *   byte 0      bit 0 login (else FFP Text), bit 1 leading, bits 2-3 session
 *               type (0 unknown, 1 discovery, 2+ normal), bits 4-7 key cap
 *               (0: none, else n*4 distinct keys)
 *   then chunks:
 *     byte c    bit 0 side (0 initiator, 1 target), bits 1-2 stage
 *               (0 security, 1 operational, else FFP), bits 3-5 action:
 *               0-3 text, 4 stage end, 5 auth end (failed = bit 6),
 *               6 finish, 7 set session type (bits 6-7)
 *     u16 len     (big endian, text actions only) then len bytes of text,
 *                 clipped to what is left
 *   A chunk's text is split with isl_text_split() and fed to isl_nego_text().
 * Every text stays alive until the negotiation is freed (the negotiation
 * keeps pointers into them, as the analyzer does).  At the end, everything a
 * renderer reads is read back. */
#include <stdint.h>
#include <stddef.h>
#include <string.h>
#include "negotiation.h"
#include "values.h"
#include "fuzz_common.h"

static void per_pair_checks(const isl_text *t)
{
    for (unsigned i = 0; i < t->n_pairs; i++) {
        const char *k = isl_text_key(t, i), *v = isl_text_val(t, i);
        char bad = 0;
        if ((t->pairs[i].key & ISL_KEY_INTERNED) ? !isl_key_lookup(k) : (k < t->buf || k >= t->buf + t->buf_len))
            __builtin_trap();
        (void)isl_check_key_name(k, &bad);
        (void)isl_key_lookup(k);
        (void)isl_key_lookup_nocase(k);
        (void)isl_key_is_extension(k);
        if (v) {
            if (v < t->buf || v >= t->buf + t->buf_len)
                __builtin_trap();
            sink(v);
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    isl_nego_shared shared = { 0 };
    GPtrArray *texts;
    isl_findings f = { 0 };
    isl_nego *n;
    uint8_t cfg;
    size_t off = 1;
    uint32_t frame = 1;

    if (size < 1)
        return 0;
    cfg = data[0];
    shared.chap_challenges = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    shared.max_keys = (cfg >> 4) * 4u;
    texts = g_ptr_array_new_with_free_func((GDestroyNotify)isl_text_free);
    n = isl_nego_new(cfg & 1, (cfg >> 1) & 1, (isl_session_type)(((cfg >> 2) & 3) > 2 ? 2 : (cfg >> 2) & 3), &shared);

    while (off < size) {
        uint8_t c = data[off++];
        isl_side side = (isl_side)(c & 1);
        unsigned st = (c >> 1) & 3;
        isl_stage stage = st == 0 ? ISL_STAGE_SEC : st == 1 ? ISL_STAGE_OP : ISL_STAGE_FFP;
        unsigned action = (c >> 3) & 7;

        frame++;
        if (action < 4) {
            size_t len = 0;
            isl_text *t;
            if (off + 2 <= size) {
                len = (size_t)data[off] << 8 | data[off + 1];
                off += 2;
            } else {
                off = size;
            }
            if (len > size - off)
                len = size - off;
            t = isl_text_split(data + off, len);
            off += len;
            if (t->len != len || t->buf_len > len + 1 || t->buf[t->buf_len] != '\0')
                __builtin_trap();
            per_pair_checks(t);
            g_ptr_array_add(texts, t);
            (void)isl_nego_text(n, side, stage, frame, t, &f);
        } else if (action == 4) {
            isl_nego_stage_end(n, stage, frame, &f);
        } else if (action == 5) {
            isl_nego_auth_end(n, frame, (c >> 6) & 1, &f);
        } else if (action == 6) {
            isl_nego_finish(n, frame, &f);
        } else {
            unsigned ty = c >> 6;
            isl_nego_set_session_type(n, (isl_session_type)(ty > 2 ? 2 : ty));
        }
        read_findings(&f);
        isl_findings_clear(&f);
    }

    read_nego(n);

    isl_nego_free(n);
    g_ptr_array_free(texts, TRUE);
    g_hash_table_destroy(shared.chap_challenges);
    return 0;
}
