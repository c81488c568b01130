/*
 * send.c - the outbound half of fetch.h: one POST (webhooks) or one e-mail
 * (SMTP), on a curl easy handle each, behind the same SSRF guard as the
 * fetches: the open-socket callback checks every address curl connects to.
 */
#include "fetch/fetch.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "base/buf.h"
#include "base/xalloc.h"

#define REPLY_MAX 4096            /* what we keep of a webhook's answer */

struct sending {
    int allow_local;
    char refused[128];
    struct buf reply;
    const char *msg;              /* the e-mail being read out */
    size_t len, pos;
    char errbuf[CURL_ERROR_SIZE];
};

static curl_socket_t
guard_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *a)
{
    struct sending *x = clientp;
    const char *why;
    int type = a->socktype;

    (void)purpose;
    if (!x->allow_local && (why = fetch_addr_reason(&a->addr)) != NULL) {
        if (x->refused[0] == '\0') {
            char ip[INET6_ADDRSTRLEN] = "?";
            const void *p = NULL;
            struct sockaddr_in in;
            struct sockaddr_in6 in6;

            if (a->family == AF_INET) {
                memcpy(&in, &a->addr, sizeof(in));
                p = &in.sin_addr;
            } else if (a->family == AF_INET6) {
                memcpy(&in6, &a->addr, sizeof(in6));
                p = &in6.sin6_addr;
            }
            if (p)
                inet_ntop(a->family, p, ip, sizeof(ip));
            snprintf(x->refused, sizeof(x->refused), "refused: %s is %s", ip, why);
        }
        return CURL_SOCKET_BAD;
    }
#ifdef SOCK_CLOEXEC
    type |= SOCK_CLOEXEC;
#endif
    return socket(a->family, type, a->protocol);
}

/* Keeps the first bytes of an answer (REPLY_MAX, or the request's
 * max_reply), and reads on. */
static size_t
on_reply(char *p, size_t size, size_t nmemb, void *ud)
{
    struct sending *x = ud;
    size_t n = size * nmemb;

    (void)buf_append(&x->reply, p, n);
    return n;
}

/* Hands curl the message to send, a piece at a time. */
static size_t
on_read(char *out, size_t size, size_t nmemb, void *ud)
{
    struct sending *x = ud;
    size_t room = size * nmemb, n = x->len - x->pos;

    if (n > room)
        n = room;
    memcpy(out, x->msg + x->pos, n);
    x->pos += n;
    return n;
}

static int
common_opts(CURL *e, const struct fetch_opts *o, struct sending *x, const char *url,
            const char *protocols)
{
    int bad = 0;

    bad |= curl_easy_setopt(e, CURLOPT_URL, url) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, protocols) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, o->connect_timeout) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_TIMEOUT, o->timeout) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, o->low_speed_time) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, guard_socket) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, x) != CURLE_OK;
    /* Through a proxy the guard would check the proxy, not the destination. */
    bad |= curl_easy_setopt(e, CURLOPT_PROXY, "") != CURLE_OK;
    /* One connection per send: nothing a local request opened is reused. */
    bad |= curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L) != CURLE_OK;
    return bad ? ALM_EFETCH : ALM_OK;
}

static char *
failure_text(const struct sending *x, CURLcode cc)
{
    char text[512];

    if (x->refused[0] != '\0')
        return xstrdup(x->refused);
    if (cc == CURLE_OPERATION_TIMEDOUT)
        return xstrdup("timed out");
    snprintf(text, sizeof(text), "%s", x->errbuf[0] ? x->errbuf : curl_easy_strerror(cc));
    return xstrdup(text);
}

int
fetch_post(const struct fetch_opts *o, const struct fetch_post_req *req,
           struct fetch_result **out)
{
    struct sending x;
    struct curl_slist *hdrs = NULL;
    struct fetch_result *res;
    struct curl_header *h = NULL;
    CURL *e;
    CURLcode cc;
    int bad;

    if (o == NULL || req == NULL || req->url == NULL || out == NULL)
        return ALM_EINVAL;
    memset(&x, 0, sizeof(x));
    x.allow_local = req->allow_local || o->allow_local_all;
    buf_init(&x.reply, req->max_reply ? req->max_reply : REPLY_MAX);
    if ((e = curl_easy_init()) == NULL)
        return ALM_EFETCH;
    bad = common_opts(e, o, &x, req->url, "http,https") != ALM_OK;
    bad |= curl_easy_setopt(e, CURLOPT_USERAGENT,
                            o->user_agent ? o->user_agent : "almanac/0.1") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_POST, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDS, req->body ? req->body : "") != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                            (curl_off_t)(req->body ? req->len : 0)) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_reply) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_WRITEDATA, &x) != CURLE_OK;
    for (size_t i = 0; req->headers && req->headers[i]; i++) {
        struct curl_slist *n = curl_slist_append(hdrs, req->headers[i]);
        if (n == NULL) {
            bad = 1;
            break;
        }
        hdrs = n;
    }
    /* curl would otherwise wait for a "100 Continue" on bigger bodies */
    if (!bad) {
        struct curl_slist *n = curl_slist_append(hdrs, "Expect:");
        if (n == NULL)
            bad = 1;
        else
            hdrs = n;
    }
    bad |= curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK;
    if (bad) {
        curl_slist_free_all(hdrs);
        curl_easy_cleanup(e);
        buf_fini(&x.reply);
        return ALM_EFETCH;
    }
    cc = curl_easy_perform(e);
    res = xcalloc(1, sizeof(*res));
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &res->status);
    if ((res->status == 429 || res->status == 503) &&
        curl_easy_header(e, "Retry-After", 0, CURLH_HEADER, -1, &h) == CURLHE_OK)
        res->retry_after = fetch_retry_after(h->value);
    res->effective_url = xstrdup(req->url);
    res->len = x.reply.len;
    res->body = buf_take(&x.reply);
    if (cc != CURLE_OK) {
        res->error = failure_text(&x, cc);
    } else if (res->status >= 200 && res->status < 300) {
        res->ok = 1;
    } else {
        char text[64];
        snprintf(text, sizeof(text), "HTTP %ld", res->status);
        res->error = xstrdup(text);
    }
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(e);
    *out = res;
    return ALM_OK;
}

int
fetch_mail(const struct fetch_opts *o, const struct fetch_mail_req *req,
           struct fetch_result **out)
{
    struct sending x;
    struct curl_slist *rcpt = NULL;
    struct fetch_result *res;
    CURL *e;
    CURLcode cc;
    int bad;

    if (o == NULL || req == NULL || req->url == NULL || req->from == NULL ||
        req->rcpt == NULL || req->rcpt[0] == NULL || req->message == NULL || out == NULL)
        return ALM_EINVAL;
    memset(&x, 0, sizeof(x));
    x.allow_local = req->allow_local || o->allow_local_all;
    x.msg = req->message;
    x.len = req->len;
    buf_init(&x.reply, REPLY_MAX);
    if ((e = curl_easy_init()) == NULL)
        return ALM_EFETCH;
    bad = common_opts(e, o, &x, req->url, "smtp,smtps") != ALM_OK;
    bad |= curl_easy_setopt(e, CURLOPT_MAIL_FROM, req->from) != CURLE_OK;
    for (size_t i = 0; req->rcpt[i]; i++) {
        struct curl_slist *n = curl_slist_append(rcpt, req->rcpt[i]);
        if (n == NULL) {
            bad = 1;
            break;
        }
        rcpt = n;
    }
    bad |= curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_USE_SSL,
                            req->tls_optional ? (long)CURLUSESSL_TRY
                                              : (long)CURLUSESSL_ALL) != CURLE_OK;
    if (req->ca_file)
        bad |= curl_easy_setopt(e, CURLOPT_CAINFO, req->ca_file) != CURLE_OK;
    if (req->user) {
        bad |= curl_easy_setopt(e, CURLOPT_USERNAME, req->user) != CURLE_OK;
        bad |= curl_easy_setopt(e, CURLOPT_PASSWORD, req->password ? req->password : "")
               != CURLE_OK;
    }
    bad |= curl_easy_setopt(e, CURLOPT_UPLOAD, 1L) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_READDATA, &x) != CURLE_OK;
    bad |= curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)req->len) != CURLE_OK;
    if (bad) {
        curl_slist_free_all(rcpt);
        curl_easy_cleanup(e);
        buf_fini(&x.reply);
        return ALM_EFETCH;
    }
    cc = curl_easy_perform(e);
    res = xcalloc(1, sizeof(*res));
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &res->status);
    res->effective_url = xstrdup(req->url);
    res->len = x.reply.len;
    res->body = buf_take(&x.reply);
    if (cc == CURLE_OK)
        res->ok = 1;
    else
        res->error = failure_text(&x, cc);
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(e);
    *out = res;
    return ALM_OK;
}
