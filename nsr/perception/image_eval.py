"""Reference figures for image perception: the supervised ceiling and the warm start's purity.

``python -m nsr.perception.image_eval [--seed N] [--epochs N]`` prints, for the offline symbol
images (NOT CROHME; see :mod:`.image_data`):

- per-symbol accuracy on the held-out test images of a CNN trained WITH symbol labels on the
  training images: the ceiling an abduction-trained perception can approach (the NSR learner
  itself never sees these labels);
- the purity of the unsupervised warm start's clusters on the training images, and of the
  warm-started CNN's predictions on the test images (true labels used for scoring only).
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass

import numpy as np
import torch

from nsr.perception.image_data import SOURCE, SYMBOLS, BankConfig, ImageBank, load_bank
from nsr.perception.images import ImagePerception, ImagePerceptionConfig, purity, warm_start


@dataclass(frozen=True)
class Figures:
    """What :func:`evaluate` measured (accuracies and purities in [0, 1], seconds)."""

    test_accuracy: float
    per_symbol_accuracy: dict[str, float]
    cluster_purity_train: float
    warm_start_purity_test: float
    supervised_seconds: float
    warm_start_seconds: float


def supervised_accuracy(
    bank: ImageBank, cfg: ImagePerceptionConfig, seed: int = 0
) -> tuple[float, dict[str, float]]:
    """Train on labelled training images; accuracy on the test images, overall and per symbol."""
    train, test = bank.indices("train"), bank.indices("test")
    model = ImagePerception(cfg, seed=seed)
    model.fit(bank.tensors(train), bank.labels[train].tolist(), seed=seed)
    predicted = np.asarray(model.predict(bank.tensors(test))[0])
    truth = bank.labels[test]
    per_symbol = {sym: float(np.mean(predicted[truth == s] == s)) for s, sym in enumerate(SYMBOLS)}
    return float(np.mean(predicted == truth)), per_symbol


def evaluate(bank: ImageBank, cfg: ImagePerceptionConfig, seed: int = 0) -> Figures:
    start = time.perf_counter()
    accuracy, per_symbol = supervised_accuracy(bank, cfg, seed)
    middle = time.perf_counter()
    train, test = bank.indices("train"), bank.indices("test")
    result = warm_start(bank.tensors(train), cfg, seed=seed)  # no labels go in
    test_pred = result.perception.predict(bank.tensors(test))[0]
    end = time.perf_counter()
    return Figures(
        accuracy,
        per_symbol,
        purity(result.clusters, bank.labels[train].tolist()),
        purity(test_pred, bank.labels[test].tolist()),
        middle - start,
        end - middle,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nsr.perception.image_eval",
        description="Supervised ceiling and unsupervised warm-start purity of image perception "
        "on the offline HINT symbol images (not CROHME).",
        epilog="example: python -m nsr.perception.image_eval --seed 0 --epochs 30",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the CNN and the clustering")
    parser.add_argument("--bank-seed", type=int, default=0, help="seed of the glyphs and the split")
    parser.add_argument("--epochs", type=int, default=30, help="training epochs of the CNN")
    parser.add_argument(
        "--threads", type=int, default=1, help="torch threads (tiny CNN: 1 is fastest)"
    )
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    bank = load_bank(BankConfig(seed=args.bank_seed))
    cfg = ImagePerceptionConfig(len(SYMBOLS), epochs=args.epochs)
    figures = evaluate(bank, cfg, seed=args.seed)
    print(
        json.dumps(
            {
                "images": SOURCE,
                "bank_seed": args.bank_seed,
                "seed": args.seed,
                "epochs": args.epochs,
                "train_images": len(bank.indices("train")),
                "test_images": len(bank.indices("test")),
                **figures.__dict__,
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
