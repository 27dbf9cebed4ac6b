/* SPDX-License-Identifier: GPL-2.0-or-later
 * Helpers shared by the unit tests of the RFC core: exact findings
 * assertions, a negotiation fixture and a PDU builder for the analyzer. */
#ifndef ISL_TESTUTIL_H
#define ISL_TESTUTIL_H

#include <glib.h>
#include "analyzer.h"
#include "checks.h"
#include "keys.h"
#include "negotiation.h"
#include "text.h"
#include "values.h"

/* ISL_TEST("/suite/name", fn) { body } defines the test fn and registers it
 * under that path; the one main() (testutil.c) runs every registered test.
 * The path stands next to its test, so no program keeps a list of its tests
 * beside them.  tests/unit/CMakeLists.txt reads the paths from these lines. */
void isl_test_register(const char *path, void (*fn)(void));
#define ISL_TEST(path, fn) \
    static void fn(void); \
    __attribute__((constructor)) static void fn##_register(void) { isl_test_register((path), fn); } \
    static void fn(void)

/* A key=value text literal with explicit NULs: its bytes and its length
 * (every byte of the literal, without the compiler's trailing NUL). */
#define TXT(s) (const uint8_t *)(s), (sizeof(s) - 1)
/* The same for the pspec initialiser below. */
#define KV(s) .data = (s), .dlen = (sizeof(s) - 1)

/* Assert that f holds exactly the listed findings: pairs of (check id,
 * count), nothing else.  On mismatch every finding is printed. */
void expect_findings_(const char *file, int line, const isl_findings *f, ...);
#define expect(f, ...) expect_findings_(__FILE__, __LINE__, (f), __VA_ARGS__, -1)
#define expect_none(f) expect_findings_(__FILE__, __LINE__, (f), -1)

/* ---- negotiation fixture ------------------------------------------------ */

typedef struct {
    isl_nego_shared own;
    isl_nego_shared *shared; /* own, or another fixture's (CHAP challenge memory) */
    isl_nego *n;
    GPtrArray *texts;      /* kept alive: the negotiation points into them */
    isl_findings f;        /* findings of the last call only */
    uint32_t frame;        /* frame of the last isl_nego_text call */
} nfx;

void nfx_init(nfx *x, bool login, bool leading, isl_session_type type);
/* Same, sharing another fixture's per-analysis memory (x must outlive it). */
void nfx_init_shared(nfx *x, bool login, bool leading, isl_session_type type, isl_nego_shared *shared);
void nfx_clear(nfx *x);
/* Feed one text set in the next frame; f gets only this call's findings. */
unsigned nfx_feed(nfx *x, isl_side side, isl_stage stage, const uint8_t *data, size_t len);
void nfx_stage_end(nfx *x, isl_stage stage);
void nfx_finish(nfx *x);
void nfx_auth_end(nfx *x, bool failed);
/* Result of a key (NULL when unset) */
const char *nfx_result(nfx *x, const char *key);

/* ---- analyzer bench ------------------------------------------------------ */

#define ISID1 0x400001370000ull   /* type 01 (IANA enterprise number) */
#define ISID2 0x400001370001ull
#define INAME "iqn.2026-11.test.unit:init1"
#define TNAME "iqn.2026-11.test.unit:disk1"

typedef struct {
    uint8_t op;              /* ISL_OP_* */
    bool final;              /* T (Login), F (Text) */
    bool cont;               /* C */
    bool no_immediate;       /* Login Request without the I bit */
    uint8_t csg, nsg;
    uint8_t v1, v2;          /* request: Version-max/min; response: Version-max/active */
    uint64_t isid;           /* 48 bits */
    uint16_t tsih, cid;
    uint32_t itt, ttt;
    bool ttt_set;            /* Text/NOP: else TTT 0xffffffff */
    uint32_t sn, expsn;      /* request: CmdSN/ExpStatSN; response: StatSN/ExpCmdSN */
    uint16_t status;         /* Login Response Status-Class << 8 | Status-Detail */
    uint8_t reason;          /* Logout Request */
    uint8_t response;        /* Logout Response */
    uint8_t ahs_words;       /* TotalAHSLength (no AHS bytes are added) */
    const char *data;
    size_t dlen;
    uint32_t conn;           /* TCP stream index */
    int64_t ts;              /* absolute ns; 0: 1 ms after the previous PDU */
    int32_t captured;        /* >0: only this many data bytes captured */
    bool hdigest;            /* 4 header digest bytes after the BHS */
    uint32_t trailer;        /* bytes after data and padding (e.g. a data digest) */
    bool mid;                /* the TCP connection's start is not in the capture */
    bool same_frame;         /* in the frame of the previous PDU (next index) */
} pspec;

typedef struct {
    isl_analyzer *a;
    uint32_t frame, index;
    int64_t ts;
} abench;

void ab_init(abench *b, const isl_limits *lim);
void ab_clear(abench *b);
/* Build the PDU (BHS + data + padding) and feed it in the next frame. */
isl_pdu *ab_feed(abench *b, const pspec *s);
#define FEED(b, ...) ab_feed((b), &(pspec){ __VA_ARGS__ })

/* A clean one-exchange login (CSG 1 -> FFP) on conn; leading when tsih_req
 * is 0.  Returns the final Login Response record (asserts its findings are
 * exactly one login.summary and the request's are none). */
isl_pdu *ab_login(abench *b, uint32_t conn, uint64_t isid, uint16_t tsih_req, uint16_t tsih, uint16_t cid,
                  bool discovery);

#endif
