/*
 * routes.h - which handler answers a path: every path the server serves,
 * its own /healthz and /metrics included, and the site's error page.
 */
#ifndef ALMANAC_ROUTES_H
#define ALMANAC_ROUTES_H

#include "web/request.h"
#include "web/status.h"

struct web_route {
    web_handler *fn;            /* NULL: nobody's (the server answers 404) */
    enum web_group group;       /* the request counter's label */
    int live;                   /* answered from the process's state: never cached, and
                                 * never waiting for a render slot or another's render */
};

/* The route of path; for a path nobody answers, fn is NULL and group the
 * one its prefix suggests (a missing /api/... is counted with the API). */
struct web_route web_route(const char *path);

/* The handler of a write (behind the configuration's token, which the
 * server checks) for path and method, or NULL; *allow gets the methods of
 * a path that has writes (for a 405), else NULL; *body_max the largest body
 * the write takes (0: none, a body is a 400). */
web_handler *web_write_route(const char *path, const char *method, const char **allow,
                             size_t *body_max);

/* The error answer for a status (404, 400, 500...) to a request for path
 * (the raw target will do; NULL: unknown): a JSON error under /api/, the
 * site's HTML error page elsewhere. */
void web_error_page(const struct web_ctx *ctx, const char *path, int status,
                    struct web_response *resp);

#endif
