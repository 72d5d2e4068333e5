"""The only module that knows the order of the stages: load → OCR and seals → extract → check → report."""

from __future__ import annotations

import datetime as dt
import hashlib
import multiprocessing
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from filingcheck import __version__
from filingcheck.crosscheck import CheckContext, CheckSettings, run_checks
from filingcheck.extract import classify_page, extract_fields, read_electronic
from filingcheck.models import (
    DocType,
    Dossier,
    FieldSet,
    InputError,
    InputFile,
    PageImage,
    PageInfo,
    PageOcr,
    ProcessingError,
    Report,
    Seal,
    Stage,
    Submission,
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
    is_colour,
    load_page,
    load_pages,
    page_size_mm,
    prepare_page,
    read_page,
)
from filingcheck.ocr.seals import SealSettings, detect_seals, join_straddle_seals, read_seal_text

Progress = Callable[[str, int, int], None]
FIELD_PAGES = {
    DocType.APPLICATION_FORM,
    DocType.COVER_SHEET,
    DocType.BUSINESS_LICENCE,
    DocType.INSTITUTION_CERTIFICATE,
    DocType.FORMULA,
    DocType.TEST_REPORT,
    DocType.TEST_APPLICATION_FORM,
}


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
    all_seals, straddles = join_straddle_seals(
        [s for r in results for s in r.seals], {r.info.page: (r.info.width, r.info.height) for r in results}
    )
    fields = extract_fields([(r.ocr, r.info.doc_type) for r in results if r.ocr is not None])
    has_electronic = False
    if inputs.electronic is not None:
        try:
            electronic = read_electronic(inputs.electronic)
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
        grey_pages=[r.info.page for r in results if not r.info.colour],
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
    try:
        upright = prepare_page(page, engine, settings.prepare)  # type: ignore[arg-type]
        errors.extend(
            ProcessingError(
                code=note.split(":")[0],
                stage=Stage.PREPROCESS,
                page=page.page,
                source=page.source,
                message=note,
            )
            for note in upright.notes
        )
        ocr = read_page(upright, engine, seals)  # type: ignore[arg-type]
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
    )
    return PageResult(info=info, ocr=ocr, seals=seals), upright


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
