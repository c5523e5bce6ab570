/* tsb85 — what the parts of a test run share: the runner's state and its helpers. */
#ifndef TSB85_RUN_IMPL_H
#define TSB85_RUN_IMPL_H

#include <spandsp.h>

#include "faxgate/line.h"
#include "tsb85.h"

#define REPLY_WAIT_MS 20000       /* wall time the gateway may take to answer one block */
#define DEFAULT_R_TIMEOUT 7000    /* SpanDSP's tester: every receive step has a timeout */
#define STATUS_WAIT_S 60          /* the gateway records the call once page 1 is judged */

typedef struct runner {
    const tsb_opts *o;
    const tsb_test *t;
    fg_line *ln;
    bool gone;                    /* the gateway ended the call */
    bool listening;               /* frames that arrive now are kept for R steps */
    tsb_audio tx;
    tsb_rx *rx;
    long now;                     /* line time, samples */
    char *why;
    size_t whycap;
    char uuid[64];
    long ced_end;                 /* when CED ended, until the first frame after it is seen */
    int cleared;                  /* 0 on the line; 1 the gateway hung up first; 2 the tester did */
    long release_ms;              /* wall ms the gateway took to close after the tester hung up */
    modem_connect_tones_tx_state_t *cng;   /* T CNG: the calling tone, until CED is heard */
    char *sent[16];               /* the page files sent, to compare with what the gateway stored */
    int nsent;
    bool damaged;                 /* a page went out with rows or frames broken on purpose, or was
                                     pieced together from blocks of different codings */
    char ecm_page[4400];          /* the file and coding of the ECM page being sent in blocks */
    int ecm_next;                 /* the block that would continue it; 0: no page open */
} runner;

typedef struct pattern {
    uint8_t b[256], mask[256];
    int len;
    bool more;                    /* "...": further bytes allowed */
} pattern;

/* line.c: the exchange with the gateway */
tsb_result run_failed(runner *r, const tsb_step *st, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int run_tick(runner *r);
int run_flush(runner *r);
void run_stop_cng(runner *r);

/* frames.c: the frames a script writes */
int run_parse_pattern(const char *s, pattern *p);
bool run_matches(const pattern *p, const tsb_frame *f);
const char *run_show(const tsb_frame *f, char *buf, size_t cap);
long run_timeout_of(const tsb_step *st);

/* expect.c: the R steps and STATUS */
tsb_result run_expect_frame(runner *r, const tsb_step *st);
tsb_result run_expect_ced(runner *r, const tsb_step *st);
tsb_result run_expect_silence(runner *r, const tsb_step *st);
tsb_result run_tester_clears(runner *r);
tsb_result run_expect_clear(runner *r, const tsb_step *st);
tsb_result run_check_status(runner *r, const tsb_step *st);
/* Whether the gateway's next frame is the first step of an optional <repeat> (1), or not (0). */
int run_repeat_wanted(runner *r, const tsb_step *first, const tsb_step *after);

/* send.c: the T steps */
tsb_result run_send_burst(runner *r, int *i);
tsb_result run_send_tcf(runner *r, const tsb_step *st);
tsb_result run_send_page(runner *r, const tsb_step *st);
void run_sent(runner *r, const char *path, bool damaged);

#endif
