"""二(七)1: formula amounts are for 1000 preparation units (粒, 片, 袋, 瓶, ml, g), never percentages."""

from __future__ import annotations

import re
from functools import partial
from typing import ClassVar

from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import evidence_of, missing, not_applicable
from filingcheck.models import (
    ApplicationType,
    Dossier,
    EvidenceRole,
    FieldName,
    FieldValue,
    Finding,
    Source,
    Status,
)

UNITS = ("粒", "片", "袋", "瓶", "支", "丸", "包", "ml", "mL", "g", "kg", "克", "毫升", "L", "升")
BASIS = re.compile(r"^per (?P<count>\d+) (?P<unit>\S+)$")
AMOUNT = re.compile(r"(?P<amount>\d+(?:\.\d+)?)(?P<unit>[^\d.]+)$")
# Types whose dossier must hold the formula (new products, transfers, renewals).
NEEDS_FORMULA = frozenset(
    {
        ApplicationType.DOMESTIC_NEW,
        ApplicationType.IMPORT_NEW,
        ApplicationType.DOMESTIC_TRANSFER,
        ApplicationType.DOMESTIC_RENEWAL,
        ApplicationType.IMPORT_RENEWAL,
    }
)


@register_rule
class FormulaPer1000Units:
    id: ClassVar[str] = "formula.per_1000_units"
    clause: ClassVar[str] = "二(七)1"
    title: ClassVar[str] = "配方用量以1000个制剂单位计, 不以百分比表示"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return application_type != ApplicationType.CERTIFICATE_REISSUE

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        findings = []
        for source in (Source.PAPER, Source.ELECTRONIC):
            lines = dossier.fields.get(FieldName.FORMULA_LINE, source=source)
            if lines:
                findings.append(self._one(lines, source, context))
        paper = [f for f in findings if f.pages]
        # The electronic table states no basis of its own: it counts only where it shows a fault.
        findings = paper + [f for f in findings if not f.pages and f.status == Status.FAIL]
        if findings:
            return findings
        if dossier.submission.application_type in NEEDS_FORMULA:
            return [
                missing(self.id, self.clause, "formula", "no formula line (原料/辅料 and amount) was read")
            ]
        return [not_applicable(self.id, self.clause, "the dossier holds no formula")]

    def _one(self, lines: list[FieldValue], source: Source, context: CheckContext) -> Finding:
        where = "on paper" if source == Source.PAPER else "in the electronic version"
        pages = sorted({v.page for v in lines if v.page and source == Source.PAPER})
        make = partial(
            Finding, rule=self.id, clause=self.clause, field="formula", pages=pages, expected="per 1000 units"
        )
        percent = [v for v in lines if _unit(v) == "%"]
        bases = {v.note for v in lines if v.note}
        if percent or "percent" in bases:
            shown = percent or lines
            weak = all(v.confidence < context.settings.min_field_confidence for v in shown)
            return make(
                status=Status.UNCERTAIN if weak else Status.FAIL,
                found="%",
                evidence=[evidence_of(v, EvidenceRole.FOUND) for v in shown[:8]],
                message=f"formula amounts {where} are given as percentages"
                + (f" ({len(percent)} of {len(lines)} lines)" if percent else " (按百分比计)")
                + ", not per 1000 preparation units",
            )
        parsed = [m for b in bases if (m := BASIS.match(b))]
        wrong = [m for m in parsed if int(m["count"]) != 1000 or m["unit"] not in UNITS]
        evidence = [evidence_of(v, EvidenceRole.FOUND) for v in lines[:3]]
        if wrong:
            return make(
                status=Status.FAIL,
                found=wrong[0].group(0),
                evidence=evidence,
                message=f"the formula {where} is given {wrong[0].group(0)}, not per 1000 preparation units",
            )
        if not parsed:
            return make(
                status=Status.UNCERTAIN,
                evidence=evidence,
                message=f"{len(lines)} formula lines {where} carry amounts, but no basis "
                "(以制成1000…计) was found; a person must look",
            )
        return make(
            status=Status.PASS,
            found=parsed[0].group(0),
            evidence=evidence,
            message=f"{len(lines)} formula lines {where}, amounts {parsed[0].group(0)}",
        )


def _unit(value: FieldValue) -> str | None:
    m = AMOUNT.search(value.value)
    return m["unit"] if m else None
