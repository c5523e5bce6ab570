/* faxgate — decode: passive T.30 decoding of a recorded call (both directions mixed).
 *
 * V.21 channel 2 HDLC for the T.30 control frames; after a DCS, the page modem it
 * names (V.27ter, V.29, V.17) and a T.4/T.6 decoder for the image. Input is 8 kHz
 * audio from a WAV file (libsndfile: 16-bit, float, mono) or the RTP G.711 streams
 * inside a pcap (each SSRC decoded on its own). WAV files at other common rates are
 * resampled and their channels summed.
 */
#ifndef FAXGATE_DECODE_H
#define FAXGATE_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "faxgate/error.h"
#include "faxgate/page.h"

typedef struct fg_t30_frame {
    double at;                 /* seconds from the start of the stream */
    char name[8];              /* "DIS", "TSI", "DCS", "CFR", "MCF", "DCN", … */
    uint8_t raw[256];
    int len;
    bool crc_ok;
    char info[128];            /* decoded content: ident text, DCS summary, … */
    char from[8];              /* "caller", "called" or "" (from the X bit and the frame type) */
} fg_t30_frame;

/* Caps on what one stream may hold (hostile or endless input). */
#define FG_DECODE_MAX_SECONDS 3600
#define FG_DECODE_MAX_FRAMES 4096
#define FG_DECODE_MAX_STREAMS 32

typedef struct fg_decode_page_info {
    double at;                 /* seconds: start of the page's first image burst */
    double seconds;            /* from there to the end of the page */
    int bad_rows;              /* rows the T.4/T.6 decoder had to repair */
    int longest_bad_run;
    bool ecm;
    char modem[16];            /* "V.17 14400" */
    char coding[8];            /* "T.4 1D", "T.4 2D", "T.6" */
} fg_decode_page_info;

typedef struct fg_decode_burst {   /* a tone, or an image-modem carrier that trained */
    double at, seconds;
    char modem[16];            /* "V.29 9600"; for tones the frequency, "1100 Hz" */
    char what[8];              /* "CNG", "CED", "ANSam", "TCF", "image", "ECM" */
    char info[64];             /* "1.50 s of data, 0 of 14400 bits wrong", "1143 rows, T.4 1D" */
} fg_decode_burst;

typedef struct fg_decode_result {
    fg_t30_frame *frames;
    size_t n_frames;
    fg_page **pages;           /* decoded pages, in order */
    size_t n_pages;
    char tsi[21], csi[21];
    char dcs[160];
    char nsf_vendor[64];
    char stream[64];           /* "file.wav" or "pcap RTP SSRC 0x1234 port 4000" */
    fg_decode_page_info *page_info; /* n_pages entries, parallel to pages */
    fg_decode_burst *bursts;   /* tones and image-modem bursts, in time order */
    size_t n_bursts;
    double seconds;            /* length of the decoded audio */
    unsigned long rtp_packets, rtp_lost; /* pcap: packets of this stream, sequence gaps */
    unsigned long udp_skipped; /* pcap: UDP datagrams in the file that were not G.711 RTP */
} fg_decode_result;

/** Decodes 8 kHz linear samples at any level; overwrites *out (free it with fg_decode_result_clear). */
fg_err fg_decode_samples(const int16_t *samples, size_t n, fg_decode_result *out);

/** Decodes a WAV file (any format libsndfile reads; 8 kHz or a common higher rate, any channels). */
fg_err fg_decode_wav(const char *path, fg_decode_result *out);

/** Decodes the RTP G.711 (PCMU/PCMA) streams of a pcap; one result per stream in *out (free each, then
    the array); FG_ERR_NOTFOUND when the capture holds no such stream. */
fg_err fg_decode_pcap(const char *path, fg_decode_result **out, size_t *n_out);

/** Frees what a result owns and zeroes it. */
void fg_decode_result_clear(fg_decode_result *r);

/** Prints the frames as a readable trace ("12.345s  DCS  V.17 14400, fine, T.6, ECM"). */
void fg_decode_print(const fg_decode_result *r, FILE *f);

#endif
