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

# run OUT COMMAND...: runs COMMAND with stdout in OUT and stderr in OUT.err,
# at most 60 s; the exit status is left in rc.
run() {
    local out=$1
    shift
    timeout 60 "$@" >"$out" 2>"$out.err" </dev/null
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

# sql DB QUERY: one value (or rows separated by newlines, columns by |).
sql() {
    sqlite3 -batch -noheader "$1" "$2"
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
