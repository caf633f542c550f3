"""Page preprocessing before OCR: a leaning page is straightened, uneven light evened out, and
the boxes of a straightened page point back at the page as it was."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from pipeline.model import BBox
from pipeline.preprocess import (
    MIN_LIGHT_RANGE,
    MIN_SKEW,
    deskew,
    even_out_light,
    light_range,
    prepare,
    skew_angle,
    unrotate_box,
)


def _page(lean: float = 0.0) -> Image.Image:
    """A page of "text": short dark strokes along 40 lines, leaning by ``lean`` degrees."""
    image = Image.new("L", (1240, 1754), 235)
    draw = ImageDraw.Draw(image)
    rng = np.random.default_rng(1)
    for row in range(40):
        y = 150 + row * 36
        x = 120
        while x < 1100:
            width = int(rng.integers(8, 40))
            draw.rectangle((x, y, x + width, y + 18), fill=30)
            x += width + int(rng.integers(4, 14))
    return image.rotate(lean, resample=Image.Resampling.BICUBIC, fillcolor=235)


@pytest.mark.parametrize("lean", [-2.0, -1.3, 0.0, 0.7, 1.8])
def test_the_skew_of_a_page_is_found(lean):
    assert skew_angle(_page(lean)) == pytest.approx(-lean, abs=0.1)


def test_a_page_leaning_less_than_the_threshold_is_left_as_it_is():
    page = _page(MIN_SKEW / 2)
    same, angle = deskew(page, MIN_SKEW)
    assert angle == 0.0 and same is page
    turned, angle = deskew(_page(1.5), MIN_SKEW)
    assert angle == pytest.approx(-1.5, abs=0.1)
    assert skew_angle(turned) == pytest.approx(0.0, abs=0.1)


@pytest.mark.parametrize("lean", [-1.3, 0.3, 0.7, 1.1])
def test_the_fine_search_is_skipped_only_where_it_cannot_reach_the_threshold(lean):
    page = _page(lean)
    quick, full = skew_angle(page, needed=MIN_SKEW), skew_angle(page)
    # the same decision either way; a page leaning well below the threshold gets the coarse angle
    assert (abs(quick) >= MIN_SKEW) == (abs(full) >= MIN_SKEW)
    assert quick == full or abs(quick) + 0.2 < MIN_SKEW


@pytest.mark.parametrize("angle", [1.8, -1.8, 1.2])
def test_a_box_on_the_straightened_page_points_back_at_the_original(angle):
    image = Image.new("L", (1000, 1400), 255)
    ImageDraw.Draw(image).rectangle((800, 200, 820, 220), fill=0)
    turned = np.asarray(image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255))
    ys, xs = np.where(turned < 128)
    box = BBox(int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))
    back = unrotate_box(box, angle, 1000, 1400)
    assert abs(back.x0 - 800) <= 2 and abs(back.y0 - 200) <= 2
    assert abs(back.x1 - 820) <= 2 and abs(back.y1 - 220) <= 2
    assert unrotate_box(box, 0.0, 1000, 1400) == box


def test_uneven_light_is_measured_and_evened_out():
    page = _page()
    assert light_range(page) < MIN_LIGHT_RANGE  # a scanner's even light
    x = np.linspace(1.0, 0.6, page.width, dtype=np.float32)  # lit from the left
    dim = Image.fromarray((np.asarray(page, dtype=np.float32) * x).astype(np.uint8))
    assert light_range(dim) > MIN_LIGHT_RANGE
    assert light_range(even_out_light(dim)) < MIN_LIGHT_RANGE
    # the ink stays ink: the darkest strokes are still far darker than the paper
    evened = np.asarray(even_out_light(dim), dtype=np.float32)
    assert np.percentile(evened, 99) - np.percentile(evened, 1) > 150


def test_an_even_straight_page_goes_to_tesseract_untouched():
    page = _page(0.3)
    prepared, angle = prepare(page, deskew_pages=True, even_light=True)
    assert prepared is page and angle == 0.0
