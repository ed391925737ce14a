/* Tests for core/conninfo: which connection strings may carry records in the clear. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "core/conninfo.h"

static int setup(void **state)
{
    (void)state;
    /* The environment libpq would read must not leak in from the test runner. */
    unsetenv("PGHOST");
    unsetenv("PGHOSTADDR");
    unsetenv("PGSSLMODE");
    unsetenv("PGSERVICE");
    return 0;
}

static int ok(const char *c)
{
    char why[512] = "";
    int rc = conninfo_check_transport(c, why, sizeof why);
    if (rc != 0)
        print_error("refused \"%s\": %s\n", c, why);
    return rc == 0;
}

/* Refused, and the sentence contains want. */
static int refused(const char *c, const char *want)
{
    char why[512] = "";
    if (conninfo_check_transport(c, why, sizeof why) == 0) {
        print_error("allowed \"%s\"\n", c);
        return 0;
    }
    if (!strstr(why, want)) {
        print_error("\"%s\": \"%s\" lacks \"%s\"\n", c, why, want);
        return 0;
    }
    return 1;
}

static void test_local_is_allowed(void **state)
{
    assert_true(ok(""));
    assert_true(ok("dbname=kiosk"));                 /* the default socket */
    assert_true(ok("host=/var/run/postgresql dbname=kiosk"));
    assert_true(ok("host=localhost port=5433"));
    assert_true(ok("host=LocalHost"));
    assert_true(ok("host=127.0.0.1"));
    assert_true(ok("host=127.8.9.10"));
    assert_true(ok("host=::1"));
    assert_true(ok("host=localhost,/tmp"));
    assert_true(ok("host=db.centre.example hostaddr=127.0.0.1")); /* connects to hostaddr */
    assert_true(ok("postgresql:///kiosk?host=/var/run/postgresql"));
    assert_true(ok("postgresql://localhost/kiosk"));
}

static void test_remote_needs_verified_tls(void **state)
{
    assert_true(refused("host=db.centre.example dbname=kiosk", "sends to db.centre.example without checking the server"));
    assert_true(refused("host=db.centre.example sslmode=require", "db.centre.example"));
    assert_true(refused("host=db.centre.example sslmode=prefer", "db.centre.example"));
    assert_true(refused("host=10.1.2.3", "10.1.2.3"));
    assert_true(refused("host=localhost hostaddr=10.1.2.3", "10.1.2.3"));
    assert_true(refused("host=localhost,db2.centre.example", "db2.centre.example"));
    assert_true(refused("host=a,b hostaddr=127.0.0.1,192.168.1.9", "192.168.1.9"));
    assert_true(refused("postgresql://db.centre.example/kiosk", "db.centre.example"));
    assert_true(refused("postgresql://u@db.centre.example/kiosk?sslmode=require", "db.centre.example"));
    assert_true(refused("host=::2", "::2"));
    assert_true(refused("host=128.0.0.1", "128.0.0.1"));
    assert_true(ok("host=db.centre.example sslmode=verify-full sslrootcert=/etc/kiosk/ca.crt"));
    assert_true(ok("host=db.centre.example sslmode=verify-ca"));
    assert_true(ok("host=a.example,b.example sslmode=verify-full"));
    assert_true(ok("postgresql://db.centre.example/kiosk?sslmode=verify-full"));
}

static void test_service_and_environment(void **state)
{
    assert_true(refused("service=centre", "names service centre"));
    assert_true(ok("service=centre sslmode=verify-full"));
    setenv("PGHOST", "db.centre.example", 1);
    assert_true(refused("dbname=kiosk", "db.centre.example"));
    assert_true(ok("host=/var/run/postgresql dbname=kiosk")); /* the string wins */
    setenv("PGSSLMODE", "verify-full", 1);
    assert_true(ok("dbname=kiosk"));
    unsetenv("PGHOST");
    unsetenv("PGSSLMODE");
    setenv("PGHOSTADDR", "10.0.0.7", 1);
    assert_true(refused("host=localhost", "10.0.0.7"));
    unsetenv("PGHOSTADDR");
    setenv("PGSERVICE", "centre", 1);
    assert_true(refused("dbname=kiosk", "names service centre"));
    unsetenv("PGSERVICE");
}

static void test_garbage_is_refused(void **state)
{
    assert_true(ok("host=")); /* an empty host: the default socket */
    assert_true(refused("host='unterminated", "is not a libpq connection string"));
    assert_true(refused("nonsense_key=1", "is not a libpq connection string"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_local_is_allowed, setup),
        cmocka_unit_test_setup(test_remote_needs_verified_tls, setup),
        cmocka_unit_test_setup(test_service_and_environment, setup),
        cmocka_unit_test_setup(test_garbage_is_refused, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
