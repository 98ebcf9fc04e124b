"""Verify untrusted answers and programs: isolated SWI-Prolog workers and a plan validator.

Model-written Prolog and plans are untrusted: a sample must never hang, crash, slow down or
change the state of the caller or of any other sample. :class:`Verifier` runs each sample in a
pool of worker processes (sandbox + limits inside, kill + respawn outside) and turns every
outcome into a :class:`Verdict` with a score, a reason code and the interpreter's message;
:mod:`nsr.verify.extract` pulls the answer out of a model's completion first.

Importing this package starts nothing; workers start with the first :class:`Verifier`.
"""

from nsr.verify.extract import Extraction, extract_answer
from nsr.verify.verdict import (
    REASONS,
    Item,
    PlanItem,
    PrologItem,
    Verdict,
    item_from_record,
    no_answer,
)
from nsr.verify.verifier import Verifier

__all__ = [
    "REASONS",
    "Extraction",
    "Item",
    "PlanItem",
    "PrologItem",
    "Verdict",
    "Verifier",
    "extract_answer",
    "item_from_record",
    "no_answer",
]
