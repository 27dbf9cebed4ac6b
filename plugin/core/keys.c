/* SPDX-License-Identifier: GPL-2.0-or-later
 * Key definitions from RFC 7143 §12-§13, RFC 7144 §2, and RFC 3720's marker
 * keys (obsolete, still originated by open-iscsi and libiscsi). */
#include "keys.h"
#include <string.h>

static const char *const digest_values[] = { "CRC32C", "None", NULL };
static const char *const auth_values[] = { "KRB5", "SRP", "CHAP", "None", "SPKM1", "SPKM2", NULL };
static const char *const sessiontype_values[] = { "Discovery", "Normal", NULL };
static const char *const taskreporting_values[] = { "RFC3720", "ResponseFence", "FastAbort", NULL };
static const char *const srp_group_values[] = { "SRP-768", "SRP-1024", "SRP-1280", "SRP-1536",
    "SRP-2048", "MODP-3072", "MODP-4096", "MODP-6144", "MODP-8192", NULL };
static const char *const chap_a_values[] = { "5", "6", "7", "8", NULL };

#define MAXU24 16777215u
#define SW ISL_KF_SESSION_WIDE

static const isl_key_def key_table[] = {
    /* Security stage (§12) */
    { "AuthMethod", "auth_method", ISL_KIND_LIST, ISL_VT_LIST, ISL_BY_IT, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, auth_values, 255, ISL_KF_PARAM, "authentication method" },
    { "CHAP_A", "chap_a", ISL_KIND_LIST, ISL_VT_LIST, ISL_BY_IT, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, chap_a_values, 255, ISL_KF_CHAP, "CHAP algorithm (5 MD5, 6 SHA-1, 7 SHA-256, 8 SHA3-256)" },
    { "CHAP_I", "chap_i", ISL_KIND_AUTH, ISL_VT_NUMBER, ISL_BY_IT, ISL_USE_IO, ISL_STG_SEC,
      0, 255, NULL, NULL, 255, ISL_KF_CHAP, "CHAP identifier" },
    { "CHAP_C", "chap_c", ISL_KIND_AUTH, ISL_VT_BINARY, ISL_BY_IT, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 1024, ISL_KF_CHAP, "CHAP challenge" },
    { "CHAP_N", "chap_n", ISL_KIND_AUTH, ISL_VT_UTF8, ISL_BY_IT, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 255, ISL_KF_CHAP, "CHAP name" },
    { "CHAP_R", "chap_r", ISL_KIND_AUTH, ISL_VT_BINARY, ISL_BY_IT, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 1024, ISL_KF_CHAP, "CHAP response" },
    { "SRP_U", "srp_u", ISL_KIND_AUTH, ISL_VT_TEXT, ISL_BY_I, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 255, ISL_KF_SRP, "SRP user name" },
    { "TargetAuth", "target_auth", ISL_KIND_AUTH, ISL_VT_BOOL, ISL_BY_I, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 255, ISL_KF_SRP, "SRP: initiator asks for target authentication" },
    { "SRP_GROUP", "srp_group", ISL_KIND_AUTH, ISL_VT_LIST, ISL_BY_IT, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, srp_group_values, 255, ISL_KF_SRP, "SRP group" },
    { "SRP_s", "srp_s", ISL_KIND_AUTH, ISL_VT_BINARY, ISL_BY_T, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 1024, ISL_KF_SRP, "SRP salt" },
    { "SRP_A", "srp_a", ISL_KIND_AUTH, ISL_VT_BINARY, ISL_BY_I, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 1024, ISL_KF_SRP, "SRP A" },
    { "SRP_B", "srp_b", ISL_KIND_AUTH, ISL_VT_BINARY, ISL_BY_T, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 1024, ISL_KF_SRP, "SRP B" },
    { "SRP_M", "srp_m", ISL_KIND_AUTH, ISL_VT_BINARY, ISL_BY_I, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 1024, ISL_KF_SRP, "SRP M" },
    { "SRP_HM", "srp_hm", ISL_KIND_AUTH, ISL_VT_BINARY, ISL_BY_T, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 1024, ISL_KF_SRP, "SRP HM" },
    { "KRB_AP_REQ", "krb_ap_req", ISL_KIND_AUTH, ISL_VT_BINARY, ISL_BY_I, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 65536, ISL_KF_KRB, "Kerberos AP-REQ" },
    { "KRB_AP_REP", "krb_ap_rep", ISL_KIND_AUTH, ISL_VT_BINARY, ISL_BY_T, ISL_USE_IO, ISL_STG_SEC,
      0, 0, NULL, NULL, 65536, ISL_KF_KRB, "Kerberos AP-REP" },

    /* Operational and declarative keys (§13, RFC 7144).
     * ISL_KF_IRR_DISCOVERY follows each key's "Irrelevant when:
     * SessionType=Discovery" line in RFC 7143 §13: MaxConnections,
     * InitialR2T, ImmediateData, MaxBurstLength, FirstBurstLength,
     * MaxOutstandingR2T, DataPDUInOrder, DataSequenceInOrder (the same lines
     * as RFC 3720 §12), TaskReporting and iSCSIProtocolLevel.  The digests,
     * MaxRecvDataSegmentLength, DefaultTime2Wait/Retain and
     * ErrorRecoveryLevel (which must be 0 there) have no such line. */
    { "HeaderDigest", "header_digest", ISL_KIND_LIST, ISL_VT_LIST, ISL_BY_IT, ISL_USE_IO, ISL_STG_OP,
      0, 0, "None", digest_values, 255, ISL_KF_PARAM, "header digest (CRC32C or None)" },
    { "DataDigest", "data_digest", ISL_KIND_LIST, ISL_VT_LIST, ISL_BY_IT, ISL_USE_IO, ISL_STG_OP,
      0, 0, "None", digest_values, 255, ISL_KF_PARAM, "data digest (CRC32C or None)" },
    { "MaxConnections", "max_connections", ISL_KIND_NUM_MIN, ISL_VT_NUMBER, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      1, 65535, "1", NULL, 255, SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY, "connections per session" },
    { "SendTargets", "send_targets", ISL_KIND_SPECIAL, ISL_VT_TEXT, ISL_BY_I, ISL_USE_FFPO, ISL_STG_FFP,
      0, 0, NULL, NULL, 255, SW, "discovery request (All, a target name, or empty)" },
    { "TargetName", "target_name", ISL_KIND_DECL, ISL_VT_NAME, ISL_BY_IT, ISL_USE_IO, ISL_STG_LOGIN | ISL_STG_FFP,
      0, 0, NULL, NULL, 223, SW | ISL_KF_IDENTITY | ISL_KF_MAY_REPEAT, "target iSCSI name" },
    { "InitiatorName", "initiator_name", ISL_KIND_DECL, ISL_VT_NAME, ISL_BY_I, ISL_USE_IO, ISL_STG_LOGIN,
      0, 0, NULL, NULL, 223, SW | ISL_KF_IDENTITY, "initiator iSCSI name" },
    { "TargetAlias", "target_alias", ISL_KIND_DECL, ISL_VT_UTF8, ISL_BY_T, ISL_USE_ALL, ISL_STG_LOGIN | ISL_STG_FFP,
      0, 0, NULL, NULL, 255, SW, "target alias" },
    { "InitiatorAlias", "initiator_alias", ISL_KIND_DECL, ISL_VT_UTF8, ISL_BY_I, ISL_USE_ALL, ISL_STG_LOGIN | ISL_STG_FFP,
      0, 0, NULL, NULL, 255, SW, "initiator alias" },
    { "TargetAddress", "target_address", ISL_KIND_DECL, ISL_VT_ADDRESS, ISL_BY_T, ISL_USE_ALL, ISL_STG_LOGIN | ISL_STG_FFP,
      0, 0, NULL, NULL, 255, SW | ISL_KF_MAY_REPEAT, "target address host[:port][,tpgt]" },
    { "TargetPortalGroupTag", "target_portal_group_tag", ISL_KIND_DECL, ISL_VT_NUMBER, ISL_BY_T, ISL_USE_IO, ISL_STG_LOGIN,
      0, 65535, NULL, NULL, 255, SW, "target portal group tag" },
    { "InitialR2T", "initial_r2t", ISL_KIND_BOOL_OR, ISL_VT_BOOL, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      0, 0, "Yes", NULL, 255, SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY, "unsolicited data needs an R2T first" },
    { "ImmediateData", "immediate_data", ISL_KIND_BOOL_AND, ISL_VT_BOOL, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      0, 0, "Yes", NULL, 255, SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY, "data may ride with the command" },
    { "MaxRecvDataSegmentLength", "max_recv_data_segment_length", ISL_KIND_DECL, ISL_VT_NUMBER, ISL_BY_IT, ISL_USE_ALL,
      ISL_STG_OP | ISL_STG_FFP, 512, MAXU24, "8192", NULL, 255, ISL_KF_DIRECTIONAL | ISL_KF_PARAM,
      "largest data segment the declaring side receives" },
    { "MaxBurstLength", "max_burst_length", ISL_KIND_NUM_MIN, ISL_VT_NUMBER, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      512, MAXU24, "262144", NULL, 255, SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY, "largest solicited data sequence" },
    { "FirstBurstLength", "first_burst_length", ISL_KIND_NUM_MIN, ISL_VT_NUMBER, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      512, MAXU24, "65536", NULL, 255, SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY | ISL_KF_IRR_NO_UNSOLICITED,
      "largest unsolicited data" },
    { "DefaultTime2Wait", "default_time2wait", ISL_KIND_NUM_MAX, ISL_VT_NUMBER, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      0, 3600, "2", NULL, 255, SW | ISL_KF_PARAM, "seconds to wait before reconnecting" },
    { "DefaultTime2Retain", "default_time2retain", ISL_KIND_NUM_MIN, ISL_VT_NUMBER, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      0, 3600, "20", NULL, 255, SW | ISL_KF_PARAM, "seconds the target keeps task state" },
    { "MaxOutstandingR2T", "max_outstanding_r2t", ISL_KIND_NUM_MIN, ISL_VT_NUMBER, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      1, 65535, "1", NULL, 255, SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY, "outstanding R2Ts per task" },
    { "DataPDUInOrder", "data_pdu_in_order", ISL_KIND_BOOL_OR, ISL_VT_BOOL, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      0, 0, "Yes", NULL, 255, SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY, "data PDUs in order" },
    { "DataSequenceInOrder", "data_sequence_in_order", ISL_KIND_BOOL_OR, ISL_VT_BOOL, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      0, 0, "Yes", NULL, 255, SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY, "data sequences in order" },
    { "ErrorRecoveryLevel", "error_recovery_level", ISL_KIND_NUM_MIN, ISL_VT_NUMBER, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      0, 2, "0", NULL, 255, SW | ISL_KF_PARAM, "error recovery level" },
    { "SessionType", "session_type", ISL_KIND_DECL, ISL_VT_TEXT, ISL_BY_I, ISL_USE_LO, ISL_STG_LOGIN,
      0, 0, "Normal", sessiontype_values, 255, SW | ISL_KF_IDENTITY, "Discovery or Normal" },
    { "TaskReporting", "task_reporting", ISL_KIND_LIST, ISL_VT_LIST, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      0, 0, "RFC3720", taskreporting_values, 255, SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY | ISL_KF_RFC7144,
      "task reporting (RFC 7143 §13.23)" },
    /* RFC 7143 §13.24 leaves the default to RFC 7144: 1 means RFC 7143. */
    { "iSCSIProtocolLevel", "iscsi_protocol_level", ISL_KIND_NUM_MIN, ISL_VT_NUMBER, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      0, 31, "1", NULL, 255, SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY | ISL_KF_RFC7144, "protocol level" },
    { "X#NodeArchitecture", "x_node_architecture", ISL_KIND_DECL, ISL_VT_UTF8, ISL_BY_IT, ISL_USE_LO, ISL_STG_OP,
      0, 0, NULL, NULL, 255, SW, "node architecture (informational)" },

    /* RFC 3720 markers, removed by RFC 7143 §13 (answer Reject) */
    { "IFMarker", "if_marker", ISL_KIND_BOOL_AND, ISL_VT_BOOL, ISL_BY_IT, ISL_USE_IO, ISL_STG_OP,
      0, 0, "No", NULL, 255, ISL_KF_OBSOLETE, "obsolete: markers to the target" },
    { "OFMarker", "of_marker", ISL_KIND_BOOL_AND, ISL_VT_BOOL, ISL_BY_IT, ISL_USE_IO, ISL_STG_OP,
      0, 0, "No", NULL, 255, ISL_KF_OBSOLETE, "obsolete: markers to the initiator" },
    { "IFMarkInt", "if_mark_int", ISL_KIND_RANGE, ISL_VT_RANGE, ISL_BY_IT, ISL_USE_IO, ISL_STG_OP,
      1, 65535, "2048", NULL, 255, ISL_KF_OBSOLETE, "obsolete: marker interval" },
    { "OFMarkInt", "of_mark_int", ISL_KIND_RANGE, ISL_VT_RANGE, ISL_BY_IT, ISL_USE_IO, ISL_STG_OP,
      1, 65535, "2048", NULL, 255, ISL_KF_OBSOLETE, "obsolete: marker interval" },
};

#define N_KEYS (sizeof key_table / sizeof key_table[0])

const isl_key_def *isl_key_lookup(const char *name)
{
    /* Linear: 45 rows, called once per key=value pair of login/text PDUs only. */
    for (unsigned i = 0; i < N_KEYS; i++)
        if (strcmp(key_table[i].name, name) == 0)
            return &key_table[i];
    return NULL;
}

const isl_key_def *isl_key_lookup_nocase(const char *name)
{
    for (unsigned i = 0; i < N_KEYS; i++)
        if (g_ascii_strcasecmp(key_table[i].name, name) == 0)
            return &key_table[i];
    return NULL;
}

unsigned isl_key_count(void) { return N_KEYS; }
const isl_key_def *isl_key_at(unsigned i) { return i < N_KEYS ? &key_table[i] : NULL; }
unsigned isl_key_index(const isl_key_def *def) { return (unsigned)(def - key_table); }

const char *isl_kind_name(isl_kind k)
{
    static const char *const names[] = { "list", "numeric minimum", "numeric maximum", "boolean AND",
        "boolean OR", "declarative", "authentication", "range (obsolete)", "special" };
    return (unsigned)k < G_N_ELEMENTS(names) ? names[k] : "?";
}

bool isl_key_is_extension(const char *name)
{
    return name[0] == 'X' && (name[1] == '-' || name[1] == '#');
}
