#!/bin/bash
# Runs libFuzzer targets one after the other, each until its coverage stops growing, and
# writes a timeline per target: elapsed seconds, executions, cov (edges) and ft (features),
# sampled every 10 s from libFuzzer's own status lines. Not part of make check.
#
#   tests/fuzz/plateau.sh FUZZ_BUILD_DIR CORPUS_ROOT OUT_DIR TARGET...
#
# FUZZ_BUILD_DIR: a build with `configure CC=clang --enable-fuzzing` (has tests/fuzz/fuzz_*).
# CORPUS_ROOT/TARGET is the target's working corpus (created if missing; kept between runs).
# TARGET is a reader format (as P2P_FUZZ_FORMAT takes it, including pstats-modes) or
# "pipeline". Seeds come from tests/fixtures/FORMAT (tests/fuzz/seeds/sleepy-members and
# tests/fixtures/pstats for those two) and CORPUS_ROOT/seed-TARGET when it exists; the
# pipeline's also from every fixture and every reader's corpus in CORPUS_ROOT, so it goes
# last. A target stops when cov has not grown for QUIET seconds (default 180) and for at
# least a third of its run, after MIN seconds (default 240), or at MAX (default 900). Crashes
# land in OUT_DIR/TARGET-crash-*; the final line of OUT_DIR/TARGET.log says why the run ended.
set -u
[ $# -ge 4 ] || { echo "usage: $0 FUZZ_BUILD_DIR CORPUS_ROOT OUT_DIR TARGET..." >&2; exit 2; }
build=$1 corpora=$2 out=$3
shift 3
src=$(cd "$(dirname "$0")/../.." && pwd)
: "${MIN:=240}" "${QUIET:=180}" "${MAX:=900}"
mkdir -p "$out"

for t in "$@"; do
    mkdir -p "$corpora/$t"
    seeds=()
    case $t in
    pipeline)
        exe=$build/tests/fuzz/fuzz_pipeline
        dict=$out/pipeline.dict # every format's words
        cat "$src"/tests/fuzz/dict/*.dict | grep -v '^#' | sort -u >"$dict"
        # The readers' corpora and the fixtures, behind the two option bytes the pipeline
        # harness takes first: the pipeline starts where the readers' runs got to.
        rm -rf "$out/pipeline-seeds"
        mkdir -p "$out/pipeline-seeds"
        n=0
        for f in "$src"/tests/fixtures/*/* "$corpora"/*/*; do
            case $f in "$corpora"/pipeline/* | "$corpora"/seed-* | "$corpora"/sleepy-members/*) continue ;; esac
            [ -f "$f" ] || continue
            n=$((n + 1))
            # vary the options: theme, strip, wrap, thresholds off, labels
            printf "\\$(printf %03o $((n * 37 % 256)))\\$(printf %03o $((n % 8)))" >"$out/pipeline-seeds/$n"
            cat "$f" >>"$out/pipeline-seeds/$n"
        done
        seeds+=("$out/pipeline-seeds")
        ;;
    sleepy-members)
        exe=$build/tests/fuzz/fuzz_reader
        dict=$src/tests/fuzz/dict/$t.dict
        seeds+=("$src/tests/fuzz/seeds/sleepy-members")
        ;;
    pstats-modes) # the streaming decoder against the marshal document, on pstats inputs
        exe=$build/tests/fuzz/fuzz_reader
        dict=$src/tests/fuzz/dict/pstats.dict
        seeds+=("$src/tests/fixtures/pstats")
        ;;
    *)
        exe=$build/tests/fuzz/fuzz_reader
        dict=$src/tests/fuzz/dict/$t.dict
        seeds+=("$src/tests/fixtures/$t")
        ;;
    esac
    [ -d "$corpora/seed-$t" ] && seeds+=("$corpora/seed-$t")
    args=(-rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$out/$t-crash-")
    [ -f "$dict" ] && args+=(-dict="$dict")
    log=$out/$t.log
    tl=$out/$t.timeline
    echo "# seconds executions cov ft" >"$tl"
    P2P_FUZZ_FORMAT=$t "$exe" "${args[@]}" "$corpora/$t" "${seeds[@]}" >"$log" 2>&1 &
    pid=$!
    start=$(date +%s)
    best=-1
    changed=$start
    why="exited"
    while kill -0 $pid 2>/dev/null; do
        sleep 10
        now=$(date +%s)
        # The last status line: "#EXECS<tab>KIND cov: C ft: F ..."
        last=$(grep -a '^#[0-9]*.*cov: ' "$log" | tail -n 1)
        [ -n "$last" ] || continue
        execs=$(printf '%s' "$last" | sed 's/^#\([0-9]*\).*/\1/')
        cov=$(printf '%s' "$last" | sed 's/.*cov: \([0-9]*\).*/\1/')
        ft=$(printf '%s' "$last" | sed 's/.*ft: \([0-9]*\).*/\1/')
        echo "$((now - start)) $execs $cov $ft" >>"$tl"
        if [ "$cov" -gt "$best" ]; then
            best=$cov
            changed=$now
        fi
        el=$((now - start)) quiet=$((now - changed))
        if [ $el -ge "$MAX" ]; then
            why="time cap ($MAX s), cov last grew at $((changed - start)) s"
            kill -USR1 $pid
            break
        fi
        if [ $el -ge "$MIN" ] && [ $quiet -ge "$QUIET" ] && [ $((quiet * 3)) -ge $el ]; then
            why="plateau: cov $best unchanged for the last $quiet of $el s"
            kill -USR1 $pid
            break
        fi
    done
    wait $pid
    rc=$?
    echo "plateau.sh: $t: $why; exit $rc" >>"$log"
    # SIGUSR1 makes libFuzzer stop gracefully and print its final statistics.
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [ -n "$n" ] || n=$(tail -n 1 "$tl" | awk '{print $2}')
    echo "$t: $n executions, $(tail -n 1 "$tl" | awk '{print "cov " $3 ", ft " $4}'); $why; exit $rc"
done
