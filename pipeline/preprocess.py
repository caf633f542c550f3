"""Page-image preprocessing before Tesseract, each step kept only where it was measured to help
(README, "Preprocessing"): straightening a skewed page, and evening out uneven light.

Both work on a small copy of the page, so they cost little beside OCR. Boxes that Tesseract
gives for the straightened page are turned back into the page's own coordinates
(:func:`unrotate_box`), so every line still points at the right place on the original image.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageFilter

from pipeline.model import BBox

#: Skew is searched from -MAX_SKEW to +MAX_SKEW degrees.
MAX_SKEW = 3.0
#: A page is straightened from this skew (degrees) up. The sample scans lean 0.1-0.55° and
#: Tesseract reads them as well unturned (turning 0.2-0.35° cost 0.3 points of character error on
#: one); the photographed pages lean 1.3-1.85° and turning them took their error from 18-19% to
#: 1-9%.
MIN_SKEW = 1.0
#: The fine search looks this far (degrees) either side of the coarse angle.
FINE_SPAN = 0.2
#: Light is evened out on a page whose paper varies by this many grey levels or more: 0 on the
#: sample scans, 57 on the photographed pages.
MIN_LIGHT_RANGE = 20.0


def skew_angle(image: Image.Image, needed: float = 0.0) -> float:
    """The angle (degrees, counter-clockwise as :meth:`PIL.Image.Image.rotate` takes it) that
    makes the page's text lines horizontal: the rotation at which the row profile of its ink is
    sharpest (text lines and the gaps between them line up with pixel rows). Searched in steps
    of 0.25° on a copy about 400 pixels wide, then of 0.05° on one about 800 wide; of equal
    scores, the smallest turn wins. When the coarse angle is too small for the fine search to
    reach ``needed`` (the least skew anyone acts on), the coarse angle is returned as it is."""
    gray = _gray(image)

    def ink_of(width: int) -> Image.Image:
        small = gray.reduce(max(1, round(gray.width / width)))
        pixels = np.asarray(small, dtype=np.float32)
        return Image.fromarray(((pixels < pixels.mean() - 40) * 255).astype(np.uint8))

    def best(ink: Image.Image, angles: np.ndarray) -> float:
        def sharpness(angle: float) -> tuple[float, float]:
            turned = ink.rotate(float(angle), resample=Image.Resampling.NEAREST)
            rows = np.asarray(turned, dtype=np.float32).sum(axis=1)
            return float(np.square(np.diff(rows)).sum()), -abs(float(angle))

        return float(max(angles, key=sharpness))

    coarse = best(ink_of(400), np.round(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.25), 2))
    if abs(coarse) + FINE_SPAN < needed:
        return coarse
    fine = best(
        ink_of(800), np.round(np.arange(coarse - FINE_SPAN, coarse + FINE_SPAN + 0.01, 0.05), 2)
    )
    return round(fine, 2)


def deskew(image: Image.Image, min_angle: float) -> tuple[Image.Image, float]:
    """The page straightened, and the angle it was turned by (0 when the skew is below
    ``min_angle``: Tesseract copes with a slight skew, and turning resamples every pixel)."""
    angle = skew_angle(image, needed=min_angle)
    if abs(angle) < min_angle:
        return image, 0.0
    return image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255), angle


def unrotate_box(box: BBox, angle: float, width: int, height: int) -> BBox:
    """A box on the page turned by ``angle`` (about its centre), in the unturned page's
    coordinates: the bounding box of its four corners turned back."""
    if not angle:
        return box
    cx, cy = width / 2, height / 2
    # PIL turns the picture counter-clockwise by `angle` on screen (y pointing down); a point of
    # the turned picture comes from the original point turned the other way
    t = math.radians(angle)
    cos, sin = math.cos(t), math.sin(t)
    xs, ys = [], []
    for x, y in ((box.x0, box.y0), (box.x1, box.y0), (box.x0, box.y1), (box.x1, box.y1)):
        dx, dy = x - cx, y - cy
        xs.append(cx + dx * cos - dy * sin)
        ys.append(cy + dx * sin + dy * cos)
    return BBox(
        max(0, round(min(xs))),
        max(0, round(min(ys))),
        min(width, round(max(xs))),
        min(height, round(max(ys))),
    )


def light_range(image: Image.Image) -> float:
    """How much the paper's brightness varies over the page (grey levels, 0-255): the spread of
    the background estimated with :func:`_background`. Flat for a scanner, wide for a photo."""
    bg = np.asarray(_paper(_gray(image).reduce(16), 5, 3), dtype=np.float32)
    return float(np.percentile(bg, 98) - np.percentile(bg, 2))


def even_out_light(image: Image.Image) -> Image.Image:
    """The page divided by its background, so the paper is one brightness all over."""
    gray = _gray(image)
    bg = np.maximum(np.asarray(_background(gray), dtype=np.float32), 1)
    pixels = np.asarray(gray, dtype=np.float32)
    return Image.fromarray(np.clip(pixels / bg * 235, 0, 255).astype(np.uint8))


def _gray(image: Image.Image) -> Image.Image:
    """The page in grey levels: itself when it is (pages arrive so), not a copy."""
    return image if image.mode == "L" else image.convert("L")


def _background(gray: Image.Image) -> Image.Image:
    """The paper's brightness at every pixel of the page."""
    return _paper(gray.reduce(8), 9, 6).resize(gray.size, Image.Resampling.BILINEAR)


def _paper(small: Image.Image, window: int, blur: float) -> Image.Image:
    """The paper without the ink on a small copy of a page: the brightest pixel around each
    point (``window`` pixels across), smoothed."""
    return small.filter(ImageFilter.MaxFilter(window)).filter(ImageFilter.GaussianBlur(blur))


def prepare(image: Image.Image, deskew_pages: bool, even_light: bool) -> tuple[Image.Image, float]:
    """The page as Tesseract should see it, and the angle it was turned by."""
    angle = 0.0
    if deskew_pages:
        image, angle = deskew(image, MIN_SKEW)
    if even_light and light_range(image) >= MIN_LIGHT_RANGE:
        image = even_out_light(image)
    return image, angle
