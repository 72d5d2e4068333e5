"""Reading pages: seals, upright OCR and class of one page, cached, alone or in worker processes.

``cache_page`` is the unit of parallel work a queue hands out: it reads one page into the cache
(reading and seals with their text), so whoever assembles the dossier afterwards OCRs nothing.
A page already in the cache costs a file read, which makes a re-delivered page task harmless.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, as_completed, wait
from dataclasses import dataclass

from filingcheck.extract import body_text_height, classify_page
from filingcheck.models import (
    DocType,
    PageFacts,
    PageImage,
    PageInfo,
    PageOcr,
    PageReading,
    ProcessingError,
    Seal,
    Stage,
    TextSource,
    UprightPage,
)
from filingcheck.ocr import build_engine, is_colour, page_size_mm
from filingcheck.ocr.seals import detect_seals, read_seal_text
from filingcheck.pipeline.settings import PipelineSettings
from filingcheck.pipeline.targeted import _reading, cached_reading
from filingcheck.store.ocr_cache import SEALS_VERSION, FileOcrCache, reading_key

FIELD_PAGES = {
    DocType.APPLICATION_FORM,
    DocType.COVER_SHEET,
    DocType.BUSINESS_LICENCE,
    DocType.INSTITUTION_CERTIFICATE,
    DocType.FORMULA,
    DocType.TEST_REPORT,
    DocType.TEST_APPLICATION_FORM,
}


@dataclass
class PageResult:
    info: PageInfo
    ocr: PageOcr | None
    seals: list[Seal]
    # What the page image is, for the cache of file pages (None: a born-digital text-layer page).
    facts: PageFacts | None = None


PageOutcome = tuple[PageResult, UprightPage | None, list[ProcessingError]]
# A page taken from the cache: its result, the reading (to rebuild the upright page) and problems.
CachedPage = tuple[PageResult, PageReading, list[ProcessingError]]


def read_pages(pages: Iterator[PageImage], settings: PipelineSettings) -> Iterator[PageOutcome]:
    """OCR and seals of every page, in worker processes when ``settings.workers`` > 1.

    At most two pages per worker are in flight, so a thick dossier never sits in memory whole.
    """
    if settings.workers <= 1:
        engine = build_engine(settings.engine, settings.ocr)
        for page in pages:
            yield read_one_page(page, engine, settings)
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


def cache_page(page: PageImage, settings: PipelineSettings) -> list[ProcessingError]:
    """Read one page into the cache (a no-op when it is there already); the problems it met.

    The engine is the process's own (built once); ``settings.cache_dir`` must be set, or the
    reading would be thrown away.
    """
    if settings.cache_dir is None:
        raise ValueError("cache_page needs settings.cache_dir")
    _, _, errors = read_one_page(page, build_engine(settings.engine, settings.ocr), settings)
    return errors


_WORKER: dict[str, object] = {}


def _init_worker(settings: PipelineSettings) -> None:
    """Build the engine once per worker process (models load slowly)."""
    _WORKER["settings"] = settings
    _WORKER["engine"] = build_engine(settings.engine, settings.ocr)


def _worker_read(page: PageImage) -> PageOutcome:
    settings = _WORKER["settings"]
    assert isinstance(settings, PipelineSettings)
    return read_one_page(page, _WORKER["engine"], settings)


def read_one_page(page: PageImage, engine: object, settings: PipelineSettings) -> PageOutcome:
    """One page read (from the cache where it can be); the upright image is kept for field pages."""
    errors: list[ProcessingError] = []
    result, upright = _read_one_page(page, engine, settings, errors)
    keep = upright if upright is not None and result.info.doc_type in FIELD_PAGES else None
    return result, keep, errors


def _read_one_page(
    page: PageImage, engine: object, settings: PipelineSettings, errors: list[ProcessingError]
) -> tuple[PageResult, UprightPage | None]:
    """Seals, upright OCR and class of one page; a failing step is recorded and the run goes on."""
    facts = PageFacts(
        digest=page.digest,
        width=page.width,
        height=page.height,
        dpi=page.dpi,
        dpi_known=page.dpi_known,
        colour=is_colour(page.image),
    )
    cache = FileOcrCache(settings.cache_dir) if settings.cache_dir else None
    seal_key = _seal_key(page.digest, engine, settings) if cache else ""
    cached_seals = _numbered(cache.get_seals(seal_key), page.page) if cache else None
    seal_errors = len(errors)
    seals: list[Seal] = cached_seals or []
    if cached_seals is None:
        try:
            seals = detect_seals(page, settings.seals)
        except Exception as exc:  # a broken page must not stop the dossier
            errors.append(_error("seal_detection_failed", Stage.SEALS, page, exc))
    upright: UprightPage | None = None
    reading: PageReading | None = None
    try:
        reading, upright = _reading(page, engine, seals, settings)
        errors.extend(_note_errors(reading, page.page, page.source))
    except Exception as exc:
        errors.append(_error("ocr_failed", Stage.OCR, page, exc))
    if cached_seals is None:
        seals = [_with_text(page, s, engine, errors) for s in seals]
        # A failure may be passing (memory, a killed thread): only a clean result is kept.
        if cache and not any(e.stage == Stage.SEALS for e in errors[seal_errors:]):
            cache.put_seals(seal_key, seals)
    text_layer = page.text_layer is not None
    result = _result(page.page, page.source, page.file_page, facts, reading, seals, text_layer)
    return result, upright


def cached_page(
    facts: PageFacts, number: int, source: str, file_page: int, engine: object, settings: PipelineSettings
) -> CachedPage | None:
    """A scanned page's result wholly from the cache (reading and seals), without its pixels, with
    the problems its reading noted; None when any part is missing. The reading gives the turn to
    rebuild the upright page."""
    if settings.cache_dir is None:
        return None
    reading = cached_reading(facts.digest, number, engine, settings)
    seal_key = _seal_key(facts.digest, engine, settings)
    seals = _numbered(FileOcrCache(settings.cache_dir).get_seals(seal_key), number)
    if reading is None or seals is None:
        return None
    result = _result(number, source, file_page, facts, reading, seals, text_layer=False)
    return result, reading, _note_errors(reading, number, source)


def _note_errors(reading: PageReading, page: int, source: str) -> list[ProcessingError]:
    """What preparing the page noted (an unsure turn, say), as the page's processing errors."""
    return [
        ProcessingError(
            code=note.split(":")[0], stage=Stage.PREPROCESS, page=page, source=source, message=note
        )
        for note in reading.notes
    ]


def _numbered(seals: list[Seal] | None, page: int) -> list[Seal] | None:
    """Cached seals renumbered: the same scan may sit at another page number in another dossier."""
    return None if seals is None else [s.model_copy(update={"page": page}) for s in seals]


def _result(
    number: int,
    source: str,
    file_page: int,
    facts: PageFacts,
    reading: PageReading | None,
    seals: list[Seal],
    text_layer: bool,
) -> PageResult:
    ocr = reading.ocr if reading is not None else None
    doc_type, confidence = DocType.OTHER_TEXT, 0.0
    if ocr is not None:
        found = classify_page(ocr)
        doc_type, confidence = found.doc_type, found.confidence
    width_mm, height_mm = page_size_mm(facts)
    info = PageInfo(
        page=number,
        source=source,
        file_page=file_page,
        width=facts.width,
        height=facts.height,
        dpi=facts.dpi,
        width_mm=round(width_mm, 1),
        height_mm=round(height_mm, 1),
        rotation=reading.rotation if reading else 0,
        skew=reading.skew if reading else 0.0,
        colour=facts.colour,
        doc_type=doc_type,
        doc_type_confidence=confidence,
        text_height_px=body_text_height(ocr) if ocr is not None else None,
        dpi_known=facts.dpi_known,
        text_source=TextSource.TEXT_LAYER if text_layer else TextSource.OCR,
        full_text=reading.full if reading is not None else False,
    )
    return PageResult(info=info, ocr=ocr, seals=seals, facts=None if text_layer else facts)


def _seal_key(digest: str, engine: object, settings: PipelineSettings) -> str:
    """Seals depend on the image and the seal settings, their text on the engine that read it."""
    info = engine.info  # type: ignore[attr-defined]
    return reading_key(
        digest, info.name, info.version, settings.ocr.reading_part(), repr(settings.seals), SEALS_VERSION
    )


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
