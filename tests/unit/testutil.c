/* faxgate tests — helpers shared by the cmocka unit tests. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "faxgate/error.h"
#include "faxgate/ocr.h"
#include "testutil.h"

static const char *tmp_base(void)
{
    const char *t = getenv("TMPDIR");

    return t && *t ? t : "/tmp";
}

int fg_test_tmpdir(char *dir, size_t cap)
{
    if ((size_t)snprintf(dir, cap, "%s/faxgate-test-XXXXXX", tmp_base()) >= cap)
        return -1;
    return mkdtemp(dir) ? 0 : -1;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)ftw;
    return flag == FTW_DP ? rmdir(path) : unlink(path);
}

void fg_test_rm_rf(const char *dir)
{
    if (!dir || !strstr(dir, "/faxgate-test-"))
        return;
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

const char *fg_test_corpus(const char *rel, char *buf, size_t cap)
{
    const char *base = getenv("FAXGATE_CORPUS");

    if (!base || !*base)
        base = "../shared/corpus";
    if ((size_t)snprintf(buf, cap, "%s/%s", base, rel) >= cap)
        return NULL;
    return access(buf, R_OK) == 0 ? buf : NULL;
}

const char *fg_test_bin(const char *name, char *buf, size_t cap)
{
    const char *b = getenv("FG_BUILD");

    snprintf(buf, cap, "%s/%s", b && *b ? b : "build/host", name);
    return buf;
}

int fg_test_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;

    if (!f)
        return -1;
    ok = fwrite(data, 1, len, f) == len;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

char *fg_test_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, r;

    if (!f)
        return NULL;
    do {
        if (n + 4096 + 1 > cap) {
            char *nb = realloc(buf, cap = cap * 2 + 8192);

            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n - 1, f);
        n += r;
    } while (r > 0);
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

const char fg_test_ad_text[] =
    "# HUGE TONER SALE!\n"
    "## Save up to 70% on all printer supplies\n"
    "\n"
    "Dear Office Manager,\n"
    "\n"
    "We are pleased to offer your business our lowest prices ever on laser toner cartridges,\n"
    "inkjet refills and copy paper. Free delivery on orders over $99 within the continental\n"
    "United States. Quantities are limited, so order now.\n"
    "\n"
    "^ ! CALL TOLL FREE 1-877-555-0142 TODAY\n"
    "> ACME Office Supply Inc.\n"
    "---\n"
    "To be removed from our list, call 1-800-555-0199.\n";

int fg_test_ocr_setup(void **state)
{
    fg_ocr *ocr;
    fg_err e = fg_ocr_new("eng+fra", NULL, &ocr);

    if (e) {
        fprintf(stderr, "# cannot start Tesseract: %s\n", fg_err_msg(e));
        return -1;
    }
    *state = ocr;
    return 0;
}

int fg_test_ocr_teardown(void **state)
{
    fg_ocr_free(*state);
    return 0;
}
