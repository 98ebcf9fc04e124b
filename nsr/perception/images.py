"""Image perception: a small CNN from a symbol image to a symbol (torch).

Same interface as :class:`nsr.perception.tokens.TokenPerception`, so the learner can swap one
for the other: ``predict(segments) -> (symbols, probabilities)``, ``log_probs(segments)``,
``fit(segments, symbols, seed)`` and ``state_dict()`` / ``from_state(state)`` (plain config +
tensors, which :mod:`nsr.model.checkpoint` stores as JSON). A *segment* is one image: a
tensor (1, 8, 8) or (8, 8) of ink in [0, 1]; a batch may also be passed as one (n, 1, 8, 8)
tensor. The images are the project's offline HINT stand-ins (:mod:`.image_data`), not CROHME.

No symbol labels are needed to start: :func:`warm_start` clusters unlabelled training images
into ``n_symbols`` clusters and fits the CNN to map each image to its cluster, giving the
learner an initial one-symbol-per-cluster perception that abduction then relabels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from nsr.errors import ConfigError, DataError, MissingDependency

KIND = "images"


@dataclass(frozen=True)
class ImagePerceptionConfig:
    """Model arguments: number of symbols, image side and the CNN's widths; training knobs."""

    n_symbols: int
    image_size: int = 8
    channels: int = 32
    hidden: int = 128
    dropout: float = 0.2
    lr: float = 3e-3
    weight_decay: float = 1e-4
    epochs: int = 30
    batch_size: int = 64
    #: Train also on copies shifted by one pixel in the four directions (ink shifted out is
    #: dropped): handwriting is not centred exactly; on the offline bank the supervised test
    #: accuracy goes from ~99.3% (5 seeds) to ~99.5% (2 seeds). Five times the work per epoch.
    shift_augment: bool = False
    #: Independently initialised networks whose probabilities are averaged. One network's test
    #: accuracy varies with its seed (supervised, shifts, 20 epochs: 98.9-99.7% over 3 seeds on
    #: the offline bank's 719 test images); the average of those 3 scored 99.86%. Each member
    #: costs one more fit, so the image learner uses it for its final fit only.
    ensemble: int = 1
    #: Read an image as the mean probability over it and its four one-pixel shifts (the copies
    #: ``shift_augment`` trains on). Why: a network taught that a shifted digit is the same
    #: digit reads each copy about as well, and a misreading often hangs on where the ink
    #: sits; averaging the copies votes it down. On HINT images' training images read by
    #: final fits they were not fitted on (``heldout_reading``, 2 x 2 folds) 36 misread of
    #: 5,396 with the votes, 42 without. Five times the reading cost: the final fit only.
    shift_votes: bool = False

    def __post_init__(self) -> None:
        if self.n_symbols < 1:
            raise ConfigError("image perception needs at least one symbol")
        if self.image_size < 4 or self.image_size % 2:
            raise ConfigError(f"image_size must be even and >= 4, got {self.image_size}")
        if (self.channels < 1 or self.hidden < 1 or self.epochs < 1 or self.batch_size < 1
                or self.ensemble < 1):
            raise ConfigError("channels, hidden, epochs, batch_size and ensemble must be positive")
        if not 0.0 <= self.dropout < 1.0:
            raise ConfigError(f"dropout must be in [0, 1), got {self.dropout}")


def _network(cfg: ImagePerceptionConfig) -> nn.Sequential:
    # Two 3x3 convolutions keep the 8x8 grid (strokes are one or two pixels wide at this size),
    # one pooling step, then an MLP: enough for 16 symbol classes, small enough to train in
    # seconds on a CPU.
    c, side = cfg.channels, cfg.image_size // 2
    return nn.Sequential(
        nn.Conv2d(1, c, 3, padding=1),
        nn.ReLU(),
        nn.Conv2d(c, 2 * c, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(2 * c * side * side, cfg.hidden),
        nn.ReLU(),
        nn.Dropout(cfg.dropout),
        nn.Linear(cfg.hidden, cfg.n_symbols),
    )


_SHIFTS = ((1, 0), (-1, 0), (0, 1), (0, -1))


def shifted(x: torch.Tensor, dy: int, dx: int) -> torch.Tensor:
    """Images (n, 1, h, w) moved by (dy, dx) pixels; what leaves the frame is dropped."""
    out = torch.zeros_like(x)
    h, w = x.shape[2], x.shape[3]
    out[:, :, max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        x[:, :, max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out


class ImagePerception:
    """CNN: symbol image -> distribution over symbols."""

    def __init__(self, cfg: ImagePerceptionConfig, seed: int = 0) -> None:
        self.cfg = cfg
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            members = [_network(cfg) for _ in range(cfg.ensemble)]
        # one network is stored as before (checkpoints keep their keys); several as a list
        self.net: nn.Module = members[0] if cfg.ensemble == 1 else nn.ModuleList(members)
        self.net.eval()

    def _members(self) -> list[nn.Module]:
        return list(self.net) if isinstance(self.net, nn.ModuleList) else [self.net]

    def batch(self, segments: Sequence[torch.Tensor] | torch.Tensor) -> torch.Tensor:
        """Stack segments into a float tensor (n, 1, side, side); wrong shapes raise DataError."""
        side = self.cfg.image_size
        if isinstance(segments, torch.Tensor):
            x = segments
        else:
            if len(segments) == 0:
                return torch.zeros(0, 1, side, side)
            try:
                x = torch.stack(
                    [
                        torch.as_tensor(s, dtype=torch.float32).reshape(1, side, side)
                        for s in segments
                    ]
                )
            except (RuntimeError, TypeError, ValueError) as exc:
                raise DataError(
                    f"each image segment must hold {side}x{side} pixels ({exc})"
                ) from None
        if x.dim() == 3:
            x = x.unsqueeze(1)
        if x.dim() != 4 or tuple(x.shape[1:]) != (1, side, side):
            raise DataError(
                f"image segments must have shape (n, 1, {side}, {side}), got {tuple(x.shape)}"
            )
        return x.to(torch.float32)

    def _logits(self, segments: Sequence[torch.Tensor] | torch.Tensor) -> torch.Tensor:
        x = self.batch(segments)
        self.net.eval()
        with torch.no_grad():
            if self.cfg.ensemble == 1 and not self.cfg.shift_votes:
                return self.net(x)
            copies = [x, *(shifted(x, dy, dx) for dy, dx in _SHIFTS)] \
                if self.cfg.shift_votes else [x]
            # log of the mean probability over members and copies: softmax of it is that mean
            probs = torch.stack([torch.softmax(m(c), dim=1)
                                 for m in self._members() for c in copies])
            return probs.mean(dim=0).clamp_min(1e-12).log()

    def predict(
        self, segments: Sequence[torch.Tensor] | torch.Tensor
    ) -> tuple[list[int], list[float]]:
        """Most probable symbol of each image, with its probability."""
        probs = torch.softmax(self._logits(segments), dim=1)
        best = probs.max(dim=1)
        return best.indices.tolist(), best.values.tolist()

    def log_probs(self, segments: Sequence[torch.Tensor] | torch.Tensor) -> list[list[float]]:
        """log p(symbol | image) for every image and symbol (abduction prices revisions)."""
        return torch.log_softmax(self._logits(segments), dim=1).tolist()

    def fit(
        self, segments: Sequence[torch.Tensor] | torch.Tensor, symbols: Sequence[int], seed: int = 0
    ) -> float:
        """Train on (image, symbol) pseudo-labels (continuing from the current weights);
        returns the mean loss of the last epoch. The global torch RNG is left untouched."""
        x = self.batch(segments)
        if len(x) != len(symbols) or len(x) == 0:
            raise DataError("perception.fit needs equally many images and symbols (at least one)")
        y = torch.as_tensor(list(symbols), dtype=torch.long)
        if int(y.min()) < 0 or int(y.max()) >= self.cfg.n_symbols:
            raise DataError(f"symbols must lie in 0..{self.cfg.n_symbols - 1}")
        if self.cfg.shift_augment:
            x = torch.cat([x, *(shifted(x, dy, dx) for dy, dx in _SHIFTS)])
            y = y.repeat(1 + len(_SHIFTS))
        # member i trains with seed + i: a single network trains exactly as before
        last = [self._fit_member(m, x, y, seed + i) for i, m in enumerate(self._members())]
        self.net.eval()
        return sum(last) / len(last)

    def _fit_member(self, net: nn.Module, x: torch.Tensor, y: torch.Tensor, seed: int) -> float:
        opt = torch.optim.AdamW(net.parameters(), lr=self.cfg.lr, weight_decay=self.cfg.weight_decay)
        last = 0.0
        with torch.random.fork_rng():
            torch.manual_seed(seed)
            gen = torch.Generator().manual_seed(seed)
            net.train()
            for _ in range(self.cfg.epochs):
                order = torch.randperm(len(x), generator=gen)
                total = 0.0
                for start in range(0, len(x), self.cfg.batch_size):
                    idx = order[start : start + self.cfg.batch_size]
                    loss = nn.functional.cross_entropy(net(x[idx]), y[idx])
                    opt.zero_grad()
                    loss.backward()
                    opt.step()
                    total += float(loss.detach()) * len(idx)
                last = total / len(x)
            net.eval()
        return last

    def state_dict(self) -> dict:
        return {
            "kind": KIND,
            "config": asdict(self.cfg),
            "weights": {k: v.detach().clone() for k, v in self.net.state_dict().items()},
        }

    @classmethod
    def from_state(cls, state: dict) -> ImagePerception:
        if state.get("kind", KIND) != KIND:
            raise DataError(f"not an image perception state (kind {state.get('kind')!r})")
        model = cls(ImagePerceptionConfig(**state["config"]))
        model.net.load_state_dict(state["weights"])
        return model


# -- unsupervised warm start -----------------------------------------------------------------


@dataclass(frozen=True)
class WarmStart:
    """A perception fitted to clusters, and each training image's cluster (its initial symbol)."""

    perception: ImagePerception
    clusters: tuple[int, ...]


def shift_tolerant_neighbours(
    images: torch.Tensor, neighbours: int, max_shift: int = 1, chunk: int = 512
) -> np.ndarray:
    """Indices (n, neighbours) of each image's nearest other images under a distance that
    forgives small translations: the least Euclidean distance between the two ink-normalised
    images over all shifts of one of them by up to ``max_shift`` pixels each way.

    Why: handwriting is not centred exactly, and at 8x8 pixels a one-pixel offset moves most of
    the ink, so in raw pixel space a shifted "/" can be nearer to a "(" than to an upright "/".
    Normalising the ink keeps heavy and light strokes of one symbol together. Computed in row
    chunks (memory ``chunk * n``, never ``n * n``).
    """
    n = len(images)
    x = images.reshape(n, 1, images.shape[-2], images.shape[-1]).to(torch.float32)
    x = x / x.reshape(n, -1).norm(dim=1).clamp_min(1e-6).reshape(n, 1, 1, 1)
    flat = x.reshape(n, -1)
    moved = [shifted(x, dy, dx).reshape(n, -1)
             for dy in range(-max_shift, max_shift + 1) for dx in range(-max_shift, max_shift + 1)]
    out = np.empty((n, neighbours), dtype=np.int64)
    for lo in range(0, n, chunk):
        rows = slice(lo, min(lo + chunk, n))
        # shifting either image of a pair: take the rows' shifts and the columns' shifts
        dist = torch.cdist(flat[rows], moved[0])
        for m in moved[1:]:
            dist = torch.minimum(dist, torch.cdist(flat[rows], m))
        for m in moved:
            dist = torch.minimum(dist, torch.cdist(m[rows], flat))
        dist[torch.arange(rows.stop - lo), torch.arange(lo, rows.stop)] = float("inf")
        out[rows] = dist.topk(neighbours, dim=1, largest=False).indices.numpy()
    return out


def cluster_images(
    images: torch.Tensor, n_clusters: int, seed: int = 0, neighbours: int = 10,
    max_shift: int = 1,
) -> np.ndarray:
    """Cluster images without labels: spectral clustering on a k-nearest-neighbour graph whose
    distance forgives shifts of up to ``max_shift`` pixels (:func:`shift_tolerant_neighbours`).

    Why spectral and not k-means on pixels: handwritten classes are curved manifolds in pixel
    space (a slanted and an upright "1" are far apart but linked by a chain of near neighbours);
    the neighbour graph follows those chains. On the default bank's 2,698 training images,
    32 clusters: purity 0.977 with 9 shifts and 10 neighbours, 0.923 on raw pixels with 25
    neighbours (the former default; "/" 0.77 -> 0.92), ~0.72 for k-means on pixels.
    """
    if n_clusters < 1 or n_clusters > len(images):
        raise ConfigError(f"cannot make {n_clusters} clusters of {len(images)} images")
    if neighbours < 1 or max_shift < 0:
        raise ConfigError("neighbours must be positive and max_shift non-negative")
    try:
        from sklearn.cluster import SpectralClustering
    except ImportError as exc:
        raise MissingDependency(
            "the image warm start clusters with scikit-learn: pip install scikit-learn"
        ) from exc
    import warnings

    n = len(images)
    if min(neighbours, n - 1) < 1:
        return np.zeros(n, dtype=np.int64)
    graph = neighbour_graph(images, neighbours, max_shift)
    model = SpectralClustering(
        n_clusters, affinity="precomputed", assign_labels="discretize", random_state=seed
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "graph not fully connected": harmless here
        return model.fit_predict(graph).astype(np.int64)


def neighbour_graph(images: torch.Tensor, neighbours: int = 10, max_shift: int = 1):
    """The symmetric k-nearest-neighbour graph (scipy sparse) of :func:`cluster_images`."""
    from scipy.sparse import csr_matrix

    n = len(images)
    k = min(neighbours, n - 1)
    near = shift_tolerant_neighbours(images, k, max_shift)
    graph = csr_matrix((np.ones(n * k), (np.repeat(np.arange(n), k), near.reshape(-1))),
                       shape=(n, n))
    return 0.5 * (graph + graph.T)


#: How many classes the warm start makes per group the spectrum shows (see symbol_count).
CLASSES_PER_GROUP = 2


def spectral_groups(images: torch.Tensor, neighbours: int = 10, max_shift: int = 1) -> int:
    """How many groups the images form, read off the spectrum of their neighbour graph: the
    k in 2..sqrt(n) after which the normalised Laplacian's eigenvalues jump the most (the
    eigengap heuristic: k well-separated groups give k eigenvalues near 0, then a gap).

    Why sqrt(n): beyond it groups hold fewer images than there are groups, and the top of any
    computed spectrum shows spurious gaps. Deterministic (no seed): the same images give the
    same count.
    """
    from scipy.sparse.csgraph import laplacian
    from scipy.sparse.linalg import eigsh

    n = len(images)
    top = int(math.isqrt(n))
    if top < 3:
        return 1
    lap = laplacian(neighbour_graph(images, neighbours, max_shift), normed=True)
    values = np.sort(eigsh(lap, k=top + 1, sigma=-1e-3, which="LM",
                           v0=np.ones(n))[0])
    gaps = np.diff(values)  # gaps[i]: between the (i+1)-th and (i+2)-th eigenvalue
    return int(np.argmax(gaps[1:top])) + 2


def symbol_count(images: torch.Tensor, neighbours: int = 10, max_shift: int = 1) -> int:
    """How many symbol classes the warm start clusters the images into: twice the groups
    their spectrum shows (:func:`spectral_groups`), at most one per image.

    Why more classes than groups: a cluster that mixes two symbols cannot be put right by
    programs (half its images get the wrong meaning), while two clusters of one symbol are
    harmless (both learn its program, and a duplicate takes a sibling's program when it needs
    to). Handwriting splits a symbol into styles that the spectrum's coarse groups merge with
    neighbours ("1" beside "7"): on the default HINT bank the spectrum shows 17 groups for its
    16 symbols, and 34 clusters are 97.8% pure where 17 leave symbols sharing clusters.
    """
    return max(1, min(len(images), CLASSES_PER_GROUP * spectral_groups(images, neighbours,
                                                                         max_shift)))


def warm_start(images: torch.Tensor, cfg: ImagePerceptionConfig, seed: int = 0) -> WarmStart:
    """One symbol per cluster, learned without labels: cluster, then fit the CNN to the clusters."""
    perception = ImagePerception(cfg, seed=seed)
    x = perception.batch(images)
    clusters = cluster_images(x, cfg.n_symbols, seed=seed)
    perception.fit(x, clusters.tolist(), seed=seed)
    return WarmStart(perception, tuple(int(c) for c in clusters))


def purity(clusters: Sequence[int], labels: Sequence[int]) -> float:
    """Share of items whose cluster's majority label is their own (for reporting only: true
    labels must never reach training)."""
    if len(clusters) != len(labels) or not clusters:
        raise DataError("purity needs equally many clusters and labels (at least one)")
    counts: dict[int, dict[int, int]] = {}
    for c, y in zip(clusters, labels, strict=True):
        counts.setdefault(int(c), {}).setdefault(int(y), 0)
        counts[int(c)][int(y)] += 1
    return sum(max(v.values()) for v in counts.values()) / len(clusters)
