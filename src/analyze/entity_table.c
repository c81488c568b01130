/*
 * entity_table.c - the dictionary's entries with their slugs and written
 * descriptions, for the store's entities table (entity_table.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/entity_table.h"
#include "base/err.h"
#include "base/url.h"
#include "base/xalloc.h"
#include "store/store_analyze.h"

#define SLUG_MAX 60

struct entry {
    char *slug, *name, *kind, *description;
    char **aliases;          /* the dictionary's '|'-separated field, split */
    size_t naliases;
    int salience, rank;
};

struct entity_table {
    struct entry *v;
    size_t n, cap;
};

static void
chomp(char *s)
{
    size_t n = strlen(s);

    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r'))
        s[--n] = '\0';
}

/* Splits line at tabs into at most max fields; returns how many. */
static int
split_tabs(char *line, char **f, int max)
{
    int n = 0;

    f[n++] = line;
    for (char *p = line; *p && n < max; p++)
        if (*p == '\t') {
            *p = '\0';
            f[n++] = p + 1;
        }
    return n;
}

static int
slug_taken(const struct entity_table *t, const char *slug)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->v[i].slug, slug) == 0)
            return 1;
    return 0;
}

static int
read_dictionary(struct entity_table *t, const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    char line[4096];
    int lineno = 0;

    if (fp == NULL) {
        snprintf(err, errlen, "%s: cannot read", path);
        return ALM_EIO;
    }
    while (fgets(line, sizeof(line), fp)) {
        char *f[4];
        int nf;
        lineno++;
        chomp(line);
        if (line[0] == '#' || line[0] == '\0')
            continue;
        nf = split_tabs(line, f, 4);
        if (nf < 2 || f[0][0] == '\0') {
            snprintf(err, errlen, "%s:%d: expected name, kind, aliases, salience", path, lineno);
            fclose(fp);
            return ALM_EINVAL;
        }
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 1024;
            t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
        }
        struct entry *e = &t->v[t->n];
        char *slug = url_slugify(f[0], SLUG_MAX);
        if (slug[0] == '\0' || slug_taken(t, slug)) {
            char alt[SLUG_MAX + 16];
            for (int k = 2;; k++) {
                snprintf(alt, sizeof(alt), "%s%s%d", slug, slug[0] ? "-" : "entity-", k);
                if (!slug_taken(t, alt))
                    break;
            }
            free(slug);
            slug = xstrdup(alt);
        }
        *e = (struct entry){
            .slug = slug,
            .name = xstrdup(f[0]),
            .kind = xstrdup(f[1]),

            .salience = nf > 3 ? atoi(f[3]) : 1,
            .rank = (int)t->n,
        };
        for (const char *a = nf > 2 ? f[2] : ""; *a;) {
            const char *bar = strchr(a, '|');
            size_t n = bar ? (size_t)(bar - a) : strlen(a);
            e->aliases = xrealloc(e->aliases, (e->naliases + 1) * sizeof(*e->aliases));
            e->aliases[e->naliases++] = xstrndup(a, n);
            a += n + (bar != NULL);
        }
        t->n++;
    }
    fclose(fp);
    return ALM_OK;
}

/* The written descriptions: optional, and a name the dictionary does not
 * have is an error (a description for nobody is a typo). */
static int
read_descriptions(struct entity_table *t, const char *path, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    char line[4096];
    int lineno = 0;

    if (fp == NULL)
        return ALM_OK;
    while (fgets(line, sizeof(line), fp)) {
        char *f[2];
        size_t i;
        lineno++;
        chomp(line);
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (split_tabs(line, f, 2) != 2 || f[1][0] == '\0') {
            snprintf(err, errlen, "%s:%d: expected name<TAB>description", path, lineno);
            fclose(fp);
            return ALM_EINVAL;
        }
        for (i = 0; i < t->n && strcmp(t->v[i].name, f[0]) != 0; i++)
            ;
        if (i == t->n) {
            snprintf(err, errlen, "%s:%d: '%s' is not in the dictionary", path, lineno, f[0]);
            fclose(fp);
            return ALM_EINVAL;
        }
        free(t->v[i].description);
        t->v[i].description = xstrdup(f[1]);
    }
    fclose(fp);
    return ALM_OK;
}

int
entity_table_load(const char *root, struct entity_table **out, char *err, size_t errlen)
{
    struct entity_table *t = xcalloc(1, sizeof(*t));
    char path[4096];
    int rc;

    snprintf(path, sizeof(path), "%s/data/entities.tsv", root);
    rc = read_dictionary(t, path, err, errlen);
    if (rc == ALM_OK) {
        snprintf(path, sizeof(path), "%s/data/entity-descriptions.tsv", root);
        rc = read_descriptions(t, path, err, errlen);
    }
    if (rc != ALM_OK) {
        entity_table_free(t);
        return rc;
    }
    *out = t;
    return ALM_OK;
}

void
entity_table_free(struct entity_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++) {
        free(t->v[i].slug);
        free(t->v[i].name);
        free(t->v[i].kind);
        for (size_t k = 0; k < t->v[i].naliases; k++)
            free(t->v[i].aliases[k]);
        free(t->v[i].aliases);
        free(t->v[i].description);
    }
    free(t->v);
    free(t);
}

size_t
entity_table_count(const struct entity_table *t)
{
    return t ? t->n : 0;
}

const char *
entity_table_slug(const struct entity_table *t, size_t i)
{
    return i < t->n ? t->v[i].slug : NULL;
}

const char *
entity_table_name(const struct entity_table *t, size_t i)
{
    return i < t->n ? t->v[i].name : NULL;
}

const char *
entity_table_description(const struct entity_table *t, size_t i)
{
    return i < t->n ? t->v[i].description : NULL;
}

int
entity_table_put(const struct entity_table *t, struct store *st)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct entry *e = &t->v[i];
        int rc = store_put_entity(st, e->slug, e->name, e->kind,
                                  (const char *const *)e->aliases, e->naliases, e->salience,
                                  e->description, e->rank);
        if (rc != ALM_OK)
            return rc;
    }
    return ALM_OK;
}
