/* tsb85 — plays SpanDSP's ECMA TSB-85 fax test scripts against faxgated as the device under test.
 *
 * The runner is the test terminal: it calls the gateway over an AudioSocket line and, step by
 * step, sends what the script says (tones, V.21 HDLC frames, TCF and image data on the fast
 * modems, silence) and checks what comes back (CED, V.21 frames with their content, silence, the
 * call being cleared, the T.30 result the gateway recorded). Time is line time: every 20 ms of
 * audio sent is answered by 20 ms from the gateway, so a script's waits and timeouts are exact
 * and a run takes far less wall time than the calls it plays.
 */
#ifndef TSB85_H
#define TSB85_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes the reason (printf-style) into err, of cap bytes; returns -1, for "return tsb_fail(...)". */
int tsb_fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#define TSB_RATE 8000
#define TSB_BLOCK 160                  /* samples per exchange: 20 ms */
#define TSB_MS(n) ((long)(n) * (TSB_RATE / 1000))

/* ---- the script ------------------------------------------------------------------------- */

typedef struct tsb_step {
    int line;                          /* in the XML file, for messages */
    char dir;                          /* 'T' the tester sends, 'R' the tester expects, 0 neither */
    char *type, *modem, *tag, *value, *alt_value, *pattern, *bad_rows, *min_bits, *compression;
    int timein, timeout;               /* ms, -1 when not given */
    int crc_error;                     /* -1 none, else the frame is sent with a bad FCS */
    int frame_size, block;             /* ECM (PP): octets per frame, which block; -1 not given */
    int repeat;                        /* inside <repeat> number n (1, 2 …), 0 outside */
    int repeat_max;                    /* that repeat's max, -1 unbounded */
    long gap_min, gap_max;             /* a <check> "… interval must be between A s and B s": ms
                                          of silence before this frame's preamble; -1 none */
} tsb_step;

typedef struct tsb_test {
    char *name;
    char *group;                       /* the <test-group> it is in */
    tsb_step *steps;
    int nsteps;
    char *unsupported;                 /* why the script cannot be played as written, or NULL */
} tsb_test;

typedef struct tsb_script {
    char *image_dir;                   /* the config's IMAGE path, relative to the script */
    tsb_test *tests;
    int ntests;
} tsb_script;

/* Reads the test groups whose names start with one of `groups` from FILE (validated against its
   DTD), in the file's order. Returns 0, or -1 with the reason in err. */
int tsb_script_load(const char *file, const char *const *groups, int ngroups, tsb_script *s, char *err,
                    size_t errcap);
void tsb_script_free(tsb_script *s);

/* ---- audio to send ------------------------------------------------------------------------ */

typedef struct tsb_audio {
    int16_t *amp;
    size_t len, cap, pos;              /* [pos, len) not yet sent */
} tsb_audio;

int tsb_audio_silence(tsb_audio *a, long samples);
/* One V.21 HDLC transmission: runs of flags (frame NULL) and frames (with a bad FCS if asked). */
typedef struct tsb_hdlc_item {
    int flags;
    const uint8_t *frame;
    int len;
    bool bad_fcs;
} tsb_hdlc_item;
int tsb_audio_v21_burst(tsb_audio *a, const tsb_hdlc_item *items, int nitems);
/* Bits (sent LSB first) on a fast modem, "V.27ter/4800", "V.29/9600", "V.17/14400" …, with the
   modem's training before and its turn-off sequence after. long_train: V.17 long training. */
int tsb_audio_fast(tsb_audio *a, const char *modem, const uint8_t *bits, size_t nbytes, bool long_train,
                   bool msb_first, char *err, size_t errcap);
/* The octets of an HDLC transmission (sent MSB first, as hdlc_tx gives them). */
int tsb_hdlc_octets(const tsb_hdlc_item *items, int nitems, uint8_t **out, size_t *len);
/* The bit rate of a fast modem name, 0 if unknown. */
int tsb_modem_rate(const char *modem);
void tsb_audio_free(tsb_audio *a);

/* ---- what comes back ---------------------------------------------------------------------- */

typedef struct tsb_frame {
    uint8_t buf[256];
    int len;
    long end;                          /* line time (samples) when its closing flag arrived */
    long start;                        /* … and its first bit after the opening flags */
    long burst_on;                     /* when the signal it came in began (its preamble) */
    long quiet_from;                   /* when the line went quiet before that, -1 if never */
    bool first_in_burst;
} tsb_frame;

typedef struct tsb_rx tsb_rx;

tsb_rx *tsb_rx_new(void);
void tsb_rx_free(tsb_rx *r);
void tsb_rx_audio(tsb_rx *r, const int16_t *amp, int n, long now);
/* V.21 frames with a good FCS, oldest first; false when none is waiting. */
bool tsb_rx_frame(tsb_rx *r, tsb_frame *f);
void tsb_rx_drop_frames(tsb_rx *r);
/* Puts a frame back at the head of the queue (an optional step that did not match it). */
void tsb_rx_unget(tsb_rx *r, const tsb_frame *f);
int tsb_rx_bad_frames(const tsb_rx *r);
bool tsb_rx_carrier(const tsb_rx *r);  /* V.21 carrier present */
/* CED: on/off line times (-1 if not seen yet). */
void tsb_rx_ced(const tsb_rx *r, long *on, long *off);
void tsb_rx_ced_reset(tsb_rx *r);
/* Whether the line carries more than -43 dBm0 now, and when that last began and ended. */
bool tsb_rx_loud(const tsb_rx *r, long *on, long *off);

/* ---- images ------------------------------------------------------------------------------- */

/* Finds NAME in dir, or makes it in tmpdir when it is one of the pages the runner can make
   (WHITE, WHITE_2P, DIAGO1, DIAGO2, STAIRSTEP). Returns 0 with the path, or -1 with why not. */
int tsb_image_path(const char *dir, const char *tmpdir, const char *name, char *path, size_t cap, char *err,
                   size_t errcap);
/* Page 1 of a TIFF coded for the line (LSB first): T.4 1D unless compression says "T.4 2D" or
   "T.6", rows padded to min_bits; the rows named in bad_rows (1-based, comma separated) get their
   first bit after the EOL inverted. */
int tsb_image_encode(const char *path, const char *compression, int min_bits, const char *bad_rows, uint8_t **out,
                     size_t *len, char *err, size_t errcap);

/* ---- the T.30 result the gateway recorded --------------------------------------------------- */

/* SpanDSP's completion code for a TSB-85 STATUS name ("OK", "RETRYDCN" …), -1 if unknown. */
int tsb_status_code(const char *name);
/* Waits up to wait_s for the call with this AudioSocket UUID to be finished in the store and
   gives its T.30 completion code. Returns 0, or -1 with why not. */
int tsb_store_t30_code(const char *db, const char *uuid, int wait_s, int *code, char *err, size_t errcap);

/* Every complete page the gateway stored for the call (its page file, named in the store) must
   be, pel for pel, one of the pages sent (page 1 of each file). *checked says how many were. */
int tsb_store_pages_match(const char *db, const char *uuid, const char *const *sent, int nsent, int *checked,
                          char *err, size_t errcap);

/* ---- running a test ----------------------------------------------------------------------- */

typedef struct tsb_opts {
    const char *line;                  /* audiosocket://HOST:PORT of the gateway */
    const char *store;                 /* the gateway's SQLite store, for STATUS; NULL: not checked */
    const char *image_dir;
    const char *tmpdir;
    bool optional_nsf;                 /* an R HDLC NSF step passes when the gateway sends none */
    int verbose;
} tsb_opts;

typedef enum { TSB_PASS, TSB_FAIL, TSB_NOT_RUN } tsb_result;

/* Plays one test; why says what failed or why it was not run. */
tsb_result tsb_run_test(const tsb_opts *o, const tsb_test *t, char *why, size_t whycap);

#endif
