"""One bundle as the intake desk receives it (scan, electronic PDF, submission), plus the truth to score."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from filingcheck.samples import certificate, front, licence, plan, prose, reports, tech
from filingcheck.samples.defects import DEFECTS, apply_defects
from filingcheck.samples.electronic import write_electronic
from filingcheck.samples.facts import APPLICATION_TYPE_TEXT, Facts, make_facts
from filingcheck.samples.page import Ctx, DrawnPage, make_look
from filingcheck.samples.paper import resize_sheet
from filingcheck.samples.scan import PARAMS, ScanLevel, scan
from filingcheck.samples.stamping import StampedPage, stamp_dossier

GENERATOR_VERSION = "1.1"  # 1.1: landscape licence values wrap inside the frame
# Application types the generator draws: new products (section 二) and changes (六, with a certificate).
APPLICATION_TYPES = ("domestic_new", "domestic_change")


def paper_fields(f: Facts, formula: list[dict[str, Any]]) -> dict[str, Any]:
    """The true values as printed on paper (form, licence, formula)."""
    lic = f.licence
    return {
        "applicant_name": f.form_applicants,
        "applicant_address": f.applicant.address,
        "product_name": f.product_name,
        "legal_representative": f.applicant.legal_rep,
        "trial_unit_name": f.trial_unit.name,
        "trial_unit_address": f.trial_unit.address,
        "test_unit_name": f.test_unit,
        "acceptance_number": f.acceptance_number,
        "application_type": APPLICATION_TYPE_TEXT,
        "contact_person": f.contact,
        "contact_phone": f.phone,
        "uscc": lic.uscc,
        "licence_name": lic.name,
        "licence_address": lic.address,
        "licence_legal_representative": lic.legal_rep,
        "licence_type": lic.kind,
        "registered_capital": lic.capital,
        "founded_on": lic.founded_on.isoformat(),
        "licence_term": lic.term,
        "registration_authority": lic.authority,
        "business_scope": lic.scope,
        "formula": [{k: v for k, v in line.items() if k != "excipient"} for line in formula],
    }


def electronic_fields(f: Facts, paper: dict[str, Any]) -> dict[str, Any]:
    """The values the electronic PDF carries: the form's fields and the formula."""
    keys = (
        "product_name",
        "applicant_name",
        "applicant_address",
        "legal_representative",
        "trial_unit_name",
        "trial_unit_address",
        "test_unit_name",
        "acceptance_number",
        "application_type",
        "formula",
    )
    return {k: f.electronic.get(k, paper[k]) for k in keys}


def _draw(slot: plan.Slot, ctx: Ctx) -> DrawnPage:
    f = ctx.facts
    if slot.kind == "toc":
        return front.draw_toc(ctx)
    if slot.kind == "form":
        return front.draw_form(ctx, slot.args["part"], slot.args["parts"])
    if slot.kind == "cover":
        return front.draw_cover(ctx, slot.item or 0, (slot.args.get("odd") and f.odd_cover_product) or None)
    if slot.kind == "licence":
        return licence.draw_licence(ctx)
    if slot.kind == "certificate":
        return certificate.draw_certificate(ctx)
    if slot.kind == "formula":
        return tech.draw_formula(ctx)
    if slot.kind == "process":
        return tech.draw_process(ctx)
    if slot.kind == "standard":
        return tech.draw_standard(ctx)
    if slot.kind == "label":
        return tech.draw_label(ctx)
    if slot.kind == "test_app":
        return reports.draw_test_application(ctx, f.reports[slot.args["report"]])
    if slot.kind == "report":
        i = slot.args["report"]
        return reports.draw_report_page(ctx, f.reports[i], i, slot.args["page"])
    item = slot.item or 6
    return prose.draw_prose(ctx, item, plan.prose_doc_type(item), slot.args["index"], slot.args["count"])


def _plan(facts: Facts, profile: str, n_pages: int | None, rng: random.Random) -> list[plan.Slot]:
    if profile not in ("compact", "full"):
        raise ValueError(f"unknown profile {profile!r}; known: compact, full")
    slots = plan.fit((plan.compact if profile == "compact" else plan.full)(facts, rng), n_pages)
    plan.number_prose(slots)
    if facts.odd_cover_product:
        covers = [s for s in slots if s.kind == "cover"]
        if not covers:
            raise ValueError("consistency.internal needs a cover sheet; this page plan has none")
        rng.choice(covers).args = {"odd": 1}
    return slots


def generate_dossier(
    out_dir: Path,
    seed: int,
    *,
    defects: Sequence[str] = (),
    dpi: int = 200,
    scan: ScanLevel | str = "mild",
    profile: str = "compact",
    n_pages: int | None = None,
    grey: bool = False,
    rotate_pages: bool = False,
    defect_seed: int | None = None,
    application_type: str = "domestic_new",
) -> dict[str, Any]:
    """Write paper.pdf, electronic.pdf, submission.json and truth.json into ``out_dir``; return the truth.

    ``defect_seed`` (default ``seed``) drives only the defects' choices, so one dossier can carry
    many different variants of a defect while every page the defect leaves alone stays identical.
    ``application_type`` ``domestic_change`` adds the approval certificate (the defect
    ``licence.matches_certificate`` makes a change application of its own)."""
    if application_type not in APPLICATION_TYPES:
        raise ValueError(
            f"unknown application_type {application_type!r}; known: {', '.join(APPLICATION_TYPES)}"
        )
    level = ScanLevel(scan)
    if isinstance(defects, str):
        defects = (defects,)
    rng = random.Random(seed)
    facts = make_facts(
        seed, rng, n_reports=rng.choice((1, 2, 2)) if profile == "compact" else rng.randint(3, 5)
    )
    look = make_look(rng, facts.applicant.place.district_code)
    if application_type == "domestic_change":
        facts.application_type = application_type
        facts.certificate = (facts.licence.name, facts.licence.address)
    planted = apply_defects(
        facts, defects, random.Random(f"{seed if defect_seed is None else defect_seed}:defects")
    )
    if facts.body_pt is not None:
        look = dataclasses.replace(look, body_pt=facts.body_pt)
    slots = _plan(facts, profile, n_pages, random.Random(f"{seed}:plan"))
    toc_pages: dict[int, int] = {}
    for number, slot in enumerate(slots, start=1):
        if slot.item is not None:
            toc_pages.setdefault(slot.item, number)
    drawn = []
    for slot in slots:
        ctx = Ctx(facts, look, dpi, random.Random(f"{seed}:{slot.key}"), toc_pages)
        drawn.append(_draw(slot, ctx))
    stamped = stamp_dossier(drawn, facts, look, dpi, seed, grey)
    rot_rng = random.Random(f"{seed}:rotate")
    rotations = [0] * len(drawn)
    if rotate_pages:
        turned = rot_rng.sample(range(len(drawn)), max(1, round(len(drawn) * rot_rng.uniform(0.15, 0.3))))
        for i in turned:
            rotations[i] = rot_rng.choice((90, 180, 270))
    odd = None
    if facts.odd_paper is not None:
        at = next(i for i, p in enumerate(stamped) if p.drawn.doc_type == "formula")
        stamped[at].drawn.tags.add("odd_paper")
        odd = (at + 1, facts.odd_paper)
    images, pages = _scan_pages(stamped, level, dpi, seed, grey, rotations, odd)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    when = dt.datetime(facts.submitted_on.year, facts.submitted_on.month, facts.submitted_on.day).timetuple()
    images[0].save(
        out_dir / "paper.pdf",
        save_all=True,
        append_images=images[1:],
        resolution=float(dpi),
        quality=PARAMS[level].quality,
        creationDate=when,
        modDate=when,
        title="paper",
        producer="",
    )
    formula = tech.formula_lines(Ctx(facts, look, dpi, random.Random(0)))
    paper = paper_fields(facts, formula)
    electronic = electronic_fields(facts, paper)
    write_electronic(out_dir / "electronic.pdf", electronic, facts.submitted_on)
    submission: dict[str, Any] = {
        "application_type": facts.application_type,
        "submitted_on": facts.submitted_on.isoformat(),
    }
    if facts.resubmission:
        submission["resubmission"] = True
    (out_dir / "submission.json").write_text(
        json.dumps(submission, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    truth = {
        "seed": seed,
        "generator_version": GENERATOR_VERSION,
        "submission": submission,
        "options": {
            "dpi": dpi,
            "scan": level.value,
            "profile": profile,
            "n_pages": n_pages,
            "grey": grey,
            "rotate_pages": rotate_pages,
            "defects": sorted(set(defects)),
            "defect_seed": defect_seed,
            "application_type": application_type,
        },
        "style": {
            "body_font": look.body,
            "title_font": look.title,
            "body_pt": look.body_pt,
            "form_layout": look.form_layout,
            "licence_style": look.licence_style,
            "licence_colour": look.licence_colour,
            "applicant_seal": look.seal_kind,
        },
        "fields": paper,
        "electronic_fields": electronic,
        "pages": pages,
        "defects": [d.as_truth(_pages_of(d.tags, stamped)) for d in planted],
    }
    (out_dir / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return truth


def _scan_pages(
    stamped: list[StampedPage],
    level: ScanLevel,
    dpi: int,
    seed: int,
    grey: bool,
    rotations: list[int],
    odd_paper: tuple[int, tuple[float, float]] | None = None,
) -> tuple[list[Image.Image], list[dict[str, Any]]]:
    images, pages = [], []
    for number, (page, rotation) in enumerate(zip(stamped, rotations, strict=True), start=1):
        result = scan(
            page.pixels,
            level,
            np.random.default_rng([seed, number, 7]),
            [s.hull for s in page.seals],
            dpi,
            grey=grey,
            rotation=rotation,
        )
        seals = []
        for seal, box in zip(page.seals, result.boxes, strict=True):
            if box is not None:
                seals.append({"bbox": box, **seal.truth})
        image = result.image
        if odd_paper is not None and odd_paper[0] == number:
            image, moved = resize_sheet(image, dpi, odd_paper[1], [s["bbox"] for s in seals])
            for s, box in zip(seals, moved, strict=True):
                s["bbox"] = box
        d = page.drawn
        pages.append(
            {
                "page": number,
                "doc_type": d.doc_type,
                "item": d.item,
                "rotation": rotation,
                "skew": result.skew,
                "seals": seals,
                "has_applicant_seal": any(s["owner"] == "applicant" and s["kind"] != "square" for s in seals),
                "test_report": d.test_report,
            }
        )
        images.append(Image.fromarray(image))
    return images, pages


def _pages_of(tags: tuple[str, ...], stamped: list[StampedPage]) -> list[int]:
    return [i for i, p in enumerate(stamped, start=1) if p.drawn.tags & set(tags)]


def generate_many(out_dir: Path, n: int, seed: int, *, vary_defects: bool = False, **kw: Any) -> list[Path]:
    """Bundles ``dossier_000``... with seeds ``seed``, ``seed + 1``...; ``vary_defects`` plants 0–2 random
    defects per dossier (about a third stay clean) on top of any ``defects`` given."""
    out_dir = Path(out_dir)
    rng = random.Random(f"{seed}:many")
    base = tuple(kw.pop("defects", ()))
    # One entry per rule variant, but the electronic rule once: it picks its field itself.
    choices = sorted(d for d in DEFECTS if not d.startswith("consistency.electronic:"))
    paths = []
    for i in range(n):
        chosen = list(base)
        if vary_defects:
            k = rng.choice((0, 1, 1, 2))
            chosen += rng.sample(choices, k)
        path = out_dir / f"dossier_{i:03d}"
        generate_dossier(path, seed + i, defects=tuple(dict.fromkeys(chosen)), **kw)
        paths.append(path)
    return paths
