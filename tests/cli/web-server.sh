#!/usr/bin/env bash
# web-server.sh - `almanac serve` and `almanac run` over loopback with curl:
# health and metrics, request checks (methods, long paths, traversal, huge
# headers, query limits), idle connections, HEAD, conditional requests,
# gzip, the security headers, the access log and a clean stop on SIGTERM.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/web-server.sh
#
# Prints one "ok - NAME" / "not ok - NAME: REASON" line per check and exits
# non-zero when one failed. It checks only the server's own behaviour, so
# it holds whatever the content handlers (routes.c) answer.

. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-07-25T12:00:00Z
db=$(new_db web)
url=

if ! command -v curl >/dev/null; then
    skip "web server" "curl is not installed"
    exit 0
fi


# requests_total: the sum of almanac_http_requests_total over its labels.
requests_total() {
    curl -s --max-time 10 "${url}metrics" |
        awk '/^almanac_http_requests_total\{/ {n += $2} END {print n + 0}'
}

# A few sources of the bundled snapshot are enough for the server's checks.
begin
run "$T/ingest" "$ALMANAC" --db "$db" ingest --snapshot anthropic openai huggingface
[ "$rc" -eq 0 ] || fail "ingest --snapshot exited $rc: $(errtext "$T/ingest")"
nitems=$(stored_items "$db")
[ "${nitems:-0}" -gt 0 ] || fail "no items stored"
start_almanac "$T/serve" --db "$db" serve --listen 127.0.0.1:0 ||
    fail "serve did not print its URL: $(head -c 300 "$T/serve") $(errtext "$T/serve")"
end "serve --listen 127.0.0.1:0 prints the URL it listens on" "($url)"
if [ -z "$url" ]; then
    finish
fi
port=${url##*:}
port=${port%/}

# ---------------------------------------------------------------------------
begin
get /healthz
[ "$code" = 200 ] || fail "/healthz answered $code"
[ "$(cat "$T/body")" = ok ] || fail "/healthz body '$(head -c 80 "$T/body")'"
case $(hdr Content-Type) in text/plain*) ;; *) fail "Content-Type $(hdr Content-Type)" ;; esac
[ "$(hdr Cache-Control)" = no-store ] || fail "Cache-Control '$(hdr Cache-Control)'"
end "/healthz is 200 ok, text/plain, not cached"

begin
get /metrics
[ "$code" = 200 ] || fail "/metrics answered $code"
for m in almanac_http_requests_total almanac_http_request_duration_seconds_bucket \
         almanac_http_request_duration_seconds_sum almanac_http_request_duration_seconds_count \
         almanac_items_total almanac_events_total almanac_fetch_errors_total \
         process_start_time_seconds; do
    grep -q "^${m}[ {]" "$T/body" || fail "no $m"
done
grep -q '^# TYPE almanac_http_request_duration_seconds histogram' "$T/body" ||
    fail "the duration is not a histogram"
n=$(awk '/^almanac_items_total / {print $2}' "$T/body")
[ "$n" = "$nitems" ] || fail "almanac_items_total $n, the database has $nitems"
before=$(requests_total)
get /healthz
get /no-such-page
after=$(requests_total)
[ "$after" -ge $((before + 3)) ] || fail "requests_total went from $before to $after"
get /metrics
grep -q '^almanac_http_requests_total{route="healthz",code="2xx"} [1-9]' "$T/body" ||
    fail "no 2xx counted for /healthz"
end "/metrics has the request, duration and store metrics, and counts grow" \
    "($before -> $after)"

begin
get /no-such-page
[ "$code" = 404 ] || fail "unknown path answered $code"
case $(hdr Content-Type) in text/html*) ;; *) fail "404 Content-Type $(hdr Content-Type)" ;; esac
[ -s "$T/body" ] || fail "the 404 has no page"
get /api/v1/no-such-thing
[ "$code" = 404 ] || fail "unknown API path answered $code"
end "an unknown path is a 404 HTML page"

# ---------------------------------------------------------------------------
begin
get /healthz -X POST -d 'a=b'
[ "$code" = 405 ] || fail "POST answered $code"
case $(hdr Allow) in *GET*HEAD*) ;; *) fail "Allow '$(hdr Allow)'" ;; esac
get /healthz -X DELETE
[ "$code" = 405 ] || fail "DELETE answered $code"
get /healthz -X GET -d 'body'
[ "$code" = 400 ] || fail "GET with a body answered $code"
get /healthz
[ "$code" = 200 ] || fail "the server did not answer after the refusals ($code)"
end "other methods get 405 with Allow, a GET with a body 400"

begin
get "/$(head -c 3000 /dev/zero | tr '\0' a)"
[ "$code" = 414 ] || fail "a 3000-byte path answered $code"
get "/healthz?q=$(head -c 1100 /dev/zero | tr '\0' b)"
[ "$code" = 400 ] || fail "a 1100-byte query value answered $code"
get "/healthz?q=a%00b"
[ "$code" = 400 ] || fail "a NUL in the query answered $code"
get "/a%00b"
[ "$code" = 400 ] || fail "a NUL in the path answered $code"
get "/healthz?$(seq -s '&' -f 'p%g=1' 40)"
[ "$code" = 400 ] || fail "40 query parameters answered $code"
get "/healthz?q=hello+world&x=%C3%A9"
[ "$code" = 200 ] || fail "an ordinary query answered $code"
end "long paths get 414; long values, NUL and too many parameters 400"

begin
for p in '/..%2f..%2fetc/passwd' '/../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' \
         '/static/..%2f..%2f..%2fetc/passwd' '/a/b/../../../etc/passwd'; do
    get "$p" --path-as-is
    case $code in 400|404) ;; *) fail "$p answered $code" ;; esac
    ! grep -q 'root:' "$T/body" || fail "$p returned file content"
done
end "path traversal is refused (400/404) and never reads a file"

begin
big=$(curl -s --max-time 10 -o /dev/null -w '%{http_code}' \
           -H "X-Big: $(head -c 20480 /dev/zero | tr '\0' x)" "${url}healthz")
case $big in 431|413|400|000) ;; *) fail "a 20 KB header answered $big" ;; esac
get /healthz
[ "$code" = 200 ] || fail "after the big header /healthz answered $code"
end "a 20 KB header is refused (431 or closed) and the server goes on" "($big)"

begin
for fd in 20 21 22 23 24 25 26 27; do
    eval "exec $fd<>/dev/tcp/127.0.0.1/$port" || fail "cannot open idle connection $fd"
done
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n' >&27   # and one that stops mid-headers
t0=$(date +%s%N)
get /healthz --max-time 5
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$code" = 200 ] || fail "with idle connections open /healthz answered $code"
[ "$ms" -lt 3000 ] || fail "it took $ms ms"
for fd in 20 21 22 23 24 25 26 27; do
    eval "exec $fd>&-"
done
end "idle connections do not hold up other requests" "(${ms} ms)"

# ---------------------------------------------------------------------------
begin
exec 20<>"/dev/tcp/127.0.0.1/$port"
printf 'HEAD /metrics HTTP/1.0\r\nHost: x\r\n\r\n' >&20
timeout 5 cat <&20 >"$T/head.raw"
exec 20>&-
head -n1 "$T/head.raw" | grep -q '^HTTP/1\.[01] 200' || fail "HEAD: $(head -n1 "$T/head.raw")"
grep -qi '^Content-Length: [1-9]' "$T/head.raw" || fail "HEAD has no Content-Length"
python3 - "$T/head.raw" <<'EOF' || fail "HEAD sent a body"
import sys
raw = open(sys.argv[1], "rb").read()
sys.exit(0 if raw.endswith(b"\r\n\r\n") and raw.count(b"\r\n\r\n") == 1 else 1)
EOF
end "HEAD sends the headers and no body"

# The conditional checks use the home page when the pages answer it, else
# /healthz; gzip needs a text response over 1 KB (the home page or /metrics).
page=/healthz
get /
[ "$code" = 200 ] && page=/
big=/metrics
[ "$code" = 200 ] && [ "$(wc -c <"$T/body")" -gt 1024 ] && big=/

begin
get "$page"
etag=$(hdr ETag)
lm=$(hdr Last-Modified)
[ "$code" = 200 ] || fail "$page answered $code"
case $etag in '"'*'"') ;; *) fail "ETag '$etag' is not a quoted strong tag" ;; esac
get "$page" -H "If-None-Match: $etag"
[ "$code" = 304 ] || fail "If-None-Match with its ETag answered $code"
[ ! -s "$T/body" ] || fail "the 304 has a body"
[ "$(hdr ETag)" = "$etag" ] || fail "the 304 carries ETag '$(hdr ETag)'"
get "$page" -H "If-None-Match: \"other\", W/$etag"
[ "$code" = 304 ] || fail "a list with the weak form answered $code"
get "$page" -H 'If-None-Match: "something-else"'
[ "$code" = 200 ] || fail "another ETag answered $code"
if [ -n "$lm" ]; then
    get "$page" -H "If-Modified-Since: $lm"
    [ "$code" = 304 ] || fail "If-Modified-Since: Last-Modified answered $code"
fi
end "ETag then If-None-Match is a 304 without a body" "($page${lm:+, Last-Modified too})"

begin
get "$big" -H 'Accept-Encoding: gzip, deflate'
[ "$code" = 200 ] || fail "$big answered $code"
[ "$(hdr Content-Encoding)" = gzip ] || fail "no Content-Encoding: gzip on $big"
case $(hdr Vary) in *Accept-Encoding*) ;; *) fail "Vary '$(hdr Vary)'" ;; esac
gzip -dc <"$T/body" >"$T/plain" 2>/dev/null || fail "the body does not decompress"
[ "$(wc -c <"$T/plain")" -gt 1024 ] || fail "decompressed to $(wc -c <"$T/plain") bytes"
[ "$big" != /metrics ] || grep -q '^almanac_items_total ' "$T/plain" ||
    fail "the decompressed metrics are not the metrics"
get "$big"
[ -z "$(hdr Content-Encoding)" ] || fail "gzip without Accept-Encoding"
get "$big" -H 'Accept-Encoding: gzip;q=0, identity'
[ -z "$(hdr Content-Encoding)" ] || fail "gzip although q=0"
end "gzip when accepted, for text over 1 KB, and it decompresses" "($big)"

csp="default-src 'none'; style-src 'self'; img-src 'self' https: data:; base-uri 'none';"
csp="$csp form-action 'self'; frame-ancestors 'none'"
begin
for p in /healthz /no-such-page; do
    get "$p"
    [ "$(hdr Content-Security-Policy)" = "$csp" ] ||
        fail "$p: Content-Security-Policy '$(hdr Content-Security-Policy)'"
    [ "$(hdr X-Content-Type-Options)" = nosniff ] || fail "$p: X-Content-Type-Options"
    [ "$(hdr Referrer-Policy)" = no-referrer ] || fail "$p: Referrer-Policy"
    [ "$(hdr X-Frame-Options)" = DENY ] || fail "$p: X-Frame-Options"
    [ "$(hdr Cross-Origin-Opener-Policy)" = same-origin ] || fail "$p: Cross-Origin-Opener-Policy"
    [ "$(hdr Permissions-Policy)" = 'interest-cohort=()' ] || fail "$p: Permissions-Policy"
done
get /healthz -X PUT
[ "$(hdr X-Frame-Options)" = DENY ] || fail "the 405 has no security headers"
end "security headers on every response"

begin
# Lines are written in batches, within about a second.
for _ in $(seq 50); do
    grep -q ' path=/a%00b status=400 ' "$T/serve.err" &&
        grep -q ' method=POST path=/healthz status=405 ' "$T/serve.err" &&
        grep -q ' method=GET path=/healthz status=200 ' "$T/serve.err" && break
    sleep 0.1
done
# logfmt (base/logfmt.h): ts, level, msg first, then the request's fields.
grep -Eq '^ts=[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z level=info msg="request" addr=127\.0\.0\.1 method=GET path=/healthz status=200 bytes=3 ms=[0-9]+\.[0-9]{3}$' \
    "$T/serve.err" ||
    fail "no access-log line for /healthz: $(head -n2 "$T/serve.err" | tr '\n' ' ')"
grep -q ' method=POST path=/healthz status=405 ' "$T/serve.err" || fail "no access-log line for the POST"
grep -q ' path=/a%00b status=400 ' "$T/serve.err" || fail "the NUL path is not logged escaped"
end "one access-log line per request on stderr, within a second"

begin
stop_almanac
[ "$rc" -eq 0 ] || fail "serve exited $rc on SIGTERM: $(errtext "$T/serve")"
[ "$stop_ms" -lt 5000 ] || fail "it took $stop_ms ms to stop"
end "SIGTERM stops serve with status 0" "(${stop_ms} ms)"

# ---------------------------------------------------------------------------
begin
run "$T/badlisten" "$ALMANAC" --db "$db" serve --listen nonsense
[ "$rc" -ne 0 ] || fail "--listen nonsense exited 0"
grep -q 'listen' "$T/badlisten.err" || fail "no reason given: $(errtext "$T/badlisten")"
end "a bad --listen address is refused"

begin
if start_almanac "$T/v6" --db "$db" serve --listen '[::1]:0' 2>/dev/null; then
    case $url in 'http://[::1]:'*) ;; *) fail "URL $url" ;; esac
    get /healthz
    [ "$code" = 200 ] || fail "/healthz over IPv6 answered $code"
    stop_almanac
    [ "$rc" -eq 0 ] || fail "exited $rc: $(errtext "$T/v6")"
    end "serve --listen [::1]:0"
else
    kill "$srv_pid" 2>/dev/null
    wait "$srv_pid" 2>/dev/null
    srv_pid=
    skip "serve --listen [::1]:0" "no IPv6 loopback here"
fi

# run: the server, plus an ingest of a local source right away.
begin
cat >"$T/run.conf" <<EOF
[source "anthropic"]
name = Anthropic News
feed = file://$ROOT/data/snapshot/anthropic__anthropic-news.xml
local = yes
EOF
start_almanac "$T/run" --config "$T/run.conf" --db "$(new_db run)" run --listen 127.0.0.1:0 \
    --every 60 || fail "run did not print its URL: $(errtext "$T/run")"
n=0
for _ in $(seq 200); do
    n=$(curl -s --max-time 5 "${url}metrics" | awk '/^almanac_items_total / {print $2}')
    [ "${n:-0}" -gt 0 ] && break
    sleep 0.1
done
[ "${n:-0}" -gt 0 ] || fail "no items after the first ingest: $(errtext "$T/run")"
# run takes SIGTERM between ingests: the first one ends with its analysis
# (its "analysed" line), which on PostgreSQL takes seconds (267 events:
# 0.3 s on SQLite, 3 to 7 s on PostgreSQL on this loaded machine).
for _ in $(seq 1200); do
    grep -q '^analysed ' "$T/run" && break
    sleep 0.1
done
grep -q '^analysed ' "$T/run" || fail "the first ingest's analysis did not end: $(tail -n2 "$T/run")"
stop_almanac
[ "$rc" -eq 0 ] || fail "run exited $rc on SIGTERM: $(errtext "$T/run")"
end "run serves and ingests in one process" "($n items)"

finish
