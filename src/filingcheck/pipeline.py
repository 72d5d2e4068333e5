"""The only module that knows the order of the stages: load → OCR and seals → extract → check → report."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterator, Mapping
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


def process_submission(inputs: Inputs, settings: PipelineSettings | None = None, progress: Progress | None = None) -> Result:
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
    for page in _paper_pages(inputs.paper, settings.raster, errors, files):
        sources[page.page] = (inputs.paper[[f.name for f in files].index(page.source)], page.file_page)
        if progress:
            progress("ocr", page.page, sum(f.pages for f in files))
        result, upright = _read_one_page(page, engine, settings, errors)
        results.append(result)
        if upright is not None and result.info.doc_type in FIELD_PAGES:
            uprights[page.page] = upright
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
            errors.append(ProcessingError(code=exc.code, stage=Stage.ELECTRONIC, message=exc.message,
                                          source=inputs.electronic.name))
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
    context = CheckContext(settings=settings.checks, second_reader=EngineBoxReader(second, uprights) if second else None)
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
    paths: list[Path], raster: RasterSettings, errors: list[ProcessingError], files: list[InputFile]
) -> Iterator[PageImage]:
    number = 1
    for path, info in zip(paths, files, strict=True):
        try:
            pages = load_pages(path, number, raster)
        except InputError as exc:
            if len(paths) == 1:
                raise
            errors.append(ProcessingError(code=exc.code, stage=Stage.LOAD, message=exc.message, source=path.name))
            continue
        files[files.index(info)] = info.model_copy(update={"pages": len(pages)})
        yield from pages
        number += len(pages)


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
            ProcessingError(code=note.split(":")[0], stage=Stage.PREPROCESS, page=page.page, source=page.source,
                            message=note)
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
    return ProcessingError(code=code, stage=stage, page=page.page, source=page.source,
                           message=f"{exc.__class__.__name__}: {exc}")


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
