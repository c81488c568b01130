/*
 * entity_view.c - an entity page's data, gathered before markup, and its
 * generated description (entity_view.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "store/store.h"
#include "store/store_web.h"
#include "web/entity_view.h"
#include "web/render.h"

const struct entity_kind_name entity_view_kinds[] = {
    { "lab", "an AI lab", "labs" },
    { "company", "a company", "companies" },
    { "model", "an AI model", "models" },
    { "product", "a product", "products" },
    { "person", "a person", "people" },
    { "government", "a government", "governments" },
    { "agency", "a government agency", "agencies" },
    { "law", "a law", "laws" },
    { "policy", "a policy", "policies" },
    { "consortium", "a consortium", "consortia" },
    { "project", "a project", "projects" },
    { "research-org", "a research organisation", "research organisations" },
    { "court", "a court", "courts" },
    { "technique", "a technique", "techniques" },
};
const size_t entity_view_nkinds = LEN(entity_view_kinds);

int
entity_view_known_kind(const char *kind)
{
    for (size_t i = 0; i < entity_view_nkinds; i++)
        if (strcmp(kind, entity_view_kinds[i].kind) == 0)
            return 1;
    return 0;
}

static const char *
kind_phrase(const char *kind)
{
    for (size_t i = 0; i < entity_view_nkinds; i++)
        if (kind && strcmp(kind, entity_view_kinds[i].kind) == 0)
            return entity_view_kinds[i].one;
    return "an entity";
}

/* ---- gathering ---- */

static int
take_neighbour(const char *slug, const char *name, const char *kind, int64_t n, void *arg)
{
    struct entity_page *p = arg;

    if (p->nnb >= ENTITY_NEIGHBOURS)
        return 1;
    p->nb[p->nnb].slug = slug ? xstrdup(slug) : NULL;
    p->nb[p->nnb].name = xstrdup(name ? name : "");
    p->nb[p->nnb].kind = xstrdup(kind ? kind : "");
    p->nb[p->nnb].n = n;
    p->nnb++;
    return 0;
}

static int
take_guide(const char *slug, const char *title, int64_t n, void *arg)
{
    struct entity_page *p = arg;

    if (p->ngd >= ENTITY_GUIDES)
        return 1;
    p->gd[p->ngd].slug = xstrdup(slug ? slug : "");
    p->gd[p->ngd].title = xstrdup(title ? title : "");
    p->gd[p->ngd].n = n;
    p->ngd++;
    return 0;
}

static char *
dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

static int
take_member(const struct entity_info *e, void *arg)
{
    struct entity_page *p = arg;
    struct entity_info *m;

    if (p->nfamily >= ENTITY_FAMILY_MAX)
        return 1;
    m = &p->family[p->nfamily++];
    *m = *e;
    m->slug = dup_or_null(e->slug);
    m->name = dup_or_null(e->name);
    m->kind = dup_or_null(e->kind);
    m->aliases = (struct str_list){ NULL, 0 };
    m->description = NULL;
    return 0;
}

static void
family_clear(struct entity_page *p)
{
    for (int i = 0; i < p->nfamily; i++)
        entity_info_fini(&p->family[i]);
    p->nfamily = 0;
    free(p->family_name);
    p->family_name = NULL;
}

/* A member without a number whose name starts another member's ("Claude
 * Opus" of "Claude Opus 4") names a line within the family, not a model
 * of it ("GPT-4" of "GPT-4 Turbo" is one): it is left out of the family's
 * order, unless it is the page's own entity. */
static void
drop_subfamilies(struct entity_page *p, const char *self)
{
    int drop[ENTITY_FAMILY_MAX] = { 0 }, k = 0;

    for (int i = 0; i < p->nfamily; i++) {
        size_t n = strlen(p->family[i].name);
        if (strpbrk(p->family[i].name, "0123456789") || strcmp(p->family[i].name, self) == 0)
            continue;
        for (int j = 0; j < p->nfamily && !drop[i]; j++)
            drop[i] = j != i && strncmp(p->family[j].name, p->family[i].name, n) == 0 &&
                      (p->family[j].name[n] == ' ' || p->family[j].name[n] == '-');
    }
    for (int i = 0; i < p->nfamily; i++) {
        if (drop[i])
            entity_info_fini(&p->family[i]);
        else
            p->family[k++] = p->family[i];
    }
    p->nfamily = k;
}

/*
 * A model's family: the shortest model name that is its name's first
 * words ("Claude" for "Claude 3.5 Sonnet", "GPT" for "GPT-4o"), else its
 * own name when other models start with it. Members (not the family's own
 * name, nor its lines) are in the dictionary's order, the order they came
 * out; self_index is -1 on the family's own page.
 */
static int
family_gather(struct store *st, struct entity_page *p)
{
    const char *name = p->e.name;
    size_t n = strlen(name);

    p->self_index = -1;
    if (strcmp(p->e.kind, "model") != 0)
        return ALM_OK;
    for (size_t i = 1; i <= n; i++) {
        if (name[i] != ' ' && name[i] != '-' && name[i] != '\0')
            continue;
        char *prefix = xstrndup(name, i);
        int rc = store_entity_family(st, prefix, take_member, p);
        if (rc != ALM_OK) {
            free(prefix);
            return rc;
        }
        /* The family's own name is the family, not one of its members. */
        for (int k = 0; k < p->nfamily; k++)
            if (strcmp(p->family[k].name, prefix) == 0) {
                entity_info_fini(&p->family[k]);
                memmove(&p->family[k], &p->family[k + 1],
                        (size_t)(p->nfamily - k - 1) * sizeof(p->family[0]));
                p->nfamily--;
                break;
            }
        drop_subfamilies(p, name);
        for (int k = 0; k < p->nfamily; k++)
            if (strcmp(p->family[k].name, name) == 0)
                p->self_index = k;
        if (p->nfamily > 0 && (p->self_index >= 0 || strcmp(prefix, name) == 0)) {
            p->family_name = prefix;
            return ALM_OK;
        }
        free(prefix);
        family_clear(p);
        p->self_index = -1;
    }
    return ALM_OK;
}

int
entity_gather(struct store *st, const char *slug, const struct web_filter *f, time_t now,
              int limit, int (*row)(const struct event *e, void *arg), void *arg,
              struct entity_page *p)
{
    struct event_query q;
    int rc;

    buf_init(&p->rows, WEB_MAX_BODY);
    if ((rc = store_get_entity(st, slug, &p->e)) != ALM_OK)
        return rc;
    if (p->e.events == 0)
        return ALM_ENOTFOUND;
    if ((rc = family_gather(st, p)) != ALM_OK)
        return rc;
    if ((rc = store_entity_neighbours(st, p->e.name, ENTITY_NEIGHBOURS, take_neighbour, p)) !=
        ALM_OK)
        return rc;
    if ((rc = store_entity_guides(st, p->e.name, ENTITY_GUIDES, take_guide, p)) != ALM_OK)
        return rc;
    /* The chart ends at this week, or at the newest event's when that is
     * older: an entity quiet for a year still shows its activity. */
    p->first_week = render_chart_first(now, p->e.last, ENTITY_CHART_WEEKS);
    if (p->first_week != render_chart_first(now, 0, ENTITY_CHART_WEEKS))
        snprintf(p->chart_caption, sizeof(p->chart_caption),
                 "Events per week, the %d weeks to its newest event", ENTITY_CHART_WEEKS);
    render_filter_query(&(struct web_filter){ .period = "all" }, now, &q);
    q.entity = p->e.name;
    if ((rc = store_events_per_week(st, &q, p->first_week, ENTITY_CHART_WEEKS, p->counts)) !=
        ALM_OK)
        return rc;
    render_filter_query(f, now, &q);
    q.entity = p->e.name;
    if ((rc = store_count_matching(st, &q, &p->total)) != ALM_OK)
        return rc;
    p->pages = limit > 0 ? (p->total + limit - 1) / limit : 1;
    if (row == NULL)
        return ALM_OK;
    q.limit = limit;
    q.offset = (f->page - 1) * limit;
    if (f->page > 1 && f->page > p->pages)
        return ALM_OK;
    return store_list_events(st, &q, row, arg);
}

void
entity_page_free(struct entity_page *p)
{
    if (p == NULL)
        return;
    entity_info_fini(&p->e);
    family_clear(p);
    for (int i = 0; i < p->nnb; i++) {
        free(p->nb[i].slug);
        free(p->nb[i].name);
        free(p->nb[i].kind);
    }
    for (int i = 0; i < p->ngd; i++) {
        free(p->gd[i].slug);
        free(p->gd[i].title);
    }
    buf_fini(&p->rows);
    free(p);
}

/* ---- the generated description ---- */

static void
put_month(struct buf *b, time_t t)
{
    static const char *const months[] = { "January", "February", "March", "April", "May",
                                          "June", "July", "August", "September", "October",
                                          "November", "December" };
    struct tm tm;

    gmtime_r(&t, &tm);
    buf_printf(b, "%s %d", months[tm.tm_mon], tm.tm_year + 1900);
}

void
entity_view_describe(struct buf *b, const struct entity_page *p)
{
    const struct entity_info *e = &p->e;
    int shown = 0;

    buf_printf(b, "%s is %s", e->name, kind_phrase(e->kind));
    if (p->family_name && strcmp(p->family_name, e->name) != 0)
        buf_printf(b, " of the %s family", p->family_name);
    else if (p->family_name)
        buf_printf(b, ", the name of a family of %d model%s", p->nfamily,
                   p->nfamily == 1 ? "" : "s");
    if (e->aliases.n > 0) {
        buf_puts(b, ", also called ");
        for (size_t i = 0; i < e->aliases.n; i++) {
            if (shown++)
                buf_puts(b, i + 1 < e->aliases.n ? ", " : " or ");
            buf_puts(b, e->aliases.v[i]);
        }
    }
    buf_printf(b, ". Named in %lld event%s", (long long)e->events, e->events == 1 ? "" : "s");
    if (e->first > 0 && e->last > 0) {
        struct tm a, z;
        time_t t0 = e->first, t1 = e->last;
        gmtime_r(&t0, &a);
        gmtime_r(&t1, &z);
        if (a.tm_year == z.tm_year && a.tm_mon == z.tm_mon) {
            buf_puts(b, " in ");
            put_month(b, e->first);
        } else {
            buf_puts(b, " from ");
            put_month(b, e->first);
            buf_puts(b, " to ");
            put_month(b, e->last);
        }
    }
    for (int i = 0; i < p->nnb && i < 3; i++) {
        buf_puts(b, i == 0 ? ", most often with " : i + 1 == (p->nnb < 3 ? p->nnb : 3) ? " and "
                                                                                     : ", ");
        buf_puts(b, p->nb[i].name);
    }
    buf_puts(b, ".");
}
