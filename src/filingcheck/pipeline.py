"""The only module that knows the order of the stages: load → OCR and seals → extract → check → report."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import multiprocessing
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np

from filingcheck import __version__
from filingcheck.crosscheck import CheckContext, CheckSettings, run_checks
from filingcheck.extract import body_text_height, classify_page, extract_fields, read_electronic
from filingcheck.models import (
    Affine,
    DocType,
    Dossier,
    EngineInfo,
    FieldSet,
    InputError,
    InputFile,
    PageEdge,
    PageImage,
    PageInfo,
    PageOcr,
    PageReading,
    ProcessingError,
    Report,
    Seal,
    Stage,
    StraddleSeal,
    Submission,
    TextSource,
    UprightPage,
    verdict_of,
)
from filingcheck.ocr import (
    EngineBoxReader,
    OcrSettings,
    PrepareSettings,
    RasterSettings,
    build_engine,
    count_pages,
    ink_share,
    is_colour,
    load_page,
    load_pages,
    page_size_mm,
    prepare_page,
    read_page,
    turn_upright,
)
from filingcheck.ocr.read import PREPROCESSING
from filingcheck.ocr.seals import SealSettings, detect_seals, join_straddle_seals, read_seal_text
from filingcheck.store.ocr_cache import FileOcrCache, reading_key

Progress = Callable[[str, int, int], None]
TITLE_ZONE = 0.22
SPARSE_INK = 0.009
PROSE_LINE_CHARS = 15
# Pages no rule reads word for word: targeted mode reads only their title zone.
PROSE_PAGES = {
    DocType.OTHER_TEXT,
    DocType.PRODUCTION_PROCESS,
    DocType.QUALITY_STANDARD,
    DocType.LABEL_INSTRUCTIONS,
    DocType.PATENT_GUARANTEE,
    DocType.TRADEMARK_CERTIFICATE,
}
FIELD_PAGES = {
    DocType.APPLICATION_FORM,
    DocType.COVER_SHEET,
    DocType.BUSINESS_LICENCE,
    DocType.INSTITUTION_CERTIFICATE,
    DocType.FORMULA,
    DocType.TEST_REPORT,
    DocType.TEST_APPLICATION_FORM,
}


class Mode(StrEnum):
    """``targeted`` reads in full only the pages rules need (intake); ``full`` reads every page."""

    TARGETED = "targeted"
    FULL = "full"


@dataclass(frozen=True)
class PipelineSettings:
    engine: str = "rapidocr"
    second_engine: str | None = "tesseract"
    ocr: OcrSettings = field(default_factory=OcrSettings)
    raster: RasterSettings = field(default_factory=RasterSettings)
    prepare: PrepareSettings = field(default_factory=PrepareSettings)
    seals: SealSettings = field(default_factory=SealSettings)
    checks: CheckSettings = field(default_factory=CheckSettings)
    # Pages OCRed in parallel worker processes (1: in this process).
    workers: int = 1
    mode: Mode = Mode.TARGETED
    # Page readings are cached here (None: no cache).
    cache_dir: Path | None = None


@dataclass(frozen=True)
class Inputs:
    """What was handed in: paper scan files in order, the electronic version, the metadata."""

    paper: list[Path]
    electronic: Path | None = None
    submission: Submission = field(default_factory=Submission)


@dataclass
class PageResult:
    info: PageInfo
    ocr: PageOcr | None
    seals: list[Seal]


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


PageOutcome = tuple[PageResult, UprightPage | None, list[ProcessingError]]


def read_pages(pages: Iterator[PageImage], settings: PipelineSettings) -> Iterator[PageOutcome]:
    """OCR and seals of every page, in worker processes when ``settings.workers`` > 1.

    At most two pages per worker are in flight, so a thick dossier never sits in memory whole.
    """
    if settings.workers <= 1:
        engine = build_engine(settings.engine, settings.ocr)
        for page in pages:
            yield _outcome(page, engine, settings)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        settings.workers, mp_context=context, initializer=_init_worker, initargs=(settings,)
    ) as pool:
        pending: set[Future[PageOutcome]] = set()
        for page in pages:
            pending.add(pool.submit(_worker_read, page))
            if len(pending) >= 2 * settings.workers:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                yield from (f.result() for f in done)
        for future in as_completed(pending):
            yield future.result()


_WORKER: dict[str, object] = {}


def _init_worker(settings: PipelineSettings) -> None:
    """Build the engine once per worker process (models load slowly)."""
    _WORKER["settings"] = settings
    _WORKER["engine"] = build_engine(settings.engine, settings.ocr)


def _worker_read(page: PageImage) -> PageOutcome:
    settings = _WORKER["settings"]
    assert isinstance(settings, PipelineSettings)
    return _outcome(page, _WORKER["engine"], settings)


def _outcome(page: PageImage, engine: object, settings: PipelineSettings) -> PageOutcome:
    errors: list[ProcessingError] = []
    result, upright = _read_one_page(page, engine, settings, errors)
    keep = upright if upright is not None and result.info.doc_type in FIELD_PAGES else None
    return result, keep, errors


def _read_one_page(
    page: PageImage, engine: object, settings: PipelineSettings, errors: list[ProcessingError]
) -> tuple[PageResult, UprightPage | None]:
    """Seals, upright OCR and class of one page; a failing step is recorded and the run goes on."""
    seals: list[Seal] = []
    colour = is_colour(page.image)
    try:
        seals = detect_seals(page, settings.seals)
    except Exception as exc:  # a broken page must not stop the dossier
        errors.append(_error("seal_detection_failed", Stage.SEALS, page, exc))
    upright: UprightPage | None = None
    ocr: PageOcr | None = None
    reading: PageReading | None = None
    try:
        reading, upright = _reading(page, engine, seals, settings)
        ocr = reading.ocr
        errors.extend(
            ProcessingError(
                code=note.split(":")[0],
                stage=Stage.PREPROCESS,
                page=page.page,
                source=page.source,
                message=note,
            )
            for note in reading.notes
        )
    except Exception as exc:
        errors.append(_error("ocr_failed", Stage.OCR, page, exc))
    seals = [_with_text(page, s, engine, errors) for s in seals]
    doc_type, confidence = DocType.OTHER_TEXT, 0.0
    if ocr is not None:
        found = classify_page(ocr)
        doc_type, confidence = found.doc_type, found.confidence
    width_mm, height_mm = page_size_mm(page)
    info = PageInfo(
        page=page.page,
        source=page.source,
        file_page=page.file_page,
        width=page.width,
        height=page.height,
        dpi=page.dpi,
        width_mm=round(width_mm, 1),
        height_mm=round(height_mm, 1),
        rotation=upright.rotation if upright else 0,
        skew=upright.skew if upright else 0.0,
        colour=colour,
        doc_type=doc_type,
        doc_type_confidence=confidence,
        text_height_px=body_text_height(ocr) if ocr is not None else None,
        dpi_known=page.dpi_known,
        text_source=TextSource.TEXT_LAYER if page.text_layer is not None else TextSource.OCR,
        full_text=reading.full if reading is not None else False,
    )
    return PageResult(info=info, ocr=ocr, seals=seals), upright


def _reading(
    page: PageImage, engine: Any, seals: list[Seal], settings: PipelineSettings
) -> tuple[PageReading, UprightPage]:
    """Turn the page upright and read it, fully or (targeted mode) its title zone first.

    Targeted mode reads the whole page only where a rule may need its words: pages that carry
    fields, pages whose class is unsure, and sparse pages that may be cover sheets. The
    reading is cached by page image and engine, so a re-check never OCRs a page again.
    """
    if page.text_layer is not None:
        return _text_layer_reading(page), turn_upright(page, 0, 0.0)
    cache = FileOcrCache(settings.cache_dir) if settings.cache_dir else None
    parts = (engine.info.name, engine.info.version, PREPROCESSING, repr(settings.prepare))
    full_key = reading_key(page.image, *parts, "full") if cache else ""
    title_key = reading_key(page.image, *parts, f"title{TITLE_ZONE}") if cache else ""
    cached = cache.get(full_key) if cache else None
    if cache and cached is None and settings.mode == Mode.TARGETED:
        cached = cache.get(title_key)
    if cached is not None:
        upright = turn_upright(page, cached.rotation, cached.skew, cached.rotation_confidence, cached.notes)
        return cached, upright
    upright = prepare_page(page, engine, settings.prepare)
    ocr = None
    if settings.mode == Mode.TARGETED:
        title = read_page(upright, engine, seals, zone=TITLE_ZONE)
        if not _needs_full_read(title, upright):
            ocr = title
    full = ocr is None
    if ocr is None:
        ocr = read_page(upright, engine, seals)
    reading = PageReading(
        rotation=upright.rotation,
        skew=upright.skew,
        rotation_confidence=upright.rotation_confidence,
        notes=upright.notes,
        ocr=ocr,
        full=full,
    )
    if cache:
        cache.put(full_key if full else title_key, reading)
    return reading, upright


def _text_layer_reading(page: PageImage) -> PageReading:
    """A born-digital page: its text layer is the reading (exact characters, boxes in pixels)."""
    ocr = PageOcr(
        page=page.page,
        engine=EngineInfo(name="text_layer", version=importlib.metadata.version("pdfplumber")),
        width=page.width,
        height=page.height,
        lines=list(page.text_layer or []),
    )
    return PageReading(rotation=0, skew=0.0, ocr=ocr, full=True)


def _needs_full_read(title: PageOcr, upright: UprightPage) -> bool:
    """Whether a page whose title zone was read must be read whole (targeted mode).

    A page is skipped only on positive evidence that it is prose: a known prose title, or
    several long text lines up top on a page with enough ink. Anything unsure is read whole.
    """
    found = classify_page(title)
    if found.doc_type not in PROSE_PAGES:
        return True
    long_lines = sum(1 for line in title.lines if len(line.text) >= PROSE_LINE_CHARS)
    if found.doc_type == DocType.OTHER_TEXT:
        return long_lines < 3 or ink_share(upright) < SPARSE_INK
    return found.confidence < 0.7


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


def _with_text(page: PageImage, seal: Seal, engine: object, errors: list[ProcessingError]) -> Seal:
    try:
        return read_seal_text(page.image, seal, engine)
    except Exception as exc:
        errors.append(_error("seal_text_failed", Stage.SEALS, page, exc))
        return seal


def _error(code: str, stage: Stage, page: PageImage, exc: Exception) -> ProcessingError:
    return ProcessingError(
        code=code, stage=stage, page=page.page, source=page.source, message=f"{exc.__class__.__name__}: {exc}"
    )


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
