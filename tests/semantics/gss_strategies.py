"""Hypothesis strategies: random well-formed ASTs (syntax only) and DSL values."""

from __future__ import annotations

from hypothesis import strategies as st

from nsr.semantics import ast

_NAME_RE = r"[A-Za-z_][A-Za-z0-9_]{0,6}"

names = st.from_regex(_NAME_RE, fullmatch=True).filter(lambda n: n not in ast.KEYWORDS)
atom_texts = st.text(
    alphabet=st.sampled_from(list("abcXYZ_09 +-*/()'\\\"\n\t.é")), min_size=0, max_size=6
)
ints = st.integers(min_value=-(10**12), max_value=10**12)


def _compound(children: st.SearchStrategy[ast.Expr]) -> st.SearchStrategy[ast.Expr]:
    args = st.lists(children, max_size=3).map(tuple)
    return st.one_of(
        st.builds(ast.ListLit, args),
        st.builds(ast.Let, names, children, children),
        st.builds(
            ast.LetRec,
            names,
            st.lists(names, max_size=3, unique=True).map(tuple),
            children,
            children,
        ),
        st.builds(ast.If, children, children, children),
        st.builds(ast.Call, names, args),
        st.builds(ast.SymbolCall, st.one_of(names, atom_texts), args),
    )


exprs: st.SearchStrategy[ast.Expr] = st.recursive(
    st.one_of(
        st.builds(ast.Var, names),
        st.builds(ast.Int, ints),
        st.builds(ast.Atom, atom_texts),
        st.builds(ast.Bool, st.booleans()),
    ),
    _compound,
    max_leaves=12,
)

programs: st.SearchStrategy[ast.Program] = st.builds(
    ast.Program, st.lists(names, max_size=3, unique=True).map(tuple), exprs
)

ATOMS = ("a", "b", "I_WALK", "it's", "+", "V1")
atoms = st.sampled_from(ATOMS)
atom_lists = st.lists(atoms, max_size=6).map(tuple)


def value_for(kind: str) -> st.SearchStrategy[object]:
    """A random argument of corpus kind ``kind`` (see gss_corpus)."""
    return {
        "L": atom_lists,
        "N": st.integers(min_value=0, max_value=12),
        "n": st.integers(min_value=0, max_value=4),
        "A": atoms,
    }[kind]
