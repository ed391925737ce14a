/* fake_printer — a network receipt printer for the receipt scenarios (tests/scenarios/
 * receipt_*.script), built by their setup line with nothing but the C compiler.
 *
 *   fake_printer silent PIDFILE [LIFETIME_S]
 *       accepts connections and never reads from them: the kiosk's send or its status
 *       query runs into the deadline.
 *   fake_printer answer PIDFILE OUTFILE [LIFETIME_S]
 *       reads every job into OUTFILE (appended) and answers each DLE EOT n with 0x12:
 *       online, cover closed, paper present — a healthy printer.
 *   fake_printer close PIDFILE [LIFETIME_S]
 *       reads the first kilobyte of a job and closes the connection: a cable pulled
 *       mid-receipt.
 *
 * Listens on 127.0.0.1 at a port the kernel picks and prints that port on stdout.  The
 * parent returns once the socket listens (so a connection made after it exits is
 * queued, never refused); a child serves, writes nothing to stdout, and exits after
 * LIFETIME_S seconds (default 60) or on SIGTERM, so a failed scenario leaves nothing
 * running for long. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_CONN 16

static int usage(void)
{
    fputs("usage: fake_printer silent PIDFILE [LIFETIME_S]\n"
          "       fake_printer answer PIDFILE OUTFILE [LIFETIME_S]\n"
          "       fake_printer close PIDFILE [LIFETIME_S]\n",
          stderr);
    return 2;
}

/* Reads one connection to its end, appending to out and answering status queries. */
static void answer(int fd, FILE *out)
{
    uint8_t buf[4096];
    int state = 0; /* 0: nothing, 1: saw DLE, 2: saw DLE EOT */
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n <= 0)
            return;
        fwrite(buf, 1, (size_t)n, out);
        fflush(out);
        for (ssize_t i = 0; i < n; i++) {
            uint8_t b = buf[i];
            if (state == 2 && b >= 1 && b <= 4) {
                uint8_t ok = 0x12;
                if (write(fd, &ok, 1) != 1)
                    return;
                state = 0;
                continue;
            }
            state = b == 0x10 ? 1 : (state == 1 && b == 0x04) ? 2 : 0;
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 3)
        return usage();
    int silent = strcmp(argv[1], "silent") == 0, closing = strcmp(argv[1], "close") == 0;
    int answering = strcmp(argv[1], "answer") == 0;
    if (!silent && !closing && !answering)
        return usage();
    if (answering && argc < 4)
        return usage();
    const char *pidfile = argv[2], *outfile = answering ? argv[3] : NULL;
    int life_arg = answering ? 4 : 3;
    int life = argc > life_arg ? atoi(argv[life_arg]) : 60;

    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    if (lfd < 0) {
        perror("socket");
        return 1;
    }
    /* A small receive buffer (inherited by accepted sockets) makes a silent printer
     * stop the sender after a few kilobytes rather than swallow a whole receipt. */
    int small = 2048;
    setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (bind(lfd, (struct sockaddr *)&a, sizeof a) < 0 || listen(lfd, MAX_CONN) < 0 ||
        getsockname(lfd, (struct sockaddr *)&a, &al) < 0) {
        perror("listen");
        return 1;
    }
    FILE *out = NULL;
    if (outfile && !(out = fopen(outfile, "ab"))) {
        perror(outfile);
        return 1;
    }
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return 1;
    }
    if (pid > 0) {
        FILE *pf = fopen(pidfile, "w");
        if (!pf) {
            perror(pidfile);
            return 1;
        }
        fprintf(pf, "%d\n", (int)pid);
        fclose(pf);
        printf("%d\n", ntohs(a.sin_port));
        return 0;
    }
    /* The child: nothing on stdout or stderr, or `$(fake_printer …)` would wait for it. */
    int devnull = open("/dev/null", O_RDWR);
    if (devnull >= 0) {
        dup2(devnull, 0);
        dup2(devnull, 1);
        dup2(devnull, 2);
        close(devnull);
    }
    setsid();
    alarm((unsigned)(life > 0 ? life : 60));
    int nheld = 0;
    for (;;) {
        int cfd = accept(lfd, NULL, NULL);
        if (cfd < 0) {
            if (errno == EINTR)
                continue;
            return 1;
        }
        if (silent) {
            /* Keep it open and unread; the kiosk gives up at its deadline. */
            if (++nheld > MAX_CONN)
                close(cfd);
            continue;
        }
        if (closing) {
            uint8_t buf[1024];
            size_t got = 0;
            while (got < sizeof buf) {
                ssize_t n = read(cfd, buf + got, sizeof buf - got);
                if (n <= 0)
                    break;
                got += (size_t)n;
            }
        } else {
            answer(cfd, out);
        }
        close(cfd);
    }
}
