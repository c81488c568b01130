#!/usr/bin/env bash
# attacks.sh - hostile feeds through the whole pipeline (issue 5 item 2):
# entity bombs, external entities and DTDs, deep nesting, a huge text node,
# an attribute flood, invalid UTF-8, a gzip bomb and an endless body. Each
# must be bounded in time and memory and end as that source's error (or a
# harmless parse); other sources and items stored before stay untouched.
source "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-11-28T12:00:00Z
export FETCH_SERVER_LOG=$T/requests.log
start_server || { echo "not ok - loopback feed server did not start"; exit 1; }
A=$T/attacks
mkdir -p "$A"
python3 - "$A" "$port" <<'EOF'
import sys
d, port = sys.argv[1], sys.argv[2]
def item(t):
    return '<item><title>%s</title><link>http://example.com/%s</link></item>' % (t, t)
def rss(body, pre=''):
    return ('<?xml version="1.0"?>\n%s<rss version="2.0"><channel><title>t</title>%s'
            '</channel></rss>' % (pre, body))
files = {}
lol = '<!DOCTYPE r [<!ENTITY l0 "lollollollollollol">' + ''.join(
    '<!ENTITY l%d "%s">' % (i, ('&l%d;' % (i - 1)) * 10) for i in range(1, 12)) + ']>\n'
files['billion-laughs.xml'] = rss(item('&l11;'), lol)
files['quadratic.xml'] = rss(item('&a;' * 40000),
                             '<!DOCTYPE r [<!ENTITY a "%s">]>\n' % ('x' * 50000))
files['xxe-file.xml'] = rss(item('&x;'), '<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n')
files['xxe-net.xml'] = rss(item('&x;'),
    '<!DOCTYPE r [<!ENTITY x SYSTEM "http://127.0.0.1:%s/xxe-entity">]>\n' % port)
files['xxe-param.xml'] = rss(item('p'),
    '<!DOCTYPE r [<!ENTITY %% p SYSTEM "http://127.0.0.1:%s/xxe-param"> %%p;]>\n' % port)
files['external-dtd.xml'] = rss(item('d'),
    '<!DOCTYPE rss SYSTEM "http://127.0.0.1:%s/xxe-dtd">\n' % port)
files['deep.xml'] = rss('<a>' * 200000 + item('deep') + '</a>' * 200000)
files['huge-text.xml'] = rss('<item><title>big</title><link>http://example.com/big</link>'
                            '<description>' + 'y' * (6 << 20) + '</description></item>')
files['attr-flood.xml'] = rss('<item ' + ' '.join('a%d="v"' % i for i in range(100000)) +
                              '><title>flood</title><link>http://example.com/f</link></item>')
for name, text in files.items():
    open('%s/%s' % (d, name), 'w').write(text)
open('%s/bad-utf8.xml' % d, 'wb').write(
    b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title>'
    b'<item><title>bad \xc0\xaf \xe0\x80\xaf \xed\xa0\x80 \xff\xfe \xf8\x88\x80\x80\x80 end'
    b'</title><link>http://example.com/u</link></item></channel></rss>')
EOF

conf=$T/attacks.conf
adb=$(new_db a)
{
    echo '[almanac]'
    echo "database = $adb"
    echo 'max_bytes = 8388608'
    echo 'timeout = 10'
    echo 'article_budget = 0'
    echo
    echo '[source "good"]'
    echo 'name = Good'
    echo 'feed = https://example.com/good.xml'
    echo 'tier = 2'
    echo 'kind = press'
    echo "snapshot = $ROOT/data/snapshot/xai__feed_xainews.xml"
    echo 'local = yes'
    for f in "$A"/*.xml; do
        s=$(basename "$f" .xml)
        printf '\n[source "%s"]\nname = %s\nfeed = https://example.com/%s.xml\n' "$s" "$s" "$s"
        printf 'tier = 3\nkind = community\nsnapshot = %s\nlocal = yes\n' "$f"
    done
    for r in gzip-bomb endless; do
        printf '\n[source "%s"]\nname = %s\nfeed = http://127.0.0.1:%s/%s\n' "$r" "$r" "$port" "$r"
        printf 'tier = 3\nkind = community\nlocal = yes\n'
    done
} >"$conf"

# 1. The good source alone, to compare with later.
begin
run "$T/i1" "$ALMANAC" --config "$conf" ingest --snapshot good
[ "$rc" -eq 0 ] || fail "good source alone: exit $rc: $(errtext "$T/i1")"
good_hash() { # the good source's events as almanac lists them
    stored_events "$adb" --config "$conf" | awk -F'\t' '$1 == "good"' | md5sum
}
before=$(good_hash)
n_good=$(stored_items "$adb" --config "$conf")
[ "${n_good:-0}" -gt 10 ] || fail "good source stored $n_good items"
end "a good source stored first ($n_good items)"

# 2. Every attack at once, with the good source: bounded time and memory.
begin
start=$(date +%s)
/usr/bin/time -v timeout 120 "$ALMANAC" --config "$conf" ingest --snapshot \
    >"$T/i2" 2>"$T/i2.err"
rc=$?
/usr/bin/time -v timeout 120 "$ALMANAC" --config "$conf" fetch gzip-bomb endless \
    >"$T/i3" 2>"$T/i3.err"
secs=$(( $(date +%s) - start ))
rss=$(grep -h 'Maximum resident' "$T/i2.err" "$T/i3.err" | awk '{print $NF}' | sort -n | tail -1)
[ "$rc" -eq 0 ] || fail "ingest with the attacks exited $rc: $(errtext "$T/i2")"
[ "$secs" -le 90 ] || fail "the attacks took $secs s"
[ "${rss:-0}" -le 600000 ] || fail "peak memory ${rss} KB"
grep -q 'Sanitizer' "$T/i2.err" "$T/i3.err" && fail "sanitizer report: $(errtext "$T/i2")"
end "every attack bounded: $secs s, peak RSS $((${rss:-0} / 1024)) MB"

# 3. Nothing leaked in, nothing was fetched by the parser.
begin
# every stored text, read from the store (sqlite3 or psql): almanac shows no item's whole text
sql "$adb" "SELECT coalesce(title, '') || coalesce(summary_html, '') || coalesce(text, '')
               FROM items" | grep -q 'root:x:0:0' && fail "/etc/passwd content reached the store"
grep -q 'xxe' "$T/requests.log" 2>/dev/null && fail "the parser fetched an external entity or DTD"
for s in gzip-bomb endless; do
    err=$(source_json "$adb" "$s" last_error --config "$conf")
    case $err in
    *"too large"*|*"too big"*) ;;
    *) fail "$s: last_error is '$err', want a size error" ;;
    esac
done
big=$(sql "$adb" "SELECT max(length(coalesce(summary_html, ''))) FROM items")
[ "${big:-0}" -le $((8 << 20)) ] || fail "a stored field has ${big} bytes"
end "no external entity or DTD fetched, no file read; size limits hold (largest summary ${big:-0} B)"

# 4. The good items are exactly as they were; the database is intact.
begin
after=$(good_hash)
[ "$before" = "$after" ] || fail "the good source's items changed"
st=$(source_json "$adb" good last_status --config "$conf")/$(source_json "$adb" good failures --config "$conf")
[ "$st" = "200/0" ] || fail "good source state $st"
if ! on_pg; then # SQLite-engine check (PostgreSQL's files are the server's)
    ic=$(sql "$adb" "PRAGMA integrity_check")
    [ "$ic" = ok ] || fail "integrity_check: $ic"
fi
end "the good source's items untouched; database intact"
finish
