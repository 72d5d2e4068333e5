"""The rule protocol, the registry that finds rules by id, and what every rule is handed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar, Protocol

from filingcheck.crosscheck.settings import CheckSettings
from filingcheck.models import ApplicationType, BoxReader, Dossier, Finding, SealTextScorer


@dataclass(frozen=True)
class CheckContext:
    """Settings, plus what the pipeline provides to settle disputed readings: a second reader
    for boxes and a scorer of names against seal impressions."""

    settings: CheckSettings
    second_reader: BoxReader | None = None
    seal_scorer: SealTextScorer | None = None


class Rule(Protocol):
    """One checkable requirement of the notice (RULES.md); ``id`` never changes meaning."""

    id: ClassVar[str]
    clause: ClassVar[str]
    title: ClassVar[str]

    def applies_to(self, application_type: ApplicationType) -> bool: ...

    def check(self, dossier: Dossier, context: CheckContext) -> list[Finding]: ...


RuleFactory = Callable[[], Rule]
_RULES: dict[str, type] = {}


def register_rule(cls: type) -> type:
    """Class decorator; built-in rules register the same way as add-ons."""
    rule_id = cls.id  # type: ignore[attr-defined]
    if rule_id in _RULES and _RULES[rule_id] is not cls:
        raise ValueError(f"rule id {rule_id!r} registered twice")
    _RULES[rule_id] = cls
    return cls


def rule_ids() -> list[str]:
    return sorted(_RULES)


class UnknownRuleError(KeyError):
    def __init__(self, rule_id: str) -> None:
        super().__init__(f"unknown rule {rule_id!r}; known rules: {', '.join(rule_ids())}")

    def __str__(self) -> str:
        return str(self.args[0])


def get_rule(rule_id: str) -> Rule:
    if rule_id not in _RULES:
        raise UnknownRuleError(rule_id)
    rule: Rule = _RULES[rule_id]()
    return rule


def finding_id(finding: Finding) -> str:
    """A stable id from what the finding is about, so re-runs keep decisions attached."""
    key = "|".join([finding.rule, finding.field or "", ",".join(map(str, finding.pages))])
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:12]
