"""reasoning-gym datasets of verified prototypes: ``import nsr.reward.gym_datasets`` registers
``nsr_<family>`` for every prototype family (``nsr proto families``)::

    import reasoning_gym
    import nsr.reward.gym_datasets  # noqa: F401  (registers nsr_kinship, nsr_blocksworld, ...)

    data = reasoning_gym.create_dataset("nsr_kinship", size=100, seed=0, levels="1-3")
    entry = data[0]                      # question, answer, metadata
    data.score_answer(entry["answer"], entry)                                  # 1.0
    reasoning_gym.get_score_answer_fn("nsr_kinship")(answer, entry)
    reasoning_gym.create_dataset("composite", size=50, seed=0, datasets=[
        DatasetSpec("nsr_kinship", 1.0, {}), DatasetSpec("leg_counting", 1.0, {})])

Entries are synthesized (and verified by the interpreter) the first time one is read, from
``(family, size, seed, levels, task)`` alone, so the same arguments give the same entries;
scoring RUNS the answer (SWI-Prolog or the plan validator) in the shared verifier pool.
Needs ``reasoning-gym`` (``pip install 'nsr[frameworks]'``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from nsr.errors import ConfigError, MissingDependency
from nsr.prototypes.families import family_names

try:
    from reasoning_gym.dataset import ProceduralDataset
    from reasoning_gym.factory import DATASETS, register_dataset
except ImportError:  # pragma: no cover - exercised only without the framework
    raise MissingDependency(
        "reasoning-gym is not installed: pip install reasoning-gym (or 'nsr[frameworks]')"
    ) from None

PREFIX = "nsr_"


@dataclass
class NsrPrototypeConfig:
    """What reasoning-gym's ``create_dataset(name, **kwargs)`` passes (same for every family).

    ``levels``: difficulty levels to draw from (``"1-5"``, ``"2"``, ``"1,3"``); ``task``: one
    task of the family (PDDL families: plan_generation, plan_completion, plan_reordering),
    None for all of them.
    """

    seed: int | None = None
    size: int = 500
    levels: str = "1-5"
    task: str | None = None

    def validate(self) -> None:
        if not isinstance(self.size, int) or self.size < 1:
            raise ConfigError(f"size must be a positive integer, got {self.size!r}")
        if self.seed is not None and not isinstance(self.seed, int):
            raise ConfigError(f"seed must be an integer, got {self.seed!r}")


class NsrPrototypeDataset(ProceduralDataset):
    """Verified prototypes of one family as a reasoning-gym dataset (see the module doc)."""

    family: str = ""

    def __init__(self, config: NsrPrototypeConfig) -> None:
        super().__init__(config=config, seed=config.seed, size=config.size)
        self._records: list[Any] | None = None
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return PREFIX + self.family

    @property
    def category(self) -> str:
        return "nsr_prototypes"

    def _all(self) -> list[Any]:
        with self._lock:
            if self._records is None:
                from nsr.prototypes.synth import synthesize

                report = synthesize(self.family, self.size, seed=self.seed,
                                    levels=self.config.levels, task=self.config.task)
                if len(report.records) < self.size:
                    raise ConfigError(
                        f"{self.name}: only {len(report.records)} distinct problems for "
                        f"size={self.size} with levels {self.config.levels!r}"
                    )
                self._records = list(report.records)
            return self._records

    def __getitem__(self, idx: int) -> dict[str, Any]:
        from nsr.reward.gym import entry_from_record

        if not 0 <= idx < self.size:
            raise IndexError(f"{self.name} has {self.size} entries, no index {idx}")
        return entry_from_record(self._all()[idx], index=idx, source_dataset=self.name)

    def score_answer(self, answer: str | None, entry: dict[str, Any]) -> float:
        """1.0 when ``answer`` (already extracted, as reasoning-gym does) is correct, run by
        the interpreter or the plan validator; 0.0 otherwise."""
        from nsr.reward.gym import score_answer

        return score_answer(answer, entry)


def register_all() -> tuple[str, ...]:
    """Register ``nsr_<family>`` for every family not registered yet; returns all names."""
    names = []
    for family in family_names():
        name = PREFIX + family
        if name not in DATASETS:
            cls = type(f"Nsr{family.title()}Dataset", (NsrPrototypeDataset,),
                       {"family": family, "__module__": __name__})
            register_dataset(name, cls, NsrPrototypeConfig)
        names.append(name)
    return tuple(names)


DATASET_NAMES = register_all()
