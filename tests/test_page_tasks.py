"""Reading one page into the cache, the unit of work of the queue's page tasks: done once, seals
and their text kept beside the reading, and a dossier assembled from pages cached one by one
comes out as if it had been read whole."""

from __future__ import annotations

import importlib
from pathlib import Path

from filingcheck.models import PageFacts, ProcessingError, Stage
from filingcheck.ocr import build_engine
from filingcheck.pipeline import (
    Inputs,
    PipelineSettings,
    cache_page,
    cache_paper_page,
    page_sources,
    process_submission,
    read_one_page,
)
from filingcheck.store.ocr_cache import CachedSeals
from tests.test_seals import A4, page_of, seal_layer, stamp, text_page
from tests.workerkit import small_pdf

FORMER_NAMES = (
    "Inputs", "Mode", "PipelineSettings", "Progress", "Result", "PageResult", "PageImages", "PageOutcome",
    "process_submission", "read_pages", "TITLE_ZONE", "PROSE_PAGES", "FIELD_PAGES", "SPARSE_INK",
    "PROSE_LINE_CHARS", "EDGE_AFTER_QUARTER_TURN",
)  # fmt: skip


def test_every_public_name_of_the_former_pipeline_module_is_still_there() -> None:
    pipeline = importlib.import_module("filingcheck.pipeline")
    missing = [name for name in FORMER_NAMES if not hasattr(pipeline, name)]
    assert missing == []


def _seal_entries(root: Path) -> list[Path]:
    found = []
    for path in root.rglob("*.json"):
        try:
            CachedSeals.model_validate_json(path.read_bytes())
        except ValueError:
            continue
        found.append(path)
    return found


def _seal_errors(errors: list[ProcessingError]) -> list[str]:
    return [e.code for e in errors if e.stage == Stage.SEALS]


def test_a_page_is_read_into_the_cache_once_with_its_seals_and_their_text(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    settings = PipelineSettings(cache_dir=cache, second_engine=None)
    image = stamp(text_page(), seal_layer(A4, (1150.0, 1950.0), 190.0))
    assert _seal_errors(cache_page(page_of(image, number=3), settings)) == []
    entries = {p: p.stat().st_mtime_ns for p in cache.rglob("*.json")}
    seal_files = _seal_entries(cache)
    assert len(entries) == 2 and len(seal_files) == 1  # the reading, and the seals beside it
    seals = CachedSeals.model_validate_json(seal_files[0].read_bytes()).seals
    assert len(seals) == 1 and seals[0].text, seals
    # Delivered again: found in the cache, nothing read or written.
    cache_page(page_of(image, number=3), settings)
    assert {p: p.stat().st_mtime_ns for p in cache.rglob("*.json")} == entries
    # A re-check takes the seals from the cache (a doctored entry proves it), numbered for its page.
    doctored = seals[0].model_copy(update={"text": "缓存里的章"})
    seal_files[0].write_text(CachedSeals(seals=[doctored]).model_dump_json(), encoding="utf-8")
    engine = build_engine(settings.engine, settings.ocr)
    result, _, errors = read_one_page(page_of(image, number=7), engine, settings)
    assert _seal_errors(errors) == []
    assert [(s.text, s.page) for s in result.seals] == [("缓存里的章", 7)]


def test_a_dossier_of_pages_cached_one_by_one_is_the_dossier_read_whole(tmp_path: Path) -> None:
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(small_pdf(pages=3))
    assert sorted(page_sources([paper])) == [1, 2, 3]
    settings = PipelineSettings(cache_dir=tmp_path / "cache", second_engine=None, workers=1)
    for number in (3, 1, 2):  # in any order, as the workers finish them
        assert cache_paper_page([paper], number, settings)
    assert not cache_paper_page([paper], 4, settings)
    readings = set((tmp_path / "cache").rglob("*.json"))
    assembled = process_submission(Inputs(paper=[paper]), settings).report
    # Nothing new was read: what the assembly adds is each page's facts (for the next re-check).
    added = set((tmp_path / "cache").rglob("*.json")) - readings
    assert len(added) == 3 and all(PageFacts.model_validate_json(p.read_bytes()) for p in added)
    whole = process_submission(Inputs(paper=[paper]), PipelineSettings(second_engine=None)).report
    assert assembled.pages == whole.pages
    assert assembled.fields == whole.fields
    assert assembled.seals == whole.seals
    assert [(f.rule, f.status) for f in assembled.findings] == [(f.rule, f.status) for f in whole.findings]
