/*
 * score.c - what is shared of a score: releasing it, and writing its reasons
 * (the score itself comes from the fitted model, judge.c).
 */
#include "analyze/score.h"

#include <stdlib.h>
#include <string.h>

#include "base/err.h"

void
score_fini(struct score *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].text);
    free(s->v);
    s->v = NULL;
    s->n = 0;
    s->value = 0;
}

int
score_format(const struct score *s, struct buf *out)
{
    for (size_t i = 0; i < s->n; i++) {
        int rc = buf_printf(out, "%+.2f  %s\n", s->v[i].points, s->v[i].text);
        if (rc != ALM_OK)
            return rc;
    }
    return ALM_OK;
}
