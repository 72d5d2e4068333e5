"""Seal detection thresholds in one frozen object, so a caller can tune them without globals."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SealSettings:
    """Thresholds for finding seals; sizes in millimetres, hues on OpenCV's 0–180 scale.

    Official round seals are 38–45 mm, invoice ovals 40 × 30 mm, name seals 15–25 mm square.
    """

    min_diameter_mm: float = 12.0
    # Small round name and proof seals go down to 8 mm: taken only as whole, round, closed
    # rings (red characters of a title are that size too, and their outlines are not).
    min_small_round_mm: float = 8.0
    max_diameter_mm: float = 65.0
    # Analysis runs on a copy downscaled to about this many pixels per millimetre (≈ 100 DPI).
    work_px_per_mm: float = 4.0
    # Red covers hue 0..red_hue_max and red_hue_min..180; faded seals drift to orange or pink.
    red_hue_max: int = 16
    red_hue_min: int = 150
    min_saturation: int = 28
    # R − max(G, B) on the paper-balanced image: keeps pink and faded ink, drops grey and beige.
    min_redness: int = 18
    # Lower thresholds tried only around red ink no seal explains yet (faded, pale seals).
    faint_saturation: int = 12
    faint_redness: int = 8
    min_ring_coverage: float = 0.6
    # Slices are often faded where the seal ran off the paper; their ring may show less.
    slice_min_ring_coverage: float = 0.45
    max_inner_fill: float = 0.55
    min_confidence: float = 0.5
    # A seal whose outline is less than this share inside the page is a straddle slice.
    straddle_max_visible: float = 0.8
    # Look for seals that came out grey (photocopies) by their ring shape.
    grey_seals: bool = True
    grey_min_ring_coverage: float = 0.85
    grey_confidence_factor: float = 0.7
    # Page sizes outside this range mean the DPI in the file header cannot be the scan's.
    plausible_page_mm: tuple[float, float] = (120.0, 460.0)
    assumed_page_long_mm: float = 297.0
