/* i18n — see i18n.h. */
#include "app/i18n.h"

#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char *key, *text[2];
    int reported;
};

struct i18n {
    struct entry *e;
    int n;
    char *buf;
};

static int by_key(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->key, ((const struct entry *)b)->key);
}

/* Turns the two characters "\n" into a line break, in place. */
static void unescape(char *s)
{
    char *o = s;
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] == 'n') {
            *o++ = '\n';
            s++;
        } else {
            *o++ = *s;
        }
    }
    *o = 0;
}

struct i18n *i18n_load(const char *path, char *err, size_t errlen)
{
    size_t len;
    char *buf = util_read_file(path, &len);
    if (!buf) {
        snprintf(err, errlen, "%s:0: cannot read the text catalogue", path);
        return NULL;
    }
    if (!utf8_valid(buf, len)) {
        snprintf(err, errlen, "%s:0: not valid UTF-8", path);
        free(buf);
        return NULL;
    }
    struct i18n *c = calloc(1, sizeof *c);
    int cap = 0, lineno = 0;
    char *save = NULL;
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = 0;
        lineno++;
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r')
            line[l - 1] = 0;
        if (!line[0] || line[0] == '#')
            continue;
        char *k = strtok_r(line, "\t", &save), *zh = strtok_r(NULL, "\t", &save),
             *en = strtok_r(NULL, "\t", &save);
        if (!k || !zh || !en || strtok_r(NULL, "\t", &save)) {
            snprintf(err, errlen, "%s:%d: expected KEY<TAB>中文<TAB>English", path, lineno);
            free(c->e);
            free(c);
            free(buf);
            return NULL;
        }
        if (c->n == cap) {
            cap = cap ? cap * 2 : 256;
            c->e = realloc(c->e, (size_t)cap * sizeof *c->e);
        }
        unescape(zh);
        unescape(en);
        c->e[c->n++] = (struct entry){k, {zh, en}, 0};
    }
    qsort(c->e, (size_t)c->n, sizeof *c->e, by_key);
    for (int i = 1; i < c->n; i++)
        if (!strcmp(c->e[i].key, c->e[i - 1].key)) {
            snprintf(err, errlen, "%s:0: key %s appears twice", path, c->e[i].key);
            free(c->e);
            free(c);
            free(buf);
            return NULL;
        }
    c->buf = buf;
    return c;
}

void i18n_free(struct i18n *c)
{
    if (!c)
        return;
    free(c->e);
    free(c->buf);
    free(c);
}

static struct entry *find(const struct i18n *c, const char *key)
{
    struct entry probe = {(char *)key, {0, 0}, 0};
    return bsearch(&probe, c->e, (size_t)c->n, sizeof *c->e, by_key);
}

int i18n_has(const struct i18n *c, const char *key) { return find(c, key) != NULL; }

const char *i18n_get(const struct i18n *c, enum lang lang, const char *key)
{
    struct entry *e = find(c, key);
    if (!e) {
        static char last[64]; /* report each missing key once in a row, not every frame */
        if (strncmp(last, key, sizeof last - 1)) {
            fprintf(stderr, "i18n: no text for key %s\n", key);
            util_strlcpy(last, key, sizeof last);
        }
        return key;
    }
    return e->text[lang == LANG_EN];
}
