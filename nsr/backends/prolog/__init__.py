"""SWI-Prolog backend: the only place in nsr that imports pyswip (lazily, in get_engine()).

    from nsr.backends.prolog import get_engine, goal, Var
    engine = get_engine()
    engine.consult_text("parent(tom, bob).\\nparent(bob, ann).", "family")
    engine.query(goal("parent", "tom", Var("X")), module="family")   # [{'X': 'bob'}]

Importing this package is cheap: pyswip and libswipl load when the engine is first created.
"""

from nsr.backends.prolog.engine import DEFAULT_STACK_LIMIT, PrologEngine, get_engine
from nsr.backends.prolog.errors import (
    PrologError,
    PrologExistenceError,
    PrologInferenceLimit,
    PrologNotInstalled,
    PrologResourceError,
    PrologSyntaxError,
    PrologTimeLimit,
    UnsupportedValue,
)
from nsr.backends.prolog.terms import (
    Atom,
    Compound,
    PlString,
    Term,
    Var,
    goal,
    quote_atom,
    to_text,
)

__all__ = [
    "DEFAULT_STACK_LIMIT",
    "Atom",
    "Compound",
    "PlString",
    "PrologEngine",
    "PrologError",
    "PrologExistenceError",
    "PrologInferenceLimit",
    "PrologNotInstalled",
    "PrologResourceError",
    "PrologSyntaxError",
    "PrologTimeLimit",
    "Term",
    "UnsupportedValue",
    "Var",
    "get_engine",
    "goal",
    "quote_atom",
    "to_text",
]
