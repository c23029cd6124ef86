"""Draw a pathway's progress (the JSON of `pathway show --json`) as a rich tree."""

from __future__ import annotations

from typing import Any

from credwallet.cli._output import Output, clean

__all__ = ["bar_width", "progress_bar", "render_pathway"]

_BAR_WIDTH = 20
_NARROW = 100  # below this many columns the bars are half as long


def progress_bar(progress: float, pending: float = 0.0, *, width: int = _BAR_WIDTH) -> Any:
    """Earned in green, pending in yellow, missing dimmed."""
    from rich.text import Text

    earned = max(0, min(width, round(progress * width)))
    waiting = max(0, min(width - earned, round(max(0.0, pending - progress) * width)))
    bar = Text(no_wrap=True)
    bar.append("█" * earned, style="green")
    bar.append("▒" * waiting, style="yellow")
    bar.append("░" * (width - earned - waiting), style="dim")
    bar.append(f" {progress * 100:3.0f}%")
    return bar


def bar_width(out: Output) -> int:
    """How long a progress bar is on this terminal."""
    return _BAR_WIDTH if out.out.width >= _NARROW else _BAR_WIDTH // 2


def _label(node: dict[str, Any], bar_width: int) -> Any:
    """The name (wrapping in its own column) beside its bar, then notes and ids beneath."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    complete = bool(node.get("complete"))
    state = node.get("state") or ("earned" if complete else "missing")
    mark = {"earned": "✔", "pending": "…", "manual": "✎"}.get(state, "○")
    style = {"earned": "green", "pending": "yellow"}.get(state, "dim")
    name = Text()
    name.append(f"{mark} ", style=style)
    name.append(
        clean(node.get("name") or node.get("key") or "?"), style=None if complete else style
    )
    line = Table.grid(padding=(0, 2))
    line.add_column(overflow="fold")
    line.add_column(no_wrap=True)
    line.add_row(
        name,
        progress_bar(
            float(node.get("progress", 0.0)),
            float(node.get("progress_pending", 0.0)),
            width=bar_width,
        ),
    )
    extra = Text(style="dim")
    if node.get("note"):
        extra.append(f"({clean(node['note'])})", style="italic dim")
    ids = node.get("credentials") or []
    if ids:
        if extra:
            extra.append("  ")
        extra.append(", ".join(str(i)[:8] for i in ids), style="cyan")
    return Group(line, extra) if extra else line


def _add_children(tree: Any, nodes: list[dict[str, Any]], bar_width: int) -> None:
    for node in nodes:
        branch = tree.add(_label(node, bar_width))
        _add_children(branch, list(node.get("children") or []), bar_width)


def render_pathway(out: Output, pathway: dict[str, Any]) -> None:
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text
    from rich.tree import Tree

    if pathway.get("error"):
        out.out.print(Text(f"{clean(pathway.get('name'))}: {clean(pathway['error'])}", style="red"))
        return
    bars = bar_width(out)
    head = Table.grid(padding=(0, 2))
    head.add_column(overflow="fold", style="bold")
    head.add_column(no_wrap=True)
    bar = progress_bar(
        float(pathway.get("progress", 0.0)),
        float(pathway.get("progress_pending", 0.0)),
        width=bars,
    )
    if pathway.get("complete"):
        bar.append("  complete", style="bold green")
    head.add_row(Text(clean(pathway.get("name") or pathway.get("id"))), bar)
    tree = Tree(head)
    nodes = list(pathway.get("components") or [])
    if len(nodes) == 1 and nodes[0].get("children"):
        # The goal is the pathway itself (already in the heading): draw its parts.
        nodes = list(nodes[0]["children"])
    _add_children(tree, nodes, bars)
    out.out.print(tree)
    missing = pathway.get("missing") or []
    steps = pathway.get("next") or []
    if steps:
        # Indented as a block, so that a long list wraps under itself, not at the margin.
        text = Text("next: " + "; ".join(clean(s) for s in steps), style="bold")
        out.out.print(Padding(text, (0, 0, 0, 2)))
    elif missing:
        out.out.print(
            Padding(Text("missing: " + "; ".join(clean(s) for s in missing)), (0, 0, 0, 2))
        )
    expiring = pathway.get("expiring") or []
    if expiring:
        out.out.print(
            Padding(
                Text(
                    f"{len(expiring)} counted credential(s) expire within 90 days", style="yellow"
                ),
                (0, 0, 0, 2),
            )
        )
