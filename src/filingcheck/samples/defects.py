"""Planted defects: each id is a rule id of RULES.md (with an optional variant) and edits the facts."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from filingcheck.models.uscc import ALPHABET
from filingcheck.samples import vocab
from filingcheck.samples.facts import Facts, company_name, place

DEFECTS: dict[str, str] = {
    "applicant.matches_licence": "the licence name differs from the form's by one character or the suffix",
    "applicant.matches_licence:address": "the licence 住所 has another house number or district",
    "applicant.matches_seal": "the applicant's seals carry another company's name",
    "seal.every_page": "one page that needs the applicant's seal has no seal at all",
    "consistency.internal": "one cover sheet prints a slightly different product name",
    "consistency.electronic": "the electronic version differs from paper in one field (picked at random)",
    "consistency.electronic:product_name": "the electronic product name differs by one character",
    "consistency.electronic:applicant_name": "the electronic applicant name differs by one character",
    "consistency.electronic:applicant_address": "the electronic applicant address has another house number",
    "consistency.electronic:trial_unit_name": "the electronic trial unit name differs by one character",
    "consistency.electronic:acceptance_number": "the electronic acceptance number differs in one digit",
    "formula.per_1000_units": "formula amounts are printed as percentages instead of per 1000 units",
    "test_report.validity": "one test report was issued more than five years before submission",
    "test_report.consistency": "one test report prints a sample name, submitting unit or manufacturer one "
    "character off its application form and the dossier",
    "test_report.consistency:sample_name": "one test report prints the product name one character off",
    "test_report.consistency:submitter": "one test report prints the submitting unit one character off",
    "test_report.consistency:manufacturer": "one test report prints the manufacturer one character off",
    "test_report.seals": "a two-page test report has neither a straddle seal nor a seal on its second page",
    "licence.uscc_checksum": "the licence's unified social credit code has a wrong check character",
    "licence.term_valid": "the licence term (营业期限) ended before the submission date",
    "dossier.table_of_contents": "two neighbouring entries of the table of contents are swapped",
    "dossier.paper_format": "the body text is set below 小四 (9–10 pt) throughout",
    "dossier.paper_format:paper": "the formula page is printed on Letter or B5 paper, not A4",
    "dossier.resubmission": "a repeated application without the earlier withdrawal or rejection notice",
    "dossier.joint_recommendation": "the form names a second applicant; no recommendation letter is there",
    "licence.matches_certificate": "a change application; the certificate names the holder differently",
    "licence.matches_certificate:address": "a change application; the certificate has another holder address",
}
# Paper sizes (width × height mm) that are not A4 beyond the scanning tolerance.
OTHER_PAPER = {"letter": (215.9, 279.4), "b5": (176.0, 250.0)}
ELECTRONIC_FIELDS = (
    "product_name",
    "applicant_name",
    "applicant_address",
    "trial_unit_name",
    "acceptance_number",
)


@dataclass
class Defect:
    """A planted defect; ``tags`` name the pages it shows on, resolved to page numbers later."""

    rule: str
    variant: str | None
    field: str | None
    expected: str | None
    found: str | None
    tags: tuple[str, ...]

    def as_truth(self, pages: list[int]) -> dict[str, object]:
        return {
            "rule": self.rule,
            "variant": self.variant,
            "field": self.field,
            "expected": self.expected,
            "found": self.found,
            "pages": pages,
        }


def split(defect_id: str) -> tuple[str, str | None]:
    rule, _, variant = defect_id.partition(":")
    return rule, variant or None


def one_char_off(rng: random.Random, name: str, start: int = 0, stop: int | None = None) -> str:
    """Replace one character in ``name[start:stop]`` with a look-alike one; falls back to changing
    the company suffix."""
    stop = len(name) if stop is None else stop
    spots = [i for i, ch in enumerate(name) if start <= i < stop and ch in vocab.LOOKALIKES]
    if spots:
        i = rng.choice(spots)
        return name[:i] + rng.choice(vocab.LOOKALIKES[name[i]]) + name[i + 1 :]
    return swap_suffix(name)


def swap_suffix(name: str) -> str:
    if name.endswith("有限责任公司"):
        return name.removesuffix("有限责任公司") + "有限公司"
    if name.endswith("股份有限公司"):
        return name.removesuffix("股份有限公司") + "有限公司"
    return name.removesuffix("有限公司") + "有限责任公司"


def other_number(rng: random.Random, address: str, number: int) -> str:
    new = number + rng.choice((-20, -10, -2, -1, 1, 2, 8, 10, 100))
    new = new if new > 0 else number + 1
    return address.replace(f"{number}号", f"{new}号", 1)


def _licence_name(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    if variant == "address":
        p = f.applicant.place
        cities = next(c for prov, _, _, c in vocab.PROVINCES if prov == p.province)
        districts = next(d for city, d in cities if city == p.city)
        others = [d for d in districts if d != p.district]
        if others and rng.random() < 0.4:
            f.licence.address = f.applicant.address.replace(p.district, rng.choice(others), 1)
        else:
            f.licence.address = other_number(rng, f.applicant.address, p.number)
        return Defect(
            "applicant.matches_licence",
            "address",
            "applicant_address",
            f.licence.address,
            f.applicant.address,
            ("form", "licence"),
        )
    trade = _trade_span(f.applicant.name)
    f.licence.name = (
        swap_suffix(f.applicant.name) if rng.random() < 0.35 else one_char_off(rng, f.applicant.name, *trade)
    )
    return Defect(
        "applicant.matches_licence",
        None,
        "applicant_name",
        f.licence.name,
        f.applicant.name,
        ("form", "licence"),
    )


def _trade_span(name: str) -> tuple[int, int]:
    """Where the two-character trade name sits: just before the industry word."""
    for industry in sorted(vocab.INDUSTRIES, key=len, reverse=True):
        at = name.find(industry)
        if at >= 2:
            return at - 2, at
    return 0, len(name)


def _seal(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    other = f.applicant.name
    while other == f.applicant.name:
        other = company_name(rng, place(rng))
    f.seal_name = other
    return Defect(
        "applicant.matches_seal", None, "applicant_name", f.applicant.name, other, ("applicant_seal",)
    )


def _every_page(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    f.unsealed_page = True
    return Defect("seal.every_page", None, None, None, None, ("unsealed",))


def _internal(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    odd = f.product_name
    while odd == f.product_name:
        if rng.random() < 0.5:
            odd = one_char_off(rng, f.brand) + f.product_name[len(f.brand) :]
        else:
            other = rng.choice(
                [n for n in vocab.FORMS if n != f.form.name and not f.product_name.endswith(n)]
            )
            odd = f.product_name.removesuffix(f.form.name) + other
    f.odd_cover_product = odd
    return Defect("consistency.internal", None, "product_name", f.product_name, odd, ("cover_odd",))


def _electronic(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    name = variant or rng.choice(ELECTRONIC_FIELDS)
    if name not in ELECTRONIC_FIELDS:
        raise ValueError(
            f"unknown consistency.electronic variant {name!r}; known: {', '.join(ELECTRONIC_FIELDS)}"
        )
    paper = {
        "product_name": f.product_name,
        "applicant_name": f.applicant.name,
        "applicant_address": f.applicant.address,
        "trial_unit_name": f.trial_unit.name,
        "acceptance_number": f.acceptance_number,
    }[name]
    if name == "product_name":
        found = one_char_off(rng, f.brand) + paper[len(f.brand) :]
    elif name in ("applicant_name", "trial_unit_name"):
        found = one_char_off(rng, paper, *_trade_span(paper))
    elif name == "applicant_address":
        found = other_number(rng, paper, f.applicant.place.number)
    else:
        i = rng.randrange(len(paper) - 4, len(paper))
        found = paper[:i] + str((int(paper[i]) + rng.randint(1, 9)) % 10) + paper[i + 1 :]
    f.electronic[name] = found
    return Defect("consistency.electronic", name, name, paper, found, ("form",))


def _percent(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    f.formula_in_percent = True
    return Defect("formula.per_1000_units", None, "formula", f.basis, "%", ("formula",))


def _validity(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    i = rng.randrange(len(f.reports))
    r = f.reports[i]
    limit = (
        f.submitted_on.replace(year=f.submitted_on.year - 5)
        if not (f.submitted_on.month == 2 and f.submitted_on.day == 29)
        else dt.date(f.submitted_on.year - 5, 2, 28)
    )
    old = limit - dt.timedelta(days=rng.randint(20, 700))
    r.number = r.number.replace(str(r.issued_on.year), str(old.year), 1)
    r.received_on = old - (r.issued_on - r.received_on)
    r.issued_on = old
    return Defect(
        "test_report.validity",
        None,
        "report_issued_on",
        f"on or after {limit.isoformat()}",
        old.isoformat(),
        (f"report{i}",),
    )


def _report_seals(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    i = next(k for k, r in enumerate(f.reports) if r.n_pages == 2)
    f.reports[i].seals_missing = True
    return Defect("test_report.seals", None, None, None, None, (f"report{i}",))


def _report_consistency(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    i = rng.randrange(len(f.reports))
    r = f.reports[i]
    name = variant or rng.choice(("sample_name", "submitter", "manufacturer"))
    true = getattr(r, name)
    r.printed[name] = one_char_off(rng, true)
    field = {"sample_name": "report_sample_name", "submitter": "report_submitting_unit"}.get(
        name, f"report_{name}"
    )
    return Defect("test_report.consistency", name, field, true, r.printed[name], (f"report{i}",))


def _checksum(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    good = f.licence.uscc
    f.licence.uscc = good[:17] + rng.choice([c for c in ALPHABET if c != good[17]])
    return Defect("licence.uscc_checksum", None, "uscc", good, f.licence.uscc, ("licence",))


def _term(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    lic = f.licence
    end = f.submitted_on - dt.timedelta(days=rng.randint(30, 900))
    if lic.founded_on >= end - dt.timedelta(days=3 * 365):
        lic.founded_on = end.replace(year=end.year - rng.choice((10, 20)))
    lic.term_end = end
    lic.issued_on = min(lic.issued_on, end - dt.timedelta(days=rng.randint(30, 300)))
    lic.issued_on = max(lic.issued_on, lic.founded_on)
    return Defect(
        "licence.term_valid",
        None,
        "licence_term",
        f"covers {f.submitted_on.isoformat()}",
        lic.term,
        ("licence",),
    )


def _toc_order(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    # Items 3–14: the form and the licence keep their places, so only the contents change.
    i = rng.randrange(2, len(vocab.ITEMS) - 2)
    f.toc_swap = (i, i + 1)
    first, second = vocab.ITEMS[i], vocab.ITEMS[i + 1]
    return Defect(
        "dossier.table_of_contents",
        None,
        "order",
        f"{first[0]}．{first[1]} before {second[0]}．{second[1]}",
        f"{second[0]}．{second[1]} before {first[0]}．{first[1]}",
        ("toc",),
    )


def _paper_format(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    if variant == "paper":
        name = rng.choice(sorted(OTHER_PAPER))
        f.odd_paper = OTHER_PAPER[name]
        w, h = f.odd_paper
        return Defect(
            "dossier.paper_format",
            "paper",
            "paper_size",
            "A4 210 × 297 mm",
            f"{name} {w:g} × {h:g} mm",
            ("odd_paper",),
        )
    if variant is not None:
        raise ValueError(f"unknown dossier.paper_format variant {variant!r}; known: paper")
    f.body_pt = rng.choice((9.0, 9.5, 10.0))
    return Defect("dossier.paper_format", None, "type_size", "≥ 12 pt (小四)", f"{f.body_pt:g} pt", ())


def _resubmission(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    f.resubmission = True
    return Defect(
        "dossier.resubmission",
        None,
        "resubmission",
        "撤审通知书 or 不予批准通知书, and the reasons for applying again",
        None,
        (),
    )


def _joint(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    other = f.applicant.name
    while other == f.applicant.name:
        other = company_name(rng, place(rng))
    f.co_applicant = other
    return Defect(
        "dossier.joint_recommendation",
        None,
        "applicant_name",
        "联合申报负责人推荐书",
        f.form_applicants,
        ("form",),
    )


def _certificate(f: Facts, rng: random.Random, variant: str | None) -> Defect:
    f.application_type = "domestic_change"
    name, address = f.licence.name, f.licence.address
    if variant == "address":
        f.certificate = (name, other_number(rng, address, f.applicant.place.number))
        field, expected, found = "licence_address", f.certificate[1], address
    else:
        other = swap_suffix(name) if rng.random() < 0.35 else one_char_off(rng, name, *_trade_span(name))
        f.certificate = (other, address)
        field, expected, found = "licence_name", other, name
    return Defect("licence.matches_certificate", variant, field, expected, found, ("certificate", "licence"))


APPLY: dict[str, Callable[[Facts, random.Random, str | None], Defect]] = {
    "applicant.matches_licence": _licence_name,
    "applicant.matches_seal": _seal,
    "seal.every_page": _every_page,
    "consistency.internal": _internal,
    "consistency.electronic": _electronic,
    "formula.per_1000_units": _percent,
    "test_report.validity": _validity,
    "test_report.seals": _report_seals,
    "licence.uscc_checksum": _checksum,
    "licence.term_valid": _term,
    "test_report.consistency": _report_consistency,
    "dossier.table_of_contents": _toc_order,
    "dossier.paper_format": _paper_format,
    "dossier.resubmission": _resubmission,
    "dossier.joint_recommendation": _joint,
    "licence.matches_certificate": _certificate,
}


def apply_defects(facts: Facts, defects: Sequence[str], rng: random.Random) -> list[Defect]:
    """Edit ``facts`` for each defect id, in a fixed order so that combinations stay deterministic."""
    unknown = [d for d in defects if d not in DEFECTS]
    if unknown:
        raise ValueError(f"unknown defect id(s) {unknown}; known: {', '.join(sorted(DEFECTS))}")
    out = []
    for defect_id in sorted(set(defects)):
        rule, variant = split(defect_id)
        out.append(APPLY[rule](facts, rng, variant))
    return out
