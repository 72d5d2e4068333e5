"""Organisation and address names in running text by their shape, for pages where no name is known yet.

A spaCy ``blank("zh")`` pipeline (one token per character) with one component that marks spans
ending in an organisation suffix (有限公司, 研究所, 中心 …), a government-body suffix (局, 委员会,
人民政府 …) or a chain of address units (省/市/区/县/路/号 …). Chinese has no spaces, so a name
starts after the nearest punctuation or function character (的, 在, 和 …), at most a few
characters back. Names without a suffix (腾讯, 北京) are not found: that needs a trained model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Characters that cannot be inside a name: punctuation, spaces and common function characters.
_STOP = r"\s,，。、；;：:“”\"'‘’（）()《》【】!！?？的在是了和与及向对从被把将由据为于等这那该其也都就而"
_NAME_CHAR = rf"[^{_STOP}]"
# A name starts with a Chinese character: a count or a unit before it (15年, 2km) is not its own.
_HEAD = rf"(?:(?![{_STOP}])[\u4e00-\u9fff])"
COMPANY_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
    "研究所",
    "研究院",
    "银行",
    "中心",
)
GOVERNMENT_SUFFIXES = (
    "人民政府",
    "政府",
    "委员会",
    "监督管理局",
    "管理局",
    "人民法院",
    "法院",
    "检察院",
    "国务院",
    "海关",
    "公安局",
    "(?<![平结布格开])局",
    "(?<![大客餐门])厅",
    "署",
)
ADDRESS_UNITS = ("自治区", "省", "市", "区", "县", "镇", "乡", "村", "街道", "大道", "路", "街", "巷", "号")
# Address units that start common words rather than end a place name (市场, 区别, 路线, 号称 …).
_NOT_AFTER_UNIT = "场民值长委别域线码称召人"

_COMPANY = re.compile(rf"{_HEAD}{_NAME_CHAR}{{1,11}}?(?:{'|'.join(COMPANY_SUFFIXES)})")
_GOVERNMENT = re.compile(rf"{_HEAD}{_NAME_CHAR}{{1,9}}?(?:{'|'.join(GOVERNMENT_SUFFIXES)})")
_ADDRESS = re.compile(
    rf"{_HEAD}(?:{_NAME_CHAR}{{0,5}}?(?:{'|'.join(ADDRESS_UNITS)})(?![{_NOT_AFTER_UNIT}])){{2,}}"
    rf"|{_HEAD}{_NAME_CHAR}{{1,3}}?(?:省|自治区)"
)
KINDS = (("company", _COMPANY), ("government", _GOVERNMENT), ("address", _ADDRESS))


@dataclass(frozen=True)
class Entity:
    """A name found in text: characters ``start``–``end`` (end exclusive) of the text searched."""

    start: int
    end: int
    kind: str
    text: str


@lru_cache(maxsize=1)
def _pipeline() -> Any:
    import spacy  # slow to import: only when text is searched
    from spacy.language import Language
    from spacy.util import filter_spans

    if "filingcheck_name_shapes" not in Language.factories:

        @Language.component("filingcheck_name_shapes")
        def name_shapes(doc: Any) -> Any:
            spans = []
            for kind, pattern in KINDS:
                for m in pattern.finditer(doc.text):
                    span = doc.char_span(m.start(), m.end(), label=kind, alignment_mode="expand")
                    if span is not None:
                        spans.append(span)
            # An organisation's name often holds its address (湖南省长沙市…有限公司): the longer span wins.
            doc.ents = filter_spans(spans)
            return doc

    nlp = spacy.blank("zh")
    nlp.add_pipe("filingcheck_name_shapes")
    return nlp


def find_entities(text: str) -> list[Entity]:
    """Company, government-body and address names in ``text`` by their shape, in text order."""
    doc = _pipeline()(text)
    return [Entity(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]
