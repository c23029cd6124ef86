"""`credwallet verify`, `explain` and `check`: is it genuine, and exactly why (not)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from credwallet.cli._complete import credential_ids
from credwallet.cli._output import Output, clean
from credwallet.cli._state import AppState, JsonFlag, OfflineFlag, state_of
from credwallet.cli._unlock import open_wallet
from credwallet.errors import BadInput, CredwalletError, ExitCode, UsageError
from credwallet.models import CheckStatus, ReportStatus, VerificationReport

__all__ = ["exit_code_for", "parse_now", "register"]

_CHECK_STYLE = {
    "pass": "green",
    "fail": "red",
    "unknown": "yellow",
    "skip": "dim",
}

NowOption = Annotated[
    str | None,
    typer.Option("--now", help="Check validity as of this ISO 8601 time instead of now."),
]


def parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC)
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"--now takes an ISO 8601 time such as 2026-05-01T00:00:00Z, not {text!r}"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def exit_code_for(
    reports: list[VerificationReport], errors: list[CredwalletError | None]
) -> ExitCode:
    statuses = {r.status for r in reports}
    if any(isinstance(e, BadInput) for e in errors) and ReportStatus.INVALID not in {
        r.status for r, e in zip(reports, errors, strict=True) if e is None
    }:
        return ExitCode.BAD_INPUT
    if ReportStatus.INVALID in statuses:
        return ExitCode.INVALID
    if ReportStatus.INDETERMINATE in statuses or any(e is not None for e in errors):
        return ExitCode.INDETERMINATE
    return ExitCode.OK


def report_json(report: VerificationReport) -> dict[str, Any]:
    """A report as `verify --json` prints it: the report, with the credential's state."""
    from credwallet.verify.state import credential_state

    return report.to_json() | credential_state(report).to_json()


def _render_report(out: Output, report: VerificationReport, *, label: str | None = None) -> None:
    from rich.text import Text

    from credwallet.cli._cmd_show import state_style
    from credwallet.verify.state import credential_state

    state = credential_state(report)
    head = Text()
    head.append(clean(label or report.source), style="bold")
    head.append("  ")
    head.append(clean(state.label), style=state_style(state.name))
    head.append(f"  ({report.status}, {report.format})", style="dim")
    out.out.print(head)
    out.out.print(check_lines(report.checks))


def check_lines(checks: Any) -> Any:
    """One line per check: the outcome, the name, then the detail wrapping in its own column."""
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for check in checks:
        style = _CHECK_STYLE.get(str(check.status), "")
        if not check.required and check.status is not CheckStatus.PASS:
            style = "yellow"  # advice (recipient, trust) never makes a credential invalid
        grid.add_row(
            Text(f"  {check.status!s}", style=style), check.name, Text(clean(check.detail))
        )
    return grid


_HEX = frozenset("0123456789abcdefABCDEF")


def _is_path(target: str) -> bool:
    """Wallet ids are hex; anything else (or an existing file) is a file, URL or `-`."""
    if target == "-" or target.startswith(("https://", "http://")) or Path(target).exists():
        return True
    return not (target and set(target) <= _HEX)


def verify(
    ctx: typer.Context,
    targets: Annotated[
        list[str] | None,
        typer.Argument(
            help="Wallet ids (or prefixes), files, folders, bundles, -, or URLs.",
            autocompletion=credential_ids,
        ),
    ] = None,
    all_stored: Annotated[
        bool, typer.Option("--all", help="Every credential in the wallet.")
    ] = False,
    now: NowOption = None,
    challenge: Annotated[
        str | None,
        typer.Option(help="A presentation must be bound to this challenge (your nonce)."),
    ] = None,
    domain: Annotated[
        str | None, typer.Option(help="A presentation must be bound to this domain.")
    ] = None,
    offline: OfflineFlag = False,
    json_flag: JsonFlag = False,
) -> None:
    """Check signatures, issuer keys, expiry, revocation; say why."""
    state = state_of(ctx)
    state.offline = state.offline or offline
    out = state.output(json_flag=json_flag)
    when = parse_now(now)
    names = list(targets or [])
    if not names and not all_stored:
        raise UsageError("name credentials or files to verify, or use --all")
    files = [n for n in names if _is_path(n)]
    ids = [n for n in names if not _is_path(n)]
    pairs: list[tuple[VerificationReport, CredwalletError | None]] = []
    if files:
        from credwallet.wallet.verifying import verify_paths

        pairs += verify_paths(
            files, offline=state.offline, now=when, challenge=challenge, domain=domain
        )
    if ids or all_stored:
        pairs += [(r, None) for r in _verify_stored(state, ids, when)]
    reports = [r for r, _ in pairs]
    if out.json_mode:
        out.data([report_json(r) for r in reports])
    else:
        for report in reports:
            _render_report(out, report)
    code = exit_code_for(reports, [e for _, e in pairs])
    if code is not ExitCode.OK:
        raise typer.Exit(int(code))


def _verify_stored(state: AppState, ids: list[str], when: datetime) -> list[VerificationReport]:
    from dataclasses import replace

    from credwallet.cli._progress import progress_for

    with open_wallet(state) as wallet, progress_for(state.output(), "verifying") as progress:
        results = wallet.reverify(ids or None, offline=state.offline, now=when, progress=progress)
    reports = [report for _, report in results]
    if ids:  # `source` is the id as the user gave it (a prefix stays a prefix)
        reports = [replace(r, source=given) for r, given in zip(reports, ids, strict=True)]
    return reports


def explain(
    ctx: typer.Context,
    target: Annotated[
        str,
        typer.Argument(help="A wallet id (or prefix) or a file.", autocompletion=credential_ids),
    ],
    now: NowOption = None,
    offline: OfflineFlag = False,
    json_flag: JsonFlag = False,
) -> None:
    """Show each verification step and its inputs (keys, URLs, hashes)."""
    state = state_of(ctx)
    state.offline = state.offline or offline
    out = state.output(json_flag=json_flag)
    when = parse_now(now)
    if _is_path(target):
        from credwallet.wallet.verifying import verify_paths

        pairs = verify_paths([target], offline=state.offline, now=when)
        reports = [r for r, _ in pairs]
        errors = [e for _, e in pairs]
    else:
        reports, errors = _verify_stored(state, [target], when), [None]
    if out.json_mode:
        out.data([report_json(r) for r in reports])
    else:
        for report in reports:
            _explain_report(out, report)
    code = exit_code_for(reports, errors)
    if code is not ExitCode.OK:
        raise typer.Exit(int(code))


def _explain_report(out: Output, report: VerificationReport) -> None:
    from rich.table import Table
    from rich.text import Text

    _render_report(out, report)
    for check in report.checks:
        if not check.inputs:
            continue
        table = Table(
            title=check.name, title_justify="left", show_header=False, box=None, padding=(0, 2)
        )
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for key, value in check.inputs:
            table.add_row(clean(key), Text(clean(value)))
        out.out.print()
        out.out.print(table)
    out.out.print(Text(f"checked at {report.checked_at.isoformat()}", style="dim"))


def check(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", help="Warn about expiry within DAYS.")] = 30,
    show_all: Annotated[
        bool,
        typer.Option("--all", help="Also list conditions already reported by an earlier run."),
    ] = False,
    offline: OfflineFlag = False,
    accept_rollback: Annotated[
        bool,
        typer.Option(
            "--accept-rollback",
            help="Accept the wallet as it is now after a rollback warning (you checked it).",
        ),
    ] = False,
    json_flag: JsonFlag = False,
) -> None:
    """Health check for cron: re-verify all, report what changed."""
    from credwallet.cli._progress import progress_for
    from credwallet.wallet.health import assess

    state = state_of(ctx)
    state.offline = state.offline or offline
    out = state.output(json_flag=json_flag)
    when = datetime.now(UTC)
    with open_wallet(state, check_catalog=False) as wallet:
        if accept_rollback and wallet.store.rollback_suspected:
            # The suspicion outlives any number of writes until the user says so here.
            wallet.store.accept_rollback()
            out.message("Accepted the wallet as it is now; the rollback warning is cleared.")
        found = wallet.store.check()
        # Advice (a weaker KDF than today's default, loose file modes) is reported but does
        # not stop the check; damage does, and re-verifying would mean writing to it.
        advice = [
            p for p in found if p.startswith("needs_rekdf") or "accessible to other users" in p
        ]
        problems = [p for p in found if p not in advice]
        if problems:
            # A wallet that fails its own checks is reported, not re-verified (that writes).
            _report_problems(out, problems)
            raise typer.Exit(int(ExitCode.WALLET))
        # A record the wallet cannot read is reported (and skipped by every view), but it
        # does not stop the others from being re-verified.
        advice += [
            f"unreadable {kind} record {rid}: {reason} (skipped by every view)"
            for rid, kind, reason in wallet.unreadable_records(now=when)
        ]
        with progress_for(out, "checking") as progress:
            results = wallet.reverify(None, offline=state.offline, now=when, progress=progress)
    health = assess(results, now=when, days=days, show_all=show_all)
    summary: dict[str, Any] = health.to_json() | {"store_problems": problems, "advice": advice}
    if out.json_mode:
        out.data(summary)
    else:
        _render_health(out, health)
        for line in advice:
            out.warn(line)
    # Exit codes for cron: only what changed since the last check alerts (an expired badge
    # kept for the record must not fail every run): 3 newly failed, 4 newly unreachable.
    if health.newly_failed:
        raise typer.Exit(int(ExitCode.INVALID))
    if health.unreachable:
        raise typer.Exit(int(ExitCode.INDETERMINATE))


def _render_health(out: Output, health: Any) -> None:
    """The summary on stdout (it is the command's data), one block per kind of finding."""
    from rich.table import Table
    from rich.text import Text

    from credwallet.cli._cmd_show import state_style

    counts = ", ".join(f"{n} {name}" for name, n in sorted(health.counts.items()))
    plural = "s" if health.checked != 1 else ""
    out.out.print(
        Text(f"{health.checked} credential{plural} checked" + (f": {counts}" if counts else ""))
    )
    sections = (
        ("Newly failed", health.newly_failed, "red"),
        ("Newly unreachable (answered last time)", health.unreachable, "yellow"),
        ("Cannot check", health.cannot_check, "dim"),
        ("Expiring soon", health.expiring, "yellow"),
    )
    for title, items, style in sections:
        if not items:
            continue
        table = Table(
            title=title, title_justify="left", title_style=style, box=None, padding=(0, 1)
        )
        table.add_column("ID", no_wrap=True)
        table.add_column("Name", ratio=2)
        table.add_column("State", ratio=1)
        table.add_column("Why", ratio=3)
        for item in items:
            why = item.reason
            if item.expires is not None:
                why = f"expires {item.expires.date().isoformat()}"
            if not item.new:
                why = f"{why} (reported before)"
            table.add_row(
                item.id[:8],
                Text(clean(item.name)),
                Text(clean(item.state.label), style=state_style(item.state.name)),
                Text(clean(why)),
            )
        out.out.print()
        out.out.print(table)


def _report_problems(out: Output, problems: list[str]) -> None:
    if out.json_mode:
        # The documented shape of `check --json` (docs/schemas/check.schema.json), empty:
        # nothing was re-verified.
        from credwallet.wallet.health import HealthReport

        out.data(HealthReport().to_json() | {"store_problems": problems, "advice": []})
        return
    for problem in problems:
        out.error(problem)


def register(app: typer.Typer) -> None:
    app.command()(verify)
    app.command()(explain)
    app.command()(check)
