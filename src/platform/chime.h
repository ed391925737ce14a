/* chime — the two-note 叮咚 that tells staff someone pressed 呼叫工作人员, played through
 * SDL audio.  The tone is made in code (two decaying sine notes, under a second), so
 * there is no sound file to ship or lose.
 *
 * The audio device is opened only for a chime and closed once it has played: a kiosk
 * that runs for months holds no sound device while idle.  A machine without an audio
 * device (no driver, no card, SDL_AUDIODRIVER=dummy with nothing behind it) gets
 * nothing and one line on stderr; the person at the screen never sees an error.
 *
 * Owns: the opened device while it plays.  Never does: block (the tone is queued; SDL's
 * own thread plays it). */
#ifndef KIOSK_CHIME_H
#define KIOSK_CHIME_H

#include <stddef.h>
#include <stdint.h>

struct chime;

#define CHIME_RATE 22050

/* Opens the default output, queues the tone and starts it.  NULL when there is no
 * device (logged). */
struct chime *chime_play(void);
/* 1 when the tone has been played out (or the device has gone), so it may be closed. */
int chime_done(struct chime *c);
/* Closes the device (NULL: nothing). */
void chime_close(struct chime *c);

/* The tone as signed 16-bit mono samples at rate: fills at most max samples, returns
 * how many it is.  For the player above and for the unit test. */
size_t chime_tone(int16_t *out, size_t max, int rate);

#endif
