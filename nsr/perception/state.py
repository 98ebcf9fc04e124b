"""Rebuild either perception from its saved state (imports torch).

Why a dispatcher: a checkpoint stores ``perception.state_dict()`` without knowing which kind of
perception produced it. Image perception marks its state with ``"kind": "images"``; states
without a kind are token perception (the format written before images existed). Image input
given as bank ids (:mod:`.image_ids`) is marked ``"kind": "image-ids"``.
"""

from __future__ import annotations

from nsr.errors import DataError
from nsr.perception.image_ids import KIND as IMAGE_IDS
from nsr.perception.image_ids import ImageIdPerception
from nsr.perception.images import KIND as IMAGES
from nsr.perception.images import ImagePerception
from nsr.perception.tokens import TokenPerception

TOKENS = "tokens"


def perception_kind(state: dict) -> str:
    """``"tokens"``, ``"images"`` or ``"image-ids"``; anything else raises :class:`DataError`."""
    kind = state.get("kind", TOKENS)
    if kind not in (TOKENS, IMAGES, IMAGE_IDS):
        raise DataError(
            f"unknown perception kind {kind!r} in saved state; expected tokens, images or image-ids"
        )
    return kind


def perception_from_state(
    state: dict,
) -> TokenPerception | ImagePerception | ImageIdPerception:
    """The perception a ``state_dict()`` came from, weights restored."""
    kind = perception_kind(state)
    if kind == IMAGE_IDS:
        return ImageIdPerception.from_state(state)
    if kind == IMAGES:
        return ImagePerception.from_state(state)
    return TokenPerception.from_state(state)
