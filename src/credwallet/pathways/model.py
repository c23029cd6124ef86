"""The pathway model: a requirement tree whose leaves match credentials.

A :class:`Pathway` is what a pathway TOML file (or an imported CTDL graph) means once validated.
Its root is ``goal``; every other node lives in ``components`` under its key and is referenced
from a group's ``of``. :class:`HeldCredential` is what the wallet hands to the evaluator: one
stored credential with its verification outcome and the tags the holder gave it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from credwallet.models import Credential, ReportStatus, VerificationReport

__all__ = [
    "GOAL_KEY",
    "HeldCredential",
    "Match",
    "Node",
    "NodeKind",
    "Pathway",
]

GOAL_KEY = "goal"  # the root node's key; not allowed as a component key


class NodeKind(StrEnum):
    """What a node is: a leaf matching credentials, a group, a credit sum or a manual step."""

    LEAF = "leaf"
    ALL = "all"
    ANY = "any"
    AT_LEAST = "at-least"
    CREDITS = "credits"
    MANUAL = "manual"

    @property
    def is_group(self) -> bool:
        return self in (NodeKind.ALL, NodeKind.ANY, NodeKind.AT_LEAST)


@dataclass(frozen=True, slots=True)
class Match:
    """One table of match keys: a credential matches when every key given holds.

    Dates keep the TOML type they were written with (a date or a datetime) so that a pathway
    written back out says what its author wrote.
    """

    achievement: str | None = None
    name: str | None = None
    issuer: str | None = None
    tag: str | None = None
    alignment: str | None = None
    framework: str | None = None
    type: str | None = None
    earned_after: date | datetime | None = None
    earned_before: date | datetime | None = None
    earned_within: str | None = None  # "3y", "18m", "6w", "90d"

    @property
    def has_time_window(self) -> bool:
        window = (self.earned_after, self.earned_before, self.earned_within)
        return any(v is not None for v in window)


@dataclass(frozen=True, slots=True)
class Node:
    """One requirement. Which fields apply depends on ``kind`` (see docs/pathways.md)."""

    key: str
    kind: NodeKind
    name: str | None = None
    note: str | None = None
    of: tuple[str, ...] = ()  # groups: the keys of the parts
    count: int = 1  # leaf: distinct credentials needed; at-least: parts needed
    match: tuple[Match, ...] = ()  # leaf: any one table holds
    min: float = 0.0  # credits: the threshold
    credits_from: tuple[Match, ...] = ()  # credits: which credentials feed the sum
    completed_by: tuple[Match, ...] = ()  # holding one of these completes the node
    allow_expired: bool = False
    shared: bool = False  # True: credentials used here may also fill other nodes
    after: tuple[str, ...] = ()  # advisory order: do those first
    credits: float | None = None  # the credit value a programme gives this node (informational)

    @property
    def label(self) -> str:
        return self.name or self.key


@dataclass(frozen=True)
class Pathway:
    """A validated pathway. ``text`` is the TOML it was loaded from, byte for byte, if any."""

    id: str
    name: str
    goal: Node
    components: Mapping[str, Node]
    description: str | None = None
    url: str | None = None
    unit: str | None = None
    source: Mapping[str, str] = field(default_factory=dict)  # e.g. {"kind": "ctdl", "ctid": ...}
    text: str | None = field(default=None, compare=False, repr=False)

    def node(self, key: str) -> Node:
        return self.goal if key == GOAL_KEY else self.components[key]


@dataclass(frozen=True)
class HeldCredential:
    """A stored credential as the evaluator sees it (built by the wallet)."""

    wallet_id: str
    credential: Credential
    status: ReportStatus
    report: VerificationReport | None = None
    tags: tuple[str, ...] = ()  # the wallet's own tags plus the credential's
