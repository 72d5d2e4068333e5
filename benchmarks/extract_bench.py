"""Extraction benchmark: fields, page classes and credit codes on generated dossiers, credit codes on
the realdata licences, and entity P/R of the running-text patterns on CLUENER dev.

.venv/bin/python benchmarks/extract_bench.py --per-level 17 --levels clean,mild,hard --dpi 150
    [--seed 7000] [--profile compact] [--mode targeted] [--cluener 0] [--no-realdata] [--json out.json]

Each dossier is generated from its seed, checked end to end by the pipeline (one worker, no cache),
and scored against its truth.json: a field counts as exact when the first paper reading of it on its
own document (application form, business licence) equals the truth after normalisation.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filingcheck.extract.entities import find_entities
from filingcheck.models import Report, Submission
from filingcheck.models.normalize import normalise
from filingcheck.models.uscc import is_valid
from filingcheck.pipeline import Inputs, Mode, PipelineSettings, process_submission
from filingcheck.samples import generate_dossier

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scoring import FORM_FIELDS

REPO = Path(__file__).resolve().parents[1]
REALDATA = REPO.parent / "shared" / "realdata"
LICENCE_FIELDS = (
    "uscc",
    "licence_name",
    "licence_type",
    "licence_address",
    "licence_legal_representative",
    "founded_on",
    "licence_term",
    "registration_authority",
)
# CLUENER labels scored, and the kind our patterns give them (organisation names of companies
# and of government bodies are both "organisation" to us: the suffix tells them apart).
CLUENER_KINDS = {"company": "company", "government": "government", "address": "address"}


@dataclass
class DossierScore:
    field_hits: dict[tuple[str, str], list[bool]] = field(default_factory=dict)  # (level, field)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)  # (truth, read)
    uscc: dict[str, list[bool]] = field(default_factory=dict)  # level -> read exactly
    misses: list[str] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    pages: int = 0


def _truth(truth: dict[str, Any], name: str) -> str | None:
    value = truth["fields"].get(name)
    if value is None:
        return None
    if name == "licence_term":
        value = str(value).replace("长期", "..")
    return normalise(str(value))


def _first(report: Report, name: str, document: str) -> str | None:
    # The paper copy: its print, or (the registration authority on a licence) its seal.
    got = [v for v in report.fields.get(name, []) if v.source in ("paper", "seal") and v.document == document]
    return got[0].value if got else None


def score_dossier(report: Report, truth: dict[str, Any], level: str, score: DossierScore) -> None:
    for names, document in ((FORM_FIELDS, "application_form"), (LICENCE_FIELDS, "business_licence")):
        for name in names:
            expected = _truth(truth, name)
            if expected is None:
                continue
            got = _first(report, name, document)
            hit = got == expected
            score.field_hits.setdefault((level, name), []).append(hit)
            if not hit:
                score.misses.append(
                    f"{level} seed {truth['seed']} {name}: expected {expected!r}, read {got!r}"
                )
            if name == "uscc":
                score.uscc.setdefault(level, []).append(hit)
    read = {p.page: p.doc_type.value for p in report.pages}
    for page in truth["pages"]:
        got_type = read.get(page["page"], "missing")
        score.confusion[(page["doc_type"], got_type)] += 1
        if got_type != page["doc_type"]:
            score.misses.append(
                f"{level} seed {truth['seed']} page {page['page']} (item {page['item']}): "
                f"{page['doc_type']} classified as {got_type}"
            )
    score.pages += len(report.pages)


def run_dossiers(args: argparse.Namespace, settings: PipelineSettings) -> tuple[DossierScore, list[str]]:
    score = DossierScore()
    log = []
    with tempfile.TemporaryDirectory() as tmp:
        for li, level in enumerate(args.levels):
            for i in range(args.per_level):
                seed = args.seed + 1000 * li + i
                folder = Path(tmp) / f"{level}{i}"
                truth = generate_dossier(folder, seed, dpi=args.dpi, scan=level, profile=args.profile)
                submission = Submission.model_validate_json((folder / "submission.json").read_text("utf-8"))
                started = time.perf_counter()
                result = process_submission(
                    Inputs(
                        paper=[folder / "paper.pdf"],
                        electronic=folder / "electronic.pdf",
                        submission=submission,
                    ),
                    settings,
                )
                wall = time.perf_counter() - started
                score.seconds.append(wall)
                score_dossier(result.report, truth, level, score)
                log.append(f"{level} seed {seed}: {len(result.report.pages)} pages, {wall:.1f} s")
                print(log[-1], file=sys.stderr, flush=True)
    return score, log


def realdata_licences(settings: PipelineSettings) -> list[str]:
    """Each realdata licence with a printed credit code in its truth: read exactly, checksum verdict."""
    rows = []
    for truth_file in sorted((REALDATA / "business_licence").glob("*.fields.json")):
        image = truth_file.with_name(truth_file.name.replace(".fields.json", ".png"))
        if not image.exists():
            continue
        fields = json.loads(truth_file.read_text("utf-8"))["fields"]
        printed = next(
            (fields[k]["words"] for k in ("统一社会信用代码", "社会信用代码") if k in fields), None
        )
        if printed is None:
            continue
        report = process_submission(Inputs(paper=[image]), settings).report
        got = [v.value for v in report.fields.get("uscc", []) if v.source == "paper"]
        read = got[0] if got else None
        checks = sorted({f.status.value for f in report.findings if f.rule == "licence.uscc_checksum"})
        rows.append(
            f"| {image.name} | `{printed}` ({len(printed)} chars, valid: {is_valid(printed)}) | "
            f"`{read}` | {'yes' if read == normalise(printed) else 'no'} | {', '.join(checks) or '-'} |"
        )
    return rows


def cluener_scores(limit: int) -> dict[str, tuple[int, int, int]]:
    """(true positives, predicted, gold) per kind: exact span and kind match."""
    path = REALDATA / "entities" / "cluener2020" / "dev.json"
    counts: dict[str, list[int]] = {kind: [0, 0, 0] for kind in CLUENER_KINDS.values()}
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh):
            if limit and n >= limit:
                break
            item = json.loads(line)
            gold = {
                (start, end + 1, CLUENER_KINDS[label])
                for label, spans in item.get("label", {}).items()
                if label in CLUENER_KINDS
                for places in spans.values()
                for start, end in places
            }
            predicted = {(e.start, e.end, e.kind) for e in find_entities(item["text"])}
            for kind in counts:
                g = {s for s in gold if s[2] == kind}
                p = {s for s in predicted if s[2] == kind}
                counts[kind][0] += len(g & p)
                counts[kind][1] += len(p)
                counts[kind][2] += len(g)
    return {kind: (c[0], c[1], c[2]) for kind, c in counts.items()}


def _pct(hits: int, n: int) -> str:
    return f"{100 * hits / n:.1f}%" if n else "-"


def render(
    score: DossierScore,
    realdata: list[str],
    cluener: dict[str, tuple[int, int, int]],
    args: argparse.Namespace,
) -> str:
    out = [
        f"### Fields on generated dossiers ({args.per_level} per level, {args.profile} profile, "
        f"{args.dpi} DPI, {args.mode} mode)",
        "",
        "| field | " + " | ".join(args.levels) + " |",
        "|---|" + "---|" * len(args.levels),
    ]
    for name in FORM_FIELDS + LICENCE_FIELDS:
        cells = []
        for level in args.levels:
            hits = score.field_hits.get((level, name), [])
            cells.append(f"{_pct(sum(hits), len(hits))} ({sum(hits)}/{len(hits)})")
        out.append(f"| {name} | " + " | ".join(cells) + " |")
    out += [
        "",
        "Credit codes read exactly (generated licences): "
        + ", ".join(f"{level} {_pct(sum(v), len(v))} ({sum(v)}/{len(v)})" for level, v in score.uscc.items()),
    ]
    truths = sorted({t for t, _ in score.confusion})
    reads = sorted({r for _, r in score.confusion})
    out += ["", "Page classification (rows: truth, columns: read; all levels):", ""]
    out.append("| truth \\ read | " + " | ".join(reads) + " | accuracy |")
    out.append("|---|" + "---|" * (len(reads) + 1))
    total_hits = total = 0
    for t in truths:
        row = [score.confusion.get((t, r), 0) for r in reads]
        n, hits = sum(row), score.confusion.get((t, t), 0)
        total_hits, total = total_hits + hits, total + n
        out.append(f"| {t} | " + " | ".join(str(c) if c else "" for c in row) + f" | {_pct(hits, n)} ({n}) |")
    out += ["", f"Overall page classification: {_pct(total_hits, total)} ({total_hits}/{total})"]
    if realdata:
        out += [
            "",
            "| realdata licence | printed code (truth) | read | exact | licence.uscc_checksum |",
            "|---|---|---|---|---|",
            *realdata,
        ]
    if cluener:
        out += ["", "| CLUENER dev kind | precision | recall | tp / predicted / gold |", "|---|---|---|---|"]
        for kind, (tp, predicted, gold) in cluener.items():
            out.append(f"| {kind} | {_pct(tp, predicted)} | {_pct(tp, gold)} | {tp} / {predicted} / {gold} |")
    if score.seconds:
        out += [
            "",
            f"Seconds per dossier (one worker, no cache, loaded shared 2-core machine): "
            f"{sum(score.seconds) / len(score.seconds):.1f} mean over {len(score.seconds)} "
            f"({score.pages} pages, {sum(score.seconds) / max(1, score.pages):.2f} s/page)",
        ]
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--per-level", type=int, default=1, help="dossiers per scan level")
    parser.add_argument("--levels", type=lambda s: s.split(","), default=["clean", "mild", "hard"])
    parser.add_argument("--seed", type=int, default=7000)
    parser.add_argument("--dpi", type=int, default=150)
    parser.add_argument("--profile", default="compact")
    parser.add_argument("--mode", default="targeted", choices=[m.value for m in Mode])
    parser.add_argument("--cluener", type=int, default=0, help="CLUENER dev lines (0: all, -1: skip)")
    parser.add_argument("--no-realdata", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the misses and counts as JSON")
    args = parser.parse_args()
    settings = PipelineSettings(workers=1, mode=Mode(args.mode), cache_dir=None)
    score, _ = run_dossiers(args, settings) if args.per_level > 0 else (DossierScore(), [])
    realdata = [] if args.no_realdata or not REALDATA.is_dir() else realdata_licences(settings)
    cluener = {} if args.cluener < 0 or not REALDATA.is_dir() else cluener_scores(args.cluener)
    print(render(score, realdata, cluener, args))
    if score.misses:
        print("\nMisses:\n" + "\n".join(score.misses))
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "misses": score.misses,
                    "field_hits": {f"{lv}/{n}": h for (lv, n), h in score.field_hits.items()},
                    "confusion": {f"{t} -> {r}": c for (t, r), c in score.confusion.items()},
                    "cluener": cluener,
                    "seconds": score.seconds,
                },
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
