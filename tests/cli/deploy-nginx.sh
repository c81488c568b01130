#!/usr/bin/env bash
# deploy-nginx.sh - the nginx block of docs/deploy.md works as documented:
# taken from the document as it stands (upstream servers and listen turned to
# loopback, TLS lines dropped, the cache in a temporary folder), nginx accepts
# it and, in front of two `almanac serve` nodes on one database, passes pages
# and the API through unchanged, to both nodes in turn; answers the versioned
# stylesheet from its cache the second time; and goes on answering with one
# node stopped. The nodes run with --base-url, as the document says they
# must: their links name the public site, whichever node answers.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/deploy-nginx.sh
#
# Skips when nginx is not installed.
. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-12-01T00:00:00Z
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
db=$(new_db almanac)
node_pids=()
ngx_pid=
stop_all() {
    local p
    [ -n "$ngx_pid" ] && kill "$ngx_pid" 2>/dev/null && wait "$ngx_pid" 2>/dev/null
    for p in "${node_pids[@]}"; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    cleanup
}
trap stop_all EXIT

if [ ! -x "$NGINX" ]; then
    skip "nginx in front of two web nodes" "no nginx"
    finish
fi

begin
run "$T/ingest" "$ALMANAC" --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest exited $rc: $(errtext "$T/ingest")"
urls=()
for n in 1 2; do
    if start_almanac "$T/node$n" --db "$db" serve --listen 127.0.0.1:0 \
            --base-url https://almanac.example.org --access-log "$T/node$n.log"; then
        node_pids+=("$srv_pid")
        urls+=("$url")
    else
        fail "node $n did not start: $(errtext "$T/node$n")"
    fi
    srv_pid=
done
end "two almanac serve nodes on one database"
[ -n "$why" ] && finish

# ---------------------------------------------------------------------------
begin
awk '/^```nginx$/ {on = 1; next} on && /^```$/ {exit} on' docs/deploy.md >"$T/doc.conf"
[ -s "$T/doc.conf" ] || fail "no nginx block in docs/deploy.md"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
a1=${urls[0]#http://}
a2=${urls[1]#http://}
mkdir -p "$T/ngx/cache" "$T/ngx/tmp"
sed -e "s|server 10\.0\.0\.11:8080|server ${a1%/}|" -e "s|server 10\.0\.0\.12:8080|server ${a2%/}|" \
    -e "s|^\( *\)listen 443 ssl.*|\1listen 127.0.0.1:$port;|" -e '/ssl_certificate/d' \
    -e "s|/var/cache/nginx/almanac|$T/ngx/cache|" "$T/doc.conf" >"$T/ngx/almanac.conf"
grep -q "server ${a1%/} " "$T/ngx/almanac.conf" && grep -q "server ${a2%/} " "$T/ngx/almanac.conf" ||
    fail "the upstream block does not name 10.0.0.11:8080 and 10.0.0.12:8080"
cat >"$T/ngx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $T/ngx/nginx.pid;
error_log $T/ngx/error.log;
$([ "$(id -u)" -eq 0 ] && echo "user root;")
events { worker_connections 64; }
http {
    access_log $T/ngx/access.log;
    client_body_temp_path $T/ngx/tmp/body;
    proxy_temp_path $T/ngx/tmp/proxy;
    fastcgi_temp_path $T/ngx/tmp/fastcgi;
    uwsgi_temp_path $T/ngx/tmp/uwsgi;
    scgi_temp_path $T/ngx/tmp/scgi;
    include $T/ngx/almanac.conf;
}
EOF
"$NGINX" -t -p "$T/ngx" -c "$T/ngx/nginx.conf" >"$T/ngx/t.out" 2>&1 ||
    fail "nginx -t: $(grep -m1 emerg "$T/ngx/t.out")"
end "nginx accepts docs/deploy.md's block (loopback, no TLS)"
[ -n "$why" ] && finish

"$NGINX" -p "$T/ngx" -c "$T/ngx/nginx.conf" >"$T/ngx/run.out" 2>&1 </dev/null &
ngx_pid=$!
for _ in $(seq 200); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.05
done
url=http://127.0.0.1:$port/

# ---------------------------------------------------------------------------
begin
for p in / /api/v1/events /api/v1/sources /guides /api/v1/events/5; do
    get "$p"
    [ "$code" = 200 ] || { fail "$p through nginx: $code"; break; }
    cp "$T/body" "$T/via"
    code=$(curl -s --max-time 10 -o "$T/direct" -w '%{http_code}' "${urls[0]%/}$p")
    cmp -s "$T/via" "$T/direct" || { fail "$p: nginx's answer differs from the node's"; break; }
done
end "pages and the API come through nginx unchanged"

begin
get /
css=$(grep -o '/static/style\.css?v=[0-9a-f]*' "$T/body" | head -n1)
[ -n "$css" ] || fail "no versioned stylesheet link on /"
get "$css"
first=$(hdr X-Cache-Status)
get "$css"
second=$(hdr X-Cache-Status)
[ "$code" = 200 ] || fail "$css: $code"
[ "$first" = MISS ] || [ "$first" = HIT ] || fail "first X-Cache-Status: '$first'"
[ "$second" = HIT ] || fail "second X-Cache-Status: '$second'"
end "nginx answers the versioned stylesheet from its cache" "($first, then $second)"

begin
kill -TERM "${node_pids[0]}"
wait "${node_pids[0]}" 2>/dev/null
for i in 1 2 3 4 5 6; do
    get "/api/v1/events?limit=$i"
    [ "$code" = 200 ] || { fail "request $i with node 1 stopped: $code"; break; }
done
end "with one node stopped, every request still succeeds"

# The nodes write their access logs in batches: counted once both are stopped.
begin
kill -TERM "${node_pids[1]}"
wait "${node_pids[1]}" 2>/dev/null
node_pids=()
n1=$(grep -Ec ' path="?/' "$T/node1.log")
n2=$(grep -Ec ' path="?/' "$T/node2.log")
v1=$(grep -Ec ' path="?/static/style' "$T/node1.log")
v2=$(grep -Ec ' path="?/static/style' "$T/node2.log")
[ "$n1" -gt 0 ] && [ "$n2" -gt 0 ] || fail "requests: $n1 on node 1, $n2 on node 2"
[ $((v1 + v2)) -eq 1 ] || fail "the stylesheet reached the nodes $((v1 + v2)) times, not once"
end "nginx spread the requests over both nodes; the stylesheet reached them once" \
    "($n1 and $n2 requests)"

finish
