/*
 * access_log.h - the server's access log, written in batches.
 *
 * Each server thread appends its lines to a buffer of its own (no lock is
 * shared between threads on the request path); a flusher thread writes
 * every buffer out once a second, and a thread whose buffer passes
 * ACCESS_LOG_FLUSH_BYTES writes it itself. So a line reaches the file
 * within about a second, lines are never torn, and there is one write()
 * per batch instead of one per request: stdio's per-line write and its
 * shared stream lock were a sixth of the server's time under load
 * (bench/web).
 */
#ifndef ALMANAC_ACCESS_LOG_H
#define ALMANAC_ACCESS_LOG_H

#include <stddef.h>

#define ACCESS_LOG_FLUSH_BYTES ((size_t)64 << 10)

struct access_log;

/* Writes to fd (borrowed; not closed). NULL when the flusher cannot start. */
struct access_log *access_log_new(int fd);
/* Appends one line (n bytes, its '\n' included) from the calling thread. */
void access_log_add(struct access_log *l, const char *line, size_t n);
/* Writes out everything buffered now (any thread may call it). */
void access_log_flush(struct access_log *l);
/* Stops the flusher, writes out what is left and frees the log. Call it
 * once no thread adds lines any more. */
void access_log_free(struct access_log *l);

#endif
