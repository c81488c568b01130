/*
 * judge.c - the fitted judgment models (judge.h).
 */
#include "analyze/judge.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/score.h"
#include "base/err.h"
#include "base/xalloc.h"

/* Importance features that are not item features. */
enum { X_KIND = 0, X_AI = KIND_COUNT, X_COV2, X_COV4, X_TIERS2, X_NOVEL, X_COUNT };

/* One sparse weight: its key (namespace << FEATURES_BITS | bucket) and a
 * weight for each class (kind) or the first only (ai, importance). */
struct sparse_w {
    uint32_t key;
    float w[KIND_COUNT];
};

struct sparse_table {
    struct sparse_w *v;
    size_t n, cap;
};

enum { M_KIND, M_AI, M_IMP, M_COUNT };

struct judge_model {
    double dense[M_COUNT][KIND_COUNT][F_COUNT];
    struct sparse_table sparse[M_COUNT];
    double extra[X_COUNT];   /* importance: kind, ai, coverage */
    double scale, shift;     /* importance calibration */
    int cap[KIND_COUNT];     /* importance: the highest score of each kind, 0 none */
    double related[R_COUNT]; /* the related-events blend */
    int has_related;
    char *about;
};

static const char *const related_names[R_COUNT] = {
    [R_WEIGHT] = "similarity", [R_STORY] = "same_story", [R_SPECIFIC] = "shared_specific",
    [R_ENTITY] = "shared_entities", [R_SAME_FEED] = "same_feed", [R_SAME_ORG] = "same_org",
    [R_TIME] = "time", [R_RELATIVE] = "relative", [R_WEEK] = "week", [R_YEAR] = "year",
    [R_DIGEST] = "digest", [R_DIGESTS] = "digests", [R_FEED_TIME] = "feed_time",
};

const char *
judge_related_name(int i)
{
    return i >= 0 && i < R_COUNT ? related_names[i] : NULL;
}

double
judge_related(const struct judge_model *m, const double *f)
{
    double z = 0;

    if (m == NULL || !m->has_related)
        return f[R_WEIGHT];
    for (int i = 0; i < R_COUNT; i++)
        z += m->related[i] * f[i];
    return 1.0 / (1.0 + exp(-z)); /* a relatedness in 0..1, in the blend's order */
}

static const char ns_tags[NS_COUNT + 1] = "tplesuc";

static int
cmp_key(const void *a, const void *b)
{
    const struct sparse_w *x = a, *y = b;

    return (x->key > y->key) - (x->key < y->key);
}

static struct sparse_w *
sparse_find(const struct sparse_table *t, uint32_t key)
{
    struct sparse_w k = { .key = key };

    return t->n ? bsearch(&k, t->v, t->n, sizeof(*t->v), cmp_key) : NULL;
}

/* Appends weight w of class c for key; sparse_fold() sorts and merges. */
static void
sparse_set(struct sparse_table *t, uint32_t key, int c, float w)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 1024;
        t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
    }
    memset(&t->v[t->n], 0, sizeof(t->v[0]));
    t->v[t->n].key = key;
    t->v[t->n].w[c] = w;
    t->n++;
}

/* Sorts t by key and merges the rows of one key (one a class, from the
 * file's lines) into one. */
static void
sparse_fold(struct sparse_table *t)
{
    size_t out = 0;

    if (t->n == 0) /* qsort(NULL, 0, ...) is undefined */
        return;
    qsort(t->v, t->n, sizeof(*t->v), cmp_key);
    for (size_t i = 0; i < t->n; i++) {
        if (out > 0 && t->v[out - 1].key == t->v[i].key) {
            for (int c = 0; c < KIND_COUNT; c++)
                if (t->v[i].w[c] != 0)
                    t->v[out - 1].w[c] = t->v[i].w[c];
        } else {
            t->v[out++] = t->v[i];
        }
    }
    t->n = out;
}

/* "t:123" -> key; -1 when s is not a sparse feature. */
static long
sparse_key(const char *s)
{
    const char *tag = strchr(ns_tags, s[0]);
    char *end;
    unsigned long b;

    if (s[0] == '\0' || tag == NULL || s[1] != ':')
        return -1;
    errno = 0;
    b = strtoul(s + 2, &end, 10);
    if (errno || *end || end == s + 2 || b >= (1ul << FEATURES_BITS))
        return -1;
    return (long)(((unsigned long)(tag - ns_tags) << FEATURES_BITS) | b);
}

static int
extra_find(const char *s)
{
    static const char *const names[] = { "ai", "coverage:2", "coverage:4", "coverage:tiers2",
                                         "novelty" };

    if (strncmp(s, "kind:", 5) == 0) {
        for (int k = 0; k < KIND_COUNT; k++)
            if (strcmp(s + 5, event_kind_name((enum event_kind)k)) == 0)
                return X_KIND + k;
        return -1;
    }
    for (size_t i = 0; i < LEN(names); i++)
        if (strcmp(s, names[i]) == 0)
            return X_AI + (int)i;
    return -1;
}

static int
model_find(const char *s)
{
    return strcmp(s, "kind") == 0 ? M_KIND : strcmp(s, "ai") == 0 ? M_AI
           : strcmp(s, "importance") == 0                        ? M_IMP
                                                                  : -1;
}

/* One "MODEL CLASS FEATURE WEIGHT" line into m; ALM_OK or ALM_EINVAL. */
static int
read_weight(struct judge_model *m, char *line)
{
    char *model = strtok(line, "\t"), *cls = strtok(NULL, "\t"), *feat = strtok(NULL, "\t");
    char *ws = strtok(NULL, "\t\n"), *end;
    int mi, c = 0, d;
    long key;
    double w;

    if (!model || !cls || !feat || !ws)
        return ALM_EINVAL;
    w = strtod(ws, &end);
    if (*end || !isfinite(w))
        return ALM_EINVAL;
    if (strcmp(model, "related") == 0) {
        for (int i = 0; i < R_COUNT; i++)
            if (strcmp(feat, related_names[i]) == 0) {
                m->related[i] = w;
                m->has_related = 1;
                return ALM_OK;
            }
        return ALM_EINVAL;
    }
    if ((mi = model_find(model)) < 0)
        return ALM_EINVAL;
    if (mi == M_KIND) {
        c = (int)event_kind_parse(cls);
        if (strcmp(cls, event_kind_name((enum event_kind)c)) != 0)
            return ALM_EINVAL;
    }
    if ((key = sparse_key(feat)) >= 0) { /* most lines: first */
        sparse_set(&m->sparse[mi], (uint32_t)key, c, (float)w);
    } else if ((d = features_find(feat)) >= 0) {
        m->dense[mi][c][d] = w;
    } else if (mi == M_IMP && strcmp(feat, "calibration:scale") == 0) {
        m->scale = w;
    } else if (mi == M_IMP && strcmp(feat, "calibration:shift") == 0) {
        m->shift = w;
    } else if (mi == M_IMP && strncmp(feat, "cap:", 4) == 0) {
        int k = (int)event_kind_parse(feat + 4);
        if (strcmp(feat + 4, event_kind_name((enum event_kind)k)) != 0 || w < SCORE_MIN ||
            w > SCORE_MAX)
            return ALM_EINVAL;
        m->cap[k] = (int)w;
    } else if (mi == M_IMP && (d = extra_find(feat)) >= 0) {
        m->extra[d] = w;
    } else {
        return ALM_EINVAL;
    }
    return ALM_OK;
}

int
judge_load(const char *path, struct judge_model **out, char *err, size_t errlen)
{
    FILE *fp = fopen(path, "r");
    struct judge_model *m;
    char line[512];
    int lineno = 0, version = 0;

    if (fp == NULL) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return ALM_EIO;
    }
    m = xcalloc(1, sizeof(*m));
    m->scale = 1;
    while (fgets(line, sizeof(line), fp)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        if (strncmp(line, "version\t", 8) == 0) {
            version = atoi(line + 8);
            continue;
        }
        if (strncmp(line, "about\t", 6) == 0) {
            free(m->about);
            m->about = xstrdup(line + 6);
            continue;
        }
        if (version != 1 || read_weight(m, line) != ALM_OK) {
            snprintf(err, errlen, "%s:%d: %s", path, lineno,
                     version != 1 ? "not a version 1 judgment model" : "not a weight line");
            fclose(fp);
            judge_free(m);
            return ALM_EINVAL;
        }
    }
    fclose(fp);
    if (version != 1) {
        snprintf(err, errlen, "%s: not a version 1 judgment model", path);
        judge_free(m);
        return ALM_EINVAL;
    }
    for (int i = 0; i < M_COUNT; i++)
        sparse_fold(&m->sparse[i]);
    *out = m;
    return ALM_OK;
}

void
judge_free(struct judge_model *m)
{
    if (m == NULL)
        return;
    for (int i = 0; i < M_COUNT; i++)
        free(m->sparse[i].v);
    free(m->about);
    free(m);
}

const char *
judge_about(const struct judge_model *m)
{
    return m && m->about ? m->about : "";
}

static uint32_t
key_of(const struct sparse_feature *s)
{
    return ((uint32_t)s->ns << FEATURES_BITS) | s->bucket;
}

/* The linear score of class c of model mi over f. */
static double
linear(const struct judge_model *m, int mi, int c, const struct features *f)
{
    double z = 0;

    for (int i = 0; i < F_COUNT; i++)
        z += m->dense[mi][c][i] * f->dense[i];
    for (size_t i = 0; i < f->nsparse; i++) {
        const struct sparse_w *w = sparse_find(&m->sparse[mi], key_of(&f->sparse[i]));
        if (w)
            z += w->w[c];
    }
    return z;
}

static void
classify_kind(const struct judge_model *m, const struct features *f, struct judge_item *out)
{
    double z[KIND_COUNT], top = -INFINITY, sum = 0;
    int best = KIND_OTHER;

    for (int c = 0; c < KIND_COUNT; c++) {
        z[c] = linear(m, M_KIND, c, f);
        if (z[c] > top) {
            top = z[c];
            best = c;
        }
    }
    for (int c = 0; c < KIND_COUNT; c++)
        sum += exp(z[c] - top);
    out->kind = (enum event_kind)best;
    out->kind_prob = 1.0 / sum;
}

static char *
fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));

static char *
fmt(const char *f, ...)
{
    char text[256];
    va_list ap;

    va_start(ap, f);
    vsnprintf(text, sizeof(text), f, ap);
    va_end(ap);
    return xstrdup(text);
}

/* Which importance part a dense feature belongs to. */
static int
dense_part(int id)
{
    if (id == F_BIAS)
        return J_BASE;
    if (id <= F_SK_COMMUNITY)
        return J_SOURCE;
    if (id <= F_RK_TUTORIAL)
        return J_KIND;
    if (id <= F_ENT_MODEL_TITLE)
        return J_ENTITIES;
    if (id <= F_PARTNER)
        return J_MAGNITUDE;
    if (id >= F_SHAPE_FIRST) /* the kind model's alone: no importance weight */
        return J_KIND;
    return J_TEXT;
}

/* "words: 'launch' +0.4, 'agent' +0.2": the three words that moved it most. */
static char *
words_why(const struct judge_model *m, const struct features *f, double scale)
{
    size_t best[3] = { SIZE_MAX, SIZE_MAX, SIZE_MAX };
    double bw[3] = { 0, 0, 0 };
    char text[256];
    size_t len = 0;

    for (size_t i = 0; i < f->nsparse; i++) {
        const struct sparse_w *w;
        if (f->sparse[i].ns == NS_ENTITY || f->sparse[i].ns == NS_SOURCE ||
            (w = sparse_find(&m->sparse[M_IMP], key_of(&f->sparse[i]))) == NULL)
            continue;
        int dup = 0;
        for (int j = 0; j < 3; j++)
            dup |= best[j] != SIZE_MAX && strcmp(f->sparse[best[j]].word, f->sparse[i].word) == 0;
        if (dup)
            continue; /* a word of the title and the lead is shown once */
        for (int j = 0; j < 3; j++) {
            if (fabs(w->w[0]) > fabs(bw[j])) {
                for (int k = 2; k > j; k--) {
                    best[k] = best[k - 1];
                    bw[k] = bw[k - 1];
                }
                best[j] = i;
                bw[j] = w->w[0];
                break;
            }
        }
    }
    len = (size_t)snprintf(text, sizeof(text), "words of title and lead");
    for (int j = 0; j < 3 && best[j] != SIZE_MAX && len < sizeof(text); j++)
        len += (size_t)snprintf(text + len, sizeof(text) - len, "%s'%s' %+.1f",
                                j ? ", " : ": ", f->sparse[best[j]].word, bw[j] * scale);
    return xstrdup(text);
}

static char *
source_why(const struct analysis_input *in)
{
    return fmt("source: tier %d %s%s%s%s", in->tier, in->source_kind ? in->source_kind : "",
               in->source_name ? " (" : "", in->source_name ? in->source_name : "",
               in->source_name ? ")" : "");
}

static char *
entities_why(const struct features *f)
{
    if (f->ntop == 0)
        return xstrdup("entities: none of note");
    return fmt("entities: %s%s%s%s%s", f->top_entities[0], f->ntop > 1 ? ", " : "",
               f->ntop > 1 ? f->top_entities[1] : "", f->ntop > 2 ? ", " : "",
               f->ntop > 2 ? f->top_entities[2] : "");
}

static char *
magnitude_why(const struct features *f)
{
    const double *d = f->dense;
    const char *money = d[F_MONEY10]  ? "money in the tens of billions"
                        : d[F_MONEY9] ? "money in the billions"
                        : d[F_MONEY8] ? "money in the hundreds of millions"
                                      : NULL;
    int words = d[F_MAGNITUDE] > 0 || d[F_POLICY_TOPIC] > 0;
    const char *name = d[F_GENERATION] ? "a model's new generation"
                       : d[F_POINT]    ? "a model's point release"
                       : d[F_PARTNER]  ? "a partnership"
                                       : NULL;
    char *out;

    if (money)
        out = fmt("magnitude: %s%s", money, words ? ", words of scale or policy" : "");
    else
        out = xstrdup(words ? "magnitude: words of scale or policy"
                            : name ? "magnitude:" : "magnitude: nothing of note");
    if (name) {
        char *more = fmt("%s%s%s", out, strcmp(out, "magnitude:") == 0 ? " " : ", ", name);
        free(out);
        out = more;
    }
    return out;
}

void
judge_item(const struct judge_model *m, const struct features *f,
           const struct analysis_input *in, struct judge_item *out)
{
    double s = m->scale;

    memset(out, 0, sizeof(*out));
    classify_kind(m, f, out);
    out->ai = 1.0 / (1.0 + exp(-linear(m, M_AI, 0, f)));
    for (int i = 0; i < F_COUNT; i++)
        out->part[dense_part(i)] += m->dense[M_IMP][0][i] * f->dense[i] * s;
    for (size_t i = 0; i < f->nsparse; i++) {
        const struct sparse_w *w = sparse_find(&m->sparse[M_IMP], key_of(&f->sparse[i]));
        if (w)
            out->part[f->sparse[i].ns == NS_ENTITY   ? J_ENTITIES
                      : f->sparse[i].ns == NS_SOURCE ? J_SOURCE
                                                     : J_WORDS] += w->w[0] * s;
    }
    if (out->kind == KIND_DIGEST) /* a roundup's scale is its items' */
        out->part[J_MAGNITUDE] = 0;
    out->part[J_BASE] += m->shift;
    out->part[J_KIND] += m->extra[X_KIND + (int)out->kind] * s;
    out->part[J_AI] += m->extra[X_AI] * out->ai * s;
    out->why[J_BASE] = xstrdup("baseline");
    out->why[J_KIND] = fmt("kind: %s (%.0f%% sure)", event_kind_name(out->kind),
                           100 * out->kind_prob);
    out->why[J_AI] = fmt("about AI: %.0f%% likely", 100 * out->ai);
    out->why[J_SOURCE] = source_why(in);
    out->why[J_ENTITIES] = entities_why(f);
    out->why[J_WORDS] = words_why(m, f, s);
    out->why[J_MAGNITUDE] = out->kind == KIND_DIGEST
                                ? xstrdup("magnitude: a digest's is its items'")
                                : magnitude_why(f);
    out->why[J_TEXT] = xstrdup(f->dense[F_HAS_TEXT] ? "text: the feed has an excerpt"
                                                     : "text: title only");
}

void
judge_item_fini(struct judge_item *ji)
{
    if (ji == NULL)
        return;
    for (int i = 0; i < J_PARTS; i++)
        free(ji->why[i]);
    memset(ji, 0, sizeof(*ji));
}

static void
add(struct score *out, double points, char *text)
{
    out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
    out->v[out->n].points = points;
    out->v[out->n].text = text;
    out->n++;
}

void
judge_score(const struct judge_model *m, const struct judge_item *ji, int story_sources,
            int story_tiers_mask, int novel, struct score *out)
{
    double sum = 0, cov = 0;
    int tiers = __builtin_popcount((unsigned)story_tiers_mask), value, cap;

    memset(out, 0, sizeof(*out));
    for (int i = 0; i < J_PARTS; i++) {
        double p = round(ji->part[i] * 100) / 100; /* as shown: the sum is what is read */
        if (p == 0)
            continue;
        add(out, p, xstrdup(ji->why[i]));
        sum += p;
    }
    cov = m->extra[X_COV2] * (story_sources >= 2) + m->extra[X_COV4] * (story_sources >= 4) +
          m->extra[X_TIERS2] * (tiers >= 2);
    cov = round(cov * m->scale * 100) / 100;
    if (cov != 0) {
        add(out, cov, fmt("coverage: %d independent source%s, %d tier%s", story_sources,
                          story_sources == 1 ? "" : "s", tiers, tiers == 1 ? "" : "s"));
        sum += cov;
    }
    /* A digest rounds up what others named first. */
    if (novel && ji->kind != KIND_DIGEST &&
        (cov = round(m->extra[X_NOVEL] * m->scale * 100) / 100) != 0) {
        add(out, cov, xstrdup("novelty: the first to name a model, product or law"));
        sum += cov;
    }
    value = (int)lround(sum);
    if (value < SCORE_MIN)
        value = SCORE_MIN;
    if (value > SCORE_MAX)
        value = SCORE_MAX;
    /* What editors give a kind at most (fitted: fit.py), for an item the
     * classifier is sure of: a digest of great news is still a digest. */
    cap = m->cap[ji->kind];
    if (cap > 0 && value > cap && ji->kind_prob >= 0.5) {
        value = cap;
        add(out, round((value - sum) * 100) / 100,
            fmt("kept at most %d, as editors score a %s", cap, event_kind_name(ji->kind)));
    } else if (fabs(value - sum) >= 0.005) {
        add(out, round((value - sum) * 100) / 100,
            fabs(value - sum) > 0.5 ? fmt("kept within %d..%d", SCORE_MIN, SCORE_MAX)
                                    : xstrdup("rounded to a whole score"));
    }
    out->value = value;
}
