"""PDDL planning: read, solve and validate plans.

Two halves with one report type (:class:`ValidationReport`):

- ``grounded`` (pure Python, fast, no unified-planning import): ``parse_domain``,
  ``parse_problem``, ``parse_plan``, ``validate`` for the classical fragment (ADL, conditional
  effects, derived predicates, action costs); ``reader``/``quick``/``direct`` read domains and
  problems (plain STRIPS actions straight into what a step runs); ``world`` evaluates
  quantifiers, derived predicates and conditional effects lazily, interpreting a condition
  until compiling it (``compiled``) pays, and running ``forall``/``when`` effects of the
  common shape by join plans (``joins``); ``simulate`` applies steps and walks. The verifier
  uses it for untrusted plans.
- ``up_engine`` (unified-planning, imported lazily on first use): ``load_task``, ``solve`` with
  Fast Downward or pyperplan, ``validate_up`` with UP's reference validator; ``downward`` runs
  Fast Downward on PDDL text directly (its own translator).

``batch.validate_many`` validates many plans of one problem in one call, ``batch.validate_batch``
the plans of many problems of one domain (what a verifier worker or an RL reward batch does: the
domain read once, plan lines read once, every action the plans use read in one go, common plan
prefixes simulated once, the garbage collector paused, see ``nogc``); ``shapes`` reads the
look-alike actions of a grounded domain once per shape.
``val`` builds and runs VAL, the reference validator tests and benchmarks compare with;
``ipc`` finds the domain, problem and plan files of a folder of families.

Importing this package imports only the pure-Python half.
"""

from nsr.backends.pddl.errors import PddlSyntaxError, PddlUnsupported, PlanSyntaxError
from nsr.backends.pddl.grounded import (
    Domain,
    Problem,
    ValidationReport,
    parse_domain,
    parse_problem,
    validate,
)
from nsr.backends.pddl.plans import Step, parse_plan, write_plan

__all__ = [
    "Domain",
    "PddlSyntaxError",
    "PddlUnsupported",
    "PlanSyntaxError",
    "Problem",
    "Step",
    "ValidationReport",
    "parse_domain",
    "parse_plan",
    "parse_problem",
    "validate",
    "write_plan",
]
