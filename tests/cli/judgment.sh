#!/usr/bin/env bash
# judgment.sh - the judgment's figures on the held-out split by time stay at or
# above their floors (tests/data/judgment/floors.tsv): importance against
# people's labels, kinds, off-topic items, story pairs, related events, and the
# calibration of the scores. Figures, not times; bench/judgment prints them all
# beside the commit before the fitted judgment.
#
#   ALMANAC=/abs/path/to/almanac bash tests/cli/judgment.sh

. "$(dirname "$0")/lib.bash"

export ALMANAC_NOW=2026-12-01T00:00:00Z
conf=tests/data/judgment/judgment.conf
db=$(new_db judgment)

begin
run "$T/ingest" "$ALMANAC" --config "$conf" --db "$db" ingest --snapshot
[ "$rc" -eq 0 ] || fail "ingest of the judgment corpus exited $rc: $(errtext "$T/ingest")"
end "the judgment corpus ingests offline" "($(stored_events "$db" --config "$conf" | wc -l) events)"

begin
python3 tools/judgment/evaluate.py "$db" time --json >"$T/figures.json" 2>"$T/figures.err" ||
    fail "evaluate.py failed: $(head -c 300 "$T/figures.err")"
end "the figures are computed on the held-out split by time"

# One check per floor: "name <TAB> at least|at most <TAB> value".
while IFS=$'\t' read -r name how floor; do
    case $name in '#'* | '') continue ;; esac
    begin
    got=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" \
          "$T/figures.json" "$name" 2>&1)
    if ! python3 -c "import sys; g, f = float(sys.argv[1]), float(sys.argv[2]);
sys.exit(0 if (g >= f if sys.argv[3] == 'at least' else g <= f) else 1)" "$got" "$floor" "$how"
    then
        fail "$name is $got, $how $floor"
    fi
    end "$name $how $floor" "($got)"
done <tests/data/judgment/floors.tsv

begin
python3 tools/judgment/agreement.py >"$T/agree" 2>&1 || fail "agreement.py: $(head -c 200 "$T/agree")"
awk '$1 == "importance_spearman" && $2 < 0.8 {bad = 1} $1 == "pairs" && $2 < 150 {bad = 1}
     END {exit bad}' "$T/agree" || fail "the two passes of labels disagree: $(tr '\n' ' ' <"$T/agree")"
end "the second pass of labels agrees with the first" "($(tr '\n' ' ' <"$T/agree"))"
finish
