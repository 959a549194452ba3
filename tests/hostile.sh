#!/bin/sh
# Hostile variants of every fixture (and, with HOSTILE_CORPUS=DIR, of every file of a corpus
# laid out as DIR/<format>/...): truncated, bit-flipped, binary, NUL-laden, CRLF, an 8 MiB
# line, huge numbers, injection names. Each must give either a DOT graph (exit 0) or one
# "prof2png: " error line with exit status 1-3, and never a signal, a hang, a sanitizer
# report or a file left behind. Variants are made by tests/helpers/mutate, not committed.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}" "${PROF2PNG:=./prof2png}" "${VALGRIND_RUN:=}"
MUTATE=$top_builddir/tests/helpers/mutate
T=$(mktemp -d "${TMPDIR:-/tmp}/p2p-hostile.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
runs=0
modes="truncate flip binary nul crlf longline hugenum inject"

check_one() { # check_one FORMAT VARIANT LABEL
    fmt=$1 v=$2 label=$3
    rm -rf "$T/out"
    mkdir "$T/out"
    runs=$((runs + 1))
    timeout 60 $VALGRIND_RUN "$PROF2PNG" -q -f "$fmt" "$v" -o "$T/out/g.dot" 2>"$T/err"
    st=$?
    why=
    if [ "$st" -ge 124 ]; then
        why="killed or timed out (status $st)"
    elif grep -q 'Sanitizer\|runtime error\|==[0-9]*==' "$T/err"; then
        why="sanitizer report"
    elif [ "$st" -eq 0 ]; then
        [ "$(tail -n 1 "$T/out/g.dot" 2>/dev/null)" = "}" ] || why="exit 0 without a complete graph"
    else
        [ "$(grep -c . "$T/err")" -eq 1 ] && grep -q '^prof2png: ' "$T/err" ||
            why="error is not one 'prof2png:' line: $(head -c 300 "$T/err")"
        [ -z "$(ls -A "$T/out")" ] || why="failed (status $st) but left $(ls -A "$T/out")"
    fi
    if [ -n "$why" ]; then
        fail=$((fail + 1))
        echo "not ok - $label: $why"
    else
        pass=$((pass + 1))
    fi
}

variants_of() { # variants_of FORMAT FILE
    fmt=$1 f=$2
    seed=0
    for mode in $modes; do
        seed=$((seed + 1))
        "$MUTATE" "$mode" "$seed" "$f" "$T/variant" || { fail=$((fail + 1)); return; }
        check_one "$fmt" "$T/variant" "$fmt $(basename "$f") $mode"
    done
}

for d in "$top_srcdir"/tests/fixtures/*/; do
    fmt=$(basename "$d")
    for f in "$d"*; do
        case $f in *.sh | *.py | *.c | *.cc) continue ;; esac
        [ -f "$f" ] && variants_of "$fmt" "$f"
    done
done
if [ -n "${HOSTILE_CORPUS:-}" ]; then
    for d in "$HOSTILE_CORPUS"/*/; do
        fmt=$(basename "$d")
        [ "$fmt" = compare ] && continue
        for f in "$d"*; do
            case $f in *.ref.dot) continue ;; esac
            [ -f "$f" ] && variants_of "$fmt" "$f"
        done
    done
fi
echo "$runs hostile runs"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
