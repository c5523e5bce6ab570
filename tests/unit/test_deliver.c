/* faxgate — delivery: PDF rendering, the spool folder, and a real IPP printer (ippeveprinter). */
#include <arpa/inet.h>
#include <cups/cups.h>
#include <cups/raster.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "faxgate/deliver.h"
#include "faxgate/page.h"
#include "faxgate/hal.h"
#include "testutil.h"

/* ---- what the tests started, stopped even when a test aborts ---- */

static pid_t printer_pid;    /* ippeveprinter of the current test */
static char dnssd_state[256];  /* tests/dnssd.sh's record of the daemons it started for us */

static void stop_printer(void)
{
    pid_t pid = printer_pid;

    if (pid <= 0)
        return;
    printer_pid = 0;
    kill(pid, SIGTERM);
    for (int i = 0; i < 50; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid)
            return;
        usleep(100000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

/* Runs tests/dnssd.sh stop: fork and exec only, so that it is safe in a signal handler too. */
static void stop_dnssd(void)
{
    pid_t pid;

    if (!dnssd_state[0])
        return;
    if ((pid = fork()) == 0) {
        execl("/bin/sh", "sh", "tests/dnssd.sh", "stop", dnssd_state, (char *)NULL);
        _exit(127);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    dnssd_state[0] = '\0';
}

static void on_fatal(int sig)
{
    /* only async-signal-safe calls: kill what we started, then die as we would have */
    if (printer_pid > 0)
        kill(printer_pid, SIGKILL);
    stop_dnssd();
    signal(sig, SIG_DFL);
    raise(sig);
}

static void cleanup_at_exit(void)
{
    stop_printer();
    stop_dnssd();
}

/* ---- fixtures ---- */

typedef struct fixture {
    char dir[256];
    char tiff[300];
    char mnt[300];   /* tmpfs mounted by a test, "" if none */
} fixture;

static void fill(fg_page *p, int x0, int y0, int x1, int y1)
{
    for (int y = y0; y < y1 && y < p->height; y++)
        for (int x = x0; x < x1 && x < p->width; x++)
            p->bits[(size_t)y * (size_t)p->stride + (size_t)(x >> 3)] |= (uint8_t)(0x80 >> (x & 7));
}

/* Two pages 285 mm long (a Letter-length fax), one fine and one standard, with marks at known
   places. */
static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    fg_page *p;

    if (!f || fg_test_tmpdir(f->dir, sizeof f->dir) != 0)
        return -1;
    snprintf(f->tiff, sizeof f->tiff, "%s/fax.tif", f->dir);
    if (fg_page_new(1728, 2200, 204, 196, &p))
        return -1;
    fill(p, 0, 100, 3, 400);        /* a thin bar at the very left: shows a wrong bit order */
    fill(p, 200, 200, 1500, 260);
    if (fg_page_write_tiff(p, f->tiff, false))
        return -1;
    fg_page_free(p);
    if (fg_page_new(1728, 1100, 204, 98, &p))
        return -1;
    fill(p, 100, 500, 1600, 540);
    if (fg_page_write_tiff(p, f->tiff, true))
        return -1;
    fg_page_free(p);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;

    stop_printer();
    if (f->mnt[0] && umount2(f->mnt, MNT_DETACH) != 0)
        fprintf(stderr, "# could not unmount %s: %s\n", f->mnt, strerror(errno));
    fg_test_rm_rf(f->dir);
    free(f);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    cleanup_at_exit();
    return 0;
}

/* ---- checking PDFs ---- */

static bool have(const char *tool)
{
    char cmd[128];

    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", tool);
    return system(cmd) == 0;
}

/* Pages of a PDF and the size of each in points: pdfinfo's reading, or without it the MediaBox
   of each page object as cairo writes it ("/Type /Page ... /MediaBox [ 0 0 W H ]"). A page
   whose size cannot be read fails the test: no size assert is ever skipped quietly. */
static int pdf_pages(const char *path, double w[], double h[], int max)
{
    char cmd[1024], line[512];
    int n = 0;
    FILE *p;

    if (!have("pdfinfo")) {
        size_t len;
        char *s = fg_test_read_file(path, &len), *at = s;

        assert_non_null(s);
        /* memmem, not strstr: the image streams hold NUL bytes */
        while ((at = memmem(at, len - (size_t)(at - s), "/Type /Page", 11)) && n < max) {
            const char *box, *end;
            double x0, y0;

            at += 11;
            if (*at == 's')
                continue;
            end = memmem(at, len - (size_t)(at - s), ">>", 2);
            box = memmem(at, len - (size_t)(at - s), "/MediaBox [", 11);
            if (!box || (end && box > end) || sscanf(box, "/MediaBox [ %lf %lf %lf %lf", &x0, &y0, &w[n], &h[n]) != 4)
                fail_msg("%s: page %d has no MediaBox this test can read (and pdfinfo is not installed)", path, n + 1);
            n++;
        }
        free(s);
        return n;
    }
    snprintf(cmd, sizeof cmd, "pdfinfo -f 1 -l %d '%s' 2>&1", max, path);
    assert_non_null(p = popen(cmd, "r"));
    while (fgets(line, sizeof line, p)) {
        int no;
        double pw, ph;

        if (sscanf(line, "Page %d size: %lf x %lf", &no, &pw, &ph) == 3 && no >= 1 && no <= max) {
            w[no - 1] = pw;
            h[no - 1] = ph;
            if (no > n)
                n = no;
        }
    }
    assert_int_equal(pclose(p), 0);
    return n;
}

static void assert_is_fax_pdf(const char *path)
{
    double w[4], h[4];
    size_t len;
    char *s = fg_test_read_file(path, &len);

    assert_non_null(s);
    assert_true(len > 100);
    assert_memory_equal(s, "%PDF-", 5);
    /* the bitmap is a 1-bit stencil, never smoothed */
    assert_non_null(memmem(s, len, "/ImageMask true", 15));
    assert_null(memmem(s, len, "/Interpolate true", 17));
    free(s);
    /* both pages are 285 mm long (2200 / 196 in, 1100 / 98 in): a Letter-length fax, on Letter */
    assert_int_equal(pdf_pages(path, w, h, 4), 2);
    for (int i = 0; i < 2; i++) {
        assert_true(w[i] > 611.9 && w[i] < 612.1);
        assert_true(h[i] > 791.9 && h[i] < 792.1);
    }
}

/* ---- PDF and spool ---- */

/* The output pixel (at 204 x 196 dpi) where source pixel (x, y) of a page of the fixture lands. */
static void landed(int x, int y, int *ox, int *oy)
{
    fg_place at;

    fg_media_place(fg_media_of(FG_MEDIA_LETTER), 1728, 2200, 204, 196, 0, 0, &at);
    *ox = (int)((at.x_pt + (x + 0.5) * at.scale * 72.0 / 204) * 204 / 72.0);
    *oy = (int)((at.y_pt + (y + 0.5) * at.scale * 72.0 / 196) * 196 / 72.0);
}

static void test_pdf_on_paper(void **state)
{
    fixture *f = *state;
    char pdf[400], cmd[1024], pgm[400];
    size_t len;
    char *img;

    snprintf(pdf, sizeof pdf, "%s/out.pdf", f->dir);
    assert_int_equal(fg_pdf_from_tiff(f->tiff, pdf), FG_OK);
    assert_is_fax_pdf(pdf);
    assert_int_equal(fg_pdf_from_tiff("/nonexistent/fax.tif", pdf), FG_ERR_NOTFOUND);
    assert_int_equal(access(pdf, F_OK), -1);   /* no half-written file left */

    /* rendered back at the fax's own resolution, the pixels are where media.c put them: scaled
       to fit 11 in (98 %), centred across the 8.5 in */
    assert_int_equal(fg_pdf_from_tiff(f->tiff, pdf), FG_OK);
    if (!have("pdftoppm"))
        fg_test_skip("pdftoppm (poppler-utils) is not installed: pixel placement not checked");
    snprintf(pgm, sizeof pgm, "%s/p1", f->dir);
    snprintf(cmd, sizeof cmd, "pdftoppm -f 1 -l 1 -rx 204 -ry 196 -gray -singlefile '%s' '%s'", pdf, pgm);
    assert_int_equal(system(cmd), 0);
    strcat(pgm, ".pgm");
    assert_non_null(img = fg_test_read_file(pgm, &len));
    {
        int w, h, max, off = 0, x, y;
        const unsigned char *px;

        assert_int_equal(sscanf(img, "P5 %d %d %d%n", &w, &h, &max, &off), 3);
        assert_true(w >= 1734 && w <= 1735);   /* 8.5 x 11 in; pdftoppm rounds the page edge up */
        assert_true(h >= 2156 && h <= 2157);
        px = (const unsigned char *)img + off + 1;
        landed(1, 250, &x, &y);
        assert_true(x > 10);                   /* centred: a margin on the left */
        assert_true(px[y * w + x] < 128);      /* the bar at x 0..2 */
        landed(6, 250, &x, &y);
        assert_true(px[y * w + x] > 128);      /* not mirrored inside its byte */
        landed(800, 230, &x, &y);
        assert_true(px[y * w + x] < 128);
        landed(800, 600, &x, &y);
        assert_true(px[y * w + x] > 128);
        landed(0, 2199, &x, &y);
        assert_true(y < h);                    /* the whole page is on the sheet */
    }
    free(img);
}

static int count_files(const char *dir, const char *suffix, char *first, size_t cap)
{
    struct dirent *de;
    DIR *d = opendir(dir);
    int n = 0;

    assert_non_null(d);
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name), sl = strlen(suffix);

        if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
            continue;
        if (l >= sl && strcmp(de->d_name + l - sl, suffix) == 0) {
            if (!n && first)
                snprintf(first, cap, "%s/%s", dir, de->d_name);
            n++;
        }
    }
    closedir(d);
    return n;
}

static void test_spool_printer(void **state)
{
    fixture *f = *state;
    char uri[1024], out[1024], path[400];
    fg_printer *p;
    int job = -1;

    snprintf(path, sizeof path, "%s/spool", f->dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(uri, sizeof uri, "spool:%s/", path);
    assert_int_equal(fg_printer_open(uri, NULL, &p), FG_OK);
    assert_string_equal(fg_printer_uri(p), uri);
    assert_int_equal(fg_printer_print(p, f->tiff, "fax 7 from +18005550100", &job), FG_OK);
    assert_int_equal(job, 0);
    snprintf(out, sizeof out, "%s/fax_7_from_+18005550100.pdf", path);
    assert_is_fax_pdf(out);
    assert_int_equal(count_files(path, "", NULL, 0), 1);   /* no temporary file left behind */
    /* the same name again never replaces the first fax */
    assert_int_equal(fg_printer_print(p, f->tiff, "fax 7 from +18005550100", &job), FG_OK);
    snprintf(out, sizeof out, "%s/fax_7_from_+18005550100-2.pdf", path);
    assert_is_fax_pdf(out);
    assert_int_equal(fg_printer_print(p, "/nonexistent.tif", "x", &job), FG_ERR_NOTFOUND);
    assert_int_equal(count_files(path, "", NULL, 0), 2);
    fg_printer_close(p);
    fg_printer_close(NULL);

    /* a folder that is not there is a printer that is down: retried, not lost */
    snprintf(uri, sizeof uri, "spool:%s/missing", f->dir);
    assert_int_equal(fg_printer_open(uri, NULL, &p), FG_OK);
    assert_int_equal(fg_printer_print(p, f->tiff, "fax", &job), FG_ERR_PRINTER_DOWN);
    fg_printer_close(p);
    assert_int_equal(fg_printer_open("lpt1:", NULL, &p), FG_ERR_UNSUPPORTED);
    /* the message names the board's printers: every board has socket and spool */
    assert_non_null(strstr(fg_err_msg(FG_ERR_UNSUPPORTED), "socket, spool"));
    assert_int_equal(fg_printer_open("printer", NULL, &p), FG_ERR_CONFIG);
    assert_int_equal(fg_printer_open("spool:", NULL, &p), FG_ERR_CONFIG);
    assert_int_equal(fg_printer_open("ipp://", NULL, &p), FG_ERR_CONFIG);
}

static void test_spool_disk_full(void **state)
{
    fixture *f = *state;
    char uri[400];
    fg_printer *p;
    fg_err e;
    int job;

    snprintf(f->mnt, sizeof f->mnt, "%s/small", f->dir);
    if (mkdir(f->mnt, 0700) != 0 || mount("tmpfs", f->mnt, "tmpfs", 0, "size=64k") != 0) {
        int err = errno;

        f->mnt[0] = '\0';
        fg_test_skip("cannot mount a small tmpfs to fill (%s): run as root to test disk full", strerror(err));
    }
    {
        char filler[400], block[4096] = {0};
        FILE *fl;

        /* fill the file system first: a fax PDF is only a few kilobytes */
        snprintf(filler, sizeof filler, "%s/filler", f->mnt);
        assert_non_null(fl = fopen(filler, "wb"));
        setvbuf(fl, NULL, _IONBF, 0);
        while (fwrite(block, 1, sizeof block, fl) == sizeof block)
            ;
        fclose(fl);
    }
    snprintf(uri, sizeof uri, "spool:%s", f->mnt);
    assert_int_equal(fg_printer_open(uri, NULL, &p), FG_OK);
    e = fg_printer_print(p, f->tiff, "big", &job);
    assert_int_equal(e, FG_ERR_NOSPACE);
    assert_non_null(strstr(fg_err_msg(e), "is full"));
    assert_int_equal(count_files(f->mnt, "", NULL, 0), 1);   /* the filler only: nothing half-written */
    fg_printer_close(p);
}

/* ---- a real IPP Everywhere printer ---- */

static int free_port(void)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    int s = socket(AF_INET, SOCK_STREAM, 0), port;

    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &al), 0);
    port = ntohs(a.sin_port);
    close(s);
    return port;
}

static bool answers(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int s = socket(AF_INET, SOCK_STREAM, 0);
    bool ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;

    close(s);
    return ok;
}

/* ippeveprinter needs DNS-SD (avahi over the system D-Bus): tests/dnssd.sh checks both daemons
   over the bus and, as root, starts what is missing; the same script serves the e2e tests. */
static bool dnssd_ready(char *why, size_t cap)
{
    char cmd[400];
    FILE *p;
    int fd;

    if (dnssd_state[0])
        return true;
    snprintf(dnssd_state, sizeof dnssd_state, "%s/faxgate-dnssd-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if ((fd = mkstemp(dnssd_state)) < 0) {
        snprintf(why, cap, "cannot create a state file for tests/dnssd.sh");
        dnssd_state[0] = '\0';
        return false;
    }
    close(fd);
    snprintf(cmd, sizeof cmd, "sh tests/dnssd.sh start %s", dnssd_state);
    if (!(p = popen(cmd, "r"))) {
        snprintf(why, cap, "cannot run tests/dnssd.sh");
        return false;
    }
    if (!fgets(why, (int)cap, p))
        why[0] = '\0';
    why[strcspn(why, "\n")] = '\0';
    if (pclose(p) != 0) {
        if (!why[0])
            snprintf(why, cap, "tests/dnssd.sh start failed");
        stop_dnssd();   /* whatever it managed to start */
        return false;
    }
    return true;
}

/* Starts ippeveprinter on loopback, keeping job files in spool; returns its port. opt is "-f"
   with a list of types, or "-a" with an attributes file (ippeveprinter takes one or the other);
   tls gives it a key folder so that it also answers ipps. */
static int start_printer(const fixture *f, const char *spool, const char *opt, const char *arg, bool tls)
{
    char port_s[16], name[64], log[400], keys[400], why[128] = "";
    int port = free_port();
    pid_t pid;

    if (!have("ippeveprinter"))
        fg_test_skip("ippeveprinter (cups-ipp-utils) is not installed");
    if (!dnssd_ready(why, sizeof why))
        fg_test_skip("no DNS-SD for ippeveprinter: %s", why);
    snprintf(port_s, sizeof port_s, "%d", port);
    snprintf(name, sizeof name, "faxgate-test-%d-%d", (int)getpid(), port);
    snprintf(log, sizeof log, "%s/ippeveprinter.log", f->dir);
    assert_int_equal(mkdir(spool, 0700), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);

        prctl(PR_SET_PDEATHSIG, SIGKILL);   /* the printer dies with the test, however it ends */
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        /* -n localhost listens on 127.0.0.1 and ::1 only */
        /* -K: where ippeveprinter makes its self-signed certificate for ipps */
        snprintf(keys, sizeof keys, "%s/keys", f->dir);
        if (tls && mkdir(keys, 0700) == 0)
            execlp("ippeveprinter", "ippeveprinter", "-K", keys, "-p", port_s, "-n", "localhost", "-d", spool, "-k",
                   opt, arg, name, (char *)NULL);
        else
            execlp("ippeveprinter", "ippeveprinter", "-p", port_s, "-n", "localhost", "-d", spool, "-k", opt, arg,
                   name, (char *)NULL);
        _exit(127);
    }
    printer_pid = pid;
    for (int i = 0; i < 150 && !answers(port); i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            char *text = fg_test_read_file(log, NULL);

            printer_pid = 0;
            fail_msg("ippeveprinter exited: %s", text ? text : "(no log)");
        }
        usleep(100000);
    }
    if (!answers(port))
        fail_msg("ippeveprinter did not listen on port %d within 15 s", port);
    return port;
}

/* The one job file with this suffix, once ippeveprinter has finished writing it. */
static void job_file(const char *spool, const char *suffix, char *path, size_t cap)
{
    off_t last = -1;
    struct stat sb;

    for (int i = 0; i < 100; i++) {
        if (count_files(spool, suffix, path, cap) == 1 && stat(path, &sb) == 0 && sb.st_size > 0 &&
            sb.st_size == last)
            return;
        last = count_files(spool, suffix, path, cap) == 1 && stat(path, &sb) == 0 ? sb.st_size : -1;
        usleep(100000);
    }
    fail_msg("no complete %s job file appeared in %s", suffix, spool);
}

/* Reads a PWG raster back: pages, resolution, bits per pixel, and the black pixels found. */
static int read_raster(const char *file, const cups_page_header2_t *want, long *black)
{
    cups_page_header2_t h;
    cups_raster_t *ras;
    unsigned char *row;
    int fd, pages = 0;

    *black = 0;
    assert_true((fd = open(file, O_RDONLY)) >= 0);
    assert_non_null(ras = cupsRasterOpen(fd, CUPS_RASTER_READ));
    while (cupsRasterReadHeader2(ras, &h)) {
        unsigned dpi = want->HWResolution[0];

        pages++;
        assert_int_equal(h.HWResolution[0], dpi);
        assert_int_equal(h.HWResolution[1], dpi);
        assert_int_equal(h.cupsBitsPerPixel, want->cupsBitsPerPixel);
        assert_int_equal(h.cupsColorSpace, want->cupsColorSpace);
        /* a Letter sheet at the printer's resolution */
        assert_int_equal(h.cupsWidth, 17 * dpi / 2);
        assert_int_equal(h.cupsHeight, 11 * dpi);
        assert_non_null(row = malloc(h.cupsBytesPerLine));
        for (unsigned y = 0; y < h.cupsHeight; y++) {
            assert_int_equal(cupsRasterReadPixels(ras, row, h.cupsBytesPerLine), h.cupsBytesPerLine);
            for (unsigned i = 0; i < h.cupsBytesPerLine; i++)
                *black += h.cupsBitsPerPixel == 1 ? __builtin_popcount(row[i]) : row[i] == 0;
        }
        free(row);
    }
    cupsRasterClose(ras);
    close(fd);
    return pages;
}

/* The media the printer recorded for a job (Get-Job-Attributes). */
static void job_media(int port, int job, char *out, size_t cap)
{
    char uri[128];
    http_t *http;
    ipp_t *req, *resp;
    ipp_attribute_t *a;

    out[0] = '\0';
    snprintf(uri, sizeof uri, "ipp://localhost:%d/ipp/print", port);
    assert_non_null(http = httpConnect2("localhost", port, NULL, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, 5000,
                                        NULL));
    req = ippNewRequest(IPP_OP_GET_JOB_ATTRIBUTES);
    ippAddString(req, IPP_TAG_OPERATION, IPP_TAG_URI, "printer-uri", NULL, uri);
    ippAddInteger(req, IPP_TAG_OPERATION, IPP_TAG_INTEGER, "job-id", job);
    resp = cupsDoRequest(http, req, "/ipp/print");
    if (resp && (a = ippFindAttribute(resp, "media", IPP_TAG_ZERO)))
        snprintf(out, cap, "%s", ippGetString(a, 0, NULL) ? ippGetString(a, 0, NULL) : "");
    ippDelete(resp);
    httpClose(http);
}

static void test_ipp_pdf(void **state)
{
    fixture *f = *state;
    char spool[400], uri[128], file[1024], media[64];
    fg_printer *p;
    int port, job = 0;
    fg_err e;

    snprintf(spool, sizeof spool, "%s/ipp", f->dir);
    port = start_printer(f, spool, "-f", "application/pdf,image/pwg-raster", false);
    snprintf(uri, sizeof uri, "ipp://localhost:%d/ipp/print", port);
    assert_int_equal(fg_printer_open(uri, NULL, &p), FG_OK);
    if ((e = fg_printer_print(p, f->tiff, "fax 12 from +18005550100", &job)) != FG_OK)
        fail_msg("print failed: %s", fg_err_msg(e));
    assert_true(job > 0);
    fg_printer_close(p);
    /* the job asks for the paper the PDF is drawn on */
    job_media(port, job, media, sizeof media);
    assert_string_equal(media, "na_letter_8.5x11in");
    /* exactly one PDF, ours */
    job_file(spool, ".pdf", file, sizeof file);
    assert_int_equal(count_files(spool, ".pwg", NULL, 0), 0);
    assert_is_fax_pdf(file);
}

static void test_ipp_raster_only(void **state)
{
    fixture *f = *state;
    char spool[400], uri[128], file[1024];
    cups_page_header2_t want = {.HWResolution = {300, 300}, .cupsBitsPerPixel = 1, .cupsColorSpace = CUPS_CSPACE_K};
    fg_printer *p;
    int port, job = 0;
    long black;
    fg_err e;

    snprintf(spool, sizeof spool, "%s/ipp", f->dir);
    port = start_printer(f, spool, "-f", "image/pwg-raster", false);
    snprintf(uri, sizeof uri, "ipp://localhost:%d/ipp/print", port);
    assert_int_equal(fg_printer_open(uri, NULL, &p), FG_OK);
    if ((e = fg_printer_print(p, f->tiff, "fax 13", &job)) != FG_OK)
        fail_msg("print failed: %s", fg_err_msg(e));
    assert_true(job > 0);
    fg_printer_close(p);
    job_file(spool, ".pwg", file, sizeof file);
    assert_int_equal(count_files(spool, ".pdf", NULL, 0), 0);
    /* ippeveprinter lists black_1 and sgray_8 at 300 and 600 dpi: 1-bit at 300 is chosen */
    assert_int_equal(read_raster(file, &want, &black), 2);
    assert_true(black > 100000);   /* the marks made it through the scaling */
}

/* A printer that lists only 8-bit grey at 600 dpi (from an attributes file) gets exactly that. */
static void test_ipp_raster_sgray(void **state)
{
    static const char conf[] = "ATTR mimeMediaType document-format-supported image/pwg-raster\n"
                               "ATTR keyword pwg-raster-document-type-supported sgray_8\n"
                               "ATTR resolution pwg-raster-document-resolution-supported 600dpi\n";
    fixture *f = *state;
    char spool[400], uri[128], file[1024], attrs[400];
    cups_page_header2_t want = {.HWResolution = {600, 600}, .cupsBitsPerPixel = 8, .cupsColorSpace = CUPS_CSPACE_SW};
    fg_printer *p;
    int port, job = 0;
    long black;
    fg_err e;

    snprintf(spool, sizeof spool, "%s/ipp", f->dir);
    snprintf(attrs, sizeof attrs, "%s/sgray.conf", f->dir);
    assert_int_equal(fg_test_write_file(attrs, conf, sizeof conf - 1), 0);
    port = start_printer(f, spool, "-a", attrs, false);
    snprintf(uri, sizeof uri, "ipp://localhost:%d/ipp/print", port);
    assert_int_equal(fg_printer_open(uri, NULL, &p), FG_OK);
    if ((e = fg_printer_print(p, f->tiff, "fax 14", &job)) != FG_OK)
        fail_msg("print failed: %s", fg_err_msg(e));
    fg_printer_close(p);
    job_file(spool, ".pwg", file, sizeof file);
    assert_int_equal(read_raster(file, &want, &black), 2);
    assert_true(black > 400000);
}

/* ipps: the same job over TLS (ippeveprinter's self-signed certificate). */
static bool board_has_printer(const char *scheme)
{
    for (const fg_printer_driver *const *d = fg_board_hal.printers; *d; d++)
        if (!strcmp((*d)->scheme, scheme))
            return true;
    return false;
}

static void test_ipps(void **state)
{
    fixture *f = *state;
    char spool[400], uri[128], file[1024];
    fg_printer *p;
    int port, job = 0;
    fg_err e;

    if (!board_has_printer("ipps"))
        fg_test_skip("board %s has no ipps printer driver (boards/%s/hal.c)", fg_board_hal.board, fg_board_hal.board);
    snprintf(spool, sizeof spool, "%s/ipp", f->dir);
    port = start_printer(f, spool, "-f", "application/pdf", true);
    snprintf(uri, sizeof uri, "ipps://localhost:%d/ipp/print", port);
    assert_int_equal(fg_printer_open(uri, NULL, &p), FG_OK);
    if ((e = fg_printer_print(p, f->tiff, "fax 15", &job)) != FG_OK)
        fail_msg("print failed: %s", fg_err_msg(e));
    assert_true(job > 0);
    fg_printer_close(p);
    job_file(spool, ".pdf", file, sizeof file);
    assert_is_fax_pdf(file);
}

static void test_printer_down(void **state)
{
    fixture *f = *state;
    char uri[128];
    fg_printer *p;
    fg_err e;
    int job = 5;

    /* nothing listens there: refused at once, and the job is to be retried */
    snprintf(uri, sizeof uri, "ipp://127.0.0.1:%d/ipp/print", free_port());
    assert_int_equal(fg_printer_open(uri, NULL, &p), FG_OK);
    e = fg_printer_print(p, f->tiff, "fax", &job);
    assert_int_equal(e, FG_ERR_PRINTER_DOWN);
    assert_non_null(strstr(fg_err_msg(e), "cannot connect"));
    assert_non_null(strstr(fg_err_msg(e), "retried"));
    assert_int_equal(job, 0);
    fg_printer_close(p);
}

/* socket://: the URI forms a raw port takes, and a port nobody listens on is down, not refused. */
static void test_socket_uri_and_down(void **state)
{
    static const char *const good[] = {"socket://printer.example", "socket://192.0.2.7:9100",
                                       "socket://[2001:db8::7]:9101", "socket://mfp:9100/"};
    static const char *const bad[] = {"socket://", "socket://:9100", "socket://mfp:0", "socket://mfp:99999",
                                      "socket://mfp:9100/queue", "socket://[2001:db8::7"};
    fg_print_opts pcl = {FG_MEDIA_AUTO, FG_FORMAT_PCL};
    fixture *f = *state;
    char uri[64];
    fg_printer *p;
    int job = 5;
    fg_err e;

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if ((e = fg_printer_open(good[i], NULL, &p)) != FG_OK)
            fail_msg("%s: %s", good[i], fg_err_msg(e));
        fg_printer_close(p);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if ((e = fg_printer_open(bad[i], NULL, &p)) != FG_ERR_CONFIG)
            fail_msg("%s was taken (%d)", bad[i], e);
        assert_non_null(strstr(fg_err_msg(e), "socket://HOST:9100"));
    }
    snprintf(uri, sizeof uri, "socket://127.0.0.1:%d", free_port());
    assert_int_equal(fg_printer_open(uri, &pcl, &p), FG_OK);
    e = fg_printer_print(p, f->tiff, "fax", &job);
    assert_int_equal(e, FG_ERR_PRINTER_DOWN);
    assert_non_null(strstr(fg_err_msg(e), "cannot connect"));
    assert_int_equal(job, 0);
    /* a raw port has no state to ask and no jobs to follow or find */
    assert_int_equal(fg_printer_job_state(p, 1, &(fg_job_state){0}, NULL, 0), FG_ERR_UNSUPPORTED);
    assert_int_equal(fg_printer_idle(p, &(bool){false}, NULL, 0), FG_ERR_UNSUPPORTED);
    assert_int_equal(fg_printer_find_job(p, "fax", &(bool){false}, &job), FG_ERR_UNSUPPORTED);
    fg_printer_close(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pdf_on_paper, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spool_printer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_spool_disk_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipp_pdf, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipp_raster_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipp_raster_sgray, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ipps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_printer_down, setup, teardown),
        cmocka_unit_test_setup_teardown(test_socket_uri_and_down, setup, teardown),
    };

    signal(SIGABRT, on_fatal);
    signal(SIGTERM, on_fatal);
    signal(SIGINT, on_fatal);
    signal(SIGHUP, on_fatal);
    atexit(cleanup_at_exit);
    return cmocka_run_group_tests_name("deliver", tests, NULL, group_teardown);
}
