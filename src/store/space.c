/* space — see space.h. */
#define _GNU_SOURCE
#include "store/space.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

int64_t space_free(const char *dir)
{
    struct statvfs vfs;
    if (statvfs(dir, &vfs) < 0)
        return -1;
    return (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
}

static void reserve_path(const char *dir, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", dir, SPACE_RESERVE_NAME);
}

int space_reserve_keep(const char *dir, int64_t bytes, int64_t keep_free)
{
    char path[4200];
    reserve_path(dir, path, sizeof path);
    struct stat sb;
    int64_t have = lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) ? (int64_t)sb.st_blocks * 512 : 0;
    if (bytes <= 0 || have >= bytes)
        return 1;
    int64_t free = space_free(dir);
    if (free < 0)
        return -1;
    if (free - (bytes - have) < keep_free)
        return 0;
    int fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    /* Blocks really allocated (not a sparse file), so that releasing it frees them. */
    int rc = posix_fallocate(fd, 0, (off_t)bytes);
    if (rc == 0 && fsync(fd) < 0)
        rc = errno;
    close(fd);
    if (rc != 0) {
        unlink(path);
        errno = rc;
        return rc == ENOSPC ? 0 : -1;
    }
    return 1;
}

int64_t space_reserve_release(const char *dir)
{
    char path[4200];
    reserve_path(dir, path, sizeof path);
    struct stat sb;
    if (lstat(path, &sb) < 0 || !S_ISREG(sb.st_mode))
        return 0;
    int64_t held = (int64_t)sb.st_blocks * 512;
    return unlink(path) == 0 ? held : 0;
}
