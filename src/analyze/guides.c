#include "analyze/guides.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <utf8proc.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"

#define MAX_SLUG 64
#define MAX_PHRASE_WORDS 16   /* longer keywords or names are never matched */
#define MAX_OCCURRENCES 8192  /* per list; a text past this adds nothing new */
#define COS_FULL 0.25         /* the cosine at which S reaches 1 */

/* A keyword (hash of its stems) or an entity name (hash of its folded words). */
struct phrase {
    uint64_t h;
    uint32_t nwords;
    uint32_t id;              /* index into the flat keyword or entity list */
    int acronym;              /* a name like "AMD": matches only an all-caps word */
};

/* Where a phrase stood in a text, in words. */
struct occ {
    uint32_t pos, nwords, id;
};

struct occs {
    struct occ *v;
    size_t n, cap;
};

struct guide_set {
    struct guide *v;
    size_t n;
    size_t ntopic;            /* guides that are not threads (the IDF's N) */
    struct termvec *vec;      /* one per guide */
    uint64_t *vocab;          /* sorted terms of all guides ... */
    uint32_t *df;             /* ... and how many guides have each */
    size_t nvocab;
    /* every guide's keywords and entities in one list, guide by guide */
    size_t nkw, nent;
    size_t *kw_first, *ent_first;   /* guide i owns [first[i], first[i + 1]) */
    size_t *kw_guide;
    unsigned char *kw_dup;    /* same words as an earlier keyword of its guide */
    unsigned char *kw_weak, *ent_weak;  /* named in the guide's "weak" list */
    char **ent_key;           /* folded words: "U.S. Commerce" -> "u s commerce" */
    unsigned char *ent_dup;
    struct phrase *kp, *ep;   /* sorted */
    size_t nkp, nep;
    uint32_t kw_maxwords, ent_maxwords;
};

/* ---- helpers ---- */

static int
cmp_phrase(const void *a, const void *b)
{
    const struct phrase *x = a, *y = b;

    if (x->h != y->h)
        return x->h < y->h ? -1 : 1;
    return x->nwords < y->nwords ? -1 : x->nwords > y->nwords;
}

/* The folded words of s joined by single spaces. */
static char *
fold_key(const char *s)
{
    struct tokens t = { 0 };
    struct buf b = BUF_INIT(1 << 16);
    char *r;

    text_tokenize(s, strlen(s), &t);
    for (size_t i = 0; i < t.n; i++) {
        if (i)
            buf_putc(&b, ' ');
        buf_puts(&b, tok_str(&t, i));
    }
    tokens_fini(&t);
    r = buf_take(&b);
    return r ? r : xstrdup("");
}

/* Does key hold part as whole words ("meta" in "meta ai", not in "metas")? */
static int
key_contains(const char *key, const char *part)
{
    size_t n = strlen(part);

    if (n == 0)
        return 0;
    for (const char *p = key; (p = strstr(p, part)) != NULL; p++)
        if ((p == key || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
            return 1;
    return 0;
}

#define PHRASE_SEED 0xcbf29ce484222325ULL

/* The hash of a word sequence, one word hash at a time. */
static uint64_t
phrase_step(uint64_t h, uint64_t word)
{
    return (h ^ word) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
}

/* The tokens of a text with, for each, the hash of its folded word and of its stem. */
struct words {
    struct tokens t;
    uint64_t *fold, *stem;
};

static void
words_make(struct words *w, struct stemmer *st, const char *s, size_t n)
{
    memset(w, 0, sizeof(*w));
    text_tokenize(s, n, &w->t);
    w->fold = xmalloc((w->t.n ? w->t.n : 1) * sizeof(*w->fold));
    w->stem = xmalloc((w->t.n ? w->t.n : 1) * sizeof(*w->stem));
    for (size_t i = 0; i < w->t.n; i++) {
        size_t sl;
        const char *stem = stemmer_stem(st, tok_str(&w->t, i), w->t.v[i].len, &sl);
        w->stem[i] = text_hash(stem, sl, 0);
        w->fold[i] = text_hash(tok_str(&w->t, i), w->t.v[i].len, 0);
    }
}

static void
words_free(struct words *w)
{
    tokens_fini(&w->t);
    free(w->fold);
    free(w->stem);
}

static uint64_t
phrase_hash(const uint64_t *h, size_t n)
{
    uint64_t r = PHRASE_SEED;

    for (size_t i = 0; i < n; i++)
        r = phrase_step(r, h[i]);
    return r;
}

/* Sorted, de-duplicated terms with TF weights 1 + ln(count); takes terms. */
static void
vec_from_terms(struct termvec *v, uint64_t *terms, size_t n)
{
    termvec_from_terms(v, terms, n);
    for (size_t i = 0; i < v->n; i++)
        v->w[i] = 1 + log(v->w[i]);
    v->norm = 0; /* weighed by vec_weigh */
}

/* ln(1 + N/df); a term no guide has counts as df 1. */
static double
idf_of(const struct guide_set *g, uint64_t h)
{
    const uint64_t *p = bsearch(&h, g->vocab, g->nvocab, sizeof(*g->vocab), text_cmp_u64);
    double df = p ? g->df[p - g->vocab] : 1;

    return log(1.0 + (double)g->ntopic / df);
}

static void
vec_weigh(const struct guide_set *g, struct termvec *v)
{
    for (size_t i = 0; i < v->n; i++)
        v->w[i] *= idf_of(g, v->h[i]);
    termvec_norm(v);
}

/* Appends the terms of s, times copies, to *v. */
static void
add_terms(struct stemmer *st, const char *s, int times, uint64_t **v, size_t *nv)
{
    uint64_t *t;
    size_t nt = text_terms(st, s, strlen(s), &t);

    *v = xrealloc(*v, (*nv + (size_t)times * nt + 1) * sizeof(**v));
    for (int k = 0; k < times; k++) {
        memcpy(*v + *nv, t, nt * sizeof(*t));
        *nv += nt;
    }
    free(t);
}

/* ---- loading ---- */

static void
guide_fini(struct guide *gd)
{
    free(gd->slug);
    free(gd->title);
    free(gd->summary);
    free(gd->body);
    for (size_t i = 0; i < gd->nentities; i++)
        free(gd->entities[i]);
    free(gd->entities);
    for (size_t i = 0; i < gd->nkeywords; i++)
        free(gd->keywords[i]);
    free(gd->keywords);
    for (size_t i = 0; i < gd->nweak; i++)
        free(gd->weak[i]);
    free(gd->weak);
    free(gd->path);
}

static char *
trim_dup(const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

/* "a, b, , c" into a list; empty items are left out. */
static void
list_split(const char *s, size_t n, char ***v, size_t *nv)
{
    *v = xcalloc(1, sizeof(**v));
    while (n > 0) {
        const char *c = memchr(s, ',', n);
        size_t k = c ? (size_t)(c - s) : n;
        char *item = trim_dup(s, k);
        if (item[0] != '\0') {
            *v = xrealloc(*v, (*nv + 1) * sizeof(**v));
            (*v)[(*nv)++] = item;
        } else {
            free(item);
        }
        if (c == NULL)
            break;
        s += k + 1;
        n -= k + 1;
    }
}

static size_t
line_of(const char *s, size_t off)
{
    size_t line = 1;

    for (size_t i = 0; i < off; i++)
        line += s[i] == '\n';
    return line;
}

/* ALM_OK, or ALM_EINVAL with the offset of the first bad UTF-8 byte or NUL. */
static int
check_utf8(const char *s, size_t n, size_t *bad)
{
    for (size_t i = 0; i < n;) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k;
        if ((unsigned char)s[i] < 0x80) {
            if (s[i] == '\0') {
                *bad = i;
                return ALM_EINVAL;
            }
            i++;
            continue;
        }
        k = utf8proc_iterate((const uint8_t *)s + i, (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0) {
            *bad = i;
            return ALM_EINVAL;
        }
        i += (size_t)k;
    }
    return ALM_OK;
}

static int
slug_ok(const char *s)
{
    size_t n = strlen(s);

    if (n == 0 || n > MAX_SLUG)
        return 0;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
            return 0;
    return 1;
}

/* Is s[0..n) the line "---" (a CR before the LF is forgiven)? */
static int
is_fence(const char *s, size_t n)
{
    if (n > 0 && s[n - 1] == '\r')
        n--;
    return n == 3 && memcmp(s, "---", 3) == 0;
}

/*
 * Parses one file (guides/README.md has the format). name is the path for
 * messages, base the file name without ".md". On error writes err and
 * returns ALM_EINVAL; gd may hold some fields then.
 */
/* Is s one of the n items of v, ignoring ASCII case? */
static int
listed(const char *s, char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = 0;
        while (s[j] != '\0' && tolower((unsigned char)s[j]) == tolower((unsigned char)v[i][j]))
            j++;
        if (s[j] == '\0' && v[i][j] == '\0')
            return 1;
    }
    return 0;
}

static int
parse_guide(const char *name, const char *base, const char *s, size_t n, struct guide *gd,
            size_t *slug_line, char *err, size_t errlen)
{
    size_t weak_line = 0;
    static const char *const keys[] = { "slug", "title", "summary", "entities", "keywords",
                                         "weak", "kind" };
    size_t i = 0, line = 1, bad;
    int closed = 0, seen[LEN(keys)] = { 0 };

    gd->kind = "topic";
    if (check_utf8(s, n, &bad) != ALM_OK) {
        err_set(err, errlen, "%s:%zu: not valid UTF-8 text", name, line_of(s, bad));
        return ALM_EINVAL;
    }
    if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
        i = 3;   /* a byte-order mark some editors add */
    {
        const char *nl = memchr(s + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - s) : n;
        if (!is_fence(s + i, e - i)) {
            err_set(err, errlen, "%s:1: the first line must be '---'", name);
            return ALM_EINVAL;
        }
        i = nl ? e + 1 : n;
    }
    while (i < n) {
        const char *p = s + i, *nl = memchr(p, '\n', n - i), *colon, *val;
        size_t len = nl ? (size_t)(nl - p) : n - i, klen, vlen, k;

        line++;
        i += len + (nl != NULL);
        if (is_fence(p, len)) {
            closed = 1;
            break;
        }
        colon = memchr(p, ':', len);
        klen = colon ? (size_t)(colon - p) : 0;
        for (k = 0; k < klen && (islower((unsigned char)p[k]) || p[k] == '_'); k++)
            ;
        if (colon == NULL || klen == 0 || k != klen) {
            err_set(err, errlen, "%s:%zu: expected 'key: value' (a lower-case key, a colon, "
                    "the value)", name, line);
            return ALM_EINVAL;
        }
        for (k = 0; k < LEN(keys); k++)
            if (strlen(keys[k]) == klen && memcmp(p, keys[k], klen) == 0)
                break;
        if (k == LEN(keys)) {
            err_set(err, errlen, "%s:%zu: unknown key '%.*s'", name, line, (int)klen, p);
            return ALM_EINVAL;
        }
        if (seen[k]) {
            err_set(err, errlen, "%s:%zu: '%s' is given twice", name, line, keys[k]);
            return ALM_EINVAL;
        }
        seen[k] = 1;
        val = colon + 1;
        vlen = len - klen - 1;
        switch (k) {
        case 0:
            gd->slug = trim_dup(val, vlen);
            *slug_line = line;
            if (!slug_ok(gd->slug)) {
                err_set(err, errlen, "%s:%zu: slug '%s' must be 1-%d characters of a-z, 0-9 "
                        "and '-'", name, line, gd->slug, MAX_SLUG);
                return ALM_EINVAL;
            }
            if (strcmp(gd->slug, base) != 0) {
                err_set(err, errlen, "%s:%zu: slug '%s' is not the file name '%s'", name, line,
                        gd->slug, base);
                return ALM_EINVAL;
            }
            break;
        case 1:
            gd->title = trim_dup(val, vlen);
            break;
        case 2:
            gd->summary = trim_dup(val, vlen);
            break;
        case 3:
            list_split(val, vlen, &gd->entities, &gd->nentities);
            break;
        case 4:
            list_split(val, vlen, &gd->keywords, &gd->nkeywords);
            break;
        case 5:
            list_split(val, vlen, &gd->weak, &gd->nweak);
            weak_line = line;
            break;
        default: {
            static const char *const kinds[] = { "topic", "lab", "thread" };
            char *kind = trim_dup(val, vlen);
            gd->kind = NULL;
            for (size_t j = 0; j < LEN(kinds); j++)
                if (strcmp(kind, kinds[j]) == 0)
                    gd->kind = kinds[j];
            free(kind);
            if (gd->kind == NULL) {
                err_set(err, errlen, "%s:%zu: kind must be 'topic', 'lab' or 'thread'", name,
                        line);
                return ALM_EINVAL;
            }
            gd->thread = strcmp(gd->kind, "thread") == 0;
            break;
        }
        }
    }
    if (!closed) {
        err_set(err, errlen, "%s:1: the front matter has no closing '---' line", name);
        return ALM_EINVAL;
    }
    for (size_t k = 0; k < 3; k++) {
        const char *v = k == 0 ? gd->slug : k == 1 ? gd->title : gd->summary;
        if (v == NULL || v[0] == '\0') {
            err_set(err, errlen, "%s:%zu: the front matter has no %s", name, line, keys[k]);
            return ALM_EINVAL;
        }
    }
    if (gd->entities == NULL)
        gd->entities = xcalloc(1, sizeof(*gd->entities));
    if (gd->keywords == NULL)
        gd->keywords = xcalloc(1, sizeof(*gd->keywords));
    if (gd->weak == NULL)
        gd->weak = xcalloc(1, sizeof(*gd->weak));
    for (size_t k = 0; k < gd->nweak; k++)
        if (!listed(gd->weak[k], gd->entities, gd->nentities) &&
            !listed(gd->weak[k], gd->keywords, gd->nkeywords)) {
            err_set(err, errlen, "%s:%zu: weak '%s' is not one of the guide's entities or "
                    "keywords", name, weak_line, gd->weak[k]);
            return ALM_EINVAL;
        }
    while (i < n && (s[i] == '\n' || s[i] == '\r'))
        i++;
    gd->body = xstrndup(s + i, n - i);
    return ALM_OK;
}

/* Reads path, at most GUIDES_MAX_FILE bytes, into *out (NUL-terminated). */
static int
read_file(const char *path, char **out, size_t *len, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    struct stat sb;
    char *data;
    size_t n;

    if (f == NULL) {
        err_set(err, errlen, "%s: %s", path, strerror(errno));
        return ALM_EIO;
    }
    if (fstat(fileno(f), &sb) == 0 && (uintmax_t)sb.st_size > GUIDES_MAX_FILE) {
        fclose(f);
        err_set(err, errlen, "%s: larger than %zu bytes", path, GUIDES_MAX_FILE);
        return ALM_ETOOBIG;
    }
    data = xmalloc(GUIDES_MAX_FILE + 2);
    n = fread(data, 1, GUIDES_MAX_FILE + 1, f);
    if (ferror(f)) {
        err_set(err, errlen, "%s: read error", path);
        fclose(f);
        free(data);
        return ALM_EIO;
    }
    fclose(f);
    if (n > GUIDES_MAX_FILE) {   /* it grew since fstat */
        err_set(err, errlen, "%s: larger than %zu bytes", path, GUIDES_MAX_FILE);
        free(data);
        return ALM_ETOOBIG;
    }
    data[n] = '\0';
    *out = data;
    *len = n;
    return ALM_OK;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
cmp_guide(const void *a, const void *b)
{
    return strcmp(((const struct guide *)a)->slug, ((const struct guide *)b)->slug);
}

/* The .md names in dir, sorted; README.md and hidden files left out. */
static int
list_dir(const char *dir, char ***out, size_t *nout, char *err, size_t errlen)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **v = NULL;
    size_t n = 0;

    if (d == NULL) {
        int missing = errno == ENOENT || errno == ENOTDIR;
        err_set(err, errlen, "%s: %s", dir, strerror(errno));
        return missing ? ALM_ENOTFOUND : ALM_EIO;
    }
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        if (e->d_name[0] == '.' || l <= 3 || strcmp(e->d_name + l - 3, ".md") != 0 ||
            strcmp(e->d_name, "README.md") == 0)
            continue;
        v = xrealloc(v, (n + 1) * sizeof(*v));
        v[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n > 1)
        qsort(v, n, sizeof(*v), cmp_str);
    *out = v;
    *nout = n;
    return ALM_OK;
}

/* Adds the phrase of word hashes h[0..n) to a table. */
static void
add_phrase(struct phrase **v, size_t *nv, const uint64_t *h, size_t n, uint32_t id, int acronym,
           uint32_t *maxwords)
{
    if (n == 0 || n > MAX_PHRASE_WORDS)
        return;
    *v = xrealloc(*v, (*nv + 1) * sizeof(**v));
    (*v)[*nv].h = phrase_hash(h, n);
    (*v)[*nv].nwords = (uint32_t)n;
    (*v)[*nv].id = id;
    (*v)[*nv].acronym = acronym;
    (*nv)++;
    if (n > *maxwords)
        *maxwords = (uint32_t)n;
}

/* A name of one word of two or more letters, all upper case: "AMD", "FAIR". */
static int
is_acronym(const char *s)
{
    size_t letters = 0;

    for (; *s; s++) {
        if (isupper((unsigned char)*s))
            letters++;
        else
            return 0;
    }
    return letters >= 2;
}

/* The TF-IDF vectors, vocabulary, keyword and name tables of a loaded set. */
static void
index_set(struct guide_set *g, struct stemmer *st)
{
    uint64_t *all = NULL;
    size_t nall = 0;

    g->vec = xcalloc(g->n ? g->n : 1, sizeof(*g->vec));
    g->kw_first = xcalloc(g->n + 1, sizeof(*g->kw_first));
    g->ent_first = xcalloc(g->n + 1, sizeof(*g->ent_first));
    for (size_t i = 0; i < g->n; i++) {
        const struct guide *gd = &g->v[i];
        uint64_t *t = NULL;
        size_t nt = 0;

        /* title and summary three times, entities and keywords twice, body once */
        add_terms(st, gd->title, 3, &t, &nt);
        add_terms(st, gd->summary, 3, &t, &nt);
        for (size_t k = 0; k < gd->nentities; k++)
            add_terms(st, gd->entities[k], 2, &t, &nt);
        for (size_t k = 0; k < gd->nkeywords; k++)
            add_terms(st, gd->keywords[k], 2, &t, &nt);
        add_terms(st, gd->body, 1, &t, &nt);
        vec_from_terms(&g->vec[i], t, nt);
        /* The IDF table is the topic guides': adding a thread guide leaves
         * every topic guide's similarity as it was. */
        if (!gd->thread) {
            all = xrealloc(all, (nall + g->vec[i].n + 1) * sizeof(*all));
            memcpy(all + nall, g->vec[i].h, g->vec[i].n * sizeof(*all));
            nall += g->vec[i].n;
            g->ntopic++;
        }
        g->kw_first[i] = g->nkw;
        g->ent_first[i] = g->nent;
        g->nkw += gd->nkeywords;
        g->nent += gd->nentities;
    }
    g->kw_first[g->n] = g->nkw;
    g->ent_first[g->n] = g->nent;

    /* document frequency: each guide's distinct terms were added once */
    if (nall > 1)
        qsort(all, nall, sizeof(*all), text_cmp_u64);
    g->vocab = xmalloc((nall ? nall : 1) * sizeof(*g->vocab));
    g->df = xmalloc((nall ? nall : 1) * sizeof(*g->df));
    for (size_t i = 0; i < nall; i++) {
        if (g->nvocab > 0 && g->vocab[g->nvocab - 1] == all[i]) {
            g->df[g->nvocab - 1]++;
            continue;
        }
        g->vocab[g->nvocab] = all[i];
        g->df[g->nvocab++] = 1;
    }
    free(all);
    for (size_t i = 0; i < g->n; i++)
        vec_weigh(g, &g->vec[i]);

    g->kw_guide = xcalloc(g->nkw ? g->nkw : 1, sizeof(*g->kw_guide));
    g->kw_dup = xcalloc(g->nkw ? g->nkw : 1, 1);
    g->kw_weak = xcalloc(g->nkw ? g->nkw : 1, 1);
    g->ent_weak = xcalloc(g->nent ? g->nent : 1, 1);
    g->ent_key = xcalloc(g->nent ? g->nent : 1, sizeof(*g->ent_key));
    g->ent_dup = xcalloc(g->nent ? g->nent : 1, 1);
    for (size_t i = 0; i < g->n; i++) {
        const struct guide *gd = &g->v[i];
        size_t kf = g->kw_first[i], ef = g->ent_first[i];

        for (size_t k = 0; k < gd->nkeywords; k++) {
            struct words w;
            size_t before = g->nkp;
            words_make(&w, st, gd->keywords[k], strlen(gd->keywords[k]));
            g->kw_guide[kf + k] = i;
            g->kw_weak[kf + k] = (unsigned char)listed(gd->keywords[k], gd->weak, gd->nweak);
            add_phrase(&g->kp, &g->nkp, w.stem, w.t.n, (uint32_t)(kf + k), 0, &g->kw_maxwords);
            /* "open weights" and "open-weight" are one keyword */
            for (size_t j = 0; j < before && g->nkp > before; j++)
                if (g->kp[j].id >= kf && cmp_phrase(&g->kp[j], &g->kp[before]) == 0)
                    g->kw_dup[kf + k] = 1;
            words_free(&w);
        }
        for (size_t k = 0; k < gd->nentities; k++) {
            struct words w;
            g->ent_key[ef + k] = fold_key(gd->entities[k]);
            g->ent_weak[ef + k] = (unsigned char)listed(gd->entities[k], gd->weak, gd->nweak);
            for (size_t j = ef; j < ef + k; j++)
                if (strcmp(g->ent_key[j], g->ent_key[ef + k]) == 0)
                    g->ent_dup[ef + k] = 1;
            words_make(&w, st, gd->entities[k], strlen(gd->entities[k]));
            add_phrase(&g->ep, &g->nep, w.fold, w.t.n, (uint32_t)(ef + k),
                       is_acronym(gd->entities[k]), &g->ent_maxwords);
            words_free(&w);
        }
    }
    if (g->nkp > 1)
        qsort(g->kp, g->nkp, sizeof(*g->kp), cmp_phrase);
    if (g->nep > 1)
        qsort(g->ep, g->nep, sizeof(*g->ep), cmp_phrase);
}

int
guides_load(const char *dir, struct guide_set **out, char *err, size_t errlen)
{
    struct guide_set *g = xcalloc(1, sizeof(*g));
    struct stemmer *st = NULL;
    size_t *slug_lines = NULL, nnames = 0;
    char **names = NULL;
    int rc;

    rc = list_dir(dir, &names, &nnames, err, errlen);
    if (rc != ALM_OK)
        goto out;
    g->v = xcalloc(nnames ? nnames : 1, sizeof(*g->v));
    slug_lines = xcalloc(nnames ? nnames : 1, sizeof(*slug_lines));
    for (size_t i = 0; i < nnames; i++) {
        struct buf path = BUF_INIT(8192);
        struct guide *gd = &g->v[g->n];
        char *data = NULL, *base;
        size_t len = 0;
        struct stat sb;

        if (buf_printf(&path, "%s/%s", dir, names[i]) != ALM_OK) {
            buf_fini(&path);
            err_set(err, errlen, "%s/%s: path too long", dir, names[i]);
            rc = ALM_EINVAL;
            goto out;
        }
        if (stat(path.data, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            buf_fini(&path);
            continue;   /* a directory or a dangling link named x.md */
        }
        rc = read_file(path.data, &data, &len, err, errlen);
        base = xstrndup(names[i], strlen(names[i]) - 3);
        if (rc == ALM_OK)
            rc = parse_guide(path.data, base, data, len, gd, &slug_lines[g->n], err, errlen);
        free(base);
        free(data);
        gd->path = buf_take(&path);
        g->n++;   /* counted even when it failed, so guides_free releases it */
        if (rc != ALM_OK)
            goto out;
        for (size_t k = 0; k + 1 < g->n; k++)
            if (strcmp(g->v[k].slug, gd->slug) == 0) {
                err_set(err, errlen, "%s:%zu: duplicate slug '%s' (also in %s)", gd->path,
                        slug_lines[g->n - 1], gd->slug, g->v[k].path);
                rc = ALM_EINVAL;
                goto out;
            }
    }
    if (g->n > 1)
        qsort(g->v, g->n, sizeof(*g->v), cmp_guide);
    st = stemmer_new();
    if (st == NULL) {
        err_set(err, errlen, "%s: no English stemmer", dir);
        rc = ALM_EINVAL;
        goto out;
    }
    index_set(g, st);
    rc = ALM_OK;
out:
    for (size_t i = 0; i < nnames; i++)
        free(names[i]);
    free(names);
    free(slug_lines);
    stemmer_free(st);
    if (rc != ALM_OK) {
        guides_free(g);
        return rc;
    }
    *out = g;
    return ALM_OK;
}

void
guides_free(struct guide_set *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->n; i++) {
        if (g->vec != NULL)
            termvec_fini(&g->vec[i]);
        guide_fini(&g->v[i]);
    }
    for (size_t i = 0; g->ent_key != NULL && i < g->nent; i++)
        free(g->ent_key[i]);
    free(g->v);
    free(g->vec);
    free(g->vocab);
    free(g->df);
    free(g->kw_first);
    free(g->ent_first);
    free(g->kw_guide);
    free(g->kw_dup);
    free(g->kw_weak);
    free(g->ent_weak);
    free(g->ent_key);
    free(g->ent_dup);
    free(g->kp);
    free(g->ep);
    free(g);
}

size_t
guides_count(const struct guide_set *g)
{
    return g ? g->n : 0;
}

const struct guide *
guides_get(const struct guide_set *g, size_t i)
{
    return g != NULL && i < g->n ? &g->v[i] : NULL;
}

size_t
guides_find(const struct guide_set *g, const char *slug)
{
    for (size_t i = 0; g != NULL && slug != NULL && i < g->n; i++)
        if (strcmp(g->v[i].slug, slug) == 0)
            return i;
    return (size_t)-1;
}

/* ---- matching ---- */

static void
occ_push(struct occs *o, uint32_t pos, uint32_t nwords, uint32_t id)
{
    if (o->n == MAX_OCCURRENCES)
        return;
    if (o->n == o->cap) {
        o->cap = o->cap ? o->cap * 2 : 64;
        o->v = xrealloc(o->v, o->cap * sizeof(*o->v));
    }
    o->v[o->n].pos = pos;
    o->v[o->n].nwords = nwords;
    o->v[o->n].id = id;
    o->n++;
}

/* Every place where a phrase of table v starts, found with the word hashes h. */
static void
find_phrases(const struct phrase *v, size_t nv, uint32_t maxwords, const struct words *w,
             const uint64_t *h, struct occs *out)
{
    if (nv == 0)
        return;
    for (size_t i = 0; i < w->t.n; i++) {
        uint64_t ph = PHRASE_SEED;
        for (size_t len = 1; len <= maxwords && i + len <= w->t.n; len++) {
            struct phrase key = { 0 };
            const struct phrase *p;
            ph = phrase_step(ph, h[i + len - 1]);
            key.h = ph;
            key.nwords = (uint32_t)len;
            p = bsearch(&key, v, nv, sizeof(*v), cmp_phrase);
            if (p == NULL)
                continue;
            /* one phrase may belong to several guides */
            while (p > v && cmp_phrase(p - 1, &key) == 0)
                p--;
            for (; p < v + nv && cmp_phrase(p, &key) == 0; p++)
                if (!p->acronym || (w->t.v[i].flags & TOK_ALLCAPS))
                    occ_push(out, (uint32_t)i, (uint32_t)len, p->id);
        }
    }
}

/* Does a longer keyword of the same guide cover keyword occurrence k? */
static int
covered(const struct guide_set *g, const struct occs *o, size_t k)
{
    const struct occ *a = &o->v[k];
    size_t guide = g->kw_guide[a->id];

    for (size_t j = k; j-- > 0 && o->v[j].pos + g->kw_maxwords > a->pos;) {
        const struct occ *b = &o->v[j];
        if (b->nwords > a->nwords && g->kw_guide[b->id] == guide &&
            b->pos + b->nwords >= a->pos + a->nwords)
            return 1;
    }
    for (size_t j = k + 1; j < o->n && o->v[j].pos == a->pos; j++)
        if (o->v[j].nwords > a->nwords && g->kw_guide[o->v[j].id] == guide)
            return 1;
    return 0;
}

/*
 * The keyword score of each keyword: 2 when it stands in the title, 1 when
 * only in the text, 0 when absent or only inside a longer keyword.
 */
static void
mark_keywords(const struct guide_set *g, const struct occs *o, unsigned char *found,
              unsigned char value)
{
    for (size_t k = 0; k < o->n; k++) {
        uint32_t id = o->v[k].id;
        if (found[id] < value && !covered(g, o, k))
            found[id] = value;
    }
}

/* Which of the event's entity names stands for guide entity key ("claude
 * opus 4 6" for "claude opus"): its index, or -1. */
static int
linked(const char *gkey, char *const *ekeys, size_t n)
{
    size_t gl = strlen(gkey);

    for (size_t i = 0; i < n; i++)
        if (strncmp(ekeys[i], gkey, gl) == 0 && (ekeys[i][gl] == '\0' || ekeys[i][gl] == ' '))
            return (int)i;
    return -1;
}

static int
cmp_hit(const void *a, const void *b)
{
    const struct guide_hit *x = a, *y = b;

    if (x->weight != y->weight)
        return x->weight > y->weight ? -1 : 1;
    return x->guide < y->guide ? -1 : x->guide > y->guide;
}

/* The best GUIDES_MAX_HITS topic guides of v[0..n), then the best
 * GUIDES_MAX_THREAD_HITS thread guides, or NULL when there are none; takes v. */
static size_t
best_hits(const struct guide_set *g, struct guide_hit *v, size_t n, struct guide_hit **out)
{
    size_t topics = 0, threads = 0;
    struct guide_hit *th;

    qsort(v, n, sizeof(*v), cmp_hit);
    th = xmalloc((n ? n : 1) * sizeof(*th));
    for (size_t i = 0; i < n; i++) {
        if (!g->v[v[i].guide].thread) {
            if (topics < GUIDES_MAX_HITS)
                v[topics++] = v[i];
        } else if (threads < GUIDES_MAX_THREAD_HITS) {
            th[threads++] = v[i];
        }
    }
    memcpy(v + topics, th, threads * sizeof(*th));
    free(th);
    n = topics + threads;
    if (n == 0) {
        free(v);
        v = NULL;
    }
    *out = v;
    return n;
}

size_t
guides_match(const struct guide_set *g, struct stemmer *st, const char *title,
             const char *text, const char *const *entity_names, const int *entity_in_title,
             size_t nentities, struct guide_hit **out)
{
    return guides_match_topics(g, st, title, text, entity_names, entity_in_title, nentities,
                               out, NULL, NULL);
}

size_t
guides_match_topics(const struct guide_set *g, struct stemmer *st, const char *title,
                    const char *text, const char *const *entity_names,
                    const int *entity_in_title, size_t nentities, struct guide_hit **out,
                    struct guide_hit **topics, size_t *ntopics)
{
    struct stemmer *own = NULL;
    struct words tw, xw;
    struct occs kt = { 0 }, kx = { 0 }, en = { 0 };
    unsigned char *kw_found, *ent_found;
    size_t ntitle_ents;
    char **ekeys;
    uint64_t *terms = NULL;
    size_t nterms = 0, nhits = 0, tn;
    struct termvec ev = { 0 };
    struct guide_hit *hits, *tops;
    size_t ntops = 0;

    *out = NULL;
    if (topics != NULL) {
        *topics = NULL;
        *ntopics = 0;
    }
    if (g == NULL || g->n == 0)
        return 0;
    if (st == NULL && (st = own = stemmer_new()) == NULL)
        return 0;
    if (entity_names == NULL)
        nentities = 0;
    title = title ? title : "";
    tn = text ? strnlen(text, GUIDES_SCAN_BYTES) : 0;

    words_make(&tw, st, title, strlen(title));
    words_make(&xw, st, text ? text : "", tn);
    find_phrases(g->kp, g->nkp, g->kw_maxwords, &tw, tw.stem, &kt);
    find_phrases(g->kp, g->nkp, g->kw_maxwords, &xw, xw.stem, &kx);
    find_phrases(g->ep, g->nep, g->ent_maxwords, &tw, tw.fold, &en);
    ntitle_ents = en.n; /* en.v[0..ntitle_ents) stand in the title */
    find_phrases(g->ep, g->nep, g->ent_maxwords, &xw, xw.fold, &en);

    kw_found = xcalloc(g->nkw ? g->nkw : 1, 1);
    mark_keywords(g, &kt, kw_found, 2);
    mark_keywords(g, &kx, kw_found, 1);

    ekeys = xcalloc(nentities ? nentities : 1, sizeof(*ekeys));
    for (size_t i = 0; i < nentities; i++)
        ekeys[i] = fold_key(entity_names[i] ? entity_names[i] : "");
    ent_found = xcalloc(g->nent ? g->nent : 1, 1);
    for (size_t k = 0; k < en.n; k++)
        ent_found[en.v[k].id] = k < ntitle_ents ? 2 : ent_found[en.v[k].id] ? ent_found[en.v[k].id] : 1;
    for (size_t e = 0; e < g->nent; e++) {
        int t = g->ent_key[e][0] != '\0' ? linked(g->ent_key[e], ekeys, nentities) : -1;
        if (t >= 0 && ent_found[e] < 2)
            ent_found[e] = entity_in_title && entity_in_title[t] ? 2 : 1;
    }

    {
        uint64_t *t;
        size_t n1 = text_terms(st, title, strlen(title), &t);
        terms = t;
        nterms = n1;
        if (tn > 0) {
            size_t n2 = text_terms(st, text, tn, &t);
            terms = xrealloc(terms, (nterms + n2 + 1) * sizeof(*terms));
            memcpy(terms + nterms, t, n2 * sizeof(*t));
            nterms += n2;
            free(t);
        }
    }
    vec_from_terms(&ev, terms, nterms);
    vec_weigh(g, &ev);

    hits = xmalloc(g->n * sizeof(*hits));
    tops = xmalloc(g->n * sizeof(*tops));
    for (size_t i = 0; i < g->n; i++) {
        unsigned n = 0, k = 0, distinct = 0, strong = 0, strong_kw = 0;
        int in_title = 0, weak_title = 0;
        double e, kw, s, w;

        for (size_t a = g->ent_first[i]; a < g->ent_first[i + 1]; a++) {
            int inside = 0;
            if (!ent_found[a] || g->ent_dup[a])
                continue;
            /* "Meta" counts once when "Meta AI" of the same guide matched too */
            for (size_t b = g->ent_first[i]; b < g->ent_first[i + 1] && !inside; b++)
                inside = b != a && ent_found[b] && !g->ent_dup[b] &&
                         strlen(g->ent_key[b]) > strlen(g->ent_key[a]) &&
                         key_contains(g->ent_key[b], g->ent_key[a]);
            if (inside)
                continue;
            n++;
            strong += !g->ent_weak[a];
            if (ent_found[a] == 2) {
                in_title |= !g->ent_weak[a];
                weak_title |= g->ent_weak[a];
            }
        }
        for (size_t q = g->kw_first[i]; q < g->kw_first[i + 1]; q++)
            if (!g->kw_dup[q] && kw_found[q]) {
                k += kw_found[q];
                distinct++;
                strong_kw += !g->kw_weak[q];
                if (kw_found[q] == 2) {
                    in_title |= !g->kw_weak[q];
                    weak_title |= g->kw_weak[q];
                }
            }
        strong += strong_kw;
        e = 1 - pow(0.5, n);
        kw = 1 - pow(0.6, k);
        s = termvec_cos(&ev, &g->vec[i]) / COS_FULL;
        if (s > 1)
            s = 1;
        w = 0.4 * e + 0.4 * kw + 0.2 * s;
        /* Specific evidence: the guide's subject in the title (a weak name
         * or word there needs another of the guide's own), or its entities
         * and keywords several times over in a text close in words. Names
         * in passing are not enough: two entities deep in a long text were
         * wrong more often than right in the labelled sample. */
        /* A topic: any of its names or words in the title, two of its
         * entities, or its names and words in a text close in words. */
        if (w >= GUIDES_MIN_WEIGHT && !g->v[i].thread &&
            (in_title || weak_title || n >= 2 || (n + distinct >= 3 && s >= 0.5) ||
             (distinct >= 1 && s >= 1))) {
            tops[ntops].guide = i;
            tops[ntops].weight = w;
            ntops++;
        }
        if (w >= GUIDES_MIN_WEIGHT &&
            (in_title || (weak_title && strong >= 1) ||
             (strong >= GUIDES_TEXT_EVIDENCE && s >= GUIDES_TEXT_SIMILARITY) ||
             (strong_kw >= 1 && s >= 1))) {
            hits[nhits].guide = i;
            hits[nhits].weight = w;
            nhits++;
        }
    }
    nhits = best_hits(g, hits, nhits, out);
    if (topics != NULL)
        *ntopics = best_hits(g, tops, ntops, topics);
    else
        free(tops);

    termvec_fini(&ev);
    for (size_t i = 0; i < nentities; i++)
        free(ekeys[i]);
    free(ekeys);
    free(kw_found);
    free(ent_found);
    free(kt.v);
    free(kx.v);
    free(en.v);
    words_free(&tw);
    words_free(&xw);
    stemmer_free(own);
    return nhits;
}
