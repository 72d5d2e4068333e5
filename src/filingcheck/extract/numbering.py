"""Item numbers as dossiers print them: 1． / 1、 / (一) / 一、 / 资料1： / 第1项, split off the item name."""

from __future__ import annotations

import re
from dataclasses import dataclass

from filingcheck.models.normalize import normalise

_CN = "〇一二三四五六七八九"
_NUMBERED = re.compile(
    r"^(?:资料|申报资料|第)?\s*[(\[]?(?P<num>\d{1,2}|[一二三四五六七八九十]{1,3})[)\]]?"
    r"\s*(?:项)?\s*(?P<sep>[.,:;、．：·•]|(?<=[)\]])|(?<=项))\s*(?P<name>.*)$"
)
# Leaders and a page number at the end of a contents line: "……… 12".
_LEADER_PAGE = re.compile(r"(?:[.·…_\-]{2,}|[.·…]\s*)\s*(?P<page>\d{1,4})?\s*$")


@dataclass(frozen=True)
class Numbered:
    number: int
    name: str
    page: int | None
    name_start: int  # index in the normalised text where the name begins


def cn_number(text: str) -> int:
    """一 … 九十九 as an int; Arabic digits pass through."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN.index(tens) if tens else 1) * 10 + (_CN.index(ones) if ones else 0)
    return _CN.index(text) if text in _CN else 0


def split_numbered(text: str) -> Numbered | None:
    """Number, name and page of an item line; None when the line does not start with a number."""
    norm = normalise(text)
    m = _NUMBERED.match(norm)
    if m is None or not m["name"]:
        return None
    number = cn_number(m["num"])
    if not 0 < number < 100:
        return None
    name, page = m["name"], None
    tail = _LEADER_PAGE.search(name)
    if tail is not None and tail.start() > 0:
        page = int(tail["page"]) if tail["page"] else None
        name = name[: tail.start()]
    name = name.rstrip(".·…,;:、 ")
    if not name or name[0].isdigit():
        return None
    return Numbered(number=number, name=name, page=page, name_start=m.start("name"))
