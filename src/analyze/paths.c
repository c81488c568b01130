/*
 * paths.c - data/learning-paths.txt into the store (paths.h).
 *
 *     path: SLUG
 *     title: ...
 *     level: beginner | intermediate | advanced
 *     summary: ...
 *     step: guide SLUG | why
 *     step: entity SLUG | why
 *
 * '#' lines and blank lines are skipped. A step is kept as the line
 * "guide|SLUG|why" in the path's steps; whether the guide or entity exists
 * is the page's business (a step whose page is gone is shown as such).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/paths.h"
#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "store/store_analyze.h"

struct path {
    char *slug, *title, *level, *summary;
    struct path_step *steps;
    int nsteps, capsteps;
};

struct path_set {
    struct path *v;
    size_t n, cap;
};

static int
valid_slug(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return 0;
    return 1;
}

static char *
trim(char *s)
{
    size_t n;

    while (*s == ' ' || *s == '\t')
        s++;
    n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' ||
                     s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

/* A finished path must have its fields and enough steps. */
static int
check_path(const struct path *p, const char *path, int lineno, char *err, size_t errlen)
{
    if (p->title == NULL || p->level == NULL || p->summary == NULL) {
        err_set(err, errlen, "%s:%d: path '%s' needs a title, a level and a summary", path,
                lineno, p->slug);
        return ALM_EINVAL;
    }
    if (p->nsteps < PATHS_MIN_STEPS) {
        err_set(err, errlen, "%s:%d: path '%s' has %d steps (at least %d)", path, lineno,
                p->slug, p->nsteps, PATHS_MIN_STEPS);
        return ALM_EINVAL;
    }
    return ALM_OK;
}

static int
parse_step(struct path *p, char *v, const char *path, int lineno, char *err, size_t errlen)
{
    char *bar = strchr(v, '|'), *sp, *why, *kind = v, *slug;

    if (bar == NULL)
        goto bad;
    *bar = '\0';
    why = trim(bar + 1);
    kind = trim(kind);
    sp = strchr(kind, ' ');
    if (sp == NULL)
        goto bad;
    *sp = '\0';
    slug = trim(sp + 1);
    if ((strcmp(kind, "guide") != 0 && strcmp(kind, "entity") != 0) ||
        !valid_slug(slug, strlen(slug)) || *why == '\0' || strchr(why, '\n'))
        goto bad;
    if (p->nsteps == p->capsteps) {
        p->capsteps = p->capsteps ? p->capsteps * 2 : 8;
        p->steps = xrealloc(p->steps, (size_t)p->capsteps * sizeof(*p->steps));
    }
    p->steps[p->nsteps++] = (struct path_step){ xstrdup(kind), xstrdup(slug), xstrdup(why) };
    return ALM_OK;
bad:
    err_set(err, errlen, "%s:%d: a step is 'step: guide SLUG | why' or 'step: entity SLUG |"
                         " why'", path, lineno);
    return ALM_EINVAL;
}

static void
path_fini(struct path *p)
{
    free(p->slug);
    free(p->title);
    free(p->level);
    free(p->summary);
    for (int i = 0; i < p->nsteps; i++) {
        free(p->steps[i].kind);
        free(p->steps[i].slug);
        free(p->steps[i].why);
    }
    free(p->steps);
}

int
paths_load(const char *root, struct path_set **out, char *err, size_t errlen)
{
    struct path_set *s = xcalloc(1, sizeof(*s));
    char path[4096], line[4096];
    struct path *cur = NULL;
    int lineno = 0, rc = ALM_OK;
    FILE *fp;

    snprintf(path, sizeof(path), "%s/data/learning-paths.txt", root);
    if ((fp = fopen(path, "r")) == NULL) {
        *out = s;
        return ALM_OK;
    }
    while (rc == ALM_OK && fgets(line, sizeof(line), fp)) {
        char *l = trim(line), *colon, *v;
        lineno++;
        if (*l == '\0' || *l == '#')
            continue;
        if ((colon = strchr(l, ':')) == NULL) {
            err_set(err, errlen, "%s:%d: expected 'key: value'", path, lineno);
            rc = ALM_EINVAL;
            break;
        }
        *colon = '\0';
        v = trim(colon + 1);
        if (strcmp(l, "path") == 0) {
            if (cur && (rc = check_path(cur, path, lineno, err, errlen)) != ALM_OK)
                break;
            if (!valid_slug(v, strlen(v))) {
                err_set(err, errlen, "%s:%d: a path's slug is 1 to 64 of [a-z0-9-]", path,
                        lineno);
                rc = ALM_EINVAL;
                break;
            }
            for (size_t i = 0; i < s->n; i++)
                if (strcmp(s->v[i].slug, v) == 0) {
                    err_set(err, errlen, "%s:%d: path '%s' twice", path, lineno, v);
                    rc = ALM_EINVAL;
                }
            if (rc != ALM_OK)
                break;
            if (s->n == s->cap) {
                s->cap = s->cap ? s->cap * 2 : 8;
                s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
            }
            cur = &s->v[s->n++];
            memset(cur, 0, sizeof(*cur));
            cur->slug = xstrdup(v);
        } else if (cur == NULL) {
            err_set(err, errlen, "%s:%d: '%s' before the first 'path:'", path, lineno, l);
            rc = ALM_EINVAL;
        } else if (strcmp(l, "title") == 0 && *v && cur->title == NULL) {
            cur->title = xstrdup(v);
        } else if (strcmp(l, "level") == 0 && cur->level == NULL &&
                   (strcmp(v, "beginner") == 0 || strcmp(v, "intermediate") == 0 ||
                    strcmp(v, "advanced") == 0)) {
            cur->level = xstrdup(v);
        } else if (strcmp(l, "summary") == 0 && *v && cur->summary == NULL) {
            cur->summary = xstrdup(v);
        } else if (strcmp(l, "step") == 0) {
            rc = parse_step(cur, v, path, lineno, err, errlen);
        } else {
            err_set(err, errlen, "%s:%d: unknown, repeated or empty '%s' (title, level:"
                                 " beginner|intermediate|advanced, summary, step)",
                    path, lineno, l);
            rc = ALM_EINVAL;
        }
    }
    fclose(fp);
    if (rc == ALM_OK && cur)
        rc = check_path(cur, path, lineno, err, errlen);
    if (rc != ALM_OK) {
        paths_free(s);
        return rc;
    }
    *out = s;
    return ALM_OK;
}

void
paths_free(struct path_set *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        path_fini(&s->v[i]);
    free(s->v);
    free(s);
}

size_t
paths_count(const struct path_set *s)
{
    return s ? s->n : 0;
}

int
paths_put(const struct path_set *s, struct store *st)
{
    int rc = store_clear_paths(st);

    for (size_t i = 0; rc == ALM_OK && i < s->n; i++) {
        const struct path *p = &s->v[i];
        rc = store_put_path(st, p->slug, p->title, p->level, p->summary, p->steps,
                            (size_t)p->nsteps, (int)i);
    }
    return rc;
}
