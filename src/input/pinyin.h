/* pinyin — the Chinese input engine behind the on-screen keyboard: pinyin letters in,
 * candidate characters and committed text out.  A thin wrapper over librime with the
 * luna_pinyin_simp schema (simplified characters), deployed from Debian's prebuilt data
 * in /usr/share/rime-data/build so a start costs tens of milliseconds, not the seconds
 * and hundreds of megabytes a deployment from scratch would.
 *
 * Privacy: the kiosk is shared, so the engine never learns.  User-dictionary learning
 * is patched off (and checked at open: a schema that would learn is refused), nothing
 * typed reaches librime's log (errors only, written under DATA_DIR/rime/log, never
 * /tmp), and pinyin_reset() throws the whole session away.
 *
 * Paging is done here, over librime's full candidate list, so the page size can change
 * at any time and paging reaches every candidate (for "yan" that is several hundred,
 * which is how a rare name character such as 䶮 is found).  A variant switch shows
 * unsimplified forms (昇, 頔, 甯 …), which the simplified schema folds into common
 * characters.
 *
 * Owns: the librime engine and its one session.  librime is a process-wide singleton,
 * so there is at most one open engine per process (a second pinyin_open() fails), and
 * every call must come from the thread that opened it (the UI thread).
 * Never does: draw, decide what a committed string means, or write outside
 * DATA_DIR/rime. */
#ifndef KIOSK_PINYIN_H
#define KIOSK_PINYIN_H

#include <stddef.h>

#define PINYIN_PAGE_DEFAULT 8
#define PINYIN_PAGE_MAX 20
/* Longest pinyin accepted, in letters.  A syllable is at least one letter, so a
 * commit is at most this many characters: PINYIN_COMMIT_MAX bytes always suffice. */
#define PINYIN_INPUT_MAX 60
#define PINYIN_COMMIT_MAX 256

struct pinyin;

/* Starts librime with user data in DATA_DIR/rime (created if missing; it holds the
 * patches this module writes, librime's compiled configuration in build/ and its
 * error log in log/).  Returns the engine, closed with pinyin_close(), or NULL with a
 * sentence in err (another engine is open, the rime data packages are missing, the
 * directory is unusable, the deployment failed). */
struct pinyin *pinyin_open(const char *data_dir, char *err, size_t errlen);
/* Ends the session and librime.  NULL is fine. */
void pinyin_close(struct pinyin *p);

/* Types one letter 'a'…'z', or the syllable separator '\'' (only inside pinyin, as in
 * xi'an).  Returns 1 when the engine took it, 0 when not: another character, too much
 * pinyin, or a letter that leaves nothing to convert (i, u or v at the start, where no
 * pinyin begins); the caller may then ignore the key. */
int pinyin_key(struct pinyin *p, char c);
/* Edits the pinyin: deletes the last letter, or first undoes a partial selection.
 * Returns 1 when it did, 0 when there was no pinyin (the caller then deletes a
 * committed character instead). */
int pinyin_backspace(struct pinyin *p);
/* The composition as the engine shows it: pinyin with its syllable separation
 * ("zhang san"), after a partial selection the chosen characters and the rest
 * ("张san").  "" when nothing is being typed.  Owned by the engine, valid until the
 * next call that changes the input. */
const char *pinyin_preedit(struct pinyin *p);

/* Fills out[] with up to max candidates of the current page, most likely first.
 * Returns how many.  The strings are owned by the engine and stay valid until the
 * next call that changes the input, the page, the page size or the variant. */
int pinyin_candidates(struct pinyin *p, const char **out, int max);
/* Current page, 0-based. */
int pinyin_page(struct pinyin *p);
int pinyin_has_next(struct pinyin *p);
int pinyin_has_prev(struct pinyin *p);
/* Turn the page.  Return 1 when the page changed, 0 at the end (or start). */
int pinyin_page_next(struct pinyin *p);
int pinyin_page_prev(struct pinyin *p);
/* Candidates per page, 1…PINYIN_PAGE_MAX (default PINYIN_PAGE_DEFAULT); goes back to
 * the first page.  Returns 0, or -1 (and changes nothing) when n is out of range. */
int pinyin_set_page_size(struct pinyin *p, int n);

/* Chooses candidate index (0-based, on the current page).  Returns 1 when the whole
 * composition was committed: committed holds it (NUL-terminated; n of
 * PINYIN_COMMIT_MAX never truncates).  Returns 0 when the candidate covered only the
 * first syllables and more pinyin is left to convert (the candidates now belong to
 * the rest), -1 when there is no such candidate. */
int pinyin_select(struct pinyin *p, int index, char *committed, size_t n);
/* The space bar: pinyin_select() of the first candidate on the current page. */
int pinyin_commit_first(struct pinyin *p, char *committed, size_t n);

/* traditional 1: candidates in unsimplified forms (昇 for sheng, which the simplified
 * schema turns into 升); 0: simplified (the default).  What is typed is kept and its
 * candidates recomputed; back to the first page.  Returns 0, or -1 if the engine
 * refused the switch. */
int pinyin_set_variant(struct pinyin *p, int traditional);
int pinyin_variant(struct pinyin *p);

/* Discards everything: the pinyin, any partial selection, the page, the variant (back
 * to simplified) and librime's session itself, so nothing of one person's typing
 * survives for the next.  The idle reset and the form wipe call it. */
void pinyin_reset(struct pinyin *p);

#endif
