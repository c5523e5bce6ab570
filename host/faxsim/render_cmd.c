/* faxsim render — a text file as a received fax page (TIFF G4), for fixtures, tests and the demo. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "faxgate/error.h"
#include "faxgate/page.h"
#include "faxsim.h"
#include "render.h"

static void render_usage(FILE *f)
{
    fprintf(f,
            "usage: faxsim render [OPTIONS] TEXT-FILE OUT.tif\n"
            "Renders a UTF-8 text file as a one-page fax (1728 pixels wide at 204 dpi, TIFF G4).\n"
            "TEXT-FILE may be '-' for standard input.\n"
            "\n"
            "  --font NAME        font family (default DejaVu Sans; also DejaVu Serif/Sans Mono,\n"
            "                     Liberation Sans/Serif/Mono, sans-serif, serif, monospace)\n"
            "  --size PT          body size in points, 4..72 (default 11)\n"
            "  --res standard|fine  98 or 196 lines per inch (default fine)\n"
            "  --paper a4|letter  page length (default a4)\n"
            "  --noise LEVEL      speckles per cm2, or light (1), medium (4), heavy (12); default 0\n"
            "  --seed N           noise seed: the same seed gives the same page (default 1)\n"
            "  --skew DEG         rotate the document, -45..45 degrees clockwise (default 0)\n"
            "  --header TEXT      fax header line at the top, as the sending machine prints it\n"
            "  --stripes          diagonal stripes down the left margin\n"
            "  --logo             a halftone logo box above the text\n"
            "  --title            the first line is a large bold heading\n"
            "  --align left|center|right  default alignment (default left)\n"
            "  --margin MM        left and right margins (default 20)\n"
            "  --top MM           space above the first line (default 15)\n"
            "  --no-wrap          cut long lines at the margin instead of wrapping them\n"
            "  --threshold N      grey level 1..255 that becomes black (default 112)\n"
            "\n"
            "Markup, at the start of a line: '# ' large bold heading, '## ' medium bold heading,\n"
            "'! ' bold, '> ' right-aligned, '^ ' centred ('> ## Text' combines), '---' a rule,\n"
            "'\\' the rest literally. Blank lines are kept.\n");
}

/* A whole number or decimal within [lo, hi], or a named level. */
static int parse_num(const char *opt, const char *s, double lo, double hi, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= lo && v <= hi)) {
        fprintf(stderr, "faxsim render: %s '%s': expected a number from %.15g to %.15g%s\n", opt, s, lo, hi,
                strcmp(opt, "--noise") ? "" : ", or none, light, medium, heavy");
        return -1;
    }
    *out = v;
    return 0;
}

static int parse_noise(const char *s, double *out)
{
    static const struct {
        const char *name;
        double v;
    } named[] = {{"none", 0}, {"light", 1}, {"medium", 4}, {"heavy", 12}};

    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        if (!strcasecmp(s, named[i].name)) {
            *out = named[i].v;
            return 0;
        }
    return parse_num("--noise", s, 0, 200, out);
}

/* The whole file, capped one byte past the render limit so that too big is detectable. */
static char *read_text(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    size_t cap = (size_t)FG_RENDER_MAX_TEXT + 1, n;
    char *buf;

    if (!f) {
        fprintf(stderr, "faxsim render: cannot read %s: %s\n", path, strerror(errno));
        return NULL;
    }
    if (!(buf = malloc(cap))) {
        fprintf(stderr, "faxsim render: out of memory\n");
        if (f != stdin)
            fclose(f);
        return NULL;
    }
    n = fread(buf, 1, cap, f);
    if (ferror(f)) {
        fprintf(stderr, "faxsim render: cannot read %s: %s\n", path, strerror(errno ? errno : EIO));
        free(buf);
        buf = NULL;
    }
    if (f != stdin)
        fclose(f);
    *len = n;
    return buf;
}

enum { O_FONT = 256, O_SIZE, O_RES, O_PAPER, O_NOISE, O_SEED, O_SKEW, O_HEADER, O_STRIPES, O_LOGO, O_TITLE,
       O_ALIGN, O_MARGIN, O_TOP, O_NOWRAP, O_THRESHOLD };

static const struct option longopts[] = {
    {"font", required_argument, NULL, O_FONT},       {"size", required_argument, NULL, O_SIZE},
    {"res", required_argument, NULL, O_RES},         {"paper", required_argument, NULL, O_PAPER},
    {"noise", required_argument, NULL, O_NOISE},     {"seed", required_argument, NULL, O_SEED},
    {"skew", required_argument, NULL, O_SKEW},       {"header", required_argument, NULL, O_HEADER},
    {"stripes", no_argument, NULL, O_STRIPES},       {"logo", no_argument, NULL, O_LOGO},
    {"title", no_argument, NULL, O_TITLE},           {"align", required_argument, NULL, O_ALIGN},
    {"margin", required_argument, NULL, O_MARGIN},   {"top", required_argument, NULL, O_TOP},
    {"no-wrap", no_argument, NULL, O_NOWRAP},        {"threshold", required_argument, NULL, O_THRESHOLD},
    {"help", no_argument, NULL, 'h'},                {NULL, 0, NULL, 0},
};

/* Applies one option to o; 0 when it was understood, -1 after printing why not. */
static int apply_opt(int c, const char *arg, fg_render_opts *o)
{
    double v;

    switch (c) {
    case O_FONT:
        o->font = arg;
        return 0;
    case O_SIZE:
        return parse_num("--size", arg, 4, 72, &o->size_pt);
    case O_RES:
        if (!strcasecmp(arg, "standard") || !strcmp(arg, "98"))
            o->yres = 98;
        else if (!strcasecmp(arg, "fine") || !strcmp(arg, "196"))
            o->yres = 196;
        else
            break;
        return 0;
    case O_PAPER:
        if (!strcasecmp(arg, "a4"))
            o->paper = FG_PAPER_A4;
        else if (!strcasecmp(arg, "letter"))
            o->paper = FG_PAPER_LETTER;
        else
            break;
        return 0;
    case O_NOISE:
        return parse_noise(arg, &o->noise);
    case O_SEED: {
        char *end;

        errno = 0;
        o->seed = strtoull(arg, &end, 10);
        if (errno || end == arg || *end || arg[0] == '-')
            break;
        return 0;
    }
    case O_SKEW:
        return parse_num("--skew", arg, -45, 45, &o->skew_deg);
    case O_HEADER:
        o->header = arg;
        return 0;
    case O_STRIPES:
        o->stripes = true;
        return 0;
    case O_LOGO:
        o->logo = true;
        return 0;
    case O_TITLE:
        o->title = true;
        return 0;
    case O_ALIGN:
        if (!strcasecmp(arg, "left"))
            o->align = FG_ALIGN_LEFT;
        else if (!strcasecmp(arg, "center") || !strcasecmp(arg, "centre"))
            o->align = FG_ALIGN_CENTER;
        else if (!strcasecmp(arg, "right"))
            o->align = FG_ALIGN_RIGHT;
        else
            break;
        return 0;
    case O_MARGIN:
        return parse_num("--margin", arg, 0, 80, &o->margin_left_mm);
    case O_TOP:
        return parse_num("--top", arg, 0, 120, &o->margin_top_mm);
    case O_NOWRAP:
        o->wrap = false;
        return 0;
    case O_THRESHOLD:
        if (parse_num("--threshold", arg, 1, 255, &v))
            return -1;
        o->threshold = (int)v;
        return 0;
    }
    fprintf(stderr, "faxsim render: '%s' is not a valid value here; see faxsim render --help\n", arg);
    return -1;
}

int fg_sim_render_main(int argc, char **argv)
{
    fg_render_opts o;
    fg_render_info info;
    fg_page *page = NULL;
    char actual[128], *text;
    bool exact = true;
    size_t len;
    fg_err e;
    int c;

    fg_render_opts_init(&o);
    o.seed = 1;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        if (c == 'h') {
            render_usage(stdout);
            return 0;
        }
        if (c == '?' || c == ':') {
            fprintf(stderr, "faxsim render: unknown option or missing value: %s\n", argv[optind - 1]);
            render_usage(stderr);
            return 2;
        }
        if (apply_opt(c, optarg, &o))
            return 2;
    }
    if (argc - optind != 2) {
        fprintf(stderr, "faxsim render: expected TEXT-FILE and OUT.tif\n");
        render_usage(stderr);
        return 2;
    }
    /* fontconfig always answers with some font: say so when it is not the one asked for. */
    if ((e = fg_render_font_match(o.font, false, actual, sizeof actual, &exact))) {
        fprintf(stderr, "faxsim render: %s\n", fg_err_msg(e));
        return 1;
    }
    if (!exact)
        fprintf(stderr,
                "faxsim render: warning: font '%s' is not installed; fontconfig substituted '%s' "
                "(fc-list : family lists the installed families)\n",
                o.font, actual);
    if (!(text = read_text(argv[optind], &len)))
        return 1;
    if (len > FG_RENDER_MAX_TEXT) {
        fprintf(stderr, "faxsim render: %s is larger than %d bytes; a fax page holds far less\n", argv[optind],
                FG_RENDER_MAX_TEXT);
        free(text);
        return 1;
    }
    e = fg_render_text_info(text, len, &o, &page, &info);
    free(text);
    if (e) {
        fprintf(stderr, "faxsim %s (input %s)\n", fg_err_msg(e), argv[optind]);
        return 1;
    }
    if (info.lines_cut)
        fprintf(stderr, "faxsim render: warning: %d line%s did not fit on the page and %s left out\n",
                info.lines_cut, info.lines_cut > 1 ? "s" : "", info.lines_cut > 1 ? "were" : "was");
    e = fg_page_write_tiff(page, argv[optind + 1], false);
    fg_page_free(page);
    if (e) {
        fprintf(stderr, "faxsim render: %s\n", fg_err_msg(e));
        return 1;
    }
    return 0;
}
