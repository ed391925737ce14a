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
/* The normalised values; 0 when both are valid, -1 otherwise (buffers then empty).
 * The caller wipes them after use. */
int cform_values(const struct cform *f, char name[VALIDATE_NAME_SIZE],
                 char phone[VALIDATE_PHONE_SIZE]);

#endif
