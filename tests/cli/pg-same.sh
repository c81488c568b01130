#!/usr/bin/env bash
# pg-same.sh - the analysis, web and map queries on PostgreSQL (issue 13):
# the bundled snapshot ingested and analysed into a throwaway cluster
# (tests/pg/cluster.sh) and into SQLite, with ALMANAC_NOW fixed, reads the
# same through almanac: events --json, events --top, a sample of event ID
# --json / explain ID, and the site and API served (tools/compare-output
# --db-new: every page, every event page and API event, guides, sources,
# feeds). The only differences allowed are the search pages, explained
# below; ~20 searches are compared by their totals and top 10. And a change
# committed by another connection reaches the served site (LISTEN/NOTIFY,
# pg_data_version).
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/pg-same.sh     (about 8 minutes)
#
# Why search differs (SQLite FTS5 with bm25 vs PostgreSQL tsvector with
# ts_rank_cd, pg_web.c and pg_q.c):
#   - ranking: bm25 weighs a word by its rarity in the corpus (idf) and
#     saturates repeats; ts_rank_cd counts cover density, weighted title 1,
#     text and article 0.25, byline 0.125 (bm25's 4 : 1 : 1 : 0.5) and
#     normalized by the log of the length, with no idf. Same hits, other
#     order: the top 10 overlap, the first hit often differs.
#   - tokens: PostgreSQL's parser keeps host names, URLs and file paths
#     whole ("claude.ai" is one token, not "claude" and "ai"), so a few
#     items match on SQLite only; FTS5's unicode61 splits on every
#     non-alphanumeric character. A few of hundreds (claude: 501 vs 497).
#   - stop words: none, on either side (schema 2's 'almanac' configuration
#     is 'english' stemming without its stop word list); the stemmers differ
#     a little (Snowball's English against FTS5's porter).
#   - snippets: ts_headline picks its own fragment (MaxWords 32, no "…"
#     at the cut ends) where FTS5's snippet() adds ellipses.
#   - the page's ETag and Content-Length follow from the above.
. "$(dirname "$0")/lib.bash"
skip_on_pg "on PostgreSQL already in the SQLite pass (its own cluster, compared with SQLite)"

export ALMANAC_NOW=2026-12-01T00:00:00Z
unset ALMANAC_DB ALMANAC_CONFIG
conf=etc/almanac.conf

pgdir=
spids=()
stop_all() {
    for p in "${spids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
    [ -n "$pgdir" ] && tests/pg/cluster.sh stop "$pgdir"
    cleanup
}
trap stop_all EXIT

begin
pgdir=$(tests/pg/cluster.sh start 2>"$T/cluster.err")
crc=$?
if [ "$crc" -eq 3 ]; then
    pgdir=
    echo "skip: no PostgreSQL" >&2
    skip "a throwaway PostgreSQL cluster starts" "no PostgreSQL: $(head -n1 "$T/cluster.err")"
    finish
fi
[ "$crc" -eq 0 ] || fail "cluster.sh start exited $crc: $(tail -n3 "$T/cluster.err")"
[ -n "$why" ] || dsn=$(tests/pg/cluster.sh url "$pgdir" almanac_same 2>&1) || fail "createdb: $dsn"
[ -n "$why" ] || dsn2=$(tests/pg/cluster.sh url "$pgdir" almanac_cmp 2>&1) || fail "createdb: $dsn2"
end "a throwaway PostgreSQL cluster starts"
[ -n "$why" ] && finish

# ---------------------------------------------------------------------------
# The snapshot, ingested and analysed into each (the times are notes only).
secs() { date +%s.%N; }
begin
t0=$(secs)
run "$T/sq.ingest" "$ALMANAC" --config "$conf" --db "$T/sq.db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "SQLite ingest exited $rc: $(errtext "$T/sq.ingest")"
t1=$(secs)
run "$T/pg.ingest" "$ALMANAC" --config "$conf" --db "$dsn" ingest --snapshot
[ "$rc" -eq 0 ] || fail "PostgreSQL ingest exited $rc: $(errtext "$T/pg.ingest")"
t2=$(secs)
sq_an=$(grep -o 'analysed [0-9]* events.* in [0-9.]* s' "$T/sq.ingest")
pg_an=$(grep -o 'analysed [0-9]* events.* in [0-9.]* s' "$T/pg.ingest")
[ -n "$sq_an" ] && [ "${sq_an%% in *}" = "${pg_an%% in *}" ] ||
    fail "the analyses differ: SQLite '$sq_an', PostgreSQL '$pg_an'"
end "the snapshot ingested and analysed into both: ${sq_an%% in *}" \
    "(ingest+analysis: SQLite $(printf '%.1f' "$(echo "$t1 - $t0" | bc)") s, PostgreSQL $(printf '%.1f' "$(echo "$t2 - $t1" | bc)") s; analysis ${sq_an##* in } vs ${pg_an##* in })"

# ---------------------------------------------------------------------------
# The CLI's reads.
for args in "events --json --limit 1000000" "events --top --limit 50" \
            "events --top --json --limit 200" "events --kind release --min-score 3 --json" \
            "sources --json" "digest --week 2026-W20 --format md"; do
    begin
    # shellcheck disable=SC2086
    "$ALMANAC" --config "$conf" --db "$T/sq.db" $args >"$T/a.out" 2>&1
    # shellcheck disable=SC2086
    "$ALMANAC" --config "$conf" --db "$dsn" $args >"$T/b.out" 2>&1
    if [ "${args%% *}" = sources ]; then   # the wall clock's fetch times
        for f in a b; do jq -S 'map(del(.last_fetch, .last_success, .next_due))' "$T/$f.out" \
            >"$T/$f.j" && mv "$T/$f.j" "$T/$f.out"; done
    fi
    [ -s "$T/a.out" ] || fail "nothing printed"
    cmp -s "$T/a.out" "$T/b.out" ||
        fail "differs: $(diff "$T/a.out" "$T/b.out" | head -n4)"
    end "almanac $args: the same on both ($(wc -c <"$T/a.out") bytes)"
done

begin
n=0
for id in $("$ALMANAC" --config "$conf" --db "$T/sq.db" events --json --limit 1000000 |
            jq '.[].id' | awk 'NR % 97 == 1'); do
    for c in "event $id --json" "explain $id" "event $id"; do
        # shellcheck disable=SC2086
        "$ALMANAC" --config "$conf" --db "$T/sq.db" $c >"$T/a.out" 2>&1
        # shellcheck disable=SC2086
        "$ALMANAC" --config "$conf" --db "$dsn" $c >"$T/b.out" 2>&1
        cmp -s "$T/a.out" "$T/b.out" || fail "almanac $c differs: $(diff "$T/a.out" "$T/b.out" | head -n3)"
        n=$((n + 1))
    done
done
[ "$n" -gt 30 ] || fail "only $n commands compared"
end "event ID --json, explain ID, event ID: the same on both ($n commands)"

# ---------------------------------------------------------------------------
# Every page and API answer (tools/compare-output, the new side on PostgreSQL).
begin
SAMPLE=${SAMPLE:-25} tools/compare-output --base-bin "$ALMANAC" --new-bin "$ALMANAC" \
    --db-new "$dsn2" --keep "$T/cmp" >"$T/cmp.out" 2>&1
crc=$?
[ -f "$T/cmp/base/paths.txt" ] || fail "compare-output captured nothing: $(tail -n3 "$T/cmp.out")"
others=
searches=0
if [ -z "$why" ] && [ "$crc" -ne 0 ]; then
    while read -r f; do
        rel=${f#*/base/}
        case $rel in
        web/[0-9]*)
            p=$(sed -n "$((10#${rel#web/}))p" "$T/cmp/base/paths.txt")
            case $p in
            /search\?q=?*|/api/v1/search\?q=?*) searches=$((searches + 1)); continue ;;
            esac
            others="$others $p" ;;
        *) others="$others $rel" ;;
        esac
    done < <(grep '^Files' "$T/cmp.out" | awk '{print $2}'; \
             sed -n 's/^Only in \(.*\): \(.*\)/\1\/\2/p' "$T/cmp.out")
    grep -q 'DIFFERENT in' "$T/cmp.out" || fail "compare-output failed: $(tail -n3 "$T/cmp.out")"
    # compare-output prints at most 20 names: all are needed
    nd=$(sed -n 's/.*DIFFERENT in \([0-9]*\) of.*/\1/p' "$T/cmp.out")
    [ "${nd:-0}" -le 20 ] || fail "$nd files differ (more than the search pages)"
fi
[ -z "$others" ] || fail "differ beyond search:$others"
end "every page, event page and API answer the same on both ($(grep -o '[0-9,]* files\|of [0-9]* files' "$T/cmp.out" | head -1))" \
    "(differing: $searches search pages, explained above)"

# ---------------------------------------------------------------------------
# Searches: totals and top 10 on both, served side by side.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
# serve DB LOG: starts a server (not in a subshell: stop_all must know its
# pid), its port in $sport
serve() {
    sport=$(free_port)
    "$ALMANAC" --config "$conf" --db "$1" serve --listen "127.0.0.1:$sport" >"$2" 2>&1 &
    spids+=($!)
    for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$sport/healthz" && break; sleep 0.1; done
}
begin
serve "$T/sq.db" "$T/sq.serve"
psq=$sport
serve "$dsn" "$T/pg.serve"
ppg=$sport
queries=(claude agents "open weights" '"model release"' openai anthropic llama safety
         "export controls" benchmark reasoning robotics gemini mistral chips copyright
         'agent*' "hugging face" fine-tuning "state of the art" "AND OR")
same_top1=0 overlap=0 nq=0
for qq in "${queries[@]}"; do
    enc=$(jq -rn --arg q "$qq" '$q|@uri')
    a=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$psq/api/v1/search?q=$enc&limit=10")
    b=$(curl -s -w '\n%{http_code}' "http://127.0.0.1:$ppg/api/v1/search?q=$enc&limit=10")
    [ "$(tail -n1 <<<"$a")" = 200 ] && [ "$(tail -n1 <<<"$b")" = 200 ] ||
        { fail "q=$qq: HTTP $(tail -n1 <<<"$a") / $(tail -n1 <<<"$b")"; continue; }
    ta=$(sed '$d' <<<"$a" | jq '.total'); tb=$(sed '$d' <<<"$b" | jq '.total')
    ia=$(sed '$d' <<<"$a" | jq -r '[.events[].id]|join(" ")')
    ib=$(sed '$d' <<<"$b" | jq -r '[.events[].id]|join(" ")')
    k=$(comm -12 <(tr ' ' '\n' <<<"$ia" | sort) <(tr ' ' '\n' <<<"$ib" | sort) | grep -c .)
    t1=no; [ -n "$ia" ] && [ "${ia%% *}" = "${ib%% *}" ] && t1=yes
    echo "# search $(printf '%-20s' "$qq") SQLite $(printf '%4s' "$ta") hits, PostgreSQL $(printf '%4s' "$tb"); top 10 in common $k; same first: $t1"
    nq=$((nq + 1)); overlap=$((overlap + k)); [ $t1 = yes ] && same_top1=$((same_top1 + 1))
    if [ "$ta" -gt 0 ]; then
        # the same matching (words, phrases, prefixes, AND): totals within
        # 10 % (tokenization, above), chosen before looking
        d=$((ta > tb ? ta - tb : tb - ta))
        [ $((d * 10)) -le "$ta" ] || fail "q=$qq: $ta hits on SQLite, $tb on PostgreSQL"
    fi
done
end "$nq searches answered on both" "(totals within 10 %; top 10 in common: $overlap of $((nq * 10)); same first hit: $same_top1 of $nq)"

# Page timings, as the access logs tell them (notes, not checks): the first
# view of each page (no cache) on each server.
pages=(/ /top "/?page=2" /guides /sources /entities/anthropic "/search?q=claude"
       "/search?q=open+weights" "/api/v1/search?q=agents")
for p in "${pages[@]}"; do
    curl -s -o /dev/null "http://127.0.0.1:$psq$p"; curl -s -o /dev/null "http://127.0.0.1:$ppg$p"
done
sleep 1
echo "# first view (ms)                 SQLite  PostgreSQL"
for p in "${pages[@]}"; do
    a=$(grep -F "GET \"$p\" " "$T/sq.serve" | tail -n1 | grep -o '[0-9.]*ms$')
    b=$(grep -F "GET \"$p\" " "$T/pg.serve" | tail -n1 | grep -o '[0-9.]*ms$')
    printf '#   %-28s %9s %11s\n' "$p" "$a" "$b"
done

# ---------------------------------------------------------------------------
# A change committed elsewhere reaches the served site (the cache watches
# pg_data_version: NOTIFY from the schema's triggers, LISTEN on its watch).
begin
first=$(curl -s "http://127.0.0.1:$ppg/api/v1/events?limit=1" | jq '.events[0].id')
curl -s "http://127.0.0.1:$ppg/" | grep -q PGSAMEMARK && fail "the mark is there before"
psql -X -q "$dsn" -c "UPDATE items SET title = 'PGSAMEMARK ' || title WHERE id = $first" ||
    fail "psql update"
seen=0
for _ in $(seq 50); do
    curl -s "http://127.0.0.1:$ppg/" | grep -q PGSAMEMARK && { seen=1; break; }
    sleep 0.2
done
[ $seen -eq 1 ] || fail "a title changed by another connection never showed on /"
end "a change committed by another connection shows on the served page (LISTEN/NOTIFY)"

finish
