/* version — the program's version, from the one VERSION in the Makefile, and the commit
 * it was built from when built from a git checkout.  Owns nothing, never fails. */
#ifndef KIOSK_VERSION_H
#define KIOSK_VERSION_H

/* "0.3.0" or "0.3.0 (1a2b3c4d5e6f)": what --version prints after the program's name,
 * and what the upload and the USB bundle carry.  A static string. */
const char *version_string(void);

#endif
