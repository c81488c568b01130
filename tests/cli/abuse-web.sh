#!/usr/bin/env bash
# abuse-web.sh - the HTTP layer under abuse, over loopback (issue 9): slow
# and half-open clients (deadlines, fair shares per address), /healthz
# without the store, strict UTF-8 in the target, Host, the site's headers
# on every error, and If-Modified-Since exactly as RFC 9110 writes dates.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/abuse-web.sh
#
# Slow clients are tests/slow_clients.py, which also measures ordinary
# requests meanwhile; the figures are in the ok lines. Times are asserted
# only with generous bounds: what must hold is that ordinary requests are
# answered and that abusive connections are closed after their deadline.
# About 35 s.

. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-07-25T12:00:00Z
db=$(new_db abuse)

if ! command -v curl >/dev/null; then
    skip "abuse web" "curl is not installed"
    exit 0
fi

csp="default-src 'none'; style-src 'self'; img-src 'self' https: data:; base-uri 'none';"
csp="$csp form-action 'self'; frame-ancestors 'none'"

# port_of URL: the port of a server URL.
port_of() {
    local p=${1##*:}
    echo "${p%/}"
}

# slow OUT ARGS...: tests/slow_clients.py against the server, JSON in OUT.
slow() {
    local out=$1
    shift
    timeout 90 python3 tests/slow_clients.py "$(port_of "$url")" "$@" >"$out" 2>"$out.err"
}

# field FILE EXPR: a value of the JSON in FILE, EXPR in Python over d.
field() {
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2" \
        2>/dev/null
}

# check_slow FILE MIN MAX: every probe answered 2xx, and every slow
# connection closed between MIN and MAX seconds after it opened.
check_slow() {
    local f=$1 lo=$2 hi=$3
    [ -s "$f" ] || { fail "no figures: $(head -c 200 "$f.err")"; return; }
    [ "$(field "$f" 'd["probes"] > 0 and d["probe_ok"] == d["probes"]')" = True ] ||
        fail "ordinary requests failed: $(field "$f" 'd["probe_codes"]')"
    [ "$(field "$f" 'd["closed"] == d["opened"] > 0')" = True ] ||
        fail "$(field "$f" 'd["opened"] - d["closed"]') of $(field "$f" 'd["opened"]') still open"
    [ "$(field "$f" "$lo <= d['closed_after'][0] and d['closed_after'][2] <= $hi")" = True ] ||
        fail "closed after $(field "$f" 'd["closed_after"]') s, not within $lo..$hi"
}

# metric NAME: a value of /metrics (NAME may carry labels).
metric() {
    curl -s --max-time 10 "${url}metrics" | awk -v m="$1" 'index($0, m " ") == 1 {print $2}'
}

# raw FORMAT: sends printf FORMAT on a new connection; the answer in $T/raw.
raw() {
    exec 20<>"/dev/tcp/127.0.0.1/$(port_of "$url")" || { : >"$T/raw"; return; }
    # The server may close before all is sent: a failed write, not a SIGPIPE
    # that ends the test.
    # shellcheck disable=SC2059
    (trap '' PIPE; printf "$1" >&20) 2>/dev/null
    timeout 5 cat <&20 >"$T/raw" 2>/dev/null
    exec 20>&-
}

rawcode() {
    head -n1 "$T/raw" | tr -d '\r' | awk '{print $2}'
}

# sec_headers FILE WHAT: the site's security headers are all in FILE.
sec_headers() {
    local f=$1 what=$2
    h() { grep -i "^$1:" "$f" | head -n1 | sed 's/^[^:]*: *//' | tr -d '\r'; }
    [ "$(h Content-Security-Policy)" = "$csp" ] || fail "$what: no Content-Security-Policy"
    [ "$(h X-Content-Type-Options)" = nosniff ] || fail "$what: no X-Content-Type-Options"
    [ "$(h Referrer-Policy)" = no-referrer ] || fail "$what: no Referrer-Policy"
    [ "$(h X-Frame-Options)" = DENY ] || fail "$what: no X-Frame-Options"
    [ "$(h Cross-Origin-Opener-Policy)" = same-origin ] || fail "$what: no Cross-Origin-Opener-Policy"
    [ "$(h Permissions-Policy)" = 'interest-cohort=()' ] || fail "$what: no Permissions-Policy"
}

begin
run "$T/ingest" "$ALMANAC" --db "$db" ingest --snapshot anthropic openai huggingface
[ "$rc" -eq 0 ] || fail "ingest --snapshot exited $rc: $(errtext "$T/ingest")"
start_almanac "$T/serve" --db "$db" serve --listen 127.0.0.1:0 ||
    fail "serve did not start: $(errtext "$T/serve")"
end "a server with the default bounds" "($url)"
[ -n "$url" ] || finish

# stopped OUT: stops the server; a check fails unless it exited 0 (a
# sanitizer report at exit makes it non-zero).
stopped() {
    stop_almanac
    [ "$rc" -eq 0 ] || fail "serve exited $rc: $(errtext "$1")"
}

# ---- slow clients ----------------------------------------------------------

begin
slow "$T/s200" --conns 200 --pattern header --gap 1:2 --seconds 12.5 \
    --probe /healthz --probe / --probe /api/v1/events --probe /guides
check_slow "$T/s200" 9.5 12.5
end "200 connections trickling a header byte every 1-2 s: others answered, each closed at 10 s" \
    "(p50 $(field "$T/s200" 'd["p50_ms"]') ms, p99 $(field "$T/s200" 'd["p99_ms"]') ms,\
 max $(field "$T/s200" 'd["max_ms"]') ms over $(field "$T/s200" 'd["probes"]') requests;\
 closed after $(field "$T/s200" 'd["closed_after"]') s)"

begin
ev0=$(metric 'almanac_http_connections_closed_total{reason="evicted"}')
slow "$T/s300" --conns 300 --pattern header --gap 1:2 --seconds 4 --probe /healthz --probe /
[ "$(field "$T/s300" 'd["connect_failed"]')" = 0 ] || fail "connections were refused"
[ "$(field "$T/s300" 'd["probe_ok"] == d["probes"] > 0')" = True ] ||
    fail "ordinary requests failed: $(field "$T/s300" 'd["probe_codes"]')"
ev1=$(metric 'almanac_http_connections_closed_total{reason="evicted"}')
[ $((ev1 - ev0)) -ge 44 ] || fail "$((ev1 - ev0)) connections evicted, not the 44 over 256"
end "300 trickling connections from one address (the limit is 256): the oldest make room" \
    "($((ev1 - ev0)) evicted; p99 $(field "$T/s300" 'd["p99_ms"]') ms)"
begin
stopped "$T/serve"
end "the server stops cleanly after them"

# Short deadlines for the other patterns, all at once.
begin
start_almanac "$T/serve2" --db "$db" serve --listen 127.0.0.1:0 --header-timeout 2 \
    --request-timeout 5 || fail "serve did not start: $(errtext "$T/serve2")"
pids=
for p in lines idle halfclose keepalive body; do
    slow "$T/p-$p" --conns 30 --pattern "$p" --gap 0.3:0.6 --seconds 4.5 --probe-every 100 &
    pids="$pids $!"
done
# shellcheck disable=SC2086 # one word per pid; a bare wait would wait for the server
wait $pids
check_slow "$T/p-lines" 1.5 3.5
end "whole header lines every 0.3-0.6 s: closed at the 2 s header deadline" \
    "($(field "$T/p-lines" 'd["closed_after"]') s)"

begin
check_slow "$T/p-idle" 1.5 3.5
end "connections that send nothing: closed at the header deadline" \
    "($(field "$T/p-idle" 'd["closed_after"]') s)"

begin
check_slow "$T/p-halfclose" 0 3.5
end "half a header, then EOF: closed, at the latest at the header deadline" \
    "($(field "$T/p-halfclose" 'd["closed_after"]') s)"

begin
check_slow "$T/p-keepalive" 1.5 3.5
[ "$(field "$T/p-keepalive" 'd["answered"] == d["opened"] and d["first_bytes"] == ["HTTP/1.1 200"]')" = True ] ||
    fail "not every request was answered 200: $(field "$T/p-keepalive" 'd["first_bytes"]')"
end "kept alive and silent after an answer: closed 2 s after it" \
    "($(field "$T/p-keepalive" 'd["closed_after"]') s)"

begin
check_slow "$T/p-body" 0 1.5
[ "$(field "$T/p-body" 'd["answered"] == d["opened"] and d["first_bytes"] == ["HTTP/1.1 400"]')" = True ] ||
    fail "a trickled body was not refused at once: $(field "$T/p-body" 'd["first_bytes"]')"
end "a body trickled after a GET header: 400 and closed at once" \
    "($(field "$T/p-body" 'd["closed_after"]') s)"

begin
n=$(metric 'almanac_http_connections_closed_total{reason="header_timeout"}')
# lines, idle and keepalive: 90; half-closed ones may end by their EOF.
[ "${n:-0}" -ge 90 ] || fail "header_timeout closes counted: ${n:-none}, not 90"
[ "$(metric almanac_http_connections)" -le 2 ] ||
    fail "$(metric almanac_http_connections) connections still open"
stopped "$T/serve2"
end "/metrics counts the connections closed at their deadline" "($n)"

begin
start_almanac "$T/serve3" --db "$db" serve --listen 127.0.0.1:0 --max-per-address 40 ||
    fail "serve did not start: $(errtext "$T/serve3")"
slow "$T/evict" --conns 80 --pattern idle --seconds 2 --probe-every 50
[ "$(field "$T/evict" 'd["probe_ok"] == d["probes"] > 0')" = True ] ||
    fail "ordinary requests failed: $(field "$T/evict" 'd["probe_codes"]')"
[ "$(field "$T/evict" 'd["closed"] >= 40 and d["closed_after"][2] < 2')" = True ] ||
    fail "$(field "$T/evict" 'd["closed"]') of 80 closed, after $(field "$T/evict" 'd["closed_after"]') s"
n=$(metric 'almanac_http_connections_closed_total{reason="evicted"}')
[ "${n:-0}" -ge 40 ] || fail "evictions counted: ${n:-none}"
stopped "$T/serve3"
end "80 half-open connections, 40 per address allowed: the oldest are closed, others served" \
    "($n evicted)"

# ---- /healthz --------------------------------------------------------------

begin
start_almanac "$T/serve4" --db "$db" serve --listen 127.0.0.1:0 ||
    fail "serve did not start: $(errtext "$T/serve4")"
get /healthz
if [ "$code" != 200 ] || [ "$(cat "$T/body")" != ok ]; then
    fail "/healthz: $code $(head -c 80 "$T/body")"
fi
etag=$(hdr ETag)
get /healthz -H "If-None-Match: $etag"
[ "$code" = 304 ] || fail "/healthz with its ETag answered $code"
get '/healthz?x=%FF'
[ "$code" = 400 ] || fail "/healthz with a bad query answered $code"
get /healthz -I
[ "$code" = 200 ] || fail "HEAD /healthz answered $code"
get /metrics -H 'Accept-Encoding: gzip'
[ "$code" = 200 ] || fail "/metrics answered $code"
[ "$(hdr Content-Encoding)" = gzip ] || fail "/metrics is not gzipped"
end "/healthz and /metrics take the common path: conditional, query checks, HEAD, gzip"

# The store locked: every lock of the WAL index is taken (8 bytes at offset
# 120 of the -shm file, SQLite's WAL format), so a query waits for its read
# lock (the busy timeout). /healthz must not.
begin
get /api/v1/sources   # opens the thread's store and its -shm
python3 - "$db-shm" >"$T/lock.out" 2>&1 <<'EOF' &
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.lockf(fd, fcntl.LOCK_EX, 8, 120)  # write, checkpoint, recover, the read marks
print("locked", flush=True)
time.sleep(2.5)
EOF
lock_pid=$!
for _ in $(seq 100); do grep -q locked "$T/lock.out" && break; sleep 0.05; done
t0=$(date +%s%N)
get /healthz
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$code" = 200 ] || fail "/healthz answered $code with the store locked"
[ "$ms" -lt 2000 ] || fail "/healthz took $ms ms with the store locked"
t0=$(date +%s%N)
curl -s -o /dev/null --max-time 10 "${url}api/v1/sources?locked=1"
sms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait "$lock_pid"
note="(/healthz $ms ms; a store query meanwhile $sms ms)"
[ "$sms" -ge 1000 ] || note="(/healthz $ms ms; the lock did not hold up a query here, $sms ms)"
end "/healthz answers while the store is locked" "$note"

# ---- UTF-8 -------------------------------------------------------------------

begin
for p in '/search?q=%FF' '/search?q=caf%C3' '/search?q=%C3%28' '/search?q=%C0%AF' \
         '/search?q=%E0%80%AF' '/search?q=%ED%A0%80' '/search?q=%ED%A0%BD%ED%B8%80' \
         '/search?q=%F4%90%80%80' '/search?q=%80abc' '/api/v1/search?q=%FE' \
         '/api/v1/search?q=ok&page=%E2%82' '/api/v1/events?guide=%C1%81' \
         '/api/v1/events?kind=release&x=%F0%9F%98' '/search?%FF=1' '/events/%FF' \
         '/guides/caf%C3' '/sources/%ED%BF%BF' '/api/v1/events/%C0%AE%C0%AE'; do
    get "$p"
    [ "$code" = 400 ] || fail "$p answered $code"
    python3 -c 'import sys; open(sys.argv[1], "rb").read().decode("utf-8")' "$T/body" \
        2>/dev/null || fail "$p: the answer is not UTF-8"
done
end "invalid UTF-8 in any parameter or the path is a 400 (truncated, overlong, surrogates, past U+10FFFF)"

begin
raw 'GET /search?q=\xe9t\xe9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
[ "$(rawcode)" = 400 ] || fail "raw Latin-1 bytes in q answered $(rawcode)"
raw 'GET /api/v1/search?q=ok\xff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
[ "$(rawcode)" = 400 ] || fail "a raw 0xff in the API's q answered $(rawcode)"
raw 'GET /events/\xc3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
[ "$(rawcode)" = 400 ] || fail "a raw truncated sequence in the path answered $(rawcode)"
raw 'GET /search?q=\xc3\xa9t\xc3\xa9 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'
[ "$(rawcode)" = 200 ] || fail "raw UTF-8 in q answered $(rawcode)"
end "raw (unescaped) bytes in the target are held to the same rule"

begin
e=$(printf '%%C3%%A9%.0s' $(seq 200))          # 200 x U+00E9: 400 bytes
get "/api/v1/search?q=$e"
[ "$code" = 200 ] || fail "200 two-byte characters answered $code"
python3 - "$T/body" <<'EOF' || fail "the query is not echoed as the same 200 characters"
import json, sys
sys.exit(0 if json.load(open(sys.argv[1]))["query"] == "\u00e9" * 200 else 1)
EOF
get "/api/v1/search?q=${e}%C3%A9"
[ "$code" = 400 ] || fail "201 two-byte characters answered $code"
f=$(printf '%%F0%%9F%%98%%80%.0s' $(seq 200))  # 200 x U+1F600: 800 bytes
get "/api/v1/search?q=$f"
[ "$code" = 200 ] || fail "200 four-byte characters answered $code"
get "/search?q=$f"
[ "$code" = 200 ] || fail "the search page with 200 four-byte characters answered $code"
get "/search?q=${f}a"
[ "$code" = 400 ] || fail "the search page with 201 characters answered $code"
get "/api/v1/search?q=$(head -c 201 /dev/zero | tr '\0' a)"
[ "$code" = 400 ] || fail "201 ASCII characters answered $code"
end "q is limited to 200 characters, not bytes"

# ---- Host and the headers of errors ----------------------------------------

begin
get /healthz -H 'Host:'
[ "$code" = 400 ] || fail "HTTP/1.1 without Host answered $code"
sec_headers "$T/hdr" "the 400 without Host"
get /healthz -H 'Host:' --http1.0
[ "$code" = 200 ] || fail "HTTP/1.0 without Host answered $code"
raw 'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n'
[ "$(rawcode)" = 400 ] || fail "two Host lines answered $(rawcode)"
for h in 'a b' 'a/b' 'user@a' 'a:80x' '[::1' 'caf\xc3\xa9'; do
    raw "GET /healthz HTTP/1.1\r\nHost: $h\r\nConnection: close\r\n\r\n"
    [ "$(rawcode)" = 400 ] || fail "Host: $h answered $(rawcode)"
done
for h in 'example.com' 'example.com:8080' '127.0.0.1:1' '[::1]:8080'; do
    raw "GET /healthz HTTP/1.1\r\nHost: $h\r\nConnection: close\r\n\r\n"
    [ "$(rawcode)" = 200 ] || fail "Host: $h answered $(rawcode)"
done
end "HTTP/1.1 without Host, with two, or with an invalid one: 400 (HTTP/1.0 may omit it)"

begin
big=$(head -c 20000 /dev/zero | tr '\0' x)
for c in "400 /search?q=%FF" "400 /a%00b" "404 /no-such-page" "405 /healthz -X POST" \
         "405 /healthz -X DELETE" "414 /$(head -c 3000 /dev/zero | tr '\0' a)" \
         "431 /healthz -H X-Big:$big" "400 /healthz -H Host:" "400 /healthz -X GET -d hello"; do
    # shellcheck disable=SC2086 # "STATUS PATH CURL-ARGS...", split on purpose
    set -- $c
    want=$1
    p=$2
    shift 2
    get "$p" "$@"
    [ "$code" = "$want" ] || { fail "${p:0:30}: $code, expected $want"; continue; }
    sec_headers "$T/hdr" "the $want of ${p:0:30}"
done
raw 'GET /healthz HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n'
sec_headers "$T/raw" "the 400 for two Hosts"
end "every error answer carries the security headers (400, 404, 405, 414, 431)"

begin
raw 'GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n'
[ "$(rawcode)" = 505 ] || fail "HTTP/2.0 answered $(rawcode)"
raw "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: $(head -c 40000 /dev/zero | tr '\0' x)\r\n\r\n"
[ "$(rawcode)" = 431 ] || fail "a 40 KB header answered $(rawcode)"
get /healthz
[ "$code" = 200 ] || fail "the server did not go on ($code)"
end "libmicrohttpd's own answers (505; a header beyond its 32 KiB) still refuse" \
    "(they carry no security headers: docs/security.md)"

# ---- If-Modified-Since -----------------------------------------------------

begin
get /
lm=$(hdr Last-Modified)
[ -n "$lm" ] || fail "/ has no Last-Modified"
forms=$(LC_ALL=C python3 - "$lm" <<'EOF'
import email.utils, sys
t = email.utils.parsedate_to_datetime(sys.argv[1])
e = t.replace(year=t.year - 1)
print(t.strftime("%A, %d-%b-%y %H:%M:%S GMT"))   # rfc850
print(t.strftime("%a %b %e %H:%M:%S %Y"))         # asctime
print(e.strftime("%a, %d %b %Y %H:%M:%S GMT"))    # a year earlier
print(t.strftime("%Y-%m-%dT%H:%M:%SZ"))           # ISO 8601: not an HTTP-date
EOF
)
rfc850=$(sed -n 1p <<<"$forms")
asct=$(sed -n 2p <<<"$forms")
earlier=$(sed -n 3p <<<"$forms")
iso=$(sed -n 4p <<<"$forms")
for v in "$lm" "$rfc850" "$asct" "Fri, 31 Dec 9999 23:59:59 GMT"; do
    get / -H "If-Modified-Since: $v"
    [ "$code" = 304 ] || fail "If-Modified-Since: $v answered $code"
done
for v in "$earlier" "$iso" "${lm% GMT} gmt" "${lm% GMT} UTC" "${lm% GMT} +0000" "${lm}x" \
         "$(tr '[:lower:]' '[:upper:]' <<<"$lm")" "${lm/, /,}" "Sun, 31 Feb 2099 00:00:00 GMT" "99999999999" \
         "$lm, $lm"; do
    get / -H "If-Modified-Since: $v"
    [ "$code" = 200 ] || fail "If-Modified-Since: $v answered $code"
done
raw "GET / HTTP/1.1\r\nHost: x\r\nIf-Modified-Since: $lm\r\nIf-Modified-Since: $lm\r\nConnection: close\r\n\r\n"
[ "$(rawcode)" = 200 ] || fail "two If-Modified-Since lines answered $(rawcode)"
end "If-Modified-Since: the three HTTP-date forms give 304, anything else is ignored" "($lm)"

begin
stopped "$T/serve4"
end "the server stops cleanly"
finish
