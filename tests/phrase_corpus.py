"""A small synthetic corpus for phrase readings (shared by the abduction and learner tests):
pronoun + verb + optional "not"/"very" + adjective, French-like outputs, and a new word "dax"
seen in one context only. What it exercises: words with no output of their own ("re" after
"you" where "vous etes" is read off "you"), multi-token outputs, a word wrapping its left
neighbour's phrase ("not" -> "ne _ pas"), and readings that depend on a neighbour."""

from __future__ import annotations

SUBJECTS = {("i", "am"): ("je", "suis"), ("you", "are"): ("tu", "es"),
            ("he", "is"): ("il", "est"), ("you", "re"): ("vous", "etes"),
            ("we", "re"): ("nous", "sommes"), ("she", "is"): ("elle", "est")}
ADJECTIVES = {"big": "grand", "small": "petit", "red": "rouge", "old": "vieux",
              "sad": "triste", "calm": "calme"}
NEGATED = ("big", "red", "old", "sad")
#: "not" wraps the verb; its first part depends on the verb ("ne suis", "n es")
NEGATION = {"suis": "ne", "es": "n", "est": "n", "etes": "n", "sommes": "ne"}


def _pair(subject: tuple[str, str], adjective: str, *, neg: bool = False,
          very: bool = False, word: str | None = None) -> tuple[tuple, tuple]:
    pron, verb = SUBJECTS[subject]
    src = [*subject, *(["not"] if neg else []), *(["very"] if very else []), adjective, "."]
    tgt = [pron, *([NEGATION[verb]] if neg else []), verb, *(["pas"] if neg else []),
           *(["tres"] if very else []), word or ADJECTIVES[adjective], "."]
    return tuple(src), tuple(tgt)


def _negations(subject: tuple[str, str]) -> tuple[bool, ...]:
    """Whether ``subject`` is seen negated. Not "we re": its "ne" against "you re"'s "n" is
    told by the French verb, not by an English neighbour (here "re" for both), and a majority
    would be all the lexicon could learn."""
    return (False,) if subject == ("we", "re") else (False, True)


def _training() -> list[tuple[tuple, tuple]]:
    # as in a corpus, not every adjective is seen negated
    pairs = [_pair(s, a, neg=n, very=v) for s in SUBJECTS for a in ADJECTIVES
             for n in _negations(s) for v in (False, True) if not n or a in NEGATED]
    # subjects and verbs also occur apart: were "are" only ever after "you", "are" wrapping
    # "you" would explain the data as well as two phrases
    apart = [(("i", "sing", "."), ("je", "chante", ".")), (("i", "run", "."), ("je", "cours", ".")),
             (("you", "sing", "."), ("tu", "chantes", ".")),
             (("he", "runs", "."), ("il", "court", ".")),
             (("it", "is", "red", "."), ("ce", "est", "rouge", ".")),
             (("it", "is", "old", "."), ("ce", "est", "vieux", ".")),
             (("so", "am", "i", "."), ("moi", "aussi", ".")),
             (("are", "you", "sad", "?"), ("es", "tu", "triste", "?")),
             (("are", "you", "old", "?"), ("es", "tu", "vieux", "?"))]
    # the new word, seen in one context only
    return [*pairs, *apart * 2, *[_pair(("i", "am"), "dax", word="daxo")] * 3]
