"""一(三): the applicant's seal reads the applicant's name (read off the seal's upper arc)."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import ClassVar

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from filingcheck.crosscheck.applicants import joint_parts
from filingcheck.crosscheck.base import CheckContext, register_rule
from filingcheck.crosscheck.evidence import evidence_of, missing, seal_evidence
from filingcheck.crosscheck.seal_impressions import read_together, shown_together
from filingcheck.crosscheck.settings import CheckSettings
from filingcheck.models import (
    ApplicationType,
    DocType,
    Dossier,
    EvidenceRole,
    FieldName,
    FieldValue,
    Finding,
    Seal,
    SealKind,
    Source,
    Status,
)
from filingcheck.models.normalize import normalise

# What a seal's arc can carry besides the name: stars, dots, stray marks.
_NOT_NAME = re.compile(r"[^\u3400-\u9fff0-9A-Za-z()]")
NAME_DOCUMENTS = (DocType.APPLICATION_FORM, DocType.BUSINESS_LICENCE, DocType.INSTITUTION_CERTIFICATE)
THIRD_PARTIES = (
    FieldName.TRIAL_UNIT_NAME,
    FieldName.TEST_UNIT_NAME,
    FieldName.REPORT_INSTITUTION,
    FieldName.REGISTRATION_AUTHORITY,
)
RANK = {Status.PASS: 0, Status.UNCERTAIN: 1, Status.FAIL: 2}


def seal_name(text: str) -> str:
    return _NOT_NAME.sub("", normalise(text))


def end_trimmed_distance(read: str, name: str, slack: int) -> int:
    """Edits between ``read`` and ``name`` when up to ``slack`` characters in all may be lost or
    added at the two ends of the arc (where a seal's text starts and stops)."""
    best = Levenshtein.distance(read, name)
    for a, b in ((read, name), (name, read)):
        for i in range(slack + 1):
            for j in range(slack + 1 - i):
                best = min(best, Levenshtein.distance(a, b[i : len(b) - j or None]))
    return best


def judge(read: str, name: str, confidence: float | None, settings: CheckSettings) -> Status:
    """PASS when the seal reads the name (ends aside), FAIL when a well-read seal names someone
    clearly else, UNCERTAIN in between."""
    edits = end_trimmed_distance(read, name, settings.seal_end_slack)
    if edits == 0:
        return Status.PASS
    if (
        len(read) < settings.min_seal_read_share * len(name)
        and fuzz.partial_ratio(read, name) >= settings.partial_arc_ratio
    ):
        return Status.UNCERTAIN  # part of the arc read ('科技有限公'): too little to name anyone
    well_read = (confidence or 0.0) >= settings.min_seal_text_confidence
    other = fuzz.ratio(read, name) < settings.other_name_ratio or edits >= settings.other_name_edits
    return Status.FAIL if well_read and other else Status.UNCERTAIN


@register_rule
class ApplicantMatchesSeal:
    id: ClassVar[str] = "applicant.matches_seal"
    clause: ClassVar[str] = "一(三)"
    title: ClassVar[str] = "申请人名称与印章一致"

    def applies_to(self, application_type: ApplicationType) -> bool:
        return True

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]:
        settings = context.settings
        names = _applicant_names(dossier)
        field = FieldName.APPLICANT_NAME.value
        if not names:
            return [
                missing(
                    self.id, self.clause, field, "the applicant's name was not found to compare seals with"
                )
            ]
        others = {v.value for n in THIRD_PARTIES for v in dossier.fields.get(n, source=Source.PAPER)} - {
            v.value for v in names
        }
        judged: list[tuple[Status, int, Seal]] = []
        for seal in self._candidates(dossier, settings):
            read = seal_name(seal.text or "")
            if any(fuzz.ratio(read, o) >= 90 for o in others):
                continue  # a third party's seal (trial unit, test institution): not the applicant's
            status = min(
                (judge(read, n.value, seal.text_confidence, settings) for n in names), key=RANK.__getitem__
            )
            edits = min(end_trimmed_distance(read, n.value, settings.seal_end_slack) for n in names)
            judged.append((status, edits, seal))
        # Impressions of one stamp vary: where some read the name exactly, a near reading is that stamp.
        exact = any(edits == 0 for _, edits, _ in judged)
        noisy = 0
        per_page: dict[int, list[tuple[Status, Seal]]] = defaultdict(list)
        reads = [seal_name(seal.text or "") for _, _, seal in judged]
        # Where none does, what the impressions show together at each misread place decides.
        excused = [
            exact and status == Status.UNCERTAIN and edits <= settings.seal_noise_edits
            for status, edits, _ in judged
        ]
        together = read_together(
            [
                (Status.PASS if ok else status, seal, read)
                for (status, _, seal), read, ok in zip(judged, reads, excused, strict=True)
            ],
            names,
            context,
        )
        for index, (status, _, seal) in enumerate(judged):
            if excused[index] or index in together:
                status, noisy = Status.PASS, noisy + 1
            elif status == Status.FAIL and _outvoted(index, reads, names, settings):
                status = Status.UNCERTAIN
            per_page[seal.page].append((status, seal))
        if not per_page:
            return [
                missing(self.id, self.clause, field, "no seal text could be read on the applicant's pages")
            ]
        # One seal that reads the applicant's name is enough on a page; others there are co-signers'.
        groups: dict[Status, list[Seal]] = defaultdict(list)
        for page in sorted(per_page):
            best = min((s for s, _ in per_page[page]), key=RANK.__getitem__)
            groups[best] += [seal for status, seal in per_page[page] if status == best]
        expected = names[0]
        findings = []
        for status in sorted(groups, key=RANK.__getitem__, reverse=True):
            seals = groups[status]
            pages = sorted({s.page for s in seals})
            reads = list(dict.fromkeys(seal_name(s.text or "") for s in seals))
            shown = ", ".join(repr(r) for r in reads[:4]) + (" …" if len(reads) > 4 else "")
            evidence = [evidence_of(expected, EvidenceRole.EXPECTED)] + [seal_evidence(s) for s in seals]
            if status == Status.PASS:
                message = f"the applicant's seal reads {expected.value} on {len(pages)} page(s)"
                if noisy:
                    message += (
                        f" ({noisy} impression(s) misread in one or two places, where the other impressions "
                        "of the same seal show the name's characters"
                        + "".join(
                            f"; page {judged[i][2].page}: {shown_together(support)}"
                            for i, support in list(together.items())[:4]
                        )
                        + ")"
                    )
            elif status == Status.FAIL:
                message = f"seals read {shown}: another organisation than the applicant {expected.value}"
            else:
                message = (
                    f"seals read {shown}, not quite the applicant's name {expected.value}; "
                    "the seal text may be misread, a person must look"
                )
            findings.append(
                Finding(
                    rule=self.id,
                    clause=self.clause,
                    field=FieldName.APPLICANT_NAME.value,
                    status=status,
                    expected=expected.value,
                    found=None if status == Status.PASS else "; ".join(reads),
                    pages=pages,
                    evidence=evidence,
                    message=message,
                )
            )
        return findings

    def _candidates(self, dossier: Dossier, settings: CheckSettings) -> list[Seal]:
        """Seals with text on pages the applicant stamps, offices' seals left out."""
        exempt = {p.page for p in dossier.pages if p.doc_type in settings.seal_text_exempt_documents}
        return [
            s
            for s in dossier.seals
            if s.text
            and s.page not in exempt
            and s.kind not in (SealKind.SQUARE, SealKind.STRADDLE_SLICE)
            and s.confidence >= settings.min_seal_confidence
            and not seal_name(s.text).endswith(settings.authority_seal_endings)
            and not any(word in seal_name(s.text) for word in settings.authority_seal_words)
            and seal_name(s.text)
        ]


def _outvoted(index: int, reads: list[str], names: list[FieldValue], settings: CheckSettings) -> bool:
    """Whether a reading that looks like another organisation is one misread impression of the
    applicant's stamp: still close to the name, and at each place where it departs from it, most of
    the other impressions (at least two) read the name's own character.

    Arc text is read far less surely than a line (curved, under a star, over stray ink), and a
    garbled arc can come back with high confidence. A different stamp does not look like that: a
    whole other name is not close, and a consistent other stamp is not outvoted by its own
    impressions.
    """
    others = reads[:index] + reads[index + 1 :]
    if len(others) < 2:
        return False
    read = reads[index]
    for name in (n.value for n in names):
        if fuzz.ratio(read, name) < settings.other_name_ratio:
            continue
        departs = _departures(read, name)
        theirs = [_departures(other, name) for other in others]
        votes = [sum(1 for t in theirs if p not in t) for p in departs]
        if departs and all(v * 2 > len(others) for v in votes):
            return True
    return False


def _departures(read: str, name: str) -> set[int]:
    """Positions of ``name`` where ``read`` departs from it (an insertion counts at the position
    it precedes)."""
    return {min(op.src_pos, len(name) - 1) for op in Levenshtein.editops(name, read)}


def _applicant_names(dossier: Dossier) -> list[FieldValue]:
    """The applicant's name(s) as the form gives them; the licence's or the electronic version's
    where the form was not read."""
    for doc in NAME_DOCUMENTS:
        field = FieldName.APPLICANT_NAME if doc == DocType.APPLICATION_FORM else FieldName.LICENCE_NAME
        found = dossier.fields.get(field, source=Source.PAPER, document=doc)
        if found:
            # Joint applicants each stamp with their own seal: any of them is the applicant.
            unique = {part.value: part for v in found for part in joint_parts(v)}
            return list(unique.values())
    electronic = dossier.fields.get(FieldName.APPLICANT_NAME, source=Source.ELECTRONIC)
    return [part for v in electronic for part in joint_parts(v)]
