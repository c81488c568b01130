/*
 * tests/unit/config.c - the config reader: the shipped etc/almanac.conf, good
 * and bad files written to a temporary directory, and the snapshot path rule.
 * Run from the repository root (make test does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/config.h"

#define SHIPPED "etc/almanac.conf"

static char tmpdir[64];

static int
setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/almanac-config-XXXXXX");
    return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to tmpdir/name and returns the path (static storage). */
static const char *
write_tmp(const char *name, const char *text)
{
    static char path[PATH_MAX];
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
    return path;
}

static int
file_exists(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void
test_shipped(void **state)
{
    struct config *c = NULL;
    char err[512] = "";
    char line[2048];
    FILE *idx;
    size_t files = 0;

    (void)state;
    if (config_load(SHIPPED, &c, err, sizeof(err)) != ALM_OK)
        fail_msg("%s", err);
    assert_true(c->nsources >= 45);
    assert_string_equal(c->database, "almanac.db");
    assert_int_equal(c->concurrency, 8);
    assert_int_equal(c->per_host, 2);
    assert_int_equal(c->timeout, 30);
    assert_int_equal(c->interval, 3600);
    assert_true(c->max_bytes == 16777216LL);

    /* The seed's publishers are there. */
    assert_non_null(config_find(c, "interconnects"));
    assert_string_equal(config_find(c, "interconnects")->author, "Nathan Lambert");
    assert_non_null(config_find(c, "the-batch"));
    assert_non_null(config_find(c, "huggingface"));
    assert_null(config_find(c, "no-such-source"));

    for (size_t i = 0; i < c->nsources; i++) {
        const struct source *s = &c->sources[i];

        assert_int_equal(config_source_validate(s, err, sizeof(err)), ALM_OK);
        assert_non_null(s->author);
        assert_non_null(s->site_url);
        assert_int_equal(s->local, 0);
        for (size_t j = 0; j < s->nsnapshots; j++) {
            char *p = config_snapshot_path(c, s->snapshots[j]);

            if (!file_exists(p))
                fail_msg("source %s: snapshot %s does not exist", s->slug, p);
            free(p);
        }
        assert_null(s->nsnapshots ? s->snapshots[s->nsnapshots] : NULL);
    }

    /* Every bundled file belongs to exactly one source. */
    idx = fopen("data/snapshot/INDEX.tsv", "r");
    assert_non_null(idx);
    assert_non_null(fgets(line, sizeof(line), idx)); /* the header */
    while (fgets(line, sizeof(line), idx) != NULL) {
        char want[2100];
        int refs = 0;

        line[strcspn(line, "\t\n")] = '\0';
        snprintf(want, sizeof(want), "data/snapshot/%s", line);
        for (size_t i = 0; i < c->nsources; i++)
            for (size_t j = 0; j < c->sources[i].nsnapshots; j++)
                refs += strcmp(c->sources[i].snapshots[j], want) == 0;
        if (refs != 1)
            fail_msg("%s is referenced by %d sources", want, refs);
        files++;
    }
    fclose(idx);
    assert_int_equal(files, 69);
    config_free(c);
}

static const struct {
    const char *text;
    int line;          /* the line the message must name */
    const char *what;  /* a part of the message */
} bad[] = {
    { "[source \"a\"]\nname = A\nfeed = https://a.example/feed\n"
      "[source \"b\"]\nname = B\nfeed = https://b.example/feed\n"
      "[source \"a\"]\nname = A2\nfeed = https://a2.example/feed\n",
      7, "duplicate source \"a\"" },
    { "[source \"a\"]\nname = A\nfeed = https://a.example/feed\ntier = 4\n", 4, "tier" },
    { "[source \"a\"]\nname = A\nfeed = https://a.example/feed\ntier = 0\n", 4, "tier" },
    { "[source \"a\"]\nname = A\nfeed = https://a.example/feed\ntier = two\n", 4, "tier" },
    { "[source \"a\"]\nname = A\nfeed = https://a.example/feed\nkind = blog\n", 4,
      "unknown kind \"blog\"" },
    { "[source \"a\"]\nname = A\nfeed = https://a.example/feed\ncolour = red\n", 4,
      "unknown key \"colour\"" },
    { "[almanac]\nworkers = 3\n", 2, "unknown key \"workers\"" },
    { "# no feed\n\n[source \"a\"]\nname = A\ntier = 1\n", 3, "feed is required" },
    { "[source \"a\"]\nfeed = https://a.example/feed\n", 1, "name is required" },
    { "[source \"a\"]\n", 1, "name is required" },
    { "[source \"Foo_Bar\"]\nname = A\nfeed = https://a.example/feed\n", 1, "slug" },
    { "[source \"\"]\nname = A\nfeed = https://a.example/feed\n", 1, "slug is empty" },
    { "[source \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"]\n"
      "name = A\nfeed = https://a.example/feed\n", 1, "longer than 64" },
    { "name = A\n", 1, "before any [section]" },
    { "[sources]\nname = A\n", 1, "unknown section [sources]" },
    { "[alert big]\nmin_score = 11\nwebhook = https://h.example/\n", 2,
      "min_score: expected a whole number from 1 to 10" },
    { "[alert Big]\nwebhook = https://h.example/\n", 1, "name: slug may only hold" },
    { "[alert a]\nwebhook = https://h.example/\n[alert a]\nwebhook = https://h.example/\n",
      3, "duplicate alert \"a\" (first defined on line 1)" },
    { "[alert a]\nmin_score = 8\n", 1, "give one target" },
    { "[alert a]\nwebhook = https://h.example/\nemail = a@b.example\n[smtp]\n"
      "url = smtp://m.example\nfrom = x@m.example\n", 1, "give one target" },
    { "[alert a]\nwebhook = ftp://h.example/\n", 2, "webhook: URL must start with http" },
    { "[alert a]\nkind = lab\n", 2, "unknown kind \"lab\" (expected release" },
    { "[alert a]\nwebhook = https://h.example/\nquiet_hours = 22:00-22:00\n", 3,
      "quiet_hours: expected HH:MM-HH:MM" },
    { "[alert a]\nwebhook = https://h.example/\nsecret_env = MY-KEY\n", 3,
      "not an environment variable" },
    { "[alert a]\nemail = a@b.example\n", 0, "no [smtp] section" },
    { "[alert a]\nemail = a@b.example\r\nBcc: x@y.example\n", 3, "unknown key \"Bcc\"" },
    { "[alert a]\nemail = <a@b.example>\n", 2, "not an e-mail address" },
    { "[smtp]\nurl = http://m.example\nfrom = x@m.example\n", 2, "smtp:// or smtps://" },
    { "[smtp]\nurl = smtp://m.example\n", 1, "[smtp] needs url and from" },
    { "[smtp]\nurl = smtp://m.example\nfrom = x@m.example\nstarttls = optional\n", 4,
      "only for a loopback" },
    { "[smtp]\nurl = smtps://127.0.0.1\nfrom = x@m.example\nstarttls = optional\n", 4,
      "only for a loopback" },
    { "[smtp]\nurl = smtp://m.example\nfrom = x@m.example\npassword_env = P\n", 4,
      "password_env needs user" },
    { "[smtp]\nurl = smtp://m.example\nfrom = x@m.example\n[smtp]\n", 4,
      "duplicate [smtp]" },
    { "[almanac\n", 1, "without ]" },
    { "[almanac] junk\n", 1, "text after" },
    { "[almanac]\nconcurrency = 0\n", 2, "concurrency" },
    { "[almanac]\nconcurrency = 100000\n", 2, "concurrency" },
    { "[almanac]\nmax_bytes = 99999999999999999999999\n", 2, "max_bytes" },
    { "[almanac]\ninterval = 5\n", 2, "interval" },
    { "[almanac]\ntimeout = 30s\n", 2, "timeout" },
    { "[almanac]\ndatabase =\n", 2, "empty" },
    { "[almanac]\ntimeout = 30\ntimeout = 40\n", 3, "given twice" },
    { "[source \"a\"]\nname = A\n  feed = https://a.example/feed\n", 3, "given twice" },
    { "[source \"a\"]\nname = A\nfeed = https://a.example/feed\nenabled = maybe\n", 4,
      "yes or no" },
    { "[source \"a\"]\nname = A\nfeed = https://a.example/feed\ninterval = 10\n", 4,
      "interval" },
    { "[source \"a\"]\nname = A\n\nfeed = ftp://a.example/feed\n", 4, "http" },
    { "[source \"a\"]\nname = A\nfeed = file:///srv/feed.xml\n", 3, "local = yes" },
    { "[source \"a\"]\nname = A\nfeed = https://a.example/feed\nsite = /about\n", 4,
      "site" },
    { "[almanac]\nthis line has no equals sign\n", 2, "syntax error" },
    { "[almanac]\n    [source \"a\"]\n", 2, "indented" },
    { "[almanac]\nuser_agent = "
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n", 2, "line longer" },
};

static void
test_bad(void **state)
{
    (void)state;
    for (size_t i = 0; i < LEN(bad); i++) {
        struct config *c = NULL;
        char err[512] = "", want[64];
        const char *path = write_tmp("bad.conf", bad[i].text);
        int rc = config_load(path, &c, err, sizeof(err));

        if (rc != ALM_ECONFIG)
            fail_msg("case %zu: accepted", i);
        assert_null(c);
        if (bad[i].line > 0)
            snprintf(want, sizeof(want), "bad.conf:%d: ", bad[i].line);
        else
            snprintf(want, sizeof(want), "bad.conf: ");
        if (strstr(err, want) == NULL || strstr(err, bad[i].what) == NULL)
            fail_msg("case %zu: got \"%s\", want line %d and \"%s\"", i, err,
                     bad[i].line, bad[i].what);
        assert_int_equal(strncmp(err, path, strlen(path)), 0);
    }
}

static void
test_alerts(void **state)
{
    struct config *c = NULL;
    char err[512] = "";
    const struct alert_rule *r;
    const char *path = write_tmp("alerts.conf",
        "[almanac]\n"
        "[alert \"big-releases\"]\n"
        "min_score = 8\nkind = release\nguide = agents\nsource = openai\n"
        "entity = Claude\nquiet_hours = 22:30-07:00\nmax_age = 24\nattempts = 3\n"
        "webhook = https://hooks.example/x?token=t\nsecret_env = HOOK_KEY\n"
        "[alert mail]\nemail = me@example.org\n"
        "[smtp]\nurl = smtp://localhost:2525\nfrom = almanac@example.org\n"
        "user = u\npassword_env = SMTP_PW\nstarttls = optional\nca_file = /x.pem\nlocal = yes\n");

    (void)state;
    if (config_load(path, &c, err, sizeof(err)) != ALM_OK)
        fail_msg("%s", err);
    assert_int_equal(c->nalerts, 2);
    r = config_find_alert(c, "big-releases");
    assert_non_null(r);
    assert_int_equal(r->min_score, 8);
    assert_string_equal(r->kind, "release");
    assert_string_equal(r->guide, "agents");
    assert_string_equal(r->source, "openai");
    assert_string_equal(r->entity, "Claude");
    assert_int_equal(r->quiet_start, 22 * 60 + 30);
    assert_int_equal(r->quiet_end, 7 * 60);
    assert_int_equal(r->max_age, 24);
    assert_int_equal(r->attempts, 3);
    assert_string_equal(r->secret_env, "HOOK_KEY");
    assert_null(r->email);
    r = config_find_alert(c, "mail");
    assert_non_null(r);
    assert_int_equal(r->quiet_start, -1);
    assert_int_equal(r->max_age, 48);
    assert_int_equal(r->attempts, 5);
    assert_string_equal(r->email, "me@example.org");
    assert_null(config_find_alert(c, "nope"));
    assert_string_equal(c->smtp.url, "smtp://localhost:2525");
    assert_string_equal(c->smtp.password_env, "SMTP_PW");
    assert_string_equal(c->smtp.ca_file, "/x.pem");
    assert_int_equal(c->smtp.starttls_optional, 1);
    assert_int_equal(c->smtp.local, 1);
    config_free(c);

    assert_true(config_url_is_loopback("smtp://127.0.0.1:25"));
    assert_true(config_url_is_loopback("smtp://user@localhost"));
    assert_true(config_url_is_loopback("smtp://[::1]:25"));
    assert_false(config_url_is_loopback("smtp://127.0.0.1.evil.example"));
    assert_false(config_url_is_loopback("smtp://localhost.evil.example"));
    assert_false(config_url_is_loopback("smtp://mail.example"));
}

static void
test_good(void **state)
{
    struct config *c = NULL;
    char err[512] = "";
    const struct source *s;
    const char *path = write_tmp("good.conf",
        "\xEF\xBB\xBF; a comment\r\n"
        "# another\r\n"
        "[almanac]\r\n"
        "token = s3cret ; inline comment\r\n"
        "concurrency = 16\r\n"
        "max_bytes = 1024\r\n"
        "interval = 600\r\n"
        "\r\n"
        "[source \"a-1\"]\r\n"
        "name = A & B: \"quoted\"\r\n"
        "feed = https://a.example/feed?x=1&y=2\r\n"
        "snapshot = one.xml two.xml ; two files\r\n"
        "    three.xml\r\n"
        "\r\n"
        "    four.xml\r\n"
        "snapshot = /abs/five.xml\r\n"
        "local = yes\r\n"
        "enabled = off\r\n"
        "interval = 0\r\n"
        "[ source  \"b\" ]\n"
        "name = B\n"
        "feed = file:///srv/b.xml\n"
        "local = true\n"
        "tier = 3\n"
        "kind = community\n"
        "interval = 7200");

    (void)state;
    if (config_load(path, &c, err, sizeof(err)) != ALM_OK)
        fail_msg("%s", err);
    assert_string_equal(c->token, "s3cret");
    assert_int_equal(c->concurrency, 16);
    assert_true(c->max_bytes == 1024);
    assert_int_equal(c->interval, 600);
    assert_int_equal(c->per_host, 2); /* a default */
    assert_int_equal(c->nsources, 2);
    s = config_find(c, "a-1");
    assert_non_null(s);
    assert_string_equal(s->name, "A & B: \"quoted\"");
    assert_string_equal(s->feed_url, "https://a.example/feed?x=1&y=2");
    assert_null(s->author);
    assert_null(s->site_url);
    assert_int_equal(s->tier, 2);
    assert_string_equal(s->kind, "newsletter");
    assert_int_equal(s->nsnapshots, 5);
    assert_string_equal(s->snapshots[0], "one.xml");
    assert_string_equal(s->snapshots[1], "two.xml");
    assert_string_equal(s->snapshots[2], "three.xml");
    assert_string_equal(s->snapshots[3], "four.xml");
    assert_string_equal(s->snapshots[4], "/abs/five.xml");
    assert_null(s->snapshots[5]);
    assert_int_equal(s->local, 1);
    assert_int_equal(s->enabled, 0);
    assert_int_equal(s->interval, 0);
    s = config_find(c, "b");
    assert_non_null(s);
    assert_int_equal(s->tier, 3);
    assert_string_equal(s->kind, "community");
    assert_int_equal(s->interval, 7200);
    assert_int_equal(s->enabled, 1);
    assert_null(s->snapshots);
    config_free(c);

    /* An empty file is a valid config with no sources. */
    path = write_tmp("empty.conf", "");
    assert_int_equal(config_load(path, &c, err, sizeof(err)), ALM_OK);
    assert_int_equal(c->nsources, 0);
    assert_string_equal(c->user_agent, "Almanac/0.1 (+https://github.com/almanac-news/almanac; "
                        "self-hosted AI news almanac)");
    assert_null(c->token);
    config_free(c);
    config_free(NULL);
}

static void
test_dir_rule(void **state)
{
    struct config *c = NULL;
    char err[512] = "", etc[PATH_MAX], real[PATH_MAX], want[PATH_MAX + 32];
    char *p;
    const char *text = "[source \"a\"]\nname = A\nfeed = https://a.example/\n"
                       "snapshot = data/x.xml\n";

    (void)state;
    assert_non_null(realpath(tmpdir, real));

    /* Outside etc/: the file's own directory. */
    assert_int_equal(config_load(write_tmp("a.conf", text), &c, err, sizeof(err)), ALM_OK);
    assert_string_equal(c->dir, real);
    p = config_snapshot_path(c, "data/x.xml");
    snprintf(want, sizeof(want), "%s/data/x.xml", real);
    assert_string_equal(p, want);
    free(p);
    p = config_snapshot_path(c, "/abs/y.xml");
    assert_string_equal(p, "/abs/y.xml");
    free(p);
    config_free(c);

    /* Inside etc/: the directory above it. */
    snprintf(etc, sizeof(etc), "%s/etc", tmpdir);
    assert_int_equal(mkdir(etc, 0700), 0);
    assert_int_equal(config_load(write_tmp("etc/almanac.conf", text), &c, err, sizeof(err)),
                     ALM_OK);
    assert_string_equal(c->dir, real);
    config_free(c);

    /* A file that is not there. */
    snprintf(want, sizeof(want), "%s/missing.conf", tmpdir);
    assert_int_equal(config_load(want, &c, err, sizeof(err)), ALM_ECONFIG);
    assert_non_null(strstr(err, "missing.conf: cannot open"));
    assert_int_equal(config_load(want, &c, NULL, 0), ALM_ECONFIG);
}

static void
test_validate(void **state)
{
    char err[256];
    struct source s = {
        .slug = "ok", .name = "OK", .feed_url = "https://ok.example/feed",
        .tier = 1, .kind = "lab", .enabled = 1,
    };

    (void)state;
    assert_int_equal(config_source_validate(&s, err, sizeof(err)), ALM_OK);
    s.kind = "blog";
    assert_int_equal(config_source_validate(&s, err, sizeof(err)), ALM_EINVAL);
    assert_non_null(strstr(err, "kind"));
    s.kind = "policy";
    s.tier = 4;
    assert_int_equal(config_source_validate(&s, err, sizeof(err)), ALM_EINVAL);
    s.tier = 3;
    s.slug = "Not OK";
    assert_int_equal(config_source_validate(&s, err, sizeof(err)), ALM_EINVAL);
    s.slug = "ok";
    s.feed_url = "file:///tmp/f.xml";
    assert_int_equal(config_source_validate(&s, err, sizeof(err)), ALM_EINVAL);
    s.local = 1;
    assert_int_equal(config_source_validate(&s, err, sizeof(err)), ALM_OK);
    s.feed_url = "https:// spaced.example/";
    assert_int_equal(config_source_validate(&s, err, sizeof(err)), ALM_EINVAL);
    s.feed_url = NULL;
    assert_int_equal(config_source_validate(&s, err, sizeof(err)), ALM_EINVAL);
    assert_non_null(strstr(err, "feed"));
    s.feed_url = "http://ok.example/";
    s.interval = 30;
    assert_int_equal(config_source_validate(&s, NULL, 0), ALM_EINVAL);
}

/* Reads a whole small file (static storage). */
static const char *
slurp(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "rb");
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

/* Files in tmpdir whose name starts with prefix (left-over temporaries). */
static int
count_prefixed(const char *prefix)
{
    char cmd[256], out[32] = "";
    FILE *p;

    snprintf(cmd, sizeof(cmd), "ls -A '%s' | grep -c '^%s'", tmpdir, prefix);
    p = popen(cmd, "r");
    assert_non_null(p);
    if (fgets(out, sizeof(out), p) == NULL)
        out[0] = '\0';
    pclose(p);
    return atoi(out);
}

static int
refuse_all(const struct config *c, void *arg, char *err, size_t errlen)
{
    (void)c;
    (void)arg;
    snprintf(err, errlen, "refused by the check");
    return ALM_ECONFIG;
}

static const char good_conf[] = "[source \"a\"]\nname = A\nfeed = https://a.example/feed\n";

/* config_replace: only a file that loads (and passes the check) replaces
 * the old one, which keeps its mode; a link is followed, not replaced. */
static void
test_replace(void **state)
{
    static const char broken[] = "[source \"a\"]\nname = A\nfeed = javascript:x\n";
    static const char two[] = "[source \"a\"]\nname = A\nfeed = https://a.example/feed\n"
                              "[source \"b\"]\nname = B\nfeed = https://b.example/feed\n";
    char path[PATH_MAX], link[PATH_MAX], err[512];
    struct config *c = NULL;
    struct stat st;

    (void)state;
    snprintf(path, sizeof(path), "%s", write_tmp("replace.conf", good_conf));
    assert_int_equal(chmod(path, 0640), 0);

    /* does not load: untouched, no temporary left */
    assert_int_equal(config_replace(path, broken, strlen(broken), NULL, NULL, &c, err, sizeof(err)),
                     ALM_ECONFIG);
    assert_null(c);
    assert_non_null(strstr(err, "feed:"));
    assert_string_equal(slurp(path), good_conf);
    assert_int_equal(count_prefixed(".replace.conf."), 0);

    /* loads, but the check refuses */
    assert_int_equal(config_replace(path, two, strlen(two), refuse_all, NULL, NULL, err,
                                    sizeof(err)), ALM_ECONFIG);
    assert_string_equal(err, "refused by the check");
    assert_string_equal(slurp(path), good_conf);
    assert_int_equal(count_prefixed(".replace.conf."), 0);

    /* loads: in place, same mode, the loaded config handed back */
    assert_int_equal(config_replace(path, two, strlen(two), NULL, NULL, &c, err, sizeof(err)),
                     ALM_OK);
    assert_non_null(c);
    assert_int_equal(c->nsources, 2);
    assert_string_equal(c->path, path);
    config_free(c);
    assert_string_equal(slurp(path), two);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);

    /* through a symbolic link: the target changes, the link stays */
    snprintf(link, sizeof(link), "%s/link.conf", tmpdir);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(config_replace(link, good_conf, strlen(good_conf), NULL, NULL, NULL, err,
                                    sizeof(err)), ALM_OK);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_string_equal(slurp(path), good_conf);

    /* no such file */
    snprintf(link, sizeof(link), "%s/missing.conf", tmpdir);
    assert_int_equal(config_replace(link, good_conf, strlen(good_conf), NULL, NULL, NULL, err,
                                    sizeof(err)), ALM_EIO);
}

/* The API's definitions: sections alone, the file's checks, merged after
 * the file's with the file's names winning. */
static void
test_fragment(void **state)
{
    static const char defs[] =
        "[source \"api-one\"]\nname = One\nfeed = https://one.example/feed\ntier = 1\n"
        "[source \"a\"]\nname = Shadowed\nfeed = https://shadow.example/feed\n"
        "[alert api-hook]\nmin_score = 8\nwebhook = https://hook.example/x\n";
    static const char mail[] = "[alert m]\nemail = a@b.example\n";
    char err[512], path[PATH_MAX];
    struct config *d = NULL, *file = NULL, *v;

    (void)state;
    assert_int_equal(config_parse_fragment(defs, strlen(defs), &d, err, sizeof(err)), ALM_OK);
    assert_int_equal(d->nsources, 2);
    assert_int_equal(d->nalerts, 1);
    assert_int_equal(d->sources[0].tier, 1);
    assert_int_equal(d->alerts[0].min_score, 8);

    /* e-mail needs [smtp] in a file, not in a fragment (the caller checks the file's) */
    assert_int_equal(config_parse_fragment(mail, strlen(mail), &v, err, sizeof(err)), ALM_OK);
    config_free(v);

    /* only [source] and [alert]; no snapshot; the reasons without a line */
    assert_int_equal(config_parse_fragment("[almanac]\ntoken = x\n", 21, &v, err, sizeof(err)),
                     ALM_ECONFIG);
    assert_non_null(strstr(err, "only [source"));
    assert_int_equal(config_parse_fragment("[smtp]\nurl = smtp://x\n", 22, &v, err,
                                           sizeof(err)), ALM_ECONFIG);
    static const char snap[] = "[source \"s\"]\nname = S\nfeed = https://s.example/\n"
                               "snapshot = /etc/passwd\n";
    assert_int_equal(config_parse_fragment(snap, strlen(snap), &v, err, sizeof(err)), ALM_ECONFIG);
    assert_non_null(strstr(err, "snapshot"));
    static const char tier[] = "[source \"s\"]\nname = S\nfeed = https://s.example/\ntier = 9\n";
    assert_int_equal(config_parse_fragment(tier, strlen(tier), &v, err, sizeof(err)), ALM_ECONFIG);
    assert_string_equal(err, "tier must be 1, 2 or 3, not \"9\"");

    /* merged: the file's first, an API name the file has left out */
    snprintf(path, sizeof(path), "%s", write_tmp("merge.conf", good_conf));
    assert_int_equal(config_load(path, &file, err, sizeof(err)), ALM_OK);
    v = config_merge(file, d);
    assert_int_equal(v->nfile_sources, file->nsources);
    assert_int_equal(v->nsources, file->nsources + (config_find(file, "a") ? 1 : 2));
    assert_non_null(config_find(v, "api-one"));
    if (config_find(file, "a"))
        assert_ptr_equal(config_find(v, "a")->feed_url, config_find(file, "a")->feed_url);
    assert_int_equal(v->nalerts, file->nalerts + 1);
    assert_ptr_equal(v->database, file->database);
    config_free(v);
    v = config_merge(file, NULL);
    assert_int_equal(v->nsources, file->nsources);
    config_free(v);
    config_free(file);
    config_free(d);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_alerts),
        cmocka_unit_test(test_dir_rule),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_replace),
        cmocka_unit_test(test_fragment),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
