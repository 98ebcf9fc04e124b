"""Lifted conditions compiled to Python functions: the join order fixed once, not per binding.

Why: derived rules, quantified preconditions, goals and ``forall``/``when`` effects are
evaluated in every state a plan visits. Interpreting their formula trees binding by binding
(dicts copied per candidate fact, the next step chosen at every node) costs tens of
microseconds per fact; yet every choice the search makes (which part is a test, which atom
binds which variables, where an ``or`` splits) depends only on which variables are bound,
which is known before any state is seen. So each condition is turned once into the source of a
Python function of nested ``for`` loops over hash indexes (``World.table``) and set look-ups,
compiled by CPython, and called with the state's :class:`~nsr.backends.pddl.world.World`.

The search order is the interpreter's (:meth:`World._solve`): bound parts are tested first, a
restricted (semi-naive) atom is joined first, then an equality binds a variable, a positive atom
joins with the facts, ``and``/``exists`` are flattened, an ``or`` splits, and last a variable
ranges over the objects of its type. Grounding stays lazy: nothing is enumerated before a state
asks. An action's ``when``/``forall`` effects become one function adding and deleting ground
atoms (:func:`compile_effect`).

Compiling costs far more than generating the text, and conditions often differ only in names
(a domain's load-stone, load-ore, ... actions): so the generated code names no predicate,
constant or type; they are the parameters of a maker function (``_make(K0, K1, ...)``) that
defines the functions and returns the entry point. Makers are cached by their text (bounded):
a condition of a shape seen before, in this domain, another domain, or the same domain read
again, costs the text generation and one call of the maker.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from nsr.backends.pddl.effects import Effect
from nsr.backends.pddl.formulas import (
    And,
    Atom,
    Equals,
    Formula,
    Imply,
    Not,
    Or,
    Quantified,
    conjuncts,
    free_variables,
    negated_conjuncts,
)

__all__ = [
    "CompileLimit",
    "clear_cache",
    "compile_effect",
    "compile_query",
    "compile_rule",
    "compile_test",
    "contains_atom",
    "openable",
]

MAX_LINES = 4000  # an 'or' splits the code after it; past this size the interpreter is used
_CACHE_SIZE = 4096
_CACHE: dict[str, Callable[..., Any]] = {}


def clear_cache() -> None:
    """Forget every compiled function (a benchmark measuring a fresh process calls this)."""
    _CACHE.clear()


class CompileLimit(Exception):
    """The generated code would be too big or too deep: evaluate with the interpreter."""


def _tuple(items: Sequence[str]) -> str:
    return "(" + ", ".join(items) + ",)" if items else "()"


class _Module:
    """The functions generated for one entry point (the entry and its quantifier helpers)."""

    def __init__(
        self, derived: frozenset[str], target: Atom | None, empty: frozenset[str] = frozenset()
    ) -> None:
        self.derived = derived
        self.target = target  # the atom occurrence restricted to DELTA (semi-naive rounds)
        # derived predicates known to have no atom yet (the first round of a recursive
        # stratum): their atoms are false, so a conjunction needing one is pruned unsearched
        self.empty = empty
        self.functions: list[list[str]] = []
        # every name and type set in the code is a parameter of the generated maker (see
        # _build), so conditions that differ only in names share one compiled code object
        self.literals: dict[tuple[type, Any], str] = {}
        self.lines = 0
        self.count = 0
        self.entry = ""  # the name of the function _make returns

    def name(self, prefix: str) -> str:
        self.count += 1
        return f"{prefix}{self.count}"

    def lit(self, value: str | frozenset[str]) -> str:
        """The parameter name standing for ``value`` (a name or a set of type names)."""
        key = (type(value), value)
        found = self.literals.get(key)
        if found is None:
            found = self.literals[key] = f"K{len(self.literals)}"
        return found

    def source(self) -> str:
        """``_make(K0, K1, ...)`` defining the functions and returning ``entry``: the code
        depends only on the condition's shape, the names come in as arguments."""
        params = ", ".join(self.literals.values())
        body = [f"    {line}" for fn in self.functions for line in fn]
        return "\n".join([f"def _make({params}):", *body, f"    return {self.entry}"]) + "\n"

    def values(self) -> list[Any]:
        """The arguments of ``_make``: the names and type sets, in parameter order."""
        return [value for _, value in self.literals]


# what generated code may read of the world, as local names (see _Function.finish)
# (a plain predicate's facts and tables come from the state's index itself, FF and FT: one
# call, not two; TB, FA and DF serve derived predicates)
_WORLD_PARTS = (("S", "W.state"), ("DF", "W.derived_facts"), ("FA", "W.facts"), ("TB", "W.table"),
                ("FF", "W._facts.facts"), ("FT", "W._facts.table"),
                ("OB", "W.problem.objects_of"))
# how generated code uses each of them (a set look-up, or a call): found by substring search
_USES = {"S": " in S", "DF": "DF(", "FA": "FA(", "TB": "TB(", "FF": "FF(", "FT": "FT(",
         "OB": "OB("}


class _Function:
    """The body of one generated function; ``inputs`` are the PDDL variables passed in."""

    def __init__(
        self, module: _Module, name: str, inputs: Sequence[str], extra: Sequence[str] = ()
    ) -> None:
        self.m = module
        self.name = name
        self.inputs = tuple(inputs)
        self.extra = tuple(extra)  # runtime arguments before the inputs (effect collectors)
        self.body: list[str] = []
        self.prologue: list[str] = []
        self.pools: dict[frozenset[str], str] = {}
        self.hoisted: dict[tuple[str, tuple[int, ...] | None], str] = {}
        self.lazy: dict[tuple[str, tuple[int, ...] | None], str] = {}
        self.fresh = 0

    def env(self) -> dict[str, str]:
        return {v: f"a{i}" for i, v in enumerate(self.inputs)}

    def local(self) -> str:
        self.fresh += 1
        return f"v{self.fresh}"

    def emit(self, indent: int, line: str) -> None:
        if indent > 90:
            raise CompileLimit("nested too deeply")
        self.m.lines += 1
        if self.m.lines > MAX_LINES:
            raise CompileLimit("too much code")
        self.body.append("    " * indent + line)

    def finish(self) -> list[str]:
        """The function's lines: its signature, the world's parts it reads (only those: the
        cost of ``compile`` grows with the text), then its prologue and body."""
        args = ", ".join(("W", "DELTA", *self.extra, *(f"a{i}" for i in range(len(self.inputs)))))
        code = self.prologue + self.body
        text = "\n".join(code)
        used = {name for name, use in _USES.items() if use in text}
        lines = [f"def {self.name}({args}):"]
        lines += [f"    {name} = {value}" for name, value in _WORLD_PARTS if name in used]
        return lines + ["    " + p for p in self.prologue] + self.body

    # -- runtime values --------------------------------------------------------------------

    def pool(self, types: frozenset[str]) -> str:
        found = self.pools.get(types)
        if found is None:
            found = self.pools[types] = f"P{len(self.pools)}"
            self.prologue.append(f"{found} = OB({self.m.lit(types)})")
        return found

    def facts(self, predicate: str, indent: int) -> str:
        if predicate in self.m.derived:  # computed when first reached, like the interpreter
            return self._lazy((predicate, None), f"FA({self.m.lit(predicate)})", indent)
        return self._hoist((predicate, None), f"FF({self.m.lit(predicate)})")

    def table(self, predicate: str, positions: tuple[int, ...], indent: int) -> str:
        if predicate in self.m.derived:
            return self._lazy((predicate, positions),
                              f"TB({self.m.lit(predicate)}, {positions!r})", indent)
        return self._hoist((predicate, positions), f"FT({self.m.lit(predicate)}, {positions!r})")

    def _lazy(self, key: tuple[str, tuple[int, ...] | None], call: str, indent: int) -> str:
        """A derived predicate's facts or table, fetched where first reached in a call of the
        function (so a stratum is computed only when the search gets there, as the
        interpreter does) and kept in a local for the rest of the call: a function's run
        never sees derived atoms change (a stratum grows between rule firings, and a lower
        one is complete once computed)."""
        found = self._local(key)
        self.emit(indent, f"if {found} is None: {found} = {call}")
        return found

    def _local(self, key: tuple[str, tuple[int, ...] | None]) -> str:
        """The local that holds ``key``'s lazily fetched value in one call (None until then)."""
        found = self.lazy.get(key)
        if found is None:
            found = self.lazy[key] = f"L{len(self.lazy)}"
            self.prologue.append(f"{found} = None")
        return found

    def _hoist(self, key: tuple[str, tuple[int, ...] | None], call: str) -> str:
        found = self.hoisted.get(key)
        if found is None:
            found = self.hoisted[key] = f"X{len(self.hoisted)}"
            self.prologue.append(f"{found} = {call}")
        return found

    # -- expressions -----------------------------------------------------------------------

    def term(self, term: str, env: dict[str, str]) -> str | None:
        """Python expression of a term; None for a variable not bound yet."""
        if term[0] == "?":
            return env.get(term)
        return self.m.lit(term)

    def expr(self, f: Formula, env: dict[str, str]) -> str:
        """A Python boolean expression for ``f``, whose free variables are all bound."""
        if isinstance(f, Atom):
            args = [self.term(t, env) or self.m.lit(t) for t in f.terms]
            if f is self.m.target:
                return f"{_tuple(args)} in DELTA"
            if f.predicate in self.m.empty:
                return "False"
            if f.predicate in self.m.derived:  # fetched once per call, where first reached
                found = self._local((f.predicate, None))
                got = f"({found} if {found} is not None else ({found} := DF({self.m.lit(f.predicate)})))"
                return f"{_tuple(args)} in {got}"
            return f"{_tuple([self.m.lit(f.predicate), *args])} in S"
        if isinstance(f, Not):
            return f"not ({self.expr(f.arg, env)})"
        if isinstance(f, And):
            return "(" + " and ".join(self.expr(a, env) for a in f.args) + ")" if f.args else "True"
        if isinstance(f, Or):
            return "(" + " or ".join(self.expr(a, env) for a in f.args) + ")" if f.args else "False"
        if isinstance(f, Imply):
            return f"(not ({self.expr(f.antecedent, env)}) or ({self.expr(f.consequent, env)}))"
        if isinstance(f, Equals):
            left = self.term(f.left, env) or self.m.lit(f.left)
            right = self.term(f.right, env) or self.m.lit(f.right)
            return f"({left} == {right})"
        assert isinstance(f, Quantified)
        inputs = sorted(free_variables(f))
        parts = conjuncts(f.body) if f.kind == "exists" else negated_conjuncts(f.body)
        helper = _exists_helper(self.m, parts, f.variables, inputs)
        values = [env.get(v) or self.m.lit(v) for v in inputs]
        call = f"{helper}({', '.join(('W', 'DELTA', *values))})"
        return call if f.kind == "exists" else f"not {call}"

    # -- the search ------------------------------------------------------------------------

    def solve(
        self,
        parts: list[Formula],
        env: dict[str, str],
        types: dict[str, frozenset[str]],
        indent: int,
        leaf: Callable[[_Function, dict[str, str], int], None],
    ) -> None:
        empty = self.m.empty
        if empty and any(_void(p, empty) for p in parts):
            self.emit(indent, "pass")  # a conjunct that cannot hold: no solution
            return
        pending: list[Formula] = []
        tests: list[str] = []
        for part in parts:
            if all(v in env for v in free_variables(part)):
                tests.append(self.expr(part, env))
            else:
                pending.append(part)
        if tests:
            self.emit(indent, "if " + " and ".join(f"({t})" for t in tests) + ":")
            indent += 1
        if not pending:
            env = dict(env)
            for var in [v for v in types if v not in env]:
                name = self.local()
                self.emit(indent, f"for {name} in {self.pool(types[var])}:")
                indent += 1
                env[var] = name
            leaf(self, env, indent)
            return
        self.branch(pending, env, types, indent, leaf)

    def branch(
        self,
        pending: list[Formula],
        env: dict[str, str],
        types: dict[str, frozenset[str]],
        indent: int,
        leaf: Callable[[_Function, dict[str, str], int], None],
    ) -> None:
        target = self.m.target
        if target is not None:
            for i, part in enumerate(pending):
                if part is target:
                    self.join(part, pending[:i] + pending[i + 1 :], env, types, indent, leaf, True)
                    return
            for i, part in enumerate(pending):
                if openable(part, env, types) and contains_atom(part, target):
                    rest = pending[:i] + pending[i + 1 :]
                    if isinstance(part, And):
                        self.solve(list(part.args) + rest, env, types, indent, leaf)
                    elif isinstance(part, Or):
                        for arg in part.args:
                            if contains_atom(arg, target):
                                self.solve([arg, *rest], env, types, indent, leaf)
                    else:
                        assert isinstance(part, Quantified)
                        inner = {**types, **dict(part.variables)}
                        self.solve(list(conjuncts(part.body)) + rest, env, inner, indent, leaf)
                    return
        for i, part in enumerate(pending):
            if isinstance(part, Equals):
                left, right = self.term(part.left, env), self.term(part.right, env)
                var, value = (part.left, right) if left is None else (part.right, left)
                if value is not None and var in types:
                    name = self.local()
                    self.emit(indent, f"if {value} in {self.pool(types[var])}:")
                    self.emit(indent + 1, f"{name} = {value}")
                    self.solve(pending[:i] + pending[i + 1 :], {**env, var: name}, types,
                               indent + 1, leaf)
                    return
        for i, part in enumerate(pending):
            if isinstance(part, Atom):
                self.join(part, pending[:i] + pending[i + 1 :], env, types, indent, leaf, False)
                return
        for i, part in enumerate(pending):
            rest = pending[:i] + pending[i + 1 :]
            if isinstance(part, And):
                self.solve(rest + list(part.args), env, types, indent, leaf)
                return
            if openable(part, env, types) and isinstance(part, Quantified):
                inner = {**types, **dict(part.variables)}
                self.solve(rest + list(conjuncts(part.body)), env, inner, indent, leaf)
                return
        for i, part in enumerate(pending):
            if isinstance(part, Or):
                rest = pending[:i] + pending[i + 1 :]
                for arg in part.args:
                    self.solve(rest + [arg], env, types, indent, leaf)
                if not part.args:
                    self.emit(indent, "pass")
                return
        var = next(v for v in sorted(free_variables(pending[0])) if v not in env)
        if var not in types:
            self.emit(indent, "pass")  # an unknown variable ranges over nothing
            return
        name = self.local()
        self.emit(indent, f"for {name} in {self.pool(types[var])}:")
        self.solve(pending, {**env, var: name}, types, indent + 1, leaf)

    def join(
        self,
        atom: Atom,
        rest: list[Formula],
        env: dict[str, str],
        types: dict[str, frozenset[str]],
        indent: int,
        leaf: Callable[[_Function, dict[str, str], int], None],
        delta: bool,
    ) -> None:
        positions: list[int] = []
        keys: list[str] = []
        for i, t in enumerate(atom.terms):
            value = self.term(t, env)
            if value is not None:
                positions.append(i)
                keys.append(value)
        row = self.local()
        if delta:
            self.emit(indent, f"for {row} in DELTA:")
            indent += 1
            if positions:
                test = " and ".join(f"{row}[{i}] == {k}" for i, k in zip(positions, keys,
                                                                           strict=True))
                self.emit(indent, f"if {test}:")
                indent += 1
        elif positions:
            table = self.table(atom.predicate, tuple(positions), indent)
            self.emit(indent, f"for {row} in {table}.get({_tuple(keys)}, ()):")
            indent += 1
        else:
            self.emit(indent, f"for {row} in {self.facts(atom.predicate, indent)}:")
            indent += 1
        out = dict(env)
        tests: list[str] = []
        assigns: list[str] = []
        for i, t in enumerate(atom.terms):
            if t[0] != "?" or t in env:
                continue
            if t in out:
                tests.append(f"{row}[{i}] == {out[t]}")
                continue
            if t not in types:
                self.emit(indent, "pass")  # the interpreter binds no unknown variable
                return
            name = self.local()
            out[t] = name
            tests.append(f"{row}[{i}] in {self.pool(types[t])}")
            assigns.append(f"{name} = {row}[{i}]")
        # first-position tests refer to the row; later equalities to the names assigned
        tests = [_by_row(x, assigns) for x in tests]
        if tests:
            self.emit(indent, "if " + " and ".join(tests) + ":")
            indent += 1
        for line in assigns:
            self.emit(indent, line)
        self.solve(rest, out, types, indent, leaf)


def _emit_effect(f: _Function, effect: Effect, env: dict[str, str], indent: int) -> None:
    """Code adding ``effect``'s ground atoms through ``A`` (adds) and ``D`` (deletes) under
    ``env``; a ``when`` becomes an ``if``, a ``forall`` a join over its condition (or loops over
    the objects of its variables' types). Costs inside are left to the interpreter."""
    if effect.costs:
        raise CompileLimit("a cost inside a conditional or universal effect")
    for target, atoms in (("D", effect.dels), ("A", effect.adds)):
        for a in atoms:
            args = [f.term(t, env) or f.m.lit(t) for t in a.terms]
            f.emit(indent, f"{target}({_tuple([f.m.lit(a.predicate), *args])})")
    for when in effect.whens:
        f.emit(indent, f"if {f.expr(when.condition, env)}:")
        _emit_effect(f, when.effect, env, indent + 1)
    for fa in effect.foralls:
        names = {v for v, _ in fa.variables}
        outer = {k: v for k, v in env.items() if k not in names}  # the forall's own shadow
        types = dict(fa.variables)
        sub = fa.effect
        single = not (sub.adds or sub.dels or sub.costs or sub.foralls) and len(sub.whens) == 1
        if single:
            # forall x (when C E): only the x that satisfy C, found by a join on C; a binding
            # found twice (an 'or' in C) adds the same atoms again, which changes nothing
            when = sub.whens[0]
            f.solve(list(conjuncts(when.condition)), outer, types, indent,
                    lambda g, e, i, w=when: _emit_effect(g, w.effect, e, i))
        else:
            f.solve([], outer, types, indent, lambda g, e, i, s=sub: _emit_effect(g, s, e, i))
    if not (effect.adds or effect.dels or effect.whens or effect.foralls):
        f.emit(indent, "pass")


def _void(f: Formula, empty: frozenset[str]) -> bool:
    """True when ``f`` is false whatever the binding, the atoms of ``empty`` being false: it
    needs one of them (through ``and``, every branch of an ``or``, an ``exists`` body)."""
    if isinstance(f, Atom):
        return f.predicate in empty
    if isinstance(f, And):
        return all(_void(a, empty) for a in f.args)
    if isinstance(f, Or):
        return all(_void(a, empty) for a in f.args)
    if isinstance(f, Quantified) and f.kind == "exists":
        return _void(f.body, empty)
    return False


def _by_row(test: str, assigns: list[str]) -> str:
    """Rewrite ``row[i] == vN`` (vN assigned from ``row[j]`` in this join) as a row test."""
    left, sep, right = test.partition(" == ")
    if sep:
        for line in assigns:
            name, _, source = line.partition(" = ")
            if right == name:
                return f"{left} == {source}"
    return test


def _exists_helper(
    module: _Module, parts: Sequence[Formula], variables: Any, inputs: Sequence[str]
) -> str:
    """A helper function: is there a binding of ``variables`` making every part true?"""
    fn = _Function(module, module.name("_q"), inputs)
    module.functions.append([])  # keeps helpers before their callers' use (order irrelevant)
    slot = len(module.functions) - 1

    def found(f: _Function, env: dict[str, str], indent: int) -> None:
        f.emit(indent, "return True")

    fn.solve(list(parts), fn.env(), dict(variables), 1, found)
    fn.emit(1, "return False")
    module.functions[slot] = fn.finish()
    return fn.name


def openable(part: Formula, env: Mapping[str, str], types: Mapping[str, frozenset[str]]) -> bool:
    """``and``, ``or``, or an ``exists`` whose variables clash with none bound or in use."""
    if isinstance(part, (And, Or)):
        return True
    return (
        isinstance(part, Quantified)
        and part.kind == "exists"
        and not any(v in env or v in types for v, _ in part.variables)
    )


def contains_atom(formula: Formula, atom: Atom) -> bool:
    """True when ``atom`` (this very occurrence) is in ``formula``."""
    if formula is atom:
        return True
    if isinstance(formula, Not):
        return contains_atom(formula.arg, atom)
    if isinstance(formula, (And, Or)):
        return any(contains_atom(a, atom) for a in formula.args)
    if isinstance(formula, Imply):
        return contains_atom(formula.antecedent, atom) or contains_atom(formula.consequent, atom)
    if isinstance(formula, Quantified):
        return contains_atom(formula.body, atom)
    return False


def _build(module: _Module, entry: _Function) -> Callable[..., Any]:
    module.functions.append(entry.finish())
    module.entry = entry.name
    source = module.source()
    make = _CACHE.get(source)
    if make is None:
        namespace: dict[str, Any] = {}
        try:
            exec(compile(source, "<pddl-compiled>", "exec"), namespace)  # noqa: S102
        except (SyntaxError, RecursionError, MemoryError) as exc:
            raise CompileLimit(str(exc)) from None
        make = namespace["_make"]
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.clear()
        _CACHE[source] = make
    return make(*module.values())


def _compile_rule(
    head: Sequence[str],
    parts: Iterable[Formula],
    variables: Any,
    derived: frozenset[str],
    target: Atom | None,
    empty: frozenset[str],
) -> Callable[..., Any]:
    """``fn(world, delta)`` yielding the head's argument tuples of every solution of ``parts``
    (``target``, an occurrence in ``parts``, reads only ``delta``; atoms of ``empty`` are
    false)."""
    module = _Module(derived, target, empty)
    fn = _Function(module, "_rule", ())

    def emit_head(f: _Function, env: dict[str, str], indent: int) -> None:
        f.emit(indent, f"yield {_tuple([env.get(t) or f.m.lit(t) for t in head])}")

    fn.solve(list(parts), {}, dict(variables), 1, emit_head)
    fn.emit(1, "yield from ()")  # a generator even when no branch yields
    return _build(module, fn)


def _compile_test(
    formula: Formula, inputs: Sequence[str], derived: frozenset[str]
) -> Callable[..., bool]:
    """``fn(world, None, *values)``: truth of ``formula`` with ``inputs`` bound to ``values``."""
    module = _Module(derived, None)
    fn = _Function(module, "_test", inputs)
    fn.emit(1, f"return {fn.expr(formula, fn.env())}")
    return _build(module, fn)


def _compile_query(
    parts: Sequence[Formula],
    inputs: Sequence[str],
    variables: Any,
    derived: frozenset[str],
) -> Callable[..., Any]:
    """``fn(world, None, *values)`` yielding, per solution of ``parts``, the values of
    ``variables`` (in order; possibly more than once when an ``or`` finds it twice)."""
    module = _Module(derived, None)
    fn = _Function(module, "_query", inputs)
    names = [v for v, _ in variables]

    def emit_row(f: _Function, env: dict[str, str], indent: int) -> None:
        f.emit(indent, f"yield {_tuple([env[v] for v in names])}")

    fn.solve(list(parts), fn.env(), {v: t for v, t in variables if v not in inputs}, 1,
             emit_row)
    fn.emit(1, "yield from ()")
    return _build(module, fn)



def _compile_effect(
    effect: Effect, inputs: Sequence[str], derived: frozenset[str]
) -> Callable[..., None]:
    """``fn(world, None, add, delete, *values)``: see :func:`compile_effect`."""
    module = _Module(derived, None)
    fn = _Function(module, "_effect", inputs, ("A", "D"))
    _emit_effect(fn, effect, fn.env(), 1)
    return _build(module, fn)


def compile_effect(
    effect: Effect, inputs: Sequence[str], derived: frozenset[str]
) -> Callable[..., None]:
    """``fn(world, None, add, delete, *values)`` calling ``add``/``delete`` with every ground
    atom ``effect`` adds/deletes in the world's state, ``inputs`` bound to ``values`` (every
    ``when`` condition read in that state). Raises :class:`CompileLimit` for a cost inside a
    conditional or universal effect (the interpreter sums those) or a too big effect."""
    try:
        return _compile_effect(effect, inputs, derived)
    except RecursionError:
        raise CompileLimit("nested too deeply") from None


def compile_rule(
    head: Sequence[str],
    parts: Iterable[Formula],
    variables: Any,
    derived: frozenset[str],
    target: Atom | None,
    empty: frozenset[str] = frozenset(),
) -> Callable[..., Any]:
    """``fn(world, delta)`` yielding the head's argument tuples of every solution of ``parts``
    (``target``, an occurrence in ``parts``, reads only ``delta``). The predicates of
    ``empty`` must have no atom when the function runs (as in the first round of a
    recursive stratum, see :meth:`~nsr.backends.pddl.world.World.derived_facts`): branches
    needing one of their atoms are left out of the code, with the same solutions."""
    try:
        return _compile_rule(head, parts, variables, derived, target, empty)
    except RecursionError:
        raise CompileLimit("nested too deeply") from None


def compile_test(
    formula: Formula, inputs: Sequence[str], derived: frozenset[str]
) -> Callable[..., bool]:
    """``fn(world, None, *values)``: truth of ``formula`` with ``inputs`` bound to ``values``."""
    try:
        return _compile_test(formula, inputs, derived)
    except RecursionError:
        raise CompileLimit("nested too deeply") from None


def compile_query(
    parts: Sequence[Formula],
    inputs: Sequence[str],
    variables: Any,
    derived: frozenset[str],
) -> Callable[..., Any]:
    """``fn(world, None, *values)`` yielding, per solution of ``parts``, the values of
    ``variables`` (in order; possibly more than once when an ``or`` finds it twice)."""
    try:
        return _compile_query(parts, inputs, variables, derived)
    except RecursionError:
        raise CompileLimit("nested too deeply") from None
