/* Unit tests of core/config: defaults, every kind of error with its line, whole-file
 * checks, and that a bad file leaves the caller's configuration untouched. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "core/config.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[] = "/tmp/kiosk-config-test-XXXXXX";

static int write_ini(const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs(text, f);
    return fclose(f);
}

static int setup(void **state)
{
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

static int teardown(void **state)
{
    unlink(path);
    return 0;
}

static void test_shipped_file_loads(void **state)
{
    struct config c;
    char err[512] = "";
    assert_int_equal(config_load("kiosk-config/kiosk.ini", &c, err, sizeof err), 0);
    assert_string_equal(c.language, "zh");
    assert_int_equal(c.width, 1920);
    assert_int_equal(c.height, 1080);
    assert_int_equal(c.idle_timeout_s, 90);
    assert_int_equal(c.paper_dots, 576);
    assert_string_equal(c.printer_device, "none");
    assert_string_equal(c.upload_conninfo, "");
    assert_string_equal(c.certificate_pattern, "");
    assert_string_equal(c.ticket_prefix, "A");
    assert_int_equal(c.staff_chime, 1);
    assert_string_equal(c.staff_notify_command, "");
    assert_int_equal(c.checkin_ask_rating, 0); /* a check-in asks for no grade */
    assert_int_equal(config_load("kiosk-config/portrait.ini", &c, err, sizeof err), 0);
    assert_int_equal(c.width, 1080);
    assert_int_equal(c.height, 1920);
}

static void test_values_and_comments(void **state)
{
    struct config c;
    char err[512] = "";
    assert_int_equal(write_ini("\xEF\xBB\xBF# comment\n[kiosk]\nid = LD-ZJ-03  # trailing\n"
                               "hall = 紫金街道外来党员服务中心\nlanguage=en\n"
                               "[display]\nlarge_text = yes\nidle_timeout_s = 120\n"
                               "[printer]\ndevice = tcp:192.0.2.10:9100\npaper_dots = 384\n"
                               "[upload]\nconninfo = host=db dbname=kiosk sslmode=verify-full\n"
                               "[checkin]\ncertificate_pattern = LD-[0-9]{4}-[0-9]{5}\n"
                               "ask_rating = true\n"
                               "[services]\nticket_prefix = BC\n"
                               "[staff]\nchime = false\nnotify_command = /bin/echo  paged  desk-2\n"),
                     0);
    assert_int_equal(config_load(path, &c, err, sizeof err), 0);
    assert_string_equal(c.kiosk_id, "LD-ZJ-03");
    assert_string_equal(c.hall, "紫金街道外来党员服务中心");
    assert_string_equal(c.language, "en");
    assert_int_equal(c.large_text, 1);
    assert_int_equal(c.idle_timeout_s, 120);
    assert_int_equal(c.paper_dots, 384);
    assert_string_equal(c.printer_device, "tcp:192.0.2.10:9100");
    assert_string_equal(c.upload_conninfo, "host=db dbname=kiosk sslmode=verify-full");
    assert_string_equal(c.certificate_pattern, "LD-[0-9]{4}-[0-9]{5}");
    assert_string_equal(c.ticket_prefix, "BC");
    assert_int_equal(c.staff_chime, 0);
    assert_string_equal(c.staff_notify_command, "/bin/echo  paged  desk-2");
    assert_int_equal(c.checkin_ask_rating, 1);
}

struct bad_case {
    const char *text;
    const char *want; /* substring of the message, after "PATH:" */
};

static void test_errors_name_file_and_line(void **state)
{
    static const struct bad_case cases[] = {
        {"[kiosk]\nid = A\n[display]\nwidth = wide\n", ":4: [display] width must be a whole number"},
        {"[display]\nheight = 100\n", ":2: [display] height must be between 480 and 7680"},
        {"[kiosk]\nlanguage = fr\n", ":2: [kiosk] language must be one of: zh en"},
        {"[kiosk]\ncolour = red\n", ":2: unknown key \"colour\" in [kiosk]"},
        {"[kiosks]\nid = A\n", ":1: unknown section [kiosks]"},
        {"id = A\n", ":1: key \"id\" before any [section]"},
        {"[kiosk]\nthis line has no equals sign\n", ":2: expected key = value"},
        {"[kiosk\n", ":1: malformed section header"},
        {"[printer]\npaper_dots = 500\n", ":2: [printer] paper_dots must be one of 384 512 576 640"},
        {"[printer]\n\ndevice = lpt1\n", ":3: [printer] device must be none, file:PATH"},
        {"[kiosk]\nid = A\nid = B\n", ":3: [kiosk] id is set twice (first on line 2)"},
        {"[kiosk]\nid = bad id!\n", ":2: [kiosk] id may hold only"},
        {"[display]\nidle_timeout_s = 20\nidle_warning_s = 30\n", ":3: [display] idle_warning_s must be shorter"},
        {"[display]\nlarge_text = maybe\n", ":2: [display] large_text must be true or false"},
        {"[checkin]\nask_rating = sometimes\n", ":2: [checkin] ask_rating must be true or false"},
        {"[kiosk]\nhall = \xff\xfe\n", ":2: [kiosk] hall is not valid UTF-8"},
        {"[checkin]\n\ncertificate_pattern = LD([0-9]+\n",
         ":3: [checkin] certificate_pattern \"LD([0-9]+\" is not a POSIX extended regular"},
        {"[services]\nticket_prefix = A-\n", ":2: [services] ticket_prefix must be 1 to 3 capital"},
        {"[services]\nticket_prefix = abc\n", ":2: [services] ticket_prefix must be 1 to 3 capital"},
        {"[services]\nticket_prefix = ABCD\n", ":2: [services] ticket_prefix must be 1 to 3 capital"},
        {"[services]\nticket_prefix = ABCDEFGH\n", ":2: [services] ticket_prefix is too long"},
        /* A typo in the zone would silently mean UTC: a 07:30 check-in dated the day before. */
        {"[kiosk]\nid = A\n\ntimezone = Asia/Shangai\n", ":4: [kiosk] timezone \"Asia/Shangai\" is not"},
        {"[kiosk]\ntimezone = ../../etc/passwd\n", ":2: [kiosk] timezone"},
        {"[kiosk]\ntimezone = /usr/share/zoneinfo/UTC\n", ":2: [kiosk] timezone"},
        {"[kiosk]\ntimezone = Asia\n", ":2: [kiosk] timezone"}, /* a folder */
        {"[kiosk]\ntimezone = CST-8\n", ":2: [kiosk] timezone"},
        /* 呼叫工作人员's command runs without a shell or a PATH search. */
        {"[staff]\nchime = loud\n", ":2: [staff] chime must be true or false"},
        {"[staff]\n\nnotify_command = pager.sh\n", ":3: [staff] notify_command must start with the program's absolute path"},
        {"[staff]\nnotify_command = /nonexistent/pager --to 1\n", ":2: [staff] notify_command: /nonexistent/pager is not an executable file"},
        {"[staff]\nnotify_command = /dev/null\n", ":2: [staff] notify_command: /dev/null is not an executable file"},
        {"[staff]\nnotify_command = /bin/sh -c 'echo hi'\n", ":2: [staff] notify_command is run without a shell"},
        {"[staff]\nnotify_command = /bin/echo $HOME\n", ":2: [staff] notify_command is run without a shell"},
        {"[staff]\nnotify_command = /bin/echo a | /bin/cat\n", ":2: [staff] notify_command is run without a shell"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config c;
        memset(&c, 0x5A, sizeof c);
        char err[512] = "";
        assert_int_equal(write_ini(cases[i].text), 0);
        assert_int_equal(config_load(path, &c, err, sizeof err), -1);
        if (strncmp(err, path, strlen(path)) != 0 || !strstr(err, cases[i].want)) {
            print_error("case %zu: got \"%s\", want \"%s\"\n", i, err, cases[i].want);
            fail();
        }
        /* One line, and the caller's struct untouched. */
        assert_null(strchr(err, '\n'));
        assert_int_equal(((unsigned char *)&c)[0], 0x5A);
    }
}

/* Real zones load, and setting one changes local time. */
static void test_known_timezones(void **state)
{
    static const char *const zones[] = {"Asia/Shanghai", "UTC", "Europe/Berlin", "Etc/GMT-8"};
    for (size_t i = 0; i < sizeof zones / sizeof *zones; i++) {
        char text[128], err[512] = "";
        snprintf(text, sizeof text, "[kiosk]\ntimezone = %s\n", zones[i]);
        assert_int_equal(write_ini(text), 0);
        struct config c;
        if (config_load(path, &c, err, sizeof err) != 0)
            fail_msg("%s refused: %s", zones[i], err);
    }
    struct config c;
    config_defaults(&c);
    config_set_timezone(&c);
    char hm[16];
    util_time_local(1764545400000LL, "%H:%M", hm, sizeof hm); /* 2025-11-30T23:30Z */
    assert_string_equal(hm, "07:30");
}

static void test_missing_file(void **state)
{
    struct config c;
    char err[512] = "";
    assert_int_equal(config_load("/nonexistent/kiosk.ini", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/kiosk.ini:0: cannot open"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_file_loads),
        cmocka_unit_test(test_values_and_comments),
        cmocka_unit_test(test_errors_name_file_and_line),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_known_timezones),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
