"""Boxes refuse nonsense; affine maps invert and carry boxes back to the scan."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from filingcheck.models import Affine, BBox
from filingcheck.ocr.prepare import quarter_turn_map


def test_bbox_validates_and_serialises_as_list() -> None:
    box = BBox.model_validate([1, 2, 30, 40])
    assert box.model_dump() == [1, 2, 30, 40]
    assert box.width == 29 and box.height == 38
    with pytest.raises(ValidationError):
        BBox.model_validate([10, 0, 5, 5])
    with pytest.raises(ValidationError):
        BBox.model_validate([-1, 0, 5, 5])
    with pytest.raises(ValidationError):
        BBox.model_validate([1, 2, 3])


def test_iou_and_union() -> None:
    a, b = BBox.of(0, 0, 10, 10), BBox.of(5, 0, 15, 10)
    assert a.iou(b) == pytest.approx(50 / 150)
    assert BBox.union_of([a, b]).as_list() == [0, 0, 15, 10]


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_quarter_turn_maps_back_to_the_scan(rotation: int) -> None:
    width, height = 100, 200
    forward = quarter_turn_map(rotation, width, height)
    box = BBox.of(10, 20, 30, 60)
    turned = forward.map_box(box)
    assert forward.inverse().map_box(turned).iou(box) > 0.9
    corner = forward.apply(0, 0)
    new_w, new_h = (height, width) if rotation in (90, 270) else (width, height)
    assert 0 <= corner[0] <= new_w and 0 <= corner[1] <= new_h


def test_affine_then_is_composition() -> None:
    shift = Affine(c=5, f=7)
    scale = Affine(a=2, e=3)
    both = shift.then(scale)
    assert both.apply(1, 1) == scale.apply(*shift.apply(1, 1))
    assert both.inverse().then(both).apply(3, 4) == pytest.approx((3, 4))


def test_a_box_shifted_keeps_its_size() -> None:
    box = BBox.of(10, 20, 30, 60).shifted(dy=100)
    assert box.as_list() == [10, 120, 30, 160] and BBox.of(10, 20, 30, 60).shifted(5).x0 == 15
