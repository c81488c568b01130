/*
 * encoding.c - turns an XML document's bytes into valid UTF-8.
 *
 * libxml2 could switch encodings itself, but the real world declares
 * encodings wrongly (UTF-8 labelled UTF-16, windows-1252 bytes labelled
 * ISO-8859-1) and libxml2 stops at the first invalid byte. So we decide the
 * encoding as the contract orders, decode everything to UTF-8 here, replace
 * what cannot be decoded, and tell libxml2 to ignore the declaration.
 */
#include <ctype.h>
#include <errno.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/err.h"
#include "base/xalloc.h"
#include "parse/encoding.h"

/* windows-1252 0x80..0x9F; 0 marks the five undefined bytes. */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
    0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static void
put_utf8(struct buf *b, uint32_t c)
{
    char s[4];

    if (c < 0x80) {
        buf_putc(b, (char)c);
    } else if (c < 0x800) {
        s[0] = (char)(0xC0 | (c >> 6));
        s[1] = (char)(0x80 | (c & 0x3F));
        buf_append(b, s, 2);
    } else if (c < 0x10000) {
        s[0] = (char)(0xE0 | (c >> 12));
        s[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[2] = (char)(0x80 | (c & 0x3F));
        buf_append(b, s, 3);
    } else {
        s[0] = (char)(0xF0 | (c >> 18));
        s[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        s[3] = (char)(0x80 | (c & 0x3F));
        buf_append(b, s, 4);
    }
}

/* The character a single windows-1252 (or Latin-1) byte stands for. */
static uint32_t
cp1252_char(unsigned char c)
{
    if (c >= 0x80 && c < 0xA0)
        return cp1252_c1[c - 0x80] ? cp1252_c1[c - 0x80] : 0xFFFD;
    return c;
}

/* Length of the valid UTF-8 sequence at p (1..4), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *p, size_t n)
{
    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : 0;
    if (p[0] >= 0xE0 && p[0] <= 0xEF) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return 0;
        if (p[0] == 0xE0 && p[1] < 0xA0)
            return 0; /* overlong */
        if (p[0] == 0xED && p[1] >= 0xA0)
            return 0; /* surrogate */
        if (p[0] == 0xEF && p[1] == 0xBF && p[2] >= 0xBE)
            return 0; /* U+FFFE, U+FFFF: not XML characters */
        return 3;
    }
    if (p[0] >= 0xF0 && p[0] <= 0xF4) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return 0;
        if (p[0] == 0xF0 && p[1] < 0x90)
            return 0;
        if (p[0] == 0xF4 && p[1] >= 0x90)
            return 0;
        return 4;
    }
    return 0;
}

static int
bad_control(unsigned char c)
{
    return c < 0x20 && c != '\t' && c != '\n' && c != '\r';
}

#ifdef __SSE2__
/*
 * How many bytes come before the first that is not printable ASCII, tab,
 * LF or CR, tested sixteen at a time; a tail shorter than that is left to
 * the caller. XML is mostly ASCII in lines, so new lines must not stop it.
 */
static size_t
ascii_text_run(const unsigned char *p, size_t n)
{
    const __m128i below = _mm_set1_epi8(0x1F);
    const __m128i tab = _mm_set1_epi8('\t');
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    size_t i = 0;

    for (; i + 16 <= n; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
        __m128i ctl = _mm_cmpeq_epi8(_mm_min_epu8(v, below), v);
        __m128i ok = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
                                  _mm_cmpeq_epi8(v, cr));

        /* high bit set: non-ASCII byte, or a control other than those */
        int mask = _mm_movemask_epi8(_mm_or_si128(v, _mm_andnot_si128(ok, ctl)));

        if (mask != 0)
            return i + (size_t)__builtin_ctz((unsigned int)mask);
    }
    return i;
}
#endif

/* Offset of the first byte that needs repair, or n when all is well. */
static size_t
utf8_first_bad(const unsigned char *p, size_t n)
{
    size_t i = 0;

    while (i < n) {
#ifdef __SSE2__
        i += ascii_text_run(p + i, n - i);
#endif
        /* Eight ASCII bytes at a time: the common case. */
        while (i + 8 <= n) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & 0x8080808080808080ULL)
                break;
            /* any byte < 0x20? (classic has-less-than trick) */
            if ((w - 0x2020202020202020ULL) & ~w & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= n)
            break;
        if (p[i] < 0x80) {
            if (bad_control(p[i]))
                return i;
            i++;
            continue;
        }
        size_t k = utf8_seq(p + i, n - i);
        if (k == 0)
            return i;
        i += k;
    }
    return n;
}

/*
 * Copies UTF-8 from p, replacing each invalid byte by its windows-1252
 * reading (so Latin-1 text served as UTF-8 stays readable) and each
 * control character XML forbids by a space. Returns what it found.
 */
static const char *
utf8_repair(const unsigned char *p, size_t n, size_t start, struct buf *out)
{
    const char *why = NULL;
    size_t i = start;

    buf_append(out, p, start);
    while (i < n) {
        size_t k = utf8_first_bad(p + i, n - i);
        buf_append(out, p + i, k);
        i += k;
        if (i >= n)
            break;
        if (p[i] < 0x80) {
            buf_putc(out, ' ');
            why = why ? why : "invalid XML character (control byte)";
            i++;
        } else {
            put_utf8(out, cp1252_char(p[i]));
            why = "bytes invalid in the declared encoding (utf-8)";
            i++;
        }
    }
    return why;
}

static void
decode_cp1252(const unsigned char *p, size_t n, struct buf *out)
{
    for (size_t i = 0; i < n; i++) {
        if (p[i] < 0x80)
            buf_putc(out, (char)p[i]);
        else
            put_utf8(out, cp1252_char(p[i]));
    }
}

/* Decodes with iconv; invalid input becomes U+FFFD. Returns 1 if any was. */
static int
decode_iconv(const char *from, size_t unit, const char *p, size_t n, struct buf *out)
{
    iconv_t cd = iconv_open("UTF-8", from);
    char tmp[16384];
    char *in = (char *)p;
    size_t left = n;
    int bad = 0;

    if (cd == (iconv_t)-1)
        return -1;
    while (left > 0) {
        char *o = tmp;
        size_t olen = sizeof(tmp);
        size_t r = iconv(cd, &in, &left, &o, &olen);
        if (buf_append(out, tmp, sizeof(tmp) - olen) != 0)
            break;
        if (r == (size_t)-1) {
            if (errno == E2BIG)
                continue;
            bad = 1;
            buf_puts(out, "\xEF\xBF\xBD");
            if (errno == EINVAL || left <= unit)
                break; /* truncated sequence at the end */
            in += unit;
            left -= unit;
        }
    }
    iconv_close(cd);
    return bad;
}

static const struct {
    const char *label;
    const char *name;  /* what we report */
    const char *iconv; /* what iconv calls it; NULL: our windows-1252 decoder */
} aliases[] = {
    { "utf-8", "utf-8", "" }, { "utf8", "utf-8", "" },
    { "iso-8859-1", "iso-8859-1", NULL }, { "iso8859-1", "iso-8859-1", NULL },
    { "iso_8859-1", "iso-8859-1", NULL }, { "latin1", "iso-8859-1", NULL },
    { "latin-1", "iso-8859-1", NULL }, { "l1", "iso-8859-1", NULL },
    { "us-ascii", "us-ascii", NULL }, { "ascii", "us-ascii", NULL },
    { "windows-1252", "windows-1252", NULL }, { "cp1252", "windows-1252", NULL },
    { "x-cp1252", "windows-1252", NULL },
    { "gb2312", "gb18030", "GB18030" }, { "gbk", "gb18030", "GB18030" },
    { "x-gbk", "gb18030", "GB18030" }, { "gb18030", "gb18030", "GB18030" },
    { "shift_jis", "shift_jis", "SHIFT_JIS" }, { "shift-jis", "shift_jis", "SHIFT_JIS" },
    { "sjis", "shift_jis", "SHIFT_JIS" }, { "x-sjis", "shift_jis", "SHIFT_JIS" },
    { "windows-31j", "shift_jis", "CP932" }, { "cp932", "shift_jis", "CP932" },
    { "big5", "big5", "BIG5" }, { "euc-kr", "euc-kr", "EUC-KR" },
    { "euc-jp", "euc-jp", "EUC-JP" }, { "koi8-r", "koi8-r", "KOI8-R" },
};

/* Finds the encoding label of an XML declaration near the start. */
static int
declared_label(const char *p, size_t n, char *label, size_t cap)
{
    size_t lim = n < 1024 ? n : 1024;
    const char *decl = NULL, *end, *e;

    for (size_t i = 0; i + 5 <= lim; i++) {
        if (memcmp(p + i, "<?xml", 5) == 0) {
            decl = p + i;
            break;
        }
    }
    if (decl == NULL)
        return 0;
    end = memchr(decl, '>', (size_t)(p + lim - decl));
    if (end == NULL)
        end = p + lim;
    for (e = decl; e + 9 < end; e++) {
        if (memcmp(e, "encoding", 8) == 0)
            break;
    }
    if (e + 9 >= end)
        return 0;
    e += 8;
    while (e < end && (*e == ' ' || *e == '=' || *e == '\t' || *e == '\r' || *e == '\n'))
        e++;
    if (e >= end || (*e != '"' && *e != '\''))
        return 0;
    char q = *e++;
    size_t k = 0;
    while (e < end && *e != q && k + 1 < cap)
        label[k++] = (char)tolower((unsigned char)*e++);
    label[k] = '\0';
    return k > 0;
}

void
enc_to_utf8(struct feed *f, const char *data, size_t len,
            const char **out, size_t *outlen, int *owned)
{
    const unsigned char *p = (const unsigned char *)data;
    struct buf b = BUF_INIT((size_t)len * 4 + 64);
    const char *name = NULL, *conv = NULL;
    size_t skip = 0, unit = 1;
    char label[64];
    const char *why = NULL;

    *out = data;
    *outlen = len;
    *owned = 0;
    if (len >= 4 && memcmp(p, "\xFF\xFE\0\0", 4) == 0) {
        name = "utf-32le", conv = "UTF-32LE", skip = 4, unit = 4;
    } else if (len >= 4 && memcmp(p, "\0\0\xFE\xFF", 4) == 0) {
        name = "utf-32be", conv = "UTF-32BE", skip = 4, unit = 4;
    } else if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        name = "utf-8", skip = 3;
    } else if (len >= 2 && memcmp(p, "\xFF\xFE", 2) == 0) {
        name = "utf-16le", conv = "UTF-16LE", skip = 2, unit = 2;
    } else if (len >= 2 && memcmp(p, "\xFE\xFF", 2) == 0) {
        name = "utf-16be", conv = "UTF-16BE", skip = 2, unit = 2;
    } else if (len >= 4 && memcmp(p, "\0\0\0<", 4) == 0) {
        name = "utf-32be", conv = "UTF-32BE", unit = 4;
    } else if (len >= 4 && memcmp(p, "<\0\0\0", 4) == 0) {
        name = "utf-32le", conv = "UTF-32LE", unit = 4;
    } else if (len >= 4 && memcmp(p, "\0<\0?", 4) == 0) {
        name = "utf-16be", conv = "UTF-16BE", unit = 2;
    } else if (len >= 4 && memcmp(p, "<\0?\0", 4) == 0) {
        name = "utf-16le", conv = "UTF-16LE", unit = 2;
    } else if (declared_label(data, len, label, sizeof(label))) {
        size_t i;
        for (i = 0; i < LEN(aliases); i++) {
            if (strcmp(label, aliases[i].label) == 0)
                break;
        }
        if (i < LEN(aliases)) {
            name = aliases[i].name;
            conv = aliases[i].iconv;
            if (conv == NULL) {
                decode_cp1252(p, len, &b);
                goto done;
            }
            if (*conv == '\0')
                conv = NULL;
        } else if (strncmp(label, "utf-16", 6) == 0 || strncmp(label, "utf16", 5) == 0 ||
                   strncmp(label, "utf_16", 6) == 0 || strncmp(label, "utf-32", 6) == 0 ||
                   strncmp(label, "ucs-2", 5) == 0) {
            /* Declared as 16/32-bit but the bytes are ASCII-compatible:
             * the label is wrong, the bytes are what they look like. */
            name = "utf-8";
        } else {
            iconv_t cd = iconv_open("UTF-8", label);
            if (cd != (iconv_t)-1) {
                iconv_close(cd);
                name = label;
                conv = label;
            } else {
                feed_set_bozo(f, "unknown encoding declared; decoded as utf-8");
                name = "utf-8";
            }
        }
    } else {
        name = "utf-8";
    }

    if (conv != NULL) {
        if (decode_iconv(conv, unit, data + skip, len - skip, &b) != 0)
            why = "bytes invalid in the document's encoding";
    } else {
        size_t bad = utf8_first_bad(p + skip, len - skip);
        if (bad == len - skip) {
            *out = data + skip;
            *outlen = len - skip;
            f->encoding = xstrdup(name);
            return;
        }
        why = utf8_repair(p + skip, len - skip, bad, &b);
    }
done:
    /* Decoded text may still hold control bytes XML forbids. */
    if (b.len > 0 && utf8_first_bad((const unsigned char *)b.data, b.len) != b.len) {
        struct buf c = BUF_INIT(b.max);
        size_t bad = utf8_first_bad((const unsigned char *)b.data, b.len);
        const char *w = utf8_repair((const unsigned char *)b.data, b.len, bad, &c);
        why = why ? why : w;
        buf_fini(&b);
        b = c;
    }
    if (why)
        feed_set_bozo(f, why);
    f->encoding = xstrdup(name);
    *outlen = b.len;
    *out = buf_take(&b);
    *owned = 1;
}

char *
enc_fix_utf8(char *s)
{
    size_t n = strlen(s);
    size_t bad = utf8_first_bad((const unsigned char *)s, n);
    struct buf b = BUF_INIT(n * 3 + 16);

    if (bad == n)
        return s;
    utf8_repair((const unsigned char *)s, n, bad, &b);
    free(s);
    return buf_take(&b);
}
