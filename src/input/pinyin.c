/* pinyin — librime behind the on-screen keyboard (see pinyin.h for the contract).
 *
 * Start-up without a deployment: librime looks for compiled data first in the staging
 * directory (DATA_DIR/rime/build) and then in the prebuilt directory
 * (/usr/share/rime-data/build), so the dictionaries (luna_pinyin.table.bin, the
 * prisms) are used straight from the Debian package.  Only the two small YAML files
 * this module patches are compiled into staging, one ConfigFileUpdate each, which
 * librime skips when nothing changed.  The full workspace maintenance
 * (RimeStartMaintenance) is never run: it would rebuild dictionaries for every schema
 * in default.yaml.
 *
 * The patches live here rather than in a file the installer must remember to copy:
 * "never learn" is a privacy property of the kiosk, not a setting, and pinyin_open()
 * refuses to run if the compiled schema would learn after all.
 *
 * State kept here: one librime session, the page the user is on, and a copy of the
 * current page's candidates and of the preedit (librime's strings die with its
 * iterators and contexts).  A page is refreshed after every change, so the getters
 * never call into librime. */
#include "input/pinyin.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rime_api.h>

#include "core/util.h"

#define PINYIN_SHARED_DIR "/usr/share/rime-data"
#define PINYIN_SCHEMA "luna_pinyin_simp"
/* The simplifier's switch in luna_pinyin_simp (luna_pinyin itself calls it
 * "simplification"). */
#define PINYIN_SIMP_OPTION "zh_simp"
#define PINYIN_CAND_BYTES 256
#define PINYIN_PATH_MAX 1024
/* X11 keysym, which is what librime takes. */
#define PINYIN_XK_BACKSPACE 0xff08
/* glog levels: 0 info, 1 warning, 2 error.  Info lines carry what was typed. */
#define PINYIN_LOG_LEVEL 2

struct pinyin {
    RimeApi *api;
    RimeSessionId session;      /* 0 only if re-creating it failed */
    int variant;                /* 1: unsimplified forms */
    int page, page_size;
    int ncand, has_next;
    char cand[PINYIN_PAGE_MAX][PINYIN_CAND_BYTES];
    char preedit[PINYIN_CAND_BYTES * 2];
    char user_dir[PINYIN_PATH_MAX];
    char log_dir[PINYIN_PATH_MAX];
};

/* librime keeps one engine per process; this guards it.  And RimeSetup may run only
 * once per process: a second call initialises glog again, which aborts.  Both are
 * local to this module. */
static int pinyin_engine_open;
static int pinyin_rime_set_up;

/* default.yaml: start every session in the simplified schema, save no option state
 * in user.yaml (one person's switches would otherwise come back for the next), and
 * no schema menu hotkeys. */
static const char pinyin_default_patch[] =
    "# Written by the kiosk (src/input/pinyin.c) at every start; edits are lost.\n"
    "patch:\n"
    "  schema_list:\n"
    "    - schema: " PINYIN_SCHEMA "\n"
    "  switcher/save_options: []\n"
    "  switcher/hotkeys: []\n";

/* The schema: no user dictionary, so choices never reorder anyone's candidates. */
static const char pinyin_schema_patch[] =
    "# Written by the kiosk (src/input/pinyin.c) at every start; edits are lost.\n"
    "patch:\n"
    "  translator/enable_user_dict: false\n";

/* Writes text to dir/name unless the file already holds exactly that: librime
 * recompiles a configuration whenever a source file's mtime moves.  0 or -1. */
static int pinyin_write_patch(const char *dir, const char *name, const char *text)
{
    char path[PINYIN_PATH_MAX], tmp[PINYIN_PATH_MAX + 8];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    size_t len = 0;
    char *old = util_read_file(path, &len);
    int same = old && len == strlen(text) && memcmp(old, text, len) == 0;
    free(old);
    if (same)
        return 0;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    ok = (fclose(f) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int pinyin_composing(struct pinyin *p)
{
    if (!p->session)
        return 0;
    const char *in = p->api->get_input(p->session);
    return in && *in;
}

/* Throws away a commit librime produced outside pinyin_select(); letters never
 * commit in these schemas, but a stale commit must not surface later as someone
 * else's text. */
static void pinyin_drain_commit(struct pinyin *p)
{
    RIME_STRUCT(RimeCommit, commit);
    if (p->session && p->api->get_commit(p->session, &commit))
        p->api->free_commit(&commit);
}

/* Copies the preedit and the current page's candidates out of librime, and finds out
 * whether a next page exists (by asking for one candidate more). */
static void pinyin_refresh(struct pinyin *p)
{
    p->ncand = 0;
    p->has_next = 0;
    util_wipe(p->preedit, sizeof p->preedit);
    if (!pinyin_composing(p)) {
        p->page = 0;
        return;
    }
    RIME_STRUCT(RimeContext, ctx);
    if (p->api->get_context(p->session, &ctx)) {
        if (ctx.composition.preedit)
            util_strlcpy(p->preedit, ctx.composition.preedit, sizeof p->preedit);
        p->api->free_context(&ctx);
    }
    for (;;) {
        RimeCandidateListIterator it;
        memset(&it, 0, sizeof it);
        if (p->api->candidate_list_from_index(p->session, &it, p->page * p->page_size)) {
            while (p->ncand < p->page_size && p->api->candidate_list_next(&it))
                util_strlcpy(p->cand[p->ncand++], it.candidate.text ? it.candidate.text : "",
                             PINYIN_CAND_BYTES);
            p->has_next = p->ncand == p->page_size && p->api->candidate_list_next(&it);
            p->api->candidate_list_end(&it);
        }
        /* A page past the end can only follow a change the caller did not page
         * back from; show the first page rather than an empty one. */
        if (p->ncand > 0 || p->page == 0)
            break;
        p->page = 0;
    }
}

/* Opens a session in the simplified schema.  0 or -1 (logged). */
static int pinyin_start_session(struct pinyin *p)
{
    p->session = p->api->create_session();
    if (!p->session) {
        fprintf(stderr, "pinyin: librime could not create a session\n");
        return -1;
    }
    char schema[64] = "";
    if (!p->api->get_current_schema(p->session, schema, sizeof schema)
        || strcmp(schema, PINYIN_SCHEMA) != 0) {
        if (!p->api->select_schema(p->session, PINYIN_SCHEMA)) {
            fprintf(stderr, "pinyin: librime could not select schema %s\n", PINYIN_SCHEMA);
            p->api->destroy_session(p->session);
            p->session = 0;
            return -1;
        }
    }
    p->variant = 0;
    p->page = 0;
    return 0;
}

/* 1 when the compiled schema has user-dictionary learning switched off. */
static int pinyin_schema_never_learns(RimeApi *api)
{
    RimeConfig cfg = {0};
    if (!api->schema_open(PINYIN_SCHEMA, &cfg))
        return 0;
    Bool learn = True;
    int found = api->config_get_bool(&cfg, "translator/enable_user_dict", &learn);
    api->config_close(&cfg);
    return found && !learn;
}

/* librime (with boost, ICU, OpenCC, LevelDB…) is loaded on the first use of the keyboard,
 * not at exec: most visitors never type, and the kiosk's start-up should not pay for the
 * loader's work on a hundred megabytes of libraries.  The handle stays open for the life
 * of the process, as librime's engine is a process-wide singleton anyway.  Returns the
 * API table, or NULL with a sentence in err. */
static RimeApi *load_rime(char *err, size_t errlen)
{
    static RimeApi *api;
    if (api)
        return api;
    void *h = dlopen("librime.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        util_seterr(err, errlen, "cannot load librime (install librime1): %s", dlerror());
        return NULL;
    }
    RimeApi *(*get_api)(void);
    *(void **)&get_api = dlsym(h, "rime_get_api");
    if (!get_api || !(api = get_api())) {
        util_seterr(err, errlen, "librime has no rime_get_api");
        dlclose(h);
        return NULL;
    }
    return api;
}

struct pinyin *pinyin_open(const char *data_dir, char *err, size_t errlen)
{
    util_seterr(err, errlen, "%s", "");
    if (pinyin_engine_open) {
        util_seterr(err, errlen, "the pinyin engine is already open in this process");
        return NULL;
    }
    static const char *const needed[] = {
        PINYIN_SHARED_DIR "/build/" PINYIN_SCHEMA ".schema.yaml",
        PINYIN_SHARED_DIR "/build/" PINYIN_SCHEMA ".prism.bin",
        PINYIN_SHARED_DIR "/build/luna_pinyin.table.bin",
        PINYIN_SHARED_DIR "/default.yaml",
    };
    for (size_t i = 0; i < ARRAY_LEN(needed); i++) {
        if (access(needed[i], R_OK) != 0) {
            util_seterr(err, errlen, "pinyin data missing: %s (install rime-data-luna-pinyin)",
                        needed[i]);
            return NULL;
        }
    }
    struct pinyin *p = calloc(1, sizeof *p);
    if (!p) {
        util_seterr(err, errlen, "out of memory");
        return NULL;
    }
    p->api = load_rime(err, errlen);
    if (!p->api) {
        free(p);
        return NULL;
    }
    p->page_size = PINYIN_PAGE_DEFAULT;
    if ((size_t)snprintf(p->user_dir, sizeof p->user_dir, "%s/rime", data_dir)
            >= sizeof p->user_dir
        || (size_t)snprintf(p->log_dir, sizeof p->log_dir, "%s/log", p->user_dir)
            >= sizeof p->log_dir) {
        util_seterr(err, errlen, "data directory path too long: %s", data_dir);
        free(p);
        return NULL;
    }
    if (util_mkdirs(p->log_dir, 0700) != 0) {
        util_seterr(err, errlen, "cannot create %s: %s", p->log_dir, strerror(errno));
        free(p);
        return NULL;
    }
    /* librime resolves its directories later, so a relative --data-dir must not
     * depend on the working directory staying put. */
    char *abs = realpath(p->user_dir, NULL);
    if (!abs) {
        util_seterr(err, errlen, "cannot resolve %s: %s", p->user_dir, strerror(errno));
        free(p);
        return NULL;
    }
    int fits = util_strlcpy(p->user_dir, abs, sizeof p->user_dir) < sizeof p->user_dir
               && (size_t)snprintf(p->log_dir, sizeof p->log_dir, "%s/log", abs)
                      < sizeof p->log_dir;
    free(abs);
    if (!fits) {
        util_seterr(err, errlen, "data directory path too long: %s", data_dir);
        free(p);
        return NULL;
    }
    if (pinyin_write_patch(p->user_dir, "default.custom.yaml", pinyin_default_patch) != 0
        || pinyin_write_patch(p->user_dir, PINYIN_SCHEMA ".custom.yaml",
                              pinyin_schema_patch) != 0) {
        util_seterr(err, errlen, "cannot write the input method settings in %s: %s",
                    p->user_dir, strerror(errno));
        free(p);
        return NULL;
    }

    /* No plugins: the Lua plugin would run rime.lua from the data directory, and
     * none of them is needed.  "levers" provides the config_file_update task. */
    static const char *modules[] = {"core", "dict", "gears", "levers", NULL};
    RIME_STRUCT(RimeTraits, traits);
    traits.shared_data_dir = PINYIN_SHARED_DIR;
    traits.user_data_dir = p->user_dir;
    traits.distribution_name = "kiosk";
    traits.distribution_code_name = "kiosk";
    traits.distribution_version = "1";
    traits.app_name = "rime.kiosk";
    traits.modules = modules;
    traits.min_log_level = PINYIN_LOG_LEVEL;
    traits.log_dir = p->log_dir;
    /* RimeSetup runs once per process (see pinyin_rime_set_up), so the log directory
     * is the first open's; a kiosk opens one data directory per process anyway.
     * RimeInitialize sets the data directories on every open. */
    if (!pinyin_rime_set_up) {
        p->api->setup(&traits);
        pinyin_rime_set_up = 1;
    }
    p->api->initialize(&traits);
    pinyin_engine_open = 1;

    if (!p->api->deploy_config_file("default.yaml", "config_version")
        || !p->api->deploy_config_file(PINYIN_SCHEMA ".schema.yaml", "schema/version")) {
        util_seterr(err, errlen, "librime could not compile its configuration in %s/build",
                    p->user_dir);
        goto fail;
    }
    if (!pinyin_schema_never_learns(p->api)) {
        util_seterr(err, errlen, "the %s schema would learn from input; refusing to start",
                    PINYIN_SCHEMA);
        goto fail;
    }
    if (pinyin_start_session(p) != 0) {
        util_seterr(err, errlen, "librime could not start a %s session", PINYIN_SCHEMA);
        goto fail;
    }
    pinyin_refresh(p);
    return p;

fail:
    p->api->finalize();
    pinyin_engine_open = 0;
    free(p);
    return NULL;
}

void pinyin_close(struct pinyin *p)
{
    if (!p)
        return;
    if (p->session)
        p->api->destroy_session(p->session);
    p->api->finalize();
    pinyin_engine_open = 0;
    util_wipe(p, sizeof *p);
    free(p);
}

int pinyin_key(struct pinyin *p, char c)
{
    if (!p->session)
        return 0;
    int composing = pinyin_composing(p);
    /* A separator with no pinyin before it would reach the punctuator and commit. */
    if (!((c >= 'a' && c <= 'z') || (c == '\'' && composing)))
        return 0;
    if (composing && strlen(p->api->get_input(p->session)) >= PINYIN_INPUT_MAX)
        return 0;
    int took = p->api->process_key(p->session, (unsigned char)c, 0) ? 1 : 0;
    pinyin_drain_commit(p);
    p->page = 0;
    pinyin_refresh(p);
    /* librime accepts i, u and v at the start, where no pinyin begins, and then offers
     * nothing; a person at a kiosk would be stuck, so such a key is taken back.  Every
     * prefix of a real syllable does have candidates. */
    if (took && p->ncand == 0 && pinyin_composing(p)) {
        p->api->process_key(p->session, PINYIN_XK_BACKSPACE, 0);
        pinyin_drain_commit(p);
        pinyin_refresh(p);
        took = 0;
    }
    return took;
}

int pinyin_backspace(struct pinyin *p)
{
    if (!pinyin_composing(p))
        return 0;
    p->api->process_key(p->session, PINYIN_XK_BACKSPACE, 0);
    pinyin_drain_commit(p);
    p->page = 0;
    pinyin_refresh(p);
    return 1;
}

const char *pinyin_preedit(struct pinyin *p)
{
    return p->preedit;
}

int pinyin_candidates(struct pinyin *p, const char **out, int max)
{
    int n = 0;
    for (; n < p->ncand && n < max; n++)
        out[n] = p->cand[n];
    return n;
}

int pinyin_page(struct pinyin *p)
{
    return p->page;
}

int pinyin_has_next(struct pinyin *p)
{
    return p->has_next;
}

int pinyin_has_prev(struct pinyin *p)
{
    return p->page > 0;
}

int pinyin_page_next(struct pinyin *p)
{
    if (!p->has_next)
        return 0;
    p->page++;
    pinyin_refresh(p);
    return 1;
}

int pinyin_page_prev(struct pinyin *p)
{
    if (p->page == 0)
        return 0;
    p->page--;
    pinyin_refresh(p);
    return 1;
}

int pinyin_set_page_size(struct pinyin *p, int n)
{
    if (n < 1 || n > PINYIN_PAGE_MAX)
        return -1;
    p->page_size = n;
    p->page = 0;
    pinyin_refresh(p);
    return 0;
}

int pinyin_select(struct pinyin *p, int index, char *committed, size_t n)
{
    if (committed && n > 0)
        committed[0] = '\0';
    if (index < 0 || index >= p->ncand || !p->session)
        return -1;
    size_t global = (size_t)p->page * (size_t)p->page_size + (size_t)index;
    if (!p->api->select_candidate(p->session, global)) {
        fprintf(stderr, "pinyin: librime refused candidate %zu\n", global);
        return -1;
    }
    int done = 0;
    RIME_STRUCT(RimeCommit, commit);
    if (p->api->get_commit(p->session, &commit)) {
        if (committed && n > 0)
            util_strlcpy(committed, commit.text ? commit.text : "", n);
        p->api->free_commit(&commit);
        done = 1;
    }
    p->page = 0;
    pinyin_refresh(p);
    return done;
}

int pinyin_commit_first(struct pinyin *p, char *committed, size_t n)
{
    return pinyin_select(p, 0, committed, n);
}

int pinyin_set_variant(struct pinyin *p, int traditional)
{
    traditional = traditional ? 1 : 0;
    if (!p->session)
        return -1;
    if (traditional == p->variant)
        return 0;
    /* librime re-filters the open menu when an option changes, so the pinyin
     * typed so far stays and its candidates change form at once. */
    p->api->set_option(p->session, PINYIN_SIMP_OPTION, traditional ? False : True);
    if ((p->api->get_option(p->session, PINYIN_SIMP_OPTION) ? 0 : 1) != traditional) {
        fprintf(stderr, "pinyin: librime did not switch option %s\n", PINYIN_SIMP_OPTION);
        return -1;
    }
    p->variant = traditional;
    p->page = 0;
    pinyin_refresh(p);
    return 0;
}

int pinyin_variant(struct pinyin *p)
{
    return p->variant;
}

void pinyin_reset(struct pinyin *p)
{
    /* A fresh session rather than a cleared composition: nothing of the previous
     * person (options, commit history, half-made selections) can survive it. */
    if (p->session)
        p->api->destroy_session(p->session);
    p->session = 0;
    if (pinyin_start_session(p) != 0)
        p->session = 0;
    p->variant = 0;
    p->page = 0;
    util_wipe(p->cand, sizeof p->cand);
    pinyin_refresh(p);
}
