/*
 * logfmt.h - log lines as logfmt: key=value pairs on one line, the format
 * of the server's access log and of the messages of ingest and serve.
 *
 *   ts=2026-11-28T12:00:00Z level=info msg="request" addr=127.0.0.1
 *   method=GET path=/healthz status=200 bytes=3 ms=0.123
 *
 * ts is RFC 3339 (UTC, seconds), level one of info, warn, error; msg is
 * always quoted. Other values are written bare when they are non-empty
 * printable ASCII without a space, '=' or '"'; otherwise quoted, with \"
 * and \\ escaped, \n \r \t for those, and \xHH for any other control or
 * non-ASCII byte (a log line stays one line of ASCII whatever a client or
 * a feed sends). A line is at most LOGFMT_MAX bytes: what does not fit is
 * cut, and a value cut by its own limit ends in "...".
 */
#ifndef ALMANAC_LOGFMT_H
#define ALMANAC_LOGFMT_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#define LOGFMT_MAX 8192

struct logfmt {
    char v[LOGFMT_MAX];
    size_t n;
};

/* Starts a line: ts (an RFC 3339 string, as timefmt_rfc3339 writes), level, msg. */
void logfmt_begin(struct logfmt *l, const char *ts, const char *level, const char *msg);
/* key=value; at most max bytes of val are kept (0: no limit); NULL val: key="". */
void logfmt_str(struct logfmt *l, const char *key, const char *val, size_t max);
void logfmt_uint(struct logfmt *l, const char *key, unsigned long long v);
/* key=milliseconds with three decimals, from microseconds. */
void logfmt_ms(struct logfmt *l, const char *key, unsigned long long us);
/* Ends the line with '\n'; returns its length (the bytes are l->v). */
size_t logfmt_end(struct logfmt *l);

/*
 * Writes one whole line to fp, stamped with the current time: level, msg,
 * then key and value strings in pairs, the list ended by NULL. A NULL
 * value leaves its pair out.
 */
void logfmt_print(FILE *fp, const char *level, const char *msg, ...);

#endif
