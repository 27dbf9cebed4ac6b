/* SPDX-License-Identifier: GPL-2.0-or-later
 * Key definitions from RFC 7143 §12-§13, RFC 7144 §2, and RFC 3720's marker
 * keys (obsolete, still originated by open-iscsi and libiscsi). */
#include "keys.h"
#include <string.h>

static const char *const digest_values[] = { "CRC32C", "None", NULL };
static const char *const auth_values[] = { "KRB5", "SRP", "CHAP", "None", "SPKM1", "SPKM2", NULL };
static const char *const sessiontype_values[] = { "Discovery", "Normal", NULL };
static const char *const taskreporting_values[] = { "RFC3720", "ResponseFence", "FastAbort", NULL };
/* RFC 7143 §13.23: an offer lists both; only FastAbort is optional. */
static const char *const taskreporting_must_offer[] = { "RFC3720", "ResponseFence", NULL };
static const char *const srp_group_values[] = { "SRP-768", "SRP-1024", "SRP-1280", "SRP-1536",
    "SRP-2048", "MODP-3072", "MODP-4096", "MODP-6144", "MODP-8192", NULL };
/* The same algorithms as chap_algs[] below, in its order (a unit test checks). */
static const char *const chap_a_values[] = { "5", "6", "7", "8", NULL };

#define MAXU24 16777215u
#define SW ISL_KF_SESSION_WIDE

const isl_key_def isl_key_table_[ISL_KEY_COUNT] = {
    /* Security stage (§12) */
    [ISL_KEY_AUTH_METHOD] = {
        .id = ISL_KEY_AUTH_METHOD, .name = "AuthMethod", .field = "auth_method",
        .kind = ISL_KIND_LIST, .vtype = ISL_VT_LIST, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .values = auth_values,
        .max_len = 255, .flags = ISL_KF_PARAM,
        .desc = "authentication method" },
    [ISL_KEY_CHAP_A] = {
        .id = ISL_KEY_CHAP_A, .name = "CHAP_A", .field = "chap_a",
        .kind = ISL_KIND_LIST, .vtype = ISL_VT_LIST, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .values = chap_a_values,
        .max_len = 255, .flags = ISL_KF_CHAP,
        .desc = "CHAP algorithm (5 MD5, 6 SHA-1, 7 SHA-256, 8 SHA3-256)" },
    [ISL_KEY_CHAP_I] = {
        .id = ISL_KEY_CHAP_I, .name = "CHAP_I", .field = "chap_i",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .min = 0, .max = 255,
        .max_len = 255, .flags = ISL_KF_CHAP | ISL_KF_AUTH_SYNTAX,
        .desc = "CHAP identifier" },
    [ISL_KEY_CHAP_C] = {
        .id = ISL_KEY_CHAP_C, .name = "CHAP_C", .field = "chap_c",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_BINARY, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 1024, .flags = ISL_KF_CHAP,
        .desc = "CHAP challenge" },
    [ISL_KEY_CHAP_N] = {
        .id = ISL_KEY_CHAP_N, .name = "CHAP_N", .field = "chap_n",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_UTF8, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 255, .flags = ISL_KF_CHAP,
        .desc = "CHAP name" },
    [ISL_KEY_CHAP_R] = {
        .id = ISL_KEY_CHAP_R, .name = "CHAP_R", .field = "chap_r",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_BINARY, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 1024, .flags = ISL_KF_CHAP,
        .desc = "CHAP response" },
    [ISL_KEY_SRP_U] = {
        .id = ISL_KEY_SRP_U, .name = "SRP_U", .field = "srp_u",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_TEXT, .senders = ISL_BY_I, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 255, .flags = ISL_KF_SRP,
        .desc = "SRP user name" },
    [ISL_KEY_TARGET_AUTH] = {
        .id = ISL_KEY_TARGET_AUTH, .name = "TargetAuth", .field = "target_auth",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_BOOL, .senders = ISL_BY_I, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 255, .flags = ISL_KF_SRP,
        .desc = "SRP: initiator asks for target authentication" },
    [ISL_KEY_SRP_GROUP] = {
        .id = ISL_KEY_SRP_GROUP, .name = "SRP_GROUP", .field = "srp_group",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_LIST, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .values = srp_group_values,
        .max_len = 255, .flags = ISL_KF_SRP,
        .desc = "SRP group" },
    [ISL_KEY_SRP_S] = {
        .id = ISL_KEY_SRP_S, .name = "SRP_s", .field = "srp_s",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_BINARY, .senders = ISL_BY_T, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 1024, .flags = ISL_KF_SRP,
        .desc = "SRP salt" },
    [ISL_KEY_SRP_A] = {
        .id = ISL_KEY_SRP_A, .name = "SRP_A", .field = "srp_a",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_BINARY, .senders = ISL_BY_I, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 1024, .flags = ISL_KF_SRP,
        .desc = "SRP A" },
    [ISL_KEY_SRP_B] = {
        .id = ISL_KEY_SRP_B, .name = "SRP_B", .field = "srp_b",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_BINARY, .senders = ISL_BY_T, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 1024, .flags = ISL_KF_SRP,
        .desc = "SRP B" },
    [ISL_KEY_SRP_M] = {
        .id = ISL_KEY_SRP_M, .name = "SRP_M", .field = "srp_m",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_BINARY, .senders = ISL_BY_I, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 1024, .flags = ISL_KF_SRP,
        .desc = "SRP M" },
    [ISL_KEY_SRP_HM] = {
        .id = ISL_KEY_SRP_HM, .name = "SRP_HM", .field = "srp_hm",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_BINARY, .senders = ISL_BY_T, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 1024, .flags = ISL_KF_SRP,
        .desc = "SRP HM" },
    [ISL_KEY_KRB_AP_REQ] = {
        .id = ISL_KEY_KRB_AP_REQ, .name = "KRB_AP_REQ", .field = "krb_ap_req",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_BINARY, .senders = ISL_BY_I, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 65536, .flags = ISL_KF_KRB,
        .desc = "Kerberos AP-REQ" },
    [ISL_KEY_KRB_AP_REP] = {
        .id = ISL_KEY_KRB_AP_REP, .name = "KRB_AP_REP", .field = "krb_ap_rep",
        .kind = ISL_KIND_AUTH, .vtype = ISL_VT_BINARY, .senders = ISL_BY_T, .use = ISL_USE_IO,
        .stages = ISL_STG_SEC,
        .max_len = 65536, .flags = ISL_KF_KRB,
        .desc = "Kerberos AP-REP" },

    /* Operational and declarative keys (§13, RFC 7144).
     * ISL_KF_IRR_DISCOVERY follows each key's "Irrelevant when:
     * SessionType=Discovery" line in RFC 7143 §13: MaxConnections,
     * InitialR2T, ImmediateData, MaxBurstLength, FirstBurstLength,
     * MaxOutstandingR2T, DataPDUInOrder, DataSequenceInOrder (the same lines
     * as RFC 3720 §12), TaskReporting and iSCSIProtocolLevel.  The digests,
     * MaxRecvDataSegmentLength, DefaultTime2Wait/Retain and
     * ErrorRecoveryLevel (which must be 0 there) have no such line. */
    [ISL_KEY_HEADER_DIGEST] = {
        .id = ISL_KEY_HEADER_DIGEST, .name = "HeaderDigest", .field = "header_digest",
        .kind = ISL_KIND_LIST, .vtype = ISL_VT_LIST, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_OP,
        .def = "None", .values = digest_values,
        .max_len = 255, .flags = ISL_KF_PARAM,
        .desc = "header digest (CRC32C or None)" },
    [ISL_KEY_DATA_DIGEST] = {
        .id = ISL_KEY_DATA_DIGEST, .name = "DataDigest", .field = "data_digest",
        .kind = ISL_KIND_LIST, .vtype = ISL_VT_LIST, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_OP,
        .def = "None", .values = digest_values,
        .max_len = 255, .flags = ISL_KF_PARAM,
        .desc = "data digest (CRC32C or None)" },
    [ISL_KEY_MAX_CONNECTIONS] = {
        .id = ISL_KEY_MAX_CONNECTIONS, .name = "MaxConnections", .field = "max_connections",
        .kind = ISL_KIND_NUM_MIN, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .min = 1, .max = 65535, .def = "1",
        .max_len = 255, .flags = SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY,
        .desc = "connections per session" },
    [ISL_KEY_SEND_TARGETS] = {
        .id = ISL_KEY_SEND_TARGETS, .name = "SendTargets", .field = "send_targets",
        .kind = ISL_KIND_SPECIAL, .vtype = ISL_VT_TEXT, .senders = ISL_BY_I, .use = ISL_USE_FFPO,
        .stages = ISL_STG_FFP,
        .max_len = 255, .flags = SW,
        .desc = "discovery request (All, a target name, or empty)" },
    [ISL_KEY_TARGET_NAME] = {
        .id = ISL_KEY_TARGET_NAME, .name = "TargetName", .field = "target_name",
        .kind = ISL_KIND_DECL, .vtype = ISL_VT_NAME, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_LOGIN | ISL_STG_FFP,
        /* the target names targets only in SendTargets responses (Text) */
        .login_senders = ISL_BY_I,
        .max_len = 223, .flags = SW | ISL_KF_IDENTITY | ISL_KF_MAY_REPEAT,
        .desc = "target iSCSI name" },
    [ISL_KEY_INITIATOR_NAME] = {
        .id = ISL_KEY_INITIATOR_NAME, .name = "InitiatorName", .field = "initiator_name",
        .kind = ISL_KIND_DECL, .vtype = ISL_VT_NAME, .senders = ISL_BY_I, .use = ISL_USE_IO,
        .stages = ISL_STG_LOGIN,
        .max_len = 223, .flags = SW | ISL_KF_IDENTITY,
        .desc = "initiator iSCSI name" },
    [ISL_KEY_TARGET_ALIAS] = {
        .id = ISL_KEY_TARGET_ALIAS, .name = "TargetAlias", .field = "target_alias",
        .kind = ISL_KIND_DECL, .vtype = ISL_VT_UTF8, .senders = ISL_BY_T, .use = ISL_USE_ALL,
        .stages = ISL_STG_LOGIN | ISL_STG_FFP,
        .max_len = 255, .flags = SW,
        .desc = "target alias" },
    [ISL_KEY_INITIATOR_ALIAS] = {
        .id = ISL_KEY_INITIATOR_ALIAS, .name = "InitiatorAlias", .field = "initiator_alias",
        .kind = ISL_KIND_DECL, .vtype = ISL_VT_UTF8, .senders = ISL_BY_I, .use = ISL_USE_ALL,
        .stages = ISL_STG_LOGIN | ISL_STG_FFP,
        .max_len = 255, .flags = SW,
        .desc = "initiator alias" },
    [ISL_KEY_TARGET_ADDRESS] = {
        .id = ISL_KEY_TARGET_ADDRESS, .name = "TargetAddress", .field = "target_address",
        .kind = ISL_KIND_DECL, .vtype = ISL_VT_ADDRESS, .senders = ISL_BY_T, .use = ISL_USE_ALL,
        .stages = ISL_STG_LOGIN | ISL_STG_FFP,
        .max_len = 255, .flags = SW | ISL_KF_MAY_REPEAT,
        .desc = "target address host[:port][,tpgt]" },
    [ISL_KEY_TARGET_PORTAL_GROUP_TAG] = {
        .id = ISL_KEY_TARGET_PORTAL_GROUP_TAG, .name = "TargetPortalGroupTag", .field = "target_portal_group_tag",
        .kind = ISL_KIND_DECL, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_T, .use = ISL_USE_IO,
        .stages = ISL_STG_LOGIN,
        .min = 0, .max = 65535,
        .max_len = 255, .flags = SW,
        .desc = "target portal group tag" },
    [ISL_KEY_INITIAL_R2T] = {
        .id = ISL_KEY_INITIAL_R2T, .name = "InitialR2T", .field = "initial_r2t",
        .kind = ISL_KIND_BOOL_OR, .vtype = ISL_VT_BOOL, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .def = "Yes",
        .max_len = 255, .flags = SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY,
        .desc = "unsolicited data needs an R2T first" },
    [ISL_KEY_IMMEDIATE_DATA] = {
        .id = ISL_KEY_IMMEDIATE_DATA, .name = "ImmediateData", .field = "immediate_data",
        .kind = ISL_KIND_BOOL_AND, .vtype = ISL_VT_BOOL, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .def = "Yes",
        .max_len = 255, .flags = SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY,
        .desc = "data may ride with the command" },
    [ISL_KEY_MAX_RECV_DATA_SEGMENT_LENGTH] = {
        .id = ISL_KEY_MAX_RECV_DATA_SEGMENT_LENGTH, .name = "MaxRecvDataSegmentLength", .field = "max_recv_data_segment_length",
        .kind = ISL_KIND_DECL, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_IT, .use = ISL_USE_ALL,
        .stages = ISL_STG_OP | ISL_STG_FFP,
        .min = 512, .max = MAXU24, .def = "8192",
        .max_len = 255, .flags = ISL_KF_DIRECTIONAL | ISL_KF_PARAM,
        .desc = "largest data segment the declaring side receives" },
    [ISL_KEY_MAX_BURST_LENGTH] = {
        .id = ISL_KEY_MAX_BURST_LENGTH, .name = "MaxBurstLength", .field = "max_burst_length",
        .kind = ISL_KIND_NUM_MIN, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .min = 512, .max = MAXU24, .def = "262144",
        .max_len = 255, .flags = SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY,
        .desc = "largest solicited data sequence" },
    [ISL_KEY_FIRST_BURST_LENGTH] = {
        .id = ISL_KEY_FIRST_BURST_LENGTH, .name = "FirstBurstLength", .field = "first_burst_length",
        .kind = ISL_KIND_NUM_MIN, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .min = 512, .max = MAXU24, .def = "65536",
        .max_len = 255, .flags = SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY | ISL_KF_IRR_NO_UNSOLICITED,
        .desc = "largest unsolicited data" },
    [ISL_KEY_DEFAULT_TIME2WAIT] = {
        .id = ISL_KEY_DEFAULT_TIME2WAIT, .name = "DefaultTime2Wait", .field = "default_time2wait",
        .kind = ISL_KIND_NUM_MAX, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .min = 0, .max = 3600, .def = "2",
        .max_len = 255, .flags = SW | ISL_KF_PARAM,
        .desc = "seconds to wait before reconnecting" },
    [ISL_KEY_DEFAULT_TIME2RETAIN] = {
        .id = ISL_KEY_DEFAULT_TIME2RETAIN, .name = "DefaultTime2Retain", .field = "default_time2retain",
        .kind = ISL_KIND_NUM_MIN, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .min = 0, .max = 3600, .def = "20",
        .max_len = 255, .flags = SW | ISL_KF_PARAM,
        .desc = "seconds the target keeps task state" },
    [ISL_KEY_MAX_OUTSTANDING_R2T] = {
        .id = ISL_KEY_MAX_OUTSTANDING_R2T, .name = "MaxOutstandingR2T", .field = "max_outstanding_r2t",
        .kind = ISL_KIND_NUM_MIN, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .min = 1, .max = 65535, .def = "1",
        .max_len = 255, .flags = SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY,
        .desc = "outstanding R2Ts per task" },
    [ISL_KEY_DATA_PDU_IN_ORDER] = {
        .id = ISL_KEY_DATA_PDU_IN_ORDER, .name = "DataPDUInOrder", .field = "data_pdu_in_order",
        .kind = ISL_KIND_BOOL_OR, .vtype = ISL_VT_BOOL, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .def = "Yes",
        .max_len = 255, .flags = SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY,
        .desc = "data PDUs in order" },
    [ISL_KEY_DATA_SEQUENCE_IN_ORDER] = {
        .id = ISL_KEY_DATA_SEQUENCE_IN_ORDER, .name = "DataSequenceInOrder", .field = "data_sequence_in_order",
        .kind = ISL_KIND_BOOL_OR, .vtype = ISL_VT_BOOL, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .def = "Yes",
        .max_len = 255, .flags = SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY,
        .desc = "data sequences in order" },
    [ISL_KEY_ERROR_RECOVERY_LEVEL] = {
        .id = ISL_KEY_ERROR_RECOVERY_LEVEL, .name = "ErrorRecoveryLevel", .field = "error_recovery_level",
        .kind = ISL_KIND_NUM_MIN, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .min = 0, .max = 2, .def = "0",
        .max_len = 255, .flags = SW | ISL_KF_PARAM,
        .desc = "error recovery level" },
    [ISL_KEY_SESSION_TYPE] = {
        .id = ISL_KEY_SESSION_TYPE, .name = "SessionType", .field = "session_type",
        .kind = ISL_KIND_DECL, .vtype = ISL_VT_TEXT, .senders = ISL_BY_I, .use = ISL_USE_LO,
        .stages = ISL_STG_LOGIN,
        .def = "Normal", .values = sessiontype_values,
        .max_len = 255, .flags = SW | ISL_KF_IDENTITY | ISL_KF_EVERY_LOGIN | ISL_KF_CLOSED_VALUES,
        .closed_check = ISL_CHK_LOGIN_SESSIONTYPE_VALUE,
        .desc = "Discovery or Normal" },
    [ISL_KEY_TASK_REPORTING] = {
        .id = ISL_KEY_TASK_REPORTING, .name = "TaskReporting", .field = "task_reporting",
        .kind = ISL_KIND_LIST, .vtype = ISL_VT_LIST, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .def = "RFC3720", .values = taskreporting_values,
        .max_len = 255, .flags = SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY | ISL_KF_RFC7144,
        .must_offer = taskreporting_must_offer, .must_offer_check = ISL_CHK_NEG_TASKREPORTING_OFFER,
        .desc = "task reporting (RFC 7143 §13.23)" },
    /* RFC 7143 §13.24 leaves the default to RFC 7144: 1 means RFC 7143. */
    [ISL_KEY_ISCSI_PROTOCOL_LEVEL] = {
        .id = ISL_KEY_ISCSI_PROTOCOL_LEVEL, .name = "iSCSIProtocolLevel", .field = "iscsi_protocol_level",
        .kind = ISL_KIND_NUM_MIN, .vtype = ISL_VT_NUMBER, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .min = 0, .max = 31, .def = "1",
        .max_len = 255, .flags = SW | ISL_KF_PARAM | ISL_KF_IRR_DISCOVERY | ISL_KF_RFC7144,
        .desc = "protocol level" },
    [ISL_KEY_X_NODE_ARCHITECTURE] = {
        .id = ISL_KEY_X_NODE_ARCHITECTURE, .name = "X#NodeArchitecture", .field = "x_node_architecture",
        .kind = ISL_KIND_DECL, .vtype = ISL_VT_UTF8, .senders = ISL_BY_IT, .use = ISL_USE_LO,
        .stages = ISL_STG_OP,
        .max_len = 255, .flags = SW,
        .desc = "node architecture (informational)" },

    /* RFC 3720 markers, removed by RFC 7143 §13 (answer Reject) */
    [ISL_KEY_IF_MARKER] = {
        .id = ISL_KEY_IF_MARKER, .name = "IFMarker", .field = "if_marker",
        .kind = ISL_KIND_BOOL_AND, .vtype = ISL_VT_BOOL, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_OP,
        .def = "No",
        .max_len = 255, .flags = ISL_KF_OBSOLETE,
        .desc = "obsolete: markers to the target" },
    [ISL_KEY_OF_MARKER] = {
        .id = ISL_KEY_OF_MARKER, .name = "OFMarker", .field = "of_marker",
        .kind = ISL_KIND_BOOL_AND, .vtype = ISL_VT_BOOL, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_OP,
        .def = "No",
        .max_len = 255, .flags = ISL_KF_OBSOLETE,
        .desc = "obsolete: markers to the initiator" },
    [ISL_KEY_IF_MARK_INT] = {
        .id = ISL_KEY_IF_MARK_INT, .name = "IFMarkInt", .field = "if_mark_int",
        .kind = ISL_KIND_RANGE, .vtype = ISL_VT_RANGE, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_OP,
        .min = 1, .max = 65535, .def = "2048",
        .max_len = 255, .flags = ISL_KF_OBSOLETE,
        .desc = "obsolete: marker interval" },
    [ISL_KEY_OF_MARK_INT] = {
        .id = ISL_KEY_OF_MARK_INT, .name = "OFMarkInt", .field = "of_mark_int",
        .kind = ISL_KIND_RANGE, .vtype = ISL_VT_RANGE, .senders = ISL_BY_IT, .use = ISL_USE_IO,
        .stages = ISL_STG_OP,
        .min = 1, .max = 65535, .def = "2048",
        .max_len = 255, .flags = ISL_KF_OBSOLETE,
        .desc = "obsolete: marker interval" },
};

#define N_KEYS (sizeof isl_key_table_ / sizeof isl_key_table_[0])
G_STATIC_ASSERT(N_KEYS == ISL_KEY_COUNT);

/* Called for every key=value item, so in login storms the linear strcmp over
 * the table was the top self cost of the whole run.  The name's length and
 * one byte that tells apart the keys of that length pick the only candidate
 * row; one memcmp confirms it.  A key added to the table needs its case here:
 * test_values.c resolves every row's name through this function. */
const isl_key_def *isl_key_lookup(const char *name)
{
    return isl_key_lookup_len(name, strlen(name));
}

const isl_key_def *isl_key_lookup_len(const char *name, size_t len)
{
    isl_key_id id;

#define K(ch, key) case ch: id = key; break
    switch (len) {
    case 5:
        switch (name[4]) {
        K('U', ISL_KEY_SRP_U); K('s', ISL_KEY_SRP_S); K('A', ISL_KEY_SRP_A);
        K('B', ISL_KEY_SRP_B); K('M', ISL_KEY_SRP_M);
        default: return NULL;
        }
        break;
    case 6:
        switch (name[5]) {
        K('A', ISL_KEY_CHAP_A); K('I', ISL_KEY_CHAP_I); K('C', ISL_KEY_CHAP_C);
        K('N', ISL_KEY_CHAP_N); K('R', ISL_KEY_CHAP_R); K('M', ISL_KEY_SRP_HM);
        default: return NULL;
        }
        break;
    case 8:
        switch (name[0]) {
        K('I', ISL_KEY_IF_MARKER); K('O', ISL_KEY_OF_MARKER);
        default: return NULL;
        }
        break;
    case 9:
        switch (name[0]) {
        K('S', ISL_KEY_SRP_GROUP); K('I', ISL_KEY_IF_MARK_INT); K('O', ISL_KEY_OF_MARK_INT);
        default: return NULL;
        }
        break;
    case 10:
        switch (name[9]) {
        K('d', ISL_KEY_AUTH_METHOD); K('h', ISL_KEY_TARGET_AUTH); K('Q', ISL_KEY_KRB_AP_REQ);
        K('P', ISL_KEY_KRB_AP_REP); K('t', ISL_KEY_DATA_DIGEST); K('e', ISL_KEY_TARGET_NAME);
        K('T', ISL_KEY_INITIAL_R2T);
        default: return NULL;
        }
        break;
    case 11:
        switch (name[2]) {
        K('n', ISL_KEY_SEND_TARGETS); K('r', ISL_KEY_TARGET_ALIAS); K('s', ISL_KEY_SESSION_TYPE);
        default: return NULL;
        }
        break;
    case 12:
        id = ISL_KEY_HEADER_DIGEST;
        break;
    case 13:
        switch (name[2]) {
        K('i', ISL_KEY_INITIATOR_NAME); K('r', ISL_KEY_TARGET_ADDRESS); K('m', ISL_KEY_IMMEDIATE_DATA);
        K('s', ISL_KEY_TASK_REPORTING);
        default: return NULL;
        }
        break;
    case 14:
        switch (name[3]) {
        K('C', ISL_KEY_MAX_CONNECTIONS); K('t', ISL_KEY_INITIATOR_ALIAS); K('B', ISL_KEY_MAX_BURST_LENGTH);
        K('a', ISL_KEY_DATA_PDU_IN_ORDER);
        default: return NULL;
        }
        break;
    case 16:
        switch (name[0]) {
        K('F', ISL_KEY_FIRST_BURST_LENGTH); K('D', ISL_KEY_DEFAULT_TIME2WAIT);
        default: return NULL;
        }
        break;
    case 17:
        id = ISL_KEY_MAX_OUTSTANDING_R2T;
        break;
    case 18:
        switch (name[0]) {
        K('D', ISL_KEY_DEFAULT_TIME2RETAIN); K('E', ISL_KEY_ERROR_RECOVERY_LEVEL);
        K('i', ISL_KEY_ISCSI_PROTOCOL_LEVEL); K('X', ISL_KEY_X_NODE_ARCHITECTURE);
        default: return NULL;
        }
        break;
    case 19:
        id = ISL_KEY_DATA_SEQUENCE_IN_ORDER;
        break;
    case 20:
        id = ISL_KEY_TARGET_PORTAL_GROUP_TAG;
        break;
    case 24:
        id = ISL_KEY_MAX_RECV_DATA_SEGMENT_LENGTH;
        break;
    default:
        return NULL;
    }
#undef K
    return memcmp(isl_key_table_[id].name, name, len) == 0 && isl_key_table_[id].name[len] == '\0' ? &isl_key_table_[id] : NULL;
}

const isl_key_def *isl_key_lookup_nocase(const char *name)
{
    for (unsigned i = 0; i < N_KEYS; i++)
        if (g_ascii_strcasecmp(isl_key_table_[i].name, name) == 0)
            return &isl_key_table_[i];
    return NULL;
}

const isl_key_def *isl_key_by_id(isl_key_id id)
{
    return (unsigned)id < N_KEYS ? &isl_key_table_[id] : NULL;
}

uint8_t isl_key_senders(const isl_key_def *def, bool login)
{
    return login && def->login_senders ? def->login_senders : def->senders;
}

unsigned isl_key_count(void) { return N_KEYS; }
const isl_key_def *isl_key_at(unsigned i) { return i < N_KEYS ? &isl_key_table_[i] : NULL; }
unsigned isl_key_index(const isl_key_def *def) { return (unsigned)(def - isl_key_table_); }

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

/* The same methods as auth_values[] above, in its order (a unit test checks).
 * SRP and KRB5 items are long: RFC 7143 §6.1 raises the security stage's
 * text a receiver must accept to 64 KiB for them. */
static const isl_auth_method_def auth_methods[] = {
    { "KRB5", ISL_KF_KRB, 65536 },
    { "SRP", ISL_KF_SRP, 65536 },
    { "CHAP", ISL_KF_CHAP, 8192 },
    { "None", 0, 8192 },
    { "SPKM1", 0, 8192 },
    { "SPKM2", 0, 8192 },
};

const isl_auth_method_def *isl_auth_method_lookup(const char *name)
{
    if (!name)
        return NULL;
    for (unsigned i = 0; i < G_N_ELEMENTS(auth_methods); i++)
        if (strcmp(auth_methods[i].name, name) == 0)
            return &auth_methods[i];
    return NULL;
}

bool isl_auth_method_is(const char *method, uint32_t key_flag)
{
    const isl_auth_method_def *m = isl_auth_method_lookup(method);
    return m && m->key_flag == key_flag;
}

/* RFC 7143 §12.1.3 makes MD5 mandatory to offer; 6-8 are the IANA PPP
 * authentication-algorithm numbers of SHA-1, SHA-256 and SHA3-256 (not in 7143). */
static const isl_chap_alg chap_algs[] = {
    { "5", "MD5", 16, true },
    { "6", "SHA-1", 20, false },
    { "7", "SHA-256", 32, false },
    { "8", "SHA3-256", 32, false },
};

const isl_chap_alg *isl_chap_alg_lookup(const char *value)
{
    if (!value)
        return NULL;
    for (unsigned i = 0; i < G_N_ELEMENTS(chap_algs); i++)
        if (strcmp(chap_algs[i].value, value) == 0)
            return &chap_algs[i];
    return NULL;
}

unsigned isl_chap_alg_count(void) { return G_N_ELEMENTS(chap_algs); }
const isl_chap_alg *isl_chap_alg_at(unsigned i) { return i < G_N_ELEMENTS(chap_algs) ? &chap_algs[i] : NULL; }
