/*
 * routes.c - the table of content routes. (Placeholder until the pages,
 * API and feeds land: every path is a 404.)
 */
#include "web/routes.h"

#include <stddef.h>

web_handler *
web_route(const char *path)
{
    (void)path;
    return NULL;
}

void
web_error_page(const struct web_ctx *ctx, int status, struct web_response *resp)
{
    (void)ctx;
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
    buf_reset(&resp->body);
    buf_printf(&resp->body, "<!doctype html><title>%d</title><h1>%d</h1>", status, status);
}
