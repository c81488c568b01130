/*
 * url.c - RFC 3986 reference resolution and the identity form of URLs.
 *
 * Everything works on views (pointer and length) into the caller's
 * string: a URL is split once into its five components and reassembled
 * into one exact-size allocation, so hostile input costs memory in
 * proportion to its length and nothing more.
 */
#include "base/url.h"

#include <stdlib.h>
#include <string.h>

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
 * RFC 3986 5.2.4 remove_dot_segments on path[0..n). The output is never
 * longer than the input; out needs n + 1 bytes. Returns its length.
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

/* RFC 3986 5.3: joins the components into a new string. */
static char *
uri_join(const struct uri *u)
{
    size_t n = u->scheme.len + u->auth.len + u->path.len + u->query.len + u->frag.len + 6;
    char *s = xmalloc(n), *o = s;

    if (u->scheme.def) {
        put(&o, u->scheme.p, u->scheme.len);
        put(&o, ":", 1);
    }
    if (u->auth.def) {
        put(&o, "//", 2);
        put(&o, u->auth.p, u->auth.len);
    }
    put(&o, u->path.p, u->path.len);
    if (u->query.def) {
        put(&o, "?", 1);
        put(&o, u->query.p, u->query.len);
    }
    if (u->frag.def) {
        put(&o, "#", 1);
        put(&o, u->frag.p, u->frag.len);
    }
    *o = '\0';
    return s;
}

/* RFC 3986 5.2.3 merge, then remove_dot_segments. Returns a new string. */
static char *
merge_path(const struct uri *b, const struct part *rpath, size_t *len)
{
    size_t keep = 0, n;
    char *joined, *out;

    if (b->auth.def && b->path.len == 0) {
        joined = xmalloc(rpath->len + 2);
        joined[0] = '/';
        memcpy(joined + 1, rpath->p, rpath->len);
        n = rpath->len + 1;
    } else {
        for (size_t i = 0; i < b->path.len; i++)
            if (b->path.p[i] == '/')
                keep = i + 1;
        joined = xmalloc(keep + rpath->len + 1);
        memcpy(joined, b->path.p, keep);
        memcpy(joined + keep, rpath->p, rpath->len);
        n = keep + rpath->len;
    }
    out = xmalloc(n + 1);
    *len = remove_dots(joined, n, out);
    free(joined);
    return out;
}

char *
url_resolve(const char *base, const char *ref)
{
    struct part r, bs;
    struct uri b, t, u;
    char *path = NULL, *res;
    size_t plen;

    if (ref == NULL)
        return NULL;
    r = trim(ref);
    if (base == NULL || trim(base).len == 0 || scheme_len(r.p, r.len) > 0)
        return xstrndup(r.p, r.len);
    bs = trim(base);
    uri_split(bs.p, bs.len, &b);
    uri_split(r.p, r.len, &u);
    /* RFC 3986 5.2.2, the branch for a reference without a scheme. */
    t.scheme = b.scheme;
    t.frag = u.frag;
    if (u.auth.def) {
        t.auth = u.auth;
        path = xmalloc(u.path.len + 1);
        plen = remove_dots(u.path.p, u.path.len, path);
        t.query = u.query;
    } else {
        t.auth = b.auth;
        if (u.path.len == 0) {
            path = xstrndup(b.path.p, b.path.len);
            plen = b.path.len;
            t.query = u.query.def ? u.query : b.query;
        } else {
            if (u.path.p[0] == '/') {
                path = xmalloc(u.path.len + 1);
                plen = remove_dots(u.path.p, u.path.len, path);
            } else {
                path = merge_path(&b, &u.path, &plen);
            }
            t.query = u.query;
        }
    }
    t.path = (struct part){ path, plen, 1 };
    res = uri_join(&t);
    free(path);
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
