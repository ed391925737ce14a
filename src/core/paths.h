/* paths — where the programs find their configuration, bundled files and data, and as
 * whom kioskctl works.
 *
 * The same objects are linked twice.  The source tree's binaries (build/kiosk, `make run`,
 * the tests) use paths relative to the directory they start in: kiosk-config/kiosk.ini,
 * assets, fonts, kiosk-config/central, var/data.  The installed ones (`make install`) are
 * linked with this file compiled with the install directories (PATHS_INSTALLED and the
 * PATHS_* strings, see the Makefile): SYSCONFDIR/kiosk/kiosk.ini, DATADIR/kiosk/assets,
 * …/fonts, …/central and LOCALSTATEDIR/lib/kiosk, and demo content only when the
 * configuration asks for it.
 *
 * An installed binary that finds itself in ROOT/BINDIR rather than BINDIR (a tree staged
 * with `make install DESTDIR=ROOT`, or a copy of it) takes every path below ROOT, so a
 * staged tree runs as it will once installed.
 *
 * Owns: one process-wide table, filled on first use.  Never does: read the configuration. */
#ifndef KIOSK_PATHS_H
#define KIOSK_PATHS_H

#include <stddef.h>

struct paths {
    int installed;      /* linked by `make install` */
    char config[1024];  /* the default --config */
    char assets[1024];  /* [kiosk] assets_dir default */
    char fonts[1024];   /* [kiosk] fonts_dir default */
    char central[1024]; /* the central schema files */
    char data[1024];    /* [kiosk] data_dir default */
    const char *user;   /* installed: the system user the kiosk runs as; else NULL */
};

/* The table for this binary.  Never fails; the pointer stays valid. */
const struct paths *paths_get(void);

/* For kioskctl: run as root on an installed kiosk, it takes on the kiosk user (group,
 * supplementary groups, HOME), so that it never leaves root-owned database files the
 * kiosk cannot open.  Does nothing in the source tree or when not root.  Returns 0, or -1
 * with a sentence in err (no such user, the switch failed): the caller stops. */
int paths_become_kiosk_user(char *err, size_t errlen);

#endif
