"""Image perception: the CNN learns labelled images, the warm start clusters unlabelled ones,
and it has TokenPerception's interface (one function drives both)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

pytest.importorskip("sklearn")
torch = pytest.importorskip("torch")

from nsr.errors import ConfigError, DataError  # noqa: E402
from nsr.model import checkpoint  # noqa: E402
from nsr.perception.image_data import SYMBOLS, BankConfig, ImageBank, build_bank  # noqa: E402
from nsr.perception.images import (  # noqa: E402
    _SHIFTS,
    ImagePerception,
    ImagePerceptionConfig,
    cluster_images,
    purity,
    shift_tolerant_neighbours,
    shifted,
    warm_start,
)
from nsr.perception.state import perception_from_state  # noqa: E402
from nsr.perception.tokens import PerceptionConfig, TokenPerception  # noqa: E402

N = len(SYMBOLS)


pytestmark = pytest.mark.usefixtures("one_torch_thread")


@pytest.fixture(scope="module")
def bank() -> ImageBank:
    # The default configuration: the purity threshold below was measured on it.
    return build_bank(BankConfig())


def test_cnn_learns_labelled_images_to_high_test_accuracy(bank: ImageBank) -> None:
    """Sanity check of the architecture only: the NSR learner never sees these labels."""
    train, test = bank.indices("train"), bank.indices("test")
    model = ImagePerception(ImagePerceptionConfig(N, epochs=8), seed=0)
    model.fit(bank.tensors(train), bank.labels[train].tolist(), seed=0)
    predicted, probs = model.predict(bank.tensors(test))
    accuracy = float(np.mean(np.asarray(predicted) == bank.labels[test]))
    # Measured 0.988 after 10 epochs and 0.992 after 30 on these 719 held-out images;
    # an untrained network is at chance (1/16).
    assert accuracy > 0.95
    assert all(0.0 < p <= 1.0 for p in probs)


def test_spectral_clusters_are_pure_without_labels(bank: ImageBank) -> None:
    """Purity (true labels used for scoring only) of the warm start's clusters.

    Measured on the 2,698 training images (bank seed 0): 16 clusters 0.90 with the
    shift-tolerant neighbour graph, 32 clusters 0.977 (raw-pixel graph: 0.86 / 0.923); k-means
    on raw pixels gives 0.72 and the largest class alone 0.083. The thresholds leave room for
    numerical differences across platforms while failing if the clustering degrades to the
    raw-pixel graph's quality.
    """
    train = bank.indices("train")
    labels = bank.labels[train].tolist()
    clusters = cluster_images(bank.tensors(train), N, seed=0)
    assert clusters.shape == (len(train),) and set(clusters.tolist()) == set(range(N))
    assert purity(clusters.tolist(), labels) > 0.85
    assert purity(cluster_images(bank.tensors(train), 32, seed=0).tolist(), labels) > 0.95


def test_shift_tolerant_neighbours_see_through_one_pixel_shifts(bank: ImageBank) -> None:
    """A copy of an image moved by one pixel is its nearest neighbour (distance 0 after the
    shift), however far it lies in raw pixel space; without shifts it is not always."""
    images = bank.tensors(bank.indices("train")[:200]).clone()
    images[:, :, -1, :] = 0.0  # nothing leaves the frame when moved one pixel down
    both = torch.cat([images, shifted(images, 1, 0)])
    copies = np.arange(200) + 200
    assert np.all(shift_tolerant_neighbours(both, 1)[:200, 0] == copies)
    plain = shift_tolerant_neighbours(both, 1, max_shift=0)[:200, 0]
    assert np.mean(plain == copies) < 0.9
    with pytest.raises(ConfigError):
        cluster_images(images, 4, neighbours=0)


def test_warm_start_maps_each_image_to_its_cluster() -> None:
    """The warm-started CNN reproduces the clusters it was fitted to (no labels involved)."""
    small = build_bank(BankConfig(per_operator=30, seed=1))
    train = small.indices("train")[::3]
    images = small.tensors(train)
    result = warm_start(images, ImagePerceptionConfig(N, epochs=15), seed=0)
    assert len(result.clusters) == len(train)
    predicted, _ = result.perception.predict(images)
    agreement = float(np.mean(np.asarray(predicted) == np.asarray(result.clusters)))
    assert agreement > 0.9
    again = warm_start(images, ImagePerceptionConfig(N, epochs=15), seed=0)
    assert again.clusters == result.clusters
    assert again.perception.predict(images) == result.perception.predict(images)


def relabel_and_check(perception, segments: Sequence, symbols: Sequence[int]) -> list[int]:
    """What the learner does with either perception: fit pseudo-labels, predict, price."""
    perception.fit(segments, symbols, seed=0)
    predicted, probs = perception.predict(segments)
    table = perception.log_probs(segments)
    assert len(predicted) == len(probs) == len(table) == len(segments)
    assert all(len(row) == perception.cfg.n_symbols for row in table)
    for row, p in zip(table, probs, strict=True):
        assert abs(max(np.exp(row)) - p) < 1e-5 and abs(sum(np.exp(row)) - 1) < 1e-4
    clone = perception_from_state(perception.state_dict())
    assert type(clone) is type(perception)
    assert clone.predict(segments) == (predicted, probs)
    return predicted


def test_same_interface_as_token_perception(bank: ImageBank) -> None:
    tokens = ["a", "b", "c", "d"]
    token_model = TokenPerception(PerceptionConfig(tuple(tokens), n_symbols=3), seed=0)
    assert relabel_and_check(token_model, tokens, [2, 0, 1, 1]) == [2, 0, 1, 1]

    positions = [int(bank.pool("train", s)[0]) for s in ("3", "+", "(", "7")]
    images = list(bank.tensors(positions))  # a list of (1, 8, 8) segments, like a token list
    image_model = ImagePerception(ImagePerceptionConfig(3, epochs=60), seed=0)
    assert relabel_and_check(image_model, images, [2, 0, 1, 1]) == [2, 0, 1, 1]


def test_state_survives_a_json_checkpoint(tmp_path, bank: ImageBank) -> None:
    model = ImagePerception(ImagePerceptionConfig(N, epochs=1), seed=2)
    images = bank.tensors(bank.indices("val")[:20])
    checkpoint.save(tmp_path, {"perception": model.state_dict()})
    restored = perception_from_state(checkpoint.load(tmp_path)["perception"])
    assert isinstance(restored, ImagePerception) and restored.cfg == model.cfg
    assert restored.log_probs(images) == model.log_probs(images)


def test_bad_segments_and_configs_are_named() -> None:
    model = ImagePerception(ImagePerceptionConfig(2))
    with pytest.raises(DataError, match="shape"):
        model.predict(torch.zeros(3, 1, 7, 7))
    with pytest.raises(DataError, match="8x8"):
        model.predict([torch.zeros(5)])
    with pytest.raises(DataError, match="0..1"):
        model.fit(torch.zeros(2, 1, 8, 8), [0, 2])
    with pytest.raises(ConfigError, match="symbol"):
        ImagePerceptionConfig(0)
    with pytest.raises(DataError, match="kind"):
        perception_from_state({"kind": "sounds"})


def test_shifted_moves_ink_and_drops_what_leaves_the_frame() -> None:
    from nsr.perception.images import shifted

    x = torch.arange(16.0).reshape(1, 1, 4, 4)
    down = shifted(x, 1, 0)[0, 0]
    assert torch.equal(down[0], torch.zeros(4)) and torch.equal(down[1:], x[0, 0, :3])
    left = shifted(x, 0, -1)[0, 0]
    assert torch.equal(left[:, :3], x[0, 0, :, 1:]) and torch.equal(left[:, 3], torch.zeros(4))


def test_shift_augmented_fit_learns_and_round_trips() -> None:
    from nsr.perception.images import ImagePerception, ImagePerceptionConfig

    torch.manual_seed(0)
    x = torch.zeros(20, 1, 8, 8)
    x[:10, :, 2:6, 3] = 1.0  # vertical bars
    x[10:, :, 3, 2:6] = 1.0  # horizontal bars
    labels = [0] * 10 + [1] * 10
    model = ImagePerception(ImagePerceptionConfig(2, epochs=15, shift_augment=True), seed=0)
    model.fit(x, labels, seed=0)
    assert model.predict(x)[0] == labels
    clone = ImagePerception.from_state(model.state_dict())
    assert clone.cfg.shift_augment and clone.predict(x)[0] == labels


def test_ensemble_averages_its_members_and_round_trips(tmp_path, bank: ImageBank) -> None:
    """Several networks: probabilities are the members' mean; one network keeps the plain
    network's weights and keys (older checkpoints load unchanged)."""
    images = bank.tensors(bank.indices("val")[:30])
    labels = bank.labels[bank.indices("val")[:30]].tolist()
    single = ImagePerception(ImagePerceptionConfig(N, epochs=2), seed=3)
    plain = ImagePerception(ImagePerceptionConfig(N, epochs=2, ensemble=2), seed=3)
    assert set(single.state_dict()["weights"]) == {
        k.split(".", 1)[1] for k in plain.state_dict()["weights"] if k.startswith("0.")}
    plain.fit(images, labels, seed=5)
    members = plain._members()
    assert len(members) == 2
    assert not torch.equal(members[0][0].weight, members[1][0].weight)
    with torch.no_grad():
        mean = torch.stack([torch.softmax(m(images), dim=1) for m in members]).mean(0)
    table = torch.tensor(plain.log_probs(images)).exp()
    assert torch.allclose(table, mean, atol=1e-5)
    checkpoint.save(tmp_path, {"perception": plain.state_dict()})
    restored = perception_from_state(checkpoint.load(tmp_path)["perception"])
    assert restored.cfg.ensemble == 2 and restored.log_probs(images) == plain.log_probs(images)
    with pytest.raises(ConfigError, match="ensemble"):
        ImagePerceptionConfig(N, ensemble=0)


def test_shift_votes_average_the_image_and_its_shifts(tmp_path, bank: ImageBank) -> None:
    """With shift votes an image's probabilities are the mean over it and its four one-pixel
    shifts (over every member); a checkpoint keeps the setting, and one without it reads
    plainly (older checkpoints load unchanged)."""
    images = bank.tensors(bank.indices("val")[:30])
    labels = bank.labels[bank.indices("val")[:30]].tolist()
    voting = ImagePerception(ImagePerceptionConfig(N, epochs=2, shift_votes=True), seed=3)
    voting.fit(images, labels, seed=5)
    x = voting.batch(images)
    copies = [x, *(shifted(x, dy, dx) for dy, dx in _SHIFTS)]
    with torch.no_grad():
        mean = torch.stack([torch.softmax(voting.net(c), dim=1) for c in copies]).mean(0)
        plain = torch.softmax(voting.net(x), dim=1)
    table = torch.tensor(voting.log_probs(images)).exp()
    assert torch.allclose(table, mean, atol=1e-5)
    assert not torch.allclose(table, plain, atol=1e-5)
    checkpoint.save(tmp_path, {"perception": voting.state_dict()})
    restored = perception_from_state(checkpoint.load(tmp_path)["perception"])
    assert restored.cfg.shift_votes and restored.log_probs(images) == voting.log_probs(images)
    state = voting.state_dict()
    del state["config"]["shift_votes"]
    older = perception_from_state(state)
    assert not older.cfg.shift_votes
    assert torch.allclose(torch.tensor(older.log_probs(images)).exp(), plain, atol=1e-5)


def test_the_number_of_symbol_classes_is_read_off_the_images() -> None:
    import torch

    from nsr.perception.images import CLASSES_PER_GROUP, spectral_groups, symbol_count

    # four distinct 8x8 patterns, 40 noisy copies each: four groups, twice as many classes
    gen = torch.Generator().manual_seed(0)
    protos = (torch.rand(4, 8, 8, generator=gen) > 0.5).float() * 16
    images = torch.cat([p + torch.rand(40, 8, 8, generator=gen) for p in protos])
    assert spectral_groups(images) == 4
    assert symbol_count(images) == CLASSES_PER_GROUP * 4
    assert symbol_count(images[:3]) >= 1  # too few images for a spectrum: still a count
