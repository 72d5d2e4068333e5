"""Cross-checks: rules from the notice turned into findings with evidence (imports only models)."""

from filingcheck.crosscheck.base import (
    CheckContext,
    Rule,
    UnknownRuleError,
    get_rule,
    register_rule,
    rule_ids,
)
from filingcheck.crosscheck.run import run_checks, sort_findings
from filingcheck.crosscheck.settings import CheckSettings

__all__ = [
    "CheckContext",
    "CheckSettings",
    "Rule",
    "UnknownRuleError",
    "get_rule",
    "register_rule",
    "rule_ids",
    "run_checks",
    "sort_findings",
]
