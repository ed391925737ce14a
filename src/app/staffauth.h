/* staffauth — the staff PIN that opens staff mode: setting it, checking it, and locking
 * the keypad after wrong guesses.
 *
 * Only a salted slow hash is kept (libsodium crypto_pwhash_str, Argon2id at the
 * INTERACTIVE limits: about 0.17 s a check on a 2-core kiosk), in meta key
 * staff_pin_hash.  A PIN has few digits, so the hash alone would not hold off a patient
 * guesser at the keypad: the lockout does.  After 3 wrong PINs in a row the keypad locks
 * for 30 s, then twice as long after each further wrong PIN, at most 5 min: a passer-by
 * pressing wrong PINs can make staff wait, never lock them out for longer than that.
 * The count is forgotten after STAFFAUTH_FORGET_MS without a wrong PIN.  The count and
 * the lock time live in meta (staff_pin_failures, staff_pin_locked_until), so
 * restarting the kiosk does not reset them; a correct PIN or `kioskctl unlock` does.
 *
 * New PINs (set-pin) are 6 to 12 digits and not trivial: not one digit repeated, not a
 * short group repeated (121212, 123123), not a run up or down (123456, 987654, also
 * wrapping past 9).  The keypad still takes a 4- or 5-digit PIN stored before that rule,
 * until staff set a new one.
 *
 * Time is passed in (now_ms) so the kiosk's virtual clock and tests drive it.
 * Owns: nothing between calls.  Never does: keep or log a PIN, UI. */
#ifndef KIOSK_STAFFAUTH_H
#define KIOSK_STAFFAUTH_H

#include <stdint.h>

struct store;
struct config;

#define STAFFAUTH_PIN_MIN 4       /* the shortest PIN the keypad tries (older PINs) */
#define STAFFAUTH_NEW_PIN_MIN 6   /* the shortest PIN set-pin stores */
#define STAFFAUTH_PIN_MAX 12
#define STAFFAUTH_FREE_TRIES 3
#define STAFFAUTH_LOCK_MIN_MS (30 * 1000)
#define STAFFAUTH_LOCK_MAX_MS (5 * 60 * 1000)
#define STAFFAUTH_FORGET_MS (30 * 60 * 1000)

enum staffauth_result {
    STAFFAUTH_OK,       /* correct: staff mode may open; the failure count is reset */
    STAFFAUTH_WRONG,    /* wrong PIN; *retry_at_ms is 0, or the end of the lock it caused */
    STAFFAUTH_LOCKED,   /* locked: nothing was checked; *retry_at_ms is when it ends */
    STAFFAUTH_NOT_SET,  /* no PIN stored yet (kioskctl set-pin) */
    STAFFAUTH_ERROR,    /* the database failed; refused (logged) */
};

/* 1 when a PIN is stored, 0 when not, -1 on a database error. */
int staffauth_is_set(struct store *st);

/* 1 when pin is 4 to 12 ASCII digits (what the keypad may try). */
int staffauth_pin_valid(const char *pin);

/* Why pin may not become the staff PIN (a sentence for staff, English), or NULL when
 * it may: 6 to 12 digits, not trivial (see the top). */
const char *staffauth_new_pin_problem(const char *pin);

/* Stores the hash of a new PIN (staffauth_new_pin_problem() NULL) and clears any
 * lockout.  Returns 0, or -1 (refused PIN, hashing or database failure: logged). */
int staffauth_set(struct store *st, const char *pin);

/* Clears the failure count and any lock (kioskctl unlock).  0, or -1 (logged). */
int staffauth_unlock(struct store *st);

/* Checks a PIN typed at now_ms.  retry_at_ms (may be NULL) receives the end of the
 * lock, or 0.  While locked even the correct PIN is refused, without being checked. */
enum staffauth_result staffauth_try(struct store *st, const char *pin, int64_t now_ms,
                                    int64_t *retry_at_ms);

/* `kioskctl set-pin`: reads the new PIN from standard input (asked twice, without echo,
 * when stdin is a terminal; otherwise the first line), stores its hash.  argv[0] is the
 * command name.  Returns the exit status: 0 stored, 1 failed, 2 bad input or usage. */
int staffauth_cmd_set_pin(struct store *st, const struct config *cfg, int argc, char **argv);

/* `kioskctl unlock`: clears the keypad's lock and failure count, logs staff_pin_unlocked.
 * Returns the exit status: 0 done, 1 the database failed, 2 usage. */
int staffauth_cmd_unlock(struct store *st, const struct config *cfg, int argc, char **argv);

#endif
