/*
 * charset.c - a page's bytes to UTF-8: the charset comes from a BOM, then
 * the HTTP Content-Type, then a <meta> declaration in the first 8 KiB (as
 * HTML5's prescan looks, a little further), else UTF-8 when the bytes are
 * valid UTF-8 and windows-1252 when not. Valid UTF-8 that is not plain
 * ASCII wins over a declaration (see extract_decode). Labels are read as the WHATWG
 * Encoding standard maps them (latin1 and ascii mean windows-1252, gb2312
 * means GBK, read here as its superset GB18030). Invalid bytes become
 * U+FFFD, and so does NUL, so the result is valid UTF-8 without NULs.
 */
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/xalloc.h"
#include "extract/extract.h"

#define PRESCAN ((size_t)8192)

static const uint16_t cp1252_high[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178,
};

static void
put_cp(struct buf *b, uint32_t c)
{
    char o[4];
    size_t n;

    if (c < 0x80) {
        o[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        o[0] = (char)(0xC0 | (c >> 6));
        o[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        o[0] = (char)(0xE0 | (c >> 12));
        o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        o[0] = (char)(0xF0 | (c >> 18));
        o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        o[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        o[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    buf_append(b, o, n);
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when invalid. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
    unsigned char c = p[0];

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F))
            return 0;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
            return 0;
        return 4;
    }
    return 0;
}

static int
utf8_valid(const unsigned char *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
        size_t k;

        if (p[i] < 0x80) {
            i++;
            continue;
        }
        k = utf8_len(p + i, n - i);
        if (k == 0)
            return 0;
        i += k;
    }
    return 1;
}

static int
ascii_only(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] >= 0x80)
            return 0;
    return 1;
}

static void
decode_utf8(const unsigned char *p, size_t n, struct buf *b)
{
    size_t i = 0, run = 0;

    while (i < n) {
        size_t k = p[i] && p[i] < 0x80 ? 1 : p[i] ? utf8_len(p + i, n - i) : 0;

        if (k) {
            i += k;
            run += k;
            continue;
        }
        buf_append(b, p + i - run, run);
        run = 0;
        put_cp(b, 0xFFFD);
        i++;
    }
    buf_append(b, p + n - run, run);
}

static void
decode_cp1252(const unsigned char *p, size_t n, struct buf *b)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];

        if (c == 0)
            put_cp(b, 0xFFFD);
        else if (c < 0x80)
            buf_putc(b, (char)c);
        else if (c < 0xA0)
            put_cp(b, cp1252_high[c - 0x80]);
        else
            put_cp(b, c);
    }
}

/* 1 when decoded with iconv; 0 when iconv does not know the label. */
static int
decode_iconv(const char *label, const char *p, size_t n, struct buf *b)
{
    iconv_t cd = iconv_open("UTF-8", label);
    char tmp[4096];

    if (cd == (iconv_t)-1)
        return 0;
    while (n > 0) {
        char *in = (char *)p, *o = tmp;
        size_t inleft = n, oleft = sizeof(tmp);
        size_t r = iconv(cd, &in, &inleft, &o, &oleft);
        int e = errno;

        /* iconv's UTF-8 is valid; NULs still become U+FFFD below */
        decode_utf8((const unsigned char *)tmp, (size_t)(o - tmp), b);
        p = in;
        n = inleft;
        if (r == (size_t)-1 && e == E2BIG)
            continue;
        if (r == (size_t)-1 && (e == EILSEQ || e == EINVAL)) {
            put_cp(b, 0xFFFD);
            p++;
            n--;
            if (e == EINVAL)
                break;
            continue;
        }
        if (r == (size_t)-1)
            break;
    }
    iconv_close(cd);
    return 1;
}

/* Copies a charset label (letters, digits, - _ . : ) lower-cased; its length. */
static size_t
read_label(const char *s, size_t n, char *out, size_t cap)
{
    size_t i = 0, k = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '"' || s[i] == '\''))
        i++;
    while (i < n && k + 1 < cap) {
        char c = s[i];

        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == ':'))
            break;
        out[k++] = c;
        i++;
    }
    out[k] = '\0';
    return k;
}

static const char *
find_ci(const char *s, size_t n, const char *needle)
{
    size_t m = strlen(needle);

    for (size_t i = 0; i + m <= n; i++)
        if (strncasecmp(s + i, needle, m) == 0)
            return s + i;
    return NULL;
}

/* "charset=" in s (a header or a meta tag): its label, or 0. */
static size_t
charset_param(const char *s, size_t n, char *out, size_t cap)
{
    const char *c = find_ci(s, n, "charset");
    size_t i;

    if (c == NULL)
        return 0;
    i = (size_t)(c - s) + 7;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i >= n || s[i] != '=')
        return 0;
    return read_label(s + i + 1, n - i - 1, out, cap);
}

/* The first <meta> in the first PRESCAN bytes that declares a charset. */
static size_t
meta_charset(const char *s, size_t n, char *out, size_t cap)
{
    const char *p = s, *end = s + (n < PRESCAN ? n : PRESCAN);

    while ((p = find_ci(p, (size_t)(end - p), "<meta")) != NULL) {
        const char *gt = memchr(p, '>', (size_t)(end - p));
        size_t k;

        if (gt == NULL)
            break;
        k = charset_param(p, (size_t)(gt - p), out, cap);
        if (k)
            return k;
        p = gt;
    }
    return 0;
}

/* The WHATWG reading of a label: an iconv name, "utf-8" or "windows-1252". */
static const char *
normalize(const char *label)
{
    static const struct {
        const char *label, *name;
    } map[] = {
        { "utf-8", "utf-8" }, { "utf8", "utf-8" }, { "unicode-1-1-utf-8", "utf-8" },
        { "utf-16", "utf-8" }, { "utf-16le", "utf-8" }, { "utf-16be", "utf-8" },
        { "iso-8859-1", "windows-1252" }, { "iso8859-1", "windows-1252" },
        { "iso_8859-1", "windows-1252" }, { "latin1", "windows-1252" }, { "l1", "windows-1252" },
        { "us-ascii", "windows-1252" }, { "ascii", "windows-1252" },
        { "windows-1252", "windows-1252" }, { "cp1252", "windows-1252" },
        { "x-cp1252", "windows-1252" }, { "cp819", "windows-1252" },
        { "gb2312", "GB18030" }, { "gbk", "GB18030" }, { "x-gbk", "GB18030" },
        { "gb18030", "GB18030" }, { "chinese", "GB18030" }, { "csgb2312", "GB18030" },
        { "x-sjis", "SHIFT_JIS" }, { "shift_jis", "SHIFT_JIS" }, { "sjis", "SHIFT_JIS" },
        { "ms_kanji", "SHIFT_JIS" }, { "euc-jp", "EUC-JP" }, { "euc-kr", "EUC-KR" },
        { "ks_c_5601-1987", "EUC-KR" }, { "big5", "BIG5" }, { "big5-hkscs", "BIG5-HKSCS" },
        { "koi8-r", "KOI8-R" }, { "koi8-u", "KOI8-U" }, { "iso-2022-jp", "ISO-2022-JP" },
    };

    for (size_t i = 0; i < LEN(map); i++)
        if (strcmp(label, map[i].label) == 0)
            return map[i].name;
    static const char *const pass[] = {
        "windows-1250", "windows-1251", "windows-1253", "windows-1254", "windows-1255",
        "windows-1256", "windows-1257", "windows-1258", "iso-8859-2", "iso-8859-3",
        "iso-8859-4", "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-9",
        "iso-8859-10", "iso-8859-13", "iso-8859-14", "iso-8859-15", "iso-8859-16",
    };

    /* windows-125x and iso-8859-x pass through: iconv knows them. */
    for (size_t i = 0; i < LEN(pass); i++)
        if (strcmp(label, pass[i]) == 0)
            return pass[i];
    return NULL;
}

char *
extract_decode(const char *data, size_t len, const char *content_type, size_t *outlen,
               const char **charset)
{
    struct buf b = BUF_INIT(SIZE_MAX);
    const unsigned char *p = (const unsigned char *)data;
    char label[48];
    const char *name = NULL;
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        name = "utf-8";
        data += 3;
        len -= 3;
    } else if (len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
        name = p[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        data += 2;
        len -= 2;
    }
    /*
     * Bytes that are valid UTF-8 and not all ASCII are UTF-8 whatever a
     * header or meta tag says: a legacy encoding's text is practically
     * never valid UTF-8 by chance, and pages resaved as UTF-8 keep their
     * old declaration (readability's qq case declares gb2312).
     */
    if (name == NULL && utf8_valid((const unsigned char *)data, len) &&
        !ascii_only((const unsigned char *)data, len))
        name = "utf-8";
    if (name == NULL && content_type && charset_param(content_type, strlen(content_type),
                                                      label, sizeof(label)))
        name = normalize(label);
    if (name == NULL && meta_charset(data, len, label, sizeof(label)))
        name = normalize(label);
    if (name == NULL || strcmp(name, "utf-8") == 0)
        name = utf8_valid((const unsigned char *)data, len) || name ? "utf-8" : "windows-1252";

    buf_reserve(&b, len + len / 8 + 16);
    if (strcmp(name, "utf-8") == 0) {
        decode_utf8((const unsigned char *)data, len, &b);
    } else if (strcmp(name, "windows-1252") == 0) {
        decode_cp1252((const unsigned char *)data, len, &b);
    } else if (!decode_iconv(name, data, len, &b)) {
        name = "utf-8";
        decode_utf8((const unsigned char *)data, len, &b);
    }
    *charset = name; /* static: a literal or an entry of normalize()'s tables */
    *outlen = b.len;
    if (b.data == NULL)
        return xstrdup("");
    return buf_take(&b);
}
