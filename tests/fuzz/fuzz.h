/* fuzz.h — what the libFuzzer harnesses in tests/fuzz/ share: a private scratch folder
 * (under $TMPDIR, removed at exit), writing an input into a file there, and a
 * NUL-terminated copy of an input.  Header-only: each harness is one .c file.
 *
 * Every harness defines LLVMFuzzerTestOneInput; built with
 * clang -fsanitize=fuzzer,address,undefined (make fuzz, tests/fuzz/run.sh). */
#ifndef KIOSK_FUZZ_H
#define KIOSK_FUZZ_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <ftw.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

__attribute__((unused)) static char fuzz_dir[512];

__attribute__((unused)) static int fuzz_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

__attribute__((unused)) static void fuzz_cleanup(void)
{
    if (fuzz_dir[0])
        nftw(fuzz_dir, fuzz_rm, 8, FTW_DEPTH | FTW_PHYS);
}

/* Makes the scratch folder once; returns its path. */
__attribute__((unused)) static const char *fuzz_scratch(void)
{
    if (!fuzz_dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(fuzz_dir, sizeof fuzz_dir, "%s/kiosk-fuzz-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(fuzz_dir))
            abort();
        atexit(fuzz_cleanup);
    }
    return fuzz_dir;
}

/* Writes data to path (replacing it).  Aborts when it cannot: a harness that silently
 * tests nothing is worse than one that stops. */
__attribute__((unused)) static void fuzz_write(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0)
        abort();
}

/* A malloc'd NUL-terminated copy (inputs are not NUL-terminated). */
__attribute__((unused)) static char *fuzz_cstr(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        abort();
    memcpy(s, data, size);
    s[size] = 0;
    return s;
}

/* Cuts an input into at most max parts at lines "====" (a part keeps its last newline;
 * "====" as the first line makes the first part empty), for harnesses that make several
 * files of one input.  Parts not in the input are "".  Returns how many there were. */
__attribute__((unused)) static int fuzz_parts(const char *text, size_t len, const char **part,
                                              size_t *plen, int max)
{
    const char *p = text, *end = text + len;
    for (int k = 0; k < max; k++) {
        part[k] = "";
        plen[k] = 0;
    }
    for (int n = 0; n < max; n++) {
        const char *cut = NULL;
        part[n] = p;
        if (n < max - 1) {
            if (end - p >= 5 && !memcmp(p, "====\n", 5))
                cut = p - 1; /* an empty part */
            else
                for (const char *q = p; !cut && end - q >= 6; q++)
                    if (!memcmp(q, "\n====\n", 6))
                        cut = q;
        }
        if (!cut) {
            plen[n] = (size_t)(end - p);
            return n + 1;
        }
        plen[n] = (size_t)(cut + 1 - p);
        p = cut + 6;
    }
    return max;
}

#ifdef KIOSK_STORE_H
/* A real store in the scratch folder, for the importers.  The commits of accepted inputs
 * need not reach the disk here. */
__attribute__((unused)) static struct store *fuzz_store(void)
{
    struct store *st;
    char err[512];
    if (store_open(fuzz_scratch(), "FUZZ-01", &st, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        abort();
    }
    store_exec(st, "PRAGMA synchronous=OFF");
    return st;
}
#endif

#endif
