"""Pipeline benchmark: generate N dossiers, check them, print field accuracy, seal P/R, rule recall.

.venv/bin/python benchmarks/pipeline_bench.py --n 10 --seed 1000 --scan mild [--write]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from filingcheck.models import Submission
from filingcheck.pipeline import Inputs, process_submission
from filingcheck.samples import generate_dossier
from scoring import CHECKED_RULES, Score, score_report

DEFECT_CHOICES = [
    [],
    ["applicant.matches_licence"],
    ["applicant.matches_licence:address"],
    ["consistency.electronic"],
    ["seal.every_page"],
    ["licence.uscc_checksum"],
]


def run(n: int, seed: int, scan: str, dpi: int) -> tuple[Score, list[str]]:
    rng = random.Random(seed)
    score = Score()
    lines = []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(n):
            defects = (
                DEFECT_CHOICES[i % len(DEFECT_CHOICES)]
                if i < len(DEFECT_CHOICES)
                else rng.choice(DEFECT_CHOICES)
            )
            folder = Path(tmp) / f"d{i}"
            truth = generate_dossier(folder, seed + i, defects=defects, dpi=dpi, scan=scan)
            submission = Submission.model_validate_json(
                (folder / "submission.json").read_text(encoding="utf-8")
            )
            started = time.perf_counter()
            result = process_submission(
                Inputs(
                    paper=[folder / "paper.pdf"], electronic=folder / "electronic.pdf", submission=submission
                )
            )
            wall = time.perf_counter() - started
            score_report(result.report, truth, score)
            lines.append(
                f"dossier {i} seed {seed + i} defects {defects or '-'}: {result.report.verdict.value}, "
                f"{len(result.report.pages)} pages, {wall:.1f} s"
            )
    return score, lines


def _counts(outcomes: list[tuple[bool, str]], injected: bool) -> str:
    picked = [o for inj, o in outcomes if inj == injected]
    return " / ".join(str(picked.count(s)) for s in ("fail", "uncertain", "pass"))


def render(score: Score, args: argparse.Namespace) -> str:
    out = [
        f"### Pipeline on generated dossiers ({args.n} dossiers, scan {args.scan}, {args.dpi} DPI)",
        "",
        f"Command: `.venv/bin/python benchmarks/pipeline_bench.py --n {args.n} --seed {args.seed} "
        f"--scan {args.scan} --dpi {args.dpi}`",
        "",
        "| field | exact | n |",
        "|---|---|---|",
    ]
    for name, hits in score.field_hits.items():
        out.append(f"| {name} | {100 * sum(hits) / len(hits):.1f}% | {len(hits)} |")
    tp, fp, fn = score.seal_tp, score.seal_fp, score.seal_fn
    out += [
        "",
        f"Seals (IoU ≥ 0.5): recall {100 * tp / max(1, tp + fn):.1f}% ({tp}/{tp + fn}), "
        f"precision {100 * tp / max(1, tp + fp):.1f}% ({tp}/{tp + fp})",
        "",
        "| rule | injected: fail / uncertain / pass | clean: fail / uncertain / pass |",
        "|---|---|---|",
    ]
    for rule in CHECKED_RULES:
        outcomes = score.rule_outcomes.get(rule, [])
        out.append(f"| {rule} | {_counts(outcomes, True)} | {_counts(outcomes, False)} |")
    out += [
        "",
        f"Seconds per page (OCR, seals, extraction, checks; one process): "
        f"{score.seconds / max(1, score.pages):.2f} over {score.pages} pages",
    ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--scan", default="mild")
    parser.add_argument("--dpi", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the raw score as JSON")
    args = parser.parse_args()
    score, lines = run(args.n, args.seed, args.scan, args.dpi)
    print("\n".join(lines))
    print()
    print(render(score, args))
    if args.json:
        args.json.write_text(
            json.dumps(score.__dict__, default=str, ensure_ascii=False, indent=2), encoding="utf-8"
        )


if __name__ == "__main__":
    main()
