/* SPDX-License-Identifier: GPL-2.0-or-later
 * The RFC 7143 / 7144 key table: one row per key with everything the RFC
 * says about it (who sends it, when, how it is negotiated, range, default). */
#ifndef ISL_KEYS_H
#define ISL_KEYS_H

#include <glib.h>
#include <stdint.h>
#include <stdbool.h>

typedef enum {
    ISL_KIND_LIST,       /* acceptor picks one value of the offer list */
    ISL_KIND_NUM_MIN,    /* result = min(offer, answer) */
    ISL_KIND_NUM_MAX,    /* result = max(offer, answer) */
    ISL_KIND_BOOL_AND,
    ISL_KIND_BOOL_OR,
    ISL_KIND_DECL,       /* declarative: no answer expected */
    ISL_KIND_AUTH,       /* auth-method data, driven by the CHAP/SRP/KRB5 exchange */
    ISL_KIND_RANGE,      /* obsolete RFC 3720 *MarkInt: offer a~b, answer one value */
    ISL_KIND_SPECIAL     /* SendTargets */
} isl_kind;

typedef enum {
    ISL_VT_TEXT,         /* text-value */
    ISL_VT_UTF8,         /* aliases: any UTF-8 without NUL */
    ISL_VT_NAME,         /* iSCSI name */
    ISL_VT_NUMBER,
    ISL_VT_BOOL,
    ISL_VT_LIST,         /* list-of-values */
    ISL_VT_BINARY,       /* hex/base64 binary, or a decimal for small values */
    ISL_VT_ADDRESS,      /* host[:port][,tpgt] */
    ISL_VT_RANGE
} isl_vtype;

/* Who may send the key. */
#define ISL_BY_I 0x1
#define ISL_BY_T 0x2
#define ISL_BY_IT (ISL_BY_I | ISL_BY_T)

/* When the key may be exchanged (RFC "Use"). */
typedef enum { ISL_USE_LO, ISL_USE_IO, ISL_USE_ALL, ISL_USE_FFPO } isl_use;

/* Stage bits: login stages by CSG, plus full feature phase (Text). */
#define ISL_STG_SEC 0x1
#define ISL_STG_OP  0x2
#define ISL_STG_FFP 0x4
#define ISL_STG_LOGIN (ISL_STG_SEC | ISL_STG_OP)

/* Flags */
#define ISL_KF_SESSION_WIDE     0x0001  /* scope SW (else CO) */
#define ISL_KF_OBSOLETE         0x0002  /* removed by RFC 7143 (markers) */
#define ISL_KF_MAY_REPEAT       0x0004  /* may appear several times (TargetAddress) */
#define ISL_KF_IRR_DISCOVERY    0x0008  /* RFC 7143 §13 "Irrelevant when: SessionType=Discovery" */
#define ISL_KF_DIRECTIONAL      0x0010  /* each side declares its own value (MRDSL) */
#define ISL_KF_RFC7144          0x0020
#define ISL_KF_PARAM            0x0040  /* shown as a negotiated parameter field */
#define ISL_KF_IDENTITY         0x0080  /* InitiatorName, TargetName, SessionType */
#define ISL_KF_CHAP             0x0100
#define ISL_KF_SRP              0x0200
#define ISL_KF_KRB              0x0400
/* RFC 7143 §13.14 "Irrelevant when: ( InitialR2T=Yes and ImmediateData=No )":
 * no unsolicited data at all, so no first burst (FirstBurstLength). */
#define ISL_KF_IRR_NO_UNSOLICITED 0x0800

typedef struct {
    const char *name;          /* as spelled in RFC 7143 */
    const char *field;         /* snake_case for iscsi_login.param.<field> */
    isl_kind kind;
    isl_vtype vtype;
    uint8_t senders;           /* ISL_BY_* */
    isl_use use;
    uint8_t stages;            /* ISL_STG_* */
    uint64_t min, max;         /* numeric range (ISL_VT_NUMBER / RANGE) */
    const char *def;           /* default value, NULL if none */
    const char *const *values; /* known list values (NULL-terminated), NULL if open */
    uint32_t max_len;          /* value length limit in bytes (decoded for binaries) */
    uint32_t flags;            /* ISL_KF_* */
    const char *desc;          /* one line for the reference doc */
} isl_key_def;

const isl_key_def *isl_key_lookup(const char *name);
/* Case-insensitive lookup, to tell "maxburstlength" from an unknown key. */
const isl_key_def *isl_key_lookup_nocase(const char *name);
unsigned isl_key_count(void);
const isl_key_def *isl_key_at(unsigned i);
unsigned isl_key_index(const isl_key_def *def);

const char *isl_kind_name(isl_kind k);

/* True for X- and X# extension keys. */
bool isl_key_is_extension(const char *name);

#endif
