#include "analyze/entities.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <utf8proc.h>

#include "base/err.h"
#include "base/xalloc.h"

#define LINE_MAX_BYTES (64 * 1024)
#define ACRONYM_MAX_BYTES 5
#define FIRST_SLOTS (1u << 16)
#define FIRST_MASK (FIRST_SLOTS - 1)

static const char *const entity_kinds[] = {
    "lab", "company", "model", "product", "person", "government", "agency", "law",
    "policy", "consortium", "project", "research-org", "court", "technique",
};

struct entity {
    char *name;
    const char *kind;  /* one of entity_kinds */
    int salience;
    size_t line;       /* where the file defined it, for messages */
};

/* One name of an entity: its folded words, NUL-separated, in the word pool. */
struct phrase {
    uint64_t hash;
    size_t words;      /* offset in entity_dict.pool */
    int entity;
    uint8_t nwords;
    uint8_t acronym;   /* only matches a token that was all upper case */
};

struct entity_dict {
    struct entity *ent;
    size_t nent, capent;
    struct phrase *ph;
    size_t nph, capph;
    char *pool;
    size_t npool, cappool;
    uint32_t *slot;    /* open addressing: phrase index + 1, 0 when empty */
    size_t mask;
    /*
     * By the hash of a phrase's first word (& FIRST_MASK): bit L-1 set when
     * some phrase of L words starts with such a word. Most text words start
     * no phrase, and the rest are tried only at the lengths that exist.
     */
    uint8_t first[FIRST_SLOTS];
    int version;
    size_t skipped;    /* names longer than ENTITIES_MAX_WORDS */
};

/* Combines the running phrase hash with the next word's hash. */
static uint64_t
phrase_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
    return h ^ (h >> 29);
}

#define PHRASE_SEED 0x51ed270b27a3c1d5ULL

static void
table_insert(struct entity_dict *d, uint32_t idx)
{
    size_t i = (size_t)d->ph[idx].hash & d->mask;

    while (d->slot[i] != 0)
        i = (i + 1) & d->mask;
    d->slot[i] = idx + 1;
}

static void
table_grow(struct entity_dict *d)
{
    size_t cap = d->mask ? (d->mask + 1) * 2 : 256;

    free(d->slot);
    d->slot = xcalloc(cap, sizeof(*d->slot));
    d->mask = cap - 1;
    for (size_t i = 0; i < d->nph; i++)
        table_insert(d, (uint32_t)i);
}

/* 1 when the pooled words of p equal tokens t[at..at+p->nwords). */
static int
phrase_equal(const struct entity_dict *d, const struct phrase *p, const struct tokens *t,
             size_t at)
{
    const char *w = d->pool + p->words;

    for (size_t k = 0; k < p->nwords; k++) {
        const struct token *tok = &t->v[at + k];
        if (strncmp(w, tok_str(t, at + k), tok->len) != 0 || w[tok->len] != '\0')
            return 0;
        w += tok->len + 1;
    }
    return 1;
}

static uint64_t
tokens_phrase_hash(const struct tokens *t, size_t at, size_t n)
{
    uint64_t h = PHRASE_SEED;

    for (size_t k = 0; k < n; k++)
        h = phrase_mix(h, text_hash(tok_str(t, at + k), t->v[at + k].len, 0));
    return h;
}

/* The phrase with hash h and the words of t[at..at+n), or NULL. */
static struct phrase *
table_find(const struct entity_dict *d, uint64_t h, const struct tokens *t, size_t at,
           size_t n)
{
    if (d->mask == 0)
        return NULL;
    for (size_t i = (size_t)h & d->mask; d->slot[i] != 0; i = (i + 1) & d->mask) {
        struct phrase *p = &d->ph[d->slot[i] - 1];
        if (p->hash == h && p->nwords == n && phrase_equal(d, p, t, at))
            return p;
    }
    return NULL;
}

/* Adds one name of entity e; a phrase some entity already has is skipped. */
static int
add_phrase(struct entity_dict *d, int e, const char *name, size_t line, const char *path,
           char *err, size_t errlen)
{
    struct tokens t = { 0 };
    struct phrase *p;
    uint64_t h;
    int acronym, rc = ALM_EINVAL;

    text_tokenize(name, strlen(name), &t);
    if (t.n == 0) {
        err_set(err, errlen, "%s:%zu: name '%s' has no words", path, line, name);
        goto out;
    }
    rc = ALM_OK;
    if (t.n > ENTITIES_MAX_WORDS) {
        /* a statute's full title; its short names still match */
        d->skipped++;
        goto out;
    }
    h = tokens_phrase_hash(&t, 0, t.n);
    acronym = t.n == 1 && (t.v[0].flags & TOK_ALLCAPS) && t.v[0].len <= ACRONYM_MAX_BYTES;
    if ((p = table_find(d, h, &t, 0, t.n)) != NULL) {
        /* "AI2" and "Ai2" for one entity: any case will do */
        if (p->entity == e && !acronym)
            p->acronym = 0;
        goto out;
    }
    if (d->nph == d->capph) {
        d->capph = d->capph ? d->capph * 2 : 256;
        d->ph = xrealloc(d->ph, d->capph * sizeof(*d->ph));
    }
    p = &d->ph[d->nph];
    p->hash = h;
    p->entity = e;
    p->nwords = (uint8_t)t.n;
    /* "US" in the file is an acronym; "Us" or "us" would not be. */
    p->acronym = (uint8_t)acronym;
    p->words = d->npool;
    for (size_t k = 0; k < t.n; k++) {
        size_t len = t.v[k].len + 1;
        if (d->npool + len > d->cappool) {
            while (d->npool + len > d->cappool)
                d->cappool = d->cappool ? d->cappool * 2 : 4096;
            d->pool = xrealloc(d->pool, d->cappool);
        }
        memcpy(d->pool + d->npool, tok_str(&t, k), len);
        d->npool += len;
    }
    d->nph++;
    d->first[text_hash(tok_str(&t, 0), t.v[0].len, 0) & FIRST_MASK] |=
        (uint8_t)(1u << (t.n - 1));
    if (d->nph * 2 > d->mask)
        table_grow(d);
    else
        table_insert(d, (uint32_t)(d->nph - 1));
out:
    tokens_fini(&t);
    return rc;
}

static char *
trim(char *s)
{
    char *e;

    while (*s == ' ' || *s == '\t')
        s++;
    e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        *--e = '\0';
    return s;
}

static const char *
known_kind(const char *s)
{
    for (size_t i = 0; i < LEN(entity_kinds); i++)
        if (strcmp(s, entity_kinds[i]) == 0)
            return entity_kinds[i];
    return NULL;
}

/* "# version: 3" sets the version; other comments are ignored. */
static void
parse_comment(struct entity_dict *d, const char *s)
{
    while (*s == '#' || *s == ' ' || *s == '\t')
        s++;
    if (strncasecmp(s, "version", 7) == 0) {
        s += 7;
        while (*s == ' ' || *s == ':' || *s == '=')
            s++;
        if (*s >= '0' && *s <= '9') {
            long v = strtol(s, NULL, 10);
            d->version = v > INT_MAX ? INT_MAX : (int)v;
        }
    }
}

static int
parse_line(struct entity_dict *d, char *line, size_t lineno, const char *path, char *err,
           size_t errlen)
{
    char *field[5], *p = line, *end, *alias;
    size_t nf = 0;
    const char *kind;
    long sal;
    int e, rc;

    for (;;) {
        char *tab = strchr(p, '\t');
        if (nf == LEN(field))
            break;
        field[nf++] = p;
        if (tab == NULL)
            break;
        *tab = '\0';
        p = tab + 1;
    }
    if (nf != 4) {
        err_set(err, errlen, "%s:%zu: want 4 tab-separated fields "
                "(canonical, kind, aliases, salience), got %s%zu", path, lineno,
                nf == LEN(field) ? "more than " : "", nf == LEN(field) ? nf - 1 : nf);
        return ALM_EINVAL;
    }
    for (size_t i = 0; i < nf; i++)
        field[i] = trim(field[i]);
    if (field[0][0] == '\0') {
        err_set(err, errlen, "%s:%zu: empty canonical name", path, lineno);
        return ALM_EINVAL;
    }
    kind = known_kind(field[1]);
    if (kind == NULL) {
        err_set(err, errlen, "%s:%zu: unknown kind '%s'", path, lineno, field[1]);
        return ALM_EINVAL;
    }
    sal = strtol(field[3], &end, 10);
    if (end == field[3] || *end != '\0' || sal < 1 || sal > 5) {
        err_set(err, errlen, "%s:%zu: salience '%s' is not 1-5", path, lineno, field[3]);
        return ALM_EINVAL;
    }
    for (size_t i = 0; i < d->nent; i++) {
        if (strcmp(d->ent[i].name, field[0]) == 0) {
            err_set(err, errlen, "%s:%zu: '%s' is already defined on line %zu", path,
                    lineno, field[0], d->ent[i].line);
            return ALM_EINVAL;
        }
    }
    if (d->nent == d->capent) {
        d->capent = d->capent ? d->capent * 2 : 64;
        d->ent = xrealloc(d->ent, d->capent * sizeof(*d->ent));
    }
    e = (int)d->nent;
    d->ent[e].name = xstrdup(field[0]);
    d->ent[e].kind = kind;
    d->ent[e].salience = (int)sal;
    d->ent[e].line = lineno;
    d->nent++;
    rc = add_phrase(d, e, field[0], lineno, path, err, errlen);
    for (alias = strtok_r(field[2], "|", &p); alias != NULL && rc == ALM_OK;
         alias = strtok_r(NULL, "|", &p)) {
        alias = trim(alias);
        if (*alias != '\0')
            rc = add_phrase(d, e, alias, lineno, path, err, errlen);
    }
    return rc;
}

int
entities_load(const char *path, struct entity_dict **out, char *err, size_t errlen)
{
    struct entity_dict *d;
    FILE *f;
    char *line = NULL;
    size_t cap = 0, lineno = 0;
    ssize_t n;
    int rc = ALM_OK;

    f = fopen(path, "r");
    if (f == NULL) {
        err_set(err, errlen, "%s: %s", path, strerror(errno));
        return errno == ENOENT ? ALM_ENOTFOUND : ALM_EIO;
    }
    d = xcalloc(1, sizeof(*d));
    while ((n = getline(&line, &cap, f)) >= 0) {
        char *s;
        lineno++;
        if (n > LINE_MAX_BYTES) {
            err_set(err, errlen, "%s:%zu: line longer than %d bytes", path, lineno,
                    LINE_MAX_BYTES);
            rc = ALM_ETOOBIG;
            break;
        }
        if ((size_t)n != strlen(line)) {
            err_set(err, errlen, "%s:%zu: NUL byte in line", path, lineno);
            rc = ALM_EINVAL;
            break;
        }
        s = line;
        while (*s == ' ')
            s++;
        if (*s == '#') {
            parse_comment(d, s);
            continue;
        }
        if (*trim(s) == '\0')
            continue;
        rc = parse_line(d, line, lineno, path, err, errlen);
        if (rc != ALM_OK)
            break;
    }
    if (rc == ALM_OK && ferror(f)) {
        err_set(err, errlen, "%s: read error", path);
        rc = ALM_EIO;
    }
    free(line);
    fclose(f);
    if (rc != ALM_OK) {
        entities_free(d);
        return rc;
    }
    if (d->mask == 0)
        table_grow(d);
    *out = d;
    return ALM_OK;
}

void
entities_free(struct entity_dict *d)
{
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->nent; i++)
        free(d->ent[i].name);
    free(d->ent);
    free(d->ph);
    free(d->pool);
    free(d->slot);
    free(d);
}

size_t
entities_count(const struct entity_dict *d)
{
    return d ? d->nent : 0;
}

const char *
entities_name(const struct entity_dict *d, int i)
{
    if (d == NULL || i < 0 || (size_t)i >= d->nent)
        return NULL;
    return d->ent[i].name;
}

const char *
entities_kind(const struct entity_dict *d, int i)
{
    if (d == NULL || i < 0 || (size_t)i >= d->nent)
        return NULL;
    return d->ent[i].kind;
}

int
entities_salience(const struct entity_dict *d, int i)
{
    if (d == NULL || i < 0 || (size_t)i >= d->nent)
        return 0;
    return d->ent[i].salience;
}

int
entities_version(const struct entity_dict *d)
{
    return d ? d->version : 0;
}

size_t
entities_skipped(const struct entity_dict *d)
{
    return d ? d->skipped : 0;
}

/*
 * The longest phrase starting at token i: returns its entity and sets *len,
 * or returns -1. wh holds the word hashes of t, so each position costs at
 * most ENTITIES_MAX_WORDS cheap mixes and lookups.
 */
static int
match_at(const struct entity_dict *d, const struct tokens *t, const uint64_t *wh, size_t i,
         size_t *len)
{
    uint64_t h[ENTITIES_MAX_WORDS + 1];
    size_t maxl = t->n - i;
    unsigned lens = d->first[wh[i] & FIRST_MASK];

    if (lens == 0)
        return -1;
    if (maxl > ENTITIES_MAX_WORDS)
        maxl = ENTITIES_MAX_WORDS;
    while (maxl > 0 && !(lens >> (maxl - 1)))
        maxl--; /* no phrase that long starts with this word */
    h[0] = PHRASE_SEED;
    for (size_t l = 1; l <= maxl; l++)
        h[l] = phrase_mix(h[l - 1], wh[i + l - 1]);
    for (size_t l = maxl; l >= 1; l--) {
        const struct phrase *p;
        if (!(lens & (1u << (l - 1))))
            continue;
        p = table_find(d, h[l], t, i, l);
        if (p == NULL)
            continue;
        if (p->acronym && !(t->v[i].flags & TOK_ALLCAPS))
            continue;
        *len = l;
        return p->entity;
    }
    return -1;
}

static uint64_t *
word_hashes(const struct tokens *t)
{
    uint64_t *wh = xmalloc((t->n ? t->n : 1) * sizeof(*wh));

    for (size_t i = 0; i < t->n; i++)
        wh[i] = text_hash(tok_str(t, i), t->v[i].len, 0);
    return wh;
}

struct hitset {
    struct entity_hit *v;
    size_t n;
    int *where;        /* entity -> index in v + 1 */
};

static void
scan(const struct entity_dict *d, const struct tokens *t, int is_title, uint32_t base,
     struct hitset *hs)
{
    uint64_t *wh;

    if (t == NULL || t->n == 0)
        return;
    wh = word_hashes(t);
    for (size_t i = 0; i < t->n;) {
        size_t len = 0;
        int e = match_at(d, t, wh, i, &len);
        struct entity_hit *h;
        if (e < 0) {
            i++;
            continue;
        }
        if (hs->where[e] == 0) {
            h = &hs->v[hs->n++];
            hs->where[e] = (int)hs->n;
            h->entity = e;
            h->name = d->ent[e].name;
            h->kind = d->ent[e].kind;
            h->salience = d->ent[e].salience;
            h->count = 0;
            h->in_title = 0;
            h->first = base + (uint32_t)i;
        }
        h = &hs->v[hs->where[e] - 1];
        if (h->count < INT_MAX)
            h->count++;
        if (is_title)
            h->in_title = 1;
        i += len;
    }
    free(wh);
}

static int
hit_weight(const struct entity_hit *h)
{
    return h->salience * (1 + h->in_title) + h->count;
}

static int
cmp_hit(const void *a, const void *b)
{
    const struct entity_hit *x = a, *y = b;
    int wx = hit_weight(x), wy = hit_weight(y);

    if (wx != wy)
        return wx > wy ? -1 : 1;
    if (x->first != y->first)
        return x->first < y->first ? -1 : 1;
    return x->entity - y->entity;
}

size_t
entities_match(const struct entity_dict *d, const struct tokens *title,
               const struct tokens *body, struct entity_hit **out)
{
    struct hitset hs = { 0 };
    uint32_t base = title ? (uint32_t)title->n : 0;

    *out = NULL;
    if (d == NULL || d->nent == 0)
        return 0;
    hs.v = xmalloc(d->nent * sizeof(*hs.v));
    hs.where = xcalloc(d->nent, sizeof(*hs.where));
    scan(d, title, 1, 0, &hs);
    scan(d, body, 0, base, &hs);
    free(hs.where);
    if (hs.n == 0) {
        free(hs.v);
        return 0;
    }
    qsort(hs.v, hs.n, sizeof(*hs.v), cmp_hit);
    /* Room was made for every entity of the dictionary; an analysis run
     * holds the hits of every new event, so they keep only their size
     * (that slack was 1 GB of a 100,000-event run). */
    *out = xrealloc(hs.v, hs.n * sizeof(*hs.v));
    return hs.n;
}

/* Capitalized words that are not names on their own. */
static const char *const generic_caps[] = {
    "ai", "api", "apis", "ceo", "cto", "cfo", "gpu", "gpus", "llm", "llms", "ml", "faq",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "january", "february", "march", "april", "june", "july", "august", "september",
    "october", "november", "december", "today", "yesterday", "tomorrow", "however",
    "meanwhile", "update", "updated", "read", "more", "click", "here",
};

static int
is_generic(const char *w)
{
    for (size_t i = 0; i < LEN(generic_caps); i++)
        if (strcmp(w, generic_caps[i]) == 0)
            return 1;
    return 0;
}

static int
candidate_word(const struct tokens *t, size_t i, const unsigned char *matched)
{
    const struct token *k = &t->v[i];

    return (k->flags & TOK_CAP) && !(k->flags & TOK_NUM) && !matched[i] && k->len >= 2 &&
           !text_is_stopword(tok_str(t, i), k->len) && !is_generic(tok_str(t, i));
}

/* Appends the folded word with its capitals restored: all of it, or its first letter. */
static void
append_recased(char *dst, size_t *dn, const char *w, size_t n, int allcaps)
{
    size_t i = 0;

    while (i < n) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)w + i,
                                              (utf8proc_ssize_t)(n - i), &c);
        if (k <= 0) {
            dst[(*dn)++] = w[i++];
            continue;
        }
        if (allcaps || i == 0) {
            utf8proc_int32_t u = utf8proc_toupper(c);
            utf8proc_uint8_t enc[4];
            utf8proc_ssize_t el = utf8proc_encode_char(u, enc);
            /* upper case may be longer; keep the original then */
            if (el > 0 && el <= k) {
                memcpy(dst + *dn, enc, (size_t)el);
                *dn += (size_t)el;
                i += (size_t)k;
                continue;
            }
        }
        memcpy(dst + *dn, w + i, (size_t)k);
        *dn += (size_t)k;
        i += (size_t)k;
    }
}

/*
 * Title case: hardly any content word is lower case, so capitals say
 * nothing about names. Running text always has lower-case content words.
 */
static int
looks_title_case(const struct tokens *t)
{
    size_t words = 0, lower = 0;

    for (size_t i = 0; i < t->n; i++) {
        const struct token *k = &t->v[i];
        if ((k->flags & TOK_NUM) || text_is_stopword(tok_str(t, i), k->len))
            continue;
        words++;
        if (!(k->flags & TOK_CAP))
            lower++;
    }
    return words >= 4 && lower * 8 < words;
}

size_t
entities_candidates(const struct entity_dict *d, const struct tokens *t, char ***out)
{
    unsigned char *matched;
    char **v = NULL;
    size_t n = 0;

    *out = NULL;
    if (t == NULL || t->n == 0 || looks_title_case(t))
        return 0;
    matched = xcalloc(t->n, 1);
    if (d != NULL && d->nent > 0) {
        uint64_t *wh = word_hashes(t);
        for (size_t i = 0; i < t->n;) {
            size_t len = 0;
            if (match_at(d, t, wh, i, &len) < 0) {
                i++;
                continue;
            }
            memset(matched + i, 1, len);
            i += len;
        }
        free(wh);
    }
    for (size_t i = 0; i < t->n && n < ENTITIES_MAX_CANDIDATES;) {
        size_t j = i, bytes = 0, dn = 0;
        char *s;
        int dup = 0;

        if (!candidate_word(t, i, matched)) {
            i++;
            continue;
        }
        /* A run ends at a sentence, at punctuation (a gap wider than one space). */
        while (j + 1 < t->n && candidate_word(t, j + 1, matched) &&
               !(t->v[j + 1].flags & TOK_SENT) &&
               t->v[j + 1].src == t->v[j].src + t->v[j].srclen + 1)
            j++;
        if (j - i + 1 > 4 || (j == i && (t->v[i].flags & TOK_SENT))) {
            i = j + 1;
            continue;
        }
        for (size_t k = i; k <= j; k++)
            bytes += t->v[k].len + 1;
        s = xmalloc(bytes);
        for (size_t k = i; k <= j; k++) {
            if (k > i)
                s[dn++] = ' ';
            append_recased(s, &dn, tok_str(t, k), t->v[k].len,
                           (t->v[k].flags & TOK_ALLCAPS) != 0);
        }
        s[dn] = '\0';
        for (size_t k = 0; k < n && !dup; k++)
            dup = strcasecmp(v[k], s) == 0;
        if (dup) {
            free(s);
        } else {
            if (v == NULL)
                v = xmalloc(ENTITIES_MAX_CANDIDATES * sizeof(*v));
            v[n++] = s;
        }
        i = j + 1;
    }
    free(matched);
    *out = v;
    return n;
}

void
entities_candidates_free(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}
