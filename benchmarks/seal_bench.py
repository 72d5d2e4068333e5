"""Seal benchmark: box P/R by kind on generated pages, straddle joins, seal text exact rate,
real-data recall and false seals on negatives, and detection time per page.

    .venv/bin/python benchmarks/seal_bench.py --dossiers 20 --seed 500
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import cv2

from filingcheck.models import BBox, PageImage, Seal
from filingcheck.models.normalize import normalise
from filingcheck.ocr import OcrSettings, build_engine, load_pages
from filingcheck.ocr.seals import detect_seals, join_straddle_seals, read_seal_text
from filingcheck.samples import generate_dossier

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"
VARIANTS = [dict(scan="mild"), dict(scan="hard"), dict(scan="mild", grey=True), dict(scan="clean")]


def generated(n: int, seed: int, misses: bool = False) -> list[str]:
    engine = build_engine("rapidocr", OcrSettings(threads=1))
    tp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    fp = 0
    pages = 0
    times: list[float] = []
    cpu: list[float] = []
    text_exact = text_total = 0
    joined_right = joined_total = 0
    misread: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            variant = VARIANTS[i % len(VARIANTS)]
            folder = Path(tmp) / f"d{i}"
            truth = generate_dossier(folder, seed + i, **variant)
            found_all: list[Seal] = []
            sizes = {}
            for page, expected in zip(load_pages(folder / "paper.pdf"), truth["pages"], strict=True):
                pages += 1
                started, started_cpu = time.perf_counter(), time.process_time()
                found = detect_seals(page)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
                sizes[page.page] = (page.width, page.height)
                used: set[int] = set()
                for seal in expected["seals"]:
                    box = BBox.model_validate(seal["bbox"])
                    kind = ("grey " if seal.get("ink") == "grey" else "") + seal["kind"]
                    hit = next(
                        (k for k, s in enumerate(found) if k not in used and s.bbox.iou(box) >= 0.5), None
                    )
                    if hit is None:
                        fn[kind] += 1
                        continue
                    used.add(hit)
                    tp[kind] += 1
                    if seal["kind"] in ("round", "oval") and seal.get("ink") != "grey":
                        read = read_seal_text(page.image, found[hit], engine)
                        text_total += 1
                        exact = normalise(read.text or "") == normalise(seal["text"])
                        text_exact += exact
                        if not exact:
                            misread.append(f"| {seed + i} | {page.page} | {seal['text']} | {read.text} |")
                fp += len(found) - len(used)
                found_all.extend(found)
            joined, _ = join_straddle_seals(found_all, sizes)
            groups = {
                p["straddle_group"] for page in truth["pages"] for p in page["seals"] if p["straddle_group"]
            }
            joined_total += len(groups)
            joined_right += min(len(groups), len({s.straddle_group for s in joined if s.straddle_group}))
    rows = [
        f"Generated: {n} dossiers, {pages} pages (variants: {', '.join(str(v) for v in VARIANTS)})",
        "",
        "| kind | recall | found / true |",
        "|---|---|---|",
    ]
    for kind in sorted(set(tp) | set(fn)):
        total = tp[kind] + fn[kind]
        rows.append(f"| {kind} | {100 * tp[kind] / total:.1f}% | {tp[kind]} / {total} |")
    all_tp = sum(tp.values())
    rows += [
        "",
        f"Precision (IoU ≥ 0.5): {100 * all_tp / max(1, all_tp + fp):.1f}% ({fp} false seals)",
        f"Straddle groups joined: {joined_right} / {joined_total}",
        f"Seal text exact (red round/oval seals found): {text_exact} / {text_total} "
        f"({100 * text_exact / max(1, text_total):.1f}%)",
        f"Detection time per page: median {statistics.median(times):.3f} s, max {max(times):.3f} s "
        f"(CPU time, less swayed by other load: median {statistics.median(cpu):.3f} s, "
        f"max {max(cpu):.3f} s)",
    ]
    if misses and misread:
        rows += ["", "| seed | page | seal text | read |", "|---|---|---|---|", *misread]
    return rows


def real() -> list[str]:
    rows = ["| real image | seals found |", "|---|---|"]
    for folder in ("seals/documents_with_seals", "seals/crops", "business_licence"):
        for path in sorted((REALDATA / folder).glob("*")):
            if path.suffix.lower() not in (".png", ".jpg", ".jpeg"):
                continue
            page = load_pages(path)[0]
            rows.append(f"| {folder}/{path.name} | {len(detect_seals(page))} |")
    negatives = [
        p
        for f in ("seals/negatives", "ocr_pages", "ocr_textlines/paddleocr_imgs_words_ch")
        for p in sorted((REALDATA / f).rglob("*"))
        if p.suffix.lower() in (".png", ".jpg", ".jpeg")
    ]
    false = sum(len(detect_seals(load_pages(p)[0])) for p in negatives)
    rows.append(f"\nNegatives: {false} false seals on {len(negatives)} images without a seal")
    engine = build_engine("rapidocr", OcrSettings(threads=1))
    with (REALDATA / "seals/crops/labels.tsv").open(encoding="utf-8") as fh:
        labelled = [
            r for r in csv.DictReader(fh, delimiter="\t") if (REALDATA / "seals/crops" / r["image"]).exists()
        ]
    rows += ["", "| crop | label | read |", "|---|---|---|"]
    for row in labelled:
        image = cv2.imread(str(REALDATA / "seals/crops" / row["image"]))
        page = PageImage(page=1, image=image, dpi=200, source=row["image"], dpi_known=False)
        seals = detect_seals(page)
        read = read_seal_text(image, seals[0], engine).text if seals else None
        rows.append(f"| {row['image']} | {row['seal_text'].split('|')[0]} | {read} |")
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=20)
    parser.add_argument("--seed", type=int, default=500)
    parser.add_argument("--misses", action="store_true", help="list the seal texts not read exactly")
    args = parser.parse_args()
    print(
        "### Seals\n\nCommand: `.venv/bin/python benchmarks/seal_bench.py " + " ".join(sys.argv[1:]) + "`\n"
    )
    print("\n".join(generated(args.dossiers, args.seed, args.misses)))
    print()
    print("\n".join(real()))


if __name__ == "__main__":
    main()
