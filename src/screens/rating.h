/* rating — the 好差评 strip an errand's last screen offers (the receipt screen, the queue
 * ticket, a check-in's card with [checkin] ask_rating): five large buttons 非常满意, 满意,
 * 基本满意, 不满意, 非常不满意 (Very satisfied … Very dissatisfied) under a question.
 *
 * One tap on 非常满意, 满意 or 基本满意 records the grade (app/evaluation.h) and the strip
 * says thank you.  不满意 and 非常不满意 ask why first: reasons as chips (等太久, 太难用,
 * 信息不准确, 打印不了, 其他; any number of them) with 提交 and 跳过, and either records
 * the grade with the reasons chosen (跳过: none).  The strip is never required and
 * never holds the screen: 完成, 返回 and 首页 work as without it.
 *
 * Leaving meanwhile.  A person who tapped 不满意 and then leaves (完成, 返回, 首页) has
 * said what they think: the tap already was their answer, so the grade is recorded with
 * the reasons they had chosen — as 提交 would.  Only the idle reset (nobody is there any
 * more: app->discarding) drops it, as it drops everything a person left unfinished.
 *
 * Layout: the strip is a card of its own, as tall as the taller of its two views needs
 * at its width (rating_h), so the screen around it does not move when it changes; the
 * five grades in one row when they fit, else three over two, else one above the other.
 *
 * Owns: nothing but the struct the screen keeps.  Never does: SQL (app/evaluation.h),
 * drawing of its own. */
#ifndef KIOSK_RATING_H
#define KIOSK_RATING_H

#include <SDL.h>

struct app;
struct ui;

enum rating_view {
    RATING_OFF,      /* this errand does not ask */
    RATING_ASK,      /* the five grades */
    RATING_REASONS,  /* after a low grade: the reasons, 提交 / 跳过 */
    RATING_THANKS,   /* recorded */
    RATING_FAILED,   /* could not be recorded */
};

struct rating {
    char errand[37];         /* the errand's record UUID */
    enum rating_view view;
    int grade;               /* RATING_REASONS: the low grade waiting for 提交 / 跳过 */
    unsigned reasons;        /* the reasons chosen (bit i: evaluation_reason(i)) */
    const char *ask;         /* the question instead of 您对本次服务满意吗？ (NULL: that);
                              * the screen sets it for the build it is valid in */
};

/* Starts the strip for the committed errand record errand_uuid of errand_kind: RATING_ASK
 * when such an errand asks (evaluation_asks) and it has no grade yet, else RATING_OFF. */
void rating_open(struct rating *r, struct app *a, const char *errand_uuid,
                 const char *errand_kind);
/* The height the strip takes at width w: 0 when it is off. */
int rating_h(struct app *a, struct ui *ui, const struct rating *r, int w);
/* The narrowest width from min_w to max_w (in steps) at which the strip is at most max_h
 * tall, else max_w; 0 when it is off.  For a strip beside what it must not squeeze. */
int rating_fit_w(struct app *a, struct ui *ui, const struct rating *r, int min_w, int max_w,
                 int max_h);
/* The strip in box (box.h from rating_h). */
void rating_build(struct app *a, struct ui *ui, struct rating *r, SDL_Rect box);
/* The screen leaves: a low grade waiting for its reasons is recorded unless the idle
 * reset is clearing the screen (see above).  Then the strip is off. */
void rating_leave(struct app *a, struct rating *r);

#endif
