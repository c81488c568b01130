/*
 * config.c - reads etc/almanac.conf with libinih and checks it.
 *
 * libinih hands us name = value pairs but not section headers, line numbers or
 * long section names (it cuts them at 49 bytes). So we feed it the file through
 * our own line reader (ini_parse_stream), which counts lines and parses each
 * section header itself; the handler then knows the current line and section.
 */
#include "base/config.h"

#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/err.h"
#include "base/xalloc.h"

#define CONFIG_FILE_MAX ((size_t)4 << 20)
#define INTERVAL_MIN 60
#define INTERVAL_MAX 604800

const char *const config_kinds[] = {
    "lab", "company", "newsletter", "press", "research", "policy", "community", NULL,
};

const char *const config_event_kinds[] = {
    "release", "research", "policy", "business", "security", "commentary", "digest",
    "tutorial", "other", NULL,
};

enum section { SEC_NONE, SEC_ALMANAC, SEC_SOURCE, SEC_ALERT, SEC_SMTP, SEC_LLM };

/* Keys of [almanac], then keys of [source]: a bit each in the "seen" masks. */
enum key {
    K_DATABASE, K_USER_AGENT, K_TOKEN, K_CONCURRENCY, K_PER_HOST, K_TIMEOUT,
    K_MAX_BYTES, K_INTERVAL, K_ARTICLE_BUDGET, K_ARTICLE_MAX_BYTES, K_ARTICLE_TIMEOUT,
    K_FEED_SCORES,
    K_NAME, K_AUTHOR, K_FEED, K_SITE, K_TIER, K_KIND, K_SNAPSHOT, K_LOCAL,
    K_ENABLED, K_SRC_INTERVAL, K_FULLTEXT,
    K_MIN_SCORE, K_GUIDE, K_ENTITY, K_SOURCE, K_EVKIND, K_QUIET, K_MAX_AGE, K_ATTEMPTS,
    K_WEBHOOK, K_SECRET_ENV, K_EMAIL, K_ALERT_LOCAL,
    K_SMTP_URL, K_SMTP_FROM, K_SMTP_USER, K_SMTP_PASSWORD_ENV, K_SMTP_STARTTLS, K_SMTP_LOCAL, K_SMTP_CA_FILE,
    K_LLM_ENABLED, K_LLM_ENDPOINT, K_LLM_MODEL, K_LLM_KEY_ENV, K_LLM_TIMEOUT, K_LLM_RATE,
    K_LLM_PER_RUN, K_LLM_FAILURES, K_LLM_COOLDOWN, K_LLM_LOCAL,
    K_COUNT
};

static const struct {
    const char *name;
    enum section sec;
    enum key key;
} keys[] = {
    { "database", SEC_ALMANAC, K_DATABASE },
    { "user_agent", SEC_ALMANAC, K_USER_AGENT },
    { "token", SEC_ALMANAC, K_TOKEN },
    { "concurrency", SEC_ALMANAC, K_CONCURRENCY },
    { "per_host", SEC_ALMANAC, K_PER_HOST },
    { "timeout", SEC_ALMANAC, K_TIMEOUT },
    { "max_bytes", SEC_ALMANAC, K_MAX_BYTES },
    { "interval", SEC_ALMANAC, K_INTERVAL },
    { "article_budget", SEC_ALMANAC, K_ARTICLE_BUDGET },
    { "article_max_bytes", SEC_ALMANAC, K_ARTICLE_MAX_BYTES },
    { "article_timeout", SEC_ALMANAC, K_ARTICLE_TIMEOUT },
    { "feed_scores", SEC_ALMANAC, K_FEED_SCORES },
    { "name", SEC_SOURCE, K_NAME },
    { "author", SEC_SOURCE, K_AUTHOR },
    { "feed", SEC_SOURCE, K_FEED },
    { "site", SEC_SOURCE, K_SITE },
    { "tier", SEC_SOURCE, K_TIER },
    { "kind", SEC_SOURCE, K_KIND },
    { "snapshot", SEC_SOURCE, K_SNAPSHOT },
    { "local", SEC_SOURCE, K_LOCAL },
    { "enabled", SEC_SOURCE, K_ENABLED },
    { "interval", SEC_SOURCE, K_SRC_INTERVAL },
    { "fulltext", SEC_SOURCE, K_FULLTEXT },
    { "min_score", SEC_ALERT, K_MIN_SCORE },
    { "guide", SEC_ALERT, K_GUIDE },
    { "entity", SEC_ALERT, K_ENTITY },
    { "source", SEC_ALERT, K_SOURCE },
    { "kind", SEC_ALERT, K_EVKIND },
    { "quiet_hours", SEC_ALERT, K_QUIET },
    { "max_age", SEC_ALERT, K_MAX_AGE },
    { "attempts", SEC_ALERT, K_ATTEMPTS },
    { "webhook", SEC_ALERT, K_WEBHOOK },
    { "secret_env", SEC_ALERT, K_SECRET_ENV },
    { "email", SEC_ALERT, K_EMAIL },
    { "local", SEC_ALERT, K_ALERT_LOCAL },
    { "url", SEC_SMTP, K_SMTP_URL },
    { "from", SEC_SMTP, K_SMTP_FROM },
    { "user", SEC_SMTP, K_SMTP_USER },
    { "password_env", SEC_SMTP, K_SMTP_PASSWORD_ENV },
    { "starttls", SEC_SMTP, K_SMTP_STARTTLS },
    { "local", SEC_SMTP, K_SMTP_LOCAL },
    { "ca_file", SEC_SMTP, K_SMTP_CA_FILE },
    { "enabled", SEC_LLM, K_LLM_ENABLED },
    { "endpoint", SEC_LLM, K_LLM_ENDPOINT },
    { "model", SEC_LLM, K_LLM_MODEL },
    { "key_env", SEC_LLM, K_LLM_KEY_ENV },
    { "timeout", SEC_LLM, K_LLM_TIMEOUT },
    { "rate", SEC_LLM, K_LLM_RATE },
    { "per_run", SEC_LLM, K_LLM_PER_RUN },
    { "failures", SEC_LLM, K_LLM_FAILURES },
    { "cooldown", SEC_LLM, K_LLM_COOLDOWN },
    { "local", SEC_LLM, K_LLM_LOCAL },
};

/* What we remember about a source section while parsing, beside the source. */
struct src_meta {
    int line;                /* of the [source "..."] header */
    int key_line[K_COUNT];   /* 0 = not given */
};

struct parse {
    const char *path;
    const char *data;
    size_t len, pos;
    int lineno;              /* of the line last handed to inih */
    enum section section;
    struct config *c;
    struct src_meta *meta;   /* parallel to c->sources */
    size_t cap;
    struct src_meta *ameta;  /* parallel to c->alerts */
    size_t acap;
    int glob_line[K_COUNT];
    int smtp_line[K_COUNT];
    int smtp_header;         /* line of [smtp], 0 = none */
    int llm_line[K_COUNT];
    int llm_header;          /* line of [llm], 0 = none */
    int fragment;            /* config_parse_fragment: [source] and [alert] only */
    int stop;                /* the reader found an error: feed inih no more */
    int errline;             /* first error we found; 0 = none */
    char msg[256];
};

static void
fail(struct parse *p, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct parse *p, int line, const char *fmt, ...)
{
    va_list ap;

    if (p->errline != 0)
        return;
    p->errline = line;
    p->stop = 1; /* one error is enough: the reader feeds inih no more lines */
    va_start(ap, fmt);
    vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
    va_end(ap);
}

static int
is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '\f' || ch == '\v';
}

/* Checks a slug; returns NULL or the reason it is bad. */
static const char *
slug_problem(const char *slug)
{
    size_t n;

    if (slug == NULL || *slug == '\0')
        return "slug is empty";
    n = strlen(slug);
    if (n > CONFIG_SLUG_MAX)
        return "slug is longer than 64 characters";
    for (size_t i = 0; i < n; i++) {
        char ch = slug[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-'))
            return "slug may only hold a-z, 0-9 and -";
    }
    return NULL;
}

static int
kind_valid(const char *kind)
{
    for (size_t i = 0; config_kinds[i] != NULL; i++)
        if (kind != NULL && strcmp(kind, config_kinds[i]) == 0)
            return 1;
    return 0;
}

static int
has_prefix_ci(const char *s, const char *prefix)
{
    return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Checks a feed or site URL; returns NULL or the reason. Only the scheme and
 * the absence of spaces are checked here: addresses are the fetcher's business.
 */
static const char *
url_problem(const char *url, int allow_file)
{
    const char *rest;

    if (has_prefix_ci(url, "https://"))
        rest = url + 8;
    else if (has_prefix_ci(url, "http://"))
        rest = url + 7;
    else if (has_prefix_ci(url, "file:"))
        return allow_file ? NULL : "file: URLs need local = yes";
    else
        return "URL must start with http:// or https://";
    if (*rest == '\0' || *rest == '/')
        return "URL has no host";
    for (const unsigned char *q = (const unsigned char *)url; *q; q++)
        if (*q <= ' ' || *q == 0x7f)
            return "URL holds a space or control character";
    return NULL;
}

static int
interval_valid(long long v, int allow_zero)
{
    return (allow_zero && v == 0) || (v >= INTERVAL_MIN && v <= INTERVAL_MAX);
}

int
config_source_validate(const struct source *s, char *err, size_t errlen)
{
    const char *why;

    if ((why = slug_problem(s->slug)) != NULL) {
        err_set(err, errlen, "%s", why);
        return ALM_EINVAL;
    }
    if (s->name == NULL || *s->name == '\0') {
        err_set(err, errlen, "name is required");
        return ALM_EINVAL;
    }
    if (s->feed_url == NULL || *s->feed_url == '\0') {
        err_set(err, errlen, "feed is required");
        return ALM_EINVAL;
    }
    if ((why = url_problem(s->feed_url, s->local)) != NULL) {
        err_set(err, errlen, "feed: %s", why);
        return ALM_EINVAL;
    }
    if (s->site_url != NULL && (why = url_problem(s->site_url, 0)) != NULL) {
        err_set(err, errlen, "site: %s", why);
        return ALM_EINVAL;
    }
    if (s->tier < 1 || s->tier > 3) {
        err_set(err, errlen, "tier must be 1, 2 or 3");
        return ALM_EINVAL;
    }
    if (!kind_valid(s->kind)) {
        err_set(err, errlen, "unknown kind (expected lab, company, newsletter, press, "
                "research, policy or community)");
        return ALM_EINVAL;
    }
    if (!interval_valid(s->interval, 1)) {
        err_set(err, errlen, "interval must be 0 or %d..%d seconds", INTERVAL_MIN,
                INTERVAL_MAX);
        return ALM_EINVAL;
    }
    return ALM_OK;
}

/* Parses a whole decimal number within [min, max]. */
static int
parse_num(const char *v, long long min, long long max, long long *out)
{
    char *end;
    long long n;

    if (*v == '\0')
        return ALM_EINVAL;
    errno = 0;
    n = strtoll(v, &end, 10);
    if (errno != 0 || *end != '\0' || n < min || n > max)
        return ALM_EINVAL;
    *out = n;
    return ALM_OK;
}

static int
parse_bool(const char *v, int *out)
{
    static const char *const yes[] = { "yes", "true", "on", "1" };
    static const char *const no[] = { "no", "false", "off", "0" };

    for (size_t i = 0; i < LEN(yes); i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = 1;
            return ALM_OK;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = 0;
            return ALM_OK;
        }
    }
    return ALM_EINVAL;
}

static void
replace_str(char **dst, const char *v)
{
    free(*dst);
    *dst = (v != NULL && *v != '\0') ? xstrdup(v) : NULL;
}

static void
add_snapshots(struct source *s, const char *v)
{
    while (*v) {
        const char *start;

        while (is_space(*v))
            v++;
        if (*v == '\0')
            break;
        start = v;
        while (*v && !is_space(*v))
            v++;
        s->snapshots = xrealloc(s->snapshots, (s->nsnapshots + 2) * sizeof(char *));
        s->snapshots[s->nsnapshots++] = xstrndup(start, (size_t)(v - start));
        s->snapshots[s->nsnapshots] = NULL;
    }
}

/* Opens a new [source "slug"] section; line is its header. */
static int
open_source(struct parse *p, const char *slug, size_t n, int line)
{
    struct config *c = p->c;
    struct source *s;
    char *copy = xstrndup(slug, n);
    const char *why = slug_problem(copy);

    if (why != NULL) {
        fail(p, line, "[source \"%.70s\"]: %s", copy, why);
        free(copy);
        return ALM_ECONFIG;
    }
    for (size_t i = 0; i < c->nsources; i++) {
        if (strcmp(c->sources[i].slug, copy) == 0) {
            fail(p, line, "duplicate source \"%s\" (first defined on line %d)", copy,
                 p->meta[i].line);
            free(copy);
            return ALM_ECONFIG;
        }
    }
    if (c->nsources == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        c->sources = xrealloc(c->sources, p->cap * sizeof(*c->sources));
        p->meta = xrealloc(p->meta, p->cap * sizeof(*p->meta));
    }
    s = &c->sources[c->nsources];
    memset(s, 0, sizeof(*s));
    s->slug = copy;
    s->tier = 2;
    s->kind = xstrdup("newsletter");
    s->enabled = 1;
    memset(&p->meta[c->nsources], 0, sizeof(p->meta[0]));
    p->meta[c->nsources].line = line;
    c->nsources++;
    p->section = SEC_SOURCE;
    return ALM_OK;
}

/* Opens a new [alert NAME] section; line is its header. */
static int
open_alert(struct parse *p, const char *name, size_t n, int line)
{
    struct config *c = p->c;
    struct alert_rule *a;
    char *copy = xstrndup(name, n);
    const char *why = slug_problem(copy);

    if (why != NULL) {
        fail(p, line, "[alert %.70s]: name: %s", copy, why);
        free(copy);
        return ALM_ECONFIG;
    }
    for (size_t i = 0; i < c->nalerts; i++) {
        if (strcmp(c->alerts[i].name, copy) == 0) {
            fail(p, line, "duplicate alert \"%s\" (first defined on line %d)", copy,
                 p->ameta[i].line);
            free(copy);
            return ALM_ECONFIG;
        }
    }
    if (c->nalerts == p->acap) {
        p->acap = p->acap ? p->acap * 2 : 8;
        c->alerts = xrealloc(c->alerts, p->acap * sizeof(*c->alerts));
        p->ameta = xrealloc(p->ameta, p->acap * sizeof(*p->ameta));
    }
    a = &c->alerts[c->nalerts];
    memset(a, 0, sizeof(*a));
    a->name = copy;
    a->quiet_start = a->quiet_end = -1;
    a->max_age = 48;
    a->attempts = 5;
    memset(&p->ameta[c->nalerts], 0, sizeof(p->ameta[0]));
    p->ameta[c->nalerts].line = line;
    c->nalerts++;
    p->section = SEC_ALERT;
    return ALM_OK;
}

/*
 * Looks at a line before inih does: a line whose first non-blank character is
 * '[' is a section header. We accept [almanac] and [source "slug"] only.
 */
static int
read_header(struct parse *p, const char *line)
{
    const char *s = line, *end, *in, *in_end, *after;

    if (p->lineno == 1 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        s += 3;
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s != '[')
        return ALM_OK;
    if (s != line && !(p->lineno == 1 && s == line + 3)) {
        fail(p, p->lineno, "section header must not be indented");
        return ALM_ECONFIG;
    }
    end = strchr(s, ']');
    if (end == NULL) {
        fail(p, p->lineno, "section header without ]");
        return ALM_ECONFIG;
    }
    for (after = end + 1; *after == ' ' || *after == '\t'; after++)
        ;
    if (*after != '\0' && *after != '\r' && *after != '\n' && *after != ';' &&
        *after != '#') {
        fail(p, p->lineno, "text after the section header");
        return ALM_ECONFIG;
    }
    in = s + 1;
    in_end = end;
    while (in < in_end && (*in == ' ' || *in == '\t'))
        in++;
    while (in_end > in && (in_end[-1] == ' ' || in_end[-1] == '\t'))
        in_end--;
    if (p->fragment && !(in_end - in > 6 && (memcmp(in, "source", 6) == 0 ||
                                             memcmp(in, "alert", 5) == 0))) {
        fail(p, p->lineno, "only [source \"slug\"] and [alert NAME] sections here");
        return ALM_ECONFIG;
    }
    if ((size_t)(in_end - in) == 7 && memcmp(in, "almanac", 7) == 0) {
        p->section = SEC_ALMANAC;
        return ALM_OK;
    }
    if ((size_t)(in_end - in) == 4 && memcmp(in, "smtp", 4) == 0) {
        if (p->smtp_header != 0) {
            fail(p, p->lineno, "duplicate [smtp] (first on line %d)", p->smtp_header);
            return ALM_ECONFIG;
        }
        p->smtp_header = p->lineno;
        p->section = SEC_SMTP;
        return ALM_OK;
    }
    if ((size_t)(in_end - in) == 3 && memcmp(in, "llm", 3) == 0) {
        if (p->llm_header != 0) {
            fail(p, p->lineno, "duplicate [llm] (first on line %d)", p->llm_header);
            return ALM_ECONFIG;
        }
        p->llm_header = p->lineno;
        p->c->llm.enabled = 1;
        p->section = SEC_LLM;
        return ALM_OK;
    }
    if (in_end - in > 5 && memcmp(in, "alert", 5) == 0 && (in[5] == ' ' || in[5] == '\t')) {
        const char *q = in + 5;

        while (*q == ' ' || *q == '\t')
            q++;
        if (q < in_end - 1 && *q == '"' && in_end[-1] == '"')
            return open_alert(p, q + 1, (size_t)(in_end - 1 - (q + 1)), p->lineno);
        return open_alert(p, q, (size_t)(in_end - q), p->lineno);
    }
    if (in_end - in > 6 && memcmp(in, "source", 6) == 0 && (in[6] == ' ' || in[6] == '\t')) {
        const char *q = in + 6;

        while (*q == ' ' || *q == '\t')
            q++;
        if (q < in_end - 1 && *q == '"' && in_end[-1] == '"')
            return open_source(p, q + 1, (size_t)(in_end - 1 - (q + 1)), p->lineno);
    }
    fail(p, p->lineno, "unknown section [%.*s] (expected [almanac], [source \"slug\"], "
         "[alert NAME], [smtp] or [llm])",
         (int)((in_end - in) > 60 ? 60 : (in_end - in)), in);
    return ALM_ECONFIG;
}

/* inih's line reader: one line of p->data per call, counted and checked. */
static char *
conf_reader(char *str, int num, void *stream)
{
    struct parse *p = stream;
    const char *s, *nl;
    size_t rest, n;

    if (p->stop || p->pos >= p->len || num < 2)
        return NULL;
    s = p->data + p->pos;
    rest = p->len - p->pos;
    nl = memchr(s, '\n', rest);
    n = nl ? (size_t)(nl - s) + 1 : rest;
    p->lineno++;
    if (memchr(s, '\0', n) != NULL) {
        fail(p, p->lineno, "NUL byte in the line");
        p->stop = 1;
        return NULL;
    }
    /* A longer line would be cut by inih and its tail read as another line. */
    if (n > (size_t)num - 1) {
        fail(p, p->lineno, "line longer than %d characters", num - 2);
        p->stop = 1;
        return NULL;
    }
    memcpy(str, s, n);
    str[n] = '\0';
    p->pos += n;
    if (read_header(p, str) != ALM_OK) {
        p->stop = 1;
        return NULL;
    }
    return str;
}

static int
set_number(struct parse *p, const char *name, const char *v, long long min, long long max,
           long long *out)
{
    if (parse_num(v, min, max, out) != ALM_OK) {
        fail(p, p->lineno, "%s: expected a whole number from %lld to %lld, got \"%.40s\"",
             name, min, max, v);
        return 0;
    }
    return 1;
}

static int
handle_almanac(struct parse *p, enum key k, const char *name, const char *v)
{
    struct config *c = p->c;
    long long n;

    switch (k) {
    case K_DATABASE:
    case K_USER_AGENT:
        if (*v == '\0') {
            fail(p, p->lineno, "%s: empty value", name);
            return 0;
        }
        replace_str(k == K_DATABASE ? &c->database : &c->user_agent, v);
        return 1;
    case K_TOKEN:
        replace_str(&c->token, v);
        return 1;
    case K_CONCURRENCY:
        if (!set_number(p, name, v, 1, 256, &n))
            return 0;
        c->concurrency = (int)n;
        return 1;
    case K_PER_HOST:
        if (!set_number(p, name, v, 1, 64, &n))
            return 0;
        c->per_host = (int)n;
        return 1;
    case K_TIMEOUT:
        if (!set_number(p, name, v, 1, 3600, &n))
            return 0;
        c->timeout = (int)n;
        return 1;
    case K_MAX_BYTES:
        if (!set_number(p, name, v, 1024, 1LL << 30, &n))
            return 0;
        c->max_bytes = n;
        return 1;
    case K_INTERVAL:
        if (!set_number(p, name, v, INTERVAL_MIN, INTERVAL_MAX, &n))
            return 0;
        c->interval = (int)n;
        return 1;
    case K_ARTICLE_BUDGET:
        if (!set_number(p, name, v, 0, 1000, &n))
            return 0;
        c->article_budget = (int)n;
        return 1;
    case K_ARTICLE_MAX_BYTES:
        if (!set_number(p, name, v, 1024, 1LL << 30, &n))
            return 0;
        c->article_max_bytes = n;
        return 1;
    case K_ARTICLE_TIMEOUT:
        if (!set_number(p, name, v, 1, 3600, &n))
            return 0;
        c->article_timeout = (int)n;
        return 1;
    case K_FEED_SCORES:
        if (parse_bool(v, &c->feed_scores) != ALM_OK) {
            fail(p, p->lineno, "%s: expected yes or no, got \"%.40s\"", name, v);
            return 0;
        }
        return 1;
    default:
        return 0;
    }
}

static int
handle_source(struct parse *p, enum key k, const char *name, const char *v)
{
    struct source *s = &p->c->sources[p->c->nsources - 1];
    long long n;

    switch (k) {
    case K_NAME:
    case K_FEED:
        if (*v == '\0') {
            fail(p, p->lineno, "%s: empty value", name);
            return 0;
        }
        replace_str(k == K_NAME ? &s->name : &s->feed_url, v);
        return 1;
    case K_AUTHOR:
        replace_str(&s->author, v);
        return 1;
    case K_SITE:
        replace_str(&s->site_url, v);
        return 1;
    case K_TIER:
        if (parse_num(v, 1, 3, &n) != ALM_OK) {
            fail(p, p->lineno, "tier must be 1, 2 or 3, not \"%.40s\"", v);
            return 0;
        }
        s->tier = (int)n;
        return 1;
    case K_KIND:
        if (!kind_valid(v)) {
            fail(p, p->lineno, "unknown kind \"%.40s\" (expected lab, company, newsletter, "
                 "press, research, policy or community)", v);
            return 0;
        }
        replace_str(&s->kind, v);
        return 1;
    case K_SNAPSHOT:
        if (p->fragment) { /* files on the server's disk: the file's business */
            fail(p, p->lineno, "snapshot: only in the configuration file");
            return 0;
        }
        add_snapshots(s, v);
        return 1;
    case K_LOCAL:
    case K_ENABLED:
    case K_FULLTEXT:
        if (parse_bool(v, k == K_LOCAL ? &s->local : k == K_ENABLED ? &s->enabled
                                                                     : &s->fulltext) != ALM_OK) {
            fail(p, p->lineno, "%s: expected yes or no, got \"%.40s\"", name, v);
            return 0;
        }
        return 1;
    case K_SRC_INTERVAL:
        if (parse_num(v, 0, INTERVAL_MAX, &n) != ALM_OK || !interval_valid(n, 1)) {
            fail(p, p->lineno, "interval must be 0 or %d..%d seconds, not \"%.40s\"",
                 INTERVAL_MIN, INTERVAL_MAX, v);
            return 0;
        }
        s->interval = (int)n;
        return 1;
    default:
        return 0;
    }
}

/* "HH:MM" into minutes after midnight; -1 when it is not one. */
static int
parse_hhmm(const char *v, size_t n)
{
    int h, m;

    if (n != 5 || v[2] != ':')
        return -1;
    for (size_t i = 0; i < 5; i++)
        if (i != 2 && (v[i] < '0' || v[i] > '9'))
            return -1;
    h = (v[0] - '0') * 10 + (v[1] - '0');
    m = (v[3] - '0') * 10 + (v[4] - '0');
    if (h > 23 || m > 59)
        return -1;
    return h * 60 + m;
}

static int
event_kind_valid(const char *kind)
{
    for (size_t i = 0; config_event_kinds[i] != NULL; i++)
        if (strcmp(kind, config_event_kinds[i]) == 0)
            return 1;
    return 0;
}

/* An e-mail address as far as we need one: local@domain, no spaces, no
 * characters that could end an SMTP command or a header. */
static int
email_valid(const char *v)
{
    const char *at = strchr(v, '@');

    if (at == NULL || at == v || at[1] == '\0' || strchr(at + 1, '@') != NULL)
        return 0;
    for (const unsigned char *q = (const unsigned char *)v; *q; q++)
        if (*q <= ' ' || *q == 0x7f || *q == '<' || *q == '>' || *q == ',' || *q == '"' ||
            *q == '(' || *q == ')' || *q == ';' || *q == '\\')
            return 0;
    return strlen(v) <= 254;
}

/* An environment variable's name: [A-Za-z_][A-Za-z0-9_]*. */
static int
env_name_valid(const char *v)
{
    if (!((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') || *v == '_'))
        return 0;
    for (; *v; v++)
        if (!((*v >= 'A' && *v <= 'Z') || (*v >= 'a' && *v <= 'z') || *v == '_' ||
              (*v >= '0' && *v <= '9')))
            return 0;
    return 1;
}

static int
handle_alert(struct parse *p, enum key k, const char *name, const char *v)
{
    struct alert_rule *a = &p->c->alerts[p->c->nalerts - 1];
    long long n;
    const char *dash;

    switch (k) {
    case K_MIN_SCORE:
        if (!set_number(p, name, v, 1, 10, &n))
            return 0;
        a->min_score = (int)n;
        return 1;
    case K_MAX_AGE:
        if (!set_number(p, name, v, 1, 24 * 366, &n))
            return 0;
        a->max_age = (int)n;
        return 1;
    case K_ATTEMPTS:
        if (!set_number(p, name, v, 1, 50, &n))
            return 0;
        a->attempts = (int)n;
        return 1;
    case K_GUIDE:
    case K_SOURCE:
        if (slug_problem(v) != NULL) {
            fail(p, p->lineno, "%s: \"%.40s\" is not a slug (a-z, 0-9 and -)", name, v);
            return 0;
        }
        replace_str(k == K_GUIDE ? &a->guide : &a->source, v);
        return 1;
    case K_ENTITY:
        if (*v == '\0') {
            fail(p, p->lineno, "%s: empty value", name);
            return 0;
        }
        replace_str(&a->entity, v);
        return 1;
    case K_EVKIND:
        if (!event_kind_valid(v)) {
            fail(p, p->lineno, "unknown kind \"%.40s\" (expected release, research, policy, "
                 "business, security, commentary, digest, tutorial or other)", v);
            return 0;
        }
        replace_str(&a->kind, v);
        return 1;
    case K_QUIET:
        dash = strchr(v, '-');
        if (dash == NULL || (a->quiet_start = parse_hhmm(v, (size_t)(dash - v))) < 0 ||
            (a->quiet_end = parse_hhmm(dash + 1, strlen(dash + 1))) < 0 ||
            a->quiet_start == a->quiet_end) {
            a->quiet_start = a->quiet_end = -1;
            fail(p, p->lineno, "%s: expected HH:MM-HH:MM (UTC, start and end differ), got "
                 "\"%.40s\"", name, v);
            return 0;
        }
        return 1;
    case K_WEBHOOK:
        replace_str(&a->webhook, v);
        return 1;
    case K_SECRET_ENV:
        if (!env_name_valid(v)) {
            fail(p, p->lineno, "%s: \"%.40s\" is not an environment variable's name", name, v);
            return 0;
        }
        replace_str(&a->secret_env, v);
        return 1;
    case K_EMAIL:
        if (!email_valid(v)) {
            fail(p, p->lineno, "%s: \"%.60s\" is not an e-mail address", name, v);
            return 0;
        }
        replace_str(&a->email, v);
        return 1;
    case K_ALERT_LOCAL:
        if (parse_bool(v, &a->local) != ALM_OK) {
            fail(p, p->lineno, "%s: expected yes or no, got \"%.40s\"", name, v);
            return 0;
        }
        return 1;
    default:
        return 0;
    }
}

static int
handle_smtp(struct parse *p, enum key k, const char *name, const char *v)
{
    struct smtp_conf *m = &p->c->smtp;

    switch (k) {
    case K_SMTP_URL:
        if (!has_prefix_ci(v, "smtp://") && !has_prefix_ci(v, "smtps://")) {
            fail(p, p->lineno, "%s: must start with smtp:// or smtps://", name);
            return 0;
        }
        for (const unsigned char *q = (const unsigned char *)v; *q; q++) {
            if (*q <= ' ' || *q == 0x7f) {
                fail(p, p->lineno, "%s: holds a space or control character", name);
                return 0;
            }
        }
        replace_str(&m->url, v);
        return 1;
    case K_SMTP_FROM:
        if (!email_valid(v)) {
            fail(p, p->lineno, "%s: \"%.60s\" is not an e-mail address", name, v);
            return 0;
        }
        replace_str(&m->from, v);
        return 1;
    case K_SMTP_USER:
    case K_SMTP_CA_FILE:
        replace_str(k == K_SMTP_USER ? &m->user : &m->ca_file, v);
        return 1;
    case K_SMTP_PASSWORD_ENV:
        if (!env_name_valid(v)) {
            fail(p, p->lineno, "%s: \"%.40s\" is not an environment variable's name", name, v);
            return 0;
        }
        replace_str(&m->password_env, v);
        return 1;
    case K_SMTP_STARTTLS:
        if (strcmp(v, "required") == 0) {
            m->starttls_optional = 0;
        } else if (strcmp(v, "optional") == 0) {
            m->starttls_optional = 1;
        } else {
            fail(p, p->lineno, "%s: expected required or optional, got \"%.40s\"", name, v);
            return 0;
        }
        return 1;
    case K_SMTP_LOCAL:
        if (parse_bool(v, &m->local) != ALM_OK) {
            fail(p, p->lineno, "%s: expected yes or no, got \"%.40s\"", name, v);
            return 0;
        }
        return 1;
    default:
        return 0;
    }
}

static int
handle_llm(struct parse *p, enum key k, const char *name, const char *v)
{
    struct llm_conf *m = &p->c->llm;
    long long n;

    switch (k) {
    case K_LLM_ENABLED:
    case K_LLM_LOCAL:
        if (parse_bool(v, k == K_LLM_ENABLED ? &m->enabled : &m->local) != ALM_OK) {
            fail(p, p->lineno, "%s: expected yes or no, got \"%.40s\"", name, v);
            return 0;
        }
        return 1;
    case K_LLM_ENDPOINT: {
        const char *why = url_problem(v, 0);
        if (why != NULL) {
            fail(p, p->lineno, "%s: %s", name, why);
            return 0;
        }
        replace_str(&m->endpoint, v);
        return 1;
    }
    case K_LLM_MODEL:
        for (const unsigned char *q = (const unsigned char *)v; *q; q++) {
            if (*q < ' ' || *q == 0x7f || *q == '"' || *q == '\\') {
                fail(p, p->lineno, "%s: holds a quote, backslash or control character", name);
                return 0;
            }
        }
        replace_str(&m->model, v);
        return 1;
    case K_LLM_KEY_ENV:
        if (!env_name_valid(v)) {
            fail(p, p->lineno, "%s: \"%.40s\" is not an environment variable's name", name, v);
            return 0;
        }
        replace_str(&m->key_env, v);
        return 1;
    case K_LLM_TIMEOUT:
        if (!set_number(p, name, v, 1, 600, &n))
            return 0;
        m->timeout = (int)n;
        return 1;
    case K_LLM_RATE:
        if (!set_number(p, name, v, 1, 6000, &n))
            return 0;
        m->rate = (int)n;
        return 1;
    case K_LLM_PER_RUN:
        if (!set_number(p, name, v, 0, 100000, &n))
            return 0;
        m->per_run = (int)n;
        return 1;
    case K_LLM_FAILURES:
        if (!set_number(p, name, v, 1, 1000, &n))
            return 0;
        m->failures = (int)n;
        return 1;
    case K_LLM_COOLDOWN:
        if (!set_number(p, name, v, 1, 86400, &n))
            return 0;
        m->cooldown = (int)n;
        return 1;
    default:
        return 0;
    }
}

int
config_url_is_loopback(const char *url)
{
    const char *h, *end;
    size_t n;

    if (url == NULL || (h = strstr(url, "://")) == NULL)
        return 0;
    h += 3;
    if ((end = strchr(h, '@')) != NULL && end < h + strcspn(h, "/"))
        h = end + 1;
    if (*h == '[') {
        end = strchr(h, ']');
        return end != NULL && (size_t)(end - h) == 4 && memcmp(h, "[::1", 4) == 0;
    }
    n = strcspn(h, ":/?#");
    if (n == 9 && strncasecmp(h, "localhost", 9) == 0)
        return 1;
    if (n >= 4 && memcmp(h, "127.", 4) == 0) {
        for (size_t i = 4; i < n; i++)
            if (!((h[i] >= '0' && h[i] <= '9') || h[i] == '.'))
                return 0;
        return 1;
    }
    return 0;
}

/* inih's handler: returns nonzero to go on, 0 to record an error. */
static int
conf_handler(void *user, const char *section, const char *name, const char *value)
{
    struct parse *p = user;
    int *seen;

    (void)section; /* inih's copy may be cut short; read_header() tracks ours */
    if (p->stop)
        return 0;
    if (p->section == SEC_NONE) {
        fail(p, p->lineno, "\"%.40s\" comes before any [section]", name);
        return 0;
    }
    for (size_t i = 0; i < LEN(keys); i++) {
        if (keys[i].sec != p->section || strcmp(keys[i].name, name) != 0)
            continue;
        seen = p->section == SEC_ALMANAC ? p->glob_line
               : p->section == SEC_SMTP  ? p->smtp_line
               : p->section == SEC_LLM   ? p->llm_line
               : p->section == SEC_ALERT ? p->ameta[p->c->nalerts - 1].key_line
                                         : p->meta[p->c->nsources - 1].key_line;
        if (seen[keys[i].key] != 0 && keys[i].key != K_SNAPSHOT) {
            fail(p, p->lineno, "%s given twice (also on line %d; an indented line "
                 "continues the key above it)", name, seen[keys[i].key]);
            return 0;
        }
        seen[keys[i].key] = p->lineno;
        if (p->section == SEC_ALMANAC)
            return handle_almanac(p, keys[i].key, name, value);
        if (p->section == SEC_ALERT)
            return handle_alert(p, keys[i].key, name, value);
        if (p->section == SEC_SMTP)
            return handle_smtp(p, keys[i].key, name, value);
        if (p->section == SEC_LLM)
            return handle_llm(p, keys[i].key, name, value);
        return handle_source(p, keys[i].key, name, value);
    }
    fail(p, p->lineno, "unknown key \"%.40s\" in [%s]", name,
         p->section == SEC_ALMANAC ? "almanac" : p->section == SEC_ALERT ? "alert"
         : p->section == SEC_SMTP ? "smtp" : p->section == SEC_LLM ? "llm" : "source");
    return 0;
}

/* The checks that need the whole section: required keys, URL schemes. */
static void
check_sources(struct parse *p)
{
    const struct config *c = p->c;

    for (size_t i = 0; i < c->nsources && p->errline == 0; i++) {
        const struct source *s = &c->sources[i];
        const struct src_meta *m = &p->meta[i];
        const char *why;
        char why2[160];

        if (s->feed_url && (why = url_problem(s->feed_url, s->local)) != NULL)
            fail(p, m->key_line[K_FEED], "feed: %s", why);
        else if (s->site_url && (why = url_problem(s->site_url, 0)) != NULL)
            fail(p, m->key_line[K_SITE], "site: %s", why);
        else if (config_source_validate(s, why2, sizeof(why2)) != ALM_OK)
            fail(p, m->line, "source \"%s\": %s", s->slug, why2);
    }
}

/* An alert has one target; e-mail needs [smtp]; STARTTLS may be optional
 * only on loopback. */
static void
check_alerts(struct parse *p)
{
    const struct config *c = p->c;
    const struct smtp_conf *m = &c->smtp;
    int mail = 0;

    for (size_t i = 0; i < c->nalerts && p->errline == 0; i++) {
        const struct alert_rule *a = &c->alerts[i];
        const struct src_meta *am = &p->ameta[i];
        const char *why;

        if ((a->webhook == NULL) == (a->email == NULL))
            fail(p, am->line, "alert \"%s\": give one target, webhook = URL or email = ADDRESS",
                 a->name);
        else if (a->webhook && (why = url_problem(a->webhook, 0)) != NULL)
            fail(p, am->key_line[K_WEBHOOK], "webhook: %s", why);
        else if (a->secret_env && a->webhook == NULL)
            fail(p, am->key_line[K_SECRET_ENV], "secret_env is for webhooks");
        mail |= a->email != NULL;
    }
    if (p->errline != 0)
        return;
    if (p->smtp_header != 0 && (m->url == NULL || m->from == NULL))
        fail(p, p->smtp_header, "[smtp] needs url and from");
    else if (mail && p->smtp_header == 0 && !p->fragment)
        fail(p, 0, "an alert sends e-mail but there is no [smtp] section");
    else if (m->password_env && m->user == NULL)
        fail(p, p->smtp_line[K_SMTP_PASSWORD_ENV], "password_env needs user");
    else if (m->starttls_optional && (!config_url_is_loopback(m->url) ||
                                      has_prefix_ci(m->url, "smtps://")))
        fail(p, p->smtp_line[K_SMTP_STARTTLS], "starttls = optional is only for a "
             "loopback smtp:// url (localhost, 127.0.0.1, ::1)");
}

/* [llm] needs endpoint and model; a key goes only over https or loopback. */
static void
check_llm(struct parse *p)
{
    const struct llm_conf *m = &p->c->llm;

    if (p->llm_header == 0)
        return;
    if (m->endpoint == NULL || m->model == NULL)
        fail(p, p->llm_header, "[llm] needs endpoint and model");
    else if (m->key_env && !has_prefix_ci(m->endpoint, "https://") && !m->local &&
             !config_url_is_loopback(m->endpoint))
        fail(p, p->llm_line[K_LLM_KEY_ENV], "key_env: the key would cross the network in "
             "the clear: use an https:// endpoint (or local = yes on a private network)");
}

static int
read_file(const char *path, char **data, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL) {
        err_set(err, errlen, "%s: cannot open: %s", path, strerror(errno));
        return ALM_ECONFIG;
    }
    buf = xmalloc(CONFIG_FILE_MAX + 1);
    n = fread(buf, 1, CONFIG_FILE_MAX + 1, f);
    if (ferror(f)) {
        err_set(err, errlen, "%s: cannot read: %s", path, strerror(errno));
        fclose(f);
        free(buf);
        return ALM_ECONFIG;
    }
    fclose(f);
    if (n > CONFIG_FILE_MAX) {
        err_set(err, errlen, "%s: larger than %zu bytes", path, CONFIG_FILE_MAX);
        free(buf);
        return ALM_ECONFIG;
    }
    *data = buf;
    *len = n;
    return ALM_OK;
}

/* The directory snapshot paths are relative to; see struct config. */
static char *
base_dir(const char *path)
{
    char *abs = realpath(path, NULL);
    char *copy, *dir, *out;

    if (abs == NULL)
        return NULL;
    copy = xstrdup(abs);
    dir = dirname(copy);
    if (strcmp(dir, "/") != 0) {
        char *copy2 = xstrdup(dir);
        char *last = basename(copy2);

        if (strcmp(last, "etc") == 0) {
            char *copy3 = xstrdup(dir);
            out = xstrdup(dirname(copy3));
            free(copy3);
        } else {
            out = xstrdup(dir);
        }
        free(copy2);
    } else {
        out = xstrdup(dir);
    }
    free(copy);
    free(abs);
    return out;
}

static int parse_all(struct parse *p);

int
config_load(const char *path, struct config **out, char *err, size_t errlen)
{
    struct parse p;
    struct config *c;
    char *data = NULL;
    size_t len = 0;

    if (path == NULL || out == NULL) {
        err_set(err, errlen, "no configuration file given");
        return ALM_ECONFIG;
    }
    if (read_file(path, &data, &len, err, errlen) != ALM_OK)
        return ALM_ECONFIG;

    c = xcalloc(1, sizeof(*c));
    c->path = xstrdup(path);
    c->database = xstrdup("almanac.db");
    c->user_agent = xstrdup("Almanac/0.1 (+https://github.com/almanac-news/almanac; "
                            "self-hosted AI news almanac)");
    c->concurrency = 8;
    c->per_host = 2;
    c->timeout = 30;
    c->max_bytes = 16LL << 20;
    c->interval = 3600;
    c->article_budget = 10;
    c->article_max_bytes = 4LL << 20;
    c->article_timeout = 20;
    c->feed_scores = 1;
    c->llm.timeout = 60;
    c->llm.rate = 30;
    c->llm.per_run = 100;
    c->llm.failures = 3;
    c->llm.cooldown = 600;

    memset(&p, 0, sizeof(p));
    p.path = path;
    p.data = data;
    p.len = len;
    p.c = c;
    parse_all(&p);
    if (p.errline == 0) {
        c->dir = base_dir(path);
        if (c->dir == NULL)
            fail(&p, 0, "cannot resolve the path: %s", strerror(errno));
    }
    free(data);
    free(p.meta);
    free(p.ameta);
    if (p.errline != 0 || p.msg[0] != '\0') {
        if (p.errline > 0)
            err_set(err, errlen, "%s:%d: %s", path, p.errline, p.msg);
        else
            err_set(err, errlen, "%s: %s", path, p.msg);
        config_free(c);
        return ALM_ECONFIG;
    }
    *out = c;
    return ALM_OK;
}

int
config_parse_fragment(const char *text, size_t len, struct config **out, char *err,
                      size_t errlen)
{
    struct parse p;
    struct config *c;

    if (text == NULL || out == NULL) {
        err_set(err, errlen, "no text given");
        return ALM_ECONFIG;
    }
    c = xcalloc(1, sizeof(*c));
    memset(&p, 0, sizeof(p));
    p.path = "(fragment)";
    p.data = text;
    p.len = len;
    p.c = c;
    p.fragment = 1;
    parse_all(&p);
    free(p.meta);
    free(p.ameta);
    if (p.errline != 0 || p.msg[0] != '\0') {
        err_set(err, errlen, "%s", p.msg);
        config_free(c);
        return ALM_ECONFIG;
    }
    *out = c;
    return ALM_OK;
}

struct config *
config_merge(const struct config *file, const struct config *extra)
{
    struct config *v = xcalloc(1, sizeof(*v));
    size_t ns = 0, na = 0;

    *v = *file;
    v->view = 1;
    v->nfile_sources = file->nsources;
    v->nfile_alerts = file->nalerts;
    v->sources = xcalloc(file->nsources + (extra ? extra->nsources : 0) + 1,
                         sizeof(*v->sources));
    v->alerts = xcalloc(file->nalerts + (extra ? extra->nalerts : 0) + 1, sizeof(*v->alerts));
    for (size_t i = 0; i < file->nsources; i++)
        v->sources[ns++] = file->sources[i];
    for (size_t i = 0; i < file->nalerts; i++)
        v->alerts[na++] = file->alerts[i];
    /* the file's sections are authoritative for their names */
    for (size_t i = 0; extra && i < extra->nsources; i++)
        if (config_find(file, extra->sources[i].slug) == NULL)
            v->sources[ns++] = extra->sources[i];
    for (size_t i = 0; extra && i < extra->nalerts; i++)
        if (config_find_alert(file, extra->alerts[i].name) == NULL)
            v->alerts[na++] = extra->alerts[i];
    v->nsources = ns;
    v->nalerts = na;
    return v;
}

/* Reads p->data (inih through conf_reader) and checks what the sections
 * need whole; the first problem is in p->errline and p->msg. */
static int
parse_all(struct parse *p)
{
    int rc = ini_parse_stream(conf_reader, p, conf_handler, p);

    if (rc > 0 && (p->errline == 0 || rc < p->errline)) {
        p->errline = 0;
        fail(p, rc, "syntax error (expected [section], name = value or a comment)");
    } else if (rc < 0 && p->errline == 0) {
        fail(p, p->lineno, "libinih failed (%d)", rc);
    }
    if (p->errline == 0)
        check_sources(p);
    if (p->errline == 0)
        check_alerts(p);
    if (p->errline == 0)
        check_llm(p);
    return p->errline == 0 && p->msg[0] == '\0' ? ALM_OK : ALM_ECONFIG;
}
/* Writes all of text to fd and syncs it; ALM_EIO with errno set. */
static int
write_all(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return ALM_EIO;
        text += n;
        len -= (size_t)n;
    }
    return fsync(fd) == 0 ? ALM_OK : ALM_EIO;
}

/* A new file beside target holding text, with target's mode and owner;
 * its path, or NULL with the reason in err. */
static char *
write_temp(const char *target, const struct stat *st, const char *text, size_t len, char *err,
           size_t errlen)
{
    char *copy = xstrdup(target), *copy2 = xstrdup(target);
    size_t n = strlen(target) + 16;
    char *tmp = xmalloc(n);
    int fd, rc;

    snprintf(tmp, n, "%s/.%s.XXXXXX", dirname(copy), basename(copy2));
    free(copy);
    free(copy2);
    fd = mkstemp(tmp);
    if (fd < 0) {
        err_set(err, errlen, "%s: cannot create a file beside it: %s", target, strerror(errno));
        free(tmp);
        return NULL;
    }
    /* mkstemp gives 0600; the configuration keeps its mode and, when we
     * may, its owner */
    rc = fchmod(fd, st->st_mode & 07777) == 0 ? write_all(fd, text, len) : ALM_EIO;
    if (fchown(fd, st->st_uid, st->st_gid) != 0 && errno != EPERM)
        rc = ALM_EIO;
    if (close(fd) != 0)
        rc = ALM_EIO;
    if (rc != ALM_OK) {
        err_set(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
        unlink(tmp);
        free(tmp);
        return NULL;
    }
    return tmp;
}

/* Makes a rename in the directory of target durable (best effort). */
static void
sync_dir(const char *target)
{
    char *copy = xstrdup(target);
    int fd = open(dirname(copy), O_RDONLY | O_DIRECTORY);

    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
    free(copy);
}

int
config_replace(const char *path, const char *text, size_t len,
               int (*check)(const struct config *c, void *arg, char *err, size_t errlen),
               void *arg, struct config **out, char *err, size_t errlen)
{
    char *target = path ? realpath(path, NULL) : NULL, *tmp;
    struct config *c = NULL;
    struct stat st;
    int rc;

    if (target == NULL || stat(target, &st) != 0) {
        err_set(err, errlen, "%s: %s", path ? path : "(none)", strerror(errno));
        free(target);
        return ALM_EIO;
    }
    tmp = write_temp(target, &st, text, len, err, errlen);
    if (tmp == NULL) {
        free(target);
        return ALM_EIO;
    }
    rc = config_load(tmp, &c, err, errlen);
    if (rc == ALM_OK && check != NULL)
        rc = check(c, arg, err, errlen) == ALM_OK ? ALM_OK : ALM_ECONFIG;
    if (rc == ALM_OK && rename(tmp, target) != 0) {
        err_set(err, errlen, "%s: cannot replace: %s", target, strerror(errno));
        rc = ALM_EIO;
    }
    if (rc == ALM_OK) {
        sync_dir(target);
        free(c->path);
        c->path = xstrdup(path);
    } else {
        unlink(tmp);
    }
    if (rc == ALM_OK && out != NULL)
        *out = c;
    else
        config_free(c);
    free(tmp);
    free(target);
    return rc;
}

static void
source_fini(struct source *s)
{
    free(s->slug);
    free(s->name);
    free(s->author);
    free(s->feed_url);
    free(s->site_url);
    free(s->kind);
    for (size_t i = 0; i < s->nsnapshots; i++)
        free(s->snapshots[i]);
    free(s->snapshots);
}

void
config_free(struct config *c)
{
    if (c == NULL)
        return;
    if (c->view) { /* config_merge: its arrays only */
        free(c->sources);
        free(c->alerts);
        free(c);
        return;
    }
    for (size_t i = 0; i < c->nsources; i++)
        source_fini(&c->sources[i]);
    free(c->sources);
    for (size_t i = 0; i < c->nalerts; i++) {
        struct alert_rule *a = &c->alerts[i];
        free(a->name);
        free(a->guide);
        free(a->entity);
        free(a->source);
        free(a->kind);
        free(a->webhook);
        free(a->secret_env);
        free(a->email);
    }
    free(c->alerts);
    free(c->smtp.url);
    free(c->smtp.from);
    free(c->smtp.user);
    free(c->smtp.password_env);
    free(c->smtp.ca_file);
    free(c->llm.endpoint);
    free(c->llm.model);
    free(c->llm.key_env);
    free(c->path);
    free(c->dir);
    free(c->database);
    free(c->user_agent);
    free(c->token);
    free(c);
}

const struct source *
config_find(const struct config *c, const char *slug)
{
    if (c == NULL || slug == NULL)
        return NULL;
    for (size_t i = 0; i < c->nsources; i++)
        if (strcmp(c->sources[i].slug, slug) == 0)
            return &c->sources[i];
    return NULL;
}

const struct alert_rule *
config_find_alert(const struct config *c, const char *name)
{
    if (c == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < c->nalerts; i++)
        if (strcmp(c->alerts[i].name, name) == 0)
            return &c->alerts[i];
    return NULL;
}

char *
config_snapshot_path(const struct config *c, const char *snapshot)
{
    const char *dir;
    size_t dlen, slen;
    char *out;

    if (snapshot[0] == '/' || c == NULL || c->dir == NULL)
        return xstrdup(snapshot);
    dir = c->dir;
    dlen = strlen(dir);
    if (dlen > 0 && dir[dlen - 1] == '/')
        dlen--;
    slen = strlen(snapshot);
    out = xmalloc(dlen + 1 + slen + 1);
    memcpy(out, dir, dlen);
    out[dlen] = '/';
    memcpy(out + dlen + 1, snapshot, slen + 1);
    return out;
}
