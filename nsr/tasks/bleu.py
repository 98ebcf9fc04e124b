"""Corpus BLEU (Papineni et al. 2002) over token sequences, one reference per hypothesis.

Translation is scored by exact match first (the compositional-generalization figure), but a
translation benchmark also reports BLEU so its numbers compare with the MT literature. This is
the standard definition (as sacrebleu computes it on pre-tokenized text with ``tokenize="none"``
and no smoothing): clipped n-gram precisions for n = 1..4 summed over the corpus, their
geometric mean, times the brevity penalty ``exp(1 - r/c)`` when the hypotheses are shorter
than the references. A missing hypothesis (None: no answer) counts as an empty one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

MAX_ORDER = 4


def _ngrams(tokens: Sequence[str], n: int) -> Counter:
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def corpus_bleu(hypotheses: Sequence[Sequence[str] | None],
                references: Sequence[Sequence[str]], *, max_order: int = MAX_ORDER) -> float:
    """BLEU in [0, 100] of ``hypotheses[i]`` against ``references[i]``.

    0 when any order has no matching n-gram (no smoothing) or the corpus is empty.
    """
    if len(hypotheses) != len(references):
        raise ValueError(f"{len(hypotheses)} hypotheses for {len(references)} references")
    matches = [0] * max_order
    totals = [0] * max_order
    hyp_len = ref_len = 0
    for hyp, ref in zip(hypotheses, references, strict=True):
        hyp = tuple(hyp or ())
        ref = tuple(ref)
        hyp_len += len(hyp)
        ref_len += len(ref)
        for n in range(1, max_order + 1):
            h, r = _ngrams(hyp, n), _ngrams(ref, n)
            matches[n - 1] += sum(min(c, r[g]) for g, c in h.items())
            totals[n - 1] += max(len(hyp) - n + 1, 0)
    if hyp_len == 0 or any(m == 0 for m in matches):
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in zip(matches, totals, strict=True)) / max_order
    brevity = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return 100.0 * brevity * math.exp(log_precision)
