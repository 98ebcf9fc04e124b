"""Summary statistics of a prototype file, per family and task."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from nsr.prototypes.record import PrototypeRecord


@dataclass(frozen=True)
class FamilyStats:
    family: str
    kind: str
    tasks: dict[str, int]
    count: int
    levels: dict[int, int]  # difficulty histogram
    answer_chars_mean: float
    answer_chars_max: int


def family_stats(records: Sequence[PrototypeRecord]) -> list[FamilyStats]:
    groups: dict[str, list[PrototypeRecord]] = defaultdict(list)
    for r in records:
        groups[r.family].append(r)
    out = []
    for family, rs in sorted(groups.items()):
        lengths = [len(r.answer) for r in rs]
        out.append(FamilyStats(
            family=family,
            kind=rs[0].kind,
            tasks=dict(sorted(Counter(r.task for r in rs).items())),
            count=len(rs),
            levels=dict(sorted(Counter(r.level for r in rs).items())),
            answer_chars_mean=sum(lengths) / len(lengths),
            answer_chars_max=max(lengths),
        ))
    return out


def render_table(stats: Sequence[FamilyStats], title: str = "prototypes") -> object:
    """A rich Table (imported lazily: rich is only needed by the CLI)."""
    from rich.table import Table

    table = Table(title=title)
    for col in ("family", "kind", "count", "tasks", "levels (level:count)", "answer chars mean",
                "answer chars max"):
        table.add_column(col, justify="right" if "chars" in col or col == "count" else "left")
    for s in stats:
        table.add_row(
            s.family, s.kind, str(s.count),
            " ".join(f"{t}:{n}" for t, n in s.tasks.items()),
            " ".join(f"{lv}:{n}" for lv, n in s.levels.items()),
            f"{s.answer_chars_mean:.1f}", str(s.answer_chars_max),
        )
    return table
