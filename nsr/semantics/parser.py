"""Parse program text (``grammars/gss.lark``) into the AST of :mod:`nsr.semantics.ast`.

The Lark parser is built once per process (LALR, grammar loaded from the shipped package data)
and reused; a Transformer turns the parse tree into frozen dataclasses, one method per rule.
"""

from __future__ import annotations

from functools import cache

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, UnexpectedToken

from nsr.resources import resource_path
from nsr.semantics import ast
from nsr.semantics.errors import ProgramSyntaxError

_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", "'": "'"}


def unquote_atom(token: str) -> str:
    """The text of a quoted atom token: strips the quotes, resolves ``\\x`` and ``''``."""
    body = token[1:-1]
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            out.append(_ESCAPES.get(body[i + 1], body[i + 1]))
            i += 2
        elif c == "'" and i + 1 < len(body) and body[i + 1] == "'":
            out.append("'")
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _items(args: ast.Expr | tuple | None) -> tuple:
    return () if args is None else args


@v_args(inline=True)
class _ToAst(Transformer):
    """One method per grammar rule (or alias), bottom-up."""

    def start(self, params, body):
        return ast.Program(_items(params), body)

    def params(self, *names: Token):
        seen: set[str] = set()
        for name in names:
            if str(name) in seen:
                raise ProgramSyntaxError(f"parameter {name!s} is repeated", name.line, name.column)
            seen.add(str(name))
        return tuple(str(n) for n in names)

    def args(self, *exprs):
        return tuple(exprs)

    def let(self, name, value, body):
        return ast.Let(str(name), value, body)

    def letrec(self, name, params, fbody, body):
        return ast.LetRec(str(name), _items(params), fbody, body)

    def if_(self, cond, then, orelse):
        return ast.If(cond, then, orelse)

    def int(self, token):
        return ast.Int(int(token))

    def atom(self, token):
        return ast.Atom(unquote_atom(str(token)))

    def true(self):
        return ast.Bool(True)

    def false(self):
        return ast.Bool(False)

    def list(self, args):
        return ast.ListLit(_items(args))

    def var(self, name):
        return ast.Var(str(name))

    def call(self, name, args):
        return ast.Call(str(name), _items(args))

    def symcall(self, symbol, args):
        return ast.SymbolCall(symbol, _items(args))

    def symbol(self, token):
        text = str(token)
        return unquote_atom(text) if token.type == "QATOM" else text


@cache
def _lark() -> Lark:
    path = resource_path("grammars", "gss.lark")
    return Lark(
        path.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",
        maybe_placeholders=True,
        propagate_positions=False,
    )


def _describe(expected: set[str] | frozenset[str]) -> str:
    parser = _lark()
    names = []
    for term in sorted(expected):
        if term == "$END":
            names.append("end of input")
            continue
        try:
            pattern = parser.get_terminal(term).pattern
            names.append(repr(pattern.value) if pattern.type == "str" else term)
        except KeyError:
            names.append(term)
    return ", ".join(sorted(set(names)))


def parse_program(text: str, *, source: str = "<program>") -> ast.Program:
    """Parse one program (``lambda ...: ...``).

    Raises :class:`ProgramSyntaxError` naming ``source``, line:column and what was expected.
    """
    try:
        tree = _lark().parse(text)
    except UnexpectedInput as exc:
        line, column = exc.line, exc.column
        if isinstance(exc, UnexpectedToken):
            got = "end of input" if exc.token.type == "$END" else repr(str(exc.token))
            what = f"unexpected {got}; expected one of: {_describe(exc.expected)}"
        elif isinstance(exc, UnexpectedCharacters):
            what = f"unexpected character {text[exc.pos_in_stream]!r}"
            if exc.allowed:
                what += f"; expected one of: {_describe(exc.allowed)}"
        elif isinstance(exc, UnexpectedEOF):
            what = f"unexpected end of input; expected one of: {_describe(set(exc.expected))}"
        else:  # pragma: no cover - Lark has no other subclasses today
            what = str(exc).splitlines()[0]
        at_end = isinstance(exc, UnexpectedEOF) or (
            isinstance(exc, UnexpectedToken) and exc.token.type == "$END"
        )
        if at_end or line is None or line < 0:
            line, column = text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
        raise ProgramSyntaxError(f"{source}:{line}:{column}: {what}", line, column) from None
    try:
        return _ToAst().transform(tree)
    except Exception as exc:  # Transformer wraps our errors in VisitError
        inner = getattr(exc, "orig_exc", exc)
        if isinstance(inner, ProgramSyntaxError):
            raise ProgramSyntaxError(
                f"{source}:{inner.line}:{inner.column}: {inner}", inner.line, inner.column
            ) from None
        raise
