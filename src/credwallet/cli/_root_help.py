"""`credwallet --help` (and `credwallet` alone): the root listing, laid out here.

Typer draws help through rich tables, which measure every cell twice to size the columns:
for the root's 26 commands and 9 options that was most of what `credwallet --help` spent
beyond a bare Typer app's help (issue 15 asks for at most 1.1x). The root listing is simple
(a name column and one text column per panel), so it is laid out here as lines of known
width, in typer's panels and colours; commands' own help is still typer's.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.text import Text
    from typer import _click as click
    from typer.core import TyperGroup

__all__ = ["print_root_help"]

_GAP = "  "
_NAME_STYLE = "bold cyan"
_SHORT_STYLE = "bold green"
_METAVAR_STYLE = "bold yellow"
_BORDER_STYLE = "dim"
_NARROWEST_TEXT = 20  # columns: below this the text goes under the names, not beside them
_STACKED_INDENT = 4


def print_root_help(group: TyperGroup, ctx: click.Context) -> None:
    """Usage, the group's help, then an Options and a Commands panel, fitted to the terminal."""
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False)
    width = max(console.width, 40)
    lines: list[Text] = [Text("")]
    words = f"{ctx.command_path} {' '.join(group.collect_usage_pieces(ctx))}"
    for number, piece in enumerate(textwrap.wrap(words, max(width - 9, 1))):
        usage = Text()
        usage.append(" Usage: " if number == 0 else " " * 8, style="yellow")
        lines.append(usage.append(piece, style="bold"))
    lines.append(Text(""))
    if group.help:
        for paragraph in group.help.strip().split("\n\n"):
            wrapped = textwrap.wrap(paragraph, width - 2, break_on_hyphens=False)
            lines += [Text(" " + line) for line in wrapped]
        lines.append(Text(""))
    lines += _panel("Options", _option_rows(group, ctx), width)
    commands = [
        (name, command)
        for name in group.list_commands(ctx)
        if (command := group.get_command(ctx, name)) is not None and not command.hidden
    ]
    command_rows = [
        (name, "", "", command.get_short_help_str(limit=10_000)) for name, command in commands
    ]
    lines += _panel("Commands", command_rows, width)
    console.print(Text("\n").join(lines), soft_wrap=True)


_Row = tuple[str, str, str, str]
"""Name, metavar, short name, text."""


def _option_rows(group: TyperGroup, ctx: click.Context) -> list[_Row]:
    rows = []
    for param in group.get_params(ctx):
        if getattr(param, "hidden", False) or not param.opts:
            continue
        long = ", ".join(opt for opt in param.opts if opt.startswith("--"))
        short = ", ".join(opt for opt in param.opts if not opt.startswith("--"))
        metavar = "" if getattr(param, "is_flag", False) else f"<{param.type.name}>"
        rows.append((long, metavar, short, getattr(param, "help", None) or ""))
    return rows


def _panel(title: str, rows: list[_Row], width: int) -> list[Text]:
    """A rounded box titled ``title``: each row's names, then its text wrapped to the width
    that is left (or, on a very narrow terminal, under the names)."""
    from rich.text import Text

    inner = max(width - 4, 1)  # between "│ " and " │"
    first = max((len(f"{name} {metavar}".rstrip()) for name, metavar, _, _ in rows), default=0)
    second = max((len(short) for _, _, short, _ in rows), default=0)
    lead = first + len(_GAP) + (second + len(_GAP) if second else 0)
    stacked = inner - lead < _NARROWEST_TEXT
    if stacked:
        lead = _STACKED_INDENT
    out = [Text(f"╭─ {title} " + "─" * max(width - len(title) - 5, 0) + "╮", style=_BORDER_STYLE)]
    for name, metavar, short, text in rows:
        label = _label(name, metavar, short, 0 if stacked else first, 0 if stacked else second)
        pieces = textwrap.wrap(" ".join(text.split()), inner - lead, break_on_hyphens=False)
        if stacked:
            out.append(_boxed(label, inner))
            label = Text(" " * lead)
        for piece in pieces or [""]:
            out.append(_boxed(label + piece, inner))
            label = Text(" " * lead)
    out.append(Text("╰" + "─" * (width - 2) + "╯", style=_BORDER_STYLE))
    return out


def _label(name: str, metavar: str, short: str, first: int, second: int) -> Text:
    """A row's names in typer's colours, padded to the name columns' widths."""
    from rich.text import Text

    label = Text()  # no base style: it would colour the text appended after the names
    label.append(name, style=_NAME_STYLE)
    if metavar:
        label.append(" ")
        label.append(metavar, style=_METAVAR_STYLE)
    label.pad_right(first - len(label))
    if first:
        label.append(_GAP)
    if second:
        label.append(short.ljust(second), style=_SHORT_STYLE)
        label.append(_GAP)
    elif short:  # stacked: the short name follows the long one
        label.append(f", {short}", style=_SHORT_STYLE)
    return label


def _boxed(content: Text, inner: int) -> Text:
    from rich.text import Text

    content.pad_right(inner - content.cell_len)
    line = Text()
    line.append("│ ", style=_BORDER_STYLE)
    line.append_text(content)
    line.append(" │", style=_BORDER_STYLE)
    return line
