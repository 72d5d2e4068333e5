"""Assembling a dossier: its pages read (see ``pages``), straddle seals joined, fields extracted,
the electronic version added, the rules checked, the report written."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from filingcheck import __version__
from filingcheck.crosscheck import CheckContext, run_checks
from filingcheck.extract import extract_fields, read_electronic
from filingcheck.models import (
    Affine,
    Dossier,
    FieldSet,
    InputError,
    InputFile,
    PageEdge,
    PageImage,
    ProcessingError,
    Report,
    Seal,
    Stage,
    StraddleSeal,
    UprightPage,
    verdict_of,
)
from filingcheck.ocr import EngineBoxReader, RasterSettings, build_engine, count_pages, load_page, load_pages
from filingcheck.ocr.seals import join_straddle_seals
from filingcheck.pipeline.pages import PageResult, cache_page, read_pages
from filingcheck.pipeline.settings import Inputs, PipelineSettings, Progress


@dataclass
class Result:
    report: Report
    page_images: Mapping[int, np.ndarray]


def process_submission(
    inputs: Inputs, settings: PipelineSettings | None = None, progress: Progress | None = None
) -> Result:
    """Check one submission end to end. Raises ``InputError`` only when no paper page can be read."""
    settings = settings or PipelineSettings()
    timings: dict[str, float] = {}
    errors: list[ProcessingError] = []
    files = [_input_file("paper", p) for p in inputs.paper]
    engine = build_engine(settings.engine, settings.ocr)
    uprights: dict[int, UprightPage] = {}
    results: list[PageResult] = []
    sources: dict[int, tuple[Path, int]] = {}
    started = time.perf_counter()
    pages = _paper_pages(inputs.paper, settings.raster, errors, files, sources)
    total = sum(count_pages(p) for p in inputs.paper if p.is_file() and p.stat().st_size)
    for result, upright, page_errors in read_pages(pages, settings):
        results.append(result)
        errors.extend(page_errors)
        if upright is not None:
            uprights[result.info.page] = upright
        if progress:
            progress("ocr", len(results), total)
    results.sort(key=lambda r: r.info.page)
    if not results:
        raise InputError("no_pages", "no page of the paper version could be read")
    timings["ocr_and_seals"] = round(time.perf_counter() - started, 3)

    started = time.perf_counter()
    all_seals, straddles = _join_straddles(results)
    fields = extract_fields([(r.ocr, r.info.doc_type) for r in results if r.ocr is not None])
    has_electronic = False
    if inputs.electronic is not None:
        try:
            electronic = read_electronic(inputs.electronic, max_pages=settings.raster.max_pages)
            files.append(_input_file("electronic", inputs.electronic, electronic.pages))
            fields = FieldSet(values=fields.values + electronic.fields)
            errors.extend(electronic.errors)
            has_electronic = bool(electronic.fields)
        except InputError as exc:
            errors.append(
                ProcessingError(
                    code=exc.code, stage=Stage.ELECTRONIC, message=exc.message, source=inputs.electronic.name
                )
            )
    timings["extract"] = round(time.perf_counter() - started, 3)

    started = time.perf_counter()
    dossier = Dossier(
        submission=inputs.submission,
        pages=[r.info for r in results],
        fields=fields,
        seals=all_seals,
        straddle_seals=straddles,
        has_electronic=has_electronic,
    )
    second = build_engine(settings.second_engine, settings.ocr) if settings.second_engine else None
    context = CheckContext(
        settings=settings.checks, second_reader=EngineBoxReader(second, uprights) if second else None
    )
    findings = run_checks(dossier, context)
    timings["checks"] = round(time.perf_counter() - started, 3)
    timings["seconds_per_page"] = round(sum(timings.values()) / len(results), 3)

    engines = [engine.info] + ([second.info] if second else [])
    report = Report(
        filingcheck_version=__version__,
        generated_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        submission=inputs.submission,
        inputs=files,
        verdict=verdict_of(findings),
        pages=dossier.pages,
        fields=fields.by_name(),
        seals=all_seals,
        straddle_seals=straddles,
        findings=findings,
        errors=errors,
        engines=engines,
        timings=timings,
    )
    return Result(report=report, page_images=PageImages(sources, settings.raster))


def page_sources(paths: list[Path]) -> dict[int, tuple[Path, int]]:
    """Each paper page's number and where it lies (file, page in the file), numbered as
    ``process_submission`` numbers them, from the files' headers alone (nothing is decoded)."""
    sources: dict[int, tuple[Path, int]] = {}
    number = 1
    for path in paths:
        pages = count_pages(path) if path.is_file() and path.stat().st_size else 0
        for file_page in range(1, pages + 1):
            sources[number] = (path, file_page)
            number += 1
    return sources


def cache_paper_page(paper: list[Path], number: int, settings: PipelineSettings) -> bool:
    """Read page ``number`` of the paper files into the cache (see ``pages.cache_page``); False
    when there is no such page. A page that cannot be loaded is left to the dossier's run,
    which records why."""
    path, file_page = page_sources(paper).get(number, (None, 0))
    if path is None:
        return False
    try:
        page = load_page(path, file_page, number, settings.raster)
    except InputError:
        return False
    cache_page(page, settings)
    return True


def _paper_pages(
    paths: list[Path],
    raster: RasterSettings,
    errors: list[ProcessingError],
    files: list[InputFile],
    sources: dict[int, tuple[Path, int]],
) -> Iterator[PageImage]:
    number = 1
    for path, info in zip(paths, files, strict=True):
        try:
            pages = load_pages(path, number, raster)
        except InputError as exc:
            if len(paths) == 1:
                raise
            errors.append(
                ProcessingError(code=exc.code, stage=Stage.LOAD, message=exc.message, source=path.name)
            )
            continue
        files[files.index(info)] = info.model_copy(update={"pages": len(pages)})
        for page in pages:
            sources[page.page] = (path, page.file_page)
            yield page
        number += len(pages)


EDGE_AFTER_QUARTER_TURN = {
    PageEdge.LEFT: PageEdge.TOP,
    PageEdge.TOP: PageEdge.RIGHT,
    PageEdge.RIGHT: PageEdge.BOTTOM,
    PageEdge.BOTTOM: PageEdge.LEFT,
}


def _join_straddles(results: list[PageResult]) -> tuple[list[Seal], list[StraddleSeal]]:
    """Join straddle-seal slices in the upright frame (the stack was stamped upright), then
    report every seal on its scan as found."""
    scan_seals: list[Seal] = []
    upright_seals: list[Seal] = []
    sizes: dict[int, tuple[int, int]] = {}
    for r in results:
        to_upright = r.ocr.to_upright if r.ocr is not None else Affine.identity()
        turns = (r.info.rotation // 90) % 4
        sizes[r.info.page] = (r.info.height, r.info.width) if turns % 2 else (r.info.width, r.info.height)
        for seal in r.seals:
            edge = seal.edge
            for _ in range(turns):
                edge = EDGE_AFTER_QUARTER_TURN[edge] if edge is not None else None
            axes = (seal.axes[1], seal.axes[0]) if turns % 2 else seal.axes
            scan_seals.append(seal)
            upright_seals.append(
                seal.model_copy(
                    update={
                        "bbox": to_upright.map_box(seal.bbox),
                        "centre": to_upright.apply(*seal.centre),
                        "axes": axes,
                        "edge": edge,
                    }
                )
            )
    joined, straddles = join_straddle_seals(upright_seals, sizes)
    groups = {(s.page, s.centre): s.straddle_group for s in joined}
    seals = [
        scan.model_copy(update={"straddle_group": groups.get((up.page, up.centre))})
        for scan, up in zip(scan_seals, upright_seals, strict=True)
    ]
    return seals, straddles


def _input_file(role: str, path: Path, pages: int = 0) -> InputFile:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return InputFile(role=role, name=path.name, sha256=digest.hexdigest(), pages=pages)


class PageImages(Mapping[int, np.ndarray]):
    """Scanned page images by page number, loaded again on demand so memory stays flat."""

    def __init__(self, sources: dict[int, tuple[Path, int]], raster: RasterSettings) -> None:
        self._sources = sources
        self._raster = raster

    def __getitem__(self, page: int) -> np.ndarray:
        path, file_page = self._sources[page]
        return load_page(path, file_page, page, self._raster).image

    def __iter__(self) -> Iterator[int]:
        return iter(self._sources)

    def __len__(self) -> int:
        return len(self._sources)
