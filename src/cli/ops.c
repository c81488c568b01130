/*
 * ops.c - the operator's commands: `almanac backup FILE` (an online copy of
 * the database), `almanac migrate-to DSN` (the SQLite almanac copied into
 * an empty PostgreSQL database) and `almanac doctor` (is this installation
 * well?).
 */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "base/err.h"
#include "base/timefmt.h"
#include "base/xalloc.h"
#include "cli/cli.h"
#include "store/store.h"
#include "store/store_admin.h"
#include "store/store_web.h"

/* The database's file: --db, $ALMANAC_DB, else the configuration's; without
 * "sqlite:". NULL (reason printed) when the configuration must say and
 * does not load. */
static const char *
db_file(struct cli *c)
{
    const char *p = c->db_path;

    if (p == NULL) {
        if (cli_config(c) == NULL)
            return NULL;
        p = c->cfg->database;
    }
    return strncmp(p, "sqlite:", 7) == 0 ? p + 7 : p;
}

/* A database on a server ("postgres://...", "postgresql://..."), not a
 * file: no file to look for, no local disk to measure. */
static int
on_server(const char *db)
{
    return strstr(db, "://") != NULL;
}

int
cmd_backup(struct cli *c, int argc, char **argv)
{
    const char *file = NULL, *db;
    int force = 0, rc;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--force") == 0) {
            force = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "almanac: backup: unknown option '%s'\n", argv[i]);
            fprintf(stderr, "usage: almanac backup [--force] FILE\n");
            return 2;
        } else if (file == NULL) {
            file = argv[i];
        } else {
            fprintf(stderr, "almanac: backup: one FILE only ('%s')\n", argv[i]);
            return 2;
        }
    }
    if (file == NULL || *file == '\0') {
        fprintf(stderr, "usage: almanac backup [--force] FILE\n");
        return 2;
    }
    /* Refused before the database is even opened: no copy made for nothing. */
    if (!force && access(file, F_OK) == 0) {
        fprintf(stderr, "almanac: backup: %s exists (--force replaces it)\n", file);
        return 1;
    }
    db = db_file(c);
    if (db == NULL)
        return 1;
    if (!on_server(db) && access(db, F_OK) != 0) {
        fprintf(stderr, "almanac: backup: no database at %s\n", db);
        return 1;
    }
    if (cli_store(c) == NULL)
        return 1;
    rc = store_backup(c->st, file, force);
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: backup: %s\n", store_error(c->st));
        return 1;
    }
    printf("backed up %s to %s\n", db, file);
    return 0;
}

/* ---- migrate-to ---- */

static double
seconds_since(const struct timespec *t0)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

struct copied {
    struct timespec t0;
    int64_t rows;
    int tables;
};

static void
copied_table(const char *table, int64_t rows, void *arg)
{
    struct copied *k = arg;

    k->rows += rows;
    k->tables++;
    printf("%-18s %10lld rows  (%.2f s)\n", table, (long long)rows, seconds_since(&k->t0));
    fflush(stdout);
}

int
cmd_migrate_to(struct cli *c, int argc, char **argv)
{
    const char *dsn = NULL, *db;
    struct copied k = { 0 };
    int rc;

    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "almanac: migrate-to: unknown option '%s'\n", argv[i]);
            fprintf(stderr, "usage: almanac migrate-to DSN\n");
            return 2;
        } else if (dsn == NULL) {
            dsn = argv[i];
        } else {
            fprintf(stderr, "almanac: migrate-to: one DSN only ('%s')\n", argv[i]);
            return 2;
        }
    }
    if (dsn == NULL || *dsn == '\0') {
        fprintf(stderr, "usage: almanac migrate-to DSN\n");
        return 2;
    }
    if (strncmp(dsn, "postgres://", 11) != 0 && strncmp(dsn, "postgresql://", 13) != 0) {
        fprintf(stderr, "almanac: migrate-to: %s is not a PostgreSQL DSN"
                        " (postgres://... or postgresql://...)\n", dsn);
        return 2;
    }
    db = db_file(c);
    if (db == NULL)
        return 1;
    if (on_server(db)) {
        fprintf(stderr, "almanac: migrate-to: the almanac to copy must be a SQLite database"
                        " (--db FILE); %s is not\n", db);
        return 1;
    }
    if (access(db, F_OK) != 0) {
        fprintf(stderr, "almanac: migrate-to: no database at %s\n", db);
        return 1;
    }
    if (cli_store(c) == NULL)
        return 1;
    clock_gettime(CLOCK_MONOTONIC, &k.t0);
    rc = store_copy_to(c->st, dsn, copied_table, &k);
    if (rc == ALM_ENOTSUP) {
        fprintf(stderr, "almanac: migrate-to: the almanac to copy is not a SQLite database\n");
        return 1;
    }
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: migrate-to: %s\n", store_error(c->st));
        return 1;
    }
    printf("copied %s to PostgreSQL: %d tables, %lld rows, counts equal, in %.2f s\n", db,
           k.tables, (long long)k.rows, seconds_since(&k.t0));
    return 0;
}

/* ---- doctor ---- */

enum { OK, WARN, FAIL };
static const char *const level_name[] = { "ok", "warn", "fail" };

struct report {
    int json, worst;
    cJSON *checks;
};

static void
report(struct report *r, int level, const char *check, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
report(struct report *r, int level, const char *check, const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (level > r->worst)
        r->worst = level;
    if (r->json) {
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "check", check);
        cJSON_AddStringToObject(o, "status", level_name[level]);
        cJSON_AddStringToObject(o, "detail", msg);
        cJSON_AddItemToArray(r->checks, o);
    } else {
        printf("%-4s  %-9s %s\n", level_name[level], check, msg);
    }
}

struct health {
    int enabled, failing, retrying, worst_failures;
    char *worst_slug, *worst_error;
};

static int
one_source(const struct source_info *s, void *arg)
{
    struct health *h = arg;

    if (!s->enabled)
        return 0;
    h->enabled++;
    if (s->failures >= 5)
        h->failing++;
    else if (s->failures > 0)
        h->retrying++;
    if (s->failures > h->worst_failures) {
        h->worst_failures = s->failures;
        free(h->worst_slug);
        free(h->worst_error);
        h->worst_slug = xstrdup(s->slug);
        h->worst_error = s->last_error ? xstrdup(s->last_error) : NULL;
    }
    return 0;
}

static void
check_disk(struct report *r, const char *db)
{
    struct statvfs v;
    char *dir = NULL;
    const char *at = db;
    double avail, total, pct;

    if (access(db, F_OK) != 0) {
        /* not there yet: the filesystem it would be created on */
        char *slash;

        dir = xstrdup(db);
        slash = strrchr(dir, '/');
        if (slash == NULL)
            strcpy(dir, ".");
        else if (slash == dir)
            dir[1] = '\0';
        else
            *slash = '\0';
        at = dir;
    }
    if (statvfs(at, &v) != 0) {
        report(r, FAIL, "disk", "cannot read the filesystem of %s", at);
        free(dir);
        return;
    }
    avail = (double)v.f_bavail * (double)v.f_frsize;
    total = (double)v.f_blocks * (double)v.f_frsize;
    pct = total > 0 ? 100.0 * avail / total : 0;
    if (avail < 1e9 || pct < 10.0)
        report(r, WARN, "disk", "%.2f GB free of %.2f GB (%.0f%%) where %s is: under 1 GB or 10%%",
               avail / 1e9, total / 1e9, pct, at);
    else
        report(r, OK, "disk", "%.2f GB free of %.2f GB (%.0f%%)", avail / 1e9, total / 1e9, pct);
    free(dir);
}

int
cmd_doctor(struct cli *c, int argc, char **argv)
{
    struct report r = { 0 };
    struct store *st = NULL;
    const char *db = c->db_path;
    char err[512], qc[256];
    int v;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0) {
            r.json = 1;
        } else {
            fprintf(stderr, "almanac: doctor: unknown argument '%s'\n", argv[i]);
            fprintf(stderr, "usage: almanac doctor [--json]\n");
            return 2;
        }
    }
    if (r.json)
        r.checks = cJSON_CreateArray();

    /* the configuration */
    if (config_load(c->config_path, &c->cfg, err, sizeof(err)) == ALM_OK) {
        size_t on = 0;

        for (size_t i = 0; i < c->cfg->nsources; i++)
            on += c->cfg->sources[i].enabled != 0;
        report(&r, OK, "config", "%s loads: %zu sources, %zu enabled", c->config_path,
               c->cfg->nsources, on);
        if (db == NULL)
            db = c->cfg->database;
    } else {
        c->cfg = NULL;
        report(&r, FAIL, "config", "%s", err);
    }

    /* the database: opened for reading only, so the doctor changes nothing
     * (an older schema is reported, not migrated) */
    if (db == NULL) {
        report(&r, FAIL, "database", "no database: the configuration does not load and no --db");
    } else {
        if (strncmp(db, "sqlite:", 7) == 0)
            db += 7;
        if (!on_server(db) && access(db, F_OK) != 0) {
            report(&r, FAIL, "database", "%s does not exist", db);
        } else if (store_open_readonly(db, &st, err, sizeof(err)) != ALM_OK) {
            report(&r, FAIL, "database", "%s", err);
            st = NULL;
        } else if ((v = store_schema_version(st)) != store_schema_latest(st)) {
            report(&r, FAIL, "database", "%s: schema %d, this almanac's is %d", db, v,
                   store_schema_latest(st));
        } else if (store_quick_check(st, qc, sizeof(qc)) != ALM_OK) {
            report(&r, FAIL, "database", "%s: quick_check: %s", db,
                   *qc ? qc : store_error(st));
        } else {
            report(&r, OK, "database", "%s opens, schema %d (current), quick_check ok", db, v);
        }
        if (on_server(db))
            report(&r, OK, "disk", "the database is on a server: its disk is the server's");
        else
            check_disk(&r, db);
    }

    /* the sources' health, as the last fetches left it */
    if (st) {
        struct health h = { 0 };

        if (store_list_source_info(st, one_source, &h) != ALM_OK)
            report(&r, FAIL, "sources", "cannot read them: %s", store_error(st));
        else if (h.failing)
            report(&r, WARN, "sources",
                   "%d of %d failing (5+ failures in a row), %d retrying; worst: %s, %d "
                   "failures: %.200s", h.failing, h.enabled, h.retrying, h.worst_slug,
                   h.worst_failures, h.worst_error ? h.worst_error : "-");
        else if (h.retrying)
            report(&r, OK, "sources", "%d enabled, none failing, %d retrying; worst: %s, %d "
                   "failures: %.200s", h.enabled, h.retrying, h.worst_slug, h.worst_failures,
                   h.worst_error ? h.worst_error : "-");
        else
            report(&r, OK, "sources", "%d enabled, none failing", h.enabled);
        free(h.worst_slug);
        free(h.worst_error);
    }

    /* the clock: never behind what was already stored by more than a day */
    if (st) {
        time_t newest = 0;
        char when[64], nowtxt[64];

        if (store_newest_first_seen(st, &newest) != ALM_OK) {
            report(&r, FAIL, "clock", "cannot read the newest item: %s", store_error(st));
        } else if (newest == 0) {
            timefmt_rfc3339(c->now, nowtxt);
            report(&r, OK, "clock", "%s; no items stored to compare with", nowtxt);
        } else {
            timefmt_rfc3339(c->now, nowtxt);
            timefmt_rfc3339(newest, when);
            if (c->now < newest - 86400)
                report(&r, FAIL, "clock", "%s is more than a day before the newest item's "
                       "first sighting, %s", nowtxt, when);
            else
                report(&r, OK, "clock", "%s; newest item first seen %s", nowtxt, when);
        }
    }
    store_close(st);
    if (r.json) {
        cJSON *o = cJSON_CreateObject();
        char *s;

        cJSON_AddBoolToObject(o, "ok", r.worst == OK);
        cJSON_AddItemToObject(o, "checks", r.checks);
        s = cJSON_PrintUnformatted(o);
        printf("%s\n", s ? s : "{\"ok\":false}");
        free(s);
        cJSON_Delete(o);
    }
    return r.worst == OK ? 0 : 1;
}

/* ---- prune ---- */

/* AGE ("90d", "6w", "18m", "2y") before now: whole days and weeks, calendar
 * months and years (UTC). ALM_EINVAL for anything else. */
static int
age_cutoff(const char *age, time_t now, time_t *out)
{
    char *end = NULL;
    long n;
    struct tm tm;

    if (age == NULL || *age < '0' || *age > '9')
        return ALM_EINVAL;
    n = strtol(age, &end, 10);
    if (end == NULL || end[0] == '\0' || end[1] != '\0' || n < 1 || n > 1000)
        return ALM_EINVAL;
    switch (*end) {
    case 'd': *out = now - (time_t)n * 86400; return ALM_OK;
    case 'w': *out = now - (time_t)n * 7 * 86400; return ALM_OK;
    case 'm':
    case 'y':
        if (gmtime_r(&now, &tm) == NULL)
            return ALM_EINVAL;
        if (*end == 'y')
            tm.tm_year -= (int)n;
        else
            tm.tm_mon -= (int)n;
        *out = timegm(&tm);
        return ALM_OK;
    default:
        return ALM_EINVAL;
    }
}

int
cmd_prune(struct cli *c, int argc, char **argv)
{
    const char *age = NULL;
    int dry = 0, rc;
    time_t before;
    struct prune_stats ps;
    char when[21];

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--dry-run") == 0) {
            dry = 1;
        } else if (strcmp(argv[i], "--older-than") == 0 && i + 1 < argc) {
            age = argv[++i];
        } else {
            fprintf(stderr, "almanac: prune: %s '%s'\n",
                    strcmp(argv[i], "--older-than") == 0 ? "a value is needed after"
                                                          : "unknown argument", argv[i]);
            fprintf(stderr, "usage: almanac prune --older-than AGE [--dry-run]\n");
            return 2;
        }
    }
    if (age == NULL) {
        fprintf(stderr, "usage: almanac prune --older-than AGE [--dry-run]\n");
        return 2;
    }
    if (age_cutoff(age, c->now, &before) != ALM_OK) {
        fprintf(stderr, "almanac: prune: --older-than: expected N followed by d, w, m or y "
                        "(N from 1 to 1000), not '%.40s'\n", age);
        return 2;
    }
    if (cli_store(c) == NULL)
        return 1;
    rc = store_prune(c->st, before, dry, &ps);
    if (rc != ALM_OK) {
        fprintf(stderr, "almanac: prune: %s\n", store_error(c->st));
        return 1;
    }
    timefmt_rfc3339(before, when);
    printf("%s %lld items (%lld events) published before %s; kept %lld older items that a "
           "guide or a story with newer reports cites\n", dry ? "would remove" : "removed",
           (long long)ps.items, (long long)ps.events, when, (long long)ps.kept);
    return 0;
}
