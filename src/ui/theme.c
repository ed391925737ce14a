/* theme — see theme.h. */
#include "ui/theme.h"

#include <math.h>
#include <stdio.h>

/* The palette.  Reds and golds are the Party's; the ink blue marks focus only. */
enum {
    C_BG = 0xF4F0E8FF,          /* the warm paper behind everything */
    C_CARD = 0xFFFFFFFF,
    C_TEXT = 0x1F1F1FFF,
    C_MUTED = 0x5A5550FF,       /* explanatory text: 5.8:1 on the darkest light surface */
    C_BORDER = 0x857E73FF,      /* field, checkbox and separator lines: 3.4:1 or more */
    C_RED = 0xB3141CFF,
    C_RED_DARK = 0x86090FFF,
    C_RED_DEEP = 0x5E0509FF,    /* a header button while pressed */
    C_RED_EMBLEM = 0xC8242CFF,
    C_GOLD = 0xE8B53CFF,
    C_GOLD_PRESSED = 0xD9A22BFF,
    C_GOLD_EMBLEM = 0xF0C65AFF,
    C_GOLD_SOFT = 0xFBEFD0FF,
    C_GOLD_INK = 0x3A2500FF,    /* text on gold */
    C_OK = 0x17692CFF,
    C_OK_SOFT = 0xE8F5E9FF,
    C_ERROR = 0xC0161FFF,
    C_ERROR_SOFT = 0xFDECEAFF,
    C_FOCUS = 0x1D4F91FF,       /* focus: ink blue, never the error's red */
    C_SELECTED = 0xFCE9E7FF,
    C_SELECTED_PRESSED = 0xF6D3CFFF,
    C_MUTED_PANEL = 0xEAE4D9FF,
    C_PRESSED = 0xEDE6DAFF,
    C_ROW_PRESSED = 0xF3E9E2FF,
    C_TILE_PRESSED = 0xF3E3DCFF,
    C_FIELD_PRESSED = 0xF7F2EAFF,
    C_KEY_MUTED = 0xE3DCCFFF,
    C_DISABLED = 0xEAE6DFFF,    /* a control not yet possible: pale, but its words read */
    C_DISABLED_KEY = 0xE6E1D8FF,
    C_DISABLED_TEXT = 0x57524BFF,
    C_WHITE = 0xFFFFFFFF,
    C_BACKDROP = 0x00000080,
};

uint32_t theme_background(void) { return C_BG; }

uint32_t theme_caret(void) { return C_FOCUS; }

struct theme_look theme_ink(void)
{
    /* Ink as dark as text; guide lines a pale help that the ink always stands out from. */
    return (struct theme_look){.fill = C_CARD, .border = C_BORDER, .border_w = 2,
                               .text = C_TEXT, .line = C_KEY_MUTED};
}

struct theme_look theme_panel(enum ui_role role)
{
    struct theme_look l = {.fill = C_CARD};
    switch (role) {
    case ROLE_BACKDROP: l.fill = C_BACKDROP; break;
    case ROLE_HEADER:
    case ROLE_PRIMARY: l.fill = C_RED; break;
    case ROLE_ACCENT: l.fill = C_GOLD_SOFT; break;
    case ROLE_SELECTED: l = (struct theme_look){.fill = C_SELECTED, .border = C_RED, .border_w = 3}; break;
    case ROLE_ERROR: l = (struct theme_look){.fill = C_ERROR_SOFT, .border = C_ERROR, .border_w = 3}; break;
    case ROLE_OK: l = (struct theme_look){.fill = C_OK_SOFT, .border = C_OK, .border_w = 3}; break;
    case ROLE_MUTED: l.fill = C_MUTED_PANEL; break;
    default: break;
    }
    return l;
}

uint32_t theme_label(enum ui_role role)
{
    switch (role) {
    case ROLE_PRIMARY:
    case ROLE_HEADER: return C_WHITE;
    case ROLE_MUTED: return C_MUTED;
    case ROLE_ERROR: return C_ERROR;
    case ROLE_OK: return C_OK;
    case ROLE_ACCENT: return C_RED_DARK;
    default: return C_TEXT;
    }
}

struct theme_look theme_button(enum ui_role role, int pressed, int disabled)
{
    struct theme_look l = {.fill = pressed ? C_PRESSED : C_CARD, .border = C_BORDER,
                           .border_w = 2, .text = C_TEXT};
    switch (role) {
    case ROLE_PRIMARY:
        l = (struct theme_look){.fill = pressed ? C_RED_DARK : C_RED, .text = C_WHITE};
        break;
    case ROLE_HEADER:
        /* On the red band: a darker red with a white edge and white words. */
        l = (struct theme_look){.fill = pressed ? C_RED_DEEP : C_RED_DARK, .border = C_WHITE,
                                .border_w = 2, .text = C_WHITE};
        break;
    case ROLE_SELECTED:
        l = (struct theme_look){.fill = pressed ? C_SELECTED_PRESSED : C_SELECTED,
                                .border = C_RED, .border_w = 2, .text = C_RED_DARK};
        break;
    case ROLE_ACCENT:
        l = (struct theme_look){.fill = pressed ? C_GOLD_PRESSED : C_GOLD, .text = C_GOLD_INK};
        break;
    default: break;
    }
    if (disabled)
        l = (struct theme_look){.fill = C_DISABLED, .border = C_BORDER, .border_w = 2,
                                .text = C_DISABLED_TEXT};
    return l;
}

struct theme_look theme_tile(int accent, int pressed)
{
    return (struct theme_look){.fill = pressed ? C_TILE_PRESSED : C_CARD, .text = C_TEXT,
                               .sub = C_MUTED, .line = accent ? C_GOLD : C_RED,
                               .accent = accent ? C_GOLD_EMBLEM : C_RED_EMBLEM,
                               .accent_text = accent ? C_GOLD_INK : C_WHITE,
                               .border = accent ? C_GOLD : C_RED};
}

struct theme_look theme_field(int focused, int error, int pressed)
{
    struct theme_look l = {.fill = pressed ? C_FIELD_PRESSED : C_CARD, .border = C_BORDER,
                           .border_w = 2, .text = C_TEXT, .sub = error ? C_ERROR : C_MUTED,
                           .accent = error ? C_ERROR : 0, .accent_text = error ? C_WHITE : 0};
    if (error) {
        l.border = C_ERROR;
        l.border_w = 3;
    }
    if (focused) {
        l.border = C_FOCUS;
        l.border_w = 5;
    }
    return l;
}

struct theme_look theme_checkbox(int selected, int pressed)
{
    return (struct theme_look){.fill = pressed ? C_PRESSED : C_CARD,
                               .border = selected ? C_RED : C_BORDER, .border_w = 3,
                               .text = C_TEXT, .accent = C_RED, .accent_text = C_WHITE};
}

struct theme_look theme_key(enum ui_role role, int selected, int pressed, int disabled)
{
    struct theme_look l = {.fill = pressed ? C_GOLD : C_CARD, .text = C_TEXT};
    if (role == ROLE_PRIMARY)
        l = (struct theme_look){.fill = pressed ? C_RED_DARK : C_RED, .text = C_WHITE};
    else if (role == ROLE_MUTED)
        l.fill = pressed ? C_GOLD : C_KEY_MUTED;
    else if (selected)
        l.fill = pressed ? C_GOLD : C_GOLD_SOFT;
    if (disabled)
        l = (struct theme_look){.fill = C_DISABLED_KEY, .text = C_DISABLED_TEXT};
    return l;
}

struct theme_look theme_row(int selected, int pressed)
{
    return (struct theme_look){.fill = pressed ? C_ROW_PRESSED : selected ? C_SELECTED : C_CARD,
                               .text = C_TEXT, .sub = C_MUTED, .accent = C_RED_DARK,
                               .line = C_BORDER, .border = selected ? C_RED : 0};
}

/* ---- pairs ----------------------------------------------------------------------------- */

static double channel(uint32_t c, int shift)
{
    double v = (double)((c >> shift) & 0xFF) / 255.0;
    return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4);
}

static double luminance(uint32_t c)
{
    return 0.2126 * channel(c, 24) + 0.7152 * channel(c, 16) + 0.0722 * channel(c, 8);
}

double theme_contrast(uint32_t a, uint32_t b)
{
    double la = luminance(a), lb = luminance(b);
    return la > lb ? (la + 0.05) / (lb + 0.05) : (lb + 0.05) / (la + 0.05);
}

struct pairs {
    struct theme_pair *out;
    int n, max;
};

static void add(struct pairs *p, enum theme_pair_kind kind, uint32_t fg, uint32_t bg,
                const char *fmt, const char *a, const char *b)
{
    if (!fg || !bg)
        return; /* nothing drawn */
    if (p->n < p->max) {
        struct theme_pair *tp = &p->out[p->n];
        tp->kind = kind;
        tp->fg = fg;
        tp->bg = bg;
        snprintf(tp->what, sizeof tp->what, fmt, a, b);
    }
    p->n++;
}

static const char *const role_names[ROLE_COUNT] = {
    "normal", "primary", "quiet", "header", "muted", "error", "ok", "accent", "backdrop",
    "selected"};

struct surface {
    const char *name;
    uint32_t c;
};

int theme_pairs(struct theme_pair *out, int max)
{
    struct pairs p = {out, 0, max};
    /* The light surfaces dark text is put on, and the red ones white text is. */
    struct surface light[16], dark[4];
    int nl = 0, nd = 0;
    light[nl++] = (struct surface){"background", C_BG};
    for (int r = 0; r < ROLE_COUNT; r++) {
        if (r == ROLE_BACKDROP)
            continue;
        uint32_t f = theme_panel((enum ui_role)r).fill;
        if (f == C_RED)
            dark[nd++] = (struct surface){role_names[r], f};
        else
            light[nl++] = (struct surface){role_names[r], f};
    }
    for (int s = 0; s < 3; s++)
        light[nl++] = (struct surface){s == 0 ? "row" : s == 1 ? "row selected" : "row pressed",
                                         theme_row(s == 1, s == 2).fill};

    /* Labels: dark roles on every light surface, white ones on the red. */
    for (int r = 0; r < ROLE_COUNT; r++) {
        if (r == ROLE_BACKDROP)
            continue;
        uint32_t fg = theme_label((enum ui_role)r);
        int white = fg == C_WHITE;
        for (int s = 0; s < (white ? nd : nl); s++)
            add(&p, THEME_TEXT, fg, white ? dark[s].c : light[s].c, "label %s on %s",
                role_names[r], white ? dark[s].name : light[s].name);
    }
    /* Buttons and keys in every role and state: their words on their fill. */
    static const char *const state[] = {"", " pressed", " disabled"};
    for (int r = 0; r < ROLE_COUNT; r++) {
        if (r == ROLE_BACKDROP)
            continue;
        for (int st = 0; st < 3; st++) {
            struct theme_look b = theme_button((enum ui_role)r, st == 1, st == 2);
            add(&p, THEME_TEXT, b.text, b.fill, "button %s%s", role_names[r], state[st]);
            for (int sel = 0; sel < 2; sel++) {
                struct theme_look k = theme_key((enum ui_role)r, sel, st == 1, st == 2);
                add(&p, THEME_TEXT, k.text, k.fill, "key %s%s", role_names[r],
                    sel ? " selected" : state[st]);
            }
        }
    }
    /* Tiles: title, subtitle, the emblem's glyph. */
    for (int acc = 0; acc < 2; acc++)
        for (int pr = 0; pr < 2; pr++) {
            struct theme_look t = theme_tile(acc, pr);
            const char *n = acc ? "tile accent" : "tile";
            add(&p, THEME_TEXT, t.text, t.fill, "%s%s: title", n, pr ? " pressed" : "");
            add(&p, THEME_TEXT, t.sub, t.fill, "%s%s: subtitle", n, pr ? " pressed" : "");
            add(&p, THEME_TEXT, t.accent_text, t.accent, "%s%s: emblem", n, "");
        }
    /* Fields: the label and the hint outside the box (on the background or a card), the
     * value inside, the box's border against both, the error badge. */
    for (int st = 0; st < 4; st++) {
        int focused = st & 1, error = st >> 1;
        const char *n = focused && error ? "field focused+error" : focused ? "field focused"
                        : error          ? "field error"
                                         : "field";
        for (int pr = 0; pr < 2; pr++) {
            struct theme_look f = theme_field(focused, error, pr);
            add(&p, THEME_TEXT, f.text, f.fill, "%s%s: value", n, pr ? " pressed" : "");
            add(&p, THEME_BORDER, f.border, f.fill, "%s%s: border inside", n, pr ? " pressed" : "");
        }
        struct theme_look f = theme_field(focused, error, 0);
        add(&p, THEME_TEXT, f.accent_text, f.accent, "%s%s: badge", n, "");
        for (int s = 0; s < 2; s++) {
            uint32_t bg = s ? C_CARD : C_BG;
            const char *sn = s ? "card" : "background";
            add(&p, THEME_TEXT, f.text, bg, "%s: label on %s", n, sn);
            add(&p, THEME_TEXT, f.sub, bg, "%s: hint on %s", n, sn);
            add(&p, THEME_BORDER, f.border, bg, "%s: border on %s", n, sn);
        }
    }
    /* Checkboxes: the box on the surfaces it sits on (the consent card is gold), its
     * fill, the tick, the words. */
    for (int sel = 0; sel < 2; sel++) {
        const char *n = sel ? "checkbox ticked" : "checkbox";
        for (int pr = 0; pr < 2; pr++) {
            struct theme_look c = theme_checkbox(sel, pr);
            add(&p, THEME_BORDER, c.border, c.fill, "%s%s: border inside", n, pr ? " pressed" : "");
        }
        struct theme_look c = theme_checkbox(sel, 0);
        if (sel)
            add(&p, THEME_TEXT, c.accent_text, c.accent, "%s%s: tick", n, "");
        uint32_t around[] = {C_BG, C_CARD, C_GOLD_SOFT};
        const char *an[] = {"background", "card", "accent"};
        for (int s = 0; s < 3; s++) {
            add(&p, THEME_BORDER, c.border, around[s], "%s: border on %s", n, an[s]);
            add(&p, THEME_TEXT, c.text, around[s], "%s: text on %s", n, an[s]);
        }
    }
    /* The writing pad: its ink and its border. */
    struct theme_look ink = theme_ink();
    add(&p, THEME_BORDER, ink.text, ink.fill, "ink: %s%s", "strokes", "");
    add(&p, THEME_BORDER, ink.text, ink.line, "ink: %s%s", "strokes on a guide line", "");
    add(&p, THEME_BORDER, ink.border, C_MUTED_PANEL, "ink: %s%s", "border on the keyboard", "");
    /* Rows: title, detail, tag and separator on each fill. */
    for (int s = 0; s < 3; s++) {
        struct theme_look r = theme_row(s == 1, s == 2);
        const char *n = s == 0 ? "row" : s == 1 ? "row selected" : "row pressed";
        add(&p, THEME_TEXT, r.text, r.fill, "%s: %s", n, "title");
        add(&p, THEME_TEXT, r.sub, r.fill, "%s: %s", n, "detail");
        add(&p, THEME_TEXT, r.accent, r.fill, "%s: %s", n, "tag");
        add(&p, THEME_BORDER, r.line, r.fill, "%s: %s", n, "separator");
    }
    return p.n;
}
