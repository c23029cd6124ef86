"""`credwallet import`: files, folders, stdin, baked images and URLs into the wallet."""

from __future__ import annotations

import os
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from credwallet.cli._output import Output, abbreviate, clean
from credwallet.cli._state import JsonFlag, OfflineFlag, state_of
from credwallet.cli._unlock import open_wallet
from credwallet.errors import ExitCode
from credwallet.wallet import ImportOutcome, ImportSummary

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


def _fit(text: str, room: int, *, path: bool = False) -> str:
    """``text`` in at most ``room`` cells. A name keeps its start and end; a path keeps its
    end (the file's own name tells files apart, the folders they are in mostly do not)."""
    from rich.cells import cell_len

    if cell_len(text) <= room:
        return text
    if room <= 3:
        return text[:room]
    if len(text) != cell_len(text):
        return _cut(text, room)
    return "..." + text[-(room - 3) :] if path else abbreviate(text, keep=room)


def _cut(text: str, room: int) -> str:
    # Wide characters (CJK names): cut by cells, not by characters, and mark the cut.
    from rich.cells import set_cell_size

    return set_cell_size(text, room - 3).rstrip() + "..."


def _outcome_lines(item: ImportOutcome, width: int | None) -> list[str]:
    """One outcome as lines of at most ``width`` cells: the result, the file, what became of it.

    The file and the credential's name share what the fixed parts leave, the name first (it is
    what the user looks for); what does not fit goes on indented lines below. With no width
    (a log, not a terminal) the outcome is one whole line, as scripts grep it."""
    from rich.cells import cell_len

    head = f"{item.result:>9}  "
    source = clean(_short(item.source))
    if width is None:
        return [_whole_line(item, head + source)]
    if item.result == "imported":
        label = clean(item.name or item.source)
        arrow = f"-> {item.wallet_id[:8] if item.wallet_id else ''} "
        tail = f" [{clean(item.state_label or item.status)}]"
        room = width - len(head) - 2 - cell_len(arrow) - cell_len(tail)
        if room >= 40:
            name = _fit(label, room - min(cell_len(source), room * 2 // 5))
            return [f"{head}{_fit(source, room - cell_len(name), path=True)}  {arrow}{name}{tail}"]
        # Narrow: the file on one line, the credential it became on the next.
        room = max(width - len(head) - cell_len(arrow) - cell_len(tail), 4)
        return [
            head + _fit(source, max(width - len(head), 8), path=True),
            " " * len(head) + arrow + _fit(label, room) + tail,
        ]
    line = head + _fit(source, max(width - len(head), 8), path=True)
    if not item.message:
        return [line]
    # Reading errors name the file; it is already at the start of the line.
    message = clean(item.message.removeprefix(f"{item.source}: "))
    if cell_len(line) + 2 + cell_len(message) <= width:
        return [f"{line}  {message}"]
    indent = " " * len(head)
    return [
        line,
        # Options and paths stay whole at hyphens (`--import-passphrase-file` is typed back).
        *textwrap.wrap(
            message,
            max(width, 20),
            initial_indent=indent,
            subsequent_indent=indent,
            break_on_hyphens=False,
        ),
    ]


def _whole_line(item: ImportOutcome, line: str) -> str:
    if item.result == "imported":
        state = clean(item.state_label or item.status)
        short_id = item.wallet_id[:8] if item.wallet_id else ""
        return f"{line}  -> {short_id} {clean(item.name or item.source)} [{state}]"
    if item.message:
        # Reading errors name the file; it is already at the start of the line.
        return f"{line}  {clean(item.message.removeprefix(f'{item.source}: '))}"
    return line


def _render(out: Output, summary: ImportSummary) -> None:
    # A terminal, or a width the user set (COLUMNS), gets lines that fit; a log gets one whole
    # line per input, however long, so that grep finds the file and its outcome together.
    fit = out.err.is_terminal or bool(os.environ.get("COLUMNS"))
    width = out.err.width if fit else None
    for item in summary.outcomes:
        for line in _outcome_lines(item, width):
            out.message(line, style=_RESULT_STYLE.get(item.result))
    lines = [clean(origin["summary"]) for origin in summary.origin_summaries()]
    lines.append(
        f"{summary.count('imported')} imported, {summary.count('duplicate')} duplicates, "
        f"{summary.count('refused')} refused, {summary.count('failed')} failed"
        + (
            f", {summary.count('skipped')} skipped (not credentials)"
            if summary.count("skipped")
            else ""
        )
    )
    for line in lines:
        parts = (
            [line] if width is None else textwrap.wrap(line, max(width, 20), subsequent_indent="  ")
        )
        for part in parts or [""]:
            out.message(part)


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
