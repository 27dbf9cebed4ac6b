/* SPDX-License-Identifier: GPL-2.0-or-later
 * The RFC 7143 / 7144 key table: one row per key with everything the RFC
 * says about it (who sends it, when, how it is negotiated, range, default). */
#ifndef ISL_KEYS_H
#define ISL_KEYS_H

#include <glib.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include "checks.h"

/* One id per row of the key table, in table order (isl_key_at(id) is the
 * key): code refers to a key by id, never by spelling its name again. */
typedef enum {
    ISL_KEY_AUTH_METHOD, /* AuthMethod */
    ISL_KEY_CHAP_A, /* CHAP_A */
    ISL_KEY_CHAP_I, /* CHAP_I */
    ISL_KEY_CHAP_C, /* CHAP_C */
    ISL_KEY_CHAP_N, /* CHAP_N */
    ISL_KEY_CHAP_R, /* CHAP_R */
    ISL_KEY_SRP_U, /* SRP_U */
    ISL_KEY_TARGET_AUTH, /* TargetAuth */
    ISL_KEY_SRP_GROUP, /* SRP_GROUP */
    ISL_KEY_SRP_S, /* SRP_s */
    ISL_KEY_SRP_A, /* SRP_A */
    ISL_KEY_SRP_B, /* SRP_B */
    ISL_KEY_SRP_M, /* SRP_M */
    ISL_KEY_SRP_HM, /* SRP_HM */
    ISL_KEY_KRB_AP_REQ, /* KRB_AP_REQ */
    ISL_KEY_KRB_AP_REP, /* KRB_AP_REP */
    ISL_KEY_HEADER_DIGEST, /* HeaderDigest */
    ISL_KEY_DATA_DIGEST, /* DataDigest */
    ISL_KEY_MAX_CONNECTIONS, /* MaxConnections */
    ISL_KEY_SEND_TARGETS, /* SendTargets */
    ISL_KEY_TARGET_NAME, /* TargetName */
    ISL_KEY_INITIATOR_NAME, /* InitiatorName */
    ISL_KEY_TARGET_ALIAS, /* TargetAlias */
    ISL_KEY_INITIATOR_ALIAS, /* InitiatorAlias */
    ISL_KEY_TARGET_ADDRESS, /* TargetAddress */
    ISL_KEY_TARGET_PORTAL_GROUP_TAG, /* TargetPortalGroupTag */
    ISL_KEY_INITIAL_R2T, /* InitialR2T */
    ISL_KEY_IMMEDIATE_DATA, /* ImmediateData */
    ISL_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, /* MaxRecvDataSegmentLength */
    ISL_KEY_MAX_BURST_LENGTH, /* MaxBurstLength */
    ISL_KEY_FIRST_BURST_LENGTH, /* FirstBurstLength */
    ISL_KEY_DEFAULT_TIME2WAIT, /* DefaultTime2Wait */
    ISL_KEY_DEFAULT_TIME2RETAIN, /* DefaultTime2Retain */
    ISL_KEY_MAX_OUTSTANDING_R2T, /* MaxOutstandingR2T */
    ISL_KEY_DATA_PDU_IN_ORDER, /* DataPDUInOrder */
    ISL_KEY_DATA_SEQUENCE_IN_ORDER, /* DataSequenceInOrder */
    ISL_KEY_ERROR_RECOVERY_LEVEL, /* ErrorRecoveryLevel */
    ISL_KEY_SESSION_TYPE, /* SessionType */
    ISL_KEY_TASK_REPORTING, /* TaskReporting */
    ISL_KEY_ISCSI_PROTOCOL_LEVEL, /* iSCSIProtocolLevel */
    ISL_KEY_X_NODE_ARCHITECTURE, /* X#NodeArchitecture */
    ISL_KEY_IF_MARKER, /* IFMarker */
    ISL_KEY_OF_MARKER, /* OFMarker */
    ISL_KEY_IF_MARK_INT, /* IFMarkInt */
    ISL_KEY_OF_MARK_INT, /* OFMarkInt */
    ISL_KEY_COUNT
} isl_key_id;

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
/* Leading-only, yet sent in every login: RFC 7143 §13.21 SessionType
 * defines the session each connection joins or starts. */
#define ISL_KF_EVERY_LOGIN      0x1000
/* The value syntax is checked by the authentication exchange (CHAP_I:
 * chap.i_range), not by the generic value-type checker. */
#define ISL_KF_AUTH_SYNTAX      0x2000
/* Only the .values are defined: any other is .closed_check (SessionType). */
#define ISL_KF_CLOSED_VALUES    0x4000

typedef struct {
    isl_key_id id;
    const char *name;          /* as spelled in RFC 7143 */
    const char *field;         /* snake_case for iscsi_login.param.<field> */
    isl_kind kind;
    isl_vtype vtype;
    uint8_t senders;           /* ISL_BY_* */
    uint8_t login_senders;     /* ISL_BY_* during a login when narrower than senders, else 0 */
    isl_use use;
    uint8_t stages;            /* ISL_STG_* */
    uint64_t min, max;         /* numeric range (ISL_VT_NUMBER / RANGE) */
    const char *def;           /* default value, NULL if none */
    const char *const *values; /* known list values (NULL-terminated), NULL if open */
    uint32_t max_len;          /* value length limit in bytes (decoded for binaries) */
    uint32_t flags;            /* ISL_KF_* */
    const char *const *must_offer; /* values every offer must hold (NULL-terminated), NULL if none */
    isl_check must_offer_check;    /* reported when one is missing (with must_offer) */
    isl_check closed_check;        /* a value outside .values (with ISL_KF_CLOSED_VALUES) */
    const char *desc;          /* one line for the reference doc */
} isl_key_def;

const isl_key_def *isl_key_lookup(const char *name);
/* The same for the len bytes at name (no NUL needed). */
const isl_key_def *isl_key_lookup_len(const char *name, size_t len);
const isl_key_def *isl_key_by_id(isl_key_id id);
/* The table itself, for the inline name of an interned key (text.h); other
 * code goes through the functions above. */
extern const isl_key_def isl_key_table_[ISL_KEY_COUNT];
/* Who may send the key in a login (login) or a Text sequence: ISL_BY_* */
uint8_t isl_key_senders(const isl_key_def *def, bool login);
/* Case-insensitive lookup, to tell "maxburstlength" from an unknown key. */
const isl_key_def *isl_key_lookup_nocase(const char *name);
unsigned isl_key_count(void);
const isl_key_def *isl_key_at(unsigned i);
unsigned isl_key_index(const isl_key_def *def);

const char *isl_kind_name(isl_kind k);

/* True for X- and X# extension keys. */
bool isl_key_is_extension(const char *name);

/* AuthMethod values (RFC 7143 §12): which keys belong to the method and how
 * much security-stage text a receiver must accept (§6.1). */
typedef struct {
    const char *name;          /* the AuthMethod value */
    uint32_t key_flag;         /* ISL_KF_CHAP / _SRP / _KRB of its keys, 0 if none */
    uint32_t text_limit;       /* key=value bytes per sender in the security stage */
} isl_auth_method_def;
/* NULL for unknown methods and NULL. */
const isl_auth_method_def *isl_auth_method_lookup(const char *name);
/* True when method (an AuthMethod value, may be NULL) is the one whose keys carry key_flag. */
bool isl_auth_method_is(const char *method, uint32_t key_flag);

/* CHAP_A values (RFC 7143 §12.1.3, IANA PPP authentication algorithms). */
typedef struct {
    const char *value;         /* as sent in CHAP_A */
    const char *name;          /* "MD5" */
    size_t digest_len;         /* CHAP_R length in bytes */
    bool mandatory;            /* initiators must offer it */
} isl_chap_alg;
/* NULL for unknown algorithms and NULL. */
const isl_chap_alg *isl_chap_alg_lookup(const char *value);
unsigned isl_chap_alg_count(void);
const isl_chap_alg *isl_chap_alg_at(unsigned i);

#endif
