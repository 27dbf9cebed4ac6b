/* SPDX-License-Identifier: GPL-2.0-or-later
 * libFuzzer harness (b): the analyzer fed a stream of iSCSI PDUs cut from the
 * input, as the epan glue feeds it on the first pass; then every record is
 * read back as the renderer does on later passes (use-after-free and
 * dangling-pointer detector), and the analyzer is freed (leaks).
 *
 * Input format:
 *   byte 0      limits: 0 = analyzer defaults, else small caps so that the
 *               state limits are reached (sessions 1+(b&3), text bytes
 *               64<<((b>>2)&3), keys 2+((b>>4)&3)*4, PDUs 4+(b>>6)*16)
 *   then chunks (see gen-corpus.py, which writes captures in this format):
 *     byte c      bits 0-2 connection key, bit 3 connection start seen,
 *                 bit 4 same frame as the previous PDU, bit 5 keep the
 *                 BHS DataSegmentLength as given (else set it to the data
 *                 length), bit 6 captured short (avail < reported),
 *                 bit 7 digest room (reported += 4)
 *     byte op     BHS byte 0 (opcode, I bit)
 *     byte flags  BHS byte 1
 *     u16 len     big endian: bytes of BHS[2..47] + AHS + data that follow,
 *                 clipped to what is left
 *     len bytes   BHS bytes 2..47 (zero-filled when short), then the rest. */
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "analyzer.h"
#include "fuzz_common.h"

static void render_session(const isl_session *s)
{
    if (!s)
        return;
    sink(s->initiator_name);
    sink(s->target_name);
    volatile uint8_t b = s->isid[5];
    (void)b;
}

/* Everything packet-iscsi-login.c's render_pdu() and the statistics tap read. */
static void render(const isl_pdu *r)
{
    render_session(r->session);
    sink(isl_pdu_initiator(r));
    sink(isl_pdu_target(r));
    if (r->login) {
        const isl_login *l = r->login;
        render_session(l->session);
        for (unsigned i = 0; i < l->n_stages; i++)
            sink(isl_stage_name(l->stages[i]));
        sink(isl_outcome_name(l->outcome));
        sink(isl_status_class_name(l->status));
        sink(isl_status_detail_name(l->status));
        sink(l->redirect);
        for (unsigned i = 0; i < isl_login_kv_count(l); i++) {
            isl_kv kv = isl_login_kv_at(l, i);
            sink(kv.key);
            sink(kv.value);
        }
        read_nego(l->nego);
    }
    if (r->textx) {
        const isl_textx *x = r->textx;
        render_session(x->session);
        sink(x->st_value);
        for (guint i = 0; i < x->targets->len; i++) {
            const isl_target_rec *t = g_ptr_array_index(x->targets, i);
            sink(t->name);
            for (guint j = 0; j < t->addresses->len; j++)
                sink(g_ptr_array_index(t->addresses, j));
        }
        read_nego(x->nego);
    }
    if (r->logout) {
        volatile unsigned v = r->logout->reason + r->logout->response;
        (void)v;
        render_session(r->logout->session);
    }
    /* A record's findings: every one names a check, and has a message or
     * gets one written from the record, as the renderer does. */
    for (const isl_finding *f = r->findings.head; f; f = f->next) {
        char *text = isl_finding_text(r, f);
        if (f->check >= ISL_CHK_COUNT || !text || !*text)
            __builtin_trap();
        sink(text);
        g_free(text);
    }
    for (unsigned i = 0; i < r->n_xrecs; i++) {
        const isl_xrec *x = &r->xrecs[i];
        sink(isl_xkind_name(x->kind));
        sink(isl_xrec_initiator(x));
        sink(isl_xrec_target(x));
        render_session(x->sess);
        if (x->login)
            read_nego(x->login->nego);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    isl_limits lim;
    isl_analyzer *a;
    GPtrArray *recs;
    size_t off = 1;
    uint32_t frame = 0;
    int64_t ts = 1000000000;
    unsigned index = 0;
    uint8_t *pdu;

    if (size < 1)
        return 0;
    if (data[0]) {
        isl_limits_default(&lim);
        lim.max_sessions = 1 + (data[0] & 3);
        lim.max_text_bytes = 64u << ((data[0] >> 2) & 3);
        lim.max_keys = 2 + ((data[0] >> 4) & 3) * 4;
        lim.max_pdus = 4 + (data[0] >> 6) * 16;
        a = isl_analyzer_new(&lim);
    } else {
        a = isl_analyzer_new(NULL);
    }
    recs = g_ptr_array_new();

    while (off + 5 <= size) {
        uint8_t c = data[off], op = data[off + 1], fl = data[off + 2];
        size_t len = (size_t)data[off + 3] << 8 | data[off + 4];
        size_t total;
        char src[32], dst[32];
        isl_pdu_in in;
        isl_pdu *r;
        unsigned conn = c & 7;
        bool from_i = (op & 0x3f) < 0x20;

        off += 5;
        if (len > size - off)
            len = size - off;
        total = 48 + (len > 46 ? len - 46 : 0);
        /* A fresh heap copy of exactly the PDU, so that ASan catches any read
         * past what was captured. */
        pdu = g_malloc0(total);
        pdu[0] = op;
        pdu[1] = fl;
        memcpy(pdu + 2, data + off, len < 46 ? len : 46);
        if (len > 46)
            memcpy(pdu + 48, data + off + 46, len - 46);
        off += len;
        if (!(c & 0x20)) {
            size_t hdr = 48 + (size_t)pdu[4] * 4;
            uint32_t dl = total > hdr ? (uint32_t)(total - hdr) : 0;
            pdu[5] = (uint8_t)(dl >> 16);
            pdu[6] = (uint8_t)(dl >> 8);
            pdu[7] = (uint8_t)dl;
        }
        if (!(c & 0x10) || frame == 0) {
            frame++;
            index = 0;
            ts += 1000000;
        } else {
            index++;
        }
        snprintf(src, sizeof src, "10.0.0.%u:%u", from_i ? 1 : 2, from_i ? 40000 + conn : 3260);
        snprintf(dst, sizeof dst, "10.0.0.%u:%u", from_i ? 2 : 1, from_i ? 3260 : 40000 + conn);
        memset(&in, 0, sizeof in);
        in.frame = frame;
        in.pdu_index = index;
        in.ts_ns = ts;
        in.conn_key = conn;
        in.src = src;
        in.dst = dst;
        in.reported = (uint32_t)total + ((c & 0x80) ? 4 : 0);
        in.avail = (c & 0x40) && total > 48 ? 48 + (uint32_t)(total - 48) / 2 : (uint32_t)total;
        if (in.avail < total) {
            /* Exactly the captured bytes: ASan catches any read past them. */
            uint8_t *cut = g_memdup2(pdu, in.avail);
            g_free(pdu);
            pdu = cut;
        }
        in.pdu = pdu;
        in.conn_start_seen = (c & 8) != 0;
        r = isl_analyzer_feed(a, &in);
        /* The glue's tvb memory is gone after the frame: so is ours. */
        g_free(pdu);
        if (r) {
            render(r);
            g_ptr_array_add(recs, r);
        }
    }
    /* Second pass: every stored record again, after all later PDUs. */
    for (guint i = 0; i < recs->len; i++)
        render(g_ptr_array_index(recs, i));
    for (unsigned i = 0; i < isl_analyzer_session_count(a); i++)
        render_session(isl_analyzer_session(a, i));
    g_ptr_array_free(recs, TRUE);
    isl_analyzer_free(a);
    return 0;
}
