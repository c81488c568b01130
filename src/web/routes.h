/*
 * routes.h - which handler answers a path. The server asks web_route() for
 * every path except its own (/healthz, /metrics).
 */
#ifndef ALMANAC_ROUTES_H
#define ALMANAC_ROUTES_H

#include "web/web.h"

/* The handler for path, or NULL (the server answers 404). */
web_handler *web_route(const char *path);

#endif
