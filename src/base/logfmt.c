/*
 * logfmt.c - log lines as logfmt (logfmt.h).
 */
#include "base/logfmt.h"

#include <stdarg.h>
#include <string.h>

#include "base/timefmt.h"

static void
put(struct logfmt *l, const char *s, size_t n)
{
    /* One byte stays free for the newline logfmt_end adds. */
    if (n > sizeof(l->v) - 1 - l->n)
        n = sizeof(l->v) - 1 - l->n;
    memcpy(l->v + l->n, s, n);
    l->n += n;
}

static void
puts_(struct logfmt *l, const char *s)
{
    put(l, s, strlen(s));
}

static int
bare(const char *s, size_t max)
{
    size_t n = 0;

    if (*s == '\0')
        return 0;
    for (; *s && (max == 0 || n < max); s++, n++) {
        unsigned char c = (unsigned char)*s;

        if (c <= ' ' || c >= 0x7f || c == '=' || c == '"' || c == '\\')
            return 0;
    }
    return *s == '\0'; /* a value to cut is quoted, to end in "..." */
}

/* s quoted, escaped as logfmt.h says; at most max bytes of it (0: all). */
static void
quoted(struct logfmt *l, const char *s, size_t max)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;

    put(l, "\"", 1);
    for (; *s && (max == 0 || n < max); s++, n++) {
        unsigned char c = (unsigned char)*s;
        char e[4] = { '\\', 0, 0, 0 };

        if (c == '"' || c == '\\') {
            e[1] = (char)c;
            put(l, e, 2);
        } else if (c == '\n' || c == '\r' || c == '\t') {
            e[1] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
            put(l, e, 2);
        } else if (c < 0x20 || c >= 0x7f) {
            e[1] = 'x';
            e[2] = hex[c >> 4];
            e[3] = hex[c & 15];
            put(l, e, 4);
        } else {
            put(l, (const char *)&c, 1);
        }
    }
    if (*s)
        put(l, "...", 3);
    put(l, "\"", 1);
}

static void
key(struct logfmt *l, const char *k)
{
    if (l->n > 0)
        put(l, " ", 1);
    puts_(l, k);
    put(l, "=", 1);
}

void
logfmt_begin(struct logfmt *l, const char *ts, const char *level, const char *msg)
{
    l->n = 0;
    key(l, "ts");
    puts_(l, ts);
    key(l, "level");
    puts_(l, level);
    key(l, "msg");
    quoted(l, msg ? msg : "", 0);
}

void
logfmt_str(struct logfmt *l, const char *k, const char *val, size_t max)
{
    key(l, k);
    if (val == NULL)
        put(l, "\"\"", 2);
    else if (bare(val, max))
        puts_(l, val);
    else
        quoted(l, val, max);
}

/* Unsigned decimal. */
static void
num(struct logfmt *l, unsigned long long v)
{
    char d[24];
    size_t i = sizeof(d);

    do
        d[--i] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    put(l, d + i, sizeof(d) - i);
}

void
logfmt_uint(struct logfmt *l, const char *k, unsigned long long v)
{
    key(l, k);
    num(l, v);
}

void
logfmt_ms(struct logfmt *l, const char *k, unsigned long long us)
{
    char frac[4] = { '.', (char)('0' + us / 100 % 10), (char)('0' + us / 10 % 10),
                     (char)('0' + us % 10) };

    key(l, k);
    num(l, us / 1000);
    put(l, frac, 4);
}

size_t
logfmt_end(struct logfmt *l)
{
    l->v[l->n++] = '\n'; /* put() always leaves this byte free */
    return l->n;
}

void
logfmt_print(FILE *fp, const char *level, const char *msg, ...)
{
    struct logfmt l;
    char ts[21];
    const char *k;
    va_list ap;

    timefmt_rfc3339(time(NULL), ts);
    logfmt_begin(&l, ts, level, msg);
    va_start(ap, msg);
    while ((k = va_arg(ap, const char *)) != NULL) {
        const char *v = va_arg(ap, const char *);

        if (v != NULL)
            logfmt_str(&l, k, v, 0);
    }
    va_end(ap);
    fwrite(l.v, 1, logfmt_end(&l), fp);
    fflush(fp);
}
