#!/usr/bin/env bash
# workers.sh - workers that share the sources (`almanac ingest --worker`):
# four workers on one database and a loopback site whose every answer takes
# a second; one worker is killed with SIGKILL while it holds sources. Every
# source is fetched, none twice at once; the killed worker's sources wait
# for their lease to run out and are then taken over; nothing is lost or
# doubled against a single ingest of the same feeds; the analysis ran.
#
#   ALMANAC=/abs/path/to/almanac [ALMANAC_TEST_DB=DSN] bash tests/cli/workers.sh
#
# ALMANAC_TEST_DB (a postgres:// DSN of an empty database) runs it on
# PostgreSQL; by default a SQLite file.

. "$(dirname "$0")/lib.bash"

site_pid=
site_cleanup() {
    exec 8>&- 2>/dev/null
    [ -n "$site_pid" ] && kill "$site_pid" 2>/dev/null && wait "$site_pid" 2>/dev/null
    for p in ${wpids:-}; do kill -9 "$p" 2>/dev/null; done
    cleanup
}
trap site_cleanup EXIT

mkfifo "$T/site.in" || exit 1
python3 tests/workers_site.py "$T/requests.log" 1.0 <"$T/site.in" >"$T/site.out" 2>"$T/site.err" &
site_pid=$!
exec 8>"$T/site.in"
sport=
for _ in $(seq 200); do
    sport=$(head -n1 "$T/site.out" 2>/dev/null)
    [ -n "$sport" ] && break
    sleep 0.05
done
[ -n "$sport" ] || { echo "not ok - site: $(head -c 300 "$T/site.err")"; exit 1; }

# 24 real feeds of the bundled snapshot, each a source; two at a time per
# worker, so the four share them over several rounds.
write_conf() { # FILE QUERY
    printf '[almanac]\nconcurrency = 2\nper_host = 2\n\n' >"$1"
    local i=0
    ls data/snapshot | grep '\.xml$' | head -24 | while read -r f; do
        i=$((i + 1))
        printf '[source "s%d"]\nname = %s\nfeed = http://127.0.0.1:%s/feed/%s%s\ntier = 2\nkind = press\nlocal = yes\n\n' \
            "$i" "${f%.xml}" "$sport" "$f" "$2"
    done >>"$1"
}
write_conf "$T/workers.conf" ""
write_conf "$T/ref.conf" "?ref=1"
ref=$(new_db ref)
db=${ALMANAC_TEST_DB:-$(new_db workers)}
export ALMANAC_NOW=2026-12-01T00:00:00Z

# The reference: one plain ingest of the same feeds.
run "$T/ref" "$ALMANAC" --config "$T/ref.conf" --db "$ref" ingest --no-analyze
ref_items=$("$ALMANAC" --config "$T/ref.conf" --db "$ref" sources --json |
            python3 -c 'import json,sys; print(sum(s["items"] for s in json.load(sys.stdin)))' 2>/dev/null)
if [ "$rc" -ne 0 ] || [ "${ref_items:-0}" -lt 100 ]; then
    echo "not ok - reference ingest: rc=$rc, ${ref_items:-no} items: $(errtext "$T/ref")"
    exit 1
fi
touch "$T/requests.log"

# Long enough for the survivors to finish (and analyse) on a loaded machine
# before it runs out: the next check needs the killed worker's claims held.
lease=30
begin
wpids=
for w in 1 2 3 4; do
    "$ALMANAC" --config "$T/workers.conf" --db "$db" ingest --worker --worker-id "w$w" \
        --lease "$lease" >"$T/w$w.out" 2>"$T/w$w.err" </dev/null &
    wpids="$wpids $!"
done
set -- $wpids
# Killed in the middle of its second round: its claims are held.
sleep 1.5
kill -9 "$1"
killed_at=$(date +%s)
claimed_by=$((killed_at - 2)) # its last claim was made before the kill
for p in $2 $3 $4; do wait "$p" || fail "a worker failed: $(cat "$T"/w*.err | head -c 300)"; done
wait "$1" 2>/dev/null
wpids=
held=$(grep '^/feed/' "$T/requests.log" | grep -v 'ref=1' | wc -l)
[ "$held" -lt 24 ] && [ "$held" -gt 0 ] ||
    fail "$held fetches before the takeover: expected the killed worker's sources still held"
end "four workers, one killed with SIGKILL mid-lease: the others finish" "($held of 24 fetched)"

begin
started=$(date +%s)
run "$T/early" "$ALMANAC" --config "$T/workers.conf" --db "$db" ingest --worker --worker-id w5 \
    --no-analyze
after_early=$(grep '^/feed/' "$T/requests.log" | grep -v 'ref=1' | wc -l)
if [ $((started - claimed_by)) -ge "$lease" ]; then
    # The machine was too slow for the lease to outlast the survivors: the
    # claims may have run out, which is what they are for.
    skip "a source another worker holds is not fetched while its lease lasts" \
        "the survivors took $((started - claimed_by)) s, the lease $lease s"
else
    [ "$after_early" -eq "$held" ] ||
        fail "a worker fetched a source whose lease had not run out ($held -> $after_early)"
    end "a source another worker holds is not fetched while its lease lasts"
fi

begin
# The killed worker's last claim runs out $lease s after it was made (before the kill).
wait_s=$((killed_at + lease + 1 - $(date +%s)))
[ "$wait_s" -gt 0 ] && sleep "$wait_s"
run "$T/late" "$ALMANAC" --config "$T/workers.conf" --db "$db" ingest --worker --worker-id w6
[ "$rc" -eq 0 ] || fail "takeover worker: rc=$rc $(errtext "$T/late")"
python3 - "$T/requests.log" >"$T/fetches" <<'PY' || fail "$(cat "$T/fetches")"
import collections, sys
spans = collections.defaultdict(list)
for line in open(sys.argv[1]):
    path, a, b = line.split()
    if path.startswith("/feed/") and "ref=1" not in path:
        spans[path].append((float(a), float(b)))
bad = []
for path, s in spans.items():
    s.sort()
    for (a1, b1), (a2, b2) in zip(s, s[1:]):
        if a2 < b1:
            bad.append(path)
if len(spans) != 24:
    print("%d of 24 sources fetched" % len(spans)); sys.exit(1)
if bad:
    print("fetched twice at once: %s" % bad); sys.exit(1)
print(sum(len(s) for s in spans.values()))
PY
end "after the lease ran out the rest were taken over: every source fetched, none twice at once" \
    "($(cat "$T/fetches") fetches of 24 sources)"

begin
"$ALMANAC" --config "$T/workers.conf" --db "$db" sources --json >"$T/sources.json" 2>"$T/sources.err"
python3 - "$T/sources.json" "$ref_items" <<'PY' >"$T/check" || fail "$(cat "$T/check")"
import json, sys
src = json.load(open(sys.argv[1]))
items = sum(s["items"] for s in src)
unfetched = [s["slug"] for s in src if not s["last_fetch"] or s["last_status"] != 200]
if unfetched:
    print("not fetched: %s" % unfetched); sys.exit(1)
if items != int(sys.argv[2]):
    print("%d items stored by the workers, %s by one ingest" % (items, sys.argv[2])); sys.exit(1)
print(items)
PY
[ -s "$T/check" ] || fail "no stored items to count"
n_events=$("$ALMANAC" --config "$T/workers.conf" --db "$db" events --json --limit 100000 2>/dev/null |
           python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' 2>/dev/null)
[ "$n_events" = "$(cat "$T/check")" ] ||
    fail "$n_events events for $(cat "$T/check") items: the analysis missed or doubled some"
end "nothing lost or doubled: the same items as one ingest, each analysed once" \
    "($(cat "$T/check") items)"

[ -n "${WORKERS_KEEP:-}" ] && cp -r "$T" "$WORKERS_KEEP"
finish
