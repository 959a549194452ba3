"""A small word-frequency program used as prof2png's example profile.

It tokenises generated text, counts words, sorts them with a hand-written merge sort
(direct recursion) and checks parity of lengths with two mutually recursive functions,
so the call graph has ordinary calls, self recursion and a cycle.
"""
import random


def make_text(n_words, seed=1):
    rng = random.Random(seed)
    syllables = ["ka", "lo", "mi", "ne", "su", "ta", "ri", "po"]
    words = []
    for _ in range(n_words):
        words.append("".join(rng.choice(syllables) for _ in range(rng.randint(1, 3))))
    return " ".join(words)


def tokenise(text):
    return [w.strip(".,").lower() for w in text.split()]


def count(words):
    freq = {}
    for w in words:
        freq[w] = freq.get(w, 0) + 1
    return freq


def merge_sort(items):
    if len(items) <= 1:
        return items
    mid = len(items) // 2
    left, right = merge_sort(items[:mid]), merge_sort(items[mid:])
    out = []
    i = j = 0
    while i < len(left) and j < len(right):
        if left[i][1] >= right[j][1]:
            out.append(left[i])
            i += 1
        else:
            out.append(right[j])
            j += 1
    return out + left[i:] + right[j:]


def is_even(n):
    return True if n == 0 else is_odd(n - 1)


def is_odd(n):
    return False if n == 0 else is_even(n - 1)


def report(ranked):
    even = sum(1 for word, _ in ranked if is_even(len(word)))
    return "%d distinct words, %d of even length, top: %s" % (len(ranked), even, ranked[0][0])


def main():
    text = make_text(60000)
    ranked = merge_sort(list(count(tokenise(text)).items()) * 8)
    print(report(ranked))


if __name__ == "__main__":
    main()
