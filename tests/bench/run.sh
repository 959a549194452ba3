#!/bin/sh
# Benchmark (issue 5): generates large inputs once with gen.py, runs prof2png --timings on each
# (input to DOT, written to /dev/null, best of BENCH_RUNS) and prints a table, then how the
# time of perf, callgrind and collapse grows from scale S/10 to S. Prints figures, never
# pass/fail; exits non-zero only when it cannot run or prof2png fails on an input. Not part of
# make check: `make bench`, or by hand:
#     BENCH_SCALE=0.02 PROF2PNG=./prof2png sh tests/bench/run.sh
# Environment: BENCH_SCALE (default 1: inputs of about 100 MB), PROF2PNG (default
# $top_builddir/prof2png), BENCH_DATA (cache of inputs, default $top_builddir/bench-data, one
# directory per scale, regenerated when gen.py or the scale changes), BENCH_RUNS (default 3),
# BENCH_TIMEOUT (seconds per run, default 600), PYTHON3 (default python3).
set -u
here=$(cd "$(dirname "$0")" && pwd) || exit 2
: "${top_builddir:=.}"
: "${BENCH_SCALE:=1}" "${BENCH_RUNS:=3}" "${BENCH_TIMEOUT:=600}"
: "${PROF2PNG:=$top_builddir/prof2png}" "${BENCH_DATA:=$top_builddir/bench-data}"
: "${PYTHON3:=python3}"
gen="$here/gen.py"

if [ ! -x "$PROF2PNG" ]; then
    echo "run.sh: no prof2png at $PROF2PNG (set PROF2PNG)" >&2
    exit 2
fi
case $("$PYTHON3" -c 'print(1)' 2>/dev/null) in
1) ;;
*)
    echo "run.sh: needs Python 3 (set PYTHON3)" >&2
    exit 2
    ;;
esac
case $(date +%N) in
*N* | '')
    echo "run.sh: needs date +%N (GNU coreutils) for wall-clock times" >&2
    exit 2
    ;;
esac
if command -v timeout >/dev/null 2>&1; then
    limit="timeout $BENCH_TIMEOUT"
else
    limit=
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/p2p-bench.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
status=0

# ensure_data SCALE [ONLY]: prints the directory holding gen.py's inputs at SCALE, made now
# unless a previous run made them with the same gen.py, arguments and Python.
ensure_data() {
    s=$1 only=${2:-}
    d="$BENCH_DATA/scale-$s${only:+-$(echo "$only" | tr , -)}"
    want=$("$PYTHON3" "$gen" --stamp --scale "$s" --only "$only") || return 1
    if [ -f "$d/STAMP" ] && [ "$(cat "$d/STAMP")" = "$want" ]; then
        echo "$d"
        return 0
    fi
    echo "run.sh: generating inputs at scale $s${only:+ ($only)} in $d" >&2
    rm -rf "$d" && mkdir -p "$d" || return 1
    "$PYTHON3" "$gen" --scale "$s" --only "$only" "$d" >&2 || return 1
    echo "$want" >"$d/STAMP"
    echo "$d"
}

# bench FILE FORMAT: best of BENCH_RUNS by wall-clock time; sets size_b, wall, t_read,
# t_graph, t_output, rss_kib, or err (non-empty) when a run failed.
bench() {
    f=$1 fmt=$2
    size_b=$(wc -c <"$f" | tr -d ' ')
    wall='' err=''
    i=0
    while [ "$i" -lt "$BENCH_RUNS" ]; do
        i=$((i + 1))
        t0=$(date +%s%N)
        $limit "$PROF2PNG" --timings -f "$fmt" -T dot -o /dev/null "$f" 2>"$tmp/err"
        st=$?
        t1=$(date +%s%N)
        if [ "$st" -ne 0 ]; then
            if [ "$st" -eq 124 ] && [ -n "$limit" ]; then
                err="timeout after ${BENCH_TIMEOUT}s"
            else
                err="exit $st: $(grep -v '^prof2png: timing:' "$tmp/err" | head -n 1 | cut -c1-120)"
            fi
            return
        fi
        w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", (b - a) / 1e9 }')
        if [ -z "$wall" ] || awk -v w="$w" -v b="$wall" 'BEGIN { exit !(w < b) }'; then
            wall=$w
            t_read=$(awk '$3 == "read" { print $4 }' "$tmp/err")
            t_graph=$(awk '$3 == "graph" { print $4 }' "$tmp/err")
            t_output=$(awk '$3 == "output" { print $4 }' "$tmp/err")
            rss_kib=$(awk '$3 == "peak-rss" { print $4 }' "$tmp/err")
        fi
    done
}

data=$(ensure_data "$BENCH_SCALE") || {
    echo "run.sh: generating the inputs failed" >&2
    exit 2
}

echo "prof2png benchmark: scale $BENCH_SCALE, best of $BENCH_RUNS, input to DOT (-o /dev/null)"
echo "$("$PROF2PNG" --version 2>&1 | head -n 1); $(uname -m), $(nproc 2>/dev/null || echo '?') CPUs"
echo "stages from prof2png --timings; total = wall clock of the process; MB = 10^6 bytes"
# Other work on the machine inflates wall-clock times: say how busy the CPUs were just now.
if [ -r /proc/stat ]; then
    a=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $5 + $6 + $7 + $8, $5 + $6 }' /proc/stat)
    sleep 1
    b=$(awk '$1 == "cpu" { print $2 + $3 + $4 + $5 + $6 + $7 + $8, $5 + $6 }' /proc/stat)
    echo "$a $b" | awk '$3 > $1 { printf "CPUs busy with other work in the second before: %.0f%%\n",
                                          100 * (1 - ($4 - $2) / ($3 - $1)) }'
fi
echo
fmt_row='%-10s %-9s %9s %8s %8s %8s %8s %8s %9s %8s\n'
# shellcheck disable=SC2059
printf "$fmt_row" input format "size MB" "read s" "graph s" "output s" "total s" "MB/s" \
    "peak MB" "RSS/size"
"$PYTHON3" "$gen" --list >"$tmp/list"
while read -r name file fmt; do
    bench "$data/$file" "$fmt"
    mb=$(awk -v b="$size_b" 'BEGIN { printf "%.1f", b / 1e6 }')
    if [ -n "$err" ]; then
        printf '%-10s %-9s %9s  FAILED: %s\n' "$name" "$fmt" "$mb" "$err"
        status=1
        continue
    fi
    # shellcheck disable=SC2059
    printf "$fmt_row" "$name" "$fmt" "$mb" "$t_read" "$t_graph" "$t_output" \
        "$(awk -v w="$wall" 'BEGIN { printf "%.3f", w }')" \
        "$(awk -v b="$size_b" -v w="$wall" 'BEGIN { printf "%.1f", b / 1e6 / w }')" \
        "$(awk -v k="$rss_kib" 'BEGIN { printf "%.1f", k * 1024 / 1e6 }')" \
        "$(awk -v k="$rss_kib" -v b="$size_b" 'BEGIN { printf "%.2f", k * 1024 / b }')"
    echo "$name $size_b $wall $t_read $t_graph $t_output" >>"$tmp/full"
done <"$tmp/list"

# Scaling: the same generator at a tenth of the scale; target (issue 5): 10x the input in at
# most 12x the time.
small=$(awk -v s="$BENCH_SCALE" 'BEGIN { printf "%g", s / 10 }')
sdata=$(ensure_data "$small" perf,callgrind,collapse) || {
    echo "run.sh: generating the scaling inputs failed" >&2
    exit 2
}
echo
echo "scaling, scale $small -> $BENCH_SCALE: total s, and how each time grows against the size:"
while read -r name file fmt; do
    case $name in perf | callgrind | collapse) ;; *) continue ;; esac
    big=$(awk -v n="$name" '$1 == n { print $2, $3, $4, $5, $6 }' "$tmp/full")
    [ -n "$big" ] || continue
    bench "$sdata/$file" "$fmt"
    if [ -n "$err" ]; then
        printf '  %-10s FAILED at scale %s: %s\n' "$name" "$small" "$err"
        status=1
        continue
    fi
    echo "$big" | awk -v n="$name" -v sb="$size_b" -v sw="$wall" -v sr="$t_read" \
        -v sg="$t_graph" -v so="$t_output" '
        function x(a, b) { return b > 0 ? sprintf("x%.1f", a / b) : "-" }
        {
            printf "  %-10s %7.1f MB %8.3f s -> %7.1f MB %8.3f s: size x%.1f, time %s" \
                   " (read %s, graph %s, output %s)\n", n, sb / 1e6, sw, $1 / 1e6, $2,
                   $1 / sb, x($2, sw), x($3, sr), x($4, sg), x($5, so)
        }'
done <"$tmp/list"
exit "$status"
