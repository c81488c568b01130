/*
 * config.h - reads etc/almanac.conf: global settings and the list of sources.
 *
 * The file is INI, parsed with libinih; its format is documented at the top of
 * etc/almanac.conf. config_load() checks everything it reads (unknown keys and
 * sections, numbers out of range, bad slugs, duplicate slugs, missing name or
 * feed) and reports the first problem as "file:line: reason". The struct config
 * it returns owns every string and array it points to; free it with
 * config_free(). Nothing here prints.
 */
#ifndef ALMANAC_CONFIG_H
#define ALMANAC_CONFIG_H

#include <stddef.h>

#include "base/err.h"

#define CONFIG_SLUG_MAX 64
/* The longest line the loader reads, newline not counted (libinih's
 * INI_MAX_LINE, 200, less the newline and the NUL): a writer of
 * configurations must keep "key = value" within it. */
#define CONFIG_LINE_MAX 198

/* The kinds of source, in display order; NULL-terminated. */
extern const char *const config_kinds[];

/* One [source "slug"] section. */
struct source {
    char *slug, *name, *author, *feed_url, *site_url; /* author, site_url may be NULL */
    int tier;            /* 1..3 */
    char *kind;          /* lab company newsletter press research policy community */
    char **snapshots;    /* NULL-terminated list of paths as written, may be NULL */
    size_t nsnapshots;
    int local;           /* may fetch loopback/private/file: addresses */
    int enabled;
    int interval;        /* seconds, 0 = use the global default */
    int fulltext;        /* fetch every item's linked article, not only short ones */
};

/*
 * One [alert NAME] section: which events (every filter given must hold) and
 * where they go (a webhook or an e-mail address, one of the two).
 */
struct alert_rule {
    char *name;          /* a slug */
    int min_score;       /* 0: any */
    char *guide, *entity, *source, *kind; /* NULL: any; kind is an event kind */
    int quiet_start, quiet_end; /* quiet hours, minutes after 00:00 UTC; -1: none */
    int max_age;         /* hours: events published longer ago are not alerted (default 48) */
    int attempts;        /* deliveries tried this many times end as dead letters (default 5) */
    char *webhook;       /* http(s) URL, or NULL */
    char *secret_env;    /* the environment variable holding the HMAC key, or NULL */
    char *email;         /* an address, or NULL */
    int local;           /* the webhook may be on a loopback/private address */
};

/* The [smtp] section, for rules with email. */
struct smtp_conf {
    char *url;           /* smtp://host[:port] or smtps://host[:port]; NULL: no section */
    char *from;
    char *user;          /* NULL: no authentication */
    char *password_env;  /* the environment variable holding the password */
    int starttls_optional; /* only for a loopback url: STARTTLS when offered */
    int local;           /* the server may be on a loopback/private address */
    char *ca_file;       /* a CA bundle to verify the server's certificate, or NULL */
};

/*
 * The [llm] section: an OpenAI-compatible chat completions API that may
 * write events' summaries (src/llm). Without the section, enabled is 0 and
 * nothing is sent anywhere.
 */
struct llm_conf {
    int enabled;         /* the section is present and not enabled = no */
    char *endpoint;      /* base URL; POST {endpoint}/chat/completions */
    char *model;
    char *key_env;       /* the environment variable holding the API key, or NULL */
    int timeout;         /* seconds per request (default 60) */
    int rate;            /* requests per minute at most (default 30) */
    int per_run;         /* requests per ingest or summarize run at most (default 100) */
    int failures;        /* consecutive failures that open the circuit (default 3) */
    int cooldown;        /* seconds the open circuit sends nothing (default 600) */
    int local;           /* the endpoint may be on a private address (loopback always may) */
};

struct config {
    char *path;          /* the file it was read from, as given */
    /*
     * Directory snapshot paths are relative to, absolute. If the config file sits
     * in a directory named "etc", it is that directory's parent (so
     * ./etc/almanac.conf gives the repository root); otherwise it is the
     * directory of the file.
     */
    char *dir;
    char *database, *user_agent, *token; /* token may be NULL */
    int concurrency, per_host, timeout, interval;
    int feed_scores;     /* feeds put "[score] " before each title (default 1) */
    long long max_bytes;
    /* linked articles (ingest/articles.c): fetches per host per run, body cap,
     * seconds per transfer */
    int article_budget, article_timeout;
    long long article_max_bytes;
    struct source *sources;
    size_t nsources;
    struct alert_rule *alerts;
    size_t nalerts;
    struct smtp_conf smtp;
    struct llm_conf llm;
    /* config_merge(): a view whose arrays hold the file's sections first
     * (nfile_* of them), then those added through the API; it owns only
     * its arrays. */
    int view;
    size_t nfile_sources, nfile_alerts;
};

/* The event kinds an alert rule's kind may name; NULL-terminated. */
extern const char *const config_event_kinds[];

/* The rule named name, or NULL. */
const struct alert_rule *config_find_alert(const struct config *c, const char *name);

/* 1 when url's host is a loopback name or address (localhost, 127.x, ::1). */
int config_url_is_loopback(const char *url);

/*
 * Reads and checks the file at path. Returns ALM_OK and sets *out, or
 * ALM_ECONFIG with "file:line: reason" (or "file: reason") in err.
 */
int config_load(const char *path, struct config **out, char *err, size_t errlen);
void config_free(struct config *c);

/*
 * Reads text as [source "slug"] and [alert NAME] sections only (what the
 * API stores for the sources and rules it adds), with the file's checks
 * but no snapshot key and no [smtp] needed for e-mail (the file has it):
 * ALM_OK and *out (config_free), or ALM_ECONFIG with the reason, no line.
 */
int config_parse_fragment(const char *text, size_t len, struct config **out, char *err,
                          size_t errlen);
/*
 * A view of file with extra's sources and rules after the file's (an
 * extra one whose name the file has is left out: the file's sections are
 * authoritative for their names). It borrows everything but its arrays;
 * config_free() frees those only. Neither may be freed while it is used.
 */
struct config *config_merge(const struct config *file, const struct config *extra);

/* The source with this slug, or NULL. */
const struct source *config_find(const struct config *c, const char *slug);

/*
 * Checks one source on its own (slug, name, feed and site URLs, tier, kind,
 * interval): ALM_OK, or ALM_EINVAL with the reason in err. Uniqueness of the
 * slug is the caller's business.
 */
int config_source_validate(const struct source *s, char *err, size_t errlen);

/*
 * Replaces the configuration file at path with the len bytes of text so
 * that a file that does not load is never left in its place: text is
 * written to a temporary file beside it (beside the target of a symbolic
 * link), with its permissions, and synced; that file is read with
 * config_load() and given to check (when not NULL), and only when both
 * accept it is it renamed over the old one. *out (when out is not NULL)
 * gets the configuration loaded. ALM_ECONFIG with the loader's or check's
 * reason, or ALM_EIO; the old file is then untouched.
 */
int config_replace(const char *path, const char *text, size_t len,
                   int (*check)(const struct config *c, void *arg, char *err, size_t errlen),
                   void *arg, struct config **out, char *err, size_t errlen);

/* The path of a snapshot: itself when absolute, else joined to c->dir. Free it. */
char *config_snapshot_path(const struct config *c, const char *snapshot);

#endif
