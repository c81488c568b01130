/*
 * learn_view.c - a learning path's steps and reading times (learn_view.h).
 */
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/learn_view.h"
#include "web/render.h"

#define WORDS_PER_MINUTE 230
#define ENTITY_READ_EVENTS 10   /* an entity page's events a reader reads */
#define GENERATED_WORDS 40      /* about the generated description's length */

static int64_t
count_words(const char *s)
{
    int64_t n = 0;
    int in = 0;

    for (; s && *s; s++) {
        int w = !(*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r');
        n += w && !in;
        in = w;
    }
    return n;
}

static int
add_summary_words(const struct event *e, void *arg)
{
    *(int64_t *)arg += count_words(e->summary) + count_words(e->item.title);
    return 0;
}

/* Reads what a step leads to; a missing guide or entity leaves title NULL. */
static int
step_gather(struct store *st, struct step *s)
{
    int rc;

    if (!s->entity) {
        struct guide_info g;
        rc = store_get_guide(st, s->slug, &g);
        if (rc == ALM_ENOTFOUND)
            return ALM_OK;
        if (rc != ALM_OK)
            return rc;
        s->title = xstrdup(g.title ? g.title : s->slug);
        s->words = count_words(g.summary) + count_words(g.body);
        guide_info_fini(&g);
    } else {
        struct entity_info e;
        rc = store_get_entity(st, s->slug, &e);
        if (rc == ALM_ENOTFOUND)
            return ALM_OK;
        if (rc != ALM_OK)
            return rc;
        s->title = xstrdup(e.name);
        s->kind = xstrdup(e.kind);
        s->words = GENERATED_WORDS + count_words(e.description);
        if (e.events > 0) {
            struct event_query q = { .entity = e.name, .limit = ENTITY_READ_EVENTS };
            rc = store_list_events(st, &q, add_summary_words, &s->words);
        }
        entity_info_fini(&e);
        if (rc != ALM_OK)
            return rc;
    }
    s->minutes = (int)((s->words + WORDS_PER_MINUTE - 1) / WORDS_PER_MINUTE);
    if (s->minutes < 1)
        s->minutes = 1;
    return ALM_OK;
}

/* Takes p (its strings move into v) and reads every step. */
int
learn_path_gather(struct store *st, struct path_info *p, struct path_view *v)
{
    v->p = *p;
    memset(p, 0, sizeof(*p));
    for (size_t i = 0; i < v->p.nsteps && v->n < PATH_MAX_STEPS; i++) {
        const struct path_step *ps = &v->p.steps[i];
        struct step *s = &v->steps[v->n++];
        s->entity = strncmp(ps->kind, "entity", 6) == 0;
        s->slug = xstrdup(ps->slug);
        s->why = xstrdup(ps->why);
        if (render_valid_slug(s->slug)) {
            int rc = step_gather(st, s);
            if (rc != ALM_OK)
                return rc;
        }
        v->minutes += s->minutes;
    }
    return ALM_OK;
}

void
learn_path_fini(struct path_view *v)
{
    path_info_fini(&v->p);
    for (int i = 0; i < v->n; i++) {
        free(v->steps[i].slug);
        free(v->steps[i].why);
        free(v->steps[i].title);
        free(v->steps[i].kind);
    }
    memset(v, 0, sizeof(*v));
}

static int
take_path(const struct path_info *p, void *arg)
{
    struct learn_paths *ps = arg;
    struct path_info copy = {
        .slug = xstrdup(p->slug), .title = xstrdup(p->title ? p->title : p->slug),
        .level = xstrdup(p->level ? p->level : ""),
        .summary = p->summary ? xstrdup(p->summary) : NULL,
        .steps = p->nsteps ? xcalloc(p->nsteps, sizeof(*copy.steps)) : NULL,
        .nsteps = p->nsteps,
    };

    for (size_t i = 0; i < p->nsteps; i++)
        copy.steps[i] = (struct path_step){ xstrdup(p->steps[i].kind), xstrdup(p->steps[i].slug),
                                            xstrdup(p->steps[i].why) };

    if (ps->n == ps->cap) {
        ps->cap = ps->cap ? ps->cap * 2 : 8;
        ps->v = xrealloc(ps->v, (size_t)ps->cap * sizeof(*ps->v));
    }
    memset(&ps->v[ps->n], 0, sizeof(ps->v[0]));
    /* The steps are read after the list's statement is done. */
    ps->v[ps->n++].p = copy;
    return 0;
}

int
learn_gather_all(struct store *st, struct learn_paths *ps)
{
    int rc = store_list_paths(st, take_path, ps);

    for (int i = 0; rc == ALM_OK && i < ps->n; i++) {
        struct path_info p = ps->v[i].p;
        memset(&ps->v[i], 0, sizeof(ps->v[i]));
        rc = learn_path_gather(st, &p, &ps->v[i]);
    }
    return rc;
}

void
learn_paths_fini(struct learn_paths *ps)
{
    for (int i = 0; i < ps->n; i++)
        learn_path_fini(&ps->v[i]);
    free(ps->v);
    memset(ps, 0, sizeof(*ps));
}
