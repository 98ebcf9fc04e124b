"""Ground truth for a reward: a prototype record, read from whatever form a trainer passes.

RL frameworks hand the reward function the dataset's ground-truth column as they stored it: a
JSON string (verl's ``reward_model.ground_truth`` is usually a string), a dict (TRL passes
dataset columns as they are), a :class:`~nsr.prototypes.record.PrototypeRecord`, or just the
record's columns spread over keyword lists. :func:`parse_ground_truth` accepts all of them and
returns a :class:`Target`; :func:`build_item` turns a target and a candidate answer into the
:class:`~nsr.verify.Item` the verifier runs.

Why the candidate is *run* rather than compared as text: the interpreter decides equality
(``[a,b]`` and ``[a, b]`` are the same term; ``1`` and ``1.0`` are not), and plan answers have
many correct forms, so only a validator can judge them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from nsr.errors import ConfigError, DataError
from nsr.verify.verdict import PlanItem, PrologItem, Verdict

ANSWER_VARIABLE = "Answer"  # the query variable a prototype record binds (see record.py)
PLAN_TASKS: tuple[str, ...] = ("plan_generation", "plan_completion", "plan_reordering")


class GroundTruthError(DataError):
    """A prolog or pddl record that cannot be used (missing fields, unknown task)."""


class NotApplicable(GroundTruthError):
    """The ground truth is not a prolog or pddl record at all (another reward's row)."""


@dataclass(frozen=True, slots=True)
class Target:
    """What a candidate answer is checked against (one prototype record, flattened).

    Prolog: ``program`` + ``query`` (binding ``Answer``), the candidate must equal the query's
    answer. PDDL: ``domain`` + ``problem``; for ``plan_completion`` the candidate fills the gap
    between ``prefix`` and ``suffix``; for ``plan_reordering`` it must use exactly ``steps``.
    ``answer`` is the stored (interpreter-derived) answer, kept for logging and examples.
    """

    kind: str
    task: str
    answer: str = ""
    program: str = ""
    query: str = ""
    domain: str = ""
    problem: str = ""
    prefix: tuple[str, ...] = ()
    suffix: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    id: str = ""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        """The code-block language a model's answer is expected in (for extraction)."""
        return "prolog" if self.kind == "prolog" else "pddl"


def parse_ground_truth(ground_truth: Any, extra_info: Any = None) -> Target:
    """A :class:`Target` from any layout our exports write, or a framework passes on.

    Accepted (one reader for all of them, so no adapter guesses):

    - the prototype record (``nsr proto synth``, ``--format jsonl``): a dict, its JSON text
      (or bytes), or a :class:`~nsr.prototypes.record.PrototypeRecord`;
    - a flat row (``--format hf``): the record's columns with ``prototype`` as JSON text;
    - a flat dict: ``kind`` plus ``program``/``query`` or ``domain``/``problem``;
    - a wrapper holding one of these under ``record`` (``--format openrlhf``),
      ``ground_truth``, ``label`` or reasoning-gym's ``metadata.record``;
    - a verl row (``--format verl``): the stored answer as ``ground_truth`` and the prototype,
      kind, task and id in ``extra_info`` (pass both, or the whole row as one dict).

    Columns that a dataset library filled with None (``datasets`` unifies the schema of
    prolog and pddl rows) count as absent. Raises :class:`NotApplicable` for anything that is
    not a prolog/pddl record (a reward for another kind of row) and :class:`GroundTruthError`
    naming what is missing from a broken one.
    """
    if isinstance(extra_info, Mapping):
        merged = _verl_record(ground_truth, extra_info)
        if merged is not None:
            return parse_ground_truth(merged)
    if isinstance(ground_truth, str):
        return _parse_text(ground_truth)
    data = _as_mapping(ground_truth)
    if data.get("kind") is None:
        inner = _wrapped(data)
        if inner is not None:
            return parse_ground_truth(inner)
    kind = data.get("kind")
    if kind not in ("prolog", "pddl"):
        raise NotApplicable(f"ground truth {_name(data)}: kind {kind!r} is not prolog or pddl")
    fields = _prototype_fields(data)
    answer = _first_present(data, "answer", "plan")
    if kind == "prolog":
        program, query = fields.get("program"), fields.get("query")
        if not isinstance(program, str) or not isinstance(query, str):
            raise GroundTruthError(f"prolog ground truth {_name(data)} lacks program or query")
        return Target(
            kind="prolog",
            task=str(data.get("task") or "query_answer"),
            answer=answer,
            program=program,
            query=query,
            id=str(data.get("id") or ""),
        )
    task = str(data.get("task") or "plan_generation")
    if task not in PLAN_TASKS:
        raise GroundTruthError(f"pddl ground truth {_name(data)}: unknown task {task!r}")
    domain, problem = fields.get("domain"), fields.get("problem")
    if not isinstance(domain, str) or not isinstance(problem, str):
        raise GroundTruthError(f"pddl ground truth {_name(data)} lacks domain or problem")
    return Target(
        kind="pddl",
        task=task,
        answer=answer,
        domain=domain,
        problem=problem,
        prefix=_steps(fields.get("prefix")),
        suffix=_steps(fields.get("suffix")),
        steps=_steps(fields.get("steps")),
        id=str(data.get("id") or ""),
    )


@lru_cache(maxsize=1024)
def _parse_text(text: str) -> Target:
    """:func:`parse_ground_truth` of a record's JSON text, cached: every completion of one
    prompt (GRPO's group, a label repeated per request) carries the same text. Errors are
    not cached (they raise), so a broken record is reported each time."""
    return parse_ground_truth(_as_mapping(text))


def record_from_verl(ground_truth: Any, extra_info: Any) -> Any:
    """What to score a verl sample against: the record rebuilt from ``extra_info`` when the
    row keeps it there (``--format verl``), else ``ground_truth`` itself."""
    if isinstance(extra_info, Mapping):
        merged = _verl_record(ground_truth, extra_info)
        if merged is not None:
            return merged
    return ground_truth


def is_record(ground_truth: Any, extra_info: Any = None) -> bool:
    """True when :func:`parse_ground_truth` reads ``ground_truth`` as one of our records."""
    try:
        parse_ground_truth(ground_truth, extra_info)
    except GroundTruthError:
        return False
    return True


MODES: tuple[str, ...] = ("answer", "program")


def build_item(
    target: Target, candidate: str, *, mode: str = "answer"
) -> PrologItem | PlanItem | Verdict:
    """The verifier item that checks ``candidate`` against ``target``.

    ``mode="answer"``: ``candidate`` is the answer (a Prolog term, or plan steps).
    ``mode="program"`` (Prolog targets; ProtoReasoning's conversion task): ``candidate`` is a
    Prolog program the model wrote for the problem; it is run with the record's query and
    must derive the record's stored answer. Returns a :class:`Verdict` instead when the answer
    can be rejected without running anything (a reordering that is not a permutation of the
    given steps, an unparsable plan).
    """
    if mode not in MODES:
        raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if target.kind == "prolog":
        query = single_answer_query(target.query)
        if mode == "program":
            return PrologItem(candidate, query, target.answer)
        return PrologItem(target.program, query, candidate)
    if target.task == "plan_completion":
        plan = "\n".join((*target.prefix, candidate.strip(), *target.suffix))
        return PlanItem(target.domain, target.problem, plan)
    if target.task == "plan_reordering":
        rejected = _not_a_permutation(target.steps, candidate)
        if rejected is not None:
            return rejected
    return PlanItem(target.domain, target.problem, candidate)


@lru_cache(maxsize=4096)  # a trainer scores many completions of the same record
def single_answer_query(query: str) -> str:
    """``query`` with every named variable except ``Answer`` made anonymous-looking.

    Records' queries bind ``Answer`` but may name helper variables too
    (``setof(X, p(X), Answer)``); the verifier takes the one variable not starting with ``_`` as
    the answer. Renaming ``X`` to ``_NsrX`` keeps the goal's meaning (each name still denotes
    one variable). Quoted text, character codes and comments are left untouched. A query
    without ``Answer`` is returned unchanged.
    """
    tokens = list(_variable_spans(query))
    names = {query[a:b] for a, b in tokens}
    if ANSWER_VARIABLE not in names or len(names - {ANSWER_VARIABLE}) == 0:
        return query
    out, last = [], 0
    for start, end in tokens:
        name = query[start:end]
        if name != ANSWER_VARIABLE and not name.startswith("_"):
            out.append(query[last:start])
            out.append("_Nsr" + name)
            last = end
    out.append(query[last:])
    return "".join(out)


# -- internals -------------------------------------------------------------------------------


def _as_mapping(ground_truth: Any) -> Mapping[str, Any]:
    if isinstance(ground_truth, Mapping):
        return ground_truth
    to_dict = getattr(ground_truth, "to_dict", None)
    if callable(to_dict):
        return to_dict()
    if isinstance(ground_truth, bytes):
        ground_truth = ground_truth.decode("utf-8", errors="replace")
    if isinstance(ground_truth, str):
        try:
            data = json.loads(ground_truth)
        except RecursionError:
            raise GroundTruthError("ground truth is nested too deeply") from None
        except json.JSONDecodeError as exc:
            if not ground_truth.lstrip().startswith("{"):
                raise NotApplicable("ground truth is plain text, not a record") from None
            raise GroundTruthError(
                f"ground truth is not a record in JSON ({exc.msg} at column {exc.colno})"
            ) from None
        if isinstance(data, Mapping):
            return data
    raise NotApplicable(
        f"ground truth must be a record (dict or JSON object), got {type(ground_truth).__name__}"
    )


_WRAPPERS: tuple[str, ...] = ("record", "ground_truth", "label")


def _wrapped(data: Mapping[str, Any]) -> Any:
    """The record inside a wrapper row (see :func:`parse_ground_truth`), or None."""
    for key in _WRAPPERS:
        if data.get(key) is not None:
            return data[key]
    metadata = data.get("metadata")
    if isinstance(metadata, Mapping) and metadata.get("record") is not None:
        return metadata["record"]
    reward_model = data.get("reward_model")
    if isinstance(reward_model, Mapping) and isinstance(data.get("extra_info"), Mapping):
        return _verl_record(reward_model.get("ground_truth"), data["extra_info"])
    return None


def _verl_record(answer: Any, extra_info: Mapping[str, Any]) -> Any:
    """The record a verl row spreads over ``ground_truth`` and ``extra_info``, or None.

    ``extra_info["record"]`` wins; otherwise the row written by ``nsr proto export --format
    verl`` (the prototype as JSON text, kind, task and id in ``extra_info``, the answer in
    ``ground_truth``) is put back together. None when ``extra_info`` holds neither.
    """
    if extra_info.get("record") is not None:
        return extra_info["record"]
    if extra_info.get("kind") in ("prolog", "pddl") and extra_info.get("prototype") is not None:
        return {
            "id": extra_info.get("id") or "",
            "kind": extra_info["kind"],
            "task": extra_info.get("task") or "",
            "prototype": extra_info["prototype"],
            "answer": "" if answer is None else answer,
        }
    return None


def _prototype_fields(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """The prototype's fields: a nested dict, its JSON text (flat rows), or the row itself."""
    proto = data.get("prototype")
    if proto is None:
        return data
    if isinstance(proto, bytes):
        proto = proto.decode("utf-8", errors="replace")
    if isinstance(proto, str):
        try:
            proto = _load_prototype(proto)
        except (json.JSONDecodeError, RecursionError):
            raise GroundTruthError(
                f"ground truth {_name(data)}: the prototype is not a JSON object"
            ) from None
    if not isinstance(proto, Mapping):
        raise GroundTruthError(
            f"ground truth {_name(data)}: the prototype must be an object, "
            f"got {type(proto).__name__}"
        )
    return proto


@lru_cache(maxsize=1024)
def _load_prototype(text: str) -> Any:
    """A prototype's JSON text, parsed once: verl rows carry it as text in ``extra_info`` and
    every completion of a prompt (and every epoch) brings the same text. Callers only read the
    result (a Mapping); errors are not cached."""
    value = json.loads(text)
    return MappingProxyType(value) if isinstance(value, dict) else value


def _first_present(data: Mapping[str, Any], *keys: str) -> str:
    for key in keys:
        if data.get(key) is not None:
            return str(data[key])
    return ""


def _name(data: Mapping[str, Any]) -> str:
    return repr(data.get("id") or "?")


def _steps(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(line for line in value.splitlines() if line.strip())
    if hasattr(value, "tolist"):  # a numpy array: how parquet-backed datasets (verl) return lists
        value = value.tolist()
    if isinstance(value, list | tuple) and all(isinstance(s, str) for s in value):
        return tuple(value)
    raise GroundTruthError(f"plan steps must be a list of '(action arg ...)' strings: {value!r}")


def _not_a_permutation(given: tuple[str, ...], candidate: str) -> Verdict | None:
    """A verdict if ``candidate`` does not use every given step exactly once, else None."""
    from nsr.backends.pddl.errors import PlanSyntaxError
    from nsr.backends.pddl.plans import parse_plan, parse_step

    try:
        got = parse_plan(candidate, name="answer")
        want = [parse_step(step) for step in given]
    except PlanSyntaxError as exc:
        return Verdict(0.0, "plan_syntax", str(exc))
    problem = permutation_problem(want, got)
    if problem is None:
        return None
    return Verdict(0.0, "invalid_plan", problem, details={"validator_reason": "not_a_permutation"})


def permutation_problem(given: Sequence[Any], answer: Sequence[Any]) -> str | None:
    """Why ``answer`` (parsed steps) is not a reordering of the ``given`` steps, or None.

    The one judgement of a plan_reordering answer's shape, shared by the reward path
    (:func:`build_item`) and the record judge (:mod:`nsr.prototypes.judge`).
    """
    got, want = Counter(answer), Counter(given)
    if got == want:
        return None
    extra = sorted(str(s) for s in (got - want).elements())
    missing = sorted(str(s) for s in (want - got).elements())
    return (f"the answer must use every given step exactly once; extra: {extra or 'none'}; "
            f"missing: {missing or 'none'}")


def _variable_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every variable token in Prolog ``text`` (a small, linear lexer)."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in "'\"`":
            i = _skip_quoted(text, i)
        elif char == "%":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif char == "0" and text.startswith("0'", i):
            i += 4 if text.startswith("0'\\", i) or text.startswith("0''", i) else 3
        elif char.isalnum() or char == "_":
            start = i
            while i < n and (text[i].isalnum() or text[i] == "_"):
                i += 1
            if text[start].isupper() or text[start] == "_":
                spans.append((start, i))
        else:
            i += 1
    return spans


def _skip_quoted(text: str, start: int) -> int:
    quote, i, n = text[start], start + 1, len(text)
    while i < n:
        if text[i] == "\\":
            i += 2
        elif text[i] == quote:
            if text.startswith(quote * 2, i):  # doubled quote inside the quotes
                i += 2
            else:
                return i + 1
        else:
            i += 1
    return n
