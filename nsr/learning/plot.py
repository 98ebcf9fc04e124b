"""Learning-curve plot (PNG) of a training run: train accuracy and learned programs per stage."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nsr.atomic import atomic_path
from nsr.errors import MissingDependency


def learning_curve(metrics: Sequence[dict[str, Any]], path: Path) -> Path:
    """Write the plot atomically; needs matplotlib (``pip install matplotlib``)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise MissingDependency("the learning-curve plot needs matplotlib: pip install matplotlib") from exc
    stages = [m["stage"] for m in metrics]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.plot(stages, [100 * m.get("train_acc_before", 0.0) for m in metrics], marker="^",
            color="tab:green", label="accuracy on the stage's data before it (%)")
    ax.plot(stages, [100 * m["train_acc"] for m in metrics], marker="o", label="after it (%)")
    ax.set_xlabel("curriculum stage (max input length)")
    ax.set_xticks(stages, [str(m["max_len"]) for m in metrics])
    ax.set_ylim(0, 105)
    ax2 = ax.twinx()
    ax2.plot(stages, [m["programs"] for m in metrics], color="tab:orange", marker="s",
             label="learned programs")
    ax2.set_ylabel("learned programs")
    lines = ax.get_legend_handles_labels()
    more = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + more[0], lines[1] + more[1], loc="lower right", fontsize=8)
    fig.tight_layout()
    try:
        with atomic_path(path, suffix=".png") as tmp:
            fig.savefig(tmp, dpi=100, format="png")
    finally:
        plt.close(fig)
    return Path(path)
