"""Profiling part of a program in-process and writing a stats file for prof2png.

Python 3.8+: cProfile.Profile is a context manager; dump_stats writes the marshal file
that `prof2png contextmanager.prof -o contextmanager.png` reads.
"""
import cProfile

import wordfreq

with cProfile.Profile() as prof:
    ranked = wordfreq.merge_sort(list(wordfreq.count(
        wordfreq.tokenise(wordfreq.make_text(20000))).items()))
prof.dump_stats("contextmanager.prof")
print(wordfreq.report(ranked))
