"""Seal text support: how strongly the recogniser's frames support the name a seal should carry,
against names it does not carry (one character swapped, a legal form changed, another company).

This calibrates ``applicant.matches_seal``'s use of ``ocr.ctc.text_support``: a misread seal of
the right company should be supported, a seal of another company never.

    .venv/bin/python benchmarks/seal_support_bench.py --dossiers 12 --seed 500
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

from filingcheck.models import BBox, TextSupport
from filingcheck.models.normalize import normalise
from filingcheck.ocr import OcrSettings, build_engine, load_pages
from filingcheck.ocr.ctc import text_support
from filingcheck.ocr.seals import detect_seals, read_seal_text, title_strip
from filingcheck.samples import generate_dossier

VARIANTS = [dict(scan="mild"), dict(scan="hard"), dict(scan="mild", grey=True), dict(scan="clean")]
# Glyphs a forger (or a neighbouring company) could differ by and that look alike.
SIMILAR = ["辽江", "合台", "永水", "昌晶", "欣致", "康庚", "健建", "华毕", "泰秦", "源原", "宁守", "海每"]
FORMS = [("有限责任公司", "有限公司"), ("有限公司", "有限责任公司"), ("股份有限公司", "有限公司")]


def variants(name: str, others: list[str], rng: random.Random, alphabet: set[str]) -> dict[str, str]:
    """Names the seal does not carry, each one kind of real difference."""
    out: dict[str, str] = {}
    body = [i for i, ch in enumerate(name[:-4]) if "\u4e00" <= ch <= "\u9fff"]
    if body:
        i = rng.choice(body)
        pool = [c for c in "金银安泰和平东方明光福瑞德兴盛隆丰鑫" if c != name[i] and c in alphabet]
        out["swap_random"] = name[:i] + rng.choice(pool) + name[i + 1 :]
    for pair in SIMILAR:
        for a, b in (pair, pair[::-1]):
            if a in name and b in alphabet:
                out["swap_similar"] = name.replace(a, b, 1)
                break
        if "swap_similar" in out:
            break
    for old, new in FORMS:
        if name.endswith(old):
            out["form"] = name[: -len(old)] + new
            break
    other = [o for o in others if o != name]
    if other:
        out["other_company"] = rng.choice(other)
    return out


def summary(support: TextSupport | None) -> dict[str, object]:
    if support is None:
        return {"support": None}
    return {
        "weakest": round(support.weakest(), 4),
        "below_half": sum(c.probability < 0.5 for c in support.chars),
        "log_ratio": round(support.log_ratio, 2),
        "before": support.before,
        "after": support.after,
        "chars": [(c.char, round(c.probability, 3), c.read) for c in support.chars if c.probability < 0.5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dossiers", type=int, default=12)
    parser.add_argument("--seed", type=int, default=500)
    parser.add_argument("--json", type=Path, required=True, help="one row per (seal, candidate name)")
    args = parser.parse_args()
    engine = build_engine("rapidocr", OcrSettings(threads=1))
    rng = random.Random(args.seed)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.dossiers):
            variant = VARIANTS[i % len(VARIANTS)]
            folder = Path(tmp) / f"d{i}"
            truth = generate_dossier(folder, args.seed + i, **variant)
            names = sorted(
                {s["text"] for p in truth["pages"] for s in p["seals"] if s["kind"] in ("round", "oval")}
            )
            for page, expected in zip(load_pages(folder / "paper.pdf"), truth["pages"], strict=True):
                found = detect_seals(page)
                for seal in expected["seals"]:
                    if seal["kind"] not in ("round", "oval"):
                        continue
                    box = BBox.model_validate(seal["bbox"])
                    hit = next((s for s in found if s.bbox.iou(box) >= 0.5), None)
                    if hit is None:
                        continue
                    strip = title_strip(page.image, hit)
                    scored = engine.line_probabilities(strip) if strip is not None else None  # type: ignore[attr-defined]
                    if scored is None:
                        continue
                    probs, alphabet = scored
                    read = read_seal_text(page.image, hit, engine).text or ""
                    name = normalise(seal["text"])
                    base = {
                        "seed": args.seed + i,
                        "page": page.page,
                        "ink": seal.get("ink", "red"),
                        "kind": seal["kind"],
                        "true": name,
                        "read": read,
                        "read_exact": normalise(read) == name,
                    }
                    candidates = {"true": name} | variants(name, names, rng, set(alphabet))
                    for label, text in candidates.items():
                        rows.append(
                            base
                            | {"candidate": label, "text": text}
                            | summary(text_support(probs, alphabet, text))
                        )
            print(f"dossier {i + 1}/{args.dossiers}: {len(rows)} rows", file=sys.stderr)
    args.json.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n")
    print("\n".join(table(rows)))


def table(rows: list[dict[str, object]]) -> list[str]:
    """Per kind of name tried: the weakest character's support (quantiles), the median log ratio
    against the free reading, and how many names have every character at 0.5 or more."""
    groups: dict[str, list[dict[str, object]]] = {}
    for row in rows:
        kind = str(row["candidate"])
        if kind == "true":
            kind += " (read exactly)" if row["read_exact"] else " (misread)"
        if row.get("weakest") is not None:
            groups.setdefault(kind, []).append(row)
    out = [
        "| name tried | n | weakest character: p10 / median / p90 / max | median log ratio | all ≥ 0.5 |",
        "|---|---|---|---|---|",
    ]
    for kind, group in sorted(groups.items()):
        weakest = sorted(float(r["weakest"]) for r in group)  # type: ignore[arg-type]
        ratios = sorted(float(r["log_ratio"]) for r in group)  # type: ignore[arg-type]
        q = [weakest[int(p * (len(weakest) - 1))] for p in (0.1, 0.5, 0.9)]
        out.append(
            f"| {kind} | {len(group)} | {q[0]:.4f} / {q[1]:.4f} / {q[2]:.4f} / {weakest[-1]:.4f} | "
            f"{ratios[len(ratios) // 2]:.1f} | {sum(w >= 0.5 for w in weakest)} |"
        )
    return out


if __name__ == "__main__":
    main()
