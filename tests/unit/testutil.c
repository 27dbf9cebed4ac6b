/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "testutil.h"
#include <stdarg.h>
#include <string.h>

/* Filled by the constructors ISL_TEST makes, before main() and so before
 * g_test_init(): the tests are handed to GLib only once it is set up. */
typedef struct {
    const char *path;
    void (*fn)(void);
} registered_test;

static GArray *registered;

void isl_test_register(const char *path, void (*fn)(void))
{
    registered_test t = { path, fn };

    if (!registered)
        registered = g_array_new(FALSE, FALSE, sizeof(registered_test));
    g_array_append_val(registered, t);
}

int main(int argc, char **argv)
{
    int rc;

    g_test_init(&argc, &argv, NULL);
    for (guint i = 0; registered && i < registered->len; i++) {
        const registered_test *t = &g_array_index(registered, registered_test, i);
        g_test_add_func(t->path, t->fn);
    }
    rc = g_test_run();
    if (registered)
        g_array_free(registered, TRUE);
    return rc;
}

static void dump_findings(const isl_findings *f)
{
    g_printerr("findings (%u):\n", isl_findings_total(f));
    for (const isl_finding *n = f->head; n; n = n->next)
        g_printerr("  %s: %s\n", isl_check_get((isl_check)n->check)->abbrev, n->msg);
}

void expect_findings_(const char *file, int line, const isl_findings *f, ...)
{
    unsigned want[ISL_CHK_COUNT] = { 0 }, total = 0;
    va_list ap;
    int id;

    va_start(ap, f);
    while ((id = va_arg(ap, int)) >= 0) {
        int n = va_arg(ap, int);
        g_assert_cmpint(id, <, ISL_CHK_COUNT);
        want[id] += (unsigned)n;
        total += (unsigned)n;
    }
    va_end(ap);

    for (int c = 0; c < ISL_CHK_COUNT; c++) {
        unsigned got = isl_findings_count(f, (isl_check)c);
        if (got != want[c]) {
            char *msg = g_strdup_printf("%s:%d: %s: expected %u, got %u", file, line,
                                        isl_check_get((isl_check)c)->abbrev, want[c], got);
            dump_findings(f);
            g_assertion_message(G_LOG_DOMAIN, file, line, "expect", msg);
            g_free(msg);
        }
    }
    if (isl_findings_total(f) != total) {
        char *msg = g_strdup_printf("%s:%d: expected %u findings, list holds %u", file, line, total, isl_findings_total(f));
        dump_findings(f);
        g_assertion_message(G_LOG_DOMAIN, file, line, "expect", msg);
        g_free(msg);
    }
}

/* ---- negotiation fixture ------------------------------------------------ */

static void text_free_cb(gpointer p) { isl_text_free(p); }

void nfx_init_shared(nfx *x, bool login, bool leading, isl_session_type type, isl_nego_shared *shared)
{
    memset(x, 0, sizeof *x);
    if (shared) {
        x->shared = shared;
    } else {
        x->own.chap_challenges = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        x->own.max_keys = 1024;
        x->shared = &x->own;
    }
    x->n = isl_nego_new(login, leading, type, x->shared);
    x->texts = g_ptr_array_new_with_free_func(text_free_cb);
}

void nfx_init(nfx *x, bool login, bool leading, isl_session_type type)
{
    nfx_init_shared(x, login, leading, type, NULL);
}

void nfx_clear(nfx *x)
{
    isl_nego_free(x->n);
    g_ptr_array_free(x->texts, TRUE);
    if (x->shared == &x->own)
        g_hash_table_destroy(x->own.chap_challenges);
    isl_findings_clear(&x->f);
}

unsigned nfx_feed(nfx *x, isl_side side, isl_stage stage, const uint8_t *data, size_t len)
{
    isl_text *t = isl_text_split(data, len);
    g_ptr_array_add(x->texts, t);
    isl_findings_clear(&x->f);
    x->frame++;
    return isl_nego_text(x->n, side, stage, x->frame, t, &x->f);
}

void nfx_stage_end(nfx *x, isl_stage stage)
{
    isl_findings_clear(&x->f);
    isl_nego_stage_end(x->n, stage, ++x->frame, &x->f);
}

void nfx_finish(nfx *x)
{
    isl_findings_clear(&x->f);
    isl_nego_finish(x->n, ++x->frame, &x->f);
}

void nfx_auth_end(nfx *x, bool failed)
{
    isl_findings_clear(&x->f);
    isl_nego_auth_end(x->n, ++x->frame, failed, &x->f);
}

const char *nfx_result(nfx *x, const char *key)
{
    const isl_kst *k = isl_nego_find(x->n, key);
    return k ? k->result : NULL;
}

/* ---- analyzer bench ------------------------------------------------------ */

void ab_init(abench *b, const isl_limits *lim)
{
    memset(b, 0, sizeof *b);
    b->a = isl_analyzer_new(lim);
    b->ts = 1000000000;   /* 1 s */
}

void ab_clear(abench *b) { isl_analyzer_free(b->a); }

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v; }

isl_pdu *ab_feed(abench *b, const pspec *s)
{
    size_t pad = (s->dlen + 3) & ~(size_t)3;
    size_t hd = s->hdigest ? 4 : 0, total = 48 + hd + pad + s->trailer;
    uint8_t *pdu = g_malloc0(total);
    uint8_t *h = pdu;
    bool request = s->op < 0x20;
    uint32_t ttt = s->ttt_set ? s->ttt : 0xffffffffu;
    char src[32], dst[32];
    isl_pdu_in in;
    isl_pdu *r;

    h[0] = s->op;
    switch (s->op) {
    case ISL_OP_LOGIN_REQ:
    case ISL_OP_LOGIN_RSP:
        if (s->op == ISL_OP_LOGIN_REQ && !s->no_immediate)
            h[0] |= 0x40;
        h[1] = (uint8_t)((s->final ? 0x80 : 0) | (s->cont ? 0x40 : 0) | (s->csg & 3) << 2 | (s->nsg & 3));
        h[2] = s->v1;
        h[3] = s->v2;
        for (int i = 0; i < 6; i++)
            h[8 + i] = (uint8_t)(s->isid >> (40 - 8 * i));
        put16(h + 14, s->tsih);
        if (s->op == ISL_OP_LOGIN_REQ)
            put16(h + 20, s->cid);
        else
            put16(h + 36, s->status);
        break;
    case ISL_OP_TEXT_REQ:
    case ISL_OP_TEXT_RSP:
        h[1] = (uint8_t)((s->final ? 0x80 : 0) | (s->cont ? 0x40 : 0));
        put32(h + 20, ttt);
        break;
    case ISL_OP_LOGOUT_REQ:
        h[0] |= 0x40;
        h[1] = (uint8_t)(0x80 | (s->reason & 0x7f));
        put16(h + 20, s->cid);
        break;
    case ISL_OP_LOGOUT_RSP:
        h[1] = 0x80;
        h[2] = s->response;
        break;
    case ISL_OP_NOP_OUT:
    case ISL_OP_NOP_IN:
        h[1] = 0x80;
        put32(h + 20, ttt);
        break;
    default:
        h[1] = 0x80;
        break;
    }
    h[4] = s->ahs_words;
    h[5] = (uint8_t)(s->dlen >> 16);
    h[6] = (uint8_t)(s->dlen >> 8);
    h[7] = (uint8_t)s->dlen;
    put32(h + 16, s->itt);
    put32(h + 24, s->sn);
    put32(h + 28, s->expsn);
    if (s->dlen)
        memcpy(h + 48 + hd, s->data, s->dlen);

    if (s->same_frame && b->frame) {
        b->index++;
    } else {
        b->frame++;
        b->index = 0;
    }
    b->ts = s->ts ? s->ts : b->ts + 1000000;
    g_snprintf(src, sizeof src, "10.0.0.1:%u", 40000 + s->conn);
    g_snprintf(dst, sizeof dst, "10.0.0.2:3260");
    memset(&in, 0, sizeof in);
    in.frame = b->frame;
    in.pdu_index = b->index;
    in.ts_ns = b->ts;
    in.conn_key = s->conn;
    in.src = request ? src : dst;
    in.dst = request ? dst : src;
    in.pdu = pdu;
    in.reported = (uint32_t)total;
    in.avail = s->captured > 0 ? (uint32_t)(48 + hd + (size_t)s->captured) : in.reported;
    in.conn_start_seen = !s->mid;
    r = isl_analyzer_feed(b->a, &in);
    g_free(pdu);   /* the analyzer copies what it keeps */
    return r;
}

isl_pdu *ab_login(abench *b, uint32_t conn, uint64_t isid, uint16_t tsih_req, uint16_t tsih, uint16_t cid,
                  bool discovery)
{
    isl_pdu *q, *r;

    if (discovery)
        q = FEED(b, .op = ISL_OP_LOGIN_REQ, .final = true, .csg = 1, .nsg = 3, .isid = isid, .tsih = tsih_req,
                 .cid = cid, .itt = 0x100 + conn, .sn = 1, .conn = conn,
                 KV("InitiatorName=" INAME "\0SessionType=Discovery\0"));
    else
        q = FEED(b, .op = ISL_OP_LOGIN_REQ, .final = true, .csg = 1, .nsg = 3, .isid = isid, .tsih = tsih_req,
                 .cid = cid, .itt = 0x100 + conn, .sn = 1, .conn = conn,
                 KV("InitiatorName=" INAME "\0TargetName=" TNAME "\0"));
    g_assert_nonnull(q);
    expect_none(&q->findings);
    r = FEED(b, .op = ISL_OP_LOGIN_RSP, .final = true, .csg = 1, .nsg = 3, .isid = isid, .tsih = tsih,
             .itt = 0x100 + conn, .sn = 0x1000, .expsn = 1, .conn = conn, KV("TargetPortalGroupTag=1\0"));
    g_assert_nonnull(r);
    expect(&r->findings, ISL_CHK_LOGIN_SUMMARY, 1);
    return r;
}
