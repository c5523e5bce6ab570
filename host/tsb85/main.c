/* tsb85 — command line: which script, which group, which gateway; one TAP line per test. */
#include <dirent.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsb85.h"

#define DEFAULT_GROUP "Annex A - Receive test procedures"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tsb85 --line audiosocket://HOST:PORT [options] SCRIPT.xml\n"
            "Plays the ECMA TSB-85 fax test scripts of SCRIPT.xml (SpanDSP's tsb85.xml) against a\n"
            "running faxgated as the device under test, as the calling terminal, and prints one TAP line\n"
            "per test and a summary.\n"
            "  --line URI       the gateway's AudioSocket line (required)\n"
            "  --group NAME     a test group, by the start of its name (may be repeated; default\n"
            "                   \"%s\")\n"
            "  --test NAME      only this test (may be repeated)\n"
            "  --store DB       the gateway's store, to check each test's STATUS (its T.30 result);\n"
            "                   without it STATUS steps are not checked and the summary says so\n"
            "  --images DIR     where the script's pages are (default: the script's IMAGE path);\n"
            "                   WHITE, DIAGO1 and DIAGO2 are made when missing\n"
            "  --optional-nsf   let a script's NSF step pass when the gateway sends no NSF (optional in\n"
            "                   T.30); the next frame is then checked by the next step\n"
            "  --verbose, -v    say what happens on the line (twice: every step)\n"
            "Exit status: 0 if no test failed, 1 if one did, 2 for bad usage or an unreadable script.\n",
            DEFAULT_GROUP);
}

/* The folder of the charts made for this run, and what is in it. */
static void remove_made(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    while (d && (e = readdir(d))) {
        char path[4400];

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static bool wanted(char **names, int n, const char *name)
{
    if (n == 0)
        return true;
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], name))
            return true;
    return false;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"line", required_argument, NULL, 'l'}, {"group", required_argument, NULL, 'g'},
        {"test", required_argument, NULL, 't'}, {"store", required_argument, NULL, 's'},
        {"images", required_argument, NULL, 'i'}, {"verbose", no_argument, NULL, 'v'},
        {"optional-nsf", no_argument, NULL, 'n'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *groups[64] = {DEFAULT_GROUP}, *last = NULL;
    int ngroups = 0;
    char *only[64], err[1024], images[4096], tmpdir[] = "/tmp/tsb85-XXXXXX";
    int nonly = 0, c, pass = 0, fail = 0, skip = 0, n = 0;
    tsb_opts o = {0};
    tsb_script s;

    while ((c = getopt_long(argc, argv, "v", opts, NULL)) != -1) {
        switch (c) {
        case 'l': o.line = optarg; break;
        case 'g':
            if (ngroups < 64)
                groups[ngroups++] = optarg;
            break;
        case 't':
            if (nonly < 64)
                only[nonly++] = optarg;
            break;
        case 's': o.store = optarg; break;
        case 'i': o.image_dir = optarg; break;
        case 'v': o.verbose++; break;
        case 'n': o.optional_nsf = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!o.line || optind != argc - 1) {
        fprintf(stderr, "tsb85: %s\n", !o.line ? "--line is required" : "give one script file");
        usage(stderr);
        return 2;
    }
    if (strncmp(o.line, "audiosocket://", 14)) {
        fprintf(stderr, "tsb85: --line must be audiosocket://HOST:PORT (the tester plays audio), not '%s'\n", o.line);
        return 2;
    }
    if (tsb_script_load(argv[optind], groups, ngroups ? ngroups : 1, &s, err, sizeof err)) {
        fprintf(stderr, "tsb85: %s\n", err);
        return 2;
    }
    if (!o.image_dir && s.image_dir) {
        char *copy = strdup(argv[optind]);

        char *real;

        snprintf(images, sizeof images, "%s/%s", copy ? dirname(copy) : ".", s.image_dir);
        free(copy);
        if ((real = realpath(images, NULL))) {   /* a folder that exists, named plainly */
            snprintf(images, sizeof images, "%s", real);
            free(real);
        }
        o.image_dir = images;
    }
    if (!mkdtemp(tmpdir)) {
        perror("tsb85: cannot make a temporary folder");
        tsb_script_free(&s);
        return 2;
    }
    o.tmpdir = tmpdir;
    for (int i = 0; i < s.ntests; i++)
        n += wanted(only, nonly, s.tests[i].name);
    printf("1..%d\n", n);
    if (!o.store)
        printf("# no --store: STATUS steps (the gateway's T.30 result) are not checked\n");
    if (o.optional_nsf)
        printf("# --optional-nsf: NSF steps pass when the gateway sends no NSF\n");
    fflush(stdout);
    n = 0;
    for (int i = 0; i < s.ntests; i++) {
        const tsb_test *t = &s.tests[i];
        char why[2048];
        tsb_result r;

        if (!wanted(only, nonly, t->name))
            continue;
        if (!last || strcmp(last, t->group))
            printf("# %s\n", last = t->group);
        fflush(stdout);
        r = tsb_run_test(&o, t, why, sizeof why);
        n++;
        if (r == TSB_PASS) {
            pass++;
            printf("ok %d - %s\n", n, t->name);
        } else if (r == TSB_FAIL) {
            fail++;
            printf("not ok %d - %s: %s\n", n, t->name, why);
        } else {
            skip++;
            printf("ok %d - %s # SKIP not run: %s\n", n, t->name, why);
        }
        fflush(stdout);
    }
    printf("# %d passed, %d failed, %d not run\n", pass, fail, skip);
    remove_made(tmpdir);
    tsb_script_free(&s);
    return fail ? 1 : 0;
}
