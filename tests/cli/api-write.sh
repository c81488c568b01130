#!/usr/bin/env bash
# api-write.sh - the API's write endpoints. POST /api/v1/fetch: only with the
# configuration's token as "Authorization: Bearer" (401 without it or with
# another, 403 when no token is configured), POST only (405 Allow: POST),
# 409 under `almanac serve`, and under `almanac run` a fetch of every source
# at once (202); the token never appears in the access log. And
# web_token_equal's constant time is a property of the code (tests/unit).
# Sources and alert rules through the API: every answer checked against
# docs/openapi.json (tests/api/openapi_check.py --writes), an added source
# fetched, a rule added delivering to a webhook on loopback, OPML import,
# removal keeping items, bodies bounded.
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

# ---- sources and alert rules through the API (docs/api.md, "Writes") ----

# A webhook receiver on loopback: each POST's body in $T/hook.N.
cat >"$T/hook.py" <<'PY'
import sys, threading
from http.server import BaseHTTPRequestHandler, HTTPServer
d = sys.argv[1]
n = [0]
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        n[0] += 1
        with open("%s/hook.%d" % (d, n[0]), "wb") as f:
            f.write(body)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
srv = HTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
threading.Thread(target=lambda: (sys.stdin.read(), srv.shutdown()), daemon=True).start()
srv.serve_forever()
PY
mkfifo "$T/hook.in"
python3 "$T/hook.py" "$T" <"$T/hook.in" >"$T/hook.port" 2>"$T/hook.err" &
hook_pid=$!
exec 8>"$T/hook.in"
for _ in $(seq 200); do hook_port=$(head -n1 "$T/hook.port" 2>/dev/null); [ -n "$hook_port" ] && break; sleep 0.05; done

# req METHOD PATH [CURL ARGS]: with the token; status in code, body in $T/body
req() {
    local m=$1 p=$2
    shift 2
    code=$(curl -s --max-time 10 -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X "$m" \
        -H "Authorization: Bearer $TOKEN" "$@" "$url${p#/}")
}
json() { python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$T/body" "$1" 2>/dev/null; }

begin
printf '<?xml version="1.0"?>\n<opml version="2.0"><head><title>t</title></head><body>
<outline text="Folder"><outline text="Imported One" xmlUrl="https://one.example/feed.xml" htmlUrl="https://one.example/"/>
<outline text="Imported Two" xmlUrl="https://two.example/rss"/></outline>
<outline text="Again" xmlUrl="%s/file/github__small_atom.xml"/>
<outline text="Not a feed" xmlUrl="gopher://x.example/"/></body></opml>\n' "$base" >"$T/list.opml"
out=$(python3 tests/api/openapi_check.py "$url" docs/openapi.json --writes "$TOKEN" "$T/list.opml" 2>&1) ||
    fail "$(printf '%s' "$out" | head -n 5)"
end "every write's answers (successes, 400s naming the field, 401, 404, 409) match docs/openapi.json" "(${out#ok } answers)"

begin
[ -n "$hook_port" ] || fail "the webhook receiver did not start"
req POST /api/v1/alerts/rules -H 'Content-Type: application/json' \
    -d "{\"name\":\"api-hook\",\"webhook\":\"http://127.0.0.1:$hook_port/hook\",\"local\":true,\"max_age\":8784}"
[ "$code" = 201 ] || fail "adding a rule: $code $(head -c 200 "$T/body")"
req POST /api/v1/sources -H 'Content-Type: application/json' \
    -d "{\"slug\":\"api-xai\",\"name\":\"xAI (API)\",\"feed\":\"$base/file/xai__feed_xainews.xml\",\"kind\":\"lab\",\"tier\":1,\"local\":true}"
[ "$code" = 201 ] || fail "adding a source: $code $(head -c 200 "$T/body")"
[ "$(json 'd["source"]["origin"]')" = api ] || fail "origin: $(head -c 200 "$T/body")"
id=$(sql "$db" "SELECT id FROM sources WHERE slug = 'api-xai'")
[ -n "$id" ] || fail "the added source is not in the store's sources"
req POST /api/v1/sources/api-xai/fetch
[ "$code" = 202 ] || fail "fetching it: $code $(head -c 200 "$T/body")"
for _ in $(seq 2400); do
    [ "$(sql "$db" "SELECT count(*) FROM items WHERE source_id = $id")" -gt 0 ] && break
    sleep 0.05
done
n=$(sql "$db" "SELECT count(*) FROM items WHERE source_id = $id")
[ "$n" -gt 0 ] || fail "the added source was not fetched (no items)"
code=$(curl -s --max-time 10 -o "$T/body" -w '%{http_code}' "${url}api/v1/sources/api-xai")
[ "$code" = 200 ] || fail "GET /api/v1/sources/api-xai: $code"
[ "$(json 'd["source"]["origin"]')" = api ] || fail "its origin: $(head -c 300 "$T/body")"
curl -s --max-time 10 -o "$T/body" "${url}api/v1/sources"
[ "$(json '[s["origin"] for s in d["sources"] if s["slug"] == "local-feed"][0]')" = config ] ||
    fail "the file's source's origin in the list"
end "a source added by the API is fetched on POST /api/v1/sources/NAME/fetch" "($n items)"

begin
for _ in $(seq 2400); do [ -s "$T/hook.1" ] && break; sleep 0.05; done
[ -s "$T/hook.1" ] || fail "the rule added by the API delivered nothing to the webhook"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["rule"] == "api-hook", d' \
    "$T/hook.1" 2>"$T/hook.chk" || fail "the delivery: $(tail -n1 "$T/hook.chk") $(head -c 200 "$T/hook.1")"
"$ALMANAC" --config "$T/w.conf" --db "$db" alerts >"$T/alerts.out" 2>&1
grep -q 'api-hook' "$T/alerts.out" || fail "almanac alerts does not list the API's rule"
end "a rule added by the API delivers to a webhook ($(ls "$T"/hook.[0-9]* | wc -l) deliveries)" \
    "and almanac alerts lists it"

begin
req POST /api/v1/opml -H 'Content-Type: text/x-opml' --data-binary @"$T/list.opml"
# the openapi check imported this list already: all are there now
[ "$code" = 200 ] || fail "OPML again: $code"
[ "$(json 'd["added"]')" = 0 ] && [ "$(json 'd["duplicates"]')" = 3 ] ||
    fail "a second import is not all duplicates: $(head -c 300 "$T/body")"
"$ALMANAC" --config "$T/w.conf" --db "$db" sources >"$T/sources.out" 2>&1
grep -q '^imported-one ' "$T/sources.out" && grep -q '^imported-two ' "$T/sources.out" &&
    grep -q '^api-xai ' "$T/sources.out" || fail "almanac sources lacks the API's: $(cat "$T/sources.out")"
"$ALMANAC" --config "$T/w.conf" --db "$db" opml export >"$T/export.opml" 2>&1
grep -q 'xmlUrl="https://one.example/feed.xml"' "$T/export.opml" ||
    fail "almanac opml export lacks the API's sources"
req POST /api/v1/opml -H 'Content-Type: text/x-opml' --data-binary @<(head -c $((5 << 20)) /dev/zero)
[ "$code" = 413 ] || fail "a 5 MiB OPML body: $code"
grep -q '"status":413' "$T/body" || fail "the 413 is not a JSON error"
req POST /api/v1/sources -H 'Content-Type: application/json' --data-binary @<(head -c 70000 /dev/zero | tr '\0' ' ')
[ "$code" = 413 ] || fail "a 70 KB JSON body: $code"
req POST /api/v1/sources -H 'Transfer-Encoding: chunked' --data-binary @<(head -c 200000 /dev/zero | tr '\0' ' ')
[ "$code" = 413 ] || fail "a 200 KB chunked JSON body (no Content-Length): $code"
end "OPML import adds sources that almanac sources and opml export list; a second is all duplicates; bodies are bounded (413)"

begin
req DELETE /api/v1/sources/api-xai
[ "$code" = 200 ] || fail "DELETE: $code $(head -c 200 "$T/body")"
[ "$(sql "$db" "SELECT count(*) FROM items WHERE source_id = $id")" = "$n" ] ||
    fail "removing the source removed its items"
[ "$(sql "$db" "SELECT enabled FROM sources WHERE id = $id")" = 0 ] || fail "its row is not disabled"
# the response cache looks at the store at most once a second
for _ in $(seq 100); do
    curl -s --max-time 10 -o "$T/body" "${url}api/v1/sources/api-xai"
    [ "$(json 'd["source"]["origin"]')" = None ] && break
    sleep 0.05
done
[ "$(json 'd["source"]["origin"]')" = None ] || fail "a removed source's origin: $(head -c 300 "$T/body")"
"$ALMANAC" --config "$T/w.conf" --db "$db" sources >"$T/sources.out" 2>&1
grep -q '^api-xai ' "$T/sources.out" && fail "almanac sources still lists the removed source"
ev=$(sql "$db" "SELECT e.id FROM events e JOIN items i ON i.id = e.id WHERE i.source_id = $id LIMIT 1")
[ -n "$ev" ] || fail "the removed source's items made no event"
code=$(curl -sL --max-time 10 -o /dev/null -w '%{http_code}' "${url}events/$ev")
[ "$code" = 200 ] || fail "the page of an event of the removed source: $code"
code=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' "${url}api/v1/events/$ev")
[ "$code" = 200 ] || fail "the API's event of the removed source: $code"
req DELETE /api/v1/alerts/rules/api-hook
[ "$code" = 200 ] || fail "DELETE the rule: $code"
req DELETE /api/v1/sources/local-feed
[ "$code" = 409 ] && grep -q 'configuration file' "$T/body" || fail "DELETE a file's source: $code"
code=$(curl -s --max-time 10 -o "$T/body" -D "$T/hdr" -w '%{http_code}' -X DELETE "${url}api/v1/sources/imported-one")
[ "$code" = 401 ] || fail "DELETE without the token: $code"
req POST /api/v1/sources/imported-one
[ "$code" = 405 ] && grep -qi '^Allow: GET, HEAD, PUT, PATCH, DELETE' "$T/hdr" || fail "POST to a source: $code"
req PUT /api/v1/alerts/rules
[ "$code" = 405 ] && grep -qi '^Allow: GET, HEAD, POST' "$T/hdr" || fail "PUT to the rules: $code"
end "DELETE keeps the items and the event pages (the source's row disabled); the file's are 409; 401 and 405 with Allow"

exec 8>&-
wait "$hook_pid" 2>/dev/null

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
