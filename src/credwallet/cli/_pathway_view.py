"""Draw a pathway's progress (the JSON of `pathway show --json`) as a rich tree."""

from __future__ import annotations

from typing import Any

from credwallet.cli._output import Output, clean

__all__ = ["progress_bar", "render_pathway"]

_BAR_WIDTH = 20


def progress_bar(progress: float, pending: float = 0.0) -> Any:
    """Earned in green, pending in yellow, missing dimmed."""
    from rich.text import Text

    earned = max(0, min(_BAR_WIDTH, round(progress * _BAR_WIDTH)))
    waiting = max(0, min(_BAR_WIDTH - earned, round(max(0.0, pending - progress) * _BAR_WIDTH)))
    bar = Text()
    bar.append("█" * earned, style="green")
    bar.append("▒" * waiting, style="yellow")
    bar.append("░" * (_BAR_WIDTH - earned - waiting), style="dim")
    bar.append(f" {progress * 100:3.0f}%")
    return bar


def _label(node: dict[str, Any]) -> Any:
    from rich.text import Text

    text = Text()
    complete = bool(node.get("complete"))
    state = node.get("state") or ("earned" if complete else "missing")
    mark = {"earned": "✔", "pending": "…", "manual": "✎"}.get(state, "○")
    style = {"earned": "green", "pending": "yellow"}.get(state, "dim")
    text.append(f"{mark} ", style=style)
    text.append(
        clean(node.get("name") or node.get("key") or "?"), style=None if complete else style
    )
    text.append("  ")
    text.append_text(
        progress_bar(float(node.get("progress", 0.0)), float(node.get("progress_pending", 0.0)))
    )
    if node.get("note"):
        text.append(f"  ({clean(node['note'])})", style="italic dim")
    ids = node.get("credentials") or []
    if ids:
        text.append("  " + ", ".join(str(i)[:8] for i in ids), style="cyan")
    return text


def _add_children(tree: Any, nodes: list[dict[str, Any]]) -> None:
    for node in nodes:
        branch = tree.add(_label(node))
        _add_children(branch, list(node.get("children") or []))


def render_pathway(out: Output, pathway: dict[str, Any]) -> None:
    from rich.text import Text
    from rich.tree import Tree

    if pathway.get("error"):
        out.out.print(Text(f"{clean(pathway.get('name'))}: {clean(pathway['error'])}", style="red"))
        return
    head = Text()
    head.append(clean(pathway.get("name") or pathway.get("id")), style="bold")
    head.append("  ")
    head.append_text(
        progress_bar(
            float(pathway.get("progress", 0.0)), float(pathway.get("progress_pending", 0.0))
        )
    )
    if pathway.get("complete"):
        head.append("  complete", style="bold green")
    tree = Tree(head)
    nodes = list(pathway.get("components") or [])
    if len(nodes) == 1 and nodes[0].get("children"):
        # The goal is the pathway itself (already in the heading): draw its parts.
        nodes = list(nodes[0]["children"])
    _add_children(tree, nodes)
    out.out.print(tree)
    missing = pathway.get("missing") or []
    steps = pathway.get("next") or []
    if steps:
        out.out.print(Text("  next: " + "; ".join(clean(s) for s in steps), style="bold"))
    elif missing:
        out.out.print(Text("  missing: " + "; ".join(clean(s) for s in missing)))
    expiring = pathway.get("expiring") or []
    if expiring:
        out.out.print(
            Text(f"  {len(expiring)} counted credential(s) expire within 90 days", style="yellow")
        )
