/* notify_listen SOCKET SECONDS: a stand-in for systemd's notification socket.  Binds a
 * datagram socket at SOCKET and prints each message it receives, one a line ("\n" inside
 * a message becomes "|"), until SECONDS have passed.  For tests/shell/test_notify.sh. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: notify_listen SOCKET SECONDS\n");
        return 2;
    }
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (fd < 0 || strlen(argv[1]) >= sizeof sa.sun_path) {
        perror("notify_listen");
        return 2;
    }
    strcpy(sa.sun_path, argv[1]);
    unlink(argv[1]);
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        perror("notify_listen: bind");
        return 2;
    }
    long long end = now_ms() + atoll(argv[2]) * 1000;
    char buf[4096];
    setvbuf(stdout, NULL, _IOLBF, 0);
    for (long long t; (t = now_ms()) < end;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, (int)(end - t)) <= 0)
            continue;
        ssize_t n = recv(fd, buf, sizeof buf - 1, 0);
        if (n <= 0)
            continue;
        buf[n] = 0;
        for (char *c = buf; *c; c++)
            if (*c == '\n')
                *c = '|';
        printf("%s\n", buf);
    }
    unlink(argv[1]);
    return 0;
}
