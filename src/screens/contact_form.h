/* contact_form — the short form three errands share: 姓名 and 手机号 typed on the
 * on-screen keyboard, under a card saying what the person is about to do (登记求职意向,
 * 培训报名, 咨询登记), with 取消 and 提交.  Job interest, training sign-up and the
 * consultation request use it, so the three look and behave alike.
 *
 * Layout follows the registration form: the keyboard takes the right half in landscape
 * and the bottom in portrait, so it never covers the field being typed.  Each field
 * says in a sentence what is wrong with it (validate.h) once the person has moved on
 * from it; 提交 stays disabled until both are valid; 下一项 on the keyboard goes from
 * 姓名 to 手机号 and, there, submits.
 *
 * Owns: the keyboard and the two values (personal data: wiped on cform_wipe and
 * cform_destroy, never logged).  Never does: write a record (the screen does, through
 * app/content.h) or draw anything of its own beyond ui_* widgets. */
#ifndef KIOSK_CONTACT_FORM_H
#define KIOSK_CONTACT_FORM_H

#include <SDL.h>

#include "app/validate.h"

struct app;
struct ui;
struct cform;

enum cform_result { CFORM_NONE, CFORM_SUBMIT, CFORM_CANCEL };

/* Creates the form with its keyboard over the app's pinyin engine.  Never NULL. */
struct cform *cform_create(struct app *a);
/* Wipes and frees; NULL is fine. */
void cform_destroy(struct cform *f);
/* Forgets what was typed (and the keyboard's composition); focus back on 姓名. */
void cform_wipe(struct cform *f);

/* Builds the form in c, the content area under the header.  title says what the
 * person is about to do, detail (may be NULL) what it concerns.  Returns CFORM_SUBMIT
 * when 提交 (or 下一项 on a valid 手机号) was pressed with both values valid, CFORM_CANCEL
 * on 取消, else CFORM_NONE.  With `busy` set the buttons are disabled (a dialog is
 * showing over the form). */
enum cform_result cform_build(struct cform *f, struct app *a, struct ui *ui, SDL_Rect c,
                              const char *title, const char *detail, int busy);
/* A hardware key or input-method text.  Returns 1 when used. */
int cform_event(struct cform *f, const SDL_Event *ev);
/* 1 when anything has been typed into the form. */
int cform_has_input(const struct cform *f);
/* The normalised values; 0 when both are valid, -1 otherwise (buffers then empty).
 * The caller wipes them after use. */
int cform_values(const struct cform *f, char name[VALIDATE_NAME_SIZE],
                 char phone[VALIDATE_PHONE_SIZE]);

/* ---- the errand's form screen -------------------------------------------------------
 * Job interest, training sign-up and the consultation request are one screen with
 * three subjects: the form, a dialog over it when saving did not work (知道了), 取消, and
 * on success the receipt in the form's place (the form leaves first, wiping what was
 * typed, so 返回 from the receipt shows the subject again). */

/* Writes the record for subject from the normalised values: returns NULL with uuid
 * set, or the catalogue key of the sentence to show, with *leave set when 知道了 should
 * also go back (the subject is gone or full). */
typedef const char *(*cform_save_fn)(struct app *a, const void *subject, const char *name,
                                     const char *phone, char uuid[37], int *leave);

struct cform_page {
    struct cform *form;
    const char *message;      /* catalogue key of the dialog over the form, or NULL */
    int leave_after;          /* the dialog's 知道了 goes back */
    /* What cform_screen_build shows: the header's catalogue key, the errand and its
     * subject (cform_build's title and detail), and how the record is written. */
    const char *title_key;
    char what[512], detail[512];
    cform_save_fn save;
    const void *subject;      /* borrowed: the screen below it shows it and outlives it */
};

/* Opens the page; title_key, what and detail may be NULL for a screen that calls
 * cform_page_build itself. */
void cform_page_open(struct cform_page *p, struct app *a, const char *title_key,
                     const char *what, const char *detail, cform_save_fn save,
                     const void *subject);
void cform_page_close(struct cform_page *p);
/* Puts the dialog up (e.g. the subject could not be read when the screen opened). */
void cform_page_say(struct cform_page *p, const char *key, int leave);
/* Builds the page in c (see cform_build for title and detail).  Returns 1 when the
 * screen was left: popped, or the receipt is up. */
int cform_page_build(struct cform_page *p, struct app *a, struct ui *ui, SDL_Rect c,
                     const char *title, const char *detail);
int cform_page_event(struct cform_page *p, const SDL_Event *ev);
/* build(), leave() and event() of a form screen whose state (app_new_state) begins
 * with its struct cform_page, opened with its title, what and detail. */
void cform_screen_build(struct app *a, struct ui *ui);
void cform_screen_leave(struct app *a);
int cform_screen_has_input(struct app *a);
int cform_screen_event(struct app *a, const SDL_Event *ev);

#endif
