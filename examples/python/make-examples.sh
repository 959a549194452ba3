#!/bin/sh
# Regenerates the example profiles and their pictures. The .prof files are committed, so
# this is needed only to refresh them (timings differ from run to run).
set -eu
cd "$(dirname "$0")"
PROF2PNG=${PROF2PNG:-../../build/prof2png}
python3 -m cProfile -o wordfreq.prof wordfreq.py
python3 -m profile -o wordfreq-profile.prof wordfreq.py
python3 contextmanager.py
"$PROF2PNG" wordfreq.prof -o wordfreq.png
"$PROF2PNG" wordfreq.prof -o wordfreq.svg
"$PROF2PNG" wordfreq-profile.prof -o wordfreq-profile.png
