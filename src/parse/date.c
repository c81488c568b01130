/*
 * date.c - feed date parsing and formatting.
 *
 * Two parsers share one set of fields. Input that starts like an ISO 8601
 * date (four digits and '-', '/' or nothing, or eight digits) goes to the
 * strict positional parser; everything else goes to a word scanner that
 * takes tokens in any order (weekday, day, month, year, time, zone), which
 * is what RFC 822 dates look like once real feeds have had their way.
 * Calendar arithmetic is done with days-from-civil on int64_t so the
 * result never depends on timegm, the TZ variable or the locale.
 */
#include "parse/date.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/calendar.h"
#include "base/err.h"

enum {
    HAVE_YEAR = 1 << 0,
    HAVE_MON = 1 << 1,
    HAVE_DAY = 1 << 2,
    HAVE_TIME = 1 << 3,
    HAVE_ZONE = 1 << 4,
};

/* What a date said, before validation. zone is seconds east of UTC. */
struct fields {
    int year, mon, day, hour, min, sec;
    int year_digits;
    int zone;
    unsigned have;
};

#define WORD_MAX 24
#define ZONE_MAX_MIN (24 * 60 - 1)

static const struct {
    const char *name;
    int mon;
} months[] = {
    /* English, and the abbreviations every other language shares with it */
    { "jan", 1 }, { "january", 1 }, { "feb", 2 }, { "february", 2 },
    { "mar", 3 }, { "march", 3 }, { "apr", 4 }, { "april", 4 },
    { "may", 5 }, { "jun", 6 }, { "june", 6 }, { "jul", 7 }, { "july", 7 },
    { "aug", 8 }, { "august", 8 }, { "sep", 9 }, { "sept", 9 },
    { "september", 9 }, { "oct", 10 }, { "october", 10 }, { "nov", 11 },
    { "november", 11 }, { "dec", 12 }, { "december", 12 },
    /* German */
    { "januar", 1 }, { "jän", 1 }, { "jänner", 1 }, { "februar", 2 },
    { "mär", 3 }, { "märz", 3 }, { "mrz", 3 }, { "marz", 3 }, { "maerz", 3 },
    { "mai", 5 }, { "juni", 6 }, { "juli", 7 }, { "okt", 10 },
    { "oktober", 10 }, { "dez", 12 }, { "dezember", 12 },
    /* French */
    { "janv", 1 }, { "janvier", 1 }, { "févr", 2 }, { "fevr", 2 },
    { "fév", 2 }, { "fev", 2 }, { "février", 2 }, { "fevrier", 2 },
    { "mars", 3 }, { "avr", 4 }, { "avril", 4 }, { "juin", 6 },
    { "juil", 7 }, { "juillet", 7 }, { "août", 8 }, { "aout", 8 },
    { "septembre", 9 }, { "octobre", 10 }, { "novembre", 11 },
    { "déc", 12 }, { "décembre", 12 }, { "decembre", 12 },
    /* Spanish */
    { "ene", 1 }, { "enero", 1 }, { "febrero", 2 }, { "marzo", 3 },
    { "abr", 4 }, { "abril", 4 }, { "mayo", 5 }, { "junio", 6 },
    { "julio", 7 }, { "ago", 8 }, { "agosto", 8 }, { "set", 9 },
    { "septiembre", 9 }, { "setiembre", 9 }, { "octubre", 10 },
    { "noviembre", 11 }, { "dic", 12 }, { "diciembre", 12 },
    /* Italian */
    { "gen", 1 }, { "gennaio", 1 }, { "febbraio", 2 }, { "aprile", 4 },
    { "mag", 5 }, { "maggio", 5 }, { "giu", 6 }, { "giugno", 6 },
    { "lug", 7 }, { "luglio", 7 }, { "settembre", 9 }, { "ott", 10 },
    { "ottobre", 10 }, { "dicembre", 12 },
    /* Dutch */
    { "januari", 1 }, { "februari", 2 }, { "maart", 3 }, { "mrt", 3 },
    { "mei", 5 }, { "augustus", 8 },
    /* Portuguese */
    { "janeiro", 1 }, { "fevereiro", 2 }, { "março", 3 }, { "marco", 3 },
    { "maio", 5 }, { "junho", 6 }, { "julho", 7 }, { "setembro", 9 },
    { "out", 10 }, { "outubro", 10 }, { "novembro", 11 }, { "dezembro", 12 },
};

/* Weekday names are skipped wherever they appear; we never check them. */
static const char *const day_names[] = {
    "mon", "monday", "tue", "tues", "tuesday", "wed", "weds", "wednesday",
    "thu", "thur", "thurs", "thursday", "fri", "friday", "sat", "saturday",
    "sun", "sunday",
    "mo", "di", "mi", "do", "fr", "sa", "so", "montag", "dienstag",
    "mittwoch", "donnerstag", "freitag", "samstag", "sonnabend", "sonntag",
    "lun", "mar", "mer", "jeu", "ven", "sam", "dim", "lundi", "mardi",
    "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
    "mié", "mie", "jue", "vie", "sáb", "sab", "dom", "lunes", "martes",
    "miércoles", "miercoles", "jueves", "viernes", "sábado", "sabado",
    "domingo",
    "gio", "lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "sabato",
    "domenica",
    "ma", "wo", "vr", "za", "zo", "maandag", "dinsdag", "woensdag",
    "donderdag", "vrijdag", "zaterdag", "zondag",
    "seg", "ter", "qua", "qui", "sex", "segunda", "terça", "terca", "quarta",
    "quinta", "sexta", "feira",
};

/* Words that carry nothing: "January 1, 2004 at 10:00", "1 de enero". */
static const char *const fillers[] = {
    "at", "on", "of", "the", "de", "del", "um", "à", "le", "den", "der",
};

/* Offsets in minutes east of UTC. Single letters are handled apart. */
static const struct {
    const char *name;
    int min;
} zones[] = {
    { "gmt", 0 }, { "ut", 0 }, { "utc", 0 }, { "z", 0 }, { "wet", 0 },
    { "west", 60 }, { "bst", 60 }, { "cet", 60 }, { "cest", 120 },
    { "met", 60 }, { "mest", 120 }, { "mez", 60 }, { "mesz", 120 },
    { "eet", 120 }, { "eest", 180 }, { "msk", 180 }, { "msd", 240 },
    { "ist", 330 }, { "pkt", 300 }, { "ict", 420 }, { "wib", 420 },
    { "hkt", 480 }, { "sgt", 480 }, { "awst", 480 }, { "jst", 540 },
    { "kst", 540 }, { "acst", 570 }, { "acdt", 630 }, { "aest", 600 },
    { "aedt", 660 }, { "nzst", 720 }, { "nzdt", 780 },
    { "nst", -210 }, { "ndt", -150 }, { "ast", -240 }, { "adt", -180 },
    { "at", -240 }, { "est", -300 }, { "edt", -240 }, { "et", -300 },
    { "cst", -360 }, { "cdt", -300 }, { "ct", -360 }, { "mst", -420 },
    { "mdt", -360 }, { "mt", -420 }, { "pst", -480 }, { "pdt", -420 },
    { "pt", -480 }, { "akst", -540 }, { "akdt", -480 }, { "hst", -600 },
};

static int
is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A NO-BREAK SPACE (U+00A0) separates like a space. */
static int
is_nbsp(const char *p)
{
    return (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0;
}

static const char *
skip_space(const char *p)
{
    for (;;) {
        if (is_space((unsigned char)*p))
            p++;
        else if (is_nbsp(p))
            p += 2;
        else
            return p;
    }
}

/* Skips a "(comment)", nested or not; an unclosed one runs to the end. */
static const char *
skip_comment(const char *p)
{
    int depth = 0;

    for (; *p; p++) {
        if (*p == '(')
            depth++;
        else if (*p == ')' && --depth == 0)
            return p + 1;
    }
    return p;
}

/* Reads a run of digits; returns how many. The value saturates, never overflows. */
static int
read_digits(const char **pp, int *val)
{
    const char *p = *pp;
    int n = 0, v = 0;

    while (is_digit((unsigned char)*p)) {
        if (v < 100000000)
            v = v * 10 + (*p - '0');
        n++;
        p++;
    }
    *pp = p;
    *val = v;
    return n;
}


/* Validates the fields and turns them into UTC seconds. */
static int
fields_to_time(const struct fields *f, time_t *out)
{
    int year = f->year;
    int64_t secs;
    time_t t;

    if ((f->have & (HAVE_YEAR | HAVE_MON | HAVE_DAY)) != (HAVE_YEAR | HAVE_MON | HAVE_DAY))
        return ALM_EINVAL;
    if (f->year_digits <= 2)
        year += year < 50 ? 2000 : 1900;
    if (year < 1000 || year > 9999 || f->mon < 1 || f->mon > 12)
        return ALM_EINVAL;
    if (f->day < 1 || f->day > calendar_month_days(year, f->mon))
        return ALM_EINVAL;
    if (f->min > 59 || f->sec > 60)
        return ALM_EINVAL;
    /* 24:00:00 is the end of the day in ISO 8601; 23:59:60 a leap second. */
    if (f->hour > 24 || (f->hour == 24 && (f->min || f->sec)))
        return ALM_EINVAL;
    secs = calendar_days_from_civil(year, f->mon, f->day) * 86400
        + f->hour * 3600 + f->min * 60 + f->sec - f->zone;
    t = (time_t)secs;
    if ((int64_t)t != secs)
        return ALM_EINVAL;
    *out = t;
    return ALM_OK;
}

/*
 * Parses "+HHMM", "-HH:MM", "+HH" or "+HMM" at *pp into seconds east of
 * UTC. *pp points at the sign.
 */
static int
parse_offset(const char **pp, int *zone)
{
    const char *p = *pp;
    int sign = *p == '-' ? -1 : 1;
    int n, v, h, m = 0;

    p++;
    n = read_digits(&p, &v);
    if (n == 4 || n == 3) {
        h = v / 100;
        m = v % 100;
    } else if (n == 1 || n == 2) {
        h = v;
        if (*p == ':' && is_digit((unsigned char)p[1])) {
            p++;
            if (read_digits(&p, &m) != 2)
                return ALM_EINVAL;
        }
    } else {
        return ALM_EINVAL;
    }
    if (m > 59 || h * 60 + m > ZONE_MAX_MIN)
        return ALM_EINVAL;
    *zone = sign * (h * 3600 + m * 60);
    *pp = p;
    return ALM_OK;
}

/*
 * Copies the word at *pp (ASCII letters and any non-ASCII bytes) into w,
 * lower-cased, and advances past it. Returns its length, or -1 when it
 * does not fit (no name we know is that long).
 */
static int
read_word(const char **pp, char w[WORD_MAX])
{
    const char *p = *pp;
    int n = 0, too_long = 0;

    while (is_alpha((unsigned char)*p) || ((unsigned char)*p >= 0x80 && !is_nbsp(p))) {
        unsigned char c = (unsigned char)*p;

        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + ('a' - 'A'));
        /* Latin-1 capitals (U+00C0..U+00DE but U+00D7) fold like ASCII. */
        if (n > 0 && (unsigned char)w[n - 1] == 0xC3 && c >= 0x80 && c <= 0x9E && c != 0x97)
            c = (unsigned char)(c + 0x20);
        if (n < WORD_MAX - 1)
            w[n++] = (char)c;
        else
            too_long = 1;
        p++;
    }
    w[n] = '\0';
    *pp = p;
    return too_long ? -1 : n;
}

/*
 * The lexicon: every word of the tables above in one hash table, so that a
 * word costs one lookup instead of a scan of each table (a feed's dates
 * are mostly words like "Mon", "Nov" and "GMT"). Built once, on first use,
 * under pthread_once: the web server parses dates from several threads.
 */
enum { W_DAY = 1, W_FILLER = 2, W_ZONE = 4 };

struct word_info {
    const char *name;   /* NULL: a free slot */
    unsigned char mon;  /* 1..12 for a month name, else 0 */
    unsigned char kind; /* W_* bits; a word can be several ("mar", "at") */
    short zone_min;     /* W_ZONE: minutes east of UTC */
};

#define LEXICON_SIZE 512 /* a power of two, about twice the words we know */

static struct word_info lexicon[LEXICON_SIZE];
static pthread_once_t lexicon_once = PTHREAD_ONCE_INIT;

/* The slot holding w, or the free slot where w would go (FNV-1a hash). */
static struct word_info *
lexicon_slot(const char *w)
{
    uint32_t h = 2166136261u;
    size_t i;

    for (const char *c = w; *c; c++)
        h = (h ^ (unsigned char)*c) * 16777619u;
    i = h & (LEXICON_SIZE - 1);
    while (lexicon[i].name && strcmp(lexicon[i].name, w) != 0)
        i = (i + 1) & (LEXICON_SIZE - 1);
    return &lexicon[i];
}

static struct word_info *
lexicon_add(const char *name)
{
    struct word_info *e = lexicon_slot(name);

    e->name = name;
    return e;
}

static void
lexicon_build(void)
{
    for (size_t i = 0; i < LEN(months); i++)
        lexicon_add(months[i].name)->mon = (unsigned char)months[i].mon;
    for (size_t i = 0; i < LEN(day_names); i++)
        lexicon_add(day_names[i])->kind |= W_DAY;
    for (size_t i = 0; i < LEN(fillers); i++)
        lexicon_add(fillers[i])->kind |= W_FILLER;
    for (size_t i = 0; i < LEN(zones); i++) {
        struct word_info *e = lexicon_add(zones[i].name);
        e->kind |= W_ZONE;
        e->zone_min = (short)zones[i].min;
    }
}

/* What the tables say about the lower-case word w; NULL when nothing. */
static const struct word_info *
lexicon_find(const char *w)
{
    const struct word_info *e;

    pthread_once(&lexicon_once, lexicon_build);
    e = lexicon_slot(w);
    return e->name ? e : NULL;
}

/* Looks up a zone name; sets *zone in seconds east of UTC. */
static int
find_zone(const char *w, const struct word_info *e, int *zone)
{
    if (e && (e->kind & W_ZONE)) {
        *zone = e->zone_min * 60;
        return 1;
    }
    /*
     * Military letters, with the signs RFC 822 printed (A = -0100,
     * N = +0100), as feedparser reads them; J is not a zone.
     */
    if (w[0] >= 'a' && w[0] <= 'y' && w[0] != 'j' && w[1] == '\0') {
        int k = w[0] - 'a' + 1;

        if (w[0] > 'j')
            k--;
        *zone = (k <= 12 ? -k : k - 12) * 3600;
        return 1;
    }
    return 0;
}

/* Skips what may trail a date: spaces and "(comments)". True at the end. */
static int
only_junk_left(const char *p)
{
    for (;;) {
        p = skip_space(p);
        if (*p == '(')
            p = skip_comment(p);
        else
            return *p == '\0';
    }
}

/* ISO 8601 time: "HH:MM[:SS[.frac]]", "HHMM[SS]", then an optional zone. */
static int
parse_iso_time(const char *p, struct fields *f)
{
    int n, v;

    n = read_digits(&p, &v);
    if (n == 1 || n == 2) {
        f->hour = v;
        if (*p != ':')
            return ALM_EINVAL;
        p++;
        if (read_digits(&p, &f->min) != 2)
            return ALM_EINVAL;
        if (*p == ':') {
            p++;
            if (read_digits(&p, &f->sec) != 2)
                return ALM_EINVAL;
        }
    } else if (n == 4) {
        f->hour = v / 100;
        f->min = v % 100;
    } else if (n == 6) {
        f->hour = v / 10000;
        f->min = v / 100 % 100;
        f->sec = v % 100;
    } else {
        return ALM_EINVAL;
    }
    /* Fractions of a second are dropped: we store whole seconds. */
    if ((*p == '.' || *p == ',') && is_digit((unsigned char)p[1])) {
        p++;
        while (is_digit((unsigned char)*p))
            p++;
    }
    p = skip_space(p);
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        if (parse_offset(&p, &f->zone) != ALM_OK)
            return ALM_EINVAL;
    } else if (is_alpha((unsigned char)*p)) {
        char w[WORD_MAX];

        if (read_word(&p, w) < 0 || !find_zone(w, lexicon_find(w), &f->zone))
            return ALM_EINVAL;
    }
    return only_junk_left(p) ? ALM_OK : ALM_EINVAL;
}

/*
 * ISO 8601 / W3C-DTF / RFC 3339: "YYYY", "YYYY-MM", "YYYY-MM-DD",
 * "YYYYMMDD", optionally followed by 'T' or spaces and a time. '/' may
 * stand for '-'. p points at the first digit.
 */
static int
parse_iso(const char *p, struct fields *f)
{
    int n, v;

    f->mon = 1;
    f->day = 1;
    f->year_digits = 4;
    f->have = HAVE_YEAR | HAVE_MON | HAVE_DAY;
    n = read_digits(&p, &v);
    if (n == 8) {
        f->year = v / 10000;
        f->mon = v / 100 % 100;
        f->day = v % 100;
    } else if (n == 4) {
        char sep = *p;

        f->year = v;
        if (sep != '-' && sep != '/')
            return only_junk_left(p) ? ALM_OK : ALM_EINVAL;
        p++;
        n = read_digits(&p, &f->mon);
        if (n < 1 || n > 2)
            return ALM_EINVAL;
        if (*p != sep)
            return only_junk_left(p) ? ALM_OK : ALM_EINVAL;
        p++;
        n = read_digits(&p, &f->day);
        if (n < 1 || n > 2)
            return ALM_EINVAL;
    } else {
        return ALM_EINVAL;
    }
    if (*p == 'T' || *p == 't') {
        p++;
    } else if (is_space((unsigned char)*p)) {
        p = skip_space(p);
        if (!is_digit((unsigned char)*p))
            return only_junk_left(p) ? ALM_OK : ALM_EINVAL;
    } else {
        return only_junk_left(p) ? ALM_OK : ALM_EINVAL;
    }
    f->have |= HAVE_TIME;
    return parse_iso_time(p, f);
}

/* Looks like ISO 8601: four digits then '-', '/' or the end, or eight digits. */
static int
looks_iso(const char *p)
{
    int n = 0;

    while (is_digit((unsigned char)p[n]))
        n++;
    if (n == 8)
        return 1;
    if (n != 4)
        return 0;
    return p[n] == '-' || p[n] == '/' || only_junk_left(p + n);
}

/* "H:MM[:SS[.frac]]" in a free-form date. p points at the hour. */
static int
take_time(const char **pp, struct fields *f)
{
    const char *p = *pp;
    int n;

    if (f->have & HAVE_TIME)
        return ALM_EINVAL;
    n = read_digits(&p, &f->hour);
    if (n < 1 || n > 2 || *p != ':')
        return ALM_EINVAL;
    p++;
    n = read_digits(&p, &f->min);
    if (n < 1 || n > 2)
        return ALM_EINVAL;
    if (*p == ':' && is_digit((unsigned char)p[1])) {
        p++;
        n = read_digits(&p, &f->sec);
        if (n < 1 || n > 2)
            return ALM_EINVAL;
    }
    if (*p == '.' && is_digit((unsigned char)p[1])) {
        p++;
        while (is_digit((unsigned char)*p))
            p++;
    }
    f->have |= HAVE_TIME;
    *pp = p;
    return ALM_OK;
}

/* A number in a free-form date: a time, a year, a day, or a 2-digit year. */
static int
take_number(const char **pp, struct fields *f)
{
    const char *p = *pp;
    int n, v;

    n = read_digits(&p, &v);
    if (*p == ':')
        return take_time(pp, f);
    if (n == 4 && (f->have & HAVE_YEAR) && !(f->have & HAVE_TIME)) {
        /* "03 Apr 02 1500 GMT": a colonless HHMM once the year is known. */
        f->hour = v / 100;
        f->min = v % 100;
        f->have |= HAVE_TIME;
    } else if (n >= 3) {
        if ((f->have & HAVE_YEAR) || n > 4)
            return ALM_EINVAL;
        f->year = v;
        f->year_digits = n;
        f->have |= HAVE_YEAR;
    } else if (!(f->have & HAVE_DAY)) {
        f->day = v;
        f->have |= HAVE_DAY;
    } else if (!(f->have & HAVE_YEAR)) {
        f->year = v;
        f->year_digits = n;
        f->have |= HAVE_YEAR;
    } else {
        return ALM_EINVAL;
    }
    /* Ordinals: "1st", "22nd", "3rd", "4th". */
    if (is_alpha((unsigned char)p[0]) && is_alpha((unsigned char)p[1])
        && !is_alpha((unsigned char)p[2])) {
        char a = (char)(p[0] | 0x20), b = (char)(p[1] | 0x20);

        if ((a == 's' && b == 't') || (a == 'n' && b == 'd') || (a == 'r' && b == 'd')
            || (a == 't' && b == 'h'))
            p += 2;
    }
    *pp = p;
    return ALM_OK;
}

/* Scanner state for free-form dates beyond the fields themselves. */
struct scan {
    int first;      /* no token taken yet */
    int mon_ambig;  /* the month came from a word that is also a weekday */
    int zone_utc;   /* the zone so far is a UTC name: "GMT+2" may follow */
    int zone_num;   /* the zone so far is numeric: a name after it is a comment */
    int ampm;       /* 0 none, 1 am, 2 pm */
};

static int
take_word(const char **pp, struct fields *f, struct scan *s)
{
    char w[WORD_MAX];
    const char *p = *pp;
    const struct word_info *e;
    int mon, zone;

    if (read_word(&p, w) < 0)
        return ALM_EINVAL;
    *pp = p;
    e = lexicon_find(w);
    mon = e ? e->mon : 0;
    /* A leading word before a comma is a weekday in whatever language. */
    if (s->first && mon == 0 && *skip_space(p) == ',')
        return ALM_OK;
    if (mon) {
        int ambig = (e->kind & W_DAY) != 0;

        if (!(f->have & HAVE_MON)) {
            f->mon = mon;
            f->have |= HAVE_MON;
            s->mon_ambig = ambig;
        } else if (s->mon_ambig && !ambig) {
            /* "mar. 06 avr. 2004": the first word was Tuesday after all. */
            f->mon = mon;
            s->mon_ambig = 0;
        } else if (!ambig) {
            return ALM_EINVAL;
        }
        return ALM_OK;
    }
    if (e && (e->kind & (W_DAY | W_FILLER)))
        return ALM_OK;
    if (strcmp(w, "am") == 0 || strcmp(w, "pm") == 0) {
        if (s->ampm)
            return ALM_EINVAL;
        s->ampm = w[0] == 'a' ? 1 : 2;
        return ALM_OK;
    }
    if (find_zone(w, e, &zone)) {
        /* A lone letter is a military zone only where a zone goes. */
        if (w[1] == '\0' && !(f->have & HAVE_TIME))
            return ALM_EINVAL;
        if (s->zone_num)
            return ALM_OK;
        if (f->have & HAVE_ZONE)
            return ALM_EINVAL;
        f->zone = zone;
        f->have |= HAVE_ZONE;
        s->zone_utc = zone == 0;
        return ALM_OK;
    }
    return ALM_EINVAL;
}

/* RFC 822 and friends: tokens in any sensible order. */
static int
parse_free(const char *p, struct fields *f)
{
    struct scan s = { 1, 0, 0, 0, 0 };
    const unsigned date_bits = HAVE_YEAR | HAVE_MON | HAVE_DAY;

    for (;;) {
        unsigned char c = (unsigned char)*p;
        int rc = ALM_OK;

        if (c == '\0')
            break;
        if (is_space(c) || c == ',' || c == '.') {
            p++;
            continue;
        }
        if (is_nbsp(p)) {
            p += 2;
            continue;
        }
        if (c == '(') {
            p = skip_comment(p);
            continue;
        }
        if ((c == '+' || c == '-') && is_digit((unsigned char)p[1])
            && ((f->have & HAVE_TIME) || (f->have & date_bits) == date_bits)) {
            int zone;

            if ((f->have & HAVE_ZONE) && !s.zone_utc)
                return ALM_EINVAL;
            if (parse_offset(&p, &zone) != ALM_OK)
                return ALM_EINVAL;
            f->zone = zone;
            f->have |= HAVE_ZONE;
            s.zone_utc = 0;
            s.zone_num = 1;
        } else if (c == '-') {
            /* A separator, as in RFC 850's "06-Nov-94". */
            p++;
            continue;
        } else if (is_digit(c)) {
            rc = take_number(&p, f);
        } else if (is_alpha(c) || c >= 0x80) {
            rc = take_word(&p, f, &s);
        } else {
            return ALM_EINVAL;
        }
        if (rc != ALM_OK)
            return rc;
        s.first = 0;
    }
    if (s.ampm) {
        if (!(f->have & HAVE_TIME) || f->hour < 1 || f->hour > 12)
            return ALM_EINVAL;
        f->hour = f->hour % 12 + (s.ampm == 2 ? 12 : 0);
    }
    return ALM_OK;
}

int
date_parse(const char *s, time_t *out)
{
    struct fields f;
    int rc;

    if (s == NULL)
        return ALM_EINVAL;
    memset(&f, 0, sizeof(f));
    s = skip_space(s);
    if (looks_iso(s))
        rc = parse_iso(s, &f);
    else
        rc = parse_free(s, &f);
    if (rc != ALM_OK)
        return rc;
    return fields_to_time(&f, out);
}
