"""Rendered operator glyphs with seeded "handwriting" distortions (numpy + matplotlib fonts).

Why rendered glyphs: the HINT image benchmark uses CROHME handwritten symbols, which are not
available offline. The digits come from scikit-learn's bundled UCI handwritten digits (see
:mod:`nsr.perception.image_data`); the operators ``+ - * / ( )`` are drawn here from the fonts
that ship inside matplotlib (DejaVu and STIX, several weights and slants), so nothing is
downloaded. These images are NOT CROHME.

To look like the UCI digits, a glyph goes through the same pipeline as those digits did: a 32x32
binary bitmap, then the number of ink pixels in each 4x4 block, giving an 8x8 image of counts
0..16. Before that, each glyph outline gets a random affine map (rotation, scale, shear,
translation), a random stroke thickness (dilation) and random pixel noise, all drawn from one
``random.Random`` so that one seed gives the same image everywhere.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from functools import cache

import numpy as np

from nsr.errors import MissingDependency

BITMAP = 32  # side of the binary bitmap (UCI: 32x32)
BLOCK = 4  # block side of the count downsampling (UCI: 4x4 -> 8x8, counts 0..16)
SIDE = BITMAP // BLOCK

#: Each operator symbol and the characters that may stand for it (as people write it).
OPERATOR_GLYPHS: dict[str, tuple[str, ...]] = {
    "+": ("+",),
    "-": ("-", "\u2212"),
    "*": ("*", "\u00d7"),
    "/": ("/",),  # not the division sign: at 8x8 its dots blur into a "+"
    "(": ("(",),
    ")": (")",),
}

#: Font files bundled with matplotlib: three families, upright and slanted, normal and bold.
FONT_FILES: tuple[str, ...] = (
    "DejaVuSans.ttf",
    "DejaVuSans-Bold.ttf",
    "DejaVuSans-Oblique.ttf",
    "DejaVuSerif.ttf",
    "DejaVuSerif-Italic.ttf",
    "DejaVuSansMono.ttf",
    "STIXGeneral.ttf",
    "STIXGeneralItalic.ttf",
)


@dataclass(frozen=True)
class Distortion:
    """Ranges of the random distortions (degrees, factors, pixels of the 32x32 bitmap)."""

    rotation: float = 12.0
    scale: tuple[float, float] = (0.75, 1.1)
    shear: float = 0.2
    translation: float = 2.0
    dilation: tuple[int, int] = (1, 3)
    max_noise: float = 0.015


@cache
def _outline(char: str, font_file: str) -> tuple[np.ndarray, ...]:
    """The glyph's closed polygons in font units (y up); empty if the font lacks the glyph."""
    try:
        from matplotlib import get_data_path
        from matplotlib.font_manager import FontProperties
        from matplotlib.textpath import TextPath
    except ImportError as exc:  # pragma: no cover - matplotlib is a declared dependency
        raise MissingDependency(
            "rendering operator glyphs needs matplotlib: pip install matplotlib"
        ) from exc
    path = f"{get_data_path()}/fonts/ttf/{font_file}"
    text = TextPath((0.0, 0.0), char, size=1.0, prop=FontProperties(fname=path))
    return tuple(np.asarray(p, dtype=np.float64) for p in text.to_polygons() if len(p) >= 3)


def available_styles(char: str) -> tuple[str, ...]:
    """The font files that really have a glyph for ``char`` (skips fallback boxes)."""
    return tuple(f for f in FONT_FILES if _outline(char, f))


def _pixel_centres(supersample: int) -> np.ndarray:
    n = BITMAP * supersample
    coords = (np.arange(n) + 0.5) / supersample
    xs, ys = np.meshgrid(coords, coords)
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


_CENTRES = _pixel_centres(2)


def _rasterize(polygons: list[np.ndarray]) -> np.ndarray:
    """32x32 boolean bitmap: even-odd fill of the polygons (pixel coordinates, y down)."""
    from matplotlib.path import Path

    inside = np.zeros(len(_CENTRES), dtype=bool)
    for poly in polygons:
        inside ^= Path(poly).contains_points(_CENTRES)
    fine = inside.reshape(BITMAP * 2, BITMAP * 2).astype(np.float32)
    coarse = fine.reshape(BITMAP, 2, BITMAP, 2).mean(axis=(1, 3))
    return coarse >= 0.5


def _dilate(bitmap: np.ndarray, times: int) -> np.ndarray:
    """Thicken strokes by one pixel per step (3x3 cross)."""
    out = bitmap.copy()
    for _ in range(times):
        grown = out.copy()
        grown[1:, :] |= out[:-1, :]
        grown[:-1, :] |= out[1:, :]
        grown[:, 1:] |= out[:, :-1]
        grown[:, :-1] |= out[:, 1:]
        out = grown
    return out


def block_counts(bitmap: np.ndarray) -> np.ndarray:
    """32x32 binary -> 8x8 ink counts 0..16 (the UCI digits' preprocessing)."""
    return bitmap.reshape(SIDE, BLOCK, SIDE, BLOCK).sum(axis=(1, 3)).astype(np.uint8)


def render(char: str, font_file: str, rng: random.Random, distortion: Distortion) -> np.ndarray:
    """One distorted 8x8 count image (uint8, 0..16) of ``char`` in ``font_file``.

    The glyph is centred and scaled so that its longer side spans ~3/4 of the bitmap, as size-
    normalised handwriting is, before the random affine map is applied to its outline (exact:
    no resampling of pixels).
    """
    polys = _outline(char, font_file)
    if not polys:
        raise ValueError(f"font {font_file} has no glyph for {char!r}")
    points = np.concatenate(polys)
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre = (lo + hi) / 2
    extent = float(max(hi - lo))
    d = distortion
    scale = 0.75 * BITMAP / extent * rng.uniform(*d.scale)
    angle = math.radians(rng.uniform(-d.rotation, d.rotation))
    shear = rng.uniform(-d.shear, d.shear)
    shift = np.array([rng.uniform(-d.translation, d.translation) for _ in range(2)])
    cos, sin = math.cos(angle), math.sin(angle)
    # y is flipped (font y up -> pixel rows down); shear along x, then rotate, then scale.
    linear = scale * np.array([[cos, -sin], [sin, cos]]) @ np.array([[1.0, shear], [0.0, -1.0]])
    target = BITMAP / 2 + shift
    placed = [(p - centre) @ linear.T + target for p in polys]
    bitmap = _dilate(_rasterize(placed), rng.randint(*d.dilation))
    noise = rng.uniform(0.0, d.max_noise)
    if noise > 0:
        flips = np.random.default_rng(rng.getrandbits(63)).random(bitmap.shape) < noise
        bitmap = bitmap ^ flips
    return block_counts(bitmap)
