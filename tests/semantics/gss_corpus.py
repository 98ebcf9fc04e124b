"""A corpus of GSS programs (SCAN-like, PCFG functions, HINT arithmetic by recursion, scoping
and syntax corner cases), all in one symbol table so that ``@symbol`` calls resolve.

Each entry: symbol -> (program text, argument kinds). Kinds: "L" a list of atoms, "N" a small
natural number, "n" a very small natural (for costly programs), "A" an atom.
"""

from __future__ import annotations

CORPUS: dict[str, tuple[str, str]] = {
    # --- SCAN-like: primitives and functions of actions -------------------------------------
    "walk": ("lambda: ['I_WALK']", ""),
    "jump": ("lambda: ['I_JUMP']", ""),
    "run": ("lambda: [ 'I_RUN' ]  # trailing comment", ""),
    "look": ("lambda: singleton('I_LOOK')", ""),
    "turn": ("lambda: empty()", ""),
    "twice": ("lambda x: append(x, x)", "L"),
    "thrice": ("lambda x: append(x, append(x, x))", "L"),
    "and": ("lambda x, y: append(x, y)", "LL"),
    "after": ("lambda x, y: append(y, x)", "LL"),
    "left": ("lambda x: cons('I_TURN_LEFT', x)", "L"),
    "right": ("lambda x: cons('I_TURN_RIGHT', x)", "L"),
    "opposite": ("lambda x: cons(car(x), x)", "L"),
    "around": ("lambda x: @twice(@twice(x))", "L"),
    "repeat_n": (
        "lambda x, n: let rec r(k) = if is_zero(k) then [] else append(x, r(dec(k))) in r(n)",
        "LN",
    ),
    # --- PCFG SET functions ------------------------------------------------------------------
    "copy": ("lambda x: x", "L"),
    "reverse": ("lambda x: reverse(x)", "L"),
    "shift": ("lambda x: if is_empty(x) then x else append(cdr(x), singleton(car(x)))", "L"),
    "echo": ("lambda x: if is_empty(x) then x else append(x, singleton(last(x)))", "L"),
    "swap_first_last": (
        "lambda x: if lt(length(x), 2) then x "
        "else cons(last(x), append(init(cdr(x)), singleton(car(x))))",
        "L",
    ),
    "repeat": ("lambda x: append(x, x)", "L"),
    "append": ("lambda x, y: append(x, y)", "LL"),
    "prepend": ("lambda x, y: append(y, x)", "LL"),
    "remove_first": ("lambda x, y: y", "LL"),
    "remove_second": ("lambda x, y: x", "LL"),
    "rev_acc": (
        "lambda x: let rec rev(xs, acc) = if is_empty(xs) then acc "
        "else rev(cdr(xs), cons(car(xs), acc)) in rev(x, [])",
        "L",
    ),
    "len": (
        "lambda x: let rec len(xs) = if is_empty(xs) then 0 else inc(len(cdr(xs))) in len(x)",
        "L",
    ),
    "nth": (
        "lambda x, n: let rec nth(xs, k) = if is_zero(k) then car(xs) "
        "else nth(cdr(xs), dec(k)) in nth(x, n)",
        "LN",
    ),
    "member": (
        "lambda x, a: let rec has(xs) = if is_empty(xs) then 'no' "
        "else if eq(car(xs), a) then 'yes' else has(cdr(xs)) in has(x)",
        "LA",
    ),
    "palindrome": ("lambda x: if eq(x, reverse(x)) then 'yes' else 'no'", "L"),
    "head_or": ("lambda x, a: if is_empty(x) then a else car(x)", "LA"),
    # --- HINT: digits and + - * / learned from zero/inc/dec/is_zero -----------------------------
    "0": ("lambda: zero()", ""),
    "3": ("lambda: inc(inc(inc(zero())))", ""),
    "7": ("lambda: 7", ""),
    "+": (
        "lambda a, b: let rec add(x, y) = if is_zero(y) then x else inc(add(x, dec(y))) "
        "in add(a, b)",
        "NN",
    ),
    "-": (
        "lambda a, b: let rec sub(x, y) = if is_zero(y) then x else dec(sub(x, dec(y))) "
        "in sub(a, b)",
        "NN",
    ),
    "*": (
        "lambda a, b: let rec mul(x, y) = if is_zero(y) then 0 else @'+'(x, mul(x, dec(y))) "
        "in mul(a, b)",
        "NN",
    ),
    "/": (
        "lambda a, b: if is_zero(b) then 0 else "
        "let rec d(x) = if is_zero(x) then 0 else inc(d(@'-'(x, b))) in d(a)",
        "NN",
    ),
    "max": ("lambda a, b: if lt(a, b) then b else a", "NN"),
    "min": ("lambda a, b: if lt(b, a) then b else a", "NN"),
    "double": ("lambda a: @'+'(a, a)", "N"),
    "square": ("lambda a: @'*'(a, a)", "n"),
    "even": (
        "lambda n: let rec ev(k) = if is_zero(k) then 1 else if is_zero(dec(k)) then 0 "
        "else ev(dec(dec(k))) in ev(n)",
        "N",
    ),
    "fact": (
        "lambda n: let rec f(k) = if is_zero(k) then 1 else @'*'(k, f(dec(k))) in f(n)",
        "n",
    ),
    "(": ("lambda x: x", "N"),
    # --- scoping, lets, conditions, literals -----------------------------------------------
    "sum_diff": (
        "lambda a, b: let s = @'+'(a, b) in let d = @'-'(a, b) in [s, d, [a, b]]",
        "NN",
    ),
    "shadow": ("lambda x: let x = inc(x) in let x = inc(x) in [x]", "N"),
    "capture": (
        "lambda x: let rec g(a) = if is_zero(a) then x else g(dec(a)) in "
        "let x = 5 in let rec h(b) = @'+'(g(b), x) in h(x)",
        "N",
    ),
    "let_list": ("lambda x, y: let p = [y, x] in append(car(cdr(p)), car(p))", "LL"),
    "logic": (
        "lambda a, b: if and(not(is_zero(a)), or(lt(a, b), eq(a, 3))) then 'yes' else 'no'",
        "NN",
    ),
    "literal_true": ("lambda x: if true then x else 0", "N"),
    "literal_false": ("lambda x: if false then 0 else [x]", "A"),
    "triangle": (
        "lambda n: let rec outer(i) = if is_zero(i) then [] else "
        "let rec inner(j) = if is_zero(j) then [] else cons(i, inner(dec(j))) in "
        "append(inner(i), outer(dec(i))) in outer(n)",
        "n",
    ),
    "odd_atoms": ("lambda: ['it''s', '\\\\', 'V12', '+', 'a b', '\\'q']", ""),
    "negative": ("lambda x: [x, -3, length([])]", "A"),
    "is_zero_atom": ("lambda a: if is_zero(a) then 'z' else 'nz'", "A"),
}
