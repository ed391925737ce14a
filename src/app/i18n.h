/* i18n — the UI text catalogue (the .tsv files in assets/i18n/, one file per area of the product):
 * every word the kiosk shows comes from here, in Chinese and English.  Lines are
 * KEY<TAB>中文<TAB>English; '#' starts a comment.  "\n" in a text is a line break.
 *
 * Owns: the loaded strings.  Lookups are a binary search over the sorted keys. */
#ifndef KIOSK_I18N_H
#define KIOSK_I18N_H

#include <stddef.h>

enum lang { LANG_ZH = 0, LANG_EN = 1 };

struct i18n;

/* Loads every *.tsv file of dir.  Returns NULL with "PATH:LINE: problem" in err (a key
 * defined twice, in one file or two, is a problem too). */
struct i18n *i18n_load(const char *dir, char *err, size_t errlen);
void i18n_free(struct i18n *c);
/* The text for key in lang; a missing key returns the key itself (and is reported
 * once on stderr) so a gap shows up in screenshots instead of crashing. */
const char *i18n_get(const struct i18n *c, enum lang lang, const char *key);
int i18n_has(const struct i18n *c, const char *key);
/* The catalogue's entries in key order, for checking it whole: how many, and entry i's
 * key and its text in lang. */
int i18n_count(const struct i18n *c);
const char *i18n_key_at(const struct i18n *c, int i);
const char *i18n_text_at(const struct i18n *c, enum lang lang, int i);

#endif
