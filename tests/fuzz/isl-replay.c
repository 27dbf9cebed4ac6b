/* SPDX-License-Identifier: GPL-2.0-or-later
 *
 * isl-replay: in-process capture replay and capture fuzzing for the
 * iscsi_login plugin, in the manner of Wireshark's fuzzshark but over whole
 * capture files, the way tshark reads them.
 *
 * tshark needs about half a second just to start (epan_init registers every
 * dissector), so a fuzzing round of 100,000 mutated captures read twice is
 * out of reach with one tshark per run.  This driver initialises epan once,
 * loading plugins as tshark does (so the plugin comes from
 * WIRESHARK_PLUGIN_DIR; run it as an unprivileged user), and then for each
 * input:
 *
 *   - opens a fresh epan session (epan_new, as tshark's cf_open does per
 *     file: init routines run, file-scope memory is new);
 *   - takes all records of a capture (read with wiretap), copies each
 *     packet into an exactly-sized heap block (so that an overread by one
 *     byte is an AddressSanitizer report, not a read of buffer slack), and
 *     optionally mutates them as `editcap -s N` and `editcap -E p [-o off]`
 *     do (same mutation kinds and weights as editcap.c);
 *   - writes the mutated capture to --out before dissecting it, so that a
 *     crash leaves its input behind (with --out.txt naming the input);
 *   - registers the `-z iscsi,login` (and `iscsi,sessions`) stat_tap_table_ui
 *     tables as tap listeners (stat_tap_init_cb, packet_func), as tshark's
 *     -z glue does;
 *   - pass 1: every frame dissected with the taps on and the invisible tree
 *     the post-dissectors ask for: `tshark -q -z iscsi,login` (one pass);
 *     then every table cell is formatted with its field_format, as tshark
 *     prints the table;
 *   - postseq_cleanup_all_protocols() and reset_tap_listeners() (the tables'
 *     reset callback, as a GUI retap does);
 *   - pass 2: every frame again with a visible tree, the columns and the
 *     taps: the second pass of `tshark -2 -V` (every item's label formatted
 *     as -V prints it, hidden ones included) and of `tshark -2 -z`; the
 *     tables are formatted again;
 *   - removes the listeners, frees the tables (free_stat_tables, which calls
 *     the plugin's free callback), destroys the frames and frees the epan
 *     session, so LeakSanitizer and valgrind see per-input leaks.
 *
 * Modes:
 *   isl-replay [opts] CAPTURE...                 each capture once, unmodified
 *   isl-replay [opts] --replay FILE              the same for one file
 *   isl-replay [opts] --count N CAPTURE...       N mutated inputs
 *   isl-replay [opts] --seconds S CAPTURE...     mutated inputs for S seconds
 *
 * Input n (0-based) is the capture CAPTURES[n % C] with the mutation
 * MUTATIONS[(n / C) % M] and the random seed SEED + n, so any input can be
 * made again with --first n --count 1 and the same captures, mutations and
 * seed.  --first/--stride let several processes share one round.
 *
 * Failures noticed without a crash (a Wireshark/GLib warning or critical
 * logged while dissecting, a table cell whose type does not match its
 * column, a NULL string cell) are printed with the input's identity, the
 * input is copied to --failures, and the exit status is 1.  A crash
 * (sanitizer report, abort on a dissector bug, watchdog timeout) ends the
 * process; the input is in --out.  Otherwise only a summary is printed.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dlfcn.h>
#include <locale.h>

#include <glib.h>
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define HAVE_VALGRIND 1
#endif
#endif

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/exceptions.h>
#include <epan/frame_data.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/column.h>
#include <epan/column-info.h>
#include <epan/tap.h>
#include <epan/stat_tap_ui.h>
#include <epan/timestamp.h>
#include <epan/addr_resolv.h>
#include <epan/print.h>
#include <epan/print_stream.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>
#include <wsutil/wslog.h>

#define PROG "isl-replay"

/* ---- options ------------------------------------------------------------ */

typedef struct {
    char label[48];
    int trunc;          /* 0: none; > 0: editcap -s N; -1: a random N per input */
    double prob;        /* editcap -E p; 0: none */
    guint offset;       /* editcap -o N */
} mutation_t;

static struct {
    guint64 count;          /* mutated inputs to run (0: plain mode) */
    double seconds;         /* stop after this long (0: no limit) */
    guint64 first, stride;
    guint64 seed;
    const char *out;
    const char *failures;
    const char *mutations;
    const char *probs, *truncs;
    guint offset;
    GPtrArray *tables;      /* names of the stat tables to register */
    gboolean no_plugin;     /* run without the plugin (baseline replays) */
    gboolean pass1_taps;
    gboolean fail_on_exception;
    gboolean fail_on_bad_utf8;
    gboolean verbose;
    gboolean print_tree;
    gboolean print_tables;
    guint timeout;
    guint64 leak_every;
    guint64 max_failures;
} opt = {
    .stride = 1, .pass1_taps = TRUE, .timeout = 60,
    .probs = "0.001,0.01,0.05", .truncs = "96,64,200", .offset = 54,
};

/* ---- failure reporting -------------------------------------------------- */

/* What is being dissected now, for messages and the watchdog. */
static char current_input[1024] = "(initialisation)";
static GString *current_failure;   /* reasons noticed for the current input */
static gboolean in_dissection;

static void note_failure(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
static void note_failure(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (current_failure->len)
        g_string_append(current_failure, "; ");
    g_string_append_vprintf(current_failure, fmt, ap);
    va_end(ap);
}

/* Every Wireshark and GLib log message goes through here (ws_log_init
 * installs GLib's default handler too).  A warning or worse while
 * dissecting is a failure of the input, as capture-fuzz.py counts
 * "** (tshark:N): WARNING" in tshark's stderr. */
static void log_writer(const char *domain, enum ws_log_level level, struct timespec timestamp,
                       const char *file, long line, const char *func, const char *user_format,
                       va_list user_ap, void *user_data)
{
    va_list ap;

    (void)user_data;
    va_copy(ap, user_ap);
    ws_log_console_writer(domain, level, timestamp, file, line, func, user_format, ap);
    va_end(ap);
    if (level >= LOG_LEVEL_WARNING && level != LOG_LEVEL_ECHO && current_failure) {
        char *msg = g_strdup_vprintf(user_format, user_ap);
        note_failure("%s %s: %s", domain ? domain : "", ws_log_level_to_string(level), msg);
        g_free(msg);
    }
}

static void vcmdarg_err(const char *fmt, va_list ap)
{
    fprintf(stderr, PROG ": ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
}

static void report_failure_msg(const char *fmt, va_list ap)
{
    vcmdarg_err(fmt, ap);
    if (current_failure && in_dissection) {
        char *msg = g_strdup_vprintf(fmt, ap);
        note_failure("reported failure: %s", msg);
        g_free(msg);
    }
}

static void report_open_failure_msg(const char *name, int err, gboolean for_writing)
{
    fprintf(stderr, PROG ": cannot open %s for %s: %s\n", name, for_writing ? "writing" : "reading",
            g_strerror(err));
}

static void report_read_failure_msg(const char *name, int err)
{
    fprintf(stderr, PROG ": read error on %s: %s\n", name, g_strerror(err));
}

static void report_write_failure_msg(const char *name, int err)
{
    fprintf(stderr, PROG ": write error on %s: %s\n", name, g_strerror(err));
}

static void report_cfile_open_failure_msg(const char *name, int err, gchar *err_info)
{
    fprintf(stderr, PROG ": cannot open capture %s: %s%s%s\n", name, wtap_strerror(err),
            err_info ? ": " : "", err_info ? err_info : "");
    g_free(err_info);
}

static void report_cfile_dump_open_failure_msg(const char *name, int err, gchar *err_info, int ft)
{
    (void)ft;
    fprintf(stderr, PROG ": cannot create capture %s: %s%s%s\n", name, wtap_strerror(err),
            err_info ? ": " : "", err_info ? err_info : "");
    g_free(err_info);
}

static void report_cfile_read_failure_msg(const char *name, int err, gchar *err_info)
{
    fprintf(stderr, PROG ": error reading capture %s: %s%s%s\n", name ? name : "", wtap_strerror(err),
            err_info ? ": " : "", err_info ? err_info : "");
    g_free(err_info);
}

static void report_cfile_write_failure_msg(const char *in, const char *out, int err, gchar *err_info,
                                           guint32 framenum, int ft)
{
    (void)in;
    (void)ft;
    fprintf(stderr, PROG ": error writing frame %u to %s: %s%s%s\n", framenum, out ? out : "",
            wtap_strerror(err), err_info ? ": " : "", err_info ? err_info : "");
    g_free(err_info);
}

static void report_cfile_close_failure_msg(const char *name, int err, gchar *err_info)
{
    fprintf(stderr, PROG ": error closing %s: %s%s%s\n", name, wtap_strerror(err),
            err_info ? ": " : "", err_info ? err_info : "");
    g_free(err_info);
}

static void watchdog(int sig)
{
    static const char msg[] = "\n" PROG ": TIMEOUT: input took longer than the --timeout: ";
    ssize_t r;

    (void)sig;
    r = write(2, msg, sizeof msg - 1);
    r = write(2, current_input, strlen(current_input));
    r = write(2, "\n", 1);
    (void)r;
    _exit(3);
}

/* ---- captures ----------------------------------------------------------- */

typedef struct {
    wtap_rec rec;       /* header; holds a reference to rec.block */
    guint8 *data;       /* exactly rec's caplen bytes (packets), or the record's bytes */
    guint len;          /* bytes in data */
    gint64 offset;
} record_t;

typedef struct {
    char *path;
    wtap *wth;          /* kept open: interface names, dump parameters */
    int file_type;
    GArray *recs;       /* record_t */
    guint max_caplen;
} capture_t;

static guint rec_data_len(const wtap_rec *rec)
{
    switch (rec->rec_type) {
    case REC_TYPE_PACKET:
        return rec->rec_header.packet_header.caplen;
    case REC_TYPE_FT_SPECIFIC_EVENT:
    case REC_TYPE_FT_SPECIFIC_REPORT:
        return rec->rec_header.ft_specific_header.record_len;
    case REC_TYPE_SYSCALL:
        return rec->rec_header.syscall_header.event_filelen;
    case REC_TYPE_SYSTEMD_JOURNAL_EXPORT:
        return rec->rec_header.systemd_journal_export_header.record_len;
    default:
        return 0;
    }
}

static void rec_set_data_len(wtap_rec *rec, guint len)
{
    switch (rec->rec_type) {
    case REC_TYPE_PACKET:
        rec->rec_header.packet_header.caplen = len;
        break;
    case REC_TYPE_FT_SPECIFIC_EVENT:
    case REC_TYPE_FT_SPECIFIC_REPORT:
        rec->rec_header.ft_specific_header.record_len = len;
        break;
    case REC_TYPE_SYSCALL:
        rec->rec_header.syscall_header.event_filelen = len;
        break;
    case REC_TYPE_SYSTEMD_JOURNAL_EXPORT:
        rec->rec_header.systemd_journal_export_header.record_len = len;
        break;
    }
}

/* A record copy with its own exactly-sized data block and block reference. */
static void record_copy(record_t *dst, const record_t *src, guint len)
{
    *dst = *src;
    memset(&dst->rec.options_buf, 0, sizeof dst->rec.options_buf);
    dst->rec.block = src->rec.block ? wtap_block_ref(src->rec.block) : NULL;
    dst->len = MIN(len, src->len);
    dst->data = g_malloc(dst->len ? dst->len : 1);
    memcpy(dst->data, src->data, dst->len);
    rec_set_data_len(&dst->rec, dst->len);
}

static void records_free(GArray *recs)
{
    if (!recs)
        return;
    for (guint i = 0; i < recs->len; i++) {
        record_t *r = &g_array_index(recs, record_t, i);
        if (r->rec.block)
            wtap_block_unref(r->rec.block);
        g_free(r->data);
    }
    g_array_free(recs, TRUE);
}

static capture_t *capture_open(const char *path)
{
    int err = 0;
    gchar *err_info = NULL;
    wtap_rec rec;
    Buffer buf;
    gint64 off;
    capture_t *c;
    wtap *wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &err, &err_info, TRUE);

    if (!wth) {
        report_cfile_open_failure_msg(path, err, err_info);
        return NULL;
    }
    c = g_new0(capture_t, 1);
    c->path = g_strdup(path);
    c->wth = wth;
    c->file_type = wtap_file_type_subtype(wth);
    c->recs = g_array_new(FALSE, TRUE, sizeof(record_t));
    wtap_rec_init(&rec);
    ws_buffer_init(&buf, 1514);
    while (wtap_read(wth, &rec, &buf, &err, &err_info, &off)) {
        record_t r;
        memset(&r, 0, sizeof r);
        r.rec = rec;
        memset(&r.rec.options_buf, 0, sizeof r.rec.options_buf);
        r.rec.block = rec.block ? wtap_block_ref(rec.block) : NULL;
        r.len = rec_data_len(&rec);   /* wtap_read() leaves that many bytes at the buffer start */
        r.data = g_malloc(r.len ? r.len : 1);
        memcpy(r.data, ws_buffer_start_ptr(&buf), r.len);
        rec_set_data_len(&r.rec, r.len);
        r.offset = off;
        if (rec.rec_type == REC_TYPE_PACKET)
            c->max_caplen = MAX(c->max_caplen, r.len);
        g_array_append_val(c->recs, r);
        wtap_rec_reset(&rec);
    }
    if (err != 0)   /* as tshark: report, dissect what was read */
        report_cfile_read_failure_msg(path, err, err_info);
    wtap_rec_cleanup(&rec);
    ws_buffer_free(&buf);
    return c;
}

static void capture_free(capture_t *c)
{
    if (!c)
        return;
    records_free(c->recs);
    wtap_close(c->wth);
    g_free(c->path);
    g_free(c);
}

/* Writes recs as a capture file (classic pcap for pcap sources): the input
 * exactly as it is about to be dissected. */
static gboolean write_capture(const char *path, const capture_t *c, GArray *recs, guint snaplen)
{
    wtap_dump_params params = WTAP_DUMP_PARAMS_INIT;
    int err = 0;
    gchar *err_info = NULL;
    int ft = c->file_type;
    wtap_dumper *pdh;
    gboolean ok = TRUE;

    wtap_dump_params_init(&params, c->wth);
    if (snaplen && (params.snaplen == 0 || (guint)params.snaplen > snaplen))
        params.snaplen = snaplen;
    if (ft != wtap_pcap_file_type_subtype() && ft != wtap_pcap_nsec_file_type_subtype()
        && ft != wtap_pcapng_file_type_subtype())
        ft = wtap_pcapng_file_type_subtype();
    if (!wtap_dump_can_write_encap(ft, params.encap))
        ft = wtap_pcapng_file_type_subtype();
    pdh = wtap_dump_open(path, ft, WTAP_UNCOMPRESSED, &params, &err, &err_info);
    if (!pdh) {
        report_cfile_dump_open_failure_msg(path, err, err_info, ft);
        g_free(params.idb_inf);   /* wtap_dump_params_cleanup leaves it to the caller */
        wtap_dump_params_cleanup(&params);
        return FALSE;
    }
    for (guint i = 0; i < recs->len && ok; i++) {
        record_t *r = &g_array_index(recs, record_t, i);
        if (r->rec.rec_type != REC_TYPE_PACKET)
            continue;
        if (!wtap_dump(pdh, &r->rec, r->data, &err, &err_info)) {
            report_cfile_write_failure_msg(NULL, path, err, err_info, i + 1, ft);
            ok = FALSE;
        }
    }
    if (!wtap_dump_close(pdh, NULL, &err, &err_info)) {
        report_cfile_close_failure_msg(path, err, err_info);
        ok = FALSE;
    }
    g_free(params.idb_inf);
    wtap_dump_params_cleanup(&params);
    return ok;
}

/* ---- mutations (editcap -s, -E, -o) -------------------------------------- */

/* editcap.c's error kinds and weights */
#define ERR_WT_BIT   5   /* flip a random bit */
#define ERR_WT_BYTE  5   /* a random byte */
#define ERR_WT_ALNUM 5   /* a random character in [A-Za-z0-9] */
#define ERR_WT_FMT   2   /* "%s" (editcap's g_strlcpy(.., "%s", 2) stores '%' and NUL) */
#define ERR_WT_AA    1   /* fill the rest of the packet with 0xAA */
#define ERR_WT_TOTAL (ERR_WT_BIT + ERR_WT_BYTE + ERR_WT_ALNUM + ERR_WT_FMT + ERR_WT_AA)
static const char alnum[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

static void mutate_bytes(guint8 *buf, guint caplen, const mutation_t *m, GRand *rng)
{
    for (guint i = m->offset; i < caplen; i++) {
        int kind;
        if (g_rand_double(rng) >= m->prob)
            continue;
        kind = g_rand_int_range(rng, 0, ERR_WT_TOTAL);
        if (kind < ERR_WT_BIT) {
            buf[i] ^= (guint8)(1u << g_rand_int_range(rng, 0, 8));
        } else if ((kind -= ERR_WT_BIT) < ERR_WT_BYTE) {
            buf[i] = (guint8)g_rand_int_range(rng, 0, 256);
        } else if ((kind -= ERR_WT_BYTE) < ERR_WT_ALNUM) {
            buf[i] = (guint8)alnum[g_rand_int_range(rng, 0, (gint32)sizeof alnum - 1)];
        } else if ((kind -= ERR_WT_ALNUM) < ERR_WT_FMT) {
            if (i + 2 < caplen) {
                buf[i] = '%';
                buf[i + 1] = '\0';
            }
        } else {
            memset(buf + i, 0xAA, caplen - i);
            break;
        }
    }
}

/* A mutated copy of c's records; *snaplen receives the -s value used (0: none). */
static GArray *mutate_capture(const capture_t *c, const mutation_t *m, GRand *rng, guint *snaplen)
{
    GArray *recs = g_array_sized_new(FALSE, TRUE, sizeof(record_t), c->recs->len);
    guint trunc = 0;

    if (m->trunc > 0)
        trunc = (guint)m->trunc;
    else if (m->trunc < 0)
        trunc = (guint)g_rand_int_range(rng, 1, (gint32)MAX(c->max_caplen, 1) + 1);
    *snaplen = trunc;
    for (guint i = 0; i < c->recs->len; i++) {
        const record_t *src = &g_array_index(c->recs, record_t, i);
        record_t r;
        guint len = src->len;

        if (trunc && src->rec.rec_type == REC_TYPE_PACKET && len > trunc)
            len = trunc;
        record_copy(&r, src, len);
        /* editcap mutates packets and the other record kinds with data;
         * only packets are written to the pcap, so only packets here. */
        if (m->prob > 0 && r.rec.rec_type == REC_TYPE_PACKET && m->offset <= r.len)
            mutate_bytes(r.data, r.len, m, rng);
        g_array_append_val(recs, r);
    }
    return recs;
}

static gboolean parse_mutation(const char *s, mutation_t *m)
{
    const char *p = s;
    char *end;

    memset(m, 0, sizeof *m);
    g_strlcpy(m->label, s, sizeof m->label);
    if (*p == 's') {
        p++;
        if (*p == 'r') {
            m->trunc = -1;
            p++;
        } else {
            unsigned long v = strtoul(p, &end, 10);
            if (end == p || v == 0 || v > G_MAXINT)
                return FALSE;
            m->trunc = (int)v;
            p = end;
        }
    }
    if (*p == 'E') {
        p++;
        m->prob = g_ascii_strtod(p, &end);
        if (end == p || m->prob <= 0 || m->prob > 1)
            return FALSE;
        p = end;
        if (*p == 'o') {
            unsigned long v;
            p++;
            v = strtoul(p, &end, 10);
            if (end == p || v > G_MAXUINT32)
                return FALSE;
            m->offset = (guint)v;
            p = end;
        }
    }
    return *p == '\0' && (m->trunc || m->prob > 0);
}

static void add_mutation(GArray *muts, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void add_mutation(GArray *muts, const char *fmt, ...)
{
    char spec[64];
    mutation_t m;
    va_list ap;

    va_start(ap, fmt);
    g_vsnprintf(spec, sizeof spec, fmt, ap);
    va_end(ap);
    if (parse_mutation(spec, &m))
        g_array_append_val(muts, m);
}

/* Default mutations, as capture-fuzz.py makes them: for each probability
 * -E p and -E p -o OFFSET; each -s N; and each -s N combined with -E
 * (probabilities in turn) -o OFFSET. */
static GArray *default_mutations(void)
{
    GArray *muts = g_array_new(FALSE, TRUE, sizeof(mutation_t));
    char **probs = g_strsplit(opt.probs, ",", -1);
    char **truncs = g_strsplit(opt.truncs, ",", -1);
    guint np = g_strv_length(probs), nt = g_strv_length(truncs);

    for (guint i = 0; i < np; i++) {
        if (!*probs[i])
            continue;
        add_mutation(muts, "E%s", probs[i]);
        add_mutation(muts, "E%so%u", probs[i], opt.offset);
    }
    for (guint i = 0; i < nt; i++) {
        if (!*truncs[i])
            continue;
        add_mutation(muts, "s%s", truncs[i]);
        if (np)
            add_mutation(muts, "s%sE%so%u", truncs[i], probs[i % np], opt.offset);
    }
    g_strfreev(probs);
    g_strfreev(truncs);
    return muts;
}

/* ---- dissection ----------------------------------------------------------- */

struct packet_provider_data {
    wtap *wth;
    const frame_data *ref;
    frame_data *prev_dis;
    frame_data *prev_cap;
    frame_data *frames;     /* frames[num - 1] */
    guint32 count;
};

static const nstime_t *get_frame_ts(struct packet_provider_data *prov, guint32 num)
{
    if (prov->ref && prov->ref->num == num)
        return &prov->ref->abs_ts;
    if (prov->prev_dis && prov->prev_dis->num == num)
        return &prov->prev_dis->abs_ts;
    if (prov->prev_cap && prov->prev_cap->num == num)
        return &prov->prev_cap->abs_ts;
    if (prov->frames && num >= 1 && num <= prov->count)
        return &prov->frames[num - 1].abs_ts;
    return NULL;
}

static wtap_block_t idb(struct packet_provider_data *prov, guint32 interface_id)
{
    wtapng_iface_descriptions_t *info;
    wtap_block_t b = NULL;

    if (!prov->wth)
        return NULL;
    info = wtap_file_get_idb_info(prov->wth);
    if (interface_id < info->interface_data->len)
        b = g_array_index(info->interface_data, wtap_block_t, interface_id);
    g_free(info);
    return b;
}

static const char *get_interface_name(struct packet_provider_data *prov, guint32 interface_id)
{
    wtap_block_t b = idb(prov, interface_id);
    char *s;

    if (b && (wtap_block_get_string_option_value(b, OPT_IDB_NAME, &s) == WTAP_OPTTYPE_SUCCESS
              || wtap_block_get_string_option_value(b, OPT_IDB_DESCRIPTION, &s) == WTAP_OPTTYPE_SUCCESS
              || wtap_block_get_string_option_value(b, OPT_IDB_HARDWARE, &s) == WTAP_OPTTYPE_SUCCESS))
        return s;
    return "unknown";
}

static const char *get_interface_description(struct packet_provider_data *prov, guint32 interface_id)
{
    wtap_block_t b = idb(prov, interface_id);
    char *s;

    if (b && wtap_block_get_string_option_value(b, OPT_IDB_DESCRIPTION, &s) == WTAP_OPTTYPE_SUCCESS)
        return s;
    return NULL;
}

static const struct packet_provider_funcs provider_funcs = {
    get_frame_ts, get_interface_name, get_interface_description, NULL,
};

static column_info cinfo;
static print_stream_t *print_stream;     /* --print-tree */
static int proto_isl = -1;
static const char *plugin_short_name;

/* FNV-1a over everything formatted: equal digests for equal runs. */
static guint64 digest = 14695981039346656037ULL;
static void digest_add(const char *s)
{
    for (; *s; s++)
        digest = (digest ^ (guint8)*s) * 1099511628211ULL;
    digest = (digest ^ 0xff) * 1099511628211ULL;
}

typedef struct {
    guint64 items;
    guint64 bad_utf8;           /* plugin labels that are not UTF-8 */
    guint plugin_exceptions;    /* frames where the plugin's dissection threw */
} walk_stats;

static walk_stats wstats;

/* -V: every item's label, as print.c's proto_tree_print_node makes it
 * (representation, else proto_item_fill_label), hidden items included. */
static void walk_node(proto_node *node, gpointer data)
{
    field_info *fi = PNODE_FINFO(node);
    gboolean *exception = data;
    char label[ITEM_LABEL_LENGTH];
    const char *s;

    if (fi) {
        if (fi->rep) {
            s = fi->rep->representation;
        } else {
            label[0] = '\0';
            proto_item_fill_label(fi, label);
            s = label;
        }
        digest_add(s);
        wstats.items++;
        if (plugin_short_name && fi->hfinfo && !strcmp(fi->hfinfo->abbrev, "_ws.malformed")
            && strstr(s, plugin_short_name))
            *exception = TRUE;
        /* Labels must be UTF-8 (Qt, -T json/pdml/ek); Wireshark's own
         * string fields are converted, the plugin's formatted texts are not. */
        if (fi->hfinfo && g_str_has_prefix(fi->hfinfo->abbrev, "iscsi_login") && !g_utf8_validate(s, -1, NULL)) {
            char *esc = g_strescape(s, NULL);
            if (!wstats.bad_utf8++ || opt.verbose)
                fprintf(stderr, PROG ": %s: label of %s is not UTF-8: \"%s\"\n", current_input,
                        fi->hfinfo->abbrev, esc);
            if (opt.fail_on_bad_utf8)
                note_failure("label of %s is not UTF-8: \"%.300s\"", fi->hfinfo->abbrev, esc);
            g_free(esc);
        }
    }
    if (node->first_child)
        proto_tree_children_foreach(node, walk_node, data);
}

/* The tables, as tshark's -z glue (ui/cli/tap-simple_stattable.c) uses them. */
typedef struct {
    stat_data_t sd;
    stat_tap_table_ui *ui;
} table_listener;

static GPtrArray *table_uis;     /* stat_tap_table_ui * to register per input */

static void table_reset(void *tapdata)
{
    table_listener *l = tapdata;
    reset_stat_table(l->ui);
}

/* Formats every cell as tshark prints the table (ui/cli/tap-simple_stattable.c,
 * simple_draw: the column's declared type picks the printf argument), to
 * out when given.  A cell of another type would make tshark pass the wrong
 * argument to printf: a failure here. */
#define RULE "====================================================================================================="
static void table_format(stat_tap_table_ui *ui, FILE *out)
{
    char buf[1024], fmt[256];

    digest_add(ui->title);
    if (out) {
        fprintf(out, "\n" RULE "\n%s:\nFilter for statistics: \n", ui->title);
        for (size_t f = 0; f < ui->nfields; f++)
            fprintf(out, "%s |", ui->fields[f].column_name);
        fprintf(out, "\n");
    }
    for (guint t = 0; ui->tables && t < ui->tables->len; t++) {
        stat_tap_table *table = g_array_index(ui->tables, stat_tap_table *, t);
        digest_add(table->title ? table->title : "(null title)");
        if (out)
            fprintf(out, "%s\n", table->title);
        if (table->num_fields != ui->nfields)
            note_failure("table %s '%s': %u fields, the UI declares %zu", ui->cli_string,
                         table->title ? table->title : "", table->num_fields, ui->nfields);
        for (guint e = 0; e < table->num_elements; e++) {
            for (guint f = 0; f < table->num_fields && f < ui->nfields; f++) {
                stat_tap_table_item *field = &ui->fields[f];
                stat_tap_table_item_type *d = stat_tap_get_field_data(table, e, f);
                if (!d) {
                    note_failure("table %s: row %u has no cell %u", ui->cli_string, e, f);
                    break;
                }
                if (d->type == TABLE_ITEM_NONE)
                    break;
                if (d->type != field->type) {
                    note_failure("table %s row %u column '%s': cell type %d, column type %d", ui->cli_string, e,
                                 field->column_name, d->type, field->type);
                    continue;
                }
                g_snprintf(fmt, sizeof fmt, "%s |", field->field_format ? field->field_format : "%s");
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
                switch (field->type) {
                case TABLE_ITEM_UINT:
                    g_snprintf(buf, sizeof buf, fmt, d->value.uint_value);
                    break;
                case TABLE_ITEM_INT:
                    g_snprintf(buf, sizeof buf, fmt, d->value.int_value);
                    break;
                case TABLE_ITEM_STRING:
                    if (!d->value.string_value) {
                        note_failure("table %s row %u column '%s': NULL string", ui->cli_string, e,
                                     field->column_name);
                        buf[0] = '\0';
                    } else {
                        g_snprintf(buf, sizeof buf, fmt, d->value.string_value);
                    }
                    break;
                case TABLE_ITEM_FLOAT:
                    g_snprintf(buf, sizeof buf, fmt, d->value.float_value);
                    break;
                case TABLE_ITEM_ENUM:
                    g_snprintf(buf, sizeof buf, fmt, d->value.enum_value);
                    break;
                default:
                    buf[0] = '\0';
                    break;
                }
#pragma GCC diagnostic pop
                digest_add(buf);
                if (out)
                    fputs(buf, out);
            }
            if (out)
                fputs("\n", out);
        }
    }
    if (out)
        fprintf(out, RULE "\n");
}

/* One frame: dissect (with or without the taps); in pass 2, fill in the
 * columns and format every item's label.  Exceptions never escape
 * epan_dissect_run in practice (the frame dissector catches them);
 * anything that does (OutOfMemoryError) is a failure. */
static void run_frame(epan_dissect_t *edt, int file_type, wtap_rec *rec, const record_t *r, frame_data *fd,
                      column_info *ci, gboolean taps, int pass, gboolean *exception)
{
    TRY {
        tvbuff_t *tvb = tvb_new_real_data(r->data, r->len, rec->rec_type == REC_TYPE_PACKET
                                          ? (gint)rec->rec_header.packet_header.len : (gint)r->len);
        if (taps)
            epan_dissect_run_with_taps(edt, file_type, rec, tvb, fd, ci);
        else
            epan_dissect_run(edt, file_type, rec, tvb, fd, ci);
        if (ci) {
            epan_dissect_fill_in_columns(edt, FALSE, TRUE);
            for (int col = 0; col < ci->num_cols; col++)
                digest_add(ci->columns[col].col_data ? ci->columns[col].col_data : "");
        }
        if (exception && edt->tree)
            proto_tree_children_foreach(edt->tree, walk_node, exception);
        if (exception && print_stream && edt->tree) {
            /* exactly tshark -V's print_packet() */
            proto_tree_print(print_dissections_expanded, FALSE, edt, NULL, print_stream);
            print_line(print_stream, 0, "");
        }
    }
    CATCH_ALL {
        note_failure("pass %d frame %u: exception %s escaped the dissection", pass, fd->num,
                     GET_MESSAGE ? GET_MESSAGE : "");
    }
    ENDTRY;
}

typedef struct {
    guint64 inputs, frames, failed, exception_frames, bytes;
} totals_t;

static totals_t totals;

/* One capture, as tshark reads one file. */
static void dissect_input(const capture_t *c, GArray *recs)
{
    struct packet_provider_data prov;
    epan_t *epan;
    epan_dissect_t *edt;
    frame_data ref_frame;
    nstime_t elapsed;
    guint32 cum_bytes = 0;
    guint32 n = recs->len;
    table_listener *listeners;
    guint nl = table_uis->len;

#ifdef HAVE_VALGRIND
    /* run-valgrind.sh attributes memcheck's errors to inputs by these */
    if (RUNNING_ON_VALGRIND)
        VALGRIND_PRINTF("isl-replay input: %s\n", current_input);
#endif
    memset(&prov, 0, sizeof prov);
    prov.wth = c->wth;
    prov.frames = g_new0(frame_data, n ? n : 1);
    epan = epan_new(&prov, &provider_funcs);

    listeners = g_new0(table_listener, nl ? nl : 1);
    for (guint i = 0; i < nl; i++) {
        stat_tap_table_ui *ui = g_ptr_array_index(table_uis, i);
        GString *err;
        listeners[i].ui = ui;
        listeners[i].sd.stat_tap_data = ui;
        listeners[i].sd.user_data = &listeners[i];
        ui->stat_tap_init_cb(ui);
        err = register_tap_listener(ui->tap_name, &listeners[i].sd, NULL, 0, table_reset, ui->packet_func,
                                    NULL, NULL);
        if (err) {
            note_failure("cannot register the %s tap listener: %s", ui->cli_string, err->str);
            g_string_free(err, TRUE);
            listeners[i].ui = NULL;
        }
    }

    in_dissection = TRUE;
    /* Pass 1: tshark -q -z (one pass: taps on, the tree the post-dissectors
     * want, not visible, no columns); with --no-pass1-taps, tshark -2's first
     * pass. */
    edt = epan_dissect_new(epan, postdissectors_want_hfids(), FALSE);
    nstime_set_zero(&elapsed);
    for (guint32 i = 0; i < n; i++) {
        record_t *r = &g_array_index(recs, record_t, i);
        frame_data *fd = &prov.frames[i];
        wtap_rec rec = r->rec;

        rec.block = r->rec.block ? wtap_block_ref(r->rec.block) : NULL;
        frame_data_init(fd, i + 1, &rec, r->offset, cum_bytes);
        prime_epan_dissect_with_postdissector_wanted_hfids(edt);
        frame_data_set_before_dissect(fd, &elapsed, &prov.ref, prov.prev_dis);
        if (prov.ref == fd) {
            ref_frame = *fd;
            prov.ref = &ref_frame;
        }
        run_frame(edt, c->file_type, &rec, r, fd, NULL, opt.pass1_taps, 1, NULL);
        frame_data_set_after_dissect(fd, &cum_bytes);
        prov.prev_cap = prov.prev_dis = fd;
        prov.count = i + 1;
        epan_dissect_reset(edt);
        if (rec.block)
            wtap_block_unref(rec.block);
    }
    epan_dissect_free(edt);
    /* newest listener first, as tshark's draw_tap_listeners() prints them */
    for (guint i = nl; i-- > 0;)
        if (listeners[i].ui)
            table_format(listeners[i].ui, opt.print_tables ? stdout : NULL);

    postseq_cleanup_all_protocols();
    prov.prev_dis = prov.prev_cap = NULL;
    reset_tap_listeners();

    /* Pass 2: tshark -2 -V (visible tree, every label) and -2 -z (taps),
     * with the columns as a GUI or tshark without -V fills them. */
    edt = epan_dissect_new(epan, TRUE, TRUE);
    for (guint32 i = 0; i < n; i++) {
        record_t *r = &g_array_index(recs, record_t, i);
        frame_data *fd = &prov.frames[i];
        wtap_rec rec = r->rec;
        gboolean exception = FALSE;

        rec.block = r->rec.block ? wtap_block_ref(r->rec.block) : NULL;
        frame_data_set_before_dissect(fd, &elapsed, &prov.ref, prov.prev_dis);
        if (prov.ref == fd) {
            ref_frame = *fd;
            prov.ref = &ref_frame;
        }
        run_frame(edt, c->file_type, &rec, r, fd, &cinfo, TRUE, 2, &exception);
        if (exception) {
            totals.exception_frames++;
            if (opt.fail_on_exception)
                note_failure("frame %u: the %s dissection threw (malformed)", i + 1, plugin_short_name);
        }
        frame_data_set_after_dissect(fd, &cum_bytes);
        prov.prev_dis = prov.prev_cap = fd;
        epan_dissect_reset(edt);
        if (rec.block)
            wtap_block_unref(rec.block);
        totals.frames++;
        totals.bytes += r->len;
    }
    epan_dissect_free(edt);
    in_dissection = FALSE;
    for (guint i = 0; i < nl; i++)
        if (listeners[i].ui)
            table_format(listeners[i].ui, NULL);

    for (guint i = 0; i < nl; i++) {
        if (!listeners[i].ui)
            continue;
        remove_tap_listener(&listeners[i].sd);
        free_stat_tables(listeners[i].ui);
    }
    g_free(listeners);
    for (guint32 i = 0; i < prov.count; i++)
        frame_data_destroy(&prov.frames[i]);
    g_free(prov.frames);
    epan_free(epan);
}

/* ---- driver --------------------------------------------------------------- */

static int (*lsan_check)(void);

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void write_sidecar(const char *text)
{
    char *p;
    FILE *f;

    if (!opt.out)
        return;
    p = g_strconcat(opt.out, ".txt", NULL);
    f = fopen(p, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
    g_free(p);
}

static void keep_failure(const char *name, const char *from, const char *info)
{
    char *dest, *txt, *contents = NULL;
    gsize len = 0;

    if (!opt.failures || !from)
        return;
    if (g_mkdir_with_parents(opt.failures, 0755) != 0) {
        fprintf(stderr, PROG ": cannot create %s: %s\n", opt.failures, g_strerror(errno));
        return;
    }
    dest = g_build_filename(opt.failures, name, NULL);
    if (g_file_get_contents(from, &contents, &len, NULL))
        g_file_set_contents(dest, contents, (gssize)len, NULL);
    txt = g_strconcat(dest, ".txt", NULL);
    g_file_set_contents(txt, info, -1, NULL);
    g_free(contents);
    g_free(txt);
    g_free(dest);
}

static void usage(FILE *f)
{
    fprintf(f,
"Usage: " PROG " [options] CAPTURE...        each capture once, unmodified\n"
"       " PROG " [options] --replay FILE     one capture, unmodified\n"
"       " PROG " [options] --count N | --seconds S CAPTURE...   mutated inputs\n"
"\n"
"Run as an unprivileged user with WIRESHARK_PLUGIN_DIR pointing at the plugin\n"
"(epan ignores it for root).  Input n is CAPTURES[n %% C] mutated by\n"
"MUTATIONS[(n / C) %% M] with seed SEED + n.\n"
"\n"
"  --count N          run N mutated inputs (with --seconds: whichever ends first)\n"
"  --seconds S        stop starting new inputs after S seconds\n"
"  --seed N           first seed (default: from the clock; printed)\n"
"  --first N          first input index (default 0)\n"
"  --stride N         run every Nth index (default 1; shards a round over processes)\n"
"  --mutations LIST   comma-separated: sN (editcap -s N), sr (random N per input),\n"
"                     Ep (editcap -E p), Epo54 (with -o 54), combined sNEpoK\n"
"                     (default: from --probs, --truncs, --offset as capture-fuzz.py)\n"
"  --probs LIST       default %s\n"
"  --truncs LIST      default %s\n"
"  --offset N         editcap -o for the o-variants (default %u)\n"
"  --out PATH         write each mutated input here before dissecting it\n"
"                     (and PATH.txt naming it); default: none\n"
"  --failures DIR     copy inputs that fail without crashing here\n"
"  --table NAME       stat table to register (repeatable; default iscsi,login\n"
"                     and iscsi,sessions, when registered)\n"
"  --no-plugin        do not require the plugin (baseline runs)\n"
"  --no-pass1-taps    first pass without taps (exactly tshark -2's first pass)\n"
"  --fail-on-exception  fail on frames where the plugin's dissection threw\n"
"  --fail-on-bad-utf8 fail on plugin labels that are not valid UTF-8 (counted anyway)\n"
"  --timeout S        per-input watchdog (default %u s; exit 3)\n"
"  --leak-check-every N  LeakSanitizer check every N inputs (ASan preloaded; exit 4)\n"
"  --max-failures N   stop after N failing inputs (default: no limit)\n"
"  --verbose          one line per input\n"
"  --print-tree       print pass 2's tree as tshark -2 -V prints it\n"
"  --print-tables     print the tables after pass 1 as tshark -q -z prints them\n",
            opt.probs, opt.truncs, opt.offset, opt.timeout);
}

static guint64 parse_u64(const char *name, const char *v)
{
    char *end;
    guint64 x;

    errno = 0;
    x = g_ascii_strtoull(v, &end, 10);
    if (errno || end == v || *end) {
        fprintf(stderr, PROG ": bad %s: %s\n", name, v);
        exit(2);
    }
    return x;
}

int main(int argc, char **argv)
{
    static const struct report_message_routines routines = {
        report_failure_msg, report_failure_msg, report_open_failure_msg, report_read_failure_msg,
        report_write_failure_msg, report_cfile_open_failure_msg, report_cfile_dump_open_failure_msg,
        report_cfile_read_failure_msg, report_cfile_write_failure_msg, report_cfile_close_failure_msg,
    };
    GPtrArray *paths = g_ptr_array_new();
    GPtrArray *caps = g_ptr_array_new_with_free_func((GDestroyNotify)capture_free);
    GArray *muts = NULL;
    gboolean have_seed = FALSE, mutate;
    char *err_msg;
    e_prefs *prefs_p;
    double start, elapsed;
    FILE *summary;
    int status = 0;

    setlocale(LC_ALL, "");
    opt.tables = g_ptr_array_new();
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
#define ARG() (i + 1 < argc ? argv[++i] : (fprintf(stderr, PROG ": %s needs a value\n", a), exit(2), ""))
        if (!strcmp(a, "--count"))
            opt.count = parse_u64(a, ARG());
        else if (!strcmp(a, "--seconds"))
            opt.seconds = g_ascii_strtod(ARG(), NULL);
        else if (!strcmp(a, "--seed"))
            opt.seed = parse_u64(a, ARG()), have_seed = TRUE;
        else if (!strcmp(a, "--first"))
            opt.first = parse_u64(a, ARG());
        else if (!strcmp(a, "--stride"))
            opt.stride = parse_u64(a, ARG());
        else if (!strcmp(a, "--mutations"))
            opt.mutations = ARG();
        else if (!strcmp(a, "--probs"))
            opt.probs = ARG();
        else if (!strcmp(a, "--truncs"))
            opt.truncs = ARG();
        else if (!strcmp(a, "--offset"))
            opt.offset = (guint)parse_u64(a, ARG());
        else if (!strcmp(a, "--out"))
            opt.out = ARG();
        else if (!strcmp(a, "--failures"))
            opt.failures = ARG();
        else if (!strcmp(a, "--table"))
            g_ptr_array_add(opt.tables, (gpointer)ARG());
        else if (!strcmp(a, "--replay"))
            g_ptr_array_add(paths, (gpointer)ARG());
        else if (!strcmp(a, "--no-plugin"))
            opt.no_plugin = TRUE;
        else if (!strcmp(a, "--no-pass1-taps"))
            opt.pass1_taps = FALSE;
        else if (!strcmp(a, "--fail-on-exception"))
            opt.fail_on_exception = TRUE;
        else if (!strcmp(a, "--fail-on-bad-utf8"))
            opt.fail_on_bad_utf8 = TRUE;
        else if (!strcmp(a, "--timeout"))
            opt.timeout = (guint)parse_u64(a, ARG());
        else if (!strcmp(a, "--leak-check-every"))
            opt.leak_every = parse_u64(a, ARG());
        else if (!strcmp(a, "--max-failures"))
            opt.max_failures = parse_u64(a, ARG());
        else if (!strcmp(a, "--verbose"))
            opt.verbose = TRUE;
        else if (!strcmp(a, "--print-tree"))
            opt.print_tree = TRUE;
        else if (!strcmp(a, "--print-tables"))
            opt.print_tables = TRUE;
        else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return 0;
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, PROG ": unknown option %s\n", a);
            usage(stderr);
            return 2;
        } else
            g_ptr_array_add(paths, (gpointer)a);
#undef ARG
    }
    if (!paths->len) {
        usage(stderr);
        return 2;
    }
    if (opt.stride == 0)
        opt.stride = 1;
    mutate = opt.count > 0 || opt.seconds > 0;
    if (mutate && opt.count == 0)
        opt.count = G_MAXUINT64;
    if (!have_seed)
        opt.seed = (guint64)time(NULL) % 1000000 * 1000;

    current_failure = g_string_new(NULL);
    ws_log_init_with_writer(PROG, log_writer, vcmdarg_err);
    init_process_policies();
    relinquish_special_privs_perm();
    if (g_getenv("WIRESHARK_PLUGIN_DIR") && started_with_special_privs())
        fprintf(stderr, PROG ": running with special privileges: WIRESHARK_PLUGIN_DIR is ignored\n");
    err_msg = configuration_init(argv[0], NULL);
    if (err_msg) {
        fprintf(stderr, PROG ": %s\n", err_msg);
        g_free(err_msg);
    }
    init_report_message(PROG, &routines);
    timestamp_set_type(TS_RELATIVE);
    timestamp_set_precision(TS_PREC_AUTO);
    timestamp_set_seconds_type(TS_SECONDS_DEFAULT);
    wtap_init(TRUE);
    if (!epan_init(NULL, NULL, TRUE)) {
        fprintf(stderr, PROG ": epan_init failed\n");
        return 2;
    }
    prefs_p = epan_load_settings();
    prefs_apply_all();
    disable_name_resolution();   /* tshark -n */
    set_resolution_synchrony(TRUE);
    build_column_format_array(&cinfo, prefs_p->num_cols, TRUE);
    if (opt.print_tree)
        print_stream = print_stream_text_stdio_new(stdout);

    proto_isl = proto_get_id_by_filter_name("iscsi_login");
    if (proto_isl >= 0)
        plugin_short_name = proto_get_protocol_short_name(find_protocol_by_id(proto_isl));
    else if (!opt.no_plugin) {
        fprintf(stderr, PROG ": the iscsi_login plugin is not loaded (WIRESHARK_PLUGIN_DIR=%s, uid %u)\n",
                g_getenv("WIRESHARK_PLUGIN_DIR") ? g_getenv("WIRESHARK_PLUGIN_DIR") : "", (unsigned)getuid());
        return 2;
    }
    table_uis = g_ptr_array_new();
    if (!opt.tables->len && !opt.no_plugin) {
        g_ptr_array_add(opt.tables, "iscsi,login");
        if (stat_tap_by_name("iscsi,sessions"))
            g_ptr_array_add(opt.tables, "iscsi,sessions");
    }
    for (guint i = 0; i < opt.tables->len; i++) {
        stat_tap_table_ui *ui = stat_tap_by_name(g_ptr_array_index(opt.tables, i));
        if (!ui) {
            fprintf(stderr, PROG ": no stat table %s registered\n", (char *)g_ptr_array_index(opt.tables, i));
            return 2;
        }
        g_ptr_array_add(table_uis, ui);
    }
    lsan_check = (int (*)(void))dlsym(RTLD_DEFAULT, "__lsan_do_recoverable_leak_check");
    if (opt.leak_every && !lsan_check)
        fprintf(stderr, PROG ": --leak-check-every: LeakSanitizer is not loaded; ignored\n");

    for (guint i = 0; i < paths->len; i++) {
        capture_t *c = capture_open(g_ptr_array_index(paths, i));
        if (!c)
            return 2;
        g_ptr_array_add(caps, c);
    }
    if (mutate) {
        muts = g_array_new(FALSE, TRUE, sizeof(mutation_t));
        if (opt.mutations) {
            char **specs = g_strsplit(opt.mutations, ",", -1);
            for (char **s = specs; *s; s++) {
                mutation_t m;
                if (!**s)
                    continue;
                if (!parse_mutation(*s, &m)) {
                    fprintf(stderr, PROG ": bad mutation %s\n", *s);
                    return 2;
                }
                g_array_append_val(muts, m);
            }
            g_strfreev(specs);
        } else {
            g_array_free(muts, TRUE);
            muts = default_mutations();
        }
        if (!muts->len) {
            fprintf(stderr, PROG ": no mutations\n");
            return 2;
        }
    }
    signal(SIGALRM, watchdog);

    start = now();
    if (!mutate) {
        for (guint i = 0; i < caps->len; i++) {
            capture_t *c = g_ptr_array_index(caps, i);
            g_snprintf(current_input, sizeof current_input, "%s", c->path);
            g_string_truncate(current_failure, 0);
            alarm(opt.timeout);
            dissect_input(c, c->recs);
            alarm(0);
            totals.inputs++;
            if (current_failure->len) {
                totals.failed++;
                printf("FAIL %s: %s\n", c->path, current_failure->str);
            } else if (opt.verbose) {
                printf("ok   %s\n", c->path);
            }
            fflush(stdout);
            if (lsan_check && opt.leak_every && totals.inputs % opt.leak_every == 0 && lsan_check()) {
                printf("LEAK reported after %s (inputs up to here)\n", c->path);
                status = 4;
                break;
            }
        }
        if (!status && lsan_check && opt.leak_every && totals.inputs % opt.leak_every && lsan_check()) {
            printf("LEAK reported in the last inputs\n");
            status = 4;
        }
    } else {
        guint64 nc = caps->len, nm = muts->len, last_check = opt.first, last_n = opt.first;
        guint64 n = opt.first;
        for (guint64 k = 0; k < opt.count; k++, n += opt.stride) {
            capture_t *c = g_ptr_array_index(caps, n % nc);
            mutation_t *m = &g_array_index(muts, mutation_t, (n / nc) % nm);
            guint64 seed = opt.seed + n;
            GRand *rng;
            GArray *recs;
            guint snaplen;
            const char *base;
            char *info;

            if (opt.seconds > 0 && now() - start >= opt.seconds)
                break;
            if (opt.max_failures && totals.failed >= opt.max_failures)
                break;
            base = strrchr(c->path, '/') ? strrchr(c->path, '/') + 1 : c->path;
            g_snprintf(current_input, sizeof current_input, "input %" G_GUINT64_FORMAT " (%s %s seed %" G_GUINT64_FORMAT ")",
                       n, base, m->label, seed);
            rng = g_rand_new_with_seed_array((const guint32[]){(guint32)seed, (guint32)(seed >> 32)}, 2);
            recs = mutate_capture(c, m, rng, &snaplen);
            g_rand_free(rng);
            info = g_strdup_printf("index %" G_GUINT64_FORMAT "\nsource %s\nmutation %s\nseed %" G_GUINT64_FORMAT
                                   "\nreproduce: %s --seed %" G_GUINT64_FORMAT " --first %" G_GUINT64_FORMAT
                                   " --count 1 --mutations %s %s\n",
                                   n, c->path, m->label, seed, PROG, opt.seed, n, m->label, c->path);
            /* with a single capture and mutation, input n maps to them for any n */
            if (opt.out) {
                write_sidecar(info);
                if (!write_capture(opt.out, c, recs, snaplen)) {
                    records_free(recs);
                    g_free(info);
                    status = 2;
                    break;
                }
            }
            g_string_truncate(current_failure, 0);
            alarm(opt.timeout);
            dissect_input(c, recs);
            alarm(0);
            totals.inputs++;
            if (current_failure->len) {
                char *name = g_strdup_printf("%.*s-%s-%" G_GUINT64_FORMAT ".pcap",
                                             (int)(strlen(base) - (g_str_has_suffix(base, ".pcap") ? 5 : 0)), base,
                                             m->label, seed);
                char *full = g_strdup_printf("%sfailure: %s\n", info, current_failure->str);
                totals.failed++;
                printf("FAIL %s: %s\n", current_input, current_failure->str);
                keep_failure(name, opt.out, full);
                g_free(full);
                g_free(name);
            } else if (opt.verbose) {
                printf("ok   %s\n", current_input);
            }
            fflush(stdout);
            records_free(recs);
            g_free(info);
            last_n = n;
            if (lsan_check && opt.leak_every && totals.inputs % opt.leak_every == 0) {
                if (lsan_check()) {
                    printf("LEAK reported in inputs %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                           " (stride %" G_GUINT64_FORMAT ")\n", last_check, n, opt.stride);
                    status = 4;
                    break;
                }
                last_check = n + opt.stride;
            }
        }
        /* the inputs after the last periodic check, before the teardown */
        if (!status && lsan_check && opt.leak_every && totals.inputs % opt.leak_every && lsan_check()) {
            printf("LEAK reported in inputs %" G_GUINT64_FORMAT "..%" G_GUINT64_FORMAT
                   " (stride %" G_GUINT64_FORMAT ")\n", last_check, last_n, opt.stride);
            status = 4;
        }
    }
    elapsed = now() - start;
    g_snprintf(current_input, sizeof current_input, "(cleanup)");

    summary = opt.print_tree || opt.print_tables ? stderr : stdout;
    fprintf(summary, PROG ": %" G_GUINT64_FORMAT " %s inputs, %" G_GUINT64_FORMAT " frames, %.1f s, %.1f inputs/s; "
           "failures %" G_GUINT64_FORMAT "; frames where the plugin threw %" G_GUINT64_FORMAT
           "; plugin labels not UTF-8 %" G_GUINT64_FORMAT "; items %" G_GUINT64_FORMAT "; digest %016" G_GINT64_MODIFIER "x",
           totals.inputs, mutate ? "mutated" : "unmodified", totals.frames, elapsed,
           elapsed > 0 ? (double)totals.inputs / elapsed : 0.0, totals.failed, totals.exception_frames,
           wstats.bad_utf8, wstats.items, digest);
    if (mutate)
        fprintf(summary, "; seed %" G_GUINT64_FORMAT, opt.seed);
    fprintf(summary, "\n");
    fflush(summary);

    if (muts)
        g_array_free(muts, TRUE);
    g_ptr_array_free(caps, TRUE);
    g_ptr_array_free(paths, TRUE);
    g_ptr_array_free(table_uis, TRUE);
    g_ptr_array_free(opt.tables, TRUE);
    if (print_stream)
        destroy_print_stream(print_stream);
    col_cleanup(&cinfo);
    epan_cleanup();
    wtap_cleanup();
    free_progdirs();
    g_string_free(current_failure, TRUE);
    current_failure = NULL;
    if (status == 4) {
        /* LeakSanitizer's check at exit would report the same leaks again
         * and turn the exit status into its own. */
        fflush(NULL);
        _exit(4);
    }
    if (status)
        return status;
    return totals.failed ? 1 : 0;
}
