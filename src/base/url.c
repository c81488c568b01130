/*
 * url.c - RFC 3986 reference resolution (libcurl's URL API does it; the
 * bytes it would rewrite are kept as written) and the identity form of
 * URLs, with what curl does not do: tracking parameters dropped, default
 * ports, spaces, hosts lower-cased.
 *
 * The identity form works on views (pointer and length) into the caller's
 * string: a URL is split once into its five components and written into
 * one allocation, so hostile input costs memory in proportion to its
 * length and nothing more.
 */
#include "base/url.h"

#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "base/err.h"
#include "base/xalloc.h"

/* One component of a URI. def tells "absent" from "present but empty". */
struct part {
    const char *p;
    size_t len;
    int def;
};

struct uri {
    struct part scheme, auth, path, query, frag;
};

/* Query parameters that only say where a reader came from. */
static const char *const tracking_params[] = {
    "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "yclid",
    "_hsenc", "_hsmi", "igshid", "ref_src",
};

static int
is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int
to_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Case-insensitive (ASCII) comparison of a view with a C string. */
static int
part_eq(const char *p, size_t n, const char *s)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (s[i] == '\0' || to_lower((unsigned char)p[i]) != s[i])
            return 0;
    return s[i] == '\0';
}

/* The view of s without surrounding ASCII whitespace. */
static struct part
trim(const char *s)
{
    struct part v = { s, 0, 1 };
    size_t n;

    while (is_space((unsigned char)*v.p))
        v.p++;
    n = strlen(v.p);
    while (n > 0 && is_space((unsigned char)v.p[n - 1]))
        n--;
    v.len = n;
    return v;
}

/* Length of the scheme when s starts with "scheme:", else 0. */
static size_t
scheme_len(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || !is_alpha((unsigned char)s[0]))
        return 0;
    for (i = 1; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == ':')
            return i;
        if (!is_alpha(c) && !is_digit(c) && c != '+' && c != '-' && c != '.')
            return 0;
    }
    return 0;
}

/* Splits s[0..n) into components (RFC 3986 appendix B). */
static void
uri_split(const char *s, size_t n, struct uri *u)
{
    size_t i = 0, start, k;

    memset(u, 0, sizeof(*u));
    k = scheme_len(s, n);
    if (k > 0) {
        u->scheme = (struct part){ s, k, 1 };
        i = k + 1;
    }
    if (n - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        i += 2;
        start = i;
        while (i < n && s[i] != '/' && s[i] != '?' && s[i] != '#')
            i++;
        u->auth = (struct part){ s + start, i - start, 1 };
    }
    start = i;
    while (i < n && s[i] != '?' && s[i] != '#')
        i++;
    u->path = (struct part){ s + start, i - start, 1 };
    if (i < n && s[i] == '?') {
        start = ++i;
        while (i < n && s[i] != '#')
            i++;
        u->query = (struct part){ s + start, i - start, 1 };
    }
    if (i < n && s[i] == '#') {
        i++;
        u->frag = (struct part){ s + i, n - i, 1 };
    }
}

/* Removes the last segment and its '/' from out[0..o); returns the new length. */
static size_t
drop_last_segment(const char *out, size_t o)
{
    while (o > 0 && out[o - 1] != '/')
        o--;
    return o > 0 ? o - 1 : 0;
}

/*
 * RFC 3986 5.2.4 remove_dot_segments on path[0..n), for the canonical
 * form (resolution leaves it to libcurl). The output is never longer than
 * the input; out needs n + 1 bytes. Returns its length.
 */
static size_t
remove_dots(const char *path, size_t n, char *out)
{
    char *in = xstrndup(path, n);
    char *p = in;
    size_t o = 0;

    while (*p) {
        if (strncmp(p, "../", 3) == 0) {
            p += 3;
        } else if (strncmp(p, "./", 2) == 0 || strncmp(p, "/./", 3) == 0) {
            p += 2;
        } else if (strcmp(p, "/.") == 0) {
            /* "/." becomes "/": reuse the '.' byte for the slash. */
            p += 1;
            *p = '/';
        } else if (strncmp(p, "/../", 4) == 0) {
            p += 3;
            o = drop_last_segment(out, o);
        } else if (strcmp(p, "/..") == 0) {
            p += 2;
            *p = '/';
            o = drop_last_segment(out, o);
        } else if (strcmp(p, ".") == 0 || strcmp(p, "..") == 0) {
            break;
        } else {
            size_t k = *p == '/' ? 1 : 0;

            while (p[k] && p[k] != '/')
                k++;
            memcpy(out + o, p, k);
            o += k;
            p += k;
        }
    }
    free(in);
    out[o] = '\0';
    return o;
}

/* Appends n bytes at *o. */
static void
put(char **o, const char *s, size_t n)
{
    memcpy(*o, s, n);
    *o += n;
}

/*
 * The resolution itself is libcurl's (curl_url: the base set, then the
 * reference set on top of it). Its quirks are undone around it:
 *
 * - curl percent-encodes bytes >= 0x80 of a relative reference as %xx,
 *   writes its spaces %20 in the path and '+' in the query, and refuses
 *   control characters. Every '%', space and control byte of the base and
 *   the reference is passed escaped ('%' as "%25", protect_percent), so
 *   that afterwards every %xx is either one of those or one curl wrote,
 *   and unescape_curl turns all of them back: the bytes come out as
 *   written.
 * - curl drops an empty query ("?"); it is written back.
 * - curl 7.88 resolves "" and "#frag" against the base's directory (RFC
 *   3986 keeps the base's path and query), and "./?q" to "dir?q" (the
 *   directory's '/' lost): curl resolves the reference's authority and
 *   path only, its query and fragment are set as parts.
 * - A relative path whose first segment has a ':' ("2024:review") would be
 *   taken for a scheme; it is passed as "./2024:review".
 * - curl writes an empty path as "/"; when the resolved path is empty
 *   (RFC 3986 keeps it so) that '/' is taken out again (drop_root_slash).
 * - curl drops an empty fragment ("g#"); it is written back.
 * - curl wants an absolute base; a relative one ("/feeds/rss.xml", as a
 *   feed read from a file may have) is resolved below a placeholder
 *   origin that is taken off afterwards. So is a file: base, whose query
 *   curl would drop; its own "file://authority" is put back.
 *
 * What curl refuses (control characters, a malformed authority) comes
 * back as the reference as written, trimmed.
 */
#define PLACEHOLDER "http://almanac.invalid"

/* Bytes curl would refuse or rewrite: '%' itself, spaces, controls. */
static int
needs_protecting(unsigned char c)
{
    return c == '%' || c <= ' ' || c == 0x7f;
}

/* s[0..n) with every byte needs_protecting() says written %xx. */
static char *
protect_percent(const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t k = 0, o = 0;
    char *r;

    for (size_t i = 0; i < n; i++)
        k += needs_protecting((unsigned char)s[i]);
    r = xmalloc(n + 2 * k + 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (needs_protecting(c)) {
            r[o++] = '%';
            r[o++] = hex[c >> 4];
            r[o++] = hex[c & 15];
        } else {
            r[o++] = (char)c;
        }
    }
    r[o] = '\0';
    return r;
}

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Every %xx of s becomes its byte (in place). */
static void
unescape_curl(char *s)
{
    char *o = s;

    for (const char *p = s; *p; p++) {
        int hi, lo;

        if (*p == '%' && (hi = hexval((unsigned char)p[1])) >= 0 &&
            (lo = hexval((unsigned char)p[2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
}

/* Takes out the '/' curl writes for an empty path after the authority. */
static void
drop_root_slash(char *s)
{
    char *p = strstr(s, "://");

    if (p == NULL)
        return;
    p += 3;
    while (*p && *p != '/' && *p != '?' && *p != '#')
        p++;
    if (*p == '/' && (p[1] == '\0' || p[1] == '?' || p[1] == '#'))
        memmove(p, p + 1, strlen(p + 1) + 1);
}

/* s (taken) with a '?' before its fragment, or at its end, unless it has
 * one there already. */
static char *
put_empty_query(char *s)
{
    char *hash = strchr(s, '#'), *q = strchr(s, '?');
    size_t at = hash ? (size_t)(hash - s) : strlen(s), n = strlen(s);
    char *r;

    if (q != NULL && (hash == NULL || q < hash))
        return s;
    r = xmalloc(n + 2);
    memcpy(r, s, at);
    r[at] = '?';
    memcpy(r + at + 1, s + at, n - at + 1);
    free(s);
    return r;
}

/* s (taken) with a '#' at its end. */
static char *
put_empty_fragment(char *s)
{
    size_t n = strlen(s);
    char *r = xmalloc(n + 2);

    memcpy(r, s, n);
    r[n] = '#';
    r[n + 1] = '\0';
    free(s);
    return r;
}

/* curl's answer for ref against base, both trimmed; NULL when curl refuses. */
static char *
curl_resolve(const char *base, const struct part *r, int *path_empty, int *empty_query)
{
    const unsigned flags = CURLU_NON_SUPPORT_SCHEME;
    CURLU *h = curl_url();
    char *ref = protect_percent(r->p, r->len), *got = NULL, *res = NULL, *query, *frag;
    struct uri u;
    size_t seg = 0; /* the length of the reference's first path segment */
    CURLUcode rc;

    if (h == NULL) {
        free(ref);
        return NULL;
    }
    uri_split(r->p, r->len, &u);
    while (seg < u.path.len && u.path.p[seg] != '/')
        seg++;
    if (!u.auth.def && seg > 0 && memchr(u.path.p, ':', seg) != NULL) {
        /* "2024:review" is a path (no scheme starts with a digit), which
         * curl would take for a scheme: written "./2024:review", as RFC
         * 3986 4.2 says such a reference should be. */
        char *dot = xmalloc(strlen(ref) + 3);

        memcpy(dot, "./", 2);
        memcpy(dot + 2, ref, strlen(ref) + 1);
        free(ref);
        ref = dot;
    }
    *empty_query = u.query.def && u.query.len == 0;
    /* The reference's path is resolved by curl; its query and fragment
     * are set as parts after (curl 7.88 resolves "./?q" to "dir?q", and
     * "" or "#f" to the base's directory). */
    if ((frag = strchr(ref, '#')) != NULL)
        *frag++ = '\0';
    if ((query = strchr(ref, '?')) != NULL)
        *query++ = '\0';
    rc = curl_url_set(h, CURLUPART_URL, base, flags);
    if (rc == CURLUE_OK && !u.auth.def && u.path.len == 0) {
        /* "", "?q", "#f", "?q#f": the base's path, and its query unless
         * the reference has one. */
        struct uri b;

        if (query)
            rc = curl_url_set(h, CURLUPART_QUERY, query, 0);
        uri_split(base, strlen(base), &b);
        *path_empty = b.path.len == 0;
    } else if (rc == CURLUE_OK) {
        *path_empty = u.auth.def && u.path.len == 0;
        rc = curl_url_set(h, CURLUPART_URL, ref, flags);
        if (rc == CURLUE_OK)
            rc = curl_url_set(h, CURLUPART_QUERY, query, 0);
    }
    if (rc == CURLUE_OK)
        rc = curl_url_set(h, CURLUPART_FRAGMENT, frag, 0);
    if (rc == CURLUE_OK && curl_url_get(h, CURLUPART_URL, &got, 0) == CURLUE_OK)
        res = xstrdup(got);
    curl_free(got);
    curl_url_cleanup(h);
    free(ref);
    return res;
}

/* The length of "file://authority" at the start of s, 0 for another scheme. */
static size_t
file_origin_len(const struct part *s)
{
    size_t i = 7;

    if (s->len < 7 || !part_eq(s->p, 7, "file://"))
        return 0;
    while (i < s->len && s->p[i] != '/' && s->p[i] != '?' && s->p[i] != '#')
        i++;
    return i;
}

/* s (taken) with its first skip bytes replaced by the n bytes of with. */
static char *
swap_prefix(char *s, size_t skip, const char *with, size_t n)
{
    size_t len = strlen(s + skip);
    char *r = xmalloc(n + len + 1);

    memcpy(r, with, n);
    memcpy(r + n, s + skip, len + 1);
    free(s);
    return r;
}

char *
url_resolve(const char *base, const char *ref)
{
    const size_t plen = strlen(PLACEHOLDER);
    struct part r, bs, rest;
    struct uri ru;
    char *b, *pb, *res;
    int relative_base, path_empty = 0, empty_query = 0;
    size_t forigin = 0, n;

    if (ref == NULL)
        return NULL;
    r = trim(ref);
    bs = base ? trim(base) : (struct part){ "", 0, 1 };
    if (bs.len == 0 || scheme_len(r.p, r.len) > 0)
        return xstrndup(r.p, r.len);
    /* A relative base, or a file: one (curl drops the query of file:
     * URLs), is resolved as the path of the placeholder origin. */
    relative_base = scheme_len(bs.p, bs.len) == 0;
    forigin = relative_base ? 0 : file_origin_len(&bs);
    rest = (struct part){ bs.p + forigin, bs.len - forigin, 1 };
    pb = protect_percent(rest.p, rest.len);
    if (relative_base || forigin > 0) {
        int slash = rest.len == 0 || rest.p[0] != '/';

        n = strlen(pb);
        b = xmalloc(plen + 1 + n + 1);
        memcpy(b, PLACEHOLDER "/", plen + (size_t)slash);
        memcpy(b + plen + (size_t)slash, pb, n + 1);
        free(pb);
    } else {
        b = pb;
    }
    res = curl_resolve(b, &r, &path_empty, &empty_query);
    free(b);
    if (res == NULL)
        return xstrndup(r.p, r.len);
    unescape_curl(res);
    if (path_empty)
        drop_root_slash(res);
    if (empty_query)
        res = put_empty_query(res);
    uri_split(r.p, r.len, &ru);
    if (ru.frag.def && ru.frag.len == 0 && res[strlen(res) - 1] != '#')
        res = put_empty_fragment(res);
    if (relative_base) {
        if (strncmp(res, PLACEHOLDER, plen) == 0)
            /* "feeds/x" + "g" is "feeds/g", + "/g" is "/g" */
            res = swap_prefix(res, plen + (bs.p[0] != '/' && !(r.len > 0 && r.p[0] == '/')),
                              "", 0);
        else if (strncmp(res, "http:", 5) == 0)
            res = swap_prefix(res, 5, "", 0); /* "//host/x" */
    } else if (forigin > 0) {
        if (strncmp(res, PLACEHOLDER, plen) == 0)
            res = swap_prefix(res, plen, bs.p, forigin);
        else if (strncmp(res, "http:", 5) == 0)
            res = swap_prefix(res, 5, "file:", 5);
    }
    return res;
}

int
url_is_absolute(const char *s)
{
    if (s == NULL)
        return 0;
    return scheme_len(s, strlen(s)) > 0;
}

/*
 * Splits an authority into host and port, dropping userinfo. An IPv6
 * literal keeps its brackets in host. ALM_EINVAL when malformed.
 */
static int
split_authority(const struct part *auth, struct part *host, struct part *port)
{
    const char *p = auth->p, *end = auth->p + auth->len, *h;

    for (const char *q = p; q < end; q++)
        if (*q == '@')
            p = q + 1;
    h = p;
    if (p < end && *p == '[') {
        while (p < end && *p != ']')
            p++;
        if (p == end)
            return ALM_EINVAL;
        p++;
    } else {
        while (p < end && *p != ':')
            p++;
    }
    *host = (struct part){ h, (size_t)(p - h), 1 };
    *port = (struct part){ NULL, 0, 0 };
    if (p < end) {
        if (*p != ':')
            return ALM_EINVAL;
        p++;
        *port = (struct part){ p, (size_t)(end - p), 1 };
    }
    for (size_t i = 0; i < host->len; i++)
        if ((unsigned char)host->p[i] <= ' ' || host->p[i] == 0x7f)
            return ALM_EINVAL;
    return host->len > 0 ? ALM_OK : ALM_EINVAL;
}

/* True when a query parameter (name[=value]) is a tracking one. */
static int
is_tracking(const char *p, size_t n)
{
    size_t name = 0;

    while (name < n && p[name] != '=')
        name++;
    if (name >= 4 && part_eq(p, 4, "utm_"))
        return 1;
    for (size_t i = 0; i < LEN(tracking_params); i++)
        if (part_eq(p, name, tracking_params[i]))
            return 1;
    return 0;
}

/* Copies the query's parameters minus tracking and empty ones; returns the length. */
static size_t
filter_query(const struct part *q, char *out)
{
    size_t i = 0, o = 0;

    while (i < q->len) {
        size_t start = i;

        while (i < q->len && q->p[i] != '&')
            i++;
        if (i > start && !is_tracking(q->p + start, i - start)) {
            if (o > 0)
                out[o++] = '&';
            memcpy(out + o, q->p + start, i - start);
            o += i - start;
        }
        i++;
    }
    return o;
}

/* Normalizes a port: "" and the default become absent. 0 on success. */
static int
canonical_port(const struct part *port, int https, char out[6])
{
    char digits[5];
    size_t i = 0;
    long v = 0;
    int k = 0;

    out[0] = '\0';
    if (!port->def)
        return 0;
    for (size_t j = 0; j < port->len; j++)
        if (!is_digit((unsigned char)port->p[j]))
            return -1;
    while (i < port->len && port->p[i] == '0')
        i++;
    if (port->len - i > 5)
        return -1;
    for (; i < port->len; i++)
        v = v * 10 + (port->p[i] - '0');
    if (v > 65535 || (port->len > 0 && v == 0))
        return -1;
    if (port->len == 0 || v == (https ? 443 : 80))
        return 0;
    do {
        digits[k++] = (char)('0' + v % 10);
        v /= 10;
    } while (v > 0);
    while (k > 0)
        *out++ = digits[--k];
    *out = '\0';
    return 0;
}

/*
 * Feeds often carry raw spaces in links; they mean %20, and writing them
 * that way makes both spellings one identity. Takes s, returns a string.
 */
static char *
escape_spaces(char *s)
{
    size_t n = 0, len = 0;
    char *res, *o;

    for (const char *p = s; *p; p++, len++)
        n += *p == ' ';
    if (n == 0)
        return s;
    res = xmalloc(len + 2 * n + 1);
    o = res;
    for (const char *p = s; *p; p++) {
        if (*p == ' ')
            put(&o, "%20", 3);
        else
            *o++ = *p;
    }
    *o = '\0';
    free(s);
    return res;
}

/* Raw control characters make a string something other than a URL. */
static int
has_controls(const struct part *s)
{
    for (size_t i = 0; i < s->len; i++)
        if ((unsigned char)s->p[i] < 0x20 || s->p[i] == 0x7f)
            return 1;
    return 0;
}

char *
url_canonical(const char *url)
{
    struct part s, host, port;
    struct uri u;
    char portbuf[6], *res, *o;
    size_t n, plen;
    int https;

    if (url == NULL)
        return NULL;
    s = trim(url);
    if (has_controls(&s))
        return NULL;
    uri_split(s.p, s.len, &u);
    if (part_eq(u.scheme.p, u.scheme.len, "https"))
        https = 1;
    else if (part_eq(u.scheme.p, u.scheme.len, "http"))
        https = 0;
    else
        return NULL;
    if (!u.scheme.def || !u.auth.def || split_authority(&u.auth, &host, &port) != ALM_OK)
        return NULL;
    if (canonical_port(&port, https, portbuf) != 0)
        return NULL;
    /* Every step below only shortens its part, so this size is enough. */
    n = host.len + u.path.len + u.query.len + 24;
    res = xmalloc(n);
    o = res;
    put(&o, https ? "https://" : "http://", https ? 8 : 7);
    for (size_t i = 0; i < host.len; i++)
        *o++ = (char)to_lower((unsigned char)host.p[i]);
    if (portbuf[0]) {
        *o++ = ':';
        put(&o, portbuf, strlen(portbuf));
    }
    plen = u.path.len > 0 ? remove_dots(u.path.p, u.path.len, o) : 0;
    if (plen == 0)
        *o++ = '/';
    else
        o += plen;
    if (u.query.def) {
        size_t qlen = filter_query(&u.query, o + 1);

        if (qlen > 0) {
            *o = '?';
            o += qlen + 1;
        }
    }
    *o = '\0';
    return escape_spaces(res);
}

int
url_host(const char *url, char *out, size_t outlen)
{
    struct part s, host, port;
    struct uri u;

    if (url == NULL)
        return ALM_EINVAL;
    s = trim(url);
    uri_split(s.p, s.len, &u);
    if (!u.scheme.def || !u.auth.def || split_authority(&u.auth, &host, &port) != ALM_OK)
        return ALM_EINVAL;
    if (host.p[0] == '[') {
        host.p++;
        host.len -= 2;
        if (host.len == 0)
            return ALM_EINVAL;
    }
    if (host.len >= outlen)
        return ALM_ETOOBIG;
    for (size_t i = 0; i < host.len; i++)
        out[i] = (char)to_lower((unsigned char)host.p[i]);
    out[host.len] = '\0';
    return ALM_OK;
}

/*
 * Decodes one UTF-8 sequence at p; returns its length (0 for a bad one,
 * of which one byte should be skipped) and the code point in *cp.
 */
static size_t
utf8_decode(const unsigned char *p, unsigned long *cp)
{
    size_t n;
    unsigned long c;

    if (p[0] >= 0xC2 && p[0] <= 0xDF) {
        n = 2;
        c = p[0] & 0x1F;
    } else if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        n = 3;
        c = p[0] & 0x0F;
    } else if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        n = 4;
        c = p[0] & 0x07;
    } else {
        return 0;
    }
    /* Stops at the NUL, which is not a continuation byte. */
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (p[i] & 0x3F);
    }
    *cp = c;
    return n;
}

/* Non-ASCII spaces and punctuation separate words; letters do not. */
static int
is_separator_cp(unsigned long c)
{
    return (c >= 0x80 && c <= 0xBF) || c == 0xD7 || c == 0xF7
        || (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F)
        || (c >= 0xFF01 && c <= 0xFF0F) || c == 0xFEFF;
}

char *
url_slugify(const char *title, size_t maxlen)
{
    const unsigned char *p = (const unsigned char *)(title ? title : "");
    char *out = xmalloc(strlen((const char *)p) + 1);
    size_t o = 0;
    int dash = 0;

    while (*p) {
        unsigned long cp;
        size_t n;

        if (is_alpha(*p) || is_digit(*p)) {
            if (dash && o > 0)
                out[o++] = '-';
            dash = 0;
            out[o++] = (char)to_lower(*p++);
        } else if (*p < 0x80) {
            dash = 1;
            p++;
        } else if ((n = utf8_decode(p, &cp)) > 0) {
            if (is_separator_cp(cp))
                dash = 1;
            p += n;
        } else {
            p++;
        }
    }
    /* out never ends in '-': a dash is only written before a letter. */
    if (o > maxlen) {
        size_t cut = maxlen;

        if (out[maxlen] != '-') {
            while (cut > 0 && out[cut - 1] != '-')
                cut--;
            cut = cut > 0 ? cut - 1 : maxlen;
        }
        o = cut;
        while (o > 0 && out[o - 1] == '-')
            o--;
    }
    out[o] = '\0';
    return out;
}
