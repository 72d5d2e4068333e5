"""`filingcheck notice REPORT.json --out notice.pdf|notice.txt`: the correction notice from a saved report."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

console = Console(stderr=True)
FORMATS = (".pdf", ".txt")


def notice(
    report_path: Annotated[
        Path, typer.Argument(metavar="REPORT.json", help="a report written by check --json")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="notice.pdf or notice.txt (the suffix picks the format)")
    ],
    submission_id: Annotated[
        str | None, typer.Option("--id", help="the submission id printed as 申请编号")
    ] = None,
    office: Annotated[str | None, typer.Option(help="受理单位 (default FILINGCHECK_NOTICE_OFFICE)")] = None,
    days: Annotated[
        int | None,
        typer.Option(min=1, max=365, help="补正期限 in days (default FILINGCHECK_NOTICE_CORRECTION_DAYS)"),
    ] = None,
    issued_on: Annotated[
        str | None, typer.Option("--date", help="notice date YYYY-MM-DD (default today)")
    ] = None,
) -> None:
    """Write the correction notice (补正材料通知书) for a report's failed requirements.

    Exit 0 when written; 1 when the report has nothing to correct (accepted, or nothing failed yet);
    2 on a bad option; 4 when the report cannot be read or no Chinese font is installed.
    """
    from filingcheck.config import Settings
    from filingcheck.reporting import load_report
    from filingcheck.reporting.notice import NoNoticeError, build_notice, render_text
    from filingcheck.reporting.notice_pdf import NoticeFontError, write_pdf

    if out.suffix.lower() not in FORMATS:
        raise typer.BadParameter(f"--out must end in {' or '.join(FORMATS)}, not {out.suffix or 'nothing'}")
    try:
        day = dt.date.fromisoformat(issued_on) if issued_on else None
    except ValueError as exc:
        raise typer.BadParameter(f"--date: {exc}") from exc
    settings = Settings().notice()
    overrides: dict[str, object] = {}
    if office:
        overrides["office"] = office
    if days:
        overrides["correction_days"] = days
    if overrides:
        from dataclasses import replace

        settings = replace(settings, **overrides)  # type: ignore[arg-type]
    try:
        report = load_report(report_path)
    except (OSError, ValueError) as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(4) from None
    try:
        built = build_notice(report, settings, submission_id=submission_id, issued_on=day)
    except NoNoticeError as exc:
        console.print(str(exc))
        raise typer.Exit(1) from None
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if out.suffix.lower() == ".pdf":
            write_pdf(built, out, settings.font)
        else:
            out.write_text(render_text(built), encoding="utf-8")
    except NoticeFontError as exc:
        console.print(f"[red]error[/red] {exc}")
        raise typer.Exit(4) from None
    if built.pending:
        console.print(
            f"[yellow]note[/yellow] {built.pending} uncertain finding(s) are not in the notice: "
            "a reviewer decides them first"
        )
    console.print(f"correction notice ({len(built.items)} requirement(s)): {out}")
