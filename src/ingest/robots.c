/*
 * robots.c - the robots.txt reader (see robots.h).
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "ingest/robots.h"

/* Rules longer than this are ignored (no real robots.txt writes them). */
#define PATTERN_MAX 512

/* Marks the states reachable from set ones through '*' (which may match
 * nothing). */
static void
closure(const char *p, size_t n, unsigned char *st)
{
    for (size_t i = 0; i < n; i++) {
        if (st[i] && p[i] == '*')
            st[i + 1] = 1;
    }
}

/*
 * 1 when pattern p[0..n) matches the start of path (the whole of it with a
 * final '$'); '*' matches any run of bytes. A walk of the pattern's
 * positions, one step per byte of the path: no backtracking, so no pattern
 * can make it slow.
 */
static int
match(const char *p, size_t n, const char *path)
{
    unsigned char st[PATTERN_MAX + 1], next[PATTERN_MAX + 1];
    int anchored = n > 0 && p[n - 1] == '$';

    if (anchored)
        n--;
    if (n > PATTERN_MAX)
        return 0;
    memset(st, 0, n + 1);
    st[0] = 1;
    closure(p, n, st);
    for (;; path++) {
        int any = 0;
        if (st[n] && !anchored)
            return 1;
        if (*path == '\0')
            return st[n];
        memset(next, 0, n + 1);
        for (size_t i = 0; i < n; i++) {
            if (!st[i])
                continue;
            if (p[i] == '*')
                next[i] = 1;
            else if (p[i] == *path)
                next[i + 1] = 1;
        }
        if (st[n] && n > 0 && p[n - 1] == '*')
            next[n] = 1;
        closure(p, n, next);
        memcpy(st, next, n + 1);
        for (size_t i = 0; i <= n; i++)
            any |= st[i];
        if (!any)
            return 0;
    }
}

/* The line's field name before ':' lower-cased into key, its trimmed value
 * (comment removed) as v[0..*vn); 0 when the line has no ':'. */
static int
split(const char *line, size_t n, char *key, size_t keylen, const char **v, size_t *vn)
{
    const char *colon = memchr(line, ':', n), *e;
    size_t k = 0;
    const char *hash = memchr(line, '#', n);

    if (hash)
        n = (size_t)(hash - line);
    if (colon == NULL || colon >= line + n)
        return 0;
    for (const char *p = line; p < colon && k + 1 < keylen; p++) {
        if (!isspace((unsigned char)*p))
            key[k++] = (char)tolower((unsigned char)*p);
    }
    key[k] = '\0';
    *v = colon + 1;
    e = line + n;
    while (*v < e && isspace((unsigned char)**v))
        (*v)++;
    while (e > *v && isspace((unsigned char)e[-1]))
        e--;
    *vn = (size_t)(e - *v);
    return 1;
}

/* Whether the User-agent value names agent (a case-insensitive match of
 * the agent's product token within it) or is "*" (2 and 1, else 0). */
static int
agent_match(const char *v, size_t vn, const char *agent)
{
    size_t an = strlen(agent);

    if (vn == 1 && v[0] == '*')
        return 1;
    for (size_t i = 0; an > 0 && i + an <= vn; i++) {
        if (strncasecmp(v + i, agent, an) == 0)
            return 2;
    }
    return 0;
}

/*
 * One pass over the file for groups of kind want (2: ours, 1: "*"): the
 * longest matching rule's length and whether it allows. Returns 1 when a
 * group of that kind exists.
 */
static int
scan(const char *txt, size_t len, const char *agent, const char *path, int want,
     size_t *best, int *allow)
{
    int in_group = 0, found = 0, last_was_agent = 0;
    size_t pos = 0;

    *best = 0;
    *allow = 1;
    while (pos < len) {
        const char *line = txt + pos, *nl = memchr(line, '\n', len - pos), *v;
        size_t n = nl ? (size_t)(nl - line) : len - pos, vn;
        char key[32];

        pos += n + (nl != NULL);
        if (!split(line, n, key, sizeof(key), &v, &vn))
            continue;
        if (strcmp(key, "user-agent") == 0) {
            int m = agent_match(v, vn, agent) == want;
            /* consecutive User-agent lines share the rules that follow */
            in_group = last_was_agent ? in_group || m : m;
            found |= m;
            last_was_agent = 1;
            continue;
        }
        last_was_agent = 0;
        if (!in_group)
            continue;
        if (strcmp(key, "disallow") == 0 || strcmp(key, "allow") == 0) {
            int is_allow = key[0] == 'a';
            if (vn == 0 || !match(v, vn, path))
                continue; /* an empty Disallow disallows nothing */
            if (vn > *best || (vn == *best && is_allow)) {
                *best = vn;
                *allow = is_allow;
            }
        }
    }
    return found;
}

int
robots_allowed(const char *txt, size_t len, const char *agent, const char *path)
{
    size_t best;
    int allow;

    if (txt == NULL || path == NULL)
        return 1;
    if (strcmp(path, "/robots.txt") == 0)
        return 1;
    if (scan(txt, len, agent, path, 2, &best, &allow))
        return allow;
    if (scan(txt, len, agent, path, 1, &best, &allow))
        return allow;
    return 1;
}
