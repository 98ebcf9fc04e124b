"""Rebuild either perception from its saved state (imports torch).

Why a dispatcher: a checkpoint stores ``perception.state_dict()`` without knowing which kind of
perception produced it. Image perception marks its state with ``"kind": "images"``; states
without a kind are token perception (the format written before images existed).
"""

from __future__ import annotations

from nsr.errors import DataError
from nsr.perception.images import KIND as IMAGES
from nsr.perception.images import ImagePerception
from nsr.perception.tokens import TokenPerception

TOKENS = "tokens"


def perception_kind(state: dict) -> str:
    """``"tokens"`` or ``"images"``; anything else raises :class:`DataError`."""
    kind = state.get("kind", TOKENS)
    if kind not in (TOKENS, IMAGES):
        raise DataError(
            f"unknown perception kind {kind!r} in saved state; expected tokens or images"
        )
    return kind


def perception_from_state(state: dict) -> TokenPerception | ImagePerception:
    """The perception a ``state_dict()`` came from, weights restored."""
    if perception_kind(state) == IMAGES:
        return ImagePerception.from_state(state)
    return TokenPerception.from_state(state)
