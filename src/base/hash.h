/*
 * hash.h - FNV-1a, 64 bits: the one non-cryptographic hash everything uses
 * (cache keys and ETags, content hashes and identities of items, analysis
 * terms). Its values are stored (items.content_hash, "h:" identities,
 * events.terms), so it never changes.
 */
#ifndef ALMANAC_HASH_H
#define ALMANAC_HASH_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A64_BASIS 0xcbf29ce484222325ULL

/* Folds n bytes of p into h (start from FNV1A64_BASIS). */
static inline uint64_t
fnv1a64_add(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;

    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* The hash of n bytes of p. */
static inline uint64_t
fnv1a64(const void *p, size_t n)
{
    return fnv1a64_add(FNV1A64_BASIS, p, n);
}

/* The value of an ASCII hex digit, or -1. */
static inline int
hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
