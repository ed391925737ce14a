/* Tests for printer and escpos: fault behaviour with real sockets on 127.0.0.1 (a
 * refused port, a listener that never reads, a connection closed mid-receipt, a printer
 * out of paper, stray status answers), unwritable device paths, a plain file, a fake
 * `lp` for cups:, and a healthy printer whose received bytes decode to the same QR.
 *
 * Deadlines are short (300 ms).  Nothing asserts on elapsed time: the tests wait for the
 * worker's notify callback and look at outcomes (a 30 s guard only turns a hang into a
 * failure). */
#define _GNU_SOURCE /* posix_openpt, ptsname, cfmakeraw */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "core/config.h"
#include "core/png.h"
#include "core/util.h"
#include "receipt/escpos.h"
#include "receipt/printer.h"
#include "receipt/receipt.h"
#include "receipt/sign.h"
#include "store/store.h"
#include "ui/text.h"

/* The deadline where running into it is what a test is about ... */
#define DEADLINE_MS 300
/* ... and where it is not: generous, so a loaded machine cannot turn "printed" into
 * "no response". */
#define SAFE_MS 10000

struct fx {
    char dir[64];
    struct config cfg;
    struct store *st;
    struct identity *key;
    struct receipt_layout *layout;
    struct escpos_buf job;   /* the registration receipt at 384 dots */
    char uuid[37];
    sem_t results;
};

static struct fx *F; /* the group fixture: the notify callback and servers need it */

/* ---- a fake network printer ------------------------------------------------------ */

enum srv_mode {
    SRV_ANSWER,    /* reads everything; answers DLE EOT as the plan says */
    SRV_SILENT,    /* accepts and never reads */
    SRV_CLOSE_MID, /* reads close_after bytes, then closes */
};

struct srv {
    enum srv_mode mode;
    size_t close_after;
    size_t strays;         /* the first `strays` queries are the ones inside raster data */
    int answer_strays;     /* answer those (as real printers do) */
    uint8_t stray_answer;
    uint8_t answer;        /* answer to the queries after the raster */
    /* filled in */
    int lfd, port;
    int release[2];
    pthread_t th;
    struct escpos_buf got;
    size_t queries;
};

/* Reads what the "printer" gets on fd and answers DLE EOT as the plan says, until the
 * other side closes. */
static void answer_loop(struct srv *s, int fd)
{
    uint8_t buf[4096];
    int state = 0; /* 0: nothing, 1: saw DLE, 2: saw DLE EOT */
    for (;;) {
        size_t want = sizeof buf;
        if (s->mode == SRV_CLOSE_MID && s->close_after - s->got.len < want)
            want = s->close_after - s->got.len;
        ssize_t n = read(fd, buf, want);
        if (n <= 0)
            return;
        escpos_buf_add(&s->got, buf, (size_t)n);
        if (s->mode == SRV_CLOSE_MID) {
            if (s->got.len >= s->close_after)
                return;
            continue;
        }
        for (ssize_t i = 0; i < n; i++) {
            uint8_t b = buf[i];
            if (state == 2 && b >= 1 && b <= 4) {
                size_t q = s->queries++;
                int stray = q < s->strays;
                if (!stray || s->answer_strays) {
                    uint8_t a = stray ? s->stray_answer : s->answer;
                    if (write(fd, &a, 1) != 1)
                        return;
                }
                state = 0;
                continue;
            }
            state = b == 0x10 ? 1 : (state == 1 && b == 0x04) ? 2 : 0;
        }
    }
}

static void *srv_main(void *arg)
{
    struct srv *s = arg;
    int cfd = accept(s->lfd, NULL, NULL);
    if (cfd < 0)
        return NULL;
    if (s->mode == SRV_SILENT) {
        struct pollfd pf = {.fd = s->release[0], .events = POLLIN};
        while (poll(&pf, 1, -1) < 0 && errno == EINTR)
            ;
    } else {
        answer_loop(s, cfd);
    }
    close(cfd);
    return NULL;
}

static void srv_start(struct srv *s)
{
    s->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s->lfd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&a, &al), 0);
    s->port = ntohs(a.sin_port);
    assert_int_equal(listen(s->lfd, 4), 0);
    assert_int_equal(pipe(s->release), 0);
    assert_int_equal(pthread_create(&s->th, NULL, srv_main, s), 0);
}

/* Lets the server thread finish (a silent server stops waiting) and joins it. */
static void srv_join(struct srv *s)
{
    if (write(s->release[1], "x", 1) != 1)
        fprintf(stderr, "cannot release the server\n");
    shutdown(s->lfd, SHUT_RDWR); /* wakes accept() when nobody connected */
    pthread_join(s->th, NULL);
}

static void srv_free(struct srv *s)
{
    close(s->lfd);
    close(s->release[0]);
    close(s->release[1]);
    escpos_buf_free(&s->got);
}

static void srv_stop(struct srv *s)
{
    srv_join(s);
    srv_free(s);
}

static void tcp_device(const struct srv *s, char *out, size_t n)
{
    snprintf(out, n, "tcp:127.0.0.1:%d", s->port);
}

/* ---- helpers ---------------------------------------------------------------------- */

static void notify(void *user) { sem_post(&((struct fx *)user)->results); }

static void wait_result(struct printer *p, struct printer_result *r)
{
    while (!printer_poll(p, r)) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 30;
        if (sem_timedwait(&F->results, &ts) < 0 && errno == ETIMEDOUT)
            fail_msg("the printer never reported a result");
    }
}

/* Submits the receipt to `device` on a fresh printer and waits for its result. */
static enum printer_outcome print_via(const char *device, int timeout_ms,
                                      struct printer_result *r)
{
    char err[256];
    struct printer *p = NULL;
    assert_int_equal(printer_open(device, timeout_ms, notify, F, &p, err, sizeof err), 0);
    assert_int_equal(printer_submit(p, F->uuid, F->job.data, F->job.len), 0);
    wait_result(p, r);
    printer_close(p);
    assert_string_equal(r->record_uuid, F->uuid);
    return r->outcome;
}

static char *zbar_read(const char *png)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "zbarimg --raw -q '%s' 2>/dev/null", png);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    struct strbuf sb = {0};
    char buf[512];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        strbuf_addn(&sb, buf, n);
    pclose(p);
    char *s = strbuf_detach(&sb);
    size_t len = strlen(s);
    while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
        s[--len] = 0;
    return s;
}

/* Applies the result to the store and checks the row; the record itself is untouched. */
static void check_stored(const struct printer_result *r, const char *state, const char *msg)
{
    struct record before, after;
    assert_int_equal(store_record_get(F->st, F->uuid, &before), 0);
    assert_int_equal(receipt_apply_result(F->st, r, 1795850200000), 0);
    assert_int_equal(store_record_get(F->st, F->uuid, &after), 0);
    assert_int_equal(before.seq, after.seq);
    assert_string_equal(before.fields, after.fields);
    assert_string_equal(before.created_at, after.created_at);
    assert_int_equal(before.collected, after.collected);
    assert_int_equal(before.uploaded, after.uploaded);
    record_clear(&before);
    record_clear(&after);
    char st[16], err[256];
    assert_int_equal(receipt_get(F->st, F->uuid, NULL, st, sizeof st, err, sizeof err), 0);
    assert_string_equal(st, state);
    if (msg)
        assert_non_null(strstr(err, msg));
    else
        assert_string_equal(err, "");
}

/* ---- fixture ---------------------------------------------------------------------- */

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    F = f;
    strcpy(f->dir, "/tmp/test_printer.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    sem_init(&f->results, 0, 0);
    config_defaults(&f->cfg);
    util_strlcpy(f->cfg.data_dir, f->dir, sizeof f->cfg.data_dir);
    util_strlcpy(f->cfg.kiosk_id, "LD-BH-11", sizeof f->cfg.kiosk_id);
    util_strlcpy(f->cfg.hall, "碧湖镇外来党员服务中心", sizeof f->cfg.hall);
    util_strlcpy(f->cfg.printer_device, "tcp:127.0.0.1:9100", sizeof f->cfg.printer_device);
    char err[256];
    assert_int_equal(store_open(f->dir, f->cfg.kiosk_id, &f->st, err, sizeof err), 0);
    enum sign_identity_state ks;
    assert_int_equal(sign_identity_open(f->dir, f->st, 1, &f->key, &ks, err, sizeof err), 0);
    assert_int_equal(store_record_add(f->st, "registration",
                                      "{\"name\":\"陈晓明\",\"id_number\":\"36230119880512003X\","
                                      "\"phone\":\"15057801234\"}",
                                      1795850100000, f->uuid),
                     0);
    assert_int_equal(receipt_prepare(f->st, &f->cfg, f->key, f->uuid, &f->layout, err, sizeof err), 0);
    struct text_fonts *tf = text_fonts_open(NULL, err, sizeof err);
    if (!tf)
        fail_msg("no fonts: %s", err);
    assert_int_equal(receipt_render_escpos(f->layout, tf, 384, &f->job), 0);
    text_fonts_close(tf);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    escpos_buf_free(&f->job);
    receipt_layout_free(f->layout);
    identity_free(f->key);
    store_close(f->st);
    sem_destroy(&f->results);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", f->dir);
    free(f);
    return 0;
}

/* ---- tests ------------------------------------------------------------------------ */

static void test_refused_port(void **state)
{
    /* A port that was just free: bind, note, close; nothing listens there now. */
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t al = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &al);
    close(fd);
    char dev[64];
    snprintf(dev, sizeof dev, "tcp:127.0.0.1:%d", ntohs(a.sin_port));
    struct printer_result r;
    assert_int_equal(print_via(dev, SAFE_MS, &r), PRINTER_NOT_CONNECTED);
    check_stored(&r, "failed", "打印机未连接");
}

static void test_listener_never_reads(void **state)
{
    struct srv s = {.mode = SRV_SILENT};
    srv_start(&s);
    char dev[64];
    tcp_device(&s, dev, sizeof dev);
    struct printer_result r;
    enum printer_outcome o = print_via(dev, DEADLINE_MS, &r);
    /* Either the send or the status wait ran into the deadline; never "printed". */
    assert_true(o == PRINTER_NO_RESPONSE || o == PRINTER_UNKNOWN);
    check_stored(&r, "failed", o == PRINTER_NO_RESPONSE ? "打印机无响应" : "无法确认");
    srv_stop(&s);
}

static void test_submit_returns_at_once(void **state)
{
    /* A job that cannot end for a minute: a printer that never reads.  submit must come
     * back with no result yet, and close must cancel the job instead of waiting. */
    struct srv s = {.mode = SRV_SILENT};
    srv_start(&s);
    char dev[64], err[256];
    tcp_device(&s, dev, sizeof dev);
    struct printer *p = NULL;
    assert_int_equal(printer_open(dev, 60000, notify, F, &p, err, sizeof err), 0);
    assert_int_equal(printer_submit(p, F->uuid, F->job.data, F->job.len), 0);
    struct printer_result r;
    assert_int_equal(printer_poll(p, &r), 0);
    /* The queue is bounded: one job runs, PRINTER_QUEUE_MAX wait, the next is refused
     * with a PRINTER_BUSY result. */
    int refused = 0;
    for (int i = 0; i < PRINTER_QUEUE_MAX + 1; i++)
        if (printer_submit(p, F->uuid, F->job.data, F->job.len) < 0)
            refused++;
    assert_true(refused >= 1);
    wait_result(p, &r);
    assert_int_equal(r.outcome, PRINTER_BUSY);
    printer_close(p);
    srv_stop(&s);
}

static void test_connection_closed_mid_receipt(void **state)
{
    struct srv s = {.mode = SRV_CLOSE_MID, .close_after = 2000};
    srv_start(&s);
    char dev[64];
    tcp_device(&s, dev, sizeof dev);
    struct printer_result r;
    assert_int_equal(print_via(dev, SAFE_MS, &r), PRINTER_CONNECTION_LOST);
    check_stored(&r, "failed", "打印中断");
    srv_stop(&s);
}

static void test_unwritable_device(void **state)
{
    struct printer_result r;
    assert_int_equal(print_via("file:/proc/nonexistent/x", SAFE_MS, &r), PRINTER_NOT_CONNECTED);
    check_stored(&r, "failed", "打印机未连接");
    /* A directory, and a file the kernel will not let anyone write. */
    char dev[128], detail[192];
    snprintf(dev, sizeof dev, "file:%s", F->dir);
    assert_int_equal(printer_send(dev, DEADLINE_MS, F->job.data, F->job.len, detail, sizeof detail),
                     PRINTER_NOT_CONNECTED);
    assert_true(detail[0] != 0);
    /* Root may open it, but the write fails. */
    assert_int_not_equal(printer_send("file:/proc/version", DEADLINE_MS, F->job.data, F->job.len,
                                      NULL, 0),
                         PRINTER_PRINTED);
    /* A read-only directory stops everyone but root. */
    if (geteuid() != 0) {
        char ro[128];
        snprintf(ro, sizeof ro, "%s/ro", F->dir);
        assert_int_equal(mkdir(ro, 0555), 0);
        snprintf(dev, sizeof dev, "file:%s/ro/out.bin", F->dir);
        assert_int_equal(printer_send(dev, DEADLINE_MS, F->job.data, F->job.len, NULL, 0),
                         PRINTER_NOT_CONNECTED);
    }
}

static void test_healthy_printer(void **state)
{
    struct srv s = {.mode = SRV_ANSWER, .answer = 0x12, .answer_strays = 1, .stray_answer = 0x12};
    s.strays = escpos_count_queries(F->job.data, F->job.len);
    srv_start(&s);
    char dev[64];
    tcp_device(&s, dev, sizeof dev);
    struct printer_result r;
    assert_int_equal(print_via(dev, SAFE_MS, &r), PRINTER_PRINTED);
    check_stored(&r, "printed", NULL);
    srv_join(&s);
    /* What the printer received: the job, then our two status queries. */
    assert_int_equal(s.got.len, F->job.len + 6);
    assert_memory_equal(s.got.data, F->job.data, F->job.len);
    assert_memory_equal(s.got.data + F->job.len, "\x10\x04\x02\x10\x04\x04", 6);
    assert_int_equal(s.queries, s.strays + 2);
    int w, h;
    uint8_t *grey;
    char err[256];
    assert_int_equal(escpos_decode(s.got.data, s.got.len, &w, &h, &grey, err, sizeof err), 0);
    char png[128];
    snprintf(png, sizeof png, "%s/received.png", F->dir);
    assert_int_equal(png_write_gray(png, w, h, grey, w), 0);
    free(grey);
    char *read = zbar_read(png);
    assert_string_equal(read, F->layout->payload);
    struct sign_own_keys own = {F->st, F->cfg.kiosk_id};
    struct receipt_keys keys = {sign_own_key_lookup, &own, NULL, 0};
    assert_int_equal(receipt_verify_payload(&keys, read, NULL), RECEIPT_GENUINE);
    free(read);
    srv_free(&s);
}

static void test_paper_out(void **state)
{
    /* 0x72 to DLE EOT 2: stopped at paper end + error; to DLE EOT 4: paper end. */
    struct srv s = {.mode = SRV_ANSWER, .answer = 0x72, .answer_strays = 1, .stray_answer = 0x72};
    s.strays = escpos_count_queries(F->job.data, F->job.len);
    srv_start(&s);
    char dev[64];
    tcp_device(&s, dev, sizeof dev);
    struct printer_result r;
    assert_int_equal(print_via(dev, SAFE_MS, &r), PRINTER_PAPER_END);
    check_stored(&r, "failed", "打印机缺纸");
    srv_stop(&s);
    /* A reprint after staff loaded paper: pending again, then printed. */
    struct srv ok = {.mode = SRV_ANSWER, .answer = 0x12, .answer_strays = 1, .stray_answer = 0x12};
    ok.strays = s.strays;
    srv_start(&ok);
    tcp_device(&ok, dev, sizeof dev);
    assert_int_equal(print_via(dev, SAFE_MS, &r), PRINTER_PRINTED);
    check_stored(&r, "printed", NULL);
    srv_stop(&ok);
}

/* A job whose raster holds 10 04 02 and 10 04 01: two status answers nobody asked for. */
static void stray_job(struct escpos_buf *b)
{
    const uint8_t row0[8] = {0x10, 0x04, 0x02, 0x10, 0x04, 0x01, 0x00, 0xff};
    uint8_t grey[64 * 24];
    memset(grey, 255, sizeof grey);
    for (int x = 0; x < 64; x++)
        if (row0[x / 8] & (0x80 >> (x % 8)))
            grey[x] = 0;
    escpos_job(b, grey, 64, 24, 64);
    assert_int_equal(escpos_count_queries(b->data, b->len), 2);
}

static void test_stray_status_bytes(void **state)
{
    struct escpos_buf job = {0};
    stray_job(&job);
    struct {
        int answer_strays;
        uint8_t stray, final;
        enum printer_outcome want;
    } cases[] = {
        /* Strays say "paper end", the real answers "fine": the reader must not be fooled. */
        {1, 0x72, 0x12, PRINTER_PRINTED},
        /* And the other way round. */
        {1, 0x12, 0x72, PRINTER_PAPER_END},
        /* A printer that does not answer DLE EOT inside raster data. */
        {0, 0, 0x12, PRINTER_PRINTED},
        /* Cover open (DLE EOT 2 bit 2). */
        {1, 0x12, 0x16, PRINTER_COVER_OPEN},
    };
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        struct srv s = {.mode = SRV_ANSWER, .strays = 2, .answer_strays = cases[i].answer_strays,
                        .stray_answer = cases[i].stray, .answer = cases[i].final};
        srv_start(&s);
        char dev[64], detail[192];
        tcp_device(&s, dev, sizeof dev);
        enum printer_outcome o = printer_send(dev, SAFE_MS, job.data, job.len, detail, sizeof detail);
        if (o != cases[i].want)
            fail_msg("case %zu: outcome %d, wanted %d (%s)", i, o, cases[i].want, detail);
        srv_stop(&s);
    }
    escpos_buf_free(&job);

    /* A status probe (no job) reports the printer's state. */
    const uint8_t answers[] = {0x12, 0x72};
    const enum printer_outcome want[] = {PRINTER_PRINTED, PRINTER_PAPER_END};
    for (int i = 0; i < 2; i++) {
        struct srv s = {.mode = SRV_ANSWER, .answer = answers[i]};
        srv_start(&s);
        char dev[64];
        tcp_device(&s, dev, sizeof dev);
        assert_int_equal(printer_send(dev, SAFE_MS, NULL, 0, NULL, 0), want[i]);
        srv_join(&s);
        assert_int_equal(s.got.len, 6);
        srv_free(&s);
    }
}

static void test_regular_file(void **state)
{
    char path[128], dev[140];
    snprintf(path, sizeof path, "%s/printer-out.bin", F->dir);
    snprintf(dev, sizeof dev, "file:%s", path);
    struct printer_result r;
    assert_int_equal(print_via(dev, SAFE_MS, &r), PRINTER_PRINTED);
    size_t len;
    char *data = util_read_file(path, &len);
    assert_non_null(data);
    assert_int_equal(len, F->job.len);
    assert_memory_equal(data, F->job.data, len);
    free(data);
    /* Printing again replaces the file rather than appending. */
    assert_int_equal(print_via(dev, SAFE_MS, &r), PRINTER_PRINTED);
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    assert_int_equal((size_t)sb.st_size, F->job.len);
}

static void *pty_main(void *arg)
{
    struct srv *s = arg;
    answer_loop(s, s->lfd);
    return NULL;
}

/* A character device that answers status like a bidirectional USB printer: a
 * pseudo-terminal in raw mode, the test on the master side. */
static void test_device_with_status(void **state)
{
    int master = posix_openpt(O_RDWR | O_NOCTTY);
    assert_true(master >= 0);
    assert_int_equal(grantpt(master), 0);
    assert_int_equal(unlockpt(master), 0);
    char dev[160];
    snprintf(dev, sizeof dev, "file:%s", ptsname(master));
    /* Raw, so 0x04 (^D) and 0x10 reach the "printer" as bytes.  Keep one slave fd open
     * so the settings hold between the printer's open and close. */
    int slave = open(dev + 5, O_RDWR | O_NOCTTY);
    assert_true(slave >= 0);
    struct termios t;
    assert_int_equal(tcgetattr(slave, &t), 0);
    cfmakeraw(&t);
    assert_int_equal(tcsetattr(slave, TCSANOW, &t), 0);

    struct srv s = {.mode = SRV_ANSWER, .answer = 0x72, .answer_strays = 1, .stray_answer = 0x72,
                    .lfd = master};
    s.strays = escpos_count_queries(F->job.data, F->job.len);
    assert_int_equal(pthread_create(&s.th, NULL, pty_main, &s), 0);
    struct printer_result r;
    assert_int_equal(print_via(dev, SAFE_MS, &r), PRINTER_PAPER_END);
    close(slave); /* the master's read now ends */
    pthread_join(s.th, NULL);
    assert_int_equal(s.got.len, F->job.len + 6);
    assert_memory_equal(s.got.data, F->job.data, F->job.len);
    escpos_buf_free(&s.got);
    close(master);

    /* A device that is written but never answers (here /dev/null) counts as printed:
     * a USB printer only takes data it can print. */
    assert_int_equal(printer_send("file:/dev/null", SAFE_MS, F->job.data, F->job.len, NULL, 0),
                     PRINTER_PRINTED);
}

static void test_cups_with_fake_lp(void **state)
{
    char bin[128], lp[160], out[160], path[512];
    snprintf(bin, sizeof bin, "%s/bin", F->dir);
    assert_int_equal(util_mkdirs(bin, 0755), 0);
    snprintf(lp, sizeof lp, "%s/lp", bin);
    FILE *f = fopen(lp, "w");
    fputs("#!/bin/sh\n"
          "[ \"$1 $3 $4 $5\" = \"-d -o raw \" ] || exit 4\n"
          "case \"$2\" in\n"
          "  ok) cat > \"$FAKE_LP_OUT\" ;;\n"
          "  slow) exec sleep 30 ;;\n"
          "  *) echo \"lp: The printer or class does not exist.\" >&2; exit 1 ;;\n"
          "esac\n",
          f);
    fclose(f);
    assert_int_equal(chmod(lp, 0755), 0);
    snprintf(out, sizeof out, "%s/lp-out.bin", F->dir);
    setenv("FAKE_LP_OUT", out, 1);
    const char *old = getenv("PATH");
    char *saved = strdup(old ? old : "/usr/bin:/bin");
    snprintf(path, sizeof path, "%s:%s", bin, saved);
    setenv("PATH", path, 1);

    struct printer_result r;
    assert_int_equal(print_via("cups:ok", SAFE_MS, &r), PRINTER_PRINTED);
    size_t len;
    char *data = util_read_file(out, &len);
    assert_non_null(data);
    assert_int_equal(len, F->job.len);
    assert_memory_equal(data, F->job.data, len);
    free(data);
    /* lp refuses: the spooler's error, and no SIGPIPE kills us when it stops reading. */
    assert_int_equal(print_via("cups:nosuchqueue", SAFE_MS, &r), PRINTER_SPOOLER);
    check_stored(&r, "failed", "打印服务出错");
    /* lp hangs: killed at the deadline. */
    assert_int_equal(print_via("cups:slow", DEADLINE_MS, &r), PRINTER_NO_RESPONSE);

    setenv("PATH", saved, 1);
    free(saved);
}

static void test_no_printer(void **state)
{
    struct printer_result r;
    assert_int_equal(print_via("none", SAFE_MS, &r), PRINTER_NONE);
    check_stored(&r, "none", NULL);
    char err[256];
    struct printer *p = NULL;
    assert_int_equal(printer_open("lpt1", 300, NULL, NULL, &p, err, sizeof err), -1);
    assert_null(p);
}

static void test_messages(void **state)
{
    for (int o = PRINTER_PRINTED; o <= PRINTER_BUSY; o++) {
        const char *zh = printer_message(o, "zh"), *en = printer_message(o, "en");
        assert_true(zh[0] && en[0]);
        assert_string_not_equal(zh, en);
        assert_true(utf8_valid(zh, strlen(zh)));
    }
    assert_string_equal(printer_message(PRINTER_PAPER_END, "zh"), "打印机缺纸");
    assert_string_equal(printer_message(PRINTER_NO_RESPONSE, "zh"), "打印机无响应");
    assert_string_equal(printer_message(PRINTER_NOT_CONNECTED, "zh"), "打印机未连接");
    assert_string_equal(printer_state_name(PRINTER_PRINTED), "printed");
    assert_string_equal(printer_state_name(PRINTER_NONE), "none");
    assert_string_equal(printer_state_name(PRINTER_UNKNOWN), "failed");
}

static void test_escpos_status_and_decode(void **state)
{
    struct escpos_status st = {0};
    assert_int_equal(escpos_status_parse(ESCPOS_Q_PAPER, 0x12, &st), 0);
    assert_false(st.paper_end || st.paper_near_end);
    assert_int_equal(escpos_status_parse(ESCPOS_Q_PAPER, 0x1e, &st), 0);
    assert_true(st.paper_near_end);
    assert_false(st.paper_end);
    assert_int_equal(escpos_status_parse(ESCPOS_Q_PAPER, 0x72, &st), 0);
    assert_true(st.paper_end);
    memset(&st, 0, sizeof st);
    assert_int_equal(escpos_status_parse(ESCPOS_Q_PRINTER, 0x1a, &st), 0);
    assert_true(st.offline);
    assert_int_equal(escpos_status_parse(ESCPOS_Q_OFFLINE, 0x16, &st), 0);
    assert_true(st.cover_open);
    assert_int_equal(escpos_status_parse(ESCPOS_Q_OFFLINE, 0x52, &st), 0);
    assert_true(st.error);
    /* Not status bytes: fixed bits wrong. */
    assert_int_equal(escpos_status_parse(ESCPOS_Q_PAPER, 0x00, &st), -1);
    assert_int_equal(escpos_status_parse(ESCPOS_Q_PAPER, 0x93, &st), -1);
    assert_int_equal(escpos_status_parse(ESCPOS_Q_PAPER, 0x13, &st), -1);

    /* Round trip of a small image, with a width that is not a whole byte. */
    uint8_t img[13 * 30];
    for (int i = 0; i < 13 * 30; i++)
        img[i] = (i * 7 % 5) ? 255 : 0;
    struct escpos_buf b = {0};
    escpos_job(&b, img, 13, 30, 13);
    int w, h;
    uint8_t *grey;
    char err[128];
    assert_int_equal(escpos_decode(b.data, b.len, &w, &h, &grey, err, sizeof err), 0);
    assert_int_equal(w, 16);
    assert_int_equal(h, 30);
    for (int y = 0; y < 30; y++)
        for (int x = 0; x < 16; x++)
            assert_int_equal(grey[y * 16 + x], x < 13 ? img[y * 13 + x] : 255);
    free(grey);
    /* Bands of ESCPOS_BAND_ROWS rows: 30 rows are two bands. */
    size_t bands = 0;
    for (size_t i = 0; i + 2 < b.len; i++)
        if (b.data[i] == 0x1d && b.data[i + 1] == 'v' && b.data[i + 2] == '0')
            bands++;
    assert_int_equal(bands, 2);
    /* Cut short, or an unknown command: refused. */
    assert_int_equal(escpos_decode(b.data, b.len - 20, &w, &h, &grey, err, sizeof err), -1);
    assert_null(grey);
    b.data[0] = 0x1c;
    assert_int_equal(escpos_decode(b.data, b.len, &w, &h, &grey, err, sizeof err), -1);
    escpos_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_refused_port),
        cmocka_unit_test(test_listener_never_reads),
        cmocka_unit_test(test_submit_returns_at_once),
        cmocka_unit_test(test_connection_closed_mid_receipt),
        cmocka_unit_test(test_unwritable_device),
        cmocka_unit_test(test_healthy_printer),
        cmocka_unit_test(test_paper_out),
        cmocka_unit_test(test_stray_status_bytes),
        cmocka_unit_test(test_regular_file),
        cmocka_unit_test(test_device_with_status),
        cmocka_unit_test(test_cups_with_fake_lp),
        cmocka_unit_test(test_no_printer),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_escpos_status_and_decode),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
