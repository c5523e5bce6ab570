/* faxgate — decode internals shared by decode.c (DSP and state) and decode_t30.c (frame content). */
#ifndef FAXGATE_DECODE_IMPL_H
#define FAXGATE_DECODE_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <spandsp.h>
#include "faxgate/decode.h"
#include "t4_decoder.h"

#define FG_DEC_RATE 8000
#define FG_DEC_ECM_PAGE_MAX (4u << 20)   /* compressed octets of one ECM page */

enum { FG_DEC_NONE = 0, FG_DEC_V27TER, FG_DEC_V29, FG_DEC_V17, FG_DEC_UNSUPPORTED };

/* What a DCS (or the rate part of a CTC) commands for the image that follows. */
typedef struct fg_dec_params {
    int modem;          /* FG_DEC_* */
    int rate;           /* bits per second */
    int encoding;       /* T4_COMPRESSION_ITU_T4_1D/2D/T6, or 0 for a coding we cannot decode (JBIG, JPEG) */
    int width;          /* pixels */
    int xdpi, ydpi;
    int t4_xres, t4_yres; /* the same in SpanDSP's pixels-per-metre codes */
    bool ecm;
} fg_dec_params;

enum { FG_DEC_BURST_TCF = 1, FG_DEC_BURST_IMAGE, FG_DEC_BURST_ECM };

typedef struct fg_dec_tone {
    long idx;                     /* the tone's current event in out->bursts, or -1 */
    int count;
    bool on;
} fg_dec_tone;

/* One decoding: the modems, what the last DCS commanded, the burst and page being received. */
typedef struct fg_dec {
    fg_decode_result *out;
    size_t frames_cap, pages_cap, bursts_cap;
    fg_err err;
    uint64_t now;                 /* samples consumed so far */

    fsk_rx_state_t *v21;
    hdlc_rx_state_t *v21_hdlc;
    modem_connect_tones_rx_state_t *cng, *ans;
    fg_dec_tone tt[2];             /* CNG, CED/ANSam */
    power_meter_t *level;         /* of the input as recorded, for the tones' levels */
    v17_rx_state_t *v17;
    v29_rx_state_t *v29;
    v27ter_rx_state_t *v27;
    hdlc_rx_state_t *ecm_hdlc;
    fg_dec_params p;              /* from the last DCS */
    char modem[16];

    /* the current image-modem burst */
    uint64_t carrier_at;
    bool trained;
    int kind;
    uint64_t burst_at, bits, ones, zeros, most_zeros;
    int burst_frames;
    int burst_rows;
    bool expect_tcf;              /* a DCS was seen and no CFR yet: the next burst is training */
    uint64_t retry_burst, retry_at; /* a burst whose training failed; where to hear it again from */
    int retries;

    /* T.4 decoding */
    fg_t4dec t4d;
    uint8_t *rows;
    size_t n_rows, rows_cap, row_bytes;
    bool page_open, page_full, page_rtc;
    double page_at;
    long last_page_unsure;        /* index of a page that ended without RTC, until MPS/EOP says it ended */

    /* ECM: the block being received, and the page assembled from finished blocks */
    uint8_t *blk;                 /* 256 frames of up to 256 octets */
    int16_t blk_len[256];
    bool blk_any, pps_pending;
    uint8_t pps_fcf2, pps_page, pps_block;
    int pps_frames;
    uint8_t *ecm;
    size_t ecm_len;
    bool ecm_overflow, ecm_started;
    double ecm_at;
} fg_dec;

/** Seconds from a sample count. */
double fg_dec_secs(uint64_t samples);

/** Grows a zero-filled array to hold need elements; false (and d->err set) when out of memory. */
bool fg_dec_grow(fg_dec *d, void **arr, size_t *cap, size_t need, size_t size);

/** True for MPS, EOP, EOM and their PRI- forms: the sender says a page ended. */
bool fg_dec_end_of_page(uint8_t fcf);

/** Starts a non-ECM page at the current image burst. */
void fg_dec_page_begin(fg_dec *d);

/** One image bit of a non-ECM page; ends the page at RTC or at the row cap. */
void fg_dec_page_bit(fg_dec *d, int bit);

/** Ends an open non-ECM page; partial when nothing (RTC, MPS/EOP) said it was complete. */
void fg_dec_page_end(fg_dec *d, bool partial);

/** HDLC handler for the image modem in ECM: keeps the FCD frames of the current block. */
void fg_dec_ecm_frame(void *user, const uint8_t *msg, int len, int ok);

/** A PPS or EOR frame: notes the block it closes (committing an unanswered earlier one). */
void fg_dec_ecm_pps(fg_dec *d, const uint8_t *fr, int len);

/** The receiver answered the last PPS/EOR: the block is final, and maybe the page. */
void fg_dec_ecm_answered(fg_dec *d);

/** Decodes the ECM page assembled so far (if any) into a page. */
void fg_dec_ecm_page_end(fg_dec *d, bool partial);

/** Whether ECM data is waiting to become a page. */
bool fg_dec_ecm_pending(const fg_dec *d);

/** Forgets the current ECM block. */
void fg_dec_ecm_reset(fg_dec *d);

/** Frees the T.4 decoder, its temporary folder and the page buffers. */
void fg_dec_page_cleanup(fg_dec *d);

/** Modem and rate named by the rate bits (11-14) of a DCS or CTC; false if the frame is too short. */
bool fg_dec_parse_rate(const uint8_t *fr, int len, fg_dec_params *p);

/** Reads everything a DCS commands; false if the frame is too short to be a DCS. */
bool fg_dec_parse_dcs(const uint8_t *fr, int len, fg_dec_params *p);

/** "V.17 14400" for the modem and rate of p. */
void fg_dec_modem_str(const fg_dec_params *p, char *out, size_t cap);

/** "T.4 1D", "T.4 2D", "T.6" or "?" for a SpanDSP T4_COMPRESSION_* value. */
const char *fg_dec_coding_str(int encoding);

/** The identity in a CSI/TSI/CIG/… frame, in reading order (T.30 sends it last character first). */
void fg_dec_ident(const uint8_t *fr, int len, char *out, size_t cap);

/** Fills f->name, f->from and f->info from f->raw and f->len. */
void fg_dec_describe(fg_t30_frame *f);

/** Vendor (and country, model) of an NSF/NSS/NSC frame as one line; false if unknown. */
bool fg_dec_vendor(const uint8_t *fr, int len, char *out, size_t cap);

#endif
