/*
 * types.c - the helpers of the types store.h's headers share with every
 * backend and caller (lists of strings, text queries, change tokens). They
 * call nothing of the store, so every backend's files may use them.
 */
#include <stdlib.h>

#include "base/xalloc.h"
#include "store/store.h"
#include "store/store_web.h"

void
str_list_fini(struct str_list *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

int
store_change_equal(const struct store_change *a, const struct store_change *b)
{
    return a->word[0] == b->word[0] && a->word[1] == b->word[1];
}

void
text_query_free(struct text_query *q)
{
    if (q == NULL)
        return;
    for (size_t i = 0; i < q->n; i++)
        free(q->v[i].text);
    free(q->v);
    free(q);
}

void
str_list_copy(struct str_list *dst, const struct str_list *src)
{
    dst->n = src->n;
    dst->v = src->n ? xcalloc(src->n, sizeof(*dst->v)) : NULL;
    for (size_t i = 0; i < src->n; i++)
        dst->v[i] = xstrdup(src->v[i]);
}
