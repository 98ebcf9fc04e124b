"""Program induction: the smallest DSL program that explains a symbol's rows.

``library`` (the typed primitive libraries the search enumerates, :class:`SearchPrimitive`),
``search`` (bottom-up enumeration by size, with constants, conditionals and verified
recursion: :func:`search_program`), ``behaviour`` (programs compared by what they compute on
probe arguments). Values are the DSL's own (:data:`nsr.semantics.ast.Value`); the DSL itself
(grammar, AST, evaluator, Prolog compiler) is :mod:`nsr.semantics`, which knows nothing of
search. No torch here.
"""
