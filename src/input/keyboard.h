/* keyboard — the on-screen keyboard every form of the kiosk uses: a pinyin layout with a
 * candidate bar (上一页 / 下一页, a 繁/异体 switch for rare name characters), a writing
 * pad (手写) for people who write characters rather than spell them, whose candidates
 * come into the same bar, Latin
 * letters, digits and the punctuation names and addresses need (· - ( ) …), a code
 * layout (letters, digits, '-') and a numeric pad (with X for ID numbers, '-' for
 * dates).  The field being typed into declares its kind and the keyboard picks the
 * layout.  It also takes the hardware keyboard and input-method text the screen
 * receives, so a typed letter and a touched key go the same way.
 *
 * Each key is a ui_key whose text is exactly its character ("a" … "z", "0" … "9", "X",
 * "·"); candidates are keys whose text is the candidate.  Keys are laid out to the
 * rectangle the screen gives, at least 9 mm (about 80–110 px on the halls' 21.5"
 * screens); the toolkit darkens a pressed key.
 *
 * Owns: the layout state (kind, page, candidate page size).  Borrows the pinyin engine
 * (one per process, see pinyin.h), the handwriting recogniser (one per process, opened
 * on the first 手写, see handwriting.h) and the text lookup.  Never does: keep what was typed
 * (the screen's field owns the text; the keyboard hands it over in a kbd_action), know
 * what a field means, or log anything typed. */
#ifndef KIOSK_KEYBOARD_H
#define KIOSK_KEYBOARD_H

#include <SDL.h>

#include "input/pinyin.h"

struct ui;
struct kbd;

/* What the focused field accepts. */
enum kbd_kind {
    KBD_TEXT,   /* Chinese text (names, organisations, addresses): pinyin first */
    KBD_CODE,   /* letters, digits and '-' (certificate numbers) */
    KBD_ID,     /* numeric pad with X */
    KBD_PHONE,  /* numeric pad */
    KBD_DATE,   /* numeric pad with '-' */
    KBD_KIND_COUNT
};

/* The result of one key or one input event, applied by the screen in this order:
 * insert text, delete one character before the caret, move to the next field. */
struct kbd_action {
    char text[PINYIN_COMMIT_MAX + 8]; /* UTF-8 to insert; "" for none.  Wipe after use. */
    int del;
    int next;
};

/* Catalogue lookup for the keyboard's own words (kbd.* keys): returns the text for key
 * in the current language. */
typedef const char *(*kbd_text_fn)(void *ctx, const char *key);

/* Returns the process's pinyin engine, opening it into *slot on first use with its data
 * under data_dir/rime.  NULL (the failure logged) when librime cannot start: the
 * keyboard then offers Latin letters instead of pinyin. */
struct pinyin *kbd_engine(struct pinyin **slot, const char *data_dir);

/* Creates a keyboard over an engine (borrowed; may be NULL) and a text lookup.  Starts
 * with KBD_TEXT.  Destroy with kbd_destroy(). */
struct kbd *kbd_create(struct pinyin *py, kbd_text_fn tr, void *ctx);
/* Gives the keyboard its 手写 key: the writing pad, with the process's recogniser in
 * *slot, opened there on the first press (handwriting.h).  Without it the key is
 * greyed. */
struct hw;
void kbd_use_handwriting(struct kbd *k, struct hw **slot);
/* Discards any composition (pinyin_reset) and strokes, and frees the keyboard.  NULL is
 * fine. */
void kbd_destroy(struct kbd *k);

/* The focused field changed: any unfinished pinyin and any strokes are discarded and
 * the kind's first layout shown (for KBD_TEXT pinyin, or the pad once the person chose
 * it on this keyboard). */
void kbd_set_kind(struct kbd *k, enum kbd_kind kind);
enum kbd_kind kbd_get_kind(const struct kbd *k);
/* 1 while pinyin is being typed (candidates are showing). */
int kbd_composing(const struct kbd *k);
/* Throws away everything of the person's typing: the composition, the variant switch,
 * librime's session, the strokes and the choice of the pad; back to the kind's first
 * layout.  The idle reset and form wipes call it. */
void kbd_reset(struct kbd *k);

/* Lays the keyboard out in r and handles the key that fired.  target names the field
 * being filled (shown above the keys when no pinyin is being typed; may be NULL).
 * Returns 1 and fills *act when the key produced text or an edit, else 0. */
int kbd_build(struct kbd *k, struct ui *ui, SDL_Rect r, const char *target,
              struct kbd_action *act);

/* A hardware key or text event the screen received.  Letters go into pinyin while the
 * pinyin layout is up; digits 1–9 choose a candidate and space or Return the first
 * while pinyin is being typed or the pad offers characters; Backspace edits the pinyin
 * (takes back a stroke on the pad) first; Return and Tab move to the next field;
 * input-method text is inserted as it comes.  Returns 1 when the event
 * was used (*act may then be empty: the pinyin changed), 0 when not. */
int kbd_event(struct kbd *k, const SDL_Event *ev, struct kbd_action *act);

/* The height a keyboard needs at width w (portrait screens put it under the form). */
int kbd_preferred_height(const struct ui *ui, int w);
/* Where a form's keyboard goes in c, the content area under the header: the right half
 * in landscape (letter keys of ~90 px, the form keeps the full height), the bottom in
 * portrait, so it never covers the field being typed.  *rest is what of c is left for
 * the form.  Returns the keyboard's rectangle. */
SDL_Rect kbd_place(const struct ui *ui, SDL_Rect c, SDL_Rect *rest);

#endif
