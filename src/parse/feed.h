/*
 * feed.h - the normalized feed model and the parser's entry point.
 *
 * feed_parse() takes raw bytes (any of RSS 0.9x/1.0/2.0, Atom 0.3/1.0, JSON
 * Feed 1.x, in any common encoding) and returns one struct feed, the same
 * whatever the input format; ../shared/parse-contract.md defines its fields.
 * The parser never touches the network or the store, and never fails on
 * bad input: malformed documents come back with bozo set and the reason in
 * bozo_message, parsed as far as a human could.
 *
 * Every string in the model is UTF-8 and owned by the struct it hangs from;
 * feed_free() releases all of it. A NULL string means "absent".
 */
#ifndef ALMANAC_FEED_H
#define ALMANAC_FEED_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

enum feed_format {
    FEED_UNKNOWN = 0,
    FEED_RSS20,
    FEED_RSS09X,
    FEED_RSS,
    FEED_RSS10,
    FEED_ATOM10,
    FEED_ATOM03,
    FEED_ATOM,
    FEED_JSON1X,
};

/* Hard limits on what one parse may produce. */
#define FEED_MAX_BYTES ((size_t)64 << 20) /* input larger than this is cut */
#define FEED_MAX_ENTRIES 20000
#define FEED_MAX_FIELD ((size_t)4 << 20)  /* one text field */
#define FEED_MAX_DEPTH 256                /* element nesting */
#define FEED_MAX_LIST 256                 /* links, authors, categories... */

struct feed_link {
    char *rel;   /* "alternate" when the document gave none */
    char *href;
    char *type;
    char *title;
    int64_t length; /* enclosures: bytes, -1 when unknown */
};

struct feed_person {
    char *name;
    char *email;
    char *uri;
};

struct feed_image {
    char *url;
    char *title;
    char *link;
};

/* A growable list of owned pointers. */
struct feed_list {
    void **v;
    size_t n, cap;
};

struct feed_entry {
    char *id;
    char *title;
    char *link;
    struct feed_list links;      /* struct feed_link * */
    time_t published;            /* 0 when absent or unparseable */
    time_t updated;
    int has_published, has_updated;
    char *author;
    struct feed_list authors;    /* struct feed_person * */
    char *summary;               /* HTML fragment */
    char *content;               /* HTML fragment */
    struct feed_list categories; /* char * */
    struct feed_list enclosures; /* struct feed_link * (href, type, length) */
    char *image;                 /* extra: a picture from media:* or itunes:image */
};

struct feed {
    enum feed_format format;
    char *encoding;     /* the encoding used to decode, lower case */
    int bozo;
    char *bozo_message;

    char *title;
    char *link;
    struct feed_list links;
    char *subtitle;
    char *language;
    time_t updated, published;
    int has_updated, has_published;
    char *author;
    struct feed_list authors;
    char *id;
    struct feed_image *image;
    char *rights;
    struct feed_list categories;

    struct feed_list entries;    /* struct feed_entry *, document order */
};

/*
 * Parses len bytes of data. base_url, when not NULL, is the document's own
 * address: relative URLs without an xml:base resolve against it (the
 * contract's `parse FILE` passes NULL). Always returns a feed (never NULL);
 * free it with feed_free().
 */
struct feed *feed_parse(const char *data, size_t len, const char *base_url);
void feed_free(struct feed *f);

const char *feed_format_name(enum feed_format fmt);

/* Appends the contract's JSON object for f (no trailing newline). */
struct buf;
int feed_to_json(const struct feed *f, struct buf *out);

/* Model helpers shared by the format parsers. */
void feed_list_push(struct feed_list *l, void *p);
struct feed_entry *feed_entry_new(void);
void feed_entry_free(struct feed_entry *e);
struct feed_link *feed_link_new(void);
void feed_link_free(struct feed_link *l);
struct feed_person *feed_person_new(void);
void feed_person_free(struct feed_person *p);
/* Records the first reason a document was malformed. */
void feed_set_bozo(struct feed *f, const char *why);

#endif
