#!/usr/bin/env bash
# api-write.sh - the API's write endpoint, POST /api/v1/fetch: only with the
# configuration's token as "Authorization: Bearer" (401 without it or with
# another, 403 when no token is configured), POST only (405 Allow: POST),
# 409 under `almanac serve`, and under `almanac run` a fetch of every source
# at once (202); the token never appears in the access log. And
# web_token_equal's constant time is a property of the code (tests/unit).
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/api-write.sh

. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-12-01T00:00:00Z
TOKEN=tok-3f9a1c77e2b04d5a
db=$(new_db w)

if ! command -v curl >/dev/null; then
    skip "api writes" "curl is not installed"
    exit 0
fi

# A loopback source (tests/fetch_server.py) so that fetches are quick and
# counted in the fetch log.
begin
start_server || fail "the feed server did not start"
base="http://127.0.0.1:$port"
cat >"$T/w.conf" <<CONF
[almanac]
token = $TOKEN

[source "local-feed"]
name = Local feed
feed = $base/file/github__small_atom.xml
tier = 2
kind = newsletter
local = yes
CONF
printf '[source "local-feed"]\nname = Local feed\nfeed = %s/file/github__small_atom.xml\nlocal = yes\n' \
    "$base" >"$T/notoken.conf"
end "a loopback feed and two configurations (with and without a token)"

fetches() { sql "$db" "SELECT count(*) FROM fetch_log" 2>/dev/null || echo 0; }

# post PATH [CURL ARGS]: status in code, body in $T/body, headers in $T/hdr
post() {
    local p=$1
    shift
    code=$(curl -s --max-time 10 -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X POST "$@" "$url${p#/}")
}

begin
start_almanac "$T/run" --config "$T/w.conf" --db "$db" run --listen 127.0.0.1:0 --every 86400 \
    --access-log "$T/access.log" || fail "run did not start: $(errtext "$T/run")"
# the first scheduled ingest, then nothing for a day
for _ in $(seq 200); do [ "$(fetches)" -ge 1 ] && break; sleep 0.05; done
n0=$(fetches)
[ "$n0" -ge 1 ] || fail "run's first ingest logged no fetch"
post /api/v1/fetch
[ "$code" = 401 ] || fail "no token: $code"
grep -qi '^WWW-Authenticate: Bearer' "$T/hdr" || fail "the 401 has no WWW-Authenticate: Bearer"
grep -q '"status":401' "$T/body" || fail "the 401 is not a JSON error"
post /api/v1/fetch -H "Authorization: Bearer ${TOKEN}x"
[ "$code" = 401 ] || fail "a longer token: $code"
post /api/v1/fetch -H "Authorization: Bearer ${TOKEN%?}"
[ "$code" = 401 ] || fail "a shorter token: $code"
post /api/v1/fetch -H "Authorization: Basic $(printf 'x:%s' "$TOKEN" | base64)"
[ "$code" = 401 ] || fail "Basic: $code"
post /api/v1/fetch -H "Authorization: Bearer $TOKEN" -H "Authorization: Bearer $TOKEN"
[ "$code" = 401 ] || fail "two Authorization headers: $code"
[ "$(fetches)" = "$n0" ] || fail "a refused request fetched"
end "POST /api/v1/fetch without the right bearer token is a 401 and fetches nothing"

begin
code=$(curl -s --max-time 10 -o "$T/body" -D "$T/hdr" -w '%{http_code}' \
    -H "Authorization: Bearer $TOKEN" "${url}api/v1/fetch")
[ "$code" = 405 ] || fail "GET: $code"
grep -qi '^Allow: POST' "$T/hdr" || fail "the 405 does not allow POST: $(grep -i '^allow' "$T/hdr")"
post /api/v1/events -H "Authorization: Bearer $TOKEN"
[ "$code" = 405 ] || fail "POST to a read endpoint: $code"
grep -qi '^Allow: GET, HEAD' "$T/hdr" || fail "a read endpoint's 405 does not allow GET, HEAD"
post /api/v1/fetch -H "Authorization: Bearer $TOKEN" --data 'x=1'
[ "$code" = 400 ] || fail "a body: $code"
post '/api/v1/fetch?all=1' -H "Authorization: Bearer $TOKEN"
[ "$code" = 400 ] && grep -q "'all'" "$T/body" || fail "an unknown parameter: $code"
end "writes are POST only, without a body or unknown parameters; reads stay GET/HEAD"

begin
post /api/v1/fetch -H "Authorization: Bearer $TOKEN"
[ "$code" = 202 ] || fail "the token: $code $(head -c 200 "$T/body")"
grep -q '"status":"accepted"' "$T/body" || fail "body: $(head -c 200 "$T/body")"
grep -qi '^Cache-Control: no-store' "$T/hdr" || fail "a write's answer may be cached"
for _ in $(seq 400); do [ "$(fetches)" -gt "$n0" ] && break; sleep 0.05; done
[ "$(fetches)" -gt "$n0" ] || fail "no fetch followed (fetch log still $n0)"
end "POST /api/v1/fetch with the token is a 202 and run fetches every source at once" \
    "($n0 -> $(fetches) fetches)"

begin
stop_almanac
[ "$rc" = 0 ] || fail "run exited $rc"
grep -q 'method=POST path=/api/v1/fetch status=202 ' "$T/access.log" ||
    fail "the access log lacks the write"
grep -q "$TOKEN" "$T/access.log" "$T/run" "$T/run.err" && fail "the token is in a log"
end "the token appears in no log; run stops cleanly"

begin
start_almanac "$T/serve" --config "$T/w.conf" --db "$db" serve --listen 127.0.0.1:0 ||
    fail "serve did not start"
post /api/v1/fetch -H "Authorization: Bearer $TOKEN"
[ "$code" = 409 ] && grep -q '"status":409' "$T/body" || fail "serve: $code"
stop_almanac
start_almanac "$T/serve2" --config "$T/notoken.conf" --db "$db" run --listen 127.0.0.1:0 \
    --every 86400 || fail "run without a token did not start"
post /api/v1/fetch -H "Authorization: Bearer $TOKEN"
[ "$code" = 403 ] && grep -q 'no token' "$T/body" || fail "no token configured: $code"
post /api/v1/fetch -H "Authorization: Bearer "
[ "$code" = 403 ] || fail "no token configured, an empty one given: $code"
stop_almanac
end "serve answers 409 (it does not ingest); without a configured token writes are 403"

# From another address than loopback the token would cross the network in clear.
addr=$( (hostname -I 2>/dev/null || true) | tr ' ' '\n' | grep -E '^[0-9]+(\.[0-9]+){3}$' |
       grep -v '^127\.' | head -n1)
if [ -z "$addr" ]; then
    skip "a write from a non-loopback address is 403" "this machine has no other IPv4 address"
else
    begin
    start_almanac "$T/any" --config "$T/w.conf" --db "$db" run --listen 0.0.0.0:0 --every 86400 ||
        fail "run on 0.0.0.0 did not start"
    p=${url##*:}
    p=${p%/}
    n1=$(fetches)
    code=$(curl -s --max-time 10 -o "$T/body" -w '%{http_code}' -X POST \
        -H "Authorization: Bearer $TOKEN" "http://$addr:$p/api/v1/fetch")
    [ "$code" = 403 ] || fail "from $addr: $code"
    code=$(curl -s --max-time 10 -o "$T/body" -w '%{http_code}' -X POST \
        -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$p/api/v1/fetch")
    [ "$code" = 202 ] || fail "from 127.0.0.1 on the same server: $code"
    stop_almanac
    end "a write with the right token from $addr (not loopback) is 403"
fi

finish
