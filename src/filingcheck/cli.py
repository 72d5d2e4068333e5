"""The command line: check a dossier, run the demo, make samples, debug OCR. Errors become exit codes here."""

from __future__ import annotations

import datetime as dt
import json
import sys
from enum import IntEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from filingcheck import __version__
from filingcheck.cli_notice import notice
from filingcheck.models import ApplicationType, InputError, Report, Status, Submission, Verdict

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Check scanned health-food dossiers.")
console = Console(stderr=True)
PAPER_NAMES = ("paper.pdf", "paper.tif", "paper.tiff", "paper.png", "paper.jpg", "paper.jpeg")


class Exit(IntEnum):
    """Exit codes (README): verdicts first, then the error kinds; 2 stays the usage error."""

    ACCEPT = 0
    RETURN_FOR_CORRECTION = 1
    USAGE = 2
    NEEDS_REVIEW = 3
    INPUT_ERROR = 4
    INTERNAL_ERROR = 5


VERDICT_EXIT = {
    Verdict.ACCEPT: Exit.ACCEPT,
    Verdict.RETURN_FOR_CORRECTION: Exit.RETURN_FOR_CORRECTION,
    Verdict.NEEDS_REVIEW: Exit.NEEDS_REVIEW,
}


def _bundle_inputs(bundle: Path) -> tuple[list[Path], Path | None, Submission]:
    paper_dir = bundle / "paper"
    if paper_dir.is_dir():
        paper = sorted(p for p in paper_dir.iterdir() if p.is_file())
    else:
        paper = [bundle / n for n in PAPER_NAMES if (bundle / n).is_file()]
    if not paper:
        raise InputError(
            "no_paper", f"{bundle}: no paper.pdf (or paper.tif/.png/.jpg, or a paper/ folder) in the bundle"
        )
    electronic = bundle / "electronic.pdf"
    submission = Submission()
    meta = bundle / "submission.json"
    if meta.is_file():
        try:
            submission = Submission.model_validate_json(meta.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise InputError("bad_submission_json", f"{meta}: {exc}") from exc
    return paper, electronic if electronic.is_file() else None, submission


def _run_check(
    paper: list[Path],
    electronic: Path | None,
    submission: Submission,
    json_path: Path | None,
    html_path: Path | None,
    engine: str | None,
    mode: str | None = None,
) -> Report:
    from filingcheck.config import Settings
    from filingcheck.pipeline import Inputs, process_submission
    from filingcheck.reporting import write_html, write_json

    settings = Settings()
    pipeline_settings = settings.pipeline()
    from dataclasses import replace

    if engine:
        pipeline_settings = replace(pipeline_settings, engine=engine)
    if mode:
        from filingcheck.pipeline import Mode

        pipeline_settings = replace(pipeline_settings, mode=Mode(mode))
    with console.status("reading the dossier…") as status:

        def progress(stage: str, done: int, total: int) -> None:
            status.update(f"{stage}: page {done} of {total}")

        result = process_submission(
            Inputs(paper=paper, electronic=electronic, submission=submission), pipeline_settings, progress
        )
    if json_path:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        write_json(result.report, json_path)
    if html_path:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        write_html(result.report, result.page_images, html_path)
    _summary(result.report, json_path, html_path)
    return result.report


def _summary(report: Report, json_path: Path | None, html_path: Path | None) -> None:
    table = Table(title=f"verdict: {report.verdict.value}", show_lines=False)
    for column in ("status", "rule", "pages", "message"):
        table.add_column(column)
    for f in report.findings:
        if f.status in (Status.FAIL, Status.UNCERTAIN):
            table.add_row(f.status.value, f.rule, ",".join(map(str, f.pages)), f.message)
    console.print(table)
    passed = sum(f.status == Status.PASS for f in report.findings)
    console.print(
        f"{len(report.pages)} pages, {len(report.seals)} seals, {passed} checks passed, "
        f"{len(report.errors)} processing errors"
    )
    for label, path in (("JSON", json_path), ("HTML", html_path)):
        if path:
            console.print(f"{label} report: {path}")


@app.command()
def check(
    bundle: Annotated[
        Path | None, typer.Argument(help="bundle folder with paper.pdf, electronic.pdf, submission.json")
    ] = None,
    paper: Annotated[
        list[Path] | None, typer.Option("--paper", help="paper scan file(s): PDF, TIFF, JPEG, PNG")
    ] = None,
    electronic: Annotated[Path | None, typer.Option(help="electronic version (text-layer PDF)")] = None,
    application_type: Annotated[
        ApplicationType | None, typer.Option("--type", help="application type")
    ] = None,
    submitted_on: Annotated[str | None, typer.Option(help="submission date YYYY-MM-DD")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="write the JSON report here")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="write the HTML report here")] = None,
    engine: Annotated[str | None, typer.Option(help="OCR engine (rapidocr, tesseract)")] = None,
    mode: Annotated[str | None, typer.Option(help="targeted (default) or full OCR of every page")] = None,
) -> None:
    """Check one dossier; the exit code tells the verdict (0 accept, 1 return, 3 review)."""
    if bundle is None and not paper:
        raise typer.BadParameter("give a BUNDLE folder or --paper FILE")
    try:
        if bundle is not None:
            files, found_electronic, submission = _bundle_inputs(bundle)
        else:
            files, found_electronic, submission = list(paper or []), None, Submission()
        updates: dict[str, object] = {}
        if application_type:
            updates["application_type"] = application_type
        if submitted_on:
            try:
                updates["submitted_on"] = dt.date.fromisoformat(submitted_on)
            except ValueError as exc:
                raise typer.BadParameter(f"--submitted-on: {exc}") from exc
        submission = submission.model_copy(update=updates)
        if mode not in (None, "targeted", "full"):
            raise typer.BadParameter("--mode must be targeted or full")
        report = _run_check(
            files, electronic or found_electronic, submission, json_out, html_out, engine, mode
        )
    except InputError as exc:
        console.print(f"[red]error[/red] {exc.code}: {exc.message}")
        raise typer.Exit(Exit.INPUT_ERROR) from None
    except (typer.Exit, typer.BadParameter):
        raise
    except Exception as exc:  # the edge: an unexpected failure becomes exit 5, not a traceback
        console.print(f"[red]internal error[/red] {exc.__class__.__name__}: {exc}")
        raise typer.Exit(Exit.INTERNAL_ERROR) from None
    raise typer.Exit(VERDICT_EXIT[report.verdict])


@app.command()
def demo(
    out: Annotated[Path, typer.Option(help="output folder")] = Path("out/demo"),
    seed: Annotated[int, typer.Option(help="sample seed")] = 7,
) -> None:
    """Generate a built-in sample dossier (with one injected defect) and check it."""
    from filingcheck.samples import generate_dossier

    bundle = out / "sample"
    console.print(f"generating sample dossier in {bundle} (seed {seed})")
    generate_dossier(bundle, seed, defects=["applicant.matches_licence:address"])
    files, electronic, submission = _bundle_inputs(bundle)
    try:
        report = _run_check(files, electronic, submission, out / "report.json", out / "report.html", None)
    except InputError as exc:
        console.print(f"[red]error[/red] {exc.code}: {exc.message}")
        raise typer.Exit(Exit.INPUT_ERROR) from None
    console.print(f"demo finished: verdict {report.verdict.value}")


@app.command()
def samples(
    out: Annotated[Path, typer.Option(help="output folder")],
    n: Annotated[int, typer.Option(help="number of dossiers")] = 1,
    seed: Annotated[int, typer.Option(help="first seed")] = 1,
    defects: Annotated[
        list[str] | None, typer.Option("--defects", help="rule ids to inject (repeat)")
    ] = None,
    dpi: Annotated[int, typer.Option(help="scan resolution")] = 200,
    scan: Annotated[str, typer.Option(help="clean, mild or hard")] = "mild",
) -> None:
    """Generate sample dossiers (paper.pdf, electronic.pdf, submission.json, truth.json)."""
    from filingcheck.samples import DEFECTS, generate_dossier

    for d in defects or []:
        if d not in DEFECTS:
            raise typer.BadParameter(f"unknown defect {d!r}; known: {', '.join(sorted(DEFECTS))}")
    for i in range(n):
        folder = out / f"dossier_{i:03d}"
        generate_dossier(folder, seed + i, defects=defects or [], dpi=dpi, scan=scan)
        console.print(f"wrote {folder}")


@app.command()
def ocr(
    file: Annotated[Path, typer.Argument(help="scan: PDF, TIFF, JPEG or PNG")],
    engine: Annotated[str, typer.Option(help="OCR engine")] = "rapidocr",
    as_json: Annotated[bool, typer.Option("--json", help="print JSON")] = False,
) -> None:
    """Print each page's lines with boxes and confidences (for debugging a scan)."""
    from filingcheck.ocr import (
        OcrSettings,
        PrepareSettings,
        UnknownEngineError,
        build_engine,
        load_pages,
        prepare_page,
        read_page,
    )
    from filingcheck.ocr.seals import detect_seals

    try:
        reader = build_engine(engine, OcrSettings())
        pages = load_pages(file)
    except UnknownEngineError as exc:
        raise typer.BadParameter(str(exc)) from None
    except InputError as exc:
        console.print(f"[red]error[/red] {exc.code}: {exc.message}")
        raise typer.Exit(Exit.INPUT_ERROR) from None
    out = []
    for page in pages:
        upright = prepare_page(page, reader, PrepareSettings())
        result = read_page(upright, reader, detect_seals(page))
        lines = [
            {
                "text": ln.text,
                "bbox": result.to_scan(ln.bbox).as_list(),
                "confidence": round(ln.confidence, 4),
                "under_seal": ln.under_seal,
            }
            for ln in result.lines
        ]
        out.append(
            {
                "page": page.page,
                "rotation": upright.rotation,
                "skew": upright.skew,
                "engine": result.engine.model_dump(),
                "lines": lines,
            }
        )
    if as_json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
        return
    for page_out in out:
        console.print(
            f"[bold]page {page_out['page']}[/bold] rotation {page_out['rotation']}° skew {page_out['skew']}°"
        )
        for line in page_out["lines"]:
            sys.stdout.write(f"{line['confidence']:.3f} {line['bbox']} {line['text']}\n")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
) -> None:
    """Run the service: API under /api/v1, reviewer page at /review (SQLite under the data dir by default)."""
    import uvicorn

    from filingcheck.api import create_app
    from filingcheck.service import build_services
    from filingcheck.service.settings import check_exposure
    from filingcheck.store import safe_url

    services = build_services()
    refusal = check_exposure(host, services.service)
    if refusal:
        console.print(f"[red]error[/red] {refusal}")
        raise typer.Exit(Exit.USAGE)
    console.print(
        f"filingcheck {__version__}: database {safe_url(services.settings.resolved_database_url)}, "
        f"files in {services.files.root}"
    )
    console.print(
        f"reviewer page http://{host}:{port}/review · OpenAPI http://{host}:{port}/api/v1/openapi.json"
    )
    from filingcheck.logsafe import uvicorn_log_config

    log_config = uvicorn_log_config("info")  # identity and phone numbers masked in every line
    uvicorn.run(create_app(services), host=host, port=port, log_level="info", log_config=log_config)


@app.command()
def worker(
    concurrency: Annotated[
        int | None, typer.Option(help="worker processes (default: FILINGCHECK_WORKERS)", min=1, max=64)
    ] = None,
    loglevel: Annotated[str, typer.Option(help="celery log level")] = "INFO",
) -> None:
    """Run a celery worker that processes queued submissions and batch runs (needs FILINGCHECK_BROKER_URL)."""
    from filingcheck.config import Settings

    settings = Settings()
    if not settings.broker_url:
        console.print(
            "[red]error[/red] set FILINGCHECK_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to run a worker"
        )
        raise typer.Exit(Exit.USAGE)
    from filingcheck.store import Database
    from filingcheck.tasks import app as celery

    Database(settings.resolved_database_url).migrate()
    queue = str(celery.conf.task_default_queue)
    celery.worker_main(
        ["worker", f"--concurrency={concurrency or settings.workers}", f"--loglevel={loglevel}", "-Q", queue]
    )


app.command("notice")(notice)

batch_app = typer.Typer(no_args_is_help=True, help="Work on many stored submissions at once.")
app.add_typer(batch_app, name="batch")


@batch_app.command("reprocess")
def batch_reprocess(
    since: Annotated[
        str | None, typer.Option(help="only submissions uploaded on or after YYYY-MM-DD")
    ] = None,
    rules_only: Annotated[
        bool, typer.Option("--rules-only", help="extraction and checks from the OCR cache, no OCR")
    ] = False,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", help="KEY=VALUE filter, repeatable (status, verdict, applicant, id, …)"),
    ] = None,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="write the changed verdicts here")] = None,
    local: Annotated[
        bool, typer.Option("--local", help="run in this process even when a broker is configured")
    ] = False,
    timeout: Annotated[
        float | None, typer.Option(help="give up waiting for the workers after S seconds")
    ] = None,
) -> None:
    """Check stored submissions again and list the verdicts that changed (in-process, or on the workers)."""
    from filingcheck.batch import run_batch
    from filingcheck.store.batches import SelectionError

    try:
        day = dt.date.fromisoformat(since) if since else None
    except ValueError as exc:
        raise typer.BadParameter(f"--since: {exc}") from exc
    try:
        outcome = run_batch(console, day, rules_only, where or [], local=local, timeout=timeout)
    except SelectionError as exc:
        raise typer.BadParameter(str(exc)) from None
    if csv_path is not None:
        outcome.write_csv(csv_path)
        console.print(f"changed verdicts written to {csv_path}")
    if outcome.timed_out:
        raise typer.Exit(Exit.INTERNAL_ERROR)


@batch_app.command("resume")
def batch_resume(
    grace: Annotated[
        float, typer.Option(help="leave alone what started less than S seconds ago", min=0)
    ] = 60.0,
) -> None:
    """Send again the submissions and batch items the broker lost (e.g. a Redis restart), once each."""
    from filingcheck.batch import run_resume
    from filingcheck.resume import ResumeUnavailableError

    try:
        run_resume(console, grace)
    except ResumeUnavailableError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(Exit.USAGE) from None


users_app = typer.Typer(no_args_is_help=True, help="Manage the service's users and API tokens.")
app.add_typer(users_app, name="users")


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="user name (letters, digits, . _ @ -)")],
    role: Annotated[str, typer.Option(help="clerk, reviewer or admin")] = "clerk",
    password: Annotated[
        bool, typer.Option("--password", help="also set a password for the web page (asked for)")
    ] = False,
) -> None:
    """Create a user; its new API token is printed alone on the last line (shown once)."""
    from filingcheck.store import audit
    from filingcheck.store.accounts import AccountError, create_user, issue_credential

    secret = typer.prompt("password", hide_input=True, confirmation_prompt=True) if password else None
    with _database() as session:
        try:
            user = create_user(session, name, role, secret)
        except AccountError as exc:
            console.print(f"[red]error[/red] {exc.code}: {exc.message}")
            raise typer.Exit(Exit.USAGE) from None
        token = issue_credential(session, user, label="filingcheck users add")
        audit.record(session, "user.created", None, user=user.name, role=user.role, via="cli")
    console.print(f"created {user.role} {user.name}; its API token (shown once, send as Bearer):")
    sys.stdout.write(token + "\n")


@users_app.command("token")
def users_token(name: Annotated[str, typer.Argument(help="user name")]) -> None:
    """Issue a further API token for a user, printed alone on the last line."""
    from filingcheck.store import audit
    from filingcheck.store.accounts import get_user, issue_credential

    with _database() as session:
        user = get_user(session, name)
        if user is None:
            console.print(f"[red]error[/red] user_not_found: no user {name!r}")
            raise typer.Exit(Exit.USAGE)
        token = issue_credential(session, user, label="filingcheck users token")
        audit.record(session, "token.created", None, user=user.name, via="cli")
    sys.stdout.write(token + "\n")


@users_app.command("list")
def users_list() -> None:
    """List the users and their roles."""
    from filingcheck.store.accounts import list_users

    with _database() as session:
        for user in list_users(session):
            state = "" if user.active else " (inactive)"
            sys.stdout.write(f"{user.name}\t{user.role}{state}\n")


def _database():  # type: ignore[no-untyped-def]
    """A session on the configured database, migrated first (the CLI may run before `serve`)."""
    from filingcheck.config import Settings
    from filingcheck.store import Database

    db = Database(Settings().resolved_database_url)
    db.migrate()
    return db.session()


@app.command()
def version() -> None:
    """Print the version."""
    sys.stdout.write(f"filingcheck {__version__}\n")


def main() -> None:
    from filingcheck.logsafe import configure

    configure()  # identity and phone numbers are masked in whatever the commands log
    app()
