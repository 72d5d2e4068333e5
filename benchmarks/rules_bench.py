"""Per-rule benchmark: dossiers with a defect planted for every rule, and clean ones, through the real
pipeline; per rule the recall of planted defects, false ``fail`` on clean dossiers, ``uncertain`` share.

.venv/bin/python benchmarks/rules_bench.py --defective 100 --clean 30 --bases 10 --dpi 150 --scan mild

Defective dossiers are built on ``--bases`` clean base dossiers (seeds ``seed``, ``seed + 1``...): each
carries one defect id, with its own defect seed, on a base dossier, so the pages the defect leaves
alone are the base's pages and come from the OCR cache (the readings are those of the same image,
so the outcome is the same as without a cache; only the time differs). Clean dossiers are the bases
first, then fresh seeds. Per-dossier lines go to stderr as they finish; the table to stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NamedTuple

sys.path.insert(0, str(Path(__file__).resolve().parent))

from filingcheck.config import Settings
from filingcheck.models import Submission
from filingcheck.pipeline import Inputs, process_submission
from filingcheck.samples import DEFECTS, generate_dossier
from scoring import COMPACT_FAILS_BY_DESIGN, RuleScore, add_row, render_rule_table, rule_row

# Defects that change every page (all seals, the type size) or add one (the certificate): nothing
# comes from the cache, so they go last and a run cut short covers the most rules.
EXPENSIVE = (
    "applicant.matches_seal",
    "dossier.paper_format",
    "licence.matches_certificate",
    "licence.matches_certificate:address",
)
# One entry per rule variant, but the electronic and report-consistency rules once: they pick
# their field themselves.
PICK_THEIR_FIELD = ("consistency.electronic:", "test_report.consistency:")
DEFECT_IDS = tuple(
    sorted(
        (d for d in DEFECTS if not d.startswith(PICK_THEIR_FIELD)),
        key=lambda d: (d in EXPENSIVE, d),
    )
)
CLEAN_SEED_OFFSET = 10_000
CHANGE_BASES = 2


class Run(NamedTuple):
    seed: int
    defects: tuple[str, ...]
    defect_seed: int | None
    application_type: str = "domestic_new"


def plan(defective: int, clean: int, bases: int, seed: int) -> list[Run]:
    """The dossiers in the order they run: a base's clean dossier just before the first defect planted
    on it (so its pages are cached), defects round-robin over rules and bases, and the extra clean
    dossiers spread through the run, so that a run cut short still covers every rule."""
    runs: list[Run] = []
    started: set[tuple[int, str]] = set()
    extra = [Run(seed + CLEAN_SEED_OFFSET + i, (), None) for i in range(max(0, clean - bases))]
    every = max(1, defective // (len(extra) + 1))
    for k in range(defective):
        defect = DEFECT_IDS[k % len(DEFECT_IDS)]
        # A certificate defect makes a change application: its clean base is a change application too
        # (a page more, so nothing is shared with the new-product base); two such bases are enough.
        kind = "domestic_change" if defect.startswith("licence.matches_certificate") else "domestic_new"
        base = seed + k % (bases if kind == "domestic_new" else min(bases, CHANGE_BASES))
        if (base, kind) not in started and (kind != "domestic_new" or base - seed < clean):
            runs.append(Run(base, (), None, kind))
        started.add((base, kind))
        runs.append(Run(base, (defect,), seed * 1000 + k, kind))
        if extra and (k + 1) % every == 0:
            runs.append(extra.pop(0))
    runs += extra
    runs += [
        Run(seed + b, (), None) for b in range(min(bases, clean)) if (seed + b, "domestic_new") not in started
    ]
    return runs


def run(args: argparse.Namespace, out: Path) -> tuple[RuleScore, list[dict[str, Any]]]:
    settings = Settings(data_dir=out / "data", workers=args.workers, mode=args.mode).pipeline()
    score = RuleScore()
    rows: list[dict[str, Any]] = []
    runs = plan(args.defective, args.clean, args.bases, args.seed)
    for n, (seed, defects, defect_seed, application_type) in enumerate(runs, start=1):
        folder = out / f"d{n:03d}"
        started = time.perf_counter()
        try:
            truth = generate_dossier(
                folder,
                seed,
                defects=defects,
                dpi=args.dpi,
                scan=args.scan,
                profile=args.profile,
                defect_seed=defect_seed,
                application_type=application_type,
            )
        except (ValueError, StopIteration) as exc:
            # A defect the base dossier cannot carry (e.g. no two-page test report): not planted.
            print(f"{n}/{len(runs)} seed {seed} {defects}: not planted ({exc!r})", file=sys.stderr)
            continue
        submission = Submission.model_validate_json((folder / "submission.json").read_text("utf-8"))
        result = process_submission(
            Inputs(paper=[folder / "paper.pdf"], electronic=folder / "electronic.pdf", submission=submission),
            settings,
        )
        wall = time.perf_counter() - started
        report = result.report
        (folder / "report.json").write_text(report.model_dump_json(indent=1), "utf-8")
        row = {
            "n": n,
            "seed": seed,
            "defect_seed": defect_seed,
            "application_type": application_type,
            "defects": list(defects),
            "verdict": report.verdict.value,
            "pages": len(report.pages),
            "seconds": round(wall, 1),
            **rule_row(report, truth),
        }
        add_row(score, row)
        rows.append(row)
        if args.json:
            with args.json.open("a", encoding="utf-8") as out_file:
                out_file.write(json.dumps(row, ensure_ascii=False) + "\n")
        planted = set(row["planted"])
        misses = {
            c: o
            for c, o in row["outcomes"].items()
            if (c in planted) != (o == "fail") and c not in COMPACT_FAILS_BY_DESIGN
        }
        print(
            f"{n}/{len(runs)} seed {seed} {list(defects) or 'clean'}: {report.verdict.value}, "
            f"{len(report.pages)} pages, {wall:.1f} s; off: {misses or '-'}",
            file=sys.stderr,
            flush=True,
        )
    return score, rows


def summary(rows: list[dict[str, Any]], args: argparse.Namespace, minutes: float | None) -> str:
    clean = [r for r in rows if not r["defects"]]
    seconds = sorted(r["seconds"] for r in rows)
    timing = f", {minutes:.1f} min in all" if minutes is not None else ""
    return (
        f"{len(rows)} dossiers ({len(rows) - len(clean)} defective, {len(clean)} clean, of which "
        f"{sum(1 for r in clean if r['application_type'] != 'domestic_new')} change applications), "
        f"{args.profile} profile, {args.dpi} DPI, scan {args.scan}, {args.mode} mode, "
        f"{args.workers} page worker(s); median {seconds[len(seconds) // 2] if seconds else 0:.0f} s "
        f"a dossier{timing}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--defective", type=int, default=100, help="dossiers with one planted defect")
    parser.add_argument("--clean", type=int, default=30, help="dossiers without defects")
    parser.add_argument("--bases", type=int, default=10, help="base dossiers the defects are planted on")
    parser.add_argument("--seed", type=int, default=5000)
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--scan", default="mild")
    parser.add_argument("--profile", default="compact")
    parser.add_argument("--mode", default="targeted")
    parser.add_argument("--workers", type=int, default=1, help="page worker processes")
    parser.add_argument("--out", type=Path, help="keep the dossiers and reports here (default: a temp dir)")
    parser.add_argument(
        "--json", type=Path, help="append each dossier's outcomes here as it finishes (JSON lines)"
    )
    parser.add_argument("--render", type=Path, help="only print the table of a --json file (a run cut short)")
    args = parser.parse_args()
    if args.render:
        rows = [json.loads(line) for line in args.render.read_text("utf-8").splitlines() if line.strip()]
        score = RuleScore()
        for row in rows:
            add_row(score, row)
        print(render_rule_table(score, profile=args.profile))
        print()
        print(summary(rows, args, None))
        return
    started = time.perf_counter()
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        score, rows = run(args, args.out)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            score, rows = run(args, Path(tmp))
    print(render_rule_table(score, profile=args.profile))
    print()
    print(summary(rows, args, (time.perf_counter() - started) / 60))


if __name__ == "__main__":
    main()
