#!/usr/bin/env python3
"""make-encoded.py - writes the conformance feeds that cannot be kept as UTF-8 text.

    python3 tests/conformance/make-encoded.py

Writes, next to this script, the enc-*.xml and bom-*.xml files (UTF-16/32 with and without
a byte-order mark, legacy encodings, invalid bytes) and deep-nesting.xml (too big to write
by hand). The outputs are committed; run this again only after changing it. Their expected
files are written by hand, not by this script.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))

TEMPLATE = """\
<?xml version="1.0"{decl}?>
<rss version="2.0">
  <channel>
    <title>{feed_title}</title>
    <link>http://example.com/</link>
    <description>{feed_desc}</description>
    <item>
      <title>{item_title}</title>
      <link>http://example.com/1</link>
      <description>{item_desc}</description>
    </item>
  </channel>
</rss>
"""

BOMS = {
    "utf-8": b"\xef\xbb\xbf",
    "utf-16-le": b"\xff\xfe",
    "utf-16-be": b"\xfe\xff",
    "utf-32-le": b"\xff\xfe\x00\x00",
    "utf-32-be": b"\x00\x00\xfe\xff",
}

# file, Python codec, write a BOM?, encoding label in the XML declaration (None: no
# encoding="..." at all), feed title, feed description, item title, item description.
FEEDS = [
    ("enc-utf16le-bom.xml", "utf-16-le", True, "utf-16",
     "UTF-16LE mit BOM: Gr\u00fc\u00dfe", "K\u00f6ln \u2014 \u201cquoted\u201d",
     "Emoji \U0001F600 und \u65e5\u672c\u8a9e", "Stra\u00dfe &amp; Weg"),
    ("enc-utf16be-bom.xml", "utf-16-be", True, "UTF-16",
     "UTF-16BE with BOM: \u00e9t\u00e9", "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
     "Musical \U0001D11E clef", "\u0420\u0443\u0441\u0441\u043a\u0438\u0439"),
    ("enc-utf16be-nobom.xml", "utf-16-be", False, "UTF-16",
     "UTF-16BE without BOM", "Detected from 00 3C 00 3F",
     "\u00c0 bient\u00f4t", "\u4e2d\u6587"),
    ("enc-utf16le-nobom.xml", "utf-16-le", False, "utf-16",
     "UTF-16LE without BOM", "Detected from 3C 00 3F 00",
     "\u00e7a va", "\ud55c\uad6d\uc5b4"),
    ("enc-utf16le-bom-odd-alias.xml", "utf-16-le", True, "ISO-10646-UCS-2",
     "UTF-16LE BOM, odd alias declared", "The BOM decides",
     "Caf\u00e9", "No error for the alias"),
    ("enc-utf32le-bom.xml", "utf-32-le", True, "UTF-32",
     "UTF-32LE with BOM", "Four bytes per character",
     "Smile \U0001F642 \u00fc", "\u00bfQu\u00e9 tal?"),
    ("enc-utf32be-nobom.xml", "utf-32-be", False, "UTF-32",
     "UTF-32BE without BOM", "Detected from 00 00 00 3C",
     "\u00f1and\u00fa", "\u2603 snowman"),
    ("enc-utf8-declared-utf16.xml", "utf-8", True, "utf-16",
     "UTF-8 BOM, declared utf-16", "The BOM wins over the declaration",
     "Caf\u00e9 cr\u00e8me", "\u00fcber"),
    ("bom-utf8.xml", "utf-8", True, "utf-8",
     "UTF-8 with BOM", "A byte-order mark before the declaration",
     "Na\u00efve r\u00e9sum\u00e9", "\u2713 done"),
    ("bom-utf8-no-declaration.xml", "utf-8", True, None,
     "UTF-8 BOM, no declaration", "Only the BOM",
     "\u00e5ngstr\u00f6m", "\u00e6\u00f8\u00e5"),
    ("enc-windows1252.xml", "cp1252", False, "windows-1252",
     "Windows-1252 feed", "\u201cSmart quotes\u201d \u2014 \u20ac5",
     "It\u2019s \u201cquoted\u201d \u2026", "Caf\u00e9 \u2013 na\u00efve \u0153uvre"),
    ("enc-iso88591-with-c1.xml", "latin-1", False, "iso-8859-1",
     "ISO-8859-1 feed", "caf\u00e9 \u00e0 la carte",
     "\u0093C1 quotes\u0094 in a title", "\u00a9 2004 \u00bd price"),
    ("enc-gb2312.xml", "gb2312", False, "gb2312",
     "\u4e2d\u6587\u65b0\u95fb", "\u7b80\u4f53\u4e2d\u6587\u5185\u5bb9",
     "\u4eca\u5929\u7684\u65b0\u95fb", "\u5317\u4eac\u5e02"),
    ("enc-gbk.xml", "gbk", False, "GBK",
     "GBK \u6c49\u5b57", "\u6731\u9555\u57fa",
     "\u9555 is GBK, not GB2312", "\u7e41\u9ad4\u4e5f\u53ef\u4ee5"),
    ("enc-shiftjis.xml", "shift_jis", False, "Shift_JIS",
     "\u65e5\u672c\u8a9e\u306e\u30cb\u30e5\u30fc\u30b9", "\u6771\u4eac\u304b\u3089",
     "\u30c6\u30b9\u30c8\u8a18\u4e8b", "\u3072\u3089\u304c\u306a\u3068\u30ab\u30bf\u30ab\u30ca"),
    ("enc-eucjp.xml", "euc_jp", False, "EUC-JP",
     "EUC-JP \u306e\u30d5\u30a3\u30fc\u30c9", "\u5927\u962a",
     "\u8a18\u4e8b\u3067\u3059", "\u6f22\u5b57"),
    ("enc-koi8r.xml", "koi8_r", False, "KOI8-R",
     "\u041d\u043e\u0432\u043e\u0441\u0442\u0438", "\u041c\u043e\u0441\u043a\u0432\u0430",
     "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440",
     "\u0415\u0449\u0451 \u0442\u0435\u043a\u0441\u0442"),
    ("enc-big5.xml", "big5", False, "Big5",
     "\u7e41\u9ad4\u4e2d\u6587", "\u81fa\u5317",
     "\u65b0\u805e\u6a19\u984c", "\u5167\u5bb9"),
    ("enc-euckr.xml", "euc_kr", False, "EUC-KR",
     "\ud55c\uad6d\uc5b4 \ub274\uc2a4", "\uc11c\uc6b8",
     "\uc548\ub155\ud558\uc138\uc694", "\ub0b4\uc6a9"),
    ("enc-iso88592.xml", "iso8859_2", False, "ISO-8859-2",
     "Za\u017c\u00f3\u0142\u0107 g\u0119\u015bl\u0105 ja\u017a\u0144", "\u0158\u00ed\u010dany",
     "\u0160koda \u010de\u0161tina", "\u0150r\u00fcl\u00e9s"),
    ("enc-windows1251.xml", "cp1251", False, "windows-1251",
     "\u041f\u0440\u0438\u0432\u0435\u0442", "\u041a\u0438\u0435\u0432",
     "\u0411\u0435\u043b\u0433\u0440\u0430\u0434 \u2116 1", "\u0422\u0435\u043a\u0441\u0442"),
]


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def encoded_feeds():
    for name, codec, bom, label, ft, fd, it, idesc in FEEDS:
        decl = ' encoding="%s"' % label if label else ""
        text = TEMPLATE.format(decl=decl, feed_title=ft, feed_desc=fd, item_title=it,
                               item_desc=idesc)
        data = text.encode(codec)
        if bom:
            data = BOMS[codec] + data
        write(name, data)


def invalid_bytes():
    # No declaration, so UTF-8 (rule 4), but the item title is Latin-1: invalid UTF-8.
    text = TEMPLATE.format(decl="", feed_title="Undeclared Latin-1",
                           feed_desc="Only the item title has non-ASCII bytes",
                           item_title="@TITLE@", item_desc="ASCII description")
    data = text.encode("ascii").replace(b"@TITLE@", "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e"
                                        .encode("latin-1"))
    write("enc-none-latin1-bytes.xml", data)

    # Declared UTF-8, with a lone 0xFF and a truncated sequence in the item description.
    text = TEMPLATE.format(decl=' encoding="utf-8"', feed_title="Invalid UTF-8",
                           feed_desc="Bad bytes in the item description",
                           item_title="Valid title", item_desc="@DESC@")
    data = text.encode("utf-8").replace(b"@DESC@", b"bad \xff byte and cut \xe2\x82 end")
    write("enc-invalid-utf8.xml", data)


def deep_nesting(depth=5000):
    head = """\
<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Deep</title>
    <link>http://example.com/</link>
    <description>Deeply nested foreign elements</description>
    <item>
      <title>Shallow</title>
      <link>http://example.com/1</link>
    </item>
    <item>
      <title>Deep item</title>
      <link>http://example.com/2</link>
      <x:deep xmlns:x="urn:example:deep">"""
    tail = """</x:deep>
    </item>
  </channel>
</rss>
"""
    body = "<x:d>" * depth + "leaf" + "</x:d>" * depth
    write("deep-nesting.xml", (head + body + tail).encode("ascii"))


if __name__ == "__main__":
    encoded_feeds()
    invalid_bytes()
    deep_nesting()
