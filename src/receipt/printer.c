/* printer — see printer.h.  Every wait is a poll() on the device and on the cancel pipe,
 * bounded by the job's deadline on the monotonic clock, so no back-end can hang the
 * worker past the deadline (except getaddrinfo for a host name, which has no deadline
 * of its own; use an IP address for network printers). */
#define _GNU_SOURCE /* pipe2 */
#include "receipt/printer.h"

#include "core/util.h"
#include "receipt/escpos.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* After the last expected status byte, or after this long without another byte once
 * two have arrived, the answer is taken as complete. */
#define STATUS_QUIET_MS 200
/* How long a USB printer device gets to answer DLE EOT.  Many never do (usblp reads
 * only from bidirectional printers); their silence must not hold the job to the full
 * deadline. */
#define DEVICE_STATUS_MS 1000

/* One job's run: deadline on the monotonic clock and the fd that says "stop now". */
struct run {
    int64_t deadline;
    int cancel_fd; /* -1: not cancellable */
    char *detail;
    size_t detail_len;
};

struct job {
    struct job *next;
    char uuid[37];
    uint8_t *data;
    size_t len;
};

struct result_node {
    struct result_node *next;
    struct printer_result r;
};

struct printer {
    char device[1024];
    int timeout_ms;
    printer_notify_fn notify;
    void *notify_user;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct job *jobs, *jobs_tail;
    int njobs;
    struct result_node *results, *results_tail;
    int stop;
    int cancel[2]; /* written once by printer_close */
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void say(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct run *r, const char *fmt, ...)
{
    if (!r->detail || !r->detail_len)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->detail, r->detail_len, fmt, ap);
    va_end(ap);
}

/* Waits until fd has `events`, `until` passes, or the job is cancelled.  Returns 1
 * (revents in *rev), 0 at the deadline, -2 when cancelled. */
static int wait_fd(struct run *r, int fd, short events, int64_t until, short *rev)
{
    for (;;) {
        int64_t left = until - mono_ms();
        if (left <= 0)
            return 0;
        struct pollfd pf[2] = {{.fd = fd, .events = events}, {.fd = r->cancel_fd, .events = POLLIN}};
        int n = poll(pf, r->cancel_fd >= 0 ? 2 : 1, (int)left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return 0;
        if (r->cancel_fd >= 0 && pf[1].revents)
            return -2;
        if (n > 0 && pf[0].revents) {
            *rev = pf[0].revents;
            return 1;
        }
    }
}

/* write() to a pipe whose reader is gone raises SIGPIPE, which would end the whole
 * kiosk.  Block it on this thread for the call and swallow the one the call raised, so
 * the failure comes back as EPIPE instead. */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t n)
{
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    ssize_t w = write(fd, buf, n);
    int saved = errno;
    if (w < 0 && saved == EPIPE && !sigismember(&old, SIGPIPE)) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return w;
}

static enum printer_outcome outcome_of_errno(struct run *r, int e, const char *what)
{
    say(r, "%s: %s", what, strerror(e));
    switch (e) {
    case EPIPE:
    case ECONNRESET:
        return PRINTER_CONNECTION_LOST;
    case ENOSPC: /* usblp: out of paper */
        return PRINTER_PAPER_END;
    case EIO: /* usblp: printer off line */
        return PRINTER_OFFLINE;
    case ENOENT:
    case ENODEV:
    case ENXIO:
    case ECONNREFUSED:
    case EHOSTUNREACH:
    case ENETUNREACH:
    case EACCES:
    case EPERM:
    case EROFS:
    case ENOTDIR:
    case EISDIR:
        return PRINTER_NOT_CONNECTED;
    case ETIMEDOUT:
        return PRINTER_NO_RESPONSE;
    default:
        return PRINTER_FAULT;
    }
}

/* Writes all of data to the non-blocking fd.  Returns PRINTER_PRINTED when every byte
 * was taken, else why not. */
static enum printer_outcome write_all(struct run *r, int fd, int is_socket, const uint8_t *data,
                                      size_t len)
{
    size_t off = 0;
    while (off < len) {
        ssize_t n = is_socket ? send(fd, data + off, len - off, MSG_NOSIGNAL)
                              : write_nosigpipe(fd, data + off, len - off);
        if (n > 0) {
            off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
            return outcome_of_errno(r, errno, "write");
        short rev = 0;
        int w = wait_fd(r, fd, POLLOUT, r->deadline, &rev);
        if (w == -2)
            return PRINTER_CANCELLED;
        if (w == 0) {
            say(r, "deadline passed after %zu of %zu bytes", off, len);
            return PRINTER_NO_RESPONSE;
        }
        /* POLLERR/POLLHUP: the next write reports the reason. */
    }
    return PRINTER_PRINTED;
}

/* Discards bytes already waiting (answers nobody read after an earlier job). */
static void drain(int fd)
{
    uint8_t junk[256];
    while (read(fd, junk, sizeof junk) > 0)
        ;
}

/* Reads the printer's answers after a job that ended with DLE EOT 2, DLE EOT 4.
 * `expected` is the number of answers the whole stream asks for, strays included.
 * window_ms bounds the wait (within the deadline).  no_answer_ok: silence or a device
 * that cannot be read counts as printed (USB devices), else as PRINTER_UNKNOWN. */
static enum printer_outcome read_status(struct run *r, int fd, size_t expected,
                                        int64_t window_ms, int no_answer_ok)
{
    size_t got = 0;
    uint8_t last[2] = {0, 0};
    int eof = 0;
    int64_t end = mono_ms() + window_ms;
    if (end > r->deadline)
        end = r->deadline;
    int64_t quiet_until = end;
    while (got < expected) {
        int64_t until = got >= 2 && quiet_until < end ? quiet_until : end;
        short rev = 0;
        int w = wait_fd(r, fd, POLLIN, until, &rev);
        if (w == -2)
            return PRINTER_CANCELLED;
        if (w == 0)
            break;
        uint8_t buf[256];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
        if (n <= 0) {
            eof = !no_answer_ok;
            break;
        }
        for (ssize_t i = 0; i < n; i++) {
            last[0] = last[1];
            last[1] = buf[i];
        }
        got += (size_t)n;
        quiet_until = mono_ms() + STATUS_QUIET_MS;
    }
    if (got < 2) {
        if (eof) {
            say(r, "the printer closed the connection before answering");
            return PRINTER_CONNECTION_LOST;
        }
        if (no_answer_ok)
            return PRINTER_PRINTED;
        say(r, "no status answer before the deadline (%zu of %zu bytes)", got, expected);
        return PRINTER_UNKNOWN;
    }
    struct escpos_status st = {0};
    if (escpos_status_parse(ESCPOS_Q_OFFLINE, last[0], &st) < 0 ||
        escpos_status_parse(ESCPOS_Q_PAPER, last[1], &st) < 0) {
        say(r, "not a status answer: %02x %02x", last[0], last[1]);
        return PRINTER_UNKNOWN;
    }
    say(r, "status %02x %02x", last[0], last[1]);
    if (st.cover_open)
        return PRINTER_COVER_OPEN;
    if (st.paper_end || st.paper_stop)
        return PRINTER_PAPER_END;
    if (st.error)
        return PRINTER_FAULT;
    return PRINTER_PRINTED;
}

/* The job followed by the two status queries, and how many answers it asks for. */
static uint8_t *with_queries(const uint8_t *job, size_t len, size_t *out_len, size_t *expected)
{
    struct escpos_buf b = {0};
    escpos_buf_add(&b, job, len);
    escpos_query(&b, ESCPOS_Q_OFFLINE);
    escpos_query(&b, ESCPOS_Q_PAPER);
    *expected = escpos_count_queries(b.data, b.len);
    *out_len = b.len;
    return b.data;
}

static enum printer_outcome send_file(struct run *r, const char *path, const uint8_t *job,
                                      size_t len)
{
    struct stat sb;
    int is_file = stat(path, &sb) < 0 ? errno == ENOENT : S_ISREG(sb.st_mode);
    int fd, readable = 0;
    if (is_file) {
        /* A status probe (len 0) must not empty the file the last job went to. */
        fd = open(path, O_WRONLY | O_NONBLOCK | O_CREAT | (len ? O_TRUNC : 0) | O_CLOEXEC, 0644);
    } else {
        fd = open(path, O_RDWR | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        readable = fd >= 0;
        if (fd < 0)
            fd = open(path, O_WRONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    }
    if (fd < 0)
        return outcome_of_errno(r, errno, path);
    enum printer_outcome o;
    if (!readable) {
        o = write_all(r, fd, 0, job, len);
    } else {
        drain(fd);
        size_t n, expected;
        uint8_t *all = with_queries(job, len, &n, &expected);
        o = write_all(r, fd, 0, all, n);
        free(all);
        if (o == PRINTER_PRINTED)
            o = read_status(r, fd, expected, DEVICE_STATUS_MS, 1);
    }
    close(fd);
    return o;
}

/* Splits "HOST:PORT" (HOST may be "[v6]").  Returns 0 or -1. */
static int split_host_port(const char *s, char *host, size_t hsize, char *port, size_t psize)
{
    const char *colon = strrchr(s, ':');
    if (!colon || !colon[1] || colon == s)
        return -1;
    size_t hl = (size_t)(colon - s);
    if (s[0] == '[' && hl >= 2 && s[hl - 1] == ']') {
        s++;
        hl -= 2;
    }
    if (hl >= hsize || strlen(colon + 1) >= psize)
        return -1;
    memcpy(host, s, hl);
    host[hl] = 0;
    strcpy(port, colon + 1);
    return 0;
}

static int connect_one(struct run *r, const struct addrinfo *ai, enum printer_outcome *o)
{
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
                    ai->ai_protocol);
    if (fd < 0) {
        *o = outcome_of_errno(r, errno, "socket");
        return -1;
    }
    if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
        return fd;
    if (errno != EINPROGRESS) {
        *o = outcome_of_errno(r, errno, "connect");
        close(fd);
        return -1;
    }
    short rev = 0;
    int w = wait_fd(r, fd, POLLOUT, r->deadline, &rev);
    if (w <= 0) {
        *o = w == -2 ? PRINTER_CANCELLED : PRINTER_NO_RESPONSE;
        if (w == 0)
            say(r, "connect: no answer before the deadline");
        close(fd);
        return -1;
    }
    int soerr = 0;
    socklen_t sl = sizeof soerr;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
    if (soerr) {
        *o = outcome_of_errno(r, soerr, "connect");
        close(fd);
        return -1;
    }
    return fd;
}

static enum printer_outcome send_tcp(struct run *r, const char *hostport, const uint8_t *job,
                                     size_t len)
{
    char host[256], port[16];
    if (split_host_port(hostport, host, sizeof host, port, sizeof port) < 0) {
        say(r, "bad tcp address \"%s\"", hostport);
        return PRINTER_NOT_CONNECTED;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    int gai = getaddrinfo(host, port, &hints, &ai);
    if (gai != 0) {
        say(r, "%s: %s", host, gai_strerror(gai));
        return PRINTER_NOT_CONNECTED;
    }
    enum printer_outcome o = PRINTER_NOT_CONNECTED;
    int fd = -1;
    for (struct addrinfo *a = ai; a && fd < 0 && o != PRINTER_CANCELLED; a = a->ai_next)
        fd = connect_one(r, a, &o);
    freeaddrinfo(ai);
    if (fd < 0)
        return o;
    size_t n, expected;
    uint8_t *all = with_queries(job, len, &n, &expected);
    o = write_all(r, fd, 1, all, n);
    free(all);
    if (o == PRINTER_PRINTED)
        o = read_status(r, fd, expected, INT64_MAX / 2, 0);
    close(fd);
    return o;
}

static enum printer_outcome send_cups(struct run *r, const char *queue, const uint8_t *job,
                                      size_t len)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return outcome_of_errno(r, errno, "pipe");
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[0], 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    char *argv[] = {"lp", "-d", (char *)queue, "-o", "raw", NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, "lp", &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fds[0]);
    if (rc != 0) {
        close(fds[1]);
        say(r, "cannot start lp: %s", strerror(rc));
        return PRINTER_SPOOLER;
    }
    fcntl(fds[1], F_SETFL, O_NONBLOCK);
    enum printer_outcome o = write_all(r, fds[1], 0, job, len);
    close(fds[1]);
    int status = 0, done = 0;
    while (!done) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid) {
            done = 1;
            break;
        }
        if (w < 0 && errno != EINTR)
            break;
        int64_t left = r->deadline - mono_ms();
        if (left <= 0 || o == PRINTER_CANCELLED)
            break;
        struct pollfd pf = {.fd = r->cancel_fd, .events = POLLIN};
        if (poll(&pf, r->cancel_fd >= 0 ? 1 : 0, left < 20 ? (int)left : 20) > 0) {
            o = PRINTER_CANCELLED;
            break;
        }
    }
    if (!done) {
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        if (o == PRINTER_PRINTED) {
            say(r, "lp did not finish before the deadline");
            o = PRINTER_NO_RESPONSE;
        }
        return o;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        say(r, "lp -d %s failed (status %d)", queue,
            WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        return PRINTER_SPOOLER;
    }
    return o;
}

static enum printer_outcome run_job(struct run *r, const char *device, const uint8_t *job,
                                    size_t len)
{
    if (strcmp(device, "none") == 0)
        return PRINTER_NONE;
    if (strncmp(device, "file:", 5) == 0)
        return send_file(r, device + 5, job, len);
    if (strncmp(device, "tcp:", 4) == 0)
        return send_tcp(r, device + 4, job, len);
    if (strncmp(device, "cups:", 5) == 0)
        return send_cups(r, device + 5, job, len);
    say(r, "unknown printer device \"%s\"", device);
    return PRINTER_NOT_CONNECTED;
}

enum printer_outcome printer_send(const char *device, int timeout_ms, const uint8_t *job,
                                  size_t len, char *detail, size_t detail_len)
{
    if (detail && detail_len)
        detail[0] = 0;
    struct run r = {.deadline = mono_ms() + timeout_ms, .cancel_fd = -1, .detail = detail,
                    .detail_len = detail_len};
    return run_job(&r, device, job, len);
}

static void push_result(struct printer *p, const char *uuid, enum printer_outcome o,
                        const char *detail)
{
    struct result_node *n = calloc(1, sizeof *n);
    if (!n)
        abort();
    util_strlcpy(n->r.record_uuid, uuid, sizeof n->r.record_uuid);
    n->r.outcome = o;
    util_strlcpy(n->r.detail, detail, sizeof n->r.detail);
    pthread_mutex_lock(&p->mu);
    if (p->results_tail)
        p->results_tail->next = n;
    else
        p->results = n;
    p->results_tail = n;
    pthread_mutex_unlock(&p->mu);
    if (p->notify)
        p->notify(p->notify_user);
}

static void *worker(void *arg)
{
    struct printer *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->stop && !p->jobs)
            pthread_cond_wait(&p->cv, &p->mu);
        if (p->stop) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        struct job *j = p->jobs;
        p->jobs = j->next;
        if (!p->jobs)
            p->jobs_tail = NULL;
        p->njobs--;
        pthread_mutex_unlock(&p->mu);

        char detail[192] = "";
        struct run r = {.deadline = mono_ms() + p->timeout_ms, .cancel_fd = p->cancel[0],
                        .detail = detail, .detail_len = sizeof detail};
        enum printer_outcome o = run_job(&r, p->device, j->data, j->len);
        if (o != PRINTER_PRINTED && o != PRINTER_NONE)
            fprintf(stderr, "printer: %s: %s (%s)\n", p->device, printer_message(o, "en"),
                    detail);
        push_result(p, j->uuid, o, detail);
        free(j->data);
        free(j);
    }
}

int printer_open(const char *device, int timeout_ms, printer_notify_fn notify, void *user,
                 struct printer **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!(strcmp(device, "none") == 0 || strncmp(device, "file:", 5) == 0 ||
          strncmp(device, "tcp:", 4) == 0 || strncmp(device, "cups:", 5) == 0)) {
        snprintf(err, errlen, "printer device must be none, file:PATH, tcp:HOST:PORT or "
                              "cups:QUEUE (got \"%s\")", device);
        return -1;
    }
    struct printer *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    util_strlcpy(p->device, device, sizeof p->device);
    p->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
    p->notify = notify;
    p->notify_user = user;
    if (pipe2(p->cancel, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "printer: cannot make a pipe: %s", strerror(errno));
        free(p);
        return -1;
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    /* The worker starts with every signal blocked, so SIGINT/SIGTERM keep going to the
     * main thread, which knows how to shut down. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int rc = pthread_create(&p->thread, NULL, worker, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        snprintf(err, errlen, "printer: cannot start its thread: %s", strerror(rc));
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        close(p->cancel[0]);
        close(p->cancel[1]);
        free(p);
        return -1;
    }
    *out = p;
    return 0;
}

void printer_close(struct printer *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    if (write(p->cancel[1], "x", 1) < 0)
        fprintf(stderr, "printer: cannot signal the worker: %s\n", strerror(errno));
    pthread_join(p->thread, NULL);
    while (p->jobs) {
        struct job *j = p->jobs;
        p->jobs = j->next;
        free(j->data);
        free(j);
    }
    while (p->results) {
        struct result_node *n = p->results;
        p->results = n->next;
        free(n);
    }
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    close(p->cancel[0]);
    close(p->cancel[1]);
    free(p);
}

int printer_submit(struct printer *p, const char *record_uuid, const uint8_t *job, size_t len)
{
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    util_strlcpy(j->uuid, record_uuid, sizeof j->uuid);
    j->data = malloc(len ? len : 1);
    if (!j->data)
        abort();
    if (len)
        memcpy(j->data, job, len);
    j->len = len;
    pthread_mutex_lock(&p->mu);
    if (p->njobs >= PRINTER_QUEUE_MAX) {
        pthread_mutex_unlock(&p->mu);
        free(j->data);
        free(j);
        push_result(p, record_uuid, PRINTER_BUSY, "queue full");
        return -1;
    }
    if (p->jobs_tail)
        p->jobs_tail->next = j;
    else
        p->jobs = j;
    p->jobs_tail = j;
    p->njobs++;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return 0;
}

int printer_poll(struct printer *p, struct printer_result *out)
{
    pthread_mutex_lock(&p->mu);
    struct result_node *n = p->results;
    if (n) {
        p->results = n->next;
        if (!p->results)
            p->results_tail = NULL;
    }
    pthread_mutex_unlock(&p->mu);
    if (!n)
        return 0;
    *out = n->r;
    free(n);
    return 1;
}

const char *printer_state_name(enum printer_outcome o)
{
    return o == PRINTER_PRINTED ? "printed" : o == PRINTER_NONE ? "none" : "failed";
}

const char *printer_message(enum printer_outcome o, const char *lang)
{
    static const char *const msg[][2] = {
        [PRINTER_PRINTED] = {"回执已打印，请取走", "Your receipt has been printed."},
        [PRINTER_NONE] = {"本机未配置打印机，请保存屏幕上的二维码",
                          "No printer here: please keep the QR code on the screen."},
        [PRINTER_NOT_CONNECTED] = {"打印机未连接", "The printer is not connected."},
        [PRINTER_NO_RESPONSE] = {"打印机无响应", "The printer is not responding."},
        [PRINTER_PAPER_END] = {"打印机缺纸", "The printer is out of paper."},
        [PRINTER_COVER_OPEN] = {"打印机纸仓盖未关好", "The printer cover is open."},
        [PRINTER_OFFLINE] = {"打印机离线", "The printer is offline."},
        [PRINTER_FAULT] = {"打印机故障", "The printer reports an error."},
        [PRINTER_CONNECTION_LOST] = {"打印中断，连接已断开", "Printing was interrupted."},
        [PRINTER_UNKNOWN] = {"无法确认是否已打印，请查看出纸口",
                             "Could not confirm printing: please check the printer."},
        [PRINTER_SPOOLER] = {"打印服务出错", "The print service refused the job."},
        [PRINTER_CANCELLED] = {"打印已取消", "Printing was cancelled."},
        [PRINTER_BUSY] = {"打印机忙，请稍后重试", "The printer is busy: please try again."},
    };
    int en = lang && strcmp(lang, "en") == 0;
    if ((unsigned)o >= ARRAY_LEN(msg))
        o = PRINTER_FAULT;
    return msg[o][en];
}
