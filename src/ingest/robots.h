/*
 * robots.h - reads a robots.txt (RFC 9309) enough to ask whether a path
 * may be fetched.
 *
 * The group for our product token ("almanac", matched case-insensitively
 * against each User-agent line) applies when there is one, else the "*"
 * group, else nothing is disallowed. Within the group the longest Allow or
 * Disallow pattern matching the path decides (Allow on a tie); patterns
 * are prefixes of the path and query, where '*' matches any run of bytes
 * and a final '$' anchors the end. An empty Disallow allows everything.
 * Unknown lines and comments are ignored. Nothing is allocated.
 */
#ifndef ALMANAC_ROBOTS_H
#define ALMANAC_ROBOTS_H

#include <stddef.h>

/* 1 when agent may fetch path ("/a/b?q") under the rules in txt[0..len). */
int robots_allowed(const char *txt, size_t len, const char *agent, const char *path);

#endif
