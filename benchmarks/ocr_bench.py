"""OCR benchmark: CER per engine and scan level (with and without seals over text), real lines,
orientation accuracy and seconds per page; optionally a generated N-page dossier per mode.

    .venv/bin/python benchmarks/ocr_bench.py --pages 6 --dpi 300 [--engines rapidocr tesseract]
    .venv/bin/python benchmarks/ocr_bench.py --dossier-pages 100   # end-to-end, targeted vs full
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont
from rapidfuzz.distance import Levenshtein

from filingcheck.models import PageImage
from filingcheck.models.normalize import normalise
from filingcheck.ocr import OcrSettings, PrepareSettings, build_engine, prepare_page, read_page
from filingcheck.ocr.orientation import detect_orientation, rotate_quarter
from filingcheck.samples.scan import ScanLevel, scan
from filingcheck.samples.seals import ink_colour, round_seal, stamp

SHARED = Path(__file__).resolve().parents[2] / "shared"
FONT = "/usr/share/fonts/truetype/arphic/uming.ttc"


def notice_pages(n: int, dpi: int) -> list[tuple[np.ndarray, str, list]]:
    """A4 pages of the notice's text at 12 pt: (RGB image, truth, seal hulls)."""
    text = "".join((SHARED / "domain/review-points-2011.txt").read_text(encoding="utf-8").split())
    w, h = round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
    size = round(12 / 72 * dpi)
    per_line = int((w - 2 * round(25 / 25.4 * dpi)) / size)
    lines_per_page = int((h - 2 * round(25 / 25.4 * dpi)) / (size * 1.8))
    font = ImageFont.truetype(FONT, size)
    pages = []
    pos = 600
    for _ in range(n):
        img = Image.new("RGB", (w, h), "white")
        draw = ImageDraw.Draw(img)
        truth = []
        for i in range(lines_per_page):
            chunk = text[pos : pos + per_line]
            pos = (pos + per_line) % (len(text) - per_line)
            draw.text(
                (round(25 / 25.4 * dpi), round(25 / 25.4 * dpi) + i * size * 1.8),
                chunk,
                font=font,
                fill="black",
            )
            truth.append(chunk)
        pages.append((np.asarray(img).copy(), "".join(truth), []))
    return pages


def with_seal(page: np.ndarray, rng: np.random.Generator, dpi: int) -> tuple[np.ndarray, list]:
    out = page.copy()
    art = round_seal("北京康元生物科技有限公司", dpi, rng, centre_text="合同专用章")
    h, w = out.shape[:2]
    hull = stamp(out, art, w * 0.62, h * 0.45, ink_colour(rng))
    return out, [hull]


def cer(read: str, truth: str) -> float:
    a, b = normalise(read), normalise(truth)
    return Levenshtein.distance(a, b) / max(1, len(b))


def run_levels(engines: list[str], n: int, dpi: int, det_side: int) -> list[str]:
    rng = np.random.default_rng(7)
    pages = notice_pages(n, dpi)
    rows = [
        "| engine | level | seal | CER % | chars/page | s/page wall (1 thread) | CPU s/page |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in engines:
        engine = build_engine(name, OcrSettings(threads=1, det_limit_side=det_side))
        for level in (ScanLevel.CLEAN, ScanLevel.MILD, ScanLevel.HARD):
            for sealed in (False, True):
                errors, seconds, cpu, chars = [], [], [], []
                for rgb, truth, _ in pages:
                    img, hulls = with_seal(rgb, rng, dpi) if sealed else (rgb, [])
                    scanned = scan(img, level, rng, hulls, dpi).image
                    bgr = (
                        scanned[:, :, ::-1].copy()
                        if scanned.ndim == 3
                        else cv2.cvtColor(scanned, cv2.COLOR_GRAY2BGR)
                    )
                    started, cpu_started = time.perf_counter(), time.process_time()
                    page = PageImage(page=1, image=bgr, dpi=dpi, source="bench")
                    upright = prepare_page(page, engine, PrepareSettings())
                    text = "".join(line.text for line in read_page(upright, engine, []).lines)
                    seconds.append(time.perf_counter() - started)
                    cpu.append(time.process_time() - cpu_started)
                    errors.append(cer(text, truth))
                    chars.append(len(truth))
                    if errors[-1] > 0.2:  # a page gone wrong: say how (turned? preprocessing?)
                        print(
                            f"  {name} {level.value} seal={sealed}: CER {100 * errors[-1]:.1f}% "
                            f"rotation {upright.rotation} (conf {upright.rotation_confidence:.2f}) "
                            f"skew {upright.skew:.2f} notes {upright.notes}",
                            file=sys.stderr,
                        )
                rows.append(
                    f"| {name} | {level.value} | {'yes' if sealed else 'no'} | "
                    f"{100 * statistics.mean(errors):.2f} | {statistics.mean(chars):.0f} | "
                    f"{statistics.median(seconds):.2f} | {statistics.median(cpu):.2f} |"
                )
    return rows


def run_orientation(n: int, dpi: int, osd_alone: bool = True, seals: bool = True) -> list[str]:
    """Our detector (ink-profile axis + PP-OCR upside-down vote) against Tesseract OSD, on mild
    and hard scans of the notice turned four ways; half the pages are short (a third of a page of
    text), as cover sheets and signature pages are, and two in three carry a red seal (``seals``)."""
    engine = build_engine("rapidocr", OcrSettings(threads=1))
    rng = np.random.default_rng(11)
    counts = {"ours": [0, 0, 0.0, 0]}  # right, total, seconds, low-conf
    if osd_alone:
        counts["tesseract OSD"] = [0, 0, 0.0, 0]
    for k, (rgb, _, _) in enumerate(notice_pages(n, dpi)):
        if k % 2:
            rgb = rgb.copy()
            rgb[rgb.shape[0] // 3 :] = 255
        level = ScanLevel.MILD if k % 4 < 2 else ScanLevel.HARD
        hulls: list = []
        if seals and k % 3 != 2:  # two pages in three stamped, as in a dossier
            rgb, hulls = with_seal(rgb, rng, dpi)
        scanned = scan(rgb, level, rng, hulls, dpi).image
        grey = scanned if scanned.ndim == 2 else cv2.cvtColor(scanned, cv2.COLOR_RGB2GRAY)
        for turn in (0, 90, 180, 270):
            # the scan is the upright page turned back by ``turn``: turning it by ``turn`` rights it
            scan_img = rotate_quarter(grey, (360 - turn) % 360)
            detectors = (("ours", _ours(engine)), ("tesseract OSD", _osd))[: len(counts)]
            for name, detect in detectors:
                started = time.perf_counter()
                rotation, confident = detect(scan_img, dpi)
                tally = counts[name]
                tally[0] += rotation == turn
                tally[1] += 1
                tally[2] += time.perf_counter() - started
                tally[3] += not confident
    rows = ["| detector | right | pages | % | low confidence | s/page |", "|---|---|---|---|---|---|"]
    for name, (right, total, seconds, low) in counts.items():
        share = 100 * right / total
        rows.append(f"| {name} | {right} | {total} | {share:.1f} | {low} | {seconds / total:.2f} |")
    return rows


def _ours(engine):  # type: ignore[no-untyped-def]
    def detect(grey: np.ndarray, dpi: int) -> tuple[int, bool]:
        found = detect_orientation(grey, engine)
        return found.rotation, found.confidence >= PrepareSettings().min_rotation_confidence

    return detect


def _osd(grey: np.ndarray, dpi: int) -> tuple[int, bool]:
    import pytesseract

    try:
        osd = pytesseract.image_to_osd(
            grey, config=f"--dpi {dpi} --psm 0", output_type=pytesseract.Output.DICT
        )
    except pytesseract.TesseractError:
        return 0, False
    # OSD's "rotate" is the clockwise turn that rights the page, as ours.
    return int(osd["rotate"]) % 360, float(osd["orientation_conf"]) >= 2.0


def run_real_lines() -> list[str]:
    engine = build_engine("rapidocr", OcrSettings(threads=1))
    out = []
    for folder in ("ocr_textlines/paddleocr_imgs_words_ch", "ocr_textlines/seal_title_unwrapped_blar"):
        path = SHARED / "realdata" / folder
        with (path / "labels.tsv").open(encoding="utf-8") as fh:
            rows = [r for r in csv.reader(fh, delimiter="\t") if len(r) == 2 and (path / r[0]).exists()]
        errors = []
        for name, truth in rows:
            line = engine.read_line(cv2.imread(str(path / name)))
            errors.append(cer(line.text if line else "", truth))
        out.append(f"| {folder} | {len(rows)} lines | {100 * statistics.mean(errors):.2f} |")
    for folder in ("ocr_pages/cnocr_multiline_cn1", "ocr_pages/paddleocr_product_label"):
        path = SHARED / "realdata" / folder
        image = next(p for p in path.iterdir() if p.suffix in (".png", ".jpg"))
        truth = (path / "lines.txt").read_text(encoding="utf-8")
        text = "".join(line.text for line in engine.read_page(cv2.imread(str(image))))
        out.append(f"| {folder} | page | {100 * cer(text, truth):.2f} |")
    return out


def run_dossier(pages: int, modes: list[str]) -> list[str]:
    """A generated dossier of ``pages`` pages checked end to end (2 worker processes, no cache)."""
    from filingcheck.config import Settings
    from filingcheck.models import Submission
    from filingcheck.pipeline import Inputs, Mode, process_submission
    from filingcheck.samples import generate_dossier

    out = [
        "| mode | pages | read whole | wall s | s/page | stage seconds | load avg (1 min) at end |",
        "|---|---|---|---|---|---|---|",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "thick"
        generate_dossier(folder, 4242, profile="full", n_pages=pages, dpi=200, scan="mild")
        submission = Submission.model_validate_json((folder / "submission.json").read_text(encoding="utf-8"))
        base = replace(Settings().pipeline(), cache_dir=None)
        for mode in [Mode(m) for m in modes]:
            started = time.perf_counter()
            result = process_submission(
                Inputs(
                    paper=[folder / "paper.pdf"], electronic=folder / "electronic.pdf", submission=submission
                ),
                replace(base, mode=mode),
            )
            wall = time.perf_counter() - started
            report = result.report
            n = len(report.pages)
            whole = sum(1 for p in report.pages if p.full_text)
            stages = ", ".join(f"{k} {v:.0f}" for k, v in report.timings.items())
            out.append(
                f"| {mode.value} | {n} | {whole} | {wall:.1f} | {wall / n:.2f} | {stages} | "
                f"{os.getloadavg()[0]:.1f} |"
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--dpi", type=int, default=300)
    parser.add_argument("--engines", nargs="+", default=["rapidocr", "tesseract"])
    parser.add_argument("--dossier-pages", type=int, default=0)
    parser.add_argument("--modes", nargs="+", default=["targeted", "full"], choices=["targeted", "full"])
    parser.add_argument(
        "--orientation-pages", type=int, default=0, help="pages turned four ways (default: --pages)"
    )
    parser.add_argument("--orientation-dpi", type=int, default=200)
    parser.add_argument("--no-orientation-seals", action="store_true", help="orientation pages without seals")
    parser.add_argument(
        "--no-osd-alone", action="store_true", help="orientation: no Tesseract OSD on its own (2.3 s a page)"
    )
    parser.add_argument(
        "--det-side", type=int, default=OcrSettings().det_limit_side, help="detector input size"
    )
    args = parser.parse_args()
    command = "`.venv/bin/python benchmarks/ocr_bench.py " + " ".join(sys.argv[1:]) + "`"
    print(f"### OCR ({args.pages} rendered pages of the notice per level, {args.dpi} DPI, 12 pt)\n")
    print(f"Command: {command}\n")
    print(f"Load average at start: {os.getloadavg()[0]:.2f}\n")
    if args.pages:
        print("\n".join(run_levels(args.engines, args.pages, args.dpi, args.det_side)), flush=True)
        print()
        print("| real data | n | CER % (rapidocr) |\n|---|---|---|")
        print("\n".join(run_real_lines()), flush=True)
    if args.orientation_pages or args.pages:
        print()
        pages = args.orientation_pages or args.pages
        seals = not args.no_orientation_seals
        rows = run_orientation(pages, args.orientation_dpi, not args.no_osd_alone, seals)
        print("\n".join(rows))
    if args.dossier_pages:
        print()
        print("\n".join(run_dossier(args.dossier_pages, args.modes)))


if __name__ == "__main__":
    main()
