"""`credwallet import`: files, folders, stdin, baked images and URLs into the wallet."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from credwallet.cli._output import Output, clean
from credwallet.cli._state import JsonFlag, OfflineFlag, state_of
from credwallet.cli._unlock import open_wallet
from credwallet.errors import ExitCode
from credwallet.wallet import ImportSummary

__all__ = ["register"]

_RESULT_STYLE = {
    "imported": "green",
    "duplicate": "cyan",
    "skipped": "dim",
    "refused": "red",
    "failed": "red",
}


def _short(source: str) -> str:
    """A path as the user would recognise it: relative to here when that is shorter."""
    if source.startswith(("https://", "http://", "<")):
        return source
    try:
        relative = os.path.relpath(source)
    except ValueError:  # another drive on Windows
        return source
    if relative.startswith(".." + os.sep + ".."):
        return Path(source).name
    return relative if len(relative) < len(source) else source


def _render(out: Output, summary: ImportSummary) -> None:
    for item in summary.outcomes:
        label = clean(item.name or item.source)
        line = f"{item.result:>9}  {clean(_short(item.source))}"
        if item.result == "imported":
            state = clean(item.state_label or item.status)
            line += f"  -> {item.wallet_id[:8] if item.wallet_id else ''} {label} [{state}]"
        elif item.message:
            # Reading errors name the file; it is already at the start of the line.
            message = item.message.removeprefix(f"{item.source}: ")
            line += f"  {clean(message)}"
        out.message(line, style=_RESULT_STYLE.get(item.result))
    for origin in summary.origin_summaries():
        out.message(clean(origin["summary"]))
    out.message(
        f"{summary.count('imported')} imported, {summary.count('duplicate')} duplicates, "
        f"{summary.count('refused')} refused, {summary.count('failed')} failed"
        + (
            f", {summary.count('skipped')} skipped (not credentials)"
            if summary.count("skipped")
            else ""
        )
    )


def import_(
    ctx: typer.Context,
    sources: Annotated[
        list[str],
        typer.Argument(help="Files, folders (recursive), - for stdin, or https:// URLs."),
    ],
    allow_invalid: Annotated[
        bool,
        typer.Option("--allow-invalid", help="Keep credentials whose signature fails too."),
    ] = False,
    import_passphrase_file: Annotated[
        Path | None,
        typer.Option(
            "--import-passphrase-file",
            help="The passphrase of an encrypted export (another wallet's backup); "
            "asked on the terminal when needed otherwise.",
        ),
    ] = None,
    adopt_keys: Annotated[
        bool,
        typer.Option(
            "--adopt-keys",
            help="Keep the private keys in another wallet's backup: its holder DID becomes "
            "one of your identities.",
        ),
    ] = False,
    offline: OfflineFlag = False,
    json_flag: JsonFlag = False,
) -> None:
    """Import credentials, verifying each on the way in.

    Other wallets' exports (a zip of badges, a Learner Credential Wallet backup) are opened
    and every credential inside imported.
    """
    state = state_of(ctx)
    state.offline = state.offline or offline
    out = state.output(json_flag=json_flag)
    export_passphrase = _export_passphrase(import_passphrase_file)
    from credwallet.cli._progress import progress_for

    with open_wallet(state) as wallet, progress_for(out, "importing") as bar:
        progress = None
        if bar is not None:
            from credwallet.wallet.sources import count_sources

            total = count_sources(list(sources))
            done = [0]

            def progress(_name: str) -> None:
                # A zip or a wallet backup holds more than one input: the total grows with it.
                done[0] += 1
                bar(done[0], max(total, done[0]))

        summary = wallet.import_sources(
            sources,
            allow_invalid=allow_invalid,
            offline=state.offline,
            progress=progress,
            export_passphrase=export_passphrase,
            adopt_keys=adopt_keys,
        )
    if out.json_mode:
        out.data(summary.to_json())
    else:
        _render(out, summary)
    if summary.exit_code is not ExitCode.OK:
        raise typer.Exit(int(summary.exit_code))


def _export_passphrase(path: Path | None) -> Callable[[], str] | None:
    """Read from the file when given (never argv), else asked on a terminal, only if needed."""
    from credwallet.cli._unlock import read_passphrase_file

    if path is not None:
        value = read_passphrase_file(path)
        return lambda: value
    if sys.stdin.isatty() and sys.stderr.isatty():
        import getpass

        return lambda: getpass.getpass("Passphrase of the encrypted export: ", stream=sys.stderr)
    return None


def register(app: typer.Typer) -> None:
    app.command("import")(import_)
