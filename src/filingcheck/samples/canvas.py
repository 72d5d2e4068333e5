"""A page to draw on in millimetres and points, so layouts read like the paper they imitate."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from fontTools.ttLib import TTFont
from PIL import Image, ImageDraw, ImageFont

# Installed by the Debian packages fonts-wqy-zenhei, fonts-arphic-uming, fonts-arphic-ukai,
# fonts-droid-fallback and fonts-dejavu-core.
FONT_FILES: dict[str, tuple[str, int]] = {
    "hei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    "ming": ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    "kai": ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
    "droid": ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    "latin": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 0),
}
INK = (28, 28, 30)
A4_MM = (210.0, 297.0)
# Characters that must not start a line (Chinese typesetting rule).
NO_LINE_START = set("，。、；：？！）》」』”’%％")


@functools.lru_cache(maxsize=256)
def font(face: str, px: int) -> ImageFont.FreeTypeFont:
    path, index = FONT_FILES[face]
    return ImageFont.truetype(path, max(4, px), index=index)


@functools.lru_cache(maxsize=8)
def coverage(face: str) -> frozenset[int]:
    path, index = FONT_FILES[face]
    with TTFont(path, fontNumber=index, lazy=True) as tt:
        return frozenset(tt.getBestCmap())


def runs(face: str, text: str) -> list[tuple[str, str]]:
    """Split text into (face, chunk) runs, sending characters the face lacks to the Latin font."""
    if face != "droid":
        return [(face, text)]
    have = coverage(face)
    out: list[tuple[str, str]] = []
    for ch in text:
        f = face if ord(ch) in have else "latin"
        if out and out[-1][0] == f:
            out[-1] = (f, out[-1][1] + ch)
        else:
            out.append((f, ch))
    return out


@dataclass
class Canvas:
    """One A4 page being drawn at ``dpi``; positions in mm from the top-left, sizes in pt."""

    dpi: int
    image: Image.Image
    faces: dict[str, str]

    @classmethod
    def a4(cls, dpi: int, faces: dict[str, str], landscape: bool = False) -> Canvas:
        w, h = A4_MM[::-1] if landscape else A4_MM
        size = (round(w / 25.4 * dpi), round(h / 25.4 * dpi))
        return cls(dpi, Image.new("RGB", size, (255, 255, 255)), faces)

    @functools.cached_property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.image)

    @property
    def width_mm(self) -> float:
        return self.image.width * 25.4 / self.dpi

    @property
    def height_mm(self) -> float:
        return self.image.height * 25.4 / self.dpi

    def px(self, mm: float) -> float:
        return mm * self.dpi / 25.4

    def font(self, pt: float, role: str = "body") -> tuple[str, int]:
        return self.faces.get(role, role), round(pt * self.dpi / 72)

    def width(self, text: str, pt: float, role: str = "body") -> float:
        face, px = self.font(pt, role)
        return sum(font(f, px).getlength(chunk) for f, chunk in runs(face, text)) * 25.4 / self.dpi

    def text(
        self,
        x: float,
        y: float,
        text: str,
        pt: float,
        role: str = "body",
        fill: tuple[int, int, int] = INK,
        align: str = "left",
        spacing: float = 0.0,
    ) -> float:
        """Draw one line with its baseline at ``y``; ``spacing`` adds gaps of that many em between
        characters (名　　称 style). Returns the width in mm."""
        face, px = self.font(pt, role)
        gap = spacing * pt * 25.4 / 72
        width = self.width(text, pt, role) + gap * max(0, len(text) - 1)
        if align == "center":
            x -= width / 2
        elif align == "right":
            x -= width
        if spacing:
            for ch in text:
                self.text(x, y, ch, pt, role, fill)
                x += self.width(ch, pt, role) + gap
            return width
        cx = self.px(x)
        for f, chunk in runs(face, text):
            fnt = font(f, px)
            self.draw.text((cx, self.px(y)), chunk, font=fnt, fill=fill, anchor="ls")
            cx += fnt.getlength(chunk)
        return width

    def spread(
        self,
        x: float,
        y: float,
        width: float,
        text: str,
        pt: float,
        role: str = "body",
        fill: tuple[int, int, int] = INK,
    ) -> None:
        """Distribute the characters of a short label evenly over ``width`` mm."""
        if len(text) < 2:
            self.text(x, y, text, pt, role, fill)
            return
        step = (width - self.width(text[-1], pt, role)) / (len(text) - 1)
        for i, ch in enumerate(text):
            self.text(x + i * step, y, ch, pt, role, fill)

    def wrap(self, text: str, pt: float, width: float, role: str = "body", indent: float = 0.0) -> list[str]:
        """Break text into lines no wider than ``width`` mm, keeping digits and Latin words whole."""
        tokens: list[str] = []
        for ch in text:
            if (
                tokens
                and ch.isascii()
                and ch.isalnum()
                and tokens[-1][-1].isascii()
                and tokens[-1][-1].isalnum()
            ) or (tokens and (ch in NO_LINE_START or ch in ".%")):
                tokens[-1] += ch
            else:
                tokens.append(ch)
        lines: list[str] = []
        line = ""
        limit = width - indent
        for tok in tokens:
            if line and self.width(line + tok, pt, role) > limit:
                lines.append(line)
                line, limit = tok, width
            else:
                line += tok
        if line:
            lines.append(line)
        return lines

    def paragraph(
        self,
        x: float,
        y: float,
        width: float,
        text: str,
        pt: float,
        role: str = "body",
        indent: int = 2,
        leading: float = 1.65,
        fill: tuple[int, int, int] = INK,
    ) -> float:
        """Draw a paragraph with a first-line indent; ``y`` is the first baseline; returns the next one."""
        em = pt * 25.4 / 72
        for i, line in enumerate(self.wrap(text, pt, width, role, indent * em)):
            self.text(x + (indent * em if i == 0 else 0), y, line, pt, role, fill)
            y += em * leading
        return y

    def line(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        width_mm: float = 0.25,
        fill: tuple[int, int, int] = INK,
    ) -> None:
        w = max(1, round(self.px(width_mm)))
        self.draw.line([(self.px(x0), self.px(y0)), (self.px(x1), self.px(y1))], fill=fill, width=w)

    def rect(
        self,
        x0: float,
        y0: float,
        x1: float,
        y1: float,
        width_mm: float = 0.25,
        fill: tuple[int, int, int] | None = None,
        outline: tuple[int, int, int] | None = INK,
    ) -> None:
        w = max(1, round(self.px(width_mm)))
        box = [self.px(x0), self.px(y0), self.px(x1), self.px(y1)]
        self.draw.rectangle(box, fill=fill, outline=outline, width=w if outline else 0)
