#!/bin/sh
# Replays the fuzz harnesses (tests/fuzz/) over every fixture, seed and kept crasher, with
# whatever sanitizers this build has: a reader must survive each input. No libFuzzer needed.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
B=$top_builddir/tests/fuzz
F=$top_srcdir/tests/fixtures
C=$top_srcdir/tests/fuzz/crashers
T=$(mktemp -d "${TMPDIR:-/tmp}/p2p-replay.XXXXXX") || exit 99
trap 'rm -rf "$T"' EXIT
pass=0
fail=0
run() { # run NAME COMMAND...
    name=$1
    shift
    if "$@" >"$T/out" 2>&1; then
        pass=$((pass + 1))
        echo "ok - $name ($(tail -n 1 "$T/out"))"
    else
        fail=$((fail + 1))
        echo "not ok - $name"
        cat "$T/out"
    fi
}
for fmt in axe callgrind collapse dtrace hprof json perf prof pstats sleepy sysprof xperf; do
    set -- "$F/$fmt"
    [ -d "$C/$fmt" ] && set -- "$@" "$C/$fmt"
    run "reader $fmt" "$B/replay_reader" --format="$fmt" "$@"
done
# The Very Sleepy member parsers below the ZIP layer (see tests/fuzz/fuzz_reader.c).
set -- "$top_srcdir/tests/fuzz/seeds/sleepy-members"
[ -d "$C/sleepy-members" ] && set -- "$@" "$C/sleepy-members"
run "reader sleepy-members" "$B/replay_reader" --format=sleepy-members "$@"
# The pstats streaming decoder against the marshal document (see tests/fuzz/fuzz_reader.c).
set -- "$F/pstats"
[ -d "$C/pstats" ] && set -- "$@" "$C/pstats"
run "reader pstats-modes" "$B/replay_reader" --format=pstats-modes "$@"
# The pipeline harness reads two option bytes first: give each fixture a few option sets.
mkdir "$T/pipeline"
i=0
for f in "$F"/*/*; do
    case $f in *.sh | *.py | *.c | *.cc | */expected | */marshal) continue ;; esac
    [ -f "$f" ] || continue
    for opts in '\000\000' '\011\001' '\222\003' '\154\005'; do
        i=$((i + 1))
        { printf "$opts"; cat "$f"; } >"$T/pipeline/$i"
    done
done
set -- "$T/pipeline"
[ -d "$C/pipeline" ] && set -- "$@" "$C/pipeline"
run "pipeline" "$B/replay_pipeline" "$@"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
