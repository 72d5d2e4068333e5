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
    PageReading,
    ProcessingError,
    Report,
    Seal,
    Stage,
    StraddleSeal,
    UprightPage,
    verdict_of,
)
from filingcheck.ocr import (
    EngineBoxReader,
    EngineSealScorer,
    LineScorer,
    RasterSettings,
    build_engine,
    count_pages,
    load_page,
    load_pages,
    turn_upright,
)
from filingcheck.ocr.seals import join_straddle_seals
from filingcheck.pipeline.pages import (
    FIELD_PAGES,
    CachedPage,
    PageResult,
    cache_page,
    cached_page,
    read_pages,
)
from filingcheck.pipeline.settings import Inputs, PipelineSettings, Progress
from filingcheck.store.ocr_cache import FileOcrCache, facts_key


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
    uprights = UprightPages(settings.raster)
    results: list[PageResult] = []
    sources: dict[int, tuple[Path, int]] = {}
    started = time.perf_counter()
    cached = _CachedPages(settings, engine)
    pages = _paper_pages(inputs.paper, settings.raster, errors, files, sources, cached)
    total = sum(count_pages(p) for p in inputs.paper if p.is_file() and p.stat().st_size)
    for result, upright, page_errors in read_pages(pages, settings):
        results.append(result)
        errors.extend(page_errors)
        if upright is not None:
            uprights.keep(result.info.page, upright)
        if progress:
            progress("ocr", len(results) + len(cached.results), total)
    for result, reading, page_errors in cached.results:
        results.append(result)
        errors.extend(page_errors)
        if result.info.doc_type in FIELD_PAGES:
            uprights.defer(result.info.page, *sources[result.info.page], reading)
    if cached.results and progress:
        progress("ocr", len(results), total)
    cached.remember_facts(results, sources, inputs.paper, files)
    results.sort(key=lambda r: r.info.page)
    if not results:
        raise InputError("no_pages", "no page of the paper version could be read")
    timings["ocr_and_seals"] = round(time.perf_counter() - started, 3)

    started = time.perf_counter()
    all_seals, straddles = _join_straddles(results)
    fields = extract_fields([(r.ocr, r.info.doc_type) for r in results if r.ocr is not None], all_seals)
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
    scans = PageImages(sources, settings.raster)
    context = CheckContext(
        settings=settings.checks,
        second_reader=EngineBoxReader(second, uprights) if second else None,
        seal_scorer=EngineSealScorer(engine, scans) if isinstance(engine, LineScorer) else None,
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
    return Result(report=report, page_images=scans)


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
    cached: _CachedPages,
) -> Iterator[PageImage]:
    """The pages to read, file by file; a file whose every page is in the cache is not decoded
    at all (its results go to ``cached``)."""
    number = 1
    for path, info in zip(paths, files, strict=True):
        hits = cached.whole_file(path, info.sha256, number)
        if hits is not None:
            files[files.index(info)] = info.model_copy(update={"pages": len(hits)})
            sources.update({number + i: (path, i + 1) for i in range(len(hits))})
            number += len(hits)
            continue
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


class _CachedPages:
    """Pages of the paper files taken whole from the reading cache, and the facts kept for that."""

    def __init__(self, settings: PipelineSettings, engine: object) -> None:
        self._settings = settings
        self._engine = engine
        self._cache = FileOcrCache(settings.cache_dir) if settings.cache_dir else None
        self._raster = repr(settings.raster)
        self.results: list[CachedPage] = []

    def whole_file(self, path: Path, sha256: str, first: int) -> list[CachedPage] | None:
        """Every page of one file from the cache (kept in ``results``), or None if any is missing."""
        if self._cache is None:
            return None
        hits = []
        for file_page in range(1, count_pages(path) + 1):
            facts = self._cache.get_facts(facts_key(sha256, file_page, self._raster))
            number = first + file_page - 1
            hit = facts and cached_page(facts, number, path.name, file_page, self._engine, self._settings)
            if not hit:
                return None
            hits.append(hit)
        if not hits:
            return None
        self.results.extend(hits)
        return hits

    def remember_facts(
        self,
        results: list[PageResult],
        sources: dict[int, tuple[Path, int]],
        paths: list[Path],
        files: list[InputFile],
    ) -> None:
        """Keep the facts of the pages decoded in this run, so the next run of the same files need not."""
        if self._cache is None:
            return
        digests = {path: info.sha256 for path, info in zip(paths, files, strict=False)}
        from_cache = {result.info.page for result, _, _ in self.results}
        for result in results:
            path, file_page = sources.get(result.info.page, (Path(), 0))
            if result.facts is None or result.info.page in from_cache or path not in digests:
                continue
            self._cache.put_facts(facts_key(digests[path], file_page, self._raster), result.facts)


class UprightPages(Mapping[int, UprightPage]):
    """Field pages turned upright, for second reads of disputed boxes: those read in this run as
    they are, those taken from the cache rebuilt from their scan on first use (most runs never ask)."""

    def __init__(self, raster: RasterSettings) -> None:
        self._raster = raster
        self._ready: dict[int, UprightPage] = {}
        self._deferred: dict[int, tuple[Path, int, PageReading]] = {}

    def keep(self, page: int, upright: UprightPage) -> None:
        self._ready[page] = upright

    def defer(self, page: int, path: Path, file_page: int, reading: PageReading) -> None:
        self._deferred[page] = (path, file_page, reading)

    def __getitem__(self, page: int) -> UprightPage:
        if page not in self._ready:
            path, file_page, reading = self._deferred.pop(page)
            scan = load_page(path, file_page, page, self._raster)
            self._ready[page] = turn_upright(
                scan, reading.rotation, reading.skew, reading.rotation_confidence, reading.notes
            )
        return self._ready[page]

    def __iter__(self) -> Iterator[int]:
        return iter(sorted(self._ready.keys() | self._deferred.keys()))

    def __len__(self) -> int:
        return len(self._ready.keys() | self._deferred.keys())


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
