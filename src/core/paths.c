/* paths — see paths.h. */
#include "core/paths.h"

#include "core/util.h"

#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct paths paths_table;
static int paths_ready;

#ifdef PATHS_INSTALLED
/* The directory ROOT under which this binary's BINDIR lies: "" for a real install. */
static void install_root(char *root, size_t len)
{
    root[0] = 0;
    char exe[PATH_MAX], bindir[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return; /* no /proc: the compiled-in paths */
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return;
    *slash = 0;
    /* /proc/self/exe is a real path; BINDIR may not be (a /usr/local that is a link). */
    if (!strcmp(exe, PATHS_BINDIR) || (realpath(PATHS_BINDIR, bindir) && !strcmp(exe, bindir)))
        return;
    size_t e = strlen(exe), b = strlen(PATHS_BINDIR);
    if (e > b && !strcmp(exe + e - b, PATHS_BINDIR) && (size_t)(e - b) < len) {
        memcpy(root, exe, e - b);
        root[e - b] = 0;
    }
}
#endif

const struct paths *paths_get(void)
{
    if (paths_ready)
        return &paths_table;
    struct paths *p = &paths_table;
#ifdef PATHS_INSTALLED
    char root[PATH_MAX];
    install_root(root, sizeof root);
    p->installed = 1;
    snprintf(p->config, sizeof p->config, "%s%s/kiosk/kiosk.ini", root, PATHS_SYSCONFDIR);
    snprintf(p->assets, sizeof p->assets, "%s%s/kiosk/assets", root, PATHS_DATADIR);
    snprintf(p->fonts, sizeof p->fonts, "%s%s/kiosk/fonts", root, PATHS_DATADIR);
    snprintf(p->central, sizeof p->central, "%s%s/kiosk/central", root, PATHS_DATADIR);
    snprintf(p->data, sizeof p->data, "%s%s/lib/kiosk", root, PATHS_LOCALSTATEDIR);
    p->user = PATHS_USER;
#else
    util_strlcpy(p->config, "kiosk-config/kiosk.ini", sizeof p->config);
    util_strlcpy(p->assets, "assets", sizeof p->assets);
    util_strlcpy(p->fonts, "fonts", sizeof p->fonts);
    util_strlcpy(p->central, "kiosk-config/central", sizeof p->central);
    util_strlcpy(p->data, "var/data", sizeof p->data);
#endif
    paths_ready = 1;
    return p;
}

int paths_become_kiosk_user(char *err, size_t errlen)
{
    const struct paths *p = paths_get();
    if (!p->installed || geteuid() != 0)
        return 0;
    errno = 0;
    struct passwd *pw = getpwnam(p->user);
    if (!pw) {
        snprintf(err, errlen,
                 "kioskctl: refusing to run as root: there is no user \"%s\" to act as (the "
                 "package creates it); run it as that user, e.g. runuser -u %s -- kioskctl …",
                 p->user, p->user);
        return -1;
    }
    /* Copies: initgroups may reuse the static buffers of the passwd lookup. */
    uid_t uid = pw->pw_uid;
    gid_t gid = pw->pw_gid;
    char name[256], home[1024];
    util_strlcpy(name, pw->pw_name, sizeof name);
    util_strlcpy(home, pw->pw_dir, sizeof home);
    if (uid == 0) {
        snprintf(err, errlen, "kioskctl: the kiosk user \"%s\" must not be root", p->user);
        return -1;
    }
    /* Groups first: after setuid there is no right left to change them. */
    if (initgroups(name, gid) < 0 || setgid(gid) < 0 || setuid(uid) < 0) {
        snprintf(err, errlen, "kioskctl: cannot act as the user \"%s\": %s", p->user,
                 strerror(errno));
        return -1;
    }
    if (setuid(0) == 0) { /* the switch must be for good */
        snprintf(err, errlen, "kioskctl: could not give up root");
        return -1;
    }
    setenv("HOME", home, 1);
    setenv("USER", name, 1);
    setenv("LOGNAME", name, 1);
    return 0;
}
