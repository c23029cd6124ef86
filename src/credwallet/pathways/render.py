"""A plain-data picture of a pathway's progress, for a renderer to draw (no rich here).

Each :class:`TreeNode` says how to show one node: its state (``earned`` in full, ``pending``
when credentials still being checked or the holder's own word would complete it, ``missing``
otherwise), a short ``detail`` ("2/3", "15/20 ECTS", "2 of 3"), its note and the wallet ids
of the credentials that fill it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from credwallet.pathways.evaluate import NodeProgress, PathwayProgress
from credwallet.pathways.model import NodeKind

__all__ = ["RenderedPathway", "TreeNode", "render_pathway", "render_tree"]

State = Literal["earned", "pending", "missing"]


@dataclass(frozen=True)
class TreeNode:
    key: str
    name: str
    kind: str
    progress: float
    pending: float  # progress counting pending credentials and ticked manual steps
    complete: bool
    state: State
    detail: str
    note: str | None
    credential_ids: tuple[str, ...]
    pending_ids: tuple[str, ...]
    attested: bool  # a manual step the holder ticked (their own word, not proof)
    children: tuple[TreeNode, ...]


@dataclass(frozen=True)
class RenderedPathway:
    id: str
    name: str
    progress: float
    pending: float
    complete: bool
    root: TreeNode
    next: tuple[str, ...]
    missing: tuple[str, ...]
    expiring: tuple[str, ...]  # "Name (wallet id) until 2027-01-31"


def _state(node: NodeProgress) -> State:
    if node.complete:
        return "earned"
    return "pending" if node.progress_pending > node.progress else "missing"


def _detail(node: NodeProgress) -> str:
    if node.completed_by is not None and node.complete_pending:
        return "completed by the programme's own credential"
    if node.kind is NodeKind.MANUAL:
        return "done (self-attested)" if node.ticked else "manual step"
    if node.kind is NodeKind.CREDITS:
        unit = f" {node.unit}" if node.unit else " credits"
        have = node.credit_sum or 0.0
        pend = (node.credit_sum_pending or 0.0) - have
        extra = f" (+{pend:g} pending)" if pend > 0 else ""
        return f"{have:g}/{node.credit_min or 0:g}{unit}{extra}"
    if node.kind is NodeKind.LEAF:
        extra = f" (+{len(node.pending_credentials)} pending)" if node.pending_credentials else ""
        return f"{node.matched or 0}/{node.count or 1}{extra}"
    done = sum(1 for c in node.children if c.complete)
    if node.kind is NodeKind.AT_LEAST:
        return f"{done} of {node.count} needed ({len(node.children)} options)"
    if node.kind is NodeKind.ANY:
        return f"any 1 of {len(node.children)}"
    return f"{done}/{len(node.children)} parts"


def render_tree(node: NodeProgress) -> TreeNode:
    return TreeNode(
        key=node.key,
        name=node.name,
        kind=str(node.kind),
        progress=node.progress,
        pending=node.progress_pending,
        complete=node.complete,
        state=_state(node),
        detail=_detail(node),
        note=node.note,
        credential_ids=(
            *node.credentials,
            *([node.completed_by] if node.completed_by and node.complete else []),
        ),
        pending_ids=node.pending_credentials,
        attested=bool(node.ticked),
        children=tuple(render_tree(c) for c in node.children),
    )


def render_pathway(progress: PathwayProgress) -> RenderedPathway:
    return RenderedPathway(
        id=progress.id,
        name=progress.name,
        progress=progress.progress,
        pending=progress.progress_pending,
        complete=progress.complete,
        root=render_tree(progress.root),
        next=progress.next,
        missing=progress.missing,
        expiring=tuple(
            f"{e.name} ({e.wallet_id}) until {e.valid_until.date().isoformat()}"
            for e in progress.expiring
        ),
    )
