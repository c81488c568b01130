# lib.bash - what the CLI tests share: TAP lines, a temp dir that is always
# removed, the binary under test, and the loopback feed server.
#
# Source it from a test in tests/cli (the .bash name keeps tests/run-all from
# running it as a test); it moves to the repository root. Every check starts
# with begin, records its first failing reason with fail, and ends
# with end NAME [NOTE], which prints "ok - NAME [NOTE]" or "not ok - NAME:
# REASON". The test exits with finish: non-zero when any check failed.

set -u
cd "$(dirname "${BASH_SOURCE[0]}")/../.." || exit 1
ROOT=$PWD
ALMANAC=${ALMANAC:-$ROOT/almanac}
T=$(mktemp -d "${TMPDIR:-/tmp}/almanac-cli.XXXXXX") || exit 1
nfailed=0
why=
srv_pid=
port=

cleanup() {
    exec 9>&- 2>/dev/null   # closing its stdin ends the server ...
    if [ -n "$srv_pid" ]; then
        kill "$srv_pid" 2>/dev/null   # ... and this makes sure
        wait "$srv_pid" 2>/dev/null
    fi
    drop_dbs
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x "$ALMANAC" ]; then
    echo "not ok - binary: $ALMANAC is not an executable (run make, or set ALMANAC)"
    exit 1
fi

begin() {
    why=
}

# Records the first reason a check failed; later ones add nothing.
fail() {
    [ -n "$why" ] || why=$(printf '%s' "$*" | tr '\n\t' '  ' | cut -c1-400)
}

end() {
    if [ -z "$why" ]; then
        echo "ok - $1${2:+ $2}"
    else
        echo "not ok - $1: $why"
        nfailed=$((nfailed + 1))
    fi
}

skip() {
    echo "ok - $1 # SKIP $2"
}

finish() {
    [ "$nfailed" -eq 0 ]
    exit $?
}

# ---- the engine under test (issue 13) ----
# tests/run-all runs the CLI tests twice with the normal build: on SQLite,
# and on PostgreSQL with ALMANAC_TEST_PG set to the folder of a cluster it
# started (tests/pg/cluster.sh). A test asks new_db for every database it
# makes, so the same test runs on either engine:
#
#   db=$(new_db NAME)   $T/NAME.db; on PostgreSQL a new, empty database in
#                       the cluster (dropped at cleanup), as its DSN
#   copy_db DB NAME     a copy of DB (after almanac closed it), printed the same way
#   on_pg               true when the test runs on PostgreSQL
#   skip_on_pg REASON   on PostgreSQL: one SKIP line naming why this test
#                       does not run there (about SQLite itself, opens no
#                       database, ...), and the test ends there
PG=${ALMANAC_TEST_PG:-}
pg_prefix=t$$_$(basename "$T" | sed 's/.*[.]//' | tr 'A-Z' 'a-z')

on_pg() {
    [ -n "$PG" ]
}

# psql on the cluster's maintenance database.
pg_admin() {
    psql -XAtq -h "$PG" -U almanac -d postgres -v ON_ERROR_STOP=1 -c "$1"
}

pg_name() {
    printf '%s_%s' "$pg_prefix" "$(printf '%s' "$1" | tr 'A-Z' 'a-z' | tr -c 'a-z0-9' _)"
}

pg_dsn() {
    printf 'postgresql:///%s?host=%s&user=almanac\n' "$1" "$PG"
}

new_db() {
    if ! on_pg; then
        echo "$T/$1.db"
        return 0
    fi
    local name
    name=$(pg_name "$1")
    pg_admin "CREATE DATABASE $name" >&2 || return 1
    pg_dsn "$name"
}

copy_db() {
    if ! on_pg; then
        cp "$1" "$T/$2.db" && echo "$T/$2.db"
        return
    fi
    local from name
    from=${1#postgresql:///}
    from=${from%%\?*}
    name=$(pg_name "$2")
    pg_admin "CREATE DATABASE $name TEMPLATE $from" >&2 || return 1
    pg_dsn "$name"
}

# The databases this test made, dropped at cleanup (the pass stops the
# cluster anyway; this keeps a long pass small).
drop_dbs() {
    on_pg || return 0
    local d
    for d in $(pg_admin "SELECT datname FROM pg_database WHERE datname LIKE '${pg_prefix}\\_%'" \
               2>/dev/null); do
        pg_admin "DROP DATABASE IF EXISTS $d WITH (FORCE)" >/dev/null 2>&1
    done
}

skip_on_pg() {
    on_pg || return 0
    skip "$(basename "$0" .sh) on PostgreSQL" "$1"
    exit 0
}

# run OUT COMMAND...: runs COMMAND with stdout in OUT and stderr in OUT.err,
# at most 60 s (a guard against a hang, not a measure); the exit status is
# left in rc. On PostgreSQL at most 300 s: an analysis there takes many
# times SQLite's (267 new events: 0.3 s against 6.5 s on this loaded
# machine), and analyze.sh's ingest of the whole snapshot passed 60 s.
run_limit=60
on_pg && run_limit=300
run() {
    local out=$1
    shift
    timeout "$run_limit" "$@" >"$out" 2>"$out.err" </dev/null
    rc=$?
}

# What a command printed on stderr, short enough for a TAP line; for a
# sanitizer report, its summary and the first frame that names a function.
errtext() {
    local f=$1.err summary frame
    if grep -q 'Sanitizer\|runtime error:' "$f" 2>/dev/null; then
        summary=$(grep -m1 -e 'runtime error:' -e '^SUMMARY: ' "$f" | sed 's/^SUMMARY: //')
        frame=$(grep -m1 -E '^ +#[0-9]+ 0x[0-9a-f]+ in [a-zA-Z]' "$f" |
                grep -v interceptor | sed -E 's/.* in ([^ ]+).*/\1/')
        printf '%s (first frame: %s)' "${summary:-sanitizer report}" "${frame:-?}"
        return
    fi
    head -c 300 "$f" 2>/dev/null | tr '\n' ' '
}

# Observing what almanac stores through almanac itself (issue 13): these
# ask the CLI, so they hold whatever engine is behind the store. Extra
# arguments (--config FILE) go before --db.
#
# stored_items DB [ARGS...]: the number of items stored, summed over
# `almanac sources --json`.
stored_items() {
    local db=$1
    shift
    "$ALMANAC" "$@" --db "$db" sources --json |
        python3 -c 'import json, sys; print(sum(s["items"] for s in json.load(sys.stdin)))'
}

# source_json DB SLUG FIELD [ARGS...]: one member of a source's object in
# `almanac sources --json` (items, failures, last_status, last_error,
# feed_url...); null prints as nothing, a missing source as "missing".
source_json() {
    local db=$1 slug=$2 field=$3
    shift 3
    "$ALMANAC" "$@" --db "$db" sources --json |
        python3 -c 'import json, sys
s = [x for x in json.load(sys.stdin) if x["slug"] == sys.argv[1]]
v = s[0].get(sys.argv[2]) if s else "missing"
print("" if v is None else v)' "$slug" "$field"
}

# stored_events DB [ARGS...]: every event of `almanac events --json`, one
# "source<TAB>link<TAB>published<TAB>title" line each, sorted: the set of
# stored items as a reader sees them (ids differ between databases).
stored_events() {
    local db=$1
    shift
    "$ALMANAC" "$@" --db "$db" events --json --limit 1000000 |
        python3 -c 'import json, sys
for l in sorted("%s\t%s\t%s\t%s" % (e["source"], e["link"], e["published"], e["title"])
                for e in json.load(sys.stdin)):
    print(l)'
}

# stored_event_ids DB [ARGS...]: the ids of every event, sorted, one a line.
stored_event_ids() {
    local db=$1
    shift
    "$ALMANAC" "$@" --db "$db" events --json --limit 1000000 |
        python3 -c 'import json, sys
print("\n".join(str(i) for i in sorted(e["id"] for e in json.load(sys.stdin))))'
}

# sql DB QUERY: one value (or rows separated by newlines, columns by |),
# from sqlite3 or, for a postgresql:// DSN, psql. Tests use it for what
# almanac's commands do not show (rows of its own tables) and for what is
# about SQLite itself (integrity after a crash, locks, schema upgrades);
# a query must then be one both engines read alike (no PRAGMA, FTS5,
# group_concat, GLOB or strftime: see sql_concat and sql_glob; booleans
# print 1/0 in SQLite, t/f in psql; LIKE is made ILIKE on PostgreSQL).
sql() {
    case $1 in
    postgres://*|postgresql://*)
        # SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE does
        psql -XAtq -F'|' -v ON_ERROR_STOP=1 -d "$1" -c "${2//LIKE/ILIKE}" ;;
    *)
        sqlite3 -batch -noheader "$1" "$2" ;;
    esac
}

# SQL that the engines spell differently, for sql's queries:
#   $(sql_concat EXPR SEP)  group_concat / string_agg of EXPR
#   $(sql_glob EXPR PAT)    EXPR GLOB 'PAT' / a regular expression of PAT
sql_concat() {
    if on_pg; then
        printf "string_agg((%s)::text, '%s')" "$1" "$2"
    else
        printf "group_concat(%s, '%s')" "$1" "$2"
    fi
}

sql_glob() {
    if on_pg; then
        printf "%s ~ '^%s\$'" "$1" "$(printf '%s' "$2" | sed 's/[.+()^$]/\\&/g; s/\*/.*/g; s/?/./g')"
    else
        printf "%s GLOB '%s'" "$1" "$2"
    fi
}

# sql_json DB QUERY: the rows of QUERY as a JSON array of objects named by
# the columns, from either engine (for the Python checks that read rows).
sql_json() {
    local out
    case $1 in
    postgres://*|postgresql://*)
        psql -XAtq -v ON_ERROR_STOP=1 -d "$1" \
            -c "SELECT coalesce(json_agg(q), '[]') FROM ($2) q" ;;
    *)
        out=$(sqlite3 -json "$1" "$2") || return 1
        echo "${out:-[]}" ;;
    esac
}

# conf_sources FILE: "slug<TAB>feed<TAB>snapshot" for every [source] of an
# almanac config, read independently of the C code (enough of the format
# for the configs the tests use: no indented keys other than snapshot).
conf_sources() {
    python3 - "$1" <<'EOF'
import re, sys
cur = None
rows = {}
order = []
key = None
for line in open(sys.argv[1], encoding="utf-8"):
    line = line.rstrip("\n")
    if re.match(r"\s*[#;]", line) or not line.strip():
        continue
    m = re.match(r'\[source "([^"]*)"\]\s*$', line)
    if m:
        cur = m.group(1)
        rows[cur] = {"feed": "", "snapshot": ""}
        order.append(cur)
        key = None
        continue
    if line.startswith("["):
        cur = key = None
        continue
    if cur is None:
        continue
    value = re.sub(r"[ \t];.*$", "", line).strip()
    if line[0] in " \t":
        if key == "snapshot":
            rows[cur]["snapshot"] += " " + value
        continue
    m = re.match(r"([a-z_]+)\s*=\s*(.*)$", value)
    if m:
        key = m.group(1)
        if key in ("feed", "snapshot"):
            rows[cur][key] = m.group(2).strip()
for slug in order:
    print("%s\t%s\t%s" % (slug, rows[slug]["feed"], rows[slug]["snapshot"].strip()))
EOF
}

# start_server: runs tests/fetch_server.py and sets port. Its stdin is fd 9
# of this shell, so it ends with the test however the test ends.
start_server() {
    local i
    mkfifo "$T/srv.in" || return 1
    python3 tests/fetch_server.py <"$T/srv.in" >"$T/srv.out" 2>"$T/srv.err" &
    srv_pid=$!
    exec 9>"$T/srv.in"
    for i in $(seq 200); do
        port=$(head -n1 "$T/srv.out" 2>/dev/null)
        [ -n "$port" ] && return 0
        sleep 0.05
    done
    return 1
}

# ---- almanac serve over loopback (url, srv_pid; curl) ----

# start_almanac OUT ARGS...: starts the almanac command in the background,
# waits for its "almanac: serving URL" line and sets url and srv_pid (which
# lib.bash's cleanup kills).
start_almanac() {
    local out=$1 i line
    shift
    "$ALMANAC" "$@" >"$out" 2>"$out.err" </dev/null &
    srv_pid=$!
    for i in $(seq 400); do
        line=$(head -n1 "$out" 2>/dev/null)
        case $line in
        "almanac: serving http://"*/) url=${line#almanac: serving }; return 0 ;;
        ?*) return 1 ;;
        esac
        kill -0 "$srv_pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# stop_almanac: SIGTERM, then at most 5 s; sets rc to the exit status (or
# 124 when it had to be killed) and stop_ms to how long it took.
stop_almanac() {
    local t0
    t0=$(date +%s%N)
    kill -TERM "$srv_pid" 2>/dev/null
    rc=124
    for _ in $(seq 100); do
        if ! kill -0 "$srv_pid" 2>/dev/null; then
            wait "$srv_pid"
            rc=$?
            break
        fi
        sleep 0.05
    done
    if [ "$rc" -eq 124 ]; then
        kill -KILL "$srv_pid" 2>/dev/null
        wait "$srv_pid" 2>/dev/null
    fi
    srv_pid=
    stop_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
}

# get PATH [CURL ARGS...]: the body in $T/body, headers in $T/hdr, status in
# code (000 when the connection failed).
get() {
    local p=$1
    shift
    rm -f "$T/body" "$T/hdr"
    code=$(curl -s --max-time 10 -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@" "$url${p#/}")
    [ -n "$code" ] || code=000
}

# hdr NAME: the value of a response header of the last get.
hdr() {
    grep -i "^$1:" "$T/hdr" | head -n1 | sed 's/^[^:]*: *//' | tr -d '\r'
}
