#!/usr/bin/env bash
# pg-api-write.sh - the API's writes on PostgreSQL (a throwaway cluster,
# tests/pg/cluster.sh): every write's answers checked against
# docs/openapi.json (tests/api/openapi_check.py --writes) under `almanac run
# --db postgresql://...`, a source added by the API fetched on POST
# /api/v1/sources/NAME/fetch; and `almanac migrate-to` carrying the sources
# and rules a SQLite almanac got through the API (table api_defs).
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/pg-api-write.sh
#
# Skips (one "ok ... # SKIP" line) only when no PostgreSQL server programs or
# no curl are installed.
. "$(dirname "$0")/lib.bash"
skip_on_pg "on PostgreSQL already in the SQLite pass (its own cluster, compared with SQLite)"

export ALMANAC_NOW=2026-12-01T00:00:00Z
TOKEN=tok-pg-5b1e0c9d

if ! command -v curl >/dev/null; then
    skip "api writes on PostgreSQL" "curl is not installed"
    exit 0
fi

pgdir=
stop_cluster() {
    [ -n "$pgdir" ] && tests/pg/cluster.sh stop "$pgdir"
    cleanup
}
trap stop_cluster EXIT

begin
pgdir=$(tests/pg/cluster.sh start 2>"$T/cluster.err")
crc=$?
if [ "$crc" -eq 3 ]; then
    pgdir=
    skip "a throwaway PostgreSQL cluster starts" "no PostgreSQL: $(head -n1 "$T/cluster.err")"
    finish
fi
[ "$crc" -eq 0 ] || fail "cluster.sh start exited $crc: $(tail -n3 "$T/cluster.err")"
[ -n "$why" ] || dsn=$(tests/pg/cluster.sh url "$pgdir" almanac_w 2>&1) || fail "createdb: $dsn"
[ -n "$why" ] || dsn2=$(tests/pg/cluster.sh url "$pgdir" almanac_m 2>&1) || fail "createdb: $dsn2"
start_server || fail "the feed server did not start"
base="http://127.0.0.1:$port"
cat >"$T/w.conf" <<CONF
[almanac]
token = $TOKEN

[source "local-feed"]
name = Local feed
feed = $base/file/github__small_atom.xml
local = yes
CONF
printf '<?xml version="1.0"?>\n<opml version="2.0"><body><outline text="Imported One" xmlUrl="https://one.example/feed.xml"/></body></opml>\n' >"$T/list.opml"
end "a throwaway PostgreSQL cluster, a loopback feed, a configuration with a token"
[ -n "$why" ] && finish

# req METHOD PATH [CURL ARGS]: with the token; status in code, body in $T/body
req() {
    local m=$1 p=$2
    shift 2
    code=$(curl -s --max-time 10 -o "$T/body" -w '%{http_code}' -X "$m" \
        -H "Authorization: Bearer $TOKEN" "$@" "$url${p#/}")
}
items_of() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["source"]["items"])' "$T/body" 2>/dev/null; }

begin
start_almanac "$T/run" --config "$T/w.conf" --db "$dsn" run --listen 127.0.0.1:0 --every 86400 ||
    fail "run on PostgreSQL did not start: $(errtext "$T/run")"
out=$(python3 tests/api/openapi_check.py "$url" docs/openapi.json --writes "$TOKEN" "$T/list.opml" 2>&1) ||
    fail "$(printf '%s' "$out" | head -n 5)"
end "on PostgreSQL every write's answers match docs/openapi.json" "(${out#ok } answers)"

begin
req POST /api/v1/sources -H 'Content-Type: application/json' \
    -d "{\"slug\":\"api-xai\",\"name\":\"xAI\",\"feed\":\"$base/file/xai__feed_xainews.xml\",\"local\":true}"
[ "$code" = 201 ] || fail "adding a source: $code $(head -c 200 "$T/body")"
req POST /api/v1/sources/api-xai/fetch
[ "$code" = 202 ] || fail "fetching it: $code"
n=0
for _ in $(seq 2400); do
    curl -s --max-time 10 -o "$T/body" "${url}api/v1/sources/api-xai"
    n=$(items_of)
    [ "${n:-0}" -gt 0 ] && break
    sleep 0.05
done
[ "${n:-0}" -gt 0 ] || fail "the added source was not fetched: $(head -c 300 "$T/body")"
"$ALMANAC" --config "$T/w.conf" --db "$dsn" sources >"$T/sources" 2>&1
grep -q '^api-xai ' "$T/sources" && grep -q '^imported-one ' "$T/sources" ||
    fail "almanac sources on PostgreSQL lacks the API's: $(cat "$T/sources")"
stop_almanac
[ "$rc" = 0 ] || fail "run exited $rc"
end "on PostgreSQL a source added by the API is fetched ($n items) and listed"

begin
start_almanac "$T/sq" --config "$T/w.conf" --db "$T/w.db" serve --listen 127.0.0.1:0 ||
    fail "serve on SQLite did not start"
req POST /api/v1/sources -H 'Content-Type: application/json' \
    -d '{"slug":"carried","name":"Carried","feed":"https://carried.example/feed"}'
[ "$code" = 201 ] || fail "adding a source on SQLite: $code"
req POST /api/v1/alerts/rules -H 'Content-Type: application/json' \
    -d '{"name":"carried-rule","min_score":9,"webhook":"https://hook.example/x"}'
[ "$code" = 201 ] || fail "adding a rule on SQLite: $code"
stop_almanac
run "$T/mig" "$ALMANAC" --config "$T/w.conf" --db "$T/w.db" migrate-to "$dsn2"
[ "$rc" -eq 0 ] || fail "migrate-to: $rc $(errtext "$T/mig")"
grep -q 'api_defs' "$T/mig" || fail "migrate-to does not name api_defs: $(cat "$T/mig")"
"$ALMANAC" --config "$T/w.conf" --db "$dsn2" sources >"$T/sources2" 2>&1
grep -q '^carried ' "$T/sources2" || fail "the migrated database lacks the API's source"
"$ALMANAC" --config "$T/w.conf" --db "$dsn2" alerts >"$T/alerts2" 2>&1
grep -q 'carried-rule' "$T/alerts2" || fail "the migrated database lacks the API's rule"
end "migrate-to carries the sources and rules added through the API (api_defs)"

finish
