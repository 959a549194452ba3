#!/bin/sh
# Inputs that decide algorithm depth or size, generated here (not committed): each must finish
# within its time limit with a graph or a one-line error, never a stack overflow or a hang.
set -u
: "${PROF2PNG:=./prof2png}" "${VALGRIND_RUN:=}"
T=$(mktemp -d "${TMPDIR:-/tmp}/p2p-patho.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
pass=0
fail=0

# expect NAME LIMIT_SECONDS WANT(0|1) GREP_PATTERN ARGS...
expect() {
    name=$1 limit=$2 want=$3 pattern=$4
    shift 4
    start=$(date +%s)
    timeout "$limit" "$PROF2PNG" -q "$@" >"$T/out.dot" 2>"$T/err"
    st=$?
    secs=$(($(date +%s) - start))
    if [ "$st" -ne "$want" ]; then
        fail=$((fail + 1))
        echo "not ok - $name: exit $st (want $want) after ${secs}s: $(head -c 300 "$T/err")"
    elif [ "$want" -eq 0 ] && ! grep -q -- "$pattern" "$T/out.dot"; then
        fail=$((fail + 1))
        echo "not ok - $name: output lacks $pattern"
    elif [ "$want" -ne 0 ] && ! grep -q -- "$pattern" "$T/err"; then
        fail=$((fail + 1))
        echo "not ok - $name: message '$(cat "$T/err")' lacks $pattern"
    else
        pass=$((pass + 1))
        echo "ok - $name (${secs}s)"
    fi
}

# One stack of 100 000 frames (collapse, root first) and the same as a perf event.
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "f%d;", i; print "leaf 7" }' >"$T/deep.collapse"
expect "100000-frame stack" 60 0 'label="leaf' -f collapse "$T/deep.collapse"
awk 'BEGIN { print "prog 1 1.0: 1 cpu-clock:"; print "\t1 leaf (/bin/prog)";
             for (i = 99999; i >= 0; i--) printf "\t%x f%d (/bin/prog)\n", i + 16, i; print "" }' \
    >"$T/deep.perf"
expect "100000-frame perf event" 60 0 'label="prog\\nleaf' -f perf "$T/deep.perf"

# A call chain of a million functions.
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "f%d;f%d 1\n", i, i + 1 }' >"$T/chain.collapse"
expect "million-function chain" 600 0 'label="f1000000' -f collapse -n0 -e0 "$T/chain.collapse"

# One strongly connected component of 2 000 functions (a ring with chords), entered from main
# at every member: gprof2dot's heuristic ranks the cycle once per entry (quadratic; the
# 10 000-function case is a benchmark, see issue 5).
awk 'BEGIN { for (i = 0; i < 2000; i++) {
                 printf "main;r%d;r%d 1\n", i, (i + 1) % 2000
                 printf "main;r%d;r%d 1\n", i, (i * 7 + 3) % 2000 } }' >"$T/scc.collapse"
expect "2000-function cycle" 300 0 'label="main' -f collapse "$T/scc.collapse"

# JSON nested a million deep.
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "["; print "" }' >"$T/deep.json"
expect "JSON nested 1e6 deep" 30 1 'prof2png: .*deep.json' -f json "$T/deep.json"

# Marshal nested a million deep: 2^20 one-element tuples.
printf '(\001\000\000\000' >"$T/m"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
    cat "$T/m" "$T/m" >"$T/m2" && mv "$T/m2" "$T/m"
done
expect "marshal nested 1e6 deep" 30 1 'prof2png: .*m: .*(offset ' -f pstats "$T/m"

# An xperf header of a million distinct columns: the check for a repeated column stays linear.
awk 'BEGIN { for (i = 0; i < 1000000; i++) printf "c%d,", i; print "Stack"; print "x" }' \
    >"$T/wide.xperf"
expect "xperf header of 1e6 columns" 30 1 'prof2png: .*wide.xperf:2: 1 fields' -f xperf \
    "$T/wide.xperf"

# Costs at and past the integer range, and non-finite numbers.
printf 'main;a 9223372036854775807\nmain;b 1\n' >"$T/big.collapse"
expect "count = 2^63-1" 30 0 'label="a' -f collapse "$T/big.collapse"
printf 'main;a 18446744073709551616999\n' >"$T/over.collapse"
expect "count past 2^64" 30 1 'prof2png: .*over.collapse:1: ' -f collapse "$T/over.collapse"
printf '{"version":0,"functions":[{"name":"f"}],"events":[{"callchain":[0],"cost":[1e400]}]}\n' \
    >"$T/inf.json"
expect "JSON cost 1e400" 30 1 'prof2png: .*inf.json:1: ' -f json "$T/inf.json"
printf '{"version":0,"functions":[{"name":"f"}],"events":[{"callchain":[0],"cost":[NaN]}]}\n' \
    >"$T/nan.json"
expect "JSON cost NaN" 30 1 'prof2png: .*nan.json:1: ' -f json "$T/nan.json"

# A line over the 64 MiB cap.
awk 'BEGIN { s = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnop";
             for (i = 0; i < 14; i++) s = s s; for (i = 0; i < 61; i++) printf "%s", s;
             print " 1" }' >"$T/longline.collapse"
expect "line over 64 MiB" 60 1 'prof2png: .*longline.collapse:1: line longer than' \
    -f collapse "$T/longline.collapse"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
