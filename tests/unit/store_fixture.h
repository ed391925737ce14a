/* store_fixture — the cmocka fixture shared by unit tests that need a real kiosk database
 * in a temporary directory: setup opens it (kiosk id STORE_FIXTURE_KIOSK), teardown closes
 * it and removes the directory.  Header-only: each test binary is one .c file. */
#ifndef KIOSK_STORE_FIXTURE_H
#define KIOSK_STORE_FIXTURE_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

#ifndef STORE_FIXTURE_KIOSK
#define STORE_FIXTURE_KIOSK "test-kiosk"
#endif

struct fixture {
    char dir[64];
    struct store *st;
};

static int store_fixture_rm(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    strcpy(f->dir, "/tmp/kiosk-test-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    char err[256] = "";
    if (store_open(f->dir, STORE_FIXTURE_KIOSK, &f->st, err, sizeof err) != 0)
        fail_msg("store_open: %s", err);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    store_close(f->st);
    nftw(f->dir, store_fixture_rm, 8, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

/* The first column of the first row of sql as a number (-999 for NULL); fails the test
 * when there is no row. */
static inline int64_t fixture_int(struct store *st, const char *sql)
{
    sqlite3_stmt *q = store_prepare(st, sql);
    assert_non_null(q);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    int64_t v = sqlite3_column_type(q, 0) == SQLITE_NULL ? -999 : sqlite3_column_int64(q, 0);
    sqlite3_finalize(q);
    return v;
}

#endif
