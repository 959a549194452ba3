#!/bin/sh
# Writes prof2png's output for every input of a conformance corpus, with the corpus's own
# options and with a few fixed option sets, into one directory per run. Run it before and
# after a change that must not alter output, then `diff -r BEFORE AFTER`.
#   tests/bench/corpus-outputs.sh PROF2PNG CORPUS_DIR OUT_DIR
# CORPUS_DIR holds cases.tsv (id, format, args, input, reference; shell-quoted words).
set -eu
[ $# -eq 3 ] || { echo "usage: $0 PROF2PNG CORPUS_DIR OUT_DIR" >&2; exit 2; }
bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
corpus=$2
out=$(mkdir -p "$3" && cd "$3" && pwd)
cd "$corpus"
# The manifest's args and input columns are shell-quoted word lists, hence eval.
# Tabs become unit separators first: read would merge adjacent tabs around an empty column.
us=$(printf '\037')
tail -n +2 cases.tsv | grep -v '^#' | tr '\t' "$us" | while IFS=$us read -r id fmt args input ref; do
    name=$(printf '%s' "$id" | tr '/' '_')
    eval "\"$bin\" -f \"$fmt\" $args $input" >"$out/$name.case.dot" 2>"$out/$name.case.err" ||
        echo "exit $?" >>"$out/$name.case.err"
    case $id in compare/*) continue ;; esac
    eval "\"$bin\" -f \"$fmt\" -n0 -e0 $input" >"$out/$name.n0e0.dot" 2>"$out/$name.n0e0.err" ||
        echo "exit $?" >>"$out/$name.n0e0.err"
    eval "\"$bin\" -f \"$fmt\" -T svg $input" >"$out/$name.svg" 2>"$out/$name.svg.err" ||
        echo "exit $?" >>"$out/$name.svg.err"
done
echo "$(ls "$out" | wc -l) files in $out"
