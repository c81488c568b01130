/*
 * milestones.c - a guide's milestones (see milestones.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "store/store_web.h"
#include "web/milestones.h"

char *
milestone_line(const char *s)
{
    size_t n, end;

    if (s == NULL)
        return xstrdup("");
    while (*s == ' ')
        s++;
    n = strlen(s);
    end = n;
    for (size_t i = 0; i + 2 < n; i++)
        if ((s[i] == '.' || s[i] == '!' || s[i] == '?') && s[i + 1] == ' ' &&
            (isupper((unsigned char)s[i + 2]) || isdigit((unsigned char)s[i + 2]))) {
            end = i + 1;
            break;
        }
    if (end <= MILESTONE_LINE)
        return xstrndup(s, end);
    /* Too long: cut at the last space that leaves room for the ellipsis. */
    end = MILESTONE_LINE - 4;
    while (end > 0 && s[end] != ' ')
        end--;
    if (end == 0) {
        end = MILESTONE_LINE - 4;
        while (end > 0 && ((unsigned char)s[end] & 0xc0) == 0x80)
            end--;  /* not inside a UTF-8 sequence */
    }
    {
        char *out = xmalloc(end + 4);
        memcpy(out, s, end);
        memcpy(out + end, "\xe2\x80\xa6", 4);  /* "…" and the NUL */
        return out;
    }
}

static void
milestone_fini(struct milestone *m)
{
    free(m->title);
    free(m->url);
    free(m->source_slug);
    free(m->source_name);
    free(m->line);
}

void
milestones_fini(struct milestones *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n; i++)
        milestone_fini(&m->v[i]);
    free(m->v);
    m->v = NULL;
    m->n = 0;
}

struct gather {
    struct milestones *m;
    size_t cap;
};

/* Better: a higher score, then an earlier date, then a lower id. */
static int
better(const struct milestone *a, const struct milestone *b)
{
    if (a->score != b->score)
        return a->score > b->score;
    if (a->published != b->published)
        return a->published < b->published;
    return a->id < b->id;
}

static void
fill(struct milestone *d, const struct event *e)
{
    const struct item *it = &e->item;

    d->id = it->id;
    d->story = e->story_id;
    d->score = e->score;
    d->tier = it->tier;
    d->published = it->published;
    d->title = xstrdup(it->title && *it->title ? it->title : "(untitled)");
    d->url = xstrdup(it->url ? it->url : "");
    d->source_slug = xstrdup(it->source_slug ? it->source_slug : "");
    d->source_name = xstrdup(it->source_name ? it->source_name : "");
    d->line = milestone_line(e->summary);
}

/* Keeps the best event of each story (an event without a story is its own). */
static int
take(const struct event *e, void *arg)
{
    struct gather *g = arg;
    struct milestones *m = g->m;
    struct milestone c = { .id = e->item.id, .score = e->score,
                           .published = e->item.published };

    for (size_t i = 0; e->story_id != 0 && i < m->n; i++)
        if (m->v[i].story == e->story_id) {
            if (better(&c, &m->v[i])) {
                milestone_fini(&m->v[i]);
                fill(&m->v[i], e);
            }
            return 0;
        }
    if (m->n == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 64;
        m->v = xrealloc(m->v, g->cap * sizeof(*m->v));
    }
    fill(&m->v[m->n++], e);
    return 0;
}

static int
cmp_best(const void *a, const void *b)
{
    const struct milestone *x = a, *y = b;

    return better(x, y) ? -1 : better(y, x) ? 1 : 0;
}

static int
cmp_date(const void *a, const void *b)
{
    const struct milestone *x = a, *y = b;

    if (x->published != y->published)
        return x->published < y->published ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

int
milestones_load(struct store *st, const char *slug, struct milestones *out)
{
    struct event_query q = { .guide = slug, .min_score = MILESTONE_SCORE_LOW, .by_score = 1,
                             .limit = MILESTONE_SCAN };
    struct gather g = { .m = out };
    size_t high = 0;
    int rc;

    out->v = NULL;
    out->n = 0;
    if ((rc = store_list_events(st, &q, take, &g)) != ALM_OK) {
        milestones_fini(out);
        return rc;
    }
    if (out->n == 0)
        return ALM_OK;
    qsort(out->v, out->n, sizeof(*out->v), cmp_best);
    while (high < out->n && out->v[high].score >= MILESTONE_SCORE)
        high++;
    /* Enough stories at the higher score: the lower one is left out. */
    if (high >= MILESTONE_FEW) {
        for (size_t i = high; i < out->n; i++)
            milestone_fini(&out->v[i]);
        out->n = high;
    }
    for (size_t i = MILESTONE_MAX; i < out->n; i++)
        milestone_fini(&out->v[i]);
    if (out->n > MILESTONE_MAX)
        out->n = MILESTONE_MAX;
    qsort(out->v, out->n, sizeof(*out->v), cmp_date);
    return ALM_OK;
}
