/* faxgate tests — helpers shared by the cmocka unit tests. */
#ifndef FAXGATE_TESTUTIL_H
#define FAXGATE_TESTUTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/** Makes a fresh temporary directory (under $TMPDIR or /tmp) and writes its path to dir. */
int fg_test_tmpdir(char *dir, size_t cap);

/** Removes a directory tree made by a test (refuses anything outside the temp folder). */
void fg_test_rm_rf(const char *dir);

/** Path of rel inside ../shared/corpus (or $FAXGATE_CORPUS); NULL if the corpus is absent. */
const char *fg_test_corpus(const char *rel, char *buf, size_t cap);

/** Path of a built program (faxsim, faxgated…) in the build folder ($FG_BUILD, default build/host). */
const char *fg_test_bin(const char *name, char *buf, size_t cap);

/** Writes len bytes to path; 0 on success. */
int fg_test_write_file(const char *path, const void *data, size_t len);

/** Reads a whole file (NUL-terminated); caller frees; NULL on error. */
char *fg_test_read_file(const char *path, size_t *len);

/** Skips the current test with a message printed to stderr (cmocka's skip() says no more). */
#define fg_test_skip(...) do { fprintf(stderr, "# SKIP: " __VA_ARGS__); fputc('\n', stderr); skip(); } while (0)

/* A one-page toner ad with a call-back and an opt-out number (test_bands, test_t30). */
extern const char fg_test_ad_text[];

/* cmocka group setup/teardown: one Tesseract engine (eng+fra) in *state for the tests. */
int fg_test_ocr_setup(void **state);
int fg_test_ocr_teardown(void **state);

#endif
