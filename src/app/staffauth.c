/* staffauth — see staffauth.h.  A wrong guess is counted before the slow hash is checked,
 * so cutting the power while the check runs does not buy a free guess. */
#include "app/staffauth.h"

#include "core/util.h"
#include "store/store.h"

#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define KEY_HASH "staff_pin_hash"
#define KEY_FAILURES "staff_pin_failures"
#define KEY_LOCKED "staff_pin_locked_until"

int staffauth_pin_valid(const char *pin)
{
    size_t n = pin ? strlen(pin) : 0;
    if (n < STAFFAUTH_PIN_MIN || n > STAFFAUTH_PIN_MAX)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return 0;
    return 1;
}

const char *staffauth_new_pin_problem(const char *pin)
{
    size_t n = pin ? strlen(pin) : 0;
    for (size_t i = 0; i < n; i++)
        if (pin[i] < '0' || pin[i] > '9')
            return "a staff PIN is made of the digits 0-9 only";
    if (n < STAFFAUTH_NEW_PIN_MIN || n > STAFFAUTH_PIN_MAX)
        return "a staff PIN is 6 to 12 digits";
    /* A short group repeated: 111111 (period 1), 121212, 123123, 12341234. */
    for (size_t period = 1; period <= n / 2; period++) {
        size_t i = period;
        while (i < n && pin[i] == pin[i - period])
            i++;
        if (i == n)
            return period == 1 ? "one digit repeated is too easy to guess"
                               : "a group of digits repeated is too easy to guess";
    }
    /* A run up or down, wrapping past 9 (890123, 210987). */
    int up = 1, down = 1;
    for (size_t i = 1; i < n; i++) {
        int d = (pin[i] - pin[i - 1] + 10) % 10;
        up &= d == 1;
        down &= d == 9;
    }
    if (up || down)
        return "digits counting up or down are too easy to guess";
    return NULL;
}

int staffauth_is_set(struct store *st)
{
    char hash[crypto_pwhash_STRBYTES];
    int rc = store_meta_get(st, KEY_HASH, hash, sizeof hash);
    if (rc < 0)
        return -1;
    return rc == 0 && hash[0] ? 1 : 0;
}

static int64_t meta_int(struct store *st, const char *key, int *failed)
{
    char v[32];
    int rc = store_meta_get(st, key, v, sizeof v);
    if (rc < 0)
        *failed = 1;
    return rc == 0 ? strtoll(v, NULL, 10) : 0;
}

/* Writes both lockout values in one transaction.  Returns 0 or -1 (logged by the store). */
static int save_state(struct store *st, int64_t failures, int64_t locked_until)
{
    char f[24], l[24];
    snprintf(f, sizeof f, "%" PRId64, failures);
    snprintf(l, sizeof l, "%" PRId64, locked_until);
    if (store_begin(st) < 0)
        return -1;
    if (store_meta_set(st, KEY_FAILURES, f) < 0 || store_meta_set(st, KEY_LOCKED, l) < 0 ||
        store_commit(st) < 0) {
        store_rollback(st);
        return -1;
    }
    return 0;
}

int staffauth_set(struct store *st, const char *pin)
{
    char hash[crypto_pwhash_STRBYTES];
    const char *why = staffauth_new_pin_problem(pin);
    if (why) {
        fprintf(stderr, "staffauth: PIN refused: %s\n", why);
        return -1;
    }
    if (sodium_init() < 0 ||
        crypto_pwhash_str(hash, pin, strlen(pin), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        fprintf(stderr, "staffauth: hashing the PIN failed (out of memory?)\n");
        return -1;
    }
    int rc = -1;
    if (store_begin(st) == 0) {
        if (store_meta_set(st, KEY_HASH, hash) == 0 && store_meta_set(st, KEY_FAILURES, "0") == 0 &&
            store_meta_set(st, KEY_LOCKED, "0") == 0 && store_commit(st) == 0)
            rc = 0;
        else
            store_rollback(st);
    }
    util_wipe(hash, sizeof hash);
    return rc;
}

static int64_t lock_delay(int64_t failures)
{
    int64_t over = failures - STAFFAUTH_FREE_TRIES; /* 0 for the third wrong PIN */
    int64_t d = STAFFAUTH_LOCK_MIN_MS;
    for (int64_t i = 0; i < over && d < STAFFAUTH_LOCK_MAX_MS; i++)
        d *= 2;
    return d < STAFFAUTH_LOCK_MAX_MS ? d : STAFFAUTH_LOCK_MAX_MS;
}

int staffauth_unlock(struct store *st) { return save_state(st, 0, 0); }

enum staffauth_result staffauth_try(struct store *st, const char *pin, int64_t now_ms,
                                    int64_t *retry_at_ms)
{
    char hash[crypto_pwhash_STRBYTES];
    int64_t dummy;
    if (!retry_at_ms)
        retry_at_ms = &dummy;
    *retry_at_ms = 0;

    int rc = store_meta_get(st, KEY_HASH, hash, sizeof hash);
    if (rc < 0)
        return STAFFAUTH_ERROR;
    if (rc == 1 || !hash[0])
        return STAFFAUTH_NOT_SET;
    int failed = 0;
    int64_t failures = meta_int(st, KEY_FAILURES, &failed);
    int64_t locked_until = meta_int(st, KEY_LOCKED, &failed);
    if (failed)
        return STAFFAUTH_ERROR;

    /* A long quiet spell since the last lock ended: earlier wrong PINs are forgotten,
     * so one wrong PIN a day never keeps the keypad at its longest lock. */
    if (failures > 0 && locked_until > 0 && now_ms >= locked_until + STAFFAUTH_FORGET_MS)
        failures = 0;
    /* A lock further away than the longest one means the clock was set back (or the
     * value damaged, or set by an older version with longer locks): cap it rather than
     * lock the staff out for years. */
    if (locked_until > now_ms + STAFFAUTH_LOCK_MAX_MS) {
        locked_until = now_ms + STAFFAUTH_LOCK_MAX_MS;
        save_state(st, failures, locked_until);
    }
    if (now_ms < locked_until) {
        *retry_at_ms = locked_until;
        return STAFFAUTH_LOCKED;
    }

    /* Count the guess first; a correct PIN takes it back below. */
    failures++;
    if (save_state(st, failures, locked_until) < 0)
        return STAFFAUTH_ERROR;

    int ok = staffauth_pin_valid(pin) && sodium_init() >= 0 &&
             crypto_pwhash_str_verify(hash, pin, strlen(pin)) == 0;
    util_wipe(hash, sizeof hash);
    if (ok) {
        if (save_state(st, 0, 0) < 0)
            fprintf(stderr, "staffauth: could not reset the failure count\n");
        return STAFFAUTH_OK;
    }
    if (failures >= STAFFAUTH_FREE_TRIES) {
        locked_until = now_ms + lock_delay(failures);
        if (save_state(st, failures, locked_until) < 0)
            return STAFFAUTH_ERROR;
        *retry_at_ms = locked_until;
    }
    return STAFFAUTH_WRONG;
}

/* ---- kioskctl set-pin -------------------------------------------------------------- */

/* Reads one line into buf without its newline.  Returns 0, or -1 at end of input or when
 * the line does not fit (a PIN never needs that much). */
static int read_line(FILE *in, char *buf, size_t size)
{
    if (!fgets(buf, (int)size, in))
        return -1;
    size_t n = strlen(buf);
    if (n && buf[n - 1] == '\n')
        buf[--n] = 0;
    else if (!feof(in))
        return -1;
    if (n && buf[n - 1] == '\r')
        buf[--n] = 0;
    return 0;
}

static int read_secret(const char *prompt, char *buf, size_t size)
{
    struct termios old, quiet;
    int tty = tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fputs(prompt, stderr);
        fflush(stderr);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    int rc = read_line(stdin, buf, size);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    return rc;
}

int staffauth_cmd_set_pin(struct store *st, const struct config *cfg, int argc, char **argv)
{
    char pin[64], again[64];
    if (argc > 1) {
        fprintf(stderr, "usage: kioskctl set-pin   (the new PIN is read from standard input)\n");
        return 2;
    }
    int interactive = isatty(STDIN_FILENO);
    if (read_secret("New staff PIN (6-12 digits): ", pin, sizeof pin) < 0) {
        fprintf(stderr, "set-pin: no PIN on standard input\n");
        util_wipe(pin, sizeof pin);
        return 2;
    }
    int status = 0;
    const char *why = staffauth_new_pin_problem(pin);
    if (why) {
        fprintf(stderr, "set-pin: %s; nothing changed\n", why);
        status = 2;
    } else if (interactive) {
        if (read_secret("Again: ", again, sizeof again) < 0 || strcmp(pin, again) != 0) {
            fprintf(stderr, "set-pin: the two PINs differ; nothing changed\n");
            status = 2;
        }
        util_wipe(again, sizeof again);
    }
    if (status == 0 && staffauth_set(st, pin) < 0) {
        fprintf(stderr, "set-pin: the PIN could not be stored\n");
        status = 1;
    }
    util_wipe(pin, sizeof pin);
    if (status == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        store_event(st, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, "staff_pin_set", "");
        printf("staff PIN stored\n");
    }
    return status;
}

int staffauth_cmd_unlock(struct store *st, const struct config *cfg, int argc, char **argv)
{
    (void)cfg;
    (void)argv;
    if (argc > 1) {
        fprintf(stderr, "usage: kioskctl unlock   (clears the staff keypad's lock)\n");
        return 2;
    }
    if (staffauth_unlock(st) < 0) {
        fprintf(stderr, "unlock: the database could not be written; the lock stays\n");
        return 1;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    store_event(st, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, "staff_pin_unlocked", "");
    printf("staff keypad unlocked\n");
    return 0;
}
