/* i18n — see i18n.h. */
#include "app/i18n.h"

#include "core/util.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char *key, *text[2];
    int reported;
};

struct i18n {
    struct entry *e;
    int n, cap;
    char **bufs;              /* one per file; the entries point into them */
    int nbufs;
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

/* Adds the lines of one file.  Returns 0, or -1 with "PATH:LINE: problem" in err. */
static int load_file(struct i18n *c, const char *path, char *err, size_t errlen)
{
    size_t len;
    char *buf = util_read_file(path, &len);
    if (!buf) {
        snprintf(err, errlen, "%s:0: cannot read the text catalogue", path);
        return -1;
    }
    if (!utf8_valid(buf, len)) {
        snprintf(err, errlen, "%s:0: not valid UTF-8", path);
        free(buf);
        return -1;
    }
    c->bufs = realloc(c->bufs, (size_t)(c->nbufs + 1) * sizeof *c->bufs);
    c->bufs[c->nbufs++] = buf;
    int lineno = 0;
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
            return -1;
        }
        if (c->n == c->cap) {
            c->cap = c->cap ? c->cap * 2 : 256;
            c->e = realloc(c->e, (size_t)c->cap * sizeof *c->e);
        }
        unescape(zh);
        unescape(en);
        c->e[c->n++] = (struct entry){k, {zh, en}, 0};
    }
    return 0;
}

static int tsv_only(const struct dirent *d)
{
    size_t n = strlen(d->d_name);
    return n > 4 && strcmp(d->d_name + n - 4, ".tsv") == 0;
}

struct i18n *i18n_load(const char *dir, char *err, size_t errlen)
{
    struct i18n *c = calloc(1, sizeof *c);
    struct dirent **names = NULL;
    int n = scandir(dir, &names, tsv_only, alphasort);
    if (n <= 0) {
        snprintf(err, errlen, "%s:0: no text catalogue (*.tsv) here", dir);
        free(names);
        free(c);
        return NULL;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]->d_name);
        if (rc == 0 && load_file(c, path, err, errlen) < 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    if (rc == 0) {
        qsort(c->e, (size_t)c->n, sizeof *c->e, by_key);
        for (int i = 1; i < c->n; i++)
            if (!strcmp(c->e[i].key, c->e[i - 1].key)) {
                snprintf(err, errlen, "%s:0: key %s appears twice", dir, c->e[i].key);
                rc = -1;
                break;
            }
    }
    if (rc < 0) {
        i18n_free(c);
        return NULL;
    }
    return c;
}

void i18n_free(struct i18n *c)
{
    if (!c)
        return;
    free(c->e);
    for (int i = 0; i < c->nbufs; i++)
        free(c->bufs[i]);
    free(c->bufs);
    free(c);
}

static struct entry *find(const struct i18n *c, const char *key)
{
    struct entry probe = {(char *)key, {0, 0}, 0};
    return bsearch(&probe, c->e, (size_t)c->n, sizeof *c->e, by_key);
}

int i18n_has(const struct i18n *c, const char *key) { return find(c, key) != NULL; }

int i18n_count(const struct i18n *c) { return c->n; }

const char *i18n_key_at(const struct i18n *c, int i) { return c->e[i].key; }

const char *i18n_text_at(const struct i18n *c, enum lang lang, int i)
{
    return c->e[i].text[lang == LANG_EN];
}

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
